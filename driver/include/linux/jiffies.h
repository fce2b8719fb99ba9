/* jiffies (include/linux/jiffies.h subset): the kernel model's HZ clock. */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H
#include <dmacosim/bridge.h>

#define jiffies dmacosim_jiffies()
#define msecs_to_jiffies(ms) dmacosim_msecs_to_jiffies(ms)
#define usecs_to_jiffies(us) dmacosim_usecs_to_jiffies(us)
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))
#endif
