#!/usr/bin/env bash
# Idle-cycle skipping must be cycle-exact: run a scenario with skipping on and
# with --no-idle-skip and require identical results. Compared: the exit code,
# every summary.json field except wall-clock time and output paths (for demo:
# bytes, bit_exact, copy_ns = doorbell -> completion interrupt time, interrupts,
# sim_seconds, cycles, failures; for audio: frames, underruns, IRQ counts,
# trigger / IRQ latency distributions, cycles, ...), and every output data file
# both runs wrote (e.g. the audio WAV = the samples that reached the codec).
# Not timed: the speed comparison lives in bench/ (bench/idle_skip.sh).
# usage: check_idle_skip_equal.sh DMACOSIM SCENARIO OUTDIR [extra dmacosim options]
set -euo pipefail
dmacosim="$1"; scenario="$2"; out="$3"; shift 3
rm -rf "$out"
set +e
"$dmacosim" run "$scenario" --quiet --out="$out/skip" "$@" > /dev/null 2>&1; rc_skip=$?
"$dmacosim" run "$scenario" --quiet --no-idle-skip --out="$out/noskip" "$@" > /dev/null 2>&1; rc_noskip=$?
set -e
[ "$rc_skip" = "$rc_noskip" ] || { echo "exit codes differ: skip $rc_skip, no-skip $rc_noskip"; exit 1; }
python3 - "$out/skip" "$out/noskip" <<'PY'
import json, os, sys
a_dir, b_dir = sys.argv[1], sys.argv[2]
a = json.load(open(os.path.join(a_dir, 'summary.json')))
b = json.load(open(os.path.join(b_dir, 'summary.json')))
ignore = {'wall_seconds', 'peak_rss_mb', 'wav', 'fst', 'log', 'out_dir',
          'command_line', 'options', 'start_time', 'end_time'}  # the run's own record, not its result
bad = []
for k in sorted(set(a) | set(b)):
    if k in ignore or 'wall' in k:
        continue
    if a.get(k) != b.get(k):
        bad.append(f'{k}: skip={a.get(k)!r} no-skip={b.get(k)!r}')
# Output data files written by both runs (WAV etc.; the log carries wall times).
for f in sorted(set(os.listdir(a_dir)) & set(os.listdir(b_dir))):
    if f in ('summary.json', 'dmacosim.log') or f.endswith('.fst'):
        continue
    if open(os.path.join(a_dir, f), 'rb').read() != open(os.path.join(b_dir, f), 'rb').read():
        bad.append(f'{f}: contents differ')
if bad:
    print('idle skipping changed the result:\n  ' + '\n  '.join(bad))
    sys.exit(1)
compared = [k for k in a if k not in ignore and 'wall' not in k]
print(f'identical with and without idle skipping ({len(compared)} summary fields: {", ".join(compared)})')
PY
