#!/usr/bin/env python3
"""The coverage gate of `scripts/coverage.sh --check`.

    coverage_check.py FLOOR_FILE TOTALS_FILE UNHIT_FILE

FLOOR_FILE (tests/rtl/coverage_floor.txt): `<kind> <minimum %>` lines and
`unhit <cover point>` lines (points allowed to stay unhit); `#` comments.
TOTALS_FILE: `<kind> <hit> <points>` over all modules; UNHIT_FILE: one unhit
user cover point per line (both written by coverage.sh). Exit 1, naming every
shortfall, when a kind is below its floor or a point not allowed is unhit.
"""
import sys
floor_file, totals_file, unhit_file = sys.argv[1:4]
mins, allowed = {}, set()
for line in open(floor_file):
    f = line.split("#", 1)[0].split()
    if len(f) == 2 and f[0] == "unhit":
        allowed.add(f[1])
    elif len(f) == 2:
        mins[f[0]] = float(f[1])
    elif f:
        sys.exit(f"coverage: {floor_file}: cannot read line: {line.strip()}")
have = {k: (int(h), int(t)) for k, h, t in (l.split() for l in open(totals_file) if l.strip())}
bad = []
for kind, m in sorted(mins.items()):
    h, t = have.get(kind, (0, 0))
    pct = 100.0 * h / t if t else 0.0
    if pct < m:
        bad.append(f"{kind} coverage {pct:.1f} % ({h}/{t}) is below the floor {m} %")
unhit = {l.strip() for l in open(unhit_file) if l.strip()}
for p in sorted(unhit - allowed):
    bad.append(f"user cover point {p} is no longer hit")
for p in sorted(allowed - unhit):
    print(f"coverage: note: {p} is hit now; remove it from {floor_file}")
if bad:
    print("coverage: CHECK FAILED (" + floor_file + "):\n  " + "\n  ".join(bad), file=sys.stderr)
    sys.exit(1)
print("coverage: check passed (" + ", ".join(f"{k} >= {v} %" for k, v in sorted(mins.items())) +
      f"; {len(allowed & unhit)} user point(s) allowed unhit)")
