#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The generated udev rule, systemd unit and libvirt hook script name the
# configured binary, and
# make install says how to enable the unit.
# Usage: test-data.sh BINDIR BUILDDIR   (TAP output)
set -u
bindir=$1
builddir=$2
rule="$builddir/data/60-mdevtool.rules"
unit="$builddir/data/mdevtool-autostart.service"
hook="$builddir/data/50-mdevtool"
n=0
fail=0
check() {
    n=$((n + 1))
    if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=1; fi
}
echo "1..11"
check "rule has no placeholder left" "! grep -q '@[a-z]*@' '$rule'"
check "rule runs the configured binary" \
    "[ \$(grep -c \"RUN+=\\\"/bin/sh -c '$bindir/mdevtool --verbose start-parent\" '$rule') -eq 3 ]"
check "rule reacts to registration and to add" \
    "grep -q 'ENV{MDEV_STATE}==\"registered\"' '$rule' && grep -q 'ACTION==\"add\"' '$rule'"
check "rule reacts to the VFs of a card appearing and binding" \
    "grep -q 'ACTION==\"add|bind\", SUBSYSTEM==\"pci\", TEST==\"physfn\"' '$rule'"
check "unit is ordered after the NVIDIA services without requiring them" \
    "grep -qx 'After=nvidia-vgpud.service nvidia-vgpu-mgr.service' '$unit' && ! grep -q '^Requires=.*nvidia' '$unit'"
check "unit has no placeholder left" "! grep -q '@[a-z]*@' '$unit'"
check "unit runs the configured binary" \
    "grep -qx 'ExecStart=$bindir/mdevtool --verbose start-parent --all' '$unit'"
if command -v systemd-analyze >/dev/null 2>&1; then
    check "systemd-analyze accepts the unit" \
        "systemd-analyze verify --man=no '$unit' 2>&1 | grep -v -e 'libvirtd' -e 'virtqemud' -e 'mdevtool: .*No such file' | grep -q . && false || true"
else
    n=$((n + 1)); echo "ok $n # SKIP systemd-analyze is not installed"
fi
check "hook script is executable and has no placeholder left" \
    "[ -x '$hook' ] && ! grep -q '@[a-z]*@' '$hook'"
check "hook script execs the configured binary's hook command" \
    "grep -qx \"exec '$bindir/mdevtool' hook \\\"\\\$@\\\"\" '$hook' && sh -n '$hook'"
check "make install says how to enable the unit" \
    "make -s -C '$builddir' print-autostart-hint 2>&1 | grep -q 'systemctl enable mdevtool-autostart.service'"
exit $fail
