// The Verilated DMA model the RTL suite runs on: the plain one, or in a build
// with DMACOSIM_RTL_COVERAGE (DMACOSIM_COVERAGE defined) the instrumented one,
// whose every instance adds its counts to the process total when it dies
// (coverage_shim.h). Include this, never Vdmac_top.h, in the RTL suite.
#pragma once
#ifdef DMACOSIM_COVERAGE
#include "coverage_shim.h"
#else
#include "Vdmac_top.h"
#endif
