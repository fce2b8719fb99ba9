#!/usr/bin/env python3
"""Renders the signals of a GTKWave save file from an FST trace to a PNG
readable at README width (our own drawing with matplotlib, not GTKWave's
letter-page print: legible fonts, no blank page, a time axis in us/ms, marker
labels that do not overlap, every row of the save file).

usage: render_waves.py TRACE.fst SAVE.gtkw OUT.png [--window START_PS:END_PS]
                       [--events TRACE.json] [--title TEXT] [--caption TEXT]
                       [--marker PS [--marker-label TEXT]]

Top: the save file's rows (comment rows and groups as section headings, the
aliases as labels, translate filters applied, GTKWave's named markers and
--marker as labelled lines, stacked so that no label covers another) over
the window (default: the whole trace). One-bit signals that toggle faster
than a pixel are drawn as their duty (fraction of the pixel's time they are
high; a pulse shorter than a pixel as a third of the row), not as black
bars; bus values that change faster than two pixels as a grey band; values
narrower than their label are left unlabelled. Bottom, when the window is
shorter than the trace: the whole run, the rows flagged analog in the save
file (e.g. the audio FIFO level, min..max per pixel) and, from --events (the
run's trace.json), ALSA's hw_ptr and appl_ptr, with the window shaded.
With --events, the first validator report inside the window is also quoted
above the picture (its sentence and context chain).

The FST is read through GTKWave's fst2vcd. A row whose signal is not in the
trace, a save file without rows, or a window outside the trace is an error
(exit 1, the reason on stderr); nothing is silently dropped.
"""
import argparse
import json
import os
import subprocess
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.lines  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

# GTKWave's trace flags (the @ lines of a save file, hexadecimal).
TR_HEX, TR_DEC, TR_BIN, TR_OCT = 0x2, 0x4, 0x8, 0x10
TR_BLANK, TR_SIGNED, TR_ASCII = 0x200, 0x400, 0x800
TR_FTRANSLATED, TR_ANALOG_STEP, TR_ANALOG_INTERP = 0x2000, 0x8000, 0x10000
TR_GRP_BEGIN, TR_GRP_END = 0x800000, 0x1000000

WIDTH_PX, DPI = 1300, 100
ROW_PX, HEAD_PX = 24, 20
VALUE_COLOURS = {  # translated values people look for, by name
    "IDLE": "#e6e6e6", "ACTIVE": "#a9c6e3", "PAUSED": "#f2d88a", "ERROR": "#f0aaa3",
    "process": "#a9c6e3", "softirq": "#a8dbb9", "hardirq": "#f0aaa3", "idle": "#e6e6e6",
    "START": "#a8dbb9", "STOP": "#f0aaa3", "PAUSE_PUSH": "#f2d88a", "PAUSE_RELEASE": "#d6e8a0",
    "SUSPEND": "#d7c8e8", "RESUME": "#c8e0e8",
}
BUS_COLOUR = "#dfe9f3"
WAVE_COLOUR = "#1f5fa0"
MARKER_COLOUR = "#555555"
REPORT_COLOUR = "#c0392b"


class RenderError(Exception):
    pass


def parse_save(path):
    """The rows of a save file (sections and signals, with their filters) and
    its named markers (time, label)."""
    rows, flags, filt, named, names = [], 0, None, [], {}
    base = os.path.dirname(os.path.abspath(path))
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("@"):
                flags = int(line[1:], 16)
                filt = None
            elif line.startswith("^1 "):
                p = line[3:].strip()
                if not os.path.isabs(p):
                    # Filters are named from the repository root (waves/filters/...).
                    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
                    p = os.path.join(repo, p) if os.path.exists(os.path.join(repo, p)) else os.path.join(base, p)
                filt = load_filter(p)
            elif line.startswith("-"):
                if flags & TR_GRP_END:
                    continue
                if line[1:].strip():
                    rows.append({"kind": "section", "label": line[1:].strip()})
            elif line.strip() and line[0] not in "[@*^#-":
                # A signal row: "+{alias} TOP.a.b[3:0]" or the bare name.
                if line.startswith("+{"):
                    alias, name = line[2:].split("} ", 1)
                else:
                    alias, name = line.strip(), line.strip()
                rows.append({"kind": "signal", "label": alias, "name": name.strip(), "flags": flags,
                             "filter": filt})
            elif line.startswith("*"):
                fields = line[1:].split()
                named = [int(x) for x in fields[2:28]]
            elif line.startswith("[markername] "):
                names[line[13]] = line[14:]
    marks = [(t, names.get(chr(ord("A") + i), chr(ord("A") + i))) for i, t in enumerate(named) if t >= 0]
    if not any(r["kind"] == "signal" for r in rows):
        raise RenderError(f"{path}: no signal rows")
    return rows, marks


