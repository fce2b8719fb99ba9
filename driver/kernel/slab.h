// kmalloc/kzalloc/kfree (include/linux/slab.h). kfree() runs
// debug_check_no_locks_freed() over the object: freeing memory that holds a
// lock the current task still holds is "WARNING: held lock freed!"
// (L-FREED). `gfp`: 0 (GFP_KERNEL) may sleep, so it is a might_sleep()
// point (V-SLEEP-1 in atomic context); any other value (GFP_ATOMIC,
// GFP_NOWAIT) does not. The numbers are dmaengine.h's GFP_* values.
#pragma once
#include <cstddef>

namespace dmacosim::kernel {

void* kmalloc(size_t size, unsigned gfp, const char* file = __builtin_FILE(), int line = __builtin_LINE());
void* kzalloc(size_t size, unsigned gfp, const char* file = __builtin_FILE(), int line = __builtin_LINE());
void kfree(const void* p);
size_t ksize(const void* p);  // the size kmalloc() was asked for (0 if not ours)

}  // namespace dmacosim::kernel
