#!/usr/bin/env bash
# Peak memory (RSS) of `dmacosim run audio` against simulated time: the same
# workload (10 start/stop cycles, the memcpy client) streaming 1 s and 30 s.
# Prints a Markdown table; exits non-zero if a run is not clean. Not a test
# (it takes ~15 s of wall time); the log is streamed to disk and the debug
# records are not kept in memory (Log::set_keep_level), the codec's frames are.
# usage: bench/rss_vs_sim_time.sh [DMACOSIM] [OUT_DIR]
set -euo pipefail
exe="${1:-build/tb/dmacosim}"; out="${2:-/tmp/dmacosim-rss}"
echo "| simulated seconds | peak RSS (MB) | log lines | wall s |"
echo "|---|---|---|---|"
for s in 1 30; do
  "$exe" run audio --seconds=$s --start-stop=10 --quiet --log-level=debug --out="$out/s$s" > /dev/null
  python3 - "$out/s$s" <<'PY'
import json, sys, os
d = json.load(open(os.path.join(sys.argv[1], 'summary.json')))
lines = sum(1 for _ in open(os.path.join(sys.argv[1], 'dmacosim.log')))
print(f"| {d['sim_seconds']:.1f} | {d['peak_rss_mb']:.1f} | {lines} | {d['wall_seconds']:.1f} |")
PY
done
