#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mdevtool -c URI on two hosts: two real libvirtd instances (only their
# node-device driver), each in its own mount namespace on its own simulated
# host (tests/mdevsim) with mdevtool as its mdevctl, reached through
# libvirt's remote driver over their UNIX sockets, the protocol ssh carries.
# Each daemon's definition store is a directory of this test, so the test
# sees which host a change reached. Three more daemons are faulty hosts:
# one without the node-device driver, one without mdevctl, one that
# refuses authentication. Prints TAP; skipped (visibly) when
# libvirtd is not installed or the test cannot get mount namespaces.
#
# Environment: MDEVSIM, MDEVTOOL (set by make check), NLSHIM (the nlshim.so
# built in tests/libvirt; see nlshim.c).
set -u

here=$(cd "$(dirname "$0")" && pwd)

. "$here/lib.sh"

# The daemon of one host, run by mdevsim inside that host's namespace.
if [ "${1:-}" = daemon ]; then
    dir=$2
    # a host may have drivers or a PATH of its own (without the node-device
    # driver, without mdevctl)
    drivers="$WORK/drivers"
    path="$WORK/bin:$PATH"
    [ -d "$dir/drivers" ] && drivers="$dir/drivers"
    [ -d "$dir/bin" ] && path="$dir/bin"
    LD_PRELOAD="$LD_PRELOAD:$NLSHIM" LIBVIRT_DRIVER_DIR="$drivers" PATH="$path" \
        exec "$LIBVIRTD" --config "$dir/libvirtd.conf" --pid-file "$dir/libvirtd.pid"
fi

# One host's namespace: its own /run, libvirt state and mdevctl store.
if [ "${1:-}" = host ]; then
    dir=$2
    libvirt_private_state
    mount --bind "$dir/conf" /etc/mdevctl.d
    # The real mdevctl cannot run here: a call that works reached mdevtool.
    libvirt_hide_mdevctl "$WORK/not-mdevctl"
    LD_PRELOAD=libumockdev-preload.so.0 \
        exec "$MDEVSIM" --host "$3" --conf-dir /etc/mdevctl.d -- sh "$0" daemon "$dir"
fi

libvirt_require libvirtd
mkdir -p /etc/mdevctl.d 2>/dev/null || skip_all "cannot create /etc/mdevctl.d to mount over"

unset LD_PRELOAD
# UNIX socket paths are short: not under a deep TMPDIR
WORK=$(mktemp -d /tmp/mdev-fleet-XXXXXX)
LIBVIRTD=$(command -v libvirtd)
export WORK NLSHIM MDEVSIM MDEVTOOL LIBVIRTD
mkdir -p "$WORK/bin"
libvirt_link_drivers "$WORK/drivers" nodedev
ln -s "$MDEVTOOL" "$WORK/bin/mdevctl"
libvirt_mdevctl_stub "$WORK/not-mdevctl" "$WORK/reference-mdevctl-calls"

n=0
failed=0
pids=
silent=
stall=
client_prefix=

finish() {
    for dir in "$WORK"/?; do
        if [ -e "$dir/libvirtd.pid" ]; then
            kill "$(cat "$dir/libvirtd.pid")" 2>/dev/null
        fi
    done
    [ -n "$silent" ] && kill "$silent" 2>/dev/null
    [ -n "$stall" ] && kill "$stall" 2>/dev/null
    for pid in $pids; do
        wait "$pid" 2>/dev/null
    done
    if [ $failed -ne 0 ]; then
        for dir in "$WORK"/?; do
            echo "# last lines of $dir/libvirtd.log:"
            grep -e mdevctl -e error "$dir/libvirtd.log" 2>/dev/null | tail -n 20 | sed 's/^/#   /'
        done
    fi
    rm -rf "$WORK"
    echo "1..$n"
    [ $failed -eq 0 ]
    exit $?
}

ok() {
    n=$((n + 1))
    echo "ok $n $1"
}

not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n $1"
    shift
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/# /'
    done
}

# start_host NAME TESTBED [CONFIG-LINE]
start_host() {
    dir="$WORK/$1"
    mkdir -p "$dir/conf" "$dir/sock"
    libvirt_daemon_conf "$dir/libvirtd.conf" "$dir/libvirtd.log" \
        "unix_sock_dir = \"$dir/sock\"" ${3:+"$3"}
    unshare -m sh "$0" host "$dir" "$here/$2" > "$dir/out" 2>&1 &
    pids="$pids $!"
}

