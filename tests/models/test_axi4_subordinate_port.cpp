// Axi4SubordinatePort's response reordering (set_reordering), driven at pin
// level by a small scripted AXI4 manager in plain C++ (no RTL): reads and
// writes on several IDs, random READY/VALID stalls on the manager side, the
// AXI4 protocol checker sampling the same pins every cycle. Checked: every R
// beat carries the data of the oldest outstanding read of its ID (so same-ID
// order is kept and no beat is lost or duplicated), BRESP per ID comes in AW
// order (some writes answer SLVERR so a same-ID swap would show), memory holds
// every written byte; with reordering on, R bursts of different IDs do complete
// out of order, their beats do interleave and B responses do overtake — as
// seen by the manager, and equal to the port's own counters; off, none of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "models/axi/axi4_subordinate_port.h"
#include "models/axi/axi_protocol_checker.h"

using namespace dmacosim;

namespace {

constexpr uint64_t kMemBytes = 1 << 17;
constexpr uint64_t kReadBase = 0x0, kWriteBase = 0x10000;  // 256 bytes per transaction
constexpr unsigned kBeatBytes = Axi4SubordinatePort::kDataBytes;

// Flat memory; transactions whose address is in `read_errors` / `write_errors`
// answer SLVERR (a failing write stores nothing).
class TestMemory : public AxiMemoryBackend {
 public:
  TestMemory() : bytes(kMemBytes) {
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(i * 131 + (i >> 8) * 7 + 1);
  }
  AxiAccessResult read(uint64_t addr, uint8_t* data, size_t len) override {
    std::copy(bytes.begin() + long(addr), bytes.begin() + long(addr + len), data);
    return {read_errors.count(addr) ? AXI_SLVERR : AXI_OKAY, 3, 1};
  }
  AxiAccessResult write(uint64_t addr, const uint8_t* data, const uint8_t* strobe, size_t len) override {
    if (write_errors.count(addr)) return {AXI_SLVERR, 2, 1};
    for (size_t i = 0; i < len; ++i)
      if (strobe[i]) bytes[addr + i] = data[i];
    return {AXI_OKAY, 2, 1};
  }
  std::vector<uint8_t> bytes;
  std::set<uint64_t> read_errors, write_errors;
};

// Every signal of the manager port (names as Verilator would give them).
struct Wires {
  uint8_t awvalid = 0, awready = 0, awid = 0, awlen = 0, awsize = 0, awburst = 0;
  uint32_t awaddr = 0;
  uint8_t wvalid = 0, wready = 0, wstrb = 0, wlast = 0;
  uint64_t wdata = 0;
  uint8_t bvalid = 0, bready = 0, bid = 0, bresp = 0;
  uint8_t arvalid = 0, arready = 0, arid = 0, arlen = 0, arsize = 0, arburst = 0;
  uint32_t araddr = 0;
  uint8_t rvalid = 0, rready = 0, rid = 0, rresp = 0, rlast = 0;
  uint64_t rdata = 0;
};

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

struct Txn {
  uint8_t id = 0, len = 0;  // len = beats - 1
  uint32_t addr = 0;
  uint8_t resp = AXI_OKAY;  // expected
  std::vector<uint64_t> wdata;
  unsigned beats_done = 0;
};

// What the manager saw, for the assertions.
struct Observed {
  std::vector<std::string> errors;  // first few data / order mismatches
  uint64_t read_beats = 0, reads_done = 0, writes_done = 0;
  uint64_t interleaved_read_beats = 0, reordered_read_bursts = 0, reordered_write_responses = 0;
  std::vector<uint64_t> trace;  // (cycle, channel, id) of every R/B handshake, for determinism
  void error(const std::string& s) {
    if (errors.size() < 10) errors.push_back(s);
  }
};

struct Traffic {
  unsigned reads = 160, writes = 160;
  unsigned ids = 4;           // IDs used: 0 .. ids-1
  unsigned max_outstanding = 8;
  double manager_ready = 0.8; // RREADY / BREADY / AW/W/AR VALID issue probability
  uint32_t seed = 3;
};

// Scripted manager + port + checker, stepped like DmacCore::step().
class PortBench {
 public:
  PortBench(const Traffic& t, const AxiResponseReordering& r)
      : t_(t),
        rng_(t.seed),
        port_(DMACOSIM_AXI4_MANAGER_PINS(w_, ), mem_, AxiSlaveTiming{}, "test.axi4"),
        checker_(DMACOSIM_AXI4_MANAGER_PINS(w_, ), "test.axi4.checker") {
    port_.set_reordering(r);
    for (unsigned i = 0; i < t.reads; ++i) {
      Txn x;
      x.id = uint8_t(rng_() % t.ids);
      x.len = uint8_t(rng_() % 16);
      x.addr = uint32_t(kReadBase + i * 256 + (rng_() % 8) * kBeatBytes);
      if (rng_() % 6 == 0) {
        x.resp = AXI_SLVERR;
        mem_.read_errors.insert(x.addr);
      }
      to_read_.push_back(x);
    }
    for (unsigned i = 0; i < t.writes; ++i) {
      Txn x;
      x.id = uint8_t(rng_() % t.ids);
      x.len = uint8_t(rng_() % 16);
      x.addr = uint32_t(kWriteBase + i * 256 + (rng_() % 8) * kBeatBytes);
      for (unsigned k = 0; k <= x.len; ++k) x.wdata.push_back(uint64_t(rng_()) << 32 | rng_());
      if (rng_() % 4 == 0) {
        x.resp = AXI_SLVERR;
        mem_.write_errors.insert(x.addr);
      }
      to_write_.push_back(x);
    }
    expected_ = mem_.bytes;
    for (const Txn& x : to_write_)
      if (x.resp == AXI_OKAY)
        for (unsigned k = 0; k <= x.len; ++k)
          for (unsigned b = 0; b < kBeatBytes; ++b) expected_[x.addr + k * kBeatBytes + b] = uint8_t(x.wdata[k] >> 8 * b);
  }

