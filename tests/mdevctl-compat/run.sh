#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The mdevctl compatibility suite: every scenario of scenarios.txt runs on a
# fresh simulated host (tests/mdevsim with host.json), once with Debian's
# mdevctl and once with mdevtool invoked as mdevctl, and the two are compared
# (stdout, exit status, first line of stderr, the files under /etc/mdevctl.d).
# Prints TAP.
#
# Both run in a private mount namespace with a tmpfs on /etc/mdevctl.d, so
# the host's definitions are neither seen nor changed. Needs root; skipped
# (visibly) without root, mount namespaces, mdevctl or the simulator.
#
# Environment: MDEVSIM, MDEVTOOL (set by make check); MDEVCTL_REFERENCE, the
# mdevctl to compare with (default: the one in PATH); MDEVCTL_COMPAT_ONLY, a
# scenario name to run alone; MDEVCTL_COMPAT_VERBOSE=1 shows every output.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# scenario setups find their helper scripts here
SCENARIO_DIR=$here
export SCENARIO_DIR
scenarios="$here/scenarios.txt"
host="$here/host.json"

skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

if [ "${MDEVCTL_COMPAT_IN_NAMESPACE:-}" != 1 ]; then
    reference=${MDEVCTL_REFERENCE:-$(command -v mdevctl 2>/dev/null || true)}
    [ -n "${MDEVSIM:-}" ] && [ -x "$MDEVSIM" ] || skip_all "the simulator (MDEVSIM) is not built"
    [ -n "${MDEVTOOL:-}" ] && [ -x "$MDEVTOOL" ] || skip_all "mdevtool (MDEVTOOL) is not built"
    [ -n "$reference" ] || skip_all "mdevctl is not installed"
    case "$(readlink -f "$reference")" in
        "$(readlink -f "$MDEVTOOL")") skip_all "the mdevctl in PATH is mdevtool itself" ;;
    esac
    [ "$(id -u)" -eq 0 ] || skip_all "needs root for a private mount namespace"
    unshare -m true 2>/dev/null || skip_all "unshare -m is not permitted"
    MDEVCTL_REFERENCE=$reference MDEVCTL_COMPAT_IN_NAMESPACE=1 exec unshare -m sh "$0" "$@"
fi

# Inside the private mount namespace from here on.
unset LD_PRELOAD MDEVCTL_LOG
mount --make-rprivate /
mkdir -p /etc/mdevctl.d
mount -t tmpfs tmpfs /etc/mdevctl.d
work=$(mktemp -d "${TMPDIR:-/tmp}/mdevctl-compat.XXXXXX")
trap 'rm -rf "$work"' EXIT
for impl in reference mdevtool; do
    mkdir -p "$work/$impl/bin" "$work/$impl/state"
done
ln -s "$MDEVCTL_REFERENCE" "$work/reference/bin/mdevctl"
ln -s "$MDEVCTL_REFERENCE" "$work/reference/bin/lsmdev"
ln -s "$MDEVTOOL" "$work/mdevtool/bin/mdevctl"
ln -s "$MDEVTOOL" "$work/mdevtool/bin/lsmdev"

U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
U4=44444444-4444-4444-8444-444444444444
U5=55555555-5555-4555-8555-555555555555

expand() {
    printf '%s' "$1" | sed -e "s/\bU1\b/$U1/g" -e "s/\bU2\b/$U2/g" -e "s/\bU3\b/$U3/g" \
                           -e "s/\bU4\b/$U4/g" -e "s/\bU5\b/$U5/g"
}

trim() {
    printf '%s' "$1" | sed -e 's/^ *//' -e 's/ *$//'
}

# UUIDs the scenarios do not name were generated: mask them. Mask log time
# stamps too.
mask() {
    perl -pe 's/\b([0-9a-f]{8})(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/ my ($a, $b) = ($1, $2); ($a =~ m{^(.)\1{7}$}) ? "$a$b" : "<generated-uuid>" /ge; s/^\[\d{4}-\d\d-\d\dT[\d:]+Z /[<time> /'
}

# Every file under /etc/mdevctl.d, in the order of the masked names.
snapshot() {
    (cd /etc/mdevctl.d && find . -type f | while read -r f; do
        printf '%s\t%s\n' "$(printf '%s' "$f" | mask)" "$f"
    done | LC_ALL=C sort | while IFS='	' read -r masked f; do
        printf '== %s\n' "$masked"
        mask < "$f"
        printf '\n'
    done)
}

