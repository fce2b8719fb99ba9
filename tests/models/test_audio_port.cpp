// Audio port unit tests: FIFO, DMA request wires, sample clock, underrun/overflow, WAV.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "audio_port.h"
#include "log.h"
#include "test_initiator.h"

using namespace dmacosim;
using namespace dmacosim::test;

namespace {

using A = AudioPort;

// Tick k after enable at t_enable + k/48000 s (rounded to 1 ps).
sc_time tick_time(unsigned k) { return sc_time(double(k) / 48000.0, SC_SEC); }

struct AudioPortBench {
  AudioPort audio;
  TestInitiator init{"init"};
  Wire dclr{"dclr"};
  explicit AudioPortBench(AudioPortConfig cfg = {}) : audio("audio", cfg) {
    init.socket.bind(audio.socket);
    audio.dclr_in.bind(dclr);
  }
  void run(std::function<void(TestInitiator&)> fn, sc_time limit) {
    init.script(std::move(fn));
    sc_start(limit);
    EXPECT_TRUE(init.done()) << "test script did not finish";
  }
};

uint32_t frame(unsigned i) { return (0x1000u + i) << 16 | (i & 0xFFFF); }

void wait_until(const sc_time& t) {
  if (t > sc_time_stamp()) wait(t - sc_time_stamp());
}

}  // namespace

TEST(AudioPort, ResetValuesAndId) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    EXPECT_EQ(I.rd32(A::ID), 0x41554430u);
    EXPECT_EQ(I.rd32(A::CTRL), 0u);
    EXPECT_EQ(I.rd32(A::STATUS), 0u);
    EXPECT_EQ(I.rd32(A::WATERMARK), 8u);
    EXPECT_EQ(I.rd32(A::UNDERRUN_COUNT), 0u);
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 0u);
    EXPECT_EQ(I.rd32(A::IRQ_STATUS), 0u);
    EXPECT_EQ(I.rd32(A::OVERFLOW_COUNT), 0u);
    EXPECT_FALSE(b.audio.dreq_burst().read());
    EXPECT_FALSE(b.audio.dreq_single().read());
    EXPECT_FALSE(b.audio.irq_out().read());
  }, sc_time(1, SC_MS));
}

TEST(AudioPort, FifoFillStatusAndOverflow) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    for (unsigned i = 0; i < 5; ++i) I.wr32(A::FIFO_DATA, frame(i));
    EXPECT_EQ(I.rd32(A::STATUS), 5u);
    for (unsigned i = 5; i < 16; ++i) I.wr32(A::FIFO_DATA, frame(i));
    EXPECT_EQ(I.rd32(A::STATUS), 16u | A::STATUS_FULL);
    EXPECT_EQ(log_count_all(LogLevel::Warn, {"FIFO overflow"}), 0u);
    I.wr32(A::FIFO_DATA, 0xBAD0BAD0);  // dropped, response still OK
    EXPECT_EQ(I.rd32(A::OVERFLOW_COUNT), 1u);
    EXPECT_EQ(log_count_all(LogLevel::Warn, {"FIFO overflow: 1 frame(s)", "OVERFLOW_COUNT=1"}), 1u);
    uint32_t three[3] = {1, 2, 3};
    EXPECT_EQ(I.write(A::FIFO_DATA, three, 12, nullptr, 0, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(I.rd32(A::OVERFLOW_COUNT), 4u);
    EXPECT_EQ(log_count_all(LogLevel::Warn, {"FIFO overflow: 3 frame(s)"}), 1u);
    EXPECT_EQ(b.audio.fifo_level(), 16u);
    // FLUSH empties the FIFO and reads back as 0.
    I.wr32(A::CTRL, A::CTRL_FLUSH);
    EXPECT_EQ(I.rd32(A::STATUS), 0u);
    EXPECT_EQ(I.rd32(A::CTRL), 0u);
  }, sc_time(1, SC_MS));
}

