#!/usr/bin/env bash
# `dmacosim run demo --trace` writes an FST and a save file that GTKWave opens;
# scripts/render_trace.sh draws every row of it (not one page of them) into a
# picture, and a row whose signal is not in the trace is a clear error.
set -euo pipefail
dmacosim="$1"; src="$2"; out="$3"
rm -rf "$out"
"$dmacosim" run demo --trace --quiet --out="$out"
[ -s "$out/demo.fst" ] || { echo "no FST written"; exit 1; }
[ -s "$out/platform.gtkw" ] || { echo "no save file written"; exit 1; }
grep -q '^\[dumpfile\] ".*/demo.fst"$' "$out/platform.gtkw" || { echo "save file does not name the trace"; exit 1; }
# GTKWave opens it (headless): it names the window it shows.
"$src/tests/tb/gtkwave_window.sh" "$out/platform.gtkw"
rows=$(grep -c -v -e '^[][@*^#-]' -e '^$' "$out/platform.gtkw")  # the signal rows
said=$("$src/scripts/render_trace.sh" "$out/demo.fst" "$out/platform.gtkw" "$out/demo.png")
echo "$said"
echo "$said" | grep -q ": $rows signal rows," || { echo "not all $rows rows of the save file were drawn"; exit 1; }
python3 - "$out/demo.png" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
w, h = struct.unpack('>II', data[16:24])
assert w >= 1000 and h >= 24 * 60 and len(data) > 5000, f'implausible PNG {w}x{h} {len(data)} bytes'
print(f'PNG ok: {w}x{h}, {len(data)} bytes')
PY
# A save file naming a signal the trace does not hold: exit 1, the name said.
sed 's/TOP\.probe_intc_irq$/TOP.no_such_signal/' "$out/platform.gtkw" > "$out/bad.gtkw"
rc=0; msg=$("$src/scripts/render_trace.sh" "$out/demo.fst" "$out/bad.gtkw" "$out/bad.png" 2>&1) || rc=$?
[ "$rc" = 1 ] && echo "$msg" | grep -q "not in the trace: TOP.no_such_signal" || {
  echo "a missing signal gave exit $rc: $msg"; exit 1; }
[ ! -e "$out/bad.png" ] || { echo "a picture was written for a bad save file"; exit 1; }
echo "check_demo_trace: ok"
