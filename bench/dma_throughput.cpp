// DMA throughput against the physical limit.
//
// Bare DmacCore (Verilated dmac_top, no assertions, -O3) + a plain C++ memory
// with the idealised latency model of bench/plain_memory.h. Limit: an AXI4
// manager of W = 8 bytes copies at most 8 bytes/cycle (R and W concurrent).
//
// Measured interval, in clock cycles:
//   start = the clock edge at which the (first) DOORBELL write is accepted by
//           the AXI4-Lite port (W handshake; the write takes effect there);
//   end   = the clock edge of the last B handshake on the AXI4 memory port
//           (the last data write acknowledged); the run then continues until
//           the RTL reports `quiescent` and the memory port is idle.
//   utilisation = payload bytes / ((end - start) * 8).
// Also recorded: start -> first AR (launch) and start -> IRQ (1 channel).
//
// Two modes:
//   one-shot   one descriptor of S bytes on one channel (includes the launch:
//              descriptor fetch + read latency + write-response latency);
//   stream     "descriptors back to back": a chain of K descriptors of S bytes
//              per channel (K chosen so the run moves >= 256 KiB, or one
//              descriptor when S already does), on 1 or 8 channels. The
//              issue-8 targets apply to this mode; 64-byte chains are the
//              "chained 64 B descriptors" row.
// Every run verifies the destination byte for byte, 64 guard bytes on each
// side, STATUS = IDLE without error, TC_COUNT = 1, no memory errors and no AXI
// protocol errors; a failed check makes the program exit 1.
//
// Usage: dma_throughput [--out DIR] [--quick]
// Variants built from the same source with RTL parameter overrides (Verilator
// -G, the RTL files untouched) write dma_throughput-<variant>.{json,md}.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

// The model under test: the library build (dmac_rtl, Vdmac_top, --assert) by
// default; the no-assert and parameter variants are Vdmac_bench (see CMakeLists).
#ifndef BENCH_MODEL
#define BENCH_MODEL Vdmac_top
#define BENCH_MODEL_HEADER "Vdmac_top.h"
#endif
#include BENCH_MODEL_HEADER
#include "bench/output_dir.h"
#include "bench/plain_memory.h"
#include "dmac_regs.h"
#include "tb/dmac_core.h"
#include "verilated.h"

using Model = BENCH_MODEL;

#ifndef BENCH_VARIANT
#define BENCH_VARIANT ""  // the library build: default parameters (MAX_BURST 16, MAX_OUTSTANDING 12)
#endif

using namespace dmacosim;
using namespace dmacosim::bench;

namespace {

constexpr double kW = 8.0;  // bytes per beat (DATA_W = 64)
constexpr uint64_t kDescBase = 0x0001'0000, kSrcBase = 0x0100'0000, kDstBase = 0x0200'0000;
constexpr uint64_t kMemSize = 0x0300'0000;
constexpr unsigned kGuard = 64;
constexpr uint8_t kPoison = 0xA5;

struct Config {
  std::string mode;  // one-shot | stream
  unsigned L = 0;
  uint32_t size = 0;  // bytes per descriptor
  bool unaligned = false;
  unsigned channels = 1;
  unsigned chain = 1;  // descriptors per channel
};

struct Result {
  Config c;
  uint64_t bytes = 0, cycles = 0, launch = 0, irq = 0, max_rd_out = 0, max_wr_out = 0;
  double util = 0;
  bool ok = true;
  std::string error;
};

uint32_t rng_state = 0x12345678;
uint8_t next_byte() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return uint8_t(rng_state >> 11);
}

struct Totals {
  uint64_t cycles = 0;
  double wall = 0;
} totals;

