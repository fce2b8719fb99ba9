// request_irq/free_irq, irq_enter/irq_exit wrappers, tasklets.
#include "interrupt.h"

#include "bottom_half.h"
#include "irqflags.h"
#include "models/log.h"
#include "preempt.h"
#include "sched.h"

namespace dmacosim::kernel {

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char* name, void* dev_id) {
  return this_kernel().request_irq(irq, std::move(handler), flags, name ? name : "irq", dev_id);
}
void free_irq(unsigned int irq, void* dev_id) {
  might_sleep();  // synchronize_irq()
  this_kernel().free_irq(irq, dev_id);
}
void irq_enter() { this_kernel().irq_enter(); }
void disable_irq_nosync(unsigned int irq) { this_kernel().disable_irq_nosync(irq); }
void enable_irq(unsigned int irq) { this_kernel().enable_irq(irq); }
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
    if (!test_and_set_bit(TASKLET_STATE_RUN, &t->state)) {  // tasklet_trylock
      if (t->count == 0) {
        if (!test_and_clear_bit(TASKLET_STATE_SCHED, &t->state))
          log_error("kernel", "BUG: tasklet on the list without TASKLET_STATE_SCHED");
        k.set_ctx_base("softirq:tasklet " + t->name);
        if (t->use_callback) {
          if (t->callback) t->callback(t);
        } else if (t->func) {
          t->func(t->data);
        }
        ++t->runs;
        k.set_ctx_base(base);
        test_and_clear_bit(TASKLET_STATE_RUN, &t->state);  // tasklet_unlock
        continue;
      }
      test_and_clear_bit(TASKLET_STATE_RUN, &t->state);
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

void tasklet_disable(tasklet_struct* t) {
  t->count++;
  while (test_bit(TASKLET_STATE_RUN, &t->state)) cpu_relax();
}
void tasklet_enable(tasklet_struct* t) { t->count--; }

void tasklet_kill(tasklet_struct* t, const char* file, int line) {
  if (in_interrupt()) log_warn("kernel", "Attempt to kill tasklet from interrupt");
  __might_sleep(file, line, 0);
  while (test_and_set_bit(TASKLET_STATE_SCHED, &t->state)) {
    do {
      yield();
    } while (test_bit(TASKLET_STATE_SCHED, &t->state));
  }
  while (test_bit(TASKLET_STATE_RUN, &t->state)) cpu_relax();  // tasklet_unlock_wait
  test_and_clear_bit(TASKLET_STATE_SCHED, &t->state);
}

}  // namespace dmacosim::kernel
