#!/usr/bin/env python3
"""Checks a trace-events file written by `dmacosim run ... --trace`
(OUT/<scenario>.trace.json, Chrome JSON trace events as Perfetto opens them).

usage: check_trace_events.py FILE [--expect-seed-bug | --expect-clean] [--window START_US:END_US]
       check_trace_events.py --selftest

Format rules (always): the file parses as JSON with a traceEvents array;
every event has the fields its phase needs; B/E slices nest per thread track
(an E ends the innermost open slice of the same name) and all are closed;
timestamps never go back on a thread track, an async span or a counter;
async b/e spans pair up per (cat, id) and nest; counters carry a numeric value.

--expect-seed-bug: the 2010 driver's run (--driver=legacy-bh) shows the story:
a "trigger START" instant, a spin_lock_bh hold of the DMA channel lock taken
inside the trigger (its context chain names snd_pcm_start) that ends at or
before the V-BH-1 instant, the V-BH-1 instant with the report text,
hardirq and tasklet slices, DMA descriptor spans through submitted -> issued
-> on hardware with a callback, and the FIFO / hw_ptr / appl_ptr counters.
--expect-clean: the same spans and counters, no validator instant and no
spin_lock_bh hold.

--window: every timestamp lies in [START_US, END_US] (a --trace-window run)
and the file is not empty.

--selftest: feeds the checker broken traces (one per rule) and requires each
to be rejected, and a well-formed one to pass.
"""
import json
import sys


class TraceError(Exception):
    pass


def check_format(doc):
    """Returns the events, or raises TraceError naming the first broken rule."""
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        raise TraceError("no traceEvents array")
    events = doc["traceEvents"]
    slices = {}  # (pid, tid) -> stack of names
    last_ts = {}  # track key -> ts
    asyncs = {}  # (cat, id) -> stack of names

    def monotonic(key, ts, i):
        if key in last_ts and ts < last_ts[key]:
            raise TraceError(f"event {i}: ts {ts} goes back on {key} (last {last_ts[key]})")
        last_ts[key] = ts

    for i, e in enumerate(events):
        if not isinstance(e, dict) or "ph" not in e:
            raise TraceError(f"event {i}: no ph")
        ph = e["ph"]
        need = {"M": ("name", "pid", "args"), "B": ("name", "ts", "pid", "tid"), "E": ("ts", "pid", "tid"),
                "i": ("name", "ts", "pid", "tid", "s"), "C": ("name", "ts", "pid", "args"),
                "b": ("name", "ts", "pid", "cat", "id"), "e": ("ts", "pid", "cat", "id")}.get(ph)
        if need is None:
            raise TraceError(f"event {i}: unexpected ph {ph!r}")
        for f in need:
            if f not in e:
                raise TraceError(f"event {i} (ph {ph}): missing {f}")
        if ph == "M":
            continue
        ts = e["ts"]
        if not isinstance(ts, (int, float)) or ts < 0:
            raise TraceError(f"event {i}: bad ts {ts!r}")
        if ph in "BEi":
            key = (e["pid"], e["tid"])
            monotonic(("thread",) + key, ts, i)
            stack = slices.setdefault(key, [])
            if ph == "B":
                stack.append(e["name"])
            elif ph == "E":
                if not stack:
                    raise TraceError(f"event {i}: E without an open slice on {key}")
                top = stack.pop()
                if "name" in e and e["name"] != top:
                    raise TraceError(f"event {i}: E {e['name']!r} ends {top!r}: slices do not nest on {key}")
        elif ph == "C":
            if not isinstance(e["args"], dict) or not e["args"] or not all(
                    isinstance(v, (int, float)) for v in e["args"].values()):
                raise TraceError(f"event {i}: counter without a numeric value")
            monotonic(("counter", e["pid"], e["name"]), ts, i)
        else:
            key = (e["cat"], e["id"])
            monotonic(("async",) + key, ts, i)
            stack = asyncs.setdefault(key, [])
            if ph == "b":
                stack.append(e["name"])
            else:
                if not stack:
                    raise TraceError(f"event {i}: async end without a begin for {key}")
                top = stack.pop()
                if "name" in e and e["name"] != top:
                    raise TraceError(f"event {i}: async end {e['name']!r} ends {top!r} for {key}")
                if not stack:
                    del asyncs[key]
    for key, stack in slices.items():
        if stack:
            raise TraceError(f"slices never ended on {key}: {stack}")
    if asyncs:
        key, stack = next(iter(asyncs.items()))
        raise TraceError(f"{len(asyncs)} async spans never ended, e.g. {key}: {stack}")
    return events


