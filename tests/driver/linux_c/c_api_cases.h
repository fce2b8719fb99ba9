/* The cases of c_api_cases.c, for test_linux_c.cpp (C and C++). */
#ifndef C_API_CASES_H
#define C_API_CASES_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
int c_lock_flavours(void);
void c_spin_lock_bh_under_irqsave(int irqs_off);
void c_assert_held(int held);
void c_kfree_held_lock(int held);
int c_tasklet_and_completion(void);
int c_onstack_completions(uintptr_t *first, uintptr_t *second);
int c_request_irq(unsigned int irq);
int c_irq_calls(void);
void c_free_irq(unsigned int irq);
uint32_t c_mmio_roundtrip(uint64_t addr, uint32_t value);
int c_pool_setup(uint64_t coherent_base, uint64_t coherent_size);
uint64_t c_pool_dma(void);
void c_pool_store(uint32_t word, uint32_t value);
void c_doorbell(uint64_t mmio, int relaxed);
void c_wmb(void);
uint32_t c_pool_load(uint32_t word);
uint32_t c_pool_load_after_rmb(uint32_t word);
void c_pool_teardown(void);
void c_gfp_kernel_atomic(int atomic);
void c_udelay_msleep(void);
void c_uninitialized_lock(int init);
int c_client_memcpy(uint64_t coherent_base, uint64_t coherent_size, unsigned int len);
#ifdef __cplusplus
}
#endif
#endif
