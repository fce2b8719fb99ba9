#include "tb/platform.h"

#include <verilated_fst_c.h>

#include "models/log.h"

namespace dmacosim {

using namespace platform;

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
  intc.connect_source(kIrqDma, dmac.irq);
  intc.connect_source(kIrqAudio, audio.irq_out());
  cpu.bind_irq(intc.irq_out());
  dmac.bind_dreq(kDreqAudioTx, &audio.dreq_burst(), &audio.dreq_single());
  audio.bind_dclr(*dmac.dclr[kDreqAudioTx]);

  dmac.set_idle_skipping(cfg_.idle_skipping);
  if (tracing_) {
    fst_ = std::make_unique<VerilatedFstC>();
    dmac.model().trace(fst_.get(), 99);
    fst_->open(cfg_.fst_path.c_str());
    dmac.on_eval = [this](Vdmac_top&, uint64_t time_ps) { fst_->dump(time_ps); };
    log_info(basename(), "tracing the DMA RTL to " + cfg_.fst_path);
  }
}

Platform::~Platform() {
  if (fst_) fst_->close();
}

void Platform::end_of_simulation() {
  if (fst_) fst_->flush();
}

}  // namespace dmacosim
