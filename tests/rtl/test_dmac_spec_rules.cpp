// One directed test per rule of docs/dmac-spec.md that no other test pins
// down (table "Spec rules and API contracts -> tests" in docs/verification.md).
// Most watch the AXI pins cycle by cycle (PinWatch) because the rules are
// about what goes over the bus, not only about the final memory image.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dmac_bench.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_spec_rules {

namespace {

constexpr uint32_t kD = 0x80000000, kS = 0x80100000, kT = 0x80400000, kFifo = 0x40020000;

// ------------------------------------------------------------------ pin watch
struct AxHs {
  uint64_t edge;
  uint8_t id, len, size, burst;
  uint32_t addr;
};
struct WBeat {
  uint64_t edge;
  uint8_t strb;
  bool last;
};
struct RBeat {
  uint64_t edge;
  uint8_t id, resp;
  bool last;
};
struct BResp {
  uint64_t edge;
  uint8_t id, resp;
};

// Records every AXI handshake of the memory port, the request-line outputs
// and the irq pin, stamped with the clock edge at which they happen. Chained
// after the bench's own per-cycle hook, it settles the model (eval: no clock
// edge, only the combinational outputs follow the inputs the ports just
// drove), so it sees exactly what the next edge samples.
struct PinWatch {
  std::vector<AxHs> ar, aw;
  std::vector<WBeat> w;
  std::vector<RBeat> r;
  std::vector<BResp> b;
  std::vector<std::pair<uint64_t, unsigned>> dclr_rise, dtc;  // (edge, line)
  uint64_t dtc_without_dclr = 0;
  std::vector<uint64_t> irq_rise;
  uint32_t dclr_q = 0;
  bool irq_q = false;
  std::function<void(uint64_t edge)> also;  // extra per-cycle work (peripheral drivers)

  void attach(DmacBench& bench) {
    auto prev = bench.core().on_cycle;
    DmacBench* bp = &bench;
    bench.core().on_cycle = [this, bp, prev](uint64_t cycle) {
      if (prev) prev(cycle);
      if (also) also(cycle + 1);
      Vdmac_top& m = bp->dut();
      m.eval();
      sample(m, cycle + 1);
    };
  }
  void sample(Vdmac_top& m, uint64_t e) {
    if (m.m_axi_arvalid && m.m_axi_arready)
      ar.push_back({e, uint8_t(m.m_axi_arid), uint8_t(m.m_axi_arlen), uint8_t(m.m_axi_arsize),
                    uint8_t(m.m_axi_arburst), uint32_t(m.m_axi_araddr)});
    if (m.m_axi_awvalid && m.m_axi_awready)
      aw.push_back({e, uint8_t(m.m_axi_awid), uint8_t(m.m_axi_awlen), uint8_t(m.m_axi_awsize),
                    uint8_t(m.m_axi_awburst), uint32_t(m.m_axi_awaddr)});
    if (m.m_axi_wvalid && m.m_axi_wready) w.push_back({e, uint8_t(m.m_axi_wstrb), bool(m.m_axi_wlast)});
    if (m.m_axi_rvalid && m.m_axi_rready)
      r.push_back({e, uint8_t(m.m_axi_rid), uint8_t(m.m_axi_rresp), bool(m.m_axi_rlast)});
    if (m.m_axi_bvalid && m.m_axi_bready) b.push_back({e, uint8_t(m.m_axi_bid), uint8_t(m.m_axi_bresp)});
    const uint32_t dclr = uint32_t(m.dclr), dtc_now = uint32_t(m.dtc);
    for (unsigned l = 0; l < 32; ++l) {
      if ((dclr >> l & 1) && !(dclr_q >> l & 1)) dclr_rise.push_back({e, l});
      if (dtc_now >> l & 1) {
        dtc.push_back({e, l});
        if (!(dclr >> l & 1)) ++dtc_without_dclr;
      }
    }
    dclr_q = dclr;
    if (m.irq && !irq_q) irq_rise.push_back(e);
    irq_q = m.irq;
  }
  size_t null_strobe_beats(uint64_t from = 0) const {
    size_t n = 0;
    for (auto& x : w)
      if (x.edge >= from && x.strb == 0) ++n;
    return n;
  }
  const RBeat* first_r_error() const {
    for (auto& x : r)
      if (x.resp != AXI_OKAY) return &x;
    return nullptr;
  }
  const BResp* first_b_error() const {
    for (auto& x : b)
      if (x.resp != AXI_OKAY) return &x;
    return nullptr;
  }
};

// Writes a register without blocking and steps until its response.
void write_reg(DmacBench& b, uint32_t off, uint32_t v) {
  b.core().start_write_reg(off, v);
  ASSERT_TRUE(b.run_until([&] { return b.core().reg_access_done(); }, 1000, "register write"));
}

}  // namespace

// ================================================================== Abort
// Spec, Control / Abort: a write burst whose AW was issued finishes with its
// real data (the read feeding it completes): an abort never sends a beat with
// WSTRB = 0, so a peripheral FIFO sees whole bursts of real data only; the
// drain gives neither dclr nor dtc (Abort and the peripheral handshake); a
// descriptor whose every byte got out still counts (Abort and TC).
namespace {

enum class Kind { Mem2PerFixed, Mem2MemIncr, Per2MemIncr };

struct AbortOutcome {
  bool aborted = false;
  bool aw_open_at_abort = false;  // a write burst had its AW but not all of its W beats
  size_t null_beats = 0;
};

// One run of `flow`, aborted `offset` cycles after the doorbell (fresh bench:
// the runs are cycle-deterministic, so each offset is one landing cycle).
AbortOutcome abort_run(Kind flow, unsigned offset) {
  AbortOutcome out;
  DmacBench b({.seed = 3, .random_latency = false, .first_lat = 14, .per_lat = 1, .ready_prob = 0.75});
  PinWatch pw;
  pw.attach(b);
  const unsigned ch = 1, line = 3, width = 2, beats = 8;  // 8 beats of 4 bytes per request
  const uint32_t req_bytes = beats << width, len = 8 * req_bytes;
  Descriptor d;
  std::vector<uint8_t> supply;
  if (flow == Kind::Mem2PerFixed) {
    b.fill_random(kS, len, 40);
    d = {kS, kFifo, 0, len, DC_SRC_INC | dc_flow(MEM2PER) | dc_width(width) | dc_burst(beats - 1) | dc_req(line)};
  } else if (flow == Kind::Per2MemIncr) {
    for (uint32_t i = 0; i < len; ++i) supply.push_back(uint8_t(0x11 + i * 7));
    d = {kFifo, kT + 3, 0, len, DC_DST_INC | dc_flow(PER2MEM) | dc_width(width) | dc_burst(beats - 1) | dc_req(line)};
  } else {
    b.fill_random(kS + 5, 2000, 41);
    d = {kS + 5, kT + 3, 0, 2000, DC_SRC_INC | DC_DST_INC | DC_IRQ};
  }
  if (flow != Kind::Mem2MemIncr) {
    b.add_fifo(kFifo, supply);
    PeripheralModel pm;
    pm.line = line;
    pm.to_periph = flow == Kind::Mem2PerFixed;
    pm.burst_bytes = req_bytes;
    pm.capacity = 4096;
    pm.drain_per_cycle = 8;
    b.add_peripheral(pm);
  }
  b.write_desc(kD, d);
  b.start(ch, kD);
  b.step(offset);
  // Was a write burst open (AW accepted, W beats missing) when the abort came?
  size_t w_beats_due = 0;
  for (auto& a : pw.aw) w_beats_due += a.len + 1u;
  out.aw_open_at_abort = w_beats_due > pw.w.size();
  const size_t dclr_before = pw.dclr_rise.size(), dtc_before = pw.dtc.size();
  // The register write is accepted at the next edge (AWREADY follows AWVALID)
  // and takes effect one edge later (the controller registers it).
  const uint64_t t_abort = b.core().cycle() + 2;
  write_reg(b, ch_reg(ch, CTRL), CTRL_ABORT);
  EXPECT_TRUE(b.run_until([&] { return state_of(b.chrd(ch, STATUS)) != ST_ACTIVE; }, 20000, "end of the abort"));
  b.step(50);
  const uint32_t st = b.chrd(ch, STATUS), raw = b.chrd(ch, IRQ_RAW), tc = b.chrd(ch, TC_COUNT);
  out.aborted = st & STATUS_ABORTED;
  out.null_beats = pw.null_strobe_beats();
  EXPECT_EQ(out.null_beats, 0u) << "W beat(s) with WSTRB = 0 (abort must finish started bursts with their data)";
  EXPECT_EQ(state_of(st), ST_IDLE) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(err_code_of(st), 0u);
  EXPECT_TRUE(b.core().mem_port().idle()) << "AXI transaction abandoned";
  EXPECT_EQ(b.chrd(ch, CUR_DESC), 0u);
  // Every AW got all of its W beats (the AXI checker also requires it).
  size_t due = 0;
  for (auto& a : pw.aw) due += a.len + 1u;
  EXPECT_EQ(due, pw.w.size());
  if (flow == Kind::Mem2PerFixed) {
    const auto& got = b.mem().fifo_at(kFifo)->written;
    EXPECT_EQ(got.size() % req_bytes, 0u) << "the FIFO got part of a burst: " << got.size() << " bytes";
    for (size_t i = 0; i < got.size(); ++i)
      if (got[i] != b.initial().get(kS + i)) {
        ADD_FAILURE() << "FIFO byte " << i << " is not the source's";
        break;
      }
    // TC iff every byte got out (Abort and TC).
    const bool complete = got.size() == len;
    EXPECT_EQ(tc, complete ? 1u : 0u) << got.size() << "/" << len << " bytes in the FIFO";
    EXPECT_EQ(bool(raw & IRQ_TC), complete);
  }
  if (out.aborted) {
    EXPECT_EQ(raw & IRQ_ABORT, IRQ_ABORT);
    for (size_t i = dclr_before; i < pw.dclr_rise.size(); ++i)
      EXPECT_LE(pw.dclr_rise[i].first, t_abort) << "dclr raised during the abort drain";
    for (size_t i = dtc_before; i < pw.dtc.size(); ++i)
      EXPECT_LE(pw.dtc[i].first, t_abort) << "dtc pulsed during the abort drain";
  }
  if (flow == Kind::Mem2MemIncr) {
    EXPECT_GE(written_prefix(b, kS + 5, kT + 3, 2000), 0) << "destination is not a prefix of the source";
  }
  EXPECT_TRUE(b.mem().writes_outside({{kT, kT + 0x1000}, {kFifo, kFifo + 8}}).empty());
  if (::testing::Test::HasFailure()) ADD_FAILURE() << "abort offset " << offset << "\n" << b.dump_channels();
  return out;
}

// Every landing cycle, in every build (the coverage build once tried every
// 2nd: constructing its instrumented model per run cost more than the run;
// benches now recycle it, tests/rtl/coverage_shim.h). A flow aborts with a
// write burst open 72-344 times (measured), well above the floor of 10
// checked below.
void abort_sweep(Kind flow, unsigned from, unsigned to) {
  unsigned open = 0, aborted = 0;
  const unsigned stride = 1;
  for (unsigned off = from; off < to; off += stride) {
    SCOPED_TRACE("abort " + std::to_string(off) + " cycles after the doorbell");
    AbortOutcome o = abort_run(flow, off);
    open += o.aw_open_at_abort && o.aborted;
    aborted += o.aborted;
    if (::testing::Test::HasFailure()) return;
  }
  ::testing::Test::RecordProperty("aborts_with_a_write_burst_open", std::to_string(open));
  EXPECT_GT(aborted, (to - from) / stride / 2);
  EXPECT_GT(open, 10u) << "the sweep never aborted while a write burst was open";
}

}  // namespace

