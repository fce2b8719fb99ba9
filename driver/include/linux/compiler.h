/* include/linux/compiler.h subset. */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) (*(volatile __typeof__(x) *)&(x) = (val))
#define barrier() __asm__ __volatile__("" : : : "memory")
#define __maybe_unused __attribute__((__unused__))
#define __always_unused __attribute__((__unused__))
#define noinline __attribute__((__noinline__))
#endif