TEST(AudioPort, FixedBurstWriteIsNFramesInOrder) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    uint32_t f[4] = {frame(0), frame(1), frame(2), frame(3)};
    EXPECT_EQ(I.write(A::FIFO_DATA, f, 16, nullptr, 0, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(I.rd32(A::STATUS), 4u);
    I.wr32(A::FIFO_DATA, frame(4));
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(tick_time(5) + sc_time(1, SC_PS));
    ASSERT_EQ(b.audio.played_frames().size(), 5u);
    for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(b.audio.played_frames()[i], frame(i)) << i;
    EXPECT_TRUE(b.audio.underrun_frames().empty());
  }, sc_time(1, SC_MS));
}

// AXI allows a write beat with WSTRB = 0 (the DMA sends one when a data error
// leaves a started burst without data): such a FIFO word pushes nothing and the
// write is answered OK; the enabled words of the same burst are frames.
TEST(AudioPort, NullStrobeWordsPushNothing) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    uint32_t f[4] = {frame(0), 0xDEADBEEF, frame(1), 0xDEADBEEF};
    uint8_t be[16];
    for (unsigned i = 0; i < 16; ++i) be[i] = (i / 4) % 2 == 0 ? 0xFF : 0;
    EXPECT_EQ(I.write(A::FIFO_DATA, f, 16, be, 16, 4), TLM_OK_RESPONSE);
    EXPECT_EQ(b.audio.fifo_level(), 2u);
    uint32_t none = 0xBAD0BAD0;
    const uint8_t off[4] = {0, 0, 0, 0};
    EXPECT_EQ(I.write(A::FIFO_DATA, &none, 4, off, 4), TLM_OK_RESPONSE);  // single null beat
    EXPECT_EQ(I.write(A::WATERMARK, &none, 4, off, 4), TLM_OK_RESPONSE);  // no register byte written
    EXPECT_EQ(I.rd32(A::WATERMARK), 8u);
    EXPECT_EQ(b.audio.fifo_level(), 2u);
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(tick_time(2) + sc_time(1, SC_PS));
    ASSERT_EQ(b.audio.played_frames().size(), 2u);
    EXPECT_EQ(b.audio.played_frames()[0], frame(0));
    EXPECT_EQ(b.audio.played_frames()[1], frame(1));
    EXPECT_EQ(log_count_all(LogLevel::Warn, {""}), 0u) << "null-strobe words are not an error";
    // Some but not all bytes of a word enabled: still an error, nothing pushed.
    uint8_t mixed[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0};
    uint32_t two[2] = {frame(2), frame(3)};
    EXPECT_EQ(I.write(A::FIFO_DATA, two, 8, mixed, 8, 4), TLM_BYTE_ENABLE_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"partial byte enables on write at offset 0x0c"}), 1u);
    EXPECT_EQ(b.audio.overflow_count(), 0u);
  }, sc_time(1, SC_MS));
}

TEST(AudioPort, BadAccessesAreErrorsWithLog) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    uint16_t h = 1;
    EXPECT_EQ(I.write(A::CTRL, &h, 2), TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"2-byte write", "only 32-bit accesses"}), 1u);
    uint32_t two[2] = {1, 2};
    EXPECT_EQ(I.write(A::FIFO_DATA, two, 8), TLM_BURST_ERROR_RESPONSE);  // INCR, not FIXED
    EXPECT_EQ(I.write(A::WATERMARK, two, 8, nullptr, 0, 4), TLM_BURST_ERROR_RESPONSE);  // bursts only to FIFO
    EXPECT_EQ(b.audio.fifo_level(), 0u);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"8-byte write (streaming width 8) at offset 0x0c"}), 1u);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"8-byte write (streaming width 4) at offset 0x10"}), 1u);
    uint32_t v = 0;
    EXPECT_EQ(I.read32(A::FIFO_DATA, v), TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"write-only register FIFO_DATA"}), 1u);
    EXPECT_EQ(I.write32(A::STATUS, 0), TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(I.write32(A::FRAMES_PLAYED, 0), TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"to read-only register at offset 0x08"}), 1u);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"to read-only register at offset 0x18"}), 1u);
    EXPECT_EQ(I.read32(0x24, v), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"unmapped register offset 0x24"}), 1u);
    EXPECT_EQ(I.write32(0x0E, 0), TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"misaligned"}), 1u);
    const uint8_t be[4] = {0xFF, 0xFF, 0xFF, 0};
    EXPECT_EQ(I.write(A::FIFO_DATA, &v, 4, be, 4), TLM_BYTE_ENABLE_ERROR_RESPONSE);
    EXPECT_EQ(b.audio.fifo_level(), 0u);
    EXPECT_EQ(log_count_all(LogLevel::Error, {"partial byte enables on write at offset 0x0c"}), 1u);
    EXPECT_EQ(sc_time_stamp(), SC_ZERO_TIME);
  }, sc_time(1, SC_MS));
}

