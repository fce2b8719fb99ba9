// AXI4 subordinate at pin level: answers a Verilated AXI4 manager (the DMA's
// memory port) from an AxiMemoryBackend. Supports INCR and FIXED bursts, narrow
// and unaligned transfers (WSTRB honoured per lane), any number of outstanding
// transactions, error responses, and seeded random backpressure. Responses are
// in order by default; set_reordering() makes the port answer like an
// interconnect in front of several subordinates: R bursts of different IDs out
// of order with their beats interleaved, B responses of different IDs out of
// order (same-ID order always kept, as AXI4 requires). Called twice per clock
// cycle by the stepper:
//   before_posedge(): latch which handshakes fire at this edge (VALID && READY)
//   after_posedge():  advance state for those handshakes, drive next outputs
// Both run every cycle of a busy DMA, so the queues are rings whose slots keep
// their buffers (no allocation per burst or beat), and a cycle without a
// handshake, a random draw or a response falling due returns at once.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "axi_types.h"
#include "ring.h"

namespace dmacosim {

// Opt-in out-of-order answering (seeded, reproducible; its own random stream,
// so the backpressure stream of AxiSlaveTiming is the same with or without it).
struct AxiResponseReordering {
  bool enabled = false;
  uint32_t seed = 1;
  // Before each R beat: chance to choose again among all ready bursts instead
  // of continuing the current one (0 = whole bursts, only their order changes).
  double switch_prob = 0.5;
  // Extra cycles, uniform in [0, max], before a burst's first R beat / its B:
  // makes later transactions overtake earlier ones of other IDs.
  uint32_t max_extra_latency = 16;
};

class Axi4SubordinatePort {
public:
  Axi4SubordinatePort(const Axi4ManagerPins& pins, AxiMemoryBackend& backend, AxiSlaveTiming timing = {},
                      std::string name = "axi4");

  void reset();
  void before_posedge() {
    fire_ar_ = *p_.arvalid && *p_.arready;
    fire_aw_ = *p_.awvalid && *p_.awready;
    fire_w_ = *p_.wvalid && *p_.wready;
    fire_r_ = *p_.rvalid && *p_.rready;
    fire_b_ = *p_.bvalid && *p_.bready;
    // Payloads are sampled with the handshake: after the edge the manager has moved on.
    if (fire_ar_) ar_ = {*p_.arid, *p_.arlen, *p_.arsize, *p_.arburst, *p_.araddr};
    if (fire_aw_) aw_ = {*p_.awid, *p_.awlen, *p_.awsize, *p_.awburst, *p_.awaddr};
    if (fire_w_) w_ = {*p_.wdata, *p_.wstrb, *p_.wlast != 0};
  }
  void after_posedge(uint64_t cycle) {
    if (fire_ar_ || fire_aw_ || fire_w_ || fire_r_ || fire_b_ || !steady_ || response_due(cycle)) advance(cycle);
  }

  // No transaction accepted and not yet answered, and no write data pending.
  bool idle() const { return reads_.empty() && writes_.empty() && wbeats_.empty(); }
  // Earliest cycle at which this port will change an output on its own (for idle skipping);
  // UINT64_MAX when nothing is scheduled.
  uint64_t next_self_event_cycle() const;

  void set_timing(const AxiSlaveTiming& t);
  const AxiSlaveTiming& timing() const { return timing_; }
  // Takes effect for the next response chosen; safe to call with transactions in flight.
  void set_reordering(const AxiResponseReordering& r);
  const AxiResponseReordering& reordering() const { return reorder_; }

  struct Stats {
    uint64_t read_bursts = 0, write_bursts = 0, read_beats = 0, write_beats = 0;
    uint64_t error_responses = 0, protocol_errors = 0;
    unsigned max_reads_outstanding = 0, max_writes_outstanding = 0;
    // What the reordering mode produced (always 0 in order):
    uint64_t interleaved_read_beats = 0;   // R beat of another ID right after a beat that was not RLAST
    uint64_t reordered_read_bursts = 0;    // R burst completed while an older read (other ID) was unfinished
    uint64_t reordered_write_responses = 0;  // B sent while an older write (other ID) still awaited its B
  };
  const Stats& stats() const { return stats_; }

  static constexpr unsigned kDataBytes = 8;  // 64-bit data bus

private:
  struct Burst {
    uint64_t seq = 0;            // acceptance order (per direction), identifies the burst
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
  // A new slot at the back of `q` holding the address beat `a` (the slot's data buffer is kept).
  static Burst& push_burst(Ring<Burst>& q, const AddrBeat& a, uint64_t seq, uint64_t cycle);
  void accept_read(Burst& b, uint64_t cycle);
  void complete_write(Burst& b, uint64_t cycle);
  // The whole cycle's work: handshakes taken, new outputs driven.
  void advance(uint64_t cycle);
  void drive_outputs(uint64_t cycle);
  // In order and without random draws (steady_): an R beat or a B could start
  // presenting at this cycle's outputs, so drive_outputs has work.
  bool response_due(uint64_t cycle) const {
    return (!r_presenting_ && !reads_.empty() && cycle + 1 >= reads_.front().ready_cycle) ||
           (!b_presenting_ && writes_with_data_ > 0 && cycle + 1 >= writes_.front().ready_cycle);
  }
  // The burst whose next R beat / the write whose B goes out next (nullptr: none ready).
  Burst* choose_read(uint64_t cycle);
  Burst* choose_write_response(uint64_t cycle);
  // Position of the burst numbered `seq` (in order: the front, checked first).
  static size_t find_seq(const Ring<Burst>& q, uint64_t seq);
  static uint64_t get_word(const uint8_t* bytes);
  static void put_word(uint8_t* bytes, uint64_t word);
  uint32_t extra_latency();
  bool chance(double p) { return p >= 1.0 || std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p; }
  void update_steady();
  void protocol_error(const std::string& what);

  Axi4ManagerPins p_;
  AxiMemoryBackend& backend_;
  AxiSlaveTiming timing_;
  std::string name_;
  std::mt19937 rng_;
  AxiResponseReordering reorder_;
  std::mt19937 reorder_rng_;

  Ring<Burst> reads_;     // accepted, data not fully returned (acceptance order)
  Ring<Burst> writes_;    // AW accepted, data not complete or response not sent (AW order)
  Ring<WBeat> wbeats_;    // W beats not yet matched with a complete burst
  unsigned writes_with_data_ = 0;  // leading entries of writes_ whose data is complete
  unsigned wlasts_ = 0;           // beats in wbeats_ with WLAST (none: no burst can end early)
  std::vector<uint8_t> wdata_buf_, wstrb_buf_;  // complete_write's burst image, reused
  std::vector<Burst*> ready_buf_;               // choose_*'s candidates when reordering, reused
  // No random draw can happen in a cycle (every probability 1, responses in
  // order) and the outputs were driven since the last reset: a cycle without a
  // handshake or a due response leaves every output as it is.
  bool steady_ = false;
  AddrBeat ar_{}, aw_{};
  WBeat w_{};
  bool fire_ar_ = false, fire_aw_ = false, fire_w_ = false, fire_r_ = false, fire_b_ = false;
  bool r_presenting_ = false, b_presenting_ = false;
  uint64_t r_seq_ = 0, b_seq_ = 0;          // burst presented on R / write answered on B
  uint64_t next_read_seq_ = 0, next_write_seq_ = 0;
  bool r_in_burst_ = false;                 // last R beat sent was not RLAST
  uint8_t r_last_id_ = 0;                   // ID of the last R beat sent
  Stats stats_;
};

}  // namespace dmacosim
