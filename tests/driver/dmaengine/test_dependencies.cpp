// async_tx dependencies (docs/linux-fidelity.md, "async_tx dependencies"):
// async_tx_submit() with a depend_tx, dma_run_dependencies() from the dmac's
// completion tasklet, the DMA_INTERRUPT channel switch, a parent that is
// already complete, a parent that fails, a terminated parent channel, and
// validator silence on both lock policies. Every copy is verified: each
// dependent copies its parent's destination onward, over junk, so a
// dependent that ran early copies junk. Each TEST boots its own System.
#include <map>

#include "driver/dmaengine/async_tx.h"
#include "models/log.h"
#include "rig.h"

using namespace dt;

// Named after the file: the program compiles several test files as one
// translation unit (cmake/dmacosim.cmake, dmacosim_unity).
namespace test_dependencies {

namespace {

constexpr uint64_t kBuf0 = kRamBase + 0x100000;  // region i at kBuf0 + i * kStride
constexpr uint64_t kStride = 0x80000;
uint64_t region(unsigned i) { return kBuf0 + i * kStride; }

// What happened to one descriptor: its submit (recorded by wrapping
// tx_submit: when, from which context, the cookie it got) and its callback.
struct Rec {
  bool submitted = false;
  sc_time submit_at;
  std::string submit_chain;
  bool submit_in_softirq = false;
  dma_cookie_t cookie = 0;
  dma_cookie_t (*orig_submit)(dma_async_tx_descriptor*) = nullptr;
  std::function<void()> at_submit;  // runs just before the real submit
  int cb_calls = 0;
  sc_time cb_at;
  dmaengine_result res;
  completion done;
  Rec() { init_completion(&done); }
};

std::map<dma_async_tx_descriptor*, Rec*>& recs() {
  static std::map<dma_async_tx_descriptor*, Rec*> m;
  return m;
}

dma_cookie_t recording_submit(dma_async_tx_descriptor* tx) {
  Rec* r = recs().at(tx);
  r->submitted = true;
  r->submit_at = sc_time_stamp();
  r->submit_chain = this_kernel().current_chain();
  r->submit_in_softirq = in_serving_softirq();
  if (r->at_submit) r->at_submit();
  r->cookie = r->orig_submit(tx);
  return r->cookie;
}

void rec_cb(void* p) {
  auto* r = static_cast<Rec*>(p);
  r->cb_calls++;
  r->cb_at = sc_time_stamp();
  complete(&r->done);
}
void rec_cb_result(void* p, const dmaengine_result* res) {
  static_cast<Rec*>(p)->res = *res;
  rec_cb(p);
}

// A memcpy descriptor as async_tx prepares one (no DMA_CTRL_ACK: async_tx
// acks), its submit recorded in `r`.
dma_async_tx_descriptor* prep(dma_chan* chan, uint64_t dst, uint64_t src, size_t len, Rec* r) {
  dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT);
  if (!tx) return nullptr;
  r->orig_submit = tx->tx_submit;
  tx->tx_submit = recording_submit;
  recs()[tx] = r;
  return tx;
}

// async_tx_submit(chan, tx) after depend_tx, callback rec_cb(r).
void submit_after(dma_chan* chan, dma_async_tx_descriptor* tx, dma_async_tx_descriptor* depend_tx, Rec* r,
                  async_tx_flags flags = async_tx_flags(0)) {
  async_submit_ctl submit;
  init_async_submit(&submit, flags, depend_tx, rec_cb, r, nullptr);
  async_tx_submit(chan, tx, &submit);
}

bool wait(Rec& r, unsigned ms = 50) { return wait_for_completion_timeout(&r.done, msecs_to_jiffies(ms)) != 0; }

bool same(Rig& rig, uint64_t a, uint64_t b, size_t len) { return read(rig.cpu(), a, len) == read(rig.cpu(), b, len); }

struct Chans {
  dma_chan* a = nullptr;
  dma_chan* b = nullptr;
};
Chans request_two() {
  Chans c;
  c.a = request_memcpy_chan();
  c.b = request_memcpy_chan();
  return c;
}
void release(Chans& c) {
  dma_release_channel(c.a);
  dma_release_channel(c.b);
}

// ---------------------------------------------------------------- memcpy on A, dependent memcpy on B

struct PairResult {
  Rec r1, r2;
  dma_status parent_status_at_dependent_submit = DMA_IN_PROGRESS;
  bool dependent_waited = false;  // not submitted when async_tx_submit() returned
  bool data_ok = false;
  dma_cookie_t a_cookies = 0, b_cookies = 0;  // cookies assigned on A / B by the pair
};

void run_pair(Rig& rig, DmacLockPolicy policy, PairResult* pr) {
  rig.run([&] {
    ASSERT_NE(rig.probe(policy), nullptr);
    Chans c = request_two();
    ASSERT_NE(c.a, nullptr);
    ASSERT_NE(c.b, nullptr);
    const size_t len = 64 * 1024;  // long enough that B would overtake a parent it did not wait for
    fill(rig.cpu(), region(0), len, 1);
    fill(rig.cpu(), region(1), len, 2);  // junk the dependent would copy if it ran early
    fill(rig.cpu(), region(2), len, 3);
    const dma_cookie_t a0 = c.a->cookie, b0 = c.b->cookie;
    dma_async_tx_descriptor* tx1 = prep(c.a, region(1), region(0), len, &pr->r1);
    dma_async_tx_descriptor* tx2 = prep(c.b, region(2), region(1), len, &pr->r2);
    ASSERT_NE(tx1, nullptr);
    ASSERT_NE(tx2, nullptr);
    submit_after(c.a, tx1, nullptr, &pr->r1);
    const dma_cookie_t c1 = pr->r1.cookie;
    pr->r2.at_submit = [&pr, &c, c1] {
      pr->parent_status_at_dependent_submit = dma_async_is_tx_complete(c.a, c1, nullptr, nullptr);
    };
    submit_after(c.b, tx2, tx1, &pr->r2, ASYNC_TX_ACK);
    pr->dependent_waited = !pr->r2.submitted;
    ASSERT_TRUE(wait(pr->r2)) << "the dependent never completed";
    pr->data_ok = same(rig, region(2), region(0), len);
    pr->a_cookies = c.a->cookie - a0;
    pr->b_cookies = c.b->cookie - b0;
    release(c);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  recs().clear();
}

void expect_order(const PairResult& pr) {
  EXPECT_TRUE(pr.dependent_waited) << "a dependent on another channel is not submitted by async_tx_submit()";
  EXPECT_EQ(pr.r1.cb_calls, 1);
  EXPECT_EQ(pr.r2.cb_calls, 1);
  EXPECT_TRUE(pr.r2.submitted);
  EXPECT_GE(pr.r2.submit_at, pr.r1.cb_at) << "dependent submitted before the parent's completion";
  EXPECT_EQ(pr.parent_status_at_dependent_submit, DMA_COMPLETE);
  EXPECT_TRUE(pr.data_ok) << "B's copy does not hold A's source: it ran before A finished";
  // The channel switch: tx1 and the interrupt descriptor on A, tx2 on B.
  EXPECT_EQ(pr.a_cookies, 2);
  EXPECT_EQ(pr.b_cookies, 1);
}

TEST(DependencyOrder, DependentStartsAfterParentCompleted) {
  Rig rig;
  PairResult pr;
  run_pair(rig, DmacLockPolicy::VirtDma, &pr);
  expect_order(pr);
}

TEST(DependencyOrder, DependentStartsAfterParentCompleted_LegacyBh) {
  Rig rig;
  PairResult pr;
  run_pair(rig, DmacLockPolicy::LegacyBh, &pr);
  expect_order(pr);
}

void expect_tasklet_submit(const PairResult& pr) {
  EXPECT_TRUE(pr.r2.submit_in_softirq) << pr.r2.submit_chain;
  EXPECT_EQ(pr.r2.submit_chain.rfind("softirq:tasklet dmac_tasklet", 0), 0u) << pr.r2.submit_chain;
  EXPECT_NE(pr.r2.submit_chain.find("dma_run_dependencies"), std::string::npos) << pr.r2.submit_chain;
  // The parent itself was submitted by the client, in process context.
  EXPECT_FALSE(pr.r1.submit_in_softirq) << pr.r1.submit_chain;
}

TEST(DependencyContext, DependentSubmittedFromCompletionTasklet) {
  Rig rig;
  PairResult pr;
  run_pair(rig, DmacLockPolicy::VirtDma, &pr);
  expect_tasklet_submit(pr);
}

TEST(DependencyContext, DependentSubmittedFromCompletionTasklet_LegacyBh) {
  Rig rig;
  PairResult pr;
  run_pair(rig, DmacLockPolicy::LegacyBh, &pr);
  expect_tasklet_submit(pr);
}

// ---------------------------------------------------------------- chains

// tx1 on A; tx2, tx3, tx4 on B, each after the previous. tx2 waits for A
// (channel switch), so tx3 and tx4 are chained behind it (txd_chain) and
// dma_run_dependencies() submits all three in one pass, in order.
TEST(DependencyChain, SameChannelChainOfThreeSubmittedInOnePass) {
  Rig rig;
  Rec r[4];
  bool chained_waiting = false;
  bool data_ok = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    Chans c = request_two();
    ASSERT_NE(c.b, nullptr);
    const size_t len = 64 * 1024;  // A still busy while the chain is attached
    for (unsigned i = 0; i < 5; ++i) fill(rig.cpu(), region(i), len, 10 + i);
    dma_async_tx_descriptor* tx[4];
    tx[0] = prep(c.a, region(1), region(0), len, &r[0]);
    for (unsigned i = 1; i < 4; ++i) tx[i] = prep(c.b, region(i + 1), region(i), len, &r[i]);
    for (auto* t : tx) ASSERT_NE(t, nullptr);
    submit_after(c.a, tx[0], nullptr, &r[0]);
    for (unsigned i = 1; i < 4; ++i) submit_after(c.b, tx[i], tx[i - 1], &r[i], i == 3 ? ASYNC_TX_ACK : async_tx_flags(0));
    chained_waiting = !r[1].submitted && !r[2].submitted && !r[3].submitted && tx[2]->parent == tx[1] &&
                      tx[3]->parent == tx[2] && tx[1]->next == tx[2] && tx[2]->next == tx[3];
    ASSERT_TRUE(wait(r[3]));
    data_ok = same(rig, region(4), region(0), len);
    release(c);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  recs().clear();
  EXPECT_TRUE(chained_waiting) << "tx3 and tx4 must wait chained behind tx2 (same channel, tx2 not submitted)";
  for (unsigned i = 1; i < 4; ++i) {
    EXPECT_TRUE(r[i].submit_in_softirq) << i;
    EXPECT_GE(r[i].submit_at, r[0].cb_at) << i;
    EXPECT_EQ(r[i].submit_at, r[1].submit_at) << "not submitted in the same pass: " << i;
    EXPECT_EQ(r[i].cb_calls, 1) << i;
  }
  EXPECT_EQ(r[2].cookie, r[1].cookie + 1);
  EXPECT_EQ(r[3].cookie, r[2].cookie + 1);
  EXPECT_TRUE(data_ok);
}

// A -> B -> A: tx3 depends on tx2, which itself still waits for A: the
// interrupt descriptor goes behind tx2 on B and tx3 runs when it completes.
TEST(DependencyChain, CrossChannelSwitchBackAndForth) {
  Rig rig;
  Rec r[3];
  dma_cookie_t a_cookies = 0, b_cookies = 0;
  bool data_ok = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    Chans c = request_two();
    ASSERT_NE(c.b, nullptr);
    const size_t len = 32 * 1024;
    for (unsigned i = 0; i < 4; ++i) fill(rig.cpu(), region(i), len, 20 + i);
    const dma_cookie_t a0 = c.a->cookie, b0 = c.b->cookie;
    dma_async_tx_descriptor* tx1 = prep(c.a, region(1), region(0), len, &r[0]);
    dma_async_tx_descriptor* tx2 = prep(c.b, region(2), region(1), len, &r[1]);
    dma_async_tx_descriptor* tx3 = prep(c.a, region(3), region(2), len, &r[2]);
    ASSERT_TRUE(tx1 && tx2 && tx3);
    submit_after(c.a, tx1, nullptr, &r[0]);
    submit_after(c.b, tx2, tx1, &r[1]);
    submit_after(c.a, tx3, tx2, &r[2], ASYNC_TX_ACK);
    ASSERT_TRUE(wait(r[2]));
    data_ok = same(rig, region(3), region(0), len);
    a_cookies = c.a->cookie - a0;
    b_cookies = c.b->cookie - b0;
    release(c);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  recs().clear();
  EXPECT_GE(r[1].submit_at, r[0].cb_at);
  EXPECT_GE(r[2].submit_at, r[1].cb_at);
  EXPECT_TRUE(r[1].submit_in_softirq);
  EXPECT_TRUE(r[2].submit_in_softirq);
  EXPECT_EQ(a_cookies, 3) << "tx1, the interrupt descriptor for tx2, tx3";
  EXPECT_EQ(b_cookies, 2) << "tx2, the interrupt descriptor for tx3";
  EXPECT_TRUE(data_ok);
}

// ---------------------------------------------------------------- parent already complete

// The parents complete before the dependents are attached. Not acked, they
// are still valid descriptors (the provider keeps them). Same channel: the
// dependent is submitted at once, from the caller; other channel: an
// interrupt descriptor is queued behind the finished parent and its
// completion submits the dependent.
TEST(DependencyParentComplete, SameChannelSubmitsAtOnceOtherChannelViaInterrupt) {
  Rig rig;
  Rec p1, p2, p3, same_ch, other_ch;
  dma_cookie_t parent_cookie_after = -1;
  bool direct = false, other_waited = false, data_same = false, data_other = false, quiesced = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    Chans c = request_two();
    ASSERT_NE(c.b, nullptr);
    const size_t len = 8 * 1024;
    for (unsigned i = 0; i < 6; ++i) fill(rig.cpu(), region(i), len, 30 + i);
    dma_async_tx_descriptor* t1 = prep(c.a, region(1), region(0), len, &p1);
    dma_async_tx_descriptor* t2 = prep(c.a, region(4), region(3), len, &p2);
    ASSERT_TRUE(t1 && t2);
    submit_after(c.a, t1, nullptr, &p1);
    submit_after(c.a, t2, nullptr, &p2);
    dma_async_issue_pending(c.a);
    ASSERT_TRUE(wait(p2));
    ASSERT_EQ(p1.cb_calls, 1);
    parent_cookie_after = t1->cookie;  // still a valid descriptor: not acked

    dma_async_tx_descriptor* d1 = prep(c.a, region(2), region(1), len, &same_ch);
    ASSERT_NE(d1, nullptr);
    submit_after(c.a, d1, t1, &same_ch, ASYNC_TX_ACK);
    direct = same_ch.submitted && !same_ch.submit_in_softirq;
    async_tx_issue_pending(d1);

    dma_async_tx_descriptor* d2 = prep(c.b, region(5), region(4), len, &other_ch);
    ASSERT_NE(d2, nullptr);
    submit_after(c.b, d2, t2, &other_ch, ASYNC_TX_ACK);
    other_waited = !other_ch.submitted;
    ASSERT_TRUE(wait(same_ch));
    ASSERT_TRUE(wait(other_ch));
    data_same = same(rig, region(2), region(0), len);
    data_other = same(rig, region(5), region(3), len);
    // Quiescing an already completed, not acked descriptor (its cookie is
    // 0): DMA_COMPLETE, as from Linux providers; acked and cleared, no panic.
    dma_async_tx_descriptor* t3 = prep(c.a, region(1), region(0), len, &p3);
    ASSERT_NE(t3, nullptr);
    submit_after(c.a, t3, nullptr, &p3);
    dma_async_issue_pending(c.a);
    ASSERT_TRUE(wait(p3));
    dma_async_tx_descriptor* done = t3;
    async_tx_quiesce(&done);
    quiesced = done == nullptr;
    release(c);
  }, sc_time(1, SC_SEC));
  rig.check_clean();  // an ASYNC-TX report from the quiesce would fail it
  recs().clear();
  EXPECT_TRUE(quiesced);
  EXPECT_EQ(parent_cookie_after, 0) << "the completed parent (dma_cookie_complete() zeroes its cookie)";
  EXPECT_TRUE(direct) << "same channel, parent submitted: async_tx_submit() submits the dependent itself";
  EXPECT_TRUE(other_waited);
  EXPECT_TRUE(other_ch.submit_in_softirq) << other_ch.submit_chain;
  EXPECT_TRUE(data_same);
  EXPECT_TRUE(data_other);
}

// ---------------------------------------------------------------- parent fails

// Linux providers run a descriptor's dependencies after its callback whatever
// its result (the result is not even looked at): a dependent linked to a
// failed descriptor is submitted, after the callback reported the error.
TEST(DependencyParentError, ProviderStillRunsDependenciesOfAFailedDescriptor) {
  Rig rig;
  Rec r1, r2;
  bool data_copied = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    Chans c = request_two();
    ASSERT_NE(c.b, nullptr);
    const size_t len = 4096;
    for (unsigned i = 0; i < 4; ++i) fill(rig.cpu(), region(i), len, 40 + i);
    rig.sys.hw.ram.inject_error_range(region(0) - kRamBase, region(0) - kRamBase + 8, tlm::TLM_GENERIC_ERROR_RESPONSE);
    dma_async_tx_descriptor* tx1 = prep(c.a, region(1), region(0), len, &r1);
    dma_async_tx_descriptor* tx2 = prep(c.b, region(3), region(2), len, &r2);
    ASSERT_TRUE(tx1 && tx2);
    tx1->callback_result = rec_cb_result;  // to see the result
    tx1->callback_param = &r1;
    tx2->callback = rec_cb;
    tx2->callback_param = &r2;
    async_tx_ack(tx1);
    async_tx_ack(tx2);
    txd_chain(tx1, tx2);  // the link async_tx's channel switch makes for an interrupt descriptor
    dmaengine_submit(tx1);
    dma_async_issue_pending(c.a);
    ASSERT_TRUE(wait(r2)) << "the dependent of the failed descriptor was not run";
    rig.sys.hw.ram.clear_error_injection();
    data_copied = same(rig, region(3), region(2), len);
    EXPECT_EQ(dmaengine_terminate_sync(c.a), 0);  // the error halted A
    release(c);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  recs().clear();
  EXPECT_EQ(r1.cb_calls, 1);
  EXPECT_EQ(r1.res.result, DMA_TRANS_READ_FAILED);
  EXPECT_TRUE(r2.submitted);
  EXPECT_GE(r2.submit_at, r1.cb_at) << "dependencies run after the callback";
  EXPECT_TRUE(r2.submit_in_softirq);
  EXPECT_TRUE(data_copied);
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, "transfer error, ERR_CODE 2"), 1u);  // the injected read error
}

