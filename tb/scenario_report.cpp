#include "tb/scenario_report.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <stdexcept>

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "models/audio_port.h"
#include "models/log.h"
#include "driver/kernel/trace_event.h"
#include "tb/platform.h"
#include "tb/trace_options.h"

#ifndef DMACOSIM_SOURCE_DIR
#define DMACOSIM_SOURCE_DIR "."
#endif
#ifndef DMACOSIM_VERSION
#define DMACOSIM_VERSION "unknown"
#endif
#ifndef DMACOSIM_GIT_DESCRIBE
#define DMACOSIM_GIT_DESCRIBE "unknown"
#endif
#ifndef DMACOSIM_VERILATOR_VERSION
#define DMACOSIM_VERILATOR_VERSION "unknown"
#endif

namespace dmacosim {

std::vector<Scenario>& scenario_registry() {
  static std::vector<Scenario> r;
  return r;
}

const Scenario* find_scenario(const std::string& name) {
  for (const Scenario& s : scenario_registry())
    if (s.name == name) return &s;
  return nullptr;
}

std::string dmacosim_version() {
  return strfmt("dmacosim %s (git %s)\nVerilator %s\nSystemC %s", DMACOSIM_VERSION, DMACOSIM_GIT_DESCRIBE,
                DMACOSIM_VERILATOR_VERSION, sc_core::sc_release());
}

// ---- Ctrl-C

static volatile std::sig_atomic_t g_interrupt_signal = 0;

static void on_interrupt(int sig) { g_interrupt_signal = sig; }

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // the second Ctrl-C kills at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() { return g_interrupt_signal != 0; }
int interrupt_signal() { return g_interrupt_signal; }

bool show_progress(const ScenarioOptions& opt) { return !opt.quiet && (opt.progress || isatty(2)); }

static void print_progress(const ScenarioOptions& opt, bool tty, std::chrono::steady_clock::duration wall,
                           const std::function<std::string()>& detail, const char* suffix) {
  const std::string more = detail ? "  " + detail() : std::string();
  fprintf(stderr, "%s[%s] %.3f s simulated, %.0f s wall%s%s%s", tty ? "\r\033[K" : "", opt.scenario.c_str(),
          sc_core::sc_time_stamp().to_seconds(), std::chrono::duration<double>(wall).count(), more.c_str(), suffix,
          tty ? "" : "\n");
  fflush(stderr);
}

void simulate(const ScenarioOptions& opt, const sc_core::sc_time& limit, const std::function<std::string()>& detail) {
  using namespace sc_core;
  const bool tty = isatty(2) != 0;
  const bool show = show_progress(opt);
  const auto wall0 = std::chrono::steady_clock::now();
  auto last = wall0;
  bool shown = false;
  const sc_time end = sc_time_stamp() + limit;
  // 1 ms simulated is a few ms of wall time at most: Ctrl-C is answered at once.
  const sc_time slice(1, SC_MS);
  while (sc_time_stamp() < end && sc_get_status() != SC_STOPPED && !sc_end_of_simulation_invoked() &&
         !interrupted()) {
    try {
      sc_start(std::min(slice, end - sc_time_stamp()));
      // Test hook for the internal-error path (ctest dmacosim.cli.exit_4_internal_error):
      // an exception, or a SystemC error report, in the middle of a run.
      if (const char* inject = getenv("DMACOSIM_INJECT_INTERNAL_ERROR")) {
        const std::string what = strfmt("injected internal error (DMACOSIM_INJECT_INTERNAL_ERROR=%s)", inject);
        if (std::string(inject) == "sc_report") SC_REPORT_ERROR("dmacosim", what.c_str());
        throw std::runtime_error(what);
      }
    } catch (...) {
      exit_internal_error(opt, internal_error_message(std::current_exception()));
    }
    if (!show) continue;
    const auto now = std::chrono::steady_clock::now();
    if (now - wall0 < std::chrono::seconds(1) || now - last < std::chrono::milliseconds(tty ? 250 : 1000)) continue;
    last = now;
    shown = true;
    print_progress(opt, tty, now - wall0, detail, "");
  }
  if (shown && tty) fprintf(stderr, "\r\033[K");
  // Into a file or pipe, progress always ends with where the run stopped,
  // however short it was (a run under a second would print nothing else).
  if (show && !tty) print_progress(opt, tty, std::chrono::steady_clock::now() - wall0, detail, " (end)");
}

static std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

static std::string json_string_array(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + ScenarioReport::json_escape(v[i]);
  return s + "]";
}

// Settings the scenario read (key, JSON value), in read order.
static std::vector<std::pair<std::string, std::string>>& applied_settings() {
  static std::vector<std::pair<std::string, std::string>> v;
  return v;
}

static void record_setting(const char* key, const std::string& json) {
  for (auto& kv : applied_settings())
    if (kv.first == key) {
      kv.second = json;
      return;
    }
  applied_settings().emplace_back(key, json);
}

// The common options with their values (defaults applied), as JSON.
static std::string options_json(const ScenarioOptions& o) {
  return strfmt("{\"driver\": %s, \"seconds\": %.9g, \"period_bytes\": %u, \"periods\": %u, \"start_stop\": %u, "
                "\"trace\": %s, \"png\": %s, \"idle_skipping\": %s, \"seed\": %u, \"log_level\": %s}",
                ScenarioReport::json_escape(o.driver).c_str(), o.seconds, o.period_bytes, o.periods, o.start_stop,
                o.trace ? "true" : "false", o.png ? "true" : "false", o.idle_skipping ? "true" : "false",
                unsigned(o.seed), ScenarioReport::json_escape(o.log_level).c_str());
}

// What a reused --out keeps of an earlier run: nothing the command writes.
// Only the command's own file names are removed (and the same in
// subdirectories that hold a summary.json: seed-options' runs); anything
// else in the directory is left alone.
static bool is_run_output(const std::string& f) {
  auto ends = [&](const char* e) {
    const size_t n = strlen(e);
    return f.size() > n && f.compare(f.size() - n, n, e) == 0;
  };
  return f == "summary.json" || f == "dmacosim.log" || f == "stdout.log" || f == "seed-options.json" ||
         ends(".wav") || ends(".fst") || ends(".vcd") || ends(".gtkw") || ends(".png");
}

static void remove_previous_outputs(const std::string& dir, int depth) {
  struct stat st {};
  if (stat((dir + "/summary.json").c_str(), &st) != 0) return;  // not a run's output directory
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> files, subdirs;
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    const std::string path = dir + "/" + n;
    if (lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) subdirs.push_back(path);
    else if (S_ISREG(st.st_mode) && is_run_output(n)) files.push_back(path);
  }
  closedir(d);
  for (const auto& f : files) std::remove(f.c_str());
  if (depth < 1)
    for (const auto& sd : subdirs) remove_previous_outputs(sd, depth + 1);
}