uri_of() {
    echo "nodedev:///system?socket=$WORK/$1/sock/libvirt-sock"
}

start_host a fleet-host-a.json
start_host b fleet-host-b.json
# Faulty hosts: c has no node-device driver, d no mdevctl, e refuses
# authentication (SASL on its socket, and the client has no credentials)
mkdir -p "$WORK/c/drivers" "$WORK/d/bin"
start_host c fleet-host-b.json
start_host d fleet-host-b.json
start_host e fleet-host-b.json 'auth_unix_rw = "sasl"
sasl_allowed_username_list = [ "nobody" ]'
A=$(uri_of a)
B=$(uri_of b)
C=$(uri_of c)
D=$(uri_of d)
E=$(uri_of e)

# A sanitizer build's XDR interceptors look up the functions they wrap when
# the program starts; libvirt, opened later, brings libtirpc's, which they
# would then call through a null pointer. In such a build libtirpc is loaded
# at start-up for the client, so that the interceptors find their targets.
# The client's leak check is off there: although it joins its threads and
# closes its connections before it exits, LeakSanitizer's stop-the-world
# tracer still dies now and then (SIGSEGV inside the tracer, about one run
# in three on a loaded machine) at the exit of a process that has opened
# libvirt, which fails a check whose command worked. Memory errors are still
# caught; test-domains.sh does the same for its libvirt client.
client_preload=
if grep -q __asan_init "$MDEVTOOL" 2>/dev/null; then
    client_preload=$(ldconfig -p | awk '/libtirpc\.so\.3 / { print $NF; exit }')
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    export ASAN_OPTIONS
fi

# run ARGS...: mdevtool's stdout, stderr and exit status in $out, $err, $status
run() {
    if [ -n "$client_preload" ]; then
        LD_PRELOAD="$client_preload${LD_PRELOAD:+:$LD_PRELOAD}" $client_prefix "$MDEVTOOL" "$@" \
            > "$WORK/stdout" 2> "$WORK/stderr"
    else
        $client_prefix "$MDEVTOOL" "$@" > "$WORK/stdout" 2> "$WORK/stderr"
    fi
    status=$?
    out=$(cat "$WORK/stdout")
    err=$(cat "$WORK/stderr")
}

# Each daemon answers once it has read its testbed and definitions.
for h in a b; do
    uri=$(uri_of $h)
    start=$(date +%s)
    while :; do
        run -c "$uri" list --defined
        if [ $status -eq 0 ] && [ -n "$out" ]; then
            ok "host $h answers through its socket"
            break
        fi
        if [ $(($(date +%s) - start)) -ge 120 ]; then
            not_ok "host $h answers through its socket" "$err" "$(cat "$WORK/$h/out")"
            finish
        fi
        sleep 0.2
    done
done

for h in c d e; do
    start=$(date +%s)
    while [ ! -S "$WORK/$h/sock/libvirt-sock" ]; do
        if [ $(($(date +%s) - start)) -ge 120 ]; then
            not_ok "host $h listens on its socket" "$(cat "$WORK/$h/out")"
            finish
        fi
        sleep 0.2
    done
done
ok "hosts c, d and e listen on their sockets"

# check NAME CONDITION: report the last run with the condition's outcome
check() {
    if eval "$2"; then
        ok "$1"
    else
        not_ok "$1" "exit status $status" "stdout: $out" "stderr: $err"
    fi
}

# expect_json NAME PYTHON: the last run's stdout is JSON for which the
# Python expression over "d" holds
expect_json() {
    if python3 -c "import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
        "$WORK/stdout" 2>"$WORK/py.err"; then
        ok "$1"
    else
        not_ok "$1" "exit status $status" "stdout: $out" "stderr: $err" "$(cat "$WORK/py.err")"
    fi
}

A1=a1a1a1a1-0000-4000-8000-000000000001
A2=a2a2a2a2-0000-4000-8000-000000000002
B1=b1b1b1b1-0000-4000-8000-000000000001

