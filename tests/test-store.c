/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-context.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-store.h"
#include "mdev-util.h"
#include "test-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"
#define UAP "783e6dbb-ea0e-411f-94e2-717eaad438bf"

typedef struct {
    char *dir;
    MdevContext *ctx;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->dir = g_dir_make_tmp("mdev-store-XXXXXX", &error);
    g_assert_no_error(error);
    g_chmod(f->dir, 0755);
    f->ctx = mdev_context_new();
    mdev_context_set_conf_dir(f->ctx, f->dir);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    test_remove_tree(f->dir);
    g_free(f->dir);
    mdev_context_unref(f->ctx);
}

static void
write_file(Fixture *f, const char *parent, const char *name, const char *contents)
{
    g_autofree char *dir = g_build_filename(f->dir, parent, NULL);
    g_autofree char *path = g_build_filename(dir, name, NULL);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, contents, -1, NULL));
}

static void
copy_golden(Fixture *f)
{
    g_autofree char *src =
        g_test_build_filename(G_TEST_DIST, "data", "store", "mdevctl-1.2.0", NULL);
    g_autofree char *cmd = g_strdup_printf("cp -r '%s'/. '%s'/", src, f->dir);

    g_assert_cmpint(system(cmd), ==, 0);
}

static MdevDevice *
make_definition(const char *parent, const char *uuid, const char *type, gboolean autostart)
{
    MdevDevice *d = mdev_device_new(uuid, parent);

    d->type = g_strdup(type);
    d->autostart = autostart;
    d->defined = TRUE;
    return d;
}

static gboolean
problems_mention(GPtrArray *problems, const char *text)
{
    for (guint i = 0; i < problems->len; i++) {
        if (strstr(g_ptr_array_index(problems, i), text))
            return TRUE;
    }
    return FALSE;
}

static void
test_missing(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *gone = g_build_filename(f->dir, "nonexistent", NULL);

    mdev_context_set_conf_dir(f->ctx, gone);
    defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, 0);
    g_assert_cmpuint(problems->len, ==, 0);
}

