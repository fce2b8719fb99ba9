// Virtual DMA channel support (drivers/dma/virt-dma.c). See virt-dma.h.
#include "driver/dmaengine/virt-dma.h"

#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"

namespace dmacosim::dmaengine {

using namespace dmacosim::kernel;

static void list_del(std::list<virt_dma_desc*>& l, virt_dma_desc* vd) { l.remove(vd); }
static void list_splice_tail_init(std::list<virt_dma_desc*>& from, std::list<virt_dma_desc*>& to) {
  to.splice(to.end(), from);
}

dma_cookie_t vchan_tx_submit(dma_async_tx_descriptor* tx) {
  virt_dma_chan* vc = to_virt_chan(tx->chan);
  virt_dma_desc* vd = to_virt_desc(tx);
  unsigned long flags;
  spin_lock_irqsave(&vc->lock, flags);
  dma_cookie_t cookie = dma_cookie_assign(tx);
  list_del(vc->desc_allocated, vd);
  vc->desc_submitted.push_back(vd);
  spin_unlock_irqrestore(&vc->lock, flags);
  return cookie;
}

int vchan_tx_desc_free(dma_async_tx_descriptor* tx) {
  virt_dma_chan* vc = to_virt_chan(tx->chan);
  virt_dma_desc* vd = to_virt_desc(tx);
  unsigned long flags;
  spin_lock_irqsave(&vc->lock, flags);
  list_del(vc->desc_allocated, vd);
  spin_unlock_irqrestore(&vc->lock, flags);
  vc->desc_free(vd);
  return 0;
}

dma_async_tx_descriptor* vchan_tx_prep(virt_dma_chan* vc, virt_dma_desc* vd, unsigned long tx_flags) {
  dma_async_tx_descriptor_init(&vd->tx, &vc->chan);
  vd->tx.flags = tx_flags;
  vd->tx.tx_submit = vchan_tx_submit;
  vd->tx.desc_free = vchan_tx_desc_free;
  vd->tx_result.result = DMA_TRANS_NOERROR;
  vd->tx_result.residue = 0;
  vd->cyclic_periods = 0;
  unsigned long flags;
  spin_lock_irqsave(&vc->lock, flags);
  vc->desc_allocated.push_back(vd);
  spin_unlock_irqrestore(&vc->lock, flags);
  return &vd->tx;
}

bool vchan_issue_pending(virt_dma_chan* vc) {
  lockdep_assert_held(&vc->lock);
  list_splice_tail_init(vc->desc_submitted, vc->desc_issued);
  return !vc->desc_issued.empty();
}

void vchan_cookie_complete(virt_dma_desc* vd) {
  virt_dma_chan* vc = to_virt_chan(vd->tx.chan);
  lockdep_assert_held(&vc->lock);
  dma_cookie_complete(&vd->tx);
  vc->desc_completed.push_back(vd);
  tasklet_schedule(&vc->task);
}

void vchan_cyclic_callback(virt_dma_desc* vd) {
  virt_dma_chan* vc = to_virt_chan(vd->tx.chan);
  vc->cyclic = vd;
  vd->cyclic_periods++;
  tasklet_schedule(&vc->task);
}

void vchan_terminate_vdesc(virt_dma_desc* vd) {
  virt_dma_chan* vc = to_virt_chan(vd->tx.chan);
  lockdep_assert_held(&vc->lock);
  vc->desc_terminated.push_back(vd);
  if (vc->cyclic == vd) vc->cyclic = nullptr;
  vd->cyclic_periods = 0;
  vc->terminate_gen++;
}

virt_dma_desc* vchan_next_desc(virt_dma_chan* vc) {
  return vc->desc_issued.empty() ? nullptr : vc->desc_issued.front();
}

virt_dma_desc* vchan_find_desc(virt_dma_chan* vc, dma_cookie_t cookie) {
  for (virt_dma_desc* vd : vc->desc_issued)
    if (vd->tx.cookie == cookie) return vd;
  return nullptr;
}

void vchan_get_all_descriptors(virt_dma_chan* vc, std::list<virt_dma_desc*>* head) {
  lockdep_assert_held(&vc->lock);
  list_splice_tail_init(vc->desc_allocated, *head);
  list_splice_tail_init(vc->desc_submitted, *head);
  list_splice_tail_init(vc->desc_issued, *head);
  list_splice_tail_init(vc->desc_completed, *head);
  // desc_terminated is NOT taken here: a terminated descriptor may still be
  // read by hardware until the abort finished; it is freed by
  // vchan_synchronize() (the ~v4.16-5.5 vd_terminated rule) or at free time.
  vc->terminate_gen++;
}

static void vchan_vdesc_fini(virt_dma_desc* vd) {
  virt_dma_chan* vc = to_virt_chan(vd->tx.chan);
  if (vd->tx.flags & DMA_CTRL_REUSE) {
    unsigned long flags;
    spin_lock_irqsave(&vc->lock, flags);
    vc->desc_allocated.push_back(vd);
    spin_unlock_irqrestore(&vc->lock, flags);
  } else {
    vc->desc_free(vd);
  }
}

void vchan_dma_desc_free_list(virt_dma_chan* vc, std::list<virt_dma_desc*>* head) {
  while (!head->empty()) {
    virt_dma_desc* vd = head->front();
    head->pop_front();
    vc->desc_free(vd);
  }
}

void vchan_complete(virt_dma_chan* vc) {
  KFUNC("vchan_complete");
  std::list<virt_dma_desc*> head;
  dmaengine_desc_callback cb;
  dmaengine_result cyclic_result;
  unsigned periods = 0, gen;

  spin_lock_irq(&vc->lock);
  list_splice_tail_init(vc->desc_completed, head);
  virt_dma_desc* vd = vc->cyclic;
  if (vd) {
    vc->cyclic = nullptr;
    periods = vd->cyclic_periods;
    vd->cyclic_periods = 0;
    dmaengine_desc_get_callback(&vd->tx, &cb);
    cyclic_result = vd->tx_result;
  }
  gen = vc->terminate_gen;
  spin_unlock_irq(&vc->lock);

  // Callbacks with the lock dropped: they may prep/submit/issue/terminate.
  for (unsigned i = 0; i < periods; ++i) {
    if (i > 0) {
      spin_lock_irq(&vc->lock);
      bool terminated = vc->terminate_gen != gen;
      spin_unlock_irq(&vc->lock);
      if (terminated) break;
    }
    dmaengine_desc_callback_invoke(&cb, &cyclic_result);
  }

  while (!head.empty()) {
    virt_dma_desc* d = head.front();
    head.pop_front();
    dmaengine_desc_get_callback(&d->tx, &cb);
    dmaengine_desc_callback_invoke(&cb, &d->tx_result);
    vchan_vdesc_fini(d);
  }
}

void vchan_synchronize(virt_dma_chan* vc) {
  std::list<virt_dma_desc*> head;
  tasklet_kill(&vc->task);
  unsigned long flags;
  spin_lock_irqsave(&vc->lock, flags);
  list_splice_tail_init(vc->desc_terminated, head);
  spin_unlock_irqrestore(&vc->lock, flags);
  vchan_dma_desc_free_list(vc, &head);
}

void vchan_free_chan_resources(virt_dma_chan* vc) {
  std::list<virt_dma_desc*> head;
  unsigned long flags;
  spin_lock_irqsave(&vc->lock, flags);
  vchan_get_all_descriptors(vc, &head);
  list_splice_tail_init(vc->desc_terminated, head);
  spin_unlock_irqrestore(&vc->lock, flags);
  vchan_dma_desc_free_list(vc, &head);
}

void vchan_init(virt_dma_chan* vc, dma_device* dmadev, const char* tasklet_name) {
  dma_cookie_init(&vc->chan);
  spin_lock_init(&vc->lock, "&vc->lock");
  vc->desc_allocated.clear();
  vc->desc_submitted.clear();
  vc->desc_issued.clear();
  vc->desc_completed.clear();
  vc->desc_terminated.clear();
  vc->cyclic = nullptr;
  tasklet_setup(&vc->task, [vc](tasklet_struct*) { vchan_complete(vc); }, tasklet_name);
  vc->chan.device = dmadev;
  dmadev->channels.push_back(&vc->chan);
}

}  // namespace dmacosim::dmaengine
