/* kbuild side: the provider-private helpers of the kernel's
 * drivers/dma/dmaengine.h, which is not part of linux-headers. Same
 * declarations and signatures (Linux 6.1), written for dmacosim from the
 * dmaengine provider API; used only to build dmacosim-dmac.c as a module.
 * The dmacosim build uses driver/include/drivers-dma/dmaengine.h. */
#ifndef DMAENGINE_H
#define DMAENGINE_H

#include <linux/bug.h>
#include <linux/limits.h>
#include <linux/dmaengine.h>

/* Exported by drivers/dma/dmaengine.c: a free channel of the device. */
struct dma_chan *dma_get_any_slave_channel(struct dma_device *device);

/* Start a channel's cookie sequence. */
static inline void dma_cookie_init(struct dma_chan *chan)
{
	chan->cookie = DMA_MIN_COOKIE;
	chan->completed_cookie = DMA_MIN_COOKIE;
}

/* Next cookie of the channel (wrapping back to DMA_MIN_COOKIE); lock held. */
static inline dma_cookie_t dma_cookie_assign(struct dma_async_tx_descriptor *tx)
{
	struct dma_chan *chan = tx->chan;
	dma_cookie_t next = chan->cookie < INT_MAX ? chan->cookie + 1 : DMA_MIN_COOKIE;

	if (next < DMA_MIN_COOKIE)
		next = DMA_MIN_COOKIE;
	chan->cookie = next;
	tx->cookie = next;
	return next;
}

/* Mark the descriptor's cookie complete on its channel; lock held. */
static inline void dma_cookie_complete(struct dma_async_tx_descriptor *tx)
{
	BUG_ON(tx->cookie < DMA_MIN_COOKIE);
	tx->chan->completed_cookie = tx->cookie;
	tx->cookie = 0;
}

/* Status of a cookie from the channel's last used / completed cookies. */
static inline enum dma_status dma_cookie_status(struct dma_chan *chan, dma_cookie_t cookie,
						struct dma_tx_state *state)
{
	dma_cookie_t used = chan->cookie;
	dma_cookie_t complete = chan->completed_cookie;

	barrier();
	if (state) {
		state->last = complete;
		state->used = used;
		state->residue = 0;
		state->in_flight_bytes = 0;
	}
	return dma_async_is_complete(cookie, complete, used);
}

static inline void dma_set_residue(struct dma_tx_state *state, u32 residue)
{
	if (state)
		state->residue = residue;
}

struct dmaengine_desc_callback {
	dma_async_tx_callback callback;
	dma_async_tx_callback_result callback_result;
	void *callback_param;
};

static inline void dmaengine_desc_get_callback(struct dma_async_tx_descriptor *tx,
					       struct dmaengine_desc_callback *cb)
{
	cb->callback = tx->callback;
	cb->callback_result = tx->callback_result;
	cb->callback_param = tx->callback_param;
}

static inline bool dmaengine_desc_callback_valid(struct dmaengine_desc_callback *cb)
{
	return cb->callback || cb->callback_result;
}

/* The result callback gets a zero result when the provider passes none. */
static inline void dmaengine_desc_callback_invoke(struct dmaengine_desc_callback *cb,
						  const struct dmaengine_result *result)
{
	struct dmaengine_result none = { .result = DMA_TRANS_NOERROR, .residue = 0 };

	if (cb->callback_result)
		cb->callback_result(cb->callback_param, result ? result : &none);
	else if (cb->callback)
		cb->callback(cb->callback_param);
}

static inline void dmaengine_desc_get_callback_invoke(struct dma_async_tx_descriptor *tx,
						      const struct dmaengine_result *result)
{
	struct dmaengine_desc_callback cb;

	dmaengine_desc_get_callback(tx, &cb);
	dmaengine_desc_callback_invoke(&cb, result);
}
#endif