static void make_dirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/') mkdir(path.substr(0, i).c_str(), 0755);
}

ScenarioReport::ScenarioReport(std::string scenario, const ScenarioOptions& opt)
    : scenario_(std::move(scenario)), out_dir_(opt.out_dir), start_time_(utc_now()),
      start_(std::chrono::steady_clock::now()) {
  // The PNG's title: the command as a person would retype it, without the
  // options that only say where and how the outputs go.
  png_title_ = "dmacosim run " + scenario_;
  for (size_t i = 3; i < opt.command_line.size(); ++i) {
    const std::string& a = opt.command_line[i];
    if (a == "--out") ++i;  // "--out DIR"
    else if (a != "--trace" && a != "--png" && a != "--quiet" && a != "--progress" && a.compare(0, 6, "--out=") != 0)
      png_title_ += " " + a;
  }
  if (!out_dir_.empty()) {
    make_dirs(out_dir_);
    // Find out now, not after the simulation, that the outputs cannot be
    // written there: an environment error, nothing has run.
    const std::string probe = out_path(".dmacosim-write-check");
    FILE* f = std::fopen(probe.c_str(), "w");
    if (!f) {
      fprintf(stderr, "dmacosim: --out=%s: cannot write there (%s)\n", out_dir_.c_str(), std::strerror(errno));
      std::exit(kExitEnvironment);
    }
    std::fclose(f);
    std::remove(probe.c_str());
    // A reused --out holds this run's outputs only (never an old trace next
    // to a new summary).
    remove_previous_outputs(out_dir_, 0);
    Log::instance().set_file(out_path("dmacosim.log"));
  }
  add("scenario", scenario_);
  add("seed", uint64_t(opt.seed));  // with the options, what replays the run
  add_raw_json("command_line", json_string_array(opt.command_line));
  add("version", dmacosim_version());
  add_raw_json("options", options_json(opt));
  add("start_time", start_time_);
}

