// Interrupt controller unit tests.
#include <gtest/gtest.h>

#include "intc.h"
#include "test_initiator.h"

using namespace dmacosim;
using namespace dmacosim::test;

namespace {

struct IntcBench {
  Intc intc{"intc"};
  TestInitiator init{"init"};
  Wire src[32];
  IntcBench() {
    init.socket.bind(intc.socket);
    for (unsigned n = 1; n < 32; ++n) intc.source(n).bind(src[n]);
  }
  void run(std::function<void(TestInitiator&)> fn) {
    init.script(std::move(fn));
    sc_start();
    EXPECT_TRUE(init.done()) << "test script did not finish";
  }
};

constexpr uint32_t prio(unsigned n) { return Intc::PRIORITY_BASE + 4 * n; }

}  // namespace

TEST(Intc, IdAndResetValues) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    EXPECT_EQ(I.rd32(Intc::ID), 0x494E5443u);
    EXPECT_EQ(I.rd32(Intc::NUM_SOURCES), 32u);
    EXPECT_EQ(I.rd32(Intc::ENABLE), 0u);
    EXPECT_EQ(I.rd32(Intc::PENDING), 0u);
    EXPECT_EQ(I.rd32(Intc::IN_SERVICE), 0u);
    EXPECT_EQ(I.rd32(Intc::THRESHOLD), 0u);
    EXPECT_EQ(I.rd32(Intc::SPURIOUS_COUNT), 0u);
    EXPECT_EQ(I.rd32(prio(5)), 0u);
    I.wr32(Intc::ENABLE, 0xFFFFFFFF);
    EXPECT_EQ(I.rd32(Intc::ENABLE), 0xFFFFFFFEu);  // bit 0 reserved
    I.wr32(prio(0), 7);
    EXPECT_EQ(I.rd32(prio(0)), 0u);
    I.wr32(prio(31), 0xF);
    EXPECT_EQ(I.rd32(prio(31)), 7u);
    EXPECT_EQ(log_count_all(LogLevel::Warn, {"PRIORITY[31] write 0xf", "only bits [2:0]"}), 1u);
    EXPECT_FALSE(b.intc.irq_out().read());
  });
}

TEST(Intc, RaiseClaimComplete) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(prio(1), 1);
    I.wr32(Intc::ENABLE, 1u << 1);
    EXPECT_FALSE(b.intc.irq_out().read());
    b.src[1].write(true);
    EXPECT_TRUE(b.intc.irq_out().read());  // synchronous, no delta needed
    EXPECT_EQ(I.rd32(Intc::PENDING), 1u << 1);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 1u);
    EXPECT_FALSE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::PENDING), 0u);
    EXPECT_EQ(I.rd32(Intc::IN_SERVICE), 1u << 1);
    b.src[1].write(false);  // device acknowledged
    I.wr32(Intc::COMPLETE, 1);
    EXPECT_EQ(I.rd32(Intc::IN_SERVICE), 0u);
    EXPECT_EQ(I.rd32(Intc::PENDING), 0u);
    EXPECT_FALSE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::SPURIOUS_COUNT), 0u);
    // A new edge interrupts again.
    b.src[1].write(true);
    EXPECT_TRUE(b.intc.irq_out().read());
  });
}

TEST(Intc, RependsWhenLevelStillHighAfterComplete) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(prio(4), 3);
    I.wr32(Intc::ENABLE, 1u << 4);
    b.src[4].write(true);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 4u);
    EXPECT_FALSE(b.intc.irq_out().read());
    // Another high while in service does not re-pend.
    EXPECT_EQ(I.rd32(Intc::PENDING), 0u);
    I.wr32(Intc::COMPLETE, 4);  // level still high
    EXPECT_TRUE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::PENDING), 1u << 4);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 4u);
  });
}

TEST(Intc, MaskedThenUnmasked) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(prio(2), 1);
    b.src[2].write(true);
    EXPECT_EQ(I.rd32(Intc::PENDING), 1u << 2);  // pending while masked
    EXPECT_FALSE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::CLAIM), 0u);  // masked source cannot be claimed
    EXPECT_EQ(I.rd32(Intc::PENDING), 1u << 2);
    I.wr32(Intc::ENABLE, 1u << 2);
    EXPECT_TRUE(b.intc.irq_out().read());
    I.wr32(Intc::ENABLE, 0);
    EXPECT_FALSE(b.intc.irq_out().read());
    I.wr32(Intc::ENABLE, 1u << 2);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 2u);
  });
}

