/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The inventory commands (parents, types, list, monitor) run as a program
 * against umockdev testbeds; stdout, stderr and the exit status are compared
 * with golden files in tests/data/cli/. MDEV_TEST_REGENERATE_OUTPUT=1
 * rewrites the golden files from the current output. */
#include "mdev-store.h"
#include "mock-sysfs.h"
#include "test-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef void (*HostFunc)(MockSysfs *sysfs);

typedef struct {
    const char *name;   /* golden file: tests/data/cli/<name>.txt */
    HostFunc host;
    const char *args[8];
} CliCase;

static const char *
mdevtool_path(void)
{
    const char *path = g_getenv("MDEVTOOL");

    if (path == NULL)
        g_error("MDEVTOOL must name the mdevtool binary (tests/Makefile.am.inc sets it)");
    return path;
}

/* ------------------------------------------------------------------ hosts */

static void
host_empty(MockSysfs *sysfs)
{
}

static void
add_type(MockSysfs *sysfs, const char *parent, const char *id, const char *name,
         const char *description, const char *api, int available)
{
    const MockTypeInfo info = { id, name, description, api, available };

    mock_sysfs_add_type(sysfs, parent, &info);
}

/* One parent of every kind, with mdevs. */
static void
host_mixed(MockSysfs *sysfs)
{
    MockPciInfo pf = { "0x10de", "0x2235", "0x030200", "nvidia", NULL, 40, 1 };
    MockPciInfo vf = pf;
    const MockPciInfo gvt = { "0x8086", "0x3e92", "0x030000", "i915", NULL, 1, -1 };

    mock_sysfs_add_generic_parent(sysfs, "mtty");
    mock_sysfs_register_parent(sysfs, "mtty", FALSE);
    add_type(sysfs, "mtty", "mtty-1", "Single port serial", NULL, "vfio-pci", 22);
    add_type(sysfs, "mtty", "mtty-2", "Dual port serial", NULL, "vfio-pci", 11);
    mock_sysfs_add_mdev(sysfs, "mtty", "ee1919f7-25e2-4b73-be23-2a2cd6c4308f", "mtty-2", 3,
                        "mtty");
    mock_sysfs_add_mdev(sysfs, "mtty", "503c922c-a10b-47e0-8a94-f67ac92bce5a", "mtty-1", 2,
                        "mtty");

    mock_sysfs_add_pci_parent(sysfs, "0000:00:02.0", &gvt);
    mock_sysfs_register_parent(sysfs, "0000:00:02.0", FALSE);
    add_type(sysfs, "0000:00:02.0", "i915-GVTg_V5_4", NULL,
             "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4", "vfio-pci", 2);

    mock_sysfs_add_pci_parent(sysfs, "0000:41:00.0", &pf);
    vf.physfn = "0000:41:00.0";
    vf.device = "0x2236";
    vf.iommu_group = 41;
    mock_sysfs_add_pci_parent(sysfs, "0000:41:00.4", &vf);
    vf.iommu_group = 42;
    mock_sysfs_add_pci_parent(sysfs, "0000:41:00.5", &vf);
    mock_sysfs_register_parent(sysfs, "0000:41:00.4", FALSE);
    mock_sysfs_register_parent(sysfs, "0000:41:00.5", FALSE);
    add_type(sysfs, "0000:41:00.4", "nvidia-558", "NVIDIA A40-48Q",
             "num_heads=4, frl_config=60, framebuffer=49152M", "vfio-pci", 0);
    add_type(sysfs, "0000:41:00.4", "nvidia-557", "NVIDIA A40-24Q",
             "num_heads=4, frl_config=60, framebuffer=24576M", "vfio-pci", 0);
    add_type(sysfs, "0000:41:00.5", "nvidia-558", "NVIDIA A40-48Q",
             "num_heads=4, frl_config=60, framebuffer=49152M", "vfio-pci", 1);
    add_type(sysfs, "0000:41:00.5", "nvidia-557", "NVIDIA A40-24Q",
             "num_heads=4, frl_config=60, framebuffer=24576M", "vfio-pci", 1);
    mock_sysfs_add_mdev(sysfs, "0000:41:00.4", "11111111-1111-4111-8111-111111111111",
                        "nvidia-558", 100, "nvidia-vgpu-vfio");

    mock_sysfs_add_css_parent(sysfs, "0.0.0052", "0.0.0001", "vfio_ccw");
    mock_sysfs_register_parent(sysfs, "0.0.0052", FALSE);
    add_type(sysfs, "0.0.0052", "vfio_ccw-io", "I/O subchannel (Non-QDIO)", NULL, "vfio-ccw", 0);
    mock_sysfs_add_mdev(sysfs, "0.0.0052", "9b2f4e6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b", "vfio_ccw-io",
                        7, "vfio_ccw_mdev");

    mock_sysfs_add_ap_matrix(sysfs);
    mock_sysfs_register_parent(sysfs, "matrix", FALSE);
    add_type(sysfs, "matrix", "vfio_ap-passthrough", "VFIO AP Passthrough Device", NULL,
             "vfio-ap", 65535);

    /* exists, not registered yet */
    mock_sysfs_add_css_parent(sysfs, "0.0.0053", "0.0.0002", "io_subchannel");
}

