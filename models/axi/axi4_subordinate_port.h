// AXI4 subordinate at pin level: answers a Verilated AXI4 manager (the DMA's
// memory port) from an AxiMemoryBackend. Supports INCR and FIXED bursts, narrow
// and unaligned transfers (WSTRB honoured per lane), any number of outstanding
// transactions, in-order responses, error responses, and seeded random
// backpressure. Called twice per clock cycle by the stepper:
//   before_posedge(): latch which handshakes fire at this edge (VALID && READY)
//   after_posedge():  advance state for those handshakes, drive next outputs
#pragma once
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "axi_types.h"

namespace dmacosim {

class Axi4SubordinatePort {
public:
  Axi4SubordinatePort(const Axi4ManagerPins& pins, AxiMemoryBackend& backend, AxiSlaveTiming timing = {},
                      std::string name = "axi4");

  void reset();
  void before_posedge();
  void after_posedge(uint64_t cycle);

  // No transaction accepted and not yet answered, and no write data pending.
  bool idle() const { return reads_.empty() && writes_.empty() && wbeats_.empty(); }
  // Earliest cycle at which this port will change an output on its own (for idle skipping);
  // UINT64_MAX when nothing is scheduled.
  uint64_t next_self_event_cycle() const;

  void set_timing(const AxiSlaveTiming& t);
  const AxiSlaveTiming& timing() const { return timing_; }

  struct Stats {
    uint64_t read_bursts = 0, write_bursts = 0, read_beats = 0, write_beats = 0;
    uint64_t error_responses = 0, protocol_errors = 0;
    unsigned max_reads_outstanding = 0, max_writes_outstanding = 0;
  };
  const Stats& stats() const { return stats_; }

  static constexpr unsigned kDataBytes = 8;  // 64-bit data bus

private:
  struct Burst {
    uint8_t id = 0, len = 0, size = 0, burst = 0;
    uint64_t addr = 0;
    uint64_t accepted = 0;       // cycle of the address handshake
    uint64_t ready_cycle = 0;    // cycle at which the next beat (read) / the response (write) may go out
    uint32_t per_beat = 1;
    unsigned beats_done = 0;
    uint8_t resp = AXI_OKAY;
    std::vector<uint8_t> data;   // read: burst byte range from the backend
  };
  struct WBeat { uint64_t data; uint8_t strb; bool last; };
  struct AddrBeat { uint8_t id, len, size, burst; uint32_t addr; };

  uint64_t beat_address(const Burst& b, unsigned k) const;
  void accept_read(Burst b, uint64_t cycle);
  void complete_write(Burst& b, uint64_t cycle);
  void drive_outputs(uint64_t cycle);
  bool chance(double p);
  void protocol_error(const std::string& what);

  Axi4ManagerPins p_;
  AxiMemoryBackend& backend_;
  AxiSlaveTiming timing_;
  std::string name_;
  std::mt19937 rng_;

  std::deque<Burst> reads_;     // accepted, data not fully returned (in order)
  std::deque<Burst> writes_;    // AW accepted, data not complete or response not sent (in order)
  std::deque<WBeat> wbeats_;    // W beats not yet matched with a complete burst
  unsigned writes_with_data_ = 0;  // leading entries of writes_ whose data is complete
  AddrBeat ar_{}, aw_{};
  WBeat w_{};
  bool fire_ar_ = false, fire_aw_ = false, fire_w_ = false, fire_r_ = false, fire_b_ = false;
  bool r_presenting_ = false, b_presenting_ = false;
  Stats stats_;
};

}  // namespace dmacosim
