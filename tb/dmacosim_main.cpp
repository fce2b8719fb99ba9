// The dmacosim command: list and run scenarios.
//
// The command line is parsed here, by hand (no CLI11): the options are one
// table (kOptions) and each scenario's settings are its registry
// (Scenario::keys), so parsing, "did you mean" and --help all read the same
// two lists; the ctests dmacosim.bad_value_* / dmacosim.cli_* pin every
// message (docs/bad-input.md).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include <unistd.h>

#include <systemc>

#include "models/log.h"
#include "driver/linux_c/dmac_provider.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/trace_options.h"

using namespace dmacosim;

static const char* const kExitCodes =
    "exit codes:\n"
    "  0    clean run\n"
    "  1    findings: validator reports, data mismatch, hang report, unexpected warning/error\n"
    "  2    usage error (nothing ran)\n"
    "  3    environment / I/O: --out not writable, an output not written\n"
    "  4    internal error: an exception or SystemC error inside the model (its message is printed;\n"
    "       the log and the WAV so far written)\n"
    "  130  interrupted (SIGINT/SIGTERM): stopped at a safe point, summary.json (\"interrupted\": true),\n"
    "       the log, save file and WAV so far written\n";

[[noreturn]] static void bad_value(const std::string& key, const std::string& v, const char* want) {
  fprintf(stderr, "dmacosim: %s=%s: expected %s\n", key.c_str(), v.c_str(), want);
  exit(kExitUsage);
}

// A number option's value: the whole string must be a number in [lo, hi].
static unsigned whole_option(const std::string& key, const std::string& v, unsigned long long lo,
                             unsigned long long hi) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long x = v.empty() || v[0] == '-' || v[0] == '+' ? 0 : strtoull(v.c_str(), &end, 0);
  if (v.empty() || v[0] == '-' || v[0] == '+' || errno || *end || x < lo || x > hi)
    bad_value(key, v, strfmt("a whole number from %llu to %llu", lo, hi).c_str());
  return unsigned(x);
}

struct CliOption {
  const char* name;   // without the leading --
  const char* value;  // placeholder of its value; nullptr: a flag
  const char* help;
  void (*set)(ScenarioOptions&, const std::string& key, const std::string& v);
};

static const CliOption kOptions[] = {
    {"driver", "virt-dma|legacy-bh|c-virt-dma|c-legacy-bh",
     "DMA provider (default virt-dma, the C++ driver; legacy-bh = its 2010 locking; c-* = the kernel-C driver, "
     "dmacosim-dmac.c)",
     [](ScenarioOptions& o, const std::string&, const std::string& v) {
       if (!linux_c::dmac_driver_known(v)) {
         fprintf(stderr, "dmacosim: unknown driver '%s' (%s)\n", v.c_str(), linux_c::dmac_driver_names());
         exit(kExitUsage);
       }
       o.driver = v;
     }},
    {"seconds", "S", "simulated seconds for time-bound scenarios (default 0.1)",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) {
       char* end = nullptr;
       errno = 0;
       o.seconds = strtod(v.c_str(), &end);
       if (v.empty() || errno || *end || !std::isfinite(o.seconds) || o.seconds <= 0 || o.seconds > 1e6)
         bad_value(k, v, "a positive number of simulated seconds (at most 1e6)");
     }},
    {"period-bytes", "N", "audio period size in bytes (default 1024)",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) {
       o.period_bytes = whole_option(k, v, 1, 1u << 20);
     }},
    {"periods", "N", "audio ring periods (default 4)",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) { o.periods = whole_option(k, v, 1, 1024); }},
    {"start-stop", "N", "trigger start/stop cycles (default 10)",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) {
       o.start_stop = whole_option(k, v, 1, 100000000);
     }},
    {"out", "DIR",
     "write summary.json, the log and outputs there (created; a previous run's outputs in it are removed)",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) {
       if (v.empty()) bad_value(k, v, "a directory");
       o.out_dir = v;
     }},
    {"seed", "N", "random seed (default 1)",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) {
       o.seed = uint32_t(whole_option(k, v, 0, 4294967295ull));
     }},
    {"log-level", "debug|info|warning|error", "what the log file keeps (default info; stderr shows warnings and errors)",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) {
       if (v != "debug" && v != "info" && v != "warning" && v != "error")
         bad_value(k, v, "debug, info, warning or error");
       o.log_level = v;
     }},
    {"trace", nullptr, "write an FST of the RTL (open with the save file in waves/)",
     [](ScenarioOptions& o, const std::string&, const std::string&) { o.trace = true; }},
    {"png", nullptr, "with --trace: render the key signals to PNG",
     [](ScenarioOptions& o, const std::string&, const std::string&) { o.png = true; }},
    {"trace-window", "START:END",
     "with --trace: record only this simulated time (units s ms us ns ps, e.g. 10ms:12ms), in the FST and the "
     "trace events",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) {
       const size_t colon = v.find(':');
       TraceOptions& t = trace_options();
       if (colon == std::string::npos || !parse_sim_time_ps(v.substr(0, colon), &t.start_ps) ||
           !parse_sim_time_ps(v.substr(colon + 1), &t.end_ps) || t.end_ps <= t.start_ps)
         bad_value(k, v, "START:END in simulated time with units (s, ms, us, ns, ps), END after START, e.g. 10ms:12ms");
       o.trace_window = true;
     }},
    {"trace-format", "fst|vcd", "with --trace: vcd also writes the waveforms as VCD (default fst)",
     [](ScenarioOptions& o, const std::string& k, const std::string& v) {
       if (v != "fst" && v != "vcd") bad_value(k, v, "fst or vcd");
       trace_options().vcd = v == "vcd";
       o.trace_format = true;
     }},
    {"no-idle-skip", nullptr, "clock every cycle (results are identical, only slower)",
     [](ScenarioOptions& o, const std::string&, const std::string&) { o.idle_skipping = false; }},
    {"quiet", nullptr, "print only the result table (no progress)",
     [](ScenarioOptions& o, const std::string&, const std::string&) { o.quiet = true; }},
    {"progress", nullptr, "progress on stderr even when it is not a terminal",
     [](ScenarioOptions& o, const std::string&, const std::string&) { o.progress = true; }},
};

