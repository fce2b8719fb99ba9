// kernel/softirq.c: softirqs, irq_enter()/irq_exit(), ksoftirqd and tasklets.
// (local_bh_disable/enable are in locking.cpp.)
#include "kernel.h"

#include "bottom_half.h"
#include "interrupt.h"
#include "irqflags.h"
#include "models/log.h"
#include "preempt.h"
#include "sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

// ---------------------------------------------------------------- softirqs

static const char* const softirq_to_name[NR_SOFTIRQS] = {"HI",      "TIMER", "NET_TX", "NET_RX",  "BLOCK",
                                                         "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"};

void Kernel::open_softirq(int nr, softirq_action action) {
  if (nr >= 0 && nr < NR_SOFTIRQS) softirq_vec_[nr] = std::move(action);
}

void Kernel::raise_softirq_irqoff(int nr) {
  CpuState& cs = this_cpu();
  cs.softirq_pending |= 1u << nr;
  // Raised from task context: nothing will run it soon (no irq_exit may
  // come), so ksoftirqd is woken, as raise_softirq_irqoff() does.
  if (!in_interrupt() && cs.ksoftirqd) wake_up_process(cs.ksoftirqd);
}

// The softirqs that must not wait for a busy ksoftirqd (6.1's SOFTIRQ_NOW_MASK).
static constexpr unsigned SOFTIRQ_NOW_MASK = (1u << HI_SOFTIRQ) | (1u << TASKLET_SOFTIRQ);

bool Kernel::ksoftirqd_running(unsigned pending) {
  if (pending & SOFTIRQ_NOW_MASK) return false;
  task_struct* t = this_cpu().ksoftirqd;
  return t && t->state == TASK_RUNNING;
}

void Kernel::do_softirq() {
  if (in_interrupt()) return;
  unsigned long flags;
  local_irq_save(flags);
  const unsigned pending = this_cpu().softirq_pending;
  if (pending && !ksoftirqd_running(pending)) run_softirqs(SOFTIRQ_FROM_BH_ENABLE);
  else if (pending) ++softirq_stats_.deferred_to_ksoftirqd;
  local_irq_restore(flags);
}

// __do_softirq(): runs with SOFTIRQ_OFFSET in preempt_count and hardirqs ON.
// It restarts while handlers re-raise softirqs, within its budget (2 jiffies,
// 10 rounds); what is still pending then is handed to ksoftirqd. Linux also
// stops early on need_resched(); this scheduler never preempts, so it never
// sets it.
void Kernel::run_softirqs(softirq_entry from) {
  CpuState& cs = this_cpu();
  const unsigned long end = jiffies_now() + softirq_budget_.max_jiffies;
  int max_restart = softirq_budget_.max_restart;
  unsigned pending = cs.softirq_pending;
  account_cpu_time();
  preempt_count_add(SOFTIRQ_OFFSET);
  push_ctx("softirq:__do_softirq");
  for (;;) {
    cs.softirq_pending = 0;
    local_irq_enable();
    for (int nr = 0; nr < NR_SOFTIRQS; ++nr) {
      if (!(pending & (1u << nr))) continue;
      set_ctx_base(std::string("softirq:") + softirq_to_name[nr]);
      ++softirq_stats_.runs[nr][from];
      if (softirq_vec_[nr]) softirq_vec_[nr]();
    }
    local_irq_disable();
    pending = cs.softirq_pending;
    if (pending && long(jiffies_now() - end) < 0 && --max_restart > 0) continue;  // time_before(jiffies, end)
    break;
  }
  pop_ctx();
  if (pending && cs.ksoftirqd) {  // wakeup_softirqd()
    ++softirq_stats_.budget_handoffs;
    wake_up_process(cs.ksoftirqd);
  }
  account_cpu_time();
  preempt_count_sub(SOFTIRQ_OFFSET);  // __local_bh_enable(SOFTIRQ_OFFSET)
}

void Kernel::irq_enter() {
  account_cpu_time();
  preempt_count_add(HARDIRQ_OFFSET);
  push_ctx("hardirq");
}

void Kernel::irq_exit() {
  account_cpu_time();
  pop_ctx();
  preempt_count_sub(HARDIRQ_OFFSET);
  // invoke_softirq()
  const unsigned pending = this_cpu().softirq_pending;
  if (!in_interrupt() && pending) {
    if (!ksoftirqd_running(pending)) run_softirqs(SOFTIRQ_FROM_IRQ_EXIT);
    else ++softirq_stats_.deferred_to_ksoftirqd;
  }
}

void Kernel::ksoftirqd_loop() {
  CpuState& cs = this_cpu();
  for (;;) {
    set_current_state(TASK_INTERRUPTIBLE);
    if (!cs.softirq_pending) schedule();
    __set_current_state(TASK_RUNNING);
    // run_ksoftirqd()
    local_irq_disable();
    if (cs.softirq_pending) {
      run_softirqs(SOFTIRQ_FROM_KSOFTIRQD);
      local_irq_enable();
      cond_resched();
      continue;
    }
    local_irq_enable();
  }
}

