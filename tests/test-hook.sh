#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The libvirt qemu hook (`mdevtool hook DOMAIN OPERATION SUB-OPERATION`,
# domain XML on stdin) on the simulated kernel, fed the documents libvirt's
# QEMU driver makes of tests/data/domain/input/ (tests/data/domain/regen.sh).
# TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, MDEVSIM_CTL,
# G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/../examples/hosts/samples.json"
VF_HOST="$G_TEST_SRCDIR/../examples/hosts/nvidia-vf.json"
DOMAINS="$G_TEST_SRCDIR/data/domain"
SIM_NAME=hook
SIM_SHOW="out err rc devs records log"
. "$G_TEST_SRCDIR/sim-lib.sh"

R=11111111-1111-4111-8111-111111111111   # running before the domain starts
D=22222222-2222-4222-8222-222222222222   # defined
M=33333333-3333-4333-8333-333333333333   # in the metadata, on mtty
N=44444444-4444-4444-8444-444444444444   # in the metadata, type by name
MIX=d0000000-0000-4000-8000-000000000001
export R D M N MIX DOMAINS

# sim SCRIPT [HOST]: in SCRIPT, "hook FILE OP SUBOP" runs the hook with
# tests/data/domain/FILE.xml on stdin and leaves rc, out and err in $W.
# Afterwards $W/devs lists the mdevs and $W/records the hook records.
sim() {
    rm -rf "$W/conf" "$W/out" "$W/err" "$W/rc" "$W/devs" "$W/records" "$W/log"
    mkdir -p "$W/conf"
    cat > "$W/scenario.sh" <<SCENARIO
set -u
cmd() { "\$T" "\$@" > "\$W/out" 2> "\$W/err"; echo \$? > "\$W/rc"; }
hook() {
    file=\$1; shift
    name=\$(sed -n 's:^ *<name>\(.*\)</name>.*:\1:p' "\$DOMAINS/\$file.xml")
    "\$T" hook "\$name" "\$@" - < "\$DOMAINS/\$file.xml" > "\$W/out" 2> "\$W/err"
    echo \$? > "\$W/rc"
}
$1
ls /sys/bus/mdev/devices > "\$W/devs"
( cd "\$MDEVTOOL_STATE_DIR" && ls domains 2>/dev/null ) > "\$W/records"
SCENARIO
    "$MDEVSIM" --host "${2:-$HOST}" --conf-dir "$W/conf" -- sh "$W/scenario.sh" > "$W/log" 2>&1
}

rc() { cat "$W/rc"; }
out() { cat "$W/out"; }
devs() { tr '\n' ' ' < "$W/devs" | sed 's/ $//'; }
records() { tr '\n' ' ' < "$W/records" | sed 's/ $//'; }
# the hook failed with one line on stderr holding $1, printed nothing on
# stdout, and left no record
failed_with() {
    [ "$(rc)" = 1 ] && [ "$(wc -l < "$W/err")" = 1 ] && grep -q "^mdevtool: error: .*$1" "$W/err" &&
        [ ! -s "$W/out" ] && [ ! -s "$W/records" ]
}

SETUP='"$T" create --parent mtty --type mtty-1 --uuid $R > /dev/null
"$T" define --parent mtty --type mtty-1 --uuid $D > /dev/null'

echo "# simulated host: $HOST"

# --- prepare begin --------------------------------------------------------

sim "$SETUP
hook hook-mix prepare begin
readlink /sys/bus/mdev/devices/\$M/mdev_type > \"\$W/type-m\"
readlink /sys/bus/mdev/devices/\$N/mdev_type > \"\$W/type-n\"
cp \"\$MDEVTOOL_STATE_DIR/domains/\$MIX.json\" \"\$W/record\""
[ "$(rc)" = 0 ] && [ ! -s "$W/out" ] && [ ! -s "$W/err" ] &&
    [ "$(devs)" = "$R $D $M $N" ] && [ "$(basename "$(cat "$W/type-m")")" = mtty-2 ] &&
    [ "$(basename "$(cat "$W/type-n")")" = mtty-1 ] && [ "$(records)" = "$MIX.json" ]
verdict "prepare begin: running left, defined started, metadata devices created (type by id and by name)"

python3 - "$W/record" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
got = [(d.get("uuid"), d["action"], d["parent"]) for d in r["devices"]]
want = [("22222222-2222-4222-8222-222222222222", "started", "mtty"),
        ("33333333-3333-4333-8333-333333333333", "created", "mtty"),
        ("44444444-4444-4444-8444-444444444444", "created", "mtty")]