TEST(DmacSpecRules, AbortOfFixedPeripheralFlowNeverSendsNullStrobes) { abort_sweep(Kind::Mem2PerFixed, 0, 400); }
TEST(DmacSpecRules, AbortOfIncrCopyNeverSendsNullStrobes) { abort_sweep(Kind::Mem2MemIncr, 0, 400); }
TEST(DmacSpecRules, AbortOfPeripheralToMemoryNeverSendsNullStrobes) { abort_sweep(Kind::Per2MemIncr, 0, 400); }

// ================================================================== Arbitration
// Spec, Control / Arbitration: round-robin among ready channels at burst
// granularity; high-priority channels win over low ones. Three channels with
// one long copy each (always ready once decoded): channel 2 has PRIO. Its
// data reads must form one unbroken run (no low-priority read between its
// first and its last), and while channels 1 and 3 both still have reads to
// issue they must strictly alternate.
TEST(DmacSpecRules, PriorityWinsAndEqualChannelsAlternate) {
  DmacBench b({.seed = 3, .random_latency = false, .first_lat = 10, .per_lat = 1});
  PinWatch pw;
  pw.attach(b);
  const uint32_t len = 16384;
  for (unsigned ch : {1u, 2u, 3u}) {
    b.fill_random(kS + ch * 0x10000, len, ch);
    b.write_desc(kD + 32 * ch, {kS + ch * 0x10000, kT + ch * 0x10000, 0, len, DC_SRC_INC | DC_DST_INC});
  }
  b.start(1, kD + 32);
  b.start(2, kD + 64, false, 0, /*prio=*/true);
  b.start(3, kD + 96);
  ASSERT_TRUE(b.run_until_idle());
  b.check();
  // Data reads only (descriptor fetches excluded), in grant order.
  std::vector<uint8_t> ids;
  for (auto& a : pw.ar)
    if (a.addr >= kS) ids.push_back(a.id);
  std::string seq;
  for (auto id : ids) seq += char('0' + id);
  SCOPED_TRACE("data AR IDs in order: " + seq);
  auto first = [&](uint8_t id) { return size_t(std::find(ids.begin(), ids.end(), id) - ids.begin()); };
  auto last = [&](uint8_t id) { return size_t(ids.rend() - std::find(ids.rbegin(), ids.rend(), id) - 1); };
  ASSERT_EQ(std::count(ids.begin(), ids.end(), 2), long(len / 128)) << "16 KiB in 128-byte bursts";
  const size_t h0 = first(2), h1 = last(2);
  for (size_t i = h0; i <= h1; ++i) ASSERT_EQ(ids[i], 2) << "low-priority read granted inside the PRIO channel's run at " << i;
  EXPECT_LT(h1, last(1)) << "PRIO channel did not finish its reads first";
  EXPECT_LT(h1, last(3));
  const size_t end = std::min(last(1), last(3));
  ASSERT_GT(end, h1 + 20) << "too short a window with both low channels ready";
  for (size_t i = h1 + 2; i <= end; ++i)
    ASSERT_NE(ids[i], ids[i - 1]) << "two grants in a row to channel " << int(ids[i]) << " at " << i
                                  << " while the other equal-priority channel was ready";
}

// ================================================================== Registers
// Spec, Registers: IRQ_RAW holds events whatever the mask; IRQ_STATUS reads
// IRQ_RAW & IRQ_MASK; W1C clears the raw bit; IRQ_SUMMARY bit n = channel n has
// an enabled status bit set; irq is the OR of the enabled statuses (a level:
// it follows the mask). REMAINING resets to 0 like the other registers.
TEST(DmacSpecRules, IrqRawIgnoresMaskStatusAndSummaryFollowIt) {
  DmacBench b;
  EXPECT_EQ(b.chrd(0, REMAINING), 0u) << "REMAINING reset value";
  EXPECT_EQ(b.chrd(7, REMAINING), 0u);
  b.fill_random(kS, 256, 1);
  for (unsigned ch : {2u, 5u}) {
    b.write_desc(kD + 32 * ch, {kS, kT + 0x100 * ch, 0, 64 + ch, DC_SRC_INC | DC_DST_INC});
    EXPECT_EQ(b.chwr(ch, IRQ_MASK, ch == 5 ? IRQ_TC : 0u), AXI_OKAY);
    EXPECT_EQ(b.chwr(ch, DOORBELL, kD + 32 * ch), AXI_OKAY);
  }
  b.step(500);
  ASSERT_EQ(state_of(b.chrd(2, STATUS)), ST_IDLE);
  ASSERT_EQ(state_of(b.chrd(5, STATUS)), ST_IDLE);
  EXPECT_EQ(b.chrd(2, IRQ_RAW), IRQ_TC) << "raw event with the mask clear";
  EXPECT_EQ(b.chrd(2, IRQ_STATUS), 0u) << "IRQ_STATUS = IRQ_RAW & IRQ_MASK";
  EXPECT_EQ(b.chrd(5, IRQ_RAW), IRQ_TC);
  EXPECT_EQ(b.chrd(5, IRQ_STATUS), IRQ_TC);
  EXPECT_EQ(b.rd(IRQ_SUMMARY), 1u << 5);
  EXPECT_TRUE(b.core().irq());
  // Enabling channel 2's TC exposes its pending event at once (level, not edge).
  EXPECT_EQ(b.chwr(2, IRQ_MASK, IRQ_TC | IRQ_ERR), AXI_OKAY);
  EXPECT_EQ(b.chrd(2, IRQ_STATUS), IRQ_TC);
  EXPECT_EQ(b.rd(IRQ_SUMMARY), (1u << 2) | (1u << 5));
  // W1C of a bit that is not set, and of nothing, changes nothing.
  EXPECT_EQ(b.chwr(5, IRQ_STATUS, IRQ_ERR | IRQ_ABORT), AXI_OKAY);
  EXPECT_EQ(b.chwr(5, IRQ_STATUS, 0), AXI_OKAY);
  EXPECT_EQ(b.chrd(5, IRQ_RAW), IRQ_TC);
  // W1C clears the raw bit.
  EXPECT_EQ(b.chwr(5, IRQ_STATUS, IRQ_TC), AXI_OKAY);
  EXPECT_EQ(b.chrd(5, IRQ_RAW), 0u);
  EXPECT_EQ(b.rd(IRQ_SUMMARY), 1u << 2);
  EXPECT_TRUE(b.core().irq());
  // Masking the last enabled event drops the line; the raw bit stays.
  EXPECT_EQ(b.chwr(2, IRQ_MASK, IRQ_ERR), AXI_OKAY);
  b.step(2);
  EXPECT_FALSE(b.core().irq());
  EXPECT_EQ(b.rd(IRQ_SUMMARY), 0u);
  EXPECT_EQ(b.chrd(2, IRQ_RAW), IRQ_TC);
  EXPECT_EQ(b.chrd(2, IRQ_STATUS), 0u);
}

