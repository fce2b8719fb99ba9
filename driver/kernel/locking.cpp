// preempt_count, irq flags, bottom halves, spinlocks, rwlocks, mutexes.
#include <algorithm>

#include "bottom_half.h"
#include "irqflags.h"
#include "local_lock.h"
#include "models/log.h"
#include "mutex.h"
#include "panic.h"
#include "preempt.h"
#include "rwlock.h"
#include "sched.h"
#include "spinlock.h"
#include "trace_event.h"

namespace dmacosim::kernel {

// ---------------------------------------------------------------- preempt_count

unsigned preempt_count() {
  task_struct* t = this_kernel().current();
  return t ? t->preempt_count : 0;
}
void preempt_count_add(unsigned val) {
  this_kernel().current()->preempt_count += val;
  if (trace_events_on()) trace_cpu_flags();
}
void preempt_count_sub(unsigned val) {
  task_struct* t = this_kernel().current();
  // CONFIG_DEBUG_PREEMPT: DEBUG_LOCKS_WARN_ON(val > preempt_count()) leaves
  // the count as it is; silent in the locking selftest (debug_locks_silent).
  if (t->preempt_count < val) {
    if (!this_kernel().lockdep().selftest())
      log_error("kernel", strfmt("BUG: preempt_count underflow (%#x - %#x) in %s", t->preempt_count, val,
                                 this_kernel().current_chain().c_str()));
    return;
  }
  t->preempt_count -= val;
  if (trace_events_on()) trace_cpu_flags();
}

// ---------------------------------------------------------------- irq flags

bool irqs_disabled() { return this_kernel().cpu().local_irq_disabled(); }

void raw_local_irq_disable() {
  this_kernel().cpu().arch_local_irq_disable();
  if (trace_events_on()) trace_cpu_flags(1);
}
// Traced before: enabling is a preemption point (an interrupt may run inside).
void raw_local_irq_enable() {
  if (trace_events_on()) trace_cpu_flags(0);
  this_kernel().cpu().arch_local_irq_enable();
}
void raw_local_irq_save(unsigned long& flags) {
  flags = irqs_disabled() ? 1 : 0;
  raw_local_irq_disable();
}
void raw_local_irq_restore(unsigned long flags) {
  if (irqs_disabled_flags(flags))
    raw_local_irq_disable();
  else
    raw_local_irq_enable();
}

void local_irq_disable() { raw_local_irq_disable(); }
void local_irq_enable() {
  if (irqs_disabled()) this_kernel().lockdep().hardirqs_on();
  raw_local_irq_enable();
}
void local_irq_save(unsigned long& flags) { raw_local_irq_save(flags); }
void local_irq_restore(unsigned long flags) {
  if (!irqs_disabled_flags(flags) && irqs_disabled()) this_kernel().lockdep().hardirqs_on();
  raw_local_irq_restore(flags);
}

// ---------------------------------------------------------------- bottom halves

// Out of line, as in the kernel (exported from kernel/softirq.c): the WARN
// inside names this function, not its inlined caller.
__attribute__((noinline)) void __local_bh_disable_ip(unsigned cnt, const std::string& lock_name) {
  if (in_hardirq()) warn_local_bh(false, lock_name);
  preempt_count_add(cnt);
}

__attribute__((noinline)) void __local_bh_enable_ip(unsigned cnt, const std::string& lock_name) {
  if (in_hardirq() || irqs_disabled()) warn_local_bh(true, lock_name);
  if (softirq_count() == SOFTIRQ_DISABLE_OFFSET) this_kernel().lockdep().softirqs_on();
  preempt_count_sub(cnt - 1);
  // Faithful: pending softirqs run right here, and __do_softirq() turns
  // hardirqs on even if the caller had them off.
  if (!in_interrupt() && local_softirq_pending()) do_softirq();
  preempt_count_dec();
}

void local_bh_disable() { __local_bh_disable_ip(SOFTIRQ_DISABLE_OFFSET); }
void local_bh_enable() { __local_bh_enable_ip(SOFTIRQ_DISABLE_OFFSET); }

void open_softirq(int nr, std::function<void()> action) { this_kernel().open_softirq(nr, std::move(action)); }
void __raise_softirq_irqoff(int nr) { this_kernel().this_cpu().softirq_pending |= 1u << nr; }
void raise_softirq_irqoff(int nr) { this_kernel().raise_softirq_irqoff(nr); }
void raise_softirq(int nr) {
  unsigned long flags;
  local_irq_save(flags);
  raise_softirq_irqoff(nr);
  local_irq_restore(flags);
}
unsigned local_softirq_pending() { return this_kernel().this_cpu().softirq_pending; }
void do_softirq() { this_kernel().do_softirq(); }

// ---------------------------------------------------------------- common helpers

void lockdep_init_map(lockdep_map& m, const char* name, const char* file, int line) {
  if (name) {
    m.name = name;
    m.key = std::string("name:") + name;
  } else {
    std::string f = file ? file : "?";
    auto slash = f.find_last_of('/');
    if (slash != std::string::npos) f = f.substr(slash + 1);
    m.name = strfmt("lock#%s:%d", f.c_str(), line);
    m.key = strfmt("site:%s:%d", file ? file : "?", line);
  }
  m.cls = nullptr;
}

static void init_map(lockdep_map& m, const char* name, const char* file, int line) {
  lockdep_init_map(m, name, file, line);
}

static std::string holder_desc(task_struct* owner, const std::string& owner_chain) {
  Kernel& k = this_kernel();
  task_struct* cur = k.current();
  if (!owner) return "(unknown owner)";
  if (owner == cur) {
    // Same task: the holder is either a context this CPU interrupted to run
    // the spinner, or this very context (recursive acquisition).
    for (size_t i = 0; i + 1 < cur->ctx.size(); ++i)
      if (owner_chain.rfind(cur->ctx[i].base, 0) == 0)
        return owner_chain + strfmt(" (interrupted by the spinner; task %s/%d)", owner->comm.c_str(), owner->pid);
    return owner_chain + " (this same context: recursive acquisition)";
  }
  const char* st = owner->state == TASK_RUNNING ? "runnable, not running" : "sleeping";
  return owner_chain + strfmt(" (task %s/%d is %s)", owner->comm.c_str(), owner->pid, st);
}

// Selftest mode: a UP debug lock does not spin, and lockdep has already
// given its verdict, so the raw layer stays quiet (see Lockdep::set_selftest).
static bool raw_selftest() { return this_kernel().lockdep().selftest(); }

// lockdep_assert_held*() for every lock type.
void lockdep_assert_held_type(const lockdep_map* map, int read, const char* file, int line) {
  if (kernel_exists()) this_kernel().lockdep().assert_held(map, read, file, line);
}

template <typename L>
static void lazy_init(L* l, const char* what) {
  if (l->initialized) return;
  init_map(l->dep_map, nullptr, "uninitialized", 0);
  l->dep_map.name = strfmt("uninitialized-%s@%p", what, static_cast<void*>(l));
  l->dep_map.key = "uninit:" + l->dep_map.name;
  l->initialized = true;
  log_error("kernel", strfmt("BUG: %s used before init (%s)", what, l->dep_map.name.c_str()));
}

// ---------------------------------------------------------------- spinlocks

void spin_lock_init(spinlock_t* lock, const char* name, const char* file, int line) {
  // __raw_spin_lock_init(): re-initialising a held lock is "held lock freed".
  if (kernel_exists()) this_kernel().lockdep().debug_check_no_locks_freed(lock, sizeof(*lock));
  init_map(lock->dep_map, name, file, line);
  lock->locked = false;
  lock->owner = nullptr;
  lock->initialized = true;
}

static void do_raw_spin_lock(spinlock_t* l) {
  Kernel& k = this_kernel();
  if (l->locked && !raw_selftest()) {
    k.deadlock("spin_lock on a lock that is already held (single CPU: it can never be released)", {l->dep_map.name},
               holder_desc(l->owner, l->owner_chain), k.current_full_chain());
    k.park();
  }
  l->locked = true;
  l->owner = k.current();
  l->owner_chain = k.current_chain();
}

static void do_raw_spin_unlock(spinlock_t* l) {
  if (!l->locked && !raw_selftest()) log_error("kernel", strfmt("BUG: spinlock already unlocked on CPU#0: %s", l->dep_map.name.c_str()));
  l->locked = false;
  l->owner = nullptr;
}

// `api`: the calling lock function, named in the trace's lock hold span.
static void acquire(spinlock_t* l, bool trylock = false, int subclass = 0, const char* api = __builtin_FUNCTION()) {
  lazy_init(l, "spinlock");
  this_kernel().lockdep().lock_acquire(&l->dep_map, 0, trylock, subclass, api);
}

void spin_lock(spinlock_t* l) {
  preempt_disable();
  acquire(l);
  do_raw_spin_lock(l);
}
void spin_lock_nested(spinlock_t* l, int subclass) {
  preempt_disable();
  acquire(l, false, subclass);
  do_raw_spin_lock(l);
}
void spin_unlock(spinlock_t* l) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_spin_unlock(l);
  preempt_enable();
}
void spin_lock_irq(spinlock_t* l) {
  local_irq_disable();
  preempt_disable();
  acquire(l);
  do_raw_spin_lock(l);
}
void spin_unlock_irq(spinlock_t* l) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_spin_unlock(l);
  local_irq_enable();
  preempt_enable();
}
void spin_lock_irqsave(spinlock_t* l, unsigned long& flags) {
  local_irq_save(flags);
  preempt_disable();
  acquire(l);
  do_raw_spin_lock(l);
}
void spin_unlock_irqrestore(spinlock_t* l, unsigned long flags) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_spin_unlock(l);
  local_irq_restore(flags);
  preempt_enable();
}
void spin_lock_bh(spinlock_t* l) {
  lazy_init(l, "spinlock");
  __local_bh_disable_ip(SOFTIRQ_LOCK_OFFSET, l->dep_map.name);
  acquire(l);
  do_raw_spin_lock(l);
}
void spin_unlock_bh(spinlock_t* l) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_spin_unlock(l);
  __local_bh_enable_ip(SOFTIRQ_LOCK_OFFSET, l->dep_map.name);
}
int spin_trylock(spinlock_t* l) {
  preempt_disable();
  if (!l->locked) {
    acquire(l, true);
    do_raw_spin_lock(l);
    return 1;
  }
  preempt_enable();
  return 0;
}
int spin_trylock_irqsave(spinlock_t* l, unsigned long& flags) {
  local_irq_save(flags);
  if (spin_trylock(l)) return 1;
  local_irq_restore(flags);
  return 0;
}
int spin_trylock_bh(spinlock_t* l) {
  lazy_init(l, "spinlock");
  __local_bh_disable_ip(SOFTIRQ_LOCK_OFFSET, l->dep_map.name);
  if (!l->locked) {
    acquire(l, true);
    do_raw_spin_lock(l);
    return 1;
  }
  __local_bh_enable_ip(SOFTIRQ_LOCK_OFFSET, l->dep_map.name);
  return 0;
}
bool spin_is_locked(const spinlock_t* l) { return l->locked; }

