/* The provider-private helpers of drivers/dma/dmaengine.h (Linux 6.1
 * signatures), for dmacosim: the cookies live in the C++ dmaengine core's
 * proxies of the channel and descriptor (so its checks -- the
 * nothing-after-terminate contract among them -- see C providers as they see
 * C++ ones), and are copied into the C structures on every change.
 * The kbuild build of a provider uses driver/dmaengine/c/kbuild/dmaengine.h
 * instead: same declarations, plain kernel implementations. */
#ifndef DMAENGINE_H
#define DMAENGINE_H
#include <linux/dmaengine.h>

#ifdef __cplusplus
extern "C" {
#endif
/* A free channel of the device, for a provider's of_dma xlate. */
struct dma_chan *dma_get_any_slave_channel(struct dma_device *device);
#ifdef __cplusplus
}
#endif

static inline void dma_cookie_init(struct dma_chan *chan)
{
	chan->cookie = DMA_MIN_COOKIE;
	chan->completed_cookie = DMA_MIN_COOKIE;
	if (chan->dmacosim_proxy)
		dmacosim_cookie_init(chan->dmacosim_proxy);
}

static inline dma_cookie_t dma_cookie_assign(struct dma_async_tx_descriptor *tx)
{
	return dmacosim_cookie_assign(tx->dmacosim_proxy, &tx->cookie, &tx->chan->cookie);
}

static inline void dma_cookie_complete(struct dma_async_tx_descriptor *tx)
{
	dmacosim_cookie_complete(tx->dmacosim_proxy, &tx->cookie, &tx->chan->completed_cookie);
}

static inline enum dma_status dma_cookie_status(struct dma_chan *chan, dma_cookie_t cookie,
						struct dma_tx_state *state)
{
	return (enum dma_status)dmacosim_cookie_status(chan->dmacosim_proxy, cookie, state);
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
	struct dmacosim_desc_cb dmacosim; /* whose callback, for the core's checks */
};

static inline void dmaengine_desc_get_callback(struct dma_async_tx_descriptor *tx,
					       struct dmaengine_desc_callback *cb)
{
	dmacosim_desc_get_callback(tx->dmacosim_proxy, &cb->dmacosim);
	cb->callback = tx->callback;
	cb->callback_result = tx->callback_result;
	cb->callback_param = tx->callback_param;
}

static inline bool dmaengine_desc_callback_valid(struct dmaengine_desc_callback *cb)
{
	return cb->callback || cb->callback_result;
}

static inline void dmaengine_desc_callback_invoke(struct dmaengine_desc_callback *cb,
						  const struct dmaengine_result *result)
{
	cb->dmacosim.callback = cb->callback;
	cb->dmacosim.callback_result = (void (*)(void *, const void *))cb->callback_result;
	cb->dmacosim.callback_param = cb->callback_param;
	dmacosim_desc_callback_invoke(&cb->dmacosim, result);
}

static inline void dmaengine_desc_get_callback_invoke(struct dma_async_tx_descriptor *tx,
						      const struct dmaengine_result *result)
{
	struct dmaengine_desc_callback cb;

	dmaengine_desc_get_callback(tx, &cb);
	dmaengine_desc_callback_invoke(&cb, result);
}
#endif
