#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The domain commands (gc, attach, detach) against a real libvirt QEMU
# driver: a private libvirtd of this test, unprivileged, with its sockets,
# configuration and domain store in the test's directory. Its QEMU driver
# defines domains and edits their persistent XML without starting them;
# mdevtool runs on the simulated kernel (tests/mdevsim) and reaches the
# daemon through -c. The daemon's stored XML is read back with virsh.
# Prints TAP; skipped (visibly) where libvirtd, its QEMU driver or QEMU is
# not installed.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/data/lifecycle/host.json"
SIM_NAME=domains
SIM_SHOW="out err rc devs conf.list log"

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

command -v libvirtd >/dev/null || skip_all "libvirtd is not installed"
command -v virsh >/dev/null || skip_all "virsh is not installed"
[ -n "$(find_driver qemu)" ] || skip_all "libvirt's QEMU driver is not installed"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is not installed"

unset LD_PRELOAD
. "$G_TEST_SRCDIR/sim-lib.sh"

# A sanitizer build's client needs libtirpc loaded at start-up, and its
# leak check off, as in test-fleet.sh.
if grep -q __asan_init "$MDEVTOOL" 2>/dev/null; then
    tirpc=$(ldconfig -p | awk '/libtirpc\.so\.3 / { print $NF; exit }')
    printf '#!/bin/sh\nLD_PRELOAD="%s${LD_PRELOAD:+:$LD_PRELOAD}" exec "%s" "$@"\n' \
        "$tirpc" "$MDEVTOOL" > "$W/bin/mdevtool-client"
    chmod +x "$W/bin/mdevtool-client"
    T="$W/bin/mdevtool-client"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi

A=aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
export A U1 U2 U3

# The daemon runs unprivileged (as root, as nobody): a privileged QEMU
# driver wants the system's QEMU user and the host's directories. UNIX
# socket paths are short: not under a deep TMPDIR.
D=$(mktemp -d /tmp/mdev-domains-XXXXXX)
trap 'stop_daemon; rm -rf "$W" "$D"' EXIT
chmod 755 "$D"
mkdir -p "$D/home" "$D/sock" "$D/drivers"
ln -s "$(find_driver qemu)" "$D/drivers/"
cat > "$D/libvirtd.conf" <<CONF
unix_sock_dir = "$D/sock"
log_outputs = "2:file:$D/home/libvirtd.log"
CONF
chmod 644 "$D/libvirtd.conf"
as_daemon=
if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null || skip_all "setpriv is not installed"
    chown 65534:65534 "$D/home" "$D/sock"
    as_daemon="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi

stop_daemon() {
    if [ -s "$D/home/libvirtd.pid" ]; then
        kill "$(cat "$D/home/libvirtd.pid")" 2>/dev/null
        wait 2>/dev/null
    fi
}

env -u LD_PRELOAD HOME="$D/home" XDG_RUNTIME_DIR="$D/home/run" XDG_CONFIG_HOME="$D/home/config" \
    XDG_CACHE_HOME="$D/home/cache" LIBVIRT_DRIVER_DIR="$D/drivers" \
    $as_daemon libvirtd --config "$D/libvirtd.conf" --pid-file "$D/home/libvirtd.pid" \
    > "$D/daemon.out" 2>&1 &

URI="qemu:///session?socket=$D/sock/libvirt-sock"
DEAD="qemu:///session?socket=$D/sock/no-such-sock"
export URI DEAD
lv() { virsh -q -c "$URI" "$@"; }

i=0
until lv list --all > /dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -ge 300 ]; then
        echo "1..0 # SKIP the private libvirtd does not answer: $(tail -n 3 "$D/daemon.out")"
        exit 0
    fi
    sleep 0.1
done

# define_domain NAME [DEVICES [METADATA]]: a shut-off domain
define_domain() {
    cat > "$D/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <metadata>${3:-}</metadata>
  <devices>${2:-}</devices>
</domain>
XML
    lv define "$D/$1.xml" > /dev/null
}
mdev_hostdev() {
    echo "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='$1'/></source></hostdev>"
}
NS=https://mdevtool.example/xmlns/domain/1.0
meta_device() {
    echo "<mdevtool:devices xmlns:mdevtool='$NS'><mdevtool:device uuid='$1' type='mtty-1'/></mdevtool:devices>"
}