# Inventories, per host and merged
run -c "$A" parents
check "parents of one host: HOST column and its parent" \
    '[ $status -eq 0 ] && echo "$out" | head -n 1 | grep -q "^HOST  *NAME" &&
     [ "$(echo "$out" | grep -c "^nodedev:///system?socket=$WORK/a/sock/libvirt-sock  *0000:00:02.0 ")" -eq 1 ] &&
     [ "$(echo "$out" | wc -l)" -eq 2 ]'
run -c "$A" -c "$B" --json types
expect_json "types of two hosts: the same parent name stays two entries, by host" \
    "sorted((e['host'], e['parent']) for e in d) == sorted([('$A', '0000:00:02.0'), ('$B', '0000:00:02.0'), ('$B', '0000:00:04.0')])
     and [t['available_instances'] for e in d if e['host'] == '$A' for t in e['types']] == [1, 2]
     and [t['available_instances'] for e in d if e['host'] == '$B' and e['parent'] == '0000:00:02.0' for t in e['types']] == [4, 8]"
run -c "$A" -c "$B" list --all --json
expect_json "list --all of two hosts: every mdev once, with its host and state" \
    "sorted((e['host'], e['uuid'], e['parent'], e['type'], e['active'], e['defined'], e['autostart']) for e in d) == sorted([
        ('$A', '$A1', '0000:00:02.0', 'i915-GVTg_V5_4', True, True, False),
        ('$A', '$A2', '0000:00:02.0', 'i915-GVTg_V5_8', False, True, True),
        ('$B', '$B1', '0000:00:04.0', 'i915-GVTg_V5_8', False, True, False)])"
run -c "$B" list
check "list of a host with nothing running says so" \
    '[ $status -eq 0 ] && [ -z "$out" ] && echo "$err" | grep -q "no mdev is active"'
run -c "$A" -c "$B" list
check "list of two hosts: the running mdev on its host's row" \
    '[ $status -eq 0 ] && echo "$out" | head -n 1 | grep -q "^HOST  *UUID  *PARENT" &&
     echo "$out" | grep -q "^nodedev:///system?socket=$WORK/a/sock/libvirt-sock  *$A1 " &&
     [ "$(echo "$out" | wc -l)" -eq 2 ]'

# The life cycle on the host that holds the device, and only there
U=5c3e0f4a-7d21-4c39-9a1e-0b6f2d8c4e11
run -c "$B" define --type GVTg_V5_8 --parent 0000:00:02.0 --uuid "$U"
check "define on one host" '[ $status -eq 0 ] && [ -z "$out" ]'
check "the definition is in that host's store only" \
    '[ -f "$WORK/b/conf/0000:00:02.0/$U" ] && grep -q "\"mdev_type\": \"i915-GVTg_V5_8\"" "$WORK/b/conf/0000:00:02.0/$U" &&
     [ ! -e "$WORK/a/conf/0000:00:02.0/$U" ]'
run -c "$A" -c "$B" autostart "$U"
check "autostart finds the mdev on its host" '[ $status -eq 0 ]'
check "autostart is in that host's store" \
    'grep -q "\"start\": \"auto\"" "$WORK/b/conf/0000:00:02.0/$U"'
run -c "$A" -c "$B" autostart --disable "$U"
check "autostart --disable" \
    '[ $status -eq 0 ] && grep -q "\"start\": \"manual\"" "$WORK/b/conf/0000:00:02.0/$U"'
run -c "$A" -c "$B" modify --auto "$U"
check "modify --auto goes through libvirt's autostart call" \
    '[ $status -eq 0 ] && grep -q "\"start\": \"auto\"" "$WORK/b/conf/0000:00:02.0/$U"'
run -c "$B" modify --type i915-GVTg_V5_4 "$U"
check "modify --type says what libvirt cannot do and changes nothing" \
    '[ $status -eq 1 ] && echo "$err" | grep -q "can only change --auto or --manual" &&
     grep -q "\"mdev_type\": \"i915-GVTg_V5_8\"" "$WORK/b/conf/0000:00:02.0/$U"'
run -c "$A" -c "$B" start "$U"
check "start on its host" '[ $status -eq 0 ]'
wait_active() {
    start=$(date +%s)
    while :; do
        run -c "$B" --json list --all --uuid "$U"
        if python3 -c "import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if len(d) == 1 and d[0]['active'] == ($1 == 1) else 1)" \
            "$WORK/stdout" 2>/dev/null; then
            return 0
        fi
        [ $(($(date +%s) - start)) -lt 60 ] || return 1
        sleep 0.2
    done
}
if wait_active 1; then
    ok "the started mdev is listed active on its host"
else
    not_ok "the started mdev is listed active on its host" "$out" "$err"