sys.exit(0 if r["domain"] == "mix" and r["uuid"] == "d0000000-0000-4000-8000-000000000001" and got == want else 1)
EOF
verdict "the record names the domain and what its hook started or created, not the running device"

# the layout json-glib's generator gave records, byte for byte (test-json-out
# checks the golden file against the generator)
cmp -s "$W/record" "$G_TEST_SRCDIR/data/hook/record-mix.json"
verdict "the record's bytes are those of tests/data/hook/record-mix.json"

sim "$SETUP
hook hook-mix prepare begin
cp \"\$MDEVTOOL_STATE_DIR/domains/\$MIX.json\" \"\$W/record1\"
hook hook-mix prepare begin
cp \"\$MDEVTOOL_STATE_DIR/domains/\$MIX.json\" \"\$W/record2\""
[ "$(rc)" = 0 ] && [ ! -s "$W/err" ] && [ "$(devs)" = "$R $D $M $N" ] &&
    cmp -s "$W/record1" "$W/record2"
verdict "prepare begin twice: the second call changes nothing and keeps the record"

sim "$SETUP
hook hook-mix prepare begin
hook hook-mix release end
\"\$T\" list --defined > \"\$W/defined\""
[ "$(rc)" = 0 ] && [ ! -s "$W/out" ] && [ ! -s "$W/err" ] && [ "$(devs)" = "$R" ] &&
    [ ! -s "$W/records" ] && grep -q "$D" "$W/defined"
verdict "release end removes exactly what the hook made, keeps the running device and the definition"

sim "$SETUP
hook hook-mix release end"
[ "$(rc)" = 0 ] && [ ! -s "$W/err" ] && [ "$(devs)" = "$R" ]
verdict "release end without a record does nothing"

sim "$SETUP
hook hook-mix prepare begin
\"\$T\" create --parent mtty --type mtty-1 --uuid 66666666-6666-4666-8666-666666666666 > /dev/null
hook hook-mix release end"
[ "$(rc)" = 0 ] && [ "$(devs)" = "$R 66666666-6666-4666-8666-666666666666" ]
verdict "release end leaves a device made meanwhile by someone else"

sim "$SETUP
hook hook-mix prepare begin
\"\$MDEVSIM_CTL\" hold $M 0 /usr/bin/qemu-system-x86_64 other
hook hook-mix release end"
[ "$(rc)" = 0 ] && [ "$(devs)" = "$R $M" ] && [ ! -s "$W/records" ]
verdict "release end keeps a device that a process still holds, removes the rest"

# --- ownership: list and gc read the records --------------------------------

sim "$SETUP
hook hook-mix prepare begin
\"\$T\" list > \"\$W/list\"
\"\$T\" --json list > \"\$W/list.json\"
cmd gc --no-libvirt"
python3 - "$W/list.json" <<'EOF2'
import json, sys
rows = {d["uuid"]: d["domain"] for d in json.load(open(sys.argv[1]))}
want = {"11111111-1111-4111-8111-111111111111": None,
        "22222222-2222-4222-8222-222222222222": "mix",
        "33333333-3333-4333-8333-333333333333": "mix",
        "44444444-4444-4444-8444-444444444444": "mix"}
sys.exit(0 if rows == want else 1)
EOF2
verdict "list --json: the domain of every device the hook made, none for the one running before"

grep "^$M " "$W/list" | grep -q ' mix\( \|$\)' && ! grep "^$R " "$W/list" | grep -q ' mix\( \|$\)'
verdict "list: the DOMAIN column names the domain from the hook record"

[ "$(rc)" = 0 ] && grep -q "^removed $R " "$W/out" && grep -qx "kept $M: domain 'mix' claims it" "$W/out" &&
    grep -qx "kept $N: domain 'mix' claims it" "$W/out" && [ "$(devs)" = "$D $M $N" ]
verdict "gc keeps what a hook record claims and removes the unclaimed device"

sim "$SETUP
hook hook-mix prepare begin
printf '{\"uuid\": \"%s\", \"devices\": [{\"uuid\": \"../../../x\", \"action\": \"created\"}]}' \$MIX \\
    > \"\$MDEVTOOL_STATE_DIR/domains/\$MIX.json\"
