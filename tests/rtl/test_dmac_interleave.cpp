// Deterministic interleaving sweeps: a control register write (abort,
// pause/resume, IRQ_STATUS W1C, doorbell while busy) is made to land at every
// cycle of a window of a DMA run, one fresh bench per cycle. Random seeds only
// hit such races by luck; here every landing cycle of a window is tried.
//
// Flows: a memory-to-peripheral cyclic ring (FIXED destination, 8-beat bursts,
// a peripheral whose request threshold plays the role of a FIFO watermark at
// depth/4 or depth/2) and a memory-to-memory chain (with and without WB_EN),
// each at two memory latencies. Windows: every cycle of one burst's life (AR
// to B), +-40 cycles around a descriptor / period boundary (and the ring's wrap
// back to its head), +-40 around the end of the chain.
//
// A calibration run per configuration (no action) is checked against the
// golden model and gives the window anchors; a second one clears IRQ_RAW.TC
// after every interrupt to find the exact cycle of each TC event (the benches
// are cycle-deterministic, and register traffic does not move DMA timing, which
// the calibration checks). Oracles are listed in docs/sweeps.md.
//
// One point alone: DMAC_SWEEP_POINT=<config>:<action>:<window>:<delta> (printed
// with every failure) runs only that point, with full failure details.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dmac_bench.h"
#include "verilated.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_interleave {

