#!/usr/bin/env python3
"""Checks that a rendered PNG is a picture a person can use at README width:
a real PNG of sensible size (1000..2000 px wide, 600..2200 px high), not
mostly blank (at most 85 % near-white pixels, ink in at least 60 % of the
pixel rows, so no empty page), no blank band (no run of empty pixel rows --
less than 1 % of the row inked -- taller than 15 % of the picture: the
bottom third of GTKWave's letter-page print), no black bars (at most 1 % of
the picture in solid dark 4x4 tiles: GTKWave's print of signals that toggle
faster than a pixel), and drawn in colour (at least 6 distinct colours that
each cover 0.2 % of the image: the context, lock and phase bars).

usage: check_png_content.py FILE.png...
       check_png_content.py --selftest DIR  (blank, tiny, grey, half-empty and
                                             black-bar images are rejected)
"""
import os
import struct
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def check(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return "not a PNG"
    w, h = struct.unpack(">II", head[16:24])
    if not (1000 <= w <= 2000 and 600 <= h <= 2200):
        return f"{w}x{h}: not a README-width picture (1000..2000 x 600..2200)"
    rgb = plt.imread(path)[:, :, :3]
    faults = []  # every rule the picture breaks, not just the first
    white = rgb.min(axis=2) > 0.94
    blank = white.mean()
    if blank > 0.85:
        faults.append(f"{blank:.0%} of the pixels are blank")
    rows_with_ink = (~white).any(axis=1).mean()
    if rows_with_ink < 0.6:
        faults.append(f"only {rows_with_ink:.0%} of the pixel rows hold anything (an empty page)")
    empty = (~white).mean(axis=1) < 0.01
    band = run = 0
    for e in empty:
        run = run + 1 if e else 0
        band = max(band, run)
    if band > 0.15 * h:
        faults.append(f"a blank band {band} px rows high ({band / h:.0%} of the picture)")
    dark = rgb.max(axis=2) < 0.3
    hh, ww = h // 4 * 4, w // 4 * 4
    solid = (dark[:hh, :ww].reshape(hh // 4, 4, ww // 4, 4).sum(axis=(1, 3)) >= 15).mean()
    if solid > 0.01:
        faults.append(f"{solid:.1%} of the picture is solid black (bars of signals drawn denser than a pixel?)")
    q = (rgb * 15).round().astype(int)
    codes = q[:, :, 0] * 256 + q[:, :, 1] * 16 + q[:, :, 2]
    _, counts = np.unique(codes[~white], return_counts=True)
    colours = int((counts >= 0.002 * w * h).sum())
    if colours < 6:
        faults.append(f"only {colours} colours cover 0.2 % of the image each (no bars drawn?)")
    if faults:
        return "; ".join(faults)
    return f"ok, {w}x{h}, {blank:.0%} blank, ink in {rows_with_ink:.0%} of the rows, {colours} colours"


def colour_rows(ax, rows):
    for i in range(8):
        ax.barh(range(rows), [j + 1 for j in range(rows)], left=i * 21, color=f"C{i}")


def half_page(fig):
    # Only the blank-band rule fires: ink in 70 % of the rows, the rest one band.
    colour_rows(fig.add_axes([0.0, 0.3, 1.0, 0.7]), 20)


def black_bars(fig):
    ax = fig.add_axes([0.05, 0.05, 0.9, 0.9])
    colour_rows(ax, 20)
    for y in range(0, 20, 4):
        ax.barh([y + 0.5], [168], color="black", height=1.2)


def selftest(tmp):
    def make(name, size, draw):
        fig = plt.figure(figsize=size, dpi=100)
        draw(fig)
        p = f"{tmp}/{name}.png"
        fig.savefig(p, dpi=100)
        plt.close(fig)
        return p

    cases = {
        "blank page": make("blank", (13, 9), lambda fig: None),
        "tiny": make("tiny", (4, 3), lambda fig: fig.add_subplot().bar(range(8), range(8), color="C0")),
        "grey text only": make("text", (13, 9), lambda fig: [fig.text(0.1, y / 20, "x" * 80) for y in range(20)]),
        "a page, its bottom third empty": make("halfpage", (13, 9), half_page),
        "black bars": make("blackbars", (13, 9), black_bars),
    }
    rule = {"a page, its bottom third empty": "blank band", "black bars": "solid black"}
    for what, p in cases.items():
        verdict = check(p)
        if verdict.startswith("ok") or (what in rule and rule[what] not in verdict):
            raise SystemExit(f"selftest: {what}: not rejected for its own fault ({verdict})")
        print(f"selftest: {what}: rejected ({verdict})")

    # The pictures GTKWave's letter-page print made for the README (kept in
    # tests/tb/data/): a blank third and, over a whole run, black bars.
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    for name, fault in (("gtkwave-print-audio-2cycles.png", "solid black"),
                        ("gtkwave-print-seed-bug.png", "blank band")):
        verdict = check(os.path.join(data, name))
        if fault not in verdict:
            raise SystemExit(f"selftest: {name}: not rejected for its {fault} ({verdict})")
        print(f"selftest: {name}: rejected ({verdict})")
    verdict = check(make("full", (13, 9), lambda fig: colour_rows(fig.add_axes([0.05, 0.05, 0.9, 0.9]), 20)))
    if not verdict.startswith("ok"):
        raise SystemExit(f"selftest: a full picture was rejected ({verdict})")
    print("check_png_content selftest: ok")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--selftest":
        selftest(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print(__doc__)
        sys.exit(2)
    bad = 0
    for path in sys.argv[1:]:
        v = check(path)
        print(f"{path}: {v}")
        bad += not v.startswith("ok")
    sys.exit(1 if bad else 0)
