// dmaengine API contracts (include/linux/dmaengine.h, drivers/dma/dmaengine.c,
// drivers/dma/dmaengine.h, sound/core/pcm_dmaengine.c) that no other test
// pins down; table "Spec rules and API contracts -> tests" in
// docs/verification.md. Each TEST boots its own System (one per process).
// The PCM glue's mapping of ALSA operations onto dmaengine calls is checked
// against a recording channel.
#include "driver/sound/pcm.h"
#include "driver/sound/pcm_dmaengine.h"
#include "models/log.h"
#include "rig.h"

using namespace dt;

// Named after the file: the program compiles several test files as one
// translation unit (cmake/dmacosim.cmake, dmacosim_unity).
namespace test_api_contracts {

namespace {

// ------------------------------------------------------------------ a recording channel
// A dma_device with no RTL behind it: each op records how it was called.
struct Rec {
  int prep_cyclic = 0, submit = 0, issue = 0, pause = 0, resume = 0, terminate = 0, sync = 0, tx_status = 0;
  dma_addr_t buf = 0;
  size_t buf_len = 0, period_len = 0;
  dma_transfer_direction dir = DMA_TRANS_NONE;
  unsigned long flags = 0;
  bool fail_prep = false;
  int op_ret = 0;  // returned by pause / resume / terminate
  dma_cookie_t cookie = 7;
  dma_status status = DMA_IN_PROGRESS;
  uint32_t residue = 0, in_flight = 0;
  std::vector<std::string> order;
  dma_async_tx_descriptor tx;
};
Rec g;

dma_cookie_t rec_submit(dma_async_tx_descriptor*) {
  g.submit++;
  g.order.push_back("submit");
  return g.cookie;
}
dma_async_tx_descriptor* rec_prep_cyclic(dma_chan* c, dma_addr_t a, size_t bl, size_t pl, dma_transfer_direction d,
                                         unsigned long f) {
  g.prep_cyclic++;
  g.order.push_back("prep_cyclic");
  g.buf = a;
  g.buf_len = bl;
  g.period_len = pl;
  g.dir = d;
  g.flags = f;
  if (g.fail_prep) return nullptr;
  g.tx = dma_async_tx_descriptor{};
  g.tx.chan = c;
  g.tx.tx_submit = rec_submit;
  return &g.tx;
}
void rec_issue(dma_chan*) {
  g.issue++;
  g.order.push_back("issue_pending");
}
int rec_pause(dma_chan*) {
  g.pause++;
  g.order.push_back("pause");
  return g.op_ret;
}
int rec_resume(dma_chan*) {
  g.resume++;
  g.order.push_back("resume");
  return g.op_ret;
}
int rec_terminate(dma_chan*) {
  g.terminate++;
  g.order.push_back("terminate");
  return g.op_ret;
}
void rec_sync(dma_chan*) {
  g.sync++;
  g.order.push_back("synchronize");
}
dma_status rec_tx_status(dma_chan*, dma_cookie_t, dma_tx_state* st) {
  g.tx_status++;
  if (st) {
    st->residue = g.residue;
    st->in_flight_bytes = g.in_flight;
  }
  return g.status;
}

struct RecChannel {
  dma_device dev;
  dma_chan chan;
  explicit RecChannel(bool with_ops = true, dma_residue_granularity gran = DMA_RESIDUE_GRANULARITY_BURST) {
    g = Rec{};
    chan.device = &dev;
    dev.channels.push_back(&chan);
    dma_cap_set(DMA_SLAVE, dev.cap_mask);
    dma_cap_set(DMA_CYCLIC, dev.cap_mask);
    dev.directions = BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM);
    dev.residue_granularity = gran;
    if (!with_ops) return;
    dev.device_prep_dma_cyclic = rec_prep_cyclic;
    dev.device_issue_pending = rec_issue;
    dev.device_pause = rec_pause;
    dev.device_resume = rec_resume;
    dev.device_terminate_all = rec_terminate;
    dev.device_synchronize = rec_sync;
    dev.device_tx_status = rec_tx_status;
  }
};

// A playback substream, 4 periods of 256 bytes, 16-bit stereo, buffer at
// `buf`, opened on `chan` by the PCM glue.
struct PcmSub {
  sound::snd_pcm_runtime rt;
  sound::snd_pcm_substream ss;
  PcmSub(dma_chan* chan, dma_addr_t buf = kRamBase + 0x100000, int stream = sound::SNDRV_PCM_STREAM_PLAYBACK) {
    ss.stream = stream;
    ss.runtime = &rt;
    rt.channels = 2;
    rt.sample_bits = 16;
    rt.frame_bits = 32;
    rt.period_size = 64;
    rt.periods = 4;
    rt.buffer_size = 256;
    rt.dma_addr = buf;
    rt.dma_bytes = 1024;
    EXPECT_EQ(sound::snd_dmaengine_pcm_open(&ss, chan), 0);
  }
  ~PcmSub() {
    delete sound::substream_to_prtd(&ss);
    rt.private_data = nullptr;
  }
};

}  // namespace

