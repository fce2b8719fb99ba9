#include "intc.h"

#include <cstring>

#include "log.h"

namespace dmacosim {

using namespace sc_core;
using namespace tlm;

Intc::Intc(sc_module_name name, unsigned num_sources, sc_time access_latency)
    : sc_module(name), socket("socket"), num_sources_(num_sources), latency_(access_latency),
      irq_out_(std::string(this->name()) + ".irq_out") {
  if (num_sources_ < 2 || num_sources_ > kMaxSources) {
    SC_REPORT_ERROR("dmacosim/intc", strfmt("%s: num_sources %u out of range 2..32", this->name(), num_sources).c_str());
    num_sources_ = kMaxSources;
  }
  socket.register_b_transport(this, &Intc::b_transport);
  socket.register_transport_dbg(this, &Intc::transport_dbg);
}

void Intc::connect_source(unsigned n, Wire& w) {
  if (n == 0 || n >= num_sources_) {
    SC_REPORT_ERROR("dmacosim/intc", strfmt("%s: connect_source(%u): valid sources are 1..%u", name(), n,
                                            num_sources_ - 1).c_str());
    return;
  }
  if (inputs_[n]) {
    SC_REPORT_ERROR("dmacosim/intc", strfmt("%s: source %u connected twice", name(), n).c_str());
    return;
  }
  inputs_[n] = &w;
  w.on_change([this, n](bool level) {
    if (level) levels_ |= 1u << n; else levels_ &= ~(1u << n);
    update();
  });
  if (w.read()) levels_ |= 1u << n;
  update();
}

uint32_t Intc::pending() const { return levels_ & ~in_service_ & valid_mask(); }

uint32_t Intc::eligible() const {
  uint32_t e = pending() & enable_;
  uint32_t out = 0;
  for (unsigned n = 1; n < num_sources_; ++n)
    if ((e >> n & 1) && priority_[n] > threshold_) out |= 1u << n;
  return out;
}

uint32_t Intc::peek_claim() const {
  uint32_t e = eligible();
  unsigned best = 0;
  for (unsigned n = 1; n < num_sources_; ++n)
    if ((e >> n & 1) && (best == 0 || priority_[n] > priority_[best])) best = n;
  return best;
}

void Intc::update() { irq_out_.write(eligible() != 0); }

tlm_response_status Intc::reg_read(uint32_t off, uint32_t& v, bool debug) {
  v = 0;
  switch (off) {
    case ID: v = kId; return TLM_OK_RESPONSE;
    case NUM_SOURCES: v = num_sources_; return TLM_OK_RESPONSE;
    case ENABLE: v = enable_; return TLM_OK_RESPONSE;
    case PENDING: v = pending(); return TLM_OK_RESPONSE;
    case IN_SERVICE: v = in_service_; return TLM_OK_RESPONSE;
    case CLAIM:
      v = peek_claim();
      if (!debug) {
        if (v == 0) {
          // The claim that ends a handler's loop (Linux plic_handle_irq()
          // claims until it reads 0) finds nothing by design; a claim of 0
          // with no source claimed before it is one nothing asked for.
          if (!claimed_since_zero_) {
            ++spurious_;
            log_info(name(), strfmt("spurious claim (no eligible source), SPURIOUS_COUNT=%u", spurious_));
          }
          claimed_since_zero_ = false;
        } else {
          claimed_since_zero_ = true;
          in_service_ |= 1u << v;
          log_debug(name(), strfmt("claim -> source %u", v));
          update();
        }
      }
      return TLM_OK_RESPONSE;
    case COMPLETE:
      if (!debug) log_error(name(), "read of write-only register COMPLETE (0x018)");
      return TLM_COMMAND_ERROR_RESPONSE;
    case THRESHOLD: v = threshold_; return TLM_OK_RESPONSE;
    case SPURIOUS_COUNT: v = spurious_; return TLM_OK_RESPONSE;
    default:
      if (off >= PRIORITY_BASE && off < PRIORITY_BASE + 4 * num_sources_ && off % 4 == 0) {
        v = priority_[(off - PRIORITY_BASE) / 4];
        return TLM_OK_RESPONSE;
      }
      if (!debug) log_error(name(), strfmt("read of unmapped register offset 0x%03x", off));
      return TLM_ADDRESS_ERROR_RESPONSE;
  }
}

tlm_response_status Intc::reg_write(uint32_t off, uint32_t v) {
  switch (off) {
    case ENABLE:
      enable_ = v & valid_mask();
      update();
      return TLM_OK_RESPONSE;
    case COMPLETE:
      if (v == 0 || v >= num_sources_ || !(in_service_ >> v & 1)) {
        log_warn(name(), strfmt("COMPLETE of source %u ignored: not in service (IN_SERVICE=0x%08x)", v, in_service_));
        return TLM_OK_RESPONSE;
      }
      in_service_ &= ~(1u << v);
      log_debug(name(), strfmt("complete source %u", v));
      update();  // still-high input is pending again
      return TLM_OK_RESPONSE;
    case THRESHOLD:
      if (v > 7) log_warn(name(), strfmt("THRESHOLD write 0x%x: only bits [2:0] are implemented", v));
      threshold_ = v & 7;
      update();
      return TLM_OK_RESPONSE;
    case ID: case NUM_SOURCES: case PENDING: case IN_SERVICE: case CLAIM: case SPURIOUS_COUNT:
      log_error(name(), strfmt("write 0x%08x to read-only register at offset 0x%03x", v, off));
      return TLM_COMMAND_ERROR_RESPONSE;
    default:
      if (off >= PRIORITY_BASE && off < PRIORITY_BASE + 4 * num_sources_ && off % 4 == 0) {
        unsigned n = (off - PRIORITY_BASE) / 4;
        if (n == 0) return TLM_OK_RESPONSE;  // reserved: reads 0, writes ignored
        if (v > 7) log_warn(name(), strfmt("PRIORITY[%u] write 0x%x: only bits [2:0] are implemented", n, v));
        priority_[n] = v & 7;
        update();
        return TLM_OK_RESPONSE;
      }
      log_error(name(), strfmt("write 0x%08x to unmapped register offset 0x%03x", v, off));
      return TLM_ADDRESS_ERROR_RESPONSE;
  }
}

tlm_response_status Intc::check_access(const tlm_generic_payload& t, bool log) {
  const uint64_t a = t.get_address();
  const unsigned len = t.get_data_length();
  const char* what = t.is_write() ? "write" : "read";
  if (a % 4) {
    if (log) log_error(name(), strfmt("misaligned %u-byte %s at offset 0x%llx: registers need 32-bit aligned access",
                                      len, what, (unsigned long long)a));
    return TLM_ADDRESS_ERROR_RESPONSE;
  }
  if (len != 4 || (t.get_streaming_width() != 0 && t.get_streaming_width() < 4)) {
    if (log) log_error(name(), strfmt("%u-byte %s at offset 0x%llx: registers accept 32-bit accesses only", len, what,
                                      (unsigned long long)a));
    return TLM_BURST_ERROR_RESPONSE;
  }
  if (const unsigned char* be = t.get_byte_enable_ptr()) {
    const unsigned bl = t.get_byte_enable_length();
    for (unsigned i = 0; bl && i < 4; ++i)
      if (be[i % bl] != TLM_BYTE_ENABLED) {
        if (log) log_error(name(), strfmt("partial byte enables on %s at offset 0x%llx: registers need all 4 bytes",
                                          what, (unsigned long long)a));
        return TLM_BYTE_ENABLE_ERROR_RESPONSE;
      }
  }
  if (a > 0xFFFFFFFFull) {
    if (log) log_error(name(), strfmt("%s at offset 0x%llx is unmapped", what, (unsigned long long)a));
    return TLM_ADDRESS_ERROR_RESPONSE;
  }
  return TLM_OK_RESPONSE;
}

void Intc::b_transport(tlm_generic_payload& t, sc_time& delay) {
  delay += latency_;
  if (t.get_command() == TLM_IGNORE_COMMAND) {
    t.set_response_status(TLM_OK_RESPONSE);
    return;
  }
  tlm_response_status st = check_access(t, true);
  if (st == TLM_OK_RESPONSE) {
    const uint32_t off = uint32_t(t.get_address());
    uint32_t v = 0;
    if (t.is_read()) {
      st = reg_read(off, v, false);
      if (st == TLM_OK_RESPONSE) std::memcpy(t.get_data_ptr(), &v, 4);
    } else {
      std::memcpy(&v, t.get_data_ptr(), 4);
      st = reg_write(off, v);
    }
  }
  t.set_response_status(st);
}

unsigned int Intc::transport_dbg(tlm_generic_payload& t) {
  if (t.get_command() == TLM_IGNORE_COMMAND || check_access(t, false) != TLM_OK_RESPONSE) return 0;
  const uint32_t off = uint32_t(t.get_address());
  uint32_t v = 0;
  tlm_response_status st;
  if (t.is_read()) {
    st = reg_read(off, v, true);
    if (st == TLM_OK_RESPONSE) std::memcpy(t.get_data_ptr(), &v, 4);
  } else {
    std::memcpy(&v, t.get_data_ptr(), 4);
    st = reg_write(off, v);
  }
  t.set_response_status(st);
  return st == TLM_OK_RESPONSE ? 4 : 0;
}

}  // namespace dmacosim
