// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmacosim-dmac: dmaengine provider for the dmacosim DMA controller RTL
 * (docs/dmac-spec.md, registers in the generated dmac_regs.h), in kernel C
 * on virt-dma. The same file builds as a Linux module (Kbuild here) and
 * runs in dmacosim over driver/include; only the include paths differ.
 *
 * Capabilities: DMA_MEMCPY, DMA_SLAVE (slave_sg, MEM_TO_DEV / DEV_TO_MEM),
 * DMA_CYCLIC (a ring of period descriptors, an interrupt per period). One
 * transaction per channel on the hardware at a time; the next issued one is
 * started from the completion path.
 *
 * Locking: vc.lock is taken irqsave everywhere (plain spin_lock in the
 * hardirq handler, _irq in the tasklet); the hardirq handler acknowledges,
 * completes cookies, counts periods and starts the next transfer; callbacks
 * run from the vchan tasklet with the lock dropped.
 *
 * legacy_bh=1 is the 2010 driver structure: tx_submit and issue_pending take
 * the channel lock with spin_lock_bh(), so the hardirq handler must not take
 * it: it only acknowledges and latches the status and schedules the channel
 * tasklet, which does the completion work under the lock and runs the
 * callbacks. Under a caller with IRQs off (ALSA's trigger) spin_unlock_bh()
 * is the bug the 2010 reports were about.
 *
 * Errors: ERR_CODE DATA_WRITE -> DMA_TRANS_WRITE_FAILED, any other code ->
 * DMA_TRANS_READ_FAILED; the transaction completes through callback_result
 * with the bytes not transferred as residue, tx_status says DMA_ERROR for its
 * cookie, and the channel stays halted until dmaengine_terminate_*().
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/dmapool.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_dma.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "dmac_regs.h"
#include "dmaengine.h"
#include "virt-dma.h"

#define DMAC_MAX_HW_DESCS 4096
#define DMAC_PAUSE_POLL_LIMIT 100000	/* dmac_pause: reads of STATUS waiting for PAUSED */
#define DMAC_ALL_IRQS (DMAC_IRQ_TC | DMAC_IRQ_ERR | DMAC_IRQ_ABORT)

static bool legacy_bh;
module_param(legacy_bh, bool, 0444);
MODULE_PARM_DESC(legacy_bh,
		 "2010 locking: spin_lock_bh in tx_submit/issue_pending, completion in a tasklet");

struct dmac_hw {
	dma_addr_t phys;
	u32 *cpu;	/* the descriptor in coherent memory */
	u32 len;
};

struct dmac_desc {
	struct virt_dma_desc vd;
	bool cyclic;
	size_t total;
	unsigned int nr_hw;
	struct dmac_hw hw[];
};

struct dmac_device;

struct dmac_chan {
	struct virt_dma_chan vc;	/* vc.lock protects what says "vc.lock" */
	/* fixed after probe */
	struct dmac_device *d;
	unsigned int id;
	void __iomem *base;
	/*
	 * Slave configuration: written by device_config under vc.lock; the
	 * preps read it without (a client does not reconfigure a channel it
	 * prepares on); alloc/free_chan_resources reset it with no user left.
	 */
	struct dma_slave_config cfg;
	bool cfg_valid;
	int req_line;		/* from the dmas specifier (xlate); as cfg */
	/*
	 * protected by vc.lock (alloc_chan_resources resets halted and
	 * err_cookie with no transfer on the channel)
	 */
	struct dmac_desc *active;	/* on the hardware */
	bool paused;
	bool aborting;		/* CTRL.ABORT written, abort not seen finished */
	bool halted;		/* error seen, waiting for terminate */
	dma_cookie_t err_cookie;
	u32 tc_seen;		/* TC_COUNT at the last look */
	/*
	 * legacy_bh: status latched by the hardirq handler, which cannot take
	 * vc.lock there (spin_lock_bh users); protected by IRQs off: the
	 * handler runs with them off, every other user holds vc.lock irqsave.
	 */
	u32 pending_irq;
	struct tasklet_struct task;	/* legacy_bh: the completion tasklet (fixed after probe) */
};

/* Fixed after probe. */
struct dmac_device {
	struct dma_device ddev;
	void __iomem *regs;
	int irq;
	unsigned int nr_channels, nr_requests, data_bytes;
	struct dma_pool *pool;
	struct dmac_chan *chans;
};

static struct dmac_chan *to_dmac_chan(struct dma_chan *chan)
{
	return container_of(chan, struct dmac_chan, vc.chan);
}

static struct dmac_desc *to_dmac_desc(struct virt_dma_desc *vd)
{
	return container_of(vd, struct dmac_desc, vd);
}

static u32 chan_readl(struct dmac_chan *c, u32 off)
{
	return readl(c->base + off);
}

static void chan_writel(struct dmac_chan *c, u32 val, u32 off)
{
	writel(val, c->base + off);
}

static u32 chan_state(struct dmac_chan *c)
{
	u32 status = chan_readl(c, DMAC_CH_STATUS);

	return (status & DMAC_CH_STATUS_STATE_MASK) >> DMAC_CH_STATUS_STATE_SHIFT;
}

/* ---------------------------------------------------------------- descriptors */

static void dmac_desc_free(struct virt_dma_desc *vd)
{
	struct dmac_desc *desc = to_dmac_desc(vd);
	struct dmac_chan *c = to_dmac_chan(vd->tx.chan);
	unsigned int i;

	for (i = 0; i < desc->nr_hw; i++)
		if (desc->hw[i].cpu)
			dma_pool_free(c->d->pool, desc->hw[i].cpu, desc->hw[i].phys);
	kfree(desc);
}

static struct dmac_desc *dmac_desc_alloc(unsigned int nr_hw)
{
	struct dmac_desc *desc;

	if (!nr_hw || nr_hw > DMAC_MAX_HW_DESCS)
		return NULL;
	desc = kzalloc(sizeof(*desc) + nr_hw * sizeof(desc->hw[0]), GFP_NOWAIT);
	if (desc)
		desc->nr_hw = nr_hw;
	return desc;
}

/* Fill hardware descriptor i (its NEXT word is set by dmac_desc_link()). */
static int dmac_hw_set(struct dmac_chan *c, struct dmac_desc *desc, unsigned int i, dma_addr_t src,
		       dma_addr_t dst, u32 len, u32 ctrl)
{
	struct dmac_hw *h = &desc->hw[i];

	h->cpu = dma_pool_alloc(c->d->pool, GFP_NOWAIT, &h->phys);
	if (!h->cpu)
		return -ENOMEM;
	h->len = len;
	h->cpu[DMAC_DESC_SRC / 4] = lower_32_bits(src);
	h->cpu[DMAC_DESC_DST / 4] = lower_32_bits(dst);
	h->cpu[DMAC_DESC_LEN / 4] = len;
	h->cpu[DMAC_DESC_CTRL / 4] = ctrl;
	h->cpu[DMAC_DESC_STATUS / 4] = 0;
	h->cpu[DMAC_DESC_SW0 / 4] = i;
	return 0;
}

/* A slave transfer's descriptor: memory on one side, the peripheral FIFO on the other. */
static int dmac_hw_set_slave(struct dmac_chan *c, struct dmac_desc *desc, unsigned int i,
			     enum dma_transfer_direction dir, dma_addr_t mem, dma_addr_t fifo,
			     u32 len, u32 ctrl)
{
	if (dir == DMA_MEM_TO_DEV)
		return dmac_hw_set(c, desc, i, mem, fifo, len, ctrl);
	return dmac_hw_set(c, desc, i, fifo, mem, len, ctrl);
}

/* Chain the hardware descriptors (a ring when cyclic), then hand it to vchan. */
static struct dma_async_tx_descriptor *dmac_desc_link(struct dmac_chan *c, struct dmac_desc *desc,
						      unsigned long flags)
{
	struct dma_async_tx_descriptor *tx;
	unsigned int i;

	for (i = 0; i < desc->nr_hw; i++) {
		u32 next = 0;

		if (i + 1 < desc->nr_hw)
			next = lower_32_bits(desc->hw[i + 1].phys);
		else if (desc->cyclic)
			next = lower_32_bits(desc->hw[0].phys);
		desc->hw[i].cpu[DMAC_DESC_NEXT / 4] = next;
	}
	tx = vchan_tx_prep(&c->vc, &desc->vd, flags);
	tx->phys = desc->hw[0].phys;
	return tx;
}

static void dmac_desc_abandon(struct dmac_chan *c, struct dmac_desc *desc)
{
	desc->vd.tx.chan = &c->vc.chan;
	dmac_desc_free(&desc->vd);
}

static bool addr_ok(dma_addr_t a, size_t len)
{
	return a + len <= (1ULL << 32) && a + len >= a;
}

/* ---------------------------------------------------------------- hardware (lock held) */

/*
 * Bytes of desc not yet transferred, from CUR_DESC / REMAINING. The lock
 * keeps the CUR_DESC read (which latches REMAINING) and the REMAINING read
 * one pair, and desc on the hardware.
 */
static u32 dmac_residue(struct dmac_chan *c, struct dmac_desc *desc, enum dma_residue_granularity g)
{
	u32 cur, rem;
	unsigned int i, j;
	u64 r;

	lockdep_assert_held(&c->vc.lock);
	cur = chan_readl(c, DMAC_CH_CUR_DESC); /* latches REMAINING */
	rem = chan_readl(c, DMAC_CH_REMAINING);
	if (!cur)
		return desc->cyclic ? desc->total : 0;
	for (i = 0; i < desc->nr_hw && desc->hw[i].phys != cur; i++)
		;
	if (i == desc->nr_hw)
		return desc->total;
	r = (g == DMA_RESIDUE_GRANULARITY_SEGMENT || rem == 0xffffffffu || rem > desc->hw[i].len) ?
		    desc->hw[i].len : rem;
	for (j = i + 1; j < desc->nr_hw; j++)
		r += desc->hw[j].len;
	return (u32)r;
}

/*
 * Abort completion, the one place: terminate wrote CTRL.ABORT and the
 * channel is idle again, seen through the ABORT event (dmac_handle_status)
 * or through STATUS reading IDLE/ERROR while aborting (dmac_start_next,
 * dmac_synchronize): an abort that lands on a chain that just ended, or that
 * an error drain turns into an error stop, raises no ABORT event.
 */
static void dmac_abort_finished(struct dmac_chan *c)
{
	lockdep_assert_held(&c->vc.lock);
	c->aborting = false;
}

static bool dmac_state_idle(u32 st)
{
	return st == DMAC_STATE_IDLE || st == DMAC_STATE_ERROR;
}

/*
 * Start the first issued descriptor if the channel is free. The hardware
 * takes a doorbell only in IDLE or ERROR and enters that state in the same
 * clock as it raises a chain's last event (TC of the NEXT = 0 descriptor,
 * ABORT, ERR; docs/dmac-spec.md), so one STATUS read decides. Busy with no
 * abort pending breaks that contract: reported as dw_dmac's dwc_dostart()
 * does, nothing started; the descriptor stays issued and the channel's next
 * interrupt tries again.
 */
static void dmac_start_next(struct dmac_chan *c)
{
	struct virt_dma_desc *vd;
	u32 st;

	lockdep_assert_held(&c->vc.lock);
	if (c->active || c->halted || list_empty(&c->vc.desc_issued))
		return;
	st = chan_state(c);
	if (!dmac_state_idle(st)) {
		if (!c->aborting)
			dev_err(c->d->ddev.dev,
				"%s: BUG: Attempted to start non-idle channel (STATUS.STATE %u, no transfer of this driver on it): not started\n",
				dma_chan_name(&c->vc.chan), st);
		return;	/* aborting: the ABORT interrupt restarts us */
	}
	if (c->aborting)
		dmac_abort_finished(c);
	vd = vchan_next_desc(&c->vc);
	list_del(&vd->node);
	c->active = to_dmac_desc(vd);
	chan_writel(c, DMAC_ALL_IRQS, DMAC_CH_IRQ_STATUS); /* stale events of a previous run */
	c->pending_irq = 0;
	c->tc_seen = 0;	/* the doorbell clears TC_COUNT */
	chan_writel(c, lower_32_bits(c->active->hw[0].phys), DMAC_CH_DOORBELL);
}

/*
 * The descriptor is done (lock held). The fixed driver hands the callback to
 * the vchan tasklet; the legacy one runs in its own tasklet already, which
 * runs the callbacks right after.
 */
static void dmac_complete(struct dmac_chan *c, struct dmac_desc *desc)
{
	lockdep_assert_held(&c->vc.lock);
	if (!legacy_bh) {
		vchan_cookie_complete(&desc->vd);
		return;
	}
	dma_cookie_complete(&desc->vd.tx);
	list_add_tail(&desc->vd.node, &c->vc.desc_completed);
}

static void dmac_period_elapsed(struct dmac_chan *c, struct dmac_desc *desc)
{
	lockdep_assert_held(&c->vc.lock);
	if (!legacy_bh) {
		vchan_cyclic_callback(&desc->vd);
		return;
	}
	c->vc.cyclic = &desc->vd;
}

static void dmac_handle_status(struct dmac_chan *c, u32 st)
{
	struct dmac_desc *desc = c->active;

	lockdep_assert_held(&c->vc.lock);
	if (st & DMAC_IRQ_ABORT)
		dmac_abort_finished(c);
	if (desc && desc->cyclic && (st & (DMAC_IRQ_TC | DMAC_IRQ_ERR))) {
		/* TC_COUNT: periods ended since the last look (interrupts merge). */
		u32 cnt = chan_readl(c, DMAC_CH_TC_COUNT);

		if (cnt != c->tc_seen)
			dmac_period_elapsed(c, desc);
		c->tc_seen = cnt;
	}
	if (desc && (st & DMAC_IRQ_ERR)) {
		u32 status = chan_readl(c, DMAC_CH_STATUS);
		u32 code = (status & DMAC_CH_STATUS_ERR_CODE_MASK) >> DMAC_CH_STATUS_ERR_CODE_SHIFT;
		u32 addr = chan_readl(c, DMAC_CH_ERR_ADDR);

		desc->vd.tx_result.result = code == DMAC_ERR_DATA_WRITE ? DMA_TRANS_WRITE_FAILED :
									  DMA_TRANS_READ_FAILED;
		desc->vd.tx_result.residue = dmac_residue(c, desc, DMA_RESIDUE_GRANULARITY_BURST);
		c->err_cookie = desc->vd.tx.cookie;
		dev_warn(c->d->ddev.dev,
			 "%s: transfer error, ERR_CODE %u at 0x%08x (cookie %d): halted until terminate\n",
			 dma_chan_name(&c->vc.chan), code, addr, desc->vd.tx.cookie);
		dmac_complete(c, desc);
		c->active = NULL;
		c->halted = true;
	} else if (desc && !desc->cyclic && (st & DMAC_IRQ_TC)) {
		desc->vd.tx_result.result = DMA_TRANS_NOERROR;
		desc->vd.tx_result.residue = 0;
		dmac_complete(c, desc);
		c->active = NULL;
	}
	if (!c->active)
		dmac_start_next(c);
}

/* ---------------------------------------------------------------- interrupts */

static irqreturn_t dmac_irq_handler(int irq, void *dev_id)
{
	struct dmac_device *d = dev_id;
	u32 summary = readl(d->regs + DMAC_IRQ_SUMMARY);
	unsigned int n;

	if (!summary)
		return IRQ_NONE;
	for (n = 0; n < d->nr_channels; n++) {
		struct dmac_chan *c = &d->chans[n];
		u32 st;

		if (!(summary & BIT(n)))
			continue;
		if (!legacy_bh) {
			spin_lock(&c->vc.lock);
			st = chan_readl(c, DMAC_CH_IRQ_STATUS);
			chan_writel(c, st, DMAC_CH_IRQ_STATUS);
			dmac_handle_status(c, st);
			spin_unlock(&c->vc.lock);
		} else {
			/* 2010: acknowledge, latch, leave the rest to the tasklet */
			st = chan_readl(c, DMAC_CH_IRQ_STATUS);
			chan_writel(c, st, DMAC_CH_IRQ_STATUS);
			c->pending_irq |= st;
			tasklet_schedule(&c->task);
		}
	}
	return IRQ_HANDLED;
}

/* legacy_bh: the completion work of an interrupt, then the callbacks. */
static void dmac_legacy_tasklet(struct tasklet_struct *t)
{
	struct dmac_chan *c = from_tasklet(c, t, task);
	struct virt_dma_desc *vd, *_vd;
	struct dmaengine_desc_callback cb;
	unsigned long flags;
	LIST_HEAD(head);
	u32 st;

	spin_lock_irqsave(&c->vc.lock, flags);
	st = c->pending_irq;
	c->pending_irq = 0;
	if (st)
		dmac_handle_status(c, st);
	list_splice_tail_init(&c->vc.desc_completed, &head);
	vd = c->vc.cyclic;
	c->vc.cyclic = NULL;
	if (vd)
		dmaengine_desc_get_callback(&vd->tx, &cb);
	spin_unlock_irqrestore(&c->vc.lock, flags);

	if (vd)
		dmaengine_desc_callback_invoke(&cb, &vd->tx_result);

	list_for_each_entry_safe(vd, _vd, &head, node) {
		dmaengine_desc_get_callback(&vd->tx, &cb);
		list_del(&vd->node);
		dmaengine_desc_callback_invoke(&cb, &vd->tx_result);
		vchan_vdesc_fini(vd);
	}
}

/* ---------------------------------------------------------------- dma_device ops */

static dma_cookie_t dmac_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct dmac_chan *c = to_dmac_chan(tx->chan);
	struct virt_dma_desc *vd = container_of(tx, struct virt_dma_desc, tx);
	unsigned long flags = 0;
	dma_cookie_t cookie;

	if (legacy_bh)
		spin_lock_bh(&c->vc.lock);
	else
		spin_lock_irqsave(&c->vc.lock, flags);
	cookie = dma_cookie_assign(tx);
	list_move_tail(&vd->node, &c->vc.desc_submitted);
	if (legacy_bh)
		spin_unlock_bh(&c->vc.lock);
	else
		spin_unlock_irqrestore(&c->vc.lock, flags);
	return cookie;
}

