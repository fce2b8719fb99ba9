// SPDX-License-Identifier: GPL-2.0-only
/*
 * The C half of dmacosim's kernel-C support: what Linux keeps in
 * kernel/printk, drivers/base (platform bus, devres), drivers/dma/dmaengine.c
 * and of-dma.c, for C drivers, on top of the bridge to the C++ kernel model
 * (driver/include/dmacosim/bridge.h). C providers are registered with the
 * C++ dmaengine core as proxies; the dmacosim_c_* functions here are how the
 * C++ side calls their ops.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/device.h>
#include <linux/dmaengine.h>
#include <linux/errno.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/of_dma.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "driver/linux_c/c_platform_c.h"

/* ---------------------------------------------------------------- printk */

static int vprintk_src(const char *src, const char *fmt, va_list ap)
{
	char buf[512];
	int level = 4; /* the default message loglevel */
	int n;

	if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > 0 && (size_t)n < sizeof(buf) && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	dmacosim_printk(level, src, buf);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk_src("kernel", fmt, ap);
	va_end(ap);
	return n;
}

int dev_printk(const char *level, const struct device *dev, const char *fmt, ...)
{
	char f[384];
	va_list ap;
	int n;

	snprintf(f, sizeof(f), "%s%s", level, fmt);
	va_start(ap, fmt);
	n = vprintk_src(dev ? dev_name(dev) : "(NULL device *)", f, ap);
	va_end(ap);
	return n;
}

/* ---------------------------------------------------------------- tasklets, IRQs */

void dmacosim_c_tasklet_run(struct tasklet_struct *t)
{
	if (t->use_callback)
		t->callback(t);
	else
		t->func(t->data);
}

/* ---------------------------------------------------------------- devres */

struct devres {
	struct list_head node;
	size_t size;
	/* the allocation follows */
};

void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp)
{
	struct devres *dr = (struct devres *)kmalloc(sizeof(*dr) + size, gfp | __GFP_ZERO);

	if (!dr)
		return NULL;
	dr->size = size;
	list_add_tail(&dr->node, &dev->devres_head);
	return dr + 1;
}

void devm_kfree(struct device *dev, const void *p)
{
	struct devres *dr;

	list_for_each_entry(dr, &dev->devres_head, node) {
		if ((const void *)(dr + 1) == p) {
			list_del(&dr->node);
			kfree(dr);
			return;
		}
	}
	dev_err(dev, "devm_kfree: %p was not devm-allocated\n", p);
}

static void devres_release_all(struct device *dev)
{
	struct devres *dr;

	/* Reverse order of allocation, as drivers/base/devres.c. */
	while (!list_empty(&dev->devres_head)) {
		dr = list_last_entry(&dev->devres_head, struct devres, node);
		list_del(&dr->node);
		kfree(dr);
	}
}

/* ---------------------------------------------------------------- platform bus */

#define MAX_DRIVERS 8
static struct {
	struct platform_driver *drv;
	const char *modname;
} drivers[MAX_DRIVERS];
static unsigned int nr_drivers;

void dmacosim_platform_driver_add(struct platform_driver *drv, const char *modname)
{
	if (nr_drivers == MAX_DRIVERS) {
		fprintf(stderr, "dmacosim: too many C platform drivers (%s not loaded)\n", modname);
		return;
	}
	drivers[nr_drivers].drv = drv;
	drivers[nr_drivers].modname = modname;
	nr_drivers++;
}

int platform_driver_register(struct platform_driver *drv)
{
	dmacosim_platform_driver_add(drv, drv->driver.name);
	return 0;
}

void platform_driver_unregister(struct platform_driver *drv)
{
	unsigned int i;

	for (i = 0; i < nr_drivers; i++) {
		if (drivers[i].drv == drv) {
			drivers[i] = drivers[--nr_drivers];
			return;
		}
	}
}

int dmacosim_c_module_loaded(const char *modname)
{
	unsigned int i;

	for (i = 0; i < nr_drivers; i++)
		if (!strcmp(drivers[i].modname, modname))
			return 1;
	return 0;
}

