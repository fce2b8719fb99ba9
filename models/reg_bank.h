// A bank of 32-bit memory-mapped registers behind a TLM target: each register
// is declared once (name, offset, reset value, access rule, read/write
// handlers), like VCML's reg<T>, and the bus rules are written here once for
// every peripheral model that uses a bank (interrupt controller, audio port).
//
// Bus rules of a bank (each violation: no register is touched, one error log line, the
// TLM error response below):
//   - an offset not 4-aligned                           -> TLM_ADDRESS_ERROR_RESPONSE
//   - an offset outside the window                      -> TLM_ADDRESS_ERROR_RESPONSE
//   - a length other than 4, or a streaming width below 4 -> TLM_BURST_ERROR_RESPONSE;
//     except a FIFO register (Reg::on_fifo_write), which also takes an
//     N*4-byte write with streaming width 4 (a FIXED burst: N words)
//   - a word with some but not all of its 4 byte enables, or a read
//     without all 4                                     -> TLM_BYTE_ENABLE_ERROR_RESPONSE.
//     A write word with none enabled (an AXI beat with WSTRB = 0, which AXI
//     allows) writes nothing and is answered OK
//   - no register declared at the offset                -> TLM_ADDRESS_ERROR_RESPONSE
//   - a write to RO, a read of WO                       -> TLM_COMMAND_ERROR_RESPONSE
// Access rules: RO (writes refused), WO (reads refused), RW (a bound field
// takes the written bits under its mask), W1C (a bound field's bits written 1
// are cleared). A write handler runs after the field is updated.
// Debug transport: 4-byte reads only, the read handler told `debug` (no side
// effects), nothing logged; anything else transfers 0 bytes.
// b_transport never waits; handlers can read the access's annotated delay
// (access_delay()).
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

namespace dmacosim {

enum class RegAccess { RO, WO, RW, W1C };
const char* reg_access_name(RegAccess a);

class RegBank {
public:
  struct Reg {
    std::string name;
    uint32_t offset = 0;
    RegAccess access = RegAccess::RW;
    uint32_t reset = 0;

    // A model field that holds the register's value: set to `reset` at
    // declaration and by RegBank::reset(); a write changes only `writable` bits.
    Reg& field(uint32_t& f, uint32_t writable = ~0u);
    // The value a read returns, computed (default: the field, else `reset`).
    Reg& getter(std::function<uint32_t()> fn);
    // A read with side effects; `debug` reads must have none.
    Reg& on_read(std::function<uint32_t(bool debug)> fn);
    // Runs after each write (after the field is updated).
    Reg& on_write(std::function<void(uint32_t value)> fn);
    // A FIFO register: a single write or an N*4-byte FIXED burst hands its
    // enabled words over in one call.
    Reg& on_fifo_write(std::function<void(const uint32_t* words, size_t n)> fn);

  private:
    friend class RegBank;
    uint32_t* field_ = nullptr;
    uint32_t writable_ = ~0u;
    std::function<uint32_t(bool)> read_;
    std::function<void(uint32_t)> write_;
    std::function<void(const uint32_t*, size_t)> fifo_;
  };

  // `owner` names the log lines; `offset_digits` is how many hex digits an
  // offset is printed with.
  RegBank(std::string owner, uint32_t window_bytes, int offset_digits);
  RegBank(const RegBank&) = delete;
  RegBank& operator=(const RegBank&) = delete;

  // Declare a register (4-aligned, inside the window, offset not yet taken:
  // else an SC_REPORT_ERROR naming it).
  Reg& add(std::string name, uint32_t offset, RegAccess access, uint32_t reset = 0);
  // Every bound field back to its register's reset value.
  void reset();

  // Register access without the bus rules: the access rule and the handlers.
  // `debug` reads have no side effects and log nothing.
  tlm::tlm_response_status read(uint32_t offset, uint32_t& value, bool debug = false);
  tlm::tlm_response_status write(uint32_t offset, uint32_t value);

  // The bus: the rules above, then read()/write(). Register with
  // socket.register_b_transport / register_transport_dbg through the owner.
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& t);

  // The annotated delay of the access in progress (b_transport), for handlers
  // whose effect starts at the access's time (e.g. a sample clock's enable).
  const sc_core::sc_time& access_delay() const { return delay_; }

  const Reg* find(uint32_t offset) const;
  const std::deque<Reg>& regs() const { return regs_; }
  uint32_t window_bytes() const { return window_; }

private:
  tlm::tlm_response_status check_bus(const tlm::tlm_generic_payload& t, std::vector<bool>* word_enabled);
  std::string off(uint64_t a) const;
  Reg* find(uint32_t offset);

  std::string owner_;
  uint32_t window_;
  int digits_;
  std::deque<Reg> regs_;        // stable addresses: add() hands out references
  std::vector<int32_t> index_;  // offset / 4 -> index into regs_, -1 unmapped
  sc_core::sc_time delay_ = sc_core::SC_ZERO_TIME;
};

// A register window whose registers live behind a bus interface of their own
// (the DMAC's AXI4-Lite slave in RTL): the TLM side checks only what that
// interface cannot express and passes everything else on as one 32-bit word
// access with byte strobes; the far side answers per register (the DMAC
// refuses a WSTRB other than 0xF with SLVERR, docs/dmac-spec.md).
// Bus rules of a window (each violation: one error log line, nothing passed on):
//   - a length other than 1, 2 or 4, a streaming width below the length, or
//     an access crossing a 32-bit word                  -> TLM_BURST_ERROR_RESPONSE
//   - an offset outside the window                      -> TLM_ADDRESS_ERROR_RESPONSE
class RegWindow {
public:
  // One word access as the far side sees it.
  struct Access {
    bool write = false;
    uint32_t offset = 0;  // of the 32-bit word
    uint32_t data = 0;    // write data, in its byte lanes
    uint8_t strb = 0;     // enabled byte lanes (from the TLM byte enables)
  };
  RegWindow(std::string owner, uint32_t window_bytes) : owner_(std::move(owner)), window_(window_bytes) {}

  // The rules above; on success `a` holds the word access.
  tlm::tlm_response_status decode(const tlm::tlm_generic_payload& t, Access& a) const;
  // Hands the word the far side read back to the payload's bytes.
  static void complete_read(tlm::tlm_generic_payload& t, uint32_t rdata);
  uint32_t window_bytes() const { return window_; }

private:
  std::string owner_;
  uint32_t window_;
};

}  // namespace dmacosim
