/* Spinlocks, every flavour (include/linux/spinlock.h). Each call lands in the
 * kernel model's lock of the same flavour: lockdep classes (named after the
 * spin_lock_init() argument, as Linux names them), IRQ/BH state, contexts and
 * reports are those of the C++ drivers. The calling function's name is
 * added to the context chain of a report. */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H
#include <linux/bottom_half.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/spinlock_types.h>

#define spin_lock_init(lock) dmacosim_spin_lock_init((lock), #lock, __FILE__, __LINE__)
#define raw_spin_lock_init(lock) spin_lock_init(lock)

#define __dmacosim_spin(lock, op, fp, f) dmacosim_spin_op((lock), (op), (fp), (f), __func__)
#define spin_lock(lock) ((void)__dmacosim_spin(lock, DMACOSIM_SPIN_LOCK, NULL, 0))
#define spin_unlock(lock) ((void)__dmacosim_spin(lock, DMACOSIM_SPIN_UNLOCK, NULL, 0))
#define spin_lock_irq(lock) ((void)__dmacosim_spin(lock, DMACOSIM_SPIN_LOCK_IRQ, NULL, 0))
#define spin_unlock_irq(lock) ((void)__dmacosim_spin(lock, DMACOSIM_SPIN_UNLOCK_IRQ, NULL, 0))
#define spin_lock_irqsave(lock, flags) ((void)__dmacosim_spin(lock, DMACOSIM_SPIN_LOCK_IRQSAVE, &(flags), 0))
#define spin_unlock_irqrestore(lock, flags) \
	((void)__dmacosim_spin(lock, DMACOSIM_SPIN_UNLOCK_IRQRESTORE, NULL, (flags)))
#define spin_lock_bh(lock) ((void)__dmacosim_spin(lock, DMACOSIM_SPIN_LOCK_BH, NULL, 0))
#define spin_unlock_bh(lock) ((void)__dmacosim_spin(lock, DMACOSIM_SPIN_UNLOCK_BH, NULL, 0))
#define spin_trylock(lock) __dmacosim_spin(lock, DMACOSIM_SPIN_TRYLOCK, NULL, 0)
#define spin_trylock_irqsave(lock, flags) __dmacosim_spin(lock, DMACOSIM_SPIN_TRYLOCK_IRQSAVE, &(flags), 0)
#define spin_is_locked(lock) __dmacosim_spin(lock, DMACOSIM_SPIN_IS_LOCKED, NULL, 0)

#define raw_spin_lock(lock) spin_lock(lock)
#define raw_spin_unlock(lock) spin_unlock(lock)
#define raw_spin_lock_irqsave(lock, flags) spin_lock_irqsave(lock, flags)
#define raw_spin_unlock_irqrestore(lock, flags) spin_unlock_irqrestore(lock, flags)

/* include/linux/lockdep.h: WARN (L-ASSERT) unless the current context holds it. */
#define lockdep_assert_held(lock) dmacosim_lockdep_assert_held((lock), __FILE__, __LINE__)
#endif
