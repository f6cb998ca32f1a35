#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# NVIDIA VF vGPUs on the simulated kernel (tests/mdevsim with
# examples/hosts/nvidia-vf.json): the inventory commands against golden
# files in tests/data/nvidia-vf/ (MDEV_TEST_REGENERATE_OUTPUT=1 rewrites
# them), then create and stop. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, MDEVSIM_CTL,
# G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/../examples/hosts/nvidia-vf.json"
GOLDEN="$G_TEST_SRCDIR/data/nvidia-vf"
W=$(mktemp -d "${TMPDIR:-/tmp}/mdev-nvidia-vf-XXXXXX")
trap 'rm -rf "$W"' EXIT
export T="$MDEVTOOL" W

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=1
    echo "not ok $n - $1"
    for f in out err rc log; do
        [ -f "$W/$f" ] && [ -s "$W/$f" ] && sed "s/^/# $f: /" "$W/$f"
    done
    return 0
}
verdict() { if [ $? -eq 0 ]; then ok "$1"; else not_ok "$1"; fi; }

if [ -z "${MDEVSIM:-}" ] || [ ! -x "${MDEVSIM:-}" ]; then
    echo "1..0 # SKIP the simulated kernel (tests/mdevsim) is not built"
    exit 0
fi

# Runs the script $1 on a fresh simulated host; cmd leaves the last
# command's rc, out and err in $W.
sim() {
    rm -f "$W/out" "$W/err" "$W/rc" "$W/log"
    cat > "$W/scenario.sh" <<SCENARIO
set -u
cmd() { "\$T" "\$@" > "\$W/out" 2> "\$W/err"; echo \$? > "\$W/rc"; }
vf() { cat "/sys/bus/pci/devices/\$1/nvidia/\$2"; }
$1
SCENARIO
    "$MDEVSIM" --host "$HOST" -- sh "$W/scenario.sh" > "$W/log" 2>&1
}

rc() { cat "$W/rc"; }
out() { cat "$W/out"; }
err() { cat "$W/err"; }

# golden NAME ARGS...: the command's stdout, stderr and exit status
golden() {
    name=$1
    shift
    sim "cmd $*"
    { echo "\$ mdevtool $*"; echo "--- stdout"; out; echo "--- stderr"; err
      echo "--- exit $(rc)"; } > "$W/actual"
    if [ -n "${MDEV_TEST_REGENERATE_OUTPUT:-}" ]; then
        cp "$W/actual" "$GOLDEN/$name.txt"
    fi
    if diff -u "$GOLDEN/$name.txt" "$W/actual" > "$W/diff"; then
        ok "golden $name"
    else
        n=$((n + 1)); failed=1
        echo "not ok $n - golden $name"
        sed 's/^/# /' "$W/diff"
    fi
}

echo "# simulated host: $HOST"

golden parents parents
golden parents-json --json parents
golden types types
golden types-json --json types
golden types-parent types --parent 0000:d8:00.0
golden list list
golden list-verbose list --verbose
golden list-json --json list
golden list-address list --uuid 0000:d8:00.7
golden list-parent list --parent 0000:3d:00.0
golden list-defined list --defined

echo "1..$n"
exit $failed
