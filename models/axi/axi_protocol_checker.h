// Passive AXI4 / AXI4-Lite protocol checkers on a Verilated model's pins.
//
// Independent of the bridges that drive the pins (axi4_subordinate_port,
// axilite_manager_port): they only read the pins, once per clock cycle at the
// handshake sampling point (inputs settled, just before the rising edge), and
// check both directions — the manager's outputs and the subordinate's.
//
// Every violation becomes a structured record {rule, cycle, message}, is logged
// through log_error() and counted per rule. Policy: record (default) or throw
// AxiProtocolViolation from sample(). Unless disabled per checker
// (set_global_tally(false), for self-tests that inject violations on purpose),
// violations also go to a process-wide tally that the shared test main
// (tests/common/sc_gtest_main.cpp) turns into a failure of the running test.
//
// Rule ids ("<channel>.<what>", channel AW W B AR R, or reset./hang.):
//   X.valid_dropped     VALID fell before READY            (all channels)
//   X.payload_changed   payload changed while VALID && !READY (all channels)
//   AW/AR.size          AxSIZE wider than the data bus
//   AW/AR.burst         AxBURST reserved (3)
//   AW/AR.wrap          WRAP length not 2/4/8/16 beats or start not size-aligned
//   AW/AR.fixed_len     FIXED burst longer than 16 beats
//   AW/AR.4k            INCR burst crosses a 4 KiB boundary
//   W.wlast_early       WLAST before the burst's last beat
//   W.wlast_missing     no WLAST on the burst's last beat
//   W.wstrb             WSTRB set on a byte lane outside the beat's bytes
//   R.no_request        R beat with an ID that has no outstanding AR
//   R.order             R beats of one ID not in AR order
//   R.rlast_early / R.rlast_missing   RLAST not exactly on the burst's last beat
//   B.no_request        B with an ID that has no outstanding AW (or, AXI-Lite, no AW)
//   B.before_data       B before the last write data beat of its burst (AXI-Lite: before W)
//   R.resp / B.resp     EXOKAY without an exclusive access (none exists on these pins)
//   reset.valid         a VALID high during reset (after the first edge in reset)
//                       or in the first cycle after reset release
//   hang.handshake      VALID waiting for READY longer than the hang timeout
//   hang.read           reads outstanding and no R beat for longer than the timeout
//   hang.write          writes with complete data and no B for longer than the timeout
//   hang.write_data     an accepted AW waiting for (more) W beats longer than the timeout
//   hang.write_addr     W beats waiting for their AW longer than the timeout
//   (AXI4: port-level "no progress while busy"; AXI-Lite: per oldest request)
#pragma once
#include <cstdint>
#include <array>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "axi_types.h"
#include "ring.h"

namespace dmacosim {

struct AxiViolation {
  std::string rule;   // e.g. "W.wlast_early"
  uint64_t cycle;     // cycle of the sample (the edge it precedes)
  std::string message;
};

class AxiProtocolViolation : public std::runtime_error {
public:
  explicit AxiProtocolViolation(const AxiViolation& v, const std::string& checker)
      : std::runtime_error(checker + ": [" + v.rule + "] cycle " + std::to_string(v.cycle) + ": " + v.message),
        violation(v) {}
  AxiViolation violation;
};

enum class AxiCheckerPolicy { Record, Throw };

// Process-wide tally of violations from checkers with global tally on (the
// default). Header-only so the test main can read it without linking models.
struct AxiCheckerTally {
  uint64_t violations = 0;
  std::vector<std::string> first;  // formatted, first kKeep since the last reset
  static constexpr size_t kKeep = 16;
  void add(const std::string& s) {
    ++violations;
    if (first.size() < kKeep) first.push_back(s);
  }
};
inline AxiCheckerTally& axi_checker_tally() {
  static AxiCheckerTally t;
  return t;
}

// One handshake channel's stability state: payload packed into words.
struct AxiChannelWatch {
  const char* name = "";
  bool pending = false;        // last sample: VALID && !READY
  uint64_t pending_since = 0;  // cycle VALID rose (this episode)
  bool hang_reported = false;
  std::array<uint64_t, 5> payload{};
};
using AxiPayload = std::array<uint64_t, 5>;

class AxiCheckerBase {
public:
  static constexpr uint64_t kDefaultHangCycles = 10000;

