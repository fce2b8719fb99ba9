// Virtual DMA channel support (drivers/dma/virt-dma.{c,h}, Linux 6.1). See virt-dma.h.
#include "driver/dmaengine/virt-dma.h"

#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/trace_event.h"

namespace dmacosim::dmaengine {

using namespace dmacosim::kernel;

// ---------------------------------------------------------------- virt-dma.c

dma_cookie_t vchan_tx_submit(dma_async_tx_descriptor* tx) {
  virt_dma_chan* vc = to_virt_chan(tx->chan);
  virt_dma_desc* vd = to_virt_desc(tx);
  unsigned long flags;
  dma_cookie_t cookie;

  spin_lock_irqsave(&vc->lock, flags);
  cookie = dma_cookie_assign(tx);

  list_move_tail(&vd->node, &vc->desc_submitted);
  spin_unlock_irqrestore(&vc->lock, flags);

  return cookie;
}

// Frees a reusable descriptor (the other way: clear DMA_CTRL_REUSE and
// submit it one last time). Reached through dmaengine_desc_free(), which
// refuses descriptors without DMA_CTRL_REUSE.
int vchan_tx_desc_free(dma_async_tx_descriptor* tx) {
  virt_dma_chan* vc = to_virt_chan(tx->chan);
  virt_dma_desc* vd = to_virt_desc(tx);
  unsigned long flags;

  spin_lock_irqsave(&vc->lock, flags);
  list_del(&vd->node);
  spin_unlock_irqrestore(&vc->lock, flags);

  if (trace_events_on()) trace_async_end(vd->tx.trace_id);
  vc->desc_free(vd);
  return 0;
}

virt_dma_desc* vchan_find_desc(virt_dma_chan* vc, dma_cookie_t cookie) {
  lockdep_assert_held(&vc->lock);
  virt_dma_desc* vd;
  list_for_each_entry(vd, &vc->desc_issued, node) {
    if (vd->tx.cookie == cookie) return vd;
  }
  return nullptr;
}

// The tasklet: callbacks of the completed descriptors and at most one cyclic
// callback, however many periods elapsed since the last run.
void vchan_complete(virt_dma_chan* vc) {
  KFUNC("vchan_complete");
  virt_dma_desc *vd, *_vd;
  dmaengine_desc_callback cb;
  LIST_HEAD(head);

  spin_lock_irq(&vc->lock);
  list_splice_tail_init(&vc->desc_completed, &head);
  vd = vc->cyclic;
  if (vd) {
    vc->cyclic = nullptr;
    dmaengine_desc_get_callback(&vd->tx, &cb);
  } else {
    cb = dmaengine_desc_callback{};
  }
  spin_unlock_irq(&vc->lock);

  dmaengine_desc_callback_invoke(&cb, vd ? &vd->tx_result : nullptr);

  list_for_each_entry_safe(vd, _vd, &head, node) {
    dmaengine_desc_get_callback(&vd->tx, &cb);

    list_del(&vd->node);
    // Callback before fini: fini may free (or hand back for reuse) the descriptor.
    dmaengine_desc_callback_invoke(&cb, &vd->tx_result);
    vchan_vdesc_fini(vd);
  }
}

void vchan_dma_desc_free_list(virt_dma_chan* vc, list_head* head) {
  virt_dma_desc *vd, *_vd;
  (void)vc;

  list_for_each_entry_safe(vd, _vd, head, node) {
    list_del(&vd->node);
    vchan_vdesc_fini(vd);
  }
}

void vchan_init(virt_dma_chan* vc, dma_device* dmadev, const char* tasklet_name) {
  dma_cookie_init(&vc->chan);

  spin_lock_init(&vc->lock, "&vc->lock");
  INIT_LIST_HEAD(&vc->desc_allocated);
  INIT_LIST_HEAD(&vc->desc_submitted);
  INIT_LIST_HEAD(&vc->desc_issued);
  INIT_LIST_HEAD(&vc->desc_completed);
  INIT_LIST_HEAD(&vc->desc_terminated);

  tasklet_setup(&vc->task, [vc](tasklet_struct*) { vchan_complete(vc); }, tasklet_name);

  vc->chan.device = dmadev;
  dmadev->channels.push_back(&vc->chan);
}

// ---------------------------------------------------------------- virt-dma.h (static inlines)

dma_async_tx_descriptor* vchan_tx_prep(virt_dma_chan* vc, virt_dma_desc* vd, unsigned long tx_flags) {
  unsigned long flags;

  dma_async_tx_descriptor_init(&vd->tx, &vc->chan);
  vd->tx.flags = tx_flags;
  vd->tx.tx_submit = vchan_tx_submit;
  vd->tx.desc_free = vchan_tx_desc_free;

  vd->tx_result.result = DMA_TRANS_NOERROR;
  vd->tx_result.residue = 0;
  vd->tx.trace_id = trace_events_on() ? dmaengine_trace_desc_begin(&vd->tx) : 0;

  spin_lock_irqsave(&vc->lock, flags);
  list_add_tail(&vd->node, &vc->desc_allocated);
  spin_unlock_irqrestore(&vc->lock, flags);

  return &vd->tx;
}

bool vchan_issue_pending(virt_dma_chan* vc) {
  lockdep_assert_held(&vc->lock);

  if (trace_events_on()) {
    virt_dma_desc* vd;
    list_for_each_entry(vd, &vc->desc_submitted, node) trace_async_step(vd->tx.trace_id, "issued");
  }
  list_splice_tail_init(&vc->desc_submitted, &vc->desc_issued);
  return !list_empty(&vc->desc_issued);
}

void vchan_cookie_complete(virt_dma_desc* vd) {
  virt_dma_chan* vc = to_virt_chan(vd->tx.chan);

  lockdep_assert_held(&vc->lock);

  dma_cookie_complete(&vd->tx);
  list_add_tail(&vd->node, &vc->desc_completed);

  tasklet_schedule(&vc->task);
}

void vchan_vdesc_fini(virt_dma_desc* vd) {
  virt_dma_chan* vc = to_virt_chan(vd->tx.chan);

  if (trace_events_on()) {
    trace_async_end(vd->tx.trace_id);
    vd->tx.trace_id = 0;
  }

  if (dmaengine_desc_test_reuse(&vd->tx)) {
    unsigned long flags;

    spin_lock_irqsave(&vc->lock, flags);
    list_add(&vd->node, &vc->desc_allocated);
    spin_unlock_irqrestore(&vc->lock, flags);
  } else {
    vc->desc_free(vd);
  }
}

void vchan_cyclic_callback(virt_dma_desc* vd) {
  virt_dma_chan* vc = to_virt_chan(vd->tx.chan);

  vc->cyclic = vd;
  tasklet_schedule(&vc->task);
}

void vchan_terminate_vdesc(virt_dma_desc* vd) {
  virt_dma_chan* vc = to_virt_chan(vd->tx.chan);

  lockdep_assert_held(&vc->lock);

  if (trace_events_on()) trace_async_step(vd->tx.trace_id, "terminated");
  list_add_tail(&vd->node, &vc->desc_terminated);

  if (vc->cyclic == vd) vc->cyclic = nullptr;
}

virt_dma_desc* vchan_next_desc(virt_dma_chan* vc) {
  lockdep_assert_held(&vc->lock);

  virt_dma_desc* vd = list_first_entry_or_null(&vc->desc_issued, virt_dma_desc, node);
  // The driver takes the next descriptor to program it into the hardware.
  if (vd && trace_events_on()) trace_async_step(vd->tx.trace_id, "on hardware");
  return vd;
}

void vchan_get_all_descriptors(virt_dma_chan* vc, list_head* head) {
  lockdep_assert_held(&vc->lock);

  list_splice_tail_init(&vc->desc_allocated, head);
  list_splice_tail_init(&vc->desc_submitted, head);
  list_splice_tail_init(&vc->desc_issued, head);
  list_splice_tail_init(&vc->desc_completed, head);
  list_splice_tail_init(&vc->desc_terminated, head);
}

void vchan_free_chan_resources(virt_dma_chan* vc) {
  virt_dma_desc* vd;
  unsigned long flags;
  LIST_HEAD(head);

  spin_lock_irqsave(&vc->lock, flags);
  vchan_get_all_descriptors(vc, &head);
  list_for_each_entry(vd, &head, node) dmaengine_desc_clear_reuse(&vd->tx);
  spin_unlock_irqrestore(&vc->lock, flags);

  vchan_dma_desc_free_list(vc, &head);
}

// Waits for scheduled or running callbacks, then finishes the terminated
// descriptors (freed, or back on desc_allocated if reusable). The caller
// must not schedule new callbacks meanwhile.
void vchan_synchronize(virt_dma_chan* vc) {
  LIST_HEAD(head);
  unsigned long flags;

  tasklet_kill(&vc->task);

  spin_lock_irqsave(&vc->lock, flags);

  list_splice_tail_init(&vc->desc_terminated, &head);

  spin_unlock_irqrestore(&vc->lock, flags);

  vchan_dma_desc_free_list(vc, &head);
}

}  // namespace dmacosim::dmaengine
