// Error handling: bus errors (SLVERR / DECERR) on descriptor fetch, data read
// and data write; every malformed-descriptor kind. Each case checks STATE,
// ERR_CODE, ERR_RESP, ERR_ADDR, IRQ_RAW.ERR / irq pin, memory vs golden (guard
// bytes, nothing written after the error), and that the channel works again.
#include <gtest/gtest.h>

#include <functional>

#include "dmac_bench.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_errors {

namespace {

constexpr uint32_t kD = 0x80000000, kS = 0x80100000, kT = 0x80200000;

// After an error: no memory traffic at all from then on; the port drains.
void expect_silent_after_error(DmacBench& b) {
  const uint64_t r = b.mem().reads(), w = b.mem().writes();
  b.step(500);
  EXPECT_EQ(b.mem().reads(), r) << "memory reads after the channel reached ERROR";
  EXPECT_EQ(b.mem().writes(), w) << "memory writes after the channel reached ERROR";
  EXPECT_TRUE(b.core().mem_port().idle()) << "AXI transactions still outstanding after ERROR";
  EXPECT_TRUE(b.core().irq()) << "irq pin must be high (ERR enabled)";
}

// Runs a good transfer on `ch` after an error: the doorbell clears ERROR.
void expect_channel_recovers(DmacBench& b, unsigned ch) {
  b.rearm();
  b.mem().clear_error_regions();
  const uint32_t d = kD + 0x8000, s = kS + 0x8000, t = kT + 0x8000;
  b.fill_random(s, 300, 77);
  b.write_desc(d, {s + 3, t + 5, 0, 300, DC_SRC_INC | DC_DST_INC});
  b.golden() = GoldenModel();  // no error regions any more
  b.start(ch, d);
  ASSERT_TRUE(b.run_until_idle(200000));
  b.check();
  uint32_t st = b.chrd(ch, STATUS);
  EXPECT_EQ(st, 0u) << "STATUS after a good run following an error: 0x" << std::hex << st;
}

class DmacBusError : public ::testing::TestWithParam<uint8_t> {};

TEST_P(DmacBusError, DescriptorFetch) {
  const uint8_t resp = GetParam();
  DmacBench b;
  b.fill_random(kS, 256, 1);
  b.write_desc(kD, {kS, kT, 0, 256, DC_SRC_INC | DC_DST_INC});
  b.add_error_region({{kD, kD + 32}, resp, true, true});
  b.start(3, kD);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();
  EXPECT_EQ(b.mem().writes(), 0u);
  expect_silent_after_error(b);
  expect_channel_recovers(b, 3);
}

TEST_P(DmacBusError, DataReadMidTransfer) {
  const uint8_t resp = GetParam();
  DmacBench b({.seed = 3, .random_latency = false, .first_lat = 6, .per_lat = 1});
  b.fill_random(kS, 2048, 2);
  b.write_desc(kD, {kS + 1, kT + 6, 0, 2000, DC_SRC_INC | DC_DST_INC});
  b.add_error_region({{kS + 1 + 900, kS + 1 + 901}, resp, true, false});
  b.start(5, kD);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();
  expect_silent_after_error(b);
  // Nothing was written to destination bytes whose source lies at or after the
  // faulting burst (its data is discarded).
  const AccessLogEntry* fe = b.mem().first_error();
  ASSERT_NE(fe, nullptr);
  EXPECT_FALSE(fe->is_write);
  const uint64_t first_bad_dst = kT + 6 + (fe->addr - (kS + 1));
  for (auto& e : b.mem().log())
    if (e.is_write && e.strobed) {
      EXPECT_LE(e.hi, first_bad_dst) << "write of discarded data at 0x" << std::hex << e.lo;
    }
  expect_channel_recovers(b, 5);
}

TEST_P(DmacBusError, DataWriteMidTransfer) {
  const uint8_t resp = GetParam();
  DmacBench b({.seed = 4, .random_latency = false, .first_lat = 6, .per_lat = 1});
  b.fill_random(kS, 2048, 3);
  b.write_desc(kD, {kS + 2, kT + 1, 0, 2000, DC_SRC_INC | DC_DST_INC});
  b.add_error_region({{kT + 1 + 1200, kT + 1 + 1201}, resp, false, true});
  b.start(0, kD);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();
  expect_silent_after_error(b);
  const AccessLogEntry* fe = b.mem().first_error();
  ASSERT_NE(fe, nullptr);
  EXPECT_TRUE(fe->is_write);
  // Everything before the faulting burst was written (in-order OKAY responses).
  for (uint64_t a = kT + 1; a < fe->addr; ++a)
    ASSERT_EQ(b.mem().bytes().get(a), b.initial().get(kS + 2 + (a - kT - 1)))
        << "byte before the faulting write burst not written at 0x" << std::hex << a;
  expect_channel_recovers(b, 0);
}

// Error on the first/last beat region of a transfer too (edge positions).
TEST_P(DmacBusError, DataReadFirstAndLastBurst) {
  const uint8_t resp = GetParam();
  for (uint32_t pos : {0u, 999u}) {
    SCOPED_TRACE("fault at source offset " + std::to_string(pos));
    DmacBench b;
    b.fill_random(kS, 1024, 5);
    b.write_desc(kD, {kS, kT, 0, 1000, DC_SRC_INC | DC_DST_INC});
    b.add_error_region({{kS + pos, kS + pos + 1}, resp, true, false});
    b.start(1, kD);
    ASSERT_TRUE(b.run_until_idle(100000));
    b.check();
    expect_silent_after_error(b);
  }
}

INSTANTIATE_TEST_SUITE_P(Resp, DmacBusError, ::testing::Values(uint8_t(AXI_SLVERR), uint8_t(AXI_DECERR)),
                         [](const auto& info) { return info.param == AXI_SLVERR ? "SLVERR" : "DECERR"; });

struct MalformedCase {
  const char* name;
  uint8_t code;
  std::function<void(Descriptor&)> mutate;  // applied to a good MEM2MEM descriptor
  uint32_t head_offset = 0;                 // doorbell misalignment
};

// A good descriptor: MEM2PER-capable fields are filled by the mutations.
Descriptor good_desc() { return {kS, kT, 0, 64, DC_SRC_INC | DC_DST_INC}; }

void run_malformed(const MalformedCase& c, bool second_in_chain) {
  SCOPED_TRACE(std::string(c.name) + (second_in_chain ? " (second descriptor of a chain)" : " (head)"));
  DmacBench b;
  b.fill_random(kS, 256, 9);
  Descriptor bad = good_desc();
  bad.src = kS + 128;
  bad.dst = kT + 128;
  c.mutate(bad);
  if (second_in_chain) {
    b.write_desc(kD, {kS, kT, kD + 32, 64, DC_SRC_INC | DC_DST_INC | DC_IRQ});
    b.write_desc(kD + 32, bad);
  } else {
    b.write_desc(kD, bad);
  }
  b.start(2, kD + c.head_offset);
  ASSERT_TRUE(b.run_until_idle(100000));
  if (!second_in_chain) {
    b.check();
  } else {
    // The first descriptor's data was issued before the bad one was decoded. The
    // spec discards outstanding data on an error, so it may or may not have
    // reached memory -- but TC/TC_COUNT must agree with what memory holds: a
    // descriptor counts as complete only if every byte was written.
    const uint32_t st = b.chrd(2, STATUS);
    EXPECT_EQ(state_of(st), ST_ERROR);
    EXPECT_EQ(err_code_of(st), c.code) << err_name(err_code_of(st));
    EXPECT_EQ(b.chrd(2, ERR_ADDR), kD + 32);
    uint32_t written = 0;
    for (uint32_t i = 0; i < 64; ++i)
      written += b.mem().bytes().get(kT + i) == b.initial().get(kS + i) && b.mem().bytes().get(kT + i) != 0xAA;
    const uint32_t tc = b.chrd(2, TC_COUNT), raw = b.chrd(2, IRQ_RAW);
    EXPECT_TRUE((written == 64 && tc == 1) || (written < 64 && tc == 0))
        << "first descriptor: " << written << "/64 bytes in memory but TC_COUNT=" << tc
        << " (TC claims completion of data that never reached memory)";
    EXPECT_EQ(bool(raw & IRQ_TC), tc == 1) << "IRQ_RAW=0x" << std::hex << raw;
    EXPECT_EQ(raw & IRQ_ERR, IRQ_ERR);
    EXPECT_TRUE(b.mem().writes_outside({{kT, kT + 64}}).empty()) << "writes outside the first destination";
    for (uint32_t i = 0; i < 64; ++i) ASSERT_EQ(b.mem().bytes().get(kT + 128 + i), 0xAA) << "bad descriptor moved data";
    if (::testing::Test::HasFailure()) ADD_FAILURE() << b.dump_channels();
  }
  expect_silent_after_error(b);
  EXPECT_EQ(b.chrd(2, DOORBELL), kD + c.head_offset) << "DOORBELL reads the last head written";
}

const std::vector<MalformedCase>& malformed_cases() {
  static const std::vector<MalformedCase> cases = {
      {"LEN=0", ERR_DESC_LEN, [](Descriptor& d) { d.len = 0; }},
      {"LEN reserved bits", ERR_DESC_LEN, [](Descriptor& d) { d.len = 0x01000040; }},
      {"CTRL reserved bit 21", ERR_DESC_RSVD, [](Descriptor& d) { d.ctrl |= 1u << 21; }},
      {"CTRL reserved bit 31", ERR_DESC_RSVD, [](Descriptor& d) { d.ctrl |= 1u << 31; }},
      {"FLOW=3", ERR_DESC_RSVD, [](Descriptor& d) { d.ctrl |= dc_flow(3); }},
      {"WIDTH=4 (> 8-byte bus)", ERR_DESC_RSVD, [](Descriptor& d) { d.ctrl |= dc_width(4); }},
      {"WIDTH=7", ERR_DESC_RSVD, [](Descriptor& d) { d.ctrl |= dc_width(7); }},
      {"misaligned NEXT", ERR_DESC_ALIGN, [](Descriptor& d) { d.next = kD + 0x48; }},
      {"misaligned doorbell head", ERR_DESC_ALIGN, [](Descriptor&) {}, 8},
      {"REQ=16 (MEM2PER)", ERR_DESC_REQ,
       [](Descriptor& d) { d.ctrl = DC_SRC_INC | dc_flow(MEM2PER) | dc_width(2) | dc_req(16); d.dst = 0x40020000; }},
      {"REQ=31 (PER2MEM)", ERR_DESC_REQ,
       [](Descriptor& d) { d.ctrl = DC_DST_INC | dc_flow(PER2MEM) | dc_width(2) | dc_req(31); d.src = 0x40020000; }},
      {"fixed dst misaligned", ERR_DESC_FIXED,
       [](Descriptor& d) { d.ctrl = DC_SRC_INC | dc_flow(MEM2PER) | dc_width(2) | dc_req(1); d.dst = 0x40020002; }},
      {"fixed src misaligned", ERR_DESC_FIXED,
       [](Descriptor& d) { d.ctrl = DC_DST_INC | dc_flow(PER2MEM) | dc_width(3) | dc_req(1); d.src = 0x40020004; }},
      {"LEN not a multiple of WIDTH", ERR_DESC_FIXED,
       [](Descriptor& d) { d.ctrl = DC_SRC_INC | dc_flow(MEM2PER) | dc_width(2) | dc_req(1); d.dst = 0x40020000; d.len = 66; }},
      {"MEM2MEM fixed src misaligned", ERR_DESC_FIXED,
       [](Descriptor& d) { d.ctrl = DC_DST_INC | dc_width(1); d.src = kS + 1; }},
  };
  return cases;
}

TEST(DmacMalformed, EachKindAsHead) {
  for (auto& c : malformed_cases()) run_malformed(c, false);
}

TEST(DmacMalformed, EachKindAsSecondDescriptor) {
  for (auto& c : malformed_cases())
    if (c.head_offset == 0) run_malformed(c, true);
}

TEST(DmacMalformed, ChannelRecoversAfterMalformed) {
  DmacBench b;
  Descriptor bad = good_desc();
  bad.len = 0;
  b.write_desc(kD, bad);
  b.start(6, kD);
  ASSERT_TRUE(b.run_until_idle(100000));
  b.check();
  expect_channel_recovers(b, 6);
}

// Bus error on the data of the second descriptor while the first one's writes
// may still be in flight: TC for d0 only if d0's bytes all reached memory.
TEST_P(DmacBusError, DataReadErrorInNextDescriptorKeepsTcConsistent) {
  const uint8_t resp = GetParam();
  DmacBench b({.seed = 6, .random_latency = false, .first_lat = 10, .per_lat = 1});
  b.fill_random(kS, 256, 7);
  b.fill_random(kS + 0x1000, 512, 8);
  b.write_desc(kD, {kS, kT, kD + 32, 256, DC_SRC_INC | DC_DST_INC | DC_IRQ});
  b.write_desc(kD + 32, {kS + 0x1000, kT + 0x1000, 0, 512, DC_SRC_INC | DC_DST_INC});
  b.add_error_region({{kS + 0x1000, kS + 0x1001}, resp, true, false});
  b.start(4, kD);
  ASSERT_TRUE(b.run_until_idle(100000));
  const uint32_t st = b.chrd(4, STATUS);
  EXPECT_EQ(state_of(st), ST_ERROR);
  EXPECT_EQ(err_code_of(st), ERR_DATA_READ);
  EXPECT_EQ(err_resp_of(st), resp);
  uint32_t written = 0;
  for (uint32_t i = 0; i < 256; ++i) written += b.mem().bytes().get(kT + i) == b.initial().get(kS + i);
  const uint32_t tc = b.chrd(4, TC_COUNT);
  EXPECT_TRUE((written == 256 && tc == 1) || (written < 256 && tc == 0))
      << "d0: " << written << "/256 bytes in memory, TC_COUNT=" << tc << "\n" << b.dump_channels();
  for (uint32_t i = 0; i < 512; ++i) ASSERT_EQ(b.mem().bytes().get(kT + 0x1000 + i), 0xAA) << "d1 data written";
  expect_silent_after_error(b);
}

}  // namespace
}  // namespace test_dmac_errors
