// Self-tests of the AXI4 / AXI4-Lite protocol checkers
// (models/axi/axi_protocol_checker.h): each violation injected on plain
// variables standing in for a model's pins, cycle by cycle, is caught as exactly
// its rule; seeded random legal traffic of every burst shape (narrow,
// unaligned, FIXED/INCR/WRAP, W ahead of AW, R interleaved across IDs, B
// reordered across IDs, random stalls on every channel) raises nothing; and the
// checkers are wired into DmacCore.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "Vaxi_test_top.h"
#include "models/axi/axi_protocol_checker.h"
#include "models/log.h"
#include "tb/dmac_core.h"

using namespace dmacosim;

namespace {

// Plain variables named like the model ports (empty prefix for the pin macros).
struct Axi4Sig {
  uint8_t awvalid = 0, awready = 0, awid = 0, awlen = 0, awsize = 3, awburst = AXI_BURST_INCR;
  uint32_t awaddr = 0;
  uint8_t wvalid = 0, wready = 0, wstrb = 0, wlast = 0;
  uint64_t wdata = 0;
  uint8_t bvalid = 0, bready = 0, bid = 0, bresp = 0;
  uint8_t arvalid = 0, arready = 0, arid = 0, arlen = 0, arsize = 3, arburst = AXI_BURST_INCR;
  uint32_t araddr = 0;
  uint8_t rvalid = 0, rready = 0, rid = 0, rresp = 0, rlast = 0;
  uint64_t rdata = 0;
};

struct AxiLiteSig {
  uint8_t awvalid = 0, awready = 0;
  uint16_t awaddr = 0;
  uint8_t wvalid = 0, wready = 0, wstrb = 0xF;
  uint32_t wdata = 0;
  uint8_t bvalid = 0, bready = 0, bresp = 0;
  uint8_t arvalid = 0, arready = 0;
  uint16_t araddr = 0;
  uint8_t rvalid = 0, rready = 0, rresp = 0;
  uint32_t rdata = 0;
};

std::vector<std::string> rules_of(const AxiCheckerBase& c) {
  std::vector<std::string> r;
  for (const auto& v : c.violations()) r.push_back(v.rule);
  return r;
}
using Rules = std::vector<std::string>;

// AXI4 rig: one-cycle handshake helpers (VALID and READY both high for one
// sample), and tick() for stalls.
struct Rig4 {
  Axi4Sig s;
  Axi4Checker chk{DMACOSIM_AXI4_MANAGER_PINS(s, ), "test.axi4"};
  uint64_t cyc = 0;
  Rig4() {
    chk.set_global_tally(false);
    chk.set_log(false);
  }
  void tick(unsigned n = 1, bool in_reset = false) {
    for (unsigned i = 0; i < n; ++i) chk.sample(++cyc, in_reset);
  }
  void set_ar(uint8_t id, uint32_t addr, uint8_t len, uint8_t size = 3, uint8_t burst = AXI_BURST_INCR) {
    s.arid = id; s.araddr = addr; s.arlen = len; s.arsize = size; s.arburst = burst;
  }
  void set_aw(uint8_t id, uint32_t addr, uint8_t len, uint8_t size = 3, uint8_t burst = AXI_BURST_INCR) {
    s.awid = id; s.awaddr = addr; s.awlen = len; s.awsize = size; s.awburst = burst;
  }
  void ar(uint8_t id, uint32_t addr, uint8_t len, uint8_t size = 3, uint8_t burst = AXI_BURST_INCR) {
    set_ar(id, addr, len, size, burst);
    s.arvalid = s.arready = 1;
    tick();
    s.arvalid = s.arready = 0;
  }
  void aw(uint8_t id, uint32_t addr, uint8_t len, uint8_t size = 3, uint8_t burst = AXI_BURST_INCR) {
    set_aw(id, addr, len, size, burst);
    s.awvalid = s.awready = 1;
    tick();
    s.awvalid = s.awready = 0;
  }
  void w(uint8_t strb, bool last) {
    s.wstrb = strb; s.wlast = last; s.wvalid = s.wready = 1;
    tick();
    s.wvalid = s.wready = 0;
  }
  void wburst(unsigned beats, uint8_t strb = 0xFF) {
    for (unsigned k = 0; k < beats; ++k) w(strb, k + 1 == beats);
  }
  void r(uint8_t id, bool last, uint8_t resp = AXI_OKAY) {
    s.rid = id; s.rlast = last; s.rresp = resp; s.rvalid = s.rready = 1;
    tick();
    s.rvalid = s.rready = 0;
  }
  void rburst(uint8_t id, unsigned beats) {
    for (unsigned k = 0; k < beats; ++k) r(id, k + 1 == beats);
  }
  void b(uint8_t id, uint8_t resp = AXI_OKAY) {
    s.bid = id; s.bresp = resp; s.bvalid = s.bready = 1;
    tick();
    s.bvalid = s.bready = 0;
  }
  Rules rules() const { return rules_of(chk); }
};

struct RigL {
  AxiLiteSig s;
  AxiLiteChecker chk{DMACOSIM_AXIL_SUBORDINATE_PINS(s, ), "test.axil"};
  uint64_t cyc = 0;
  RigL() {
    chk.set_global_tally(false);
    chk.set_log(false);
  }
  void tick(unsigned n = 1, bool in_reset = false) {
    for (unsigned i = 0; i < n; ++i) chk.sample(++cyc, in_reset);
  }
  void aw() { s.awvalid = s.awready = 1; tick(); s.awvalid = s.awready = 0; }
  void w() { s.wvalid = s.wready = 1; tick(); s.wvalid = s.wready = 0; }
  void b(uint8_t resp = AXI_OKAY) { s.bresp = resp; s.bvalid = s.bready = 1; tick(); s.bvalid = s.bready = 0; }
  void ar() { s.arvalid = s.arready = 1; tick(); s.arvalid = s.arready = 0; }
  void r(uint8_t resp = AXI_OKAY) { s.rresp = resp; s.rvalid = s.rready = 1; tick(); s.rvalid = s.rready = 0; }
  Rules rules() const { return rules_of(chk); }
};

}  // namespace

