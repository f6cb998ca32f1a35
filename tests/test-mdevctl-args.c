/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mdevctl front end's command line: run the binary under the names
 * mdevctl and lsmdev and check exit status and the first line of output the
 * way clap-based mdevctl prints them. */
#include "mdevctl.h"

#include <glib/gstdio.h>
#include <string.h>

#define U1 "11111111-1111-4111-8111-111111111111"

static char *bindir;

typedef struct {
    const char *name; /* program name: mdevctl or lsmdev */
    const char *args; /* space separated */
    int status;
    const char *out; /* prefix of the first stdout line, or NULL for empty */
    const char *err; /* first stderr line, or NULL for empty */
} Case;

static const Case cases[] = {
    { "mdevctl", "--version", 0, "mdevctl " MDEVCTL_COMPAT_VERSION, NULL },
    { "mdevctl", "-V", 0, "mdevctl " MDEVCTL_COMPAT_VERSION, NULL },
    { "mdevctl", "--help", 0, "mdevctl ", NULL },
    { "mdevctl", "help", 0, "mdevctl ", NULL },
    { "mdevctl", "help list", 0, "mdevctl ", NULL },
    { "mdevctl", "", 2, NULL, "mdevctl " MDEVCTL_COMPAT_VERSION },
    { "mdevctl", "version", 2, NULL,
      "error: Found argument 'version' which wasn't expected, or isn't valid in this context" },
    { "mdevctl", "bogus", 2, NULL,
      "error: Found argument 'bogus' which wasn't expected, or isn't valid in this context" },
    { "mdevctl", "list -V", 0, "mdevctl-list " MDEVCTL_COMPAT_VERSION, NULL },
    { "lsmdev", "-V", 0, "lsmdev " MDEVCTL_COMPAT_VERSION, NULL },
    { "foo-lsmdev", "--version", 0, "lsmdev " MDEVCTL_COMPAT_VERSION, NULL },
    { "lsmdev", "list", 2, NULL,
      "error: Found argument 'list' which wasn't expected, or isn't valid in this context" },
    { "mdevctl", "define -V", 2, NULL,
      "error: Found argument '-V' which wasn't expected, or isn't valid in this context" },
    /* libvirt >= 10.1 probes for modify --live/--defined/--jsonfile this way */
    { "mdevctl", "modify --defined --live --jsonfile b --help", 0, "mdevctl ", NULL },
    { "mdevctl", "define --help", 0, "mdevctl ", NULL },
    { "mdevctl", "start -h", 0, "mdevctl ", NULL },
    { "mdevctl", "define", 2, NULL, "error: The following required arguments were not provided:" },
    { "mdevctl", "undefine", 2, NULL,
      "error: The following required arguments were not provided:" },
    { "mdevctl", "start-parent-mdevs", 2, NULL,
      "error: The following required arguments were not provided:" },
    { "mdevctl", "list -u bad", 2, NULL,
      "error: Invalid value \"bad\" for '--uuid <UUID>': invalid length: expected length 32 "
      "for simple format, found 3" },
    { "mdevctl", "list -u not-a-uuid", 2, NULL,
      "error: Invalid value \"not-a-uuid\" for '--uuid <UUID>': invalid character: expected an "
      "optional prefix of `urn:uuid:` followed by [0-9a-zA-Z], found `n` at 1" },
    { "mdevctl", "list --uuid=1111-2222", 2, NULL,
      "error: Invalid value \"1111-2222\" for '--uuid <UUID>': invalid group count: expected "
      "5, found 2" },
    { "mdevctl", "list -u 111111111-111-4111-8111-111111111111", 2, NULL,
      "error: Invalid value \"111111111-111-4111-8111-111111111111\" for '--uuid <UUID>': "
      "invalid group length in group 0: expected 8, found 9" },
    /* clap refuses arguments that are not UTF-8, wherever they stand */
    { "mdevctl", "list -p \xff", 2, NULL,
      "error: Invalid UTF-8 was detected in one or more arguments" },
    { "mdevctl", "list --parent=mt\xc3ty", 2, NULL,
      "error: Invalid UTF-8 was detected in one or more arguments" },
    { "mdevctl", "types -p\xed\xa0\x80", 2, NULL,
      "error: Invalid UTF-8 was detected in one or more arguments" },
    { "lsmdev", "-d \xc0\xaf", 2, NULL,
      "error: Invalid UTF-8 was detected in one or more arguments" },
    { "mdevctl", "\xfflist", 2, NULL,
      "error: Invalid UTF-8 was detected in one or more arguments" },
    { "mdevctl", "help li\xffst", 2, NULL,
      "error: Invalid UTF-8 was detected in one or more arguments" },
    /* an earlier error wins, as clap stops at the first */
    { "mdevctl", "list --bogus \xff", 2, NULL,
      "error: Found argument '--bogus' which wasn't expected, or isn't valid in this context" },
    { "mdevctl", "define --jsonfile F -t T -p P", 2, NULL,
      "error: The argument '--jsonfile <JSONFILE>' cannot be used with '--type <type>'" },
    { "mdevctl", "define -t T --jsonfile F -p P", 2, NULL,
      "error: The argument '--type <type>' cannot be used with '--jsonfile <JSONFILE>'" },
    { "mdevctl", "define --jsonfile F -a -t T -p P", 2, NULL,
      "error: The argument '--jsonfile <JSONFILE>' cannot be used with:" },
    { "mdevctl", "modify -u " U1 " --auto --manual", 2, NULL,
      "error: The argument '--auto' cannot be used with '--manual'" },
    { "mdevctl", "modify -u " U1 " -am", 2, NULL,
      "error: The argument '--auto' cannot be used with '--manual'" },
    { "mdevctl", "modify -u " U1 " --addattr a --value v --delattr", 2, NULL,
      "error: The argument '--addattr <attr_name>' cannot be used with '--delattr'" },
    { "mdevctl", "modify -u " U1 " --addattr a", 2, NULL,
      "error: The following required arguments were not provided:" },
    { "mdevctl", "modify -u " U1 " -u " U1, 2, NULL,
      "error: The argument '--uuid <UUID>' was provided more than once, but cannot be used "
      "multiple times" },
    { "mdevctl", "modify -u", 2, NULL,
      "error: The argument '--uuid <UUID>' requires a value but none was supplied" },
    { "mdevctl", "modify --uuid --auto", 2, NULL,
      "error: The argument '--uuid <UUID>' requires a value but none was supplied" },
    { "mdevctl", "modify -u " U1 " -i -1", 2, NULL,
      "error: Found argument '-1' which wasn't expected, or isn't valid in this context" },
    { "mdevctl", "modify -u " U1 " -i x", 2, NULL,
      "error: Invalid value \"x\" for '--index <INDEX>': invalid digit found in string" },
    { "mdevctl", "modify -u " U1 " --index=4294967296", 2, NULL,
      "error: Invalid value \"4294967296\" for '--index <INDEX>': number too large to fit in "
      "target type" },
    { "mdevctl", "modify -u " U1 " --live -t T", 2, NULL,
      "error: The argument '--live' cannot be used with '--type <type>'" },
    { "mdevctl", "modify -u " U1 " --jsonfile F --index 1", 2, NULL,
      "error: The argument '--jsonfile <JSONFILE>' cannot be used with '--index <INDEX>'" },
    { "mdevctl", "list --auto", 2, NULL,
      "error: Found argument '--auto' which wasn't expected, or isn't valid in this context" },
    { "mdevctl", "list --dumpjson=yes", 2, NULL,
      "error: The argument '--dumpjson' takes no value but one was supplied" },
    { "mdevctl", "stop", 2, NULL, "error: The following required arguments were not provided:" },
    { "mdevctl", "start", 2, NULL, "error: The following required arguments were not provided:" },
};

