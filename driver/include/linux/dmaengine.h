/* The dmaengine API (include/linux/dmaengine.h, Linux 6.1 subset): provider
 * and client structures with Linux's field names and signatures.
 *
 * A C provider registered with dma_async_device_register() is seen by the
 * C++ dmaengine core and every client (ALSA, dmatest) as a dma_device of its
 * own: its channels and descriptors have proxies there, through which the
 * clients' calls reach the C ops. The client calls below work on channels
 * of C providers. */
#ifndef _LINUX_DMAENGINE_H
#define _LINUX_DMAENGINE_H
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/scatterlist.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

typedef s32 dma_cookie_t;
#define DMA_MIN_COOKIE 1

static inline int dma_submit_error(dma_cookie_t cookie) { return cookie < 0 ? cookie : 0; }

enum dma_status { DMA_COMPLETE, DMA_IN_PROGRESS, DMA_PAUSED, DMA_ERROR, DMA_OUT_OF_ORDER };

enum dma_transaction_type {
	DMA_MEMCPY, DMA_XOR, DMA_PQ, DMA_XOR_VAL, DMA_PQ_VAL, DMA_MEMSET, DMA_MEMSET_SG, DMA_INTERRUPT,
	DMA_PRIVATE, DMA_ASYNC_TX, DMA_SLAVE, DMA_CYCLIC, DMA_INTERLEAVE, DMA_COMPLETION_NO_ORDER, DMA_REPEAT,
	DMA_LOAD_EOT, DMA_TX_TYPE_END,
};

enum dma_transfer_direction { DMA_MEM_TO_MEM, DMA_MEM_TO_DEV, DMA_DEV_TO_MEM, DMA_DEV_TO_DEV, DMA_TRANS_NONE };

enum dma_ctrl_flags {
	DMA_PREP_INTERRUPT = (1 << 0),
	DMA_CTRL_ACK = (1 << 1),
	DMA_PREP_PQ_DISABLE_P = (1 << 2),
	DMA_PREP_PQ_DISABLE_Q = (1 << 3),
	DMA_PREP_CONTINUE = (1 << 4),
	DMA_PREP_FENCE = (1 << 5),
	DMA_CTRL_REUSE = (1 << 6),
	DMA_PREP_CMD = (1 << 7),
	DMA_PREP_REPEAT = (1 << 8),
	DMA_PREP_LOAD_EOT = (1 << 9),
};

enum dma_slave_buswidth {
	DMA_SLAVE_BUSWIDTH_UNDEFINED = 0, DMA_SLAVE_BUSWIDTH_1_BYTE = 1, DMA_SLAVE_BUSWIDTH_2_BYTES = 2,
	DMA_SLAVE_BUSWIDTH_3_BYTES = 3, DMA_SLAVE_BUSWIDTH_4_BYTES = 4, DMA_SLAVE_BUSWIDTH_8_BYTES = 8,
	DMA_SLAVE_BUSWIDTH_16_BYTES = 16, DMA_SLAVE_BUSWIDTH_32_BYTES = 32, DMA_SLAVE_BUSWIDTH_64_BYTES = 64,
	DMA_SLAVE_BUSWIDTH_128_BYTES = 128,
};

enum dma_residue_granularity {
	DMA_RESIDUE_GRANULARITY_DESCRIPTOR = 0,
	DMA_RESIDUE_GRANULARITY_SEGMENT = 1,
	DMA_RESIDUE_GRANULARITY_BURST = 2,
};

enum dmaengine_alignment {
	DMAENGINE_ALIGN_1_BYTE = 0, DMAENGINE_ALIGN_2_BYTES = 1, DMAENGINE_ALIGN_4_BYTES = 2,
	DMAENGINE_ALIGN_8_BYTES = 3, DMAENGINE_ALIGN_16_BYTES = 4, DMAENGINE_ALIGN_32_BYTES = 5,
	DMAENGINE_ALIGN_64_BYTES = 6, DMAENGINE_ALIGN_128_BYTES = 7, DMAENGINE_ALIGN_256_BYTES = 8,
};

enum dmaengine_tx_result { DMA_TRANS_NOERROR = 0, DMA_TRANS_READ_FAILED, DMA_TRANS_WRITE_FAILED, DMA_TRANS_ABORTED };

struct dmaengine_result {
	enum dmaengine_tx_result result;
	u32 residue;
};

typedef struct {
	DECLARE_BITMAP(bits, DMA_TX_TYPE_END);
} dma_cap_mask_t;

