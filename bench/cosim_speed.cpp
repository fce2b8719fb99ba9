// Co-simulation speed: simulated DMA clock cycles per wall second of
// the full SystemC platform against the same RTL (Vdmac_top, the platform's
// --assert build) stepped by a bare C++ loop with a plain C++ memory, in one
// process, one after the other (bare loop first: SystemC elaborates once per
// process). Ratio = platform / bare; target >= 0.5.
//
// Workload, identical on both sides: all 8 channels copy a chain of
// --descs descriptors of --desc-bytes bytes (MEM2MEM, src/dst 8-byte aligned,
// TC only at the end of the chain); whenever a chain completes its channel is
// re-armed (W1C IRQ_STATUS, DOORBELL again), so the DMA stays busy.
//   bare:     the loop steps DmacCore; when `irq` is high it reads IRQ_SUMMARY
//             and re-arms the finished channels over the AXI4-Lite pins.
//             Memory latency = the platform RAM's (40 ns first beat = 4 cycles,
//             10 ns per beat = 1 cycle).
//   platform: System (CPU, router, RAM, interrupt controller, audio port,
//             DmacHost with idle skipping on, kernel model). A kernel thread
//             writes the descriptors, registers the DMA IRQ handler (reads
//             IRQ_SUMMARY, W1C, completes), rings the doorbells and loops:
//             wait_for_completion, re-ring the finished channels; after
//             --cycles simulated cycles it stops re-arming, waits for the
//             channels to finish and compares every destination byte.
// Wall time: around the stepping loop (bare) and around sc_start (platform);
// elaboration is reported separately.
//
// Speed anchor: the same run first times a peer DMA, verilog-axi's
// axi_cdma, Verilated and stepped by a plain C++ loop
// (../shared/anchors/cdma_speed/run.sh beside the source tree, or --anchor
// DIR), and reports bare dmacosim / anchor cycles per second: a ratio measured
// in one minute on one machine, never an absolute figure. Without the anchor
// the bench says "anchor not found" and still measures the rest.
//
// On a shared machine one anchor run and one bare run a few seconds apart can
// see different loads: --pairs N runs them N times alternately (anchor, bare,
// anchor, bare, ...) and reports every pair's ratio and their median; the
// table shows the last bare run.
//
// Usage: cosim_speed [--out DIR] [--cycles N] [--descs N] [--desc-bytes N] [--anchor DIR | --no-anchor] [--pairs N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/plain_memory.h"
#include "dmac_regs.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/sched.h"
#include "tb/system.h"

using namespace dmacosim;
using namespace dmacosim::board;

