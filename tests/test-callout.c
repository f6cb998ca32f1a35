/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-callout.h"
#include "mdev-context.h"
#include "mdev-error.h"
#include "test-common.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define UUID "67215cd7-f78e-4352-b10a-ba2a22b1c4d8"

/* The callout tests run real shell scripts through the real protocol. */

typedef struct {
    char *dir;
    char *log;
    MdevContext *ctx;
    MdevDevice *device;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *lib = NULL;
    g_autofree char *etc = NULL;

    f->dir = g_dir_make_tmp("mdev-callout-XXXXXX", &error);
    g_assert_no_error(error);
    f->log = g_build_filename(f->dir, "log", NULL);
    f->ctx = mdev_context_new();
    lib = g_build_filename(f->dir, "lib", NULL);
    etc = g_build_filename(f->dir, "etc", NULL);
    mdev_context_set_lib_dir(f->ctx, lib);
    mdev_context_set_conf_dir(f->ctx, etc);
    f->device = mdev_device_new(UUID, "0000:00:02.0");
    f->device->type = g_strdup("i915-GVTg_V5_4");
    g_ptr_array_add(f->device->attrs, mdev_attr_new("foo", "bar"));
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    test_remove_tree(f->dir);
    g_free(f->dir);
    g_free(f->log);
    g_object_unref(f->ctx);
    mdev_device_free(f->device);
}

/* where: "lib" or "etc"; kind: "callouts" or "notifiers" */
static void
add_script(Fixture *f, const char *where, const char *kind, const char *name, const char *body)
{
    g_autofree char *dir = g_build_filename(f->dir, where, "scripts.d", kind, NULL);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *text = g_strdup_printf("#!/bin/sh\n"
                                            "echo \"%s $*\" >> '%s'\n"
                                            "%s\n",
                                            name, f->log, body);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_assert_cmpint(g_chmod(path, 0755), ==, 0);
}

static char *
read_log(Fixture *f)
{
    char *text = NULL;

    if (!g_file_get_contents(f->log, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

static void
test_none(Fixture *f, gconstpointer data)
{
    g_autoptr(MdevCallout) c = mdev_callout_new(f->ctx, f->device);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) attrs = NULL;

    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    mdev_callout_post(c, MDEV_CALLOUT_ACTION_START, TRUE);
    mdev_callout_notify(c, MDEV_CALLOUT_ACTION_START, MDEV_CALLOUT_STATE_SUCCESS);
    attrs = mdev_callout_get_attributes(c, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(attrs->len, ==, 0);
}

static void
test_protocol(Fixture *f, gconstpointer data)
{
    g_autoptr(MdevCallout) c = mdev_callout_new(f->ctx, f->device);
    g_autoptr(GError) error = NULL;
    g_autofree char *log = NULL;
    g_autofree char *input = NULL;
    g_autofree char *stdin_path = g_build_filename(f->dir, "stdin", NULL);
    g_autofree char *body = g_strdup_printf("[ \"$4\" = pre ] && cat > '%s'\n"
                                            "echo \"said $4 on stderr\" >&2\nexit 0",
                                            stdin_path);
    GPtrArray *messages;

    add_script(f, "etc", "callouts", "50-args", body);
    add_script(f, "etc", "notifiers", "10-note", "cat >/dev/null; exit 1");
    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_DEFINE, &error));
    g_assert_no_error(error);
    mdev_callout_post(c, MDEV_CALLOUT_ACTION_DEFINE, FALSE);
    mdev_callout_notify(c, MDEV_CALLOUT_ACTION_DEFINE, MDEV_CALLOUT_STATE_FAILURE);

    log = read_log(f);
    /* capabilities probe first, then the events, argv in mdevctl's order */
    g_assert_cmpstr(
        log, ==,
        "50-args -t i915-GVTg_V5_4 -e get -a capabilities -s none -u " UUID " -p 0000:00:02.0\n"
        "50-args -t i915-GVTg_V5_4 -e pre -a define -s none -u " UUID " -p 0000:00:02.0\n"
        "50-args -t i915-GVTg_V5_4 -e post -a define -s failure -u " UUID " -p 0000:00:02.0\n"
        "10-note -t i915-GVTg_V5_4 -e notify -a define -s failure -u " UUID " -p 0000:00:02.0\n");
    g_assert_true(g_file_get_contents(stdin_path, &input, NULL, NULL));
    g_assert_cmpstr(input, ==,
                    "{\"mdev_type\":\"i915-GVTg_V5_4\",\"start\":\"manual\","
                    "\"attrs\":[{\"foo\":\"bar\"}]}");
    messages = mdev_callout_get_messages(c);
    g_assert_cmpuint(messages->len, ==, 3);
    g_assert_cmpstr(g_ptr_array_index(messages, 0), ==, "50-args: said get on stderr");
    g_assert_cmpstr(g_ptr_array_index(messages, 1), ==, "50-args: said pre on stderr");
    g_assert_cmpstr(g_ptr_array_index(messages, 2), ==, "50-args: said post on stderr");
}

static void
test_veto(Fixture *f, gconstpointer data)
{
    g_autoptr(MdevCallout) c = mdev_callout_new(f->ctx, f->device);
    g_autoptr(GError) error = NULL;

    add_script(f, "etc", "callouts", "50-no", "[ \"$4\" = pre ] && exit 3; exit 2");
    g_assert_false(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_assert_nonnull(strstr(error->message, "50-no"));
    g_assert_nonnull(strstr(error->message, "exit status 3"));
}

/* 2 means "not my type": the next script decides; in name order, packaged
 * directory first. */
static void
test_order(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *lib;  /* exit status of the packaged script, NULL: none */
        const char *etc0; /* etc/00 */
        const char *etc9; /* etc/99 */
        gboolean ok;
    } cases[] = {
        { NULL, "1", "0", FALSE }, { NULL, "0", "1", TRUE }, { NULL, "2", "1", FALSE },
        { NULL, "2", "2", TRUE },  { "0", "1", "1", TRUE },  { "1", "0", "0", FALSE },
        { "2", "1", "0", FALSE },  { "2", "0", "1", TRUE },  { "2", "2", "0", TRUE },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(MdevCallout) c = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *rm = g_strdup_printf("rm -rf '%s/lib' '%s/etc'", f->dir, f->dir);
        g_autofree char *lib = g_strdup_printf("exit %s", cases[i].lib ? cases[i].lib : "2");
        g_autofree char *e0 = g_strdup_printf("exit %s", cases[i].etc0);
        g_autofree char *e9 = g_strdup_printf("exit %s", cases[i].etc9);

        g_assert_cmpint(system(rm), ==, 0);
        if (cases[i].lib)
            add_script(f, "lib", "callouts", "50-lib", lib);
        add_script(f, "etc", "callouts", "00-first", e0);
        add_script(f, "etc", "callouts", "99-last", e9);
        c = mdev_callout_new(f->ctx, f->device);
        g_test_message("case %" G_GSIZE_FORMAT, i);
        g_assert_cmpint(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error), ==, cases[i].ok);
    }
}

