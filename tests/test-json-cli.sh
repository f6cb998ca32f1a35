#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Hostile JSON through the command line, on the simulated kernel
# (tests/mdevsim): a definition nested 100 000 deep, one with a lone UTF-16
# surrogate and --jsonfile documents like them. Each is reported and
# refused; the good definitions beside them keep working. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/data/lifecycle/host.json"
SIM_NAME=json-cli
SIM_SHOW="out err rc devs conf.list log"
. "$G_TEST_SRCDIR/sim-lib.sh"

DEEP=11111111-1111-4111-8111-111111111111
GOOD=22222222-2222-4222-8222-222222222222
LONE=33333333-3333-4333-8333-333333333333
NEW=44444444-4444-4444-8444-444444444444
export DEEP GOOD LONE NEW

# 100 000 nested arrays: about 100 KB, well under the store's size cap
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; }' > "$W/deep.json"
printf '{"mdev_type":"mtty-2","start":"auto","attrs":[{"a":"\\ud800x"}]}' > "$W/lone.json"
printf '{\n  "mdev_type": "mtty-2",\n  "start": "auto",\n  "attrs": []\n}' > "$W/good.json"
ln -s "$MDEVTOOL" "$W/mdevctl"

# Runs the script $1 on a fresh simulated host whose store holds the deep,
# the lone-surrogate and a good autostart definition of mtty. The script's
# last command leaves rc, out and err in $W.
sim() {
    rm -rf "$W/conf" "$W/lib" "$W/out" "$W/err" "$W/rc" "$W/devs" "$W/conf.list" "$W/log"
    mkdir -p "$W/conf/mtty" "$W/lib/scripts.d/callouts" "$W/lib/scripts.d/notifiers"
    cp "$W/deep.json" "$W/conf/mtty/$DEEP"
    cp "$W/lone.json" "$W/conf/mtty/$LONE"
    cp "$W/good.json" "$W/conf/mtty/$GOOD"
    cat > "$W/scenario.sh" <<SCENARIO
set -u
cmd() { "\$@" > "\$W/out" 2> "\$W/err"; echo \$? > "\$W/rc"; }
$1
ls /sys/bus/mdev/devices > "\$W/devs"
( cd "\$MDEVTOOL_CONF_DIR" && find . -type f | sort ) > "\$W/conf.list"
SCENARIO
    MDEVTOOL_LIB_DIR="$W/lib" "$MDEVSIM" --host "$HOST" --conf-dir "$W/conf" -- \
        sh "$W/scenario.sh" > "$W/log" 2>&1
}

rc() { cat "$W/rc"; }
store() { tr '\n' ' ' < "$W/conf.list" | sed 's/ $//'; }
ALL="./mtty/$DEEP ./mtty/$GOOD ./mtty/$LONE"
# both bad files named on stderr, each with what is wrong with it
both_reported() {
    grep -q "mtty/$DEEP'.*nested deeper than 128 levels" "$W/err" &&
        grep -q "mtty/$LONE'.*high surrogate without a low one" "$W/err"
}

echo "# simulated host: $HOST"

sim 'cmd "$T" list --defined'
[ "$(rc)" = 0 ] && grep -q "^$GOOD  mtty " "$W/out" && ! grep -q "$DEEP\|$LONE" "$W/out" &&
    both_reported && [ "$(store)" = "$ALL" ]
verdict "list --defined shows the good definition and reports the bad ones"

sim 'cmd "$W/mdevctl" list -d --dumpjson'
[ "$(rc)" = 0 ] && grep -q "\"$GOOD\": {" "$W/out" && ! grep -q "$DEEP\|$LONE" "$W/out" &&
    both_reported
verdict "mdevctl list -d --dumpjson, which libvirt polls, keeps working"

sim 'cmd "$T" start-parent mtty'
[ "$(rc)" = 0 ] && grep -qx "$GOOD" "$W/devs" && ! grep -q "$DEEP\|$LONE" "$W/devs" &&
    both_reported
verdict "start-parent starts the good autostart definition beside the bad ones"

sim 'cmd "$W/mdevctl" start-parent-mdevs mtty'
[ "$(rc)" = 0 ] && grep -qx "$GOOD" "$W/devs"
verdict "mdevctl start-parent-mdevs does not crash on them"

sim 'cmd "$T" undefine $DEEP'
[ "$(rc)" = 0 ] && [ "$(store)" = "./mtty/$GOOD ./mtty/$LONE" ]
verdict "undefine removes the deeply nested definition"

sim 'cmd "$T" undefine $LONE'
[ "$(rc)" = 0 ] && [ "$(store)" = "./mtty/$DEEP ./mtty/$GOOD" ]
verdict "undefine removes the definition with a lone surrogate"

sim 'cmd "$W/mdevctl" undefine -u '"$DEEP"
[ "$(rc)" = 0 ] && [ "$(store)" = "./mtty/$GOOD ./mtty/$LONE" ]
verdict "mdevctl undefine removes the deeply nested definition"

for doc in deep lone; do
    sim "cmd \"\$W/mdevctl\" define -u \$NEW -p mtty --jsonfile \"\$W/$doc.json\""
    [ "$(rc)" = 1 ] && grep -q "not valid JSON" "$W/err" && [ "$(store)" = "$ALL" ]
    verdict "mdevctl define --jsonfile refuses the $doc document and stores nothing"

    sim "cmd \"\$W/mdevctl\" start -u \$NEW -p mtty --jsonfile \"\$W/$doc.json\""
    [ "$(rc)" = 1 ] && grep -q "not valid JSON" "$W/err" && ! grep -qx "$NEW" "$W/devs"
    verdict "mdevctl start --jsonfile refuses the $doc document and starts nothing"
done

tap_end
