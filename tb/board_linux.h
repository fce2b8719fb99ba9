// The board (tb/board.h) as the Linux drivers take it: what a board file or the
// device tree's platform devices hand them. The controller's platform data
// (register window, interrupt, coherent pool), the audio port's, and the DMA
// slave map (the i2s node's `dmas`/`dma-names`). Scenarios and driver tests
// take these instead of filling the structs themselves.
#pragma once
#include "driver/dmaengine/dmacosim-dmac.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/sound/dmacosim_i2s.h"
#include "tb/board.h"

namespace dmacosim::board {

// The dma-controller node: its window, its interrupt and `pool` as its
// coherent memory (default: board::dmac_pool()).
inline dmaengine::dmac_platform_data dmac_pdata(
    Region pool = dmac_pool(), dmaengine::DmacLockPolicy policy = dmaengine::DmacLockPolicy::VirtDma,
    dmaengine::dma_residue_granularity granularity = dmaengine::DMA_RESIDUE_GRANULARITY_BURST) {
  dmaengine::dmac_platform_data pd;
  pd.name = kDmacName;
  pd.regs = kDmaRegsBase;
  pd.irq = kIrqDma;
  pd.coherent_base = pool.base;
  pd.coherent_size = size_t(pool.size);
  pd.policy = policy;
  pd.residue_granularity = granularity;
  return pd;
}

// A `dmas = <&dmac line>; dma-names = "slave";` entry for device `devname`
// (any free channel of the controller, request line `line`).
inline void add_dma_slave(const std::string& devname, const std::string& slave, unsigned line) {
  dmaengine::of_phandle_args spec;
  spec.controller = kDmacName;
  spec.chan_index = -1;
  spec.request_line = line;
  dmaengine::dma_platform_add_slave_map(devname, slave, spec);
}

// The board's own slave map: the audio port's "tx" channel on its request line.
inline void add_dma_slave_map() { add_dma_slave(kI2sName, kI2sDmaName, kDreqAudioTx); }

// The i2s node: the audio port's window and interrupt (the PCM settings stay
// the defaults of sound::dmacosim_i2s_platform_data for the caller to set).
inline sound::dmacosim_i2s_platform_data i2s_pdata() {
  sound::dmacosim_i2s_platform_data ip;
  ip.name = kI2sName;
  ip.regs = kAudioBase;
  ip.irq = kIrqAudio;
  return ip;
}

}  // namespace dmacosim::board
