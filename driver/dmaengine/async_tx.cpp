// async_tx submission with dependencies (crypto/async_tx/async_tx.c, Linux
// 6.1). See async_tx.h.
#include "driver/dmaengine/async_tx.h"

#include "driver/kernel/kernel.h"
#include "models/log.h"

namespace dmacosim::dmaengine {

using namespace dmacosim::kernel;

namespace {

// Linux BUG()/panic(): a kernel report (rule ASYNC-TX) naming the call.
void async_tx_report(const std::string& headline) {
  Kernel& k = this_kernel();
  static uint64_t n = 0;
  k.report_bug("ASYNC-TX|" + std::to_string(++n), "ASYNC-TX", headline, headline + "\n", {k.current_chain()});
}

// Where async_tx_submit() sends tx once depend_tx's lock is dropped. Nothing
// is submitted under that lock: a provider may hold its channel lock while it
// runs dependencies, which take the lock of the next descriptor.
enum submit_disposition { ASYNC_TX_SUBMITTED, ASYNC_TX_CHANNEL_SWITCH, ASYNC_TX_DIRECT_SUBMIT };

// tx depends on depend_tx, on another channel (or depend_tx is no longer
// waiting): bridge with an interrupt descriptor on depend_tx's channel.
void async_tx_channel_switch(dma_async_tx_descriptor* depend_tx, dma_async_tx_descriptor* tx) {
  KFUNC("async_tx_channel_switch");
  dma_chan* chan = depend_tx->chan;
  dma_device* device = chan->device;

  // depend_tx may have been chained onto tx's channel meanwhile: then tx just
  // follows it there.
  bool chained = false;
  txd_lock(depend_tx);
  if (txd_parent(depend_tx) && depend_tx->chan == tx->chan) {
    txd_chain(depend_tx, tx);
    chained = true;
  }
  txd_unlock(depend_tx);
  if (chained) {
    device->device_issue_pending(chan);
    return;
  }

  dma_async_tx_descriptor* intr_tx = nullptr;
  if (dma_has_cap(DMA_INTERRUPT, device->cap_mask)) intr_tx = device->device_prep_dma_interrupt(chan, 0);

  if (!intr_tx) {
    // No way to be told when depend_tx is done: wait for it here.
    if (dma_wait_for_async_tx(depend_tx) != DMA_COMPLETE) {
      async_tx_report("Kernel panic - not syncing: async_tx_channel_switch: DMA error waiting for depend_tx");
      return;
    }
    tx->tx_submit(tx);
    return;
  }

  intr_tx->callback = nullptr;
  intr_tx->callback_param = nullptr;
  // intr_tx is not submitted yet: nobody else can see its links.
  txd_chain(intr_tx, tx);

  // Still waiting: depend_tx submits intr_tx when its turn comes.
  bool appended = false;
  txd_lock(depend_tx);
  if (txd_parent(depend_tx)) {
    txd_chain(depend_tx, intr_tx);
    async_tx_ack(intr_tx);
    appended = true;
  }
  txd_unlock(depend_tx);

  if (!appended) {
    // depend_tx is on its channel already: intr_tx queues behind it.
    txd_clear_parent(intr_tx);
    intr_tx->tx_submit(intr_tx);
    async_tx_ack(intr_tx);
  }
  device->device_issue_pending(chan);
}

}  // namespace

void async_tx_submit(dma_chan* chan, dma_async_tx_descriptor* tx, async_submit_ctl* submit) {
  KFUNC("async_tx_submit");
  dma_async_tx_descriptor* depend_tx = submit->depend_tx;

  tx->callback = submit->cb_fn;
  tx->callback_param = submit->cb_param;

  if (depend_tx) {
    // An acked depend_tx may already be freed or reused; a descriptor has at
    // most one dependent and one parent.
    if (async_tx_test_ack(depend_tx) || txd_next(depend_tx) || txd_parent(tx)) {
      async_tx_report(strfmt("kernel BUG at crypto/async_tx/async_tx.c: async_tx_submit(): %s",
                             async_tx_test_ack(depend_tx) ? "depend_tx is already acked"
                             : txd_next(depend_tx)        ? "depend_tx already has a dependent"
                                                          : "tx already has a parent"));
      return;
    }

    submit_disposition s;
    txd_lock(depend_tx);
    if (txd_parent(depend_tx)) {
      // depend_tx is not submitted yet.
      if (depend_tx->chan == chan) {
        txd_chain(depend_tx, tx);
        s = ASYNC_TX_SUBMITTED;
      } else {
        s = ASYNC_TX_CHANNEL_SWITCH;
      }
    } else {
      // depend_tx is submitted (maybe complete): on its channel, order is kept.
      s = depend_tx->chan == chan ? ASYNC_TX_DIRECT_SUBMIT : ASYNC_TX_CHANNEL_SWITCH;
    }
    txd_unlock(depend_tx);

    switch (s) {
      case ASYNC_TX_SUBMITTED:
        break;
      case ASYNC_TX_CHANNEL_SWITCH:
        async_tx_channel_switch(depend_tx, tx);
        break;
      case ASYNC_TX_DIRECT_SUBMIT:
        txd_clear_parent(tx);
        tx->tx_submit(tx);
        break;
    }
  } else {
    txd_clear_parent(tx);
    tx->tx_submit(tx);
  }

  if (submit->flags & ASYNC_TX_ACK) async_tx_ack(tx);

  if (depend_tx) async_tx_ack(depend_tx);
}

void async_tx_quiesce(dma_async_tx_descriptor** tx) {
  KFUNC("async_tx_quiesce");
  if (!*tx) return;
  if (async_tx_test_ack(*tx)) {
    async_tx_report("kernel BUG at crypto/async_tx/async_tx.c: async_tx_quiesce(): the descriptor is already acked");
    return;
  }
  if (dma_wait_for_async_tx(*tx) != DMA_COMPLETE) {
    async_tx_report("Kernel panic - not syncing: async_tx_quiesce: DMA error waiting for transaction");
    return;
  }
  async_tx_ack(*tx);
  *tx = nullptr;
}

}  // namespace dmacosim::dmaengine
