// rw_semaphore: lockdep hooks as rwsem_acquire/rwsem_acquire_read/
// rwsem_release, sleeping as the model's mutex (FIFO waiters, woken on
// release). Readers wait only for a writer that holds the semaphore.
#include "rwsem.h"

#include <algorithm>

#include "kernel.h"
#include "models/log.h"
#include "preempt.h"
#include "sched.h"

namespace dmacosim::kernel {

void init_rwsem(rw_semaphore* sem, const char* name, const char* file, int line) {
  // __init_rwsem(): re-initialising a held rwsem is "held lock freed".
  if (kernel_exists()) this_kernel().lockdep().debug_check_no_locks_freed(sem, sizeof(*sem));
  lockdep_init_map(sem->dep_map, name, file, line);
  sem->readers = 0;
  sem->writer = nullptr;
  sem->last_owner = nullptr;
  sem->waiters.clear();
  sem->initialized = true;
}

static void lazy_init(rw_semaphore* sem) {
  if (sem->initialized) return;
  lockdep_init_map(sem->dep_map, nullptr, "uninitialized", 0);
  sem->dep_map.name = strfmt("uninitialized-rwsem@%p", static_cast<void*>(sem));
  sem->dep_map.key = "uninit:" + sem->dep_map.name;
  sem->initialized = true;
  log_error("kernel", strfmt("BUG: rw_semaphore used before init (%s)", sem->dep_map.name.c_str()));
}

// Sleep until `busy()` clears. A holder that is this very task, or a caller
// that cannot sleep, can never see it clear: a deadlock. In selftest mode
// the raw state never blocks (lockdep has already judged the case).
template <typename Busy>
static void rwsem_wait(rw_semaphore* sem, const char* what, Busy busy) {
  Kernel& k = this_kernel();
  task_struct* cur = k.current();
  while (busy() && !k.lockdep().selftest()) {
    if (sem->last_owner == cur || !in_task() || cur == k.this_cpu().idle) {
      k.deadlock(sem->last_owner == cur ? strfmt("%s on a rw_semaphore this task already holds", what)
                                        : strfmt("%s contended in a context that cannot sleep", what),
                 {sem->dep_map.name}, sem->owner_chain, k.current_full_chain());
      k.park();
    }
    if (std::find(sem->waiters.begin(), sem->waiters.end(), cur) == sem->waiters.end()) sem->waiters.push_back(cur);
    set_current_state(TASK_UNINTERRUPTIBLE);
    schedule();
    __set_current_state(TASK_RUNNING);
  }
  sem->waiters.erase(std::remove(sem->waiters.begin(), sem->waiters.end(), cur), sem->waiters.end());
}

static void wake_waiters(rw_semaphore* sem) {
  // Wake every waiter; each re-checks its condition (readers may all go).
  std::deque<task_struct*> w;
  w.swap(sem->waiters);
  for (task_struct* t : w) this_kernel().wake_up_process(t);
}

static void take_read(rw_semaphore* sem) {
  Kernel& k = this_kernel();
  ++sem->readers;
  sem->last_owner = k.current();
  sem->owner_chain = k.current_chain();
}

static void take_write(rw_semaphore* sem) {
  Kernel& k = this_kernel();
  sem->writer = k.current();
  sem->last_owner = k.current();
  sem->owner_chain = k.current_chain();
}

static void do_down_read(rw_semaphore* sem, int subclass, const char* file, int line) {
  __might_sleep(file, line, 0);
  lazy_init(sem);
  this_kernel().lockdep().lock_acquire(&sem->dep_map, 1, false, subclass);
  rwsem_wait(sem, "down_read", [sem] { return sem->writer != nullptr; });
  take_read(sem);
}

static void do_down_write(rw_semaphore* sem, int subclass, const char* file, int line) {
  __might_sleep(file, line, 0);
  lazy_init(sem);
  this_kernel().lockdep().lock_acquire(&sem->dep_map, 0, false, subclass);
  rwsem_wait(sem, "down_write", [sem] { return sem->writer != nullptr || sem->readers > 0; });
  take_write(sem);
}

void down_read(rw_semaphore* sem, const char* file, int line) { do_down_read(sem, 0, file, line); }
void down_read_nested(rw_semaphore* sem, int subclass, const char* file, int line) {
  do_down_read(sem, subclass, file, line);
}
void down_write(rw_semaphore* sem, const char* file, int line) { do_down_write(sem, 0, file, line); }
void down_write_nested(rw_semaphore* sem, int subclass, const char* file, int line) {
  do_down_write(sem, subclass, file, line);
}

int down_read_trylock(rw_semaphore* sem) {
  lazy_init(sem);
  if (sem->writer) return 0;
  this_kernel().lockdep().lock_acquire(&sem->dep_map, 1, true, 0);
  take_read(sem);
  return 1;
}

int down_write_trylock(rw_semaphore* sem) {
  lazy_init(sem);
  if (sem->writer || sem->readers) return 0;
  this_kernel().lockdep().lock_acquire(&sem->dep_map, 0, true, 0);
  take_write(sem);
  return 1;
}

void up_read(rw_semaphore* sem) {
  Kernel& k = this_kernel();
  k.lockdep().lock_release(&sem->dep_map);
  if (sem->readers <= 0) {
    // DEBUG_RWSEMS_WARN_ON(): the count says nobody reads.
    if (!k.lockdep().selftest())
      log_error("kernel", strfmt("DEBUG_RWSEMS_WARN_ON(tmp < 0): up_read of %s without readers",
                                 sem->dep_map.name.c_str()));
    return;
  }
  if (--sem->readers == 0) {
    sem->last_owner = nullptr;
    wake_waiters(sem);
  }
}

void up_write(rw_semaphore* sem) {
  Kernel& k = this_kernel();
  k.lockdep().lock_release(&sem->dep_map);
  if (sem->writer != k.current() && !k.lockdep().selftest())
    log_error("kernel", strfmt("DEBUG_RWSEMS_WARN_ON(sem->owner != current): up_write of %s",
                               sem->dep_map.name.c_str()));
  sem->writer = nullptr;
  sem->last_owner = nullptr;
  wake_waiters(sem);
}

void downgrade_write(rw_semaphore* sem) {
  Kernel& k = this_kernel();
  k.lockdep().lock_downgrade(&sem->dep_map);
  if (sem->writer != k.current() && !k.lockdep().selftest())
    log_error("kernel", strfmt("DEBUG_RWSEMS_WARN_ON(sem->owner != current): downgrade_write of %s",
                               sem->dep_map.name.c_str()));
  sem->writer = nullptr;
  ++sem->readers;
  wake_waiters(sem);  // waiting readers may go now
}

bool rwsem_is_locked(const rw_semaphore* sem) { return sem->writer != nullptr || sem->readers > 0; }

}  // namespace dmacosim::kernel
