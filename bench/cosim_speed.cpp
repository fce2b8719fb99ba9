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
// The bare loop runs twice: with the AXI4 / AXI4-Lite protocol checkers that
// every test and the platform keep on, and without them (RTL + pin-level ports
// + memory, like the anchor's plain loop). Both must simulate the same cycles.
// The headline ratio against the anchor is the checker-less one; the other
// ratio and the checkers' share of the checked loop's time are printed beside it.
//
// On a shared machine one anchor run and one bare run a few seconds apart can
// see different loads: --pairs N runs them N times alternately (anchor, the
// two bare loops in alternating order, anchor, ...) and reports every pair's
// ratios and their medians; the table shows the last bare runs.
//
// Usage: cosim_speed [--out DIR] [--cycles N] [--descs N] [--desc-bytes N] [--anchor DIR | --no-anchor] [--pairs N]
// A malformed or out-of-range argument is an error (exit 2) before anything runs.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/output_dir.h"
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
  // Descriptors below the sources, sources below the destinations, all in the RAM.
  bool fits() const {
    return descs >= 1 && desc_bytes >= 1 && desc(kCh - 1, descs - 1) + DMAC_DESC_SIZE <= src(0) &&
           src(kCh - 1) + chain_bytes() <= dst(0) && dst(kCh - 1) + chain_bytes() <= kRamBase + kRamDefaultSize;
  }
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

// checkers: DmacCore's AXI protocol checkers on (as in every test) or off.
Side run_bare(const Layout& lay, uint64_t target_cycles, bool checkers) {
  Side s;
  RamWindow mem(kRamDefaultSize);
  for (unsigned ch = 0; ch < kCh; ++ch) {
    for (uint64_t i = 0; i < lay.chain_bytes(); ++i) *mem.at(lay.src(ch) + i) = lay.pattern(ch, i);
    for (unsigned k = 0; k < lay.descs; ++k) lay.descriptor(ch, k, mem.at(lay.desc(ch, k)));
  }
  auto model = std::make_unique<Vdmac_top>();
  DmacCore<Vdmac_top> core(*model, mem);
  core.set_protocol_checkers(checkers);
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
  s.verified = ok && core.checker_violations() == 0;
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

// An unsigned decimal in [lo, hi]; false for anything else (sign, junk, overflow).
bool parse_count(const std::string& text, uint64_t lo, uint64_t hi, uint64_t& out) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
    return false;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE || v < lo || v > hi) return false;
  out = v;
  return true;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

std::string list(const std::vector<double>& v) {
  std::string s;
  char b[32];
  for (size_t k = 0; k < v.size(); ++k) {
    snprintf(b, sizeof b, "%s%.3f", k ? ", " : "", v[k]);
    s += b;
  }
  return s;
}

}  // namespace

