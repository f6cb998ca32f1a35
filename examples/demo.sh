#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A tour of mdevtool on simulated hosts: the kernel's sample drivers (mtty,
# mdpy, mbochs) as examples/hosts/samples.json describes them, then both vGPU
# models in one inventory (examples/hosts/nvidia-mixed.json: NVIDIA cards
# whose VFs are the vGPUs beside the mtty sample's mdevs). Nothing on the
# real host is touched: the simulator provides sysfs, and definitions and
# locks go to a scratch directory.
#
# Environment: MDEVTOOL (the binary), MDEVSIM (the simulated kernel), srcdir
# (the source tree). "make demo" sets all three.
set -eu

srcdir=${srcdir:-$(dirname "$0")/..}
MDEVTOOL=${MDEVTOOL:-tools/mdevtool}
MDEVSIM=${MDEVSIM:-tests/mdevsim}

absolute() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
    esac
}

# The command names from the "Commands:" block of --help, one per line.
# Parsed in the C locale, where the heading is not translated.
list_commands() {
    LC_ALL=C LANGUAGE= "$MDEVTOOL" --help |
        awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && NF { print $1 }'
}

has_command() {
    printf '%s\n' "$commands" | grep -qx -- "$1"
}

# Shows the command line, then runs it; a failing command fails the demo.
show() {
    printf '\n$ mdevtool %s\n' "$*"
    "$MDEVTOOL" "$@"
}

skipped() {
    printf '\n(mdevtool %s: not available in this build yet)\n' "$1"
}

tour() {
    uuid=
    if has_command types; then show types; else skipped types; fi
    if has_command create; then
        printf '\n$ mdevtool create --type mtty-2\n'
        uuid=$("$MDEVTOOL" create --type mtty-2)
        printf '%s\n' "$uuid"
    else
        skipped create
    fi
    if has_command list; then show list; else skipped list; fi
    if ! has_command dumpxml; then
        skipped dumpxml
    elif [ -n "$uuid" ]; then
        show dumpxml "$uuid"
    else
        printf '\n(mdevtool dumpxml: no device was created to show)\n'
    fi
}

# Both models side by side: an NVIDIA VF vGPU (named by its VF's address)
# and an mdev (named by its UUID) in one listing, and what libvirt needs of
# the VF vGPU.
nvidia_tour() {
    show parents
    printf '\n$ mdevtool create --type "NVIDIA L40S-2Q"\n'
    address=$("$MDEVTOOL" create --type "NVIDIA L40S-2Q")
    printf '%s\n' "$address"
    printf '\n$ mdevtool create --type mtty-2\n'
    "$MDEVTOOL" create --type mtty-2
    show list
    show hostdev "$address"
    show dumpxml "$address"
}

MDEVTOOL=$(absolute "$MDEVTOOL")
srcdir=$(absolute "$srcdir")
host_file=$srcdir/examples/hosts/samples.json
[ -x "$MDEVTOOL" ] || {
    echo "demo: $MDEVTOOL is not built; run make first" >&2
    exit 1
}

if [ "${1:-}" = --inside-simulator ]; then
    commands=$(list_commands)
    tour
    exit 0
fi
if [ "${1:-}" = --inside-nvidia-simulator ]; then
    nvidia_tour
    exit 0
fi

if [ ! -x "$MDEVSIM" ]; then
    echo "demo: the simulated kernel ($MDEVSIM) is not built yet, so there is no"
    echo "demo: host to show; here is what mdevtool offers:"
    echo
    "$MDEVTOOL" --help
    exit 0
fi
[ -f "$host_file" ] || {
    echo "demo: host description $host_file is missing" >&2
    exit 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mdevtool-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/conf" "$scratch/state" "$scratch/lib"
MDEVTOOL_CONF_DIR=$scratch/conf
MDEVTOOL_STATE_DIR=$scratch/state
MDEVTOOL_LIB_DIR=$scratch/lib
export MDEVTOOL MDEVTOOL_CONF_DIR MDEVTOOL_STATE_DIR MDEVTOOL_LIB_DIR srcdir

echo "demo: simulated host $host_file"
# One simulator run for the whole tour, so the device that create makes is
# still there for list and dumpxml.
"$(absolute "$MDEVSIM")" --host "$host_file" -- \
    /bin/sh "$(absolute "$0")" --inside-simulator

nvidia_host=$srcdir/examples/hosts/nvidia-mixed.json
commands=$(list_commands)
if [ -f "$nvidia_host" ] && has_command hostdev; then
    rm -rf "$scratch/conf" "$scratch/state"
    mkdir -p "$scratch/conf" "$scratch/state"
    echo
    echo "demo: simulated host $nvidia_host"
    "$(absolute "$MDEVSIM")" --host "$nvidia_host" -- \
        /bin/sh "$(absolute "$0")" --inside-nvidia-simulator
fi
