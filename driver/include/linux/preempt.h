/* Context predicates (include/linux/preempt.h subset). */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H
#include <dmacosim/bridge.h>

#define in_interrupt() (dmacosim_irq_op(DMACOSIM_IN_INTERRUPT, NULL, 0) != 0)
#define in_irq() (dmacosim_irq_op(DMACOSIM_IN_IRQ, NULL, 0) != 0)
#define in_hardirq() in_irq()
#define in_softirq() (dmacosim_irq_op(DMACOSIM_IN_SOFTIRQ, NULL, 0) != 0)
#endif
