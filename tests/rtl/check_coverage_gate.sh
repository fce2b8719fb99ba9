#!/usr/bin/env bash
# Self-test of the coverage gate (scripts/coverage_check.py, run by
# `scripts/coverage.sh --check`): it passes figures at their floors, and fails,
# naming the cause, on a kind below its floor and on a newly unhit cover point.
set -euo pipefail
CHECK="$(dirname "$0")/../../scripts/coverage_check.py"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
cat >"$T/floor" <<'F'
line 99.0   # comment
toggle 70
unhit u_rd.cov_allowed
F
fail() { echo "check_coverage_gate: $*" >&2; exit 1; }

printf 'line 990 1000\ntoggle 70 100\nuser 9 10\n' >"$T/totals"
printf 'u_rd.cov_allowed\n' >"$T/unhit"
python3 "$CHECK" "$T/floor" "$T/totals" "$T/unhit" >"$T/out" || fail "figures at the floors were rejected: $(cat "$T/out")"

printf 'line 989 1000\ntoggle 70 100\n' >"$T/totals"
if python3 "$CHECK" "$T/floor" "$T/totals" "$T/unhit" 2>"$T/err"; then fail "line 98.9 % passed a 99 % floor"; fi
grep -q "line coverage 98.9 % (989/1000) is below the floor 99.0 %" "$T/err" || fail "no clear message: $(cat "$T/err")"

printf 'line 995 1000\ntoggle 80 100\n' >"$T/totals"
printf 'u_rd.cov_allowed\nu_ch.g_cov__BRA__*__KET__.cov_dtc\n' >"$T/unhit"
if python3 "$CHECK" "$T/floor" "$T/totals" "$T/unhit" 2>"$T/err"; then fail "a newly unhit point passed"; fi
grep -q "user cover point u_ch.g_cov__BRA__\*__KET__.cov_dtc is no longer hit" "$T/err" || fail "no clear message: $(cat "$T/err")"

printf 'line 2 1000\n' >"$T/totals"  # toggle missing entirely: 0 %
if python3 "$CHECK" "$T/floor" "$T/totals" "$T/unhit" 2>/dev/null; then fail "a missing kind passed"; fi
echo "check_coverage_gate: ok"
