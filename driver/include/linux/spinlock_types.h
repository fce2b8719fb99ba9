/* spinlock_t (include/linux/spinlock_types.h): a handle on a lock of the
 * kernel model, so lockdep classes, contexts and reports are the C++
 * drivers'. */
#ifndef _LINUX_SPINLOCK_TYPES_H
#define _LINUX_SPINLOCK_TYPES_H
#include <dmacosim/bridge.h>

typedef struct dmacosim_c_spinlock spinlock_t;
typedef struct dmacosim_c_spinlock raw_spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) { NULL, #name }
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define DEFINE_RAW_SPINLOCK(x) raw_spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#endif
