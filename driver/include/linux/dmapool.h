/* DMA pools (include/linux/dmapool.h): blocks of the device's coherent
 * region, CPU addresses as dma_alloc_coherent()'s. */
#ifndef _LINUX_DMAPOOL_H
#define _LINUX_DMAPOOL_H
#include <linux/device.h>
#include <linux/gfp.h>
#include <dmacosim/bridge.h>

struct dma_pool;

static inline struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size, size_t align,
					       size_t boundary)
{
	return (struct dma_pool *)dmacosim_pool_create(name, dev->dmacosim_dev, size, align, boundary);
}
static inline void dma_pool_destroy(struct dma_pool *pool) { dmacosim_pool_destroy(pool); }
static inline void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	return dmacosim_pool_alloc(pool, gfpflags_allow_blocking(mem_flags), !!(mem_flags & __GFP_ZERO), handle);
}
static inline void *dma_pool_zalloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	return dma_pool_alloc(pool, mem_flags | __GFP_ZERO, handle);
}
static inline void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t addr)
{
	dmacosim_pool_free(pool, vaddr, addr);
}
#endif
