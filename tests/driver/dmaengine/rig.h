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
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/system.h"

namespace dt {

using namespace sc_core;
using namespace dmacosim;
using namespace dmacosim::kernel;
using namespace dmacosim::dmaengine;
using namespace dmacosim::board;

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
  std::string end_state;  // dmac_dbg_check_quiescent() after the body ("" = all idle)

  explicit Rig(PlatformConfig cfg = fast_config()) : sys("sys", std::move(cfg)) {}

  // The controller's coherent pool on this rig's RAM (the board's, at the top of RAM).
  board::Region pool() const { return board::dmac_pool(board::kDmacPoolDefaultSize, sys.hw.config().ram_size); }

  dmac_device* probe(DmacLockPolicy policy = DmacLockPolicy::VirtDma,
                     dma_residue_granularity granularity = DMA_RESIDUE_GRANULARITY_BURST) {
    dmac = dmac_probe(board::dmac_pdata(pool(), policy, granularity));
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
      if (dmac) end_state = dmac_dbg_check_quiescent(dmac);
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
    // Strict oracle: nothing left running or pending when the body returned.
    EXPECT_EQ(end_state, "") << "DMA not quiescent after the test body";
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

// The audio port's "tx" channel (DT-like slave map), configured for 32-bit
// FIFO writes in bursts of 8; nullptr if the request or the config fails.
inline dma_chan* request_audio_chan() {
  static device audio_dev{board::kI2sName};
  board::add_dma_slave_map();
  dma_chan* chan = dma_request_chan(&audio_dev, board::kI2sDmaName);
  if (IS_ERR_OR_NULL(chan)) return nullptr;
  dma_slave_config cfg;
  cfg.direction = DMA_MEM_TO_DEV;
  cfg.dst_addr = kAudioBase + AudioPort::FIFO_DATA;
  cfg.dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
  cfg.dst_maxburst = 8;
  if (dmaengine_slave_config(chan, &cfg) != 0) return nullptr;
  return chan;
}

// Entries of one of a virt-dma channel's lists, and whether `tx` is on it,
// read under vc->lock (the provider may change them from its IRQ handler).
inline size_t locked_count(dma_chan* chan, list_head virt_dma_chan::*l) {
  virt_dma_chan* vc = to_virt_chan(chan);
  unsigned long flags;
  spin_lock_irqsave(&vc->lock, flags);
  size_t n = 0;
  for (list_head* p = (vc->*l).next; p != &(vc->*l); p = p->next) ++n;
  spin_unlock_irqrestore(&vc->lock, flags);
  return n;
}
inline bool locked_has(dma_chan* chan, list_head virt_dma_chan::*l, dma_async_tx_descriptor* tx) {
  virt_dma_chan* vc = to_virt_chan(chan);
  unsigned long flags;
  spin_lock_irqsave(&vc->lock, flags);
  bool has = false;
  for (list_head* p = (vc->*l).next; p != &(vc->*l); p = p->next)
    if (&list_entry(p, virt_dma_desc, node)->tx == tx) has = true;
  spin_unlock_irqrestore(&vc->lock, flags);
  return has;
}

// A completion callback's record: callback_result calls (with the result)
// and legacy callback calls; `done` completes at each call of either.
struct Cb {
  int calls = 0, legacy_calls = 0;
  dmaengine_result res;
  completion done;
};
inline void cb_result(void* p, const dmaengine_result* r) {
  auto* s = static_cast<Cb*>(p);
  s->calls++;
  s->res = *r;
  complete(&s->done);
}
inline void cb_legacy(void* p) {
  auto* s = static_cast<Cb*>(p);
  s->legacy_calls++;
  complete(&s->done);
}

// A channel busy with a transfer the driver did not start (rung behind its
// back, as a boot loader or a second driver instance could leave one): the
// provider's one STATUS read before its doorbell sees ACTIVE with no abort
// pending, reports the broken contract and rings nothing; its transfer stays
// issued and starts from the channel's next interrupt (the foreign chain's
// end TC). `regs` is the channel's register block.
struct BusyChannelCase {
  size_t contract_errors = 0;     // "Attempted to start non-idle channel" errors logged by issue_pending
  bool busy_err = true;           // STATUS.BUSY_ERR after issue_pending (a doorbell rung while busy)
  dma_status at_issue = DMA_ERROR;  // tx_status right after issue_pending
  bool foreign_busy = false;      // the foreign run was still ACTIVE after issue_pending
  bool completed = false, data_ok = false, foreign_data_ok = false;
  dma_status at_end = DMA_ERROR;
};
inline BusyChannelCase busy_channel_case(Cpu& cpu, uint64_t regs, dma_chan* chan) {
  BusyChannelCase r;
  const uint64_t fdesc = kRamBase + 0x200000, fsrc = kRamBase + 0x300000, fdst = kRamBase + 0x400000;
  const uint32_t flen = 64 << 10;
  const uint64_t src = kRamBase + 0x10003, dst = kRamBase + 0x20005;
  const size_t len = 3000;
  fill(cpu, fsrc, flen, 11);
  fill(cpu, src, len, 12);
  const uint32_t d[8] = {uint32_t(fsrc), uint32_t(fdst), 0, flen,
                         (DMAC_FLOW_MEM2MEM << DMAC_DESC_CTRL_FLOW_SHIFT) | DMAC_DESC_CTRL_SRC_INC |
                             DMAC_DESC_CTRL_DST_INC | DMAC_DESC_CTRL_IRQ,
                         0, 0, 0};
  cpu.memcpy_to_bus(fdesc, d, sizeof d);
  cpu.writel(uint32_t(fdesc), regs + DMAC_CH_DOORBELL);

  Cb cb;
  init_completion(&cb.done);
  dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
  if (!tx) return r;
  tx->callback_result = cb_result;
  tx->callback_param = &cb;
  const dma_cookie_t cookie = dmaengine_submit(tx);
  dma_async_issue_pending(chan);
  r.contract_errors = Log::instance().count(LogLevel::Error, "BUG: Attempted to start non-idle channel");
  const uint32_t status = cpu.readl(regs + DMAC_CH_STATUS);
  r.busy_err = status & DMAC_CH_STATUS_BUSY_ERR;
  r.foreign_busy = ((status & DMAC_CH_STATUS_STATE_MASK) >> DMAC_CH_STATUS_STATE_SHIFT) == DMAC_STATE_ACTIVE;
  r.at_issue = dmaengine_tx_status(chan, cookie, nullptr);
  r.completed = wait_for_completion_timeout(&cb.done, msecs_to_jiffies(50)) != 0;
  r.at_end = dmaengine_tx_status(chan, cookie, nullptr);
  r.data_ok = read(cpu, dst, len) == read(cpu, src, len);
  r.foreign_data_ok = read(cpu, fdst, flen) == read(cpu, fsrc, flen);
  return r;
}

// The normal side of the same contract: every doorbell the provider rang was
// accepted (no STATUS.BUSY_ERR on any channel after a workload).
inline bool any_busy_err(Cpu& cpu, uint64_t regs, unsigned channels) {
  for (unsigned n = 0; n < channels; ++n)
    if (cpu.readl(regs + DMAC_CH_BASE(n) + DMAC_CH_STATUS) & DMAC_CH_STATUS_BUSY_ERR) return true;
  return false;
}

}  // namespace dt
