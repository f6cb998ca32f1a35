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
out() { cat "\$W/out"; }
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
golden hostdev hostdev 0000:3d:00.4
golden hostdev-json --json hostdev pci_0000_d8_00_6
golden dumpxml dumpxml pci_0000_3d_00_4
golden dumpxml-json --json dumpxml 0000:d8:00.7
golden hostdev-no-vgpu hostdev 0000:3d:00.5
golden hostdev-not-vf hostdev 0000:3d:00.0
golden hostdev-model hostdev --model vfio-pci 0000:3d:00.4
golden dumpxml-inactive dumpxml --inactive 0000:3d:00.4

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
# the example's VM holding 0000:d8:00.6 is a process in the simulated /proc
sim 'cmd stop 0000:d8:00.6; vf 0000:d8:00.6 current_vgpu_type > "$W/type"'
[ "$(rc)" = 1 ] && [ "$(cat "$W/type")" = 695 ] && [ "$(wc -l < "$W/err")" = 1 ] &&
    grep -q "^mdevtool: error: VF '0000:d8:00.6' of card '0000:d8:00.0' is in use by process [0-9]* ('qemu-system-x86') of domain 'db', which holds '/dev/vfio/162' open: stop the VM first (--force tries anyway)\$" "$W/err"
verdict "stop of a VF a VM holds names the holder and leaves the vGPU"

sim '"$MDEVSIM_CTL" hold 0000:d8:00.7 0 /usr/bin/qemu-system-x86_64 web
     cmd --json list --parent 0000:d8:00.0; "$T" stop 0000:d8:00.7 2> "$W/err2"
     "$MDEVSIM_CTL" release 0000:d8:00.7; "$T" --json list --parent 0000:d8:00.0 > "$W/after"'
# in_use and domain of one VF in a list --json
use_of() {
    python3 -c 'import json, sys
print(*[(d["in_use"], d["domain"]) for d in json.load(open(sys.argv[1]))
        if d["address"] == sys.argv[2]])' "$1" "$2"
}
[ "$(rc)" = 0 ] && [ "$(use_of "$W/out" 0000:d8:00.7)" = "(True, 'web')" ] &&
    grep -q "VF '0000:d8:00.7' of card '0000:d8:00.0' is in use by process [0-9]* ('qemu-system-x86') of domain 'web'" "$W/err2" &&
    [ "$(use_of "$W/after" 0000:d8:00.7)" = "(False, None)" ]
verdict "hold of a VF puts its VM into /proc: list and stop see it, release takes it out"

sim 'cmd stop --force 0000:d8:00.6; vf 0000:d8:00.6 current_vgpu_type > "$W/type"'
[ "$(rc)" = 1 ] && [ "$(cat "$W/type")" = 695 ] &&
    [ "$(sed -n 1p "$W/err")" = "mdevtool: warning: VF '0000:d8:00.6' is busy (a VM closing it, or the driver not ready yet); retrying" ] &&
    sed -n 2p "$W/err" | grep -q "^mdevtool: error: VF '0000:d8:00.6' is still busy after 8 retries over 5.5 s: a VM has it open; stop the VM first"
verdict "stop --force of a VF a VM holds gives up after the driver's bounded EBUSY retries"

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

# --- persistent VF vGPUs -----------------------------------------------
# Definitions go to their own store ($MDEVTOOL_VGPU_DIR, a scratch
# directory of mdevsim), never to the mdev store ($MDEVTOOL_CONF_DIR).
U=11111111-1111-4111-8111-111111111111
V=22222222-2222-4222-8222-222222222222
sim 'cmd define --type "NVIDIA L40S-2Q" --parent 0000:3d:00.0 --auto --attr vgpu_params=frame_rate_limiter=0
     u=$(out); cp "$MDEVTOOL_VGPU_DIR/0000:3d:00.0/$u" "$W/file"
     find "$MDEVTOOL_CONF_DIR" -type f > "$W/mdevs"
     cmd --json list --defined'
