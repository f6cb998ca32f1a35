#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The real-kernel scenarios, run as root inside the test guest (run-vm.sh):
# the kernel's sample parents mtty, mdpy and mbochs, Debian's mdevctl, udevd,
# libvirtd's node-device driver and mdevtool.  Prints TAP on stdout, one test
# per scenario, and keeps going after a failure; with $VM_OUT set the TAP lines
# alone also go to $VM_OUT/results.tap.
#
# Usage: guest-tests.sh [--mdevtool PATH] [--srcdir DIR] [--builddir DIR]
#                       [--only NAME]... [--list]
#
# Scenarios that need an mdevtool command run only when "mdevtool COMMAND
# --help" succeeds; otherwise they report a TAP SKIP naming the command.
#
# Nothing here sleeps and hopes: every step waits for the event or state it
# needs, with a deadline.  Deadlines and the scenarios' time limits are given
# for an unloaded host and multiplied by $VM_SCALE, the speed factor vm-stage2
# measured at boot (1.0 when unset).

set -u

self=$(readlink -f "$0")
MDEVTOOL=${MDEVTOOL:-}
VM_SRCDIR=${VM_SRCDIR:-}
VM_BUILDDIR=${VM_BUILDDIR:-}
only=()
list_only=0

# name  function  time limit (s, times $VM_SCALE)  description
scenarios=(
    "kernel-parents        t_kernel_parents        60   sysfs: the three sample parents and their types as the kernel registers them"
    "sysfs-create-remove   t_sysfs_create_remove   180  sysfs: create and remove one mdev of every type, IOMMU group and /dev/vfio node"
    "sysfs-mtty-pool       t_sysfs_mtty_pool       60   sysfs: mtty-1 and mtty-2 share one pool of ports"
    "sysfs-mbochs-budget   t_sysfs_mbochs_budget   60   sysfs: mbochs types share one video-memory budget"
    "sysfs-mdpy-pool       t_sysfs_mdpy_pool       60   sysfs: mdpy types share one parent-wide instance count"
    "sysfs-capacity        t_sysfs_capacity        300  sysfs: every type filled to capacity, one more fails, pools stay consistent"
    "sysfs-race            t_sysfs_race            120  sysfs: 30 parallel creates for 4 free mtty-1 instances"
    "vfio-open             t_vfio_open             120  vfio: one mdev of each parent opened through the VFIO group and container"
    "mdevctl-debian        t_mdevctl_debian        120  mdevctl: Debian's mdevctl defines, starts, lists, stops and undefines on mtty"
    "uevent-registered     t_uevent_registered     120  uevent: reloading mtty sends MDEV_STATE=unregistered/registered through udevd"
    "libvirt-debian-mdevctl t_libvirt_debian       300  libvirt: nodedev driver with udevd and Debian's mdevctl (define, start, destroy, undefine, create)"
    "mdevtool-discovery    t_mdevtool_discovery    120  mdevtool: --json parents and types equal what sysfs says"
    "mdevtool-create-stop  t_mdevtool_create_stop  300  mdevtool: create of every type by id and by name, with and without --parent; stop"
    "mdevtool-capacity     t_mdevtool_capacity     900  mdevtool: every type filled to capacity, one more is a clean error"
    "mdevtool-race         t_mdevtool_race         300  mdevtool: 30 parallel creates for 4 free instances, exactly 4 succeed"
    "mdevtool-persistence  t_mdevtool_persistence  300  mdevtool: define --auto, mtty reload, start-parent; Debian's mdevctl reads the definition"
    "mdevtool-udev-autostart t_mdevtool_udev_autostart 300 mdevtool: the udev rule starts --auto devices on MDEV_STATE=registered"
    "mdevtool-libvirt      t_mdevtool_libvirt      400  libvirt: nodedev driver with mdevtool as mdevctl; nodedev-dumpxml equals mdevtool dumpxml"
    "mdevtool-hostile-names t_mdevtool_hostile     300  mdevtool: names with ../ and / write nothing on the real kernel"
    "mdevtool-in-use       t_mdevtool_in_use       300  mdevtool: a QEMU holding an mtty mdev: list shows it, stop and undefine refuse naming it, gc keeps it, --force waits for it"
    "mdevtool-domain       t_mdevtool_domain       600  libvirt: libvirtd's QEMU driver runs a nested domain holding an mtty mdev; list shows it, stop refuses, destroy frees it"
    "mdevtool-domain-hook  t_mdevtool_domain_hook  900  libvirt: the qemu hook makes a domain's mdevs at virsh start and removes exactly those at destroy"
    "mdevtool-domain-attach t_mdevtool_domain_attach 600 libvirt: attach --live hot-plugs an mtty mdev into a running domain, gc asks libvirt, detach"
    "nvvf-card             t_nvvf_card             120  nvvf: the card bound to nvidia, 8 VFs with nvidia/ files, IOMMU groups and VFIO devices"
    "nvvf-create-destroy   t_nvvf_create_destroy   120  nvvf: create and destroy through current_vgpu_type, vgpu_params, sibling lists follow"
    "nvvf-homogeneous      t_nvvf_homogeneous      300  nvvf: types filled to their maximum, lists shrink to the header and come back"
    "nvvf-errnos-proprietary t_nvvf_errnos_proprietary 120 nvvf: EINVAL, EPERM, EIO of the proprietary driver"
    "nvvf-errnos-upstream  t_nvvf_errnos_upstream  120  nvvf: EINVAL, ENODEV, ENOSPC of the upstream variant driver"
    "nvvf-vfio             t_nvvf_vfio             120  nvvf: VFIO open refused without a type, works with one; not-ready window; upstream EBUSY (needs MDEVTOOL_VM_IOMMU=1)"
    "nvvf-race             t_nvvf_race             180  nvvf: parallel creates keep the maximum and never mix two types"
    "nvvf-sriov-disable    t_nvvf_sriov_disable    180  nvvf: VFs vanish when SR-IOV is disabled, with vGPUs and under writers"
    "mdevtool-nvvf-discovery t_mdevtool_nvvf_discovery 120 mdevtool on nvvf: parents, types and list show the card, its types and a VF vGPU"
    "mdevtool-nvvf-create-stop t_mdevtool_nvvf_create_stop 180 mdevtool on nvvf: create by name and id takes free VFs, stop writes 0"
    "mdevtool-nvvf-persistence t_mdevtool_nvvf_persistence 180 mdevtool on nvvf: define --auto, SR-IOV off and on, start-parent starts it once"
    "mdevtool-nvvf-udev-autostart t_mdevtool_nvvf_udev_autostart 300 mdevtool on nvvf: the udev rule starts --auto VF vGPUs when sriov_numvfs enables the VFs"
)

while [ $# -gt 0 ]; do
    case $1 in
    --mdevtool) MDEVTOOL=$2; shift 2 ;;
    --srcdir) VM_SRCDIR=$2; shift 2 ;;
    --builddir) VM_BUILDDIR=$2; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    --list) list_only=1; shift ;;
    --run) break ;;
    *) echo "usage: $0 [--mdevtool PATH] [--srcdir DIR] [--builddir DIR] [--only NAME]... [--list]" >&2
       exit 2 ;;
    esac
done
export MDEVTOOL VM_SRCDIR VM_BUILDDIR