  // Runs until every transaction is answered (or a generous bound).
  bool run() {
    for (unsigned i = 0; i < 3; ++i) step(true);
    for (uint64_t i = 0; i < 200000 && !finished(); ++i) step(false);
    return finished();
  }

  bool finished() const {
    return to_read_.empty() && reads_.empty() && to_write_.empty() && writes_.empty() && !w_.wvalid;
  }
  const Observed& seen() const { return seen_; }
  const Axi4SubordinatePort& port() const { return port_; }
  const Axi4Checker& checker() const { return checker_; }
  bool memory_as_expected() const { return mem_.bytes == expected_; }

 private:
  bool coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  void step(bool in_reset) {
    checker_.sample(cycle_ + 1, in_reset);
    port_.before_posedge();
    // Handshakes and payloads at this edge, sampled before anyone moves on.
    const bool ar = w_.arvalid && w_.arready, aw = w_.awvalid && w_.awready, wf = w_.wvalid && w_.wready;
    const bool rf = w_.rvalid && w_.rready, bf = w_.bvalid && w_.bready;
    const Wires before = w_;
    ++cycle_;
    port_.after_posedge(cycle_);
    if (in_reset) return;
    if (ar) {
      w_.arvalid = 0;
      reads_.push_back(to_read_.front());
      to_read_.pop_front();
    }
    if (aw) {
      w_.awvalid = 0;
      writes_.push_back(to_write_.front());
      wqueue_.push_back(to_write_.front());
      to_write_.pop_front();
    }
    if (wf) w_.wvalid = 0;
    if (rf) on_r(before);
    if (bf) on_b(before);
    drive();
  }

  void on_r(const Wires& s) {
    ++seen_.read_beats;
    seen_.trace.push_back(cycle_ << 16 | 1 << 8 | s.rid);
    if (r_in_burst_ && s.rid != r_last_id_) ++seen_.interleaved_read_beats;
    r_last_id_ = s.rid;
    r_in_burst_ = !s.rlast;
    auto it = std::find_if(reads_.begin(), reads_.end(), [&](const Txn& x) { return x.id == s.rid; });
    if (it == reads_.end()) return seen_.error("R beat for RID " + std::to_string(s.rid) + " with none outstanding");
    const unsigned k = it->beats_done++;
    uint64_t want = 0;
    for (unsigned b = 0; b < kBeatBytes; ++b) want |= uint64_t(mem_.bytes[it->addr + k * kBeatBytes + b]) << 8 * b;
    if (s.rdata != want || s.rresp != it->resp || bool(s.rlast) != (k == it->len))
      seen_.error("RID " + std::to_string(s.rid) + " beat " + std::to_string(k) + " of the read at " +
                  hex(it->addr) + ": wrong data, RRESP or RLAST (not the oldest read of its ID?)");
    if (k == it->len) {
      if (it != reads_.begin()) ++seen_.reordered_read_bursts;
      reads_.erase(it);
      ++seen_.reads_done;
    }
  }

