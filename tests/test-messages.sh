#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# No line twice: the failing and warning paths of every command, native and
# through the mdevctl front end, on the simulated kernel (tests/mdevsim),
# with a malformed definition, a definition for an absent parent, a callout
# script that vetoes and a parent without capacity. No line of a command's
# standard error may repeat, nor repeat a line of its standard output.
# TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/data/lifecycle/host.json"
SIM_NAME=messages
. "$G_TEST_SRCDIR/sim-lib.sh"

U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
U9=99999999-9999-4999-8999-999999999999
BAD=44444444-4444-4444-8444-444444444444
ABSENT=55555555-5555-4555-8555-555555555555
export U1 U2 U3 U9 BAD ABSENT

# Each line: the program ($T or $M) and its arguments. The results are
# "PASS NAME" or "FAIL NAME" lines, with the repeated lines as diagnostics.
cat > "$W/commands" <<'COMMANDS'
T list --all
T list --defined
T --json list --all
T dumpxml mtty
T dumpxml U9
T hostdev U9
T start U9
T stop U9
T undefine U9
T modify U9 --auto
T autostart U9
T create -t nosuch
T create -t mtty-1 -p nosuch
T create -t mtty-1 -p mtty --attr no_such_attr=1
T define -t nosuch
T define -t mtty-2 -p mtty -u U1
T start U1
T start ABSENT
T start-parent mtty
T start-parent --all
T --verbose start-parent --all
T --json start-parent --all
T doctor nothing-by-this-name
M list
M list -d
M list -d --dumpjson
M start -u U9
M stop -u U9
M undefine -u U9
M modify -u U9 --auto
M start -u U1
M start-parent-mdevs mtty
M define -u U1 -p mtty -t mtty-2
VETO T create -t mtty-1 -p mtty
VETO T define -t mtty-1 -p mtty
VETO T stop U1
VETO T undefine U2
VETO M start -p mtty -t mtty-1
VETO M define -p mtty -t mtty-1
VETO M stop -u U1
VETO M undefine -u U2
VETO M modify -u U3 --manual
COMMANDS

cat > "$W/run.sh" <<'RUN'
set -u
M="$W/bin/mdevctl"
conf=$MDEVTOOL_CONF_DIR
# three autostart definitions of a type mtty has room for two of, two of
# them running; a malformed one; one for a parent that is not there
for u in $U1 $U2 $U3; do "$T" define -u $u -p mtty -t mtty-2 --auto; done
"$T" start $U1
"$T" start $U2
printf '{' > "$conf/mtty/$BAD"
mkdir -p "$conf/nosuch"
printf '{"mdev_type": "x", "start": "auto", "attrs": []}' > "$conf/nosuch/$ABSENT"
mkdir -p "$W/lib/scripts.d/callouts"
cat > "$W/veto" <<'VETO'
#!/bin/sh
cat > /dev/null
[ "$4" = pre ] && { echo "no, says the callout" >&2; exit 1; }
exit 0
VETO
chmod 755 "$W/veto"
while read -r line; do
    rm -f "$W/lib/scripts.d/callouts/50-veto"
    case $line in VETO*) cp "$W/veto" "$W/lib/scripts.d/callouts/50-veto"; line=${line#VETO } ;; esac
    args=$(echo "$line" | sed "s/U1/$U1/g; s/U2/$U2/g; s/U3/$U3/g; s/U9/$U9/g; s/ABSENT/$ABSENT/g")
    prog=$T; [ "${args%% *}" = M ] && prog=$M
    # shellcheck disable=SC2086 # the arguments are words
    "$prog" ${args#* } > "$W/out" 2> "$W/err"
    sort "$W/err" | uniq -d > "$W/twice"
    # a stderr line that repeats a stdout line (an error also printed as output)
    sort -u "$W/err" | grep -Fxf - "$W/out" >> "$W/twice"
    if [ -s "$W/twice" ]; then
        echo "FAIL no line twice: $line"
        sed 's/^/# twice: /' "$W/twice"
    elif [ ! -s "$W/err" ]; then
        echo "FAIL no line twice: $line (it printed nothing on stderr: not a failing path)"
    else
        echo "PASS no line twice: $line"
    fi
    # put back what a command changed, for the next one
    printf '{' > "$conf/mtty/$BAD"
done < "$W/commands"
RUN
MDEVTOOL_LIB_DIR="$W/lib" W="$W" "$MDEVSIM" --host "$HOST" --conf-dir "$W/conf" -- sh "$W/run.sh" \
    > "$W/results" 2>&1
tap_from_results "$W/results"