TEST(AudioPort, DreqBurstFollowsWatermarkEnableAndClr) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    EXPECT_FALSE(b.audio.dreq_burst().read());  // disabled
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    EXPECT_TRUE(b.audio.dreq_burst().read());  // level 0 <= 8
    for (unsigned i = 0; i < 8; ++i) I.wr32(A::FIFO_DATA, frame(i));
    EXPECT_TRUE(b.audio.dreq_burst().read());  // level 8 <= 8
    I.wr32(A::FIFO_DATA, frame(8));
    EXPECT_FALSE(b.audio.dreq_burst().read());  // level 9 > 8
    I.wr32(A::WATERMARK, 10);
    EXPECT_TRUE(b.audio.dreq_burst().read());
    I.wr32(A::WATERMARK, 4);
    EXPECT_FALSE(b.audio.dreq_burst().read());
    I.wr32(A::WATERMARK, 12);
    EXPECT_TRUE(b.audio.dreq_burst().read());
    b.dclr.write(true);
    EXPECT_FALSE(b.audio.dreq_burst().read());
    b.dclr.write(false);
    EXPECT_TRUE(b.audio.dreq_burst().read());
    I.wr32(A::WATERMARK, 20);  // clamped to depth-1
    EXPECT_EQ(I.rd32(A::WATERMARK), 15u);
    EXPECT_EQ(log_count_all(LogLevel::Warn, {"WATERMARK 20 clamped to 15"}), 1u);
    I.wr32(A::WATERMARK, 8);
    EXPECT_FALSE(b.audio.dreq_burst().read());
    // The sample clock drains one frame per period: 9 -> 8 re-raises the request.
    wait_until(tick_time(1) - sc_time(1, SC_PS));
    EXPECT_FALSE(b.audio.dreq_burst().read());
    wait_until(tick_time(1) + sc_time(1, SC_PS));
    EXPECT_EQ(b.audio.fifo_level(), 8u);
    EXPECT_TRUE(b.audio.dreq_burst().read());
    I.wr32(A::CTRL, 0);
    EXPECT_FALSE(b.audio.dreq_burst().read());
    EXPECT_FALSE(b.audio.dreq_single().read());  // never driven by default
  }, sc_time(1, SC_MS));
}

TEST(AudioPort, DreqSingleWhenEnabledInConfig) {
  AudioPortConfig cfg;
  cfg.single_requests = true;
  cfg.fifo_depth = 4;
  AudioPortBench b(cfg);
  b.run([&](TestInitiator& I) {
    EXPECT_EQ(I.rd32(A::WATERMARK), 2u);
    EXPECT_FALSE(b.audio.dreq_single().read());
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    EXPECT_TRUE(b.audio.dreq_single().read());
    for (unsigned i = 0; i < 3; ++i) I.wr32(A::FIFO_DATA, frame(i));
    EXPECT_TRUE(b.audio.dreq_single().read());  // 3 < 4
    EXPECT_FALSE(b.audio.dreq_burst().read());  // 3 > 2
    b.dclr.write(true);
    EXPECT_FALSE(b.audio.dreq_single().read());
    b.dclr.write(false);
    I.wr32(A::FIFO_DATA, frame(3));
    EXPECT_FALSE(b.audio.dreq_single().read());  // full
    EXPECT_EQ(I.rd32(A::STATUS), 4u | A::STATUS_FULL);
    I.wr32(A::CTRL, 0);
  }, sc_time(1, SC_MS));
}