// Spec, DOORBELL: written while the channel is busy (here PAUSED) it is
// ignored and sets BUSY_ERR; the register reads the last value written (the
// generated register description); TC_COUNT counts since the last *accepted*
// doorbell, so the ignored one does not clear it; the next accepted doorbell
// clears BUSY_ERR and TC_COUNT.
TEST(DmacSpecRules, DoorbellWhilePausedIsIgnoredAndKeepsTcCount) {
  DmacBench b({.seed = 5, .random_latency = false, .first_lat = 8, .per_lat = 1});
  b.fill_random(kS, 512, 1);
  b.fill_random(kS + 0x1000, 8192, 2);
  b.fill_random(kS + 0x4000, 100, 3);
  b.write_desc(kD, {kS, kT, kD + 32, 512, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.write_desc(kD + 32, {kS + 0x1000, kT + 0x1000, 0, 8192, DC_SRC_INC | DC_DST_INC});
  b.write_desc(kD + 0x100, {kS + 0x4000, kT + 0x4000, 0, 100, DC_SRC_INC | DC_DST_INC});
  b.start(4, kD);
  ASSERT_TRUE(b.run_until([&] { return b.chrd(4, TC_COUNT) == 1; }, 100000, "first descriptor's TC"));
  EXPECT_EQ(b.chwr(4, CTRL, CTRL_PAUSE), AXI_OKAY);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(4, STATUS)) == ST_PAUSED; }, 5000, "PAUSED"));
  const uint32_t cur = b.chrd(4, CUR_DESC);
  EXPECT_EQ(cur, kD + 32);
  EXPECT_EQ(b.chwr(4, DOORBELL, kD + 0x100), AXI_OKAY);
  uint32_t st = b.chrd(4, STATUS);
  EXPECT_EQ(state_of(st), ST_PAUSED) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(st & STATUS_BUSY_ERR, STATUS_BUSY_ERR);
  EXPECT_EQ(b.chrd(4, DOORBELL), kD + 0x100) << "DOORBELL reads the last value written";
  EXPECT_EQ(b.chrd(4, TC_COUNT), 1u) << "an ignored doorbell must not clear TC_COUNT";
  EXPECT_EQ(b.chrd(4, CUR_DESC), cur);
  EXPECT_EQ(b.chwr(4, CTRL, 0), AXI_OKAY);
  ASSERT_TRUE(b.run_until_idle(200000));
  st = b.chrd(4, STATUS);
  EXPECT_EQ(st, uint32_t(ST_IDLE | STATUS_BUSY_ERR)) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(b.chrd(4, TC_COUNT), 2u);
  EXPECT_EQ(written_prefix(b, kS + 0x1000, kT + 0x1000, 8192), 8192);
  for (uint32_t i = 0; i < 100; ++i) ASSERT_EQ(b.mem().bytes().get(kT + 0x4000 + i), b.options().fill);
  // The next accepted doorbell clears BUSY_ERR and TC_COUNT (check(): golden TC_COUNT 1, no BUSY_ERR).
  b.rearm();
  b.start(4, kD + 0x100);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check({{kT, kT + 512}, {kT + 0x1000, kT + 0x3000}});
}

// Spec, Control: abort of a PAUSED channel: IDLE, ABORTED, IRQ_RAW.ABORT, no
// further memory traffic, the destination a prefix; the channel works again.
TEST(DmacSpecRules, AbortOfPausedChannel) {
  DmacBench b({.seed = 6, .random_latency = false, .first_lat = 8, .per_lat = 1});
  b.fill_random(kS + 1, 6000, 4);
  b.write_desc(kD, {kS + 1, kT + 2, 0, 6000, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.start(6, kD);
  b.step(300);
  EXPECT_EQ(b.chwr(6, CTRL, CTRL_PAUSE), AXI_OKAY);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(6, STATUS)) == ST_PAUSED; }, 5000, "PAUSED"));
  const long before = written_prefix(b, kS + 1, kT + 2, 6000);
  EXPECT_GT(before, 0);
  EXPECT_EQ(b.chwr(6, CTRL, CTRL_ABORT), AXI_OKAY);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(6, STATUS)) == ST_IDLE; }, 5000, "IDLE"));
  EXPECT_EQ(b.chrd(6, STATUS), uint32_t(ST_IDLE | STATUS_ABORTED));
  EXPECT_EQ(b.chrd(6, IRQ_RAW), IRQ_ABORT);
  EXPECT_EQ(b.chrd(6, CUR_DESC), 0u);
  EXPECT_EQ(b.chrd(6, TC_COUNT), 0u);
  EXPECT_EQ(b.chrd(6, CTRL) & (CTRL_PAUSE | CTRL_ABORT), 0u);
  const uint64_t r = b.mem().reads(), w = b.mem().writes();
  b.step(500);
  EXPECT_EQ(b.mem().reads(), r);
  EXPECT_EQ(b.mem().writes(), w);
  EXPECT_EQ(written_prefix(b, kS + 1, kT + 2, 6000), before) << "data moved after the pause";
  b.rearm();
  b.golden() = GoldenModel();
  b.fill_random(kS + 0x8000, 300, 5);
  b.write_desc(kD + 64, {kS + 0x8000, kT + 0x8000, 0, 300, DC_SRC_INC | DC_DST_INC});
  b.start(6, kD + 64);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check({{kT + 2, kT + 2 + 6000}});
}

// Spec, REMAINING: 0xFFFF_FFFF while the CUR_DESC descriptor has not been
// fetched yet; then the bytes not yet written. Descriptor format: LEN goes up
// to 2^24 - 1 (the largest length is accepted; REMAINING's upper bits count).
TEST(DmacSpecRules, RemainingBeforeFetchAndAtTheLargestLength) {
  DmacBench b({.seed = 7, .random_latency = false, .first_lat = 200, .per_lat = 1});
  constexpr uint32_t kLen = 0xFFFFFF, src = 0x81000000, dst = 0x82000000, filled = 256 * 1024;
  b.fill_random(src, filled, 6);
  b.write_desc(kD, {src, dst, 0, kLen, DC_SRC_INC | DC_DST_INC});
  b.start(0, kD);
  EXPECT_EQ(b.chrd(0, CUR_DESC), kD);
  EXPECT_EQ(b.chrd(0, REMAINING), 0xFFFFFFFFu) << "descriptor not fetched yet";
  b.step(2000);
  b.mem().set_latency(1, 1);
  b.step(8000);
  const uint32_t cur = b.chrd(0, CUR_DESC), rem = b.chrd(0, REMAINING);
  EXPECT_EQ(cur, kD);
  EXPECT_EQ(state_of(b.chrd(0, STATUS)), ST_ACTIVE);
  EXPECT_LT(rem, kLen);
  EXPECT_GT(rem, kLen - filled) << "moved more than expected in 10000 cycles";
  const long k = written_prefix(b, src, dst, filled);
  EXPECT_GE(k, long(kLen - rem)) << "REMAINING says more is written than memory holds";
  EXPECT_EQ(b.chwr(0, CTRL, CTRL_ABORT), AXI_OKAY);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(0, STATUS)) == ST_IDLE; }, 5000, "IDLE"));
  EXPECT_EQ(b.chrd(0, STATUS), uint32_t(ST_IDLE | STATUS_ABORTED));
  EXPECT_GE(written_prefix(b, src, dst, filled), k);
}

// Spec, TC_COUNT wrapping at 2^32: DmacSpecRules.TcCountWrapsAt2To32 in
// test_dmac_preset.cpp (it presets a register, which needs the plain model).

