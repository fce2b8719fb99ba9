// Scenario "seed-options": every option the 2010 thread ("DMA Engine API
// performance issues", linux-arm-kernel) discusses for a DMA driver whose
// tx_submit locks with spin_lock_bh under ALSA's atomic trigger, run side by
// side on the same audio workload, seeds and load, with a verdict and a cost
// for each:
//
//   legacy-bh          the 2010 driver as it was (direct trigger)
//   irqsave            the fixed driver: irqsave locks, callbacks from a
//                      tasklet with the lock dropped (the kernel's answer)
//   irq-enable         the 2010 driver, local_irq_enable() around the DMA
//                      calls inside the trigger ("crude ... dangerous")
//   irq-enable+irq     the same with an interrupt pending when the window
//                      opens (a trigger that spends 6 ms with IRQs off first)
//   deferred-*-2010    the 2010 driver, the DMA calls deferred from the
//                      trigger to a tasklet / a work item
//   deferred-*         the same deferral with the fixed driver (its cost alone)
//   deferred-naive     the first deferred version one would write (fixed driver)
//   ksoftirqd          the fixed driver with a network receive load that
//                      hands softirqs, the DMA tasklet included, to ksoftirqd
//                      (the thread's "corruption" worry)
//   deferred-*+load    the deferrals under that load (a work item waits
//                      behind ksoftirqd; a tasklet does not)
//
// Each option is one `dmacosim run audio` child process (SystemC elaborates
// once per process) writing into --out/<option>/; this reads their
// summary.json files, prints one table, writes summary.json with every row
// and (with python3-matplotlib, unless --chart=0) seed-options.png, the
// trigger -> first sample latency distributions. Exit 0 when every option got
// its expected verdict.
//
// Common workload: --start-stop cycles (the README's table uses 120), --seed, the
// concurrent memcpy client (dmatest on another channel), one injected
// memory stall in run 1 (the I2S underrun interrupt stops the stream in
// hardirq, which makes the stream lock HARDIRQ-safe, as on a real system)
// and every 3rd run stopped right after its START (a STOP that arrives
// before a deferred START has run).
// Options: --start-stop, --seed, --seconds, --period-bytes, --periods,
// --out, --quiet; extra: --only=a,b (run a subset), --chart=0|1.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/log.h"
#include "tb/json_value.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"

extern char** environ;

namespace dmacosim {
namespace {

enum class Verdict { Clean, Flagged, Deadlock, Broken, Crashed };

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Clean: return "clean";
    case Verdict::Flagged: return "flagged";
    case Verdict::Deadlock: return "deadlock";
    case Verdict::Broken: return "broken";
    case Verdict::Crashed: return "crashed";
  }
  return "?";
}

struct OptionSpec {
  const char* name;
  const char* driver;
  const char* what;
  std::vector<std::string> args;
  Verdict expect;
  std::vector<std::string> must_fire;   // validator rules the verdict needs
  std::vector<std::string> must_not_fire;
  // Further condition on the child's summary (empty string = holds).
  std::function<std::string(const JsonValue&)> also;
};