Result run(PlainMemory& mem, const Config& c) {
  Result r;
  r.c = c;
  mem.set_latency(c.L);
  const uint64_t per_ch = uint64_t(c.size) * c.chain;
  const uint64_t region = (per_ch + 2 * kGuard + 8 + 4095) & ~uint64_t(4095);
  const uint32_t src_off = c.unaligned ? 3 : 0, dst_off = c.unaligned ? 5 : 0;

  // Data, guards and descriptors.
  for (unsigned ch = 0; ch < c.channels; ++ch) {
    const uint64_t s = kSrcBase + ch * region + kGuard + src_off, d = kDstBase + ch * region + kGuard + dst_off;
    uint8_t* sp = mem.at(s);
    for (uint64_t i = 0; i < per_ch; ++i) sp[i] = next_byte();
    std::memset(mem.at(d - kGuard), kPoison, per_ch + 2 * kGuard);
    for (unsigned k = 0; k < c.chain; ++k) {
      const uint64_t da = kDescBase + (uint64_t(ch) * c.chain + k) * DMAC_DESC_SIZE;
      uint8_t* p = mem.at(da);
      std::memset(p, 0, DMAC_DESC_SIZE);
      put32(p + DMAC_DESC_SRC, uint32_t(s + uint64_t(k) * c.size));
      put32(p + DMAC_DESC_DST, uint32_t(d + uint64_t(k) * c.size));
      put32(p + DMAC_DESC_NEXT, k + 1 < c.chain ? uint32_t(da + DMAC_DESC_SIZE) : 0);
      put32(p + DMAC_DESC_LEN, c.size);
      put32(p + DMAC_DESC_CTRL, (DMAC_FLOW_MEM2MEM << DMAC_DESC_CTRL_FLOW_SHIFT) | DMAC_DESC_CTRL_SRC_INC |
                                     DMAC_DESC_CTRL_DST_INC);
    }
  }
  if (kDescBase + uint64_t(c.channels) * c.chain * DMAC_DESC_SIZE > kSrcBase ||
      kSrcBase + c.channels * region > kDstBase || kDstBase + c.channels * region > kMemSize) {
    r.ok = false;
    r.error = "layout does not fit the bench memory";
    return r;
  }

  auto model = std::make_unique<Model>();
  DmacCore<Model> core(*model, mem);
  Model& m = *model;
  core.reset();
  for (unsigned ch = 0; ch < c.channels; ++ch)
    core.write_reg(DMAC_CH_BASE(ch) + DMAC_CH_IRQ_MASK, DMAC_IRQ_TC | DMAC_IRQ_ERR);

  uint64_t t0 = 0, first_ar = 0, last_b = 0, irq_at = 0, nb = 0;
  const uint64_t mem_errors_before = mem.errors();
  auto step = [&] {
    // Handshakes that fire at the coming edge (inputs settled), edge number cycle()+1.
    const uint64_t edge = core.cycle() + 1;
    if (!t0 && m.s_axil_wvalid && m.s_axil_wready) t0 = edge;
    if (!first_ar && m.m_axi_arvalid && m.m_axi_arready) first_ar = edge;
    if (m.m_axi_bvalid && m.m_axi_bready) {
      last_b = edge;
      ++nb;
    }
    core.step();
    if (!irq_at && m.irq) irq_at = core.cycle();
  };

  // Register read through start_read_reg (re-settles the model after ARVALID rises).
  auto read_reg = [&](uint32_t off) {
    core.start_read_reg(off);
    for (unsigned i = 0; i < 1000 && !core.reg_access_done(); ++i) core.step();
    return core.reg_port().rdata();
  };

  const auto w0 = std::chrono::steady_clock::now();
  const uint64_t c0 = core.cycle();
  for (unsigned ch = 0; ch < c.channels; ++ch) {
    const uint64_t head = kDescBase + uint64_t(ch) * c.chain * DMAC_DESC_SIZE;
    core.start_write_reg(DMAC_CH_BASE(ch) + DMAC_CH_DOORBELL, uint32_t(head));
    for (unsigned i = 0; i < 1000 && !core.reg_access_done(); ++i) step();
  }
  const uint64_t limit = core.cycle() + 64 * (per_ch * c.channels / 8 + 1) * (c.L + 2) + 100000;
  while (!(m.quiescent && core.mem_port().idle()) && core.cycle() < limit) step();
  for (int i = 0; i < 4; ++i) step();  // irq is registered: let it settle
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  totals.cycles += core.cycle() - c0;
  totals.wall += wall;

  auto fail = [&](const std::string& e) {
    if (r.ok) r.error = e;
    r.ok = false;
  };
  if (core.cycle() >= limit) fail("timeout: RTL not quiescent");
  for (unsigned ch = 0; ch < c.channels && r.ok; ++ch) {
    const uint32_t st = read_reg(DMAC_CH_BASE(ch) + DMAC_CH_STATUS);
    const uint32_t tc = read_reg(DMAC_CH_BASE(ch) + DMAC_CH_TC_COUNT);
    if ((st & DMAC_CH_STATUS_STATE_MASK) != DMAC_STATE_IDLE || (st & DMAC_CH_STATUS_ERR_CODE_MASK))
      fail("ch" + std::to_string(ch) + " STATUS " + std::to_string(st));
    if (tc != 1) fail("ch" + std::to_string(ch) + " TC_COUNT " + std::to_string(tc));
    const uint64_t s = kSrcBase + ch * region + kGuard + src_off, d = kDstBase + ch * region + kGuard + dst_off;
    if (std::memcmp(mem.at(s), mem.at(d), per_ch) != 0) fail("ch" + std::to_string(ch) + " data mismatch");
    for (unsigned i = 0; i < kGuard; ++i)
      if (*mem.at(d - kGuard + i) != kPoison || *mem.at(d + per_ch + i) != kPoison) {
        fail("ch" + std::to_string(ch) + " guard byte written");
        break;
      }
  }
  if (mem.errors() != mem_errors_before) fail("memory error responses");
  if (core.mem_port().stats().protocol_errors) fail("AXI protocol errors");
  if (!t0 || !last_b) fail("no doorbell / no write response seen");

  r.bytes = per_ch * c.channels;
  r.cycles = last_b > t0 ? last_b - t0 : 0;
  r.util = r.cycles ? double(r.bytes) / (double(r.cycles) * kW) : 0;
  r.launch = first_ar ? first_ar - t0 : 0;
  r.irq = irq_at ? irq_at - t0 : 0;
  r.max_rd_out = core.mem_port().stats().max_reads_outstanding;
  r.max_wr_out = core.mem_port().stats().max_writes_outstanding;
  model->final();
  return r;
}

