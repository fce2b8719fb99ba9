// kernel/irq/manage.c: request_irq(), free_irq(), disable_irq_nosync(), enable_irq().
#include "driver/kernel/interrupt.h"

#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "models/log.h"

namespace dmacosim::kernel {

using namespace sc_core;

int Kernel::request_irq(unsigned irq, irq_handler_t handler, unsigned long flags, const std::string& name,
                        void* dev_id) {
  if (irq == 0 || irq >= irq_actions_.size() || !handler) return -22;  // -EINVAL
  auto& acts = irq_actions_[irq];
  if (!acts.empty() && (!(flags & IRQF_SHARED) || !(acts.front().flags & IRQF_SHARED))) return -16;  // -EBUSY
  acts.push_back(irqaction{std::move(handler), flags, name, dev_id, 0});
  irq_desc& desc = irq_descs_[irq];
  if (desc.masked_no_action) {  // __setup_irq(): irq_startup() unmasks the line
    desc.masked_no_action = false;
    if (!desc.depth && !desc.spurious_disabled) unmask_line(irq);
  }
  return 0;
}

void Kernel::disable_irq_nosync(unsigned irq) {
  if (irq == 0 || irq >= irq_descs_.size()) return;
  if (irq_descs_[irq].depth++ == 0) mask_line(irq);
}

void Kernel::enable_irq(unsigned irq) {
  if (irq == 0 || irq >= irq_descs_.size()) return;
  irq_desc& desc = irq_descs_[irq];
  if (desc.spurious_disabled) {  // as Linux: the spurious disable took one depth
    desc.spurious_disabled = false;
    desc.irq_count = 0;
    desc.irqs_unhandled = 0;
  }
  if (desc.depth == 0) {
    log_warn("kernel", strfmt("WARNING: Unbalanced enable for IRQ %u", irq));
    return;
  }
  if (--desc.depth == 0 && !desc.masked_no_action) unmask_line(irq);
}

void Kernel::free_irq(unsigned irq, void* dev_id) {
  if (irq >= irq_actions_.size()) return;
  auto& acts = irq_actions_[irq];
  for (auto it = acts.begin(); it != acts.end(); ++it)
    if (it->dev_id == dev_id) {
      acts.erase(it);
      return;
    }
  log_warn("kernel", strfmt("Trying to free already-free IRQ %u", irq));
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char* name, void* dev_id) {
  return this_kernel().request_irq(irq, std::move(handler), flags, name ? name : "irq", dev_id);
}
void free_irq(unsigned int irq, void* dev_id) {
  might_sleep();  // synchronize_irq()
  this_kernel().free_irq(irq, dev_id);
}
void disable_irq_nosync(unsigned int irq) { this_kernel().disable_irq_nosync(irq); }
void enable_irq(unsigned int irq) { this_kernel().enable_irq(irq); }

}  // namespace dmacosim::kernel
