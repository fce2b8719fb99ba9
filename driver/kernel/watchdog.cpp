// kernel/watchdog.c: the soft-lockup detector and its hang dumps.
#include "kernel.h"

#include "models/cpu.h"
#include "models/log.h"

namespace dmacosim::kernel {

using namespace sc_core;

// ---------------------------------------------------------------- soft-lockup detector

// proc_watchdog_thresh(): the sysctl knob. A soft lockup is declared after
// get_softlockup_thresh() = 2 x watchdog_thresh without scheduling.
void Kernel::set_watchdog_thresh(const sc_time& t) { set_softlockup_thresh(2 * t); }
sc_time Kernel::watchdog_thresh() const { return wd_thresh_ / 2; }

void Kernel::set_softlockup_thresh(const sc_time& t) {
  wd_thresh_ = t;
  if (!wd_armed_) return;
  wd_ev_.cancel();  // re-arm for the new threshold
  wd_armed_ = false;
  if (t == SC_ZERO_TIME) return;
  const sc_time now = sc_time_stamp();
  wd_armed_ = true;
  wd_ev_.notify(wd_touch_ + t > now ? wd_touch_ + t - now : SC_ZERO_TIME);
}

// The scheduler ran (or the CPU went idle): restart the stuck-time count.
void Kernel::touch_softlockup_watchdog() {
  if (wd_thresh_ == SC_ZERO_TIME) return;
  wd_touch_ = sc_time_stamp();
  wd_reported_ = false;
  wd_irqs_at_touch_ = cpus_[0]->cpu->interrupts_taken();
  if (!wd_armed_) {
    wd_armed_ = true;
    wd_ev_.notify(wd_thresh_);
  }
}

void Kernel::add_hang_dump(const std::string& name, std::function<std::string()> fn) {
  for (auto& d : hang_dumps_)
    if (d.first == name) {
      d.second = std::move(fn);
      return;
    }
  hang_dumps_.emplace_back(name, std::move(fn));
}

void Kernel::remove_hang_dump(const std::string& name) {
  for (auto it = hang_dumps_.begin(); it != hang_dumps_.end(); ++it)
    if (it->first == name) {
      hang_dumps_.erase(it);
      return;
    }
}

std::string Kernel::hang_dumps() {
  std::string s;
  for (auto& d : hang_dumps_)
    if (d.second) s += d.second();
  return s;
}

// Linux prints whole seconds ("stuck for 22s!"); thresholds scaled down to
// simulated micro/milliseconds print in the unit that keeps them readable.
static std::string time_str(const sc_time& t) {
  if (t >= sc_time(1, SC_SEC)) return strfmt("%llus", (unsigned long long)t.to_seconds());
  const double us = t.to_seconds() * 1e6;
  if (us >= 1000.0) return strfmt("%llums", (unsigned long long)(us / 1000.0));
  return strfmt("%lluus", (unsigned long long)us);
}

// watchdog_timer_fn(): runs when the stuck time may have reached the threshold.
void Kernel::watchdog_timer_fn() {
  wd_armed_ = false;
  if (wd_thresh_ == SC_ZERO_TIME) return;
  if (idle_in_wfi_) return;  // idle: nothing is stuck; the next touch re-arms
  const sc_time now = sc_time_stamp();
  const sc_time stuck = now - wd_touch_;
  if (stuck < wd_thresh_) {
    wd_armed_ = true;
    wd_ev_.notify(wd_thresh_ - stuck);
    return;
  }
  if (wd_reported_) return;  // one report per episode: re-armed by the next touch
  wd_reported_ = true;
  ++softlockups_;
  CpuState& cs = this_cpu();
  task_struct* t = cs.curr;
  const uint64_t irqs = cpu().interrupts_taken() - wd_irqs_at_touch_;
  std::string headline = strfmt("watchdog: BUG: soft lockup - CPU#%d stuck for %s! [%s:%d]", cs.id,
                                time_str(stuck).c_str(), t ? t->comm.c_str() : "?", t ? t->pid : -1);
  std::string lines;
  for (size_t i = 1; i < irq_descs_.size(); ++i)
    if (irq_descs_[i].kstat) lines += strfmt(" %zu:%llu", i, (unsigned long long)irq_descs_[i].kstat);
  std::string msg = headline + "\n" +
                    strfmt(" running: %s\n preempt_count: %#x, irqs %s, %llu hardirq(s) taken while stuck\n"
                           " interrupts per line (since boot):%s\n",
                           current_full_chain().c_str(), t ? t->preempt_count : 0u,
                           cpu().local_irq_disabled() ? "disabled" : "enabled", (unsigned long long)irqs,
                           lines.empty() ? " none" : lines.c_str()) +
                    hang_dumps();
  report_bug("SOFTLOCKUP|" + std::to_string(softlockups_), "SOFTLOCKUP", headline, msg, {current_full_chain()});
  if (wd_panic_) {
    if (fatal_.empty()) fatal_ = "Kernel panic - not syncing: softlockup: hung tasks\n" + msg;
    sc_stop();
  }
}

}  // namespace dmacosim::kernel
