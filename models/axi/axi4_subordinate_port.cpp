#include "axi4_subordinate_port.h"

#include <algorithm>
#include <bitset>
#include <cstring>
#include <limits>

#include "log.h"

namespace dmacosim {

const char* axi_resp_name(uint8_t resp) {
  switch (resp & 3) {
    case AXI_OKAY: return "OKAY";
    case AXI_EXOKAY: return "EXOKAY";
    case AXI_SLVERR: return "SLVERR";
    default: return "DECERR";
  }
}

Axi4SubordinatePort::Axi4SubordinatePort(const Axi4ManagerPins& pins, AxiMemoryBackend& backend,
                                         AxiSlaveTiming timing, std::string name)
    : p_(pins), backend_(backend), timing_(timing), name_(std::move(name)), rng_(timing.seed),
      reorder_rng_(reorder_.seed) {
  reset();
}

void Axi4SubordinatePort::set_timing(const AxiSlaveTiming& t) {
  timing_ = t;
  rng_.seed(t.seed);
  steady_ = false;
}

void Axi4SubordinatePort::set_reordering(const AxiResponseReordering& r) {
  reorder_ = r;
  reorder_rng_.seed(r.seed);
  steady_ = false;
}

void Axi4SubordinatePort::update_steady() {
  steady_ = !reorder_.enabled && timing_.ar_ready >= 1.0 && timing_.aw_ready >= 1.0 && timing_.w_ready >= 1.0 &&
            timing_.r_valid >= 1.0 && timing_.b_valid >= 1.0;
}

void Axi4SubordinatePort::reset() {
  reads_.clear();
  writes_.clear();
  wbeats_.clear();
  writes_with_data_ = 0;
  wlasts_ = 0;
  r_presenting_ = b_presenting_ = false;
  r_in_burst_ = false;
  steady_ = false;  // READY low now: the next cycle drives the outputs again
  *p_.arready = *p_.awready = *p_.wready = 0;
  *p_.rvalid = *p_.bvalid = 0;
  *p_.rlast = 0;
  *p_.rdata = 0;
  *p_.rresp = *p_.bresp = 0;
  *p_.rid = *p_.bid = 0;
}

uint32_t Axi4SubordinatePort::extra_latency() {
  if (!reorder_.enabled || reorder_.max_extra_latency == 0) return 0;
  return std::uniform_int_distribution<uint32_t>(0, reorder_.max_extra_latency)(reorder_rng_);
}

void Axi4SubordinatePort::protocol_error(const std::string& what) {
  ++stats_.protocol_errors;
  log_error(name_, "AXI protocol error: " + what);
}

// Address of beat k (AXI4 spec A3.4.1): beat 0 at the start address, later beats
// of an INCR burst at size-aligned increments; FIXED bursts repeat the address.
uint64_t Axi4SubordinatePort::beat_address(const Burst& b, unsigned k) const {
  if (b.burst == AXI_BURST_FIXED || k == 0) return b.addr;
  uint64_t bytes = 1ull << b.size;
  return (b.addr & ~(bytes - 1)) + uint64_t(k) * bytes;
}

// A bus word and its kDataBytes bytes in lane order (lane i = bits 8i..8i+7):
// one copy on a little-endian host, a loop elsewhere.
uint64_t Axi4SubordinatePort::get_word(const uint8_t* bytes) {
  uint64_t word = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(&word, bytes, kDataBytes);
#else
  for (unsigned lane = 0; lane < kDataBytes; ++lane) word |= uint64_t(bytes[lane]) << (8 * lane);
#endif
  return word;
}

void Axi4SubordinatePort::put_word(uint8_t* bytes, uint64_t word) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(bytes, &word, kDataBytes);
#else
  for (unsigned lane = 0; lane < kDataBytes; ++lane) bytes[lane] = uint8_t(word >> (8 * lane));
#endif
}

Axi4SubordinatePort::Burst& Axi4SubordinatePort::push_burst(Ring<Burst>& q, const AddrBeat& a, uint64_t seq,
                                                             uint64_t cycle) {
  Burst& b = q.push_slot();
  b.seq = seq;
  b.id = a.id;
  b.len = a.len;
  b.size = a.size;
  b.burst = a.burst;
  b.addr = a.addr;
  b.accepted = cycle;
  b.ready_cycle = 0;
  b.per_beat = 1;
  b.beats_done = 0;
  b.resp = AXI_OKAY;
  b.data.clear();  // capacity kept for the next burst in this slot
  return b;
}

