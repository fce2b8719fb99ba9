#!/usr/bin/env bash
# One entry point for a fresh Debian bookworm machine:
#   scripts/bootstrap.sh run  [dmacosim args...]  install what is missing, build, run the main scenario
#   scripts/bootstrap.sh test [ctest args...]     install what is missing, build, run the whole test suite
#                                                 (plain, then ASan + UBSan, then RTL coverage with its floors)
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
[ $# -gt 0 ] && shift

packages=(build-essential cmake python3 pkg-config verilator libsystemc-dev libgtest-dev libdw-dev gtkwave xvfb xauth ghostscript ccache)

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
    build
    export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
    # Every pass runs to the end; any failure makes the command exit non-zero.
    rc=0
    (cd build && ctest -j"$(nproc)" --output-on-failure --timeout 600 "$@") || rc=1
    # The whole suite again under ASan + UBSan (docs/verification.md,
    # "Sanitizers"); on by default (CI), DMACOSIM_SANITIZE_TESTS=0 skips it.
    # Sanitizer options and suppressions are built into the instrumented
    # programs (cmake/sanitizers/), so ctest run by hand in build-asan behaves
    # the same.
    if [ "${DMACOSIM_SANITIZE_TESTS:-1}" != 0 ]; then
      echo "bootstrap: sanitizer pass (ASan + UBSan) in build-asan (DMACOSIM_SANITIZE_TESTS=0 skips it)"
      cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDMACOSIM_SANITIZE=ON
      cmake --build build-asan -j"$(nproc)"
      # Soaks (label "soak": 10^4-cycle runs about timing) stay in the plain pass.
      (cd build-asan && ctest -j"$(nproc)" --output-on-failure --timeout 1200 -LE soak "$@") || rc=1
    fi
    # RTL coverage of the RTL suite, checked against tests/rtl/coverage_floor.txt
    # (docs/verification.md, "Coverage"): a change that stops exercising the
    # RTL fails like a test. Report in build/coverage/. Skipped with
    # DMACOSIM_COVERAGE_TESTS=0, and when ctest arguments select a subset.
    if [ "${DMACOSIM_COVERAGE_TESTS:-1}" != 0 ] && [ $# -eq 0 ]; then
      echo "bootstrap: coverage pass (RTL suite, Verilator --coverage) in build/coverage (DMACOSIM_COVERAGE_TESTS=0 skips it)"
      if COV_JOBS="$(nproc)" scripts/coverage.sh --check build > build/coverage.log 2>&1; then
        # the per-module table, the run line and the verdict
        awk '/^\| module \| branch/ {t = 1} t && /^$/ {t = 0} t || /^Tests \(filter/ || /^coverage: /' build/coverage.log
      else
        rc=1
        tail -n 40 build/coverage.log
      fi
    fi
    [ "$rc" -eq 0 ] || echo "bootstrap: test FAILED (see the ctest output above)" >&2
    exit "$rc"
    ;;
  *)
    echo "usage: scripts/bootstrap.sh run|test [args...]" >&2
    exit 2
    ;;
esac