VM_SCALE=${VM_SCALE:-1.0}
[[ $VM_SCALE =~ ^[0-9]+\.[0-9]$ ]] || VM_SCALE=1.0
SCALE10=$((${VM_SCALE%.*} * 10 + ${VM_SCALE#*.}))
export VM_SCALE

SYS_MDEV=/sys/bus/mdev/devices
SYS_CLASS=/sys/class/mdev_bus
SKIP_RC=77

# --------------------------------------------------------- shared functions
# Used inside a scenario (a child process): fail() records and goes on, the
# scenario fails when anything was recorded.
nfail=0
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
note() { echo "$*"; }
skip() { echo "$*" >"$SKIP_FILE"; exit "$SKIP_RC"; }
finish() { [ "$nfail" = 0 ]; exit $?; }

expect_eq() { # ACTUAL EXPECTED WHAT
    [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# These functions avoid forks where they can: under TCG every exec costs ~0.1 s.
new_uuid() { local u; read -r u </proc/sys/kernel/random/uuid; echo "$u"; }
avail() { local v; read -r v <"$SYS_CLASS/$1/mdev_supported_types/$2/available_instances"; echo "$v"; }
types_of() { ls "$SYS_CLASS/$1/mdev_supported_types"; }
parents() { ls "$SYS_CLASS"; }
mdev_count() { local d n=0; for d in "$SYS_MDEV"/*; do [ -e "$d" ] && n=$((n + 1)); done; echo $n; }
mdevs_of() { # PARENT [TYPE]: the mdevs are children of the parent's directory
    local d
    if [ -n "${2:-}" ]; then
        for d in "$SYS_CLASS/$1/mdev_supported_types/$2/devices"/*; do
            [ -e "$d" ] && echo "${d##*/}"
        done
    else
        for d in "$SYS_CLASS/$1"/*-*-*-*-*; do
            [ -e "$d/mdev_type" ] && echo "${d##*/}"
        done
    fi
    return 0
}

# Write a UUID to a type's create file the way mdevctl does: one write, no
# newline.  Returns the write's status, the error text on stderr.
sys_create() { # PARENT TYPE UUID
    printf %s "$3" >"$SYS_CLASS/$1/mdev_supported_types/$2/create"
}
sys_remove() { echo 1 >"$SYS_MDEV/$1/remove"; }
remove_all_mdevs() {
    local d
    for d in "$SYS_MDEV"/*; do
        [ -e "$d/remove" ] && echo 1 >"$d/remove" 2>/dev/null
    done
    return 0
}

# Checks on an active mdev: parent, type, driver, IOMMU group, /dev/vfio node.
# Sets MDEV_GROUP.  Not to be called in $(...): fail() must count.
check_mdev() { # UUID PARENT TYPE
    local d=$SYS_MDEV/$1 group i r
    MDEV_GROUP=
    if [ ! -d "$d" ]; then
        fail "$1 not in $SYS_MDEV"
        return 1
    fi
    r=$(readlink -f "$d")
    r=${r%/*}
    expect_eq "${r##*/}" "$2" "parent of $1"
    r=$(readlink "$d/mdev_type")
    expect_eq "${r##*/}" "$3" "type of $1"
    r=$(readlink "$d/driver")
    expect_eq "${r##*/}" "$2" "driver of $1"
    if [ ! -e "$d/iommu_group" ]; then
        fail "$1 has no iommu_group"
        return 1
    fi
    group=$(readlink "$d/iommu_group")
    group=${group##*/}
    # devtmpfs makes the node in its own thread, after the write returned.
    wait_for 2 test -c "/dev/vfio/$group" ||
        fail "/dev/vfio/$group of $1 is not a character device"
    MDEV_GROUP=$group
}

scaled() { # SECONDS: the deadline for this machine, whole seconds rounded up
    echo $(( ($1 * SCALE10 + 9) / 10 ))
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds, for
# at most SECONDS times the speed factor.  A wait that does not hold at once
# says so (a scenario killed by its time limit then shows what it was waiting
# for); one that runs out says what it waited for, how long, and what the
# command said and returned the last time.  The command's output is kept, not
# shown, so callers do not redirect it.
WAIT_OUT=/tmp/wait-for.out
wait_for() {
    local base=$1 limit start now rc
    shift
    limit=$(scaled "$base")
    start=$(date +%s.%N)
    "$@" >"$WAIT_OUT" 2>&1 && return 0
    note "waiting up to $limit s for: $*"
    while :; do
        sleep 0.2
        "$@" >"$WAIT_OUT" 2>&1 && return 0
        rc=$?
        now=$(date +%s.%N)
        awk -v a="$start" -v b="$now" -v l="$limit" 'BEGIN { exit !(b - a < l) }' || break
    done
    note "WAIT RAN OUT after $(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }') s" \
        "(limit $base s x speed factor $VM_SCALE) for: $*"
    note "  last exit status $rc, last output: $(head -c 600 "$WAIT_OUT" | tr '\n' '|')"
    return 1
}

# Guard: every named mdevtool command must answer --help with status 0.
need_mdevtool() {
    local c
    [ -n "$MDEVTOOL" ] && [ -x "$MDEVTOOL" ] || skip "no mdevtool binary given"
    for c in "$@"; do
        "$MDEVTOOL" "$c" --help >/dev/null 2>&1 || skip "mdevtool $c not implemented yet"
    done
}

# A directory holding "mdevctl": mdevtool started under that name (the
# mdevctl front end), each call logged to $MDEVCTL_CALLS first.
MDEVCTL_CALLS=/tmp/mdevctl-calls.log
mdevtool_as_mdevctl_dir() {
    local d=/tmp/mdevtool-as-mdevctl
    mkdir -p "$d"
    {
        echo '#!/bin/bash'
        echo "echo \"mdevctl \$*\" >>$MDEVCTL_CALLS"
        echo "exec -a \"\$0\" $(printf %q "$MDEVTOOL") \"\$@\""
    } >"$d/mdevctl"
    chmod 0755 "$d/mdevctl"
    echo "$d"
}
# Guard: the front end answers the mdevctl-only option libvirt relies on.
need_mdevctl_frontend() {
    local d
    [ -n "$MDEVTOOL" ] && [ -x "$MDEVTOOL" ] || skip "no mdevtool binary given"
    d=$(mdevtool_as_mdevctl_dir)
    "$d/mdevctl" list --defined --dumpjson >/dev/null 2>&1 ||
        skip "mdevtool as mdevctl (list --defined --dumpjson) not implemented yet"
}

start_udevd() {
    /lib/systemd/systemd-udevd --daemon >/dev/null 2>&1 || { fail "systemd-udevd did not start"; return 1; }
    udevadm trigger --action=add --subsystem-match=mdev --subsystem-match=mtty \
        --subsystem-match=mdpy --subsystem-match=mbochs --subsystem-match=vfio \
        >/dev/null 2>&1
    settle 60
}
settle() { # SECONDS: wait for udevd's queue to be empty, rules' programs run
    local limit
    limit=$(scaled "$1")
    udevadm settle --timeout="$limit" && return 0
    fail "udevadm settle: udevd's queue not empty after $limit s ($1 s x speed factor $VM_SCALE)"
    return 1
}
udevd_gone() { ! pgrep -a -x systemd-udevd; }
stop_udevd() {
    pgrep -x systemd-udevd >/dev/null || return 0
    udevadm control --exit >/dev/null 2>&1
    pkill -x systemd-udevd 2>/dev/null
    # The next scenario's udevd must not meet this one's sockets.
    wait_for 20 udevd_gone || pkill -9 -x systemd-udevd
    return 0
}

# libvirtd with the node-device driver only; PATH_PREFIX goes first in its PATH
# (where it looks up mdevctl).
LV_LOG=/var/log/libvirt/libvirtd.log
start_libvirtd() { # [PATH_PREFIX]
    local prefix=${1:-}
    mkdir -p /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt /tmp/lvdrv
    ln -sf /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_nodedev.so /tmp/lvdrv/
    rm -f "$LV_LOG"
    env PATH="${prefix:+$prefix:}$PATH" LIBVIRT_DRIVER_DIR=/tmp/lvdrv \
        LIBVIRT_LOG_OUTPUTS="1:file:$LV_LOG" \
        LIBVIRT_LOG_FILTERS="1:node_device 1:util.command 1:util.mdev 3:*" \
        /usr/sbin/libvirtd --daemon --pid-file=/run/libvirtd.pid >/dev/null 2>&1 ||
        { fail "libvirtd did not start"; return 1; }
    wait_for 60 lv nodedev-list || { fail "libvirtd not ready (virsh nodedev-list failed)"; return 1; }
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }
stop_libvirtd() {
    local pid
    pid=$(cat /run/libvirtd.pid 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null
    wait_for 20 pid_gone "$pid" || kill -9 "$pid" 2>/dev/null
    rm -f /run/libvirtd.pid
    return 0
}
lv() { virsh -q -c nodedev:///system "$@"; }
# lv_lists NAME ARGS...: nodedev-list ARGS names NAME (the list is printed,
# so that a wait that runs out shows it).
lv_lists() {
    local name=$1 out
    shift
    out=$(lv nodedev-list "$@" 2>&1) || { echo "$out"; return 2; }
    echo "$out"
    grep -qx -- "$name" <<<"$out"
}
lv_lacks() { lv_lists "$@"; [ $? = 1 ]; }

mdev_xml() { # UUID TYPE
    cat <<EOF
<device>
  <parent>mtty_mtty</parent>
  <capability type='mdev'>
    <type id='$2'/>
    <uuid>$1</uuid>
  </capability>
</device>
EOF
}
nodedev_name() { echo "mdev_$(echo "$1" | tr - _)_mtty"; }

# The libvirt sequence of issue scenarios, run against whichever mdevctl
# libvirtd finds first in its PATH.  With DUMPXML_CMD set, nodedev-dumpxml
# of the active and the defined device must equal that command's output.
libvirt_sequence() {
    local u name out
    out=$(lv nodedev-list --cap mdev_types 2>&1)
    note "nodedev-list --cap mdev_types: $out"
    echo "$out" | grep -qx 'mtty_mtty' || fail "mtty_mtty not among the mdev_types parents"

    u=$(new_uuid)
    name=$(nodedev_name "$u")
    mdev_xml "$u" mtty-1 >/tmp/mdev.xml
    lv nodedev-define /tmp/mdev.xml || fail "nodedev-define"
    wait_for 20 lv_lists "$name" --inactive --cap mdev ||
        fail "$name not listed as inactive after nodedev-define"
    lv nodedev-start "$name" || fail "nodedev-start $name"
    check_mdev "$u" mtty mtty-1
    wait_for 20 lv_lists "$name" --cap mdev ||
        fail "$name not listed as active after nodedev-start"
    lv nodedev-dumpxml "$name" >/tmp/nodedev.xml 2>&1 || fail "nodedev-dumpxml $name"
    note "nodedev-dumpxml $name:"; sed 's/^/  /' /tmp/nodedev.xml
    grep -q "<uuid>$u</uuid>" /tmp/nodedev.xml || fail "nodedev-dumpxml lacks the uuid"
    grep -q "<type id='mtty-1'/>" /tmp/nodedev.xml || fail "nodedev-dumpxml lacks the type"
    if [ -n "${DUMPXML_CMD:-}" ]; then
        $DUMPXML_CMD "$u" >/tmp/ours.xml 2>&1 || fail "$DUMPXML_CMD $u"
        diff -u /tmp/nodedev.xml /tmp/ours.xml || fail "nodedev-dumpxml differs from $DUMPXML_CMD (active)"
    fi
    lv nodedev-destroy "$name" || fail "nodedev-destroy $name"
    wait_for 10 test ! -e "$SYS_MDEV/$u" || fail "$u still in sysfs after nodedev-destroy"
    if [ -n "${DUMPXML_CMD:-}" ]; then
        lv nodedev-dumpxml "$name" >/tmp/nodedev.xml 2>&1 || fail "nodedev-dumpxml $name (defined)"
        $DUMPXML_CMD --inactive "$u" >/tmp/ours.xml 2>&1 || fail "$DUMPXML_CMD --inactive $u"
        diff -u /tmp/nodedev.xml /tmp/ours.xml || fail "nodedev-dumpxml differs from $DUMPXML_CMD (defined)"
    fi
    lv nodedev-undefine "$name" || fail "nodedev-undefine $name"
    wait_for 20 lv_lacks "$name" --all ||
        fail "$name still listed after nodedev-undefine"

    u=$(new_uuid)
    name=$(nodedev_name "$u")
    mdev_xml "$u" mtty-2 >/tmp/mdev.xml
    timeout "$(scaled 120)" virsh -q -c nodedev:///system nodedev-create /tmp/mdev.xml ||
        fail "nodedev-create (exit status $?, 124: no answer within $(scaled 120) s)"
    check_mdev "$u" mtty mtty-2
    lv nodedev-destroy "$name" || fail "nodedev-destroy $name (transient)"
    wait_for 10 test ! -e "$SYS_MDEV/$u" || fail "$u still in sysfs after nodedev-destroy"
}

# Reload a sample module; its mdevs must be gone first.
reload_module() { # MODULE
    rmmod "$1" || { fail "rmmod $1"; return 1; }
    modprobe "$1" || { fail "modprobe $1"; return 1; }
    wait_for 10 test -d "$SYS_CLASS/$1/mdev_supported_types" || fail "$1 did not register again"
}

# ---------------------------------------------------------------- scenarios

# kernel-sysfs.md section 6: what the kernel registers for the samples.
t_kernel_parents() {
    local p t
    expect_eq "$(parents | tr '\n' ' ')" "mbochs mdpy mtty " "parents in $SYS_CLASS"
    for p in mbochs mdpy mtty; do
        expect_eq "$(readlink -f "$SYS_CLASS/$p")" "/sys/devices/virtual/$p/$p" "sysfs path of $p"
        for t in $(types_of "$p"); do
            expect_eq "$(cat "$SYS_CLASS/$p/mdev_supported_types/$t/device_api")" vfio-pci "device_api of $t"
        done
    done
    expect_eq "$(types_of mtty | tr '\n' ' ')" "mtty-1 mtty-2 " "mtty types"
    expect_eq "$(types_of mdpy | tr '\n' ' ')" "mdpy-hd mdpy-vga mdpy-xga " "mdpy types"
    expect_eq "$(types_of mbochs | tr '\n' ' ')" "mbochs-large mbochs-medium mbochs-small " "mbochs types"
    expect_eq "$(cat $SYS_CLASS/mtty/mdev_supported_types/mtty-1/name)" "Single port serial" "name of mtty-1"
    expect_eq "$(cat $SYS_CLASS/mtty/mdev_supported_types/mtty-2/name)" "Dual port serial" "name of mtty-2"
    for t in mtty-1 mtty-2; do
        [ ! -e "$SYS_CLASS/mtty/mdev_supported_types/$t/description" ] ||
            fail "mtty type $t has a description file"
    done
    expect_eq "$(cat $SYS_CLASS/mdpy/mdev_supported_types/mdpy-vga/description)" \
        "virtual display, 640x480 framebuffer" "description of mdpy-vga"
    expect_eq "$(cat $SYS_CLASS/mbochs/mdev_supported_types/mbochs-small/description)" \
        "virtual display, 4 MB video memory" "description of mbochs-small"
    for t in "mtty mtty-1 24" "mtty mtty-2 12" "mdpy mdpy-vga 4" "mdpy mdpy-xga 4" "mdpy mdpy-hd 4" \
             "mbochs mbochs-small 64" "mbochs mbochs-medium 16" "mbochs mbochs-large 4"; do
        set -- $t
        expect_eq "$(avail "$1" "$2")" "$3" "fresh available_instances of $2"
    done
    expect_eq "$(mdev_count)" 0 "mdevs at start"
    finish
}

t_sysfs_create_remove() {
    local p t u before group
    for p in $(parents); do
        for t in $(types_of "$p"); do
            before=$(avail "$p" "$t")
            u=$(new_uuid)
            sys_create "$p" "$t" "$u" || { fail "create of $p/$t"; continue; }
            check_mdev "$u" "$p" "$t" || continue
            group=$MDEV_GROUP
            expect_eq "$(avail "$p" "$t")" "$((before - 1))" "available_instances of $t after create"
            [ -L "$SYS_CLASS/$p/mdev_supported_types/$t/devices/$u" ] || fail "$t/devices/$u missing"
            note "$p/$t: $u in IOMMU group $group, available $before -> $((before - 1))"
            sys_remove "$u" || fail "remove of $u"
            [ ! -e "$SYS_MDEV/$u" ] || fail "$u still present after remove"
            wait_for 2 test ! -e "/dev/vfio/$group" || fail "/dev/vfio/$group still present after remove"
            expect_eq "$(avail "$p" "$t")" "$before" "available_instances of $t after remove"
        done
    done
    finish
}

t_sysfs_mtty_pool() {
    local a b c
    a=$(new_uuid); b=$(new_uuid); c=$(new_uuid)
    sys_create mtty mtty-2 "$a" || fail "create mtty-2"
    expect_eq "$(avail mtty mtty-1) $(avail mtty mtty-2)" "22 11" "after one mtty-2"
    sys_create mtty mtty-1 "$b" || fail "create mtty-1"
    expect_eq "$(avail mtty mtty-1) $(avail mtty mtty-2)" "21 10" "after one mtty-2 and one mtty-1"
    sys_create mtty mtty-1 "$c" || fail "create mtty-1"
    expect_eq "$(avail mtty mtty-1) $(avail mtty mtty-2)" "20 10" "after one mtty-2 and two mtty-1"
    sys_remove "$a" && sys_remove "$b" && sys_remove "$c" || fail "remove"
    expect_eq "$(avail mtty mtty-1) $(avail mtty mtty-2)" "24 12" "after removing all"
    finish
}

t_sysfs_mbochs_budget() {
    local a b c mem
    mem=$(cat /sys/module/mbochs/parameters/count 2>/dev/null || echo 256)
    note "mbochs budget: $mem MB"
    avails() { echo "$(avail mbochs mbochs-small) $(avail mbochs mbochs-medium) $(avail mbochs mbochs-large)"; }
    a=$(new_uuid); b=$(new_uuid); c=$(new_uuid)
    sys_create mbochs mbochs-large "$a" || fail "create mbochs-large"
    expect_eq "$(avails)" "$(((mem - 64) / 4)) $(((mem - 64) / 16)) $(((mem - 64) / 64))" "after one large"
    sys_create mbochs mbochs-medium "$b" || fail "create mbochs-medium"
    expect_eq "$(avails)" "$(((mem - 80) / 4)) $(((mem - 80) / 16)) $(((mem - 80) / 64))" "after large + medium"
    sys_create mbochs mbochs-small "$c" || fail "create mbochs-small"
    expect_eq "$(avails)" "$(((mem - 84) / 4)) $(((mem - 84) / 16)) $(((mem - 84) / 64))" "after large + medium + small"
    sys_remove "$a" && sys_remove "$b" && sys_remove "$c" || fail "remove"
    expect_eq "$(avails)" "$((mem / 4)) $((mem / 16)) $((mem / 64))" "after removing all"
    finish
}

t_sysfs_mdpy_pool() {
    local a b err
    avails() { echo "$(avail mdpy mdpy-vga) $(avail mdpy mdpy-xga) $(avail mdpy mdpy-hd)"; }
    a=$(new_uuid); b=$(new_uuid)
    sys_create mdpy mdpy-vga "$a" || fail "create mdpy-vga"
    expect_eq "$(avails)" "3 3 3" "after one mdpy-vga"
    sys_create mdpy mdpy-hd "$b" || fail "create mdpy-hd"
    expect_eq "$(avails)" "2 2 2" "after mdpy-vga + mdpy-hd"
    sys_remove "$a" && sys_remove "$b" || fail "remove"
    expect_eq "$(avails)" "4 4 4" "after removing all"
    finish
}

# Fill one type, then one more create must fail and change nothing.
fill_type_sysfs() { # PARENT TYPE
    local p=$1 t=$2 n=0 u err before
    while [ "$(avail "$p" "$t")" -gt 0 ] && [ $n -lt 100 ]; do
        sys_create "$p" "$t" "$(new_uuid)" || { fail "create $n of $t"; return 1; }
        n=$((n + 1))
    done
    before=$(mdev_count)
    u=$(new_uuid)
    if err=$(sys_create "$p" "$t" "$u" 2>&1); then
        fail "create beyond capacity of $t succeeded"
    fi
    [ ! -e "$SYS_MDEV/$u" ] || fail "$u exists after the failed create"
    expect_eq "$(mdev_count)" "$before" "mdevs after the failed create on $t"
    note "$p/$t: $n created, then: ${err##*: }"
    echo "$n" >/tmp/filled
}

t_sysfs_capacity() {
    local p t o n
    for p in $(parents); do
        for t in $(types_of "$p"); do
            fill_type_sysfs "$p" "$t"
            n=$(cat /tmp/filled 2>/dev/null || echo 0)
            for o in $(types_of "$p"); do
                expect_eq "$(avail "$p" "$o")" 0 "available_instances of $o while $t is full"
            done
            remove_all_mdevs
            expect_eq "$(mdev_count)" 0 "mdevs after removing the $n of $t"
        done
    done
    for t in "mtty mtty-1 24" "mtty mtty-2 12" "mdpy mdpy-vga 4" "mbochs mbochs-small 64" \
             "mbochs mbochs-large 4"; do
        set -- $t
        expect_eq "$(avail "$1" "$2")" "$3" "available_instances of $2 at the end"
    done
    finish
}

t_sysfs_race() {
    local i ok=0 pids=()
    for i in $(seq 20); do sys_create mtty mtty-1 "$(new_uuid)" || fail "create $i"; done
    expect_eq "$(avail mtty mtty-1)" 4 "free mtty-1 before the race"
    mkdir -p /tmp/race
    rm -f /tmp/race/*
    for i in $(seq 30); do
        ( if sys_create mtty mtty-1 "$(new_uuid)" 2>/dev/null; then touch /tmp/race/ok.$i; fi ) &
        pids+=($!)
    done
    wait "${pids[@]}"
    ok=$(find /tmp/race -name 'ok.*' | wc -l)
    expect_eq "$ok" 4 "successful parallel creates"
    expect_eq "$(mdevs_of mtty mtty-1 | wc -l)" 24 "mtty-1 devices after the race"
    expect_eq "$(avail mtty mtty-1)" 0 "free mtty-1 after the race"
    remove_all_mdevs
    expect_eq "$(avail mtty mtty-1)" 24 "free mtty-1 after removing all"
    finish
}

# Open each mdev the way QEMU does: container, group, device fd.
t_vfio_open() {
    local p t u
    for p in mtty mdpy mbochs; do
        t=$(types_of "$p" | head -n1)
        u=$(new_uuid)
        sys_create "$p" "$t" "$u" || { fail "create $p/$t"; continue; }
        python3 - "$u" <<'EOF' || fail "VFIO open of $p/$t ($u)"
import ctypes, os, sys
uuid = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
def IO(n): return (ord(';') << 8) | (100 + n)
GET_API_VERSION, CHECK_EXTENSION, SET_IOMMU = IO(0), IO(1), IO(2)
GROUP_GET_STATUS, GROUP_SET_CONTAINER, GROUP_GET_DEVICE_FD, DEVICE_GET_INFO = IO(3), IO(4), IO(6), IO(7)
TYPE1v2 = 3
def ioctl(fd, req, arg):
    r = libc.ioctl(fd, req, arg)
    if r < 0:
        raise OSError(ctypes.get_errno(), "ioctl %#x" % req)
    return r
group = os.path.basename(os.readlink("/sys/bus/mdev/devices/%s/iommu_group" % uuid))
container = os.open("/dev/vfio/vfio", os.O_RDWR)
assert ioctl(container, GET_API_VERSION, None) == 0, "API version"
assert ioctl(container, CHECK_EXTENSION, TYPE1v2) == 1, "no Type1v2"
gfd = os.open("/dev/vfio/" + group, os.O_RDWR)
status = (ctypes.c_uint32 * 2)(8, 0)
ioctl(gfd, GROUP_GET_STATUS, ctypes.addressof(status))
assert status[1] & 1, "group %s not viable" % group
ioctl(gfd, GROUP_SET_CONTAINER, ctypes.addressof(ctypes.c_int(container)))
ioctl(container, SET_IOMMU, TYPE1v2)
dfd = ioctl(gfd, GROUP_GET_DEVICE_FD, ctypes.c_char_p(uuid.encode()))
info = (ctypes.c_uint32 * 4)(16, 0, 0, 0)
ioctl(dfd, DEVICE_GET_INFO, ctypes.addressof(info))
print("%s: group %s, device flags %#x, %d regions, %d irqs" % (uuid, group, info[1], info[2], info[3]))
assert info[1] & 2, "not a PCI device"
for fd in (dfd, gfd, container):
    os.close(fd)
EOF
        sys_remove "$u" || fail "remove $u"
    done
    finish
}

t_mdevctl_debian() {
    local u out
    u=$(new_uuid)
    mdevctl start -p mtty -t mtty-1 -u "$u" || fail "mdevctl start -p -t -u"
    check_mdev "$u" mtty mtty-1
    out=$(mdevctl list)
    note "mdevctl list: $out"
    echo "$out" | grep -q "^$u mtty mtty-1" || fail "mdevctl list does not show $u"
    mdevctl define -u "$u" || fail "mdevctl define -u (from the running device)"
    [ -f "/etc/mdevctl.d/mtty/$u" ] || fail "no /etc/mdevctl.d/mtty/$u"
    mdevctl list --defined | grep -q "^$u mtty mtty-1 manual" || fail "mdevctl list --defined"
    mdevctl stop -u "$u" || fail "mdevctl stop"
    [ ! -e "$SYS_MDEV/$u" ] || fail "$u still active after mdevctl stop"
    mdevctl start -u "$u" || fail "mdevctl start -u (defined)"
    check_mdev "$u" mtty mtty-1
    mdevctl stop -u "$u" || fail "mdevctl stop"
    mdevctl undefine -u "$u" || fail "mdevctl undefine"
    expect_eq "$(mdevctl list --defined)" "" "mdevctl list --defined after undefine"
    finish
}

# uevent_seen SOURCE STATE FILE: udevadm monitor --property wrote a change
# event from SOURCE (KERNEL or UDEV) with MDEV_STATE=STATE to FILE.  When not,
# prints the change events it did see.
uevent_seen() {
    awk -v src="$1" -v want="$2" 'BEGIN { RS = "" }
        $0 ~ "^(KERNEL|UDEV) *\\[[0-9.]+\\] +change " {
            st = "none"
            if (match($0, /\nMDEV_STATE=[a-z]*/))
                st = substr($0, RSTART + 12, RLENGTH - 12)
            sub(/ *\[.*/, "", $1)
            seen = seen " " $1 "/" st
            if ($1 == src && st == want)
                found = 1
        }
        END { if (!found) print "change events seen:" (seen == "" ? " none" : seen); exit !found }' "$3"
}
monitor_listening() { # FILE: both netlink groups are bound before these lines
    grep -q '^KERNEL - the kernel uevent' "$1" && grep -q '^UDEV - the event' "$1"
}

t_uevent_registered() {
    local mon=/tmp/uevents pid
    start_udevd || finish
    udevadm monitor --kernel --udev --property --subsystem-match=mtty >"$mon" 2>&1 &
    pid=$!
    wait_for 30 monitor_listening "$mon" || fail "udevadm monitor did not start listening"
    reload_module mtty
    # The udev event with MDEV_STATE=registered is the last of the reload.
    wait_for 30 uevent_seen UDEV registered "$mon" ||
        fail "no udev change event with MDEV_STATE=registered"
    kill "$pid"
    wait "$pid" 2>/dev/null
    stop_udevd
    grep -E '^(KERNEL|UDEV)|MDEV_STATE' "$mon" | sed 's/^/  /'
    uevent_seen KERNEL unregistered "$mon" || fail "no kernel change event with MDEV_STATE=unregistered"
    uevent_seen KERNEL registered "$mon" || fail "no kernel change event with MDEV_STATE=registered"
    uevent_seen UDEV unregistered "$mon" || fail "no udev change event with MDEV_STATE=unregistered"
    finish
}

t_libvirt_debian() {
    start_udevd || finish
    start_libvirtd || { stop_udevd; finish; }
    libvirt_sequence
    grep 'About to run [^ ]*mdevctl' "$LV_LOG" | sed 's/.*About to run /  libvirtd ran: /' | sort | uniq -c
    grep -q 'About to run [^ ]*mdevctl ' "$LV_LOG" || fail "libvirtd never ran mdevctl"
    stop_libvirtd
    stop_udevd
    finish
}

t_mdevtool_discovery() {
    need_mdevtool parents types
    "$MDEVTOOL" --json types >/tmp/types.json || fail "mdevtool --json types"
    "$MDEVTOOL" --json parents >/tmp/parents.json || fail "mdevtool --json parents"
    python3 - /tmp/types.json /tmp/parents.json <<'EOF' || fail "JSON differs from sysfs"
import json, os, sys
cls = "/sys/class/mdev_bus"
types = json.load(open(sys.argv[1]))
parents = json.load(open(sys.argv[2]))
bad = 0
def err(msg):
    global bad
    bad += 1
    print("FAIL:", msg)
def rd(path):
    try:
        return open(path).read().rstrip("\n")
    except FileNotFoundError:
        return None
byname = {p.get("parent"): p for p in types}
for name in sorted(os.listdir(cls)):
    path = os.path.realpath(os.path.join(cls, name))
    if not any(name in (p.get("name"), p.get("parent")) for p in parents):
        err("parents: %s missing" % name)
    p = byname.get(name)
    if p is None:
        err("types: parent %s missing" % name)
        continue
    if p.get("kind") != "generic":
        err("types: %s kind %r, expected 'generic'" % (name, p.get("kind")))
    if p.get("path") != path:
        err("types: %s path %r, expected %r" % (name, p.get("path"), path))
    tdir = os.path.join(cls, name, "mdev_supported_types")
    want = {}
    for t in sorted(os.listdir(tdir)):
        d = os.path.join(tdir, t)
        want[t] = {"id": t, "name": rd(d + "/name"), "description": rd(d + "/description"),
                   "device_api": rd(d + "/device_api"),
                   "available_instances": int(rd(d + "/available_instances"))}
    got = {t.get("id"): t for t in p.get("types", [])}
    if sorted(got) != sorted(want):
        err("types of %s: %s, expected %s" % (name, sorted(got), sorted(want)))
    for t, w in want.items():
        g = got.get(t, {})
        for k, v in w.items():
            if g.get(k) != v:
                err("%s/%s: %s = %r, sysfs says %r" % (name, t, k, g.get(k), v))
extra = set(byname) - set(os.listdir(cls))
if extra:
    err("types: parents not in sysfs: %s" % sorted(extra))
print("compared %d parents" % len(os.listdir(cls)))
sys.exit(1 if bad else 0)
EOF
    finish
}

# Create with mdevtool, check against sysfs, stop with mdevtool.
mdevtool_create_check() { # PARENT TYPE ARGS...
    local p=$1 t=$2 before u group
    shift 2
    before=$(avail "$p" "$t")
    u=$("$MDEVTOOL" create "$@") || { fail "mdevtool create $*"; return 1; }
    u=$(echo "$u" | tail -n1)
    [[ $u =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] ||
        { fail "mdevtool create $* printed '$u', not a UUID"; return 1; }
    check_mdev "$u" "$p" "$t" || return 1
    group=$MDEV_GROUP
    expect_eq "$(avail "$p" "$t")" "$((before - 1))" "available_instances of $t after mdevtool create $*"
    note "create $*: $u, group $group"
    "$MDEVTOOL" stop "$u" || fail "mdevtool stop $u"
    [ ! -e "$SYS_MDEV/$u" ] || fail "$u still active after mdevtool stop"
    expect_eq "$(avail "$p" "$t")" "$before" "available_instances of $t after mdevtool stop"
    echo "$u" >/tmp/last-uuid
}

t_mdevtool_create_stop() {
    need_mdevtool create stop
    local p t name u
    for p in $(parents); do
        for t in $(types_of "$p"); do
            name=$(cat "$SYS_CLASS/$p/mdev_supported_types/$t/name")
            mdevtool_create_check "$p" "$t" --type "$t" --parent "$p"
            mdevtool_create_check "$p" "$t" --type "$t"
            mdevtool_create_check "$p" "$t" --type "$name" --parent "$p"
            mdevtool_create_check "$p" "$t" --type "$name"
        done
    done
    u=$(new_uuid)
    mdevtool_create_check mtty mtty-2 --type mtty-2 --uuid "$u"
    expect_eq "$(cat /tmp/last-uuid 2>/dev/null)" "$u" "UUID given with --uuid"
    # An unknown type and an unknown parent are clean errors.
    "$MDEVTOOL" create --type no-such-type >/dev/null 2>/tmp/err && fail "create of an unknown type succeeded"
    "$MDEVTOOL" create --type mtty-1 --parent nosuchparent >/dev/null 2>/tmp/err &&
        fail "create on an unknown parent succeeded"
    expect_eq "$(mdev_count)" 0 "mdevs at the end"
    finish
}

fill_type_mdevtool() { # PARENT TYPE
    local p=$1 t=$2 n=0 rc before
    while [ "$(avail "$p" "$t")" -gt 0 ] && [ $n -lt 100 ]; do
        "$MDEVTOOL" create --type "$t" --parent "$p" >/dev/null || { fail "mdevtool create $n of $t"; return 1; }
        n=$((n + 1))
    done
    before=$(mdev_count)
    "$MDEVTOOL" create --type "$t" --parent "$p" >/tmp/out 2>/tmp/err
    rc=$?
    expect_eq "$rc" 1 "exit status of mdevtool create beyond the capacity of $t"
    expect_eq "$(wc -l </tmp/err)" 1 "lines on stderr for the failed create of $t"
    grep -q '^mdevtool: error: ' /tmp/err || fail "stderr of the failed create: $(cat /tmp/err)"
    [ ! -s /tmp/out ] || fail "the failed create printed '$(cat /tmp/out)'"
    expect_eq "$(mdev_count)" "$before" "mdevs after the failed create on $t"
    note "$p/$t: $n created, then: $(cat /tmp/err)"
}

t_mdevtool_capacity() {
    need_mdevtool create stop
    local p t o u
    for p in $(parents); do
        for t in $(types_of "$p"); do
            fill_type_mdevtool "$p" "$t"
            for o in $(types_of "$p"); do
                expect_eq "$(avail "$p" "$o")" 0 "available_instances of $o while $t is full"
            done
            for u in $(mdevs_of "$p"); do
                "$MDEVTOOL" stop "$u" || fail "mdevtool stop $u"
            done
            expect_eq "$(mdev_count)" 0 "mdevs after stopping the devices of $t"
        done
    done
    for t in "mtty mtty-1 24" "mtty mtty-2 12" "mdpy mdpy-vga 4" "mbochs mbochs-small 64"; do
        set -- $t
        expect_eq "$(avail "$1" "$2")" "$3" "available_instances of $2 at the end"
    done
    finish
}

t_mdevtool_race() {
    need_mdevtool create stop
    local i ok pids=()
    for i in $(seq 20); do sys_create mtty mtty-1 "$(new_uuid)" || fail "create $i"; done
    expect_eq "$(avail mtty mtty-1)" 4 "free mtty-1 before the race"
    mkdir -p /tmp/race
    rm -f /tmp/race/*
    for i in $(seq 30); do
        "$MDEVTOOL" create --type mtty-1 --parent mtty >/tmp/race/out.$i 2>/tmp/race/err.$i &
        pids+=($!)
    done
    ok=0
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" && ok=$((ok + 1))
    done
    expect_eq "$ok" 4 "mdevtool creates that succeeded"
    expect_eq "$(cat /tmp/race/out.* | grep -c .)" 4 "UUIDs printed"
    for i in $(cat /tmp/race/out.*); do
        check_mdev "$i" mtty mtty-1
    done
    expect_eq "$(mdevs_of mtty mtty-1 | wc -l)" 24 "mtty-1 devices after the race"
    expect_eq "$(avail mtty mtty-1)" 0 "free mtty-1 after the race"
    sort /tmp/race/err.* | uniq -c | head -n5
    remove_all_mdevs
    expect_eq "$(avail mtty mtty-1)" 24 "free mtty-1 after removing all"
    expect_eq "$(find /etc/mdevctl.d -type f | wc -l)" 0 "files left in /etc/mdevctl.d"
    finish
}

t_mdevtool_persistence() {
    need_mdevtool define start stop undefine start-parent
    local u out
    u=$(new_uuid)
    "$MDEVTOOL" define --type mtty-1 --parent mtty --uuid "$u" --auto || fail "mdevtool define --auto"
    [ -f "/etc/mdevctl.d/mtty/$u" ] || fail "no /etc/mdevctl.d/mtty/$u"
    out=$(mdevctl list --defined)
    note "Debian's mdevctl list --defined: $out"
    echo "$out" | grep -q "^$u mtty mtty-1 auto" || fail "Debian's mdevctl does not read the definition"
    [ ! -e "$SYS_MDEV/$u" ] || fail "define started $u"
    "$MDEVTOOL" start "$u" || fail "mdevtool start $u"
    check_mdev "$u" mtty mtty-1
    "$MDEVTOOL" stop "$u" || fail "mdevtool stop $u"
    reload_module mtty
    [ ! -e "$SYS_MDEV/$u" ] || fail "$u active after the reload without udev"
    "$MDEVTOOL" start-parent mtty || fail "mdevtool start-parent mtty"
    check_mdev "$u" mtty mtty-1
    "$MDEVTOOL" start-parent mtty || fail "a second start-parent on running devices failed"
    expect_eq "$(mdevs_of mtty | wc -l)" 1 "mtty devices after two start-parent"
    "$MDEVTOOL" stop "$u" || fail "mdevtool stop $u"
    "$MDEVTOOL" undefine "$u" || fail "mdevtool undefine $u"
    [ ! -e "/etc/mdevctl.d/mtty/$u" ] || fail "/etc/mdevctl.d/mtty/$u left after undefine"
    finish
}

# The udev rule of the build (or source) tree, its binary path made to point
# at the binary under test.
install_udev_rule() {
    local rule="" f bin
    for f in ${VM_BUILDDIR:+$VM_BUILDDIR/data/*.rules} ${VM_SRCDIR:+$VM_SRCDIR/data/*.rules}; do
        [ -f "$f" ] && { rule=$f; break; }
    done
    [ -n "$rule" ] || skip "no udev rule in data/ yet"
    cp "$rule" /etc/udev/rules.d/
    note "installed $(basename "$rule"):"; sed 's/^/  /' "$rule"
    # the programs the rule runs, not the directories it tests
    for bin in $(grep -o "RUN+=\"/bin/sh -c '[^ ]*" "$rule" | sed "s/.*'//" | sort -u); do
        [ "$bin" = "$MDEVTOOL" ] && continue
        mkdir -p "$(dirname "$bin")"
        ln -sf "$MDEVTOOL" "$bin"
        note "linked $bin to the binary under test"
    done
}

t_mdevtool_udev_autostart() {
    need_mdevtool define stop undefine start-parent
    install_udev_rule
    local u v
    u=$(new_uuid); v=$(new_uuid)
    "$MDEVTOOL" define --type mtty-1 --parent mtty --uuid "$u" --auto || fail "define --auto"
    "$MDEVTOOL" define --type mtty-2 --parent mtty --uuid "$v" || fail "define (manual)"
    start_udevd || finish
    reload_module mtty
    # The rule's RUN program has finished when settle returns.
    settle 60
    wait_for 30 test -e "$SYS_MDEV/$u" || fail "$u not started by the udev rule after the mtty reload"
    check_mdev "$u" mtty mtty-1
    [ ! -e "$SYS_MDEV/$v" ] || fail "manual $v was started"
    # Duplicate events for the parent must be harmless.  (Only the kernel can
    # send MDEV_STATE: a synthetic uevent names its variables SYNTH_ARG_*.)
    udevadm trigger --action=add /sys/devices/virtual/mtty/mtty
    udevadm trigger --action=change /sys/devices/virtual/mtty/mtty
    settle 60
    expect_eq "$(mdevs_of mtty | wc -l)" 1 "mtty devices after duplicate events"
    stop_udevd
    "$MDEVTOOL" stop "$u" || fail "stop $u"
    "$MDEVTOOL" undefine "$u" || fail "undefine $u"
    "$MDEVTOOL" undefine "$v" || fail "undefine $v"
    finish
}

t_mdevtool_libvirt() {
    need_mdevtool dumpxml
    need_mdevctl_frontend
    local d
    d=$(mdevtool_as_mdevctl_dir)
    rm -f "$MDEVCTL_CALLS"
    start_udevd || finish
    start_libvirtd "$d" || { stop_udevd; finish; }
    DUMPXML_CMD="$MDEVTOOL dumpxml" libvirt_sequence
    grep 'About to run [^ ]*mdevctl' "$LV_LOG" | sed 's/.*About to run /  libvirtd ran: /' | sort | uniq -c
    grep -q 'About to run [^ ]*mdevctl ' "$LV_LOG" || fail "libvirtd never ran mdevctl"
    grep -q 'About to run /usr/bin/mdevctl' "$LV_LOG" && fail "libvirtd ran Debian's mdevctl"
    expect_eq "$(cat "$MDEVCTL_CALLS" 2>/dev/null | grep -c .)" \
        "$(grep -c 'About to run [^ ]*mdevctl ' "$LV_LOG")" \
        "calls of mdevtool as mdevctl, counted against libvirtd's log"
    stop_libvirtd
    stop_udevd
    finish
}

t_mdevtool_hostile() {
    need_mdevtool create define
    local u before_sys before_etc c rc trace=/tmp/hostile.strace bad
    u=$(new_uuid)
    snapshot() {
        find /sys/class/mdev_bus/*/mdev_supported_types/*/available_instances -print0 |
            xargs -0 cat | tr '\n' ' '
        ls "$SYS_MDEV" | tr '\n' ' '
    }
    before_sys=$(snapshot)
    before_etc=$(find /etc/mdevctl.d | sort)
    cases=(
        "create --type ../mtty-1 --parent mtty"
        "create --type mtty-1/../mtty-2 --parent mtty"
        "create --type mtty-1 --parent ../mtty"
        "create --type mtty-1 --parent mtty/../mdpy"
        "create --type mtty-1 --parent /sys/devices/virtual/mtty/mtty"
        "create --type ../../../../../tmp --parent mtty"
        "create --type mtty-1 --parent mtty --uuid ../../../tmp/x"
        "create --type mtty-1 --parent mtty --uuid $u/../x"
        "create --type mtty-1 --parent mtty --attr ../remove=1"
        "create --type mtty-1 --parent mtty --attr /sys/kernel/x=1"
        "define --type mtty-1 --parent ../../../tmp --uuid $u"
        "define --type mtty-1 --parent mtty/.. --uuid $u"
        "define --type ../mtty-1 --parent mtty --uuid $u"
        "define --type mtty-1 --parent mtty --uuid ../$u"
    )
    for c in "${cases[@]}"; do
        # shellcheck disable=SC2086
        strace -f -qq -o "$trace" -e trace=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,symlink,symlinkat,link,linkat,truncate \
            "$MDEVTOOL" $c >/tmp/out 2>/tmp/err
        rc=$?
        [ "$rc" != 0 ] || fail "'mdevtool $c' succeeded"
        bad=$(grep -E 'O_WRONLY|O_RDWR|O_CREAT|mkdir|rename|unlink|symlink|link\(|truncate' "$trace" |
              grep -v -E '"/dev/(null|tty)"|ENOENT|"/run/mdevtool/' || true)
        [ -z "$bad" ] || fail "'mdevtool $c' wrote: $bad"
        note "mdevtool $c -> $rc: $(head -c 200 /tmp/err)"
    done
    expect_eq "$(snapshot)" "$before_sys" "sysfs after the hostile names"
    expect_eq "$(find /etc/mdevctl.d | sort)" "$before_etc" "/etc/mdevctl.d after the hostile names"
    [ ! -e /tmp/x ] || fail "/tmp/x was created"
    finish
}

# A real QEMU (TCG, stopped before its first instruction) holds an mtty mdev
# through its VFIO group, as a domain's does.
holds_vfio() { # PID NODE
    local f
    for f in /proc/"$1"/fd/*; do
        [ "$(readlink "$f" 2>/dev/null)" = "$2" ] && return 0
    done
    return 1
}
blocked_in_write() { # PID: in write(2) or pwrite64(2), per /proc/PID/syscall
    local nr rest
    read -r nr rest <"/proc/$1/syscall" || return 1
    [ "$nr" = 1 ] || [ "$nr" = 18 ]
}
start_holder_qemu() { # UUID NAME: prints the pid
    qemu-system-x86_64 -M q35 -m 64 -S -nodefaults -display none -name "guest=$2,debug-threads=on" \
        -device "vfio-pci,sysfsdev=$SYS_MDEV/$1" </dev/null >/tmp/qemu.log 2>&1 &
    echo $!
}
t_mdevtool_in_use() {
    need_mdevtool create define stop undefine gc
    command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
    local u g q d l rc lines t0 secs
    u=$("$MDEVTOOL" create --type mtty-1 --parent mtty) || { fail "create"; finish; }
    g=$(basename "$(readlink "$SYS_MDEV/$u/iommu_group")")
    "$MDEVTOOL" stop "$u" || fail "stop of an idle device"
    "$MDEVTOOL" create --type mtty-1 --parent mtty --uuid "$u" >/dev/null || fail "create again"
    "$MDEVTOOL" define --uuid "$u" --type mtty-1 --parent mtty || fail "define"
    q=$(start_holder_qemu "$u" in-use-vm)
    # a QEMU left behind would make the runner's clean-up wait in the kernel
    trap 'kill "$q" 2>/dev/null' EXIT
    trap 'exit 1' TERM
    wait_for 60 holds_vfio "$q" "/dev/vfio/$g" ||
        { fail "QEMU did not open /dev/vfio/$g: $(cat /tmp/qemu.log)"; kill "$q"; finish; }
    note "QEMU $q holds /dev/vfio/$g"
    "$MDEVTOOL" --json list >/tmp/list.json || fail "list --json"
    python3 -c '
import json, sys
d = [e for e in json.load(open(sys.argv[1])) if e["uuid"] == sys.argv[2]]
sys.exit(not (len(d) == 1 and d[0]["domain"] == "in-use-vm" and d[0]["in_use"] is True))
' /tmp/list.json "$u" || fail "list does not show the domain and in_use: $(cat /tmp/list.json)"

    "$MDEVTOOL" stop "$u" >/tmp/out 2>/tmp/err
    rc=$?
    note "stop: $rc: $(cat /tmp/err)"
    expect_eq "$rc" 1 "exit status of stop of a held device"
    lines=$(grep -c . /tmp/err)
    expect_eq "$lines" 1 "lines on stderr of stop of a held device"
    grep -q "process $q ('qemu-system-x86') of domain 'in-use-vm'" /tmp/err ||
        fail "stop does not name the holder: $(cat /tmp/err)"
    [ -e "$SYS_MDEV/$u" ] || fail "stop removed the held device"

    "$MDEVTOOL" undefine "$u" >/tmp/out 2>/tmp/err
    rc=$?
    note "undefine: $rc: $(cat /tmp/err)"
    expect_eq "$rc" 1 "exit status of undefine of a held device"
    grep -q "process $q ('qemu-system-x86')" /tmp/err || fail "undefine does not name the holder"
    [ -e "/etc/mdevctl.d/mtty/$u" ] || fail "undefine removed the definition of a held device"

    # the mdevctl front end refuses too, at once, instead of waiting in the kernel
    d=$(mdevtool_as_mdevctl_dir)
    t0=$(date +%s.%N)
    timeout "$(scaled 60)" "$d/mdevctl" stop --uuid "$u" >/tmp/out 2>/tmp/err
    rc=$?
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    note "mdevctl stop: $rc after $secs s: $(tr '\n' ' ' </tmp/err)"
    expect_eq "$rc" 1 "exit status of mdevctl stop of a held device"
    grep -q "qemu-system-x86" /tmp/err || fail "mdevctl stop does not name the holder"
    [ -e "$SYS_MDEV/$u" ] || fail "mdevctl stop removed the held device"

    # undefine --force leaves the held device running; gc then removes a
    # leaked transient device and keeps the held one
    "$MDEVTOOL" undefine --force "$u" || fail "undefine --force"
    [ ! -e "/etc/mdevctl.d/mtty/$u" ] || fail "undefine --force kept the definition"
    l=$("$MDEVTOOL" create --type mtty-2 --parent mtty) || fail "create of the leaked device"
    "$MDEVTOOL" gc --no-libvirt >/tmp/out 2>/tmp/err
    rc=$?
    note "gc: $rc: $(cat /tmp/out /tmp/err)"
    expect_eq "$rc" 0 "exit status of gc"
    grep -q "^removed $l (parent 'mtty', type 'mtty-2')" /tmp/out || fail "gc did not say it removed $l"
    grep -q "^kept $u: in use by process $q ('qemu-system-x86') of domain 'in-use-vm'" /tmp/out ||
        fail "gc did not say why it kept $u"
    [ ! -e "$SYS_MDEV/$l" ] || fail "gc left the leaked device"
    [ -e "$SYS_MDEV/$u" ] || fail "gc removed the held device"

    # --force goes ahead; the kernel completes the remove once QEMU lets go
    "$MDEVTOOL" stop --force "$u" >/tmp/force.out 2>&1 &
    local s=$!
    wait_for 30 blocked_in_write "$s" || fail "stop --force is not waiting in its write to remove"
    # the kernel unlinks the device from the bus at once and waits in the
    # driver's remove until QEMU lets go
    kill -0 "$s" 2>/dev/null || fail "stop --force returned while QEMU held the device"
    kill "$q"
    wait "$s"
    expect_eq "$?" 0 "exit status of stop --force once QEMU exited ($(cat /tmp/force.out))"
    wait_for 20 test ! -e "$SYS_MDEV/$u" || fail "$u still there after stop --force"
    expect_eq "$(mdev_count)" 0 "mdevs at the end"
    finish
}

# ------------------------------------------- domains of libvirtd's QEMU driver
# libvirtd with its QEMU driver (and the node-device driver) runs nested,
# diskless TCG domains.  The guest shares the host's /etc/passwd, which has
# libvirt's QEMU user only where libvirt-daemon-system is installed, but the
# driver refuses to start without it: the guest's copy gets it.  QEMU runs as
# root without a security driver (no LSM filesystem is mounted) and writes
# its output to a file itself, without virtlogd; the rest of qemu.conf is
# libvirt's default (a private /dev per domain, no cgroups).
LVQ_LOG=/var/log/libvirt/libvirtd-qemu.log
start_libvirtd_qemu() {
    mkdir -p /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt /tmp/lvdrv
    getent group libvirt-qemu >/dev/null || echo 'libvirt-qemu:x:64055:' >>/etc/group
    getent passwd libvirt-qemu >/dev/null ||
        echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin' >>/etc/passwd
    printf '%s\n' 'user = "root"' 'group = "root"' 'security_driver = "none"' \
        'stdio_handler = "file"' >/etc/libvirt/qemu.conf
    ln -sf /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_nodedev.so /tmp/lvdrv/
    ln -sf /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so /tmp/lvdrv/
    rm -f "$LVQ_LOG"
    env LIBVIRT_DRIVER_DIR=/tmp/lvdrv LIBVIRT_LOG_OUTPUTS="1:file:$LVQ_LOG" \
        LIBVIRT_LOG_FILTERS="1:qemu.qemu_hostdev 1:util.mdev 1:util.hook 1:util.command 3:*" \
        /usr/sbin/libvirtd --daemon --pid-file=/run/libvirtd.pid >/tmp/libvirtd.out 2>&1 ||
        { fail "libvirtd did not start: $(cat /tmp/libvirtd.out)"; return 1; }
    wait_for 60 lvq list --all || {
        fail "libvirtd's QEMU driver not ready (virsh list failed); its log ends:"
        grep -v ' debug : ' "$LVQ_LOG" | tail -n 20
        return 1
    }
}
lvq() { virsh -q -c qemu:///system "$@"; }

# A domain that needs nothing but QEMU: q35, 64 MiB, no disk, network,
# graphics, USB or balloon.  SeaBIOS finds nothing to boot and, with the
# reboot timeout off, waits there for good instead of rebooting (which
# on_reboot=destroy would turn into an end of the domain).  $DOMAIN_METADATA,
# when set, is the content of its <metadata>, $DOMAIN_DEVICES more devices.
domain_xml() { # NAME HOSTDEV_UUID...
    local name=$1 u
    shift
    echo "<domain type='qemu'>"
    echo "  <name>$name</name>"
    [ -z "${DOMAIN_METADATA:-}" ] || printf '  <metadata>\n%s\n  </metadata>\n' "$DOMAIN_METADATA"
    echo "  <memory unit='MiB'>64</memory>"
    echo "  <vcpu>1</vcpu>"
    echo "  <os><type arch='x86_64' machine='q35'>hvm</type><bios rebootTimeout='-1'/></os>"
    echo "  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>"
    echo "  <devices>"
    echo "    <emulator>$(command -v qemu-system-x86_64)</emulator>"
    echo "    <controller type='usb' model='none'/>"
    echo "    <memballoon model='none'/>"
    [ -z "${DOMAIN_DEVICES:-}" ] || echo "$DOMAIN_DEVICES"
    for u in "$@"; do
        echo "    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>"
        echo "      <source><address uuid='$u'/></source>"
        echo "    </hostdev>"
    done
    echo "  </devices>"
    echo "</domain>"
}
domain_pid() { # NAME: the pid of its QEMU, from libvirt's pid file (no newline)
    local p
    p=$(cat "/run/libvirt/qemu/$1.pid" 2>/dev/null) && kill -0 "$p" 2>/dev/null && echo "$p"
}
domain_state_is() { # NAME STATE
    local st
    st=$(lvq domstate "$1" 2>&1)
    echo "$st"
    [ "$st" = "$2" ]
}
# Ends a domain whatever libvirtd's state: a QEMU left behind would hold its
# group, and the runner's clean-up would wait in the kernel's remove for it.
domain_kill() { # NAME
    local p
    p=$(domain_pid "$1")
    lvq destroy "$1" >/dev/null 2>&1
    if [ -n "$p" ]; then
        kill "$p" 2>/dev/null
        wait_for 20 pid_gone "$p" || kill -9 "$p" 2>/dev/null
    fi
    return 0
}
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
# list --json names DOMAIN (null: none, "*": any) and IN_USE for UUID
list_shows() { # UUID DOMAIN|null|* true|false
    "$MDEVTOOL" --json list >/tmp/list.json 2>&1 || { cat /tmp/list.json; return 2; }
    cat /tmp/list.json
    python3 -c '
import json, sys
d = [e for e in json.load(open(sys.argv[1])) if e["uuid"] == sys.argv[2]]
want = None if sys.argv[3] == "null" else sys.argv[3]
sys.exit(not (len(d) == 1 and (want == "*" or d[0]["domain"] == want)
              and d[0]["in_use"] is (sys.argv[4] == "true")))
' /tmp/list.json "$@"
}

t_mdevtool_domain() {
    need_mdevtool create stop list gc
    command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
    [ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] ||
        skip "no libvirt QEMU driver (libvirt-daemon-driver-qemu)"
    local dom=mdevtool-vm u g q l t0 rc
    trap 'domain_kill mdevtool-vm' EXIT
    trap 'exit 1' TERM
    t0=$(date +%s.%N)
    start_libvirtd_qemu || finish
    note "libvirtd with the QEMU driver ready after $(since "$t0") s"

    u=$("$MDEVTOOL" create --type mtty-1 --parent mtty) || { fail "create"; finish; }
    check_mdev "$u" mtty mtty-1
    g=$MDEV_GROUP
    domain_xml "$dom" "$u" >/tmp/domain.xml
    t0=$(date +%s.%N)
    lvq define /tmp/domain.xml >/dev/null || { fail "virsh define: $(cat /tmp/domain.xml)"; finish; }
    note "virsh define (QEMU capabilities probed) took $(since "$t0") s"
    t0=$(date +%s.%N)
    lvq start "$dom" >/tmp/out 2>&1 || {
        fail "virsh start: $(cat /tmp/out)"
        grep ' error : ' "$LVQ_LOG" | tail -n 20
        tail -n 20 "/var/log/libvirt/qemu/$dom.log"
        finish
    }
    note "virsh start took $(since "$t0") s"
    wait_for 20 domain_state_is "$dom" running || fail "domain not running after virsh start"
    q=$(domain_pid "$dom") || { fail "no QEMU process for $dom"; finish; }
    note "QEMU $q: $(tr '\0' ' ' <"/proc/$q/cmdline" | head -c 600)"
    wait_for 30 holds_vfio "$q" "/dev/vfio/$g" || fail "QEMU $q of $dom does not hold /dev/vfio/$g"

    wait_for 10 list_shows "$u" "$dom" true || fail "list --json does not show $dom and in_use for $u"
    "$MDEVTOOL" list >/tmp/list.txt 2>&1 || fail "list"
    note "list:"; sed 's/^/  /' /tmp/list.txt
    grep "^$u" /tmp/list.txt | grep -q -w -- "$dom" || fail "list (text) does not name $dom for $u"

    "$MDEVTOOL" stop "$u" >/tmp/out 2>/tmp/err
    rc=$?
    note "stop: $rc: $(cat /tmp/err)"
    expect_eq "$rc" 1 "exit status of stop of a device a running domain holds"
    expect_eq "$(grep -c . /tmp/err)" 1 "lines on stderr of stop of a held device"
    grep -q "process $q ('qemu-system-x86') of domain '$dom'" /tmp/err ||
        fail "stop does not name the domain's QEMU: $(cat /tmp/err)"
    [ -e "$SYS_MDEV/$u" ] || fail "stop removed a device a running domain holds"

    # a leaked transient device goes, the running domain's stays
    l=$("$MDEVTOOL" create --type mtty-2 --parent mtty) || fail "create of the leaked device"
    "$MDEVTOOL" gc --no-libvirt >/tmp/out 2>/tmp/err
    rc=$?
    note "gc --no-libvirt: $rc: $(cat /tmp/out /tmp/err)"
    expect_eq "$rc" 0 "exit status of gc --no-libvirt"
    grep -q "^removed $l (parent 'mtty', type 'mtty-2')" /tmp/out || fail "gc did not say it removed $l"
    grep -q "^kept $u: in use by process $q ('qemu-system-x86') of domain '$dom'" /tmp/out ||
        fail "gc did not say why it kept $u"
    [ ! -e "$SYS_MDEV/$l" ] || fail "gc left the leaked device $l"
    [ -e "$SYS_MDEV/$u" ] || fail "gc removed $u, which the running domain holds"
    expect_eq "$(mdev_count)" 1 "mdevs after gc"

    t0=$(date +%s.%N)
    lvq destroy "$dom" >/tmp/out 2>&1 || fail "virsh destroy: $(cat /tmp/out)"
    note "virsh destroy took $(since "$t0") s"
    wait_for 20 pid_gone "$q" || fail "QEMU $q still there after virsh destroy"
    wait_for 10 domain_state_is "$dom" "shut off" || fail "domain not shut off after virsh destroy"
    [ -e "$SYS_MDEV/$u" ] || fail "virsh destroy removed $u (no hook is installed)"
    # the domain may still claim it (it is defined); no process holds it
    wait_for 10 list_shows "$u" '*' false || fail "list --json after virsh destroy: $u still in use"
    "$MDEVTOOL" stop "$u" || fail "stop after virsh destroy"
    [ ! -e "$SYS_MDEV/$u" ] || fail "$u still there after stop"

    lvq undefine "$dom" >/dev/null || fail "virsh undefine"
    trap - EXIT
    stop_libvirtd
    expect_eq "$(mdev_count)" 0 "mdevs at the end"
    finish
}

# The qemu hook from data/ (the build tree's, as make install would place it)
# in libvirt's hook directory, its mdevtool linked to the binary under test.
# libvirtd looks for hooks when it starts: it must start after this.
QEMU_HOOK=/etc/libvirt/hooks/qemu.d/50-mdevtool
install_qemu_hook() {
    local hook="" f bin
    for f in ${VM_BUILDDIR:+$VM_BUILDDIR/data/*} ${VM_SRCDIR:+$VM_SRCDIR/data/*}; do
        case ${f##*/} in
        *.in|*.am|*.inc|*.rules|*.service|*bash-completion*) continue ;;
        *qemu*hook*|*hook*qemu*|50-mdevtool*) [ -f "$f" ] && { hook=$f; break; } ;;
        esac
    done
    [ -n "$hook" ] || skip "no qemu hook in data/ yet"
    mkdir -p "${QEMU_HOOK%/*}"
    cp "$hook" "$QEMU_HOOK"
    chmod 0755 "$QEMU_HOOK"
    note "installed $hook as $QEMU_HOOK:"; sed 's/^/  /' "$QEMU_HOOK"
    for bin in $(grep -o '/[^" ]*/mdevtool\b' "$QEMU_HOOK" | sort -u); do
        [ "$bin" = "$MDEVTOOL" ] && continue
        mkdir -p "$(dirname "$bin")"
        ln -sf "$MDEVTOOL" "$bin"
        note "linked $bin to the binary under test"
    done
}
metadata_device() { # UUID TYPE [PARENT]: one device of mdevtool's metadata element
    printf '    <mdevtool:device uuid="%s" type="%s"%s/>\n' "$1" "$2" "${3:+ parent=\"$3\"}"
}
metadata() { # DEVICE_LINES
    printf '%s\n%s\n%s' '    <mdevtool:devices xmlns:mdevtool="https://mdevtool.example/xmlns/domain/1.0">' \
        "$1" '    </mdevtool:devices>'
}
is_active() { [ -e "$SYS_MDEV/$1" ]; }
group_of() { local g; g=$(readlink "$SYS_MDEV/$1/iommu_group") && echo "${g##*/}"; }

t_mdevtool_domain_hook() {
    need_mdevtool create define stop undefine list hook
    command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
    [ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] ||
        skip "no libvirt QEMU driver (libvirt-daemon-driver-qemu)"
    install_qemu_hook
    local dom=hook-vm bad=hook-full a b c x y q u t0 rc n
    trap 'domain_kill hook-vm; domain_kill hook-full' EXIT
    trap 'exit 1' TERM
    start_libvirtd_qemu || finish

    # a: only defined; b: running before the domain starts; c: only in the
    # domain's metadata, by type name, no parent
    a=$(new_uuid)
    "$MDEVTOOL" define --uuid "$a" --type mtty-1 --parent mtty || { fail "define $a"; finish; }
    b=$("$MDEVTOOL" create --type mtty-1 --parent mtty) || { fail "create"; finish; }
    c=$(new_uuid)
    DOMAIN_METADATA=$(metadata "$(metadata_device "$c" "Dual port serial")") \
        domain_xml "$dom" "$a" "$b" "$c" >/tmp/domain.xml
    lvq define /tmp/domain.xml >/dev/null || { fail "virsh define: $(cat /tmp/domain.xml)"; finish; }
    t0=$(date +%s.%N)
    lvq start "$dom" >/tmp/out 2>&1 || {
        fail "virsh start: $(cat /tmp/out)"
        grep ' error : ' "$LVQ_LOG" | tail -n 20
        finish
    }
    note "virsh start with the hook took $(since "$t0") s"
    check_mdev "$a" mtty mtty-1
    check_mdev "$c" mtty mtty-2
    q=$(domain_pid "$dom") || { fail "no QEMU process for $dom"; finish; }
    for u in "$a" "$b" "$c"; do
        holds_vfio "$q" "/dev/vfio/$(group_of "$u")" || fail "QEMU $q does not hold the group of $u"
        list_shows "$u" "$dom" true >/dev/null || fail "list --json does not show $dom and in_use for $u"
    done
    [ -e "/etc/mdevctl.d/mtty/$c" ] && fail "the hook defined $c"

    t0=$(date +%s.%N)
    lvq destroy "$dom" >/tmp/out 2>&1 || fail "virsh destroy: $(cat /tmp/out)"
    note "virsh destroy with the hook took $(since "$t0") s"
    wait_for 20 pid_gone "$q" || fail "QEMU $q still there after virsh destroy"
    # libvirt runs release end after QEMU is gone; virsh may return first
    wait_for 20 eval '! is_active "$a" && ! is_active "$c"' ||
        fail "the hook's devices after virsh destroy: $(ls "$SYS_MDEV" | tr '\n' ' ')"
    is_active "$b" || fail "virsh destroy removed $b, which ran before the domain started"
    [ -e "/etc/mdevctl.d/mtty/$a" ] || fail "the definition of $a is gone"
    expect_eq "$(mdev_count)" 1 "mdevs after virsh destroy"

    # a second start works the same (the hook keeps no state of the last)
    lvq start "$dom" >/tmp/out 2>&1 || fail "second virsh start: $(cat /tmp/out)"
    is_active "$a" && is_active "$c" || fail "second virsh start: $(ls "$SYS_MDEV" | tr '\n' ' ')"
    q=$(domain_pid "$dom")
    lvq destroy "$dom" >/dev/null 2>&1 || fail "second virsh destroy"
    [ -n "$q" ] && { wait_for 20 pid_gone "$q" || fail "QEMU $q still there after the second destroy"; }
    wait_for 20 eval '! is_active "$a" && ! is_active "$c"' || fail "second destroy left the hook's devices"
    is_active "$b" || fail "the second destroy removed $b"

    # mtty full: x (an mdpy device) can be made, y (mtty-1) cannot; the start
    # fails with the hook's line, and x is undone
    n=0
    while [ "$(avail mtty mtty-1)" -gt 0 ]; do
        sys_create mtty mtty-1 "$(new_uuid)" || { fail "filling mtty"; break; }
        n=$((n + 1))
    done
    note "filled mtty with $n more mtty-1 devices"
    x=$(new_uuid)
    y=$(new_uuid)
    DOMAIN_METADATA=$(metadata "$(metadata_device "$x" mdpy-vga mdpy)
$(metadata_device "$y" mtty-1)") domain_xml "$bad" "$x" "$y" >/tmp/domain.xml
    lvq define /tmp/domain.xml >/dev/null || fail "virsh define $bad"
    lvq start "$bad" >/tmp/out 2>&1
    rc=$?
    note "virsh start of $bad: $rc: $(cat /tmp/out)"
    [ "$rc" != 0 ] || fail "virsh start succeeded with mtty full"
    grep -q "mdevtool: error: .*'$y'" /tmp/out || fail "virsh's error lacks the hook's line naming $y"
    domain_state_is "$bad" "shut off" >/dev/null || fail "$bad is not shut off after the failed start"
    is_active "$x" && fail "the failed start left $x"
    is_active "$y" && fail "the failed start made $y"
    expect_eq "$(mdev_count)" $((n + 1)) "mdevs after the failed start"

    # with room again the same start works
    for u in $(mdevs_of mtty mtty-1); do [ "$u" = "$b" ] || sys_remove "$u"; done
    lvq start "$bad" >/tmp/out 2>&1 || fail "virsh start of $bad with room again: $(cat /tmp/out)"
    is_active "$x" && is_active "$y" || fail "the retried start did not make $x and $y"
    q=$(domain_pid "$bad")
    lvq destroy "$bad" >/dev/null 2>&1 || fail "virsh destroy $bad"
    [ -n "$q" ] && { wait_for 20 pid_gone "$q" || fail "QEMU $q still there"; }
    wait_for 20 eval '! is_active "$x" && ! is_active "$y"' || fail "destroy of $bad left its devices"

    lvq undefine "$dom" >/dev/null || fail "virsh undefine $dom"
    lvq undefine "$bad" >/dev/null || fail "virsh undefine $bad"
    trap - EXIT
    stop_libvirtd
    "$MDEVTOOL" stop "$b" || fail "stop $b"
    "$MDEVTOOL" undefine "$a" || fail "undefine $a"
    expect_eq "$(mdev_count)" 0 "mdevs at the end"
    finish
}

lvq_xml_has() { # DUMPXML_ARGS... UUID: the domain's XML names the mdev
    local u=${*: -1}
    lvq dumpxml "${@:1:$#-1}" >/tmp/dom-now.xml 2>&1 || { cat /tmp/dom-now.xml; return 2; }
    grep -q "<address uuid='$u'/>" /tmp/dom-now.xml
}
t_mdevtool_domain_attach() {
    need_mdevtool create stop undefine list gc attach detach
    command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
    [ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] ||
        skip "no libvirt QEMU driver (libvirt-daemon-driver-qemu)"
    local dom=attach-vm u l t q g t0 rc
    trap 'domain_kill attach-vm' EXIT
    trap 'exit 1' TERM
    start_libvirtd_qemu || finish

    # a free PCIe root port to plug into; the domain starts with no mdev
    DOMAIN_DEVICES="    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>" \
        domain_xml "$dom" >/tmp/domain.xml
    lvq define /tmp/domain.xml >/dev/null || { fail "virsh define: $(cat /tmp/domain.xml)"; finish; }
    lvq start "$dom" >/tmp/out 2>&1 || { fail "virsh start: $(cat /tmp/out)"; finish; }
    q=$(domain_pid "$dom") || { fail "no QEMU process for $dom"; finish; }

    t0=$(date +%s.%N)
    "$MDEVTOOL" attach "$dom" --type mtty-1 --parent mtty --live --config >/tmp/out 2>/tmp/err
    rc=$?
    note "attach --live --config: $rc after $(since "$t0") s: $(cat /tmp/out /tmp/err)"
    expect_eq "$rc" 0 "exit status of attach --live"
    u=$(grep -o -m1 -E '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' /tmp/out)
    [ -n "$u" ] || { fail "attach printed no UUID"; finish; }
    check_mdev "$u" mtty mtty-1
    g=$MDEV_GROUP
    wait_for 30 holds_vfio "$q" "/dev/vfio/$g" || fail "QEMU $q did not take /dev/vfio/$g after attach --live"
    lvq_xml_has "$dom" "$u" || fail "the running domain's XML lacks $u"
    lvq_xml_has --inactive "$dom" "$u" || fail "the persistent definition lacks $u"
    grep -q 'https://mdevtool.example/xmlns/domain/1.0' /tmp/dom-now.xml ||
        fail "the persistent definition lacks mdevtool's metadata element"
    wait_for 10 list_shows "$u" "$dom" true || fail "list --json does not show $dom and in_use for $u"

    # gc asks libvirt: a leaked transient device goes, the domain's stays
    l=$("$MDEVTOOL" create --type mtty-2 --parent mtty) || fail "create of the leaked device"
    "$MDEVTOOL" gc >/tmp/out 2>/tmp/err
    rc=$?
    note "gc: $rc: $(cat /tmp/out /tmp/err)"
    expect_eq "$rc" 0 "exit status of gc"
    grep -q "^removed $l " /tmp/out || fail "gc did not say it removed $l"
    grep -q "^kept $u: " /tmp/out || fail "gc did not say why it kept $u"
    is_active "$l" && fail "gc left the leaked device $l"
    is_active "$u" || fail "gc removed $u, which the running domain holds"

    # The domain runs firmware only: no guest OS acknowledges a hot-unplug,
    # so QEMU keeps the device after libvirt's request (libvirt returns once
    # it has waited a few seconds).  detach --live must neither hang nor
    # pull the device from under QEMU.
    t0=$(date +%s.%N)
    timeout "$(scaled 120)" "$MDEVTOOL" detach "$dom" "$u" --live >/tmp/out 2>/tmp/err
    rc=$?
    note "detach --live, no guest to acknowledge: $rc after $(since "$t0") s: $(cat /tmp/out /tmp/err)"
    [ "$rc" != 124 ] || fail "detach --live hung"
    if holds_vfio "$q" "/dev/vfio/$g"; then
        is_active "$u" || fail "detach --live removed $u while QEMU $q holds it"
    fi

    t0=$(date +%s.%N)
    lvq destroy "$dom" >/dev/null 2>&1 || fail "virsh destroy"
    wait_for 20 pid_gone "$q" || fail "QEMU $q still there after virsh destroy"
    # shut off, the persistent domain still claims the device
    lvq_xml_has --inactive "$dom" "$u" || fail "detach --live changed the persistent definition"
    # attach --type defined u; a transient device t given to the shut-off
    # domain is kept by gc for the domain alone
    t=$("$MDEVTOOL" create --type mtty-1 --parent mtty) || fail "create of $t"
    "$MDEVTOOL" attach "$dom" --uuid "$t" >/tmp/out 2>&1 || fail "attach --uuid $t: $(cat /tmp/out)"
    lvq_xml_has --inactive "$dom" "$t" || fail "the persistent definition lacks $t"
    "$MDEVTOOL" gc >/tmp/out 2>&1 || fail "gc with the domain shut off: $(cat /tmp/out)"
    note "gc, domain shut off: $(cat /tmp/out)"
    grep -q "^kept $t: domain '$dom' claims it" /tmp/out || fail "gc did not keep $t for the shut-off domain"
    grep -q "^kept $u: " /tmp/out || fail "gc did not say why it kept $u"
    is_active "$t" || fail "gc removed $t, which the shut-off domain claims"
    is_active "$u" || fail "gc removed $u"
    "$MDEVTOOL" detach "$dom" "$t" >/tmp/out 2>&1 || fail "detach $t: $(cat /tmp/out)"
    "$MDEVTOOL" detach "$dom" "$u" >/tmp/out 2>&1 || fail "detach $u: $(cat /tmp/out)"
    note "virsh destroy and two detaches took $(since "$t0") s"
    lvq_xml_has --inactive "$dom" "$t" && fail "the persistent definition still has $t"
    is_active "$t" && fail "detach left $t active"
    lvq_xml_has --inactive "$dom" "$u" && fail "the persistent definition still has $u"
    is_active "$u" && fail "detach left $u active"
    [ -e "/etc/mdevctl.d/mtty/$u" ] && fail "detach left the definition of $u"

    domain_kill "$dom"
    lvq undefine "$dom" >/dev/null || fail "virsh undefine $dom"
    trap - EXIT
    stop_libvirtd
    expect_eq "$(mdev_count)" 0 "mdevs at the end"
    finish
}

# ------------------------------------------ NVIDIA VF vGPUs (nvvf test driver)
# The nvvf module (tests/vm/nvvf/) binds QEMU's SR-IOV NVMe controller under
# the driver name "nvidia" and gives each VF NVIDIA's nvidia/ files; the
# layout is in README.md.  These scenarios drive it with plain sysfs reads
# and writes; mdevtool's VF scenarios use the same helpers (nvvf_enable,
# nvvf_vfs, nvvf_write, vfio_vf) and go next to them, guarded by
# need_mdevtool like the mdev ones.

NVVF_PARAMS=/sys/module/nvvf/parameters
NVVF_HEADER="ID    : vGPU Name"
# The l40s model's table: id, name, maximum instances on the card.
NVVF_L40S="1145 NVIDIA L40S-1B 32
1147 NVIDIA L40S-1Q 32
1148 NVIDIA L40S-2Q 24
1149 NVIDIA L40S-3Q 16
1150 NVIDIA L40S-4Q 12
1151 NVIDIA L40S-6Q 8
1152 NVIDIA L40S-8Q 6
1153 NVIDIA L40S-12Q 4
1154 NVIDIA L40S-16Q 3
1155 NVIDIA L40S-24Q 2
1156 NVIDIA L40S-48Q 1
1166 NVIDIA L40S-48A 1
2164 NVIDIA L40S-3B 16"

# The card: the device bound to "nvidia" that has no physfn.
nvvf_pf() {
    local d
    for d in /sys/bus/pci/drivers/nvidia/0000:*; do
        [ -e "$d/sriov_totalvfs" ] && [ ! -e "$d/physfn" ] && { readlink -f "$d"; return 0; }
    done
    return 1
}
# The card's VFs in virtfn order, as sysfs paths (one readlink for all).
nvvf_vfs() {
    local pf=$1 i=0 links=()
    while [ -e "$pf/virtfn$i" ]; do
        links+=("$pf/virtfn$i")
        i=$((i + 1))
    done
    [ $i = 0 ] || readlink -f "${links[@]}"
}
nvvf_ready() { # PF N: N VFs, each with its nvidia/ files
    local v n=0
    for v in $(nvvf_vfs "$1"); do
        [ -f "$v/nvidia/current_vgpu_type" ] && n=$((n + 1))
    done
    [ "$n" = "$2" ]
}
nvvf_enable() { # PF N
    echo "$2" >"$1/sriov_numvfs" || { fail "echo $2 > $1/sriov_numvfs"; return 1; }
    wait_for 10 nvvf_ready "$1" "$2" || { fail "$2 VFs with nvidia/ files did not appear"; return 1; }
}
# Every VF without a vGPU, SR-IOV off, the default profile.
nvvf_reset() {
    local pf v
    pf=$(nvvf_pf) || return 0
    for v in $(nvvf_vfs "$pf"); do
        [ "$(cat "$v/nvidia/current_vgpu_type" 2>/dev/null)" = 0 ] ||
            echo 0 >"$v/nvidia/current_vgpu_type" 2>/dev/null
    done
    echo 0 >"$pf/sriov_numvfs" 2>/dev/null
    echo proprietary >"$NVVF_PARAMS/profile" 2>/dev/null
    echo 0 >"$NVVF_PARAMS/release_delay_ms" 2>/dev/null
    return 0
}

# nvvf_write FILE VALUE: one write(2) of VALUE, as tools do; prints OK or the
# errno's name.
nvvf_write() {
    local e
    e=$( { printf %s "$2" >"$1"; } 2>&1 ) && { echo OK; return 0; }
    case $e in
    *"Invalid argument"*) echo EINVAL ;;
    *"Operation not permitted"*) echo EPERM ;;
    *"Input/output error"*) echo EIO ;;
    *"No such device or address"*) echo ENXIO ;;
    *"No such device"*) echo ENODEV ;;
    *"No space left on device"*) echo ENOSPC ;;
    *"Device or resource busy"*) echo EBUSY ;;
    *"No such file or directory"*) echo ENOENT ;;
    *) echo "other: $e" ;;
    esac
    return 1
}
# nvvf_read FILE: the first line, or the errno's name when the read fails.
nvvf_read() {
    local e
    e=$(head -n1 "$1" 2>&1) && { echo "$e"; return 0; }
    case $e in
    *"No such device or address"*) echo ENXIO ;;
    *) echo "other: $e" ;;
    esac
}
expect_write() { # FILE VALUE EXPECTED WHAT
    expect_eq "$(nvvf_write "$1" "$2")" "$3" "$4 (write of '$2' to ${1#/sys/devices/})"
}
vtype() { local t; read -r t <"$1/nvidia/current_vgpu_type"; echo "$t"; }
# The creatable list's ids, space-separated; "-" for a header-only list,
# "empty" for a file of 0 bytes, "bad" for anything else.
creatable_ids() {
    local s line id pad ids=""
    IFS= read -r -d '' s <"$1/nvidia/creatable_vgpu_types"
    [ -n "$s" ] || { echo empty; return; }
    [ "${s: -1}" = $'\n' ] || { echo bad; return; }
    s=${s%$'\n'}
    [ "${s%%$'\n'*}" = "$NVVF_HEADER" ] || { echo bad; return; }
    [ "$s" = "$NVVF_HEADER" ] && { echo -; return; }
    s=${s#*$'\n'}
    while IFS= read -r line; do
        [[ $line =~ ^([0-9]+)\ *:\ (.+)$ ]] || { echo bad; return; }
        id=${BASH_REMATCH[1]}
        printf -v pad '%-5d : ' "$id"
        [ "${line:0:8}" = "$pad" ] || { echo bad; return; }
        ids="$ids${ids:+ }$id"
    done <<<"$s"
    echo "$ids"
}
all_ids() { echo "$NVVF_L40S" | awk '{ printf "%s%s", sep, $1; sep = " " } END { print "" }'; }
# Every VF of the card lists IDS ("-" header only).
expect_lists() { # PF IDS WHAT
    local v
    for v in $(nvvf_vfs "$1"); do
        expect_eq "$(creatable_ids "$v")" "$2" "creatable_vgpu_types of ${v##*/} $3"
    done
}

# vfio_vf ADDRESS open|hold FLAG: open the VF's VFIO device the way QEMU does
# (container, Type1v2, group, device fd).  "open" closes it at once; "hold"
# creates FLAG.held once it is open and keeps it open until FLAG exists.
# Prints the errno's name when the device fd cannot be had.
vfio_vf() {
    python3 - "$@" <<'EOF'
import ctypes, errno, os, sys, time
addr, mode = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
def IO(n): return (ord(';') << 8) | (100 + n)
GET_API_VERSION, CHECK_EXTENSION, SET_IOMMU = IO(0), IO(1), IO(2)
GROUP_GET_STATUS, GROUP_SET_CONTAINER, GROUP_GET_DEVICE_FD, DEVICE_GET_INFO = IO(3), IO(4), IO(6), IO(7)
TYPE1v2 = 3
def ioctl(fd, req, arg):
    r = libc.ioctl(fd, req, arg)
    if r < 0:
        raise OSError(ctypes.get_errno(), "ioctl %#x" % req)
    return r
group = os.path.basename(os.readlink("/sys/bus/pci/devices/%s/iommu_group" % addr))
container = os.open("/dev/vfio/vfio", os.O_RDWR)
assert ioctl(container, CHECK_EXTENSION, TYPE1v2) == 1, "no Type1v2"
gfd = os.open("/dev/vfio/" + group, os.O_RDWR)
status = (ctypes.c_uint32 * 2)(8, 0)
ioctl(gfd, GROUP_GET_STATUS, ctypes.addressof(status))
assert status[1] & 1, "group %s not viable" % group
ioctl(gfd, GROUP_SET_CONTAINER, ctypes.addressof(ctypes.c_int(container)))
ioctl(container, SET_IOMMU, TYPE1v2)
try:
    dfd = ioctl(gfd, GROUP_GET_DEVICE_FD, ctypes.c_char_p(addr.encode()))
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
    sys.exit(3)
info = (ctypes.c_uint32 * 4)(16, 0, 0, 0)
ioctl(dfd, DEVICE_GET_INFO, ctypes.addressof(info))
assert info[1] & 2, "not a PCI device"
print("open: group %s, device flags %#x, %d regions, %d irqs" % (group, info[1], info[2], info[3]))
sys.stdout.flush()
if mode == "hold":
    flag = sys.argv[3]
    open(flag + ".held", "w").close()
    deadline = time.time() + 600
    while not os.path.exists(flag) and time.time() < deadline:
        time.sleep(0.1)
for fd in (dfd, gfd, container):
    os.close(fd)
EOF
}

# mdevtool's VF vGPU store as this build names it: the directory the udev
# rule tests (so the rule and the binary agree).
nvvf_store() {
    local f
    for f in ${VM_BUILDDIR:+$VM_BUILDDIR/data/60-mdevtool.rules}; do
        [ -f "$f" ] && { grep -o 'TEST=="[^"]*vgpu.d"' "$f" | sed 's/TEST=="\(.*\)"/\1/'; return; }
    done
}
# json_get EXPR: evaluates EXPR on the JSON document on stdin (as "d").
json_get() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

t_mdevtool_nvvf_discovery() {
    need_nvvf
    need_mdevtool parents types list
    local pf=$NVVF_PF card v out
    card=${pf##*/}
    nvvf_enable "$pf" 4 || finish
    out=$("$MDEVTOOL" --json parents) || fail "mdevtool --json parents"
    expect_eq "$(json_get "[p['kind'] for p in d if p['name'] == '$card']" <<<"$out")" \
        "['nvidia-vf']" "kind of card $card in parents"
    out=$("$MDEVTOOL" --json types --parent "$card") || fail "mdevtool --json types --parent $card"
    expect_eq "$(json_get "' '.join(sorted(t['id'][len('nvidia-'):] for p in d for t in p['types']))" <<<"$out")" \
        "$(echo "$NVVF_L40S" | awk '{ print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')" \
        "type ids of the card (as the driver lists them)"
    expect_eq "$(json_get "[t['name'] for p in d for t in p['types'] if t['id'] == 'nvidia-1148']" <<<"$out")" \
        "['NVIDIA L40S-2Q']" "name of nvidia-1148"
    v=$(nvvf_vfs "$pf" | sed -n 2p)
    expect_write "$v/nvidia/current_vgpu_type" 1151 OK "L40S-6Q on the second VF"
    out=$("$MDEVTOOL" --json list) || fail "mdevtool --json list"
    expect_eq "$(json_get "[(x['kind'], x['parent'], x['type']) for x in d if x['address'] == '${v##*/}']" <<<"$out")" \
        "[('nvidia-vf', '$card', 'nvidia-1151')]" "the VF vGPU in list"
    out=$("$MDEVTOOL" --json types --parent "$card")
    expect_eq "$(json_get "[(t['id'], t['available_instances']) for p in d for t in p['types']]" <<<"$out")" \
        "[('nvidia-1151', 3)]" "types of the card locked to L40S-6Q"
    finish
}

t_mdevtool_nvvf_create_stop() {
    need_nvvf
    need_mdevtool create stop
    local pf=$NVVF_PF card a b vfs
    card=${pf##*/}
    nvvf_enable "$pf" 4 || finish
    mapfile -t vfs < <(nvvf_vfs "$pf")
    a=$("$MDEVTOOL" create --type "NVIDIA L40S-2Q") || fail "create --type 'NVIDIA L40S-2Q'"
    expect_eq "$a" "${vfs[0]##*/}" "VF of the first create"
    expect_eq "$(vtype "${vfs[0]}")" 1148 "current_vgpu_type after create"
    b=$("$MDEVTOOL" create --type nvidia-1148 --parent "$card" --attr vgpu_params=frame_rate_limiter=0) ||
        fail "create --type nvidia-1148 --parent $card"
    expect_eq "$b" "${vfs[1]##*/}" "VF of the second create"
    expect_eq "$(nvvf_read "${vfs[1]}/nvidia/vgpu_params")" frame_rate_limiter=0 "vgpu_params set by create"
    "$MDEVTOOL" create --type nvidia-1147 --parent "$card" 2>/tmp/nvvf.err && fail "create of a second type"
    grep -q "offers no vGPU type 'nvidia-1147'" /tmp/nvvf.err || fail "error of a second type: $(cat /tmp/nvvf.err)"
    "$MDEVTOOL" stop "$a" || fail "stop $a"
    "$MDEVTOOL" stop "$b" || fail "stop $b"
    expect_eq "$(vtype "${vfs[0]}") $(vtype "${vfs[1]}")" "0 0" "current_vgpu_type after stop"
    "$MDEVTOOL" stop "$a" 2>/tmp/nvvf.err && fail "stop of a VF without a vGPU"
    grep -q "has no vGPU" /tmp/nvvf.err || fail "error of a second stop: $(cat /tmp/nvvf.err)"
    finish
}

t_mdevtool_nvvf_persistence() {
    need_nvvf
    need_mdevtool define start-parent undefine
    local pf=$NVVF_PF card u store v n
    card=${pf##*/}
    store=$(nvvf_store)
    nvvf_enable "$pf" 4 || finish
    u=$("$MDEVTOOL" define --type "NVIDIA L40S-4Q" --parent "$card" --auto) || fail "define --auto"
    [ -f "$store/$card/$u" ] || fail "no definition $store/$card/$u"
    [ -z "$(ls /etc/mdevctl.d | grep -v scripts.d)" ] || fail "something was written to /etc/mdevctl.d"
    echo 0 >"$pf/sriov_numvfs" || fail "echo 0 > sriov_numvfs"
    "$MDEVTOOL" start-parent "$card" || fail "start-parent of a card without VFs"
    nvvf_enable "$pf" 4 || finish
    "$MDEVTOOL" start-parent "$card" || fail "start-parent $card"
    "$MDEVTOOL" start-parent "$card" || fail "a second start-parent"
    n=0
    for v in $(nvvf_vfs "$pf"); do [ "$(vtype "$v")" = 1150 ] && n=$((n + 1)); done
    expect_eq "$n" 1 "VFs with L40S-4Q after two start-parent"
    "$MDEVTOOL" list --defined | grep -q "^[0-9a-f:.]* *$card *nvidia-1150 *yes *yes *yes" ||
        fail "list --defined: $("$MDEVTOOL" list --defined 2>&1)"
    "$MDEVTOOL" undefine "$u" || fail "undefine $u"
    [ ! -e "$store/$card/$u" ] || fail "$store/$card/$u left after undefine"
    finish
}

t_mdevtool_nvvf_udev_autostart() {
    need_nvvf
    need_mdevtool define start-parent undefine
    install_udev_rule
    local pf=$NVVF_PF card u w
    card=${pf##*/}
    u=$("$MDEVTOOL" define --type nvidia-1149 --parent "$card" --auto) || fail "define --auto"
    w=$("$MDEVTOOL" define --type nvidia-1149 --parent "$card") || fail "define (manual)"
    start_udevd || finish
    echo 4 >"$pf/sriov_numvfs" || fail "echo 4 > sriov_numvfs"
    settle 60
    wait_for 30 nvvf_count 1149 "$pf" 1 || fail "the udev rule did not start $u when the VFs appeared"
    # every VF's add and bind ran the rule: still one
    udevadm trigger --action=add "$(nvvf_vfs "$pf" | sed -n 3p)"
    settle 60
    expect_eq "$(nvvf_count 1149 "$pf")" 1 "VFs with L40S-3Q after the rule ran for every VF"
    stop_udevd
    "$MDEVTOOL" undefine "$u" || fail "undefine $u"
    "$MDEVTOOL" undefine "$w" || fail "undefine $w"
    finish
}
# nvvf_count ID PF [N]: how many of the card's VFs have type ID (with N:
# succeeds when it is N).
nvvf_count() {
    local v n=0
    for v in $(nvvf_vfs "$2"); do [ "$(vtype "$v")" = "$1" ] && n=$((n + 1)); done
    echo "$n"
    [ -z "${3:-}" ] || [ "$n" = "$3" ]
}

need_nvvf() {
    NVVF_PF=$(nvvf_pf) || { fail "no card bound to the nvidia driver (nvvf not loaded?)"; finish; }
}

# The card as the driver registers it, then its VFs and their files.
t_nvvf_card() {
    need_nvvf
    local pf=$NVVF_PF v i f mode g
    note "card $pf: $(cat "$pf/vendor"):$(cat "$pf/device"), driver $(readlink "$pf/driver")"
    expect_eq "$(basename "$(readlink "$pf/driver")")" nvidia "driver of the PF"
    [ ! -e "$pf/nvidia" ] || fail "the PF has an nvidia/ directory"
    expect_eq "$(cat "$pf/sriov_totalvfs")" 8 "sriov_totalvfs"
    expect_eq "$(cat "$pf/sriov_numvfs")" 0 "sriov_numvfs at boot"
    expect_eq "$(nvvf_vfs "$pf" | wc -l)" 0 "VFs before SR-IOV is enabled"
    nvvf_enable "$pf" 8 || finish
    i=0
    for v in $(nvvf_vfs "$pf"); do
        expect_eq "$(readlink -f "$v/physfn")" "$pf" "physfn of ${v##*/}"
        expect_eq "$(basename "$(readlink "$v/driver")")" nvidia "driver of ${v##*/}"
        for f in creatable_vgpu_types:444 current_vgpu_type:644 vgpu_params:644 placement_id:444 gpu_instance_id:444; do
            mode=$(stat -c %a "$v/nvidia/${f%:*}" 2>/dev/null)
            expect_eq "$mode" "${f#*:}" "mode of ${v##*/}/nvidia/${f%:*}"
        done
        expect_eq "$(ls "$v/nvidia" | tr '\n' ' ')" \
            "creatable_vgpu_types current_vgpu_type gpu_instance_id placement_id vgpu_params " "files in ${v##*/}/nvidia"
        expect_eq "$(creatable_ids "$v")" "$(all_ids)" "creatable_vgpu_types of ${v##*/}"
        expect_eq "$(vtype "$v")" 0 "current_vgpu_type of ${v##*/}"
        expect_eq "$(od -An -c "$v/nvidia/vgpu_params" | tr -d ' ')" '\n' "vgpu_params of ${v##*/}"
        expect_eq "$(nvvf_read "$v/nvidia/placement_id")" ENXIO "placement_id of ${v##*/} without a vGPU"
        expect_eq "$(nvvf_read "$v/nvidia/gpu_instance_id")" ENXIO "gpu_instance_id of ${v##*/}"
        if [ -e "$v/iommu_group" ]; then
            g=$(basename "$(readlink "$v/iommu_group")")
            [ -c "/dev/vfio/$g" ] || fail "${v##*/}: no /dev/vfio node for IOMMU group '$g'"
            compgen -G "$v/vfio-dev/vfio[0-9]*" >/dev/null || fail "${v##*/} is not a VFIO device (no vfio-dev/vfioN)"
        else
            [ ! -e "$v/vfio-dev" ] || fail "${v##*/} is a VFIO device without an IOMMU group"
            dmesg | grep -q "${v##*/}: no IOMMU group: not registered with VFIO" ||
                fail "${v##*/}: no 'not registered with VFIO' line in the kernel log"
        fi
        i=$((i + 1))
    done
    expect_eq "$i" 8 "VFs after echo 8 > sriov_numvfs"
    # The exact bytes of a fresh list.
    v=$(nvvf_vfs "$pf" | head -n1)
    { echo "$NVVF_HEADER"; echo "$NVVF_L40S" | while read -r id n1 n2 _; do printf '%-5d : %s %s\n' "$id" "$n1" "$n2"; done; } >/tmp/want
    cmp "$v/nvidia/creatable_vgpu_types" /tmp/want || fail "creatable_vgpu_types of ${v##*/} differs from the expected text"
    cat "$v/nvidia/creatable_vgpu_types"
    finish
}

# Create and destroy one vGPU; the card's lists follow (homogeneous rule).
t_nvvf_create_destroy() {
    need_nvvf
    local pf=$NVVF_PF v w
    nvvf_enable "$pf" 8 || finish
    v=$(nvvf_vfs "$pf" | sed -n 1p)
    w=$(nvvf_vfs "$pf" | sed -n 2p)
    # A newline after the id, as echo writes it, is accepted too.
    echo 1148 >"$v/nvidia/current_vgpu_type" || fail "echo 1148 > ${v##*/}/nvidia/current_vgpu_type"
    expect_eq "$(vtype "$v")" 1148 "current_vgpu_type of ${v##*/} after create"
    expect_eq "$(nvvf_read "$v/nvidia/placement_id")" 0 "placement_id of the first vGPU"
    expect_lists "$pf" 1148 "while one L40S-2Q exists"
    expect_write "$v/nvidia/vgpu_params" "frame_rate_limiter=0,intervaltime=16667" OK "vgpu_params"
    expect_eq "$(nvvf_read "$v/nvidia/vgpu_params")" "frame_rate_limiter=0,intervaltime=16667" "vgpu_params read back"
    for bad in "frame_rate_limiter" "=1" "a=1," "a=x" "A=1" "a=1,,b=2" "../x=1"; do
        expect_write "$v/nvidia/vgpu_params" "$bad" EINVAL "malformed vgpu_params"
    done
    expect_eq "$(nvvf_read "$v/nvidia/vgpu_params")" "frame_rate_limiter=0,intervaltime=16667" "vgpu_params after rejected writes"
    expect_write "$w/nvidia/current_vgpu_type" 1148 OK "second L40S-2Q"
    expect_eq "$(nvvf_read "$w/nvidia/placement_id")" 1 "placement_id of the second vGPU"
    expect_write "$v/nvidia/current_vgpu_type" 0 OK "destroy"
    expect_eq "$(vtype "$v")" 0 "current_vgpu_type after destroy"
    expect_eq "$(nvvf_read "$v/nvidia/placement_id")" ENXIO "placement_id after destroy"
    expect_eq "$(od -An -c "$v/nvidia/vgpu_params" | tr -d ' ')" '\n' "vgpu_params after destroy"
    expect_lists "$pf" 1148 "while one L40S-2Q is left"
    expect_write "$w/nvidia/current_vgpu_type" 0 OK "destroy of the last vGPU"
    expect_lists "$pf" "$(all_ids)" "after the last vGPU is gone"
    # Another type can lock the card now.
    expect_write "$w/nvidia/current_vgpu_type" 2164 OK "L40S-3B on the empty card"
    expect_lists "$pf" 2164 "while an L40S-3B exists"
    expect_write "$w/nvidia/current_vgpu_type" 0 OK "destroy of the L40S-3B"
    finish
}

# Fill a type to its maximum on the card: every list shrinks to the header.
t_nvvf_homogeneous() {
    need_nvvf
    local pf=$NVVF_PF vfs t n
    nvvf_enable "$pf" 8 || finish
    mapfile -t vfs < <(nvvf_vfs "$pf")
    for t in "1155 2" "1153 4" "1151 8"; do
        set -- $t
        for ((n = 0; n < $2; n++)); do
            expect_write "${vfs[$n]}/nvidia/current_vgpu_type" "$1" OK "vGPU $((n + 1)) of $2 of type $1"
            if [ $((n + 1)) -lt "$2" ]; then
                expect_lists "$pf" "$1" "with $((n + 1)) of $2 of type $1"
            fi
        done
        expect_lists "$pf" - "with type $1 full"
        expect_eq "$(cat "${vfs[0]}/nvidia/creatable_vgpu_types")" "$NVVF_HEADER" "the whole list on a full card"
        if [ "$2" -lt 8 ]; then
            expect_write "${vfs[$2]}/nvidia/current_vgpu_type" "$1" EIO "one $1 more on the full card"
            expect_write "${vfs[$2]}/nvidia/current_vgpu_type" 1145 EIO "another type on the locked card"
            expect_eq "$(vtype "${vfs[$2]}")" 0 "current_vgpu_type after the failed writes"
        fi
        # One destroyed: the type comes back, and only it.
        expect_write "${vfs[0]}/nvidia/current_vgpu_type" 0 OK "destroy of one $1"
        expect_lists "$pf" "$1" "after one of the full $1 is destroyed"
        for ((n = 1; n < $2; n++)); do
            expect_write "${vfs[$n]}/nvidia/current_vgpu_type" 0 OK "destroy"
        done
        expect_lists "$pf" "$(all_ids)" "after every $1 is destroyed"
    done
    dmesg | grep -c 'NVRM: Failed to add vgpu create request' | sed 's/^/NVRM lines in the kernel log: /'
    finish
}

# The proprietary driver's errnos (the default profile).
t_nvvf_errnos_proprietary() {
    need_nvvf
    local pf=$NVVF_PF v w x c
    nvvf_enable "$pf" 8 || finish
    expect_eq "$(cat "$NVVF_PARAMS/profile")" proprietary "default profile"
    v=$(nvvf_vfs "$pf" | sed -n 1p); w=$(nvvf_vfs "$pf" | sed -n 2p); x=$(nvvf_vfs "$pf" | sed -n 3p)
    c=$v/nvidia/current_vgpu_type
    for bad in abc " 1148" 0x47c -1 1148abc 99999999999999999999; do
        expect_write "$c" "$bad" EINVAL "not a decimal id"
    done
    expect_write "$c" 0 EPERM "destroy without a vGPU"
    dmesg | grep -q 'Failed to remove vGPU. No vGPU exists' || fail "no 'No vGPU exists' line in the kernel log"
    expect_write "$c" 4242 EIO "an id this card does not have"
    dmesg | grep -q 'NVRM: Failed to add vgpu create request' || fail "no NVRM line in the kernel log"
    expect_write "$c" 1156 OK "L40S-48Q"
    expect_write "$c" 1156 EPERM "create on a VF that has a vGPU"
    expect_write "$c" 1147 EPERM "other type on a VF that has a vGPU"
    expect_eq "$(vtype "$v")" 1156 "current_vgpu_type after the refused writes"
    expect_write "$w/nvidia/current_vgpu_type" 1156 EIO "L40S-48Q beyond its maximum of 1"
    expect_write "$w/nvidia/current_vgpu_type" 1147 EIO "other type than the card's"
    # The proprietary driver lists the card's catalog on a VF that has a type too.
    expect_eq "$(creatable_ids "$v")" - "creatable_vgpu_types of the VF holding the full type"
    expect_write "$c" 0 OK "destroy"
    expect_write "$c" 0 EPERM "second destroy"
    for y in "$v" "$w" "$x"; do
        expect_eq "$(vtype "$y")" 0 "current_vgpu_type of ${y##*/} at the end"
    done
    finish
}

# The upstream variant driver's errnos (profile=upstream).
t_nvvf_errnos_upstream() {
    need_nvvf
    local pf=$NVVF_PF v w c
    nvvf_enable "$pf" 8 || finish
    echo upstream >"$NVVF_PARAMS/profile" || fail "profile=upstream"
    expect_write "$NVVF_PARAMS/profile" nonsense EINVAL "unknown profile"
    v=$(nvvf_vfs "$pf" | sed -n 1p); w=$(nvvf_vfs "$pf" | sed -n 2p)
    c=$v/nvidia/current_vgpu_type
    expect_write "$c" abc EINVAL "not a decimal id"
    expect_write "$c" 0 OK "destroy without a vGPU (a no-op upstream)"
    expect_write "$c" 4242 ENODEV "an id this card does not have"
    expect_write "$c" 1155 OK "L40S-24Q"
    expect_eq "$(creatable_ids "$v")" empty "creatable_vgpu_types of a VF that has a type (upstream)"
    expect_eq "$(creatable_ids "$w")" 1155 "creatable_vgpu_types of a sibling"
    expect_write "$c" 1155 EPERM "create on a VF that has a vGPU"
    expect_write "$w/nvidia/current_vgpu_type" 1147 EINVAL "other type than the card's"
    expect_write "$w/nvidia/current_vgpu_type" 1155 OK "second L40S-24Q"
    expect_write "$(nvvf_vfs "$pf" | sed -n 3p)/nvidia/current_vgpu_type" 1155 ENOSPC "L40S-24Q beyond its maximum of 2"
    expect_write "$c" 0 OK "destroy"
    expect_write "$w/nvidia/current_vgpu_type" 0 OK "destroy"
    expect_eq "$(creatable_ids "$v")" "$(all_ids)" "creatable_vgpu_types at the end"
    finish
}

# The VF as a VFIO device: not without a type; open with one; the driver's
# not-ready window after close.
t_nvvf_vfio() {
    need_nvvf
    local pf=$NVVF_PF v a c out rc
    nvvf_enable "$pf" 8 || finish
    v=$(nvvf_vfs "$pf" | sed -n 4p); a=${v##*/}; c=$v/nvidia/current_vgpu_type
    [ -e "$v/iommu_group" ] || skip "the VFs have no IOMMU group (MDEVTOOL_VM_IOMMU=1 adds one)"
    out=$(vfio_vf "$a" open 2>&1); rc=$?
    expect_eq "$rc/$out" 3/ENODEV "VFIO open of a VF without a vGPU type"
    dmesg | grep -q 'current_vgpu_type of VF not configured' || fail "no 'not configured' line in the kernel log"
    expect_write "$c" 1152 OK "L40S-8Q"
    out=$(vfio_vf "$a" open 2>&1) || fail "VFIO open of $a with a vGPU: $out"
    note "$a: $out"
    # Opening leaves the vGPU alone.
    expect_eq "$(vtype "$v")" 1152 "current_vgpu_type after the VFIO device was closed"
    echo 3000 >"$NVVF_PARAMS/release_delay_ms"
    vfio_vf "$a" open >/dev/null 2>&1 || fail "second VFIO open"
    expect_write "$c" 0 EBUSY "destroy right after the VFIO device was closed"
    wait_for 20 nvvf_write "$c" 0 || fail "destroy did not succeed after the not-ready window"
    expect_eq "$(vtype "$v")" 0 "current_vgpu_type after the window"
    echo 0 >"$NVVF_PARAMS/release_delay_ms"
    # The upstream driver refuses any write while the device is open.
    echo upstream >"$NVVF_PARAMS/profile" || fail "profile=upstream"
    expect_write "$c" 1152 OK "L40S-8Q (upstream profile)"
    rm -f /tmp/vfio-flag /tmp/vfio-flag.held
    vfio_vf "$a" hold /tmp/vfio-flag >/tmp/vfio-hold.out 2>&1 &
    wait_for 30 test -e /tmp/vfio-flag.held || fail "VFIO open of $a: $(cat /tmp/vfio-hold.out)"
    expect_write "$c" 0 EBUSY "destroy while the VFIO device is open (upstream)"
    dmesg | grep -q 'VFIO device must be closed' || fail "no 'must be closed' line in the kernel log"
    touch /tmp/vfio-flag
    wait || fail "holding the VFIO device open failed: $(cat /tmp/vfio-hold.out)"
    expect_write "$c" 0 OK "destroy after the VFIO device was closed (upstream)"
    finish
}

# Parallel writes: the card's maximum and the homogeneous rule hold.
t_nvvf_race() {
    need_nvvf
    local pf=$NVVF_PF v vfs i ok types
    nvvf_enable "$pf" 8 || finish
    mapfile -t vfs < <(nvvf_vfs "$pf")
    mkdir -p /tmp/nvrace; rm -f /tmp/nvrace/*
    for i in "${!vfs[@]}"; do
        nvvf_write "${vfs[$i]}/nvidia/current_vgpu_type" 1154 >/tmp/nvrace/$i &
    done
    wait
    ok=$(cat /tmp/nvrace/* | grep -c '^OK$')
    expect_eq "$ok" 3 "parallel creates of L40S-16Q (maximum 3) on 8 VFs that succeeded"
    note "results: $(cat /tmp/nvrace/* | sort | uniq -c | tr '\n' ' ')"
    for v in "${vfs[@]}"; do [ "$(vtype "$v")" = 0 ] || echo 0 >"$v/nvidia/current_vgpu_type"; done
    # Two types at once on an empty card: one wins, the card never mixes.
    for round in 1 2 3; do
        rm -f /tmp/nvrace/*
        for i in "${!vfs[@]}"; do
            nvvf_write "${vfs[$i]}/nvidia/current_vgpu_type" $((i % 2 ? 1150 : 1149)) >/tmp/nvrace/$i &
        done
        wait
        types=$(for v in "${vfs[@]}"; do vtype "$v"; done | grep -v '^0$' | sort -u | tr '\n' ' ')
        [[ $types =~ ^(1149|1150)\ $ ]] || fail "round $round: types on the card: '$types'"
        expect_eq "$(cat /tmp/nvrace/* | grep -c '^OK$')" 4 "round $round: creates that succeeded (4 VFs per type)"
        note "round $round: card locked to $types"
        for v in "${vfs[@]}"; do [ "$(vtype "$v")" = 0 ] || echo 0 >"$v/nvidia/current_vgpu_type"; done
    done
    finish
}

# SR-IOV disabled with vGPUs present, and while writes are under way: the VFs
# vanish, the card forgets their vGPUs, nothing hangs.
t_nvvf_sriov_disable() {
    need_nvvf
    local pf=$NVVF_PF v vfs i
    nvvf_enable "$pf" 8 || finish
    mapfile -t vfs < <(nvvf_vfs "$pf")
    for i in 0 1 2; do expect_write "${vfs[$i]}/nvidia/current_vgpu_type" 1153 OK "L40S-12Q $i"; done
    echo 0 >"$pf/sriov_numvfs" || fail "echo 0 > sriov_numvfs with vGPUs present"
    wait_for 10 test ! -e "${vfs[0]}" || fail "${vfs[0]##*/} still present"
    expect_eq "$(nvvf_vfs "$pf" | wc -l)" 0 "VFs after SR-IOV is disabled"
    expect_eq "$(ls -d /sys/bus/pci/drivers/nvidia/0000:* | wc -l)" 1 "devices bound to nvidia"
    nvvf_enable "$pf" 4 || finish
    mapfile -t vfs < <(nvvf_vfs "$pf")
    for v in "${vfs[@]}"; do
        expect_eq "$(vtype "$v")" 0 "current_vgpu_type of ${v##*/} after SR-IOV re-enable"
        expect_eq "$(creatable_ids "$v")" "$(all_ids)" "creatable_vgpu_types of ${v##*/} after re-enable"
    done
    # Writers on every VF while SR-IOV goes away under them.
    rm -f /tmp/nvwriter.*
    for i in "${!vfs[@]}"; do
        ( v=${vfs[$i]}
          for n in $(seq 200); do
              nvvf_write "$v/nvidia/current_vgpu_type" 1147 >/dev/null
              nvvf_write "$v/nvidia/current_vgpu_type" 0 >/dev/null
              cat "$v/nvidia/creatable_vgpu_types" >/dev/null 2>&1 || break
              : >/tmp/nvwriter.$i
          done ) &
    done
    wait_for 30 test -e /tmp/nvwriter.0 -a -e /tmp/nvwriter.3 || fail "the writers did not start"
    echo 0 >"$pf/sriov_numvfs" || fail "echo 0 > sriov_numvfs under writers"
    wait
    expect_eq "$(nvvf_vfs "$pf" | wc -l)" 0 "VFs after SR-IOV is disabled under writers"
    nvvf_enable "$pf" 8 || finish
    expect_lists "$pf" "$(all_ids)" "after SR-IOV is enabled again"
    expect_write "$(nvvf_vfs "$pf" | sed -n 8p)/nvidia/current_vgpu_type" 1156 OK "L40S-48Q on the fresh card"
    expect_write "$(nvvf_vfs "$pf" | sed -n 8p)/nvidia/current_vgpu_type" 0 OK "destroy"
    finish
}

# ------------------------------------------------------------------ runner
if [ "${1:-}" = --run ]; then
    SKIP_FILE=$3
    "$2"
    exit $?
fi

selected=()
for s in "${scenarios[@]}"; do
    read -r name _ <<<"$s"
    if [ ${#only[@]} -gt 0 ]; then
        keep=0
        for o in "${only[@]}"; do [ "$o" = "$name" ] && keep=1; done
        [ $keep = 1 ] || continue
    fi
    selected+=("$s")
done
if [ $list_only = 1 ]; then
    printf '%s\n' "${selected[@]}" | awk '{ print $1 }'
    exit 0
fi

tap=${VM_OUT:+$VM_OUT/results.tap}
tap=${tap:-/dev/null}
emit() { echo "$*"; echo "$*" >>"$tap"; }
: >"$tap"

emit "1..${#selected[@]}"
echo "# kernel $(uname -r), mdevtool: ${MDEVTOOL:-none} ($("${MDEVTOOL:-false}" --version 2>/dev/null || echo 'not runnable'))"
echo "# speed factor $VM_SCALE: time limits and deadlines are $VM_SCALE times those for an unloaded host"
n=0
failed=0
t_all=$(date +%s.%N)
for s in "${selected[@]}"; do
    read -r name func limit desc <<<"$s"
    n=$((n + 1))
    skipf=/tmp/skip.$n
    rm -f "$skipf"
    slimit=$(scaled "$limit")
    echo "# --- $n $name: $desc (limit $slimit s)"
    t0=$(date +%s.%N)
    timeout -k 10 "$slimit" bash "$self" --run "$func" "$skipf" </dev/null 2>&1 |
        tee /tmp/scenario.log | sed -u 's/^/#   /'
    rc=${PIPESTATUS[0]}
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    case $rc in
    0) emit "ok $n - $name ($secs s)" ;;
    "$SKIP_RC") emit "ok $n - $name # SKIP $(cat "$skipf" 2>/dev/null)" ;;
    124|137)
        emit "not ok $n - $name (time limit of $slimit s hit: $limit s x speed factor $VM_SCALE)"
        emit "# $name was killed; its last line: $(grep -v '^[[:space:]]*$' /tmp/scenario.log | tail -n1)"
        failed=$((failed + 1)) ;;
    *) emit "not ok $n - $name ($secs s)"; failed=$((failed + 1)) ;;
    esac
    # Whatever a scenario left behind must not spoil the next one.  A
    # domain's QEMU outlives libvirtd and would hold its group, so that the
    # kernel's remove below would wait for it.
    for f in /run/libvirt/qemu/*.pid; do
        [ -e "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
    done
    stop_libvirtd
    stop_udevd
    remove_all_mdevs
    for m in mtty mdpy mbochs; do
        [ -d "$SYS_CLASS/$m" ] || modprobe "$m"
    done
    find /etc/mdevctl.d -mindepth 1 -maxdepth 1 ! -name scripts.d -exec rm -rf {} +
    store=$(nvvf_store); [ -n "$store" ] && rm -rf "$store"
    nvvf_reset
    rm -f /etc/udev/rules.d/*mdev*
    rm -rf /etc/libvirt/hooks
done
echo "# all scenarios: $(awk -v a="$t_all" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s, $failed failed"
[ $failed = 0 ]
