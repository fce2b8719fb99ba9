// Data-path sweeps: lengths, offsets, 4 KiB crossings, random latency and AXI
// backpressure, all channels at once, peripheral flows at every WIDTH. Every
// test compares the whole memory (guard bytes included) with the golden model.
#include <gtest/gtest.h>

#include <random>

#include "dmac_bench.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_sweep {

namespace {

constexpr uint32_t kDescBase = 0x80000000;

struct Xfer {
  uint32_t src, dst, len;
  uint32_t ctrl = DC_SRC_INC | DC_DST_INC;
};

// Distributes transfers round-robin over `nch` channels (one chain each), runs
// them all at once and checks against the golden model.
void run_chains(DmacBench& b, const std::vector<Xfer>& xs, unsigned nch, uint32_t seed, bool wb = false,
                uint64_t max_cycles = 4'000'000) {
  std::mt19937 rng(seed);
  std::vector<std::vector<size_t>> per_ch(nch);
  for (size_t i = 0; i < xs.size(); ++i) per_ch[i % nch].push_back(i);
  uint32_t da = kDescBase;
  std::vector<uint32_t> heads(nch, 0);
  for (unsigned ch = 0; ch < nch; ++ch) {
    auto& list = per_ch[ch];
    if (list.empty()) continue;
    heads[ch] = da;
    for (size_t k = 0; k < list.size(); ++k) {
      const Xfer& x = xs[list[k]];
      if (x.ctrl & DC_SRC_INC) b.fill_random(x.src, x.len, seed * 1000003u + uint32_t(list[k]));
      Descriptor d;
      d.src = x.src;
      d.dst = x.dst;
      d.len = x.len;
      d.ctrl = x.ctrl | ((rng() & 3) == 0 ? DC_IRQ : 0);
      d.next = k + 1 < list.size() ? da + 32 : 0;
      d.sw0 = 0xD0D0D0D0;
      b.write_desc(da, d);
      da += 32;
    }
  }
  for (unsigned ch = 0; ch < nch; ++ch)
    if (heads[ch]) b.start(ch, heads[ch], wb, 0, (ch & 1) != 0);
  ASSERT_TRUE(b.run_until_idle(max_cycles));
  b.check();
}

// Lengths 1..80 x every (src, dst) offset pair 0..7 (5120 transfers), 8 channels concurrently.
TEST(DmacSweep, SmallLengthsAllOffsetsEightChannels) {
  DmacBench b;
  std::vector<Xfer> xs;
  const uint32_t slot = 128;
  uint32_t i = 0;
  for (uint32_t len = 1; len <= 80; ++len) {
    for (uint32_t p = 0; p < 64; ++p) {
      uint32_t so = p & 7, dof = p >> 3;
      xs.push_back({0x80100000 + i * slot + so, 0x80400000 + i * slot + dof, len});
      ++i;
    }
  }
  SCOPED_TRACE(std::to_string(xs.size()) + " transfers");
  run_chains(b, xs, 8, 1);
}

// Long transfers (255, 256, 257, 4095, 4096, 4097, 8200) with several offsets,
// starting just below a 4 KiB boundary; write-back enabled.
TEST(DmacSweep, LongLengthsAcross4KiB) {
  DmacBench b;
  std::vector<Xfer> xs;
  const uint32_t lens[] = {255, 256, 257, 4095, 4096, 4097, 8200};
  // (src, dst) offsets inside a 16 KiB slot: aligned, and just below a 4 KiB boundary.
  const uint32_t offs[][2] = {{0x000, 0x000}, {0xFF9, 0xFFF}, {0xFFF, 0xFFB}, {0x005, 0xFFA}};
  uint32_t i = 0;
  for (uint32_t len : lens)
    for (auto& o : offs) {
      xs.push_back({0x80100000 + i * 0x4000 + o[0], 0x80400000 + i * 0x4000 + o[1], len});
      ++i;
    }
  run_chains(b, xs, 4, 2, /*wb=*/true);
}

// Both sides start 1..16 bytes below a 4 KiB boundary, lengths around beat and
// burst multiples.
TEST(DmacSweep, StartsNear4KiBBoundary) {
  DmacBench b;
  std::vector<Xfer> xs;
  const uint32_t lens[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 127, 128, 129, 200};
  uint32_t page = 0;
  for (uint32_t len : lens)
    for (uint32_t d = 1; d <= 16; ++d) {
      uint32_t dd = (d * 5) % 16 + 1;
      xs.push_back({0x80100000 + page * 0x1000 + 0x1000 - d, 0x80800000 + page * 0x1000 + 0x1000 - dd, len});
      ++page;
    }
  run_chains(b, xs, 8, 3);
}

// Random lengths/offsets, random memory latency and random VALID/READY stalls
// on all five AXI channels, 8 channels at once. Seeds are printed on failure.
class DmacRandomSweep : public ::testing::TestWithParam<uint32_t> {};

TEST_P(DmacRandomSweep, RandomLatencyBackpressure) {
  const uint32_t seed = GetParam();
  BenchOptions o;
  o.seed = seed;
  o.random_latency = true;
  o.first_lat = 1;
  o.first_max = 30;
  o.per_lat = 1;
  o.per_max = 3;
  o.ready_prob = 0.3 + 0.1 * (seed % 7);
  DmacBench b(o);
  SCOPED_TRACE(b.seed_info());
  std::mt19937 rng(seed);
  std::vector<Xfer> xs;
  for (uint32_t i = 0; i < 48; ++i) {
    uint32_t len = (rng() % 4 == 0) ? 1 + rng() % 5000 : 1 + rng() % 300;
    uint32_t so = uint32_t(rng() % 4096), dof = uint32_t(rng() % 4096);
    xs.push_back({0x80100000 + i * 0x4000 + so, 0x80800000 + i * 0x4000 + dof, len});
  }
  run_chains(b, xs, 8, seed, (seed & 1) != 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, DmacRandomSweep, ::testing::Values(11u, 24u, 37u, 42u, 55u, 68u, 71u, 86u, 93u, 104u, 117u, 129u));

// MEM2PER and PER2MEM at WIDTH 0..3, burst and single requests, against
// peripheral models; MEM2MEM with a fixed source and a fixed destination.
// `unaligned_inc`: the incrementing side of each fixed-side transfer starts at
// an odd/unaligned byte address (the spec allows any alignment there).
void run_peripheral_flows(bool unaligned_inc) {
  BenchOptions o;
  o.seed = 5;
  o.random_latency = true;
  o.first_max = 12;
  DmacBench b(o);
  const uint32_t fifo_base = 0x40020000;
  std::mt19937 rng(5);
  uint32_t da = kDescBase;
  std::vector<PeripheralModel*> periphs;
  for (unsigned ch = 0; ch < 8; ++ch) {
    const unsigned width = ch & 3, wbytes = 1u << width;
    const bool to_periph = ch < 4;
    const unsigned line = ch * 2 + 1;  // lines 1, 3, ..., 15
    const uint32_t fifo = fifo_base + line * 0x10;
    const uint32_t burst = (ch % 3 == 0) ? 0 : (ch % 3 == 1 ? 3 : 7);  // beats-1
    const uint32_t len = wbytes * (37 + ch * 11);
    const uint32_t mis = unaligned_inc ? (ch * 3) % 8 | 1 : ((ch * 3) % 8) & ~(wbytes - 1);
    const uint32_t mem_addr = 0x80100000 + ch * 0x10000 + mis;
    std::vector<uint8_t> supply;
    if (to_periph) {
      b.fill_random(mem_addr, len, 100 + ch);
    } else {
      for (uint32_t i = 0; i < len; ++i) supply.push_back(uint8_t(rng()));
    }
    b.add_fifo(fifo, supply);
    PeripheralModel p;
    p.line = line;
    p.to_periph = to_periph;
    p.burst_bytes = (burst + 1) * wbytes;
    p.capacity = std::max<uint32_t>(64, p.burst_bytes);
    p.drain_per_cycle = 0.5 * wbytes;
    p.use_single = (ch == 6);
    periphs.push_back(&b.add_peripheral(p));
    Descriptor d;
    d.src = to_periph ? mem_addr : fifo;
    d.dst = to_periph ? fifo : mem_addr;
    d.len = len;
    d.ctrl = (to_periph ? DC_SRC_INC | dc_flow(MEM2PER) : DC_DST_INC | dc_flow(PER2MEM)) | dc_width(width) |
             dc_burst(burst) | dc_req(line);
    // Second descriptor: MEM2MEM with a fixed side (src fixed on even, dst fixed on odd channels).
    d.next = da + 32;
    b.write_desc(da, d);
    Descriptor m;
    const uint32_t a = 0x80900000 + ch * 0x1000;
    b.fill_random(a, 64, 200 + ch);
    m.len = wbytes * 9;
    if (ch & 1) {
      m.src = a + (unaligned_inc ? 1 : wbytes);
      m.dst = a + 0x800 + wbytes * 2;
      m.ctrl = DC_SRC_INC | dc_width(width);
    } else {
      m.src = a + wbytes * 3;
      m.dst = a + 0x800 + (unaligned_inc ? 3 : wbytes * 5);
      m.ctrl = DC_DST_INC | dc_width(width);
    }
    m.ctrl |= DC_IRQ;
    b.write_desc(da + 32, m);
    da += 64;
  }
  for (unsigned ch = 0; ch < 8; ++ch) b.start(ch, kDescBase + ch * 64);
  ASSERT_TRUE(b.run_until_idle(2'000'000));
  b.check();
  for (unsigned ch = 0; ch < 8; ++ch) {
    SCOPED_TRACE("peripheral of channel " + std::to_string(ch));
    EXPECT_EQ(periphs[ch]->dtc_pulses, 1u) << "one dtc pulse: the request that finished the descriptor";
    EXPECT_EQ(periphs[ch]->protocol_violations, 0u) << "dclr without a pending request";
    EXPECT_GT(periphs[ch]->requests, 1u);
  }
}

TEST(DmacSweep, PeripheralFlowsAndFixedSides) { run_peripheral_flows(false); }

// Spec: "an incrementing side may have any byte alignment and the hardware
// realigns"; only the fixed side must be WIDTH-aligned.
TEST(DmacSweep, FixedSideWithUnalignedIncrementingSide) { run_peripheral_flows(true); }

}  // namespace
}  // namespace test_dmac_sweep