std::vector<OptionSpec> option_table() {
  auto in_ksoftirqd = [](const JsonValue& s) -> std::string {
    return s.number("dma_tasklet_runs_in_ksoftirqd") > 0 ? "" : "the DMA tasklet never ran in ksoftirqd";
  };
  return {
      {"legacy-bh", "legacy-bh", "the 2010 driver: spin_lock_bh in tx_submit, called from the trigger",
       {"--driver=legacy-bh"}, Verdict::Flagged, {"V-BH-1"}, {}, nullptr},
      {"irqsave", "virt-dma", "irqsave locks, callbacks from a tasklet with the lock dropped",
       {"--driver=virt-dma"}, Verdict::Clean, {}, {}, nullptr},
      {"irq-enable", "legacy-bh", "local_irq_enable() around the DMA calls, stream lock held",
       {"--driver=legacy-bh", "--pcm-dma-trigger=irq-enable"}, Verdict::Flagged, {"L-1"}, {"V-BH-1"}, nullptr},
      {"irq-enable+irq", "legacy-bh", "the same, an interrupt pending when IRQs come on",
       {"--driver=legacy-bh", "--pcm-dma-trigger=irq-enable", "--trigger-delay-us=6000"}, Verdict::Deadlock,
       {"DEADLOCK"}, {}, nullptr},
      {"deferred-tasklet-2010", "legacy-bh", "the DMA calls deferred to a tasklet",
       {"--driver=legacy-bh", "--pcm-dma-trigger=deferred-tasklet"}, Verdict::Flagged, {"L-3"}, {"V-BH-1"},
       nullptr},
      {"deferred-work-2010", "legacy-bh", "the DMA calls deferred to a work item",
       {"--driver=legacy-bh", "--pcm-dma-trigger=deferred-work"}, Verdict::Flagged, {"L-3"}, {"V-BH-1"}, nullptr},
      {"deferred-tasklet", "virt-dma", "deferral to a tasklet with the fixed driver (its cost)",
       {"--driver=virt-dma", "--pcm-dma-trigger=deferred-tasklet"}, Verdict::Clean, {}, {}, nullptr},
      {"deferred-work", "virt-dma", "deferral to a work item with the fixed driver (its cost)",
       {"--driver=virt-dma", "--pcm-dma-trigger=deferred-work"}, Verdict::Clean, {}, {}, nullptr},
      {"deferred-naive", "virt-dma", "one command slot, transmitter on before the DMA runs, no flush",
       {"--driver=virt-dma", "--pcm-dma-trigger=deferred-tasklet", "--deferred-naive=1"}, Verdict::Broken, {}, {},
       nullptr},
      {"ksoftirqd", "virt-dma", "the fixed driver, DMA tasklet pushed into ksoftirqd by a 60 % NET_RX load",
       {"--driver=virt-dma", "--netrx-load=60"}, Verdict::Clean, {}, {}, in_ksoftirqd},
      {"deferred-tasklet+load", "virt-dma", "deferral to a tasklet under the same NET_RX load",
       {"--driver=virt-dma", "--pcm-dma-trigger=deferred-tasklet", "--netrx-load=60"}, Verdict::Clean, {}, {},
       in_ksoftirqd},
      {"deferred-work+load", "virt-dma", "deferral to a work item under the same NET_RX load",
       {"--driver=virt-dma", "--pcm-dma-trigger=deferred-work", "--netrx-load=60"}, Verdict::Clean, {}, {},
       in_ksoftirqd},
  };
}