/* A board device: the platform_device and what it owns. */
struct board_device {
	struct platform_device pdev;
	struct device_node node;
	struct resource res[2];
	char name[32];
	char compatible[64];
	struct platform_driver *bound;
};

struct platform_device *dmacosim_c_platform_device_add(const char *name, const char *compatible, uint64_t regs,
						       uint64_t regs_size, int irq, uint64_t coherent_base,
						       uint64_t coherent_size)
{
	struct board_device *b;

	if (!name || !compatible || !regs_size || irq < 0 || strlen(name) >= sizeof(b->name) ||
	    strlen(compatible) >= sizeof(b->compatible))
		return NULL;
	b = (struct board_device *)kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return NULL;
	strcpy(b->name, name);
	strcpy(b->compatible, compatible);
	b->node.name = b->name;
	b->node.compatible = b->compatible;
	b->res[0].start = regs;
	b->res[0].end = regs + regs_size - 1;
	b->res[0].name = b->name;
	b->res[0].flags = IORESOURCE_MEM;
	b->res[1].start = (resource_size_t)irq;
	b->res[1].end = (resource_size_t)irq;
	b->res[1].flags = IORESOURCE_IRQ;
	b->pdev.name = b->name;
	b->pdev.id = -1;
	b->pdev.num_resources = 2;
	b->pdev.resource = b->res;
	b->pdev.dev.init_name = b->name;
	b->pdev.dev.of_node = &b->node;
	INIT_LIST_HEAD(&b->pdev.dev.devres_head);
	b->pdev.dev.dmacosim_dev = dmacosim_device_new(b->name);
	if (coherent_size && dmacosim_device_declare_coherent(b->pdev.dev.dmacosim_dev, coherent_base, coherent_size)) {
		dmacosim_device_free(b->pdev.dev.dmacosim_dev);
		kfree(b);
		return NULL;
	}
	return &b->pdev;
}

static struct board_device *to_board(struct platform_device *pdev)
{
	return container_of(pdev, struct board_device, pdev);
}

static const struct of_device_id *match(const struct of_device_id *table, const char *compatible)
{
	for (; table && table->compatible[0]; table++)
		if (!strcmp(table->compatible, compatible))
			return table;
	return NULL;
}

int dmacosim_c_platform_probe(struct platform_device *pdev)
{
	struct board_device *b = to_board(pdev);
	unsigned int i;
	int ret;

	for (i = 0; i < nr_drivers; i++) {
		struct platform_driver *drv = drivers[i].drv;

		if (!match(drv->driver.of_match_table, b->compatible))
			continue;
		pdev->dev.driver = &drv->driver;
		ret = drv->probe(pdev);
		if (ret) {
			/* drivers/base/dd.c: a failed probe releases its devres. */
			devres_release_all(&pdev->dev);
			pdev->dev.driver = NULL;
			pdev->dev.driver_data = NULL;
			return ret;
		}
		b->bound = drv;
		return 0;
	}
	return -ENODEV;
}

int dmacosim_c_platform_remove(struct platform_device *pdev)
{
	struct board_device *b = to_board(pdev);
	int ret = 0;

	if (!b->bound)
		return -ENODEV;
	if (b->bound->remove)
		ret = b->bound->remove(pdev);
	devres_release_all(&pdev->dev);
	b->bound = NULL;
	pdev->dev.driver = NULL;
	pdev->dev.driver_data = NULL;
	return ret;
}

void dmacosim_c_platform_device_del(struct platform_device *pdev)
{
	struct board_device *b;

	if (!pdev)
		return;
	b = to_board(pdev);
	if (b->bound)
		dmacosim_c_platform_remove(pdev);
	dmacosim_device_free(pdev->dev.dmacosim_dev);
	kfree(b);
}

void *dmacosim_c_platform_cxx_dev(struct platform_device *pdev) { return pdev->dev.dmacosim_dev; }

struct resource *platform_get_resource(struct platform_device *dev, unsigned int type, unsigned int num)
{
	u32 i;

