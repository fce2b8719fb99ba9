#!/usr/bin/env bash
# `dmacosim run ... --trace --png` renders the key signals to PNG (the README
# images are made by exactly these commands, scripts/render_waves.py): each
# PNG must be a picture a person can read at README width
# (tests/tb/check_png_content.py: size, no blank page or band, no black bars,
# colour), and --png without --trace is an error. The save file written next
# to the trace opens in GTKWave zoomed on the run's interesting part: the
# first validator report, or in a clean run the first START trigger to the
# first period_elapsed (GTKWave itself is asked what it shows).
set -euo pipefail
dmacosim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
py=/usr/bin/python3; [ -x "$py" ] || py=python3  # Debian's interpreter has python3-matplotlib
rm -rf "$out"; mkdir -p "$out"
content() { "$py" "$src/tests/tb/check_png_content.py" "$@"; }
# marker_ps SAVE LABEL: the time of the named marker LABEL in a save file.
marker_ps() {
  python3 - "$1" "$2" <<'PY'
import sys
times, names = [], {}
for line in open(sys.argv[1]):
    if line.startswith("*"):
        times = line[1:].split()[2:]
    elif line.startswith("[markername] "):
        names[line[14:].rstrip("\n")] = ord(line[13]) - ord("A")
print(times[names[sys.argv[2]]])
PY
}
# gtkwave_shows SAVE LO HI MAX_SPAN: GTKWave opens SAVE with LO..HI (ps) in
# view, and shows at most MAX_SPAN ps (zoomed in, not the whole run).
gtkwave_shows() {
  local save="$1" lo="$2" hi="$3" max="$4" win start end
  win=$("$src/tests/tb/gtkwave_window.sh" "$save")
  read -r start end <<< "$win"
  if [ "$start" -gt "$lo" ] || [ "$end" -lt "$hi" ] || [ $((end - start)) -gt "$max" ]; then
    echo "$save opens on $start..$end ps; expected $lo..$hi in view and at most $max ps shown"; exit 1
  fi
  echo "$save: GTKWave opens on $start..$end ps ($lo..$hi in view)"
}
# The audio scenario (fixed driver): clean, exit 0; the picture shows the
# first START to the first period, the whole run below.
"$dmacosim" run audio --trace --png --start-stop=2 --quiet --out="$out/audio" > "$out/audio.txt"
content "$out/audio/audio.png"
grep -q '"png": ".*/audio.png"' "$out/audio/summary.json"
start=$(marker_ps "$out/audio/audio.gtkw" "trigger START"); period=$(marker_ps "$out/audio/audio.gtkw" "period_elapsed")
gtkwave_shows "$out/audio/audio.gtkw" "$start" "$period" $((3 * (period - start)))
# The check fires on a save file that is not zoomed: the template's own view.
sed "s|^\[dumpfile\].*|[dumpfile] \"$out/audio/audio.fst\"|" "$src/waves/audio.gtkw" > "$out/unzoomed.gtkw"
if (gtkwave_shows "$out/unzoomed.gtkw" "$start" "$period" $((3 * (period - start)))) > /dev/null; then
  echo "the zoom check accepted the template's unzoomed view"; exit 1
fi
# The seed bug (2010 driver): flagged, exit 1; the PNG is zoomed on the first
# report and the save file's marker sits on it.
rc=0; "$dmacosim" run audio --driver=legacy-bh --trace --png --quiet --out="$out/seed-bug" > "$out/seed-bug.txt" 2>&1 || rc=$?
[ "$rc" = 1 ] || { echo "legacy-bh run: exit $rc, expected 1"; exit 1; }
content "$out/seed-bug/audio.png"
# --png also renders the software timeline (scripts/render_timeline.py).
content "$out/seed-bug/audio.timeline.png"
grep -q '"timeline_png": ".*/audio.timeline.png"' "$out/seed-bug/summary.json"
first_ps=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['validator_reports']; print(int(r[0]['time_ns'])*1000)" "$out/seed-bug/summary.json")
grep -q "^\*-\?[0-9.]* $first_ps " "$out/seed-bug/audio.gtkw" || { echo "save file marker not at the first report ($first_ps ps)"; exit 1; }
gtkwave_shows "$out/seed-bug/audio.gtkw" "$first_ps" "$first_ps" 1000000000
# Named markers: the first trigger, the first report of each rule the run shows.
python3 "$(dirname "$0")/../driver/dmaengine/check_trace_markers.py" "$out/seed-bug/audio.gtkw" "$out/seed-bug/audio.fst" \
  "trigger START" "validator V-BH-1" "validator L-1" "validator L-2" "I2S underrun IRQ"
# The demo renders too (no trigger: the whole run).
"$dmacosim" run demo --trace --png --quiet --out="$out/demo" > "$out/demo.txt"
content "$out/demo/demo.png"
# --png needs --trace.
if "$dmacosim" run demo --png --quiet > /dev/null 2>&1; then echo "--png without --trace was accepted"; exit 1; fi
echo "check_png: ok"
