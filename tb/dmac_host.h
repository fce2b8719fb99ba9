// DmacHost: the clocked RTL inside the SystemC platform.
//
// One SC_THREAD steps DmacCore (Verilated model + pin bridges); no sc_clock, no
// sc_signal. Time rule: the RTL posedge of cycle k is at k * period and sees
// every input written at or before that time by a process woken then. The thread runs ahead of SystemC
// time while no other process is scheduled (sc_time_to_pending_activity), so a
// busy DMA costs no context switch per cycle; it synchronises only to publish
// an output (irq, dclr, dtc, end of a register access). When the RTL reports
// `quiescent` and no input changes, idle cycles are skipped instead of clocked:
// the state cannot change in them, so the result is cycle-exact either way.
#pragma once
#include <cmath>
#include <utility>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "dmac_regs.h"  // DMAC_WINDOW_BYTES
#include "models/burst_timing.h"
#include "models/log.h"
#include "models/reg_bank.h"
#include "models/wire.h"
#include "tb/dmac_core.h"

namespace dmacosim {

// AXI4 memory traffic of the RTL goes out as TLM-2.0 transactions.
class TlmAxiBackend : public AxiMemoryBackend {
public:
  TlmAxiBackend(tlm::tlm_initiator_socket<32>& socket, sc_core::sc_time period)
      : socket_(socket), period_(period) {}
  // Offset of the RTL's local time from sc_time_stamp(), annotated on every transaction.
  void set_local_offset(sc_core::sc_time t) { offset_ = t; }

  AxiAccessResult read(uint64_t addr, uint8_t* data, size_t len) override {
    return transport(tlm::TLM_READ_COMMAND, addr, data, nullptr, len);
  }
  AxiAccessResult write(uint64_t addr, const uint8_t* data, const uint8_t* strobe, size_t len) override {
    return transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<uint8_t*>(data), strobe, len);
  }

private:
  AxiAccessResult transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, const uint8_t* strobe, size_t len);

  tlm::tlm_initiator_socket<32>& socket_;
  sc_core::sc_time period_;
  sc_core::sc_time offset_ = sc_core::SC_ZERO_TIME;
  std::vector<uint8_t> byte_enable_;
};

template <class Model>
class DmacHost : public sc_core::sc_module {
public:
  static constexpr unsigned kReqLines = 16;
  static constexpr uint64_t kResetCycles = 4;

  tlm_utils::simple_target_socket<DmacHost> regs;           // AXI4-Lite register window (router-relative offsets)
  tlm_utils::simple_initiator_socket<DmacHost> mem;         // AXI4 master memory traffic

  Wire irq{"dmac.irq"};
  std::vector<std::unique_ptr<Wire>> dclr, dtc;
  // Peripheral request inputs of line n (PL080 burst/single): dreq_burst_in[n]->bind(wire).
  std::vector<std::unique_ptr<WireIn>> dreq_burst_in, dreq_single_in;

  SC_HAS_PROCESS(DmacHost);
  DmacHost(sc_core::sc_module_name name, sc_core::sc_time period = sc_core::sc_time(10, sc_core::SC_NS))
      : sc_module(name),
        regs("regs"),
        mem("mem"),
        period_(period),
        model_(std::make_unique<Model>()),
        backend_(mem, period),
        core_(*model_, backend_),
        window_(this->name(), DMAC_WINDOW_BYTES) {
    regs.register_b_transport(this, &DmacHost::reg_b_transport);
    for (unsigned i = 0; i < kReqLines; ++i) {
      dclr.push_back(std::make_unique<Wire>(std::string(basename()) + ".dclr" + std::to_string(i)));
      dtc.push_back(std::make_unique<Wire>(std::string(basename()) + ".dtc" + std::to_string(i)));
      for (const bool burst : {true, false}) {
        auto change = [this, i, burst](bool v) {
          set_req_bit(i, burst, v);
          input_changed_.notify();
        };
        auto bound = [this, i, burst](bool v) { set_req_bit(i, burst, v); };
        (burst ? dreq_burst_in : dreq_single_in)
            .push_back(std::make_unique<WireIn>(std::string(basename()) + (burst ? ".dreq_burst" : ".dreq_single") +
                                                    std::to_string(i),
                                                change, bound));
      }
    }
    SC_THREAD(run);
  }

