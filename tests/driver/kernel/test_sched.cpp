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

// ---------------------------------------------------------------- scheduling while atomic

namespace {
const LockReport* first_report(const std::string& rule) {
  for (const auto& r : this_kernel().lockdep().reports())
    if (r.rule == rule) return &r;
  return nullptr;
}
}  // namespace

// schedule() entered with a spinlock held (no might_sleep() on the way:
// a raw set_current_state() + schedule_timeout()): __schedule_bug's
// "BUG: scheduling while atomic: comm/pid/preempt_count" with the held locks
// (0x00000002: the lock's count plus the scheduler's own preempt_disable()).
TEST(KernelSched, SchedulingWhileAtomicReported) {
  Platform& p = platform();
  (void)p;
  static spinlock_t l;
  spin_lock_init(&l, "chan_lock");
  bool finished = false;
  task_struct* app = kthread_run([&] {
    KFUNC("poll_chan");
    spin_lock(&l);
    set_current_state(TASK_UNINTERRUPTIBLE);
    schedule_timeout(1);
    spin_unlock(&l);
    finished = true;
  }, "app");
  sc_start(5, SC_MS);
  EXPECT_TRUE(finished);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("V-SCHED-1"), 1u) << ld.dump();
  EXPECT_EQ(ld.count("V-SLEEP-1"), 0u) << "schedule_timeout() itself has no might_sleep()";
  const LockReport* r = first_report("V-SCHED-1");
  EXPECT_EQ(r->headline, "BUG: scheduling while atomic");
  EXPECT_EQ(r->message.rfind(strfmt("BUG: scheduling while atomic: app/%d/0x00000002\n", app->pid), 0), 0u)
      << r->message;
  // 6.1: debug_show_held_locks(), print_modules(), dump_stack() with the
  // sleeping caller in the Call Trace.
  EXPECT_NE(r->message.find(strfmt("1 lock held by app/%d:\n #0: ", app->pid)), std::string::npos) << r->message;
  EXPECT_NE(r->message.find(" (chan_lock){+.+.}, at: poll_chan\nModules linked in:\n"), std::string::npos)
      << r->message;
  EXPECT_NE(r->message.find("Call Trace:\n <TASK>\n"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find(" schedule+0x"), std::string::npos) << r->message;
  EXPECT_EQ(r->locks, std::vector<std::string>{"chan_lock"});
  EXPECT_EQ(r->contexts, std::vector<std::string>{"process:app > poll_chan"});
  ld.expect("V-SCHED-1");
  expect_no_unexpected_reports();
}

// The same sleep without the lock, and every ordinary sleep (msleep,
// completion, mutex contention, a workqueue flush) is silent.
TEST(KernelSched, SchedulingOutsideAtomicIsSilent) {
  Platform& p = platform();
  (void)p;
  static mutex m;
  static completion c;
  mutex_init(&m, "m");
  init_completion(&c);
  int steps = 0;
  kthread_run([&] {
    set_current_state(TASK_UNINTERRUPTIBLE);
    schedule_timeout(1);
    msleep(1);
    mutex_lock(&m);
    msleep(1);
    mutex_unlock(&m);
    wait_for_completion(&c);
    ++steps;
  }, "a");
  kthread_run([&] {
    mutex_lock(&m);  // contended: sleeps
    mutex_unlock(&m);
    complete(&c);
    ++steps;
  }, "b");
  sc_start(10, SC_MS);
  EXPECT_EQ(steps, 2);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- do_exit

// A thread returning with a mutex held: lockdep's debug_check_no_locks_held()
// in do_exit, "WARNING: comm/pid still has locks held!" with the lock.
TEST(KernelSched, ExitWithLocksHeldReported) {
  Platform& p = platform();
  (void)p;
  static mutex m;
  mutex_init(&m, "cfg_mutex");
  task_struct* t = kthread_run([&] {
    KFUNC("probe");
    mutex_lock(&m);
  }, "leaker");
  sc_start(1, SC_MS);
  EXPECT_EQ(t->state, TASK_DEAD);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("L-EXIT"), 1u) << ld.dump();
  const LockReport* r = first_report("L-EXIT");
  EXPECT_EQ(r->headline, strfmt("WARNING: leaker/%d still has locks held!", t->pid));
  EXPECT_NE(r->message.find(strfmt("1 lock held by leaker/%d:\n #0: ", t->pid)), std::string::npos) << r->message;
  EXPECT_NE(r->message.find(" (cfg_mutex){+.+.}, at: "), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("\nstack backtrace:\nCPU: 0 PID: "), std::string::npos) << r->message;
  EXPECT_NE(r->message.find(" do_exit"), std::string::npos) << r->message;
  EXPECT_EQ(r->locks, std::vector<std::string>{"cfg_mutex"});
  ld.expect("L-EXIT");
  expect_no_unexpected_reports();
}