static const CliOption* find_option(const std::string& name) {
  for (const CliOption& c : kOptions)
    if (name == c.name) return &c;
  return nullptr;
}

static void print_options(FILE* f) {
  fprintf(f, "\noptions (a value as --key=VALUE or --key VALUE):\n");
  for (const CliOption& c : kOptions) {
    const std::string lhs = std::string("--") + c.name + (c.value ? std::string("=") + c.value : "");
    fprintf(f, "  %-40s %s\n", lhs.c_str(), c.help);
  }
}

static void usage(FILE* f) {
  fprintf(f,
          "usage: dmacosim list\n"
          "       dmacosim run SCENARIO [options] [--SETTING=VALUE ...]\n"
          "       dmacosim run SCENARIO --help     the scenario's settings, defaults and meaning\n"
          "       dmacosim --help | --version\n");
  print_options(f);
  fprintf(f, "\n%s", kExitCodes);
}

static void scenario_help(const Scenario& s) {
  printf("dmacosim run %s [options] [--SETTING=VALUE ...]\n\n%s\n", s.name.c_str(), s.summary.c_str());
  print_options(stdout);
  printf("\nsettings of %s (--SETTING=VALUE or --SETTING VALUE):\n", s.name.c_str());
  if (s.keys.empty()) printf("  (none)\n");
  for (const ScenarioKey& k : s.keys) {
    const std::string lhs = "--" + k.name + " (default " + k.def + ")";
    printf("  %-40s %s\n", lhs.c_str(), k.help.c_str());
  }
  printf("\n%s", kExitCodes);
}

