// Address decoder / interconnect: TLM-2.0 LT, any number of initiators (CPU,
// DMA master bridge, ...) bound to `target`, any number of targets reached
// through `initiator` (one binding per map() call, in map() order).
//
//   - decode: the region containing the address is selected and the address
//     is made region-relative (address - base) before forwarding; it is
//     restored on return;
//   - unmapped address -> TLM_ADDRESS_ERROR_RESPONSE and an error log line
//     naming the address, the length and the initiator;
//   - an access whose bytes span two regions (or run off the end of one) ->
//     TLM_ADDRESS_ERROR_RESPONSE and an error log line;
//   - DMI requests are forwarded with address translation; the granted range
//     is translated back and clipped to the region; invalidations from a
//     target are translated back to bus addresses and broadcast to every
//     initiator;
//   - debug transport is forwarded with the same decode (unmapped -> 0 bytes);
//   - no timing of its own unless `set_latency()` is used (added to delay).
// The address map is not defined here (see tb/board.h); the testbench
// calls map() during elaboration.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

namespace dmacosim {

class Router : public sc_core::sc_module {
public:
  tlm_utils::multi_passthrough_target_socket<Router> target;
  tlm_utils::multi_passthrough_initiator_socket<Router> initiator;

  explicit Router(sc_core::sc_module_name name);

  // Bind `target_socket` to the next initiator port and map [base, base+size).
  // Overlapping or empty regions are an elaboration error (SC_REPORT_ERROR).
  void map(uint64_t base, uint64_t size, tlm::tlm_target_socket<>& target_socket, std::string region_name);
  // Name the initiator bound to target port `index` (in bind order) for log lines.
  void name_initiator(unsigned index, std::string name);
  void set_latency(const sc_core::sc_time& t) { latency_ = t; }

  struct Region {
    uint64_t base, size;
    std::string name;
    unsigned port;
  };
  const std::vector<Region>& regions() const { return regions_; }
  // Region index containing addr, or -1.
  int decode(uint64_t addr) const;
  uint64_t unmapped_count() const { return unmapped_; }

private:
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);
  std::string initiator_name(int id) const;
  // Decode a transaction; logs and sets the response on failure (when `log`).
  int route(int id, tlm::tlm_generic_payload& trans, bool log);

  std::vector<Region> regions_;
  std::vector<std::string> initiator_names_;
  sc_core::sc_time latency_ = sc_core::SC_ZERO_TIME;
  uint64_t unmapped_ = 0;
};

}  // namespace dmacosim
