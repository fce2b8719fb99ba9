// Coherent DMA memory (include/linux/dma-mapping.h, dmapool.h) carved from a
// reserved region of the simulated RAM.
//
// The simulated RAM is only reachable through the bus, so the "kernel virtual
// address" returned by dma_alloc_coherent() is identity-mapped to the bus
// address (void* holding dma_handle): CPU accesses go through
// this_kernel().cpu().memcpy_to_bus()/memcpy_from_bus()/readl()/writel().
// The allocators have no preemption point inside (pure host bookkeeping), so
// they are atomic on this single CPU and usable from any context (GFP_NOWAIT).
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "driver/dmaengine/dmaengine.h"

namespace dmacosim::dmaengine {

// Reserve [phys_addr, phys_addr + size) of bus memory for `dev`'s coherent
// allocations (the "shared-dma-pool" reserved-memory region). 0 or -EINVAL.
int dma_declare_coherent_memory(device* dev, dma_addr_t phys_addr, dma_addr_t device_addr, size_t size);
void dma_release_coherent_memory(device* dev);
// Returns nullptr (and no handle) if the region is exhausted or undeclared.
void* dma_alloc_coherent(device* dev, size_t size, dma_addr_t* dma_handle, gfp_t gfp);
void dma_free_coherent(device* dev, size_t size, void* cpu_addr, dma_addr_t dma_handle);
size_t dma_coherent_bytes_in_use(device* dev);  // diagnostics (leak checks)

struct dma_pool;
dma_pool* dma_pool_create(const char* name, device* dev, size_t size, size_t align, size_t boundary);
void dma_pool_destroy(dma_pool* pool);
void* dma_pool_alloc(dma_pool* pool, gfp_t mem_flags, dma_addr_t* handle);
void* dma_pool_zalloc(dma_pool* pool, gfp_t mem_flags, dma_addr_t* handle);  // zeroes through the bus
void dma_pool_free(dma_pool* pool, void* vaddr, dma_addr_t addr);
size_t dma_pool_blocks_in_use(const dma_pool* pool);

}  // namespace dmacosim::dmaengine
