// kernel/irq/handle.c: the interrupt entry (generic_handle_arch_irq) and the
// handlers' dispatch (handle_irq_event, __handle_irq_event_percpu).
#include "driver/kernel/kernel.h"

#include "driver/kernel/preempt.h"
#include "models/log.h"

namespace dmacosim::kernel {

using namespace sc_core;

// __handle_irq_event_percpu(): every action of the line, in hardirq context
// named after the handler; a handler that returns with interrupts enabled is
// the kernel's "irq N handler X enabled interrupts" (L-IRQEN).
irqreturn_t Kernel::__handle_irq_event_percpu(unsigned n) {
  auto& acts = irq_actions_[n];
  irq_desc& desc = irq_descs_[n];
  bool handled = false;
  for (size_t i = 0; i < acts.size(); ++i) {
    irqaction& a = acts[i];
    set_ctx_base("hardirq:" + a.name);
    irqreturn_t r = a.handler(static_cast<int>(n), a.dev_id);
    ++a.count;
    ++desc.handler_calls;
    if (r != IRQ_NONE) handled = true;
    if (!cpu().local_irq_disabled()) {
      LockReport rep;
      rep.rule = "L-IRQEN";
      rep.headline = "WARNING: irq handler enabled interrupts";
      rep.message = strfmt("WARNING: irq %u handler %s enabled interrupts", n, a.name.c_str());
      rep.contexts = {"hardirq:" + a.name};
      rep.locks = {};
      lockdep_.report("L-IRQEN|handler|" + a.name, rep);
      cpu().arch_local_irq_disable();
    }
  }
  set_ctx_base("hardirq");
  return handled ? IRQ_HANDLED : IRQ_NONE;
}

// handle_irq_event(): run the actions, then note_interrupt() accounts the
// result (kernel/irq/spurious.c).
void Kernel::handle_irq_event(unsigned n) {
  irqreturn_t r = __handle_irq_event_percpu(n);
  if (r == IRQ_NONE) log_debug("kernel", strfmt("irq %u: unhandled (all handlers returned IRQ_NONE)", n));
  note_interrupt(n, r);
}

// generic_handle_arch_irq(): the CPU's exception entry. irq_enter(), then
// the irqchip driver's loop (claim a source, its flow handler, until the
// controller has nothing pending), then irq_exit() (softirqs).
void Kernel::handle_interrupt() {
  task_struct* t = current();
  if (idle_in_wfi_ && t == this_cpu().idle) {  // the CPU leaves WFI: it was idle until now
    idle_in_wfi_ = false;
    touch_softlockup_watchdog();
  }
  unsigned pc_before = t->preempt_count;
  irq_enter();
  if (!chip_) {
    ++spurious_;
    log_warn("kernel", "interrupt taken but no IrqChip installed (set_irq_chip)");
  } else {
    for (int iter = 0; iter < 64; ++iter) {
      unsigned n = chip_->claim();
      if (n == 0) {
        if (iter == 0) {
          ++spurious_;
          log_debug("kernel", "spurious interrupt (claim returned 0)");
        }
        break;
      }
      if (n >= irq_actions_.size()) {
        log_warn("kernel", strfmt("irq %u: out of range, ignored", n));
        chip_->complete(n);
        continue;
      }
      handle_fasteoi_irq(n);  // generic_handle_domain_irq() -> desc->handle_irq
    }
  }
  if (t->preempt_count != pc_before + HARDIRQ_OFFSET) {
    log_error("kernel", strfmt("BUG: interrupt handler changed preempt_count: %#x -> %#x", pc_before + HARDIRQ_OFFSET,
                               t->preempt_count));
  }
  irq_exit();
}

}  // namespace dmacosim::kernel
