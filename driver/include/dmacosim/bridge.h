/* The C ABI between the Linux-compatible C headers (driver/include/linux)
 * and dmacosim's C++ kernel model (driver/kernel, driver/dmaengine).
 *
 * Drivers never include this file directly: the linux/ headers implement
 * Linux's API on top of it. Two directions:
 *   dmacosim_*    implemented in C++ (driver/linux_c/bridge.cpp): every
 *                 lock, interrupt-flag, tasklet, IRQ, MMIO, memory and time
 *                 operation lands in the same kernel model and validator as
 *                 the C++ drivers' calls;
 *   dmacosim_c_*  implemented in C (driver/linux_c/glue.c): the C++ side
 *                 calls back into C structures it does not know the layout
 *                 of (tasklet bodies, IRQ handlers, dma_device ops).
 * C11 and C++17 alike. */
#ifndef DMACOSIM_BRIDGE_H
#define DMACOSIM_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* spinlock_t: the C++ lock is created by spin_lock_init() (or lazily for
 * DEFINE_SPINLOCK) and dropped when the memory holding spinlock_t is
 * kfree()d. */
struct dmacosim_c_spinlock {
	void *impl;
	const char *name;
};

enum dmacosim_spin_op_nr {
	DMACOSIM_SPIN_LOCK, DMACOSIM_SPIN_UNLOCK, DMACOSIM_SPIN_LOCK_IRQ, DMACOSIM_SPIN_UNLOCK_IRQ,
	DMACOSIM_SPIN_LOCK_IRQSAVE, DMACOSIM_SPIN_UNLOCK_IRQRESTORE, DMACOSIM_SPIN_LOCK_BH,
	DMACOSIM_SPIN_UNLOCK_BH, DMACOSIM_SPIN_TRYLOCK, DMACOSIM_SPIN_TRYLOCK_IRQSAVE, DMACOSIM_SPIN_IS_LOCKED,
};
void dmacosim_spin_lock_init(struct dmacosim_c_spinlock *l, const char *name, const char *file, int line);
/* `func` (the C caller's __func__) is shown in the context chain of a report. */
int dmacosim_spin_op(struct dmacosim_c_spinlock *l, int op, unsigned long *flagsp, unsigned long flags,
		     const char *func);
void dmacosim_lockdep_assert_held(struct dmacosim_c_spinlock *l, const char *file, int line);

enum dmacosim_irq_op_nr {
	DMACOSIM_IRQ_DISABLE, DMACOSIM_IRQ_ENABLE, DMACOSIM_IRQ_SAVE, DMACOSIM_IRQ_RESTORE,
	DMACOSIM_IRQS_DISABLED, DMACOSIM_BH_DISABLE, DMACOSIM_BH_ENABLE, DMACOSIM_IN_INTERRUPT,
	DMACOSIM_IN_IRQ, DMACOSIM_IN_SOFTIRQ,
};
int dmacosim_irq_op(int op, unsigned long *flagsp, unsigned long flags);

/* Tasklets: `impl` is the C tasklet's slot for its C++ twin. */
struct tasklet_struct;
enum dmacosim_tasklet_op_nr {
	DMACOSIM_TASKLET_SCHEDULE, DMACOSIM_TASKLET_HI_SCHEDULE, DMACOSIM_TASKLET_KILL,
	DMACOSIM_TASKLET_DISABLE, DMACOSIM_TASKLET_ENABLE,
};
void dmacosim_tasklet_init(struct tasklet_struct *t, void **impl, const char *name);
void dmacosim_tasklet_op(void **impl, int op, const char *file, int line);
void dmacosim_c_tasklet_run(struct tasklet_struct *t); /* C: runs the tasklet body */

/* Interrupts. */
enum irqreturn { IRQ_NONE = 0, IRQ_HANDLED = 1, IRQ_WAKE_THREAD = 2 };
typedef enum irqreturn (*dmacosim_irq_handler_t)(int irq, void *dev_id);
int dmacosim_request_irq(unsigned int irq, dmacosim_irq_handler_t handler, unsigned long flags,
			 const char *name, void *dev_id, const char *handler_name);
void dmacosim_free_irq(unsigned int irq, void *dev_id);

/* MMIO through the modelled CPU and bus (an __iomem pointer is the bus
 * address). `ordered`: writel()'s ordering after earlier stores to coherent
 * memory (they are written to the bus first); writel_relaxed() has none. */
