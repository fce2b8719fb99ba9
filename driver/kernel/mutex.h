// Sleeping mutexes (kernel/locking/mutex.c): mutex_lock() is a sleep point
// (V-SLEEP-1 in atomic context); contention puts the task to sleep until the
// owner unlocks.
#pragma once
#include <deque>
#include <string>

#include "lockdep.h"

namespace dmacosim::kernel {

struct task_struct;

struct mutex {
  lockdep_map dep_map;
  task_struct* owner = nullptr;
  std::string owner_chain;
  std::deque<task_struct*> waiters;
  bool initialized = false;
  mutex() = default;
  explicit mutex(const char* name) { dep_map.name = name; dep_map.key = std::string("static:") + name; initialized = true; }
};

#define DEFINE_MUTEX(x) ::dmacosim::kernel::mutex x(#x)

void mutex_init(mutex* m, const char* name = nullptr, const char* file = __builtin_FILE(), int line = __builtin_LINE());
void mutex_lock(mutex* m, const char* file = __builtin_FILE(), int line = __builtin_LINE());
int mutex_lock_interruptible(mutex* m, const char* file = __builtin_FILE(), int line = __builtin_LINE());
int mutex_trylock(mutex* m);
void mutex_unlock(mutex* m);
bool mutex_is_locked(const mutex* m);
inline void lockdep_assert_held(const mutex* m, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  lockdep_assert_held_type(&m->dep_map, -1, file, line);
}

}  // namespace dmacosim::kernel
