// Test fixture for the Verilated dmac_top: memory + stepper + golden model.
// Typical use:
//   DmacBench b({.seed = 7});
//   b.fill_random(src, len, 1);  b.write_desc(d0, {...});
//   b.start(ch, d0);               // snapshots memory for the golden model on first start
//   ASSERT_TRUE(b.run_until_idle());
//   b.check();                     // golden compare: memory, FIFOs, STATUS, IRQ, TC_COUNT, guard writes
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dmac_model.h"
#include "dmac_golden_model.h"
#include "sparse_memory.h"
#include "tb/dmac_core.h"

namespace dmacosim::test {

struct BenchOptions {
  uint32_t seed = 1;
  bool random_latency = false;     // memory latency random per access (seeded)
  uint32_t first_lat = 1, per_lat = 1;
  uint32_t first_max = 20, per_max = 3;  // ranges used when random_latency
  double ready_prob = 1.0;         // AXI handshake probability per cycle (backpressure when < 1)
  uint8_t fill = 0xAA;             // guard fill of untouched memory
};

// A peripheral on one request line (PL080 style). MEM2PER: data written to
// `fifo_addr` enters a FIFO of `capacity` bytes drained at `drain_per_cycle`;
// the model raises dreq_burst while there is room for a whole burst. PER2MEM:
// it raises dreq_burst while it has data. It drops the request when it sees
// dclr, and raises the next one only after dclr has gone low.
struct PeripheralModel {
  unsigned line = 0;
  bool to_periph = true;       // MEM2PER (true) or PER2MEM (false)
  uint32_t burst_bytes = 8;    // bytes one burst request moves (for the room check)
  uint32_t capacity = 64;      // FIFO bytes (MEM2PER)
  double drain_per_cycle = 1;  // bytes drained per cycle (MEM2PER)
  uint64_t requests_left = UINT64_MAX;
  bool use_single = false;     // raise dreq_single instead of dreq_burst
  unsigned clr_drop_delay = 0; // cycles the request stays high after dclr is seen (slow peripheral)
  // observations
  uint64_t requests = 0, dtc_pulses = 0, dclr_cycles = 0, protocol_violations = 0;
  // state
  enum State { IDLE, REQ, WAIT_CLR_LOW } state = IDLE;
  unsigned clr_seen = 0;       // cycles dclr has been seen in REQ
  double drained = 0;
  PeriphFifo* fifo = nullptr;
  void tick(DmacCore<Vdmac_top>& core);
};

// Pin-level AXI4 master rules checked every cycle (the memory port checks
// bursts, 4 KiB, WLAST and WSTRB lanes): VALID held until READY with a stable
// payload on AR/AW/W, IDs < NUM_CH, burst type FIXED/INCR, AxLEN < MAX_BURST.
struct AxiPinMonitor {
  struct Ax { bool valid = false, ready = false; uint32_t addr = 0; uint8_t id = 0, len = 0, size = 0, burst = 0; };
  struct W { bool valid = false, ready = false; uint64_t data = 0; uint8_t strb = 0, last = 0; };
  Ax ar, aw;
  W w;
  bool first = true;
  uint64_t violations = 0;
  std::vector<std::string> messages;  // first few
  void sample(Vdmac_top& m, uint64_t cycle, unsigned num_ch, unsigned max_burst);
  void flag(uint64_t cycle, const std::string& what);
};

class DmacBench {
 public:
  static constexpr unsigned kNumCh = 8;
  explicit DmacBench(const BenchOptions& o = {});
  ~DmacBench();

  Vdmac_top& dut() { return *dut_; }
  DmacCore<Vdmac_top>& core() { return *core_; }
  SparseMemory& mem() { return mem_; }
  GoldenModel& golden() { return golden_; }
  const BenchOptions& options() const { return opt_; }
  const AxiPinMonitor& pin_monitor() const { return pins_; }
  std::string seed_info() const;

