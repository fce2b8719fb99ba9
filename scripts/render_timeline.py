#!/usr/bin/env python3
"""Renders the software timeline `dmacosim run ... --trace` writes
(OUT/<scenario>.trace.json, Chrome JSON trace events) to a PNG readable at
README width, without Perfetto's web UI.

usage: render_timeline.py TRACE.json OUT.png [--title TEXT] [--window START_US:END_US]

Top: a zoom on the first validator report (or, in a clean run, on the first
START trigger): each task's contexts and annotated functions as a flame of
nested slices (process blue, softirq green, hardirq red), the lock holds by
lock class (labelled with the acquiring call), the DMA descriptors' phases,
and the trigger / report instants as labelled lines. Bottom: the whole run,
ALSA's hw_ptr and appl_ptr and the audio FIFO level, with every trigger and
report, and the zoomed window marked.
"""
import argparse
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

CTX_COLOURS = {"process": "#4a7fb5", "softirq": "#2e9e5b", "hardirq": "#d0453a"}
FUNC_COLOURS = {"process": "#a9c6e3", "softirq": "#a8dbb9", "hardirq": "#f0aaa3"}
LOCK_COLOURS = {"spin_lock_bh": "#d0453a", "spin_lock_irqsave": "#4a7fb5", "spin_lock_irq": "#4a7fb5",
                "read_lock_irq": "#7b68a6", "read_lock_irqsave": "#7b68a6", "spin_lock": "#8a8a8a"}
PHASE_COLOURS = {"prepared": "#cfcfcf", "submitted": "#f2c14e", "issued": "#f08a4b", "on hardware": "#4a7fb5",
                 "completed": "#2e9e5b", "terminated": "#8a8a8a", "callback": "#2e9e5b"}
REPORT_COLOUR = "#c0392b"
TRIGGER_COLOUR = "#1f5fa0"


def load(path):
    with open(path) as f:
        doc = json.load(f)
    ev = doc["traceEvents"]
    threads, slices, instants, asyncs, counters = {}, [], [], [], {}
    stacks, open_async = {}, {}
    for e in ev:
        ph = e["ph"]
        if ph == "M":
            if e["name"] == "thread_name":
                threads[(e["pid"], e["tid"])] = e["args"]["name"]
        elif ph == "B":
            st = stacks.setdefault((e["pid"], e["tid"]), [])
            ctx = e.get("cat", "process") if e.get("cat") != "function" else (st[-1]["ctx"] if st else "process")
            st.append({"name": e["name"], "cat": e.get("cat"), "ctx": ctx, "begin": e["ts"], "depth": len(st),
                       "track": (e["pid"], e["tid"])})
        elif ph == "E":
            s = stacks[(e["pid"], e["tid"])].pop()
            s["end"] = e["ts"]
            slices.append(s)
        elif ph == "i":
            instants.append(e)
        elif ph == "b":
            st = open_async.setdefault((e["cat"], e["id"]), [])
            st.append({"name": e["name"], "cat": e["cat"], "begin": e["ts"], "args": e.get("args", {}),
                       "depth": len(st), "outer": st[0]["name"] if st else e["name"], "id": e["id"]})
        elif ph == "e":
            s = open_async[(e["cat"], e["id"])].pop()
            s["end"] = e["ts"]
            asyncs.append(s)
        elif ph == "C":
            counters.setdefault(e["name"], []).append((e["ts"], list(e["args"].values())[0]))
    return threads, slices, instants, asyncs, counters


def pick_window(slices, instants):
    reports = [e for e in instants if e.get("cat") == "validator"]
    starts = [e for e in instants if e["name"] == "trigger START"]
    if reports:
        focus = reports[0]
        before = [e for e in starts if e["ts"] <= focus["ts"]]
        lo = before[-1]["ts"] if before else focus["ts"] - 1.0
    elif starts:
        focus = starts[0]
        lo = focus["ts"]
    else:
        return 0.0, max((s["end"] for s in slices), default=1.0), None
    # To the end of the context the focus happened in (the trigger's task slice).
    track = (focus["pid"], focus["tid"])
    outer = [s for s in slices if s["track"] == track and s["depth"] == 0 and s["begin"] <= focus["ts"] <= s["end"]]
    hi = max([focus["ts"]] + [s["end"] for s in outer])
    if hi - lo < 0.2:
        hi = lo + 0.2
    pad = (hi - lo) * 0.12
    return lo - pad, hi + pad, focus


