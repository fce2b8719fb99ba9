#!/usr/bin/env bash
# `dmacosim run ... --trace --png` renders the key signals to PNG (the README
# images are made by exactly these commands); each PNG must be a real image of
# sensible size, and --png without --trace is an error.
set -euo pipefail
dmacosim="$1"; out="$2"
rm -rf "$out"
check_png() {
  python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
assert data[12:16] == b'IHDR', 'no IHDR chunk'
w, h = struct.unpack('>II', data[16:24])
assert w > h, f'not landscape: {w}x{h}'
assert 800 <= w <= 4000 and 500 <= h <= 4000 and 10000 < len(data) < 300000, f'implausible PNG {w}x{h} {len(data)} bytes'
print(f'{sys.argv[1]}: PNG ok, {w}x{h}, {len(data)} bytes')
PY
}
# The audio scenario (fixed driver): clean, exit 0.
"$dmacosim" run audio --trace --png --start-stop=2 --quiet --out="$out/audio" > "$out.audio.txt"
check_png "$out/audio/audio.png"
grep -q '"png": ".*/audio.png"' "$out/audio/summary.json"
# The seed bug (2010 driver): flagged, exit 1; the PNG is zoomed on the first
# report and the save file's marker sits on it.
rc=0; "$dmacosim" run audio --driver=legacy-bh --trace --png --quiet --out="$out/seed-bug" > "$out.seed-bug.txt" || rc=$?
[ "$rc" = 1 ] || { echo "legacy-bh run: exit $rc, expected 1"; exit 1; }
check_png "$out/seed-bug/audio.png"
# --png also renders the software timeline (scripts/render_timeline.py).
py=/usr/bin/python3; [ -x "$py" ] || py=python3
"$py" "$(dirname "$0")/check_png_content.py" "$out/seed-bug/audio.timeline.png"
grep -q '"timeline_png": ".*/audio.timeline.png"' "$out/seed-bug/summary.json"
first_ps=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['validator_reports']; print(int(r[0]['time_ns'])*1000)" "$out/seed-bug/summary.json")
grep -q "^\*-22.000000 $first_ps " "$out/seed-bug/audio.gtkw" || { echo "save file marker not at the first report ($first_ps ps)"; exit 1; }
# Named markers: the first trigger, the first report of each rule the run shows.
python3 "$(dirname "$0")/../driver/dmaengine/check_trace_markers.py" "$out/seed-bug/audio.gtkw" "$out/seed-bug/audio.fst" \
  "trigger START" "validator V-BH-1" "validator L-1" "validator L-2" "I2S underrun IRQ"
# The demo renders too.
"$dmacosim" run demo --trace --png --quiet --out="$out/demo" > "$out.demo.txt"
check_png "$out/demo/demo.png"
# --png needs --trace.
if "$dmacosim" run demo --png --quiet > /dev/null 2>&1; then echo "--png without --trace was accepted"; exit 1; fi
echo "check_png: ok"
