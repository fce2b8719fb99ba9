#!/bin/sh
# Builds the kernel-C provider as a Linux module out of tree with kbuild
# against the installed Debian linux-headers (compile + modpost; nothing is
# loaded), and checks the file carries no build-specific conditionals.
# usage: kbuild_module.sh <repository> <dir of dmac_regs.h> <work dir> [driver .c]
# (the driver file defaults to the repository's driver/dmaengine/c/dmacosim-dmac.c)
# Exit 77 (ctest: skipped) when no linux-headers-*-amd64 is installed.
set -eu
src=$1 regs=$2 work=$3
drv=${4:-$src/driver/dmaengine/c/dmacosim-dmac.c}
fail() { echo "FAIL: $*"; exit 1; }

# The driver body is the same for both builds: no preprocessor conditionals.
if grep -nE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)' "$drv"; then
	fail "conditional compilation in $drv (only include paths may differ between the builds)"
fi

kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$kdir" ]; then
	echo "SKIP: no /usr/src/linux-headers-*-amd64 (apt-get install linux-headers-amd64)"
	exit 77
fi
rm -rf "$work"
mkdir -p "$work"
cp "$drv" "$src/driver/dmaengine/c/Kbuild" "$work/"
log=$work/build.log
if ! make -C "$kdir" M="$work" DMACOSIM_SRC="$src" DMACOSIM_REGS="$regs" modules >"$log" 2>&1; then
	cat "$log"
	fail "kbuild failed against $kdir"
fi
cat "$log"
grep -q 'MODPOST' "$log" || fail "modpost did not run"
[ -f "$work/dmacosim-dmac.ko" ] || fail "no dmacosim-dmac.ko"
if grep -nE 'warning:|WARNING:' "$log"; then fail "the module build warns"; fi
if grep -n 'undefined!' "$log"; then fail "modpost: unresolved symbols"; fi
# What modinfo would print: the .modinfo section's key=value strings.
info=$(objcopy -O binary -j .modinfo "$work/dmacosim-dmac.ko" /dev/stdout | tr '\000' '\n')
echo "$info"
echo "$info" | grep -q '^parmtype=legacy_bh:bool' || fail ".modinfo: no bool parameter legacy_bh"
echo "$info" | grep -q '^alias=of:N\*T\*Cdmacosim,dmac-1.0' || fail ".modinfo: no OF alias for dmacosim,dmac-1.0"
echo "$info" | grep -q '^license=GPL' || fail ".modinfo: no GPL license (the vchan_* exports are GPL-only)"
echo "OK: $work/dmacosim-dmac.ko built with kbuild against $kdir"
