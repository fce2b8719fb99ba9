// Platform-level fault-injection campaign: the real platform (RTL
// DMA, interrupt controller, RAM) with the real driver (dmacosim-dmac on
// virt-dma) under the kernel model.
//
//   PlatformFaults.RandomBeatBusErrors        seeded: SLVERR/DECERR at a random beat of a
//                                             descriptor fetch, data read or data write of a
//                                             random transaction in a queue
//   PlatformFaults.SpuriousInterruptsDuringTraffic   glitches on the DMA's own line
//                                             (handler returns IRQ_NONE) and claims of 0
//   PlatformFaults.StuckLineNobodyCaredIsDisabled    note_interrupt(): "irq 3: nobody cared",
//                                             "Disabling IRQ #3", the DMA keeps working
//   PlatformFaults.LegitInterruptStormProcessContextProgresses  600 back-to-back interrupting
//                                             transfers; a process-context thread keeps running
//   PlatformFaults.CyclicTinyPeriodStormLosesNothing  a period interrupt every 1 us (cyclic to
//                                             the audio port at 4 MHz): no period or frame lost
//   SoftLockup.FiresOnAnInterruptStorm / FiresOnASpinningTask   the soft-lockup report
//   DmaHangWatchdog.FiresOnAStalledChannel / SilentOnSlowProgress  the DMA hang report
//   CampaignChecker.CatchesEachBrokenInvariant   every invariant check fires when broken
//
// Invariants checked after every case (Campaign::check): every submitted cookie
// reached a final state (callback with DMA_TRANS_NOERROR and tx_status
// DMA_COMPLETE, callback with the expected error result and tx_status
// DMA_ERROR, or aborted by terminate with no callback), at most one callback
// each, completed destinations bit-exact, failed ones hold only source or
// untouched bytes, queued-behind ones untouched, the guard bytes around every
// buffer untouched, and the channel completes a fresh transfer bit-exact
// afterwards. No hang: every case runs under the soft-lockup detector and the
// DMA hang watchdog (an unexpected report fails the test via check_clean).
//
// Replay one random-beat trial: DMACOSIM_PLATFORM_FAULT_SEED=<seed>;
// more trials: DMACOSIM_PLATFORM_FAULT_TRIALS=<n> (default 100).
#include <cstdlib>
#include <memory>
#include <random>

#include "driver/dmaengine/dma-watchdog.h"
#include "models/irq_injector.h"
#include "rig.h"

using namespace dt;

// Named after the file: the program compiles several test files as one
// translation unit (cmake/dmacosim.cmake, dmacosim_unity).
namespace test_fault_campaign {

namespace {

constexpr unsigned kGuard = 64;
constexpr unsigned kIrqInj = 3;  // a free interrupt controller input for the injector

uint8_t guard_byte(uint64_t addr) { return uint8_t(0xA5 ^ (addr * 29)); }

dmac_device* probe(Rig& rig, unsigned irq) {
  dmac_platform_data pd = board::dmac_pdata(rig.pool());
  pd.irq = irq;  // the line the test routes through its injector
  return rig.dmac = dmac_probe(pd);  // registers the channel dump of soft-lockup reports
}

// One tracked transaction.
struct Tx {
  enum Expect { Complete, Error, Untouched };
  dma_chan* chan = nullptr;
  dma_async_tx_descriptor* desc = nullptr;
  dma_cookie_t cookie = 0;
  uint64_t src = 0, dst = 0;
  size_t len = 0;
  std::vector<uint8_t> data;  // the source bytes
  Expect expect = Complete;
  dmaengine_tx_result expected_result = DMA_TRANS_NOERROR;
  int callbacks = 0;
  dmaengine_result res;
  bool aborted = false;            // dropped by terminate before it reached a final state
  dma_status status = DMA_IN_PROGRESS;  // tx_status right after its callback
  completion done;
};

void tx_callback(void* p, const dmaengine_result* r) {
  Tx* t = static_cast<Tx*>(p);
  t->callbacks++;
  t->res = *r;
  complete(&t->done);
}

// Buffers with guard bytes, tracked transactions and the invariant checks.
// Everything here runs in a kernel thread (bus accesses through the CPU).
class Campaign {
public:
  explicit Campaign(Rig& r) : rig_(r), cpu_(r.cpu()) {}

  std::shared_ptr<dma_watchdog> wd;
  std::vector<std::unique_ptr<Tx>> txs;

  void start_watchdog(const sc_time& timeout) {
    dmac_device* d = rig_.dmac;
    wd = dma_watchdog_start(timeout, [d] { return dmac_dbg_summary_show(d); });
  }

  void reset() {
    txs.clear();
    guarded_.clear();
    next_ = kRamBase + 0x10000;
  }

  // A buffer of `len` bytes at a `misalign` byte offset, guard bytes around it.
  uint64_t alloc(size_t len, unsigned misalign) {
    const uint64_t a = next_ + kGuard + misalign;
    next_ = (a + len + kGuard + 63) & ~uint64_t(63);
    std::vector<uint8_t> g(len + 2 * kGuard);
    for (size_t i = 0; i < g.size(); ++i) g[i] = guard_byte(a - kGuard + i);
    cpu_.memcpy_to_bus(a - kGuard, g.data(), g.size());
    guarded_.push_back({a, len});
    return a;
  }

