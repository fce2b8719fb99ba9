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

std::string Log::format(const LogRecord& r) {
  return strfmt("[%14.3f ns] %-7s %s: %s", r.time_ns, level_name(r.level), r.source.c_str(), r.text.c_str());
}

void Log::write(LogLevel level, const std::string& source, const std::string& text) {
  LogRecord r{sc_core::sc_time_stamp().to_seconds() * 1e9, level, source, text};
  if (level >= echo_level_) fprintf(stderr, "%s\n", format(r).c_str());
  if (file_) {
    fprintf(static_cast<FILE*>(file_), "%s\n", format(r).c_str());
    fflush(static_cast<FILE*>(file_));
  }
  if (records_.size() >= capacity_) records_.erase(records_.begin(), records_.begin() + capacity_ / 2);
  records_.push_back(std::move(r));
}

size_t Log::count(LogLevel level, const std::string& needle) const {
  size_t n = 0;
  for (const auto& r : records_)
    if (r.level >= level && (r.text.find(needle) != std::string::npos || r.source.find(needle) != std::string::npos)) ++n;
  return n;
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