// Through async_tx: the dependent on B waits for the interrupt descriptor
// queued behind the failed memcpy on A. This provider halts A on an error, so
// that descriptor never completes: the dependent is never submitted (Linux
// the same with any provider that stops a channel on error). The terminate
// of A then drops the interrupt descriptor, and with it the last chance:
// dmacosim reports DMA-DEP-LOST; a client waiting in async_tx_quiesce() gets
// Linux's submission timeout and panic (an ASYNC-TX report here).
TEST(DependencyParentError, DependentOnOtherChannelIsLostAndReported) {
  Rig rig;
  Rec r1, r2;
  bool waited_10ms = false, still_unsubmitted = false, dst_untouched = false;
  dma_cookie_t dep_cookie = 0;
  size_t lost_before_terminate = 99, lost_after = 0;
  std::string lost_headline;
  bool quiesce_left_it = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    Chans c = request_two();
    ASSERT_NE(c.b, nullptr);
    auto& ld = this_kernel().lockdep();
    ld.expect("DMA-DEP-LOST");
    ld.expect("ASYNC-TX");
    const size_t len = 4096;
    for (unsigned i = 0; i < 3; ++i) fill(rig.cpu(), region(i), len, 50 + i);
    const auto before = read(rig.cpu(), region(2), len);
    rig.sys.hw.ram.inject_error_range(region(0) - kRamBase, region(0) - kRamBase + 8, tlm::TLM_GENERIC_ERROR_RESPONSE);
    dma_async_tx_descriptor* tx1 = prep(c.a, region(1), region(0), len, &r1);
    dma_async_tx_descriptor* tx2 = prep(c.b, region(2), region(1), len, &r2);
    ASSERT_TRUE(tx1 && tx2);
    tx1->callback_result = rec_cb_result;
    submit_after(c.a, tx1, nullptr, &r1);
    submit_after(c.b, tx2, tx1, &r2);  // not acked: the client waits on it below
    ASSERT_TRUE(wait(r1));
    waited_10ms = !wait(r2, 10);
    rig.sys.hw.ram.clear_error_injection();
    auto count_lost = [&] {
      size_t n = 0;
      for (auto& rep : ld.reports())
        if (rep.rule == "DMA-DEP-LOST") ++n, lost_headline = rep.headline;
      return n;
    };
    lost_before_terminate = count_lost();
    EXPECT_EQ(dmaengine_terminate_sync(c.a), 0);
    lost_after = count_lost();
    msleep(5);
    still_unsubmitted = !r2.submitted;
    dep_cookie = tx2->cookie;
    dst_untouched = read(rig.cpu(), region(2), len) == before;
    rig.cpu().set_relax_cost(sc_time(100, SC_US));  // few polls over the 5 s
    dma_async_tx_descriptor* waiting = tx2;
    async_tx_quiesce(&waiting);
    rig.cpu().set_relax_cost(sc_time(10, SC_NS));
    quiesce_left_it = waiting == tx2;
    release(c);  // frees the never-submitted dependent (B's free_chan_resources)
  }, sc_time(8, SC_SEC));
  rig.check_clean();
  recs().clear();
  EXPECT_EQ(r1.res.result, DMA_TRANS_READ_FAILED);
  EXPECT_EQ(Log::instance().count(LogLevel::Warn, "transfer error, ERR_CODE 2"), 1u);  // the injected read error
  EXPECT_TRUE(waited_10ms);
  EXPECT_EQ(lost_before_terminate, 0u) << "nothing is lost while A is only halted";
  EXPECT_EQ(lost_after, 1u);
  EXPECT_NE(lost_headline.find("dma0chan0"), std::string::npos) << lost_headline;
  EXPECT_NE(lost_headline.find("dependent on dma0chan1"), std::string::npos) << lost_headline;
  EXPECT_TRUE(still_unsubmitted);
  EXPECT_EQ(dep_cookie, -EBUSY);
  EXPECT_TRUE(dst_untouched);
  EXPECT_TRUE(quiesce_left_it);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "dma_wait_for_async_tx timeout waiting for descriptor submission"),
            1u);
  size_t panics = 0;
  for (auto& rep : rig.sys.kernel.lockdep().reports())
    if (rep.rule == "ASYNC-TX" && rep.headline.find("async_tx_quiesce: DMA error") != std::string::npos) ++panics;
  EXPECT_EQ(panics, 1u);
}

