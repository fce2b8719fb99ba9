// Include this before any Verilated model header in a file that also uses
// SystemC: with SystemC included first, Verilator 5.006's verilated_funcs.h
// calls sc_time_stamp() unqualified.
#pragma once
#include <systemc>
using sc_core::sc_time_stamp;
#include <verilated.h>
