// The generic ALSA <-> dmaengine glue (sound/core/pcm_dmaengine.c, the ASoC
// generic dmaengine PCM's hw_params), against the dmacosim dmaengine client
// API (driver/dmaengine/dmaengine.h).
//
// Mapping, as sound/core/pcm_dmaengine.c does it:
//   hw_params   -> snd_hwparams_to_dma_slave_config() (playback: MEM_TO_DEV,
//                  dst width from the sample width) + the DAI's dma_data
//                  (FIFO address, width, maxburst) -> dmaengine_slave_config()
//   START       -> dmaengine_prep_dma_cyclic(buffer, buffer_bytes, period_bytes,
//                  DMA_MEM_TO_DEV, DMA_CTRL_ACK | DMA_PREP_INTERRUPT), callback
//                  set, dmaengine_submit() (cookie kept unchecked),
//                  dma_async_issue_pending()
//   STOP        -> dmaengine_terminate_async()
//   PAUSE_PUSH  -> dmaengine_pause();  PAUSE_RELEASE, RESUME -> dmaengine_resume()
//   SUSPEND     -> dmaengine_pause() if the runtime has SNDRV_PCM_INFO_PAUSE,
//                  else dmaengine_terminate_async()
//   other       -> -EINVAL
//   pointer     -> buffer_bytes - residue (tx_status IN_PROGRESS/PAUSED with
//                  0 < residue <= buffer_bytes), else 0; runtime->delay from
//                  in_flight_bytes
//   pointer_no_residue -> the callback-counted `pos` (deprecated in Linux:
//                  it lags when the DMA driver merges period callbacks)
//   period callback (the DMA's tasklet) -> pos += period bytes (wraps), then
//                  snd_pcm_period_elapsed(). ONE callback may stand for
//                  several elapsed periods (virt-dma merges them); ALSA
//                  recomputes hw_ptr from the pointer, so only `pos` lags.
// The generic ASoC dmaengine PCM's choice of pointer
// (sound/soc/soc-generic-dmaengine-pcm.c): pointer_no_residue only when the
// channel cannot report residue (DMA_RESIDUE_GRANULARITY_DESCRIPTOR, or no
// slave caps), the residue pointer otherwise (dmaengine_pcm_pointer()).
//   sync_stop / close -> dmaengine_synchronize() (process context)
#pragma once
#include <cstdint>

#include "driver/dmaengine/dmaengine.h"
#include "driver/sound/pcm.h"

namespace dmacosim::sound {

// What a DAI tells the PCM about its FIFO (include/sound/dmaengine_pcm.h).
struct snd_dmaengine_dai_dma_data {
  dmaengine::dma_addr_t addr = 0;
  dmaengine::dma_slave_buswidth addr_width = dmaengine::DMA_SLAVE_BUSWIDTH_UNDEFINED;
  uint32_t maxburst = 0;
  unsigned int flags = 0;
};

struct dmaengine_pcm_runtime_data {
  dmaengine::dma_chan* dma_chan = nullptr;
  dmaengine::dma_cookie_t cookie = 0;
  unsigned int pos = 0;  // bytes, advanced by the period callback
  // dmacosim statistics (the trigger, stream lock held): cyclic transfers
  // submitted. Period callbacks are counted once, by the PCM layer
  // (snd_pcm_runtime::period_elapsed_calls): each one calls
  // snd_pcm_period_elapsed() exactly once.
  uint64_t submits = 0;
};

// The generic ASoC dmaengine PCM component's state (struct dmaengine_pcm).
// SND_DMAENGINE_PCM_FLAG_NO_RESIDUE: the channel cannot report residue.
constexpr unsigned SND_DMAENGINE_PCM_FLAG_NO_RESIDUE = 1u << 31;
struct dmaengine_pcm {
  unsigned int flags = 0;
};
// False (period counting) for DESCRIPTOR granularity or a caps error.
bool dmaengine_pcm_can_report_residue(const dmaengine::device* dev, dmaengine::dma_chan* chan);
// The component's pointer op: no_residue if SND_DMAENGINE_PCM_FLAG_NO_RESIDUE.
snd_pcm_uframes_t dmaengine_pcm_pointer(const dmaengine_pcm* pcm, snd_pcm_substream* substream);

inline dmaengine_pcm_runtime_data* substream_to_prtd(const snd_pcm_substream* s) {
  return static_cast<dmaengine_pcm_runtime_data*>(s->runtime->private_data);
}

int snd_hwparams_to_dma_slave_config(const snd_pcm_substream* substream, const struct snd_pcm_hw_params* params,
                                     dmaengine::dma_slave_config* slave_config);
void snd_dmaengine_pcm_set_config_from_dai_data(const snd_pcm_substream* substream,
                                                const snd_dmaengine_dai_dma_data* dma_data,
                                                dmaengine::dma_slave_config* slave_config);
// runtime->info from the channel's caps (PAUSE|RESUME, BATCH).
int snd_dmaengine_pcm_refine_runtime_hwparams(snd_pcm_substream* substream, dmaengine::dma_chan* chan);

int snd_dmaengine_pcm_open(snd_pcm_substream* substream, dmaengine::dma_chan* chan);
int snd_dmaengine_pcm_close(snd_pcm_substream* substream);
int snd_dmaengine_pcm_close_release_chan(snd_pcm_substream* substream);
int snd_dmaengine_pcm_trigger(snd_pcm_substream* substream, int cmd);
snd_pcm_uframes_t snd_dmaengine_pcm_pointer(snd_pcm_substream* substream);
snd_pcm_uframes_t snd_dmaengine_pcm_pointer_no_residue(snd_pcm_substream* substream);
int snd_dmaengine_pcm_sync_stop(snd_pcm_substream* substream);
dmaengine::dma_chan* snd_dmaengine_pcm_get_chan(snd_pcm_substream* substream);

}  // namespace dmacosim::sound
