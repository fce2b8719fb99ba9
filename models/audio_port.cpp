#include "audio_port.h"

#include <algorithm>
#include <cstdio>
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
  if (fifo_.empty()) {
    underrun_idx_.push_back(played_.size());
    played_.push_back(0);
    ++underruns_;
    if (!(irq_status_ & IRQ_UNDERRUN))
      log_info(name(), strfmt("underrun at frame %u (UNDERRUN_COUNT=%u)", frames_played_, underruns_));
    irq_status_ |= IRQ_UNDERRUN;
  } else {
    played_.push_back(fifo_.front());
    fifo_.pop_front();
  }
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

static void put16(std::vector<uint8_t>& b, uint32_t v) {
  b.push_back(uint8_t(v));
  b.push_back(uint8_t(v >> 8));
}
static void put32(std::vector<uint8_t>& b, uint32_t v) {
  put16(b, v & 0xFFFF);
  put16(b, v >> 16);
}
static void puttag(std::vector<uint8_t>& b, const char* s) { b.insert(b.end(), s, s + 4); }

bool AudioPort::write_wav(const std::string& path) const {
  const uint32_t block_align = cfg_.channels * cfg_.bits_per_sample / 8;
  const uint32_t data_size = uint32_t(played_.size()) * block_align;
  std::vector<uint8_t> b;
  b.reserve(44 + data_size);
  puttag(b, "RIFF");
  put32(b, 36 + data_size);
  puttag(b, "WAVE");
  puttag(b, "fmt ");
  put32(b, 16);
  put16(b, 1);  // PCM
  put16(b, cfg_.channels);
  put32(b, cfg_.sample_rate);
  put32(b, cfg_.sample_rate * block_align);
  put16(b, block_align);
  put16(b, cfg_.bits_per_sample);
  puttag(b, "data");
  put32(b, data_size);
  for (uint32_t f : played_) put32(b, f);  // left = [15:0] first, then right = [31:16], little-endian
  FILE* fp = std::fopen(path.c_str(), "wb");
  if (!fp) {
    log_error(name(), strfmt("write_wav: cannot open '%s'", path.c_str()));
    return false;
  }
  const bool ok = std::fwrite(b.data(), 1, b.size(), fp) == b.size();
  const bool closed = std::fclose(fp) == 0;
  if (!ok || !closed) log_error(name(), strfmt("write_wav: write to '%s' failed", path.c_str()));
  return ok && closed;
}

}  // namespace dmacosim
