// dmaengine API + the dmac provider against the RTL.
#include <climits>

#include "rig.h"

using namespace dt;

// Named after the file: the program compiles several test files as one
// translation unit (cmake/dmacosim.cmake, dmacosim_unity).
namespace test_dmaengine {

namespace {

struct CbState {
  int calls = 0;
  bool in_softirq = false, in_hardirq = true, lock_held = true;
  std::string ctx;
  dmaengine_result res;
  dma_chan* chan = nullptr;
  completion done;
};

void memcpy_cb_result(void* p, const dmaengine_result* r) {
  auto* s = static_cast<CbState*>(p);
  s->calls++;
  s->in_softirq = in_serving_softirq();
  s->in_hardirq = in_hardirq();
  s->lock_held = spin_is_locked(&to_virt_chan(s->chan)->lock);
  s->ctx = this_kernel().current_chain();
  s->res = *r;
  complete(&s->done);
}

// One memcpy through the API; waits for the callback. Returns the cookie.
dma_cookie_t do_memcpy(dma_chan* chan, uint64_t dst, uint64_t src, size_t len, CbState* st) {
  init_completion(&st->done);
  st->chan = chan;
  dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
  if (!tx) return -ENOMEM;
  tx->callback_result = memcpy_cb_result;
  tx->callback_param = st;
  dma_cookie_t c = dmaengine_submit(tx);
  dma_async_issue_pending(chan);
  wait_for_completion_timeout(&st->done, msecs_to_jiffies(20));
  return c;
}

}  // namespace

// ------------------------------------------------------------------ API misuse, cookies

TEST(DmaengineApi, MisuseGetsErrorsAndCookiesWrap) {
  Rig rig;
  static bool r_cookie_wrap = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x20000;

    // prep with bad arguments -> NULL
    EXPECT_EQ(dmaengine_prep_dma_memcpy(chan, dst, src, 0, 0), nullptr);
    EXPECT_EQ(dmaengine_prep_dma_memcpy(chan, 0x1'0000'0000ull, src, 16, 0), nullptr);  // beyond 32-bit bus
    EXPECT_EQ(dmaengine_prep_slave_single(chan, src, 64, DMA_MEM_TO_DEV, 0), nullptr);  // no slave config
    EXPECT_EQ(dmaengine_prep_dma_cyclic(chan, src, 1000, 300, DMA_MEM_TO_DEV, 0), nullptr);
    EXPECT_EQ(dmaengine_prep_dma_memset(chan, dst, 0, 64, 0), nullptr);  // no memset op

    // slave_config: bad widths / burst -> -EINVAL
    dma_slave_config cfg;
    cfg.direction = DMA_MEM_TO_DEV;
    cfg.dst_addr = kAudioBase + AudioPort::FIFO_DATA;
    cfg.dst_addr_width = DMA_SLAVE_BUSWIDTH_3_BYTES;
    EXPECT_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL);
    cfg.dst_addr_width = DMA_SLAVE_BUSWIDTH_16_BYTES;  // wider than the 64-bit data bus
    EXPECT_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL);
    cfg.dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
    cfg.dst_maxburst = 1000;
    EXPECT_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL);
    cfg.dst_maxburst = 8;
    cfg.slave_id = kDreqAudioTx;
    EXPECT_EQ(dmaengine_slave_config(chan, &cfg), 0);
    // now valid config; still bad args
    EXPECT_EQ(dmaengine_prep_dma_cyclic(chan, src, 1024, 0, DMA_MEM_TO_DEV, 0), nullptr);
    EXPECT_EQ(dmaengine_prep_dma_cyclic(chan, src, 1024, 254, DMA_MEM_TO_DEV, 0), nullptr);  // not a multiple
    EXPECT_EQ(dmaengine_prep_slave_single(chan, src, 6, DMA_MEM_TO_DEV, 0), nullptr);  // not a width multiple
    EXPECT_EQ(dmaengine_prep_slave_single(chan, src, 64, DMA_MEM_TO_MEM, 0), nullptr);  // not a slave direction
    EXPECT_EQ(dmaengine_prep_slave_sg(chan, nullptr, 0, DMA_MEM_TO_DEV, 0), nullptr);

    // resume of a channel that is not paused; pause of an idle channel is a no-op
    EXPECT_EQ(dmaengine_resume(chan), -EINVAL);
    EXPECT_EQ(dmaengine_pause(chan), 0);
    EXPECT_EQ(dmaengine_resume(chan), -EINVAL);

    // tx_status of cookies that were never handed out: dma_cookie_status()'s
    // comparison, as Linux providers answer (an error cookie or 0 is
    // "complete": a client must check dma_submit_error() itself)
    dma_tx_state st;
    EXPECT_EQ(dmaengine_tx_status(chan, -EINVAL, &st), DMA_COMPLETE);  // dma_submit_error cookie
    EXPECT_EQ(dmaengine_tx_status(chan, 0, &st), DMA_COMPLETE);
    // A cookie above the last used one: the kernel's comparison says
    // COMPLETE (dma_async_is_complete); kept, so clients see Linux semantics.
    EXPECT_EQ(dmaengine_tx_status(chan, 1000, &st), DMA_COMPLETE);
    EXPECT_EQ(st.used, 1);
    EXPECT_EQ(st.residue, 0u);

    // dma_request_chan with no platform description -> ERR_PTR
    device nodev{"no-such-device"};
    dma_chan* e = dma_request_chan(&nodev, "tx");
    EXPECT_TRUE(IS_ERR(e));
    EXPECT_EQ(PTR_ERR(e), -ENODEV);

    // registration: a capability without its op -> -EIO
    dma_device bad;
    dma_chan bad_chan;
    bad.channels.push_back(&bad_chan);
    dma_cap_set(DMA_CYCLIC, bad.cap_mask);
    bad.device_tx_status = [](dma_chan*, dma_cookie_t, dma_tx_state*) { return DMA_COMPLETE; };
    bad.device_issue_pending = [](dma_chan*) {};
    EXPECT_EQ(dma_async_device_register(&bad), -EIO);
    dma_device bad2;
    bad2.channels.push_back(&bad_chan);
    dma_cap_set(DMA_MEMCPY, bad2.cap_mask);
    bad2.device_prep_dma_memcpy = [](dma_chan*, dma_addr_t, dma_addr_t, size_t, unsigned long) {
      return static_cast<dma_async_tx_descriptor*>(nullptr);
    };
    EXPECT_EQ(dma_async_device_register(&bad2), -EIO);  // no tx_status / issue_pending
    EXPECT_EQ(Log::instance().count(LogLevel::Error, "Device claims capability DMA_CYCLIC, but op is not defined"), 1u);
    EXPECT_EQ(Log::instance().count(LogLevel::Error, "Device tx_status is not defined"), 1u);

    // cookie arithmetic, as drivers/dma/dmaengine.h
    dma_chan fake;
    dma_async_tx_descriptor tx;
    tx.chan = &fake;
    fake.cookie = INT_MAX - 1;
    EXPECT_EQ(dma_cookie_assign(&tx), INT_MAX);
    EXPECT_EQ(dma_cookie_assign(&tx), 1);  // wraps to DMA_MIN_COOKIE
    EXPECT_EQ(dma_cookie_assign(&tx), 2);
    // completed before the wrap, used after it
    EXPECT_TRUE(dma_async_is_complete(INT_MAX - 5, INT_MAX - 1, 2));
    EXPECT_FALSE(dma_async_is_complete(INT_MAX, INT_MAX - 1, 2));
    EXPECT_FALSE(dma_async_is_complete(1, INT_MAX - 1, 2));
    EXPECT_FALSE(dma_async_is_complete(2, INT_MAX - 1, 2));
    EXPECT_TRUE(dma_async_is_complete(100, INT_MAX - 1, 2));  // old, long done
    // no wrap
    EXPECT_TRUE(dma_async_is_complete(5, 7, 9));
    EXPECT_FALSE(dma_async_is_complete(8, 7, 9));
    EXPECT_TRUE(dma_async_is_complete(10, 7, 9));

    // Real transfers across the wrap through the RTL.
    chan->cookie = chan->completed_cookie = INT_MAX - 1;
    fill(rig.cpu(), src, 256, 1);
    CbState s1, s2, s3;
    dma_cookie_t c1 = do_memcpy(chan, dst, src, 100, &s1);
    dma_cookie_t c2 = do_memcpy(chan, dst + 100, src + 100, 100, &s2);
    EXPECT_EQ(c1, INT_MAX);
    EXPECT_EQ(c2, 1);
    EXPECT_EQ(dma_async_is_tx_complete(chan, c1, nullptr, nullptr), DMA_COMPLETE);
    EXPECT_EQ(dma_async_is_tx_complete(chan, c2, nullptr, nullptr), DMA_COMPLETE);
    // submitted but not issued: in progress across the wrap, full residue
    dma_async_tx_descriptor* t3 = dmaengine_prep_dma_memcpy(chan, dst + 200, src + 200, 56, DMA_CTRL_ACK);
    ASSERT_NE(t3, nullptr);
    dma_cookie_t c3 = dmaengine_submit(t3);
    EXPECT_EQ(c3, 2);
    EXPECT_EQ(dmaengine_tx_status(chan, c3, &st), DMA_IN_PROGRESS);
    EXPECT_EQ(st.residue, 56u);
    EXPECT_EQ(dmaengine_tx_status(chan, c1, &st), DMA_COMPLETE);
    msleep(1);  // not issued -> never reaches hardware
    EXPECT_EQ(dmaengine_tx_status(chan, c3, &st), DMA_IN_PROGRESS);
    init_completion(&s3.done);
    s3.chan = chan;
    dma_async_issue_pending(chan);
    msleep(1);
    EXPECT_EQ(dmaengine_tx_status(chan, c3, &st), DMA_COMPLETE);
    r_cookie_wrap = rig.cpu().readl(kDmaRegsBase + DMAC_ID) == DMAC_ID_VALUE;
    auto got = read(rig.cpu(), dst, 256), want = read(rig.cpu(), src, 256);
    EXPECT_EQ(got, want);

    // Context rules: release may sleep -> V-SLEEP-1 when called atomically.
    dma_release_channel(chan);
    dma_chan* chan2 = request_memcpy_chan();
    ASSERT_NE(chan2, nullptr);
    this_kernel().lockdep().expect("V-SLEEP-1");
    unsigned long flags;
    local_irq_save(flags);
    dmaengine_synchronize(chan2);  // may sleep: misuse with IRQs off
    local_irq_restore(flags);
    EXPECT_GE(this_kernel().lockdep().count("V-SLEEP-1"), 1u) << this_kernel().lockdep().dump();
    dma_release_channel(chan2);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(r_cookie_wrap);
}

