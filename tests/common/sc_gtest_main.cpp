// The one entry point of every test executable: libsystemc's main() calls
// sc_main, which runs GoogleTest. Each TEST elaborates its own platform, so
// run one TEST per process (gtest_discover_tests/ctest does).
//
// Every test also fails if an AXI protocol checker (models/axi/
// axi_protocol_checker.h; DmacCore owns one per AXI port, so every test that
// runs RTL has them) recorded a violation while it ran: nothing to remember in
// the test itself.
#include <gtest/gtest.h>

#include <systemc>

#include "models/axi/axi_protocol_checker.h"
#include "models/log.h"

namespace {

class AxiProtocolListener : public ::testing::EmptyTestEventListener {
  uint64_t at_start_ = 0;
  void OnTestStart(const ::testing::TestInfo&) override {
    at_start_ = dmacosim::axi_checker_tally().violations;
    dmacosim::axi_checker_tally().first.clear();
  }
  // OnTestEnd runs while the test's result is still current, so a failure
  // here fails this test (listeners see OnTestEnd in reverse order: this one,
  // appended last, runs before the result printer).
  void OnTestEnd(const ::testing::TestInfo&) override {
    const auto& t = dmacosim::axi_checker_tally();
    if (t.violations == at_start_) return;
    std::string list;
    for (const auto& s : t.first) list += "  " + s + "\n";
    ADD_FAILURE() << (t.violations - at_start_) << " AXI protocol violation(s) during this test:\n" << list;
  }
};

class UnexpectedLogListener : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override { dmacosim::Log::instance().clear(); }
  void OnTestEnd(const ::testing::TestInfo&) override {
    auto& log = dmacosim::Log::instance();
    const size_t n = log.unexpected_count();
    if (n == 0) return;
    std::string list;
    for (const auto& s : log.unexpected(5)) list += "  " + s + "\n";
    ADD_FAILURE() << n << " unexpected warning/error log record(s) during this test (declare an injected fault "
                  << "with ExpectedLog, or check the record with Log::count):\n" << list;
  }
};

}  // namespace

int sc_main(int argc, char** argv) {
  // Verilog time precision is 1 ps (Verilator's default timescale).
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new AxiProtocolListener);
  ::testing::UnitTest::GetInstance()->listeners().Append(new UnexpectedLogListener);
  return RUN_ALL_TESTS();
}
