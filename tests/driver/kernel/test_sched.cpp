// Kernel threads on one CPU: non-preemptive switching at sleep points.
#include "harness.h"

using namespace kt;

TEST(KernelSched, TwoKthreadsAlternateAtMsleep) {
  Platform& p = platform();
  (void)p;
  std::vector<std::string> log;
  auto body = [&](const char* name) {
    return [&log, name] {
      for (int i = 0; i < 3; ++i) {
        log.push_back(strfmt("%s%d@%.0fus", name, i, now_ns() / 1000));
        msleep(1);
      }
    };
  };
  kthread_run(body("A"), "thread-a");
  kthread_run(body("B"), "thread-b");
  sc_start(10, SC_MS);
  std::vector<std::string> want{"A0@0us", "B0@0us", "A1@1000us", "B1@1000us", "A2@2000us", "B2@2000us"};
  EXPECT_EQ(log, want);
  expect_no_unexpected_reports();
}

// Non-preemptive: a busy thread keeps the CPU until it sleeps.
TEST(KernelSched, NoPreemptionWithoutSleep) {
  Platform& p = platform();
  std::vector<std::string> log;
  kthread_run([&] {
    for (int i = 0; i < 3; ++i) {
      p.cpu.readl(kBase);
      log.push_back("A");
    }
    msleep(1);
    log.push_back("A-woke");
  }, "a");
  kthread_run([&] { log.push_back("B"); }, "b");
  sc_start(5, SC_MS);
  std::vector<std::string> want{"A", "A", "A", "B", "A-woke"};
  EXPECT_EQ(log, want);
}

// wait_for_completion is woken by complete() from a tasklet scheduled by the IRQ.
TEST(KernelSched, CompletionFromTasklet) {
  Platform& p = platform();
  static completion done;
  static tasklet_struct t;
  init_completion(&done);
  double woke_t = -1;
  std::string completer;
  tasklet_setup(&t, [&](tasklet_struct*) {
    completer = this_kernel().current_chain();
    complete(&done);
  }, "dmac_tasklet");
  request_irq(6, [&](int, void*) {
    tasklet_schedule(&t);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    wait_for_completion(&done);
    woke_t = now_ns();
  }, "app");
  p.src.at(sc_time(5, SC_US), 6);
  sc_start(1, SC_MS);
  EXPECT_EQ(completer, "softirq:tasklet dmac_tasklet");
  EXPECT_DOUBLE_EQ(woke_t, 5000.0);
  expect_no_unexpected_reports();
}

TEST(KernelSched, CompletionTimeout) {
  Platform& p = platform();
  (void)p;
  static completion never;
  init_completion(&never);
  unsigned long ret = 99;
  double t = -1;
  kthread_run([&] {
    ret = wait_for_completion_timeout(&never, msecs_to_jiffies(3));
    t = now_ns();
  }, "app");
  sc_start(10, SC_MS);
  EXPECT_EQ(ret, 0u);
  EXPECT_DOUBLE_EQ(t, 3e6);
}

TEST(KernelSched, MutexContentionSleeps) {
  Platform& p = platform();
  (void)p;
  static mutex m;
  mutex_init(&m, "test_mutex");
  std::vector<std::string> log;
  kthread_run([&] {
    mutex_lock(&m);
    log.push_back("A-locked");
    msleep(2);
    log.push_back("A-unlock");
    mutex_unlock(&m);
  }, "a");
  kthread_run([&] {
    mutex_lock(&m);
    log.push_back(strfmt("B-locked@%.0fus", now_ns() / 1000));
    mutex_unlock(&m);
  }, "b");
  sc_start(10, SC_MS);
  std::vector<std::string> want{"A-locked", "A-unlock", "B-locked@2000us"};
  EXPECT_EQ(log, want);
  expect_no_unexpected_reports();
}

// Work queued from hardirq runs in the kworker (process context, may sleep);
// flush_work sleeps until it is done.
TEST(KernelSched, WorkqueueFromHardirqAndFlush) {
  Platform& p = platform();
  static work_struct w;
  std::string chain;
  double ran_t = -1, flushed_t = -1;
  init_work(&w, [&](work_struct*) {
    chain = this_kernel().current_chain();
    msleep(1);  // legal here
    ran_t = now_ns();
  }, "dmac_synchronize_work");
  request_irq(6, [&](int, void*) {
    schedule_work(&w);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    msleep(1);  // IRQ at 10 us queues the work; its msleep ends at 1.01 ms
    flush_work(&w);
    flushed_t = now_ns();
  }, "app");
  p.src.at(sc_time(10, SC_US), 6);
  sc_start(10, SC_MS);
  EXPECT_EQ(chain, "process:kworker/0:0 > dmac_synchronize_work");
  EXPECT_DOUBLE_EQ(ran_t, 1.01e6);
  EXPECT_DOUBLE_EQ(flushed_t, 1.01e6);
  EXPECT_EQ(w.runs, 1u);
  expect_no_unexpected_reports();
}
