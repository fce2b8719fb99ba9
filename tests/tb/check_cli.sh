#!/usr/bin/env bash
# The dmacosim command as a user meets it: exit codes, summary.json, a reused
# --out, quiet clean runs, --help per scenario, --version, "did you mean".
# Each CASE is one ctest (tests/tb/CMakeLists.txt); README "Exit codes" and
# docs/bad-input.md list what they pin.
# usage: check_cli.sh DMACOSIM OUTDIR CASE
set -uo pipefail
exe="$1"; out="$2"; case="$3"
rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL ($case): $*"; exit 1; }
# run ARGS...: sets rc, and the output in $out/stdout, $out/stderr
run() { "$exe" "$@" > "$out/stdout" 2> "$out/stderr"; rc=$?; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
expect_rc() { [ "$rc" = "$1" ] || { cat "$out/stdout" "$out/stderr"; fail "exit code $rc, expected $1"; }; }
has() { grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' not in $(basename "$1")"; }; }
# wav_valid FILE: a RIFF/WAVE file whose header sizes match its length (the
# WAV is streamed and its header patched when it closes).
wav_valid() {
  python3 - "$1" <<'PY' || fail "$1: not a valid WAV"
import os, struct, sys
b = open(sys.argv[1], 'rb').read(44)
n = os.path.getsize(sys.argv[1])
assert b[:4] == b'RIFF' and b[8:16] == b'WAVEfmt ' and b[36:40] == b'data', 'header'
riff, = struct.unpack('<I', b[4:8]); data, = struct.unpack('<I', b[40:44])
assert riff == n - 8 and data == n - 44, f'sizes {riff} {data} for {n} bytes'
PY
}

case "$case" in
exit_0_clean_summary)
  # A clean run: exit 0, and summary.json records how to replay it.
  run run demo --quiet --out="$out/d" --seed 7 --bytes 4096
  expect_rc 0
  s="$out/d/summary.json"
  [ "$(json "$s" "d['exit_code'], d['exit_reason'], d['clean'], d['interrupted']")" = "(0, 'clean', True, False)" ] || fail "exit fields: $(cat "$s")"
  [ "$(json "$s" "d['command_line'][1:]")" = "['run', 'demo', '--quiet', '--out=$out/d', '--seed', '7', '--bytes', '4096']" ] || fail "command_line: $(json "$s" "d['command_line']")"
  [ "$(json "$s" "d['seed'], d['options']['seed'], d['options']['driver'], d['settings']")" = "(7, 7, 'virt-dma', {'bytes': 4096})" ] || fail "seed/options/settings"
  json "$s" "d['version']" | grep -c "^dmacosim .* (git .*)" > /dev/null || fail "version: $(json "$s" "d['version']")"
  json "$s" "d['start_time'] <= d['end_time'] and d['start_time'][:2] == '20'" | grep -c True > /dev/null || fail "times"
  # Defaults applied are recorded too.
  run run demo --quiet --out="$out/d2"
  [ "$(json "$out/d2/summary.json" "d['settings']")" = "{'bytes': 6000}" ] || fail "default setting not recorded"
  ;;
exit_1_findings)
  # A finding (the 2010 driver flagged): exit 1, the reason in the summary.
  run run audio --driver=legacy-bh --start-stop=3 --quiet --out="$out/a"
  expect_rc 1
  [ "$(json "$out/a/summary.json" "d['exit_code'], d['exit_reason']")" = "(1, 'findings')" ] || fail "summary"
  has "$out/stdout" "RESULT: FAILED: validator V-BH-1"
  ;;
exit_3_out_not_writable)
  # Environment: --out cannot be written: exit 3 before the run.
  mkdir -p "$out/ro"; chmod 555 "$out/ro"
  if [ -w "$out/ro" ]; then target=/proc/dmacosim-cannot-write-here; else target="$out/ro/sub"; fi
  run run demo --quiet --out="$target"
  chmod 755 "$out/ro"
  expect_rc 3
  has "$out/stderr" "--out=$target: cannot write there"
  [ ! -s "$out/stdout" ] || fail "something ran: $(cat "$out/stdout")"
  ;;
exit_4_internal_error)
  # An exception inside the model (injected through the test hook): exit 4,
  # its message, and a summary that says so; the same for a SystemC error.
  for kind in exception sc_report; do
    DMACOSIM_INJECT_INTERNAL_ERROR=$kind run run demo --quiet --out="$out/$kind"
    expect_rc 4
    has "$out/stderr" "dmacosim: internal error:"
    has "$out/stderr" "injected internal error"
    [ "$(json "$out/$kind/summary.json" "d['exit_code'], d['clean']")" = "(4, False)" ] || fail "summary"
    json "$out/$kind/summary.json" "d['exit_reason']" | grep -c "^internal error: .*injected internal error" > /dev/null || fail "exit_reason"
  done
  # The WAV streamed so far is closed too: a valid file.
  DMACOSIM_INJECT_INTERNAL_ERROR=exception run run audio --quiet --out="$out/audio"
  expect_rc 4
  wav_valid "$out/audio/audio.wav"
  # With --trace, the software timeline written so far is closed: valid JSON.
  DMACOSIM_INJECT_INTERNAL_ERROR=exception run run demo --quiet --trace --out="$out/traced"
  expect_rc 4
  [ "$(json "$out/traced/demo.trace.json" "len(d['traceEvents']) > 0")" = "True" ] || fail "demo.trace.json not closed"
  ;;
