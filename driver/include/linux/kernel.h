/* include/linux/kernel.h subset: the headers a driver gets with it, min/max,
 * WARN_ON, might_sleep. */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/printk.h>
#include <linux/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define U32_MAX ((u32)~0U)

#define WARN_ON(cond) ({ int __c = !!(cond); if (__c) printk(KERN_ERR "WARNING: %s:%d %s\n", __FILE__, __LINE__, #cond); __c; })
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define might_sleep() dmacosim_might_sleep(__FILE__, __LINE__)
#endif
