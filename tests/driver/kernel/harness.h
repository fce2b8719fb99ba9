// Small SystemC platform for the kernel-model tests: the Cpu, a fake MMIO
// target (so bus accesses take time), a minimal IrqChip and a test interrupt
// source that raises lines at chosen times. No real intc/RAM needed.
#pragma once
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "driver/kernel/bottom_half.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/irqflags.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/mutex.h"
#include "driver/kernel/preempt.h"
#include "driver/kernel/rwlock.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/spinlock.h"
#include "driver/kernel/workqueue.h"
#include "models/cpu.h"
#include "models/log.h"
#include "models/wire.h"

namespace kt {

using namespace sc_core;
using namespace dmacosim;
using namespace dmacosim::kernel;

constexpr uint64_t kBase = 0x40000000;
constexpr uint64_t kSize = 0x1000;

// MMIO/RAM target at kBase..kBase+kSize, fixed latency, address error elsewhere.
struct FakeBus : sc_module {
  tlm_utils::simple_target_socket<FakeBus> socket;
  std::vector<uint8_t> mem = std::vector<uint8_t>(kSize, 0);
  sc_time latency{10, SC_NS};
  std::vector<std::pair<sc_time, uint64_t>> accesses;  // (time of request, addr)

  explicit FakeBus(sc_module_name n) : sc_module(n), socket("socket") {
    socket.register_b_transport(this, &FakeBus::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
    uint64_t a = gp.get_address();
    unsigned len = gp.get_data_length();
    accesses.emplace_back(sc_time_stamp(), a);
    if (a < kBase || a + len > kBase + kSize) {
      gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    uint8_t* p = mem.data() + (a - kBase);
    if (gp.is_read())
      std::memcpy(gp.get_data_ptr(), p, len);
    else
      std::memcpy(p, gp.get_data_ptr(), len);
    delay += latency;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// Minimal PLIC-like chip: claim returns the lowest pending source and clears it.
struct TestIrqChip : IrqChip {
  Wire& line;
  uint32_t pending = 0;
  unsigned claims = 0, completes = 0;
  explicit TestIrqChip(Wire& w) : line(w) {}
  void raise(unsigned n) {
    pending |= 1u << n;
    line.write(true);
  }
  unsigned claim() override {
    ++claims;
    if (!pending) {
      line.write(false);
      return 0;
    }
    unsigned n = static_cast<unsigned>(__builtin_ctz(pending));
    pending &= ~(1u << n);
    line.write(pending != 0);
    return n;
  }
  void complete(unsigned) override { ++completes; }
};

// Raises interrupt sources at chosen times.
struct IrqSource : sc_module {
  TestIrqChip& chip;
  std::vector<std::pair<sc_time, unsigned>> events;
  SC_HAS_PROCESS(IrqSource);
  IrqSource(sc_module_name n, TestIrqChip& c) : sc_module(n), chip(c) { SC_THREAD(run); }
  void at(sc_time t, unsigned irq) { events.emplace_back(t, irq); }
  void run() {
    std::sort(events.begin(), events.end());
    for (auto& e : events) {
      if (e.first > sc_time_stamp()) wait(e.first - sc_time_stamp());
      chip.raise(e.second);
    }
  }
};

struct Platform {
  Cpu cpu{"cpu"};
  FakeBus bus{"bus"};
  Wire irq{"irq"};
  TestIrqChip chip{irq};
  IrqSource src{"src", chip};
  Kernel k{cpu};
  Platform() {
    cpu.bus.bind(bus.socket);
    cpu.irq_in.bind(irq);
    k.set_irq_chip(&chip);
  }
};

// One platform per test process (SystemC elaborates once); never destroyed,
// so suspended SystemC threads never see freed objects.
inline Platform& platform() {
  static Platform* p = new Platform;
  return *p;
}

inline double now_ns() { return sc_time_stamp().to_seconds() * 1e9; }

inline std::string rules_of(const Lockdep& ld) {
  std::string s;
  for (const auto& r : ld.reports()) s += r.rule + " ";
  return s;
}

// Every report not expected by the test fails it.
inline void expect_no_unexpected_reports() {
  auto& ld = this_kernel().lockdep();
  EXPECT_TRUE(ld.unexpected().empty()) << "unexpected validator reports:\n" << ld.dump();
}

}  // namespace kt
