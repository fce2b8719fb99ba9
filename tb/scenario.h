// Scenarios the `dmacosim` command runs. Each one elaborates a System, runs
// it, prints a summary and returns a process exit code (ExitCode).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dmacosim {

// The command's exit codes (README "Exit codes", `dmacosim --help`).
enum ExitCode : int {
  kExitClean = 0,         // the run is clean
  kExitFindings = 1,      // validator reports, data mismatch, hang report, ...
  kExitUsage = 2,         // bad command line: nothing ran
  kExitEnvironment = 3,   // environment / I/O: --out not writable, an output not written
  kExitInternal = 4,      // an exception or a SystemC error inside the model
  kExitInterrupted = 130  // SIGINT / SIGTERM: stopped at a safe point, outputs so far written
};

struct ScenarioOptions {
  std::string scenario;              // the scenario being run
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
  bool progress = false;             // progress on stderr even when it is not a terminal
  std::string log_level = "info";    // what the log file keeps (--log-level)
  std::vector<std::string> command_line;     // argv, for summary.json
  std::map<std::string, std::string> extra;  // scenario-specific --key=value
};

// A scenario setting (--NAME=VALUE): the one registry that the command's
// parser (unknown keys), `dmacosim run SCENARIO --help` and the scenario's
// reads (scenario_uint & co. refuse a key not declared here) all use.
struct ScenarioKey {
  std::string name;
  std::string def;     // the default, as help shows it
  std::string help;    // what it does
  std::string linux_name = "";  // the Linux module parameter it stands for (dmatest), for "did you mean"
  // The values it takes, when it picks one of a few (read with
  // kit::scenario_choice(), tb/scenario_kit.h: anything else is a usage error).
  std::vector<std::string> choices = {};
};

struct Scenario {
  std::string name;
  std::string summary;
  std::function<int(const ScenarioOptions&)> run;
  std::vector<ScenarioKey> keys = {};
};

// Registration at static-initialisation time: one file per scenario.
std::vector<Scenario>& scenario_registry();
const Scenario* find_scenario(const std::string& name);
struct ScenarioRegistrar {
  explicit ScenarioRegistrar(Scenario s) { scenario_registry().push_back(std::move(s)); }
};

}  // namespace dmacosim
