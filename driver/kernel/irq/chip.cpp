// kernel/irq/chip.c: the fasteoi flow handler and mask_irq()/unmask_irq()
// through the irqchip.
#include "driver/kernel/kernel.h"

#include "models/log.h"

namespace dmacosim::kernel {

using namespace sc_core;

void Kernel::mask_line(unsigned irq) {
  if (chip_) chip_->mask(irq);
}
void Kernel::unmask_line(unsigned irq) {
  if (chip_) chip_->unmask(irq);
}

// handle_fasteoi_irq(): a line without a handler is masked and left pending
// (IRQS_PENDING; request_irq() unmasks it); otherwise the actions run. The
// end of interrupt (PLIC complete) follows either way.
void Kernel::handle_fasteoi_irq(unsigned n) {
  irq_desc& desc = irq_descs_[n];
  ++desc.kstat;
  if (irq_actions_[n].empty()) {
    if (desc.no_action++ == 0)
      log_warn("kernel", strfmt("irq %u: no handler registered: line masked until request_irq", n));
    desc.masked_no_action = true;
    mask_line(n);
  } else {
    handle_irq_event(n);
  }
  chip_->complete(n);  // irq_eoi
}

}  // namespace dmacosim::kernel
