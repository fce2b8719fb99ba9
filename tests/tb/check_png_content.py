#!/usr/bin/env python3
"""Checks that a rendered PNG is a picture a person can use at README width:
a real PNG of sensible size (1000..2000 px wide, 600..2200 px high), not
mostly blank (at most 85 % near-white pixels, ink in at least 60 % of the
pixel rows, so no empty page), and drawn in colour (at least 6 distinct
colours that each cover 0.2 % of the image: the context, lock and phase bars).

usage: check_png_content.py FILE.png
       check_png_content.py --selftest   (a blank, a tiny and a grey image are rejected)
"""
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
    white = rgb.min(axis=2) > 0.94
    blank = white.mean()
    if blank > 0.85:
        return f"{blank:.0%} of the pixels are blank"
    rows_with_ink = (~white).any(axis=1).mean()
    if rows_with_ink < 0.6:
        return f"only {rows_with_ink:.0%} of the pixel rows hold anything (an empty page)"
    q = (rgb * 15).round().astype(int)
    codes = q[:, :, 0] * 256 + q[:, :, 1] * 16 + q[:, :, 2]
    _, counts = np.unique(codes[~white], return_counts=True)
    colours = int((counts >= 0.002 * w * h).sum())
    if colours < 6:
        return f"only {colours} colours cover 0.2 % of the image each (no bars drawn?)"
    return f"ok, {w}x{h}, {blank:.0%} blank, ink in {rows_with_ink:.0%} of the rows, {colours} colours"


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
    }
    for what, p in cases.items():
        verdict = check(p)
        if verdict.startswith("ok"):
            raise SystemExit(f"selftest: {what}: accepted ({verdict})")
        print(f"selftest: {what}: rejected ({verdict})")

    def full(fig):
        ax = fig.add_axes([0.05, 0.05, 0.9, 0.9])
        for i in range(8):
            ax.barh(range(20), [j + 1 for j in range(20)], left=i * 21, color=f"C{i}")
    verdict = check(make("full", (13, 9), full))
    if not verdict.startswith("ok"):
        raise SystemExit(f"selftest: a full picture was rejected ({verdict})")
    print("check_png_content selftest: ok")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--selftest":
        selftest(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    v = check(sys.argv[1])
    print(f"{sys.argv[1]}: {v}")
    sys.exit(0 if v.startswith("ok") else 1)
