// The dmacosim sound card: I2S CPU DAI + generic dmaengine PCM. See dmacosim_i2s.h.
#include "driver/sound/dmacosim_i2s.h"

#include "driver/dmaengine/dma-mapping.h"
#include "driver/kernel/interrupt.h"
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

static int soc_pcm_close(snd_pcm_substream* s) {
  KFUNC("soc_pcm_close");
  to_i2s(s)->substream = nullptr;
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

static int soc_pcm_trigger(snd_pcm_substream* s, int cmd) {
  KFUNC("soc_pcm_trigger");
  dmacosim_i2s* i2s = to_i2s(s);
  int ret = 0;
  switch (cmd) {
    case SNDRV_PCM_TRIGGER_START:
    case SNDRV_PCM_TRIGGER_RESUME:
    case SNDRV_PCM_TRIGGER_PAUSE_RELEASE:
      ret = snd_dmaengine_pcm_trigger(s, cmd);
      if (ret) return ret;
      ret = dmacosim_i2s_dai_trigger(i2s, s, cmd);
      break;
    case SNDRV_PCM_TRIGGER_STOP:
    case SNDRV_PCM_TRIGGER_SUSPEND:
    case SNDRV_PCM_TRIGGER_PAUSE_PUSH:
      ret = dmacosim_i2s_dai_trigger(i2s, s, cmd);
      if (ret) return ret;
      ret = snd_dmaengine_pcm_trigger(s, cmd);
      break;
    default:
      return -EINVAL;
  }
  return ret;
}

const snd_pcm_ops dmacosim_soc_pcm_ops = {
    soc_pcm_open,
    soc_pcm_close,
    soc_pcm_hw_params,
    soc_pcm_hw_free,
    nullptr,  // prepare: nothing to do (the FIFO is flushed at START)
    soc_pcm_trigger,
    snd_dmaengine_pcm_sync_stop,
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
  snd_pcm_free(i2s->pcm);
  delete i2s;
}

}  // namespace dmacosim::sound
