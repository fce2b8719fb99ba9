// kmalloc/kfree over malloc, with the object sizes kept so kfree() can check
// the whole object for held locks (the slab knows its object size).
#include "slab.h"

#include <cstdlib>
#include <cstring>
#include <map>

#include "kernel.h"
#include "models/log.h"
#include "sched.h"

namespace dmacosim::kernel {

static std::map<const void*, size_t>& sizes() {
  static std::map<const void*, size_t> m;
  return m;
}

void* kmalloc(size_t size, unsigned gfp, const char* file, int line) {
  if (gfp == 0 && kernel_exists() && this_kernel().current()) __might_sleep(file, line, 0);
  void* p = std::malloc(size ? size : 1);
  if (p) sizes()[p] = size;
  return p;
}

void* kzalloc(size_t size, unsigned gfp, const char* file, int line) {
  void* p = kmalloc(size, gfp, file, line);
  if (p) std::memset(p, 0, size);
  return p;
}

size_t ksize(const void* p) {
  auto it = sizes().find(p);
  return it == sizes().end() ? 0 : it->second;
}

void kfree(const void* p) {
  if (!p) return;
  auto it = sizes().find(p);
  if (it == sizes().end()) {
    log_error("kernel", strfmt("BUG: kfree() of %p, which kmalloc() did not return", p));
    return;
  }
  if (kernel_exists()) this_kernel().lockdep().debug_check_no_locks_freed(p, it->second);
  sizes().erase(it);
  std::free(const_cast<void*>(p));
}

}  // namespace dmacosim::kernel
