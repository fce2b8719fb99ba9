// The platform's address map and wiring numbers: the one place they are defined.
#pragma once
#include <cstdint>

namespace dmacosim::platform {

// Bus address map (CPU and DMA master see the same map through the router).
constexpr uint64_t kDmaRegsBase = 0x4000'0000, kDmaRegsSize = 0x1'0000;   // DMA controller (AXI4-Lite bridge)
constexpr uint64_t kIntcBase = 0x4001'0000, kIntcSize = 0x1000;          // interrupt controller
constexpr uint64_t kAudioBase = 0x4002'0000, kAudioSize = 0x1000;        // audio serial port (I2S TX)
constexpr uint64_t kRamBase = 0x8000'0000, kRamDefaultSize = 16u << 20;  // main memory

// Interrupt controller source numbers (0 is "no interrupt" on CLAIM).
constexpr unsigned kIrqDma = 1;
constexpr unsigned kIrqAudio = 2;

// DMA peripheral request lines.
constexpr unsigned kDreqAudioTx = 0;

// DMA clock: 100 MHz.
constexpr double kDmaClockPeriodNs = 10.0;

}  // namespace dmacosim::platform
