#!/usr/bin/env python3
"""Exports the software timeline `dmacosim run ... --trace` writes
(OUT/<scenario>.trace.json) as ftrace text, the `trace` file / `trace-cmd
report` layout, for people who read traces with less, grep or trace-cmd-style
tools (Perfetto opens it too).

usage: trace_to_ftrace.py TRACE.json OUT.txt

What it writes, one CPU (000), in time order (seconds, 6 decimals as ftrace
prints them; events of one microsecond keep the order they happened in):
  - sched_switch each time another task gets the CPU (from the tasks'
    process slices). The model does not record why a task left the CPU, so
    prev_state is S, except R for the idle task (swapper/0); prio is 120.
  - tracing_mark_write with Perfetto's slice syntax for what the kernel does
    inside a task: "B|pid|hardirq:dmac", "B|pid|softirq:tasklet ...", the
    annotated functions ("B|pid|snd_pcm_start"), each closed by "E|pid".
  - tracing_mark_write for the instants: each PCM trigger ("trigger START")
    and each validator report ("V-BH-1: <headline>").
The flags column is ftrace's irq-info: d = hardirqs off, b = softirq count
above 0 (bottom halves off or a softirq running; D = both), h / s = in a
hardirq / softirq (H: a hardirq that interrupted a softirq); need-resched,
preempt depth and migrate-disable are left out ('.').
"""
import json
import re
import sys

HEADER = """# tracer: nop
#
# entries-in-buffer/entries-written: {n}/{n}   #P:1
#
#                                _-----=> irqs-off/BH-disabled
#                               / _----=> need-resched
#                              | / _---=> hardirq/softirq
#                              || / _--=> preempt-depth
#                              ||| / _-=> migrate-disable
#                              |||| /     delay
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
"""


def task_of(thread_name):
    """'aplay [4]' -> ('aplay', 4)."""
    m = re.match(r"(.*) \[(\d+)\]$", thread_name)
    return (m.group(1), int(m.group(2))) if m else (thread_name, 0)


def convert(doc):
    events = doc["traceEvents"]
    tasks = {}  # tid -> (comm, pid)
    lines = []
    running = None  # (comm, pid) on the CPU
    last_out = ("swapper/0", 0)
    stacks = {}  # tid -> [cat] of open slices
    irqs_off = bh_off = 0

    def flags(tid):
        cats = stacks.get(tid, [])
        hard = "hardirq" in cats
        soft = "softirq" in cats
        ctx = "H" if hard and soft else "h" if hard else "s" if soft else "."
        off = "D" if irqs_off and bh_off else "d" if irqs_off else "b" if bh_off else "."
        return off + "." + ctx + ".."

    def line(task, tid, ts_us, event, text):
        comm, pid = task
        lines.append(f"{comm[-16:]:>16}-{pid:<7} [000] {flags(tid)} {ts_us / 1e6:12.6f}: {event}: {text}")

    for e in events:
        ph = e["ph"]
        if ph == "M" and e["name"] == "thread_name" and e["pid"] == 1:
            tasks[e["tid"]] = task_of(e["args"]["name"])
            continue
        if e.get("pid") == 1 and ph == "C" and e["name"] == "hardirqs off":
            irqs_off = e["args"]["value"]
            continue
        if e.get("pid") == 1 and ph == "C" and e["name"].startswith("softirq count > 0"):
            bh_off = e["args"]["value"]
            continue
        if e.get("pid") != 1 or ph not in ("B", "E", "i"):
            continue
        tid = e["tid"]
        task = tasks.get(tid, ("?", tid))
        ts = e["ts"]
        cat = e.get("cat", "")
        if ph == "B":
            if cat == "process":
                prev = running or last_out
                if prev != task:
                    prev_state = "R" if prev[1] == 0 else "S"
                    line(prev, None, ts, "sched_switch",
                         f"prev_comm={prev[0]} prev_pid={prev[1]} prev_prio=120 prev_state={prev_state} ==> "
                         f"next_comm={task[0]} next_pid={task[1]} next_prio=120")
                running = task
                stacks[tid] = ["process"]
            else:
                stacks.setdefault(tid, []).append(cat)
                line(task, tid, ts, "tracing_mark_write", f"B|{task[1]}|{e['name']}")
        elif ph == "E":
            if cat == "process":
                running, last_out = None, task
                stacks[tid] = []
            else:
                line(task, tid, ts, "tracing_mark_write", f"E|{task[1]}")
                if stacks.get(tid):
                    stacks[tid].pop()
        else:
            text = e["name"]
            if e.get("cat") == "validator":
                headline = e.get("args", {}).get("headline") or e.get("args", {}).get("report", "").split("\n")[0]
                text = f"{e['name']}: {headline}" if headline else e["name"]
            line(task, tid, ts, "tracing_mark_write", text.replace("\n", " "))
    return HEADER.format(n=len(lines)) + "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    try:
        with open(argv[1]) as f:
            doc = json.load(f)
        text = convert(doc)
    except (OSError, ValueError, KeyError) as err:
        print(f"trace_to_ftrace: {argv[1]}: {err}", file=sys.stderr)
        return 1
    with open(argv[2], "w") as f:
        f.write(text)
    print(f"trace_to_ftrace: {argv[2]}: {text.count(chr(10)) - HEADER.count(chr(10))} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
