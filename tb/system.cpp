#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include "tb/system.h"

#include "driver/kernel/preempt.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/trace_event.h"
#include "models/log.h"
#include "tb/trace_options.h"

namespace dmacosim {

System::System(sc_core::sc_module_name name, PlatformConfig cfg)
    : sc_module(name), hw("hw", std::move(cfg)), kernel(hw.cpu), irqchip(hw.cpu, board::kIntcBase) {
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
  // The software timeline beside the FST, on the same time base.
  const std::string events = trace_events_path(hw.config().fst_path);
  if (events.empty()) return;
  const TraceOptions& w = trace_options();
  if (w.start_ps == 0 && w.end_ps == UINT64_MAX) {
    open_trace_events(events);
    return;
  }
  // --trace-window: open at START (spans begun before it are left out), close at END.
  sc_core::sc_spawn(
      [this, events, w] {
        sc_core::wait(sc_core::sc_time(double(w.start_ps), sc_core::SC_PS));
        open_trace_events(events);
        if (w.end_ps == UINT64_MAX) return;
        sc_core::wait(sc_core::sc_time(double(w.end_ps - w.start_ps), sc_core::SC_PS));
        if (kernel::trace_event_path() == events) kernel::trace_event_close();
      },
      "trace_events_window");
}

void System::open_trace_events(const std::string& path) {
  std::string err;
  if (kernel::trace_event_open(path, &err)) trace_platform_counters();
  else log_error(basename(), "cannot write the trace events: " + err);
}

System::~System() { close_trace_events(); }

void System::close_trace_events() {
  const std::string path = trace_events_path(hw.config().fst_path);
  if (!path.empty() && kernel::trace_event_path() == path) kernel::trace_event_close();
}

std::string System::trace_events_path(const std::string& fst_path) {
  if (fst_path.empty()) return "";
  const size_t n = fst_path.size();
  const bool fst = n > 4 && fst_path.compare(n - 4, 4, ".fst") == 0;
  return (fst ? fst_path.substr(0, n - 4) : fst_path) + ".trace.json";
}

void System::trace_platform_counters() {
  using kernel::trace_counter;
  using kernel::TRACE_PID_PLATFORM;
  auto fifo = [this] { trace_counter(TRACE_PID_PLATFORM, "audio FIFO level (frames)", hw.audio.fifo_level()); };
  const struct {
    Wire* wire;
    const char* name;
  } lines[] = {{&hw.intc.irq_out(), "CPU interrupt (intc output)"},
               {&hw.dmac.irq, "irq 1: DMA controller"},
               {&hw.audio.irq_out(), "irq 2: I2S underrun"},
               {&hw.audio.dreq_burst(), "audio DMA burst request"}};
  for (const auto& l : lines) {
    trace_counter(TRACE_PID_PLATFORM, l.name, l.wire->read());
    const std::string name = l.name;
    l.wire->on_change([name, fifo](bool level) {
      if (!kernel::trace_events_on()) return;
      trace_counter(TRACE_PID_PLATFORM, name, level);
      fifo();
    });
  }
  fifo();
  // The FIFO drains one frame per sample: sampled at the sample clock.
  sc_core::sc_spawn(
      [this, fifo] {
        for (;;) {
          sc_core::wait(hw.audio.sample_period());
          if (kernel::trace_events_on()) fifo();
        }
      },
      "trace_fifo_sampler");
}

kernel::task_struct* System::start_init(std::function<int()> fn, const std::string& name) {
  return kernel::kthread_run(
      std::function<int()>([this, fn]() {
        irqchip.enable_source(board::kIrqDma);
        irqchip.enable_source(board::kIrqAudio);
        return fn();
      }),
      name);
}

}  // namespace dmacosim