def load_filter(path):
    table = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.strip().split(None, 1)
                if len(parts) == 2:
                    table[parts[0].upper()] = parts[1]
    except OSError as e:
        raise RenderError(f"translate filter {path}: {e.strerror}")
    return table


def vcd_key(name):
    """TOP.a.b[3:0] and TOP.a.b name the same row; g_ch[0] scopes keep their index."""
    return name.replace(" ", "")


def read_vcd(fst, wanted):
    """{name: (times_ps, values)} for the wanted signal names, via fst2vcd."""
    try:
        proc = subprocess.Popen(["fst2vcd", "-f", fst], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                bufsize=1 << 20)
    except FileNotFoundError:
        raise RenderError("fst2vcd not found (Debian package gtkwave)")
    scope, ids, width, unit_ps = [], {}, {}, 1
    data = {}
    t, t_first = 0, None
    header = True
    timescale, in_timescale = [], False
    want = {vcd_key(w): w for w in wanted}
    for line in proc.stdout:
        if header:
            tok = line.split()
            if not tok:
                continue
            if tok[0] == "$scope":
                scope.append(tok[2])
            elif tok[0] == "$upscope":
                scope.pop()
            elif tok[0] == "$var":
                code, ref = tok[3], tok[4]
                rng = tok[5] if len(tok) > 6 and tok[5].startswith("[") else ""
                full = ".".join(scope + [ref])
                for key in (vcd_key(full + rng), vcd_key(full)):
                    if key in want:
                        ids.setdefault(code, []).append(want[key])
                        width[want[key]] = int(tok[2])
                        data[want[key]] = ([], [])
                        break
            elif tok[0] == "$timescale" or in_timescale:
                # "$timescale 1ps $end", or the same over three lines (fst2vcd).
                timescale += [x for x in tok if x not in ("$timescale", "$end")]
                in_timescale = "$end" not in tok
                if not in_timescale:
                    spec = "".join(timescale)
                    num = "".join(c for c in spec if c.isdigit()) or "1"
                    units = {"s": 10**12, "ms": 10**9, "us": 10**6, "ns": 1000, "ps": 1}
                    if spec[len(num):] not in units:
                        raise RenderError(f"{fst}: timescale '{spec}' (expected 1ps .. 1s)")
                    unit_ps = int(num) * units[spec[len(num):]]
            elif tok[0] == "$enddefinitions":
                header = False
            continue
        c = line[0]
        if c == "#":
            t = int(line[1:]) * unit_ps
            t_first = t if t_first is None else t_first
            continue
        if c in "bBrR":
            val, code = line[1:].split()
        elif c in "01xzXZ":
            val, code = c, line[1:].strip()
        else:
            continue
        for name in ids.get(code, ()):
            ts, vs = data[name]
            if ts and ts[-1] == t:
                vs[-1] = val
            else:
                ts.append(t)
                vs.append(val)
    proc.wait()
    if proc.returncode != 0:
        raise RenderError(f"fst2vcd {fst} failed: {proc.stderr.read().strip()}")
    missing = [w for w in wanted if w not in data]
    if missing:
        raise RenderError(f"{fst}: not in the trace: {', '.join(missing)}")
    return data, width, t_first or 0, t


def to_int(v):
    try:
        return int(v, 2)
    except ValueError:
        return None


