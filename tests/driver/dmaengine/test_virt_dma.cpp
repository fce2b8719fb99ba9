// virt-dma and client API semantics as Linux 6.1 (docs/architecture.md,
// "virt-dma and client API semantics"): merged cyclic callbacks, double
// submit, one provider tasklet run per interrupt, reusable descriptors,
// dma_sync_wait. Each TEST boots its own System (one per process).
#include "driver/kernel/bottom_half.h"
#include "rig.h"

using namespace dt;

// Named after the file: the program compiles several test files as one
// translation unit (cmake/dmacosim.cmake, dmacosim_unity).
namespace test_virt_dma {

namespace {

size_t list_count(list_head* head) {
  size_t n = 0;
  for (list_head* p = head->next; p != head; p = p->next) ++n;
  return n;
}
// ---- cyclic to the audio port at 384 kHz (a 256-byte period = 167 us) ----
constexpr unsigned kPeriod = 256, kPeriods = 4, kBuf = kPeriod * kPeriods;

PlatformConfig audio_config() { return fast_config(384000); }

uint64_t audio_written_bytes(AudioPort* a) {
  return 4ull * (a->played_frames().size() - a->underrun_count() + a->fifo_level() + a->overflow_count());
}

struct Cyclic {
  dma_chan* chan = nullptr;
  dma_cookie_t cookie = 0;
  AudioPort* audio = nullptr;
  int calls = 0;
  uint64_t tasklet_runs_at_call = 0;
  std::vector<uint32_t> residue, truth;  // at each callback
  completion reached;
  int notify_at = 3;
};

void cyclic_cb(void* p) {
  auto* s = static_cast<Cyclic*>(p);
  s->calls++;
  dma_tx_state st;
  dmaengine_tx_status(s->chan, s->cookie, &st);
  s->residue.push_back(st.residue);
  s->truth.push_back(kBuf - uint32_t(audio_written_bytes(s->audio) % kBuf));
  if (s->calls == s->notify_at) complete(&s->reached);
}

dma_async_tx_descriptor* prep_audio_cyclic(Rig& rig, Cyclic* s, dma_chan* chan, uint64_t buf) {
  std::vector<uint32_t> frames(kBuf / 4);
  for (unsigned i = 0; i < frames.size(); ++i) frames[i] = 0x10000u * i + i;
  rig.cpu().memcpy_to_bus(buf, frames.data(), kBuf);
  s->chan = chan;
  s->audio = &rig.sys.hw.audio;
  init_completion(&s->reached);
  dma_async_tx_descriptor* tx =
      dmaengine_prep_dma_cyclic(chan, buf, kBuf, kPeriod, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
  if (!tx) return nullptr;
  tx->callback = cyclic_cb;
  tx->callback_param = s;
  return tx;
}

// How the completion tasklet is held off while periods elapse.
enum class Late { BhDisabled, IrqsOff };

// The tasklet runs late by ~6 periods: the periods that elapsed meanwhile
// give ONE callback (Linux: vchan_cyclic_callback only records vc->cyclic),
// from ONE tasklet run, and the residue read in that callback is the
// hardware position (so a client that uses the residue is right).
void merged_periods_case(DmacLockPolicy policy, Late late) {
  Rig rig(audio_config());
  Cyclic s;
  int calls_before = -1, calls_during = -1, calls_after = -1;
  uint64_t runs_before = 0, runs_after = 0, periods_before = 0, periods_after = 0, irqs_before = 0, irqs_after = 0;
  rig.run([&] {
    ASSERT_NE(rig.probe(policy), nullptr);
    dma_chan* chan = request_audio_chan();
    ASSERT_NE(chan, nullptr);
    dma_async_tx_descriptor* tx = prep_audio_cyclic(rig, &s, chan, kRamBase + 0x200000);
    ASSERT_NE(tx, nullptr);
    s.cookie = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    rig.cpu().writel(AudioPort::CTRL_ENABLE, kAudioBase + AudioPort::CTRL);
    ASSERT_NE(wait_for_completion_timeout(&s.reached, msecs_to_jiffies(50)), 0u);
    dmac_chan* c = to_dmac_chan(chan);
    unsigned long flags = 0;
    if (late == Late::BhDisabled) local_bh_disable();
    else local_irq_save(flags);
    calls_before = s.calls;
    runs_before = c->vc.task.runs;
    periods_before = c->periods;
    irqs_before = rig.dmac->irqs;
    mdelay(1);  // ~6 periods at 384 kHz
    calls_during = s.calls;
    if (late == Late::BhDisabled) local_bh_enable();  // runs the pending softirqs here
    else local_irq_restore(flags);                    // the interrupt, then its softirq
    calls_after = s.calls;
    runs_after = c->vc.task.runs;
    periods_after = c->periods;
    irqs_after = rig.dmac->irqs;
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(calls_during, calls_before) << "a callback ran while the tasklet was held off";
  EXPECT_GE(periods_after - periods_before, 4u) << "the test did not let several periods elapse";
  EXPECT_EQ(runs_after - runs_before, 1u);
  EXPECT_EQ(calls_after - calls_before, 1) << "merged periods must give one callback per tasklet run";
  if (late == Late::IrqsOff) {
    EXPECT_EQ(irqs_after - irqs_before, 1u) << "IRQs off: one interrupt for all periods";
  }
  // The merged callback (the last one recorded before terminate): residue =
  // hardware position, not "one period further than the previous callback".
  ASSERT_GE(s.residue.size(), size_t(calls_after));
  EXPECT_EQ(s.residue[calls_after - 1], s.truth[calls_after - 1]);
}

}  // namespace

TEST(VirtDmaCyclic, PeriodsMergeIntoOneCallbackWhileBhDisabled) {
  merged_periods_case(DmacLockPolicy::VirtDma, Late::BhDisabled);
}
TEST(VirtDmaCyclic, PeriodsMergeIntoOneCallbackWhileIrqsOff) {
  merged_periods_case(DmacLockPolicy::VirtDma, Late::IrqsOff);
}
TEST(VirtDmaCyclic, LegacyBhPeriodsMergeIntoOneCallbackWhileBhDisabled) {
  merged_periods_case(DmacLockPolicy::LegacyBh, Late::BhDisabled);
}

// ------------------------------------------------------------------ tasklet runs per interrupt

namespace {
// N memcpys one after the other: each is one TC interrupt; the provider's
// completion tasklet must run once for each (the legacy-bh handler used to
// schedule the tasklet that was running: two runs per interrupt).
void tasklet_runs_per_irq_case(DmacLockPolicy policy) {
  Rig rig;
  constexpr int kN = 6;
  uint64_t irqs = 0, runs = 0;
  int calls = 0;
  rig.run([&] {
    ASSERT_NE(rig.probe(policy), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 4096, 4);
    dmac_chan* c = to_dmac_chan(chan);
    const uint64_t irqs0 = rig.dmac->irqs, runs0 = c->vc.task.runs;
    for (int i = 0; i < kN; ++i) {
      Cb cb;
      init_completion(&cb.done);
      dma_async_tx_descriptor* tx =
          dmaengine_prep_dma_memcpy(chan, dst + 512 * i, src + 512 * i, 512, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
      ASSERT_NE(tx, nullptr);
      tx->callback_result = cb_result;
      tx->callback_param = &cb;
      dmaengine_submit(tx);
      dma_async_issue_pending(chan);
      ASSERT_NE(wait_for_completion_timeout(&cb.done, msecs_to_jiffies(20)), 0u);
      msleep(1);  // a second run would happen here
      calls += cb.calls;
    }
    irqs = rig.dmac->irqs - irqs0;
    runs = c->vc.task.runs - runs0;
    EXPECT_EQ(read(rig.cpu(), dst, 512 * kN), read(rig.cpu(), src, 512 * kN));
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(calls, kN);
  EXPECT_EQ(irqs, uint64_t(kN));
  EXPECT_EQ(runs, irqs) << "tasklet runs per interrupt: " << double(runs) / double(irqs ? irqs : 1);
}
}  // namespace

TEST(DmacTasklet, RunsOncePerInterruptVirtDma) { tasklet_runs_per_irq_case(DmacLockPolicy::VirtDma); }
TEST(DmacTasklet, RunsOncePerInterruptLegacyBh) { tasklet_runs_per_irq_case(DmacLockPolicy::LegacyBh); }

// ------------------------------------------------------------------ double submit

namespace {
// dmaengine_submit() twice on one descriptor: the second re-cookies it and
// moves it to the tail of desc_submitted (list_move_tail); it is on one list,
// runs once, calls back once, is freed once (ASan / LeakSanitizer builds
// check the last two).
void double_submit_case(DmacLockPolicy policy) {
  Rig rig;
  Cb cb;
  dma_cookie_t c1 = 0, c2 = 0;
  size_t submitted = 0, allocated = 0;
  dma_status st1 = DMA_ERROR, st2 = DMA_ERROR;
  rig.run([&] {
    ASSERT_NE(rig.probe(policy), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 1000, 7);
    init_completion(&cb.done);
    dma_async_tx_descriptor* other = dmaengine_prep_dma_memcpy(chan, dst + 2000, src, 100, DMA_CTRL_ACK);
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, 1000, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    ASSERT_NE(other, nullptr);
    tx->callback_result = cb_result;
    tx->callback_param = &cb;
    c1 = dmaengine_submit(tx);
    dmaengine_submit(other);
    c2 = dmaengine_submit(tx);  // again: new cookie, moved behind `other`
    submitted = locked_count(chan, &virt_dma_chan::desc_submitted);
    allocated = locked_count(chan, &virt_dma_chan::desc_allocated);
    dma_async_issue_pending(chan);
    EXPECT_NE(wait_for_completion_timeout(&cb.done, msecs_to_jiffies(20)), 0u);
    msleep(1);  // a second callback (the descriptor run twice) would show up here
    st1 = dmaengine_tx_status(chan, c1, nullptr);
    st2 = dmaengine_tx_status(chan, c2, nullptr);
    EXPECT_EQ(read(rig.cpu(), dst, 1000), read(rig.cpu(), src, 1000));
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(c2, c1 + 2);  // `other` took c1 + 1
  EXPECT_EQ(submitted, 2u) << "the descriptor is on desc_submitted once";
  EXPECT_EQ(allocated, 0u);
  EXPECT_EQ(cb.calls, 1);
  EXPECT_EQ(cb.res.result, DMA_TRANS_NOERROR);
  EXPECT_EQ(st1, DMA_COMPLETE);
  EXPECT_EQ(st2, DMA_COMPLETE);
}
}  // namespace

TEST(VirtDmaSubmit, DoubleSubmitRecookiesAndMovesTheDescriptor) { double_submit_case(DmacLockPolicy::VirtDma); }
TEST(VirtDmaSubmit, DoubleSubmitLegacyBhTxSubmit) { double_submit_case(DmacLockPolicy::LegacyBh); }

// Submitting a descriptor that is already on hardware (taken off desc_issued
// with list_del, so its node is poisoned): Linux's list debugging reports
// "list_del corruption" and refuses the move; the simulator does the same
// and stays memory-safe: the transfer still completes once.
TEST(VirtDmaSubmit, ResubmitOfRunningDescriptorIsReportedListCorruption) {
  Rig rig;
  Cb cb;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    this_kernel().lockdep().expect("DEBUG_LIST");
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 8192, 8);
    init_completion(&cb.done);
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, 8192, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    tx->callback_result = cb_result;
    tx->callback_param = &cb;
    dmaengine_submit(tx);
    dma_async_issue_pending(chan);  // started: off every list
    dmaengine_submit(tx);           // client bug
    EXPECT_EQ(locked_count(chan, &virt_dma_chan::desc_submitted), 0u);
    EXPECT_NE(wait_for_completion_timeout(&cb.done, msecs_to_jiffies(20)), 0u);
    msleep(1);
    EXPECT_EQ(read(rig.cpu(), dst, 8192), read(rig.cpu(), src, 8192));
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(cb.calls, 1);
  EXPECT_EQ(rig.sys.kernel.lockdep().count("DEBUG_LIST", "list_del corruption"), 1u) << rig.sys.kernel.lockdep().dump();
}

// ------------------------------------------------------------------ reusable descriptors

// A reusable memcpy runs twice (second submit: new cookie, the data of the
// second run), goes back to desc_allocated after each completion, and is
// freed by dmaengine_desc_free().
TEST(VirtDmaReuse, ReusableDescriptorRunsAgainThenDescFreeFreesIt) {
  Rig rig;
  Cb cb1, cb2;
  dma_cookie_t c1 = 0, c2 = 0;
  bool back_after_1 = false, back_after_2 = false, gone_after_free = false;
  int set_ret = -1, free_ret = -1;
  bool test_reuse = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 2048, 1);
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, 2048, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    set_ret = dmaengine_desc_set_reuse(tx);
    test_reuse = dmaengine_desc_test_reuse(tx);
    tx->callback_result = cb_result;
    tx->callback_param = &cb1;
    init_completion(&cb1.done);
    c1 = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    EXPECT_NE(wait_for_completion_timeout(&cb1.done, msecs_to_jiffies(20)), 0u);
    msleep(1);
    back_after_1 = locked_has(chan, &virt_dma_chan::desc_allocated, tx);
    EXPECT_EQ(read(rig.cpu(), dst, 2048), read(rig.cpu(), src, 2048));
    fill(rig.cpu(), src, 2048, 2);  // new data: the second run must copy it
    tx->callback_param = &cb2;
    init_completion(&cb2.done);
    c2 = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    EXPECT_NE(wait_for_completion_timeout(&cb2.done, msecs_to_jiffies(20)), 0u);
    msleep(1);
    back_after_2 = locked_has(chan, &virt_dma_chan::desc_allocated, tx);
    EXPECT_EQ(read(rig.cpu(), dst, 2048), read(rig.cpu(), src, 2048));
    EXPECT_EQ(dmaengine_tx_status(chan, c2, nullptr), DMA_COMPLETE);
    free_ret = dmaengine_desc_free(tx);
    gone_after_free = locked_count(chan, &virt_dma_chan::desc_allocated) == 0;
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(set_ret, 0);
  EXPECT_TRUE(test_reuse);
  EXPECT_EQ(c2, c1 + 1);
  EXPECT_EQ(cb1.calls, 1);
  EXPECT_EQ(cb2.calls, 1);
  EXPECT_TRUE(back_after_1);
  EXPECT_TRUE(back_after_2);
  EXPECT_EQ(free_ret, 0);
  EXPECT_TRUE(gone_after_free);
}

// Misuse and the other ends of a reusable descriptor's life: free of a
// descriptor without DMA_CTRL_REUSE is -EPERM (and leaves it usable);
// set_reuse is -EPERM on a device without descriptor_reuse and returns
// dma_get_slave_caps()'s error on a channel without slave caps; clearing the
// flag and submitting frees it after completion.
TEST(VirtDmaReuse, MisuseIsRefusedAsLinux) {
  Rig rig;
  int free_plain = 0, set_no_cap = 0, set_no_slave = 0, free_after_clear = 0;
  bool plain_ran = false, cleared_gone = false, test_after_clear = true;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 512, 3);
    // free of a plain descriptor
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, 512, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    free_plain = dmaengine_desc_free(tx);
    Cb cb;
    init_completion(&cb.done);
    tx->callback_result = cb_result;
    tx->callback_param = &cb;
    dma_cookie_t c = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    plain_ran = wait_for_completion_timeout(&cb.done, msecs_to_jiffies(20)) != 0 &&
                dmaengine_tx_status(chan, c, nullptr) == DMA_COMPLETE;
    msleep(1);
    // the device does not support reuse
    dma_async_tx_descriptor* tx2 = dmaengine_prep_dma_memcpy(chan, dst, src, 512, DMA_CTRL_ACK);
    ASSERT_NE(tx2, nullptr);
    rig.dmac->ddev.descriptor_reuse = false;
    set_no_cap = dmaengine_desc_set_reuse(tx2);
    rig.dmac->ddev.descriptor_reuse = true;
    // set, then clear before the last submit: freed after completion
    ASSERT_EQ(dmaengine_desc_set_reuse(tx2), 0);
    dmaengine_desc_clear_reuse(tx2);
    test_after_clear = dmaengine_desc_test_reuse(tx2);
    Cb cb2;
    init_completion(&cb2.done);
    tx2->callback_result = cb_result;
    tx2->callback_param = &cb2;
    dmaengine_submit(tx2);
    dma_async_issue_pending(chan);
    EXPECT_NE(wait_for_completion_timeout(&cb2.done, msecs_to_jiffies(20)), 0u);
    msleep(1);
    cleared_gone = locked_count(chan, &virt_dma_chan::desc_allocated) == 0;
    // free_after_clear: the flag says "not reusable" -> -EPERM (the
    // descriptor itself is gone; the check reads only the stale flags here,
    // so use a fresh one).
    dma_async_tx_descriptor* tx3 = dmaengine_prep_dma_memcpy(chan, dst, src, 64, DMA_CTRL_ACK);
    ASSERT_NE(tx3, nullptr);
    ASSERT_EQ(dmaengine_desc_set_reuse(tx3), 0);
    dmaengine_desc_clear_reuse(tx3);
    free_after_clear = dmaengine_desc_free(tx3);
    dma_release_channel(chan);  // frees tx3 (still allocated)
    // a channel whose device has no slave caps (memcpy only)
    dma_device memonly;
    dma_chan mchan;
    mchan.device = &memonly;
    dma_cap_set(DMA_MEMCPY, memonly.cap_mask);
    memonly.descriptor_reuse = true;
    dma_async_tx_descriptor fake;
    fake.chan = &mchan;
    set_no_slave = dmaengine_desc_set_reuse(&fake);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(free_plain, -EPERM);
  EXPECT_TRUE(plain_ran);
  EXPECT_EQ(set_no_cap, -EPERM);
  EXPECT_FALSE(test_after_clear);
  EXPECT_TRUE(cleared_gone);
  EXPECT_EQ(free_after_clear, -EPERM);
  EXPECT_EQ(set_no_slave, -ENXIO);
}

// A reusable cyclic descriptor: terminate + synchronize put it back on
// desc_allocated (not freed); it runs again with a new cookie; releasing the
// channel clears the flag and frees it (LeakSanitizer checks).
TEST(VirtDmaReuse, TerminatedReusableCyclicIsKeptRunsAgainAndReleaseFreesIt) {
  Rig rig(audio_config());
  Cyclic s;
  dma_cookie_t c1 = 0, c2 = 0;
  bool kept = false;
  int calls_first = 0, calls_second = 0;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_audio_chan();
    ASSERT_NE(chan, nullptr);
    dma_async_tx_descriptor* tx = prep_audio_cyclic(rig, &s, chan, kRamBase + 0x200000);
    ASSERT_NE(tx, nullptr);
    ASSERT_EQ(dmaengine_desc_set_reuse(tx), 0);
    c1 = s.cookie = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    rig.cpu().writel(AudioPort::CTRL_ENABLE, kAudioBase + AudioPort::CTRL);
    ASSERT_NE(wait_for_completion_timeout(&s.reached, msecs_to_jiffies(50)), 0u);
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    calls_first = s.calls;
    kept = locked_has(chan, &virt_dma_chan::desc_allocated, tx);
    s.notify_at = s.calls + 3;
    init_completion(&s.reached);
    c2 = s.cookie = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    EXPECT_NE(wait_for_completion_timeout(&s.reached, msecs_to_jiffies(50)), 0u);
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    calls_second = s.calls - calls_first;
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_TRUE(kept);
  EXPECT_EQ(c2, c1 + 1);
  EXPECT_GE(calls_first, 3);
  EXPECT_GE(calls_second, 3);
}

// ------------------------------------------------------------------ dma_sync_wait

// Polls a memcpy to completion (issue_pending included); a paused transfer
// returns DMA_PAUSED at once (only DMA_IN_PROGRESS is waited for).
TEST(DmaSyncWait, ReturnsCompleteForAFinishedCopy) {
  Rig rig;
  dma_status st = DMA_ERROR;
  sc_time took;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 4096, 5);
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, 4096, DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    dma_cookie_t c = dmaengine_submit(tx);  // not issued: dma_sync_wait issues it
    const sc_time t0 = sc_time_stamp();
    st = dma_sync_wait(chan, c);
    took = sc_time_stamp() - t0;
    EXPECT_EQ(read(rig.cpu(), dst, 4096), read(rig.cpu(), src, 4096));
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(st, DMA_COMPLETE);
  EXPECT_LT(took, sc_time(1, SC_MS));
}

// A cookie that cannot complete (queued behind a failed transfer: the
// channel is halted until terminate): DMA_ERROR after Linux's 5 s, measured
// in simulated time. The poll does not sleep, like Linux: the default
// soft-lockup threshold (Linux's 20 s) is not reached, and cpu_relax() is made
// coarse to keep the number of polls small.
TEST(DmaSyncWait, TimesOutAfterFiveSecondsWithDmaError) {
  Rig rig;
  dma_status st = DMA_COMPLETE;
  sc_time took;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 1024, 6);
    Ram& ram = rig.sys.hw.ram;
    ram.inject_error_range(src - kRamBase, src - kRamBase + 8, tlm::TLM_GENERIC_ERROR_RESPONSE);
    dma_async_tx_descriptor* bad = dmaengine_prep_dma_memcpy(chan, dst, src, 1024, DMA_CTRL_ACK);
    dma_async_tx_descriptor* next = dmaengine_prep_dma_memcpy(chan, dst + 2048, src + 8, 64, DMA_CTRL_ACK);
    ASSERT_NE(bad, nullptr);
    ASSERT_NE(next, nullptr);
    dma_cookie_t cb = dmaengine_submit(bad);
    dma_cookie_t cn = dmaengine_submit(next);
    EXPECT_EQ(dma_sync_wait(chan, cb), DMA_ERROR);  // the failed one: error status at once
    ram.clear_error_injection();
    rig.cpu().set_relax_cost(sc_time(100, SC_US));
    const sc_time t0 = sc_time_stamp();
    st = dma_sync_wait(chan, cn);
    took = sc_time_stamp() - t0;
    rig.cpu().set_relax_cost(sc_time(10, SC_NS));
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    dma_release_channel(chan);
  }, sc_time(8, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(st, DMA_ERROR);
  EXPECT_GE(took, sc_time(5, SC_SEC));
  EXPECT_LT(took, sc_time(5.01, SC_SEC));
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, "transfer error, ERR_CODE 2"), 1u);  // the injected read error
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "dma_sync_wait: timeout!"), 1u);
}