void Axi4SubordinatePort::accept_read(Burst& b, uint64_t cycle) {
  const uint64_t bytes = 1ull << b.size;
  const unsigned beats = b.len + 1u;
  AxiAccessResult r;
  if (bytes > kDataBytes) {
    protocol_error(strfmt("ARSIZE %u wider than the %u-byte bus", b.size, kDataBytes));
    r.resp = AXI_SLVERR;
  } else if (b.burst == AXI_BURST_INCR) {
    uint64_t end = (b.addr & ~(bytes - 1)) + beats * bytes;
    if ((b.addr >> 12) != ((end - 1) >> 12)) protocol_error(strfmt("read burst at 0x%llx crosses a 4 KiB boundary", (unsigned long long)b.addr));
    b.data.assign(end - b.addr, 0);
    r = backend_.read(b.addr, b.data.data(), b.data.size());
  } else if (b.burst == AXI_BURST_FIXED) {
    uint64_t span = ((b.addr & ~(bytes - 1)) + bytes) - b.addr;
    b.data.assign(span * beats, 0);
    for (unsigned k = 0; k < beats; ++k) {
      AxiAccessResult rk = backend_.read(b.addr, b.data.data() + k * span, span);
      if (k == 0) r = rk;
      if (rk.resp != AXI_OKAY) r.resp = rk.resp;
    }
  } else {
    protocol_error(strfmt("WRAP read burst at 0x%llx is not supported", (unsigned long long)b.addr));
    r.resp = AXI_SLVERR;
  }
  if (r.resp != AXI_OKAY) ++stats_.error_responses;
  b.resp = r.resp;
  b.ready_cycle = cycle + std::max<uint32_t>(1, r.first_beat_cycles) + extra_latency();
  b.per_beat = std::max<uint32_t>(1, r.per_beat_cycles);
  ++stats_.read_bursts;
  stats_.max_reads_outstanding = std::max<unsigned>(stats_.max_reads_outstanding, reads_.size());
}

void Axi4SubordinatePort::complete_write(Burst& b, uint64_t cycle) {
  const uint64_t bytes = 1ull << b.size;
  const unsigned beats = b.len + 1u;
  AxiAccessResult r;
  // The burst's beats are the first `beats` of wbeats_, removed at the end.
  const Ring<WBeat>& bw = wbeats_;
  if (!bw[beats - 1].last) protocol_error(strfmt("WLAST missing on beat %u of a %u-beat write burst", beats - 1, beats));
  for (unsigned k = 0; k + 1 < beats; ++k)
    if (bw[k].last) protocol_error(strfmt("WLAST on beat %u of a %u-beat write burst", k, beats));

  if (bytes > kDataBytes) {
    protocol_error(strfmt("AWSIZE %u wider than the %u-byte bus", b.size, kDataBytes));
    r.resp = AXI_SLVERR;
  } else if (b.burst == AXI_BURST_INCR || b.burst == AXI_BURST_FIXED) {
    const bool fixed = b.burst == AXI_BURST_FIXED;
    const uint64_t lo = b.addr;
    const uint64_t hi = fixed ? (b.addr & ~(bytes - 1)) + bytes : (b.addr & ~(bytes - 1)) + beats * bytes;
    if (!fixed && (lo >> 12) != ((hi - 1) >> 12)) protocol_error(strfmt("write burst at 0x%llx crosses a 4 KiB boundary", (unsigned long long)lo));
    std::vector<uint8_t>& data = wdata_buf_;
    std::vector<uint8_t>& strobe = wstrb_buf_;
    data.assign(hi - lo, 0);
    strobe.assign(hi - lo, 0);
    bool first = true;
    for (unsigned k = 0; k < beats; ++k) {
      uint64_t a = beat_address(b, k);
      uint64_t beat_lo = a, beat_hi = (a & ~(bytes - 1)) + bytes;
      if (!fixed && bytes == kDataBytes && (a & (kDataBytes - 1)) == 0 && bw[k].strb == 0xFF) {
        // A whole aligned bus word (nearly every beat of a copy): every lane
        // lies inside the beat, nothing to check lane by lane.
        put_word(&data[a - lo], bw[k].data);
        std::memset(&strobe[a - lo], 1, kDataBytes);
        continue;
      }
      for (unsigned lane = 0; lane < kDataBytes; ++lane) {
        if (!(bw[k].strb >> lane & 1)) continue;
        uint64_t byte_addr = (a & ~uint64_t(kDataBytes - 1)) + lane;
        if (byte_addr < beat_lo || byte_addr >= beat_hi) {
          protocol_error(strfmt("WSTRB lane %u outside the beat at 0x%llx (size %u)", lane, (unsigned long long)a, unsigned(bytes)));
          continue;
        }
        data[byte_addr - lo] = uint8_t(bw[k].data >> (8 * lane));
        strobe[byte_addr - lo] = 1;
      }
      if (fixed) {  // one backend access per beat: a FIFO register sees every beat
        AxiAccessResult rk = backend_.write(lo, data.data(), strobe.data(), data.size());
        if (first) r = rk;
        if (rk.resp != AXI_OKAY) r.resp = rk.resp;
        first = false;
        std::fill(strobe.begin(), strobe.end(), 0);
      }
    }
    if (!fixed) r = backend_.write(lo, data.data(), strobe.data(), data.size());
  } else {
    protocol_error(strfmt("WRAP write burst at 0x%llx is not supported", (unsigned long long)b.addr));
    r.resp = AXI_SLVERR;
  }
  for (unsigned k = 0; k < beats; ++k) wlasts_ -= bw[k].last;
  wbeats_.pop_front(beats);
  if (r.resp != AXI_OKAY) ++stats_.error_responses;
  b.resp = r.resp;
  b.ready_cycle = cycle + std::max<uint32_t>(1, r.first_beat_cycles) + extra_latency();
  ++stats_.write_bursts;
}

