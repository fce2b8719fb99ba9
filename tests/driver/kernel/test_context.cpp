// preempt_count accounting, irq_enter/irq_exit, softirqs and tasklets.
#include <chrono>

#include "harness.h"

using namespace kt;

TEST(KernelContext, PreemptCountOffsets) {
  Platform& p = platform();
  (void)p;
  DEFINE_SPINLOCK(a);
  std::vector<unsigned> pc;
  std::vector<bool> flags;
  unsigned in_handler = 0;
  bool handler_in_irq = false, handler_in_interrupt = false, handler_in_softirq = true;
  request_irq(1, [&](int, void*) {
    in_handler = preempt_count();
    handler_in_irq = in_irq();
    handler_in_interrupt = in_interrupt();
    handler_in_softirq = in_softirq();
    return IRQ_HANDLED;
  }, 0, "h", nullptr);
  kthread_run([&] {
    pc.push_back(preempt_count());  // 0
    spin_lock(&a);
    pc.push_back(preempt_count());  // 1
    flags.push_back(in_atomic());
    spin_unlock(&a);
    spin_lock_bh(&a);
    pc.push_back(preempt_count());  // 0x201
    flags.push_back(in_softirq());
    flags.push_back(in_serving_softirq());
    flags.push_back(in_interrupt());
    spin_unlock_bh(&a);
    local_bh_disable();
    pc.push_back(preempt_count());  // 0x200
    local_bh_enable();
    spin_lock_irq(&a);
    flags.push_back(irqs_disabled());
    pc.push_back(preempt_count());  // 1
    spin_unlock_irq(&a);
    flags.push_back(irqs_disabled());
    pc.push_back(preempt_count());  // 0
    udelay(1);                      // interrupt arrives here
  }, "app");
  p.src.at(sc_time(100, SC_NS), 1);
  sc_start(5, SC_US);
  std::vector<unsigned> want{0, 1, 0x201, 0x200, 1, 0};
  EXPECT_EQ(pc, want);
  std::vector<bool> wantf{true, true, false, true, true, false};
  EXPECT_EQ(flags, wantf);
  EXPECT_EQ(in_handler, HARDIRQ_OFFSET);
  EXPECT_TRUE(handler_in_irq);
  EXPECT_TRUE(handler_in_interrupt);
  EXPECT_FALSE(handler_in_softirq);
  EXPECT_EQ(SOFTIRQ_DISABLE_OFFSET, 0x200u);
  EXPECT_EQ(SOFTIRQ_LOCK_OFFSET, 0x201u);
  expect_no_unexpected_reports();
}

// A tasklet scheduled from hardirq runs on irq_exit, in softirq context,
// before the interrupted code resumes.
TEST(KernelContext, TaskletFromHardirqRunsOnIrqExit) {
  Platform& p = platform();
  static tasklet_struct t;
  std::vector<std::string> order;
  double tasklet_t = -1;
  unsigned tasklet_pc = 0;
  std::string tasklet_chain;
  tasklet_setup(&t, [&](tasklet_struct*) {
    order.push_back("tasklet");
    tasklet_t = now_ns();
    tasklet_pc = preempt_count();
    tasklet_chain = this_kernel().current_full_chain();
    EXPECT_TRUE(in_serving_softirq());
    EXPECT_FALSE(in_hardirq());
    EXPECT_FALSE(irqs_disabled());  // softirqs run with hardirqs on
  }, "dmac_tasklet");
  request_irq(4, [&](int, void*) {
    order.push_back("hardirq");
    tasklet_schedule(&t);
    order.push_back("hardirq-end");
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    KFUNC("worker");
    for (int i = 0; i < 5; ++i) {
      p.cpu.readl(kBase);
      order.push_back("access");
    }
  }, "app");
  p.src.at(sc_time(15, SC_NS), 4);  // during access 1 (11..22)
  sc_start(1, SC_US);
  std::vector<std::string> want{"access", "hardirq", "hardirq-end", "tasklet", "access", "access", "access", "access"};
  EXPECT_EQ(order, want);
  EXPECT_DOUBLE_EQ(tasklet_t, 22.0);
  EXPECT_EQ(tasklet_pc, SOFTIRQ_OFFSET);
  EXPECT_EQ(tasklet_chain, "softirq:tasklet dmac_tasklet <- interrupted process:app > worker");
  EXPECT_EQ(t.runs, 1u);
  expect_no_unexpected_reports();
}

// Scheduled with bottom halves disabled: not run at irq_exit, but at local_bh_enable.
TEST(KernelContext, TaskletRunsAtLocalBhEnable) {
  Platform& p = platform();
  static tasklet_struct t;
  bool ran_before_enable = true, ran_after_enable = false;
  tasklet_setup(&t, [&](tasklet_struct*) {}, "t");
  request_irq(4, [&](int, void*) {
    tasklet_schedule(&t);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    local_bh_disable();
    udelay(1);  // IRQ at 100 ns schedules the tasklet; irq_exit must not run it
    ran_before_enable = t.runs != 0;
    local_bh_enable();
    ran_after_enable = t.runs != 0;
  }, "app");
  p.src.at(sc_time(100, SC_NS), 4);
  sc_start(5, SC_US);
  EXPECT_FALSE(ran_before_enable);
  EXPECT_TRUE(ran_after_enable);
  expect_no_unexpected_reports();
}

