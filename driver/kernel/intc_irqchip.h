// irqchip driver for the platform's interrupt controller (models/intc.h):
// claim/complete through MMIO on the CPU, as a Linux irqchip driver would.
#pragma once
#include <cstdint>

#include "driver/kernel/kernel.h"

namespace dmacosim::kernel {

class IntcIrqChip : public IrqChip {
public:
  IntcIrqChip(Cpu& cpu, uint64_t base) : cpu_(cpu), base_(base) {}
  // Boot-time setup (process context): priority 1, enabled, threshold 0.
  void enable_source(unsigned irq, unsigned priority = 1);
  unsigned claim() override;
  void complete(unsigned irq) override;
  // irq_mask / irq_unmask: the source's ENABLE bit (a masked level source
  // stays pending at the controller and interrupts again once unmasked).
  void mask(unsigned irq) override;
  void unmask(unsigned irq) override;
  bool enabled(unsigned irq) const { return irq < 32 && (enabled_ >> irq & 1); }

private:
  Cpu& cpu_;
  uint64_t base_;
  uint32_t enabled_ = 0;
};

}  // namespace dmacosim::kernel
