// The register bank (models/reg_bank.h): each access rule and bus rule answers
// its TLM error with one log line when broken, and stays silent when kept.
#include <gtest/gtest.h>

#include <vector>

#include <tlm_utils/simple_target_socket.h>

#include "reg_bank.h"
#include "test_initiator.h"

using namespace dmacosim;
using namespace dmacosim::test;

namespace {

// A peripheral with one register of each kind in a 0x100-byte window.
struct Dev : sc_module {
  tlm_utils::simple_target_socket<Dev> socket{"socket"};
  RegBank regs{"dev", 0x100, 2};
  uint32_t ctrl = 0, status = 0, count = 0;
  std::vector<uint32_t> pushed;   // words handed to the FIFO register
  std::vector<uint32_t> kicked;   // values written to KICK
  unsigned side_effect_reads = 0;  // non-debug reads of POP

  explicit Dev(sc_module_name n) : sc_module(n) {
    regs.add("ID", 0x00, RegAccess::RO, 0x12345678);
    regs.add("CTRL", 0x04, RegAccess::RW, 0x5).field(ctrl, 0xFF);
    regs.add("STATUS", 0x08, RegAccess::W1C).field(status);
    regs.add("KICK", 0x0C, RegAccess::WO).on_write([this](uint32_t v) { kicked.push_back(v); });
    regs.add("FIFO", 0x10, RegAccess::WO).on_fifo_write([this](const uint32_t* w, size_t n) {
      pushed.insert(pushed.end(), w, w + n);
    });
    regs.add("POP", 0x14, RegAccess::RO).on_read([this](bool debug) {
      if (!debug) ++side_effect_reads;
      return 0xAB;
    });
    regs.add("COUNT", 0x18, RegAccess::RO).getter([this] { return count; });
    socket.register_b_transport(this, &Dev::b_transport);
    socket.register_transport_dbg(this, &Dev::transport_dbg);
  }
  void b_transport(tlm_generic_payload& t, sc_time& d) { regs.b_transport(t, d); }
  unsigned transport_dbg(tlm_generic_payload& t) { return regs.transport_dbg(t); }
};

struct RegBankBench {
  Dev dev{"dev"};
  TestInitiator init{"init"};
  RegBankBench() { init.socket.bind(dev.socket); }
  void run(std::function<void(TestInitiator&)> fn) {
    init.script(std::move(fn));
    sc_start();
    EXPECT_TRUE(init.done()) << "test script did not finish";
  }
};

size_t errors() { return Log::instance().count(LogLevel::Error, ""); }

}  // namespace

TEST(RegBank, AccessRulesKeptAreSilent) {
  RegBankBench b;
  b.run([&](TestInitiator& I) {
    EXPECT_EQ(I.rd32(0x00), 0x12345678u);  // RO: the reset value
    EXPECT_EQ(I.rd32(0x04), 0x5u);         // RW field: its reset value at declaration
    I.wr32(0x04, 0xABCD);
    EXPECT_EQ(b.dev.ctrl, 0xCDu) << "only the writable bits change";
    b.dev.status = 0xF0;
    I.wr32(0x08, 0x30);
    EXPECT_EQ(I.rd32(0x08), 0xC0u) << "W1C: bits written 1 clear, bits written 0 stay";
    I.wr32(0x0C, 7);
    EXPECT_EQ(b.dev.kicked, std::vector<uint32_t>{7});
    b.dev.count = 42;
    EXPECT_EQ(I.rd32(0x18), 42u);
    EXPECT_EQ(I.rd32(0x14), 0xABu);
    EXPECT_EQ(b.dev.side_effect_reads, 1u);
    b.dev.regs.reset();
    EXPECT_EQ(b.dev.ctrl, 0x5u);
    EXPECT_EQ(b.dev.status, 0u);
    EXPECT_EQ(errors(), 0u);
  });
}

TEST(RegBank, AccessRulesBrokenAreRefusedAndLogged) {
  RegBankBench b;
  b.run([&](TestInitiator& I) {
    EXPECT_EQ(I.write32(0x00, 1), TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"write 0x00000001 to read-only register at offset 0x00 (ID)"}), 1u);
    uint32_t v = 1;
    EXPECT_EQ(I.read32(0x0C, v), TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"read of write-only register KICK (0x0C)"}), 1u);
    EXPECT_TRUE(b.dev.kicked.empty());
    EXPECT_EQ(I.read32(0x20, v), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"read of unmapped register offset 0x20"}), 1u);
    EXPECT_EQ(I.write32(0x24, 3), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"write 0x00000003 to unmapped register offset 0x24"}), 1u);
    EXPECT_EQ(errors(), 4u);
  });
}