std::string ScenarioReport::out_path(const std::string& file) const {
  return out_dir_.empty() ? file : out_dir_ + "/" + file;
}

std::string ScenarioReport::json_escape(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += c;
    else if (c == '\n') o += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) o += strfmt("\\u%04x", c);
    else o += c;
  }
  return o + "\"";
}

void ScenarioReport::add(const std::string& k, const std::string& v) { fields_.emplace_back(k, json_escape(v)); }
void ScenarioReport::add(const std::string& k, double v) { fields_.emplace_back(k, strfmt("%.9g", v)); }
void ScenarioReport::add(const std::string& k, uint64_t v) { fields_.emplace_back(k, std::to_string(v)); }
void ScenarioReport::add_bool(const std::string& k, bool v) { fields_.emplace_back(k, v ? "true" : "false"); }
void ScenarioReport::add_raw_json(const std::string& k, const std::string& j) { fields_.emplace_back(k, j); }

void ScenarioReport::fail_hang(const std::string& reason, const std::string& state) {
  if (interrupted()) {
    fail("stopped by the interrupt before the software finished");
    return;
  }
  fail(reason);
  hang_state_ = state;
}

double ScenarioReport::wall_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

int ScenarioReport::finish() {
  // Strict oracle: a warning or error nobody declared expected fails the run.
  if (const size_t n = Log::instance().unexpected_count()) {
    std::string first;
    for (const auto& l : Log::instance().unexpected(3)) first += "\n    " + l;
    fail(strfmt("%zu unexpected warning/error log line(s):%s", n, first.c_str()));
  }
  add("wall_seconds", wall_seconds());
  // Peak resident memory of the whole process (soaks bound it).
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double rss_mb = double(ru.ru_maxrss) / 1024.0;  // Linux: kilobytes
  add("peak_rss_mb", rss_mb);
  row("peak memory (RSS)", strfmt("%.1f MB", rss_mb));
  std::string reasons = "[";
  for (size_t i = 0; i < failures_.size(); ++i) reasons += (i ? ", " : "") + json_escape(failures_[i]);
  add_raw_json("failures", reasons + "]");
  if (!hang_state_.empty()) add("hang_state", hang_state_);
  add_bool("clean", clean() && !interrupted());
  std::string settings = "{";
  for (size_t i = 0; i < applied_settings().size(); ++i)
    settings += (i ? ", " : "") + json_escape(applied_settings()[i].first) + ": " + applied_settings()[i].second;
  add_raw_json("settings", settings + "}");  // scenario settings as applied (defaults included)
  int code = kExitClean;
  std::string reason = "clean";
  if (interrupted()) {
    code = kExitInterrupted;
    reason = strfmt("interrupted by %s at %.6f s simulated", interrupt_signal() == SIGTERM ? "SIGTERM" : "SIGINT",
                    sc_core::sc_time_stamp().to_seconds());
  } else if (io_failed_) {
    code = kExitEnvironment;
    reason = "an output could not be written";
  } else if (!clean()) {
    code = kExitFindings;
    reason = "findings";
  }
  add_bool("interrupted", interrupted());
  add("end_time", utc_now());

  size_t w = 0;
  for (auto& r : rows_) w = std::max(w, r.first.size());
  printf("\n%s\n", std::string(w + 30, '-').c_str());
  printf("dmacosim run %s\n", scenario_.c_str());
  printf("%s\n", std::string(w + 30, '-').c_str());
  for (auto& r : rows_) printf("  %-*s  %s\n", int(w), r.first.c_str(), r.second.c_str());
  printf("%s\n", std::string(w + 30, '-').c_str());
  if (code == kExitInterrupted) {
    // The checks of a run cut short fail for that reason alone: summary.json
    // keeps them, the terminal says what happened.
    printf("RESULT: INTERRUPTED: %s; the outputs so far are written\n", reason.c_str());
  } else if (clean()) {
    printf("RESULT: clean\n");
  } else {
    for (auto& f : failures_) printf("RESULT: FAILED: %s\n", f.c_str());
    if (!hang_state_.empty()) printf("State at the hang:\n%s", hang_state_.c_str());
  }

  if (!out_dir_.empty()) {  // outputs only where asked: never litter the working directory
    const std::string path = out_path("summary.json");
    bool written = false;
    for (int pass = 0; pass < 2 && !written; ++pass) {
      if (pass) {  // the summary itself could not be written: say so in the one we try again
        code = kExitEnvironment;
        reason = "summary.json could not be written";
      }
      std::ofstream js(path);
      js << "{\n";
      for (size_t i = 0; i < fields_.size(); ++i)
        js << "  " << json_escape(fields_[i].first) << ": " << fields_[i].second << ",\n";
      js << "  \"exit_code\": " << code << ",\n  \"exit_reason\": " << json_escape(reason) << "\n}\n";
      js.flush();
      written = bool(js);
    }
    if (!written) {
      fprintf(stderr, "dmacosim: %s: cannot write (%s)\n", path.c_str(), std::strerror(errno));
      code = kExitEnvironment;
    }
    printf("outputs: %s\n", out_dir_.c_str());
  }
  fflush(stdout);
  Log::instance().set_file("");
  return code;
}

