#!/usr/bin/env python3
"""Run `dmacosim run SCENARIO --out=DIR ARGS...`, require exit 0 and check
summary.json fields.  Usage:
  check_scenario.py DMACOSIM OUTDIR SCENARIO 'KEY=VALUE|KEY>=N|KEY' ... -- ARGS...
KEY=VALUE compares the JSON value's text (true/false/numbers/strings); KEY>=N
and KEY<=N are numeric; a bare KEY must be present.  validator_reports must
be [].  CHECK_SCENARIO_TIMEOUT (seconds, default 120) bounds the run."""
import json, os, shutil, subprocess, sys

dmacosim, out, scen = sys.argv[1:4]
rest = sys.argv[4:]
sep = rest.index('--') if '--' in rest else len(rest)
checks, args = rest[:sep], rest[sep + 1:]
shutil.rmtree(out, ignore_errors=True)
cmd = [dmacosim, 'run', scen, '--quiet', '--out=' + out] + args
print('+', ' '.join(cmd), flush=True)
rc = subprocess.run(cmd, timeout=float(os.environ.get('CHECK_SCENARIO_TIMEOUT', '120'))).returncode
errors = []
if rc != 0:
    errors.append(f'exit code {rc}, expected 0')
path = os.path.join(out, 'summary.json')
try:
    js = json.load(open(path))
except Exception as e:  # noqa: BLE001
    sys.exit(f'FAIL: cannot read {path}: {e}')
def text(v):
    return json.dumps(v) if not isinstance(v, str) else v
for c in checks:
    if '>=' in c:
        k, v = c.split('>=', 1)
        if k not in js or not float(js[k]) >= float(v):
            errors.append(f'{k} = {js.get(k)!r}, expected >= {v}')
    elif '<=' in c:
        k, v = c.split('<=', 1)
        if k not in js or not float(js[k]) <= float(v):
            errors.append(f'{k} = {js.get(k)!r}, expected <= {v}')
    elif '=' in c:
        k, v = c.split('=', 1)
        if k not in js or text(js[k]) != v:
            errors.append(f'{k} = {js.get(k)!r}, expected {v}')
    elif c not in js:
        errors.append(f'{c} missing')
for k in ('validator_reports', 'sim_seconds', 'wall_seconds', 'clean'):
    if k not in js:
        errors.append(f'{k} missing')
if js.get('validator_reports') != []:
    errors.append(f'validator_reports = {js.get("validator_reports")!r}')
if js.get('clean') is not True:
    errors.append(f'clean = {js.get("clean")!r}, failures {js.get("failures")!r}')
if errors:
    print('FAIL:\n  ' + '\n  '.join(errors))
    sys.exit(1)
print(f'ok: {scen} ' + ', '.join(f'{c}' for c in checks))
