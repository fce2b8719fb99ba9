#include "irq_injector.h"

#include <algorithm>
#include <random>

#include "log.h"

namespace dmacosim {

using namespace sc_core;

IrqInjector::IrqInjector(sc_module_name name) : sc_module(name), out_(std::string(this->name()) + ".irq_out") {
  SC_THREAD(run);
}

void IrqInjector::interpose(Wire& device_line) {
  if (in_) {
    SC_REPORT_ERROR("dmacosim/irq_injector", (std::string(name()) + ": interpose() called twice").c_str());
    return;
  }
  in_ = &device_line;
  device_line.on_change([this](bool) { drive(); });
  drive();
}

void IrqInjector::drive() { out_.write((in_ && in_->read()) || stuck_ || pulse_high_); }

void IrqInjector::pulse_at(const sc_time& start, const sc_time& width) {
  Pulse p{start, width};
  auto it = std::upper_bound(plan_.begin(), plan_.end(), p,
                             [](const Pulse& a, const Pulse& b) { return a.start < b.start; });
  plan_.insert(it, p);
  plan_changed_.notify(SC_ZERO_TIME);
}

void IrqInjector::random_pulses(uint32_t seed, unsigned count, const sc_time& start, const sc_time& min_gap,
                                const sc_time& max_gap, const sc_time& min_width, const sc_time& max_width) {
  std::mt19937 rng(seed);
  auto ns = [](const sc_time& t) { return uint64_t(t.to_seconds() * 1e9 + 0.5); };
  std::uniform_int_distribution<uint64_t> gap(ns(min_gap), std::max(ns(min_gap), ns(max_gap)));
  std::uniform_int_distribution<uint64_t> wid(std::max<uint64_t>(1, ns(min_width)),
                                              std::max(ns(min_width), ns(max_width)));
  sc_time t = start;
  for (unsigned i = 0; i < count; ++i) {
    const sc_time w(double(wid(rng)), SC_NS);
    pulse_at(t, w);
    t += w + sc_time(double(gap(rng)), SC_NS);
  }
}

void IrqInjector::set_stuck(bool on) {
  if (on != stuck_) log_info(name(), on ? "interrupt line stuck high" : "interrupt line released");
  stuck_ = on;
  drive();
}

void IrqInjector::run() {
  for (;;) {
    if (plan_.empty()) {
      wait(plan_changed_);
      continue;
    }
    const sc_time start = plan_.front().start;
    if (start > sc_time_stamp()) {
      wait(start - sc_time_stamp(), plan_changed_);  // an earlier pulse may be added meanwhile
      continue;
    }
    Pulse p = plan_.front();
    plan_.pop_front();
    pulse_high_ = true;
    drive();
    wait(p.width);
    pulse_high_ = false;
    drive();
    ++pulses_played_;
    last_end_ = sc_time_stamp();
  }
}

}  // namespace dmacosim