// ---------------------------------------------------------------- CPU time

void Kernel::account_cpu_time() {
  const sc_time now = sc_time_stamp();
  const sc_time delta = now - cpu_time_last_;
  cpu_time_last_ = now;
  CpuState& cs = this_cpu();
  task_struct* t = cs.curr;
  if (!t) return;
  if (t->preempt_count & HARDIRQ_MASK) cpu_times_.hardirq += delta;
  else if (t->preempt_count & SOFTIRQ_OFFSET) {
    cpu_times_.softirq += delta;
    if (t == cs.ksoftirqd) cpu_times_.softirq_in_ksoftirqd += delta;
  } else if (t == cs.idle) cpu_times_.idle += delta;
  else cpu_times_.task += delta;
}

cpu_time_stats Kernel::cpu_times() {
  account_cpu_time();
  return cpu_times_;
}

void irq_enter() { this_kernel().irq_enter(); }
void irq_exit() { this_kernel().irq_exit(); }

// ---------------------------------------------------------------- tasklets

static bool test_and_set_bit(int nr, unsigned long* w) {
  bool old = (*w >> nr) & 1;
  *w |= 1ul << nr;
  return old;
}
static bool test_and_clear_bit(int nr, unsigned long* w) {
  bool old = (*w >> nr) & 1;
  *w &= ~(1ul << nr);
  return old;
}
static bool test_bit(int nr, const unsigned long* w) { return (*w >> nr) & 1; }

void tasklet_init(tasklet_struct* t, void (*func)(unsigned long), unsigned long data, const char* name) {
  t->next = nullptr;
  t->state = 0;
  t->count = 0;
  t->use_callback = false;
  t->func = func;
  t->data = data;
  t->callback = nullptr;
  t->name = name ? name : "tasklet";
}

void tasklet_setup(tasklet_struct* t, std::function<void(tasklet_struct*)> callback, const char* name) {
  t->next = nullptr;
  t->state = 0;
  t->count = 0;
  t->use_callback = true;
  t->callback = std::move(callback);
  t->func = nullptr;
  t->name = name ? name : "tasklet";
}

static void __tasklet_schedule_common(tasklet_struct* t, bool hi) {
  CpuState& cs = this_kernel().this_cpu();
  unsigned long flags;
  local_irq_save(flags);
  t->next = nullptr;
  if (hi) {
    *cs.tasklet_hi_tail = t;
    cs.tasklet_hi_tail = &t->next;
    raise_softirq_irqoff(HI_SOFTIRQ);
  } else {
    *cs.tasklet_tail = t;
    cs.tasklet_tail = &t->next;
    raise_softirq_irqoff(TASKLET_SOFTIRQ);
  }
  local_irq_restore(flags);
}

void tasklet_schedule(tasklet_struct* t) {
  if (!test_and_set_bit(TASKLET_STATE_SCHED, &t->state)) __tasklet_schedule_common(t, false);
}
void tasklet_hi_schedule(tasklet_struct* t) {
  if (!test_and_set_bit(TASKLET_STATE_SCHED, &t->state)) __tasklet_schedule_common(t, true);
}

// tasklet_trylock(): the model also records which context holds
// TASKLET_STATE_RUN (task and context depth), so a wait for the tasklet from
// that context, or from one that interrupted it, is known to be endless.
static bool tasklet_trylock(tasklet_struct* t) {
  if (test_and_set_bit(TASKLET_STATE_RUN, &t->state)) return false;
  task_struct* cur = this_kernel().current();
  t->run_task = cur;
  t->run_depth = cur->ctx.size();
  return true;
}

void tasklet_unlock(tasklet_struct* t) {
  test_and_clear_bit(TASKLET_STATE_RUN, &t->state);
  t->run_task = nullptr;
  t->run_depth = 0;
  wake_up_var(&t->state);
}

static bool tasklet_clear_sched(tasklet_struct* t) {
  if (test_and_clear_bit(TASKLET_STATE_SCHED, &t->state)) {
    wake_up_var(&t->state);
    return true;
  }
  log_warn("kernel", strfmt("WARNING: tasklet SCHED state not set: %s %s", t->use_callback ? "callback" : "func",
                            t->name.c_str()));
  return false;
}

