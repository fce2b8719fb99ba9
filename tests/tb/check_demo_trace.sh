#!/usr/bin/env bash
# `dmacosim run demo --trace` writes an FST and a save file that GTKWave opens
# headless and renders; the PNG must be a real image of sensible size.
set -euo pipefail
dmacosim="$1"; src="$2"; out="$3"
rm -rf "$out"
"$dmacosim" run demo --trace --quiet --out="$out"
[ -s "$out/demo.fst" ] || { echo "no FST written"; exit 1; }
[ -s "$out/platform.gtkw" ] || { echo "no save file written"; exit 1; }
grep -q '^\[dumpfile\] ".*/demo.fst"$' "$out/platform.gtkw" || { echo "save file does not name the trace"; exit 1; }
"$src/scripts/render_trace.sh" "$out/demo.fst" "$out/platform.gtkw" "$out/demo.png"
python3 - "$out/demo.png" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
w, h = struct.unpack('>II', data[16:24])
assert w >= 400 and h >= 400 and len(data) > 5000, f'implausible PNG {w}x{h} {len(data)} bytes'
print(f'PNG ok: {w}x{h}, {len(data)} bytes')
PY
