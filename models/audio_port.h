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
// goes, as it plays, to the frame sinks (add_frame_sink: a checker), to the
// WAV file being streamed (open_wav) and, while capture is on (the default,
// for tests), into played_frames() for write_wav(). A long run turns capture
// off (set_capture(false)): memory then does not grow with the time played.
#pragma once
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "reg_bank.h"
#include "wire.h"

namespace dmacosim {

// A 16-bit PCM RIFF/WAVE file written frame by frame: the 44-byte header goes
// out first with its sizes at 0 and is patched by close(), so memory does not
// grow with the length. close_all() closes every open writer: the exit path
// of an internal error calls it, so a run that dies mid-flight still leaves a
// valid WAV of what was played.
class WavWriter {
public:
  WavWriter() = default;
  ~WavWriter() { close(); }
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;

  // False (and error() says why) when the file cannot be created.
  bool open(const std::string& path, unsigned sample_rate, unsigned channels, unsigned bits_per_sample);
  bool is_open() const { return fp_ != nullptr; }
  // One frame of block_align bytes, little-endian, low sample (left) first.
  void frame(uint32_t f);
  // Patches the sizes and closes. False if any write failed, or the data does
  // not fit the format's 32-bit sizes (error() says which). No-op when closed.
  bool close();
  uint64_t frames() const { return frames_; }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }
  static void close_all();

private:
  FILE* fp_ = nullptr;
  std::string path_, error_;
  uint32_t block_align_ = 0;
  uint64_t frames_ = 0;
  bool failed_ = false;
};

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
  // Frames played since construction, underrun silence included (FRAMES_PLAYED
  // is the 32-bit register view of the same count).
  uint64_t frames_out() const { return frames_out_; }
  // Called at every played frame, in order: its index (frames_out() before
  // it), the frame, and whether it is underrun silence.
  using FrameSink = std::function<void(uint64_t index, uint32_t frame, bool underrun)>;
  void add_frame_sink(FrameSink sink) { sinks_.push_back(std::move(sink)); }
  // Capture of every played frame (played_frames(), underrun_frames(),
  // write_wav()): on by default; set_capture(false) forgets what was captured
  // and stops, and reading the capture afterwards is an error (logged; the
  // answer is empty: a caller that needs it must leave capture on).
  void set_capture(bool on);
  bool capturing() const { return capture_; }
  const std::vector<uint32_t>& played_frames() const;
  const std::vector<size_t>& underrun_frames() const;  // indices into played_frames()
  uint32_t underrun_count() const { return underruns_; }
  uint32_t overflow_count() const { return overflows_; }
  bool enabled() const { return ctrl_ & CTRL_ENABLE; }
  // Canonical 44-byte RIFF/WAVE PCM header + every captured frame. False on I/O error.
  bool write_wav(const std::string& path) const;
  // Streams every frame played from now on to a WAV file (close_wav(), the
  // destructor or WavWriter::close_all() patch its header). False on I/O
  // error, logged as an error like write_wav().
  bool open_wav(const std::string& path);
  bool close_wav();

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
  uint64_t frames_out_ = 0;
  bool capture_ = true;
  std::vector<uint32_t> played_;
  std::vector<size_t> underrun_idx_;
  std::vector<FrameSink> sinks_;
  WavWriter wav_;
  Wire irq_out_, dreq_burst_, dreq_single_;
  sc_core::sc_event tick_ev_;
  sc_core::sc_time t_enable_;
  uint64_t tick_index_ = 0;  // ticks since enable
  RegBank regs_;
};

}  // namespace dmacosim