TEST(KernelSched, ExitWithoutLocksIsSilent) {
  Platform& p = platform();
  (void)p;
  static mutex m;
  static spinlock_t l;
  mutex_init(&m, "cfg_mutex");
  spin_lock_init(&l, "l");
  task_struct* t = kthread_run([&] {
    mutex_lock(&m);
    spin_lock(&l);
    spin_unlock(&l);
    mutex_unlock(&m);
  }, "tidy");
  sc_start(1, SC_MS);
  EXPECT_EQ(t->state, TASK_DEAD);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- kthread_run / kthread_stop

namespace {
struct Worker {
  int loops = 0;
  bool saw_stop = false;
};
int worker_fn(void* data) {
  auto* w = static_cast<Worker*>(data);
  while (!kthread_should_stop()) {
    ++w->loops;
    msleep(1);
  }
  w->saw_stop = true;
  return 42;
}
int never_called_fn(void* data) {
  *static_cast<bool*>(data) = true;
  return 7;
}
}  // namespace

// Linux's signature and printf-style name; kthread_stop() wakes the thread,
// waits for it to exit and returns its threadfn's value. A thread stopped
// before it ever ran returns -EINTR without calling its function.
TEST(KernelSched, KthreadRunAndStop) {
  Platform& p = platform();
  (void)p;
  static Worker w;
  static bool called = false;
  task_struct* worker = kthread_run(worker_fn, &w, "dmatest%d-%s", 0, "copy");
  task_struct* unborn = kthread_create(never_called_fn, &called, "unborn/%u", 3u);
  int ret = 0, ret_unborn = 0;
  double stopped_ns = -1;
  bool should_stop_in_stopper = true;
  kthread_run([&] {
    msleep(5);
    should_stop_in_stopper = kthread_should_stop();
    ret = kthread_stop(worker);
    stopped_ns = now_ns();
    ret_unborn = kthread_stop(unborn);
  }, "stopper");
  sc_start(20, SC_MS);
  EXPECT_EQ(worker->comm, "dmatest0-copy");
  EXPECT_EQ(unborn->comm, "unborn/3");
  EXPECT_EQ(ret, 42);
  EXPECT_TRUE(w.saw_stop);
  EXPECT_GE(w.loops, 5);
  EXPECT_LE(w.loops, 7);
  EXPECT_EQ(worker->state, TASK_DEAD);
  EXPECT_GE(stopped_ns, 5e6);
  EXPECT_LE(stopped_ns, 6e6) << "kthread_stop() did not wake the sleeping thread";
  EXPECT_FALSE(should_stop_in_stopper);
  EXPECT_EQ(ret_unborn, -EINTR);
  EXPECT_FALSE(called);
  EXPECT_EQ(unborn->state, TASK_DEAD);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// wait_var_event() sleeps until another thread changes the variable and
// calls wake_up_var(); a condition already true does not sleep.
TEST(KernelSched, WaitVarEventWokenByWakeUpVar) {
  Platform& p = platform();
  (void)p;
  static int flag = 0;
  double woke_ns = -1, early_ns = -1;
  kthread_run([&] {
    wait_var_event(&flag, flag == 1);
    woke_ns = now_ns();
    wait_var_event(&flag, flag == 1);  // already true: returns at once
    early_ns = now_ns();
  }, "waiter");
  kthread_run([&] {
    msleep(2);
    flag = 1;
    wake_up_var(&flag);
  }, "waker");
  sc_start(5, SC_MS);
  EXPECT_DOUBLE_EQ(woke_ns, 2e6);
  EXPECT_DOUBLE_EQ(early_ns, 2e6);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}
