// The dmacosim command: list and run scenarios.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <systemc>

#include "models/log.h"
#include "driver/linux_c/dmac_provider.h"
#include "tb/scenario.h"
#include "tb/trace_options.h"

namespace dmacosim {

std::vector<Scenario>& scenario_registry() {
  static std::vector<Scenario> r;
  return r;
}

}  // namespace dmacosim

using namespace dmacosim;

static void usage(FILE* f) {
  fprintf(f,
          "usage: dmacosim list\n"
          "       dmacosim run SCENARIO [options]\n"
          "       dmacosim --help\n"
          "\noptions (a value as --key=VALUE or --key VALUE):\n"
          "  --driver=virt-dma|legacy-bh|c-virt-dma|c-legacy-bh  DMA provider (default virt-dma, the C++ driver;\n"
          "                               legacy-bh = its 2010 locking; c-* = the kernel-C driver, dmacosim-dmac.c)\n"
          "  --seconds=S                  simulated seconds for time-bound scenarios\n"
          "  --period-bytes=N --periods=N audio ring geometry\n"
          "  --start-stop=N               trigger start/stop cycles\n"
          "  --trace                      write an FST of the RTL (open with the save file in waves/)\n"
          "  --png                        with --trace: render the key signals to PNG\n"
          "  --trace-window=START:END     with --trace: record only this simulated time (units s ms us ns ps,\n"
          "                               e.g. 10ms:12ms), in the FST and the trace events\n"
          "  --trace-format=fst|vcd       with --trace: vcd also writes the waveforms as VCD (default fst)\n"
          "  --no-idle-skip               clock every cycle (results are identical, only slower)\n"
          "  --out=DIR                    write summary.json, the log and outputs there\n"
          "  --seed=N                     random seed\n"
          "  --quiet                      no progress output\n"
          "  --KEY=VALUE                  scenario-specific settings (with the =)\n");
}

// A number option's value: the whole string must be a number in [lo, hi].
static bool whole_in(const char* v, unsigned long long lo, unsigned long long hi, unsigned long long* out) {
  if (!*v || *v == '-' || *v == '+') return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long x = strtoull(v, &end, 0);
  if (errno || *end || x < lo || x > hi) return false;
  *out = x;
  return true;
}

[[noreturn]] static void bad_value(const char* key, const char* v, const char* want) {
  fprintf(stderr, "dmacosim: %s=%s: expected %s\n", key, v, want);
  exit(2);
}

static unsigned whole_option(const char* key, const char* v, unsigned long long lo, unsigned long long hi) {
  unsigned long long x = 0;
  if (!whole_in(v, lo, hi, &x)) bad_value(key, v, strfmt("a whole number from %llu to %llu", lo, hi).c_str());
  return unsigned(x);
}

static bool parse_option(const std::string& a, ScenarioOptions& o) {
  auto val = [&](const char* key) -> const char* {
    size_t n = strlen(key);
    return a.compare(0, n, key) == 0 && a.size() > n && a[n] == '=' ? a.c_str() + n + 1 : nullptr;
  };
  const char* v;
  if ((v = val("--driver"))) {
    o.driver = v;
    if (!linux_c::dmac_driver_known(o.driver)) {
      fprintf(stderr, "dmacosim: unknown driver '%s' (%s)\n", v, linux_c::dmac_driver_names());
      exit(2);
    }
  } else if ((v = val("--seconds"))) {
    char* end = nullptr;
    errno = 0;
    o.seconds = strtod(v, &end);
    if (!*v || errno || *end || !std::isfinite(o.seconds) || o.seconds <= 0 || o.seconds > 1e6)
      bad_value("--seconds", v, "a positive number of simulated seconds (at most 1e6)");
  } else if ((v = val("--period-bytes"))) o.period_bytes = whole_option("--period-bytes", v, 1, 1u << 20);
  else if ((v = val("--periods"))) o.periods = whole_option("--periods", v, 1, 1024);
  else if ((v = val("--start-stop"))) o.start_stop = whole_option("--start-stop", v, 1, 100000000);
  else if ((v = val("--out"))) {
    if (!*v) bad_value("--out", v, "a directory");
    o.out_dir = v;
  } else if ((v = val("--seed"))) o.seed = uint32_t(whole_option("--seed", v, 0, 4294967295ull));
  else if ((v = val("--trace-window"))) {
    const std::string w = v;
    const size_t colon = w.find(':');
    TraceOptions& t = trace_options();
    if (colon == std::string::npos || !parse_sim_time_ps(w.substr(0, colon), &t.start_ps) ||
        !parse_sim_time_ps(w.substr(colon + 1), &t.end_ps) || t.end_ps <= t.start_ps)
      bad_value("--trace-window", v, "START:END in simulated time with units (s, ms, us, ns, ps), END after START, "
                                      "e.g. 10ms:12ms");
    o.trace_window = true;
  } else if ((v = val("--trace-format"))) {
    if (strcmp(v, "fst") && strcmp(v, "vcd")) bad_value("--trace-format", v, "fst or vcd");
    trace_options().vcd = !strcmp(v, "vcd");
    o.trace_format = true;
  } else if (a == "--trace") o.trace = true;
  else if (a == "--png") o.png = true;
  else if (a == "--no-idle-skip") o.idle_skipping = false;
  else if (a == "--quiet") o.quiet = true;
  else if (a.compare(0, 2, "--") == 0 && a.find('=') != std::string::npos)
    o.extra[a.substr(2, a.find('=') - 2)] = a.substr(a.find('=') + 1);
  else return false;
  return true;
}

// The options that take a value, also accepted GNU-style as "--key value".
static bool takes_value(const std::string& a) {
  for (const char* k : {"--driver", "--seconds", "--period-bytes", "--periods", "--start-stop", "--out", "--seed",
                        "--trace-window", "--trace-format"})
    if (a == k) return true;
  return false;
}

int sc_main(int argc, char** argv) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  if (cmd == "list") {
    for (auto& s : scenario_registry()) printf("%-10s %s\n", s.name.c_str(), s.summary.c_str());
    return 0;
  }
  if (cmd != "run" || argc < 3) {
    usage(stderr);
    return 2;
  }
  ScenarioOptions opt;
  for (int i = 3; i < argc; ++i) {
    std::string arg = argv[i];
    if (takes_value(arg)) {
      if (i + 1 >= argc) {
        fprintf(stderr, "dmacosim: %s needs a value (%s=VALUE or %s VALUE)\n", argv[i], argv[i], argv[i]);
        return 2;
      }
      arg += std::string("=") + argv[++i];
    }
    if (!parse_option(arg, opt)) {
      fprintf(stderr, "dmacosim: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (opt.png && !opt.trace) {
    fprintf(stderr, "dmacosim: --png renders the trace: it needs --trace\n");
    return 2;
  }
  if ((opt.trace_window || opt.trace_format) && !opt.trace) {
    fprintf(stderr, "dmacosim: --%s shapes the trace: it needs --trace\n", opt.trace_window ? "trace-window" : "trace-format");
    return 2;
  }
  for (auto& s : scenario_registry())
    if (s.name == argv[2]) return s.run(opt);
  fprintf(stderr, "dmacosim: unknown scenario '%s'; try 'dmacosim list'\n", argv[2]);
  return 2;
}
