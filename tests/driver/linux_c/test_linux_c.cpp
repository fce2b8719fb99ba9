// The Linux-compatible C headers over the kernel model (driver/include,
// driver/linux_c/bridge.cpp): each case is kernel C (c_api_cases.c) run in a
// kthread; the checks are on what the kernel model and the validator saw.
// Every rule reached through C has a test that fires it and one that stays
// silent. One TEST per process (SystemC elaborates once).
#include "c_api_cases.h"
#include "driver/linux_c/c_platform.h"
#include "tests/driver/kernel/harness.h"

namespace {

using namespace kt;

std::vector<const LockReport*> of_rule(const std::string& rule) {
  std::vector<const LockReport*> v;
  for (const auto& r : this_kernel().lockdep().reports())
    if (r.rule == rule) v.push_back(&r);
  return v;
}

// Runs `body` in a kthread "app" for up to `t` of simulated time.
void run_app(std::function<void()> body, sc_time t = sc_time(5, SC_MS)) {
  static bool done;
  done = false;
  kthread_run([body] {
    body();
    done = true;
  }, "app");
  sc_start(t);
  ASSERT_TRUE(done) << "the C case did not return";
}

TEST(LinuxC, EveryLockFlavourKeepsIrqAndBhStateAndIsSilent) {
  platform();
  int ret = -1;
  run_app([&] { ret = c_lock_flavours(); });
  EXPECT_EQ(ret, 0) << "first failed expectation in c_lock_flavours()";
  expect_no_unexpected_reports();
  EXPECT_EQ(dmacosim::linux_c::stats().kmalloc_bytes_live, 0u);
}

TEST(LinuxC, SpinUnlockBhWithIrqsOffIsVBh1LikeTheCxxDriver) {
  platform();
  run_app([] {
    KFUNC("snd_pcm_action_lock_irq");
    c_spin_lock_bh_under_irqsave(1);
  });
  auto v = of_rule("V-BH-1");
  ASSERT_EQ(v.size(), 1u) << this_kernel().lockdep().dump();
  ASSERT_FALSE(v[0]->contexts.empty());
  // The C function that unlocked is on the chain, after the C++ caller's.
  EXPECT_NE(v[0]->contexts[0].find("process:app > snd_pcm_action_lock_irq > c_spin_lock_bh_under_irqsave"),
            std::string::npos)
      << v[0]->contexts[0];
  this_kernel().lockdep().expect("V-BH-1");
  expect_no_unexpected_reports();
}

TEST(LinuxC, SpinLockBhWithIrqsOnIsSilent) {
  platform();
  run_app([] { c_spin_lock_bh_under_irqsave(0); });
  EXPECT_TRUE(of_rule("V-BH-1").empty());
  expect_no_unexpected_reports();
}

TEST(LinuxC, LockdepAssertHeldFiresWithoutTheLock) {
  platform();
  run_app([] { c_assert_held(0); });
  auto v = of_rule("L-ASSERT");
  ASSERT_EQ(v.size(), 1u) << this_kernel().lockdep().dump();
  EXPECT_EQ(v[0]->locks, std::vector<std::string>{"&o->lock"});  // named as Linux names it
  this_kernel().lockdep().expect("L-ASSERT");
  expect_no_unexpected_reports();
}

TEST(LinuxC, LockdepAssertHeldWithTheLockIsSilent) {
  platform();
  run_app([] { c_assert_held(1); });
  expect_no_unexpected_reports();
}

TEST(LinuxC, KfreeOfAHeldLockFires) {
  platform();
  run_app([] {
    c_kfree_held_lock(1);
    this_kernel().lockdep().reset();  // forget the held lock: its memory is gone
    this_kernel().current()->preempt_count = 0;
  });
  auto v = of_rule("L-FREED");
  ASSERT_EQ(v.size(), 1u) << this_kernel().lockdep().dump();
  EXPECT_EQ(v[0]->locks, std::vector<std::string>{"&o->lock"});
  this_kernel().lockdep().expect("L-FREED");
  expect_no_unexpected_reports();
}

TEST(LinuxC, KfreeAfterUnlockIsSilent) {
  platform();
  run_app([] { c_kfree_held_lock(0); });
  expect_no_unexpected_reports();
  EXPECT_EQ(dmacosim::linux_c::stats().kmalloc_bytes_live, 0u);
}

TEST(LinuxC, ASpinlockUsedWithoutSpinLockInitIsAnError) {
  platform();
  run_app([] { c_uninitialized_lock(0); });
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "spinlock used before spin_lock_init()"), 1u);
  expect_no_unexpected_reports();
}