sim() { sim_listed "$1"; }
rc() { cat "$W/rc"; }
devs() { tr '\n' ' ' < "$W/devs" | sed 's/ $//'; }

define_domain vm1 "$(mdev_hostdev $U1)"
define_domain vm2 "" "$(meta_device $U2)"

# gc asks the daemon: vm1's hostdev claims U1, vm2's metadata U2
sim '
"$T" create -p mtty -t mtty-1 -u $U1 > /dev/null
"$T" create -p mtty -t mtty-1 -u $U2 > /dev/null
"$T" create -p mtty -t mtty-1 -u $U3 > /dev/null
cmd -c "$URI" gc'
[ "$(rc)" = 0 ] && [ "$(devs)" = "$U1 $U2" ] &&
    grep -q "^kept $U1: domain 'vm1' claims it" "$W/out" &&
    grep -q "^kept $U2: domain 'vm2' claims it" "$W/out" &&
    grep -q "^removed $U3 " "$W/out" && grep -q "^removed $A " "$W/out"
verdict "gc keeps what a persistent domain's hostdev or metadata names, removes the rest"

sim '
"$T" create -p mtty -t mtty-1 -u $U1 > /dev/null
cmd --json gc --dry-run -c "$URI"'
[ "$(rc)" = 0 ] && [ "$(devs)" = "$U1 $A" ] && python3 -c '
import json, sys
d = {e["uuid"]: e for e in json.load(open(sys.argv[1]))}
assert d[sys.argv[2]]["action"] == "would-remove" and d[sys.argv[2]]["reason"] == "unclaimed"
assert d[sys.argv[3]]["action"] == "kept" and d[sys.argv[3]]["reason"] == "domain"
assert d[sys.argv[3]]["claimant"] == "vm1"
' "$W/out" "$A" "$U1"
verdict "gc --json --dry-run names the claiming domain and removes nothing"

sim 'cmd -c "$DEAD" gc'
[ "$(rc)" = 1 ] && [ "$(devs)" = "$A" ] && [ ! -s "$W/out" ] &&
    grep -q "no-such-sock" "$W/err" && grep -q -- "--no-libvirt" "$W/err"
verdict "gc with libvirt unreachable: an error naming the URI, nothing removed"

sim 'cmd -c "$DEAD" gc --no-libvirt'
[ "$(rc)" = 2 ] && [ "$(devs)" = "$A" ]
verdict "gc: -c and --no-libvirt exclude each other"

sim 'cmd -c "$URI" -c "$DEAD" gc'
[ "$(rc)" = 2 ] && [ "$(devs)" = "$A" ]
verdict "gc: -c is accepted once"

# --- attach and detach ---------------------------------------------------------

# step N ARGS...: mdevtool's stdout, stderr and exit status in $W/out.N,
# $W/err.N, $W/rc.N; xml N DOMAIN: the daemon's persistent XML in $W/xml.N
cat > "$W/steps.sh" <<'STEPS'
step() { n=$1; shift; "$T" "$@" > "$W/out.$n" 2> "$W/err.$n"; echo $? > "$W/rc.$n"; }
xml() { virsh -q -c "$URI" dumpxml --inactive "$2" > "$W/xml.$1"; }
STEPS
rcof() { cat "$W/rc.$1"; }
outof() { cat "$W/out.$1"; }
# hostdevs N: the mdev UUIDs of the hostdevs in $W/xml.N; meta N: the
# metadata devices as UUID/type/parent
hostdevs() {
    python3 - "$W/xml.$1" <<'PY'
import sys, xml.etree.ElementTree as ET
d = ET.parse(sys.argv[1])
print(" ".join(a.get("uuid") for a in d.findall("devices/hostdev[@type='mdev']/source/address")))
PY
}
meta() {
    python3 - "$W/xml.$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{https://mdevtool.example/xmlns/domain/1.0}"
d = ET.parse(sys.argv[1])
print(" ".join("%s/%s/%s" % (e.get("uuid"), e.get("type"), e.get("parent"))
               for e in d.findall("metadata/%sdevices/%sdevice" % (ns, ns))))
PY
}
failed_with() { # N, part of the error: exit 1, one line naming it, nothing on stdout
    [ "$(rcof "$1")" = 1 ] && [ "$(wc -l < "$W/err.$1")" = 1 ] && grep -q -- "$2" "$W/err.$1" &&
        [ ! -s "$W/out.$1" ]
}

