#!/usr/bin/env python3
"""Run `dmacosim run audio ...` and check its exit code, summary.json and WAV.

usage: run_audio_check.py DMACOSIM OUTDIR MODE -- [dmacosim options...]
MODE: clean     exit 0, bit_exact, 0 underruns (beyond injected), 0 validator
                reports, periods counted by position (residue pointer at the
                callbacks) == periods_elapsed, 0 < period_irqs (callbacks)
                <= periods_elapsed (merged periods give one callback),
                >= 100 cycles if asked
      legacy    exit != 0, V-BH-1 from tx_submit under the trigger and the
                HARDIRQ-safe -> HARDIRQ-unsafe report, each with contexts
      xrun      exit 0, exactly one xrun
      stall     (with --ram-stall-at=R) the port starved: exit 0, exactly one
                xrun, underruns > 0 and all of them injected by the stall,
                restarted runs after R, bit_exact, 0 validator reports,
                the period accounting of clean
Always: the WAV has a canonical RIFF/WAVE PCM header (16-bit stereo 48 kHz)
whose data size matches frames_expected, and Python's wave module reads it.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import wave


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check_wav(path, frames):
    with open(path, "rb") as f:
        hdr = f.read(44)
        size = os.path.getsize(path)
    if len(hdr) < 44:
        fail("WAV shorter than its header")
    riff, riff_size, wavefmt, fmt_id, fmt_size, tag, ch, rate, byte_rate, align, bits, data_id, data_size = \
        struct.unpack("<4sI4s4sIHHIIHH4sI", hdr)
    expect = (b"RIFF", b"WAVE", b"fmt ", 16, 1, 2, 48000, 48000 * 4, 4, 16, b"data")
    got = (riff, wavefmt, fmt_id, fmt_size, tag, ch, rate, byte_rate, align, bits, data_id)
    if got != expect:
        fail("WAV header %r, expected %r" % (got, expect))
    if riff_size != size - 8 or data_size != size - 44:
        fail("WAV sizes: RIFF %d data %d file %d" % (riff_size, data_size, size))
    if data_size != frames * 4:
        fail("WAV holds %d frames, summary says %d" % (data_size // 4, frames))
    with wave.open(path, "rb") as w:
        if (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) != (2, 2, 48000, frames):
            fail("wave module reads %r" % ((w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()),))


def check_periods(s):
    # By position, not by counting callbacks: a late DMA tasklet merges
    # periods into one callback (Linux virt-dma), so callbacks may be fewer.
    if s["periods_by_position"] != s["periods_elapsed"] or s["periods_elapsed"] == 0:
        fail("periods_by_position %d != periods_elapsed %d" % (s["periods_by_position"], s["periods_elapsed"]))
    if not 0 < s["period_irqs"] <= s["periods_elapsed"]:
        fail("period_irqs (callbacks) %d not in 1..periods_elapsed %d" % (s["period_irqs"], s["periods_elapsed"]))


def main():
    exe, out, mode = sys.argv[1:4]
    args = sys.argv[sys.argv.index("--") + 1:]
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([exe, "run", "audio", "--out=" + out, "--quiet"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    text = p.stdout.decode(errors="replace")
    tail = "\n".join(l for l in text.splitlines() if "checker" not in l)[-4000:]
    print(tail)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    reps = s["validator_reports"]
    if mode == "clean":
        if p.returncode != 0:
            fail("exit code %d" % p.returncode)
        if not s["bit_exact"]:
            fail("bit_exact false")
        if s["underruns"] != s["injected_underruns"]:
            fail("underruns %d" % s["underruns"])
        if reps:
            fail("validator reports: %r" % [r["rule"] for r in reps])
        check_periods(s)
        want = [a for a in args if a.startswith("--start-stop=")]
        if want and s["start_stop_cycles"] < int(want[0].split("=")[1]):
            fail("only %d cycles" % s["start_stop_cycles"])
        if s["frames_played"] != s["frames_expected"] and s["injected_underruns"] == 0:
            fail("frames_played %d != frames_expected %d" % (s["frames_played"], s["frames_expected"]))
    elif mode == "legacy":
        if p.returncode == 0:
            fail("the 2010 driver ran clean (exit 0)")
        bh = [r for r in reps if r["rule"] == "V-BH-1" and any("tx_submit" in c and "snd_pcm_start" in c
                                                               for c in r["contexts"])]
        if not bh:
            fail("no V-BH-1 from tx_submit under the trigger: %r" % [(r["rule"], r["contexts"]) for r in reps])
        l3 = [r for r in reps if r["rule"] == "L-3" and "HARDIRQ-safe -> HARDIRQ-unsafe" in r["headline"]]
        if not l3 or not l3[0]["contexts"] or not l3[0]["locks"]:
            fail("no HARDIRQ-safe -> HARDIRQ-unsafe report with contexts: %r" % [r["rule"] for r in reps])
        if not s["bit_exact"]:
            fail("bit_exact false (the data path must still be right)")
    elif mode == "xrun":
        if p.returncode != 0:
            fail("exit code %d" % p.returncode)
        if s["xruns"] != 1 or reps or not s["bit_exact"]:
            fail("xruns %d, reports %d, bit_exact %r" % (s["xruns"], len(reps), s["bit_exact"]))
    elif mode == "stall":
        if p.returncode != 0:
            fail("exit code %d" % p.returncode)
        stall = [a for a in args if a.startswith("--ram-stall-at=")]
        if not stall:
            fail("stall mode needs --ram-stall-at=R")
        at = int(stall[0].split("=")[1])
        if s["xruns"] != 1:
            fail("xruns %d: the starved port's underrun was not reported as one xrun" % s["xruns"])
        if s["injected_underruns"] == 0 or s["underruns"] != s["injected_underruns"]:
            fail("underruns %d, injected %d" % (s["underruns"], s["injected_underruns"]))
        if s["start_stop_cycles"] < at + 3:
            fail("only %d cycles: need runs after the stall (run %d)" % (s["start_stop_cycles"], at))
        if not s["bit_exact"] or reps:
            fail("bit_exact %r, reports %r" % (s["bit_exact"], [r["rule"] for r in reps]))
        check_periods(s)
    else:
        fail("unknown mode " + mode)
    check_wav(os.path.join(out, "audio.wav"), s["frames_expected"])
    print("OK: %s (%s)" % (mode, " ".join(args)))


if __name__ == "__main__":
    main()
