// RTL tests that preset a register of the Verilated model through its root
// (Verilator exposes the flops): they need the plain model, whose layout the
// path names, so they live in test_dmac_plain (tests/rtl/CMakeLists.txt), which
// links dmac_rtl in every build, also when test_dmac runs on the
// coverage-instrumented model (that one keeps the register elsewhere).
#include <gtest/gtest.h>

#include "dmac_bench.h"
#include "Vdmac_top___024root.h"

#ifdef DMACOSIM_COVERAGE
#error "test_dmac_preset.cpp needs the plain model (test_dmac_plain)"
#endif

using namespace dmacosim;
using namespace dmacosim::test;
using namespace dmacosim::test::spec;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_preset {

namespace {
constexpr uint32_t kD = 0x80000000, kS = 0x80100000, kT = 0x80400000;
}  // namespace

// Spec, TC_COUNT: TC events since the last doorbell, wrapping at 2^32.
// Counting 2^32 descriptors is out of reach, so the channel's counter is
// preset (Verilator exposes the register) to 2^32 - 2 right after the
// doorbell; three TC events later it reads 1.
TEST(DmacSpecRules, TcCountWrapsAt2To32) {
  DmacBench b({.seed = 8, .random_latency = false, .first_lat = 40, .per_lat = 1});
  for (unsigned i = 0; i < 3; ++i) {
    b.fill_random(kS + 0x100 * i, 64, 10 + i);
    b.write_desc(kD + 32 * i, {kS + 0x100 * i, kT + 0x100 * i, i < 2 ? kD + 32 * (i + 1) : 0, 64,
                               DC_SRC_INC | DC_DST_INC | DC_IRQ});
  }
  b.start(2, kD);
  b.dut().rootp->platform_top__DOT__u_dmac__DOT__u_ch__DOT__tc_count_q[2] = 0xFFFFFFFEu;  // channel c: word c
  ASSERT_EQ(b.chrd(2, TC_COUNT), 0xFFFFFFFEu) << "preset did not take (before the first TC)";
  ASSERT_TRUE(b.run_until_idle(100000));
  EXPECT_EQ(b.chrd(2, TC_COUNT), 1u);
  EXPECT_EQ(b.chrd(2, STATUS), uint32_t(ST_IDLE));
  EXPECT_EQ(b.chrd(2, IRQ_RAW), IRQ_TC);
}
}  // namespace test_dmac_preset