std::string internal_error_message(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const sc_core::sc_report& r) {
    return strfmt("SystemC %s: %s", r.get_msg_type(), r.get_msg());
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

void exit_internal_error(const ScenarioOptions& opt, const std::string& message) {
  kernel::trace_event_close();  // the timeline so far stays a valid JSON file
  WavWriter::close_all();        // and the WAV so far a valid WAV (its header's sizes patched)
  fprintf(stderr, "dmacosim: internal error: %s\n", message.c_str());
  write_abnormal_summary(opt, "internal error: " + message, kExitInternal);
  Log::instance().set_file("");
  fflush(nullptr);
  _exit(kExitInternal);
}

void write_abnormal_summary(const ScenarioOptions& opt, const std::string& reason, int exit_code) {
  if (opt.out_dir.empty()) return;
  std::ofstream js(opt.out_dir + "/summary.json");
  js << "{\n  \"scenario\": " << ScenarioReport::json_escape(opt.scenario) << ",\n  \"seed\": " << opt.seed
     << ",\n  \"command_line\": " << json_string_array(opt.command_line)
     << ",\n  \"version\": " << ScenarioReport::json_escape(dmacosim_version())
     << ",\n  \"options\": " << options_json(opt) << ",\n  \"clean\": false,\n  \"end_time\": \"" << utc_now()
     << "\",\n  \"exit_code\": " << exit_code << ",\n  \"exit_reason\": " << ScenarioReport::json_escape(reason)
     << "\n}\n";
}

// The part of a run a person looks at first, in ps: around the first
// validator report (10 us before it, what led there, to 60 us after, what the
// hardware did next), else from the first START trigger to the first
// period_elapsed (the stream starting), clipped to what the trace recorded
// (--trace-window). None (hi == 0): the whole trace.
struct TraceWindow {
  uint64_t lo = 0, hi = 0;
  std::string what;  // what the window shows, for the PNG's caption
};
static TraceWindow interesting_window(const Platform* hw) {
  TraceWindow w;
  if (!hw) return w;
  const auto first = [hw](const std::string& label) -> const Platform::TraceMark* {
    for (const Platform::TraceMark& m : hw->named_marks())
      if (m.label == label) return &m;
    return nullptr;
  };
  const Platform::TraceMark *start = first("trigger START"), *period = first("period_elapsed");
  if (!hw->trace_marks().empty()) {
    const Platform::TraceMark& m = hw->trace_marks().front();
    const uint64_t t = m.time_ps, before = 10000000ull, after = 60000000ull;
    w = {t > before ? t - before : 0, t + after,
         strfmt("zoomed on the first validator report, %s at %.3f us: 10 us before it, 60 us after", m.label.c_str(),
                double(t) / 1e6)};
  } else if (start && period && period->time_ps > start->time_ps) {
    const uint64_t margin = (period->time_ps - start->time_ps) / 20;
    w = {start->time_ps - std::min(start->time_ps, margin), period->time_ps + margin,
         strfmt("zoomed on the stream starting: the first START trigger (%.3f ms) to the first period_elapsed "
                "(%.3f ms)", double(start->time_ps) / 1e9, double(period->time_ps) / 1e9)};
  } else {
    return w;
  }
  w.lo = std::max(w.lo, trace_options().start_ps);
  w.hi = std::min(w.hi, hw->trace_end_ps());
  if (w.hi <= w.lo) w = {};
  return w;
}

// A number field of a save file ([size] width, [signals_width]); `def` if absent.
static unsigned save_file_number(const std::string& text, const std::string& key, unsigned def) {
  const size_t p = text.find("\n[" + key + "] ");
  return p == std::string::npos ? def : unsigned(std::strtoul(text.c_str() + p + key.size() + 4, nullptr, 10));
}

// GTKWave shows 2^-zoom * W / 200 time units across a wave pane W pixels
// wide (measured with Debian bookworm's GTKWave under xvfb: each zoom step
// halves the window; W is what [size] leaves beside the signal names and the
// tree). The zoom that shows `window_ps` in a pane at least `pane_px` wide;
// tests/tb/check_png.sh asks GTKWave what it then shows.
static double gtkwave_zoom_for(uint64_t window_ps, unsigned pane_px) {
  return -std::log2(double(window_ps) * 200.0 / pane_px);
}

// The '*' line of a save file: zoom, primary marker, then the 26 named
// markers A..Z. The primary marker goes on the first validator report; the
// named markers on the run's first events (Platform::mark_first), in time
// order, each with a [markername] line. GTKWave wants distinct times, so ties
// move 1 ps later. With `zoom_in`, the view opens on interesting_window(): its
// start as [timestart], the zoom that fits it in the window [size] gives.
static std::string with_trace_marks(std::string text, const Platform* hw, bool zoom_in = false) {
  if (!hw) return text;
  size_t z = text.compare(0, 1, "*") == 0 ? 0 : text.find("\n*");
  if (z == std::string::npos) return text;
  if (z) ++z;
  const size_t e = std::min(text.find('\n', z), text.size());
  std::istringstream fields(text.substr(z + 1, e - z - 1));
  std::string zoom = "-22", primary = "-1";
  fields >> zoom >> primary;
  const TraceWindow w = interesting_window(hw);
  if (zoom_in && w.hi) {
    // The pane is narrower than [size] by the signal names (GTKWave widens
    // them to fit the aliases) and the tree: 700 px more are taken off, so
    // the window fits and fills at least half the pane.
    const unsigned size = save_file_number(text, "size", 1000), names = save_file_number(text, "signals_width", 300);
    const unsigned pane = size > names + 700 + 100 ? size - names - 700 : 100;
    zoom = strfmt("%.6f", gtkwave_zoom_for(w.hi - w.lo, pane));
    const size_t ts = text.find("\n[timestart] ");
    const std::string line = "[timestart] " + std::to_string(w.lo);
    if (ts != std::string::npos) {
      text.replace(ts + 1, text.find('\n', ts + 1) - ts - 1, line);
    } else {
      text = line + "\n" + text;
    }
    z = text.compare(0, 1, "*") == 0 ? 0 : text.find("\n*") + 1;
  }
  const size_t e2 = std::min(text.find('\n', z), text.size());
  if (!hw->trace_marks().empty()) primary = std::to_string(hw->trace_marks().front().time_ps);
  std::vector<Platform::TraceMark> named = hw->named_marks();
  std::stable_sort(named.begin(), named.end(), [](const auto& a, const auto& b) { return a.time_ps < b.time_ps; });
  if (named.size() > 26) named.resize(26);
  for (size_t i = 1; i < named.size(); ++i) named[i].time_ps = std::max(named[i].time_ps, named[i - 1].time_ps + 1);
  std::string line = "*" + zoom + " " + primary, names;
  for (size_t i = 0; i < 26; ++i) {
    line += " " + (i < named.size() ? std::to_string(named[i].time_ps) : std::string("-1"));
    if (i < named.size()) names += "\n[markername] " + std::string(1, char('A' + i)) + named[i].label;
  }
  // Named markers of the template are replaced, not kept.
  std::string rest = text.substr(e2);
  for (size_t m; (m = rest.find("\n[markername] ")) != std::string::npos;) {
    const size_t next = rest.find('\n', m + 1);
    rest.erase(m, next == std::string::npos ? std::string::npos : next - m);
  }
  return text.substr(0, z) + line + names + rest;
}

void ScenarioReport::write_save_file(const std::string& save_name, const std::string& fst_path) const {
  std::ifstream in(std::string(DMACOSIM_SOURCE_DIR) + "/waves/" + save_name + ".gtkw");
  if (!in) {
    log_warn("dmacosim", "no save file waves/" + save_name + ".gtkw");
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // The dump line names the trace this run wrote, so `gtkwave file.gtkw` opens it.
  std::string abs = fst_path;
  if (!abs.empty() && abs[0] != '/') {
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd)) abs = std::string(cwd) + "/" + abs;
  }
  text = with_trace_marks(text, Platform::tracing_to(fst_path), true);
  // Translate filter files (waves/filters/, named from the repository root in
  // waves/*.gtkw) get absolute paths, so the copy works from anywhere.
  for (size_t f = text.find("\n^1 waves/"); f != std::string::npos; f = text.find("\n^1 waves/", f + 1))
    text.insert(f + 4, std::string(DMACOSIM_SOURCE_DIR) + "/");
  // Replace the [dumpfile] line itself (a comment may mention the word too).
  size_t p = text.compare(0, 10, "[dumpfile]") == 0 ? 0 : text.find("\n[dumpfile]");
  if (p != std::string::npos) {
    if (p) ++p;
    size_t e = text.find('\n', p);
    text.replace(p, (e == std::string::npos ? text.size() : e) - p, "[dumpfile] \"" + abs + "\"");
  } else {
    text = "[dumpfile] \"" + abs + "\"\n" + text;
  }
  std::ofstream(out_path(save_name + ".gtkw")) << text;
}

