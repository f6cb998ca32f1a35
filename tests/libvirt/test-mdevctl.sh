#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libvirt's node-device driver on mdevtool: the real libvirtd (only its
# nodedev driver) runs on a simulated host (tests/mdevsim) with mdevtool,
# named mdevctl, first in its PATH, and virsh drives the whole mdev life
# cycle through it. The daemon's debug log must show that every mdevctl
# call ran our binary. Prints TAP; skipped (visibly) when libvirtd or virsh
# are not installed or the test cannot get a private mount namespace.
#
# Environment: MDEVSIM, MDEVTOOL (set by make check), NLSHIM (the nlshim.so
# built in tests/libvirt; see nlshim.c).
set -u

here=$(cd "$(dirname "$0")" && pwd)
host="$here/mdevctl-host.json"

. "$here/lib.sh"

if [ "${MDEVCTL_LIBVIRT_IN_NAMESPACE:-}" != 1 ]; then
    libvirt_require libvirtd virsh
    MDEVCTL_LIBVIRT_IN_NAMESPACE=1 exec unshare -m sh "$0" "$@"
fi

if [ "${MDEVCTL_LIBVIRT_ON_HOST:-}" != 1 ]; then
    # Inside the private mount namespace: nothing of the host's libvirt or
    # mdevctl state is visible or changed.
    unset LD_PRELOAD
    libvirt_private_state
    mkdir -p /etc/mdevctl.d
    mount -t tmpfs tmpfs /etc/mdevctl.d
    work=$(mktemp -d /run/mdevctl-libvirt.XXXXXX)
    mkdir -p "$work/bin" "$work/state"
    libvirt_link_drivers "$work/drivers" nodedev
    ln -s "$MDEVTOOL" "$work/bin/mdevctl"
    libvirt_daemon_conf "$work/libvirtd.conf" "$work/libvirtd.log"
    # The real mdevctl is made unrunnable in this namespace: a call that
    # succeeds can only have reached mdevtool.
    libvirt_mdevctl_stub "$work/not-mdevctl" "$work/reference-mdevctl-calls"
    libvirt_hide_mdevctl "$work/not-mdevctl"
    # The simulator builds the host and this script runs again on it. Its
    # umockdev testbed sends uevents only from under umockdev's preload.
    MDEVCTL_LIBVIRT_ON_HOST=1 WORK=$work LD_PRELOAD=libumockdev-preload.so.0 \
        exec "$MDEVSIM" --host "$host" --conf-dir /etc/mdevctl.d -- sh "$0" "$@"
fi

# On the simulated host, with umockdev's and the simulator's preloads set.
work=$WORK
n=0
failed=0
daemon=

finish() {
    if [ -n "$daemon" ]; then
        kill "$daemon" 2>/dev/null
        wait "$daemon" 2>/dev/null
    fi
    echo "1..$n"
    if [ $failed -ne 0 ] && [ -e "$work/libvirtd.log" ]; then
        echo "# last lines of the daemon's log:"
        grep -e mdevctl -e error "$work/libvirtd.log" | tail -n 40 | sed 's/^/#   /'
    fi
    [ $failed -eq 0 ]
    exit $?
}

ok() {
    n=$((n + 1))
    echo "ok $n $1"
}

not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n $1"
    shift
    for line in "$@"; do
        echo "# $line"
    done
}

virsh_c() {
    env -u LD_PRELOAD virsh -q -c nodedev:///system "$@"
}

# check NAME COMMAND...: the command must succeed
check() {
    name=$1
    shift
    if out=$("$@" 2>&1); then
        ok "$name"
    else
        not_ok "$name" "command: $*" "$out"
    fi
}

# wait_for NAME SECONDS COMMAND...: polls the command until it succeeds, for
# at most SECONDS of wall-clock time, and fails early when libvirtd has exited.
# The limits are generous (a condition that holds ends the wait at once) so
# that a loaded machine does not fail; a wait that runs out says how long it
# waited, for what, and what the command said the last time.
wait_for() {
    name=$1
    limit=$2
    shift 2
    start=$(date +%s)
    while :; do
        if last=$("$@" 2>&1); then
            ok "$name"
            return 0
        fi
        waited=$(($(date +%s) - start))
        if [ -n "$daemon" ] && ! kill -0 "$daemon" 2>/dev/null; then
            not_ok "$name" "libvirtd exited after $waited s of waiting for: $*" \
                "last output: $last" "$(sed 's/^/libvirtd: /' "$work/libvirtd.out")"
            return 1
        fi
        [ "$waited" -lt "$limit" ] || break
        sleep 0.1
    done
    not_ok "$name" "waited $waited s (limit $limit s) for: $*" "last output: $last"
    return 1
}

# listed NAME ARGS...: virsh nodedev-list ARGS names NAME (the list is
# printed for wait_for's report); unlisted: it does not, and virsh worked
listed() {
    want=$1
    shift
    list=$(virsh_c nodedev-list "$@" 2>&1) || { echo "$list"; return 2; }
    echo "$list"
    echo "$list" | grep -qx "$want"
}
unlisted() {
    listed "$@"
    [ $? -eq 1 ]
}
# has_iommu_group NAME: libvirt's XML of the device names its IOMMU group.
# A start is done for libvirt in two steps: mdevctl's answer makes the mdev
# active at once, the udev event with the new device's iommu_group link
# comes later; on a loaded machine a step that needs the group (dumpxml,
# destroy) could run in between.
has_iommu_group() {
    xml=$(virsh_c nodedev-dumpxml "$1" 2>&1) || { echo "$xml"; return 2; }
    echo "$xml"
    echo "$xml" | grep -q "<iommuGroup number='[0-9]*'/>"
}

