// Scenario "faults": bus errors during DMA transfers, reported through the
// dmaengine API, and recovery; plus a table of bad API calls.
//
// init probes the controller (lock policy from --driver), takes a DMA_MEMCPY
// channel and runs, for each fault:
//   1. the fault is armed (RAM error-range injection on the source, the
//      destination, or the descriptor memory = the provider's coherent pool;
//      or a source / destination at an unmapped bus address);
//   2. a memcpy is prepared (DMA_PREP_INTERRUPT | DMA_CTRL_ACK) with
//      callback_result, submitted and issued; for the "queued" fault a second,
//      good memcpy is submitted behind the failing one;
//   3. expected: exactly one callback with DMA_TRANS_READ_FAILED (source,
//      descriptor, unmapped source) or DMA_TRANS_WRITE_FAILED (destination,
//      unmapped destination), tx_status DMA_ERROR; for "queued" the good
//      transfer behind it is not started while the channel is halted (no
//      callback, destination untouched);
//   4. recovery: injection cleared, dmaengine_terminate_sync() == 0, then a
//      fresh memcpy on the same channel must complete DMA_TRANS_NOERROR with
//      the destination bit-exact and the guard bytes around it untouched.
// Then a table of bad API calls (prep with bad arguments -> NULL,
// slave_config with bad widths/bursts -> -EINVAL, resume of a running
// channel, tx_status of bogus cookies, dma_request_chan for an unknown
// device), each with its expected and actual result.
// Exit 0 when every fault was reported as expected, the channel recovered
// each time, every bad call got its expected result, and no validator report.
//
// Options: --driver, --seed, --out, --trace, --quiet; extra: --len=BYTES
// (default 8192).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "driver/dmaengine/dmacosim-dmac.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/kernel/sched.h"
#include "models/audio_port.h"
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
using kit::ResultCallback;

constexpr uint64_t kUnmapped = 0x5000'0000;  // no target on the bus
constexpr unsigned kGuard = 64;

struct FaultCase {
  std::string name;
  de::dmaengine_tx_result expected;
  // outcome
  int calls = 0;
  de::dmaengine_tx_result got = de::DMA_TRANS_NOERROR;
  uint32_t residue = 0;
  de::dma_status status = de::DMA_COMPLETE;
  bool queued_ok = true;  // "queued": the second transfer was held back
  int terminate_ret = -1;
  bool recovered = false;  // the next transfer: NOERROR + exact + guards
  std::string note;
  bool ok() const {
    return calls == 1 && got == expected && status == de::DMA_ERROR && queued_ok && terminate_ret == 0 && recovered;
  }
};

struct BadCall {
  std::string call, expected, got;
  bool ok;
};

// One fault of the campaign: the copy it breaks and how.
struct Plan {
  const char* name;
  de::dmaengine_tx_result expected;
  uint64_t d, s;
  uint64_t lo, hi;  // absolute range to inject (0 = none)
  bool inject_after_submit;  // descriptor memory: armed after prep wrote it
  bool queued;
};

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t((i * 167 + seed * 13 + (i >> 9)) & 0xff);
  return v;
}

// ---- set up ----

struct FaultsSettings {
  size_t len = 0;
  // Returns false (and prints the range) when --len is out of range.
  bool read(const ScenarioOptions& opt) {
    len = scenario_uint(opt, "len", 8192);
    if (len >= 64 && len <= (1u << 20)) return true;
    fprintf(stderr, "faults: --len 64..1048576\n");
    return false;
  }
};

// ---- the workload: the client on the probed provider (process context) ----

class FaultsClient {
public:
  FaultsClient(System& sys, size_t len, uint32_t seed, Region pool)
      : cpu_(sys.hw.cpu), ram_(sys.hw.ram), len_(len), seed_(seed), pool_(pool) {}