// ================================================================== Validation
// Spec, Implementation notes / Validation: a descriptor breaking several rules
// reports the first in the order DESC_LEN, DESC_RSVD, DESC_ALIGN, DESC_REQ,
// DESC_FIXED, with ERR_ADDR = the descriptor, before any data moves.
TEST(DmacSpecRules, ValidationReportsTheFirstBrokenRuleInOrder) {
  struct Case {
    const char* name;
    uint8_t code;
    Descriptor d;
  };
  const uint32_t per0 = DC_SRC_INC | dc_flow(MEM2PER), per = per0 | dc_width(2);
  const std::vector<Case> cases = {
      {"LEN 0 + reserved CTRL bit + misaligned NEXT", ERR_DESC_LEN, {kS, kT, kD + 8, 0, DC_SRC_INC | DC_DST_INC | (1u << 24)}},
      {"reserved LEN bits + FLOW 3", ERR_DESC_LEN, {kS, kT, 0, 0x02000010, DC_SRC_INC | DC_DST_INC | dc_flow(3)}},
      {"WIDTH 4 + misaligned NEXT + REQ 20", ERR_DESC_RSVD, {kS, kFifo, kD + 4, 64, per0 | dc_width(4) | dc_req(20)}},
      {"misaligned NEXT + REQ 16 + fixed side misaligned", ERR_DESC_ALIGN, {kS, kFifo + 2, kD + 0x30, 64, per | dc_req(16)}},
      {"REQ 31 + LEN not a multiple of WIDTH", ERR_DESC_REQ, {kS, kFifo, 0, 66, per | dc_req(31)}},
      {"fixed destination misaligned (alone)", ERR_DESC_FIXED, {kS, kFifo + 1, 0, 64, per | dc_req(1)}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    DmacBench b;
    b.fill_random(kS, 256, 1);
    b.write_desc(kD + 0x40, c.d);
    b.start(3, kD + 0x40);
    ASSERT_TRUE(b.run_until_idle(10000));
    const uint32_t st = b.chrd(3, STATUS);
    EXPECT_EQ(state_of(st), ST_ERROR);
    EXPECT_EQ(err_code_of(st), c.code) << "got " << err_name(err_code_of(st)) << ", expected " << err_name(c.code);
    EXPECT_EQ(b.chrd(3, ERR_ADDR), kD + 0x40);
    EXPECT_EQ(b.chrd(3, IRQ_RAW), IRQ_ERR);
    EXPECT_EQ(b.mem().writes(), 0u) << "data moved before validation";
    EXPECT_EQ(b.mem().reads(), 1u) << "only the descriptor may be read";
    b.check();  // the golden model implements the same order (DmacGolden.MalformedOrder)
  }
}

// Spec, Implementation notes / Validation: only descriptor bytes 0x00-0x13 are
// used, a bus error on the read of bytes 0x14-0x1F is ignored. The test
// memory answers a whole burst with one response, so the error is put on one
// R beat of the descriptor fetch at the pins: the 4th beat (bytes 0x18-0x1F)
// must be ignored, the 3rd (0x10-0x17, holds CTRL) must give DESC_READ.
TEST(DmacSpecRules, DescriptorFetchErrorOnlyCountsForBytesInUse) {
  for (unsigned bad_beat : {3u, 2u}) {
    SCOPED_TRACE("error response on descriptor beat " + std::to_string(bad_beat));
    DmacBench b;
    PinWatch pw;
    const unsigned ch = 5;
    size_t desc_ar = SIZE_MAX, beats_before = 0;
    pw.also = [&](uint64_t) {
      Vdmac_top& m = b.dut();
      if (desc_ar == SIZE_MAX) {
        for (size_t i = 0; i < pw.ar.size(); ++i)
          if (pw.ar[i].addr == kD) {
            desc_ar = i;
            beats_before = pw.r.size();
          }
      }
      if (desc_ar == SIZE_MAX || !m.m_axi_rvalid || m.m_axi_rid != ch) return;
      if (pw.r.size() - beats_before == bad_beat) m.m_axi_rresp = AXI_SLVERR;
    };
    pw.attach(b);
    b.fill_random(kS, 200, 1);
    b.write_desc(kD, {kS, kT, 0, 200, DC_SRC_INC | DC_DST_INC});
    b.start(ch, kD);
    ASSERT_TRUE(b.run_until_idle(10000));
    ASSERT_NE(desc_ar, SIZE_MAX);
    ASSERT_EQ(pw.ar[desc_ar].len, 3u) << "the descriptor is fetched as 4 beats of 8 bytes";
    size_t errs = 0;
    for (auto& r : pw.r) errs += r.resp != AXI_OKAY;
    ASSERT_EQ(errs, 1u) << "the injected error response did not go out";
    const uint32_t st = b.chrd(ch, STATUS);
    if (bad_beat == 3) {
      EXPECT_EQ(st, uint32_t(ST_IDLE)) << "STATUS=0x" << std::hex << st;
      EXPECT_EQ(written_prefix(b, kS, kT, 200), 200);
      EXPECT_EQ(b.chrd(ch, IRQ_RAW), IRQ_TC);
    } else {
      EXPECT_EQ(state_of(st), ST_ERROR);
      EXPECT_EQ(err_code_of(st), ERR_DESC_READ);
      EXPECT_EQ(err_resp_of(st), AXI_SLVERR);
      EXPECT_EQ(b.chrd(ch, ERR_ADDR), kD);
      EXPECT_EQ(b.mem().writes(), 0u);
    }
  }
}

// Spec, Error codes (exception for descriptor errors) and Descriptor
// read-ahead: when descriptor N+1 fails (malformed, or its fetch gets a bus
// error) while descriptor N's writes are in flight, N completes normally and
// raises its TC before STATE = ERROR and IRQ_RAW.ERR; a fetch error of N+1 is
// reported only when the chain gets there. Slow write responses keep N's
// writes in flight while the read-ahead fetches and decodes N+1. With only
// ERR enabled, irq rises with the ERR event; TC must already be raw then.
TEST(DmacSpecRules, DescriptorErrorLetsThePreviousDescriptorComplete) {
  struct Case {
    const char* name;
    uint8_t code;
    std::function<void(DmacBench&, Descriptor&)> make;
  };
  const std::vector<Case> cases = {
      {"LEN 0", ERR_DESC_LEN, [](DmacBench&, Descriptor& d) { d.len = 0; }},
      {"reserved CTRL bit", ERR_DESC_RSVD, [](DmacBench&, Descriptor& d) { d.ctrl |= 1u << 28; }},
      {"misaligned NEXT", ERR_DESC_ALIGN, [](DmacBench&, Descriptor& d) { d.next = kD + 0x48; }},
      {"fetch bus error", ERR_DESC_READ,
       [](DmacBench& b, Descriptor&) { b.add_error_region({{kD + 32, kD + 64}, AXI_DECERR, true, false}); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    DmacBench b({.seed = 9, .random_latency = false, .first_lat = 6, .per_lat = 1});
    b.mem().set_write_extra_latency(120);
    PinWatch pw;
    pw.attach(b);
    const unsigned ch = 3;
    const uint32_t len = 2048;
    b.fill_random(kS, len, 3);
    b.write_desc(kD, {kS, kT, kD + 32, len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
    Descriptor d1{kS + 0x1000, kT + 0x1000, 0, 64, DC_SRC_INC | DC_DST_INC};
    c.make(b, d1);
    b.write_desc(kD + 32, d1);
    b.start(ch, kD);
    EXPECT_EQ(b.chwr(ch, IRQ_MASK, IRQ_ERR), AXI_OKAY);
    ASSERT_TRUE(b.run_until([&] { return b.core().irq(); }, 100000, "ERR interrupt"));
    const uint32_t raw_at_err = b.chrd(ch, IRQ_RAW);
    EXPECT_EQ(raw_at_err, IRQ_TC | IRQ_ERR) << "descriptor N's TC must come no later than ERR";
    ASSERT_TRUE(b.run_until_idle(10000));
    const uint32_t st = b.chrd(ch, STATUS);
    EXPECT_EQ(state_of(st), ST_ERROR);
    EXPECT_EQ(err_code_of(st), c.code) << err_name(err_code_of(st));
    EXPECT_EQ(b.chrd(ch, ERR_ADDR), kD + 32);
    EXPECT_EQ(b.chrd(ch, TC_COUNT), 1u);
    EXPECT_EQ(written_prefix(b, kS, kT, len), long(len)) << "descriptor N lost writes to N+1's error";
    for (uint32_t i = 0; i < 64; ++i) ASSERT_EQ(b.mem().bytes().get(kT + 0x1000 + i), b.options().fill);
    // The read-ahead really overlapped: N+1 was fetched before N's last write response.
    uint64_t fetch = 0, last_b = 0;
    for (auto& a : pw.ar)
      if (a.addr == kD + 32 && !fetch) fetch = a.edge;
    for (auto& x : pw.b) last_b = std::max(last_b, x.edge);
    EXPECT_GT(fetch, 0u);
    EXPECT_LT(fetch, last_b) << "N+1 fetched only after N's writes completed: the case was not exercised";
  }
}

// Spec, Control / Abort: an abort written while an error drain is in progress
// is ignored (the channel ends in ERROR, no ABORTED, no IRQ_RAW.ABORT). A data
// read error with many writes waiting for slow responses opens the drain.
TEST(DmacSpecRules, AbortDuringAnErrorDrainIsIgnored) {
  DmacBench b({.seed = 10, .random_latency = false, .first_lat = 4, .per_lat = 1});
  b.mem().set_write_extra_latency(300);
  PinWatch pw;
  pw.attach(b);
  const unsigned ch = 7;
  b.fill_random(kS, 4096, 1);
  b.write_desc(kD, {kS, kT, 0, 4096, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.add_error_region({{kS + 2048, kS + 2049}, AXI_SLVERR, true, false});
  b.start(ch, kD);
  ASSERT_TRUE(b.run_until([&] { return pw.first_r_error() != nullptr; }, 100000, "read error response"));
  ASSERT_EQ(state_of(b.chrd(ch, STATUS)), ST_ACTIVE) << "the drain must still be waiting for write responses";
  ASSERT_FALSE(b.core().mem_port().idle());
  write_reg(b, ch_reg(ch, CTRL), CTRL_ABORT);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(ch, STATUS)) != ST_ACTIVE; }, 100000, "end of the drain"));
  const uint32_t st = b.chrd(ch, STATUS);
  EXPECT_EQ(state_of(st), ST_ERROR) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(err_code_of(st), ERR_DATA_READ);
  EXPECT_EQ(err_resp_of(st), AXI_SLVERR);
  EXPECT_EQ(st & STATUS_ABORTED, 0u);
  EXPECT_EQ(b.chrd(ch, IRQ_RAW), IRQ_ERR) << "no ABORT event, no TC";
  EXPECT_TRUE(b.core().mem_port().idle());
}

// Chain d0 (512 B) -> d1 (3000 B, a DECERR on byte 1500 of its source or of
// its destination) -> d2, with slow write responses so that several of d1's
// bursts are out when the error response arrives.
namespace {
struct DataErrorRun {
  std::unique_ptr<DmacBench> b;
  PinWatch pw;
  uint64_t err_edge = 0;
  static constexpr uint32_t l0 = 512, l1 = 3000, l2 = 256;
  explicit DataErrorRun(bool write_error) {
    b = std::make_unique<DmacBench>(BenchOptions{.seed = 11, .random_latency = false, .first_lat = 3, .per_lat = 1});
    b->mem().set_write_extra_latency(write_error ? 60 : 150);
    pw.attach(*b);
    b->fill_random(kS, l0, 1);
    b->fill_random(kS + 0x1000, l1, 2);
    b->fill_random(kS + 0x2000, l2, 3);
    b->write_desc(kD, {kS, kT, kD + 32, l0, DC_SRC_INC | DC_DST_INC | DC_IRQ});
    b->write_desc(kD + 32, {kS + 0x1000, kT + 0x1000, kD + 64, l1, DC_SRC_INC | DC_DST_INC | DC_IRQ});
    b->write_desc(kD + 64, {kS + 0x2000, kT + 0x2000, 0, l2, DC_SRC_INC | DC_DST_INC | DC_IRQ});
    if (write_error)
      b->add_error_region({{kT + 0x1000 + 1500, kT + 0x1000 + 1501}, AXI_DECERR, false, true});
    else
      b->add_error_region({{kS + 0x1000 + 1500, kS + 0x1000 + 1501}, AXI_DECERR, true, false});
    b->start(0, kD);
    EXPECT_TRUE(b->run_until_idle(100000));
    const void* e = write_error ? static_cast<const void*>(pw.first_b_error()) : pw.first_r_error();
    EXPECT_NE(e, nullptr);
    if (e) err_edge = write_error ? pw.first_b_error()->edge : pw.first_r_error()->edge;
  }
  // Bytes of d1 actually written: strobed bytes (W beats follow AW order) of
  // its bursts answered OKAY (one channel's B responses follow its AW order).
  uint32_t d1_bytes_written() const {
    std::vector<uint32_t> aw_bytes(pw.aw.size(), 0);
    for (size_t a = 0, wi = 0; a < pw.aw.size(); ++a)
      for (unsigned k = 0; k <= pw.aw[a].len && wi < pw.w.size(); ++k, ++wi)
        aw_bytes[a] += __builtin_popcount(pw.w[wi].strb);
    uint32_t n = 0;
    for (size_t a = 0; a < pw.aw.size() && a < pw.b.size(); ++a)
      if (pw.aw[a].addr >= kT + 0x1000 && pw.aw[a].addr < kT + 0x2000 && pw.b[a].resp == AXI_OKAY) n += aw_bytes[a];
    return n;
  }
};
}  // namespace

// Spec, Data bus errors / Write error and read-ahead: no write of the channel
// with a non-zero WSTRB follows the error response (from the cycle it is
// received); bursts already accepted finish with WSTRB = 0. In ERROR,
// CUR_DESC shows the oldest descriptor with bytes not acknowledged OKAY and
// the failing burst's bytes stay in REMAINING; the failing descriptor and
// every later one raise no TC.
TEST(DmacSpecRules, NoStrobedWriteAfterADataErrorResponse) {
  for (bool write_error : {false, true}) {
    SCOPED_TRACE(write_error ? "write error" : "read error");
    DataErrorRun run(write_error);
    DmacBench& b = *run.b;
    size_t after = 0, strobed_after = 0;
    for (auto& x : run.pw.w)
      if (x.edge > run.err_edge) {
        ++after;
        strobed_after += x.strb != 0;
      }
    EXPECT_EQ(strobed_after, 0u) << strobed_after << " of " << after << " W beats after the error had strobes";
    EXPECT_GT(after, 0u) << "no burst was open at the error: the case was not exercised";
    const uint32_t st = b.chrd(0, STATUS);
    EXPECT_EQ(state_of(st), ST_ERROR);
    EXPECT_EQ(err_code_of(st), write_error ? ERR_DATA_WRITE : ERR_DATA_READ);
    EXPECT_EQ(b.chrd(0, TC_COUNT), 1u) << "only descriptor 0 completed";
    EXPECT_EQ(b.chrd(0, IRQ_RAW), IRQ_TC | IRQ_ERR);
    const uint32_t cur = b.chrd(0, CUR_DESC), rem = b.chrd(0, REMAINING), ea = b.chrd(0, ERR_ADDR);
    EXPECT_EQ(cur, kD + 32) << "CUR_DESC in ERROR: the oldest descriptor with bytes not acknowledged";
    EXPECT_LE(rem, run.l1);
    if (write_error) {
      EXPECT_GE(rem, std::min<uint32_t>(128 - (ea & 127), kT + 0x1000 + run.l1 - ea))
          << "the failing burst's bytes must stay in REMAINING";
    } else {
      EXPECT_GT(rem, 0u);
    }
    b.check();
  }
}

// Spec, REMAINING: the bytes of the descriptor whose write has not completed.
// After a data error, beats killed with WSTRB = 0 wrote nothing (the spec
// counts such a descriptor as not written for TC), so their bytes must stay in
// REMAINING, or the residue a driver reports claims bytes that never reached
// memory. REMAINING is kept per burst: a burst with a killed beat counts as
// not written, its strobed beats before the kill included (over-counting
// those is the burst granularity a driver reports; under-counting is the bug).
TEST(DmacSpecRules, RemainingAfterADataErrorKeepsKilledBytes) {
  for (bool write_error : {false, true}) {
    SCOPED_TRACE(write_error ? "write error" : "read error");
    DataErrorRun run(write_error);
    DmacBench& b = *run.b;
    ASSERT_EQ(b.chrd(0, CUR_DESC), kD + 32);
    const uint32_t rem = b.chrd(0, REMAINING), written = run.d1_bytes_written();
    // Strobed bytes of d1's OKAY bursts that had a killed (WSTRB = 0) beat.
    const auto& pw = run.pw;
    uint32_t strobed_in_killed = 0, killed_bursts = 0;
    for (size_t a = 0, wi = 0; a < pw.aw.size(); ++a) {
      uint32_t strobed = 0;
      bool killed = false;
      for (unsigned k = 0; k <= pw.aw[a].len && wi < pw.w.size(); ++k, ++wi) {
        strobed += __builtin_popcount(pw.w[wi].strb);
        killed |= pw.w[wi].strb == 0;
      }
      const bool d1 = pw.aw[a].addr >= kT + 0x1000 && pw.aw[a].addr < kT + 0x2000;
      if (d1 && killed && a < pw.b.size() && pw.b[a].resp == AXI_OKAY) {
        strobed_in_killed += strobed;
        ++killed_bursts;
      }
    }
    EXPECT_GT(killed_bursts, 0u) << "no killed burst: the case was not exercised";
    EXPECT_GE(rem, run.l1 - written) << "REMAINING " << rem << " claims written bytes that are not in memory ("
                                     << run.l1 - written << " are not)";
    EXPECT_EQ(rem, run.l1 - written + strobed_in_killed)
        << "REMAINING must be the bytes of the bursts not written whole: " << killed_bursts
        << " killed burst(s) holding " << strobed_in_killed << " strobed byte(s)";
  }
}

// ================================================================== Peripheral flow
namespace {

// A peripheral on one request line that raises the request in one of the four
// forms, drops it `hold` cycles after it sees dclr (a slow peripheral), and
// raises the next one only after dclr went low. Records every request.
struct ReqDriver {
  enum Form { Burst, Single, LastBurst, LastSingle };
  unsigned line = 0;
  Form form = Burst;
  unsigned hold = 0;
  uint64_t allowed = UINT64_MAX;  // requests it may still raise
  struct Req {
    uint64_t raised = 0, clr = 0, dropped = 0;
    unsigned dtc = 0;
    bool clr_dropped_early = false;  // dclr fell while the request was still up
  };
  std::vector<Req> reqs;
  enum { IDLE, REQ, WAIT_LOW } st = IDLE;
  unsigned seen = 0;
  void set(DmacCore<Vdmac_top>& c, bool on) {
    c.set_dreq(line, on && form == Burst, on && form == Single, on && form == LastBurst, on && form == LastSingle);
  }
  void tick(DmacCore<Vdmac_top>& c, uint64_t e) {
    const bool clr = c.dclr(line);
    if (c.dtc(line) && !reqs.empty()) reqs.back().dtc++;
    switch (st) {
      case IDLE:
        if (allowed) {
          --allowed;
          set(c, true);
          reqs.push_back({e});
          st = REQ;
        }
        break;
      case REQ:
        if (clr) {
          if (!reqs.back().clr) reqs.back().clr = e;
          if (seen++ >= hold) {
            set(c, false);
            reqs.back().dropped = e;
            seen = 0;
            st = WAIT_LOW;
          }
        } else if (reqs.back().clr) {
          reqs.back().clr_dropped_early = true;
        }
        break;
      case WAIT_LOW:
        if (!clr) st = IDLE;
        break;
    }
  }
};

}  // namespace

// Spec, Peripheral flow: on dreq_burst the channel moves min(BURST+1,
// remaining) beats, on dreq_single one beat; dclr comes after the last beat of
// the request completed (its write response received) and is held until the
// peripheral drops the request; dtc pulses for one cycle together with dclr
// when the request finished the descriptor; dreq_last_* act like the non-last
// forms; STATUS.WAIT_REQ while waiting. Bursts: the fixed side uses FIXED
// bursts at the exact address with AxSIZE = WIDTH, the incrementing side INCR
// bursts of full-width beats from the beat-aligned address.
TEST(DmacSpecRules, PeripheralRequestsBeatsDclrDtcAndBurstShapes) {
  for (bool to_periph : {true, false}) {
    for (auto form : {ReqDriver::Burst, ReqDriver::Single, ReqDriver::LastBurst, ReqDriver::LastSingle}) {
      const bool single = form == ReqDriver::Single || form == ReqDriver::LastSingle;
      SCOPED_TRACE(std::string(to_periph ? "MEM2PER" : "PER2MEM") + " form " + std::to_string(int(form)));
      DmacBench b({.seed = 12, .random_latency = false, .first_lat = 5, .per_lat = 1, .ready_prob = 0.8});
      b.mem().set_write_extra_latency(7);
      PinWatch pw;
      ReqDriver rd;
      rd.line = 9;
      rd.form = form;
      rd.hold = 2;
      rd.allowed = 2;  // then the channel must wait (WAIT_REQ) until more are allowed
      pw.also = [&](uint64_t e) { rd.tick(b.core(), e); };
      pw.attach(b);
      const unsigned width = 1, beats = 5;          // 2-byte beats, 5 per burst request
      const uint32_t len = 2 * (beats * 3 + 3);     // 3 full requests + one capped at 3 beats
      const uint32_t mem = to_periph ? kS + 3 : kT + 5;  // any byte alignment on the incrementing side
      std::vector<uint8_t> supply;
      if (to_periph) {
        b.fill_random(mem, len, 7);
      } else {
        for (uint32_t i = 0; i < len; ++i) supply.push_back(uint8_t(0x30 + 5 * i));
      }
      b.add_fifo(kFifo, supply);
      const uint32_t ctrl = (to_periph ? DC_SRC_INC | dc_flow(MEM2PER) : DC_DST_INC | dc_flow(PER2MEM)) |
                            dc_width(width) | dc_burst(beats - 1) | dc_req(rd.line);
      b.write_desc(kD, {to_periph ? mem : kFifo, to_periph ? kFifo : mem, 0, len, ctrl | DC_IRQ});
      b.start(2, kD);
      ASSERT_TRUE(b.run_until([&] { return rd.allowed == 0 && rd.st == ReqDriver::IDLE; }, 20000, "two requests"));
      b.step(20);
      const uint32_t st = b.chrd(2, STATUS);
      EXPECT_EQ(st, uint32_t(ST_ACTIVE | STATUS_WAIT_REQ)) << "STATUS=0x" << std::hex << st;
      rd.allowed = UINT64_MAX;
      ASSERT_TRUE(b.run_until_idle(50000));
      b.check();
      // Beats per request: sum of the FIFO-side bursts issued between the
      // request and its dclr.
      const unsigned total_beats = len >> width;
      const std::vector<AxHs>& fifo_side = to_periph ? pw.aw : pw.ar;
      unsigned done = 0;
      // The request raised after the descriptor finished is never answered.
      ASSERT_FALSE(rd.reqs.empty());
      if (rd.reqs.back().clr == 0) rd.reqs.pop_back();
      ASSERT_EQ(rd.reqs.size(), single ? total_beats : (total_beats + beats - 1) / beats);
      for (size_t i = 0; i < rd.reqs.size(); ++i) {
        SCOPED_TRACE("request " + std::to_string(i));
        const auto& q = rd.reqs[i];
        unsigned n = 0;
        for (auto& a : fifo_side)
          if (a.addr == kFifo && a.edge > q.raised && a.edge <= q.clr) n += a.len + 1u;
        const unsigned want = single ? 1 : std::min(beats, total_beats - done);
        EXPECT_EQ(n, want) << "beats moved for this request";
        done += n;
        // dclr only once every write of the request has its response.
        unsigned aws = 0, bs = 0;
        for (auto& a : pw.aw) aws += a.edge < q.clr;
        for (auto& x : pw.b) bs += x.edge < q.clr;
        EXPECT_EQ(aws, bs) << "dclr raised with a write response outstanding";
        EXPECT_FALSE(q.clr_dropped_early) << "dclr dropped while the request was still up";
        EXPECT_EQ(q.dtc, i + 1 == rd.reqs.size() ? 1u : 0u) << "dtc only with the request that ends the descriptor";
      }
      EXPECT_EQ(pw.dtc.size(), 1u) << "dtc is a one-cycle pulse";
      EXPECT_EQ(pw.dtc_without_dclr, 0u) << "dtc without dclr";
      // Burst shapes.
      for (auto* v : {&pw.ar, &pw.aw})
        for (auto& a : *v) {
          if (a.addr == kFifo) {
            EXPECT_EQ(a.burst, 0u) << "fixed side: FIXED burst";
            EXPECT_EQ(a.size, width) << "fixed side: AxSIZE = WIDTH";
          } else if (a.addr >= kS) {
            EXPECT_EQ(a.burst, 1u) << "incrementing side: INCR burst";
            EXPECT_EQ(a.size, 3u) << "incrementing side: full-width beats";
            EXPECT_EQ(a.addr % 8, 0u) << "incrementing side: beat-aligned address 0x" << std::hex << a.addr;
          }
        }
      EXPECT_EQ(pw.null_strobe_beats(), 0u);
    }
  }
}

// Spec, Implementation notes / Bursts, memory to memory with a fixed side of
// every WIDTH: the fixed side's bursts are FIXED at the exact address with
// AxSIZE = WIDTH, the incrementing side's INCR, full width, beat-aligned.
TEST(DmacSpecRules, FixedAndIncrementingBurstShapesMemoryToMemory) {
  for (unsigned width = 0; width <= 3; ++width)
    for (bool fixed_src : {true, false}) {
      SCOPED_TRACE("WIDTH " + std::to_string(width) + (fixed_src ? " fixed source" : " fixed destination"));
      DmacBench b;
      PinWatch pw;
      pw.attach(b);
      const uint32_t w = 1u << width, len = 40 * w;
      const uint32_t fixed = (fixed_src ? kS : kT) + 0x800 + 3 * w;
      const uint32_t inc = (fixed_src ? kT : kS) + 0x100 + 5;
      b.fill_random(fixed_src ? fixed : inc, fixed_src ? w : len, 20 + width);
      b.write_desc(kD, {fixed_src ? fixed : inc, fixed_src ? inc : fixed, 0, len,
                        dc_width(width) | (fixed_src ? DC_DST_INC : DC_SRC_INC)});
      b.start(1, kD);
      ASSERT_TRUE(b.run_until_idle(20000));
      b.check();
      unsigned fixed_bursts = 0;
      for (auto* v : {&pw.ar, &pw.aw})
        for (auto& a : *v) {
          if (a.addr == kD) continue;  // descriptor fetch
          if (a.addr == fixed) {
            ++fixed_bursts;
            EXPECT_EQ(a.burst, 0u);
            EXPECT_EQ(a.size, width);
          } else {
            EXPECT_EQ(a.burst, 1u) << std::hex << a.addr;
            EXPECT_EQ(a.size, 3u);
            EXPECT_EQ(a.addr % 8, 0u);
          }
        }
      EXPECT_GT(fixed_bursts, 0u) << "no burst at the fixed address";
    }
}

// Spec, Implementation notes / Write-back: one full-width beat at the beat
// holding desc+0x14, WSTRB covering exactly the 4 status bytes, issued after
// the descriptor's data writes completed and before its TC.
TEST(DmacSpecRules, WriteBackIsOneBeatAfterTheDataBeforeTheTc) {
  DmacBench b({.seed = 13, .random_latency = false, .first_lat = 6, .per_lat = 1});
  b.mem().set_write_extra_latency(20);
  PinWatch pw;
  pw.attach(b);
  const uint32_t len0 = 700, len1 = 300;
  b.fill_random(kS, len0, 1);
  b.fill_random(kS + 0x1000, len1, 2);
  b.write_desc(kD, {kS, kT + 1, kD + 32, len0, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.write_desc(kD + 32, {kS + 0x1000, kT + 0x1003, 0, len1, DC_SRC_INC | DC_DST_INC});
  b.start(3, kD, /*wb_en=*/true);
  EXPECT_EQ(b.chwr(3, IRQ_MASK, IRQ_TC), AXI_OKAY);
  // Service the first TC so the second (end of chain) gives a new irq edge.
  ASSERT_TRUE(b.run_until([&] { return b.core().irq(); }, 50000, "first TC"));
  EXPECT_EQ(b.chwr(3, IRQ_STATUS, IRQ_TC), AXI_OKAY);
  ASSERT_TRUE(b.run_until_idle(50000));
  b.step(10);
  b.check();
  ASSERT_EQ(pw.irq_rise.size(), 2u);
  // Map W beats to AWs (AW order) and B responses to AWs (one channel: AW order).
  ASSERT_EQ(pw.b.size(), pw.aw.size());
  size_t wi = 0;
  for (unsigned k = 0; k < 2; ++k) {
    SCOPED_TRACE("descriptor " + std::to_string(k));
    const uint32_t desc = kD + 32 * k, dst_lo = kT + (k ? 0x1003 : 1), dst_hi = dst_lo + (k ? len1 : len0);
    size_t wb = SIZE_MAX;
    uint64_t last_data_b = 0;
    for (size_t a = 0; a < pw.aw.size(); ++a) {
      if (pw.aw[a].addr == desc + 0x10) wb = a;
      if (pw.aw[a].addr + 128 > dst_lo && pw.aw[a].addr < dst_hi) last_data_b = std::max(last_data_b, pw.b[a].edge);
    }
    ASSERT_NE(wb, SIZE_MAX) << "no write-back burst at the beat holding desc+0x14";
    EXPECT_EQ(pw.aw[wb].len, 0u) << "one beat";
    EXPECT_EQ(pw.aw[wb].size, 3u) << "full width";
    EXPECT_EQ(pw.aw[wb].burst, 1u);
    wi = 0;
    for (size_t a = 0; a < wb; ++a) wi += pw.aw[a].len + 1u;
    ASSERT_LT(wi, pw.w.size());
    EXPECT_EQ(pw.w[wi].strb, 0xF0u) << "WSTRB must cover exactly the status bytes 0x14-0x17";
    EXPECT_GT(pw.aw[wb].edge, last_data_b) << "write-back issued before the data's write responses";
    EXPECT_GT(pw.irq_rise[k], pw.b[wb].edge) << "TC raised before the write-back completed";
  }
  EXPECT_EQ(b.mem().bytes().get32(kD + D_STATUS), 0x80000000u | len0);
  EXPECT_EQ(b.mem().bytes().get32(kD + 32 + D_STATUS), 0x80000000u | len1);
}

// Spec, Implementation notes / Outstanding reads: at most MAX_OUTSTANDING (12)
// read bursts in flight over the whole controller, descriptor fetches
// included. Eight channels start at once under a long read latency: the
// count seen on the pins reaches 12, with descriptor fetches among them, and
// never exceeds it.
TEST(DmacSpecRules, ReadsInFlightReachButNeverExceedMaxOutstanding) {
  constexpr int kMaxOutstanding = 12;
  DmacBench b({.seed = 14, .random_latency = false, .first_lat = 80, .per_lat = 1});
  PinWatch pw;
  pw.attach(b);
  for (unsigned ch = 0; ch < 8; ++ch) {
    const uint32_t s = kS + ch * 0x8000, t = kT + ch * 0x8000;
    b.fill_random(s, 4096, ch);
    b.write_desc(kD + 64 * ch, {s, t, kD + 64 * ch + 32, 2048, DC_SRC_INC | DC_DST_INC});
    b.write_desc(kD + 64 * ch + 32, {s + 2048, t + 2048, 0, 2048, DC_SRC_INC | DC_DST_INC});
  }
  for (unsigned ch = 0; ch < 8; ++ch) b.start(ch, kD + 64 * ch);
  ASSERT_TRUE(b.run_until_idle(400000));
  b.check();
  // In flight: from the AR handshake to RLAST, per ID in AR order (the
  // RLAST of an ID ends its oldest read).
  std::map<uint8_t, std::vector<bool>> q;  // per ID: is each outstanding read a descriptor fetch
  int inflight = 0, max_inflight = 0, desc_inflight = 0, desc_at_max = 0;
  for (size_t ai = 0, ri = 0; ai < pw.ar.size() || ri < pw.r.size();) {
    if (ai < pw.ar.size() && (ri >= pw.r.size() || pw.ar[ai].edge <= pw.r[ri].edge)) {
      const bool is_desc = pw.ar[ai].addr < kS;
      q[pw.ar[ai].id].push_back(is_desc);
      ++inflight;
      desc_inflight += is_desc;
      ++ai;
      max_inflight = std::max(max_inflight, inflight);
      if (inflight == kMaxOutstanding && desc_inflight > 0) ++desc_at_max;
    } else {
      const RBeat& r = pw.r[ri++];
      if (!r.last) continue;
      auto& v = q[r.id];
      ASSERT_FALSE(v.empty()) << "RLAST without a read";
      desc_inflight -= v.front();
      v.erase(v.begin());
      --inflight;
    }
  }
  EXPECT_EQ(max_inflight, kMaxOutstanding) << "read bursts in flight";
  EXPECT_GT(desc_at_max, 0) << "never " << kMaxOutstanding << " in flight with a descriptor fetch among them";
  EXPECT_EQ(b.core().mem_port().stats().max_reads_outstanding, unsigned(kMaxOutstanding));
}

// Spec, Implementation notes / Descriptor read-ahead: up to 16 descriptors of
// a channel retire (wait for their write responses) while a later one issues;
// the next one starts only when the oldest has retired. A contiguous chain of
// 64 B descriptors (one read and one write burst each) under slow write
// responses: counted on the pins, the descriptors whose data read was issued
// and whose write response has not arrived reach 17 (16 retiring and the one
// that has issued everything and waits for room) and never exceed it.
TEST(DmacSpecRules, RetiringDescriptorsReachButNeverExceedRetireDepth) {
  constexpr int kRetiring = 16;
  DmacBench b({.seed = 16, .random_latency = false, .first_lat = 4, .per_lat = 1});
  b.mem().set_write_extra_latency(1500);
  PinWatch pw;
  pw.attach(b);
  constexpr uint32_t kN = 24;
  for (uint32_t i = 0; i < kN; ++i) {
    b.fill_random(kS + i * 64, 64, 60 + i);
    b.write_desc(kD + i * 32, {kS + i * 64, kT + i * 64, i + 1 < kN ? kD + (i + 1) * 32 : 0, 64, DC_SRC_INC | DC_DST_INC});
  }
  b.start(0, kD);
  ASSERT_TRUE(b.run_until_idle(400000));
  b.check();
  ASSERT_EQ(pw.b.size(), size_t(kN)) << "one write burst per descriptor";
  // Data reads (at kS and above) and write responses, in edge order (a B
  // and an AR at one edge: the B first, the descriptor has left).
  int open = 0, max_open = 0;
  for (size_t ai = 0, bi = 0; ai < pw.ar.size() || bi < pw.b.size();) {
    if (bi < pw.b.size() && (ai >= pw.ar.size() || pw.b[bi].edge <= pw.ar[ai].edge)) {
      --open;
      ++bi;
    } else {
      if (pw.ar[ai].addr >= kS) max_open = std::max(max_open, ++open);
      ++ai;
    }
  }
  EXPECT_EQ(max_open, kRetiring + 1) << "descriptors with data issued and no write response";
}

// Spec, quiescent: 1 only when nothing can change without an input change;
// conservative: 0 while an AXI-Lite valid input is high, while any channel is
// in a state other than IDLE, ERROR, PAUSED (with PAUSE still 1) or waiting for
// a request line that is low. While it is 1 and no input changes, clocking
// changes no state.
TEST(DmacSpecRules, QuiescentIsConservative) {
  DmacBench b({.seed = 15, .random_latency = false, .first_lat = 10, .per_lat = 1});
  PinWatch pw;
  pw.attach(b);
  EXPECT_TRUE(b.core().quiescent()) << "after reset";
  // A register access in progress.
  b.core().start_read_reg(ID);
  unsigned access_cycles = 0;
  while (!b.core().reg_access_done()) {
    EXPECT_FALSE(b.core().quiescent()) << "quiescent during a register access";
    b.step();
    ++access_cycles;
  }
  EXPECT_GT(access_cycles, 0u);
  // A memory-to-memory transfer: 0 in every cycle until it is IDLE.
  b.fill_random(kS, 3000, 1);
  b.write_desc(kD, {kS, kT, 0, 3000, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.start(0, kD);
  unsigned active_cycles = 0;
  while (!b.core().irq()) {
    EXPECT_FALSE(b.core().quiescent()) << "quiescent while a copy is ACTIVE (cycle " << active_cycles << ")";
    b.step();
    ASSERT_LT(++active_cycles, 100000u);
  }
  b.step(5);
  EXPECT_TRUE(b.core().quiescent()) << "IDLE with its TC pending";
  // PAUSED with PAUSE = 1: quiescent; clearing PAUSE: not quiescent again.
  b.write_desc(kD + 32, {kS, kT + 0x2000, 0, 3000, DC_SRC_INC | DC_DST_INC});
  EXPECT_EQ(b.chwr(0, DOORBELL, kD + 32), AXI_OKAY);
  b.step(100);
  EXPECT_EQ(b.chwr(0, CTRL, CTRL_PAUSE), AXI_OKAY);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(0, STATUS)) == ST_PAUSED; }, 5000, "PAUSED"));
  b.step(2);
  EXPECT_TRUE(b.core().quiescent()) << "PAUSED with PAUSE = 1";
  const size_t ar = pw.ar.size(), aw = pw.aw.size();
  const uint32_t rem = b.chrd(0, REMAINING);
  b.step(500);
  EXPECT_EQ(pw.ar.size(), ar);
  EXPECT_EQ(pw.aw.size(), aw);
  EXPECT_EQ(b.chrd(0, REMAINING), rem);
  write_reg(b, ch_reg(0, CTRL), 0);
  EXPECT_FALSE(b.core().quiescent()) << "PAUSED with PAUSE cleared (resuming)";
  ASSERT_TRUE(b.run_until_idle(50000));
  // Waiting for a request line that is low: quiescent; the line rises: not.
  b.add_fifo(kFifo);
  b.write_desc(kD + 64, {kS, kFifo, 0, 64, DC_SRC_INC | dc_flow(MEM2PER) | dc_width(2) | dc_burst(3) | dc_req(4)});
  EXPECT_EQ(b.chwr(0, DOORBELL, kD + 64), AXI_OKAY);
  b.step(100);
  ASSERT_EQ(b.chrd(0, STATUS), uint32_t(ST_ACTIVE | STATUS_WAIT_REQ));
  b.step(2);
  EXPECT_TRUE(b.core().quiescent()) << "waiting for a low request line";
  const uint32_t cur = b.chrd(0, CUR_DESC), rem2 = b.chrd(0, REMAINING);
  const size_t ar2 = pw.ar.size();
  b.step(500);
  EXPECT_EQ(pw.ar.size(), ar2);
  EXPECT_EQ(b.chrd(0, CUR_DESC), cur);
  EXPECT_EQ(b.chrd(0, REMAINING), rem2);
  EXPECT_EQ(b.chrd(0, STATUS), uint32_t(ST_ACTIVE | STATUS_WAIT_REQ));
  b.step(2);
  b.core().set_dreq(4, true, false);
  b.core().apply_inputs_now();
  EXPECT_FALSE(b.core().quiescent()) << "a request line rose while waiting";
  b.core().set_dreq(4, false, false);
  b.core().apply_inputs_now();
  // ERROR: quiescent.
  EXPECT_EQ(b.chwr(0, CTRL, CTRL_ABORT), AXI_OKAY);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(0, STATUS)) == ST_IDLE; }, 5000, "IDLE"));
  EXPECT_EQ(b.chwr(0, DOORBELL, kD + 4), AXI_OKAY);  // misaligned head: ERROR at once
  b.step(3);
  EXPECT_EQ(state_of(b.chrd(0, STATUS)), ST_ERROR);
  b.step(2);
  EXPECT_TRUE(b.core().quiescent()) << "ERROR";
}

