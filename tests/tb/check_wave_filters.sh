#!/usr/bin/env bash
# The GTKWave translate filters made from the register map (error codes,
# channel states) match it; a register map with a new error code makes the
# check fail and name the filter.
set -euo pipefail
src="$1"; out="$2"
mkdir -p "$out"
python3 "$src/scripts/gen_wave_filters.py" --check
python3 - "$src/rtl/regmap/dmac_regmap.json" "$out/regmap.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["error_codes"].append({"name": "NEW_CODE", "value": 9, "description": "test"})
json.dump(m, open(sys.argv[2], "w"))
PY
rc=0; msg=$(python3 "$src/scripts/gen_wave_filters.py" --check --regmap "$out/regmap.json" 2>&1) || rc=$?
[ "$rc" = 1 ] && echo "$msg" | grep -q "waves/filters/error_code.gtkwf differs" || {
  echo "a new error code was not noticed (exit $rc): $msg"; exit 1; }
echo "check_wave_filters: ok"
