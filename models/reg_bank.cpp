#include "reg_bank.h"

#include <cstring>

#include "log.h"

namespace dmacosim {

using namespace sc_core;
using namespace tlm;

const char* reg_access_name(RegAccess a) {
  switch (a) {
    case RegAccess::RO: return "RO";
    case RegAccess::WO: return "WO";
    case RegAccess::RW: return "RW";
    case RegAccess::W1C: return "W1C";
  }
  return "?";
}

RegBank::Reg& RegBank::Reg::field(uint32_t& f, uint32_t writable) {
  field_ = &f;
  writable_ = writable;
  f = reset;
  return *this;
}

RegBank::Reg& RegBank::Reg::getter(std::function<uint32_t()> fn) {
  read_ = [fn = std::move(fn)](bool) { return fn(); };
  return *this;
}

RegBank::Reg& RegBank::Reg::on_read(std::function<uint32_t(bool)> fn) {
  read_ = std::move(fn);
  return *this;
}

RegBank::Reg& RegBank::Reg::on_write(std::function<void(uint32_t)> fn) {
  write_ = std::move(fn);
  return *this;
}

RegBank::Reg& RegBank::Reg::on_fifo_write(std::function<void(const uint32_t*, size_t)> fn) {
  fifo_ = std::move(fn);
  return *this;
}

RegBank::RegBank(std::string owner, uint32_t window_bytes, int offset_digits)
    : owner_(std::move(owner)), window_(window_bytes), digits_(offset_digits), index_(window_bytes / 4, -1) {}

RegBank::Reg& RegBank::add(std::string name, uint32_t offset, RegAccess access, uint32_t reset) {
  if (offset % 4 || offset >= window_ || index_[offset / 4] >= 0)
    SC_REPORT_ERROR("dmacosim/reg_bank",
                    strfmt("%s: register %s at offset 0x%x: %s", owner_.c_str(), name.c_str(), offset,
                           offset % 4 ? "not 4-aligned"
                           : offset >= window_ ? "outside the window"
                                               : ("offset taken by " + regs_[size_t(index_[offset / 4])].name).c_str())
                        .c_str());
  Reg r;
  r.name = std::move(name);
  r.offset = offset;
  r.access = access;
  r.reset = reset;
  index_[offset / 4] = int32_t(regs_.size());
  regs_.push_back(std::move(r));
  return regs_.back();
}

void RegBank::reset() {
  for (Reg& r : regs_)
    if (r.field_) *r.field_ = r.reset;
}

const RegBank::Reg* RegBank::find(uint32_t offset) const {
  if (offset % 4 || offset >= window_ || index_[offset / 4] < 0) return nullptr;
  return &regs_[size_t(index_[offset / 4])];
}

RegBank::Reg* RegBank::find(uint32_t offset) { return const_cast<Reg*>(static_cast<const RegBank*>(this)->find(offset)); }

std::string RegBank::off(uint64_t a) const { return strfmt("0x%0*llx", digits_, (unsigned long long)a); }

tlm_response_status RegBank::read(uint32_t offset, uint32_t& v, bool debug) {
  v = 0;
  Reg* r = find(offset);
  if (!r) {
    if (!debug) log_error(owner_, "read of unmapped register offset " + off(offset));
    return TLM_ADDRESS_ERROR_RESPONSE;
  }
  if (r->access == RegAccess::WO) {
    if (!debug) log_error(owner_, strfmt("read of write-only register %s (0x%0*X)", r->name.c_str(), digits_, offset));
    return TLM_COMMAND_ERROR_RESPONSE;
  }
  v = r->read_ ? r->read_(debug) : r->field_ ? *r->field_ : r->reset;
  return TLM_OK_RESPONSE;
}

tlm_response_status RegBank::write(uint32_t offset, uint32_t v) {
  Reg* r = find(offset);
  if (!r) {
    log_error(owner_, strfmt("write 0x%08x to unmapped register offset ", v) + off(offset));
    return TLM_ADDRESS_ERROR_RESPONSE;
  }
  if (r->access == RegAccess::RO) {
    log_error(owner_, strfmt("write 0x%08x to read-only register at offset ", v) + off(offset) + " (" + r->name + ")");
    return TLM_COMMAND_ERROR_RESPONSE;
  }
  if (r->fifo_) {
    r->fifo_(&v, 1);
    return TLM_OK_RESPONSE;
  }
  if (r->field_) {
    uint32_t& f = *r->field_;
    if (r->access == RegAccess::W1C) f &= ~(v & r->writable_);
    else f = (f & ~r->writable_) | (v & r->writable_);
  }
  if (r->write_) r->write_(v);
  return TLM_OK_RESPONSE;
}

// The bus rules (see the header); on success `word_enabled` says which words
// of the access have their byte enables on (a write word with none writes nothing).
tlm_response_status RegBank::check_bus(const tlm_generic_payload& t, std::vector<bool>* word_enabled) {
  const uint64_t a = t.get_address();
  const unsigned len = t.get_data_length();
  const unsigned sw = t.get_streaming_width() ? t.get_streaming_width() : len;
  const bool wr = t.is_write();
  const char* what = wr ? "write" : "read";
  const bool log = word_enabled != nullptr;
  if (a % 4) {
    if (log) log_error(owner_, strfmt("misaligned %u-byte %s at offset ", len, what) + off(a) +
                                   ": registers need 32-bit aligned access");
    return TLM_ADDRESS_ERROR_RESPONSE;
  }
  if (a >= window_) {
    if (log) log_error(owner_, strfmt("%s at offset ", what) + off(a) + strfmt(" is outside the 0x%x-byte register window", window_));
    return TLM_ADDRESS_ERROR_RESPONSE;
  }
  const Reg* r = find(uint32_t(a));
  const bool fifo_burst = wr && r && r->fifo_ && len >= 4 && len % 4 == 0 && sw == 4;
  if ((len != 4 || sw < 4) && !fifo_burst) {
    if (log)
      log_error(owner_, strfmt("%u-byte %s (streaming width %u) at offset ", len, what, sw) + off(a) +
                            ": only 32-bit accesses" +
                            (r && r->fifo_ ? ", or N*4-byte " + r->name + " writes with streaming width 4," : "") +
                            " are accepted");
    return TLM_BURST_ERROR_RESPONSE;
  }
  if (word_enabled) word_enabled->assign(len / 4, true);
  if (const unsigned char* be = t.get_byte_enable_ptr()) {
    const unsigned bl = t.get_byte_enable_length();
    for (unsigned w = 0; bl && w < len / 4; ++w) {
      unsigned on = 0;
      for (unsigned i = 4 * w; i < 4 * w + 4; ++i) on += be[i % bl] == TLM_BYTE_ENABLED;
      if (on != 4 && (on != 0 || !wr)) {
        if (log) log_error(owner_, strfmt("partial byte enables on %s at offset ", what) + off(a) +
                                       ": registers need all 4 bytes (a write may also enable none)");
        return TLM_BYTE_ENABLE_ERROR_RESPONSE;
      }
      if (word_enabled) (*word_enabled)[w] = on == 4;
    }
  }
  return TLM_OK_RESPONSE;
}

void RegBank::b_transport(tlm_generic_payload& t, sc_time& delay) {
  if (t.get_command() == TLM_IGNORE_COMMAND) {
    t.set_response_status(TLM_OK_RESPONSE);
    return;
  }
  std::vector<bool> enabled;
  tlm_response_status st = check_bus(t, &enabled);
  if (st != TLM_OK_RESPONSE) {
    t.set_response_status(st);
    return;
  }
  const uint32_t a = uint32_t(t.get_address());
  uint32_t v = 0;
  delay_ = delay;
  if (t.is_read()) {
    st = read(a, v, false);
    if (st == TLM_OK_RESPONSE) std::memcpy(t.get_data_ptr(), &v, 4);
  } else if (t.get_data_length() > 4) {  // a FIFO burst (check_bus)
    std::vector<uint32_t> words;
    words.reserve(enabled.size());
    for (size_t w = 0; w < enabled.size(); ++w) {
      if (!enabled[w]) continue;
      std::memcpy(&v, t.get_data_ptr() + 4 * w, 4);
      words.push_back(v);
    }
    find(a)->fifo_(words.data(), words.size());
  } else if (enabled[0]) {
    std::memcpy(&v, t.get_data_ptr(), 4);
    st = write(a, v);
  }  // else a null-strobe write: no register changes
  delay_ = SC_ZERO_TIME;
  t.set_response_status(st);
}

unsigned int RegBank::transport_dbg(tlm_generic_payload& t) {
  // Reads only: a debug write could push FIFO data or start a clock.
  if (!t.is_read() || check_bus(t, nullptr) != TLM_OK_RESPONSE) return 0;
  uint32_t v = 0;
  if (read(uint32_t(t.get_address()), v, true) != TLM_OK_RESPONSE) return 0;
  std::memcpy(t.get_data_ptr(), &v, 4);
  t.set_response_status(TLM_OK_RESPONSE);
  return 4;
}

tlm_response_status RegWindow::decode(const tlm_generic_payload& t, Access& a) const {
  const uint64_t addr = t.get_address();
  const unsigned len = t.get_data_length();
  if ((len != 1 && len != 2 && len != 4) || (addr % 4) + len > 4 || t.get_streaming_width() < len) {
    log_error(owner_, strfmt("register access of %u bytes at offset 0x%llx: registers are 32-bit, "
                             "an access must stay within one aligned word", len, (unsigned long long)addr));
    return TLM_BURST_ERROR_RESPONSE;
  }
  if (addr >= window_) {
    log_error(owner_, strfmt("register offset 0x%llx outside the %u KiB window", (unsigned long long)addr,
                             window_ / 1024));
    return TLM_ADDRESS_ERROR_RESPONSE;
  }
  a = Access();
  a.write = t.is_write();
  a.offset = uint32_t(addr & ~3ull);
  const unsigned lane = addr % 4;
  // A byte-enable pointer with length 0 is malformed: read as no enables
  // given (as RegBank::check_bus does), never as a division by zero.
  const unsigned bl = t.get_byte_enable_length();
  const unsigned char* be = bl ? t.get_byte_enable_ptr() : nullptr;
  for (unsigned i = 0; i < len; ++i) {
    if (be && be[i % bl] != TLM_BYTE_ENABLED) continue;
    a.strb |= uint8_t(1u << (lane + i));
    a.data |= uint32_t(t.get_data_ptr()[i]) << (8 * (lane + i));
  }
  return TLM_OK_RESPONSE;
}

void RegWindow::complete_read(tlm_generic_payload& t, uint32_t rdata) {
  const unsigned lane = t.get_address() % 4;
  for (unsigned i = 0; i < t.get_data_length(); ++i) t.get_data_ptr()[i] = uint8_t(rdata >> (8 * (lane + i)));
}

}  // namespace dmacosim
