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
#include "driver/dmaengine/dmaengine.h"
#include "driver/dmaengine/dmatest.h"
#include "driver/kernel/sched.h"
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/scenario.h"
#include "tb/scenario_kit.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim {
namespace {

using namespace kernel;
using namespace board;
namespace de = dmaengine;
using kit::read_bus;

// ---- --chain: memcpy on A, then a dependent memcpy on B ----

// One test's state.
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

// Up to kWindow tests in flight, each with three buffers (source, A's
// destination, B's destination) from the controller's coherent region.
class ChainRunner {
public:
  static constexpr unsigned kWindow = 8;

  ChainRunner(de::device* dev, unsigned buf_size, unsigned timeout_ms, uint32_t seed, chain_info* info)
      : dev_(dev), buf_size_(buf_size), timeout_ms_(timeout_ms), rnd_(seed * 2654435761u + 1), info_(info),
        tests_(kWindow), cpu_(3 * kWindow), bus_(3 * kWindow), bus_cpu_(this_kernel().cpu()) {}

  // Process context: `n` chains over up to `nr_chans` DMA_MEMCPY channels.
  void run(unsigned n, unsigned nr_chans) {
    KFUNC("memcpy_chains");
    if (!request_channels(nr_chans)) return;
    for (unsigned i = 0; i < 3 * kWindow; ++i) {
      cpu_[i] = de::dma_alloc_coherent(dev_, buf_size_, &bus_[i], de::GFP_KERNEL);
      if (!cpu_[i]) info_->errors.push_back("cannot allocate chain buffers");
    }
    for (unsigned base = 0; base < n && info_->errors.empty(); base += kWindow) {
      const unsigned batch = std::min(kWindow, n - base);
      for (unsigned k = 0; k < batch; ++k)
        if (!start(base, k)) break;
      for (unsigned k = 0; k < batch && info_->errors.empty(); ++k) check(base, k);
    }
    for (unsigned i = 0; i < 3 * kWindow; ++i)
      if (cpu_[i]) de::dma_free_coherent(dev_, buf_size_, cpu_[i], bus_[i]);
    for (auto* c : chans_) de::dma_release_channel(c);
  }

private:
  bool request_channels(unsigned nr_chans) {
    de::dma_cap_mask_t mask;
    de::dma_cap_zero(mask);
    de::dma_cap_set(de::DMA_MEMCPY, mask);
    for (unsigned i = 0; i < nr_chans; ++i) {
      de::dma_chan* c = de::dma_request_channel(mask, nullptr, nullptr);
      if (!c) break;
      chans_.push_back(c);
    }
    info_->channels = unsigned(chans_.size());
    if (chans_.size() >= 2) return true;
    info_->errors.push_back("fewer than 2 memcpy channels");
    for (auto* c : chans_) de::dma_release_channel(c);
    return false;
  }

  unsigned next_rand() { return rnd_ = rnd_ * 1103515245u + 12345u, rnd_ >> 8; }

  // Test `base + k`: the source pattern, junk where the copies land, A's
  // memcpy and B's dependent one submitted through async_tx.
  bool start(unsigned base, unsigned k) {
    chain_test& t = tests_[k];
    t.parent_done = t.out_of_order = false;
    init_completion(&t.done);
    t.src = bus_[3 * k];
    t.mid = bus_[3 * k + 1];
    t.dst = bus_[3 * k + 2];
    t.len = 1 + next_rand() % buf_size_;
    std::vector<uint8_t> v(t.len);
    for (size_t i = 0; i < t.len; ++i) v[i] = uint8_t(i * 7 + base + k + (i >> 8));
    bus_cpu_.memcpy_to_bus(t.src, v.data(), t.len);
    for (auto& b : v) b = uint8_t(~b);  // junk where the copies land
    bus_cpu_.memcpy_to_bus(t.mid, v.data(), t.len);
    bus_cpu_.memcpy_to_bus(t.dst, v.data(), t.len);
    de::dma_chan* a = chans_[(base + k) % chans_.size()];
    de::dma_chan* b = chans_[(base + k + 1) % chans_.size()];
    de::dma_async_tx_descriptor* tx1 = de::dmaengine_prep_dma_memcpy(a, t.mid, t.src, t.len, de::DMA_PREP_INTERRUPT);
    de::dma_async_tx_descriptor* tx2 = de::dmaengine_prep_dma_memcpy(b, t.dst, t.mid, t.len, de::DMA_PREP_INTERRUPT);
    if (!tx1 || !tx2) {
      info_->errors.push_back("prep_dma_memcpy failed");
      return false;
    }
    de::async_submit_ctl submit;
    de::init_async_submit(&submit, de::async_tx_flags(0), nullptr, chain_parent_cb, &t, nullptr);
    de::async_tx_submit(a, tx1, &submit);
    de::init_async_submit(&submit, de::ASYNC_TX_ACK, tx1, chain_dependent_cb, &t, nullptr);
    de::async_tx_submit(b, tx2, &submit);
    return true;
  }

