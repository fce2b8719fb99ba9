/* Basic kernel types (include/linux/types.h subset). */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u64 dma_addr_t;	/* the simulated platform's bus address */
typedef u64 phys_addr_t;
typedef u64 resource_size_t;
typedef unsigned int gfp_t;

#define __iomem
#define __user
#define __force
#define __must_check

struct list_head {
	struct list_head *next, *prev;
};
#endif
