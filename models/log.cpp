#include "log.h"

#include <cmath>
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

// dmesg's "[    5.123456] " stamp, in simulated time. An expected record
// reads "(injected)" / "(expected)" and no level word, so a grep for
// "warning" or "error" finds only the run's real ones; the reason ends the line.
std::string Log::format(const LogRecord& r) {
  const unsigned long long us = (unsigned long long)std::llround(r.time_ns / 1e3);
  std::string text = r.text;
  // No doubled prefix when the text already starts with its source ("dmac: dmac: ...").
  if (!r.source.empty() && text.compare(0, r.source.size(), r.source) == 0 &&
      text.compare(r.source.size(), 2, ": ") == 0)
    text.erase(0, r.source.size() + 2);
  const std::string stamp = strfmt("[%5llu.%06llu] %s: ", us / 1000000, us % 1000000, r.source.c_str());
  if (!r.expected.empty()) {
    const bool injected = r.expected.compare(0, 8, "injected") == 0;
    return stamp + (injected ? "(injected) " : "(expected) ") + text + " [" + r.expected + "]";
  }
  if (r.level >= LogLevel::Warn) return stamp + level_name(r.level) + ": " + text;
  return stamp + text;
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
  const LogLevel shown = shown_level(r);
  if (shown >= echo_level_) fprintf(stderr, "%s\n", format(r).c_str());
  if (file_ && shown >= file_level_) {
    fprintf(static_cast<FILE*>(file_), "%s\n", format(r).c_str());
    fflush(static_cast<FILE*>(file_));
  }
  // A warning or error is always kept (the strict oracle counts them).
  last_kept_ = level >= keep_level_ || level >= LogLevel::Warn;
  if (!last_kept_) return;
  if (records_.size() >= capacity_) {
    const auto end = records_.begin() + long(capacity_ / 2);
    for (auto it = records_.begin(); it != end; ++it) dropped_unexpected_ += is_unexpected(*it);
    records_.erase(records_.begin(), end);
  }
  records_.push_back(std::move(r));
}

void Log::write_finding(LogLevel level, const std::string& source, const std::string& text) {
  write(level, source, text);
  if (last_kept_) records_.back().finding = true;
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
