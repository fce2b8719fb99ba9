// The DMA provider a run selects with --driver: the C++ reference driver
// (driver/dmaengine/dmacosim-dmac.cpp, "virt-dma" / "legacy-bh") or the
// kernel-C one (driver/dmaengine/c/dmacosim-dmac.c, "c-virt-dma" /
// "c-legacy-bh", its legacy_bh module parameter). Scenarios probe, check
// and remove it through this one interface.
#pragma once
#include <cstdint>
#include <string>

#include "driver/dmaengine/dmacosim-dmac.h"

struct platform_device;

namespace dmacosim::linux_c {

// "virt-dma|legacy-bh|c-virt-dma|c-legacy-bh"
const char* dmac_driver_names();
bool dmac_driver_known(const std::string& driver);
bool dmac_driver_is_c(const std::string& driver);
// The 2010 locking (legacy-bh or c-legacy-bh).
bool dmac_driver_is_legacy(const std::string& driver);

class DmacProvider {
public:
  // Probe (process context) with `pd` as the board description; the lock
  // policy in `pd` is ignored: `driver` chooses. false and *error on failure.
  bool probe(const std::string& driver, const dmaengine::dmac_platform_data& pd, std::string* error);
  // The C++ provider's device (nullptr for the C one).
  dmaengine::dmac_device* cxx() const { return cxx_; }
  unsigned nr_channels() const;
  // The controller's device in the dmaengine model (coherent memory owner).
  dmaengine::device* dev() const;
  // "" when every channel is idle and the driver holds no descriptor (the
  // C++ driver's dmac_dbg_check_quiescent(); for the C driver: channel
  // STATUS read through the bus, and descriptors still alive). Process context.
  std::string check_quiescent();
  // The platform driver's .remove; for the C driver then also what its
  // memory accounting says ("" or a leak report: kmalloc bytes, coherent
  // blocks, tasklets left).
  std::string remove();
  // Completion tasklet runs of the driver's channels (and of those in ksoftirqd).
  uint64_t tasklet_runs() const;
  uint64_t tasklet_runs_in_ksoftirqd() const;

private:
  uint64_t tasklet_count(bool in_ksoftirqd) const;
  dmaengine::dmac_device* cxx_ = nullptr;
  struct platform_device* pdev_ = nullptr;
  uint64_t regs_ = 0;
};

}  // namespace dmacosim::linux_c
