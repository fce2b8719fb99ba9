/* MMIO (include/linux/io.h, asm/io.h subset). An __iomem pointer holds the
 * bus address; every access is a transaction of the modelled CPU on the bus
 * (timed, and a preemption point as on hardware). writel() first writes to
 * the bus the CPU's earlier stores to coherent memory (its ordering
 * guarantee); writel_relaxed() does not. */
#ifndef _LINUX_IO_H
#define _LINUX_IO_H
#include <linux/types.h>
#include <dmacosim/bridge.h>

#define __dmacosim_addr(a) ((uint64_t)(uintptr_t)(a))
static inline u8 readb(const volatile void __iomem *a) { return (u8)dmacosim_mmio_read(__dmacosim_addr(a), 1); }
static inline u16 readw(const volatile void __iomem *a) { return (u16)dmacosim_mmio_read(__dmacosim_addr(a), 2); }
static inline u32 readl(const volatile void __iomem *a) { return dmacosim_mmio_read(__dmacosim_addr(a), 4); }
static inline void writeb(u8 v, volatile void __iomem *a) { dmacosim_mmio_write(v, __dmacosim_addr(a), 1, 1); }
static inline void writew(u16 v, volatile void __iomem *a) { dmacosim_mmio_write(v, __dmacosim_addr(a), 2, 1); }
static inline void writel(u32 v, volatile void __iomem *a) { dmacosim_mmio_write(v, __dmacosim_addr(a), 4, 1); }
#define readl_relaxed(a) readl(a)
static inline void writel_relaxed(u32 v, volatile void __iomem *a) { dmacosim_mmio_write(v, __dmacosim_addr(a), 4, 0); }

static inline void __iomem *ioremap(phys_addr_t offset, size_t size)
{
	(void)size;
	return (void __iomem *)(uintptr_t)offset;
}
static inline void iounmap(volatile void __iomem *addr) { (void)addr; }

/* asm/barrier.h */
#define wmb() dmacosim_barrier(DMACOSIM_WMB)
#define rmb() dmacosim_barrier(DMACOSIM_RMB)
#define mb() dmacosim_barrier(DMACOSIM_MB)
#define dma_wmb() wmb()
#define dma_rmb() rmb()
#endif
