// ALSA PCM core + pcm_dmaengine + the I2S card against the dmac RTL:
// the trigger's lock state as seen inside the DMA provider, the pointer
// arithmetic (buffer_bytes - residue, ring wrap), the xrun stop from inside
// the DMA callback, and sync_stop -> dmaengine_synchronize in process
// context. Each TEST boots its own System (one per process, bounded by the
// simulated time limit and the ctest timeout).
#include <algorithm>
#include <vector>

#include "../dmaengine/rig.h"
#include "driver/kernel/bottom_half.h"
#include "driver/sound/dmacosim_i2s.h"
#include "driver/sound/pcm.h"
#include "driver/sound/pcm_dmaengine.h"

using namespace dt;
using namespace dmacosim::sound;

namespace {

// ---- hooks around the provider's ops (recorded from inside the provider) ----
struct CtxSample {
  int calls = 0;
  bool irqs_off_all = true, irqs_on_all = true, locked_all = true, task_all = true;
  void take(snd_pcm_substream* ss) {
    calls++;
    irqs_off_all &= irqs_disabled();
    irqs_on_all &= !irqs_disabled();
    locked_all &= ss && spin_is_locked(&ss->group->lock);
    task_all &= in_task();
  }
};
snd_pcm_substream* g_ss = nullptr;
CtxSample g_submit, g_issue, g_pause, g_resume, g_sync;
dma_async_tx_descriptor* (*g_orig_prep_cyclic)(dma_chan*, dma_addr_t, size_t, size_t, dma_transfer_direction,
                                               unsigned long) = nullptr;
dma_cookie_t (*g_orig_submit)(dma_async_tx_descriptor*) = nullptr;
void (*g_orig_issue)(dma_chan*) = nullptr;
int (*g_orig_pause)(dma_chan*) = nullptr;
int (*g_orig_resume)(dma_chan*) = nullptr;
void (*g_orig_sync)(dma_chan*) = nullptr;

dma_cookie_t submit_hook(dma_async_tx_descriptor* tx) {
  g_submit.take(g_ss);
  return g_orig_submit(tx);
}
dma_async_tx_descriptor* prep_cyclic_hook(dma_chan* c, dma_addr_t a, size_t bl, size_t pl, dma_transfer_direction d,
                                          unsigned long f) {
  dma_async_tx_descriptor* tx = g_orig_prep_cyclic(c, a, bl, pl, d, f);
  if (tx) {
    g_orig_submit = tx->tx_submit;
    tx->tx_submit = submit_hook;
  }
  return tx;
}
void issue_hook(dma_chan* c) {
  g_issue.take(g_ss);
  g_orig_issue(c);
}
int pause_hook(dma_chan* c) {
  g_pause.take(g_ss);
  return g_orig_pause(c);
}
int resume_hook(dma_chan* c) {
  g_resume.take(g_ss);
  return g_orig_resume(c);
}
void sync_hook(dma_chan* c) {
  g_sync.take(nullptr);
  g_orig_sync(c);
}

struct PcmRig : Rig {
  static PlatformConfig config() {
    PlatformConfig cfg = fast_config();
    cfg.audio.fifo_depth = 16;
    cfg.audio.watermark = 4;
    return cfg;
  }
  PcmRig() : Rig(config()) {}
  dmacosim_i2s* i2s = nullptr;
  snd_pcm_substream* ss = nullptr;