static std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

void ScenarioReport::render_png(const std::string& save_name, const std::string& fst_path,
                                const std::string& events_path) {
  const std::string src = DMACOSIM_SOURCE_DIR;
  std::string save = src + "/waves/png/" + save_name + ".gtkw";
  if (!std::ifstream(save)) save = src + "/waves/" + save_name + ".gtkw";
  const std::string png = out_path(scenario_ + ".png");
  std::string args;
  if (Platform* hw = Platform::tracing_to(fst_path)) {
    hw->close_trace();  // the FST is only readable once finished
    const TraceWindow w = interesting_window(hw);
    if (w.hi)
      args += strfmt(" --window=%llu:%llu --caption=", (unsigned long long)w.lo, (unsigned long long)w.hi) +
              shell_quote(w.what);
    if (!hw->trace_marks().empty())
      args += strfmt(" --marker=%llu --marker-label=", (unsigned long long)hw->trace_marks().front().time_ps) +
              shell_quote("first report: " + hw->trace_marks().front().label);
  }
  if (!events_path.empty()) args += " --events=" + shell_quote(events_path);
  // The PNG view with this run's markers: a temporary copy next to the PNG.
  const std::string marked = out_path(scenario_ + ".png.gtkw");
  {
    std::stringstream ss;
    ss << std::ifstream(save).rdbuf();
    std::ofstream(marked) << with_trace_marks(ss.str(), Platform::tracing_to(fst_path));
  }
  // Debian's interpreter first: python3-matplotlib installs for it.
  const char* python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  const std::string cmd = std::string(python) + " " + shell_quote(src + "/scripts/render_waves.py") + " " +
                          shell_quote(fst_path) + " " + shell_quote(marked) + " " + shell_quote(png) + args +
                          " --title=" + shell_quote(png_title_) + " >/dev/null";
  const int rc = std::system(cmd.c_str());
  std::remove(marked.c_str());
  if (rc != 0) {
    fail("--png: rendering the trace failed (scripts/render_waves.py; needs python3-matplotlib and gtkwave's fst2vcd)");
    return;
  }
  add("png", png);
  row("PNG", png);
}

