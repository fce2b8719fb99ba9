// The dmaengine core (drivers/dma/dmaengine.c, drivers/dma/dmaengine.h):
// device registration with the kernel's capability checks, channel matching,
// cookies, and the client wrappers of include/linux/dmaengine.h.
#include "driver/dmaengine/dmaengine.h"

#include <map>

#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/trace_event.h"
#include "models/log.h"

namespace dmacosim::dmaengine {

using namespace dmacosim::kernel;

namespace {

struct Registry {
  std::vector<dma_device*> devices;
  int next_dev_id = 0;
  std::map<std::pair<std::string, std::string>, of_phandle_args> slave_map;
};
Registry& reg() {
  static Registry r;
  return r;
}

}  // namespace

// ---------------------------------------------------------------- registration

int dma_async_device_register(dma_device* device) {
  if (!device) return -ENODEV;
  const char* dn = dev_name(device->dev);
  auto missing = [&](const char* what) {
    log_error("dmaengine", std::string(dn) + ": Device claims capability " + what + ", but op is not defined");
    return -EIO;
  };
  // Linux: dma_async_device_register() refuses a device whose cap_mask
  // promises an operation it lacks (-EIO).
  if (dma_has_cap(DMA_MEMCPY, device->cap_mask) && !device->device_prep_dma_memcpy) return missing("DMA_MEMCPY");
  if (dma_has_cap(DMA_MEMSET, device->cap_mask) && !device->device_prep_dma_memset) return missing("DMA_MEMSET");
  if (dma_has_cap(DMA_CYCLIC, device->cap_mask) && !device->device_prep_dma_cyclic) return missing("DMA_CYCLIC");
  if (dma_has_cap(DMA_SLAVE, device->cap_mask) && !device->device_prep_slave_sg) return missing("DMA_SLAVE");
  if (dma_has_cap(DMA_INTERRUPT, device->cap_mask) && !device->device_prep_dma_interrupt)
    return missing("DMA_INTERRUPT");
  if (!device->device_tx_status) {
    log_error("dmaengine", std::string(dn) + ": Device tx_status is not defined");
    return -EIO;
  }
  if (!device->device_issue_pending) {
    log_error("dmaengine", std::string(dn) + ": Device issue_pending is not defined");
    return -EIO;
  }
  if (device->channels.empty()) return -EINVAL;
  device->dev_id = reg().next_dev_id++;
  device->chancnt = 0;
  for (dma_chan* chan : device->channels) {
    chan->device = device;
    chan->chan_id = int(device->chancnt++);
    chan->client_count = 0;
    chan->name = "dma" + std::to_string(device->dev_id) + "chan" + std::to_string(chan->chan_id);
  }
  reg().devices.push_back(device);
  return 0;
}

void dma_async_device_unregister(dma_device* device) {
  auto& v = reg().devices;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (*it == device) {
      v.erase(it);
      break;
    }
}

const std::vector<dma_device*>& dma_devices() { return reg().devices; }

// ---------------------------------------------------------------- cookies

uint64_t dmaengine_trace_desc_begin(const dma_async_tx_descriptor* tx) {
  const uint64_t id = kernel::trace_async_begin(kernel::TRACE_PID_DMA, "dma", tx->chan ? tx->chan->name : "dma",
                                                {{"flags", std::to_string(tx->flags)}});
  kernel::trace_async_step(id, "prepared");
  return id;
}

void dma_cookie_init(dma_chan* chan) { chan->cookie = chan->completed_cookie = DMA_MIN_COOKIE; }

dma_cookie_t dma_cookie_assign(dma_async_tx_descriptor* tx) {
  dma_chan* chan = tx->chan;
  // Signed overflow is undefined in C++: compute in 64 bits, as the kernel
  // relies on the wrap (cookie + 1 < DMA_MIN_COOKIE -> DMA_MIN_COOKIE).
  int64_t next = int64_t(chan->cookie) + 1;
  dma_cookie_t cookie = (next < DMA_MIN_COOKIE || next > INT32_MAX) ? DMA_MIN_COOKIE : dma_cookie_t(next);
  tx->cookie = chan->cookie = cookie;
  tx->dbg_cookie = cookie;
  tx->dbg_submit_seq = ++chan->dbg_submits;
  if (kernel::trace_events_on()) {
    if (!tx->trace_id) tx->trace_id = dmaengine_trace_desc_begin(tx);  // a reused descriptor, submitted again
    kernel::trace_async_step(tx->trace_id, "submitted", {{"cookie", std::to_string(cookie)}});
  }
  return cookie;
}

void dma_cookie_complete(dma_async_tx_descriptor* tx) {
  if (tx->cookie < DMA_MIN_COOKIE) {
    log_error("dmaengine", "BUG: dma_cookie_complete() of an unassigned cookie");
    return;
  }
  tx->chan->completed_cookie = tx->cookie;
  if (kernel::trace_events_on()) kernel::trace_async_step(tx->trace_id, "completed", {{"cookie", std::to_string(tx->cookie)}});
  tx->cookie = 0;
}

bool dma_async_is_complete(dma_cookie_t cookie, dma_cookie_t last_complete, dma_cookie_t last_used) {
  if (last_complete <= last_used) {
    if (cookie <= last_complete || cookie > last_used) return true;
  } else {
    if (cookie <= last_complete && cookie > last_used) return true;
  }
  return false;
}

dma_status dma_cookie_status(dma_chan* chan, dma_cookie_t cookie, dma_tx_state* state) {
  dma_cookie_t used = chan->cookie;
  dma_cookie_t complete = chan->completed_cookie;
  if (state) {
    state->last = complete;
    state->used = used;
    state->residue = 0;
    state->in_flight_bytes = 0;
  }
  return dma_async_is_complete(cookie, complete, used) ? DMA_COMPLETE : DMA_IN_PROGRESS;
}

// The terminate contract (dmaengine_synchronize()'s kernel-doc in Linux's
// include/linux/dmaengine.h):
// once synchronize has returned after a terminate, no callback of a
// descriptor submitted before that terminate is running or may still run.
static void dmaengine_check_callback_after_synchronize(const dmaengine_desc_callback* cb) {
  const dma_chan* chan = cb->dbg_chan;
  if (!chan || !cb->dbg_submit_seq || cb->dbg_submit_seq > chan->dbg_synced_submits) return;
  log_error("dmaengine",
            strfmt("%s: completion callback of cookie %d runs after dmaengine_synchronize() returned, but the "
                   "descriptor was submitted before the terminate it synchronized (last cookie %d then): once "
                   "terminate + synchronize have returned, no callback of an earlier descriptor may run",
                   chan->name.c_str(), cb->dbg_cookie, chan->dbg_synced_cookie));
}

void dmaengine_desc_callback_invoke(const dmaengine_desc_callback* cb, const dmaengine_result* result) {
  static const dmaengine_result dummy{DMA_TRANS_NOERROR, 0};
  if (dmaengine_desc_callback_valid(cb)) dmaengine_check_callback_after_synchronize(cb);
  const bool traced = kernel::trace_events_on() && dmaengine_desc_callback_valid(cb);
  if (traced) kernel::trace_async_push(cb->trace_id, "callback", {{"cookie", std::to_string(cb->dbg_cookie)}});
  if (cb->callback_result) {
    cb->callback_result(cb->callback_param, result ? result : &dummy);
  } else if (cb->callback) {
    cb->callback(cb->callback_param);
  }
  if (traced && kernel::trace_events_on()) kernel::trace_async_pop(cb->trace_id, "callback");
}

// ---------------------------------------------------------------- channels

void dma_platform_add_slave_map(const std::string& devname, const std::string& slave, const of_phandle_args& spec) {
  reg().slave_map[{devname, slave}] = spec;
}
void dma_platform_clear_slave_map() { reg().slave_map.clear(); }

static int dma_chan_get(dma_chan* chan) {
  if (chan->client_count) {
    chan->client_count++;
    return 0;
  }
  if (chan->device->device_alloc_chan_resources) {
    int ret = chan->device->device_alloc_chan_resources(chan);
    if (ret < 0) return ret;
  }
  chan->client_count++;
  return 0;
}

static bool dma_device_satisfies_mask(const dma_device* device, const dma_cap_mask_t* want) {
  return (device->cap_mask.bits & want->bits) == want->bits;
}

dma_chan* __dma_request_channel(const dma_cap_mask_t* mask, dma_filter_fn fn, void* fn_param, void* np) {
  might_sleep();  // takes dma_list_mutex, allocates channel resources (GFP_KERNEL)
  for (dma_device* device : reg().devices) {
    if (mask && !dma_device_satisfies_mask(device, mask)) continue;
    for (dma_chan* chan : device->channels) {
      if (chan->client_count) continue;  // busy
      if (fn && !fn(chan, fn_param)) continue;
      dma_cap_set(DMA_PRIVATE, device->cap_mask);
      device->privatecnt++;
      if (dma_chan_get(chan) < 0) {
        log_warn("dmaengine", std::string("__dma_request_channel: ") + dma_chan_name(chan) + " get failed");
        continue;
      }
      return chan;
    }
  }
  return nullptr;
}

dma_chan* dma_request_chan(device* dev, const char* name) {
  might_sleep();
  if (!dev || !name) return ERR_PTR<dma_chan>(-EINVAL);
  auto it = reg().slave_map.find({dev->init_name, name});
  if (it == reg().slave_map.end()) return ERR_PTR<dma_chan>(-ENODEV);
  const of_phandle_args& spec = it->second;
  dma_device* device = nullptr;
  for (dma_device* d : reg().devices)
    if (d->dev && d->dev->init_name == spec.controller) device = d;
  if (!device) return ERR_PTR<dma_chan>(-EPROBE_DEFER);  // controller not probed yet
  if (!device->of_dma_xlate) return ERR_PTR<dma_chan>(-ENODEV);
  dma_chan* chan = device->of_dma_xlate(device, &spec);
  if (!chan) return ERR_PTR<dma_chan>(-EBUSY);
  if (IS_ERR(chan)) return chan;
  dma_cap_set(DMA_PRIVATE, device->cap_mask);
  device->privatecnt++;
  int ret = dma_chan_get(chan);
  if (ret < 0) return ERR_PTR<dma_chan>(ret);
  chan->dbg_client_name = dev_name(dev);
  return chan;
}

void dma_release_channel(dma_chan* chan) {
  might_sleep();
  if (!chan || IS_ERR(chan)) return;
  if (chan->client_count <= 0) {
    log_error("dmaengine", std::string("dma_release_channel: ") + dma_chan_name(chan) + " is not in use");
    return;
  }
  if (--chan->client_count == 0 && chan->device->device_free_chan_resources)
    chan->device->device_free_chan_resources(chan);
  if (chan->device->privatecnt && --chan->device->privatecnt == 0)
    dma_cap_clear(DMA_PRIVATE, chan->device->cap_mask);
  chan->dbg_client_name = nullptr;
}

int dma_get_slave_caps(dma_chan* chan, dma_slave_caps* caps) {
  if (!chan || !caps) return -EINVAL;
  dma_device* device = chan->device;
  if (!(dma_has_cap(DMA_SLAVE, device->cap_mask) || dma_has_cap(DMA_CYCLIC, device->cap_mask))) return -ENXIO;
  if (!device->directions) return -ENXIO;
  caps->src_addr_widths = device->src_addr_widths;
  caps->dst_addr_widths = device->dst_addr_widths;
  caps->directions = device->directions;
  caps->min_burst = device->min_burst;
  caps->max_burst = device->max_burst;
  caps->max_sg_burst = device->max_sg_burst;
  caps->residue_granularity = device->residue_granularity;
  caps->descriptor_reuse = device->descriptor_reuse;
  caps->cmd_pause = device->device_pause != nullptr;
  caps->cmd_resume = device->device_resume != nullptr;
  caps->cmd_terminate = device->device_terminate_all != nullptr;
  if (device->device_caps) device->device_caps(chan, caps);
  return 0;
}

// ---------------------------------------------------------------- wrappers

int dmaengine_slave_config(dma_chan* chan, dma_slave_config* config) {
  if (chan->device->device_config) return chan->device->device_config(chan, config);
  return -ENOSYS;
}

dma_async_tx_descriptor* dmaengine_prep_slave_sg(dma_chan* chan, scatterlist* sgl, unsigned int sg_len,
                                                 dma_transfer_direction dir, unsigned long flags) {
  if (!chan || !chan->device || !chan->device->device_prep_slave_sg) return nullptr;
  return chan->device->device_prep_slave_sg(chan, sgl, sg_len, dir, flags, nullptr);
}

dma_async_tx_descriptor* dmaengine_prep_slave_single(dma_chan* chan, dma_addr_t buf, size_t len,
                                                     dma_transfer_direction dir, unsigned long flags) {
  if (!chan || !chan->device || !chan->device->device_prep_slave_sg) return nullptr;
  scatterlist sg;
  sg_init_table(&sg, 1);
  sg_dma_address(&sg) = buf;
  sg_dma_len(&sg) = unsigned(len);
  if (len > 0xffffffffu) return nullptr;
  return chan->device->device_prep_slave_sg(chan, &sg, 1, dir, flags, nullptr);
}

dma_async_tx_descriptor* dmaengine_prep_dma_cyclic(dma_chan* chan, dma_addr_t buf_addr, size_t buf_len,
                                                   size_t period_len, dma_transfer_direction dir,
                                                   unsigned long flags) {
  if (!chan || !chan->device || !chan->device->device_prep_dma_cyclic) return nullptr;
  return chan->device->device_prep_dma_cyclic(chan, buf_addr, buf_len, period_len, dir, flags);
}

dma_async_tx_descriptor* dmaengine_prep_dma_memcpy(dma_chan* chan, dma_addr_t dest, dma_addr_t src, size_t len,
                                                   unsigned long flags) {
  if (!chan || !chan->device || !chan->device->device_prep_dma_memcpy) return nullptr;
  return chan->device->device_prep_dma_memcpy(chan, dest, src, len, flags);
}

dma_async_tx_descriptor* dmaengine_prep_dma_memset(dma_chan* chan, dma_addr_t dest, int value, size_t len,
                                                   unsigned long flags) {
  if (!chan || !chan->device || !chan->device->device_prep_dma_memset) return nullptr;
  return chan->device->device_prep_dma_memset(chan, dest, value, len, flags);
}

dma_cookie_t dmaengine_submit(dma_async_tx_descriptor* desc) { return desc->tx_submit(desc); }

void dma_async_issue_pending(dma_chan* chan) { chan->device->device_issue_pending(chan); }

dma_status dmaengine_tx_status(dma_chan* chan, dma_cookie_t cookie, dma_tx_state* state) {
  const dma_status st = chan->device->device_tx_status(chan, cookie, state);
  // The residue the client was told (e.g. ALSA's pointer callback), per channel.
  if (kernel::trace_events_on() && state)
    kernel::trace_counter(kernel::TRACE_PID_DMA, chan->name + " residue (bytes)", double(state->residue));
  return st;
}

dma_status dma_async_is_tx_complete(dma_chan* chan, dma_cookie_t cookie, dma_cookie_t* last, dma_cookie_t* used) {
  dma_tx_state state;
  dma_status status = chan->device->device_tx_status(chan, cookie, &state);
  if (last) *last = state.last;
  if (used) *used = state.used;
  return status;
}

int dmaengine_pause(dma_chan* chan) {
  if (chan->device->device_pause) return chan->device->device_pause(chan);
  return -ENOSYS;
}

int dmaengine_resume(dma_chan* chan) {
  if (chan->device->device_resume) return chan->device->device_resume(chan);
  return -ENOSYS;
}

// Runs the provider's terminate_all and, if it succeeded, records for the
// nothing-after-terminate check what was submitted before it. Read before the
// call: a descriptor submitted meanwhile (from an interrupt) is then not
// checked, rather than one submitted after it being flagged.
static int dmaengine_do_terminate(dma_chan* chan) {
  const uint64_t submits = chan->dbg_submits;
  const dma_cookie_t cookie = chan->cookie;
  int ret = chan->device->device_terminate_all(chan);
  if (ret == 0) {
    chan->dbg_terminated_submits = submits;
    chan->dbg_terminated_cookie = cookie;
  }
  return ret;
}

int dmaengine_terminate_all(dma_chan* chan) {
  if (chan->device->device_terminate_all) return dmaengine_do_terminate(chan);
  return -ENOSYS;
}

int dmaengine_terminate_async(dma_chan* chan) {
  if (chan->device->device_terminate_all) return dmaengine_do_terminate(chan);
  return -EINVAL;
}

void dmaengine_synchronize(dma_chan* chan) {
  KFUNC("dmaengine_synchronize");
  might_sleep();
  // What was terminated before this call is synchronized when it returns.
  const uint64_t terminated = chan->dbg_terminated_submits;
  const dma_cookie_t terminated_cookie = chan->dbg_terminated_cookie;
  if (chan->device->device_synchronize) chan->device->device_synchronize(chan);
  if (terminated > chan->dbg_synced_submits) {
    chan->dbg_synced_submits = terminated;
    chan->dbg_synced_cookie = terminated_cookie;
  }
}

int dmaengine_terminate_sync(dma_chan* chan) {
  int ret = dmaengine_terminate_async(chan);
  if (ret) return ret;
  dmaengine_synchronize(chan);
  return 0;
}

int dmaengine_desc_set_reuse(dma_async_tx_descriptor* tx) {
  dma_slave_caps caps;
  int ret;

  ret = dma_get_slave_caps(tx->chan, &caps);
  if (ret) return ret;

  if (!caps.descriptor_reuse) return -EPERM;

  tx->flags |= DMA_CTRL_REUSE;
  return 0;
}

int dmaengine_desc_free(dma_async_tx_descriptor* desc) {
  // this is supported for reusable desc, so check that
  if (!dmaengine_desc_test_reuse(desc)) return -EPERM;

  return desc->desc_free(desc);
}

static bool time_after_eq(unsigned long a, unsigned long b) { return long(a - b) >= 0; }

dma_status dma_sync_wait(dma_chan* chan, dma_cookie_t cookie) {
  dma_status status;
  const unsigned long dma_sync_wait_timeout = jiffies_now() + msecs_to_jiffies(5000);

  dma_async_issue_pending(chan);
  do {
    status = dma_async_is_tx_complete(chan, cookie, nullptr, nullptr);
    if (time_after_eq(jiffies_now(), dma_sync_wait_timeout)) {
      log_error("dmaengine", std::string(dev_name(chan->device->dev)) + ": dma_sync_wait: timeout!");
      return DMA_ERROR;
    }
    if (status != DMA_IN_PROGRESS) break;
    cpu_relax();
  } while (true);

  return status;
}

dma_status dma_wait_for_async_tx(dma_async_tx_descriptor* tx) {
  KFUNC("dma_wait_for_async_tx");
  if (!tx) return DMA_COMPLETE;
  const unsigned long deadline = jiffies_now() + msecs_to_jiffies(5000);
  // -EBUSY: prepared, but its dependency has not submitted it yet.
  while (tx->cookie == -EBUSY) {
    if (time_after_eq(jiffies_now(), deadline)) {
      log_error("dmaengine", std::string(dev_name(tx->chan->device->dev)) +
                                 ": dma_wait_for_async_tx timeout waiting for descriptor submission");
      return DMA_ERROR;
    }
    cpu_relax();
  }
  return dma_sync_wait(tx->chan, tx->cookie);
}

// ---------------------------------------------------------------- async_tx dependencies

void dma_run_dependencies(dma_async_tx_descriptor* tx) {
  KFUNC("dma_run_dependencies");
  dma_async_tx_descriptor* dep = txd_next(tx);
  if (!dep) return;
  // The dependent is submitted below: tx no longer leads to it.
  txd_clear_next(tx);
  dma_chan* const target = dep->chan;
  while (dep) {
    // Unlink under the dependent's own lock, so a concurrent async_tx_submit()
    // sees it either still waiting (parent set) or submitted, never between.
    txd_lock(dep);
    txd_clear_parent(dep);
    dma_async_tx_descriptor* following = txd_next(dep);
    if (following && following->chan == target)
      txd_clear_next(dep);  // submitted in this pass too
    else
      following = nullptr;  // none, or on another channel: dep's completion runs it
    txd_unlock(dep);
    dep->tx_submit(dep);
    dep = following;
  }
  target->device->device_issue_pending(target);
}

void dmaengine_dbg_check_lost_dependent(dma_async_tx_descriptor* tx) {
  dma_async_tx_descriptor* dep = tx ? txd_next(tx) : nullptr;
  if (!dep) return;
  const std::string headline =
      strfmt("dmaengine: %s: descriptor (cookie %d) freed without completing, but it still has a dependent on %s: "
             "that dependent is never submitted (async_tx dependency lost)",
             dma_chan_name(tx->chan), tx->dbg_cookie, dma_chan_name(dep->chan));
  std::string msg = headline +
                    "\nLinux does the same: dma_run_dependencies() runs only from a provider's completion of the "
                    "parent, and a terminated or released descriptor never completes. The dependent keeps cookie " +
                    std::to_string(dep->cookie) + " (-EBUSY: not submitted); dma_wait_for_async_tx() on it times out.\n";
  Kernel& k = this_kernel();
  static uint64_t lost = 0;  // every loss is its own event (descriptor memory is reused)
  k.report_bug("DMA-DEP-LOST|" + std::to_string(++lost), "DMA-DEP-LOST", headline, msg, {k.current_chain()});
}

const char* dma_status_name(dma_status s) {
  switch (s) {
    case DMA_COMPLETE: return "DMA_COMPLETE";
    case DMA_IN_PROGRESS: return "DMA_IN_PROGRESS";
    case DMA_PAUSED: return "DMA_PAUSED";
    case DMA_ERROR: return "DMA_ERROR";
    case DMA_OUT_OF_ORDER: return "DMA_OUT_OF_ORDER";
  }
  return "?";
}

const char* dmaengine_tx_result_name(dmaengine_tx_result r) {
  switch (r) {
    case DMA_TRANS_NOERROR: return "NOERROR";
    case DMA_TRANS_READ_FAILED: return "READ_FAILED";
    case DMA_TRANS_WRITE_FAILED: return "WRITE_FAILED";
    case DMA_TRANS_ABORTED: return "ABORTED";
  }
  return "?";
}

}  // namespace dmacosim::dmaengine