  // In the init thread: dmac (hooked) + slave map + I2S card + open + hw_params.
  bool setup(PcmLockModel model = PcmLockModel::Linux2_6_33, unsigned period_bytes = 256, unsigned periods = 4,
             dma_residue_granularity granularity = DMA_RESIDUE_GRANULARITY_BURST) {
    if (!probe(DmacLockPolicy::VirtDma, granularity)) return false;
    dma_device& dd = dmac->ddev;
    g_orig_prep_cyclic = dd.device_prep_dma_cyclic;
    dd.device_prep_dma_cyclic = prep_cyclic_hook;
    g_orig_issue = dd.device_issue_pending;
    dd.device_issue_pending = issue_hook;
    g_orig_pause = dd.device_pause;
    dd.device_pause = pause_hook;
    g_orig_resume = dd.device_resume;
    dd.device_resume = resume_hook;
    g_orig_sync = dd.device_synchronize;
    dd.device_synchronize = sync_hook;
    board::add_dma_slave_map();
    dmacosim_i2s_platform_data ip = board::i2s_pdata();
    ip.fifo_depth = 16;
    ip.watermark = 4;
    ip.maxburst = 8;
    ip.lock_model = model;
    i2s = dmacosim_i2s_probe(ip);
    if (!i2s) return false;
    if (snd_pcm_open_substream(i2s->pcm, SNDRV_PCM_STREAM_PLAYBACK, &ss)) return false;
    g_ss = ss;
    struct snd_pcm_hw_params hp;
    hp.period_bytes = period_bytes;
    hp.periods = periods;
    return snd_pcm_hw_params(ss, &hp) == 0;
  }
  // Writes `frames` frames (counter values) in period chunks.
  snd_pcm_sframes_t write(snd_pcm_uframes_t frames, uint32_t* counter) {
    std::vector<uint32_t> buf(frames);
    for (auto& f : buf) f = (*counter)++;
    return snd_pcm_lib_write(ss, buf.data(), frames);
  }
  sc_time period_time() const { return sc_time(double(ss->runtime->period_size) / 48000.0, SC_SEC); }
};

void run_trigger_lock_state(PcmLockModel model) {
  PcmRig rig;
  g_submit = g_issue = g_pause = g_resume = CtxSample{};
  bool ok_setup = false, after_start_irqs_on = false, after_start_unlocked = false;
  int start_err = -1, stop_err = -1, pause_err = -1, release_err = -1;
  std::vector<int> trig_cmds;
  std::vector<bool> trig_irqs_off, trig_locked;
  rig.run([&] {
    ok_setup = rig.setup(model);
    if (!ok_setup) return;
    rig.ss->on_trigger = [&](snd_pcm_substream* s, int cmd, int) {
      trig_cmds.push_back(cmd);
      trig_irqs_off.push_back(irqs_disabled());
      trig_locked.push_back(spin_is_locked(&s->group->lock));
    };
    uint32_t counter = 0;
    EXPECT_EQ(snd_pcm_prepare(rig.ss), 0);
    EXPECT_EQ(rig.write(rig.ss->runtime->buffer_size, &counter), snd_pcm_sframes_t(rig.ss->runtime->buffer_size));
    start_err = snd_pcm_start(rig.ss);
    after_start_irqs_on = !irqs_disabled();
    after_start_unlocked = !spin_is_locked(&rig.ss->group->lock);
    sleep_for(rig.period_time() / 2);
    pause_err = snd_pcm_pause(rig.ss, true);
    sleep_for(rig.period_time() / 4);
    release_err = snd_pcm_pause(rig.ss, false);
    sleep_for(rig.period_time() / 4);
    stop_err = snd_pcm_drop(rig.ss);
    EXPECT_EQ(snd_pcm_release(rig.ss), 0);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(ok_setup);
  EXPECT_EQ(start_err, 0);
  EXPECT_EQ(pause_err, 0);
  EXPECT_EQ(release_err, 0);
  EXPECT_EQ(stop_err, 0);
  // Inside the provider's tx_submit (called from the START trigger): IRQs
  // off, stream lock held, not in interrupt context (the control thread).
  EXPECT_EQ(g_submit.calls, 1);
  EXPECT_TRUE(g_submit.irqs_off_all);
  EXPECT_TRUE(g_submit.locked_all);
  EXPECT_TRUE(g_submit.task_all);
  EXPECT_EQ(g_issue.calls, 1);
  EXPECT_TRUE(g_issue.irqs_off_all);
  EXPECT_TRUE(g_issue.locked_all);
  EXPECT_GE(g_pause.calls, 1);
  EXPECT_TRUE(g_pause.irqs_off_all && g_pause.locked_all);
  EXPECT_GE(g_resume.calls, 1);
  EXPECT_TRUE(g_resume.irqs_off_all && g_resume.locked_all);
  // Back in process context after the trigger: IRQs on, lock released.
  EXPECT_TRUE(after_start_irqs_on);
  EXPECT_TRUE(after_start_unlocked);
  const std::vector<int> want = {SNDRV_PCM_TRIGGER_START, SNDRV_PCM_TRIGGER_PAUSE_PUSH,
                                 SNDRV_PCM_TRIGGER_PAUSE_RELEASE, SNDRV_PCM_TRIGGER_STOP};
  EXPECT_EQ(trig_cmds, want);
  for (size_t i = 0; i < trig_cmds.size(); ++i) {
    EXPECT_TRUE(trig_irqs_off[i]) << "trigger " << snd_pcm_trigger_name(trig_cmds[i]);
    EXPECT_TRUE(trig_locked[i]) << "trigger " << snd_pcm_trigger_name(trig_cmds[i]);
  }
}

}  // namespace

TEST(Pcm, TriggerRunsProviderTxSubmitWithIrqsOffAndStreamLockHeld) {
  run_trigger_lock_state(PcmLockModel::Linux2_6_33);
}

TEST(Pcm, TriggerLockStateSameUnderLinux68LockModel) { run_trigger_lock_state(PcmLockModel::Linux6_8); }

// pointer = buffer_bytes - residue (exact while paused: the residue is
// frozen), in [0, buffer_size); hw_ptr grows across several ring wraps while
// the pointer wraps back to the ring start.
TEST(Pcm, PointerIsBufferBytesMinusResidueAndWraps) {
  PcmRig rig;
  bool ok_setup = false, app_done = false;
  unsigned exact_checks = 0, exact_fail = 0, running_samples = 0, out_of_range = 0, wraps = 0, nonmono = 0;
  snd_pcm_uframes_t hw_end = 0, buffer_size = 0;
  std::string first_fail;
  rig.run([&] {
    ok_setup = rig.setup(PcmLockModel::Linux2_6_33, 256, 4);
    if (!ok_setup) return;
    snd_pcm_runtime* rt = rig.ss->runtime;
    buffer_size = rt->buffer_size;
    const size_t buffer_bytes = snd_pcm_lib_buffer_bytes(rig.ss);
    uint32_t counter = 0;
    bool stop = false;
    EXPECT_EQ(snd_pcm_prepare(rig.ss), 0);
    EXPECT_EQ(rig.write(rt->buffer_size, &counter), snd_pcm_sframes_t(rt->buffer_size));
    // The application keeps the ring full.
    kthread_run(std::function<int()>([&]() -> int {
      while (!stop) {
        if (rig.write(rt->period_size, &counter) <= 0) break;
      }
      app_done = true;
      return 0;
    }), "aplay");
    ASSERT_EQ(snd_pcm_start(rig.ss), 0);
    dmaengine_pcm_runtime_data* prtd = substream_to_prtd(rig.ss);
    snd_pcm_uframes_t last_ptr = 0, last_hw = 0;
    for (unsigned i = 0; i < 60; ++i) {
      sleep_for(rig.period_time() * (0.15 + 0.1 * (i % 5)));
      if (i % 6 == 5) {  // paused: residue frozen -> exact
        ASSERT_EQ(snd_pcm_pause(rig.ss, true), 0);
        sleep_for(rig.period_time() / 8);
        snd_pcm_stream_lock_irq(rig.ss);
        dma_tx_state st;
        dma_status s = dmaengine_tx_status(prtd->dma_chan, prtd->cookie, &st);
        const snd_pcm_uframes_t p = snd_dmaengine_pcm_pointer(rig.ss);
        dma_tx_state st2;
        dmaengine_tx_status(prtd->dma_chan, prtd->cookie, &st2);
        snd_pcm_stream_unlock_irq(rig.ss);
        const snd_pcm_uframes_t want = bytes_to_frames(rt, (buffer_bytes - st.residue) % buffer_bytes);
        ++exact_checks;
        if (s != DMA_PAUSED || st.residue != st2.residue || p != want) {
          if (!exact_fail++)
            first_fail = "status " + std::to_string(s) + " residue " + std::to_string(st.residue) + "/" +
                         std::to_string(st2.residue) + " pointer " + std::to_string(p) + " want " + std::to_string(want);
        }
        ASSERT_EQ(snd_pcm_pause(rig.ss, false), 0);
        continue;
      }
      snd_pcm_stream_lock_irq(rig.ss);
      const snd_pcm_uframes_t p = snd_dmaengine_pcm_pointer(rig.ss);
      snd_pcm_stream_unlock_irq(rig.ss);
      snd_pcm_avail(rig.ss);  // updates hw_ptr
      ++running_samples;
      if (p >= rt->buffer_size) ++out_of_range;
      if (p < last_ptr) ++wraps;
      if (rt->hw_ptr < last_hw) ++nonmono;
      last_ptr = p;
      last_hw = rt->hw_ptr;
    }
    hw_end = rt->hw_ptr;
    stop = true;
    snd_pcm_drop(rig.ss);
    wake_up(&rt->sleep);
    for (int i = 0; i < 100 && !app_done; ++i) msleep(1);
    EXPECT_EQ(snd_pcm_release(rig.ss), 0);
  }, sc_time(2, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(ok_setup);
  EXPECT_EQ(exact_checks, 10u);
  EXPECT_EQ(exact_fail, 0u) << first_fail;
  EXPECT_EQ(running_samples, 50u);
  EXPECT_EQ(out_of_range, 0u);
  EXPECT_EQ(nonmono, 0u);
  EXPECT_GE(wraps, 3u);                 // the pointer came back to the ring start
  EXPECT_GE(hw_end, 3 * buffer_size);  // ... while hw_ptr kept counting
  EXPECT_TRUE(app_done);
}

// The application stops writing: the period callback (DMA tasklet) finds
// avail >= stop_threshold and stops the stream with XRUN from inside the
// callback (STOP trigger -> terminate_async there); the DMA and the codec
// stop; prepare after it syncs and the stream restarts cleanly.
TEST(Pcm, XrunStopsStreamFromInsideTheDmaCallback) {
  PcmRig rig;
  bool ok_setup = false;
  int stop_triggers = 0;
  bool stop_in_callback_ctx = false, stop_irqs_off = false, stop_locked = false;
  snd_pcm_state_t state_after = SNDRV_PCM_STATE_OPEN;
  uint64_t xruns = 0;
  size_t played_at_xrun = 0, played_later = 0;
  uint32_t ch_state = 0xff;
  int restart_err = -1;
  rig.run([&] {
    ok_setup = rig.setup(PcmLockModel::Linux2_6_33, 256, 4);
    if (!ok_setup) return;
    snd_pcm_runtime* rt = rig.ss->runtime;
    rig.ss->on_trigger = [&](snd_pcm_substream* s, int cmd, int) {
      if (cmd != SNDRV_PCM_TRIGGER_STOP) return;
      if (stop_triggers++) return;  // the first STOP: the xrun (later ones: the restart's release)
      stop_in_callback_ctx = !in_task();
      stop_irqs_off = irqs_disabled();
      stop_locked = spin_is_locked(&s->group->lock);
    };
    uint32_t counter = 0;
    EXPECT_EQ(snd_pcm_prepare(rig.ss), 0);
    EXPECT_EQ(rig.write(rt->buffer_size, &counter), snd_pcm_sframes_t(rt->buffer_size));
    ASSERT_EQ(snd_pcm_start(rig.ss), 0);
    // No more writes: after one buffer the stream must be in XRUN.
    sleep_for(rig.period_time() * double(rt->periods + 2));
    state_after = rt->state;
    xruns = rt->xruns;
    played_at_xrun = rig.sys.hw.audio.played_frames().size();
    msleep(2);
    played_later = rig.sys.hw.audio.played_frames().size();
    ch_state = (rig.cpu().readl(to_dmac_chan(substream_to_prtd(rig.ss)->dma_chan)->base + DMAC_CH_STATUS) &
                DMAC_CH_STATUS_STATE_MASK) >> DMAC_CH_STATUS_STATE_SHIFT;
    // Recovery: prepare (sync_stop) + refill + start.
    EXPECT_EQ(snd_pcm_prepare(rig.ss), 0);
    EXPECT_EQ(rig.write(rt->buffer_size, &counter), snd_pcm_sframes_t(rt->buffer_size));
    restart_err = snd_pcm_start(rig.ss);
    sleep_for(rig.period_time() * 2);
    EXPECT_EQ(rt->state, SNDRV_PCM_STATE_RUNNING);
    EXPECT_EQ(snd_pcm_release(rig.ss), 0);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(ok_setup);
  EXPECT_EQ(state_after, SNDRV_PCM_STATE_XRUN);
  EXPECT_EQ(xruns, 1u);
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, "XRUN: hw_ptr 256, appl_ptr 256"), 1u);
  EXPECT_GE(stop_triggers, 2);  // the xrun, then the release after the restart
  EXPECT_TRUE(stop_in_callback_ctx) << "the xrun STOP was not triggered from the DMA callback";
  EXPECT_TRUE(stop_irqs_off);
  EXPECT_TRUE(stop_locked);
  EXPECT_EQ(played_later, played_at_xrun) << "the codec kept playing after the xrun stop";
  EXPECT_EQ(ch_state, uint32_t(DMAC_STATE_IDLE)) << "the DMA channel still runs after the xrun stop";
  EXPECT_EQ(restart_err, 0);
}

// snd_pcm_drop only stops (atomic, no synchronize); the next prepare runs
// sync_stop -> dmaengine_synchronize in process context (IRQs on, not
// atomic); release synchronizes too. Never from an atomic context.
// The stream lock rule of pcm.cpp's helpers as lockdep_assert_held
// (snd_pcm_stream_lock_assert_held): snd_pcm_stop() without the stream lock
// is an L-ASSERT report per lock the PCM's lock model takes (the link rwlock
// and the substream's lock in the 2.6.33 model, the group lock in the 6.8
// one); every other PCM test calls the helpers with it held and stays clean.
void stop_without_the_stream_lock(PcmLockModel model, size_t locks) {
  PcmRig rig;
  bool ok_setup = false;
  rig.run([&] {
    ok_setup = rig.setup(model);
    if (!ok_setup) return;
    snd_pcm_stop(rig.ss, SNDRV_PCM_STATE_SETUP);  // the stream lock not taken
    EXPECT_EQ(snd_pcm_release(rig.ss), 0);
  }, sc_time(1, SC_SEC));
  ASSERT_TRUE(ok_setup);
  auto& ld = rig.sys.kernel.lockdep();
  size_t asserts = 0;
  for (const auto& r : ld.reports()) {
    if (r.rule != "L-ASSERT") continue;
    ++asserts;
    EXPECT_NE(r.headline.find("pcm.cpp:"), std::string::npos) << r.headline;
  }
  EXPECT_EQ(asserts, locks) << ld.dump();
  ld.expect("L-ASSERT");
  rig.check_clean();
}
TEST(Pcm, StopWithoutTheStreamLockIsAnAssertReport) { stop_without_the_stream_lock(PcmLockModel::Linux2_6_33, 2); }
TEST(Pcm, StopWithoutTheStreamLockIsAnAssertReportLinux68) { stop_without_the_stream_lock(PcmLockModel::Linux6_8, 1); }

TEST(Pcm, SyncStopCallsSynchronizeInProcessContext) {
  PcmRig rig;
  g_sync = CtxSample{};
  bool ok_setup = false;
  int sync_after_drop = -1, sync_after_prepare = -1;
  rig.run([&] {
    ok_setup = rig.setup();
    if (!ok_setup) return;
    snd_pcm_runtime* rt = rig.ss->runtime;
    uint32_t counter = 0;
    EXPECT_EQ(snd_pcm_prepare(rig.ss), 0);
    const int base = g_sync.calls;
    EXPECT_EQ(rig.write(rt->buffer_size, &counter), snd_pcm_sframes_t(rt->buffer_size));
    ASSERT_EQ(snd_pcm_start(rig.ss), 0);
    sleep_for(rig.period_time() * 1.5);
    EXPECT_EQ(snd_pcm_drop(rig.ss), 0);
    sync_after_drop = g_sync.calls - base;
    EXPECT_TRUE(rt->stop_operating);
    EXPECT_EQ(snd_pcm_prepare(rig.ss), 0);
    sync_after_prepare = g_sync.calls - base;
    EXPECT_FALSE(rt->stop_operating);
    EXPECT_EQ(snd_pcm_release(rig.ss), 0);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(ok_setup);
  EXPECT_EQ(sync_after_drop, 0);
  EXPECT_EQ(sync_after_prepare, 1);
  EXPECT_GE(g_sync.calls, 2);  // + release
  EXPECT_TRUE(g_sync.task_all);
  EXPECT_TRUE(g_sync.irqs_on_all);
}

// ------------------------------------------------------------------ position by residue vs by callbacks

namespace {
// Frames the DMA has moved to the codec since START (bytes whose write
// response arrived = played + in the FIFO), the hardware truth.
uint64_t dma_frames_moved(PcmRig& rig) {
  AudioPort& a = rig.sys.hw.audio;
  return a.played_frames().size() - a.underrun_count() + a.fifo_level() + a.overflow_count();
}
// The application: keeps the ring full until `*stop`.
void start_app(PcmRig& rig, bool* stop, bool* done, uint32_t* counter) {
  kthread_run(std::function<int()>([&rig, stop, done, counter]() -> int {
    while (!*stop)
      if (rig.write(rig.ss->runtime->period_size, counter) <= 0) break;
    *done = true;
    return 0;
  }), "aplay");
}
void stop_app(PcmRig& rig, bool* stop, bool* done) {
  *stop = true;
  snd_pcm_drop(rig.ss);
  wake_up(&rig.ss->runtime->sleep);
  for (int i = 0; i < 100 && !*done; ++i) msleep(1);
}
}  // namespace

// The DMA tasklet is held off for ~3 periods (bottom halves disabled in
// process context): virt-dma gives ONE period callback for them. A client
// that tracks the position by counting callbacks (pcm_dmaengine's `pos`,
// snd_dmaengine_pcm_pointer_no_residue) is then 2 periods behind the
// hardware; the residue pointer (snd_dmaengine_pcm_pointer, what the card
// uses) and ALSA's hw_ptr computed from it are right.
TEST(Pcm, CallbackCountingPositionLagsWhenTaskletRunsLateResiduePointerIsRight) {
  PcmRig rig;
  bool ok_setup = false, stop = false, app_done = false;
  uint64_t cb_before = 0, cb_after = 0, moved = 0;
  snd_pcm_uframes_t p_res = 0, p_cnt = 0, p_op = 0, hw_ptr = 0, period = 0, buffer = 0;
  rig.run([&] {
    ok_setup = rig.setup(PcmLockModel::Linux2_6_33, 256, 8);
    if (!ok_setup) return;
    snd_pcm_runtime* rt = rig.ss->runtime;
    period = rt->period_size;
    buffer = rt->buffer_size;
    uint32_t counter = 0;
    EXPECT_EQ(snd_pcm_prepare(rig.ss), 0);
    EXPECT_EQ(rig.write(rt->buffer_size, &counter), snd_pcm_sframes_t(rt->buffer_size));
    start_app(rig, &stop, &app_done, &counter);
    ASSERT_EQ(snd_pcm_start(rig.ss), 0);
    sleep_for(rig.period_time() * 1.5);
    snd_pcm_stream_lock_irq(rig.ss);
    cb_before = rt->period_elapsed_calls;
    snd_pcm_stream_unlock_irq(rig.ss);
    local_bh_disable();
    mdelay(4);  // 3 periods of 1.33 ms: three period interrupts, no tasklet
    local_bh_enable();  // the tasklet runs here: one callback
    snd_pcm_stream_lock_irq(rig.ss);
    cb_after = rt->period_elapsed_calls;
    p_res = snd_dmaengine_pcm_pointer(rig.ss);
    p_cnt = snd_dmaengine_pcm_pointer_no_residue(rig.ss);
    p_op = rig.ss->ops->pointer(rig.ss);
    moved = dma_frames_moved(rig);
    hw_ptr = rt->hw_ptr;
    snd_pcm_stream_unlock_irq(rig.ss);
    stop_app(rig, &stop, &app_done);
    EXPECT_EQ(snd_pcm_release(rig.ss), 0);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(ok_setup);
  EXPECT_TRUE(app_done);
  EXPECT_EQ(cb_after - cb_before, 1u) << "the late tasklet must give one callback for the merged periods";
  // The residue pointer is the hardware position (within one 8-frame burst).
  const snd_pcm_uframes_t truth = snd_pcm_uframes_t(moved % buffer);
  EXPECT_LE((p_res + buffer - truth) % buffer, 8u) << "residue pointer " << p_res << ", hardware " << truth;
  EXPECT_EQ(p_op, p_res) << "the card must use the residue pointer (BURST granularity)";
  // The callback counter says one period per callback: 2 periods behind.
  EXPECT_EQ(p_cnt, snd_pcm_uframes_t((cb_after * period) % buffer));
  EXPECT_GE((p_res + buffer - p_cnt) % buffer, 2 * period) << "counting callbacks did not lag";
  // ALSA's hw_ptr (updated from the residue pointer in the callback) counts
  // every elapsed period; a count of callbacks does not.
  EXPECT_GE(hw_ptr, cb_after * period + 2 * period);
  EXPECT_LE(hw_ptr, moved);
}

// The generic ASoC dmaengine PCM picks the pointer from the channel's
// residue granularity: DESCRIPTOR -> snd_dmaengine_pcm_pointer_no_residue
// (period counting), SEGMENT / BURST -> snd_dmaengine_pcm_pointer; SEGMENT or
// coarser also marks the stream SNDRV_PCM_INFO_BATCH.
namespace {
void granularity_case(dma_residue_granularity g) {
  PcmRig rig;
  bool ok_setup = false, stop = false, app_done = false;
  unsigned info = 0, flags = 0, samples = 0, op_is_residue = 0, op_is_counted = 0, mid_period = 0, nonzero_res = 0;
  snd_pcm_uframes_t hw_end = 0, period = 0;
  snd_pcm_state_t state = SNDRV_PCM_STATE_OPEN;
  rig.run([&] {
    ok_setup = rig.setup(PcmLockModel::Linux2_6_33, 256, 4, g);
    if (!ok_setup) return;
    snd_pcm_runtime* rt = rig.ss->runtime;
    period = rt->period_size;
    info = rt->info;
    flags = rig.i2s->dmaengine.flags;
    uint32_t counter = 0;
    EXPECT_EQ(snd_pcm_prepare(rig.ss), 0);
    EXPECT_EQ(rig.write(rt->buffer_size, &counter), snd_pcm_sframes_t(rt->buffer_size));
    start_app(rig, &stop, &app_done, &counter);
    ASSERT_EQ(snd_pcm_start(rig.ss), 0);
    dmaengine_pcm_runtime_data* prtd = substream_to_prtd(rig.ss);
    for (unsigned i = 0; i < 24; ++i) {
      sleep_for(rig.period_time() * (0.15 + 0.1 * (i % 5)));
      snd_pcm_stream_lock_irq(rig.ss);
      const snd_pcm_uframes_t op = rig.ss->ops->pointer(rig.ss);
      const snd_pcm_uframes_t res = snd_dmaengine_pcm_pointer(rig.ss);
      const snd_pcm_uframes_t cnt = snd_dmaengine_pcm_pointer_no_residue(rig.ss);
      dma_tx_state st;
      dmaengine_tx_status(prtd->dma_chan, prtd->cookie, &st);
      snd_pcm_stream_unlock_irq(rig.ss);
      ++samples;
      op_is_residue += op == res;
      op_is_counted += op == cnt;
      mid_period += op % period != 0;
      nonzero_res += st.residue != 0;
    }
    hw_end = rt->hw_ptr;
    state = rt->state;
    stop_app(rig, &stop, &app_done);
    EXPECT_EQ(snd_pcm_release(rig.ss), 0);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(ok_setup);
  EXPECT_EQ(state, SNDRV_PCM_STATE_RUNNING);
  EXPECT_GE(hw_end, 4 * period) << "the stream did not advance";
  const bool no_residue = g == DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
  EXPECT_EQ(bool(flags & SND_DMAENGINE_PCM_FLAG_NO_RESIDUE), no_residue);
  EXPECT_EQ(bool(info & SNDRV_PCM_INFO_BATCH), g <= DMA_RESIDUE_GRANULARITY_SEGMENT);
  if (no_residue) {
    EXPECT_EQ(op_is_counted, samples);
    EXPECT_EQ(nonzero_res, 0u) << "DESCRIPTOR granularity reports no residue";
    EXPECT_EQ(mid_period, 0u);
  } else {
    EXPECT_EQ(op_is_residue, samples);
    EXPECT_EQ(nonzero_res, samples);
    if (g == DMA_RESIDUE_GRANULARITY_SEGMENT) {
      EXPECT_EQ(mid_period, 0u) << "SEGMENT: whole periods only";
    } else {
      EXPECT_GE(mid_period, samples / 2) << "BURST: the pointer moves inside periods";
    }
  }
}
}  // namespace

TEST(Pcm, DescriptorGranularityUsesNoResiduePointerAndBatch) {
  granularity_case(DMA_RESIDUE_GRANULARITY_DESCRIPTOR);
}
TEST(Pcm, SegmentGranularityUsesResiduePointerAndBatch) { granularity_case(DMA_RESIDUE_GRANULARITY_SEGMENT); }
TEST(Pcm, BurstGranularityUsesResiduePointerNoBatch) { granularity_case(DMA_RESIDUE_GRANULARITY_BURST); }
