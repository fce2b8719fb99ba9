// AXI4-Lite manager at pin level: performs one 32-bit register access at a time
// on a Verilated AXI4-Lite subordinate (the DMA's register port). AW and W are
// presented together; B/R are always accepted.
#pragma once
#include <cstdint>

#include "axi_types.h"

namespace dmacosim {

class AxiLiteManagerPort {
public:
  explicit AxiLiteManagerPort(const AxiLiteSubordinatePins& pins) : p_(pins) { reset(); }

  void reset();
  void start_write(uint16_t addr, uint32_t data, uint8_t strb);
  void start_read(uint16_t addr);
  bool busy() const { return state_ != State::Idle; }
  // Result of the last completed access.
  uint8_t resp() const { return resp_; }
  uint32_t rdata() const { return rdata_; }
  uint64_t completed() const { return completed_; }  // number of finished accesses

  // Idle (nearly every cycle of a DMA run) there is no handshake to take.
  void before_posedge() {
    if (state_ != State::Idle) sample_handshakes();
  }
  void after_posedge(uint64_t) {
    if (state_ != State::Idle) advance();
  }

private:
  enum class State { Idle, Write, Read };
  void sample_handshakes();
  void advance();
  AxiLiteSubordinatePins p_;
  State state_ = State::Idle;
  bool aw_done_ = false, w_done_ = false, ar_done_ = false;
  bool fire_aw_ = false, fire_w_ = false, fire_b_ = false, fire_ar_ = false, fire_r_ = false;
  uint8_t resp_ = 0, bresp_ = 0, rresp_ = 0;
  uint32_t rdata_sampled_ = 0;
  uint32_t rdata_ = 0;
  uint64_t completed_ = 0;
};

}  // namespace dmacosim
