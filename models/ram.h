// Byte-accurate main memory: a TLM-2.0 LT target.
//
// Addresses arrive router-relative (offset 0 .. size-1); `base` is only used to
// print absolute addresses in log lines.
//
// Timing (b_transport never calls wait()):
//   delay += first_beat + per_beat * (beats - 1)
//   beats  = ceil(data_length / beat_bytes), at least 1
//   beat_bytes = bus_bytes, or the streaming width when that is narrower than
//                the bus (a FIXED burst of narrow beats).
// A BurstTimingExtension on the payload is filled with {first_beat, per_beat}.
//
// Semantics:
//   - byte enables honoured (pattern repeats over the data, TLM_BYTE_ENABLED
//     = enabled); disabled bytes are neither written nor read (read data for
//     them is left untouched in the payload buffer);
//   - streaming width honoured (address wraps every streaming_width bytes);
//   - out of range -> TLM_ADDRESS_ERROR_RESPONSE + an error log line;
//   - fault injection: an address range [lo, hi) or the n-th access
//     (1-based, counted from arming, reads/writes/both; one-shot) answers
//     with a chosen error status; an error response leaves memory unchanged;
//   - DMI (read+write) is granted while no fault injection is armed and DMI is
//     enabled; arming a fault invalidates all DMI pointers. Accesses through
//     DMI pointers bypass the write log and fault injection;
//   - debug transport reads/writes memory without timing, faults or counting
//     (debug writes are not recorded in the write log either);
//   - observation: a per-byte "written by a transport" bitmap.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace dmacosim {

struct RamTiming {
  sc_core::sc_time first_beat = sc_core::SC_ZERO_TIME;
  sc_core::sc_time per_beat = sc_core::SC_ZERO_TIME;
  unsigned bus_bytes = 8;
};

enum class AccessKind { Reads, Writes, Both };

// A zero-filled byte array from calloc: the C library maps a large one as
// fresh zero pages, so a 16 MiB RAM costs no page until it is touched (a
// std::vector would write all of it at construction, in every test process).
class ZeroedBytes {
public:
  explicit ZeroedBytes(uint64_t n) : n_(n) { zero(); }
  uint64_t size() const { return n_; }
  uint8_t* data() { return p_.get(); }
  const uint8_t* data() const { return p_.get(); }
  uint8_t& operator[](uint64_t i) { return p_[i]; }
  uint8_t operator[](uint64_t i) const { return p_[i]; }
  // All bytes 0 again (a fresh allocation: pages never touched stay free).
  void zero() {
    p_.reset(static_cast<uint8_t*>(std::calloc(n_ ? n_ : 1, 1)));
    if (!p_) throw std::bad_alloc();
  }

private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  uint64_t n_;
  std::unique_ptr<uint8_t[], Free> p_;
};

class Ram : public sc_core::sc_module {
public:
  tlm_utils::simple_target_socket<Ram> socket;

  Ram(sc_core::sc_module_name name, uint64_t size, RamTiming timing = {}, uint64_t base = 0);

  uint64_t size() const { return mem_.size(); }
  uint64_t base() const { return base_; }
  const RamTiming& timing() const { return timing_; }
  void set_timing(const RamTiming& t) { timing_ = t; }

  // --- fault injection -------------------------------------------------------
  // Any transport access overlapping [lo, hi) (offsets) answers `status`.
  void inject_error_range(uint64_t lo, uint64_t hi,
                          tlm::tlm_response_status status = tlm::TLM_GENERIC_ERROR_RESPONSE);
  // The n-th (1-based) matching transport access from now answers `status`.
  void inject_error_on_nth_access(uint64_t n, tlm::tlm_response_status status = tlm::TLM_GENERIC_ERROR_RESPONSE,
                                  AccessKind kind = AccessKind::Both);
  void clear_error_injection();
  bool fault_armed() const { return !ranges_.empty() || nth_.armed; }
  uint64_t injected_error_count() const { return injected_errors_; }

  // --- DMI ---------------------------------------------------------------------
  void set_dmi_enabled(bool on);  // default on; turning it off invalidates

  // --- observation / backdoor (offsets, no timing, no logging) ---------------
  bool was_written(uint64_t off) const { return off < written_.size() && written_[off] != 0; }
  uint64_t written_byte_count() const { return written_bytes_; }  // distinct bytes
  // True if any byte in [lo, hi) was written.
  bool any_written(uint64_t lo, uint64_t hi) const;
  void clear_write_log();
  uint64_t read_count() const { return reads_; }    // transport reads (OK or not)
  uint64_t write_count() const { return writes_; }  // transport writes (OK or not)
  void read_bytes(uint64_t off, void* dst, size_t n) const;
  void write_bytes(uint64_t off, const void* src, size_t n);
  void fill(uint8_t value);
  uint32_t peek32(uint64_t off) const;
  void poke32(uint64_t off, uint32_t v);
  uint8_t* data() { return mem_.data(); }

private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  void invalidate_all();
  // Copies data honouring byte enables and streaming width; false if out of range.
  bool in_range(uint64_t addr, uint64_t span) const { return span <= mem_.size() && addr <= mem_.size() - span; }
  void do_access(tlm::tlm_generic_payload& trans, bool record);

  ZeroedBytes mem_;
  uint64_t base_;
  RamTiming timing_;

  struct Range { uint64_t lo, hi; tlm::tlm_response_status status; };
  std::vector<Range> ranges_;
  struct Nth { bool armed = false; uint64_t remaining = 0; tlm::tlm_response_status status{}; AccessKind kind{}; } nth_;
  uint64_t injected_errors_ = 0;
  bool dmi_enabled_ = true;

  ZeroedBytes written_;  // one byte per RAM byte, nonzero once written by a transport
  uint64_t written_bytes_ = 0, reads_ = 0, writes_ = 0;
};

}  // namespace dmacosim
