// Platform log: every model reports through here, stamped with simulated time.
// Records are kept in memory (the last `capacity`) so tests can assert that
// bad input produced the clear message it should, and streamed to the log
// file (set_file); echo to stderr is on for warnings and errors.
//
// Strict oracle: a warning or error nobody expected fails the run. A record is
// expected when, before it is written, a live expectation (Log::expect /
// ExpectedLog: an injected fault, provoked bad input) matches it — it is then
// labelled "expected" with the reason in every output — or when a test
// counted it afterwards with count()/count_all() (it looked at it). Validator
// reports (findings) are judged by the validator's own verdict, not here.
// unexpected() lists the rest; every scenario and every test checks it.
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
  std::string expected;  // why it was expected ("" = not declared)
  bool checked = false;  // counted by a test
  bool finding = false;  // a validator report
};

class Log {
public:
  static Log& instance();

  void write(LogLevel level, const std::string& source, const std::string& text);
  // A validator report (warning level; the validator's verdict judges it).
  void write_finding(LogLevel level, const std::string& source, const std::string& text);
  const std::vector<LogRecord>& records() const { return records_; }
  // Forgets every record and the unexpected ones already dropped (expectations stay).
  void clear() {
    records_.clear();
    dropped_unexpected_ = 0;
  }
  // Number of records at `level` or above whose source or text contains
  // `needle`; counting marks them checked (not unexpected).
  size_t count(LogLevel level, const std::string& needle);
  // Same, for records whose source or text contains every needle.
  size_t count_all(LogLevel level, const std::vector<std::string>& needles);

  // Declares that records at `level` or above whose source or text contains
  // `needle` may come, because of `why` (e.g. "injected: DMA read of an
  // unmapped address"). Returns a token for unexpect().
  size_t expect(LogLevel level, const std::string& needle, const std::string& why);
  void unexpect(size_t token);
  // Warnings and errors neither expected nor checked (findings excluded):
  // how many, and the first `max` formatted.
  size_t unexpected_count() const;
  std::vector<std::string> unexpected(size_t max = 5) const;
  // Echo records at or above `level` to stderr (default Warn).
  void set_echo_level(LogLevel level) { echo_level_ = level; }
  // Also append every record at `file_level` or above to this file ("" closes).
  void set_file(const std::string& path);
  void set_file_level(LogLevel level) { file_level_ = level; }
  // Keep at most this many records in memory (oldest dropped); default 100000.
  void set_capacity(size_t n) { capacity_ = n; }
  // Keep in memory only records at `level` or above (default Debug: all,
  // for tests that count them). The dmacosim command keeps Warn and above
  // (what the strict oracle reads) with a capacity of 10000: its other
  // records go only to the file, so memory does not grow with simulated time.
  void set_keep_level(LogLevel level) { keep_level_ = level; }

  // One line, dmesg-like: "[    0.012345] source: text" (simulated seconds),
  // "source: warning: text" / "source: error: text" for those levels. A record
  // that an expectation matched is shown at info level as
  // "source: (injected) text [why]" (or "(expected)" when the reason is not
  // an injected fault): it is no warning or error of the run.
  static std::string format(const LogRecord& r);
  // The level a record is shown (echoed, filed) at.
  static LogLevel shown_level(const LogRecord& r) { return r.expected.empty() ? r.level : LogLevel::Info; }

private:
  struct Expectation {
    size_t token;
    LogLevel level;
    std::string needle, why;
  };
  static bool is_unexpected(const LogRecord& r) {
    return r.level >= LogLevel::Warn && !r.finding && r.expected.empty() && !r.checked;
  }
  std::vector<LogRecord> records_;
  std::vector<Expectation> expectations_;
  size_t next_token_ = 1;
  size_t dropped_unexpected_ = 0;
  LogLevel echo_level_ = LogLevel::Warn;
  LogLevel file_level_ = LogLevel::Info;
  LogLevel keep_level_ = LogLevel::Debug;
  bool last_kept_ = false;  // the last write() kept its record
  size_t capacity_ = 100000;
  void* file_ = nullptr;
};

// Scoped Log::expect(): the expectation lives as long as this object.
class ExpectedLog {
public:
  ExpectedLog(LogLevel level, const std::string& needle, const std::string& why)
      : token_(Log::instance().expect(level, needle, why)) {}
  ~ExpectedLog() { Log::instance().unexpect(token_); }
  ExpectedLog(const ExpectedLog&) = delete;
  ExpectedLog& operator=(const ExpectedLog&) = delete;

private:
  size_t token_;
};

std::string strfmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

inline void log_debug(const std::string& src, const std::string& t) { Log::instance().write(LogLevel::Debug, src, t); }
inline void log_info(const std::string& src, const std::string& t) { Log::instance().write(LogLevel::Info, src, t); }
inline void log_warn(const std::string& src, const std::string& t) { Log::instance().write(LogLevel::Warn, src, t); }
inline void log_error(const std::string& src, const std::string& t) { Log::instance().write(LogLevel::Error, src, t); }

}  // namespace dmacosim