// ---------------------------------------------------------------- terminate of the parent's channel

// The parent is running when its channel is terminated: no callback for it,
// the interrupt descriptor behind it is dropped, the dependent on B is never
// submitted (Linux: dma_run_dependencies() only runs on completion) --
// reported once as DMA-DEP-LOST.
TEST(DependencyTerminate, TerminatingParentChannelLosesDependentAndReportsIt) {
  Rig rig;
  Rec r1, r2;
  bool running = false;
  size_t lost = 0;
  dma_cookie_t dep_cookie = 0;
  bool dst_untouched = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    Chans c = request_two();
    ASSERT_NE(c.b, nullptr);
    auto& ld = this_kernel().lockdep();
    ld.expect("DMA-DEP-LOST");
    const size_t len = 256 * 1024;
    fill(rig.cpu(), region(0), len, 60);
    fill(rig.cpu(), region(1), len, 61);
    fill(rig.cpu(), region(2), 4096, 62);
    const auto before = read(rig.cpu(), region(2), 4096);
    dma_async_tx_descriptor* tx1 = prep(c.a, region(1), region(0), len, &r1);
    dma_async_tx_descriptor* tx2 = prep(c.b, region(2), region(1), 4096, &r2);
    ASSERT_TRUE(tx1 && tx2);
    submit_after(c.a, tx1, nullptr, &r1);
    submit_after(c.b, tx2, tx1, &r2, ASYNC_TX_ACK);
    usleep_range(20, 30);
    running = dmaengine_tx_status(c.a, r1.cookie, nullptr) == DMA_IN_PROGRESS;
    EXPECT_EQ(dmaengine_terminate_sync(c.a), 0);
    msleep(5);
    for (auto& rep : ld.reports())
      if (rep.rule == "DMA-DEP-LOST") ++lost;
    dep_cookie = tx2->cookie;
    dst_untouched = read(rig.cpu(), region(2), 4096) == before;
    release(c);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  recs().clear();
  EXPECT_TRUE(running) << "terminate must hit the parent while it runs";
  EXPECT_EQ(r1.cb_calls, 0);
  EXPECT_FALSE(r2.submitted);
  EXPECT_EQ(r2.cb_calls, 0);
  EXPECT_EQ(dep_cookie, -EBUSY);
  EXPECT_TRUE(dst_untouched);
  EXPECT_EQ(lost, 1u);
}