lv undefine vm1 > /dev/null && lv undefine vm2 > /dev/null
define_domain vm3
define_domain vm4
# what a failing check shows: every step's output
SIM_SHOW="log devs $(for i in $(seq 15); do printf 'rc.%s out.%s err.%s ' $i $i $i; done)"
sim '. "$W/steps.sh"
"$T" create -p mtty -t mtty-1 -u $U1 > /dev/null
"$T" create -p mtty -t mtty-1 -u $U3 > /dev/null
"$MDEVSIM_CTL" hold $U3 0 /usr/bin/python3
step 1 -c "$URI" attach vm3 --uuid $U1; xml 1 vm3
step 2 -c "$URI" --json attach "$(virsh -q -c "$URI" domuuid vm3)" --type mtty-2 --parent mtty
xml 2 vm3
step 3 -c "$URI" attach vm4 --uuid $U1; xml 3 vm4
step 4 -c "$URI" attach no-such-domain --uuid $U2
step 5 -c "$URI" attach vm4 --uuid $U3; xml 5 vm4
step 6 -c "$URI" attach vm4 --uuid $U2 --live
step 7 -c "$URI" attach vm4 --type mtty-1 --live
ls "$MDEVTOOL_CONF_DIR"/mtty > "$W/defs.7"
step 8 -c "$DEAD" attach vm4 --type mtty-1
ls "$MDEVTOOL_CONF_DIR"/mtty > "$W/defs.8"
step 9 -c "$URI" attach vm4 --uuid $U2
step 10 -c "$URI" attach vm4 --type no-such-type
step 11 attach vm4 --uuid $U1 --type mtty-1
NEW=$(cat "$W/out.1")
NEW=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"uuid\"])" "$W/out.2")
echo "$NEW" > "$W/new"
ls "$MDEVTOOL_CONF_DIR"/mtty > "$W/defs.11"
step 12 -c "$URI" detach vm3 "$NEW"; xml 12 vm3
ls "$MDEVTOOL_CONF_DIR"/mtty > "$W/defs.12" 2>/dev/null
step 13 -c "$URI" detach vm3 $U1 --keep; xml 13 vm3
step 14 -c "$URI" detach vm3 $U1
step 15 -c "$URI" detach vm3 $U1 --live'
NEW=$(cat "$W/new")

[ "$(rcof 1)" = 0 ] && [ "$(outof 1)" = "$U1" ] && [ "$(hostdevs 1)" = "$U1" ] &&
    [ "$(meta 1)" = "$U1/mtty-1/mtty" ]
verdict "attach --uuid: the hostdev and the metadata device in the persistent XML, the UUID printed"

[ "$(rcof 2)" = 0 ] && [ -n "$NEW" ] && [ "$(hostdevs 2)" = "$U1 $NEW" ] &&
    [ "$(meta 2)" = "$U1/mtty-1/mtty $NEW/mtty-2/mtty" ] && grep -qx "$NEW" "$W/defs.11" &&
    ! grep -q "$NEW" "$W/devs" && python3 -c '
import json, sys
sys.path.insert(0, sys.argv[3])
import schemacheck
doc = json.load(open(sys.argv[1]))
assert not schemacheck.problems(schemacheck.validator("attach.schema.json"), doc), doc
assert doc == {"uuid": sys.argv[2], "parent": "mtty", "type": "mtty-2", "domain": "vm3"}, doc
' "$W/out.2" "$NEW" "$G_TEST_SRCDIR"
verdict "attach --type (the domain by UUID): a new mdev defined, not started, added after the first, JSON as its schema says"

failed_with 3 "mdev '$U1' belongs to domain 'vm3' already" && [ -z "$(hostdevs 3)" ] &&
    [ -z "$(meta 3)" ]
verdict "attach: a device another domain holds is refused, nothing changed"

