// Coherent allocator and dma_pool (see dma-mapping.h).
#include "driver/dmaengine/dma-mapping.h"

#include <vector>

#include "driver/kernel/kernel.h"
#include "models/log.h"

namespace dmacosim::dmaengine {

namespace {

constexpr size_t kMinAlign = 32;  // a cache line: descriptors need 32
constexpr size_t kPageSize = 4096;

struct CoherentRegion {
  dma_addr_t base = 0;
  size_t size = 0;
  std::map<dma_addr_t, size_t> free;  // addr -> size, coalesced
  std::map<dma_addr_t, size_t> used;
  size_t in_use = 0;
};

std::map<const device*, CoherentRegion>& regions() {
  static std::map<const device*, CoherentRegion> r;
  return r;
}

size_t align_for(size_t size) {
  // Linux aligns coherent allocations to their page order; keep that up to a
  // page, and at least kMinAlign.
  size_t a = kMinAlign;
  while (a < size && a < kPageSize) a <<= 1;
  return a;
}

}  // namespace

int dma_declare_coherent_memory(device* dev, dma_addr_t phys_addr, dma_addr_t device_addr, size_t size) {
  if (!dev || !size || phys_addr != device_addr || (phys_addr % kMinAlign)) return -EINVAL;
  CoherentRegion r;
  r.base = phys_addr;
  r.size = size;
  r.free[phys_addr] = size;
  regions()[dev] = r;
  return 0;
}

void dma_release_coherent_memory(device* dev) { regions().erase(dev); }

void* dma_alloc_coherent(device* dev, size_t size, dma_addr_t* dma_handle, gfp_t) {
  auto it = regions().find(dev);
  if (it == regions().end() || size == 0) return nullptr;
  CoherentRegion& r = it->second;
  size_t sz = (size + kMinAlign - 1) & ~(kMinAlign - 1);
  size_t align = align_for(sz);
  for (auto f = r.free.begin(); f != r.free.end(); ++f) {
    dma_addr_t start = (f->first + align - 1) & ~dma_addr_t(align - 1);
    if (start + sz > f->first + f->second) continue;
    dma_addr_t fbase = f->first;
    size_t fsize = f->second;
    r.free.erase(f);
    if (start > fbase) r.free[fbase] = start - fbase;
    if (start + sz < fbase + fsize) r.free[start + sz] = fbase + fsize - (start + sz);
    r.used[start] = sz;
    r.in_use += sz;
    *dma_handle = start;
    return reinterpret_cast<void*>(static_cast<uintptr_t>(start));
  }
  log_warn("dma-mapping", std::string(dev_name(dev)) + ": coherent region exhausted");
  return nullptr;
}

void dma_free_coherent(device* dev, size_t, void* cpu_addr, dma_addr_t dma_handle) {
  auto it = regions().find(dev);
  if (it == regions().end()) return;
  CoherentRegion& r = it->second;
  auto u = r.used.find(dma_handle);
  if (u == r.used.end() || reinterpret_cast<uintptr_t>(cpu_addr) != dma_handle) {
    log_error("dma-mapping", "dma_free_coherent: bad address");
    return;
  }
  dma_addr_t a = u->first;
  size_t sz = u->second;
  r.used.erase(u);
  r.in_use -= sz;
  auto next = r.free.lower_bound(a);
  if (next != r.free.end() && a + sz == next->first) {
    sz += next->second;
    next = r.free.erase(next);
  }
  if (next != r.free.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == a) {
      prev->second += sz;
      return;
    }
  }
  r.free[a] = sz;
}

size_t dma_coherent_bytes_in_use(device* dev) {
  auto it = regions().find(dev);
  return it == regions().end() ? 0 : it->second.in_use;
}

// ---------------------------------------------------------------- dma_pool

struct dma_pool {
  std::string name;
  device* dev = nullptr;
  size_t size = 0;
  size_t align = 0;
  std::vector<dma_addr_t> pages;
  std::vector<dma_addr_t> free_blocks;
  size_t in_use = 0;
};

dma_pool* dma_pool_create(const char* name, device* dev, size_t size, size_t align, size_t boundary) {
  if (size == 0 || size > kPageSize) return nullptr;
  if (align == 0) align = 1;
  if (align & (align - 1)) return nullptr;
  auto* p = new dma_pool;
  p->name = name ? name : "pool";
  p->dev = dev;
  p->align = align;
  p->size = (size + align - 1) & ~(align - 1);
  (void)boundary;  // blocks never cross a page, and pages are the only boundary used here
  return p;
}

void dma_pool_destroy(dma_pool* pool) {
  if (!pool) return;
  if (pool->in_use) log_error("dma-mapping", "dma_pool_destroy " + pool->name + ", blocks still in use");
  for (dma_addr_t pg : pool->pages)
    dma_free_coherent(pool->dev, kPageSize, reinterpret_cast<void*>(static_cast<uintptr_t>(pg)), pg);
  delete pool;
}

void* dma_pool_alloc(dma_pool* pool, gfp_t mem_flags, dma_addr_t* handle) {
  if (pool->free_blocks.empty()) {
    dma_addr_t pg;
    if (!dma_alloc_coherent(pool->dev, kPageSize, &pg, mem_flags)) return nullptr;
    pool->pages.push_back(pg);
    for (size_t off = 0; off + pool->size <= kPageSize; off += pool->size) pool->free_blocks.push_back(pg + off);
  }
  dma_addr_t a = pool->free_blocks.back();
  pool->free_blocks.pop_back();
  pool->in_use++;
  *handle = a;
  return reinterpret_cast<void*>(static_cast<uintptr_t>(a));
}

void* dma_pool_zalloc(dma_pool* pool, gfp_t mem_flags, dma_addr_t* handle) {
  void* p = dma_pool_alloc(pool, mem_flags, handle);
  if (p) {
    std::vector<uint8_t> z(pool->size, 0);
    kernel::this_kernel().cpu().memcpy_to_bus(*handle, z.data(), z.size());
  }
  return p;
}

void dma_pool_free(dma_pool* pool, void* vaddr, dma_addr_t addr) {
  (void)vaddr;
  pool->free_blocks.push_back(addr);
  pool->in_use--;
}

size_t dma_pool_blocks_in_use(const dma_pool* pool) { return pool->in_use; }

}  // namespace dmacosim::dmaengine