uint32_t dmacosim_mmio_read(uint64_t addr, int size);
void dmacosim_mmio_write(uint32_t value, uint64_t addr, int size, int ordered);
enum dmacosim_barrier_nr { DMACOSIM_WMB, DMACOSIM_RMB, DMACOSIM_MB };
void dmacosim_barrier(int kind);

/* Memory. gfp: nonzero `may_block` = may sleep (GFP_KERNEL). */
void *dmacosim_kmalloc(size_t size, int may_block, int zero, const char *file, int line);
void dmacosim_kfree(const void *p);
size_t dmacosim_ksize(const void *p);
/* Coherent memory of a device (`cxx_dev` its C++ twin): returns a CPU
 * pointer to host memory mirrored to the bus range *handle. */
void *dmacosim_coherent_alloc(void *cxx_dev, size_t size, uint64_t *handle, int may_block);
void dmacosim_coherent_free(void *cxx_dev, size_t size, void *cpu_addr, uint64_t handle);
void *dmacosim_pool_create(const char *name, void *cxx_dev, size_t size, size_t align, size_t boundary);
void dmacosim_pool_destroy(void *pool);
void *dmacosim_pool_alloc(void *pool, int may_block, int zero, uint64_t *handle);
void dmacosim_pool_free(void *pool, void *vaddr, uint64_t addr);

/* Time and scheduling. */
enum dmacosim_delay_nr { DMACOSIM_NDELAY, DMACOSIM_UDELAY, DMACOSIM_MDELAY, DMACOSIM_MSLEEP, DMACOSIM_USLEEP };
void dmacosim_delay(int kind, unsigned long a, unsigned long b, const char *file, int line);
void dmacosim_cpu_relax(void);
void dmacosim_might_sleep(const char *file, int line);
unsigned long dmacosim_jiffies(void);
unsigned long dmacosim_msecs_to_jiffies(unsigned int ms);
unsigned long dmacosim_usecs_to_jiffies(unsigned int us);

/* Completions: `impl` is the C completion's slot for its C++ twin. */
enum dmacosim_completion_op_nr { DMACOSIM_COMPLETION_INIT, DMACOSIM_COMPLETION_REINIT, DMACOSIM_COMPLETE,
				 DMACOSIM_COMPLETE_ALL, DMACOSIM_COMPLETION_DONE };
int dmacosim_completion_op(void **impl, int op);
/* timeout in jiffies; < 0: forever. Returns the jiffies left (at least 1) or 0 on timeout. */
unsigned long dmacosim_wait_for_completion(void **impl, long timeout, const char *file, int line);

/* Logging: level is the printk level digit (0 emerg .. 7 debug); src names
 * the source in the log (the device name for dev_printk). */
void dmacosim_printk(int level, const char *src, const char *msg);

/* Module parameters (module_param()): registered at load, set by the run. */
void dmacosim_module_param(const char *modname, const char *name, void *var, size_t size);

/* Devices: the C++ twin (dmaengine's struct device) of a C struct device. */
void *dmacosim_device_new(const char *name);
void dmacosim_device_free(void *cxx_dev);
int dmacosim_device_declare_coherent(void *cxx_dev, uint64_t base, size_t size);

/* ---- dmaengine: C providers appear to the C++ core (and its clients) as
 * proxy devices, channels and descriptors. */
struct dma_device;
struct dma_chan;
struct dma_async_tx_descriptor;

enum dmacosim_dma_op_bits {
	DMACOSIM_OP_ALLOC = 1 << 0, DMACOSIM_OP_FREE = 1 << 1, DMACOSIM_OP_MEMCPY = 1 << 2,
	DMACOSIM_OP_SLAVE_SG = 1 << 3, DMACOSIM_OP_CYCLIC = 1 << 4, DMACOSIM_OP_CONFIG = 1 << 5,
	DMACOSIM_OP_PAUSE = 1 << 6, DMACOSIM_OP_RESUME = 1 << 7, DMACOSIM_OP_TERMINATE = 1 << 8,
	DMACOSIM_OP_SYNCHRONIZE = 1 << 9, DMACOSIM_OP_TX_STATUS = 1 << 10, DMACOSIM_OP_ISSUE_PENDING = 1 << 11,
	DMACOSIM_OP_XLATE = 1 << 12,
};
struct dmacosim_dma_caps {
	uint32_t cap_mask;	/* bit n = enum dma_transaction_type n */
	uint32_t src_addr_widths, dst_addr_widths, directions;
	uint32_t min_burst, max_burst, max_sg_burst;
	int residue_granularity, copy_align, descriptor_reuse;
	uint32_t ops;		/* enum dmacosim_dma_op_bits */
};
/* Registers the proxy of a C dma_device; `chans` are its channels in list
 * order. Returns the proxy (stored by the caller) or NULL (*err set). */
