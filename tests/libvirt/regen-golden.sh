#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Produces the node-device XML golden files (tests/data/xml/*.xml) with the
# real libvirt node-device driver reading the same umockdev testbed that
# the XML tests build (tests/xml-testbeds.c), and records what
# `virsh nodedev-define` makes of each examples/nodedev-define-*.xml: the
# definition file mdevctl writes (tests/data/xml/define-*.{path,json}).
#
#   tests/libvirt/regen-golden.sh [--check] BUILDDIR
#
# BUILDDIR is a configured build tree where `make check` has built
# tests/libvirt/xml-testbed-run and tests/libvirt/nlshim.so. Without --check
# the files in the source tree are rewritten; with --check libvirt's output is
# compared with them and the script exits 1 on a difference (77 when libvirt
# cannot run here).
#
# Needs root (a private mount namespace), libvirtd and virsh (Debian packages
# libvirt-daemon, libvirt-clients) and mdevctl. Nothing outside the namespace
# changes: /run and /etc/mdevctl.d are fresh tmpfs mounts inside it.
#
# How it works:
#  - libvirtd runs with only the node-device driver (LIBVIRT_DRIVER_DIR), under
#    umockdev's preload library so udev enumeration sees the testbed, plus
#    nlshim.so (see tests/libvirt/nlshim.c for why the daemon needs it);
#  - libvirt learns definitions and attributes only from
#    `mdevctl list --dumpjson --defined`; the testbed's definitions are written
#    to the namespace's /etc/mdevctl.d and Debian's mdevctl reads them. mdevctl
#    runs without the umockdev preload: listing definitions needs no sysfs, so
#    the golden files depend only on what libvirtd itself reads from the
#    testbed.
set -eu