// ------------------------------------------------------------ handshake stability

// VALID dropped before READY, on each of the five channels.
TEST(Axi4Checker, ValidDroppedBeforeReadyOnEveryChannel) {
  struct Case { const char* rule; uint8_t Axi4Sig::*valid; };
  const Case cases[] = {{"AW.valid_dropped", &Axi4Sig::awvalid}, {"W.valid_dropped", &Axi4Sig::wvalid},
                        {"B.valid_dropped", &Axi4Sig::bvalid},   {"AR.valid_dropped", &Axi4Sig::arvalid},
                        {"R.valid_dropped", &Axi4Sig::rvalid}};
  for (const auto& c : cases) {
    Rig4 g;
    // Give B and R a request to answer so only the drop is wrong.
    g.ar(0, 0x100, 0);
    g.aw(0, 0x200, 0);
    g.w(0xFF, true);
    g.s.rlast = 1;
    g.s.*c.valid = 1;  // READY low
    g.tick(3);
    g.s.*c.valid = 0;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{c.rule}) << c.rule;
  }
}

TEST(Axi4Checker, PayloadChangedWhileStalled) {
  {
    Rig4 g;
    g.set_ar(1, 0x1000, 3);
    g.s.arvalid = 1;
    g.tick(2);
    g.s.araddr = 0x1040;  // moved while ARREADY low
    g.tick();
    g.s.arready = 1;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{"AR.payload_changed"});
  }
  {
    Rig4 g;
    g.aw(0, 0x0, 1);
    g.s.wvalid = 1; g.s.wstrb = 0xFF; g.s.wdata = 1;
    g.tick();
    g.s.wdata = 2;  // data changed while WREADY low
    g.tick();
    g.s.wready = 1;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{"W.payload_changed"});
  }
  {
    Rig4 g;
    g.ar(2, 0x0, 0);
    g.s.rvalid = 1; g.s.rid = 2; g.s.rlast = 1; g.s.rresp = AXI_OKAY;
    g.tick();
    g.s.rresp = AXI_SLVERR;  // the subordinate changed its mind while RREADY low
    g.tick();
    g.s.rready = 1;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{"R.payload_changed"});
  }
  {
    Rig4 g;
    g.aw(3, 0x0, 0);
    g.w(0xFF, true);
    g.s.bvalid = 1; g.s.bid = 3;
    g.tick();
    g.s.bresp = AXI_SLVERR;
    g.tick();
    g.s.bready = 1;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{"B.payload_changed"});
  }
}

// ------------------------------------------------------------ burst rules

TEST(Axi4Checker, AddressChannelBurstRules) {
  struct Case { const char* rule; uint32_t addr; uint8_t len, size, burst; };
  const Case cases[] = {
      {"4k", 0x0FF8, 1, 3, AXI_BURST_INCR},         // 2 beats over 0x1000
      {"4k", 0x1FF9, 1, 3, AXI_BURST_INCR},         // unaligned start, second beat in the next page
      {"4k", 0x0F00, 255, 0, AXI_BURST_INCR},       // 256 bytes from 0xF00 reach 0xFFF: legal... see below
      {"size", 0x1000, 0, 4, AXI_BURST_INCR},       // 16-byte beats on an 8-byte bus
      {"wrap", 0x1000, 2, 3, AXI_BURST_WRAP},       // 3-beat wrap
      {"wrap", 0x1004, 3, 3, AXI_BURST_WRAP},       // unaligned wrap
      {"fixed_len", 0x1000, 16, 2, AXI_BURST_FIXED},  // 17 beats
      {"burst", 0x1000, 0, 3, 3},                   // reserved
  };
  for (const auto& c : cases) {
    for (const char* ch : {"AR", "AW"}) {
      Rig4 g;
      if (ch[1] == 'R') g.ar(0, c.addr, c.len, c.size, c.burst);
      else g.aw(0, c.addr, c.len, c.size, c.burst);
      const bool legal = c.addr == 0x0F00;  // [0xF00, 0xFFF] stays inside the page
      if (legal) EXPECT_EQ(g.rules(), Rules{}) << ch;
      else EXPECT_EQ(g.rules(), Rules{std::string(ch) + "." + c.rule}) << ch << " addr 0x" << std::hex << c.addr;
    }
  }
  Rig4 g;  // 0xF01 + 256 bytes does cross
  g.ar(0, 0x0F01, 255, 0);
  EXPECT_EQ(g.rules(), Rules{"AR.4k"});
}

TEST(Axi4Checker, WlastEarlyLateMissing) {
  {
    Rig4 g;
    g.aw(0, 0x0, 3);
    g.w(0xFF, false);
    g.w(0xFF, true);  // beat 1 of 4
    EXPECT_EQ(g.rules(), Rules{"W.wlast_early"});
    // The checker resyncs at WLAST: the next burst checks clean.
    g.aw(0, 0x100, 1);
    g.wburst(2);
    g.b(0);
    g.b(0);
    EXPECT_EQ(g.rules(), Rules{"W.wlast_early"});
  }
  {
    Rig4 g;  // late: no WLAST on the last beat (it comes one beat later)
    g.aw(0, 0x0, 1);
    g.w(0xFF, false);
    g.w(0xFF, false);
    EXPECT_EQ(g.rules(), Rules{"W.wlast_missing"});
  }
  {
    Rig4 g;  // single-beat burst without WLAST
    g.aw(0, 0x0, 0);
    g.w(0xFF, false);
    EXPECT_EQ(g.rules(), Rules{"W.wlast_missing"});
  }
}

