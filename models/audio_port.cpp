#include "audio_port.h"

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>

#include "log.h"

namespace dmacosim {

using namespace sc_core;
using namespace tlm;

AudioPort::AudioPort(sc_module_name name, AudioPortConfig cfg)
    : sc_module(name), socket("socket"), cfg_(cfg),
      irq_out_(std::string(this->name()) + ".irq_out"),
      dreq_burst_(std::string(this->name()) + ".dreq_burst"),
      dreq_single_(std::string(this->name()) + ".dreq_single") {
  if (cfg_.channels != 2 || cfg_.bits_per_sample != 16)
    SC_REPORT_ERROR("dmacosim/audio_port", strfmt("%s: only 2 channels x 16 bits are supported (got %u x %u)",
                                                  this->name(), cfg_.channels, cfg_.bits_per_sample).c_str());
  if (cfg_.sample_rate == 0) SC_REPORT_ERROR("dmacosim/audio_port", "sample_rate must be > 0");
  if (cfg_.fifo_depth < 1 || cfg_.fifo_depth > 255) {
    SC_REPORT_ERROR("dmacosim/audio_port", strfmt("%s: fifo_depth %u out of range 1..255", this->name(),
                                                  cfg_.fifo_depth).c_str());
    cfg_.fifo_depth = 16;
  }
  watermark_ = cfg_.watermark < 0 ? cfg_.fifo_depth / 2 : std::min<unsigned>(cfg_.watermark, cfg_.fifo_depth - 1);
  socket.register_b_transport(this, &AudioPort::b_transport);
  socket.register_transport_dbg(this, &AudioPort::transport_dbg);
  SC_HAS_PROCESS(AudioPort);
  SC_METHOD(tick);
  sensitive << tick_ev_;
  dont_initialize();
}

void AudioPort::bind_dclr(Wire& clr) {
  if (dclr_) {
    SC_REPORT_ERROR("dmacosim/audio_port", strfmt("%s: dclr bound twice", name()).c_str());
    return;
  }
  dclr_ = &clr;
  clr.on_change([this](bool) { update_wires(); });
  update_wires();
}

void AudioPort::update_wires() {
  const bool en = ctrl_ & CTRL_ENABLE;
  const bool clr = dclr_ && dclr_->read();
  const unsigned level = fifo_level();
  dreq_burst_.write(en && level <= watermark_ && !clr);
  dreq_single_.write(cfg_.single_requests && en && level < cfg_.fifo_depth && !clr);
  irq_out_.write((irq_status_ & IRQ_UNDERRUN) && (ctrl_ & CTRL_UNDERRUN_IRQ_EN));
}

void AudioPort::push_frames(const uint32_t* frames, size_t n) {
  size_t dropped = 0;
  for (size_t i = 0; i < n; ++i) {
    if (fifo_.size() >= cfg_.fifo_depth) {
      ++dropped;
      continue;
    }
    fifo_.push_back(frames[i]);
  }
  if (dropped) {
    overflows_ += uint32_t(dropped);
    log_warn(name(), strfmt("FIFO overflow: %zu frame(s) written to a full FIFO dropped (OVERFLOW_COUNT=%u)", dropped,
                            overflows_));
  }
  update_wires();
}

void AudioPort::schedule_next() {
  const sc_time next = t_enable_ + sc_time(double(tick_index_ + 1) / cfg_.sample_rate, SC_SEC);
  const sc_time now = sc_time_stamp();
  tick_ev_.notify(next > now ? next - now : SC_ZERO_TIME);
}

void AudioPort::tick() {
  if (!(ctrl_ & CTRL_ENABLE)) return;
  ++tick_index_;
  const bool underrun = fifo_.empty();
  uint32_t frame = 0;
  if (underrun) {
    ++underruns_;
    if (!(irq_status_ & IRQ_UNDERRUN))
      log_info(name(), strfmt("underrun at frame %u (UNDERRUN_COUNT=%u)", frames_played_, underruns_));
    irq_status_ |= IRQ_UNDERRUN;
  } else {
    frame = fifo_.front();
    fifo_.pop_front();
  }
  if (capture_) {
    if (underrun) underrun_idx_.push_back(played_.size());
    played_.push_back(frame);
  }
  if (wav_.is_open()) wav_.frame(frame);
  for (const FrameSink& sink : sinks_) sink(frames_out_, frame, underrun);
  ++frames_out_;
  ++frames_played_;
  update_wires();
  schedule_next();
}

tlm_response_status AudioPort::reg_read(uint32_t off, uint32_t& v, bool debug) {
  v = 0;
  switch (off) {
    case ID: v = kId; break;
    case CTRL: v = ctrl_ & (CTRL_ENABLE | CTRL_UNDERRUN_IRQ_EN); break;
    case STATUS:
      v = fifo_level() | (fifo_level() >= cfg_.fifo_depth ? uint32_t(STATUS_FULL) : 0u) |
          ((irq_status_ & IRQ_UNDERRUN) ? uint32_t(STATUS_UNDERRUN) : 0u);
      break;
    case WATERMARK: v = watermark_; break;
    case UNDERRUN_COUNT: v = underruns_; break;
    case FRAMES_PLAYED: v = frames_played_; break;
    case IRQ_STATUS: v = irq_status_; break;
    case OVERFLOW_COUNT: v = overflows_; break;
    case FIFO_DATA:
      if (!debug) log_error(name(), "read of write-only register FIFO_DATA (0x0C)");
      return TLM_COMMAND_ERROR_RESPONSE;
    default:
      if (!debug) log_error(name(), strfmt("read of unmapped register offset 0x%02x", off));
      return TLM_ADDRESS_ERROR_RESPONSE;
  }
  return TLM_OK_RESPONSE;
}

tlm_response_status AudioPort::reg_write(uint32_t off, uint32_t v, const sc_time& delay) {
  switch (off) {
    case CTRL: {
      const bool was_en = ctrl_ & CTRL_ENABLE;
      if (v & ~(CTRL_ENABLE | CTRL_UNDERRUN_IRQ_EN | CTRL_FLUSH))
        log_warn(name(), strfmt("CTRL write 0x%08x sets reserved bits", v));
      ctrl_ = v & (CTRL_ENABLE | CTRL_UNDERRUN_IRQ_EN);
      if (v & CTRL_FLUSH) fifo_.clear();
      const bool en = ctrl_ & CTRL_ENABLE;
      if (en && !was_en) {
        t_enable_ = sc_time_stamp() + delay;
        tick_index_ = 0;
        schedule_next();
      } else if (!en && was_en) {
        tick_ev_.cancel();
      }
      update_wires();
      return TLM_OK_RESPONSE;
    }
    case FIFO_DATA:
      push_frames(&v, 1);
      return TLM_OK_RESPONSE;
    case WATERMARK:
      if (v > cfg_.fifo_depth - 1) {
        log_warn(name(), strfmt("WATERMARK %u clamped to %u (FIFO depth %u)", v, cfg_.fifo_depth - 1, cfg_.fifo_depth));
        v = cfg_.fifo_depth - 1;
      }
      watermark_ = v;
      update_wires();
      return TLM_OK_RESPONSE;
    case IRQ_STATUS:
      irq_status_ &= ~(v & IRQ_UNDERRUN);
      update_wires();
      return TLM_OK_RESPONSE;
    case ID: case STATUS: case UNDERRUN_COUNT: case FRAMES_PLAYED: case OVERFLOW_COUNT:
      log_error(name(), strfmt("write 0x%08x to read-only register at offset 0x%02x", v, off));
      return TLM_COMMAND_ERROR_RESPONSE;
    default:
      log_error(name(), strfmt("write 0x%08x to unmapped register offset 0x%02x", v, off));
      return TLM_ADDRESS_ERROR_RESPONSE;
  }
}

void AudioPort::b_transport(tlm_generic_payload& t, sc_time& delay) {
  delay += cfg_.access_latency;
  if (t.get_command() == TLM_IGNORE_COMMAND) {
    t.set_response_status(TLM_OK_RESPONSE);
    return;
  }
  const uint64_t a = t.get_address();
  const unsigned len = t.get_data_length();
  const unsigned sw = t.get_streaming_width() ? t.get_streaming_width() : len;
  const bool wr = t.is_write();
  const char* what = wr ? "write" : "read";
  if (a % 4 || a > 0xFFF) {
    log_error(name(), strfmt("%s of %u byte(s) at offset 0x%llx: %s", what, len, (unsigned long long)a,
                             a % 4 ? "misaligned (registers need 32-bit aligned access)" : "unmapped"));
    t.set_response_status(TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const bool fifo_burst = wr && a == FIFO_DATA && len >= 4 && len % 4 == 0 && sw == 4;
  if (len != 4 && !fifo_burst) {
    log_error(name(), strfmt("%u-byte %s (streaming width %u) at offset 0x%02llx: only 32-bit accesses, or N*4-byte "
                             "FIFO_DATA writes with streaming width 4, are accepted",
                             len, what, sw, (unsigned long long)a));
    t.set_response_status(TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (sw < 4) {
    log_error(name(), strfmt("%s at offset 0x%02llx with streaming width %u < 4", what, (unsigned long long)a, sw));
    t.set_response_status(TLM_BURST_ERROR_RESPONSE);
    return;
  }
  // Byte enables, one 32-bit word at a time: all enabled (the word is
  // written) or none (a null-strobe AXI beat: nothing is written, OKAY).
  // Anything in between is an error, and so is a read with byte enables.
  std::vector<bool> word_enabled(len / 4, true);
  if (const unsigned char* be = t.get_byte_enable_ptr()) {
    const unsigned bl = t.get_byte_enable_length();
    for (unsigned w = 0; bl && w < len / 4; ++w) {
      unsigned on = 0;
      for (unsigned i = 4 * w; i < 4 * w + 4; ++i) on += be[i % bl] == TLM_BYTE_ENABLED;
      if ((on != 0 && on != 4) || (on != 4 && !wr)) {
        log_error(name(), strfmt("partial byte enables on %s at offset 0x%02llx: registers need all 4 bytes "
                                 "(a write may also enable none)",
                                 what, (unsigned long long)a));
        t.set_response_status(TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
      }
      word_enabled[w] = on == 4;
    }
  }
  const uint32_t off = uint32_t(a);
  tlm_response_status st;
  if (!wr) {
    uint32_t v;
    st = reg_read(off, v, false);
    if (st == TLM_OK_RESPONSE) std::memcpy(t.get_data_ptr(), &v, 4);
  } else if (len > 4) {
    std::vector<uint32_t> frames;
    frames.reserve(len / 4);
    for (unsigned w = 0; w < len / 4; ++w) {
      if (!word_enabled[w]) continue;
      uint32_t v;
      std::memcpy(&v, t.get_data_ptr() + 4 * w, 4);
      frames.push_back(v);
    }
    push_frames(frames.data(), frames.size());
    st = TLM_OK_RESPONSE;
  } else if (!word_enabled[0]) {
    st = TLM_OK_RESPONSE;  // null-strobe write: no register changes
  } else {
    uint32_t v;
    std::memcpy(&v, t.get_data_ptr(), 4);
    st = reg_write(off, v, delay);
  }
  t.set_response_status(st);
}

unsigned int AudioPort::transport_dbg(tlm_generic_payload& t) {
  // Debug access: reads only (writes could push FIFO data or start the clock).
  if (!t.is_read() || t.get_data_length() != 4 || t.get_address() % 4) return 0;
  uint32_t v;
  if (reg_read(uint32_t(t.get_address()), v, true) != TLM_OK_RESPONSE) return 0;
  std::memcpy(t.get_data_ptr(), &v, 4);
  t.set_response_status(TLM_OK_RESPONSE);
  return 4;
}

void AudioPort::set_capture(bool on) {
  capture_ = on;
  if (!on) {
    std::vector<uint32_t>().swap(played_);
    std::vector<size_t>().swap(underrun_idx_);
  }
}

const std::vector<uint32_t>& AudioPort::played_frames() const {
  if (!capture_)
    SC_REPORT_ERROR("dmacosim/audio_port", strfmt("%s: played_frames() read with capture off", name()).c_str());
  return played_;
}

const std::vector<size_t>& AudioPort::underrun_frames() const {
  if (!capture_)
    SC_REPORT_ERROR("dmacosim/audio_port", strfmt("%s: underrun_frames() read with capture off", name()).c_str());
  return underrun_idx_;
}

bool AudioPort::write_wav(const std::string& path) const {
  WavWriter w;
  if (!w.open(path, cfg_.sample_rate, cfg_.channels, cfg_.bits_per_sample)) {
    log_error(name(), "write_wav: " + w.error());
    return false;
  }
  for (uint32_t f : played_frames()) w.frame(f);
  if (!w.close()) {
    log_error(name(), "write_wav: " + w.error());
    return false;
  }
  return true;
}

bool AudioPort::open_wav(const std::string& path) {
  close_wav();
  if (wav_.open(path, cfg_.sample_rate, cfg_.channels, cfg_.bits_per_sample)) return true;
  log_error(name(), "open_wav: " + wav_.error());
  return false;
}

bool AudioPort::close_wav() {
  if (!wav_.is_open()) return true;
  if (wav_.close()) return true;
  log_error(name(), "close_wav: " + wav_.error());
  return false;
}

// ---- WavWriter

static std::vector<WavWriter*>& open_writers() {
  static std::vector<WavWriter*> w;
  return w;
}

static void put_le(uint8_t* p, uint32_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) p[i] = uint8_t(v >> (8 * i));
}

bool WavWriter::open(const std::string& path, unsigned sample_rate, unsigned channels, unsigned bits_per_sample) {
  close();
  path_ = path;
  error_.clear();
  failed_ = false;
  frames_ = 0;
  block_align_ = channels * bits_per_sample / 8;
  if (block_align_ == 0 || block_align_ > 4) {
    error_ = strfmt("'%s': %u channels x %u bits do not fit a 32-bit frame", path.c_str(), channels, bits_per_sample);
    return false;
  }
  fp_ = std::fopen(path.c_str(), "wb");
  if (!fp_) {
    error_ = strfmt("cannot open '%s': %s", path.c_str(), std::strerror(errno));
    return false;
  }
  // Canonical header: RIFF size and data size are patched by close().
  uint8_t h[44] = {};
  std::memcpy(h, "RIFF", 4);
  std::memcpy(h + 8, "WAVEfmt ", 8);
  put_le(h + 16, 16, 4);
  put_le(h + 20, 1, 2);  // PCM
  put_le(h + 22, channels, 2);
  put_le(h + 24, sample_rate, 4);
  put_le(h + 28, sample_rate * block_align_, 4);
  put_le(h + 32, block_align_, 2);
  put_le(h + 34, bits_per_sample, 2);
  std::memcpy(h + 36, "data", 4);
  put_le(h + 4, 36, 4);
  failed_ = std::fwrite(h, 1, sizeof h, fp_) != sizeof h;
  open_writers().push_back(this);
  return true;
}

void WavWriter::frame(uint32_t f) {
  if (!fp_) return;
  uint8_t b[4];
  put_le(b, f, 4);
  failed_ = failed_ || std::fwrite(b, 1, block_align_, fp_) != block_align_;
  ++frames_;
}

bool WavWriter::close() {
  if (!fp_) return error_.empty();
  auto& w = open_writers();
  w.erase(std::remove(w.begin(), w.end(), this), w.end());
  const uint64_t data = frames_ * block_align_;
  bool ok = !failed_;
  if (data > 0xFFFFFFFFull - 36) {
    ok = false;
    error_ = strfmt("'%s': %llu bytes of samples do not fit a WAV file (4 GiB)", path_.c_str(),
                    (unsigned long long)data);
  } else {
    uint8_t b[4];
    put_le(b, uint32_t(36 + data), 4);
    ok = ok && std::fseek(fp_, 4, SEEK_SET) == 0 && std::fwrite(b, 1, 4, fp_) == 4;
    put_le(b, uint32_t(data), 4);
    ok = ok && std::fseek(fp_, 40, SEEK_SET) == 0 && std::fwrite(b, 1, 4, fp_) == 4;
  }
  ok = std::fclose(fp_) == 0 && ok;
  fp_ = nullptr;
  if (!ok && error_.empty()) error_ = strfmt("write to '%s' failed", path_.c_str());
  return ok;
}

void WavWriter::close_all() {
  while (!open_writers().empty()) open_writers().back()->close();
}

}  // namespace dmacosim
