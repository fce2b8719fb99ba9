// See dmac_provider.h.
#include "driver/linux_c/dmac_provider.h"

#include "dmac_regs.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/kernel/kernel.h"
#include "driver/linux_c/c_platform.h"

namespace dmacosim::linux_c {

namespace de = dmacosim::dmaengine;

namespace {
constexpr const char* kModule = "dmacosim_dmac";  // the C driver's KBUILD_MODNAME
constexpr const char* kCompatible = "dmacosim,dmac-1.0";
constexpr uint64_t kRegsSize = 0x1000;
}  // namespace

const char* dmac_driver_names() { return "virt-dma|legacy-bh|c-virt-dma|c-legacy-bh"; }
bool dmac_driver_known(const std::string& d) {
  return d == "virt-dma" || d == "legacy-bh" || d == "c-virt-dma" || d == "c-legacy-bh";
}
bool dmac_driver_is_c(const std::string& d) { return d.rfind("c-", 0) == 0; }
bool dmac_driver_is_legacy(const std::string& d) { return d == "legacy-bh" || d == "c-legacy-bh"; }

bool DmacProvider::probe(const std::string& driver, const de::dmac_platform_data& pd, std::string* error) {
  if (!dmac_driver_known(driver)) {
    *error = "unknown driver '" + driver + "' (" + dmac_driver_names() + ")";
    return false;
  }
  regs_ = pd.regs;
  if (!dmac_driver_is_c(driver)) {
    de::dmac_platform_data p = pd;
    p.policy = dmac_driver_is_legacy(driver) ? de::DmacLockPolicy::LegacyBh : de::DmacLockPolicy::VirtDma;
    cxx_ = de::dmac_probe(p);
    if (!cxx_) *error = "dmac_probe failed";
    return cxx_ != nullptr;
  }
  if (!module_loaded(kModule)) {
    *error = std::string("kernel-C driver module ") + kModule + " is not linked into this program";
    return false;
  }
  if (!set_module_param(kModule, "legacy_bh", dmac_driver_is_legacy(driver) ? "1" : "0", error)) return false;
  pdev_ = dmacosim_c_platform_device_add(pd.name.c_str(), kCompatible, pd.regs, kRegsSize, int(pd.irq),
                                         pd.coherent_base, pd.coherent_size);
  if (!pdev_) {
    *error = "bad board description for " + pd.name;
    return false;
  }
  const int ret = dmacosim_c_platform_probe(pdev_);
  if (ret) {
    *error = "probe of " + pd.name + " (" + kCompatible + ") failed: " + std::to_string(ret);
    dmacosim_c_platform_device_del(pdev_);
    pdev_ = nullptr;
    return false;
  }
  return true;
}

de::device* DmacProvider::dev() const {
  if (cxx_) return &cxx_->dev;
  return pdev_ ? static_cast<de::device*>(dmacosim_c_platform_cxx_dev(pdev_)) : nullptr;
}

unsigned DmacProvider::nr_channels() const {
  if (cxx_) return cxx_->nr_channels;
  for (de::dma_device* d : de::dma_devices())
    if (d->dev == dev()) return d->chancnt;
  return 0;
}

std::string DmacProvider::check_quiescent() {
  if (cxx_) return de::dmac_dbg_check_quiescent(cxx_);
  if (!pdev_) return "";
  std::string problems;
  Cpu& cpu = kernel::this_kernel().cpu();
  for (unsigned n = 0; n < nr_channels(); ++n) {
    const uint32_t st = cpu.readl(regs_ + DMAC_CH_BASE(n) + DMAC_CH_STATUS);
    const uint32_t state = (st & DMAC_CH_STATUS_STATE_MASK) >> DMAC_CH_STATUS_STATE_SHIFT;
    if (state != DMAC_STATE_IDLE)
      problems += "channel " + std::to_string(n) + ": hardware state " + std::to_string(state) + ", not IDLE\n";
  }
  const bridge_stats s = stats();
  if (s.live_descriptors)
    problems += std::to_string(s.live_descriptors) + " descriptor(s) of the C driver still allocated\n";
  return problems;
}

std::string DmacProvider::remove() {
  if (cxx_) {
    de::dmac_remove(cxx_);
    cxx_ = nullptr;
    return "";
  }
  if (!pdev_) return "";
  std::string problems;
  const int ret = dmacosim_c_platform_remove(pdev_);
  if (ret) problems += "remove returned " + std::to_string(ret) + "\n";
  dmacosim_c_platform_device_del(pdev_);
  pdev_ = nullptr;
  const bridge_stats s = stats();
  if (s.kmalloc_bytes_live) problems += std::to_string(s.kmalloc_bytes_live) + " bytes of kmalloc() not freed\n";
  if (s.coherent_blocks_live)
    problems += std::to_string(s.coherent_blocks_live) + " coherent block(s) not freed\n";
  if (s.live_tasklets) problems += std::to_string(s.live_tasklets) + " tasklet(s) not freed\n";
  if (s.live_descriptors) problems += std::to_string(s.live_descriptors) + " descriptor(s) not freed\n";
  return problems.empty() ? "" : "kernel-C driver after .remove:\n" + problems;
}

uint64_t DmacProvider::tasklet_runs() const { return tasklet_count(false); }
uint64_t DmacProvider::tasklet_runs_in_ksoftirqd() const { return tasklet_count(true); }

uint64_t DmacProvider::tasklet_count(bool in_ksoftirqd) const {
  if (!cxx_) return in_ksoftirqd ? stats().tasklet_runs_in_ksoftirqd : stats().tasklet_runs;
  uint64_t n = 0;
  for (auto& c : cxx_->chans) n += in_ksoftirqd ? c->vc.task.runs_in_ksoftirqd : c->vc.task.runs;
  return n;
}

}  // namespace dmacosim::linux_c