TEST(Intc, PriorityOrderAndTieBreakLowestId) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(prio(3), 2);
    I.wr32(prio(7), 5);
    I.wr32(prio(5), 5);
    I.wr32(prio(9), 1);
    I.wr32(Intc::ENABLE, (1u << 3) | (1u << 5) | (1u << 7) | (1u << 9));
    for (unsigned n : {3u, 5u, 7u, 9u}) b.src[n].write(true);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 5u);  // 5 and 7 tie at 5 -> lowest id
    EXPECT_EQ(I.rd32(Intc::CLAIM), 7u);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 3u);
    EXPECT_EQ(I.rd32(Intc::IN_SERVICE), (1u << 3) | (1u << 5) | (1u << 7));
    EXPECT_TRUE(b.intc.irq_out().read());  // 9 still pending
    EXPECT_EQ(I.rd32(Intc::CLAIM), 9u);
    EXPECT_FALSE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::CLAIM), 0u);  // the end of a claim loop: not spurious
    EXPECT_EQ(I.rd32(Intc::SPURIOUS_COUNT), 0u);
  });
}

TEST(Intc, ThresholdMasksLowPriorities) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(prio(6), 3);
    I.wr32(Intc::ENABLE, 1u << 6);
    I.wr32(Intc::THRESHOLD, 3);
    b.src[6].write(true);
    EXPECT_FALSE(b.intc.irq_out().read());  // priority must be > threshold
    EXPECT_EQ(I.rd32(Intc::CLAIM), 0u);
    I.wr32(Intc::THRESHOLD, 2);
    EXPECT_TRUE(b.intc.irq_out().read());
    I.wr32(Intc::THRESHOLD, 7);
    EXPECT_FALSE(b.intc.irq_out().read());
    I.wr32(prio(6), 7);
    EXPECT_FALSE(b.intc.irq_out().read());  // 7 > 7 is false
    I.wr32(Intc::THRESHOLD, 0);
    EXPECT_TRUE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::CLAIM), 6u);
  });
}

TEST(Intc, PriorityZeroNeverInterrupts) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(Intc::ENABLE, 1u << 8);
    b.src[8].write(true);
    EXPECT_EQ(I.rd32(Intc::PENDING), 1u << 8);
    EXPECT_FALSE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::CLAIM), 0u);
  });
}

TEST(Intc, SpuriousClaimCounted) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(prio(1), 1);
    I.wr32(Intc::ENABLE, 1u << 1);
    b.src[1].write(true);
    b.src[1].write(false);  // level dropped before the claim: nothing pending
    EXPECT_FALSE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::CLAIM), 0u);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 0u);
    EXPECT_EQ(I.rd32(Intc::SPURIOUS_COUNT), 2u);
    EXPECT_EQ(I.rd32(Intc::IN_SERVICE), 0u);
    // Debug reads of CLAIM have no side effect.
    b.src[1].write(true);
    uint32_t v = 0;
    EXPECT_EQ(I.debug(TLM_READ_COMMAND, Intc::CLAIM, &v, 4), 4u);
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(b.intc.in_service(), 0u);
    EXPECT_TRUE(b.intc.irq_out().read());
  });
}

// The handler loop (claim until 0, as Linux plic_handle_irq()) ends with a
// claim of 0 after each claimed source: not spurious. A 0 with no claimed
// source before it still is.
TEST(Intc, ClaimLoopEndIsNotSpurious) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(prio(1), 1);
    I.wr32(Intc::ENABLE, 1u << 1);
    for (int irq = 0; irq < 3; ++irq) {
      b.src[1].write(true);
      EXPECT_EQ(I.rd32(Intc::CLAIM), 1u);
      b.src[1].write(false);
      I.wr32(Intc::COMPLETE, 1);
      EXPECT_EQ(I.rd32(Intc::CLAIM), 0u);  // the loop's last claim
    }
    EXPECT_EQ(I.rd32(Intc::SPURIOUS_COUNT), 0u);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 0u);  // a second 0 in a row: nothing asked for it
    EXPECT_EQ(I.rd32(Intc::SPURIOUS_COUNT), 1u);
  });
}

