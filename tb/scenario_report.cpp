#include "tb/scenario_report.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "models/log.h"
#include "tb/platform.h"

#ifndef DMACOSIM_SOURCE_DIR
#define DMACOSIM_SOURCE_DIR "."
#endif

namespace dmacosim {

static void make_dirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/') mkdir(path.substr(0, i).c_str(), 0755);
}

ScenarioReport::ScenarioReport(std::string scenario, const ScenarioOptions& opt)
    : scenario_(std::move(scenario)), out_dir_(opt.out_dir), start_(std::chrono::steady_clock::now()) {
  if (!out_dir_.empty()) {
    make_dirs(out_dir_);
    // Find out now, not after the simulation, that the outputs cannot be
    // written there: a usage error, nothing has run.
    const std::string probe = out_path(".dmacosim-write-check");
    FILE* f = std::fopen(probe.c_str(), "w");
    if (!f) {
      fprintf(stderr, "dmacosim: --out=%s: cannot write there (%s)\n", out_dir_.c_str(), std::strerror(errno));
      std::exit(2);
    }
    std::fclose(f);
    std::remove(probe.c_str());
    Log::instance().set_file(out_path("dmacosim.log"));
  }
  add("scenario", scenario_);
  add("seed", uint64_t(opt.seed));  // with the options, what replays the run
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
  add_bool("clean", clean());

  size_t w = 0;
  for (auto& r : rows_) w = std::max(w, r.first.size());
  printf("\n%s\n", std::string(w + 30, '-').c_str());
  printf("dmacosim run %s\n", scenario_.c_str());
  printf("%s\n", std::string(w + 30, '-').c_str());
  for (auto& r : rows_) printf("  %-*s  %s\n", int(w), r.first.c_str(), r.second.c_str());
  printf("%s\n", std::string(w + 30, '-').c_str());
  if (clean()) printf("RESULT: clean\n");
  else for (auto& f : failures_) printf("RESULT: FAILED: %s\n", f.c_str());
  if (!hang_state_.empty()) printf("State at the hang:\n%s", hang_state_.c_str());

  if (!out_dir_.empty()) {  // outputs only where asked: never litter the working directory
    std::ofstream js(out_path("summary.json"));
    js << "{\n";
    for (size_t i = 0; i < fields_.size(); ++i)
      js << "  " << json_escape(fields_[i].first) << ": " << fields_[i].second << (i + 1 < fields_.size() ? ",\n" : "\n");
    js << "}\n";
    printf("outputs: %s\n", out_dir_.c_str());
  }
  Log::instance().set_file("");
  return clean() ? 0 : 1;
}

// The '*' line of a save file: zoom, primary marker, then the 26 named
// markers A..Z. The primary marker goes on the first validator report; the
// named markers on the run's first events (Platform::mark_first), in time
// order, each with a [markername] line. GTKWave wants distinct times, so ties
// move 1 ps later.
static std::string with_trace_marks(std::string text, const Platform* hw) {
  if (!hw) return text;
  size_t z = text.compare(0, 1, "*") == 0 ? 0 : text.find("\n*");
  if (z == std::string::npos) return text;
  if (z) ++z;
  const size_t e = std::min(text.find('\n', z), text.size());
  std::istringstream fields(text.substr(z + 1, e - z - 1));
  std::string zoom = "-22", primary = "-1";
  fields >> zoom >> primary;
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
  std::string rest = text.substr(e);
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
  text = with_trace_marks(text, Platform::tracing_to(fst_path));
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

void ScenarioReport::render_png(const std::string& save_name, const std::string& fst_path) {
  const std::string src = DMACOSIM_SOURCE_DIR;
  std::string save = src + "/waves/png/" + save_name + ".gtkw";
  if (!std::ifstream(save)) save = src + "/waves/" + save_name + ".gtkw";
  const std::string png = out_path(scenario_ + ".png");
  std::string window;
  if (Platform* hw = Platform::tracing_to(fst_path)) {
    hw->close_trace();  // the FST is only readable once finished
    if (!hw->trace_marks().empty()) {
      // Zoom on the first validator report: 10 us before it (what led
      // there) and 60 us after (what the hardware did next), clipped to the trace.
      const uint64_t t = hw->trace_marks().front().time_ps, end = hw->trace_end_ps();
      const uint64_t before = 10000000ull, after = 60000000ull;
      window = strfmt(" %llu %llu %llu", (unsigned long long)(t > before ? t - before : 0),
                      (unsigned long long)std::min(end, t + after), (unsigned long long)t);
    }
  }
  // The PNG view with this run's markers: a temporary copy next to the PNG.
  const std::string marked = out_path(scenario_ + ".png.gtkw");
  {
    std::stringstream ss;
    ss << std::ifstream(save).rdbuf();
    std::ofstream(marked) << with_trace_marks(ss.str(), Platform::tracing_to(fst_path));
  }
  const std::string cmd = shell_quote(src + "/scripts/render_trace.sh") + " " + shell_quote(fst_path) + " " +
                          shell_quote(marked) + " " + shell_quote(png) + window + " >/dev/null";
  const int rc = std::system(cmd.c_str());
  std::remove(marked.c_str());
  if (rc != 0) {
    fail("--png: rendering the trace failed (scripts/render_trace.sh; needs gtkwave, xvfb-run, ghostscript)");
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

unsigned scenario_uint(const ScenarioOptions& opt, const char* key, unsigned def) {
  auto it = opt.extra.find(key);
  if (it == opt.extra.end()) return def;
  long long x = 0;
  if (!parse_whole(it->second, 0, 4294967295LL, &x)) {
    fprintf(stderr, "dmacosim: --%s=%s: expected a whole number from 0 to 4294967295\n", key, it->second.c_str());
    std::exit(2);
  }
  return unsigned(x);
}

int scenario_int(const ScenarioOptions& opt, const char* key, int def) {
  auto it = opt.extra.find(key);
  if (it == opt.extra.end()) return def;
  long long x = 0;
  if (!parse_whole(it->second, -2147483648LL, 2147483647LL, &x)) {
    fprintf(stderr, "dmacosim: --%s=%s: expected a whole number (-1 = off where the option says so)\n", key,
            it->second.c_str());
    std::exit(2);
  }
  return int(x);
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