// ---------------------------------------------------------------- rwlocks

void rwlock_init(rwlock_t* l, const char* name, const char* file, int line) {
  if (kernel_exists()) this_kernel().lockdep().debug_check_no_locks_freed(l, sizeof(*l));
  init_map(l->dep_map, name, file, line);
  l->readers = 0;
  l->writer = false;
  l->initialized = true;
}

static void do_raw_read_lock(rwlock_t* l) {
  Kernel& k = this_kernel();
  if (l->writer && !raw_selftest()) {
    k.deadlock("read_lock on an rwlock that is write-held (single CPU: it can never be released)",
               {l->dep_map.name}, holder_desc(l->owner, l->owner_chain), k.current_full_chain());
    k.park();
  }
  ++l->readers;
  l->owner = k.current();
  l->owner_chain = k.current_chain();
}
static void do_raw_write_lock(rwlock_t* l) {
  Kernel& k = this_kernel();
  if ((l->writer || l->readers) && !raw_selftest()) {
    k.deadlock(strfmt("write_lock on an rwlock that is %s (single CPU: it can never be released)",
                      l->writer ? "write-held" : "read-held"),
               {l->dep_map.name}, holder_desc(l->owner, l->owner_chain), k.current_full_chain());
    k.park();
  }
  l->writer = true;
  l->owner = k.current();
  l->owner_chain = k.current_chain();
}
static void do_raw_read_unlock(rwlock_t* l) {
  if (l->readers <= 0) {
    if (!raw_selftest())
      log_error("kernel", strfmt("BUG: rwlock read-unlock without readers: %s", l->dep_map.name.c_str()));
  } else {
    --l->readers;
  }
}
static void do_raw_write_unlock(rwlock_t* l) {
  if (!l->writer && !raw_selftest()) log_error("kernel", strfmt("BUG: rwlock write-unlock without writer: %s", l->dep_map.name.c_str()));
  l->writer = false;
}
// rwlock_acquire_read(): `read` 2 asks for a recursive reader, which
// read_lock_is_recursive() grants only in interrupt context (qrwlock).
static void rw_acquire(rwlock_t* l, int read, bool trylock = false, const char* api = __builtin_FUNCTION()) {
  lazy_init(l, "rwlock");
  Lockdep& ld = this_kernel().lockdep();
  if (read == 2 && !ld.read_lock_is_recursive()) read = 1;
  ld.lock_acquire(&l->dep_map, read, trylock, 0, api);
}

