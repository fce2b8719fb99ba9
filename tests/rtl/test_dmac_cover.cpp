// Targeted tests for behaviour the constrained-random regression does not
// reach (found with the user cover points, scripts/coverage.sh): abort of a
// channel in ERROR, an error response arriving during an abort drain, bursts
// split at a 4 KiB boundary next to a fixed side (read and write), aborts
// around a descriptor's status write-back, short descriptors completing at
// their hand-over, aborts swept over a short chain (prefetch wait), a full
// write-response table, a memory answering out of order across channels,
// whole-beat realignment (carries used, dropped by an abort, hit by an error).
#include <gtest/gtest.h>

#include <map>

#include "dmac_bench.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_cover {

namespace {

constexpr uint32_t kD = 0x80000000, kS = 0x80100000, kT = 0x80200000;
constexpr unsigned kCh = 2;

// Writes CTRL and waits for the register access to finish.
void write_ctrl(DmacBench& b, unsigned ch, uint32_t v) {
  b.core().start_write_reg(ch_reg(ch, CTRL), v);
  ASSERT_TRUE(b.run_until([&] { return b.core().reg_access_done(); }, 1000, "CTRL write"));
}

// A good transfer on `ch` after whatever the test did; checked against the golden model.
void expect_channel_works(DmacBench& b, unsigned ch, const std::vector<AddrRange>& extra_allowed = {}) {
  b.rearm();
  b.mem().clear_error_regions();
  b.golden() = GoldenModel();
  const uint32_t d = kD + 0x8000, s = kS + 0x8000, t = kT + 0x8000;
  b.fill_random(s, 300, 77);
  b.write_desc(d, {s + 3, t + 5, 0, 300, DC_SRC_INC | DC_DST_INC});
  b.start(ch, d);
  ASSERT_TRUE(b.run_until_idle(200000));
  b.check(extra_allowed);
  EXPECT_EQ(b.chrd(ch, STATUS), 0u) << "STATUS after a good run (ABORTED / error fields cleared by the doorbell)";
}

// Spec (Control): abort of a channel in ERROR moves it to IDLE with ABORTED and IRQ_RAW.ABORT.
TEST(DmacCover, AbortOfChannelInError) {
  DmacBench b;
  b.start(kCh, kD + 4);  // misaligned head: ERROR / DESC_ALIGN at once
  ASSERT_TRUE(b.run_until_idle(1000));
  uint32_t st = b.chrd(kCh, STATUS);
  ASSERT_EQ(state_of(st), ST_ERROR);
  EXPECT_EQ(err_code_of(st), ERR_DESC_ALIGN);
  write_ctrl(b, kCh, CTRL_ABORT);
  b.step(5);
  st = b.chrd(kCh, STATUS);
  EXPECT_EQ(state_of(st), ST_IDLE) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(st & STATUS_ABORTED, STATUS_ABORTED) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(b.chrd(kCh, IRQ_RAW), IRQ_ERR | IRQ_ABORT);
  EXPECT_EQ(b.chrd(kCh, CUR_DESC), 0u);
  EXPECT_EQ(b.mem().reads() + b.mem().writes(), 0u) << "no memory traffic";
  EXPECT_TRUE(b.core().quiescent());
  expect_channel_works(b, kCh);
}

// Spec (Control): an error response during an abort drain turns it into an
// error stop (ERROR with that error, no ABORTED / IRQ_RAW.ABORT); a second
// abort during the drain is ignored; an abort in ERROR then leaves it.
TEST(DmacCover, WriteErrorDuringAbortDrain) {
  DmacBench b({.seed = 5, .random_latency = false, .first_lat = 120, .per_lat = 1});
  const uint32_t len = 2048;
  b.fill_random(kS, len, 3);
  b.write_desc(kD, {kS, kT, 0, len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.add_error_region({{kT, kT + 8}, AXI_SLVERR, false, true});  // first write burst fails
  b.start(kCh, kD);
  // The first write burst's AW is accepted; its (error) response is ~120 cycles away.
  ASSERT_TRUE(b.run_until([&] { return b.dut().m_axi_awvalid && b.dut().m_axi_awready; }, 100000, "first AW"));
  write_ctrl(b, kCh, CTRL_ABORT);
  ASSERT_EQ(state_of(b.chrd(kCh, STATUS)), ST_ACTIVE) << "abort must arrive before the error response";
  write_ctrl(b, kCh, CTRL_ABORT);  // again, while draining: ignored
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(kCh, STATUS)) != ST_ACTIVE; }, 100000, "end of the drain"));
  uint32_t st = b.chrd(kCh, STATUS);
  EXPECT_EQ(state_of(st), ST_ERROR) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(err_code_of(st), ERR_DATA_WRITE) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(err_resp_of(st), AXI_SLVERR);
  EXPECT_EQ(st & STATUS_ABORTED, 0u);
  EXPECT_EQ(b.chrd(kCh, ERR_ADDR), kT);
  EXPECT_EQ(b.chrd(kCh, IRQ_RAW), IRQ_ERR) << "no ABORT event, no TC";
  EXPECT_EQ(b.chrd(kCh, TC_COUNT), 0u);
  EXPECT_TRUE(b.core().mem_port().idle()) << "no AXI transaction abandoned";
  // Nothing of the killed bursts reached memory outside the destination.
  EXPECT_TRUE(b.mem().writes_outside({{kT, kT + len}}).empty());
  write_ctrl(b, kCh, CTRL_ABORT);
  b.step(5);
  st = b.chrd(kCh, STATUS);
  EXPECT_EQ(state_of(st), ST_IDLE) << "STATUS=0x" << std::hex << st;
  EXPECT_EQ(st & STATUS_ABORTED, STATUS_ABORTED);
  EXPECT_EQ(b.chrd(kCh, IRQ_RAW), IRQ_ERR | IRQ_ABORT);
  expect_channel_works(b, kCh, {{kT, kT + len}});
}

