// DmacCore: steps a Verilated dmac_top (or any model with its ports) one clock
// cycle at a time together with its pin-level bridges. Pure C++ — the SystemC
// platform wraps it in one thread (tb/dmac_host.h) and bare benches/tests use it
// directly with a plain C++ memory, so both run the exact same cycle sequence:
//
//   [inputs settled]  protocol checkers sample, ports latch handshakes ->
//   posedge eval -> ports advance, peripherals react (on_cycle) -> new inputs
//   written -> negedge eval
//
// The AXI4 and AXI4-Lite protocol checkers (models/axi/axi_protocol_checker.h)
// are on unless the owner turns them off before the first cycle (a speed
// measurement of RTL + ports + memory alone); tests fail on any violation
// through the shared test main.
#pragma once
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "models/axi/axi4_subordinate_port.h"
#include "models/axi/axi_protocol_checker.h"
#include "models/axi/axilite_manager_port.h"

namespace dmacosim {

template <class Model>
class DmacCore {
public:
  static constexpr unsigned kMaxReq = 32;

  DmacCore(Model& model, AxiMemoryBackend& memory, AxiSlaveTiming timing = {})
      : m_(model),
        mem_port_(DMACOSIM_AXI4_MANAGER_PINS(model, m_axi_), memory, timing, "dmac.m_axi"),
        reg_port_(DMACOSIM_AXIL_SUBORDINATE_PINS(model, s_axil_)),
        mem_check_(DMACOSIM_AXI4_MANAGER_PINS(model, m_axi_), "dmac.m_axi.checker"),
        reg_check_(DMACOSIM_AXIL_SUBORDINATE_PINS(model, s_axil_), "dmac.s_axil.checker") {
    // The register bench may start an access right after release_reset().
    reg_check_.set_manager_valid_at_release_ok(true);
    m_.clk = 0;
    m_.rst_n = 0;
    apply_dreq();
    m_.eval();
  }

  // Synchronous reset: rst_n low for `cycles` clock cycles, then released.
  void reset(unsigned cycles = 4) {
    assert_reset();
    for (unsigned i = 0; i < cycles; ++i) step();
    release_reset();
  }
  // The two halves of reset(), for a caller that clocks the cycles itself.
  void assert_reset() {
    m_.rst_n = 0;
    mem_port_.reset();
    reg_port_.reset();
    m_.eval();
  }
  void release_reset() {
    m_.rst_n = 1;
    m_.eval();
  }
  bool in_reset() const { return !m_.rst_n; }

  // Protocol checkers on (default) or off. Only before the first cycle: a
  // checker switched on mid-run would meet responses to requests it never saw.
  void set_protocol_checkers(bool on) {
    if (stepped_)
      throw std::logic_error("DmacCore::set_protocol_checkers: only before the first cycle (checkers " +
                             std::string(checkers_ ? "on" : "off") + " since then)");
    checkers_ = on;
  }
  bool protocol_checkers() const { return checkers_; }

  void step() {
    stepped_ = true;
    if (checkers_) {
      mem_check_.sample(cycle_ + 1, in_reset());
      reg_check_.sample(cycle_ + 1, in_reset());
    }
    mem_port_.before_posedge();
    reg_port_.before_posedge();
    m_.clk = 1;
    m_.eval();
    ++cycle_;
    mem_port_.after_posedge(cycle_);
    reg_port_.after_posedge(cycle_);
    if (on_cycle) on_cycle(cycle_);
    apply_dreq();
    m_.clk = 0;
    m_.eval();
  }

  // Skip `n` cycles in which nothing can change (quiescent RTL, no input change):
  // only the cycle count advances. Callers must have checked can_skip().
  void skip_idle_cycles(uint64_t n) { cycle_ += n; }
  bool can_skip() const { return m_.rst_n && m_.quiescent && mem_port_.idle() && !reg_port_.busy(); }

  uint64_t cycle() const { return cycle_; }