void Axi4SubordinatePort::advance(uint64_t cycle) {
  if (fire_ar_) accept_read(push_burst(reads_, ar_, next_read_seq_++, cycle), cycle);
  // RVALID / BVALID are this port's outputs: a handshake while it presents
  // nothing means someone else drove the pins, and there is no beat to take.
  if (fire_r_ && r_presenting_) {
    const size_t i = find_seq(reads_, r_seq_);
    Burst& h = reads_[i];
    ++h.beats_done;
    ++stats_.read_beats;
    r_presenting_ = false;
    if (r_in_burst_ && h.id != r_last_id_) ++stats_.interleaved_read_beats;
    r_last_id_ = h.id;
    r_in_burst_ = h.beats_done != h.len + 1u;
    if (h.beats_done == h.len + 1u) {
      // Older bursts still queued have other IDs (same-ID order is kept).
      if (i != 0) ++stats_.reordered_read_bursts;
      reads_.erase(i);
    } else {
      h.ready_cycle = std::max(h.ready_cycle, cycle + h.per_beat);
    }
  }
  if (fire_aw_) {
    push_burst(writes_, aw_, next_write_seq_++, cycle);
    stats_.max_writes_outstanding = std::max<unsigned>(stats_.max_writes_outstanding, writes_.size());
  }
  if (fire_w_) {
    wbeats_.push_back(w_);
    wlasts_ += w_.last;
    ++stats_.write_beats;
  }
  // Match complete write data with accepted addresses, in order (only a new
  // W beat or AW can complete one).
  while ((fire_w_ || fire_aw_) && writes_with_data_ < writes_.size()) {
    Burst& b = writes_[writes_with_data_];
    unsigned beats = b.len + 1u;
    if (wbeats_.size() < beats) {
      // A premature WLAST ends the burst short: report it and pad, never hang.
      if (wlasts_ == 0) break;  // none among the beats received (every beat of a burst until its last)
      size_t have = 0;
      while (have < wbeats_.size() && !wbeats_[have].last) ++have;
      if (have == wbeats_.size()) break;
      ++have;
      wbeats_.insert(have, beats - have, WBeat{0, 0, false});
    }
    complete_write(b, cycle);
    ++writes_with_data_;
  }
  if (fire_b_ && b_presenting_) {
    // The answered write is among the leading writes_with_data_ entries, so
    // removing it keeps that prefix (data completes in AW order).
    const size_t i = find_seq(writes_, b_seq_);
    if (i != 0) ++stats_.reordered_write_responses;
    writes_.erase(i);
    --writes_with_data_;
    b_presenting_ = false;
  }
  drive_outputs(cycle);
  update_steady();
}

