#include "cpu.h"

#include <cstring>
#include <vector>

#include "log.h"
#include "tlm_status.h"

namespace dmacosim {

using namespace sc_core;

Cpu::Cpu(sc_module_name name)
    : sc_module(name), bus("bus"), irq_in(std::string(this->name()) + ".irq_in", [this](bool level) {
        if (level) irq_event_.notify(SC_ZERO_TIME);
      }) {}

bool Cpu::access(tlm::tlm_command cmd, uint64_t addr, void* data, size_t len) {
  if (gp_free_.empty()) {
    gp_pool_.push_back(std::make_unique<tlm::tlm_generic_payload>());
    gp_free_.push_back(gp_pool_.back().get());
  }
  tlm::tlm_generic_payload& gp = *gp_free_.back();
  gp_free_.pop_back();
  gp.set_command(cmd);
  gp.set_address(addr);
  gp.set_data_ptr(static_cast<unsigned char*>(data));
  gp.set_data_length(static_cast<unsigned>(len));
  gp.set_streaming_width(static_cast<unsigned>(len));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_byte_enable_length(0);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time delay = SC_ZERO_TIME;
  bool is_read = cmd == tlm::TLM_READ_COMMAND;
  (is_read ? bus_reads_ : bus_writes_)++;
  bus->b_transport(gp, delay);
  const tlm::tlm_response_status status = gp.get_response_status();
  gp_free_.push_back(&gp);
  const bool ok = status == tlm::TLM_OK_RESPONSE;
  if (!ok) {
    ++bus_errors_;
    last_error_ = CpuBusError{true, is_read, addr, static_cast<unsigned>(len), status, sc_time_stamp()};
    std::string ctx = context_name ? " [" + context_name() + "]" : std::string();
    log_error(name(), strfmt("cpu: bus error %s 0x%llx (%u bytes) (%s)%s", is_read ? "reading" : "writing",
                             static_cast<unsigned long long>(addr), static_cast<unsigned>(len),
                             tlm_status_text(status), ctx.c_str()));
    if (is_read) std::memset(data, 0xff, len);
  }
  wait(delay + access_cost_);
  preemption_point();
  return ok;
}

uint8_t Cpu::readb(uint64_t addr) {
  uint8_t v = 0;
  access(tlm::TLM_READ_COMMAND, addr, &v, 1);
  return v;
}
uint16_t Cpu::readw(uint64_t addr) {
  uint16_t v = 0;
  access(tlm::TLM_READ_COMMAND, addr, &v, 2);
  return v;
}
uint32_t Cpu::readl(uint64_t addr) {
  uint32_t v = 0;
  access(tlm::TLM_READ_COMMAND, addr, &v, 4);
  return v;
}
void Cpu::writeb(uint8_t value, uint64_t addr) { access(tlm::TLM_WRITE_COMMAND, addr, &value, 1); }
void Cpu::writew(uint16_t value, uint64_t addr) { access(tlm::TLM_WRITE_COMMAND, addr, &value, 2); }
void Cpu::writel(uint32_t value, uint64_t addr) { access(tlm::TLM_WRITE_COMMAND, addr, &value, 4); }

bool Cpu::memcpy_to_bus(uint64_t addr, const void* src, size_t len) {
  if (len == 0) return true;
  std::vector<unsigned char> buf(static_cast<const unsigned char*>(src), static_cast<const unsigned char*>(src) + len);
  return access(tlm::TLM_WRITE_COMMAND, addr, buf.data(), len);
}

bool Cpu::memcpy_from_bus(void* dst, uint64_t addr, size_t len) {
  if (len == 0) return true;
  return access(tlm::TLM_READ_COMMAND, addr, dst, len);
}

void Cpu::arch_local_irq_enable() {
  irq_disabled_ = false;
  preemption_point();
}

void Cpu::take_interrupt() {
  // Exception entry: mask, run the kernel's entry code on this thread, then
  // restore the flag as the exception return does.
  bool saved = irq_disabled_;
  irq_disabled_ = true;
  ++interrupts_taken_;
  ++nesting_;
  if (interrupt_entry_) {
    interrupt_entry_();
  } else {
    log_warn(name(), "cpu: interrupt taken but no interrupt entry installed; masking");
    --nesting_;
    return;  // leave IRQs masked: nothing could ever clear the line
  }
  --nesting_;
  irq_disabled_ = saved;
}

void Cpu::preemption_point() {
  while (irq_in.read() && !irq_disabled_ && interrupt_entry_) take_interrupt();
}

void Cpu::delay(const sc_time& t) {
  preemption_point();
  sc_time remaining = t;
  while (remaining > SC_ZERO_TIME) {
    sc_time start = sc_time_stamp();
    wait(remaining, irq_event_);
    sc_time elapsed = sc_time_stamp() - start;
    remaining = elapsed >= remaining ? SC_ZERO_TIME : remaining - elapsed;
    preemption_point();
  }
}

void Cpu::cpu_relax() { delay(relax_cost_); }

void Cpu::wait_for_interrupt(const sc_event* also) {
  if (irq_in.read() && !irq_disabled_) {
    preemption_point();
    return;
  }
  if (also)
    wait(irq_event_ | *also);
  else
    wait(irq_event_);
  preemption_point();
}

}  // namespace dmacosim