def fmt_value(raw, width, flags, filt):
    x = to_int(raw)
    if x is None:
        return raw.upper()
    if flags & TR_ASCII:
        s = "".join(chr(b) for b in x.to_bytes((width + 7) // 8, "big") if 32 <= b < 127)
        return s
    if flags & TR_DEC:
        if flags & TR_SIGNED and x >> (width - 1):
            x -= 1 << width
        s = str(x)
    elif flags & TR_BIN:
        s = format(x, f"0{width}b")
    elif flags & TR_OCT:
        s = format(x, "o")
    else:
        s = format(x, f"0{(width + 3) // 4}X")
    if filt is not None:
        return filt.get(s.upper(), s)
    return s


def time_unit(span_ps):
    for unit, scale in (("s", 1e12), ("ms", 1e9), ("µs", 1e6), ("ns", 1e3)):
        if span_ps >= 2 * scale:
            return unit, scale
    return "ps", 1.0


def duty_bins(ts, vs, lo, hi, n):
    """Fraction of each of n equal bins of [lo, hi] the 1-bit signal is 1."""
    edges = np.linspace(lo, hi, n + 1)
    t = np.asarray(ts, dtype=float)
    v = np.array([1.0 if x == "1" else 0.0 for x in vs])
    # Integral of the step function up to each edge.
    idx = np.searchsorted(t, edges, side="right") - 1
    seg = np.diff(t, append=max(hi, t[-1]))
    cum = np.concatenate([[0.0], np.cumsum(v * seg)])
    at = np.where(idx >= 0, cum[np.clip(idx, 0, None)] + v[np.clip(idx, 0, None)] * (edges - t[np.clip(idx, 0, None)]),
                  0.0)
    return edges, np.diff(at) / np.diff(edges)


def segments(ts, vs, lo, hi):
    """(start, end, raw value) of each value held inside [lo, hi]."""
    out = []
    i = max(0, int(np.searchsorted(np.asarray(ts), lo, side="right")) - 1)
    while i < len(ts) and ts[i] < hi:
        s = max(ts[i], lo)
        e = min(ts[i + 1], hi) if i + 1 < len(ts) else hi
        if e > s:
            out.append((s, e, vs[i]))
        i += 1
    return out


def draw_rows(ax, rows, data, width, lo, hi, px):
    """The save file's rows, top to bottom; returns the y of each row."""
    y = 0.0
    ylabels = []
    per_px = (hi - lo) / px
    for r in rows:
        if r["kind"] == "section":
            h = HEAD_PX / ROW_PX
            ax.axhspan(-(y + h), -y, color="#f0f0f0", lw=0)
            ax.text(lo + per_px * 4, -(y + h / 2), r["label"], va="center", ha="left", fontsize=10,
                    fontweight="bold", color="#333333")
            y += h
            continue
        name, flags, filt = r["name"], r["flags"], r["filter"]
        ts, vs = data[name]
        top, bot = -(y + 0.15), -(y + 0.85)
        ylabels.append((-(y + 0.5), r["label"]))
        if not ts:
            y += 1
            continue
        if flags & (TR_ANALOG_STEP | TR_ANALOG_INTERP):
            segs = segments(ts, vs, lo, hi)
            vals = [to_int(v) or 0 for _, _, v in segs]
            vmax = max(max(vals, default=1), 1)
            xs = [s for s, _, _ in segs] + [hi]
            yv = [bot + (top - bot) * v / vmax for v in vals]
            ax.step(xs, yv + yv[-1:], where="post", color=WAVE_COLOUR, lw=1.2)
            ax.text(hi, top, f" max {vmax}", fontsize=8, va="top", ha="left", color="#555555", clip_on=False)
        elif width[name] == 1:
            edges, duty = duty_bins(ts, vs, lo, hi, int(px))
            # A pulse shorter than a pixel still shows, as a third of the row.
            duty = np.where(duty > 0, np.maximum(duty, 0.35), 0.0)
            yv = bot + (top - bot) * duty
            ax.fill_between(edges[:-1], bot, yv, step="post", color="#a9c6e3", lw=0)
            ax.step(edges[:-1], yv, where="post", color=WAVE_COLOUR, lw=1.0)
        else:
            segs = segments(ts, vs, lo, hi)
            busy_from = None
            for s, e, v in segs:
                if (e - s) < 2 * per_px:
                    # Changes faster than two pixels: one grey "busy" band.
                    busy_from = s if busy_from is None else busy_from
                    continue
                if busy_from is not None:
                    ax.fill_between([busy_from, s], bot, top, color="#bbbbbb", lw=0)
                    busy_from = None
                label = fmt_value(v, width[name], flags, filt)
                colour = VALUE_COLOURS.get(label, BUS_COLOUR)
                if label in ("", "-", "0") and colour == BUS_COLOUR:
                    colour = "#f7f7f7"
                ax.fill_between([s, e], bot, top, color=colour, lw=0)
                ax.plot([s, s], [bot, top], color="#777777", lw=0.6)
                if (e - s) / per_px > 7.5 * len(label) + 6:
                    ax.text(s + 3 * per_px, (top + bot) / 2, label, fontsize=9, va="center", ha="left",
                            clip_on=True)
            if busy_from is not None:
                ax.fill_between([busy_from, hi], bot, top, color="#bbbbbb", lw=0)
        y += 1
    return y, ylabels


def place_labels(marks, lo, hi, px, char_px=7.0):
    """Marker labels on stacked lines so that none overlaps another: (t, label, level)."""
    placed, ends = [], []
    for t, label in sorted(marks):
        x = (t - lo) / (hi - lo) * px
        w = char_px * len(label) + 8
        level = 0
        while level < len(ends) and ends[level] > x:
            level += 1
        if level == len(ends):
            ends.append(0)
        ends[level] = x + w
        placed.append((t, label, level))
    return placed, len(ends)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fst")
    ap.add_argument("save")
    ap.add_argument("png")
    ap.add_argument("--window", help="START_PS:END_PS")
    ap.add_argument("--events", help="the run's trace.json (hw_ptr, appl_ptr for the overview)")
    ap.add_argument("--marker", type=int, help="a marker line at this time (ps)")
    ap.add_argument("--marker-label", default="marker")
    ap.add_argument("--caption", default="", help="what the window shows (above it)")
    ap.add_argument("--title", default="")
    a = ap.parse_args()
    try:
        n, lo, hi = render(a)
    except RenderError as e:
        print(f"render_waves: {e}", file=sys.stderr)
        sys.exit(1)
    except OSError as e:
        print(f"render_waves: {e.filename}: {e.strerror}", file=sys.stderr)
        sys.exit(1)
    print(f"render_waves: {a.png}: {n} signal rows, {lo}..{hi} ps")


def first_report(path):
    """The first validator report of a trace.json, in words: (ts_ps, text)."""
    with open(path) as f:
        doc = json.load(f)
    for e in doc["traceEvents"]:
        if e.get("ph") == "i" and e.get("cat") == "validator":
            args = e.get("args", {})
            lines = args.get("report", "").split("\n")
            # The splat's own sentence ("dmacosim: spin_unlock_bh() of ... with
            # IRQs disabled: in_hardirq() ...") without the counters, else its headline.
            said = next((x[len("dmacosim: "):].split(": in_hardirq()")[0] for x in lines
                         if x.startswith("dmacosim: ")), args.get("headline", ""))
            chain = next((x[len("dmacosim context chain: "):] for x in lines
                          if x.startswith("dmacosim context chain: ")), args.get("context", ""))
            text = f"{e['name']}: {said}" + (f" in {chain}" if chain else "")
            return round(e["ts"] * 1e6), textwrap.fill(text, 150, subsequent_indent="    ")
    return None


def pointer_counters(path):
    with open(path) as f:
        doc = json.load(f)
    out = {}
    for e in doc["traceEvents"]:
        if e.get("ph") == "C" and (e["name"].endswith(" hw_ptr") or e["name"].endswith(" appl_ptr")):
            key = e["name"].rsplit(" ", 1)[1]
            out.setdefault(key, []).append((e["ts"] * 1e6, list(e["args"].values())[0]))  # us -> ps
    return out


def render(a):
    rows, marks = parse_save(a.save)
    wanted = sorted({r["name"] for r in rows if r["kind"] == "signal"})
    data, width, t_first, t_end = read_vcd(a.fst, wanted)
    t_end = max([t_end] + [ts[-1] for ts, _ in data.values() if ts])
    # The whole trace: from its first dump (later than 0 with --trace-window).
    lo, hi = t_first, max(t_end, t_first + 1)
    if a.window:
        try:
            lo, hi = (int(x) for x in a.window.split(":"))
        except ValueError:
            raise RenderError(f"--window={a.window}: expected START_PS:END_PS (whole numbers)")
        if not (0 <= lo < hi) or lo > t_end or hi < t_first:
            raise RenderError(f"--window={a.window}: not a window inside the trace ({t_first}..{t_end} ps)")
        lo, hi = max(lo, t_first), min(hi, max(t_end, lo + 1))
    zoomed = (hi - lo) < 0.9 * (t_end - t_first)
    analog = [r for r in rows if r["kind"] == "signal" and r["flags"] & (TR_ANALOG_STEP | TR_ANALOG_INTERP)]
    have_events = a.events and os.path.exists(a.events)
    pointers = pointer_counters(a.events) if have_events else {}
    report = first_report(a.events) if have_events else None
    if report and not lo <= report[0] <= hi:
        report = None
    overview = zoomed and (analog or pointers)

    n_rows = sum(1 for r in rows if r["kind"] == "signal") + sum(HEAD_PX / ROW_PX for r in rows
                                                                 if r["kind"] == "section")
    label_w = 0.25
    px = WIDTH_PX * (1 - label_w - 0.07)
    shown = [(t, lab) for t, lab in marks if lo <= t <= hi]
    if a.marker is not None and lo <= a.marker <= hi and all(t != a.marker for t, _ in shown):
        shown.append((a.marker, a.marker_label))
    placed, levels = place_labels(shown, lo, hi, px)
    wave_h = n_rows * ROW_PX
    top_h = 40 + levels * 16 + (28 if a.title else 0) + (22 if a.caption else 0) + (16 * (report[1].count("\n") + 1) + 8 if report else 0)
    axis_h = 50
    over_h = 300 if overview else 0
    height = top_h + wave_h + axis_h + over_h + 20
    if height > 12000:
        # matplotlib's canvas and any viewer give up long before; say so.
        raise RenderError(f"{len(rows)} rows make a picture {height} px high (at most 12000): "
                          "render a save file with fewer rows")
    fig = plt.figure(figsize=(WIDTH_PX / DPI, max(height, 600) / DPI), dpi=DPI)
    H = max(height, 600)
    if a.title:
        fig.text(0.01, 1 - 10 / H, a.title, fontsize=13, fontweight="bold", va="top")
    if a.caption:
        fig.text(0.01, 1 - (12 + (28 if a.title else 0)) / H, a.caption, fontsize=11, va="top")
    if report:
        # What the report says, so the picture tells its story on its own.
        fig.text(0.01, 1 - (14 + (28 if a.title else 0) + (22 if a.caption else 0)) / H, report[1], fontsize=10,
                 va="top", color=REPORT_COLOUR, linespacing=1.4)
    ax = fig.add_axes([label_w, 1 - (top_h + wave_h) / H, 1 - label_w - 0.07, wave_h / H])
    y_total, ylabels = draw_rows(ax, rows, data, width, lo, hi, px)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-y_total, 0)
    ax.set_yticks([y for y, _ in ylabels])
    ax.set_yticklabels([lab for _, lab in ylabels], fontsize=10)
    ax.tick_params(axis="y", length=0)
    for yy, _ in ylabels:
        ax.axhline(yy - 0.5, color="#eeeeee", lw=0.5, zorder=0)
    unit, scale = time_unit(hi - lo)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x / scale:g}"))
    ax.set_xlabel(f"simulated time ({unit})" + ("" if zoomed else ", whole run" if t_first < 0.01 * t_end else ", whole trace"),
                  fontsize=10)
    ax.tick_params(axis="x", labelsize=9)
    ax.grid(axis="x", color="#dddddd", lw=0.5)
    for t, label, level in placed:
        is_report = label.startswith("validator") or label == a.marker_label != "marker"
        colour = REPORT_COLOUR if is_report else MARKER_COLOUR
        ax.axvline(t, color=colour, lw=1.0, ls="-" if is_report else "--", zorder=5)
        ax.annotate(label, (t, 0), xytext=(2, 4 + 16 * level), textcoords="offset points", fontsize=9,
                    color=colour, fontweight="bold" if is_report else "normal", annotation_clip=False,
                    va="bottom", ha="left")
    if overview:
        ov = fig.add_axes([label_w, 40 / H, 1 - label_w - 0.07, (over_h - 70) / H])
        draw_overview(ov, analog, data, pointers, t_first, t_end, lo, hi, marks)
    fig.savefig(a.png, dpi=DPI)
    plt.close(fig)
    return sum(1 for r in rows if r["kind"] == "signal"), lo, hi