static void dmac_issue_pending(struct dma_chan *chan)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	unsigned long flags = 0;

	if (legacy_bh)
		spin_lock_bh(&c->vc.lock);
	else
		spin_lock_irqsave(&c->vc.lock, flags);
	if (vchan_issue_pending(&c->vc) && !c->active)
		dmac_start_next(c);
	if (legacy_bh)
		spin_unlock_bh(&c->vc.lock);
	else
		spin_unlock_irqrestore(&c->vc.lock, flags);
}

static struct dma_async_tx_descriptor *dmac_prep_done(struct dmac_chan *c, struct dmac_desc *desc,
						      unsigned long flags)
{
	struct dma_async_tx_descriptor *tx = dmac_desc_link(c, desc, flags);

	tx->tx_submit = dmac_tx_submit;
	return tx;
}

static struct dma_async_tx_descriptor *dmac_prep_dma_memcpy(struct dma_chan *chan, dma_addr_t dst,
							    dma_addr_t src, size_t len,
							    unsigned long flags)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	const u32 ctrl = (DMAC_FLOW_MEM2MEM << DMAC_DESC_CTRL_FLOW_SHIFT) | DMAC_DESC_CTRL_SRC_INC |
			 DMAC_DESC_CTRL_DST_INC;
	struct dmac_desc *desc;
	unsigned int i;
	size_t off;

	if (!len || !addr_ok(src, len) || !addr_ok(dst, len))
		return NULL;
	desc = dmac_desc_alloc(DIV_ROUND_UP(len, DMAC_DESC_LEN_MAX));
	if (!desc)
		return NULL;
	desc->total = len;
	for (i = 0, off = 0; off < len; i++) {
		u32 chunk = min_t(size_t, len - off, DMAC_DESC_LEN_MAX);

		if (dmac_hw_set(c, desc, i, src + off, dst + off, chunk, ctrl))
			goto fail;
		off += chunk;
	}
	desc->hw[desc->nr_hw - 1].cpu[DMAC_DESC_CTRL / 4] |= DMAC_DESC_CTRL_IRQ;
	return dmac_prep_done(c, desc, flags);
