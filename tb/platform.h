// The dmacosim hardware platform: CPU, router, RAM, interrupt controller,
// audio serial port and the Verilated DMA controller behind its pin bridges,
// wired per tb/board.h. Hardware only: software (the kernel model and
// drivers) runs on `cpu` (see tb/system.h).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tb/verilated_sc.h"  // first: see the file

#include "Vdmac_top.h"
#include "models/audio_port.h"
#include "models/cpu.h"
#include "models/intc.h"
#include "models/ram.h"
#include "models/router.h"
#include "tb/board.h"
#include "tb/dmac_host.h"

class VerilatedFstC;

namespace dmacosim {

struct PlatformConfig {
  uint64_t ram_size = board::kRamDefaultSize;
  RamTiming ram_timing{sc_core::sc_time(40, sc_core::SC_NS), sc_core::sc_time(10, sc_core::SC_NS), 8};
  AudioPortConfig audio;
  bool idle_skipping = true;
  std::string fst_path;  // non-empty: trace the RTL to this FST file
};

class Platform : public sc_core::sc_module {
public:
  explicit Platform(sc_core::sc_module_name name, PlatformConfig cfg = {});
  ~Platform() override;

  const PlatformConfig& config() const { return cfg_; }
  void end_of_simulation() override;  // flushes the trace

  // Trace probes for software state (set by the System): the CPU context
  // (0 process, 1 softirq, 2 hardirq, 3 idle) and the validator report count.
  std::function<unsigned()> probe_cpu_context;
  std::function<unsigned()> probe_validator_reports;
  // A scenario marker shown in the trace (e.g. the last trigger command).
  void set_marker(uint8_t m);
  // Record the current platform state in the trace now (no-op when not tracing).
  void trace_now();
  // A lock validator report happened now: the trace shows its rule (ASCII, in
  // probe_validator_rule) from this time on, and the time is kept as a mark.
  void validator_report(const std::string& rule);

  // Named times of the run (validator reports), for GTKWave markers and for
  // zooming a rendered PNG. Kept whether or not tracing.
  struct TraceMark {
    std::string label;
    uint64_t time_ps;
  };
  const std::vector<TraceMark>& trace_marks() const { return marks_; }
  // Named events for GTKWave's named markers (A, B, ...): the first time each
  // label happens (first START trigger, first period IRQ, first report of each
  // validator rule). `time_ps` defaults to now. Kept in call order.
  void mark_first(const std::string& label, uint64_t time_ps = ~0ull);
  const std::vector<TraceMark>& named_marks() const { return named_marks_; }
  // Time of the last trace sample (ps).
  uint64_t trace_end_ps() const { return last_dump_ps_; }
  // Finish the FST now (so it can be read while the platform still exists);
  // later samples are dropped. No-op when not tracing.
  void close_trace();
  // The live platform tracing to `fst_path`, or nullptr.
  static Platform* tracing_to(const std::string& fst_path);

private:
  PlatformConfig cfg_;
  bool tracing_;

public:
  Cpu cpu;
  Router router;
  Ram ram;
  Intc intc;
  AudioPort audio;
  DmacHost<Vdmac_top> dmac;

private:
  SC_HAS_PROCESS(Platform);
  void sample_probes(Vdmac_top& m);
  void trace_dump(uint64_t time_ps);
  void trace_sampler();  // one sample per audio frame while tracing
  void trace_axi_outstanding(Vdmac_top& m, uint64_t time_ps);  // trace-event counters

  std::unique_ptr<VerilatedFstC> fst_;
  uint64_t last_dump_ps_ = 0;
  bool dumped_ = false;  // a dump was written (the next must be later)
  uint8_t marker_ = 0;
  uint64_t validator_rule_ = 0;  // ASCII, first character in the top byte
  std::vector<TraceMark> marks_;
  std::vector<TraceMark> named_marks_;
  // AXI handshakes the next edge takes (seen after the last cycle) and the
  // bursts in flight (trace_axi_outstanding()).
  struct {
    bool ar = false, r_last = false, aw = false, b = false;
  } axi_pending_;
  unsigned reads_outstanding_ = 0, writes_outstanding_ = 0;
};

}  // namespace dmacosim
