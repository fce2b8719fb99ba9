// kernel/irq/spurious.c: note_interrupt() and __report_bad_irq().
#include "driver/kernel/kernel.h"

#include "models/log.h"

namespace dmacosim::kernel {

using namespace sc_core;

// kernel/irq/spurious.c: __report_bad_irq() + the disable in note_interrupt().
void Kernel::report_bad_irq(unsigned irq, irqreturn_t action_ret) {
  (void)action_ret;
  std::string handlers;
  for (const irqaction& a : irq_actions_[irq])
    handlers += strfmt("[<%p>] %s\n", a.dev_id, a.name.c_str());
  if (handlers.empty()) handlers = "(none)\n";
  task_struct* t = current();
  const std::string headline = strfmt("irq %u: nobody cared (try booting with the \"irqpoll\" option)", irq);
  const std::string msg = headline + "\n" +
                          strfmt("CPU: %d PID: %d Comm: %s\n running: %s\n", this_cpu().id, t ? t->pid : -1,
                                 t ? t->comm.c_str() : "?", current_full_chain().c_str()) +
                          strfmt(" %u of the last %u interrupts unhandled\n", irq_descs_[irq].irqs_unhandled,
                                 spurious_cfg_.window) +
                          "handlers:\n" + handlers + strfmt("Disabling IRQ #%u", irq);
  report_bug("BAD-IRQ|" + std::to_string(irq), "BAD-IRQ", headline, msg, {current_full_chain()});
}

void Kernel::note_interrupt(unsigned irq, irqreturn_t action_ret) {
  if (irq == 0 || irq >= irq_descs_.size()) return;
  irq_desc& desc = irq_descs_[irq];
  if (desc.spurious_disabled) return;
  if (action_ret == IRQ_NONE) {
    ++desc.unhandled_total;
    const sc_time now = sc_time_stamp();
    // A long gap since the previous unhandled one: a stray interrupt, start over.
    if (desc.seen_unhandled && now - desc.last_unhandled > spurious_cfg_.misrouted_gap)
      desc.irqs_unhandled = 1;
    else
      desc.irqs_unhandled++;
    desc.last_unhandled = now;
    desc.seen_unhandled = true;
  }
  if (++desc.irq_count < spurious_cfg_.window) return;
  desc.irq_count = 0;
  if (desc.irqs_unhandled > spurious_cfg_.unhandled_threshold) {
    report_bad_irq(irq, action_ret);
    desc.spurious_disabled = true;  // IRQS_SPURIOUS_DISABLED, depth++
    desc.depth++;
    mask_line(irq);
  }
  desc.irqs_unhandled = 0;
}

}  // namespace dmacosim::kernel
