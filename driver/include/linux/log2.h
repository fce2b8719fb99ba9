/* ilog2, is_power_of_2 (include/linux/log2.h subset). */
#ifndef _LINUX_LOG2_H
#define _LINUX_LOG2_H
#include <linux/bitops.h>
#define ilog2(n) (fls((unsigned int)(n)) - 1)
#define is_power_of_2(n) ((n) != 0 && (((n) & ((n) - 1)) == 0))
#endif
