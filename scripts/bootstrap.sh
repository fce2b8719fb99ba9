#!/usr/bin/env bash
# One entry point for a fresh Debian bookworm machine:
#   scripts/bootstrap.sh run  [dmacosim args...]  install what is missing, build, run the main scenario
#   scripts/bootstrap.sh test [ctest args...]     install what is missing, build, run the whole test suite
#                                                 once, under ASan + UBSan, with RTL coverage checked against its floors
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
[ $# -gt 0 ] && shift

# linux-headers-amd64: ctest linux_c.kbuild_module builds the kernel-C provider
# (driver/dmaengine/c/) as a Linux module against them (compile only).
# ninja-build: bench/build_time.sh reads per-unit times from a Ninja tree.
packages=(build-essential cmake python3 pkg-config verilator libsystemc-dev libgtest-dev libdw-dev gtkwave xvfb xauth ccache python3-matplotlib linux-headers-amd64 ninja-build)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bootstrap: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build build -j"$(nproc)"
}

case "$mode" in
  run)
    install_missing
    build
    # The main scenario: ALSA playback over cyclic DMA with 100+ start/stop cycles.
    if [ $# -eq 0 ]; then set -- run audio --start-stop=120 --out=out/audio; fi
    SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 exec build/tb/dmacosim "$@"
    ;;
  test)
    install_missing
    export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
    # One build, every test once (docs/verification.md, "The test command"):
    # our C++ under ASan + UBSan ("Sanitizers"; DMACOSIM_SANITIZE_TESTS=0 builds
    # it plain), the RTL suite on the coverage-instrumented model ("Coverage").
    # Sanitizer options and suppressions are built into the instrumented
    # programs (cmake/sanitizers/), so ctest run by hand in build-test behaves
    # the same.
    sanitize=ON
    [ "${DMACOSIM_SANITIZE_TESTS:-1}" = 0 ] && sanitize=OFF
    cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDMACOSIM_SANITIZE="$sanitize" -DDMACOSIM_RTL_COVERAGE=ON
    cmake --build build-test -j"$(nproc)"
    rm -rf build-test/tests/rtl/coverage-data
    # Every check runs to the end; any failure makes the command exit non-zero.
    rc=0
    (cd build-test && ctest -j"$(nproc)" --output-on-failure --timeout 1200 "$@") || rc=1
    # The RTL coverage those tests wrote, checked against
    # tests/rtl/coverage_floor.txt: a change that stops exercising the RTL fails
    # like a test. Report in build-test/coverage/. Skipped when ctest arguments
    # select a subset.
    if [ $# -eq 0 ]; then
      if scripts/coverage.sh --check --from-ctest build-test > build-test/coverage.log 2>&1; then
        # the per-module table, the run line and the verdict
        awk '/^\| module \| branch/ {t = 1} t && /^$/ {t = 0} t || /^Tests: / || /^coverage: /' build-test/coverage.log
      else
        rc=1
        tail -n 40 build-test/coverage.log
      fi
    fi
    [ "$rc" -eq 0 ] || echo "bootstrap: test FAILED (see the output above)" >&2
    exit "$rc"
    ;;
  *)
    echo "usage: scripts/bootstrap.sh run|test [args...]" >&2
    exit 2
    ;;
esac
