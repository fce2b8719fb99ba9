// Reader-writer spinlocks (ALSA's snd_pcm_link_rwlock). Readers go through
// rwlock_acquire_read: recursive (read = 2) in interrupt context, plain
// readers (read = 1) in process context, as with Linux 6.1's queued rwlocks
// where a waiting writer blocks new process-context readers.
#pragma once
#include <string>

#include "lockdep.h"

namespace dmacosim::kernel {

struct task_struct;

struct rwlock_t {
  lockdep_map dep_map;
  int readers = 0;
  bool writer = false;
  task_struct* owner = nullptr;  // writer or last reader
  std::string owner_chain;
  bool initialized = false;
  rwlock_t() = default;
  explicit rwlock_t(const char* name) { dep_map.name = name; dep_map.key = std::string("static:") + name; initialized = true; }
};

#define DEFINE_RWLOCK(x) ::dmacosim::kernel::rwlock_t x(#x)

void rwlock_init(rwlock_t* lock, const char* name = nullptr, const char* file = __builtin_FILE(),
                 int line = __builtin_LINE());

void read_lock(rwlock_t* l);
void read_unlock(rwlock_t* l);
void read_lock_irq(rwlock_t* l);
void read_unlock_irq(rwlock_t* l);
void read_lock_irqsave(rwlock_t* l, unsigned long& flags);
void read_unlock_irqrestore(rwlock_t* l, unsigned long flags);
void read_lock_bh(rwlock_t* l);
void read_unlock_bh(rwlock_t* l);
void write_lock(rwlock_t* l);
void write_unlock(rwlock_t* l);
void write_lock_irq(rwlock_t* l);
void write_unlock_irq(rwlock_t* l);
void write_lock_irqsave(rwlock_t* l, unsigned long& flags);
void write_unlock_irqrestore(rwlock_t* l, unsigned long flags);
void write_lock_bh(rwlock_t* l);
void write_unlock_bh(rwlock_t* l);
int read_trylock(rwlock_t* l);
int write_trylock(rwlock_t* l);
inline void lockdep_assert_held(const rwlock_t* l, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  lockdep_assert_held_type(&l->dep_map, -1, file, line);
}
inline void lockdep_assert_held_write(const rwlock_t* l, const char* file = __builtin_FILE(),
                                      int line = __builtin_LINE()) {
  lockdep_assert_held_type(&l->dep_map, 0, file, line);
}
inline void lockdep_assert_held_read(const rwlock_t* l, const char* file = __builtin_FILE(),
                                     int line = __builtin_LINE()) {
  lockdep_assert_held_type(&l->dep_map, 1, file, line);
}

}  // namespace dmacosim::kernel
