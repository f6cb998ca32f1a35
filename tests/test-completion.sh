#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The bash completion (data/mdevtool.bash-completion) driven as bash drives
# it: the script is sourced in a non-interactive bash on a simulated host,
# COMP_WORDS and COMP_CWORD are set as readline sets them for a command
# line, the completion function runs, and COMPREPLY is compared. Commands
# and options are also checked against what "mdevtool --help", each
# command's --help and the mdevctl front end's --help list. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
set -u

COMPLETION="$G_TEST_SRCDIR/../data/mdevtool.bash-completion"
SIM_NAME=completion
. "$G_TEST_SRCDIR/sim-lib.sh"
if ! command -v bash > /dev/null; then
    echo "1..0 # SKIP bash is not installed"
    exit 0
fi

# mdevtool, mdevctl and lsmdev on PATH, all the binary under test
mkdir -p "$W/other"
ln -s "$MDEVTOOL" "$W/bin/mdevtool"
ln -s "$MDEVTOOL" "$W/bin/lsmdev"
# virsh as far as the completion asks it: the domains of two URIs
cat > "$W/bin/virsh" <<'VIRSH'
#!/bin/sh
[ "$1 $2 $4 $5 $6" = "-q -c list --all --name" ] || exit 1
case $3 in
qemu:///system) printf '%s\n' vm-a vm-b ;;
test:///default) printf '%s\n' test ;;
*) exit 1 ;;
esac
VIRSH
chmod +x "$W/bin/virsh"
# a mdevctl that is not mdevtool
printf '#!/bin/sh\nexit 0\n' > "$W/other/mdevctl"
chmod +x "$W/other/mdevctl"

cat > "$W/lib.bash" <<'LIB'
set -u
export LC_ALL=C

