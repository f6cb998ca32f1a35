/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading a definition file: what both definition stores rely on. */
#include "mdev-error.h"
#include "mdev-file.h"
#include "test-common.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char *dir;
    int dirfd;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->dir = g_dir_make_tmp("mdev-file-XXXXXX", &error);
    g_assert_no_error(error);
    f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    g_assert_cmpint(f->dirfd, >=, 0);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    close(f->dirfd);
    test_remove_tree(f->dir);
    g_free(f->dir);
}

static void
write_bytes(Fixture *f, const char *name, const char *bytes, gsize size)
{
    g_autofree char *path = g_build_filename(f->dir, name, NULL);

    g_assert_true(g_file_set_contents(path, bytes, (gssize) size, NULL));
}

static char *
read_it(Fixture *f, const char *name, gsize max_size, MdevFileReadFlags flags, GError **error)
{
    g_autofree char *path = g_build_filename(f->dir, name, NULL);

    return mdev_file_read_definition(f->dirfd, name, path, max_size, flags, error);
}

/* Sizes around the first read's buffer and up to the bound read whole;
 * one byte over the bound is refused. */
static void
test_sizes(Fixture *f, gconstpointer data)
{
    static const gsize sizes[] = { 0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 20000 };
    const gsize max_size = 20000;

    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *bytes = g_malloc(sizes[i] + 1);
        g_autofree char *got = NULL;

        for (gsize j = 0; j < sizes[i]; j++)
            bytes[j] = (char) ('a' + j % 26);
        write_bytes(f, "d", bytes, sizes[i]);
        got = read_it(f, "d", max_size, MDEV_FILE_READ_DEFAULT, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(strlen(got), ==, sizes[i]);
        g_assert_cmpmem(got, sizes[i], bytes, sizes[i]);
    }
    for (gsize over = max_size + 1; over <= max_size + 4097; over += 4096) {
        g_autoptr(GError) error = NULL;
        g_autofree char *bytes = g_malloc0(over);

        memset(bytes, 'x', over);
        write_bytes(f, "big", bytes, over);
        g_assert_null(read_it(f, "big", max_size, MDEV_FILE_READ_DEFAULT, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_nonnull(strstr(error->message, "too large"));
        g_assert_nonnull(strstr(error->message, f->dir));
    }
}

/* What is not a small regular text file gets its own message. */
static void
test_refused(Fixture *f, gconstpointer data)
{
    g_autofree char *fifo = g_build_filename(f->dir, "fifo", NULL);
    g_autofree char *link = g_build_filename(f->dir, "link", NULL);
    g_autofree char *sub = g_build_filename(f->dir, "sub", NULL);
    g_autoptr(GError) error = NULL;

    write_bytes(f, "nul", "{\"a\":\0\"b\"}", 10);
    g_assert_null(read_it(f, "nul", 1024, MDEV_FILE_READ_DEFAULT, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "NUL byte"));
    g_clear_error(&error);

    write_bytes(f, "target", "{}", 2);
    g_assert_cmpint(symlink("target", link), ==, 0);
    g_assert_null(read_it(f, "link", 1024, MDEV_FILE_READ_DEFAULT, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "not a regular file"));
    g_clear_error(&error);

    /* a FIFO never blocks the reader: refused when checked, a read error
     * (nothing to read, no writer) when the caller vouched for the type */
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    g_assert_null(read_it(f, "fifo", 1024, MDEV_FILE_READ_CHECK_REGULAR, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "not a regular file"));
    g_clear_error(&error);
    g_free(read_it(f, "fifo", 1024, MDEV_FILE_READ_DEFAULT, &error));

    g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
    g_assert_null(read_it(f, "sub", 1024, MDEV_FILE_READ_CHECK_REGULAR, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_clear_error(&error);
    g_assert_null(read_it(f, "sub", 1024, MDEV_FILE_READ_DEFAULT, &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
    g_clear_error(&error);

    g_assert_null(read_it(f, "absent", 1024, MDEV_FILE_READ_DEFAULT, &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull(strstr(error->message, "absent"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/file/read-definition/sizes", test_sizes);
    ADD("/file/read-definition/refused", test_refused);
#undef ADD
    return g_test_run();
}