// ------------------------------------------------------------------ memcpy

TEST(DmacProvider, MemcpyDataExactCallbackOnceInTaskletUnlocked) {
  Rig rig;
  CbState s;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const size_t len = 5000;
    const uint64_t src = kRamBase + 0x10003, dst = kRamBase + 0x40005;
    fill(rig.cpu(), src, len, 3);
    std::vector<uint8_t> poison(len + 64, 0xA5);
    rig.cpu().memcpy_to_bus(dst - 32, poison.data(), poison.size());
    dma_cookie_t c = do_memcpy(chan, dst, src, len, &s);
    EXPECT_GE(c, DMA_MIN_COOKIE);
    msleep(1);  // a second callback would show up here
    dma_tx_state st;
    EXPECT_EQ(dmaengine_tx_status(chan, c, &st), DMA_COMPLETE);
    EXPECT_EQ(st.residue, 0u);
    EXPECT_EQ(read(rig.cpu(), dst, len), read(rig.cpu(), src, len));
    auto g1 = read(rig.cpu(), dst - 32, 32), g2 = read(rig.cpu(), dst + len, 32);
    EXPECT_EQ(g1, std::vector<uint8_t>(32, 0xA5));
    EXPECT_EQ(g2, std::vector<uint8_t>(32, 0xA5));
    EXPECT_FALSE(any_busy_err(rig.cpu(), board::kDmaRegsBase, rig.dmac->nr_channels)) << "a doorbell was ignored";
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(s.calls, 1);
  EXPECT_TRUE(s.in_softirq);
  EXPECT_FALSE(s.in_hardirq);
  EXPECT_FALSE(s.lock_held);
  EXPECT_NE(s.ctx.find("softirq:tasklet dmac_tasklet"), std::string::npos) << s.ctx;
  EXPECT_EQ(s.res.result, DMA_TRANS_NOERROR);
}

