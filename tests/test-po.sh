#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The translation catalog stays in step with the sources: po/POTFILES.in is
# sorted and lists exactly the files that mark strings for translation, the
# committed template holds exactly their messages, and every language in
# po/LINGUAS compiles. Prints TAP.
set -u

top=${G_TEST_SRCDIR:-$(dirname "$0")}/..
cd "$top" || exit 99
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-po.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

n=0
status=0
ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    status=1
    echo "not ok $n - $1"
    sed -e 's/^/# /' "$tmp/why"
}
skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}

echo "1..5"

grep -v -e '^#' -e '^[[:space:]]*$' po/POTFILES.in > "$tmp/listed"

if sort -c -u "$tmp/listed" 2> "$tmp/why"; then
    ok "POTFILES.in is sorted without duplicates"
else
    not_ok "POTFILES.in is sorted without duplicates"
fi

: > "$tmp/why"
while read -r f; do
    [ -f "$f" ] || echo "listed but missing: $f" >> "$tmp/why"
done < "$tmp/listed"
if [ -s "$tmp/why" ]; then
    not_ok "every file in POTFILES.in exists"
else
    ok "every file in POTFILES.in exists"
fi

# A file marks strings with _(), N_(), C_() or NC_(), not preceded by a
# character of an identifier (so g_strdup_(...) would not count).
find src tools -name '*.[ch]' -print |
    xargs grep -l -E '(^|[^A-Za-z0-9_])(N|C|NC)?_\(' | sort > "$tmp/marking"
sort -u "$tmp/listed" > "$tmp/listed-sorted"
if comm -23 "$tmp/marking" "$tmp/listed-sorted" > "$tmp/why" && [ ! -s "$tmp/why" ]; then
    ok "every file that marks strings is in POTFILES.in"
else
    sed -i -e 's/^/not listed: /' "$tmp/why"
    not_ok "every file that marks strings is in POTFILES.in"
fi

# The same extraction as po/Makevars asks for, compared by message: line
# numbers and dates may differ, the set of messages may not.
options=$(sed -n -e '/^XGETTEXT_OPTIONS *=/,/[^\\]$/p' po/Makevars |
          sed -e 's/^XGETTEXT_OPTIONS *=//' -e 's/\\$//' | tr '\n' ' ')
if ! command -v xgettext > /dev/null || ! command -v msgcmp > /dev/null; then
    skip "po/mdevtool.pot holds the sources' messages" "xgettext or msgcmp not found"
else
    # shellcheck disable=SC2086
    if xgettext $options --add-comments=TRANSLATORS: --files-from=po/POTFILES.in \
                -o "$tmp/fresh.pot" 2> "$tmp/why" &&
       msgcmp --use-untranslated po/mdevtool.pot "$tmp/fresh.pot" > "$tmp/why" 2>&1 &&
       msgcmp --use-untranslated "$tmp/fresh.pot" po/mdevtool.pot > "$tmp/why" 2>&1; then
        ok "po/mdevtool.pot holds the sources' messages"
    else
        echo "run 'make update-po' and commit po/mdevtool.pot and po/*.po" >> "$tmp/why"
        not_ok "po/mdevtool.pot holds the sources' messages"
    fi
fi

: > "$tmp/why"
for lang in $(grep -v '^#' po/LINGUAS); do
    if [ ! -f "po/$lang.po" ]; then
        echo "po/$lang.po is missing" >> "$tmp/why"
    elif ! msgfmt -c -o /dev/null "po/$lang.po" >> "$tmp/why" 2>&1; then
        echo "po/$lang.po does not compile" >> "$tmp/why"
    fi
done
if [ -s "$tmp/why" ]; then
    not_ok "every language in LINGUAS has a valid catalog"
else
    ok "every language in LINGUAS has a valid catalog"
fi

exit $status
