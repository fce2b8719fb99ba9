/* local_bh_disable/enable (include/linux/bottom_half.h): local_bh_enable()
 * runs pending softirqs, and with IRQs off it is V-BH-1. */
#ifndef _LINUX_BH_H
#define _LINUX_BH_H
#include <dmacosim/bridge.h>

#define local_bh_disable() ((void)dmacosim_irq_op(DMACOSIM_BH_DISABLE, NULL, 0))
#define local_bh_enable() ((void)dmacosim_irq_op(DMACOSIM_BH_ENABLE, NULL, 0))
#endif