static void
test_get_attributes(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *print;
        int count; /* -1: error */
    } cases[] = {
        { "printf '[{\"a\":\"1\"},{\"b\":\"2\"}]'", 2 },
        { "printf '[{\"a\":\"1\"}]\\0\\0'", 1 },
        { "printf '[{}]'", 0 },
        { "true", 0 },
        { "printf '[{\"a\":\"1\"'", -1 },
        { "printf 'nonsense'", -1 },
        { "printf '[{\"a\":1}]'", -1 },
        { "printf '[{\"../remove\":\"1\"}]'", -1 },
        { "printf '[]'; exit 1", -1 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(MdevCallout) c = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) attrs = NULL;
        g_autofree char *body = g_strdup_printf("[ \"$4\" = get ] && [ \"$6\" = attributes ] "
                                                "|| exit 2\n%s",
                                                cases[i].print);

        add_script(f, "etc", "callouts", "50-attrs", body);
        c = mdev_callout_new(f->ctx, f->device);
        attrs = mdev_callout_get_attributes(c, &error);
        g_test_message("case %" G_GSIZE_FORMAT, i);
        if (cases[i].count < 0) {
            g_assert_null(attrs);
            g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
            g_assert_nonnull(strstr(error->message, "50-attrs"));
        } else {
            g_assert_no_error(error);
            g_assert_cmpint(attrs->len, ==, cases[i].count);
        }
    }
}