struct Row {
  const OptionSpec* spec = nullptr;
  Verdict verdict = Verdict::Crashed;
  int exit_code = -1;
  std::vector<std::string> rules;  // in report order, repeated rules once
  std::string first_context, first_failure, mismatch;
  JsonValue summary;
};

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// Runs `argv` with stdout+stderr into `log`; returns the exit status (-1 =
// could not start, 128+N = killed by signal N).
int run_child(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid;
  const int rc = posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  bool passed_on = false;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
    // Ctrl-C (or SIGTERM) for this process: the child stops at its safe
    // point and writes what it has, as this one does.
    if (interrupted() && !passed_on) kill(pid, interrupt_signal()), passed_on = true;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

void classify(Row& r) {
  const JsonValue& s = r.summary;
  std::set<std::string> seen;
  if (const JsonValue* reps = s.get("validator_reports"); reps && reps->kind == JsonValue::Array) {
    for (const JsonValue& rep : reps->items) {
      const std::string rule = rep.string("rule");
      if (seen.insert(rule).second) r.rules.push_back(rule);
      if (r.first_context.empty())
        if (const JsonValue* c = rep.get("contexts"); c && c->kind == JsonValue::Array && !c->items.empty())
          r.first_context = c->items[0].str;
    }
  }
  if (const JsonValue* f = s.get("failures"); f && f->kind == JsonValue::Array && !f->items.empty())
    r.first_failure = f->items[0].str;
  if (r.exit_code != 0 && r.exit_code != 1) r.verdict = Verdict::Crashed;
  else if (seen.count("DEADLOCK")) r.verdict = Verdict::Deadlock;
  else if (!r.rules.empty()) r.verdict = Verdict::Flagged;
  else if (r.exit_code != 0) r.verdict = Verdict::Broken;
  else r.verdict = Verdict::Clean;
  const OptionSpec& o = *r.spec;
  std::vector<std::string> why;
  if (r.verdict != o.expect) why.push_back(std::string("expected ") + verdict_name(o.expect));
  for (const auto& rule : o.must_fire)
    if (!seen.count(rule)) why.push_back(rule + " did not fire");
  for (const auto& rule : o.must_not_fire)
    if (seen.count(rule)) why.push_back(rule + " fired");
  if (o.also)
    if (std::string w = o.also(s); !w.empty()) why.push_back(w);
  r.mismatch = join(why, "; ");
}

std::string us(double ns) { return std::isfinite(ns) ? strfmt("%.1f", ns / 1e3) : "-"; }

std::string latency_cell(const JsonValue& s, const char* key, bool full) {
  const JsonValue* l = s.get(key);
  if (!l || l->number("samples") == 0) return "n/a";
  if (full)
    return us(l->number("min")) + " / " + us(l->number("median")) + " / " + us(l->number("p99")) + " / " +
           us(l->number("max"));
  return us(l->number("median")) + " / " + us(l->number("max"));
}

std::string row_json(const Row& r) {
  const JsonValue& s = r.summary;
  auto q = ScenarioReport::json_escape;
  auto stat = [&](const char* key) {
    const JsonValue* l = s.get(key);
    if (!l) return std::string("null");
    return strfmt("{\"min\": %.0f, \"median\": %.0f, \"p99\": %.0f, \"max\": %.0f, \"samples\": %.0f}",
                  l->number("min"), l->number("median"), l->number("p99"), l->number("max"), l->number("samples"));
  };
  std::string samples = "[";
  if (const JsonValue* a = s.get("trigger_latency_samples_ns"); a && a->kind == JsonValue::Array)
    for (size_t i = 0; i < a->items.size(); ++i) samples += strfmt(i ? ", %.0f" : "%.0f", a->items[i].num);
  samples += "]";
  const JsonValue* cpu = s.get("cpu_ns");
  auto cpu_of = [&](const char* k) { return cpu ? cpu->number(k) : 0.0; };
  std::vector<std::string> args, rules;
  for (const auto& a : r.spec->args) args.push_back(q(a));
  for (const auto& x : r.rules) rules.push_back(q(x));
  return strfmt("{\"option\": %s, \"driver\": %s, \"what\": %s, \"args\": [%s], \"verdict\": %s, "
                "\"expected_verdict\": %s, \"as_expected\": %s, \"mismatch\": %s, \"exit_code\": %d, "
                "\"rules\": [%s], \"first_context\": %s, \"first_failure\": %s, "
                "\"trigger_latency_ns\": %s, \"trigger_latency_samples_ns\": %s, \"stop_to_idle_ns\": %s, "
                "\"start_stop_cycles\": %.0f, \"xruns\": %.0f, \"underruns\": %.0f, \"injected_underruns\": %.0f, "
                "\"bit_exact\": %s, \"cpu_ns\": {\"hardirq\": %.0f, \"softirq\": %.0f, \"softirq_in_ksoftirqd\": %.0f, "
                "\"task\": %.0f}, \"dma_tasklet_runs\": %.0f, \"dma_tasklet_runs_in_ksoftirqd\": %.0f, "
                "\"sim_seconds\": %.6f, \"summary\": %s}",
                q(r.spec->name).c_str(), q(r.spec->driver).c_str(), q(r.spec->what).c_str(), join(args, ", ").c_str(),
                q(verdict_name(r.verdict)).c_str(), q(verdict_name(r.spec->expect)).c_str(),
                r.mismatch.empty() ? "true" : "false", q(r.mismatch).c_str(), r.exit_code, join(rules, ", ").c_str(),
                q(r.first_context).c_str(), q(r.first_failure).c_str(), stat("trigger_latency_ns").c_str(),
                samples.c_str(), stat("stop_to_idle_ns").c_str(), s.number("start_stop_cycles"), s.number("xruns"),
                s.number("underruns"), s.number("injected_underruns"), s.boolean("bit_exact") ? "true" : "false",
                cpu_of("hardirq"), cpu_of("softirq"), cpu_of("softirq_in_ksoftirqd"), cpu_of("task"),
                s.number("dma_tasklet_runs"), s.number("dma_tasklet_runs_in_ksoftirqd"), s.number("sim_seconds"),
                q(r.spec->name + std::string("/summary.json")).c_str());
}

void print_table(const std::vector<Row>& rows, FILE* f) {
  const char* hdr[] = {"option",         "verdict",          "trigger->1st sample us",  "stop->idle us",
                       "cycles",         "xruns / underruns",  "bit-exact",               "CPU us hi/si/task",
                       "DMA tasklet in ksoftirqd", "as expected"};
  std::vector<std::vector<std::string>> cells;
  cells.emplace_back(std::begin(hdr), std::end(hdr));
  cells.push_back({"", "", "min / med / p99 / max", "med / max", "", "", "", "", "", ""});
  for (const Row& r : rows) {
    const JsonValue& s = r.summary;
    const JsonValue* cpu = s.get("cpu_ns");
    std::string verdict = verdict_name(r.verdict);
    if (!r.rules.empty()) verdict += ": " + join(r.rules, " ");
    cells.push_back({r.spec->name, verdict, latency_cell(s, "trigger_latency_ns", true),
                     latency_cell(s, "stop_to_idle_ns", false), strfmt("%.0f", s.number("start_stop_cycles")),
                     strfmt("%.0f / %.0f (+%.0f inj.)", s.number("xruns"),
                            s.number("underruns") - s.number("injected_underruns"), s.number("injected_underruns")),
                     r.verdict == Verdict::Deadlock || r.verdict == Verdict::Crashed ? "n/a (stopped)"
                     : s.boolean("bit_exact")                                        ? "yes"
                                                                                     : "no",
                     cpu ? strfmt("%.0f / %.0f / %.0f", cpu->number("hardirq") / 1e3, cpu->number("softirq") / 1e3,
                                  cpu->number("task") / 1e3)
                         : "-",
                     strfmt("%.0f of %.0f", s.number("dma_tasklet_runs_in_ksoftirqd"), s.number("dma_tasklet_runs")),
                     r.mismatch.empty() ? "yes" : "NO: " + r.mismatch});
  }
  std::vector<size_t> w(cells[0].size(), 0);
  for (const auto& c : cells)
    for (size_t i = 0; i < c.size(); ++i) w[i] = std::max(w[i], c[i].size());
  for (size_t k = 0; k < cells.size(); ++k) {
    std::string line;
    for (size_t i = 0; i < cells[k].size(); ++i)
      line += cells[k][i] + std::string(i + 1 < cells[k].size() ? w[i] - cells[k][i].size() + 2 : 0, ' ');
    fprintf(f, "%s\n", line.c_str());
    if (k == 1) {
      size_t total = 0;
      for (size_t x : w) total += x + 2;
      fprintf(f, "%s\n", std::string(total - 2, '-').c_str());
    }
  }
  fprintf(f, "\nfirst report of each flagged option (context of the first report):\n");
  for (const Row& r : rows)
    if (!r.first_context.empty()) fprintf(f, "  %-22s %s\n", r.spec->name, r.first_context.c_str());
}

int run_seed_options(const ScenarioOptions& opt_in) {
  ScenarioOptions opt = opt_in;
  ScenarioReport report("seed-options", opt);
  std::set<std::string> only;
  {
    std::stringstream ss(scenario_string(opt, "only", ""));
    for (std::string x; std::getline(ss, x, ',');) only.insert(x);
  }
  const bool chart = scenario_uint(opt, "chart", 1) != 0;
  const std::vector<OptionSpec> table = option_table();
  for (const auto& name : only)
    if (std::none_of(table.begin(), table.end(), [&](const OptionSpec& o) { return name == o.name; })) {
      std::string names;
      for (const auto& o : table) names += std::string(names.empty() ? "" : ", ") + o.name;
      fprintf(stderr, "seed-options: unknown option '%s' in --only (one of: %s)\n", name.c_str(), names.c_str());
      return 2;
    }
  // Children's outputs go under --out; without it into a fresh directory
  // under /tmp (nothing is written to the working directory).
  std::string out = report.out_dir();
  if (out.empty()) {
    char tmpl[] = "/tmp/dmacosim-seed-options-XXXXXX";
    if (!mkdtemp(tmpl)) {
      fprintf(stderr, "seed-options: cannot create a directory under /tmp for the runs (%s)\n", strerror(errno));
      return 1;
    }
    out = tmpl;
  }
  std::vector<Row> rows;
  for (const OptionSpec& o : table) {
    if (!only.empty() && !only.count(o.name)) continue;
    const std::string dir = out + "/" + o.name;
    mkdir(dir.c_str(), 0755);
    std::vector<std::string> argv = {"dmacosim", "run", "audio", "--quiet", "--out=" + dir,
                                     strfmt("--start-stop=%u", opt.start_stop), strfmt("--seed=%u", opt.seed),
                                     strfmt("--seconds=%g", opt.seconds), strfmt("--period-bytes=%u", opt.period_bytes),
                                     strfmt("--periods=%u", opt.periods), "--memcpy-client=1", "--ram-stall-at=1", "--quick-stop=3"};
    argv.insert(argv.end(), o.args.begin(), o.args.end());
    if (show_progress(opt)) fprintf(stderr, "[seed-options] %-22s %s\n", o.name, join(o.args, " ").c_str());
    Row r;
    r.spec = &o;
    r.exit_code = run_child(argv, dir + "/stdout.log");
    std::string err;
    if (!json_parse_file(dir + "/summary.json", &r.summary, &err)) {
      r.verdict = Verdict::Crashed;
      r.mismatch = "no summary (" + err + "), exit code " + std::to_string(r.exit_code) + "; see " + dir + "/stdout.log";
    } else {
      classify(r);
    }
    if (!r.mismatch.empty()) report.fail(std::string(o.name) + ": " + r.mismatch);
    rows.push_back(std::move(r));
    if (interrupted()) break;
  }
  if (rows.empty()) return 2;
  printf("\n");
  print_table(rows, stdout);
  printf("\n");
  std::string arr = "[";
  for (size_t i = 0; i < rows.size(); ++i) arr += (i ? ",\n    " : "\n    ") + row_json(rows[i]);
  arr += "\n  ]";
  double sim = 0;
  for (const Row& r : rows) sim += r.summary.number("sim_seconds");
  report.add("sim_seconds", sim);  // over every child
  // This process simulates nothing itself: no report of its own. The
  // children's reports are in options[].rules and their own summaries.
  report.add_raw_json("validator_reports", "[]");
  report.add("start_stop", uint64_t(opt.start_stop));
  report.add_raw_json("options", arr);
  const bool all = std::all_of(rows.begin(), rows.end(), [](const Row& r) { return r.mismatch.empty(); });
  report.add_bool("all_as_expected", all);
  report.row("options run", std::to_string(rows.size()) + " (outputs in " + out + ")");
  report.row("as expected", strfmt("%zu of %zu",
                                   size_t(std::count_if(rows.begin(), rows.end(),
                                                        [](const Row& r) { return r.mismatch.empty(); })),
                                   rows.size()));
  if (chart) {
    // The chart reads the summary this run writes: write it first, then plot.
    const std::string json = out + "/seed-options.json";
    if (FILE* f = fopen(json.c_str(), "w")) {
      fprintf(f, "{\"options\": %s}\n", arr.c_str());
      fclose(f);
    }
    const std::string png = out + "/seed-options.png";
    // Debian's interpreter first: python3-matplotlib installs for it, and a
    // python3 earlier on PATH (a virtualenv) may not have it.
    const char* python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    const std::string cmd = std::string(python) + " '" + DMACOSIM_SOURCE_DIR + "/scripts/plot_seed_options.py' '" +
                            json + "' '" + png + "'";
    if (std::system(cmd.c_str()) != 0)
      report.fail("the latency chart failed (scripts/plot_seed_options.py needs python3-matplotlib; --chart=0 skips it)");
    else report.row("chart", png);
  }
  return report.finish();
}

ScenarioRegistrar seed_options_registrar({"seed-options",
                       "the 2010 thread's options side by side (legacy-bh, irqsave, irq-enable, deferred, "
                       "ksoftirqd): verdict and cost of each on the same audio workload",
                       run_seed_options,
                       {
                           {"only", "(all)", "comma-separated subset of the options to run"},
                           {"chart", "1", "0 = no latency chart (it needs python3-matplotlib)"},
                       }});

}  // namespace
}  // namespace dmacosim