  // prep + submit a memcpy of `len` bytes (source filled from `seed`), tracked.
  Tx* memcpy(dma_chan* chan, size_t len, uint32_t seed, bool issue = true) {
    auto t = std::make_unique<Tx>();
    std::mt19937 rng(seed);
    t->chan = chan;
    t->len = len;
    t->src = alloc(len, rng() % 8);
    t->dst = alloc(len, rng() % 8);
    t->data.resize(len);
    for (auto& b : t->data) b = uint8_t(rng());
    cpu_.memcpy_to_bus(t->src, t->data.data(), len);
    init_completion(&t->done);
    t->desc = dmaengine_prep_dma_memcpy(chan, t->dst, t->src, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    if (!t->desc) {
      problems_.push_back("prep_dma_memcpy failed");
      return nullptr;
    }
    t->desc->callback_result = tx_callback;
    t->desc->callback_param = t.get();
    t->cookie = dmaengine_submit(t->desc);
    if (dma_submit_error(t->cookie)) problems_.push_back("dmaengine_submit failed");
    if (wd) dma_watchdog_watch(wd.get(), chan, t->cookie);
    if (issue) dma_async_issue_pending(chan);
    txs.push_back(std::move(t));
    return txs.back().get();
  }

  // Wait until every tracked transaction expected to end has called back.
  bool wait_callbacks(const sc_time& limit) {
    const sc_time end = sc_time_stamp() + limit;
    for (auto& t : txs) {
      if (t->expect == Tx::Untouched || t->aborted) continue;
      while (!t->callbacks && sc_time_stamp() < end) {
        const double ms = (end - sc_time_stamp()).to_seconds() * 1e3;
        wait_for_completion_timeout(&t->done, msecs_to_jiffies(unsigned(ms) + 1));
      }
      if (!t->callbacks) return false;
    }
    record_status();
    return true;
  }

  // tx_status of every transaction that called back (right after it did:
  // DMA_ERROR is only reported for the channel's latest error cookie).
  void record_status() {
    for (auto& t : txs)
      if (t->callbacks && t->status == DMA_IN_PROGRESS) t->status = dmaengine_tx_status(t->chan, t->cookie, nullptr);
  }

  // dmaengine_terminate_sync(); whatever had not reached a final state is
  // now "aborted by terminate".
  int terminate(dma_chan* chan) {
    record_status();
    const int ret = dmaengine_terminate_sync(chan);
    for (auto& t : txs)
      if (t->chan == chan && !t->callbacks) t->aborted = true;
    if (wd) dma_watchdog_forget(wd.get(), chan);
    return ret;
  }

  // The invariants. Returns the problems found (empty: all hold).
  std::vector<std::string> check() {
    std::vector<std::string> p = std::move(problems_);
    problems_.clear();
    for (auto& t : txs) {
      const std::string who = strfmt("%s cookie %d (%zu B)", dma_chan_name(t->chan), t->cookie, t->len);
      std::vector<uint8_t> got(t->len);
      cpu_.memcpy_from_bus(got.data(), t->dst, t->len);
      if (t->callbacks > 1) p.push_back(strfmt("%s: %d callbacks", who.c_str(), t->callbacks));
      if (t->aborted) {
        if (t->callbacks) p.push_back(who + ": called back although aborted by terminate");
      } else if (!t->callbacks) {
        p.push_back(who + ": never reached a final state (no callback, tx_status " +
                    dma_status_name(dmaengine_tx_status(t->chan, t->cookie, nullptr)) + ")");
      } else if (t->res.result == DMA_TRANS_NOERROR && t->status != DMA_COMPLETE) {
        p.push_back(who + ": NOERROR callback but tx_status " + dma_status_name(t->status));
      } else if (t->res.result != DMA_TRANS_NOERROR && t->status != DMA_ERROR) {
        p.push_back(who + ": " + dmaengine_tx_result_name(t->res.result) + " callback but tx_status " + dma_status_name(t->status));
      }
      switch (t->expect) {
        case Tx::Complete:
          if (t->callbacks && t->res.result != DMA_TRANS_NOERROR)
            p.push_back(who + ": expected NOERROR, got " + dmaengine_tx_result_name(t->res.result));
          if (!t->aborted && got != t->data) p.push_back(who + ": destination not bit-exact");
          break;
        case Tx::Error: {
          if (t->callbacks && t->res.result != t->expected_result)
            p.push_back(who + ": expected " + dmaengine_tx_result_name(t->expected_result) + ", got " + dmaengine_tx_result_name(t->res.result));
          // residue = bytes not transferred: at least the failed beat's, at most all.
          if (t->callbacks && (t->res.residue > t->len || t->res.residue == 0))
            p.push_back(strfmt("%s: residue %u for a failed transfer", who.c_str(), t->res.residue));
          for (size_t i = 0; i < t->len; ++i)
            if (got[i] != t->data[i] && got[i] != guard_byte(t->dst + i)) {
              p.push_back(strfmt("%s: failed transfer wrote garbage at byte %zu", who.c_str(), i));
              break;
            }
          break;
        }
        case Tx::Untouched:
          if (t->callbacks) p.push_back(who + ": ran (called back) although queued behind a failed transfer");
          for (size_t i = 0; i < t->len; ++i)
            if (got[i] != guard_byte(t->dst + i)) {
              p.push_back(strfmt("%s: destination written at byte %zu although never started", who.c_str(), i));
              break;
            }
          break;
      }
    }
    for (const auto& g : guarded_) {
      std::vector<uint8_t> b(2 * kGuard);
      cpu_.memcpy_from_bus(b.data(), g.first - kGuard, kGuard);
      cpu_.memcpy_from_bus(b.data() + kGuard, g.first + g.second, kGuard);
      for (unsigned i = 0; i < 2 * kGuard; ++i) {
        const uint64_t a = i < kGuard ? g.first - kGuard + i : g.first + g.second + (i - kGuard);
        if (b[i] != guard_byte(a)) {
          p.push_back(strfmt("guard byte at 0x%llx (buffer 0x%llx, %zu B) overwritten", (unsigned long long)a,
                             (unsigned long long)g.first, g.second));
          break;
        }
      }
    }
    return p;
  }

  // A fresh memcpy on `chan` completes NOERROR, bit-exact, guards intact.
  std::vector<std::string> channel_works_again(dma_chan* chan, uint32_t seed) {
    reset();
    Tx* t = memcpy(chan, 777 + seed % 3000, seed);
    std::vector<std::string> p;
    if (!t) return {"channel_works_again: prep failed"};
    if (!wait_callbacks(sc_time(5, SC_MS))) {
      p.push_back(strfmt("%s: the fresh transfer after recovery did not complete", dma_chan_name(chan)));
      terminate(chan);
    }
    for (auto& s : check()) p.push_back("after recovery: " + s);
    reset();
    return p;
  }

  void add_problem(const std::string& s) { problems_.push_back(s); }

private:
  Rig& rig_;
  Cpu& cpu_;
  uint64_t next_ = kRamBase + 0x10000;
  std::vector<std::pair<uint64_t, size_t>> guarded_;
  std::vector<std::string> problems_;
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "  " + x + "\n";
  return s;
}

unsigned env_unsigned(const char* name, unsigned dflt) {
  const char* v = std::getenv(name);
  return v && *v ? unsigned(std::strtoul(v, nullptr, 0)) : dflt;
}

}  // namespace

// ------------------------------------------------------------------ bus errors at random beats

TEST(PlatformFaults, RandomBeatBusErrors) {
  Rig rig;
  Ram& ram = rig.sys.hw.ram;
  const char* one = std::getenv("DMACOSIM_PLATFORM_FAULT_SEED");
  const unsigned trials = one ? 1 : env_unsigned("DMACOSIM_PLATFORM_FAULT_TRIALS", 100);
  const uint32_t base = one ? uint32_t(std::strtoul(one, nullptr, 0)) : 7000;
  std::vector<std::string> failures;
  unsigned kinds_hit[3] = {0, 0, 0};
  Log::instance().set_echo_level(LogLevel::Error);  // one "transfer error" warning per trial is expected
  ExpectedLog injected(LogLevel::Warn, "transfer error", "injected: a bus error on a random beat of each trial");
  rig.run([&] {
    ASSERT_NE(probe(rig, kIrqDma), nullptr);
    rig.sys.kernel.set_softlockup_thresh(sc_time(2, SC_MS));  // scaled down from Linux's 20 s: a fault that wedges the CPU must be reported inside this short run
    dma_chan* chans[2] = {request_memcpy_chan(), request_memcpy_chan()};
    ASSERT_TRUE(chans[0] && chans[1]);
    Campaign camp(rig);
    camp.start_watchdog(sc_time(2, SC_MS));
    static const char* const kind_name[3] = {"descriptor fetch", "data read", "data write"};
    for (unsigned trial = 0; trial < trials; ++trial) {
      const uint32_t seed = base + trial;
      std::mt19937 rng(seed);
      dma_chan* chan = chans[rng() % 2];
      const unsigned k = 1 + rng() % 3, v = rng() % k, kind = rng() % 3;
      const bool decerr = rng() % 2;
      camp.reset();
      // Random memory latency: faults land with different amounts of traffic in flight.
      ram.set_timing(RamTiming{sc_time(double(2 + rng() % 120), SC_NS), sc_time(double(1 + rng() % 8), SC_NS), 8});
      for (unsigned i = 0; i < k; ++i) {
        const size_t len = rng() % 4 == 0 ? 1 + rng() % 64 : 1 + rng() % 6000;
        Tx* t = camp.memcpy(chan, len, seed * 16 + i, /*issue=*/false);
        ASSERT_NE(t, nullptr);
        t->expect = i < v ? Tx::Complete : i == v ? Tx::Error : Tx::Untouched;
      }
      Tx* victim = camp.txs[v].get();
      uint64_t addr = 0;
      if (kind == 0) addr = victim->desc->phys + 8 * (rng() % 4);  // one beat of the 32-byte descriptor
      else if (kind == 1) addr = victim->src + rng() % victim->len;
      else addr = victim->dst + rng() % victim->len;
      victim->expected_result = kind == 2 ? DMA_TRANS_WRITE_FAILED : DMA_TRANS_READ_FAILED;
      ram.inject_error_range(addr - kRamBase, addr - kRamBase + 1,
                             decerr ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_GENERIC_ERROR_RESPONSE);
      dma_async_issue_pending(chan);
      const std::string what = strfmt("trial seed %u (%s, %s at 0x%llx of transaction %u of %u, %s)", seed,
                                      dma_chan_name(chan), kind_name[kind], (unsigned long long)addr, v + 1, k,
                                      decerr ? "DECERR" : "SLVERR");
      if (!camp.wait_callbacks(sc_time(5, SC_MS))) camp.add_problem("no callback within 5 ms");
      usleep_range(100, 200);  // a transfer queued behind the failed one would run now
      camp.record_status();
      ram.clear_error_injection();
      if (camp.terminate(chan) != 0) camp.add_problem("terminate_sync failed");
      auto p = camp.check();
      kinds_hit[kind] += victim->callbacks && victim->res.result == victim->expected_result;
      for (auto& s : camp.channel_works_again(chan, seed)) p.push_back(s);
      for (auto& s : p) failures.push_back(what + ": " + s);
    }
    dma_watchdog_stop(camp.wd.get());
    dma_release_channel(chans[0]);
    dma_release_channel(chans[1]);
  }, sc_time(2, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(failures.empty()) << failures.size() << " problem(s); replay one trial with "
                                << "DMACOSIM_PLATFORM_FAULT_SEED=<seed>:\n" << join(failures);
  if (!one) {
    EXPECT_GT(kinds_hit[0], 0u) << "no descriptor-fetch fault was exercised";
    EXPECT_GT(kinds_hit[1], 0u) << "no data-read fault was exercised";
    EXPECT_GT(kinds_hit[2], 0u) << "no data-write fault was exercised";
  }
  EXPECT_GE(ram.injected_error_count(), trials);
  RecordProperty("trials", int(trials));
}

// ------------------------------------------------------------------ spurious interrupts

// The DMA's interrupt line goes through an IrqInjector (a noisy wire) to
// controller input 3; the driver is probed on irq 3. 300 seeded glitches
// (1 ns .. 2 us wide, 0.5 .. 20 us apart) hit the line while memcpy traffic
// runs on two channels: each reaches dmac_irq_handler (a level glitch is
// claimed again after every complete while it lasts), which finds
// IRQ_SUMMARY = 0 and returns IRQ_NONE, counted by note_interrupt() but mixed
// with the handled DMA interrupts far below its 99.9 % threshold. Glitches
// inside an IRQs-off section are never seen. (A claim returning 0 needs the
// line to drop between the CPU taking the interrupt and the CLAIM read, which
// the platform's zero-latency controller does not allow; that path is the
// Intc model's test.) A second injector on input 4, with no handler
// registered, fires too: the kernel masks that line at its first interrupt
// (handle_fasteoi_irq with no action). No transfer is lost or corrupted.
TEST(PlatformFaults, SpuriousInterruptsDuringTraffic) {
  Rig rig;
  IrqInjector inj("inj"), stray("stray");
  inj.interpose(rig.sys.hw.dmac.irq);
  rig.sys.hw.intc.source(kIrqInj).bind(inj.irq_out());
  rig.sys.hw.intc.source(kIrqInj + 1).bind(stray.irq_out());
  std::vector<std::string> problems;
  unsigned rounds = 0, transfers = 0;
  rig.run([&] {
    rig.sys.irqchip.mask(kIrqDma);  // the DMA's line reaches the CPU through input 3 only
    rig.sys.irqchip.enable_source(kIrqInj);
    rig.sys.irqchip.enable_source(kIrqInj + 1);
    ASSERT_NE(probe(rig, kIrqInj), nullptr);
    rig.sys.kernel.set_softlockup_thresh(sc_time(1, SC_MS));  // scaled down from Linux's 20 s: a glitch storm that starved the CPU would be caught inside the run
    dma_chan* chans[2] = {request_memcpy_chan(), request_memcpy_chan()};
    ASSERT_TRUE(chans[0] && chans[1]);
    Campaign camp(rig);
    camp.start_watchdog(sc_time(1, SC_MS));
    const sc_time t0 = sc_time_stamp() + sc_time(2, SC_US);
    inj.random_pulses(4242, 300, t0, sc_time(500, SC_NS), sc_time(20, SC_US), sc_time(1, SC_NS), sc_time(2, SC_US));
    stray.random_pulses(99, 5, t0, sc_time(50, SC_US), sc_time(200, SC_US), sc_time(100, SC_NS), sc_time(1, SC_US));
    std::mt19937 rng(17);
    while ((inj.pulses_pending() || stray.pulses_pending()) && rounds < 5000) {
      camp.reset();
      for (dma_chan* c : chans)
        for (unsigned n = 1 + rng() % 3; n-- > 0; ++transfers)
          ASSERT_NE(camp.memcpy(c, rng() % 4 == 0 ? 1 + rng() % 32 : 1 + rng() % 3000, rng()), nullptr);
      if (!camp.wait_callbacks(sc_time(5, SC_MS))) camp.add_problem(strfmt("round %u: no callback within 5 ms", rounds));
      for (auto& s : camp.check()) problems.push_back(strfmt("round %u: ", rounds) + s);
      ++rounds;
    }
    for (dma_chan* c : chans) {
      for (auto& s : camp.channel_works_again(c, rounds)) problems.push_back(s);
      dma_release_channel(c);
    }
    dma_watchdog_stop(camp.wd.get());
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(problems.empty()) << join(problems);
  Kernel& k = rig.sys.kernel;
  EXPECT_EQ(inj.pulses_played(), 300u);
  EXPECT_EQ(stray.pulses_played(), 5u);
  EXPECT_GT(k.irqs_unhandled(kIrqInj), 0u) << "no glitch reached the DMA handler (IRQ_NONE)";
  EXPECT_GT(k.irq_count(kIrqInj), k.irqs_unhandled(kIrqInj)) << "the DMA's own interrupts";
  EXPECT_FALSE(k.irq_to_desc(kIrqInj)->spurious_disabled);
  EXPECT_EQ(k.irq_to_desc(kIrqInj + 1)->no_action, 1u) << "the line without a handler is masked at once";
  EXPECT_TRUE(k.irq_to_desc(kIrqInj + 1)->masked_no_action);
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, strfmt("irq %u: no handler registered", kIrqInj + 1)), 1u);
  EXPECT_EQ(rig.sys.hw.intc.enable() & (1u << (kIrqInj + 1)), 0u);
  EXPECT_EQ(k.lockdep().count("BAD-IRQ"), 0u);
  EXPECT_EQ(k.softlockups(), 0u);
  printf("spurious: %u rounds, %u transfers, DMA handler invocations %llu (IRQ_NONE %llu), "
         "stray line masked after %llu interrupt(s)\n",
         rounds, transfers, (unsigned long long)k.irq_count(kIrqInj), (unsigned long long)k.irqs_unhandled(kIrqInj),
         (unsigned long long)k.irq_to_desc(kIrqInj + 1)->kstat);
}

// ------------------------------------------------------------------ interrupt storms

namespace {
int stuck_dev;  // dev_id of the test device whose line gets stuck
irqreturn_t stuck_dev_irq(int, void*) { return IRQ_NONE; }  // "not mine": its status says nothing pending
}  // namespace

// (a) A level line stuck high that no handler clears: note_interrupt()
// counts the unhandled interrupts, prints "irq 3: nobody cared" with the
// handler list and "Disabling IRQ #3", masks the line at the interrupt
// controller; the DMA (its own line) keeps working, the soft-lockup detector
// (1 ms) stays silent. After the line is released, enable_irq() brings it
// back.
TEST(PlatformFaults, StuckLineNobodyCaredIsDisabled) {
  Rig rig;
  IrqInjector inj("inj");
  rig.sys.hw.intc.source(kIrqInj).bind(inj.irq_out());
  std::vector<std::string> problems;
  sc_time storm_start, storm_end;
  uint64_t kstat_at_disable = 0, handled_after_enable = 0;
  rig.run([&] {
    rig.sys.kernel.lockdep().expect("BAD-IRQ");
    rig.sys.kernel.set_softlockup_thresh(sc_time(1, SC_MS));  // scaled down from Linux's 20 s: proves note_interrupt() stops the storm well before a lockup
    ASSERT_NE(probe(rig, kIrqDma), nullptr);
    ASSERT_EQ(request_irq(kIrqInj, stuck_dev_irq, IRQF_SHARED, "stuck-dev", &stuck_dev), 0);
    rig.sys.irqchip.enable_source(kIrqInj);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    Campaign camp(rig);
    camp.start_watchdog(sc_time(1, SC_MS));
    for (unsigned i = 0; i < 16; ++i) ASSERT_NE(camp.memcpy(chan, 4096, i), nullptr);
    storm_start = sc_time_stamp();
    inj.set_stuck(true);  // from here every preemption point takes irq 3
    if (!camp.wait_callbacks(sc_time(20, SC_MS))) camp.add_problem("transfers did not complete during the storm");
    for (auto& s : camp.check()) problems.push_back("during the storm: " + s);
    const irq_desc* d = this_kernel().irq_to_desc(kIrqInj);
    kstat_at_disable = d->kstat;
    storm_end = this_kernel().lockdep().count("BAD-IRQ") ? this_kernel().lockdep().reports().back().time : SC_ZERO_TIME;
    // More traffic with the line still stuck but disabled.
    camp.reset();
    for (unsigned i = 0; i < 4; ++i) ASSERT_NE(camp.memcpy(chan, 2048, 100 + i), nullptr);
    if (!camp.wait_callbacks(sc_time(5, SC_MS))) camp.add_problem("transfers after the disable did not complete");
    for (auto& s : camp.check()) problems.push_back("after the disable: " + s);
    // Repair: release the line, re-enable; one glitch reaches the handler again.
    inj.set_stuck(false);
    enable_irq(kIrqInj);
    const uint64_t before = this_kernel().irq_count(kIrqInj);
    inj.pulse(sc_time(200, SC_NS));
    msleep(1);
    handled_after_enable = this_kernel().irq_count(kIrqInj) - before;
    for (auto& s : camp.channel_works_again(chan, 5)) problems.push_back(s);
    dma_watchdog_stop(camp.wd.get());
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(problems.empty()) << join(problems);
  Kernel& k = rig.sys.kernel;
  const auto& ld = k.lockdep();
  ASSERT_EQ(ld.count("BAD-IRQ"), 1u) << ld.dump();
  const LockReport* r = nullptr;
  for (const auto& x : ld.reports())
    if (x.rule == "BAD-IRQ") r = &x;
  EXPECT_EQ(r->headline, "irq 3: nobody cared (try booting with the \"irqpoll\" option)");
  EXPECT_NE(r->message.find("handlers:\n[<"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("] stuck-dev"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("Disabling IRQ #3"), std::string::npos) << r->message;
  EXPECT_EQ(kstat_at_disable, k.spurious_config().window) << "disabled at the end of the first window";
  // A 200 ns glitch is taken again after every complete while it lasts.
  EXPECT_GE(handled_after_enable, 1u) << "enable_irq() did not bring the line back";
  EXPECT_LT(handled_after_enable, k.spurious_config().window);
  EXPECT_FALSE(k.irq_to_desc(kIrqInj)->spurious_disabled);
  EXPECT_EQ(k.softlockups(), 0u) << "the storm was stopped before the soft-lockup threshold";
  printf("stuck line: disabled after %llu interrupts, %.1f us of simulated storm\n",
         (unsigned long long)kstat_at_disable, (storm_end - storm_start).to_seconds() * 1e6);
}

namespace {
struct StormVictim {
  uint64_t iterations = 0;
  bool stop = false;
};
}  // namespace

// (b) A storm of legitimate DMA interrupts: 2 x 300 tiny interrupting
// memcpys (8..64 B) issued at once; the hardirq handler starts each next
// transfer, so interrupts come back to back with the completion tasklet in
// between. A process-context thread ("victim", sleeping 2-4 us per
// iteration) must keep running, every callback arrives exactly once, data
// exact, and the soft-lockup detector (300 us) stays silent.
TEST(PlatformFaults, LegitInterruptStormProcessContextProgresses) {
  Rig rig;
  std::vector<std::string> problems;
  StormVictim victim;
  uint64_t victim_during = 0, dma_irqs = 0;
  sc_time storm;
  rig.run([&] {
    rig.sys.kernel.set_softlockup_thresh(sc_time(300, SC_US));  // scaled down from Linux's 20 s: a strict bound that proves process context keeps running
    ASSERT_NE(probe(rig, kIrqDma), nullptr);
    dma_chan* chans[2] = {request_memcpy_chan(), request_memcpy_chan()};
    ASSERT_TRUE(chans[0] && chans[1]);
    Campaign camp(rig);
    camp.start_watchdog(sc_time(1, SC_MS));
    kthread_run(std::function<void()>([&] {
                  while (!victim.stop) {
                    usleep_range(2, 4);
                    ++victim.iterations;
                  }
                }),
                "victim");
    std::mt19937 rng(5);
    for (unsigned i = 0; i < 300; ++i)
      for (dma_chan* c : chans) ASSERT_NE(camp.memcpy(c, 8 + rng() % 57, rng(), /*issue=*/false), nullptr);
    const uint64_t it0 = victim.iterations, irq0 = this_kernel().irq_count(kIrqDma);
    const sc_time t0 = sc_time_stamp();
    for (dma_chan* c : chans) dma_async_issue_pending(c);
    if (!camp.wait_callbacks(sc_time(50, SC_MS))) camp.add_problem("not every callback arrived");
    storm = sc_time_stamp() - t0;
    victim_during = victim.iterations - it0;
    dma_irqs = this_kernel().irq_count(kIrqDma) - irq0;
    for (auto& s : camp.check()) problems.push_back(s);
    victim.stop = true;
    for (dma_chan* c : chans) {
      for (auto& s : camp.channel_works_again(c, 9)) problems.push_back(s);
      dma_release_channel(c);
    }
    dma_watchdog_stop(camp.wd.get());
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(problems.empty()) << join(problems);
  EXPECT_EQ(rig.sys.kernel.softlockups(), 0u);
  // The victim sleeps >= 2 us per iteration: it must get a fair share of the storm.
  EXPECT_GE(victim_during, uint64_t(storm.to_seconds() * 1e6 / 4 / 4)) << "process context starved";
  EXPECT_GE(dma_irqs, 100u) << "not a storm";
  printf("legit storm: %llu DMA interrupts in %.1f us, victim ran %llu iterations meanwhile\n",
         (unsigned long long)dma_irqs, storm.to_seconds() * 1e6, (unsigned long long)victim_during);
}

namespace {
// The period callback tracks the position from the residue (as ALSA's
// snd_dmaengine_pcm_pointer): a late tasklet merges periods into one
// callback (Linux virt-dma), so counting callbacks would lose periods.
struct CyclicCount {
  dma_chan* chan = nullptr;
  dma_cookie_t cookie = 0;
  uint32_t buf_bytes = 0, period_bytes = 0;
  uint64_t callbacks = 0, periods_by_position = 0;
  uint32_t last_index = 0;
};
void cyclic_period(void* p) {
  auto* cy = static_cast<CyclicCount*>(p);
  cy->callbacks++;
  dma_tx_state st;
  if (dmaengine_tx_status(cy->chan, cy->cookie, &st) != DMA_IN_PROGRESS) return;
  const uint32_t pos = (cy->buf_bytes - st.residue) % cy->buf_bytes;
  const uint32_t index = pos / cy->period_bytes, periods = cy->buf_bytes / cy->period_bytes;
  cy->periods_by_position += (index + periods - cy->last_index) % periods;
  cy->last_index = index;
}
}  // namespace

// (b) The same with a cyclic transfer of tiny periods: the audio port runs
// at a 4 MHz "sample rate", the ring has 32 periods of 4 frames (16 B), so a
// period interrupt comes every 1 us for 1 ms. No period is lost (the
// position read from the residue at the callbacks accounts for every period
// the hardware counted, with at most one callback per period; frames played
// = the ring in order, no underrun, no gap), process context keeps running,
// no soft lockup (300 us).
TEST(PlatformFaults, CyclicTinyPeriodStormLosesNothing) {
  constexpr unsigned kRate = 4'000'000, kPeriodFrames = 4, kPeriods = 32, kFrames = kPeriodFrames * kPeriods;
  Rig rig(fast_config(kRate));
  AudioPort& port = rig.sys.hw.audio;
  std::vector<std::string> problems;
  CyclicCount cy;
  StormVictim victim;
  uint64_t hw_periods = 0, victim_during = 0, callbacks_at_stop = 0, periods_by_position = 0;
  size_t played_at_stop = 0;
  std::vector<uint32_t> ring(kFrames);
  for (unsigned i = 0; i < kFrames; ++i) ring[i] = 0xC0DE0000u | i;
  rig.run([&] {
    rig.sys.kernel.set_softlockup_thresh(sc_time(300, SC_US));  // scaled down from Linux's 20 s: a strict bound that proves process context keeps running
    ASSERT_NE(probe(rig, kIrqDma), nullptr);
    Cpu& cpu = rig.cpu();
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    dma_slave_config sc;
    sc.direction = DMA_MEM_TO_DEV;
    sc.dst_addr = kAudioBase + AudioPort::FIFO_DATA;
    sc.dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
    sc.dst_maxburst = kPeriodFrames;
    sc.slave_id = kDreqAudioTx;
    ASSERT_EQ(dmaengine_slave_config(chan, &sc), 0);
    const uint64_t buf = kRamBase + 0x40000;
    cpu.memcpy_to_bus(buf, ring.data(), ring.size() * 4);
    cpu.writel(AudioPort::CTRL_FLUSH, kAudioBase + AudioPort::CTRL);
    dma_async_tx_descriptor* tx =
        dmaengine_prep_dma_cyclic(chan, buf, kFrames * 4, kPeriodFrames * 4, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
    ASSERT_NE(tx, nullptr);
    tx->callback = cyclic_period;
    tx->callback_param = &cy;
    cy.chan = chan;
    cy.buf_bytes = kFrames * 4;
    cy.period_bytes = kPeriodFrames * 4;
    cy.cookie = dmaengine_submit(tx);
    kthread_run(std::function<void()>([&] {
                  while (!victim.stop) {
                    usleep_range(2, 4);
                    ++victim.iterations;
                  }
                }),
                "victim");
    dma_async_issue_pending(chan);
    usleep_range(2, 2);  // the FIFO fills
    const uint64_t it0 = victim.iterations;
    cpu.writel(AudioPort::CTRL_ENABLE, kAudioBase + AudioPort::CTRL);
    sleep_for(sc_time(1, SC_MS));
    cpu.writel(0, kAudioBase + AudioPort::CTRL);  // the codec stops: the DMA runs dry on the full FIFO
    usleep_range(20, 20);                         // callbacks of periods already moved arrive
    victim_during = victim.iterations - it0;
    callbacks_at_stop = cy.callbacks;
    periods_by_position = cy.periods_by_position;
    played_at_stop = port.played_frames().size();
    hw_periods = rig.dmac->chans[to_dmac_chan(chan)->id]->periods;
    if (dmaengine_terminate_sync(chan) != 0) problems.push_back("terminate_sync failed");
    victim.stop = true;
    Campaign camp(rig);
    for (auto& p : camp.channel_works_again(chan, 11)) problems.push_back(p);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(problems.empty()) << join(problems);
  const auto& played = port.played_frames();
  EXPECT_EQ(port.underrun_count(), 0u);
  for (size_t k = 0; k < played_at_stop; ++k)
    if (played[k] != ring[k % kFrames]) {
      ADD_FAILURE() << "codec frame " << k << ": 0x" << std::hex << played[k] << ", expected 0x" << ring[k % kFrames];
      break;
    }
  // Every period the hardware completed is seen by position at the
  // callbacks, no callback without a period; the DMA ran ahead of the codec
  // by at most the FIFO.
  EXPECT_EQ(periods_by_position, hw_periods);
  EXPECT_GE(callbacks_at_stop, 1u);
  EXPECT_LE(callbacks_at_stop, hw_periods);
  EXPECT_GE(hw_periods * kPeriodFrames, played_at_stop);
  EXPECT_LE(hw_periods * kPeriodFrames, played_at_stop + 16 + kPeriodFrames);
  EXPECT_GE(hw_periods, 900u) << "not a storm";
  EXPECT_GE(victim_during, 50u) << "process context starved";
  EXPECT_EQ(rig.sys.kernel.softlockups(), 0u);
  printf("cyclic storm: %llu periods in 1 ms (%llu callbacks), %zu frames played, victim ran %llu iterations\n",
         (unsigned long long)hw_periods, (unsigned long long)callbacks_at_stop, played_at_stop,
         (unsigned long long)victim_during);
}

// ------------------------------------------------------------------ soft-lockup detector

namespace {
int liar_dev;
irqreturn_t liar_irq(int, void*) { return IRQ_HANDLED; }  // claims it but never clears its device
}  // namespace

// An interrupt storm note_interrupt() cannot stop (the handler says
// IRQ_HANDLED but never clears the stuck line): process context never runs
// again. The soft-lockup detector reports it with the task, the interrupted
// context and the DMA provider's channel summary; softlockup_panic stops
// the simulation (instead of a silent timeout).
// The init thread's body. It never returns (the storm holds the CPU, then
// softlockup_panic ends the simulation), so what it allocated is never freed:
// cmake/sanitizers/lsan.supp names this function (keep the name).
static void softlockup_storm_body_never_returns(Rig& rig, IrqInjector& inj, bool& storm_started) {
  Kernel& k = this_kernel();
  k.set_softlockup_thresh(sc_time(200, SC_US));  // scaled down from Linux's 20 s: the storm must be reported (and panic) within ms
  k.set_softlockup_panic(true);
  k.lockdep().expect("SOFTLOCKUP");
  ASSERT_NE(probe(rig, kIrqDma), nullptr);
  ASSERT_EQ(request_irq(kIrqInj, liar_irq, 0, "liar-dev", &liar_dev), 0);
  rig.sys.irqchip.enable_source(kIrqInj);
  dma_chan* chan = request_memcpy_chan();
  ASSERT_NE(chan, nullptr);
  Campaign camp(rig);
  camp.memcpy(chan, 4096, 1);
  KFUNC("storm_victim");
  storm_started = true;
  inj.set_stuck(true);
  mdelay(5);  // never returns: the storm holds the CPU
}

TEST(SoftLockup, FiresOnAnInterruptStorm) {
  Rig rig;
  IrqInjector inj("inj");
  rig.sys.hw.intc.source(kIrqInj).bind(inj.irq_out());
  bool storm_started = false;
  rig.run([&] { softlockup_storm_body_never_returns(rig, inj, storm_started); }, sc_time(50, SC_MS));
  EXPECT_TRUE(storm_started);
  EXPECT_FALSE(rig.finished) << "process context ran again";
  Kernel& k = rig.sys.kernel;
  ASSERT_EQ(k.softlockups(), 1u) << k.lockdep().dump();
  ASSERT_TRUE(k.fatal());
  const LockReport& r = k.lockdep().reports().back();
  EXPECT_EQ(r.rule, "SOFTLOCKUP");
  EXPECT_EQ(r.headline.rfind("watchdog: BUG: soft lockup - CPU#0 stuck for ", 0), 0u) << r.headline;
  EXPECT_NE(r.headline.find("us! [init:"), std::string::npos) << r.headline;
  EXPECT_NE(r.message.find("running: hardirq"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("process:init > storm_victim"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find(" 3:"), std::string::npos) << "no count for the storming line:\n" << r.message;
  EXPECT_NE(r.message.find("dma0chan0"), std::string::npos) << "no channel summary:\n" << r.message;
  EXPECT_NE(r.message.find("dma0chan7"), std::string::npos) << "not every channel:\n" << r.message;
  EXPECT_NE(k.fatal_message().find("Kernel panic - not syncing: softlockup"), std::string::npos);
  EXPECT_LT(sc_time_stamp(), sc_time(5, SC_MS)) << "softlockup_panic did not stop the run";
}

// A task spinning for a device that never answers (no sleep, no schedule):
// reported as a soft lockup naming it; the detector is silent before.
TEST(SoftLockup, FiresOnASpinningTask) {
  Rig rig;
  bool never = false;
  uint64_t reports_before_spin = 0;
  rig.run([&] {
    Kernel& k = this_kernel();
    k.set_softlockup_thresh(sc_time(500, SC_US));  // scaled down from Linux's 20 s: the spin must be reported (and panic) within ms
    k.set_softlockup_panic(true);
    k.lockdep().expect("SOFTLOCKUP");
    msleep(3);  // sleeping (idle) for longer than the threshold: no report
    for (int i = 0; i < 200; ++i) usleep_range(10, 20);  // busy but scheduling: no report
    reports_before_spin = k.softlockups();
    KFUNC("wait_for_device_ready");
    while (!never) cpu_relax();
  }, sc_time(50, SC_MS));
  Kernel& k = rig.sys.kernel;
  EXPECT_EQ(reports_before_spin, 0u);
  ASSERT_EQ(k.softlockups(), 1u) << k.lockdep().dump();
  const LockReport& r = k.lockdep().reports().back();
  EXPECT_EQ(r.headline.rfind("watchdog: BUG: soft lockup - CPU#0 stuck for ", 0), 0u) << r.headline;
  EXPECT_NE(r.headline.find("! [init:"), std::string::npos) << r.headline;
  EXPECT_NE(r.message.find("process:init > wait_for_device_ready"), std::string::npos) << r.message;
}

// The provider registers its channel summary for hang reports at probe and
// takes it back at remove (a report after remove must not read freed memory).
TEST(DmacProvider, HangDumpFromProbeUntilRemove) {
  Rig rig;
  std::string at_probe, after_remove;
  rig.run([&] {
    ASSERT_NE(probe(rig, kIrqDma), nullptr);
    at_probe = this_kernel().hang_dumps();
    rig.remove();
    after_remove = this_kernel().hang_dumps();
  }, sc_time(10, SC_MS));
  rig.check_clean();
  EXPECT_NE(at_probe.find("dma0chan0"), std::string::npos) << at_probe;
  EXPECT_NE(at_probe.find("dma0chan7"), std::string::npos) << at_probe;
  EXPECT_EQ(after_remove, "");
}

// ------------------------------------------------------------------ DMA hang watchdog

// A slave transfer on a request line no peripheral ever raises (line 5):
// the channel waits forever. The watchdog reports the cookie with the state
// of every channel (registers through the bus + the driver's vchan lists);
// terminate aborts it, the channel works again.
TEST(DmaHangWatchdog, FiresOnAStalledChannel) {
  Rig rig;
  std::vector<std::string> problems;
  std::shared_ptr<dma_watchdog> wd;
  dma_cookie_t cookie = 0;
  rig.run([&] {
    this_kernel().lockdep().expect("DMA-HANG");
    ASSERT_NE(probe(rig, kIrqDma), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    Campaign camp(rig);
    camp.start_watchdog(sc_time(300, SC_US));
    wd = camp.wd;
    dma_slave_config sc;
    sc.direction = DMA_DEV_TO_MEM;
    sc.src_addr = kRamBase + 0x8000;  // a "FIFO" nobody feeds
    sc.src_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
    sc.src_maxburst = 4;
    sc.slave_id = 5;  // request line 5: not connected, never raised
    ASSERT_EQ(dmaengine_slave_config(chan, &sc), 0);
    const uint64_t dst = camp.alloc(256, 0);
    auto t = std::make_unique<Tx>();
    t->chan = chan;
    t->dst = dst;
    t->len = 256;
    t->expect = Tx::Untouched;
    init_completion(&t->done);
    t->desc = dmaengine_prep_slave_single(chan, dst, 256, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(t->desc, nullptr);
    t->desc->callback_result = tx_callback;
    t->desc->callback_param = t.get();
    t->cookie = cookie = dmaengine_submit(t->desc);
    dma_watchdog_watch(wd.get(), chan, t->cookie);
    dma_async_issue_pending(chan);
    camp.txs.push_back(std::move(t));
    msleep(2);
    if (wd->hangs != 1) problems.push_back(strfmt("watchdog reported %u hangs, expected 1", wd->hangs));
    if (camp.terminate(chan) != 0) problems.push_back("terminate_sync failed");
    for (auto& s : camp.check()) problems.push_back(s);
    for (auto& s : camp.channel_works_again(chan, 3)) problems.push_back(s);
    msleep(1);
    dma_watchdog_stop(wd.get());
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(problems.empty()) << join(problems);
  const auto& ld = rig.sys.kernel.lockdep();
  ASSERT_EQ(ld.count("DMA-HANG"), 1u) << ld.dump();
  const LockReport* r = nullptr;
  for (const auto& x : ld.reports())
    if (x.rule == "DMA-HANG") r = &x;
  EXPECT_EQ(r->headline.rfind(strfmt("dmaengine: dma0chan0: cookie %d: no progress for ", cookie), 0), 0u)
      << r->headline;
  EXPECT_NE(r->headline.find("(DMA_IN_PROGRESS, residue 256)"), std::string::npos) << r->headline;
  for (const std::string& needle :
       {std::string("dma0 (dmac): number of channels: 8"), std::string("dma0chan0"), std::string("(ACTIVE WAIT_REQ"),
        strfmt("active cookie %d", cookie), std::string("req_line 5"), std::string("REMAINING"),
        std::string("issued []"), std::string("dma0chan7")})
    EXPECT_NE(r->message.find(needle), std::string::npos) << "missing '" << needle << "' in:\n" << r->message;
  printf("%s\n", r->message.c_str());
}

// Slow memory (50 us per access) makes a 16 KiB copy take far longer than the
// 300 us timeout, and a second copy waits behind it: both progress, no report.
TEST(DmaHangWatchdog, SilentOnSlowProgress) {
  Rig rig;
  std::vector<std::string> problems;
  sc_time took;
  rig.run([&] {
    ASSERT_NE(probe(rig, kIrqDma), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    Campaign camp(rig);
    camp.start_watchdog(sc_time(300, SC_US));
    rig.sys.hw.ram.set_timing(RamTiming{sc_time(50, SC_US), sc_time(2, SC_NS), 8});
    const sc_time t0 = sc_time_stamp();
    camp.memcpy(chan, 16384, 1);
    camp.memcpy(chan, 4096, 2);
    if (!camp.wait_callbacks(sc_time(100, SC_MS))) camp.add_problem("no completion");
    took = sc_time_stamp() - t0;
    rig.sys.hw.ram.set_timing(fast_config().ram_timing);
    for (auto& s : camp.check()) problems.push_back(s);
    if (camp.wd->hangs) problems.push_back("the watchdog reported a progressing transfer");
    dma_watchdog_stop(camp.wd.get());
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(problems.empty()) << join(problems);
  EXPECT_GT(took, sc_time(1, SC_MS)) << "not slow enough to matter";
  printf("slow progress: 16 KiB + 4 KiB took %.2f ms simulated, no report\n", took.to_seconds() * 1e3);
}

// ------------------------------------------------------------------ the checker fires

// Each invariant check is shown to fire on a deliberately broken run: guard
// bytes, a cookie that never becomes final, a corrupted completed
// destination, a transfer that ran although it had to stay queued, a failed
// transfer with the wrong result / garbage in its destination, and a channel
// that does not work again.
TEST(CampaignChecker, CatchesEachBrokenInvariant) {
  Rig rig;
  std::vector<std::string> guard, unfinished, data, ran, garbage, dead_channel, clean;
  rig.run([&] {
    ASSERT_NE(probe(rig, kIrqDma), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    Campaign camp(rig);
    Cpu& cpu = rig.cpu();
    // 0. a clean run: nothing reported.
    camp.memcpy(chan, 1000, 1);
    camp.wait_callbacks(sc_time(5, SC_MS));
    clean = camp.check();
    // 1. a guard byte overwritten (one byte past the destination).
    const uint64_t past = camp.txs[0]->dst + camp.txs[0]->len;
    cpu.writeb(uint8_t(guard_byte(past) ^ 1), past);
    guard = camp.check();
    // 2. a cookie that never reaches a final state (submitted, never issued).
    camp.reset();
    camp.memcpy(chan, 100, 2, /*issue=*/false);
    unfinished = camp.check();
    dmaengine_terminate_sync(chan);
    // 3. a completed destination changed afterwards.
    camp.reset();
    Tx* t = camp.memcpy(chan, 500, 3);
    camp.wait_callbacks(sc_time(5, SC_MS));
    cpu.writeb(uint8_t(t->data[10] ^ 0xFF), t->dst + 10);
    data = camp.check();
    // 3b. the same transaction judged as one that must never have started,
    //     and as a failed one that left a byte that is neither source nor untouched.
    t->expect = Tx::Untouched;
    ran = camp.check();
    t->expect = Tx::Error;
    t->expected_result = DMA_TRANS_WRITE_FAILED;
    garbage = camp.check();
    // 4. a channel left halted after an error (no terminate): it does not work again.
    camp.reset();
    Tx* bad = camp.memcpy(chan, 64, 4, /*issue=*/false);
    rig.sys.hw.ram.inject_error_range(bad->src - kRamBase, bad->src - kRamBase + 64);
    dma_async_issue_pending(chan);
    msleep(1);
    rig.sys.hw.ram.clear_error_injection();
    dead_channel = camp.channel_works_again(chan, 5);
    dmaengine_terminate_sync(chan);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  EXPECT_TRUE(clean.empty()) << join(clean);
  auto has = [](const std::vector<std::string>& v, const char* needle) {
    for (auto& s : v)
      if (s.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has(guard, "guard byte at")) << join(guard);
  EXPECT_TRUE(has(unfinished, "never reached a final state")) << join(unfinished);
  EXPECT_TRUE(has(data, "destination not bit-exact")) << join(data);
  EXPECT_TRUE(has(ran, "ran (called back) although queued")) << join(ran);
  EXPECT_TRUE(has(ran, "destination written at byte")) << join(ran);
  EXPECT_TRUE(has(garbage, "expected WRITE_FAILED, got NOERROR")) << join(garbage);
  EXPECT_TRUE(has(garbage, "failed transfer wrote garbage at byte 10")) << join(garbage);
  EXPECT_TRUE(has(dead_channel, "did not complete")) << join(dead_channel);
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, "transfer error, ERR_CODE 2"), 1u);  // the fault of case 4
}

}  // namespace test_fault_campaign
