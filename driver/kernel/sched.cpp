// Kernel threads, sleeping, wait queues, completions, delays.
#include <algorithm>
#include <climits>

#include "irqflags.h"
#include "models/log.h"
#include "preempt.h"
#include "sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

// A function, not a static sc_time: sc_time objects must not exist before
// sc_main sets the time resolution.
static sc_time jiffy() { return sc_time(1, SC_MS); }

unsigned long msecs_to_jiffies(unsigned int ms) { return ms; }
unsigned long usecs_to_jiffies(unsigned int us) { return (us + 999) / 1000; }
unsigned long jiffies_now() { return static_cast<unsigned long>(sc_time_stamp() / jiffy()); }

task_struct* get_current() { return this_kernel().current(); }

task_struct* kthread_run(std::function<int()> fn, const std::string& name) {
  Kernel& k = this_kernel();
  task_struct* t = k.create_task(std::move(fn), name);
  k.wake_up_process(t);
  return t;
}
task_struct* kthread_run(std::function<void()> fn, const std::string& name) {
  return kthread_run(std::function<int()>([fn] { fn(); return 0; }), name);
}
bool kthread_should_stop() { return false; }

void set_current_state(long state) { this_kernel().current()->state = state; }
void __set_current_state(long state) { this_kernel().current()->state = state; }
void schedule() { this_kernel().schedule(); }
int wake_up_process(task_struct* t) {
  bool was_sleeping = t && t->state != TASK_RUNNING && t->state != TASK_DEAD;
  this_kernel().wake_up_process(t);
  return was_sleeping ? 1 : 0;
}

void yield() {
  Kernel& k = this_kernel();
  CpuState& cs = k.this_cpu();
  if (in_task()) k.touch_softlockup_watchdog();  // a scheduling point (the watchdog thread could run)
  if (cs.curr == cs.idle || !in_task() || cs.runqueue.empty()) {
    k.cpu().cpu_relax();  // nothing else can run: let time (and interrupts) pass
    return;
  }
  __set_current_state(TASK_RUNNING);
  k.schedule();
}

void cond_resched() {
  Kernel& k = this_kernel();
  if (!in_atomic()) k.touch_softlockup_watchdog();  // a scheduling point (the watchdog thread could run)
  if (!k.this_cpu().runqueue.empty() && !in_atomic()) {
    __set_current_state(TASK_RUNNING);
    k.schedule();
  }
}

long schedule_timeout(long timeout_jiffies) {
  Kernel& k = this_kernel();
  if (timeout_jiffies < 0) timeout_jiffies = 0;
  sc_time start = sc_time_stamp();
  sc_time t = jiffy() * static_cast<double>(timeout_jiffies);
  bool timed_out = k.schedule_timeout(t);
  if (timed_out) return 0;
  sc_time elapsed = sc_time_stamp() - start;
  long used = static_cast<long>(elapsed / jiffy());
  long rem = timeout_jiffies - used;
  return rem > 0 ? rem : 1;
}

long schedule_timeout_uninterruptible(long timeout_jiffies) {
  __set_current_state(TASK_UNINTERRUPTIBLE);
  return schedule_timeout(timeout_jiffies);
}

void __might_sleep(const char* file, int line, unsigned preempt_offset) {
  Kernel& k = this_kernel();
  unsigned pc = preempt_count();
  bool irqoff = irqs_disabled();
  if (pc == preempt_offset && !irqoff) return;
  task_struct* t = k.current();
  std::string chain = k.current_full_chain();
  LockReport r;
  r.rule = "V-SLEEP-1";
  r.headline = "BUG: sleeping function called from invalid context";
  r.message = strfmt(
      "BUG: sleeping function called from invalid context at %s:%d\n"
      "in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s\n"
      "preempt_count: %x, expected: %x\n"
      "context: %s",
      file, line, pc != 0 ? 1 : 0, irqoff ? 1 : 0, t->pid, t->comm.c_str(), pc, preempt_offset, chain.c_str());
  r.contexts = {chain};
  // Locks currently held, for the record.
  for (const auto& h : t->held_locks) r.locks.push_back(h.instance ? h.instance->name : "?");
  k.lockdep().report(strfmt("V-SLEEP-1|%s:%d|%s", file, line, chain.c_str()), r);
}