// ------------------------------------------------------------------ terminate

// terminate_async twice before synchronize, both with IRQs off (ALSA's STOP
// runs with IRQs off): the first aborts the running transfer and parks it on
// desc_terminated; the second sweeps every list (Linux 6.1's
// vchan_get_all_descriptors takes desc_terminated too) but must leave the
// descriptor whose abort has not finished parked -- the hardware may still
// read it. dmaengine_synchronize() waits for the abort and frees it.
TEST(VirtDmaTerminate, SecondTerminateKeepsTheAbortingDescriptorParked) {
  Rig rig;
  bool aborting = false;
  size_t parked_after_first = 0, parked_after_second = 0, parked_after_sync = 1, issued_after_second = 1;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x100000;
    dma_async_tx_descriptor* big = dmaengine_prep_dma_memcpy(chan, dst, src, 512 * 1024, DMA_CTRL_ACK);
    dma_async_tx_descriptor* queued = dmaengine_prep_dma_memcpy(chan, dst, src, 64, DMA_CTRL_ACK);
    ASSERT_NE(big, nullptr);
    ASSERT_NE(queued, nullptr);
    dmaengine_submit(big);
    dmaengine_submit(queued);
    dma_async_issue_pending(chan);
    udelay(2);  // `big` is on hardware
    unsigned long flags;
    local_irq_save(flags);
    EXPECT_EQ(dmaengine_terminate_async(chan), 0);
    aborting = to_dmac_chan(chan)->aborting;
    parked_after_first = list_count(&to_virt_chan(chan)->desc_terminated);
    EXPECT_EQ(dmaengine_terminate_async(chan), 0);
    parked_after_second = list_count(&to_virt_chan(chan)->desc_terminated);
    issued_after_second = list_count(&to_virt_chan(chan)->desc_issued);
    local_irq_restore(flags);
    dmaengine_synchronize(chan);
    parked_after_sync = locked_count(chan, &virt_dma_chan::desc_terminated);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(aborting) << "the abort finished at once: the test did not exercise the parking";
  EXPECT_EQ(parked_after_first, 1u);
  EXPECT_EQ(parked_after_second, 1u);
  EXPECT_EQ(issued_after_second, 0u);
  EXPECT_EQ(parked_after_sync, 0u);
}

}  // namespace test_virt_dma