TEST(Intc, CompleteNotInServiceIgnoredAndLogged) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(prio(3), 1);
    I.wr32(Intc::ENABLE, 1u << 3);
    b.src[3].write(true);
    I.wr32(Intc::COMPLETE, 3);  // not claimed yet
    EXPECT_EQ(log_count_all(LogLevel::Warn, {"COMPLETE of source 3 ignored", "not in service"}), 1u);
    EXPECT_TRUE(b.intc.irq_out().read());
    EXPECT_EQ(I.rd32(Intc::CLAIM), 3u);
    I.wr32(Intc::COMPLETE, 0);
    I.wr32(Intc::COMPLETE, 40);
    EXPECT_EQ(log_count_all(LogLevel::Warn, {"COMPLETE of source"}), 3u);
    EXPECT_EQ(I.rd32(Intc::IN_SERVICE), 1u << 3);
  });
}

TEST(Intc, BadAccessSizeAlignmentAndOffsets) {
  IntcBench b;
  b.run([&](TestInitiator& I) {
    uint16_t h = 0;
    EXPECT_EQ(I.read(Intc::ENABLE, &h, 2), TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"2-byte read (streaming width 2) at offset 0x008", "only 32-bit accesses"}), 1u);
    uint64_t d = ~0ull;
    EXPECT_EQ(I.write(Intc::ENABLE, &d, 8), TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.intc.enable(), 0u);  // unchanged
    EXPECT_EQ(log_count_all(LogLevel::Error, {"8-byte write (streaming width 8) at offset 0x008", "only 32-bit accesses"}), 1u);
    uint32_t v = 0;
    EXPECT_EQ(I.read(Intc::ENABLE + 2, &v, 4), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"misaligned"}), 1u);
    EXPECT_EQ(I.read32(0x080, v), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"unmapped register offset 0x080"}), 1u);
    EXPECT_EQ(I.read32(prio(32), v), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"unmapped register offset 0x180"}), 1u);
    EXPECT_EQ(I.write32(Intc::ID, 1), TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"read-only register at offset 0x000"}), 1u);
    EXPECT_EQ(I.read32(Intc::COMPLETE, v), TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"read of write-only register COMPLETE (0x018)"}), 1u);
    const uint8_t be[4] = {0xFF, 0xFF, 0, 0};
    v = 0xFFFF;
    EXPECT_EQ(I.write(Intc::ENABLE, &v, 4, be, 4), TLM_BYTE_ENABLE_ERROR_RESPONSE);
    EXPECT_EQ(b.intc.enable(), 0u);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"partial byte enables on write at offset 0x008"}), 1u);
    EXPECT_EQ(sc_time_stamp(), SC_ZERO_TIME);  // never waits, zero latency by default
  });
}

TEST(Intc, SmallerControllerLimitsSources) {
  Intc intc("intc", 4);
  TestInitiator init("init");
  init.socket.bind(intc.socket);
  Wire w3;
  intc.source(3).bind(w3);
  Wire w4;
  EXPECT_THROW(intc.source(4).bind(w4), sc_report);
  init.script([&](TestInitiator& I) {
    EXPECT_EQ(I.rd32(Intc::NUM_SOURCES), 4u);
    I.wr32(Intc::ENABLE, 0xFF);
    EXPECT_EQ(I.rd32(Intc::ENABLE), 0xEu);
    uint32_t v;
    EXPECT_EQ(I.read32(prio(4), v), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"unmapped register offset 0x110"}), 1u);
    I.wr32(prio(3), 1);
    w3.write(true);
    EXPECT_EQ(I.rd32(Intc::CLAIM), 3u);
  });
  sc_start();
  EXPECT_TRUE(init.done());
}

TEST(Intc, InputHighAtConnectIsSampled) {
  Intc intc("intc");
  TestInitiator init("init");
  init.socket.bind(intc.socket);
  Wire w("dma_irq", true);
  intc.source(1).bind(w);
  init.script([&](TestInitiator& I) {
    EXPECT_EQ(I.rd32(Intc::PENDING), 1u << 1);
    I.wr32(prio(1), 1);
    I.wr32(Intc::ENABLE, 2);
    EXPECT_TRUE(intc.irq_out().read());
  });
  sc_start();
  EXPECT_TRUE(init.done());
}
