// Spinlocks (include/linux/spinlock.h). Each lock carries a lockdep class:
// the name given to spin_lock_init()/DEFINE_SPINLOCK, or else its init site.
// On this single CPU a spin on a held lock can never succeed: the kernel
// model reports a DEADLOCK naming holder and spinner and stops the simulation.
#pragma once
#include <string>

#include "lockdep.h"

namespace dmacosim::kernel {

struct task_struct;

struct raw_spinlock_t {
  lockdep_map dep_map;
  bool locked = false;
  task_struct* owner = nullptr;
  std::string owner_chain;
  bool initialized = false;

  raw_spinlock_t() = default;
  explicit raw_spinlock_t(const char* name) { dep_map.name = name; dep_map.key = std::string("static:") + name; initialized = true; }
};
using spinlock_t = raw_spinlock_t;

#define DEFINE_SPINLOCK(x) ::dmacosim::kernel::spinlock_t x(#x)

// Class key = name if given, else the call site (like lockdep's static key).
void spin_lock_init(spinlock_t* lock, const char* name = nullptr, const char* file = __builtin_FILE(),
                    int line = __builtin_LINE());

void spin_lock(spinlock_t* lock);
void spin_unlock(spinlock_t* lock);
void spin_lock_irq(spinlock_t* lock);
void spin_unlock_irq(spinlock_t* lock);
void spin_lock_irqsave(spinlock_t* lock, unsigned long& flags);
void spin_unlock_irqrestore(spinlock_t* lock, unsigned long flags);
void spin_lock_bh(spinlock_t* lock);
void spin_unlock_bh(spinlock_t* lock);
int spin_trylock(spinlock_t* lock);
int spin_trylock_irqsave(spinlock_t* lock, unsigned long& flags);
int spin_trylock_bh(spinlock_t* lock);
bool spin_is_locked(const spinlock_t* lock);
// Nested acquisition of the same class at a different subclass (ALSA links).
void spin_lock_nested(spinlock_t* lock, int subclass);
// WARN (L-ASSERT) unless the current task holds `lock` (lockdep_is_held()).
inline void lockdep_assert_held(const spinlock_t* lock, const char* file = __builtin_FILE(),
                                int line = __builtin_LINE()) {
  lockdep_assert_held_type(&lock->dep_map, -1, file, line);
}

// raw_spin_* are the same locks in this model.
inline void raw_spin_lock_init(raw_spinlock_t* l, const char* name = nullptr, const char* file = __builtin_FILE(),
                               int line = __builtin_LINE()) { spin_lock_init(l, name, file, line); }
inline void raw_spin_lock(raw_spinlock_t* l) { spin_lock(l); }
inline void raw_spin_unlock(raw_spinlock_t* l) { spin_unlock(l); }
inline void raw_spin_lock_irqsave(raw_spinlock_t* l, unsigned long& f) { spin_lock_irqsave(l, f); }
inline void raw_spin_unlock_irqrestore(raw_spinlock_t* l, unsigned long f) { spin_unlock_irqrestore(l, f); }

}  // namespace dmacosim::kernel
