#include "driver/kernel/intc_irqchip.h"

#include "models/intc.h"

namespace dmacosim::kernel {

void IntcIrqChip::enable_source(unsigned irq, unsigned priority) {
  cpu_.writel(priority, base_ + Intc::PRIORITY_BASE + 4 * irq);
  enabled_ |= 1u << irq;
  cpu_.writel(enabled_, base_ + Intc::ENABLE);
}

unsigned IntcIrqChip::claim() { return cpu_.readl(base_ + Intc::CLAIM); }

void IntcIrqChip::complete(unsigned irq) { cpu_.writel(irq, base_ + Intc::COMPLETE); }

void IntcIrqChip::mask(unsigned irq) {
  if (irq >= 32) return;
  enabled_ &= ~(1u << irq);
  cpu_.writel(enabled_, base_ + Intc::ENABLE);
}

void IntcIrqChip::unmask(unsigned irq) {
  if (irq >= 32) return;
  enabled_ |= 1u << irq;
  cpu_.writel(enabled_, base_ + Intc::ENABLE);
}

}  // namespace dmacosim::kernel
