// dmaengine misuse not covered by DmaengineApi.MisuseGetsErrorsAndCookiesWrap
// (docs/bad-input.md): dmaengine_synchronize()/dmaengine_terminate_sync() may
// sleep, so calling them in atomic context (spinlock held, IRQs off) is the
// kernel's "sleeping function called from invalid context" (V-SLEEP-1), reported
// with the call chain and the held lock; the call itself still completes.
#include <algorithm>

#include "rig.h"

using namespace dt;

// Named after the file: the program compiles several test files as one
// translation unit (cmake/dmacosim.cmake, dmacosim_unity).
namespace test_bad_input {

namespace {

spinlock_t client_lock;

void expect_sleep_report(Rig& rig, const std::string& func) {
  auto& ld = rig.sys.kernel.lockdep();
  ASSERT_GE(ld.count("V-SLEEP-1"), 1u) << "no V-SLEEP-1 after " << func << "\n" << ld.dump();
  const LockReport* r = nullptr;
  for (const auto& x : ld.reports())
    if (x.rule == "V-SLEEP-1" && !r) r = &x;
  EXPECT_EQ(r->headline, "BUG: sleeping function called from invalid context");
  bool named = false;
  for (const auto& c : r->contexts) named |= c.find(func) != std::string::npos;
  EXPECT_TRUE(named) << "report does not name " << func << "\n" << r->message;
  EXPECT_NE(std::find(r->locks.begin(), r->locks.end(), "client_lock"), r->locks.end())
      << "report does not name the held lock\n" << r->message;
  ld.expect("V-SLEEP-1");
  rig.check_clean();  // finished, no deadlock, nothing else reported
}

TEST(DmaengineBadInput, SynchronizeInAtomicContextIsReported) {
  Rig rig;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    spin_lock_init(&client_lock, "client_lock");
    unsigned long flags;
    spin_lock_irqsave(&client_lock, flags);
    KFUNC("client_stop");
    dmaengine_synchronize(chan);
    spin_unlock_irqrestore(&client_lock, flags);
    dma_release_channel(chan);
  }, sc_time(50, SC_MS));
  expect_sleep_report(rig, "client_stop");
}

TEST(DmaengineBadInput, TerminateSyncInAtomicContextIsReported) {
  Rig rig;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    spin_lock_init(&client_lock, "client_lock");
    spin_lock(&client_lock);
    KFUNC("client_teardown");
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    spin_unlock(&client_lock);
    dma_release_channel(chan);
  }, sc_time(50, SC_MS));
  expect_sleep_report(rig, "client_teardown");
}

}  // namespace

}  // namespace test_bad_input
