// Constrained-random regression (tests/rtl/random_regression.h): seeded cases
// of memcpy / scatter-gather / cyclic on all channels at once with random
// pause/resume/abort, latency, backpressure, layouts and faults, scoreboarded
// against the golden model.
//
// Size: DMACOSIM_REGRESSION_TRANSFERS transfers (default: the CI size below),
// split into TEST_P blocks (DmacRandom/Block.Run/<n>) of kCasesPerBlock cases,
// so GoogleTest sharding (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) and
// ctest -j split them. DMACOSIM_REGRESSION_SEED_BASE offsets every case seed.
// DMACOSIM_RANDOM_SEED=<seed> + --gtest_filter=DmacRandom.Replay reruns one case.
//
// In the test command's build (DMACOSIM_RTL_COVERAGE=ON) test_dmac runs the
// first kCoverageBlocks blocks on the coverage-instrumented model and
// test_dmac_plain the others on the plain model (DmacRandomPlain/...,
// compiled with DMACOSIM_RANDOM_PLAIN_SHARE): same seeds, same checks; the
// later blocks raise no coverage figure but toggle (+0.3 %) and take about
// five times longer on the instrumented model. Other builds run every block
// in test_dmac.
//
//   DMACOSIM_REGRESSION_TRANSFERS=100000 build/tests/rtl/test_dmac --gtest_filter='DmacRandom*' --gtest_output=xml:random.xml
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "random_regression.h"

using namespace dmacosim::test;

// The test programs are unity builds (cmake/dmacosim.cmake): this file's
// helpers and layout constants live in a namespace of their own.
namespace test_dmac_random {

namespace {

constexpr unsigned kEpochs = 6;               // epochs per case (~7 transfers each)
constexpr unsigned kTransfersPerCase = 42;    // nominal, for sizing
constexpr unsigned kCasesPerBlock = 6;        // ~250 transfers per TEST
constexpr uint64_t kCiTransfers = 2000;       // the normal suite
constexpr unsigned kCoverageBlocks = 2;       // on the coverage model (see above)

uint64_t env_u64(const char* name, uint64_t dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : dflt;
}

unsigned num_blocks() {
  const uint64_t transfers = env_u64("DMACOSIM_REGRESSION_TRANSFERS", kCiTransfers);
  const uint64_t cases = (transfers + kTransfersPerCase - 1) / kTransfersPerCase;
  return unsigned(std::max<uint64_t>(1, (cases + kCasesPerBlock - 1) / kCasesPerBlock));
}

class DmacRandomBlock : public ::testing::TestWithParam<unsigned> {};

TEST_P(DmacRandomBlock, Run) {
  const uint64_t base = env_u64("DMACOSIM_REGRESSION_SEED_BASE", 1);
  RandomCaseStats total;
  for (unsigned c = 0; c < kCasesPerBlock; ++c) {
    const uint64_t seed = base + uint64_t(GetParam()) * kCasesPerBlock + c;
    SCOPED_TRACE("case seed " + std::to_string(seed) + " -- reproduce: " + random_repro_command(seed));
    RandomCaseStats s = run_random_case(seed, kEpochs);
    total.transfers += s.transfers;
    total.descriptors += s.descriptors;
    total.bytes += s.bytes;
    total.cycles += s.cycles;
    total.aborted += s.aborted;
    total.paused += s.paused;
    total.errors += s.errors;
    total.cyclic_periods += s.cyclic_periods;
    total.known_abort_tc_loss += s.known_abort_tc_loss;
    total.abort_dtc_skipped += s.abort_dtc_skipped;
    total.reordered_cases += s.reordered_cases;
    total.interleaved_read_beats += s.interleaved_read_beats;
    total.reordered_read_bursts += s.reordered_read_bursts;
    total.reordered_write_responses += s.reordered_write_responses;
    if (HasFailure()) break;
  }
  RecordProperty("transfers", std::to_string(total.transfers));
  RecordProperty("descriptors", std::to_string(total.descriptors));
  RecordProperty("bytes", std::to_string(total.bytes));
  RecordProperty("cycles", std::to_string(total.cycles));
  RecordProperty("aborted", std::to_string(total.aborted));
  RecordProperty("pauses", std::to_string(total.paused));
  RecordProperty("error_stops", std::to_string(total.errors));
  RecordProperty("cyclic_periods", std::to_string(total.cyclic_periods));
  RecordProperty("known_abort_tc_loss", std::to_string(total.known_abort_tc_loss));
  RecordProperty("abort_dtc_skipped", std::to_string(total.abort_dtc_skipped));
  RecordProperty("reordered_cases", std::to_string(total.reordered_cases));
  RecordProperty("interleaved_read_beats", std::to_string(total.interleaved_read_beats));
  RecordProperty("reordered_read_bursts", std::to_string(total.reordered_read_bursts));
  RecordProperty("reordered_write_responses", std::to_string(total.reordered_write_responses));
  std::printf("DmacRandom block %u: %llu transfers, %llu descriptors, %llu bytes, %llu cycles, %llu aborted, %llu pauses, %llu error stops, %llu known abort-TC losses, %llu ring aborts without the last dtc; out-of-order memory in %llu cases (%llu interleaved R beats, %llu R bursts and %llu B responses reordered)\n", GetParam(), (unsigned long long)total.transfers, (unsigned long long)total.descriptors, (unsigned long long)total.bytes, (unsigned long long)total.cycles, (unsigned long long)total.aborted, (unsigned long long)total.paused, (unsigned long long)total.errors, (unsigned long long)total.known_abort_tc_loss, (unsigned long long)total.abort_dtc_skipped, (unsigned long long)total.reordered_cases, (unsigned long long)total.interleaved_read_beats, (unsigned long long)total.reordered_read_bursts, (unsigned long long)total.reordered_write_responses);
}

#if defined(DMACOSIM_RANDOM_PLAIN_SHARE)
INSTANTIATE_TEST_SUITE_P(DmacRandomPlain, DmacRandomBlock,
                         ::testing::Range(std::min(kCoverageBlocks, num_blocks()), num_blocks()),
                         [](const ::testing::TestParamInfo<unsigned>& i) { return std::to_string(i.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DmacRandomBlock);  // a small DMACOSIM_REGRESSION_TRANSFERS
#elif defined(DMACOSIM_COVERAGE)
INSTANTIATE_TEST_SUITE_P(DmacRandom, DmacRandomBlock, ::testing::Range(0u, std::min(kCoverageBlocks, num_blocks())));
#else
INSTANTIATE_TEST_SUITE_P(DmacRandom, DmacRandomBlock, ::testing::Range(0u, num_blocks()));
#endif

#ifndef DMACOSIM_RANDOM_PLAIN_SHARE
TEST(DmacRandom, Replay) {
  const char* s = std::getenv("DMACOSIM_RANDOM_SEED");
  if (!s || !*s) GTEST_SKIP() << "set DMACOSIM_RANDOM_SEED=<case seed> to replay one case";
  run_random_case(std::strtoull(s, nullptr, 0), unsigned(env_u64("DMACOSIM_RANDOM_EPOCHS", kEpochs)));
}
#endif

}  // namespace
}  // namespace test_dmac_random
