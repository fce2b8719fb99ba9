/* kmalloc/kzalloc/kfree (include/linux/slab.h subset), the kernel model's:
 * a GFP_KERNEL allocation is a sleep point, kfree() of memory holding a
 * held lock is reported (L-FREED). */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H
#include <linux/gfp.h>
#include <dmacosim/bridge.h>

#define kmalloc(size, gfp) \
	dmacosim_kmalloc((size), gfpflags_allow_blocking(gfp), !!((gfp) & __GFP_ZERO), __FILE__, __LINE__)
#define kzalloc(size, gfp) dmacosim_kmalloc((size), gfpflags_allow_blocking(gfp), 1, __FILE__, __LINE__)
#define kcalloc(n, size, gfp) kzalloc((n) * (size), gfp)
#define kfree(p) dmacosim_kfree(p)
#define ksize(p) dmacosim_ksize(p)
#endif
