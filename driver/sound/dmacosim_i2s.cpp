// The dmacosim sound card: I2S CPU DAI + generic dmaengine PCM. See dmacosim_i2s.h.
#include "driver/sound/dmacosim_i2s.h"

#include "driver/dmaengine/dma-mapping.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/irqflags.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "models/cpu.h"
#include "models/log.h"

namespace dmacosim::sound {

using namespace dmacosim::dmaengine;
using namespace dmacosim::kernel;

static dmacosim_i2s* to_i2s(snd_pcm_substream* s) { return static_cast<dmacosim_i2s*>(s->private_data); }
static Cpu& cpu() { return this_kernel().cpu(); }

// ---------------------------------------------------------------- DAI

int dmacosim_i2s_dai_trigger(dmacosim_i2s* i2s, snd_pcm_substream*, int cmd) {
  KFUNC("dmacosim_i2s_trigger");
  switch (cmd) {
    case SNDRV_PCM_TRIGGER_START:
      cpu().writel(I2S_CTRL_FLUSH, i2s->regs + I2S_CTRL);
      cpu().writel(I2S_IRQ_UNDERRUN, i2s->regs + I2S_IRQ_STATUS);
      cpu().writel(I2S_CTRL_ENABLE | I2S_CTRL_UNDERRUN_IRQ_EN, i2s->regs + I2S_CTRL);
      break;
    case SNDRV_PCM_TRIGGER_RESUME:
    case SNDRV_PCM_TRIGGER_PAUSE_RELEASE:
      cpu().writel(I2S_CTRL_ENABLE | I2S_CTRL_UNDERRUN_IRQ_EN, i2s->regs + I2S_CTRL);
      break;
    case SNDRV_PCM_TRIGGER_STOP:
    case SNDRV_PCM_TRIGGER_SUSPEND:
    case SNDRV_PCM_TRIGGER_PAUSE_PUSH:
      cpu().writel(0, i2s->regs + I2S_CTRL);
      break;
    default:
      return -EINVAL;
  }
  if (i2s->on_dai_trigger) i2s->on_dai_trigger(cmd);
  return 0;
}

static irqreturn_t dmacosim_i2s_irq(int, void* dev_id) {
  KFUNC("dmacosim_i2s_irq");
  auto* i2s = static_cast<dmacosim_i2s*>(dev_id);
  uint32_t st = cpu().readl(i2s->regs + I2S_IRQ_STATUS);
  if (!(st & I2S_IRQ_UNDERRUN)) return IRQ_NONE;
  cpu().writel(st, i2s->regs + I2S_IRQ_STATUS);
  i2s->underrun_irqs++;
  log_warn("i2s", i2s->dev.init_name + ": transmit FIFO underrun");
  if (i2s->substream) snd_pcm_stop_xrun(i2s->substream);
  return IRQ_HANDLED;
}

// ---------------------------------------------------------------- soc-pcm ops

static int soc_pcm_open(snd_pcm_substream* s) {
  KFUNC("soc_pcm_open");
  dmacosim_i2s* i2s = to_i2s(s);
  dma_chan* chan = dma_request_chan(&i2s->dev, "tx");
  if (IS_ERR(chan)) {
    log_error("i2s", i2s->dev.init_name + ": no DMA channel 'tx' (" + std::to_string(PTR_ERR(chan)) + ")");
    return int(PTR_ERR(chan));
  }
  int ret = snd_dmaengine_pcm_open(s, chan);
  if (ret) {
    dma_release_channel(chan);
    return ret;
  }
  snd_dmaengine_pcm_refine_runtime_hwparams(s, chan);
  // dmaengine_pcm_new() decides this when it requests the channel; here the
  // channel is requested at open, so at open.
  if (dmaengine_pcm_can_report_residue(&i2s->dev, chan)) i2s->dmaengine.flags &= ~SND_DMAENGINE_PCM_FLAG_NO_RESIDUE;
  else i2s->dmaengine.flags |= SND_DMAENGINE_PCM_FLAG_NO_RESIDUE;
  i2s->substream = s;
  return 0;
}

static void dmacosim_i2s_flush_deferred(dmacosim_i2s* i2s);
static bool deferred(const dmacosim_i2s* i2s);

static int soc_pcm_close(snd_pcm_substream* s) {
  KFUNC("soc_pcm_close");
  dmacosim_i2s* i2s = to_i2s(s);
  if (deferred(i2s)) dmacosim_i2s_flush_deferred(i2s);  // nothing may run on a closed stream
  i2s->substream = nullptr;
  return snd_dmaengine_pcm_close_release_chan(s);
}

static int soc_pcm_hw_params(snd_pcm_substream* s, const struct snd_pcm_hw_params* params) {
  KFUNC("soc_pcm_hw_params");
  dmacosim_i2s* i2s = to_i2s(s);
  snd_pcm_runtime* r = s->runtime;
  dma_chan* chan = snd_dmaengine_pcm_get_chan(s);
  if (params->channels != 2 || params->sample_bits != 16) return -EINVAL;  // S16_LE stereo only
  // The buffer: coherent memory of the DMA device (as the generic dmaengine
  // PCM preallocates with the DMA device).
  const size_t bytes = size_t(params->period_bytes) * params->periods;
  dma_addr_t handle = 0;
  void* area = dma_alloc_coherent(chan->device->dev, bytes, &handle, GFP_KERNEL);
  if (!area) return -ENOMEM;
  r->dma_area = area;
  r->dma_addr = handle;
  r->dma_bytes = bytes;
  dma_slave_config cfg;
  int ret = snd_hwparams_to_dma_slave_config(s, params, &cfg);
  if (!ret) {
    snd_dmaengine_pcm_set_config_from_dai_data(s, &i2s->dma_data, &cfg);
    ret = dmaengine_slave_config(chan, &cfg);
  }
  if (ret) {
    dma_free_coherent(chan->device->dev, bytes, area, handle);
    r->dma_area = nullptr;
    r->dma_addr = 0;
    r->dma_bytes = 0;
  }
  return ret;
}

static int soc_pcm_hw_free(snd_pcm_substream* s) {
  snd_pcm_runtime* r = s->runtime;
  if (r->dma_area) {
    dma_free_coherent(snd_dmaengine_pcm_get_chan(s)->device->dev, r->dma_bytes, r->dma_area, r->dma_addr);
    r->dma_area = nullptr;
    r->dma_addr = 0;
    r->dma_bytes = 0;
  }
  return 0;
}

static snd_pcm_uframes_t soc_pcm_pointer(snd_pcm_substream* s) {
  return dmaengine_pcm_pointer(&to_i2s(s)->dmaengine, s);
}

const char* pcm_dma_trigger_name(PcmDmaTrigger t) {
  switch (t) {
    case PcmDmaTrigger::Direct: return "direct";
    case PcmDmaTrigger::IrqEnable: return "irq-enable";
    case PcmDmaTrigger::DeferredTasklet: return "deferred-tasklet";
    case PcmDmaTrigger::DeferredWork: return "deferred-work";
  }
  return "?";
}

bool pcm_dma_trigger_from_string(const std::string& s, PcmDmaTrigger* out) {
  for (PcmDmaTrigger t : {PcmDmaTrigger::Direct, PcmDmaTrigger::IrqEnable, PcmDmaTrigger::DeferredTasklet,
                          PcmDmaTrigger::DeferredWork})
    if (s == pcm_dma_trigger_name(t)) {
      *out = t;
      return true;
    }
  return false;
}

static bool starts_stream(int cmd) {
  return cmd == SNDRV_PCM_TRIGGER_START || cmd == SNDRV_PCM_TRIGGER_RESUME || cmd == SNDRV_PCM_TRIGGER_PAUSE_RELEASE;
}

static bool deferred(const dmacosim_i2s* i2s) {
  return i2s->dma_trigger == PcmDmaTrigger::DeferredTasklet || i2s->dma_trigger == PcmDmaTrigger::DeferredWork;
}

// The deferred half of the trigger (tasklet or work item): the queued DMA
// calls, with IRQs on and no stream lock; then the transmitter for a command
// that starts the stream, unless a stopping command was queued meanwhile (it
// has switched the transmitter off already and comes next).
static void dmacosim_i2s_deferred_trigger(dmacosim_i2s* i2s) {
  KFUNC("dmacosim_i2s_deferred_trigger");
  for (;;) {
    unsigned long flags;
    spin_lock_irqsave(&i2s->deferred_lock, flags);
    snd_pcm_substream* s = i2s->substream;
    if (i2s->deferred_cmds.empty() || !s) {
      spin_unlock_irqrestore(&i2s->deferred_lock, flags);
      return;
    }
    const int cmd = i2s->deferred_cmds.front();
    i2s->deferred_cmds.pop_front();
    spin_unlock_irqrestore(&i2s->deferred_lock, flags);
    const int ret = snd_dmaengine_pcm_trigger(s, cmd);
    i2s->deferred_runs++;
    if (ret) {
      log_error("i2s", strfmt("%s: deferred %s failed (%d)", i2s->dev.init_name.c_str(), snd_pcm_trigger_name(cmd), ret));
      continue;
    }
    if (i2s->deferred_naive || !starts_stream(cmd)) continue;
    spin_lock_irqsave(&i2s->deferred_lock, flags);
    if (i2s->deferred_cmds.empty()) dmacosim_i2s_dai_trigger(i2s, s, cmd);
    spin_unlock_irqrestore(&i2s->deferred_lock, flags);
  }
}

static void dmacosim_i2s_kick_deferred(dmacosim_i2s* i2s) {
  if (i2s->dma_trigger == PcmDmaTrigger::DeferredTasklet) tasklet_schedule(&i2s->deferred_tasklet);
  else schedule_work(&i2s->deferred_work);
}

// Sleeps until every queued command has run (process context).
static void dmacosim_i2s_flush_deferred(dmacosim_i2s* i2s) {
  KFUNC("dmacosim_i2s_flush_deferred");
  for (;;) {
    if (i2s->dma_trigger == PcmDmaTrigger::DeferredTasklet) tasklet_kill(&i2s->deferred_tasklet);
    else flush_work(&i2s->deferred_work);
    unsigned long flags;
    spin_lock_irqsave(&i2s->deferred_lock, flags);
    const bool empty = i2s->deferred_cmds.empty();
    spin_unlock_irqrestore(&i2s->deferred_lock, flags);
    if (empty) return;
    dmacosim_i2s_kick_deferred(i2s);  // queued after the last run began
  }
}

// Trigger of the deferred modes (stream lock held, IRQs off).
static int soc_pcm_trigger_deferred(dmacosim_i2s* i2s, snd_pcm_substream* s, int cmd) {
  int ret = 0;
  unsigned long flags;
  spin_lock_irqsave(&i2s->deferred_lock, flags);
  if (i2s->deferred_naive) {
    if (!i2s->deferred_cmds.empty()) i2s->deferred_overwritten++;
    i2s->deferred_cmds.assign(1, cmd);
    ret = dmacosim_i2s_dai_trigger(i2s, s, cmd);
  } else if (starts_stream(cmd)) {
    i2s->deferred_cmds.push_back(cmd);
  } else {
    ret = dmacosim_i2s_dai_trigger(i2s, s, cmd);  // the transmitter stops now
    if (cmd == SNDRV_PCM_TRIGGER_STOP && !i2s->deferred_cmds.empty() &&
        i2s->deferred_cmds.back() == SNDRV_PCM_TRIGGER_START) {
      i2s->deferred_cmds.pop_back();  // never started: nothing to stop
      i2s->deferred_cancelled++;
    } else {
      i2s->deferred_cmds.push_back(cmd);
    }
  }
  spin_unlock_irqrestore(&i2s->deferred_lock, flags);
  dmacosim_i2s_kick_deferred(i2s);
  return ret;
}

// The DMA half of the trigger in direct and irq-enable modes.
static int soc_pcm_dma_trigger(dmacosim_i2s* i2s, snd_pcm_substream* s, int cmd) {
  if (i2s->dma_trigger != PcmDmaTrigger::IrqEnable) return snd_dmaengine_pcm_trigger(s, cmd);
  local_irq_enable();  // the stream lock stays held
  const int ret = snd_dmaengine_pcm_trigger(s, cmd);
  local_irq_disable();
  return ret;
}

static int soc_pcm_trigger(snd_pcm_substream* s, int cmd) {
  KFUNC("soc_pcm_trigger");
  dmacosim_i2s* i2s = to_i2s(s);
  if (cmd != SNDRV_PCM_TRIGGER_START && cmd != SNDRV_PCM_TRIGGER_RESUME && cmd != SNDRV_PCM_TRIGGER_PAUSE_RELEASE &&
      cmd != SNDRV_PCM_TRIGGER_STOP && cmd != SNDRV_PCM_TRIGGER_SUSPEND && cmd != SNDRV_PCM_TRIGGER_PAUSE_PUSH)
    return -EINVAL;
  if (i2s->trigger_delay_us) udelay(i2s->trigger_delay_us);
  if (deferred(i2s)) return soc_pcm_trigger_deferred(i2s, s, cmd);
  int ret = 0;
  if (starts_stream(cmd)) {
    ret = soc_pcm_dma_trigger(i2s, s, cmd);
    if (ret) return ret;
    ret = dmacosim_i2s_dai_trigger(i2s, s, cmd);
  } else {
    ret = dmacosim_i2s_dai_trigger(i2s, s, cmd);
    if (ret) return ret;
    ret = soc_pcm_dma_trigger(i2s, s, cmd);
  }
  return ret;
}

// sync_stop (prepare after a stop, close): the deferred commands first, so
// dmaengine_synchronize() sees the terminate. The naive version forgets.
static int soc_pcm_sync_stop(snd_pcm_substream* s) {
  KFUNC("soc_pcm_sync_stop");
  dmacosim_i2s* i2s = to_i2s(s);
  if (deferred(i2s) && !i2s->deferred_naive) dmacosim_i2s_flush_deferred(i2s);
  return snd_dmaengine_pcm_sync_stop(s);
}

const snd_pcm_ops dmacosim_soc_pcm_ops = {
    soc_pcm_open,
    soc_pcm_close,
    soc_pcm_hw_params,
    soc_pcm_hw_free,
    nullptr,  // prepare: nothing to do (the FIFO is flushed at START)
    soc_pcm_trigger,
    soc_pcm_sync_stop,
    soc_pcm_pointer,
};

// ---------------------------------------------------------------- probe

dmacosim_i2s* dmacosim_i2s_probe(const dmacosim_i2s_platform_data& pdata) {
  KFUNC("dmacosim_i2s_probe");
  might_sleep();
  if (cpu().readl(pdata.regs + I2S_ID) != I2S_ID_VALUE) {
    log_error("i2s", pdata.name + ": probe: bad ID register");
    return nullptr;
  }
  if (pdata.maxburst + pdata.watermark > pdata.fifo_depth) {
    log_error("i2s", pdata.name + ": probe: maxburst + watermark exceeds the FIFO depth");
    return nullptr;
  }
  auto* i2s = new dmacosim_i2s;
  i2s->dev.init_name = pdata.name;
  i2s->dma_trigger = pdata.dma_trigger;
  i2s->deferred_naive = pdata.deferred_naive;
  i2s->trigger_delay_us = pdata.trigger_delay_us;
  spin_lock_init(&i2s->deferred_lock, "i2s->deferred_lock");
  tasklet_setup(&i2s->deferred_tasklet, [i2s](tasklet_struct*) { dmacosim_i2s_deferred_trigger(i2s); },
                "i2s_deferred_trigger");
  init_work(&i2s->deferred_work, [i2s](work_struct*) { dmacosim_i2s_deferred_trigger(i2s); },
            "i2s_deferred_trigger");
  i2s->regs = pdata.regs;
  i2s->irq = pdata.irq;
  i2s->dma_data.addr = pdata.regs + I2S_FIFO_DATA;
  i2s->dma_data.addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;  // one stereo S16 frame per FIFO write
  i2s->dma_data.maxburst = pdata.maxburst;
  cpu().writel(0, pdata.regs + I2S_CTRL);
  cpu().writel(pdata.watermark, pdata.regs + I2S_WATERMARK);
  cpu().writel(I2S_IRQ_UNDERRUN, pdata.regs + I2S_IRQ_STATUS);
  if (request_irq(pdata.irq, dmacosim_i2s_irq, 0, "dmacosim-i2s", i2s)) {
    log_error("i2s", pdata.name + ": probe: request_irq failed");
    delete i2s;
    return nullptr;
  }
  i2s->pcm = snd_pcm_new("dmacosim-i2s", 0, pdata.lock_model);
  snd_pcm_set_ops(i2s->pcm, SNDRV_PCM_STREAM_PLAYBACK, &dmacosim_soc_pcm_ops);
  i2s->pcm->playback.private_data = i2s;
  return i2s;
}

void dmacosim_i2s_remove(dmacosim_i2s* i2s) {
  if (!i2s) return;
  free_irq(i2s->irq, i2s);
  tasklet_kill(&i2s->deferred_tasklet);
  cancel_work_sync(&i2s->deferred_work);
  snd_pcm_free(i2s->pcm);
  delete i2s;
}

}  // namespace dmacosim::sound
