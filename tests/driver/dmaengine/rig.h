// Test rig: a System (platform + kernel) with the dmac provider probed from
// the init thread. One per TEST (one TEST per process).
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "dmac_regs.h"
#include "driver/dmaengine/dma-mapping.h"
#include "driver/dmaengine/dmacosim-dmac.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/dmaengine/dmatest.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/irqflags.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/preempt.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/spinlock.h"
#include "tb/system.h"

namespace dt {

using namespace sc_core;
using namespace dmacosim;
using namespace dmacosim::kernel;
using namespace dmacosim::dmaengine;
using namespace dmacosim::platform;

constexpr uint64_t kCoherentSize = 1u << 20;

inline PlatformConfig fast_config(unsigned sample_rate = 48000) {
  PlatformConfig cfg;
  cfg.ram_timing = RamTiming{sc_time(10, SC_NS), sc_time(2, SC_NS), 8};
  cfg.audio.sample_rate = sample_rate;
  return cfg;
}

struct Rig {
  System sys;
  dmac_device* dmac = nullptr;
  bool finished = false;
  std::string failure;  // set by the software under test for messages

  explicit Rig(PlatformConfig cfg = fast_config()) : sys("sys", std::move(cfg)) {}

  dmac_device* probe(DmacLockPolicy policy = DmacLockPolicy::VirtDma,
                     dma_residue_granularity granularity = DMA_RESIDUE_GRANULARITY_BURST) {
    dmac_platform_data pd;
    pd.name = "dmac";
    pd.regs = kDmaRegsBase;
    pd.irq = kIrqDma;
    pd.coherent_base = kRamBase + sys.hw.config().ram_size - kCoherentSize;
    pd.coherent_size = kCoherentSize;
    pd.policy = policy;
    pd.residue_granularity = granularity;
    dmac = dmac_probe(pd);
    return dmac;
  }

  // The provider's .remove, in the init thread after the test body (the
  // device, its channels and descriptors are freed: LeakSanitizer checks it).
  // Clients should have released their channels; a channel still held gets a
  // warning and is torn down anyway. Do not use `dmac` after run().
  void remove() {
    dmac_remove(dmac);
    dmac = nullptr;
  }

  // Start `body` as init, run at most `limit`, then check the common
  // post-conditions (finished, no deadlock, no unexpected validator report).
  void run(std::function<void()> body, sc_time limit) {
    sys.start_init([this, body]() -> int {
      body();
      remove();
      finished = true;
      sc_stop();  // do not clock the RTL until `limit` for nothing
      return 0;
    });
    sc_start(limit);
  }
  void check_clean() {
    EXPECT_TRUE(finished) << "software did not finish (hang) " << failure;
    EXPECT_FALSE(sys.kernel.fatal()) << sys.kernel.fatal_message();
    auto& ld = sys.kernel.lockdep();
    EXPECT_TRUE(ld.unexpected().empty()) << "unexpected validator reports:\n" << ld.dump();
  }
  Cpu& cpu() { return sys.hw.cpu; }
};

inline void fill(Cpu& cpu, uint64_t addr, size_t len, uint32_t seed) {
  std::vector<uint8_t> v(len);
  for (size_t i = 0; i < len; ++i) v[i] = uint8_t((i * 131 + seed * 7 + (i >> 7)) & 0xff);
  cpu.memcpy_to_bus(addr, v.data(), len);
}
inline std::vector<uint8_t> read(Cpu& cpu, uint64_t addr, size_t len) {
  std::vector<uint8_t> v(len);
  cpu.memcpy_from_bus(v.data(), addr, len);
  return v;
}

inline dma_chan* request_memcpy_chan() {
  dma_cap_mask_t mask;
  dma_cap_zero(mask);
  dma_cap_set(DMA_MEMCPY, mask);
  return dma_request_channel(mask, nullptr, nullptr);
}

}  // namespace dt
