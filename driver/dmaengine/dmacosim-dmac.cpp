// dmacosim-dmac: provider driver for the dmac RTL. See dmacosim-dmac.h.
#include "driver/dmaengine/dmacosim-dmac.h"

#include <cstring>

#include "dmac_regs.h"
#include "driver/kernel/bottom_half.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/spinlock.h"
#include "models/log.h"

namespace dmacosim::dmaengine {

using namespace dmacosim::kernel;

namespace {

constexpr unsigned kMaxHwDescs = 4096;
// dmac_pause: cpu_relax polls (10 ns + one register read each) for PAUSED.
constexpr unsigned kPausePollLimit = 100000;
constexpr uint32_t kAllIrqs = DMAC_IRQ_TC | DMAC_IRQ_ERR | DMAC_IRQ_ABORT;

}  // namespace

// One hardware descriptor and its bus address. Not file-local: it is a
// member of dmac_desc, which the header declares.
struct dmac_hw {
  dma_addr_t phys = 0;
  uint32_t words[8] = {};
};

struct dmac_desc {
  virt_dma_desc vd;  // first member
  std::vector<dmac_hw> hw;
  size_t total = 0;
  bool cyclic = false;
  size_t period_len = 0;
};

static dmac_desc* to_dmac_desc(virt_dma_desc* vd) { return reinterpret_cast<dmac_desc*>(vd); }

const char* dmac_lock_policy_name(DmacLockPolicy p) { return p == DmacLockPolicy::LegacyBh ? "legacy-bh" : "virt-dma"; }
bool dmac_lock_policy_from_string(const std::string& s, DmacLockPolicy* p) {
  if (s == "virt-dma") *p = DmacLockPolicy::VirtDma;
  else if (s == "legacy-bh") *p = DmacLockPolicy::LegacyBh;
  else return false;
  return true;
}

// ---------------------------------------------------------------- MMIO
static uint32_t chan_readl(dmac_chan* c, uint32_t off) { return this_kernel().cpu().readl(c->base + off); }
static void chan_writel(dmac_chan* c, uint32_t v, uint32_t off) { this_kernel().cpu().writel(v, c->base + off); }
static uint32_t chan_state(dmac_chan* c) {
  return (chan_readl(c, DMAC_CH_STATUS) & DMAC_CH_STATUS_STATE_MASK) >> DMAC_CH_STATUS_STATE_SHIFT;
}

// ---------------------------------------------------------------- descriptors
static void dmac_desc_free(virt_dma_desc* vd) {
  dmac_desc* d = to_dmac_desc(vd);
  dmac_chan* c = to_dmac_chan(vd->tx.chan);
  dmaengine_dbg_check_lost_dependent(&vd->tx);
  for (auto& h : d->hw) dma_pool_free(c->d->pool, reinterpret_cast<void*>(static_cast<uintptr_t>(h.phys)), h.phys);
  this_kernel().lockdep().debug_check_no_locks_freed(d, sizeof(*d));  // kfree()'s check
  delete d;
}

// Allocate the hardware descriptors of `d` (its hw[] words filled except NEXT),
// link them (ring if cyclic) and write them to coherent memory.
static bool dmac_desc_build(dmac_chan* c, dmac_desc* d) {
  for (size_t i = 0; i < d->hw.size(); ++i) {
    dma_addr_t a;
    if (!dma_pool_alloc(c->d->pool, GFP_NOWAIT, &a)) {
      for (size_t j = 0; j < i; ++j)
        dma_pool_free(c->d->pool, reinterpret_cast<void*>(static_cast<uintptr_t>(d->hw[j].phys)), d->hw[j].phys);
      return false;
    }
    d->hw[i].phys = a;
  }
  for (size_t i = 0; i < d->hw.size(); ++i) {
    uint32_t next = 0;
    if (i + 1 < d->hw.size()) next = uint32_t(d->hw[i + 1].phys);
    else if (d->cyclic) next = uint32_t(d->hw[0].phys);
    d->hw[i].words[DMAC_DESC_NEXT / 4] = next;
    d->hw[i].words[DMAC_DESC_STATUS / 4] = 0;
    d->hw[i].words[DMAC_DESC_SW0 / 4] = uint32_t(i);
  }
  for (auto& h : d->hw) this_kernel().cpu().memcpy_to_bus(h.phys, h.words, DMAC_DESC_SIZE);
  return true;
}

static void hw_set(dmac_hw& h, dma_addr_t src, dma_addr_t dst, uint32_t len, uint32_t ctrl) {
  h.words[DMAC_DESC_SRC / 4] = uint32_t(src);
  h.words[DMAC_DESC_DST / 4] = uint32_t(dst);
  h.words[DMAC_DESC_LEN / 4] = len;
  h.words[DMAC_DESC_CTRL / 4] = ctrl;
}

static bool addr_ok(dma_addr_t a, size_t len) { return a + len <= (1ull << 32) && a + len >= a; }

static uint32_t ilog2(uint32_t v) { return 31 - __builtin_clz(v); }

// ---------------------------------------------------------------- locking policy
// tx_submit / issue_pending take the channel lock per the policy.
struct submit_lock {
  dmac_chan* c;
  unsigned long flags = 0;
  bool bh;
  explicit submit_lock(dmac_chan* ch) : c(ch), bh(ch->d->policy == DmacLockPolicy::LegacyBh) {
    if (bh) spin_lock_bh(&c->vc.lock);
    else spin_lock_irqsave(&c->vc.lock, flags);
  }
  ~submit_lock() {
    if (bh) spin_unlock_bh(&c->vc.lock);
    else spin_unlock_irqrestore(&c->vc.lock, flags);
  }
};

// ---------------------------------------------------------------- hardware control (lock held)

// Bytes of `d` not yet transferred, from CUR_DESC / REMAINING. SEGMENT
// granularity counts the current hardware descriptor (a period of a cyclic
// ring, an sg entry) as a whole until it is done. The lock keeps the
// CUR_DESC read (which latches REMAINING) and the REMAINING read one pair,
// and `d` on the hardware.
static uint32_t dmac_residue(dmac_chan* c, dmac_desc* d,
                             dma_residue_granularity g = DMA_RESIDUE_GRANULARITY_BURST) {
  lockdep_assert_held(&c->vc.lock);
  uint32_t cur = chan_readl(c, DMAC_CH_CUR_DESC);  // latches REMAINING
  uint32_t rem = chan_readl(c, DMAC_CH_REMAINING);
  if (cur == 0) return d->cyclic ? uint32_t(d->total) : 0;
  size_t i = 0;
  while (i < d->hw.size() && d->hw[i].phys != cur) ++i;
  if (i == d->hw.size()) return uint32_t(d->total);
  uint32_t len_i = d->hw[i].words[DMAC_DESC_LEN / 4];
  uint64_t r = (g == DMA_RESIDUE_GRANULARITY_SEGMENT || rem == 0xFFFFFFFFu || rem > len_i) ? len_i : rem;
  for (size_t j = i + 1; j < d->hw.size(); ++j) r += d->hw[j].words[DMAC_DESC_LEN / 4];
  return uint32_t(r);
}

// Abort completion, the one place: terminate wrote CTRL.ABORT (c->aborting)
// and the channel is idle again. Seen through the ABORT event
// (dmac_handle_status), or through a STATUS read showing IDLE/ERROR while
// aborting (dmac_start_next, dmac_synchronize): an abort that lands on a
// channel whose chain just ended, or that an error drain turns into an error
// stop, raises no ABORT event (dmac-spec "Abort").
static void dmac_abort_finished(dmac_chan* c) {
  lockdep_assert_held(&c->vc.lock);
  c->aborting = false;
  c->abort_done_at = sc_core::sc_time_stamp();
}

static bool dmac_state_idle(uint32_t st) { return st == DMAC_STATE_IDLE || st == DMAC_STATE_ERROR; }

// Starts the first issued descriptor if the channel is free. The hardware
// accepts a doorbell only in IDLE or ERROR, and it enters that state in the
// same clock as it raises a chain's last event (TC of the NEXT = 0
// descriptor, ABORT, ERR: dmac-spec "The end of a run and the doorbell"):
// a channel whose completion software has seen is idle, so one STATUS read
// decides. Busy with no abort pending is the hardware breaking
// that rule (or something else rang the doorbell): said as dw_dmac's and
// at_hdmac's dwc_dostart/atc_dostart say it, and nothing is started; the
// descriptor stays issued and the channel's next interrupt tries again.
static void dmac_start_next(dmac_chan* c) {
  lockdep_assert_held(&c->vc.lock);
  if (c->active || c->halted) return;
  if (list_empty(&c->vc.desc_issued)) return;
  const uint32_t st = chan_state(c);
  if (!dmac_state_idle(st)) {
    if (!c->aborting)
      log_error("dmac", c->vc.chan.name + ": BUG: Attempted to start non-idle channel (STATUS.STATE " +
                            std::to_string(st) + ", no transfer of this driver on it): not started");
    return;  // aborting: the ABORT interrupt restarts us
  }
  if (c->aborting) dmac_abort_finished(c);
  virt_dma_desc* vd = vchan_next_desc(&c->vc);
  list_del(&vd->node);
  dmac_desc* d = to_dmac_desc(vd);
  c->active = d;
  chan_writel(c, kAllIrqs, DMAC_CH_IRQ_STATUS);  // drop stale events of a previous run
  c->pending_irq = 0;
  c->tc_seen = 0;  // the doorbell clears TC_COUNT
  chan_writel(c, uint32_t(d->hw[0].phys), DMAC_CH_DOORBELL);
}

static enum dmaengine_tx_result dmac_err_result(uint32_t code) {
  return code == DMAC_ERR_DATA_WRITE ? DMA_TRANS_WRITE_FAILED : DMA_TRANS_READ_FAILED;
}

// Completion bookkeeping (lock held). The virt-dma policy hands the
// callbacks to the channel tasklet. The legacy-bh driver already runs in its
// tasklet, which runs the callbacks right after (the 2010 drivers ran the
// callbacks from the tasklet that handled the interrupt): scheduling it again
// from here would run it twice per interrupt.
static void dmac_cookie_complete(dmac_chan* c, dmac_desc* d) {
  lockdep_assert_held(&c->vc.lock);
  if (c->d->policy == DmacLockPolicy::VirtDma) {
    vchan_cookie_complete(&d->vd);
    return;
  }
  dma_cookie_complete(&d->vd.tx);
  list_add_tail(&d->vd.node, &c->vc.desc_completed);
}

static void dmac_cyclic_callback(dmac_chan* c, dmac_desc* d) {
  lockdep_assert_held(&c->vc.lock);
  if (c->d->policy == DmacLockPolicy::VirtDma) {
    vchan_cyclic_callback(&d->vd);
    return;
  }
  c->vc.cyclic = &d->vd;
}

static void dmac_handle_status(dmac_chan* c, uint32_t st) {
  lockdep_assert_held(&c->vc.lock);
  dmac_desc* d = c->active;
  if (st & DMAC_IRQ_ABORT) dmac_abort_finished(c);
  if (d && d->cyclic && (st & (DMAC_IRQ_TC | DMAC_IRQ_ERR))) {
    // TC_COUNT says how many periods ended since the last look (interrupts
    // merge); the client gets one callback either way and reads the
    // position from the residue.
    uint32_t cnt = chan_readl(c, DMAC_CH_TC_COUNT);
    uint32_t n = cnt - c->tc_seen;
    c->tc_seen = cnt;
    if (n) dmac_cyclic_callback(c, d);
    c->periods += n;
  }
  if (d && (st & DMAC_IRQ_ERR)) {
    uint32_t status = chan_readl(c, DMAC_CH_STATUS);
    uint32_t code = (status & DMAC_CH_STATUS_ERR_CODE_MASK) >> DMAC_CH_STATUS_ERR_CODE_SHIFT;
    uint32_t addr = chan_readl(c, DMAC_CH_ERR_ADDR);
    d->vd.tx_result.result = dmac_err_result(code);
    d->vd.tx_result.residue = dmac_residue(c, d);
    c->err_cookie = d->vd.tx.cookie;
    char buf[160];
    snprintf(buf, sizeof buf, "%s: transfer error, ERR_CODE %u at 0x%08x (cookie %d): channel halted until terminate",
             c->vc.chan.name.c_str(), code, addr, d->vd.tx.cookie);
    log_warn("dmac", buf);
    dmac_cookie_complete(c, d);
    c->active = nullptr;
    c->halted = true;
    c->errors++;
  } else if (d && !d->cyclic && (st & DMAC_IRQ_TC)) {
    d->vd.tx_result.result = DMA_TRANS_NOERROR;
    d->vd.tx_result.residue = 0;
    dmac_cookie_complete(c, d);
    c->active = nullptr;
    c->completions++;
  }
  if (!c->active) dmac_start_next(c);
}

// ---------------------------------------------------------------- interrupts

static irqreturn_t dmac_irq_handler(int irq, void* dev_id) {
  KFUNC("dmac_irq_handler");
  dmac_device* dd = static_cast<dmac_device*>(dev_id);
  Cpu& cpu = this_kernel().cpu();
  uint32_t summary = cpu.readl(dd->regs + DMAC_IRQ_SUMMARY);
  if (!summary) return IRQ_NONE;
  dd->irqs++;
  for (unsigned n = 0; n < dd->nr_channels; ++n) {
    if (!(summary & (1u << n))) continue;
    dmac_chan* c = dd->chans[n].get();
    if (dd->policy == DmacLockPolicy::VirtDma) {
      spin_lock(&c->vc.lock);
      uint32_t st = chan_readl(c, DMAC_CH_IRQ_STATUS);
      chan_writel(c, st, DMAC_CH_IRQ_STATUS);
      dmac_handle_status(c, st);
      spin_unlock(&c->vc.lock);
    } else {
      // 2010 structure: acknowledge, latch, defer to the tasklet.
      uint32_t st = chan_readl(c, DMAC_CH_IRQ_STATUS);
      chan_writel(c, st, DMAC_CH_IRQ_STATUS);
      c->pending_irq |= st;
      tasklet_schedule(&c->vc.task);
    }
  }
  return IRQ_HANDLED;
}

// The completion work of the tasklet, both policies: vchan_complete()'s
// (callbacks of the completed descriptors, at most one cyclic callback per
// run), plus what an async_tx-capable provider does per completed descriptor
// after its callback: dma_run_dependencies() -- with the channel lock
// dropped, so submitting a dependent on another channel nests no channel
// locks -- and keeping it until the client acked it.
static void dmac_desc_cleanup(dmac_chan* c) {
  KFUNC("dmac_desc_cleanup");
  virt_dma_chan* vc = &c->vc;
  virt_dma_desc *vd, *_vd;
  dmaengine_desc_callback cb;
  LIST_HEAD(head);
  LIST_HEAD(acked);

  spin_lock_irq(&vc->lock);
  list_splice_tail_init(&vc->desc_completed, &head);
  list_for_each_entry_safe(vd, _vd, &c->unacked, node) {
    if (async_tx_test_ack(&vd->tx)) list_move_tail(&vd->node, &acked);
  }
  vd = vc->cyclic;
  if (vd) {
    vc->cyclic = nullptr;
    dmaengine_desc_get_callback(&vd->tx, &cb);
  } else {
    cb = dmaengine_desc_callback{};
  }
  spin_unlock_irq(&vc->lock);

  dmaengine_desc_callback_invoke(&cb, vd ? &vd->tx_result : nullptr);
  vchan_dma_desc_free_list(vc, &acked);

  list_for_each_entry_safe(vd, _vd, &head, node) {
    dmaengine_desc_get_callback(&vd->tx, &cb);
    list_del(&vd->node);
    dmaengine_desc_callback_invoke(&cb, &vd->tx_result);
    // Whatever the result: Linux providers run the dependencies of a failed
    // descriptor too.
    dma_run_dependencies(&vd->tx);
    if (async_tx_test_ack(&vd->tx) || dmaengine_desc_test_reuse(&vd->tx)) {
      vchan_vdesc_fini(vd);
    } else {
      spin_lock_irq(&vc->lock);
      list_add_tail(&vd->node, &c->unacked);
      spin_unlock_irq(&vc->lock);
    }
  }
}

static void dmac_tasklet(dmac_chan* c) {
  KFUNC("dmac_tasklet");
  if (c->d->policy == DmacLockPolicy::LegacyBh) {
    unsigned long flags;
    spin_lock_irqsave(&c->vc.lock, flags);
    uint32_t st = c->pending_irq;
    c->pending_irq = 0;
    if (st) dmac_handle_status(c, st);
    spin_unlock_irqrestore(&c->vc.lock, flags);
  }
  dmac_desc_cleanup(c);
}

// Frees the completed descriptors still waiting for an ack (channel release).
static void dmac_free_unacked(dmac_chan* c) {
  LIST_HEAD(head);
  unsigned long flags;
  spin_lock_irqsave(&c->vc.lock, flags);
  list_splice_tail_init(&c->unacked, &head);
  spin_unlock_irqrestore(&c->vc.lock, flags);
  vchan_dma_desc_free_list(&c->vc, &head);
}

// ---------------------------------------------------------------- dma_device ops

static dma_cookie_t dmac_tx_submit(dma_async_tx_descriptor* tx) {
  KFUNC("tx_submit");
  dmac_chan* c = to_dmac_chan(tx->chan);
  virt_dma_desc* vd = to_virt_desc(tx);
  submit_lock lk(c);
  dma_cookie_t cookie = dma_cookie_assign(tx);
  list_move_tail(&vd->node, &c->vc.desc_submitted);
  return cookie;
}

static void dmac_issue_pending(dma_chan* chan) {
  KFUNC("issue_pending");
  dmac_chan* c = to_dmac_chan(chan);
  submit_lock lk(c);
  if (vchan_issue_pending(&c->vc) && !c->active) dmac_start_next(c);
}

static dma_async_tx_descriptor* dmac_prep_common(dmac_chan* c, dmac_desc* d, unsigned long flags) {
  if (d->hw.empty() || d->hw.size() > kMaxHwDescs || !dmac_desc_build(c, d)) {
    delete d;
    return nullptr;
  }
  dma_async_tx_descriptor* tx = vchan_tx_prep(&c->vc, &d->vd, flags);
  tx->cookie = -EBUSY;  // not submitted yet (dma_wait_for_async_tx() waits on it)
  tx->tx_submit = dmac_tx_submit;
  tx->phys = d->hw[0].phys;  // bus address of the first hardware descriptor
  return tx;
}

static dma_async_tx_descriptor* dmac_prep_dma_memcpy(dma_chan* chan, dma_addr_t dst, dma_addr_t src, size_t len,
                                                     unsigned long flags) {
  KFUNC("dmac_prep_dma_memcpy");
  dmac_chan* c = to_dmac_chan(chan);
  if (!len || !addr_ok(src, len) || !addr_ok(dst, len)) return nullptr;
  if (len > size_t(DMAC_DESC_LEN_MAX) * kMaxHwDescs) return nullptr;
  auto* d = new dmac_desc;
  d->total = len;
  const uint32_t ctrl = (DMAC_FLOW_MEM2MEM << DMAC_DESC_CTRL_FLOW_SHIFT) | DMAC_DESC_CTRL_SRC_INC | DMAC_DESC_CTRL_DST_INC;
  for (size_t off = 0; off < len;) {
    uint32_t chunk = uint32_t(std::min<size_t>(len - off, DMAC_DESC_LEN_MAX));
    dmac_hw h;
    hw_set(h, src + off, dst + off, chunk, ctrl);
    d->hw.push_back(h);
    off += chunk;
  }
  d->hw.back().words[DMAC_DESC_CTRL / 4] |= DMAC_DESC_CTRL_IRQ;
  return dmac_prep_common(c, d, flags);
}

// DMA_INTERRUPT: nothing to move, only the completion (and with it the
// callback and dependencies) in channel order. The hardware has no null
// descriptor (LEN 0 is DESC_LEN), so a 16-byte copy between the channel's
// scratch words stands in, as mv_xor's dummy copy does.
static dma_async_tx_descriptor* dmac_prep_dma_interrupt(dma_chan* chan, unsigned long flags) {
  KFUNC("dmac_prep_dma_interrupt");
  dmac_chan* c = to_dmac_chan(chan);
  auto* d = new dmac_desc;
  d->total = 16;
  dmac_hw h;
  hw_set(h, c->dummy, c->dummy + 16, 16,
         (DMAC_FLOW_MEM2MEM << DMAC_DESC_CTRL_FLOW_SHIFT) | DMAC_DESC_CTRL_SRC_INC | DMAC_DESC_CTRL_DST_INC |
             DMAC_DESC_CTRL_IRQ);
  d->hw.push_back(h);
  return dmac_prep_common(c, d, flags);
}

// Peripheral side of a slave transfer from the channel's config.
struct slave_side {
  dma_addr_t fifo;
  uint32_t width;  // bytes
  uint32_t burst;  // beats
};
static bool dmac_slave_side(dmac_chan* c, dma_transfer_direction dir, slave_side* s) {
  if (!c->cfg_valid || c->req_line < 0 || c->req_line >= int(c->d->nr_requests)) return false;
  if (dir == DMA_MEM_TO_DEV) {
    *s = {c->cfg.dst_addr, uint32_t(c->cfg.dst_addr_width), c->cfg.dst_maxburst};
  } else if (dir == DMA_DEV_TO_MEM) {
    *s = {c->cfg.src_addr, uint32_t(c->cfg.src_addr_width), c->cfg.src_maxburst};
  } else {
    return false;
  }
  if (s->width == 0 || s->width > c->d->data_bytes || (s->width & (s->width - 1))) return false;
  if (s->fifo % s->width || !addr_ok(s->fifo, s->width)) return false;
  if (s->burst == 0) s->burst = 1;
  return s->burst <= 256;
}

static uint32_t slave_ctrl(dmac_chan* c, dma_transfer_direction dir, const slave_side& s) {
  uint32_t flow = dir == DMA_MEM_TO_DEV ? DMAC_FLOW_MEM2PER : DMAC_FLOW_PER2MEM;
  uint32_t inc = dir == DMA_MEM_TO_DEV ? DMAC_DESC_CTRL_SRC_INC : DMAC_DESC_CTRL_DST_INC;
  return (flow << DMAC_DESC_CTRL_FLOW_SHIFT) | inc | (ilog2(s.width) << DMAC_DESC_CTRL_WIDTH_SHIFT) |
         ((s.burst - 1) << DMAC_DESC_CTRL_BURST_SHIFT) | (uint32_t(c->req_line) << DMAC_DESC_CTRL_REQ_SHIFT);
}

static void push_slave_chunks(dmac_desc* d, dma_transfer_direction dir, const slave_side& s, uint32_t ctrl,
                              dma_addr_t mem, size_t len) {
  const uint32_t max_chunk = DMAC_DESC_LEN_MAX & ~(s.width - 1);
  for (size_t off = 0; off < len;) {
    uint32_t chunk = uint32_t(std::min<size_t>(len - off, max_chunk));
    dmac_hw h;
    if (dir == DMA_MEM_TO_DEV) hw_set(h, mem + off, s.fifo, chunk, ctrl);
    else hw_set(h, s.fifo, mem + off, chunk, ctrl);
    d->hw.push_back(h);
    off += chunk;
  }
}

static dma_async_tx_descriptor* dmac_prep_slave_sg(dma_chan* chan, scatterlist* sgl, unsigned int sg_len,
                                                   dma_transfer_direction dir, unsigned long flags, void*) {
  KFUNC("dmac_prep_slave_sg");
  dmac_chan* c = to_dmac_chan(chan);
  slave_side s;
  if (!sgl || !sg_len || !dmac_slave_side(c, dir, &s)) return nullptr;
  const uint32_t ctrl = slave_ctrl(c, dir, s);
  auto* d = new dmac_desc;
  scatterlist* sg;
  unsigned i;
  for_each_sg(sgl, sg, sg_len, i) {
    dma_addr_t a = sg_dma_address(sg);
    size_t l = sg_dma_len(sg);
    if (!l || l % s.width || !addr_ok(a, l)) {
      delete d;
      return nullptr;
    }
    push_slave_chunks(d, dir, s, ctrl, a, l);
    d->total += l;
  }
  d->hw.back().words[DMAC_DESC_CTRL / 4] |= DMAC_DESC_CTRL_IRQ;
  return dmac_prep_common(c, d, flags);
}

static dma_async_tx_descriptor* dmac_prep_dma_cyclic(dma_chan* chan, dma_addr_t buf_addr, size_t buf_len,
                                                     size_t period_len, dma_transfer_direction dir,
                                                     unsigned long flags) {
  KFUNC("dmac_prep_dma_cyclic");
  dmac_chan* c = to_dmac_chan(chan);
  slave_side s;
  if (!buf_len || !period_len || buf_len % period_len || period_len > DMAC_DESC_LEN_MAX) return nullptr;
  if (!dmac_slave_side(c, dir, &s) || period_len % s.width || !addr_ok(buf_addr, buf_len)) return nullptr;
  if (buf_len / period_len > kMaxHwDescs) return nullptr;
  const uint32_t ctrl = slave_ctrl(c, dir, s) | DMAC_DESC_CTRL_IRQ;  // one TC per period
  auto* d = new dmac_desc;
  d->cyclic = true;
  d->period_len = period_len;
  d->total = buf_len;
  for (size_t off = 0; off < buf_len; off += period_len) {
    dmac_hw h;
    if (dir == DMA_MEM_TO_DEV) hw_set(h, buf_addr + off, s.fifo, uint32_t(period_len), ctrl);
    else hw_set(h, s.fifo, buf_addr + off, uint32_t(period_len), ctrl);
    d->hw.push_back(h);
  }
  return dmac_prep_common(c, d, flags);
}

static int dmac_config(dma_chan* chan, dma_slave_config* cfg) {
  dmac_chan* c = to_dmac_chan(chan);
  if (!cfg) return -EINVAL;
  auto width_ok = [&](dma_slave_buswidth w) {
    unsigned v = unsigned(w);
    return v == 0 || (v <= c->d->data_bytes && !(v & (v - 1)));
  };
  if (!width_ok(cfg->src_addr_width) || !width_ok(cfg->dst_addr_width)) return -EINVAL;
  if (cfg->src_maxburst > 256 || cfg->dst_maxburst > 256) return -EINVAL;
  if (cfg->device_fc) return -EINVAL;  // peripheral flow control is not supported by the hardware
  unsigned long flags;
  spin_lock_irqsave(&c->vc.lock, flags);
  c->cfg = *cfg;
  c->cfg_valid = true;
  if (c->req_line < 0) c->req_line = int(cfg->slave_id);
  spin_unlock_irqrestore(&c->vc.lock, flags);
  return 0;
}

static dma_status dmac_tx_status(dma_chan* chan, dma_cookie_t cookie, dma_tx_state* txstate) {
  KFUNC("dmac_tx_status");
  dmac_chan* c = to_dmac_chan(chan);
  // A cookie below DMA_MIN_COOKIE (0: a completed descriptor's tx->cookie;
  // negative: dmaengine_submit()'s error) gets dma_cookie_status()'s answer,
  // DMA_COMPLETE, as from Linux providers: async_tx_quiesce() of a completed
  // descriptor relies on it, and a client reading an error cookie's status
  // sees on Linux what it sees here.
  dma_status ret = dma_cookie_status(chan, cookie, txstate);
  unsigned long flags;
  spin_lock_irqsave(&c->vc.lock, flags);
  if (ret == DMA_COMPLETE) {
    if (c->err_cookie && cookie == c->err_cookie) ret = DMA_ERROR;
    spin_unlock_irqrestore(&c->vc.lock, flags);
    return ret;
  }
  // DESCRIPTOR granularity reports no residue (dma_cookie_status() set 0).
  const dma_residue_granularity gran = c->d->ddev.residue_granularity;
  uint32_t residue = 0;
  if (c->active && c->active->vd.tx.cookie == cookie) {
    if (gran != DMA_RESIDUE_GRANULARITY_DESCRIPTOR) residue = dmac_residue(c, c->active, gran);
    if (c->paused) ret = DMA_PAUSED;
  } else if (virt_dma_desc* vd = vchan_find_desc(&c->vc, cookie)) {
    residue = uint32_t(to_dmac_desc(vd)->total);
  } else {
    virt_dma_desc* v;
    list_for_each_entry(v, &c->vc.desc_submitted, node) {
      if (v->tx.cookie == cookie) residue = uint32_t(to_dmac_desc(v)->total);
    }
  }
  spin_unlock_irqrestore(&c->vc.lock, flags);
  if (gran != DMA_RESIDUE_GRANULARITY_DESCRIPTOR) dma_set_residue(txstate, residue);
  return ret;
}

static int dmac_pause(dma_chan* chan) {
  KFUNC("dmac_pause");
  dmac_chan* c = to_dmac_chan(chan);
  unsigned long flags;
  int ret = 0;
  spin_lock_irqsave(&c->vc.lock, flags);
  if (!c->paused && c->active) {
    chan_writel(c, DMAC_CH_CTRL_PAUSE, DMAC_CH_CTRL);
    unsigned n = 0;
    uint32_t st = chan_state(c);
    while (st == DMAC_STATE_ACTIVE && n++ < kPausePollLimit) {
      cpu_relax();
      st = chan_state(c);
    }
    if (st == DMAC_STATE_ACTIVE) {
      log_error("dmac", c->vc.chan.name + ": pause timed out");
      ret = -ETIMEDOUT;
    }
    c->paused = true;
  }  // nothing running: nothing to pause (0, as pl08x)
  spin_unlock_irqrestore(&c->vc.lock, flags);
  return ret;
}

static int dmac_resume(dma_chan* chan) {
  KFUNC("dmac_resume");
  dmac_chan* c = to_dmac_chan(chan);
  unsigned long flags;
  spin_lock_irqsave(&c->vc.lock, flags);
  if (!c->paused) {
    spin_unlock_irqrestore(&c->vc.lock, flags);
    return -EINVAL;
  }
  chan_writel(c, 0, DMAC_CH_CTRL);
  c->paused = false;
  spin_unlock_irqrestore(&c->vc.lock, flags);
  return 0;
}

static int dmac_terminate_all(dma_chan* chan) {
  KFUNC("dmac_terminate_all");
  dmac_chan* c = to_dmac_chan(chan);
  LIST_HEAD(head);
  LIST_HEAD(parked);
  unsigned long flags;
  spin_lock_irqsave(&c->vc.lock, flags);
  // Everything queued, completed or parked is finished below (freed, or back
  // on desc_allocated if reusable) -- except a descriptor whose abort is
  // still running: the hardware may read it until the ABORT event, so it
  // stays parked on desc_terminated for dmac_synchronize(). The descriptor
  // aborted now is parked after the sweep for the same reason.
  if (c->aborting) list_splice_tail_init(&c->vc.desc_terminated, &parked);
  vchan_get_all_descriptors(&c->vc, &head);
  list_splice_tail_init(&parked, &c->vc.desc_terminated);
  // A channel left in ERROR by a transfer error is aborted too: abort moves
  // it to IDLE at once (nothing is in flight there), so terminate leaves the
  // hardware idle, not halted (dmac-spec "Abort").
  if (c->active) {
    uint32_t st = chan_state(c);
    if (st == DMAC_STATE_ACTIVE || st == DMAC_STATE_PAUSED || st == DMAC_STATE_ERROR) {
      chan_writel(c, DMAC_CH_CTRL_ABORT, DMAC_CH_CTRL);  // also clears PAUSE
      c->aborting = true;
    } else if (c->paused) {
      chan_writel(c, 0, DMAC_CH_CTRL);
    }
    vchan_terminate_vdesc(&c->active->vd);  // no callback, cookie not completed
    c->active = nullptr;
  } else if (c->halted && chan_state(c) == DMAC_STATE_ERROR) {
    chan_writel(c, DMAC_CH_CTRL_ABORT, DMAC_CH_CTRL);
    c->aborting = true;
  } else if (c->paused) {
    chan_writel(c, 0, DMAC_CH_CTRL);
  }
  c->paused = false;
  c->halted = false;
  c->pending_irq = 0;
  spin_unlock_irqrestore(&c->vc.lock, flags);
  vchan_dma_desc_free_list(&c->vc, &head);
  return 0;
}

static void dmac_synchronize(dma_chan* chan) {
  KFUNC("dmac_synchronize");
  dmac_chan* c = to_dmac_chan(chan);
  // Wait for the abort to finish: afterwards the hardware touches no memory
  // of the terminated descriptors.
  for (unsigned i = 0; i < 10000; ++i) {
    unsigned long flags;
    spin_lock_irqsave(&c->vc.lock, flags);
    if (c->aborting && dmac_state_idle(chan_state(c))) {
      dmac_abort_finished(c);
      dmac_start_next(c);
    }
    bool done = !c->aborting;
    spin_unlock_irqrestore(&c->vc.lock, flags);
    if (done) break;
    usleep_range(1, 2);
  }
  if (c->aborting) log_error("dmac", c->vc.chan.name + ": abort did not finish");
  vchan_synchronize(&c->vc);
}

static int dmac_alloc_chan_resources(dma_chan* chan) {
  dmac_chan* c = to_dmac_chan(chan);
  c->cfg_valid = false;
  // The request line decoded by dmac_of_xlate (or set by a filter) travels in
  // chan->private as line + 1.
  c->req_line = chan->private_ ? int(reinterpret_cast<uintptr_t>(chan->private_) - 1) : -1;
  c->halted = false;
  c->err_cookie = 0;
  return 0;
}

static void dmac_free_chan_resources(dma_chan* chan) {
  dmac_chan* c = to_dmac_chan(chan);
  dmac_terminate_all(chan);
  dmac_synchronize(chan);
  dmac_free_unacked(c);
  vchan_free_chan_resources(&c->vc);
  c->cfg_valid = false;
  c->req_line = -1;
  chan->private_ = nullptr;
}

static dma_chan* dmac_of_xlate(dma_device* ddev, const of_phandle_args* spec) {
  dmac_device* d = reinterpret_cast<dmac_device*>(ddev);
  if (spec->request_line >= d->nr_requests) return ERR_PTR<dma_chan>(-EINVAL);
  dmac_chan* found = nullptr;
  if (spec->chan_index >= 0) {
    if (unsigned(spec->chan_index) >= d->nr_channels) return ERR_PTR<dma_chan>(-EINVAL);
    found = d->chans[spec->chan_index].get();
    if (found->vc.chan.client_count) return nullptr;
  } else {
    for (auto& c : d->chans)
      if (!c->vc.chan.client_count) {
        found = c.get();
        break;
      }
  }
  if (!found) return nullptr;
  // alloc_chan_resources (run by the core right after) resets the line: keep it.
  found->vc.chan.private_ = reinterpret_cast<void*>(uintptr_t(spec->request_line) + 1);
  return &found->vc.chan;
}

// ---------------------------------------------------------------- debug summary

static const char* dmac_state_name(uint32_t st) {
  switch (st) {
    case DMAC_STATE_IDLE: return "IDLE";
    case DMAC_STATE_ACTIVE: return "ACTIVE";
    case DMAC_STATE_PAUSED: return "PAUSED";
    default: return "ERROR";
  }
}

static std::string cookie_list(list_head* l) {
  std::string s = "[";
  virt_dma_desc* vd;
  list_for_each_entry(vd, l, node) s += (s.size() > 1 ? " " : "") + std::to_string(vd->tx.cookie);
  return s + "]";
}

static void dmac_dbg_chan_show(std::string* s, dmac_chan* c, bool read_hw) {
  const dma_chan& ch = c->vc.chan;
  char buf[320];
  snprintf(buf, sizeof buf, " %-10s | %s", ch.name.c_str(),
           ch.client_count ? (ch.dbg_client_name ? ch.dbg_client_name : "in-use") : "free");
  *s += buf;
  unsigned long flags = 0;
  if (read_hw) {
    spin_lock_irqsave(&c->vc.lock, flags);
    const uint32_t status = chan_readl(c, DMAC_CH_STATUS);
    const uint32_t ctrl = chan_readl(c, DMAC_CH_CTRL);
    const uint32_t cur = chan_readl(c, DMAC_CH_CUR_DESC);  // latches REMAINING
    const uint32_t rem = chan_readl(c, DMAC_CH_REMAINING);
    const uint32_t tc = chan_readl(c, DMAC_CH_TC_COUNT);
    const uint32_t raw = chan_readl(c, DMAC_CH_IRQ_RAW);
    const uint32_t err_addr = chan_readl(c, DMAC_CH_ERR_ADDR);
    snprintf(buf, sizeof buf,
             "\n    hw: STATUS 0x%08x (%s%s%s%s, ERR_CODE %u) CTRL 0x%08x CUR_DESC 0x%08x REMAINING 0x%08x TC_COUNT %u "
             "IRQ_RAW 0x%x ERR_ADDR 0x%08x",
             status, dmac_state_name((status & DMAC_CH_STATUS_STATE_MASK) >> DMAC_CH_STATUS_STATE_SHIFT),
             status & DMAC_CH_STATUS_WAIT_REQ ? " WAIT_REQ" : "", status & DMAC_CH_STATUS_ABORTED ? " ABORTED" : "",
             status & DMAC_CH_STATUS_BUSY_ERR ? " BUSY_ERR" : "",
             (status & DMAC_CH_STATUS_ERR_CODE_MASK) >> DMAC_CH_STATUS_ERR_CODE_SHIFT, ctrl, cur, rem, tc, raw,
             err_addr);
    *s += buf;
  }
  if (c->active) {
    const dmac_desc* d = c->active;
    snprintf(buf, sizeof buf, "\n    sw: active cookie %d (%s, %zu B, %zu hw desc(s) from 0x%08x)%s", d->vd.tx.cookie,
             d->cyclic ? "cyclic" : "one-shot", d->total, d->hw.size(), unsigned(d->hw.empty() ? 0 : d->hw[0].phys),
             read_hw ? "" : " [hw not read]");
    *s += buf;
    if (read_hw) *s += ", residue " + std::to_string(dmac_residue(c, c->active));
  } else {
    *s += "\n    sw: no active transfer";
  }
  snprintf(buf, sizeof buf, "; paused %d halted %d aborting %d req_line %d", c->paused, c->halted, c->aborting,
           c->req_line);
  *s += buf;
  *s += "\n    vchan: submitted " + cookie_list(&c->vc.desc_submitted) + " issued " + cookie_list(&c->vc.desc_issued) +
        " completed " + cookie_list(&c->vc.desc_completed) + " terminated " + cookie_list(&c->vc.desc_terminated);
  snprintf(buf, sizeof buf,
           "; last cookie %d, completed cookie %d, error cookie %d; completions %llu errors %llu periods %llu\n",
           ch.cookie, ch.completed_cookie, c->err_cookie, (unsigned long long)c->completions,
           (unsigned long long)c->errors, (unsigned long long)c->periods);
  *s += buf;
  if (read_hw) spin_unlock_irqrestore(&c->vc.lock, flags);
}

std::string dmac_dbg_summary_show(dmac_device* d, bool read_hw) {
  KFUNC("dmac_dbg_summary_show");
  std::string s = std::string("dma") + std::to_string(d->ddev.dev_id) + " (" + dev_name(&d->dev) +
                  "): number of channels: " + std::to_string(d->nr_channels) + ", policy " +
                  dmac_lock_policy_name(d->policy) + ", irq " + std::to_string(d->irq) + ", " +
                  std::to_string(d->irqs) + " interrupt(s) handled";
  if (read_hw) {
    char buf[64];
    snprintf(buf, sizeof buf, ", IRQ_SUMMARY 0x%x", this_kernel().cpu().readl(d->regs + DMAC_IRQ_SUMMARY));
    s += buf;
  }
  s += "\n";
  for (auto& c : d->chans) dmac_dbg_chan_show(&s, c.get(), read_hw);
  return s;
}

std::string dmac_dbg_check_quiescent(dmac_device* d) {
  KFUNC("dmac_dbg_check_quiescent");
  std::string problems;
  for (auto& c : d->chans) {
    unsigned long flags;
    spin_lock_irqsave(&c->vc.lock, flags);
    const uint32_t st = chan_state(c.get());
    std::string why;
    if (st != DMAC_STATE_IDLE) why += std::string(" hardware ") + dmac_state_name(st) + ";";
    if (c->active) why += " a transfer is active;";
    if (!list_empty(&c->vc.desc_submitted) || !list_empty(&c->vc.desc_issued))
      why += " descriptors submitted/issued never ran;";
    if (!list_empty(&c->vc.desc_completed)) why += " completed descriptors await their callback;";
    if (!list_empty(&c->vc.desc_terminated)) why += " terminated descriptors without dmaengine_synchronize();";
    spin_unlock_irqrestore(&c->vc.lock, flags);
    if (why.empty()) continue;
    problems += c->vc.chan.name + ":" + why + "\n";
    dmac_dbg_chan_show(&problems, c.get(), /*read_hw=*/true);
  }
  return problems;
}

// ---------------------------------------------------------------- probe

// Key of the device's soft-lockup dump (one per controller instance).
static std::string hang_dump_name(const dmac_device* d) { return "dmac:" + d->dev.init_name; }

dmac_device* dmac_probe(const dmac_platform_data& pdata) {
  KFUNC("dmac_probe");
  Cpu& cpu = this_kernel().cpu();
  uint32_t id = cpu.readl(pdata.regs + DMAC_ID);
  if (id != DMAC_ID_VALUE) {
    log_error("dmac", "probe: bad ID register");
    return nullptr;
  }
  auto* d = new dmac_device;
  d->dev.init_name = pdata.name;
  d->regs = pdata.regs;
  d->irq = pdata.irq;
  d->policy = pdata.policy;
  uint32_t caps0 = cpu.readl(pdata.regs + DMAC_CAPS0);
  uint32_t caps1 = cpu.readl(pdata.regs + DMAC_CAPS1);
  d->nr_channels = (caps0 & DMAC_CAPS0_NUM_CH_MASK) >> DMAC_CAPS0_NUM_CH_SHIFT;
  d->nr_requests = (caps0 & DMAC_CAPS0_NUM_REQ_MASK) >> DMAC_CAPS0_NUM_REQ_SHIFT;
  d->data_bytes = (caps0 & DMAC_CAPS0_DATA_BYTES_MASK) >> DMAC_CAPS0_DATA_BYTES_SHIFT;
  d->max_burst = (caps1 & DMAC_CAPS1_MAX_BURST_MASK) >> DMAC_CAPS1_MAX_BURST_SHIFT;
  if (dma_declare_coherent_memory(&d->dev, pdata.coherent_base, pdata.coherent_base, pdata.coherent_size)) {
    log_error("dmac", "probe: bad coherent region");
    delete d;
    return nullptr;
  }
  d->pool = dma_pool_create("dmac-desc", &d->dev, DMAC_DESC_SIZE, DMAC_DESC_ALIGN, 0);

  dma_device& dd = d->ddev;
  dd.dev = &d->dev;
  dma_cap_zero(dd.cap_mask);
  dma_cap_set(DMA_MEMCPY, dd.cap_mask);
  dma_cap_set(DMA_SLAVE, dd.cap_mask);
  dma_cap_set(DMA_CYCLIC, dd.cap_mask);
  dma_cap_set(DMA_INTERRUPT, dd.cap_mask);
  uint32_t widths = 0;
  for (unsigned w = 1; w <= d->data_bytes; w <<= 1) widths |= BIT(w);
  dd.src_addr_widths = dd.dst_addr_widths = widths;
  dd.directions = BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM);
  dd.min_burst = 1;
  dd.max_burst = 256;  // descriptor CTRL.BURST: beats per peripheral request - 1
  dd.residue_granularity = pdata.residue_granularity;
  dd.descriptor_reuse = true;  // hardware never writes descriptors (CTRL.WB_EN off): a chain can run again
  dd.copy_align = DMAENGINE_ALIGN_1_BYTE;
  dd.device_alloc_chan_resources = dmac_alloc_chan_resources;
  dd.device_free_chan_resources = dmac_free_chan_resources;
  dd.device_prep_dma_memcpy = dmac_prep_dma_memcpy;
  dd.device_prep_slave_sg = dmac_prep_slave_sg;
  dd.device_prep_dma_cyclic = dmac_prep_dma_cyclic;
  dd.device_prep_dma_interrupt = dmac_prep_dma_interrupt;
  // No device_caps: every channel has the device's caps (the op is optional in Linux).
  dd.device_config = dmac_config;
  dd.device_pause = dmac_pause;
  dd.device_resume = dmac_resume;
  dd.device_terminate_all = dmac_terminate_all;
  dd.device_synchronize = dmac_synchronize;
  dd.device_tx_status = dmac_tx_status;
  dd.device_issue_pending = dmac_issue_pending;
  dd.of_dma_xlate = dmac_of_xlate;

