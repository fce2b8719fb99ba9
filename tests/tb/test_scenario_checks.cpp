// tb/scenario_checks: the phases the dmaengine client scenarios share. Each
// check fires on its case and stays silent on a clean client: a client still
// running at the time limit is a hang (with the drivers' state), one that
// cannot start is its setup error (not a hang), one that ends cleanly passes;
// an unknown --driver is refused before anything runs. One System per test (each test
// runs in its own process).
#include <gtest/gtest.h>

#include <functional>

#include "driver/kernel/sched.h"
#include "tb/board_linux.h"
#include "tb/json_value.h"
#include "tb/scenario_checks.h"

using namespace dmacosim;

namespace {

struct Verdict {
  int rc;
  std::string out;
  JsonValue summary;  // summary.json
};

// Runs `body` as the client on the virt-dma provider for at most 50 ms,
// then the common checks and report; the verdict as printed and written.
// `after`, if given, runs once the verdict is taken (the System still alive).
Verdict run_client(const std::string& out_dir, ClientBody body, ClientRun* run,
                   const std::function<void()>& after = nullptr) {
  const sc_core::sc_time limit(50, sc_core::SC_MS);
  ScenarioOptions opt;
  opt.scenario = "checks-test";
  opt.out_dir = out_dir;
  opt.quiet = true;
  ScenarioReport report("checks-test", opt);
  const PlatformConfig cfg = scenario_platform_config("checks-test", opt, report);
  System sys("sys", cfg);
  start_client(sys, opt, "checks_test_init", board::dmac_pdata(), run, std::move(body));
  const RunTotals totals = simulate_client(opt, sys, report, limit);
  fail_client_run(report, sys, *run, "the test client did not finish");
  fail_validator_reports(report, totals);
  add_run_rows(report, sys, totals, true);
  testing::internal::CaptureStdout();
  Verdict v;
  v.rc = finish_client_report(report, opt, cfg, "checks-test", totals);
  v.out = testing::internal::GetCapturedStdout();
  std::string error;
  EXPECT_TRUE(json_parse_file(out_dir + "/summary.json", &v.summary, &error)) << error;
  if (after) after();
  return v;
}

int run_nothing(const ScenarioOptions&) { return 0; }
ScenarioRegistrar test_scenario({"checks-test", "test", run_nothing});

}  // namespace

TEST(ScenarioChecks, AClientStillRunningAtTheLimitIsAHangWithTheDriversState) {
  ClientRun run;
  // The client outlasts the 50 ms limit; afterwards the test lets it finish,
  // so the provider is removed (nothing left for LeakSanitizer).
  ScenarioOptions opt;
  const Verdict v = run_client("out-checks-hang", [](linux_c::DmacProvider&) {
    kernel::msleep(100);
    return true;
  }, &run, [&opt, &run] {
    EXPECT_FALSE(run.finished);
    simulate(opt, sc_core::sc_time(200, sc_core::SC_MS));
    EXPECT_TRUE(run.finished);
  });
  EXPECT_EQ(v.rc, kExitFindings);
  EXPECT_NE(v.out.find("RESULT: FAILED: simulation hang: the test client did not finish"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("State at the hang:"), std::string::npos) << v.out;
  EXPECT_NE(v.summary.string("hang_state"), "");
}

TEST(ScenarioChecks, AClientThatEndsCleanlyPasses) {
  ClientRun run;
  const Verdict v = run_client("out-checks-clean", [](linux_c::DmacProvider& dmac) {
    return dmac.nr_channels() > 0;
  }, &run);
  EXPECT_TRUE(run.finished);
  EXPECT_EQ(run.end_state, "");
  EXPECT_EQ(v.rc, kExitClean) << v.out;
  EXPECT_NE(v.out.find("RESULT: clean"), std::string::npos) << v.out;
  EXPECT_EQ(v.summary.get("hang_state"), nullptr);
  EXPECT_GT(v.summary.number("sim_seconds"), 0);
  EXPECT_GT(v.summary.number("cycles"), 0);
}

TEST(ScenarioChecks, ASetupFailureIsReportedAsItselfNotAsAHang) {
  ClientRun run;
  const Verdict v = run_client("out-checks-setup", [&run](linux_c::DmacProvider&) {
    run.setup_error = "no channel for the test";
    return false;
  }, &run);
  EXPECT_FALSE(run.finished);
  EXPECT_EQ(v.rc, kExitFindings);
  EXPECT_NE(v.out.find("RESULT: FAILED: no channel for the test"), std::string::npos) << v.out;
  EXPECT_EQ(v.out.find("simulation hang"), std::string::npos) << v.out;
  EXPECT_EQ(v.summary.get("hang_state"), nullptr);
}

TEST(ScenarioChecks, AProbeFailureIsASetupError) {
  ClientRun run;
  bool body_ran = false;
  ScenarioOptions opt;
  opt.driver = "no-such-driver";  // scenario_driver_known() keeps it from a real run; here probe() sees it
  ASSERT_FALSE(linux_c::dmac_driver_known(opt.driver));
  ScenarioReport report("checks-test", opt);
  System sys("sys", scenario_platform_config("checks-test", opt, report));
  start_client(sys, opt, "checks_test_init", board::dmac_pdata(), &run, [&](linux_c::DmacProvider&) {
    return body_ran = true;
  });
  simulate_client(opt, sys, report, sc_core::sc_time(10, sc_core::SC_MS));
  EXPECT_FALSE(body_ran);
  EXPECT_FALSE(run.finished);
  EXPECT_NE(run.setup_error.find("unknown driver 'no-such-driver'"), std::string::npos) << run.setup_error;
}

TEST(ScenarioChecks, AnUnknownDriverIsRefusedWithTheKnownNames) {
  ScenarioOptions opt;
  opt.driver = "virt-dma";
  testing::internal::CaptureStderr();
  EXPECT_TRUE(scenario_driver_known("checks-test", opt));
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  opt.driver = "bogus";
  testing::internal::CaptureStderr();
  EXPECT_FALSE(scenario_driver_known("checks-test", opt));
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            std::string("checks-test: unknown driver 'bogus' (") + linux_c::dmac_driver_names() + ")\n");
}

TEST(ScenarioChecks, ValidatorReportsBriefJson) {
  EXPECT_EQ(json_reports_brief({}), "[]");
  kernel::LockReport a, b;
  a.rule = "V-BH-1";
  a.headline = "WARNING: at kernel/softirq.c";
  a.message = "not written";
  b.rule = "L-1";
  b.headline = "say \"hi\"";
  EXPECT_EQ(json_reports_brief({a, b}),
            "[{\"rule\": \"V-BH-1\", \"message\": \"WARNING: at kernel/softirq.c\"}, "
            "{\"rule\": \"L-1\", \"message\": \"say \\\"hi\\\"\"}]");
}
