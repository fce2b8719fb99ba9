// Kernel threads and sleeping (kernel/sched, kernel/kthread.c, timers).
// Several kthreads share ONE CPU, non-preemptively: a task runs until it
// sleeps (msleep, usleep_range, schedule, wait_for_completion, mutex
// contention, tasklet_kill, ...). Interrupts still interrupt whichever task
// is on the CPU, on its own SystemC thread. When nothing is runnable the idle
// task (swapper/0) waits for interrupts (WFI).
//
// Every sleep point calls might_sleep(): V-SLEEP-1 is reported when
// preempt_count() != 0 or IRQs are disabled.
#pragma once
#include <deque>
#include <functional>
#include <string>

#include "kernel.h"

namespace dmacosim::kernel {

constexpr unsigned long HZ = 1000;  // 1 jiffy = 1 ms of simulated time
unsigned long msecs_to_jiffies(unsigned int ms);
unsigned long usecs_to_jiffies(unsigned int us);
unsigned long jiffies_now();  // "jiffies"

task_struct* get_current();
// kthread_run(fn, name): create and wake a kernel thread. Accepts int() or void().
task_struct* kthread_run(std::function<int()> fn, const std::string& name);
task_struct* kthread_run(std::function<void()> fn, const std::string& name);
bool kthread_should_stop();  // always false (no kthread_stop yet)

void set_current_state(long state);
void __set_current_state(long state);
void schedule();
int wake_up_process(task_struct* t);
void yield();
void cond_resched();
// Sleeps; return remaining jiffies (0 = timed out).
long schedule_timeout(long timeout_jiffies);
long schedule_timeout_uninterruptible(long timeout_jiffies);

void __might_sleep(const char* file, int line, unsigned preempt_offset);
inline void might_sleep(const char* file = __builtin_FILE(), int line = __builtin_LINE()) { __might_sleep(file, line, 0); }

void msleep(unsigned int msecs, const char* file = __builtin_FILE(), int line = __builtin_LINE());
void usleep_range(unsigned long min_us, unsigned long max_us, const char* file = __builtin_FILE(),
                  int line = __builtin_LINE());
// Sleep for an arbitrary simulated time (model helper, also a sleep point).
void sleep_for(const sc_core::sc_time& t, const char* file = __builtin_FILE(), int line = __builtin_LINE());

// Busy waits: legal in atomic context; interrupts are taken while waiting.
void ndelay(unsigned long ns);
void udelay(unsigned long us);
void mdelay(unsigned long ms);
void cpu_relax();

// ---- wait queues ----
struct wait_queue_head_t {
  std::deque<task_struct*> waiters;
};
inline void init_waitqueue_head(wait_queue_head_t* wq) { wq->waiters.clear(); }
void wake_up(wait_queue_head_t* wq);      // wakes all sleepers (they recheck)
void wake_up_all(wait_queue_head_t* wq);
void __wait_prepare(wait_queue_head_t* wq, long state);  // add current, set state
void __wait_finish(wait_queue_head_t* wq);               // remove current, RUNNING

#define wait_event(wq, condition)                                          \
  do {                                                                     \
    ::dmacosim::kernel::might_sleep();                                     \
    while (!(condition)) {                                                 \
      ::dmacosim::kernel::__wait_prepare(&(wq), ::dmacosim::kernel::TASK_UNINTERRUPTIBLE); \
      if (condition) { ::dmacosim::kernel::__wait_finish(&(wq)); break; }  \
      ::dmacosim::kernel::schedule();                                      \
      ::dmacosim::kernel::__wait_finish(&(wq));                            \
    }                                                                      \
  } while (0)

// ---- completions (kernel/sched/completion.c) ----
struct completion {
  unsigned int done = 0;
  wait_queue_head_t wait;
};
#define DECLARE_COMPLETION(x) ::dmacosim::kernel::completion x
inline void init_completion(completion* x) { x->done = 0; x->wait.waiters.clear(); }
inline void reinit_completion(completion* x) { x->done = 0; }
void complete(completion* x);      // may be called from any context
void complete_all(completion* x);
void wait_for_completion(completion* x, const char* file = __builtin_FILE(), int line = __builtin_LINE());
// Returns 0 on timeout, else remaining jiffies (at least 1).
unsigned long wait_for_completion_timeout(completion* x, unsigned long timeout_jiffies,
                                          const char* file = __builtin_FILE(), int line = __builtin_LINE());
bool try_wait_for_completion(completion* x);
bool completion_done(completion* x);

}  // namespace dmacosim::kernel
