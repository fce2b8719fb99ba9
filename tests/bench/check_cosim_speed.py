#!/usr/bin/env python3
"""Runs cosim_speed on a small workload with a missing anchor directory and
checks its report: exit 0, every side verified, the bare loop with and without
the AXI protocol checkers simulating the same cycles, the checkers' share
printed, and "anchor not found" instead of a ratio. OUT_DIR is removed first:
cosim_speed creates it.

usage: check_cosim_speed.py COSIM_SPEED OUT_DIR
"""
import json
import os
import shutil
import subprocess
import sys


def main():
    exe, out = sys.argv[1], sys.argv[2]
    shutil.rmtree(out, ignore_errors=True)
    run = subprocess.run([exe, "--cycles", "5000", "--descs", "2", "--desc-bytes", "256", "--anchor",
                          os.path.join(out, "no-such-anchor"), "--out", out],
                         capture_output=True, text=True, timeout=600)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    problems = []
    if run.returncode != 0:
        problems.append(f"exit code {run.returncode}")
    with open(os.path.join(out, "cosim_speed.json")) as f:
        j = json.load(f)
    with_c, without, plat = j["bare"], j["bare_without_checkers"], j["platform"]
    for name, side in (("bare", with_c), ("bare_without_checkers", without), ("platform", plat)):
        if not side["verified"]:
            problems.append(f"{name} not verified")
        if side["cycles"] < 5000 or side["chains_completed"] < 8:
            problems.append(f"{name}: {side['cycles']} cycles, {side['chains_completed']} chains")
    for key in ("cycles", "chains_completed", "irqs"):
        if with_c[key] != without[key]:
            problems.append(f"{key}: {with_c[key]} with the checkers, {without[key]} without")
    if "checkers_share_of_bare" not in j or j["anchor"] is not None:
        problems.append("no checkers' share, or an anchor ratio without an anchor")
    md = run.stdout
    for text in ("without the AXI checkers", "with the AXI4 / AXI4-Lite protocol checkers",
                 "protocol checkers' share", "anchor not found"):
        if text not in md:
            problems.append(f"report lacks '{text}'")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
