// Minimal LT test initiator: runs a test script in an SC_THREAD and offers
// helpers that issue TLM transactions. Each helper calls b_transport with a
// fresh zero delay, records it in last_delay and then waits it out, so the
// script sees a synchronised simulated time after every access.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "log.h"
#include "wire.h"

namespace dmacosim::test {

using namespace sc_core;
using namespace tlm;

class TestInitiator : public sc_module {
public:
  tlm_utils::simple_initiator_socket<TestInitiator> socket;
  sc_time last_delay;
  bool sync = true;  // wait out the annotated delay after every access
  // DMI invalidations received.
  struct Inval { uint64_t start, end; };
  std::vector<Inval> invalidations;

  SC_HAS_PROCESS(TestInitiator);
  explicit TestInitiator(sc_module_name n) : sc_module(n), socket("socket") {
    socket.register_invalidate_direct_mem_ptr(this, &TestInitiator::invalidate);
    SC_THREAD(run_thread);
  }

  void script(std::function<void(TestInitiator&)> fn) { fn_ = std::move(fn); }
  bool done() const { return done_; }

  tlm_response_status transport(tlm_generic_payload& gp) {
    sc_time d = SC_ZERO_TIME;
    socket->b_transport(gp, d);
    last_delay = d;
    if (sync) wait(d);
    return gp.get_response_status();
  }

  tlm_response_status write(uint64_t addr, const void* data, unsigned len, const uint8_t* be = nullptr,
                            unsigned be_len = 0, unsigned sw = 0) {
    return rw(TLM_WRITE_COMMAND, addr, const_cast<void*>(data), len, be, be_len, sw);
  }
  tlm_response_status read(uint64_t addr, void* data, unsigned len, const uint8_t* be = nullptr,
                           unsigned be_len = 0, unsigned sw = 0) {
    return rw(TLM_READ_COMMAND, addr, data, len, be, be_len, sw);
  }
  tlm_response_status write32(uint64_t addr, uint32_t v) { return write(addr, &v, 4); }
  tlm_response_status read32(uint64_t addr, uint32_t& v) { return read(addr, &v, 4); }
  // Read that must succeed; returns the value (0xDEADBEEF on failure + test failure).
  uint32_t rd32(uint64_t addr) {
    uint32_t v = 0xDEADBEEF;
    EXPECT_EQ(read32(addr, v), TLM_OK_RESPONSE) << "read32 at 0x" << std::hex << addr;
    return v;
  }
  void wr32(uint64_t addr, uint32_t v) {
    EXPECT_EQ(write32(addr, v), TLM_OK_RESPONSE) << "write32 at 0x" << std::hex << addr;
  }

  unsigned debug(tlm_command cmd, uint64_t addr, void* data, unsigned len) {
    tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(static_cast<unsigned char*>(data));
    gp.set_data_length(len);
    return socket->transport_dbg(gp);
  }

  bool get_dmi(uint64_t addr, tlm_dmi& dmi, tlm_command cmd = TLM_READ_COMMAND) {
    tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(addr);
    return socket->get_direct_mem_ptr(gp, dmi);
  }

  tlm_response_status rw(tlm_command cmd, uint64_t addr, void* data, unsigned len, const uint8_t* be,
                         unsigned be_len, unsigned sw) {
    tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(static_cast<unsigned char*>(data));
    gp.set_data_length(len);
    gp.set_byte_enable_ptr(const_cast<uint8_t*>(be));
    gp.set_byte_enable_length(be ? be_len : 0);
    gp.set_streaming_width(sw ? sw : len);
    gp.set_response_status(TLM_INCOMPLETE_RESPONSE);
    return transport(gp);
  }

private:
  void run_thread() {
    if (fn_) fn_(*this);
    done_ = true;
  }
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { invalidations.push_back({s, e}); }
  std::function<void(TestInitiator&)> fn_;
  bool done_ = false;
};

// An sc_event notified whenever a Wire changes (for SC_THREAD-based waiting).
class WireEvent {
public:
  explicit WireEvent(Wire& w) : w_(w) { w.on_change([this](bool) { ev_.notify(SC_ZERO_TIME); }); }
  void wait_level(bool level) {
    while (w_.read() != level) sc_core::wait(ev_);
  }
  sc_event& event() { return ev_; }

private:
  Wire& w_;
  sc_event ev_;
};

// Number of log records at >= level whose text contains every needle.
inline size_t log_count_all(LogLevel level, std::initializer_list<std::string> needles) {
  return Log::instance().count_all(level, std::vector<std::string>(needles));
}

}  // namespace dmacosim::test