fail:
	dmac_desc_abandon(c, desc);
	return NULL;
}

/* The peripheral side of a slave transfer, from the channel's config. */
static int dmac_slave_side(struct dmac_chan *c, enum dma_transfer_direction dir, dma_addr_t *fifo,
			   u32 *width, u32 *burst)
{
	if (!c->cfg_valid || c->req_line < 0 || c->req_line >= (int)c->d->nr_requests)
		return -EINVAL;
	if (dir == DMA_MEM_TO_DEV) {
		*fifo = c->cfg.dst_addr;
		*width = c->cfg.dst_addr_width;
		*burst = c->cfg.dst_maxburst;
	} else if (dir == DMA_DEV_TO_MEM) {
		*fifo = c->cfg.src_addr;
		*width = c->cfg.src_addr_width;
		*burst = c->cfg.src_maxburst;
	} else {
		return -EINVAL;
	}
	if (!*width || *width > c->d->data_bytes || !is_power_of_2(*width))
		return -EINVAL;
	if (*fifo % *width || !addr_ok(*fifo, *width))
		return -EINVAL;
	if (!*burst)
		*burst = 1;
	return *burst <= 256 ? 0 : -EINVAL;
}

static u32 dmac_slave_ctrl(struct dmac_chan *c, enum dma_transfer_direction dir, u32 width,
			   u32 burst)
{
	u32 flow = dir == DMA_MEM_TO_DEV ? DMAC_FLOW_MEM2PER : DMAC_FLOW_PER2MEM;
	u32 inc = dir == DMA_MEM_TO_DEV ? DMAC_DESC_CTRL_SRC_INC : DMAC_DESC_CTRL_DST_INC;

	return (flow << DMAC_DESC_CTRL_FLOW_SHIFT) | inc |
	       (ilog2(width) << DMAC_DESC_CTRL_WIDTH_SHIFT) |
	       ((burst - 1) << DMAC_DESC_CTRL_BURST_SHIFT) |
	       ((u32)c->req_line << DMAC_DESC_CTRL_REQ_SHIFT);
}

