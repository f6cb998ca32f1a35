#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# What mdevtool loads at start-up. libvirt is opened only by commands given
# -c, libxml2 (and ICU and libstdc++ behind it) only on the first XML parse,
# libudev only by the monitor and for parents with a device node or not
# registered: the commands that need none of them never map them; no JSON
# library and no GIO is loaded by any (JSON is the library's own parser and
# writer), nor GObject and libffi behind it (the context and the monitor are
# plain reference-counted structs); an executable built with GLib in it maps
# no shared GLib. The
# dynamic loader's own trace (LD_DEBUG=files) says which libraries the
# process opened. TAP output.
#
# Environment (from tests/Makefile.am.inc): MDEVTOOL, G_TEST_BUILDDIR, STATIC_GLIB
# (configure's finding: yes when the executable carries GLib).
set -u

W=$(mktemp -d "${TMPDIR:-/tmp}/mdev-startup-XXXXXX")
trap 'rm -rf "$W"' EXIT
n=0
failed=0

ok() {
    n=$((n + 1))
    echo "ok $n $1"
}
not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n $1"
    sed 's/^/# /' "$2" | tail -n 20
}

# loads PATTERN FILE: the trace in FILE shows a library matching PATTERN opened
loads() {
    grep -Eq "file=($1)" "$2"
}

# The umockdev preload of make check is not needed here and would add its
# own libraries to the trace.
for args in "--version" "list" "--json list --all" "types" "parents" "list --help"; do
    # shellcheck disable=SC2086
    env -u LD_PRELOAD LD_DEBUG=files "$MDEVTOOL" $args > "$W/out" 2> "$W/trace"
    if ! loads 'libc\.so' "$W/trace"; then
        not_ok "the loader's trace is readable for 'mdevtool $args'" "$W/trace"
        continue
    fi
    if loads 'libvirt\.so' "$W/trace"; then
        not_ok "'mdevtool $args' does not load libvirt" "$W/trace"
    else
        ok "'mdevtool $args' does not load libvirt"
    fi
    if loads 'libxml2|libicu' "$W/trace"; then
        not_ok "'mdevtool $args' does not load libxml2 or ICU" "$W/trace"
    else
        ok "'mdevtool $args' does not load libxml2 or ICU"
    fi
    if loads 'libudev\.so' "$W/trace"; then
        not_ok "'mdevtool $args' does not load libudev" "$W/trace"
    else
        ok "'mdevtool $args' does not load libudev"
    fi
    # built with GLib in the executable (configure's summary), no shared one
    if [ "${STATIC_GLIB:-no}" = yes ] && loads 'libglib|libpcre2' "$W/trace"; then
        not_ok "'mdevtool $args' carries GLib and loads no shared one" "$W/trace"
    elif [ "${STATIC_GLIB:-no}" = yes ]; then
        ok "'mdevtool $args' carries GLib and loads no shared one"
    fi
    if loads 'libjson-c|libjson-glib|libgio|libmount|libselinux|libblkid|libgmodule' "$W/trace"; then
        not_ok "'mdevtool $args' does not load a JSON library, GIO or what GIO pulls in" "$W/trace"
    else
        ok "'mdevtool $args' does not load a JSON library, GIO or what GIO pulls in"
    fi
    if loads 'libgobject|libffi' "$W/trace"; then
        not_ok "'mdevtool $args' does not load GObject or libffi" "$W/trace"
    else
        ok "'mdevtool $args' does not load GObject or libffi"
    fi
done

# A parent that never registered is looked up through libudev, which is
# opened for that lookup.
env -u LD_PRELOAD LD_DEBUG=files "$MDEVTOOL" list --parent nosuchparent > "$W/out" 2> "$W/trace"
status=$?
if [ "$status" -eq 1 ] && grep -q "no mdev parent 'nosuchparent'" "$W/trace" &&
   loads 'libudev\.so' "$W/trace"; then
    ok "'mdevtool list --parent' of an unregistered parent loads libudev"
