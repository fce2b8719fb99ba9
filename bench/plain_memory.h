// Plain flat memory for the benchmarks (no dependency on tests/): one byte
// vector behind AxiMemoryBackend with the anchors' idealised latency model:
// first R beat 1 + L cycles after AR, R beats back to back, B 1 + L cycles
// after WLAST (AxiAccessResult{OKAY, 1 + L, 1}). Out-of-range accesses answer
// DECERR and are counted (a benchmark with errors is reported as failed).
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "models/axi/axi_types.h"

namespace dmacosim::bench {

class PlainMemory : public AxiMemoryBackend {
public:
  explicit PlainMemory(size_t size) : bytes_(size, 0) {}

  // L = extra latency in cycles (0 = first beat one cycle after the address).
  void set_latency(uint32_t L, uint32_t per_beat = 1) {
    first_ = 1 + L;
    per_ = per_beat;
  }
  // Raw first-beat cycles (the platform RAM's 40 ns at 10 ns = 4).
  void set_first_beat_cycles(uint32_t first, uint32_t per_beat = 1) {
    first_ = first;
    per_ = per_beat;
  }

  uint8_t* at(uint64_t addr) { return bytes_.data() + addr; }
  size_t size() const { return bytes_.size(); }
  uint64_t errors() const { return errors_; }
  uint64_t reads() const { return reads_; }
  uint64_t writes() const { return writes_; }

  AxiAccessResult read(uint64_t addr, uint8_t* data, size_t len) override {
    ++reads_;
    if (addr + len > bytes_.size()) {
      ++errors_;
      return {AXI_DECERR, first_, per_};
    }
    std::memcpy(data, bytes_.data() + addr, len);
    return {AXI_OKAY, first_, per_};
  }
  AxiAccessResult write(uint64_t addr, const uint8_t* data, const uint8_t* strobe, size_t len) override {
    ++writes_;
    if (addr + len > bytes_.size()) {
      ++errors_;
      return {AXI_DECERR, first_, per_};
    }
    uint8_t* p = bytes_.data() + addr;
    if (!strobe) {
      std::memcpy(p, data, len);
      return {AXI_OKAY, first_, per_};
    }
    // Runs of set strobes are copied whole (a copy's burst is one run).
    for (size_t i = 0; i < len;) {
      const void* zero = std::memchr(strobe + i, 0, len - i);
      const size_t end = zero ? size_t(static_cast<const uint8_t*>(zero) - strobe) : len;
      std::memcpy(p + i, data + i, end - i);
      i = end;
      while (i < len && !strobe[i]) ++i;
    }
    return {AXI_OKAY, first_, per_};
  }

private:
  std::vector<uint8_t> bytes_;
  uint32_t first_ = 1, per_ = 1;
  uint64_t errors_ = 0, reads_ = 0, writes_ = 0;
};

// Little-endian 32-byte descriptor store (layout from dmac_regs.h).
inline void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}

}  // namespace dmacosim::bench
