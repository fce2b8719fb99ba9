/* The kernel-C client's entry point, called from the scenario (C++). */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
struct platform_device;
/* Copies `len` bytes with the "rx" DMA channel of `pdev`: 0, or the failed step (1..6). */
int hello_memcpy(struct platform_device *pdev, unsigned int len);
#ifdef __cplusplus
}
#endif