\"\$T\" list > \"\$W/list\" 2> \"\$W/list-err\"; echo \$? > \"\$W/list-rc\"
hook hook-mix release end"
failed_with "invalid hook record '.*$MIX.json'" && [ "$(devs)" = "$R $D $M $N" ] &&
    [ "$(cat "$W/list-rc")" = 0 ] && [ ! -s "$W/list-err" ] && ! grep -q ' mix ' "$W/list"
verdict "a corrupt record fails release with one line, touches no device, and is dropped"

# --- failures: one line, nothing left -------------------------------------

sim "$SETUP
hook hook-undescribed prepare begin"
failed_with "domain 'undescribed': mdev '55555555-5555-4555-8555-555555555555': it is not running, not defined and not described" &&
    [ "$(devs)" = "$R" ]
verdict "an mdev that is neither running, defined nor described fails and undoes what the call made"

sim "$SETUP
\"\$MDEVSIM_CTL\" unregister mtty
hook hook-mix prepare begin
\"\$MDEVSIM_CTL\" register mtty
cp \"\$W/err\" \"\$W/err1\"; cp \"\$W/rc\" \"\$W/rc1\"
\"\$T\" create --parent mtty --type mtty-1 --uuid \$R > /dev/null
hook hook-mix prepare begin"
[ "$(cat "$W/rc1")" = 1 ] && [ "$(wc -l < "$W/err1")" = 1 ] && grep -q "domain 'mix'" "$W/err1" &&
    [ "$(rc)" = 0 ] && [ "$(devs)" = "$R $D $M $N" ] && [ "$(records)" = "$MIX.json" ]
verdict "a vanished parent fails the start; a retried start after it works"

sim "hook hook-unknown-type prepare begin"
failed_with "domain 'unknown-type': mdev '$M': .*mtty-9" && [ -z "$(devs)" ]
verdict "an unknown metadata type fails and names it"

sim "hook hook-hostile prepare begin"
failed_with "invalid domain XML: device '$M': invalid type name '../../../../x'" && [ -z "$(devs)" ]
verdict "a hostile metadata type is refused before anything is made"

sim "hook hook-hostile-attr prepare begin"
failed_with "invalid attribute name '../../remove'" && [ -z "$(devs)" ]
verdict "a hostile metadata attribute is refused before anything is made"

sim "printf '<domain><name>x</name><uuid>d0000000-0000-4000-8000-000000000009</uuid><description>\\377</description></domain>' > \"\$W/bad.xml\"
\"\$T\" hook x prepare begin - < \"\$W/bad.xml\" > \"\$W/out\" 2> \"\$W/err\"; echo \$? > \"\$W/rc\""
failed_with "not valid UTF-8"
verdict "non-UTF-8 domain XML is refused"

sim "echo '<domain><name>x</name>' | \"\$T\" hook x prepare begin - > \"\$W/out\" 2> \"\$W/err\"; echo \$? > \"\$W/rc\"
echo '<domain><name>x</name>' | \"\$T\" hook x started begin - > \"\$W/out2\" 2> \"\$W/err2\"; echo \$? > \"\$W/rc2\""
failed_with "invalid domain XML: line" && [ "$(cat "$W/rc2")" = 0 ] && [ ! -s "$W/out2" ] && [ ! -s "$W/err2" ]
verdict "malformed XML fails prepare begin; other operations do not read it"

sim "$SETUP
\"\$T\" define --parent mtty --type mtty-1 --uuid \$M > /dev/null
\"\$T\" define --parent mdpy --type mdpy-vga --uuid \$M > /dev/null
hook hook-mix prepare begin"
failed_with "mdev '$M': it is defined under more than one parent ('mdpy', 'mtty')" &&
    [ "$(devs)" = "$R" ]
verdict "a UUID defined under two parents fails without a guess"

# 24 ports: R and ten mtty-2 take 21, D and M three more, nothing is left for N
sim "$SETUP
for i in 1 2 3 4 5 6 7 8 9 10; do \"\$T\" create --parent mtty --type mtty-2 > /dev/null; done
hook hook-mix prepare begin"
failed_with "domain 'mix': mdev '$N': .*mtty" && [ "$(wc -l < "$W/devs")" = 11 ] &&
    grep -qx "$R" "$W/devs" && ! grep -q "$D\|$M" "$W/devs"
verdict "a full type fails, names the parent, and the started and created devices go again"