  // Test `base + k` done: B's destination equals the source, B's callback after A's.
  void check(unsigned base, unsigned k) {
    chain_test& t = tests_[k];
    info_->tests++;
    if (wait_for_completion_timeout(&t.done, msecs_to_jiffies(timeout_ms_)) == 0) {
      info_->errors.push_back(strfmt("chain %u: the dependent did not complete", base + k));
      info_->failures++;
      return;
    }
    const std::vector<uint8_t> s = read_bus(bus_cpu_, t.src, t.len);
    const std::vector<uint8_t> r = read_bus(bus_cpu_, t.dst, t.len);
    if (t.out_of_order) info_->out_of_order++;
    if (s != r || t.out_of_order) {
      info_->failures++;
      if (info_->errors.size() < 20)
        info_->errors.push_back(strfmt("chain %u (%zu bytes): %s", base + k, t.len,
                                       t.out_of_order ? "dependent completed before its parent" : "data mismatch"));
    } else {
      info_->bytes += t.len;
    }
  }

  de::device* dev_;
  const unsigned buf_size_, timeout_ms_;
  uint32_t rnd_;
  chain_info* info_;
  std::vector<chain_test> tests_;
  std::vector<void*> cpu_;
  std::vector<de::dma_addr_t> bus_;
  Cpu& bus_cpu_;
  std::vector<de::dma_chan*> chans_;
};

// ---- set up ----

struct MemcpySettings {
  de::dmatest_params p;
  unsigned chain = 0;
  // Returns false (and prints why) when a setting is out of range or --chain
  // asks for what the kernel-C provider does not offer.
  bool read(const ScenarioOptions& opt) {
    p.threads_per_chan = scenario_uint(opt, "threads", 1);
    p.iterations = scenario_uint(opt, "iterations", 20);
    p.test_buf_size = scenario_uint(opt, "buf-size", 16384);
    p.max_channels = scenario_uint(opt, "channels", 0);
    p.timeout = scenario_uint(opt, "timeout", 3000);
    p.seed = opt.seed;
    chain = scenario_uint(opt, "chain", 0);
    if (chain && linux_c::dmac_driver_is_c(opt.driver)) {
      fprintf(stderr, "memcpy: --chain needs DMA_INTERRUPT and async_tx dependencies, which the kernel-C provider "
                      "(%s) does not offer\n", opt.driver.c_str());
      return false;
    }
    if (p.threads_per_chan < 1 || p.threads_per_chan > 16 || p.iterations < 1 || p.test_buf_size < 16 ||
        p.test_buf_size > (256u << 10)) {
      fprintf(stderr, "memcpy: --threads 1..16, --iterations >= 1, --buf-size 16..262144\n");
      return false;
    }
    return true;
  }
};

// ---- the workload: dmatest or the chains on the probed provider (process context) ----

struct MemcpyClient {
  MemcpyClient(const MemcpySettings& settings, bool quiet_run) : s(settings), quiet(quiet_run) {}
  const MemcpySettings& s;
  const bool quiet;
  de::dmatest_info info;
  chain_info cinfo;
  int ret = 0;
  unsigned nr_channels = 0;
  sc_core::sc_time t_start, t_end;

