#!/usr/bin/env bash
# Size of the logic a Verilated dmac evaluates every clock cycle: the lines of
# the generated per-cycle functions (_nba_sequent*, _ico_sequent*; the run-once
# __Slow files excluded) and, of the lines that name a module's signal, the
# share of each module. Deterministic (no timing): compare two RTL trees with it.
#
#   bench/rtl_code_size.sh [RTL_DIR] [WORK_DIR] [-- extra Verilator args]
#   defaults: rtl/ of this tree, a temporary directory; the model is verilated
#   as tb/CMakeLists.txt does (platform_top, --assert -O3 --x-assign fast
#   --x-initial fast), so `-- --noassert` shows what assertions cost.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RTL="${1:-$ROOT/rtl}"
WORK="${2:-$(mktemp -d)}"
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = -- ] && shift
[ -f "$RTL/dmac_top.sv" ] || { echo "rtl_code_size: no dmac_top.sv in $RTL" >&2; exit 2; }
SRC=("$RTL/dmac_abi_pkg.sv")
for f in "$RTL"/dmac_*.sv; do [ "$f" = "$RTL/dmac_abi_pkg.sv" ] || SRC+=("$f"); done
SRC+=("$ROOT/tb/rtl/platform_top.sv")
verilator --cc --assert -O3 --x-assign fast --x-initial fast -Wno-fatal "$@" --top-module platform_top \
  -Mdir "$WORK/obj" "${SRC[@]}" > "$WORK/verilator.log" 2>&1 ||
  { echo "rtl_code_size: verilator failed, see $WORK/verilator.log" >&2; exit 1; }
cat "$WORK"/obj/*DepSet*.cpp | grep -v '__Slow' |
  awk '/_(nba|ico)_sequent__TOP__[0-9]+\(.*\) \{/{on=1} on && /^}/{on=0} on' > "$WORK/per_cycle.txt"
total=$(wc -l < "$WORK/per_cycle.txt")
echo "per-cycle lines: $total"
named=$(grep -c 'DOT__u_\(ch\|rd\|wr\|regs\|arb\|buf\)' "$WORK/per_cycle.txt" || true)
for m in ch:dmac_channel rd:dmac_axi_read wr:dmac_axi_write regs:dmac_axil_regs arb:dmac_arbiter buf:dmac_slot_buffer; do
  n=$(grep -c "DOT__u_${m%%:*}" "$WORK/per_cycle.txt" || true)
  awk -v n="$n" -v t="$named" -v m="${m#*:}" 'BEGIN { printf "  %-18s %6d lines  %5.1f %%\n", m, n, t ? 100 * n / t : 0 }'
done