[ "$(rc)" = 0 ] && [ ! -s "$W/mdevs" ] &&
    [ "$(tr -d ' \n' < "$W/file")" = '{"type":"nvidia-1148","start":"auto","vgpu_params":"frame_rate_limiter=0"}' ] &&
    [ "$(tr -d ' \n' < "$W/out" | grep -o '"kind":"nvidia-vf"' | wc -l)" = 1 ] &&
    tr -d ' \n' < "$W/out" | grep -q '"parent":"0000:3d:00.0","type":"nvidia-1148","active":false,"defined":true,"autostart":true'
verdict "define of a VF vGPU stores the type id in its own store; list --defined shows it"

sim "cmd define --type nvidia-1148 --parent 0000:3d:00.0 --uuid $U --attr vgpu_params=a=1
     cmd start $U; echo \$(out) > \"\$W/started\"
     vf 0000:3d:00.5 current_vgpu_type > \"\$W/type\"; vf 0000:3d:00.5 vgpu_params > \"\$W/params\"
     cmd start $U"
[ "$(cat "$W/started")" = 0000:3d:00.5 ] && [ "$(cat "$W/type")" = 1148 ] &&
    [ "$(cat "$W/params")" = a=1 ] && [ "$(rc)" = 1 ] &&
    grep -q "error: VF vGPU '$U' runs already, on VF '0000:3d:00.5'" "$W/err"
verdict "start UUID makes the vGPU on a free VF and prints it; a second start refuses"

sim "cmd define --type nvidia-695 --address 0000:d8:00.5 --uuid $U
     cmd start $U; echo \$(out) > \"\$W/started\"
     cmd define --type nvidia-698 --address 0000:d8:00.6 --uuid 22222222-1111-4111-8111-111111111111
     cmd start 22222222-1111-4111-8111-111111111111"
[ "$(cat "$W/started")" = 0000:d8:00.5 ] && [ "$(rc)" = 1 ] &&
    grep -q "error: VF '0000:d8:00.6' has a vGPU of type nvidia-695 already; stop it first" "$W/err"
verdict "a pinned definition starts on its VF, and says so when the VF is taken"

sim 'cmd define --type nvidia-1148 --parent 0000:3d:00.0 --auto; a=$(out)
     cmd define --type nvidia-1148 --parent 0000:3d:00.0 --auto --address 0000:3d:01.0
     cmd define --type nvidia-1148 --parent 0000:3d:00.0
     cmd start-parent 0000:3d:00.0; cp "$W/err" "$W/err1"
     cmd --json start-parent 0000:3d:00.0; cp "$W/out" "$W/second"
     for v in /sys/bus/pci/devices/0000:3d:*; do
         [ -e "$v/nvidia/current_vgpu_type" ] && cat "$v/nvidia/current_vgpu_type"
     done > "$W/types"
     cmd list --defined'
[ "$(rc)" = 0 ] && [ ! -s "$W/err1" ] && [ "$(grep -vxc 0 "$W/types")" = 3 ] &&
    jq -e 'length == 1 and .[0].parent == "0000:3d:00.0" and .[0].started == 0' "$W/second" >/dev/null &&
    [ "$(grep -c ' yes  *yes  *yes ' "$W/out")" = 2 ] && [ "$(grep -c ' no  *yes  *no ' "$W/out")" = 1 ] &&
    grep -q '^0000:3d:01.0 ' "$W/out"
verdict "start-parent starts the card's autostart definitions once; a repeated run starts none"

sim 'cmd define --type nvidia-698 --parent 0000:e1:00.0 --auto; cp "$W/err" "$W/warn"
     "$MDEVSIM_CTL" sriov 0000:e1:00.0 4
     cmd --verbose start-parent 0000:e1:00.5; cp "$W/err" "$W/err1"
     vf 0000:e1:00.4 current_vgpu_type > "$W/type"
     cmd start-parent 0000:e1:00.6'
[ "$(rc)" = 0 ] && [ "$(cat "$W/type")" = 698 ] &&
    grep -q "warning: card '0000:e1:00.0' does not offer type 'nvidia-698' now; defined as given" "$W/warn" &&
    grep -qx "mdevtool: card '0000:e1:00.0': started 1 VF vGPU" "$W/err1" && [ ! -s "$W/err" ]
verdict "defined while SR-IOV is off, started when a VF of the card appears (the udev rule's call)"

