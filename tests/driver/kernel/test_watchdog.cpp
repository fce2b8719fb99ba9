// note_interrupt() (kernel/irq/spurious.c) and the soft-lockup detector
// (kernel/watchdog.c) of the kernel model, on the small harness platform
// (no RTL). The platform-level cases are in
// tests/driver/dmaengine/test_fault_campaign.cpp.
#include "harness.h"

using namespace kt;

namespace {

// The harness chip plus irq_mask / irq_unmask bookkeeping.
struct MaskingChip : TestIrqChip {
  using TestIrqChip::TestIrqChip;
  uint32_t masked = 0;
  unsigned masks = 0, unmasks = 0;
  void mask(unsigned n) override {
    masked |= 1u << n;
    ++masks;
  }
  void unmask(unsigned n) override {
    masked &= ~(1u << n);
    ++unmasks;
  }
  void raise_unless_masked(unsigned n) {
    if (!(masked >> n & 1)) raise(n);
  }
};

struct WdPlatform {
  Cpu cpu{"cpu"};
  FakeBus bus{"bus"};
  Wire irq{"irq"};
  MaskingChip chip{irq};
  Kernel k{cpu};
  WdPlatform() {
    cpu.bus.bind(bus.socket);
    cpu.irq_in.bind(irq);
    k.set_irq_chip(&chip);
  }
};
WdPlatform& wdp() {
  static WdPlatform* p = new WdPlatform;
  return *p;
}

int dev;
irqreturn_t not_mine(int, void*) { return IRQ_NONE; }

}  // namespace

// Unhandled interrupts further apart than the gap never add up; back-to-back
// ones are disabled at the end of the window with the report; enable_irq()
// unmasks; a line without a handler is masked at once and unmasked by
// request_irq().
TEST(KernelNoteInterrupt, ThresholdWindowGapAndNoHandler) {
  WdPlatform& p = wdp();
  spurious_irq_config cfg;
  cfg.window = 100;
  cfg.unhandled_threshold = 99;
  cfg.misrouted_gap = sc_time(1, SC_US);
  p.k.set_spurious_irq_config(cfg);
  p.k.lockdep().expect("BAD-IRQ");
  bool disabled_after_stray = true, disabled_after_burst = false;
  unsigned masks_no_handler = 0;
  bool unmasked_by_request = false;
  kthread_run(std::function<void()>([&] {
                ASSERT_EQ(request_irq(5, not_mine, 0, "not-mine", &dev), 0);
                for (int i = 0; i < 250; ++i) {  // stray: 2 us apart (> gap)
                  p.chip.raise_unless_masked(5);
                  udelay(2);
                }
                disabled_after_stray = p.k.irq_to_desc(5)->spurious_disabled;
                for (int i = 0; i < 200 && !p.k.irq_to_desc(5)->spurious_disabled; ++i) {  // a burst
                  p.chip.raise_unless_masked(5);
                  ndelay(20);
                }
                disabled_after_burst = p.k.irq_to_desc(5)->spurious_disabled;
                enable_irq(5);
                // No handler on line 6: masked at its first interrupt.
                p.chip.raise(6);
                udelay(1);
                masks_no_handler = unsigned(p.k.irq_to_desc(6)->no_action);
                request_irq(6, not_mine, 0, "late", &dev);
                unmasked_by_request = !(p.chip.masked >> 6 & 1);
              }),
              "t");
  sc_start(5, SC_MS);
  EXPECT_FALSE(disabled_after_stray) << "stray interrupts spread over time added up";
  EXPECT_TRUE(disabled_after_burst);
  EXPECT_EQ(p.k.lockdep().count("BAD-IRQ"), 1u) << p.k.lockdep().dump();
  EXPECT_EQ(p.k.lockdep().count("BAD-IRQ", "irq 5: nobody cared"), 1u);
  EXPECT_EQ(p.k.lockdep().count("BAD-IRQ", "] not-mine\nDisabling IRQ #5"), 1u) << p.k.lockdep().dump();
  EXPECT_FALSE(p.chip.masked >> 5 & 1) << "enable_irq() did not unmask";
  EXPECT_FALSE(p.k.irq_to_desc(5)->spurious_disabled);
  EXPECT_EQ(masks_no_handler, 1u);
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, "irq 6: no handler registered: line masked until request_irq"), 1u);
  EXPECT_TRUE(unmasked_by_request);
  EXPECT_GE(p.k.irqs_unhandled(5), 300u);
}