#define dma_cap_set(tx, mask) set_bit((tx), (mask).bits)
#define dma_cap_clear(tx, mask) clear_bit((tx), (mask).bits)
#define dma_cap_zero(mask) memset(&(mask), 0, sizeof(mask))
#define dma_has_cap(tx, mask) test_bit((tx), (mask).bits)

struct dma_device;
struct dma_chan;
struct dma_async_tx_descriptor;

typedef bool (*dma_filter_fn)(struct dma_chan *chan, void *filter_param);
typedef void (*dma_async_tx_callback)(void *dma_async_param);
typedef void (*dma_async_tx_callback_result)(void *dma_async_param, const struct dmaengine_result *result);

struct dma_slave_config {
	enum dma_transfer_direction direction;
	phys_addr_t src_addr;
	phys_addr_t dst_addr;
	enum dma_slave_buswidth src_addr_width;
	enum dma_slave_buswidth dst_addr_width;
	u32 src_maxburst;
	u32 dst_maxburst;
	u32 src_port_window_size;
	u32 dst_port_window_size;
	bool device_fc;
	void *peripheral_config;
	size_t peripheral_size;
};

struct dma_slave_caps {
	u32 src_addr_widths;
	u32 dst_addr_widths;
	u32 directions;
	u32 min_burst;
	u32 max_burst;
	u32 max_sg_burst;
	bool cmd_pause;
	bool cmd_resume;
	bool cmd_terminate;
	enum dma_residue_granularity residue_granularity;
	bool descriptor_reuse;
};

struct dma_tx_state {
	dma_cookie_t last;
	dma_cookie_t used;
	u32 residue;
	u32 in_flight_bytes;
};

struct dma_async_tx_descriptor {
	dma_cookie_t cookie;
	enum dma_ctrl_flags flags;
	dma_addr_t phys;
	struct dma_chan *chan;
	dma_cookie_t (*tx_submit)(struct dma_async_tx_descriptor *tx);
	int (*desc_free)(struct dma_async_tx_descriptor *tx);
	dma_async_tx_callback callback;
	dma_async_tx_callback_result callback_result;
	void *callback_param;
	void *unmap;
	struct dma_async_tx_descriptor *next;
	struct dma_async_tx_descriptor *parent;
	spinlock_t lock;
	void *dmacosim_proxy; /* dmacosim: the descriptor the C++ core and clients see */
};

struct dma_chan {
	struct dma_device *device;
	struct device *slave;
	dma_cookie_t cookie;
	dma_cookie_t completed_cookie;
	int chan_id;
	const char *name;
	const char *dbg_client_name;
	struct list_head device_node;
	int client_count;
	int table_count;
#ifdef __cplusplus
	void *private_; /* `private` is a C++ keyword: C++ code sees it so named */
#else
	void *private;
#endif
	void *dmacosim_proxy; /* dmacosim: the channel the C++ core and clients see */
};

struct dma_device {
	unsigned int chancnt;
	unsigned int privatecnt;
	struct list_head channels;
	struct list_head global_node;
	dma_cap_mask_t cap_mask;
	int dev_id;
	struct device *dev;
	u32 src_addr_widths;
	u32 dst_addr_widths;
	u32 directions;
	u32 min_burst;
	u32 max_burst;
	u32 max_sg_burst;
	bool descriptor_reuse;
	enum dma_residue_granularity residue_granularity;
	enum dmaengine_alignment copy_align;

	int (*device_alloc_chan_resources)(struct dma_chan *chan);
	void (*device_free_chan_resources)(struct dma_chan *chan);
	struct dma_async_tx_descriptor *(*device_prep_dma_memcpy)(struct dma_chan *chan, dma_addr_t dst,
								   dma_addr_t src, size_t len, unsigned long flags);
	struct dma_async_tx_descriptor *(*device_prep_slave_sg)(struct dma_chan *chan, struct scatterlist *sgl,
								 unsigned int sg_len,
								 enum dma_transfer_direction direction,
								 unsigned long flags, void *context);
	struct dma_async_tx_descriptor *(*device_prep_dma_cyclic)(struct dma_chan *chan, dma_addr_t buf_addr,
								   size_t buf_len, size_t period_len,
								   enum dma_transfer_direction direction,
								   unsigned long flags);
	void (*device_caps)(struct dma_chan *chan, struct dma_slave_caps *caps);
	int (*device_config)(struct dma_chan *chan, struct dma_slave_config *config);
	int (*device_pause)(struct dma_chan *chan);
	int (*device_resume)(struct dma_chan *chan);
	int (*device_terminate_all)(struct dma_chan *chan);
	void (*device_synchronize)(struct dma_chan *chan);
	enum dma_status (*device_tx_status)(struct dma_chan *chan, dma_cookie_t cookie,
					    struct dma_tx_state *txstate);
	void (*device_issue_pending)(struct dma_chan *chan);
	void *dmacosim_proxy; /* dmacosim: the dma_device the C++ core sees */
};