static struct dma_async_tx_descriptor *dmac_prep_slave_sg(struct dma_chan *chan,
							  struct scatterlist *sgl,
							  unsigned int sg_len,
							  enum dma_transfer_direction dir,
							  unsigned long flags, void *context)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	struct scatterlist *sg;
	struct dmac_desc *desc;
	unsigned int i, n = 0, k = 0;
	u32 width, burst, ctrl, max_chunk;
	dma_addr_t fifo;

	if (!sgl || !sg_len || dmac_slave_side(c, dir, &fifo, &width, &burst))
		return NULL;
	max_chunk = DMAC_DESC_LEN_MAX & ~(width - 1);
	for_each_sg(sgl, sg, sg_len, i) {
		if (!sg_dma_len(sg) || sg_dma_len(sg) % width ||
		    !addr_ok(sg_dma_address(sg), sg_dma_len(sg)))
			return NULL;
		n += DIV_ROUND_UP(sg_dma_len(sg), max_chunk);
	}
	desc = dmac_desc_alloc(n);
	if (!desc)
		return NULL;
	ctrl = dmac_slave_ctrl(c, dir, width, burst);
	for_each_sg(sgl, sg, sg_len, i) {
		dma_addr_t mem = sg_dma_address(sg);
		size_t len = sg_dma_len(sg), off;

		for (off = 0; off < len; k++) {
			u32 chunk = min_t(size_t, len - off, max_chunk);
			if (dmac_hw_set_slave(c, desc, k, dir, mem + off, fifo, chunk, ctrl))
				goto fail;
			off += chunk;
		}
		desc->total += len;
	}
	desc->hw[desc->nr_hw - 1].cpu[DMAC_DESC_CTRL / 4] |= DMAC_DESC_CTRL_IRQ;
	return dmac_prep_done(c, desc, flags);
