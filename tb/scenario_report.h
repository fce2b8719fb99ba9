// Shared plumbing for scenarios: output directory, log file, a flat JSON
// summary, the terminal summary table, and the GTKWave save file for a trace.
#pragma once
#include <exception>
#include <chrono>
#include <functional>
#include <systemc>
#include <string>
#include <utility>
#include <vector>

#include "driver/kernel/lockdep.h"
#include "tb/scenario.h"

namespace dmacosim {

// Scenario settings (--KEY=VALUE): a whole number (decimal, or 0x hex), or
// `def` when the key is absent. A value that is not a number in range is a
// usage error: the message names the key and the process exits with status 2
// before anything runs. The key must be in the scenario's registry
// (Scenario::keys): reading one that is not is an internal error (exit 4), so
// `run SCENARIO --help` cannot miss a setting the code reads. Every value
// read, default or given, goes to summary.json's "settings".
unsigned scenario_uint(const ScenarioOptions& opt, const char* key, unsigned def);
int scenario_int(const ScenarioOptions& opt, const char* key, int def);
std::string scenario_string(const ScenarioOptions& opt, const char* key, const std::string& def);
// The registry entry of `key` for the running scenario (opt.scenario); nullptr
// when no scenario is named (a test's bare options). A key the registry does
// not declare is the internal error above (std::logic_error).
const ScenarioKey* scenario_key(const ScenarioOptions& opt, const char* key);

// The version line of `dmacosim --version`: project version, git describe at
// configure time, Verilator, SystemC.
std::string dmacosim_version();

// Ctrl-C: SIGINT and SIGTERM set a flag that simulate() polls between slices
// of simulated time (a safe point: no process is half-way through a step);
// the run then ends as if its time limit had come, the scenario writes its
// outputs and ScenarioReport::finish() returns kExitInterrupted. A second
// signal ends the process at once.
void install_interrupt_handlers();
bool interrupted();
int interrupt_signal();  // the signal that interrupted the run (0: none)

// sc_start(limit) in slices: stops early on sc_stop() or an interrupt, and
// shows progress on stderr (when it is a terminal, or with --progress; never
// with --quiet) once the run has taken more than a second. `detail`, if
// given, adds scenario-specific progress text.
bool show_progress(const ScenarioOptions& opt);  // !--quiet and (stderr is a terminal or --progress)
void simulate(const ScenarioOptions& opt, const sc_core::sc_time& limit,
              const std::function<std::string()>& detail = nullptr);

// A run that ended without its report (an internal error): writes a
// summary.json with what is known (command line, version, reason, exit code)
// into --out, if given.
void write_abnormal_summary(const ScenarioOptions& opt, const std::string& reason, int exit_code);

// An exception or SystemC error inside the model (exit 4): closes the trace
// events, prints "dmacosim: internal error: <message>", writes the abnormal
// summary and ends the process at once (_exit, nothing torn down: the model
// is mid-flight). simulate() calls it where an error leaves sc_start(), so
// the exception never unwinds the stack SystemC's coroutines switched away
// from and back to (ASan cannot clear that stack's redzones on a throw and
// reports false stack overflows in the destructors the unwinding runs).
[[noreturn]] void exit_internal_error(const ScenarioOptions& opt, const std::string& message);
std::string internal_error_message(std::exception_ptr e);  // "SystemC Error: ..." / what()

class ScenarioReport {
public:
  ScenarioReport(std::string scenario, const ScenarioOptions& opt);

  // Path inside --out (or the current directory when --out is not given).
  std::string out_path(const std::string& file) const;
  const std::string& out_dir() const { return out_dir_; }

  // Summary fields, in insertion order. `raw_json` values are written as-is.
  void add(const std::string& key, const std::string& value);
  void add(const std::string& key, double value);
  void add(const std::string& key, uint64_t value);
  void add_bool(const std::string& key, bool value);
  void add_raw_json(const std::string& key, const std::string& json);
  // Rows of the terminal table (label, value).
  void row(const std::string& label, const std::string& value) { rows_.emplace_back(label, value); }
  // A reason the run is not clean (exit code 1).
  void fail(const std::string& reason) { failures_.push_back(reason); }
  // An output that could not be written (exit code 3, over findings).
  void io_fail(const std::string& reason) {
    failures_.push_back(reason);
    io_failed_ = true;
  }
  // A hang: the reason, and the state the drivers dump for one
  // (Kernel::hang_dumps(): every DMA channel), printed after the verdict and
  // kept in summary.json as "hang_state".
  // After Ctrl-C the software did not finish because the run was stopped:
  // no hang, and no hang state.
  void fail_hang(const std::string& reason, const std::string& state);
  bool clean() const { return failures_.empty(); }

  double wall_seconds() const;
  // Prints the table and the verdict, writes summary.json; returns the exit
  // code: kExitInterrupted after Ctrl-C, kExitEnvironment when an output
  // could not be written, kExitFindings for any other failure, else kExitClean.
  int finish();

  // Copies waves/<name>.gtkw next to the trace with the dump file path filled in.
  // The copy's primary marker is set to the first validator report, if any,
  // and it opens zoomed on the run's interesting part: around the first
  // report, else from the first START trigger to the first period_elapsed.
  void write_save_file(const std::string& save_name, const std::string& fst_path) const;
  // --png: renders the trace to <scenario>.png (in --out) with
  // scripts/render_waves.py and waves/png/<save_name>.gtkw (the key signals;
  // waves/<save_name>.gtkw if there is none). Finishes the FST first (call it
  // after the simulation). The picture shows the same interesting part, with
  // the named markers; for a longer run an overview of the whole run below it
  // (the save file's analog rows, and hw_ptr/appl_ptr from `events_path`,
  // the run's closed trace.json, if given). A failure fails the run.
  void render_png(const std::string& save_name, const std::string& fst_path, const std::string& events_path = "");

  static std::string json_escape(const std::string& s);
  // The validator's reports as a JSON array (rule, headline, message, locks,
  // contexts, time_ns), for summary.json's "validator_reports".
  static std::string json_reports(const std::vector<kernel::LockReport>& reps);

private:
  std::string scenario_;
  std::string out_dir_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<std::pair<std::string, std::string>> rows_;
  std::vector<std::string> failures_;
  std::string hang_state_;
  std::string png_title_;
  bool io_failed_ = false;
  std::string start_time_;  // UTC, ISO 8601
  std::chrono::steady_clock::time_point start_;
};

}  // namespace dmacosim