void read_lock(rwlock_t* l) { preempt_disable(); rw_acquire(l, 2); do_raw_read_lock(l); }
void read_unlock(rwlock_t* l) { this_kernel().lockdep().lock_release(&l->dep_map); do_raw_read_unlock(l); preempt_enable(); }
void read_lock_irq(rwlock_t* l) { local_irq_disable(); preempt_disable(); rw_acquire(l, 2); do_raw_read_lock(l); }
void read_unlock_irq(rwlock_t* l) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_read_unlock(l);
  local_irq_enable();
  preempt_enable();
}
void read_lock_irqsave(rwlock_t* l, unsigned long& flags) {
  local_irq_save(flags);
  preempt_disable();
  rw_acquire(l, 2);
  do_raw_read_lock(l);
}
void read_unlock_irqrestore(rwlock_t* l, unsigned long flags) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_read_unlock(l);
  local_irq_restore(flags);
  preempt_enable();
}
void read_lock_bh(rwlock_t* l) {
  lazy_init(l, "rwlock");
  __local_bh_disable_ip(SOFTIRQ_LOCK_OFFSET, l->dep_map.name);
  rw_acquire(l, 2);
  do_raw_read_lock(l);
}
void read_unlock_bh(rwlock_t* l) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_read_unlock(l);
  __local_bh_enable_ip(SOFTIRQ_LOCK_OFFSET, l->dep_map.name);
}
void write_lock(rwlock_t* l) { preempt_disable(); rw_acquire(l, 0); do_raw_write_lock(l); }
void write_unlock(rwlock_t* l) { this_kernel().lockdep().lock_release(&l->dep_map); do_raw_write_unlock(l); preempt_enable(); }
void write_lock_irq(rwlock_t* l) { local_irq_disable(); preempt_disable(); rw_acquire(l, 0); do_raw_write_lock(l); }
void write_unlock_irq(rwlock_t* l) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_write_unlock(l);
  local_irq_enable();
  preempt_enable();
}
void write_lock_irqsave(rwlock_t* l, unsigned long& flags) {
  local_irq_save(flags);
  preempt_disable();
  rw_acquire(l, 0);
  do_raw_write_lock(l);
}
void write_unlock_irqrestore(rwlock_t* l, unsigned long flags) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_write_unlock(l);
  local_irq_restore(flags);
  preempt_enable();
}
void write_lock_bh(rwlock_t* l) {
  lazy_init(l, "rwlock");
  __local_bh_disable_ip(SOFTIRQ_LOCK_OFFSET, l->dep_map.name);
  rw_acquire(l, 0);
  do_raw_write_lock(l);
}
void write_unlock_bh(rwlock_t* l) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  do_raw_write_unlock(l);
  __local_bh_enable_ip(SOFTIRQ_LOCK_OFFSET, l->dep_map.name);
}
int read_trylock(rwlock_t* l) {
  preempt_disable();
  if (!l->writer) {
    rw_acquire(l, 2, true);
    do_raw_read_lock(l);
    return 1;
  }
  preempt_enable();
  return 0;
}
int write_trylock(rwlock_t* l) {
  preempt_disable();
  if (!l->writer && !l->readers) {
    rw_acquire(l, 0, true);
    do_raw_write_lock(l);
    return 1;
  }
  preempt_enable();
  return 0;
}

