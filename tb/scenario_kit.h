// The scenario toolkit: what the scenarios (tb/scenarios/*.cpp) share, so
// that each reads as a short program in phases:
//
//   settings   read and check the --KEY=VALUE settings (the registry in
//              Scenario::keys: the parser, `run SCENARIO --help` and these
//              reads are one list); a bad one is a usage error (exit 2)
//   set up     the platform (platform_config), the System, the DMA provider
//              --driver names (Workload::probe) on the board (tb/board_linux.h)
//   workload   kernel threads on the modelled CPU (Workload::start for init,
//              or Workload::start_client for a dmaengine client on the probed
//              provider; KThread for the others, wait_until for a bounded
//              sleep, ResultCallback for a descriptor's callback_result,
//              read_bus for what the CPU reads), run to a time limit
//              (simulate())
//   check      the workload's outcome (Workload::report_outcome: kernel
//              fatal, DMA not quiescent, setup error, hang), the lock
//              validator's reports, the scenario's own data checks
//   report     terminal rows and summary.json fields (ScenarioReport), the
//              common ones here (row_times, row_validator, rows_run_end,
//              finish_report)
//
// docs/architecture.md ("Scenarios: the toolkit") shows a scenario file on it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "driver/dmaengine/dmaengine.h"
#include "driver/kernel/lockdep.h"
#include "driver/kernel/sched.h"
#include "driver/linux_c/dmac_provider.h"
#include "models/log.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim::kit {

// ---- settings ----

// A bad setting: prints "<scenario>: <message>" on stderr and returns
// kExitUsage, for `return usage_error(opt, "...")` before anything is built.
int usage_error(const ScenarioOptions& opt, const std::string& message);

// --driver names a DMA provider (driver/linux_c/dmac_provider.h); otherwise a
// usage error naming the known ones is printed and false returned.
bool driver_known(const ScenarioOptions& opt);

// The registry entry of setting `key` of the running scenario (opt.scenario).
// A key the registry does not declare, or no scenario, is an internal error
// (std::logic_error, exit 4), as for scenario_uint().
const ScenarioKey& setting(const ScenarioOptions& opt, const char* key);

// A setting that takes one of its registry entry's `choices`, the entry's
// `def` when absent. A value not among them is a usage error: prints
// "<scenario>: --KEY must be A, B or C" and returns "" (the caller returns
// kExitUsage). Recorded in summary.json's "settings" like scenario_string().
std::string scenario_choice(const ScenarioOptions& opt, const char* key);

// ---- set up ----

// The platform every scenario starts from: idle skipping as the command line
// says, and with --trace the RTL traced to <out>/<fst_name>.fst.
PlatformConfig platform_config(const ScenarioOptions& opt, const ScenarioReport& report,
                               const std::string& fst_name);

// ---- workload ----

// Process context: sleeps on `wq` until pred() holds or `timeout` has passed
// (a bounded wait: a hang becomes a timeout the caller reports). False on
// timeout. Whoever changes what pred() reads wakes `wq`.
template <typename Pred>
bool wait_until(kernel::wait_queue_head_t& wq, Pred pred, const sc_core::sc_time& timeout) {
  const sc_core::sc_time deadline = sc_core::sc_time_stamp() + timeout;
  while (!pred()) {
    if (sc_core::sc_time_stamp() >= deadline) return false;
    kernel::__wait_prepare(&wq, kernel::TASK_UNINTERRUPTIBLE);
    if (pred()) {
      kernel::__wait_finish(&wq);
      break;
    }
    kernel::this_kernel().schedule_timeout(deadline - sc_core::sc_time_stamp());
    kernel::__wait_finish(&wq);
  }
  return true;
}

// A kernel thread the scenario waits for: when its function returns, done()
// holds and `wq` is woken (the queue the waiter sleeps on). A KThread that
// was never run counts as done.
class KThread {
public:
  void run(const std::string& name, std::function<int()> fn, kernel::wait_queue_head_t* wq);
  bool done() const { return done_; }
  int ret() const { return ret_; }  // what its function returned
  // Process context: until it returned, at most `timeout`; false if it did not.
  bool join(const sc_core::sc_time& timeout);

private:
  bool done_ = true;
  int ret_ = 0;
  kernel::wait_queue_head_t* wq_ = nullptr;
};

// The software side of a run: the init thread, the DMA provider it probes,
// why set-up failed (if it did), whether the workload finished, and what the
// strict oracle found at its end.
class Workload {
public:
  explicit Workload(System& sys) : sys_(sys) {}

  // Starts `init` as the first kernel thread (System::start_init).
  void start(std::function<int()> init, const std::string& name = "init");

  // Starts the init thread of a dmaengine client (`kfunc`: its frame in call
  // traces): probes the provider --driver names with `pd`, then runs `body`
  // on it. When body returns true (the workload ran to its end) finish();
  // when false (it could not start: it called fail() and released what it
  // took) the provider's .remove (its leak report joins the end state) and
  // the simulation stops. opt must outlive the simulation.
  void start_client(const ScenarioOptions& opt, const char* kfunc, const dmaengine::dmac_platform_data& pd,
                    std::function<bool(linux_c::DmacProvider&)> body);