fail:
	dmac_desc_abandon(c, desc);
	return NULL;
}

static struct dma_async_tx_descriptor *dmac_prep_dma_cyclic(struct dma_chan *chan,
							    dma_addr_t buf_addr, size_t buf_len,
							    size_t period_len,
							    enum dma_transfer_direction dir,
							    unsigned long flags)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	struct dmac_desc *desc;
	u32 width, burst, ctrl;
	dma_addr_t fifo;
	unsigned int i;

	if (!buf_len || !period_len || buf_len % period_len || period_len > DMAC_DESC_LEN_MAX)
		return NULL;
	if (dmac_slave_side(c, dir, &fifo, &width, &burst) || period_len % width ||
	    !addr_ok(buf_addr, buf_len))
		return NULL;
	desc = dmac_desc_alloc(buf_len / period_len);
	if (!desc)
		return NULL;
	desc->cyclic = true;
	desc->total = buf_len;
	ctrl = dmac_slave_ctrl(c, dir, width, burst) | DMAC_DESC_CTRL_IRQ; /* a TC per period */
	for (i = 0; i < desc->nr_hw; i++) {
		dma_addr_t mem = buf_addr + (dma_addr_t)i * period_len;
		if (dmac_hw_set_slave(c, desc, i, dir, mem, fifo, period_len, ctrl))
			goto fail;
	}
	return dmac_prep_done(c, desc, flags);
