#!/usr/bin/env bash
# Render an FST trace with a GTKWave save file to PNG, headless:
#   scripts/render_trace.sh TRACE.fst SAVE.gtkw OUT.png [START END [MARKER]]
# START/END (times in ps): zoom to that window (default: the whole trace);
# MARKER (ps): put GTKWave's primary marker there. Landscape, right side up.
# (xvfb-run + gtkwave print to PostScript via a Tcl script, ghostscript to PNG.)
# `dmacosim run SCENARIO --trace --png` calls this with waves/png/<name>.gtkw.
set -euo pipefail
if [ $# -ne 3 ] && [ $# -ne 5 ] && [ $# -ne 6 ]; then
  echo "usage: $0 TRACE.fst SAVE.gtkw OUT.png [START_PS END_PS [MARKER_PS]]" >&2; exit 2
fi
fst="$1"; save="$2"; png="$3"; start="${4:-}"; end="${5:-}"; marker="${6:-}"
for t in $start $end $marker; do
  [[ "$t" =~ ^[0-9]+$ ]] || { echo "render_trace: times are integers in ps: '$t'" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fst_abs=$(cd "$(dirname "$fst")" && pwd)/$(basename "$fst")
# Translate filter files (^1 waves/filters/...) are named from the repository root.
repo=$(cd "$(dirname "$0")/.." && pwd)
sed -e "s|^\[dumpfile\].*|[dumpfile] \"$fst_abs\"|" -e "s|^\^1 waves/|^1 $repo/waves/|" "$save" > "$tmp/view.gtkw"
{
  if [ -n "$start" ]; then
    # The FST time unit is 1 ps (Verilator's default precision).
    echo "gtkwave::setZoomRangeTimes $start $end"
  else
    echo "gtkwave::/Time/Zoom/Zoom_Best_Fit"
  fi
  [ -n "$marker" ] && echo "gtkwave::setMarker $marker"
  echo "gtkwave::/File/Print_To_File PS {Letter (8.5\" x 11\")} Minimal $tmp/wave.ps"
  echo "gtkwave::/File/Quit"
} > "$tmp/print.tcl"
timeout 120 xvfb-run -a -s "-screen 0 1600x1000x24" gtkwave -S "$tmp/print.tcl" "$tmp/view.gtkw" > "$tmp/gtkwave.log" 2>&1 || {
  cat "$tmp/gtkwave.log" >&2; echo "render_trace: gtkwave failed" >&2; exit 1; }
[ -s "$tmp/wave.ps" ] || { cat "$tmp/gtkwave.log" >&2; echo "render_trace: gtkwave printed nothing" >&2; exit 1; }
# GTKWave prints a landscape page rotated onto portrait paper; Orientation 3
# turns it back so the text reads left to right.
gs -q -dSAFER -dNOPAUSE -dBATCH -sDEVICE=png16m -r110 -dTextAlphaBits=4 -dGraphicsAlphaBits=4 \
   -dAutoRotatePages=/None -sOutputFile="$png" -c "<</Orientation 3>> setpagedevice" -f "$tmp/wave.ps"
echo "render_trace: $png"