namespace {

constexpr unsigned kCh = 5, kLine = 3;
constexpr uint32_t kD = 0x80000000, kS = 0x80100000, kT = 0x80400000, kFifo = 0x40020000;
// A second chain, rung as the doorbell action (ignored while the first is busy).
constexpr uint32_t kHead2 = kD + 0x200, kSrc2 = kS + 0x6000, kDst2 = kT + 0x8000, kLen2 = 200;
constexpr int64_t kHalf = 40;  // +-window around a boundary

// Ring: 4 periods of 256 B, 4-byte beats, 8 beats per request, 2 laps.
constexpr unsigned kPeriods = 4, kLaps = 2;
constexpr uint32_t kPeriod = 256, kWidth = 2, kBeats = 8, kReqBytes = kBeats << kWidth;
constexpr uint32_t kFifoDepth = 64;  // bytes (16 four-byte words)
constexpr uint64_t kRingTotal = uint64_t(kPeriods) * kLaps;
constexpr uint32_t kRingBuf = kS;  // page aligned: no chunk straddles 4 KiB
constexpr uint64_t kSettle = 300;  // cycles after the ring's last request

struct Config {
  const char* name;
  bool ring;
  uint32_t first_lat, per_lat;
  uint32_t watermark;  // ring: the peripheral requests while its FIFO level <= watermark bytes
  bool wb;             // m2m: descriptor status write-back (CTRL.WB_EN)
};

const std::vector<Config> kRingConfigs = {
    {"ring-wm4-lat2", true, 2, 1, kFifoDepth / 4, false},
    {"ring-wm4-lat24", true, 24, 2, kFifoDepth / 4, false},
    {"ring-wm2-lat2", true, 2, 1, kFifoDepth / 2, false},
    {"ring-wm2-lat24", true, 24, 2, kFifoDepth / 2, false},
};
const std::vector<Config> kM2mConfigs = {
    {"m2m-lat2", false, 2, 1, 0, false},
    {"m2m-lat24", false, 24, 2, 0, false},
    {"m2m-wb-lat24", false, 24, 2, 0, true},
};

// Chain: d0 raises TC, d1 does not, d2 ends the chain (TC although its IRQ bit
// is clear) and its destination crosses a 4 KiB boundary.
struct ChainDesc {
  uint32_t src, dst, len;
  bool irq;
};
const ChainDesc kChain[3] = {
    {kS + 3, kT + 5, 1000, true},
    {kS + 0x1000 + 1, kT + 0x1000 + 6, 777, false},
    {kS + 0x2000 + 7, kT + 0x2F00 + 2, 1500, false},
};
constexpr unsigned kChainLen = 3;
uint32_t desc_addr(unsigned i) { return kD + i * 32; }

enum class Action { Abort, Pause, PausePulse, PauseAbort, W1c, Doorbell };
const char* action_name(Action a) {
  switch (a) {
    case Action::Abort: return "abort";
    case Action::Pause: return "pause";
    case Action::PausePulse: return "pausepulse";
    case Action::PauseAbort: return "pauseabort";
    case Action::W1c: return "w1c";
    case Action::Doorbell: return "doorbell";
  }
  return "?";
}

// Pins watched every cycle (after the clock edge, like the bench's own monitor).
struct PinWatch {
  Vdmac_top* dut = nullptr;
  bool lite_b_prev = false, irq_prev = false;
  std::vector<uint64_t> lite_b_rises;                // a register write was taken at this edge
  std::vector<std::pair<uint64_t, bool>> irq_edges;  // irq pin changes
  uint64_t null_strobe_cycles = 0, first_null = 0;   // W beat presented with WSTRB = 0
  uint64_t fifo_aw_bad = 0;                          // FIFO burst not FIXED x 8 beats
  void sample(uint64_t c) {
    Vdmac_top& m = *dut;
    const bool bv = m.s_axil_bvalid;
    if (bv && !lite_b_prev) lite_b_rises.push_back(c);
    lite_b_prev = bv;
    const bool irq = m.irq;
    if (irq != irq_prev) irq_edges.push_back({c, irq});
    irq_prev = irq;
    if (m.m_axi_wvalid && m.m_axi_wstrb == 0 && !null_strobe_cycles++) first_null = c;
    if (m.m_axi_awvalid && m.m_axi_awaddr == kFifo && (m.m_axi_awlen != kBeats - 1 || m.m_axi_awburst != 0))
      ++fifo_aw_bad;
  }
  uint64_t landing_after(uint64_t issued) const {
    for (uint64_t c : lite_b_rises)
      if (c > issued) return c;
    return 0;
  }
};

struct Rig {
  std::unique_ptr<DmacBench> b;
  PeripheralModel* p = nullptr;
  std::unique_ptr<PinWatch> w;
  uint64_t t0 = 0;  // cycle right after the doorbell
};

uint32_t ctrl_base(const Config& c) { return c.wb ? CTRL_WB_EN : 0; }

Rig make_rig(const Config& c) {
  BenchOptions o;
  o.seed = 1;
  o.random_latency = false;
  o.first_lat = c.first_lat;
  o.per_lat = c.per_lat;
  Rig r;
  r.b = std::make_unique<DmacBench>(o);
  DmacBench& b = *r.b;
  r.w = std::make_unique<PinWatch>();
  r.w->dut = &b.dut();
  auto prev = b.core().on_cycle;
  PinWatch* w = r.w.get();
  b.core().on_cycle = [prev, w](uint64_t cyc) {
    prev(cyc);
    w->sample(cyc);
  };
  b.fill_random(kSrc2, kLen2, 99);
  b.write_desc(kHead2, {kSrc2, kDst2, 0, kLen2, DC_SRC_INC | DC_DST_INC});
  if (c.ring) {
    b.fill_random(kRingBuf, kPeriod * kPeriods, 42);
    for (unsigned i = 0; i < kPeriods; ++i)
      b.write_desc(desc_addr(i),
                   {kRingBuf + i * kPeriod, kFifo, desc_addr((i + 1) % kPeriods), kPeriod,
                    DC_IRQ | DC_SRC_INC | dc_flow(MEM2PER) | dc_width(kWidth) | dc_burst(kBeats - 1) | dc_req(kLine)});
    b.add_fifo(kFifo);
    PeripheralModel pm;
    pm.line = kLine;
    pm.to_periph = true;
    pm.burst_bytes = kReqBytes;
    // The model requests while level + burst <= capacity, i.e. level <= watermark.
    pm.capacity = c.watermark + kReqBytes;
    pm.drain_per_cycle = 1.0;
    pm.requests_left = kRingTotal * kPeriod / kReqBytes;
    r.p = &b.add_peripheral(pm);
    r.p->fifo = b.mem().fifo_at(kFifo);
    b.start(kCh, desc_addr(0), false, kRingTotal);
  } else {
    for (unsigned i = 0; i < kChainLen; ++i) {
      const ChainDesc& d = kChain[i];
      b.fill_random(d.src, d.len, 10 + i);
      b.write_desc(desc_addr(i), {d.src, d.dst, i + 1 < kChainLen ? desc_addr(i + 1) : 0, d.len,
                                  DC_SRC_INC | DC_DST_INC | (d.irq ? DC_IRQ : 0)});
    }
    b.start(kCh, desc_addr(0), c.wb);
  }
  r.t0 = b.core().cycle();
  return r;
}

bool ring_done(const Rig& r) { return r.p->requests_left == 0 && r.p->state == PeripheralModel::IDLE; }

// Runs until the flow is finished (m2m: channel IDLE; ring: every request
// served, then kSettle cycles for the last period's TC). Failure on a hang.
bool run_to_end(Rig& r, const Config& c) {
  if (!c.ring) {
    // Strictly IDLE (run_until_idle also stops at PAUSED, which a resume
    // landing during PAUSING shows for a cycle).
    uint64_t n = 0;
    return r.b->run_until([&] { return ++n % 32 == 0 && state_of(r.b->chrd(kCh, STATUS)) == ST_IDLE; }, 300000,
                          "chain to finish (IDLE)");
  }
  if (!r.b->run_until([&] { return ring_done(r); }, 400000, "ring: every request served")) return false;
  r.b->step(kSettle);
  return true;
}

bool same_entry(const AccessLogEntry& a, const AccessLogEntry& b) {
  return a.cycle == b.cycle && a.is_write == b.is_write && a.addr == b.addr && a.len == b.len &&
         a.strobed == b.strobed && a.resp == b.resp && a.lo == b.lo && a.hi == b.hi;
}
std::string entry_text(const AccessLogEntry& e) {
  char buf[160];
  snprintf(buf, sizeof buf, "cycle %llu %s 0x%08llx len %zu strobed %zu", (unsigned long long)e.cycle,
           e.is_write ? "W" : "R", (unsigned long long)e.addr, e.len, e.strobed);
  return buf;
}
// First difference between the first n entries of two logs ("" = none).
std::string log_diff(const std::vector<AccessLogEntry>& act, const std::vector<AccessLogEntry>& ref, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (i >= act.size()) return "access #" + std::to_string(i) + " missing (reference: " + entry_text(ref[i]) + ")";
    if (i >= ref.size()) return "extra access #" + std::to_string(i) + ": " + entry_text(act[i]);
    if (!same_entry(act[i], ref[i]))
      return "access #" + std::to_string(i) + ": " + entry_text(act[i]) + ", reference " + entry_text(ref[i]);
  }
  return "";
}