fail:
	dmac_desc_abandon(c, desc);
	return NULL;
}

static bool dmac_width_ok(struct dmac_chan *c, enum dma_slave_buswidth w)
{
	return w == DMA_SLAVE_BUSWIDTH_UNDEFINED ||
	       ((unsigned int)w <= c->d->data_bytes && is_power_of_2(w));
}

static int dmac_config(struct dma_chan *chan, struct dma_slave_config *cfg)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	unsigned long flags;

	if (!dmac_width_ok(c, cfg->src_addr_width) || !dmac_width_ok(c, cfg->dst_addr_width))
		return -EINVAL;
	if (cfg->src_maxburst > 256 || cfg->dst_maxburst > 256)
		return -EINVAL;
	if (cfg->device_fc)	/* no peripheral flow control in the hardware */
		return -EINVAL;
	spin_lock_irqsave(&c->vc.lock, flags);
	c->cfg = *cfg;
	c->cfg_valid = true;
	spin_unlock_irqrestore(&c->vc.lock, flags);
	return 0;
}

static enum dma_status dmac_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
				      struct dma_tx_state *txstate)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	enum dma_residue_granularity gran = c->d->ddev.residue_granularity;
	struct virt_dma_desc *vd;
	enum dma_status ret;
	unsigned long flags;
	u32 residue = 0;

	ret = dma_cookie_status(chan, cookie, txstate);
	spin_lock_irqsave(&c->vc.lock, flags);
	if (ret == DMA_COMPLETE) {
		if (c->err_cookie && cookie == c->err_cookie)
			ret = DMA_ERROR;
		spin_unlock_irqrestore(&c->vc.lock, flags);
		return ret;
	}
	if (c->active && c->active->vd.tx.cookie == cookie) {
		residue = dmac_residue(c, c->active, gran);
		if (c->paused)
			ret = DMA_PAUSED;
	} else {
		vd = vchan_find_desc(&c->vc, cookie);
		if (vd) {
			residue = to_dmac_desc(vd)->total;
		} else {
			list_for_each_entry(vd, &c->vc.desc_submitted, node)
				if (vd->tx.cookie == cookie)
					residue = to_dmac_desc(vd)->total;
		}
	}
	spin_unlock_irqrestore(&c->vc.lock, flags);
	dma_set_residue(txstate, residue);
	return ret;
}

static int dmac_pause(struct dma_chan *chan)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	unsigned long flags;
	unsigned int n = 0;
	int ret = 0;
	u32 st;

	spin_lock_irqsave(&c->vc.lock, flags);
	if (!c->paused && c->active) {
		chan_writel(c, DMAC_CH_CTRL_PAUSE, DMAC_CH_CTRL);
		st = chan_state(c);
		while (st == DMAC_STATE_ACTIVE && n++ < DMAC_PAUSE_POLL_LIMIT) {
			cpu_relax();
			st = chan_state(c);
		}
		if (st == DMAC_STATE_ACTIVE) {
			dev_err(c->d->ddev.dev, "%s: pause timed out\n", dma_chan_name(chan));
			ret = -ETIMEDOUT;
		}
		c->paused = true;
	}
	spin_unlock_irqrestore(&c->vc.lock, flags);
	return ret;
}

static int dmac_resume(struct dma_chan *chan)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&c->vc.lock, flags);
	if (!c->paused) {
		spin_unlock_irqrestore(&c->vc.lock, flags);
		return -EINVAL;
	}
	chan_writel(c, 0, DMAC_CH_CTRL);
	c->paused = false;
	spin_unlock_irqrestore(&c->vc.lock, flags);
	return 0;
}

