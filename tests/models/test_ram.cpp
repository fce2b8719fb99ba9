// RAM model unit tests. Each TEST elaborates its own modules and calls sc_start once.
#include <gtest/gtest.h>

#include "burst_timing.h"
#include "ram.h"
#include "test_initiator.h"

using namespace dmacosim;
using namespace dmacosim::test;

namespace {

struct RamBench {
  Ram ram;
  TestInitiator init{"init"};
  explicit RamBench(uint64_t size = 0x1000, RamTiming t = {}) : ram("ram", size, t, 0x80000000) {
    init.socket.bind(ram.socket);
  }
  void run(std::function<void(TestInitiator&)> fn) {
    init.script(std::move(fn));
    sc_start();
    EXPECT_TRUE(init.done()) << "test script did not finish";
  }
};

}  // namespace

TEST(Ram, WriteReadRoundTrip) {
  RamBench b;
  b.run([&](TestInitiator& I) {
    uint8_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_EQ(I.write(0x10, w, 8), TLM_OK_RESPONSE);
    uint8_t r[8] = {};
    EXPECT_EQ(I.read(0x10, r, 8), TLM_OK_RESPONSE);
    EXPECT_EQ(0, std::memcmp(w, r, 8));
    EXPECT_EQ(b.ram.peek32(0x10), 0x04030201u);
    EXPECT_EQ(b.ram.peek32(0x14), 0x08070605u);
    EXPECT_EQ(b.ram.peek32(0x18), 0u);
    b.ram.poke32(0x20, 0xCAFEF00D);
    EXPECT_EQ(I.rd32(0x20), 0xCAFEF00Du);
    // Last byte of memory is reachable.
    uint8_t one = 0x5A;
    EXPECT_EQ(I.write(0xFFF, &one, 1), TLM_OK_RESPONSE);
    EXPECT_EQ(b.ram.data()[0xFFF], 0x5A);
    EXPECT_EQ(b.ram.write_count(), 2u);
    EXPECT_EQ(b.ram.read_count(), 2u);
  });
}

TEST(Ram, ByteEnablesRepeatingPattern) {
  RamBench b;
  b.run([&](TestInitiator& I) {
    b.ram.fill(0xEE);
    uint8_t w[8] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17};
    const uint8_t be[2] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};  // repeats over 8 bytes
    EXPECT_EQ(I.write(0x40, w, 8, be, 2), TLM_OK_RESPONSE);
    uint8_t m[8];
    b.ram.read_bytes(0x40, m, 8);
    const uint8_t expect[8] = {0x10, 0xEE, 0x12, 0xEE, 0x14, 0xEE, 0x16, 0xEE};
    EXPECT_EQ(0, std::memcmp(m, expect, 8));
    EXPECT_TRUE(b.ram.was_written(0x40));
    EXPECT_FALSE(b.ram.was_written(0x41));
    EXPECT_EQ(b.ram.written_byte_count(), 4u);
    // Read with byte enables: disabled bytes are left untouched in the buffer.
    uint8_t r[4] = {0xAA, 0xAA, 0xAA, 0xAA};
    const uint8_t be2[4] = {0, 0xFF, 0xFF, 0};
    EXPECT_EQ(I.read(0x40, r, 4, be2, 4), TLM_OK_RESPONSE);
    const uint8_t expect_r[4] = {0xAA, 0xEE, 0x12, 0xAA};
    EXPECT_EQ(0, std::memcmp(r, expect_r, 4));
  });
}

