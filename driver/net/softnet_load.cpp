// The network receive load. See softnet_load.h.
#include "driver/net/softnet_load.h"

#include "driver/kernel/bottom_half.h"
#include "driver/kernel/irqflags.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/preempt.h"
#include "driver/kernel/sched.h"

namespace dmacosim::net {

using namespace dmacosim::kernel;
using namespace sc_core;

namespace {

constexpr unsigned netdev_budget = 300;
constexpr unsigned netdev_budget_usecs = 2000;

struct Softnet {
  Kernel* owner = nullptr;
  softnet_load_params p;
  uint64_t backlog = 0;  // softnet_data.input_pkt_queue length (IRQs off to touch)
  softnet_stats st;
  task_struct* pktgen = nullptr;
};

Softnet& sn() {
  static Softnet s;
  if (s.owner != &this_kernel()) {
    s = Softnet{};
    s.owner = &this_kernel();
  }
  return s;
}

void net_rx_action() {
  KFUNC("net_rx_action");
  Softnet& s = sn();
  s.st.net_rx_runs++;
  if (this_kernel().current() == this_kernel().this_cpu().ksoftirqd) s.st.net_rx_in_ksoftirqd++;
  const sc_time limit = sc_time_stamp() + sc_time(netdev_budget_usecs, SC_US);
  unsigned budget = netdev_budget;
  for (;;) {
    local_irq_disable();
    if (!s.backlog) {
      local_irq_enable();
      return;
    }
    if (!budget || sc_time_stamp() >= limit) {
      s.st.budget_squeezes++;
      __raise_softirq_irqoff(NET_RX_SOFTIRQ);
      local_irq_enable();
      return;
    }
    s.backlog--;
    local_irq_enable();
    ndelay(static_cast<unsigned long>(s.p.cost_per_packet.to_seconds() * 1e9));  // the packet's processing
    s.st.packets_processed++;
    budget--;
  }
}

// netif_rx(): queue one packet on the backlog, raise NET_RX (callers in
// process context hold local_bh_disable(), as netif_rx() itself does there).
void netif_rx() {
  Softnet& s = sn();
  unsigned long flags;
  local_irq_save(flags);
  s.backlog++;
  s.st.packets_injected++;
  raise_softirq_irqoff(NET_RX_SOFTIRQ);
  local_irq_restore(flags);
}

int pktgen_thread(void*) {
  Softnet& s = sn();
  const double per_interval = s.p.interval / s.p.cost_per_packet * s.p.percent / 100.0;
  double owed = 0;
  while (!kthread_should_stop()) {
    owed += per_interval;
    // One batch per interval, as a receive path hands over what arrived;
    // local_bh_enable() then runs NET_RX until __do_softirq()'s budget ends.
    local_bh_disable();
    for (; owed >= 1; owed -= 1) netif_rx();
    local_bh_enable();
    sleep_for(s.p.interval);
  }
  return 0;
}

}  // namespace

bool softnet_load_start(const softnet_load_params& p) {
  if (p.percent > 100 || p.cost_per_packet == SC_ZERO_TIME || p.interval == SC_ZERO_TIME) return false;
  Softnet& s = sn();
  s.p = p;
  if (!p.percent) return true;
  open_softirq(NET_RX_SOFTIRQ, [] { net_rx_action(); });
  s.pktgen = kthread_run(pktgen_thread, nullptr, "pktgen/0");
  return true;
}

void softnet_load_stop() {
  Softnet& s = sn();
  if (s.pktgen) kthread_stop(s.pktgen);
  s.pktgen = nullptr;
}

const softnet_stats& softnet_statistics() { return sn().st; }

}  // namespace dmacosim::net