// ------------------------------------------------------- descriptor prefetch
// Spec, "Descriptor prefetch". A chain of `n` 64-byte copies whose descriptors
// sit at `addr(i)`; returns the descriptor reads seen at the pins (AR at a
// descriptor address, in `pw`).
namespace prefetch {

constexpr uint32_t kLen = 64;

void write_chain(DmacBench& b, const std::vector<uint32_t>& at, uint32_t src, uint32_t dst, uint32_t seed,
                 uint32_t len = kLen) {
  for (size_t i = 0; i < at.size(); ++i) {
    b.fill_random(src + i * len, len, seed + unsigned(i));
    b.write_desc(at[i], {uint32_t(src + i * len), uint32_t(dst + i * len), i + 1 < at.size() ? at[i + 1] : 0, len,
                         DC_SRC_INC | DC_DST_INC});
  }
}

// Descriptor reads at the pins: ARs inside [kD, kD + 64 KiB).
std::vector<AxHs> desc_reads(const PinWatch& pw) {
  std::vector<AxHs> out;
  for (auto& a : pw.ar)
    if (a.addr >= kD && a.addr < kD + 0x10000) out.push_back(a);
  return out;
}

}  // namespace prefetch

// A contiguous chain is read 4 descriptors per burst (the first one alone);
// the same chain with gaps between its descriptors is read one at a time
// (nothing speculative where the chain is not contiguous).
TEST(DmacSpecRules, ContiguousDescriptorsArePrefetchedInBursts) {
  for (const bool contiguous : {true, false}) {
    SCOPED_TRACE(contiguous ? "contiguous" : "64-byte stride");
    DmacBench b({.seed = 21, .random_latency = false, .first_lat = 20, .per_lat = 1});
    PinWatch pw;
    pw.attach(b);
    std::vector<uint32_t> at;
    for (uint32_t i = 0; i < 16; ++i) at.push_back(kD + i * (contiguous ? 32 : 64));
    prefetch::write_chain(b, at, kS, kT, 5);
    b.start(2, kD);
    ASSERT_TRUE(b.run_until_idle(100000));
    b.check();
    EXPECT_EQ(b.chrd(2, TC_COUNT), 1u);
    const auto reads = prefetch::desc_reads(pw);
    ASSERT_FALSE(reads.empty());
    EXPECT_EQ(reads[0].addr, kD);
    EXPECT_EQ(reads[0].len, 3u) << "the chain's first descriptor is read on its own (32 B)";
    size_t bursts = 0;
    for (auto& a : reads) bursts += a.len == 15;
    if (contiguous) {
      EXPECT_GE(bursts, 3u) << "contiguous descriptors not read 4 per burst";
      // The first alone, then bursts of 4 up to 16 ahead of the last but one
      // (the last prefetches nothing): descriptors 1..30 at most.
      EXPECT_LE(reads.size(), 9u);
    } else {
      EXPECT_EQ(bursts, 0u);
      EXPECT_EQ(reads.size(), at.size()) << "every descriptor read once, on its own";
    }
  }
}

