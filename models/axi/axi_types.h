// Pin-level AXI plumbing shared by the SystemC platform and bare Verilated
// benches. Pure C++: no SystemC, so a bench can step the same RTL with the same
// bridge logic and a plain C++ memory (for speed comparisons and RTL tests).
#pragma once
#include <cstddef>
#include <cstdint>

namespace dmacosim {

enum : uint8_t { AXI_OKAY = 0, AXI_EXOKAY = 1, AXI_SLVERR = 2, AXI_DECERR = 3 };
enum : uint8_t { AXI_BURST_FIXED = 0, AXI_BURST_INCR = 1, AXI_BURST_WRAP = 2 };

const char* axi_resp_name(uint8_t resp);

struct AxiAccessResult {
  uint8_t resp = AXI_OKAY;
  uint32_t first_beat_cycles = 1;  // cycles from address handshake to first data beat / to write response
  uint32_t per_beat_cycles = 1;    // minimum spacing of following beats
};

// Memory behind an AXI4 slave port. An INCR burst is ONE call covering the
// burst's contiguous byte range [addr, addr+len); a FIXED burst is one call per
// beat. `strobe` holds one byte per data byte (0 = byte not written).
class AxiMemoryBackend {
public:
  virtual ~AxiMemoryBackend() = default;
  virtual AxiAccessResult read(uint64_t addr, uint8_t* data, size_t len) = 0;
  virtual AxiAccessResult write(uint64_t addr, const uint8_t* data, const uint8_t* strobe, size_t len) = 0;
};

// Random handshake stalls (seeded, reproducible); 1.0 = never stall.
struct AxiSlaveTiming {
  uint32_t seed = 1;
  double ar_ready = 1.0, aw_ready = 1.0, w_ready = 1.0, r_valid = 1.0, b_valid = 1.0;
  unsigned max_outstanding_reads = 64, max_outstanding_writes = 64;
};

// Pointers into a Verilated model's AXI4 manager ports (the RTL is the master).
// Types follow Verilator: <=8 bits uint8_t, <=32 bits uint32_t, <=64 bits uint64_t.
struct Axi4ManagerPins {
  uint8_t *awvalid, *awready, *awid, *awlen, *awsize, *awburst;
  uint32_t* awaddr;
  uint8_t *wvalid, *wready, *wstrb, *wlast;
  uint64_t* wdata;
  uint8_t *bvalid, *bready, *bid, *bresp;
  uint8_t *arvalid, *arready, *arid, *arlen, *arsize, *arburst;
  uint32_t* araddr;
  uint8_t *rvalid, *rready, *rid, *rresp, *rlast;
  uint64_t* rdata;
};

// Pointers into a Verilated model's AXI4-Lite subordinate ports (the RTL is the slave).
struct AxiLiteSubordinatePins {
  uint8_t *awvalid, *awready;
  uint16_t* awaddr;
  uint8_t *wvalid, *wready, *wstrb;
  uint32_t* wdata;
  uint8_t *bvalid, *bready, *bresp;
  uint8_t *arvalid, *arready;
  uint16_t* araddr;
  uint8_t *rvalid, *rready, *rresp;
  uint32_t* rdata;
};

// Bind by the port naming convention prefix + "awvalid" etc.
#define DMACOSIM_AXI4_MANAGER_PINS(m, p)                                                          \
  ::dmacosim::Axi4ManagerPins {                                                                   \
    &(m).p##awvalid, &(m).p##awready, &(m).p##awid, &(m).p##awlen, &(m).p##awsize,                \
        &(m).p##awburst, &(m).p##awaddr, &(m).p##wvalid, &(m).p##wready, &(m).p##wstrb,           \
        &(m).p##wlast, &(m).p##wdata, &(m).p##bvalid, &(m).p##bready, &(m).p##bid, &(m).p##bresp, \
        &(m).p##arvalid, &(m).p##arready, &(m).p##arid, &(m).p##arlen, &(m).p##arsize,            \
        &(m).p##arburst, &(m).p##araddr, &(m).p##rvalid, &(m).p##rready, &(m).p##rid,             \
        &(m).p##rresp, &(m).p##rlast, &(m).p##rdata                                               \
  }

#define DMACOSIM_AXIL_SUBORDINATE_PINS(m, p)                                                   \
  ::dmacosim::AxiLiteSubordinatePins {                                                         \
    &(m).p##awvalid, &(m).p##awready, &(m).p##awaddr, &(m).p##wvalid, &(m).p##wready,          \
        &(m).p##wstrb, &(m).p##wdata, &(m).p##bvalid, &(m).p##bready, &(m).p##bresp,           \
        &(m).p##arvalid, &(m).p##arready, &(m).p##araddr, &(m).p##rvalid, &(m).p##rready,      \
        &(m).p##rresp, &(m).p##rdata                                                           \
  }

}  // namespace dmacosim
