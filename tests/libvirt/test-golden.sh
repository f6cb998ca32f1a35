#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# TAP wrapper: runs the real libvirt node-device driver on the XML testbed
# and compares its output with tests/data/xml (regen-golden.sh --check).
srcdir=${G_TEST_SRCDIR:-$(dirname "$0")/..}
builddir=${G_TEST_BUILDDIR:-.}/..
echo "1..1"
out=$(sh "$srcdir/libvirt/regen-golden.sh" --check "$builddir" 2>&1)
status=$?
echo "$out" | sed 's/^/# /'
case $status in
    0) echo "ok 1 /libvirt/golden/nodedev-dumpxml-and-define" ;;
    77) echo "ok 1 /libvirt/golden/nodedev-dumpxml-and-define # SKIP $(echo "$out" | tail -n 1)" ;;
    *) echo "not ok 1 /libvirt/golden/nodedev-dumpxml-and-define" ;;
esac
