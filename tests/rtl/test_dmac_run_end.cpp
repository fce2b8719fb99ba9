// Spec, "The end of a run and the doorbell" (docs/dmac-spec.md): a run's last
// event is registered at the clock edge the channel enters the state it ends
// in. The TC of the descriptor whose NEXT is 0 comes with STATE = IDLE,
// IRQ_RAW.ABORT with IDLE, IRQ_RAW.ERR with ERROR; no event follows the
// return to IDLE/ERROR, and no return to IDLE/ERROR comes without its event.
// The dmaengine driver relies on it: one STATUS read before a doorbell, no
// polling (driver/dmaengine/dmacosim-dmac.cpp, dmac_start_next).
//
// A recorder samples, at every clock edge, what a register read at that edge
// returns: STATUS.STATE and IRQ_RAW per channel (the channel block's status
// registers that feed the register block) and the channel's TC counter
// (TC_COUNT).
// Those are internal signals of the plain Verilated model, named by its
// layout, so this file lives in test_dmac_plain (tests/rtl/CMakeLists.txt),
// like test_dmac_preset.cpp. After each run the recorder's values are compared
// with the registers read through the bus (the probe reads what software
// reads). The checker is a pure function of the recorded edges; the negative
// controls feed it the same recording with one column moved by one clock (a
// channel that returned to IDLE one clock after its last TC, or the reverse)
// and expect it to flag every end of a run.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "Vdmac_top___024root.h"
#include "dmac_bench.h"
#include "models/log.h"

