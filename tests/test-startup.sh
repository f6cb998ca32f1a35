#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a command that does not parse XML loads at start-up: libxml2 (and
# ICU and libstdc++ behind it) is opened on the first parse only. Asked of
# the dynamic loader (LD_DEBUG). TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL.
set -u

W=$(mktemp -d "${TMPDIR:-/tmp}/mdev-startup-XXXXXX")
trap 'rm -rf "$W"' EXIT

echo "1..2"
LD_DEBUG=libs "$MDEVTOOL" --version > "$W/out" 2> "$W/libs"
if [ "$?" = 0 ] && grep -q "calling init: .*libglib-2.0" "$W/libs"; then
    echo "ok 1 - the loader reports what mdevtool --version loads"
else
    echo "not ok 1 - the loader reports what mdevtool --version loads"
    sed 's/^/# /' "$W/libs" | tail -5
fi
if grep -E "calling init: .*(libxml2|libicu)" "$W/libs" > "$W/found"; then
    echo "not ok 2 - mdevtool --version does not load libxml2 or ICU"
    sed 's/^/# /' "$W/found"
else
    echo "ok 2 - mdevtool --version does not load libxml2 or ICU"
fi