  // The client's body (kit::Workload::start_client): a DMA_MEMCPY channel, a
  // fault-free copy, every fault, the bad calls.
  bool run(kit::Workload& work) {
    de::dma_cap_mask_t mask;
    de::dma_cap_zero(mask);
    de::dma_cap_set(de::DMA_MEMCPY, mask);
    chan_ = de::dma_request_channel(mask, nullptr, nullptr);
    if (!chan_) {
      work.fail("no DMA_MEMCPY channel");
      return false;
    }
    std::string why;
    if (!good_copy(dst_, &why)) {
      work.fail("the first (fault-free) copy failed: " + why);
      de::dma_release_channel(chan_);
      return false;
    }
    for (const Plan& pl : plans()) run_fault(pl);
    bad_calls();
    de::dmaengine_terminate_sync(chan_);
    de::dma_release_channel(chan_);
    return true;
  }

  std::vector<FaultCase> faults;
  std::vector<BadCall> bad;

private:
  std::vector<Plan> plans() const {
    const uint64_t len = len_;
    return {
        {"source read error (RAM, mid-buffer)", de::DMA_TRANS_READ_FAILED, dst_, src_, src_ + len / 2, src_ + len / 2 + 8, false, false},
        {"destination write error (RAM)", de::DMA_TRANS_WRITE_FAILED, dst_, src_, dst_ + len / 3, dst_ + len / 3 + 4, false, false},
        {"descriptor read error (RAM, coherent pool)", de::DMA_TRANS_READ_FAILED, dst_, src_, pool_.base, pool_.end(), true, false},
        {"source at unmapped address", de::DMA_TRANS_READ_FAILED, dst_, kUnmapped, 0, 0, false, false},
        {"destination at unmapped address", de::DMA_TRANS_WRITE_FAILED, kUnmapped, src_, 0, 0, false, false},
        {"source error with a transfer queued behind", de::DMA_TRANS_READ_FAILED, dst_, src_, src_ + 16, src_ + 24, false, true},
    };
  }

  // Prep + submit one memcpy with a callback; false on prep or submit failure.
  bool submit(uint64_t d, uint64_t s, size_t n, ResultCallback* cb, de::dma_cookie_t* cookie) {
    cb->arm();
    de::dma_async_tx_descriptor* tx =
        de::dmaengine_prep_dma_memcpy(chan_, d, s, n, de::DMA_PREP_INTERRUPT | de::DMA_CTRL_ACK);
    if (!tx) return false;
    cb->attach(tx);
    *cookie = de::dmaengine_submit(tx);
    return !de::dma_submit_error(*cookie);
  }

  // A good copy src -> d with guards around d: NOERROR + exact + guards intact.
  bool good_copy(uint64_t d, std::string* why) {
    const auto pat = pattern(len_, ++seed_);
    cpu_.memcpy_to_bus(src_, pat.data(), len_);
    std::vector<uint8_t> poison(len_ + 2 * kGuard, 0xA5);
    cpu_.memcpy_to_bus(d - kGuard, poison.data(), poison.size());
    ResultCallback cb;
    de::dma_cookie_t cookie = 0;
    if (!submit(d, src_, len_, &cb, &cookie)) {
      *why = "prep/submit failed";
      return false;
    }
    de::dma_async_issue_pending(chan_);
    if (!wait_for_completion_timeout(&cb.done, msecs_to_jiffies(50))) {
      *why = "no callback";
      return false;
    }
    const std::vector<uint8_t> got = read_bus(cpu_, d - kGuard, len_ + 2 * kGuard);
    if (cb.calls != 1 || cb.res.result != de::DMA_TRANS_NOERROR)
      *why = strfmt("callback %d x %s", cb.calls, de::dmaengine_tx_result_name(cb.res.result));
    else if (memcmp(got.data() + kGuard, pat.data(), len_) != 0)
      *why = "data mismatch";
    else if (!guards_intact(got))
      *why = "guard bytes written";
    else if (de::dmaengine_tx_status(chan_, cookie, nullptr) != de::DMA_COMPLETE)
      *why = "tx_status not COMPLETE";
    else
      return true;
    return false;
  }
  bool guards_intact(const std::vector<uint8_t>& got) const {
    for (unsigned i = 0; i < kGuard; ++i)
      if (got[i] != 0xA5 || got[kGuard + len_ + i] != 0xA5) return false;
    return true;
  }