static char *
make_link(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    const char *target = g_getenv("MDEVTOOL");

    g_assert_nonnull(target);
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        g_assert_cmpint(symlink(target, path), ==, 0);
    return path;
}

static char *
first_line(const char *text)
{
    const char *nl = strchr(text, '\n');

    return nl ? g_strndup(text, (gsize) (nl - text)) : g_strdup(text);
}

static void
test_case(gconstpointer data)
{
    const Case *c = data;
    g_autofree char *prog = make_link(bindir, c->name);
    g_auto(GStrv) words = g_strsplit(c->args, " ", -1);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *out1 = NULL;
    g_autofree char *err1 = NULL;
    g_autoptr(GError) error = NULL;
    int wait_status = 0;

    g_ptr_array_add(argv, prog);
    for (char **w = words; *w; w++) {
        if (**w)
            g_ptr_array_add(argv, *w);
    }
    g_ptr_array_add(argv, NULL);
    g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &wait_status, &error));
    g_assert_no_error(error);
    g_assert_true(WIFEXITED(wait_status));
    out1 = first_line(out);
    err1 = first_line(err);
    if (c->out)
        g_assert_true(g_str_has_prefix(out1, c->out));
    else
        g_assert_cmpstr(out, ==, "");
    if (c->err)
        g_assert_cmpstr(err1, ==, c->err);
    else
        g_assert_cmpstr(err, ==, "");
    g_assert_cmpint(WEXITSTATUS(wait_status), ==, c->status);
}