	for (i = 0; i < dev->num_resources; i++) {
		struct resource *r = &dev->resource[i];

		if ((r->flags & type) && num-- == 0)
			return r;
	}
	return NULL;
}

int platform_get_irq(struct platform_device *dev, unsigned int num)
{
	struct resource *r = platform_get_resource(dev, IORESOURCE_IRQ, num);

	if (!r) {
		dev_err(&dev->dev, "IRQ index %u not found\n", num);
		return -ENXIO;
	}
	return (int)r->start;
}

void __iomem *devm_ioremap_resource(struct device *dev, const struct resource *res)
{
	if (!res || !(res->flags & IORESOURCE_MEM)) {
		dev_err(dev, "invalid resource\n");
		return (void __iomem *)ERR_PTR(-EINVAL);
	}
	return ioremap(res->start, resource_size(res));
}

void __iomem *devm_platform_ioremap_resource(struct platform_device *pdev, unsigned int index)
{
	return devm_ioremap_resource(&pdev->dev, platform_get_resource(pdev, IORESOURCE_MEM, index));
}

/* ---------------------------------------------------------------- of-dma */

#define MAX_OF_DMA 8
static struct of_dma of_dmas[MAX_OF_DMA];

int of_dma_controller_register(struct device_node *np,
			       struct dma_chan *(*of_dma_xlate)(struct of_phandle_args *, struct of_dma *),
			       void *data)
{
	unsigned int i;

	if (!np || !of_dma_xlate)
		return -EINVAL;
	for (i = 0; i < MAX_OF_DMA; i++) {
		if (!of_dmas[i].of_node) {
			of_dmas[i].of_node = np;
			of_dmas[i].of_dma_xlate = of_dma_xlate;
			of_dmas[i].of_dma_data = data;
			return 0;
		}
	}
	return -ENOMEM;
}

void of_dma_controller_free(struct device_node *np)
{
	unsigned int i;

	for (i = 0; i < MAX_OF_DMA; i++)
		if (of_dmas[i].of_node == np)
			memset(&of_dmas[i], 0, sizeof(of_dmas[i]));
}

struct dma_chan *dmacosim_c_of_xlate(struct dma_device *dev, unsigned int request_line, int chan_index)
{
	struct device_node *np = dev->dev ? dev->dev->of_node : NULL;
	struct of_phandle_args spec;
	unsigned int i;

	for (i = 0; np && i < MAX_OF_DMA; i++) {
		if (of_dmas[i].of_node != np)
			continue;
		memset(&spec, 0, sizeof(spec));
		spec.np = np;
		spec.args[0] = request_line;
		spec.args_count = 1;
		if (chan_index >= 0) {
			spec.args[1] = (u32)chan_index;
			spec.args_count = 2;
		}
		return of_dmas[i].of_dma_xlate(&spec, &of_dmas[i]);
	}
	return (struct dma_chan *)ERR_PTR(-ENODEV);
}

/* ---------------------------------------------------------------- dmaengine core */

