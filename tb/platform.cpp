#include "tb/platform.h"

#include <verilated_fst_c.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "driver/kernel/trace_event.h"
#include "models/log.h"
#include "tb/trace_options.h"

namespace dmacosim {

using namespace board;

TraceOptions& trace_options() {
  static TraceOptions o;
  return o;
}

bool parse_sim_time_ps(const std::string& text, uint64_t* ps) {
  static const struct {
    const char* unit;
    double ps;
  } units[] = {{"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12}};
  size_t n = 0;
  while (n < text.size() && (isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.')) ++n;
  if (n == 0 || std::count(text.begin(), text.begin() + long(n), '.') > 1 || text[0] == '.') return false;
  const double v = std::strtod(text.substr(0, n).c_str(), nullptr);
  const std::string unit = text.substr(n);
  double scale = unit.empty() && v == 0 ? 1 : 0;
  for (const auto& u : units)
    if (unit == u.unit) scale = u.ps;
  const double x = v * scale;
  if (scale == 0 || !std::isfinite(x) || x > 1e18) return false;
  *ps = uint64_t(std::llround(x));
  return true;
}

// Platforms that trace, by FST path (see tracing_to()).
static std::vector<Platform*>& tracing_platforms() {
  static std::vector<Platform*> v;
  return v;
}

// Tracing must be switched on before the Verilated model is constructed.
static bool enable_tracing(const PlatformConfig& cfg) {
  if (!cfg.fst_path.empty()) Verilated::traceEverOn(true);
  return !cfg.fst_path.empty();
}

Platform::Platform(sc_core::sc_module_name name, PlatformConfig cfg)
    : sc_module(name),
      cfg_(std::move(cfg)),
      tracing_(enable_tracing(cfg_)),
      cpu("cpu"),
      router("router"),
      ram("ram", cfg_.ram_size, cfg_.ram_timing, kRamBase),
      intc("intc"),
      audio("audio", cfg_.audio),
      dmac("dmac", sc_core::sc_time(kDmaClockPeriodNs, sc_core::SC_NS)) {
  // Initiators: 0 = CPU, 1 = DMA master.
  cpu.bus.bind(router.target);
  dmac.mem.bind(router.target);
  router.name_initiator(0, "cpu");
  router.name_initiator(1, "dma");
  router.map(kDmaRegsBase, kDmaRegsSize, dmac.regs, "dmac");
  router.map(kIntcBase, kIntcSize, intc.socket, "intc");
  router.map(kAudioBase, kAudioSize, audio.socket, "audio");
  router.map(kRamBase, cfg_.ram_size, ram.socket, "ram");

  // Interrupts and the audio DMA handshake.
  intc.source(kIrqDma).bind(dmac.irq);
  intc.source(kIrqAudio).bind(audio.irq_out());
  cpu.irq_in.bind(intc.irq_out());
  dmac.dreq_burst_in[kDreqAudioTx]->bind(audio.dreq_burst());
  dmac.dreq_single_in[kDreqAudioTx]->bind(audio.dreq_single());
  audio.dclr_in.bind(*dmac.dclr[kDreqAudioTx]);

  dmac.set_idle_skipping(cfg_.idle_skipping);
  if (tracing_) {
    fst_ = std::make_unique<VerilatedFstC>();
    dmac.model().trace(fst_.get(), 99);
    fst_->open(cfg_.fst_path.c_str());
    dmac.on_eval = [this](Vdmac_top& m, uint64_t time_ps) {
      trace_dump(time_ps);
      trace_axi_outstanding(m, time_ps);
    };
    // Platform signals changed by other processes are recorded when they change.
    for (Wire* w : {&intc.irq_out(), &audio.irq_out(), &audio.dreq_burst(), &dmac.irq})
      w->on_change([this](bool) { trace_now(); });
    SC_THREAD(trace_sampler);
    tracing_platforms().push_back(this);
    log_info(basename(), "tracing the DMA RTL and platform probes to " + cfg_.fst_path);
  }
}

// The DMA's AXI bursts in flight, per direction, as trace-event counters: a
// read from its address handshake to its last data beat, a write from its
// address handshake to its response. The pins read here are the ones the
// edge after this cycle samples, so a handshake seen now counts one clock
// later, at the edge that takes it.
void Platform::trace_axi_outstanding(Vdmac_top& m, uint64_t time_ps) {
  using kernel::trace_counter_at;
  reads_outstanding_ += axi_pending_.ar;
  reads_outstanding_ -= axi_pending_.r_last && reads_outstanding_ > 0;
  writes_outstanding_ += axi_pending_.aw;
  writes_outstanding_ -= axi_pending_.b && writes_outstanding_ > 0;
  axi_pending_ = {m.m_axi_arvalid && m.m_axi_arready, m.m_axi_rvalid && m.m_axi_rready && m.m_axi_rlast,
                  m.m_axi_awvalid && m.m_axi_awready, m.m_axi_bvalid && m.m_axi_bready};
  // Counted from the start, recorded while the trace events are on (--trace-window).
  if (!kernel::trace_events_on()) return;
  trace_counter_at(kernel::TRACE_PID_PLATFORM, "AXI reads outstanding (bursts)", reads_outstanding_, time_ps);
  trace_counter_at(kernel::TRACE_PID_PLATFORM, "AXI writes outstanding (bursts)", writes_outstanding_, time_ps);
}

void Platform::sample_probes(Vdmac_top& m) {
  m.probe_cpu_irqs_disabled = cpu.local_irq_disabled();
  m.probe_cpu_context = probe_cpu_context ? probe_cpu_context() & 3 : 0;
  m.probe_intc_irq = intc.irq_out().read();
  m.probe_irq_lines = uint8_t((dmac.irq.read() << kIrqDma) | (audio.irq_out().read() << kIrqAudio));
  m.probe_audio_fifo_level = uint8_t(audio.fifo_level());
  m.probe_audio_dreq = audio.dreq_burst().read();
  m.probe_audio_frames = uint32_t(audio.frames_out());
  m.probe_audio_underruns = audio.underrun_count();
  m.probe_validator_reports = uint16_t(probe_validator_reports ? probe_validator_reports() : 0);
  m.probe_marker = marker_;
  m.probe_validator_rule = validator_rule_;
}

// The RTL host dumps at its own (possibly run-ahead) cycle times and other
// processes at the current time; both are later than any earlier dump (the
// host never runs ahead past another process's activity), max() only guards.
// Several dumps in one instant (a platform signal changes at the time of an
// RTL edge, a trigger marker and an IRQ line together): Verilator ignores a
// second dump at the time of the previous one, so its changes would be lost
// (and it prints a line for each). Each later dump of the instant goes 1 ps
// after the previous one instead: every change is kept, in order, like delta
// cycles (the next real event is at least a clock edge, nanoseconds away).
void Platform::trace_dump(uint64_t time_ps) {
  if (!fst_) return;  // closed (close_trace())
  // --trace-window: nothing outside it (the first dump inside holds every value).
  if (time_ps < trace_options().start_ps || time_ps > trace_options().end_ps) return;
  Vdmac_top& m = dmac.model();
  sample_probes(m);
  m.eval();  // probes feed no logic: this only settles them for the dump
  last_dump_ps_ = dumped_ ? std::max(last_dump_ps_ + 1, time_ps) : time_ps;
  dumped_ = true;
  fst_->dump(last_dump_ps_);
}

void Platform::trace_now() {
  if (fst_) trace_dump(uint64_t(sc_core::sc_time_stamp().value()));
}

void Platform::set_marker(uint8_t m) {
  marker_ = m;
  trace_now();
}

void Platform::validator_report(const std::string& rule) {
  const uint64_t now = uint64_t(sc_core::sc_time_stamp().value());
  marks_.push_back({rule, now});
  mark_first("validator " + rule, now);
  validator_rule_ = 0;
  for (size_t i = 0; i < 8; ++i)
    validator_rule_ = (validator_rule_ << 8) | (i < rule.size() ? uint8_t(rule[i]) : uint8_t(' '));
  trace_now();
}

void Platform::mark_first(const std::string& label, uint64_t time_ps) {
  for (const TraceMark& m : named_marks_)
    if (m.label == label) return;
  named_marks_.push_back({label, time_ps == ~0ull ? uint64_t(sc_core::sc_time_stamp().value()) : time_ps});
}

void Platform::close_trace() {
  if (!fst_) return;
  fst_->close();
  fst_.reset();
  // --trace-format=vcd: the model is Verilated for FST; GTKWave's fst2vcd
  // writes the same dump as VCD beside it (the save file and --png keep the FST).
  if (trace_options().vcd) {
    const std::string& f = cfg_.fst_path;
    const std::string vcd =
        (f.size() > 4 && f.compare(f.size() - 4, 4, ".fst") == 0 ? f.substr(0, f.size() - 4) : f) + ".vcd";
    auto q = [](const std::string& s) {
      std::string o = "'";
      for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return o + "'";
    };
    if (std::system(("fst2vcd -f " + q(f) + " -o " + q(vcd) + " > /dev/null 2>&1").c_str()) != 0)
      log_error(basename(), "--trace-format=vcd: fst2vcd could not convert " + f + " (it ships with gtkwave)");
  }
}

Platform* Platform::tracing_to(const std::string& fst_path) {
  for (Platform* p : tracing_platforms())
    if (p->cfg_.fst_path == fst_path) return p;
  return nullptr;
}

void Platform::trace_sampler() {
  for (;;) {
    wait(audio.sample_period());
    trace_now();
  }
}

Platform::~Platform() {
  auto& v = tracing_platforms();
  v.erase(std::remove(v.begin(), v.end(), this), v.end());
  close_trace();
}

void Platform::end_of_simulation() {
  if (fst_) fst_->flush();
}

}  // namespace dmacosim
