// The Verilated DMA model the RTL suite runs on: the plain one, or in a build
// with DMACOSIM_RTL_COVERAGE (DMACOSIM_COVERAGE defined) the instrumented one,
// whose every instance adds its counts to the process total when it dies
// (coverage_shim.h). Include this, never Vdmac_top.h, in the RTL suite.
//
// Benches take their model from make_dmac_model(): a new model in the plain
// build; in the coverage build a recycled one, restored to the state it had
// right after construction (constructing the instrumented model registers its
// ~25 000 cover points, about 0.25 s under ASan, more than most short runs).
#pragma once
#include <memory>

#ifdef DMACOSIM_COVERAGE
#include "coverage_shim.h"
#else
#include "Vdmac_top.h"
#endif

namespace dmacosim::test {
#ifdef DMACOSIM_COVERAGE
struct DmacModelRelease {
  void operator()(Vdmac_top* m) const { dmacosim_cov::release_model(m); }
};
inline std::unique_ptr<Vdmac_top, DmacModelRelease> make_dmac_model() {
  return std::unique_ptr<Vdmac_top, DmacModelRelease>(dmacosim_cov::acquire_model());
}
#else
struct DmacModelRelease {
  void operator()(Vdmac_top* m) const { delete m; }
};
inline std::unique_ptr<Vdmac_top, DmacModelRelease> make_dmac_model() {
  return std::unique_ptr<Vdmac_top, DmacModelRelease>(new Vdmac_top);
}
#endif
using DmacModelPtr = std::unique_ptr<Vdmac_top, DmacModelRelease>;
}  // namespace dmacosim::test