#ifdef DMACOSIM_COVERAGE
#error "test_dmac_run_end.cpp needs the plain model (test_dmac_plain)"
#endif

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_run_end {

namespace {

constexpr unsigned kCh = DmacBench::kNumCh;
constexpr uint32_t kAllIrq = IRQ_TC | IRQ_ERR | IRQ_ABORT;

using Root = Vdmac_top___024root;
// The channels' TC counters: one packed vector, channel c in word c.
uint32_t tc_count_q(Root* r, unsigned c) { return r->platform_top__DOT__u_dmac__DOT__u_ch__DOT__tc_count_q[c]; }
// STATUS.STATE and IRQ_RAW as the channel block holds them for the register
// block: vectors packed per channel (2 and 3 bits).
uint32_t state_bus(Root* r, unsigned c) { return (r->platform_top__DOT__u_dmac__DOT__u_ch__DOT__vis_q >> (2 * c)) & 3u; }
uint32_t irq_raw_bus(Root* r, unsigned c) { return (r->platform_top__DOT__u_dmac__DOT__u_ch__DOT__irq_raw_q >> (3 * c)) & 7u; }

// One column of a channel's recording: (edge, value) at every change.
using Column = std::vector<std::pair<uint64_t, uint32_t>>;

struct ChannelTrace {
  Column state, raw, tc;
  // Runs: the edge from which a run's events count (its doorbell write was
  // started then) and how many TCs its chain gives when it runs to its end
  // (descriptors with CTRL.IRQ or NEXT = 0; 0 for a ring, which has no end).
  std::vector<std::pair<uint64_t, uint32_t>> runs;
  std::vector<uint64_t> irq_low_edges;  // edges after which the irq pin was low
};

struct Trace {
  ChannelTrace ch[kCh];
};

// Samples every channel after every clock edge (chained after the bench's
// own per-cycle hook, which it leaves as it was).
struct Recorder {
  Trace t;
  uint32_t last_state[kCh], last_raw[kCh], last_tc[kCh];
  DmacBench* b = nullptr;

  explicit Recorder(DmacBench& bench) : b(&bench) {
    for (unsigned c = 0; c < kCh; ++c) {
      last_state[c] = ST_IDLE;
      last_raw[c] = 0;
      last_tc[c] = 0;
    }
    auto prev = bench.core().on_cycle;
    bench.core().on_cycle = [this, prev](uint64_t cycle) {
      sample(cycle);  // the values right after this edge, before the hook drives new inputs
      if (prev) prev(cycle);
    };
  }
  void sample(uint64_t edge) {
    Root* r = b->dut().rootp;
    for (unsigned c = 0; c < kCh; ++c) {
      const uint32_t st = state_bus(r, c);
      const uint32_t raw = irq_raw_bus(r, c);
      const uint32_t tc = tc_count_q(r, c);
      if (st != last_state[c]) t.ch[c].state.push_back({edge, last_state[c] = st});
      if (raw != last_raw[c]) t.ch[c].raw.push_back({edge, last_raw[c] = raw});
      if (tc != last_tc[c]) t.ch[c].tc.push_back({edge, last_tc[c] = tc});
    }
    if (!b->dut().irq) {
      for (unsigned c = 0; c < kCh; ++c)
        if (last_raw[c]) t.ch[c].irq_low_edges.push_back(edge);
    }
  }
  // The recorded values equal what software reads through the bus.
  void expect_matches_registers(unsigned c) {
    EXPECT_EQ(last_state[c], state_of(b->chrd(c, STATUS))) << "ch" << c << " recorded STATE vs STATUS";
    EXPECT_EQ(last_raw[c], b->chrd(c, IRQ_RAW)) << "ch" << c << " recorded IRQ_RAW vs the register";
    EXPECT_EQ(last_tc[c], b->chrd(c, TC_COUNT)) << "ch" << c << " recorded TC counter vs TC_COUNT";
  }
};

// What the checker found: the run ends it saw, and every broken rule.
struct Verdict {
  uint64_t end_tcs = 0, aborts = 0, errors = 0;
  uint64_t tcs_with_abort = 0;  // TCs raised at the end of an abort drain
  std::vector<std::string> violations;
};

bool idle_like(uint32_t st) { return st == ST_IDLE || st == ST_ERROR; }

const char* st_name(uint32_t st) {
  return st == ST_IDLE ? "IDLE" : st == ST_ACTIVE ? "ACTIVE" : st == ST_PAUSED ? "PAUSED" : "ERROR";
}

Column shifted(const Column& c, int64_t by) {
  Column o = c;
  for (auto& e : o) e.first = uint64_t(int64_t(e.first) + by);
  return o;
}

// The rules, per channel, edge by edge (prev = values before the edge, cur =
// after it):
//  R1 end-of-chain TC: the TC that brings a run's TC_COUNT to its chain's
//     TC total comes at the edge STATE goes from busy to IDLE;
//  R2 ABORT rises at an edge STATE becomes IDLE (from ACTIVE, PAUSED or ERROR);
//  R3 ERR rises at an edge STATE is ERROR;
//  R4 nothing after the end: no TC at an edge the channel was already
//     IDLE/ERROR before (nor an ABORT from IDLE: R2; a doorbell's misaligned
//     head gives ERR only);
//  R5 no end without its event: STATE busy -> IDLE brings a TC or ABORT at
//     that edge, busy -> ERROR an ERR.
//  R6 the irq pin is high after each of those events (IRQ_MASK enables all).
Verdict check_channel(unsigned c, const Column& state, const Column& raw, const Column& tc,
                      const std::vector<std::pair<uint64_t, uint32_t>>& runs,
                      const std::vector<uint64_t>& irq_low_edges) {
  Verdict v;
  std::vector<uint64_t> edges;
  for (const Column* col : {&state, &raw, &tc})
    for (auto& e : *col) edges.push_back(e.first);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  size_t is = 0, ir = 0, it = 0, irun = 0;
  uint32_t st = ST_IDLE, rw = 0, n = 0, flagged = 0;
  auto fail = [&](uint64_t e, const std::string& what) {
    if (v.violations.size() < 20) v.violations.push_back(strfmt("ch%u edge %llu: ", c, (unsigned long long)e) + what);
    else v.violations.push_back("");
  };
  for (uint64_t e : edges) {
    while (irun < runs.size() && runs[irun].first <= e) flagged = runs[irun++].second;
    const uint32_t pst = st, prw = rw, pn = n;
    while (is < state.size() && state[is].first == e) st = state[is++].second;
    while (ir < raw.size() && raw[ir].first == e) rw = raw[ir++].second;
    while (it < tc.size() && tc[it].first == e) n = tc[it++].second;
    const bool tc_event = n > pn;  // a doorbell clears the count: never an event
    const uint32_t rise = rw & ~prw;
    const bool irq_low = std::binary_search(irq_low_edges.begin(), irq_low_edges.end(), e);
    if (tc_event && flagged && n == flagged) {
      ++v.end_tcs;
      if (st != ST_IDLE || idle_like(pst))
        fail(e, strfmt("end-of-chain TC (TC_COUNT %u) with STATE %s -> %s", n, st_name(pst), st_name(st)));
      if (irq_low) fail(e, "end-of-chain TC with the irq pin low");
    }
    if (rise & IRQ_ABORT) {
      ++v.aborts;
      v.tcs_with_abort += tc_event;
      if (st != ST_IDLE || pst == ST_IDLE) fail(e, strfmt("ABORT with STATE %s -> %s", st_name(pst), st_name(st)));
      if (irq_low) fail(e, "ABORT with the irq pin low");
    }
    if (rise & IRQ_ERR) {
      ++v.errors;
      if (st != ST_ERROR) fail(e, strfmt("ERR with STATE %s -> %s", st_name(pst), st_name(st)));
      if (irq_low) fail(e, "ERR with the irq pin low");
    }
    if (idle_like(pst) && tc_event) fail(e, strfmt("TC (TC_COUNT %u) after the channel was %s", n, st_name(pst)));
    if (!idle_like(pst) && st == ST_IDLE && !tc_event && !(rise & IRQ_ABORT))
      fail(e, strfmt("STATE %s -> IDLE with neither TC nor ABORT", st_name(pst)));
    if (!idle_like(pst) && st == ST_ERROR && !(rise & IRQ_ERR))
      fail(e, strfmt("STATE %s -> ERROR without ERR", st_name(pst)));
  }
  return v;
}

// Which column to move by one clock (the negative controls).
enum class Skew { None, StateLate, TcLate };

Verdict check(const Trace& t, Skew skew = Skew::None) {
  Verdict all;
  for (unsigned c = 0; c < kCh; ++c) {
    const ChannelTrace& ct = t.ch[c];
    Column state = skew == Skew::StateLate ? shifted(ct.state, 1) : ct.state;
    Column tc = skew == Skew::TcLate ? shifted(ct.tc, 1) : ct.tc;
    Verdict v = check_channel(c, state, ct.raw, tc, ct.runs, ct.irq_low_edges);
    all.end_tcs += v.end_tcs;
    all.aborts += v.aborts;
    all.errors += v.errors;
    all.tcs_with_abort += v.tcs_with_abort;
    all.violations.insert(all.violations.end(), v.violations.begin(), v.violations.end());
  }
  return all;
}

// The counts, in the test's XML record (what the workload exercised).
void record(const char* what, const Verdict& v) {
  ::testing::Test::RecordProperty(std::string(what) + "_end_tcs", std::to_string(v.end_tcs));
  ::testing::Test::RecordProperty(std::string(what) + "_aborts", std::to_string(v.aborts));
  ::testing::Test::RecordProperty(std::string(what) + "_tcs_with_abort", std::to_string(v.tcs_with_abort));
  ::testing::Test::RecordProperty(std::string(what) + "_errors", std::to_string(v.errors));
  ::testing::Test::RecordProperty(std::string(what) + "_violations", std::to_string(v.violations.size()));
}

std::string first_violations(const Verdict& v) {
  std::string s;
  for (size_t i = 0; i < v.violations.size() && i < 8; ++i) s += "\n  " + v.violations[i];
  return s;
}

// ------------------------------------------------------------------ workloads
constexpr uint32_t kDesc = 0x80000000, kSrc = 0x80100000, kDst = 0x80800000, kFifo = 0x40020000;

struct World {
  DmacBench b;
  Recorder rec;
  std::mt19937_64 rng;
  explicit World(const BenchOptions& o) : b(o), rec(b), rng(o.seed) {}

  uint32_t rnd(uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); }

  // Rings `head` on `ch` with every IRQ_RAW bit cleared first, so each run's
  // events rise from 0; `flagged` = TCs of the chain run to its end.
  void ring(unsigned ch, uint32_t head, uint32_t flagged, bool wb_en = false, bool prio = false) {
    EXPECT_EQ(b.chwr(ch, IRQ_STATUS, kAllIrq), AXI_OKAY);
    rec.t.ch[ch].runs.push_back({b.core().cycle(), flagged});
    b.start(ch, head, wb_en, 0, prio);
  }
  // A chain of `lens` (ctrl per descriptor from `ctrl_of`) at `base`, 32-byte
  // slots `stride` apart; returns its TC total.
  template <class CtrlOf, class Addr>
  uint32_t chain(uint32_t base, uint32_t stride, const std::vector<uint32_t>& lens, CtrlOf ctrl_of, Addr addr) {
    uint32_t flagged = 0;
    for (size_t i = 0; i < lens.size(); ++i) {
      const bool last = i + 1 == lens.size();
      const uint32_t ctrl = ctrl_of(i);
      uint32_t src, dst;
      addr(i, &src, &dst);
      b.write_desc(base + uint32_t(i) * stride, {src, dst, last ? 0 : base + uint32_t(i + 1) * stride, lens[i], ctrl});
      flagged += (ctrl & DC_IRQ) || last;
    }
    return flagged;
  }
  bool wait_idle_like(unsigned ch, uint64_t max_cycles = 200000) {
    return b.run_until([&] { return idle_like(state_of(b.chrd(ch, STATUS))); }, max_cycles, "channel IDLE/ERROR");
  }
};

// Memory-to-memory chains on four channels at once: 1..10 descriptors,
// contiguous (prefetch, read-ahead hand-over) or scattered, random lengths,
// IRQ flags, WB_EN and PRIO, random memory latency and AXI backpressure.
void memcpy_rounds(World& w, unsigned rounds, uint64_t* tcs_expected) {
  for (unsigned round = 0; round < rounds; ++round) {
    std::vector<uint32_t> want(kCh, 0), head(kCh, 0);
    std::vector<bool> wb(kCh), prio(kCh);
    // Memory first (the golden model snapshots it at the first doorbell).
    for (unsigned ch = 0; ch < 4; ++ch) {
      const unsigned n = w.rnd(1, 10);
      const bool contiguous = w.rnd(0, 2) != 0;
      const uint32_t base = kDesc + ch * 0x10000 + round * 0x800;
      std::vector<uint32_t> lens;
      for (unsigned i = 0; i < n; ++i) lens.push_back(w.rnd(0, 3) ? w.rnd(1, 600) : w.rnd(600, 5000));
      const uint32_t irq_mask = w.rnd(0, 1023);
      uint32_t off = 0;
      std::vector<uint32_t> offs;
      for (uint32_t l : lens) {
        offs.push_back(off);
        off += l + w.rnd(0, 40);
      }
      const uint32_t src0 = kSrc + ch * 0x100000 + round * 0x10000, dst0 = kDst + ch * 0x100000 + round * 0x10000;
      w.b.fill_random(src0, off, round * 16 + ch);
      want[ch] = w.chain(
          base, contiguous ? 32 : 96, lens,
          [&](size_t i) { return DC_SRC_INC | DC_DST_INC | ((irq_mask >> i) & 1 ? DC_IRQ : 0); },
          [&](size_t i, uint32_t* s, uint32_t* d) {
            *s = src0 + offs[i];
            *d = dst0 + offs[i];
          });
      head[ch] = base;
      wb[ch] = w.rnd(0, 3) == 0;
      prio[ch] = w.rnd(0, 3) == 0;
    }
    for (unsigned ch = 0; ch < 4; ++ch) {
      w.ring(ch, head[ch], want[ch], wb[ch], prio[ch]);
      *tcs_expected += 1;
    }
    ASSERT_TRUE(w.b.run_until_idle());
    w.b.check();
    for (unsigned ch = 0; ch < 4; ++ch) {
      EXPECT_EQ(w.b.chrd(ch, TC_COUNT), want[ch]) << "round " << round << " ch" << ch;
      w.rec.expect_matches_registers(ch);
    }
    w.b.rearm();
  }
}

TEST(DmacRunEnd, MemoryChainsGiveTheirLastTcInTheClockOfIdle) {
  World w({.seed = 41, .random_latency = true, .first_max = 24, .per_max = 3, .ready_prob = 0.7});
  SCOPED_TRACE(w.b.seed_info());
  uint64_t runs = 0;
  memcpy_rounds(w, 12, &runs);
  const Verdict v = check(w.rec.t);
  record("run_end", v);
  EXPECT_TRUE(v.violations.empty()) << v.violations.size() << " violation(s):" << first_violations(v);
  EXPECT_EQ(v.end_tcs, runs) << "every run's end-of-chain TC was seen";
}

// Peripheral flows (MEM2PER and PER2MEM chains, one peripheral per request
// line, some slow to drop their request after dclr, some single requests),
// with and without WB_EN: the last TC waits for the last dclr handshake and
// comes with IDLE.
TEST(DmacRunEnd, PeripheralChainsGiveTheirLastTcInTheClockOfIdle) {
  World w({.seed = 43, .random_latency = true, .first_max = 12, .per_max = 2, .ready_prob = 0.8});
  SCOPED_TRACE(w.b.seed_info());
  std::vector<uint8_t> supply(1 << 18);
  for (size_t i = 0; i < supply.size(); ++i) supply[i] = uint8_t(i * 7 + 3);
  for (unsigned ch = 0; ch < 4; ++ch) {
    w.b.add_fifo(kFifo + ch * 0x100, supply);
    PeripheralModel pm;
    pm.line = ch;
    pm.to_periph = false;  // requests whenever idle (no FIFO room model): both directions
    pm.clr_drop_delay = ch;  // 0..3 cycles with the request still high after dclr
    pm.use_single = ch == 3;
    w.b.add_peripheral(pm);
  }
  uint64_t runs = 0;
  for (unsigned round = 0; round < 10; ++round) {
    std::vector<uint32_t> want(kCh, 0);
    for (unsigned ch = 0; ch < 4; ++ch) {
      const bool to_periph = w.rnd(0, 1);
      const unsigned n = w.rnd(1, 5), width = 2;
      const uint32_t fifo = kFifo + ch * 0x100, mem0 = kSrc + ch * 0x100000 + round * 0x8000;
      const uint32_t base = kDesc + ch * 0x10000 + round * 0x400;
      std::vector<uint32_t> lens;
      for (unsigned i = 0; i < n; ++i) lens.push_back(4 * w.rnd(1, 200));
      const uint32_t irq_mask = w.rnd(0, 31);
      std::vector<uint32_t> offs;
      uint32_t off = 0;
      for (uint32_t l : lens) {
        offs.push_back(off);
        off += l + 4 * w.rnd(0, 8);
      }
      if (to_periph) w.b.fill_random(mem0, off, round * 8 + ch);
      const uint32_t flow = to_periph ? dc_flow(MEM2PER) | DC_SRC_INC : dc_flow(PER2MEM) | DC_DST_INC;
      want[ch] = w.chain(
          base, 32, lens,
          [&](size_t i) {
            return flow | dc_width(width) | dc_burst(3) | dc_req(ch) | ((irq_mask >> i) & 1 ? DC_IRQ : 0);
          },
          [&](size_t i, uint32_t* s, uint32_t* d) {
            *s = to_periph ? mem0 + offs[i] : fifo;
            *d = to_periph ? fifo : mem0 + offs[i];
          });
      w.ring(ch, base, want[ch], w.rnd(0, 2) == 0);
      ++runs;
    }
    ASSERT_TRUE(w.b.run_until_idle());
    for (unsigned ch = 0; ch < 4; ++ch) {
      EXPECT_EQ(w.b.chrd(ch, STATUS) & 3u, ST_IDLE) << "round " << round << " ch" << ch << "\n" << w.b.dump_channels();
      EXPECT_EQ(w.b.chrd(ch, TC_COUNT), want[ch]) << "round " << round << " ch" << ch;
      w.rec.expect_matches_registers(ch);
    }
  }
  EXPECT_EQ(w.b.core().checker_violations(), 0u);
  const Verdict v = check(w.rec.t);
  record("run_end", v);
  EXPECT_TRUE(v.violations.empty()) << v.violations.size() << " violation(s):" << first_violations(v);
  EXPECT_EQ(v.end_tcs, runs);
}

// Aborts landing at every point of a memory chain (including while its last
// descriptor's writes are in flight: that TC then comes at the end of the
// drain, with ABORT and IDLE) and of a peripheral ring, and the abort of a
// channel in ERROR.
void abort_sweep(World& w, uint64_t* aborts) {
  const uint32_t lens[3] = {700, 1500, 300};
  w.b.fill_random(kSrc, 4096, 5);
  // A 4-period MEM2PER ring on channel 1 (line 1; the peripheral never stops).
  PeripheralModel pm;
  pm.line = 1;
  pm.to_periph = false;
  w.b.add_fifo(kFifo + 0x100);
  w.b.add_peripheral(pm);
  for (unsigned i = 0; i < 4; ++i)
    w.b.write_desc(kDesc + 0x1000 + i * 32, {kSrc + i * 256, kFifo + 0x100, kDesc + 0x1000 + ((i + 1) % 4) * 32, 256,
                                             DC_IRQ | DC_SRC_INC | dc_flow(MEM2PER) | dc_width(2) | dc_burst(3) |
                                                 dc_req(1)});
  for (unsigned i = 0; i < 3; ++i)
    w.b.write_desc(kDesc + i * 32, {kSrc + i * 1024, kDst + i * 2048, i < 2 ? kDesc + (i + 1) * 32 : 0, lens[i],
                                    DC_SRC_INC | DC_DST_INC | (i == 1 ? DC_IRQ : 0)});
  for (unsigned at = 0; at < 900; at += 11) {
    const unsigned ch = (at / 11) % 2 == 0 ? 0 : 1;
    w.ring(ch, ch == 0 ? kDesc : kDesc + 0x1000, ch == 0 ? 2 : 0, ch == 0 && at % 3 == 0);
    w.b.step(at);
    const bool busy = state_of(w.b.chrd(ch, STATUS)) != ST_IDLE;
    EXPECT_EQ(w.b.chwr(ch, CTRL, CTRL_ABORT), AXI_OKAY);
    ASSERT_TRUE(w.wait_idle_like(ch));
    *aborts += busy && (w.b.chrd(ch, STATUS) & STATUS_ABORTED);
    w.rec.expect_matches_registers(ch);
  }
  // Abort of a channel in ERROR (a descriptor with LEN 0): ABORT at ERROR -> IDLE.
  w.b.write_desc(kDesc + 0x2000, {kSrc, kDst, 0, 0, DC_SRC_INC | DC_DST_INC});
  w.ring(2, kDesc + 0x2000, 1);
  ASSERT_TRUE(w.wait_idle_like(2));
  EXPECT_EQ(state_of(w.b.chrd(2, STATUS)), ST_ERROR);
  EXPECT_EQ(w.b.chwr(2, CTRL, CTRL_ABORT), AXI_OKAY);
  ASSERT_TRUE(w.b.run_until([&] { return state_of(w.b.chrd(2, STATUS)) == ST_IDLE; }, 1000, "abort of ERROR"));
  ++*aborts;
  w.rec.expect_matches_registers(2);
}

TEST(DmacRunEnd, AbortsGiveAbortAndAnyLastTcInTheClockOfIdle) {
  World w({.seed = 47, .random_latency = true, .first_max = 20, .per_max = 2, .ready_prob = 0.8});
  SCOPED_TRACE(w.b.seed_info());
  uint64_t aborts = 0;
  abort_sweep(w, &aborts);
  const Verdict v = check(w.rec.t);
  record("run_end", v);
  EXPECT_TRUE(v.violations.empty()) << v.violations.size() << " violation(s):" << first_violations(v);
  EXPECT_EQ(v.aborts, aborts) << "every abort of a busy channel raised ABORT";
  EXPECT_GT(v.tcs_with_abort, 0u) << "no abort landed while a last write was in flight: the sweep misses the "
                                      "TC at the end of an abort drain";
  EXPECT_GT(aborts, 60u);
}

// Error ends: data read and write errors, a malformed descriptor after a good
// one (which completes with its TC before the ERROR), a misaligned doorbell.
void error_runs(World& w, uint64_t* errors) {
  w.b.add_error_region({{0x90000000, 0x90100000}, AXI_SLVERR, true, true});
  w.b.fill_random(kSrc, 8192, 9);
  struct Case {
    uint32_t src, dst, len2;
  };
  const Case cases[] = {
      {0x90000000, kDst, 512},          // data read error in the first descriptor
      {kSrc, 0x90000000, 512},          // data write error
      {kSrc, kDst, 0},                  // second descriptor LEN 0: DESC_LEN after the first completes
  };
  unsigned k = 0;
  for (const Case& c : cases) {
    for (unsigned ch = 0; ch < 3; ++ch, ++k) {
      const uint32_t base = kDesc + 0x4000 + k * 0x100;
      w.b.write_desc(base, {c.src, c.dst + k * 0x1000, base + 32, 2048 + 64 * ch, DC_SRC_INC | DC_DST_INC | DC_IRQ});
      w.b.write_desc(base + 32, {kSrc, kDst + 0x100000 + k * 0x1000, 0, c.len2, DC_SRC_INC | DC_DST_INC});
      w.ring(ch, base, 2);
    }
    ASSERT_TRUE(w.b.run_until_idle());
    for (unsigned ch = 0; ch < 3; ++ch) {
      EXPECT_EQ(state_of(w.b.chrd(ch, STATUS)), ST_ERROR) << "ch" << ch;
      ++*errors;
      w.rec.expect_matches_registers(ch);
    }
  }
  w.ring(3, kDesc + 4, 1);  // misaligned head: ERROR (DESC_ALIGN) at the doorbell
  ASSERT_TRUE(w.wait_idle_like(3));
  EXPECT_EQ(state_of(w.b.chrd(3, STATUS)), ST_ERROR);
  ++*errors;
  w.rec.expect_matches_registers(3);
}

TEST(DmacRunEnd, ErrorsGiveErrInTheClockOfError) {
  World w({.seed = 53, .random_latency = true, .first_max = 16, .per_max = 2, .ready_prob = 0.9});
  SCOPED_TRACE(w.b.seed_info());
  uint64_t errors = 0;
  error_runs(w, &errors);
  const Verdict v = check(w.rec.t);
  record("run_end", v);
  EXPECT_TRUE(v.violations.empty()) << v.violations.size() << " violation(s):" << first_violations(v);
  EXPECT_EQ(v.errors, errors);
}

// Negative controls: the same recordings with STATE one clock late (the
// channel returns to IDLE/ERROR one clock after its last event: the gap a
// polling driver would paper over) or TC_COUNT one clock late (IDLE before
// the last TC) make the checker flag every end of a run.
TEST(DmacRunEnd, CheckFiresWhenTheLastEventAndTheIdleClockDiffer) {
  World w({.seed = 59, .random_latency = true, .first_max = 16, .per_max = 2, .ready_prob = 0.8});
  SCOPED_TRACE(w.b.seed_info());
  uint64_t runs = 0, aborts = 0, errors = 0;
  memcpy_rounds(w, 3, &runs);
  abort_sweep(w, &aborts);
  error_runs(w, &errors);
  const Verdict clean = check(w.rec.t);
  record("clean", clean);
  ASSERT_TRUE(clean.violations.empty()) << first_violations(clean);
  ASSERT_GT(clean.end_tcs, 0u);

  // STATE late: each end-of-chain TC, ABORT and ERR sees the channel still busy.
  const Verdict late_state = check(w.rec.t, Skew::StateLate);
  record("state_late", late_state);
  size_t tc_flags = 0, abort_flags = 0, err_flags = 0;
  for (const auto& s : late_state.violations) {
    tc_flags += s.find("end-of-chain TC") != std::string::npos;
    abort_flags += s.find("ABORT with STATE") != std::string::npos;
    err_flags += s.find("ERR with STATE") != std::string::npos;
  }
  EXPECT_GE(late_state.violations.size(), clean.end_tcs + clean.aborts + clean.errors);
  EXPECT_GT(tc_flags, 0u) << first_violations(late_state);
  EXPECT_GT(abort_flags, 0u) << first_violations(late_state);
  EXPECT_GT(err_flags, 0u) << first_violations(late_state);

  // TC late: the return to IDLE comes without its TC, and the TC after it.
  const Verdict late_tc = check(w.rec.t, Skew::TcLate);
  record("tc_late", late_tc);
  size_t idle_without = 0, tc_after = 0;
  for (const auto& s : late_tc.violations) {
    idle_without += s.find("with neither TC nor ABORT") != std::string::npos;
    tc_after += s.find("after the channel was") != std::string::npos;
  }
  EXPECT_GT(idle_without, 0u) << first_violations(late_tc);
  EXPECT_GT(tc_after, 0u) << first_violations(late_tc);
}

}  // namespace
}  // namespace test_dmac_run_end
