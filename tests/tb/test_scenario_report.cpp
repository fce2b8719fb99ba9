// The scenario report's verdict: a hang is reported with the state the
// drivers dump for it (Kernel::hang_dumps), on the terminal and in
// summary.json; a clean run prints no such section.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "models/log.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"

using namespace dmacosim;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

TEST(ScenarioReport, HangPrintsTheDriversState) {
  ScenarioOptions opt;
  opt.out_dir = "out-report-hang";
  ScenarioReport report("memcpy", opt);
  report.fail_hang("simulation hang: dmatest did not return", "dma0chan3: STATUS=ACTIVE cookie 7\n");
  testing::internal::CaptureStdout();
  const int rc = report.finish();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("RESULT: FAILED: simulation hang: dmatest did not return"), std::string::npos) << out;
  EXPECT_NE(out.find("State at the hang:\ndma0chan3: STATUS=ACTIVE cookie 7\n"), std::string::npos) << out;
  const std::string js = slurp("out-report-hang/summary.json");
  EXPECT_NE(js.find("\"hang_state\": \"dma0chan3: STATUS=ACTIVE cookie 7\\n\""), std::string::npos) << js;
  EXPECT_NE(js.find("\"clean\": false"), std::string::npos) << js;
}

TEST(ScenarioReport, CleanRunHasNoHangSection) {
  ScenarioOptions opt;
  opt.out_dir = "out-report-clean";
  ScenarioReport report("memcpy", opt);
  testing::internal::CaptureStdout();
  const int rc = report.finish();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("RESULT: clean"), std::string::npos) << out;
  EXPECT_EQ(out.find("State at the hang"), std::string::npos) << out;
  EXPECT_EQ(slurp("out-report-clean/summary.json").find("hang_state"), std::string::npos);
}

// One registry: a scenario may read only the settings it declares (so
// `run SCENARIO --help` lists every one); an undeclared read is an internal
// error, a declared one is recorded in summary.json's "settings".
namespace {
int run_nothing(const ScenarioOptions&) { return 0; }
ScenarioRegistrar test_scenario({"registry-test", "test", run_nothing, {{"rounds", "3", "rounds"}, {"mode", "a", "mode"}}});
}  // namespace

TEST(ScenarioReport, SettingsComeFromTheRegistryAndAreRecorded) {
  ScenarioOptions opt;
  opt.scenario = "registry-test";
  opt.out_dir = "out-report-settings";
  opt.extra["rounds"] = "5";
  ScenarioReport report("registry-test", opt);
  EXPECT_EQ(scenario_uint(opt, "rounds", 3), 5u);
  EXPECT_EQ(scenario_string(opt, "mode", "a"), "a");
  EXPECT_THROW(scenario_uint(opt, "undeclared", 1), std::logic_error);
  testing::internal::CaptureStdout();
  EXPECT_EQ(report.finish(), 0);
  testing::internal::GetCapturedStdout();
  const std::string js = slurp("out-report-settings/summary.json");
  EXPECT_NE(js.find("\"settings\": {\"rounds\": 5, \"mode\": \"a\"}"), std::string::npos) << js;
  EXPECT_NE(js.find("\"exit_code\": 0"), std::string::npos) << js;
}

// An output that cannot be written is an environment error (exit 3), above findings.
TEST(ScenarioReport, OutputNotWrittenIsExit3) {
  ScenarioOptions opt;
  ScenarioReport report("demo", opt);
  report.fail("a finding");
  report.io_fail("could not write x.wav");
  testing::internal::CaptureStdout();
  EXPECT_EQ(report.finish(), int(kExitEnvironment));
  testing::internal::GetCapturedStdout();
}

// Log lines are dmesg-like, a source prefix is not doubled, and an expected
// (injected) record carries no level word.
TEST(LogFormat, DmesgLikeNoDoubledPrefixInjectedAtInfo) {
  LogRecord r{12345678.9, LogLevel::Warn, "dmac", "dmac: channel 2 stalled", "", false, false};
  EXPECT_EQ(Log::format(r), "[    0.012346] dmac: warning: channel 2 stalled");
  r.level = LogLevel::Info;
  r.text = "8 channels";
  EXPECT_EQ(Log::format(r), "[    0.012346] dmac: 8 channels");
  r.level = LogLevel::Error;
  r.expected = "injected: a memory stall";
  EXPECT_EQ(Log::format(r), "[    0.012346] dmac: (injected) 8 channels [injected: a memory stall]");
  EXPECT_EQ(Log::shown_level(r), LogLevel::Info);
  r.expected = "provoked: bad input";
  EXPECT_EQ(Log::format(r), "[    0.012346] dmac: (expected) 8 channels [provoked: bad input]");
}