  void on_b(const Wires& s) {
    seen_.trace.push_back(cycle_ << 16 | 2 << 8 | s.bid);
    auto it = std::find_if(writes_.begin(), writes_.end(), [&](const Txn& x) { return x.id == s.bid; });
    if (it == writes_.end()) return seen_.error("B for BID " + std::to_string(s.bid) + " with none outstanding");
    if (s.bresp != it->resp)
      seen_.error("BID " + std::to_string(s.bid) + ": BRESP of the write at " + hex(it->addr) +
                  " differs (a later write of the same ID answered first?)");
    if (it != writes_.begin()) ++seen_.reordered_write_responses;
    writes_.erase(it);
    ++seen_.writes_done;
  }

  void drive() {
    if (!w_.arvalid && !to_read_.empty() && reads_.size() < t_.max_outstanding && coin(t_.manager_ready)) {
      const Txn& x = to_read_.front();
      w_.arvalid = 1;
      w_.arid = x.id;
      w_.araddr = x.addr;
      w_.arlen = x.len;
      w_.arsize = 3;
      w_.arburst = AXI_BURST_INCR;
    }
    if (!w_.awvalid && !to_write_.empty() && writes_.size() < t_.max_outstanding && coin(t_.manager_ready)) {
      const Txn& x = to_write_.front();
      w_.awvalid = 1;
      w_.awid = x.id;
      w_.awaddr = x.addr;
      w_.awlen = x.len;
      w_.awsize = 3;
      w_.awburst = AXI_BURST_INCR;
    }
    // W beats in AW order, each burst after its AW was accepted.
    if (!w_.wvalid && !wqueue_.empty() && coin(t_.manager_ready)) {
      Txn& x = wqueue_.front();
      w_.wvalid = 1;
      w_.wdata = x.wdata[x.beats_done];
      w_.wstrb = 0xFF;
      w_.wlast = x.beats_done == x.len;
      if (++x.beats_done > x.len) wqueue_.pop_front();
    }
    w_.rready = coin(t_.manager_ready);
    w_.bready = coin(t_.manager_ready);
  }

  Traffic t_;
  std::mt19937 rng_;
  Wires w_;
  TestMemory mem_;
  std::vector<uint8_t> expected_;
  Axi4SubordinatePort port_;
  Axi4Checker checker_;
  std::deque<Txn> to_read_, to_write_;  // not yet issued
  std::deque<Txn> reads_, writes_;      // address accepted, not answered (issue order)
  std::deque<Txn> wqueue_;              // AW accepted, W beats still to send
  uint64_t cycle_ = 0;
  bool r_in_burst_ = false;
  uint8_t r_last_id_ = 0;
  Observed seen_;
};

AxiResponseReordering reordering(uint32_t seed, double switch_prob = 0.5, uint32_t extra = 16) {
  AxiResponseReordering r;
  r.enabled = true;
  r.seed = seed;
  r.switch_prob = switch_prob;
  r.max_extra_latency = extra;
  return r;
}

// Everything answered, data and responses right, checker silent.
void expect_intact(const PortBench& b) {
  EXPECT_TRUE(b.finished()) << "transactions left unanswered";
  EXPECT_TRUE(b.seen().errors.empty()) << b.seen().errors.size() << " mismatch(es), first: " << b.seen().errors[0];
  EXPECT_TRUE(b.memory_as_expected()) << "memory differs from the written data";
  EXPECT_EQ(b.checker().violation_count(), 0u) << b.checker().report();
  EXPECT_EQ(b.port().stats().protocol_errors, 0u);
}

}  // namespace

// Default (reordering off): strictly in order, as before the option existed.
TEST(Axi4SubordinateReorder, OffAnswersInOrder) {
  PortBench b(Traffic{}, AxiResponseReordering{});
  ASSERT_TRUE(b.run());
  expect_intact(b);
  EXPECT_EQ(b.seen().reads_done, Traffic{}.reads);
  EXPECT_EQ(b.seen().writes_done, Traffic{}.writes);
  EXPECT_EQ(b.seen().interleaved_read_beats, 0u);
  EXPECT_EQ(b.seen().reordered_read_bursts, 0u);
  EXPECT_EQ(b.seen().reordered_write_responses, 0u);
  const auto& s = b.port().stats();
  EXPECT_EQ(s.interleaved_read_beats + s.reordered_read_bursts + s.reordered_write_responses, 0u);
}

