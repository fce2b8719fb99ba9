// Precompiled for every target of ours (cmake/dmacosim.cmake): SystemC/TLM and
// the standard library are most of each translation unit's parse time (nearly
// every file reaches <systemc> through driver/kernel/kernel.h or models/).
// Only third-party headers belong here: our own would rebuild everything on
// each edit.
#pragma once
#include <systemc>
#include <tlm>
// With SystemC included first, Verilator 5.006's verilated_funcs.h calls
// sc_time_stamp() unqualified (see tb/verilated_sc.h): every file of ours may
// include a Verilated model header after this one.
using sc_core::sc_time_stamp;

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>
