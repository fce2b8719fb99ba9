// kernel/time/timer.c: jiffies, schedule_timeout(), msleep(), usleep_range();
// and the busy-wait delays (arch lib/delay.c).
#include "driver/kernel/kernel.h"

#include "driver/kernel/preempt.h"
#include "driver/kernel/sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

sc_time jiffy() { return sc_time(1, SC_MS); }

unsigned long msecs_to_jiffies(unsigned int ms) { return ms; }
unsigned long usecs_to_jiffies(unsigned int us) { return (us + 999) / 1000; }
unsigned long jiffies_now() { return static_cast<unsigned long>(sc_time_stamp() / jiffy()); }

bool Kernel::schedule_timeout(const sc_time& timeout) {
  CpuState& cs = this_cpu();
  task_struct* t = cs.curr;
  if (t == cs.idle || !in_task()) {
    cpu().delay(timeout);
    t->state = TASK_RUNNING;
    return true;
  }
  t->timed_out = false;
  t->timer_armed = true;
  t->timer_ev.notify(timeout);
  schedule();
  if (t->timer_armed) {
    t->timer_armed = false;
    t->timer_ev.cancel();
  }
  t->state = TASK_RUNNING;
  return t->timed_out;
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

}  // namespace dmacosim::kernel
