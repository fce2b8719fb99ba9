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
# The ftrace-text export of the same run (scripts/trace_to_ftrace.py).
python3 "$src/scripts/trace_to_ftrace.py" "$out/seed-bug/audio.trace.json" "$out/seed-bug/audio.ftrace.txt"
python3 "$src/tests/tb/check_ftrace_text.py" "$out/seed-bug/audio.ftrace.txt" --expect-seed-bug
grep -q '"trace_events": ".*/audio.trace.json"' "$out/seed-bug/summary.json" || { echo "summary.json does not name the trace events"; exit 1; }
# The save file's translate filters (PCM trigger names, CPU contexts, DMA
# channel states) are absolute in the copy next to the trace and exist.
filters=$(grep '^\^1 ' "$out/seed-bug/audio.gtkw" | cut -d' ' -f2-)
[ "$(echo "$filters" | grep -c .)" -ge 3 ] || { echo "the save file has no translate filters"; exit 1; }
for f in $filters; do
  case "$f" in /*) [ -s "$f" ] || { echo "filter file missing: $f"; exit 1; } ;; *) echo "filter path not absolute: $f"; exit 1 ;; esac
done
grep -q '^11 START$' "$src/waves/filters/trigger.gtkwf"
"$dmacosim" run audio --trace --start-stop=2 --quiet --out="$out/clean" > "$out/clean.stdout" 2> "$out/clean.stderr"
python3 "$checker" "$out/clean/audio.trace.json" --expect-clean
"$dmacosim" run audio --start-stop=2 --quiet --out="$out/untraced" > "$out/untraced.stdout" 2> /dev/null
cat "$out"/*.stdout "$out"/*.stderr | grep -q "dump call ignored" && { echo "FST dumps dropped ('dump call ignored')"; exit 1; }
strip() { grep -v -e '^  wall time ' -e '^  peak memory ' "$1" | sed "s#$out/[a-z-]*#OUT#g"; }
if ! diff <(strip "$out/untraced.stdout") <(strip "$out/clean.stdout"); then
  echo "--trace changed stdout (above: < without, > with)"; exit 1
fi
# --trace-window=20ms:21ms --trace-format=vcd: both files hold only that
# window (the FST converted to VCD: its first and last time stamps, in ps).
"$dmacosim" run audio --trace --trace-window=20ms:21ms --trace-format=vcd --start-stop=2 --quiet --out="$out/window" \
  > "$out/window.stdout" 2>&1 || { cat "$out/window.stdout"; exit 1; }
python3 "$checker" "$out/window/audio.trace.json" --window 20000:21000
[ -s "$out/window/audio.vcd" ] || { echo "--trace-format=vcd wrote no audio.vcd"; exit 1; }
first=$(grep -m1 '^#[0-9]' "$out/window/audio.vcd" | tr -d '#'); last=$(grep '^#[0-9]' "$out/window/audio.vcd" | tail -1 | tr -d '#')
[ "$first" -ge 20000000000 ] && [ "$last" -le 21000000000 ] || { echo "VCD spans $first..$last ps, not 20..21 ms"; exit 1; }
# The timeline picture of the seed-bug run (scripts/render_timeline.py), as
# the README shows it: legible size, not blank, drawn in colour.
py=/usr/bin/python3; [ -x "$py" ] || py=python3  # Debian's interpreter has python3-matplotlib
"$py" "$src/scripts/render_timeline.py" "$out/seed-bug/audio.trace.json" "$out/seed-bug/timeline.png"
"$py" "$src/tests/tb/check_png_content.py" "$out/seed-bug/timeline.png"
echo "check_trace_events: ok"
