// Router unit tests: decode, errors, DMI translation, debug forwarding.
#include <gtest/gtest.h>

#include "audio_port.h"
#include "intc.h"
#include "ram.h"
#include "router.h"
#include "tb/board.h"
#include "test_initiator.h"

using namespace dmacosim;
using namespace dmacosim::test;

namespace {

constexpr uint64_t kLoBase = 0x1000'0000, kLoSize = 0x1000;
constexpr uint64_t kAdjBase = 0x1000'1000, kAdjSize = 0x1000;  // directly after lo
constexpr uint64_t kHiBase = 0x8000'0000, kHiSize = 0x10000;

struct RouterBench {
  Router router{"router"};
  Ram lo{"lo", kLoSize, RamTiming{sc_time(5, SC_NS), SC_ZERO_TIME, 8}, kLoBase};
  Ram adj{"adj", kAdjSize, {}, kAdjBase};
  Ram hi{"hi", kHiSize, {}, kHiBase};
  TestInitiator cpu{"cpu"};
  TestInitiator dma{"dma"};
  RouterBench() {
    cpu.socket.bind(router.target);
    dma.socket.bind(router.target);
    router.name_initiator(0, "cpu");
    router.name_initiator(1, "dma");
    router.map(kHiBase, kHiSize, hi.socket, "hi");  // map order need not follow addresses
    router.map(kLoBase, kLoSize, lo.socket, "lo");
    router.map(kAdjBase, kAdjSize, adj.socket, "adj");
  }
  void run(std::function<void(TestInitiator&)> fn) {
    cpu.script(std::move(fn));
    sc_start();
    EXPECT_TRUE(cpu.done()) << "test script did not finish";
  }
};

}  // namespace

TEST(Router, DecodeSubtractsBase) {
  RouterBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(kHiBase + 0x124, 0x11223344);
    I.wr32(kLoBase + 0x8, 0x55667788);
    I.wr32(kAdjBase + 0xFFC, 0x99AABBCC);
    EXPECT_EQ(b.hi.peek32(0x124), 0x11223344u);
    EXPECT_EQ(b.lo.peek32(0x8), 0x55667788u);
    EXPECT_EQ(b.adj.peek32(0xFFC), 0x99AABBCCu);
    EXPECT_EQ(b.hi.written_byte_count(), 4u);
    EXPECT_EQ(b.lo.written_byte_count(), 4u);
    EXPECT_EQ(b.adj.written_byte_count(), 4u);
    EXPECT_EQ(I.rd32(kHiBase + 0x124), 0x11223344u);
    // Target latency passes through the router.
    I.rd32(kLoBase);
    EXPECT_EQ(I.last_delay, sc_time(5, SC_NS));
    EXPECT_EQ(b.router.decode(kLoBase + kLoSize - 1), 1);
    EXPECT_EQ(b.router.decode(kLoBase - 1), -1);
    EXPECT_EQ(b.router.decode(kHiBase + kHiSize), -1);
  });
}

TEST(Router, AddressRestoredAfterForwarding) {
  RouterBench b;
  b.run([&](TestInitiator& I) {
    uint32_t v = 1;
    tlm_generic_payload gp;
    gp.set_command(TLM_WRITE_COMMAND);
    gp.set_address(kHiBase + 0x40);
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    EXPECT_EQ(I.transport(gp), TLM_OK_RESPONSE);
    EXPECT_EQ(gp.get_address(), kHiBase + 0x40);
  });
}

TEST(Router, UnmappedAddressErrorNamesAddressAndInitiator) {
  RouterBench b;
  bool dma_done = false;
  b.dma.script([&](TestInitiator& D) {
    uint32_t v = 0;
    EXPECT_EQ(D.read32(0x4000'0010, v), TLM_ADDRESS_ERROR_RESPONSE);
    dma_done = true;
  });
  b.run([&](TestInitiator& I) {
    EXPECT_EQ(I.write32(0x2000'0000, 0xDEAD), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(I.write32(kLoBase - 4, 0xDEAD), TLM_ADDRESS_ERROR_RESPONSE);
    wait(1, SC_NS);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"unmapped address 0x20000000", "write of 4 byte(s)", "from cpu"}), 1u);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"unmapped address 0xffffffc", "from cpu"}), 1u);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"unmapped address 0x40000010", "read", "from dma"}), 1u);
    EXPECT_EQ(b.router.unmapped_count(), 3u);
  });
  EXPECT_TRUE(dma_done);
  EXPECT_EQ(b.lo.write_count() + b.hi.write_count() + b.adj.write_count(), 0u);
}

TEST(Router, AccessSpanningTwoRegionsIsAddressError) {
  RouterBench b;
  b.run([&](TestInitiator& I) {
    uint32_t v[2] = {0x11111111, 0x22222222};
    EXPECT_EQ(I.write(kAdjBase - 4, v, 8), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.lo.written_byte_count(), 0u);
    EXPECT_EQ(b.adj.written_byte_count(), 0u);
    EXPECT_EQ(b.lo.write_count(), 0u);  // never forwarded
    EXPECT_EQ(log_count_all(LogLevel::Error, {"spans region 'lo' into 'adj'", "from cpu"}), 1u);
    // Running off the end of a region into unmapped space.
    EXPECT_EQ(I.write(kHiBase + kHiSize - 4, v, 8), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"spans region 'hi' into unmapped space"}), 1u);
    // Exactly up to the boundary is fine; a FIXED burst at the last word too.
    EXPECT_EQ(I.write(kAdjBase - 8, v, 8), TLM_OK_RESPONSE);
    EXPECT_EQ(I.write(kAdjBase - 4, v, 8, nullptr, 0, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(b.lo.peek32(kLoSize - 4), 0x22222222u);
  });
}

