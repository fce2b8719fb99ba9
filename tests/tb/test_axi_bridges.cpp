// The TLM <-> AXI pin bridges of the RTL host, exercised through a Verilog
// initiator/target (tests/tb/rtl/axi_test_top.sv): AXI4-Lite register access
// with SLVERR/DECERR, AXI4 INCR and FIXED bursts, narrow and unaligned writes
// with WSTRB, several outstanding reads, error responses, random backpressure,
// and idle-cycle skipping that changes nothing.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "Vaxi_test_top.h"
#include "models/log.h"
#include "models/ram.h"
#include "tb/dmac_host.h"

using namespace dmacosim;
using namespace sc_core;

namespace {

enum : uint32_t {
  REG_ID = 0x000, REG_SCRATCH = 0x004, REG_CONST = 0x008, REG_CMD_ADDR = 0x010, REG_CMD_LEN = 0x014,
  REG_CMD_SIZE = 0x018, REG_CMD_BURST = 0x01C, REG_CMD_PUSH = 0x020, REG_GO = 0x024, REG_STATUS = 0x028,
  REG_PATTERN = 0x02C, REG_IRQ_EN = 0x030, REG_IRQ_ACK = 0x034, REG_MAX_READS = 0x038, REG_CAPTURE = 0x100,
};

struct Cmd { bool write; uint32_t addr; unsigned len; unsigned size; unsigned burst; };

// Test bench: a software thread on one side of the register bridge, RAM behind
// the memory bridge, the device's irq raising an event.
struct Bench : sc_module {
  tlm_utils::simple_initiator_socket<Bench> cpu;
  DmacHost<Vaxi_test_top> host;
  Ram ram;
  sc_event irq_event;
  std::function<void(Bench&)> body;
  bool finished = false;
  bool stop_when_finished = true;  // false when several benches share one simulation

  SC_HAS_PROCESS(Bench);
  Bench(sc_module_name n, RamTiming timing = {})
      : sc_module(n), cpu("cpu"), host("host"), ram("ram", 1 << 16, timing) {
    cpu.bind(host.regs);
    host.mem.bind(ram.socket);
    host.irq.on_change([this](bool v) { if (v) irq_event.notify(); });
    SC_THREAD(main);
  }
  void main() {
    body(*this);
    finished = true;
    if (stop_when_finished) sc_stop();
  }

  tlm::tlm_response_status access(bool write, uint64_t addr, uint8_t* data, unsigned len) {
    tlm::tlm_generic_payload tx;
    tx.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    tx.set_address(addr);
    tx.set_data_ptr(data);
    tx.set_data_length(len);
    tx.set_streaming_width(len);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = SC_ZERO_TIME;
    cpu->b_transport(tx, d);
    wait(d);
    return tx.get_response_status();
  }
  uint32_t read32(uint32_t off, tlm::tlm_response_status* st = nullptr) {
    uint32_t v = 0;
    auto s = access(false, off, reinterpret_cast<uint8_t*>(&v), 4);
    if (st) *st = s;
    else EXPECT_EQ(s, tlm::TLM_OK_RESPONSE) << "read of 0x" << std::hex << off;
    return v;
  }
  tlm::tlm_response_status write32(uint32_t off, uint32_t v) {
    return access(true, off, reinterpret_cast<uint8_t*>(&v), 4);
  }
  void push(const Cmd& c) {
    ASSERT_EQ(write32(REG_CMD_ADDR, c.addr), tlm::TLM_OK_RESPONSE);
    write32(REG_CMD_LEN, c.len);
    write32(REG_CMD_SIZE, c.size);
    write32(REG_CMD_BURST, c.burst);
    write32(REG_CMD_PUSH, c.write ? 1 : 0);
  }
  // GO, then wait for the completion interrupt (with a bound: a hang fails).
  void go_and_wait() {
    write32(REG_IRQ_EN, 1);
    write32(REG_GO, 1);
    if (!host.irq.read()) wait(sc_time(200, SC_US), irq_event);
    ASSERT_TRUE(host.irq.read()) << "no completion interrupt within 200 us";
    write32(REG_IRQ_ACK, 1);
  }
};

// Expected content of a byte written by the device.
uint8_t pattern_byte(uint32_t addr, uint32_t pattern) { return uint8_t(addr + pattern); }

// Byte addresses an AXI burst writes (AXI4 A3.4: first beat from the unaligned
// address up to the size boundary, later beats size-aligned).
std::vector<uint32_t> burst_bytes(const Cmd& c) {
  std::vector<uint32_t> out;
  uint32_t bytes = 1u << c.size;
  uint32_t a = c.addr;
  for (unsigned k = 0; k <= c.len; ++k) {
    uint32_t lo = a, hi = (a & ~(bytes - 1)) + bytes;
    for (uint32_t x = lo; x < hi; ++x) out.push_back(x);
    if (c.burst == AXI_BURST_INCR) a = hi;
  }
  return out;
}

void run(Bench& b) {
  sc_start(sc_time(10, SC_MS));
  ASSERT_TRUE(b.finished) << "test body did not finish: simulation hung";
}

}  // namespace

