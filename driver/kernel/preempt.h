// preempt_count and context tests, as include/linux/preempt.h.
#pragma once
#include "kernel.h"

namespace dmacosim::kernel {

constexpr unsigned PREEMPT_BITS = 8, SOFTIRQ_BITS = 8, HARDIRQ_BITS = 4, NMI_BITS = 4;
constexpr unsigned PREEMPT_SHIFT = 0, SOFTIRQ_SHIFT = 8, HARDIRQ_SHIFT = 16, NMI_SHIFT = 20;
constexpr unsigned PREEMPT_MASK = 0x000000ff;
constexpr unsigned SOFTIRQ_MASK = 0x0000ff00;
constexpr unsigned HARDIRQ_MASK = 0x000f0000;
constexpr unsigned NMI_MASK = 0x00f00000;
constexpr unsigned PREEMPT_OFFSET = 1u << PREEMPT_SHIFT;   // 0x1
constexpr unsigned SOFTIRQ_OFFSET = 1u << SOFTIRQ_SHIFT;   // 0x100: serving softirq
constexpr unsigned SOFTIRQ_DISABLE_OFFSET = 2 * SOFTIRQ_OFFSET;  // 0x200: bh disabled
constexpr unsigned HARDIRQ_OFFSET = 1u << HARDIRQ_SHIFT;   // 0x10000
constexpr unsigned NMI_OFFSET = 1u << NMI_SHIFT;
constexpr unsigned PREEMPT_LOCK_OFFSET = PREEMPT_OFFSET;
constexpr unsigned SOFTIRQ_LOCK_OFFSET = SOFTIRQ_DISABLE_OFFSET + PREEMPT_LOCK_OFFSET;  // 0x201

unsigned preempt_count();
void preempt_count_add(unsigned val);
void preempt_count_sub(unsigned val);
inline void preempt_count_inc() { preempt_count_add(1); }
inline void preempt_count_dec() { preempt_count_sub(1); }
// Non-preemptible kernel with CONFIG_PREEMPT_COUNT: only counting.
inline void preempt_disable() { preempt_count_inc(); }
inline void preempt_enable() { preempt_count_dec(); }
inline void preempt_enable_no_resched() { preempt_count_dec(); }

inline unsigned hardirq_count() { return preempt_count() & HARDIRQ_MASK; }
inline unsigned softirq_count() { return preempt_count() & SOFTIRQ_MASK; }
inline unsigned irq_count() { return preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK); }
inline bool in_hardirq() { return hardirq_count() != 0; }
inline bool in_irq() { return in_hardirq(); }
inline bool in_softirq() { return softirq_count() != 0; }  // serving or bh disabled
inline bool in_serving_softirq() { return (softirq_count() & SOFTIRQ_OFFSET) != 0; }
inline bool in_interrupt() { return irq_count() != 0; }
inline bool in_nmi() { return (preempt_count() & NMI_MASK) != 0; }
inline bool in_task() { return !(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)); }
inline bool in_atomic() { return preempt_count() != 0; }

bool irqs_disabled();
// CONFIG_PREEMPT_COUNT's definition (the scheduler of this one-CPU model
// still never preempts: preemptible() says whether it could).
inline bool preemptible() { return preempt_count() == 0 && !irqs_disabled(); }

}  // namespace dmacosim::kernel
