#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The lifecycle commands on the simulated kernel (tests/mdevsim): every
# operation, and every bad input and fault, which must fail with exit 1, one
# line on stderr and nothing left behind. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, MDEVSIM_CTL,
# G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/data/lifecycle/host.json"
SIM_NAME=lifecycle
SIM_SHOW="out err rc devs conf.list log"
. "$G_TEST_SRCDIR/sim-lib.sh"

A=aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
export A U1 U2 U3

skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

sim() { sim_listed "$1"; }

rc() { cat "$W/rc"; }
out() { cat "$W/out"; }
err() { cat "$W/err"; }
lines() { wc -l < "$W/$1" | tr -d ' '; }
devs() { tr '\n' ' ' < "$W/devs" | sed 's/ $//'; }

# exit 1, exactly one "mdevtool: error:" line containing $1, nothing on
# stdout, only the simulated host's own mdev active, the store as $2
# ("" = empty)
check_failure() {
    [ "$(rc)" = 1 ] && [ "$(lines err)" = 1 ] && grep -q "^mdevtool: error: .*$1" "$W/err" &&
        [ ! -s "$W/out" ] && [ "$(devs)" = "$A" ] &&
        [ "$(tr '\n' ' ' < "$W/conf.list" | sed 's/ $//')" = "$2" ]
}

expect_failure() { # name, script, message part, store listing
    sim "$2"
    if check_failure "$3" "$4"; then ok "$1"; else not_ok "$1"; fi
}

echo "# simulated host: $HOST"

# --- create --------------------------------------------------------------

sim 'cmd create --parent mtty --type mtty-2; cp "$W/out" "$W/uuid"
     readlink "/sys/bus/mdev/devices/$(cat "$W/uuid")/mdev_type" > "$W/type"
     "$MDEVSIM_CTL" available mtty mtty-2 > "$W/avail"'
uuid=$(cat "$W/uuid" 2>/dev/null)
[ "$(rc)" = 0 ] && echo "$uuid" | grep -Eqx '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}' &&
    [ "$(basename "$(cat "$W/type")")" = mtty-2 ] && [ "$(cat "$W/avail")" = 1 ] &&
    [ ! -s "$W/err" ] && [ "$(devs)" = "$(printf '%s\n' "$A" "$uuid" | sort | tr '\n' ' ' | sed 's/ $//')" ] &&
    [ ! -s "$W/conf.list" ]
verdict "create prints the generated UUID and makes a transient mdev"

sim 'cmd create --parent matrix --type vfio_ap-passthrough --uuid 33333333-3333-4333-8333-333333333333 --attr assign_adapter=5 --attr assign_domain=0xab
     { cat /sys/bus/mdev/devices/$U3/assign_adapter; echo; cat /sys/bus/mdev/devices/$U3/assign_domain; } > "$W/attrs"'
[ "$(rc)" = 0 ] && [ "$(out)" = "$U3" ] && [ "$(tr '\n' ' ' < "$W/attrs")" = "5 0xab" ]
verdict "create --uuid prints the UUID and writes the attributes in order"

sim 'cmd create --parent matrix --type vfio_ap-passthrough --uuid 3333333A-3333-4333-8333-333333333333'
[ "$(rc)" = 0 ] && grep -qx 3333333a-3333-4333-8333-333333333333 "$W/devs" &&
    [ "$(out)" = 3333333a-3333-4333-8333-333333333333 ]
verdict "an upper-case UUID is made canonical"

sim 'cmd create --parent matrix --type vfio_ap-passthrough --uuid $U3 --attr assign_adapter=5 --attr no_such_attr=1
     "$MDEVSIM_CTL" available matrix vfio_ap-passthrough > "$W/avail"'
check_failure "mdev '$U3' on parent 'matrix' has no attribute 'no_such_attr': No such file or directory; the device was removed again\$" "" && [ "$(cat "$W/avail")" = 3 ]
verdict "a missing attribute removes the new device again"

sim 'cmd create --type "NVIDIA A40-8Q"; cp "$W/out" "$W/uuid"
     readlink -f "/sys/bus/mdev/devices/$(cat "$W/uuid")" > "$W/where"'