TEST(AudioPort, PlaybackExactlyNFramesAfterNPeriods) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    for (unsigned i = 0; i < 16; ++i) I.wr32(A::FIFO_DATA, frame(i));
    I.wr32(A::CTRL, A::CTRL_ENABLE);  // at t = 0
    wait_until(tick_time(1) - sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 0u);  // first frame one period after ENABLE
    wait_until(tick_time(1) + sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 1u);
    wait_until(tick_time(10) - sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 9u);
    wait_until(tick_time(10) + sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 10u);
    EXPECT_EQ(I.rd32(A::STATUS), 6u);
    ASSERT_EQ(b.audio.played_frames().size(), 10u);
    for (unsigned i = 0; i < 10; ++i) EXPECT_EQ(b.audio.played_frames()[i], frame(i));
    // No drift: tick 48000 lands exactly on 1 s.
    EXPECT_EQ(tick_time(48000), sc_time(1, SC_SEC));
    I.wr32(A::CTRL, 0);
  }, sc_time(1, SC_MS));
  EXPECT_EQ(b.audio.underrun_count(), 0u);
}

TEST(AudioPort, LongRunHasNoDrift) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(sc_time(1, SC_SEC) - sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 47999u);
    wait_until(sc_time(1, SC_SEC) + sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 48000u);
    EXPECT_EQ(I.rd32(A::UNDERRUN_COUNT), 48000u);
    I.wr32(A::CTRL, 0);
  }, sc_time(2, SC_SEC));
}

TEST(AudioPort, EnableStartsClockAtAnnotatedTime) {
  AudioPortConfig cfg;
  cfg.access_latency = sc_time(100, SC_NS);
  AudioPortBench b(cfg);
  b.run([&](TestInitiator& I) {
    I.sync = false;  // run ahead: the ENABLE write is annotated +100 ns
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    EXPECT_EQ(I.last_delay, sc_time(100, SC_NS));
    EXPECT_EQ(sc_time_stamp(), SC_ZERO_TIME);
    wait_until(sc_time(100, SC_NS) + tick_time(1) - sc_time(1, SC_PS));
    EXPECT_EQ(b.audio.played_frames().size(), 0u);
    wait_until(sc_time(100, SC_NS) + tick_time(1) + sc_time(1, SC_PS));
    EXPECT_EQ(b.audio.played_frames().size(), 1u);
    I.wr32(A::CTRL, 0);
  }, sc_time(1, SC_MS));
}

TEST(AudioPort, DisableStopsClockAndReenableRestartsPhase) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    for (unsigned i = 0; i < 16; ++i) I.wr32(A::FIFO_DATA, frame(i));
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(tick_time(3) + tick_time(1) / 2);
    I.wr32(A::CTRL, 0);
    wait_until(tick_time(10));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 3u);
    EXPECT_EQ(I.rd32(A::STATUS), 13u);  // FIFO kept
    const sc_time t_en = sc_time_stamp();
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(t_en + tick_time(1) - sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 3u);
    wait_until(t_en + tick_time(2) + sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 5u);
    ASSERT_EQ(b.audio.played_frames().size(), 5u);
    EXPECT_EQ(b.audio.played_frames()[4], frame(4));
    I.wr32(A::CTRL, 0);
  }, sc_time(1, SC_MS));
}

