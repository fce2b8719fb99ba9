#!/usr/bin/env bash
# `dmacosim run audio --trace` writes an FST and waves/audio.gtkw (dump file
# filled in) that GTKWave opens headless and renders; the PNG must be a real
# image of sensible size. No dump is dropped: Verilator says
# "dump call ignored" for a second dump at one time (its changes would be lost).
set -euo pipefail
dmacosim="$1"; src="$2"; out="$3"
rm -rf "$out"
mkdir -p "$(dirname "$out")"  # "$out.stdout" sits beside the run directory
"$dmacosim" run audio --trace --start-stop=2 --quiet --out="$out" > "$out.stdout" 2>&1 || { cat "$out.stdout"; exit 1; }
if grep -q "dump call ignored" "$out.stdout"; then
  echo "FST dumps dropped: $(grep -c 'dump call ignored' "$out.stdout") x 'dump call ignored'"; exit 1
fi
[ -s "$out/audio.fst" ] || { echo "no FST written"; exit 1; }
[ -s "$out/audio.gtkw" ] || { echo "no save file written"; exit 1; }
grep -q '^\[dumpfile\] ".*/audio.fst"$' "$out/audio.gtkw" || { echo "save file does not name the trace"; exit 1; }
python3 "$src/tests/driver/dmaengine/check_trace_markers.py" "$out/audio.gtkw" "$out/audio.fst" \
  "trigger START" "trigger STOP" "first sample" "DMA IRQ" "period_elapsed"
# GTKWave opens the save file headless (it names the window it shows), and
# scripts/render_trace.sh draws every row of it.
"$src/tests/tb/gtkwave_window.sh" "$out/audio.gtkw"
"$src/scripts/render_trace.sh" "$out/audio.fst" "$out/audio.gtkw" "$out/audio.png"
python3 - "$out/audio.png" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
w, h = struct.unpack('>II', data[16:24])
assert w >= 400 and h >= 400 and len(data) > 5000, f'implausible PNG {w}x{h} {len(data)} bytes'
print(f'PNG ok: {w}x{h}, {len(data)} bytes')
PY