fi
run -c "$A" dumpxml "$U"
check "dumpxml on a host without the mdev fails naming it" \
    '[ $status -eq 1 ] && echo "$err" | grep -q "no mdev or parent .$U."'
run -c "$A" -c "$B" dumpxml "$U"
check "dumpxml through libvirt" \
    '[ $status -eq 0 ] && echo "$out" | grep -q "<uuid>$U</uuid>" &&
     echo "$out" | grep -q "<parent>pci_0000_00_02_0</parent>"'
run -c "$A" -c "$B" stop "$U"
check "stop on its host" '[ $status -eq 0 ]'
if wait_active 0; then
    ok "the stopped mdev is listed inactive"
else
    not_ok "the stopped mdev is listed inactive" "$out" "$err"
fi
run -c "$A" -c "$B" undefine "$U"
check "undefine on its host" '[ $status -eq 0 ] && [ ! -e "$WORK/b/conf/0000:00:02.0/$U" ]'

# define --xml: the document names a parent node device of the host
cat > "$WORK/define.xml" <<XML
<device>
  <parent>pci_0000_00_04_0</parent>
  <capability type='mdev'>
    <type id='i915-GVTg_V5_8'/>
    <uuid>$U</uuid>
    <attr name='foo' value='bar'/>
  </capability>
</device>
XML
run -c "$A" -c "$B" define --xml "$WORK/define.xml"
check "define --xml lands on the host with that parent" \
    '[ $status -eq 0 ] && [ -f "$WORK/b/conf/0000:00:04.0/$U" ] &&
     grep -q "\"foo\": \"bar\"" "$WORK/b/conf/0000:00:04.0/$U"'
run -c "$A" -c "$B" define --xml "$WORK/define.xml"
check "a definition libvirt rejects: its message, named by URI" \
    '[ $status -eq 1 ] && echo "$err" | grep -q "^mdevtool: error: nodedev:///system?socket=$WORK/b/"'
run -c "$B" undefine "$U"
check "undefine the --xml definition" '[ $status -eq 0 ] && [ ! -e "$WORK/b/conf/0000:00:04.0/$U" ]'

# The same UUID defined on two parents of one host; --json prints what
# was made, with the host
run -c "$B" --json define --type GVTg_V5_8 --parent 0000:00:02.0 --uuid "$U"
expect_json "define --json: the mdev with its parent, type and host" \
    "d == {'action': 'define', 'uuid': '$U', 'parent': '0000:00:02.0', 'type': 'i915-GVTg_V5_8',
           'host': '$B', 'placement': None, 'autostart': False}"
run -c "$B" define --type i915-GVTg_V5_8 --parent 0000:00:04.0 --uuid "$U"
check "the same UUID on a second parent of that host" \
    '[ $status -eq 0 ] && [ -f "$WORK/b/conf/0000:00:04.0/$U" ] && [ -f "$WORK/b/conf/0000:00:02.0/$U" ]'
run -c "$A" -c "$B" undefine "$U"
check "undefine without --parent names both parents and removes nothing" \
    '[ $status -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] &&
     echo "$err" | grep -q "0000:00:02.0.*0000:00:04.0.*give --parent" &&
     [ -f "$WORK/b/conf/0000:00:04.0/$U" ] && [ -f "$WORK/b/conf/0000:00:02.0/$U" ]'
# libvirt (9.0) has mdevctl undefine a UUID without its parent, which
# would remove both definitions
run -c "$A" -c "$B" undefine --parent 0000:00:04.0 "$U"
check "undefine --parent of one of them: refused, naming the other, nothing removed" \
    '[ $status -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] &&
     echo "$err" | grep -q "^mdevtool: error: $B: .*also defined on .0000:00:02.0.*undefine none" &&
     [ -f "$WORK/b/conf/0000:00:04.0/$U" ] && [ -f "$WORK/b/conf/0000:00:02.0/$U" ]'
rm "$WORK/b/conf/0000:00:04.0/$U"
start=$(date +%s)
while run -c "$B" --json list --defined --uuid "$U" &&
      ! python3 -c "import json, sys; sys.exit(0 if len(json.load(open(sys.argv[1]))) == 1 else 1)" \
          "$WORK/stdout" 2>/dev/null; do
    [ $(($(date +%s) - start)) -lt 30 ] || break
    sleep 0.2
