// The dmaengine client and provider API, as include/linux/dmaengine.h (~v5.10)
// plus the provider-private cookie helpers of drivers/dma/dmaengine.h.
//
// C++, but Linux's names, argument order and meanings. Differences that a
// kernel engineer should know about:
//   - dma_addr_t is a bus address of the simulated platform (the DMA master
//     is 32-bit: ADDR_W = 32);
//   - struct device is a name only; dma_request_chan() resolves (device name,
//     channel name) through a DT-like table (dma_platform_add_slave_map());
//   - ERR_PTR()/IS_ERR()/PTR_ERR() work as in the kernel;
//   - callbacks are plain function pointers, as in the kernel.
//
// Context rules (enforced through the kernel model): prep, submit,
// issue_pending, tx_status, pause, resume and terminate_async are atomic-safe;
// dma_request_chan/dma_request_channel/dma_release_channel, synchronize and
// terminate_sync call might_sleep() (V-SLEEP-1 on misuse).
#pragma once
#include <cerrno>  // EINVAL, EIO, ... (Linux values)
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "driver/kernel/spinlock.h"

#ifndef EPROBE_DEFER
#define EPROBE_DEFER 517  // kernel-internal errno
#endif

namespace dmacosim::dmaengine {

// ---------------------------------------------------------------- basics
using dma_addr_t = uint64_t;
using dma_cookie_t = int32_t;
using gfp_t = unsigned;
constexpr gfp_t GFP_KERNEL = 0, GFP_ATOMIC = 1, GFP_NOWAIT = 2;
constexpr dma_cookie_t DMA_MIN_COOKIE = 1;
inline int dma_submit_error(dma_cookie_t cookie) { return cookie < 0 ? cookie : 0; }

constexpr long MAX_ERRNO = 4095;
template <typename T = void>
inline T* ERR_PTR(long error) { return reinterpret_cast<T*>(static_cast<intptr_t>(error)); }
inline bool IS_ERR(const void* ptr) { return reinterpret_cast<uintptr_t>(ptr) >= static_cast<uintptr_t>(-MAX_ERRNO); }
inline bool IS_ERR_OR_NULL(const void* ptr) { return !ptr || IS_ERR(ptr); }
inline long PTR_ERR(const void* ptr) { return static_cast<long>(reinterpret_cast<intptr_t>(ptr)); }
constexpr unsigned BIT(unsigned n) { return 1u << n; }

// A device: only its name (dev_name()).
struct device {
  std::string init_name;
};
inline const char* dev_name(const device* dev) { return dev ? dev->init_name.c_str() : "(null)"; }

// ---------------------------------------------------------------- enums
enum dma_status { DMA_COMPLETE, DMA_IN_PROGRESS, DMA_PAUSED, DMA_ERROR, DMA_OUT_OF_ORDER };

enum dma_transaction_type {
  DMA_MEMCPY, DMA_XOR, DMA_PQ, DMA_XOR_VAL, DMA_PQ_VAL, DMA_MEMSET, DMA_MEMSET_SG, DMA_INTERRUPT,
  DMA_PRIVATE, DMA_ASYNC_TX, DMA_SLAVE, DMA_CYCLIC, DMA_INTERLEAVE, DMA_COMPLETION_NO_ORDER, DMA_REPEAT,
  DMA_LOAD_EOT, DMA_TX_TYPE_END
};

enum dma_transfer_direction { DMA_MEM_TO_MEM, DMA_MEM_TO_DEV, DMA_DEV_TO_MEM, DMA_DEV_TO_DEV, DMA_TRANS_NONE };

enum dma_ctrl_flags : unsigned long {
  DMA_PREP_INTERRUPT = 1ul << 0,
  DMA_CTRL_ACK = 1ul << 1,
  DMA_PREP_PQ_DISABLE_P = 1ul << 2,
  DMA_PREP_PQ_DISABLE_Q = 1ul << 3,
  DMA_PREP_CONTINUE = 1ul << 4,
  DMA_PREP_FENCE = 1ul << 5,
  DMA_CTRL_REUSE = 1ul << 6,
  DMA_PREP_CMD = 1ul << 7,
  DMA_PREP_REPEAT = 1ul << 8,
  DMA_PREP_LOAD_EOT = 1ul << 9,
};

enum dma_slave_buswidth {
  DMA_SLAVE_BUSWIDTH_UNDEFINED = 0, DMA_SLAVE_BUSWIDTH_1_BYTE = 1, DMA_SLAVE_BUSWIDTH_2_BYTES = 2,
  DMA_SLAVE_BUSWIDTH_3_BYTES = 3, DMA_SLAVE_BUSWIDTH_4_BYTES = 4, DMA_SLAVE_BUSWIDTH_8_BYTES = 8,
  DMA_SLAVE_BUSWIDTH_16_BYTES = 16, DMA_SLAVE_BUSWIDTH_32_BYTES = 32, DMA_SLAVE_BUSWIDTH_64_BYTES = 64,
};

enum dma_residue_granularity {
  DMA_RESIDUE_GRANULARITY_DESCRIPTOR = 0,
  DMA_RESIDUE_GRANULARITY_SEGMENT = 1,
  DMA_RESIDUE_GRANULARITY_BURST = 2,
};

enum dmaengine_alignment {
  DMAENGINE_ALIGN_1_BYTE = 0, DMAENGINE_ALIGN_2_BYTES, DMAENGINE_ALIGN_4_BYTES, DMAENGINE_ALIGN_8_BYTES,
  DMAENGINE_ALIGN_16_BYTES, DMAENGINE_ALIGN_32_BYTES, DMAENGINE_ALIGN_64_BYTES,
};

enum dmaengine_tx_result { DMA_TRANS_NOERROR = 0, DMA_TRANS_READ_FAILED, DMA_TRANS_WRITE_FAILED, DMA_TRANS_ABORTED };

struct dmaengine_result {
  enum dmaengine_tx_result result = DMA_TRANS_NOERROR;
  uint32_t residue = 0;
};

// For reports and logs (dmacosim; Linux prints the numbers): "DMA_COMPLETE",
// ..., and "NOERROR", "READ_FAILED", "WRITE_FAILED", "ABORTED".
const char* dma_status_name(dma_status s);
const char* dmaengine_tx_result_name(dmaengine_tx_result r);

// ---------------------------------------------------------------- capability masks
struct dma_cap_mask_t {
  uint32_t bits = 0;
};
inline void dma_cap_set(dma_transaction_type tx, dma_cap_mask_t& mask) { mask.bits |= 1u << tx; }
inline void dma_cap_clear(dma_transaction_type tx, dma_cap_mask_t& mask) { mask.bits &= ~(1u << tx); }
inline void dma_cap_zero(dma_cap_mask_t& mask) { mask.bits = 0; }
inline bool dma_has_cap(dma_transaction_type tx, const dma_cap_mask_t& mask) { return mask.bits & (1u << tx); }
// Pointer forms, as the kernel macros take `mask` by name and use &mask.
inline void dma_cap_set(dma_transaction_type tx, dma_cap_mask_t* mask) { dma_cap_set(tx, *mask); }
inline void dma_cap_zero(dma_cap_mask_t* mask) { dma_cap_zero(*mask); }

// ---------------------------------------------------------------- structures
struct dma_device;
struct dma_chan;
struct dma_async_tx_descriptor;

using dma_filter_fn = bool (*)(dma_chan* chan, void* filter_param);
using dma_async_tx_callback = void (*)(void* dma_async_param);
using dma_async_tx_callback_result = void (*)(void* dma_async_param, const dmaengine_result* result);

struct dma_slave_config {
  dma_transfer_direction direction = DMA_MEM_TO_MEM;  // deprecated, as in Linux
  dma_addr_t src_addr = 0;
  dma_addr_t dst_addr = 0;
  dma_slave_buswidth src_addr_width = DMA_SLAVE_BUSWIDTH_UNDEFINED;
  dma_slave_buswidth dst_addr_width = DMA_SLAVE_BUSWIDTH_UNDEFINED;
  uint32_t src_maxburst = 0;  // in units of src_addr_width
  uint32_t dst_maxburst = 0;
  uint32_t src_port_window_size = 0;
  uint32_t dst_port_window_size = 0;
  bool device_fc = false;
  unsigned int slave_id = 0;  // request line (pre-5.17 field)
  void* peripheral_config = nullptr;
  size_t peripheral_size = 0;
};

struct dma_slave_caps {
  uint32_t src_addr_widths = 0;
  uint32_t dst_addr_widths = 0;
  uint32_t directions = 0;
  uint32_t min_burst = 0;
  uint32_t max_burst = 0;
  uint32_t max_sg_burst = 0;
  bool cmd_pause = false;
  bool cmd_resume = false;
  bool cmd_terminate = false;
  dma_residue_granularity residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
  bool descriptor_reuse = false;
};

struct dma_tx_state {
  dma_cookie_t last = 0;
  dma_cookie_t used = 0;
  uint32_t residue = 0;
  uint32_t in_flight_bytes = 0;
};

struct dma_async_tx_descriptor {
  dma_cookie_t cookie = 0;
  unsigned long flags = 0;  // enum dma_ctrl_flags
  dma_addr_t phys = 0;
  dma_chan* chan = nullptr;
  dma_cookie_t (*tx_submit)(dma_async_tx_descriptor* tx) = nullptr;
  int (*desc_free)(dma_async_tx_descriptor* tx) = nullptr;
  dma_async_tx_callback callback = nullptr;
  dma_async_tx_callback_result callback_result = nullptr;
  void* callback_param = nullptr;
  // async_tx dependency links (Linux with CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH):
  // `next` is submitted by dma_run_dependencies() when this descriptor
  // completes; `parent` is set while this descriptor itself waits to be
  // submitted that way. Both change under `lock` (txd_lock()).
  dma_async_tx_descriptor* next = nullptr;
  dma_async_tx_descriptor* parent = nullptr;
  kernel::spinlock_t lock;
  // dmacosim debug (no Linux counterpart), set by dma_cookie_assign(): the
  // cookie of the last submit (kept when dma_cookie_complete() zeroes
  // `cookie`) and the channel's submit count then, which never wraps. Read by
  // the nothing-after-terminate check (dmaengine_desc_callback_invoke()).
  dma_cookie_t dbg_cookie = 0;
  uint64_t dbg_submit_seq = 0;
  uint64_t trace_id = 0;  // dmacosim: its span in the trace events (driver/kernel/trace_event.h), 0 if none
};

struct dma_chan {
  dma_device* device = nullptr;
  dma_cookie_t cookie = 0;            // last cookie assigned
  dma_cookie_t completed_cookie = 0;  // last cookie completed
  int chan_id = 0;
  int client_count = 0;
  int table_count = 0;
  std::string name;  // "dma0chan3"
  const char* dbg_client_name = nullptr;
  void* private_ = nullptr;  // Linux: chan->private
  // dmacosim debug (no Linux counterpart): the nothing-after-terminate check.
  // Counts are of cookies assigned on this channel (dbg_submits, never wraps).
  // A successful dmaengine_terminate_*() records the count and chan->cookie
  // as they were when it was called; the dmaengine_synchronize() after it
  // moves them to dbg_synced_*: from then on no completion callback may run
  // for a descriptor whose submit count is <= dbg_synced_submits.
  uint64_t dbg_submits = 0;
  uint64_t dbg_terminated_submits = 0;
  dma_cookie_t dbg_terminated_cookie = 0;
  uint64_t dbg_synced_submits = 0;
  dma_cookie_t dbg_synced_cookie = 0;
};

// The scatterlist subset used by slave_sg (include/linux/scatterlist.h).
struct scatterlist {
  dma_addr_t dma_address = 0;
  unsigned int length = 0;
  unsigned int dma_length = 0;
  unsigned int offset = 0;
};
inline void sg_init_table(scatterlist* sgl, unsigned int nents) {
  for (unsigned i = 0; i < nents; ++i) sgl[i] = scatterlist{};
}
inline dma_addr_t& sg_dma_address(scatterlist* sg) { return sg->dma_address; }
inline unsigned int& sg_dma_len(scatterlist* sg) { return sg->dma_length; }
inline scatterlist* sg_next(scatterlist* sg) { return sg + 1; }  // arrays only (no chaining)
#define for_each_sg(sglist, sg, nr, __i) for (__i = 0, sg = (sglist); __i < (nr); __i++, sg = sg_next(sg))

// DT-like description: (dma device, channel index, request line) as decoded
// from a `dmas` specifier; passed to the provider's of_dma_xlate.
struct of_phandle_args {
  std::string controller;  // name of the dma_device (dev_name of its dev)
  int chan_index = -1;     // -1: any free channel
  unsigned request_line = 0;
};

struct dma_device {
  unsigned int chancnt = 0;
  unsigned int privatecnt = 0;
  std::vector<dma_chan*> channels;
  int dev_id = -1;
  device* dev = nullptr;
  dma_cap_mask_t cap_mask;
  uint32_t src_addr_widths = 0;
  uint32_t dst_addr_widths = 0;
  uint32_t directions = 0;
  uint32_t min_burst = 0;
  uint32_t max_burst = 0;
  uint32_t max_sg_burst = 0;
  bool descriptor_reuse = false;
  dma_residue_granularity residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
  dmaengine_alignment copy_align = DMAENGINE_ALIGN_1_BYTE;

