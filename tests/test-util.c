/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-error.h"
#include "mdev-util.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static void
test_name_valid(void)
{
    const char *good[] = { "0000:00:02.0", "0.0.0052", "matrix", "mtty-2",
                           "nvidia-558", "assign_adapter", "a..b", ".hidden" };
    const char *bad[] = { "", ".", "..", "a/b", "/abs", "../x", "x/..", "tab\there",
                          "new\nline" };

    for (gsize i = 0; i < G_N_ELEMENTS(good); i++)
        g_assert_true(mdev_util_name_is_valid(good[i]));
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(mdev_util_name_is_valid(bad[i]));
    g_assert_false(mdev_util_name_is_valid(NULL));
}

static void
test_attr_name_valid(void)
{
    const char *good[] = { "assign_adapter", "nvidia/vgpu_params", "intel_vgpu/vgpu_id",
                           "vendor/sample_mdev_dev", "a..b/.hidden" };
    const char *bad[] = { "", ".", "..", "/abs", "../x", "nvidia/../x", "./x", "x/.",
                          "x//y", "x/", "remove", "uevent", "nvidia/remove", "tab\there",
                          "new\nline/x" };
    g_autoptr(GError) error = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
        g_assert_true(mdev_util_attr_name_is_valid(good[i]));
        g_assert_true(mdev_util_check_name("attribute", good[i], NULL));
    }
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(mdev_util_attr_name_is_valid(bad[i]));
        g_assert_false(mdev_util_check_name("attribute", bad[i], NULL));
    }
    g_assert_false(mdev_util_attr_name_is_valid(NULL));
    /* parents and types stay single components */
    g_assert_false(mdev_util_check_name("type", "nvidia/vgpu_params", NULL));

    g_assert_false(mdev_util_check_name("attribute", "remove", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "'remove' is a control file"));
}

static void
test_name_check_error(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_false(mdev_util_check_name("parent", "../etc", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "'../etc'"));
    g_assert_nonnull(strstr(error->message, "parent"));
    g_clear_error(&error);

    /* the store's callout directory is no parent, but a type may be named so */
    g_assert_false(mdev_util_check_name("parent", "scripts.d", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr(error->message, ==,
                    "invalid parent name 'scripts.d': the name is reserved for callout scripts");
    g_clear_error(&error);
    g_assert_true(mdev_util_check_name("type", "scripts.d", NULL));

    g_assert_true(mdev_util_check_uuid("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", NULL));
    g_assert_false(mdev_util_check_uuid("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "'83B8F4F2-509F-382F-3C1E-E6BFE0FA1001'"));
}

/* Below the entry points a name that fails is a bug of the caller: one
 * terse error, never the user-facing validation message. */
static void
test_guard_path(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(mdev_util_guard_path(TRUE, "mtty", &error));
    g_assert_no_error(error);
    g_assert_false(mdev_util_guard_path(FALSE, "../etc", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
    g_assert_cmpstr(error->message, ==,
                    "internal error: the unchecked name '../etc' was not made into a path");
}

static void
test_uuid_canonicalize(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    const char *bad[] = { "", "83b8f4f2509f382f3c1e", "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001x",
                          "83b8f4f2-509f-382f-3c1e-e6bfe0fa100g", "83b8f4f2509f-382f-3c1e-e6bfe0fa10010",
                          "{83b8f4f2-509f-382f-3c1e-e6bfe0fa1001}", "../../../../etc/passwd" };

    uuid = mdev_util_uuid_canonicalize("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(uuid, ==, "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
    g_assert_true(mdev_util_uuid_is_canonical(uuid));
    g_assert_false(mdev_util_uuid_is_canonical("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001"));

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *out = mdev_util_uuid_canonicalize(bad[i], &error);
        g_assert_null(out);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
        g_clear_error(&error);
    }
}

static void
test_uuid_generate(void)
{
    g_autofree char *a = mdev_util_uuid_generate();
    g_autofree char *b = mdev_util_uuid_generate();

    g_assert_true(mdev_util_uuid_is_canonical(a));
    g_assert_true(mdev_util_uuid_is_canonical(b));
    g_assert_cmpstr(a, !=, b);
}

static void
test_write_atomic(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("mdev-util-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "file", NULL);
    g_autofree char *contents = NULL;
    g_autoptr(GDir) listing = NULL;
    GStatBuf st;

    g_assert_no_error(error);
    g_assert_true(mdev_util_write_file_atomic(path, "old", 3, 0644, &error));
    g_assert_no_error(error);
    g_assert_true(mdev_util_write_file_atomic(path, "new contents", 12, 0600, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "new contents");
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);

    /* no temporary file is left beside it */
    listing = g_dir_open(dir, 0, NULL);
    g_assert_cmpstr(g_dir_read_name(listing), ==, "file");
    g_assert_null(g_dir_read_name(listing));

    /* a missing directory fails cleanly */
    {
        g_autofree char *bad = g_build_filename(dir, "missing", "file", NULL);
        g_assert_false(mdev_util_write_file_atomic(bad, "x", 1, 0644, &error));
        g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    }
    g_unlink(path);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func("/util/name/valid", test_name_valid);
    g_test_add_func("/util/name/check-error", test_name_check_error);
    g_test_add_func("/util/name/guard-path", test_guard_path);
    g_test_add_func("/util/name/attribute", test_attr_name_valid);
    g_test_add_func("/util/uuid/canonicalize", test_uuid_canonicalize);
    g_test_add_func("/util/uuid/generate", test_uuid_generate);
    g_test_add_func("/util/file/write-atomic", test_write_atomic);
    return g_test_run();
}
