// Self-test of the sanitizer build (DMACOSIM_SANITIZE=ON): each mode commits
// one error the build must catch, with the options every test program of
// that build gets (cmake/sanitizers/sanitizer_options.cpp). ctest checks the
// report text (tests/CMakeLists.txt), so a build that silently lost its
// instrumentation, its leak check or halt_on_error fails the suite.
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// Opaque to the optimiser: the errors below must happen at run time.
template <typename T>
static T opaque(T v) {
  asm volatile("" : "+r"(v));
  return v;
}

void* volatile leak_sink;

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (!std::strcmp(mode, "clean")) {
    int* p = new int[4]();
    int s = p[opaque(3)];
    delete[] p;
    std::printf("clean: %d\n", s);
    return 0;
  }
  if (!std::strcmp(mode, "heap-overflow")) {
    int* p = opaque(new int[4]());  // opaque: ASan's report, not UBSan's object-size check
    int v = p[opaque(4)];          // one past the end
    delete[] p;
    return v;
  }
  if (!std::strcmp(mode, "use-after-free")) {
    int* p = new int[4]();
    delete[] p;
    return p[opaque(0)];
  }
  if (!std::strcmp(mode, "leak")) {
    leak_sink = std::malloc(opaque<size_t>(64));
    leak_sink = nullptr;  // the only pointer dropped: LeakSanitizer at exit
    return 0;
  }
  if (!std::strcmp(mode, "signed-overflow")) {
    int v = opaque(INT_MAX);
    v += opaque(1);
    std::printf("%d\n", v);
    return 0;  // UBSan must end the program before this (halt_on_error)
  }
  std::fprintf(stderr, "usage: sanitizer_canary clean|heap-overflow|use-after-free|leak|signed-overflow\n");
  return 2;
}