  // A failure from here on undoes the setup in reverse order, as the error
  // labels of a Linux probe do (the IRQ only once it was requested).
  auto probe_fail = [&](const char* why, bool irq_requested) -> dmac_device* {
    log_error("dmac", std::string("probe: ") + why);
    if (irq_requested) free_irq(pdata.irq, d);
    for (auto& c : d->chans) dma_pool_free(d->pool, reinterpret_cast<void*>(static_cast<uintptr_t>(c->dummy)), c->dummy);
    dma_pool_destroy(d->pool);
    dma_release_coherent_memory(&d->dev);
    delete d;
    return nullptr;
  };
  for (unsigned n = 0; n < d->nr_channels; ++n) {
    auto c = std::make_unique<dmac_chan>();
    c->d = d;
    c->id = n;
    c->base = pdata.regs + DMAC_CH_BASE(n);
    vchan_init(&c->vc, &dd, "dmac_tasklet");
    c->vc.desc_free = dmac_desc_free;
    INIT_LIST_HEAD(&c->unacked);
    // The provider's own tasklet in both policies: it runs the dependencies
    // (vchan_complete() does not).
    dmac_chan* cp = c.get();
    tasklet_setup(&c->vc.task, [cp](tasklet_struct*) { dmac_tasklet(cp); }, "dmac_tasklet");
    if (!dma_pool_alloc(d->pool, GFP_KERNEL, &c->dummy))
      return probe_fail("no coherent memory for the interrupt descriptors' scratch words", false);
    cpu.writel(0, c->base + DMAC_CH_CTRL);
    cpu.writel(kAllIrqs, c->base + DMAC_CH_IRQ_STATUS);
    cpu.writel(kAllIrqs, c->base + DMAC_CH_IRQ_MASK);
    d->chans.push_back(std::move(c));
  }
  if (request_irq(pdata.irq, dmac_irq_handler, 0, "dmac", d)) return probe_fail("request_irq failed", false);
  if (dma_async_device_register(&dd)) return probe_fail("dma_async_device_register failed", true);
  // A soft-lockup report also shows every channel (software view: the dump
  // runs in a SystemC method and must not touch the bus).
  this_kernel().add_hang_dump(hang_dump_name(d), [d] { return dmac_dbg_summary_show(d, /*read_hw=*/false); });
  log_info("dmac", pdata.name + ": " + std::to_string(d->nr_channels) + " channels, " +
                       std::to_string(d->nr_requests) + " request lines, policy " + dmac_lock_policy_name(d->policy));
  return d;
}

