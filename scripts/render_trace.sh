#!/usr/bin/env bash
# Render an FST trace with a GTKWave save file to PNG, headless:
#   scripts/render_trace.sh TRACE.fst SAVE.gtkw OUT.png
# (xvfb-run + gtkwave print to PostScript, ghostscript to PNG.)
set -euo pipefail
fst="$1"; save="$2"; png="$3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fst_abs=$(cd "$(dirname "$fst")" && pwd)/$(basename "$fst")
sed "s|^\[dumpfile\].*|[dumpfile] \"$fst_abs\"|" "$save" > "$tmp/view.gtkw"
cat > "$tmp/print.tcl" <<TCL
gtkwave::/Time/Zoom/Zoom_Best_Fit
gtkwave::/File/Print_To_File PS {Letter (8.5" x 11")} Full $tmp/wave.ps
gtkwave::/File/Quit
TCL
timeout 120 xvfb-run -a gtkwave -S "$tmp/print.tcl" "$tmp/view.gtkw" > "$tmp/gtkwave.log" 2>&1 || {
  cat "$tmp/gtkwave.log" >&2; echo "render_trace: gtkwave failed" >&2; exit 1; }
[ -s "$tmp/wave.ps" ] || { cat "$tmp/gtkwave.log" >&2; echo "render_trace: gtkwave printed nothing" >&2; exit 1; }
gs -q -dSAFER -dNOPAUSE -dBATCH -sDEVICE=png16m -r100 -dAutoRotatePages=/None -sOutputFile="$png" "$tmp/wave.ps"
echo "render_trace: $png"
