// The kernel-C headers are also valid C++17 (so C++ code may share them):
// every header in one translation unit, built with -Wall -Werror as part of
// the build (a header that is not valid C++ fails the build).
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/bottom_half.h>
#include <linux/compiler.h>
#include <linux/completion.h>
#include <linux/container_of.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/dmapool.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/of_dma.h>
#include <linux/platform_device.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

#include "dmaengine.h"
#include "virt-dma.h"

// The layouts the proxies rely on (driver/linux_c/bridge.cpp).
static_assert(sizeof(struct dma_tx_state) == 16, "dma_tx_state: four 32-bit fields, as Linux");
static_assert(sizeof(struct dmaengine_result) == 8, "dmaengine_result: enum + u32, as Linux");
static_assert(offsetof(struct virt_dma_desc, tx) == 0, "virt_dma_desc starts with its tx");
static_assert(DMA_TX_TYPE_END == 16, "enum dma_transaction_type as Linux 6.1");

// A use of the inline API from C++ (not run: compiled only).
int dmacosim_headers_cxx_use(struct virt_dma_chan* vc, struct list_head* head) {
  unsigned long flags;
  LIST_HEAD(local);
  spin_lock_irqsave(&vc->lock, flags);
  vchan_get_all_descriptors(vc, &local);
  list_splice_tail_init(&local, head);
  spin_unlock_irqrestore(&vc->lock, flags);
  return list_empty(head) ? -ENODEV : (int)ilog2(BIT(3));
}
