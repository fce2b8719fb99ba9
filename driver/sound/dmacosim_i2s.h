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
//
// Where the DMA half of the trigger runs (dmacosim_i2s_platform_data::
// dma_trigger) -- the options the 2010 thread ("DMA Engine API performance
// issues") discusses for a DMA driver that locks with spin_lock_bh:
//   direct      the DMA calls inside the trigger, as ASoC does (IRQs off,
//               stream lock held): the DMA driver must lock irqsave.
//   irq-enable  local_irq_enable() around the DMA calls inside the trigger,
//               the stream lock still held ("crude ... dangerous": an
//               interrupt whose handling takes the stream lock can now come).
//   deferred-tasklet / deferred-work
//               the trigger queues the command; a tasklet / work item makes
//               the DMA calls (IRQs on, no stream lock) and, for START /
//               RESUME / PAUSE_RELEASE, then enables the transmitter. STOP /
//               SUSPEND / PAUSE_PUSH disable the transmitter at once. A STOP
//               that finds its START still queued cancels both; sync_stop
//               (prepare, close) waits for the queue to drain before
//               dmaengine_synchronize(). `deferred_naive` is the first
//               version one would write: one command slot (a later command
//               overwrites a queued one), the transmitter switched in the
//               trigger as in direct mode, no wait in sync_stop.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "driver/kernel/interrupt.h"
#include "driver/kernel/spinlock.h"
#include "driver/kernel/workqueue.h"

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

enum class PcmDmaTrigger { Direct, IrqEnable, DeferredTasklet, DeferredWork };
const char* pcm_dma_trigger_name(PcmDmaTrigger t);  // "direct", "irq-enable", ...
bool pcm_dma_trigger_from_string(const std::string& s, PcmDmaTrigger* out);

struct dmacosim_i2s_platform_data {
  std::string name = "i2s";  // dev_name: the slave map names its DMA channel "tx"
  uint64_t regs = 0;
  unsigned irq = 0;
  unsigned fifo_depth = 16;   // frames
  unsigned watermark = 8;     // DMA request while level <= watermark
  unsigned maxburst = 8;      // frames per DMA request (<= depth - watermark)
  PcmLockModel lock_model = PcmLockModel::Linux2_6_33;
  PcmDmaTrigger dma_trigger = PcmDmaTrigger::Direct;
  bool deferred_naive = false;
  // Busy time at the start of every trigger, IRQs off, before the DMA and
  // DAI work (a slow codec or DAI; 0 = none). An interrupt raised meanwhile
  // stays pending; in irq-enable mode it is taken inside the IRQs-on window.
  unsigned trigger_delay_us = 0;
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
  // The DMA half of the trigger (see above).
  PcmDmaTrigger dma_trigger = PcmDmaTrigger::Direct;
  bool deferred_naive = false;
  unsigned trigger_delay_us = 0;
  // Deferred modes: queued commands, protected by deferred_lock (taken
  // irqsave: the trigger runs in hardirq too, from the underrun interrupt).
  kernel::spinlock_t deferred_lock;
  std::deque<int> deferred_cmds;
  kernel::tasklet_struct deferred_tasklet;
  kernel::work_struct deferred_work;
  uint64_t deferred_runs = 0, deferred_cancelled = 0, deferred_overwritten = 0;
};

// Process context (sleeps): checks the ID, programs the watermark, requests
// the underrun IRQ and creates the PCM (device 0) with the card's ops.
dmacosim_i2s* dmacosim_i2s_probe(const dmacosim_i2s_platform_data& pdata);
void dmacosim_i2s_remove(dmacosim_i2s* i2s);

// The card's PCM ops (exposed for tests).
extern const snd_pcm_ops dmacosim_soc_pcm_ops;
int dmacosim_i2s_dai_trigger(dmacosim_i2s* i2s, snd_pcm_substream* substream, int cmd);

}  // namespace dmacosim::sound