  // Process context: probes the provider --driver names with `pd` (the board's
  // controller). On failure: the reason is kept, the simulation stops, false.
  bool probe(const ScenarioOptions& opt, const dmaengine::dmac_platform_data& pd);
  linux_c::DmacProvider& dmac() { return dmac_; }

  // A set-up step failed: keeps `why` and stops the simulation. Returns 1 (the
  // init thread's return value: `return work.setup_failed("...")`).
  int setup_failed(const std::string& why);
  // A step of the workload failed (`why` kept, the simulation runs on: the
  // workload ends itself). The first reason is kept.
  void fail(const std::string& why) {
    if (error_.empty()) error_ = why;
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Process context, the workload's last step: the strict oracle (nothing
  // left running or pending in the DMA driver) and the provider's .remove
  // (frees what probe allocated: LeakSanitizer), then finished() and the
  // simulation stops.
  void finish();
  bool finished() const { return finished_; }

  // After simulate(), the outcome as failures, in this order: the kernel
  // died (fatal), the DMA was not quiescent at the end, set-up or a step
  // failed, `workload_error` (a scenario's own thread error, if any), and a
  // hang (neither finished nor failed nor fatal): `hang_reason` with the
  // drivers' state (Kernel::hang_dumps()).
  void report_outcome(ScenarioReport& report, const std::string& hang_reason,
                      const std::string& workload_error = "") const;
  // Neither set-up nor the kernel failed (checks that judge the workload's
  // results only make sense then).
  bool ran() const;

private:
  System& sys_;
  linux_c::DmacProvider dmac_;
  std::string error_;
  std::string end_state_;  // check_quiescent() + remove(): "" when clean
  bool finished_ = false;
};

// A descriptor's callback_result: counts the calls, keeps the last result
// and completes `done`.
struct ResultCallback {
  kernel::completion done;
  int calls = 0;
  dmaengine::dmaengine_result res;
  void arm() { kernel::init_completion(&done); }  // before the descriptor is submitted
  void attach(dmaengine::dma_async_tx_descriptor* tx);  // tx's callback_result is this
};

// `len` bytes at bus address `addr`, as the CPU reads them (process context).
std::vector<uint8_t> read_bus(Cpu& cpu, uint64_t addr, size_t len);

// Log lines a scenario provokes on purpose (an injected fault): each is
// labelled expected while this object lives, so the strict log oracle does
// not fail the run on it (models/log.h, ExpectedLog).
class ExpectedLogs {
public:
  void add(LogLevel level, const std::string& needle, const std::string& why) {
    logs_.push_back(std::make_unique<ExpectedLog>(level, needle, why));
  }

private:
  std::vector<std::unique_ptr<ExpectedLog>> logs_;
};

// ---- check ----

// Samples of a latency (ns): min / median / nearest-rank percentile / max.
class Samples {
public:
  void add(double x) { v_.push_back(x); }
  size_t size() const { return v_.size(); }
  double min() const { return v_.empty() ? 0 : *std::min_element(v_.begin(), v_.end()); }
  double max() const { return v_.empty() ? 0 : *std::max_element(v_.begin(), v_.end()); }
  double median() const;
  double percentile(double q) const;  // nearest rank, q in (0, 1]
  // {"min": .., "median": .., "p99": .., "max": .., "samples": n}
  std::string json() const;
  std::string samples_json() const;  // every sample, in order
  // "min / median / max ns (min/median/max, n samples)", "n/a" when empty.
  std::string text() const;

private:
  std::vector<double> v_;
};

// A data check over many items that keeps the first thing found wrong (the
// verdict names it; later ones are usually its consequences).
class FirstMismatch {
public:
  void operator()(const std::string& what) {
    if (!ok_) return;
    ok_ = false;
    first_ = what;
  }
  bool ok() const { return ok_; }
  const std::string& first() const { return first_; }  // "" while ok()

private:
  bool ok_ = true;
  std::string first_;
};

// Each lock-validator report fails the run: "validator RULE: headline
// [context | context]".
void fail_validator(ScenarioReport& report, const std::vector<kernel::LockReport>& reps);

// ---- report ----

// Simulated and wall time of the run, and the RTL's clock cycles.
struct RunTimes {
  double sim_s = 0, wall_s = 0;
  uint64_t cycles = 0;
};
RunTimes run_times(const ScenarioReport& report, System& sys);  // after simulate()
// Rows "simulated time" and "wall time" (with simulated DMA cycles per second).
void row_times(ScenarioReport& report, const RunTimes& t);
// Rows "validator reports" (the count), then one per report (rule: headline).
void row_validator(ScenarioReport& report, const std::vector<kernel::LockReport>& reps);
// The closing rows of a dmaengine client's table: "DMA IRQs taken",
// row_validator(reps), row_times(t).
void rows_run_end(ScenarioReport& report, System& sys, const RunTimes& t,
                  const std::vector<kernel::LockReport>& reps);
// The closing summary fields (sim_seconds, cycles), with --trace the GTKWave
// save file (<out>/<opt.scenario>.gtkw), then the verdict:
// ScenarioReport::finish()'s exit code.
int finish_report(ScenarioReport& report, const ScenarioOptions& opt, const PlatformConfig& cfg, const RunTimes& t);

}  // namespace dmacosim::kit