struct Window {
  std::string name;
  uint64_t anchor;  // absolute cycle
  int64_t lo, hi;   // landing = anchor + delta, delta in [lo, hi]
};

struct Calib {
  bool ok = false;
  uint64_t t0 = 0, end_cycle = 0;
  std::vector<AccessLogEntry> log;
  std::vector<uint64_t> tc;          // cycle (clock edge) of every TC event
  uint64_t busy_until = UINT64_MAX;  // m2m: edge at which the channel becomes IDLE
  uint32_t status = 0, irq_raw = 0, tc_count = 0;
  std::vector<uint8_t> fifo;
  std::vector<Window> windows;
  std::string failure;  // why the calibration failed
};

// Failures raised inside `f` (EXPECT/ADD_FAILURE, the bench's own checks) are
// captured instead of reported: a sweep reports one line per failing point.
template <class F>
std::vector<std::string> capture_failures(F&& f) {
  ::testing::TestPartResultArray arr;
  {
    ::testing::ScopedFakeTestPartResultReporter rep(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &arr);
    try {
      f();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception: " << e.what();
    }
    if (Verilated::threadContextp()->gotError()) {
      ADD_FAILURE() << "RTL assertion failed (see the %Error line above)";
      Verilated::threadContextp()->gotError(false);
    }
  }
  std::vector<std::string> out;
  for (int i = 0; i < arr.size(); ++i)
    if (arr.GetTestPartResult(i).failed()) {
      const auto& r = arr.GetTestPartResult(i);
      out.push_back(std::string(r.file_name() ? r.file_name() : "?") + ":" + std::to_string(r.line_number()) + ": " +
                    r.message());
    }
  return out;
}

// Checks every point shares: AXI checkers and pin monitor quiet, no W beat
// with WSTRB = 0 (no data error is injected here), FIFO traffic in whole
// 8-beat bursts of full 4-byte beats, each INCR write burst strobed on every beat.
void check_common(Rig& r, const Config& c) {
  DmacBench& b = *r.b;
  EXPECT_EQ(r.w->null_strobe_cycles, 0u) << "W beat with WSTRB = 0 presented (first at cycle " << r.w->first_null
                                         << ") without an injected data error";
  EXPECT_EQ(r.w->fifo_aw_bad, 0u) << "FIFO write burst that is not FIXED with 8 beats";
  std::map<uint64_t, unsigned> fifo_beats_per_cycle;
  unsigned bad = 0;
  std::string first_bad;
  for (const auto& e : b.mem().log()) {
    if (!e.is_write) continue;
    bool ok;
    if (e.addr == kFifo) {
      ok = e.len == 4 && e.strobed == 4;
      ++fifo_beats_per_cycle[e.cycle];
    } else {
      const uint64_t base = e.addr & ~7ull, beats = (e.addr + e.len - base) / 8;
      ok = e.strobed > 0 && e.lo < base + 8 && e.hi > base + (beats - 1) * 8 && e.strobed == e.hi - e.lo;
    }
    if (!ok && !bad++) first_bad = entry_text(e);
  }
  EXPECT_EQ(bad, 0u) << "write burst(s) with a beat not strobed (null-strobe or partial beat), first: " << first_bad;
  for (auto& [cyc, n] : fifo_beats_per_cycle)
    if (n != kBeats) {
      ADD_FAILURE() << "FIFO burst completed at cycle " << cyc << " with " << n << " beats (not a whole burst)";
      break;
    }
  EXPECT_EQ(b.core().checker_violations(), 0u) << "AXI protocol checker violations";
  EXPECT_EQ(b.core().mem_port().stats().protocol_errors, 0u);
  if (b.pin_monitor().violations) {
    std::string m;
    for (auto& s : b.pin_monitor().messages) m += "  " + s + "\n";
    ADD_FAILURE() << "AXI pin monitor:\n" << m;
  }
  if (c.ring) {
    EXPECT_EQ(r.p->protocol_violations, 0u) << "dclr without a request";
  }
}

// Written prefix of [dst, dst+len) against the expected image: k bytes equal
// to the expected (copied) value, `rest` = bytes after them that changed.
uint32_t written_prefix(const PagedBytes& act, const PagedBytes& exp, const PagedBytes& ini, uint64_t dst, uint32_t len,
                        uint32_t* rest) {
  uint32_t k = 0;
  while (k < len && act.get(dst + k) == exp.get(dst + k) && act.get(dst + k) != ini.get(dst + k)) ++k;
  *rest = 0;
  for (uint32_t m = k; m < len; ++m) *rest += act.get(dst + m) != ini.get(dst + m);
  return k;
}

