// kernel/sched/core.c: schedule(), context switch, wake-ups, might_sleep.
#include "driver/kernel/kernel.h"

#include "driver/kernel/debug_locks.h"
#include "driver/kernel/irqflags.h"
#include "driver/kernel/panic.h"
#include "driver/kernel/preempt.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/trace_event.h"
#include "models/log.h"

namespace dmacosim::kernel {

using namespace sc_core;

void Kernel::wake_up_process(task_struct* t) {
  CpuState& cs = this_cpu();
  if (!t || t->state == TASK_DEAD) return;
  if (t->state == TASK_RUNNING) return;
  t->state = TASK_RUNNING;
  if (t != cs.curr && !t->on_rq && t != cs.idle) {
    t->on_rq = true;
    cs.runqueue.push_back(t);
  }
  cs.resched.notify(SC_ZERO_TIME);
}

// __schedule_bug(): schedule() entered in atomic context ("BUG: scheduling
// while atomic", rule V-SCHED-1). The model's schedule() runs with
// preempt_count 0 (Linux enters __schedule() with exactly
// PREEMPT_DISABLE_OFFSET, which the model does not add), so any count is a
// spinlock, a preempt_disable() or an interrupt context still active. Linux
// then resets the count and switches anyway; the model keeps the count and
// goes on (see schedule()).
static void __schedule_bug(Kernel& k, task_struct* prev) {
  const std::string key = "V-SCHED-1|" + k.current_chain();
  if (k.lockdep().reported(key)) return;  // walk no stack for a repeat
  const auto frames = capture_report_stack();
  const std::string chain = k.current_full_chain();
  LockReport r;
  r.rule = "V-SCHED-1";
  r.headline = "BUG: scheduling while atomic";
  // 6.1's __schedule_bug(): the line, debug_show_held_locks(),
  // print_modules(), dump_stack(), then TAINT_WARN. Printed as Linux does from
  // inside __schedule(), whose caller has added PREEMPT_DISABLE_OFFSET: one
  // spinlock held shows as 0x00000002.
  r.message = strfmt("BUG: scheduling while atomic: %s/%d/0x%08x\n", prev->comm.c_str(), prev->pid,
                     prev->preempt_count + PREEMPT_OFFSET) +
              debug_show_held_locks(prev) + "Modules linked in:\n" + dump_stack(frames);
  add_taint_warn();
  r.contexts = {chain};
  for (const auto& h : prev->held_locks) r.locks.push_back(h.instance ? h.instance->name : "?");
  k.lockdep().report(key, r);
}

void Kernel::schedule() {
  CpuState& cs = this_cpu();
  task_struct* prev = cs.curr;
  if (preempt_count() != 0) __schedule_bug(*this, prev);  // schedule_debug()
  if (!in_task()) {
    // hardirq or serving softirq: not a task, nothing can be switched away.
    // The caller's wait loop only ends if another context changes its
    // condition; on one CPU that can only be an interrupt taken on top of
    // this context. With hardirqs off (or in hardirq) none can come: the
    // wait can never end, a deadlock. Otherwise wait for the next interrupt.
    if (in_hardirq() || irqs_disabled()) {
      deadlock("schedule() in atomic context with interrupts disabled: no other context can run on this CPU, "
               "so the condition being waited for can never change",
               {}, "every other context on this CPU (it cannot run before the waiter returns)",
               current_full_chain());
      park();
    }
    cpu().wait_for_interrupt();
    return;
  }
  if (prev == cs.idle) prev->state = TASK_RUNNING;
  if (prev != cs.idle && prev->state == TASK_RUNNING && !prev->on_rq) {
    prev->on_rq = true;
    cs.runqueue.push_back(prev);
  }
  task_struct* next = cs.idle;
  if (!cs.runqueue.empty()) {
    next = cs.runqueue.front();
    cs.runqueue.pop_front();
    next->on_rq = false;
  }
  touch_softlockup_watchdog();  // the scheduler ran
  if (next == prev) return;
  switch_to(prev, next);
}

void Kernel::switch_to(task_struct* prev, task_struct* next) {
  CpuState& cs = this_cpu();
  prev->saved_irqs_disabled = cpu().local_irq_disabled();
  account_cpu_time();
  cs.curr = next;
  ++cs.context_switches;
  if (trace_events_on()) {
    trace_task_sync(prev);
    trace_task_sync(next);
  }
  cpu().arch_set_irq_flag_raw(next->saved_irqs_disabled);
  next->run_ev.notify();
  while (cs.curr != prev) wait(prev->run_ev);
  cpu().preemption_point();
}

task_struct* get_current() { return this_kernel().current(); }

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


void __might_sleep(const char* file, int line, unsigned preempt_offset) {
  unsigned pc = preempt_count();
  bool irqoff = irqs_disabled();
  if (pc == preempt_offset && !irqoff) return;
  __might_resched_report(file, line, preempt_offset);  // V-SLEEP-1, 6.1 layout (panic.cpp)
}

}  // namespace dmacosim::kernel