sim 'cmd define --type nvidia-698 --parent 0000:e1:00.0 --auto; u=$(out)
     cmd start-parent 0000:e1:00.0; cp "$W/rc" "$W/rc1"
     "$MDEVSIM_CTL" sriov 0000:e1:00.0 2
     "$MDEVSIM_CTL" fail-once "*/0000:e1:00.4/nvidia/current_vgpu_type" EBUSY
     cmd start-parent 0000:e1:00.0; vf 0000:e1:00.4 current_vgpu_type > "$W/type"'
[ "$(cat "$W/rc1")" = 0 ] && [ "$(rc)" = 0 ] && [ "$(cat "$W/type")" = 698 ] &&
    grep -q "warning: card '0000:e1:00.0' is not ready for VF vGPU '.*' (Device or resource busy); retrying" "$W/err"
verdict "start-parent waits out the driver's not-ready answer (bounded retry)"

sim 'cmd define --type nvidia-695 --address 0000:d8:00.4 --auto
     "$MDEVSIM_CTL" fail "*/0000:d8:00.4/nvidia/current_vgpu_type" ENODEV
     cmd start-parent 0000:d8:00.0; vf 0000:d8:00.4 current_vgpu_type > "$W/type"'
[ "$(rc)" = 1 ] && [ "$(cat "$W/type")" = 0 ] &&
    grep -q "warning: cannot start VF vGPU '.*' on card '0000:d8:00.0': after 8 retries over 5.5 s: VF '0000:d8:00.4' is gone" "$W/err" &&
    grep -q "error: 1 of 1 autostart VF vGPU of card '0000:d8:00.0' failed to start" "$W/err"
verdict "a card that stays not ready fails after bounded retries, saying so"

sim "cmd define --type nvidia-1148 --parent 0000:3d:00.0 --uuid $U --auto
     cmd modify $U --manual --attr vgpu_params=x=1; cp \"\$MDEVTOOL_VGPU_DIR/0000:3d:00.0/$U\" \"\$W/modified\"
     cmd autostart $U; cp \"\$MDEVTOOL_VGPU_DIR/0000:3d:00.0/$U\" \"\$W/auto\"
     cmd modify $U --del-attr; cp \"\$MDEVTOOL_VGPU_DIR/0000:3d:00.0/$U\" \"\$W/deleted\"
     cmd modify $U --attr foo=1; cp \"\$W/err\" \"\$W/err1\"
     cmd start $U; cmd undefine $U; cp \"\$W/rc\" \"\$W/rc1\"
     ls \"\$MDEVTOOL_VGPU_DIR/0000:3d:00.0\" > \"\$W/left\"
     vf 0000:3d:00.5 current_vgpu_type > \"\$W/type\"
     cmd undefine $U"
[ "$(tr -d ' \n' < "$W/modified")" = '{"type":"nvidia-1148","start":"manual","vgpu_params":"x=1"}' ] &&
    [ "$(tr -d ' \n' < "$W/auto")" = '{"type":"nvidia-1148","start":"auto","vgpu_params":"x=1"}' ] &&
    [ "$(tr -d ' \n' < "$W/deleted")" = '{"type":"nvidia-1148","start":"auto"}' ] &&
    grep -q "an NVIDIA VF vGPU has no attribute 'foo', only vgpu_params" "$W/err1" &&
    [ "$(cat "$W/rc1")" = 0 ] && [ ! -s "$W/left" ] && [ "$(cat "$W/type")" = 1148 ] &&
    [ "$(rc)" = 1 ] && grep -q "error: mdev '$U' is not defined" "$W/err"
verdict "modify, autostart and undefine change the stored VF vGPU; a running one stays"