TEST(AudioPort, UnderrunCountsPlaysSilenceAndRaisesIrq) {
  AudioPortBench b;
  b.run([&](TestInitiator& I) {
    I.wr32(A::FIFO_DATA, frame(0));
    I.wr32(A::FIFO_DATA, frame(1));
    I.wr32(A::CTRL, A::CTRL_ENABLE | A::CTRL_UNDERRUN_IRQ_EN);
    wait_until(tick_time(2) + sc_time(1, SC_PS));
    EXPECT_FALSE(b.audio.irq_out().read());
    EXPECT_EQ(I.rd32(A::UNDERRUN_COUNT), 0u);
    wait_until(tick_time(3) + sc_time(1, SC_PS));
    EXPECT_TRUE(b.audio.irq_out().read());
    EXPECT_EQ(I.rd32(A::UNDERRUN_COUNT), 1u);
    EXPECT_EQ(I.rd32(A::IRQ_STATUS), 1u);
    EXPECT_EQ(I.rd32(A::STATUS), A::STATUS_UNDERRUN);
    wait_until(tick_time(5) + sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::UNDERRUN_COUNT), 3u);
    EXPECT_EQ(I.rd32(A::FRAMES_PLAYED), 5u);
    const std::vector<size_t> expect_idx = {2, 3, 4};
    EXPECT_EQ(b.audio.underrun_frames(), expect_idx);
    const std::vector<uint32_t> expect_frames = {frame(0), frame(1), 0, 0, 0};
    EXPECT_EQ(b.audio.played_frames(), expect_frames);
    // W1C clears the sticky bit and the irq; writing 0 does nothing.
    I.wr32(A::IRQ_STATUS, 0);
    EXPECT_TRUE(b.audio.irq_out().read());
    I.wr32(A::IRQ_STATUS, 1);
    EXPECT_FALSE(b.audio.irq_out().read());
    EXPECT_EQ(I.rd32(A::STATUS), 0u);
    // Masking the irq: status still set, line stays low.
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(tick_time(6) + sc_time(1, SC_PS));
    EXPECT_EQ(I.rd32(A::IRQ_STATUS), 1u);
    EXPECT_FALSE(b.audio.irq_out().read());
    I.wr32(A::CTRL, A::CTRL_ENABLE | A::CTRL_UNDERRUN_IRQ_EN);
    EXPECT_TRUE(b.audio.irq_out().read());
    I.wr32(A::CTRL, 0);
  }, sc_time(1, SC_MS));
}

// A PL080-style flow controller played by the script: on dreq_burst it moves
// 8 frames in one FIXED burst after 2 us, then pulses dclr until the requests drop.
TEST(AudioPort, DmaStyleHandshakeKeepsFifoFed) {
  AudioPortBench b;
  WireEvent dreq(b.audio.dreq_burst());
  unsigned next = 0, bursts = 0;
  b.run([&](TestInitiator& I) {
    I.wr32(A::CTRL, A::CTRL_ENABLE | A::CTRL_UNDERRUN_IRQ_EN);
    const sc_time end = tick_time(200);
    while (sc_time_stamp() < end) {
      dreq.wait_level(true);
      wait(2, SC_US);
      uint32_t f[8];
      for (auto& x : f) x = frame(next++);
      EXPECT_EQ(I.write(A::FIFO_DATA, f, sizeof f, nullptr, 0, 4), TLM_OK_RESPONSE);
      ++bursts;
      b.dclr.write(true);
      EXPECT_FALSE(b.audio.dreq_burst().read());
      EXPECT_FALSE(b.audio.dreq_single().read());
      b.dclr.write(false);
    }
    I.wr32(A::CTRL, 0);
  }, sc_time(10, SC_MS));
  EXPECT_EQ(b.audio.underrun_count(), 0u);
  EXPECT_EQ(b.audio.overflow_count(), 0u);
  EXPECT_FALSE(b.audio.irq_out().read());
  const auto& p = b.audio.played_frames();
  ASSERT_GE(p.size(), 200u);
  for (size_t i = 0; i < p.size(); ++i) ASSERT_EQ(p[i], frame(unsigned(i))) << i;
  // 2 initial bursts fill to 16, then one burst per 8 frames played.
  EXPECT_GE(bursts, 200u / 8);
  EXPECT_LE(bursts, 200u / 8 + 3);
}

