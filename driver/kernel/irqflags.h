// Local interrupt flag, as include/linux/irqflags.h with CONFIG_TRACE_IRQFLAGS:
// the traced variants tell the validator about on/off transitions.
#pragma once

namespace dmacosim::kernel {

// flags: bit 0 set = interrupts were disabled.
bool irqs_disabled();
inline bool irqs_disabled_flags(unsigned long flags) { return (flags & 1) != 0; }

void local_irq_disable();
void local_irq_enable();  // preemption point (pending interrupt taken here)
void local_irq_save(unsigned long& flags);
void local_irq_restore(unsigned long flags);

// Untraced, as the raw_* variants.
void raw_local_irq_disable();
void raw_local_irq_enable();
void raw_local_irq_save(unsigned long& flags);
void raw_local_irq_restore(unsigned long flags);

}  // namespace dmacosim::kernel