// Prefetch depth: while the current descriptor's LEN is at most 128 bytes the
// buffer fills up to 16 descriptors ahead of it, else up to 8. Counted at the
// pins at L = 100 (slow enough for either depth to fill): each descriptor
// read's last descriptor minus the descriptor of the latest data read before
// it. That data read is the current descriptor's or, before its first one,
// its predecessor's: a depth of N shows as at most N + 1.
TEST(DmacSpecRules, PrefetchGoesDeeperOnlyForShortDescriptors) {
  for (const uint32_t len : {64u, 128u, 256u}) {
    SCOPED_TRACE("LEN " + std::to_string(len));
    DmacBench b({.seed = 24, .random_latency = false, .first_lat = 100, .per_lat = 1});
    PinWatch pw;
    pw.attach(b);
    constexpr uint32_t kN = 48;
    std::vector<uint32_t> at;
    for (uint32_t i = 0; i < kN; ++i) at.push_back(kD + i * 32);
    prefetch::write_chain(b, at, kS, kT, 13, len);
    b.start(3, kD);
    ASSERT_TRUE(b.run_until_idle(200000));
    b.check();
    EXPECT_EQ(b.chrd(3, TC_COUNT), 1u);
    int64_t cur = -1, max_ahead = 0;
    for (const AxHs& a : pw.ar) {
      if (a.addr >= kS && a.addr < kS + kN * len) {
        cur = (a.addr - kS) / len;
      } else if (a.addr >= kD && a.addr < kD + 0x10000) {
        const int64_t last = (int64_t(a.addr - kD) + (a.len + 1) * 8) / 32 - 1;
        max_ahead = std::max(max_ahead, last - cur);
      }
    }
    if (len <= 128) {
      EXPECT_GE(max_ahead, 12) << "a short chain's prefetch stayed within 8 descriptors";
      EXPECT_LE(max_ahead, 17) << "prefetch beyond its 16-descriptor buffer";
    } else {
      EXPECT_LE(max_ahead, 9) << "a long chain's prefetch went beyond 8 descriptors";
      EXPECT_GE(max_ahead, 8) << "the 8-descriptor depth was not reached: the case was not exercised";
    }
  }
}