  // Memory setup (before start()).
  void fill_random(uint64_t addr, size_t n, uint32_t seed);
  void write_desc(uint64_t addr, const Descriptor& d) { d.store(mem_.bytes(), addr); }
  void add_error_region(const ErrorRegion& r) {
    mem_.add_error_region(r);
    golden_.add_error_region(r);
  }
  // Peripheral data register at `addr`; PER2MEM supply goes to both memory and golden.
  void add_fifo(uint64_t addr, const std::vector<uint8_t>& supply = {});
  PeripheralModel& add_peripheral(const PeripheralModel& p);

  // Registers.
  uint32_t rd(uint32_t off, uint8_t* resp = nullptr) { return core_->read_reg(off, resp); }
  uint8_t wr(uint32_t off, uint32_t v, uint8_t strb = 0xF) { return core_->write_reg(off, v, strb); }
  uint32_t chrd(unsigned ch, uint32_t off) { return rd(spec::ch_reg(ch, off)); }
  uint8_t chwr(unsigned ch, uint32_t off, uint32_t v) { return wr(spec::ch_reg(ch, off), v); }

  // Snapshot the memory for the golden model (done automatically by the first start()).
  void snapshot();
  // Enable all IRQ bits, set CTRL (WB_EN/PRIO) and ring the doorbell.
  void start(unsigned ch, uint32_t head, bool wb_en = false, uint64_t max_completions = 0, bool prio = false);

  void step(uint64_t n = 1) {
    for (uint64_t i = 0; i < n; ++i) core_->step();
  }
  // Runs until every started channel is not ACTIVE (IDLE, PAUSED or ERROR) or
  // `max_cycles` pass; on timeout records a test failure with the state of every channel.
  bool run_until_idle(uint64_t max_cycles = 2'000'000);
  // Runs until `pred` is true (checked every cycle) or max_cycles; failure dumps state.
  template <class Pred>
  bool run_until(Pred pred, uint64_t max_cycles, const char* what) {
    for (uint64_t i = 0; i < max_cycles; ++i) {
      if (pred()) return true;
      core_->step();
    }
    if (pred()) return true;
    fail_dump(std::string("timeout waiting for ") + what);
    return false;
  }
  std::string dump_channels();
  void fail_dump(const std::string& why);

  // Golden compare of everything (memory incl. guard bytes, FIFOs, per-channel
  // STATUS / ERR_ADDR / IRQ_RAW / TC_COUNT, writes outside the expected ranges,
  // AXI protocol errors). `extra_allowed` adds ranges that may be written.
  void check(const std::vector<AddrRange>& extra_allowed = {});
  // Runs the golden model on the snapshot: `out` = expected memory image.
  void run_golden(PagedBytes& out) {
    out = initial_;
    golden_.run(out, runs_);
  }
  // Start a new phase on the same bench: W1C every IRQ bit of the started
  // channels, forget the runs, clear the access log, re-snapshot at next start().
  void rearm();
  bool started(unsigned ch) const { return runs_[ch].started; }
  const PagedBytes& initial() const { return initial_; }

 private:
  BenchOptions opt_;
  AxiPinMonitor pins_;
  SparseMemory mem_;
  DmacModelPtr dut_;  // dmac_model.h
  std::unique_ptr<DmacCore<Vdmac_top>> core_;
  GoldenModel golden_;
  PagedBytes initial_;
  bool snap_ = false;
  std::vector<ChannelRun> runs_;
  std::vector<std::unique_ptr<PeripheralModel>> periphs_;
  std::vector<uint64_t> fifo_addrs_;
};

// Length k of the written prefix of [dst, dst+len) of a copy from `src`:
// bytes [0,k) equal the source as it was at the snapshot and not the fill,
// [k,len) still hold the fill. -1 if the written bytes are not a prefix.
long written_prefix(DmacBench& b, uint64_t src, uint64_t dst, uint32_t len);

}  // namespace dmacosim::test