else
    echo "exit status $status" >> "$W/trace"
    not_ok "'mdevtool list --parent' of an unregistered parent loads libudev" "$W/trace"
fi

# In the C locale, whatever its character set, messages are untranslated:
# no message category is loaded and no catalog looked for; a language (here
# through LANGUAGE, as no other locale may be installed) is looked up.
# LeakSanitizer cannot work under ptrace: a sanitizer build is traced
# without it.
if command -v strace > /dev/null; then
    env -u LD_PRELOAD LC_ALL=C.UTF-8 LANGUAGE= \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -e trace=%file -o "$W/trace" "$MDEVTOOL" --version > "$W/out" 2>&1
    if grep -q 'mdevtool [0-9]' "$W/out" && grep -q 'LC_CTYPE' "$W/trace" &&
       ! grep -Eq 'LC_MESSAGES|mdevtool\.mo' "$W/trace"; then
        ok "the C.UTF-8 locale loads no message category and looks for no catalog"
    else
        not_ok "the C.UTF-8 locale loads no message category and looks for no catalog" "$W/trace"
    fi
    env -u LD_PRELOAD LC_ALL=C.UTF-8 LANGUAGE=de \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -e trace=%file -o "$W/trace" "$MDEVTOOL" --version > "$W/out" 2>&1
    if grep -q 'mdevtool [0-9]' "$W/out" && grep -q 'LC_MESSAGES' "$W/trace"; then
        ok "LANGUAGE beside the C.UTF-8 locale sets the message category"
    else
        not_ok "LANGUAGE beside the C.UTF-8 locale sets the message category" "$W/trace"
    fi
else
    ok "# SKIP strace is not installed: the locale's files are not checked"
fi

# The test driver is built into libvirt itself: no daemon is needed.
env -u LD_PRELOAD LD_DEBUG=files "$MDEVTOOL" -c test:///default list --all > "$W/out" 2> "$W/trace"
if loads 'libvirt\.so' "$W/trace"; then
    ok "'mdevtool -c test:///default list' loads libvirt"
else
    not_ok "'mdevtool -c test:///default list' loads libvirt" "$W/trace"
fi

# A malformed URI is refused before libvirt is even loaded.
env -u LD_PRELOAD LD_DEBUG=files "$MDEVTOOL" -c 'not a uri' list > "$W/out" 2> "$W/trace"
status=$?
if [ "$status" -eq 1 ] && grep -q "malformed connection URI 'not a uri'" "$W/trace" &&
   ! loads 'libvirt\.so' "$W/trace"; then
    ok "a malformed URI is refused without loading libvirt"
else
    echo "exit status $status" >> "$W/trace"
    not_ok "a malformed URI is refused without loading libvirt" "$W/trace"
fi

# The library reads and writes JSON itself and needs no GIO nor GObject: a
# program linked with it alone maps no JSON library (json-c, json-glib), nor
# GIO and the libraries behind GIO, nor GObject and libffi.
env -u LD_PRELOAD LD_DEBUG=files "$G_TEST_BUILDDIR/libmdev-startup" > "$W/out" 2> "$W/trace"
status=$?
if [ "$status" -eq 0 ] && grep -q '"mdev_type": "mtty-1"' "$W/out" &&
   grep -q '"type" : "nvidia-1148"' "$W/out" && grep -q '^conf dir /' "$W/out" &&
   ! loads 'libjson-c|libjson-glib|libgio|libmount|libselinux|libblkid|libgmodule' "$W/trace" &&
   ! loads 'libgobject|libffi' "$W/trace"; then
    ok "the library loads no JSON library, nor GIO, GObject or what they pull in"
else
    echo "exit status $status" >> "$W/trace"
    not_ok "the library loads no JSON library, nor GIO, GObject or what they pull in" "$W/trace"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
