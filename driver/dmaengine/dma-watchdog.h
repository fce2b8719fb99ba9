// DMA hang watchdog (dmacosim): turns a DMA transfer that stops making
// progress into a report with the state of every channel, instead of a
// silent timeout.
//
// Linux has no generic one; drivers and clients bound each transfer with a
// timer or a wait timeout (dmatest: "result #N: 'test timed out'"). This is
// that timeout made reusable: a kernel thread ("dma_watchdog") wakes every
// `period`, and for every cookie the client asked it to watch calls
// dmaengine_tx_status(). A cookie is done when its status is DMA_COMPLETE or
// DMA_ERROR (then it is dropped). Progress is per channel: a cookie of the
// channel finished, or changed (status, residue, the channel's completed
// cookie); DMA_PAUSED counts as progress (the client paused it). So a cookie
// queued behind a long transfer is not hung while that transfer moves. A
// cookie whose channel made no progress for `timeout` is reported once:
// rule DMA-HANG in the validator's report list, headline
//   "dmaengine: dma0chan1: cookie 7: no progress for 2ms (DMA_IN_PROGRESS, residue 4096)"
// followed by `dump()` (e.g. dmac_dbg_summary_show(): registers read through
// the bus and the driver's vchan lists for every channel). Then `on_hang`
// (optional) runs in the watchdog thread, e.g. to terminate the channel.
//
// Terminated cookies never complete (as in Linux, tx_status keeps saying
// DMA_IN_PROGRESS): the client calls dma_watchdog_forget() for the channel
// after dmaengine_terminate_*().
//
// The watchdog itself needs the CPU: if process context cannot run at all
// (an interrupt storm, a spinning task) the soft-lockup detector reports
// instead (Kernel::set_softlockup_thresh).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "driver/dmaengine/dmaengine.h"

namespace dmacosim::dmaengine {

struct dma_watchdog {
  sc_core::sc_time timeout, period;
  std::function<std::string()> dump;
  std::function<void(dma_chan*, dma_cookie_t)> on_hang;
  struct watched {
    dma_chan* chan = nullptr;
    dma_cookie_t cookie = 0;
    dma_status status = DMA_IN_PROGRESS;
    uint32_t residue = 0;
    dma_cookie_t completed = 0;
    sc_core::sc_time last_progress;
    bool reported = false;
  };
  std::vector<watched> list;
  bool stopped = false;
  unsigned hangs = 0;
  std::vector<std::string> reports;  // headlines, in order
};

// Start the watchdog thread (process context). period defaults to timeout / 4.
std::shared_ptr<dma_watchdog> dma_watchdog_start(const sc_core::sc_time& timeout, std::function<std::string()> dump,
                                                 const sc_core::sc_time& period = sc_core::SC_ZERO_TIME);
void dma_watchdog_watch(dma_watchdog* wd, dma_chan* chan, dma_cookie_t cookie);
// Drop every cookie of `chan` (after terminate: they were aborted).
void dma_watchdog_forget(dma_watchdog* wd, dma_chan* chan);
// The thread exits at its next wake-up.
void dma_watchdog_stop(dma_watchdog* wd);

}  // namespace dmacosim::dmaengine
