// Test memory for the DMAC benches: a sparse byte image (4 KiB pages) behind the
// lead's AxiMemoryBackend, with configurable/random latency, error injection,
// a write/read log (for guard-byte and "no write after error" checks) and
// peripheral FIFO regions (writes append, reads pop) for MEM2PER / PER2MEM.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "tb/dmac_core.h"

namespace dmacosim::test {

// Sparse byte image: unwritten bytes read as `fill`.
class PagedBytes {
 public:
  static constexpr uint64_t kPage = 4096;
  explicit PagedBytes(uint8_t fill = 0) : fill_(fill) {}
  uint8_t get(uint64_t a) const;
  void set(uint64_t a, uint8_t v);
  void read(uint64_t a, uint8_t* dst, size_t n) const;
  void write(uint64_t a, const uint8_t* src, size_t n);
  void fill(uint64_t a, size_t n, uint8_t v);
  uint32_t get32(uint64_t a) const;
  void set32(uint64_t a, uint32_t v);
  uint8_t fill_value() const { return fill_; }
  // Addresses of every page present in either image (for a full compare).
  std::vector<uint64_t> pages() const;
  const std::map<uint64_t, std::vector<uint8_t>>& raw() const { return pages_; }

 private:
  uint8_t fill_;
  std::map<uint64_t, std::vector<uint8_t>> pages_;
};

struct AddrRange {
  uint64_t lo = 0, hi = 0;  // [lo, hi)
  bool overlaps(uint64_t a, size_t n) const { return a < hi && a + n > lo; }
  bool contains(uint64_t a) const { return a >= lo && a < hi; }
};

struct ErrorRegion {
  AddrRange range;
  uint8_t resp = AXI_SLVERR;
  bool on_read = true, on_write = true;
};

// A peripheral data register: accesses to [addr, addr+8) are FIFO accesses.
struct PeriphFifo {
  uint64_t addr = 0;
  std::vector<uint8_t> written;   // MEM2PER: strobed bytes in arrival order
  std::deque<uint8_t> supply;     // PER2MEM: bytes popped by reads
  size_t underflows = 0;          // reads with an empty supply
  size_t write_beats = 0, read_beats = 0;
};

struct AccessLogEntry {
  uint64_t seq = 0, cycle = 0;
  bool is_write = false;
  uint64_t addr = 0;
  size_t len = 0;
  size_t strobed = 0;  // bytes with strobe set (writes)
  uint8_t resp = AXI_OKAY;
  uint64_t lo = 0, hi = 0;  // strobed span [lo, hi) (writes); empty when strobed == 0
};

class SparseMemory : public AxiMemoryBackend {
 public:
  explicit SparseMemory(uint8_t fill = 0) : bytes_(fill) {}

  PagedBytes& bytes() { return bytes_; }
  const PagedBytes& bytes() const { return bytes_; }

  // Latency: fixed, or uniformly random in [min,max] per access (seeded).
  void set_latency(uint32_t first_beat, uint32_t per_beat);
  void set_random_latency(uint32_t seed, uint32_t first_min, uint32_t first_max, uint32_t per_min, uint32_t per_max);
  // Extra cycles before every write response (slow write path: many writes awaiting B).
  void set_write_extra_latency(uint32_t cycles) { write_extra_ = cycles; }

  // Error injection.
  void add_error_region(const ErrorRegion& r) { errors_.push_back(r); }
  void clear_error_regions() { errors_.clear(); }
  void fail_nth_read(uint64_t n, uint8_t resp) { nth_read_ = n; nth_read_resp_ = resp; }   // 1-based
  void fail_nth_write(uint64_t n, uint8_t resp) { nth_write_ = n; nth_write_resp_ = resp; }

  PeriphFifo& add_fifo(uint64_t addr);
  PeriphFifo* fifo_at(uint64_t addr);

  // Cycle source for log stamps (e.g. [&]{ return core.cycle(); }).
  std::function<uint64_t()> now;

  const std::vector<AccessLogEntry>& log() const { return log_; }
  void clear_log() { log_.clear(); }
  uint64_t reads() const { return nreads_; }
  uint64_t writes() const { return nwrites_; }
  // First access answered with an error (nullptr if none).
  const AccessLogEntry* first_error() const;
  // Writes whose strobed bytes fall outside every allowed range (guard check).
  std::vector<AccessLogEntry> writes_outside(const std::vector<AddrRange>& allowed) const;

  AxiAccessResult read(uint64_t addr, uint8_t* data, size_t len) override;
  AxiAccessResult write(uint64_t addr, const uint8_t* data, const uint8_t* strobe, size_t len) override;

 private:
  uint32_t write_extra_ = 0;
  AxiAccessResult timing(size_t len);
  uint8_t error_for(uint64_t addr, size_t len, bool is_write) const;

  PagedBytes bytes_;
  std::vector<ErrorRegion> errors_;
  std::vector<std::unique_ptr<PeriphFifo>> fifos_;
  uint64_t nth_read_ = 0, nth_write_ = 0;
  uint8_t nth_read_resp_ = AXI_SLVERR, nth_write_resp_ = AXI_SLVERR;
  uint64_t nreads_ = 0, nwrites_ = 0, seq_ = 0;
  uint32_t first_ = 1, per_ = 1;
  bool random_ = false;
  uint32_t fmin_ = 1, fmax_ = 1, pmin_ = 1, pmax_ = 1;
  std::mt19937 rng_{1};
  std::vector<AccessLogEntry> log_;
};

}  // namespace dmacosim::test
