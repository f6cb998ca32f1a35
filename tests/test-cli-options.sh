#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Global options after the command: "mdevtool list --json" must do what
# "mdevtool --json list" does, on the simulated kernel. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

SIM_NAME=cli-options
. "$G_TEST_SRCDIR/sim-lib.sh"

# Runs the commands of $2 (one "NAME|ARGS A|ARGS B" a line: both argument
# lists must give the same stdout, stderr and exit status, which for ARGS A
# is also written to $W/<n>.a) on the simulated host $1.
cat > "$W/same.sh" <<'SAME'
set -u
n=0
while IFS='|' read -r name a b; do
    n=$((n + 1))
    eval "\"\$MDEVTOOL\" $a" > "$W/$n.a" 2> "$W/$n.a.err"; echo $? >> "$W/$n.a.err"
    eval "\"\$MDEVTOOL\" $b" > "$W/$n.b" 2> "$W/$n.b.err"; echo $? >> "$W/$n.b.err"
    if cmp -s "$W/$n.a" "$W/$n.b" && cmp -s "$W/$n.a.err" "$W/$n.b.err"; then
        echo "PASS $name"
    else
        echo "FAIL $name"
        diff "$W/$n.a" "$W/$n.b" | sed 's/^/# /'
        diff "$W/$n.a.err" "$W/$n.b.err" | sed 's/^/# /'
    fi
done < "$W/cases"
SAME

: > "$W/results"
run() {
    printf '%s\n' "$2" > "$W/cases"
    W="$W" MDEVTOOL="$MDEVTOOL" "$MDEVSIM" --host "$1" -- sh "$W/same.sh" >> "$W/results" 2>&1
}

run intel-gvtg.json 'list --json is --json list|--json list|list --json
list --all --json is --json list --all|--json list --all|list --all --json
list --json --all is --json list --all|--json list --all|list --json --all
parents -p P --json|--json parents -p 0000:00:02.0|parents -p 0000:00:02.0 --json
types --json between options|--json types --parent 0000:00:02.0|types --json --parent 0000:00:02.0
doctor TYPE --json|--json doctor i915-GVTg_V5_4|doctor i915-GVTg_V5_4 --json
list -c URI|-c qemu:///system list|list -c qemu:///system
list --connect URI|--connect qemu:///system list|list --connect qemu:///system
list --connect=URI|--connect=qemu:///system list|list --connect=qemu:///system
text stays text without --json|list|list -c qemu:///system'

# the outputs compared above were not empty or alike by accident
if grep -q '"uuid" : "4b20d080-1b54-4048-85b3-a6a62d165c01"' "$W/1.a" 2> /dev/null; then
    echo "PASS list --json printed the devices as JSON" >> "$W/results"
else
    echo "FAIL list --json printed the devices as JSON" >> "$W/results"
fi

# "NAME|ARGS|STATUS|FIRST LINE OF STDERR" a line
cat > "$W/expect.sh" <<'EXPECT'
set -u
while IFS='|' read -r name args status line; do
    eval "\"\$MDEVTOOL\" $args" > "$W/out" 2> "$W/err"
    got=$?
    first=$(head -n 1 "$W/err")
    if [ "$got" = "$status" ] && [ "$first" = "$line" ] && [ ! -s "$W/out" ]; then
        echo "PASS $name"
    else
        echo "FAIL $name"
        echo "# exit $got (expected $status), stderr: $first"
    fi
done < "$W/cases"
EXPECT
printf '%s\n' \
    "after --, --json is the command's|doctor -- --json|1|mdevtool: error: no parent, device or mdev type named '--json' on this host" \
    "-c without a URI|list -c|2|mdevtool: missing URI after '-c'" \
    "--connect without a URI|list --connect|2|mdevtool: missing URI after '--connect'" \
    "an unknown option stays unknown|list --bogus|2|mdevtool: Unknown option --bogus" \
    > "$W/cases"
W="$W" MDEVTOOL="$MDEVTOOL" "$MDEVSIM" --host samples.json -- sh "$W/expect.sh" \
    >> "$W/results" 2>&1

tap_from_results "$W/results"
