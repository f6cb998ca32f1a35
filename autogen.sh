#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerate the build system; extra arguments go to configure.
set -e
srcdir=$(dirname "$0")
test -n "$srcdir" || srcdir=.
cd "$srcdir"
autopoint --force
autoreconf --force --install --verbose
# automake installs tap-driver.sh only on request; the tests use it.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/
cd - >/dev/null
if [ -z "$NOCONFIGURE" ]; then
    "$srcdir"/configure "$@"
fi
