// Cyclic ring (audio-style): 4 periods of 256 B, MEM2PER into a peripheral FIFO
// that raises burst requests while it has room; 100 laps = 400 periods. Checks
// the exact period-interrupt count (TC_COUNT, irq assertions with W1C, dtc
// pulses) and the exact FIFO data (400 periods in order), then aborts.
#include <gtest/gtest.h>

#include <algorithm>

#include "dmac_bench.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_cyclic {

namespace {

constexpr uint32_t kD = 0x80000000, kBuf = 0x80100000, kFifo = 0x40020000;

// `pauses`: pause the ring (CTRL.PAUSE) after these many period interrupts,
// hold it for a while (no data may move), then resume.
void run_ring(const std::vector<uint64_t>& pauses) {
  BenchOptions o;
  o.seed = 21;
  o.random_latency = true;
  o.first_lat = 2;
  o.first_max = 16;
  o.ready_prob = 0.8;
  DmacBench b(o);
  SCOPED_TRACE(b.seed_info());
  const unsigned ch = 0, line = 0, periods = 4, laps = 100;
  const uint32_t period = 256, width = 2, burst_beats = 4;  // 16 B per request
  const uint64_t total_periods = uint64_t(periods) * laps;
  b.fill_random(kBuf, period * periods, 42);
  for (unsigned i = 0; i < periods; ++i)
    b.write_desc(kD + i * 32, {kBuf + i * period, kFifo, kD + ((i + 1) % periods) * 32, period,
                               DC_IRQ | DC_SRC_INC | dc_flow(MEM2PER) | dc_width(width) |
                                   dc_burst(burst_beats - 1) | dc_req(line)});
  b.add_fifo(kFifo);
  PeripheralModel pm;
  pm.line = line;
  pm.to_periph = true;
  pm.burst_bytes = burst_beats << width;
  pm.capacity = 64;
  pm.drain_per_cycle = 2.0;
  pm.requests_left = total_periods * period / pm.burst_bytes;
  PeripheralModel& p = b.add_peripheral(pm);
  b.start(ch, kD, false, total_periods);

  // Interrupt handler: on irq, read IRQ_STATUS, W1C TC, count.
  uint64_t irqs = 0;
  const uint64_t limit = b.core().cycle() + 3'000'000;
  while (b.core().cycle() < limit) {
    b.step();
    if (b.core().irq()) {
      uint32_t s = b.chrd(ch, IRQ_STATUS);
      ASSERT_EQ(s & IRQ_ERR, 0u) << "channel error during the ring:\n" << b.dump_channels();
      if (s & IRQ_TC) {
        ++irqs;
        b.chwr(ch, IRQ_STATUS, IRQ_TC);
        if (std::find(pauses.begin(), pauses.end(), irqs) != pauses.end()) {
          EXPECT_EQ(b.chwr(ch, CTRL, CTRL_PAUSE), AXI_OKAY);
          ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(ch, STATUS)) == ST_PAUSED; }, 5000, "ring PAUSED"));
          const size_t bytes = b.mem().fifo_at(kFifo)->written.size();
          const uint32_t tc = b.chrd(ch, TC_COUNT);
          b.step(1500);
          EXPECT_EQ(b.mem().fifo_at(kFifo)->written.size(), bytes) << "data moved while PAUSED";
          EXPECT_EQ(b.chrd(ch, TC_COUNT), tc);
          EXPECT_EQ(state_of(b.chrd(ch, STATUS)), ST_PAUSED);
          EXPECT_EQ(b.chwr(ch, CTRL, 0), AXI_OKAY);
        }
      }
    }
    if (p.requests_left == 0 && p.state == PeripheralModel::IDLE) break;
  }
  ASSERT_EQ(p.requests_left, 0u) << "ring stalled:\n" << b.dump_channels();
  b.step(200);
  if (b.core().irq() && (b.chrd(ch, IRQ_STATUS) & IRQ_TC)) {
    ++irqs;
    b.chwr(ch, IRQ_STATUS, IRQ_TC);
  }
  uint32_t st = b.chrd(ch, STATUS);
  EXPECT_EQ(state_of(st), ST_ACTIVE) << "cyclic ring must still be running";
  EXPECT_EQ(st & STATUS_WAIT_REQ, STATUS_WAIT_REQ) << "ring should wait for the next request";
  EXPECT_EQ(b.chrd(ch, TC_COUNT), uint32_t(total_periods)) << "period interrupts (TC_COUNT)";
  EXPECT_EQ(p.dtc_pulses, total_periods) << "dtc pulses (one per completed period)";
  EXPECT_GE(irqs, total_periods / 2) << "irq assertions counted via W1C";
  EXPECT_LE(irqs, total_periods);
  EXPECT_EQ(p.protocol_violations, 0u);
  ::testing::Test::RecordProperty("irq_assertions", std::to_string(irqs));

  // Exact data: golden model stops the ring after 400 descriptor completions.
  PagedBytes exp;
  b.run_golden(exp);
  const auto& gw = b.golden().fifo_at(kFifo)->written;
  const auto& aw = b.mem().fifo_at(kFifo)->written;
  ASSERT_EQ(gw.size(), total_periods * period);
  ASSERT_EQ(aw.size(), gw.size()) << "bytes delivered to the FIFO";
  for (size_t i = 0; i < gw.size(); ++i)
    ASSERT_EQ(aw[i], gw[i]) << "FIFO byte " << i << " (period " << i / period << ")";
  EXPECT_EQ(b.golden().expect(ch).tc_count, total_periods);
  // Nothing but the FIFO was written.
  EXPECT_TRUE(b.mem().writes_outside({{kFifo, kFifo + 8}}).empty());
  EXPECT_EQ(b.core().mem_port().stats().protocol_errors, 0u);

  // Stop the ring.
  EXPECT_EQ(b.chwr(ch, CTRL, CTRL_ABORT), AXI_OKAY);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(ch, STATUS)) == ST_IDLE; }, 10000, "abort of the ring"));
  EXPECT_EQ(b.chrd(ch, STATUS) & STATUS_ABORTED, STATUS_ABORTED);
  EXPECT_EQ(aw.size(), gw.size()) << "abort must not move more data";
}

TEST(DmacCyclic, FourPeriodRingHundredLaps) { run_ring({}); }

// Audio pause/resume on a running ring: the data stream stays exact.
TEST(DmacCyclic, RingPauseResume) { run_ring({37, 150, 151, 399}); }

}  // namespace
}  // namespace test_dmac_cyclic
