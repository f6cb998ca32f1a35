/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-callout.h"
#include "mdev-callout-private.h"
#include "mdev-context.h"
#include "mdev-error.h"
#include "test-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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
    mdev_context_unref(f->ctx);
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

/* Processes running "sleep SECONDS", found through /proc (no procps
 * needed). */
static guint
count_sleepers(const char *seconds)
{
    g_autofree char *wanted_text = g_strconcat("sleep", "\n", seconds, NULL);
    gsize wanted_len = strlen(wanted_text) + 1;
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
        if (!g_file_get_contents(path, &cmdline, &len, NULL) || len < wanted_len)
            continue;
        /* cmdline separates the arguments by NULs */
        for (gsize i = 0; i < len; i++) {
            if (cmdline[i] == '\0')
                cmdline[i] = '\n';
        }
        if (memcmp(cmdline, wanted_text, wanted_len - 1) != 0 || cmdline[wanted_len - 1] != '\n')
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
    for (int i = 0; i < 50 && count_sleepers("317") > 0; i++)
        g_usleep(100000);
    g_assert_cmpuint(count_sleepers("317"), ==, 0);
}

/* The largest resident set this process has had, in KiB. */
static guint64
peak_rss_kib(void)
{
    g_autofree char *status = NULL;
    const char *line;

    g_assert_true(g_file_get_contents("/proc/self/status", &status, NULL, NULL));
    line = strstr(status, "VmHWM:");
    g_assert_nonnull(line);
    return g_ascii_strtoull(line + strlen("VmHWM:"), NULL, 10);
}

static gboolean
has_message(MdevCallout *c, const char *part)
{
    GPtrArray *messages = mdev_callout_get_messages(c);

    for (guint i = 0; i < messages->len; i++) {
        if (strstr(g_ptr_array_index(messages, i), part))
            return TRUE;
    }
    return FALSE;
}

/* A script printing without end once drove mdevtool to gigabytes: only
 * MDEV_CALLOUT_MAX_OUTPUT bytes of each stream are kept, the rest is read
 * and dropped, and said so. */
static void
test_output_limit(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;
    g_autoptr(GPtrArray) attrs = NULL;
    g_autofree char *limit = g_strdup_printf("%u bytes", (guint) MDEV_CALLOUT_MAX_OUTPUT);

    add_script(f, "etc", "callouts", "50-big",
               "[ \"$6\" = capabilities ] && exit 2\n"
               "if [ \"$4\" = get ]; then\n"
               "  printf '[{\"a\":\"1\"}]'; head -c 2000000 /dev/zero | tr '\\0' ' '; exit 0\n"
               "fi\n"
               "head -c 300000000 /dev/zero\n"
               "head -c 3000000 /dev/zero | tr '\\0' x >&2\n"
               "exit 0");
    c = mdev_callout_new(f->ctx, f->device);
    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(peak_rss_kib(), <, 100 * 1024);
    g_assert_true(has_message(c, "printed more than"));
    g_assert_true(has_message(c, limit));
    g_assert_true(has_message(c, "to stderr; the rest was discarded"));

    /* cut output is never read as JSON, even where what is left would parse */
    attrs = mdev_callout_get_attributes(c, &error);
    g_assert_null(attrs);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_assert_nonnull(strstr(error->message, "50-big"));
    g_assert_nonnull(strstr(error->message, "cut off"));
}

/* A script that exits is done, even when something it started still holds
 * its stdout; whatever it left in its process group is killed. */
static void
test_lingering_children(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;
    gint64 start;

    add_script(f, "etc", "callouts", "50-fork",
               "[ \"$6\" = capabilities ] && exit 2\necho hello\nsleep 318 &\nexit 0");
    add_script(f, "etc", "notifiers", "50-daemon",
               "sleep 319 </dev/null >/dev/null 2>&1 &\nexit 0");
    c = mdev_callout_new(f->ctx, f->device);
    mdev_callout_set_timeout(c, 10);
    start = g_get_monotonic_time();
    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    mdev_callout_notify(c, MDEV_CALLOUT_ACTION_START, MDEV_CALLOUT_STATE_SUCCESS);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 6 * G_USEC_PER_SEC);
    g_assert_true(has_message(c, "50-fork' exited, but processes it started still held its "
                                 "output; they were killed"));
    g_assert_false(has_message(c, "50-daemon"));
    for (int i = 0; i < 50 && count_sleepers("318") + count_sleepers("319") > 0; i++)
        g_usleep(100000);
    g_assert_cmpuint(count_sleepers("318"), ==, 0);
    g_assert_cmpuint(count_sleepers("319"), ==, 0);
}

/* A process group does not hold what leaves it with setsid(), the way a
 * daemon starts: such descendants are killed too, whether the script exits
 * or times out, at once and without leaving zombies behind. */
