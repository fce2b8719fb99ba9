// Scenarios the `dmacosim` command runs. Each one elaborates a System, runs
// it, prints a summary and returns a process exit code (0 = clean run).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dmacosim {

struct ScenarioOptions {
  std::string driver = "virt-dma";   // virt-dma | legacy-bh | c-virt-dma | c-legacy-bh (driver/linux_c/dmac_provider.h)
  double seconds = 0.1;              // simulated seconds (where the scenario is time-bound)
  unsigned period_bytes = 1024;
  unsigned periods = 4;
  unsigned start_stop = 10;          // trigger cycles
  bool trace = false;                // FST of the RTL + GTKWave save file
  bool png = false;                  // render the trace to PNG (needs --trace)
  bool trace_window = false;         // --trace-window / --trace-format given (tb/trace_options.h has the values)
  bool trace_format = false;
  bool idle_skipping = true;
  std::string out_dir;               // summary.json, log, WAV
  uint32_t seed = 1;
  bool quiet = false;
  std::map<std::string, std::string> extra;  // scenario-specific --key=value
};

struct Scenario {
  std::string name;
  std::string summary;
  std::function<int(const ScenarioOptions&)> run;
};

// Registration at static-initialisation time: one file per scenario.
std::vector<Scenario>& scenario_registry();
struct ScenarioRegistrar {
  explicit ScenarioRegistrar(Scenario s) { scenario_registry().push_back(std::move(s)); }
};

}  // namespace dmacosim