// ---------------------------------------------------------------- mutexes

void mutex_init(mutex* m, const char* name, const char* file, int line) {
  if (kernel_exists()) this_kernel().lockdep().debug_check_no_locks_freed(m, sizeof(*m));
  init_map(m->dep_map, name, file, line);
  m->owner = nullptr;
  m->waiters.clear();
  m->initialized = true;
}

void mutex_lock(mutex* m, const char* file, int line) {
  Kernel& k = this_kernel();
  __might_sleep(file, line, 0);
  lazy_init(m, "mutex");
  k.lockdep().lock_acquire(&m->dep_map, 0, false, 0);
  task_struct* cur = k.current();
  while (m->owner && !raw_selftest()) {
    if (m->owner == cur || !in_task() || cur == k.this_cpu().idle) {
      k.deadlock(m->owner == cur ? "mutex_lock on a mutex already held by this task"
                                 : "mutex_lock contended in a context that cannot sleep",
                 {m->dep_map.name}, holder_desc(m->owner, m->owner_chain), k.current_full_chain());
      k.park();
    }
    if (std::find(m->waiters.begin(), m->waiters.end(), cur) == m->waiters.end()) m->waiters.push_back(cur);
    set_current_state(TASK_UNINTERRUPTIBLE);
    schedule();
    __set_current_state(TASK_RUNNING);
  }
  m->waiters.erase(std::remove(m->waiters.begin(), m->waiters.end(), cur), m->waiters.end());
  m->owner = cur;
  m->owner_chain = k.current_chain();
}

