#include "router.h"

#include <algorithm>

#include "log.h"

namespace dmacosim {

using namespace sc_core;
using namespace tlm;

Router::Router(sc_module_name name) : sc_module(name), target("target"), initiator("initiator") {
  target.register_b_transport(this, &Router::b_transport);
  target.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  target.register_transport_dbg(this, &Router::transport_dbg);
  initiator.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

void Router::map(uint64_t base, uint64_t size, tlm_target_socket<>& target_socket, std::string region_name) {
  if (size == 0 || base + size - 1 < base) {
    SC_REPORT_ERROR("dmacosim/router", strfmt("%s: region '%s' at 0x%llx has invalid size 0x%llx", name(),
                                              region_name.c_str(), (unsigned long long)base, (unsigned long long)size)
                                           .c_str());
    return;
  }
  for (const auto& r : regions_) {
    if (base <= r.base + (r.size - 1) && r.base <= base + (size - 1)) {
      SC_REPORT_ERROR("dmacosim/router",
                      strfmt("%s: region '%s' [0x%llx, +0x%llx) overlaps '%s' [0x%llx, +0x%llx)", name(),
                             region_name.c_str(), (unsigned long long)base, (unsigned long long)size, r.name.c_str(),
                             (unsigned long long)r.base, (unsigned long long)r.size)
                          .c_str());
      return;
    }
  }
  unsigned port = unsigned(regions_.size());
  initiator.bind(target_socket);
  regions_.push_back({base, size, std::move(region_name), port});
}

void Router::name_initiator(unsigned index, std::string n) {
  if (initiator_names_.size() <= index) initiator_names_.resize(index + 1);
  initiator_names_[index] = std::move(n);
}

std::string Router::initiator_name(int id) const {
  if (id >= 0 && unsigned(id) < initiator_names_.size() && !initiator_names_[id].empty())
    return initiator_names_[id];
  return strfmt("initiator#%d", id);
}

int Router::decode(uint64_t addr) const {
  for (size_t i = 0; i < regions_.size(); ++i)
    if (addr >= regions_[i].base && addr - regions_[i].base < regions_[i].size) return int(i);
  return -1;
}

int Router::route(int id, tlm_generic_payload& trans, bool log) {
  const uint64_t addr = trans.get_address();
  const unsigned len = trans.get_data_length();
  unsigned sw = trans.get_streaming_width();
  if (sw == 0 || sw > len) sw = len;
  const char* what = trans.is_write() ? "write" : trans.is_read() ? "read" : "ignore";
  int r = decode(addr);
  if (r < 0) {
    if (log) {
      ++unmapped_;
      log_error(name(), strfmt("unmapped address 0x%llx: %s of %u byte(s) from %s", (unsigned long long)addr, what,
                               len, initiator_name(id).c_str()));
      trans.set_response_status(TLM_ADDRESS_ERROR_RESPONSE);
    }
    return -1;
  }
  const Region& reg = regions_[r];
  const uint64_t span = std::max(1u, sw);
  if (addr - reg.base + span > reg.size) {
    if (log) {
      const int other = decode(reg.base + reg.size);
      log_error(name(), strfmt("%s of %u byte(s) at 0x%llx from %s spans region '%s' into %s", what, len,
                               (unsigned long long)addr, initiator_name(id).c_str(), reg.name.c_str(),
                               other >= 0 ? ("'" + regions_[other].name + "'").c_str() : "unmapped space"));
      trans.set_response_status(TLM_ADDRESS_ERROR_RESPONSE);
    }
    return -1;
  }
  return r;
}

void Router::b_transport(int id, tlm_generic_payload& trans, sc_time& delay) {
  delay += latency_;
  int r = route(id, trans, true);
  if (r < 0) return;
  const Region& reg = regions_[r];
  const uint64_t addr = trans.get_address();
  trans.set_address(addr - reg.base);
  initiator[reg.port]->b_transport(trans, delay);
  trans.set_address(addr);
}

bool Router::get_direct_mem_ptr(int id, tlm_generic_payload& trans, tlm_dmi& dmi) {
  const uint64_t addr = trans.get_address();
  int r = decode(addr);
  if (r < 0) {
    // Deny for the whole gap around the address.
    uint64_t lo = 0, hi = ~uint64_t(0);
    for (const auto& g : regions_) {
      if (g.base + g.size - 1 < addr) lo = std::max(lo, g.base + g.size);
      if (g.base > addr) hi = std::min(hi, g.base - 1);
    }
    dmi.allow_none();
    dmi.set_start_address(lo);
    dmi.set_end_address(hi);
    return false;
  }
  const Region& reg = regions_[r];
  trans.set_address(addr - reg.base);
  bool ok = initiator[reg.port]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(addr);
  // Translate back to bus addresses and clip to the region.
  uint64_t s = dmi.get_start_address(), e = dmi.get_end_address();
  const uint64_t cs = std::min<uint64_t>(s, reg.size - 1), ce = std::min<uint64_t>(e, reg.size - 1);
  if (ok && cs != s) dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (cs - s));  // keep ptr <-> start consistent
  dmi.set_start_address(reg.base + cs);
  dmi.set_end_address(reg.base + ce);
  return ok;
}

unsigned int Router::transport_dbg(int id, tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  int r = decode(addr);
  if (r < 0) {
    trans.set_response_status(TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  const Region& reg = regions_[r];
  // Clip debug accesses to the region rather than failing them.
  const unsigned len = trans.get_data_length();
  const uint64_t room = reg.size - (addr - reg.base);
  if (len > room) trans.set_data_length(unsigned(room));
  trans.set_address(addr - reg.base);
  unsigned n = initiator[reg.port]->transport_dbg(trans);
  trans.set_address(addr);
  trans.set_data_length(len);
  return n;
}

void Router::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const auto& reg : regions_) {
    if (int(reg.port) != port) continue;
    if (start >= reg.size) return;
    uint64_t s = reg.base + start;
    uint64_t e = reg.base + std::min<uint64_t>(end, reg.size - 1);
    for (unsigned i = 0; i < target.size(); ++i) target[i]->invalidate_direct_mem_ptr(s, e);
    return;
  }
}

}  // namespace dmacosim
