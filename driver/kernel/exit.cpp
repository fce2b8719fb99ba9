// kernel/exit.c: do_exit(), the end of every kernel thread.
#include "kernel.h"

#include "debug_locks.h"
#include "sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

void do_exit(long code) {
  Kernel& k = this_kernel();
  task_struct* tsk = k.current();
  tsk->exit_code = static_cast<int>(code);
  // exit_mm() -> mm_release() -> complete_vfork_done(): wakes kthread_stop().
  if (completion* vfork = tsk->vfork_done) {
    tsk->vfork_done = nullptr;
    complete(vfork);
  }
  // Make sure we are holding no locks:
  debug_check_no_locks_held();
  // do_task_dead()
  tsk->state = TASK_DEAD;
  tsk->exit_ev.notify(SC_ZERO_TIME);
  k.schedule();
  k.park();  // a dead task is never picked again
}

}  // namespace dmacosim::kernel