static int dmac_terminate_all(struct dma_chan *chan)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	unsigned long flags;
	LIST_HEAD(head);
	LIST_HEAD(parked);
	u32 st;

	spin_lock_irqsave(&c->vc.lock, flags);
	/*
	 * A descriptor whose abort still runs may be read by the hardware until
	 * the ABORT event: it stays parked for dmac_synchronize().
	 */
	if (c->aborting)
		list_splice_tail_init(&c->vc.desc_terminated, &parked);
	vchan_get_all_descriptors(&c->vc, &head);
	list_splice_tail_init(&parked, &c->vc.desc_terminated);
	if (c->active) {
		st = chan_state(c);
		if (st == DMAC_STATE_ACTIVE || st == DMAC_STATE_PAUSED || st == DMAC_STATE_ERROR) {
			chan_writel(c, DMAC_CH_CTRL_ABORT, DMAC_CH_CTRL); /* also clears PAUSE */
			c->aborting = true;
		} else if (c->paused) {
			chan_writel(c, 0, DMAC_CH_CTRL);
		}
		vchan_terminate_vdesc(&c->active->vd);
		c->active = NULL;
	} else if (c->halted && chan_state(c) == DMAC_STATE_ERROR) {
		chan_writel(c, DMAC_CH_CTRL_ABORT, DMAC_CH_CTRL);
		c->aborting = true;
	} else if (c->paused) {
		chan_writel(c, 0, DMAC_CH_CTRL);
	}
	c->paused = false;
	c->halted = false;
	c->pending_irq = 0;
	spin_unlock_irqrestore(&c->vc.lock, flags);
	vchan_dma_desc_free_list(&c->vc, &head);
	return 0;
}

static void dmac_synchronize(struct dma_chan *chan)
{
	struct dmac_chan *c = to_dmac_chan(chan);
	unsigned long flags;
	unsigned int i;
	bool done = false;

	/* After the abort the hardware touches no memory of the terminated ones. */
	for (i = 0; i < 10000 && !done; i++) {
		spin_lock_irqsave(&c->vc.lock, flags);
		if (c->aborting && dmac_state_idle(chan_state(c))) {
			dmac_abort_finished(c);
			dmac_start_next(c);
		}
		done = !c->aborting;
		spin_unlock_irqrestore(&c->vc.lock, flags);
		if (!done)
			usleep_range(1, 2);
	}
	if (!done)
		dev_err(c->d->ddev.dev, "%s: abort did not finish\n", dma_chan_name(chan));
	if (legacy_bh)
		tasklet_kill(&c->task);
	vchan_synchronize(&c->vc);
}

static int dmac_alloc_chan_resources(struct dma_chan *chan)
{
	struct dmac_chan *c = to_dmac_chan(chan);

	c->cfg_valid = false;
	c->halted = false;
	c->err_cookie = 0;
	return 0;
}

static void dmac_free_chan_resources(struct dma_chan *chan)
{
	struct dmac_chan *c = to_dmac_chan(chan);

	dmac_terminate_all(chan);
	dmac_synchronize(chan);
	vchan_free_chan_resources(&c->vc);
	c->cfg_valid = false;
	c->req_line = -1;
}

/* dmas = <&dmac line> or <&dmac line channel>. */
static struct dma_chan *dmac_of_xlate(struct of_phandle_args *dma_spec, struct of_dma *ofdma)
{
	struct dmac_device *d = ofdma->of_dma_data;
	struct dma_chan *chan;
	struct dmac_chan *c;

	if (dma_spec->args_count < 1 || dma_spec->args[0] >= d->nr_requests)
		return ERR_PTR(-EINVAL);
	if (dma_spec->args_count >= 2) {
		if (dma_spec->args[1] >= d->nr_channels)
			return ERR_PTR(-EINVAL);
		chan = &d->chans[dma_spec->args[1]].vc.chan;
		if (chan->client_count)
			return NULL;
	} else {
		chan = dma_get_any_slave_channel(&d->ddev);
		if (!chan)
			return NULL;
	}
	c = to_dmac_chan(chan);
	c->req_line = dma_spec->args[0];
	return chan;
}

/* ---------------------------------------------------------------- probe / remove */

