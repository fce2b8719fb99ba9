#!/usr/bin/env bash
# Run every issue-8 benchmark and collect the tables.
#   bench/run_all.sh [BUILD_DIR (default build-bench)] [OUT_DIR (default bench/results)] [--build-time] [--variants]
# Builds the benchmark targets and dmacosim in BUILD_DIR (Release), then runs
# dma_throughput, cosim_speed and scenario_speed.py; with --build-time also the
# clean-build timing (bench/build_time.sh, several minutes); with --variants
# also the throughput of RTL parameter variants (target bench_variants). Writes per
# benchmark JSON + Markdown and OUT_DIR/results.md (machine header + all tables).
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="$src/build-bench"; out="$src/bench/results"; with_bt=""; with_variants=""; pos=0
for a in "$@"; do
  case "$a" in
    --build-time) with_bt=1 ;;
    --variants) with_variants=1 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) if [ $pos = 0 ]; then build="$a"; else out="$a"; fi; pos=$((pos + 1)) ;;
  esac
done
mkdir -p "$out"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" -j"$(nproc)" --target dma_throughput cosim_speed dmacosim > /dev/null
{
  echo "# Benchmark results"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$src" rev-parse --short HEAD)$(git -C "$src" diff --quiet || echo ' + uncommitted changes')"
  echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Build: Release (-O3), Verilator $(verilator --version | cut -d' ' -f2), $(c++ --version | head -1)"
  echo
} > "$out/machine.md"
"$build/bench/dma_throughput" --out "$out" > /dev/null 2> "$out/dma_throughput.log"
"$build/bench/cosim_speed" --out "$out" > /dev/null 2> "$out/cosim_speed.log"
python3 "$src/bench/scenario_speed.py" --dmacosim "$build/tb/dmacosim" --out "$out/scenarios" > /dev/null
cp "$out/scenarios/scenario_speed.md" "$out/scenarios/scenario_speed.json" "$out/"
variant_md=()
if [ -n "$with_variants" ]; then
  cmake -S "$src" -B "$build" -DDMACOSIM_BENCH_VARIANTS=ON > /dev/null
  cmake --build "$build" -j"$(nproc)" --target bench_variants > /dev/null
  for v in noassert mo16 mb64 mo16_mb64; do
    "$build/bench/dma_throughput_$v" --out "$out" > /dev/null 2> "$out/dma_throughput_$v.log"
  done
  variant_md=("$out"/dma_throughput-*.md)
fi
if [ -n "$with_bt" ]; then
  "$src/bench/build_time.sh" /tmp/bt "$out" > /dev/null
fi
echo "- Load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.md"
cat "$out/machine.md" "$out/dma_throughput.md" "$out/cosim_speed.md" "$out/scenario_speed.md" ${variant_md[@]+"${variant_md[@]}"} \
    $( [ -f "$out/build_time.md" ] && echo "$out/build_time.md" ) > "$out/results.md"
cat "$out/results.md"
