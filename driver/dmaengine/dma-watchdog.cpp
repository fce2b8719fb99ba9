// DMA hang watchdog. See dma-watchdog.h.
#include "driver/dmaengine/dma-watchdog.h"

#include <algorithm>

#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "models/log.h"

namespace dmacosim::dmaengine {

using namespace dmacosim::kernel;
using namespace sc_core;

static std::string time_str(const sc_time& t) {
  const double us = t.to_seconds() * 1e6;
  return us >= 1000.0 ? strfmt("%.3gms", us / 1000.0) : strfmt("%.3gus", us);
}

static void dma_watchdog_check(dma_watchdog* wd) {
  KFUNC("dma_watchdog_check");
  const sc_time now = sc_time_stamp();
  // Pass 1: query every cookie; a channel progressed if any of its cookies
  // finished or changed (a cookie queued behind a long transfer is not hung).
  std::vector<dma_chan*> progressed;
  std::vector<uint32_t> residues(wd->list.size());
  for (size_t i = 0; i < wd->list.size();) {
    dma_watchdog::watched& w = wd->list[i];
    dma_tx_state st;
    const dma_status s = dmaengine_tx_status(w.chan, w.cookie, &st);
    const bool changed =
        s != w.status || st.residue != w.residue || w.chan->completed_cookie != w.completed || s == DMA_PAUSED;
    if (changed || s == DMA_COMPLETE || s == DMA_ERROR) progressed.push_back(w.chan);
    if (s == DMA_COMPLETE || s == DMA_ERROR) {
      wd->list.erase(wd->list.begin() + long(i));
      continue;
    }
    w.status = s;
    w.residue = st.residue;
    w.completed = w.chan->completed_cookie;
    ++i;
  }
  // Pass 2: report cookies of channels without progress for `timeout`.
  std::vector<std::pair<dma_chan*, dma_cookie_t>> hung;
  for (dma_watchdog::watched& w : wd->list) {
    if (std::find(progressed.begin(), progressed.end(), w.chan) != progressed.end()) {
      w.last_progress = now;
      continue;
    }
    if (w.reported || now - w.last_progress < wd->timeout) continue;
    w.reported = true;
    wd->hangs++;
    const std::string headline =
        strfmt("dmaengine: %s: cookie %d: no progress for %s (%s, residue %u)", dma_chan_name(w.chan), w.cookie,
               time_str(now - w.last_progress).c_str(), dma_status_name(w.status), w.residue);
    wd->reports.push_back(headline);
    std::string msg = headline + "\n";
    if (wd->dump) msg += wd->dump();
    this_kernel().report_bug(std::string("DMA-HANG|") + dma_chan_name(w.chan) + "|" + std::to_string(w.cookie),
                             "DMA-HANG", headline, msg, {this_kernel().current_chain()});
    hung.emplace_back(w.chan, w.cookie);
  }
  if (wd->on_hang)
    for (auto& h : hung) wd->on_hang(h.first, h.second);  // may call dma_watchdog_forget()
}

std::shared_ptr<dma_watchdog> dma_watchdog_start(const sc_time& timeout, std::function<std::string()> dump,
                                                 const sc_time& period) {
  auto wd = std::make_shared<dma_watchdog>();
  wd->timeout = timeout;
  wd->period = period == SC_ZERO_TIME ? timeout / 4 : period;
  wd->dump = std::move(dump);
  kthread_run(std::function<int()>([wd]() -> int {
                while (!wd->stopped) {
                  sleep_for(wd->period);
                  if (!wd->stopped) dma_watchdog_check(wd.get());
                }
                return 0;
              }),
              "dma_watchdog");
  return wd;
}

void dma_watchdog_watch(dma_watchdog* wd, dma_chan* chan, dma_cookie_t cookie) {
  if (!wd || !chan || cookie < DMA_MIN_COOKIE) return;
  dma_watchdog::watched w;
  w.chan = chan;
  w.cookie = cookie;
  w.residue = ~0u;  // the first check counts as progress
  w.completed = chan->completed_cookie;
  w.last_progress = sc_time_stamp();
  wd->list.push_back(w);
}

void dma_watchdog_forget(dma_watchdog* wd, dma_chan* chan) {
  if (!wd) return;
  for (size_t i = 0; i < wd->list.size();)
    if (wd->list[i].chan == chan) wd->list.erase(wd->list.begin() + long(i));
    else ++i;
}

void dma_watchdog_stop(dma_watchdog* wd) {
  if (wd) wd->stopped = true;
}

}  // namespace dmacosim::dmaengine
