// kernel/sched/wait_bit.c: wait_var_event() / wake_up_var().
#include <map>

#include "driver/kernel/sched.h"

namespace dmacosim::kernel {

// Linux hashes the address into a fixed table of wait queues; the model
// keeps one queue per address, for the current Kernel.
wait_queue_head_t* __var_waitqueue(const void* var) {
  static Kernel* owner = nullptr;
  static std::map<const void*, wait_queue_head_t> table;
  if (owner != &this_kernel()) {
    table.clear();
    owner = &this_kernel();
  }
  return &table[var];
}

void wake_up_var(const void* var) { wake_up(__var_waitqueue(var)); }

void __wait_var_event(const void* var, const std::function<bool()>& cond) {
  wait_queue_head_t* wq = __var_waitqueue(var);
  for (;;) {
    __wait_prepare(wq, TASK_UNINTERRUPTIBLE);  // prepare_to_wait_event()
    if (cond()) break;
    schedule();
  }
  __wait_finish(wq);  // finish_wait()
}

}  // namespace dmacosim::kernel
