// Audio serial port: I2S-like transmitter with a frame FIFO, a sample clock,
// an underrun interrupt and a PL080-style DMA request interface.
//
// Register map (32-bit registers; window 4 KiB; declared once in
// AudioPort::declare_registers())
// -----------------------------------------------------------------------------
// Off   Name            Access  Reset       Description
// 0x00  ID              RO      0x41554430  "AUD0"
// 0x04  CTRL            RW      0           [0] ENABLE: 1 starts the sample clock (first
//                                               frame played one sample period after the
//                                               write), 0 stops it (FIFO contents kept)
//                                           [1] UNDERRUN_IRQ_EN
//                                           [2] FLUSH: write 1 to empty the FIFO (reads 0)
// 0x08  STATUS          RO      0           [7:0] FIFO level (frames), [8] FIFO full,
//                                           [9] UNDERRUN (sticky; same bit as
//                                               IRQ_STATUS[0], cleared through IRQ_STATUS)
// 0x0C  FIFO_DATA       WO      -           one stereo frame per 32-bit write:
//                                           left = [15:0], right = [31:16] (signed PCM).
//                                           Write to a full FIFO: frame dropped,
//                                           OVERFLOW_COUNT += 1, warning logged.
//                                           A single transaction of N*4 bytes with
//                                           streaming width 4 (FIXED burst) = N frames.
// 0x10  WATERMARK       RW      depth/2     DMA burst request while level <= WATERMARK
//                                           (writes > depth-1 are clamped, logged)
// 0x14  UNDERRUN_COUNT  RO      0           sample ticks that found the FIFO empty
// 0x18  FRAMES_PLAYED   RO      0           sample ticks while enabled (incl. silence)
// 0x1C  IRQ_STATUS      W1C     0           [0] UNDERRUN
// 0x20  OVERFLOW_COUNT  RO      0           frames dropped because the FIFO was full
// -----------------------------------------------------------------------------
// irq_out = IRQ_STATUS[0] && CTRL[1].
//
// DMA handshake (PL080 style, see docs/dmac-spec.md "Peripheral flow"):
//   dreq_burst  = ENABLE && level <= WATERMARK && !dclr
//   dreq_single = 0 by default (config.single_requests = false). With
//                 single_requests = true: ENABLE && level < depth && !dclr.
//   Both are recomputed synchronously (Wire::write) whenever the FIFO level,
//   ENABLE, WATERMARK or dclr changes (inside b_transport / the sample tick).
//
// Bus rules: models/reg_bank.h (32-bit aligned 4-byte accesses; FIFO_DATA also
// takes N*4-byte writes with streaming width 4; a write word with no byte
// enabled writes nothing, OK; errors are logged and answered with a TLM error).
// b_transport never waits; register side effects take place when the
// transaction is processed (LT: the annotated delay is not waited out), except
// that ENABLE starts the sample clock at sc_time_stamp() + annotated delay.
//
// Sample clock: tick k after enable happens at t_enable + round(k * 1e12 / rate)
// ps (no cumulative rounding drift). Each tick pops one frame (or plays
// silence = 0 and counts an underrun if the FIFO is empty). Every played frame
// is captured for tests and write_wav().
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "reg_bank.h"
#include "wire.h"

namespace dmacosim {

struct AudioPortConfig {
  unsigned sample_rate = 48000;
  unsigned channels = 2;         // only 2 supported
  unsigned bits_per_sample = 16;  // only 16 supported
  unsigned fifo_depth = 16;      // frames, 1..255
  int watermark = -1;            // reset value of WATERMARK; -1 = depth/2
  bool single_requests = false;  // drive dreq_single (see above)
  sc_core::sc_time access_latency = sc_core::SC_ZERO_TIME;
};

class AudioPort : public sc_core::sc_module {
public:
  static constexpr uint32_t kId = 0x41554430;  // "AUD0"
  enum Reg : uint32_t {
    ID = 0x00, CTRL = 0x04, STATUS = 0x08, FIFO_DATA = 0x0C, WATERMARK = 0x10, UNDERRUN_COUNT = 0x14,
    FRAMES_PLAYED = 0x18, IRQ_STATUS = 0x1C, OVERFLOW_COUNT = 0x20,
  };
  enum : uint32_t { CTRL_ENABLE = 1u << 0, CTRL_UNDERRUN_IRQ_EN = 1u << 1, CTRL_FLUSH = 1u << 2 };
  enum : uint32_t { STATUS_FULL = 1u << 8, STATUS_UNDERRUN = 1u << 9 };
  enum : uint32_t { IRQ_UNDERRUN = 1u << 0 };

  tlm_utils::simple_target_socket<AudioPort> socket;

  explicit AudioPort(sc_core::sc_module_name name, AudioPortConfig cfg = {});

  Wire& irq_out() { return irq_out_; }
  Wire& dreq_burst() { return dreq_burst_; }
  Wire& dreq_single() { return dreq_single_; }
  // The DMA's request clear for our line: dclr_in.bind(wire).
  WireIn dclr_in;

  const AudioPortConfig& config() const { return cfg_; }
  sc_core::sc_time sample_period() const { return sc_core::sc_time(1.0 / cfg_.sample_rate, sc_core::SC_SEC); }

  // Observation.
  unsigned fifo_level() const { return unsigned(fifo_.size()); }
  const std::vector<uint32_t>& played_frames() const { return played_; }
  const std::vector<size_t>& underrun_frames() const { return underrun_idx_; }  // indices into played_frames()
  uint32_t underrun_count() const { return underruns_; }
  uint32_t overflow_count() const { return overflows_; }
  bool enabled() const { return ctrl_ & CTRL_ENABLE; }
  // Canonical 44-byte RIFF/WAVE PCM header + every played frame. False on I/O error.
  bool write_wav(const std::string& path) const;

  // Register access without the bus (debug: no side effects, nothing logged).
  tlm::tlm_response_status reg_read(uint32_t off, uint32_t& v, bool debug = false) { return regs_.read(off, v, debug); }
  tlm::tlm_response_status reg_write(uint32_t off, uint32_t v) { return regs_.write(off, v); }

private:
  void declare_registers();
  void write_ctrl(uint32_t v);
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) { return regs_.transport_dbg(trans); }
  void push_frames(const uint32_t* frames, size_t n);
  void tick();
  void schedule_next();
  void update_wires();

  AudioPortConfig cfg_;
  uint32_t ctrl_ = 0, watermark_ = 0, irq_status_ = 0;
  uint32_t underruns_ = 0, overflows_ = 0, frames_played_ = 0;
  std::deque<uint32_t> fifo_;
  std::vector<uint32_t> played_;
  std::vector<size_t> underrun_idx_;
  Wire irq_out_, dreq_burst_, dreq_single_;
  sc_core::sc_event tick_ev_;
  sc_core::sc_time t_enable_;
  uint64_t tick_index_ = 0;  // ticks since enable
  RegBank regs_;
};

}  // namespace dmacosim
