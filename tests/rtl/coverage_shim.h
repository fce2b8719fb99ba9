// Coverage build only (DMACOSIM_RTL_COVERAGE; included through dmac_model.h): every
// Vdmac_top the benches create becomes a Vdmac_top_cov, whose counters are
// added to a per-process total just before the model (which owns them) dies.
//
// Why: Verilator 5 registers each coverage point as a pointer into the model's
// symbol table; once the model is deleted those pointers dangle, so a single
// VerilatedCov::write() at process exit would read freed memory, and a test
// creates many models (one bench per case). At the end of the test program
// (gtest Environment TearDown) one fresh model is loaded with the totals and
// written as coverage-<pid>-<clock>.dat in $DMACOSIM_COVERAGE_DIR or the working directory; scripts/coverage.sh
// merges the files of every test process. The benches only name Vdmac_top.
#pragma once
#include <utility>

#include "Vdmac_top.h"

namespace dmacosim_cov {
void model_destroyed(Vdmac_top* m);  // coverage_writer.cpp
}  // namespace dmacosim_cov

class Vdmac_top_cov : public Vdmac_top {
 public:
  template <typename... A>
  explicit Vdmac_top_cov(A&&... a) : Vdmac_top(std::forward<A>(a)...) {}
  ~Vdmac_top_cov() override { dmacosim_cov::model_destroyed(this); }
};
#define Vdmac_top Vdmac_top_cov
