#include "log.h"

#include <cstdio>
#include <systemc>

namespace dmacosim {

Log& Log::instance() {
  static Log log;
  return log;
}

static const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warning";
    case LogLevel::Error: return "error";
  }
  return "?";
}

// An expected record reads "expected error" (not "error"), so a reader, or a
// grep for "] error", tells it from a real one; the reason ends the line.
std::string Log::format(const LogRecord& r) {
  if (!r.expected.empty())
    return strfmt("[%14.3f ns] expected %s %s: %s [expected: %s]", r.time_ns, level_name(r.level), r.source.c_str(),
                  r.text.c_str(), r.expected.c_str());
  return strfmt("[%14.3f ns] %-7s %s: %s", r.time_ns, level_name(r.level), r.source.c_str(), r.text.c_str());
}

static bool matches(const LogRecord& r, const std::string& needle) {
  return r.text.find(needle) != std::string::npos || r.source.find(needle) != std::string::npos;
}

void Log::write(LogLevel level, const std::string& source, const std::string& text) {
  LogRecord r{sc_core::sc_time_stamp().to_seconds() * 1e9, level, source, text, std::string(), false, false};
  for (const auto& e : expectations_)
    if (level >= e.level && matches(r, e.needle)) {
      r.expected = e.why;
      break;
    }
  if (level >= echo_level_) fprintf(stderr, "%s\n", format(r).c_str());
  if (file_) {
    fprintf(static_cast<FILE*>(file_), "%s\n", format(r).c_str());
    fflush(static_cast<FILE*>(file_));
  }
  if (records_.size() >= capacity_) {
    const auto end = records_.begin() + long(capacity_ / 2);
    for (auto it = records_.begin(); it != end; ++it) dropped_unexpected_ += is_unexpected(*it);
    records_.erase(records_.begin(), end);
  }
  records_.push_back(std::move(r));
}

void Log::write_finding(LogLevel level, const std::string& source, const std::string& text) {
  write(level, source, text);
  records_.back().finding = true;
}

size_t Log::count(LogLevel level, const std::string& needle) { return count_all(level, {needle}); }

size_t Log::count_all(LogLevel level, const std::vector<std::string>& needles) {
  size_t n = 0;
  for (auto& r : records_) {
    if (r.level < level) continue;
    bool all = true;
    for (const auto& s : needles) all = all && matches(r, s);
    if (!all) continue;
    r.checked = true;
    ++n;
  }
  return n;
}

size_t Log::expect(LogLevel level, const std::string& needle, const std::string& why) {
  expectations_.push_back({next_token_, level, needle, why});
  return next_token_++;
}

void Log::unexpect(size_t token) {
  for (auto it = expectations_.begin(); it != expectations_.end(); ++it)
    if (it->token == token) {
      expectations_.erase(it);
      return;
    }
}

size_t Log::unexpected_count() const {
  size_t n = dropped_unexpected_;
  for (const auto& r : records_) n += is_unexpected(r);
  return n;
}

std::vector<std::string> Log::unexpected(size_t max) const {
  std::vector<std::string> out;
  for (const auto& r : records_)
    if (is_unexpected(r) && out.size() < max) out.push_back(format(r));
  return out;
}

void Log::set_file(const std::string& path) {
  if (file_) fclose(static_cast<FILE*>(file_));
  file_ = path.empty() ? nullptr : fopen(path.c_str(), "w");
}

std::string strfmt(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(nullptr, 0, fmt, ap);
  va_end(ap);
  std::string s(n > 0 ? n : 0, '\0');
  vsnprintf(s.data(), s.size() + 1, fmt, ap2);
  va_end(ap2);
  return s;
}

}  // namespace dmacosim