static void
test_escaped_descendants(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;
    int subreaper = -1;

    add_script(f, "etc", "callouts", "50-daemon",
               "[ \"$6\" = capabilities ] && exit 2\n"
               "setsid sleep 320 </dev/null >/dev/null 2>&1 &\n"
               "setsid sh -c 'sleep 321 & sleep 322' </dev/null >/dev/null 2>&1 &\n"
               "[ \"$4\" = get ] && sleep 323\n"
               "sleep 0.3\n"
               "exit 0");
    c = mdev_callout_new(f->ctx, f->device);
    mdev_callout_set_timeout(c, 1);
    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    for (guint i = 0; i < 4; i++) {
        g_autofree char *arg = g_strdup_printf("%u", 320 + i);
        g_assert_cmpuint(count_sleepers(arg), ==, 0);
    }
    /* on a timeout as well */
    g_assert_null(mdev_callout_get_attributes(c, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_assert_nonnull(strstr(error->message, "did not finish"));
    for (guint i = 0; i < 4; i++) {
        g_autofree char *arg = g_strdup_printf("%u", 320 + i);
        g_assert_cmpuint(count_sleepers(arg), ==, 0);
    }
    /* every one was reaped, and the process is no subreaper afterwards */
    g_assert_cmpint(waitpid(-1, NULL, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
    g_assert_cmpint(prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0), ==, 0);
    g_assert_cmpint(subreaper, ==, 0);
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

/* A script directory is as safe as the directories above it: each must be
 * owned by root or us and writable by no one else (above the script
 * directory, the sticky bit of /tmp and its like is enough). */
static void
test_unsafe_directory(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *dir; /* below the fixture's directory */
        guint mode;
        gboolean runs;
    } cases[] = {
        { "etc/scripts.d/callouts", 0755, TRUE },
        { "etc/scripts.d/callouts", 0775, FALSE },
        { "etc/scripts.d/callouts", 0757, FALSE },
        { "etc/scripts.d/callouts", 01777, FALSE },
        { "etc/scripts.d", 0777, FALSE },
        { "etc/scripts.d", 0770, FALSE },
        { "etc", 0757, FALSE },
        { "etc", 01777, TRUE },
        { "", 0777, FALSE },
        { "", 01777, TRUE },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *dir = g_build_filename(f->dir, cases[i].dir, NULL);
        g_autofree char *callouts = g_build_filename(f->dir, "etc", "scripts.d", "callouts", NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevCallout) c = NULL;

        g_test_message("case %" G_GSIZE_FORMAT ": %s %o", i, cases[i].dir, cases[i].mode);
        add_script(f, "etc", "callouts", "50-no", "exit 1");
        g_assert_cmpint(g_chmod(dir, cases[i].mode), ==, 0);
        c = mdev_callout_new(f->ctx, f->device);
        g_assert_cmpint(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error), ==, !cases[i].runs);
        if (cases[i].runs) {
            g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
            g_assert_false(has_message(c, "ignoring"));
        } else {
            g_autofree char *expect = g_strdup_printf("ignoring the callout scripts in '%s': '%s' "
                                                      "is writable",
                                                      callouts, dir);

            g_assert_no_error(error);
            g_assert_true(has_message(c, expect));
        }
        g_assert_cmpint(g_chmod(dir, 0700), ==, 0);
        test_remove_tree(callouts);
    }
}

/* A symbolic link to a directory below an unsafe one is as unsafe, and so
 * is a symbolic link inside an unsafe directory to a safe one. */
static void
test_unsafe_directory_link(Fixture *f, gconstpointer data)
{
    g_autofree char *open_dir = g_build_filename(f->dir, "open", NULL);
    g_autofree char *target = g_build_filename(open_dir, "callouts", NULL);
    g_autofree char *scripts_d = g_build_filename(f->dir, "etc", "scripts.d", NULL);
    g_autofree char *link = g_build_filename(scripts_d, "callouts", NULL);
    g_autofree char *safe = g_build_filename(f->dir, "safe", NULL);
    g_autofree char *safe_callouts = g_build_filename(safe, "callouts", NULL);
    g_autofree char *script = g_build_filename(target, "50-no", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;
    g_autoptr(MdevCallout) d = NULL;

    g_assert_cmpint(g_mkdir_with_parents(target, 0755), ==, 0);
    g_assert_cmpint(g_mkdir_with_parents(scripts_d, 0755), ==, 0);
    g_assert_true(g_file_set_contents(script, "#!/bin/sh\nexit 1\n", -1, NULL));
    g_assert_cmpint(g_chmod(script, 0755), ==, 0);
    g_assert_cmpint(g_chmod(open_dir, 0777), ==, 0);
    g_assert_cmpint(symlink(target, link), ==, 0);
    c = mdev_callout_new(f->ctx, f->device);
    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    g_assert_true(has_message(c, "is writable by a user other than its owner"));
    g_assert_true(has_message(c, open_dir));

    /* a safe target, but the link lives where anyone may replace it */
    g_assert_cmpint(g_mkdir_with_parents(safe, 0755), ==, 0);
    g_assert_cmpint(g_rename(target, safe_callouts), ==, 0);
    g_assert_cmpint(g_unlink(link), ==, 0);
    g_assert_cmpint(symlink(safe_callouts, link), ==, 0);
    d = mdev_callout_new(f->ctx, f->device);
    g_assert_false(mdev_callout_pre(d, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT);
    g_clear_error(&error);
    g_assert_cmpint(g_chmod(scripts_d, 0777), ==, 0);
    g_clear_pointer(&d, mdev_callout_free);
    d = mdev_callout_new(f->ctx, f->device);
    g_assert_true(mdev_callout_pre(d, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    g_assert_true(has_message(d, scripts_d));
}

/* Directories owned by someone else than root or us are refused too. */
static void
test_foreign_directory(Fixture *f, gconstpointer data)
{
    g_autofree char *scripts_d = g_build_filename(f->dir, "etc", "scripts.d", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevCallout) c = NULL;

    if (geteuid() != 0) {
        g_test_skip("giving a directory to another user needs root");
        return;
    }
    add_script(f, "etc", "callouts", "50-no", "exit 1");
    g_assert_cmpint(chown(scripts_d, 65534, 65534), ==, 0);
    c = mdev_callout_new(f->ctx, f->device);
    g_assert_true(mdev_callout_pre(c, MDEV_CALLOUT_ACTION_START, &error));
    g_assert_no_error(error);
    g_assert_true(has_message(c, "not owned by root"));
    g_assert_true(has_message(c, scripts_d));
}

/* The capabilities answer goes through the same checks as every JSON
 * document, and odd elements are reported, not trusted. */
static void
test_parse_supports(void)
{
    g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *deep = g_strnfill(100000, '[');
    static const char *const bad[] = {
        "",
        "[]",
        "{\"supports\":7}",
        "{\"supports\":{\"version\":\"2\",\"actions\":[],\"events\":[]}}",
        "{\"supports\":{\"version\":2,\"actions\":{},\"events\":[]}}",
        "{\"supports\":{\"version\":2,\"actions\":[]}}",
        "{\"supports\":{\"version\":2,\"actions\":[\"start\\ud800\"],\"events\":[]}}",
        "{\"supports\":{\"version\":2,\"actions\":[],\"events\":[\"pre\"]}",
        /* a version is an integer: 2.0 is not one */
        "{\"supports\":{\"version\":2.0,\"actions\":[],\"events\":[]}}",
        "{\"supports\":{\"version\":null,\"actions\":[],\"events\":[]}}",
        "{\"supports\":{\"version\":NaN,\"actions\":[],\"events\":[]}}",
        /* what serde_json refuses and json-glib took */
        "{\"supports\":{\"version\":2,\"actions\":[],\"events\":[],}}",
        "{\"supports\":{\"version\":2,/* c */\"actions\":[],\"events\":[]}}",
        "{\"supports\":{\"version\":02,\"actions\":[],\"events\":[]}}",
        "{'supports':{\"version\":2,\"actions\":[],\"events\":[]}}",
    };
    guint actions = 0;
    guint events = 0;

    g_assert_true(mdev_callout_parse_supports(
        "{\"supports\":{\"version\":2,\"actions\":[\"start\",{\"x\":[]},3,\"stop\"],"
        "\"events\":[\"pre\",\"bogus\"]}}",
        &actions, &events, unknown));
    g_assert_cmpuint(actions, ==,
                     (1u << MDEV_CALLOUT_ACTION_START) | (1u << MDEV_CALLOUT_ACTION_STOP));
    g_assert_cmpuint(events, ==, 1u << MDEV_CALLOUT_EVENT_PRE);
    g_assert_cmpuint(unknown->len, ==, 3);
    g_assert_cmpstr(unknown->pdata[0], ==, "?");
    g_assert_cmpstr(unknown->pdata[2], ==, "bogus");

    /* an integer too large for 64 bits is still an integer */
    g_assert_true(mdev_callout_parse_supports(
        "{\"supports\":{\"version\":123456789012345678901234567890,\"actions\":[],"
        "\"events\":[]}}",
        &actions, &events, NULL));
    g_assert_cmpuint(actions, ==, 0);

    actions = events = 0;
    g_assert_false(mdev_callout_parse_supports(deep, &actions, &events, NULL));
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, bad[i]);
        g_assert_false(mdev_callout_parse_supports(bad[i], &actions, &events, NULL));
    }
    g_assert_cmpuint(actions, ==, 0);
    g_assert_cmpuint(events, ==, 0);
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
    ADD("/callout/output-limit", test_output_limit);
    ADD("/callout/lingering-children", test_lingering_children);
    ADD("/callout/escaped-descendants", test_escaped_descendants);
    ADD("/callout/unsafe-script", test_unsafe_script);
    ADD("/callout/unsafe-directory/mode", test_unsafe_directory);
    ADD("/callout/unsafe-directory/link", test_unsafe_directory_link);
    ADD("/callout/unsafe-directory/owner", test_foreign_directory);
#undef ADD
    g_test_add_func("/callout/parse-supports", test_parse_supports);
    return g_test_run();
}