# all physical functions idle: pack takes the one with the fewest free VFs
[ "$(rc)" = 0 ] && grep -q '/0000:42:00.4/' "$W/where"
verdict "create --type NAME without a parent places it"

expect_failure "an ambiguous type name lists the candidates" \
    'cmd create --type "Dual port serial"' \
    "ambiguous.*'mbochs-small' on mbochs.*'mtty-2' on mtty" ""
expect_failure "unknown parent" 'cmd create --parent nosuch --type mtty-1' "no mdev parent 'nosuch'" ""
expect_failure "a parent in the wrong case gets a hint" 'cmd create --parent MTTY --type mtty-1' \
    "did you mean 'mtty'" ""
expect_failure "unknown type" 'cmd create --parent mtty --type mtty-9' \
    "parent 'mtty' has no mdev type .*'mtty-9'.*mtty-1 (Single port serial)" ""
expect_failure "unknown type anywhere" 'cmd create --type nosuch-type' \
    "no parent offers an mdev type with the id or name 'nosuch-type'" ""
expect_failure "unregistered parent" 'cmd create --parent 0000:00:02.0 --type i915-GVTg_V5_4' \
    "parent '0000:00:02.0' is not registered" ""

sim 'cmd create --parent mtty --type mtty-2; cmd create --parent mtty --type mtty-2
     cmd create --parent mtty --type mtty-2'
[ "$(rc)" = 1 ] && [ "$(lines err)" = 1 ] &&
    grep -q "no free instance of mdev type 'mtty-2' on parent 'mtty' (2 active)" "$W/err" &&
    [ "$(wc -l < "$W/devs")" = 3 ]
verdict "a full type fails and names parent, type and instances"

expect_failure "a UUID active on another parent" \
    'cmd create --parent matrix --type vfio_ap-passthrough --uuid $A' \
    "mdev '$A' is already active, on parent 'mtty' with type 'mtty-1'" ""
expect_failure "a UUID active with the same parent and type" \
    'cmd create --parent mtty --type mtty-1 --uuid $A' \
    "mdev '$A' is already active on parent 'mtty' with type 'mtty-1'" ""

# --- placement ------------------------------------------------------------

sim 'cmd create --parent 0000:41:00.4 --type nvidia-559
     cmd create --type nvidia-558 --policy spread; cp "$W/out" "$W/spread"
     cmd create --type nvidia-558 --policy pack; cp "$W/out" "$W/pack"
     readlink -f "/sys/bus/mdev/devices/$(cat "$W/spread")" > "$W/spread.where"
     readlink -f "/sys/bus/mdev/devices/$(cat "$W/pack")" > "$W/pack.where"'
if grep -q '/0000:42:00.4/' "$W/spread.where" && grep -q '/0000:41:00.4/' "$W/pack.where"; then
    ok "spread picks the least loaded physical function, pack the busiest"
else
    not_ok "spread picks the least loaded physical function, pack the busiest"
    sed 's/^/# /' "$W/spread.where" "$W/pack.where"
fi

sim 'cmd create --parent 0000:41:00.4 --type nvidia-558
     cmd create --type nvidia-558; cp "$W/out" "$W/second"
     readlink -f "/sys/bus/mdev/devices/$(cat "$W/second")" > "$W/second.where"'
grep -q '/0000:41:00.5/' "$W/second.where"
verdict "pack fills the VFs of the busiest physical function first"

sim 'cmd create --type mtty-1 --policy random'
[ "$(rc)" = 2 ] && grep -q "unknown placement policy 'random'" "$W/err" && [ "$(devs)" = "$A" ]
verdict "an unknown policy is a usage error"

# --- hostile names ----------------------------------------------------------

for args in "--parent ../../etc --type mtty-1" "--parent mtty --type ../mtty-1" \
            "--parent mtty --type mtty-1 --attr ../remove=1" \
            "--parent mtty --type mtty-1 --attr /etc/passwd=x" \
            "--parent mtty --type mtty-1 --attr remove=1" \
            "--parent mtty --type mtty-1 --attr uevent=change" \
            "--parent 0000:41:00.4 --type nvidia-558 --attr nvidia/../remove=1" \
            "--parent 0000:41:00.4 --type nvidia-558 --attr nvidia//vgpu_params=x" \
            "--parent mtty --type mtty-1 --uuid ../../etc/passwd" \
            "--parent . --type mtty-1"; do
    expect_failure "hostile create $args" "cmd create $args" "invalid" ""
    expect_failure "hostile define $args" "cmd define $args" "invalid" ""
