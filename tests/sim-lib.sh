# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the shell tests that run the commands on the simulated kernel
# (tests/mdevsim): TAP helpers, a work directory, and one scenario on a
# fresh simulated host.
#
# Before sourcing, a test sets SIM_NAME (a word for the work directory),
# and for sim_run and not_ok HOST (a host description) and SIM_SHOW (the
# files of $W that not_ok prints). Afterwards $W is the work directory (removed on exit), with
# $W/bin/mdevctl a link to mdevtool, and W and T (mdevtool) are exported.

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=1
    echo "not ok $n - $1"
    for f in $SIM_SHOW; do
        [ -s "$W/$f" ] && sed "s/^/# $f: /" "$W/$f"
    done
    return 0
}
# ok or not ok for the name $1, by the exit status of the command just
# before (a name must not hold a command substitution: it would reset $?)
verdict() { if [ $? -eq 0 ]; then ok "$1"; else not_ok "$1"; fi; }
tap_end() { echo "1..$n"; exit $failed; }
# The TAP of the "PASS NAME", "FAIL NAME" and "SKIP NAME|REASON" lines of
# the file $1, which a driver running inside the simulator wrote (other
# lines pass as they are, as diagnostics), then exit.
tap_from_results() {
    echo "1..$(grep -c '^\(PASS\|FAIL\|SKIP\) ' "$1")"
    while IFS= read -r line; do
        case $line in
        "PASS "*) ok "${line#PASS }" ;;
        "FAIL "*) n=$((n + 1)); failed=1; echo "not ok $n - ${line#FAIL }" ;;
        "SKIP "*)
            line=${line#SKIP }
            n=$((n + 1)); echo "ok $n - ${line%%|*} # SKIP ${line#*|}" ;;
        *) echo "$line" ;;
        esac
    done < "$1"
    exit $failed
}

if [ -z "${MDEVSIM:-}" ] || [ ! -x "${MDEVSIM:-}" ]; then
    echo "1..0 # SKIP the simulated kernel (tests/mdevsim) is not built"
    exit 0
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/mdev-$SIM_NAME-XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/bin"
ln -s "$MDEVTOOL" "$W/bin/mdevctl"
T="$MDEVTOOL"
export W T

# sim_run BODY [VAR=VALUE...]: runs the shell text BODY on a fresh simulated
# host (HOST) with the store in $W/conf and the callout directory $W/lib,
# in the environment given after it. In BODY, "cmd COMMAND..." leaves the
# command's stdout, stderr and exit status in $W/out, $W/err and $W/rc.
# What the simulator says goes to $W/log.
sim_run() {
    body=$1
    shift
    rm -rf "$W/conf" "$W/out" "$W/err" "$W/rc" "$W/log"
    mkdir -p "$W/conf" "$W/lib"
    cat > "$W/scenario.sh" <<SCENARIO
set -u
cmd() { "\$@" > "\$W/out" 2> "\$W/err"; echo \$? > "\$W/rc"; }
$body
SCENARIO
    env MDEVTOOL_LIB_DIR="$W/lib" "$@" \
        "$MDEVSIM" --host "$HOST" --conf-dir "$W/conf" -- sh "$W/scenario.sh" > "$W/log" 2>&1
}

# sim_listed BODY: runs the shell text BODY on a fresh simulated host (HOST)
# with the store in $W/conf. In BODY, "cmd ARGS..." runs mdevtool with ARGS
# and leaves its stdout, stderr and exit status in $W/out, $W/err and
# $W/rc. Afterwards the active mdevs are listed in $W/devs and the store's
# files in $W/conf.list; what the simulator says is in $W/log.
sim_listed() {
    rm -rf "$W/conf" "$W/lib" "$W/out" "$W/err" "$W/rc" "$W/devs" "$W/conf.list" "$W/log"
    mkdir -p "$W/conf" "$W/lib"
    cat > "$W/scenario.sh" <<SCENARIO
set -u
cmd() { "\$T" "\$@" > "\$W/out" 2> "\$W/err"; echo \$? > "\$W/rc"; }
$1
ls /sys/bus/mdev/devices > "\$W/devs"
( cd "\$MDEVTOOL_CONF_DIR" && find . -type f | sort ) > "\$W/conf.list"
SCENARIO
    MDEVTOOL_LIB_DIR="$W/lib" "$MDEVSIM" --host "$HOST" --conf-dir "$W/conf" -- \
        sh "$W/scenario.sh" > "$W/log" 2>&1
}