  // The client's body (kit::Workload::start_client).
  bool run(linux_c::DmacProvider& d) {
    const de::dmatest_params& p = s.p;
    nr_channels = d.nr_channels();
    if (!quiet)
      printf("[memcpy] %u channel(s), %u thread(s)/channel, %u iterations, buf %u bytes\n",
             p.max_channels ? std::min(p.max_channels, nr_channels) : nr_channels, p.threads_per_chan,
             p.iterations, p.test_buf_size),
          fflush(stdout);
    t_start = sc_core::sc_time_stamp();
    if (s.chain) {
      ChainRunner(d.dev(), p.test_buf_size, p.timeout, p.seed, &cinfo).run(s.chain, p.max_channels ? p.max_channels : 2);
      info.all_threads_finished = true;
      info.total_tests = cinfo.tests;
      info.total_failures = cinfo.failures;
      info.channels = cinfo.channels;
    } else {
      ret = de::dmatest_run(p, &info);
    }
    t_end = sc_core::sc_time_stamp();
    return true;
  }
};

// ---- check ----

void check_memcpy(ScenarioReport& report, System& sys, const kit::Workload& work, const MemcpyClient& client) {
  const de::dmatest_info& info = client.info;
  work.report_outcome(report, "simulation hang: dmatest did not return");
  if (work.finished() && client.ret != 0) report.fail(strfmt("dmatest_run returned %d", client.ret));
  if (work.finished() && !info.all_threads_finished) report.fail("not every dmatest thread finished");
  if (info.total_failures) report.fail(strfmt("%u of %u tests failed", info.total_failures, info.total_tests));
  if (work.finished() && info.total_tests == 0) report.fail("no test ran");
  kit::fail_validator(report, sys.kernel.lockdep().unexpected());
  for (const std::string& e : client.cinfo.errors) report.fail("chain: " + e);
}

// ---- report ----

std::string json_threads(const de::dmatest_info& info) {
  std::string thr = "[";
  for (size_t i = 0; i < info.threads.size(); ++i) {
    const auto& t = info.threads[i];
    thr += strfmt("%s{\"name\": %s, \"tests\": %u, \"failures\": %u, \"iops\": %llu, \"kbs\": %llu, \"ret\": %d}",
                  i ? ", " : "", ScenarioReport::json_escape(t.name).c_str(), t.total_tests, t.failed_tests,
                  (unsigned long long)t.iops, (unsigned long long)t.kbs, t.ret);
  }
  return thr + "]";
}

void print_dmatest_lines(const de::dmatest_info& info) {
  for (auto& s : info.summaries) printf("%s\n", s.c_str());
  for (auto& s : info.results) printf("%s\n", s.c_str());
  size_t n = 0;
  for (auto& s : info.mismatches)
    if (n++ < 20) printf("%s\n", s.c_str());
}

void report_memcpy(ScenarioReport& report, const ScenarioOptions& opt, System& sys, const MemcpyClient& client,
                   const kit::RunTimes& times) {
  const std::vector<kernel::LockReport> unexpected = sys.kernel.lockdep().unexpected();
  const de::dmatest_info& info = client.info;
  const chain_info& cinfo = client.cinfo;
  // Aggregate throughput in simulated time over the whole run (threads overlap).
  const double run_s = (client.t_end - client.t_start).to_seconds();
  uint64_t sum_iops = 0, sum_kbs = 0;
  for (auto& t : info.threads) sum_iops += t.iops, sum_kbs += t.kbs;
  const double agg_iops = run_s > 0 ? info.total_tests / run_s : 0;
  if (!opt.quiet) print_dmatest_lines(info);

  report.row("driver", opt.driver);
  report.row("channels / threads", strfmt("%u of %u / %zu", info.channels, client.nr_channels, info.threads.size()));
  report.row("tests / failures", strfmt("%u / %u", info.total_tests, info.total_failures));
  report.row("iops (sum of threads)", strfmt("%llu (aggregate %.0f over %.3f ms simulated)",
                                             (unsigned long long)sum_iops, agg_iops, run_s * 1e3));
  report.row("KB/s (sum of threads)", std::to_string(sum_kbs) + " (simulated time)");
  kit::rows_run_end(report, sys, times, unexpected);

  report.add("channels", uint64_t(info.channels));
  report.add("threads", uint64_t(info.threads.size()));
  report.add("iterations", uint64_t(client.s.p.iterations));
  report.add("buf_size", uint64_t(client.s.p.test_buf_size));
  report.add("tests", uint64_t(info.total_tests));
  report.add("test_failures", uint64_t(info.total_failures));  // ("failures" = the verdict's reasons)
  report.add("iops", sum_iops);
  report.add("kbs", sum_kbs);
  report.add("aggregate_iops", agg_iops);
  if (client.s.chain) {
    report.row("chains (A -> dependent on B) / failures", strfmt("%u / %u", cinfo.tests, cinfo.failures));
    report.add("chains", uint64_t(cinfo.tests));
    report.add("chain_failures", uint64_t(cinfo.failures));
    report.add("chain_out_of_order", uint64_t(cinfo.out_of_order));
    report.add("chain_bytes", cinfo.bytes);
  }
  report.add_raw_json("thread_results", json_threads(info));
  report.add_raw_json("validator_reports", ScenarioReport::json_reports(unexpected));
  report.add("dma_irqs", sys.kernel.irq_count(kIrqDma));
}

int run_memcpy(const ScenarioOptions& opt) {
  ScenarioReport report("memcpy", opt);
  report.add("driver", opt.driver);
  MemcpySettings settings;
  if (!kit::driver_known(opt) || !settings.read(opt)) return kExitUsage;

  const PlatformConfig cfg = kit::platform_config(opt, report, "memcpy");
  System sys("sys", cfg);
  MemcpyClient client(settings, opt.quiet);
  kit::Workload work(sys);
  // dmatest's buffers come from the provider's pool: a larger one than the board's default.
  work.start_client(opt, "memcpy_init", dmac_pdata(dmac_pool(8u << 20)),
                    [&](linux_c::DmacProvider& d) { return client.run(d); });
  // Bound: each test is at most its timeout; the run normally takes ms.
  const sc_core::sc_time limit(10.0 + double(settings.p.iterations) * settings.p.timeout / 1000.0, sc_core::SC_SEC);
  simulate(opt, limit);
  const kit::RunTimes times = kit::run_times(report, sys);

  check_memcpy(report, sys, work, client);
  report_memcpy(report, opt, sys, client, times);
  return kit::finish_report(report, opt, cfg, times);
}

ScenarioRegistrar memcpy_registrar({"memcpy", "dmatest memcpy client over all DMA channels (threads, iterations, buf-size)",
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
