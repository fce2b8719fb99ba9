/* A dmaengine client in kernel C, as in a Linux driver: request the device's
 * "rx" channel, copy a buffer between coherent allocations, wait for the
 * completion callback, check the bytes. */
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/io.h>
#include <linux/platform_device.h>

#include "hello_client.h"

static void hello_done(void *param)
{
	complete(param);
}

int hello_memcpy(struct platform_device *pdev, unsigned int len)
{
	DECLARE_COMPLETION_ONSTACK(done);
	struct dma_async_tx_descriptor *tx;
	dma_addr_t src, dst;
	struct dma_chan *chan;
	unsigned int i;
	u8 *s, *d;
	int ret = 0;

	chan = dma_request_chan(&pdev->dev, "rx");
	if (IS_ERR(chan))
		return 1;
	s = dma_alloc_coherent(&pdev->dev, len, &src, GFP_KERNEL);
	d = dma_alloc_coherent(&pdev->dev, len, &dst, GFP_KERNEL);
	for (i = 0; s && d && i < len; i++) {
		s[i] = (u8)(i * 13 + 1);
		d[i] = 0;
	}
	tx = s && d ? dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK) : NULL;
	if (!tx) {
		ret = 2;
		goto out;
	}
	tx->callback = hello_done;
	tx->callback_param = &done;
	if (dma_submit_error(dmaengine_submit(tx))) {
		ret = 3;
		goto out;
	}
	dma_async_issue_pending(chan);
	if (!wait_for_completion_timeout(&done, msecs_to_jiffies(100))) {
		ret = 4;
		goto out;
	}
	dma_rmb(); /* what the device wrote, seen by the CPU */
	for (i = 0; i < len && !ret; i++)
		if (d[i] != s[i])
			ret = 5;
out:
	dmaengine_terminate_sync(chan);
	if (s)
		dma_free_coherent(&pdev->dev, len, s, src);
	if (d)
		dma_free_coherent(&pdev->dev, len, d, dst);
	dma_release_channel(chan);
	return ret;
}