void *dmacosim_dma_register(struct dma_device *dev, void *cxx_dev, const struct dmacosim_dma_caps *caps,
			    struct dma_chan **chans, void **chan_proxies, unsigned int nr_chans, int *err);
void dmacosim_dma_unregister(void *dev_proxy);
int dmacosim_dma_chan_client_count(void *chan_proxy);
const char *dmacosim_dma_chan_name(void *chan_proxy);
/* A descriptor's proxy, made by dma_async_tx_descriptor_init(); dropped
 * when the descriptor's memory is kfree()d. */
void *dmacosim_tx_proxy_new(void *chan_proxy, struct dma_async_tx_descriptor *tx);
/* After a prep: the descriptor's flags, cookie and first hardware address. */
void dmacosim_tx_proxy_prepared(void *tx_proxy, unsigned long flags, int cookie, uint64_t phys);

/* drivers/dma/dmaengine.h's helpers over the proxies (the C++ core keeps
 * the cookies and its debug checks); each returns what Linux's does and
 * writes the new cookie values to the C structures through *tx_cookie,
 * *chan_cookie, *chan_completed. */
void dmacosim_cookie_init(void *chan_proxy);
int dmacosim_cookie_assign(void *tx_proxy, int *tx_cookie, int *chan_cookie);
void dmacosim_cookie_complete(void *tx_proxy, int *tx_cookie, int *chan_completed);
int dmacosim_cookie_status(void *chan_proxy, int cookie, void *state);
struct dmacosim_desc_cb {
	void (*callback)(void *param);
	void (*callback_result)(void *param, const void *result);
	void *callback_param;
	const void *dbg_chan;
	int dbg_cookie;
	uint64_t dbg_submit_seq;
};
void dmacosim_desc_get_callback(void *tx_proxy, struct dmacosim_desc_cb *cb);
void dmacosim_desc_callback_invoke(const struct dmacosim_desc_cb *cb, const void *result);
void dmacosim_run_dependencies(void *tx_proxy);
/* dma_request_chan() of a C client through the C++ core (its DT-like map):
 * the C channel, or NULL with *err set. */
struct dma_chan *dmacosim_dma_request_chan(void *cxx_dev, const char *name, long *err);
void dmacosim_dma_release_channel(struct dma_chan *chan);

/* C side of the proxies (glue.c): call the C ops. */
int dmacosim_c_alloc_chan_resources(struct dma_chan *chan);
void dmacosim_c_free_chan_resources(struct dma_chan *chan);
void *dmacosim_c_prep_memcpy(struct dma_chan *chan, uint64_t dst, uint64_t src, size_t len, unsigned long flags);
void *dmacosim_c_prep_slave_sg(struct dma_chan *chan, const uint64_t *addr, const unsigned int *len,
			       unsigned int nents, int dir, unsigned long flags);
void *dmacosim_c_prep_cyclic(struct dma_chan *chan, uint64_t buf, size_t buf_len, size_t period_len, int dir,
			     unsigned long flags);
int dmacosim_c_config(struct dma_chan *chan, int dir, uint64_t src_addr, uint64_t dst_addr, int src_width,
		      int dst_width, uint32_t src_maxburst, uint32_t dst_maxburst, int device_fc);
int dmacosim_c_chan_op(struct dma_chan *chan, int op); /* DMACOSIM_OP_PAUSE/RESUME/TERMINATE/SYNCHRONIZE/ISSUE_PENDING */
int dmacosim_c_tx_status(struct dma_chan *chan, int cookie, void *state);
/* Client fields set on the proxy are copied to the C descriptor before its tx_submit. */
int dmacosim_c_tx_submit(struct dma_async_tx_descriptor *tx, void (*callback)(void *),
			 void (*callback_result)(void *, const void *), void *param, unsigned long flags);
int dmacosim_c_tx_desc_free(struct dma_async_tx_descriptor *tx, unsigned long flags);
struct dma_chan *dmacosim_c_of_xlate(struct dma_device *dev, unsigned int request_line, int chan_index);
void *dmacosim_c_chan_proxy(struct dma_chan *chan);

#ifdef __cplusplus
}
#endif
#endif /* DMACOSIM_BRIDGE_H */
