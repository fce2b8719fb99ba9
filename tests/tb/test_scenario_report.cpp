// The scenario report's verdict: a hang is reported with the state the
// drivers dump for it (Kernel::hang_dumps), on the terminal and in
// summary.json; a clean run prints no such section.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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