int mutex_lock_interruptible(mutex* m, const char* file, int line) {
  mutex_lock(m, file, line);
  return 0;
}

int mutex_trylock(mutex* m) {
  lazy_init(m, "mutex");
  if (m->owner) return 0;
  Kernel& k = this_kernel();
  k.lockdep().lock_acquire(&m->dep_map, 0, true, 0);
  m->owner = k.current();
  m->owner_chain = k.current_chain();
  return 1;
}

void mutex_unlock(mutex* m) {
  Kernel& k = this_kernel();
  k.lockdep().lock_release(&m->dep_map);
  if (m->owner != k.current() && !raw_selftest())
    log_error("kernel", strfmt("DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current): mutex %s", m->dep_map.name.c_str()));
  m->owner = nullptr;
  if (!m->waiters.empty()) {
    task_struct* w = m->waiters.front();
    m->waiters.pop_front();
    k.wake_up_process(w);
  }
}

bool mutex_is_locked(const mutex* m) { return m->owner != nullptr; }

// ---------------------------------------------------------------- local locks

void local_lock_init(local_lock_t* l, const char* name, const char* file, int line) {
  if (kernel_exists()) this_kernel().lockdep().debug_check_no_locks_freed(l, sizeof(*l));
  init_map(l->dep_map, name, file, line);
  l->dep_map.lock_type = LD_LOCK_PERCPU;
  l->owner = nullptr;
}

// __local_lock(): preemption off pins the task to this CPU's instance; the
// lockdep map is what makes it a lock.
static void local_lock_acquire(local_lock_t* l, const char* api = __builtin_FUNCTION()) {
  Kernel& k = this_kernel();
  k.lockdep().lock_acquire(&l->dep_map, 0, false, 0, api);
  l->owner = k.current();
}
static void local_lock_release(local_lock_t* l) {
  this_kernel().lockdep().lock_release(&l->dep_map);
  l->owner = nullptr;
}

void local_lock(local_lock_t* l) {
  preempt_disable();
  local_lock_acquire(l);
}
void local_unlock(local_lock_t* l) {
  local_lock_release(l);
  preempt_enable();
}
void local_lock_irq(local_lock_t* l) {
  local_irq_disable();
  local_lock_acquire(l);
}
void local_unlock_irq(local_lock_t* l) {
  local_lock_release(l);
  local_irq_enable();
}
void local_lock_irqsave(local_lock_t* l, unsigned long& flags) {
  local_irq_save(flags);
  local_lock_acquire(l);
}
void local_unlock_irqrestore(local_lock_t* l, unsigned long flags) {
  local_lock_release(l);
  local_irq_restore(flags);
}

}  // namespace dmacosim::kernel