// Idle for longer than the threshold is not a lockup; a storm that keeps
// the idle CPU in interrupts is, and so is a task that never schedules. One
// report per episode.
TEST(KernelSoftLockup, IdleIsSilentStormsAndSpinsAreReported) {
  WdPlatform& p = wdp();
  p.k.set_softlockup_thresh(sc_time(100, SC_US));
  p.k.lockdep().expect("SOFTLOCKUP");
  static bool storm = false;
  static uint64_t storm_irqs = 0;
  uint64_t after_idle = 9, after_storm = 9;
  kthread_run(std::function<void()>([&] {
                ASSERT_EQ(request_irq(7,
                                      [&p](int, void*) {
                                        ++storm_irqs;
                                        p.cpu.readl(kBase);  // reads its device's status (time passes)
                                        if (storm) p.chip.raise(7);  // re-raised: never ends while `storm`
                                        return IRQ_HANDLED;
                                      },
                                      0, "storm", &dev),
                          0);
                msleep(1);  // idle for 10x the threshold
                after_idle = p.k.softlockups();
                msleep(2);  // idle: the storm (1.2 .. 1.7 ms) hits swapper
                after_storm = p.k.softlockups();
                KFUNC("spin");
                const sc_time end = sc_time_stamp() + sc_time(300, SC_US);
                while (sc_time_stamp() < end) cpu_relax();
              }),
              "t");
  // The storm comes from outside while the task sleeps, for 500 us.
  sc_start(1200, SC_US);
  storm = true;
  p.chip.raise(7);
  sc_start(500, SC_US);
  storm = false;
  sc_start(3, SC_MS);
  EXPECT_EQ(after_idle, 0u);
  EXPECT_EQ(after_storm, 1u) << p.k.lockdep().dump();
  EXPECT_EQ(p.k.softlockups(), 2u) << p.k.lockdep().dump();
  EXPECT_EQ(p.k.lockdep().count("SOFTLOCKUP", "[swapper/0:0]"), 1u) << p.k.lockdep().dump();
  EXPECT_EQ(p.k.lockdep().count("SOFTLOCKUP", "process:t > spin"), 1u) << p.k.lockdep().dump();
  EXPECT_GT(storm_irqs, 1000u);
}

// The detector's default is Linux's: watchdog_thresh 10 s, a soft lockup
// after 2 x 10 s of simulated time without scheduling. A dmatest-style
// thread polling its channel's status for a long copy (60 ms here, six times
// the model's old 10 ms default) is no lockup; a task that really never
// schedules is still reported, once 20 s have passed.
TEST(KernelSoftLockup, PollingALongCopyIsCleanUnderTheDefaultARealLockupIsNot) {
  WdPlatform& p = wdp();
  EXPECT_EQ(p.k.watchdog_thresh(), sc_time(10, SC_SEC));
  EXPECT_EQ(p.k.softlockup_thresh(), sc_time(20, SC_SEC));
  p.k.lockdep().expect("SOFTLOCKUP");
  uint64_t polls = 0, after_poll = 9;
  sc_time done_at;
  kthread_run(std::function<void()>([&] {
                KFUNC("dmatest_func");
                while (!(p.cpu.readl(kBase) & 1)) {  // the "DMA status" register
                  ++polls;
                  udelay(1);
                }
                done_at = sc_time_stamp();
                after_poll = p.k.softlockups();
                KFUNC("stuck");
                mdelay(25000);  // 25 s without scheduling: a real soft lockup
              }),
              "dmatest0");
  sc_start(60, SC_MS);
  p.bus.mem[0] = 1;  // the copy completes
  sc_start(26, SC_SEC);
  EXPECT_GT(polls, 50000u);
  EXPECT_GE(done_at, sc_time(60, SC_MS));
  EXPECT_EQ(after_poll, 0u) << p.k.lockdep().dump();
  ASSERT_EQ(p.k.softlockups(), 1u) << p.k.lockdep().dump();
  const LockReport& r = p.k.lockdep().reports().back();
  EXPECT_EQ(r.rule, "SOFTLOCKUP");
  EXPECT_EQ(r.headline.rfind("watchdog: BUG: soft lockup - CPU#0 stuck for 20s! [dmatest0:", 0), 0u) << r.headline;
  EXPECT_NE(r.message.find("process:dmatest0 > dmatest_func > stuck"), std::string::npos) << r.message;
  EXPECT_GE(r.time, sc_time(20, SC_SEC));
  EXPECT_LT(r.time, sc_time(21, SC_SEC));
  // The knob: soft-lockup threshold = 2 x watchdog_thresh.
  p.k.set_watchdog_thresh(sc_time(1, SC_SEC));
  EXPECT_EQ(p.k.softlockup_thresh(), sc_time(2, SC_SEC));
}
