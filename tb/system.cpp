#include "tb/system.h"

#include "driver/kernel/preempt.h"
#include "driver/kernel/sched.h"

namespace dmacosim {

System::System(sc_core::sc_module_name name, PlatformConfig cfg)
    : sc_module(name), hw("hw", std::move(cfg)), kernel(hw.cpu), irqchip(hw.cpu, platform::kIntcBase) {
  kernel.set_irq_chip(&irqchip);
  hw.probe_cpu_context = [this]() -> unsigned {
    if (!kernel.current() || kernel.current() == kernel.this_cpu().idle) return 3;
    const unsigned pc = kernel.current()->preempt_count;
    if (pc & kernel::HARDIRQ_MASK) return 2;
    if (pc & kernel::SOFTIRQ_OFFSET) return 1;
    return 0;
  };
  hw.probe_validator_reports = [this]() { return unsigned(kernel.lockdep().reports().size()); };
  // Each report is an event in the trace at the moment it is made: the report
  // counter steps and probe_validator_rule shows the rule from then on.
  kernel.lockdep().on_report = [this](const kernel::LockReport& r) { hw.validator_report(r.rule); };
}

kernel::task_struct* System::start_init(std::function<int()> fn, const std::string& name) {
  return kernel::kthread_run(
      std::function<int()>([this, fn]() {
        irqchip.enable_source(platform::kIrqDma);
        irqchip.enable_source(platform::kIrqAudio);
        return fn();
      }),
      name);
}

}  // namespace dmacosim