// ------------------------------------------------------------ calibration
Calib calibrate(const Config& c) {
  Calib cal;
  auto fails = capture_failures([&] {
    // Reference run: no action; golden-checked.
    Rig a = make_rig(c);
    cal.t0 = a.t0;
    ASSERT_TRUE(run_to_end(a, c));
    cal.end_cycle = a.b->core().cycle();
    cal.log = a.b->mem().log();
    if (c.ring) cal.fifo = a.b->mem().fifo_at(kFifo)->written;
    a.b->check();
    check_common(a, c);
    cal.status = a.b->chrd(kCh, STATUS);
    cal.irq_raw = a.b->chrd(kCh, IRQ_RAW);
    cal.tc_count = a.b->chrd(kCh, TC_COUNT);

    // Probe run: W1C of TC after each interrupt gives each TC event's edge.
    Rig p = make_rig(c);
    ASSERT_EQ(p.t0, cal.t0) << "benches are not cycle-identical";
    size_t seen = 0;
    while (p.b->core().cycle() < cal.end_cycle) {
      p.b->step();
      auto& edges = p.w->irq_edges;
      for (; seen < edges.size(); ++seen)
        if (edges[seen].second) cal.tc.push_back(edges[seen].first);
      if (p.b->dut().irq && p.b->core().reg_access_done()) p.b->core().start_write_reg(ch_reg(kCh, IRQ_STATUS), IRQ_TC);
    }
    ASSERT_TRUE(p.b->run_until([&] { return p.b->core().reg_access_done(); }, 100, "probe W1C"));
    EXPECT_EQ(log_diff(p.b->mem().log(), cal.log, std::max(p.b->mem().log().size(), cal.log.size())), "")
        << "register traffic changed the DMA's timing";
    ASSERT_EQ(uint32_t(cal.tc.size()), cal.tc_count) << "TC events merged in the probe run";
    ASSERT_GE(cal.tc.size(), c.ring ? 4u : 2u);

    // Window anchors from the reference log.
    std::vector<const AccessLogEntry*> rd, wr;
    for (const auto& e : cal.log) {
      const bool desc_area = e.addr >= kD && e.addr < kD + 0x1000;
      if (desc_area) continue;
      if (!e.is_write)
        rd.push_back(&e);
      else if (!c.ring || wr.empty() || wr.back()->cycle != e.cycle)  // FIFO: one entry per beat
        wr.push_back(&e);
    }
    ASSERT_EQ(rd.size(), wr.size()) << "data reads and write bursts do not pair";
    size_t k = 0;
    if (c.ring) {
      k = kPeriod / kReqBytes + 3;  // fourth request of period 1
    } else {
      while (k < rd.size() && rd[k]->addr < kChain[1].src + 256) ++k;
    }
    ASSERT_LT(k, rd.size());
    const uint64_t ar = rd[k]->cycle;
    cal.windows.push_back({"burst", ar, -2, int64_t(wr[k]->cycle - ar + c.first_lat + 3)});
    if (c.ring) {
      cal.windows.push_back({"period", cal.tc[1], -kHalf, kHalf});
      cal.windows.push_back({"wrap", cal.tc[kPeriods - 1], -kHalf, kHalf});
    } else {
      cal.windows.push_back({"desc", cal.tc[0], -kHalf, kHalf});
      uint64_t d1_end = 0;
      for (auto* e : wr)
        if (e->lo <= kChain[1].dst + kChain[1].len - 1 && e->hi > kChain[1].dst + kChain[1].len - 1)
          d1_end = e->cycle + c.first_lat;
      ASSERT_NE(d1_end, 0u);
      cal.windows.push_back({"desc-noirq", d1_end, -kHalf, kHalf});
      cal.windows.push_back({"end", cal.tc.back(), -kHalf, kHalf});
      cal.busy_until = cal.tc.back();
    }
    cal.ok = true;
  });
  if (!fails.empty()) {
    cal.ok = false;
    cal.failure = "calibration of " + std::string(c.name) + " failed:\n";
    for (auto& f : fails) cal.failure += f + "\n";
  }
  return cal;
}

