#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The packaged callout directory is /usr/lib/mdevctl whatever the prefix,
# where mdevctl and vendor scripts such as s390-tools' ap-check install
# theirs, unless configure was told otherwise. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, G_TEST_BUILDDIR.
set -u

W=$(mktemp -d "${TMPDIR:-/tmp}/mdev-callout-dir-XXXXXX")
trap 'rm -rf "$W"' EXIT

echo "1..1"
config=$("$G_TEST_BUILDDIR/../config.status" --config)
case "$config" in
*--with-mdevlibdir*)
    echo "ok 1 # SKIP configured with --with-mdevlibdir: $config"
    exit 0
    ;;
esac

# a define runs the pre callouts, whose search the debug log shows
mkdir -p "$W/conf" "$W/state"
env -u MDEVTOOL_LIB_DIR G_MESSAGES_DEBUG=all MDEVTOOL_CONF_DIR="$W/conf" \
    MDEVTOOL_STATE_DIR="$W/state" \
    "$MDEVTOOL" define --parent mdev-test-parent --type mdev-test-type > "$W/log" 2>&1
if grep -q "looking for callouts in '/usr/lib/mdevctl/scripts.d/callouts'" "$W/log" &&
    grep -q "looking for callouts in '$W/conf/scripts.d/callouts'" "$W/log"; then
    echo "ok 1 - callouts are looked for in /usr/lib/mdevctl ($config)"
else
    echo "not ok 1 - callouts are looked for in /usr/lib/mdevctl ($config)"
    grep 'looking for' "$W/log" | sed 's/^/# /'
fi
