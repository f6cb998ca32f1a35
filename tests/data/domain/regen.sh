#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Turns the hand-written domains in input/ into the documents libvirt's QEMU
# driver hands a hook and `virsh dumpxml` prints: each is defined in a
# private embedded QEMU driver (qemu:///embed, a scratch root, nothing of
# the host's libvirt touched) and dumped into this directory under the same
# name. Inputs libvirt would refuse or rewrite (the *-invalid.* files) are
# not inputs here; they are written by hand.
#
#   tests/data/domain/regen.sh
#
# Needs virsh and the QEMU driver (Debian packages libvirt-clients,
# libvirt-daemon-driver-qemu, qemu-system-x86). Run as root, the driver is
# started as the user nobody: Debian's privileged driver wants the
# libvirt-qemu user, which only the full daemon package creates.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d "${TMPDIR:-/tmp}/mdev-domain-regen-XXXXXX")
trap 'rm -rf "$root"' EXIT

run_virsh() {
    if [ "$(id -u)" = 0 ]; then
        chown nobody "$root"
        setpriv --reuid=nobody --regid=nogroup --clear-groups \
            env HOME="$root" XDG_CACHE_HOME="$root" virsh -q -c "qemu:///embed?root=$root" "$@"
    else
        env HOME="$root" XDG_CACHE_HOME="$root" virsh -q -c "qemu:///embed?root=$root" "$@"
    fi
}

for input in "$here"/input/*.xml; do
    name=$(sed -n 's:^ *<name>\(.*\)</name>.*:\1:p' "$input" | head -n 1)
    cp "$input" "$root/input.xml"
    chmod 644 "$root/input.xml"
    run_virsh "define $root/input.xml; dumpxml $name; undefine $name" > "$root/out.xml" 2>/dev/null
    # virsh ends its output with an empty line of its own
    sed -e '$ { /^$/ d }' "$root/out.xml" > "$here/$(basename "$input")"
done
