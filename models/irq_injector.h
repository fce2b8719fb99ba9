// IRQ injector: a test-only fault-injection model for interrupt lines.
//
// It drives one level interrupt output (`irq_out()`, connect it to an
// interrupt controller input) and injects interrupts that no device raised:
//
//   - glitches: the line goes high for a chosen width and drops again
//     (pulse(), random_pulses()). Claimed while high, the interrupt reaches
//     the handlers of the line, which find nothing to do (IRQ_NONE); dropped
//     before the CPU claims it, the controller's CLAIM returns 0 (a spurious
//     claim);
//   - a stuck line: set_stuck(true) holds the line high until set_stuck(false)
//     (an interrupt storm nobody can clear).
//
// Optionally it sits between a device and the controller (interpose()):
// irq_out = device line OR injected level, so the device's own interrupts
// pass through unchanged (a noisy wire on the device's line) and the injected
// ones reach the device's handler.
//
// No registers: the test bench controls it from C++ (like RAM fault
// injection). Timing: pulses are played by one SystemC thread in start-time
// order; a pulse whose start has passed starts at once; pulses never overlap
// (each starts after the previous ended). Every level change is a Wire write
// (synchronous, no delta cycle). Deterministic for a given seed.
#pragma once
#include <cstdint>
#include <deque>
#include <string>

#include <systemc>

#include "wire.h"

namespace dmacosim {

class IrqInjector : public sc_core::sc_module {
public:
  explicit IrqInjector(sc_core::sc_module_name name);

  Wire& irq_out() { return out_; }
  // Pass `device_line` through: irq_out = device_line || injected. Call once,
  // during elaboration, before connecting irq_out().
  void interpose(Wire& device_line);

  // One glitch of `width` starting at `start` (absolute simulated time; a
  // time already passed means now).
  void pulse_at(const sc_core::sc_time& start, const sc_core::sc_time& width);
  void pulse(const sc_core::sc_time& width) { pulse_at(sc_core::sc_time_stamp(), width); }
  // `count` glitches from `start`: gaps (end of one to start of the next) and
  // widths uniform in [min, max] at 1 ns resolution, from `seed`.
  void random_pulses(uint32_t seed, unsigned count, const sc_core::sc_time& start, const sc_core::sc_time& min_gap,
                     const sc_core::sc_time& max_gap, const sc_core::sc_time& min_width,
                     const sc_core::sc_time& max_width);
  // Hold the injected level high (stuck line) or release it.
  void set_stuck(bool on);

  // Observation.
  bool injecting() const { return stuck_ || pulse_high_; }
  uint64_t pulses_played() const { return pulses_played_; }
  size_t pulses_pending() const { return plan_.size() + (pulse_high_ ? 1 : 0); }
  // Time the first / last pulse of the plan started / ended (SC_ZERO_TIME if none yet).
  const sc_core::sc_time& last_pulse_end() const { return last_end_; }

private:
  SC_HAS_PROCESS(IrqInjector);
  void run();
  void drive();

  struct Pulse {
    sc_core::sc_time start, width;
  };
  Wire out_;
  Wire* in_ = nullptr;
  bool stuck_ = false, pulse_high_ = false;
  std::deque<Pulse> plan_;  // sorted by start
  sc_core::sc_event plan_changed_;
  uint64_t pulses_played_ = 0;
  sc_core::sc_time last_end_;
};

}  // namespace dmacosim
