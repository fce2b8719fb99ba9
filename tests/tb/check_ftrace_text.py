#!/usr/bin/env python3
"""Checks an ftrace-text export (scripts/trace_to_ftrace.py) against the
`trace` file layout: the "# tracer:" header with the entry count, every
event line `COMM-PID [CPU] FLAGS TIMESTAMP: EVENT: TEXT`, timestamps that
never go back, sched_switch lines that chain (prev is the task on the CPU,
written from its context, and the next line's task is the one switched to),
and tracing_mark_write slices "B|pid|name" / "E|pid" that nest per task.

usage: check_ftrace_text.py FILE [--expect-seed-bug]
       check_ftrace_text.py --selftest
--expect-seed-bug: the 2010 driver's run: alsa-ctl gets the CPU, marks
"trigger START", and then "V-BH-1: ..." with hardirqs off (flag d or D).
"""
import argparse
import re
import sys

LINE = re.compile(r"^ *(?P<comm>.+?)-(?P<pid>\d+) +\[(?P<cpu>\d{3})\] (?P<flags>[.dbD][.N][.hsH][.0-9][.0-9]) "
                  r"+(?P<ts>\d+\.\d{6}): (?P<event>\w+): (?P<text>.*)$")
SWITCH = re.compile(r"prev_comm=(?P<pc>.+) prev_pid=(?P<pp>\d+) prev_prio=\d+ prev_state=[RSD]\+? ==> "
                    r"next_comm=(?P<nc>.+) next_pid=(?P<np>\d+) next_prio=\d+$")


class FormatError(Exception):
    pass


def check(text):
    lines = text.split("\n")
    if not lines or lines[0] != "# tracer: nop":
        raise FormatError("line 1: not '# tracer: nop'")
    count = next((int(m.group(1)) for m in (re.match(r"# entries-in-buffer/entries-written: (\d+)/\1", x)
                                             for x in lines) if m), None)
    events = [x for x in lines if x and not x.startswith("#")]
    if count != len(events):
        raise FormatError(f"the header counts {count} entries, the file holds {len(events)}")
    last_ts, running, stacks, parsed = 0.0, None, {}, []
    for n, raw in enumerate(lines, 1):
        if not raw or raw.startswith("#"):
            continue
        m = LINE.match(raw)
        if not m:
            raise FormatError(f"line {n}: not an ftrace event line: {raw!r}")
        ts, pid = float(m["ts"]), int(m["pid"])
        if ts < last_ts:
            raise FormatError(f"line {n}: timestamp {ts} goes back (last {last_ts})")
        last_ts = ts
        if running is not None and pid != running:
            raise FormatError(f"line {n}: written by pid {pid} while pid {running} has the CPU")
        if m["event"] == "sched_switch":
            s = SWITCH.match(m["text"])
            if not s:
                raise FormatError(f"line {n}: malformed sched_switch: {m['text']!r}")
            if int(s["pp"]) != pid or s["pc"] != m["comm"]:
                raise FormatError(f"line {n}: sched_switch prev {s['pc']}-{s['pp']} written by {m['comm']}-{pid}")
            if s["pp"] == s["np"]:
                raise FormatError(f"line {n}: a task switched to itself")
            running = int(s["np"])
        elif m["event"] == "tracing_mark_write":
            t = m["text"]
            if t.startswith("B|") or t.startswith("E|"):
                parts = t.split("|")
                if not parts[1].isdigit() or int(parts[1]) != pid:
                    raise FormatError(f"line {n}: slice mark {t!r} names another pid than {pid}")
                if t.startswith("B|"):
                    if len(parts) < 3 or not parts[2]:
                        raise FormatError(f"line {n}: B mark without a name")
                    stacks.setdefault(pid, []).append(parts[2])
                elif not stacks.get(pid):
                    raise FormatError(f"line {n}: E|{pid} without an open B")
                else:
                    stacks[pid].pop()
        else:
            raise FormatError(f"line {n}: unexpected event {m['event']!r}")
        parsed.append(m)
    open_ = {p: s for p, s in stacks.items() if s}
    if open_:
        raise FormatError(f"slices never ended: {open_}")
    return parsed


