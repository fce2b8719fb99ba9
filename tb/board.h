// The board: the one description of the platform a driver sees, written as a
// device tree would hold it (register windows, interrupt numbers, DMA request
// lines, reserved memory). The hardware assembly (tb/platform.cpp), every
// scenario, the driver test rigs and the benches read it from here;
// tb/board_linux.h turns it into the platform data and slave map the Linux
// drivers take.
//
//   soc {
//     dmac: dma-controller@40000000 { reg = <0x40000000 DMAC_WINDOW_BYTES>; interrupts = <1>;
//                                     memory-region = <&dmac_pool>; #dma-cells = <1>; };
//     intc: interrupt-controller@40010000 { reg = <0x40010000 0x1000>; };
//     i2s: i2s@40020000 { reg = <0x40020000 0x1000>; interrupts = <2>;
//                         dmas = <&dmac 0>; dma-names = "tx"; };
//   };
//   memory@80000000 { reg = <0x80000000 16 MiB>; };
//   reserved-memory { dmac_pool: shared-dma-pool { size; at the top of RAM }; };
#pragma once
#include <cstdint>

#include "dmac_regs.h"  // generated from rtl/regmap/dmac_regmap.json: DMAC_WINDOW_BYTES

namespace dmacosim::board {

// A bus address range.
struct Region {
  uint64_t base = 0, size = 0;
  constexpr uint64_t end() const { return base + size; }  // one past the last byte
  constexpr bool contains(uint64_t a) const { return a >= base && a - base < size; }
};

// Bus address map (the CPU and the DMA master see the same map through the router).
constexpr uint64_t kDmaRegsBase = 0x4000'0000, kDmaRegsSize = DMAC_WINDOW_BYTES;  // DMA controller (AXI4-Lite)
constexpr uint64_t kIntcBase = 0x4001'0000, kIntcSize = 0x1000;                  // interrupt controller
constexpr uint64_t kAudioBase = 0x4002'0000, kAudioSize = 0x1000;                // audio serial port (I2S TX)
constexpr uint64_t kRamBase = 0x8000'0000, kRamDefaultSize = 16u << 20;          // main memory

// Interrupt controller source numbers (0 is "no interrupt" on CLAIM).
constexpr unsigned kIrqDma = 1;
constexpr unsigned kIrqAudio = 2;

// DMA peripheral request lines (the i2s node's `dmas = <&dmac 0>`).
constexpr unsigned kDreqAudioTx = 0;

// Device names (dev_name) of the controller and of the audio port's driver,
// and the audio port's DMA channel name (dma-names).
constexpr const char* kDmacName = "dmac";
constexpr const char* kI2sName = "i2s";
constexpr const char* kI2sDmaName = "tx";

// DMA clock: 100 MHz.
constexpr double kDmaClockPeriodNs = 10.0;

// reserved-memory: the DMA controller's coherent pool (descriptors and the
// coherent buffers its clients allocate), the top `size` bytes of RAM. The
// default fits every scenario but memcpy, which takes more for dmatest buffers.
constexpr uint64_t kDmacPoolDefaultSize = 1u << 20;
constexpr Region dmac_pool(uint64_t size = kDmacPoolDefaultSize, uint64_t ram_size = kRamDefaultSize) {
  return Region{kRamBase + ram_size - size, size};
}

// reserved-memory for a client device's own coherent memory (test clients
// that are not on this board): the `size` bytes just below `above`.
constexpr Region client_pool(uint64_t size = kDmacPoolDefaultSize, Region above = dmac_pool()) {
  return Region{above.base - size, size};
}

}  // namespace dmacosim::board
