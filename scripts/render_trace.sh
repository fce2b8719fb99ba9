#!/usr/bin/env bash
# Render an FST trace with a GTKWave save file to PNG, headless:
#   scripts/render_trace.sh TRACE.fst SAVE.gtkw OUT.png [START END [MARKER]]
# START/END (times in ps): zoom to that window (default: the whole trace);
# MARKER (ps): a "marker" line there (the save file's own markers are drawn too).
# Every row of the save file is drawn (scripts/render_waves.py: matplotlib,
# README width, legible labels); a row whose signal is not in the trace is an
# error. `dmacosim run SCENARIO --trace --png` draws the same way.
set -euo pipefail
if [ $# -ne 3 ] && [ $# -ne 5 ] && [ $# -ne 6 ]; then
  echo "usage: $0 TRACE.fst SAVE.gtkw OUT.png [START_PS END_PS [MARKER_PS]]" >&2; exit 2
fi
fst="$1"; save="$2"; png="$3"; start="${4:-}"; end="${5:-}"; marker="${6:-}"
for t in $start $end $marker; do
  [[ "$t" =~ ^[0-9]+$ ]] || { echo "render_trace: times are integers in ps: '$t'" >&2; exit 2; }
done
for f in "$fst" "$save"; do
  [ -r "$f" ] || { echo "render_trace: cannot read $f" >&2; exit 2; }
done
args=()
[ -n "$start" ] && args+=(--window="$start:$end")
[ -n "$marker" ] && args+=(--marker="$marker")
# Debian's interpreter first: python3-matplotlib installs for it.
py=/usr/bin/python3; [ -x "$py" ] || py=python3
exec "$py" "$(dirname "$0")/render_waves.py" "$fst" "$save" "$png" "${args[@]}"
