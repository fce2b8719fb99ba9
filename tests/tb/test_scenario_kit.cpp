// The scenario toolkit (tb/scenario_kit.h): each check it makes fires on bad
// input and stays silent on good input; the workload helpers report a hang
// instead of hanging. A dmaengine client (Workload::start_client) still
// running at the time limit is a hang (with the drivers' state), one that
// cannot start is its setup error (not a hang), one that ends cleanly passes.
// One simulation per test (each runs in its own process).
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>

#include "driver/kernel/sched.h"
#include "tb/board_linux.h"
#include "tb/json_value.h"
#include "tb/scenario_kit.h"

using namespace dmacosim;

namespace {
int run_nothing(const ScenarioOptions&) { return 0; }
ScenarioRegistrar test_scenario({"kit-test", "test", run_nothing,
                                 {{"mode", "fast", "mode", "", {"fast", "slow", "off"}},
                                  {"bad-default", "never", "a default that is not a choice", "", {"a", "b"}},
                                  {"plain", "1", "no choices"}}});

ScenarioOptions kit_options() {
  ScenarioOptions opt;
  opt.scenario = "kit-test";
  return opt;
}
}  // namespace

TEST(ScenarioKit, ChoiceTakesTheDefaultAndTheDeclaredValues) {
  ScenarioOptions opt = kit_options();
  EXPECT_EQ(kit::scenario_choice(opt, "mode"), "fast");
  opt.extra["mode"] = "off";
  testing::internal::CaptureStderr();
  EXPECT_EQ(kit::scenario_choice(opt, "mode"), "off");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(ScenarioKit, ChoiceNotDeclaredIsAUsageErrorNamingTheChoices) {
  ScenarioOptions opt = kit_options();
  opt.extra["mode"] = "medium";
  testing::internal::CaptureStderr();
  EXPECT_EQ(kit::scenario_choice(opt, "mode"), "");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "kit-test: --mode must be fast, slow or off\n");
}

TEST(ScenarioKit, ChoiceOfAKeyWithoutChoicesOrNotDeclaredIsAnInternalError) {
  const ScenarioOptions opt = kit_options();
  EXPECT_THROW(kit::scenario_choice(opt, "plain"), std::logic_error);
  EXPECT_THROW(kit::scenario_choice(opt, "bad-default"), std::logic_error);
  EXPECT_THROW(kit::scenario_choice(opt, "undeclared"), std::logic_error);
  EXPECT_EQ(kit::setting(opt, "plain").def, "1");
  EXPECT_THROW(kit::setting(ScenarioOptions{}, "plain"), std::logic_error);  // no scenario named
}

TEST(ScenarioKit, UsageErrorAndDriverCheck) {
  ScenarioOptions opt = kit_options();
  testing::internal::CaptureStderr();
  EXPECT_EQ(kit::usage_error(opt, "--plain 1..2"), int(kExitUsage));
  EXPECT_TRUE(kit::driver_known(opt));  // the default, virt-dma
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "kit-test: --plain 1..2\n");
  opt.driver = "no-such-driver";
  testing::internal::CaptureStderr();
  EXPECT_FALSE(kit::driver_known(opt));
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            std::string("kit-test: unknown driver 'no-such-driver' (") + linux_c::dmac_driver_names() + ")\n");
}

TEST(ScenarioKit, PlatformConfigTracesIntoOut) {
  ScenarioOptions opt = kit_options();
  opt.out_dir = "out-kit-config";
  opt.idle_skipping = false;
  ScenarioReport report("kit-test", opt);
  EXPECT_EQ(kit::platform_config(opt, report, "x").fst_path, "");
  EXPECT_FALSE(kit::platform_config(opt, report, "x").idle_skipping);
  opt.trace = true;
  EXPECT_EQ(kit::platform_config(opt, report, "x").fst_path, report.out_path("x.fst"));
}

TEST(ScenarioKit, SamplesStatistics) {
  kit::Samples s;
  EXPECT_EQ(s.text(), "n/a");
  EXPECT_EQ(s.json(), "{\"min\": 0, \"median\": 0, \"p99\": 0, \"max\": 0, \"samples\": 0}");
  for (double x : {40.0, 10.0, 30.0, 20.0}) s.add(x);
  EXPECT_EQ(s.median(), 25.0);  // even count: the mean of the middle two
  EXPECT_EQ(s.percentile(0.5), 20.0);  // nearest rank: ceil(0.5 * 4) = 2nd
  EXPECT_EQ(s.percentile(0.99), 40.0);
  s.add(50);
  EXPECT_EQ(s.median(), 30.0);
  EXPECT_EQ(s.samples_json(), "[40, 10, 30, 20, 50]");
  EXPECT_EQ(s.text(), "10 / 30 / 50 ns (min/median/max, 5 samples)");
}

TEST(ScenarioKit, FirstMismatchKeepsTheFirst) {
  kit::FirstMismatch m;
  EXPECT_TRUE(m.ok());
  EXPECT_EQ(m.first(), "");
  m("frame 3: got 0x1, expected 0x2");
  m("frame 4: got 0x2, expected 0x3");
  EXPECT_FALSE(m.ok());
  EXPECT_EQ(m.first(), "frame 3: got 0x1, expected 0x2");
}