// A prefetch burst never crosses a 4 KiB boundary: it reads 4 descriptors,
// or those left below the boundary, and the next burst starts there. (The
// read engine would split a crossing burst into two ARs; the channel must not
// ask for one: the part after the boundary would be a short burst, and a
// split read holds back every grant until its second AR goes out.) The chain
// below starts 7 descriptors before a boundary and runs 16 past it.
TEST(DmacSpecRules, PrefetchBurstsStopAtA4KiBBoundary) {
  DmacBench b({.seed = 25, .random_latency = false, .first_lat = 20, .per_lat = 1});
  PinWatch pw;
  pw.attach(b);
  constexpr uint32_t kPage = kD + 0x1000;
  std::vector<uint32_t> at;
  for (uint32_t i = 0; i < 23; ++i) at.push_back(kPage - 7 * 32 + i * 32);
  prefetch::write_chain(b, at, kS, kT, 17, 64);
  b.start(2, at[0]);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();
  EXPECT_EQ(b.chrd(2, TC_COUNT), 1u);
  const auto reads = prefetch::desc_reads(pw);
  ASSERT_GE(reads.size(), 3u);
  EXPECT_EQ(reads[0].addr, at[0]);
  EXPECT_EQ(reads[0].len, 3u) << "the chain's first descriptor is read on its own (32 B)";
  bool cut = false, from_boundary = false;
  for (size_t i = 1; i < reads.size(); ++i) {
    const uint32_t descs = (uint32_t(reads[i].len) + 1) * 8 / 32;
    const uint32_t room = (0x1000 - (reads[i].addr & 0xfff)) / 32;
    EXPECT_EQ(descs, std::min(4u, room))
        << "a prefetch burst of 4 descriptors, cut only at 4 KiB: read at 0x" << std::hex << reads[i].addr;
    cut |= room < 4;
    from_boundary |= reads[i].addr == kPage;
  }
  EXPECT_TRUE(cut) << "no burst met the boundary: the case was not exercised";
  EXPECT_TRUE(from_boundary) << "no burst started at the boundary";
}