def draw_overview(ax, analog, data, pointers, t_first, t_end, lo, hi, marks):
    unit, scale = time_unit(t_end - t_first)
    whole = "whole run" if t_first < 0.01 * t_end else "whole trace"  # --trace-window starts it later
    n = 1000
    handles = []
    for k, colour in (("hw_ptr", "#1f5fa0"), ("appl_ptr", "#c08a1a")):
        pts = pointers.get(k)
        if pts:
            xs = [p[0] / scale for p in pts]
            handles += ax.step(xs, [p[1] for p in pts], where="post", color=colour, lw=1.0,
                               label=f"{k} (frames)")
    ax2 = ax.twinx() if pointers and analog else ax
    for i, r in enumerate(analog):
        ts, vs = data[r["name"]]
        if not ts:
            continue
        t = np.asarray(ts, dtype=float)
        v = np.array([to_int(x) or 0 for x in vs], dtype=float)
        # min..max per bin, so a level that moves every sample reads as a band.
        edges = np.linspace(t_first, t_end, n + 1)
        b = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, n - 1)
        vmin = np.full(n, np.nan)
        vmax = np.full(n, np.nan)
        np.fmin.at(vmin, b, v)
        np.fmax.at(vmax, b, v)
        # A bin without a change holds the last value; one with changes also
        # held the value it began with.
        last = v[0]
        for j in range(n):
            if np.isnan(vmin[j]):
                vmin[j] = vmax[j] = last
            else:
                start, last = last, v[np.searchsorted(t, edges[j + 1], side="right") - 1]
                vmin[j], vmax[j] = min(vmin[j], start, last), max(vmax[j], start, last)
        colour = ["#2e9e5b", "#7b68a6", "#d0453a"][i % 3]
        handles.append(ax2.fill_between(edges[:-1] / scale, vmin, vmax, step="post", color=colour, alpha=0.35,
                                        lw=0, label=f"{r['label']} (min..max)"))
        # Where the level holds for a whole pixel the band has no height: a line.
        ax2.step(edges[:-1] / scale, np.where(vmax - vmin < 0.5, vmax, np.nan), where="post", color=colour, lw=1.0)
        ax2.set_ylabel(r["label"] if len(analog) == 1 else "level", fontsize=9, color=colour)
    # The zoomed window, at least 0.6 % of the axis wide so a short one shows.
    w = max(hi - lo, 0.006 * (t_end - t_first))
    mid = (lo + hi) / 2
    left = max(t_first, mid - w / 2)
    ax.axvspan(left / scale, (left + w) / scale, color="#f2c14e", alpha=0.6, lw=0)
    reports = [t for t, label in marks if label.startswith("validator")]
    for t in reports:
        ax.axvline(t / scale, color=REPORT_COLOUR, lw=0.8)
    handles.append(matplotlib.patches.Patch(color="#f2c14e", alpha=0.6, label="zoomed above"))
    if reports:
        handles.append(matplotlib.lines.Line2D([], [], color=REPORT_COLOUR, lw=0.8, label="first report of a rule"))
    ax.set_xlim(t_first / scale, t_end / scale)
    ax.set_xlabel(f"simulated time ({unit}), {whole}", fontsize=10)
    ax.text(-0.08, 0.5, f"the {whole}", transform=ax.transAxes, ha="right", va="center", fontsize=11,
            fontweight="bold", color="#333333")
    if pointers:
        ax.set_ylabel("frames", fontsize=9)
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, ncol=5, frameon=False,
              borderaxespad=0.2)
    ax.tick_params(labelsize=9)


if __name__ == "__main__":
    main()