static void
define(const char *parent, const char *uuid, const char *type, gboolean autostart,
       const char *const *attrs)
{
    g_autoptr(MdevContext) ctx = mdev_context_new();
    g_autoptr(MdevDevice) def = mdev_device_new(uuid, parent);
    g_autoptr(GError) error = NULL;

    def->type = g_strdup(type);
    def->defined = TRUE;
    def->autostart = autostart;
    for (const char *const *a = attrs; a && *a; a += 2)
        g_ptr_array_add(def->attrs, mdev_attr_new(a[0], a[1]));
    mdev_store_save(ctx, def, &error);
    g_assert_no_error(error);
}

/* host_mixed plus definitions: for a running mdev, for stopped ones, for a
 * parent that is not there, and one file that is not a definition. */
static void
host_defined(MockSysfs *sysfs)
{
    const char *const ap_attrs[] = { "assign_adapter", "5", "assign_domain", "0xab", NULL };
    g_autofree char *bad_dir = NULL;
    g_autofree char *bad = NULL;

    host_mixed(sysfs);
    define("mtty", "503c922c-a10b-47e0-8a94-f67ac92bce5a", "mtty-1", TRUE, NULL);
    define("mtty", "0b5c8a4e-7d2f-4c1b-9e3a-6f8d2c4b1a09", "mtty-2", FALSE, NULL);
    define("matrix", "783e6dbb-ea0e-411f-94e2-717eaad438bf", "vfio_ap-passthrough", FALSE,
           ap_attrs);
    define("0000:41:00.6", "11111111-1111-4111-8111-111111111111", "nvidia-558", TRUE, NULL);
    bad_dir = g_build_filename(g_getenv("MDEVTOOL_CONF_DIR"), "mtty", NULL);
    bad = g_build_filename(bad_dir, "ffffffff-ffff-4fff-8fff-ffffffffffff", NULL);
    g_assert_true(g_file_set_contents(bad, "{\"mdev_type\": ", -1, NULL));
}

/* A type without device_api and one with garbage capacity: listed, warned. */
static void
host_broken(MockSysfs *sysfs)
{
    g_autofree char *avail = NULL;

    mock_sysfs_add_generic_parent(sysfs, "mtty");
    mock_sysfs_register_parent(sysfs, "mtty", FALSE);
    add_type(sysfs, "mtty", "mtty-1", "Single port serial", NULL, "vfio-pci", 24);
    add_type(sysfs, "mtty", "mtty-3", "Triple port serial", NULL, NULL, 8);
    add_type(sysfs, "mtty", "mtty-4", "Quad port\nserial\x1b[31m", NULL, "vfio-pci", 2);
    /* the builder writes numbers only; this one-off models a driver bug */
    avail = mock_sysfs_real_path(sysfs, "/sys/devices/virtual/mtty/mtty/mdev_supported_types/"
                                        "mtty-4/available_instances");
    g_assert_true(g_file_set_contents(avail, "lots\n", -1, NULL));
}

/* ------------------------------------------------------------------ runs */

/* An empty definition store of the test's own, never the host's; and an
 * empty /proc, so that no process of the host holds a testbed's device. */
static void
isolate_store(void)
{
    g_autofree char *conf = g_build_filename(g_get_user_config_dir(), "mdevctl.d", NULL);
    g_autofree char *state = g_build_filename(g_get_user_runtime_dir(), "mdevtool", NULL);
    g_autofree char *proc = g_build_filename(g_get_user_runtime_dir(), "proc", NULL);

    g_mkdir_with_parents(conf, 0755);
    g_mkdir_with_parents(state, 0755);
    g_mkdir_with_parents(proc, 0755);
    g_setenv("MDEVTOOL_CONF_DIR", conf, TRUE);
    g_setenv("MDEVTOOL_STATE_DIR", state, TRUE);
    g_setenv("MDEVTOOL_PROC_DIR", proc, TRUE);
}

static char *
golden_path(const char *name)
{
    g_autofree char *file = g_strconcat(name, ".txt", NULL);

    return g_test_build_filename(G_TEST_DIST, "data", "cli", file, NULL);
}