TEST(Axi4Checker, WstrbOutsideTheBeat) {
  struct Case { uint32_t addr; uint8_t len, size, burst; std::vector<uint8_t> strb; bool bad; };
  const Case cases[] = {
      {0x1003, 0, 0, AXI_BURST_INCR, {0x08}, false},             // byte at lane 3
      {0x1003, 0, 0, AXI_BURST_INCR, {0x10}, true},              // wrong lane
      {0x1004, 1, 3, AXI_BURST_INCR, {0xF0, 0xFF}, false},       // unaligned first beat
      {0x1004, 1, 3, AXI_BURST_INCR, {0xFF, 0xFF}, true},        // lanes below the start address
      {0x1002, 2, 1, AXI_BURST_INCR, {0x0C, 0x30, 0xC0}, false}, // narrow 16-bit beats walk the lanes
      {0x1002, 2, 1, AXI_BURST_INCR, {0x0C, 0x0C, 0xC0}, true},  // beat 1 on beat 0's lanes
      {0x1006, 2, 1, AXI_BURST_FIXED, {0xC0, 0xC0, 0x40}, false},  // FIXED repeats (subset is fine)
      {0x1008, 3, 2, AXI_BURST_WRAP, {0x0F, 0xF0, 0x0F, 0xF0}, false},
      {0x1008, 3, 2, AXI_BURST_WRAP, {0x0F, 0xF0, 0xF0, 0xF0}, true},
      {0x100C, 3, 2, AXI_BURST_WRAP, {0xF0, 0x0F, 0xF0, 0x0F}, false},  // wraps 0x100C,0x1000,0x1004,0x1008
  };
  for (const auto& c : cases) {
    Rig4 g;
    g.aw(0, c.addr, c.len, c.size, c.burst);
    for (size_t k = 0; k < c.strb.size(); ++k) g.w(c.strb[k], k + 1 == c.strb.size());
    EXPECT_EQ(g.rules(), c.bad ? Rules{"W.wstrb"} : Rules{}) << "addr 0x" << std::hex << c.addr;
  }
}

// ------------------------------------------------------------ responses

TEST(Axi4Checker, ReadWithUnknownIdOrNoRequest) {
  Rig4 g;
  g.r(0, true);  // nothing outstanding
  EXPECT_EQ(g.rules(), Rules{"R.no_request"});
  Rig4 h;
  h.ar(1, 0x0, 0);
  h.r(2, true);  // ID 2 never requested
  EXPECT_EQ(h.rules(), Rules{"R.no_request"});
  h.r(1, true);
  EXPECT_EQ(h.rules(), Rules{"R.no_request"});
}

TEST(Axi4Checker, ResponseInTheCycleOfItsRequestIsEarly) {
  Rig4 g;  // RVALID in the AR handshake cycle
  g.set_ar(1, 0x0, 0);
  g.s.arvalid = g.s.arready = 1;
  g.s.rvalid = g.s.rready = 1; g.s.rid = 1; g.s.rlast = 1;
  g.tick();
  EXPECT_EQ(g.rules(), Rules{"R.no_request"});
  Rig4 h;  // BVALID in the cycle of the last W beat
  h.aw(1, 0x0, 1);
  h.w(0xFF, false);
  h.s.wvalid = h.s.wready = 1; h.s.wlast = 1;
  h.s.bvalid = h.s.bready = 1; h.s.bid = 1;
  h.tick();
  EXPECT_EQ(h.rules(), Rules{"B.before_data"});
}

TEST(Axi4Checker, RlastOnTheWrongBeat) {
  Rig4 g;
  g.ar(0, 0x0, 3);
  g.r(0, false);
  g.r(0, true);  // beat 1 of 4
  EXPECT_EQ(g.rules(), Rules{"R.rlast_early"});
  Rig4 h;
  h.ar(0, 0x0, 1);
  h.r(0, false);
  h.r(0, false);
  EXPECT_EQ(h.rules(), Rules{"R.rlast_missing"});
}

// Two reads with one ID answered in the wrong order: caught, and the checker
// then follows the actual order (no cascade of RLAST errors).
TEST(Axi4Checker, OutOfOrderResponsesForTheSameId) {
  for (bool short_first : {true, false}) {
    Rig4 g;
    const uint8_t first_len = short_first ? 3 : 0, second_len = short_first ? 0 : 3;
    g.ar(5, 0x0, first_len);
    g.ar(5, 0x100, second_len);
    g.rburst(5, second_len + 1u);  // the second read's data first
    g.rburst(5, first_len + 1u);
    EXPECT_EQ(g.rules(), Rules{"R.order"}) << short_first;
    EXPECT_EQ(g.chk.outstanding_reads(), 0u);
  }
}

TEST(Axi4Checker, WriteResponseRules) {
  {
    Rig4 g;  // B before the burst's data completed
    g.aw(0, 0x0, 1);
    g.w(0xFF, false);
    g.b(0);
    EXPECT_EQ(g.rules(), Rules{"B.before_data"});
    g.w(0xFF, true);  // the late data is absorbed: nothing further
    EXPECT_EQ(g.rules(), Rules{"B.before_data"});
    EXPECT_EQ(g.chk.outstanding_writes(), 0u);
  }
  {
    Rig4 g;  // B without any AW
    g.b(0);
    EXPECT_EQ(g.rules(), Rules{"B.no_request"});
  }
  {
    Rig4 g;  // B with the wrong ID
    g.aw(1, 0x0, 0);
    g.w(0xFF, true);
    g.b(2);
    EXPECT_EQ(g.rules(), Rules{"B.no_request"});
  }
  {
    Rig4 g;  // data before its address, all beats, then B once AW came: legal
    g.wburst(4);
    g.aw(0, 0x0, 3);
    g.b(0);
    EXPECT_EQ(g.rules(), Rules{});
  }
}

