// The validator: V-BH-1, V-SLEEP-1, lockdep L-1..L-5, deadlock detection.
// Each rule has a test that fires it and one that must stay silent.
#include "harness.h"

using namespace kt;

namespace {

bool has_context(const LockReport& r, const std::string& c) {
  for (const auto& x : r.contexts)
    if (x == c) return true;
  return false;
}

const LockReport* first(const std::string& rule) {
  for (const auto& r : this_kernel().lockdep().reports())
    if (r.rule == rule) return &r;
  return nullptr;
}

constexpr unsigned kAudioIrq = 7;
constexpr unsigned kDmaIrq = 8;

}  // namespace

// ---------------------------------------------------------------- the 2010 seed

// ALSA trigger under spin_lock_irq(stream) calls a tx_submit that uses
// spin_lock_bh(chan): V-BH-1 at spin_unlock_bh, and (stream being taken by the
// audio IRQ's period_elapsed) HARDIRQ-safe -> HARDIRQ-unsafe.
TEST(KernelLockdep, SeedPatternReportsBhAndSafeToUnsafe) {
  Platform& p = platform();
  static spinlock_t stream, chan;
  spin_lock_init(&stream, "&substream->self_group.lock");
  spin_lock_init(&chan, "&dmac->chan.lock");
  request_irq(kAudioIrq, [&](int, void*) {
    KFUNC("snd_pcm_period_elapsed");
    unsigned long f;
    spin_lock_irqsave(&stream, f);
    spin_unlock_irqrestore(&stream, f);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    {
      KFUNC("dmac_issue_pending");  // driver path with IRQs on: chan is HARDIRQ-ON-W
      spin_lock_bh(&chan);
      spin_unlock_bh(&chan);
    }
    msleep(1);  // audio IRQ at 0.5 ms: stream becomes IN-HARDIRQ-W
    for (int i = 0; i < 2; ++i) {
      KFUNC("snd_pcm_trigger");
      spin_lock_irq(&stream);
      {
        KFUNC("tx_submit");
        spin_lock_bh(&chan);
        spin_unlock_bh(&chan);  // WARN: bh enable with IRQs off
      }
      spin_unlock_irq(&stream);
    }
  }, "alsa-ctl");
  p.src.at(sc_time(500, SC_US), kAudioIrq);
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  EXPECT_FALSE(this_kernel().fatal());
  EXPECT_EQ(ld.count("V-BH-1"), 1u) << ld.dump();  // once per call site
  EXPECT_EQ(ld.count("L-3"), 1u) << ld.dump();
  const LockReport* bh = first("V-BH-1");
  ASSERT_NE(bh, nullptr);
  EXPECT_EQ(bh->locks, std::vector<std::string>{"&dmac->chan.lock"});
  EXPECT_TRUE(has_context(*bh, "process:alsa-ctl > snd_pcm_trigger > tx_submit"));
  EXPECT_NE(bh->message.find("irqs_disabled(): 1"), std::string::npos);
  // 6.1 __warn() layout: the WARN in __local_bh_enable_ip, called by spin_unlock_bh.
  EXPECT_NE(bh->message.find("at kernel/softirq.c:376 __local_bh_enable_ip+0x"), std::string::npos) << bh->message;
  EXPECT_NE(bh->message.find(" spin_unlock_bh+0x"), std::string::npos) << bh->message;
  const LockReport* l3 = first("L-3");
  ASSERT_NE(l3, nullptr);
  EXPECT_EQ(l3->headline, "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected");
  EXPECT_EQ(l3->locks[0], "&substream->self_group.lock");
  EXPECT_EQ(l3->locks[1], "&dmac->chan.lock");
  EXPECT_TRUE(has_context(*l3, "process:alsa-ctl > snd_pcm_trigger > tx_submit"));
  EXPECT_TRUE(has_context(*l3, "hardirq:dma_irq_handler > snd_pcm_period_elapsed"));
  EXPECT_TRUE(has_context(*l3, "process:alsa-ctl > dmac_issue_pending"));
  EXPECT_NE(l3->message.find("but this new dependency connects a HARDIRQ-irq-safe lock:"), std::string::npos);
  ld.expect("V-BH-1");
  ld.expect("L-3");
  expect_no_unexpected_reports();
}