def check_seed_bug(parsed):
    problems = []
    switch_to_ctl = [i for i, m in enumerate(parsed) if m["event"] == "sched_switch" and "next_comm=alsa-ctl " in m["text"]]
    start = [i for i, m in enumerate(parsed) if m["text"] == "trigger START" and m["comm"] == "alsa-ctl"]
    vbh = [i for i, m in enumerate(parsed) if m["text"].startswith("V-BH-1: ")]
    if not switch_to_ctl:
        problems.append("alsa-ctl never gets the CPU")
    if not start:
        problems.append("no 'trigger START' mark from alsa-ctl")
    if not vbh:
        problems.append("no 'V-BH-1: ...' mark")
    elif start and vbh[0] < start[0]:
        problems.append("V-BH-1 before the START trigger")
    elif parsed[vbh[0]]["flags"][0] not in "dD":
        problems.append(f"V-BH-1 marked with hardirqs on (flags {parsed[vbh[0]]['flags']})")
    if problems:
        raise FormatError("; ".join(problems))


def selftest():
    head = ("# tracer: nop\n#\n# entries-in-buffer/entries-written: {n}/{n}   #P:1\n#\n"
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n")

    def doc(*lines):
        return head.format(n=len(lines)) + "\n".join(lines) + "\n"
    sw = ("       swapper/0-0       [000] .....     0.000001: sched_switch: prev_comm=swapper/0 prev_pid=0 "
          "prev_prio=120 prev_state=R ==> next_comm=alsa-ctl next_pid=5 next_prio=120")
    good = [sw,
            "        alsa-ctl-5       [000] d....     0.000002: tracing_mark_write: B|5|snd_pcm_start",
            "        alsa-ctl-5       [000] d....     0.000002: tracing_mark_write: trigger START",
            "        alsa-ctl-5       [000] d....     0.000003: tracing_mark_write: V-BH-1: WARNING: x",
            "        alsa-ctl-5       [000] d....     0.000004: tracing_mark_write: E|5"]
    check_seed_bug(check(doc(*good)))
    bad = {
        "no header": "x\n",
        "wrong entry count": head.format(n=3) + "\n".join(good) + "\n",
        "a garbled line": doc(sw, "alsa-ctl 5 0.000002 tracing_mark_write: x"),
        "time going back": doc(sw, good[1].replace("0.000002", "0.000000"), good[4]),
        "a line from a task not on the CPU": doc(sw, good[1].replace("alsa-ctl-5", "aplay-4").replace("B|5", "B|4")),
        "a switch from a task not on the CPU": doc(sw, sw),
        "a switch naming another task as prev": doc(sw, good[1], good[4], sw.replace("swapper/0-0", "alsa-ctl-5").replace("0.000001", "0.000005")),
        "E without B": doc(sw, good[4]),
        "an unclosed slice": doc(sw, good[1]),
    }
    def rejected(what, run):
        try:
            run()
        except FormatError as err:
            return print(f"selftest: {what}: rejected ({err})")
        raise SystemExit(f"selftest: {what}: accepted")
    for what, text in bad.items():
        rejected(what, lambda: check(text))
    rejected("a run without V-BH-1", lambda: check_seed_bug(check(doc(sw, good[1], good[2], good[4]))))
    print("check_ftrace_text selftest: ok")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?")
    ap.add_argument("--expect-seed-bug", action="store_true")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    if not a.file:
        ap.error("FILE or --selftest")
    try:
        with open(a.file) as f:
            parsed = check(f.read())
        if a.expect_seed_bug:
            check_seed_bug(parsed)
    except (OSError, FormatError) as err:
        print(f"{a.file}: {err}")
        return 1
    switches = sum(m["event"] == "sched_switch" for m in parsed)
    print(f"{a.file}: ok, {len(parsed)} events, {switches} sched_switch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