sim "$SETUP
hook hook-mix migrate begin
cp \"\$W/out\" \"\$W/out-migrate\"; cp \"\$W/rc\" \"\$W/rc-migrate\"
hook hook-mix restore begin
cp \"\$W/out\" \"\$W/out-restore\"
hook hook-mix frobnicate now
cp \"\$W/rc\" \"\$W/rc-unknown\"
hook hook-mix started begin"
[ "$(rc)" = 0 ] && [ "$(cat "$W/rc-migrate")" = 0 ] && [ "$(cat "$W/rc-unknown")" = 0 ] &&
    [ ! -s "$W/out-migrate" ] && [ ! -s "$W/out-restore" ] && [ ! -s "$W/err" ] &&
    [ "$(devs)" = "$R" ] && [ ! -s "$W/records" ]
verdict "other operations (migrate and restore begin too) exit 0, print nothing and change nothing"

sim "\"\$T\" hook onlyone > \"\$W/out\" 2> \"\$W/err\" < /dev/null; echo \$? > \"\$W/rc\""
[ "$(rc)" = 2 ] && [ ! -s "$W/out" ]
verdict "missing arguments are a usage error"

"$T" --help > "$W/help" 2>&1
! grep -q '^  hook ' "$W/help"
verdict "the hook command is not listed in --help"

# --- two domains racing for the last instance -------------------------------

for round in 1 2 3; do
    sim "for i in 1 2 3; do \"\$T\" create --parent mdpy --type mdpy-vga > /dev/null; done
( hook race-a prepare begin; cp \"\$W/rc\" \"\$W/rc-a\"; cp \"\$W/err\" \"\$W/err-a\" ) &
( \"\$T\" hook race-b prepare begin - < \"\$DOMAINS/race-b.xml\" > /dev/null 2> \"\$W/err-b\"; echo \$? > \"\$W/rc-b\" ) &
wait"
    a=$(cat "$W/rc-a") b=$(cat "$W/rc-b")
    if [ "$a$b" = 01 ]; then winner=aaaaaaaa-0000-4000-8000-00000000000a loser=err-b record=d0000000-0000-4000-8000-00000000000a.json
    elif [ "$a$b" = 10 ]; then winner=bbbbbbbb-0000-4000-8000-00000000000b loser=err-a record=d0000000-0000-4000-8000-00000000000b.json
    else winner=none loser=none record=none; fi
    [ "$winner" != none ] && [ "$(wc -l < "$W/devs")" = 4 ] && grep -qx "$winner" "$W/devs" &&
        [ "$(records)" = "$record" ] && [ "$(wc -l < "$W/$loser")" = 1 ] &&
        grep -q "^mdevtool: error: domain 'race-.': mdev '.*': .*mdpy" "$W/$loser"
    verdict "two domains race for the last instance (round $round): exactly one wins, the other leaves nothing"
done

# --- NVIDIA VF vGPUs ----------------------------------------------------------

sim "hook hook-vgpu prepare begin
cat /sys/bus/pci/devices/0000:3d:00.5/nvidia/current_vgpu_type > \"\$W/type5\"
cat /sys/bus/pci/devices/0000:3d:00.5/nvidia/vgpu_params > \"\$W/params5\"
cat /sys/bus/pci/devices/0000:3d:00.4/nvidia/current_vgpu_type > \"\$W/type4\"
cp \"\$W/rc\" \"\$W/rc1\"
hook hook-vgpu prepare begin
cp \"\$W/rc\" \"\$W/rc2\"
hook hook-vgpu release end
cat /sys/bus/pci/devices/0000:3d:00.5/nvidia/current_vgpu_type > \"\$W/type5-after\"
cat /sys/bus/pci/devices/0000:3d:00.4/nvidia/current_vgpu_type > \"\$W/type4-after\"" "$VF_HOST"
[ "$(cat "$W/rc1")" = 0 ] && [ "$(cat "$W/rc2")" = 0 ] && [ "$(rc)" = 0 ] &&
    [ "$(cat "$W/type5")" = 1148 ] && [ "$(cat "$W/params5")" = frame_rate_limiter=0 ] &&
    [ "$(cat "$W/type4")" = 1148 ] && [ "$(cat "$W/type5-after")" = 0 ] &&
    [ "$(cat "$W/type4-after")" = 1148 ] && [ ! -s "$W/records" ]
verdict "a VF vGPU in the metadata gets its type once; release clears it and leaves the undescribed VF"

tap_end
