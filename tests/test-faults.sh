#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Faults of the kernel, through the real commands (mdevtool and its mdevctl
# front end) on the simulated kernel: a write that fails with an errno, a
# parent that goes away between the scan and the write, a device that a
# VFIO user holds open. Each must give a clear error (the device or parent
# and what the kernel said) and leave nothing behind: no half-made device,
# no definition changed or written for a failed operation, no temporary
# file, no lock held. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, MDEVSIM_CTL,
# G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/data/lifecycle/host.json"
SIM_NAME=faults
SIM_SHOW="out err rc devs store.before store.after temps locks log"
. "$G_TEST_SRCDIR/sim-lib.sh"
export C="$W/bin/mdevctl"

A=aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
export A U1 U2

# Runs the setup $1 and then the step $2 on a fresh simulated host. The
# step's last command leaves rc, out and err in $W; the store is recorded
# before and after the step, then the active mdevs, the temporary files
# and the locks that are still held.
sim() {
    rm -rf "$W"/devs "$W"/store.* "$W"/temps "$W"/locks
    sim_run "$(cat <<STEP
store() { ( cd "\$MDEVTOOL_CONF_DIR" && find . -type f | sort | xargs -r md5sum ); }
$1
store > "\$W/store.before"
$2
store > "\$W/store.after"
ls /sys/bus/mdev/devices > "\$W/devs"
find "\$MDEVTOOL_CONF_DIR" "\$MDEVTOOL_STATE_DIR" -name '*.??????' > "\$W/temps"
for lock in "\$MDEVTOOL_STATE_DIR"/*.lock; do
    [ -e "\$lock" ] && command -v flock > /dev/null && ! flock -n "\$lock" true && echo "\$lock"
done > "\$W/locks"
STEP
)" MDEVTOOL_LOCK_TIMEOUT=5
}

devs() { tr '\n' ' ' < "$W/devs" | sed 's/ $//'; }

# Nothing left behind: the active mdevs are $1 (sorted), the store is unchanged by
# the step, no temporary file, no lock held.
clean() {
    [ "$(devs)" = "$1" ] && cmp -s "$W/store.before" "$W/store.after" && [ ! -s "$W/temps" ] &&
        [ ! -s "$W/locks" ]
}

# exit 1 and one error line holding $1 (a grep pattern), nothing on stdout
native_failure() {
    [ "$(cat "$W/rc")" = 1 ] && [ "$(wc -l < "$W/err")" = 1 ] &&
        grep -q "^mdevtool: error: .*$1" "$W/err" && [ ! -s "$W/out" ]
}

# mdevctl's shape: "Error: ...", then the cause
mdevctl_failure() {
    [ "$(cat "$W/rc")" = 1 ] && head -n 1 "$W/err" | grep -q '^Error: ' && grep -q "$1" "$W/err" &&
        [ ! -s "$W/out" ]
}

# the kernel's answers
EIO="Input/output error"
EINVAL="Invalid argument"
EBUSY="Device or resource busy"
ENODEV="No such device"

echo "# simulated host: $HOST"

# --- a write fails -------------------------------------------------------------

sim '"$MDEVSIM_CTL" fail-once "*/mtty-2/create" EIO' \
    'cmd "$T" create --parent mtty --type mtty-2 --uuid $U1
     "$MDEVSIM_CTL" available mtty mtty-2 > "$W/avail"'
native_failure "mdev '$U1' of type 'mtty-2' on parent 'mtty'.*: $EIO" && clean "$A" &&
    [ "$(cat "$W/avail")" = 2 ]
if [ $? = 0 ]; then ok "create: a failing write to create"; else not_ok "create: a failing write to create"; fi

sim '"$MDEVSIM_CTL" fail "*/assign_domain" EINVAL' \
    'cmd "$T" create --parent matrix --type vfio_ap-passthrough --uuid $U1 --attr assign_adapter=5 --attr assign_domain=0xab
     "$MDEVSIM_CTL" available matrix vfio_ap-passthrough > "$W/avail"'
native_failure "cannot write '0xab' to attribute 'assign_domain' of mdev '$U1' on parent 'matrix': $EINVAL; the device was removed again\$" &&
    clean "$A" &&
    [ "$(cat "$W/avail")" = 3 ]
if [ $? = 0 ]; then ok "create --attr: a refused attribute removes the new device"
else not_ok "create --attr: a refused attribute removes the new device"; fi

sim '"$T" define --parent matrix --type vfio_ap-passthrough --uuid $U1 --attr assign_adapter=5 --attr assign_domain=0xab
     "$MDEVSIM_CTL" fail "*/vfio_ap-passthrough/create" EIO' \
    'cmd "$T" start $U1'
native_failure "mdev '$U1' of type 'vfio_ap-passthrough' on parent 'matrix'.*: $EIO" && clean "$A"
if [ $? = 0 ]; then ok "start: a failing create keeps the definition as it was"
else not_ok "start: a failing create keeps the definition as it was"; fi

sim '"$T" define --parent matrix --type vfio_ap-passthrough --uuid $U1 --attr assign_adapter=5 --attr assign_domain=0xab
     "$MDEVSIM_CTL" fail-once "*/$U1/assign_domain" EINVAL' \
    'cmd "$T" start $U1; cp "$W/err" "$W/first.err"; cp "$W/rc" "$W/first.rc"; cp "$W/out" "$W/first.out"
     ls /sys/bus/mdev/devices > "$W/devs.first"
     "$T" start $U1 && "$T" stop $U1'
cp "$W/first.err" "$W/err"; cp "$W/first.rc" "$W/rc"; cp "$W/first.out" "$W/out"
native_failure "cannot write '0xab' to attribute 'assign_domain' of mdev '$U1' on parent 'matrix': $EINVAL; the device was removed again\$" &&
    clean "$A" &&
    [ "$(tr '\n' ' ' < "$W/devs.first")" = "$A " ]
if [ $? = 0 ]; then ok "start: a refused attribute removes the device, the next start works"
else not_ok "start: a refused attribute removes the device, the next start works"; fi

sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$T" define --uuid $U1
     "$MDEVSIM_CTL" fail "*/$U1/remove" EBUSY' \
    'cmd "$T" stop $U1'
native_failure "mdev '$U1' on parent 'mtty' cannot be removed now.*: $EBUSY" &&
    clean "$U1 $A"
if [ $? = 0 ]; then ok "stop: a refused remove keeps the device and its definition"
else not_ok "stop: a refused remove keeps the device and its definition"; fi

sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$MDEVSIM_CTL" fail "*/$U1/remove" EIO' \
    'cmd "$T" stop $U1'
native_failure "cannot remove mdev '$U1' from parent 'mtty': $EIO" && clean "$U1 $A"
if [ $? = 0 ]; then ok "stop: any other errno of remove is named"; else not_ok "stop: any other errno of remove is named"; fi

# --- a parent goes away between the scan and the write ----------------------------

sim '"$MDEVSIM_CTL" vanish matrix 1' \
    'cmd "$T" create --parent matrix --type vfio_ap-passthrough --uuid $U1 --attr assign_adapter=5'
native_failure "parent 'matrix' went away.*: $ENODEV" && clean "$A"
if [ $? = 0 ]; then ok "create: the parent goes as create is written"
else not_ok "create: the parent goes as create is written"; fi

# the create goes through, then the parent (with the new device) goes as
# the attribute is written: the device is gone, and nothing claims that a
# removal failed
sim '"$MDEVSIM_CTL" vanish matrix 2' \
    'cmd "$T" create --parent matrix --type vfio_ap-passthrough --uuid $U1 --attr assign_adapter=5'
native_failure "mdev '$U1' on parent 'matrix' went away before its attribute 'assign_adapter' was written: $ENODEV\$" &&
    clean "$A"
if [ $? = 0 ]; then ok "create --attr: the parent goes as the attribute is written"
else not_ok "create --attr: the parent goes as the attribute is written"; fi

sim '"$T" define --parent matrix --type vfio_ap-passthrough --uuid $U1 --auto --attr assign_adapter=5
     "$MDEVSIM_CTL" vanish matrix 1' \
    'cmd "$T" start $U1'
native_failure "parent 'matrix' went away.*: $ENODEV" && clean "$A"
if [ $? = 0 ]; then ok "start: the parent goes as create is written, the definition stays"
else not_ok "start: the parent goes as create is written, the definition stays"; fi

sim '"$T" define --parent matrix --type vfio_ap-passthrough --uuid $U1 --auto
     "$T" define --parent mtty --type mtty-1 --uuid $U2 --auto
     "$MDEVSIM_CTL" vanish matrix 1' \
    'cmd "$T" start-parent --all'
[ "$(cat "$W/rc")" = 1 ] && grep -q "cannot start mdev '$U1'" "$W/err" &&
    grep -q "parent 'matrix' went away" "$W/err" && clean "$U2 $A"
if [ $? = 0 ]; then ok "start-parent: a parent going away fails its devices only"
else not_ok "start-parent: a parent going away fails its devices only"; fi

# --- a device held open ------------------------------------------------------------

# The kernel would make remove wait for the holder, without a time limit:
# stop and undefine refuse and name it (the simulator shows the holder in
# its /proc as a process with the group's node open).
HOLDER="process [0-9]* ('qemu-system-x86') of domain 'vm-a', which holds '/dev/vfio/[0-9]*' open"
sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$MDEVSIM_CTL" hold $U1 0 /usr/bin/qemu-system-x86_64 vm-a' \
    'cmd timeout 20 "$T" stop $U1; "$MDEVSIM_CTL" held $U1 > "$W/held"'
native_failure "mdev '$U1' on parent 'mtty' is in use by $HOLDER" && clean "$U1 $A" &&
    [ "$(cat "$W/held")" = yes ]
if [ $? = 0 ]; then ok "stop: a device a VM holds is refused, naming the VM"
else not_ok "stop: a device a VM holds is refused, naming the VM"; fi

sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$T" define --uuid $U1
     "$MDEVSIM_CTL" hold $U1 0 /usr/bin/qemu-system-x86_64 vm-a' \
    'cmd timeout 20 "$T" undefine $U1'
native_failure "mdev '$U1' on parent 'mtty' is in use by $HOLDER" && clean "$U1 $A" &&
    grep -q "$U1" "$W/store.after"
if [ $? = 0 ]; then ok "undefine: the definition of a device a VM holds stays"
else not_ok "undefine: the definition of a device a VM holds stays"; fi

sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$T" create --parent mtty --type mtty-1 --uuid $U2 > /dev/null
     "$MDEVSIM_CTL" hold $U1 0 /usr/bin/qemu-system-x86_64 vm-a' \
    'cmd "$T" --json list; cp "$W/out" "$W/json"; cmd "$T" list'
python3 -c '
import json, sys
rows = {d["uuid"]: (d["domain"], d["in_use"]) for d in json.load(open(sys.argv[1]))}
sys.exit(rows != {sys.argv[2]: ("vm-a", True), sys.argv[3]: (None, False), sys.argv[4]: (None, False)})
' "$W/json" $U1 $U2 $A && grep -q "^$U1 .* vm-a *yes\$" "$W/out" && grep -q "^$U2 .* - *no\$" "$W/out"
if [ $? = 0 ]; then ok "list: a held device shows its domain and that it is in use"
else not_ok "list: a held device shows its domain and that it is in use"; fi

sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$MDEVSIM_CTL" hold $U1 0 /usr/bin/python3' \
    'cmd timeout 20 "$T" stop $U1'
native_failure "is in use by process [0-9]* ('python3'), which holds" && clean "$U1 $A" &&
    ! grep -q domain "$W/err"
if [ $? = 0 ]; then ok "stop: a device another program holds is refused, naming it"
else not_ok "stop: a device another program holds is refused, naming it"; fi

sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$MDEVSIM_CTL" hold $U1 1 /usr/bin/qemu-system-x86_64 vm-a' \
    'cmd timeout 20 "$T" stop --force $U1'
[ "$(cat "$W/rc")" = 0 ] && [ ! -s "$W/err" ] && clean "$A"
if [ $? = 0 ]; then ok "stop --force: the device goes once its holder let go"
else not_ok "stop --force: the device goes once its holder let go"; fi

sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$T" define --uuid $U1
     "$MDEVSIM_CTL" hold $U1 0 /usr/bin/qemu-system-x86_64 vm-a' \
    'cmd timeout 20 "$T" undefine --force $U1'
[ "$(cat "$W/rc")" = 0 ] && [ ! -s "$W/err" ] && [ "$(devs)" = "$U1 $A" ] &&
    ! grep -q "$U1" "$W/store.after"
if [ $? = 0 ]; then ok "undefine --force: the definition goes, the held device runs on"
else not_ok "undefine --force: the definition goes, the held device runs on"; fi

# --- gc ---------------------------------------------------------------------------

# a libvirt socket nobody listens on
sim '"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null' \
    'cmd "$T" -c "qemu:///session?socket=$W/no-libvirt-sock" gc'
native_failure "cannot ask libvirt which devices its domains use (qemu:///session?socket=.*/no-libvirt-sock: .*); with --no-libvirt" &&
    clean "$U1 $A"
if [ $? = 0 ]; then ok "gc: without libvirt's answer nothing is removed"
else not_ok "gc: without libvirt's answer nothing is removed"; fi

GC_SETUP='"$T" create --parent mtty --type mtty-1 --uuid $U1 > /dev/null
     "$T" create --parent mtty --type mtty-2 --uuid $U2 > /dev/null
     "$T" define --uuid $U2
     "$MDEVSIM_CTL" hold $A 0 /usr/bin/qemu-system-x86_64 vm-a'
sim "$GC_SETUP" 'cmd "$T" gc --no-libvirt --dry-run'
[ "$(cat "$W/rc")" = 0 ] && [ ! -s "$W/err" ] && clean "$U1 $U2 $A" &&
    grep -q "^would remove $U1 (parent 'mtty', type 'mtty-1'): no definition" "$W/out" &&
    grep -q "^kept $U2: it is defined\$" "$W/out" &&
    grep -q "^kept $A: in use by process [0-9]* ('qemu-system-x86') of domain 'vm-a'\$" "$W/out" &&
    [ "$(wc -l < "$W/out")" = 3 ]
if [ $? = 0 ]; then ok "gc --dry-run: says what it would remove and why the rest stays"
else not_ok "gc --dry-run: says what it would remove and why the rest stays"; fi

sim "$GC_SETUP" 'cmd "$T" gc --no-libvirt'
[ "$(cat "$W/rc")" = 0 ] && [ ! -s "$W/err" ] && clean "$U2 $A" &&
    grep -q "^removed $U1 (parent 'mtty', type 'mtty-1'): no definition" "$W/out" &&
    grep -q "^kept $U2: it is defined\$" "$W/out" && grep -q "^kept $A: in use by" "$W/out"
if [ $? = 0 ]; then ok "gc --no-libvirt: removes what nothing claims, keeps the defined and the held"
else not_ok "gc --no-libvirt: removes what nothing claims, keeps the defined and the held"; fi

# --- the mdevctl front end ------------------------------------------------------------

# Instead of waiting in the kernel (and keeping libvirtd's nodedev-destroy
# waiting), the front end's stop refuses a held device too.
sim '"$C" start -u $U1 -p mtty -t mtty-1
     "$MDEVSIM_CTL" hold $U1 0 /usr/bin/qemu-system-x86_64 vm-a' \
    'cmd timeout 20 "$C" stop -u $U1'
mdevctl_failure "is in use by $HOLDER" && grep -q "$U1" "$W/err" && clean "$U1 $A"
if [ $? = 0 ]; then ok "mdevctl stop: a device a VM holds is refused"
else not_ok "mdevctl stop: a device a VM holds is refused"; fi

# mdevctl's undefine leaves the running device alone, whoever holds it
sim '"$C" define -u $U1 -p mtty -t mtty-1
     "$C" start -u $U1
     "$MDEVSIM_CTL" hold $U1 0 /usr/bin/qemu-system-x86_64 vm-a' \
    'cmd timeout 20 "$C" undefine -u $U1'
[ "$(cat "$W/rc")" = 0 ] && [ "$(devs)" = "$U1 $A" ] && ! grep -q "$U1" "$W/store.after"
if [ $? = 0 ]; then ok "mdevctl undefine: a held device's definition goes"
else not_ok "mdevctl undefine: a held device's definition goes"; fi

# --- the mdevctl front end ------------------------------------------------------------

sim '"$C" define -u $U1 -p matrix -t vfio_ap-passthrough
     "$C" modify -u $U1 --addattr=assign_adapter --value=5
     "$MDEVSIM_CTL" fail "*/create" EIO' \
    'cmd "$C" start -u $U1'
mdevctl_failure "$EIO" && grep -q "$U1" "$W/err" && grep -q matrix "$W/err" && clean "$A"
if [ $? = 0 ]; then ok "mdevctl start: a failing create"; else not_ok "mdevctl start: a failing create"; fi

sim '"$C" define -u $U1 -p matrix -t vfio_ap-passthrough
     "$C" modify -u $U1 --addattr=assign_adapter --value=5
     "$MDEVSIM_CTL" fail "*/assign_adapter" EINVAL' \
    'cmd "$C" start -u $U1'
mdevctl_failure "cannot write '5' to attribute 'assign_adapter' of mdev '$U1' on parent 'matrix': $EINVAL; the device was removed again" &&
    clean "$A"
if [ $? = 0 ]; then ok "mdevctl start: a refused attribute removes the device"
else not_ok "mdevctl start: a refused attribute removes the device"; fi

sim '"$C" start -u $U1 -p mtty -t mtty-1
     "$MDEVSIM_CTL" fail "*/remove" EBUSY' \
    'cmd "$C" stop -u $U1'
mdevctl_failure "$EBUSY" && grep -q "$U1" "$W/err" && clean "$U1 $A"
if [ $? = 0 ]; then ok "mdevctl stop: a refused remove"; else not_ok "mdevctl stop: a refused remove"; fi

sim '"$MDEVSIM_CTL" vanish matrix 1' \
    'cmd "$C" start -u $U1 -p matrix -t vfio_ap-passthrough'
mdevctl_failure "$ENODEV" && grep -q matrix "$W/err" && clean "$A"
if [ $? = 0 ]; then ok "mdevctl start: the parent goes as create is written"
else not_ok "mdevctl start: the parent goes as create is written"; fi

tap_end