std::string size_name(uint32_t s) {
  if (s >= 1u << 20) return std::to_string(s >> 20) + " MiB";
  if (s >= 1u << 10) return std::to_string(s >> 10) + " KiB";
  return std::to_string(s) + " B";
}

std::string pct(double u) {
  char b[32];
  snprintf(b, sizeof b, "%.1f %%", 100 * u);
  return b;
}

}  // namespace

// Linked with the models library, which pulls in libsystemc (it owns main()):
// the entry point is sc_main, but nothing is elaborated.
extern "C" int sc_main(int argc, char** argv);  // as SystemC's sc_externs.h declares it
int sc_main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  std::string out = ".";
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) out = argv[++i];
    else if (a == "--quick") quick = true;
    else if (a[0] != '+') {
      fprintf(stderr, "usage: dma_throughput [--out DIR] [--quick]\n");
      return 2;
    }
  }
  const std::string variant = BENCH_VARIANT;
  const std::string base = out + "/dma_throughput" + (variant.empty() ? "" : "-" + variant);
  if (!bench::prepare_output_dir("dma_throughput", out, {base + ".json", base + ".md"})) return 2;
  PlainMemory mem(kMemSize);
  std::vector<uint32_t> sizes = {64, 256, 1024, 4096, 16384, 65536, 262144, 1048576};
  if (quick) sizes = {64, 4096, 65536};
  const unsigned lats[] = {0, 20, 100};
  std::vector<Result> results;
  bool all_ok = true;
  auto go = [&](const Config& c) {
    Result r = run(mem, c);
    if (!r.ok) {
      all_ok = false;
      fprintf(stderr, "FAILED %s L=%u S=%u %s ch=%u chain=%u: %s\n", c.mode.c_str(), c.L, c.size,
              c.unaligned ? "unaligned" : "aligned", c.channels, c.chain, r.error.c_str());
    }
    fprintf(stderr, "%-8s L=%-3u S=%-7u %-9s ch=%u chain=%-5u %8llu cycles %6.1f %%\n", c.mode.c_str(), c.L, c.size,
            c.unaligned ? "unaligned" : "aligned", c.channels, c.chain, (unsigned long long)r.cycles, 100 * r.util);
    results.push_back(r);
  };
  for (unsigned L : lats)
    for (bool ua : {false, true})
      for (uint32_t s : sizes) go({"one-shot", L, s, ua, 1, 1});
  for (unsigned C : {1u, 8u})
    for (unsigned L : lats)
      for (bool ua : {false, true})
        for (uint32_t s : sizes) {
          const uint64_t target = 256 * 1024;
          unsigned k = unsigned(std::max<uint64_t>(1, (target + uint64_t(s) * C - 1) / (uint64_t(s) * C)));
          go({"stream", L, s, ua, C, k});
        }

  // JSON
  std::ostringstream js;
  js << "{\n  \"benchmark\": \"dma_throughput\",\n  \"rtl_parameters\": \"" << (variant.empty() ? "default" : variant)
     << "\",\n  \"limit_bytes_per_cycle\": 8,\n"
     << "  \"interval\": \"doorbell W handshake edge -> last B handshake edge\",\n"
     << "  \"bare_cycles_per_second\": " << (totals.wall > 0 ? totals.cycles / totals.wall : 0) << ",\n"
     << "  \"all_verified\": " << (all_ok ? "true" : "false") << ",\n  \"runs\": [\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    js << "    {\"mode\": \"" << r.c.mode << "\", \"latency\": " << r.c.L << ", \"size\": " << r.c.size
       << ", \"unaligned\": " << (r.c.unaligned ? "true" : "false") << ", \"channels\": " << r.c.channels
       << ", \"chain\": " << r.c.chain << ", \"bytes\": " << r.bytes << ", \"cycles\": " << r.cycles
       << ", \"bytes_per_cycle\": " << (r.cycles ? double(r.bytes) / r.cycles : 0) << ", \"utilisation\": " << r.util
       << ", \"doorbell_to_first_ar\": " << r.launch << ", \"doorbell_to_irq\": " << r.irq
       << ", \"max_reads_outstanding\": " << r.max_rd_out << ", \"max_writes_outstanding\": " << r.max_wr_out
       << ", \"verified\": " << (r.ok ? "true" : "false") << "}" << (i + 1 < results.size() ? "," : "") << "\n";
  }
  js << "  ]\n}\n";
  std::ofstream(base + ".json") << js.str();

  // Markdown
  std::ostringstream md;
  auto find = [&](const std::string& mode, unsigned L, uint32_t s, bool ua, unsigned C) -> const Result* {
    for (auto& r : results)
      if (r.c.mode == mode && r.c.L == L && r.c.size == s && r.c.unaligned == ua && r.c.channels == C) return &r;
    return nullptr;
  };
  auto table = [&](const std::string& mode, unsigned C, const char* title) {
    md << "### " << title << "\n\n| L, alignment |";
    for (uint32_t s : sizes) md << " " << size_name(s) << " |";
    md << "\n|---|";
    for (size_t i = 0; i < sizes.size(); ++i) md << "---|";
    md << "\n";
    for (unsigned L : lats)
      for (bool ua : {false, true}) {
        md << "| " << L << ", " << (ua ? "unaligned (src+3, dst+5)" : "aligned") << " |";
        for (uint32_t s : sizes) {
          const Result* r = find(mode, L, s, ua, C);
          md << " " << (r ? (r->ok ? pct(r->util) : "FAIL") : "-") << " |";
        }
        md << "\n";
      }
    md << "\n";
  };
  md << "## DMA throughput (bytes/cycle as % of the 8 B/cycle limit)"
     << (variant.empty() ? std::string() : ", RTL variant " + variant + " (not the shipped parameters)") << "\n\n"
     << "Interval: doorbell accepted (AXI4-Lite W handshake) -> last B handshake on the memory port. "
     << "Memory: first R beat 1+L cycles after AR, R beats back to back, B 1+L cycles after WLAST. "
     << "All runs verified (data, guard bytes, STATUS, TC_COUNT): " << (all_ok ? "yes" : "**NO**") << ".\n\n";
  table("stream", 1, "Descriptors back to back, 1 channel (chain of K descriptors of S bytes, >= 256 KiB moved)");
  table("stream", 8, "Descriptors back to back, 8 channels (each channel a chain, >= 256 KiB moved in total)");
  table("one-shot", 1, "One transfer (one descriptor), doorbell -> last B, 1 channel");
  md << "### Launch latency and IRQ (one-shot, cycles from the doorbell)\n\n| L | doorbell -> first AR (descriptor) | "
        "doorbell -> IRQ, 64 B | doorbell -> IRQ, 4 KiB |\n|---|---|---|---|\n";
  for (unsigned L : lats) {
    const Result* a = find("one-shot", L, 64, false, 1);
    const Result* b = find("one-shot", L, 4096, false, 1);
    md << "| " << L << " | " << (a ? a->launch : 0) << " | " << (a ? a->irq : 0) << " | " << (b ? b->irq : 0)
       << " |\n";
  }
  char line[200];
  snprintf(line, sizeof line, "\nBare Verilated stepping speed over all runs (%s): %.2f M cycles/s.\n",
           variant.empty() ? "dmac_rtl, --assert" : "no-assert build", totals.wall > 0 ? totals.cycles / totals.wall / 1e6 : 0);
  md << line;
  std::ofstream(base + ".md") << md.str();
  fputs(md.str().c_str(), stdout);
  return all_ok ? 0 : 1;
}
