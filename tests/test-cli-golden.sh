#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The --json output of the commands that change a host, and of doctor, gc
# and the XML wrappers, byte for byte against tests/data/cli/changes-json.txt,
# on the simulated kernel (tests/mdevsim): stdout, stderr (error, warning and
# note lines) and the exit status of each command, run one after another.
# MDEV_TEST_REGENERATE_OUTPUT=1 rewrites the golden file. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

HOST="$G_TEST_SRCDIR/data/lifecycle/host.json"
GOLDEN="$G_TEST_SRCDIR/data/cli/changes-json.txt"
SIM_NAME=cli-golden
SIM_SHOW=""
. "$G_TEST_SRCDIR/sim-lib.sh"

# One command a line, run in order on one host; U1.. stand for fixed UUIDs.
cat > "$W/commands" <<'COMMANDS'
--json create -t mtty-1 -p mtty -u U1
--json create -t mbochs-small -u U2
--json define -u U1 --auto
--json stop U1
--json start U1
--json modify --manual U1
--json autostart U1
--json start-parent mtty
--json stop U1
--json start-parent --all
--json dumpxml U1
--json dumpxml mtty
--json hostdev U1
--json undefine U1
--json define -t mtty-2 -u U3
--json -v stop U2
--json list --defined
--json doctor
--json gc --no-libvirt --dry-run
--json -q create -t mtty-1 -u U4
--json stop U9
--json create -t no"such
--json start
COMMANDS

cat > "$W/run.sh" <<'RUN'
set -u
conf=$MDEVTOOL_CONF_DIR
# a definition with a type name that is no name: a warning line, quotes
# escaped, on the commands that read the store
mkdir -p "$conf/mtty"
printf '{"mdev_type": "mt/\\"ty", "start": "auto", "attrs": []}' \
    > "$conf/mtty/55555555-5555-4555-8555-555555555555"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    args=$(printf '%s\n' "$line" | sed "s/U\([1-9]\)/\1\1\1\1\1\1\1\1-\1\1\1\1-4\1\1\1-8\1\1\1-\1\1\1\1\1\1\1\1\1\1\1\1/g")
    # shellcheck disable=SC2086 # the arguments are words
    "$T" $args > "$W/out" 2> "$W/err"
    rc=$?
    {
        printf '$ mdevtool %s\n' "$args"
        echo "--- stdout"; cat "$W/out"
        echo "--- stderr"; cat "$W/err"
        echo "--- exit $rc"
    } | sed "s|$conf|\$MDEVTOOL_CONF_DIR|g" > "$W/got.$n"
done < "$W/commands"
RUN
"$MDEVSIM" --host "$HOST" --conf-dir "$W/conf" -- sh "$W/run.sh" > "$W/log" 2>&1 ||
    sed 's/^/# mdevsim: /' "$W/log"

count=$(wc -l < "$W/commands")
if [ "${MDEV_TEST_REGENERATE_OUTPUT:-}" = 1 ]; then
    i=1
    : > "$GOLDEN"
    while [ $i -le "$count" ]; do cat "$W/got.$i" >> "$GOLDEN"; i=$((i + 1)); done
fi
# the golden file, one piece per command
awk -v dir="$W" '/^\$ mdevtool / { n++ } { print > (dir "/want." n) }' "$GOLDEN"

i=1
while [ $i -le "$count" ]; do
    name="$(sed -n "${i}p" "$W/commands")"
    if [ -f "$W/got.$i" ] && [ -f "$W/want.$i" ] && cmp -s "$W/want.$i" "$W/got.$i"; then
        ok "$name"
    else
        not_ok "$name"
        [ -f "$W/want.$i" ] && [ -f "$W/got.$i" ] &&
            diff -u "$W/want.$i" "$W/got.$i" | sed 's/^/# /'
    fi
    i=$((i + 1))
done
[ -f "$W/want.$((count + 1))" ] && not_ok "the golden file has more commands than the test"
tap_end