int dma_async_device_register(struct dma_device *device)
{
	struct dmacosim_dma_caps caps;
	struct dma_chan *chans[32];
	void *proxies[32];
	struct dma_chan *chan;
	unsigned int n = 0, i;
	int err = 0;

	if (!device || !device->dev)
		return -ENODEV;
	memset(&caps, 0, sizeof(caps));
	caps.cap_mask = (uint32_t)device->cap_mask.bits[0];
	caps.src_addr_widths = device->src_addr_widths;
	caps.dst_addr_widths = device->dst_addr_widths;
	caps.directions = device->directions;
	caps.min_burst = device->min_burst;
	caps.max_burst = device->max_burst;
	caps.max_sg_burst = device->max_sg_burst;
	caps.residue_granularity = device->residue_granularity;
	caps.copy_align = device->copy_align;
	caps.descriptor_reuse = device->descriptor_reuse;
	caps.ops = (device->device_alloc_chan_resources ? DMACOSIM_OP_ALLOC : 0) |
		   (device->device_free_chan_resources ? DMACOSIM_OP_FREE : 0) |
		   (device->device_prep_dma_memcpy ? DMACOSIM_OP_MEMCPY : 0) |
		   (device->device_prep_slave_sg ? DMACOSIM_OP_SLAVE_SG : 0) |
		   (device->device_prep_dma_cyclic ? DMACOSIM_OP_CYCLIC : 0) |
		   (device->device_config ? DMACOSIM_OP_CONFIG : 0) |
		   (device->device_pause ? DMACOSIM_OP_PAUSE : 0) |
		   (device->device_resume ? DMACOSIM_OP_RESUME : 0) |
		   (device->device_terminate_all ? DMACOSIM_OP_TERMINATE : 0) |
		   (device->device_synchronize ? DMACOSIM_OP_SYNCHRONIZE : 0) |
		   (device->device_tx_status ? DMACOSIM_OP_TX_STATUS : 0) |
		   (device->device_issue_pending ? DMACOSIM_OP_ISSUE_PENDING : 0) | DMACOSIM_OP_XLATE;
	list_for_each_entry(chan, &device->channels, device_node) {
		if (n == ARRAY_SIZE(chans)) {
			dev_err(device->dev, "dma_async_device_register: more than %zu channels\n", ARRAY_SIZE(chans));
			return -EINVAL;
		}
		chan->chan_id = (int)n;
		chans[n++] = chan;
	}
	device->chancnt = n;
	device->dmacosim_proxy = dmacosim_dma_register(device, device->dev->dmacosim_dev, &caps, chans, proxies, n, &err);
	if (!device->dmacosim_proxy)
		return err;
	for (i = 0; i < n; i++) {
		chans[i]->dmacosim_proxy = proxies[i];
		chans[i]->name = dmacosim_dma_chan_name(proxies[i]);
	}
	return 0;
}

void dma_async_device_unregister(struct dma_device *device)
{
	struct dma_chan *chan;

	if (!device->dmacosim_proxy)
		return;
	dmacosim_dma_unregister(device->dmacosim_proxy);
	device->dmacosim_proxy = NULL;
	list_for_each_entry(chan, &device->channels, device_node)
		chan->dmacosim_proxy = NULL;
}

void dma_async_tx_descriptor_init(struct dma_async_tx_descriptor *tx, struct dma_chan *chan)
{
	tx->chan = chan;
	spin_lock_init(&tx->lock);
	tx->dmacosim_proxy = dmacosim_tx_proxy_new(chan->dmacosim_proxy, tx);
}

/* The C++ core takes the channel (client_count, alloc_chan_resources) after
 * the xlate returns it; Linux's takes it here. Either way the xlate sees it
 * free. */
struct dma_chan *dma_get_any_slave_channel(struct dma_device *device)
{
	struct dma_chan *chan;

	list_for_each_entry(chan, &device->channels, device_node)
		if (chan->dmacosim_proxy && !dmacosim_dma_chan_client_count(chan->dmacosim_proxy))
			return chan;
	return NULL;
}

void dma_run_dependencies(struct dma_async_tx_descriptor *tx) { dmacosim_run_dependencies(tx->dmacosim_proxy); }

/* ---- the proxies' calls into the C ops */

int dmacosim_c_alloc_chan_resources(struct dma_chan *chan) { return chan->device->device_alloc_chan_resources(chan); }
void dmacosim_c_free_chan_resources(struct dma_chan *chan) { chan->device->device_free_chan_resources(chan); }

/* The descriptor the C++ side sees, told the prep's flags and cookie. */
static void *proxy_of(struct dma_async_tx_descriptor *tx)
{
	if (!tx || IS_ERR(tx))
		return NULL;
	dmacosim_tx_proxy_prepared(tx->dmacosim_proxy, tx->flags, tx->cookie, tx->phys);
	return tx->dmacosim_proxy;
}

void *dmacosim_c_prep_memcpy(struct dma_chan *chan, uint64_t dst, uint64_t src, size_t len, unsigned long flags)
{
	return proxy_of(chan->device->device_prep_dma_memcpy(chan, dst, src, len, flags));
}