# COMP_WORDS as readline splits LINE (the cursor at its end): at blanks,
# and a run of the COMP_WORDBREAKS characters ':' and '=' is a word of its
# own; quoted and backslash-escaped characters do not split.
split_line() {
    local line=$1 i c word='' quote='' breaks=':='
    COMP_WORDS=()
    for ((i = 0; i < ${#line}; i++)); do
        c=${line:i:1}
        if [[ -n $quote ]]; then
            word+=$c
            [[ $c == "$quote" ]] && quote=''
        elif [[ $c == '\' ]]; then
            word+=$c${line:i+1:1}
            i=$((i + 1))
        elif [[ $c == [\"\'] ]]; then
            quote=$c
            word+=$c
        elif [[ $c == [[:space:]] ]]; then
            [[ -n $word ]] && COMP_WORDS+=("$word")
            word=''
        elif [[ $breaks == *"$c"* ]]; then
            [[ -n $word && $word != *[!$breaks]* ]] || { [[ -n $word ]] && COMP_WORDS+=("$word"); word=''; }
            word+=$c
        else
            [[ -n $word && $word != *[!$breaks]* ]] && { COMP_WORDS+=("$word"); word=''; }
            word+=$c
        fi
    done
    COMP_WORDS+=("$word")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
}

# Runs the completion registered for the first word of LINE; prints the
# sorted COMPREPLY on one line.
complete_line() {
    local spec func
    split_line "$1"
    spec=$(complete -p -- "${COMP_WORDS[0]}" 2> /dev/null) || { echo "(no completion)"; return; }
    func=${spec#*-F }
    func=${func%% *}
    COMPREPLY=()
    "$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd ' ' -
}

n=0
# expect NAME LINE EXPECTED: the completion of LINE must be EXPECTED
expect() {
    local got
    got=$(complete_line "$2")
    if [[ $got == "$3" ]]; then
        echo "PASS $1"
    else
        echo "FAIL $1"
        echo "# line:     $2"
        echo "# expected: $3"
        echo "# got:      $got"
    fi
}
sorted() { printf '%s\n' "$@" | LC_ALL=C sort | paste -sd ' ' -; }
LIB

# Runs the bash script $1 on the simulated host $2; its PASS/FAIL lines
# are collected in $W/results.
run() {
    printf '%s\n' "$1" > "$W/case.bash"
    PATH="$W/bin:$PATH" COMPLETION="$COMPLETION" LIB="$W/lib.bash" \
        "$MDEVSIM" --host "$2" -- bash -c '. "$LIB"; . "$COMPLETION"; . "$0"' "$W/case.bash" \
        >> "$W/results" 2> "$W/stderr" ||
        { echo "FAIL the script on $2 ran to its end"; sed 's/^/# /' "$W/stderr"; } >> "$W/results"
}
: > "$W/results"

# ---------------------------------------------------------------- drift
run '
commands=$(mdevtool --help | awk "/^Commands:/ { on = 1; next } on && /^\$/ { exit } on && NF { print \$1 }")
expect "every command of mdevtool --help" "mdevtool " "$(sorted $commands)"
expect "commands by prefix" "mdevtool st" "start start-parent stop"
for cmd in $commands; do
    options=$(mdevtool "$cmd" --help | grep -oE "^ +(-[a-zA-Z?], )?--[a-z-]+" | grep -oE -- "--[a-z-]+")
    expect "options of $cmd as in its --help" "mdevtool $cmd --" \
        "$(sorted $(printf "%s\n" $options --json --quiet --verbose --connect | sort -u))"
done
global=$(mdevtool --help-all | grep -oE "^ +(-[a-zA-Z?], )?--[a-z-]+" | grep -oE -- "--[a-z-]+" | grep -v -- "--help-")
expect "global options as in mdevtool --help" "mdevtool --" "$(sorted $global)"
commands=$(mdevctl --help | awk "/^SUBCOMMANDS:/ { on = 1; next } on && NF { print \$1 }")
expect "every command of mdevctl --help" "mdevctl " "$(sorted $commands)"
for cmd in $commands; do
    [ "$cmd" = help ] && continue
    options=$(mdevctl "$cmd" --help | grep -oE "^ +(-[a-zA-Z], )? *--[a-z-]+" | grep -oE -- "--[a-z-]+")
    expect "options of mdevctl $cmd as in its --help" "mdevctl $cmd --" "$(sorted $options)"
done
options=$(lsmdev --help | grep -oE "^ +(-[a-zA-Z], )? *--[a-z-]+" | grep -oE -- "--[a-z-]+")
expect "options of lsmdev as in its --help" "lsmdev --" "$(sorted $options)"
' samples.json

# ------------------------------------------------------------ live values
run '
expect "parents after --parent" "mdevtool types --parent " "mbochs mdpy mtty"
expect "parents after -p, by prefix" "mdevtool list -p mt" "mtty"
expect "parents after --parent=" "mdevtool types --parent=md" "mdpy"
expect "types by id and by name" "mdevtool create --type mtty" "mtty-1 mtty-2"
expect "types by name" "mdevtool create -t Dual" "Dual port serial"
expect "a type name being quoted" "mdevtool create -t \"Single p" "Single port serial"
expect "a type name with escaped blanks" "mdevtool create -t Single\\ p" "Single port serial"
expect "a policy" "mdevtool create --policy " "pack spread"
expect "a hostdev model" "mdevtool hostdev --model vfio-c" "vfio-ccw"
expect "display on or off" "mdevtool hostdev --display=" "off on"
expect "the subject of doctor: parents and types" "mdevtool doctor mb" \
    "mbochs mbochs-large mbochs-medium mbochs-small"
expect "the parent of start-parent" "mdevtool start-parent m" "mbochs mdpy mtty"
expect "after the global -c and its value" "mdevtool -c qemu:///system ty" "types"
expect "after --json" "mdevtool --json p" "parents"
expect "no UUID on a host without devices" "mdevtool stop " ""
expect "options after arguments" "mdevtool start --parent mtty --" \
    "--connect --help --json --parent --quiet --uuid --verbose"
expect "a URI after the command" "mdevtool list -c qemu:///system --j" "--json"
' samples.json

run '
expect "UUIDs of active and defined devices" "mdevtool start " \
    "4b20d080-1b54-4048-85b3-a6a62d165c01 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"
expect "UUIDs by prefix" "mdevtool undefine 83" "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"
expect "UUIDs after --uuid" "mdevtool list --uuid=4" "4b20d080-1b54-4048-85b3-a6a62d165c01"
expect "one argument only" "mdevtool stop 4b20d080-1b54-4048-85b3-a6a62d165c01 " ""
expect "devices and parents for dumpxml" "mdevtool dumpxml " \
    "0000:00:02.0 4b20d080-1b54-4048-85b3-a6a62d165c01 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"
expect "a PCI address after its last colon" "mdevtool types --parent 0000:00:0" "02.0"
expect "a PCI address after a colon" "mdevtool types --parent 0000:" "00:02.0"
expect "the options of a command" "mdevtool modify 4b20d080-1b54-4048-85b3-a6a62d165c01 --a" \
    "--address --attr --auto"
expect "domains from virsh" "mdevtool attach " "vm-a vm-b"
expect "domains of the -c URI" "mdevtool -c test:///default detach " "test"
expect "domains of the -c URI after the command" "mdevtool attach --connect=test:///default t" "test"
expect "detach: UUIDs after the domain" "mdevtool detach vm-a " \
    "4b20d080-1b54-4048-85b3-a6a62d165c01 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"
expect "detach: nothing after the UUID" "mdevtool detach vm-a 4b20d080-1b54-4048-85b3-a6a62d165c01 " ""
' intel-gvtg.json

run '
expect "VFs after the last colon" "mdevtool types -p 0000:41:00." "00.4 00.5 00.6 00.7"
expect "type names with blanks" "mdevtool create --type NVIDIA\\ A40-4" "NVIDIA A40-48Q NVIDIA A40-4A NVIDIA A40-4Q"
' nvidia-sriov.json

# --------------------------------------------------------- mdevctl names
run '
expect "mdevctl commands by prefix" "mdevctl st" "start stop"
expect "mdevctl parents" "mdevctl types --parent m" "mbochs mdpy mtty"
expect "mdevctl types" "mdevctl define -p mtty -t mtty-" "mtty-1 mtty-2"
expect "mdevctl --opt=value" "mdevctl start --parent=mt" "mtty"
expect "mdevctl global options" "mdevctl --" "--help --version"
expect "mdevctl help COMMAND" "mdevctl help mo" "modify"
expect "lsmdev options" "lsmdev --d" "--defined --dumpjson"
expect "lsmdev parents" "lsmdev -p md" "mdpy"
' samples.json

# a real mdevctl keeps its own completion
printf '%s\n' 'expect "no mdevtool completion for another mdevctl" "mdevctl st" "(no completion)"' \
    > "$W/case.bash"
PATH="$W/other:$W/bin:$PATH" LIB="$W/lib.bash" COMPLETION="$COMPLETION" \
    "$MDEVSIM" --host samples.json -- bash -c '. "$LIB"; . "$COMPLETION"; . "$0"' \
    "$W/case.bash" >> "$W/results" 2>&1

count=$(grep -c '^\(PASS\|FAIL\) ' "$W/results")
if [ "$count" -ge 40 ]; then
    echo "PASS all $count cases ran" >> "$W/results"
else
    echo "FAIL only $count cases ran" >> "$W/results"
fi
tap_from_results "$W/results"