sim "s=\"\$MDEVTOOL_VGPU_DIR/0000:3d:00.0/$U\"
     cmd define --type nvidia-1148 --parent 0000:3d:00.0 --uuid $U --address 0000:3d:00.5
     cmd modify $U --address 0000:3d:00.6; cp \"\$s\" \"\$W/pinned\"
     cmd modify $U --address 0000:d8:00.4; cp \"\$W/err\" \"\$W/err1\"; cp \"\$W/rc\" \"\$W/rc1\"
     cmd modify $U --address 0000:3d:00.6/..; cp \"\$W/err\" \"\$W/err2\"
     cmd modify $U --address 0000:3d:00.0; cp \"\$W/err\" \"\$W/err3\"
     cmd modify $U --address 0000:3d:07.0; cp \"\$W/err\" \"\$W/err4\"
     cmd modify $U --address 0000:3d:00.6 --unpin; cp \"\$W/rc\" \"\$W/rc5\"
     cmp -s \"\$s\" \"\$W/pinned\"; echo \$? > \"\$W/kept\"
     cmd start $U; cp \"\$W/out\" \"\$W/started\"; cmd stop 0000:3d:00.6
     cmd modify $U --unpin; cp \"\$s\" \"\$W/unpinned\"
     cmd start $U; cp \"\$W/out\" \"\$W/started2\"
     cmd define --type nvidia-698 --parent 0000:e1:00.0 --uuid 22222222-1111-4111-8111-111111111111
     cmd modify 22222222-1111-4111-8111-111111111111 --address 0000:e1:00.4
     cp \"\$MDEVTOOL_VGPU_DIR/0000:e1:00.0/22222222-1111-4111-8111-111111111111\" \"\$W/offcard\""
[ "$(tr -d ' \n' < "$W/pinned")" = '{"type":"nvidia-1148","start":"manual","address":"0000:3d:00.6"}' ] &&
    [ "$(cat "$W/rc1")" = 1 ] &&
    grep -q "error: VF '0000:d8:00.4' belongs to card '0000:d8:00.0', not '0000:3d:00.0'" "$W/err1" &&
    grep -q "error: '0000:3d:00.6/..' is not a PCI address" "$W/err2" &&
    grep -q "error: '0000:3d:00.0' is not a VF of an NVIDIA card" "$W/err3" &&
    grep -q "error: no PCI device '0000:3d:07.0'" "$W/err4" &&
    [ "$(cat "$W/rc5")" = 2 ] && [ "$(cat "$W/kept")" = 0 ] &&
    [ "$(cat "$W/started")" = 0000:3d:00.6 ] &&
    [ "$(tr -d ' \n' < "$W/unpinned")" = '{"type":"nvidia-1148","start":"manual"}' ] &&
    [ "$(cat "$W/started2")" = 0000:3d:00.5 ] && [ "$(rc)" = 0 ] &&
    [ "$(tr -d ' \n' < "$W/offcard")" = '{"type":"nvidia-698","start":"manual","address":"0000:e1:00.4"}' ]
verdict "modify --address re-pins a VF vGPU definition to a VF of its card, --unpin frees it; a bad VF is refused, the file kept"

# a card with SR-IOV off; a card whose driver has not come up yet (no
# such PCI device now), with a definition stored before
sim "cmd define --type nvidia-698 --parent 0000:e1:00.0 --uuid $U --auto
     cmd list --defined --parent 0000:e1:00.0; cp \"\$W/out\" \"\$W/text\"; cp \"\$W/rc\" \"\$W/rc1\"
     cmd --json list --defined --parent 0000:e1:00.0; cp \"\$W/out\" \"\$W/json\"; cp \"\$W/rc\" \"\$W/rc2\"
     mkdir \"\$MDEVTOOL_VGPU_DIR/0000:5e:00.0\"
     echo '{\"type\": \"nvidia-1148\", \"start\": \"auto\"}' > \"\$MDEVTOOL_VGPU_DIR/0000:5e:00.0/$V\"
     cmd list --defined --parent 0000:5e:00.0; cp \"\$W/out\" \"\$W/absent\"; cp \"\$W/rc\" \"\$W/rc3\"
     cmd list --parent 0000:5e:00.0"
[ "$(cat "$W/rc1")" = 0 ] && [ "$(grep -c "^$U *0000:e1:00.0 *nvidia-698 *no *yes *yes" "$W/text")" = 1 ] &&
    [ "$(cat "$W/rc2")" = 0 ] &&
    jq -e --arg u "$U" 'length == 1 and .[0].uuid == $u and .[0].parent == "0000:e1:00.0" and
        .[0].kind == "nvidia-vf" and .[0].defined and (.[0].active | not)' "$W/json" > /dev/null &&
    [ "$(cat "$W/rc3")" = 0 ] && [ "$(grep -c "^$V *0000:5e:00.0 *nvidia-1148 *no *yes *yes" "$W/absent")" = 1 ] &&
    [ "$(wc -l < "$W/absent")" = 2 ] &&
    [ "$(rc)" = 1 ] && grep -q "error: no mdev parent and no NVIDIA card with VF vGPUs '0000:5e:00.0'" "$W/err"
