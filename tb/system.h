// A booted system: the hardware platform plus the kernel model running on its
// CPU, with the interrupt controller driven by its irqchip driver. Scenarios
// and driver tests start their kernel threads on it.
#pragma once
#include <functional>

#include "driver/kernel/intc_irqchip.h"
#include "driver/kernel/kernel.h"
#include "tb/platform.h"

namespace dmacosim {

class System : public sc_core::sc_module {
public:
  explicit System(sc_core::sc_module_name name, PlatformConfig cfg = {});
  ~System() override;  // finishes the trace events file

  // Start `fn` as the first kernel thread ("init"); before it runs, the
  // platform's interrupt sources (DMA, audio) are enabled at the controller.
  kernel::task_struct* start_init(std::function<int()> fn, const std::string& name = "init");

  Platform hw;
  kernel::Kernel kernel;
  kernel::IntcIrqChip irqchip;

  // The software timeline written beside an FST (`x.fst` -> `x.trace.json`,
  // driver/kernel/trace_event.h); "" when not tracing.
  static std::string trace_events_path(const std::string& fst_path);
  // Finish the trace events file now (open slices and spans end at this
  // time), so it can be read while the system still exists. No-op when off.
  void close_trace_events();

private:
  void open_trace_events(const std::string& path);
  void trace_platform_counters();  // interrupt lines, audio request and FIFO level
};

}  // namespace dmacosim
