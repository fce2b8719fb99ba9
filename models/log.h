// Platform log: every model reports through here, stamped with simulated time.
// Records are kept in memory so tests can assert that bad input produced the
// clear message it should; echo to stderr is on for warnings and errors.
#pragma once
#include <cstdarg>
#include <string>
#include <vector>

namespace dmacosim {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };

struct LogRecord {
  double time_ns;
  LogLevel level;
  std::string source;
  std::string text;
};

class Log {
public:
  static Log& instance();

  void write(LogLevel level, const std::string& source, const std::string& text);
  const std::vector<LogRecord>& records() const { return records_; }
  void clear() { records_.clear(); }
  // Number of records at `level` or above whose source or text contains `needle`.
  size_t count(LogLevel level, const std::string& needle) const;
  // Echo records at or above `level` to stderr (default Warn).
  void set_echo_level(LogLevel level) { echo_level_ = level; }
  // Also append every record to this file ("" closes).
  void set_file(const std::string& path);
  // Keep at most this many records in memory (oldest dropped); default 100000.
  void set_capacity(size_t n) { capacity_ = n; }

  static std::string format(const LogRecord& r);

private:
  std::vector<LogRecord> records_;
  LogLevel echo_level_ = LogLevel::Warn;
  size_t capacity_ = 100000;
  void* file_ = nullptr;
};

std::string strfmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

inline void log_debug(const std::string& src, const std::string& t) { Log::instance().write(LogLevel::Debug, src, t); }
inline void log_info(const std::string& src, const std::string& t) { Log::instance().write(LogLevel::Info, src, t); }
inline void log_warn(const std::string& src, const std::string& t) { Log::instance().write(LogLevel::Warn, src, t); }
inline void log_error(const std::string& src, const std::string& t) { Log::instance().write(LogLevel::Error, src, t); }

}  // namespace dmacosim