TEST(Axi4Checker, ExokayWithoutExclusiveAccess) {
  Rig4 g;
  g.ar(0, 0x0, 0);
  g.r(0, true, AXI_EXOKAY);
  g.aw(0, 0x0, 0);
  g.w(0xFF, true);
  g.b(0, AXI_EXOKAY);
  EXPECT_EQ(g.rules(), (Rules{"R.resp", "B.resp"}));
  // SLVERR and DECERR are legal responses.
  Rig4 h;
  h.ar(0, 0x0, 1);
  h.r(0, false, AXI_SLVERR);
  h.r(0, true, AXI_DECERR);
  EXPECT_EQ(h.rules(), Rules{});
}

// ------------------------------------------------------------ reset, hang

TEST(Axi4Checker, ValidDuringReset) {
  Rig4 g;
  g.s.arvalid = 1;  // high at the first sample in reset: the synchronous reset has not acted yet
  g.tick(1, true);
  EXPECT_EQ(g.rules(), Rules{});
  g.tick(1, true);  // still high after an edge in reset
  EXPECT_EQ(g.rules(), Rules{"reset.valid"});
  g.s.arvalid = 0;
  g.s.rvalid = 1;
  g.tick(1, true);
  EXPECT_EQ(g.rules(), (Rules{"reset.valid", "reset.valid"}));
  g.s.rvalid = 0;
  g.tick(2, true);
  g.s.awvalid = 1;  // in the first cycle after release
  g.tick();
  EXPECT_EQ(g.rules().size(), 3u);
  g.s.awready = 1;
  g.tick();
  g.s.awvalid = 0;
  g.tick();
  EXPECT_EQ(g.rules().size(), 3u);
  // Reset drops in-flight state: a response to a request from before reset is unexpected.
  Rig4 h;
  h.ar(0, 0x0, 0);
  h.tick(3, true);
  h.tick();
  h.r(0, true);
  EXPECT_EQ(h.rules(), Rules{"R.no_request"});
}

TEST(Axi4Checker, HangTimeouts) {
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.set_ar(0, 0x0, 0);
    g.s.arvalid = 1;  // ARREADY never comes
    g.tick(250);
    EXPECT_EQ(g.rules(), Rules{"hang.handshake"});
    EXPECT_NE(g.chk.violations()[0].message.find("ARVALID high for 100 cycles"), std::string::npos)
        << g.chk.violations()[0].message;
  }
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.ar(0, 0x0, 3);
    g.r(0, false);
    g.tick(90);
    g.r(0, false);  // progress restarts the clock
    g.tick(150);
    EXPECT_EQ(g.rules(), Rules{"hang.read"});
    EXPECT_EQ(g.chk.violations()[0].cycle, 93u + 101u) << "timed from the last R beat (cycle 93)";
  }
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.aw(0, 0x0, 1);
    g.w(0xFF, false);
    g.tick(150);  // second beat never comes
    EXPECT_EQ(g.rules(), Rules{"hang.write_data"});
  }
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.aw(0, 0x0, 0);
    g.w(0xFF, true);
    g.tick(150);  // no B
    EXPECT_EQ(g.rules(), Rules{"hang.write"});
  }
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.w(0xFF, true);
    g.tick(150);  // no AW for the data
    EXPECT_EQ(g.rules(), Rules{"hang.write_addr"});
  }
  {
    Rig4 g;  // 0 disables
    g.chk.set_hang_timeout(0);
    g.s.arvalid = 1;
    g.tick(500);
    EXPECT_EQ(g.rules(), Rules{});
  }
}

// The checkers read a channel's payload only while it stalls and credit an R
// beat to the read found when it was first presented: the watchdogs still fire
// at the cycle their timeout ends, after a stretch of flowing handshakes.
TEST(Axi4Checker, WatchdogsFireAtTheCycleTheTimeoutEnds) {
  auto first = [](const Rig4& g) { return g.chk.violations().empty() ? 0 : g.chk.violations()[0].cycle; };
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.ar(0, 0x0, 1);   // cycle 1
    g.rburst(0, 2);    // cycles 2, 3
    g.set_ar(0, 0x40, 0);
    g.s.arvalid = 1;   // from cycle 4, ARREADY never comes
    g.tick(150);
    EXPECT_EQ(g.rules(), Rules{"hang.handshake"});
    EXPECT_EQ(first(g), 104u) << "VALID high since cycle 4, 100 cycles";
  }
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.aw(0, 0x0, 0);   // cycle 1: nothing outstanding before it
    g.w(0xFF, true);   // cycle 2: data complete, no B
    g.tick(150);
    EXPECT_EQ(g.rules(), Rules{"hang.write"});
    EXPECT_EQ(first(g), 102u) << "last idle sample cycle 1, more than 100 cycles";
  }
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.aw(0, 0x0, 1);
    g.w(0xFF, false);  // cycle 2: the last W progress
    g.tick(150);
    EXPECT_EQ(g.rules(), Rules{"hang.write_data"});
    EXPECT_EQ(first(g), 103u);
  }
  {
    Rig4 g;
    g.chk.set_hang_timeout(100);
    g.ar(0, 0x0, 0);
    g.r(0, true);
    g.w(0xFF, true);   // cycle 3: data without an AW
    g.tick(150);
    EXPECT_EQ(g.rules(), Rules{"hang.write_addr"});
    EXPECT_EQ(first(g), 103u) << "last idle sample cycle 2, more than 100 cycles";
  }
  {
    RigL g;
    g.chk.set_hang_timeout(50);
    g.ar();
    g.r();             // cycles 1, 2: answered
    g.ar();            // cycle 3: never answered
    g.tick(100);
    EXPECT_EQ(g.rules(), Rules{"hang.read"});
    EXPECT_EQ(g.chk.violations()[0].cycle, 54u) << "accepted at cycle 3, more than 50 cycles";
  }
}

