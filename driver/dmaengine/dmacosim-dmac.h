// dmacosim-dmac: the dmaengine provider driver for the dmac RTL
// (docs/dmac-spec.md, generated dmac_regs.h), built on virt-dma.
//
// Capabilities: DMA_MEMCPY, DMA_SLAVE (slave_sg, MEM_TO_DEV / DEV_TO_MEM),
// DMA_CYCLIC (a ring of period descriptors, IRQ flag on each),
// descriptor_reuse (DMA_CTRL_REUSE: the hardware never writes descriptors).
// Residue granularity BURST by default (REMAINING counts bytes whose write
// response arrived); the platform data can declare SEGMENT (the current
// hardware descriptor counts whole until done) or DESCRIPTOR (no residue:
// tx_status reports 0), as drivers for simpler controllers do.
// One transaction at a time per channel on hardware; the next issued one is
// started from the completion path (hardirq in the default policy).
//
// Lock policies, chosen at probe (a policy of the same driver):
//  - DmacLockPolicy::VirtDma ("virt-dma", default): vc->lock taken irqsave
//    everywhere (plain spin_lock in the hardirq handler, _irq in the
//    tasklet); the hardirq handler reads IRQ_SUMMARY/IRQ_STATUS, W1C, and
//    completes cookies / counts periods / starts the next transfer.
//  - DmacLockPolicy::LegacyBh ("legacy-bh", the 2010 driver): tx_submit and
//    issue_pending lock the channel with spin_lock_bh/spin_unlock_bh. As in
//    the 2010 drivers that did so (dw_dmac, at_hdmac), the hardirq handler
//    then must not take the channel lock: it only reads + acknowledges the
//    status, latches it per channel and schedules the channel tasklet
//    ("dmac_tasklet"), which does the completion work under the lock and
//    then runs the callbacks (dmac_desc_cleanup) -- one tasklet run per
//    interrupt, as in those drivers. This
//    is consistent (no lockdep report) for process-context callers with IRQs
//    on; under an IRQs-off caller (ALSA trigger) it produces V-BH-1 and the
//    HARDIRQ-safe -> HARDIRQ-unsafe report, as in the seed.
//
// Errors: ERR_CODE DATA_WRITE -> DMA_TRANS_WRITE_FAILED; DATA_READ,
// DESC_READ and the descriptor-validation codes -> DMA_TRANS_READ_FAILED
// (the descriptor could not be used as read). The failed transaction is
// completed through callback_result (residue = bytes not transferred, from
// the hardware snapshot), tx_status of its cookie says DMA_ERROR, and the
// channel is halted: no further transaction starts until
// dmaengine_terminate_*() (which drops the rest of the queue); then the
// channel is usable again.
//
// async_tx (docs/linux-fidelity.md, "async_tx dependencies"): DMA_INTERRUPT
// (prep_dma_interrupt: a 16-byte copy between two scratch words of the
// channel, as mv_xor's dummy copy, raising the completion interrupt); a
// prepared descriptor has cookie -EBUSY until submitted; the completion
// tasklet of both policies runs, per completed descriptor, the callback, then
// dma_run_dependencies() (channel lock dropped), then frees it -- or keeps it
// on `unacked` while the client has not acked it.
//
// Cyclic period accounting: TC_COUNT (TC events since the doorbell) is read
// on every TC; the difference to the last value is the number of periods
// elapsed (dmac_chan::periods). The client is told through
// vchan_cyclic_callback(), which, as in Linux, gives one callback per
// tasklet run however many periods elapsed before it ran (see virt-dma.h).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "driver/dmaengine/dma-mapping.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/dmaengine/virt-dma.h"