static size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> d(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = d[0];
    d[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cur = d[j];
      d[j] = std::min({d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return d[b.size()];
}

// dmatest's module parameters that no setting stands for, and why.
static const char* dmatest_only(const std::string& name) {
  if (name == "noverify") return "the memcpy client always verifies every buffer";
  if (name == "norandom") return "the memcpy client always uses random offsets and lengths, from --seed";
  if (name == "polled") return "the memcpy client always waits for the completion callback";
  return nullptr;
}

// "unknown option": with the nearest option or setting of this scenario,
// a dmatest parameter's name mapped to its setting.
[[noreturn]] static void unknown_option(const std::string& arg, const std::string& name, const Scenario& s) {
  std::string best;
  size_t best_d = std::string::npos;
  auto consider = [&](const std::string& cand) {
    const size_t d = edit_distance(name, cand);
    if (d < best_d) best_d = d, best = cand;
  };
  for (const CliOption& c : kOptions) consider(c.name);
  for (const ScenarioKey& k : s.keys) {
    consider(k.name);
    if (!k.linux_name.empty() && k.linux_name == name) best = k.name, best_d = 0;
  }
  fprintf(stderr, "dmacosim: unknown option '%s' for scenario %s", arg.c_str(), s.name.c_str());
  if (const char* why = dmatest_only(name)) fprintf(stderr, " (a dmatest parameter with no setting here: %s)", why);
  else if (best_d <= std::max<size_t>(2, name.size() / 3) || best_d == 0) fprintf(stderr, "; did you mean '--%s'?", best.c_str());
  fprintf(stderr, "\n(dmacosim run %s --help lists the options and settings)\n", s.name.c_str());
  exit(kExitUsage);
}

static LogLevel log_level_from(const std::string& s) {
  return s == "debug" ? LogLevel::Debug : s == "warning" ? LogLevel::Warn : s == "error" ? LogLevel::Error : LogLevel::Info;
}

static int run_main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return kExitUsage;
  }
  const std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(stdout);
    return kExitClean;
  }
  if (cmd == "--version") {
    printf("%s\n", dmacosim_version().c_str());
    return kExitClean;
  }
  if (cmd == "list") {
    for (auto& s : scenario_registry()) printf("%-12s %s\n", s.name.c_str(), s.summary.c_str());
    return kExitClean;
  }
  if (cmd != "run" || argc < 3) {
    if (cmd != "run") fprintf(stderr, "dmacosim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return kExitUsage;
  }
  const Scenario* sc = find_scenario(argv[2]);
  if (!sc) {
    fprintf(stderr, "dmacosim: unknown scenario '%s'; try 'dmacosim list'\n", argv[2]);
    return kExitUsage;
  }
  ScenarioOptions opt;
  opt.scenario = sc->name;
  opt.command_line.assign(argv, argv + argc);
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      scenario_help(*sc);
      return kExitClean;
    }
    if (arg.compare(0, 2, "--") != 0 || arg.size() == 2) {
      fprintf(stderr, "dmacosim: unexpected argument '%s' (options start with --)\n", arg.c_str());
      return kExitUsage;
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const CliOption* o = find_option(name);
    const ScenarioKey* k = nullptr;
    for (const ScenarioKey& key : sc->keys)
      if (key.name == name) k = &key;
    if (!o && !k) unknown_option(arg, name, *sc);
    const bool takes_value = k || o->value;
    std::string value;
    if (!takes_value) {
      if (eq != std::string::npos) {
        fprintf(stderr, "dmacosim: --%s takes no value\n", name.c_str());
        return kExitUsage;
      }
    } else if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      fprintf(stderr, "dmacosim: --%s needs a value (--%s=VALUE or --%s VALUE)\n", name.c_str(), name.c_str(),
              name.c_str());
      return kExitUsage;
    }
    if (o) o->set(opt, "--" + name, value);
    else opt.extra[name] = value;
  }
  if (opt.png && !opt.trace) {
    fprintf(stderr, "dmacosim: --png renders the trace: it needs --trace\n");
    return kExitUsage;
  }
  if ((opt.trace_window || opt.trace_format) && !opt.trace) {
    fprintf(stderr, "dmacosim: --%s shapes the trace: it needs --trace\n", opt.trace_window ? "trace-window" : "trace-format");
    return kExitUsage;
  }
  Log::instance().set_file_level(log_level_from(opt.log_level));
  // Memory must not grow with simulated time: the log streams to the file, and
  // only what the strict oracle reads at the end stays in memory (warnings and
  // errors; beyond the cap the oldest go, their unexpected ones still counted).
  Log::instance().set_keep_level(LogLevel::Warn);
  Log::instance().set_capacity(10000);
  install_interrupt_handlers();
  try {
    return sc->run(opt);
  } catch (...) {
    exit_internal_error(opt, internal_error_message(std::current_exception()));
  }
}

// SystemC prints its banner when the simulation context is created, which
// static initialisers of the scenarios already do, unless this is set: run
// before them (the lowest constructor priority), so the output is ours only.
__attribute__((constructor(101))) static void no_systemc_banner() {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
}

int sc_main(int argc, char** argv) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  // An error or fatal report inside the model is an exception that
  // run_main() turns into exit 4 with its message (not an abort).
  sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  const int code = run_main(argc, argv);
  if (code == kExitInterrupted || code == kExitInternal) {
    // A run cut short leaves the model mid-flight (threads blocked, drivers
    // not removed): end here, outputs flushed, without tearing it down
    // (nor LeakSanitizer's report of what a finished run would have freed).
    fflush(nullptr);
    _exit(code);
  }
  return code;
}
