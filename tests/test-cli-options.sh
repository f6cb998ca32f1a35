#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Global options after the command: "mdevtool list --json" must do what
# "mdevtool --json list" does, on the simulated kernel; the one option
# vocabulary: --uuid/-u where a positional UUID is taken, libvirt's
# node-device names where a kernel name is, -A for --all; the line that
# names a lock's holder. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

SIM_NAME=cli-options
. "$G_TEST_SRCDIR/sim-lib.sh"

# Runs the commands of $2 (one "NAME|ARGS A|ARGS B" a line: both argument
# lists must give the same stdout, stderr and exit status, which for ARGS A
# is also written to $W/<n>.a) on the simulated host $1. With SUCCESS=1
# that status must be 0 and stdout not empty, so that two failures do not
# pass as alike.
cat > "$W/same.sh" <<'SAME'
set -u
n=0
while IFS='|' read -r name a b; do
    n=$((n + 1))
    eval "\"\$MDEVTOOL\" $a" > "$W/$n.a" 2> "$W/$n.a.err"; echo $? >> "$W/$n.a.err"
    eval "\"\$MDEVTOOL\" $b" > "$W/$n.b" 2> "$W/$n.b.err"; echo $? >> "$W/$n.b.err"
    if [ "${SUCCESS:-0}" = 1 ] && { [ "$(tail -n 1 "$W/$n.a.err")" != 0 ] || [ ! -s "$W/$n.a" ]; }; then
        echo "FAIL $name"
        sed 's/^/# /' "$W/$n.a.err"
    elif cmp -s "$W/$n.a" "$W/$n.b" && cmp -s "$W/$n.a.err" "$W/$n.b.err"; then
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
    W="$W" MDEVTOOL="$MDEVTOOL" SUCCESS="${SUCCESS:-0}" "$MDEVSIM" --host "$1" -- \
        sh "$W/same.sh" >> "$W/results" 2>&1
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
text stays text without --json|list|list --'

# the outputs compared above were not empty or alike by accident
if grep -q '"uuid" : "4b20d080-1b54-4048-85b3-a6a62d165c01"' "$W/1.a" 2> /dev/null; then
    echo "PASS list --json printed the devices as JSON" >> "$W/results"
else
    echo "FAIL list --json printed the devices as JSON" >> "$W/results"
fi

# one vocabulary: each pair names the same thing two ways
A=aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
A_=aaaaaaaa_aaaa_4aaa_8aaa_aaaaaaaaaaaa
LIFECYCLE=$G_TEST_SRCDIR/data/lifecycle/host.json
# the command list is built only for help: every way of asking shows it
SUCCESS=1 run intel-gvtg.json '-h is --help|-h|--help
-? is --help|-?|--help
-qh is --help|-qh|--help
-c URI --help is --help|-c qemu:///system --help|--help
-vc URI -h is --help|-vc qemu:///system -h|--help
--connect URI -? is --help|--connect qemu:///system -?|--help'
for args in "--help" "-qh" "-c qemu:///system -?" "--help-all"; do
    # shellcheck disable=SC2086
    if "$MDEVSIM" --host intel-gvtg.json -- "$MDEVTOOL" $args 2> /dev/null |
        grep -q '^  list  *List'; then
        echo "PASS mdevtool $args lists the commands" >> "$W/results"
    else
        echo "FAIL mdevtool $args lists the commands" >> "$W/results"
    fi
done

SUCCESS=1 run "$LIFECYCLE" "dumpxml -u UUID|dumpxml -u $A|dumpxml $A
hostdev -u UUID|hostdev -u $A|hostdev $A
hostdev mdev_UUID_PARENT|hostdev mdev_${A_}_mtty|hostdev $A
hostdev mdev_UUID|hostdev mdev_${A_}|hostdev $A
list -u mdev_UUID_PARENT|list -u mdev_${A_}_mtty|list -u $A
list -A|list -A|list --all
list -a, the older spelling|list -a|list --all
list -p generic node-device name|list -p mtty_mtty|list -p mtty
types -p pci_…|types -p pci_0000_41_00_4|types -p 0000:41:00.4
types -p ap_matrix|types -p ap_matrix|types -p matrix
parents -p pci_… of a parent not registered|parents -p pci_0000_00_02_0|parents -p 0000:00:02.0
doctor pci_…|doctor pci_0000_41_00_5|doctor 0000:41:00.5
--json list -u UUID|--json list -u $A|--json list --uuid=$A"

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