# run IMPL SETUP COMMAND STDIN: leaves IMPL.out, .rc, .err1, .files in $work
run() {
    impl=$1
    rm -rf /etc/mdevctl.d/* "$work/$impl/state"/*
    mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
    printf '%s' "$4" > "$work/stdin"
    LD_PRELOAD=libumockdev-preload.so.0 PATH="$work/$impl/bin:$PATH" \
        "$MDEVSIM" --host "$host" --conf-dir /etc/mdevctl.d -- \
        sh -c "{ :
$2
} >/dev/null 2>&1 </dev/null
$3" < "$work/stdin" > "$work/$impl.raw" 2> "$work/$impl.stderr"
    echo $? > "$work/$impl.rc"
    # mdevctl 1.2.0 ends list and types output with one more newline than
    # current mdevctl, the format mdevtool reproduces
    last=$(printf '%s' "$3" | sed -e 's/.*&&//' -e 's/.*;//' -e 's/^ *//')
    case "$impl:$last" in
        reference:"mdevctl list"* | reference:"mdevctl types"* | reference:lsmdev*)
            perl -0pe 's/\n\z//' "$work/$impl.raw" | mask > "$work/$impl.out" ;;
        *)
            mask < "$work/$impl.raw" > "$work/$impl.out" ;;
    esac
    # the simulator's umockdev reports uevents nobody listens to; not ours
    grep -v "^ERROR: uevent_sender_send" "$work/$impl.stderr" | head -n 1 | mask > "$work/$impl.err"
    snapshot > "$work/$impl.files"
}

differs() {
    ! cmp -s "$work/reference.$1" "$work/mdevtool.$1"
}

# Both programs must really run here, or every comparison would pass.
for impl in reference mdevtool; do
    run $impl "" "mdevctl --version" ""
done
if ! grep -q '^mdevctl [0-9]' "$work/reference.out" ||
   ! grep -q '^mdevctl [0-9]' "$work/mdevtool.out" ||
   ! differs out; then
    echo "Bail out! mdevctl --version does not run both programs on the simulated host"
    cat "$work/reference.stderr" "$work/mdevtool.stderr" | sed 's/^/# /'
    exit 1
fi

n=0
failed=0
grep -v -e '^#' -e '^[[:space:]]*$' "$scenarios" > "$work/list"
total=$(wc -l < "$work/list")
if [ -n "${MDEVCTL_COMPAT_ONLY:-}" ]; then
    total=1
fi
echo "1..$total"
while IFS='|' read -r name setup command stdin allowed why expect; do
    name=$(trim "$name")
    if [ -n "${MDEVCTL_COMPAT_ONLY:-}" ] && [ "$name" != "$MDEVCTL_COMPAT_ONLY" ]; then
        continue
    fi
    n=$((n + 1))
    setup=$(expand "$(trim "$setup")")
    command=$(expand "$(trim "$command")")
    stdin=$(expand "$(trim "$stdin")")
    allowed=$(trim "$allowed")
    why=$(trim "$why")
    expect=$(expand "$(trim "$expect")")
    run reference "$setup" "$command" "$stdin"
    run mdevtool "$setup" "$command" "$stdin"

    found=""
    for field in out rc err files; do
        if differs $field; then
            found="$found $field"
        fi
    done
    found=$(trim "$found")
    bad_expect=0
    if [ -n "$expect" ] && ! grep -Eq -- "$expect" "$work/mdevtool.out"; then
        bad_expect=1
    fi
    if [ "$found" = "$allowed" ] && [ $bad_expect = 0 ]; then
        if [ -n "$allowed" ]; then
            echo "ok $n $name # known difference ($allowed): $why"
        else
            echo "ok $n $name"
        fi
    else
        failed=$((failed + 1))
        echo "not ok $n $name"
        echo "# command: $command"
        echo "# differing: '${found}', expected: '${allowed}'"
        if [ $bad_expect = 1 ]; then
            echo "# mdevtool's stdout does not match: $expect"
        fi
    fi
    if [ "$found" != "$allowed" ] || [ $bad_expect = 1 ] ||
       [ "${MDEVCTL_COMPAT_VERBOSE:-}" = 1 ]; then
        for field in rc err out files; do
            if differs $field || [ "${MDEVCTL_COMPAT_VERBOSE:-}" = 1 ]; then
                echo "# --- $field: mdevctl / +++ mdevtool"
                diff -u "$work/reference.$field" "$work/mdevtool.$field" | tail -n +3 |
                    sed 's/^/#   /'
            fi
        done
        for impl in reference mdevtool; do
            echo "# stderr of $impl:"
            head -n 20 "$work/$impl.stderr" | cat -v | sed 's/^/#   /'
        done
    fi
done < "$work/list"
[ $failed -eq 0 ]
