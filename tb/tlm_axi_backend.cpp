#include <cmath>

#include "tb/dmac_host.h"

namespace dmacosim {

AxiAccessResult TlmAxiBackend::transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, const uint8_t* strobe,
                                         size_t len) {
  tlm::tlm_generic_payload tx;
  BurstTimingExtension timing;
  tx.set_command(cmd);
  tx.set_address(addr);
  tx.set_data_ptr(data);
  tx.set_data_length(unsigned(len));
  tx.set_streaming_width(unsigned(len));
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  bool all_enabled = true;
  if (strobe) {
    byte_enable_.resize(len);
    for (size_t i = 0; i < len; ++i) {
      byte_enable_[i] = strobe[i] ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
      all_enabled &= strobe[i] != 0;
    }
    if (!all_enabled) {
      tx.set_byte_enable_ptr(byte_enable_.data());
      tx.set_byte_enable_length(unsigned(len));
    }
  }
  tx.set_extension(&timing);
  sc_core::sc_time delay = offset_;
  socket_->b_transport(tx, delay);
  tx.clear_extension(&timing);

  AxiAccessResult r;
  switch (tx.get_response_status()) {
    case tlm::TLM_OK_RESPONSE: r.resp = AXI_OKAY; break;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE: r.resp = AXI_DECERR; break;
    default: r.resp = AXI_SLVERR; break;
  }
  auto cycles = [this](sc_core::sc_time t) { return uint32_t(std::ceil(t / period_ - 1e-9)); };
  const sc_core::sc_time latency = delay > offset_ ? delay - offset_ : sc_core::SC_ZERO_TIME;
  if (timing.filled) {
    r.first_beat_cycles = std::max<uint32_t>(1, cycles(timing.first_beat));
    r.per_beat_cycles = std::max<uint32_t>(1, cycles(timing.per_beat));
  } else {
    r.first_beat_cycles = std::max<uint32_t>(1, cycles(latency));
    r.per_beat_cycles = 1;
  }
  return r;
}

}  // namespace dmacosim