void sleep_for(const sc_time& d, const char* file, int line) {
  __might_sleep(file, line, 0);
  Kernel& k = this_kernel();
  sc_time deadline = sc_time_stamp() + d;
  while (sc_time_stamp() < deadline) {
    __set_current_state(TASK_UNINTERRUPTIBLE);
    k.schedule_timeout(deadline - sc_time_stamp());
  }
  __set_current_state(TASK_RUNNING);
}

void msleep(unsigned int msecs, const char* file, int line) { sleep_for(sc_time(msecs, SC_MS), file, line); }
void usleep_range(unsigned long min_us, unsigned long max_us, const char* file, int line) {
  sleep_for(sc_time(static_cast<double>(min_us), SC_US), file, line);
}

void ndelay(unsigned long ns) { this_kernel().cpu().delay(sc_time(static_cast<double>(ns), SC_NS)); }
void udelay(unsigned long us) { this_kernel().cpu().delay(sc_time(static_cast<double>(us), SC_US)); }
void mdelay(unsigned long ms) { this_kernel().cpu().delay(sc_time(static_cast<double>(ms), SC_MS)); }
void cpu_relax() { this_kernel().cpu().cpu_relax(); }

// ---------------------------------------------------------------- wait queues

void wake_up(wait_queue_head_t* wq) {
  std::deque<task_struct*> w;
  w.swap(wq->waiters);
  for (task_struct* t : w) this_kernel().wake_up_process(t);
}
void wake_up_all(wait_queue_head_t* wq) { wake_up(wq); }

void __wait_prepare(wait_queue_head_t* wq, long state) {
  task_struct* cur = this_kernel().current();
  if (std::find(wq->waiters.begin(), wq->waiters.end(), cur) == wq->waiters.end()) wq->waiters.push_back(cur);
  cur->state = state;
}
void __wait_finish(wait_queue_head_t* wq) {
  task_struct* cur = this_kernel().current();
  wq->waiters.erase(std::remove(wq->waiters.begin(), wq->waiters.end(), cur), wq->waiters.end());
  cur->state = TASK_RUNNING;
}

// ---------------------------------------------------------------- completions

void complete(completion* x) {
  unsigned long flags;
  raw_local_irq_save(flags);
  if (x->done != UINT_MAX) x->done++;
  if (!x->wait.waiters.empty()) {
    task_struct* t = x->wait.waiters.front();
    x->wait.waiters.pop_front();
    this_kernel().wake_up_process(t);
  }
  raw_local_irq_restore(flags);
}

void complete_all(completion* x) {
  unsigned long flags;
  raw_local_irq_save(flags);
  x->done = UINT_MAX;
  wake_up(&x->wait);
  raw_local_irq_restore(flags);
}

void wait_for_completion(completion* x, const char* file, int line) {
  __might_sleep(file, line, 0);
  while (!x->done) {
    __wait_prepare(&x->wait, TASK_UNINTERRUPTIBLE);
    if (x->done) break;
    this_kernel().schedule();
  }
  __wait_finish(&x->wait);
  if (x->done != UINT_MAX) x->done--;
}

unsigned long wait_for_completion_timeout(completion* x, unsigned long timeout, const char* file, int line) {
  __might_sleep(file, line, 0);
  Kernel& k = this_kernel();
  sc_time deadline = sc_time_stamp() + jiffy() * static_cast<double>(timeout);
  while (!x->done) {
    if (sc_time_stamp() >= deadline) {
      __wait_finish(&x->wait);
      return 0;
    }
    __wait_prepare(&x->wait, TASK_UNINTERRUPTIBLE);
    if (x->done) break;
    k.schedule_timeout(deadline - sc_time_stamp());
  }
  __wait_finish(&x->wait);
  if (x->done != UINT_MAX) x->done--;
  sc_time left = deadline > sc_time_stamp() ? deadline - sc_time_stamp() : SC_ZERO_TIME;
  unsigned long j = static_cast<unsigned long>(left / jiffy());
  return j ? j : 1;
}

bool try_wait_for_completion(completion* x) {
  if (!x->done) return false;
  if (x->done != UINT_MAX) x->done--;
  return true;
}
bool completion_done(completion* x) { return x->done != 0; }

}  // namespace dmacosim::kernel
