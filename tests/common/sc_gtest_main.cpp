// The one entry point of every test executable: libsystemc's main() calls
// sc_main, which runs GoogleTest. Each TEST elaborates its own platform, so
// run one TEST per process (gtest_discover_tests/ctest does).
#include <gtest/gtest.h>

#include <systemc>

int sc_main(int argc, char** argv) {
  // Verilog time precision is 1 ps (Verilator's default timescale).
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
