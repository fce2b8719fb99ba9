// The validator rules added with the locking selftest: L-UNLOCK for every
// lock type, L-FREED (held lock freed / re-initialised), L-ASSERT
// (lockdep_assert_held*), rw_semaphore's lockdep and sleeping semantics,
// queued-rwlock read recursion, and the selftest mode of the raw locks.
// Each rule has a test that fires it and one that must stay silent.
#include "harness.h"

#include "driver/kernel/local_lock.h"
#include "driver/kernel/rwsem.h"
#include "driver/kernel/slab.h"

using namespace kt;

namespace {

std::vector<const LockReport*> of_rule(const std::string& rule) {
  std::vector<const LockReport*> v;
  for (const auto& r : this_kernel().lockdep().reports())
    if (r.rule == rule) v.push_back(&r);
  return v;
}

bool names(const std::vector<const LockReport*>& v, const std::string& lock) {
  for (const auto* r : v)
    if (!r->locks.empty() && r->locks[0] == lock) return true;
  return false;
}

}  // namespace

// ---------------------------------------------------------------- L-UNLOCK

// Releasing a lock the task does not hold, for every lock type.
// (One report per lock and place: each unlock gets its own lock.)
TEST(LockdepRules, UnlockBalanceFiresForEveryLockType) {
  platform();
  static spinlock_t s;
  static rwlock_t rw, ww;
  static mutex m;
  static rw_semaphore sem, wsem;
  static local_lock_t ll;
  spin_lock_init(&s, "spin");
  rwlock_init(&rw, "rwlock");
  rwlock_init(&ww, "wlock");
  mutex_init(&m, "mutex");
  init_rwsem(&sem, "rsem");
  init_rwsem(&wsem, "wsem");
  local_lock_init(&ll, "local");
  kthread_run([] {
    auto& ld = this_kernel().lockdep();
    ld.set_selftest(true);  // the raw counters underflow on purpose: lockdep's verdict only
    spin_unlock(&s);
    read_unlock(&rw);
    write_unlock(&ww);
    mutex_unlock(&m);
    up_read(&sem);
    up_write(&wsem);
    local_unlock(&ll);
    ld.set_selftest(false);
    this_kernel().current()->preempt_count = 0;  // the unlocks above dropped counts never taken
  }, "app");
  sc_start(1, SC_MS);
  auto v = of_rule("L-UNLOCK");
  EXPECT_EQ(v.size(), 7u) << this_kernel().lockdep().dump();
  for (const char* n : {"spin", "rwlock", "wlock", "mutex", "rsem", "wsem", "local"}) EXPECT_TRUE(names(v, n)) << n;
  for (const auto* r : v) EXPECT_EQ(r->headline, "WARNING: bad unlock balance detected!");
  this_kernel().lockdep().expect("L-UNLOCK");
  expect_no_unexpected_reports();
}

