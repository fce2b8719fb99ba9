// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel C exercising the Linux-compatible headers, for test_linux_c.cpp:
 * each function is one case, written as a driver would, returning 0 or the
 * number of the first expectation that failed. The C++ test checks what the
 * kernel model and validator saw.
 */
#include <linux/compiler.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/dmapool.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "c_api_cases.h"

/* driver/linux_c/c_platform.h, the board side (C linkage). */
struct platform_device *dmacosim_c_platform_device_add(const char *name, const char *compatible, uint64_t regs,
						       uint64_t regs_size, int irq, uint64_t coherent_base,
						       uint64_t coherent_size);
void dmacosim_c_platform_device_del(struct platform_device *pdev);

static DEFINE_SPINLOCK(static_lock);

struct c_obj {
	spinlock_t lock;
	struct tasklet_struct task;
	struct completion done;
	int tasklet_runs;
	int ran_in_softirq;
	int irqs_off_in_tasklet;
};

/* Every flavour: the IRQ / BH state inside and after, trylock on a held lock. */
int c_lock_flavours(void)
{
	struct c_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	unsigned long flags;
	int ret = 0;

	if (!o)
		return 100;
	spin_lock_init(&o->lock);

	spin_lock(&o->lock);
	if (!spin_is_locked(&o->lock))
		ret = 1;
	if (spin_trylock(&o->lock))
		ret = 2;
	spin_unlock(&o->lock);
	if (spin_is_locked(&o->lock))
		ret = 3;

	spin_lock_irq(&o->lock);
	if (!irqs_disabled())
		ret = 4;
	spin_unlock_irq(&o->lock);
	if (irqs_disabled())
		ret = 5;

	local_irq_disable();
	spin_lock_irqsave(&o->lock, flags);
	if (!irqs_disabled_flags(flags))
		ret = 6;
	spin_unlock_irqrestore(&o->lock, flags);
	if (!irqs_disabled())
		ret = 7; /* restored to "off" */
	local_irq_enable();

	spin_lock_bh(&o->lock);
	if (!in_softirq() || irqs_disabled())
		ret = 8;
	spin_unlock_bh(&o->lock);
	if (in_softirq())
		ret = 9;

	if (!spin_trylock_irqsave(&o->lock, flags))
		ret = 10;
	else
		spin_unlock_irqrestore(&o->lock, flags);

	spin_lock(&static_lock);
	spin_unlock(&static_lock);

	local_bh_disable();
	if (!in_softirq())
		ret = 11;
	local_bh_enable();

	kfree(o);
	return ret;
}

/* The 2010 bug shape: spin_unlock_bh() with IRQs off (V-BH-1) -- or, with
 * irqs_on, the same lock use that is fine. */
void c_spin_lock_bh_under_irqsave(int irqs_off)
{
	unsigned long flags = 0;
	struct c_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	spin_lock_init(&o->lock);
	if (irqs_off)
		local_irq_save(flags);
	spin_lock_bh(&o->lock);
	spin_unlock_bh(&o->lock);
	if (irqs_off)
		local_irq_restore(flags);
	kfree(o);
}

/* lockdep_assert_held() with (silent) and without (L-ASSERT) the lock. */
void c_assert_held(int held)
{
	struct c_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	unsigned long flags;

	spin_lock_init(&o->lock);
	spin_lock_irqsave(&o->lock, flags);
	if (!held)
		spin_unlock_irqrestore(&o->lock, flags);
	lockdep_assert_held(&o->lock);
	if (held)
		spin_unlock_irqrestore(&o->lock, flags);
	kfree(o);
}

/* kfree() of memory holding a lock still held (L-FREED) or released (silent). */
void c_kfree_held_lock(int held)
{
	struct c_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	spin_lock_init(&o->lock);
	spin_lock(&o->lock);
	if (!held)
		spin_unlock(&o->lock);
	kfree(o);
}

static struct c_obj tasklet_obj;

static void c_tasklet_fn(struct tasklet_struct *t)
{
	struct c_obj *o = from_tasklet(o, t, task);

	o->tasklet_runs++;
	o->ran_in_softirq = in_softirq() && !in_irq();
	o->irqs_off_in_tasklet = irqs_disabled();
	complete(&o->done);
}

