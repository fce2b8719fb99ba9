// The real C++ call stack as a kernel "Call Trace" (the model's
// stack_trace_save() / stack_trace_print() / dump_stack()).
//
// The kernel's reports end with the stack of the code that hit the problem;
// the model's software is C++ running in SystemC threads, so that stack is the
// host call stack: captured with the unwinder (_Unwind_Backtrace), symbolized
// with elfutils' libdw (function, offset/size, source line), printed as the
// kernel prints frames: " dmac_tx_submit+0x4a/0x120 driver/dmaengine/...:123".
// Capture is cheap (return addresses only); symbolization is cached per
// address. Unwinding stops at the bottom of a QuickThreads coroutine stack
// (its entry has no unwind info), so it is safe in every SystemC thread.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dmacosim::kernel {

struct stack_frame {
  uintptr_t ip = 0;        // return address (as the kernel records it)
  std::string func;        // kernel-style name: demangled, no namespace/class/arguments
  std::string full;        // demangled name as the toolchain gives it ("" if unknown)
  uintptr_t off = 0, size = 0;  // ip - symbol start, symbol size
  std::string module;      // object file (basename)
  std::string file;        // source file (relative to the repository when inside it)
  int line = 0;
  bool inlined = false;    // a function inlined at this address (no frame of its own)
  bool known() const { return !full.empty(); }
};

// Raw return addresses of the calling thread, innermost first, `skip` frames
// above the caller dropped. Never symbolizes (a report that is de-duplicated
// never reaches this).
std::vector<uintptr_t> stack_trace_save(unsigned skip = 0, unsigned max_entries = 64);

// How many stacks stack_trace_save() walked in this process (a report that
// is de-duplicated walks none).
uint64_t stack_trace_save_count();

// One return address as frames, innermost first: the functions inlined at
// that address (inlined = true, from the DWARF inline scopes), then the
// function that owns the code. Cached.
std::vector<stack_frame> stack_trace_symbolize(uintptr_t ip);

// The trace a report prints: symbolized, the reporting machinery's own frames
// at the top removed (everything up to the last frame of the printers:
// stacktrace.cpp, lockdep_print.cpp, panic.cpp), the toolchain's plumbing
// (std::function invokers) and SystemC / QuickThreads frames removed.
std::vector<stack_frame> stack_trace_for_report(const std::vector<uintptr_t>& ips);

// "func+0x4a/0x120" (%pS), "func" for an inlined function, or "0x<ip>"
// when the address has no symbol.
std::string sym_offset(const stack_frame& f);

// One Call Trace line without its leading space: sym_offset() plus
// " file:line", " [module]" outside the main program, " [inline]".
std::string frame_line(const stack_frame& f);

// lib/dump_stack.c + arch show_trace_log_lvl(): "Call Trace:" with
// " <IRQ>" ... " </IRQ>" around the frames of an interrupt taken on the task's
// stack and " <TASK>" ... " </TASK>" around the task's frames; each frame
// " func+0xoff/0xsize file:line".
std::string print_call_trace(const std::vector<stack_frame>& frames);

// stack_trace_print(entries, nr, spaces): one "%*c%pS" line per frame.
std::string stack_trace_print(const std::vector<stack_frame>& frames, unsigned spaces);

// A source path as the repository spells it ("driver/kernel/locking.cpp");
// paths outside the tree are returned unchanged.
std::string source_relative(const std::string& path);

// The last component of a path ("locking.cpp").
std::string basename_of(const std::string& path);

// Whether libdw symbolization works in this process (false: frames print as
// raw addresses).
bool stack_trace_symbols_available();

}  // namespace dmacosim::kernel