// ------------------------------------------------------------ oracles
// After an abort that took effect: IDLE + ABORTED, no error, IRQ_RAW = ABORT
// (+ TC iff something counted), TC_COUNT = descriptors / periods complete,
// data a prefix, nothing moves afterwards.
void check_aborted(Rig& r, const Config& c) {
  DmacBench& b = *r.b;
  const uint32_t st = b.chrd(kCh, STATUS), raw = b.chrd(kCh, IRQ_RAW), tc = b.chrd(kCh, TC_COUNT);
  EXPECT_EQ(st, ST_IDLE | STATUS_ABORTED) << "STATUS after abort 0x" << std::hex << st;
  EXPECT_EQ(b.chrd(kCh, CUR_DESC), 0u) << "CUR_DESC after abort";
  EXPECT_TRUE(b.core().mem_port().idle()) << "AXI transactions outstanding after the abort finished";
  PagedBytes exp;
  b.run_golden(exp);
  const PagedBytes& act = b.mem().bytes();
  const PagedBytes& ini = b.initial();
  uint64_t full = 0;
  std::vector<AddrRange> allowed;
  if (c.ring) {
    const auto& aw = b.mem().fifo_at(kFifo)->written;
    const auto& gw = b.golden().fifo_at(kFifo)->written;
    EXPECT_LE(aw.size(), gw.size());
    size_t first = std::min(aw.size(), gw.size());
    for (size_t i = 0; i < std::min(aw.size(), gw.size()); ++i)
      if (aw[i] != gw[i]) {
        first = i;
        break;
      }
    EXPECT_EQ(first, std::min(aw.size(), gw.size())) << "FIFO data differs from the ring's bytes at byte " << first;
    EXPECT_EQ(aw.size() % kReqBytes, 0u) << "FIFO received " << aw.size() << " bytes: not whole bursts";
    full = aw.size() / kPeriod;
    // The abort drain gives no dclr/dtc: a request whose data went out when the
    // abort came stays unacknowledged; if it ended a period, that period counts
    // without its dtc pulse (spec, "Abort and the peripheral handshake").
    const uint64_t served = aw.size() / kReqBytes;
    const bool abandoned = r.p->state == PeripheralModel::REQ;
    const bool abandoned_served = abandoned && served == r.p->requests;
    EXPECT_TRUE(served == r.p->requests || (abandoned && served + 1 == r.p->requests))
        << "requests raised " << r.p->requests << ", served " << served << ", peripheral state " << int(r.p->state);
    const uint64_t exp_dtc = full - ((abandoned_served && aw.size() % kPeriod == 0 && full > 0) ? 1 : 0);
    EXPECT_EQ(r.p->dtc_pulses, exp_dtc) << "dtc pulses vs complete periods";
    allowed.push_back({kFifo, kFifo + 8});
  } else {
    bool partial = false;
    for (unsigned i = 0; i < kChainLen; ++i) {
      const ChainDesc& d = kChain[i];
      uint32_t rest = 0;
      const uint32_t k = written_prefix(act, exp, ini, d.dst, d.len, &rest);
      EXPECT_EQ(rest, 0u) << "descriptor " << i << ": written bytes after an unwritten one (not a prefix)";
      if (partial) {
        EXPECT_EQ(k, 0u) << "descriptor " << i << " written after an incomplete one";
      }
      if (k == d.len && (d.irq || i + 1 == kChainLen)) ++full;
      if (k < d.len) partial = true;
      allowed.push_back({d.dst, uint64_t(d.dst) + d.len});
      if (c.wb) {
        const uint32_t sw = act.get32(desc_addr(i) + D_STATUS);
        EXPECT_TRUE(sw == ini.get32(desc_addr(i) + D_STATUS) || (sw == (0x80000000u | d.len) && k == d.len))
            << "descriptor " << i << " STATUS write-back 0x" << std::hex << sw << " with " << std::dec << k << "/"
            << d.len << " bytes written";
        allowed.push_back({desc_addr(i) + D_STATUS, desc_addr(i) + D_STATUS + 4});
      }
    }
  }
  EXPECT_EQ(tc, uint32_t(full)) << "TC_COUNT vs descriptors/periods whose bytes all arrived";
  EXPECT_EQ(raw, IRQ_ABORT | (full ? IRQ_TC : 0u)) << "IRQ_RAW after abort";
  EXPECT_TRUE(b.core().irq()) << "irq low after an abort (IRQ_MASK enables ABORT)";
  auto bad = b.mem().writes_outside(allowed);
  if (!bad.empty()) ADD_FAILURE() << bad.size() << " write(s) outside the destinations, first " << entry_text(bad[0]);
  // Nothing moves afterwards.
  const size_t n = b.mem().log().size();
  b.step(200);
  EXPECT_EQ(b.mem().log().size(), n) << "memory traffic after the abort finished";
  EXPECT_EQ(state_of(b.chrd(kCh, STATUS)), ST_IDLE);
}

// PAUSED: nothing moves, CUR_DESC/REMAINING frozen and equal to what memory
// (or the FIFO) holds.
void check_paused(Rig& r, const Config& c) {
  DmacBench& b = *r.b;
  EXPECT_TRUE(b.core().mem_port().idle()) << "PAUSED with AXI transactions outstanding";
  const uint32_t cur = b.chrd(kCh, CUR_DESC), rem = b.chrd(kCh, REMAINING), tc = b.chrd(kCh, TC_COUNT);
  const size_t n = b.mem().log().size();
  b.step(300);
  EXPECT_EQ(b.mem().log().size(), n) << "memory traffic while PAUSED";
  EXPECT_EQ(state_of(b.chrd(kCh, STATUS)), ST_PAUSED);
  EXPECT_EQ(b.chrd(kCh, CUR_DESC), cur);
  EXPECT_EQ(b.chrd(kCh, REMAINING), rem) << "REMAINING moved while PAUSED";
  EXPECT_EQ(b.chrd(kCh, TC_COUNT), tc);
  const unsigned ndesc = c.ring ? kPeriods : kChainLen;
  unsigned i = 0;
  while (i < ndesc && desc_addr(i) != cur) ++i;
  ASSERT_LT(i, ndesc) << std::hex << "CUR_DESC 0x" << cur << " while PAUSED";
  const uint32_t len = c.ring ? kPeriod : kChain[i].len;
  ASSERT_TRUE(rem == 0xFFFFFFFFu || rem <= len) << "REMAINING " << rem;
  const uint32_t done = rem == 0xFFFFFFFFu ? 0 : len - rem;
  if (c.ring) {
    EXPECT_EQ(i, tc % kPeriods) << "CUR_DESC vs TC_COUNT";
    EXPECT_EQ(b.mem().fifo_at(kFifo)->written.size(), uint64_t(tc) * kPeriod + done)
        << "FIFO bytes vs TC_COUNT/REMAINING";
  } else {
    PagedBytes exp;
    b.run_golden(exp);
    uint32_t want_tc = 0;
    for (unsigned j = 0; j < kChainLen; ++j) {
      uint32_t rest = 0;
      const uint32_t k = written_prefix(b.mem().bytes(), exp, b.initial(), kChain[j].dst, kChain[j].len, &rest);
      const uint32_t want = j < i ? kChain[j].len : j == i ? done : 0;
      EXPECT_EQ(k, want) << "descriptor " << j << " bytes written while PAUSED in descriptor " << i << " (REMAINING "
                         << rem << ")";
      EXPECT_EQ(rest, 0u);
      if (j < i && (kChain[j].irq || j + 1 == kChainLen)) ++want_tc;
    }
    EXPECT_EQ(tc, want_tc) << "TC_COUNT while PAUSED";
  }
}

