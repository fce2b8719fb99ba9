// Scenario "demo": the platform end to end without the dmaengine layer.
// A kernel thread fills a source buffer in RAM, writes a three-descriptor
// MEM2MEM chain (unaligned source and destination), rings channel 0's
// doorbell and sleeps on a completion; the DMA's interrupt reaches the CPU
// through the interrupt controller, the handler acknowledges it (W1C) and
// completes. The thread then checks every byte and the guard bytes, and shows
// that an access to an unmapped address gets a bus error, not a crash.
#include <cstring>
#include <vector>

#include "dmac_regs.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/sched.h"
#include "models/log.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim {
namespace {

using namespace kernel;
using namespace board;

int run_demo(const ScenarioOptions& opt) {
  ScenarioReport report("demo", opt);
  PlatformConfig cfg;
  cfg.idle_skipping = opt.idle_skipping;
  if (opt.trace) cfg.fst_path = report.out_path("demo.fst");
  System sys("sys", cfg);
  Cpu& cpu = sys.hw.cpu;

  const unsigned len = scenario_uint(opt, "bytes", 6000);
  const uint64_t src = kRamBase + 0x10000 + 3, dst = kRamBase + 0x40000 + 5, desc = kRamBase + 0x1000;
  const uint64_t ch = kDmaRegsBase + DMAC_CH_BASE(0);
  completion done;
  init_completion(&done);
  uint32_t irq_status = 0, final_state = 0;
  bool finished = false, data_ok = false, guards_ok = false, timed_out = false;
  uint64_t mismatches = 0, bus_errors_seen = 0;
  sc_core::sc_time t_doorbell, t_done;

  sys.start_init([&]() -> int {
    request_irq(
        kIrqDma,
        [&](int, void*) -> irqreturn_t {
          KFUNC("demo_dma_irq");
          uint32_t st = cpu.readl(ch + DMAC_CH_IRQ_STATUS);
          if (!st) return IRQ_NONE;
          cpu.writel(st, ch + DMAC_CH_IRQ_STATUS);  // W1C
          irq_status |= st;
          complete(&done);
          return IRQ_HANDLED;
        },
        0, "dmac-demo", &done);

    // Source pattern, destination poisoned (guard bytes around it).
    std::vector<uint8_t> pattern(len), poison(len + 64, 0xA5);
    for (unsigned i = 0; i < len; ++i) pattern[i] = uint8_t(i * 31 + (i >> 8));
    cpu.memcpy_to_bus(src, pattern.data(), len);
    cpu.memcpy_to_bus(dst - 32, poison.data(), poison.size());

    // Three descriptors splitting the copy; only the last one interrupts.
    const unsigned part[3] = {len / 3, len / 3, len - 2 * (len / 3)};
    uint32_t off = 0;
    for (unsigned i = 0; i < 3; ++i) {
      uint32_t d[8] = {};
      d[DMAC_DESC_SRC / 4] = uint32_t(src + off);
      d[DMAC_DESC_DST / 4] = uint32_t(dst + off);
      d[DMAC_DESC_NEXT / 4] = i < 2 ? uint32_t(desc + (i + 1) * DMAC_DESC_SIZE) : 0;
      d[DMAC_DESC_LEN / 4] = part[i];
      d[DMAC_DESC_CTRL / 4] = (DMAC_FLOW_MEM2MEM << DMAC_DESC_CTRL_FLOW_SHIFT) | DMAC_DESC_CTRL_SRC_INC |
                              DMAC_DESC_CTRL_DST_INC | (i == 2 ? DMAC_DESC_CTRL_IRQ : 0);
      cpu.memcpy_to_bus(desc + i * DMAC_DESC_SIZE, d, sizeof d);
      off += part[i];
    }
    cpu.writel(DMAC_CH_IRQ_MASK_TC | DMAC_CH_IRQ_MASK_ERR, ch + DMAC_CH_IRQ_MASK);
    t_doorbell = sc_core::sc_time_stamp();
    cpu.writel(uint32_t(desc), ch + DMAC_CH_DOORBELL);
    timed_out = wait_for_completion_timeout(&done, msecs_to_jiffies(50)) == 0;
    t_done = sc_core::sc_time_stamp();
    final_state = cpu.readl(ch + DMAC_CH_STATUS);

    std::vector<uint8_t> got(len + 64);
    cpu.memcpy_from_bus(got.data(), dst - 32, got.size());
    data_ok = memcmp(got.data() + 32, pattern.data(), len) == 0;
    for (unsigned i = 0; i < len; ++i) mismatches += got[32 + i] != pattern[i];
    guards_ok = true;
    for (unsigned i = 0; i < 32; ++i) guards_ok &= got[i] == 0xA5 && got[32 + len + i] == 0xA5;

    // Bad input: an unmapped address answers a bus error and a log line.
    uint64_t before = cpu.bus_error_count();
    ExpectedLog provoked(LogLevel::Error, "0x50000000", "provoked: the demo reads an unmapped address on purpose");
    (void)cpu.readl(0x5000'0000);
    bus_errors_seen = cpu.bus_error_count() - before;
    finished = true;
    sc_core::sc_stop();
    return 0;
  });

  simulate(opt, sc_core::sc_time(1, sc_core::SC_SEC));
  const double sim_s = sc_core::sc_time_stamp().to_seconds();
  const double wall = report.wall_seconds();
  const uint64_t cycles = sys.hw.dmac.cycles();

  if (!finished) report.fail("the demo thread did not finish (simulation hang)");
  if (timed_out) report.fail("no DMA completion interrupt within 50 ms");
  if (!data_ok) report.fail(strfmt("%llu destination bytes differ from the source", (unsigned long long)mismatches));
  if (!guards_ok) report.fail("bytes outside the destination buffer were written");
  if ((final_state & DMAC_CH_STATUS_STATE_MASK) != DMAC_STATE_IDLE) report.fail("channel not idle after the copy");
  if (bus_errors_seen != 1) report.fail("the unmapped access did not report a bus error");
  const auto unexpected = sys.kernel.lockdep().unexpected();
  if (!unexpected.empty()) report.fail(strfmt("%zu validator reports", unexpected.size()));

  const double copy_ns = (t_done - t_doorbell).to_seconds() * 1e9;
  report.row("bytes copied", strfmt("%u (3 descriptors, src +3, dst +5)", len));
  report.row("doorbell -> completion", strfmt("%.0f ns (%.2f bytes/cycle incl. IRQ path)", copy_ns, len / (copy_ns / kDmaClockPeriodNs)));
  report.row("data / guard bytes", strfmt("%s / %s", data_ok ? "exact" : "MISMATCH", guards_ok ? "untouched" : "WRITTEN"));
  report.row("interrupts taken by CPU", std::to_string(cpu.interrupts_taken()));
  report.row("unmapped access", bus_errors_seen == 1 ? "bus error reported (as expected)" : "NOT reported");
  report.row("validator reports", std::to_string(unexpected.size()));
  report.row("simulated time", strfmt("%.3f us", sim_s * 1e6));
  report.row("DMA cycles (evaluated/skipped)", strfmt("%llu (%llu / %llu)", (unsigned long long)cycles,
                                                      (unsigned long long)sys.hw.dmac.cycles_evaluated(),
                                                      (unsigned long long)sys.hw.dmac.cycles_skipped()));
  report.row("wall time", strfmt("%.3f s (%.2f M simulated cycles/s)", wall, cycles / wall / 1e6));
  report.add("bytes", uint64_t(len));
  report.add_bool("bit_exact", data_ok && guards_ok);
  report.add("copy_ns", copy_ns);
  report.add("interrupts", uint64_t(cpu.interrupts_taken()));
  report.add("validator_reports", uint64_t(unexpected.size()));
  report.add("sim_seconds", sim_s);
  report.add("cycles", cycles);
  if (opt.trace) report.write_save_file("platform", cfg.fst_path);
  if (opt.png) report.render_png("platform", cfg.fst_path);
  return report.finish();
}

ScenarioRegistrar demo_registrar({"demo", "platform demo: a DMA copy programmed by a kernel thread, IRQ to the CPU", run_demo,
                       {{"bytes", "6000", "bytes the DMA copies"}}});

}  // namespace
}  // namespace dmacosim