// Spec (Implementation notes, Bursts): an incrementing side less than one WIDTH
// beat below a 4 KiB boundary next to a fixed side is issued as two bursts
// split at the boundary. Fixed source / incrementing destination (write split)
// and the reverse (read split), several offsets; golden-checked.
TEST(DmacCover, BurstSplitAt4KNextToFixedSide) {
  for (unsigned width = 1; width <= 3; ++width) {
    for (bool fixed_src : {true, false}) {
      SCOPED_TRACE("width " + std::to_string(width) + (fixed_src ? " fixed source" : " fixed destination"));
      DmacBench b({.seed = 11 + width});
      const uint32_t w = 1u << width, len = 24 * w;
      const uint32_t inc_side = (fixed_src ? kT : kS) + 0x1000 - w / 2;  // half a beat below 4 KiB
      const uint32_t fixed_side = (fixed_src ? kS : kT) + 0x40;
      const uint32_t src = fixed_src ? fixed_side : inc_side, dst = fixed_src ? inc_side : fixed_side;
      b.fill_random(src, fixed_src ? w : len, 21 + width);
      b.mem().bytes().fill(dst - 16, (fixed_src ? len : w) + 32, b.options().fill);
      b.write_desc(kD, {src, dst, 0, len, dc_width(width) | (fixed_src ? DC_DST_INC : DC_SRC_INC) | DC_IRQ});
      b.start(kCh, kD);
      ASSERT_TRUE(b.run_until_idle(100000));
      b.check();
      EXPECT_EQ(b.chrd(kCh, STATUS), 0u);
    }
  }
}

