// Register file: identification, capabilities, access errors, RW/W1C behaviour.
#include <gtest/gtest.h>

#include "dmac_bench.h"
#include "dmac_regs.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_regs {

namespace {

TEST(DmacRegs, IdVersionCaps) {
  DmacBench b;
  uint8_t resp = 0xFF;
  EXPECT_EQ(b.rd(ID, &resp), kId);
  EXPECT_EQ(resp, AXI_OKAY);
  uint32_t version = b.rd(VERSION, &resp);
  EXPECT_EQ(resp, AXI_OKAY);
  EXPECT_EQ(version, 0x00010000u);
#ifdef DMAC_VERSION_VALUE
  EXPECT_EQ(version, uint32_t(DMAC_VERSION_VALUE));
#endif
#ifdef DMAC_ID_VALUE
  EXPECT_EQ(kId, uint32_t(DMAC_ID_VALUE));
#endif
  // Default parameters: NUM_CH 8, NUM_REQ 16, DATA_W 64, MAX_BURST 16, MAX_OUTSTANDING 12.
  EXPECT_EQ(b.rd(CAPS0), 8u | 16u << 8 | 8u << 16);
  EXPECT_EQ(b.rd(CAPS1), 16u | 12u << 16);
  EXPECT_EQ(b.rd(IRQ_SUMMARY), 0u);
  for (unsigned ch = 0; ch < 8; ++ch) {
    SCOPED_TRACE("ch" + std::to_string(ch));
    for (uint32_t off : {DOORBELL, CTRL, STATUS, ERR_ADDR, CUR_DESC, IRQ_RAW, IRQ_MASK, IRQ_STATUS, TC_COUNT}) {
      EXPECT_EQ(b.rd(ch_reg(ch, off), &resp), 0u) << "reset value at +0x" << std::hex << off;
      EXPECT_EQ(resp, AXI_OKAY);
    }
  }
  EXPECT_FALSE(b.core().irq());
  EXPECT_TRUE(b.core().quiescent());
}

TEST(DmacRegs, UnmappedOffsetsSlverr) {
  DmacBench b;
  const uint32_t unmapped[] = {0x014, 0x018, 0x0FC, ch_reg(0, 0x28), ch_reg(3, 0x3C), ch_reg(7, 0x3C),
                               0x300, 0x304, 0x1000, 0xFFFC};
  for (uint32_t off : unmapped) {
    uint8_t resp = 0;
    b.rd(off, &resp);
    EXPECT_EQ(resp, AXI_SLVERR) << "read of unmapped offset 0x" << std::hex << off;
    EXPECT_EQ(b.wr(off, 0x12345678), AXI_SLVERR) << "write of unmapped offset 0x" << std::hex << off;
  }
  // The register file still works afterwards.
  EXPECT_EQ(b.rd(ID), kId);
}

TEST(DmacRegs, WriteToReadOnlySlverr) {
  DmacBench b;
  const uint32_t ro[] = {ID, VERSION, CAPS0, CAPS1, IRQ_SUMMARY};
  for (uint32_t off : ro) {
    uint32_t before = b.rd(off);
    EXPECT_EQ(b.wr(off, ~before), AXI_SLVERR) << "write to RO 0x" << std::hex << off;
    EXPECT_EQ(b.rd(off), before) << "RO 0x" << std::hex << off << " changed by a write";
  }
  for (unsigned ch : {0u, 5u}) {
    for (uint32_t off : {STATUS, ERR_ADDR, CUR_DESC, REMAINING, IRQ_RAW, TC_COUNT}) {
      EXPECT_EQ(b.wr(ch_reg(ch, off), 0xFFFFFFFF), AXI_SLVERR)
          << "write to RO ch" << ch << " +0x" << std::hex << off;
    }
    EXPECT_EQ(b.chrd(ch, STATUS), 0u);
    EXPECT_EQ(b.chrd(ch, IRQ_RAW), 0u);
  }
}

TEST(DmacRegs, PartialStrobeSlverrAndRwReadback) {
  DmacBench b;
  EXPECT_EQ(b.wr(ch_reg(2, IRQ_MASK), 0x5), AXI_OKAY);
  EXPECT_EQ(b.chrd(2, IRQ_MASK), 0x5u);
  EXPECT_EQ(b.wr(ch_reg(2, IRQ_MASK), 0x7, 0x1), AXI_SLVERR) << "WSTRB 0x1 must answer SLVERR";
  EXPECT_EQ(b.chrd(2, IRQ_MASK), 0x5u) << "partial-strobe write must not change the register";
  EXPECT_EQ(b.wr(ch_reg(2, CTRL), CTRL_PRIO | CTRL_WB_EN), AXI_OKAY);
  EXPECT_EQ(b.chrd(2, CTRL), CTRL_PRIO | CTRL_WB_EN);
  EXPECT_EQ(b.wr(ch_reg(2, CTRL), CTRL_PRIO | CTRL_WB_EN, 0x3), AXI_SLVERR);
  // Abort of an idle channel is a no-op: still IDLE, not ABORTED, no event.
  EXPECT_EQ(b.wr(ch_reg(2, CTRL), CTRL_ABORT), AXI_OKAY);
  b.step(20);
  EXPECT_EQ(b.chrd(2, STATUS), 0u);
  EXPECT_EQ(b.chrd(2, IRQ_RAW), 0u);
  EXPECT_EQ(b.chrd(2, CTRL) & CTRL_ABORT, 0u) << "ABORT is self-clearing";
}

}  // namespace