done
expect_failure "hostile start UUID" 'cmd start ../../etc/passwd' "invalid UUID" ""

# --- attributes in vendor subdirectories ----------------------------------

sim 'cmd create --parent 0000:41:00.4 --type nvidia-558 --uuid $U3 --attr nvidia/vgpu_params=frame_rate_limiter=0
     cat /sys/bus/mdev/devices/$U3/nvidia/vgpu_params > "$W/attr"'
[ "$(rc)" = 0 ] && [ "$(out)" = "$U3" ] && [ "$(cat "$W/attr")" = frame_rate_limiter=0 ]
verdict "create writes an attribute in a vendor subdirectory"

sim 'cmd define --parent 0000:41:00.4 --type nvidia-558 --uuid $U1 --attr nvidia/vgpu_params=frame_rate_limiter=0
     cmd list --defined; cp "$W/out" "$W/listed"; cp "$W/err" "$W/list.err"
     cmd start $U1; cat /sys/bus/mdev/devices/$U1/nvidia/vgpu_params > "$W/attr"'
[ "$(rc)" = 0 ] && grep -q "$U1" "$W/listed" && [ ! -s "$W/list.err" ] &&
    [ "$(cat "$W/attr")" = frame_rate_limiter=0 ] && [ ! -s "$W/err" ]
verdict "a definition with a vendor attribute is listed and started"

# --- define, start, stop, undefine -----------------------------------------

sim 'cmd define --parent matrix --type vfio_ap-passthrough --uuid $U1 --attr assign_adapter=5 --attr assign_domain=0xab
     cp "$MDEVTOOL_CONF_DIR/matrix/$U1" "$W/def"
     cmd start $U1; cat /sys/bus/mdev/devices/$U1/assign_domain > "$W/attr"; ls /sys/bus/mdev/devices > "$W/started"
     cmd stop $U1'
[ "$(rc)" = 0 ] && grep -qx "$U1" "$W/started" && [ "$(cat "$W/attr")" = 0xab ] &&
    [ "$(devs)" = "$A" ] && [ "$(cat "$W/conf.list")" = "./matrix/$U1" ] &&
    grep -q '^  "mdev_type": "vfio_ap-passthrough",$' "$W/def"
verdict "define, start with the definition's attributes, stop keeps the definition"

sim 'cmd define --parent mtty --type mtty-1 --uuid $U1; cp "$MDEVTOOL_CONF_DIR/mtty/$U1" "$W/before"
     cmd define --parent mtty --type mtty-2 --uuid $U1; cmp -s "$MDEVTOOL_CONF_DIR/mtty/$U1" "$W/before" || echo changed > "$W/err"'
check_failure "mdev '$U1' is already defined on parent 'mtty'" "./mtty/$U1"
verdict "define twice fails and keeps the definition"

sim 'cmd define --type "Single port serial"'
[ "$(rc)" = 0 ] && grep -q '^./mtty/' "$W/conf.list" && [ -s "$W/out" ]
verdict "define without a parent chooses one offering the type"

sim 'cmd define --parent 0000:99:00.0 --type nvidia-558 --uuid $U2; cp "$W/rc" "$W/first.rc"
     cmd define --parent 0000:99:00.1 --type "NVIDIA A40-8Q" --uuid $U2'
[ "$(cat "$W/first.rc")" = 0 ] && [ "$(rc)" = 0 ] &&
    [ "$(tr '\n' ' ' < "$W/conf.list")" = "./0000:99:00.0/$U2 ./0000:99:00.1/$U2 " ] &&
    grep -q '"mdev_type": "nvidia-559"' "$W/conf/0000:99:00.1/$U2"
verdict "define for an absent parent is allowed (it starts when the parent appears)"

sim 'cmd define --uuid $A'
[ "$(rc)" = 0 ] && [ "$(cat "$W/conf.list")" = "./mtty/$A" ] &&
    grep -q '"mdev_type": "mtty-1"' "$W/conf/mtty/$A"
verdict "define of a running device takes its parent and type"

