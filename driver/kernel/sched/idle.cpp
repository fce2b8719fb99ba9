// kernel/sched/idle.c: the idle task's loop (swapper/0).
#include "driver/kernel/kernel.h"

#include "driver/kernel/sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

void Kernel::idle_loop() {
  CpuState& cs = this_cpu();
  task_struct* idle = cs.idle;
  for (;;) {
    while (cs.curr != idle) wait(idle->run_ev);
    if (!cs.runqueue.empty()) {
      schedule();
      continue;
    }
    touch_softlockup_watchdog();
    idle_in_wfi_ = true;  // cleared by the first interrupt taken (handle_interrupt)
    cpu().wait_for_interrupt(&cs.resched);
    if (idle_in_wfi_) {
      idle_in_wfi_ = false;
      touch_softlockup_watchdog();
    }
  }
}

}  // namespace dmacosim::kernel