namespace {
// Self-test of the bench's AXI pin monitor (no clocking: pins set by hand).
TEST(DmacBenchSelfTest, PinMonitorFlagsHandshakeViolations) {
  Vdmac_top m;
  AxiPinMonitor mon;
  m.m_axi_arvalid = 1;
  m.m_axi_arready = 0;
  m.m_axi_araddr = 0x1000;
  m.m_axi_arburst = 1;
  mon.sample(m, 1, 8, 16);
  m.m_axi_araddr = 0x1008;  // payload change while stalled
  mon.sample(m, 2, 8, 16);
  EXPECT_EQ(mon.violations, 1u);
  m.m_axi_arvalid = 0;  // drop before READY
  mon.sample(m, 3, 8, 16);
  EXPECT_EQ(mon.violations, 2u);
  m.m_axi_awvalid = 1;
  m.m_axi_awid = 9;  // >= NUM_CH
  m.m_axi_awburst = 1;
  m.m_axi_awlen = 16;  // > MAX_BURST-1
  mon.sample(m, 4, 8, 16);
  EXPECT_EQ(mon.violations, 4u);
  m.final();
}
}  // namespace

#ifdef DMACOSIM_COVERAGE
// The coverage build's benches recycle the instrumented model (coverage_shim.h):
// a recycled model must run exactly like the fresh one. ctest runs this in its
// own process, so the first bench below gets a freshly constructed model, and
// the pool hands the last released model out again.
namespace {
constexpr uint32_t kPoolD = 0x80000000, kPoolS = 0x80100000, kPoolT = 0x80400000;

// Every AXI / interrupt / handshake pin at every cycle of one copy, folded
// into a hash, plus the channel registers at the end.
struct RunPrint {
  uint64_t pins = 1469598103934665603ull;
  uint64_t cycles = 0;
  std::string regs;
};
RunPrint run_print(bool golden_check = true) {
  RunPrint p;
  DmacBench b({.seed = 5, .random_latency = true, .ready_prob = 0.8});
  b.fill_random(kPoolS, 700, 3);
  b.write_desc(kPoolD, {kPoolS + 1, kPoolT + 3, kPoolD + 32, 300, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.write_desc(kPoolD + 32, {kPoolS + 400, kPoolT + 400, 0, 290, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  auto mix = [&](uint64_t v) { p.pins = (p.pins ^ v) * 1099511628211ull; };
  b.start(2, kPoolD, /*wb_en=*/true);
  for (unsigned i = 0; i < 20000 && b.started(2) && state_of(b.chrd(2, STATUS)) == ST_ACTIVE; ++i) {
    b.step();
    Vdmac_top& m = b.dut();
    mix(m.m_axi_arvalid), mix(m.m_axi_araddr), mix(m.m_axi_arlen), mix(m.m_axi_arid), mix(m.m_axi_rready);
    mix(m.m_axi_awvalid), mix(m.m_axi_awaddr), mix(m.m_axi_awlen), mix(m.m_axi_awid), mix(m.m_axi_bready);
    mix(m.m_axi_wvalid), mix(m.m_axi_wdata), mix(m.m_axi_wstrb), mix(m.m_axi_wlast);
    mix(m.irq), mix(m.quiescent), mix(m.dclr), mix(m.dtc);
  }
  p.cycles = b.core().cycle();
  p.regs = b.dump_channels();
  if (golden_check) b.check();
  return p;
}

// Leaves the model mid-transfer: bursts in flight, FIFOs and counters used.
void dirty_run() {
  DmacBench b({.seed = 9, .random_latency = true, .ready_prob = 0.6});
  b.fill_random(kPoolS, 4096, 4);
  b.write_desc(kPoolD + 0x100, {kPoolS + 5, kPoolT + 0x800, 0, 3000, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.start(6, kPoolD + 0x100);
  b.step(700);
}

TEST(DmacModelPool, RecycledModelRunsLikeAFreshOne) {
  const RunPrint fresh = run_print();
  dirty_run();
  const RunPrint recycled = run_print();
  EXPECT_EQ(recycled.pins, fresh.pins);
  EXPECT_EQ(recycled.cycles, fresh.cycles);
  EXPECT_EQ(recycled.regs, fresh.regs);
  EXPECT_GT(fresh.cycles, 200u);
}

// The check above can tell: a model released without the restore (the state
// the dirty run left, counters aside) does not run like a fresh one.
TEST(DmacModelPool, ModelKeptDirtyIsCaught) {
  const RunPrint fresh = run_print();
  dmacosim_cov::keep_state_on_release_for_test(true);
  dirty_run();
  dmacosim_cov::keep_state_on_release_for_test(false);
  const RunPrint stale = run_print(/*golden_check=*/false);  // a stale model may not even copy right
  EXPECT_TRUE(stale.pins != fresh.pins || stale.cycles != fresh.cycles || stale.regs != fresh.regs)
      << "a model that kept the previous run's state ran exactly like a fresh one";
}
}  // namespace
#endif
}  // namespace test_dmac_regs
