// Self-tests of the golden model and the test memory (no RTL involved).
#include <gtest/gtest.h>

#include "dmac_golden_model.h"
#include "sparse_memory.h"

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_golden {

namespace {
constexpr uint32_t kD = 0x80000000, kS = 0x80010000, kT = 0x80020000;

TEST(DmacGolden, CopyChainAndTc) {
  PagedBytes m(0xAA);
  for (int i = 0; i < 100; ++i) m.set(kS + i, uint8_t(i));
  Descriptor d0{kS, kT + 3, kD + 32, 10, DC_SRC_INC | DC_DST_INC};
  Descriptor d1{kS + 10, kT + 50, 0, 90, DC_SRC_INC | DC_DST_INC};
  d0.store(m, kD);
  d1.store(m, kD + 32);
  GoldenModel g;
  std::vector<ChannelRun> runs(8);
  runs[2] = {true, kD, true, 0};
  g.run(m, runs);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(m.get(kT + 3 + i), i);
  EXPECT_EQ(m.get(kT + 2), 0xAA);
  EXPECT_EQ(m.get(kT + 13), 0xAA);
  for (int i = 0; i < 90; ++i) EXPECT_EQ(m.get(kT + 50 + i), 10 + i);
  EXPECT_EQ(m.get(kT + 140), 0xAA);
  EXPECT_EQ(m.get32(kD + 0x14), 0x8000000Au);  // write-back
  EXPECT_EQ(m.get32(kD + 32 + 0x14), 0x8000005Au);
  auto& e = g.expect(2);
  EXPECT_EQ(e.state, ST_IDLE);
  EXPECT_EQ(e.tc_count, 1u);  // only end of chain (no IRQ bit on d0)
  EXPECT_EQ(e.completions, 2u);
  EXPECT_EQ(e.irq_raw, IRQ_TC);
}

TEST(DmacGolden, FixedSidesAndFifo) {
  PagedBytes m(0);
  GoldenModel g;
  auto& f = g.add_fifo(0x40020000);
  for (int i = 0; i < 16; ++i) m.set(kS + i, uint8_t(0x10 + i));
  for (int i = 0; i < 8; ++i) f.supply.push_back(uint8_t(0xC0 + i));
  // MEM2PER 16 bytes, width 4 -> FIFO gets the bytes in order.
  Descriptor d0{kS, 0x40020000, kD + 32, 16, DC_SRC_INC | dc_flow(MEM2PER) | dc_width(2) | dc_burst(1)};
  // PER2MEM 8 bytes width 2.
  Descriptor d1{0x40020000, kT, kD + 64, 8, DC_DST_INC | dc_flow(PER2MEM) | dc_width(1)};
  // MEM2MEM fixed source (width 2): repeats the same 2 bytes.
  Descriptor d2{kS, kT + 16, 0, 6, DC_DST_INC | dc_width(1)};
  d0.store(m, kD);
  d1.store(m, kD + 32);
  d2.store(m, kD + 64);
  std::vector<ChannelRun> runs(8);
  runs[0] = {true, kD, false, 0};
  g.run(m, runs);
  ASSERT_EQ(f.written.size(), 16u);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(f.written[i], 0x10 + i);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(m.get(kT + i), 0xC0 + i);
  const uint8_t rep[6] = {0x10, 0x11, 0x10, 0x11, 0x10, 0x11};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(m.get(kT + 16 + i), rep[i]);
  EXPECT_EQ(g.expect(0).state, ST_IDLE);
}

TEST(DmacGolden, MalformedOrder) {
  GoldenModel g;
  Descriptor ok{kS, kT, 0, 8, DC_SRC_INC | DC_DST_INC};
  EXPECT_EQ(g.check_descriptor(kD, ok), ERR_NONE);
  auto with = [&](auto f) {
    Descriptor d = ok;
    f(d);
    return g.check_descriptor(kD, d);
  };
  EXPECT_EQ(with([](Descriptor& d) { d.len = 0; }), ERR_DESC_LEN);
  EXPECT_EQ(with([](Descriptor& d) { d.len = 0x01000008; }), ERR_DESC_LEN);
  EXPECT_EQ(with([](Descriptor& d) { d.ctrl |= 1u << 21; }), ERR_DESC_RSVD);
  EXPECT_EQ(with([](Descriptor& d) { d.ctrl |= dc_flow(3); }), ERR_DESC_RSVD);
  EXPECT_EQ(with([](Descriptor& d) { d.ctrl |= dc_width(4); }), ERR_DESC_RSVD);
  EXPECT_EQ(with([](Descriptor& d) { d.next = kD + 8; }), ERR_DESC_ALIGN);
  EXPECT_EQ(with([](Descriptor& d) { d.ctrl |= dc_flow(MEM2PER) | dc_req(16); }), ERR_DESC_REQ);
  EXPECT_EQ(with([](Descriptor& d) { d.ctrl &= ~DC_DST_INC; d.ctrl |= dc_width(2); d.dst = kT + 2; }), ERR_DESC_FIXED);
  EXPECT_EQ(with([](Descriptor& d) { d.ctrl &= ~DC_SRC_INC; d.ctrl |= dc_width(2); d.len = 6; }), ERR_DESC_FIXED);
  // Order: LEN before RSVD before ALIGN before REQ before FIXED.
  EXPECT_EQ(with([](Descriptor& d) { d.len = 0; d.ctrl |= 1u << 25; }), ERR_DESC_LEN);
  EXPECT_EQ(with([](Descriptor& d) { d.ctrl |= 1u << 25; d.next = 4; }), ERR_DESC_RSVD);
  EXPECT_EQ(with([](Descriptor& d) { d.next = 4; d.ctrl |= dc_flow(PER2MEM) | dc_req(20); }), ERR_DESC_ALIGN);
}

TEST(DmacGolden, BusErrors) {
  PagedBytes m(0xAA);
  Descriptor d0{kS, kT, 0, 256, DC_SRC_INC | DC_DST_INC};
  d0.store(m, kD);
  {
    GoldenModel g;
    g.add_error_region({{kS + 100, kS + 101}, AXI_DECERR, true, false});
    PagedBytes mm = m;
    std::vector<ChannelRun> runs(8);
    runs[1] = {true, kD, false, 0};
    g.run(mm, runs);
    auto& e = g.expect(1);
    EXPECT_EQ(e.state, ST_ERROR);
    EXPECT_EQ(e.err_code, ERR_DATA_READ);
    EXPECT_EQ(e.err_resp, AXI_DECERR);
    EXPECT_EQ(e.err_addr, kS + 100);
    EXPECT_EQ(e.err_addr_min, kS);
    EXPECT_EQ(g.uncertain().size(), 100u);
    EXPECT_EQ(mm.get(kT), 0xAA);
  }
  {
    GoldenModel g;
    g.add_error_region({{kD, kD + 32}, AXI_SLVERR, true, true});
    PagedBytes mm = m;
    std::vector<ChannelRun> runs(8);
    runs[1] = {true, kD, false, 0};
    g.run(mm, runs);
    EXPECT_EQ(g.expect(1).err_code, ERR_DESC_READ);
    EXPECT_EQ(g.expect(1).err_addr, kD);
  }
  {
    GoldenModel g;
    PagedBytes mm = m;
    std::vector<ChannelRun> runs(8);
    runs[1] = {true, kD + 4, false, 0};
    g.run(mm, runs);
    EXPECT_EQ(g.expect(1).err_code, ERR_DESC_ALIGN);
    EXPECT_EQ(g.expect(1).err_addr, kD + 4);
  }
}

TEST(DmacGolden, CyclicRingStopsAfterCompletions) {
  PagedBytes m(0);
  GoldenModel g;
  auto& f = g.add_fifo(0x40020000);
  for (int i = 0; i < 4; ++i) {
    for (int k = 0; k < 16; ++k) m.set(kS + i * 16 + k, uint8_t(i * 16 + k));
    Descriptor d{uint32_t(kS + i * 16), 0x40020000, uint32_t(kD + ((i + 1) % 4) * 32), 16,
                 DC_IRQ | DC_SRC_INC | dc_flow(MEM2PER) | dc_width(2)};
    d.store(m, kD + i * 32);
  }
  std::vector<ChannelRun> runs(8);
  runs[0] = {true, kD, false, 10};
  g.run(m, runs);
  EXPECT_EQ(g.expect(0).tc_count, 10u);
  EXPECT_EQ(g.expect(0).state, ST_ACTIVE);
  ASSERT_EQ(f.written.size(), 160u);
  for (int i = 0; i < 160; ++i) EXPECT_EQ(f.written[i], i % 64);
}

TEST(DmacGolden, SparseMemoryErrorsAndFifo) {
  SparseMemory mem(0x11);
  mem.add_error_region({{0x1000, 0x1010}, AXI_DECERR, false, true});
  uint8_t buf[8], strb[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(mem.read(0x1000, buf, 8).resp, AXI_OKAY);
  EXPECT_EQ(buf[0], 0x11);
  EXPECT_EQ(mem.write(0x100C, buf, strb, 8).resp, AXI_DECERR);
  EXPECT_EQ(mem.bytes().get(0x100C), 0x11);
  ASSERT_NE(mem.first_error(), nullptr);
  EXPECT_EQ(mem.first_error()->addr, 0x100Cu);
  mem.fail_nth_read(2, AXI_SLVERR);
  EXPECT_EQ(mem.read(0x2000, buf, 8).resp, AXI_SLVERR);
  auto& f = mem.add_fifo(0x3000);
  f.supply = {1, 2, 3};
  EXPECT_EQ(mem.read(0x3000, buf, 2).resp, AXI_OKAY);
  EXPECT_EQ(buf[1], 2);
  uint8_t data[4] = {9, 8, 7, 6}, st[4] = {1, 0, 1, 1};
  mem.write(0x3000, data, st, 4);
  EXPECT_EQ(f.written, (std::vector<uint8_t>{9, 7, 6}));
  auto bad = mem.writes_outside({{0x3000, 0x3008}});
  EXPECT_EQ(bad.size(), 0u);  // errored writes are not counted as writes
}
}  // namespace
}  // namespace test_dmac_golden