// Abort of a WB_EN descriptor whose data is all written, at every cycle from
// its last data beat to the end of its status write-back (abort while the data
// response is pending, in the write-back state, with the write-back in flight,
// or after the end: a no-op). The data counts (spec: Abort and TC, the
// write-back is not required); the status word is either untouched or complete.
TEST(DmacCover, AbortAroundWriteBack) {
  const uint32_t len = 64;
  unsigned aborted = 0, completed = 0;
  for (unsigned offset = 0; offset < 48; ++offset) {
    SCOPED_TRACE("abort issued " + std::to_string(offset) + " cycles after the last data beat");
    DmacBench b({.seed = 17, .random_latency = false, .first_lat = 12, .per_lat = 1});
    b.fill_random(kS, len, 5);
    b.mem().bytes().fill(kT - 16, len + 32, b.options().fill);
    b.write_desc(kD, {kS, kT, 0, len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
    b.start(kCh, kD, /*wb_en=*/true);
    ASSERT_TRUE(b.run_until(
        [&] { return b.dut().m_axi_wvalid && b.dut().m_axi_wready && b.dut().m_axi_wlast; }, 100000, "last data beat"));
    b.step(offset);
    b.core().start_write_reg(ch_reg(kCh, CTRL), CTRL_WB_EN | CTRL_ABORT);
    ASSERT_TRUE(b.run_until([&] { return b.core().reg_access_done(); }, 1000, "abort write"));
    ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(kCh, STATUS)) == ST_IDLE; }, 100000, "IDLE"));
    const uint32_t st = b.chrd(kCh, STATUS), raw = b.chrd(kCh, IRQ_RAW);
    const uint32_t status_word = b.mem().bytes().get32(kD + D_STATUS);
    for (uint32_t i = 0; i < len; ++i) ASSERT_EQ(b.mem().bytes().get(kT + i), b.initial().get(kS + i)) << "byte " << i;
    EXPECT_EQ(b.chrd(kCh, TC_COUNT), 1u);
    if (st & STATUS_ABORTED) {
      ++aborted;
      EXPECT_EQ(st, uint32_t(ST_IDLE | STATUS_ABORTED)) << "STATUS=0x" << std::hex << st;
      EXPECT_EQ(raw, IRQ_TC | IRQ_ABORT);
      EXPECT_TRUE(status_word == 0 || status_word == (0x80000000u | len)) << std::hex << status_word;
    } else {  // the run had ended: abort of an idle channel is a no-op
      ++completed;
      EXPECT_EQ(st, uint32_t(ST_IDLE)) << "STATUS=0x" << std::hex << st;
      EXPECT_EQ(raw, IRQ_TC);
      EXPECT_EQ(status_word, 0x80000000u | len);
    }
    EXPECT_TRUE(b.mem().writes_outside({{kT, kT + len}, {kD + D_STATUS, kD + D_STATUS + 4}}).empty());
    EXPECT_TRUE(b.core().mem_port().idle());
  }
  EXPECT_GT(aborted, 0u);
  EXPECT_GT(completed, 0u);
}