// An R beat held by RREADY low is credited, when it is taken, to the oldest
// read of its ID: the same read as a beat taken at once (silent), and a beat
// that follows the wrong read is still caught after the stall (fires).
TEST(Axi4Checker, StalledRBeatCreditsTheOldestReadOfItsId) {
  for (bool wrong : {false, true}) {
    Rig4 g;
    g.ar(1, 0x0, 1);
    g.ar(2, 0x100, 0);
    g.ar(1, 0x200, 0);
    g.s.rid = 1; g.s.rlast = 0; g.s.rvalid = 1; g.s.rready = 0;
    g.tick(3);         // first beat of the first ID-1 read waits for RREADY
    g.s.rready = 1;
    g.tick();
    g.s.rvalid = g.s.rready = 0;
    g.r(2, true);
    g.r(1, !wrong);    // the first ID-1 read's last beat (without RLAST when wrong)
    g.r(1, true);      // the second ID-1 read
    EXPECT_EQ(g.rules(), wrong ? Rules{"R.rlast_missing"} : Rules{}) << wrong;
    EXPECT_EQ(g.chk.outstanding_reads(), 0u) << wrong;
  }
}

TEST(Axi4Checker, PolicyCountersAndGlobalTally) {
  Rig4 g;
  g.r(0, true);
  g.r(0, true);
  EXPECT_EQ(g.chk.violation_count(), 2u);
  EXPECT_EQ(g.chk.count("R.no_request"), 2u);
  EXPECT_EQ(g.chk.count("W.wstrb"), 0u);
  EXPECT_NE(g.chk.report().find("[R.no_request] cycle 1"), std::string::npos) << g.chk.report();
  g.chk.clear_violations();
  EXPECT_EQ(g.chk.violation_count(), 0u);

  g.chk.set_policy(AxiCheckerPolicy::Throw);
  g.s.rvalid = g.s.rready = 1;
  try {
    g.tick();
    ADD_FAILURE() << "no exception";
  } catch (const AxiProtocolViolation& e) {
    EXPECT_EQ(e.violation.rule, "R.no_request");
    EXPECT_NE(std::string(e.what()).find("test.axi4"), std::string::npos);
  }

  // Logged as an error and counted in the process-wide tally (which the test
  // main turns into a failure; restored here since this one is on purpose).
  auto& tally = axi_checker_tally();
  const AxiCheckerTally saved = tally;
  Rig4 h;
  h.chk.set_global_tally(true);
  h.chk.set_log(true);
  const size_t logged = Log::instance().count(LogLevel::Error, "[B.no_request]");
  h.b(0);
  EXPECT_EQ(tally.violations, saved.violations + 1);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "[B.no_request]"), logged + 1);
  tally = saved;
}

// A hang.* rule is a liveness watchdog (a subordinate may stall forever in
// legal AXI): its log line says "no progress", an AXI rule's says "protocol
// violation".
TEST(Axi4Checker, HangIsLoggedAsNoProgressNotAsAViolation) {
  auto& tally = axi_checker_tally();
  const AxiCheckerTally saved = tally;
  Log& log = Log::instance();
  const size_t hang0 = log.count(LogLevel::Error, "AXI no progress [hang.read] at cycle");
  const size_t rule0 = log.count(LogLevel::Error, "AXI protocol violation [B.no_request] at cycle");
  const size_t wrong0 = log.count(LogLevel::Error, "AXI protocol violation [hang.");
  Rig4 g;
  g.chk.set_log(true);
  g.chk.set_hang_timeout(100);
  g.ar(0, 0x0, 3);
  g.tick(150);  // no R beat
  g.b(0);       // a B nobody asked for
  EXPECT_EQ(g.rules(), (Rules{"hang.read", "B.no_request"}));
  EXPECT_EQ(log.count(LogLevel::Error, "AXI no progress [hang.read] at cycle"), hang0 + 1);
  EXPECT_EQ(log.count(LogLevel::Error, "AXI protocol violation [B.no_request] at cycle"), rule0 + 1);
  EXPECT_EQ(log.count(LogLevel::Error, "AXI protocol violation [hang."), wrong0);
  tally = saved;
}

// ------------------------------------------------------------ clean random traffic

namespace {

// A legal manager and subordinate on the Axi4Sig variables with random stalls
// on every channel: bursts of all shapes, W up to a burst ahead of AW, up to 4
// IDs, R interleaved across IDs, B in any order across IDs (in order per ID).
struct LegalTraffic {
  struct Burst { uint8_t id, len, size, burst; uint32_t addr; };
  Rig4 g;
  std::mt19937 rng;
  std::deque<Burst> aw_todo, w_todo, ar_todo;
  std::vector<uint8_t> aw_ids;                  // IDs of the writes in AW (= data) order
  std::map<uint8_t, std::deque<Burst>> reads;   // accepted reads per ID
  std::map<uint8_t, unsigned> r_beat, b_ready;  // per ID: beats returned; writes answerable
  unsigned w_beat = 0, aw_done = 0, w_bursts_done = 0, answerable = 0, total = 0;
  uint64_t reads_done = 0, writes_done = 0, r_beats = 0;