  // Arm the fault, run the copy it breaks, record the outcome, recover.
  void run_fault(const Plan& pl) {
    faults.push_back(FaultCase{});
    FaultCase& f = faults.back();
    f.name = pl.name;
    f.expected = pl.expected;
    // The fault's log lines are expected: labelled, not failures.
    const std::string why = std::string("injected fault: ") + pl.name;
    ExpectedLog expected_error(LogLevel::Warn, "transfer error", why);
    // Every burst the DMA has in flight when the first one fails also hits
    // the hole: up to MAX_OUTSTANDING reads of one 4 KiB page (a burst never
    // crosses 4 KiB), so the expected lines name the page, not one address.
    ExpectedLog expected_decerr(LogLevel::Error, strfmt("unmapped address 0x%llx", (unsigned long long)(kUnmapped >> 12)),
                                why);
    const auto pat = pattern(len_, ++seed_);
    cpu_.memcpy_to_bus(src_, pat.data(), len_);
    const std::vector<uint8_t> poison2(len_, 0x5A);
    if (pl.queued) cpu_.memcpy_to_bus(dst2_, poison2.data(), len_);
    if (pl.lo && !pl.inject_after_submit) ram_.inject_error_range(pl.lo - kRamBase, pl.hi - kRamBase);
    ResultCallback cb, cb2;
    de::dma_cookie_t cookie = 0, cookie2 = 0;
    if (!submit(pl.d, pl.s, len_, &cb, &cookie)) {
      f.note = "prep/submit failed";
      ram_.clear_error_injection();
      return;
    }
    if (pl.queued && !submit(dst2_, src_, len_, &cb2, &cookie2)) f.note = "second prep/submit failed";
    if (pl.lo && pl.inject_after_submit) ram_.inject_error_range(pl.lo - kRamBase, pl.hi - kRamBase);
    de::dma_async_issue_pending(chan_);
    if (!wait_for_completion_timeout(&cb.done, msecs_to_jiffies(50))) f.note = "no callback within 50 ms";
    msleep(2);  // a queued transfer would have run by now
    f.calls = cb.calls;
    f.got = cb.res.result;
    f.residue = cb.res.residue;
    f.status = de::dmaengine_tx_status(chan_, cookie, nullptr);
    ram_.clear_error_injection();
    if (pl.queued) {
      const std::vector<uint8_t> got2 = read_bus(cpu_, dst2_, len_);
      f.queued_ok = cb2.calls == 0 && got2 == poison2;
      if (!f.queued_ok) f.note = strfmt("queued transfer ran while halted (callbacks %d)", cb2.calls);
    }
    f.terminate_ret = de::dmaengine_terminate_sync(chan_);
    std::string w;
    f.recovered = good_copy(dst_, &w);
    if (!f.recovered) f.note += (f.note.empty() ? "" : "; ") + std::string("recovery: ") + w;
    if (pl.queued && cb2.calls) f.queued_ok = false;  // dropped by terminate: never called back
  }

  void add(const std::string& call, const std::string& exp, const std::string& got) {
    bad.push_back(BadCall{call, exp, got, exp == got});
  }
  static std::string ptr(const void* p) { return std::string(p ? (de::IS_ERR(p) ? "ERR_PTR" : "descriptor") : "NULL"); }
  static std::string err(long e) {
    return e == 0 ? std::string("0") : e == -EINVAL ? std::string("-EINVAL") : e == -ENODEV ? std::string("-ENODEV")
                                                                                            : std::to_string(e);
  }

