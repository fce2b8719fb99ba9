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

void AudioPort::set_capture(bool on) {
  capture_ = on;
  if (!on) {
    std::vector<uint32_t>().swap(played_);
    std::vector<size_t>().swap(underrun_idx_);
  }
}

// Logged, not thrown: the caller may be the test's main thread after
// sc_start(), where an exception unwinds a stack SystemC's coroutines
// switched away from (AddressSanitizer then reports false overflows).
const std::vector<uint32_t>& AudioPort::played_frames() const {
  if (!capture_) log_error(name(), "played_frames() read with capture off: nothing was kept");
  return played_;
}

const std::vector<size_t>& AudioPort::underrun_frames() const {
  if (!capture_) log_error(name(), "underrun_frames() read with capture off: nothing was kept");
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
