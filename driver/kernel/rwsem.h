// Reader-writer semaphores (include/linux/rwsem.h, kernel/locking/rwsem.c):
// sleeping locks like struct mutex. down_read()/down_write() are sleep
// points (V-SLEEP-1 in atomic context); contention puts the task to sleep
// until the holder releases. For lockdep a reader is read = 1, NOT
// recursive: a second down_read() of a held class is reported (L-5),
// because a writer queued between the two readers blocks the second one.
#pragma once
#include <deque>
#include <string>

#include "lockdep.h"

namespace dmacosim::kernel {

struct task_struct;

struct rw_semaphore {
  lockdep_map dep_map;
  int readers = 0;
  task_struct* writer = nullptr;
  task_struct* last_owner = nullptr;  // writer, or the last reader (for the deadlock report)
  std::string owner_chain;
  std::deque<task_struct*> waiters;
  bool initialized = false;
  rw_semaphore() = default;
  explicit rw_semaphore(const char* name) {
    dep_map.name = name;
    dep_map.key = std::string("static:") + name;
    initialized = true;
  }
};

#define DECLARE_RWSEM(x) ::dmacosim::kernel::rw_semaphore x(#x)

// Class key = name if given, else the init site (init_rwsem()'s static key).
void init_rwsem(rw_semaphore* sem, const char* name = nullptr, const char* file = __builtin_FILE(),
                int line = __builtin_LINE());
void down_read(rw_semaphore* sem, const char* file = __builtin_FILE(), int line = __builtin_LINE());
void down_read_nested(rw_semaphore* sem, int subclass, const char* file = __builtin_FILE(),
                      int line = __builtin_LINE());
int down_read_trylock(rw_semaphore* sem);
void down_write(rw_semaphore* sem, const char* file = __builtin_FILE(), int line = __builtin_LINE());
void down_write_nested(rw_semaphore* sem, int subclass, const char* file = __builtin_FILE(),
                       int line = __builtin_LINE());
int down_write_trylock(rw_semaphore* sem);
void up_read(rw_semaphore* sem);
void up_write(rw_semaphore* sem);
// A held write lock becomes a read lock without a window for other writers.
void downgrade_write(rw_semaphore* sem);
bool rwsem_is_locked(const rw_semaphore* sem);

inline void lockdep_assert_held(const rw_semaphore* s, const char* file = __builtin_FILE(),
                                int line = __builtin_LINE()) {
  lockdep_assert_held_type(&s->dep_map, -1, file, line);
}
inline void lockdep_assert_held_write(const rw_semaphore* s, const char* file = __builtin_FILE(),
                                      int line = __builtin_LINE()) {
  lockdep_assert_held_type(&s->dep_map, 0, file, line);
}
inline void lockdep_assert_held_read(const rw_semaphore* s, const char* file = __builtin_FILE(),
                                     int line = __builtin_LINE()) {
  lockdep_assert_held_type(&s->dep_map, 1, file, line);
}

}  // namespace dmacosim::kernel