TEST(LinuxC, ASpinlockUsedAfterSpinLockInitIsSilent) {
  platform();
  run_app([] { c_uninitialized_lock(1); });
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "spinlock used before"), 0u);
  expect_no_unexpected_reports();
}

TEST(LinuxC, GfpKernelUnderASpinlockSleepsInAtomic) {
  platform();
  run_app([] { c_gfp_kernel_atomic(0); });
  ASSERT_EQ(of_rule("V-SLEEP-1").size(), 1u) << this_kernel().lockdep().dump();
  this_kernel().lockdep().expect("V-SLEEP-1");
  expect_no_unexpected_reports();
}

TEST(LinuxC, GfpAtomicUnderASpinlockIsSilent) {
  platform();
  run_app([] { c_gfp_kernel_atomic(1); });
  expect_no_unexpected_reports();
}

TEST(LinuxC, TaskletRunsInSoftirqAndCompletesTheWaiter) {
  platform();
  int ret = -1;
  run_app([&] { ret = c_tasklet_and_completion(); });
  EXPECT_EQ(ret, 0) << "first failed expectation in c_tasklet_and_completion()";
  EXPECT_EQ(dmacosim::linux_c::stats().tasklet_runs, 2u);
  expect_no_unexpected_reports();
}

// An on-stack completion (DECLARE_COMPLETION_ONSTACK), legal in Linux:
// the next frame's completion at the same address starts fresh, and its
// twin replaces the old one instead of piling up (or leaking at exit).
TEST(LinuxC, OnStackCompletionStartsFreshInEveryFrame) {
  platform();
  int ret = -1;
  uintptr_t first = 0, second = 0;
  const size_t before = dmacosim::linux_c::stats().live_completions;
  run_app([&] { ret = c_onstack_completions(&first, &second); });
  EXPECT_EQ(ret, 0) << "first failed expectation in c_onstack_completions()";
  ASSERT_EQ(first, second) << "the two frames' completions are not at one address: the test proves nothing";
  EXPECT_EQ(dmacosim::linux_c::stats().live_completions, before + 1);
  expect_no_unexpected_reports();
}

TEST(LinuxC, RequestIrqHandlerRunsInHardirqUntilFreeIrq) {
  Platform& p = platform();
  p.src.at(sc_time(100, SC_US), 3);
  p.src.at(sc_time(3, SC_MS), 3);  // after free_irq: nobody handles it
  ExpectedLog no_handler(LogLevel::Warn, "irq 3: no handler registered", "raised after free_irq() on purpose");
  int req = -1, calls_before_free = 0;
  run_app([&] {
    req = c_request_irq(3);
    msleep(1);
    calls_before_free = c_irq_calls();
    c_free_irq(3);
    msleep(3);
  }, sc_time(6, SC_MS));
  EXPECT_EQ(req, 0);
  EXPECT_EQ(calls_before_free, 1) << "negative: the handler did not run in hardirq with IRQs off";
  EXPECT_EQ(c_irq_calls(), 1);
}

TEST(LinuxC, ReadlWritelGoThroughTheModelledBus) {
  Platform& p = platform();
  uint32_t got = 0;
  const size_t before = p.bus.accesses.size();
  sc_time t0, t1;
  run_app([&] {
    t0 = sc_time_stamp();
    got = c_mmio_roundtrip(kBase + 0x40, 0xdeadbeef);
    t1 = sc_time_stamp();
  });
  EXPECT_EQ(got, 0xdeadbeefu);
  EXPECT_EQ(p.bus.accesses.size() - before, 4u);  // writel, writeb, readl, readb
  uint32_t mem;
  std::memcpy(&mem, p.bus.mem.data() + 0x40, 4);
  EXPECT_EQ(mem, 0xdeadbeefu);
  EXPECT_GE(t1 - t0, sc_time(40, SC_NS)) << "each access costs the bus latency";
}

TEST(LinuxC, UdelayBusyWaitsMsleepSleeps) {
  platform();
  sc_time t0, t1;
  run_app([&] {
    t0 = sc_time_stamp();
    c_udelay_msleep();
    t1 = sc_time_stamp();
  });
  EXPECT_GE(t1 - t0, sc_time(2003, SC_US));
  expect_no_unexpected_reports();
}

}  // namespace
