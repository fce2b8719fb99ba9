// Virtual DMA channel support (drivers/dma/virt-dma.{h,c}, Linux 6.1).
//
// Descriptor life: prep -> desc_allocated (vchan_tx_prep) -> desc_submitted
// (vchan_tx_submit: new cookie, list_move_tail) -> desc_issued
// (vchan_issue_pending) -> taken off by the driver when it starts on
// hardware -> desc_completed (vchan_cookie_complete) -> in the tasklet
// (vchan_complete): callback, then vchan_vdesc_fini(): freed, or back on
// desc_allocated if DMA_CTRL_REUSE is set. Terminated descriptors are parked
// on desc_terminated (vchan_terminate_vdesc) and finished by
// vchan_synchronize() or the next vchan_get_all_descriptors().
//
// Each descriptor is on one list at a time (an embedded list_head): a
// descriptor submitted twice is re-cookied and moved to the tail of
// desc_submitted, as in Linux.
//
// Cyclic descriptors never complete: vchan_cyclic_callback() only records
// the descriptor in vc->cyclic and schedules the tasklet, so periods that
// elapse before the tasklet runs give ONE callback. Clients must compute
// the position from the residue (dmaengine_tx_status), not count callbacks.
//
// Locking as in Linux: vc->lock is IRQ-safe everywhere (irqsave; plain
// spin_lock only in hardirq; the tasklet takes it _irq); callbacks run from
// the tasklet with the lock dropped.
#pragma once
#include "driver/dmaengine/dmaengine.h"
#include "driver/dmaengine/list.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/spinlock.h"

namespace dmacosim::dmaengine {

struct virt_dma_desc {
  dma_async_tx_descriptor tx;
  dmaengine_result tx_result;
  // protected by vc.lock
  list_head node;
};

struct virt_dma_chan {
  // chan, task, desc_free: set up at probe (vchan_init), fixed after.
  dma_chan chan;
  kernel::tasklet_struct task;
  void (*desc_free)(virt_dma_desc* vd) = nullptr;

  kernel::spinlock_t lock;

  // protected by vc.lock
  list_head desc_allocated;
  list_head desc_submitted;
  list_head desc_issued;
  list_head desc_completed;
  list_head desc_terminated;

  // protected by vc.lock: the cyclic descriptor whose period callback the
  // tasklet owes (vchan_cyclic_callback; one however many periods ended)
  virt_dma_desc* cyclic = nullptr;
};

// container_of: `chan` / `tx` are the first members (offset 0), and a
// provider embeds virt_dma_chan / virt_dma_desc as its first member too.
inline virt_dma_chan* to_virt_chan(dma_chan* chan) { return reinterpret_cast<virt_dma_chan*>(chan); }
inline virt_dma_desc* to_virt_desc(dma_async_tx_descriptor* tx) { return reinterpret_cast<virt_dma_desc*>(tx); }

void vchan_dma_desc_free_list(virt_dma_chan* vc, list_head* head);
// `tasklet_name` names the completion tasklet's context ("softirq:tasklet <name>").
void vchan_init(virt_dma_chan* vc, dma_device* dmadev, const char* tasklet_name = "vchan_complete");
virt_dma_desc* vchan_find_desc(virt_dma_chan* vc, dma_cookie_t cookie);  // issued list only; lock held
dma_cookie_t vchan_tx_submit(dma_async_tx_descriptor* tx);
int vchan_tx_desc_free(dma_async_tx_descriptor* tx);
// The tasklet body (static in Linux; a provider that runs its own tasklet
// calls it, see dmacosim-dmac legacy-bh).
void vchan_complete(virt_dma_chan* vc);

dma_async_tx_descriptor* vchan_tx_prep(virt_dma_chan* vc, virt_dma_desc* vd, unsigned long tx_flags);
bool vchan_issue_pending(virt_dma_chan* vc);         // lock held
void vchan_cookie_complete(virt_dma_desc* vd);       // lock held
void vchan_vdesc_fini(virt_dma_desc* vd);            // lock not held (takes it for reuse)
void vchan_cyclic_callback(virt_dma_desc* vd);       // lock held by the callers
void vchan_terminate_vdesc(virt_dma_desc* vd);       // lock held
virt_dma_desc* vchan_next_desc(virt_dma_chan* vc);   // lock held; first issued or nullptr
void vchan_get_all_descriptors(virt_dma_chan* vc, list_head* head);  // lock held
void vchan_free_chan_resources(virt_dma_chan* vc);
void vchan_synchronize(virt_dma_chan* vc);  // may sleep (tasklet_kill)

}  // namespace dmacosim::dmaengine