TEST(AxiLiteBridge, ReadWriteAndErrorResponses) {
  Bench b("b");
  b.body = [](Bench& t) {
    EXPECT_EQ(t.read32(REG_ID), 0x7E57A100u);
    EXPECT_EQ(t.write32(REG_SCRATCH, 0xDEADBEEF), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(t.read32(REG_SCRATCH), 0xDEADBEEFu);
    // Byte read inside a word: the bridge reads the word and returns the lane.
    uint8_t byte = 0;
    EXPECT_EQ(t.access(false, REG_ID + 1, &byte, 1), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(byte, 0xA1);
    // Write to a read-only register: SLVERR -> TLM generic error, logged.
    EXPECT_EQ(t.write32(REG_CONST, 1), tlm::TLM_GENERIC_ERROR_RESPONSE);
    EXPECT_EQ(t.read32(REG_CONST), 0xC0FFEE00u);
    // Unmapped offset: DECERR -> TLM address error.
    tlm::tlm_response_status st;
    t.read32(0x500, &st);
    EXPECT_EQ(st, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Wrong access size: rejected by the bridge before reaching the pins.
    uint8_t eight[8] = {};
    EXPECT_EQ(t.access(true, REG_SCRATCH, eight, 8), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(t.read32(REG_SCRATCH), 0xDEADBEEFu) << "a rejected access must not write";
  };
  run(b);
  EXPECT_GE(Log::instance().count(LogLevel::Warn, "SLVERR"), 1u);
  EXPECT_GE(Log::instance().count(LogLevel::Warn, "DECERR"), 1u);
  EXPECT_GE(Log::instance().count(LogLevel::Error, "registers are 32-bit"), 1u);
}

TEST(Axi4Bridge, IncrFixedNarrowUnalignedWrites) {
  Bench b("b");
  const uint32_t pattern = 0x5A;
  const std::vector<Cmd> cmds = {
      {true, 0x1000, 15, 3, AXI_BURST_INCR},  // 16 full beats
      {true, 0x2003, 6, 2, AXI_BURST_INCR},   // narrow 4-byte beats, unaligned start
      {true, 0x3005, 0, 3, AXI_BURST_INCR},   // single unaligned beat: lanes 5..7 only
      {true, 0x400C, 3, 2, AXI_BURST_FIXED},  // FIFO-style: 4 beats to one word
      {true, 0x5001, 4, 0, AXI_BURST_INCR},   // byte beats
  };
  b.ram.fill(0xEE);
  b.body = [&](Bench& t) {
    t.write32(REG_PATTERN, pattern);
    for (auto& c : cmds) t.push(c);
    t.go_and_wait();
    EXPECT_EQ(t.read32(REG_STATUS) >> 8 & 0xFF, cmds.size()) << "write bursts completed";
    EXPECT_EQ(t.read32(REG_STATUS) >> 16 & 0xFF, 0u) << "error responses";
  };
  run(b);
  std::vector<bool> expected(b.ram.size(), false);
  for (auto& c : cmds)
    for (uint32_t a : burst_bytes(c)) expected[a] = true;
  for (uint32_t a = 0; a < b.ram.size(); ++a) {
    uint8_t v;
    b.ram.read_bytes(a, &v, 1);
    if (expected[a]) ASSERT_EQ(v, pattern_byte(a, pattern)) << "byte 0x" << std::hex << a;
    else ASSERT_EQ(v, 0xEE) << "guard byte 0x" << std::hex << a << " written";
  }
  EXPECT_EQ(b.host.core().mem_port().stats().protocol_errors, 0u);
}

TEST(Axi4Bridge, ReadBurstsOutstandingWithLatency) {
  RamTiming slow;
  slow.first_beat = sc_time(200, SC_NS);  // 20 cycles: reads pile up
  slow.per_beat = sc_time(10, SC_NS);
  Bench b("b", slow);
  for (uint32_t a = 0; a < b.ram.size(); ++a) {
    uint8_t v = uint8_t(a * 7 + (a >> 8));
    b.ram.write_bytes(a, &v, 1);
  }
  const std::vector<Cmd> cmds = {
      {false, 0x100, 3, 3, AXI_BURST_INCR}, {false, 0x203, 3, 3, AXI_BURST_INCR},
      {false, 0x306, 3, 2, AXI_BURST_INCR}, {false, 0x400, 3, 3, AXI_BURST_INCR},
      {false, 0x50C, 2, 2, AXI_BURST_FIXED}, {false, 0x600, 3, 3, AXI_BURST_INCR},
  };
  std::vector<uint64_t> captured;
  b.body = [&](Bench& t) {
    for (auto& c : cmds) t.push(c);
    t.go_and_wait();
    EXPECT_EQ(t.read32(REG_STATUS) & 0xFF, cmds.size());
    EXPECT_GE(t.read32(REG_MAX_READS), 4u) << "at least 4 read bursts outstanding";
    unsigned beats = 0;
    for (auto& c : cmds) beats += c.len + 1;
    for (unsigned i = 0; i < beats; ++i)
      captured.push_back(t.read32(REG_CAPTURE + 8 * i) | uint64_t(t.read32(REG_CAPTURE + 8 * i + 4)) << 32);
  };
  run(b);
  unsigned i = 0;
  for (auto& c : cmds) {
    uint32_t bytes = 1u << c.size, a = c.addr;
    for (unsigned k = 0; k <= c.len; ++k, ++i) {
      uint32_t lo = a, hi = (a & ~(bytes - 1)) + bytes;
      for (uint32_t x = lo; x < hi; ++x) {
        uint8_t mem;
        b.ram.read_bytes(x, &mem, 1);
        ASSERT_EQ(uint8_t(captured[i] >> (8 * (x % 8))), mem) << "beat " << i << " byte 0x" << std::hex << x;
      }
      if (c.burst == AXI_BURST_INCR) a = hi;
    }
  }
  EXPECT_GE(b.host.core().mem_port().stats().max_reads_outstanding, 4u);
}

TEST(Axi4Bridge, ErrorResponsesAndNoWriteOnError) {
  Bench b("b");
  b.ram.fill(0xEE);
  b.ram.inject_error_range(0x3000, 0x3100, tlm::TLM_GENERIC_ERROR_RESPONSE);  // -> SLVERR
  b.body = [&](Bench& t) {
    t.write32(REG_PATTERN, 1);
    t.push({false, 0x3000, 3, 3, AXI_BURST_INCR});   // SLVERR
    t.push({true, 0x3040, 1, 3, AXI_BURST_INCR});    // SLVERR, memory unchanged
    t.push({false, 0x10000, 3, 3, AXI_BURST_INCR});  // beyond the 64 KiB RAM -> DECERR
    t.push({true, 0x100, 0, 3, AXI_BURST_INCR});     // fine
    t.go_and_wait();
    uint32_t st = t.read32(REG_STATUS);
    // The device counts every errored R beat and every errored B: 4 + 1 + 4.
    EXPECT_EQ(st >> 16 & 0xFF, 9u);
    EXPECT_EQ(st & 0xFF, 2u) << "read bursts completed (with errors)";
  };
  run(b);
  uint8_t v;
  b.ram.read_bytes(0x3040, &v, 1);
  EXPECT_EQ(v, 0xEE) << "an errored write must not change memory";
  b.ram.read_bytes(0x100, &v, 1);
  EXPECT_EQ(v, pattern_byte(0x100, 1));
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "read of 32 byte(s) at 0x10000 (offset 0x10000) is out of range"), 1u);
  EXPECT_GE(b.host.core().mem_port().stats().error_responses, 3u);
}

TEST(Axi4Bridge, RandomBackpressureKeepsDataExact) {
  Bench b("b");
  AxiSlaveTiming stall;
  stall.seed = 7;
  stall.ar_ready = stall.aw_ready = stall.w_ready = stall.r_valid = stall.b_valid = 0.4;
  b.host.core().mem_port().set_timing(stall);
  b.ram.fill(0xEE);
  const uint32_t pattern = 3;
  std::vector<Cmd> cmds;
  for (unsigned i = 0; i < 12; ++i) cmds.push_back({true, 0x800u * (i + 1) + i, (i * 5) % 16, i % 4, AXI_BURST_INCR});
  b.body = [&](Bench& t) {
    t.write32(REG_PATTERN, pattern);
    for (auto& c : cmds) t.push(c);
    t.go_and_wait();
    EXPECT_EQ(t.read32(REG_STATUS) >> 8 & 0xFF, cmds.size());
  };
  run(b);
  std::vector<bool> expected(b.ram.size(), false);
  for (auto& c : cmds)
    for (uint32_t a : burst_bytes(c)) expected[a] = true;
  for (uint32_t a = 0; a < b.ram.size(); ++a) {
    uint8_t v;
    b.ram.read_bytes(a, &v, 1);
    ASSERT_EQ(v, expected[a] ? pattern_byte(a, pattern) : 0xEE) << "byte 0x" << std::hex << a;
  }
}

// Two identical benches in one simulation, one skipping idle cycles and one
// clocking every cycle: interrupt times and memory must be identical.
TEST(RtlHost, IdleSkippingIsCycleExact) {
  Bench skip("skip"), clocked("clocked");
  clocked.host.set_idle_skipping(false);
  skip.stop_when_finished = clocked.stop_when_finished = false;
  std::vector<sc_time> irq_times[2];
  auto body = [](std::vector<sc_time>& times) {
    return [&times](Bench& t) {
      t.write32(REG_PATTERN, 9);
      for (unsigned round = 0; round < 5; ++round) {
        wait(sc_time(3 + round, SC_US));  // idle time: nothing for the RTL to do
        t.push({true, 0x1000u + 0x100u * round + round, 7, 3, AXI_BURST_INCR});
        t.push({false, 0x1000u + 0x100u * round, 3, 3, AXI_BURST_INCR});
        t.go_and_wait();
        times.push_back(sc_core::sc_time_stamp());
      }
    };
  };
  skip.body = body(irq_times[0]);
  clocked.body = body(irq_times[1]);
  sc_start(sc_time(10, SC_MS));
  ASSERT_TRUE(skip.finished && clocked.finished);
  ASSERT_EQ(irq_times[0].size(), 5u);
  EXPECT_EQ(irq_times[0], irq_times[1]);
  for (uint32_t a = 0; a < skip.ram.size(); ++a) ASSERT_EQ(skip.ram.data()[a], clocked.ram.data()[a]) << a;
  EXPECT_GT(skip.host.cycles_skipped(), 1000u);
  EXPECT_EQ(clocked.host.cycles_skipped(), 0u);
  EXPECT_LT(skip.host.cycles_evaluated(), clocked.host.cycles_evaluated());
}