// On: different IDs are reordered and interleaved (it really happens, several
// seeds and settings), same-ID order and the data stay intact.
TEST(Axi4SubordinateReorder, OnReordersAcrossIdsKeepsOrderWithinId) {
  struct Setting { uint32_t seed; double switch_prob; uint32_t extra; double manager_ready; };
  for (const Setting& st : {Setting{1, 0.5, 16, 0.8}, Setting{2, 0.9, 6, 1.0}, Setting{3, 0.2, 40, 0.6},
                            Setting{4, 1.0, 8, 0.9}}) {
    SCOPED_TRACE("reorder seed " + std::to_string(st.seed));
    Traffic t;
    t.seed = 10 + st.seed;
    t.manager_ready = st.manager_ready;
    PortBench b(t, reordering(st.seed, st.switch_prob, st.extra));
    ASSERT_TRUE(b.run());
    expect_intact(b);
    const Observed& o = b.seen();
    EXPECT_EQ(o.reads_done, t.reads);
    EXPECT_EQ(o.writes_done, t.writes);
    EXPECT_GT(o.interleaved_read_beats, 0u) << "no R beat of another ID inside a burst";
    EXPECT_GT(o.reordered_read_bursts, 0u) << "no read overtook an older read of another ID";
    EXPECT_GT(o.reordered_write_responses, 0u) << "no B overtook an older write of another ID";
    // The port's own counters describe the same events.
    const auto& s = b.port().stats();
    EXPECT_EQ(s.interleaved_read_beats, o.interleaved_read_beats);
    EXPECT_EQ(s.reordered_read_bursts, o.reordered_read_bursts);
    EXPECT_EQ(s.reordered_write_responses, o.reordered_write_responses);
  }
}

// Whole bursts (switch_prob 0): order across IDs changes, beats never interleave.
TEST(Axi4SubordinateReorder, ZeroSwitchProbabilityKeepsBurstsWhole) {
  PortBench b(Traffic{}, reordering(5, 0.0, 24));
  ASSERT_TRUE(b.run());
  expect_intact(b);
  EXPECT_EQ(b.seen().interleaved_read_beats, 0u);
  EXPECT_GT(b.seen().reordered_read_bursts, 0u);
  EXPECT_GT(b.seen().reordered_write_responses, 0u);
}

// One ID only: nothing may be reordered, whatever the mode says.
TEST(Axi4SubordinateReorder, SingleIdNeverReordered) {
  Traffic t;
  t.ids = 1;
  PortBench b(t, reordering(6, 1.0, 32));
  ASSERT_TRUE(b.run());
  expect_intact(b);
  EXPECT_EQ(b.seen().interleaved_read_beats, 0u);
  EXPECT_EQ(b.seen().reordered_read_bursts, 0u);
  EXPECT_EQ(b.seen().reordered_write_responses, 0u);
}

// Seeded: the same seed gives the same cycle-by-cycle answers, another seed others.
TEST(Axi4SubordinateReorder, ReproducibleFromSeed) {
  PortBench a(Traffic{}, reordering(7)), b(Traffic{}, reordering(7)), c(Traffic{}, reordering(8));
  ASSERT_TRUE(a.run());
  ASSERT_TRUE(b.run());
  ASSERT_TRUE(c.run());
  EXPECT_EQ(a.seen().trace, b.seen().trace);
  EXPECT_NE(a.seen().trace, c.seen().trace);
}

// ------------------------------------------------------------ cycle timing