TEST(Ram, StreamingWidthWrapsAddress) {
  RamBench b;
  b.run([&](TestInitiator& I) {
    uint32_t w[3] = {0x11111111, 0x22222222, 0x33333333};
    EXPECT_EQ(I.write(0x100, w, 12, nullptr, 0, 4), TLM_OK_RESPONSE);  // FIXED burst to one word
    EXPECT_EQ(b.ram.peek32(0x100), 0x33333333u);
    EXPECT_EQ(b.ram.peek32(0x104), 0u);
    EXPECT_FALSE(b.ram.was_written(0x104));
    uint32_t r[3] = {};
    EXPECT_EQ(I.read(0x100, r, 12, nullptr, 0, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(r[0], 0x33333333u);
    EXPECT_EQ(r[1], 0x33333333u);
    EXPECT_EQ(r[2], 0x33333333u);
    // A streaming window at the very end is in range even though len exceeds it.
    EXPECT_EQ(I.write(0xFFC, w, 12, nullptr, 0, 4), TLM_OK_RESPONSE);
  });
}

TEST(Ram, LatencyFirstAndPerBeat) {
  RamTiming t{sc_time(10, SC_NS), sc_time(2, SC_NS), 8};
  RamBench b(0x1000, t);
  b.run([&](TestInitiator& I) {
    uint8_t buf[64] = {};
    const sc_time t0 = sc_time_stamp();
    EXPECT_EQ(I.read(0, buf, 8), TLM_OK_RESPONSE);
    EXPECT_EQ(I.last_delay, sc_time(10, SC_NS));
    EXPECT_EQ(I.read(0, buf, 1), TLM_OK_RESPONSE);
    EXPECT_EQ(I.last_delay, sc_time(10, SC_NS));
    EXPECT_EQ(I.read(0, buf, 9), TLM_OK_RESPONSE);  // 2 beats
    EXPECT_EQ(I.last_delay, sc_time(12, SC_NS));
    EXPECT_EQ(I.write(0, buf, 64), TLM_OK_RESPONSE);  // 8 beats
    EXPECT_EQ(I.last_delay, sc_time(24, SC_NS));
    // Narrow FIXED burst: 4 beats of 4 bytes.
    EXPECT_EQ(I.write(0, buf, 16, nullptr, 0, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(I.last_delay, sc_time(16, SC_NS));
    EXPECT_EQ(sc_time_stamp() - t0, sc_time(72, SC_NS));  // never waited inside the target
    // Burst timing extension is filled.
    tlm_generic_payload gp;
    BurstTimingExtension ext;
    gp.set_extension(&ext);
    gp.set_command(TLM_READ_COMMAND);
    gp.set_address(0);
    gp.set_data_ptr(buf);
    gp.set_data_length(32);
    gp.set_streaming_width(32);
    EXPECT_EQ(I.transport(gp), TLM_OK_RESPONSE);
    EXPECT_TRUE(ext.filled);
    EXPECT_EQ(ext.first_beat, sc_time(10, SC_NS));
    EXPECT_EQ(ext.per_beat, sc_time(2, SC_NS));
    EXPECT_EQ(I.last_delay, sc_time(16, SC_NS));
    gp.clear_extension(&ext);
  });
}

TEST(Ram, OutOfRangeIsAddressErrorWithLog) {
  RamBench b;
  b.run([&](TestInitiator& I) {
    uint32_t v = 0x12345678;
    EXPECT_EQ(I.write(0xFFE, &v, 4), TLM_ADDRESS_ERROR_RESPONSE);  // straddles the end
    EXPECT_EQ(I.read(0x1000, &v, 4), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.ram.peek32(0xFFC), 0u);
    EXPECT_EQ(b.ram.written_byte_count(), 0u);
    // Log names the absolute address (base 0x80000000 + offset).
    EXPECT_EQ(log_count_all(LogLevel::Error, {"write of 4 byte(s) at 0x80000ffe", "out of range"}), 1u);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"read of 4 byte(s) at 0x80001000", "out of range"}), 1u);
  });
}

TEST(Ram, FaultInjectionRange) {
  RamBench b;
  b.run([&](TestInitiator& I) {
    b.ram.poke32(0x1FC, 0xAAAAAAAA);
    b.ram.inject_error_range(0x200, 0x300, TLM_GENERIC_ERROR_RESPONSE);
    uint32_t v[2] = {0x11111111, 0x22222222};
    EXPECT_EQ(I.write(0x1FC, v, 8), TLM_GENERIC_ERROR_RESPONSE);  // overlaps the range by 4 bytes
    EXPECT_EQ(b.ram.peek32(0x1FC), 0xAAAAAAAAu);                 // unchanged
    EXPECT_EQ(b.ram.peek32(0x200), 0u);
    EXPECT_FALSE(b.ram.was_written(0x1FC));
    EXPECT_EQ(I.write(0x2FC, v, 4), TLM_GENERIC_ERROR_RESPONSE);  // last word of range
    EXPECT_EQ(I.write(0x300, v, 4), TLM_OK_RESPONSE);             // hi is exclusive
    EXPECT_EQ(I.write(0x1F8, v, 4), TLM_OK_RESPONSE);
    uint32_t r = 0;
    EXPECT_EQ(I.read(0x250, &r, 4), TLM_GENERIC_ERROR_RESPONSE);
    b.ram.inject_error_range(0x800, 0x804, TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(I.read(0x802, &r, 1), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.ram.injected_error_count(), 4u);
    b.ram.clear_error_injection();
    EXPECT_EQ(I.write(0x1FC, v, 8), TLM_OK_RESPONSE);
    EXPECT_EQ(b.ram.peek32(0x1FC), 0x11111111u);
    EXPECT_EQ(b.ram.peek32(0x200), 0x22222222u);
  });
}

TEST(Ram, FaultInjectionNthAccess) {
  RamBench b;
  b.run([&](TestInitiator& I) {
    b.ram.inject_error_on_nth_access(3, TLM_GENERIC_ERROR_RESPONSE, AccessKind::Writes);
    uint32_t r = 0;
    for (int i = 0; i < 5; ++i) EXPECT_EQ(I.read(0, &r, 4), TLM_OK_RESPONSE);  // reads do not count
    EXPECT_EQ(I.write32(0x0, 1), TLM_OK_RESPONSE);
    EXPECT_EQ(I.write32(0x4, 2), TLM_OK_RESPONSE);
    EXPECT_EQ(I.write32(0x8, 3), TLM_GENERIC_ERROR_RESPONSE);  // 3rd write
    EXPECT_EQ(b.ram.peek32(0x8), 0u);
    EXPECT_FALSE(b.ram.was_written(0x8));
    EXPECT_EQ(I.write32(0x8, 4), TLM_OK_RESPONSE);  // one-shot
    EXPECT_EQ(b.ram.peek32(0x8), 4u);
    EXPECT_FALSE(b.ram.fault_armed());

    b.ram.inject_error_on_nth_access(2, TLM_ADDRESS_ERROR_RESPONSE, AccessKind::Reads);
    EXPECT_EQ(I.write32(0xC, 9), TLM_OK_RESPONSE);
    EXPECT_EQ(I.read(0, &r, 4), TLM_OK_RESPONSE);
    r = 0x55;
    EXPECT_EQ(I.read(0, &r, 4), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(r, 0x55u);  // no data returned
    EXPECT_EQ(I.read(0, &r, 4), TLM_OK_RESPONSE);

    b.ram.inject_error_on_nth_access(2, TLM_GENERIC_ERROR_RESPONSE, AccessKind::Both);
    EXPECT_EQ(I.read(0, &r, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(I.write32(0x10, 7), TLM_GENERIC_ERROR_RESPONSE);
    b.ram.inject_error_on_nth_access(1, TLM_GENERIC_ERROR_RESPONSE, AccessKind::Both);
    b.ram.clear_error_injection();
    EXPECT_EQ(I.write32(0x10, 7), TLM_OK_RESPONSE);
  });
}

TEST(Ram, WriteObservation) {
  RamBench b;
  b.run([&](TestInitiator& I) {
    EXPECT_FALSE(b.ram.any_written(0, 0x1000));
    I.wr32(0x100, 0);  // writing zeros still counts as written
    EXPECT_TRUE(b.ram.was_written(0x100));
    EXPECT_TRUE(b.ram.was_written(0x103));
    EXPECT_FALSE(b.ram.was_written(0x104));
    EXPECT_FALSE(b.ram.was_written(0xFF));
    EXPECT_TRUE(b.ram.any_written(0x0, 0x101));
    EXPECT_FALSE(b.ram.any_written(0x104, 0x1000));
    EXPECT_EQ(b.ram.written_byte_count(), 4u);
    I.wr32(0x102, 0);  // overlaps 2 bytes
    EXPECT_EQ(b.ram.written_byte_count(), 6u);
    // Reads, debug writes and backdoor writes are not recorded.
    I.rd32(0x200);
    uint32_t v = 5;
    EXPECT_EQ(I.debug(TLM_WRITE_COMMAND, 0x300, &v, 4), 4u);
    b.ram.poke32(0x400, 1);
    EXPECT_EQ(b.ram.written_byte_count(), 6u);
    b.ram.clear_write_log();
    EXPECT_FALSE(b.ram.was_written(0x100));
    EXPECT_EQ(b.ram.written_byte_count(), 0u);
  });
}

TEST(Ram, DmiGrantedThenInvalidatedWhenFaultArmed) {
  RamTiming t{sc_time(10, SC_NS), sc_time(2, SC_NS), 8};
  RamBench b(0x1000, t);
  b.run([&](TestInitiator& I) {
    uint32_t v = 1;
    EXPECT_EQ(I.write(0, &v, 4), TLM_OK_RESPONSE);
    tlm_dmi dmi;
    ASSERT_TRUE(I.get_dmi(0x10, dmi));
    EXPECT_EQ(dmi.get_start_address(), 0u);
    EXPECT_EQ(dmi.get_end_address(), 0xFFFu);
    EXPECT_TRUE(dmi.is_read_write_allowed());
    EXPECT_EQ(dmi.get_read_latency(), sc_time(10, SC_NS));
    dmi.get_dmi_ptr()[0x20] = 0x77;  // write through DMI
    EXPECT_EQ(b.ram.data()[0x20], 0x77);
    EXPECT_TRUE(I.invalidations.empty());

    b.ram.inject_error_range(0x800, 0x900);
    ASSERT_EQ(I.invalidations.size(), 1u);
    EXPECT_EQ(I.invalidations[0].start, 0u);
    EXPECT_EQ(I.invalidations[0].end, 0xFFFu);
    tlm_dmi dmi2;
    EXPECT_FALSE(I.get_dmi(0x10, dmi2));

    // dmi_allowed hint follows the fault state.
    tlm_generic_payload gp;
    gp.set_command(TLM_READ_COMMAND);
    gp.set_address(0);
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    EXPECT_EQ(I.transport(gp), TLM_OK_RESPONSE);
    EXPECT_FALSE(gp.is_dmi_allowed());
    b.ram.clear_error_injection();
    gp.set_dmi_allowed(false);
    EXPECT_EQ(I.transport(gp), TLM_OK_RESPONSE);
    EXPECT_TRUE(gp.is_dmi_allowed());
    EXPECT_TRUE(I.get_dmi(0x10, dmi2));

    b.ram.inject_error_on_nth_access(5);
    EXPECT_EQ(I.invalidations.size(), 2u);
    EXPECT_FALSE(I.get_dmi(0x10, dmi2));
  });
}

TEST(Ram, DebugTransport) {
  RamTiming t{sc_time(10, SC_NS), sc_time(2, SC_NS), 8};
  RamBench b(0x1000, t);
  b.run([&](TestInitiator& I) {
    b.ram.inject_error_range(0, 0x1000);  // debug access ignores fault injection
    uint32_t w[2] = {0xA1A2A3A4, 0xB1B2B3B4};
    EXPECT_EQ(I.debug(TLM_WRITE_COMMAND, 0x10, w, 8), 8u);
    uint32_t r[2] = {};
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, 0x10, r, 8), 8u);
    EXPECT_EQ(r[0], 0xA1A2A3A4u);
    EXPECT_EQ(r[1], 0xB1B2B3B4u);
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, 0xFFC, r, 8), 4u);  // clipped at the end
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, 0x1000, r, 4), 0u);
    EXPECT_EQ(sc_time_stamp(), SC_ZERO_TIME);
    EXPECT_EQ(b.ram.written_byte_count(), 0u);
    EXPECT_EQ(b.ram.injected_error_count(), 0u);
  });
}
