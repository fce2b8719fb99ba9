// A network receive load for the softirq machinery: what a busy NIC does to
// a CPU's softirqs, reduced to its CPU cost.
//
//   pktgen (a kthread, process context) injects one batch of packets every
//   `interval` (as many as fill `percent` of it) with netif_rx(), which
//   queues each on the CPU's backlog and raises NET_RX_SOFTIRQ, all inside
//   one local_bh_disable()/local_bh_enable() section.
//   net_rx_action() (NET_RX_SOFTIRQ) processes up to netdev_budget (300)
//   packets or netdev_budget_usecs (2000 us), each costing `cost_per_packet`
//   of CPU with interrupts on; packets left re-raise the softirq, as
//   net_rx_action() does.
//
// local_bh_enable() runs NET_RX at once, in pktgen's context; a batch longer
// than __do_softirq()'s budget (2 jiffies) is handed to ksoftirqd, and an
// interrupt taken while ksoftirqd serves it finds the CPU in softirq
// context, so its tasklets (a DMA driver's completion tasklet) run from
// ksoftirqd too.
// That is the case the 2010 thread worried about ("the tasklet is scheduled
// from ksoftirqd which could lead to corruption").
#pragma once
#include <cstdint>

#include <systemc>

namespace dmacosim::net {

struct softnet_load_params {
  unsigned percent = 50;  // CPU share of packet processing
  sc_core::sc_time interval = sc_core::sc_time(1, sc_core::SC_MS);
  sc_core::sc_time cost_per_packet = sc_core::sc_time(5, sc_core::SC_US);
};

struct softnet_stats {
  uint64_t packets_injected = 0, packets_processed = 0, net_rx_runs = 0, net_rx_in_ksoftirqd = 0,
           budget_squeezes = 0;  // net_rx_action() stopped by netdev_budget(_usecs) ("time_squeeze")
};

// Registers the NET_RX softirq and starts pktgen (call from a kthread).
// percent 0 starts nothing. Returns false for a percent above 100.
bool softnet_load_start(const softnet_load_params& p);
// Stops pktgen (sleeps until it has exited); the backlog drains by itself.
void softnet_load_stop();
const softnet_stats& softnet_statistics();

}  // namespace dmacosim::net
