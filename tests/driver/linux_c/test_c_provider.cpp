// Kernel C on the full platform (RAM, the dmac RTL): coherent memory as a
// C driver sees it, and the kernel-C provider (driver/dmaengine/c) probed,
// used by dmatest and removed without leaks. One TEST per process.
#include <gtest/gtest.h>

#include <functional>

#include "c_api_cases.h"
#include "driver/dmaengine/dmatest.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "driver/linux_c/c_platform.h"
#include "driver/linux_c/dmac_provider.h"
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/system.h"
#include "tests/driver/dmaengine/rig.h"

namespace {

using namespace sc_core;
using namespace dmacosim;
using namespace dmacosim::board;
namespace de = dmacosim::dmaengine;

constexpr board::Region kPool = board::dmac_pool();

TEST(LinuxCCoherent, CpuStoresReachTheBusAtWritelOrWmbNotAtWritelRelaxed) {
  System sys("sys");
  Ram& ram = sys.hw.ram;
  const uint64_t doorbell = kRamBase + 0x1000;  // any bus location stands in for a register
  uint32_t after_relaxed = 1, after_wmb = 0, after_writel = 0, before_rmb = 1, seen_by_cpu = 0;
  bool done = false;
  int setup = -1;
  sys.start_init([&]() -> int {
    setup = c_pool_setup(kPool.base, kPool.size);
    if (setup) return 1;
    const uint64_t off = c_pool_dma() - kRamBase;
    c_pool_store(0, 0x1234);
    c_doorbell(doorbell, /*relaxed=*/1);
    after_relaxed = ram.peek32(off);
    c_wmb();
    after_wmb = ram.peek32(off);
    c_pool_store(1, 0x5678);
    c_doorbell(doorbell, /*relaxed=*/0);
    after_writel = ram.peek32(off + 4);
    ram.poke32(off + 8, 0xabcd);  // the device writes
    before_rmb = c_pool_load(2);
    seen_by_cpu = c_pool_load_after_rmb(2);
    c_pool_teardown();
    done = true;
    return 0;
  });
  sc_start(sc_time(1, SC_MS));
  ASSERT_EQ(setup, 0);
  ASSERT_TRUE(done);
  EXPECT_EQ(after_relaxed, 0u) << "writel_relaxed() orders nothing: the store is not on the bus yet";
  EXPECT_EQ(after_wmb, 0x1234u);
  EXPECT_EQ(after_writel, 0x5678u);
  EXPECT_EQ(before_rmb, 0u) << "dmacosim departs from x86 here (docs/bring-up.md): device writes need rmb()";
  EXPECT_EQ(seen_by_cpu, 0xabcdu);
  EXPECT_EQ(linux_c::stats().coherent_blocks_live, 0u);
  EXPECT_TRUE(sys.kernel.lockdep().unexpected().empty()) << sys.kernel.lockdep().dump();
}

// Probes `driver` from the init thread, runs `body` (process context), then
// the end-of-run check and .remove, and stops the simulation.
struct ProviderRun {
  std::string error, end_state, remove_report;
};
ProviderRun run_on_provider(System& sys, const char* driver, std::function<void(linux_c::DmacProvider&)> body) {
  ProviderRun r;
  linux_c::DmacProvider dmac;
  sys.start_init([&]() -> int {
    if (dmac.probe(driver, board::dmac_pdata(kPool), &r.error)) {
      body(dmac);
      r.end_state = dmac.check_quiescent();
      r.remove_report = dmac.remove();
    }
    sc_stop();
    return 0;
  });
  sc_start(sc_time(1, SC_SEC));
  return r;
}

// The kernel-C provider under dmatest: probe from the board description,
// every channel, no failure, quiescent, .remove frees everything.
void dmatest_on_c_provider(const char* driver) {
  System sys("sys");
  de::dmatest_info info;
  int ret = -1;
  unsigned channels = 0;
  bool busy_err = true;
  const ProviderRun r = run_on_provider(sys, driver, [&](linux_c::DmacProvider& dmac) {
    channels = dmac.nr_channels();
    de::dmatest_params p;
    p.iterations = 4;
    p.test_buf_size = 4096;
    p.max_channels = 3;
    p.timeout = 100;
    ret = de::dmatest_run(p, &info);
    busy_err = dt::any_busy_err(sys.hw.cpu, board::kDmaRegsBase, channels);
  });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(channels, 8u);
  EXPECT_EQ(ret, 0);
  EXPECT_EQ(info.total_tests, 12u);
  EXPECT_EQ(info.total_failures, 0u);
  EXPECT_FALSE(busy_err) << "a doorbell of the provider was ignored (STATUS.BUSY_ERR)";
  EXPECT_EQ(r.end_state, "");
  EXPECT_EQ(r.remove_report, "");
  EXPECT_GT(sys.kernel.irq_count(kIrqDma), 0u);
  EXPECT_TRUE(sys.kernel.lockdep().unexpected().empty()) << sys.kernel.lockdep().dump();
}

TEST(LinuxCProvider, DmatestPassesOnTheCVirtDmaDriver) { dmatest_on_c_provider("c-virt-dma"); }
TEST(LinuxCProvider, DmatestPassesOnTheCLegacyDriverInProcessContext) { dmatest_on_c_provider("c-legacy-bh"); }

TEST(LinuxCProvider, ACClientRequestsAChannelByNameAndCopies) {
  System sys("sys");
  int ret = -1;
  const ProviderRun r = run_on_provider(sys, "c-virt-dma", [&](linux_c::DmacProvider&) {
    board::add_dma_slave("cclient", "rx", 0);
    const board::Region buffers = board::client_pool();
    ret = c_client_memcpy(buffers.base, buffers.size, 3000);
  });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(ret, 0) << "first failed step of c_client_memcpy()";
  EXPECT_EQ(r.end_state, "");
  EXPECT_EQ(r.remove_report, "");
  EXPECT_TRUE(sys.kernel.lockdep().unexpected().empty()) << sys.kernel.lockdep().dump();
}

// The kernel-C provider's side of the doorbell contract (docs/dmac-spec.md,
// "The end of a run and the doorbell"): one STATUS read before its doorbell;
// a busy channel it did not start is a dev_err, not rung, and the transfer
// starts from the channel's next interrupt.
void busy_channel_on_c_provider(const char* driver) {
  System sys("sys");
  dt::BusyChannelCase c;
  const ProviderRun r = run_on_provider(sys, driver, [&](linux_c::DmacProvider&) {
    de::dma_chan* chan = dt::request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    c = dt::busy_channel_case(sys.hw.cpu, board::kDmaRegsBase + DMAC_CH_BASE(unsigned(chan->chan_id)), chan);
    de::dma_release_channel(chan);
  });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(c.contract_errors, 1u) << "issue_pending on a channel busy with a foreign run: one clear error";
  EXPECT_TRUE(c.foreign_busy) << "the foreign run ended before the check: the test proves nothing";
  EXPECT_FALSE(c.busy_err) << "the provider rang a doorbell on a busy channel";
  EXPECT_EQ(c.at_issue, de::DMA_IN_PROGRESS);
  EXPECT_TRUE(c.completed) << "the transfer did not start from the foreign run's end interrupt";
  EXPECT_EQ(c.at_end, de::DMA_COMPLETE);
  EXPECT_TRUE(c.data_ok);
  EXPECT_TRUE(c.foreign_data_ok);
  EXPECT_EQ(r.end_state, "");
  EXPECT_EQ(r.remove_report, "");
  EXPECT_TRUE(sys.kernel.lockdep().unexpected().empty()) << sys.kernel.lockdep().dump();
}
TEST(LinuxCProvider, BusyChannelItDidNotStartIsReportedNotRung) { busy_channel_on_c_provider("c-virt-dma"); }
TEST(LinuxCProvider, BusyChannelItDidNotStartIsReportedNotRungLegacy) { busy_channel_on_c_provider("c-legacy-bh"); }

TEST(LinuxCProvider, UnknownDriverAndBadBoardAreRefused) {
  System sys("sys");
  ExpectedLog bad_id(LogLevel::Error, "bad ID register", "probe at an address without the controller");
  std::string e1, e2;
  bool ok1 = true, ok2 = true;
  sys.start_init([&]() -> int {
    de::dmac_platform_data pd = board::dmac_pdata(kPool);
    linux_c::DmacProvider a, b;
    ok1 = a.probe("c-nonsense", pd, &e1);
    pd.regs = kRamBase;  // no dmac there: the ID register does not match
    ok2 = b.probe("c-virt-dma", pd, &e2);
    sc_stop();
    return 0;
  });
  sc_start(sc_time(10, SC_MS));
  EXPECT_FALSE(ok1);
  EXPECT_NE(e1.find("unknown driver 'c-nonsense'"), std::string::npos) << e1;
  EXPECT_FALSE(ok2);
  EXPECT_NE(e2.find("probe of dmac (dmacosim,dmac-1.0) failed: -19"), std::string::npos) << e2;
  EXPECT_EQ(linux_c::stats().kmalloc_bytes_live, 0u) << "a failed probe releases its devres";
}

}  // namespace