// tasklet_schedule from process context wakes ksoftirqd; tasklet_kill
// sleeps until the tasklet has run.
TEST(KernelContext, TaskletKillWaits) {
  Platform& p = platform();
  (void)p;
  static tasklet_struct t;
  std::vector<std::string> order;
  tasklet_setup(&t, [&](tasklet_struct*) {
    order.push_back("tasklet");
    EXPECT_EQ(this_kernel().current()->comm, "ksoftirqd/0");
  }, "t");
  kthread_run([&] {
    tasklet_schedule(&t);
    order.push_back("scheduled");
    tasklet_kill(&t);
    order.push_back("killed");
    EXPECT_EQ(t.state, 0u);
  }, "app");
  sc_start(5, SC_US);
  std::vector<std::string> want{"scheduled", "tasklet", "killed"};
  EXPECT_EQ(order, want);
  expect_no_unexpected_reports();
}

TEST(KernelContext, KfuncChains) {
  Platform& p = platform();
  (void)p;
  std::string c1, c2, c3;
  kthread_run([&] {
    KFUNC("snd_pcm_trigger");
    c1 = this_kernel().current_chain();
    {
      KFUNC("tx_submit");
      c2 = this_kernel().current_chain();
    }
    c3 = this_kernel().current_chain();
  }, "alsa-ctl");
  sc_start(1, SC_US);
  EXPECT_EQ(c1, "process:alsa-ctl > snd_pcm_trigger");
  EXPECT_EQ(c2, "process:alsa-ctl > snd_pcm_trigger > tx_submit");
  EXPECT_EQ(c3, "process:alsa-ctl > snd_pcm_trigger");
}

// ---------------------------------------------------------------- waits that can never end