def spans(events):
    """Async spans as dicts: cat, id, name, begin, end, args (of the begin)."""
    open_ = {}
    out = []
    for e in events:
        if e["ph"] == "b":
            open_.setdefault((e["cat"], e["id"]), []).append(
                {"cat": e["cat"], "id": e["id"], "name": e["name"], "begin": e["ts"], "args": e.get("args", {})})
        elif e["ph"] == "e":
            s = open_[(e["cat"], e["id"])].pop()
            s["end"] = e["ts"]
            out.append(s)
    return out


def check_story(events, seed_bug):
    problems = []
    instants = [e for e in events if e["ph"] == "i"]
    starts = [e for e in instants if e["name"] == "trigger START"]
    if not starts:
        problems.append("no 'trigger START' instant")
    reports = [e for e in instants if e.get("cat") == "validator"]
    vbh = [e for e in reports if e["name"] == "V-BH-1"]
    all_spans = spans(events)
    bh_holds = [s for s in all_spans if s["cat"] == "lock" and s["args"].get("mode") == "spin_lock_bh"]
    if seed_bug:
        if not vbh:
            problems.append("no V-BH-1 instant")
        elif "spin_unlock_bh" not in vbh[0].get("args", {}).get("report", "") and \
                "local_bh_enable" not in vbh[0].get("args", {}).get("report", ""):
            problems.append("the V-BH-1 instant does not carry the report text")
        in_trigger = [s for s in bh_holds if "snd_pcm_start" in s["args"].get("context", "")]
        if not in_trigger:
            problems.append("no spin_lock_bh hold taken inside snd_pcm_start")
        elif starts and vbh:
            s = in_trigger[0]
            if not (starts[0]["ts"] <= s["begin"] <= s["end"] <= vbh[0]["ts"]):
                problems.append(f"trigger START {starts[0]['ts']} / spin_lock_bh hold {s['begin']}..{s['end']} / "
                                f"V-BH-1 {vbh[0]['ts']} are not in that order")
    else:
        if reports:
            problems.append(f"validator instants in a clean run: {[e['name'] for e in reports]}")
        if bh_holds:
            problems.append("spin_lock_bh holds in a clean run (the fixed driver uses irqsave)")
    b_events = [e for e in events if e["ph"] == "B"]
    if not any(e.get("cat") == "hardirq" and e["name"].startswith("hardirq:") for e in b_events):
        problems.append("no hardirq handler slice")
    if not any(e["name"].startswith("softirq:tasklet ") for e in b_events):
        problems.append("no tasklet slice")
    if not any(e.get("cat") == "function" and e["name"] == "snd_pcm_start" for e in b_events):
        problems.append("no snd_pcm_start function slice")
    desc_phases = {s["name"] for s in all_spans if s["cat"] == "dma"}
    for phase in ("prepared", "submitted", "issued", "on hardware", "callback"):
        if phase not in desc_phases:
            problems.append(f"no DMA descriptor phase {phase!r}")
    if not any(s["cat"] == "dma" and s["name"] == "submitted" and s["args"].get("cookie") for s in all_spans):
        problems.append("descriptor spans carry no cookie")
    counters = {e["name"] for e in events if e["ph"] == "C"}
    for want in ("audio FIFO level", "hw_ptr", "appl_ptr", "irq 1: DMA controller", "residue (bytes)",
                 "hardirqs off"):
        if not any(want in c for c in counters):
            problems.append(f"no counter {want!r}")
    problems += axi_counter_problems(events)
    if problems:
        raise TraceError("; ".join(problems))


AXI_COUNTERS = ("AXI reads outstanding (bursts)", "AXI writes outstanding (bursts)")


def axi_counter_problems(events):
    """The AXI bursts in flight per direction: present, whole numbers from 0
    to the controller's limit (CAPS1.MAX_OUTSTANDING fits 8 bits), and the
    bus goes busy and back to idle at least once."""
    problems = []
    for name in AXI_COUNTERS:
        values = [e["args"]["value"] for e in events if e["ph"] == "C" and e["name"] == name]
        if not values:
            problems.append(f"no counter {name!r}")
            continue
        bad = [v for v in values if v != int(v) or not 0 <= v <= 255]
        if bad:
            problems.append(f"{name}: impossible values {bad[:3]}")
        elif max(values) < 1 or 0 not in values[values.index(max(values)):]:
            problems.append(f"{name}: never busy and back to 0 ({values[:6]}...)")
    return problems