/* A tasklet scheduled from process context runs in softirq context; the
 * completion wakes the waiter; tasklet_kill() waits for nothing left. */
int c_tasklet_and_completion(void)
{
	struct c_obj *o = &tasklet_obj;

	init_completion(&o->done);
	tasklet_setup(&o->task, c_tasklet_fn);
	local_bh_disable();
	tasklet_schedule(&o->task);
	if (o->tasklet_runs)
		return 1; /* BH disabled: not yet */
	local_bh_enable(); /* runs it */
	if (wait_for_completion_timeout(&o->done, msecs_to_jiffies(10)) == 0)
		return 2;
	if (o->tasklet_runs != 1 || !o->ran_in_softirq || o->irqs_off_in_tasklet)
		return 3;
	tasklet_schedule(&o->task);
	tasklet_kill(&o->task);
	if (o->tasklet_runs != 2)
		return 4;
	if (completion_done(&o->done) != true)
		return 5;
	return 0;
}

/* One stack frame with an on-stack completion: `fresh` says whether it was
 * still not done when declared (DECLARE_COMPLETION_ONSTACK), then it is
 * completed twice and waited once, leaving one completion behind. */
static noinline int c_onstack_completion_frame(uintptr_t *where, int *fresh)
{
	DECLARE_COMPLETION_ONSTACK(done);

	*where = (uintptr_t)&done;
	*fresh = !completion_done(&done);
	complete(&done);
	complete(&done);
	return wait_for_completion_timeout(&done, msecs_to_jiffies(1)) != 0 && completion_done(&done);
}

/* Two frames at the same depth put their completion at the same address:
 * the second must start fresh, not inherit the first one's count. */
int c_onstack_completions(uintptr_t *first, uintptr_t *second)
{
	int fresh1 = 0, fresh2 = 0;

	if (!c_onstack_completion_frame(first, &fresh1))
		return 1;
	if (!c_onstack_completion_frame(second, &fresh2))
		return 2;
	if (!fresh1)
		return 3;
	if (!fresh2)
		return 4;
	return 0;
}

static int irq_calls, irq_in_hardirq;

static irqreturn_t c_irq_handler(int irq, void *dev_id)
{
	int *cookie = dev_id;

	irq_calls++;
	irq_in_hardirq = in_irq() && irqs_disabled() && *cookie == 42;
	return IRQ_HANDLED;
}

static int irq_cookie = 42;

int c_request_irq(unsigned int irq)
{
	return request_irq(irq, c_irq_handler, 0, "c-test", &irq_cookie);
}

int c_irq_calls(void)
{
	return irq_in_hardirq ? irq_calls : -irq_calls;
}

void c_free_irq(unsigned int irq)
{
	free_irq(irq, &irq_cookie);
}

/* MMIO: a write then a read back through the modelled bus. */
u32 c_mmio_roundtrip(u64 addr, u32 value)
{
	void __iomem *base = ioremap(addr, 8);

	writel(value, base);
	writeb(0x5a, base + 4);
	return readl(base) ^ (readb(base + 4) == 0x5a ? 0 : 0xffffffffu);
}

/* Coherent memory: CPU stores reach the bus at writel() (or a barrier), not
 * before; writel_relaxed() gives no such ordering. */
struct c_coherent {
	struct platform_device *pdev;
	struct dma_pool *pool;
	u32 *cpu;
	dma_addr_t dma;
};
static struct c_coherent coh;

int c_pool_setup(u64 coherent_base, u64 coherent_size)
{
	coh.pdev = dmacosim_c_platform_device_add("c-test", "dmacosim,test", 0x40000000, 0x1000, 0, coherent_base,
						  coherent_size);
	if (!coh.pdev)
		return 3;
	coh.pool = dma_pool_create("c-test", &coh.pdev->dev, 32, 32, 0);
	if (!coh.pool)
		return 1;
	coh.cpu = dma_pool_zalloc(coh.pool, GFP_KERNEL, &coh.dma);
	return coh.cpu ? 0 : 2;
}

