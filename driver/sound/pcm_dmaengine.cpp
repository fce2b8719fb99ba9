// ALSA <-> dmaengine glue. See pcm_dmaengine.h.
#include "driver/sound/pcm_dmaengine.h"

#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "models/log.h"

namespace dmacosim::sound {

using namespace dmacosim::dmaengine;

int snd_hwparams_to_dma_slave_config(const snd_pcm_substream* substream, const struct snd_pcm_hw_params* params,
                                     dma_slave_config* cfg) {
  dma_slave_buswidth width;
  const unsigned bits = params->sample_bits;
  if (bits < 8 || bits > 64) return -EINVAL;
  if (bits == 8) width = DMA_SLAVE_BUSWIDTH_1_BYTE;
  else if (bits == 16) width = DMA_SLAVE_BUSWIDTH_2_BYTES;
  else if (bits == 24) width = DMA_SLAVE_BUSWIDTH_3_BYTES;
  else if (bits <= 32) width = DMA_SLAVE_BUSWIDTH_4_BYTES;
  else width = DMA_SLAVE_BUSWIDTH_8_BYTES;
  if (substream->stream == SNDRV_PCM_STREAM_PLAYBACK) {
    cfg->direction = DMA_MEM_TO_DEV;
    cfg->dst_addr_width = width;
  } else {
    cfg->direction = DMA_DEV_TO_MEM;
    cfg->src_addr_width = width;
  }
  cfg->device_fc = false;
  return 0;
}

void snd_dmaengine_pcm_set_config_from_dai_data(const snd_pcm_substream* substream,
                                                const snd_dmaengine_dai_dma_data* dma_data,
                                                dma_slave_config* cfg) {
  if (substream->stream == SNDRV_PCM_STREAM_PLAYBACK) {
    cfg->dst_addr = dma_data->addr;
    cfg->dst_maxburst = dma_data->maxburst;
    if (dma_data->addr_width != DMA_SLAVE_BUSWIDTH_UNDEFINED) cfg->dst_addr_width = dma_data->addr_width;
  } else {
    cfg->src_addr = dma_data->addr;
    cfg->src_maxburst = dma_data->maxburst;
    if (dma_data->addr_width != DMA_SLAVE_BUSWIDTH_UNDEFINED) cfg->src_addr_width = dma_data->addr_width;
  }
}

int snd_dmaengine_pcm_refine_runtime_hwparams(snd_pcm_substream* substream, dma_chan* chan) {
  dma_slave_caps caps;
  int ret = dma_get_slave_caps(chan, &caps);
  if (ret) return ret;
  snd_pcm_runtime* r = substream->runtime;
  if (caps.cmd_pause && caps.cmd_resume) r->info |= SNDRV_PCM_INFO_PAUSE | SNDRV_PCM_INFO_RESUME;
  if (caps.residue_granularity <= DMA_RESIDUE_GRANULARITY_SEGMENT) r->info |= SNDRV_PCM_INFO_BATCH;
  return 0;
}

dma_chan* snd_dmaengine_pcm_get_chan(snd_pcm_substream* substream) { return substream_to_prtd(substream)->dma_chan; }

// The period callback: runs where the provider invokes callbacks (the
// virt-dma tasklet, softirq context), with no channel lock held.
static void dmaengine_pcm_dma_complete(void* arg) {
  KFUNC("dmaengine_pcm_dma_complete");
  auto* substream = static_cast<snd_pcm_substream*>(arg);
  if (!substream->runtime) return;
  dmaengine_pcm_runtime_data* prtd = substream_to_prtd(substream);
  unsigned int new_pos = prtd->pos + unsigned(snd_pcm_lib_period_bytes(substream));
  if (new_pos >= snd_pcm_lib_buffer_bytes(substream)) new_pos = 0;
  prtd->pos = new_pos;
  snd_pcm_period_elapsed(substream);
}

static int dmaengine_pcm_prepare_and_submit(snd_pcm_substream* substream) {
  KFUNC("dmaengine_pcm_prepare_and_submit");
  dmaengine_pcm_runtime_data* prtd = substream_to_prtd(substream);
  snd_pcm_runtime* r = substream->runtime;
  const dma_transfer_direction dir =
      substream->stream == SNDRV_PCM_STREAM_PLAYBACK ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM;
  const unsigned long flags = DMA_CTRL_ACK | DMA_PREP_INTERRUPT;  // period wakeups always on here
  prtd->pos = 0;
  dma_async_tx_descriptor* desc = dmaengine_prep_dma_cyclic(
      prtd->dma_chan, r->dma_addr, snd_pcm_lib_buffer_bytes(substream), snd_pcm_lib_period_bytes(substream), dir, flags);
  if (!desc) return -ENOMEM;
  desc->callback = dmaengine_pcm_dma_complete;
  desc->callback_param = substream;
  prtd->cookie = dmaengine_submit(desc);  // unchecked, as ALSA
  prtd->submits++;
  return 0;
}

int snd_dmaengine_pcm_trigger(snd_pcm_substream* substream, int cmd) {
  KFUNC("snd_dmaengine_pcm_trigger");
  dmaengine_pcm_runtime_data* prtd = substream_to_prtd(substream);
  snd_pcm_runtime* r = substream->runtime;
  switch (cmd) {
    case SNDRV_PCM_TRIGGER_START: {
      int ret = dmaengine_pcm_prepare_and_submit(substream);
      if (ret) return ret;
      dma_async_issue_pending(prtd->dma_chan);
      break;
    }
    case SNDRV_PCM_TRIGGER_RESUME:
    case SNDRV_PCM_TRIGGER_PAUSE_RELEASE:
      dmaengine_resume(prtd->dma_chan);
      break;
    case SNDRV_PCM_TRIGGER_SUSPEND:
      if (r->info & SNDRV_PCM_INFO_PAUSE) dmaengine_pause(prtd->dma_chan);
      else dmaengine_terminate_async(prtd->dma_chan);
      break;
    case SNDRV_PCM_TRIGGER_PAUSE_PUSH:
      dmaengine_pause(prtd->dma_chan);
      break;
    case SNDRV_PCM_TRIGGER_STOP:
      dmaengine_terminate_async(prtd->dma_chan);
      break;
    default:
      return -EINVAL;
  }
  return 0;
}

snd_pcm_uframes_t snd_dmaengine_pcm_pointer(snd_pcm_substream* substream) {
  KFUNC("snd_dmaengine_pcm_pointer");
  dmaengine_pcm_runtime_data* prtd = substream_to_prtd(substream);
  snd_pcm_runtime* r = substream->runtime;
  dma_tx_state state;
  const dma_status status = dmaengine_tx_status(prtd->dma_chan, prtd->cookie, &state);
  size_t pos = 0;
  if (status == DMA_IN_PROGRESS || status == DMA_PAUSED) {
    const size_t buf_size = snd_pcm_lib_buffer_bytes(substream);
    if (state.residue > 0 && state.residue <= buf_size) pos = buf_size - state.residue;
    r->delay = snd_pcm_sframes_t(bytes_to_frames(r, state.in_flight_bytes));
  }
  return bytes_to_frames(r, pos);
}

// Counts callbacks: wrong (behind) when periods merged into one callback.
snd_pcm_uframes_t snd_dmaengine_pcm_pointer_no_residue(snd_pcm_substream* substream) {
  dmaengine_pcm_runtime_data* prtd = substream_to_prtd(substream);
  return bytes_to_frames(substream->runtime, prtd->pos);
}

bool dmaengine_pcm_can_report_residue(const device* dev, dma_chan* chan) {
  dma_slave_caps dma_caps;
  int ret = dma_get_slave_caps(chan, &dma_caps);
  if (ret != 0) {
    log_warn("pcm", std::string(dev_name(dev)) +
                        ": Failed to get DMA channel capabilities, falling back to period counting: " +
                        std::to_string(ret));
    return false;
  }
  if (dma_caps.residue_granularity == DMA_RESIDUE_GRANULARITY_DESCRIPTOR) return false;
  return true;
}

snd_pcm_uframes_t dmaengine_pcm_pointer(const dmaengine_pcm* pcm, snd_pcm_substream* substream) {
  if (pcm->flags & SND_DMAENGINE_PCM_FLAG_NO_RESIDUE) return snd_dmaengine_pcm_pointer_no_residue(substream);
  return snd_dmaengine_pcm_pointer(substream);
}

int snd_dmaengine_pcm_open(snd_pcm_substream* substream, dma_chan* chan) {
  if (!chan || IS_ERR(chan)) return -ENXIO;
  auto* prtd = new dmaengine_pcm_runtime_data;
  prtd->dma_chan = chan;
  substream->runtime->private_data = prtd;
  return 0;
}

int snd_dmaengine_pcm_sync_stop(snd_pcm_substream* substream) {
  KFUNC("snd_dmaengine_pcm_sync_stop");
  dmaengine_synchronize(substream_to_prtd(substream)->dma_chan);
  return 0;
}

int snd_dmaengine_pcm_close(snd_pcm_substream* substream) {
  KFUNC("snd_dmaengine_pcm_close");
  dmaengine_pcm_runtime_data* prtd = substream_to_prtd(substream);
  dma_tx_state state;
  if (dmaengine_tx_status(prtd->dma_chan, prtd->cookie, &state) == DMA_PAUSED)
    dmaengine_terminate_async(prtd->dma_chan);
  dmaengine_synchronize(prtd->dma_chan);
  delete prtd;
  substream->runtime->private_data = nullptr;
  return 0;
}

int snd_dmaengine_pcm_close_release_chan(snd_pcm_substream* substream) {
  dma_chan* chan = substream_to_prtd(substream)->dma_chan;
  snd_dmaengine_pcm_close(substream);
  dma_release_channel(chan);
  return 0;
}

}  // namespace dmacosim::sound
