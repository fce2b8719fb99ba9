#!/usr/bin/env bash
# Peak memory (RSS) of `dmacosim run audio` against simulated time: the same
# workload (10 start/stop cycles, the memcpy client) streaming 1 s and 30 s.
# Prints a Markdown table; exits non-zero if a run is not clean or if the
# 30 s run's peak RSS exceeds the 1 s run's by more than MAX_GROWTH_MB
# (default 5): nothing may grow with simulated time. The codec's frames are
# checked and written to the WAV as they play, the log streams to its file
# and only its warnings and errors stay in memory (capped). Not a test (it
# takes ~40 s of wall time: 36 s for the 30 s run on a loaded machine).
# usage: bench/rss_vs_sim_time.sh [DMACOSIM] [OUT_DIR] [MAX_GROWTH_MB]
set -euo pipefail
exe="${1:-build/tb/dmacosim}"; out="${2:-/tmp/dmacosim-rss}"; max_growth="${3:-5}"
echo "| simulated seconds | peak RSS (MB) | log lines | WAV (MB) | wall s |"
echo "|---|---|---|---|---|"
for s in 1 30; do
  "$exe" run audio --seconds=$s --start-stop=10 --quiet --log-level=debug --out="$out/s$s" > /dev/null
  python3 - "$out/s$s" <<'PY'
import json, sys, os
d = json.load(open(os.path.join(sys.argv[1], 'summary.json')))
lines = sum(1 for _ in open(os.path.join(sys.argv[1], 'dmacosim.log')))
wav = os.path.getsize(os.path.join(sys.argv[1], 'audio.wav')) / 2**20
print(f"| {d['sim_seconds']:.1f} | {d['peak_rss_mb']:.1f} | {lines} | {wav:.1f} | {d['wall_seconds']:.1f} |")
PY
done
python3 - "$out/s1" "$out/s30" "$max_growth" <<'PY'
import json, sys
rss = [json.load(open(f"{d}/summary.json"))['peak_rss_mb'] for d in sys.argv[1:3]]
growth = rss[1] - rss[0]
print(f"\npeak RSS growth from 1 s to 30 s simulated: {growth:+.1f} MB (bound {sys.argv[3]} MB)")
sys.exit(0 if growth <= float(sys.argv[3]) else 1)
PY