def selftest():
    def ev(ph, ts=0.0, **kw):
        e = {"ph": ph, "ts": ts, "pid": 1, "tid": 1}
        e.update(kw)
        return e

    good = [{"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "t"}},
            ev("B", 1, name="a"), ev("B", 2, name="b"), ev("i", 2.5, name="x", s="t"), ev("E", 3, name="b"),
            ev("E", 4, name="a"), ev("b", 1, name="L", cat="lock", id="0x1"), ev("e", 2, name="L", cat="lock", id="0x1"),
            ev("C", 1, name="c", args={"value": 3})]
    check_format({"traceEvents": good})
    bad = {
        "no traceEvents": {"events": good},
        "missing field": {"traceEvents": [{"ph": "B", "ts": 1, "pid": 1, "tid": 1}]},
        "crossed slices": {"traceEvents": [ev("B", 1, name="a"), ev("B", 2, name="b"), ev("E", 3, name="a"),
                                           ev("E", 4, name="b")]},
        "unclosed slice": {"traceEvents": [ev("B", 1, name="a")]},
        "E without B": {"traceEvents": [ev("E", 1, name="a")]},
        "time going back": {"traceEvents": [ev("B", 2, name="a"), ev("E", 1, name="a")]},
        "unpaired async": {"traceEvents": [ev("b", 1, name="L", cat="lock", id="0x1")]},
        "async end without begin": {"traceEvents": [ev("e", 1, name="L", cat="lock", id="0x1")]},
        "counter without value": {"traceEvents": [ev("C", 1, name="c", args={"value": "x"})]},
        "unknown phase": {"traceEvents": [ev("Q", 1, name="a")]},
    }
    for what, doc in bad.items():
        try:
            check_format(doc)
        except TraceError as err:
            print(f"selftest: {what}: rejected ({err})")
            continue
        raise SystemExit(f"selftest: {what}: accepted")
    # The story checks fire on a well-formed trace without the story.
    try:
        check_story(good, seed_bug=True)
    except TraceError as err:
        print(f"selftest: a trace without the seed-bug story: rejected ({err})")
    else:
        raise SystemExit("selftest: a trace without the seed-bug story was accepted")
    # The AXI counters: a burst in flight and back is accepted; a count below
    # zero and a bus that never drains are not.
    def axi(values):
        return [ev("C", i, name=n, args={"value": v}) for n in AXI_COUNTERS for i, v in enumerate(values)]
    if axi_counter_problems(axi([0, 1, 2, 0])):
        raise SystemExit(f"selftest: good AXI counters rejected: {axi_counter_problems(axi([0, 1, 2, 0]))}")
    for what, values in (("an AXI count below zero", [0, 1, -1, 0]), ("an AXI bus that never drains", [0, 1, 2])):
        problems = axi_counter_problems(axi(values))
        if not problems:
            raise SystemExit(f"selftest: {what}: accepted")
        print(f"selftest: {what}: rejected ({problems[0]})")
    print("check_trace_events selftest: ok")


def main(argv):
    if argv[1:] == ["--selftest"]:
        selftest()
        return 0
    if len(argv) < 2:
        print(__doc__)
        return 2
    path = argv[1]
    try:
        with open(path) as f:
            doc = json.load(f)
        events = check_format(doc)
        if "--window" in argv[2:]:
            lo, hi = (float(x) for x in argv[argv.index("--window") + 1].split(":"))
            ts = [e["ts"] for e in events if "ts" in e]
            if not ts:
                raise TraceError("no timed event in the window")
            if min(ts) < lo or max(ts) > hi:
                raise TraceError(f"events from {min(ts)} to {max(ts)} us, outside the window {lo}..{hi} us")
        if "--expect-seed-bug" in argv[2:]:
            check_story(events, seed_bug=True)
        elif "--expect-clean" in argv[2:]:
            check_story(events, seed_bug=False)
    except (OSError, ValueError, TraceError) as err:
        print(f"{path}: {err}")
        return 1
    kinds = {}
    for e in events:
        kinds[e["ph"]] = kinds.get(e["ph"], 0) + 1
    print(f"{path}: ok, {len(events)} events " + " ".join(f"{k}:{v}" for k, v in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
