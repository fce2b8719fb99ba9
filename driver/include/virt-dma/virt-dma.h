/* Virtual DMA channel support: the API of drivers/dma/virt-dma.h (Linux 6.1
 * structures and signatures), written for dmacosim from that API. One file
 * for both builds of a provider: in the kernel, the functions declared
 * extern here are exported by virt-dma.c; in dmacosim they are in
 * driver/linux_c/virt-dma.c. The static inlines are the header's.
 *
 * Descriptor life: prep (vchan_tx_prep: desc_allocated) -> submit
 * (vchan_tx_submit: cookie, desc_submitted) -> issue (vchan_issue_pending:
 * desc_issued) -> taken off by the driver when it starts it -> done
 * (vchan_cookie_complete: desc_completed, tasklet scheduled) -> the tasklet
 * runs the callback and frees it (or returns it to desc_allocated with
 * DMA_CTRL_REUSE). Terminated ones wait on desc_terminated for
 * vchan_synchronize(). vc->lock is IRQ-safe everywhere. */
#ifndef VIRT_DMA_H
#define VIRT_DMA_H

#include <linux/dmaengine.h>
#include <linux/interrupt.h>

#include "dmaengine.h"

struct virt_dma_desc {
	struct dma_async_tx_descriptor tx;
	struct dmaengine_result tx_result;
	/* protected by vc.lock */
	struct list_head node;
};

struct virt_dma_chan {
	struct dma_chan chan;
	struct tasklet_struct task;
	void (*desc_free)(struct virt_dma_desc *);

	spinlock_t lock;

	/* protected by vc.lock */
	struct list_head desc_allocated;
	struct list_head desc_submitted;
	struct list_head desc_issued;
	struct list_head desc_completed;
	struct list_head desc_terminated;

	struct virt_dma_desc *cyclic;
};

static inline struct virt_dma_chan *to_virt_chan(struct dma_chan *chan)
{
	return container_of(chan, struct virt_dma_chan, chan);
}

void vchan_dma_desc_free_list(struct virt_dma_chan *vc, struct list_head *head);
void vchan_init(struct virt_dma_chan *vc, struct dma_device *dmadev);
struct virt_dma_desc *vchan_find_desc(struct virt_dma_chan *vc, dma_cookie_t cookie);
extern dma_cookie_t vchan_tx_submit(struct dma_async_tx_descriptor *tx);
extern int vchan_tx_desc_free(struct dma_async_tx_descriptor *tx);

/* Set up a prepared descriptor and put it on desc_allocated. */
static inline struct dma_async_tx_descriptor *vchan_tx_prep(struct virt_dma_chan *vc, struct virt_dma_desc *vd,
							    unsigned long tx_flags)
{
	unsigned long flags;

	dma_async_tx_descriptor_init(&vd->tx, &vc->chan);
	vd->tx.flags = (enum dma_ctrl_flags)tx_flags;
	vd->tx.tx_submit = vchan_tx_submit;
	vd->tx.desc_free = vchan_tx_desc_free;
	vd->tx_result.result = DMA_TRANS_NOERROR;
	vd->tx_result.residue = 0;

	spin_lock_irqsave(&vc->lock, flags);
	list_add_tail(&vd->node, &vc->desc_allocated);
	spin_unlock_irqrestore(&vc->lock, flags);
	return &vd->tx;
}

/* Move the submitted descriptors to the issued list; true if any is issued. */
static inline bool vchan_issue_pending(struct virt_dma_chan *vc)
{
	lockdep_assert_held(&vc->lock);
	list_splice_tail_init(&vc->desc_submitted, &vc->desc_issued);
	return !list_empty(&vc->desc_issued);
}

/* A descriptor is done: its cookie completes, the tasklet runs its callback. */
static inline void vchan_cookie_complete(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	lockdep_assert_held(&vc->lock);
	dma_cookie_complete(&vd->tx);
	list_add_tail(&vd->node, &vc->desc_completed);
	tasklet_schedule(&vc->task);
}

/* Free a finished descriptor, or return it to desc_allocated when reusable. */
static inline void vchan_vdesc_fini(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	if (dmaengine_desc_test_reuse(&vd->tx)) {
		unsigned long flags;

		spin_lock_irqsave(&vc->lock, flags);
		list_add(&vd->node, &vc->desc_allocated);
		spin_unlock_irqrestore(&vc->lock, flags);
	} else {
		vc->desc_free(vd);
	}
}

/* A period of a cyclic descriptor elapsed: one callback per tasklet run. */
static inline void vchan_cyclic_callback(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	vc->cyclic = vd;
	tasklet_schedule(&vc->task);
}

/* Park a descriptor the driver took off the hardware for vchan_synchronize(). */
static inline void vchan_terminate_vdesc(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	lockdep_assert_held(&vc->lock);
	list_add_tail(&vd->node, &vc->desc_terminated);
	if (vc->cyclic == vd)
		vc->cyclic = NULL;
}

/* The next issued descriptor, or NULL. */
static inline struct virt_dma_desc *vchan_next_desc(struct virt_dma_chan *vc)
{
	lockdep_assert_held(&vc->lock);
	return list_first_entry_or_null(&vc->desc_issued, struct virt_dma_desc, node);
}

/* Collect every descriptor of the channel on `head`. */
static inline void vchan_get_all_descriptors(struct virt_dma_chan *vc, struct list_head *head)
{
	lockdep_assert_held(&vc->lock);
	list_splice_tail_init(&vc->desc_allocated, head);
	list_splice_tail_init(&vc->desc_submitted, head);
	list_splice_tail_init(&vc->desc_issued, head);
	list_splice_tail_init(&vc->desc_completed, head);
	list_splice_tail_init(&vc->desc_terminated, head);
}

/* Free every descriptor of the channel, reusable ones included. */
static inline void vchan_free_chan_resources(struct virt_dma_chan *vc)
{
	struct virt_dma_desc *vd;
	unsigned long flags;
	LIST_HEAD(head);

	spin_lock_irqsave(&vc->lock, flags);
	vchan_get_all_descriptors(vc, &head);
	list_for_each_entry(vd, &head, node)
		dmaengine_desc_clear_reuse(&vd->tx);
	spin_unlock_irqrestore(&vc->lock, flags);

	vchan_dma_desc_free_list(vc, &head);
}

/* Wait for running callbacks, then finish the terminated descriptors. */
static inline void vchan_synchronize(struct virt_dma_chan *vc)
{
	LIST_HEAD(head);
	unsigned long flags;

	tasklet_kill(&vc->task);

	spin_lock_irqsave(&vc->lock, flags);
	list_splice_tail_init(&vc->desc_terminated, &head);
	spin_unlock_irqrestore(&vc->lock, flags);

	vchan_dma_desc_free_list(vc, &head);
}
#endif