done
run -c "$A" -c "$B" undefine --parent 0000:00:02.0 "$U"
check "undefine --parent of the only definition" \
    '[ $status -eq 0 ] && [ ! -e "$WORK/b/conf/0000:00:02.0/$U" ]'

# Placement across hosts: host a has a running mdev, host b none
run -c "$A" -c "$B" create --type i915-GVTg_V5_8
P1=$out
check "create without a parent packs onto the busier host" \
    '[ $status -eq 0 ] && echo "$err" | grep -q "chose parent .0000:00:02.0. of host .nodedev:///system?socket=$WORK/a/"'
run -c "$A" -c "$B" create --type GVTg_V5_8 --policy spread
P2=$out
check "create --policy spread picks the idle host" \
    '[ $status -eq 0 ] && echo "$err" | grep -q "chose parent .0000:00:02.0. of host .nodedev:///system?socket=$WORK/b/"'
run -c "$A" -c "$B" --json create --type i915-GVTg_V5_4 --policy spread
P3=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["uuid"])' "$WORK/stdout" 2>/dev/null)
expect_json "create --json: the mdev with the host and parent chosen" \
    "d['action'] == 'create' and d['uuid'] == '$P3' and d['host'] == '$B' and d['parent'] == '0000:00:02.0'
     and d['type'] == 'i915-GVTg_V5_4' and d['placement'] == 'spread' and d['autostart'] is None"
run -c "$B" stop "$P3"
check "stop the mdev made with --json" '[ $status -eq 0 ]'
run -c "$A" -c "$B" --json list
expect_json "the created mdevs run where the notes said" \
    "sorted((e['host'], e['uuid'], e['defined']) for e in d if e['uuid'] in ('$P1', '$P2')) == sorted([('$A', '$P1', False), ('$B', '$P2', False)])"
run -c "$A" -c "$B" stop "$P1"
check "stop the transient mdev on host a" '[ $status -eq 0 ]'
run -c "$A" -c "$B" stop "$P2"
check "stop the transient mdev on host b" '[ $status -eq 0 ]'
run -c "$A" -c "$B" create --type i915-GVTg_V5_4 --parent 0000:00:04.0
check "create on a parent without that type fails" \
    '[ $status -eq 1 ] && echo "$err" | grep -q "i915-GVTg_V5_4"'

# Faults: one bad host is one line, the others are still listed
DEAD="nodedev:///system?socket=$WORK/dead-sock"
run -c "$A" -c "$DEAD" list --all
check "a dead socket: one line naming it, the other host listed, exit 1" \
    '[ $status -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] &&
     echo "$err" | grep -q "^mdevtool: error: $DEAD: " &&
     echo "$out" | grep -q "$A1" && echo "$out" | grep -q "$A2"'
run -c "$A" -c "not a uri" --json types
check "a malformed URI: refused by name, the other host listed, exit 1" \
    '[ $status -eq 1 ] && echo "$err" | grep -q "malformed connection URI .not a uri." &&
     echo "$out" | grep -q "\"host\" : \"$A\""'
run -c "$C" -c "$A" list --all
check "a host without a node-device driver: libvirt's message by URI, the other host listed" \
    '[ $status -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] &&
     echo "$err" | grep -q "^mdevtool: error: $C: .*nodedev" && echo "$out" | grep -q "$A1"'
run -c "$E" -c "$A" list --all
check "a host that refuses authentication: libvirt's message by URI, the other host listed" \
    '[ $status -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] &&
     echo "$err" | grep -q "^mdevtool: error: $E: .*[Aa]uth" && echo "$out" | grep -q "$A1"'
run -c "$D" define --type i915-GVTg_V5_8 --parent 0000:00:02.0 --uuid "$U"
check "a host without mdevctl: libvirt's message by URI, nothing defined" \
    '[ $status -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] &&
     echo "$err" | grep -q "^mdevtool: error: $D: .*mdevctl" &&
     [ ! -e "$WORK/d/conf/0000:00:02.0/$U" ]'
run -c "$D" -c "$A" parents
check "and that host's parents are still listed" \
    '[ $status -eq 0 ] && [ "$(echo "$out" | grep -c "^$D  *0000:00:0")" -eq 2 ] &&
     [ "$(echo "$out" | grep -c "^$A  *0000:00:0")" -eq 1 ]'

