// What the dmaengine client scenarios (faults, sg, memcpy) share, phase by
// phase: set up (the --driver check, the platform configuration), run the
// workload (the client on a probed provider, in an init thread, under the
// run's time limit), check (the common reasons a run is not clean) and
// report (the common rows and summary fields). Each scenario keeps its own
// workload, checks and numbers.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "driver/dmaengine/dmaengine.h"
#include "driver/kernel/lockdep.h"
#include "driver/kernel/sched.h"
#include "driver/linux_c/dmac_provider.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim {

// ---- set up ----

// --driver names a provider (linux_c::dmac_driver_names()); else prints
// "SCENARIO: unknown driver 'X' (names)" on stderr and returns false: the
// caller exits with kExitUsage before anything runs.
bool scenario_driver_known(const char* scenario, const ScenarioOptions& opt);

// The platform as the options ask for it: idle skipping, and with --trace
// the RTL traced to <out>/<scenario>.fst.
PlatformConfig scenario_platform_config(const char* scenario, const ScenarioOptions& opt, const ScenarioReport& report);

// ---- run the workload ----

// What the client's init thread leaves for the checks.
struct ClientRun {
  bool finished = false;    // the workload ran to its end (false and no setup_error: a hang)
  std::string setup_error;  // the provider or the client could not be set up
  std::string end_state;    // the provider's strict end oracle and .remove: "" when clean
};

// The client's body: runs in process context on the probed provider; true
// when its workload ran to its end, false when it could not start (it has
// set run->setup_error and released what it took).
using ClientBody = std::function<bool(linux_c::DmacProvider&)>;

// Starts the init thread `kfunc` (its name in call traces): probes the
// provider --driver names with `pd`, runs `body`; when it ran to its end,
// sets run->finished and takes the end oracle (check_quiescent(): nothing
// running or pending) into run->end_state. Either way the provider's
// .remove follows (what probe allocated is freed, for LeakSanitizer; the
// kernel-C driver's leak report joins run->end_state). The simulation stops
// when the thread is done.
void start_client(System& sys, const ScenarioOptions& opt, const char* kfunc,
                  const dmaengine::dmac_platform_data& pd, ClientRun* run, ClientBody body);

// What a run measured, read once simulate() has returned.
struct RunTotals {
  double sim_s = 0;   // simulated seconds
  double wall = 0;    // wall seconds
  uint64_t cycles = 0;  // DMA clock cycles
  std::vector<kernel::LockReport> unexpected;  // validator reports nobody expected
};

// simulate() up to `limit` (the watchdog: a client still running then is a
// hang, see fail_client_run()), then the totals.
RunTotals simulate_client(const ScenarioOptions& opt, System& sys, const ScenarioReport& report,
                          const sc_core::sc_time& limit);

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

// ---- check ----

// The common reasons a run is not clean, in this order: a fatal kernel
// error, DMA still running or pending at the end (or a leak the provider's
// .remove found), a setup error, a hang
// ("simulation hang: <hang_what>" with every channel's state) when the
// client did not finish and nothing else explains it.
void fail_client_run(ScenarioReport& report, System& sys, const ClientRun& run, const char* hang_what);
// One failure per unexpected validator report ("validator RULE: headline").
void fail_validator_reports(ScenarioReport& report, const RunTotals& totals);

// ---- report ----

// The closing rows of the table: DMA IRQs taken, validator reports (and one
// row each), simulated time and wall time (with the simulated DMA cycles per
// wall second when `cycle_rate`).
void add_run_rows(ScenarioReport& report, System& sys, const RunTotals& totals, bool cycle_rate);
// The validator reports as {"rule", "message" (the headline)} objects.
std::string json_reports_brief(const std::vector<kernel::LockReport>& reps);
// The closing summary fields (sim_seconds, cycles), the GTKWave save file
// with --trace, and the verdict: ScenarioReport::finish()'s exit code.
int finish_client_report(ScenarioReport& report, const ScenarioOptions& opt, const PlatformConfig& cfg,
                         const char* scenario, const RunTotals& totals);

}  // namespace dmacosim