// Why V-BH-1 is real: with a softirq pending, spin_unlock_bh runs it, which
// enables hardirqs inside the trigger's IRQ-off section; the audio IRQ then
// spins on the stream lock held by the code it interrupted.
TEST(KernelLockdep, SeedPatternWithPendingSoftirqDeadlocks) {
  Platform& p = platform();
  static spinlock_t stream, chan;
  static tasklet_struct t;
  spin_lock_init(&stream, "&substream->self_group.lock");
  spin_lock_init(&chan, "&dmac->chan.lock");
  tasklet_setup(&t, [](tasklet_struct*) {}, "dmac_tasklet");
  bool returned = false;
  request_irq(kAudioIrq, [&](int, void*) {
    KFUNC("snd_pcm_period_elapsed");
    unsigned long f;
    spin_lock_irqsave(&stream, f);
    spin_unlock_irqrestore(&stream, f);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    KFUNC("snd_pcm_trigger");
    spin_lock_irq(&stream);
    {
      KFUNC("tx_submit");
      spin_lock_bh(&chan);
      tasklet_schedule(&t);  // a softirq becomes pending
      udelay(2);             // audio IRQ raised at 1 us: masked
      spin_unlock_bh(&chan);
    }
    spin_unlock_irq(&stream);
    returned = true;
  }, "alsa-ctl");
  p.src.at(sc_time(1, SC_US), kAudioIrq);
  sc_start(5, SC_MS);
  EXPECT_TRUE(this_kernel().fatal());
  EXPECT_FALSE(returned);
  EXPECT_LT(sc_time_stamp(), sc_time(1, SC_MS));
  auto& ld = this_kernel().lockdep();
  const LockReport* d = first("DEADLOCK");
  ASSERT_NE(d, nullptr) << ld.dump();
  EXPECT_EQ(d->locks, std::vector<std::string>{"&substream->self_group.lock"});
  EXPECT_NE(d->contexts[0].find("process:alsa-ctl > snd_pcm_trigger"), std::string::npos) << d->contexts[0];
  EXPECT_NE(d->contexts[0].find("interrupted by the spinner"), std::string::npos);
  EXPECT_EQ(d->contexts[1].rfind("hardirq:dma_irq_handler > snd_pcm_period_elapsed", 0), 0u) << d->contexts[1];
  EXPECT_EQ(ld.count("V-BH-1"), 1u);
  // lockdep also sees the hardirq-on inside the stream section (L-1) and the
  // same class re-acquired on top of it (L-5).
  EXPECT_EQ(ld.count("L-1"), 1u) << ld.dump();
  EXPECT_EQ(ld.count("L-5"), 1u) << ld.dump();
  for (auto r : {"V-BH-1", "L-1", "L-5", "DEADLOCK"}) ld.expect(r);
  expect_no_unexpected_reports();
}

