// A wait that can never end, seen through dmaengine: dmaengine_synchronize()
// from inside the channel's own completion callback. virt-dma runs the
// callback from the channel's tasklet, and vchan_synchronize() is
// tasklet_kill() on that same tasklet (in Linux 6.1 a wait_var_event on
// TASKLET_STATE_RUN): might_sleep() splats, then the wait can never end. The
// kernel model must report it as a fatal DEADLOCK at once, not spin.
#include <chrono>

#include "../dmaengine/rig.h"

using namespace dt;

namespace {

bool callback_returned = false;

void sync_from_own_callback(void* param) {
  KFUNC("client_dma_done");
  dmaengine_synchronize(static_cast<dma_chan*>(param));
  callback_returned = true;
}

// The init thread's body. It never returns (the run stops on the deadlock
// while it sleeps), so the provider it probed is never removed:
// cmake/sanitizers/lsan.supp names this function (keep the name).
void synchronize_from_callback_body_never_returns(Rig& rig) {
  ASSERT_NE(rig.probe(), nullptr);
  dma_chan* chan = request_memcpy_chan();
  ASSERT_NE(chan, nullptr);
  const uint64_t src = kRamBase + 0x10000, dst = kRamBase + 0x30000;
  fill(rig.cpu(), src, 4096, 1);
  dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, dst, src, 4096, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
  ASSERT_NE(tx, nullptr);
  tx->callback = sync_from_own_callback;
  tx->callback_param = chan;
  dmaengine_submit(tx);
  dma_async_issue_pending(chan);
  msleep(50);  // the deadlock stops the run before this returns
}

}  // namespace

TEST(DmaengineSynchronize, FromTheChannelsOwnCallbackIsAFatalDeadlock) {
  Rig rig;
  const auto t0 = std::chrono::steady_clock::now();
  rig.run([&] { synchronize_from_callback_body_never_returns(rig); }, sc_time(1, SC_SEC));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(wall, 10.0) << "the endless wait was not stopped";
  EXPECT_LT(sc_time_stamp(), sc_time(50, SC_MS));
  EXPECT_FALSE(rig.finished);
  EXPECT_FALSE(callback_returned);
  Kernel& k = rig.sys.kernel;
  auto& ld = k.lockdep();
  ASSERT_TRUE(k.fatal()) << ld.dump();
  EXPECT_GE(ld.count("V-SLEEP-1", "client_dma_done > dmaengine_synchronize"), 1u) << ld.dump();
  const LockReport* d = nullptr;
  for (const auto& r : ld.reports())
    if (r.rule == "DEADLOCK" && !d) d = &r;
  ASSERT_NE(d, nullptr) << ld.dump();
  EXPECT_NE(d->message.find("tasklet_unlock_wait() waits for tasklet"), std::string::npos) << d->message;
  ASSERT_EQ(d->contexts.size(), 2u);
  EXPECT_EQ(d->contexts[0].rfind("softirq:tasklet ", 0), 0u) << d->contexts[0];
  EXPECT_NE(d->contexts[0].find("client_dma_done > dmaengine_synchronize"), std::string::npos) << d->contexts[0];
  EXPECT_NE(d->contexts[0].find("(the waiter itself)"), std::string::npos) << d->contexts[0];
  EXPECT_NE(d->contexts[1].find("client_dma_done > dmaengine_synchronize > dmac_synchronize"), std::string::npos)
      << d->contexts[1];
  for (auto r : {"V-SLEEP-1", "DEADLOCK"}) ld.expect(r);
  EXPECT_TRUE(ld.unexpected().empty()) << ld.dump();
}