// A descriptor in the prefetch buffer is used only if the chain reaches it:
// the chain below jumps over decoys sitting right after its descriptors (they
// are read by the prefetch but must never run: the guard check fails on any
// write to their destination), and a prefetched descriptor's bus error beyond
// the end of the chain is not reported.
TEST(DmacSpecRules, PrefetchedDescriptorsAreUsedOnlyWhereTheChainGoes) {
  DmacBench b({.seed = 22, .random_latency = false, .first_lat = 12, .per_lat = 1});
  PinWatch pw;
  pw.attach(b);
  constexpr uint32_t kDecoyDst = 0x80700000;
  // Chain: 0, 1, 2, 3, 4, then 9, 10, 11 (end). 5..8 are decoys, 12..15 an error.
  std::vector<uint32_t> at;
  for (uint32_t i : {0u, 1u, 2u, 3u, 4u, 9u, 10u, 11u}) at.push_back(kD + i * 32);
  prefetch::write_chain(b, at, kS, kT, 7);
  for (uint32_t i = 5; i <= 8; ++i)
    b.write_desc(kD + i * 32, {kS, kDecoyDst + i * 64, kD + (i + 1) * 32, 64, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.add_error_region({{kD + 12 * 32, kD + 16 * 32}, AXI_SLVERR, true, false});
  b.start(4, kD);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();   // golden: the chain as linked, nothing written at kDecoyDst, no error
  EXPECT_EQ(state_of(b.chrd(4, STATUS)), ST_IDLE);
  EXPECT_EQ(b.chrd(4, TC_COUNT), 1u);
  // The case was exercised: a decoy and the error region were read.
  bool decoy_read = false, error_read = false;
  for (auto& a : prefetch::desc_reads(pw)) {
    const uint32_t end = a.addr + (uint32_t(a.len) + 1) * 8;
    decoy_read |= a.addr < kD + 9 * 32 && end > kD + 5 * 32;
    error_read |= end > kD + 12 * 32;
  }
  EXPECT_TRUE(decoy_read) << "no decoy was prefetched: the case was not exercised";
  EXPECT_TRUE(error_read) << "the error region beyond the chain was not prefetched";
}

// Coherence rule (1): nothing read before a doorbell is used after it. Run 1
// prefetches descriptors beyond its end (decoys); software then rewrites them,
// links them and rings again: run 2 must copy with the new contents.
TEST(DmacSpecRules, DescriptorsRewrittenWhileIdleAreReadAgain) {
  DmacBench b({.seed = 23, .random_latency = false, .first_lat = 8, .per_lat = 1});
  PinWatch pw;
  pw.attach(b);
  constexpr uint32_t kDecoyDst = 0x80700000;
  prefetch::write_chain(b, {kD, kD + 32}, kS, kT, 9);
  for (uint32_t i = 2; i < 6; ++i)
    b.write_desc(kD + i * 32, {kS, kDecoyDst + i * 64, 0, 64, DC_SRC_INC | DC_DST_INC});
  b.start(1, kD);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();
  bool beyond = false;
  for (auto& a : prefetch::desc_reads(pw)) beyond |= a.addr + (uint32_t(a.len) + 1) * 8 > kD + 64;
  ASSERT_TRUE(beyond) << "run 1 did not prefetch beyond its end: the case was not exercised";
  // Run 2: kD+32 -> kD+64 -> kD+96 with new contents.
  b.rearm();
  prefetch::write_chain(b, {kD + 32, kD + 64, kD + 96}, kS + 0x1000, kT + 0x1000, 11);
  b.start(1, kD + 32);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();   // golden: the new descriptors; any write at kDecoyDst fails the guard check
  EXPECT_EQ(written_prefix(b, kS + 0x1000, kT + 0x1000, 192), 192);
}
}  // namespace test_dmac_spec_rules