void Axi4SubordinatePort::drive_outputs(uint64_t cycle) {
  // Address/data READY: a registered decision (legal to assert before VALID).
  *p_.arready = reads_.size() < timing_.max_outstanding_reads && chance(timing_.ar_ready);
  *p_.awready = writes_.size() < timing_.max_outstanding_writes && chance(timing_.aw_ready);
  *p_.wready = wbeats_.size() < 512 && chance(timing_.w_ready);

  // R: once VALID is up it stays up with stable payload until the handshake.
  Burst* next_read = r_presenting_ ? nullptr : choose_read(cycle);
  if (next_read && chance(timing_.r_valid)) {
    const Burst& h = *next_read;
    const uint64_t bytes = 1ull << h.size;
    const unsigned k = h.beats_done;
    const uint64_t a = beat_address(h, k);
    const uint64_t beat_lo = a, beat_hi = (a & ~(bytes - 1)) + bytes;
    const uint64_t span = h.burst == AXI_BURST_FIXED ? beat_hi - beat_lo : 0;
    uint64_t word = 0;
    if (h.burst != AXI_BURST_FIXED && bytes == kDataBytes && (a & (kDataBytes - 1)) == 0 && !h.data.empty()) {
      // A whole aligned bus word, all in the burst's byte range: its 8 bytes in lane order.
      word = get_word(h.data.data() + (a - h.addr));
    } else if (!h.data.empty()) {
      for (unsigned lane = 0; lane < kDataBytes; ++lane) {
        uint64_t byte_addr = (a & ~uint64_t(kDataBytes - 1)) + lane;
        if (byte_addr < beat_lo || byte_addr >= beat_hi) continue;
        uint64_t idx = h.burst == AXI_BURST_FIXED ? k * span + (byte_addr - h.addr) : byte_addr - h.addr;
        word |= uint64_t(h.data[idx]) << (8 * lane);
      }
    }
    *p_.rdata = word;
    *p_.rresp = h.resp;
    *p_.rid = h.id;
    *p_.rlast = (k == h.len);
    r_seq_ = h.seq;
    r_presenting_ = true;
  }
  *p_.rvalid = r_presenting_;

  Burst* answered = b_presenting_ ? nullptr : choose_write_response(cycle);
  if (answered && chance(timing_.b_valid)) {
    *p_.bresp = answered->resp;
    *p_.bid = answered->id;
    b_seq_ = answered->seq;
    b_presenting_ = true;
  }
  *p_.bvalid = b_presenting_;
}

size_t Axi4SubordinatePort::find_seq(const Ring<Burst>& q, uint64_t seq) {
  size_t i = 0;
  while (i < q.size() && q[i].seq != seq) ++i;
  return i;
}

// In order: the oldest read, once its beat is due. Reordering: any ID's oldest
// read whose beat is due (a later read of an ID must wait for the earlier one
// to finish); the burst of the previous beat keeps the bus unless the
// switch_prob draw says to choose again.
Axi4SubordinatePort::Burst* Axi4SubordinatePort::choose_read(uint64_t cycle) {
  if (reads_.empty()) return nullptr;
  if (!reorder_.enabled) return cycle + 1 >= reads_.front().ready_cycle ? &reads_.front() : nullptr;
  std::bitset<256> id_seen;
  std::vector<Burst*>& ready = ready_buf_;
  ready.clear();
  Burst* current = nullptr;
  for (size_t i = 0; i < reads_.size(); ++i) {
    Burst& b = reads_[i];
    if (id_seen[b.id]) continue;
    id_seen[b.id] = true;
    if (cycle + 1 < b.ready_cycle) continue;
    ready.push_back(&b);
    if (r_in_burst_ && b.seq == r_seq_) current = &b;
  }
  if (ready.empty()) return nullptr;
  if (current && std::uniform_real_distribution<double>(0.0, 1.0)(reorder_rng_) >= reorder_.switch_prob)
    return current;
  return ready[std::uniform_int_distribution<size_t>(0, ready.size() - 1)(reorder_rng_)];
}

// In order: the oldest write, once its data is complete and its response due.
// Reordering: any ID's oldest write among those (random choice).
Axi4SubordinatePort::Burst* Axi4SubordinatePort::choose_write_response(uint64_t cycle) {
  if (writes_with_data_ == 0) return nullptr;
  if (!reorder_.enabled) return cycle + 1 >= writes_.front().ready_cycle ? &writes_.front() : nullptr;
  std::bitset<256> id_seen;
  std::vector<Burst*>& ready = ready_buf_;
  ready.clear();
  for (unsigned i = 0; i < writes_with_data_; ++i) {
    Burst& b = writes_[i];
    if (id_seen[b.id]) continue;
    id_seen[b.id] = true;
    if (cycle + 1 >= b.ready_cycle) ready.push_back(&b);
  }
  if (ready.empty()) return nullptr;
  return ready[std::uniform_int_distribution<size_t>(0, ready.size() - 1)(reorder_rng_)];
}

uint64_t Axi4SubordinatePort::next_self_event_cycle() const {
  uint64_t next = std::numeric_limits<uint64_t>::max();
  if (!reorder_.enabled) {
    if (!reads_.empty()) next = std::min(next, reads_.front().ready_cycle);
    if (writes_with_data_ > 0) next = std::min(next, writes_.front().ready_cycle);
    return next;
  }
  // Any ID's oldest transaction may be the next one answered.
  std::bitset<256> read_id_seen, write_id_seen;
  for (size_t i = 0; i < reads_.size(); ++i)
    if (const Burst& b = reads_[i]; !read_id_seen[b.id]) {
      read_id_seen[b.id] = true;
      next = std::min(next, b.ready_cycle);
    }
  for (unsigned i = 0; i < writes_with_data_; ++i)
    if (!write_id_seen[writes_[i].id]) {
      write_id_seen[writes_[i].id] = true;
      next = std::min(next, writes_[i].ready_cycle);
    }
  return next;
}

}  // namespace dmacosim
