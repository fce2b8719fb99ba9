/* Bit operations (include/linux/bitops.h subset; one CPU: plain RMW). */
#ifndef _LINUX_BITOPS_H
#define _LINUX_BITOPS_H
#include <linux/bits.h>
#include <linux/types.h>

static inline void set_bit(long nr, volatile unsigned long *addr) { addr[nr / BITS_PER_LONG] |= BIT(nr % BITS_PER_LONG); }
static inline void clear_bit(long nr, volatile unsigned long *addr) { addr[nr / BITS_PER_LONG] &= ~BIT(nr % BITS_PER_LONG); }
static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}
static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline int __ffs(unsigned long x) { return __builtin_ctzl(x); }
#endif