def draw_bar(ax, x0, x1, y, h, colour, label, xlim, min_w, edge="white", fontsize=9, text_colour="black"):
    w = max(x1 - x0, min_w)
    ax.add_patch(Rectangle((x0, y), w, h, facecolor=colour, edgecolor=edge, linewidth=0.6))
    # Label inside when it fits (about 0.55 em per character at this size).
    span = xlim[1] - xlim[0]
    chars = int(w / span * ax.figure.get_figwidth() * 72 / (fontsize * 0.6) * 0.82)
    if label and chars >= 4:
        text = label if len(label) <= chars else label[:max(chars - 1, 3)] + "…"
        ax.text(max(x0, xlim[0]) + span * 0.003, y + h / 2, text, va="center", ha="left", fontsize=fontsize,
                color=text_colour, clip_on=True)


def first_irq_window(slices):
    """The first period interrupt of the stream: the DMA hardirq handler
    before the first snd_pcm_period_elapsed, to the end of the tasklet that
    called it."""
    pe = sorted((s for s in slices if s["name"] == "snd_pcm_period_elapsed"), key=lambda s: s["begin"])
    if not pe:
        return None
    p = pe[0]
    tasklet = [s for s in slices if s["track"] == p["track"] and s["cat"] == "softirq" and
               s["begin"] <= p["begin"] and s["end"] >= p["end"]]
    hi = max([p["end"]] + [s["end"] for s in tasklet])
    irqs = [s for s in slices if s["name"].startswith("hardirq:dmac") and s["begin"] <= p["begin"]]
    lo = max(s["begin"] for s in irqs) if irqs else p["begin"]
    if hi - lo < 0.05:
        hi = lo + 0.05
    pad = (hi - lo) * 0.08
    return lo - pad, hi + pad


def level_spans(points, end):
    """(ts, value) counter samples -> [(begin, end)] where value != 0."""
    out, on = [], None
    for ts, v in points:
        if v and on is None:
            on = ts
        elif not v and on is not None:
            out.append((on, ts))
            on = None
    if on is not None:
        out.append((on, end))
    return out


def report_gist(e):
    """A report's one-line reason: the model's own line ("dmacosim: ...") up
    to its first colon, else the kernel's headline."""
    args = e.get("args", {})
    for line in args.get("report", "").splitlines():
        if line.startswith("dmacosim: "):
            return line[len("dmacosim: "):].split(":")[0][:60]
    return args.get("headline", "")[:60]


