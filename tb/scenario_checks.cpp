#include "tb/scenario_checks.h"

#include <cstdio>

#include "models/log.h"
#include "tb/board.h"

namespace dmacosim {

namespace de = dmaengine;

bool scenario_driver_known(const char* scenario, const ScenarioOptions& opt) {
  if (linux_c::dmac_driver_known(opt.driver)) return true;
  fprintf(stderr, "%s: unknown driver '%s' (%s)\n", scenario, opt.driver.c_str(), linux_c::dmac_driver_names());
  return false;
}

PlatformConfig scenario_platform_config(const char* scenario, const ScenarioOptions& opt, const ScenarioReport& report) {
  PlatformConfig cfg;
  cfg.idle_skipping = opt.idle_skipping;
  if (opt.trace) cfg.fst_path = report.out_path(std::string(scenario) + ".fst");
  return cfg;
}

void start_client(System& sys, const ScenarioOptions& opt, const char* kfunc, const de::dmac_platform_data& pd,
                  ClientRun* run, ClientBody body) {
  // opt outlives the simulation (the scenario's caller owns it); pd and body are copied.
  sys.start_init([&opt, kfunc, pd, run, body = std::move(body)]() -> int {
    KFUNC(kfunc);
    linux_c::DmacProvider dmac;  // the provider --driver names
    if (!dmac.probe(opt.driver, pd, &run->setup_error)) {
      sc_core::sc_stop();
      return 1;
    }
    if (body(dmac)) {
      run->end_state = dmac.check_quiescent();  // strict oracle: nothing left running or pending
      run->finished = true;
    }
    run->end_state += dmac.remove();  // the provider's .remove: frees what probe allocated (LeakSanitizer)
    sc_core::sc_stop();
    return run->finished ? 0 : 1;
  });
}

RunTotals simulate_client(const ScenarioOptions& opt, System& sys, const ScenarioReport& report,
                          const sc_core::sc_time& limit) {
  simulate(opt, limit);
  RunTotals t;
  t.sim_s = sc_core::sc_time_stamp().to_seconds();
  t.wall = report.wall_seconds();
  t.cycles = sys.hw.dmac.cycles();
  t.unexpected = sys.kernel.lockdep().unexpected();
  return t;
}

namespace {
void result_callback(void* p, const de::dmaengine_result* r) {
  auto* s = static_cast<ResultCallback*>(p);
  s->calls++;
  s->res = *r;
  kernel::complete(&s->done);
}
}  // namespace

void ResultCallback::attach(de::dma_async_tx_descriptor* tx) {
  tx->callback_result = result_callback;
  tx->callback_param = this;
}

std::vector<uint8_t> read_bus(Cpu& cpu, uint64_t addr, size_t len) {
  std::vector<uint8_t> v(len);
  cpu.memcpy_from_bus(v.data(), addr, len);
  return v;
}

void fail_client_run(ScenarioReport& report, System& sys, const ClientRun& run, const char* hang_what) {
  if (sys.kernel.fatal()) report.fail("kernel: " + sys.kernel.fatal_message());
  if (!run.end_state.empty()) report.fail("DMA not quiescent at the end of the run:\n" + run.end_state);
  if (!run.setup_error.empty()) report.fail(run.setup_error);
  if (!run.finished && run.setup_error.empty())
    report.fail_hang(std::string("simulation hang: ") + hang_what, sys.kernel.hang_dumps());
}

void fail_validator_reports(ScenarioReport& report, const RunTotals& totals) {
  for (const kernel::LockReport& r : totals.unexpected) report.fail("validator " + r.rule + ": " + r.headline);
}

void add_run_rows(ScenarioReport& report, System& sys, const RunTotals& t, bool cycle_rate) {
  report.row("DMA IRQs taken", std::to_string(sys.kernel.irq_count(board::kIrqDma)));
  report.row("validator reports", std::to_string(t.unexpected.size()));
  for (const kernel::LockReport& r : t.unexpected) report.row("  " + r.rule, r.headline);
  report.row("simulated time", strfmt("%.6f s", t.sim_s));
  if (cycle_rate)
    report.row("wall time", strfmt("%.2f s (%.2f M simulated DMA cycles/s)", t.wall,
                                   t.wall > 0 ? t.cycles / t.wall / 1e6 : 0));
  else
    report.row("wall time", strfmt("%.2f s", t.wall));
}

std::string json_reports_brief(const std::vector<kernel::LockReport>& reps) {
  std::string s = "[";
  for (size_t i = 0; i < reps.size(); ++i)
    s += std::string(i ? ", " : "") + "{\"rule\": " + ScenarioReport::json_escape(reps[i].rule) +
         ", \"message\": " + ScenarioReport::json_escape(reps[i].headline) + "}";
  return s + "]";
}

int finish_client_report(ScenarioReport& report, const ScenarioOptions& opt, const PlatformConfig& cfg,
                         const char* scenario, const RunTotals& t) {
  report.add("sim_seconds", t.sim_s);
  report.add("cycles", t.cycles);
  if (opt.trace) report.write_save_file(scenario, cfg.fst_path);
  return report.finish();
}

}  // namespace dmacosim
