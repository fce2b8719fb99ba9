#include "ram.h"

#include <algorithm>
#include <cstring>

#include "burst_timing.h"
#include "log.h"
#include "tlm_status.h"

namespace dmacosim {

using namespace sc_core;
using namespace tlm;

Ram::Ram(sc_module_name name, uint64_t size, RamTiming timing, uint64_t base)
    : sc_module(name), socket("socket"), mem_(size), base_(base), timing_(timing), written_(size) {
  if (size == 0) SC_REPORT_ERROR("dmacosim/ram", "Ram size must be > 0");
  if (timing_.bus_bytes == 0) timing_.bus_bytes = 8;
  socket.register_b_transport(this, &Ram::b_transport);
  socket.register_get_direct_mem_ptr(this, &Ram::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Ram::transport_dbg);
}

void Ram::invalidate_all() { socket->invalidate_direct_mem_ptr(0, mem_.size() - 1); }

void Ram::inject_error_range(uint64_t lo, uint64_t hi, tlm_response_status status) {
  if (hi <= lo) {
    log_warn(name(), strfmt("inject_error_range: empty range [0x%llx, 0x%llx) ignored", (unsigned long long)lo,
                            (unsigned long long)hi));
    return;
  }
  ranges_.push_back({lo, hi, status});
  invalidate_all();
}

void Ram::inject_error_on_nth_access(uint64_t n, tlm_response_status status, AccessKind kind) {
  if (n == 0) {
    log_warn(name(), "inject_error_on_nth_access: n must be >= 1; ignored");
    return;
  }
  nth_ = {true, n, status, kind};
  invalidate_all();
}

void Ram::clear_error_injection() {
  ranges_.clear();
  nth_ = {};
}

void Ram::set_dmi_enabled(bool on) {
  if (dmi_enabled_ && !on) invalidate_all();
  dmi_enabled_ = on;
}

bool Ram::any_written(uint64_t lo, uint64_t hi) const {
  hi = std::min<uint64_t>(hi, written_.size());
  for (uint64_t a = lo; a < hi; ++a)
    if (written_[a]) return true;
  return false;
}

void Ram::clear_write_log() {
  written_.zero();
  written_bytes_ = 0;
}

void Ram::read_bytes(uint64_t off, void* dst, size_t n) const {
  if (!in_range(off, n)) {
    SC_REPORT_ERROR("dmacosim/ram", strfmt("%s: read_bytes(0x%llx, %zu) out of range", name(), (unsigned long long)off, n).c_str());
    return;
  }
  std::memcpy(dst, mem_.data() + off, n);
}

void Ram::write_bytes(uint64_t off, const void* src, size_t n) {
  if (!in_range(off, n)) {
    SC_REPORT_ERROR("dmacosim/ram", strfmt("%s: write_bytes(0x%llx, %zu) out of range", name(), (unsigned long long)off, n).c_str());
    return;
  }
  std::memcpy(mem_.data() + off, src, n);
}

void Ram::fill(uint8_t value) { std::memset(mem_.data(), value, mem_.size()); }

uint32_t Ram::peek32(uint64_t off) const {
  uint32_t v = 0;
  read_bytes(off, &v, 4);
  return v;
}

void Ram::poke32(uint64_t off, uint32_t v) { write_bytes(off, &v, 4); }

void Ram::do_access(tlm_generic_payload& trans, bool record) {
  const uint64_t addr = trans.get_address();
  const unsigned len = trans.get_data_length();
  unsigned sw = trans.get_streaming_width();
  if (sw == 0 || sw > len) sw = len;
  unsigned char* data = trans.get_data_ptr();
  const unsigned char* be = trans.get_byte_enable_ptr();
  const unsigned be_len = trans.get_byte_enable_length();
  const bool is_write = trans.is_write();
  for (unsigned i = 0; i < len; ++i) {
    if (be && be_len && be[i % be_len] != TLM_BYTE_ENABLED) continue;
    const uint64_t a = addr + (i % sw);
    if (is_write) {
      mem_[a] = data[i];
      if (record && !written_[a]) {
        written_[a] = 1;
        ++written_bytes_;
      }
    } else {
      data[i] = mem_[a];
    }
  }
}

void Ram::b_transport(tlm_generic_payload& trans, sc_time& delay) {
  const tlm_command cmd = trans.get_command();
  const uint64_t addr = trans.get_address();
  const unsigned len = trans.get_data_length();
  unsigned sw = trans.get_streaming_width();
  if (sw == 0 || sw > len) sw = len;

  // Timing is annotated whatever the outcome (the access still occupies the bus).
  const unsigned beat_bytes = std::max(1u, std::min(timing_.bus_bytes, sw));
  const uint64_t beats = std::max<uint64_t>(1, (uint64_t(len) + beat_bytes - 1) / beat_bytes);
  delay += timing_.first_beat + timing_.per_beat * double(beats - 1);
  if (auto* ext = trans.get_extension<BurstTimingExtension>()) {
    ext->first_beat = timing_.first_beat;
    ext->per_beat = timing_.per_beat;
    ext->filled = true;
  }

  if (cmd == TLM_IGNORE_COMMAND) {
    trans.set_response_status(TLM_OK_RESPONSE);
    return;
  }
  const bool is_write = cmd == TLM_WRITE_COMMAND;
  if (is_write) ++writes_; else ++reads_;

  if (len == 0 || !trans.get_data_ptr()) {
    log_error(name(), strfmt("%s at 0x%llx with %s", is_write ? "write" : "read", (unsigned long long)(base_ + addr),
                             len == 0 ? "zero length" : "null data pointer"));
    trans.set_response_status(TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  if (!in_range(addr, sw)) {
    log_error(name(), strfmt("%s of %u byte(s) at 0x%llx (offset 0x%llx) is out of range (size 0x%llx)",
                             is_write ? "write" : "read", len, (unsigned long long)(base_ + addr),
                             (unsigned long long)addr, (unsigned long long)mem_.size()));
    trans.set_response_status(TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }

  // Fault injection: nth access first (it counts every in-range access of its kind), then ranges.
  tlm_response_status fault = TLM_OK_RESPONSE;
  if (nth_.armed && (nth_.kind == AccessKind::Both || (nth_.kind == AccessKind::Writes) == is_write)) {
    if (--nth_.remaining == 0) {
      fault = nth_.status;
      nth_.armed = false;
    }
  }
  if (fault == TLM_OK_RESPONSE) {
    for (const auto& r : ranges_)
      if (addr < r.hi && addr + sw > r.lo) {
        fault = r.status;
        break;
      }
  }
  if (fault != TLM_OK_RESPONSE) {
    ++injected_errors_;
    log_info(name(), strfmt("injected %s on %s of %u byte(s) at 0x%llx", tlm_status_name(fault),
                            is_write ? "write" : "read", len, (unsigned long long)(base_ + addr)));
    trans.set_response_status(fault);
    return;
  }

  do_access(trans, true);
  trans.set_dmi_allowed(dmi_enabled_ && !fault_armed());
  trans.set_response_status(TLM_OK_RESPONSE);
}

bool Ram::get_direct_mem_ptr(tlm_generic_payload& trans, tlm_dmi& dmi) {
  dmi.set_start_address(0);
  dmi.set_end_address(mem_.size() - 1);
  if (!dmi_enabled_ || fault_armed() || trans.get_address() >= mem_.size()) {
    dmi.allow_none();
    return false;
  }
  dmi.set_dmi_ptr(mem_.data());
  dmi.allow_read_write();
  dmi.set_read_latency(timing_.first_beat);
  dmi.set_write_latency(timing_.first_beat);
  return true;
}

unsigned int Ram::transport_dbg(tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  unsigned len = trans.get_data_length();
  if (trans.get_command() == TLM_IGNORE_COMMAND) return 0;
  if (addr >= mem_.size()) {
    trans.set_response_status(TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  len = unsigned(std::min<uint64_t>(len, mem_.size() - addr));
  if (trans.is_write())
    std::memcpy(mem_.data() + addr, trans.get_data_ptr(), len);
  else
    std::memcpy(trans.get_data_ptr(), mem_.data() + addr, len);
  trans.set_response_status(TLM_OK_RESPONSE);
  return len;
}

}  // namespace dmacosim
