#include "dmac_golden_model.h"

#include <algorithm>
#include <deque>
#include <stdexcept>

namespace dmacosim::test {

namespace spec {
const char* err_name(unsigned code) {
  static const char* names[] = {"NONE",      "DESC_READ", "DATA_READ", "DATA_WRITE", "DESC_LEN",
                                "DESC_RSVD", "DESC_ALIGN", "DESC_REQ", "DESC_FIXED"};
  return code < 9 ? names[code] : "?";
}
}  // namespace spec

void Descriptor::store(PagedBytes& m, uint64_t a) const {
  m.set32(a + 0x00, src);
  m.set32(a + 0x04, dst);
  m.set32(a + 0x08, next);
  m.set32(a + 0x0C, len);
  m.set32(a + 0x10, ctrl);
  m.set32(a + 0x14, status);
  m.set32(a + 0x18, sw0);
  m.set32(a + 0x1C, sw1);
}

Descriptor Descriptor::load(const PagedBytes& m, uint64_t a) {
  Descriptor d;
  d.src = m.get32(a + 0x00);
  d.dst = m.get32(a + 0x04);
  d.next = m.get32(a + 0x08);
  d.len = m.get32(a + 0x0C);
  d.ctrl = m.get32(a + 0x10);
  d.status = m.get32(a + 0x14);
  d.sw0 = m.get32(a + 0x18);
  d.sw1 = m.get32(a + 0x1C);
  return d;
}

PeriphFifo& GoldenModel::add_fifo(uint64_t addr) {
  fifos_.push_back(std::make_unique<PeriphFifo>());
  fifos_.back()->addr = addr;
  return *fifos_.back();
}

PeriphFifo* GoldenModel::fifo_at(uint64_t addr) {
  for (auto& f : fifos_)
    if (addr >= f->addr && addr < f->addr + 8) return f.get();
  return nullptr;
}

uint8_t GoldenModel::err(uint64_t a, size_t n, bool is_write, uint64_t* first_byte) const {
  uint8_t resp = AXI_OKAY;
  uint64_t best = UINT64_MAX;
  for (auto& e : errors_) {
    if (!(is_write ? e.on_write : e.on_read) || !e.range.overlaps(a, n)) continue;
    uint64_t fb = std::max(a, e.range.lo);
    if (fb < best) {
      best = fb;
      resp = e.resp;
    }
  }
  if (first_byte) *first_byte = best;
  return resp;
}

// Spec order: DESC_LEN, DESC_RSVD (reserved CTRL bits, FLOW 3, WIDTH), DESC_ALIGN
// (NEXT), DESC_REQ (peripheral flows), DESC_FIXED.
uint8_t GoldenModel::check_descriptor(uint64_t, const Descriptor& d) const {
  using namespace spec;
  if (d.len == 0 || (d.len >> 24) != 0) return ERR_DESC_LEN;
  uint32_t flow = (d.ctrl >> 1) & 3, width = (d.ctrl >> 5) & 7, req = (d.ctrl >> 16) & 0x1F;
  unsigned max_width = 0;
  while ((1u << (max_width + 1)) <= cfg_.data_bytes) ++max_width;
  if ((d.ctrl >> 21) != 0 || flow == 3 || width > max_width) return ERR_DESC_RSVD;
  if (d.next & 0x1F) return ERR_DESC_ALIGN;
  if ((flow == MEM2PER || flow == PER2MEM) && req >= cfg_.num_req) return ERR_DESC_REQ;
  uint32_t w = 1u << width;
  bool src_fixed = !(d.ctrl & DC_SRC_INC), dst_fixed = !(d.ctrl & DC_DST_INC);
  if ((src_fixed || dst_fixed) && (d.len % w) != 0) return ERR_DESC_FIXED;
  if (src_fixed && (d.src % w) != 0) return ERR_DESC_FIXED;
  if (dst_fixed && (d.dst % w) != 0) return ERR_DESC_FIXED;
  return ERR_NONE;
}

void GoldenModel::run(PagedBytes& mem, const std::vector<ChannelRun>& runs) {
  exp_.clear();
  uncertain_.clear();
  written_.clear();
  for (unsigned ch = 0; ch < runs.size(); ++ch)
    if (runs[ch].started) run_channel(mem, ch, runs[ch]);
}

void GoldenModel::run_channel(PagedBytes& mem, unsigned ch, const ChannelRun& run) {
  using namespace spec;
  ChannelExpect& e = exp_[ch];
  e = ChannelExpect{};
  auto fail = [&](uint8_t code, uint8_t resp, uint32_t addr, uint32_t addr_min) {
    e.state = ST_ERROR;
    e.err_code = code;
    e.err_resp = resp;
    e.err_addr = addr;
    e.err_addr_min = addr_min;
    e.irq_raw |= IRQ_ERR;
  };
  if (run.head & 0x1F) {
    fail(ERR_DESC_ALIGN, 0, run.head, run.head);
    return;
  }
  // A write error is known only with its B response: by then the read-ahead
  // may have issued the first bursts of the next descriptor, and those beats
  // may have reached memory (spec: "Write error and read-ahead"). Its
  // destination bytes (up to its own first read fault) may be copied or not.
  // Only a valid memory-to-memory next descriptor can start that way.
  // Up to retire_depth descriptors can start that way, each handed over by
  // the one before it (memory-to-memory, no WB_EN, a NEXT), until one of them
  // faults on a read (the channel stops issuing there).
  auto next_after_write_error = [&](const PagedBytes& m, uint64_t na) {
    for (unsigned depth = 0; depth < cfg_.retire_depth && na != 0; ++depth) {
      uint64_t fb1;
      if (err(na, 20, false, &fb1)) return;
      const Descriptor n = Descriptor::load(m, na);
      if (check_descriptor(na, n) != ERR_NONE || ((n.ctrl >> 1) & 3) != MEM2MEM) return;
      const uint32_t nw = 1u << ((n.ctrl >> 5) & 7);
      const bool ns_inc = n.ctrl & DC_SRC_INC, nd_inc = n.ctrl & DC_DST_INC;
      if ((!ns_inc && fifo_at(n.src)) || (!nd_inc && fifo_at(n.dst))) return;
      uint64_t upto = n.len;
      const bool rd_fault = ns_inc ? err(n.src, n.len, false, &fb1) : err(n.src, nw, false, &fb1);
      if (rd_fault) upto = ns_inc ? fb1 - n.src : 0;
      for (uint64_t i = 0; i < upto; ++i) {
        const uint64_t a = nd_inc ? n.dst + i : n.dst + (i % nw);
        if (err(a, 1, true, nullptr)) continue;
        uncertain_.push_back({a, m.get(ns_inc ? n.src + i : n.src + (i % nw))});
      }
      if (upto) written_.push_back({n.dst, n.dst + (nd_inc ? upto : nw)});
      if (rd_fault || run.wb_en) return;
      na = n.next;
    }
  };
  uint64_t addr = run.head;
  const uint64_t kLimit = 10'000'000;
  // The previous descriptor, while it may still be retiring in the hardware:
  // a memory-to-memory descriptor without WB_EN hands over to the next one
  // with its last writes in flight (read-ahead). `old` holds its
  // destination bytes as they were before this model copied it.
  struct Prev {
    bool tc = false, dst_inc = true;
    uint32_t dst = 0, len = 0;
    std::vector<std::pair<uint64_t, uint8_t>> old;
  };
  std::deque<Prev> prevs;   // oldest first, at most retire_depth
  while (true) {
    e.last_desc = uint32_t(addr);
    uint64_t fb;
    // The hardware needs the first 20 bytes (SRC..CTRL); it may fetch all 32.
    if (uint8_t r = err(addr, 20, false, &fb)) {
      fail(ERR_DESC_READ, r, uint32_t(addr), uint32_t(addr));
      return;
    }
    Descriptor d = Descriptor::load(mem, addr);
    if (uint8_t code = check_descriptor(addr, d)) {
      fail(code, 0, uint32_t(addr), uint32_t(addr));
      return;
    }
    const uint32_t w = 1u << ((d.ctrl >> 5) & 7);
    const bool src_inc = d.ctrl & DC_SRC_INC, dst_inc = d.ctrl & DC_DST_INC;
    PeriphFifo* sfifo = src_inc ? nullptr : fifo_at(d.src);
    PeriphFifo* dfifo = dst_inc ? nullptr : fifo_at(d.dst);
    auto src_addr = [&](uint64_t i) -> uint64_t { return src_inc ? d.src + i : d.src + (i % w); };
    auto dst_addr = [&](uint64_t i) -> uint64_t { return dst_inc ? d.dst + i : d.dst + (i % w); };

    // Find the first faulting byte on each side (in stream order).
    uint64_t rd_fault = UINT64_MAX, wr_fault = UINT64_MAX;
    uint8_t rd_resp = 0, wr_resp = 0;
    if (src_inc) {
      if ((rd_resp = err(d.src, d.len, false, &fb))) rd_fault = fb - d.src;
    } else if (!sfifo && (rd_resp = err(d.src, w, false, &fb))) {
      rd_fault = 0;
    }
    if (dst_inc) {
      if ((wr_resp = err(d.dst, d.len, true, &fb))) wr_fault = fb - d.dst;
    } else if (!dfifo && (wr_resp = err(d.dst, w, true, &fb))) {
      wr_fault = 0;
    }

    // Move the data (source stream first: FIFO pops happen in order).
    std::vector<uint8_t> data(d.len);
    for (uint64_t i = 0; i < d.len; ++i) {
      if (sfifo) {
        if (sfifo->supply.empty()) {
          ++sfifo->underflows;
          data[i] = 0;
        } else {
          data[i] = sfifo->supply.front();
          sfifo->supply.pop_front();
        }
      } else {
        data[i] = mem.get(src_addr(i));
      }
    }
    const uint64_t burst_bytes = uint64_t(cfg_.max_burst) * cfg_.data_bytes;
    if (rd_fault != UINT64_MAX || wr_fault != UINT64_MAX) {
      const bool is_read = rd_fault <= wr_fault;
      const uint64_t off = is_read ? rd_fault : wr_fault;
      // Bytes before the fault may have been written (timing-dependent); the
      // rest must be untouched. For a write fault, later bursts may already
      // have been accepted by memory too: everything outside error regions is
      // uncertain there.
      const uint64_t upto = is_read ? off : d.len;
      for (uint64_t i = 0; i < upto; ++i) {
        if (dfifo) break;
        uint64_t a = dst_addr(i);
        if (err(a, 1, true, nullptr)) continue;
        uncertain_.push_back({a, data[i]});
      }
      if (dst_inc) written_.push_back({d.dst, d.dst + d.len});
      const uint64_t side = is_read ? d.src : d.dst;
      const bool inc = is_read ? src_inc : dst_inc;
      uint64_t fa = inc ? side + off : side;
      uint64_t lo = inc ? std::max<uint64_t>({side, fa >= burst_bytes ? fa - burst_bytes + 1 : 0, fa & ~0xFFFull})
                        : side;
      fail(is_read ? ERR_DATA_READ : ERR_DATA_WRITE, is_read ? rd_resp : wr_resp, uint32_t(fa), uint32_t(lo));
      e.data_error = true;
      if (is_read && !prevs.empty()) {
        // Read error: it kills every pending write of the channel, so the
        // retiring descriptors' last writes may be lost (spec: read-ahead).
        // A write error cannot hit them: same-ID write responses come in
        // order, so all of their responses came first.
        e.prev_may_lose = true;
        for (const Prev& p : prevs) {
          e.prevs.push_back({p.tc, p.dst, p.len, p.dst_inc});
          for (auto& [a, v] : p.old) uncertain_.push_back({a, v});
        }
      }
      if (!is_read && ((d.ctrl >> 1) & 3) == MEM2MEM && !dfifo && !sfifo && !run.wb_en && d.next != 0)
        next_after_write_error(mem, d.next);
      return;
    }
    const uint32_t flow = (d.ctrl >> 1) & 3;
    // This descriptor can still be retiring when the next one runs only if it
    // hands over; a descriptor that does not ends the run of retiring ones.
    const bool hands_over = flow == MEM2MEM && !run.wb_en && !dfifo && !sfifo && d.next != 0;
    if (!hands_over) prevs.clear();
    Prev prev;
    prev.tc = (d.ctrl & DC_IRQ) || d.next == 0;
    prev.dst = d.dst;
    prev.len = d.len;
    prev.dst_inc = dst_inc;
    for (uint64_t i = 0; i < d.len; ++i) {
      if (dfifo) {
        dfifo->written.push_back(data[i]);
      } else {
        if (hands_over && (dst_inc || i < w)) prev.old.push_back({dst_addr(i), mem.get(dst_addr(i))});
        mem.set(dst_addr(i), data[i]);
      }
    }
    if (hands_over) {
      prevs.push_back(std::move(prev));
      if (prevs.size() > cfg_.retire_depth) prevs.pop_front();
    }
    if (!dfifo) written_.push_back({d.dst, d.dst + (dst_inc ? d.len : w)});
    if (run.wb_en) {
      mem.set32(addr + D_STATUS, 0x80000000u | d.len);
      written_.push_back({addr + D_STATUS, addr + D_STATUS + 4});
    }
    ++e.completions;
    e.completed_descs.push_back(uint32_t(addr));
    if ((d.ctrl & DC_IRQ) || d.next == 0) {
      ++e.tc_count;
      e.irq_raw |= IRQ_TC;
    }
    if (run.max_completions && e.completions >= run.max_completions) {
      e.state = ST_ACTIVE;
      return;
    }
    if (d.next == 0) {
      e.state = ST_IDLE;
      return;
    }
    if (e.completions > kLimit) throw std::runtime_error("golden model: endless chain without max_completions");
    addr = d.next;
  }
}

unsigned GoldenModel::prev_lost_tc(const ChannelExpect& e, const PagedBytes& act, const PagedBytes& initial,
                                   uint32_t* rest) {
  if (rest) *rest = 0;
  unsigned lost = 0;
  for (const ChannelExpect::PrevDesc& p : e.prevs) {
    const uint32_t n = p.dst_inc ? p.len : std::min<uint32_t>(p.len, 1);
    uint32_t k = 0;
    while (k < n && act.get(p.dst + k) != initial.get(p.dst + k)) ++k;
    if (rest)
      for (uint32_t m = k; m < n; ++m) *rest += act.get(p.dst + m) != initial.get(p.dst + m);
    lost += p.tc && k != n;
  }
  return lost;
}

}  // namespace dmacosim::test
