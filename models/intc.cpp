#include "intc.h"

#include "log.h"

namespace dmacosim {

using namespace sc_core;
using namespace tlm;

Intc::Intc(sc_module_name name, unsigned num_sources, sc_time access_latency)
    : sc_module(name), socket("socket"), num_sources_(num_sources), latency_(access_latency),
      irq_out_(std::string(this->name()) + ".irq_out"), regs_(this->name(), 0x1000, 3) {
  if (num_sources_ < 2 || num_sources_ > kMaxSources) {
    SC_REPORT_ERROR("dmacosim/intc", strfmt("%s: num_sources %u out of range 2..32", this->name(), num_sources).c_str());
    num_sources_ = kMaxSources;
  }
  for (unsigned n = 0; n < num_sources_; ++n) {
    auto level = [this, n](bool high) {
      if (high) levels_ |= 1u << n; else levels_ &= ~(1u << n);
      update();
    };
    inputs_.push_back(std::make_unique<WireIn>(strfmt("%s.source%u", this->name(), n), level, level));
  }
  declare_registers();
  socket.register_b_transport(this, &Intc::b_transport);
  socket.register_transport_dbg(this, &Intc::transport_dbg);
}

WireIn& Intc::source(unsigned n) {
  if (n == 0 || n >= num_sources_) {
    SC_REPORT_ERROR("dmacosim/intc", strfmt("%s: source(%u): valid sources are 1..%u", name(), n,
                                            num_sources_ - 1).c_str());
    return *inputs_[0];  // the reserved id's input: nothing reads it
  }
  return *inputs_[n];
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

// The register map (the table in intc.h), declared once; the bank applies the bus rules.
void Intc::declare_registers() {
  using A = RegAccess;
  regs_.add("ID", ID, A::RO, kId);
  regs_.add("NUM_SOURCES", NUM_SOURCES, A::RO).getter([this] { return num_sources_; });
  regs_.add("ENABLE", ENABLE, A::RW).field(enable_, valid_mask()).on_write([this](uint32_t) { update(); });
  regs_.add("PENDING", PENDING, A::RO).getter([this] { return pending(); });
  regs_.add("IN_SERVICE", IN_SERVICE, A::RO).field(in_service_, 0);
  regs_.add("CLAIM", CLAIM, A::RO).on_read([this](bool debug) { return claim(debug); });
  regs_.add("COMPLETE", COMPLETE, A::WO).on_write([this](uint32_t v) { complete(v); });
  regs_.add("THRESHOLD", THRESHOLD, A::RW).field(threshold_, 7).on_write([this](uint32_t v) {
    if (v > 7) log_warn(name(), strfmt("THRESHOLD write 0x%x: only bits [2:0] are implemented", v));
    update();
  });
  regs_.add("SPURIOUS_COUNT", SPURIOUS_COUNT, A::RO).field(spurious_, 0);
  // PRIORITY[0] belongs to the reserved source 0: reads 0, writes ignored.
  regs_.add("PRIORITY[0]", PRIORITY_BASE, A::RW).field(priority_[0], 0);
  for (unsigned n = 1; n < num_sources_; ++n)
    regs_.add(strfmt("PRIORITY[%u]", n), PRIORITY_BASE + 4 * n, A::RW).field(priority_[n], 7).on_write([this, n](uint32_t v) {
      if (v > 7) log_warn(name(), strfmt("PRIORITY[%u] write 0x%x: only bits [2:0] are implemented", n, v));
      update();
    });
}

uint32_t Intc::claim(bool debug) {
  const uint32_t v = peek_claim();
  if (debug) return v;
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
  return v;
}

void Intc::complete(uint32_t v) {
  if (v == 0 || v >= num_sources_ || !(in_service_ >> v & 1)) {
    log_warn(name(), strfmt("COMPLETE of source %u ignored: not in service (IN_SERVICE=0x%08x)", v, in_service_));
    return;
  }
  in_service_ &= ~(1u << v);
  log_debug(name(), strfmt("complete source %u", v));
  update();  // still-high input is pending again
}

void Intc::b_transport(tlm_generic_payload& t, sc_time& delay) {
  delay += latency_;
  regs_.b_transport(t, delay);
}

}  // namespace dmacosim