#ifdef __cplusplus
extern "C" {
#endif
/* Provider side. */
int dma_async_device_register(struct dma_device *device);
void dma_async_device_unregister(struct dma_device *device);
void dma_async_tx_descriptor_init(struct dma_async_tx_descriptor *tx, struct dma_chan *chan);
void dma_run_dependencies(struct dma_async_tx_descriptor *tx);
/* Client side (channels of C providers). */
struct dma_chan *dma_request_chan(struct device *dev, const char *name);
void dma_release_channel(struct dma_chan *chan);
#ifdef __cplusplus
}
#endif

static inline void async_tx_ack(struct dma_async_tx_descriptor *tx) { tx->flags = (enum dma_ctrl_flags)(tx->flags | DMA_CTRL_ACK); }
static inline bool async_tx_test_ack(struct dma_async_tx_descriptor *tx) { return (tx->flags & DMA_CTRL_ACK) == DMA_CTRL_ACK; }
static inline bool dmaengine_desc_test_reuse(struct dma_async_tx_descriptor *tx)
{
	return (tx->flags & DMA_CTRL_REUSE) == DMA_CTRL_REUSE;
}
static inline void dmaengine_desc_clear_reuse(struct dma_async_tx_descriptor *tx)
{
	tx->flags = (enum dma_ctrl_flags)(tx->flags & ~DMA_CTRL_REUSE);
}
static inline const char *dma_chan_name(struct dma_chan *chan) { return dmacosim_dma_chan_name(chan->dmacosim_proxy); }

static inline int dmaengine_slave_config(struct dma_chan *chan, struct dma_slave_config *config)
{
	if (chan->device->device_config)
		return chan->device->device_config(chan, config);
	return -ENOSYS;
}
static inline struct dma_async_tx_descriptor *dmaengine_prep_slave_sg(struct dma_chan *chan, struct scatterlist *sgl,
								      unsigned int sg_len,
								      enum dma_transfer_direction dir,
								      unsigned long flags)
{
	if (!chan || !chan->device || !chan->device->device_prep_slave_sg)
		return NULL;
	return chan->device->device_prep_slave_sg(chan, sgl, sg_len, dir, flags, NULL);
}
static inline struct dma_async_tx_descriptor *dmaengine_prep_dma_cyclic(struct dma_chan *chan, dma_addr_t buf_addr,
									size_t buf_len, size_t period_len,
									enum dma_transfer_direction dir,
									unsigned long flags)
{
	if (!chan || !chan->device || !chan->device->device_prep_dma_cyclic)
		return NULL;
	return chan->device->device_prep_dma_cyclic(chan, buf_addr, buf_len, period_len, dir, flags);
}
static inline struct dma_async_tx_descriptor *dmaengine_prep_dma_memcpy(struct dma_chan *chan, dma_addr_t dest,
									dma_addr_t src, size_t len,
									unsigned long flags)
{
	if (!chan || !chan->device || !chan->device->device_prep_dma_memcpy)
		return NULL;
	return chan->device->device_prep_dma_memcpy(chan, dest, src, len, flags);
}
static inline dma_cookie_t dmaengine_submit(struct dma_async_tx_descriptor *desc) { return desc->tx_submit(desc); }
static inline void dma_async_issue_pending(struct dma_chan *chan) { chan->device->device_issue_pending(chan); }
static inline enum dma_status dmaengine_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
						  struct dma_tx_state *state)
{
	return chan->device->device_tx_status(chan, cookie, state);
}
static inline int dmaengine_pause(struct dma_chan *chan)
{
	return chan->device->device_pause ? chan->device->device_pause(chan) : -ENOSYS;
}
static inline int dmaengine_resume(struct dma_chan *chan)
{
	return chan->device->device_resume ? chan->device->device_resume(chan) : -ENOSYS;
}
static inline int dmaengine_terminate_async(struct dma_chan *chan)
{
	return chan->device->device_terminate_all ? chan->device->device_terminate_all(chan) : -EINVAL;
}
static inline void dmaengine_synchronize(struct dma_chan *chan)
{
	dmacosim_might_sleep(__FILE__, __LINE__);
	if (chan->device->device_synchronize)
		chan->device->device_synchronize(chan);
}
static inline int dmaengine_terminate_sync(struct dma_chan *chan)
{
	int ret = dmaengine_terminate_async(chan);

	if (ret)
		return ret;
	dmaengine_synchronize(chan);
	return 0;
}
#endif