// The expected irq pin edges for a run whose only register action is a W1C
// of TC taken at edge `cw`: IRQ_RAW.TC(c) = some TC event e <= c with e >= cw
// or c < cw (an event in the same cycle as the clear wins).
std::vector<std::pair<uint64_t, bool>> expected_irq_edges(const std::vector<uint64_t>& tc, uint64_t cw) {
  std::vector<uint64_t> pts = tc;
  pts.push_back(cw);
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  auto value = [&](uint64_t c) {
    for (uint64_t e : tc)
      if (e <= c && (e >= cw || c < cw)) return true;
    return false;
  };
  std::vector<std::pair<uint64_t, bool>> out;
  bool v = false;
  for (uint64_t p : pts) {
    const bool nv = value(p);
    if (nv != v) out.push_back({p, nv});
    v = nv;
  }
  return out;
}

std::string edges_text(const std::vector<std::pair<uint64_t, bool>>& e) {
  std::ostringstream s;
  for (auto& [c, v] : e) s << (v ? " +" : " -") << c;
  return s.str();
}

// ------------------------------------------------------------ one point
struct PointInfo {
  uint64_t landing = 0;   // edge at which the action's register write was taken
  uint64_t landing2 = 0;  // second write (pausepulse: resume, pauseabort: abort)
  std::string outcome;    // what the point ended up testing (summary statistics)
};