static void tasklet_action_common(bool hi) {
  Kernel& k = this_kernel();
  CpuState& cs = k.this_cpu();
  tasklet_struct** head = hi ? &cs.tasklet_hi_head : &cs.tasklet_head;
  tasklet_struct*** tail = hi ? &cs.tasklet_hi_tail : &cs.tasklet_tail;
  local_irq_disable();
  tasklet_struct* list = *head;
  *head = nullptr;
  *tail = head;
  local_irq_enable();
  std::string base = std::string("softirq:") + (hi ? "HI" : "TASKLET");
  while (list) {
    tasklet_struct* t = list;
    list = list->next;
    if (tasklet_trylock(t)) {
      if (t->count == 0) {
        if (tasklet_clear_sched(t)) {
          k.set_ctx_base("softirq:tasklet " + t->name);
          if (t->use_callback) {
            if (t->callback) t->callback(t);
          } else if (t->func) {
            t->func(t->data);
          }
          ++t->runs;
          if (k.current() == cs.ksoftirqd) ++t->runs_in_ksoftirqd;
          k.set_ctx_base(base);
        }
        tasklet_unlock(t);
        continue;
      }
      tasklet_unlock(t);
    }
    local_irq_disable();
    t->next = nullptr;
    **tail = t;
    *tail = &t->next;
    __raise_softirq_irqoff(hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
    local_irq_enable();
  }
}

void softirq_init_tasklets(Kernel& k) {
  k.open_softirq(TASKLET_SOFTIRQ, [] { tasklet_action_common(false); });
  k.open_softirq(HI_SOFTIRQ, [] { tasklet_action_common(true); });
}

// A wait for `t` that can never end, reported as a deadlock before waiting.
// On one CPU a tasklet runs only in this CPU's softirq processing, which
// does not continue until the context on top of it returns:
//  - waiting for TASKLET_STATE_RUN to clear from the context that runs the
//    tasklet (its own callback: dmaengine_synchronize() from a dmaengine
//    completion callback) or from an interrupt on top of it;
//  - waiting for a queued tasklet (TASKLET_STATE_SCHED) to run from softirq
//    or hardirq context: the tasklet list is only processed after it returns.
static void tasklet_wait_never_ends(tasklet_struct* t, int bit, const char* fn) {
  Kernel& k = this_kernel();
  {  // scoped: nothing of it stays alive on the parked thread's stack
    task_struct* cur = k.current();
    std::string runner;
    if (bit == TASKLET_STATE_RUN && t->run_task == cur && t->run_depth > 0 && t->run_depth <= cur->ctx.size()) {
      runner = cur->ctx[t->run_depth - 1].chain() +
               (t->run_depth == cur->ctx.size() ? " (the waiter itself)" : " (interrupted by the waiter)");
    } else if (bit == TASKLET_STATE_SCHED && !in_task()) {
      runner = "softirq:tasklet " + t->name + " (queued: runs only after the waiting " +
               (in_hardirq() ? "hardirq" : "softirq") + " context has returned)";
    }
    if (runner.empty()) return;
    k.deadlock(strfmt("%s() waits for tasklet %s to %s, which can only happen in a context that cannot continue "
                      "before the wait ends",
                      fn, t->name.c_str(), bit == TASKLET_STATE_RUN ? "finish" : "run"),
               {}, runner, k.current_full_chain(), "tasklet", "waiting");
  }
  k.park();
}

// 6.1: wait_var_event(&t->state, !test_bit(TASKLET_STATE_RUN, &t->state)).
void tasklet_unlock_wait(tasklet_struct* t, const char* file, int line) {
  __might_sleep(file, line, 0);
  if (!test_bit(TASKLET_STATE_RUN, &t->state)) return;
  tasklet_wait_never_ends(t, TASKLET_STATE_RUN, "tasklet_unlock_wait");
  __wait_var_event(&t->state, [t] { return !test_bit(TASKLET_STATE_RUN, &t->state); });
}

// tasklet_disable() spins (tasklet_unlock_spin_wait in Linux 6.1's
// tasklet_disable_in_atomic()); the same endless case is caught first.
void tasklet_disable(tasklet_struct* t) {
  t->count++;
  if (test_bit(TASKLET_STATE_RUN, &t->state)) tasklet_wait_never_ends(t, TASKLET_STATE_RUN, "tasklet_disable");
  while (test_bit(TASKLET_STATE_RUN, &t->state)) cpu_relax();
}
void tasklet_enable(tasklet_struct* t) { t->count--; }

void tasklet_kill(tasklet_struct* t, const char* file, int line) {
  if (in_interrupt()) log_info("kernel", "Attempt to kill tasklet from interrupt");  // pr_notice in Linux
  while (test_and_set_bit(TASKLET_STATE_SCHED, &t->state)) {
    // wait_var_event(&t->state, !test_bit(TASKLET_STATE_SCHED, &t->state))
    __might_sleep(file, line, 0);
    if (!test_bit(TASKLET_STATE_SCHED, &t->state)) continue;
    tasklet_wait_never_ends(t, TASKLET_STATE_SCHED, "tasklet_kill");
    __wait_var_event(&t->state, [t] { return !test_bit(TASKLET_STATE_SCHED, &t->state); });
  }
  tasklet_unlock_wait(t, file, line);
  tasklet_clear_sched(t);
}

}  // namespace dmacosim::kernel
