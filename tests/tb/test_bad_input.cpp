// Bad input on the platform bus to the DMA's register window (docs/bad-input.md):
// the real dmac_top behind the RTL host's AXI4-Lite bridge, driven by TLM
// accesses as the CPU issues them. Wrong size, a word-crossing access, partial
// byte enables, an offset outside the window, an unmapped offset and a write
// to a read-only register each get a TLM error and change nothing.
#include <gtest/gtest.h>

#include <functional>

#include "Vdmac_top.h"
#include "dmac_regs.h"
#include "models/log.h"
#include "models/ram.h"
#include "tb/dmac_host.h"

using namespace dmacosim;
using namespace sc_core;

namespace {

struct Bench : sc_module {
  tlm_utils::simple_initiator_socket<Bench> cpu;
  DmacHost<Vdmac_top> host;
  Ram ram;
  std::function<void(Bench&)> body;
  bool finished = false;

  SC_HAS_PROCESS(Bench);
  explicit Bench(sc_module_name n) : sc_module(n), cpu("cpu"), host("host"), ram("ram", 1 << 16) {
    cpu.bind(host.regs);
    host.mem.bind(ram.socket);
    SC_THREAD(main);
  }
  void main() {
    body(*this);
    finished = true;
    sc_stop();
  }
  tlm::tlm_response_status access(bool write, uint64_t addr, void* data, unsigned len,
                                  const uint8_t* be = nullptr, unsigned be_len = 0) {
    tlm::tlm_generic_payload tx;
    tx.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    tx.set_address(addr);
    tx.set_data_ptr(static_cast<uint8_t*>(data));
    tx.set_data_length(len);
    tx.set_streaming_width(len);
    tx.set_byte_enable_ptr(const_cast<uint8_t*>(be));
    tx.set_byte_enable_length(be_len);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = SC_ZERO_TIME;
    cpu->b_transport(tx, d);
    wait(d);
    return tx.get_response_status();
  }
  uint32_t read32(uint32_t off) {
    uint32_t v = 0;
    EXPECT_EQ(access(false, off, &v, 4), tlm::TLM_OK_RESPONSE) << "read of 0x" << std::hex << off;
    return v;
  }
  tlm::tlm_response_status write32(uint32_t off, uint32_t v) { return access(true, off, &v, 4); }
};

void run(Bench& b) {
  sc_start(sc_time(10, SC_MS));
  ASSERT_TRUE(b.finished) << "test body did not finish: simulation hung";
}

constexpr uint32_t kMask2 = DMAC_CH_BASE(2) + DMAC_CH_IRQ_MASK;

TEST(DmacRegsOnBus, WrongSizeAndWordCrossingAreBurstErrors) {
  Bench b("b");
  b.body = [](Bench& t) {
    ASSERT_EQ(t.write32(kMask2, 0x5), tlm::TLM_OK_RESPONSE);
    uint64_t eight = ~0ull;
    EXPECT_EQ(t.access(true, kMask2, &eight, 8), tlm::TLM_BURST_ERROR_RESPONSE) << "8-byte write";
    EXPECT_EQ(t.access(false, DMAC_ID, &eight, 8), tlm::TLM_BURST_ERROR_RESPONSE) << "8-byte read";
    uint32_t v = 0xFFFFFFFF;
    EXPECT_EQ(t.access(true, kMask2 + 2, &v, 4), tlm::TLM_BURST_ERROR_RESPONSE) << "4 bytes across two words";
    EXPECT_EQ(t.access(false, DMAC_ID + 3, &v, 2), tlm::TLM_BURST_ERROR_RESPONSE) << "2 bytes across two words";
    EXPECT_EQ(t.access(true, kMask2, &v, 3), tlm::TLM_BURST_ERROR_RESPONSE) << "3-byte access";
    EXPECT_EQ(t.read32(kMask2), 0x5u) << "a rejected access must not write";
  };
  run(b);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "registers are 32-bit"), 5u);
}

TEST(DmacRegsOnBus, PartialByteEnablesAreSlverrAndChangeNothing) {
  Bench b("b");
  b.body = [](Bench& t) {
    ASSERT_EQ(t.write32(kMask2, 0x5), tlm::TLM_OK_RESPONSE);
    // A byte write reaches the pins with WSTRB 0x1: the RTL answers SLVERR.
    uint8_t byte = 0x7;
    EXPECT_EQ(t.access(true, kMask2, &byte, 1), tlm::TLM_GENERIC_ERROR_RESPONSE) << "1-byte write";
    uint16_t half = 0x7;
    EXPECT_EQ(t.access(true, kMask2 + 2, &half, 2), tlm::TLM_GENERIC_ERROR_RESPONSE) << "2-byte write";
    // A word write with a byte-enable mask that disables lanes: partial WSTRB.
    const uint8_t be[4] = {TLM_BYTE_ENABLED, 0, 0, 0};
    uint32_t v = 0x7;
    EXPECT_EQ(t.access(true, kMask2, &v, 4, be, 4), tlm::TLM_GENERIC_ERROR_RESPONSE) << "byte enables 0001";
    EXPECT_EQ(t.read32(kMask2), 0x5u) << "a partial-strobe write must not change the register";
    // Narrow reads are fine: the bridge reads the word and returns the lane.
    uint8_t id1 = 0;
    EXPECT_EQ(t.access(false, DMAC_ID + 1, &id1, 1), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(id1, uint8_t(DMAC_ID_VALUE >> 8));
  };
  run(b);
  EXPECT_GE(Log::instance().count(LogLevel::Warn, "answered SLVERR"), 3u);
}

TEST(DmacRegsOnBus, UnmappedReadOnlyAndOutOfWindow) {
  Bench b("b");
  b.body = [](Bench& t) {
    uint32_t v = 0;
    EXPECT_EQ(t.access(false, 0x300, &v, 4), tlm::TLM_GENERIC_ERROR_RESPONSE) << "unmapped offset (SLVERR)";
    EXPECT_EQ(t.write32(0x014, 1), tlm::TLM_GENERIC_ERROR_RESPONSE) << "unmapped global offset";
    EXPECT_EQ(t.write32(DMAC_ID, 0), tlm::TLM_GENERIC_ERROR_RESPONSE) << "write to RO ID";
    EXPECT_EQ(t.write32(DMAC_CH_BASE(0) + DMAC_CH_STATUS, ~0u), tlm::TLM_GENERIC_ERROR_RESPONSE) << "write to RO STATUS";
    EXPECT_EQ(t.read32(DMAC_ID), DMAC_ID_VALUE);
    EXPECT_EQ(t.read32(DMAC_CH_BASE(0) + DMAC_CH_STATUS), 0u);
    EXPECT_EQ(t.access(false, 0x10000, &v, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "offset outside the 64 KiB window";
  };
  run(b);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "outside the 64 KiB window"), 1u);
  EXPECT_GE(Log::instance().count(LogLevel::Warn, "answered SLVERR"), 4u);
}

}  // namespace