TEST(RegBank, BusRulesBrokenAreRefusedAndLogged) {
  RegBankBench b;
  b.run([&](TestInitiator& I) {
    uint32_t v = 0xFF;
    EXPECT_EQ(I.write(0x06, &v, 4), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"misaligned 4-byte write at offset 0x06"}), 1u);
    EXPECT_EQ(I.read(0x100, &v, 4), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"read at offset 0x100 is outside the 0x100-byte register window"}), 1u);
    uint16_t h = 0;
    EXPECT_EQ(I.write(0x04, &h, 2), TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"2-byte write (streaming width 2) at offset 0x04", "only 32-bit"}), 1u);
    EXPECT_EQ(I.read(0x04, &v, 4, nullptr, 0, 2), TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"4-byte read (streaming width 2) at offset 0x04"}), 1u);
    const uint8_t half[4] = {0xFF, 0xFF, 0, 0};
    EXPECT_EQ(I.write(0x04, &v, 4, half, 4), TLM_BYTE_ENABLE_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"partial byte enables on write at offset 0x04"}), 1u);
    const uint8_t none[4] = {0, 0, 0, 0};
    EXPECT_EQ(I.read(0x04, &v, 4, none, 4), TLM_BYTE_ENABLE_ERROR_RESPONSE) << "a read needs every byte";
    EXPECT_EQ(log_count_all(LogLevel::Error, {"partial byte enables on read at offset 0x04"}), 1u);
    EXPECT_EQ(b.dev.ctrl, 0x5u) << "no refused access touched the register";
    EXPECT_EQ(errors(), 6u);
  });
}

TEST(RegBank, BusRulesKeptAreSilent) {
  RegBankBench b;
  b.run([&](TestInitiator& I) {
    uint32_t v = 0x11;
    const uint8_t all[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    EXPECT_EQ(I.write(0x04, &v, 4, all, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(b.dev.ctrl, 0x11u);
    const uint8_t none[4] = {0, 0, 0, 0};
    v = 0x22;
    EXPECT_EQ(I.write(0x04, &v, 4, none, 4), TLM_OK_RESPONSE) << "a null-strobe write is allowed (AXI WSTRB = 0)";
    EXPECT_EQ(b.dev.ctrl, 0x11u) << "and writes nothing";
    EXPECT_EQ(I.read(0x04, &v, 4, all, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(v, 0x11u);
    EXPECT_EQ(errors(), 0u);
  });
}

TEST(RegBank, FifoRegisterTakesFixedBurstsOnly) {
  RegBankBench b;
  b.run([&](TestInitiator& I) {
    const uint32_t w[3] = {1, 2, 3};
    EXPECT_EQ(I.write(0x10, w, 12, nullptr, 0, 4), TLM_OK_RESPONSE);
    const uint8_t mid_off[12] = {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF};
    EXPECT_EQ(I.write(0x10, w, 12, mid_off, 12, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(I.write32(0x10, 9), TLM_OK_RESPONSE);
    EXPECT_EQ(b.dev.pushed, (std::vector<uint32_t>{1, 2, 3, 1, 3, 9})) << "a word with no byte enabled is skipped";
    EXPECT_EQ(errors(), 0u);
    EXPECT_EQ(I.write(0x10, w, 8), TLM_BURST_ERROR_RESPONSE) << "INCR, not FIXED";
    EXPECT_EQ(log_count_all(LogLevel::Error, {"8-byte write (streaming width 8) at offset 0x10",
                                              "or N*4-byte FIFO writes with streaming width 4"}), 1u);
    EXPECT_EQ(I.write(0x04, w, 8, nullptr, 0, 4), TLM_BURST_ERROR_RESPONSE) << "bursts only to a FIFO register";
    EXPECT_EQ(log_count_all(LogLevel::Error, {"8-byte write (streaming width 4) at offset 0x04"}), 1u);
    EXPECT_EQ(b.dev.pushed.size(), 6u);
  });
}

TEST(RegBank, DebugReadsHaveNoSideEffectsAndDebugWritesAreRefused) {
  RegBankBench b;
  b.run([&](TestInitiator& I) {
    uint32_t v = 0;
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, 0x14, &v, 4), 4u);
    EXPECT_EQ(v, 0xABu);
    EXPECT_EQ(b.dev.side_effect_reads, 0u);
    v = 1;
    EXPECT_EQ(I.debug(TLM_WRITE_COMMAND, 0x04, &v, 4), 0u);
    EXPECT_EQ(b.dev.ctrl, 0x5u);
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, 0x0C, &v, 4), 0u) << "write-only";
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, 0x02, &v, 4), 0u) << "misaligned";
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, 0x40, &v, 4), 0u) << "unmapped";
    EXPECT_EQ(Log::instance().count(LogLevel::Debug, ""), 0u) << "debug accesses log nothing";
  });
}