namespace {

// The port alone on plain variables, stepped like DmacCore::step().
struct PinRig {
  Wires w;
  TestMemory mem;  // first R beat 3 cycles after AR, B 2 cycles after WLAST
  Axi4SubordinatePort port{DMACOSIM_AXI4_MANAGER_PINS(w, ), mem, AxiSlaveTiming{}, "test.axi4"};
  uint64_t cycle = 0;
  void step() {
    port.before_posedge();
    port.after_posedge(++cycle);
  }
  // Presents an INCR address of 8-byte beats on AR or AW (VALID up until the caller drops it).
  static void address(uint8_t& valid, uint8_t& id, uint32_t& addr, uint8_t& len, uint8_t& size, uint8_t& burst,
                      uint8_t id_v, uint32_t addr_v, uint8_t len_v) {
    valid = 1;
    id = id_v;
    addr = addr_v;
    len = len_v;
    size = 3;
    burst = AXI_BURST_INCR;
  }
  void ar(uint8_t id, uint32_t addr, uint8_t len) {
    address(w.arvalid, w.arid, w.araddr, w.arlen, w.arsize, w.arburst, id, addr, len);
  }
  void aw(uint8_t id, uint32_t addr, uint8_t len) {
    address(w.awvalid, w.awid, w.awaddr, w.awlen, w.awsize, w.awburst, id, addr, len);
  }
  uint64_t word(uint64_t addr) const {
    uint64_t v = 0;
    for (unsigned b = 0; b < kBeatBytes; ++b) v |= uint64_t(mem.bytes[addr + b]) << 8 * b;
    return v;
  }
};

}  // namespace

// A cycle without a handshake returns early when nothing is due: the first R
// beat and the B must still come out at the cycle their latency ends, READY
// must come back after a reset, and R / B handshakes forced on the pins while
// the port presents nothing take no beat.
TEST(Axi4SubordinatePort, ResponsesAtTheirCycleReadyAfterResetForcedHandshakesIgnored) {
  PinRig r;
  r.step();
  EXPECT_TRUE(r.w.arready && r.w.awready && r.w.wready);
  // AR accepted at the edge of cycle 2: the first beat is due at edge 2 + 3,
  // so RVALID rises after edge 4 and stays up until RREADY.
  r.ar(5, 0x40, 3);
  r.step();
  r.w.arvalid = 0;
  ASSERT_EQ(r.cycle, 2u);
  r.step();
  EXPECT_FALSE(r.w.rvalid) << "cycle 3";
  r.step();
  EXPECT_TRUE(r.w.rvalid) << "cycle 4";
  r.step();
  r.step();
  EXPECT_TRUE(r.w.rvalid) << "RVALID dropped without RREADY";
  r.w.rready = 1;
  for (unsigned k = 0; k < 4; ++k) {
    ASSERT_TRUE(r.w.rvalid) << "beat " << k;
    EXPECT_EQ(r.w.rid, 5);
    EXPECT_EQ(r.w.rdata, r.word(0x40 + 8 * k)) << "beat " << k;
    EXPECT_EQ(bool(r.w.rlast), k == 3) << "beat " << k;
    r.step();
  }
  EXPECT_FALSE(r.w.rvalid);
  EXPECT_EQ(r.port.stats().read_beats, 4u);

  // Two W beats before their AW; the B is due 2 cycles after the burst completes.
  r.w.wvalid = 1;
  r.w.wstrb = 0xFF;
  r.w.wdata = 0x1122334455667788ull;
  r.w.wlast = 0;
  r.step();
  r.w.wlast = 1;
  r.step();
  r.w.wvalid = 0;
  r.aw(2, 0x10000, 1);
  r.step();  // burst complete at this edge: B due at edge done + 2, raised after edge done + 1
  const uint64_t done = r.cycle;
  r.w.awvalid = 0;
  EXPECT_FALSE(r.w.bvalid) << "cycle " << done;
  EXPECT_EQ(r.word(0x10000), 0x1122334455667788ull);
  EXPECT_EQ(r.word(0x10008), 0x1122334455667788ull);
  r.step();
  EXPECT_TRUE(r.w.bvalid) << "cycle " << done + 1;
  EXPECT_EQ(r.w.bid, 2);
  r.w.bready = 1;
  r.step();
  EXPECT_FALSE(r.w.bvalid);
  EXPECT_TRUE(r.port.idle());

  // Reset drops READY; the next cycle raises it again.
  r.port.reset();
  EXPECT_FALSE(r.w.arready || r.w.awready || r.w.wready);
  r.step();
  EXPECT_TRUE(r.w.arready && r.w.awready && r.w.wready);

  // Forced R / B handshakes with nothing presented: ignored, nothing taken.
  r.w.rvalid = r.w.rready = r.w.bvalid = r.w.bready = 1;
  r.step();
  EXPECT_EQ(r.port.stats().read_beats, 4u);
  EXPECT_TRUE(r.port.idle());
  EXPECT_EQ(r.port.stats().protocol_errors, 0u);
}
