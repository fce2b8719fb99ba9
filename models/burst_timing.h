// TLM extension by which a memory tells a pin-level bridge how its latency
// splits into first-beat latency and per-beat cost. The AXI slave bridge uses
// it to space read beats and time write responses; targets that do not fill it
// are treated as "data after the annotated delay, then one beat per cycle".
#pragma once
#include <systemc>
#include <tlm>

namespace dmacosim {

struct BurstTimingExtension : tlm::tlm_extension<BurstTimingExtension> {
  sc_core::sc_time first_beat = sc_core::SC_ZERO_TIME;
  sc_core::sc_time per_beat = sc_core::SC_ZERO_TIME;
  bool filled = false;

  tlm::tlm_extension_base* clone() const override { return new BurstTimingExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const BurstTimingExtension&>(other);
  }
};

}  // namespace dmacosim