  explicit AxiCheckerBase(std::string name) : name_(std::move(name)) {}
  virtual ~AxiCheckerBase() = default;

  const std::string& name() const { return name_; }
  // Records kept (the first kMaxRecords); counts are exact.
  const std::vector<AxiViolation>& violations() const { return records_; }
  uint64_t violation_count() const { return total_; }
  uint64_t count(const std::string& rule) const {
    auto it = counts_.find(rule);
    return it == counts_.end() ? 0 : it->second;
  }
  const std::map<std::string, uint64_t>& counts() const { return counts_; }
  void clear_violations() {
    records_.clear();
    counts_.clear();
    total_ = 0;
  }
  // One line per kept record, for a failure message.
  std::string report() const;

  void set_policy(AxiCheckerPolicy p) { policy_ = p; }
  AxiCheckerPolicy policy() const { return policy_; }
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }
  void set_hang_timeout(uint64_t cycles) { hang_cycles_ = cycles; }  // 0 = no hang check
  uint64_t hang_timeout() const { return hang_cycles_; }
  void set_global_tally(bool on) { global_tally_ = on; }
  void set_log(bool on) { log_ = on; }
  // Tolerate the manager's AW/W/AR VALID in the first cycle after reset release
  // (AXI4 A3.1.2 wants an edge with reset high first). DmacCore's register
  // bench starts an access right after release(), so its AXI4-Lite checker sets
  // this; the subordinate's VALIDs are still checked there.
  void set_manager_valid_at_release_ok(bool ok) { manager_release_ok_ = ok; }

  static constexpr size_t kMaxRecords = 1000;

protected:
  void flag(const std::string& rule, uint64_t cycle, const std::string& message);
  // Stability rule for one channel (AXI4 A3.2.1): after a sample with VALID &&
  // !READY, the next sample must have VALID high and the same payload.
  void watch(AxiChannelWatch& c, bool valid, bool ready, const AxiPayload& payload, uint64_t cycle);
  // watch() for a channel neither stalled at the last sample nor now finds
  // nothing and leaves it idle: only then is the payload read from the pins
  // (a stall or a VALID dropped after one), so a flowing channel costs a test.
  template <class Payload>
  void watch_if_stalled(AxiChannelWatch& c, bool valid, bool ready, Payload payload, uint64_t cycle) {
    if (c.pending || (valid && !ready)) watch(c, valid, ready, payload(), cycle);
  }
  void handshake_hang(AxiChannelWatch* const* chans, size_t n, uint64_t cycle);
  // Check a "no progress while busy" condition; `what` is built only when reporting.
  template <class What>
  void progress_hang(bool busy, uint64_t& since, bool& reported, uint64_t cycle, const char* rule, What what) {
    if (!busy) {
      since = cycle;
      reported = false;
    } else if (!reported && hang_cycles_ && cycle - since > hang_cycles_) {
      reported = true;
      flag(rule, cycle, no_progress_text(cycle, since) + what());
    }
  }
  static std::string no_progress_text(uint64_t cycle, uint64_t since);

  // The five channels' stability state (AXI4 and AXI4-Lite alike).
  AxiChannelWatch aw_{"AW"}, w_{"W"}, b_{"B"}, ar_{"AR"}, r_{"R"};
  // A VALID waiting for READY at the last sample: only then can a handshake hang.
  bool any_pending() const { return aw_.pending || w_.pending || b_.pending || ar_.pending || r_.pending; }

  std::string name_;
  std::vector<AxiViolation> records_;
  std::map<std::string, uint64_t> counts_;
  uint64_t total_ = 0;
  AxiCheckerPolicy policy_ = AxiCheckerPolicy::Record;
  bool enabled_ = true, global_tally_ = true, log_ = true, manager_release_ok_ = false;
  uint64_t hang_cycles_ = kDefaultHangCycles;
};


// AXI4 full: the DMA's memory port (the RTL is the manager).
class Axi4Checker : public AxiCheckerBase {
public:
  Axi4Checker(const Axi4ManagerPins& pins, std::string name = "axi4.checker", unsigned data_bytes = 8);