  void set_idle_skipping(bool on) { idle_skipping_ = on; }
  bool idle_skipping() const { return idle_skipping_; }
  // Maximum cycles to run ahead of SystemC time when nothing else is scheduled.
  void set_quantum_cycles(uint64_t n) { quantum_cycles_ = n ? n : 1; }
  // Called after every model evaluation (tracing hook): (model, time in ps).
  std::function<void(Model&, uint64_t)> on_eval;

  Model& model() { return *model_; }
  DmacCore<Model>& core() { return core_; }
  uint64_t cycles() const { return core_.cycle(); }
  uint64_t cycles_evaluated() const { return evaluated_; }
  uint64_t cycles_skipped() const { return skipped_; }
  sc_core::sc_time cycle_time(uint64_t k) const { return period_ * double(k); }

private:
  struct RegRequest {
    bool write;
    uint32_t offset;
    uint32_t data;
    uint8_t strb;
    sc_core::sc_time posted;
    uint8_t resp = AXI_OKAY;
    uint32_t rdata = 0;
    bool done = false;
    sc_core::sc_event done_event;
  };

  // Request lines keep the value from before the last change time, so the
  // cycle at that very time still sees the old value (time rule above).
  void set_req_bit(unsigned line, bool burst, bool v) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (now != req_changed_at_) {
      prev_burst_ = req_burst_;
      prev_single_ = req_single_;
      req_changed_at_ = now;
    }
    uint32_t& m = burst ? req_burst_ : req_single_;
    m = v ? (m | (1u << line)) : (m & ~(1u << line));
  }
  // Request lines as the cycle at time `t` must see them.
  std::pair<uint32_t, uint32_t> effective_requests(const sc_core::sc_time& t) const {
    const bool after = t > req_changed_at_;
    return {after ? req_burst_ : prev_burst_, after ? req_single_ : prev_single_};
  }
  // A request change not yet on the pins: the RTL is not idle even if quiescent.
  bool inputs_pending(const sc_core::sc_time& t) const {
    return effective_requests(t) != std::make_pair(applied_burst_, applied_single_);
  }
  // Put the request lines for the cycle at time `t` on the pins before its edge.
  void apply_requests(const sc_core::sc_time& t) {
    const auto [burst, single] = effective_requests(t);
    if (burst == applied_burst_ && single == applied_single_) return;
    for (unsigned i = 0; i < kReqLines; ++i) core_.set_dreq(i, burst >> i & 1, single >> i & 1);
    core_.apply_inputs_now();
    applied_burst_ = burst;
    applied_single_ = single;
  }
  bool idle() const {
    return idle_skipping_ && core_.can_skip() && !active_ && requests_.empty() &&
           !inputs_pending(cycle_time(core_.cycle() + 1));
  }

  void reg_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  void run();
  void step_one();
  bool outputs_changed() const;
  void publish_outputs();
  // After a timed wake-up at t, let the processes woken at t run first (one
  // delta), so the cycle at t sees every input written at t.
  void wait_then_yield(const sc_core::sc_time& d) {
    wait(d);
    wait(sc_core::SC_ZERO_TIME);
  }

  sc_core::sc_time period_;
  std::unique_ptr<Model> model_;
  TlmAxiBackend backend_;
  DmacCore<Model> core_;
  RegWindow window_;  // the bus rules of the register window (models/reg_bank.h)
  sc_core::sc_process_handle thread_;
  sc_core::sc_event input_changed_, request_posted_;
  std::deque<RegRequest*> requests_;
  RegRequest* active_ = nullptr;
  uint64_t active_started_ = 0;
  uint64_t completed_seen_ = 0;
  uint32_t req_burst_ = 0, req_single_ = 0, prev_burst_ = 0, prev_single_ = 0;
  uint32_t applied_burst_ = 0, applied_single_ = 0;
  sc_core::sc_time req_changed_at_ = sc_core::SC_ZERO_TIME;
  bool pub_irq_ = false;
  uint32_t pub_dclr_ = 0, pub_dtc_ = 0;
  bool idle_skipping_ = true;
  uint64_t quantum_cycles_ = 1000;
  uint64_t evaluated_ = 0, skipped_ = 0;
};

}  // namespace dmacosim

#include "tb/dmac_host_impl.h"