# changes through the same names, in order, on one host
B=bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
B_=bbbbbbbb_bbbb_4bbb_8bbb_bbbbbbbbbbbb
printf '%s\n' \
    "define -u mdev_UUID -p mtty_mtty|define -t mtty-1 -p mtty_mtty -u mdev_$B_|0|" \
    "start -u mdev_UUID_PARENT|start -u mdev_${B_}_mtty|0|" \
    "--verbose names what stop did|--verbose stop -u $B|0|mdevtool: stopped mdev '$B' on parent 'mtty'" \
    "-q hides the notes|-q list -p mbochs|0|" \
    "--quiet and --verbose exclude each other|--quiet list -v|2|mdevtool: --quiet and --verbose exclude each other" \
    "a node-device name against --parent|start -p mbochs mdev_${B_}_mtty|2|mdevtool: --parent 'mbochs' is not the parent 'mtty' that the node-device name names" \
    "the UUID given twice|stop -u $B $B|2|mdevtool: give the mdev once: as the argument or with --uuid" \
    "a node-device name no parent matches|start mdev_${B_}_nosuch|1|mdevtool: error: no parent matches the node-device name 'mdev_${B_}_nosuch'" \
    "neither UUID nor node-device name|autostart -u mdev_zz|1|mdevtool: error: 'mdev_zz' is neither a UUID nor the node-device name of an mdev" \
    "undefine -u mdev_UUID_PARENT|undefine -u mdev_${B_}_mtty|0|" \
    "undefined: gone|list --defined -u $B|0|mdevtool: no mdev '$B' matches" \
    "a failed create points at doctor when it knows more|create -t i915-GVTg_V5_4 -p pci_0000_00_02_0|1|mdevtool: error: parent '0000:00:02.0' is not registered with the mdev core: its vendor driver is not loaded or has not finished setting it up; run 'mdevtool doctor 0000:00:02.0'" \
    "and not when it does not|create -t no-such-type|1|mdevtool: error: no parent offers an mdev type with the id or name 'no-such-type'" \
    > "$W/cases"
W="$W" MDEVTOOL="$MDEVTOOL" "$MDEVSIM" --host "$LIFECYCLE" -- sh "$W/expect.sh" \
    >> "$W/results" 2>&1

# a held lock: after a second of waiting one line names the holder that
# the lock file records, and the timeout's error names it again
if command -v flock > /dev/null 2>&1; then
    cat > "$W/lock.sh" <<'LOCK'
mkdir -p "$MDEVTOOL_STATE_DIR"
lockfile="$MDEVTOOL_STATE_DIR/parent-mtty.lock"
sleep 30 & holder=$!
echo "$holder mdevtool define" > "$lockfile"
flock "$lockfile" sh -c "touch '$W/held'; while [ ! -e '$W/release' ]; do sleep 0.05; done" & flocker=$!
while [ ! -e "$W/held" ]; do sleep 0.05; done
MDEVTOOL_LOCK_TIMEOUT=3 "$MDEVTOOL" create -t mtty-1 -p mtty > "$W/lock.out" 2> "$W/lock.err"
echo $? > "$W/lock.rc"
touch "$W/release"
wait $flocker
kill $holder
printf "mdevtool: waiting for the lock of parent 'mtty', held by process %s (mdevtool define)\n" \
    "$holder" > "$W/lock.want"
printf "mdevtool: error: parent 'mtty' is locked by process %s (mdevtool define) (lock file '%s')\n" \
    "$holder" "$lockfile" >> "$W/lock.want"
LOCK
    W="$W" MDEVTOOL="$MDEVTOOL" "$MDEVSIM" --host "$LIFECYCLE" -- sh "$W/lock.sh" >> "$W/results" 2>&1
    if [ "$(cat "$W/lock.rc")" = 1 ] && cmp -s "$W/lock.want" "$W/lock.err"; then
        echo "PASS a held lock: the wait and the error name the holder" >> "$W/results"
    else
        echo "FAIL a held lock: the wait and the error name the holder" >> "$W/results"
        diff "$W/lock.want" "$W/lock.err" | sed 's/^/# /' >> "$W/results"
    fi
else
    echo "SKIP a held lock: the wait and the error name the holder|flock(1) is not installed" \
        >> "$W/results"
fi

tap_from_results "$W/results"