// The fixed driver: irqsave everywhere, callbacks without the channel lock,
// a tasklet taking spin_lock_irq, hardirq handlers taking plain spin_lock.
TEST(KernelLockdep, CorrectPatternSilent) {
  Platform& p = platform();
  static spinlock_t stream, chan;
  static rwlock_t link;
  static tasklet_struct t;
  spin_lock_init(&stream, "&substream->self_group.lock");
  spin_lock_init(&chan, "&dmac->chan.lock");
  rwlock_init(&link, "snd_pcm_link_rwlock");
  int callbacks = 0;
  tasklet_setup(&t, [&](tasklet_struct*) {
    KFUNC("dmac_tasklet_fn");
    spin_lock_irq(&chan);
    spin_unlock_irq(&chan);
    {
      KFUNC("dmaengine_pcm_dma_complete");  // callback with the channel lock dropped
      unsigned long f;
      spin_lock_irqsave(&stream, f);
      {
        KFUNC("dmaengine_pcm_pointer");
        unsigned long f2;
        spin_lock_irqsave(&chan, f2);
        spin_unlock_irqrestore(&chan, f2);
      }
      spin_unlock_irqrestore(&stream, f);
      ++callbacks;
    }
  }, "dmac_tasklet");
  request_irq(kDmaIrq, [&](int, void*) {
    spin_lock(&chan);
    spin_unlock(&chan);
    tasklet_schedule(&t);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  request_irq(kAudioIrq, [&](int, void*) {
    KFUNC("snd_pcm_period_elapsed");
    spin_lock(&stream);
    spin_unlock(&stream);
    return IRQ_HANDLED;
  }, 0, "audio_irq_handler", nullptr);
  kthread_run([&] {
    for (int i = 0; i < 3; ++i) {
      {
        KFUNC("snd_pcm_trigger");
        read_lock_irq(&link);
        spin_lock(&stream);
        {
          KFUNC("tx_submit");
          unsigned long f;
          spin_lock_irqsave(&chan, f);
          spin_unlock_irqrestore(&chan, f);
        }
        {
          KFUNC("issue_pending");
          unsigned long f;
          spin_lock_irqsave(&chan, f);
          spin_unlock_irqrestore(&chan, f);
        }
        spin_unlock(&stream);
        read_unlock_irq(&link);
      }
      msleep(1);
    }
  }, "alsa-ctl");
  for (int i = 0; i < 3; ++i) {
    p.src.at(sc_time(300 + 1000 * i, SC_US), kDmaIrq);
    p.src.at(sc_time(600 + 1000 * i, SC_US), kAudioIrq);
  }
  sc_start(5, SC_MS);
  EXPECT_EQ(callbacks, 3);
  EXPECT_FALSE(this_kernel().fatal());
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
  EXPECT_TRUE(this_kernel().lockdep().has_dependency("&substream->self_group.lock", "&dmac->chan.lock"));
}

// ---------------------------------------------------------------- V-BH-1 variants

TEST(KernelLockdep, BhDisableInHardirqReported) {
  Platform& p = platform();
  static spinlock_t l;
  spin_lock_init(&l, "l");
  request_irq(1, [&](int, void*) {
    spin_lock_bh(&l);
    spin_unlock_bh(&l);
    return IRQ_HANDLED;
  }, 0, "bad_handler", nullptr);
  p.src.at(sc_time(100, SC_NS), 1);
  sc_start(1, SC_US);
  auto& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("V-BH-1", "__local_bh_disable_ip"), 1u) << ld.dump();
  EXPECT_EQ(ld.count("V-BH-1", "local_bh_enable_ip"), 1u) << ld.dump();
  EXPECT_EQ(ld.count("V-BH-1"), 2u);
  ld.expect("V-BH-1");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, LocalBhEnableWithIrqsOnSilent) {
  Platform& p = platform();
  (void)p;
  static spinlock_t l;
  spin_lock_init(&l, "l");
  kthread_run([&] {
    spin_lock_bh(&l);
    spin_unlock_bh(&l);
    local_bh_disable();
    local_bh_enable();
  }, "app");
  sc_start(1, SC_US);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- V-SLEEP-1

TEST(KernelLockdep, MsleepUnderSpinlockReported) {
  Platform& p = platform();
  (void)p;
  static spinlock_t l;
  spin_lock_init(&l, "chan_lock");
  bool finished = false;
  kthread_run([&] {
    KFUNC("terminate_sync");
    spin_lock(&l);
    msleep(1);
    spin_unlock(&l);
    finished = true;
  }, "app");
  sc_start(5, SC_MS);
  EXPECT_TRUE(finished);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("V-SLEEP-1"), 1u) << ld.dump();
  const LockReport* r = first("V-SLEEP-1");
  EXPECT_EQ(r->headline, "BUG: sleeping function called from invalid context");
  EXPECT_NE(r->message.find("BUG: sleeping function called from invalid context at "), std::string::npos);
  EXPECT_NE(r->message.find("test_lockdep.cpp:"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: "), std::string::npos);
  EXPECT_NE(r->message.find("name: app"), std::string::npos);
  EXPECT_TRUE(has_context(*r, "process:app > terminate_sync"));
  EXPECT_EQ(r->locks, std::vector<std::string>{"chan_lock"});
  ld.expect("V-SLEEP-1");
  ld.expect("V-SCHED-1");  // msleep() then schedules with the lock held: scheduling while atomic
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, MutexWithIrqsOffReported) {
  Platform& p = platform();
  (void)p;
  static mutex m;
  mutex_init(&m, "m");
  kthread_run([&] {
    local_irq_disable();
    mutex_lock(&m);
    mutex_unlock(&m);
    local_irq_enable();
  }, "app");
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("V-SLEEP-1", "in_atomic(): 0, irqs_disabled(): 1"), 1u) << ld.dump();
  ld.expect("V-SLEEP-1");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, SleepInProcessContextSilent) {
  Platform& p = platform();
  (void)p;
  static mutex m;
  mutex_init(&m, "m");
  static tasklet_struct t;
  tasklet_setup(&t, [](tasklet_struct*) {}, "t");
  bool done = false;
  kthread_run([&] {
    msleep(1);
    usleep_range(10, 20);
    mutex_lock(&m);
    msleep(1);  // sleeping with a mutex held is fine
    mutex_unlock(&m);
    tasklet_kill(&t);
    done = true;
  }, "app");
  sc_start(5, SC_MS);
  EXPECT_TRUE(done);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- L-1 inconsistent state

TEST(KernelLockdep, InconsistentHardirqOnThenInHardirq) {
  Platform& p = platform();
  static spinlock_t chan;
  spin_lock_init(&chan, "chan_lock");
  request_irq(kDmaIrq, [&](int, void*) {
    spin_lock(&chan);
    spin_unlock(&chan);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    KFUNC("tx_submit");
    spin_lock(&chan);  // IRQs on: HARDIRQ-ON-W
    spin_unlock(&chan);
  }, "app");
  p.src.at(sc_time(1, SC_US), kDmaIrq);
  sc_start(5, SC_US);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("L-1"), 1u) << ld.dump();
  const LockReport* r = first("L-1");
  EXPECT_EQ(r->headline, "WARNING: inconsistent lock state");
  EXPECT_NE(r->message.find("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage."), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("[HC1[1]:SC0[0]:HE0:SE1] takes:"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("{HARDIRQ-ON-W} state was registered at:"), std::string::npos);
  EXPECT_TRUE(has_context(*r, "process:app > tx_submit"));
  EXPECT_TRUE(has_context(*r, "hardirq:dma_irq_handler"));
  ld.expect("L-1");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, InconsistentSoftirq) {
  Platform& p = platform();
  static spinlock_t chan;
  static tasklet_struct t;
  spin_lock_init(&chan, "chan_lock");
  tasklet_setup(&t, [&](tasklet_struct*) {
    spin_lock(&chan);
    spin_unlock(&chan);
  }, "dmac_tasklet");
  request_irq(kDmaIrq, [&](int, void*) {
    tasklet_schedule(&t);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    unsigned long f;
    spin_lock_irqsave(&chan, f);  // no HARDIRQ-ON, no SOFTIRQ-ON
    spin_unlock_irqrestore(&chan, f);
    msleep(1);
    spin_lock(&chan);  // SOFTIRQ-ON-W (and HARDIRQ-ON-W): conflicts with IN-SOFTIRQ-W
    spin_unlock(&chan);
  }, "app");
  p.src.at(sc_time(10, SC_US), kDmaIrq);
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("L-1", "inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage."), 1u) << ld.dump();
  ld.expect("L-1");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, IrqsaveInProcessAndHardirqSilent) {
  Platform& p = platform();
  static spinlock_t chan;
  spin_lock_init(&chan, "chan_lock");
  request_irq(kDmaIrq, [&](int, void*) {
    spin_lock(&chan);
    spin_unlock(&chan);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    for (int i = 0; i < 3; ++i) {
      unsigned long f;
      spin_lock_irqsave(&chan, f);
      udelay(1);  // the IRQ waits for the restore
      spin_unlock_irqrestore(&chan, f);
    }
  }, "app");
  p.src.at(sc_time(500, SC_NS), kDmaIrq);
  sc_start(10, SC_US);
  EXPECT_EQ(this_kernel().irq_count(kDmaIrq), 1u);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- L-2 irq inversion

TEST(KernelLockdep, IrqInversionWhenUnsafeUsageComesLater) {
  Platform& p = platform();
  static spinlock_t stream, chan;
  spin_lock_init(&stream, "stream_lock");
  spin_lock_init(&chan, "chan_lock");
  request_irq(kAudioIrq, [&](int, void*) {
    spin_lock(&stream);
    spin_unlock(&stream);
    return IRQ_HANDLED;
  }, 0, "audio_irq_handler", nullptr);
  kthread_run([&] {
    msleep(1);  // stream becomes IN-HARDIRQ-W
    {
      KFUNC("snd_pcm_trigger");
      spin_lock_irq(&stream);
      spin_lock(&chan);  // dependency stream -> chan, chan still irq-clean
      spin_unlock(&chan);
      spin_unlock_irq(&stream);
    }
    KFUNC("dmac_terminate_all");
    spin_lock(&chan);  // now chan becomes HARDIRQ-ON-W
    spin_unlock(&chan);
  }, "app");
  p.src.at(sc_time(100, SC_US), kAudioIrq);
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("L-2"), 1u) << ld.dump();
  const LockReport* r = first("L-2");
  EXPECT_EQ(r->headline, "WARNING: possible irq lock inversion dependency detected");
  EXPECT_NE(r->message.find("but this lock was taken by another, HARDIRQ-safe lock in the past:"), std::string::npos)
      << r->message;
  EXPECT_TRUE(has_context(*r, "process:app > dmac_terminate_all"));
  EXPECT_TRUE(has_context(*r, "hardirq:audio_irq_handler"));
  ld.expect("L-2");
  expect_no_unexpected_reports();
}

// ---------------------------------------------------------------- L-3 SOFTIRQ-safe -> unsafe

TEST(KernelLockdep, SoftirqSafeToUnsafe) {
  Platform& p = platform();
  static spinlock_t x, y;
  static tasklet_struct t;
  spin_lock_init(&x, "x_lock");
  spin_lock_init(&y, "y_lock");
  tasklet_setup(&t, [&](tasklet_struct*) {
    spin_lock(&x);  // IN-SOFTIRQ-W
    spin_unlock(&x);
  }, "t");
  request_irq(kDmaIrq, [&](int, void*) {
    tasklet_schedule(&t);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    KFUNC("worker");
    spin_lock(&y);  // SOFTIRQ-ON-W
    spin_unlock(&y);
    msleep(1);
    spin_lock_bh(&x);
    spin_lock(&y);  // x -> y: SOFTIRQ-safe -> SOFTIRQ-unsafe
    spin_unlock(&y);
    spin_unlock_bh(&x);
  }, "app");
  p.src.at(sc_time(10, SC_US), kDmaIrq);
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("L-3"), 1u) << ld.dump();
  const LockReport* r = first("L-3");
  EXPECT_EQ(r->headline, "WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected");
  EXPECT_TRUE(has_context(*r, "softirq:tasklet t"));
  EXPECT_TRUE(has_context(*r, "process:app > worker"));
  ld.expect("L-3");
  expect_no_unexpected_reports();
}

// ---------------------------------------------------------------- L-4 circular

TEST(KernelLockdep, CircularAbBaAcrossThreads) {
  Platform& p = platform();
  (void)p;
  static spinlock_t a, b;
  spin_lock_init(&a, "lock_A");
  spin_lock_init(&b, "lock_B");
  kthread_run([&] {
    KFUNC("path_ab");
    spin_lock(&a);
    spin_lock(&b);
    spin_unlock(&b);
    spin_unlock(&a);
  }, "thread-1");
  kthread_run([&] {
    msleep(1);
    KFUNC("path_ba");
    spin_lock(&b);
    spin_lock(&a);
    spin_unlock(&a);
    spin_unlock(&b);
  }, "thread-2");
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("L-4"), 1u) << ld.dump();
  const LockReport* r = first("L-4");
  EXPECT_EQ(r->headline, "WARNING: possible circular locking dependency detected");
  EXPECT_NE(r->message.find("which lock already depends on the new lock."), std::string::npos);
  EXPECT_NE(r->message.find("the existing dependency chain (in reverse order) is:"), std::string::npos);
  EXPECT_TRUE(has_context(*r, "process:thread-2 > path_ba"));
  EXPECT_TRUE(has_context(*r, "process:thread-1 > path_ab"));
  ld.expect("L-4");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, TrylockAddsNoDependencySilent) {
  Platform& p = platform();
  (void)p;
  static spinlock_t a, b;
  spin_lock_init(&a, "lock_A");
  spin_lock_init(&b, "lock_B");
  kthread_run([&] {
    spin_lock(&a);
    if (spin_trylock(&b)) spin_unlock(&b);
    spin_unlock(&a);
    spin_lock(&b);
    spin_lock(&a);
    spin_unlock(&a);
    spin_unlock(&b);
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_FALSE(this_kernel().lockdep().has_dependency("lock_A", "lock_B"));
  EXPECT_TRUE(this_kernel().lockdep().has_dependency("lock_B", "lock_A"));
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

TEST(KernelLockdep, NoDependencyAcrossIrqContextSilent) {
  Platform& p = platform();
  static spinlock_t a, b;
  spin_lock_init(&a, "lock_A");
  spin_lock_init(&b, "lock_B");
  request_irq(kDmaIrq, [&](int, void*) {
    spin_lock(&b);
    spin_unlock(&b);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    spin_lock_bh(&a);
    udelay(1);  // interrupt taken while A is held
    spin_unlock_bh(&a);
  }, "app");
  p.src.at(sc_time(300, SC_NS), kDmaIrq);
  sc_start(10, SC_US);
  EXPECT_EQ(this_kernel().irq_count(kDmaIrq), 1u);
  EXPECT_FALSE(this_kernel().lockdep().has_dependency("lock_A", "lock_B"));
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- L-5 recursive

TEST(KernelLockdep, RecursiveLockingSameClass) {
  Platform& p = platform();
  (void)p;
  static spinlock_t c1, c2;
  spin_lock_init(&c1, "&chan->lock");
  spin_lock_init(&c2, "&chan->lock");  // same class, other instance
  kthread_run([&] {
    KFUNC("callback_resubmit");
    spin_lock(&c1);
    spin_lock(&c2);
    spin_unlock(&c2);
    spin_unlock(&c1);
  }, "app");
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("L-5"), 1u) << ld.dump();
  EXPECT_EQ(first("L-5")->headline, "WARNING: possible recursive locking detected");
  EXPECT_EQ(first("L-5")->locks, std::vector<std::string>{"&chan->lock"});
  EXPECT_FALSE(this_kernel().fatal());
  ld.expect("L-5");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, NestedAnnotationSilent) {
  Platform& p = platform();
  (void)p;
  static spinlock_t c1, c2;
  spin_lock_init(&c1, "&chan->lock");
  spin_lock_init(&c2, "&chan->lock");
  kthread_run([&] {
    spin_lock(&c1);
    spin_lock_nested(&c2, 1);  // SINGLE_DEPTH_NESTING
    spin_unlock(&c2);
    spin_unlock(&c1);
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// Linux 6.1 with queued rwlocks (x86-64, arm64): a process-context reader is
// not recursive (a waiting writer blocks the second read_lock), so a nested
// read_lock in a task is "possible recursive locking"; only interrupt-context
// readers may recurse (the locking selftest's "irq read-recursion" rows).
TEST(KernelLockdep, ProcessContextReadRecursionReportedAsQueuedRwlock) {
  Platform& p = platform();
  (void)p;
  static rwlock_t rw;
  rwlock_init(&rw, "snd_pcm_link_rwlock");
  kthread_run([&] {
    read_lock(&rw);
    read_lock(&rw);
    read_unlock(&rw);
    read_unlock(&rw);
  }, "app");
  sc_start(1, SC_MS);
  Lockdep& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("L-5"), 1u) << ld.dump();
  EXPECT_EQ(ld.reports().size(), 1u) << ld.dump();
  ld.expect("L-5");
}

// ---------------------------------------------------------------- deadlock

TEST(KernelLockdep, DeadlockProcessHoldsIrqHandlerSpins) {
  Platform& p = platform();
  static spinlock_t chan;
  spin_lock_init(&chan, "&dmac->chan.lock");
  bool released = false;
  request_irq(kDmaIrq, [&](int, void*) {
    KFUNC("dmac_handle_irq");
    spin_lock(&chan);
    spin_unlock(&chan);
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    KFUNC("dmac_issue_pending");
    spin_lock(&chan);  // plain spin_lock: IRQs stay on
    udelay(5);
    spin_unlock(&chan);
    released = true;
  }, "app");
  p.src.at(sc_time(1, SC_US), kDmaIrq);
  sc_start(10, SC_MS);  // must return early, not hang
  EXPECT_TRUE(this_kernel().fatal());
  EXPECT_FALSE(released);
  EXPECT_EQ(sc_time_stamp(), sc_time(1, SC_US));
  auto& ld = this_kernel().lockdep();
  const LockReport* d = first("DEADLOCK");
  ASSERT_NE(d, nullptr) << ld.dump();
  EXPECT_EQ(d->contexts[0], "process:app > dmac_issue_pending (interrupted by the spinner; task app/2)");
  EXPECT_EQ(d->contexts[1],
            "hardirq:dma_irq_handler > dmac_handle_irq <- interrupted process:app > dmac_issue_pending");
  EXPECT_NE(this_kernel().fatal_message().find("&dmac->chan.lock"), std::string::npos);
  EXPECT_EQ(ld.count("L-1", "inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage."), 1u) << ld.dump();
  for (auto r : {"L-1", "L-5", "DEADLOCK"}) ld.expect(r);
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, DeadlockSpinOnLockHeldBySleepingThread) {
  Platform& p = platform();
  (void)p;
  static spinlock_t l;
  spin_lock_init(&l, "l");
  kthread_run([&] {
    spin_lock(&l);
    msleep(1);  // V-SLEEP-1, and the lock stays held while sleeping
    spin_unlock(&l);
  }, "holder");
  kthread_run([&] {
    KFUNC("other");
    spin_lock(&l);
    spin_unlock(&l);
  }, "spinner");
  sc_start(10, SC_MS);
  EXPECT_TRUE(this_kernel().fatal());
  const LockReport* d = first("DEADLOCK");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->contexts[0].find("process:holder (task holder/2 is sleeping)"), std::string::npos) << d->contexts[0];
  EXPECT_EQ(d->contexts[1], "process:spinner > other");
  for (auto r : {"V-SLEEP-1", "V-SCHED-1", "DEADLOCK"}) this_kernel().lockdep().expect(r);
  expect_no_unexpected_reports();
}

// ---------------------------------------------------------------- misc checks

TEST(KernelLockdep, SleepInHardirqReportedAndBusyWaits) {
  Platform& p = platform();
  double end_t = -1;
  request_irq(kDmaIrq, [&](int, void*) {
    msleep(1);  // BUG: cannot sleep here; the model busy-waits instead
    end_t = now_ns();
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  p.src.at(sc_time(1, SC_US), kDmaIrq);
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("V-SLEEP-1", "in_atomic(): 1, irqs_disabled(): 1"), 1u) << ld.dump();
  EXPECT_EQ(ld.count("V-SLEEP-1", "name: swapper/0"), 1u);
  EXPECT_DOUBLE_EQ(end_t, 1.001e6);
  ld.expect("V-SLEEP-1");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, EnablingIrqsInHandlerReported) {
  Platform& p = platform();
  request_irq(kDmaIrq, [&](int, void*) {
    local_irq_enable();
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  p.src.at(sc_time(1, SC_US), kDmaIrq);
  sc_start(5, SC_US);
  auto& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("L-IRQEN", "Can't allow enabling interrupts while in an interrupt handler"), 1u) << ld.dump();
  EXPECT_EQ(ld.count("L-IRQEN", "irq 8 handler dma_irq_handler enabled interrupts"), 1u) << ld.dump();
  ld.expect("L-IRQEN");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, BadUnlockBalanceReported) {
  Platform& p = platform();
  (void)p;
  static spinlock_t l;
  spin_lock_init(&l, "l");
  kthread_run([&] {
    spin_lock(&l);
    spin_unlock(&l);
    spin_unlock(&l);
  }, "app");
  sc_start(1, SC_US);
  auto& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("L-UNLOCK", "WARNING: bad unlock balance detected!"), 1u) << ld.dump();
  // CONFIG_DEBUG_SPINLOCK and CONFIG_DEBUG_PREEMPT see the same bad unlock.
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "BUG: spinlock already unlocked on CPU#0: l"), 1u);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "BUG: preempt_count underflow (0 - 0x1)"), 1u);
  ld.expect("L-UNLOCK");
  expect_no_unexpected_reports();
}

// Read variants: readers in hardirq + readers with IRQs on is the legal
// tasklist_lock pattern ({IN-HARDIRQ-R} and {HARDIRQ-ON-R} do not conflict);
// a writer with IRQs on conflicts with the hardirq reader.
TEST(KernelLockdep, RwlockReadVariants) {
  Platform& p = platform();
  static rwlock_t link;
  rwlock_init(&link, "snd_pcm_link_rwlock");
  bool after_readers_silent = false;
  request_irq(kAudioIrq, [&](int, void*) {
    read_lock(&link);  // IN-HARDIRQ-R
    read_unlock(&link);
    return IRQ_HANDLED;
  }, 0, "audio_irq_handler", nullptr);
  kthread_run([&] {
    read_lock(&link);  // HARDIRQ-ON-R
    read_unlock(&link);
    msleep(1);
    after_readers_silent = this_kernel().lockdep().reports().empty();
    KFUNC("snd_pcm_link");
    write_lock(&link);  // HARDIRQ-ON-W: conflicts with IN-HARDIRQ-R
    write_unlock(&link);
  }, "app");
  p.src.at(sc_time(10, SC_US), kAudioIrq);
  sc_start(5, SC_MS);
  EXPECT_TRUE(after_readers_silent);
  auto& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("L-1", "inconsistent {IN-HARDIRQ-R} -> {HARDIRQ-ON-W} usage."), 1u) << ld.dump();
  ld.expect("L-1");
  expect_no_unexpected_reports();
}

TEST(KernelLockdep, LocalBhEnableWithIrqsOffReported) {
  Platform& p = platform();
  (void)p;
  kthread_run([&] {
    KFUNC("bad_path");
    unsigned long f;
    local_irq_save(f);
    local_bh_disable();
    local_bh_enable();
    local_irq_restore(f);
  }, "app");
  sc_start(1, SC_US);
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("V-BH-1"), 1u) << ld.dump();
  EXPECT_EQ(ld.reports()[0].contexts, std::vector<std::string>{"process:app > bad_path"});
  EXPECT_NE(ld.reports()[0].message.find("at kernel/softirq.c:376 __local_bh_enable_ip+0x"), std::string::npos)
      << ld.reports()[0].message;
  EXPECT_NE(ld.reports()[0].message.find(" local_bh_enable+0x"), std::string::npos) << ld.reports()[0].message;
  ld.expect("V-BH-1");
  expect_no_unexpected_reports();
}
