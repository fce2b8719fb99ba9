#!/usr/bin/env python3
"""Chart of `dmacosim run seed-options`: trigger -> first sample latency of
every option (one dot per START trigger),
coloured by the option's verdict.

usage: plot_seed_options.py seed-options.json out.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"clean": "#2a9d2a", "flagged": "#d98c00", "deadlock": "#c0392b", "broken": "#8e44ad",
           "crashed": "#555555"}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        rows = json.load(f)["options"]
    fig, ax = plt.subplots(figsize=(11, 0.55 * len(rows) + 1.6), dpi=110)
    for i, r in enumerate(rows):
        samples = [s / 1e3 for s in r["trigger_latency_samples_ns"]]
        colour = COLOURS.get(r["verdict"], "#000000")
        y = len(rows) - 1 - i
        if samples:
            jitter = [y + ((k * 37) % 21 - 10) / 40.0 for k in range(len(samples))]
            ax.scatter(samples, jitter, s=12, color=colour, alpha=0.6, linewidths=0)
            med = sorted(samples)[len(samples) // 2]
            ax.plot([med, med], [y - 0.35, y + 0.35], color="black", linewidth=1.5)
        label = "%s  [%s%s]" % (r["option"], r["verdict"], ": " + " ".join(r["rules"]) if r["rules"] else "")
        ax.text(1.01, y, label, transform=ax.get_yaxis_transform(), va="center", fontsize=9, color=colour)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r["option"] for r in reversed(rows)], fontsize=9)
    ax.set_xscale("log")
    ax.set_xlabel("trigger -> first sample at the codec (us, log scale; bar = median)")
    ax.set_title("The 2010 thread's options on the same audio workload (dots: START triggers)", fontsize=11)
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.subplots_adjust(left=0.17, right=0.66, top=0.92, bottom=0.12)
    fig.savefig(sys.argv[2])


if __name__ == "__main__":
    main()