static char *
describe(const char *const *args, const char *out, const char *err, int status)
{
    GString *text = g_string_new("$ mdevtool");

    for (const char *const *a = args; *a; a++)
        g_string_append_printf(text, " %s", *a);
    g_string_append(text, "\n--- stdout\n");
    g_string_append(text, out);
    g_string_append(text, "--- stderr\n");
    g_string_append(text, err);
    g_string_append_printf(text, "--- exit %d\n", status);
    /* the test's own store directory differs on every run */
    if (g_getenv("MDEVTOOL_CONF_DIR"))
        g_string_replace(text, g_getenv("MDEVTOOL_CONF_DIR"), "$MDEVTOOL_CONF_DIR", 0);
    return g_string_free(text, FALSE);
}

static void
compare_golden(const char *name, const char *actual)
{
    g_autofree char *path = golden_path(name);
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;

    if (g_strcmp0(g_getenv("MDEV_TEST_REGENERATE_OUTPUT"), "1") == 0) {
        g_autofree char *src = g_build_filename(g_getenv("G_TEST_SRCDIR"), "data", "cli",
                                                NULL);
        g_autofree char *file = g_strconcat(name, ".txt", NULL);
        g_autofree char *out = g_build_filename(src, file, NULL);
        g_mkdir_with_parents(src, 0755);
        g_file_set_contents(out, actual, -1, &error);
        g_assert_no_error(error);
        return;
    }
    g_file_get_contents(path, &expected, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(actual, ==, expected);
}

static void
run_case(gconstpointer data)
{
    const CliCase *c = data;
    g_autoptr(MockSysfs) sysfs = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *actual = NULL;
    g_autoptr(GError) error = NULL;
    int wait_status;
    int status;

    /* the testbed exports UMOCKDEV_DIR; the child inherits it and the preload */
    sysfs = mock_sysfs_new();
    if (test_skip_without_umockdev())
        return;
    isolate_store();
    c->host(sysfs);

    g_ptr_array_add(argv, (gpointer) mdevtool_path());
    for (const char *const *a = c->args; *a; a++)
        g_ptr_array_add(argv, (gpointer) *a);
    g_ptr_array_add(argv, NULL);
    g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                 &wait_status, &error);
    g_assert_no_error(error);
    g_assert_true(WIFEXITED(wait_status));
    status = WEXITSTATUS(wait_status);

    actual = describe(c->args, out, err, status);
    compare_golden(c->name, actual);
}

/* ---------------------------------------------------------------- monitor */

typedef struct {
    int fd;
    GString *buffer;
} LineReader;

/* The next line within @timeout_ms, or NULL. */
static char *
read_line(LineReader *r, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;

    while (TRUE) {
        char *nl = strchr(r->buffer->str, '\n');
        struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
        char chunk[1024];
        gint64 left;
        ssize_t n;

        if (nl) {
            char *line = g_strndup(r->buffer->str, nl - r->buffer->str);
            g_string_erase(r->buffer, 0, nl - r->buffer->str + 1);
            return line;
        }
        left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0 || poll(&pfd, 1, (int) left) <= 0)
            return NULL;
        n = read(r->fd, chunk, sizeof(chunk));
        if (n <= 0)
            return NULL;
        g_string_append_len(r->buffer, chunk, n);
    }
}

static void
test_monitor(gconstpointer data)
{
    const char *mode = data;
    const char *uuid = "503c922c-a10b-47e0-8a94-f67ac92bce5a";
    const char *const registered[] = { "MDEV_STATE=registered", NULL };
    g_autoptr(MockSysfs) sysfs = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    GPid pid;
    int wait_status;
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) lines = g_string_new(NULL);
    g_autofree char *actual = NULL;
    g_autofree char *name = NULL;
    const char *args[3] = { NULL, NULL, NULL };
    LineReader reader = { -1, g_string_new(NULL) };
    char *line;
    int status;

    sysfs = mock_sysfs_new();
    if (test_skip_without_umockdev())
        return;
    isolate_store();
    mock_sysfs_add_generic_parent(sysfs, "mtty");
    mock_sysfs_register_parent(sysfs, "mtty", FALSE);
    add_type(sysfs, "mtty", "mtty-2", "Dual port serial", NULL, "vfio-pci", 12);

    if (strcmp(mode, "json") == 0) {
        args[0] = "--json";
        args[1] = "monitor";
    } else {
        args[0] = "monitor";
    }
    g_ptr_array_add(argv, (gpointer) mdevtool_path());
    for (int i = 0; args[i]; i++)
        g_ptr_array_add(argv, (gpointer) args[i]);
    g_ptr_array_add(argv, NULL);
    g_spawn_async_with_pipes(NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                             NULL, NULL, &pid, NULL, &reader.fd, NULL, &error);
    g_assert_no_error(error);

    /* The monitor prints nothing until an event comes: announce the parent
     * again until the first line shows it listens, then drain. */
    for (int i = 0; i < 100; i++) {
        mock_sysfs_uevent(sysfs, "/sys/devices/virtual/mtty/mtty", "change", registered);
        line = read_line(&reader, 100);
        if (line) {
            g_free(line);
            break;
        }
        g_assert_cmpint(i, <, 99);
    }
    while ((line = read_line(&reader, 300)) != NULL)
        g_free(line);

    /* one step at a time: the monitor reads the type link when it gets the
     * event, so the device must still be there */
    for (int step = 0; step < 3; step++) {
        if (step == 0)
            mock_sysfs_add_mdev(sysfs, "mtty", uuid, "mtty-2", 0, "mtty");
        else if (step == 1)
            mock_sysfs_remove_mdev(sysfs, uuid);
        else
            mock_sysfs_unregister_parent(sysfs, "mtty", TRUE);
        line = read_line(&reader, 5000);
        g_assert_nonnull(line);
        g_string_append_printf(lines, "%s\n", line);
        g_free(line);
    }
    line = read_line(&reader, 300);
    g_assert_null(line);

    g_assert_cmpint(kill(pid, SIGINT), ==, 0);
    g_assert_cmpint(waitpid(pid, &wait_status, 0), ==, pid);
    g_spawn_close_pid(pid);
    close(reader.fd);
    g_string_free(reader.buffer, TRUE);
    g_assert_true(WIFEXITED(wait_status));
    status = WEXITSTATUS(wait_status);

    actual = describe(args, lines->str, "", status);
    name = g_strconcat("monitor-", mode, NULL);
    compare_golden(name, actual);
}