void run_point(const Config& c, const Calib& cal, Action a, const Window& win, int64_t delta, PointInfo& info) {
  Rig r = make_rig(c);
  DmacBench& b = *r.b;
  ASSERT_EQ(r.t0, cal.t0) << "benches are not cycle-identical";
  const uint64_t landing = uint64_t(int64_t(win.anchor) + delta);
  // A write started between two edges is accepted at the next one and takes
  // effect (BVALID rises) one edge later (the controller registers it).
  const uint64_t issue = landing - 2;
  ASSERT_GE(issue, r.t0);
  while (b.core().cycle() < issue) b.step();
  const uint32_t base = ctrl_base(c);
  auto write_now = [&](uint32_t off, uint32_t v) {
    b.core().start_write_reg(ch_reg(kCh, off), v);
    const uint64_t at = b.core().cycle();
    if (!b.run_until([&] { return b.core().reg_access_done(); }, 100, "register write response")) return uint64_t(0);
    return r.w->landing_after(at);
  };
  switch (a) {
    case Action::Abort: {
      info.landing = write_now(CTRL, base | CTRL_ABORT);
      break;
    }
    case Action::Pause:
    case Action::PausePulse:
    case Action::PauseAbort: {
      info.landing = write_now(CTRL, base | CTRL_PAUSE);
      if (a == Action::PausePulse) info.landing2 = write_now(CTRL, base);
      if (a == Action::PauseAbort) info.landing2 = write_now(CTRL, base | CTRL_PAUSE | CTRL_ABORT);
      break;
    }
    case Action::W1c: {
      info.landing = write_now(IRQ_STATUS, IRQ_TC);
      break;
    }
    case Action::Doorbell: {
      info.landing = write_now(DOORBELL, kHead2);
      break;
    }
  }
  ASSERT_EQ(info.landing, landing) << "the register write was not taken at the intended edge";
  const bool before_end = landing <= cal.busy_until;  // m2m: channel not IDLE yet at that edge

  switch (a) {
    case Action::Abort:
    case Action::PauseAbort: {
      ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(kCh, STATUS)) != ST_ACTIVE; }, 20000,
                              "channel to leave ACTIVE after the abort"));
      const uint32_t st = b.chrd(kCh, STATUS);
      const bool aborted = st & STATUS_ABORTED;
      const uint64_t abort_landing = a == Action::Abort ? landing : info.landing2;
      if (c.ring || abort_landing <= cal.busy_until) {
        EXPECT_TRUE(aborted) << "abort landed while the channel was busy but STATUS=0x" << std::hex << st;
      } else if (a == Action::Abort) {
        EXPECT_FALSE(aborted) << "abort of an IDLE channel must be a no-op";
      }
      if (aborted) {
        info.outcome = "aborted, TC_COUNT=" + std::to_string(b.chrd(kCh, TC_COUNT));
        check_aborted(r, c);
      } else {
        info.outcome = "no-op (chain already ended)";
        // The chain had finished: exactly the golden run, no ABORT event.
        EXPECT_EQ(st, ST_IDLE) << std::hex << "STATUS 0x" << st;
        EXPECT_EQ(b.chrd(kCh, IRQ_RAW) & IRQ_ABORT, 0u);
        EXPECT_EQ(b.chrd(kCh, CTRL) & CTRL_ABORT, 0u) << "ABORT reads 0";
        b.check();
      }
      break;
    }
    case Action::Pause: {
      ASSERT_TRUE(b.run_until(
          [&] {
            const uint32_t s = state_of(b.chrd(kCh, STATUS));
            return s == ST_PAUSED || (!c.ring && s == ST_IDLE);
          },
          20000, "PAUSED"));
      if (state_of(b.chrd(kCh, STATUS)) == ST_PAUSED) {
        EXPECT_TRUE(c.ring || before_end) << "PAUSED after the chain had ended";
        const uint32_t cur = b.chrd(kCh, CUR_DESC);
        info.outcome = "paused in descriptor " + std::to_string((cur - kD) / 32) +
                       ", TC_COUNT=" + std::to_string(b.chrd(kCh, TC_COUNT));
        check_paused(r, c);
      } else {
        info.outcome = "chain ended before the pause took effect";
      }
      EXPECT_EQ(b.chwr(kCh, CTRL, base), AXI_OKAY);
      ASSERT_TRUE(run_to_end(r, c));
      b.check();
      break;
    }
    case Action::PausePulse: {
      info.outcome = info.landing2 <= cal.busy_until ? "pause and resume while busy" : "after the chain ended";
      ASSERT_TRUE(run_to_end(r, c));
      b.check();
      break;
    }
    case Action::W1c: {
      while (b.core().cycle() < cal.end_cycle) b.step();
      EXPECT_EQ(log_diff(b.mem().log(), cal.log, std::max(b.mem().log().size(), cal.log.size())), "")
          << "a W1C changed the DMA's traffic";
      const auto want = expected_irq_edges(cal.tc, landing);
      EXPECT_EQ(edges_text(r.w->irq_edges), edges_text(want))
          << "irq pin edges (+rise/-fall at cycle) with the W1C taken at " << landing;
      bool after = false, same = false, pending = false;
      for (uint64_t e : cal.tc) {
        after |= e >= landing;
        same |= e == landing;
        pending |= e < landing;
      }
      info.outcome = same ? "TC event at the clear's edge" : pending ? "pending TC cleared" : "nothing pending";
      EXPECT_EQ(b.chrd(kCh, IRQ_RAW), after ? IRQ_TC : 0u) << "IRQ_RAW.TC: a TC event at or after the clear survives";
      EXPECT_EQ(b.chrd(kCh, TC_COUNT), cal.tc_count);
      EXPECT_EQ(b.chrd(kCh, STATUS), cal.status);
      if (c.ring) {
        EXPECT_TRUE(b.mem().fifo_at(kFifo)->written == cal.fifo) << "FIFO data";
      }
      break;
    }
    case Action::Doorbell: {
      const bool busy = c.ring || before_end;
      EXPECT_EQ(b.chrd(kCh, DOORBELL), kHead2) << "DOORBELL reads the last head written";
      info.outcome = busy ? "ignored (BUSY_ERR)" : "accepted (channel IDLE)";
      if (busy) {
        // Ignored: BUSY_ERR, and nothing else differs from the reference run.
        while (b.core().cycle() < cal.end_cycle) b.step();
        EXPECT_EQ(b.chrd(kCh, STATUS), cal.status | STATUS_BUSY_ERR) << "STATUS after a doorbell while busy";
        EXPECT_EQ(log_diff(b.mem().log(), cal.log, std::max(b.mem().log().size(), cal.log.size())), "")
            << "a doorbell while busy changed the DMA's traffic";
        EXPECT_EQ(b.chrd(kCh, IRQ_RAW), cal.irq_raw);
        EXPECT_EQ(b.chrd(kCh, TC_COUNT), cal.tc_count);
        if (c.ring) {
          EXPECT_TRUE(b.mem().fifo_at(kFifo)->written == cal.fifo) << "FIFO data";
        }
      } else {
        // Taken after the chain ended: the second chain runs; the first is intact.
        ASSERT_TRUE(run_to_end(r, c));
        EXPECT_EQ(b.chrd(kCh, STATUS), ST_IDLE) << "STATUS after an accepted doorbell";
        EXPECT_EQ(b.chrd(kCh, TC_COUNT), 1u) << "TC_COUNT restarts at the accepted doorbell";
        EXPECT_EQ(b.chrd(kCh, IRQ_RAW), IRQ_TC);
        EXPECT_EQ(log_diff(b.mem().log(), cal.log, cal.log.size()), "") << "first chain's traffic";
        for (size_t i = cal.log.size(); i < b.mem().log().size(); ++i)
          EXPECT_GE(b.mem().log()[i].cycle, landing) << "second chain traffic before its doorbell";
        PagedBytes exp;
        b.run_golden(exp);
        unsigned mism = 0;
        for (unsigned i = 0; i < kChainLen; ++i)
          for (uint32_t k = 0; k < kChain[i].len; ++k)
            mism += b.mem().bytes().get(kChain[i].dst + k) != exp.get(kChain[i].dst + k);
        for (uint32_t k = 0; k < kLen2; ++k) mism += b.mem().bytes().get(kDst2 + k) != b.initial().get(kSrc2 + k);
        EXPECT_EQ(mism, 0u) << "destination bytes differ from the two chains' sources";
      }
      break;
    }
  }
  check_common(r, c);
  if (getenv("DMAC_SWEEP_POINT")) printf("state at the end of the point:\n%s", b.dump_channels().c_str());
}

// ------------------------------------------------------------ the sweep
// Every landing edge by default. Sanitizer builds run the C++ around the model
// several times slower and are there for memory errors, not races: every 4th
// edge there. DMAC_SWEEP_STRIDE=<n> overrides.
int64_t sweep_stride() {
  if (const char* s = getenv("DMAC_SWEEP_STRIDE")) return std::max(1, atoi(s));
#if defined(__SANITIZE_ADDRESS__)
  return 4;
#else
  return 1;
#endif
}

