#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Kill-at-random: define, modify and undefine (native and through the
# mdevctl front end) get SIGKILL at a random system call, chosen from a
# trace of a full run (strace's fault injection). Afterwards every
# definition must be the old one or the new one, whole; nothing torn, lost
# or half-written may be listed; and the next command must work and clean
# up what the killed one left behind. The same for the NVIDIA VF vGPU store
# (its define, modify, re-pin and undefine), on the simulated kernel
# (tests/mdevsim), which define needs to see the card. TAP output.
#
# MDEV_CRASH_TRIALS (default 48) trials on the mdev store and half as many
# on the VF vGPU store, whose every run starts a simulated host;
# `make check-crash` runs many more.
# MDEV_CRASH_SEED replays a run: the seed is printed first.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

TRIALS=${MDEV_CRASH_TRIALS:-48}
SEED=${MDEV_CRASH_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
VF_TRIALS=$(( (TRIALS + 1) / 2 ))
echo "# seed $SEED (replay with MDEV_CRASH_SEED=$SEED), $TRIALS + $VF_TRIALS trials"
RANDOM=$SEED

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

if ! command -v strace > /dev/null 2>&1; then
    echo "1..0 # SKIP strace is not installed"
    exit 0
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/mdev-crash-XXXXXX")
trap 'rm -rf "$W"' EXIT
# the store needs no sysfs: run on the plain file system, without any
# preload, so that the trace is the program's own
unset LD_PRELOAD
export MDEVTOOL_CONF_DIR="$W/conf" MDEVTOOL_STATE_DIR="$W/state" MDEVTOOL_LIB_DIR="$W/lib"
export MDEVTOOL_LOCK_TIMEOUT=10
# Every run here is traced by strace, and LeakSanitizer cannot work under
# ptrace (it stops with a fatal error); the other tests keep leak checks.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mkdir -p "$W/bin" "$W/lib"
ln -s "$MDEVTOOL" "$W/bin/mdevctl"
T=$MDEVTOOL
C=$W/bin/mdevctl

U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333

# --- directories are synced when they gain an entry ------------------------

rm -rf "$W/conf" "$W/state"
mkdir -p "$W/conf"
strace -qq -y -e trace=mkdir,mkdirat,fsync,rename,unlink,unlinkat -o "$W/sync" \
    "$T" define --parent matrix --type vfio_ap-passthrough --uuid "$U2" > /dev/null 2>&1
# the new parent directory, then the store that gained it; the rename,
# then the directory that gained the definition
awk -v conf="$W/conf" '
    index($0, "mkdir(\"" conf "/matrix\"") == 1 { made = 1; next }
    made && index($0, "fsync(") == 1 && index($0, "<" conf ">)") { store = 1 }
    index($0, "rename(") == 1 { renamed = 1; next }
    renamed && index($0, "fsync(") == 1 && index($0, "<" conf "/matrix>)") { dir = 1 }
    END { exit !(made && store && renamed && dir) }' "$W/sync"
if [ $? = 0 ]; then
    ok "define on a new parent syncs the new directory and the store directory"
else
    not_ok "define on a new parent syncs the new directory and the store directory"
    sed 's/^/# /' "$W/sync"
fi

strace -qq -y -e trace=unlink,unlinkat,fsync -o "$W/sync" "$T" undefine "$U2" > /dev/null 2>&1
awk -v conf="$W/conf" -v uuid="$U2" '
    index($0, "unlink") == 1 && index($0, "/" uuid "\"") { gone = 1; next }
    gone && index($0, "fsync(") == 1 && index($0, "<" conf "/matrix>)") { synced = 1 }
    END { exit !synced }' "$W/sync"
if [ $? = 0 ]; then
    ok "undefine syncs the directory that lost the definition"
else
    not_ok "undefine syncs the directory that lost the definition"
    sed 's/^/# /' "$W/sync"
fi

# --- kill at random ---------------------------------------------------------

# The store before each trial: U1 on mtty with one attribute; U3 on matrix.
baseline() {
    rm -rf "$W/conf" "$W/state"
    cp -a "$W/base" "$W/conf"
}
rm -rf "$W/conf"
"$T" define --parent mtty --type mtty-1 --uuid "$U1" --attr first=1 &&
    "$T" define --parent matrix --type vfio_ap-passthrough --uuid "$U3" --attr assign_adapter=5 ||
    { echo "Bail out! cannot make the baseline store"; exit 1; }
cp -a "$W/conf" "$W/base"
rm -rf "$W/state"

# name | file it changes | command
OPS=(
    "define|mdev/$U2|$T define --parent mdev --type mtty-2 --uuid $U2 --auto --attr a=1 --attr b=2"
    "modify|mtty/$U1|$T modify $U1 --attr second=a-longer-value-that-grows-the-file"
    "undefine|mtty/$U1|$T undefine $U1"
    "mdevctl define|mdev/$U2|$C define -u $U2 -p mdev -t mtty-2 --auto"
    "mdevctl modify|mtty/$U1|$C modify -u $U1 --addattr=x --value=y"
    "mdevctl undefine|matrix/$U3|$C undefine -u $U3"
)
# the store and its state before each trial; how the commands run, traced
# (TRACE) and not (RUN); the type a new definition on a parent gets from
# the next command
STORE=$W/conf
BASE=$W/base
TRACE=strace
RUN=
type_for() { echo t; }

# A temporary file of our writer: <uuid>.XXXXXX
temporaries() { find "$STORE" -type f -name '*-*-*-*-*.??????' | sort; }

# The listing of the store: exit 0, nothing on stderr, and exactly the
# definition files there are.
check_list() {
    local listed files
    $RUN "$T" list --defined > "$W/list" 2> "$W/list.err" || return 1
    [ -s "$W/list.err" ] && return 1
    listed=$(grep -Eo '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$W/list" | sort)
    files=$(find "$STORE" -type f ! -name '*.??????' -printf '%f\n' | sort)
    [ "$listed" = "$files" ]
}

# The file is the old or the new version, byte for byte (absent counts as
# a version where one side has no file).
whole() { # file, op index
    if [ ! -e "$STORE/$1" ]; then
        [ ! -e "$W/old$2" ] || [ ! -e "$W/new$2" ]
    else
        cmp -s "$STORE/$1" "$W/old$2" 2> /dev/null || cmp -s "$STORE/$1" "$W/new$2" 2> /dev/null
    fi
}

# kill_at_random LABEL TRIALS: the trials on the operations of OPS, from
# the store that baseline() makes.
kill_at_random() {
local label=$1 TRIALS=$2 i name file cmd rc line total first last k call nth what next
local bad=0 killed=0 late=0 left=0

# Per operation: the file before and after a full run, and the system calls
# of that run, one name per line.
for i in "${!OPS[@]}"; do
    IFS='|' read -r name file cmd <<< "${OPS[$i]}"
    baseline
    $TRACE -qq -y -o "$W/trace$i" $cmd > /dev/null 2> "$W/err"
    rc=$?
    grep -o '^[a-z_0-9]*(' "$W/trace$i" | tr -d '(' > "$W/calls$i"
    # from the lock on, the store is being changed
    locked[$i]=$(grep -n '^flock$' "$W/calls$i" | head -n 1 | cut -d: -f1)
    [ -n "${locked[$i]}" ] || { echo "Bail out! '$name' takes no lock"; exit 1; }
    # the last call that touches the store
    line=$(grep -n -F "$STORE" "$W/trace$i" | tail -n 1 | cut -d: -f1)
    touched[$i]=$(head -n "$line" "$W/trace$i" | grep -c '^[a-z_0-9]*(')
    [ -e "$BASE/$file" ] && cp "$BASE/$file" "$W/old$i" || rm -f "$W/old$i"
    [ -e "$STORE/$file" ] && cp "$STORE/$file" "$W/new$i" || rm -f "$W/new$i"
    if [ $rc != 0 ] || [ -s "$W/err" ] || cmp -s "$W/old$i" "$W/new$i" 2> /dev/null ||
       [ ! -s "$W/calls$i" ]; then
        echo "Bail out! a full run of '$name' does not change the store (exit $rc)"
        sed 's/^/# /' "$W/err"
        exit 1
    fi
    echo "# $name: $(wc -l < "$W/calls$i") system calls, the store's are" \
        "${locked[$i]} to ${touched[$i]}"
done

for ((t = 0; t < TRIALS; t++)); do
    i=$((RANDOM % ${#OPS[@]}))
    IFS='|' read -r name file cmd <<< "${OPS[$i]}"
    total=$(wc -l < "$W/calls$i")
    # a third of the trials is drawn from the whole run, a third from the
    # lock on, a third from the calls between the lock and the last one
    # that touches the store
    first=1 last=$total
    [ $((t % 3)) != 0 ] && first=${locked[$i]}
    [ $((t % 3)) = 2 ] && last=${touched[$i]}
    k=$(( (RANDOM * 32768 + RANDOM) % (last - first + 1) + first ))
    call=$(sed -n "${k}p" "$W/calls$i")
    nth=$(head -n "$k" "$W/calls$i" | grep -cx "$call")
    baseline
    # in a subshell, which takes the shell's "Killed" notice with it
    ($TRACE -qq -o /dev/null -e "inject=$call:signal=KILL:when=$nth" $cmd; echo $? > "$W/rc") \
        > /dev/null 2>&1
    rc=$(cat "$W/rc")
    what="trial $t: $name killed at system call $k of $total ($call #$nth)"
    [ $rc = 137 ] && killed=$((killed + 1))
    [ $k -ge "${locked[$i]}" ] && late=$((late + 1))
    [ -n "$(temporaries)" ] && left=$((left + 1))
    if ! whole "$file" "$i"; then
        echo "# $what: '$file' is neither the old nor the new version"
        sed 's/^/#   /' "$STORE/$file"
        bad=$((bad + 1))
        continue
    fi
    if ! check_list; then
        echo "# $what: list --defined fails or disagrees with the files"
        sed 's/^/#   /' "$W/list" "$W/list.err"
        bad=$((bad + 1))
        continue
    fi
    # the next command: the same one again from the old state, else one
    # that writes to the same directory
    if cmp -s "$STORE/$file" "$W/old$i" 2> /dev/null ||
       { [ ! -e "$STORE/$file" ] && [ ! -e "$W/old$i" ]; }; then
        next="$cmd"
    elif [ -e "$STORE/$file" ]; then
        next="$T undefine ${file#*/} --parent ${file%%/*}"
    else
        next="$T define --parent ${file%%/*} --type $(type_for "${file%%/*}") --uuid ${file#*/}"
    fi
    if ! $RUN $next > /dev/null 2> "$W/next.err" || [ -s "$W/next.err" ] ||
       [ -n "$(temporaries)" ] || ! check_list; then
        echo "# $what: the next command ($next) fails or leaves temporary files"
        sed 's/^/#   /' "$W/next.err"
        temporaries | sed 's/^/#   left: /'
        bad=$((bad + 1))
    fi
done
echo "# $killed of $TRIALS runs died of the signal ($((TRIALS - killed)) had finished" \
    "that system call's work or exited first), $late from the lock on," \
    "$left left a temporary file"
if [ $bad = 0 ]; then
    ok "$TRIALS runs killed at random system calls leave every $label whole"
else
    not_ok "$TRIALS runs killed at random system calls leave every $label whole ($bad bad, seed $SEED)"
fi
}

kill_at_random definition "$TRIALS"

# --- kill at random: the VF vGPU store ---------------------------------------

if [ -z "${MDEVSIM:-}" ] || [ ! -x "${MDEVSIM:-}" ]; then
    echo "1..$n"
    echo "# the simulated kernel (tests/mdevsim) is not built: the VF vGPU store is not tried"
    exit $failed
fi
# Every command runs on a simulated host with two NVIDIA cards; strace
# itself runs without mdevsim's preload, which only the traced program gets.
export VFHOST="$G_TEST_SRCDIR/../examples/hosts/nvidia-vf.json"
export MDEVTOOL_VGPU_DIR="$W/vgpu"
cat > "$W/bin/insim" <<'SIM'
#!/bin/sh
exec "$MDEVSIM" --host "$VFHOST" -- "$@"
SIM
cat > "$W/bin/simtrace" <<'SIM'
#!/bin/sh
exec "$MDEVSIM" --host "$VFHOST" -- \
    sh -c 'p=$LD_PRELOAD; unset LD_PRELOAD; exec strace -E "LD_PRELOAD=$p" "$@"' sh "$@"
SIM
chmod +x "$W/bin/insim" "$W/bin/simtrace"
STORE=$W/vgpu
BASE=$W/vbase
TRACE=$W/bin/simtrace
RUN=$W/bin/insim
type_for() { if [ "$1" = 0000:d8:00.0 ]; then echo nvidia-695; else echo nvidia-1148; fi; }

# The store before each trial: U1 on the first card with its parameters;
# U3 on the second, pinned to a VF.
baseline() {
    rm -rf "$W/vgpu"
    cp -a "$W/vbase" "$W/vgpu"
}
rm -rf "$W/vgpu"
$RUN "$T" define --parent 0000:3d:00.0 --type nvidia-1148 --uuid "$U1" \
    --attr vgpu_params=frame_rate_limiter=0 &&
    $RUN "$T" define --parent 0000:d8:00.0 --type nvidia-695 --uuid "$U3" --address 0000:d8:00.4 ||
    { echo "Bail out! cannot make the baseline VF vGPU store"; exit 1; }
cp -a "$W/vgpu" "$W/vbase"
rm -f "$W"/old* "$W"/new* "$W"/calls* "$W"/trace*

C3=0000:3d:00.0
OPS=(
    "VF define|$C3/$U2|$T define --parent $C3 --type nvidia-1148 --uuid $U2 --auto --attr vgpu_params=a=1"
    "VF modify|$C3/$U1|$T modify $U1 --attr vgpu_params=a-longer-value-that-grows-the-file"
    "VF re-pin|$C3/$U1|$T modify $U1 --address 0000:3d:00.6"
    "VF undefine|$C3/$U1|$T undefine $U1"
    "VF undefine pinned|0000:d8:00.0/$U3|$T undefine $U3"
)
kill_at_random "VF vGPU definition" "$VF_TRIALS"

echo "1..$n"
exit $failed
