#!/usr/bin/env bash
# One entry point for a fresh Debian bookworm machine:
#   scripts/bootstrap.sh run  [dmacosim args...]  install what is missing, build, run the main scenario
#   scripts/bootstrap.sh test [ctest args...]     install what is missing, build, run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
[ $# -gt 0 ] && shift

packages=(build-essential cmake python3 pkg-config verilator libsystemc-dev libgtest-dev gtkwave xvfb xauth ghostscript)

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
    (cd build && ctest -j"$(nproc)" --output-on-failure --timeout 600 "$@")
    # DMACOSIM_SANITIZE_TESTS=1: the whole suite again under ASan + UBSan
    # (docs/verification.md, Sanitizers; not yet on by default in CI: build time).
    if [ "${DMACOSIM_SANITIZE_TESTS:-0}" = 1 ]; then
      cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDMACOSIM_SANITIZE=ON
      cmake --build build-asan -j"$(nproc)"
      (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
         ctest -j"$(nproc)" --output-on-failure --timeout 1200 "$@")
    fi
    ;;
  *)
    echo "usage: scripts/bootstrap.sh run|test [args...]" >&2
    exit 2
    ;;
esac
