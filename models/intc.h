// Interrupt controller: PLIC-like claim/complete with level-sensitive gateways.
//
// Register map (32-bit registers, 32-bit aligned accesses only; window 4 KiB;
// declared once in Intc::declare_registers())
// -----------------------------------------------------------------------------
// Offset        Name            Access  Reset       Description
// 0x000         ID              RO      0x494E5443  "INTC"
// 0x004         NUM_SOURCES     RO      cfg (32)    number of source ids incl. reserved 0;
//                                                   valid sources are 1 .. NUM_SOURCES-1
// 0x008         ENABLE          RW      0           bit n enables source n (bit 0 and bits
//                                                   >= NUM_SOURCES read 0, writes ignored)
// 0x00C         PENDING         RO      0           bit n: input n high and n not in service
// 0x010         IN_SERVICE      RO      0           bit n: n claimed and not yet completed
// 0x014         CLAIM           RO*     0           read: id of the highest-priority source
//                                                   that is pending & enabled with
//                                                   PRIORITY > THRESHOLD (ties -> lowest id);
//                                                   marks it in service (clears pending).
//                                                   0 = none: the claim that ends a
//                                                   handler loop (after a claim that
//                                                   returned a source) is normal; any
//                                                   other is a spurious claim (counted).
//                                                   *debug reads have no side effect
// 0x018         COMPLETE        WO      -           write a source id: ends its service; if
//                                                   its input is still high it is pending
//                                                   again at once. Completing a source that
//                                                   is not in service (or id 0 / out of
//                                                   range) is ignored and logged (warning).
// 0x01C         THRESHOLD       RW      0           [2:0]; only PRIORITY > THRESHOLD interrupts
// 0x020         SPURIOUS_COUNT  RO      0           number of spurious claims (CLAIM reads of 0
//                                                   not preceded by a claim of a source)
// 0x100 + 4*n   PRIORITY[n]     RW      0           [2:0] priority 0..7 of source n
//                                                   (0 = never interrupts; PRIORITY[0] reads 0)
// -----------------------------------------------------------------------------
// irq_out = OR over n of (PENDING[n] & ENABLE[n] & PRIORITY[n] > THRESHOLD).
// A masked source stays pending (while its input is high) and raises irq_out
// as soon as it is unmasked. irq_out is updated synchronously (Wire::write)
// on every input change, register write and claim.
//
// Bus rules: models/reg_bank.h (32-bit aligned 4-byte accesses; errors are
// logged and answered with a TLM error, the registers unchanged).
// b_transport never waits; `access_latency` (default 0) is added to the delay.
#pragma once
#include <array>
#include <memory>
#include <vector>
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "reg_bank.h"
#include "wire.h"

namespace dmacosim {

class Intc : public sc_core::sc_module {
public:
  static constexpr uint32_t kId = 0x494E5443;  // "INTC"
  static constexpr unsigned kMaxSources = 32;
  enum Reg : uint32_t {
    ID = 0x000, NUM_SOURCES = 0x004, ENABLE = 0x008, PENDING = 0x00C, IN_SERVICE = 0x010,
    CLAIM = 0x014, COMPLETE = 0x018, THRESHOLD = 0x01C, SPURIOUS_COUNT = 0x020, PRIORITY_BASE = 0x100,
  };

  tlm_utils::simple_target_socket<Intc> socket;

  explicit Intc(sc_core::sc_module_name name, unsigned num_sources = kMaxSources,
                sc_core::sc_time access_latency = sc_core::SC_ZERO_TIME);

  // Level-sensitive input n (1 .. num_sources-1): source(n).bind(wire). Its
  // level is sampled when bound.
  WireIn& source(unsigned n);
  Wire& irq_out() { return irq_out_; }

  // Observation for tests (no side effects).
  uint32_t pending() const;
  uint32_t in_service() const { return in_service_; }
  uint32_t enable() const { return enable_; }
  uint32_t spurious_count() const { return spurious_; }
  uint32_t peek_claim() const;  // what CLAIM would return now

  // Register access without the bus (debug: no side effects, e.g. of a CLAIM read).
  tlm::tlm_response_status reg_read(uint32_t off, uint32_t& value, bool debug = false) {
    return regs_.read(off, value, debug);
  }
  tlm::tlm_response_status reg_write(uint32_t off, uint32_t value) { return regs_.write(off, value); }

private:
  void declare_registers();
  uint32_t claim(bool debug);   // a CLAIM read
  void complete(uint32_t id);   // a COMPLETE write
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) { return regs_.transport_dbg(trans); }
  void update();
  uint32_t eligible() const;  // pending & enabled & priority > threshold
  uint32_t valid_mask() const { return (num_sources_ >= 32 ? 0xFFFFFFFFu : ((1u << num_sources_) - 1)) & ~1u; }

  unsigned num_sources_;
  sc_core::sc_time latency_;
  std::vector<std::unique_ptr<WireIn>> inputs_;  // by source id; [0] reserved
  uint32_t levels_ = 0;  // sampled input levels
  uint32_t enable_ = 0, in_service_ = 0, threshold_ = 0, spurious_ = 0;
  bool claimed_since_zero_ = false;  // a claim returned a source since the last claim of 0
  std::array<uint32_t, kMaxSources> priority_{};
  Wire irq_out_;
  RegBank regs_;
};

}  // namespace dmacosim
