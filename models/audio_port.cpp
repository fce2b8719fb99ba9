#include "audio_port.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "log.h"

namespace dmacosim {

using namespace sc_core;
using namespace tlm;

AudioPort::AudioPort(sc_module_name name, AudioPortConfig cfg)
    : sc_module(name), socket("socket"),
      dclr_in(std::string(this->name()) + ".dclr_in", [this](bool) { update_wires(); }, [this](bool) { update_wires(); }),
      cfg_(cfg),
      irq_out_(std::string(this->name()) + ".irq_out"),
      dreq_burst_(std::string(this->name()) + ".dreq_burst"),
      dreq_single_(std::string(this->name()) + ".dreq_single"), regs_(this->name(), 0x1000, 2) {
  if (cfg_.channels != 2 || cfg_.bits_per_sample != 16)
    SC_REPORT_ERROR("dmacosim/audio_port", strfmt("%s: only 2 channels x 16 bits are supported (got %u x %u)",
                                                  this->name(), cfg_.channels, cfg_.bits_per_sample).c_str());
  if (cfg_.sample_rate == 0) SC_REPORT_ERROR("dmacosim/audio_port", "sample_rate must be > 0");
  if (cfg_.fifo_depth < 1 || cfg_.fifo_depth > 255) {
    SC_REPORT_ERROR("dmacosim/audio_port", strfmt("%s: fifo_depth %u out of range 1..255", this->name(),
                                                  cfg_.fifo_depth).c_str());
    cfg_.fifo_depth = 16;
  }
  declare_registers();
  socket.register_b_transport(this, &AudioPort::b_transport);
  socket.register_transport_dbg(this, &AudioPort::transport_dbg);
  SC_HAS_PROCESS(AudioPort);
  SC_METHOD(tick);
  sensitive << tick_ev_;
  dont_initialize();
}

void AudioPort::update_wires() {
  const bool en = ctrl_ & CTRL_ENABLE;
  const bool clr = dclr_in.read();
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

// The register map (the table in audio_port.h), declared once; the bank applies the bus rules.
void AudioPort::declare_registers() {
  using A = RegAccess;
  regs_.add("ID", ID, A::RO, kId);
  regs_.add("CTRL", CTRL, A::RW).getter([this] { return ctrl_ & (CTRL_ENABLE | CTRL_UNDERRUN_IRQ_EN); })
      .on_write([this](uint32_t v) { write_ctrl(v); });
  regs_.add("STATUS", STATUS, A::RO).getter([this] {
    return fifo_level() | (fifo_level() >= cfg_.fifo_depth ? uint32_t(STATUS_FULL) : 0u) |
           ((irq_status_ & IRQ_UNDERRUN) ? uint32_t(STATUS_UNDERRUN) : 0u);
  });
  regs_.add("FIFO_DATA", FIFO_DATA, A::WO).on_fifo_write([this](const uint32_t* f, size_t n) { push_frames(f, n); });
  const uint32_t wm = cfg_.watermark < 0 ? cfg_.fifo_depth / 2 : std::min<unsigned>(cfg_.watermark, cfg_.fifo_depth - 1);
  regs_.add("WATERMARK", WATERMARK, A::RW, wm).field(watermark_).on_write([this](uint32_t v) {
    if (v > cfg_.fifo_depth - 1) {
      log_warn(name(), strfmt("WATERMARK %u clamped to %u (FIFO depth %u)", v, cfg_.fifo_depth - 1, cfg_.fifo_depth));
      watermark_ = cfg_.fifo_depth - 1;
    }
    update_wires();
  });
  regs_.add("UNDERRUN_COUNT", UNDERRUN_COUNT, A::RO).field(underruns_, 0);
  regs_.add("FRAMES_PLAYED", FRAMES_PLAYED, A::RO).field(frames_played_, 0);
  regs_.add("IRQ_STATUS", IRQ_STATUS, A::W1C).field(irq_status_, IRQ_UNDERRUN).on_write([this](uint32_t) {
    update_wires();
  });
  regs_.add("OVERFLOW_COUNT", OVERFLOW_COUNT, A::RO).field(overflows_, 0);
}

void AudioPort::write_ctrl(uint32_t v) {
  const bool was_en = ctrl_ & CTRL_ENABLE;
  if (v & ~(CTRL_ENABLE | CTRL_UNDERRUN_IRQ_EN | CTRL_FLUSH))
    log_warn(name(), strfmt("CTRL write 0x%08x sets reserved bits", v));
  ctrl_ = v & (CTRL_ENABLE | CTRL_UNDERRUN_IRQ_EN);
  if (v & CTRL_FLUSH) fifo_.clear();
  const bool en = ctrl_ & CTRL_ENABLE;
  if (en && !was_en) {
    // The sample clock starts at the access's time (its annotated delay included).
    t_enable_ = sc_time_stamp() + regs_.access_delay();
    tick_index_ = 0;
    schedule_next();
  } else if (!en && was_en) {
    tick_ev_.cancel();
  }
  update_wires();
}

void AudioPort::b_transport(tlm_generic_payload& t, sc_time& delay) {
  delay += cfg_.access_latency;
  regs_.b_transport(t, delay);
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