namespace {

const LockReport* first_report(const std::string& rule) {
  for (const auto& r : this_kernel().lockdep().reports())
    if (r.rule == rule) return &r;
  return nullptr;
}

double wall_seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// dmaengine_synchronize() from a channel's own completion callback is
// tasklet_kill() on the tasklet that is running the callback: the wait for
// TASKLET_STATE_RUN to clear can only end when the waiter returns. might_sleep
// splats (V-SLEEP-1), then the model reports the endless wait as a fatal
// DEADLOCK naming both contexts, and the run stops at once (not after
// minutes of busy-waiting).
TEST(KernelContext, TaskletKillFromItsOwnCallbackIsAFatalDeadlock) {
  Platform& p = platform();
  (void)p;
  static tasklet_struct t;
  bool returned = false;
  tasklet_setup(&t, [&](tasklet_struct* self) {
    KFUNC("vchan_complete");
    KFUNC("dmaengine_synchronize");
    tasklet_kill(self);
    returned = true;
  }, "dmac_tasklet");
  kthread_run([&] { tasklet_schedule(&t); }, "app");
  const auto t0 = std::chrono::steady_clock::now();
  sc_start(10, SC_SEC);
  EXPECT_LT(wall_seconds_since(t0), 5.0);
  EXPECT_LT(sc_time_stamp(), sc_time(1, SC_MS)) << "the run was not stopped";
  EXPECT_FALSE(returned);
  auto& ld = this_kernel().lockdep();
  ASSERT_TRUE(this_kernel().fatal()) << ld.dump();
  EXPECT_EQ(ld.count("V-SLEEP-1", "name: ksoftirqd/0"), 1u) << ld.dump();
  const LockReport* d = first_report("DEADLOCK");
  ASSERT_NE(d, nullptr) << ld.dump();
  EXPECT_NE(d->message.find("tasklet_unlock_wait() waits for tasklet dmac_tasklet to finish"), std::string::npos)
      << d->message;
  ASSERT_EQ(d->contexts.size(), 2u);
  EXPECT_EQ(d->contexts[0], "softirq:tasklet dmac_tasklet > vchan_complete > dmaengine_synchronize (the waiter itself)");
  EXPECT_EQ(d->contexts[1].rfind("softirq:tasklet dmac_tasklet > vchan_complete > dmaengine_synchronize <- "
                                 "interrupted process:ksoftirqd/0", 0),
            0u)
      << d->contexts[1];
  for (auto r : {"V-SLEEP-1", "DEADLOCK"}) ld.expect(r);
  expect_no_unexpected_reports();
}

// An interrupt handler killing a tasklet that is queued (it can only run
// after the handler returns): also endless, reported the same way.
TEST(KernelContext, TaskletKillOfAQueuedTaskletFromHardirqIsAFatalDeadlock) {
  Platform& p = platform();
  static tasklet_struct t;
  bool ran = false;
  tasklet_setup(&t, [&](tasklet_struct*) { ran = true; }, "dmac_tasklet");
  request_irq(6, [&](int, void*) {
    tasklet_schedule(&t);
    tasklet_kill(&t);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  p.src.at(sc_time(2, SC_US), 6);
  const auto t0 = std::chrono::steady_clock::now();
  sc_start(10, SC_SEC);
  EXPECT_LT(wall_seconds_since(t0), 5.0);
  EXPECT_FALSE(ran);
  auto& ld = this_kernel().lockdep();
  ASSERT_TRUE(this_kernel().fatal()) << ld.dump();
  const LockReport* d = first_report("DEADLOCK");
  ASSERT_NE(d, nullptr) << ld.dump();
  EXPECT_NE(d->message.find("tasklet_kill() waits for tasklet dmac_tasklet to run"), std::string::npos)
      << d->message;
  EXPECT_NE(d->contexts[0].find("queued: runs only after the waiting hardirq context has returned"),
            std::string::npos)
      << d->contexts[0];
  EXPECT_EQ(d->contexts[1].rfind("hardirq:dma_irq_handler <- interrupted process:swapper/0", 0), 0u)
      << d->contexts[1];
  for (auto r : {"V-SLEEP-1", "DEADLOCK"}) ld.expect(r);
  expect_no_unexpected_reports();
}

// A sleeping wait in softirq context with interrupts disabled: no other
// context can run on this CPU, so nothing can complete it. Reported
// (V-SLEEP-1, then "scheduling while atomic", then the DEADLOCK) and fatal.
TEST(KernelContext, WaitInSoftirqWithIrqsOffIsAFatalDeadlock) {
  Platform& p = platform();
  (void)p;
  static tasklet_struct t;
  static completion never_done;
  init_completion(&never_done);
  tasklet_setup(&t, [&](tasklet_struct*) {
    KFUNC("broken_callback");
    local_irq_disable();
    wait_for_completion(&never_done);
    local_irq_enable();
  }, "dmac_tasklet");
  kthread_run([&] { tasklet_schedule(&t); }, "app");
  const auto t0 = std::chrono::steady_clock::now();
  sc_start(10, SC_SEC);
  EXPECT_LT(wall_seconds_since(t0), 5.0);
  auto& ld = this_kernel().lockdep();
  ASSERT_TRUE(this_kernel().fatal()) << ld.dump();
  EXPECT_EQ(ld.count("V-SLEEP-1"), 1u) << ld.dump();
  EXPECT_EQ(ld.count("V-SCHED-1"), 1u) << ld.dump();
  const LockReport* d = first_report("DEADLOCK");
  ASSERT_NE(d, nullptr) << ld.dump();
  EXPECT_NE(d->message.find("schedule() in atomic context with interrupts disabled"), std::string::npos)
      << d->message;
  EXPECT_EQ(d->contexts[1].rfind("softirq:tasklet dmac_tasklet > broken_callback", 0), 0u) << d->contexts[1];
  for (auto r : {"V-SLEEP-1", "V-SCHED-1", "DEADLOCK"}) ld.expect(r);
  expect_no_unexpected_reports();
}

// Not every wait in softirq is endless: with interrupts on, a hardirq can
// still complete it. Reported as the bugs they are (V-SLEEP-1,
// V-SCHED-1) but no DEADLOCK: the tasklet continues once the interrupt
// has come.
TEST(KernelContext, WaitInSoftirqCompletedByAnInterruptIsNoDeadlock) {
  Platform& p = platform();
  static tasklet_struct t;
  static completion done;
  init_completion(&done);
  double woke_ns = -1;
  tasklet_setup(&t, [&](tasklet_struct*) {
    wait_for_completion(&done);
    woke_ns = now_ns();
  }, "dmac_tasklet");
  request_irq(6, [&](int, void*) {
    complete(&done);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] { tasklet_schedule(&t); }, "app");
  p.src.at(sc_time(7, SC_US), 6);
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  EXPECT_FALSE(this_kernel().fatal()) << ld.dump();
  EXPECT_DOUBLE_EQ(woke_ns, 7000.0);
  EXPECT_EQ(ld.count("DEADLOCK"), 0u) << ld.dump();
  EXPECT_EQ(ld.count("V-SLEEP-1"), 1u) << ld.dump();
  EXPECT_EQ(ld.count("V-SCHED-1"), 1u) << ld.dump();
  for (auto r : {"V-SLEEP-1", "V-SCHED-1"}) ld.expect(r);
  expect_no_unexpected_reports();
}

// The legitimate use: tasklet_kill() from process context while the tasklet
// is queued and re-schedules itself once. It sleeps until the tasklet has
// run for good; no report, not fatal.
TEST(KernelContext, TaskletKillFromProcessContextIsClean) {
  Platform& p = platform();
  (void)p;
  static tasklet_struct t;
  tasklet_setup(&t, [&](tasklet_struct* self) {
    if (self->runs == 0) tasklet_schedule(self);
  }, "dmac_tasklet");
  bool killed = false;
  kthread_run([&] {
    tasklet_schedule(&t);
    tasklet_kill(&t);
    killed = true;
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_TRUE(killed);
  EXPECT_EQ(t.runs, 2u);
  EXPECT_EQ(t.state, 0u);
  EXPECT_FALSE(this_kernel().fatal());
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}
