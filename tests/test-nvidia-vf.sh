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

# --- create and stop --------------------------------------------------

sim 'cmd create --type "NVIDIA L40S-2Q"; vf 0000:3d:00.5 current_vgpu_type > "$W/type"'
[ "$(rc)" = 0 ] && [ "$(out)" = 0000:3d:00.5 ] && [ ! -s "$W/err" ] && [ "$(cat "$W/type")" = 1148 ]
verdict "create --type NAME takes the first free VF of the card running the type"

sim 'cmd --json create --type nvidia-695 --attr nvidia/vgpu_params=frame_rate_limiter=0
     vf 0000:d8:00.4 vgpu_params > "$W/params"'
[ "$(rc)" = 0 ] && [ "$(cat "$W/params")" = frame_rate_limiter=0 ] &&
    [ "$(tr -d ' \n' < "$W/out")" = '{"uuid":null,"address":"0000:d8:00.4","parent":"0000:d8:00.0","type":"nvidia-695"}' ]
verdict "create --json prints the VF's address, card and type; vgpu_params is set"

sim 'cmd stop 0000:3d:00.4; vf 0000:3d:00.4 current_vgpu_type > "$W/type"
     cmd2() { "$T" "$@"; }; "$T" types --parent 0000:3d:00.0 > "$W/types"'
[ "$(rc)" = 0 ] && [ ! -s "$W/out" ] && [ ! -s "$W/err" ] && [ "$(cat "$W/type")" = 0 ] &&
    [ "$(grep -c nvidia- "$W/types")" = 14 ]
verdict "stop writes 0 and the card offers every type again"

sim 'cmd create --type nvidia-1148 --policy spread'
[ "$(rc)" = 0 ] && [ "$(out)" = 0000:3d:00.5 ]
verdict "spread still finds the only card offering the type"

# errors: exit 1, one line, the host unchanged
expect() { # name, script, message part
    sim "$2; \"\$T\" --json list > \"\$W/list\""
    if [ "$(rc)" = 1 ] && [ "$(wc -l < "$W/err")" = 1 ] && [ ! -s "$W/out" ] &&
        grep -q "^mdevtool: error: .*$3" "$W/err" &&
        [ "$(grep -c '"address"' "$W/list")" = "${4:-3}" ]; then
        ok "$1"
    else
        not_ok "$1"
    fi
}
expect "a type the locked card does not offer" 'cmd create --type nvidia-1147' \
    "no NVIDIA card offers a vGPU type with the id or name 'nvidia-1147' now"
expect "another card's type on a named card" 'cmd create --type nvidia-695 --parent 0000:3d:00.0' \
    "card '0000:3d:00.0' offers no vGPU type 'nvidia-695' now"
expect "a card with SR-IOV off" 'cmd create --type nvidia-698 --parent 0000:e1:00.0' \
    "card '0000:e1:00.0' has no VFs: SR-IOV is not enabled"
expect "a full card" 'cmd create --type nvidia-695; cmd create --type nvidia-695; cmd create --type nvidia-695' \
    "no NVIDIA card has a free VF that can take a 'nvidia-695' vGPU now" 5
expect "an attribute other than vgpu_params" 'cmd create --type nvidia-1148 --attr foo=1' \
    "an NVIDIA VF vGPU has no attribute 'foo', only vgpu_params"
sim 'cmd create --type nvidia-1148 --uuid 11111111-1111-4111-8111-111111111111'
[ "$(rc)" = 2 ] && grep -q "an NVIDIA VF vGPU is named by its VF's address" "$W/err" && [ ! -s "$W/out" ]
verdict "--uuid with a VF vGPU is a usage error"
expect "a hostile parent" 'cmd create --type nvidia-1148 --parent ../../../../etc' \
    "invalid parent name"
expect "a hostile type" 'cmd create --type ../x --parent 0000:3d:00.0' "invalid type '../x'"
expect "an overlong type" "cmd create --type $(printf 'n%.0s' $(seq 300)) --parent 0000:3d:00.0" \
    "invalid type"
expect "stop of a VF without a vGPU" 'cmd stop 0000:3d:00.5' "VF '0000:3d:00.5' has no vGPU"
expect "stop of a PCI device that is no NVIDIA VF" 'cmd stop 0000:3d:00.0' \
    "'0000:3d:00.0' is not a VF of an NVIDIA card with vGPUs"
expect "stop of an address that does not exist" 'cmd stop 0000:00:1f.7' "no VF '0000:00:1f.7'"
expect "stop of a hostile address" 'cmd stop 0000:3d:00.4/..' "invalid UUID"
sim 'cmd stop 0000:d8:00.6; vf 0000:d8:00.6 current_vgpu_type > "$W/type"'
[ "$(rc)" = 1 ] && [ "$(cat "$W/type")" = 695 ] &&
    [ "$(sed -n 1p "$W/err")" = "mdevtool: warning: VF '0000:d8:00.6' is busy (a VM closing it, or the driver not ready yet); retrying" ] &&
    sed -n 2p "$W/err" | grep -q "^mdevtool: error: VF '0000:d8:00.6' is still busy after 8 retries over 5.5 s: a VM has it open; stop the VM first"
verdict "stop of a VF a VM holds gives up after bounded retries"

# the driver refuses the destroy twice after the VM closed the VF
sim '"$MDEVSIM_CTL" release 0000:d8:00.6; cmd stop 0000:d8:00.6
     vf 0000:d8:00.6 current_vgpu_type > "$W/type"'
[ "$(rc)" = 0 ] && [ "$(cat "$W/type")" = 0 ] &&
    grep -q "warning: VF '0000:d8:00.6' is busy .*retrying" "$W/err"
verdict "stop retries through the driver's not-ready window after a VM closed the VF"

# SR-IOV goes away between the scan and the write
sim '"$MDEVSIM_CTL" vanish 0000:d8:00.0 1; cmd create --type nvidia-695'
[ "$(rc)" = 1 ] && grep -q "error: VF '0000:d8:00.4' is gone" "$W/err"
verdict "VFs that vanish during create are reported"

# 30 creates at once for 8 free VFs, of two types: 8 succeed, all of one
# type, the other 22 fail cleanly
HOST_SAVED=$HOST
HOST="$GOLDEN/eight-vfs.json"
sim 'for i in $(seq 30); do
         t=nvidia-1147; [ $((i % 2)) = 0 ] && t=nvidia-1148
         "$T" create --type $t > "$W/out.$i" 2> "$W/err.$i" &
     done
     wait
     cat "$W"/out.* > "$W/out"
     # a loaded machine makes some wait a second for the lock: that note may come
     cat "$W"/err.* | grep -v "^mdevtool: waiting for the lock of parent " > "$W/err"
     rm -f "$W"/out.* "$W"/err.*
     for v in /sys/bus/pci/devices/0000:41:*; do
         [ -e "$v/nvidia/current_vgpu_type" ] && cat "$v/nvidia/current_vgpu_type"
     done > "$W/types"'
HOST=$HOST_SAVED
[ "$(wc -l < "$W/out")" = 8 ] && [ "$(sort -u "$W/out" | wc -l)" = 8 ] &&
    [ "$(wc -l < "$W/err")" = 22 ] && [ "$(grep -vc 'mdevtool: error: ' "$W/err")" = 0 ] &&
    [ "$(grep -vx 0 "$W/types" | sort -u | wc -l)" = 1 ] &&
    [ "$(grep -vxc 0 "$W/types")" = 8 ]
verdict "30 parallel creates on 8 free VFs: exactly 8 succeed, one type, nothing leaked"

echo "1..$n"
exit $failed
