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

private:
  Cpu& cpu_;
  uint64_t base_;
  uint32_t enabled_ = 0;
};

}  // namespace dmacosim::kernel