namespace dmacosim::dmaengine {

enum class DmacLockPolicy { VirtDma, LegacyBh };
const char* dmac_lock_policy_name(DmacLockPolicy p);  // "virt-dma" / "legacy-bh"
bool dmac_lock_policy_from_string(const std::string& s, DmacLockPolicy* p);

struct dmac_device;
struct dmac_desc;

struct dmac_chan {
  virt_dma_chan vc;  // first member (to_virt_chan / container_of); vc.lock protects what says "vc.lock"
  // Fixed after probe.
  dmac_device* d = nullptr;
  unsigned id = 0;
  uint64_t base = 0;  // register block bus address
  // Slave configuration: written by device_config under vc.lock; the prep
  // calls read it without (a client does not reconfigure a channel while it
  // prepares on it); alloc/free_chan_resources reset it with no user left.
  dma_slave_config cfg;
  bool cfg_valid = false;
  int req_line = -1;  // as cfg (also set by of_xlate before alloc_chan_resources)
  // Hardware state as software tracks it, protected by vc.lock (alloc/
  // free_chan_resources reset halted and err_cookie with no transfer left).
  dmac_desc* active = nullptr;  // on hardware
  bool paused = false;
  bool aborting = false;  // CTRL.ABORT written, abort not seen finished (dmac_abort_finished)
  bool halted = false;    // error seen, waiting for terminate
  dma_cookie_t err_cookie = 0;
  uint32_t tc_seen = 0;  // TC_COUNT at the last look (vc.lock)
  // legacy-bh: the status the hardirq handler latched for the tasklet. The
  // handler cannot take vc.lock (its other users take it _bh), so this is
  // protected by IRQs off: the handler runs with them off, every other
  // access holds vc.lock irqsave.
  uint32_t pending_irq = 0;
  // Completed, callback and dependencies run, but not acked by the client yet
  // (async_tx may still attach a dependent to it): freed at the next
  // completion-tasklet run after the ack, or at channel release. vc.lock.
  list_head unacked;
  dma_addr_t dummy = 0;  // 32 bytes of coherent memory: the interrupt descriptor's copy (fixed after probe)
  // dmacosim statistics, protected by vc.lock (tests read them with the
  // channel idle). periods: the one count of elapsed periods above the
  // hardware, the sum of the TC_COUNT increments seen (cyclic transfers;
  // virt-dma and the client may see fewer callbacks: they merge).
  // completions / errors: transfers completed / failed. abort_done_at: when
  // software last saw an abort finished (dmac_abort_finished).
  uint64_t periods = 0, completions = 0, errors = 0;
  sc_core::sc_time abort_done_at;
};

struct dmac_platform_data {
  std::string name = "dmac";       // dev_name of the controller
  uint64_t regs = 0;               // register window bus address
  unsigned irq = 0;
  dma_addr_t coherent_base = 0;    // reserved RAM for descriptors
  size_t coherent_size = 0;
  DmacLockPolicy policy = DmacLockPolicy::VirtDma;
  dma_residue_granularity residue_granularity = DMA_RESIDUE_GRANULARITY_BURST;
};

struct dmac_device {
  dma_device ddev;
  device dev;
  uint64_t regs = 0;
  unsigned irq = 0;
  unsigned nr_channels = 0, nr_requests = 0, data_bytes = 0, max_burst = 0;
  std::vector<std::unique_ptr<dmac_chan>> chans;
  dma_pool* pool = nullptr;
  DmacLockPolicy policy = DmacLockPolicy::VirtDma;
  // Everything above is fixed after probe. Interrupts handled: written by
  // the hardirq handler only (IRQs off), read by the debug summary.
  uint64_t irqs = 0;
};

// Probe from a kernel thread: checks ID, reads CAPS, sets up channels, the
// coherent region, the IRQ, and registers the dma_device. nullptr on error.
dmac_device* dmac_probe(const dmac_platform_data& pdata);
// The platform_driver .remove: stops the hardware and frees everything probe
// allocated (process context; clients should have released their channels).
void dmac_remove(dmac_device* d);
// Debug summary (the driver's dma_device.dbg_summary_show for
// debugfs dmaengine/summary): one block per channel with the hardware view
// (STATUS/state, CTRL, CUR_DESC, REMAINING, TC_COUNT, IRQ_RAW, ERR_ADDR, read
// through the bus) when `read_hw`, and the driver's view (active cookie and
// its residue, paused/halted/aborting, the vchan submitted/issued/completed/
// terminated cookies, last assigned / completed / error cookie, counters).
// With read_hw the channel lock is taken: call from process, softirq or
// hardirq context. read_hw = false touches no lock and no bus (usable where
// nothing may wait, e.g. a soft-lockup report).
std::string dmac_dbg_summary_show(dmac_device* d, bool read_hw = true);
// End-of-run audit for test harnesses (not a Linux call): every channel whose
// hardware is not IDLE, or whose driver still holds a descriptor that is not
// final (active, submitted, issued, completed without its callback yet, or
// terminated without dmaengine_synchronize()), with its dbg_summary block.
// "" when every channel is idle and empty. Process context (reads the bus).
std::string dmac_dbg_check_quiescent(dmac_device* d);
inline dmac_chan* to_dmac_chan(dma_chan* c) { return reinterpret_cast<dmac_chan*>(c); }

}  // namespace dmacosim::dmaengine
