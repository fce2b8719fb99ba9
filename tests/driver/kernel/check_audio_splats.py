#!/usr/bin/env python3
"""The headline scenario's splats, in Linux 6.1's format, with real Call Traces.

usage: check_audio_splats.py DMACOSIM OUTDIR

1. `dmacosim run audio --driver=legacy-bh` (the 2010 DMA driver): the
   V-BH-1 WARN is a 6.1 __warn() (cut here, "WARNING: CPU: 0 PID: N at
   kernel/softirq.c:376 __local_bh_enable_ip+0x..", Modules linked in, RIP,
   Call Trace, end trace) whose Call Trace names the provider's tx_submit
   (dmac_tx_submit) and the ALSA trigger path (snd_pcm_* and a *trigger*
   function); every lockdep splat has the rule lines, title, kernel ident,
   the unsafe locking scenario, *** DEADLOCK ***, the held locks (#0:) and
   "stack backtrace:" with a Call Trace; dmacosim.log carries the same text.
2. `dmacosim run audio` (the fixed driver): exit 0, no validator report, no
   WARNING/BUG line in the log.
"""
import json
import os
import re
import shutil
import subprocess
import sys

IDENT = r"6\.1\.0-dmacosim #1 (Not tainted|Tainted: G {8}W {9})"
TITLES = {
    "L-1": ("WARNING: inconsistent lock state", 32),
    "L-2": ("WARNING: possible irq lock inversion dependency detected", 56),
    "L-3": (None, 53),  # HARDIRQ- or SOFTIRQ-safe -> -unsafe
    "L-4": ("WARNING: possible circular locking dependency detected", 54),
    "L-5": ("WARNING: possible recursive locking detected", 44),
}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(exe, out, args):
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    p = subprocess.run([exe, "run", "audio", "--out=" + out, "--quiet"] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300, env=env)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(out, "dmacosim.log"), errors="replace") as f:
        log = f.read()
    return p.returncode, summary, log, p.stdout.decode(errors="replace")


def call_trace(msg):
    """Frame names of the (last) Call Trace block."""
    m = list(re.finditer(r"Call Trace:\n((?: [^\n]*\n)+)", msg))
    if not m:
        return []
    return [re.match(r" (\S+)", l).group(1) for l in m[-1].group(1).splitlines() if l.strip()]


def frame_names(msg):
    return [re.sub(r"\+0x[0-9a-f]+/0x[0-9a-f]+$", "", f) for f in call_trace(msg)]


def check_warn(r):
    m = r["message"]
    pat = (r"^------------\[ cut here \]------------\n"
           r"WARNING: CPU: 0 PID: \d+ at kernel/softirq\.c:37[56] __local_bh_enable_ip\+0x[0-9a-f]+/0x[0-9a-f]+\n"
           r"Modules linked in:\n"
           r"CPU: 0 PID: \d+ Comm: \S+ (Not tainted|Tainted: G {8}W {9}) 6\.1\.0-dmacosim #1\n"
           r"Hardware name: [^\n]+\n"
           r"(RIP: 0010:[^\n]+ \[inline\]\n)*RIP: 0010:__local_bh_enable_ip\+0x[0-9a-f]+/0x[0-9a-f]+\n"
           r"Call Trace:\n( <IRQ>\n( [^\n]+\n)+ </IRQ>\n)? <TASK>\n( [^\n]+\n)+ </TASK>\n"
           r"dmacosim: [^\n]+\n"
           r"dmacosim context chain: [^\n]+\n"
           r"---\[ end trace 0000000000000000 \]---\n$")
    if not re.search(pat, m):
        fail("V-BH-1 is not a 6.1 __warn():\n" + m)
    return frame_names(m)


def check_lockdep(r):
    m = r["message"]
    title, width = TITLES[r["rule"]]
    if title is None:
        title = r["headline"]
        if not re.fullmatch(r"WARNING: (HARD|SOFT)IRQ-safe -> (HARD|SOFT)IRQ-unsafe lock order detected", title):
            fail("L-3 title %r" % title)
    head = "=" * width + "\n" + title + "\n"
    if not m.startswith(head) or not re.match(re.escape(head) + IDENT + "\n" + "-" * width + "\n", m):
        fail("%s: rule lines / title / kernel ident:\n%s" % (r["rule"], m))
    for needle in ["\nother info that might help us debug this:\n", "locking scenario:\n",
                   "\n *** DEADLOCK ***\n", "\nstack backtrace:\nCPU: 0 PID: ", "\nCall Trace:\n",
                   "\ndmacosim context chain: "]:
        if needle not in m:
            fail("%s: no %r in:\n%s" % (r["rule"], needle, m))
    if not re.search(r"\n\d+ locks? held by [^\n]+:\n #0: [0-9a-f]{16} \(", m):
        fail("%s: no held locks (#0:) in:\n%s" % (r["rule"], m))
    if not re.search(r"\n[0-9a-f]{16} \([^)]+\)\{[-+?.]{4}\}, at: ", m):
        fail("%s: no lock with usage and at: site in:\n%s" % (r["rule"], m))
    return frame_names(m)


def main():
    exe, out = sys.argv[1:3]
    rc, s, log, text = run(exe, os.path.join(out, "legacy"), ["--driver=legacy-bh"])
    reps = s.get("validator_reports", [])
    if rc == 0 or not reps:
        fail("legacy-bh: exit %d, %d reports\n%s" % (rc, len(reps), text[-3000:]))
    bh = [r for r in reps if r["rule"] == "V-BH-1"]
    if not bh:
        fail("legacy-bh: no V-BH-1: %r" % [r["rule"] for r in reps])
    ok = False
    for r in bh:
        names = check_warn(r)
        if ("dmac_tx_submit" in names and any(n.startswith("snd_pcm_") for n in names)
                and any("trigger" in n for n in names)):
            ok = True
    if not ok:
        fail("no V-BH-1 Call Trace naming dmac_tx_submit, snd_pcm_* and the trigger:\n" + bh[0]["message"])
    lockdep = [r for r in reps if r["rule"] in TITLES]
    if not lockdep:
        fail("legacy-bh: no lockdep splat: %r" % [r["rule"] for r in reps])
    for r in lockdep:
        names = check_lockdep(r)
        if not any(n.startswith("dmac_") or n.startswith("snd_") for n in names):
            fail("%s: Call Trace names no driver function: %r" % (r["rule"], names))
    for r in reps:
        if r["message"].split("\n")[0] not in log and r["message"].split("\n")[1] not in log:
            fail("%s not in dmacosim.log" % r["rule"])
    print("legacy-bh: %d reports in 6.1 format (%s)" % (len(reps), " ".join(sorted({r["rule"] for r in reps}))))

    rc, s, log, text = run(exe, os.path.join(out, "fixed"), [])
    reps = s.get("validator_reports", [])
    if rc != 0 or reps:
        fail("fixed driver: exit %d, reports %r\n%s" % (rc, [r["rule"] for r in reps], text[-3000:]))
    bad = [l for l in log.splitlines() if re.match(r"(WARNING|BUG): ", l)]
    if bad:
        fail("fixed driver: splat lines in the log: %r" % bad[:5])
    print("fixed driver: clean")


if __name__ == "__main__":
    main()
