#!/usr/bin/env bash
# ctest package.out_of_tree: installs this build into a fresh prefix, builds
# the out-of-tree project beside this script against it (find_package +
# dmacosim_add_scenario, nothing else), runs its scenario and a built-in one.
# usage: check_package.sh CMAKE BUILD_DIR WORK_DIR GENERATOR [CCACHE]
set -uo pipefail
cmake="$1"; build="$2"; work="$3"; generator="$4"; ccache="${5:-}"
here="$(cd "$(dirname "$0")" && pwd)"
fail() { echo "FAIL (package.out_of_tree): $*"; exit 1; }
rm -rf "$work"; mkdir -p "$work"
prefix="$work/prefix"
"$cmake" --install "$build" --prefix "$prefix" > "$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }
for f in bin/dmacosim lib/libdmacosim.a lib/libdmacosim_main.a lib/cmake/dmacosim/dmacosimConfig.cmake \
         lib/cmake/dmacosim/dmacosimConfigVersion.cmake include/dmacosim/tb/system.h include/dmacosim/Vdmac_top.h \
         include/dmacosim/dmac_regs.h include/dmacosim/driver/include/linux/dmaengine.h; do
  [ -e "$prefix/$f" ] || fail "$f not installed"
done
launcher=()
[ -n "$ccache" ] && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="$ccache" -DCMAKE_C_COMPILER_LAUNCHER="$ccache")
"$cmake" -S "$here" -B "$work/b" -G "$generator" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$prefix" \
  "${launcher[@]}" > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
"$cmake" --build "$work/b" > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
exe="$work/b/hello-sim"
run() { "$exe" "$@" > "$work/stdout" 2> "$work/stderr"; rc=$?; }
# Its own scenario, with the kernel-C client on the kernel-C provider: clean.
run run hello --driver=c-virt-dma --quiet --out="$work/o"
[ "$rc" = 0 ] || { cat "$work/stdout" "$work/stderr"; fail "run hello: exit $rc"; }
grep -q "copied .*3000 bytes with c-virt-dma (bit-exact)" "$work/stdout" || { cat "$work/stdout"; fail "no copy row"; }
[ ! -s "$work/stderr" ] || { cat "$work/stderr"; fail "stderr not empty"; }
# Its setting is in the registry (help), and checked like any other.
run run hello --help
grep -q -- "--bytes" "$work/stdout" || { cat "$work/stdout"; fail "hello --help lacks --bytes"; }
run run hello --driver=c-virt-dma --bytes=abc
[ "$rc" = 2 ] || fail "--bytes=abc: exit $rc, expected 2"
# The check fires: the C++ provider cannot serve a C client.
run run hello --quiet
[ "$rc" = 2 ] && grep -q "needs a kernel-C provider" "$work/stderr" || { cat "$work/stderr"; fail "C++ provider not refused"; }
# The built-in scenarios came along.
run list
grep -q "^ *hello" "$work/stdout" && grep -q "^ *audio" "$work/stdout" || { cat "$work/stdout"; fail "list"; }
run run demo --quiet
[ "$rc" = 0 ] || { cat "$work/stdout" "$work/stderr"; fail "run demo: exit $rc"; }
# Bad input to the helper: a clear configure error, not a broken build.
mkdir -p "$work/nosrc"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(p LANGUAGES CXX)\nfind_package(dmacosim REQUIRED)\ndmacosim_add_scenario(x)\n' \
  > "$work/nosrc/CMakeLists.txt"
if "$cmake" -S "$work/nosrc" -B "$work/nosrc/b" -DCMAKE_PREFIX_PATH="$prefix" > "$work/nosrc.log" 2>&1; then
  fail "dmacosim_add_scenario without SOURCES configured"
fi
grep -q "dmacosim_add_scenario(x): no SOURCES" "$work/nosrc.log" || { cat "$work/nosrc.log"; fail "no clear error"; }
echo "package.out_of_tree: installed, built out of tree and ran"