failed_with 4 "no domain 'no-such-domain'"
verdict "attach: an unknown domain is refused"

failed_with 5 "is in use by process [0-9]* ('python3')" && [ -z "$(hostdevs 5)" ]
verdict "attach: a running device another process holds is refused"

failed_with 6 "domain 'vm4' is not running: --live needs a running domain" &&
    failed_with 7 "domain 'vm4' is not running"
verdict "attach --live on a shut-off domain: a clear error"

failed_with 8 "no-such-sock" && [ -s "$W/defs.7" ] && cmp -s "$W/defs.7" "$W/defs.8"
verdict "attach with libvirt unreachable: an error naming the URI, nothing defined"

failed_with 9 "mdev '$U2' is neither active nor defined" &&
    failed_with 10 "no-such-type" && [ "$(rcof 11)" = 2 ]
verdict "attach: an unknown device or type is refused, --uuid with --type is a usage error"

[ "$(rcof 12)" = 0 ] && [ "$(hostdevs 12)" = "$U1" ] && [ "$(meta 12)" = "$U1/mtty-1/mtty" ] &&
    ! grep -q "$NEW" "$W/defs.12"
verdict "detach: hostdev, metadata device and definition removed, the others kept"

[ "$(rcof 13)" = 0 ] && [ -z "$(hostdevs 13)" ] && [ -z "$(meta 13)" ] &&
    grep -qx "$U1" "$W/devs"
verdict "detach --keep: the device stays active"

failed_with 14 "mdev '$U1' does not belong to domain 'vm3'" &&
    failed_with 15 "domain 'vm3' is not running"
verdict "detach: a device the domain does not have, --live on a shut-off domain"

# --- NVIDIA VF vGPUs -----------------------------------------------------------

# pcidevs N: the source addresses of the PCI hostdevs in $W/xml.N, each
# with its managed attribute; vmeta N: the metadata devices as
# address/type/parent
pcidevs() {
    python3 - "$W/xml.$1" <<'PY'
import sys, xml.etree.ElementTree as ET
d = ET.parse(sys.argv[1])
out = []
for h in d.findall("devices/hostdev[@type='pci']"):
    a = h.find("source/address")
    out.append("%04x:%02x:%02x.%x/%s" % (int(a.get("domain"), 16), int(a.get("bus"), 16),
                                         int(a.get("slot"), 16), int(a.get("function"), 16),
                                         h.get("managed")))
print(" ".join(out))
PY
}
vmeta() {
    python3 - "$W/xml.$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{https://mdevtool.example/xmlns/domain/1.0}"
d = ET.parse(sys.argv[1])
print(" ".join("%s/%s/%s" % (e.get("address"), e.get("type"), e.get("parent"))
               for e in d.findall("metadata/%sdevices/%sdevice" % (ns, ns))))
PY
}

HOST="$G_TEST_SRCDIR/../examples/hosts/nvidia-vf.json"
define_domain vf1
define_domain vf2
cat > "$W/vf.sh" <<'VF'
vgpu() { cat "/sys/bus/pci/devices/$1/nvidia/current_vgpu_type" > "$W/type.$2"; }
VF
SIM_SHOW="log $(for i in $(seq 12); do printf 'rc.%s out.%s err.%s ' $i $i $i; done)"
sim '. "$W/steps.sh"; . "$W/vf.sh"
step 1 -c "$URI" attach vf1 --type "NVIDIA L40S-2Q"; xml 1 vf1; vgpu 0000:3d:00.5 1
step 2 -c "$URI" --json attach vf1 --uuid 0000:d8:00.7; xml 2 vf1
step 3 -c "$URI" attach vf2 --uuid 0000:3d:00.5
step 4 -c "$URI" attach vf2 --uuid 0000:d8:00.5
step 5 -c "$URI" attach vf2 --type nvidia-695 --parent 0000:3d:00.0; xml 5 vf2
vgpu 0000:3d:00.6 5
step 6 -c "$URI" attach vf2 --type "NVIDIA L40S-2Q" --model vfio-pci
step 7 -c "$URI" attach vf2 --uuid 0000:d8:00.7 --display on
step 12 -c "$URI" --json gc --dry-run
step 8 -c "$URI" detach vf1 0000:3d:00.5; xml 8 vf1; vgpu 0000:3d:00.5 8
step 9 -c "$URI" detach vf1 0000:d8:00.7 --keep; xml 9 vf1; vgpu 0000:d8:00.7 9
step 10 -c "$URI" detach vf1 0000:d8:00.7
step 11 -c "$URI" attach vf2 --uuid 0000:d8:00.6; xml 11 vf2'
typeof() { cat "$W/type.$1"; }