expect_failure "stop of an inactive device" 'cmd stop $U1' "mdev '$U1' is not active" ""
expect_failure "start of an undefined device" 'cmd start $U1' "mdev '$U1' is not defined" ""
expect_failure "undefine of an undefined device" 'cmd undefine $U1' "mdev '$U1' is not defined" ""

sim 'cmd define --parent mtty --type mtty-1 --uuid $U1; cmd define --parent matrix --type vfio_ap-passthrough --uuid $U1
     cmd start $U1; cp "$W/err" "$W/ambiguous"; cp "$W/rc" "$W/ambiguous.rc"
     cmd start $U1 --parent matrix; cp "$W/rc" "$W/started.rc"
     cmd stop $U1
     cmd undefine $U1 --parent mtty'
[ "$(cat "$W/ambiguous.rc")" = 1 ] && grep -q "defined on several parents ('matrix', 'mtty')" "$W/ambiguous" &&
    [ "$(cat "$W/started.rc")" = 0 ] && [ "$(rc)" = 0 ] && [ "$(cat "$W/conf.list")" = "./matrix/$U1" ]
verdict "the same UUID on two parents needs --parent to start, undefine --parent removes one"

sim 'cmd define --parent mtty --type mtty-1 --uuid $U1; cmd define --parent matrix --type vfio_ap-passthrough --uuid $U1
     cmd undefine $U1'
[ "$(rc)" = 0 ] && [ ! -s "$W/conf.list" ] && [ -d "$W/conf/mtty" ]
verdict "undefine without --parent removes every definition of the UUID"

sim 'cmd create --parent mtty --type mtty-2 --uuid $U1
     cmd create --parent mtty --type mtty-2 --uuid $U2
     cmd define --parent mtty --type mtty-2 --uuid $U3
     cmd start $U3'
[ "$(rc)" = 1 ] && grep -q "no free instance of mdev type 'mtty-2' on parent 'mtty'" "$W/err" &&
    ! grep -qx "$U3" "$W/devs"
verdict "start of a defined device on a full type fails"

# --- libvirt node-device XML ----------------------------------------------------

cat > "$W/ap.xml" <<XML
<device>
  <name>mdev_${U1}_matrix</name>
  <parent>ap_matrix</parent>
  <capability type='mdev'>
    <type id='vfio_ap-passthrough'/>
    <uuid>$U1</uuid>
    <attr name='assign_adapter' value='0x09'/>
    <attr name='assign_domain' value='0x0001'/>
  </capability>
</device>
XML
cat > "$W/mtty.xml" <<XML
<device>
  <parent>pci_0000_41_00_4</parent>
  <capability type='mdev'>
    <type id='nvidia-558'/>
  </capability>
</device>
XML
sim 'cmd define --xml "$W/ap.xml"; cp "$W/rc" "$W/define.rc"
     cmd start $U1; cat /sys/bus/mdev/devices/$U1/assign_domain > "$W/attr"
     cmd create --xml - < "$W/mtty.xml"; cp "$W/out" "$W/uuid"'
[ "$(cat "$W/define.rc")" = 0 ] && [ "$(cat "$W/conf.list")" = "./matrix/$U1" ] &&
    grep -q '"assign_domain": "0x0001"' "$W/conf/matrix/$U1" && [ "$(cat "$W/attr")" = 0x0001 ] &&
    [ "$(rc)" = 0 ] && grep -qx "$(cat "$W/uuid")" "$W/devs" &&
    [ -e "$W/conf/matrix/$U1" ] && [ "$(wc -l < "$W/conf.list")" = 1 ]
verdict "define --xml and create --xml take a libvirt node-device document"

# --- malformed definitions -------------------------------------------------