static void
test_uuid_forms(void)
{
    static const char *good[] = {
        U1,
        "11111111111141118111111111111111",
        "{11111111-1111-4111-8111-111111111111}",
        "urn:uuid:11111111-1111-4111-8111-111111111111",
        "11111111-1111-4111-8111-11111111111F",
    };
    g_autofree char *msg = NULL;
    char *uuid;

    for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autofree char *parsed = mdevctl_uuid_parse(good[i], NULL);
        g_autofree char *lower = g_ascii_strdown(good[i], -1);

        g_assert_nonnull(parsed);
        g_assert_cmpuint(strlen(parsed), ==, 36);
        if (i < 4)
            g_assert_cmpstr(parsed, ==, U1);
        else
            g_assert_cmpstr(parsed, ==, lower);
    }
    uuid = mdevctl_uuid_parse("{11111111-1111-4111-8111-11111111111}", &msg);
    g_assert_null(uuid);
    g_assert_cmpstr(msg, ==, "invalid group length in group 4: expected 12, found 13");
    g_clear_pointer(&msg, g_free);
    uuid = mdevctl_uuid_parse("11111111-1111-4111-8111-11111111111g", &msg);
    g_assert_null(uuid);
    g_assert_cmpstr(msg, ==,
                    "invalid character: expected an optional prefix of `urn:uuid:` "
                    "followed by [0-9a-zA-Z], found `g` at 36");
    g_clear_pointer(&msg, g_free);
    uuid = mdevctl_uuid_parse("", &msg);
    g_assert_null(uuid);
    g_assert_cmpstr(msg, ==, "invalid length: expected length 32 for simple format, found 0");
}

/* libvirt gives up on udev events for good when "mdevctl list" fails while
 * it starts: a missing definitions directory must be an empty listing, and
 * --help and --version must not need any directory either. */
static void
test_missing_store(void)
{
    static const char *const commands[][4] = {
        { "list", "--dumpjson", "--defined", NULL },
        { "list", "--defined", NULL, NULL },
        { "--version", NULL, NULL, NULL },
        { "modify", "--help", NULL, NULL },
    };
    static const char *const expected[] = { "[]", "", "mdevctl " MDEVCTL_COMPAT_VERSION "\n",
                                            NULL };
    g_autofree char *prog = make_link(bindir, "mdevctl");

    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_auto(GStrv) envp = g_get_environ();
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        g_autoptr(GError) error = NULL;
        int wait_status = 0;

        envp = g_environ_setenv(envp, "MDEVTOOL_CONF_DIR", "/nonexistent/mdevctl.d", TRUE);
        envp = g_environ_setenv(envp, "MDEVTOOL_LIB_DIR", "/nonexistent/lib", TRUE);
        g_ptr_array_add(argv, prog);
        for (gsize j = 0; commands[i][j]; j++)
            g_ptr_array_add(argv, (char *) commands[i][j]);
        g_ptr_array_add(argv, NULL);
        g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                                   &out, &err, &wait_status, &error));
        g_assert_no_error(error);
        g_assert_true(WIFEXITED(wait_status));
        g_assert_cmpint(WEXITSTATUS(wait_status), ==, 0);
        g_assert_cmpstr(err, ==, "");
        if (expected[i])
            g_assert_cmpstr(out, ==, expected[i]);
        else
            g_assert_true(out[0] != '\0');
    }
}

int
main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    bindir = g_dir_make_tmp("mdevctl-args-XXXXXX", NULL);
    g_assert_nonnull(bindir);

    g_test_add_func("/mdevctl-args/uuid/forms", test_uuid_forms);
    g_test_add_func("/mdevctl-args/missing-store", test_missing_store);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/mdevctl-args/cli/%02zu", i);
        g_test_add_data_func(path, &cases[i], test_case);
    }
    ret = g_test_run();

    {
        g_autoptr(GDir) dir = g_dir_open(bindir, 0, NULL);
        const char *name;
        while (dir && (name = g_dir_read_name(dir))) {
            g_autofree char *p = g_build_filename(bindir, name, NULL);
            g_unlink(p);
        }
        g_rmdir(bindir);
    }
    return ret;
}