// A thread that returns in time is joined; one that does not is a timeout
// (false), not a hang of the waiter.
TEST(ScenarioKit, KThreadJoinIsBounded) {
  const ScenarioOptions opt = kit_options();
  ScenarioReport report("kit-test", opt);
  System sys("sys", kit::platform_config(opt, report, "kit"));
  kit::Workload work(sys);
  kernel::wait_queue_head_t wq;
  kit::KThread quick, slow, never_run;
  bool quick_joined = false, slow_joined = true, never_run_joined = false;
  work.start([&]() -> int {
    kernel::init_waitqueue_head(&wq);
    quick.run("quick", [] { kernel::msleep(1); return 7; }, &wq);
    slow.run("slow", [] { kernel::msleep(100); return 0; }, &wq);
    quick_joined = quick.join(sc_core::sc_time(10, sc_core::SC_MS));
    slow_joined = slow.join(sc_core::sc_time(5, sc_core::SC_MS));
    never_run_joined = never_run.join(sc_core::sc_time(1, sc_core::SC_MS));
    sc_core::sc_stop();
    return 0;
  });
  simulate(opt, sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_TRUE(quick_joined);
  EXPECT_EQ(quick.ret(), 7);
  EXPECT_FALSE(slow_joined);
  EXPECT_FALSE(slow.done());
  EXPECT_TRUE(never_run_joined);
}

// A workload whose init thread is `init`, run to `limit`, then its outcome
// reported: what the report printed and its exit code.
struct Outcome {
  bool finished = false, ran = false;
  int exit_code = -1;
  std::string out;
};
Outcome run_workload(const std::function<int(kit::Workload&, const ScenarioOptions&)>& init,
                     const sc_core::sc_time& limit) {
  const ScenarioOptions opt = kit_options();
  ScenarioReport report("kit-test", opt);
  System sys("sys", kit::platform_config(opt, report, "kit"));
  kit::Workload work(sys);
  work.start([&]() -> int { return init(work, opt); });
  simulate(opt, limit);
  Outcome o;
  o.finished = work.finished();
  o.ran = work.ran();
  work.report_outcome(report, "simulation hang: the test thread did not finish");
  testing::internal::CaptureStdout();
  o.exit_code = report.finish();
  o.out = testing::internal::GetCapturedStdout();
  return o;
}

// The workload's outcome: finished after probe and finish() is clean.
TEST(ScenarioKit, WorkloadThatFinishesIsClean) {
  const Outcome o = run_workload(
      [](kit::Workload& work, const ScenarioOptions& opt) {
        if (!work.probe(opt, board::dmac_pdata())) return 1;
        work.finish();
        return 0;
      },
      sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_TRUE(o.finished);
  EXPECT_TRUE(o.ran);
  EXPECT_EQ(o.exit_code, int(kExitClean)) << o.out;
}

// ... one that never ends is a hang (with the state the drivers dump for
// one), not a hang of the run: the time limit ends it. (No provider probed:
// its .remove would never run, and LeakSanitizer would see what it holds.)
TEST(ScenarioKit, WorkloadThatNeverFinishesIsAHang) {
  const Outcome o = run_workload(
      [](kit::Workload& work, const ScenarioOptions&) {
        kernel::this_kernel().add_hang_dump("test", [] { return std::string("chan0: ACTIVE\n"); });
        kernel::msleep(10000);  // past the limit
        work.finish();
        return 0;
      },
      sc_core::sc_time(50, sc_core::SC_MS));
  EXPECT_FALSE(o.finished);
  EXPECT_EQ(o.exit_code, int(kExitFindings));
  EXPECT_NE(o.out.find("simulation hang: the test thread did not finish"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("State at the hang:\nchan0: ACTIVE\n"), std::string::npos) << o.out;
}

// A set-up failure is reported as itself, not as a hang.
TEST(ScenarioKit, SetupFailureIsNotAHang) {
  const Outcome o = run_workload([](kit::Workload& work, const ScenarioOptions&) { return work.setup_failed("no card"); },
                                 sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_FALSE(o.finished);
  EXPECT_FALSE(o.ran);
  EXPECT_EQ(o.exit_code, int(kExitFindings));
  EXPECT_NE(o.out.find("no card"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("State at the hang"), std::string::npos) << o.out;
}

TEST(ScenarioKit, ValidatorReportsFailTheRunWithTheirContexts) {
  const ScenarioOptions opt = kit_options();
  ScenarioReport report("kit-test", opt);
  kit::fail_validator(report, {});
  EXPECT_TRUE(report.clean());
  kernel::LockReport r;
  r.rule = "V-BH-1";
  r.headline = "lock taken in two contexts";
  r.contexts = {"softirq", "process"};
  kit::fail_validator(report, {r});
  EXPECT_FALSE(report.clean());
  testing::internal::CaptureStdout();
  report.finish();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("validator V-BH-1: lock taken in two contexts [softirq | process]"), std::string::npos) << out;
}

// ---- a dmaengine client on the probed provider (Workload::start_client) ----

namespace {
struct Verdict {
  int rc;
  std::string out;
  JsonValue summary;  // summary.json
};

// Runs `body` as the client on the virt-dma provider for at most 50 ms, then
// the outcome, the closing rows and the verdict as printed and written.
// `after`, if given, runs once the verdict is taken (the System still alive).
Verdict run_client(const std::string& out_dir, std::function<bool(kit::Workload&)> body,
                   const std::function<void(kit::Workload&)>& after = nullptr) {
  ScenarioOptions opt = kit_options();
  opt.out_dir = out_dir;
  opt.quiet = true;
  ScenarioReport report("kit-test", opt);
  const PlatformConfig cfg = kit::platform_config(opt, report, "kit-test");
  System sys("sys", cfg);
  kit::Workload work(sys);
  work.start_client(opt, "kit_test_init", board::dmac_pdata(), [&](linux_c::DmacProvider&) { return body(work); });
  simulate(opt, sc_core::sc_time(50, sc_core::SC_MS));
  const kit::RunTimes times = kit::run_times(report, sys);
  work.report_outcome(report, "simulation hang: the test client did not finish");
  kit::fail_validator(report, sys.kernel.lockdep().unexpected());
  kit::rows_run_end(report, sys, times, sys.kernel.lockdep().unexpected());
  testing::internal::CaptureStdout();
  Verdict v;
  v.rc = kit::finish_report(report, opt, cfg, times);
  v.out = testing::internal::GetCapturedStdout();
  std::string error;
  EXPECT_TRUE(json_parse_file(out_dir + "/summary.json", &v.summary, &error)) << error;
  if (after) after(work);
  return v;
}
}  // namespace

TEST(ScenarioKit, ClientStillRunningAtTheLimitIsAHangWithTheDriversState) {
  // The client outlasts the 50 ms limit; afterwards the test lets it finish,
  // so the provider is removed (nothing left for LeakSanitizer).
  const Verdict v = run_client(
      "out-kit-client-hang",
      [](kit::Workload&) {
        kernel::msleep(100);
        return true;
      },
      [](kit::Workload& work) {
        EXPECT_FALSE(work.finished());
        simulate(kit_options(), sc_core::sc_time(200, sc_core::SC_MS));
        EXPECT_TRUE(work.finished());
      });
  EXPECT_EQ(v.rc, kExitFindings);
  EXPECT_NE(v.out.find("RESULT: FAILED: simulation hang: the test client did not finish"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("State at the hang:"), std::string::npos) << v.out;
  EXPECT_NE(v.summary.string("hang_state"), "");
}

TEST(ScenarioKit, ClientThatEndsCleanlyPassesWithTheClosingRowsAndFields) {
  bool finished = false;
  const Verdict v = run_client(
      "out-kit-client-clean", [](kit::Workload& work) { return work.dmac().nr_channels() > 0; },
      [&finished](kit::Workload& work) { finished = work.finished() && work.ok(); });
  EXPECT_TRUE(finished);
  EXPECT_EQ(v.rc, kExitClean) << v.out;
  EXPECT_NE(v.out.find("RESULT: clean"), std::string::npos) << v.out;
  for (const char* row : {"DMA IRQs taken", "validator reports", "simulated time", "wall time"})
    EXPECT_NE(v.out.find(row), std::string::npos) << row << "\n" << v.out;
  EXPECT_EQ(v.summary.get("hang_state"), nullptr);
  EXPECT_GT(v.summary.number("sim_seconds"), 0);
  EXPECT_GT(v.summary.number("cycles"), 0);
}

TEST(ScenarioKit, ClientThatCannotStartIsItsSetupErrorNotAHang) {
  const Verdict v = run_client("out-kit-client-setup", [](kit::Workload& work) {
    work.fail("no channel for the test");
    return false;
  });
  EXPECT_EQ(v.rc, kExitFindings);
  EXPECT_NE(v.out.find("RESULT: FAILED: no channel for the test"), std::string::npos) << v.out;
  EXPECT_EQ(v.out.find("simulation hang"), std::string::npos) << v.out;
  EXPECT_EQ(v.summary.get("hang_state"), nullptr);
}

TEST(ScenarioKit, ClientProbeFailureIsASetupError) {
  bool body_ran = false;
  ScenarioOptions opt = kit_options();
  opt.driver = "no-such-driver";  // driver_known() keeps it from a real run; here probe() sees it
  ASSERT_FALSE(linux_c::dmac_driver_known(opt.driver));
  ScenarioReport report("kit-test", opt);
  System sys("sys", kit::platform_config(opt, report, "kit-test"));
  kit::Workload work(sys);
  work.start_client(opt, "kit_test_init", board::dmac_pdata(), [&](linux_c::DmacProvider&) { return body_ran = true; });
  simulate(opt, sc_core::sc_time(10, sc_core::SC_MS));
  EXPECT_FALSE(body_ran);
  EXPECT_FALSE(work.finished());
  EXPECT_NE(work.error().find("unknown driver 'no-such-driver'"), std::string::npos) << work.error();
}
