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
//
// Constructing the instrumented model registers every cover point (string
// keys into VerilatedCov's maps: about 0.25 s per model under ASan, most of a
// short bench run), so benches recycle models (acquire_model/release_model):
// a released model's counts go to the total and its whole state (the symbol
// table: design variables, scheduler flags, counters) is copied back from the
// bytes it had right after construction. A synthesizable design holds only
// fixed-size state, so that is exactly a fresh model
// (DmacModelPool.RecycledModelRunsLikeAFreshOne checks it).
#pragma once
#include <utility>

#include "Vdmac_top.h"

using Vdmac_top_model = Vdmac_top;  // the generated class, whatever the macro below does

namespace dmacosim_cov {
void model_constructed(Vdmac_top* m);  // coverage_writer.cpp
void model_destroyed(Vdmac_top* m);
}  // namespace dmacosim_cov

class Vdmac_top_cov : public Vdmac_top {
 public:
  template <typename... A>
  explicit Vdmac_top_cov(A&&... a) : Vdmac_top(std::forward<A>(a)...) {
    dmacosim_cov::model_constructed(this);
  }
  ~Vdmac_top_cov() override { dmacosim_cov::model_destroyed(this); }
};
#define Vdmac_top Vdmac_top_cov

namespace dmacosim_cov {
// A model in its just-constructed state: a recycled one when one is free.
Vdmac_top_cov* acquire_model();
// Adds the model's counts to the process total, restores its constructed
// state and keeps it for the next acquire_model().
void release_model(Vdmac_top_cov* m);
// Test hook: release_model() keeps the state a run left (to show that the
// recycling check can tell; never set outside that test).
void keep_state_on_release_for_test(bool keep);
}  // namespace dmacosim_cov