  explicit LegalTraffic(uint32_t seed) : rng(seed) {}
  bool coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  unsigned rnd(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng); }

  Burst random_burst() {
    Burst b{};
    b.id = uint8_t(rnd(4));
    b.size = uint8_t(rnd(4));
    const uint32_t bytes = 1u << b.size;
    switch (rnd(3)) {
      case 0: {  // INCR, unaligned start allowed, clipped to the 4 KiB page
        b.burst = AXI_BURST_INCR;
        b.addr = 0x10000 + rnd(0x3000);
        const uint32_t room = (0x1000 - ((b.addr & ~(bytes - 1)) & 0xFFF)) / bytes;
        const unsigned want = coin(0.2) ? 256 : 1 + rnd(16);
        b.len = uint8_t(std::min<uint32_t>(want, room) - 1);
        break;
      }
      case 1:
        b.burst = AXI_BURST_FIXED;
        b.addr = 0x20000 + rnd(0x100);
        b.len = uint8_t(rnd(16));
        break;
      default: {
        b.burst = AXI_BURST_WRAP;
        const unsigned lens[] = {1, 3, 7, 15};
        b.len = uint8_t(lens[rnd(4)]);
        b.addr = (0x30000 + rnd(0x1000)) & ~(bytes - 1);
        break;
      }
    }
    return b;
  }
  void add(unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
      Burst b = random_burst();
      if (coin(0.5)) {
        aw_todo.push_back(b);
        w_todo.push_back(b);
        aw_ids.push_back(b.id);
      } else {
        ar_todo.push_back(b);
      }
    }
    total += n;
  }
  // Legal strobes for beat k (computed independently of the checker): all of
  // the beat's lanes or a random non-empty subset.
  uint8_t strobe(const Burst& b, unsigned k) {
    const uint64_t bytes = 1ull << b.size;
    const uint64_t aligned = b.addr & ~(bytes - 1);
    uint64_t a;
    if (b.burst == AXI_BURST_FIXED || k == 0) {
      a = b.addr;
    } else if (b.burst == AXI_BURST_WRAP) {
      const uint64_t span = bytes * (b.len + 1u), base = aligned / span * span;
      a = aligned + k * bytes;
      if (a >= base + span) a -= span;
    } else {
      a = aligned + k * bytes;
    }
    const unsigned lo = unsigned(a & 7), hi = unsigned(((a & ~(bytes - 1)) + bytes) - (a & ~7ull));
    const unsigned allowed = ((1u << hi) - 1) & ~((1u << lo) - 1);
    const unsigned sub = allowed & unsigned(rng());
    return uint8_t(coin(0.5) || !sub ? allowed : sub);
  }

  void run() {
    Axi4Sig& s = g.s;
    for (uint64_t guard = 0; guard < 2'000'000; ++guard) {
      if (aw_todo.empty() && w_todo.empty() && ar_todo.empty() && !s.rvalid && !s.bvalid &&
          reads_done + writes_done == total)
        break;
      // Manager outputs (held while stalled).
      if (!s.awvalid && !aw_todo.empty() && coin(0.5)) {
        const Burst& b = aw_todo.front();
        g.set_aw(b.id, b.addr, b.len, b.size, b.burst);
        s.awvalid = 1;
      }
      if (!s.wvalid && !w_todo.empty() && w_bursts_done <= aw_done + 1 && coin(0.6)) {  // W leads AW by <= 1 burst
        const Burst& b = w_todo.front();
        s.wstrb = strobe(b, w_beat);
        s.wlast = w_beat == b.len;
        s.wdata = rng();
        s.wvalid = 1;
      }
      if (!s.arvalid && !ar_todo.empty() && coin(0.5)) {
        const Burst& b = ar_todo.front();
        g.set_ar(b.id, b.addr, b.len, b.size, b.burst);
        s.arvalid = 1;
      }
      s.rready = coin(0.7);
      s.bready = coin(0.7);
      // Subordinate outputs.
      s.awready = coin(0.6);
      s.wready = coin(0.6);
      s.arready = coin(0.6);
      if (!s.rvalid) {
        std::vector<uint8_t> ids;
        for (auto& [id, q] : reads)
          if (!q.empty()) ids.push_back(id);
        if (!ids.empty() && coin(0.7)) {  // interleave across IDs beat by beat
          const uint8_t id = ids[rnd(unsigned(ids.size()))];
          s.rid = id;
          s.rlast = r_beat[id] == reads[id].front().len;
          s.rresp = coin(0.9) ? AXI_OKAY : AXI_SLVERR;
          s.rdata = rng();
          s.rvalid = 1;
        }
      }
      if (!s.bvalid) {
        std::vector<uint8_t> ids;
        for (auto& [id, n] : b_ready)
          if (n) ids.push_back(id);
        if (!ids.empty() && coin(0.5)) {  // any ID with an answerable write
          s.bid = ids[rnd(unsigned(ids.size()))];
          s.bresp = coin(0.9) ? AXI_OKAY : AXI_DECERR;
          s.bvalid = 1;
        }
      }
      g.tick();
      // Handshakes at this edge.
      if (s.rvalid && s.rready) {
        ++r_beats;
        if (s.rlast) {
          reads[s.rid].pop_front();
          r_beat[s.rid] = 0;
          ++reads_done;
        } else {
          ++r_beat[s.rid];
        }
        s.rvalid = 0;
      }
      if (s.bvalid && s.bready) {
        --b_ready[s.bid];
        ++writes_done;
        s.bvalid = 0;
      }
      if (s.arvalid && s.arready) {
        reads[s.arid].push_back(ar_todo.front());
        ar_todo.pop_front();
        s.arvalid = 0;
      }
      if (s.wvalid && s.wready) {
        if (s.wlast) {
          w_todo.pop_front();
          w_beat = 0;
          ++w_bursts_done;
        } else {
          ++w_beat;
        }
        s.wvalid = 0;
      }
      if (s.awvalid && s.awready) {
        aw_todo.pop_front();
        ++aw_done;
        s.awvalid = 0;
      }
      // The k-th write may be answered once its AW and its last data beat are in.
      for (; answerable < std::min(aw_done, w_bursts_done); ++answerable) ++b_ready[aw_ids[answerable]];
    }
  }
};

}  // namespace