[ "$(rcof 1)" = 0 ] && [ "$(outof 1)" = 0000:3d:00.5 ] && [ "$(typeof 1)" = 1148 ] &&
    [ "$(pcidevs 1)" = "0000:3d:00.5/no" ] && [ -z "$(hostdevs 1)" ] &&
    [ "$(vmeta 1)" = "0000:3d:00.5/nvidia-1148/0000:3d:00.0" ]
verdict "attach --type of a VF vGPU type: the vGPU made, a PCI hostdev with managed='no' and its metadata device"

[ "$(rcof 2)" = 0 ] && [ "$(pcidevs 2)" = "0000:3d:00.5/no 0000:d8:00.7/no" ] &&
    [ "$(vmeta 2)" = "0000:3d:00.5/nvidia-1148/0000:3d:00.0 0000:d8:00.7/nvidia-695/0000:d8:00.0" ] &&
    python3 -c '
import json, sys
sys.path.insert(0, sys.argv[2])
import schemacheck
doc = json.load(open(sys.argv[1]))
assert not schemacheck.problems(schemacheck.validator("attach.schema.json"), doc), doc
assert doc == {"uuid": None, "address": "0000:d8:00.7", "parent": "0000:d8:00.0",
               "type": "nvidia-695", "domain": "vf1"}, doc
' "$W/out.2" "$G_TEST_SRCDIR"
verdict "attach --uuid ADDRESS: a running VF vGPU given, JSON with its address"

failed_with 3 "VF '0000:3d:00.5' belongs to domain 'vf1' already" &&
    failed_with 4 "VF '0000:d8:00.5' has no vGPU"
verdict "attach: a VF another domain holds and a VF without a vGPU are refused"

[ "$(rcof 5)" = 1 ] && [ ! -s "$W/out.5" ] && [ -z "$(pcidevs 5)" ] && [ -z "$(vmeta 5)" ] &&
    [ "$(typeof 5)" = 0 ]
verdict "attach: a type of another card is refused, nothing made"

[ "$(rcof 6)" = 2 ] && grep -q "not to an NVIDIA VF vGPU" "$W/err.6" &&
    [ "$(rcof 7)" = 2 ] && grep -q "not to an NVIDIA VF vGPU" "$W/err.7"
verdict "attach: --model or --display for a VF vGPU is a usage error"

[ "$(rcof 12)" = 0 ] && python3 -c '
import json, sys
got = {e["address"]: (e["action"], e["reason"], e["claimant"]) for e in json.load(open(sys.argv[1]))
       if e["address"]}
assert got["0000:3d:00.5"] == ("kept", "domain", "vf1"), got
assert got["0000:d8:00.7"] == ("kept", "domain", "vf1"), got
assert got["0000:3d:00.4"] == ("would-remove", "unclaimed", None), got
' "$W/out.12"
verdict "gc --dry-run keeps the VF vGPUs a domain's PCI hostdev claims"

[ "$(rcof 8)" = 0 ] && [ "$(pcidevs 8)" = "0000:d8:00.7/no" ] &&
    [ "$(vmeta 8)" = "0000:d8:00.7/nvidia-695/0000:d8:00.0" ] && [ "$(typeof 8)" = 0 ]
verdict "detach ADDRESS: the PCI hostdev and metadata device removed, the vGPU destroyed"

[ "$(rcof 9)" = 0 ] && [ -z "$(pcidevs 9)" ] && [ -z "$(vmeta 9)" ] && [ "$(typeof 9)" = 695 ] &&
    failed_with 10 "VF '0000:d8:00.7' does not belong to domain 'vf1'"
verdict "detach --keep ADDRESS: the vGPU stays; a VF the domain does not have is refused"

