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
    for bin in $(grep -o '/[^" ]*mdevtool\b' "$rule" | sort -u); do
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
    # Whatever a scenario left behind must not spoil the next one.
    stop_libvirtd
    stop_udevd
    remove_all_mdevs
    for m in mtty mdpy mbochs; do
        [ -d "$SYS_CLASS/$m" ] || modprobe "$m"
    done
    find /etc/mdevctl.d -mindepth 1 -maxdepth 1 ! -name scripts.d -exec rm -rf {} +
    rm -f /etc/udev/rules.d/*mdev*
done
echo "# all scenarios: $(awk -v a="$t_all" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s, $failed failed"
[ $failed = 0 ]
