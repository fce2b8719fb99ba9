#!/usr/bin/env bash
# RTL coverage: Verilator line, branch, toggle and user coverage
# (the `cover property` points in rtl/) of dmac_top over the RTL test suite
# (tests/rtl, the same sources as test_dmac), with a report.
#
#   scripts/coverage.sh [--check] [BUILD_DIR]    default BUILD_DIR: build-cov
#   scripts/coverage.sh [--check] --from-ctest BUILD_DIR
#
# The first form configures BUILD_DIR with DMACOSIM_RTL_COVERAGE=ON (the RTL
# suite, test_dmac, links the coverage-instrumented model), builds test_dmac
# and runs every TEST of it. --from-ctest builds and runs nothing: it reports
# on the coverage files that the last ctest run in BUILD_DIR (configured with
# DMACOSIM_RTL_COVERAGE=ON, as the README's test command does) wrote to
# BUILD_DIR/tests/rtl/coverage-data/; clear that directory before the run.
#
# --check: also fail when the figures fall below tests/rtl/coverage_floor.txt
# (minimum % per kind over all modules; every user cover point hit except the
# ones listed there). The README's test command runs it this way, so a change
# that stops exercising the RTL fails CI like a failing test.
#
# Environment:
#   COV_FILTER=<gtest filter>  run a subset (default: every test of test_dmac)
#   COV_JOBS=N                 tests run in parallel and build jobs (default 2)
#   COV_TEST_TIMEOUT=S         per-test time limit in seconds (default 900)
#
# Every TEST runs in its own process (as under ctest) and writes
# coverage-<pid>-<clock>.dat at its end (the
# counts of every model it created: tests/rtl/coverage_shim.h); the files are
# merged with verilator_coverage. A test that crashes writes nothing. Outputs in BUILD_DIR/coverage/:
#   merged.dat      all points, summed over every test
#   annotated/      the RTL sources with per-line counts (verilator_coverage --annotate)
#   summary.md      line / branch / toggle / user % per module, the runs, and
#                   every user cover point with its hit count (unhit ones first)
#   logs/           one log per test
# Exit status: 1 if a test failed or timed out (the report is still written).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CHECK=0
FROM_CTEST=0
if [ "${1:-}" = --check ]; then CHECK=1; shift; fi
if [ "${1:-}" = --from-ctest ]; then FROM_CTEST=1; shift; fi
BUILD="$(realpath -m "${1:-$ROOT/build-cov}")"
FLOOR="$ROOT/tests/rtl/coverage_floor.txt"
FILTER="${COV_FILTER:-*}"
JOBS="${COV_JOBS:-2}"
TIMEOUT="${COV_TEST_TIMEOUT:-900}"
OUT="$BUILD/coverage"

