// A modelled CPU core: hardware only (bus master, local interrupt flag,
// exception entry), no Linux semantics.
//
// Software (the kernel layer and the driver) runs as C++ on SystemC threads.
// Whatever software thread is currently "on the CPU" calls the accessors
// below; each of them is a preemption point: if the level-sensitive IRQ input
// is high and the local I flag allows it, the CPU performs exception entry
// right there, on that thread, calling the installed interrupt entry hook
// (the kernel's irq_enter/handlers/irq_exit), exactly like a real interrupt
// taken on the current stack in the middle of a function.
//
// All accessors must be called from an SC_THREAD (they wait()).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "wire.h"

namespace dmacosim {

struct CpuBusError {
  bool valid = false;
  bool is_read = false;
  uint64_t addr = 0;
  unsigned len = 0;
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  sc_core::sc_time time;
};

class Cpu : public sc_core::sc_module {
public:
  tlm_utils::simple_initiator_socket<Cpu> bus;

  explicit Cpu(sc_core::sc_module_name name);

  // Level interrupt input (from the interrupt controller): irq_in.bind(wire).
  WireIn irq_in;

  // ---- MMIO accessors (Linux argument order for writes) ----
  uint8_t readb(uint64_t addr);
  uint16_t readw(uint64_t addr);
  uint32_t readl(uint64_t addr);
  void writeb(uint8_t value, uint64_t addr);
  void writew(uint16_t value, uint64_t addr);
  void writel(uint32_t value, uint64_t addr);
  // One bus transaction of `len` bytes (RAM fills, descriptor writes).
  // On a bus error the destination of a read is filled with 0xff.
  bool memcpy_to_bus(uint64_t addr, const void* src, size_t len);
  bool memcpy_from_bus(void* dst, uint64_t addr, size_t len);

  // ---- local interrupt flag (hardware I bit) ----
  bool local_irq_disabled() const { return irq_disabled_; }
  void arch_local_irq_disable() { irq_disabled_ = true; }
  void arch_local_irq_enable();  // preemption point
  // Set the flag without taking a pending interrupt (context switch restore).
  void arch_set_irq_flag_raw(bool disabled) { irq_disabled_ = disabled; }

  // ---- time ----
  // Busy delay; an interrupt arriving mid-delay is taken at that moment,
  // then the rest of the delay runs.
  void delay(const sc_core::sc_time& t);
  void cpu_relax();  // one short busy step (relax_cost), preemption point
  // Take a pending interrupt if the I flag allows it (no time passes).
  void preemption_point();
  // WFI: returns after an interrupt was taken (or `also` fired, or if one is
  // already pending and enabled). Used by the idle loop.
  void wait_for_interrupt(const sc_core::sc_event* also = nullptr);

  // ---- hooks for the kernel layer ----
  void set_interrupt_entry(std::function<void()> fn) { interrupt_entry_ = std::move(fn); }
  std::function<std::string()> context_name;  // used in log lines

  // ---- configuration ----
  void set_access_cost(const sc_core::sc_time& t) { access_cost_ = t; }
  const sc_core::sc_time& access_cost() const { return access_cost_; }
  void set_relax_cost(const sc_core::sc_time& t) { relax_cost_ = t; }
  bool irq_line() const { return irq_in.read(); }
  const sc_core::sc_event& irq_event() const { return irq_event_; }

  // ---- statistics / diagnostics ----
  uint64_t interrupts_taken() const { return interrupts_taken_; }
  uint64_t bus_accesses() const { return bus_reads_ + bus_writes_; }
  uint64_t bus_reads() const { return bus_reads_; }
  uint64_t bus_writes() const { return bus_writes_; }
  uint64_t bus_error_count() const { return bus_errors_; }
  const CpuBusError& last_bus_error() const { return last_error_; }
  unsigned irq_nesting() const { return nesting_; }

private:
  bool access(tlm::tlm_command cmd, uint64_t addr, void* data, size_t len);
  void take_interrupt();

  bool irq_disabled_ = false;
  unsigned nesting_ = 0;
  std::function<void()> interrupt_entry_;
  sc_core::sc_event irq_event_;
  sc_core::sc_time access_cost_{1, sc_core::SC_NS};
  sc_core::sc_time relax_cost_{10, sc_core::SC_NS};
  uint64_t interrupts_taken_ = 0, bus_reads_ = 0, bus_writes_ = 0, bus_errors_ = 0;
  CpuBusError last_error_;
  // Payloads of the bus accesses, owned here and reused: b_transport blocks
  // for the bus latency, and a software thread abandoned there when the run
  // stops (a panic, a hang) would otherwise leak its payload; reuse also
  // saves the payload's allocations on every MMIO access.
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> gp_pool_;
  std::vector<tlm::tlm_generic_payload*> gp_free_;
};

}  // namespace dmacosim