TEST(LockdepRules, BalancedUnlockOfEveryLockTypeIsSilent) {
  platform();
  static spinlock_t s;
  static rwlock_t rw;
  static mutex m;
  static rw_semaphore sem;
  static local_lock_t ll;
  spin_lock_init(&s, "spin");
  rwlock_init(&rw, "rwlock");
  mutex_init(&m, "mutex");
  init_rwsem(&sem, "rwsem");
  local_lock_init(&ll, "local");
  static bool done = false;
  kthread_run([] {
    spin_lock(&s); spin_unlock(&s);
    read_lock(&rw); read_unlock(&rw);
    write_lock(&rw); write_unlock(&rw);
    mutex_lock(&m); mutex_unlock(&m);
    down_read(&sem); up_read(&sem);
    down_write(&sem); up_write(&sem);
    down_write(&sem); downgrade_write(&sem); up_read(&sem);
    local_lock(&ll); local_unlock(&ll);
    unsigned long f;
    local_lock_irqsave(&ll, f); local_unlock_irqrestore(&ll, f);
    done = true;
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_TRUE(done);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// A mutex held by one task and released by another: lockdep looks in the
// releasing task's held locks only, so this is a bad unlock balance too.
TEST(LockdepRules, UnlockOfALockHeldByAnotherTaskFires) {
  platform();
  static mutex m;
  mutex_init(&m, "&dev->lock");
  kthread_run([] {
    mutex_lock(&m);
    msleep(2);
    // The owner is gone as far as the mutex knows; lockdep still lists it.
    this_kernel().lockdep().set_selftest(true);
    mutex_unlock(&m);
    this_kernel().lockdep().set_selftest(false);
  }, "owner");
  kthread_run([] {
    msleep(1);
    this_kernel().lockdep().set_selftest(true);  // mutex's own owner WARN is not the point here
    mutex_unlock(&m);
    this_kernel().lockdep().set_selftest(false);
  }, "thief");
  sc_start(5, SC_MS);
  auto v = of_rule("L-UNLOCK");
  ASSERT_EQ(v.size(), 1u) << this_kernel().lockdep().dump();
  EXPECT_EQ(v[0]->locks, std::vector<std::string>{"&dev->lock"});
  EXPECT_NE(v[0]->contexts[0].find("thief"), std::string::npos) << v[0]->contexts[0];
  this_kernel().lockdep().expect("L-UNLOCK");
  expect_no_unexpected_reports();
}

TEST(LockdepRules, UnlockByTheOwningTaskIsSilent) {
  platform();
  static mutex m;
  mutex_init(&m, "&dev->lock");
  kthread_run([] {
    mutex_lock(&m);
    msleep(2);
    mutex_unlock(&m);
  }, "owner");
  kthread_run([] {
    msleep(1);
    mutex_lock(&m);  // sleeps until the owner releases it
    mutex_unlock(&m);
  }, "waiter");
  sc_start(5, SC_MS);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
  EXPECT_FALSE(this_kernel().fatal());
}

// ---------------------------------------------------------------- L-FREED

// A driver's private struct in kmalloc'ed memory. Only a spinlock: its names
// are short, so the model's C++ lock owns no heap memory that kfree() (which
// runs no destructor, as in C) would leak.
struct dev_state {
  int pad[3];
  spinlock_t lock;
};

TEST(LockdepRules, KfreeOfAHeldLockFires) {
  platform();
  kthread_run([] {
    auto* d = static_cast<dev_state*>(kzalloc(sizeof(dev_state), 0));
    new (d) dev_state();
    spin_lock_init(&d->lock, "&d->lock");
    spin_lock(&d->lock);
    KFUNC("dev_release");
    kfree(d);  // freed with the lock held: a later unlock writes freed memory
    this_kernel().lockdep().reset();  // forget the held lock: its memory is gone
    this_kernel().current()->preempt_count = 0;
  }, "app");
  sc_start(1, SC_MS);
  auto v = of_rule("L-FREED");
  ASSERT_EQ(v.size(), 1u) << this_kernel().lockdep().dump();
  EXPECT_EQ(v[0]->headline, "WARNING: held lock freed!");
  EXPECT_EQ(v[0]->locks, std::vector<std::string>{"&d->lock"});
  EXPECT_EQ(v[0]->contexts[1], "process:app > dev_release");
  this_kernel().lockdep().expect("L-FREED");
  expect_no_unexpected_reports();
}

TEST(LockdepRules, KfreeAfterUnlockIsSilent) {
  platform();
  kthread_run([] {
    auto* d = static_cast<dev_state*>(kzalloc(sizeof(dev_state), 0));
    new (d) dev_state();
    spin_lock_init(&d->lock, "&d->lock");
    static spinlock_t other;
    spin_lock_init(&other, "other");
    spin_lock(&d->lock);
    spin_unlock(&d->lock);
    spin_lock(&other);  // a held lock outside the freed object does not matter
    kfree(d);
    spin_unlock(&other);
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// Re-initialising a held lock (the selftest's "initialize held") is the
// same report, for every lock type's init.
TEST(LockdepRules, InitOfAHeldLockFiresForEveryType) {
  platform();
  static spinlock_t s;
  static rwlock_t rw;
  static mutex m;
  static rw_semaphore sem;
  spin_lock_init(&s, "spin");
  rwlock_init(&rw, "rwlock");
  mutex_init(&m, "mutex");
  init_rwsem(&sem, "rwsem");
  kthread_run([] {
    mutex_lock(&m);  // the sleeping locks first: no spinlock held yet
    mutex_init(&m, "mutex");
    down_read(&sem);
    init_rwsem(&sem, "rwsem");
    spin_lock(&s);
    spin_lock_init(&s, "spin");
    read_lock(&rw);
    rwlock_init(&rw, "rwlock");
    this_kernel().lockdep().reset();
    this_kernel().current()->preempt_count = 0;
  }, "app");
  sc_start(1, SC_MS);
  auto v = of_rule("L-FREED");
  EXPECT_EQ(v.size(), 4u) << this_kernel().lockdep().dump();
  for (const char* n : {"spin", "rwlock", "mutex", "rwsem"}) EXPECT_TRUE(names(v, n)) << n;
  this_kernel().lockdep().expect("L-FREED");
  expect_no_unexpected_reports();
}

TEST(LockdepRules, InitOfAReleasedLockIsSilent) {
  platform();
  static spinlock_t s;
  static rw_semaphore sem;
  spin_lock_init(&s, "spin");
  init_rwsem(&sem, "rwsem");
  kthread_run([] {
    spin_lock(&s);
    spin_unlock(&s);
    spin_lock_init(&s, "spin");
    down_write(&sem);
    up_write(&sem);
    init_rwsem(&sem, "rwsem");
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- L-ASSERT

TEST(LockdepRules, AssertHeldFiresWhenNotHeldOrHeldInTheWrongMode) {
  platform();
  static spinlock_t s;
  static mutex m;
  static rw_semaphore sem;
  static rwlock_t rw;
  spin_lock_init(&s, "&vc->lock");
  mutex_init(&m, "&dev->mutex");
  init_rwsem(&sem, "&mm->mmap_lock");
  rwlock_init(&rw, "tasklist_lock");
  kthread_run([] {
    lockdep_assert_held(&s);
    lockdep_assert_held(&m);
    down_read(&sem);
    lockdep_assert_held_write(&sem);  // read-held
    up_read(&sem);
    down_write(&sem);
    lockdep_assert_held_read(&sem);  // write-held
    up_write(&sem);
    write_lock(&rw);
    lockdep_assert_held_read(&rw);
    write_unlock(&rw);
  }, "app");
  sc_start(1, SC_MS);
  auto v = of_rule("L-ASSERT");
  ASSERT_EQ(v.size(), 5u) << this_kernel().lockdep().dump();
  EXPECT_EQ(v[0]->locks, std::vector<std::string>{"&vc->lock"});
  EXPECT_EQ(v[0]->headline.rfind("WARNING: CPU: 0 PID: ", 0), 0u) << v[0]->headline;
  EXPECT_NE(v[0]->headline.find("test_lockdep_rules.cpp:"), std::string::npos) << v[0]->headline;
  EXPECT_NE(v[2]->message.find("lockdep_assert_held_write"), std::string::npos) << v[2]->message;
  this_kernel().lockdep().expect("L-ASSERT");
  expect_no_unexpected_reports();
}

TEST(LockdepRules, AssertHeldIsSilentWhenHeldSo) {
  platform();
  static spinlock_t s;
  static mutex m;
  static rw_semaphore sem;
  spin_lock_init(&s, "&vc->lock");
  mutex_init(&m, "&dev->mutex");
  init_rwsem(&sem, "&mm->mmap_lock");
  kthread_run([] {
    unsigned long f;
    spin_lock_irqsave(&s, f);
    lockdep_assert_held(&s);
    spin_unlock_irqrestore(&s, f);
    mutex_lock(&m);
    lockdep_assert_held(&m);
    mutex_unlock(&m);
    down_read(&sem);
    lockdep_assert_held(&sem);
    lockdep_assert_held_read(&sem);
    up_read(&sem);
    down_write(&sem);
    lockdep_assert_held_write(&sem);
    up_write(&sem);
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// The interrupted context's locks count: an irq handler stacked on the
// holder runs on the same task, as in the kernel.
TEST(LockdepRules, AssertHeldSeesTheInterruptedContextsLocks) {
  Platform& p = platform();
  static spinlock_t s;
  spin_lock_init(&s, "&vc->lock");
  request_irq(7, [](int, void*) {
    lockdep_assert_held(&s);  // held by the interrupted process context
    return IRQ_HANDLED;
  }, 0, "irq7", nullptr);
  kthread_run([] {
    spin_lock(&s);
    udelay(3);  // the irq at 1 us runs on top of the holder
    spin_unlock(&s);
  }, "app");
  p.src.at(sc_time(1, SC_US), 7);
  sc_start(1, SC_MS);
  EXPECT_EQ(this_kernel().irq_count(7), 1u);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- rw_semaphore

// down_read() is not a recursive read: a second reader of a held class waits
// behind a queued writer. Reported as recursive locking.
TEST(LockdepRules, RwsemReadRecursionFires) {
  platform();
  static rw_semaphore a;
  init_rwsem(&a, "&sb->s_umount");
  kthread_run([] {
    down_read(&a);
    down_read(&a);  // raw: readers share, no sleep
    up_read(&a);
    up_read(&a);
  }, "app");
  sc_start(1, SC_MS);
  auto v = of_rule("L-5");
  ASSERT_EQ(v.size(), 1u) << this_kernel().lockdep().dump();
  EXPECT_EQ(v[0]->headline, "WARNING: possible recursive locking detected");
  this_kernel().lockdep().expect("L-5");
  expect_no_unexpected_reports();
}

TEST(LockdepRules, RwsemNestedReadAndContentionAreSilent) {
  platform();
  static rw_semaphore a, b;
  init_rwsem(&a, "&sb->s_umount");
  init_rwsem(&b, "&sb->s_umount");
  static std::vector<std::string> order;
  kthread_run([] {
    down_read(&a);
    down_read_nested(&b, 1);  // another instance, annotated
    up_read(&b);
    up_read(&a);
    down_write(&a);
    order.push_back("writer in");
    msleep(2);
    order.push_back("writer out");
    up_write(&a);
  }, "writer");
  kthread_run([] {
    msleep(1);
    down_read(&a);  // sleeps until the writer leaves
    order.push_back("reader in");
    up_read(&a);
  }, "reader");
  sc_start(5, SC_MS);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
  EXPECT_EQ(order, (std::vector<std::string>{"writer in", "writer out", "reader in"}));
  EXPECT_FALSE(rwsem_is_locked(&a));
}

// down_read() sleeps: under a spinlock it is "sleeping function called
// from invalid context".
TEST(LockdepRules, RwsemUnderSpinlockIsASleepInAtomic) {
  platform();
  static rw_semaphore a;
  static spinlock_t s;
  init_rwsem(&a, "&sem");
  spin_lock_init(&s, "&lock");
  kthread_run([] {
    spin_lock(&s);
    down_read(&a);
    up_read(&a);
    spin_unlock(&s);
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_EQ(of_rule("V-SLEEP-1").size(), 1u) << this_kernel().lockdep().dump();
  this_kernel().lockdep().expect("V-SLEEP-1");
  expect_no_unexpected_reports();
}

// ---------------------------------------------------------------- queued rwlocks

// With queued rwlocks (Linux 6.1 amd64/arm64) a process-context reader is
// not recursive: read_lock() twice can deadlock behind a waiting writer.
TEST(LockdepRules, QueuedRwlockReadRecursionInProcessContextFires) {
  platform();
  static rwlock_t rw;
  rwlock_init(&rw, "&ep->lock");
  kthread_run([] {
    read_lock(&rw);
    read_lock(&rw);
    read_unlock(&rw);
    read_unlock(&rw);
  }, "app");
  sc_start(1, SC_MS);
  ASSERT_EQ(of_rule("L-5").size(), 1u) << this_kernel().lockdep().dump();
  this_kernel().lockdep().expect("L-5");
  expect_no_unexpected_reports();
}

// In interrupt context a reader is recursive (the queued rwlock lets an
// interrupt's reader in past a waiting writer), and without queued rwlocks
// it is recursive everywhere.
TEST(LockdepRules, RwlockReadRecursionInIrqOrWithoutQueuedRwlocksIsSilent) {
  Platform& p = platform();
  static rwlock_t rw, rw2;
  rwlock_init(&rw, "&ep->lock");
  rwlock_init(&rw2, "&other->lock");
  request_irq(7, [](int, void*) {
    read_lock(&rw);
    read_lock(&rw);
    read_unlock(&rw);
    read_unlock(&rw);
    return IRQ_HANDLED;
  }, 0, "irq7", nullptr);
  kthread_run([] {
    this_kernel().lockdep().queued_rwlocks = false;
    read_lock(&rw2);
    read_lock(&rw2);
    read_unlock(&rw2);
    read_unlock(&rw2);
    this_kernel().lockdep().queued_rwlocks = true;
  }, "app");
  p.src.at(sc_time(1, SC_US), 7);
  sc_start(1, SC_MS);
  EXPECT_EQ(this_kernel().irq_count(7), 1u);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// ---------------------------------------------------------------- selftest mode

// Outside the selftest a spin on a held lock is the model's DEADLOCK (fatal).
TEST(LockdepRules, SpinOnAHeldLockIsAFatalDeadlockInNormalRuns) {
  platform();
  static spinlock_t s;
  spin_lock_init(&s, "&lock");
  kthread_run([] {
    spin_lock(&s);
    spin_lock(&s);
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_TRUE(this_kernel().fatal());
  EXPECT_EQ(of_rule("L-5").size(), 1u) << this_kernel().lockdep().dump();
  this_kernel().lockdep().expect("L-5");
  this_kernel().lockdep().expect("DEADLOCK");
  expect_no_unexpected_reports();
}

// In selftest mode the same A-A gets lockdep's verdict and the run goes on
// (a UP debug spinlock does not spin).
TEST(LockdepRules, SelftestModeGivesOnlyLockdepsVerdict) {
  platform();
  static spinlock_t s;
  spin_lock_init(&s, "&lock");
  static bool returned = false;
  kthread_run([] {
    auto& ld = this_kernel().lockdep();
    ld.set_selftest(true);
    spin_lock(&s);
    spin_lock(&s);
    ld.set_selftest(false);
    ld.reset();
    this_kernel().current()->preempt_count = 0;
    returned = true;
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_TRUE(returned);
  EXPECT_FALSE(this_kernel().fatal());
  EXPECT_EQ(of_rule("L-5").size(), 1u) << this_kernel().lockdep().dump();
  EXPECT_TRUE(of_rule("DEADLOCK").empty());
  this_kernel().lockdep().expect("L-5");
  expect_no_unexpected_reports();
}

// lockdep_reset() forgets classes and dependencies: an order that closed a
// cycle before the reset is a fresh first order after it.
TEST(LockdepRules, ResetForgetsTheDependencyGraph) {
  platform();
  static spinlock_t a, b;
  spin_lock_init(&a, "A");
  spin_lock_init(&b, "B");
  kthread_run([] {
    spin_lock(&a); spin_lock(&b); spin_unlock(&b); spin_unlock(&a);
    this_kernel().lockdep().reset();
    spin_lock(&b); spin_lock(&a); spin_unlock(&a); spin_unlock(&b);  // silent: A -> B is forgotten
    spin_lock(&a); spin_lock(&b); spin_unlock(&b); spin_unlock(&a);  // L-4: B -> A is known
  }, "app");
  sc_start(1, SC_MS);
  EXPECT_EQ(of_rule("L-4").size(), 1u) << this_kernel().lockdep().dump();
  EXPECT_TRUE(this_kernel().lockdep().has_dependency("B", "A"));
  this_kernel().lockdep().expect("L-4");
  expect_no_unexpected_reports();
}