u64 c_pool_dma(void)
{
	return coh.dma;
}

void c_pool_store(u32 word, u32 value)
{
	coh.cpu[word] = value;
}

void c_doorbell(u64 mmio, int relaxed)
{
	if (relaxed)
		writel_relaxed(1, (void __iomem *)(uintptr_t)mmio);
	else
		writel(1, (void __iomem *)(uintptr_t)mmio);
}

void c_wmb(void)
{
	wmb();
}

u32 c_pool_load(u32 word)
{
	return coh.cpu[word];
}

u32 c_pool_load_after_rmb(u32 word)
{
	rmb();
	return coh.cpu[word];
}

void c_pool_teardown(void)
{
	dma_pool_free(coh.pool, coh.cpu, coh.dma);
	dma_pool_destroy(coh.pool);
	dmacosim_c_platform_device_del(coh.pdev);
}

/* A GFP_KERNEL allocation under a spinlock: sleeping in atomic context. */
void c_gfp_kernel_atomic(int atomic)
{
	struct c_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	unsigned long flags;
	void *p;

	spin_lock_init(&o->lock);
	spin_lock_irqsave(&o->lock, flags);
	p = kmalloc(64, atomic ? GFP_ATOMIC : GFP_KERNEL);
	spin_unlock_irqrestore(&o->lock, flags);
	kfree(p);
	kfree(o);
}

void c_udelay_msleep(void)
{
	udelay(3);
	msleep(2);
}

/* A C client of a C provider: request a channel by name (the board's dmas
 * map), memcpy between coherent buffers, completion callback, status. */
static struct completion client_done;

static void c_client_callback(void *param)
{
	complete(param);
}

int c_client_memcpy(u64 coherent_base, u64 coherent_size, unsigned int len)
{
	struct platform_device *pdev;
	struct dma_async_tx_descriptor *tx;
	struct dma_chan *chan;
	dma_addr_t src, dst;
	dma_cookie_t cookie;
	u8 *s, *d;
	unsigned int i;
	int ret = 0;

	pdev = dmacosim_c_platform_device_add("cclient", "dmacosim,test", 0x40000000, 0x1000, 0, coherent_base,
					      coherent_size);
	if (!pdev)
		return 1;
	chan = dma_request_chan(&pdev->dev, "rx");
	if (IS_ERR(chan)) {
		ret = 2;
		goto out_dev;
	}
	s = dma_alloc_coherent(&pdev->dev, len, &src, GFP_KERNEL);
	d = dma_alloc_coherent(&pdev->dev, len, &dst, GFP_KERNEL);
	if (!s || !d) {
		ret = 3;
		goto out_chan;
	}
	for (i = 0; i < len; i++) {
		s[i] = (u8)(i * 7 + 3);
		d[i] = 0;
	}
	init_completion(&client_done);
	tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx) {
		ret = 4;
		goto out_mem;
	}
	tx->callback = c_client_callback;
	tx->callback_param = &client_done;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie)) {
		ret = 5;
		goto out_mem;
	}
	dma_async_issue_pending(chan); /* its doorbell writel() puts the buffers on the bus */
	if (!wait_for_completion_timeout(&client_done, msecs_to_jiffies(100))) {
		ret = 6;
		goto out_mem;
	}
	if (dmaengine_tx_status(chan, cookie, NULL) != DMA_COMPLETE) {
		ret = 7;
		goto out_mem;
	}
	dma_rmb();
	for (i = 0; i < len && !ret; i++)
		if (d[i] != s[i])
			ret = 8;
out_mem:
	if (s)
		dma_free_coherent(&pdev->dev, len, s, src);
	if (d)
		dma_free_coherent(&pdev->dev, len, d, dst);
out_chan:
	dmaengine_terminate_sync(chan);
	dma_release_channel(chan);
out_dev:
	dmacosim_c_platform_device_del(pdev);
	return ret;
}

/* A spinlock in kzalloc()ed memory used without spin_lock_init(). */
void c_uninitialized_lock(int init)
{
	struct c_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (init)
		spin_lock_init(&o->lock);
	spin_lock(&o->lock);
	spin_unlock(&o->lock);
	kfree(o);
}