// Chains of large and small memory-to-memory descriptors under write
// backpressure: a small descriptor's last write response can arrive right
// after its predecessor retired, so it completes at its own hand-over (TC at
// hand-over). Golden-checked.
TEST(DmacCover, ShortDescriptorsAfterLargeOnes) {
  for (double ready : {1.0, 0.7, 0.5}) {
    for (uint32_t lat : {2u, 6u, 14u}) {
      SCOPED_TRACE("ready " + std::to_string(ready) + " latency " + std::to_string(lat));
      DmacBench b({.seed = 23 + lat, .random_latency = false, .first_lat = lat, .per_lat = 1, .ready_prob = ready});
      constexpr unsigned n = 12;
      uint32_t src = kS, dst = kT;
      for (unsigned i = 0; i < n; ++i) {
        const uint32_t len = i % 2 ? 1 + 7 * (i % 3) : 128 + 64 * (i % 4);
        b.fill_random(src, len, 40 + i);
        b.mem().bytes().fill(dst - 16, len + 32, b.options().fill);
        b.write_desc(kD + 32 * i, {src, dst, i + 1 < n ? kD + 32 * (i + 1) : 0, len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
        src += len + 40;
        dst += len + 40;
      }
      b.start(kCh, kD);
      ASSERT_TRUE(b.run_until_idle(200000));
      b.check();
    }
  }
}

// Abort of a chain of short descriptors under a long memory latency, at a
// sweep of times: lands while the channel waits for a prefetched descriptor
// (hand-over done, its beats not back yet), while reads / writes are in
// flight, and after the end. Written bytes form a prefix of the chain and
// TC_COUNT counts exactly the descriptors whose bytes all reached memory.
TEST(DmacCover, AbortSweepOverShortChain) {
  constexpr unsigned n = 6;
  constexpr uint32_t len = 24;
  unsigned aborted = 0;
  for (unsigned offset = 0; offset < 700; offset += 11) {
    SCOPED_TRACE("abort " + std::to_string(offset) + " cycles after the doorbell");
    DmacBench b({.seed = 31, .random_latency = false, .first_lat = 60, .per_lat = 1});
    for (unsigned i = 0; i < n; ++i) {
      b.fill_random(kS + 64 * i, len, 50 + i);
      b.mem().bytes().fill(kT + 64 * i - 16, len + 32, b.options().fill);
      b.write_desc(kD + 32 * i, {kS + 64 * i, kT + 64 * i, i + 1 < n ? kD + 32 * (i + 1) : 0, len,
                                 DC_SRC_INC | DC_DST_INC | (i % 2 ? DC_IRQ : 0u)});
    }
    b.start(kCh, kD);
    b.step(offset);
    b.core().start_write_reg(ch_reg(kCh, CTRL), CTRL_ABORT);
    ASSERT_TRUE(b.run_until([&] { return b.core().reg_access_done(); }, 1000, "abort write"));
    ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(kCh, STATUS)) == ST_IDLE; }, 100000, "IDLE"));
    const uint32_t st = b.chrd(kCh, STATUS), raw = b.chrd(kCh, IRQ_RAW);
    const bool was_aborted = st & STATUS_ABORTED;
    aborted += was_aborted;
    EXPECT_EQ(st & ~uint32_t(STATUS_ABORTED), uint32_t(ST_IDLE)) << "STATUS=0x" << std::hex << st;
    uint32_t full_tc = 0;
    bool partial = false;
    for (unsigned i = 0; i < n; ++i) {
      uint32_t k = 0;
      while (k < len && b.mem().bytes().get(kT + 64 * i + k) == b.initial().get(kS + 64 * i + k)) ++k;
      for (uint32_t m = k; m < len; ++m)
        EXPECT_EQ(b.mem().bytes().get(kT + 64 * i + m), b.options().fill) << "descriptor " << i << ": not a prefix";
      if (partial) {
        EXPECT_EQ(k, 0u) << "descriptor " << i << " written after an incomplete one";
      }
      if (k == len) {
        if (i % 2 || i + 1 == n) ++full_tc;
      } else {
        partial = true;
      }
    }
    if (!was_aborted) {
      EXPECT_FALSE(partial) << "finished without abort but incomplete";
    }
    EXPECT_EQ(b.chrd(kCh, TC_COUNT), full_tc);
    EXPECT_EQ(raw, (full_tc ? IRQ_TC : 0u) | (was_aborted ? IRQ_ABORT : 0u));
    EXPECT_EQ(b.chrd(kCh, CUR_DESC), 0u);
    std::vector<AddrRange> dsts;
    for (unsigned i = 0; i < n; ++i) dsts.push_back({kT + 64 * i, kT + 64 * i + len});
    EXPECT_TRUE(b.mem().writes_outside(dsts).empty());
    EXPECT_TRUE(b.core().mem_port().idle());
  }
  EXPECT_GT(aborted, 10u);
}

