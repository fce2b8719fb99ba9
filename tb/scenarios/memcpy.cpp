// Scenario "memcpy": the dmatest client (drivers/dma/dmatest.c style) over
// the DMA_MEMCPY channels of the dmac, through the dmaengine API and the
// dmacosim-dmac provider (lock policy from --driver), under the lock
// validator.
//
// init probes the controller, then runs dmatest_run() (process context):
// `threads` kthreads per channel on up to `channels` channels (0 = all),
// `iterations` tests each, random length/offsets within `buf-size` bytes,
// every byte of source and destination verified (dmatest's patterns).
//
// Options: --driver, --seed, --out, --quiet; extra: --threads=N (per
// channel, default 1), --iterations=N (default 20), --buf-size=BYTES
// (default 16384), --channels=N (default 0 = all), --timeout=MS (default 3000).
// Exit 0 only with every thread finished, zero failures and no validator report.
#include <algorithm>
#include <cstdio>
#include <string>

#include "driver/dmaengine/dmacosim-dmac.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/dmaengine/dmatest.h"
#include "driver/kernel/sched.h"
#include "models/log.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim {
namespace {

using namespace kernel;
using namespace platform;
namespace de = dmaengine;

unsigned opt_uint(const ScenarioOptions& opt, const char* key, unsigned def) {
  auto it = opt.extra.find(key);
  return it == opt.extra.end() ? def : unsigned(std::stoul(it->second, nullptr, 0));
}

std::string json_reports(const std::vector<LockReport>& reps) {
  std::string s = "[";
  for (size_t i = 0; i < reps.size(); ++i)
    s += std::string(i ? ", " : "") + "{\"rule\": " + ScenarioReport::json_escape(reps[i].rule) +
         ", \"message\": " + ScenarioReport::json_escape(reps[i].headline) + "}";
  return s + "]";
}

int run_memcpy(const ScenarioOptions& opt) {
  ScenarioReport report("memcpy", opt);
  report.add("driver", opt.driver);
  de::DmacLockPolicy policy;
  if (!de::dmac_lock_policy_from_string(opt.driver, &policy)) {
    fprintf(stderr, "memcpy: unknown driver '%s'\n", opt.driver.c_str());
    return 2;
  }
  de::dmatest_params p;
  p.threads_per_chan = opt_uint(opt, "threads", 1);
  p.iterations = opt_uint(opt, "iterations", 20);
  p.test_buf_size = opt_uint(opt, "buf-size", 16384);
  p.max_channels = opt_uint(opt, "channels", 0);
  p.timeout = opt_uint(opt, "timeout", 3000);
  p.seed = opt.seed;
  if (p.threads_per_chan < 1 || p.threads_per_chan > 16 || p.iterations < 1 || p.test_buf_size < 16 ||
      p.test_buf_size > (256u << 10)) {
    fprintf(stderr, "memcpy: --threads 1..16, --iterations >= 1, --buf-size 16..262144\n");
    return 2;
  }

  PlatformConfig cfg;
  cfg.idle_skipping = opt.idle_skipping;
  if (opt.trace) cfg.fst_path = report.out_path("memcpy.fst");
  System sys("sys", cfg);

  de::dmatest_info info;
  int ret = 0;
  bool finished = false;
  std::string setup_error;
  std::string end_state;  // dmac_dbg_check_quiescent() before .remove
  unsigned nr_channels = 0;
  sc_core::sc_time t_start, t_end;

  sys.start_init([&]() -> int {
    KFUNC("memcpy_init");
    de::dmac_platform_data pd;
    pd.name = "dmac";
    pd.regs = kDmaRegsBase;
    pd.irq = kIrqDma;
    pd.coherent_base = kRamBase + (4u << 20);
    pd.coherent_size = 8u << 20;
    pd.policy = policy;
    de::dmac_device* d = de::dmac_probe(pd);
    if (!d) {
      setup_error = "dmac_probe failed";
      sc_core::sc_stop();
      return 1;
    }
    nr_channels = d->nr_channels;
    if (!opt.quiet)
      printf("[memcpy] %u channel(s), %u thread(s)/channel, %u iterations, buf %u bytes\n",
             p.max_channels ? std::min(p.max_channels, nr_channels) : nr_channels, p.threads_per_chan,
             p.iterations, p.test_buf_size),
          fflush(stdout);
    t_start = sc_core::sc_time_stamp();
    ret = de::dmatest_run(p, &info);
    t_end = sc_core::sc_time_stamp();
    end_state = de::dmac_dbg_check_quiescent(d);  // strict oracle: nothing left running or pending
    de::dmac_remove(d);  // the provider's .remove: frees what probe allocated (LeakSanitizer)
    finished = true;
    sc_core::sc_stop();
    return 0;
  });

  // Bound: each test is at most its timeout; the run normally takes ms.
  const sc_core::sc_time limit(10.0 + double(p.iterations) * p.timeout / 1000.0, sc_core::SC_SEC);
  sc_core::sc_start(limit);
  const double sim_s = sc_core::sc_time_stamp().to_seconds();
  const double wall = report.wall_seconds();
  const uint64_t cycles = sys.hw.dmac.cycles();
  const auto unexpected = sys.kernel.lockdep().unexpected();

  if (sys.kernel.fatal()) report.fail("kernel: " + sys.kernel.fatal_message());
  if (!end_state.empty()) report.fail("DMA not quiescent at the end of the run:\n" + end_state);
  if (!setup_error.empty()) report.fail(setup_error);
  if (!finished && setup_error.empty()) report.fail_hang("simulation hang: dmatest did not return", sys.kernel.hang_dumps());
  if (finished && ret != 0) report.fail(strfmt("dmatest_run returned %d", ret));
  if (finished && !info.all_threads_finished) report.fail("not every dmatest thread finished");
  if (info.total_failures) report.fail(strfmt("%u of %u tests failed", info.total_failures, info.total_tests));
  if (finished && info.total_tests == 0) report.fail("no test ran");
  for (const LockReport& r : unexpected) report.fail("validator " + r.rule + ": " + r.headline);

  // Aggregate throughput in simulated time over the whole run (threads overlap).
  const double run_s = (t_end - t_start).to_seconds();
  uint64_t sum_iops = 0, sum_kbs = 0;
  for (auto& t : info.threads) sum_iops += t.iops, sum_kbs += t.kbs;
  const double agg_iops = run_s > 0 ? info.total_tests / run_s : 0;

  if (!opt.quiet) {
    for (auto& s : info.summaries) printf("%s\n", s.c_str());
    for (auto& s : info.results) printf("%s\n", s.c_str());
    size_t n = 0;
    for (auto& s : info.mismatches)
      if (n++ < 20) printf("%s\n", s.c_str());
  }

  report.row("driver", opt.driver);
  report.row("channels / threads", strfmt("%u of %u / %zu", info.channels, nr_channels, info.threads.size()));
  report.row("tests / failures", strfmt("%u / %u", info.total_tests, info.total_failures));
  report.row("iops (sum of threads)", strfmt("%llu (aggregate %.0f over %.3f ms simulated)",
                                             (unsigned long long)sum_iops, agg_iops, run_s * 1e3));
  report.row("KB/s (sum of threads)", std::to_string(sum_kbs) + " (simulated time)");
  report.row("DMA IRQs taken", std::to_string(sys.kernel.irq_count(kIrqDma)));
  report.row("validator reports", std::to_string(unexpected.size()));
  for (const LockReport& r : unexpected) report.row("  " + r.rule, r.headline);
  report.row("simulated time", strfmt("%.6f s", sim_s));
  report.row("wall time", strfmt("%.2f s (%.2f M simulated DMA cycles/s)", wall, wall > 0 ? cycles / wall / 1e6 : 0));

  report.add("channels", uint64_t(info.channels));
  report.add("threads", uint64_t(info.threads.size()));
  report.add("iterations", uint64_t(p.iterations));
  report.add("buf_size", uint64_t(p.test_buf_size));
  report.add("tests", uint64_t(info.total_tests));
  report.add("test_failures", uint64_t(info.total_failures));  // ("failures" = the verdict's reasons)
  report.add("iops", sum_iops);
  report.add("kbs", sum_kbs);
  report.add("aggregate_iops", agg_iops);
  std::string thr = "[";
  for (size_t i = 0; i < info.threads.size(); ++i) {
    const auto& t = info.threads[i];
    thr += strfmt("%s{\"name\": %s, \"tests\": %u, \"failures\": %u, \"iops\": %llu, \"kbs\": %llu, \"ret\": %d}",
                  i ? ", " : "", ScenarioReport::json_escape(t.name).c_str(), t.total_tests, t.failed_tests,
                  (unsigned long long)t.iops, (unsigned long long)t.kbs, t.ret);
  }
  report.add_raw_json("thread_results", thr + "]");
  report.add_raw_json("validator_reports", json_reports(unexpected));
  report.add("dma_irqs", sys.kernel.irq_count(kIrqDma));
  report.add("sim_seconds", sim_s);
  report.add("cycles", cycles);
  if (opt.trace) report.write_save_file("memcpy", cfg.fst_path);
  return report.finish();
}

ScenarioRegistrar reg({"memcpy", "dmatest memcpy client over all DMA channels (threads, iterations, buf-size)",
                       run_memcpy});

}  // namespace
}  // namespace dmacosim