  // The bad API calls, each with its expected result; then the channel still works.
  void bad_calls() {
    const uint64_t src = src_, dst = dst_;
    de::dma_chan* chan = chan_;
    add("prep_dma_memcpy(len 0)", "NULL", ptr(de::dmaengine_prep_dma_memcpy(chan, dst, src, 0, 0)));
    add("prep_dma_memcpy(dst beyond 32-bit bus)", "NULL",
        ptr(de::dmaengine_prep_dma_memcpy(chan, 0x1'0000'0000ull, src, 16, 0)));
    add("prep_dma_memcpy(src wraps the bus)", "NULL", ptr(de::dmaengine_prep_dma_memcpy(chan, dst, 0xFFFF'FFF0ull, 64, 0)));
    add("prep_slave_single(no slave config)", "NULL",
        ptr(de::dmaengine_prep_slave_single(chan, src, 64, de::DMA_MEM_TO_DEV, 0)));
    add("prep_dma_cyclic(no slave config)", "NULL",
        ptr(de::dmaengine_prep_dma_cyclic(chan, src, 1024, 256, de::DMA_MEM_TO_DEV, 0)));
    add("prep_dma_memset(no memset op)", "NULL", ptr(de::dmaengine_prep_dma_memset(chan, dst, 0, 64, 0)));
    add("prep_slave_sg(NULL, 0)", "NULL", ptr(de::dmaengine_prep_slave_sg(chan, nullptr, 0, de::DMA_MEM_TO_DEV, 0)));
    de::dma_slave_config sc;
    sc.direction = de::DMA_MEM_TO_DEV;
    sc.dst_addr = kAudioBase + AudioPort::FIFO_DATA;
    sc.dst_addr_width = de::DMA_SLAVE_BUSWIDTH_3_BYTES;
    add("slave_config(width 3 bytes)", "-EINVAL", err(de::dmaengine_slave_config(chan, &sc)));
    sc.dst_addr_width = de::DMA_SLAVE_BUSWIDTH_16_BYTES;
    add("slave_config(width 16 > data bus)", "-EINVAL", err(de::dmaengine_slave_config(chan, &sc)));
    sc.dst_addr_width = de::DMA_SLAVE_BUSWIDTH_4_BYTES;
    sc.dst_maxburst = 1000;
    add("slave_config(maxburst 1000)", "-EINVAL", err(de::dmaengine_slave_config(chan, &sc)));
    sc.dst_maxburst = 8;
    sc.device_fc = true;
    add("slave_config(device_fc)", "-EINVAL", err(de::dmaengine_slave_config(chan, &sc)));
    sc.device_fc = false;
    sc.slave_id = kDreqAudioTx;
    add("slave_config(valid)", "0", err(de::dmaengine_slave_config(chan, &sc)));
    add("prep_dma_cyclic(period 0)", "NULL",
        ptr(de::dmaengine_prep_dma_cyclic(chan, src, 1024, 0, de::DMA_MEM_TO_DEV, 0)));
    add("prep_dma_cyclic(buf not a period multiple)", "NULL",
        ptr(de::dmaengine_prep_dma_cyclic(chan, src, 1024, 254, de::DMA_MEM_TO_DEV, 0)));
    add("prep_slave_single(len not a width multiple)", "NULL",
        ptr(de::dmaengine_prep_slave_single(chan, src, 6, de::DMA_MEM_TO_DEV, 0)));
    add("prep_slave_single(DMA_MEM_TO_MEM)", "NULL",
        ptr(de::dmaengine_prep_slave_single(chan, src, 64, de::DMA_MEM_TO_MEM, 0)));
    de::scatterlist sgl[2];
    de::sg_init_table(sgl, 2);
    de::sg_dma_address(&sgl[0]) = src;
    de::sg_dma_len(&sgl[0]) = 64;
    de::sg_dma_address(&sgl[1]) = src + 128;
    de::sg_dma_len(&sgl[1]) = 0;
    add("prep_slave_sg(an entry of length 0)", "NULL",
        ptr(de::dmaengine_prep_slave_sg(chan, sgl, 2, de::DMA_MEM_TO_DEV, 0)));
    add("resume(channel not paused)", "-EINVAL", err(de::dmaengine_resume(chan)));
    add("tx_status(cookie -EINVAL)", "DMA_COMPLETE", de::dma_status_name(de::dmaengine_tx_status(chan, -EINVAL, nullptr)));
    // Linux answers DMA_COMPLETE (dma_cookie_status()): the client checks dma_submit_error().
    add("tx_status(cookie 0)", "DMA_COMPLETE", de::dma_status_name(de::dmaengine_tx_status(chan, 0, nullptr)));
    de::device nodev{"no-such-device"};
    de::dma_chan* e = de::dma_request_chan(&nodev, "tx");
    add("dma_request_chan(unknown device)", "-ENODEV", de::IS_ERR(e) ? err(de::PTR_ERR(e)) : ptr(e));
    // After all that the channel still works.
    std::string w;
    add("memcpy after the bad calls", "exact", good_copy(dst, &w) ? "exact" : w);
  }

  Cpu& cpu_;
  Ram& ram_;
  const size_t len_;
  uint32_t seed_;
  const Region pool_;
  de::dma_chan* chan_ = nullptr;
  const uint64_t src_ = kRamBase + 0x100000 + 3, dst_ = kRamBase + 0x300000 + 5, dst2_ = kRamBase + 0x500000 + 1;
};

// ---- check ----

void check_faults(ScenarioReport& report, System& sys, const kit::Workload& work, const FaultsClient& client) {
  work.report_outcome(report, "simulation hang: the init thread did not finish");
  for (auto& f : client.faults)
    if (!f.ok())
      report.fail(strfmt("fault '%s': %d callback(s) %s (expected %s), tx_status %s, terminate %d, %s%s%s",
                         f.name.c_str(), f.calls, de::dmaengine_tx_result_name(f.got), de::dmaengine_tx_result_name(f.expected),
                         de::dma_status_name(f.status), f.terminate_ret, f.recovered ? "recovered" : "NOT recovered",
                         f.note.empty() ? "" : ": ", f.note.c_str()));
  for (auto& b : client.bad)
    if (!b.ok) report.fail("bad call " + b.call + ": expected " + b.expected + ", got " + b.got);
  if (work.finished() && client.faults.empty()) report.fail("no fault ran");
  kit::fail_validator(report, sys.kernel.lockdep().unexpected());
}

// ---- report ----

void print_tables(const FaultsClient& client) {
  printf("\n%-46s %-13s %-13s %-8s %-16s %s\n", "fault", "expected", "callback", "residue", "tx_status",
         "terminate_sync -> next transfer");
  for (auto& f : client.faults)
    printf("%-46s %-13s %-13s %-8u %-16s %d -> %s%s\n", f.name.c_str(), de::dmaengine_tx_result_name(f.expected),
           f.calls ? de::dmaengine_tx_result_name(f.got) : "(none)", f.residue, de::dma_status_name(f.status), f.terminate_ret,
           f.recovered ? "exact" : "FAILED", f.ok() ? "" : "   <-- NOT AS EXPECTED");
  printf("\n%-46s %-10s %-10s\n", "bad API call", "expected", "got");
  for (auto& b : client.bad)
    printf("%-46s %-10s %-10s%s\n", b.call.c_str(), b.expected.c_str(), b.got.c_str(), b.ok ? "" : "   <-- WRONG");
}

std::string json_faults(const std::vector<FaultCase>& faults) {
  std::string fj = "[";
  for (size_t i = 0; i < faults.size(); ++i) {
    const FaultCase& f = faults[i];
    fj += strfmt("%s\n    {\"fault\": %s, \"expected\": \"%s\", \"result\": \"%s\", \"callbacks\": %d, \"residue\": %u, "
                 "\"tx_status\": \"%s\", \"terminate_sync\": %d, \"recovered\": %s, \"ok\": %s}",
                 i ? "," : "", ScenarioReport::json_escape(f.name).c_str(), de::dmaengine_tx_result_name(f.expected),
                 de::dmaengine_tx_result_name(f.got), f.calls, f.residue, de::dma_status_name(f.status), f.terminate_ret,
                 f.recovered ? "true" : "false", f.ok() ? "true" : "false");
  }
  return fj + (faults.empty() ? "]" : "\n  ]");
}

std::string json_bad_calls(const std::vector<BadCall>& bad) {
  std::string bj = "[";
  for (size_t i = 0; i < bad.size(); ++i)
    bj += strfmt("%s\n    {\"call\": %s, \"expected\": %s, \"got\": %s, \"ok\": %s}", i ? "," : "",
                 ScenarioReport::json_escape(bad[i].call).c_str(), ScenarioReport::json_escape(bad[i].expected).c_str(),
                 ScenarioReport::json_escape(bad[i].got).c_str(), bad[i].ok ? "true" : "false");
  return bj + (bad.empty() ? "]" : "\n  ]");
}

void report_faults(ScenarioReport& report, const ScenarioOptions& opt, System& sys, const FaultsClient& client,
                   const kit::RunTimes& times) {
  const std::vector<kernel::LockReport> unexpected = sys.kernel.lockdep().unexpected();
  unsigned faults_ok = 0, bad_ok = 0;
  for (auto& f : client.faults) faults_ok += f.ok();
  for (auto& b : client.bad) bad_ok += b.ok;
  if (!opt.quiet) print_tables(client);
  report.row("driver", opt.driver);
  report.row("faults reported as expected", strfmt("%u of %zu", faults_ok, client.faults.size()));
  report.row("bad API calls rejected", strfmt("%u of %zu", bad_ok, client.bad.size()));
  report.row("RAM errors injected", std::to_string(sys.hw.ram.injected_error_count()));
  kit::rows_run_end(report, sys, times, unexpected);

  report.add("faults_total", uint64_t(client.faults.size()));
  report.add("faults_ok", uint64_t(faults_ok));
  report.add("bad_calls_total", uint64_t(client.bad.size()));
  report.add("bad_calls_ok", uint64_t(bad_ok));
  report.add_raw_json("faults", json_faults(client.faults));
  report.add_raw_json("bad_calls", json_bad_calls(client.bad));
  report.add_raw_json("validator_reports", ScenarioReport::json_reports(unexpected));
  report.add("ram_errors_injected", sys.hw.ram.injected_error_count());
}

int run_faults(const ScenarioOptions& opt) {
  ScenarioReport report("faults", opt);
  report.add("driver", opt.driver);
  FaultsSettings settings;
  if (!kit::driver_known(opt) || !settings.read(opt)) return kExitUsage;

  const PlatformConfig cfg = kit::platform_config(opt, report, "faults");
  System sys("sys", cfg);
  const Region pool = dmac_pool();
  FaultsClient client(sys, settings.len, opt.seed, pool);
  kit::Workload work(sys);
  work.start_client(opt, "faults_init", dmac_pdata(pool), [&](linux_c::DmacProvider&) { return client.run(work); });
  simulate(opt, sc_core::sc_time(5, sc_core::SC_SEC));
  const kit::RunTimes times = kit::run_times(report, sys);

  check_faults(report, sys, work, client);
  report_faults(report, opt, sys, client, times);
  return kit::finish_report(report, opt, cfg, times);
}

ScenarioRegistrar faults_registrar({"faults", "bus errors on source/destination/descriptors/unmapped -> callback_result, "
                                 "recovery after terminate_sync; bad API calls",
                       run_faults,
                       {{"len", "8192", "bytes per transfer (64..1048576)"}}});

}  // namespace
}  // namespace dmacosim
