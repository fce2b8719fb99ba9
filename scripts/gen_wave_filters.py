#!/usr/bin/env python3
"""Writes the GTKWave translate filters that come from the register map
(rtl/regmap/dmac_regmap.json, the one source of the register names):
waves/filters/error_code.gtkwf (a channel's ERR_CODE: DESC_READ, DATA_READ,
...) and waves/filters/channel_state.gtkwf (IDLE, ACTIVE, PAUSED, ERROR).
Keys are decimal: the rows that use them are shown as decimal (@2024).

usage: gen_wave_filters.py                (rewrite the filters)
       gen_wave_filters.py --check        (exit 1 naming each filter that differs)
       ... [--regmap FILE]                (another register map, for the test)
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def filters(regmap_path):
    with open(regmap_path) as f:
        regmap = json.load(f)
    out = {}
    for name, key in (("error_code", "error_codes"), ("channel_state", "states")):
        out[f"waves/filters/{name}.gtkwf"] = "".join(f"{e['value']} {e['name']}\n" for e in regmap[key])
    return out


def main():
    args = sys.argv[1:]
    regmap = os.path.join(ROOT, "rtl/regmap/dmac_regmap.json")
    if "--regmap" in args and args.index("--regmap") + 1 < len(args):
        regmap = args.pop(args.index("--regmap") + 1)
        args.remove("--regmap")
    check = args == ["--check"]
    if args and not check:
        print(__doc__)
        return 2
    stale = []
    for path, text in filters(regmap).items():
        full = os.path.join(ROOT, path)
        old = open(full).read() if os.path.exists(full) else None
        if old == text:
            continue
        if check:
            stale.append(path)
        else:
            with open(full, "w") as f:
                f.write(text)
            print(f"wrote {path}")
    for path in stale:
        print(f"{path} differs from {os.path.relpath(regmap, ROOT)}: run scripts/gen_wave_filters.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
