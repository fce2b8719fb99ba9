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
//
// --chain=N runs async_tx dependency chains instead of dmatest: N tests, each
// a memcpy on channel A and a dependent memcpy on channel B (the next
// channel, of --channels, default 2) that copies A's destination onward
// (async_tx_submit() with depend_tx: the DMA_INTERRUPT channel switch,
// dma_run_dependencies() from A's completion tasklet). Up to 8 tests in
// flight; random length 1..buf-size; the dependent's destination must equal
// A's source (A's destination and B's destination start as junk), and B's
// callback must come after A's. Summary: chains, chain_failures,
// chain_out_of_order, chain_bytes (and tests / test_failures as dmatest).
#include <algorithm>
#include <cstdio>
#include <string>

#include "driver/dmaengine/async_tx.h"
#include "driver/dmaengine/dma-mapping.h"
#include "driver/dmaengine/dmacosim-dmac.h"
#include "driver/linux_c/dmac_provider.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/dmaengine/dmatest.h"
#include "driver/kernel/sched.h"
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim {
namespace {

using namespace kernel;
using namespace board;
namespace de = dmaengine;



// --chain: memcpy on A, then a dependent memcpy on B. One test's state.
struct chain_test {
  de::dma_addr_t src = 0, mid = 0, dst = 0;
  size_t len = 0;
  bool parent_done = false, out_of_order = false;
  completion done;
};

void chain_parent_cb(void* p) { static_cast<chain_test*>(p)->parent_done = true; }
void chain_dependent_cb(void* p) {
  auto* t = static_cast<chain_test*>(p);
  if (!t->parent_done) t->out_of_order = true;
  complete(&t->done);
}

struct chain_info {
  unsigned tests = 0, failures = 0, out_of_order = 0, channels = 0;
  uint64_t bytes = 0;
  std::vector<std::string> errors;
};

// Process context. Buffers from the controller's coherent region.
void run_chains(de::device* dev, unsigned n, unsigned nr_chans, unsigned buf_size, unsigned timeout_ms,
                uint32_t seed, chain_info* info) {
  KFUNC("memcpy_chains");
  de::dma_cap_mask_t mask;
  de::dma_cap_zero(mask);
  de::dma_cap_set(de::DMA_MEMCPY, mask);
  std::vector<de::dma_chan*> chans;
  for (unsigned i = 0; i < nr_chans; ++i) {
    de::dma_chan* c = de::dma_request_channel(mask, nullptr, nullptr);
    if (!c) break;
    chans.push_back(c);
  }
  info->channels = unsigned(chans.size());
  if (chans.size() < 2) {
    info->errors.push_back("fewer than 2 memcpy channels");
    for (auto* c : chans) de::dma_release_channel(c);
    return;
  }
  constexpr unsigned kWindow = 8;
  std::vector<chain_test> tests(kWindow);
  std::vector<void*> cpu(3 * kWindow);
  std::vector<de::dma_addr_t> bus(3 * kWindow);
  for (unsigned i = 0; i < 3 * kWindow; ++i) {
    cpu[i] = de::dma_alloc_coherent(dev, buf_size, &bus[i], de::GFP_KERNEL);
    if (!cpu[i]) info->errors.push_back("cannot allocate chain buffers");
  }
  Cpu& bus_cpu = this_kernel().cpu();
  uint32_t rnd = seed * 2654435761u + 1;
  auto next_rand = [&rnd] { return rnd = rnd * 1103515245u + 12345u, rnd >> 8; };
  for (unsigned base = 0; base < n && info->errors.empty(); base += kWindow) {
    const unsigned batch = std::min(kWindow, n - base);
    for (unsigned k = 0; k < batch; ++k) {
      chain_test& t = tests[k];
      t.parent_done = t.out_of_order = false;
      init_completion(&t.done);
      t.src = bus[3 * k];
      t.mid = bus[3 * k + 1];
      t.dst = bus[3 * k + 2];
      t.len = 1 + next_rand() % buf_size;
      std::vector<uint8_t> v(t.len);
      for (size_t i = 0; i < t.len; ++i) v[i] = uint8_t(i * 7 + base + k + (i >> 8));
      bus_cpu.memcpy_to_bus(t.src, v.data(), t.len);
      for (auto& b : v) b = uint8_t(~b);  // junk where the copies land
      bus_cpu.memcpy_to_bus(t.mid, v.data(), t.len);
      bus_cpu.memcpy_to_bus(t.dst, v.data(), t.len);
      de::dma_chan* a = chans[(base + k) % chans.size()];
      de::dma_chan* b = chans[(base + k + 1) % chans.size()];
      de::dma_async_tx_descriptor* tx1 = de::dmaengine_prep_dma_memcpy(a, t.mid, t.src, t.len, de::DMA_PREP_INTERRUPT);
      de::dma_async_tx_descriptor* tx2 = de::dmaengine_prep_dma_memcpy(b, t.dst, t.mid, t.len, de::DMA_PREP_INTERRUPT);
      if (!tx1 || !tx2) {
        info->errors.push_back("prep_dma_memcpy failed");
        break;
      }
      de::async_submit_ctl submit;
      de::init_async_submit(&submit, de::async_tx_flags(0), nullptr, chain_parent_cb, &t, nullptr);
      de::async_tx_submit(a, tx1, &submit);
      de::init_async_submit(&submit, de::ASYNC_TX_ACK, tx1, chain_dependent_cb, &t, nullptr);
      de::async_tx_submit(b, tx2, &submit);
    }
    for (unsigned k = 0; k < batch && info->errors.empty(); ++k) {
      chain_test& t = tests[k];
      info->tests++;
      bool ok = wait_for_completion_timeout(&t.done, msecs_to_jiffies(timeout_ms)) != 0;
      if (!ok) {
        info->errors.push_back(strfmt("chain %u: the dependent did not complete", base + k));
        info->failures++;
        continue;
      }
      std::vector<uint8_t> s(t.len), r(t.len);
      bus_cpu.memcpy_from_bus(s.data(), t.src, t.len);
      bus_cpu.memcpy_from_bus(r.data(), t.dst, t.len);
      if (t.out_of_order) info->out_of_order++;
      if (s != r || t.out_of_order) {
        info->failures++;
        if (info->errors.size() < 20)
          info->errors.push_back(strfmt("chain %u (%zu bytes): %s", base + k, t.len,
                                        t.out_of_order ? "dependent completed before its parent" : "data mismatch"));
      } else {
        info->bytes += t.len;
      }
    }
  }
  for (unsigned i = 0; i < 3 * kWindow; ++i)
    if (cpu[i]) de::dma_free_coherent(dev, buf_size, cpu[i], bus[i]);
  for (auto* c : chans) de::dma_release_channel(c);
}

int run_memcpy(const ScenarioOptions& opt) {
  ScenarioReport report("memcpy", opt);
  report.add("driver", opt.driver);
  if (!linux_c::dmac_driver_known(opt.driver)) {
    fprintf(stderr, "memcpy: unknown driver '%s' (%s)\n", opt.driver.c_str(), linux_c::dmac_driver_names());
    return 2;
  }
  de::dmatest_params p;
  p.threads_per_chan = scenario_uint(opt, "threads", 1);
  p.iterations = scenario_uint(opt, "iterations", 20);
  p.test_buf_size = scenario_uint(opt, "buf-size", 16384);
  p.max_channels = scenario_uint(opt, "channels", 0);
  p.timeout = scenario_uint(opt, "timeout", 3000);
  p.seed = opt.seed;
  const unsigned chain = scenario_uint(opt, "chain", 0);
  if (chain && linux_c::dmac_driver_is_c(opt.driver)) {
    fprintf(stderr, "memcpy: --chain needs DMA_INTERRUPT and async_tx dependencies, which the kernel-C provider "
                    "(%s) does not offer\n", opt.driver.c_str());
    return 2;
  }
  chain_info cinfo;
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
    linux_c::DmacProvider d;  // the provider --driver names; dmatest's buffers come from its pool
    if (!d.probe(opt.driver, board::dmac_pdata(board::dmac_pool(8u << 20)), &setup_error)) {
      sc_core::sc_stop();
      return 1;
    }
    nr_channels = d.nr_channels();
    if (!opt.quiet)
      printf("[memcpy] %u channel(s), %u thread(s)/channel, %u iterations, buf %u bytes\n",
             p.max_channels ? std::min(p.max_channels, nr_channels) : nr_channels, p.threads_per_chan,
             p.iterations, p.test_buf_size),
          fflush(stdout);
    t_start = sc_core::sc_time_stamp();
    if (chain) {
      run_chains(d.dev(), chain, p.max_channels ? p.max_channels : 2, p.test_buf_size, p.timeout, p.seed, &cinfo);
      info.all_threads_finished = true;
      info.total_tests = cinfo.tests;
      info.total_failures = cinfo.failures;
      info.channels = cinfo.channels;
    } else {
      ret = de::dmatest_run(p, &info);
    }
    t_end = sc_core::sc_time_stamp();
    end_state = d.check_quiescent();  // strict oracle: nothing left running or pending
    end_state += d.remove();  // the provider's .remove: frees what probe allocated (LeakSanitizer)
    finished = true;
    sc_core::sc_stop();
    return 0;
  });

  // Bound: each test is at most its timeout; the run normally takes ms.
  const sc_core::sc_time limit(10.0 + double(p.iterations) * p.timeout / 1000.0, sc_core::SC_SEC);
  simulate(opt, limit);
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
  for (const std::string& e : cinfo.errors) report.fail("chain: " + e);

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
  if (chain) {
    report.row("chains (A -> dependent on B) / failures", strfmt("%u / %u", cinfo.tests, cinfo.failures));
    report.add("chains", uint64_t(cinfo.tests));
    report.add("chain_failures", uint64_t(cinfo.failures));
    report.add("chain_out_of_order", uint64_t(cinfo.out_of_order));
    report.add("chain_bytes", cinfo.bytes);
  }
  std::string thr = "[";
  for (size_t i = 0; i < info.threads.size(); ++i) {
    const auto& t = info.threads[i];
    thr += strfmt("%s{\"name\": %s, \"tests\": %u, \"failures\": %u, \"iops\": %llu, \"kbs\": %llu, \"ret\": %d}",
                  i ? ", " : "", ScenarioReport::json_escape(t.name).c_str(), t.total_tests, t.failed_tests,
                  (unsigned long long)t.iops, (unsigned long long)t.kbs, t.ret);
  }
  report.add_raw_json("thread_results", thr + "]");
  report.add_raw_json("validator_reports", ScenarioReport::json_reports(unexpected));
  report.add("dma_irqs", sys.kernel.irq_count(kIrqDma));
  report.add("sim_seconds", sim_s);
  report.add("cycles", cycles);
  if (opt.trace) report.write_save_file("memcpy", cfg.fst_path);
  return report.finish();
}

ScenarioRegistrar reg({"memcpy", "dmatest memcpy client over all DMA channels (threads, iterations, buf-size)",
                       run_memcpy,
                       {
                           {"threads", "1", "dmatest threads per channel (1..16)", "threads_per_chan"},
                           {"iterations", "20", "tests per thread", "iterations"},
                           {"buf-size", "16384", "test buffer bytes (16..262144)", "test_buf_size"},
                           {"channels", "0", "channels to use (0 = all)", "max_channels"},
                           {"timeout", "3000", "per-transfer timeout, ms", "timeout"},
                           {"chain", "0", "N async_tx dependency chains (memcpy on one channel, dependent memcpy on "
                                          "another) instead of dmatest (0 = dmatest)"},
                       }});

}  // namespace
}  // namespace dmacosim
