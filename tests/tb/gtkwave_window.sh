#!/usr/bin/env bash
# Opens a GTKWave save file headless (xvfb) and prints the time window GTKWave
# shows, "START_PS END_PS"; exit 1 if GTKWave did not open it.
#   tests/tb/gtkwave_window.sh SAVE.gtkw
set -euo pipefail
save="$1"
tcl=$(mktemp --suffix=.tcl)
trap 'rm -f "$tcl"' EXIT
printf 'puts "WINDOW [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime]"\ngtkwave::/File/Quit\n' > "$tcl"
# A screen larger than the save file's [size], so the window is not clipped.
win=$(timeout 120 xvfb-run -a -s "-screen 0 1900x1200x24" gtkwave -S "$tcl" "$save" 2>&1 | grep '^WINDOW ' || true)
[ -n "$win" ] || { echo "gtkwave did not open $save" >&2; exit 1; }
echo "${win#WINDOW }"
