// The dmacosim hardware platform: CPU, router, RAM, interrupt controller,
// audio serial port and the Verilated DMA controller behind its pin bridges,
// wired per tb/address_map.h. Hardware only: software (the kernel model and
// drivers) runs on `cpu` (see tb/system.h).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "tb/verilated_sc.h"  // first: see the file

#include "Vplatform_top.h"
#include "models/audio_port.h"
#include "models/cpu.h"
#include "models/intc.h"
#include "models/ram.h"
#include "models/router.h"
#include "tb/address_map.h"
#include "tb/dmac_host.h"

class VerilatedFstC;

namespace dmacosim {

struct PlatformConfig {
  uint64_t ram_size = platform::kRamDefaultSize;
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

private:
  PlatformConfig cfg_;
  bool tracing_;

public:
  Cpu cpu;
  Router router;
  Ram ram;
  Intc intc;
  AudioPort audio;
  DmacHost<Vplatform_top> dmac;

private:
  SC_HAS_PROCESS(Platform);
  void sample_probes(Vplatform_top& m);
  void trace_dump(uint64_t time_ps);
  void trace_sampler();  // one sample per audio frame while tracing

  std::unique_ptr<VerilatedFstC> fst_;
  uint64_t last_dump_ps_ = 0;
  uint8_t marker_ = 0;
};

}  // namespace dmacosim
