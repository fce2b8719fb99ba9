/* The local interrupt flag (include/linux/irqflags.h, CONFIG_TRACE_IRQFLAGS):
 * the modelled CPU's I bit, traced for the validator. */
#ifndef _LINUX_IRQFLAGS_H
#define _LINUX_IRQFLAGS_H
#include <dmacosim/bridge.h>

#define local_irq_disable() ((void)dmacosim_irq_op(DMACOSIM_IRQ_DISABLE, NULL, 0))
#define local_irq_enable() ((void)dmacosim_irq_op(DMACOSIM_IRQ_ENABLE, NULL, 0))
#define local_irq_save(flags) ((void)dmacosim_irq_op(DMACOSIM_IRQ_SAVE, &(flags), 0))
#define local_irq_restore(flags) ((void)dmacosim_irq_op(DMACOSIM_IRQ_RESTORE, NULL, (flags)))
#define irqs_disabled() (dmacosim_irq_op(DMACOSIM_IRQS_DISABLED, NULL, 0) != 0)
#define irqs_disabled_flags(flags) (((flags) & 1) != 0)
#endif
