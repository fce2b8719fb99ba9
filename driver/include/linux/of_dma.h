/* DT DMA helpers (include/linux/of_dma.h subset). A client's `dmas`
 * specifier of the board description reaches the controller's xlate as
 * args[0] = request line (and args[1] = channel when it names one). */
#ifndef _LINUX_OF_DMA_H
#define _LINUX_OF_DMA_H
#include <linux/dmaengine.h>
#include <linux/of.h>

#define MAX_PHANDLE_ARGS 16
struct of_phandle_args {
	struct device_node *np;
	int args_count;
	u32 args[MAX_PHANDLE_ARGS];
};

struct of_dma {
	struct list_head of_dma_controllers;
	struct device_node *of_node;
	struct dma_chan *(*of_dma_xlate)(struct of_phandle_args *, struct of_dma *);
	void *of_dma_data;
};

#ifdef __cplusplus
extern "C" {
#endif
int of_dma_controller_register(struct device_node *np,
			       struct dma_chan *(*of_dma_xlate)(struct of_phandle_args *, struct of_dma *),
			       void *data);
void of_dma_controller_free(struct device_node *np);
#ifdef __cplusplus
}
#endif
#endif