  // Once per cycle, inputs settled, before the rising edge. `cycle` is the
  // number of that edge (DmacCore: cycle() + 1).
  void sample(uint64_t cycle, bool in_reset);
  // Forget all in-flight state (a reset or a bench restarting the port).
  void reset_state();

  size_t outstanding_reads() const { return reads_.size(); }
  size_t outstanding_writes() const { return writes_.size(); }

private:
  struct Txn {
    uint8_t id, len, size, burst;
    uint32_t addr;
    uint64_t accepted, progress;  // cycles: address handshake, last beat
    unsigned beats = 0;
    bool answered = false;  // B came before the data completed (flagged)
  };
  struct WBeat { uint8_t strb, last; uint64_t cycle; };

  void check_addr(const char* ch, const Txn& t, uint64_t cycle);
  uint64_t beat_addr(const Txn& t, unsigned k) const;
  void w_beat(const WBeat& w, uint64_t cycle);
  void check_r(uint64_t cycle);
  void check_b(uint64_t cycle);
  void consume_r(uint64_t cycle, bool checked);  // checked: check_r ran this sample
  void consume_b(uint64_t cycle);
  void hang_checks(uint64_t cycle);
  // Position of the oldest read with this ID / the oldest write with this ID
  // not yet answered (the size when none; in order: the front, tried first).
  size_t oldest_read(uint8_t id) const;
  size_t oldest_unanswered_write(uint8_t id) const;

  Axi4ManagerPins p_;
  unsigned data_bytes_;
  Ring<Txn> reads_;    // AR order
  Ring<Txn> writes_;   // AW order; data completes in this order
  size_t wdata_idx_ = 0;  // first write whose data is not complete
  Ring<WBeat> wlead_;  // W beats ahead of their AW
  bool was_in_reset_ = false, first_sample_ = true;
  bool r_bad_ = false, b_bad_ = false;  // current R/B presentation matched no request
  // Position in reads_ of the read the R beat checked this sample belongs to
  // (check_r finds it, consume_r takes the beat there without a second search).
  size_t r_idx_ = 0;
  bool r_idx_valid_ = false;
  // Port-level progress for the hang check: cycle of the last progress while busy.
  uint64_t rd_since_ = 0, wr_since_ = 0, wd_since_ = 0, wa_since_ = 0;
  bool rd_hang_ = false, wr_hang_ = false, wd_hang_ = false, wa_hang_ = false;
};

// AXI4-Lite: the DMA's register port (the RTL is the subordinate).
class AxiLiteChecker : public AxiCheckerBase {
public:
  explicit AxiLiteChecker(const AxiLiteSubordinatePins& pins, std::string name = "axil.checker");

  // Once per cycle, like Axi4Checker::sample. A register port is idle nearly
  // every cycle of a DMA run: with nothing presented, stalled, unanswered or
  // left to clear (quiet_), a sample would change nothing and returns here.
  void sample(uint64_t cycle, bool in_reset) {
    if (quiet_ && !in_reset && !(*p_.awvalid || *p_.wvalid || *p_.bvalid || *p_.arvalid || *p_.rvalid)) return;
    sample_full(cycle, in_reset);
    quiet_ = !was_in_reset_ && !first_sample_ && !any_pending() && ar_cyc_.empty() && aw_cyc_.empty() &&
             w_cyc_.empty() && !rd_hang_ && !wr_hang_ && !wd_hang_;
  }
  void reset_state();

private:
  void sample_full(uint64_t cycle, bool in_reset);

  AxiLiteSubordinatePins p_;
  bool quiet_ = false;
  uint64_t aw_n_ = 0, w_n_ = 0, b_n_ = 0, ar_n_ = 0, r_n_ = 0, w_skip_ = 0;
  Ring<uint64_t> aw_cyc_, w_cyc_, ar_cyc_;  // handshake cycles of unanswered requests
  bool wr_hang_ = false, rd_hang_ = false, wd_hang_ = false;
  bool was_in_reset_ = false, first_sample_ = true;
  bool r_bad_ = false, b_bad_ = false;
};

}  // namespace dmacosim