verdict "list --defined --parent of a card with SR-IOV off, or not there yet, shows its VF vGPU definitions"

# a card with nothing of the kind asked for is named, not called an mdev
sim "cmd list --defined --parent 0000:d8:00.0; cp \"\$W/err\" \"\$W/err1\"; cp \"\$W/rc\" \"\$W/rc1\"
     cmd stop 0000:3d:00.4
     cmd list --parent 0000:3d:00.0"
[ "$(cat "$W/rc1")" = 0 ] && grep -qx "mdevtool: nothing is defined on '0000:d8:00.0'" "$W/err1" &&
    [ "$(rc)" = 0 ] && grep -qx "mdevtool: nothing is active on '0000:3d:00.0'" "$W/err"
verdict "an empty listing of one card says what is missing there"

sim "cmd --verbose define --type nvidia-1148 --parent 0000:3d:00.0 --uuid $U; cp \"\$W/err\" \"\$W/err1\"
     cmd --verbose autostart $U"
grep -qx "mdevtool: defined VF vGPU '$U' on card '0000:3d:00.0'" "$W/err1" &&
    grep -qx "mdevtool: VF vGPU '$U' on card '0000:3d:00.0' now starts with its card" "$W/err"
verdict "--verbose names a VF vGPU definition and its card"

# the example runs 0000:3d:00.4 (defined here, pinned), 0000:d8:00.6 (held
# by the VM 'db') and 0000:d8:00.7; create adds 0000:3d:00.5
sim "cmd define --type nvidia-1148 --address 0000:3d:00.4 --uuid $U
     cmd create --type nvidia-1148 --parent 0000:3d:00.0
     cmd --json gc --no-libvirt --dry-run; cp \"\$W/out\" \"\$W/dry\"
     for v in 0000:3d:00.4 0000:3d:00.5 0000:d8:00.6 0000:d8:00.7; do vf \$v current_vgpu_type; done > \"\$W/types1\"
     cmd gc --no-libvirt
     for v in 0000:3d:00.4 0000:3d:00.5 0000:d8:00.6 0000:d8:00.7; do vf \$v current_vgpu_type; done > \"\$W/types2\""
[ "$(tr '\n' ' ' < "$W/types1")" = "1148 1148 695 695 " ] &&
    [ "$(tr '\n' ' ' < "$W/types2")" = "1148 0 695 0 " ] && [ "$(rc)" = 0 ] &&
    python3 -c '
import json, sys
sys.path.insert(0, sys.argv[2])
import schemacheck
doc = json.load(open(sys.argv[1]))
assert not schemacheck.problems(schemacheck.validator("gc.schema.json"), doc), doc
got = {e["address"]: (e["uuid"], e["parent"], e["type"], e["action"], e["reason"]) for e in doc}
assert got == {
    "0000:3d:00.4": (None, "0000:3d:00.0", "nvidia-1148", "kept", "defined"),
    "0000:3d:00.5": (None, "0000:3d:00.0", "nvidia-1148", "would-remove", "unclaimed"),
    "0000:d8:00.6": (None, "0000:d8:00.0", "nvidia-695", "kept", "in-use"),
    "0000:d8:00.7": (None, "0000:d8:00.0", "nvidia-695", "would-remove", "unclaimed"),
}, got
assert "qemu-system-x86" in [e for e in doc if e["address"] == "0000:d8:00.6"][0]["claimant"]
' "$W/dry" "$G_TEST_SRCDIR" &&
    grep -qx "kept 0000:3d:00.4: it is defined" "$W/out" &&
    grep -qx "removed 0000:3d:00.5 (parent '0000:3d:00.0', type 'nvidia-1148'): no definition, domain or process claimed it" "$W/out" &&
    grep -q "^kept 0000:d8:00.6: in use by process [0-9]* ('qemu-system-x86') of domain 'db'" "$W/out" &&
    grep -q "^removed 0000:d8:00.7 " "$W/out"
