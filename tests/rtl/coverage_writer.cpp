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
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Vdmac_top__Syms.h"  // before the shim: its macro renames Vdmac_top
#include "coverage_shim.h"

namespace dmacosim_cov {
namespace {
constexpr size_t kPoints = std::size(decltype(Vdmac_top__Syms::__Vcoverage){});
std::vector<uint64_t>& totals() {
  static std::vector<uint64_t> t(kPoints, 0);
  return t;
}
bool any_model = false;
// The model whose cover points alone are registered (nullptr: none, or more
// than one model's): at the end it writes the totals, so the process need
// not construct (register) one more model just for that.
Vdmac_top_model* sole_registered = nullptr;
bool registry_empty = true;

void add_counts(Vdmac_top_model* m) {
  auto& t = totals();
  for (size_t i = 0; i < kPoints; ++i) t[i] += m->rootp->vlSymsp->__Vcoverage[i].load();
  any_model = true;
}

// Recycled models (coverage_shim.h): the bytes of each one's symbol table
// right after construction, and the ones free for the next bench.
struct Pool {
  std::map<Vdmac_top_cov*, std::unique_ptr<unsigned char[]>> fresh;
  std::vector<std::unique_ptr<Vdmac_top_cov>> owned;
  std::vector<Vdmac_top_cov*> free;
  bool keep_state = false;
};
Pool& pool() {
  totals();  // constructed first, so destroyed after the pool's models (they add to it)
  static Pool p;
  return p;
}
}  // namespace

// DMACOSIM_COV_FRESH_MODELS=1: a new model for every bench, as before the
// pool (to compare coverage files: they must be identical).
bool fresh_models() {
  static const bool on = [] {
    const char* v = std::getenv("DMACOSIM_COV_FRESH_MODELS");
    return v && *v && *v != '0';
  }();
  return on;
}

Vdmac_top_cov* acquire_model() {
  if (fresh_models()) return new Vdmac_top_cov;
  Pool& p = pool();
  if (!p.free.empty()) {
    Vdmac_top_cov* m = p.free.back();
    p.free.pop_back();
    return m;
  }
  p.owned.push_back(std::make_unique<Vdmac_top_cov>());
  Vdmac_top_cov* m = p.owned.back().get();
  auto bytes = std::make_unique<unsigned char[]>(sizeof(Vdmac_top__Syms));
  std::memcpy(bytes.get(), static_cast<const void*>(m->rootp->vlSymsp), sizeof(Vdmac_top__Syms));
  p.fresh.emplace(m, std::move(bytes));
  return m;
}

void release_model(Vdmac_top_cov* m) {
  if (fresh_models()) {
    delete m;
    return;
  }
  Pool& p = pool();
  auto it = p.fresh.find(m);
  if (it == p.fresh.end()) {
    std::fprintf(stderr, "coverage_writer: release_model() of a model acquire_model() did not give out\n");
    std::abort();
  }
  add_counts(m);
  Vdmac_top__Syms* syms = m->rootp->vlSymsp;
  if (p.keep_state) {
    for (auto& c : syms->__Vcoverage) c = 0;  // counted once all the same
  } else {
    std::memcpy(static_cast<void*>(syms), it->second.get(), sizeof(Vdmac_top__Syms));
  }
  p.free.push_back(m);
}

void keep_state_on_release_for_test(bool keep) { pool().keep_state = keep; }

void model_constructed(Vdmac_top_model* m) {
  sole_registered = registry_empty ? m : nullptr;
  registry_empty = false;
}

void model_destroyed(Vdmac_top_model* m) {
  add_counts(m);
  // Its points are about to dangle: drop every registered point (the final
  // write registers a fresh model's).
  Verilated::threadContextp()->coveragep()->clear();
  registry_empty = true;
  sole_registered = nullptr;
}

namespace {
class CoverageEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!any_model) return;
    auto* cov = Verilated::threadContextp()->coveragep();
    // The totals are written through one model whose points alone are
    // registered: a recycled one when it is (their counts are in the totals
    // already), else one made for it.
    std::unique_ptr<Vdmac_top_model> made;
    Vdmac_top_model* sink = nullptr;
    for (Vdmac_top_cov* m : pool().free)
      if (m == sole_registered) sink = m;
    if (!sink) {
      pool().free.clear();
      pool().fresh.clear();
      pool().owned.clear();
      cov->clear();
      made = std::make_unique<Vdmac_top_model>();
      sink = made.get();
    }
    for (size_t i = 0; i < kPoints; ++i)
      sink->rootp->vlSymsp->__Vcoverage[i] = uint32_t(std::min<uint64_t>(totals()[i], UINT32_MAX));
    // One file per test process, in $DMACOSIM_COVERAGE_DIR (ctest sets it) or
    // the working directory; pid + clock keep the names unique across a run.
    std::string dir = ".";
    if (const char* d = std::getenv("DMACOSIM_COVERAGE_DIR"); d && *d) dir = d;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::string name = dir + "/coverage-" + std::to_string(::getpid()) + "-" + std::to_string(ns) + ".dat";
    cov->write(name.c_str());
    // The models still alive must not add what was written to the totals
    // again; they go now, while Verilator's context (a static) still exists.
    for (size_t i = 0; i < kPoints; ++i) sink->rootp->vlSymsp->__Vcoverage[i] = 0;
    cov->clear();
    pool().free.clear();
    pool().fresh.clear();
    pool().owned.clear();
  }
};
::testing::Environment* const env = ::testing::AddGlobalTestEnvironment(new CoverageEnvironment);
}  // namespace
}  // namespace dmacosim_cov