  uint32_t read_reg(uint32_t offset, uint8_t* resp = nullptr) {
    reg_port_.start_read(uint16_t(offset));
    wait_reg("read", offset);
    if (resp) *resp = reg_port_.resp();
    return reg_port_.rdata();
  }
  uint8_t write_reg(uint32_t offset, uint32_t value, uint8_t wstrb = 0xF) {
    start_write_reg(offset, value, wstrb);
    wait_reg("write", offset);
    return reg_port_.resp();
  }
  // Starting an access changes inputs between edges: re-settle the model so a
  // READY that depends combinationally on VALID is seen at the next edge.
  void start_write_reg(uint32_t offset, uint32_t value, uint8_t wstrb = 0xF) {
    reg_port_.start_write(uint16_t(offset), value, wstrb);
    m_.eval();
  }
  void start_read_reg(uint32_t offset) {
    reg_port_.start_read(uint16_t(offset));
    m_.eval();
  }
  bool reg_access_done() const { return !reg_port_.busy(); }
  AxiLiteManagerPort& reg_port() { return reg_port_; }
  const AxiLiteManagerPort& reg_port() const { return reg_port_; }
  Axi4SubordinatePort& mem_port() { return mem_port_; }
  Axi4Checker& mem_checker() { return mem_check_; }
  AxiLiteChecker& reg_checker() { return reg_check_; }
  uint64_t checker_violations() const { return mem_check_.violation_count() + reg_check_.violation_count(); }

  // Peripheral request lines, applied to the DUT at the next negedge.
  void set_dreq(unsigned line, bool burst, bool single, bool last_burst = false, bool last_single = false) {
    if (line >= kMaxReq) throw std::out_of_range("dreq line " + std::to_string(line));
    auto set = [line](uint32_t& v, bool b) { v = b ? (v | (1u << line)) : (v & ~(1u << line)); };
    set(dreq_burst_, burst);
    set(dreq_single_, single);
    set(dreq_last_burst_, last_burst);
    set(dreq_last_single_, last_single);
    dreq_dirty_ = true;
  }
  // Push pending set_dreq() values to the pins now and settle the model: for a
  // caller that changes inputs between steps (after a wake-up).
  void apply_inputs_now() {
    apply_dreq();
    m_.eval();
  }
  bool dclr(unsigned line) const { return (m_.dclr >> line) & 1; }
  bool dtc(unsigned line) const { return (m_.dtc >> line) & 1; }
  bool irq() const { return m_.irq; }
  bool quiescent() const { return m_.quiescent; }

  // Called once per cycle after the posedge; peripheral models react here.
  std::function<void(uint64_t cycle)> on_cycle;

  Model& model() { return m_; }

private:
  // The pins keep their value between writes: only a set_dreq() since the
  // last write changes them.
  void apply_dreq() {
    if (!dreq_dirty_) return;
    dreq_dirty_ = false;
    m_.dreq_burst = dreq_burst_;
    m_.dreq_single = dreq_single_;
    m_.dreq_last_burst = dreq_last_burst_;
    m_.dreq_last_single = dreq_last_single_;
  }
  void wait_reg(const char* what, uint32_t offset) {
    for (unsigned i = 0; i < 1000 && reg_port_.busy(); ++i) step();
    if (reg_port_.busy())
      throw std::runtime_error(std::string("dmac register ") + what + " at offset " + std::to_string(offset) +
                               ": no response within 1000 cycles (AXI4-Lite hang)");
  }

  Model& m_;
  Axi4SubordinatePort mem_port_;
  AxiLiteManagerPort reg_port_;
  Axi4Checker mem_check_;
  AxiLiteChecker reg_check_;
  uint64_t cycle_ = 0;
  uint32_t dreq_burst_ = 0, dreq_single_ = 0, dreq_last_burst_ = 0, dreq_last_single_ = 0;
  bool dreq_dirty_ = true;  // the constructor writes the pins once
  bool checkers_ = true, stepped_ = false;
};

}  // namespace dmacosim
