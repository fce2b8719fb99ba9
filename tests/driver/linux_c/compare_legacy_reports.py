#!/usr/bin/env python3
"""The kernel-C legacy driver is reported exactly like the C++ one: runs
`dmacosim run audio` with --driver=legacy-bh and --driver=c-legacy-bh under
the same options and compares the validator reports of summary.json: the
same rules in the same order, the same locks, the same context chains. The
only names allowed to differ are the driver's own functions, named by the
C++ driver's KFUNC() labels on one side and by the C functions on the other
(C_NAMES below).

usage: compare_legacy_reports.py <dmacosim> <out dir> [dmacosim options...]
With COMPARE_RAW_NAMES=1 the names are compared as they are (the check then
fires on tx_submit vs dmac_tx_submit: its own test).
"""
import json
import os
import subprocess
import sys

C_NAMES = {"dmac_tx_submit": "tx_submit", "dmac_issue_pending": "issue_pending"}
if os.environ.get("COMPARE_RAW_NAMES") == "1":
    C_NAMES = {}


def reports(dmacosim, out, driver, extra):
    cmd = [dmacosim, "run", "audio", "--driver=" + driver, "--quiet", "--out=" + out] + extra
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=240)
    if p.returncode == 0:
        sys.exit("FAIL: %s ran clean (exit 0); the 2010 driver must be flagged\n%s" % (driver, p.stdout[-2000:]))
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    return [(r["rule"], r.get("locks"), [" > ".join(C_NAMES.get(x, x) for x in c.split(" > ")) for c in r["contexts"]])
            for r in s["validator_reports"]]


def main():
    dmacosim, out, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    cxx = reports(dmacosim, os.path.join(out, "legacy-bh"), "legacy-bh", extra)
    c = reports(dmacosim, os.path.join(out, "c-legacy-bh"), "c-legacy-bh", extra)
    for r in cxx:
        print("C++:", r)
    for r in c:
        print("C:  ", r)
    if not any(r[0] == "V-BH-1" for r in cxx):
        sys.exit("FAIL: no V-BH-1 from the C++ legacy-bh driver")
    if c != cxx:
        sys.exit("FAIL: the kernel-C legacy driver's reports differ from the C++ legacy-bh driver's")
    print("OK: %d reports, identical (rules, locks, contexts)" % len(c))


if __name__ == "__main__":
    main()
