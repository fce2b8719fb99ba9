// Settings of --trace that apply to every scenario, set once per process by
// the dmacosim command before the scenario elaborates (one simulation per
// process): the simulated-time window that is recorded and the waveform
// format. Read by the Platform (FST/VCD) and the System (trace events).
#pragma once
#include <cstdint>
#include <string>

namespace dmacosim {

struct TraceOptions {
  uint64_t start_ps = 0;            // --trace-window=START:END, in simulated ps
  uint64_t end_ps = UINT64_MAX;
  bool vcd = false;                 // --trace-format=vcd: the FST is also converted to <name>.vcd
};

TraceOptions& trace_options();

// Parses a simulated time with its unit ("12.5ms", "300us", "0"; units s, ms,
// us, ns, ps; a bare 0 needs none). False if malformed or out of range.
bool parse_sim_time_ps(const std::string& text, uint64_t* ps);

}  // namespace dmacosim