LD_PRELOAD="$LD_PRELOAD:$NLSHIM" LIBVIRT_DRIVER_DIR="$work/drivers" PATH="$work/bin:$PATH" \
    libvirtd --config "$work/libvirtd.conf" --pid-file "$work/libvirtd.pid" \
    >"$work/libvirtd.out" 2>&1 &
daemon=$!
parent=pci_0000_00_02_0
if ! wait_for "libvirtd lists the parent with --cap mdev_types" 120 \
    listed "$parent" --cap mdev_types; then
    sed 's/^/# /' "$work/libvirtd.out"
    finish
fi

uuid=6c1f4ab8-0c0a-4c6e-9f43-3f8e3b35b4a1
mdev=mdev_$(echo "$uuid" | tr - _)_0000_00_02_0
cat > "$work/mdev.xml" <<XML
<device>
  <parent>$parent</parent>
  <capability type='mdev'>
    <type id='i915-GVTg_V5_8'/>
    <uuid>$uuid</uuid>
  </capability>
</device>
XML

check "nodedev-define" virsh_c nodedev-define "$work/mdev.xml"
if [ -f "/etc/mdevctl.d/0000:00:02.0/$uuid" ] &&
   grep -q '"mdev_type": "i915-GVTg_V5_8"' "/etc/mdevctl.d/0000:00:02.0/$uuid"; then
    ok "the definition is stored in mdevctl's layout"
else
    not_ok "the definition is stored in mdevctl's layout" "$(ls -lR /etc/mdevctl.d)"
fi
wait_for "nodedev-list --inactive --cap mdev shows it" 60 listed "$mdev" --inactive --cap mdev
check "nodedev-autostart" virsh_c nodedev-autostart "$mdev"
if grep -q '"start": "auto"' "/etc/mdevctl.d/0000:00:02.0/$uuid"; then
    ok "autostart is stored"
else
    not_ok "autostart is stored" "$(cat "/etc/mdevctl.d/0000:00:02.0/$uuid")"
fi
check "nodedev-start" virsh_c nodedev-start "$mdev"
wait_for "the started mdev is active" 60 listed "$mdev" --cap mdev
wait_for "libvirt has the started mdev's IOMMU group" 60 has_iommu_group "$mdev"
if xml=$(virsh_c nodedev-dumpxml "$mdev" 2>&1) &&
   echo "$xml" | grep -q "<type id='i915-GVTg_V5_8'/>" &&
   echo "$xml" | grep -q "<uuid>$uuid</uuid>" &&
   echo "$xml" | grep -q "<parent>$parent</parent>"; then
    ok "nodedev-dumpxml"
else
    not_ok "nodedev-dumpxml" "$xml"
fi
check "nodedev-destroy" virsh_c nodedev-destroy "$mdev"
wait_for "the destroyed mdev is inactive again" 60 listed "$mdev" --inactive --cap mdev
if [ -f "/etc/mdevctl.d/0000:00:02.0/$uuid" ]; then
    ok "the definition outlives the device"
else
    not_ok "the definition outlives the device"
fi
check "nodedev-undefine" virsh_c nodedev-undefine "$mdev"
wait_for "the undefined mdev is gone" 60 unlisted "$mdev" --all --cap mdev
if [ ! -e "/etc/mdevctl.d/0000:00:02.0/$uuid" ]; then
    ok "the definition file is removed"
else
    not_ok "the definition file is removed"
fi

tuuid=0d3f7a52-6f3e-4b1e-8a55-2f9a3c1d7e21
tmdev=mdev_$(echo "$tuuid" | tr - _)_0000_00_02_0
sed -e "s/$uuid/$tuuid/" -e "s/i915-GVTg_V5_8/i915-GVTg_V5_4/" "$work/mdev.xml" > "$work/transient.xml"
check "nodedev-create of a transient mdev" virsh_c nodedev-create "$work/transient.xml"
wait_for "the transient mdev is active" 60 listed "$tmdev" --cap mdev
wait_for "libvirt has the transient mdev's IOMMU group" 60 has_iommu_group "$tmdev"
if [ ! -e "/etc/mdevctl.d/0000:00:02.0/$tuuid" ]; then
    ok "a transient mdev is not stored"
else
    not_ok "a transient mdev is not stored"
fi
check "nodedev-destroy of the transient mdev" virsh_c nodedev-destroy "$tmdev"
wait_for "the transient mdev is gone" 60 unlisted "$tmdev" --all --cap mdev

# The daemon's log shows every mdevctl call libvirt made; the real mdevctl
# cannot run here, so they all reached mdevtool.
for call in "list --dumpjson --defined" "define --parent=0000:00:02.0 --jsonfile=/dev/stdin --uuid=$uuid" \
            "modify --uuid $uuid --auto" "start --uuid=$uuid" "stop --uuid=$uuid" \
            "undefine --uuid=$uuid" "start --parent=0000:00:02.0 --jsonfile=/dev/stdin --uuid=$tuuid" \
            "stop --uuid=$tuuid"; do
    if grep -F "About to run mdevctl $call" "$work/libvirtd.log" >/dev/null; then
        ok "libvirtd ran mdevctl $call"
    else
        not_ok "libvirtd ran mdevctl $call" \
            "$(grep -F "About to run mdevctl" "$work/libvirtd.log" | tail -n 5)"
    fi
done
if [ ! -e "$work/reference-mdevctl-calls" ]; then
    ok "no call reached another mdevctl"
else
    not_ok "no call reached another mdevctl" "$(cat "$work/reference-mdevctl-calls")"
fi
finish