static int dmac_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct dma_device *dd;
	struct dmac_device *d;
	unsigned int n, w;
	u32 caps0, caps1;
	int ret;

	d = devm_kzalloc(dev, sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(d->regs))
		return PTR_ERR(d->regs);
	d->irq = platform_get_irq(pdev, 0);
	if (d->irq < 0)
		return d->irq;
	if (readl(d->regs + DMAC_ID) != DMAC_ID_VALUE) {
		dev_err(dev, "bad ID register\n");
		return -ENODEV;
	}
	caps0 = readl(d->regs + DMAC_CAPS0);
	caps1 = readl(d->regs + DMAC_CAPS1);
	d->nr_channels = (caps0 & DMAC_CAPS0_NUM_CH_MASK) >> DMAC_CAPS0_NUM_CH_SHIFT;
	d->nr_requests = (caps0 & DMAC_CAPS0_NUM_REQ_MASK) >> DMAC_CAPS0_NUM_REQ_SHIFT;
	d->data_bytes = (caps0 & DMAC_CAPS0_DATA_BYTES_MASK) >> DMAC_CAPS0_DATA_BYTES_SHIFT;
	(void)caps1;
	d->chans = devm_kcalloc(dev, d->nr_channels, sizeof(*d->chans), GFP_KERNEL);
	if (!d->chans)
		return -ENOMEM;
	d->pool = dma_pool_create(dev_name(dev), dev, DMAC_DESC_SIZE, DMAC_DESC_ALIGN, 0);
	if (!d->pool)
		return -ENOMEM;

	dd = &d->ddev;
	dd->dev = dev;
	INIT_LIST_HEAD(&dd->channels);
	dma_cap_zero(dd->cap_mask);
	dma_cap_set(DMA_MEMCPY, dd->cap_mask);
	dma_cap_set(DMA_SLAVE, dd->cap_mask);
	dma_cap_set(DMA_CYCLIC, dd->cap_mask);
	for (w = 1; w <= d->data_bytes; w <<= 1)
		dd->src_addr_widths |= BIT(w);
	dd->dst_addr_widths = dd->src_addr_widths;
	dd->directions = BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM);
	dd->min_burst = 1;
	dd->max_burst = 256;
	dd->residue_granularity = DMA_RESIDUE_GRANULARITY_BURST;
	dd->copy_align = DMAENGINE_ALIGN_1_BYTE;
	dd->device_alloc_chan_resources = dmac_alloc_chan_resources;
	dd->device_free_chan_resources = dmac_free_chan_resources;
	dd->device_prep_dma_memcpy = dmac_prep_dma_memcpy;
	dd->device_prep_slave_sg = dmac_prep_slave_sg;
	dd->device_prep_dma_cyclic = dmac_prep_dma_cyclic;
	dd->device_config = dmac_config;
	dd->device_pause = dmac_pause;
	dd->device_resume = dmac_resume;
	dd->device_terminate_all = dmac_terminate_all;
	dd->device_synchronize = dmac_synchronize;
	dd->device_tx_status = dmac_tx_status;
	dd->device_issue_pending = dmac_issue_pending;

	for (n = 0; n < d->nr_channels; n++) {
		struct dmac_chan *c = &d->chans[n];

		c->d = d;
		c->id = n;
		c->base = d->regs + DMAC_CH_BASE(n);
		c->req_line = -1;
		c->vc.desc_free = dmac_desc_free;
		vchan_init(&c->vc, dd);
		tasklet_setup(&c->task, dmac_legacy_tasklet);
		writel(0, c->base + DMAC_CH_CTRL);
		writel(DMAC_ALL_IRQS, c->base + DMAC_CH_IRQ_STATUS);
		writel(DMAC_ALL_IRQS, c->base + DMAC_CH_IRQ_MASK);
	}

	ret = request_irq(d->irq, dmac_irq_handler, 0, dev_name(dev), d);
	if (ret)
		goto err_pool;
	ret = dma_async_device_register(dd);
	if (ret)
		goto err_irq;
	ret = of_dma_controller_register(dev->of_node, dmac_of_xlate, d);
	if (ret)
		goto err_unregister;
	platform_set_drvdata(pdev, d);
	dev_info(dev, "%u channels, %u request lines%s\n", d->nr_channels, d->nr_requests,
		 legacy_bh ? ", legacy_bh locking" : "");
	return 0;

err_unregister:
	dma_async_device_unregister(dd);
err_irq:
	free_irq(d->irq, d);
err_pool:
	for (n = 0; n < d->nr_channels; n++) {
		tasklet_kill(&d->chans[n].task);
		tasklet_kill(&d->chans[n].vc.task);
	}
	dma_pool_destroy(d->pool);
	return ret;
}

static int dmac_remove(struct platform_device *pdev)
{
	struct dmac_device *d = platform_get_drvdata(pdev);
	unsigned int n;

	of_dma_controller_free(pdev->dev.of_node);
	dma_async_device_unregister(&d->ddev);
	for (n = 0; n < d->nr_channels; n++) {
		struct dmac_chan *c = &d->chans[n];

		dmac_terminate_all(&c->vc.chan);
		dmac_synchronize(&c->vc.chan);
		chan_writel(c, 0, DMAC_CH_IRQ_MASK);
		chan_writel(c, DMAC_ALL_IRQS, DMAC_CH_IRQ_STATUS);
	}
	free_irq(d->irq, d);
	for (n = 0; n < d->nr_channels; n++) {
		tasklet_kill(&d->chans[n].task);
		tasklet_kill(&d->chans[n].vc.task);
		vchan_free_chan_resources(&d->chans[n].vc);
	}
	dma_pool_destroy(d->pool);
	return 0;
}

static const struct of_device_id dmac_of_match[] = {
	{ .compatible = "dmacosim,dmac-1.0" },
	{}
};
MODULE_DEVICE_TABLE(of, dmac_of_match);

static struct platform_driver dmac_driver = {
	.probe = dmac_probe,
	.remove = dmac_remove,
	.driver = {
		.name = "dmacosim-dmac",
		.of_match_table = dmac_of_match,
	},
};
module_platform_driver(dmac_driver);

MODULE_DESCRIPTION("dmacosim DMA controller driver");
MODULE_LICENSE("GPL");