TEST(Axi4Checker, CleanRandomTrafficRaisesNothing) {
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
    LegalTraffic t(seed);
    t.add(400);
    t.run();
    EXPECT_EQ(t.g.rules(), Rules{}) << "seed " << seed << "\n" << t.g.chk.report();
    EXPECT_EQ(t.reads_done + t.writes_done, 400u) << "seed " << seed;
    EXPECT_GT(t.r_beats, 400u);
    EXPECT_EQ(t.g.chk.outstanding_reads() + t.g.chk.outstanding_writes(), 0u);
  }
}

// ------------------------------------------------------------ AXI4-Lite

TEST(AxiLiteChecker, StabilityRules) {
  {
    RigL g;
    g.s.awvalid = 1;
    g.tick(2);
    g.s.awvalid = 0;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{"AW.valid_dropped"});
  }
  {
    RigL g;
    g.s.wvalid = 1; g.s.wdata = 5;
    g.tick();
    g.s.wstrb = 0x3;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{"W.payload_changed"});
  }
  {
    RigL g;
    g.ar();
    g.s.rvalid = 1; g.s.rdata = 1;
    g.tick();
    g.s.rdata = 2;
    g.tick();
    g.s.rvalid = 0;
    g.tick();
    EXPECT_EQ(g.rules(), (Rules{"R.payload_changed", "R.valid_dropped"}));
  }
  {
    RigL g;
    g.aw();
    g.w();
    g.s.bvalid = 1;
    g.tick();
    g.s.bvalid = 0;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{"B.valid_dropped"});
  }
}

TEST(AxiLiteChecker, ResponseRules) {
  {
    RigL g;
    g.r();
    EXPECT_EQ(g.rules(), Rules{"R.no_request"});
  }
  {
    RigL g;  // two reads, three responses
    g.ar(); g.ar();
    g.r(); g.r(); g.r();
    EXPECT_EQ(g.rules(), Rules{"R.no_request"});
  }
  {
    RigL g;
    g.b();
    EXPECT_EQ(g.rules(), Rules{"B.no_request"});
  }
  {
    RigL g;  // B after AW but before W
    g.aw();
    g.b();
    g.w();  // the late data belongs to the answered write
    g.aw(); g.w(); g.b();
    EXPECT_EQ(g.rules(), Rules{"B.before_data"});
  }
  {
    RigL g;
    g.ar(); g.r(AXI_EXOKAY);
    g.aw(); g.w(); g.b(AXI_EXOKAY);
    EXPECT_EQ(g.rules(), (Rules{"R.resp", "B.resp"}));
  }
  {
    RigL g;  // W before AW, SLVERR/DECERR: legal
    g.w(); g.aw(); g.b(AXI_SLVERR);
    g.ar(); g.r(AXI_DECERR);
    EXPECT_EQ(g.rules(), Rules{});
  }
}

TEST(AxiLiteChecker, ResetAndHang) {
  {
    RigL g;
    g.s.bvalid = 1;
    g.tick(3, true);
    EXPECT_EQ(g.rules(), (Rules{"reset.valid", "reset.valid"}));
  }
  {
    RigL g;  // after release: the manager may be tolerated, the subordinate never
    g.chk.set_manager_valid_at_release_ok(true);
    g.tick(3, true);
    g.s.arvalid = 1;
    g.s.arready = 1;
    g.tick();
    EXPECT_EQ(g.rules(), Rules{});
    g.s.arvalid = g.s.arready = 0;
    g.tick(3, true);
    g.s.rvalid = 1;
    g.tick();
    EXPECT_EQ(g.rules(), (Rules{"reset.valid", "R.no_request"}));
  }
  {
    RigL g;
    g.chk.set_hang_timeout(50);
    g.s.arvalid = 1;
    g.tick(100);
    EXPECT_EQ(g.rules(), Rules{"hang.handshake"});
  }
  {
    RigL g;
    g.chk.set_hang_timeout(50);
    g.ar();
    g.tick(100);
    EXPECT_EQ(g.rules(), Rules{"hang.read"});
  }
  {
    RigL g;
    g.chk.set_hang_timeout(50);
    g.aw(); g.w();
    g.tick(100);
    EXPECT_EQ(g.rules(), Rules{"hang.write"});
  }
  {
    RigL g;
    g.chk.set_hang_timeout(50);
    g.aw();
    g.tick(100);
    EXPECT_EQ(g.rules(), Rules{"hang.write_data"});
  }
}

// A register port idle for long stretches (the checker's fast return):
// whatever comes after the stretch is still checked at its own cycle, and a
// read left unanswered across idle cycles times out exactly hang cycles after
// its AR, as without the stretch.
TEST(AxiLiteChecker, IdleStretchesHideNothing) {
  RigL g;
  g.chk.set_hang_timeout(50);
  g.tick(4, true);
  g.tick(200);
  EXPECT_EQ(g.rules(), Rules{});
  g.r();  // no AR before it
  EXPECT_EQ(g.rules(), Rules{"R.no_request"});
  EXPECT_EQ(g.chk.violations().back().cycle, 205u);
  g.tick(300);
  g.ar();  // at cycle 506: no R after it; more than 50 cycles later is 557
  g.tick(50);
  EXPECT_EQ(g.rules(), Rules{"R.no_request"});
  g.tick();
  EXPECT_EQ(g.rules(), (Rules{"R.no_request", "hang.read"}));
  EXPECT_EQ(g.chk.violations().back().cycle, 557u);
  g.r();  // answered at 558: quiet again, then a B without a write
  g.tick(100);
  g.b();
  EXPECT_EQ(g.rules(), (Rules{"R.no_request", "hang.read", "B.no_request"}));
  EXPECT_EQ(g.chk.violations().back().cycle, 659u);
}

