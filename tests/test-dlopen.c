/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-dlopen.h"
#include "mdev-error.h"

#include <string.h>
#include <zlib.h>

/* zlib stands in for an optional library: it is on every machine that
 * builds mdevtool (GLib's gio needs it) and has a stable soname. */
MDEV_DLOPEN_DECLARE(zlibVersion);
MDEV_DLOPEN_DECLARE(crc32);

static void
test_load_resolves(void)
{
    static const MdevDlopenSymbol symbols[] = {
        MDEV_DLOPEN_SYMBOL(zlibVersion),
        MDEV_DLOPEN_SYMBOL(crc32),
    };
    static MdevDlopenLibrary library = MDEV_DLOPEN_LIBRARY("libz.so.1", symbols);
    g_autoptr(GError) error = NULL;

    g_assert_true(mdev_dlopen_load(&library, &error));
    g_assert_no_error(error);
    g_assert_nonnull(sym_zlibVersion);
    /* The test is not linked with zlib: the calls below go through the
     * resolved pointers only. 0xCBF43926 is CRC-32's published check value. */
    g_assert_true(g_str_has_prefix(sym_zlibVersion(), "1."));
    g_assert_cmphex(sym_crc32(0, (const Bytef *) "123456789", 9), ==, 0xCBF43926);
    /* A second call reuses the outcome. */
    g_assert_true(mdev_dlopen_load(&library, NULL));
}

static void
test_missing_library(void)
{
    static gpointer slot;
    static const MdevDlopenSymbol symbols[] = { { "anything", &slot } };
    static MdevDlopenLibrary library = MDEV_DLOPEN_LIBRARY("libmdevtool-absent.so.9", symbols);

    for (int i = 0; i < 2; i++) {
        g_autoptr(GError) error = NULL;

        g_assert_false(mdev_dlopen_load(&library, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
        g_assert_nonnull(strstr(error->message, "libmdevtool-absent.so.9"));
        g_assert_null(slot);
    }
}

static void
test_missing_symbol_clears_all(void)
{
    static gpointer first, second;
    static const MdevDlopenSymbol symbols[] = {
        { "zlibVersion", &first },
        { "mdevtool_not_in_zlib", &second },
    };
    static MdevDlopenLibrary library = MDEV_DLOPEN_LIBRARY("libz.so.1", symbols);
    g_autoptr(GError) error = NULL;

    g_assert_false(mdev_dlopen_load(&library, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "mdevtool_not_in_zlib"));
    g_assert_null(first);
    g_assert_null(second);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dlopen/load-resolves", test_load_resolves);
    g_test_add_func("/dlopen/missing-library", test_missing_library);
    g_test_add_func("/dlopen/missing-symbol-clears-all", test_missing_symbol_clears_all);
    return g_test_run();
}
