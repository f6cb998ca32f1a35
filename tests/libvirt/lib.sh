# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Shared by the tests that run a real libvirtd on a simulated host
# (test-mdevctl.sh, test-fleet.sh): prerequisites, the private state of a
# daemon's mount namespace, its configuration, and a real mdevctl made
# unrunnable. Sourced; defines functions only. A test that starts a daemon
# with other drivers (QEMU's) passes them to libvirt_link_drivers.

skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

# find_driver NAME: the path of libvirt's connection driver NAME (nodedev,
# qemu, ...), empty when it is not installed
find_driver() {
    for d in /usr/lib/*/libvirt/connection-driver /usr/lib64/libvirt/connection-driver \
             /usr/lib/libvirt/connection-driver; do
        if [ -e "$d/libvirt_driver_$1.so" ]; then
            echo "$d/libvirt_driver_$1.so"
            return
        fi
    done
}

# libvirt_require PROGRAM...: skips the whole test (visibly) unless the
# programs, libvirt's node-device driver, the simulator, mdevtool and the
# netlink shim are there and this is root with mount namespaces
libvirt_require() {
    for program in "$@"; do
        command -v "$program" >/dev/null || skip_all "$program is not installed"
    done
    [ -n "$(find_driver nodedev)" ] || skip_all "libvirt's node-device driver is not installed"
    [ -n "${MDEVSIM:-}" ] && [ -x "$MDEVSIM" ] || skip_all "the simulator (MDEVSIM) is not built"
    [ -n "${MDEVTOOL:-}" ] && [ -x "$MDEVTOOL" ] || skip_all "mdevtool (MDEVTOOL) is not built"
    [ -n "${NLSHIM:-}" ] && [ -e "$NLSHIM" ] || skip_all "nlshim.so (NLSHIM) is not built"
    [ "$(id -u)" -eq 0 ] || skip_all "needs root for private mount namespaces"
    unshare -m true 2>/dev/null || skip_all "unshare -m is not permitted"
}

# libvirt_private_state: in a new mount namespace, a /run and libvirt state
# directories of its own, so that nothing of the host's is seen or changed
libvirt_private_state() {
    mount --make-rprivate /
    mount -t tmpfs tmpfs /run
    for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
        if [ -d "$d" ]; then
            mount -t tmpfs tmpfs "$d"
        fi
    done
}

# libvirt_link_drivers DIR NAME...: DIR holds the named connection drivers
# (for LIBVIRT_DRIVER_DIR) and nothing else
libvirt_link_drivers() {
    dir=$1
    shift
    mkdir -p "$dir"
    for name in "$@"; do
        ln -s "$(find_driver "$name")" "$dir/"
    done
}

# libvirt_daemon_conf FILE LOG [LINE...]: a configuration that logs the
# node-device driver and the commands it runs to LOG
libvirt_daemon_conf() {
    conf=$1
    log=$2
    shift 2
    {
        echo 'log_filters = "1:node_device 1:util.command 3:*"'
        echo "log_outputs = \"1:file:$log\""
        for line in "$@"; do
            echo "$line"
        done
    } > "$conf"
}

# libvirt_mdevctl_stub STUB CALLS: writes STUB, a stand-in for a real
# mdevctl that appends its arguments to CALLS and fails
libvirt_mdevctl_stub() {
    printf '#!/bin/sh\necho "$0 $*" >> %s\nexit 127\n' "$2" > "$1"
    chmod 755 "$1"
}

# libvirt_hide_mdevctl STUB: in this mount namespace every installed
# mdevctl other than mdevtool is STUB, so a call that works reached mdevtool
libvirt_hide_mdevctl() {
    for real in /usr/bin/mdevctl /usr/sbin/mdevctl /usr/local/bin/mdevctl \
                /usr/local/sbin/mdevctl /bin/mdevctl /sbin/mdevctl; do
        if [ -e "$real" ] && [ "$(readlink -f "$real")" != "$(readlink -f "$MDEVTOOL")" ]; then
            mount --bind "$1" "$real"
        fi
    done
}