TEST(AxiLiteChecker, CleanRandomTrafficRaisesNothing) {
  RigL g;
  std::mt19937 rng(9);
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  unsigned aw_left = 200, w_left = 200, ar_left = 200, aw_n = 0, w_n = 0, b_n = 0, ar_n = 0, r_n = 0;
  for (int i = 0; i < 20000 && (b_n < 200 || r_n < 200); ++i) {
    AxiLiteSig& s = g.s;
    if (!s.awvalid && aw_left && coin(0.4)) { s.awvalid = 1; s.awaddr = uint16_t(rng() & 0xFFC); }
    if (!s.wvalid && w_left && coin(0.4)) { s.wvalid = 1; s.wdata = rng(); s.wstrb = uint8_t(rng() & 0xF); }
    if (!s.arvalid && ar_left && coin(0.4)) { s.arvalid = 1; s.araddr = uint16_t(rng() & 0xFFC); }
    s.awready = coin(0.5); s.wready = coin(0.5); s.arready = coin(0.5);
    s.bready = coin(0.6); s.rready = coin(0.6);
    if (!s.bvalid && b_n < std::min(aw_n, w_n) && coin(0.5)) { s.bvalid = 1; s.bresp = uint8_t(rng() & 2); }
    if (!s.rvalid && r_n < ar_n && coin(0.5)) { s.rvalid = 1; s.rdata = rng(); s.rresp = uint8_t(rng() & 2); }
    g.tick();
    if (s.awvalid && s.awready) { s.awvalid = 0; --aw_left; ++aw_n; }
    if (s.wvalid && s.wready) { s.wvalid = 0; --w_left; ++w_n; }
    if (s.arvalid && s.arready) { s.arvalid = 0; --ar_left; ++ar_n; }
    if (s.bvalid && s.bready) { s.bvalid = 0; ++b_n; }
    if (s.rvalid && s.rready) { s.rvalid = 0; ++r_n; }
  }
  EXPECT_EQ(b_n, 200u);
  EXPECT_EQ(r_n, 200u);
  EXPECT_EQ(g.rules(), Rules{}) << g.chk.report();
}

// ------------------------------------------------------------ wired into DmacCore

namespace {
struct NullMemory : AxiMemoryBackend {
  AxiAccessResult read(uint64_t, uint8_t* d, size_t n) override {
    std::fill(d, d + n, 0);
    return {};
  }
  AxiAccessResult write(uint64_t, const uint8_t*, const uint8_t*, size_t) override { return {}; }
};
}  // namespace

// DmacCore samples both checkers every cycle: register traffic through the
// AXI4-Lite port is clean; a response forced onto the memory port's pins
// without a request is caught by the core's AXI4 checker.
TEST(AxiCheckerWiring, DmacCoreOwnsAndSamplesBothCheckers) {
  Vaxi_test_top model;
  NullMemory mem;
  DmacCore<Vaxi_test_top> core(model, mem);
  core.reset();
  EXPECT_EQ(core.read_reg(0x000), 0x7E57A100u);
  core.write_reg(0x004, 0x12345678);
  EXPECT_EQ(core.read_reg(0x004), 0x12345678u);
  for (int i = 0; i < 10; ++i) core.step();
  EXPECT_EQ(core.checker_violations(), 0u) << core.mem_checker().report() << core.reg_checker().report();

  // Throw: the violation stops the step before the memory port would act on
  // the bogus beat.
  core.mem_checker().set_global_tally(false);  // injected on purpose
  core.mem_checker().set_log(false);
  core.mem_checker().set_policy(AxiCheckerPolicy::Throw);
  model.m_axi_rvalid = 1;  // the subordinate side's pins are model inputs
  model.m_axi_rid = 3;
  model.m_axi_rlast = 1;
  model.eval();
  EXPECT_THROW(core.step(), AxiProtocolViolation);
  EXPECT_EQ(rules_of(core.mem_checker()), Rules{"R.no_request"});
  EXPECT_EQ(core.checker_violations(), 1u);
}

// Protocol checkers off (a speed measurement of RTL + ports + memory): the
// same forced response is neither caught nor acted on; switching after the
// first cycle is refused.
TEST(AxiCheckerWiring, CheckersOffBeforeTheFirstCycleSampleNothing) {
  Vaxi_test_top model;
  NullMemory mem;
  DmacCore<Vaxi_test_top> core(model, mem);
  EXPECT_TRUE(core.protocol_checkers());
  core.set_protocol_checkers(false);
  core.reset();
  EXPECT_THROW(core.set_protocol_checkers(true), std::logic_error);
  EXPECT_FALSE(core.protocol_checkers());
  EXPECT_EQ(core.read_reg(0x000), 0x7E57A100u);
  core.mem_checker().set_policy(AxiCheckerPolicy::Throw);
  model.m_axi_rvalid = 1;
  model.m_axi_rid = 3;
  model.m_axi_rlast = 1;
  model.eval();
  EXPECT_NO_THROW(core.step());
  EXPECT_EQ(core.checker_violations(), 0u);
  EXPECT_EQ(core.mem_port().stats().read_beats, 0u);
  EXPECT_TRUE(core.mem_port().idle());
}