TEST(Router, DmiTranslationAndInvalidation) {
  RouterBench b;
  b.run([&](TestInitiator& I) {
    tlm_dmi dmi;
    ASSERT_TRUE(I.get_dmi(kHiBase + 0x100, dmi));
    EXPECT_EQ(dmi.get_start_address(), kHiBase);
    EXPECT_EQ(dmi.get_end_address(), kHiBase + kHiSize - 1);
    EXPECT_EQ(dmi.get_dmi_ptr(), b.hi.data());
    // Denied in a gap: range covers the gap between lo/adj and hi.
    tlm_dmi gap;
    EXPECT_FALSE(I.get_dmi(0x4000'0000, gap));
    EXPECT_EQ(gap.get_start_address(), kAdjBase + kAdjSize);
    EXPECT_EQ(gap.get_end_address(), kHiBase - 1);
    // Target invalidation comes back in bus addresses, to every initiator.
    b.hi.inject_error_range(0, 4);
    ASSERT_EQ(I.invalidations.size(), 1u);
    EXPECT_EQ(I.invalidations[0].start, kHiBase);
    EXPECT_EQ(I.invalidations[0].end, kHiBase + kHiSize - 1);
    ASSERT_EQ(b.dma.invalidations.size(), 1u);
    EXPECT_EQ(b.dma.invalidations[0].start, kHiBase);
    b.lo.inject_error_range(0, 4);
    ASSERT_EQ(I.invalidations.size(), 2u);
    EXPECT_EQ(I.invalidations[1].start, kLoBase);
    EXPECT_EQ(I.invalidations[1].end, kLoBase + kLoSize - 1);
    EXPECT_FALSE(I.get_dmi(kLoBase, dmi));
  });
}

TEST(Router, DebugTransportForwarded) {
  RouterBench b;
  b.run([&](TestInitiator& I) {
    uint32_t v = 0xFEEDC0DE;
    EXPECT_EQ(I.debug(TLM_WRITE_COMMAND, kLoBase + 0x10, &v, 4), 4u);
    EXPECT_EQ(b.lo.peek32(0x10), 0xFEEDC0DEu);
    uint32_t r = 0;
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, kLoBase + 0x10, &r, 4), 4u);
    EXPECT_EQ(r, 0xFEEDC0DEu);
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, 0x2000'0000, &r, 4), 0u);
    uint32_t two[2];
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, kAdjBase - 4, two, 8), 4u);  // clipped to the region
    EXPECT_EQ(sc_time_stamp(), SC_ZERO_TIME);
  });
}

TEST(Router, OverlappingMapIsElaborationError) {
  Router router("router");
  Ram a("a", 0x1000), c("c", 0x1000);
  router.map(0x1000, 0x1000, a.socket, "a");
  EXPECT_THROW(router.map(0x1800, 0x1000, c.socket, "c"), sc_report);
  EXPECT_EQ(router.regions().size(), 1u);
}

// The platform address map from tb/board.h with the real peripherals:
// CPU programs the audio port through the router, the underrun irq reaches the
// interrupt controller and is claimed/completed through the router too.

TEST(Router, PlatformMapWithIntcAndAudioPort) {
  namespace P = dmacosim::board;
  Router router("router");
  Ram ram("ram", 0x10000, {}, P::kRamBase);
  Intc intc("intc");
  AudioPort audio("audio");
  TestInitiator cpu("cpu");
  cpu.socket.bind(router.target);
  router.name_initiator(0, "cpu");
  router.map(P::kRamBase, 0x10000, ram.socket, "ram");
  router.map(P::kIntcBase, P::kIntcSize, intc.socket, "intc");
  router.map(P::kAudioBase, P::kAudioSize, audio.socket, "audio");
  intc.source(P::kIrqAudio).bind(audio.irq_out());
  cpu.script([&](TestInitiator& I) {
    EXPECT_EQ(I.rd32(P::kIntcBase + Intc::ID), Intc::kId);
    EXPECT_EQ(I.rd32(P::kAudioBase + AudioPort::ID), AudioPort::kId);
    I.wr32(P::kIntcBase + Intc::PRIORITY_BASE + 4 * P::kIrqAudio, 1);
    I.wr32(P::kIntcBase + Intc::ENABLE, 1u << P::kIrqAudio);
    I.wr32(P::kAudioBase + AudioPort::CTRL, AudioPort::CTRL_ENABLE | AudioPort::CTRL_UNDERRUN_IRQ_EN);
    wait(sc_time(1.5 / 48000, SC_SEC));  // one tick with an empty FIFO
    EXPECT_TRUE(intc.irq_out().read());
    EXPECT_EQ(I.rd32(P::kIntcBase + Intc::CLAIM), P::kIrqAudio);
    I.wr32(P::kAudioBase + AudioPort::CTRL, 0);
    I.wr32(P::kAudioBase + AudioPort::IRQ_STATUS, AudioPort::IRQ_UNDERRUN);
    I.wr32(P::kIntcBase + Intc::COMPLETE, P::kIrqAudio);
    EXPECT_FALSE(intc.irq_out().read());
    EXPECT_EQ(I.rd32(P::kIntcBase + Intc::PENDING), 0u);
    EXPECT_EQ(I.rd32(P::kAudioBase + AudioPort::UNDERRUN_COUNT), 1u);
    uint32_t v = 0;
    EXPECT_EQ(I.read32(P::kDmaRegsBase, v), TLM_ADDRESS_ERROR_RESPONSE);  // not mapped in this bench
    EXPECT_EQ(log_count_all(LogLevel::Error, {"unmapped address 0x40000000", "from cpu"}), 1u);
  });
  sc_start(sc_time(1, SC_MS));
  EXPECT_TRUE(cpu.done());
}
