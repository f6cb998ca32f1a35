#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The man pages keep up with the program: every command in the table of
# "mdevtool --help" has its subsection in mdevtool(8), the page has the
# sections a reader looks for, and every environment variable the library
# reads is documented. Prints TAP.
set -u

top=${G_TEST_SRCDIR:-$(dirname "$0")}/..
MDEVTOOL=${MDEVTOOL:-tools/mdevtool}
page8=$top/docs/mdevtool.8.rst
page5=$top/docs/mdevtool-config.5.rst
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-docs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C LANGUAGE=

n=0
status=0
check() {
    n=$((n + 1))
    if [ -s "$tmp/why" ]; then
        status=1
        echo "not ok $n - $1"
        sed -e 's/^/# /' "$tmp/why"
    else
        echo "ok $n - $1"
    fi
    : > "$tmp/why"
}

# Subsection titles of an rst file: a line followed by a line of dashes.
subsections() {
    awk 'prev != "" && /^-+$/ { print prev } { prev = $0 }' "$1"
}
sections() {
    awk 'prev != "" && /^=+$/ { print prev } { prev = $0 }' "$1"
}

echo "1..4"
: > "$tmp/why"

if ! "$MDEVTOOL" --help > "$tmp/help" 2>> "$tmp/why"; then
    echo "$MDEVTOOL --help failed" >> "$tmp/why"
elif ! grep -q '^Commands:' "$tmp/help"; then
    echo "no Commands: block in mdevtool --help" >> "$tmp/why"
fi
check "mdevtool --help lists its commands"

awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && NF { print $1 }' \
    "$tmp/help" > "$tmp/commands"
subsections "$page8" > "$tmp/documented"
while read -r cmd; do
    grep -qx -- "$cmd" "$tmp/documented" ||
        echo "command '$cmd' has no subsection in docs/mdevtool.8.rst" >> "$tmp/why"
done < "$tmp/commands"
check "every command has a subsection in mdevtool(8) ($(wc -l < "$tmp/commands") commands)"

sections "$page8" > "$tmp/sections"
for s in SYNOPSIS DESCRIPTION COMMANDS OPTIONS FILES ENVIRONMENT "EXIT STATUS" EXAMPLES \
         "SEE ALSO"; do
    grep -qx -- "$s" "$tmp/sections" || echo "mdevtool.8.rst lacks the section $s" >> "$tmp/why"
done
check "mdevtool(8) has all its sections"

# Every MDEV_ENV_* variable of the library is in mdevtool(8); the directory
# variables of the context are also in mdevtool-config(5).
env_vars() {
    sed -n 's/^#define MDEV_ENV_[A-Z_]* "\([A-Z_]*\)"$/\1/p' "$@"
}
env_vars "$top"/src/*.h | sort -u > "$tmp/vars"
env_vars "$top/src/mdev-context.h" > "$tmp/vars5"
[ -s "$tmp/vars5" ] || echo "no MDEV_ENV_* variables found in src/mdev-context.h" >> "$tmp/why"
while read -r var; do
    grep -q -- "\*\*$var\*\*" "$page8" ||
        echo "$var is not documented in $(basename "$page8")" >> "$tmp/why"
done < "$tmp/vars"
while read -r var; do
    grep -q -- "\*\*$var\*\*" "$page5" ||
        echo "$var is not documented in $(basename "$page5")" >> "$tmp/why"
done < "$tmp/vars5"
check "the environment variables are documented ($(wc -l < "$tmp/vars") variables)"

exit $status