TEST(RegBank, BadDeclarationsAreReported) {
  RegBank bank("bank", 0x40, 2);
  const RegBank& cbank = bank;
  bank.add("A", 0x00, RegAccess::RW);
  EXPECT_THROW(bank.add("B", 0x00, RegAccess::RW), sc_core::sc_report);  // offset taken
  EXPECT_THROW(bank.add("C", 0x02, RegAccess::RW), sc_core::sc_report);  // misaligned
  EXPECT_THROW(bank.add("D", 0x40, RegAccess::RW), sc_core::sc_report);  // outside the window
  EXPECT_NO_THROW(bank.add("E", 0x3C, RegAccess::RO));
  EXPECT_STREQ(reg_access_name(cbank.find(0x3C)->access), "RO");
  EXPECT_EQ(cbank.find(0x04), nullptr);
}

// ---- RegWindow: the bus rules of a window whose registers live elsewhere ----

namespace {

tlm_generic_payload& payload(tlm_generic_payload& t, tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len,
                             const uint8_t* be = nullptr, unsigned be_len = 0, unsigned sw = 0) {
  t.set_command(cmd);
  t.set_address(addr);
  t.set_data_ptr(data);
  t.set_data_length(len);
  t.set_streaming_width(sw ? sw : len);
  t.set_byte_enable_ptr(const_cast<uint8_t*>(be));
  t.set_byte_enable_length(be_len);
  return t;
}

}  // namespace

TEST(RegWindow, BusRulesBrokenAreRefusedAndLogged) {
  const RegWindow w("win", 0x1000);
  RegWindow::Access a;
  uint8_t d[8] = {};
  tlm_generic_payload t;
  payload(t, TLM_WRITE_COMMAND, 0x10, d, 8);
  EXPECT_EQ(w.decode(t, a), TLM_BURST_ERROR_RESPONSE) << "8 bytes";
  payload(t, TLM_READ_COMMAND, 0x12, d, 4);
  EXPECT_EQ(w.decode(t, a), TLM_BURST_ERROR_RESPONSE) << "4 bytes across two words";
  payload(t, TLM_READ_COMMAND, 0x13, d, 2);
  EXPECT_EQ(w.decode(t, a), TLM_BURST_ERROR_RESPONSE) << "2 bytes across two words";
  payload(t, TLM_WRITE_COMMAND, 0x10, d, 3);
  EXPECT_EQ(w.decode(t, a), TLM_BURST_ERROR_RESPONSE) << "3 bytes";
  payload(t, TLM_WRITE_COMMAND, 0x10, d, 4, nullptr, 0, 2);
  EXPECT_EQ(w.decode(t, a), TLM_BURST_ERROR_RESPONSE) << "streaming width below the length";
  EXPECT_EQ(log_count_all(LogLevel::Error, {"an access must stay within one aligned word"}), 5u);
  payload(t, TLM_READ_COMMAND, 0x1000, d, 4);
  EXPECT_EQ(w.decode(t, a), TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(log_count_all(LogLevel::Error, {"register offset 0x1000 outside the 4 KiB window"}), 1u);
  EXPECT_EQ(errors(), 6u);
}

TEST(RegWindow, SubWordAccessesBecomeOneWordWithStrobes) {
  const RegWindow w("win", 0x1000);
  RegWindow::Access a;
  uint8_t half[2] = {0xCD, 0xAB};
  tlm_generic_payload t;
  payload(t, TLM_WRITE_COMMAND, 0x106, half, 2);
  ASSERT_EQ(w.decode(t, a), TLM_OK_RESPONSE);
  EXPECT_TRUE(a.write);
  EXPECT_EQ(a.offset, 0x104u);
  EXPECT_EQ(a.data, 0xABCD0000u);
  EXPECT_EQ(a.strb, 0xCu);
  uint8_t word[4] = {1, 2, 3, 4};
  const uint8_t be[4] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
  payload(t, TLM_WRITE_COMMAND, 0xFFC, word, 4, be, 4);
  ASSERT_EQ(w.decode(t, a), TLM_OK_RESPONSE) << "the far side decides what partial strobes do";
  EXPECT_EQ(a.offset, 0xFFCu);
  EXPECT_EQ(a.data, 0x00030001u);
  EXPECT_EQ(a.strb, 0x5u);
  uint8_t byte = 0;
  payload(t, TLM_READ_COMMAND, 0x23, &byte, 1);
  ASSERT_EQ(w.decode(t, a), TLM_OK_RESPONSE);
  EXPECT_FALSE(a.write);
  EXPECT_EQ(a.offset, 0x20u);
  EXPECT_EQ(a.strb, 0x8u);
  RegWindow::complete_read(t, 0x7F000000u);
  EXPECT_EQ(byte, 0x7Fu) << "the read word's lane 3 goes to the one byte read";
  uint8_t w2[4] = {5, 6, 7, 8};
  const uint8_t off[4] = {TLM_BYTE_DISABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED};
  payload(t, TLM_WRITE_COMMAND, 0x30, w2, 4, off, 0);
  ASSERT_EQ(w.decode(t, a), TLM_OK_RESPONSE) << "byte enables with length 0: none given, no crash";
  EXPECT_EQ(a.strb, 0xFu);
  EXPECT_EQ(errors(), 0u);
}
