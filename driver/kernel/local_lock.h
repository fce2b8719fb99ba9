// Local locks (include/linux/local_lock.h, !PREEMPT_RT): a per-CPU lock
// that is preempt_disable() (or local_irq_disable/save) plus a lockdep map,
// so lockdep sees the protected section. The class is LD_LOCK_PERCPU: the
// irq-usage searches skip it (it orders nothing between CPUs), the cycle
// search does not. One CPU is modelled, so a local_lock_t is one instance.
#pragma once
#include "lockdep.h"

namespace dmacosim::kernel {

struct task_struct;

struct local_lock_t {
  lockdep_map dep_map;
  task_struct* owner = nullptr;
  local_lock_t() { dep_map.lock_type = LD_LOCK_PERCPU; }
  explicit local_lock_t(const char* name) {
    dep_map.name = name;
    dep_map.key = std::string("static:") + name;
    dep_map.lock_type = LD_LOCK_PERCPU;
  }
};

#define INIT_LOCAL_LOCK(x) ::dmacosim::kernel::local_lock_t x(#x)

void local_lock_init(local_lock_t* l, const char* name = nullptr, const char* file = __builtin_FILE(),
                     int line = __builtin_LINE());
void local_lock(local_lock_t* l);
void local_unlock(local_lock_t* l);
void local_lock_irq(local_lock_t* l);
void local_unlock_irq(local_lock_t* l);
void local_lock_irqsave(local_lock_t* l, unsigned long& flags);
void local_unlock_irqrestore(local_lock_t* l, unsigned long flags);

}  // namespace dmacosim::kernel