verdict "gc judges VF vGPUs: the unclaimed ones stopped, the defined and the held ones kept; --dry-run and --json"

sim "d=\"\$MDEVTOOL_VGPU_DIR/0000:3d:00.0\"; mkdir -p \"\$d\"
     echo '{\"type\": \"nvidia-1148\"}' > \"\$d/$U\"
     echo '{\"type\": \"nvidia-1148\", \"start\": \"auto\"}' > \"\$d/$U.Ab12Cd\"
     echo x > \"\$d/not-a-uuid\"
     cmd define --type nvidia-1148 --parent 0000:3d:00.0; g=\$(out)
     ls \"\$d\" > \"\$W/files\"
     cmd list --defined"
[ "$(rc)" = 0 ] && [ "$(grep -c '^[0-9a-f-]* *0000:3d:00.0 *nvidia-1148 *no *yes *no' "$W/out")" = 1 ] &&
    grep -q "warning: malformed definition '.*/0000:3d:00.0/$U': the key 'start' is missing" "$W/err" &&
    grep -q "warning: ignoring '.*/0000:3d:00.0/not-a-uuid': its name is not a lowercase UUID" "$W/err" &&
    ! grep -q "Ab12Cd" "$W/files" && [ "$(wc -l < "$W/files")" = 3 ]
verdict "a malformed definition is reported and skipped; a stale temporary file is removed"

expect "define with a hostile card" 'cmd define --type nvidia-1148 --parent ../../x --auto' \
    "invalid parent name"
expect "define with a hostile VF" 'cmd define --type nvidia-1148 --address 0000:3d:00.4/..' \
    "'0000:3d:00.4/..' is not a PCI address"
expect "define with a hostile type" 'cmd define --type ../x --parent 0000:3d:00.0' "invalid type '../x'"
expect "define with a VF of another card" \
    'cmd define --type nvidia-1148 --parent 0000:3d:00.0 --address 0000:d8:00.4' \
    "VF '0000:d8:00.4' belongs to card '0000:d8:00.0', not '0000:3d:00.0'"
expect "define with two-line vgpu_params" \
    "cmd define --type nvidia-1148 --parent 0000:3d:00.0 --attr 'vgpu_params=a
b'" "vgpu_params must be one line"
expect "define of an unknown type name" \
    "cmd define --type 'NVIDIA L40S-4Q' --parent 0000:3d:00.0" \
    "card '0000:3d:00.0' offers no vGPU type named 'NVIDIA L40S-4Q' now"

# 30 creates at once for 8 free VFs, of two types: 8 succeed, all of one
# type, the other 22 fail cleanly (on a loaded machine, after the note that
# they wait for the card's lock)
HOST_SAVED=$HOST
HOST="$GOLDEN/eight-vfs.json"
sim 'for i in $(seq 30); do
         t=nvidia-1147; [ $((i % 2)) = 0 ] && t=nvidia-1148
         "$T" create --type $t > "$W/out.$i" 2> "$W/err.$i" &
     done
     wait
     # on a busy machine a create waits for the lock and says so: a note
     cat "$W"/out.* > "$W/out"; cat "$W"/err.* | grep -v "waiting for the lock" > "$W/err"
     rm -f "$W"/out.* "$W"/err.*
     for v in /sys/bus/pci/devices/0000:41:*; do
         [ -e "$v/nvidia/current_vgpu_type" ] && cat "$v/nvidia/current_vgpu_type"
     done > "$W/types"'
HOST=$HOST_SAVED
[ "$(wc -l < "$W/out")" = 8 ] && [ "$(sort -u "$W/out" | wc -l)" = 8 ] &&
    [ "$(grep -c 'mdevtool: error: ' "$W/err")" = 22 ] &&
    [ "$(grep -v 'mdevtool: waiting for the lock' "$W/err" | grep -vc 'mdevtool: error: ')" = 0 ] &&
    [ "$(grep -vx 0 "$W/types" | sort -u | wc -l)" = 1 ] &&
    [ "$(grep -vxc 0 "$W/types")" = 8 ]
verdict "30 parallel creates on 8 free VFs: exactly 8 succeed, one type, nothing leaked"

echo "1..$n"
exit $failed
