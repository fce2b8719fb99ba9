// Virtual DMA channel support (drivers/dma/virt-dma.{h,c}, ~v4.16-5.5).
//
// Descriptor life: prep -> desc_allocated (vchan_tx_prep) -> desc_submitted
// (vchan_tx_submit, cookie assigned) -> desc_issued (vchan_issue_pending) ->
// removed by the driver when it starts on hardware -> desc_completed
// (vchan_cookie_complete) -> callback + free in the tasklet (vchan_complete).
// Cyclic descriptors never complete: vchan_cyclic_callback() schedules the
// period callback.
//
// Locking as in Linux: vc->lock is IRQ-safe everywhere (irqsave; plain
// spin_lock only in hardirq; the tasklet takes it _irq), callbacks run from
// the tasklet with the lock DROPPED.
//
// dmacosim extension (documented choice): vchan_cyclic_callback() also counts
// the periods (virt_dma_desc::cyclic_periods) and vchan_complete() invokes the
// cyclic callback once per counted period, so a late tasklet merges the
// *interrupts* but never loses a period callback (Linux merges them into one
// callback). If a callback terminates the channel, the remaining merged
// period callbacks are dropped (terminate never runs callbacks of aborted
// descriptors).
#pragma once
#include <list>

#include "driver/dmaengine/dmaengine.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/spinlock.h"

namespace dmacosim::dmaengine {

struct virt_dma_desc {
  dma_async_tx_descriptor tx;
  dmaengine_result tx_result;
  unsigned cyclic_periods = 0;  // dmacosim: periods elapsed since the last cyclic callback
};

struct virt_dma_chan {
  dma_chan chan;
  kernel::tasklet_struct task;
  void (*desc_free)(virt_dma_desc* vd) = nullptr;
  kernel::spinlock_t lock;
  std::list<virt_dma_desc*> desc_allocated;
  std::list<virt_dma_desc*> desc_submitted;
  std::list<virt_dma_desc*> desc_issued;
  std::list<virt_dma_desc*> desc_completed;
  std::list<virt_dma_desc*> desc_terminated;
  virt_dma_desc* cyclic = nullptr;
  unsigned terminate_gen = 0;  // dmacosim: bumped by vchan_terminate_vdesc
};

// container_of: `chan` / `tx` are the first members (offset 0), and a
// provider embeds virt_dma_chan / virt_dma_desc as its first member too.
inline virt_dma_chan* to_virt_chan(dma_chan* chan) { return reinterpret_cast<virt_dma_chan*>(chan); }
inline virt_dma_desc* to_virt_desc(dma_async_tx_descriptor* tx) { return reinterpret_cast<virt_dma_desc*>(tx); }

// `tasklet_name` names the completion tasklet's context ("softirq:tasklet <name>").
void vchan_init(virt_dma_chan* vc, dma_device* dmadev, const char* tasklet_name = "vchan_complete");
dma_async_tx_descriptor* vchan_tx_prep(virt_dma_chan* vc, virt_dma_desc* vd, unsigned long tx_flags);
dma_cookie_t vchan_tx_submit(dma_async_tx_descriptor* tx);
int vchan_tx_desc_free(dma_async_tx_descriptor* tx);
// Lock held.
bool vchan_issue_pending(virt_dma_chan* vc);
void vchan_cookie_complete(virt_dma_desc* vd);
void vchan_cyclic_callback(virt_dma_desc* vd);
void vchan_terminate_vdesc(virt_dma_desc* vd);
virt_dma_desc* vchan_next_desc(virt_dma_chan* vc);  // first issued or nullptr
virt_dma_desc* vchan_find_desc(virt_dma_chan* vc, dma_cookie_t cookie);  // issued list only
void vchan_get_all_descriptors(virt_dma_chan* vc, std::list<virt_dma_desc*>* head);
// Lock not held.
void vchan_dma_desc_free_list(virt_dma_chan* vc, std::list<virt_dma_desc*>* head);
void vchan_free_chan_resources(virt_dma_chan* vc);
void vchan_synchronize(virt_dma_chan* vc);  // may sleep (tasklet_kill)
void vchan_complete(virt_dma_chan* vc);     // the tasklet body

}  // namespace dmacosim::dmaengine
