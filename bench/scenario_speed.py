#!/usr/bin/env python3
"""Idle-cycle skipping, audio real-time factor and latencies.

Runs `dmacosim run SCENARIO` for demo and (when registered) audio, with idle
skipping on and with --no-idle-skip, REPEATS times each (interleaved, so load
changes hit both modes alike), and reports per mode the median wall time, the
simulated time, simulated seconds per wall second (real-time factor), DMA
cycles (evaluated / skipped where the scenario prints them) and the simulated
latencies the scenarios measure (demo: doorbell -> completion; audio: trigger
-> first sample at the codec, period IRQ -> callback). Also says whether the
two modes produced identical summaries (the pass/fail check for that is the
ctest dmacosim.<scenario>_idle_skip_is_cycle_exact).

usage: scenario_speed.py --dmacosim PATH [--out DIR] [--repeats N] [--audio-seconds S]
Writes DIR/scenario_speed.json and DIR/scenario_speed.md.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import time

IGNORE = {'wall_seconds', 'wav', 'fst', 'log', 'out_dir'}


def run(dmacosim, scenario, skip, out, extra):
    args = [dmacosim, 'run', scenario, f'--out={out}'] + extra
    if not skip:
        args.append('--no-idle-skip')
    t0 = time.monotonic()
    p = subprocess.run(args, capture_output=True, text=True)
    wall_proc = time.monotonic() - t0
    summary = json.load(open(os.path.join(out, 'summary.json')))
    m = re.search(r'DMA cycles \(evaluated/skipped\)\s+(\d+) \((\d+) / (\d+)\)', p.stdout)
    ev = (int(m.group(2)), int(m.group(3))) if m else None
    return {'rc': p.returncode, 'summary': summary, 'wall': summary.get('wall_seconds', wall_proc),
            'wall_process': wall_proc, 'evaluated_skipped': ev}


def comparable(s):
    return {k: v for k, v in s.items() if k not in IGNORE and 'wall' not in k}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dmacosim', required=True)
    ap.add_argument('--out', default='.')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--audio-seconds', type=float, default=None,
                    help='pass --seconds=S to the audio scenario (default: its own default)')
    ap.add_argument('--audio-long', type=float, default=1.0,
                    help='also run audio once with --seconds=S, skipping on only (0 = no)')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    listed = subprocess.run([a.dmacosim, 'list'], capture_output=True, text=True).stdout
    scenarios = [s for s in ('demo', 'audio') if re.search(rf'^{s}\s', listed, re.M)]
    result = {'benchmark': 'scenario_speed', 'repeats': a.repeats, 'scenarios': {}}
    md = ['## Idle-cycle skipping, real-time factor, latencies (`dmacosim run`)', '',
          f'Median of {a.repeats} runs per mode (modes interleaved). RTF = simulated seconds / wall second '
          '(wall = the scenario\'s own wall_seconds: elaboration + simulation).', '',
          '| scenario | mode | exit | simulated | wall (median) | RTF | DMA cycles | evaluated / skipped | identical to other mode |',
          '|---|---|---|---|---|---|---|---|---|']
    lat_rows = []
    for sc in scenarios:
        extra = ['--quiet'] if sc == 'audio' else []
        if sc == 'audio' and a.audio_seconds:
            extra.append(f'--seconds={a.audio_seconds}')
        runs = {'skip': [], 'no-skip': []}
        for i in range(a.repeats):
            for mode in ('skip', 'no-skip'):
                out = os.path.join(a.out, f'{sc}-{mode}')
                runs[mode].append(run(a.dmacosim, sc, mode == 'skip', out, extra))
        same = comparable(runs['skip'][0]['summary']) == comparable(runs['no-skip'][0]['summary'])
        entry = {'identical_summaries': same}
        for mode, rs in runs.items():
            s = rs[0]['summary']
            wall = statistics.median(r['wall'] for r in rs)
            sim = s.get('sim_seconds', 0.0)
            e = {'exit_code': rs[0]['rc'], 'clean': s.get('clean'), 'failures': s.get('failures', []),
                 'sim_seconds': sim, 'wall_seconds_median': wall, 'wall_seconds_all': [r['wall'] for r in rs],
                 'real_time_factor': sim / wall if wall else 0, 'cycles': s.get('cycles'),
                 'evaluated_skipped': rs[0]['evaluated_skipped']}
            for k in ('copy_ns', 'trigger_latency_ns', 'period_irq_to_callback_ns', 'resume_latency_ns',
                      'frames_played', 'underruns'):
                if k in s:
                    e[k] = s[k]
            entry[mode] = e
            ev = e['evaluated_skipped']
            md.append(f"| {sc} | {mode} | {e['exit_code']}{'' if e['clean'] else ' (FAILED)'} | "
                      f"{sim * 1e3:.3f} ms | {wall:.3f} s | {e['real_time_factor']:.3g} | {e['cycles']} | "
                      f"{'%d / %d' % ev if ev else 'not printed'} | {'yes' if same else '**NO**'} |")
        sk, ns = entry['skip'], entry['no-skip']
        if sk['wall_seconds_median'] > 0:
            entry['speedup_from_skipping'] = ns['wall_seconds_median'] / sk['wall_seconds_median']
        result['scenarios'][sc] = entry
        s = sk
        if 'copy_ns' in s:
            lat_rows.append(f"| {sc} | doorbell -> completion (IRQ handled, thread woken) | {s['copy_ns']} ns |")
        for k, label in (('trigger_latency_ns', 'trigger -> first sample at the codec'),
                         ('period_irq_to_callback_ns', 'period IRQ -> period-elapsed callback'),
                         ('resume_latency_ns', 'release/resume -> sample')):
            if k in s:
                v = s[k]
                lat_rows.append(f"| {sc} | {label} | min {v.get('min')} / median {v.get('median')} / max {v.get('max')} ns "
                                f"({v.get('samples')} samples) |")
    for sc in scenarios:
        e = result['scenarios'][sc]
        if 'speedup_from_skipping' in e:
            md.append('')
            md.append(f"{sc}: skipping makes the run {e['speedup_from_skipping']:.2f}x faster (median wall).")
            for mode in ('skip', 'no-skip'):
                if e[mode]['failures']:
                    md.append(f"{sc} {mode} FAILED: " + '; '.join(e[mode]['failures']))
    if 'audio' in scenarios and a.audio_long > 0:
        r = run(a.dmacosim, 'audio', True, os.path.join(a.out, 'audio-long'), ['--quiet', f'--seconds={a.audio_long}'])
        s = r['summary']
        sim = s.get('sim_seconds', 0.0)
        long = {'seconds_option': a.audio_long, 'exit_code': r['rc'], 'clean': s.get('clean'), 'sim_seconds': sim,
                'wall_seconds': r['wall'], 'real_time_factor': sim / r['wall'] if r['wall'] else 0,
                'cycles': s.get('cycles'), 'failures': s.get('failures', [])}
        result['audio_long'] = long
        md += ['', f"audio --seconds={a.audio_long:g}, skipping on (one run): {sim:.3f} s simulated in {r['wall']:.3f} s wall, "
                   f"RTF {long['real_time_factor']:.2f} (target >= 1), exit {r['rc']}{'' if long['clean'] else ' FAILED: ' + '; '.join(long['failures'])}."]
    if 'audio' not in scenarios:
        md += ['', 'audio: scenario not registered in this build - real-time factor not measured.']
    md += ['', '### Simulated latencies (skipping on)', '', '| scenario | path | simulated |', '|---|---|---|'] + lat_rows
    json.dump(result, open(os.path.join(a.out, 'scenario_speed.json'), 'w'), indent=2)
    open(os.path.join(a.out, 'scenario_speed.md'), 'w').write('\n'.join(md) + '\n')
    print('\n'.join(md))


if __name__ == '__main__':
    main()
