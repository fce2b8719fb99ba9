// The async_tx client side (include/linux/async_tx.h, crypto/async_tx/
// async_tx.c, Linux 6.1, with CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH): submit
// a prepared descriptor so that it runs only after another one (depend_tx).
//
// async_tx_submit(chan, tx, submit) with submit->depend_tx, decided under
// depend_tx's txd_lock():
//  - depend_tx still waits for its own dependency (has a parent):
//    same channel -> tx is chained behind it (submitted with it later);
//    other channel -> channel switch;
//  - depend_tx already submitted (no parent; running or even complete):
//    same channel -> tx is submitted at once (the channel keeps order);
//    other channel -> channel switch.
// Channel switch: an interrupt descriptor (DMA_INTERRUPT) on depend_tx's
// channel, chained behind depend_tx (or submitted right away if depend_tx is
// already submitted), with tx as its dependent; its completion submits tx on
// tx's channel (dma_run_dependencies() from the provider's tasklet). Without
// DMA_INTERRUPT the submitter spins until depend_tx completes
// (dma_wait_for_async_tx(); panic unless DMA_COMPLETE) and submits tx.
// Nothing looks at depend_tx's result: a failed parent does not stop its
// dependents (docs/linux-fidelity.md, "async_tx dependencies").
//
// Acks: depend_tx is acked once tx is attached (it must not be acked before:
// an acked descriptor may already be reused); ASYNC_TX_ACK acks tx. A provider
// keeps a completed descriptor until it is acked, so a dependent can still be
// attached to it.
//
// Linux BUG()/panic() are modelled as rule ASYNC-TX kernel reports (the
// offending call returns without submitting; the simulation goes on).
#pragma once
#include "driver/dmaengine/dmaengine.h"

namespace dmacosim::dmaengine {

enum async_tx_flags : unsigned {
  ASYNC_TX_XOR_ZERO_DST = 1u << 0,
  ASYNC_TX_XOR_DROP_DST = 1u << 1,
  ASYNC_TX_ACK = 1u << 2,
  ASYNC_TX_FENCE = 1u << 3,
  ASYNC_TX_PQ_XOR_DST = 1u << 4,
};
inline async_tx_flags operator|(async_tx_flags a, async_tx_flags b) { return async_tx_flags(unsigned(a) | unsigned(b)); }

struct async_submit_ctl {
  async_tx_flags flags = async_tx_flags(0);
  dma_async_tx_descriptor* depend_tx = nullptr;
  dma_async_tx_callback cb_fn = nullptr;
  void* cb_param = nullptr;
  void* scribble = nullptr;
};

inline void init_async_submit(async_submit_ctl* args, async_tx_flags flags, dma_async_tx_descriptor* tx,
                              dma_async_tx_callback cb_fn, void* cb_param, void* scribble) {
  args->flags = flags;
  args->depend_tx = tx;
  args->cb_fn = cb_fn;
  args->cb_param = cb_param;
  args->scribble = scribble;
}

// Sets tx's callback from submit (cb_fn, cb_param), then submits or chains it
// as above. Atomic-safe when depend_tx's device has DMA_INTERRUPT.
void async_tx_submit(dma_chan* chan, dma_async_tx_descriptor* tx, async_submit_ctl* submit);
// Waits for *tx to complete (dma_wait_for_async_tx()), acks it and sets *tx
// to nullptr; anything but DMA_COMPLETE is Linux's panic (an ASYNC-TX report
// here). Process context: it spins.
void async_tx_quiesce(dma_async_tx_descriptor** tx);
// issue_pending on tx's channel (async_tx without channel tables).
inline void async_tx_issue_pending(dma_async_tx_descriptor* tx) {
  if (tx) dma_async_issue_pending(tx->chan);
}

}  // namespace dmacosim::dmaengine
