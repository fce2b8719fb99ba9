#include "tb/scenario_kit.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "tb/board.h"

namespace dmacosim::kit {

int usage_error(const ScenarioOptions& opt, const std::string& message) {
  fprintf(stderr, "%s: %s\n", opt.scenario.c_str(), message.c_str());
  return kExitUsage;
}

bool driver_known(const ScenarioOptions& opt) {
  if (linux_c::dmac_driver_known(opt.driver)) return true;
  usage_error(opt, "unknown driver '" + opt.driver + "' (" + linux_c::dmac_driver_names() + ")");
  return false;
}

const ScenarioKey& setting(const ScenarioOptions& opt, const char* key) {
  if (const ScenarioKey* k = scenario_key(opt, key)) return *k;
  throw std::logic_error(strfmt("--%s read without a scenario (ScenarioOptions::scenario is empty)", key));
}

std::string scenario_choice(const ScenarioOptions& opt, const char* key) {
  const ScenarioKey& k = setting(opt, key);
  if (k.choices.empty() || std::find(k.choices.begin(), k.choices.end(), k.def) == k.choices.end())
    throw std::logic_error(strfmt("scenario '%s': --%s has no choices, or its default is not one of them",
                                  opt.scenario.c_str(), key));
  const std::string v = scenario_string(opt, key, k.def);
  if (std::find(k.choices.begin(), k.choices.end(), v) != k.choices.end()) return v;
  std::string list;  // "A, B or C"
  for (size_t i = 0; i < k.choices.size(); ++i)
    list += (i == 0 ? "" : i + 1 == k.choices.size() ? " or " : ", ") + k.choices[i];
  usage_error(opt, "--" + k.name + " must be " + list);
  return "";
}

PlatformConfig platform_config(const ScenarioOptions& opt, const ScenarioReport& report,
                               const std::string& fst_name) {
  PlatformConfig cfg;
  cfg.idle_skipping = opt.idle_skipping;
  if (opt.trace) cfg.fst_path = report.out_path(fst_name + ".fst");
  return cfg;
}

void KThread::run(const std::string& name, std::function<int()> fn, kernel::wait_queue_head_t* wq) {
  done_ = false;
  wq_ = wq;
  kernel::kthread_run(std::function<int()>([this, fn = std::move(fn)]() -> int {
                        ret_ = fn();
                        done_ = true;
                        kernel::wake_up(wq_);
                        return 0;
                      }),
                      name);
}

bool KThread::join(const sc_core::sc_time& timeout) {
  if (done_) return true;
  return wait_until(*wq_, [this] { return done_; }, timeout);
}

void Workload::start(std::function<int()> init, const std::string& name) { sys_.start_init(std::move(init), name); }

void Workload::start_client(const ScenarioOptions& opt, const char* kfunc, const dmaengine::dmac_platform_data& pd,
                            std::function<bool(linux_c::DmacProvider&)> body) {
  start([this, &opt, kfunc, pd, body = std::move(body)]() -> int {
    KFUNC(kfunc);
    if (!probe(opt, pd)) return 1;
    if (body(dmac_)) {
      finish();
      return 0;
    }
    end_state_ += dmac_.remove();  // frees what probe allocated (LeakSanitizer)
    sc_core::sc_stop();
    return 1;
  });
}

bool Workload::probe(const ScenarioOptions& opt, const dmaengine::dmac_platform_data& pd) {
  std::string why;
  if (dmac_.probe(opt.driver, pd, &why)) return true;
  setup_failed(why);
  return false;
}

int Workload::setup_failed(const std::string& why) {
  fail(why);
  sc_core::sc_stop();
  return 1;
}

void Workload::finish() {
  end_state_ = dmac_.check_quiescent();
  end_state_ += dmac_.remove();
  finished_ = true;
  sc_core::sc_stop();
}

bool Workload::ran() const { return ok() && !sys_.kernel.fatal(); }

void Workload::report_outcome(ScenarioReport& report, const std::string& hang_reason,
                              const std::string& workload_error) const {
  if (sys_.kernel.fatal()) report.fail("kernel: " + sys_.kernel.fatal_message());
  if (!end_state_.empty()) report.fail("DMA not quiescent at the end of the run:\n" + end_state_);
  if (!error_.empty()) report.fail(error_);
  if (!workload_error.empty()) report.fail(workload_error);
  if (!finished_ && ran()) report.fail_hang(hang_reason, sys_.kernel.hang_dumps());
}

namespace {
void result_callback(void* p, const dmaengine::dmaengine_result* r) {
  auto* s = static_cast<ResultCallback*>(p);
  s->calls++;
  s->res = *r;
  kernel::complete(&s->done);
}
}  // namespace

void ResultCallback::attach(dmaengine::dma_async_tx_descriptor* tx) {
  tx->callback_result = result_callback;
  tx->callback_param = this;
}

std::vector<uint8_t> read_bus(Cpu& cpu, uint64_t addr, size_t len) {
  std::vector<uint8_t> v(len);
  cpu.memcpy_from_bus(v.data(), addr, len);
  return v;
}

double Samples::median() const {
  if (v_.empty()) return 0;
  std::vector<double> s = v_;
  std::sort(s.begin(), s.end());
  return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
}

double Samples::percentile(double q) const {
  if (v_.empty()) return 0;
  std::vector<double> s = v_;
  std::sort(s.begin(), s.end());
  const size_t rank = size_t(std::ceil(q * double(s.size())));
  return s[std::min(s.size() - 1, rank ? rank - 1 : 0)];
}

std::string Samples::json() const {
  return strfmt("{\"min\": %.0f, \"median\": %.0f, \"p99\": %.0f, \"max\": %.0f, \"samples\": %zu}", min(), median(),
                percentile(0.99), max(), v_.size());
}

std::string Samples::samples_json() const {
  std::string s = "[";
  for (size_t i = 0; i < v_.size(); ++i) s += strfmt(i ? ", %.0f" : "%.0f", v_[i]);
  return s + "]";
}

std::string Samples::text() const {
  if (v_.empty()) return "n/a";
  return strfmt("%.0f / %.0f / %.0f ns (min/median/max, %zu samples)", min(), median(), max(), v_.size());
}

void fail_validator(ScenarioReport& report, const std::vector<kernel::LockReport>& reps) {
  for (const kernel::LockReport& r : reps) {
    std::string ctxs;
    for (const std::string& c : r.contexts) ctxs += (ctxs.empty() ? "" : " | ") + c;
    report.fail("validator " + r.rule + ": " + r.headline + (ctxs.empty() ? "" : " [" + ctxs + "]"));
  }
}

RunTimes run_times(const ScenarioReport& report, System& sys) {
  RunTimes t;
  t.sim_s = sc_core::sc_time_stamp().to_seconds();
  t.wall_s = report.wall_seconds();
  t.cycles = sys.hw.dmac.cycles();
  return t;
}

void row_times(ScenarioReport& report, const RunTimes& t) {
  report.row("simulated time", strfmt("%.6f s", t.sim_s));
  report.row("wall time", strfmt("%.2f s (%.2f M simulated DMA cycles/s)", t.wall_s,
                                 t.wall_s > 0 ? double(t.cycles) / t.wall_s / 1e6 : 0));
}

void row_validator(ScenarioReport& report, const std::vector<kernel::LockReport>& reps) {
  report.row("validator reports", std::to_string(reps.size()));
  for (const kernel::LockReport& r : reps) report.row("  " + r.rule, r.headline);
}

void rows_run_end(ScenarioReport& report, System& sys, const RunTimes& t,
                  const std::vector<kernel::LockReport>& reps) {
  report.row("DMA IRQs taken", std::to_string(sys.kernel.irq_count(board::kIrqDma)));
  row_validator(report, reps);
  row_times(report, t);
}

int finish_report(ScenarioReport& report, const ScenarioOptions& opt, const PlatformConfig& cfg, const RunTimes& t) {
  report.add("sim_seconds", t.sim_s);
  report.add("cycles", t.cycles);
  if (opt.trace) report.write_save_file(opt.scenario, cfg.fst_path);
  return report.finish();
}

}  // namespace dmacosim::kit