def draw_zoom(ax, fig, data, lo, hi, title):
    threads, slices, instants, asyncs, counters = data
    xlim = (lo, hi)
    min_w = (hi - lo) * 0.004
    rows, patches = [], []
    y = 0.0
    lane = 0.55
    gap = 0.3
    end_all = max((s["end"] for s in slices), default=hi)

    def in_win(s):
        return s["end"] >= lo and s["begin"] <= hi

    # CPU state first: what the V-BH-1 story turns on.
    for cname, label, colour in (("hardirqs off", "CPU: hardirqs off", "#d0453a"),
                                 ("softirq count > 0 (bh off or serving)", "CPU: softirq count > 0", "#2e9e5b")):
        spans = [(b, e) for b, e in level_spans(counters.get(cname, []), end_all) if e >= lo and b <= hi]
        for b, e in spans:
            patches.append((b, e, y, lane * 0.92, colour, "", "white"))
        rows.append((label, y, lane))
        y += lane + gap
    tracks = sorted({s["track"] for s in slices if in_win(s)}, key=lambda t: t[1])
    for track in tracks:
        ss = [s for s in slices if s["track"] == track and in_win(s)]
        depth = max(s["depth"] for s in ss) + 1
        for s in ss:
            yy = y + (depth - 1 - s["depth"]) * lane
            colour = CTX_COLOURS[s["ctx"]] if s["cat"] != "function" else FUNC_COLOURS[s["ctx"]]
            txt = "white" if s["cat"] != "function" else "black"
            patches.append((s["begin"], s["end"], yy, lane * 0.92, colour, s["name"], txt))
        rows.append((threads.get(track, str(track)), y, depth * lane))
        y += depth * lane + gap
    locks = [s for s in asyncs if s["cat"] == "lock" and in_win(s)]
    for name in sorted({s["name"] for s in locks}):
        lanes_end = []
        for s in sorted((s for s in locks if s["name"] == name), key=lambda s: s["begin"]):
            # Overlapping holds of one class (several instances) get separate lanes.
            k = next((i for i, e in enumerate(lanes_end) if e < s["begin"]), len(lanes_end))
            if k == len(lanes_end):
                lanes_end.append(0.0)
            lanes_end[k] = max(s["end"], s["begin"] + min_w)
            mode = s["args"].get("mode", "?")
            patches.append((s["begin"], s["end"], y + k * lane, lane * 0.92, LOCK_COLOURS.get(mode, "#8a8a8a"),
                            mode, "white"))
        rows.append((f"lock {name}", y, len(lanes_end) * lane))
        y += len(lanes_end) * lane + gap
    descs = [s for s in asyncs if s["cat"] == "dma" and in_win(s) and s["depth"] >= 1]
    for chan in sorted({s["outer"] for s in descs}):
        ds = [s for s in descs if s["outer"] == chan]
        for s in ds:
            label = s["name"] + (f" #{s['args']['cookie']}" if "cookie" in s["args"] else "")
            patches.append((s["begin"], s["end"], y + (s["depth"] - 1) * lane, lane * 0.92,
                            PHASE_COLOURS.get(s["name"], "#bbbbbb"), label, "black"))
        depth = max(s["depth"] for s in ds)
        rows.append((f"{chan} descriptor", y, depth * lane))
        y += depth * lane + gap
    top = y
    for x0, x1, yy, hh, colour, label, txt in patches:
        draw_bar(ax, x0, x1, top - yy - hh, hh, colour, label, xlim, min_w, text_colour=txt)
    ax.set_xlim(*xlim)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.set_yticks([top - r[1] - r[2] / 2 for r in rows])
    ax.set_yticklabels([r[0] for r in rows], fontsize=10)
    for r in rows:
        ax.axhline(top - r[1] + gap / 2, color="#e4e4e4", linewidth=0.8, zorder=0)
    ax.set_xlabel("simulated time (µs)")
    ax.tick_params(axis="y", length=0)
    for sp in ("top", "right", "left"):
        ax.spines[sp].set_visible(False)
    # Instants in the window; labels stacked so neighbours never overlap.
    marks = [e for e in instants if lo <= e["ts"] <= hi and (e.get("cat") == "validator" or
                                                             e["name"].startswith("trigger "))]
    width_px = ax.get_position().width * fig.get_figwidth() * fig.dpi
    levels = []
    for e in marks:
        report = e.get("cat") == "validator"
        colour = REPORT_COLOUR if report else TRIGGER_COLOUR
        ax.axvline(e["ts"], color=colour, linewidth=1.8 if report else 1.3, linestyle="-" if report else "--",
                   zorder=5)
        where = e.get("args", {}).get("context", "").split(" <- ")[0].split(" > ")[-1]
        label = e["name"] + (f" in {where}: " + report_gist(e) if report else "")
        x_px = (e["ts"] - lo) / (hi - lo) * width_px
        need = len(label) * 7.5 + 14
        # Near the right edge the label reads leftwards from its line.
        right = x_px + need > width_px
        x0, x1 = (x_px - need, x_px) if right else (x_px, x_px + need)
        k = next((i for i, end in enumerate(levels) if end < x0), len(levels))
        if k == len(levels):
            levels.append(-1e9)
        levels[k] = x1
        ax.text(e["ts"], top + 0.25 + k * 0.55, label + " " if right else " " + label, color=colour, fontsize=10,
                fontweight="bold", ha="right" if right else "left", va="bottom", clip_on=False)
    ax.set_ylim(-0.1, top + 0.3 + max(len(levels), 1) * 0.55)
    ax.set_title(title, loc="left", fontsize=12.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("png")
    ap.add_argument("--title", default=None)
    ap.add_argument("--window", default=None, help="START_US:END_US (simulated microseconds)")
    a = ap.parse_args()
    data = load(a.trace)
    threads, slices, instants, asyncs, counters = data
    lo, hi, focus = pick_window(slices, instants)
    if a.window:
        try:
            lo, hi = (float(x) for x in a.window.split(":"))
        except ValueError:
            sys.exit(f"--window={a.window}: expected START_US:END_US")
        if not hi > lo:
            sys.exit(f"--window={a.window}: END must be after START")
    irq = first_irq_window(slices)

    plt.rcParams.update({"font.size": 11, "axes.titlesize": 12.5, "axes.labelsize": 11})
    fig = plt.figure(figsize=(13, 16 if irq else 9.5), dpi=100)
    ratios = [3.2, 3.0, 1.1] if irq else [3.2, 1.1]
    gs = fig.add_gridspec(len(ratios), 1, height_ratios=ratios, hspace=0.42, left=0.2, right=0.93, top=0.905,
                          bottom=0.05)
    ax = fig.add_subplot(gs[0])
    if focus is not None and focus.get("cat") == "validator":
        what = f"zoom 1: the first validator report, {focus['name']} at {focus['ts']:.3f} µs, in its START trigger"
    else:
        what = "zoom 1: the first START trigger"
    draw_zoom(ax, fig, data, lo, hi, what)
    if irq:
        draw_zoom(fig.add_subplot(gs[1]), fig, data, irq[0], irq[1],
                  f"zoom 2: the stream's first period interrupt at {irq[0] / 1000:.3f} ms: DMA hardirq, then the tasklet "
                  "runs the period callback")
    ov = fig.add_subplot(gs[-1])
    fig.suptitle(a.title or "dmacosim software timeline", x=0.02, y=0.995, ha="left", fontsize=14, fontweight="bold")
    legend = [("process", CTX_COLOURS["process"]), ("softirq / tasklet", CTX_COLOURS["softirq"]),
              ("hardirq", CTX_COLOURS["hardirq"]), ("function (KFUNC)", FUNC_COLOURS["process"]),
              ("spin_lock_bh hold", LOCK_COLOURS["spin_lock_bh"]),
              ("irqsave / irq hold", LOCK_COLOURS["spin_lock_irqsave"]),
              ("read_lock_irq hold", LOCK_COLOURS["read_lock_irq"]), ("spin_lock hold", LOCK_COLOURS["spin_lock"])]
    for i, (name, colour) in enumerate(legend):
        x = 0.02 + (i % 4) * 0.2
        yy = (0.962 - (i // 4) * 0.016) if irq else (0.95 - (i // 4) * 0.024)
        fig.text(x, yy, "■", color=colour, fontsize=13, va="center")
        fig.text(x + 0.017, yy, name, fontsize=10, va="center")

    # ---- the whole run, in ms
    end_us = max([s["end"] for s in slices] + [1.0])
    for name, colour in (("hw_ptr", "#1f5fa0"), ("appl_ptr", "#e08a1e")):
        for cname, pts in counters.items():
            if cname.endswith(" " + name):
                xs = [p[0] / 1000 for p in pts] + [end_us / 1000]
                ys = [p[1] for p in pts] + [pts[-1][1]]
                ov.step(xs, ys, where="post", color=colour, linewidth=1.5, label=f"{name} (frames)")
    ov.set_ylabel("frames")
    ov.set_xlabel("simulated time (ms), whole run")
    ov2 = ov.twinx()
    fifo = next((pts for cname, pts in counters.items() if cname.startswith("audio FIFO level")), [])
    if fifo:
        # Min..max per bin: the FIFO moves every sample, too fast to draw as a line.
        bins = 400
        lo_b, hi_b = [None] * bins, [None] * bins
        for i, (ts, v) in enumerate(fifo):
            nxt = fifo[i + 1][0] if i + 1 < len(fifo) else end_us
            for b in range(int(ts / end_us * (bins - 1)), int(nxt / end_us * (bins - 1)) + 1):
                lo_b[b] = v if lo_b[b] is None else min(lo_b[b], v)
                hi_b[b] = v if hi_b[b] is None else max(hi_b[b], v)
        xs = [b / (bins - 1) * end_us / 1000 for b in range(bins)]
        ov2.fill_between(xs, [v or 0 for v in lo_b], [v or 0 for v in hi_b], step="mid", color="#2e9e5b",
                         alpha=0.22, linewidth=0, label="audio FIFO level (min..max)")
    ov2.set_ylabel("FIFO frames", color="#2e9e5b")
    for e in instants:
        if e["name"] == "trigger START":
            ov.axvline(e["ts"] / 1000, color=TRIGGER_COLOUR, linewidth=0.9, linestyle="--", alpha=0.8)
        elif e.get("cat") == "validator":
            ov.plot([e["ts"] / 1000], [0], marker="v", color=REPORT_COLOUR, markersize=10, clip_on=False, zorder=6)
    ov.set_xlim(0, end_us / 1000)
    for w in ([(lo, hi)] + ([irq] if irq else [])):
        ov.axvspan(w[0] / 1000, max(w[1], w[0] + end_us * 0.003) / 1000, color="#f5b041", alpha=0.6)
    ov.plot([], [], marker="v", color=REPORT_COLOUR, linestyle="none", label="validator report")
    ov.plot([], [], color=TRIGGER_COLOUR, linestyle="--", label="START trigger")
    ov.add_patch(Rectangle((0, 0), 0, 0, color="#f5b041", alpha=0.6, label="zoomed above"))
    h1, l1 = ov.get_legend_handles_labels()
    h2, l2 = ov2.get_legend_handles_labels()
    ov.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=9.5, ncol=3, framealpha=0.92)
    ov.set_ylim(0, max([1] + [p[1] for c, pts in counters.items() if c.endswith("_ptr") for p in pts]) * 1.45)
    ov.set_title("the whole run: ALSA's ring pointers and the audio FIFO", loc="left")
    fig.savefig(a.png, dpi=100)
    print(f"{a.png}: zoom {lo:.3f}..{hi:.3f} µs, {len(slices)} slices, {len(asyncs)} spans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
