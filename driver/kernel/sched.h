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
// The length of one jiffy (a function, not a constant: sc_time objects must
// not exist before sc_main sets the time resolution).
sc_core::sc_time jiffy();

task_struct* get_current();
// ---- kernel threads (kernel/kthread.c) ----
// kthread_create(): a new thread, sleeping until woken (wake_up_process);
// kthread_run(): created and woken. `namefmt` is printf-style, as in Linux.
task_struct* kthread_create(int (*threadfn)(void* data), void* data, const char* namefmt, ...)
    __attribute__((format(printf, 3, 4)));
task_struct* kthread_run(int (*threadfn)(void* data), void* data, const char* namefmt, ...)
    __attribute__((format(printf, 3, 4)));
// Model convenience for tests and scenarios whose thread body is a lambda
// capturing local state: the same as kthread_run() with a fixed name.
task_struct* kthread_run(std::function<int()> fn, const std::string& name);
task_struct* kthread_run(std::function<void()> fn, const std::string& name);
// True once kthread_stop() was called on the current thread.
bool kthread_should_stop();
// Sets the should-stop flag, wakes the thread, sleeps until it has exited
// and returns its threadfn's return value (-EINTR if it never ran).
int kthread_stop(task_struct* k, const char* file = __builtin_FILE(), int line = __builtin_LINE());
// The current kthread ends with `result` (what kthread_stop() returns).
[[noreturn]] void kthread_exit(long result);
// kernel/exit.c: the calling task ends. Checks that it holds no lock
// (L-EXIT), completes vfork_done (kthread_stop()'s wait) and never returns.
[[noreturn]] void do_exit(long code);

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

// ---- wait_var_event / wake_up_var (kernel/sched/wait_bit.c) ----
// Waiters on an arbitrary variable, hashed by its address.
wait_queue_head_t* __var_waitqueue(const void* var);
void wake_up_var(const void* var);
// Sleeps until `cond` holds (the loop of wait_var_event, after might_sleep).
void __wait_var_event(const void* var, const std::function<bool()>& cond);
#define wait_var_event(var, condition)                                                    \
  do {                                                                                    \
    ::dmacosim::kernel::might_sleep();                                                    \
    if (condition) break;                                                                 \
    ::dmacosim::kernel::__wait_var_event((var), [&]() -> bool { return (condition); });  \
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