void *dmacosim_c_prep_slave_sg(struct dma_chan *chan, const uint64_t *addr, const unsigned int *len,
			       unsigned int nents, int dir, unsigned long flags)
{
	struct dma_async_tx_descriptor *tx;
	struct scatterlist *sgl;
	unsigned int i;

	sgl = (struct scatterlist *)kcalloc(nents ? nents : 1, sizeof(*sgl), GFP_NOWAIT);
	if (!sgl)
		return NULL;
	sg_init_table(sgl, nents);
	for (i = 0; i < nents; i++) {
		sgl[i].dma_address = addr[i];
		sgl[i].dma_length = len[i];
		sgl[i].length = len[i];
	}
	tx = chan->device->device_prep_slave_sg(chan, sgl, nents, (enum dma_transfer_direction)dir, flags, NULL);
	kfree(sgl);
	return proxy_of(tx);
}

void *dmacosim_c_prep_cyclic(struct dma_chan *chan, uint64_t buf, size_t buf_len, size_t period_len, int dir,
			     unsigned long flags)
{
	return proxy_of(chan->device->device_prep_dma_cyclic(chan, buf, buf_len, period_len,
							     (enum dma_transfer_direction)dir, flags));
}

int dmacosim_c_config(struct dma_chan *chan, int dir, uint64_t src_addr, uint64_t dst_addr, int src_width,
		      int dst_width, uint32_t src_maxburst, uint32_t dst_maxburst, int device_fc)
{
	struct dma_slave_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.direction = (enum dma_transfer_direction)dir;
	cfg.src_addr = src_addr;
	cfg.dst_addr = dst_addr;
	cfg.src_addr_width = (enum dma_slave_buswidth)src_width;
	cfg.dst_addr_width = (enum dma_slave_buswidth)dst_width;
	cfg.src_maxburst = src_maxburst;
	cfg.dst_maxburst = dst_maxburst;
	cfg.device_fc = device_fc != 0;
	return chan->device->device_config(chan, &cfg);
}

int dmacosim_c_chan_op(struct dma_chan *chan, int op)
{
	struct dma_device *d = chan->device;

	switch (op) {
	case DMACOSIM_OP_PAUSE:
		return d->device_pause(chan);
	case DMACOSIM_OP_RESUME:
		return d->device_resume(chan);
	case DMACOSIM_OP_TERMINATE:
		return d->device_terminate_all(chan);
	case DMACOSIM_OP_SYNCHRONIZE:
		d->device_synchronize(chan);
		return 0;
	case DMACOSIM_OP_ISSUE_PENDING:
		d->device_issue_pending(chan);
		return 0;
	}
	return -EINVAL;
}

int dmacosim_c_tx_status(struct dma_chan *chan, int cookie, void *state)
{
	return chan->device->device_tx_status(chan, cookie, (struct dma_tx_state *)state);
}

int dmacosim_c_tx_submit(struct dma_async_tx_descriptor *tx, void (*callback)(void *),
			 void (*callback_result)(void *, const void *), void *param, unsigned long flags)
{
	tx->callback = callback;
	tx->callback_result = (dma_async_tx_callback_result)callback_result;
	tx->callback_param = param;
	tx->flags = (enum dma_ctrl_flags)flags;
	return tx->tx_submit(tx);
}

int dmacosim_c_tx_desc_free(struct dma_async_tx_descriptor *tx, unsigned long flags)
{
	tx->flags = (enum dma_ctrl_flags)flags;
	return tx->desc_free ? tx->desc_free(tx) : -ENOSYS;
}

void *dmacosim_c_chan_proxy(struct dma_chan *chan) { return chan->dmacosim_proxy; }

/* ---- client side */

struct dma_chan *dma_request_chan(struct device *dev, const char *name)
{
	long err = -ENODEV;
	struct dma_chan *chan = dmacosim_dma_request_chan(dev->dmacosim_dev, name, &err);

	return chan ? chan : (struct dma_chan *)ERR_PTR(err);
}

void dma_release_channel(struct dma_chan *chan) { dmacosim_dma_release_channel(chan); }
