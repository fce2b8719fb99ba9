#!/usr/bin/env bash
# `dmacosim run audio --trace` writes the software timeline (audio.trace.json,
# Chrome JSON trace events for Perfetto) beside the FST. The 2010 driver's run
# must pass the format rules and show the seed bug's story; the fixed driver's
# run the same spans and no report; --trace adds nothing to stdout (the same
# lines as without it, apart from wall time and memory) and drops no FST dump.
set -euo pipefail
dmacosim="$1"; src="$2"; out="$3"
checker="$src/tests/tb/check_trace_events.py"
rm -rf "$out"; mkdir -p "$out"
rc=0; "$dmacosim" run audio --driver=legacy-bh --trace --start-stop=2 --quiet --out="$out/seed-bug" \
  > "$out/seed-bug.stdout" 2> "$out/seed-bug.stderr" || rc=$?
[ "$rc" = 1 ] || { echo "legacy-bh run: exit $rc, expected 1"; cat "$out/seed-bug.stdout"; exit 1; }
python3 "$checker" "$out/seed-bug/audio.trace.json" --expect-seed-bug
grep -q '"trace_events": ".*/audio.trace.json"' "$out/seed-bug/summary.json" || { echo "summary.json does not name the trace events"; exit 1; }
"$dmacosim" run audio --trace --start-stop=2 --quiet --out="$out/clean" > "$out/clean.stdout" 2> "$out/clean.stderr"
python3 "$checker" "$out/clean/audio.trace.json" --expect-clean
"$dmacosim" run audio --start-stop=2 --quiet --out="$out/untraced" > "$out/untraced.stdout" 2> /dev/null
cat "$out"/*.stdout "$out"/*.stderr | grep -q "dump call ignored" && { echo "FST dumps dropped ('dump call ignored')"; exit 1; }
strip() { grep -v -e '^  wall time ' -e '^  peak memory ' "$1" | sed "s#$out/[a-z-]*#OUT#g"; }
if ! diff <(strip "$out/untraced.stdout") <(strip "$out/clean.stdout"); then
  echo "--trace changed stdout (above: < without, > with)"; exit 1
fi
echo "check_trace_events: ok"
