#!/usr/bin/env bash
# Clean build of everything on this machine (target: <= 3 minutes on 2 cores).
#   bench/build_time.sh [BUILD_DIR (default /tmp/bt)] [OUT_DIR (default .)]
# Times the configure step (it runs Verilator for every model) and
# `cmake --build -j$(nproc)` separately, with the load average before and after
# (the machine may be shared: say so next to the figure). Default build type
# (RelWithDebInfo), as a developer's first build. Writes OUT_DIR/build_time.{json,md,log}.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
bt="${1:-/tmp/bt}"; out="${2:-.}"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
rm -rf "$bt"
jobs="$(nproc)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
load0="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
cmake -S "$src" -B "$bt" > "$out/build_time.log" 2>&1
t1=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$out/build_time.cpu" cmake --build "$bt" -j"$jobs" >> "$out/build_time.log" 2>&1
t2=$(date +%s.%N)
# CPU seconds of the build (user + sys of all compiler processes): independent
# of other users' load; / jobs = the wall time on an otherwise idle machine
# if the build kept every core busy (a lower bound).
cpu_s=$(awk '{print $1 + $2}' "$out/build_time.cpu"); rm -f "$out/build_time.cpu"
idle_est=$(echo "$cpu_s / $jobs" | bc -l)
load1="$(cut -d' ' -f1-3 /proc/loadavg)"
cfg=$(echo "$t1 - $t0" | bc); bld=$(echo "$t2 - $t1" | bc); tot=$(echo "$t2 - $t0" | bc)
targets=$(grep -c 'Built target' "$out/build_time.log" || true)
cat > "$out/build_time.json" <<J
{"benchmark": "build_time", "configure_seconds": $cfg, "build_seconds": $bld, "total_seconds": $tot,
 "jobs": $jobs, "cpu": "$cpu", "loadavg_before": "$load0", "loadavg_after": "$load1",
 "build_cpu_seconds": $cpu_s, "idle_machine_estimate_seconds": $idle_est,
 "targets_built": $targets, "target_seconds": 180}
J
{
  echo "## Clean build time"
  echo
  echo "| configure | build -j$jobs | total wall | build CPU (user+sys) | CPU / $jobs cores | target | targets built | load avg before -> after |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '| %.0f s | %.0f s | %.0f s | %.0f s | %.0f s | <= 180 s | %s | %s -> %s |\n' "$cfg" "$bld" "$tot" "$cpu_s" "$idle_est" "$targets" "$load0" "$load1"
  echo
  echo "Machine: $jobs cores, $cpu. The machine was shared (other builds running) unless the load average says otherwise;"
  echo "CPU / $jobs cores is the load-independent estimate of the wall time on an idle machine (lower bound)."
} > "$out/build_time.md"
cat "$out/build_time.md"
