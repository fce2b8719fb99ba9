/* Delays (include/linux/delay.h): busy waits on the modelled CPU (udelay),
 * sleeps in the scheduler (msleep, usleep_range: sleep points). */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H
#include <dmacosim/bridge.h>

#define ndelay(n) dmacosim_delay(DMACOSIM_NDELAY, (n), 0, __FILE__, __LINE__)
#define udelay(n) dmacosim_delay(DMACOSIM_UDELAY, (n), 0, __FILE__, __LINE__)
#define mdelay(n) dmacosim_delay(DMACOSIM_MDELAY, (n), 0, __FILE__, __LINE__)
#define msleep(n) dmacosim_delay(DMACOSIM_MSLEEP, (n), 0, __FILE__, __LINE__)
#define usleep_range(min, max) dmacosim_delay(DMACOSIM_USLEEP, (min), (max), __FILE__, __LINE__)
#define cpu_relax() dmacosim_cpu_relax()
#endif