static void
test_load_golden(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autoptr(GPtrArray) by_uuid = NULL;
    g_autoptr(GPtrArray) by_parent = NULL;
    g_autoptr(MdevDevice) one = NULL;
    MdevDevice *d;

    copy_golden(f);
    /* mdevctl keeps its scripts beside the definitions */
    write_file(f, "scripts.d", "stray", "#!/bin/sh\n");
    write_file(f, "scripts.d/callouts", "50-x", "#!/bin/sh\n");
    write_file(f, ".", "README", "x");

    defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(problems->len, ==, 0);
    g_assert_cmpuint(defs->len, ==, 4);
    d = g_ptr_array_index(defs, 0);
    g_assert_cmpstr(d->parent, ==, "0000:00:02.0");
    g_assert_cmpstr(d->uuid, ==, U1);
    g_assert_cmpstr(d->type, ==, "i915-GVTg_V5_4");
    g_assert_true(d->autostart && d->defined);
    d = g_ptr_array_index(defs, 1);
    g_assert_cmpstr(d->uuid, ==, U2);
    d = g_ptr_array_index(defs, 2);
    g_assert_cmpstr(d->parent, ==, "matrix");
    g_assert_cmpuint(d->attrs->len, ==, 2);
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(d->attrs, 1))->value, ==, "0xab");
    d = g_ptr_array_index(defs, 3);
    g_assert_cmpstr(d->parent, ==, "mtty");

    /* the same UUID under two parents */
    by_uuid = mdev_store_load(f->ctx, NULL, U2, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(by_uuid->len, ==, 2);
    by_parent = mdev_store_load(f->ctx, "mtty", U2, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(by_parent->len, ==, 1);

    one = mdev_store_load_one(f->ctx, "matrix", UAP, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(one->type, ==, "vfio_ap-passthrough");
    g_assert_null(mdev_store_load_one(f->ctx, "matrix", U1, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
}

static void
test_save_roundtrip(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) d = make_definition("matrix", UAP, "vfio_ap-passthrough", FALSE);
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *path = g_build_filename(f->dir, "matrix", UAP, NULL);
    g_autofree char *matrix_dir = g_build_filename(f->dir, "matrix", NULL);
    g_autofree char *golden_path =
        g_test_build_filename(G_TEST_DIST, "data", "store", "mdevctl-1.2.0", "matrix", UAP, NULL);
    g_autofree char *ours = NULL;
    g_autofree char *golden = NULL;
    GStatBuf st;

    g_ptr_array_add(d->attrs, mdev_attr_new("assign_adapter", "5"));
    g_ptr_array_add(d->attrs, mdev_attr_new("assign_domain", "0xab"));
    g_assert_true(mdev_store_save(f->ctx, d, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(path, &ours, NULL, NULL));
    g_assert_true(g_file_get_contents(golden_path, &golden, NULL, NULL));
    g_assert_cmpstr(ours, ==, golden);
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0644);
    g_assert_true(mdev_store_exists(f->ctx, "matrix", UAP));

    /* overwrite */
    d->autostart = TRUE;
    g_assert_true(mdev_store_save(f->ctx, d, &error));
    defs = mdev_store_load(f->ctx, "matrix", NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, 1);
    g_assert_true(((MdevDevice *) g_ptr_array_index(defs, 0))->autostart);

    g_assert_true(mdev_store_remove(f->ctx, "matrix", UAP, &error));
    g_assert_no_error(error);
    g_assert_false(mdev_store_exists(f->ctx, "matrix", UAP));
    g_assert_false(mdev_store_remove(f->ctx, "matrix", UAP, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
    /* mdevctl leaves the directory: libvirt watches it */
    g_assert_true(g_file_test(matrix_dir, G_FILE_TEST_IS_DIR));
}

static void
test_hostile_names(Fixture *f, gconstpointer data)
{
    const char *parents[] = { "..", ".", "", "a/b", "/etc", "scripts.d" };
    const char *uuids[] = { "../../etc/passwd", "11111111-1111-4111-8111-11111111111",
                            "11111111-1111-4111-8111-11111111111G",
                            "11111111-1111-4111-8111-111111111111/x" };
    g_autoptr(GError) error = NULL;

    /* the entry points check names for the user; what reaches the store
     * unchecked is refused by its guard, and nothing is written */
    for (gsize i = 0; i < G_N_ELEMENTS(parents); i++) {
        g_autoptr(MdevDevice) d = make_definition(parents[i], U1, "t", FALSE);
        g_assert_false(mdev_store_save(f->ctx, d, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
        g_clear_error(&error);
        g_assert_false(mdev_store_remove(f->ctx, parents[i], U1, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
        g_clear_error(&error);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(uuids); i++) {
        g_autoptr(MdevDevice) d = make_definition("mtty", uuids[i], "t", FALSE);
        g_assert_false(mdev_store_save(f->ctx, d, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
        g_clear_error(&error);
        g_assert_null(mdev_store_load(f->ctx, NULL, uuids[i], NULL, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
        g_clear_error(&error);
    }
    {
        g_autoptr(MdevDevice) d = make_definition("mtty", U1, "../t", FALSE);
        g_autoptr(MdevDevice) e = make_definition("mtty", U1, "t", FALSE);
        g_assert_false(mdev_store_save(f->ctx, d, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
        g_clear_error(&error);
        g_ptr_array_add(e->attrs, mdev_attr_new("/etc/shadow", "x"));
        g_assert_false(mdev_store_save(f->ctx, e, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
    }
    /* nothing was written anywhere */
    {
        g_autoptr(GDir) dir = g_dir_open(f->dir, 0, NULL);
        g_assert_null(g_dir_read_name(dir));
    }
}

static void
test_malformed(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *link_target = g_build_filename(f->dir, "mtty", NULL);
    g_autofree char *link_dir = g_build_filename(f->dir, "linked", NULL);
    g_autofree char *fifo = NULL;

    write_file(f, "mtty", U1, "{\"mdev_type\":\"mtty-1\",\"start\":\"auto\",\"attrs\":[]}");
    write_file(f, "mtty", U2, "");
    write_file(f, "mtty", U3, "{\n  \"mdev_type\": \"mtty-1\",\n  \"sta");
    write_file(f, "mtty", "44444444-4444-4444-8444-444444444444", "not json at all");
    write_file(f, "mtty", "55555555-5555-4555-8555-555555555555",
               "{\"mdev_type\":42,\"start\":\"auto\"}");
    write_file(f, "mtty", "66666666-6666-4666-8666-666666666666",
               "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":7}]}");
    write_file(f, "mtty", "77777777-7777-4777-8777-777777777777",
               "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"../../remove\":\"1\"}]}");
    write_file(f, "mtty", "junk", "{}");
    write_file(f, "mtty", "88888888-8888-4888-8888-888888888888.Ab12Cd", "");
    fifo = g_build_filename(f->dir, "mtty", "99999999-9999-4999-8999-999999999999", NULL);
    g_assert_cmpint(mkfifo(fifo, 0644), ==, 0);
    write_file(f, "matrix", UAP, "{\"mdev_type\":\"vfio_ap-passthrough\",\"start\":\"manual\"}");
    g_assert_cmpint(symlink(link_target, link_dir), ==, 0);

    defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < problems->len; i++)
        g_test_message("problem: %s", (char *) g_ptr_array_index(problems, i));
    /* the good ones survive */
    g_assert_cmpuint(defs->len, ==, 2);
    g_assert_cmpstr(((MdevDevice *) g_ptr_array_index(defs, 0))->uuid, ==, UAP);
    g_assert_cmpstr(((MdevDevice *) g_ptr_array_index(defs, 1))->uuid, ==, U1);
    /* each bad one is reported once, with its path */
    g_assert_cmpuint(problems->len, ==, 9);
    g_assert_true(problems_mention(problems, U2));
    g_assert_true(problems_mention(problems, U3));
    g_assert_true(problems_mention(problems, "44444444-4444-4444-8444-444444444444"));
    g_assert_true(problems_mention(problems, "55555555-5555-4555-8555-555555555555"));
    g_assert_true(problems_mention(problems, "66666666-6666-4666-8666-666666666666"));
    g_assert_true(problems_mention(problems, "77777777-7777-4777-8777-777777777777"));
    g_assert_true(problems_mention(problems, "99999999-9999-4999-8999-999999999999"));
    g_assert_true(problems_mention(problems, "/mtty/junk"));
    g_assert_true(problems_mention(problems, link_dir));
    g_assert_false(problems_mention(problems, "88888888"));
    for (guint i = 0; i < problems->len; i++)
        g_assert_nonnull(strstr(g_ptr_array_index(problems, i), f->dir));

    /* a single lookup of a bad file fails with its reason */
    g_assert_null(mdev_store_load_one(f->ctx, "mtty", U2, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "empty"));
    g_clear_error(&error);
    /* and of a FIFO without opening it; an absent one is not found */
    g_assert_null(
        mdev_store_load_one(f->ctx, "mtty", "99999999-9999-4999-8999-999999999999", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "not a regular file"));
    g_clear_error(&error);
    g_assert_null(mdev_store_load_one(f->ctx, "mtty", UAP, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
}

/* A definition of @size bytes: a valid one padded with blanks. */
static char *
padded_definition(gsize size)
{
    const char *json = "{\"mdev_type\":\"mtty-1\",\"start\":\"auto\",\"attrs\":[]}";
    char *text = g_malloc(size + 1);

    g_assert_cmpuint(size, >=, strlen(json));
    memset(text, ' ', size);
    memcpy(text + size - strlen(json), json, strlen(json));
    text[size] = '\0';
    return text;
}

/* Files around the read buffer's size load whole (a read stops at a short
 * read, so the boundaries matter); one byte over the bound is refused. */
static void
test_sizes(Fixture *f, gconstpointer data)
{
    static const gsize sizes[] = { 4095, 4096, 4097, 8192, 70000, MDEV_STORE_MAX_FILE_SIZE };
    static const char *uuids[] = { "10000000-0000-4000-8000-000000000000",
                                   "20000000-0000-4000-8000-000000000000",
                                   "30000000-0000-4000-8000-000000000000",
                                   "40000000-0000-4000-8000-000000000000",
                                   "50000000-0000-4000-8000-000000000000",
                                   "60000000-0000-4000-8000-000000000000" };
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autoptr(MdevDevice) big = NULL;
    g_autofree char *over = padded_definition(MDEV_STORE_MAX_FILE_SIZE + 1);

    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autofree char *text = padded_definition(sizes[i]);

        write_file(f, "mtty", uuids[i], text);
    }
    write_file(f, "mtty", U1, over);

    defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, G_N_ELEMENTS(sizes));
    for (guint i = 0; i < defs->len; i++) {
        const MdevDevice *d = g_ptr_array_index(defs, i);

        g_assert_cmpstr(d->uuid, ==, uuids[i]);
        g_assert_cmpstr(d->type, ==, "mtty-1");
        g_assert_true(d->autostart);
    }
    g_assert_cmpuint(problems->len, ==, 1);
    g_assert_true(problems_mention(problems, U1));
    g_assert_true(problems_mention(problems, "too large"));

    big = mdev_store_load_one(f->ctx, "mtty", uuids[G_N_ELEMENTS(sizes) - 1], &error);
    g_assert_no_error(error);
    g_assert_cmpstr(big->type, ==, "mtty-1");
    g_assert_null(mdev_store_load_one(f->ctx, "mtty", U1, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "too large"));
}

static void
test_unreadable(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *unreadable = NULL;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_test_trap_assert_passed();
        return;
    }
    /* the subprocess sets up its own fixture */
    write_file(f, "mtty", U1, "{\"mdev_type\":\"mtty-1\",\"start\":\"auto\"}");
    write_file(f, "mtty", U2, "{\"mdev_type\":\"mtty-1\",\"start\":\"auto\"}");
    unreadable = g_build_filename(f->dir, "mtty", U2, NULL);
    g_assert_cmpint(g_chmod(unreadable, 0), ==, 0);
    /* root reads everything: drop privileges for the check, keeping the
     * saved IDs to clean up afterwards */
    if (geteuid() == 0) {
        g_assert_cmpint(setresgid(65534, 65534, 0), ==, 0);
        g_assert_cmpint(setresuid(65534, 65534, 0), ==, 0);
    }
    defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
    if (getuid() == 65534) {
        g_assert_cmpint(setresuid(0, 0, 0), ==, 0);
        g_assert_cmpint(setresgid(0, 0, 0), ==, 0);
    }
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, 1);
    g_assert_cmpuint(problems->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(problems, 0), U2));
    g_assert_nonnull(strstr(g_ptr_array_index(problems, 0), "ermission"));
}

/* Writers hold the parent's lock, so a temporary file found by a save or a
 * remove is a left over of an interrupted write, whatever its age. */
static void
test_stale_temporaries(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) d = make_definition("mtty", U1, "mtty-1", FALSE);
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *own = g_build_filename(f->dir, "mtty", U1 ".aB3dE9", NULL);
    g_autofree char *other = g_build_filename(f->dir, "mtty", U2 ".Zz9Yy8", NULL);
    g_autofree char *elsewhere = g_build_filename(f->dir, "matrix", U1 ".aB3dE9", NULL);
    g_autofree char *dir_like = g_build_filename(f->dir, "mtty", U3 ".dIr000", NULL);

    write_file(f, "mtty", U1 ".aB3dE9", "{");
    write_file(f, "mtty", U2 ".Zz9Yy8", "{\"mdev_type\": \"mt");
    write_file(f, "matrix", U1 ".aB3dE9", "{");
    g_assert_cmpint(g_mkdir(dir_like, 0755), ==, 0);

    /* never listed, never a problem */
    defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, 0);
    g_assert_cmpuint(problems->len, ==, 0);

    g_assert_true(mdev_store_save(f->ctx, d, &error));
    g_assert_no_error(error);
    g_assert_false(g_file_test(own, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(other, G_FILE_TEST_EXISTS));
    /* another parent's directory is another lock's business */
    g_assert_true(g_file_test(elsewhere, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(dir_like, G_FILE_TEST_IS_DIR));

    /* a remove cleans up too, even when the definition is gone already */
    write_file(f, "matrix", UAP, "{\"mdev_type\":\"vfio_ap-passthrough\",\"start\":\"manual\"}");
    g_assert_true(mdev_store_remove(f->ctx, "matrix", UAP, &error));
    g_assert_no_error(error);
    g_assert_false(g_file_test(elsewhere, G_FILE_TEST_EXISTS));
    write_file(f, "mtty", U2 ".Zz9Yy8", "{");
    g_assert_false(mdev_store_remove(f->ctx, "mtty", U3, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
    g_assert_false(g_file_test(other, G_FILE_TEST_EXISTS));
}

/* A linked parent directory is not part of the store, for readers (as
 * with mdevctl) and for writers alike. */
static void
test_symlinked_parent(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) d = make_definition("linked", U2, "mtty-1", FALSE);
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *target = g_dir_make_tmp("mdev-store-target-XXXXXX", &error);
    g_autofree char *link_dir = g_build_filename(f->dir, "linked", NULL);
    g_autofree char *inside = NULL;
    g_autofree char *written = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    g_assert_no_error(error);
    inside = g_build_filename(target, U1, NULL);
    written = g_build_filename(target, U2, NULL);
    g_assert_true(
        g_file_set_contents(inside, "{\"mdev_type\":\"mtty-1\",\"start\":\"auto\"}", -1, NULL));
    g_assert_cmpint(symlink(target, link_dir), ==, 0);

    defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, 0);
    g_assert_true(problems_mention(problems, "symbolic link"));
    g_clear_pointer(&defs, g_ptr_array_unref);
    defs = mdev_store_load(f->ctx, "linked", NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, 0);
    g_assert_false(mdev_store_exists(f->ctx, "linked", U1));
    g_assert_null(mdev_store_load_one(f->ctx, "linked", U1, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_clear_pointer(&defs, g_ptr_array_unref);
    defs = mdev_store_find_parents(f->ctx, U1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, 0);

    /* nothing is written or removed through it */
    g_assert_false(mdev_store_save(f->ctx, d, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, link_dir));
    g_assert_nonnull(strstr(error->message, "symbolic link"));
    g_clear_error(&error);
    g_assert_false(g_file_test(written, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_get_contents(inside, &before, NULL, NULL));
    g_assert_false(mdev_store_remove(f->ctx, "linked", U1, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_clear_error(&error);
    g_assert_true(g_file_get_contents(inside, &after, NULL, NULL));
    g_assert_cmpstr(before, ==, after);
    test_remove_tree(target);
}

/* The store directory itself may be a link (to another file system): it is
 * followed, and a new parent directory in it is made as usual. */
static void
test_symlinked_store(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) d = make_definition("mtty", U1, "mtty-1", FALSE);
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *real = g_build_filename(f->dir, "real", NULL);
    g_autofree char *link_dir = g_build_filename(f->dir, "store", NULL);
    g_autofree char *deep = g_build_filename(f->dir, "new", "store", NULL);

    g_assert_cmpint(g_mkdir(real, 0755), ==, 0);
    g_assert_cmpint(symlink(real, link_dir), ==, 0);
    mdev_context_set_conf_dir(f->ctx, link_dir);
    g_assert_true(mdev_store_save(f->ctx, d, &error));
    g_assert_no_error(error);
    defs = mdev_store_load(f->ctx, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(defs->len, ==, 1);

    /* a store that does not exist yet is made, every level of it */
    mdev_context_set_conf_dir(f->ctx, deep);
    g_assert_true(mdev_store_save(f->ctx, d, &error));
    g_assert_no_error(error);
    g_assert_true(mdev_store_exists(f->ctx, "mtty", U1));
}

/* A writer killed at any moment leaves the old or the new file, whole. */
static void
test_crash(Fixture *f, gconstpointer data)
{
    g_autoptr(MdevDevice) small = make_definition("mtty", U1, "mtty-1", FALSE);
    g_autoptr(MdevDevice) big = make_definition("mtty", U1, "mtty-2", TRUE);
    g_autofree char *small_text = NULL;
    g_autofree char *big_text = NULL;
    g_autofree char *path = g_build_filename(f->dir, "mtty", U1, NULL);
    g_autoptr(GError) error = NULL;

    for (int i = 0; i < 200; i++) {
        g_autofree char *name = g_strdup_printf("attribute_%d", i);
        g_ptr_array_add(big->attrs, mdev_attr_new(name, "some value to make the file larger"));
    }
    small_text = mdev_json_definition_to_string(small);
    big_text = mdev_json_definition_to_string(big);
    g_assert_true(mdev_store_save(f->ctx, small, &error));

    for (int round = 0; round < 30; round++) {
        pid_t pid = fork();
        g_autofree char *contents = NULL;
        g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) defs = NULL;
        int status;

        g_assert_cmpint(pid, >=, 0);
        if (pid == 0) {
            for (guint n = 0;; n++)
                mdev_store_save(f->ctx, (n % 2) ? big : small, NULL);
        }
        g_usleep(g_random_int_range(200, 20000));
        kill(pid, SIGKILL);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);

        g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
        g_assert_true(strcmp(contents, small_text) == 0 || strcmp(contents, big_text) == 0);
        defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(defs->len, ==, 1);
        g_assert_cmpuint(problems->len, ==, 0);
    }
}

/* --- compatibility with the real mdevctl ---------------------------------- */

static gboolean
mdevctl_usable(void)
{
    g_autofree char *mdevctl = g_find_program_in_path("mdevctl");
    g_autofree char *unshare = g_find_program_in_path("unshare");

    if (mdevctl == NULL || unshare == NULL) {
        g_test_skip("mdevctl or unshare is not installed");
        return FALSE;
    }
    if (geteuid() != 0 || system("unshare -m true 2>/dev/null") != 0) {
        g_test_skip("needs root and mount namespaces to give mdevctl a private /etc/mdevctl.d");
        return FALSE;
    }
    if (!g_file_test("/etc/mdevctl.d", G_FILE_TEST_IS_DIR)) {
        g_test_skip("/etc/mdevctl.d does not exist to mount over");
        return FALSE;
    }
    return TRUE;
}

/* Runs mdevctl with f->dir bind-mounted over /etc/mdevctl.d, in a private
 * mount namespace so the host's store is never touched. */
static char *
run_mdevctl(Fixture *f, const char *args)
{
    g_autofree char *script =
        g_strdup_printf("mkdir -p '%s/scripts.d/callouts' '%s/scripts.d/notifiers' && "
                        "mount --bind '%s' /etc/mdevctl.d && mdevctl %s",
                        f->dir, f->dir, f->dir, args);
    const char *argv[] = { "unshare", "-m", "sh", "-c", script, NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;
    char *out = NULL;
    int status = 0;

    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("mdevctl %s failed: %s", args, err);
    return out;
}

static void
test_mdevctl_reads_ours(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) golden = NULL;
    g_autofree char *golden_dir =
        g_test_build_filename(G_TEST_DIST, "data", "store", "mdevctl-1.2.0", NULL);
    g_autofree char *expected_path = g_test_build_filename(G_TEST_DIST, "data", "store",
                                                           "mdevctl-1.2.0-list-defined.json", NULL);
    g_autofree char *expected = NULL;
    g_autofree char *out = NULL;
    g_autoptr(MdevContext) src = mdev_context_new();

    if (!mdevctl_usable())
        return;
    /* read the definitions mdevctl wrote, save them with our writer */
    mdev_context_set_conf_dir(src, golden_dir);
    golden = mdev_store_load(src, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(golden->len, ==, 4);
    for (guint i = 0; i < golden->len; i++) {
        g_assert_true(mdev_store_save(f->ctx, g_ptr_array_index(golden, i), &error));
        g_assert_no_error(error);
    }
    out = run_mdevctl(f, "list --defined --dumpjson");
    g_assert_true(g_file_get_contents(expected_path, &expected, NULL, NULL));
    g_assert_cmpstr(out, ==, expected);
}

static void
test_we_read_mdevctls(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autofree char *out = NULL;
    MdevDevice *d;

    if (!mdevctl_usable())
        return;
    g_free(run_mdevctl(f, "define -p 0.0.0026 -t vfio_ccw-io -u " U3 " --auto"));
    g_free(run_mdevctl(f, "modify -u " U3 " --addattr x_attr --value 'a \"quoted\" value'"));
    g_free(run_mdevctl(f, "modify -u " U3 " --addattr first --value 1 --index 0"));
    out = run_mdevctl(f, "define -p mtty -t mtty-2");
    g_strstrip(out);
    g_assert_true(mdev_util_uuid_is_canonical(out));

    defs = mdev_store_load(f->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(problems->len, ==, 0);
    g_assert_cmpuint(defs->len, ==, 2);
    d = g_ptr_array_index(defs, 0);
    g_assert_cmpstr(d->parent, ==, "0.0.0026");
    g_assert_cmpstr(d->type, ==, "vfio_ccw-io");
    g_assert_true(d->autostart);
    g_assert_cmpuint(d->attrs->len, ==, 2);
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(d->attrs, 0))->name, ==, "first");
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(d->attrs, 1))->value, ==, "a \"quoted\" value");
    d = g_ptr_array_index(defs, 1);
    g_assert_cmpstr(d->uuid, ==, out);
    g_assert_false(d->autostart);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/store/load/missing", test_missing);
    ADD("/store/load/mdevctl-golden", test_load_golden);
    ADD("/store/load/malformed", test_malformed);
    ADD("/store/load/unreadable", test_unreadable);
    ADD("/store/load/sizes", test_sizes);
    ADD("/store/save/roundtrip", test_save_roundtrip);
    ADD("/store/save/hostile-names", test_hostile_names);
    ADD("/store/save/crash", test_crash);
    ADD("/store/save/stale-temporaries", test_stale_temporaries);
    ADD("/store/symlink/parent", test_symlinked_parent);
    ADD("/store/symlink/store", test_symlinked_store);
    ADD("/store/mdevctl/reads-ours", test_mdevctl_reads_ours);
    ADD("/store/mdevctl/we-read-mdevctls", test_we_read_mdevctls);
#undef ADD
    return g_test_run();
}