# the example's VM 'db' holds 0000:d8:00.6 in the simulated /proc
failed_with 11 "VF '0000:d8:00.6' of card '0000:d8:00.0' is in use by process [0-9]* ('qemu-system-x86') of domain 'db', which holds '/dev/vfio/[0-9]*' open" &&
    [ -z "$(pcidevs 11)" ] && [ -z "$(vmeta 11)" ]
verdict "attach --uuid ADDRESS: a VF another process holds is refused, naming it, nothing changed"

# --- attach --live of a VF vGPU ------------------------------------------------

# What --live needs first: a running domain; on a shut-off one nothing is
# made, not even the vGPU that --type would create.
define_domain vf3
SIM_SHOW="log $(for i in 1 2 3 4; do printf 'rc.%s out.%s err.%s ' $i $i $i; done)"
sim '. "$W/steps.sh"; . "$W/vf.sh"
step 1 -c "$URI" attach vf3 --type "NVIDIA L40S-2Q" --live; xml 1 vf3; vgpu 0000:3d:00.5 1
step 2 -c "$URI" attach vf3 --uuid 0000:d8:00.7 --live; xml 2 vf3; vgpu 0000:d8:00.7 2'
failed_with 1 "domain 'vf3' is not running: --live needs a running domain" &&
    [ "$(typeof 1)" = 0 ] && [ -z "$(pcidevs 1)" ] && [ -z "$(vmeta 1)" ] &&
    failed_with 2 "domain 'vf3' is not running" && [ "$(typeof 2)" = 695 ] &&
    [ -z "$(pcidevs 2)" ]
verdict "attach --live of a VF vGPU on a shut-off domain: a clear error, no vGPU made, the XML unchanged"

# A running domain: this daemon's QEMU starts the domain (TCG, no disk),
# but it is not in the simulation: it looks for the VF in the real
# /sys/bus/pci, where the simulated VF does not exist, and an unprivileged
# daemon cannot open VFIO devices anyway. So the hot-plug itself cannot
# succeed here (the real-kernel suite in tests/vm is where a VF reaches a
# guest); what is tested is that libvirt's refusal reaches the user and
# that everything attach made is taken back: the vGPU it created, and the
# hostdev and metadata device it gave the persistent definition first.
if lv start vf3 > "$W/start.out" 2>&1; then
    sim '. "$W/steps.sh"; . "$W/vf.sh"
lvxml() { virsh -q -c "$URI" dumpxml "$2" > "$W/xml.$1"; }
step 3 -c "$URI" attach vf3 --type "NVIDIA L40S-2Q" --live --config; xml 3 vf3
vgpu 0000:3d:00.5 3; lvxml 3l vf3
step 4 -c "$URI" attach vf3 --uuid 0000:d8:00.7 --live; lvxml 4 vf3; vgpu 0000:d8:00.7 4'
    lv destroy vf3 > /dev/null 2>&1
    [ "$(rcof 3)" = 1 ] && [ "$(wc -l < "$W/err.3")" = 1 ] && [ ! -s "$W/out.3" ] &&
        [ "$(typeof 3)" = 0 ] && [ -z "$(pcidevs 3)" ] && [ -z "$(vmeta 3)" ] &&
        [ -z "$(pcidevs 3l)" ] && [ -z "$(vmeta 3l)" ]
    verdict "attach --live --type of a VF vGPU on a running domain: libvirt's refusal in one line, the new vGPU destroyed, nothing left in either XML"
    [ "$(rcof 4)" = 1 ] && [ "$(wc -l < "$W/err.4")" = 1 ] && [ "$(typeof 4)" = 695 ] &&
        [ -z "$(pcidevs 4)" ] && [ -z "$(vmeta 4)" ]
    verdict "attach --live --uuid ADDRESS on a running domain: libvirt's refusal in one line, the running vGPU kept, the live XML unchanged"
    sed 's/^/# libvirt said: /' "$W/err.3"
else
    echo "ok $((n + 1)) # SKIP this QEMU driver cannot start a domain: $(tail -n 1 "$W/start.out")"
    echo "ok $((n + 2)) # SKIP this QEMU driver cannot start a domain"
    n=$((n + 2))
fi

tap_end
