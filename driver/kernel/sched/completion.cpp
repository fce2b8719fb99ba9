// kernel/sched/completion.c.
#include <climits>

#include "driver/kernel/irqflags.h"
#include "driver/kernel/sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

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