static void
test_versioned(Fixture *f, gconstpointer data)
{
    g_autofree char *provides = g_build_filename(f->dir, "provides", NULL);
    g_autofree char *body = g_strdup_printf(
        "if [ \"$6\" = capabilities ]; then cat > '%s';"
        " echo '{\"supports\":{\"version\":1,\"actions\":[\"start\",\"stop\",\"bogus\"],"
        "\"events\":[\"pre\",\"post\"]}}'; exit 1; fi\n"
        "[ \"$4\" = pre ] && [ \"$6\" = stop ] && exit 2\n"
        "exit 0",
        provides);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;
    g_autofree char *text = NULL;
    g_autofree char *log = NULL;
    g_auto(GStrv) parts = NULL;

    /* a non-versioned script that would refuse everything comes first */
    add_script(f, "etc", "callouts", "00-old", "[ \"$6\" = capabilities ] && exit 2; exit 1");
    add_script(f, "etc", "callouts", "50-new", body);

    c = mdev_callout_new(f->ctx, f->device);
    /* the versioned script wins, whatever the older one says */
    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(provides, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "\"provides\":{\"version\":2"));
    /* actions it does not list fail */
    g_assert_false(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_MODIFY, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_assert_nonnull(strstr(error->message, "does not support action 'modify'"));
    g_clear_error(&error);
    /* and from a versioned script exit 2 is a failure, not "not mine" */
    g_assert_false(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_STOP, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_clear_error(&error);
    /* get is not among its events */
    g_assert_null(mdev_callout_get_attributes(c, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_clear_error(&error);

    /* the probe ran once per runner */
    log = read_log(f);
    parts = g_strsplit(log, "capabilities", -1);
    g_assert_cmpuint(g_strv_length(parts), ==, 3);
    g_assert_nonnull(strstr(log, "50-new -t i915-GVTg_V5_4 -e pre -a start"));
    g_assert_null(strstr(log, "00-old -t i915-GVTg_V5_4 -e pre"));
}

static void
test_versioned_bad_json(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;

    /* capabilities answered with junk: treated as an ordinary script */
    add_script(f, "etc", "callouts", "50-x",
               "[ \"$6\" = capabilities ] && { echo '{\"supports\": 7}'; exit 0; }\nexit 1");
    c = mdev_callout_new(f->ctx, f->device);
    g_assert_false(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_assert_nonnull(strstr(error->message, "exit status 1"));
}

/* Processes running "sleep 317", found through /proc (no procps needed). */
static guint
count_sleepers(void)
{
    static const char wanted[] = "sleep\0"
                                 "317";
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *name;
    guint n = 0;

    g_assert_nonnull(proc);
    while ((name = g_dir_read_name(proc)) != NULL) {
        g_autofree char *path = NULL;
        g_autofree char *cmdline = NULL;
        g_autofree char *status = NULL;
        g_autofree char *status_path = NULL;
        gsize len = 0;

        if (!g_ascii_isdigit(name[0]))
            continue;
        path = g_build_filename("/proc", name, "cmdline", NULL);
        if (!g_file_get_contents(path, &cmdline, &len, NULL) || len < sizeof(wanted) ||
            memcmp(cmdline, wanted, sizeof(wanted)) != 0)
            continue;
        /* a zombie no one has reaped yet is not running */
        status_path = g_build_filename("/proc", name, "status", NULL);
        if (g_file_get_contents(status_path, &status, NULL, NULL) && strstr(status, "State:\tZ"))
            continue;
        n++;
    }
    return n;
}

static void
test_timeout(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;
    g_autoptr(GPtrArray) attrs = NULL;
    gint64 start;

    /* hangs, and leaves a child that keeps stdout open */
    add_script(f, "etc", "callouts", "50-hang",
               "[ \"$6\" = capabilities ] && exit 2\nsleep 317 &\nsleep 317");
    c = mdev_callout_new(f->ctx, f->device);
    mdev_callout_set_timeout(c, 1);
    start = g_get_monotonic_time();
    g_assert_false(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_assert_nonnull(strstr(error->message, "50-hang"));
    g_assert_nonnull(strstr(error->message, "killed"));
    g_assert_cmpint(g_get_monotonic_time() - start, <, 10 * G_USEC_PER_SEC);
    g_clear_error(&error);
    attrs = mdev_callout_get_attributes(c, &error);
    g_assert_null(attrs);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    /* no sleep is left behind (give init a moment to reap them) */
    for (int i = 0; i < 50 && count_sleepers() > 0; i++)
        g_usleep(100000);
    g_assert_cmpuint(count_sleepers(), ==, 0);
}

static void
test_unsafe_script(Fixture *f, gconstpointer data)
{
    g_autofree char *path =
        g_build_filename(f->dir, "etc", "scripts.d", "callouts", "50-open", NULL);
    g_autofree char *noexec =
        g_build_filename(f->dir, "etc", "scripts.d", "callouts", "60-noexec", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;
    g_autofree char *log = NULL;
    GPtrArray *messages;

    add_script(f, "etc", "callouts", "50-open", "exit 1");
    g_assert_cmpint(g_chmod(path, 0777), ==, 0);
    add_script(f, "etc", "callouts", "60-noexec", "exit 1");
    g_assert_cmpint(g_chmod(noexec, 0644), ==, 0);
    c = mdev_callout_new(f->ctx, f->device);
    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    log = read_log(f);
    g_assert_cmpstr(log, ==, "");
    messages = mdev_callout_get_messages(c);
    g_assert_cmpuint(messages->len, >, 0);
    g_assert_nonnull(strstr(g_ptr_array_index(messages, 0), "50-open"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/callout/none", test_none);
    ADD("/callout/protocol", test_protocol);
    ADD("/callout/veto", test_veto);
    ADD("/callout/order", test_order);
    ADD("/callout/get-attributes", test_get_attributes);
    ADD("/callout/versioned/supports", test_versioned);
    ADD("/callout/versioned/bad-json", test_versioned_bad_json);
    ADD("/callout/timeout", test_timeout);
    ADD("/callout/unsafe-script", test_unsafe_script);
#undef ADD
    return g_test_run();
}
