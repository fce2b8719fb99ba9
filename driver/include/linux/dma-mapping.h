/* Coherent DMA memory (include/linux/dma-mapping.h subset), from the
 * device's reserved region of the simulated RAM. The CPU address is host
 * memory mirrored to the bus: the CPU's stores reach the bus at the next
 * writel() or write barrier, device writes are seen after rmb()/dma_rmb(). */
#ifndef _LINUX_DMA_MAPPING_H
#define _LINUX_DMA_MAPPING_H
#include <linux/device.h>
#include <linux/gfp.h>
#include <dmacosim/bridge.h>

#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))

static inline void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp)
{
	return dmacosim_coherent_alloc(dev->dmacosim_dev, size, dma_handle, gfpflags_allow_blocking(gfp));
}
static inline void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle)
{
	dmacosim_coherent_free(dev->dmacosim_dev, size, cpu_addr, dma_handle);
}
/* The platform's DMA masters address 32 bits: larger masks are accepted. */
static inline int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	(void)dev;
	return mask < DMA_BIT_MASK(32) ? -EIO : 0;
}
#endif