check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--check] BUILDDIR" >&2; exit 2; }

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(cd "$1" && pwd)
run="$builddir/tests/libvirt/xml-testbed-run"
shim="$builddir/tests/libvirt/nlshim.so"
nodedev_driver=
for d in /usr/lib/*/libvirt/connection-driver /usr/lib64/libvirt/connection-driver \
         /usr/lib/libvirt/connection-driver; do
    if [ -e "$d/libvirt_driver_nodedev.so" ]; then
        nodedev_driver="$d/libvirt_driver_nodedev.so"
        break
    fi
done

skip() {
    echo "regen-golden: cannot run libvirt here: $*" >&2
    exit 77
}

if [ "${MDEV_REGEN_IN_NAMESPACE:-}" != 1 ]; then
    [ -x "$run" ] && [ -e "$shim" ] || skip "build $run and $shim first (make check)"
    [ "$(id -u)" -eq 0 ] || skip "needs root for a private mount namespace"
    command -v libvirtd >/dev/null && command -v virsh >/dev/null || skip "libvirtd/virsh missing"
    command -v mdevctl >/dev/null || skip "mdevctl missing"
    [ -n "$nodedev_driver" ] || skip "libvirt's node-device driver is not installed"
    [ -d /etc/mdevctl.d ] || skip "/etc/mdevctl.d is missing (mdevctl is not installed properly)"
    unshare -m sh -c 'mount -t tmpfs tmpfs /run' 2>/dev/null ||
        skip "private mount namespaces with tmpfs mounts are not permitted"
    if [ $check = 1 ]; then
        exec unshare -m env MDEV_REGEN_IN_NAMESPACE=1 sh "$0" --check "$builddir"
    fi
    exec unshare -m env MDEV_REGEN_IN_NAMESPACE=1 sh "$0" "$builddir"
fi

# From here on: inside the private mount namespace. Preloads are set
# explicitly below for the processes that need them.
unset LD_PRELOAD
mount --make-rprivate /
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /etc/mdevctl.d
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
    if [ -d "$d" ]; then
        mount -t tmpfs tmpfs "$d"
    fi
done

work=$(mktemp -d /run/regen-golden.XXXXXX)
mkdir -p "$work/drivers" "$work/bin" "$work/out"
ln -s "$nodedev_driver" "$work/drivers/"
real_mdevctl=$(command -v mdevctl)
cat > "$work/bin/mdevctl" <<EOF
#!/bin/sh
echo "mdevctl \$*" >> "$work/mdevctl.log"
exec env -u LD_PRELOAD "$real_mdevctl" "\$@"
EOF
chmod +x "$work/bin/mdevctl"
cat > "$work/libvirtd.conf" <<EOF
log_filters="1:node_device 1:util.command 3:*"
log_outputs="1:file:$work/libvirtd.log"
EOF

# Runs on the testbed: start libvirtd, wait until the last case shows up,
# dump every case, stop the daemon.
cat > "$work/dump.sh" <<'EOF'
set -eu
work=$1
shift
LD_PRELOAD="libumockdev-preload.so.0:$SHIM" LIBVIRT_DRIVER_DIR="$work/drivers" \
    PATH="$work/bin:$PATH" \
    libvirtd --config "$work/libvirtd.conf" --pid-file "$work/libvirtd.pid" \
    >"$work/libvirtd.out" 2>&1 &
daemon=$!
status=0
tries=0
while :; do
    if env -u LD_PRELOAD virsh -q -c nodedev:///system nodedev-list --all \
           >"$work/list" 2>/dev/null &&
       grep -q "$LAST" "$work/list"; then
        break
    fi
    tries=$((tries + 1))
    if [ $tries -gt 100 ] || ! kill -0 $daemon 2>/dev/null; then
        echo "regen-golden: libvirtd did not list $LAST" >&2
        cat "$work/libvirtd.out" >&2
        status=1
        break
    fi
    sleep 0.2
done
if [ $status = 0 ]; then
    while read -r golden nodedev; do
        if ! env -u LD_PRELOAD virsh -c nodedev:///system nodedev-dumpxml "$nodedev" \
                 >"$work/out/$golden.xml"; then
            status=1
        fi
    done < "$work/cases"
fi
# What libvirt makes of the define examples: the definition file mdevctl
# writes for `virsh nodedev-define` (path relative to /etc/mdevctl.d, and
# contents).
if [ $status = 0 ]; then
    for example in "$EXAMPLES"/nodedev-define-*.xml; do
        kind=$(basename "$example" .xml)
        kind=${kind#nodedev-define-}
        find /etc/mdevctl.d -type f | sort > "$work/before"
        if ! env -u LD_PRELOAD virsh -q -c nodedev:///system nodedev-define "$example" \
                 >/dev/null; then
            status=1
            continue
        fi
        find /etc/mdevctl.d -type f | sort > "$work/after"
        new=$(comm -13 "$work/before" "$work/after")
        if [ -z "$new" ] || [ "$(echo "$new" | wc -l)" -ne 1 ]; then
            echo "regen-golden: nodedev-define $example wrote: $new" >&2
            status=1
            continue
        fi
        echo "${new#/etc/mdevctl.d/}" > "$work/out/define-$kind.path"
        cp "$new" "$work/out/define-$kind.json"
        echo "define-$kind.path" >> "$work/files"
        echo "define-$kind.json" >> "$work/files"
    done
fi
kill $daemon 2>/dev/null || true
wait $daemon 2>/dev/null || true
exit $status
EOF

"$run" --list > "$work/cases"
last=$(tail -n 1 "$work/cases" | cut -d' ' -f2)
: > "$work/files"
# umockdev's preload must be active for the testbed builder too
LD_PRELOAD=libumockdev-preload.so.0 SHIM="$shim" LAST="$last" EXAMPLES="$srcdir/examples" \
    "$run" /etc/mdevctl.d sh "$work/dump.sh" "$work"

dest="$srcdir/tests/data/xml"
status=0
mkdir -p "$dest"
while read -r golden nodedev; do
    # virsh ends the document with an empty line; the files do not keep it
    sed -e '${/^$/d}' "$work/out/$golden.xml" > "$work/out/$golden.trimmed"
    if [ $check = 1 ]; then
        # libvirt lists types in directory order, which depends on the
        # filesystem: compare as tests/test-xml-format does (whitespace and type
        # order normalised), show the raw difference
        if ! "$run" --compare "$dest/$golden.xml" "$work/out/$golden.trimmed"; then
            diff -u "$dest/$golden.xml" "$work/out/$golden.trimmed" || true
            status=1
        fi
    else
        cp "$work/out/$golden.trimmed" "$dest/$golden.xml"
        echo "  GEN  tests/data/xml/$golden.xml"
    fi
done < "$work/cases"
while read -r file; do
    if [ $check = 1 ]; then
        if ! cmp -s "$dest/$file" "$work/out/$file"; then
            diff -u "$dest/$file" "$work/out/$file" || true
            status=1
        fi
    else
        cp "$work/out/$file" "$dest/$file"
        echo "  GEN  tests/data/xml/$file"
    fi
done < "$work/files"
exit $status