// Slow write responses: more write bursts await their B than the write
// engine's response table holds (16), so AW issue stalls on a full table.
// Golden-checked, two channels at once.
TEST(DmacCover, WriteResponseTableFull) {
  DmacBench b({.seed = 41, .random_latency = false, .first_lat = 2, .per_lat = 1});
  b.mem().set_write_extra_latency(300);
  const uint32_t len = 6000;
  for (unsigned ch : {1u, 5u}) {
    const uint32_t s = kS + ch * 0x4000, t = kT + ch * 0x4000;
    b.fill_random(s + 1, len, 60 + ch);
    b.mem().bytes().fill(t - 16, len + 32, b.options().fill);
    b.write_desc(kD + 32 * ch, {s + 1, t + 3, 0, len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  }
  b.start(1, kD + 32);
  b.start(5, kD + 160);
  ASSERT_TRUE(b.run_until_idle(400000));
  b.check();
}

// The memory answers out of order across IDs (= channels; the port's
// reordering mode): R bursts of different channels complete out of order and
// their beats interleave mid-burst (cov_rd_interleaved), B responses overtake
// older writes of other channels (cov_wr_b_reordered); each channel's own
// responses stay in order (AXI). Four channels run unaligned scatter-gather
// chains at once (one with WB_EN), without a fault, with a data write error,
// with a data read error; golden-checked.
TEST(DmacCover, OutOfOrderResponsesAcrossChannels) {
  enum Fault { kNone, kWriteError, kReadError };
  for (Fault fault : {kNone, kWriteError, kReadError}) {
    for (uint32_t seed : {1u, 3u, 4u}) {
      SCOPED_TRACE("reorder seed " + std::to_string(seed) + " fault " + std::to_string(fault));
      DmacBench b({.seed = 50 + seed, .random_latency = true, .first_lat = 2, .per_lat = 1, .first_max = 12,
                   .per_max = 2});
      AxiResponseReordering r;
      r.enabled = true;
      r.seed = seed;
      r.switch_prob = 0.5;
      r.max_extra_latency = 16;
      b.core().mem_port().set_reordering(r);
      constexpr unsigned n = 4;
      for (unsigned ch : {0u, 3u, 5u, 7u}) {
        const uint32_t d = kD + ch * 0x400;
        uint32_t src = kS + ch * 0x8000 + ch, dst = kT + ch * 0x8000 + 2 * ch + 1;
        for (unsigned i = 0; i < n; ++i) {
          const uint32_t len = 200 + 333 * i + 17 * ch;
          b.fill_random(src, len, 70 + 8 * ch + i);
          b.mem().bytes().fill(dst - 16, len + 32, b.options().fill);
          b.write_desc(d + 32 * i, {src, dst, i + 1 < n ? d + 32 * (i + 1) : 0, len,
                                    DC_SRC_INC | DC_DST_INC | (i % 2 ? DC_IRQ : 0u)});
          if (fault == kWriteError && ch == 3 && i == 2) b.add_error_region({{dst + 100, dst + 108}, AXI_SLVERR, false, true});
          if (fault == kReadError && ch == 7 && i == 1) b.add_error_region({{src + 300, src + 301}, AXI_DECERR, true, false});
          src += len + 48;
          dst += len + 56;
        }
      }
      for (unsigned ch : {0u, 3u, 5u, 7u}) b.start(ch, kD + ch * 0x400, /*wb_en=*/ch == 5);
      ASSERT_TRUE(b.run_until_idle(400000));
      b.check();
      const auto& st = b.core().mem_port().stats();
      EXPECT_GT(st.interleaved_read_beats, 0u) << "no R beat of another channel inside a burst";
      EXPECT_GT(st.reordered_read_bursts, 0u) << "no read overtook an older read of another channel";
      EXPECT_GT(st.reordered_write_responses, 0u) << "no B overtook an older write of another channel";
      if (fault == kWriteError) {
        EXPECT_EQ(err_code_of(b.chrd(3, STATUS)), ERR_DATA_WRITE);
      }
      if (fault == kReadError) {
        EXPECT_EQ(err_code_of(b.chrd(7, STATUS)), ERR_DATA_READ);
      }
    }
  }
}

}  // namespace

// Descriptor prefetch and the retire queue (dmac_channel): a contiguous 64 B
// chain crossing a 4 KiB boundary (the prefetch burst is cut there), with slow
// write responses (up to 16 descriptors retiring: the queue fills), a jump out
// of the contiguous run while a prefetch burst is in flight (the stale ring is
// dropped once it arrived), and a write error on a retiring descriptor with
// later ones queued behind it (CUR_DESC / REMAINING keep showing it).
TEST(DmacCover, PrefetchAcross4KAndRetireQueue) {
  for (const bool write_error : {false, true}) {
    SCOPED_TRACE(write_error ? "write error on descriptor 3" : "clean");
    DmacBench b({.seed = 31, .random_latency = false, .first_lat = 16, .per_lat = 1});
    // Slow enough that 17 descriptors issue before the first write response.
    b.mem().set_write_extra_latency(600);
    // Descriptors 0..2 below the boundary: the burst from descriptor 1 has
    // room for 2 descriptors only.
    const uint32_t base = kD + 0x1000 - 3 * 32;
    std::vector<uint32_t> at;
    for (uint32_t i = 0; i < 20; ++i) at.push_back(base + i * 32);
    at.push_back(kD + 0x3000);   // out of the contiguous run
    at.push_back(kD + 0x3020);
    for (size_t i = 0; i < at.size(); ++i) {
      b.fill_random(kS + i * 64, 64, 40 + unsigned(i));
      b.write_desc(at[i], {uint32_t(kS + i * 64), uint32_t(kT + i * 64), i + 1 < at.size() ? at[i + 1] : 0, 64,
                           DC_SRC_INC | DC_DST_INC | ((i % 3 == 0) ? DC_IRQ : 0)});
    }
    if (write_error) b.add_error_region({{kT + 3 * 64 + 8, kT + 3 * 64 + 9}, AXI_SLVERR, false, true});
    b.start(kCh, base);
    ASSERT_TRUE(b.run_until_idle(200000));
    b.check();
    if (write_error) {
      EXPECT_EQ(err_code_of(b.chrd(kCh, STATUS)), ERR_DATA_WRITE);
      EXPECT_EQ(b.chrd(kCh, CUR_DESC), at[3]) << "CUR_DESC: the descriptor the write error stopped at";
    }
    expect_channel_works(b, kCh);
  }
}

// Whole-beat realignment (spec: "Chunks and whole-beat realignment"). Source
// beats read by the copy: each beat of [src, src + len) exactly once, and
// nothing else of the source page.
namespace {
void expect_each_source_beat_read_once(DmacBench& b, uint32_t src, uint32_t len) {
  std::map<uint64_t, unsigned> beats;
  for (const AccessLogEntry& e : b.mem().log()) {
    if (e.is_write || e.addr + e.len <= (src & ~0xFFFu) || e.addr >= src + len + 0x1000) continue;
    for (uint64_t a = e.addr & ~7ull; a < e.addr + e.len; a += 8) ++beats[a];
  }
  const uint64_t first = src & ~7u, last = (uint64_t(src) + len - 1) & ~7ull;
  EXPECT_EQ(beats.size(), (last - first) / 8 + 1) << "source beats read";
  for (auto& [a, n] : beats) {
    EXPECT_TRUE(a >= first && a <= last) << std::hex << "read outside the source: 0x" << a;
    EXPECT_EQ(n, 1u) << std::hex << "source beat 0x" << a << " read " << std::dec << n << " times";
  }
}
}  // namespace

// Unaligned copies of several lengths and offsets, one of them with its
// source crossing 4 KiB inside a chunk (read as two bursts), one whose last
// chunk lies entirely in the carried beat (no read): data exact (golden
// model), every source beat read once, at most one destination beat written
// twice.
TEST(DmacRealign, EachSourceBeatReadOnce) {
  struct Case { uint32_t src_off, dst_off, len; };
  const Case cases[] = {
      {3, 5, 4096}, {5, 3, 1000}, {3, 5, 124},       // 124: a 123-byte chunk, then 1 byte from the carry
      {0x1000 - 200 + 3, 5, 600},                    // source crosses 4 KiB inside a chunk
      {7, 0, 777}, {1, 1, 300}, {6, 2, 9},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("src+" + std::to_string(c.src_off) + " dst+" + std::to_string(c.dst_off) + " len " +
                 std::to_string(c.len));
    DmacBench b({.seed = 3});
    const uint32_t src = kS + c.src_off, dst = kT + c.dst_off;
    b.fill_random(src, c.len, 9);
    b.write_desc(kD, {src, dst, 0, c.len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
    b.start(kCh, kD);
    ASSERT_TRUE(b.run_until_idle(200000));
    b.check();
    EXPECT_EQ(b.chrd(kCh, STATUS), 0u);
    expect_each_source_beat_read_once(b, src, c.len);
    uint64_t wbeats = 0;
    for (const AccessLogEntry& e : b.mem().log())
      if (e.is_write && e.addr >= kT && e.addr < kT + 0x10000) wbeats += (e.len + 7) / 8;
    EXPECT_LE(wbeats, (c.dst_off % 8 + c.len + 7) / 8 + 1) << "destination beats written";
  }
}

// A stop drops the channel's carry: abort while the last granted chunk left
// one (reads still in flight), change the source, then copy from exactly the
// carried byte on the same channel: the new bytes arrive, not the carried
// ones.
TEST(DmacRealign, AbortDropsCarry) {
  DmacBench b({.seed = 4, .random_latency = false, .first_lat = 150, .per_lat = 1});
  const uint32_t len = 3000, src = kS + 3, dst = kT + 5;
  b.fill_random(src, len, 31);
  b.write_desc(kD, {src, dst, 0, len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.start(kCh, kD);
  // Data ARs issued before the first R beat returns (MAX_OUTSTANDING of them
  // with the descriptor read): chunk 1 is 123 bytes (16 destination beats
  // from dst+5), the next ones 128, each ending at a source byte 6 mod 8.
  unsigned data_ars = 0;
  ASSERT_TRUE(b.run_until([&] {
    if (b.dut().m_axi_arvalid && b.dut().m_axi_arready && b.dut().m_axi_araddr >= kS &&
        b.dut().m_axi_araddr < kS + len + 8)
      ++data_ars;
    return data_ars > 0 && b.dut().m_axi_rvalid;
  }, 100000, "first data R beat"));
  ASSERT_GE(data_ars, 2u);
  const uint32_t carried = src + 123 + 128 * (data_ars - 1);
  ASSERT_LT(carried, src + len) << "the last granted chunk must leave a carry";
  write_ctrl(b, kCh, CTRL_ABORT);
  ASSERT_TRUE(b.run_until_idle(100000));
  EXPECT_EQ(b.chrd(kCh, STATUS) & STATUS_ABORTED, STATUS_ABORTED);

  b.rearm();
  b.golden() = GoldenModel();
  const uint32_t d2 = kD + 0x8000, t2 = kT + 0x8000;
  b.fill_random(carried & ~7u, 64, 77);  // new bytes where the carry came from
  b.write_desc(d2, {carried, t2, 0, 40, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.start(kCh, d2);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check({{dst, dst + len}});  // the aborted copy's prefix stays where it is
  EXPECT_EQ(b.chrd(kCh, STATUS), 0u);
  EXPECT_EQ(b.mem().bytes().get(t2), b.mem().bytes().get(carried)) << "first byte came from a stale carry";
}

// A pause keeps the channel's carry (a pause is not a stop): pause a copy
// once some chunks are written, at a point where the bytes done end inside a
// source beat, resume, and the copy completes exact with every source beat
// still read once (a dropped carry would lose or re-read the bytes in it).
TEST(DmacRealign, PauseKeepsCarry) {
  DmacBench b({.seed = 5, .random_latency = false, .first_lat = 60, .per_lat = 1});
  const uint32_t len = 8000, src = kS + 3, dst = kT + 5;  // longer than the bursts in flight at the pause
  b.fill_random(src, len, 53);
  b.write_desc(kD, {src, dst, 0, len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.start(kCh, kD);
  ASSERT_TRUE(b.run_until([&] { return b.mem().bytes().get(dst + 300) != b.options().fill; }, 100000,
                          "a few chunks written"));
  write_ctrl(b, kCh, CTRL_PAUSE);
  ASSERT_TRUE(b.run_until([&] { return state_of(b.chrd(kCh, STATUS)) == ST_PAUSED; }, 20000, "PAUSED"));
  ASSERT_EQ(b.chrd(kCh, CUR_DESC), kD);  // latches REMAINING
  const uint32_t rem = b.chrd(kCh, REMAINING);
  ASSERT_GT(rem, 0u) << "the copy ended before the pause took effect";
  ASSERT_NE((src + len - rem) % 8, 0u) << "the pause must fall inside a source beat for a carry to exist";
  b.step(500);
  write_ctrl(b, kCh, 0);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();
  EXPECT_EQ(b.chrd(kCh, STATUS), 0u);
  expect_each_source_beat_read_once(b, src, len);
}

// A read error on a beat whose tail is carried (the error region holds only
// the next chunk's bytes): the error is the earlier chunk's (its read
// returned the beat), nothing of either chunk is written, REMAINING keeps
// every byte.
TEST(DmacRealign, ReadErrorOnCarriedBeat) {
  DmacBench b({.seed = 6});
  const uint32_t len = 1000, src = kS + 3, dst = kT + 5;
  b.fill_random(src, len, 41);
  b.add_error_region({{src + 123, src + 125}, AXI_SLVERR, true, false});
  b.write_desc(kD, {src, dst, 0, len, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.start(kCh, kD);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();
  const uint32_t st = b.chrd(kCh, STATUS);
  EXPECT_EQ(state_of(st), ST_ERROR);
  EXPECT_EQ(err_code_of(st), ERR_DATA_READ);
  EXPECT_EQ(b.chrd(kCh, ERR_ADDR), src) << "the chunk whose read returned the beat";
  EXPECT_EQ(b.chrd(kCh, CUR_DESC), kD);
  EXPECT_EQ(b.chrd(kCh, REMAINING), len);
  for (const AccessLogEntry& e : b.mem().log())
    EXPECT_FALSE(e.is_write && e.strobed != 0 && e.hi > kT + 120) << std::hex << "strobed write at 0x" << e.addr;
}
}  // namespace test_dmac_cover