exit_130_interrupted)
  # Ctrl-C: the run stops at a safe point, writes summary.json (interrupted),
  # the log and the WAV so far, exits 130. SIGTERM the same.
  for sig in INT TERM; do
    "$exe" run audio --start-stop=1000000 --quiet --out="$out/$sig" > "$out/stdout" 2> "$out/stderr" &
    pid=$!
    sleep 2
    kill -$sig $pid
    wait $pid; rc=$?
    expect_rc 130
    s="$out/$sig/summary.json"
    [ "$(json "$s" "d['exit_code'], d['interrupted'], d['clean']")" = "(130, True, False)" ] || fail "summary: $(head -c 600 "$s")"
    json "$s" "d['exit_reason']" | grep -c "^interrupted by SIG$sig at" > /dev/null || fail "exit_reason"
    [ -s "$out/$sig/audio.wav" ] && [ -f "$out/$sig/dmacosim.log" ] || fail "WAV/log not written"
    wav_valid "$out/$sig/audio.wav"
    [ "$(stat -c %s "$out/$sig/audio.wav")" -gt 44 ] || fail "the WAV holds no frame"
    has "$out/stdout" "RESULT: INTERRUPTED: interrupted by SIG$sig"
    json "$s" "d['failures']" | grep -c "simulation hang" > /dev/null && fail "an interrupted run reported as a hang"
  done
  ;;
reused_out_is_emptied)
  # A reused --out keeps none of the previous run's outputs (no old trace
  # next to a new summary); files that are not outputs stay.
  run run audio --trace --start-stop=2 --quiet --out="$out/o"
  expect_rc 0
  [ -f "$out/o/audio.fst" ] && [ -f "$out/o/audio.wav" ] || fail "first run wrote no trace/WAV"
  echo keep > "$out/o/notes.txt"
  run run demo --quiet --out="$out/o"
  expect_rc 0
  for f in audio.fst audio.gtkw audio.wav; do [ ! -e "$out/o/$f" ] || fail "$f of the previous run kept"; done
  [ "$(json "$out/o/summary.json" "d['scenario']")" = demo ] || fail "summary"
  [ -f "$out/o/notes.txt" ] || fail "a file that is not an output was removed"
  ;;
clean_run_is_quiet)
  # A clean run with --quiet prints only the table; its log has no warning or
  # error line, though the run injects a memory stall (labelled "(injected)").
  run run audio --start-stop=40 --ram-stall-at=1 --quiet --out="$out/q"
  expect_rc 0
  [ ! -s "$out/stderr" ] || { cat "$out/stderr"; fail "stderr not empty"; }
  head -2 "$out/stdout" | tail -1 | grep -c '^-----' > /dev/null || fail "stdout does not start with the table"
  grep -vE '^$|^-+$|^dmacosim run audio$|^  |^RESULT: clean$|^outputs: ' "$out/stdout" && fail "lines outside the table"
  grep -iE 'warning|error' "$out/q/dmacosim.log" && fail "warning/error lines in the log of a clean run"
  has "$out/q/dmacosim.log" "(injected)"
  grep -qE '^\[ *[0-9]+\.[0-9]{6}\] [a-z]' "$out/q/dmacosim.log" || fail "log lines are not dmesg-like"
  grep -E '^\[[^]]*\] ([^:]+): \1: ' "$out/q/dmacosim.log" && fail "doubled prefix"
  grep -q "spurious claim" "$out/q/dmacosim.log" && fail "spurious claims in a clean run"
  # The check fires: the 2010 driver's findings reach stderr as warnings.
  run run audio --driver=legacy-bh --start-stop=3 --quiet --out="$out/l"
  expect_rc 1
  grep -q "warning" "$out/stderr" || fail "findings not on stderr"
  # Progress: on stderr only with --progress here (not a terminal).
  run run audio --start-stop=400 --progress --out="$out/p"
  expect_rc 0
  has "$out/stderr" "[audio] "
  has "$out/stderr" " (end)"
  grep -q "^\[audio\]" "$out/stdout" && fail "progress on stdout"
  ;;
scenario_help)
  # run SCENARIO --help: the scenario's settings, their defaults and meaning.
  for sc in demo audio memcpy sg faults seed-options; do
    run run $sc --help
    expect_rc 0
    has "$out/stdout" "settings of $sc"
    has "$out/stdout" "exit codes:"
  done
  run run audio --help; has "$out/stdout" "--ram-stall-at (default"
  run run memcpy --help; has "$out/stdout" "--threads (default 1)"
  run --help; expect_rc 0; has "$out/stdout" "130  interrupted"
  ;;
version)
  run --version
  expect_rc 0
  grep -qE '^dmacosim [0-9]+\.[0-9]+\.[0-9]+ \(git [^)]+\)$' "$out/stdout" || fail "$(cat "$out/stdout")"
  grep -qE '^Verilator [0-9]+\.[0-9]+' "$out/stdout" || fail "no Verilator version"
  grep -qE '^SystemC [0-9]+\.[0-9]+' "$out/stdout" || fail "no SystemC version"
  [ ! -s "$out/stderr" ] || fail "stderr: $(cat "$out/stderr") (the SystemC banner?)"
  ;;
*) fail "unknown case" ;;
esac
echo "ok: $case"
