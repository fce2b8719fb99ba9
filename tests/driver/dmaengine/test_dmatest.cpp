// dmatest over all channels for both lock policies, and the 2010 seed pattern.
#include "rig.h"

using namespace dt;

// Named after the file: the program compiles several test files as one
// translation unit (cmake/dmacosim.cmake, dmacosim_unity).
namespace test_dmatest {

namespace {

void run_dmatest(DmacLockPolicy policy) {
  Rig rig;
  dmatest_info info;
  int ret = -1;
  unsigned channels = 0;
  rig.run([&] {
    ASSERT_NE(rig.probe(policy), nullptr);
    channels = rig.dmac->nr_channels;
    dmatest_params p;
    p.test_buf_size = 1024;
    p.iterations = 1000;
    p.threads_per_chan = 1;
    p.timeout = 50;
    p.alignment = 0;
    ret = dmatest_run(p, &info);
  }, sc_time(20, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(ret, 0);
  EXPECT_TRUE(info.all_threads_finished);
  EXPECT_EQ(info.channels, channels);
  EXPECT_EQ(channels, 8u);
  EXPECT_EQ(info.total_tests, 1000u * channels);
  EXPECT_EQ(info.total_failures, 0u);
  for (auto& l : info.results) ADD_FAILURE() << l;
  for (auto& l : info.mismatches) ADD_FAILURE() << l;
  ASSERT_EQ(info.summaries.size(), channels);
  EXPECT_NE(info.summaries[0].find(": summary 1000 tests, 0 failures "), std::string::npos) << info.summaries[0];
}

}  // namespace

TEST(Dmatest, VirtDmaAllChannels1000Iterations) { run_dmatest(DmacLockPolicy::VirtDma); }
TEST(Dmatest, LegacyBhAllChannels1000Iterations) { run_dmatest(DmacLockPolicy::LegacyBh); }

// ------------------------------------------------------------------ the seed (2010) pattern

namespace {

struct SeedResult {
  bool irq_seen = false;
  bool copies_ok = false;
};

void seed_pattern(Rig& rig, DmacLockPolicy policy, SeedResult* r) {
  static spinlock_t stream;
  spin_lock_init(&stream, "&substream->self_group.lock");
  ASSERT_NE(rig.probe(policy), nullptr);
  dma_chan* chan = request_memcpy_chan();
  ASSERT_NE(chan, nullptr);
  Cpu& cpu = rig.cpu();
  // The audio interrupt (underrun) takes the stream lock in hardirq context,
  // as snd_pcm_period_elapsed() does: the class becomes HARDIRQ-safe.
  request_irq(kIrqAudio, [r](int, void*) -> irqreturn_t {
    KFUNC("snd_pcm_period_elapsed");
    Cpu& c = this_kernel().cpu();
    unsigned long f;
    spin_lock_irqsave(&stream, f);
    c.writel(0, kAudioBase + AudioPort::CTRL);  // stop the port
    c.writel(AudioPort::IRQ_UNDERRUN, kAudioBase + AudioPort::IRQ_STATUS);
    r->irq_seen = true;
    spin_unlock_irqrestore(&stream, f);
    return IRQ_HANDLED;
  }, 0, "audio", r);

  const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x20000;
  fill(cpu, src, 2048, 11);
  completion done;
  auto cb = [](void* p) { complete(static_cast<completion*>(p)); };
  auto submit = [&](uint64_t off) {
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst + off, src + off, 1024,
                                                            DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    if (!tx) return;
    tx->callback = cb;
    tx->callback_param = &done;
    dmaengine_submit(tx);
    dma_async_issue_pending(chan);
  };
  // 1. the driver used from process context with IRQs on (the channel lock
  //    gets HARDIRQ-ON-W under the legacy policy)
  init_completion(&done);
  submit(0);
  EXPECT_NE(wait_for_completion_timeout(&done, msecs_to_jiffies(20)), 0u);
  // 2. audio underrun interrupt
  cpu.writel(AudioPort::CTRL_ENABLE | AudioPort::CTRL_UNDERRUN_IRQ_EN, kAudioBase + AudioPort::CTRL);
  msleep(1);
  // 3. "trigger": IRQs off under the stream lock, then submit + issue
  init_completion(&done);
  {
    KFUNC("snd_pcm_trigger");
    spin_lock_irq(&stream);
    submit(1024);
    spin_unlock_irq(&stream);
  }
  EXPECT_NE(wait_for_completion_timeout(&done, msecs_to_jiffies(20)), 0u);
  r->copies_ok = read(cpu, dst, 2048) == read(cpu, src, 2048);
  dma_release_channel(chan);
}

[[maybe_unused]] bool any_context(const LockReport& r, const std::string& needle) {
  for (auto& c : r.contexts)
    if (c.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(SeedPattern, LegacyBhUnderIrqsOffCallerIsReported) {
  Rig rig;
  SeedResult r;
  rig.sys.kernel.lockdep().expect("V-BH-1");
  rig.sys.kernel.lockdep().expect("L-3");
  rig.run([&] { seed_pattern(rig, DmacLockPolicy::LegacyBh, &r); }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(r.irq_seen);
  EXPECT_TRUE(r.copies_ok);
  auto& ld = rig.sys.kernel.lockdep();
  // once per call site: the unlock_bh in tx_submit and in issue_pending
  ASSERT_EQ(ld.count("V-BH-1"), 2u) << ld.dump();
  ASSERT_EQ(ld.count("L-3"), 1u) << ld.dump();
  const LockReport* bh = nullptr;
  const LockReport* l3 = nullptr;
  for (auto& rep : ld.reports()) {
    if (rep.rule == "V-BH-1" && !bh) bh = &rep;
    if (rep.rule == "L-3") l3 = &rep;
  }
  EXPECT_EQ(bh->locks, std::vector<std::string>{"&vc->lock"}) << ld.dump();
  EXPECT_TRUE(any_context(*bh, "process:init > snd_pcm_trigger > tx_submit")) << ld.dump();
  EXPECT_EQ(ld.count("V-BH-1", "snd_pcm_trigger > issue_pending"), 1u) << ld.dump();
  EXPECT_NE(bh->message.find("irqs_disabled(): 1"), std::string::npos) << bh->message;
  EXPECT_EQ(l3->headline, "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected");
  ASSERT_GE(l3->locks.size(), 2u);
  EXPECT_EQ(l3->locks[0], "&substream->self_group.lock");
  EXPECT_EQ(l3->locks[1], "&vc->lock");
  // The new dependency is made by the first channel-lock acquisition under the
  // stream lock (prep's vchan_tx_prep); the HARDIRQ-unsafe usage comes from
  // the _bh tx_submit with IRQs on, the HARDIRQ-safe one from the audio IRQ.
  EXPECT_NE(l3->message.find("process:init > snd_pcm_trigger"), std::string::npos) << l3->message;
  // The HARDIRQ-unsafe usage site, printed under "became HARDIRQ-irq-unsafe at:".
  const size_t unsafe_at = l3->message.find("became HARDIRQ-irq-unsafe at:");
  ASSERT_NE(unsafe_at, std::string::npos) << l3->message;
  const size_t site = l3->message.find("\n  process:init > tx_submit", unsafe_at);
  EXPECT_LT(site, l3->message.find("other info that might help", unsafe_at)) << l3->message;
  EXPECT_NE(l3->message.find("hardirq:audio > snd_pcm_period_elapsed"), std::string::npos) << l3->message;
  EXPECT_EQ(ld.count("L-1"), 0u) << ld.dump();
}

TEST(SeedPattern, VirtDmaUnderIrqsOffCallerIsSilent) {
  Rig rig;
  SeedResult r;
  rig.run([&] { seed_pattern(rig, DmacLockPolicy::VirtDma, &r); }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(r.irq_seen);
  EXPECT_TRUE(r.copies_ok);
  EXPECT_TRUE(rig.sys.kernel.lockdep().reports().empty()) << rig.sys.kernel.lockdep().dump();
}

}  // namespace test_dmatest