# On a terminal, a progress line counts the hosts while they answer and is
# wiped once they all have; elsewhere (above) stderr has none.
if command -v script >/dev/null; then
    SCRIPT_CMD="\"$MDEVTOOL\" -c \"$A\" -c \"$B\" list > $WORK/tty.out"
    if [ -n "$client_preload" ]; then
        SCRIPT_CMD="LD_PRELOAD=\"$client_preload\${LD_PRELOAD:+:\$LD_PRELOAD}\" $SCRIPT_CMD"
    fi
    script -qec "$SCRIPT_CMD" /dev/null > "$WORK/tty.err" 2>&1
    status=$?
    out=$(cat "$WORK/tty.out")
    err=$(tr '\r' '\n' < "$WORK/tty.err")
    check "a progress line on a terminal, wiped at the end" \
        '[ $status -eq 0 ] && echo "$err" | grep -q "^mdevtool: 0 of 2 hosts answered" &&
         grep -q "$(printf "\033")\[K" "$WORK/tty.err" && echo "$out" | grep -q "$A1"'
fi
run -c "$A" hostdev "$A1"
check "a command that works on this host only refuses -c" \
    '[ $status -eq 2 ] && echo "$err" | grep -q "acts on this host only"'

# A host that accepts the connection and never answers costs the timeout
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
time.sleep(120)' "$WORK/silent-sock" &
silent=$!
while [ ! -S "$WORK/silent-sock" ]; do sleep 0.1; done
SILENT="nodedev:///system?socket=$WORK/silent-sock"
begin=$(date +%s)
export MDEVTOOL_CONNECT_TIMEOUT=2
run -c "$SILENT" -c "$A" list
unset MDEVTOOL_CONNECT_TIMEOUT
took=$(($(date +%s) - begin))
check "a host that never answers costs the timeout, not more" \
    '[ $status -eq 1 ] && [ $took -le 8 ] && echo "$err" | grep -q "$SILENT: no answer within 2 seconds" &&
     echo "$out" | grep -q "$A1"'

# A host that stops answering once connected (as a daemon stopped after
# accepting): a relay to host b's daemon passes the connection's opening,
# then swallows everything from the first listing on. libvirt's keepalive
# ends the connection; without it the call would wait for good.
python3 -c 'import socket, sys, threading
REMOTE_PROGRAM, LIST_ALL_NODE_DEVICES = 0x20008086, 285
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1])
srv.listen(8)
def relay(client):
    daemon = socket.socket(socket.AF_UNIX)
    daemon.connect(sys.argv[2])
    stalled = threading.Event()
    def down():
        while True:
            data = daemon.recv(65536)
            if not data:
                return
            if not stalled.is_set():
                client.sendall(data)
    threading.Thread(target=down, daemon=True).start()
    buf = b""
    while True:
        data = client.recv(65536)
        if not data:
            break
        buf += data
        while not stalled.is_set() and len(buf) >= 16 and len(buf) >= int.from_bytes(buf[:4], "big"):
            n = int.from_bytes(buf[:4], "big")
            msg, buf = buf[:n], buf[n:]
            if (int.from_bytes(msg[4:8], "big"), int.from_bytes(msg[12:16], "big")) == \
                    (REMOTE_PROGRAM, LIST_ALL_NODE_DEVICES):
                stalled.set()
            else:
                daemon.sendall(msg)
    threading.Event().wait()
while True:
    conn, _ = srv.accept()
    threading.Thread(target=relay, args=(conn,), daemon=True).start()' \
    "$WORK/stall-sock" "$WORK/b/sock/libvirt-sock" &
stall=$!
while [ ! -S "$WORK/stall-sock" ]; do sleep 0.1; done
STALL="nodedev:///system?socket=$WORK/stall-sock"
begin=$(date +%s)
export MDEVTOOL_CONNECT_TIMEOUT=3
client_prefix="timeout 60"
run -c "$STALL" -c "$A" list --all
client_prefix=
unset MDEVTOOL_CONNECT_TIMEOUT
took=$(($(date +%s) - begin))
check "a host that stops answering after connecting costs seconds ($took s)" \
    '[ $status -eq 1 ] && [ $took -le 15 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] &&
     echo "$err" | grep -q "^mdevtool: error: $STALL: .*keepalive" && echo "$out" | grep -q "$A2"'

if [ ! -e "$WORK/reference-mdevctl-calls" ]; then
    ok "no call reached another mdevctl"
else
    not_ok "no call reached another mdevctl" "$(cat "$WORK/reference-mdevctl-calls")"
fi
finish