// ---------------------------------------------------------------- validator

// Every clean flow in one run -- channel switch both ways, a chain behind a
// waiting descriptor, a finished parent -- and not a single validator report
// (not even an expected one): txd_lock and the channel locks never nest, and
// dependencies are submitted with the channel lock dropped.
void all_clean_flows(DmacLockPolicy policy) {
  Rig rig;
  Rec r[7];
  bool data_ok = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(policy), nullptr);
    Chans c = request_two();
    ASSERT_NE(c.b, nullptr);
    const size_t len = 8 * 1024;
    for (unsigned i = 0; i < 8; ++i) fill(rig.cpu(), region(i), len, 70 + i);
    dma_async_tx_descriptor* tx[5];
    tx[0] = prep(c.a, region(1), region(0), len, &r[0]);
    tx[1] = prep(c.b, region(2), region(1), len, &r[1]);
    tx[2] = prep(c.b, region(3), region(2), len, &r[2]);
    tx[3] = prep(c.a, region(4), region(3), len, &r[3]);
    tx[4] = prep(c.a, region(5), region(4), len, &r[4]);
    for (auto* t : tx) ASSERT_NE(t, nullptr);
    submit_after(c.a, tx[0], nullptr, &r[0]);
    for (unsigned i = 1; i < 5; ++i) submit_after(tx[i]->chan, tx[i], tx[i - 1], &r[i]);
    ASSERT_TRUE(wait(r[4]));
    // tx[4] is complete and not acked: attach one more on B to it.
    dma_async_tx_descriptor* last = prep(c.b, region(6), region(5), len, &r[5]);
    ASSERT_NE(last, nullptr);
    submit_after(c.b, last, tx[4], &r[5], ASYNC_TX_ACK);
    ASSERT_TRUE(wait(r[5]));
    data_ok = same(rig, region(6), region(0), len);
    release(c);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  recs().clear();
  EXPECT_TRUE(data_ok);
  EXPECT_TRUE(rig.sys.kernel.lockdep().reports().empty()) << rig.sys.kernel.lockdep().dump();
}

TEST(DependencyValidator, SilentOnCleanFlows_VirtDma) { all_clean_flows(DmacLockPolicy::VirtDma); }
TEST(DependencyValidator, SilentOnCleanFlows_LegacyBh) { all_clean_flows(DmacLockPolicy::LegacyBh); }

}  // namespace

}  // namespace test_dependencies