std::string self_exe() {
  char exe[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  return n > 0 ? std::string(exe, size_t(n)) : "tests/rtl/test_dmac_plain";
}

std::string point_id(const Config& c, Action a, const Window& w, int64_t delta) {
  return std::string(c.name) + ":" + action_name(a) + ":" + w.name + ":" + std::to_string(delta);
}

void sweep(const std::vector<Config>& configs, Action a) {
  const auto* ti = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string test = std::string(ti->test_suite_name()) + "." + ti->name();
  const char* only = getenv("DMAC_SWEEP_POINT");
  const int64_t stride = sweep_stride();
  // An RTL assertion becomes a failed point instead of ending the process.
  const bool saved_fatal = Verilated::threadContextp()->fatalOnError();
  Verilated::threadContextp()->fatalOnError(false);
  Verilated::threadContextp()->gotError(false);
  const auto t_start = std::chrono::steady_clock::now();
  unsigned tried = 0, failed = 0, reported = 0;
  std::vector<std::string> failed_ids;
  std::map<std::string, unsigned> outcomes;
  // Reported after the sweep: the bench's check() adds a state dump whenever
  // the test already has a failure, which would fail every later point.
  std::vector<std::string> deferred;
  std::ostringstream table;
  for (const Config& c : configs) {
    if (only && std::string(only).rfind(std::string(c.name) + ":" + action_name(a) + ":", 0) != 0) continue;
    const Calib cal = calibrate(c);
    if (!cal.ok) {
      deferred.push_back(cal.failure);
      continue;
    }
    table << "[ SWEEP    ]   " << c.name << " " << action_name(a) << ":";
    for (const Window& w : cal.windows) {
      unsigned wt = 0, wf = 0;
      for (int64_t d = w.lo; d <= w.hi; ++d) {
        const std::string id = point_id(c, a, w, d);
        if (only ? id != only : (d - w.lo) % stride != 0) continue;
        ++tried;
        ++wt;
        PointInfo info;
        auto fails = capture_failures([&] { run_point(c, cal, a, w, d, info); });
        if (!info.outcome.empty()) ++outcomes[info.outcome];
        if (only) {
          printf("[ SWEEP    ] point %s: landing at doorbell+%lld, %zu failure(s)\n", id.c_str(),
                 (long long)(int64_t(w.anchor) + d - int64_t(cal.t0)), fails.size());
          for (auto& f : fails) ADD_FAILURE() << f;
        }
        if (fails.empty()) continue;
        ++failed;
        ++wf;
        failed_ids.push_back(id);
        // The first failure on one line.
        std::string first = fails[0].substr(fails[0].find(": ") + 2);
        for (auto& ch : first)
          if (ch == '\n') ch = ' ';
        if (first.size() > 400) first = first.substr(0, 400) + "...";
        printf("[ SWEEP FAIL ] %s (%zu failure(s)): %s\n  replay: DMAC_SWEEP_POINT=%s %s --gtest_filter=%s\n",
               id.c_str(), fails.size(), first.c_str(), id.c_str(), self_exe().c_str(), test.c_str());
        if (!only && reported++ < 2) {
          std::string all = "point " + id + " failed:\n";
          for (auto& f : fails) all += f.substr(0, 3000) + "\n";
          deferred.push_back(all);
        }
      }
      table << " " << w.name << " " << wt << "/" << wf;
    }
    table << "\n";
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  Verilated::threadContextp()->gotError(false);
  Verilated::threadContextp()->fatalOnError(saved_fatal);
  printf("%s", table.str().c_str());
  for (auto& [what, n] : outcomes) printf("[ SWEEP    ]   outcome: %s: %u\n", what.c_str(), n);
  printf("[ SWEEP    ] %s: %u points tried, %u failed (%.1f s)%s\n", test.c_str(), tried, failed, secs,
         stride > 1 ? (" [every " + std::to_string(stride) + "th landing edge]").c_str() : "");
  fflush(stdout);
  ::testing::Test::RecordProperty("points", std::to_string(tried));
  ::testing::Test::RecordProperty("failed_points", std::to_string(failed));
  if (only && tried == 0) GTEST_SKIP() << "DMAC_SWEEP_POINT=" << only << " is not a point of " << test;
  for (auto& d : deferred) ADD_FAILURE() << d;
  EXPECT_GT(tried, 0u);
  std::string list;
  for (size_t i = 0; i < failed_ids.size() && i < 20; ++i) list += " " + failed_ids[i];
  EXPECT_EQ(failed, 0u) << "failing points (first 20):" << list;
}

TEST(DmacInterleave, RingAbort) { sweep(kRingConfigs, Action::Abort); }
TEST(DmacInterleave, RingPauseResume) { sweep(kRingConfigs, Action::Pause); }
TEST(DmacInterleave, RingPausePulse) { sweep(kRingConfigs, Action::PausePulse); }
TEST(DmacInterleave, RingPauseAbort) { sweep(kRingConfigs, Action::PauseAbort); }
TEST(DmacInterleave, RingW1cVsTc) { sweep(kRingConfigs, Action::W1c); }
TEST(DmacInterleave, RingDoorbellWhileBusy) { sweep(kRingConfigs, Action::Doorbell); }
TEST(DmacInterleave, M2mAbort) { sweep(kM2mConfigs, Action::Abort); }
TEST(DmacInterleave, M2mPauseResume) { sweep(kM2mConfigs, Action::Pause); }
TEST(DmacInterleave, M2mPausePulse) { sweep(kM2mConfigs, Action::PausePulse); }
TEST(DmacInterleave, M2mPauseAbort) { sweep(kM2mConfigs, Action::PauseAbort); }
TEST(DmacInterleave, M2mW1cVsTc) { sweep(kM2mConfigs, Action::W1c); }
TEST(DmacInterleave, M2mDoorbellWhileBusy) { sweep(kM2mConfigs, Action::Doorbell); }

}  // namespace
}  // namespace test_dmac_interleave
