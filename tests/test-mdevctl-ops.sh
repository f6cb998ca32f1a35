#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The mdevctl front end's changes go through the library's operations, under
# the parent's lock, on the simulated kernel (tests/mdevsim): concurrent
# modifies lose nothing, a start waits for a modify and starts what it
# wrote, define of a running device asks the callouts for its attributes,
# and modify --type resolves and checks the type. The same for the native
# CLI where it has the command. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/mdevctl-compat/host.json"
SIM_NAME=mdevctl-ops
SIM_SHOW="out err log calls"
. "$G_TEST_SRCDIR/sim-lib.sh"
export M="$W/bin/mdevctl"

U2=22222222-2222-4222-8222-222222222222
U4=44444444-4444-4444-8444-444444444444
U5=55555555-5555-4555-8555-555555555555
export U2 U4 U5

# Runs the script $1 on a fresh simulated host with the callouts of
# $W/callouts (sim_run).
sim() {
    rm -rf "$W/lib" "$W/calls" "$W/flags"
    mkdir -p "$W/lib/scripts.d/callouts" "$W/lib/scripts.d/notifiers" "$W/flags"
    [ -d "$W/callouts" ] && cp "$W/callouts/"* "$W/lib/scripts.d/callouts/"
    sim_run "$1"
}

callout() { # name, body
    mkdir -p "$W/callouts"
    printf '#!/bin/sh\ncat >/dev/null\n%s\n' "$2" > "$W/callouts/$1"
    chmod 755 "$W/callouts/$1"
}

rc() { cat "$W/rc"; }

# --- concurrent modifies ---------------------------------------------------

# Each adds its own attribute; every one must survive.
concurrent_modifies() { # the command, with N for the number
    rm -rf "$W/callouts"
    sim "pids=
         for i in \$(seq 1 20); do
             $1 > \"\$W/flags/out.\$i\" 2>&1 &
             pids=\"\$pids \$!\"
         done
         status=0
         for p in \$pids; do wait \$p || status=1; done
         echo \$status > \"\$W/rc\"
         cat \"\$W/flags\"/out.* > \"\$W/err\"
         cp \"\$MDEVTOOL_CONF_DIR/mtty/\$U2\" \"\$W/out\""
    kept=$(grep -c '"a[0-9]*": "v[0-9]*"' "$W/out")
    echo "# $kept of 20 attributes kept"
    [ "$(rc)" = 0 ] && [ "$kept" = 20 ] && grep -q '"first": "1"' "$W/out"
}

concurrent_modifies '"$M" modify -u $U2 --addattr=a$i --value=v$i'
verdict "20 concurrent mdevctl modify --addattr keep all 20 attributes"

concurrent_modifies '"$T" modify $U2 --attr=a$i=v$i'
verdict "20 concurrent mdevtool modify --add-attr keep all 20 attributes"

# --- start racing modify --type ------------------------------------------