// The platform_driver .remove (as dw_dma's / pl08x's): unregister from
// dmaengine, stop the hardware (each channel terminated and its abort waited
// for, its interrupts masked and acknowledged, so the line is low), free the
// IRQ, kill the tasklets, free every descriptor, the pool, the coherent
// region and the device. Process context (may sleep). Clients should have
// released their channels; like Linux it warns when one is still held and
// tears the channel down anyway (nothing may use it afterwards).
void dmac_remove(dmac_device* d) {
  KFUNC("dmac_remove");
  if (!d) return;
  for (auto& c : d->chans)
    if (c->vc.chan.client_count)
      log_warn("dmac", "dma_async_device_unregister called while " + std::to_string(c->vc.chan.client_count) +
                           " clients hold a reference (" + c->vc.chan.name + ")");
  this_kernel().remove_hang_dump(hang_dump_name(d));
  dma_async_device_unregister(&d->ddev);
  for (auto& c : d->chans) {
    dmac_terminate_all(&c->vc.chan);
    dmac_synchronize(&c->vc.chan);
    chan_writel(c.get(), 0, DMAC_CH_IRQ_MASK);
    chan_writel(c.get(), kAllIrqs, DMAC_CH_IRQ_STATUS);
  }
  free_irq(d->irq, d);
  for (auto& c : d->chans) {
    tasklet_kill(&c->vc.task);
    dmac_free_unacked(c.get());
    vchan_free_chan_resources(&c->vc);
    dma_pool_free(d->pool, reinterpret_cast<void*>(static_cast<uintptr_t>(c->dummy)), c->dummy);
  }
  dma_pool_destroy(d->pool);
  dma_release_coherent_memory(&d->dev);
  // kfree()'s check: no channel lock may still be held when its memory goes.
  for (auto& c : d->chans) this_kernel().lockdep().debug_check_no_locks_freed(c.get(), sizeof(*c));
  delete d;
}

}  // namespace dmacosim::dmaengine