for case in "empty:" "truncated:{\"mdev_type\": \"mtty-1\", \"sta" "notjson:mdev_type=mtty-1" \
            "nonstring:{\"mdev_type\": 42, \"start\": \"auto\"}" \
            "badattr:{\"mdev_type\": \"mtty-1\", \"start\": \"auto\", \"attrs\": [{\"a\": 1}]}"; do
    name=${case%%:*}
    body=${case#*:}
    printf '%s' "$body" > "$W/body"
    sim 'mkdir -p "$MDEVTOOL_CONF_DIR/mtty"; cp "$W/body" "$MDEVTOOL_CONF_DIR/mtty/$U1"
         cmd start $U1'
    check_failure "malformed definition '.*/mtty/$U1'" "./mtty/$U1"
    verdict "start of a $name definition names the file"
done

sim 'mkdir -p "$MDEVTOOL_CONF_DIR/mtty"; printf "{" > "$MDEVTOOL_CONF_DIR/mtty/$U1"
     cmd undefine $U1'
[ "$(rc)" = 0 ] && [ ! -s "$W/conf.list" ]
verdict "a malformed definition can be undefined"

# --- modify, autostart --------------------------------------------------------

sim 'cmd define --parent matrix --type vfio_ap-passthrough --uuid $U1 --attr assign_adapter=5
     cmd modify $U1 --attr assign_domain=0xab
     cmd modify $U1 --attr assign_adapter=4 --index 0
     cmd modify $U1 --del-attr --index 1
     cmd autostart $U1
     cp "$MDEVTOOL_CONF_DIR/matrix/$U1" "$W/def"'
cat > "$W/expected" <<'JSON'
{
  "mdev_type": "vfio_ap-passthrough",
  "start": "auto",
  "attrs": [
    {
      "assign_adapter": "4"
    },
    {
      "assign_domain": "0xab"
    }
  ]
}
JSON
printf '%s' "$(cat "$W/expected")" > "$W/expected.nonl"
[ "$(rc)" = 0 ] && cmp -s "$W/def" "$W/expected.nonl"
verdict "modify inserts and removes attributes at an index, autostart sets auto"

sim 'cmd define --parent mtty --type mtty-1 --uuid $U1 --auto; cp "$MDEVTOOL_CONF_DIR/mtty/$U1" "$W/before"
     cmd modify $U1 --del-attr --index 3; cmp -s "$MDEVTOOL_CONF_DIR/mtty/$U1" "$W/before" || echo changed >> "$W/err"'
check_failure "attribute index 3 is invalid" "./mtty/$U1"
verdict "modify with a bad index fails and changes nothing"

sim 'cmd define --parent mtty --type mtty-1 --uuid $U1 --auto; cmd autostart $U1 --disable'
[ "$(rc)" = 0 ] && grep -q '"start": "manual"' "$W/conf/mtty/$U1"
verdict "autostart --disable sets manual"
expect_failure "modify of an undefined device" 'cmd modify $U1 --auto' "mdev '$U1' is not defined" ""

# --- start-parent -------------------------------------------------------------

sim 'cmd define --parent mtty --type mtty-1 --uuid $U1 --auto
     cmd define --parent mtty --type mtty-2 --uuid $U2
     cmd define --parent mtty --type mtty-2 --uuid $U3 --auto
     cmd define --uuid $A --auto
     printf "{" > "$MDEVTOOL_CONF_DIR/mtty/44444444-4444-4444-8444-444444444444"
     cmd start-parent mtty; cp "$W/rc" "$W/first.rc"; cp "$W/err" "$W/first.err"
     cmd start-parent mtty'
[ "$(cat "$W/first.rc")" = 0 ] && [ "$(rc)" = 0 ] &&
    [ "$(devs)" = "$(printf '%s\n' "$A" "$U1" "$U3" | sort | tr '\n' ' ' | sed 's/ $//')" ] &&
    grep -q "warning: malformed definition '.*44444444-4444-4444-8444-444444444444'" "$W/first.err" &&
    [ "$(grep -c . "$W/first.err")" = 1 ]
verdict "start-parent starts the auto definitions, skips running ones and bad files; a second run is a no-op"

# udev sends "add" and then "change" for one parent: two runs at once
sim 'cmd define --parent mtty --type mtty-1 --uuid $U1 --auto
     cmd define --parent mtty --type mtty-2 --uuid $U2 --auto
     cmd define --parent matrix --type vfio_ap-passthrough --uuid $U3 --auto
     ( "$T" start-parent mtty 2> "$W/p1.err"; echo $? > "$W/p1.rc" ) &
     ( "$T" start-parent mtty 2> "$W/p2.err"; echo $? > "$W/p2.rc" ) &
     wait'
if [ "$(cat "$W/p1.rc")" = 0 ] && [ "$(cat "$W/p2.rc")" = 0 ] && [ ! -s "$W/p1.err" ] && [ ! -s "$W/p2.err" ] &&
   [ "$(devs)" = "$(printf '%s\n' "$A" "$U1" "$U2" | sort | tr '\n' ' ' | sed 's/ $//')" ]; then
    ok "two start-parent runs at once start each device once, without errors"
else
    not_ok "two start-parent runs at once start each device once, without errors"
    sed 's/^/# /' "$W/p1.err" "$W/p2.err"
fi

sim 'cmd define --parent mtty --type mtty-2 --uuid $U1 --auto
     cmd define --parent mtty --type mtty-2 --uuid $U2 --auto
     cmd define --parent mtty --type mtty-2 --uuid $U3 --auto
     cmd start-parent mtty'
[ "$(rc)" = 1 ] && [ "$(wc -l < "$W/devs")" = 3 ] &&
    grep -q "cannot start mdev '$U3'" "$W/err" && grep -q "1 of 3 autostart mdevs of parent 'mtty' failed" "$W/err"
verdict "start-parent goes on after a failure and reports it"

sim 'cmd define --parent 0000:00:02.0 --type i915-GVTg_V5_4 --uuid $U1 --auto
     cmd start-parent 0000:00:02.0'
[ "$(rc)" = 0 ] && [ ! -s "$W/err" ] && [ "$(devs)" = "$A" ]
verdict "start-parent of a parent that is not registered yet does nothing"

# --verbose (the boot unit and the udev rule): the journal says what was
# started and which definitions were left alone, and why
sim 'cmd define --parent mtty --type mtty-1 --uuid $U1 --auto
     cmd define --parent mtty --type mtty-2 --uuid $U2
     cmd define --parent mtty --type mtty-2 --uuid $U3 --auto
     "$T" start $U1
     cmd --verbose start-parent mtty'
cat > "$W/want" <<WANT
mdevtool: parent 'mtty': started 1 mdev
mdevtool: parent 'mtty': skipped mdev '$U2': it does not start automatically
mdevtool: parent 'mtty': skipped mdev '$U1': it is already running
WANT
[ "$(rc)" = 0 ] && diff "$W/want" "$W/err" | sed 's/^/# /' && cmp -s "$W/want" "$W/err"
verdict "start-parent --verbose names what it started and what it skipped, and why"

sim 'cmd define --parent 0000:00:02.0 --type i915-GVTg_V5_4 --uuid $U1 --auto
     cmd --verbose start-parent 0000:00:02.0'
cat > "$W/want" <<WANT
mdevtool: parent '0000:00:02.0': started 0 mdevs
mdevtool: parent '0000:00:02.0': skipped mdev '$U1': the parent is not registered with the mdev core yet
WANT
[ "$(rc)" = 0 ] && diff "$W/want" "$W/err" | sed 's/^/# /' && cmp -s "$W/want" "$W/err"
verdict "start-parent --verbose says that an unregistered parent started nothing"

sim 'cmd define --parent mtty --type mtty-1 --uuid $U1 --auto
     cmd define --parent matrix --type vfio_ap-passthrough --uuid $U2 --auto
     cmd start-parent --all'
[ "$(rc)" = 0 ] && [ "$(devs)" = "$(printf '%s\n' "$A" "$U1" "$U2" | sort | tr '\n' ' ' | sed 's/ $//')" ]
verdict "start-parent --all starts the autostart mdevs of every parent"

# --- callouts ------------------------------------------------------------------

callout() { # name, body
    mkdir -p "$W/callouts"
    printf '#!/bin/sh\n%s\n' "$2" > "$W/callouts/$1"
    chmod 755 "$W/callouts/$1"
}
install_callouts='mkdir -p "$MDEVTOOL_LIB_DIR/scripts.d" && cp -r "$W/callouts" "$MDEVTOOL_LIB_DIR/scripts.d/"'

rm -rf "$W/callouts"
callout 50-veto '[ "$4" = pre ] && [ "$6" = start ] && exit 1; exit 0'
expect_failure "a callout that vetoes start" "$install_callouts; cmd create --parent mtty --type mtty-1" \
    "callout script '.*50-veto' failed the 'pre' event of 'start' with exit status 1" ""

rm -rf "$W/callouts"
callout 50-say '[ "$4" = pre ] && echo "no vGPU licence" >&2; exit 0'
sim "$install_callouts; cmd create --parent mtty --type mtty-1"
[ "$(rc)" = 0 ] && [ "$(cat "$W/err")" = "mdevtool: warning: 50-say: no vGPU licence" ]
verdict "a callout's stderr is shown as a warning"

rm -rf "$W/callouts"
callout 50-hang '[ "$6" = capabilities ] && exit 2; sleep 60'
expect_failure "a callout that hangs is killed after the timeout" \
    "$install_callouts; export MDEVTOOL_CALLOUT_TIMEOUT=1; cmd create --parent mtty --type mtty-1" \
    "did not finish within 1 seconds" ""

rm -rf "$W/callouts"
callout 50-json '[ "$4" = get ] && [ "$6" = attributes ] && { echo "[{\"a\": "; exit 0; }; exit 0'
expect_failure "a callout printing bad attribute JSON fails define" \
    "$install_callouts; cmd define --uuid \$A" "printed invalid attributes" ""

rm -rf "$W/callouts"
callout 50-json '[ "$4" = get ] && [ "$6" = attributes ] && { echo "[{\"x\": \"1\"}]"; exit 0; }; exit 0'
sim "$install_callouts; cmd define --uuid \$A"
[ "$(rc)" = 0 ] && grep -q '"x": "1"' "$W/conf/mtty/$A"
verdict "define of a running device stores the attributes from get-attributes"

rm -rf "$W/callouts"
callout 50-log 'echo "$*" >> "$W/calls"; exit 0'
rm -f "$W/calls"
sim "$install_callouts; cmd create --parent mtty --type mtty-1 --uuid \$U1"
[ "$(rc)" = 0 ] && grep -q "^-t mtty-1 -e pre -a start -s none -u $U1 -p mtty$" "$W/calls" &&
    grep -q "^-t mtty-1 -e post -a start -s success -u $U1 -p mtty$" "$W/calls"
verdict "callouts get mdevctl's arguments around start"

# --- what the kernel says ------------------------------------------------------
# Another tool that takes no lock (mdevctl, a vendor script) acts between
# mdevtool's check and its write: here a pre callout does it through the
# simulator, and the kernel's errno has to be explained.

rm -rf "$W/callouts"
callout 50-rival '[ "$4" = pre ] && [ "$6" = start ] && "$MDEVSIM_CTL" create mtty mtty-2 44444444-4444-4444-8444-444444444444 >/dev/null; exit 0'
sim "cmd create --parent mtty --type mtty-2; $install_callouts; cmd create --parent mtty --type mtty-2"
[ "$(rc)" = 1 ] && [ "$(lines err)" = 1 ] &&
    grep -q "parent 'mtty' has no room for another mdev of type 'mtty-2' (free instances when checked: 1, active: 1): No space left on device" "$W/err" &&
    [ "$(wc -l < "$W/devs")" = 3 ]
verdict "the kernel's ENOSPC is explained with parent, type and free instances"

rm -rf "$W/callouts"
callout 50-rival '[ "$4" = pre ] && [ "$6" = start ] && "$MDEVSIM_CTL" create matrix vfio_ap-passthrough "${10}" >/dev/null; exit 0'
sim "$install_callouts; cmd create --parent mtty --type mtty-1 --uuid \$U1"
[ "$(rc)" = 1 ] && [ "$(lines err)" = 1 ] &&
    grep -q "the kernel refused to create mdev '$U1' on parent 'mtty': an mdev with this UUID exists already (File exists)" "$W/err"
verdict "the kernel's EEXIST is explained"

# --- concurrency ------------------------------------------------------------------

sim 'i=0; while [ $i -lt 12 ]; do
         ( "$T" create --parent mtty --type mtty-2 > "$W/c$i.out" 2> "$W/c$i.err"; echo $? > "$W/c$i.rc" ) &
         i=$((i + 1))
     done; wait
     "$MDEVSIM_CTL" available mtty mtty-2 > "$W/avail"'
succeeded=$(cat "$W"/c*.rc | grep -cx 0)
full=$(cat "$W"/c*.err | grep -c "no free instance of mdev type 'mtty-2' on parent 'mtty'")
made=$(grep -cvx "$A" "$W/devs")
if [ "$succeeded" = 2 ] && [ "$full" = 10 ] && [ "$made" = 2 ] && [ "$(cat "$W/avail")" = 0 ]; then
    ok "12 parallel creates for 2 free instances: exactly 2 succeed, none leak"
else
    not_ok "12 parallel creates for 2 free instances: exactly 2 succeed, none leak ($succeeded ok, $full full, $made made)"
    cat "$W"/c*.err | sed 's/^/# /'
fi
rm -f "$W"/c*.out "$W"/c*.err "$W"/c*.rc

sim 'i=0; while [ $i -lt 8 ]; do
         ( "$T" create --type nvidia-558 --policy spread > /dev/null 2>&1; echo $? > "$W/c$i.rc" ) &
         i=$((i + 1))
     done; wait'
succeeded=$(cat "$W"/c*.rc | grep -cx 0)
if [ "$succeeded" = 3 ] && [ "$(grep -cvx "$A" "$W/devs")" = 3 ]; then
    ok "8 parallel placements for 3 free VFs: exactly 3 succeed"
else
    not_ok "8 parallel placements for 3 free VFs: exactly 3 succeed ($succeeded)"
fi
rm -f "$W"/c*.rc

# --- the lock file -----------------------------------------------------------------
# Another process holds the lock of one VF: creates there wait (and here give
# up after MDEVTOOL_LOCK_TIMEOUT), creates on other parents go ahead.

if command -v flock > /dev/null 2>&1; then
    # The holder keeps the lock until the creates are done, and they start
    # only once it holds it: no guessing how long either takes.
    rm -f "$W/held" "$W/release"
    sim 'mkdir -p "$MDEVTOOL_STATE_DIR"
         flock "$MDEVTOOL_STATE_DIR/parent-0000:41:00.5.lock" sh -c "touch \"\$W/held\"
             while [ ! -e \"\$W/release\" ]; do sleep 0.05; done" &
         i=0
         while [ ! -e "$W/held" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
         [ -e "$W/held" ] || echo "flock did not take the lock within 60 s" >&2
         export MDEVTOOL_LOCK_TIMEOUT=1
         cmd create --parent 0000:41:00.4 --type nvidia-558; cp "$W/rc" "$W/other.rc"
         cmd create --type nvidia-559
         touch "$W/release"
         wait'
    [ "$(cat "$W/other.rc")" = 0 ] && [ "$(rc)" = 1 ] && [ "$(lines err)" = 1 ] &&
        grep -q "parent '0000:41:00.5' is locked by another process" "$W/err" &&
        [ "$(wc -l < "$W/devs")" = 2 ]
    verdict "a held parent lock blocks placement across it but not other parents"
else
    skip "flock(1) is not installed"
fi

# --- crash safety of define and modify ----------------------------------------------

mkdir -p "$W/crash"
export MDEVTOOL_CONF_DIR="$W/crash" MDEVTOOL_STATE_DIR="$W/crash-state"
"$T" define --parent mtty --type mtty-1 --uuid "$U1" 2>/dev/null
whole=1
i=0
while [ $i -lt 80 ]; do
    case $((i % 4)) in
    0) "$T" modify "$U1" --attr "name_$i=a value that makes the file longer" 2>/dev/null & ;;
    1) "$T" modify "$U1" --del-attr 2>/dev/null & ;;
    2) "$T" define --parent mtty --type mtty-2 --uuid "$U2" --attr "a=$i" 2>/dev/null & ;;
    3) "$T" undefine "$U2" 2>/dev/null & ;;
    esac
    pid=$!
    sleep "0.00$((i % 10))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    for f in "$W/crash/mtty/$U1" "$W/crash/mtty/$U2"; do
        [ -e "$f" ] || continue
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d["mdev_type"], str)' "$f" 2>/dev/null || whole=0
    done
    [ -e "$W/crash/mtty/$U1" ] || whole=0
    i=$((i + 1))
done
unset MDEVTOOL_CONF_DIR MDEVTOOL_STATE_DIR
[ $whole = 1 ]
verdict "define and modify killed at random moments leave every definition whole"

tap_end