/* ------------------------------------------------------------------ cases */

static const CliCase cases[] = {
    { "parents-empty", host_empty, { "parents" } },
    { "types-empty", host_empty, { "types" } },
    { "types-empty-json", host_empty, { "--json", "types" } },
    { "list-empty", host_empty, { "list" } },
    { "list-empty-json", host_empty, { "--json", "list" } },
    { "parents", host_mixed, { "parents" } },
    { "parents-json", host_mixed, { "--json", "parents" } },
    { "parents-unregistered", host_mixed, { "parents", "--parent", "0.0.0053" } },
    { "types", host_mixed, { "types" } },
    { "types-json", host_mixed, { "--json", "types" } },
    { "types-parent", host_mixed, { "types", "--parent", "0000:41:00.5" } },
    { "types-parent-json", host_mixed, { "--json", "types", "-p", "0000:41:00.5" } },
    { "types-unregistered", host_mixed, { "types", "--parent", "0.0.0053" } },
    { "types-unregistered-json", host_mixed, { "--json", "types", "--parent", "0.0.0053" } },
    { "types-no-parent", host_mixed, { "types", "--parent", "0000:99:00.0" } },
    { "types-parent-case", host_mixed, { "types", "--parent", "MTTY" } },
    { "types-parent-domain", host_mixed, { "types", "--parent", "41:00.4" } },
    { "types-parent-invalid", host_mixed, { "types", "--parent", "../mtty" } },
    { "types-broken", host_broken, { "types" } },
    { "types-broken-json", host_broken, { "--json", "types" } },
    { "list", host_mixed, { "list" } },
    { "list-json", host_mixed, { "--json", "list" } },
    { "list-verbose", host_mixed, { "list", "--verbose" } },
    { "list-parent", host_mixed, { "list", "--parent", "mtty" } },
    { "list-parent-unknown", host_mixed, { "list", "--parent", "Mtty" } },
    { "list-uuid", host_mixed, { "--json", "list", "--uuid",
                                 "503C922C-A10B-47E0-8A94-F67AC92BCE5A" } },
    { "list-uuid-invalid", host_mixed, { "list", "--uuid", "503c922c" } },
    { "list-defined-and-all", host_mixed, { "list", "--defined", "--all" } },
    { "list-extra-argument", host_mixed, { "list", "mtty" } },
    { "list-annotated", host_defined, { "list" } },
    { "list-defined", host_defined, { "list", "--defined" } },
    { "list-all", host_defined, { "list", "--all" } },
    { "list-all-verbose", host_defined, { "list", "--all", "--verbose" } },
    { "list-all-json", host_defined, { "--json", "list", "--all" } },
    { "list-defined-absent-parent", host_defined,
      { "list", "--defined", "--parent", "0000:41:00.6" } },
    { "list-defined-uuid", host_defined,
      { "--json", "list", "--defined", "--uuid", "783e6dbb-ea0e-411f-94e2-717eaad438bf" } },
    { "list-defined-empty", host_mixed, { "list", "--defined" } },
};

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/cli-inventory/%s", cases[i].name);
        g_test_add_data_func(path, &cases[i], run_case);
    }
    g_test_add_data_func("/cli-inventory/monitor-text", "text", test_monitor);
    g_test_add_data_func("/cli-inventory/monitor-json", "json", test_monitor);
    return g_test_run();
}