# The modify's pre callout holds the parent's lock until the start has been
# launched; the start must wait and then start the type the modify wrote.
# U4 is defined first, without attributes (mtty-2 has none of mtty-1's).
rm -rf "$W/callouts"
callout 50-hold '[ "$4" = pre ] && [ "$6" = modify ] && {
    cp "$MDEVTOOL_STATE_DIR/parent-mtty.lock" "$W/flags/record"
    touch "$W/flags/holding"
    while [ ! -e "$W/flags/go" ]; do sleep 0.05; done
}
[ "$6" = capabilities ] && exit 2
exit 0'
race() { # start command
    sim "\"\$M\" define -u \$U4 -p mtty -t mtty-1 --auto
         \"\$M\" modify -u \$U4 -t mtty-2 > \"\$W/flags/modify.out\" 2>&1 &
         mpid=\$!
         while [ ! -e \"\$W/flags/holding\" ]; do sleep 0.05; done
         $1 > \"\$W/out\" 2> \"\$W/err\" &
         spid=\$!
         sleep 0.5
         touch \"\$W/flags/go\"
         wait \$mpid; echo \$? > \"\$W/flags/modify.rc\"
         wait \$spid; echo \$? > \"\$W/rc\"
         basename \"\$(readlink /sys/bus/mdev/devices/\$U4/mdev_type)\" > \"\$W/flags/type\"
         \"\$M\" list -u \$U4 > \"\$W/flags/list\""
    echo "# started type: $(cat "$W/flags/type")"
    [ "$(rc)" = 0 ] && [ "$(cat "$W/flags/modify.rc")" = 0 ] &&
        [ "$(cat "$W/flags/type")" = mtty-2 ]
}
race '"$M" start -u $U4'
verdict "mdevctl start waits for a modify --type and starts the new type"
grep -q "^$U4 mtty mtty-2 auto (defined)\$" "$W/flags/list"
verdict "the started device is listed with the defined type"
grep -q '^[0-9][0-9]* mdevctl modify$' "$W/flags/record"
verdict "the lock file names the mdevctl command that holds it"

race '"$T" start $U4'
verdict "mdevtool start waits for a modify --type and starts the new type"

# --- define of a running device ---------------------------------------------

rm -rf "$W/callouts"
callout 50-attrs 'echo "$*" >> "$W/calls"
[ "$4" = get ] && [ "$6" = attributes ] && { echo "[{\"assign_adapter\":\"5\"}]"; exit 0; }
exit 2'
sim 'cmd "$M" define -u $U5; cp "$MDEVTOOL_CONF_DIR/mtty/$U5" "$W/flags/def"'
[ "$(rc)" = 0 ] && grep -q '"assign_adapter": "5"' "$W/flags/def" &&
    grep -q "^-t mtty-2 -e get -a attributes -s none -u $U5 -p mtty\$" "$W/calls"
verdict "mdevctl define -u RUNNING stores the attributes the callout reports"

sim 'cmd "$M" define -u $U5 -p 0000:00:02.0 -t i915-GVTg_V5_4
     cp "$MDEVTOOL_CONF_DIR/0000:00:02.0/$U5" "$W/flags/def"'
[ "$(rc)" = 0 ] && grep -q '"assign_adapter": "5"' "$W/flags/def"
verdict "mdevctl define -u RUNNING -p OTHER -t T asks the callout too"

# pre sees the definition without the attributes (current mdevctl asks
# inside the primary action), so get comes after pre
sim 'cmd "$M" define -u $U5'
order=$(grep -e '-e pre -a define' -e '-e get -a attributes' "$W/calls" | cut -d' ' -f4 | tr '\n' ' ')
[ "$(rc)" = 0 ] && [ "$order" = "pre get " ]
verdict "mdevctl define asks for the attributes after the pre callout"

sim 'cmd "$T" define -u $U5 -p mtty; cp "$MDEVTOOL_CONF_DIR/mtty/$U5" "$W/flags/def"'
[ "$(rc)" = 0 ] && grep -q '"assign_adapter": "5"' "$W/flags/def"
verdict "mdevtool define -u RUNNING stores the attributes the callout reports"

rm -rf "$W/callouts"
callout 50-fail '[ "$4" = get ] && [ "$6" = attributes ] && exit 1
[ "$6" = capabilities ] && exit 2
exit 0'
sim 'cmd "$M" define -u $U5'
[ "$(rc)" = 1 ] && [ ! -e "$W/conf/mtty/$U5" ] &&
    grep -q "^Error: Script '\"$W/lib/scripts.d/callouts/50-fail\"' failed with status '1'" "$W/err"
verdict "a failing get-attributes callout fails mdevctl define and stores nothing"

# --- modify --type -----------------------------------------------------------

rm -rf "$W/callouts"
sim 'cmd "$M" modify -u $U2 -t "Dual port serial"; cp "$MDEVTOOL_CONF_DIR/mtty/$U2" "$W/flags/def"'
[ "$(rc)" = 0 ] && grep -q '"mdev_type": "mtty-2"' "$W/flags/def"
verdict "mdevctl modify --type takes a type name and stores its id"

sim 'cmd "$M" modify -u $U2 -t mtty-9; cp "$MDEVTOOL_CONF_DIR/mtty/$U2" "$W/flags/def"'
[ "$(rc)" = 1 ] && grep -q '"mdev_type": "mtty-1"' "$W/flags/def" &&
    grep -q "^Error: .*'mtty-9'.*mtty-1 (Single port serial), mtty-2 (Dual port serial)" "$W/err"
verdict "mdevctl modify --type refuses an unknown type with the parent's types"

sim 'cmd "$T" modify $U2 --type "Dual port serial"; cp "$MDEVTOOL_CONF_DIR/mtty/$U2" "$W/flags/def"'
[ "$(rc)" = 0 ] && grep -q '"mdev_type": "mtty-2"' "$W/flags/def"
verdict "mdevtool modify --type takes a type name and stores its id"

sim 'cmd "$T" modify $U2 --type mtty-9; cp "$MDEVTOOL_CONF_DIR/mtty/$U2" "$W/flags/def"'
[ "$(rc)" = 1 ] && grep -q '"mdev_type": "mtty-1"' "$W/flags/def" &&
    grep -q "^mdevtool: error: parent 'mtty' has no mdev type with the id or name 'mtty-9'; its types are: mtty-1 (Single port serial), mtty-2 (Dual port serial)\$" "$W/err"
verdict "mdevtool modify --type refuses an unknown type with the parent's types"

# --- --jsonfile with a NUL byte ----------------------------------------------

# What precedes the NUL is a whole definition: cutting the text there would
# act on it silently.
rm -rf "$W/callouts"
printf '{"mdev_type":"mtty-2","start":"auto","attrs":[]}\000{"mdev_type":"mtty-1"}' > "$W/nul.json"
sim 'cmd "$M" define -p mtty -u $U4 --jsonfile "$W/nul.json"
     [ -e "$MDEVTOOL_CONF_DIR/mtty/$U4" ] && echo stored >> "$W/err"'
[ "$(rc)" = 1 ] && grep -q "^Error: file \"$W/nul.json\" contains a NUL byte\$" "$W/err" &&
    ! grep -q stored "$W/err"
verdict "mdevctl define --jsonfile refuses a NUL byte and stores nothing"

sim 'cmd "$M" start -p mtty -u $U4 --jsonfile "$W/nul.json"
     [ -e /sys/bus/mdev/devices/$U4 ] && echo started >> "$W/err"'
[ "$(rc)" = 1 ] && grep -q "^Error: jsonfile \"$W/nul.json\" contains a NUL byte\$" "$W/err" &&
    ! grep -q started "$W/err"
verdict "mdevctl start --jsonfile refuses a NUL byte and starts nothing"

sim 'cp "$MDEVTOOL_CONF_DIR/mtty/$U2" "$W/flags/before"
     cmd "$M" modify -p mtty -u $U2 --jsonfile "$W/nul.json"
     cmp -s "$MDEVTOOL_CONF_DIR/mtty/$U2" "$W/flags/before" || echo changed >> "$W/err"'
[ "$(rc)" = 1 ] && grep -q "^Error: file \"$W/nul.json\" contains a NUL byte\$" "$W/err" &&
    ! grep -q changed "$W/err"
verdict "mdevctl modify --jsonfile refuses a NUL byte and keeps the definition"

tap_end
