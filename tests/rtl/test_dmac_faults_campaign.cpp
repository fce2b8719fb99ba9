// Fault-injection campaign: a bus error (SLVERR/DECERR) on the Nth
// memory access of a random scatter-gather chain -- which lands on a
// descriptor fetch, a data read or a data write depending on N -- under random
// latency and backpressure. Invariants every trial:
//   - no hang: the channel leaves ACTIVE within a bounded number of cycles
//     (else a report with the state of every channel, the seed and N),
//   - it reaches a final state: ERROR with the code of the failed access kind
//     (DESC_READ / DATA_READ / DATA_WRITE) and ERR_RESP = the injected response,
//     IRQ_RAW.ERR and the irq pin, or IDLE with every TC if N was never reached,
//   - nothing written outside the chain's destinations (guard bytes), and no
//     memory traffic at all once the channel is in ERROR,
//   - TC_COUNT <= descriptors whose bytes all reached memory,
//   - the channel works again: a clean transfer afterwards matches the golden model.
// DMACOSIM_FAULT_TRIALS overrides the trial count per TEST (default 40).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "dmac_bench.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_faults_campaign {

namespace {

constexpr uint32_t kD = 0x80000000, kS = 0x80100000, kT = 0x80400000;

unsigned trials() {
  const char* v = std::getenv("DMACOSIM_FAULT_TRIALS");
  return v && *v ? unsigned(std::strtoul(v, nullptr, 0)) : 40;
}

void run_trial(uint32_t seed, bool on_write) {
  std::mt19937 rng(seed);
  BenchOptions o;
  o.seed = seed;
  o.random_latency = true;
  o.first_max = 2 + rng() % 30;
  o.ready_prob = (rng() % 2) ? 1.0 : 0.5;
  DmacBench b(o);
  const unsigned ch = rng() % DmacBench::kNumCh;
  const unsigned n = 1 + rng() % 5;
  const bool wb = rng() % 4 == 0;
  std::vector<Descriptor> ds;
  std::vector<AddrRange> allowed;
  for (unsigned i = 0; i < n; ++i) {
    Descriptor d;
    d.len = 1 + rng() % 3000;
    d.src = kS + i * 0x4000 + rng() % 4096;
    d.dst = kT + i * 0x4000 + rng() % 4096;
    d.next = i + 1 < n ? kD + (i + 1) * 64 : 0;
    d.ctrl = DC_SRC_INC | DC_DST_INC | ((rng() & 1) ? DC_IRQ : 0);
    b.fill_random(d.src, d.len, seed + i);
    b.write_desc(kD + i * 64, d);
    ds.push_back(d);
    allowed.push_back({d.dst, uint64_t(d.dst) + d.len});
    if (wb) allowed.push_back({kD + i * 64 + D_STATUS, kD + i * 64 + D_STATUS + 4});
  }
  // Calibrate N in [1, accesses of a clean run + 2] from the seed.
  const uint8_t resp = (rng() & 1) ? AXI_SLVERR : AXI_DECERR;
  const uint64_t nth = 1 + rng() % (on_write ? 4 * n + 4 : 4 * n + 6);
  if (on_write)
    b.mem().fail_nth_write(nth, resp);
  else
    b.mem().fail_nth_read(nth, resp);
  const std::string what = "fault trial seed " + std::to_string(seed) + ": ch" + std::to_string(ch) + ", " +
                           std::to_string(n) + " descriptors" + (wb ? " (WB_EN)" : "") + ", " +
                           (on_write ? "write" : "read") + " #" + std::to_string(nth) + " answers " +
                           (resp == AXI_SLVERR ? "SLVERR" : "DECERR") + " [" + b.seed_info() + "]";
  SCOPED_TRACE(what);
  // RTL assertions ($error) become failures of this trial, not a process abort.
  Verilated::threadContextp()->fatalOnError(false);
  Verilated::threadContextp()->gotError(false);
  b.start(ch, kD, wb);
  const bool idle = b.run_until_idle(400000);
  if (Verilated::threadContextp()->gotError()) {
    Verilated::threadContextp()->gotError(false);
    b.fail_dump("RTL assertion failed (see the %Error line above); reproduce: --gtest_filter='*FaultCampaign*' "
                "DMACOSIM_FAULT_SEED=" + std::to_string(seed));
    return;
  }
  ASSERT_TRUE(idle) << "watchdog";
  const uint32_t st = b.chrd(ch, STATUS);
  const AccessLogEntry* fe = b.mem().first_error();
  if (!fe) {
    // N never reached: a clean run.
    b.check();
    return;
  }
  // Expected error kind from the failed access.
  uint8_t code;
  if (fe->is_write)
    code = ERR_DATA_WRITE;  // data or status write-back
  else
    code = (fe->addr >= kD && fe->addr < kD + 0x10000) ? ERR_DESC_READ : ERR_DATA_READ;
  EXPECT_EQ(state_of(st), ST_ERROR) << "STATUS 0x" << std::hex << st;
  EXPECT_EQ(err_code_of(st), code) << err_name(err_code_of(st)) << " expected " << err_name(code);
  EXPECT_EQ(err_resp_of(st), resp);
  EXPECT_EQ(b.chrd(ch, IRQ_RAW) & (IRQ_ERR | IRQ_ABORT), IRQ_ERR);
  EXPECT_TRUE(b.core().irq());
  // Guard bytes / stray writes.
  auto bad = b.mem().writes_outside(allowed);
  EXPECT_TRUE(bad.empty()) << bad.size() << " write(s) outside the destinations, first at 0x" << std::hex
                           << (bad.empty() ? 0 : bad[0].lo);
  // TC_COUNT only for descriptors fully in memory.
  uint32_t full_tc = 0;
  for (auto& d : ds) {
    bool full = true;
    for (uint32_t i = 0; i < d.len && full; ++i) full = b.mem().bytes().get(d.dst + i) == b.initial().get(d.src + i);
    if (full && ((d.ctrl & DC_IRQ) || d.next == 0)) ++full_tc;
  }
  EXPECT_LE(b.chrd(ch, TC_COUNT), full_tc) << "TC counted for a descriptor not fully written";
  // Silent afterwards, then the channel works again.
  const uint64_t r = b.mem().reads(), w = b.mem().writes();
  b.step(300);
  EXPECT_EQ(b.mem().reads(), r);
  EXPECT_EQ(b.mem().writes(), w);
  b.rearm();
  b.mem().fail_nth_read(0, AXI_OKAY);
  b.mem().fail_nth_write(0, AXI_OKAY);
  b.golden() = GoldenModel();
  const uint32_t d2 = kD + 0x8000, s2 = kS + 0x80000, t2 = kT + 0x80000;
  b.fill_random(s2, 513, seed + 99);
  b.write_desc(d2, {s2 + 1, t2 + 3, 0, 513, DC_SRC_INC | DC_DST_INC});
  b.start(ch, d2);
  ASSERT_TRUE(b.run_until_idle(200000));
  std::vector<AddrRange> old = allowed;
  b.check(old);
  EXPECT_EQ(b.chrd(ch, STATUS), 0u) << "channel did not recover";
}

class DmacFaultCampaign : public ::testing::TestWithParam<bool> {};

TEST_P(DmacFaultCampaign, NthAccessBusError) {
  const unsigned t = trials();
  if (const char* one = std::getenv("DMACOSIM_FAULT_SEED")) {
    run_trial(uint32_t(std::strtoul(one, nullptr, 0)), GetParam());
    return;
  }
  for (unsigned i = 0; i < t; ++i) {
    run_trial(1000 * (GetParam() ? 2 : 1) + i, GetParam());
    if (HasFailure()) break;
  }
}

// Read errors (descriptor fetch / data read by N) and write errors (data write
// or status write-back).
INSTANTIATE_TEST_SUITE_P(Access, DmacFaultCampaign, ::testing::Values(false, true),
                         [](const auto& info) { return std::string(info.param ? "Write" : "Read"); });

}  // namespace
}  // namespace test_dmac_faults_campaign