// ================================================================== client wrappers
// include/linux/dmaengine.h: a wrapper whose provider op is missing returns
// the kernel's error: slave_config, pause, resume and the deprecated
// terminate_all -ENOSYS, terminate_async -EINVAL (and terminate_sync passes
// it on without synchronizing), every prep NULL, synchronize is a no-op;
// dma_submit_error() is the cookie if negative, else 0; dma_get_slave_caps()
// is -ENXIO without SLAVE/CYCLIC or without directions.
TEST(DmaengineContract, WrappersWithoutTheirOpReturnTheKernelErrors) {
  Rig rig;
  rig.run([&] {
    RecChannel rc(/*with_ops=*/false);
    dma_chan* c = &rc.chan;
    dma_slave_config cfg;
    EXPECT_EQ(dmaengine_slave_config(c, &cfg), -ENOSYS);
    EXPECT_EQ(dmaengine_pause(c), -ENOSYS);
    EXPECT_EQ(dmaengine_resume(c), -ENOSYS);
    EXPECT_EQ(dmaengine_terminate_all(c), -ENOSYS);
    EXPECT_EQ(dmaengine_terminate_async(c), -EINVAL);
    EXPECT_EQ(dmaengine_terminate_sync(c), -EINVAL);
    dmaengine_synchronize(c);  // no op: nothing happens
    scatterlist sg;
    sg_init_table(&sg, 1);
    sg_dma_address(&sg) = kRamBase;
    sg_dma_len(&sg) = 64;
    EXPECT_EQ(dmaengine_prep_slave_sg(c, &sg, 1, DMA_MEM_TO_DEV, 0), nullptr);
    EXPECT_EQ(dmaengine_prep_slave_single(c, kRamBase, 64, DMA_MEM_TO_DEV, 0), nullptr);
    EXPECT_EQ(dmaengine_prep_dma_cyclic(c, kRamBase, 1024, 256, DMA_MEM_TO_DEV, 0), nullptr);
    EXPECT_EQ(dmaengine_prep_dma_memcpy(c, kRamBase, kRamBase + 64, 64, 0), nullptr);
    EXPECT_EQ(dmaengine_prep_dma_memset(c, kRamBase, 0, 64, 0), nullptr);
    EXPECT_EQ(dma_submit_error(-ENOMEM), -ENOMEM);
    EXPECT_EQ(dma_submit_error(5), 0);
    dma_slave_caps caps;
    rc.dev.directions = 0;
    EXPECT_EQ(dma_get_slave_caps(c, &caps), -ENXIO) << "no directions";
    rc.dev.directions = BIT(DMA_MEM_TO_DEV);
    EXPECT_EQ(dma_get_slave_caps(c, &caps), 0);
    EXPECT_FALSE(caps.cmd_pause || caps.cmd_resume || caps.cmd_terminate) << "cmd_* follow the ops";
    dma_cap_zero(rc.dev.cap_mask);
    dma_cap_set(DMA_MEMCPY, rc.dev.cap_mask);
    EXPECT_EQ(dma_get_slave_caps(c, &caps), -ENXIO) << "neither SLAVE nor CYCLIC";
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

// drivers/dma/dmaengine.c, __dma_request_channel(): the device must have
// every capability of the mask; busy channels are skipped; the filter accepts
// with true; the device becomes DMA_PRIVATE; the first user allocates the
// channel's resources, the last release frees them.
namespace {
int g_allocs = 0, g_frees = 0;
int (*g_orig_alloc)(dma_chan*) = nullptr;
void (*g_orig_free)(dma_chan*) = nullptr;
int count_alloc(dma_chan* c) {
  g_allocs++;
  return g_orig_alloc(c);
}
void count_free(dma_chan* c) {
  g_frees++;
  g_orig_free(c);
}
bool only_chan5(dma_chan* c, void*) { return c->chan_id == 5; }
bool reject_all(dma_chan*, void*) { return false; }
}  // namespace

TEST(DmaengineContract, RequestChannelHonoursMaskFilterBusyAndPrivate) {
  Rig rig;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_device& dd = rig.dmac->ddev;
    g_orig_alloc = dd.device_alloc_chan_resources;
    g_orig_free = dd.device_free_chan_resources;
    dd.device_alloc_chan_resources = count_alloc;
    dd.device_free_chan_resources = count_free;
    EXPECT_FALSE(dma_has_cap(DMA_PRIVATE, dd.cap_mask));
    dma_cap_mask_t memset_mask;
    dma_cap_zero(memset_mask);
    dma_cap_set(DMA_MEMSET, memset_mask);
    EXPECT_EQ(dma_request_channel(memset_mask, nullptr, nullptr), nullptr) << "capability the device lacks";
    dma_cap_mask_t mask;
    dma_cap_zero(mask);
    dma_cap_set(DMA_MEMCPY, mask);
    dma_cap_set(DMA_CYCLIC, mask);
    EXPECT_EQ(dma_request_channel(mask, reject_all, nullptr), nullptr) << "filter said no to every channel";
    EXPECT_EQ(g_allocs, 0);
    dma_chan* five = dma_request_channel(mask, only_chan5, nullptr);
    ASSERT_NE(five, nullptr);
    EXPECT_EQ(five->chan_id, 5);
    EXPECT_EQ(g_allocs, 1);
    EXPECT_EQ(five->client_count, 1);
    EXPECT_TRUE(dma_has_cap(DMA_PRIVATE, dd.cap_mask)) << "a requested channel makes the device private";
    EXPECT_EQ(dma_request_channel(mask, only_chan5, nullptr), nullptr) << "a busy channel must be skipped";
    std::vector<dma_chan*> all;
    for (int i = 0; i < 7; ++i) {
      dma_chan* c = dma_request_channel(mask, nullptr, nullptr);
      ASSERT_NE(c, nullptr);
      EXPECT_NE(c, five);
      for (dma_chan* o : all) EXPECT_NE(c, o);
      all.push_back(c);
    }
    EXPECT_EQ(dma_request_channel(mask, nullptr, nullptr), nullptr) << "every channel is busy";
    EXPECT_EQ(g_allocs, 8);
    dma_release_channel(five);
    EXPECT_EQ(g_frees, 1) << "the last user's release frees the resources";
    EXPECT_EQ(five->client_count, 0);
    EXPECT_EQ(dma_request_channel(mask, nullptr, nullptr), five) << "a released channel is free again";
    dma_release_channel(five);
    for (dma_chan* c : all) dma_release_channel(c);
    EXPECT_EQ(g_frees, 9);
    EXPECT_FALSE(dma_has_cap(DMA_PRIVATE, dd.cap_mask)) << "no private user left";
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

// dma_request_chan(): a channel named in the platform description whose
// controller has not probed yet is -EPROBE_DEFER (the client retries later);
// once probed, the same request succeeds.
TEST(DmaengineContract, RequestChanDefersUntilTheControllerHasProbed) {
  Rig rig;
  rig.run([&] {
    static device client{"defer-client"};
    of_phandle_args spec;
    spec.controller = "dmac";
    spec.request_line = 3;
    dma_platform_add_slave_map("defer-client", "rx", spec);
    dma_chan* early = dma_request_chan(&client, "rx");
    EXPECT_TRUE(IS_ERR(early));
    EXPECT_EQ(PTR_ERR(early), -EPROBE_DEFER);
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = dma_request_chan(&client, "rx");
    ASSERT_FALSE(IS_ERR_OR_NULL(chan));
    EXPECT_EQ(to_dmac_chan(chan)->req_line, 3) << "the request line of the description";
    dma_release_channel(chan);
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

// Context rules: channel request and release may sleep (they take
// dma_list_mutex and allocate): called with IRQs off they are "sleeping
// function called from invalid context" (V-SLEEP-1).
TEST(DmaengineContract, RequestAndReleaseInAtomicContextAreReported) {
  Rig rig;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    auto& ld = this_kernel().lockdep();
    ld.expect("V-SLEEP-1");
    unsigned long flags;
    local_irq_save(flags);
    KFUNC("atomic_request");
    dma_chan* chan = request_memcpy_chan();
    local_irq_restore(flags);
    ASSERT_NE(chan, nullptr);
    EXPECT_GE(ld.count("V-SLEEP-1", "atomic_request"), 1u) << ld.dump();
    local_irq_save(flags);
    {
      KFUNC("atomic_release");
      dma_release_channel(chan);
    }
    local_irq_restore(flags);
    EXPECT_GE(ld.count("V-SLEEP-1", "atomic_release"), 1u) << ld.dump();
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

// device_config "affects later transfers only": a descriptor prepared before
// a new dmaengine_slave_config() keeps the old FIFO address, width and burst
// (its hardware descriptor in memory is unchanged); one prepared after uses
// the new ones. Peripheral flow control (device_fc) is refused: the hardware
// is always the flow controller.
TEST(DmaengineContract, SlaveConfigAffectsLaterTransfersOnly) {
  Rig rig;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    static device client{"cfg-client"};
    of_phandle_args spec;
    spec.controller = "dmac";
    spec.request_line = 6;
    dma_platform_add_slave_map("cfg-client", "tx", spec);
    dma_chan* chan = dma_request_chan(&client, "tx");
    ASSERT_FALSE(IS_ERR_OR_NULL(chan));
    dma_slave_config a;
    a.direction = DMA_MEM_TO_DEV;
    a.dst_addr = kAudioBase + 0x40;
    a.dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
    a.dst_maxburst = 8;
    ASSERT_EQ(dmaengine_slave_config(chan, &a), 0);
    dma_async_tx_descriptor* ta = dmaengine_prep_slave_single(chan, kRamBase + 0x1000, 256, DMA_MEM_TO_DEV, 0);
    ASSERT_NE(ta, nullptr);
    auto hw = [&](dma_async_tx_descriptor* t) {
      std::vector<uint32_t> w(8);
      rig.cpu().memcpy_from_bus(w.data(), t->phys, 32);
      return w;
    };
    const std::vector<uint32_t> before = hw(ta);
    auto ctrl_field = [](uint32_t ctrl, uint32_t mask, unsigned shift) { return (ctrl & mask) >> shift; };
    EXPECT_EQ(before[DMAC_DESC_DST / 4], uint32_t(a.dst_addr));
    EXPECT_EQ(ctrl_field(before[DMAC_DESC_CTRL / 4], DMAC_DESC_CTRL_WIDTH_MASK, DMAC_DESC_CTRL_WIDTH_SHIFT), 2u);
    EXPECT_EQ(ctrl_field(before[DMAC_DESC_CTRL / 4], DMAC_DESC_CTRL_BURST_MASK, DMAC_DESC_CTRL_BURST_SHIFT), 7u)
        << "maxburst counts beats of the width, not bytes";
    EXPECT_EQ(ctrl_field(before[DMAC_DESC_CTRL / 4], DMAC_DESC_CTRL_REQ_MASK, DMAC_DESC_CTRL_REQ_SHIFT), 6u);
    dma_slave_config b = a;
    b.dst_addr = kAudioBase + 0x80;
    b.dst_addr_width = DMA_SLAVE_BUSWIDTH_2_BYTES;
    b.dst_maxburst = 4;
    ASSERT_EQ(dmaengine_slave_config(chan, &b), 0);
    EXPECT_EQ(hw(ta), before) << "a new config changed a prepared descriptor";
    dma_async_tx_descriptor* tb = dmaengine_prep_slave_single(chan, kRamBase + 0x2000, 256, DMA_MEM_TO_DEV, 0);
    ASSERT_NE(tb, nullptr);
    const std::vector<uint32_t> after = hw(tb);
    EXPECT_EQ(after[DMAC_DESC_DST / 4], uint32_t(b.dst_addr));
    EXPECT_EQ(ctrl_field(after[DMAC_DESC_CTRL / 4], DMAC_DESC_CTRL_WIDTH_MASK, DMAC_DESC_CTRL_WIDTH_SHIFT), 1u);
    EXPECT_EQ(ctrl_field(after[DMAC_DESC_CTRL / 4], DMAC_DESC_CTRL_BURST_MASK, DMAC_DESC_CTRL_BURST_SHIFT), 3u);
    dma_slave_config fc = b;
    fc.device_fc = true;
    EXPECT_EQ(dmaengine_slave_config(chan, &fc), -EINVAL);
    dma_release_channel(chan);  // frees the two prepared descriptors
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

// device_issue_pending starts the first issued descriptor, then the next one
// on each completion: four memcpys submitted and issued at once complete in
// cookie order. tx_status reports the cookie it is asked about: a queued one
// has its whole length as residue while the first runs, and txstate may be
// NULL.
TEST(DmaengineContract, IssuePendingRunsTheQueueInOrderTxStatusPerCookie) {
  Rig rig;
  std::vector<int> order;
  struct Ctx {
    std::vector<int>* order;
    int idx;
    completion* done;
  };
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x40000;
    const size_t lens[4] = {8192, 100, 3000, 64};
    fill(rig.cpu(), src, 16384, 3);
    completion last;
    init_completion(&last);
    Ctx ctx[4];
    dma_cookie_t cookies[4];
    size_t off = 0;
    for (int i = 0; i < 4; ++i) {
      dma_async_tx_descriptor* tx =
          dmaengine_prep_dma_memcpy(chan, dst + off, src + off, lens[i], DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
      ASSERT_NE(tx, nullptr);
      ctx[i] = {&order, i, &last};
      tx->callback = [](void* p) {
        auto* c = static_cast<Ctx*>(p);
        c->order->push_back(c->idx);
        if (c->idx == 3) complete(c->done);
      };
      tx->callback_param = &ctx[i];
      cookies[i] = dmaengine_submit(tx);
      off += lens[i];
    }
    for (int i = 1; i < 4; ++i) EXPECT_EQ(cookies[i], cookies[i - 1] + 1);
    dma_async_issue_pending(chan);
    udelay(1);
    dma_tx_state st;
    EXPECT_EQ(dmaengine_tx_status(chan, cookies[0], &st), DMA_IN_PROGRESS);
    EXPECT_GT(st.residue, 0u);
    EXPECT_LE(st.residue, lens[0]);
    EXPECT_EQ(dmaengine_tx_status(chan, cookies[2], &st), DMA_IN_PROGRESS);
    EXPECT_EQ(st.residue, lens[2]) << "a queued descriptor has all of its bytes to go";
    EXPECT_EQ(dmaengine_tx_status(chan, cookies[1], nullptr), DMA_IN_PROGRESS) << "txstate may be NULL";
    ASSERT_NE(wait_for_completion_timeout(&last, msecs_to_jiffies(50)), 0u);
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(dmaengine_tx_status(chan, cookies[i], &st), DMA_COMPLETE);
      EXPECT_EQ(st.residue, 0u);
    }
    EXPECT_EQ(read(rig.cpu(), dst, off), read(rig.cpu(), src, off));
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3})) << "completions out of issue order";
}

// dmaengine_desc_callback_invoke() (drivers/dma/dmaengine.h): callback_result
// is used when both are set; a NULL result is delivered as
// {DMA_TRANS_NOERROR, 0}; the legacy callback alone is called without one.
TEST(DmaengineContract, CallbackResultWinsOverCallback) {
  Rig rig;
  Cb both, legacy, direct;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 512, 1);
    init_completion(&both.done);
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, 512, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    tx->callback = cb_legacy;
    tx->callback_result = cb_result;
    tx->callback_param = &both;
    dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    ASSERT_NE(wait_for_completion_timeout(&both.done, msecs_to_jiffies(20)), 0u);
    init_completion(&legacy.done);
    tx = dmaengine_prep_dma_memcpy(chan, dst, src, 512, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    tx->callback = cb_legacy;
    tx->callback_param = &legacy;
    dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    ASSERT_NE(wait_for_completion_timeout(&legacy.done, msecs_to_jiffies(20)), 0u);
    msleep(1);
    dmaengine_desc_callback cb;
    cb.callback = cb_legacy;
    cb.callback_result = cb_result;
    cb.callback_param = &direct;
    direct.res = {DMA_TRANS_ABORTED, 99};
    init_completion(&direct.done);
    dmaengine_desc_callback_invoke(&cb, nullptr);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(both.calls, 1);
  EXPECT_EQ(both.legacy_calls, 0) << "callback called although callback_result was set";
  EXPECT_EQ(both.res.result, DMA_TRANS_NOERROR);
  EXPECT_EQ(legacy.legacy_calls, 1);
  EXPECT_EQ(legacy.calls, 0);
  EXPECT_EQ(direct.calls, 1);
  EXPECT_EQ(direct.legacy_calls, 0);
  EXPECT_EQ(direct.res.result, DMA_TRANS_NOERROR);
  EXPECT_EQ(direct.res.residue, 0u);
}

// drivers/dma/dmaengine.h cookies: dma_cookie_init() starts a channel at
// cookie = completed_cookie = DMA_MIN_COOKIE; dma_cookie_complete() records
// the completed cookie and zeroes tx->cookie; completing an unassigned
// cookie is a BUG (reported, nothing recorded).
TEST(DmaengineContract, CookieInitCompleteAndUnassignedCompleteIsABug) {
  Rig rig;
  dma_cookie_t init_cookie = 0, init_completed = 0, assigned = 0, tx_cookie_after = -1, completed_after = 0;
  size_t bug_reports = 0;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    init_cookie = chan->cookie;
    init_completed = chan->completed_cookie;
    const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
    fill(rig.cpu(), src, 256, 2);
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, 256, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    ASSERT_EQ(dmaengine_desc_set_reuse(tx), 0);  // kept after completion: its fields can be read
    Cb cb;
    init_completion(&cb.done);
    tx->callback_result = cb_result;
    tx->callback_param = &cb;
    assigned = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    ASSERT_NE(wait_for_completion_timeout(&cb.done, msecs_to_jiffies(20)), 0u);
    msleep(1);
    tx_cookie_after = tx->cookie;
    completed_after = chan->completed_cookie;
    EXPECT_EQ(dmaengine_desc_free(tx), 0);
    dma_chan fake;
    fake.cookie = fake.completed_cookie = 5;
    dma_async_tx_descriptor unassigned;
    unassigned.chan = &fake;
    dma_cookie_complete(&unassigned);
    EXPECT_EQ(fake.completed_cookie, 5);
    bug_reports = Log::instance().count(LogLevel::Error, "dma_cookie_complete() of an unassigned cookie");
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(init_cookie, DMA_MIN_COOKIE);
  EXPECT_EQ(init_completed, DMA_MIN_COOKIE);
  EXPECT_EQ(assigned, DMA_MIN_COOKIE + 1);
  EXPECT_EQ(tx_cookie_after, 0) << "dma_cookie_complete() zeroes tx->cookie";
  EXPECT_EQ(completed_after, assigned);
  EXPECT_EQ(bug_reports, 1u);
}

// dmaengine_terminate_sync(): afterwards the hardware touches no memory of
// the terminated transfer (synchronize: "no memory access"): a 256 KiB copy
// stopped mid-way leaves RAM untouched by the DMA from the moment it returns,
// and the channel is idle.
TEST(DmaengineContract, NoMemoryAccessAfterTerminateSync) {
  Rig rig;
  uint64_t reads_after = 0, writes_after = 0, written = 0;
  uint32_t state = 99;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    const uint64_t src = kRamBase + 0x100000, dst = kRamBase + 0x200000, len = 256 * 1024;
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    Ram& ram = rig.sys.hw.ram;
    ram.clear_write_log();
    dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    udelay(20);
    ASSERT_EQ(dmaengine_terminate_sync(chan), 0);
    const uint64_t r0 = ram.read_count(), w0 = ram.write_count();
    written = ram.written_byte_count();
    msleep(1);
    reads_after = ram.read_count() - r0;
    writes_after = ram.write_count() - w0;
    state = rig.cpu().readl(kDmaRegsBase + DMAC_CH_BASE(to_dmac_chan(chan)->id) + DMAC_CH_STATUS) &
            DMAC_CH_STATUS_STATE_MASK;
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_GT(written, 0u) << "the copy had not started: nothing was tested";
  EXPECT_LT(written, 256u * 1024u) << "the copy had finished: nothing was tested";
  EXPECT_EQ(reads_after, 0u) << "DMA read RAM after dmaengine_terminate_sync() returned";
  EXPECT_EQ(writes_after, 0u) << "DMA wrote RAM after dmaengine_terminate_sync() returned";
  EXPECT_EQ(state, uint32_t(DMAC_STATE_IDLE));
}

// dma_release_channel() of a channel with a transfer running: the provider's
// free_chan_resources terminates and synchronizes (drivers/dma/dmaengine.c
// releases through device_free_chan_resources): from its return no DMA
// access to memory, no callback, the channel idle.
TEST(DmaengineContract, ReleaseOfABusyChannelStopsIt) {
  Rig rig;
  Cb cb;
  uint64_t reads_after = 0, writes_after = 0, written = 0;
  uint32_t state = 99;
  unsigned id = 0;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    id = to_dmac_chan(chan)->id;
    const uint64_t src = kRamBase + 0x100000, dst = kRamBase + 0x200000, len = 256 * 1024;
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    init_completion(&cb.done);
    tx->callback_result = cb_result;
    tx->callback_param = &cb;
    Ram& ram = rig.sys.hw.ram;
    ram.clear_write_log();
    dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    udelay(20);
    dma_release_channel(chan);
    const uint64_t r0 = ram.read_count(), w0 = ram.write_count();
    written = ram.written_byte_count();
    msleep(1);
    reads_after = ram.read_count() - r0;
    writes_after = ram.write_count() - w0;
    state = rig.cpu().readl(kDmaRegsBase + DMAC_CH_BASE(id) + DMAC_CH_STATUS) & DMAC_CH_STATUS_STATE_MASK;
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_GT(written, 0u) << "the copy had not started: nothing was tested";
  EXPECT_LT(written, 256u * 1024u) << "the copy had finished: nothing was tested";
  EXPECT_EQ(reads_after, 0u) << "DMA read RAM after the channel was released";
  EXPECT_EQ(writes_after, 0u) << "DMA wrote RAM after the channel was released";
  EXPECT_EQ(state, uint32_t(DMAC_STATE_IDLE));
  EXPECT_EQ(cb.calls, 0) << "callback of a transfer that was stopped by the release";
}

// ================================================================== pcm_dmaengine
// sound/core/pcm_dmaengine.c, snd_dmaengine_pcm_trigger(): START = cyclic
// prep over the whole buffer with the period length, MEM_TO_DEV for playback,
// DMA_CTRL_ACK | DMA_PREP_INTERRUPT, callback set, submit, then
// issue_pending (a NULL prep is -ENOMEM and nothing is submitted); RESUME and
// PAUSE_RELEASE = resume; PAUSE_PUSH = pause; SUSPEND = pause with
// SNDRV_PCM_INFO_PAUSE, else terminate_async; STOP = terminate_async; any
// other command (DRAIN) = -EINVAL; the ops' return values are ignored.
TEST(PcmDmaengineContract, TriggerMapsEachCommandAsLinux) {
  Rig rig;
  rig.run([&] {
    using namespace sound;
    RecChannel rc;
    PcmSub p(&rc.chan);
    EXPECT_EQ(snd_dmaengine_pcm_trigger(&p.ss, SNDRV_PCM_TRIGGER_START), 0);
    EXPECT_EQ(g.order, (std::vector<std::string>{"prep_cyclic", "submit", "issue_pending"}));
    EXPECT_EQ(g.buf, p.rt.dma_addr);
    EXPECT_EQ(g.buf_len, 1024u);
    EXPECT_EQ(g.period_len, 256u);
    EXPECT_EQ(g.dir, DMA_MEM_TO_DEV);
    EXPECT_EQ(g.flags, DMA_CTRL_ACK | DMA_PREP_INTERRUPT);
    EXPECT_NE(g.tx.callback, nullptr);
    EXPECT_EQ(g.tx.callback_param, &p.ss);
    EXPECT_EQ(substream_to_prtd(&p.ss)->cookie, g.cookie);
    auto one = [&](int cmd, const std::vector<std::string>& want, int ret = 0) {
      g.order.clear();
      EXPECT_EQ(snd_dmaengine_pcm_trigger(&p.ss, cmd), ret) << snd_pcm_trigger_name(cmd);
      EXPECT_EQ(g.order, want) << snd_pcm_trigger_name(cmd);
    };
    g.op_ret = -EIO;  // ignored by the glue
    one(SNDRV_PCM_TRIGGER_PAUSE_PUSH, {"pause"});
    one(SNDRV_PCM_TRIGGER_PAUSE_RELEASE, {"resume"});
    p.rt.info = SNDRV_PCM_INFO_PAUSE | SNDRV_PCM_INFO_RESUME;
    one(SNDRV_PCM_TRIGGER_SUSPEND, {"pause"});
    one(SNDRV_PCM_TRIGGER_RESUME, {"resume"});
    p.rt.info = 0;
    one(SNDRV_PCM_TRIGGER_SUSPEND, {"terminate"});
    one(SNDRV_PCM_TRIGGER_STOP, {"terminate"});
    one(SNDRV_PCM_TRIGGER_DRAIN, {}, -EINVAL);
    one(2, {}, -EINVAL);
    // A cyclic prep that fails: -ENOMEM, nothing submitted or issued; the
    // submit's cookie is stored unchecked (even an error cookie).
    g.fail_prep = true;
    one(SNDRV_PCM_TRIGGER_START, {"prep_cyclic"}, -ENOMEM);
    g.fail_prep = false;
    g.cookie = -ENOMEM;
    EXPECT_EQ(snd_dmaengine_pcm_trigger(&p.ss, SNDRV_PCM_TRIGGER_START), 0);
    EXPECT_EQ(substream_to_prtd(&p.ss)->cookie, -ENOMEM);
    // Capture: DEV_TO_MEM.
    PcmSub cap(&rc.chan, kRamBase + 0x200000, SNDRV_PCM_STREAM_CAPTURE);
    EXPECT_EQ(snd_dmaengine_pcm_trigger(&cap.ss, SNDRV_PCM_TRIGGER_START), 0);
    EXPECT_EQ(g.dir, DMA_DEV_TO_MEM);
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

// snd_hwparams_to_dma_slave_config(): sample width 8 -> 1 byte, 16 -> 2,
// 24 -> 3, <= 32 -> 4, else 8; outside 8..64 bits -EINVAL; playback sets
// MEM_TO_DEV and dst_addr_width, capture DEV_TO_MEM and src_addr_width;
// device_fc false. The DAI's FIFO address and maxburst go to the same side.
TEST(PcmDmaengineContract, HwParamsGiveLinuxWidthsAndDirections) {
  Rig rig;
  rig.run([&] {
    using namespace sound;
    RecChannel rc;
    PcmSub play(&rc.chan), cap(&rc.chan, kRamBase + 0x200000, SNDRV_PCM_STREAM_CAPTURE);
    const std::pair<unsigned, dma_slave_buswidth> widths[] = {
        {8, DMA_SLAVE_BUSWIDTH_1_BYTE},  {16, DMA_SLAVE_BUSWIDTH_2_BYTES}, {24, DMA_SLAVE_BUSWIDTH_3_BYTES},
        {20, DMA_SLAVE_BUSWIDTH_4_BYTES}, {32, DMA_SLAVE_BUSWIDTH_4_BYTES}, {64, DMA_SLAVE_BUSWIDTH_8_BYTES},
        {48, DMA_SLAVE_BUSWIDTH_8_BYTES}};
    for (auto [bits, w] : widths) {
      struct snd_pcm_hw_params hp;
      hp.sample_bits = bits;
      dma_slave_config c;
      c.device_fc = true;
      ASSERT_EQ(snd_hwparams_to_dma_slave_config(&play.ss, &hp, &c), 0) << bits;
      EXPECT_EQ(c.direction, DMA_MEM_TO_DEV);
      EXPECT_EQ(c.dst_addr_width, w) << bits << " bits";
      EXPECT_EQ(c.src_addr_width, DMA_SLAVE_BUSWIDTH_UNDEFINED);
      EXPECT_FALSE(c.device_fc);
      dma_slave_config d;
      ASSERT_EQ(snd_hwparams_to_dma_slave_config(&cap.ss, &hp, &d), 0);
      EXPECT_EQ(d.direction, DMA_DEV_TO_MEM);
      EXPECT_EQ(d.src_addr_width, w);
      EXPECT_EQ(d.dst_addr_width, DMA_SLAVE_BUSWIDTH_UNDEFINED);
    }
    for (unsigned bits : {4u, 7u, 65u, 128u}) {
      struct snd_pcm_hw_params hp;
      hp.sample_bits = bits;
      dma_slave_config c;
      EXPECT_EQ(snd_hwparams_to_dma_slave_config(&play.ss, &hp, &c), -EINVAL) << bits << " bits";
    }
    snd_dmaengine_dai_dma_data dai;
    dai.addr = kAudioBase;
    dai.maxburst = 8;
    dai.addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
    dma_slave_config c;
    snd_dmaengine_pcm_set_config_from_dai_data(&play.ss, &dai, &c);
    EXPECT_EQ(c.dst_addr, kAudioBase);
    EXPECT_EQ(c.dst_maxburst, 8u);
    EXPECT_EQ(c.dst_addr_width, DMA_SLAVE_BUSWIDTH_4_BYTES);
    EXPECT_EQ(c.src_addr, 0u);
    dma_slave_config d;
    snd_dmaengine_pcm_set_config_from_dai_data(&cap.ss, &dai, &d);
    EXPECT_EQ(d.src_addr, kAudioBase);
    EXPECT_EQ(d.src_maxburst, 8u);
    EXPECT_EQ(d.dst_addr, 0u);
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

// snd_dmaengine_pcm_pointer(): for DMA_IN_PROGRESS or DMA_PAUSED with
// 0 < residue <= buffer bytes the position is buffer - residue and
// runtime->delay the frames of in_flight_bytes; otherwise position 0.
TEST(PcmDmaengineContract, PointerIsBufferMinusResidueOnlyInRange) {
  Rig rig;
  rig.run([&] {
    using namespace sound;
    RecChannel rc;
    PcmSub p(&rc.chan);
    struct Case {
      dma_status st;
      uint32_t residue;
      snd_pcm_uframes_t frames;
    };
    const Case cases[] = {
        {DMA_IN_PROGRESS, 1024, 0},  {DMA_IN_PROGRESS, 1000, 6}, {DMA_IN_PROGRESS, 4, 255},
        {DMA_PAUSED, 512, 128},      {DMA_IN_PROGRESS, 0, 0},    {DMA_IN_PROGRESS, 1028, 0},
        {DMA_COMPLETE, 512, 0},      {DMA_ERROR, 512, 0},
    };
    for (const Case& c : cases) {
      g.status = c.st;
      g.residue = c.residue;
      g.in_flight = 64;
      p.rt.delay = -1;
      EXPECT_EQ(snd_dmaengine_pcm_pointer(&p.ss), c.frames) << dma_status_name(c.st) << " residue " << c.residue;
      const bool in_range = (c.st == DMA_IN_PROGRESS || c.st == DMA_PAUSED);
      EXPECT_EQ(p.rt.delay, in_range ? 16 : -1) << "delay = frames of in_flight_bytes";
    }
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

// The PCM's capabilities from the channel's (dmaengine_pcm_refine_runtime_
// hwparams): PAUSE | RESUME only with both cmd_pause and cmd_resume; BATCH
// when residue granularity is at most SEGMENT. Close terminates a paused
// transfer first, then synchronizes.
TEST(PcmDmaengineContract, RefineFromCapsAndCloseOfAPausedStream) {
  Rig rig;
  rig.run([&] {
    using namespace sound;
    const dma_residue_granularity grans[] = {DMA_RESIDUE_GRANULARITY_DESCRIPTOR, DMA_RESIDUE_GRANULARITY_SEGMENT,
                                             DMA_RESIDUE_GRANULARITY_BURST};
    for (auto gran : grans) {
      RecChannel rc(true, gran);
      PcmSub p(&rc.chan);
      ASSERT_EQ(snd_dmaengine_pcm_refine_runtime_hwparams(&p.ss, &rc.chan), 0);
      EXPECT_EQ(p.rt.info & (SNDRV_PCM_INFO_PAUSE | SNDRV_PCM_INFO_RESUME),
                SNDRV_PCM_INFO_PAUSE | SNDRV_PCM_INFO_RESUME);
      EXPECT_EQ(bool(p.rt.info & SNDRV_PCM_INFO_BATCH), gran <= DMA_RESIDUE_GRANULARITY_SEGMENT) << int(gran);
    }
    {
      RecChannel rc;
      rc.dev.device_resume = nullptr;
      PcmSub p(&rc.chan);
      ASSERT_EQ(snd_dmaengine_pcm_refine_runtime_hwparams(&p.ss, &rc.chan), 0);
      EXPECT_EQ(p.rt.info & (SNDRV_PCM_INFO_PAUSE | SNDRV_PCM_INFO_RESUME), 0u) << "pause without resume";
    }
    for (dma_status st : {DMA_PAUSED, DMA_IN_PROGRESS}) {
      RecChannel rc;
      auto* p = new PcmSub(&rc.chan);
      g.status = st;
      g.order.clear();
      auto* prtd = substream_to_prtd(&p->ss);
      ASSERT_EQ(snd_dmaengine_pcm_close(&p->ss), 0);
      (void)prtd;  // freed by close
      p->rt.private_data = nullptr;
      const std::vector<std::string> want =
          st == DMA_PAUSED ? std::vector<std::string>{"terminate", "synchronize"} : std::vector<std::string>{"synchronize"};
      EXPECT_EQ(g.order, want) << dma_status_name(st);
      // ~PcmSub deletes a null prtd: harmless.
      delete p;
    }
  }, sc_time(10, SC_MS));
  rig.check_clean();
}

}  // namespace test_api_contracts