static bool parse_whole(const std::string& v, long long lo, long long hi, long long* out) {
  if (v.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long long x = std::strtoll(v.c_str(), &end, 0);
  if (errno || *end || x < lo || x > hi) return false;
  *out = x;
  return true;
}

// The scenario's registry must declare every key it reads (unit tests that
// run no registered scenario leave opt.scenario empty).
const ScenarioKey* scenario_key(const ScenarioOptions& opt, const char* key) {
  if (opt.scenario.empty()) return nullptr;
  if (const Scenario* s = find_scenario(opt.scenario))
    for (const ScenarioKey& k : s->keys)
      if (k.name == key) return &k;
  throw std::logic_error(strfmt("scenario '%s' reads --%s, which its registry (Scenario::keys) does not declare",
                                opt.scenario.c_str(), key));
}

static void check_declared(const ScenarioOptions& opt, const char* key) { (void)scenario_key(opt, key); }

unsigned scenario_uint(const ScenarioOptions& opt, const char* key, unsigned def) {
  check_declared(opt, key);
  auto it = opt.extra.find(key);
  long long x = def;
  if (it != opt.extra.end() && !parse_whole(it->second, 0, 4294967295LL, &x)) {
    fprintf(stderr, "dmacosim: --%s=%s: expected a whole number from 0 to 4294967295\n", key, it->second.c_str());
    std::exit(kExitUsage);
  }
  record_setting(key, std::to_string(x));
  return unsigned(x);
}

int scenario_int(const ScenarioOptions& opt, const char* key, int def) {
  check_declared(opt, key);
  auto it = opt.extra.find(key);
  long long x = def;
  if (it != opt.extra.end() && !parse_whole(it->second, -2147483648LL, 2147483647LL, &x)) {
    fprintf(stderr, "dmacosim: --%s=%s: expected a whole number (-1 = off where the option says so)\n", key,
            it->second.c_str());
    std::exit(kExitUsage);
  }
  record_setting(key, std::to_string(x));
  return int(x);
}

std::string scenario_string(const ScenarioOptions& opt, const char* key, const std::string& def) {
  check_declared(opt, key);
  auto it = opt.extra.find(key);
  const std::string v = it == opt.extra.end() ? def : it->second;
  record_setting(key, ScenarioReport::json_escape(v));
  return v;
}

std::string ScenarioReport::json_reports(const std::vector<kernel::LockReport>& reps) {
  std::string s = "[";
  for (size_t i = 0; i < reps.size(); ++i) {
    const kernel::LockReport& r = reps[i];
    std::string locks = "[", ctxs = "[";
    for (size_t j = 0; j < r.locks.size(); ++j) locks += (j ? ", " : "") + json_escape(r.locks[j]);
    for (size_t j = 0; j < r.contexts.size(); ++j) ctxs += (j ? ", " : "") + json_escape(r.contexts[j]);
    s += std::string(i ? ",\n    " : "\n    ") + "{\"rule\": " + json_escape(r.rule) + ", \"headline\": " +
         json_escape(r.headline) + ", \"message\": " + json_escape(r.message) + ", \"locks\": " + locks +
         "], \"contexts\": " + ctxs + "], \"time_ns\": " + strfmt("%.0f", r.time.to_seconds() * 1e9) + "}";
  }
  return s + (reps.empty() ? "]" : "\n  ]");
}

}  // namespace dmacosim
