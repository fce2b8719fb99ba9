// Interrupt handlers and tasklets (include/linux/interrupt.h).
#pragma once
#include <functional>
#include <string>

#include "kernel.h"

namespace dmacosim::kernel {

constexpr unsigned long IRQF_SHARED = 0x00000080;
constexpr unsigned long IRQF_TRIGGER_HIGH = 0x00000004;

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char* name, void* dev_id);
// Returns dev_id as Linux returns the devname; here nothing.
void free_irq(unsigned int irq, void* dev_id);
void irq_enter();
void irq_exit();
// Mask / unmask a line at the irqchip, nesting (kernel/irq/manage.c).
// enable_irq() also re-enables a line that note_interrupt() disabled
// ("Disabling IRQ #N").
void disable_irq_nosync(unsigned int irq);
void enable_irq(unsigned int irq);

// ---- tasklets (TASKLET_SOFTIRQ) ----
enum { TASKLET_STATE_SCHED = 0, TASKLET_STATE_RUN = 1 };

struct tasklet_struct {
  tasklet_struct* next = nullptr;
  unsigned long state = 0;
  int count = 0;  // disable count
  bool use_callback = false;
  void (*func)(unsigned long) = nullptr;
  unsigned long data = 0;
  std::function<void(tasklet_struct*)> callback;
  std::string name;
  uint64_t runs = 0;
  uint64_t runs_in_ksoftirqd = 0;  // of `runs`: run by ksoftirqd (process context underneath)
  // Model: the context holding TASKLET_STATE_RUN (its task and context
  // depth), so a wait on the tasklet from that context is seen as endless.
  task_struct* run_task = nullptr;
  size_t run_depth = 0;
};

void tasklet_init(tasklet_struct* t, void (*func)(unsigned long), unsigned long data, const char* name = "tasklet");
void tasklet_setup(tasklet_struct* t, std::function<void(tasklet_struct*)> callback, const char* name = "tasklet");
void tasklet_schedule(tasklet_struct* t);
void tasklet_hi_schedule(tasklet_struct* t);
void tasklet_disable(tasklet_struct* t);
void tasklet_enable(tasklet_struct* t);
// Sleeps until the tasklet is neither scheduled nor running (sleep point).
// A wait that can never end (from the tasklet's own callback, or from an
// interrupt context while it is queued or running underneath) is a fatal
// DEADLOCK report.
void tasklet_kill(tasklet_struct* t, const char* file = __builtin_FILE(), int line = __builtin_LINE());
// Sleeps until the tasklet is not running (wait_var_event on its state).
void tasklet_unlock_wait(tasklet_struct* t, const char* file = __builtin_FILE(), int line = __builtin_LINE());
void tasklet_unlock(tasklet_struct* t);

}  // namespace dmacosim::kernel
