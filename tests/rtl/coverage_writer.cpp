// Coverage build only (DMACOSIM_RTL_COVERAGE: test_dmac on the instrumented model): see coverage_shim.h.
#ifndef DMACOSIM_COVERAGE
#error "coverage_writer.cpp belongs to a coverage build (DMACOSIM_RTL_COVERAGE=ON) only"
#endif
#include <gtest/gtest.h>
#include <unistd.h>
#include <verilated.h>
#include <verilated_cov.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "Vdmac_top__Syms.h"

namespace dmacosim_cov {
namespace {
constexpr size_t kPoints = std::size(decltype(Vdmac_top__Syms::__Vcoverage){});
std::vector<uint64_t>& totals() {
  static std::vector<uint64_t> t(kPoints, 0);
  return t;
}
bool any_model = false;
}  // namespace

void model_destroyed(Vdmac_top* m) {
  auto& t = totals();
  for (size_t i = 0; i < kPoints; ++i) t[i] += m->rootp->vlSymsp->__Vcoverage[i].load();
  any_model = true;
  // Its points are about to dangle: drop every registered point (the final
  // write registers a fresh model's).
  Verilated::threadContextp()->coveragep()->clear();
}

namespace {
class CoverageEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!any_model) return;
    auto* cov = Verilated::threadContextp()->coveragep();
    cov->clear();
    Vdmac_top sink;  // registers one set of points; load the totals into it
    for (size_t i = 0; i < kPoints; ++i)
      sink.rootp->vlSymsp->__Vcoverage[i] = uint32_t(std::min<uint64_t>(totals()[i], UINT32_MAX));
    // One file per test process, in $DMACOSIM_COVERAGE_DIR (ctest sets it) or
    // the working directory; pid + clock keep the names unique across a run.
    std::string dir = ".";
    if (const char* d = std::getenv("DMACOSIM_COVERAGE_DIR"); d && *d) dir = d;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::string name = dir + "/coverage-" + std::to_string(::getpid()) + "-" + std::to_string(ns) + ".dat";
    cov->write(name.c_str());
    cov->clear();
  }
};
::testing::Environment* const env = ::testing::AddGlobalTestEnvironment(new CoverageEnvironment);
}  // namespace
}  // namespace dmacosim_cov
