// Default runtime options of the sanitizer build (DMACOSIM_SANITIZE=ON),
// linked into every executable of that build (CMakeLists.txt), so a test run
// by ctest, by hand or by a script behaves the same. ASAN_OPTIONS,
// UBSAN_OPTIONS and LSAN_OPTIONS in the environment still override them.
// Not instrumented (the runtimes call these before they are initialised).

#ifndef DMACOSIM_SANITIZER_DIR
#error "DMACOSIM_SANITIZER_DIR must name cmake/sanitizers"
#endif

#define DMACOSIM_SAN_HOOK extern "C" __attribute__((visibility("default"), used))

// Leaks are errors (LeakSanitizer at exit); static initialisation order is
// checked; every error ends the program with a non-zero status.
DMACOSIM_SAN_HOOK const char* __asan_default_options() {
  return "detect_leaks=1:check_initialization_order=1:halt_on_error=1";
}

// lsan.supp: allocations that can never be freed by design (explained there).
DMACOSIM_SAN_HOOK const char* __lsan_default_options() {
  return "suppressions=" DMACOSIM_SANITIZER_DIR "/lsan.supp";
}

// The first undefined behaviour ends the program (non-zero status) with a
// stack trace; ubsan.supp holds the (narrow, explained) suppressions.
DMACOSIM_SAN_HOOK const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1:suppressions=" DMACOSIM_SANITIZER_DIR "/ubsan.supp";
}