namespace {

constexpr unsigned kCh = 8;
using Clock = std::chrono::steady_clock;
double secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

struct Layout {
  unsigned descs = 4, desc_bytes = 4096;
  uint64_t desc(unsigned ch, unsigned k) const { return kRamBase + 0x1000 + (ch * descs + k) * DMAC_DESC_SIZE; }
  uint64_t chain_bytes() const { return uint64_t(descs) * desc_bytes; }
  uint64_t src(unsigned ch) const { return kRamBase + 0x10'0000 + ch * ((chain_bytes() + 0xFFF) & ~0xFFFull); }
  uint64_t dst(unsigned ch) const { return kRamBase + 0x80'0000 + ch * ((chain_bytes() + 0xFFF) & ~0xFFFull); }
  void descriptor(unsigned ch, unsigned k, uint8_t out[32]) const {
    std::memset(out, 0, 32);
    bench::put32(out + DMAC_DESC_SRC, uint32_t(src(ch) + uint64_t(k) * desc_bytes));
    bench::put32(out + DMAC_DESC_DST, uint32_t(dst(ch) + uint64_t(k) * desc_bytes));
    bench::put32(out + DMAC_DESC_NEXT, k + 1 < descs ? uint32_t(desc(ch, k + 1)) : 0);
    bench::put32(out + DMAC_DESC_LEN, desc_bytes);
    bench::put32(out + DMAC_DESC_CTRL, (DMAC_FLOW_MEM2MEM << DMAC_DESC_CTRL_FLOW_SHIFT) | DMAC_DESC_CTRL_SRC_INC |
                                           DMAC_DESC_CTRL_DST_INC);
  }
  uint8_t pattern(unsigned ch, uint64_t i) const { return uint8_t(i * 131 + ch * 7 + (i >> 9)); }
};

// The bare loop's memory: PlainMemory seen at kRamBase.
class RamWindow : public AxiMemoryBackend {
public:
  explicit RamWindow(size_t size) : mem_(size) { mem_.set_first_beat_cycles(4, 1); }
  uint8_t* at(uint64_t a) { return mem_.at(a - kRamBase); }
  uint64_t errors() const { return mem_.errors(); }
  AxiAccessResult read(uint64_t a, uint8_t* d, size_t n) override {
    if (a < kRamBase) return {AXI_DECERR, 1, 1};
    return mem_.read(a - kRamBase, d, n);
  }
  AxiAccessResult write(uint64_t a, const uint8_t* d, const uint8_t* s, size_t n) override {
    if (a < kRamBase) return {AXI_DECERR, 1, 1};
    return mem_.write(a - kRamBase, d, s, n);
  }

private:
  bench::PlainMemory mem_;
};

struct Side {
  uint64_t cycles = 0, evaluated = 0, skipped = 0, chains = 0, irqs = 0;
  double wall = 0, elab = 0;
  bool verified = false;
  double cps() const { return wall > 0 ? cycles / wall : 0; }
};

Side run_bare(const Layout& lay, uint64_t target_cycles) {
  Side s;
  RamWindow mem(kRamDefaultSize);
  for (unsigned ch = 0; ch < kCh; ++ch) {
    for (uint64_t i = 0; i < lay.chain_bytes(); ++i) *mem.at(lay.src(ch) + i) = lay.pattern(ch, i);
    for (unsigned k = 0; k < lay.descs; ++k) lay.descriptor(ch, k, mem.at(lay.desc(ch, k)));
  }
  auto model = std::make_unique<Vdmac_top>();
  DmacCore<Vdmac_top> core(*model, mem);
  auto wait_reg = [&] {
    while (!core.reg_access_done()) core.step();
  };
  auto wr = [&](uint32_t off, uint32_t v) {
    core.start_write_reg(off, v);
    wait_reg();
  };
  auto rd = [&](uint32_t off) {
    core.start_read_reg(off);
    wait_reg();
    return core.reg_port().rdata();
  };
  const auto t0 = Clock::now();
  core.reset();
  for (unsigned ch = 0; ch < kCh; ++ch) {
    wr(DMAC_CH_BASE(ch) + DMAC_CH_IRQ_MASK, DMAC_IRQ_TC | DMAC_IRQ_ERR);
    wr(DMAC_CH_BASE(ch) + DMAC_CH_DOORBELL, uint32_t(lay.desc(ch, 0)));
  }
  bool rearm = true;
  uint32_t running = (1u << kCh) - 1;
  while (running) {
    core.step();
    if (rearm && core.cycle() >= target_cycles) rearm = false;
    if (!core.irq()) continue;
    ++s.irqs;
    const uint32_t sum = rd(DMAC_IRQ_SUMMARY);
    for (unsigned ch = 0; ch < kCh; ++ch) {
      if (!(sum >> ch & 1)) continue;
      wr(DMAC_CH_BASE(ch) + DMAC_CH_IRQ_STATUS, DMAC_IRQ_TC | DMAC_IRQ_ERR);
      ++s.chains;
      if (rearm) wr(DMAC_CH_BASE(ch) + DMAC_CH_DOORBELL, uint32_t(lay.desc(ch, 0)));
      else running &= ~(1u << ch);
    }
  }
  s.wall = secs(t0, Clock::now());
  s.cycles = s.evaluated = core.cycle();
  bool ok = mem.errors() == 0;
  for (unsigned ch = 0; ch < kCh; ++ch) {
    ok &= (rd(DMAC_CH_BASE(ch) + DMAC_CH_STATUS) & (DMAC_CH_STATUS_STATE_MASK | DMAC_CH_STATUS_ERR_CODE_MASK)) == 0;
    for (uint64_t i = 0; i < lay.chain_bytes() && ok; ++i) ok &= *mem.at(lay.dst(ch) + i) == lay.pattern(ch, i);
  }
  s.verified = ok;
  model->final();
  return s;
}

Side run_platform(const Layout& lay, uint64_t target_cycles) {
  Side s;
  const auto e0 = Clock::now();
  PlatformConfig cfg;  // default RAM timing (40 ns / 10 ns), idle skipping on
  System sys("sys", cfg);
  Cpu& cpu = sys.hw.cpu;
  const uint64_t regs = kDmaRegsBase;
  kernel::completion done;
  kernel::init_completion(&done);
  uint32_t done_mask = 0;
  bool finished = false, ok = false;
  const sc_core::sc_time period(kDmaClockPeriodNs, sc_core::SC_NS);
  const sc_core::sc_time deadline = period * double(target_cycles);

  sys.start_init([&]() -> int {
    kernel::request_irq(
        kIrqDma,
        [&](int, void*) -> kernel::irqreturn_t {
          const uint32_t sum = cpu.readl(regs + DMAC_IRQ_SUMMARY);
          if (!sum) return kernel::IRQ_NONE;
          for (unsigned ch = 0; ch < kCh; ++ch)
            if (sum >> ch & 1) cpu.writel(DMAC_IRQ_TC | DMAC_IRQ_ERR, regs + DMAC_CH_BASE(ch) + DMAC_CH_IRQ_STATUS);
          ++s.irqs;
          done_mask |= sum;
          kernel::complete(&done);
          return kernel::IRQ_HANDLED;
        },
        0, "bench-dmac", &done);
    std::vector<uint8_t> buf(lay.chain_bytes());
    for (unsigned ch = 0; ch < kCh; ++ch) {
      for (uint64_t i = 0; i < buf.size(); ++i) buf[i] = lay.pattern(ch, i);
      cpu.memcpy_to_bus(lay.src(ch), buf.data(), buf.size());
      for (unsigned k = 0; k < lay.descs; ++k) {
        uint8_t d[32];
        lay.descriptor(ch, k, d);
        cpu.memcpy_to_bus(lay.desc(ch, k), d, sizeof d);
      }
      cpu.writel(DMAC_IRQ_TC | DMAC_IRQ_ERR, regs + DMAC_CH_BASE(ch) + DMAC_CH_IRQ_MASK);
    }
    for (unsigned ch = 0; ch < kCh; ++ch) cpu.writel(uint32_t(lay.desc(ch, 0)), regs + DMAC_CH_BASE(ch) + DMAC_CH_DOORBELL);
    uint32_t running = (1u << kCh) - 1;
    while (running) {
      if (kernel::wait_for_completion_timeout(&done, kernel::msecs_to_jiffies(100)) == 0) break;  // hang
      const bool rearm = sc_core::sc_time_stamp() < deadline;
      const uint32_t m = done_mask;
      done_mask = 0;
      for (unsigned ch = 0; ch < kCh; ++ch) {
        if (!(m >> ch & 1)) continue;
        ++s.chains;
        if (rearm) cpu.writel(uint32_t(lay.desc(ch, 0)), regs + DMAC_CH_BASE(ch) + DMAC_CH_DOORBELL);
        else running &= ~(1u << ch);
      }
    }
    ok = running == 0;
    for (unsigned ch = 0; ch < kCh && ok; ++ch) {
      ok &= (cpu.readl(regs + DMAC_CH_BASE(ch) + DMAC_CH_STATUS) &
             (DMAC_CH_STATUS_STATE_MASK | DMAC_CH_STATUS_ERR_CODE_MASK)) == 0;
      cpu.memcpy_from_bus(buf.data(), lay.dst(ch), buf.size());
      for (uint64_t i = 0; i < buf.size() && ok; ++i) ok &= buf[i] == lay.pattern(ch, i);
    }
    finished = true;
    sc_core::sc_stop();
    return 0;
  });
  s.elab = secs(e0, Clock::now());
  const auto t0 = Clock::now();
  sc_core::sc_start(deadline * 4.0 + sc_core::sc_time(10, sc_core::SC_MS));
  s.wall = secs(t0, Clock::now());
  s.cycles = sys.hw.dmac.cycles();
  s.evaluated = sys.hw.dmac.cycles_evaluated();
  s.skipped = sys.hw.dmac.cycles_skipped();
  s.verified = finished && ok;
  return s;
}

// The anchor's M cycles/s (run.sh prints "... = X M cycles/s, ..."), or a
// negative value with the reason in `why`.
double run_anchor(const std::string& dir, std::string& line, std::string& why) {
  const std::string script = dir + "/run.sh";
  if (FILE* f = fopen(script.c_str(), "r")) fclose(f);
  else {
    why = "anchor not found (" + script + ")";
    return -1;
  }
  const std::string cmd = "bash '" + script + "' /tmp/dmacosim-cdma-anchor-$(id -u) 2000000 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    why = "anchor could not be started";
    return -1;
  }
  char buf[512];
  std::string all;
  while (fgets(buf, sizeof buf, p)) all += buf;
  const int rc = pclose(p);
  const auto at = all.find(" M cycles/s");
  const auto eq = all.rfind("= ", at);
  if (rc != 0 || at == std::string::npos || eq == std::string::npos) {
    why = "anchor failed: " + all.substr(0, 300);
    return -1;
  }
  const auto nl = all.find_last_of('\n', at);
  line = all.substr(nl == std::string::npos ? 0 : nl + 1);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return std::stod(all.substr(eq + 2, at - eq - 2));
}

}  // namespace

int sc_main(int argc, char** argv) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  std::string out = ".";
  std::string anchor_dir = std::string(DMACOSIM_SOURCE_DIR) + "/../shared/anchors/cdma_speed";
  bool anchor = true;
  uint64_t cycles = 2'000'000;
  unsigned pairs = 1;
  Layout lay;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--out") out = next();
    else if (a == "--cycles") cycles = std::stoull(next());
    else if (a == "--descs") lay.descs = unsigned(std::stoul(next()));
    else if (a == "--desc-bytes") lay.desc_bytes = unsigned(std::stoul(next()));
    else if (a == "--anchor") anchor_dir = next();
    else if (a == "--no-anchor") anchor = false;
    else if (a == "--pairs") pairs = unsigned(std::stoul(next()));
    else {
      fprintf(stderr, "usage: cosim_speed [--out DIR] [--cycles N] [--descs N] [--desc-bytes N] [--anchor DIR | --no-anchor] "
                      "[--pairs N]\n");
      return 2;
    }
  }
  if (pairs < 1 || pairs > 20) {
    fprintf(stderr, "cosim_speed: --pairs must be 1..20\n");
    return 2;
  }
  std::string anchor_line, anchor_why = "not run (--no-anchor)";
  double anchor_mcps = -1;
  Side bare;
  std::vector<double> pair_ratios;
  for (unsigned k = 0; k < pairs; ++k) {
    anchor_mcps = anchor ? run_anchor(anchor_dir, anchor_line, anchor_why) : -1;
    if (anchor_mcps > 0) fprintf(stderr, "anchor: %s\n", anchor_line.c_str());
    else fprintf(stderr, "anchor: %s\n", anchor_why.c_str());
    bare = run_bare(lay, cycles);
    fprintf(stderr, "bare: %llu cycles in %.3f s\n", (unsigned long long)bare.cycles, bare.wall);
    if (!bare.verified) break;
    if (anchor_mcps > 0) pair_ratios.push_back(bare.cps() / 1e6 / anchor_mcps);
  }
  std::vector<double> sorted = pair_ratios;
  std::sort(sorted.begin(), sorted.end());
  const size_t mid = sorted.size() / 2;
  const double median_ratio = sorted.empty()            ? 0
                              : (sorted.size() % 2 != 0) ? sorted[mid]
                                                         : (sorted[mid - 1] + sorted[mid]) / 2;
  const Side plat = run_platform(lay, cycles);
  fprintf(stderr, "platform: %llu cycles in %.3f s\n", (unsigned long long)plat.cycles, plat.wall);
  const double ratio = bare.cps() > 0 ? plat.cps() / bare.cps() : 0;
  const double bytes_per_chain = double(lay.chain_bytes());
  auto bpc = [&](const Side& s) { return s.cycles ? s.chains * bytes_per_chain / s.cycles : 0; };

  std::ostringstream js;
  auto side_json = [&](const char* name, const Side& s) {
    js << "  \"" << name << "\": {\"cycles\": " << s.cycles << ", \"cycles_evaluated\": " << s.evaluated
       << ", \"cycles_skipped\": " << s.skipped << ", \"wall_seconds\": " << s.wall
       << ", \"elaboration_seconds\": " << s.elab << ", \"cycles_per_second\": " << s.cps()
       << ", \"chains_completed\": " << s.chains << ", \"irqs\": " << s.irqs
       << ", \"dma_bytes_per_cycle\": " << bpc(s) << ", \"verified\": " << (s.verified ? "true" : "false") << "},\n";
  };
  js << "{\n  \"benchmark\": \"cosim_speed\",\n  \"target_cycles\": " << cycles << ",\n  \"workload\": \"8 channels x "
     << lay.descs << " descriptors x " << lay.desc_bytes << " B, re-armed on completion\",\n";
  side_json("bare", bare);
  side_json("platform", plat);
  const double vs_anchor = anchor_mcps > 0 ? bare.cps() / 1e6 / anchor_mcps : 0;
  js << "  \"ratio\": " << ratio << ",\n  \"target_ratio\": 0.5,\n";
  if (anchor_mcps > 0) {
    js << "  \"anchor\": {\"name\": \"verilog-axi axi_cdma\", \"mcycles_per_second\": " << anchor_mcps
       << ", \"bare_over_anchor\": " << vs_anchor << ", \"pair_ratios\": [";
    for (size_t k = 0; k < pair_ratios.size(); ++k) js << (k ? ", " : "") << pair_ratios[k];
    js << "], \"median_pair_ratio\": " << median_ratio << ", \"target\": 0.5}\n}\n";
  } else {
    js << "  \"anchor\": null\n}\n";
  }
  std::ofstream(out + "/cosim_speed.json") << js.str();

  char b[2048];
  std::ostringstream md;
  md << "## Co-simulation speed (same RTL, Vdmac_top --assert, one process)\n\n"
     << "Workload: 8 channels, each a chain of " << lay.descs << " x " << lay.desc_bytes
     << " B MEM2MEM descriptors, re-armed on every completion; RAM latency 4 cycles first beat, 1 per beat.\n\n"
     << "| Configuration | simulated cycles | wall s | M cycles/s | DMA bytes/cycle | chains | verified |\n"
     << "|---|---|---|---|---|---|---|\n";
  snprintf(b, sizeof b, "| bare C++ loop (DmacCore + plain memory) | %llu | %.3f | %.3f | %.2f | %llu | %s |\n",
           (unsigned long long)bare.cycles, bare.wall, bare.cps() / 1e6, bpc(bare), (unsigned long long)bare.chains,
           bare.verified ? "yes" : "NO");
  md << b;
  snprintf(b, sizeof b,
           "| full platform (SystemC, TLM RAM, kernel thread + IRQ) | %llu (%llu evaluated, %llu skipped) | %.3f | %.3f "
           "| %.2f | %llu | %s |\n",
           (unsigned long long)plat.cycles, (unsigned long long)plat.evaluated, (unsigned long long)plat.skipped,
           plat.wall, plat.cps() / 1e6, bpc(plat), (unsigned long long)plat.chains, plat.verified ? "yes" : "NO");
  md << b;
  snprintf(b, sizeof b, "\nRatio platform / bare: **%.2f** (target >= 0.5). Platform elaboration: %.3f s (not in the wall time).\n",
           ratio, plat.elab);
  md << b;
  if (anchor_mcps > 0) {
    snprintf(b, sizeof b,
             "\nSpeed anchor, same run: verilog-axi `axi_cdma` (64-bit, 16-beat bursts, unaligned on; 4 KiB copies, "
             "one channel) %.3f M cycles/s; dmacosim's bare RTL (8 channels) / anchor: **%.2f** (target >= 0.5).\n"
             "Anchor output: `%s`\n",
             anchor_mcps, vs_anchor, anchor_line.c_str());
    md << b;
    if (pair_ratios.size() > 1) {
      md << "Bare / anchor over " << pair_ratios.size() << " alternating pairs:";
      for (size_t k = 0; k < pair_ratios.size(); ++k) {
        snprintf(b, sizeof b, "%s %.3f", k ? "," : "", pair_ratios[k]);
        md << b;
      }
      snprintf(b, sizeof b, "; median **%.3f**.\n", median_ratio);
      md << b;
    }
  } else {
    md << "\nSpeed anchor: " << anchor_why << ".\n";
  }
  std::ofstream(out + "/cosim_speed.md") << md.str();
  fputs(md.str().c_str(), stdout);
  return bare.verified && plat.verified ? 0 : 1;
}