// ------------------------------------------------------------------ cyclic to the audio port

namespace {

constexpr unsigned kPeriod = 256, kPeriods = 4, kBuf = kPeriod * kPeriods;

struct CyclicState {
  dma_chan* chan = nullptr;
  dma_cookie_t cookie = 0;
  AudioPort* audio = nullptr;
  int calls = 0;
  int stop_at = -1;  // terminate_async from the callback at this call
  int notify_at = 10;
  std::vector<uint32_t> residue, truth;
  std::vector<dma_status> status;
  completion reached;
  bool in_softirq = true;
};

// 384 kHz keeps the simulated time short (a period of 64 frames = 167 us; the
// 8-frame FIFO refill gap = 21 us, far longer than IRQ + tasklet latency).
// Idle skipping is on by default (the RTL host must wake for a DMA request that
// rises while the DMA is quiescent); the cyclic test also runs without it.
PlatformConfig audio_config(bool idle_skipping = true) {
  PlatformConfig cfg = fast_config(384000);
  cfg.idle_skipping = idle_skipping;
  return cfg;
}

uint64_t audio_written_bytes(AudioPort* a) {
  return 4ull * (a->played_frames().size() - a->underrun_count() + a->fifo_level() + a->overflow_count());
}
uint32_t expected_residue(uint64_t written) {
  uint32_t pos = uint32_t(written % kBuf);
  return kBuf - pos;  // bytes to the end of the buffer, in (0, kBuf]
}

void period_cb(void* p) {
  auto* s = static_cast<CyclicState*>(p);
  s->calls++;
  s->in_softirq = s->in_softirq && in_serving_softirq();
  dma_tx_state st;
  s->status.push_back(dmaengine_tx_status(s->chan, s->cookie, &st));
  s->residue.push_back(st.residue);
  s->truth.push_back(expected_residue(audio_written_bytes(s->audio)));
  if (s->calls == s->stop_at) dmaengine_terminate_async(s->chan);
  if (s->calls == s->notify_at || s->calls == s->stop_at) complete(&s->reached);
}

dma_chan* setup_audio_cyclic(Rig& rig, CyclicState* s, uint64_t buf) {
  static device audio_dev{board::kI2sName};
  board::add_dma_slave_map();
  dma_chan* chan = dma_request_chan(&audio_dev, board::kI2sDmaName);
  if (IS_ERR_OR_NULL(chan)) return nullptr;
  dma_slave_caps caps;
  EXPECT_EQ(dma_get_slave_caps(chan, &caps), 0);
  EXPECT_EQ(caps.residue_granularity, DMA_RESIDUE_GRANULARITY_BURST);
  EXPECT_TRUE(caps.cmd_pause && caps.cmd_resume && caps.cmd_terminate);
  EXPECT_TRUE(caps.directions & BIT(DMA_MEM_TO_DEV));
  EXPECT_TRUE(caps.dst_addr_widths & BIT(DMA_SLAVE_BUSWIDTH_4_BYTES));
  dma_slave_config cfg;
  cfg.direction = DMA_MEM_TO_DEV;
  cfg.dst_addr = kAudioBase + AudioPort::FIFO_DATA;
  cfg.dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
  cfg.dst_maxburst = 8;  // = FIFO depth - watermark
  EXPECT_EQ(dmaengine_slave_config(chan, &cfg), 0);
  std::vector<uint32_t> frames(kBuf / 4);
  for (unsigned i = 0; i < frames.size(); ++i) frames[i] = 0x10000u * i + i;
  rig.cpu().memcpy_to_bus(buf, frames.data(), kBuf);
  s->chan = chan;
  s->audio = &rig.sys.hw.audio;
  init_completion(&s->reached);
  dma_async_tx_descriptor* tx =
      dmaengine_prep_dma_cyclic(chan, buf, kBuf, kPeriod, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
  EXPECT_NE(tx, nullptr);
  if (!tx) return nullptr;
  tx->callback = period_cb;
  tx->callback_param = s;
  s->cookie = dmaengine_submit(tx);
  dma_async_issue_pending(chan);
  rig.cpu().writel(AudioPort::CTRL_ENABLE, kAudioBase + AudioPort::CTRL);
  return chan;
}

}  // namespace

void cyclic_residue_case(bool idle_skipping) {
  Rig rig(audio_config(idle_skipping));
  CyclicState s;
  int mid_samples = 0, pause_checks = 0;
  uint64_t driver_periods = 0;
  int calls_at_terminate = 0;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = setup_audio_cyclic(rig, &s, kRamBase + 0x200000);
    ASSERT_NE(chan, nullptr);
    ASSERT_NE(wait_for_completion_timeout(&s.reached, msecs_to_jiffies(100)), 0u) << "no 10 periods";
    // Pause at odd moments: residue must be exact (hardware truth from the
    // audio port) and frozen while paused.
    for (int i = 0; i < 6; ++i) {
      sleep_for(sc_time(23 + 37 * i, SC_US));
      ASSERT_EQ(dmaengine_pause(chan), 0);
      dma_tx_state st1, st2;
      EXPECT_EQ(dmaengine_tx_status(chan, s.cookie, &st1), DMA_PAUSED);
      uint32_t truth = expected_residue(audio_written_bytes(s.audio));
      sleep_for(sc_time(60, SC_US));  // FIFO drains meanwhile, DMA must not move
      EXPECT_EQ(dmaengine_tx_status(chan, s.cookie, &st2), DMA_PAUSED);
      EXPECT_EQ(st1.residue, truth) << "pause #" << i;
      EXPECT_EQ(st2.residue, st1.residue) << "residue moved while paused, #" << i;
      if ((kBuf - st1.residue) % kPeriod != 0) mid_samples++;
      pause_checks++;
      ASSERT_EQ(dmaengine_resume(chan), 0);
      EXPECT_EQ(dmaengine_resume(chan), -EINVAL);
    }
    sleep_for(sc_time(300, SC_US));
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    calls_at_terminate = s.calls;
    driver_periods = to_dmac_chan(chan)->periods;
    sleep_for(sc_time(400, SC_US));  // > 2 periods: no callback after terminate_sync
    EXPECT_EQ(s.calls, calls_at_terminate);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(pause_checks, 6);
  EXPECT_GE(mid_samples, 3) << "pauses did not land inside descriptors";
  ASSERT_GE(s.calls, 10);
  EXPECT_TRUE(s.in_softirq);
  // At most one callback per period (periods that elapse before the tasklet
  // runs merge into one callback, as in Linux; test_virt_dma.cpp), and here
  // the tasklet is never held off long: all but a few periods got their own.
  EXPECT_LE(uint64_t(calls_at_terminate), driver_periods);
  EXPECT_GE(uint64_t(calls_at_terminate) + 2, driver_periods);
  // At every period boundary (callback k): residue = buffer - (k * period mod buffer).
  // Callbacks during the pause loop may run late (DMA resumed); check the first 10.
  for (int k = 1; k <= 10; ++k) {
    uint32_t want = kBuf - uint32_t((uint64_t(k) * kPeriod) % kBuf);
    EXPECT_EQ(s.residue[k - 1], want) << "period " << k;
    EXPECT_EQ(s.truth[k - 1], want) << "period " << k << " (audio port truth)";
    EXPECT_EQ(s.status[k - 1], DMA_IN_PROGRESS);
  }
  EXPECT_EQ(rig.sys.hw.audio.overflow_count(), 0u);
}

// ------------------------------------------------------------------ callbacks re-entering the channel

TEST(DmacProvider, CyclicResidueExactAtPeriodsMidDescriptorAndPauseFreezes) { cyclic_residue_case(true); }
TEST(DmacProvider, CyclicResidueExactWithoutIdleSkipping) { cyclic_residue_case(false); }

TEST(DmacProvider, TerminateAsyncFromCyclicCallbackThenChannelReusable) {
  Rig rig(audio_config());
  CyclicState s;
  s.stop_at = 3;
  s.notify_at = -1;
  CbState m;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = setup_audio_cyclic(rig, &s, kRamBase + 0x200000);
    ASSERT_NE(chan, nullptr);
    ASSERT_NE(wait_for_completion_timeout(&s.reached, msecs_to_jiffies(100)), 0u);
    dmaengine_synchronize(chan);  // process context: waits for the abort and the tasklet
    int calls = s.calls;
    sleep_for(sc_time(700, SC_US));  // several periods' worth of time
    EXPECT_EQ(s.calls, calls);
    EXPECT_EQ(s.calls, 3);
    uint32_t st = rig.cpu().readl(kDmaRegsBase + DMAC_CH_BASE(to_dmac_chan(chan)->id) + DMAC_CH_STATUS);
    EXPECT_EQ(st & DMAC_CH_STATUS_STATE_MASK, DMAC_STATE_IDLE);
    dma_tx_state ts;
    EXPECT_NE(dmaengine_tx_status(chan, s.cookie, &ts), DMA_COMPLETE);  // aborted: never completed
    // The same channel runs a slave transfer afterwards.
    dma_async_tx_descriptor* tx = dmaengine_prep_slave_single(chan, kRamBase + 0x200000, 512, DMA_MEM_TO_DEV,
                                                              DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    init_completion(&m.done);
    m.chan = chan;
    tx->callback_result = memcpy_cb_result;
    tx->callback_param = &m;
    dma_cookie_t c = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    EXPECT_NE(wait_for_completion_timeout(&m.done, msecs_to_jiffies(50)), 0u);
    EXPECT_EQ(dmaengine_tx_status(chan, c, &ts), DMA_COMPLETE);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(m.calls, 1);
  EXPECT_EQ(m.res.result, DMA_TRANS_NOERROR);
}

namespace {
struct ChainState {
  dma_chan* chan;
  uint64_t src, dst;
  unsigned piece, n = 0, total;
  completion done;
  bool submit_failed = false;
};
void chain_cb(void* p);
bool chain_next(ChainState* s) {
  dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(s->chan, s->dst + s->n * s->piece,
                                                          s->src + s->n * s->piece, s->piece,
                                                          DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
  if (!tx) return false;
  tx->callback = chain_cb;
  tx->callback_param = s;
  if (dma_submit_error(dmaengine_submit(tx))) return false;
  dma_async_issue_pending(s->chan);
  return true;
}
void chain_cb(void* p) {
  auto* s = static_cast<ChainState*>(p);
  if (++s->n == s->total) {
    complete(&s->done);
    return;
  }
  if (!chain_next(s)) {  // submit the next transfer from the callback
    s->submit_failed = true;
    complete(&s->done);
  }
}
}  // namespace

TEST(DmacProvider, CallbackSubmitsNextTransfer) {
  Rig rig;
  ChainState s;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    s.chan = request_memcpy_chan();
    ASSERT_NE(s.chan, nullptr);
    s.src = kRamBase + 0x10000;
    s.dst = kRamBase + 0x30001;
    s.piece = 777;
    s.total = 8;
    init_completion(&s.done);
    fill(rig.cpu(), s.src, s.piece * s.total, 9);
    ASSERT_TRUE(chain_next(&s));
    EXPECT_NE(wait_for_completion_timeout(&s.done, msecs_to_jiffies(100)), 0u);
    EXPECT_EQ(read(rig.cpu(), s.dst, s.piece * s.total), read(rig.cpu(), s.src, s.piece * s.total));
    dma_release_channel(s.chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(s.n, 8u);
  EXPECT_FALSE(s.submit_failed);
}

// ------------------------------------------------------------------ the doorbell contract

// dmac_start_next reads STATUS once (docs/dmac-spec.md, "The end of a run
// and the doorbell"): a busy channel the driver did not start is reported as
// a broken hardware contract and not rung; the transfer starts from the next
// interrupt. Both lock policies.
void busy_channel_test(DmacLockPolicy policy) {
  Rig rig;
  BusyChannelCase r;
  uint64_t regs = 0;
  rig.run([&] {
    ASSERT_NE(rig.probe(policy), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    regs = to_dmac_chan(chan)->base;
    ASSERT_EQ(regs, board::kDmaRegsBase + DMAC_CH_BASE(unsigned(chan->chan_id)));
    r = busy_channel_case(rig.cpu(), regs, chan);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(r.contract_errors, 1u) << "issue_pending on a channel busy with a foreign run: one clear error";
  EXPECT_TRUE(r.foreign_busy) << "the foreign run ended before the check: the test proves nothing";
  EXPECT_FALSE(r.busy_err) << "the provider rang a doorbell on a busy channel";
  EXPECT_EQ(r.at_issue, DMA_IN_PROGRESS);
  EXPECT_TRUE(r.completed) << "the transfer did not start from the foreign run's end interrupt";
  EXPECT_EQ(r.at_end, DMA_COMPLETE);
  EXPECT_TRUE(r.data_ok);
  EXPECT_TRUE(r.foreign_data_ok);
}
TEST(DmacProvider, BusyChannelItDidNotStartIsReportedNotRungVirtDma) { busy_channel_test(DmacLockPolicy::VirtDma); }
TEST(DmacProvider, BusyChannelItDidNotStartIsReportedNotRungLegacyBh) { busy_channel_test(DmacLockPolicy::LegacyBh); }

// ------------------------------------------------------------------ errors

TEST(DmacProvider, RamErrorsGiveReadWriteFailedAndChannelRecovers) {
  Rig rig;
  CbState r1, r2, ok1, ok2;
  dma_status st_err1 = DMA_COMPLETE, st_err2 = DMA_COMPLETE;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const size_t len = 4096;
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, len, 5);
    Ram& ram = rig.sys.hw.ram;
    // source unreadable in the middle
    ram.inject_error_range(src - kRamBase + 2048, src - kRamBase + 2056, tlm::TLM_GENERIC_ERROR_RESPONSE);
    dma_cookie_t c1 = do_memcpy(chan, dst, src, len, &r1);
    st_err1 = dmaengine_tx_status(chan, c1, nullptr);
    ram.clear_error_injection();
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    do_memcpy(chan, dst, src, len, &ok1);
    EXPECT_EQ(read(rig.cpu(), dst, len), read(rig.cpu(), src, len));
    // destination unwritable
    ram.inject_error_range(dst - kRamBase + 1000, dst - kRamBase + 1004, tlm::TLM_GENERIC_ERROR_RESPONSE);
    dma_cookie_t c2 = do_memcpy(chan, dst, src, len, &r2);
    st_err2 = dmaengine_tx_status(chan, c2, nullptr);
    ram.clear_error_injection();
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    fill(rig.cpu(), src, len, 6);
    do_memcpy(chan, dst, src, len, &ok2);
    EXPECT_EQ(read(rig.cpu(), dst, len), read(rig.cpu(), src, len));
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  // One driver warning per injected fault (data read, then data write).
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, "transfer error, ERR_CODE 2"), 1u);
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, "transfer error, ERR_CODE 3"), 1u);
  EXPECT_EQ(r1.calls, 1);
  EXPECT_EQ(r1.res.result, DMA_TRANS_READ_FAILED);
  EXPECT_GT(r1.res.residue, 0u);
  EXPECT_EQ(st_err1, DMA_ERROR);
  EXPECT_EQ(r2.calls, 1);
  EXPECT_EQ(r2.res.result, DMA_TRANS_WRITE_FAILED);
  EXPECT_EQ(st_err2, DMA_ERROR);
  EXPECT_EQ(ok1.calls, 1);
  EXPECT_EQ(ok1.res.result, DMA_TRANS_NOERROR);
  EXPECT_EQ(ok2.calls, 1);
  EXPECT_EQ(ok2.res.result, DMA_TRANS_NOERROR);
}

}  // namespace test_dmaengine
