#!/usr/bin/env bash
# Clean build of everything, ccache disabled (target: <= 3 minutes wall on 2
# idle cores). Not a test: nothing here asserts a time.
#   bench/build_time.sh [BUILD_DIR (default /tmp/bt)] [OUT_DIR (default .)] [CMAKE_ARG...]
# e.g. the test command's tree: bench/build_time.sh /tmp/bt-test . -DDMACOSIM_SANITIZE=ON -DDMACOSIM_RTL_COVERAGE=ON
#
# Times the configure step (it runs Verilator for every model) and
# `cmake --build -j$(nproc)` (Ninja) separately, with the load average before
# and after: the machine may be shared, so the load-independent figures are CPU
# seconds. Every compile and link runs under /usr/bin/time (this script is the
# compiler and linker launcher, mode --unit), so each unit's own CPU seconds
# are known however loaded the machine was; .ninja_log gives its wall time.
# Prints and writes OUT_DIR/build_time.{json,md,log} and OUT_DIR/build_time_units.tsv
# (cpu_s wall_s output, every unit).
set -euo pipefail

# Launcher mode: run one compile or link command, append
# "user<TAB>sys<TAB>output" to LOG. The command's exit status is kept.
if [ "${1:-}" = "--unit" ]; then
  log="$2"; shift 2
  outfile="?"; prev=""
  for a in "$@"; do
    [ "$prev" = "-o" ] && outfile="$a"
    prev="$a"
  done
  t="$(mktemp)"
  rc=0
  /usr/bin/time -f '%U %S' -o "$t" "$@" || rc=$?
  # On failure time(1) writes a status line first: the figures are the last line.
  read -r u s < <(tail -n 1 "$t")
  rm -f "$t"
  printf '%s\t%s\t%s\n' "$u" "$s" "$outfile" >> "$log"
  exit "$rc"
fi

src="$(cd "$(dirname "$0")/.." && pwd)"
bt="${1:-/tmp/bt}"; out="${2:-.}"
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
for tool in ninja /usr/bin/time bc; do
  command -v "$tool" > /dev/null || { echo "build_time.sh: needs $tool" >&2; exit 2; }
done
mkdir -p "$out"; out="$(cd "$out" && pwd)"
rm -rf "$bt"; mkdir -p "$bt"; bt="$(cd "$bt" && pwd)"
units="$bt/unit_cpu.tsv"
self="$src/bench/build_time.sh"
# A clean build means every object compiled: no ccache hits.
export CCACHE_DISABLE=1
jobs="$(nproc)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
load0="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
launch="$self;--unit;$units"
cmake -S "$src" -B "$bt" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_COMPILER_LAUNCHER=$launch" "-DCMAKE_C_COMPILER_LAUNCHER=$launch" \
  "-DCMAKE_CXX_LINKER_LAUNCHER=$launch" "-DCMAKE_C_LINKER_LAUNCHER=$launch" "$@" > "$out/build_time.log" 2>&1
t1=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$bt/build.cpu" cmake --build "$bt" -j"$jobs" >> "$out/build_time.log" 2>&1
t2=$(date +%s.%N)
load1="$(cut -d' ' -f1-3 /proc/loadavg)"
# CPU seconds of the whole build (user + sys of every process it ran). / jobs
# = the wall time on an otherwise idle machine if every core stayed busy (a
# lower bound: the critical path can make it longer).
cpu_s=$(awk '{print $1 + $2}' "$bt/build.cpu")
idle_est=$(echo "$cpu_s / $jobs" | bc -l)
cfg=$(echo "$t1 - $t0" | bc); bld=$(echo "$t2 - $t1" | bc); tot=$(echo "$t2 - $t0" | bc)
# Per unit: CPU (launcher log, output paths made relative to the build tree)
# joined with the wall time from .ninja_log (its last entry per output).
awk -F'\t' -v bt="$bt/" '
  FNR == NR { o = $3; sub("^" bt, "", o); cpu[o] += $1 + $2; next }
  FNR > 1 { wall[$4] = ($2 - $1) / 1000 }
  END { for (o in cpu) printf "%.1f\t%.1f\t%s\n", cpu[o], (o in wall) ? wall[o] : -1, o }' \
  "$units" "$bt/.ninja_log" | sort -t$'\t' -k1,1 -rn > "$out/build_time_units.tsv"
nunits=$(wc -l < "$out/build_time_units.tsv")
units_cpu=$(awk -F'\t' '{s += $1} END {printf "%.0f", s}' "$out/build_time_units.tsv")
cat > "$out/build_time.json" <<J
{"benchmark": "build_time", "configure_seconds": $cfg, "build_seconds": $bld, "total_seconds": $tot,
 "jobs": $jobs, "cpu": "$cpu", "loadavg_before": "$load0", "loadavg_after": "$load1",
 "build_cpu_seconds": $cpu_s, "units_cpu_seconds": $units_cpu, "units": $nunits,
 "idle_machine_estimate_seconds": $idle_est, "target_seconds": 180}
J
{
  echo "## Clean build time"
  echo
  echo "Extra configure arguments: ${*:-none}. ccache disabled."
  echo
  echo "| configure | build -j$jobs | total wall | build CPU (user+sys) | CPU / $jobs cores | target | units | load avg before -> after |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '| %.0f s | %.0f s | %.0f s | %.0f s | %.0f s | <= 180 s | %s | %s -> %s |\n' \
    "$cfg" "$bld" "$tot" "$cpu_s" "$idle_est" "$nunits" "$load0" "$load1"
  echo
  echo "Top 10 units by CPU (compiles and links; wall from .ninja_log, load-dependent):"
  echo
  echo "| CPU s | wall s | unit |"
  echo "|---|---|---|"
  head -n 10 "$out/build_time_units.tsv" | awk -F'\t' '{printf "| %s | %s | `%s` |\n", $1, $2, $3}'
  echo
  echo "CPU by target (top 10):"
  echo
  echo "| CPU s | units | target |"
  echo "|---|---|---|"
  awk -F'\t' '{ t = $3
                 if (match(t, /CMakeFiles\/[^\/]+\.dir/)) t = substr(t, RSTART + 11, RLENGTH - 15)
                 else t = "(link) " t
                 c[t] += $1; n[t]++ }
              END { for (t in c) printf "%.1f\t%d\t%s\n", c[t], n[t], t }' "$out/build_time_units.tsv" |
    sort -t$'\t' -k1,1 -rn | head -n 10 | awk -F'\t' '{printf "| %s | %s | %s |\n", $1, $2, $3}'
  echo
  echo "Machine: $jobs cores, $cpu. The machine was shared (other builds running) unless the load average says otherwise;"
  echo "CPU / $jobs cores is the load-independent estimate of the wall time on an idle machine (lower bound)."
} > "$out/build_time.md"
cat "$out/build_time.md"
