// The sound card of the dmacosim platform: the I2S transmitter's CPU DAI
// driver (the audio port, docs/audio_port.md) plus the ASoC-style PCM that
// ties the ALSA PCM core to the generic dmaengine PCM and the DAI.
//
// soc_pcm_trigger ordering (as ASoC): START / RESUME / PAUSE_RELEASE run the
// DMA component first, then the DAI (enable the transmitter once the DMA can
// answer its requests); STOP / SUSPEND / PAUSE_PUSH run the DAI first
// (transmitter off, its FIFO kept), then the DMA component.
// DAI trigger: START flushes the FIFO (stale frames of the previous run) and
// clears the sticky underrun flag, then enables the transmitter with the
// underrun interrupt; RESUME / PAUSE_RELEASE re-enable without flushing (the
// frames in the FIFO are the next ones to play); STOP / SUSPEND / PAUSE_PUSH
// disable the transmitter and its interrupt. All of it is MMIO from the
// trigger (IRQs off, stream lock held).
// The underrun interrupt (hardirq) acknowledges and, if the stream is
// running, stops it with XRUN via snd_pcm_stop_xrun() (stream lock irqsave).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "driver/dmaengine/dmaengine.h"
#include "driver/sound/pcm.h"
#include "driver/sound/pcm_dmaengine.h"

namespace dmacosim::sound {

// Audio port registers (docs/audio_port.md).
enum : uint32_t {
  I2S_ID = 0x00, I2S_CTRL = 0x04, I2S_STATUS = 0x08, I2S_FIFO_DATA = 0x0C, I2S_WATERMARK = 0x10,
  I2S_UNDERRUN_COUNT = 0x14, I2S_FRAMES_PLAYED = 0x18, I2S_IRQ_STATUS = 0x1C, I2S_OVERFLOW_COUNT = 0x20,
};
enum : uint32_t { I2S_ID_VALUE = 0x41554430, I2S_CTRL_ENABLE = 1u << 0, I2S_CTRL_UNDERRUN_IRQ_EN = 1u << 1,
                  I2S_CTRL_FLUSH = 1u << 2, I2S_IRQ_UNDERRUN = 1u << 0 };

struct dmacosim_i2s_platform_data {
  std::string name = "i2s";  // dev_name: the slave map names its DMA channel "tx"
  uint64_t regs = 0;
  unsigned irq = 0;
  unsigned fifo_depth = 16;   // frames
  unsigned watermark = 8;     // DMA request while level <= watermark
  unsigned maxburst = 8;      // frames per DMA request (<= depth - watermark)
  PcmLockModel lock_model = PcmLockModel::Linux2_6_33;
};

struct dmacosim_i2s {
  dmaengine::device dev;
  uint64_t regs = 0;
  unsigned irq = 0;
  snd_dmaengine_dai_dma_data dma_data;
  dmaengine_pcm dmaengine;  // the generic dmaengine PCM component (pointer choice)
  snd_pcm* pcm = nullptr;
  snd_pcm_substream* substream = nullptr;  // while open
  uint64_t underrun_irqs = 0;
  // dmacosim instrumentation: called by the DAI trigger right after its MMIO.
  std::function<void(int cmd)> on_dai_trigger;
};

// Process context (sleeps): checks the ID, programs the watermark, requests
// the underrun IRQ and creates the PCM (device 0) with the card's ops.
dmacosim_i2s* dmacosim_i2s_probe(const dmacosim_i2s_platform_data& pdata);
void dmacosim_i2s_remove(dmacosim_i2s* i2s);

// The card's PCM ops (exposed for tests).
extern const snd_pcm_ops dmacosim_soc_pcm_ops;
int dmacosim_i2s_dai_trigger(dmacosim_i2s* i2s, snd_pcm_substream* substream, int cmd);

}  // namespace dmacosim::sound
