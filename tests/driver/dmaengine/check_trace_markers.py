#!/usr/bin/env python3
"""The named markers a scenario writes into its GTKWave save file sit on the
events they name, in the trace itself:
  check_trace_markers.py SAVE.gtkw TRACE.fst LABEL...
Every LABEL must be a named marker; "DMA IRQ" must sit where the DMA interrupt
line first rises (within the 1 ps per tie GTKWave's distinct-times rule may
add) and "trigger START" (the trigger's entry) at most 100 us before the
trace's trigger probe becomes 0x11 (its return).
Markers must be in time order with A, B, C... names."""
import subprocess
import sys


def read_markers(save):
    star, names = None, {}
    for line in open(save):
        line = line.rstrip('\n')
        if line.startswith('*') and star is None:
            star = line[1:].split()
        elif line.startswith('[markername] '):
            rest = line[len('[markername] '):]
            names[rest[0]] = rest[1:]
    if star is None:
        sys.exit(f'{save}: no "*" line')
    times = [int(t) for t in star[2:]]
    if len(times) != 26:
        sys.exit(f'{save}: {len(times)} named marker times, want 26')
    markers = {}
    for i, t in enumerate(times):
        letter = chr(ord('A') + i)
        if (t >= 0) != (letter in names):
            sys.exit(f'{save}: marker {letter} time {t} without a name, or a name without a time')
        if t >= 0:
            markers[names[letter]] = t
    ordered = [t for t in times if t >= 0]
    if ordered != sorted(ordered) or len(set(ordered)) != len(ordered):
        sys.exit(f'{save}: named marker times not distinct and increasing: {ordered}')
    return markers


def first_changes(fst, signals):
    """First time each TOP-level signal (name -> predicate on its value) holds."""
    vcd = subprocess.run(['fst2vcd', fst], check=True, capture_output=True, text=True).stdout
    ids, depth, found, now = {}, 0, {}, 0
    lines = iter(vcd.splitlines())
    for line in lines:
        w = line.split()
        if not w:
            continue
        if w[0] == '$scope':
            depth += 1
        elif w[0] == '$upscope':
            depth -= 1
        elif w[0] == '$var' and depth == 1 and w[4] in signals:
            ids[w[3]] = w[4]
        elif w[0] == '$enddefinitions':
            break
    for line in lines:
        if line.startswith('#'):
            now = int(line[1:])
            continue
        if line.startswith('b'):
            value, ident = line[1:].split()
            value = int(value.replace('x', '0').replace('z', '0'), 2)
        elif line and line[0] in '01xz':
            value, ident = (1 if line[0] == '1' else 0), line[1:]
        else:
            continue
        name = ids.get(ident)
        if name and name not in found and signals[name](value):
            found[name] = now
            if len(found) == len(signals):
                break
    return found


def main():
    save, fst, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
    markers = read_markers(save)
    missing = [l for l in labels if l not in markers]
    if missing:
        sys.exit(f'{save}: missing named markers {missing}; have {sorted(markers)}')
    seen = first_changes(fst, {'probe_marker': lambda v: v == 0x11, 'irq': lambda v: v == 1})
    for label, signal, lo, hi in (('trigger START', 'probe_marker', -100_000_000, 0), ('DMA IRQ', 'irq', 0, 26)):
        if label not in markers:
            continue
        if signal not in seen:
            sys.exit(f'{fst}: {signal} never shows "{label}"')
        if not lo <= markers[label] - seen[signal] <= hi:
            sys.exit(f'marker "{label}" at {markers[label]} ps, but the trace shows it at {seen[signal]} ps')
    print('named markers ok: ' + ', '.join(f'{l}@{t}' for l, t in sorted(markers.items(), key=lambda x: x[1])))


if __name__ == '__main__':
    main()