if [ "$FROM_CTEST" = 1 ]; then
  rm -rf "$OUT"
  mkdir -p "$OUT"
  : >"$OUT/runs.txt"
  FILTER="(every test of the ctest run in $BUILD)"
  shopt -s nullglob
  DATS=("$BUILD"/tests/rtl/coverage-data/coverage-*.dat)
  [ ${#DATS[@]} -gt 0 ] || { echo "coverage: no coverage file in $BUILD/tests/rtl/coverage-data (was $BUILD configured with -DDMACOSIM_RTL_COVERAGE=ON and its RTL suite run?)" >&2; exit 1; }
else
# Always (re)configure: verilate() lists the generated model files at configure
# time, so a configure older than the RTL would link a stale file list.
cmake -S "$ROOT" -B "$BUILD" -DDMACOSIM_RTL_COVERAGE=ON >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target test_dmac
EXE="$BUILD/tests/rtl/test_dmac"

rm -rf "$OUT"
mkdir -p "$OUT/run" "$OUT/logs"

# gtest's listing: "Suite." lines, then indented test names (param comments dropped).
mapfile -t TESTS < <("$EXE" --gtest_list_tests --gtest_filter="$FILTER" |
  awk '/^[^ ]/ {suite=$1; next} /^  / {print suite $1}')
[ ${#TESTS[@]} -gt 0 ] || { echo "coverage: no test matches '$FILTER'" >&2; exit 1; }
echo "coverage: ${#TESTS[@]} tests, $JOBS at a time, timeout ${TIMEOUT}s each"

run_one() {  # $1 = test name; prints "<status> <seconds> <name>"
  local t="$1" log="$OUT/logs/${1//\//_}.log" dir="$OUT/run/${1//\//_}" start rc=0
  start=$(date +%s)
  mkdir -p "$dir"  # one directory per test: a reused pid cannot overwrite a file
  (cd "$dir" && timeout "$TIMEOUT" "$EXE" --gtest_filter="$t" >"$log" 2>&1) || rc=$?
  local status=PASS
  [ $rc -eq 124 ] && status=TIMEOUT
  [ $rc -ne 0 ] && [ $rc -ne 124 ] && status=FAIL
  echo "$status $(( $(date +%s) - start )) $t"
}
export -f run_one
export OUT EXE TIMEOUT
unset DMACOSIM_COVERAGE_DIR  # each test writes into its own directory
printf '%s\n' "${TESTS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one "$@"' _ {} | tee "$OUT/runs.txt"

shopt -s nullglob
DATS=("$OUT"/run/*/coverage-*.dat)
[ ${#DATS[@]} -gt 0 ] || { echo "coverage: no coverage-*.dat written" >&2; exit 1; }
fi
verilator_coverage --write "$OUT/merged.dat" "${DATS[@]}"
verilator_coverage --annotate "$OUT/annotated" --annotate-min 1 "$OUT/merged.dat" | tee "$OUT/annotate.txt"

NOFILE=$([ "$FROM_CTEST" = 1 ] || for d in "$OUT"/run/*/; do f=("$d"coverage-*.dat); [ ${#f[@]} -gt 0 ] || basename "$d"; done | tr '\n' ' ')
python3 - "$OUT/merged.dat" "$OUT/runs.txt" "$FILTER" "${#DATS[@]}" "$NOFILE" >"$OUT/summary.md" <<'EOF'
import collections, re, sys
dat, runs, filt, nfiles, nofile = sys.argv[1:6]
# coverage.dat: C '<\001key\002value...>' count
pts = collections.defaultdict(lambda: [0, 0])  # (kind, module) -> [hit, total]
user = []                                       # (module, point, count, file:line, line)
for line in open(dat, encoding="latin-1"):
    m = re.match(r"C '(.*)' (\d+)$", line.rstrip("\n"))
    if not m:
        continue
    kv = dict(f.split("\x02", 1) for f in m.group(1).split("\x01") if "\x02" in f)
    page = kv.get("page", "?")                    # e.g. v_line/dmac_channel
    kind, _, mod = page.partition("/")
    kind = kind[2:] if kind.startswith("v_") else kind
    for key in ((kind, mod or "?"), (kind, "(all)")):
        pts[key][1] += 1
        pts[key][0] += int(m.group(2)) > 0
    if kind == "user":
        # hierarchy without the top: the channels' blocks are merged (u_ch.g_cov__BRA__*__KET__)
        name = re.sub(r"^TOP\.(platform_top\.u_dmac|dmac_top)\.", "", kv.get("h", kv.get("o", "?")))
        ln = int(kv["l"]) if kv.get("l", "").isdigit() else 0
        user.append((mod, name, int(m.group(2)), f"{kv.get('f', '?').split('/')[-1]}:{ln}", ln))
kinds = sorted({k for k, _ in pts})
with open(dat.replace("merged.dat", "totals.txt"), "w") as f:  # for --check: kind hit points
    f.writelines(f"{k} {pts[(k, '(all)')][0]} {pts[(k, '(all)')][1]}\n" for k in kinds)
mods = sorted({m for _, m in pts if m != "(all)"}) + ["(all)"]
print("| module | " + " | ".join(f"{k} % (hit/points)" for k in kinds) + " |")
print("|---|" + "---|" * len(kinds))
for mod in mods:
    cells = []
    for k in kinds:
        h, t = pts.get((k, mod), (0, 0))
        cells.append(f"{100.0 * h / t:.1f} ({h}/{t})" if t else "-")
    print(f"| {mod} | " + " | ".join(cells) + " |")
st = collections.Counter(l.split()[0] for l in open(runs) if l.strip())
secs = sum(int(l.split()[1]) for l in open(runs) if l.strip())
if st:
    print(f"\nTests (filter `{filt}`): {sum(st.values())} run, {st['PASS']} passed, "
          f"{st['FAIL']} failed, {st['TIMEOUT']} timed out; {secs} s of test wall time; "
          f"{nfiles} coverage files merged.")
else:
    print(f"\nTests: {filt}; {nfiles} coverage files merged.")
if nofile.strip():
    print(f"\nTests that created no RTL model (no coverage file): {nofile.strip()}")
if user:
    unhit = [u for u in user if u[2] == 0]
    print(f"\n## User cover points: {len(user) - len(unhit)}/{len(user)} hit\n")
    with open(dat.replace("merged.dat", "unhit_user.txt"), "w") as f:
        f.writelines(u[1] + "\n" for u in unhit)
    print("Unhit: " + (", ".join(f"`{u[1]}` ({u[3]})" for u in unhit) if unhit else "none") + "\n")
    print("| module | point | hits | source |")
    print("|---|---|---|---|")
    for u in sorted(user, key=lambda u: (u[2] != 0, u[0], u[4], u[1])):
        print(f"| {u[0]} | {u[1]} | {u[2]} | {u[3]} |")
EOF
cat "$OUT/summary.md"
echo "coverage: report in $OUT (summary.md, annotated/, merged.dat)"
rc=0
if grep -qv '^PASS ' "$OUT/runs.txt"; then
  echo "coverage: a test failed or timed out (logs in $OUT/logs)" >&2
  rc=1
fi
if [ "$CHECK" = 1 ]; then
  touch "$OUT/unhit_user.txt"
  python3 "$ROOT/scripts/coverage_check.py" "$FLOOR" "$OUT/totals.txt" "$OUT/unhit_user.txt" || rc=1
fi
exit "$rc"