namespace {
uint32_t rd_le32(const std::vector<uint8_t>& b, size_t o) {
  return uint32_t(b[o]) | uint32_t(b[o + 1]) << 8 | uint32_t(b[o + 2]) << 16 | uint32_t(b[o + 3]) << 24;
}
uint16_t rd_le16(const std::vector<uint8_t>& b, size_t o) { return uint16_t(b[o] | b[o + 1] << 8); }
}  // namespace

TEST(AudioPort, WavHeaderByteExact) {
  AudioPortBench b;
  const std::string path = ::testing::TempDir() + "dmacosim_audio_port_test.wav";
  b.run([&](TestInitiator& I) {
    I.wr32(A::FIFO_DATA, 0x00020001);
    I.wr32(A::FIFO_DATA, 0xFFFE8000);
    I.wr32(A::FIFO_DATA, 0x7FFF1234);
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(tick_time(4) + sc_time(1, SC_PS));  // 3 frames + 1 underrun (silence)
    I.wr32(A::CTRL, 0);
  }, sc_time(1, SC_MS));
  ASSERT_TRUE(b.audio.write_wav(path));
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> w((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_EQ(w.size(), 44u + 16u);
  EXPECT_EQ(std::string(w.begin(), w.begin() + 4), "RIFF");
  EXPECT_EQ(rd_le32(w, 4), 36u + 16u);
  EXPECT_EQ(std::string(w.begin() + 8, w.begin() + 12), "WAVE");
  EXPECT_EQ(std::string(w.begin() + 12, w.begin() + 16), "fmt ");
  EXPECT_EQ(rd_le32(w, 16), 16u);      // fmt chunk size
  EXPECT_EQ(rd_le16(w, 20), 1u);       // PCM
  EXPECT_EQ(rd_le16(w, 22), 2u);       // channels
  EXPECT_EQ(rd_le32(w, 24), 48000u);   // sample rate
  EXPECT_EQ(rd_le32(w, 28), 192000u);  // byte rate
  EXPECT_EQ(rd_le16(w, 32), 4u);       // block align
  EXPECT_EQ(rd_le16(w, 34), 16u);      // bits per sample
  EXPECT_EQ(std::string(w.begin() + 36, w.begin() + 40), "data");
  EXPECT_EQ(rd_le32(w, 40), 16u);
  const uint8_t data[16] = {0x01, 0x00, 0x02, 0x00, 0x00, 0x80, 0xFE, 0xFF,
                            0x34, 0x12, 0xFF, 0x7F, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(0, std::memcmp(w.data() + 44, data, 16));
  std::remove(path.c_str());
  EXPECT_FALSE(b.audio.write_wav("/nonexistent-dir/x.wav"));
  EXPECT_EQ(log_count_all(LogLevel::Error, {"write_wav: cannot open"}), 1u);
}

// The streamed WAV (open_wav: frames written as they play, header patched at
// close) is byte-identical to the one written from the capture, and a frame
// sink sees every frame in order with its underrun flag.
TEST(AudioPort, StreamedWavAndFrameSinkMatchTheCapture) {
  AudioPortBench b;
  const std::string streamed = ::testing::TempDir() + "dmacosim_audio_port_streamed.wav";
  const std::string captured = ::testing::TempDir() + "dmacosim_audio_port_captured.wav";
  std::vector<uint32_t> seen;
  std::vector<size_t> seen_underruns;
  b.audio.add_frame_sink([&](uint64_t index, uint32_t f, bool underrun) {
    EXPECT_EQ(index, seen.size());
    if (underrun) seen_underruns.push_back(seen.size());
    seen.push_back(f);
  });
  ASSERT_TRUE(b.audio.open_wav(streamed));
  b.run([&](TestInitiator& I) {
    for (unsigned i = 0; i < 5; ++i) I.wr32(A::FIFO_DATA, frame(i));
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(tick_time(8) + sc_time(1, SC_PS));  // 5 frames + 3 underruns
    I.wr32(A::FIFO_DATA, frame(5));
    wait_until(tick_time(9) + sc_time(1, SC_PS));
    I.wr32(A::CTRL, 0);
  }, sc_time(1, SC_MS));
  ASSERT_TRUE(b.audio.close_wav());
  ASSERT_TRUE(b.audio.write_wav(captured));
  EXPECT_EQ(b.audio.frames_out(), 9u);
  EXPECT_EQ(seen, b.audio.played_frames());
  EXPECT_EQ(seen_underruns, b.audio.underrun_frames());
  EXPECT_EQ(seen_underruns, (std::vector<size_t>{5, 6, 7}));
  auto bytes = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  };
  const auto s = bytes(streamed);
  ASSERT_EQ(s.size(), 44u + 9u * 4u);
  EXPECT_EQ(rd_le32(s, 4), 36u + 36u);
  EXPECT_EQ(rd_le32(s, 40), 36u);
  EXPECT_EQ(s, bytes(captured));
  std::remove(streamed.c_str());
  std::remove(captured.c_str());
  // A path that cannot be written: false and a clear error.
  EXPECT_FALSE(b.audio.open_wav("/nonexistent-dir/x.wav"));
  EXPECT_EQ(log_count_all(LogLevel::Error, {"open_wav: cannot open '/nonexistent-dir/x.wav'"}), 1u);
}

// Capture off: nothing is kept, frames still reach the sinks, and reading the
// capture is an error rather than an empty (wrong) answer.
TEST(AudioPort, CaptureOffKeepsNothingAndReadingItIsAnError) {
  AudioPortBench b;
  b.audio.set_capture(false);
  uint64_t sunk = 0;
  b.audio.add_frame_sink([&](uint64_t, uint32_t, bool) { ++sunk; });
  b.run([&](TestInitiator& I) {
    for (unsigned i = 0; i < 4; ++i) I.wr32(A::FIFO_DATA, frame(i));
    I.wr32(A::CTRL, A::CTRL_ENABLE);
    wait_until(tick_time(4) + sc_time(1, SC_PS));
    I.wr32(A::CTRL, 0);
  }, sc_time(1, SC_MS));
  EXPECT_EQ(sunk, 4u);
  EXPECT_EQ(b.audio.frames_out(), 4u);
  EXPECT_FALSE(b.audio.capturing());
  EXPECT_TRUE(b.audio.played_frames().empty());
  EXPECT_TRUE(b.audio.underrun_frames().empty());
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "played_frames() read with capture off"), 1u);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "underrun_frames() read with capture off"), 1u);
  EXPECT_EQ(Log::instance().unexpected_count(), 0u);
}

