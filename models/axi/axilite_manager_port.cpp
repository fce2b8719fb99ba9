#include "axilite_manager_port.h"

namespace dmacosim {

void AxiLiteManagerPort::reset() {
  state_ = State::Idle;
  *p_.awvalid = *p_.wvalid = *p_.arvalid = 0;
  *p_.bready = *p_.rready = 1;
  *p_.awaddr = *p_.araddr = 0;
  *p_.wdata = 0;
  *p_.wstrb = 0;
}

void AxiLiteManagerPort::start_write(uint16_t addr, uint32_t data, uint8_t strb) {
  state_ = State::Write;
  aw_done_ = w_done_ = false;
  *p_.awaddr = addr;
  *p_.wdata = data;
  *p_.wstrb = strb;
  *p_.awvalid = 1;
  *p_.wvalid = 1;
}

void AxiLiteManagerPort::start_read(uint16_t addr) {
  state_ = State::Read;
  ar_done_ = false;
  *p_.araddr = addr;
  *p_.arvalid = 1;
}

void AxiLiteManagerPort::sample_handshakes() {
  fire_aw_ = *p_.awvalid && *p_.awready;
  fire_w_ = *p_.wvalid && *p_.wready;
  fire_b_ = *p_.bvalid && *p_.bready;
  fire_ar_ = *p_.arvalid && *p_.arready;
  fire_r_ = *p_.rvalid && *p_.rready;
  // Sample the response with its handshake: after the edge the subordinate may change it.
  if (fire_b_) bresp_ = *p_.bresp;
  if (fire_r_) {
    rresp_ = *p_.rresp;
    rdata_sampled_ = *p_.rdata;
  }
}

void AxiLiteManagerPort::advance() {
  if (state_ == State::Write) {
    if (fire_aw_) { aw_done_ = true; *p_.awvalid = 0; }
    if (fire_w_) { w_done_ = true; *p_.wvalid = 0; }
    if (fire_b_ && aw_done_ && w_done_) {
      resp_ = bresp_;
      state_ = State::Idle;
      ++completed_;
    }
  } else if (state_ == State::Read) {
    if (fire_ar_) { ar_done_ = true; *p_.arvalid = 0; }
    if (fire_r_ && ar_done_) {
      resp_ = rresp_;
      rdata_ = rdata_sampled_;
      state_ = State::Idle;
      ++completed_;
    }
  }
}

}  // namespace dmacosim