int sc_main(int argc, char** argv) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  const char* usage =
      "usage: cosim_speed [--out DIR] [--cycles N] [--descs N] [--desc-bytes N] [--anchor DIR | --no-anchor] "
      "[--pairs N]\n";
  std::string out = ".";
  std::string anchor_dir = std::string(DMACOSIM_SOURCE_DIR) + "/../shared/anchors/cdma_speed";
  bool anchor = true;
  uint64_t cycles = 2'000'000, pairs = 1, descs = 4, desc_bytes = 4096;
  struct Num { const char* opt; uint64_t* v; uint64_t lo, hi; };
  const Num nums[] = {{"--cycles", &cycles, 1, 1'000'000'000'000ull},
                      {"--descs", &descs, 1, 4096},
                      {"--desc-bytes", &desc_bytes, 1, 16u << 20},
                      {"--pairs", &pairs, 1, 20}};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    const Num* num = nullptr;
    for (const Num& n : nums)
      if (a == n.opt) num = &n;
    if (num) {
      const std::string v = has_value ? argv[++i] : "";
      if (!parse_count(v, num->lo, num->hi, *num->v)) {
        fprintf(stderr, "cosim_speed: %s needs a whole number from %llu to %llu, got '%s'\n%s", num->opt,
                (unsigned long long)num->lo, (unsigned long long)num->hi, v.c_str(), usage);
        return 2;
      }
    } else if (a == "--out" || a == "--anchor") {
      if (!has_value || argv[i + 1][0] == '\0') {
        fprintf(stderr, "cosim_speed: %s needs a directory\n%s", a.c_str(), usage);
        return 2;
      }
      (a == "--out" ? out : anchor_dir) = argv[++i];
    } else if (a == "--no-anchor") {
      anchor = false;
    } else {
      fprintf(stderr, "cosim_speed: unknown argument '%s'\n%s", a.c_str(), usage);
      return 2;
    }
  }
  Layout lay;
  lay.descs = unsigned(descs);
  lay.desc_bytes = unsigned(desc_bytes);
  if (!lay.fits()) {
    fprintf(stderr,
            "cosim_speed: 8 chains of --descs %u x --desc-bytes %u do not fit the %u MiB RAM (sources from +1 MiB, "
            "destinations from +8 MiB)\n",
            lay.descs, lay.desc_bytes, unsigned(kRamDefaultSize >> 20));
    return 2;
  }
  // Fail before the measurement, not after it.
  const std::string json_path = out + "/cosim_speed.json", md_path = out + "/cosim_speed.md";
  if (!bench::prepare_output_dir("cosim_speed", out, {json_path, md_path})) return 2;

  std::string anchor_line, anchor_why = "not run (--no-anchor)";
  double anchor_mcps = -1;
  Side bare, plain;  // with and without the protocol checkers (the last pair's)
  std::vector<double> ratios, ratios_checked, shares;
  bool same = true;
  for (unsigned k = 0; k < pairs; ++k) {
    anchor_mcps = anchor ? run_anchor(anchor_dir, anchor_line, anchor_why) : -1;
    if (anchor_mcps > 0) fprintf(stderr, "anchor: %s\n", anchor_line.c_str());
    else fprintf(stderr, "anchor: %s\n", anchor_why.c_str());
    // Alternate which bare loop runs first, so neither always sees the
    // machine right after the anchor.
    for (const bool checkers : {k % 2 == 1, k % 2 == 0}) {
      Side& s = checkers ? bare : plain;
      s = run_bare(lay, cycles, checkers);
      fprintf(stderr, "bare, checkers %s: %llu cycles in %.3f s\n", checkers ? "on" : "off",
              (unsigned long long)s.cycles, s.wall);
    }
    same &= plain.cycles == bare.cycles && plain.chains == bare.chains && plain.irqs == bare.irqs;
    if (!bare.verified || !plain.verified || !same) break;
    shares.push_back(bare.wall > 0 ? 1 - plain.wall / bare.wall : 0);
    if (anchor_mcps > 0) {
      ratios.push_back(plain.cps() / 1e6 / anchor_mcps);
      ratios_checked.push_back(bare.cps() / 1e6 / anchor_mcps);
    }
  }
  if (!same)
    fprintf(stderr, "cosim_speed: the bare loop ran %llu cycles with the checkers and %llu without: they must agree\n",
            (unsigned long long)bare.cycles, (unsigned long long)plain.cycles);
  const double median_ratio = median(ratios), median_ratio_checked = median(ratios_checked),
               median_share = median(shares);
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
  side_json("bare_without_checkers", plain);
  side_json("platform", plat);
  js << "  \"checkers_share_of_bare\": " << (bare.wall > 0 ? 1 - plain.wall / bare.wall : 0)
     << ",\n  \"median_checkers_share_of_bare\": " << median_share << ",\n";
  js << "  \"ratio\": " << ratio << ",\n  \"target_ratio\": 0.5,\n";
  if (anchor_mcps > 0) {
    js << "  \"anchor\": {\"name\": \"verilog-axi axi_cdma\", \"mcycles_per_second\": " << anchor_mcps
       << ", \"bare_over_anchor\": " << plain.cps() / 1e6 / anchor_mcps
       << ", \"bare_with_checkers_over_anchor\": " << bare.cps() / 1e6 / anchor_mcps << ", \"pair_ratios\": ["
       << list(ratios) << "], \"median_pair_ratio\": " << median_ratio << ", \"pair_ratios_with_checkers\": ["
       << list(ratios_checked) << "], \"median_pair_ratio_with_checkers\": " << median_ratio_checked
       << ", \"target\": 0.5}\n}\n";
  } else {
    js << "  \"anchor\": null\n}\n";
  }

  char b[2048];
  std::ostringstream md;
  md << "## Co-simulation speed (same RTL, Vdmac_top --assert, one process)\n\n"
     << "Workload: 8 channels, each a chain of " << lay.descs << " x " << lay.desc_bytes
     << " B MEM2MEM descriptors, re-armed on every completion; RAM latency 4 cycles first beat, 1 per beat.\n\n"
     << "| Configuration | simulated cycles | wall s | M cycles/s | DMA bytes/cycle | chains | verified |\n"
     << "|---|---|---|---|---|---|---|\n";
  auto bare_row = [&](const char* what, const Side& s) {
    snprintf(b, sizeof b, "| %s | %llu | %.3f | %.3f | %.2f | %llu | %s |\n", what, (unsigned long long)s.cycles,
             s.wall, s.cps() / 1e6, bpc(s), (unsigned long long)s.chains, s.verified ? "yes" : "NO");
    md << b;
  };
  bare_row("bare C++ loop without the AXI checkers (DmacCore + plain memory)", plain);
  bare_row("bare C++ loop with the AXI4 / AXI4-Lite protocol checkers", bare);
  snprintf(b, sizeof b,
           "| full platform (SystemC, TLM RAM, kernel thread + IRQ; checkers on) | %llu (%llu evaluated, %llu "
           "skipped) | %.3f | %.3f | %.2f | %llu | %s |\n",
           (unsigned long long)plat.cycles, (unsigned long long)plat.evaluated, (unsigned long long)plat.skipped,
           plat.wall, plat.cps() / 1e6, bpc(plat), (unsigned long long)plat.chains, plat.verified ? "yes" : "NO");
  md << b;
  snprintf(b, sizeof b,
           "\nThe protocol checkers' share of the bare loop with them: %.0f %% (median over %zu run%s: %.0f %%).\n"
           "Ratio platform / bare with checkers: **%.2f** (target >= 0.5). Platform elaboration: %.3f s (not in the "
           "wall time).\n",
           100 * (bare.wall > 0 ? 1 - plain.wall / bare.wall : 0), shares.size(), shares.size() == 1 ? "" : "s",
           100 * median_share, ratio, plat.elab);
  md << b;
  if (anchor_mcps > 0) {
    snprintf(b, sizeof b,
             "\nSpeed anchor, same run: verilog-axi `axi_cdma` (64-bit, 16-beat bursts, unaligned on; 4 KiB copies, "
             "one channel, plain loop, no checkers) %.3f M cycles/s.\n"
             "**dmacosim's bare RTL loop without checkers (8 channels) / anchor: %.2f** (target >= 0.5); "
             "with the protocol checkers: %.2f.\nAnchor output: `%s`\n",
             anchor_mcps, plain.cps() / 1e6 / anchor_mcps, bare.cps() / 1e6 / anchor_mcps, anchor_line.c_str());
    md << b;
    if (ratios.size() > 1) {
      md << "Over " << ratios.size() << " alternating runs, bare without checkers / anchor: " << list(ratios);
      snprintf(b, sizeof b, "; median **%.3f**. With checkers: ", median_ratio);
      md << b << list(ratios_checked);
      snprintf(b, sizeof b, "; median %.3f.\n", median_ratio_checked);
      md << b;
    }
  } else {
    md << "\nSpeed anchor: " << anchor_why << ".\n";
  }
  std::ofstream(json_path) << js.str();
  std::ofstream(md_path) << md.str();
  fputs(md.str().c_str(), stdout);
  return bare.verified && plain.verified && same && plat.verified ? 0 : 1;
}