// WavWriter::close_all() (the internal-error exit) leaves a valid file: the
// header's sizes say what was written.
TEST(AudioPort, WavWriterCloseAllPatchesTheHeader) {
  const std::string path = ::testing::TempDir() + "dmacosim_wav_close_all.wav";
  {
    WavWriter w;
    ASSERT_TRUE(w.open(path, 48000, 2, 16));
    for (unsigned i = 0; i < 3; ++i) w.frame(frame(i));
    WavWriter::close_all();
    EXPECT_FALSE(w.is_open());
    std::ifstream f(path, std::ios::binary);
    const std::vector<uint8_t> s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    ASSERT_EQ(s.size(), 44u + 12u);
    EXPECT_EQ(rd_le32(s, 4), 36u + 12u);
    EXPECT_EQ(rd_le32(s, 40), 12u);
    EXPECT_EQ(rd_le32(s, 44), frame(0));
  }
  std::remove(path.c_str());
  // Without close_all(), a writer that was never closed has sizes 0 on disk
  // until it is (the check above is not vacuous).
  WavWriter w;
  ASSERT_TRUE(w.open(path, 48000, 2, 16));
  w.frame(frame(0));
  fflush(nullptr);
  {
    std::ifstream f(path, std::ios::binary);
    const std::vector<uint8_t> s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    ASSERT_GE(s.size(), 44u);
    EXPECT_EQ(rd_le32(s, 40), 0u);
  }
  EXPECT_TRUE(w.close());
  std::remove(path.c_str());
}