  int (*device_alloc_chan_resources)(dma_chan* chan) = nullptr;
  void (*device_free_chan_resources)(dma_chan* chan) = nullptr;
  dma_async_tx_descriptor* (*device_prep_dma_memcpy)(dma_chan* chan, dma_addr_t dst, dma_addr_t src, size_t len,
                                                      unsigned long flags) = nullptr;
  dma_async_tx_descriptor* (*device_prep_dma_memset)(dma_chan* chan, dma_addr_t dest, int value, size_t len,
                                                      unsigned long flags) = nullptr;
  dma_async_tx_descriptor* (*device_prep_dma_interrupt)(dma_chan* chan, unsigned long flags) = nullptr;
  dma_async_tx_descriptor* (*device_prep_slave_sg)(dma_chan* chan, scatterlist* sgl, unsigned int sg_len,
                                                    dma_transfer_direction direction, unsigned long flags,
                                                    void* context) = nullptr;
  dma_async_tx_descriptor* (*device_prep_dma_cyclic)(dma_chan* chan, dma_addr_t buf_addr, size_t buf_len,
                                                      size_t period_len, dma_transfer_direction direction,
                                                      unsigned long flags) = nullptr;
  void (*device_caps)(dma_chan* chan, dma_slave_caps* caps) = nullptr;
  int (*device_config)(dma_chan* chan, dma_slave_config* config) = nullptr;
  int (*device_pause)(dma_chan* chan) = nullptr;
  int (*device_resume)(dma_chan* chan) = nullptr;
  int (*device_terminate_all)(dma_chan* chan) = nullptr;
  void (*device_synchronize)(dma_chan* chan) = nullptr;
  dma_status (*device_tx_status)(dma_chan* chan, dma_cookie_t cookie, dma_tx_state* txstate) = nullptr;
  void (*device_issue_pending)(dma_chan* chan) = nullptr;
  // of_dma_controller_register()'s xlate (here part of the device).
  dma_chan* (*of_dma_xlate)(dma_device* device, const of_phandle_args* spec) = nullptr;
};

// ---------------------------------------------------------------- provider side
int dma_async_device_register(dma_device* device);  // -EIO on a capability without its op
void dma_async_device_unregister(dma_device* device);
// drivers/dma/dmaengine.h cookie helpers (channel lock held where Linux says so).
void dma_cookie_init(dma_chan* chan);
dma_cookie_t dma_cookie_assign(dma_async_tx_descriptor* tx);
void dma_cookie_complete(dma_async_tx_descriptor* tx);
// dmacosim: begins the descriptor's span in the trace events (prep -> release,
// on the channel's track); returns its id (0 when not tracing).
uint64_t dmaengine_trace_desc_begin(const dma_async_tx_descriptor* tx);
dma_status dma_cookie_status(dma_chan* chan, dma_cookie_t cookie, dma_tx_state* state);
inline void dma_set_residue(dma_tx_state* state, uint32_t residue) {
  if (state) state->residue = residue;
}
inline void dma_async_tx_descriptor_init(dma_async_tx_descriptor* tx, dma_chan* chan) {
  tx->chan = chan;
  // One lockdep class for every descriptor's link lock, as Linux's single init site.
  kernel::spin_lock_init(&tx->lock, "&tx->lock");
}
inline bool async_tx_test_ack(const dma_async_tx_descriptor* tx) { return (tx->flags & DMA_CTRL_ACK) == DMA_CTRL_ACK; }
inline void async_tx_ack(dma_async_tx_descriptor* tx) { tx->flags |= DMA_CTRL_ACK; }

// The dependency-link helpers. txd_lock() is spin_lock_bh(): links are
// changed from process context and from providers' completion tasklets.
inline void txd_lock(dma_async_tx_descriptor* txd) { kernel::spin_lock_bh(&txd->lock); }
inline void txd_unlock(dma_async_tx_descriptor* txd) { kernel::spin_unlock_bh(&txd->lock); }
inline void txd_chain(dma_async_tx_descriptor* txd, dma_async_tx_descriptor* next) {
  txd->next = next;
  next->parent = txd;
}
inline void txd_clear_parent(dma_async_tx_descriptor* txd) { txd->parent = nullptr; }
inline void txd_clear_next(dma_async_tx_descriptor* txd) { txd->next = nullptr; }
inline dma_async_tx_descriptor* txd_parent(dma_async_tx_descriptor* txd) { return txd->parent; }
inline dma_async_tx_descriptor* txd_next(dma_async_tx_descriptor* txd) { return txd->next; }

// For providers, from their completion path after the descriptor's callback:
// submits the descriptor's dependent and the dependents chained behind it on
// the same channel, then issues pending on that channel. A dependent on yet
// another channel stays linked to the last one submitted (an interrupt
// descriptor of a channel switch) and is run when that one completes.
void dma_run_dependencies(dma_async_tx_descriptor* tx);
// dmacosim debug (no Linux counterpart), for providers when they free a
// descriptor: one that still has a dependent (txd_next()) was dropped before
// it completed (terminate, channel release), so nothing will ever submit that
// dependent -- Linux leaves it so, silently. Reported as DMA-DEP-LOST
// (docs/linux-fidelity.md, "async_tx dependencies").
void dmaengine_dbg_check_lost_dependent(dma_async_tx_descriptor* tx);

struct dmaengine_desc_callback {
  dma_async_tx_callback callback = nullptr;
  dma_async_tx_callback_result callback_result = nullptr;
  void* callback_param = nullptr;
  // dmacosim debug (no Linux counterpart): whose callback this is, recorded
  // by dmaengine_desc_get_callback() for the nothing-after-terminate check.
  const dma_chan* dbg_chan = nullptr;
  dma_cookie_t dbg_cookie = 0;
  uint64_t dbg_submit_seq = 0;
  uint64_t trace_id = 0;  // the descriptor's trace span (the callback nests in it)
};
inline void dmaengine_desc_get_callback(const dma_async_tx_descriptor* tx, dmaengine_desc_callback* cb) {
  cb->callback = tx->callback;
  cb->callback_result = tx->callback_result;
  cb->callback_param = tx->callback_param;
  cb->dbg_chan = tx->chan;
  cb->dbg_cookie = tx->dbg_cookie;
  cb->dbg_submit_seq = tx->dbg_submit_seq;
  cb->trace_id = tx->trace_id;
}
inline bool dmaengine_desc_callback_valid(const dmaengine_desc_callback* cb) {
  return cb->callback || cb->callback_result;
}
// Runs the callback as Linux does (callback_result first). dmacosim check:
// a callback of a descriptor submitted before a dmaengine_terminate_*() whose
// dmaengine_synchronize() has returned breaks the terminate contract ("no
// callback running or scheduled" afterwards): logged as an error naming the
// channel and the cookie, and still run, as Linux would.
void dmaengine_desc_callback_invoke(const dmaengine_desc_callback* cb, const dmaengine_result* result);

// ---------------------------------------------------------------- platform description
// One `dmas`/`dma-names` entry: device `devname` names channel `slave`.
void dma_platform_add_slave_map(const std::string& devname, const std::string& slave, const of_phandle_args& spec);
void dma_platform_clear_slave_map();

// ---------------------------------------------------------------- client side
bool dma_async_is_complete(dma_cookie_t cookie, dma_cookie_t last_complete, dma_cookie_t last_used);

dma_chan* dma_request_chan(device* dev, const char* name);  // ERR_PTR on failure
dma_chan* __dma_request_channel(const dma_cap_mask_t* mask, dma_filter_fn fn, void* fn_param, void* np);
inline dma_chan* dma_request_channel(const dma_cap_mask_t& mask, dma_filter_fn fn, void* fn_param) {
  return __dma_request_channel(&mask, fn, fn_param, nullptr);
}
void dma_release_channel(dma_chan* chan);
int dma_get_slave_caps(dma_chan* chan, dma_slave_caps* caps);
// Devices registered so far (dmatest's channel iteration).
const std::vector<dma_device*>& dma_devices();

int dmaengine_slave_config(dma_chan* chan, dma_slave_config* config);
dma_async_tx_descriptor* dmaengine_prep_slave_sg(dma_chan* chan, scatterlist* sgl, unsigned int sg_len,
                                                 dma_transfer_direction dir, unsigned long flags);
dma_async_tx_descriptor* dmaengine_prep_slave_single(dma_chan* chan, dma_addr_t buf, size_t len,
                                                     dma_transfer_direction dir, unsigned long flags);
dma_async_tx_descriptor* dmaengine_prep_dma_cyclic(dma_chan* chan, dma_addr_t buf_addr, size_t buf_len,
                                                   size_t period_len, dma_transfer_direction dir,
                                                   unsigned long flags);
dma_async_tx_descriptor* dmaengine_prep_dma_memcpy(dma_chan* chan, dma_addr_t dest, dma_addr_t src, size_t len,
                                                   unsigned long flags);
dma_async_tx_descriptor* dmaengine_prep_dma_memset(dma_chan* chan, dma_addr_t dest, int value, size_t len,
                                                   unsigned long flags);
dma_cookie_t dmaengine_submit(dma_async_tx_descriptor* desc);
void dma_async_issue_pending(dma_chan* chan);
dma_status dmaengine_tx_status(dma_chan* chan, dma_cookie_t cookie, dma_tx_state* state);
dma_status dma_async_is_tx_complete(dma_chan* chan, dma_cookie_t cookie, dma_cookie_t* last, dma_cookie_t* used);
int dmaengine_pause(dma_chan* chan);
int dmaengine_resume(dma_chan* chan);
int dmaengine_terminate_async(dma_chan* chan);
int dmaengine_terminate_all(dma_chan* chan);  // deprecated
void dmaengine_synchronize(dma_chan* chan);
int dmaengine_terminate_sync(dma_chan* chan);
inline const char* dma_chan_name(const dma_chan* chan) { return chan->name.c_str(); }

// Reusable descriptors (DMA_CTRL_REUSE). set_reuse needs the channel's caps
// `descriptor_reuse` (else -EPERM; a channel without slave caps: their error).
// A reusable descriptor is not freed after completion or terminate+synchronize:
// it can be submitted again (new cookie) until dmaengine_desc_free() (-EPERM
// for a descriptor without DMA_CTRL_REUSE), or until it is submitted with the
// flag cleared, or the channel is released.
int dmaengine_desc_set_reuse(dma_async_tx_descriptor* tx);
inline void dmaengine_desc_clear_reuse(dma_async_tx_descriptor* tx) { tx->flags &= ~DMA_CTRL_REUSE; }
inline bool dmaengine_desc_test_reuse(const dma_async_tx_descriptor* tx) {
  return (tx->flags & DMA_CTRL_REUSE) == DMA_CTRL_REUSE;
}
int dmaengine_desc_free(dma_async_tx_descriptor* desc);

// Issues pending work, then busy-polls the cookie (no sleep) until it is not
// DMA_IN_PROGRESS; DMA_ERROR with "dma_sync_wait: timeout!" after 5 s of
// simulated time.
dma_status dma_sync_wait(dma_chan* chan, dma_cookie_t cookie);
// async_tx's wait: spins while the descriptor is not submitted yet (cookie
// -EBUSY, its dependency has not run: "dma_wait_for_async_tx timeout waiting
// for descriptor submission" and DMA_ERROR after 5 s), then dma_sync_wait().
dma_status dma_wait_for_async_tx(dma_async_tx_descriptor* tx);

}  // namespace dmacosim::dmaengine
