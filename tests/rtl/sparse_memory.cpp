#include "sparse_memory.h"

#include <algorithm>

namespace dmacosim::test {

uint8_t PagedBytes::get(uint64_t a) const {
  auto it = pages_.find(a / kPage);
  return it == pages_.end() ? fill_ : it->second[a % kPage];
}

void PagedBytes::set(uint64_t a, uint8_t v) {
  auto& p = pages_[a / kPage];
  if (p.empty()) p.assign(kPage, fill_);
  p[a % kPage] = v;
}

void PagedBytes::read(uint64_t a, uint8_t* dst, size_t n) const {
  for (size_t i = 0; i < n; ++i) dst[i] = get(a + i);
}

void PagedBytes::write(uint64_t a, const uint8_t* src, size_t n) {
  for (size_t i = 0; i < n; ++i) set(a + i, src[i]);
}

void PagedBytes::fill(uint64_t a, size_t n, uint8_t v) {
  for (size_t i = 0; i < n; ++i) set(a + i, v);
}

uint32_t PagedBytes::get32(uint64_t a) const {
  return uint32_t(get(a)) | uint32_t(get(a + 1)) << 8 | uint32_t(get(a + 2)) << 16 | uint32_t(get(a + 3)) << 24;
}

void PagedBytes::set32(uint64_t a, uint32_t v) {
  for (int i = 0; i < 4; ++i) set(a + i, uint8_t(v >> (8 * i)));
}

std::vector<uint64_t> PagedBytes::pages() const {
  std::vector<uint64_t> out;
  for (auto& [k, v] : pages_) out.push_back(k);
  return out;
}

void SparseMemory::set_latency(uint32_t first_beat, uint32_t per_beat) {
  random_ = false;
  first_ = std::max<uint32_t>(1, first_beat);
  per_ = std::max<uint32_t>(1, per_beat);
}

void SparseMemory::set_random_latency(uint32_t seed, uint32_t first_min, uint32_t first_max, uint32_t per_min,
                                      uint32_t per_max) {
  random_ = true;
  rng_.seed(seed);
  fmin_ = std::max<uint32_t>(1, first_min);
  fmax_ = std::max(fmin_, first_max);
  pmin_ = std::max<uint32_t>(1, per_min);
  pmax_ = std::max(pmin_, per_max);
}

PeriphFifo& SparseMemory::add_fifo(uint64_t addr) {
  fifos_.push_back(std::make_unique<PeriphFifo>());
  fifos_.back()->addr = addr;
  return *fifos_.back();
}

PeriphFifo* SparseMemory::fifo_at(uint64_t addr) {
  for (auto& f : fifos_)
    if (addr >= f->addr && addr < f->addr + 8) return f.get();
  return nullptr;
}

AxiAccessResult SparseMemory::timing(size_t len) {
  AxiAccessResult r;
  if (random_) {
    r.first_beat_cycles = std::uniform_int_distribution<uint32_t>(fmin_, fmax_)(rng_);
    r.per_beat_cycles = std::uniform_int_distribution<uint32_t>(pmin_, pmax_)(rng_);
  } else {
    r.first_beat_cycles = first_;
    r.per_beat_cycles = per_;
  }
  return r;
}

uint8_t SparseMemory::error_for(uint64_t addr, size_t len, bool is_write) const {
  for (auto& e : errors_)
    if ((is_write ? e.on_write : e.on_read) && e.range.overlaps(addr, len)) return e.resp;
  return AXI_OKAY;
}

const AccessLogEntry* SparseMemory::first_error() const {
  for (auto& e : log_)
    if (e.resp != AXI_OKAY) return &e;
  return nullptr;
}

std::vector<AccessLogEntry> SparseMemory::writes_outside(const std::vector<AddrRange>& allowed) const {
  std::vector<AccessLogEntry> bad;
  for (auto& e : log_) {
    if (!e.is_write || e.strobed == 0 || e.resp != AXI_OKAY) continue;
    bool ok = false;
    for (auto& r : allowed)
      if (e.lo >= r.lo && e.hi <= r.hi) ok = true;
    if (!ok) bad.push_back(e);
  }
  return bad;
}

AxiAccessResult SparseMemory::read(uint64_t addr, uint8_t* data, size_t len) {
  ++nreads_;
  AxiAccessResult r = timing(len);
  r.resp = error_for(addr, len, false);
  if (nth_read_ && nreads_ == nth_read_) r.resp = nth_read_resp_;
  AccessLogEntry e;
  e.seq = ++seq_;
  e.cycle = now ? now() : 0;
  e.is_write = false;
  e.addr = addr;
  e.len = len;
  e.resp = r.resp;
  log_.push_back(e);
  if (r.resp != AXI_OKAY) {
    std::fill(data, data + len, 0xE5);
    return r;
  }
  if (PeriphFifo* f = fifo_at(addr)) {
    ++f->read_beats;
    for (size_t i = 0; i < len; ++i) {
      if (f->supply.empty()) {
        ++f->underflows;
        data[i] = 0;
      } else {
        data[i] = f->supply.front();
        f->supply.pop_front();
      }
    }
    return r;
  }
  bytes_.read(addr, data, len);
  return r;
}

AxiAccessResult SparseMemory::write(uint64_t addr, const uint8_t* data, const uint8_t* strobe, size_t len) {
  ++nwrites_;
  AxiAccessResult r = timing(len);
  r.first_beat_cycles += write_extra_;
  r.resp = error_for(addr, len, true);
  if (nth_write_ && nwrites_ == nth_write_) r.resp = nth_write_resp_;
  AccessLogEntry e;
  e.seq = ++seq_;
  e.cycle = now ? now() : 0;
  e.is_write = true;
  e.addr = addr;
  e.len = len;
  e.resp = r.resp;
  for (size_t i = 0; i < len; ++i) {
    if (!strobe[i]) continue;
    if (e.strobed == 0) e.lo = addr + i;
    e.hi = addr + i + 1;
    ++e.strobed;
  }
  log_.push_back(e);
  if (r.resp != AXI_OKAY) return r;
  if (PeriphFifo* f = fifo_at(addr)) {
    ++f->write_beats;
    for (size_t i = 0; i < len; ++i)
      if (strobe[i]) f->written.push_back(data[i]);
    return r;
  }
  for (size_t i = 0; i < len; ++i)
    if (strobe[i]) bytes_.set(addr + i, data[i]);
  return r;
}

}  // namespace dmacosim::test
