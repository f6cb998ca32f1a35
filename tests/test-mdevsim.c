/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/mdevsim, the simulated kernel, checked from the outside: each case
 * runs this program again under mdevsim ("--inside CASE"), where it writes
 * to /sys as any client would (through write(), shell redirections and
 * mdevsim-ctl) and checks the result with libudev and plain reads. */
#include "test-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libudev.h>
#include <poll.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MTTY "/sys/devices/virtual/mtty/mtty"
#define MTTY_TYPES MTTY "/mdev_supported_types"
#define MDPY_TYPES "/sys/devices/virtual/mdpy/mdpy/mdev_supported_types"
#define MBOCHS_TYPES "/sys/devices/virtual/mbochs/mbochs/mdev_supported_types"
#define UUID1 "503c922c-a10b-47e0-8a94-f67ac92bce5a"
#define UUID2 "ee1919f7-25e2-4b73-be23-2a2cd6c4308f"

/* ------------------------------------------------------------- outside */

typedef struct {
    int status;
    char *out;
    char *err;
} RunResult;

static void
run_result_clear(RunResult *result)
{
    g_free(result->out);
    g_free(result->err);
}

static const char *
mdevsim_path(void)
{
    return g_getenv("MDEVSIM");
}

static gboolean
skip_without_mdevsim(void)
{
    if (mdevsim_path() && g_file_test(mdevsim_path(), G_FILE_TEST_IS_EXECUTABLE))
        return FALSE;
    g_test_skip("needs MDEVSIM (set by make check)");
    return TRUE;
}

static void
run(const char *const *argv, RunResult *result)
{
    g_autoptr(GError) error = NULL;

    g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &result->out,
                 &result->err, &result->status, &error);
    g_assert_no_error(error);
}

static int
exit_code(const RunResult *result)
{
    return WIFEXITED(result->status) ? WEXITSTATUS(result->status) : -1;
}

/* Runs one inside case on an example host and requires it to pass. */
static void
run_inside(const char *host, const char *name)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *host_path = NULL;
    RunResult result = { 0 };
    const char *argv[] = { mdevsim_path(), "--host", NULL, "--", self, "--inside", name, NULL };

    if (skip_without_mdevsim())
        return;
    host_path = g_test_build_filename(G_TEST_DIST, "..", "examples", "hosts", host, NULL);
    argv[2] = host_path;
    run(argv, &result);
    if (exit_code(&result) != 0)
        g_test_message("inside %s on %s:\n%s%s", name, host, result.out, result.err);
    g_assert_cmpint(exit_code(&result), ==, 0);
    g_assert_true(g_str_has_suffix(result.out, "inside: ok\n"));
    run_result_clear(&result);
}

static void
test_inside(gconstpointer data)
{
    g_auto(GStrv) parts = g_strsplit(data, ":", 2);

    run_inside(parts[0], parts[1]);
}

static void
test_exit_status(void)
{
    RunResult result = { 0 };
    const char *exit7[] = { mdevsim_path(), "--host", "samples.json", "--", "sh", "-c", "exit 7",
                            NULL };
    const char *killed[] = { mdevsim_path(), "--host", "samples.json", "--", "sh", "-c",
                             "kill -TERM $$", NULL };
    const char *usage[] = { mdevsim_path(), "--", "true", NULL };
    const char *missing[] = { mdevsim_path(), "--host", "/nonexistent/host.json", "--", "true",
                              NULL };

    if (skip_without_mdevsim())
        return;
    /* a bare name is looked up in examples/hosts/ */
    run(exit7, &result);
    g_assert_cmpint(exit_code(&result), ==, 7);
    run_result_clear(&result);
    run(killed, &result);
    g_assert_cmpint(exit_code(&result), ==, 128 + 15);
    run_result_clear(&result);
    run(usage, &result);
    g_assert_cmpint(exit_code(&result), ==, 2);
    g_assert_nonnull(strstr(result.err, "usage"));
    run_result_clear(&result);
    run(missing, &result);
    g_assert_cmpint(exit_code(&result), ==, 125);
    g_assert_nonnull(strstr(result.err, "/nonexistent/host.json"));
    run_result_clear(&result);
}

static void
test_malformed_host(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-mdevsim-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "bad.json", NULL);
    RunResult result = { 0 };
    const char *argv[] = { mdevsim_path(), "--host", path, "--", "true", NULL };

    if (skip_without_mdevsim())
        return;
    g_assert_true(g_file_set_contents(
        path, "{ \"parents\": [ { \"name\": \"mtty\", \"kind\": \"generic\", "
              "\"types\": [ { \"id\": \"mtty-1\", \"instances\": 1, \"pool\": \"p\" } ] } ] }",
        -1, NULL));
    run(argv, &result);
    g_assert_cmpint(exit_code(&result), ==, 125);
    g_assert_nonnull(strstr(result.err, "parents[0] (mtty).types[0]"));
    run_result_clear(&result);
    g_unlink(path);
    g_rmdir(dir);
}

/* mdevctl, a consumer that knows nothing of the simulator, sees a kernel. */
static void
test_mdevctl(void)
{
    g_autofree char *mdevctl = g_find_program_in_path("mdevctl");
    RunResult result = { 0 };
    const char *script =
        "T=/sys/devices/virtual/mtty/mtty/mdev_supported_types\n"
        "mdevctl start -p mtty -t mtty-2 -u " UUID1 " || exit 10\n"
        "mdevctl list\n"
        "cat $T/mtty-1/available_instances\n"
        "mdevctl start -p mtty -t mtty-2 -u " UUID1 " 2>&1 && exit 11\n"
        "mdevctl stop -u " UUID1 " || exit 12\n"
        "mdevctl list\n"
        "cat $T/mtty-1/available_instances\n";
    const char *argv[] = { mdevsim_path(), "--host", "samples.json", "--", "sh", "-c", script,
                           NULL };

    if (skip_without_mdevsim())
        return;
    if (mdevctl == NULL) {
        g_test_skip("mdevctl is not installed");
        return;
    }
    run(argv, &result);
    if (exit_code(&result) != 0)
        g_test_message("%s%s", result.out, result.err);
    g_assert_cmpint(exit_code(&result), ==, 0);
    g_assert_cmpstr(result.out, ==,
                    UUID1 " mtty mtty-2 manual\n\n"
                    "22\n"
                    "Error: Device already exists\n"
                    "\n24\n");
    run_result_clear(&result);
}

/* --conf-dir: created if need be; the host's definitions land there and
 * stay after the run. */
static void
test_conf_dir(void)
{
    g_autofree char *top = g_dir_make_tmp("test-mdevsim-XXXXXX", NULL);
    g_autofree char *dir = g_build_filename(top, "store", NULL);
    g_autofree char *def = g_build_filename(dir, "0000:00:02.0",
                                            "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *parent_dir = g_path_get_dirname(def);
    g_autofree char *other = g_build_filename(parent_dir, "4b20d080-1b54-4048-85b3-a6a62d165c01",
                                              NULL);
    g_autofree char *script = g_strdup_printf("test \"$MDEVTOOL_CONF_DIR\" = '%s'", dir);
    RunResult result = { 0 };
    const char *argv[] = { mdevsim_path(), "--host", "intel-gvtg.json", "--conf-dir", dir, "--",
                           "sh", "-c", script, NULL };

    if (skip_without_mdevsim())
        return;
    run(argv, &result);
    g_assert_cmpint(exit_code(&result), ==, 0);
    g_assert_true(g_file_get_contents(def, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==,
                    "{\n  \"mdev_type\": \"i915-GVTg_V5_8\",\n  \"start\": \"auto\",\n"
                    "  \"attrs\": []\n}\n");
    run_result_clear(&result);
    g_unlink(def);
    g_unlink(other);
    g_rmdir(parent_dir);
    g_rmdir(dir);
    g_rmdir(top);
}

/* -------------------------------------------------------------- inside */

static char *
read_value(const char *path)
{
    g_autofree char *contents = NULL;

    if (!g_file_get_contents(path, &contents, NULL, NULL))
        return NULL;
    return g_strchomp(g_steal_pointer(&contents));
}

static int
read_int(const char *path)
{
    g_autofree char *value = read_value(path);

    g_assert_nonnull(value);
    return atoi(value);
}

static int
available(const char *types_dir, const char *type)
{
    g_autofree char *path = g_build_filename(types_dir, type, "available_instances", NULL);

    return read_int(path);
}

/* One write() as mdevctl does it; 0 or the errno. */
static int
write_len(const char *path, const char *data, gsize len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n;
    int err;

    if (fd < 0)
        return errno;
    n = write(fd, data, len);
    err = n < 0 ? errno : 0;
    close(fd);
    if (n >= 0)
        g_assert_cmpint(n, ==, (gssize) len);
    return err;
}

static int
write_str(const char *path, const char *data)
{
    return write_len(path, data, strlen(data));
}

static int
create(const char *types_dir, const char *type, const char *uuid)
{
    g_autofree char *path = g_build_filename(types_dir, type, "create", NULL);

    return write_str(path, uuid);
}

static int
remove_mdev(const char *uuid, const char *value)
{
    g_autofree char *path = g_build_filename("/sys/bus/mdev/devices", uuid, "remove", NULL);

    return write_str(path, value);
}

static gboolean
exists(const char *path)
{
    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static int
sh(const char *script)
{
    g_autoptr(GError) error = NULL;
    const char *argv[] = { "/bin/sh", "-c", script, NULL };
    int status = 0;

    g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                 &error);
    g_assert_no_error(error);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static guint
count_entries(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    guint n = 0;

    while (dir && g_dir_read_name(dir))
        n++;
    return n;
}

static char *vfio_dev_of(const char *mdev_syspath);

static void
inside_create_remove(void)
{
    g_autoptr(udev) u = udev_new();
    g_autoptr(udev_device) dev = NULL;
    g_autoptr(udev_enumerate) en = udev_enumerate_new(u);
    struct udev_list_entry *entry;
    g_autofree char *group = NULL;
    g_autofree char *group_dir = NULL;
    g_autofree char *again = NULL;
    g_autofree char *vendor = NULL;
    g_autofree char *type_link = NULL;
    g_autofree char *bus_link = NULL;
    g_autofree char *listed = NULL;
    guint n = 0;

    g_assert_cmpint(available(MTTY_TYPES, "mtty-1"), ==, 24);
    g_assert_cmpint(available(MTTY_TYPES, "mtty-2"), ==, 12);
    /* a shell redirection, as a user would do it */
    g_assert_cmpint(sh("printf %s " UUID1 " > " MTTY_TYPES "/mtty-2/create"), ==, 0);
    /* the pool of 24 ports: one mtty-2 takes two */
    g_assert_cmpint(available(MTTY_TYPES, "mtty-1"), ==, 22);
    g_assert_cmpint(available(MTTY_TYPES, "mtty-2"), ==, 11);
    g_assert_cmpint(available(MDPY_TYPES, "mdpy-vga"), ==, 4);
    g_assert_cmpint(available(MBOCHS_TYPES, "mbochs-small"), ==, 64);

    dev = udev_device_new_from_syspath(u, MTTY "/" UUID1);
    g_assert_nonnull(dev);
    g_assert_cmpstr(udev_device_get_subsystem(dev), ==, "mdev");
    g_assert_cmpstr(udev_device_get_driver(dev), ==, "mtty");
    g_assert_null(udev_device_get_property_value(dev, "MDEV_TYPE"));
    type_link = test_dup_link_basename(MTTY "/" UUID1 "/mdev_type");
    g_assert_cmpstr(type_link, ==, "mtty-2");
    bus_link = test_dup_link_basename("/sys/bus/mdev/devices/" UUID1);
    g_assert_cmpstr(bus_link, ==, UUID1);
    listed = test_dup_link_basename(MTTY_TYPES "/mtty-2/devices/" UUID1);
    g_assert_cmpstr(listed, ==, UUID1);
    group = test_dup_link_basename(MTTY "/" UUID1 "/iommu_group");
    g_assert_nonnull(group);
    group_dir = g_build_filename("/sys/kernel/iommu_groups", group, NULL);
    g_assert_true(g_file_test(group_dir, G_FILE_TEST_IS_DIR));
    g_assert_true(exists(MTTY "/" UUID1 "/remove"));
    {
        g_autofree char *child_path = vfio_dev_of(MTTY "/" UUID1);
        g_autoptr(udev_device) child = udev_device_new_from_syspath(u, child_path);
        g_assert_nonnull(child);
        g_assert_cmpstr(udev_device_get_subsystem(child), ==, "vfio-dev");
    }
    vendor = read_value(MTTY "/" UUID1 "/vendor/sample_mdev_dev");
    g_assert_cmpstr(vendor, ==, "This is MDEV " UUID1);

    udev_enumerate_add_match_subsystem(en, "mdev");
    udev_enumerate_scan_devices(en);
    udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en)) {
        g_assert_cmpstr(udev_list_entry_get_name(entry), ==, MTTY "/" UUID1);
        n++;
    }
    g_assert_cmpuint(n, ==, 1);

    g_assert_cmpint(sh("echo 1 > /sys/bus/mdev/devices/" UUID1 "/remove"), ==, 0);
    g_assert_false(exists(MTTY "/" UUID1));
    g_assert_false(exists("/sys/bus/mdev/devices/" UUID1));
    g_assert_false(exists(MTTY_TYPES "/mtty-2/devices/" UUID1));
    g_assert_false(exists(group_dir));
    g_assert_true(g_file_test("/sys/bus/mdev/devices", G_FILE_TEST_IS_DIR));
    g_assert_cmpint(available(MTTY_TYPES, "mtty-1"), ==, 24);
    g_assert_cmpint(available(MTTY_TYPES, "mtty-2"), ==, 12);

    /* the same UUID can come back, and gets the freed group number */
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, 0);
    again = test_dup_link_basename(MTTY "/" UUID1 "/iommu_group");
    g_assert_cmpstr(again, ==, group);
    g_assert_cmpint(available(MTTY_TYPES, "mtty-2"), ==, 11);
    g_assert_cmpint(remove_mdev(UUID1, "1"), ==, 0);
}

/* The writers tests and tools use: dash's builtins and dd call write();
 * bash's builtin echo and coreutils' printf go through stdio. */
static char *
writer_command(guint writer, const char *value, const char *path)
{
    switch (writer) {
    case 0:
        return g_strdup_printf("printf %%s %s > %s", value, path);
    case 1:
        return g_strdup_printf("bash -c 'echo %s > %s'", value, path);
    case 2:
        return g_strdup_printf("/usr/bin/printf %s > %s", value, path);
    default:
        return g_strdup_printf("echo %s | dd of=%s status=none", value, path);
    }
}

static void
inside_shells(void)
{
    for (guint i = 0; i < 4; i++) {
        g_autofree char *uuid = g_strdup_printf("%08x-0000-4000-8000-00000000000a", i);
        g_autofree char *remove = g_strdup_printf("/sys/bus/mdev/devices/%s/remove", uuid);
        g_autofree char *dir = g_strdup_printf(MTTY "/%s", uuid);
        g_autofree char *create_cmd = writer_command(i, uuid, MTTY_TYPES "/mtty-1/create");
        g_autofree char *remove_cmd = writer_command(i, "1", remove);

        g_test_message("%s", create_cmd);
        g_assert_cmpint(sh(create_cmd), ==, 0);
        g_assert_true(exists(dir));
        g_assert_cmpint(available(MTTY_TYPES, "mtty-1"), ==, 23);
        /* the same again: the writer sees EEXIST and fails */
        g_assert_cmpint(sh(create_cmd), !=, 0);
        g_assert_cmpint(sh(remove_cmd), ==, 0);
        g_assert_false(exists(dir));
        g_assert_cmpint(available(MTTY_TYPES, "mtty-1"), ==, 24);
    }
}

static void
inside_errors(void)
{
    g_autofree char *upper = g_ascii_strup(UUID2, -1);
    g_autofree char *remove_path = NULL;
    int fd;

    /* length: 36, or 37 with anything after the UUID (a newline in practice) */
    g_assert_cmpint(write_len(MTTY_TYPES "/mtty-1/create", UUID1, 35), ==, EINVAL);
    g_assert_cmpint(write_str(MTTY_TYPES "/mtty-1/create", UUID1 "\n\n"), ==, EINVAL);
    g_assert_cmpint(write_str(MTTY_TYPES "/mtty-1/create", "503c922c-a10b-47e0-8a94-f67ac92bce5g"),
                    ==, EINVAL);
    g_assert_cmpint(write_str(MTTY_TYPES "/mtty-1/create", "503c922c+a10b-47e0-8a94-f67ac92bce5a"),
                    ==, EINVAL);
    g_assert_cmpint(write_len(MTTY_TYPES "/mtty-1/create", "", 0), ==, 0);
    g_assert_cmpuint(count_entries("/sys/bus/mdev/devices"), ==, 0);
    g_assert_cmpint(write_str(MTTY_TYPES "/mtty-1/create", UUID1 "\n"), ==, 0);
    /* either case; the device is named in lowercase */
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", upper), ==, 0);
    g_assert_true(exists(MTTY "/" UUID2));

    /* duplicates: same type, other type, other parent */
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, EEXIST);
    g_assert_cmpint(create(MTTY_TYPES, "mtty-2", UUID1), ==, EEXIST);
    g_assert_cmpint(create(MDPY_TYPES, "mdpy-vga", UUID1), ==, EEXIST);
    g_assert_cmpint(available(MDPY_TYPES, "mdpy-vga"), ==, 4);

    /* remove: kstrtoul() rules */
    g_assert_cmpint(remove_mdev(UUID2, "0"), ==, 0);
    g_assert_true(exists(MTTY "/" UUID2));
    g_assert_cmpint(remove_mdev(UUID2, "garbage"), ==, EINVAL);
    g_assert_cmpint(remove_mdev(UUID2, "-1"), ==, EINVAL);
    g_assert_cmpint(remove_mdev(UUID2, " 1"), ==, EINVAL);
    g_assert_cmpint(remove_mdev(UUID2, "08"), ==, EINVAL);
    g_assert_true(exists(MTTY "/" UUID2));
    /* a file opened before the device went: the kernel says ENODEV */
    remove_path = g_build_filename("/sys/bus/mdev/devices", UUID2, "remove", NULL);
    fd = open(remove_path, O_WRONLY | O_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(remove_mdev(UUID2, "0x1\n"), ==, 0);
    g_assert_false(exists(MTTY "/" UUID2));
    g_assert_cmpint(write(fd, "1", 1), ==, -1);
    g_assert_cmpint(errno, ==, ENODEV);
    close(fd);
    g_assert_cmpint(remove_mdev(UUID1, "+1"), ==, 0);

    /* mtty: full pool -> the driver's probe fails with ENOSPC */
    for (int i = 0; i < 12; i++) {
        g_autofree char *uuid = g_strdup_printf("%08x-0000-4000-8000-000000000000", i);
        g_assert_cmpint(create(MTTY_TYPES, "mtty-2", uuid), ==, 0);
    }
    g_assert_cmpint(available(MTTY_TYPES, "mtty-1"), ==, 0);
    g_assert_cmpint(create(MTTY_TYPES, "mtty-2", UUID1), ==, ENOSPC);
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, ENOSPC);
    g_assert_false(exists(MTTY "/" UUID1));
    /* mdpy: four devices of any type, then ENOMEM */
    for (int i = 0; i < 4; i++) {
        g_autofree char *uuid = g_strdup_printf("%08x-0000-4000-8000-000000000001", i);
        g_assert_cmpint(create(MDPY_TYPES, i % 2 ? "mdpy-hd" : "mdpy-vga", uuid), ==, 0);
    }
    g_assert_cmpint(available(MDPY_TYPES, "mdpy-xga"), ==, 0);
    g_assert_cmpint(create(MDPY_TYPES, "mdpy-xga", UUID1), ==, ENOMEM);
    /* mbochs: 256 MB shared; one large leaves 192 */
    g_assert_cmpint(create(MBOCHS_TYPES, "mbochs-large", UUID1), ==, 0);
    g_assert_cmpint(available(MBOCHS_TYPES, "mbochs-large"), ==, 3);
    g_assert_cmpint(available(MBOCHS_TYPES, "mbochs-medium"), ==, 12);
    g_assert_cmpint(available(MBOCHS_TYPES, "mbochs-small"), ==, 48);

    /* anything else is a plain file write */
    g_assert_cmpint(write_str("/sys/devices/virtual/mbochs/mbochs/" UUID1 "/vendor/memory", "8"),
                    ==, 0);
    {
        g_autofree char *memory = read_value("/sys/devices/virtual/mbochs/mbochs/" UUID1
                                             "/vendor/memory");
        g_autofree char *dir = g_dir_make_tmp("mdevsim-plain-XXXXXX", NULL);
        g_autofree char *plain = g_build_filename(dir, "create", NULL);
        g_autofree char *contents = NULL;

        /* an ordinary file, not sysfs: the byte is overwritten in place */
        g_assert_true(g_str_has_prefix(memory, "8"));
        g_assert_true(g_file_set_contents(plain, "", 0, NULL));
        g_assert_cmpint(write_str(plain, "not a uuid"), ==, 0);
        g_assert_true(g_file_get_contents(plain, &contents, NULL, NULL));
        g_assert_cmpstr(contents, ==, "not a uuid");
        g_unlink(plain);
        g_rmdir(dir);
    }
}

static void
inside_s390(void)
{
    const char *ccw52 = "/sys/devices/css0/0.0.0052/mdev_supported_types";
    const char *ccw53 = "/sys/devices/css0/0.0.0053/mdev_supported_types";

    /* the core's per-parent counter: EUSERS */
    g_assert_cmpint(available(ccw52, "vfio_ccw-io"), ==, 0);
    g_assert_cmpint(create(ccw52, "vfio_ccw-io", UUID1), ==, EUSERS);
    g_assert_cmpint(available(ccw53, "vfio_ccw-io"), ==, 1);
    g_assert_cmpint(create(ccw53, "vfio_ccw-io", UUID1), ==, 0);
    g_assert_cmpint(create(ccw53, "vfio_ccw-io", UUID2), ==, EUSERS);
    /* the duplicate check comes first */
    g_assert_cmpint(create(ccw53, "vfio_ccw-io", UUID1), ==, EEXIST);
    {
        g_autofree char *driver = test_dup_link_basename("/sys/devices/css0/0.0.0053/" UUID1 "/driver");
        g_assert_cmpstr(driver, ==, "vfio_ccw_mdev");
    }
    g_assert_false(exists("/sys/devices/css0/0.0.0054/mdev_supported_types"));
    g_assert_cmpint(available("/sys/devices/vfio_ap/matrix/mdev_supported_types",
                              "vfio_ap-passthrough"), ==, 65535);
    g_assert_cmpint(write_str("/sys/devices/vfio_ap/matrix/c7c9d1e5-0f6a-4f54-9d2e-5b3cbb0f5a10"
                              "/assign_adapter", "5"), ==, 0);
}

static void
expect_event(struct udev_monitor *mon, const char *action, const char *syspath,
             const char *driver, const char *mdev_state)
{
    g_autoptr(udev_device) dev = test_receive_uevent(mon);

    g_assert_nonnull(dev);
    g_assert_cmpstr(udev_device_get_action(dev), ==, action);
    g_assert_cmpstr(udev_device_get_syspath(dev), ==, syspath);
    g_assert_cmpstr(udev_device_get_property_value(dev, "DRIVER"), ==, driver);
    g_assert_cmpstr(udev_device_get_property_value(dev, "MDEV_STATE"), ==, mdev_state);
}

static void
expect_no_event(struct udev_monitor *mon)
{
    struct pollfd pfd = { .fd = udev_monitor_get_fd(mon), .events = POLLIN };

    g_assert_cmpint(poll(&pfd, 1, 200), ==, 0);
}

static char *
vfio_dev_of(const char *mdev_syspath)
{
    g_autofree char *dir_path = g_build_filename(mdev_syspath, "vfio-dev", NULL);
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    const char *name = dir ? g_dir_read_name(dir) : NULL;

    g_assert_nonnull(name);
    g_assert_true(g_str_has_prefix(name, "vfio"));
    return g_build_filename(dir_path, name, NULL);
}

static void
inside_uevents(void)
{
    g_autoptr(udev) u = udev_new();
    g_autoptr(udev_monitor) mon = udev_monitor_new_from_netlink(u, "udev");

    g_assert_nonnull(mon);
    g_assert_cmpint(udev_monitor_filter_add_match_subsystem_devtype(mon, "mdev", NULL), ==, 0);
    g_assert_cmpint(udev_monitor_enable_receiving(mon), ==, 0);

    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, 0);
    /* the kernel's order: add before the driver is bound, then bind */
    expect_event(mon, "add", MTTY "/" UUID1, NULL, NULL);
    expect_event(mon, "bind", MTTY "/" UUID1, "mtty", NULL);
    g_assert_cmpint(remove_mdev(UUID1, "1"), ==, 0);
    expect_event(mon, "unbind", MTTY "/" UUID1, "mtty", NULL);
    expect_event(mon, "remove", MTTY "/" UUID1, NULL, NULL);
    /* a create the core refuses sends nothing */
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", "bad"), ==, EINVAL);
    g_assert_cmpint(create(MDPY_TYPES, "mdpy-vga", UUID2), ==, 0);
    expect_event(mon, "add", "/sys/devices/virtual/mdpy/mdpy/" UUID2, NULL, NULL);
    expect_event(mon, "bind", "/sys/devices/virtual/mdpy/mdpy/" UUID2, "mdpy", NULL);
    g_assert_cmpint(create(MDPY_TYPES, "mdpy-vga", UUID2), ==, EEXIST);
    expect_no_event(mon);
    /* a full type fails in the driver's probe, after device_add(): the
     * device is announced and withdrawn */
    for (int i = 0; i < 3; i++) {
        g_autofree char *uuid = g_strdup_printf("%08x-0000-4000-8000-000000000002", i);
        g_autofree char *path = g_strdup_printf("/sys/devices/virtual/mdpy/mdpy/%s", uuid);
        g_assert_cmpint(create(MDPY_TYPES, "mdpy-xga", uuid), ==, 0);
        expect_event(mon, "add", path, NULL, NULL);
        expect_event(mon, "bind", path, "mdpy", NULL);
    }
    g_assert_cmpint(create(MDPY_TYPES, "mdpy-hd", UUID1), ==, ENOMEM);
    expect_event(mon, "add", "/sys/devices/virtual/mdpy/mdpy/" UUID1, NULL, NULL);
    expect_event(mon, "remove", "/sys/devices/virtual/mdpy/mdpy/" UUID1, NULL, NULL);
    expect_no_event(mon);
    g_assert_false(exists("/sys/devices/virtual/mdpy/mdpy/" UUID1));
    g_assert_false(exists("/sys/bus/mdev/devices/" UUID1));
    g_assert_false(exists(MDPY_TYPES "/mdpy-hd/devices/" UUID1));
    g_assert_cmpint(available(MDPY_TYPES, "mdpy-hd"), ==, 0);
}

static void
inside_register(void)
{
    const char *subch = "/sys/devices/css0/0.0.0054";
    const char *types = "/sys/devices/css0/0.0.0054/mdev_supported_types";
    g_autoptr(udev) u = udev_new();
    g_autoptr(udev_monitor) mon = udev_monitor_new_from_netlink(u, "udev");
    g_autofree char *mdev = g_build_filename(subch, UUID1, NULL);
    g_autofree char *vfio_dev = NULL;

    g_assert_cmpint(udev_monitor_enable_receiving(mon), ==, 0);
    g_assert_false(exists(types));
    g_assert_false(exists("/sys/class/mdev_bus/0.0.0054"));
    g_assert_true(exists(subch));

    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" register 0.0.0054"), ==, 0);
    expect_event(mon, "change", subch, "vfio_ccw", "registered");
    g_assert_true(exists("/sys/class/mdev_bus/0.0.0054"));
    g_assert_cmpint(available(types, "vfio_ccw-io"), ==, 1);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" register 0.0.0054 2>/dev/null"), ==, 1);
    g_assert_cmpint(sh("test \"$(\"$MDEVSIM_CTL\" available 0.0.0054 vfio_ccw-io)\" = 1"), ==, 0);

    g_assert_cmpint(create(types, "vfio_ccw-io", UUID1), ==, 0);
    vfio_dev = vfio_dev_of(mdev);
    expect_event(mon, "add", mdev, NULL, NULL);
    expect_event(mon, "add", vfio_dev, NULL, NULL);
    expect_event(mon, "bind", mdev, "vfio_ccw_mdev", NULL);
    /* the core's counter refuses before any device exists: no event */
    g_assert_cmpint(create(types, "vfio_ccw-io", UUID2), ==, EUSERS);
    expect_no_event(mon);

    /* unregistration takes the mdevs with it, then announces itself */
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" unregister 0.0.0054"), ==, 0);
    expect_event(mon, "remove", vfio_dev, NULL, NULL);
    expect_event(mon, "unbind", mdev, "vfio_ccw_mdev", NULL);
    expect_event(mon, "remove", mdev, NULL, NULL);
    expect_event(mon, "change", subch, "vfio_ccw", "unregistered");
    g_assert_false(exists(mdev));
    g_assert_false(exists(types));
    g_assert_false(exists("/sys/class/mdev_bus/0.0.0054"));
    g_assert_true(exists("/sys/class/mdev_bus/0.0.0053"));
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" unregister 0.0.0054 2>/dev/null"), ==, 1);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" register nosuch 2>/dev/null"), ==, 1);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" frobnicate 2>/dev/null"), ==, 1);

    /* control-side create and remove, for events from "elsewhere" */
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" create 0.0.0053 vfio_ccw-io " UUID2), ==, 0);
    g_assert_true(exists("/sys/devices/css0/0.0.0053/" UUID2));
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" create 0.0.0053 vfio_ccw-io " UUID1 " 2>/dev/null"), ==,
                    1);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" remove " UUID2), ==, 0);
    g_assert_false(exists("/sys/devices/css0/0.0.0053/" UUID2));
}

/* Many writers race for the last instances: the kernel serialises them, so
 * exactly as many succeed as were free. */
static void
inside_parallel(void)
{
    const int writers = 12;
    g_autoptr(GPtrArray) pids = g_ptr_array_new();
    int succeeded = 0;

    g_assert_cmpint(create(MBOCHS_TYPES, "mbochs-large", UUID1), ==, 0);
    g_assert_cmpint(available(MBOCHS_TYPES, "mbochs-large"), ==, 3);
    for (int i = 0; i < writers; i++) {
        g_autofree char *script = g_strdup_printf(
            "printf %%s %08x-1111-4000-8000-000000000000 > %s/%s/create", i, MBOCHS_TYPES,
            i % 3 ? "mbochs-large" : "mbochs-medium");
        const char *argv[] = { "/bin/sh", "-c", script, NULL };
        g_autoptr(GError) error = NULL;
        GPid pid;

        g_assert_true(g_spawn_async(NULL, (char **) argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                    NULL, &pid, &error));
        g_assert_no_error(error);
        g_ptr_array_add(pids, GINT_TO_POINTER(pid));
    }
    for (guint i = 0; i < pids->len; i++) {
        int status;
        g_assert_cmpint(waitpid(GPOINTER_TO_INT(g_ptr_array_index(pids, i)), &status, 0), >, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            succeeded++;
    }
    /* 192 MB were left: three 64 MB devices, or medium ones in their place */
    g_assert_cmpint(succeeded, >=, 3);
    g_assert_cmpint(count_entries("/sys/bus/mdev/devices"), ==, 1 + succeeded);
    g_assert_cmpint(available(MBOCHS_TYPES, "mbochs-large"), ==, 0);
    {
        int used = 64 + 64 * ((int) count_entries(MBOCHS_TYPES "/mbochs-large/devices") - 1) +
                   16 * (int) count_entries(MBOCHS_TYPES "/mbochs-medium/devices");
        g_assert_cmpint(used, <=, 256);
        g_assert_cmpint(available(MBOCHS_TYPES, "mbochs-small"), ==, (256 - used) / 4);
    }

    /* and exactly: twelve writers for the last three instances of one type */
    g_ptr_array_set_size(pids, 0);
    succeeded = 0;
    for (int i = 0; i < writers; i++) {
        g_autofree char *script = g_strdup_printf(
            "printf %%s %08x-2222-4000-8000-000000000000 > %s/mtty-2/create", i, MTTY_TYPES);
        const char *argv[] = { "/bin/sh", "-c", script, NULL };
        GPid pid;

        if (i == 0) {
            for (int j = 0; j < 9; j++) {
                g_autofree char *uuid = g_strdup_printf("%08x-3333-4000-8000-000000000000", j);
                g_assert_cmpint(create(MTTY_TYPES, "mtty-2", uuid), ==, 0);
            }
            g_assert_cmpint(available(MTTY_TYPES, "mtty-2"), ==, 3);
        }
        g_assert_true(g_spawn_async(NULL, (char **) argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                    NULL, &pid, NULL));
        g_ptr_array_add(pids, GINT_TO_POINTER(pid));
    }
    for (guint i = 0; i < pids->len; i++) {
        int status;
        g_assert_cmpint(waitpid(GPOINTER_TO_INT(g_ptr_array_index(pids, i)), &status, 0), >, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            succeeded++;
    }
    g_assert_cmpint(succeeded, ==, 3);
    g_assert_cmpint(available(MTTY_TYPES, "mtty-2"), ==, 0);
    g_assert_cmpuint(count_entries(MTTY_TYPES "/mtty-2/devices"), ==, 12);
}

static void
inside_definitions(void)
{
    const char *conf = g_getenv("MDEVTOOL_CONF_DIR");
    const char *state = g_getenv("MDEVTOOL_STATE_DIR");
    g_autofree char *auto_def = NULL;
    g_autofree char *auto_dir = NULL;
    g_autofree char *contents = NULL;

    g_assert_nonnull(conf);
    g_assert_nonnull(state);
    g_assert_true(g_file_test(state, G_FILE_TEST_IS_DIR));
    g_assert_cmpuint(count_entries(state), ==, 0);
    auto_def = g_build_filename(conf, "0000:00:02.0", "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001",
                                NULL);
    g_assert_true(g_file_get_contents(auto_def, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==,
                    "{\n  \"mdev_type\": \"i915-GVTg_V5_8\",\n  \"start\": \"auto\",\n"
                    "  \"attrs\": []\n}\n");
    g_assert_cmpuint(count_entries(conf), ==, 1);
    auto_dir = g_path_get_dirname(auto_def);
    g_assert_cmpuint(count_entries(auto_dir), ==, 2);

    /* the active vGPU takes 128 of 256 MB of aperture */
    g_assert_cmpint(available("/sys/devices/pci0000:00/0000:00:02.0/mdev_supported_types",
                              "i915-GVTg_V5_4"), ==, 1);
    g_assert_cmpint(available("/sys/devices/pci0000:00/0000:00:02.0/mdev_supported_types",
                              "i915-GVTg_V5_8"), ==, 2);
    g_assert_cmpint(create("/sys/devices/pci0000:00/0000:00:02.0/mdev_supported_types",
                           "i915-GVTg_V5_8", UUID1), ==, 0);
    g_assert_cmpint(create("/sys/devices/pci0000:00/0000:00:02.0/mdev_supported_types",
                           "i915-GVTg_V5_4", UUID2), ==, ENOSPC);
}

static void
inside_nvidia(void)
{
    const char *taken = "/sys/devices/pci0000:41/0000:41:00.4/mdev_supported_types";
    const char *free_vf = "/sys/devices/pci0000:41/0000:41:00.5/mdev_supported_types";
    const char *other_gpu = "/sys/devices/pci0000:61/0000:61:02.3/mdev_supported_types";

    g_assert_cmpuint(count_entries("/sys/class/mdev_bus"), ==, 32);
    g_assert_false(exists("/sys/class/mdev_bus/0000:41:00.0"));
    g_assert_false(exists("/sys/devices/pci0000:41/0000:41:00.0/mdev_supported_types"));
    g_assert_cmpint(available(taken, "nvidia-558"), ==, 0);
    g_assert_cmpint(available(taken, "nvidia-555"), ==, 0);
    g_assert_cmpint(create(taken, "nvidia-555", UUID1), ==, ENOSPC);
    g_assert_cmpint(available(free_vf, "nvidia-561"), ==, 1);
    g_assert_cmpint(create(free_vf, "nvidia-561", UUID1), ==, 0);
    /* one vGPU per VF, whatever its type */
    g_assert_cmpint(available(free_vf, "nvidia-555"), ==, 0);
    g_assert_cmpint(available(other_gpu, "nvidia-555"), ==, 1);
    {
        g_autofree char *driver = test_dup_link_basename("/sys/devices/pci0000:41/0000:41:00.5/" UUID1
                                            "/driver");
        g_autofree char *physfn = test_dup_link_basename("/sys/devices/pci0000:61/0000:61:02.3/physfn");
        g_autofree char *numvfs = read_value("/sys/devices/pci0000:61/0000:61:00.0/sriov_numvfs");
        g_assert_cmpstr(driver, ==, "nvidia-vgpu-vfio");
        g_assert_cmpstr(physfn, ==, "0000:61:00.0");
        g_assert_cmpstr(numvfs, ==, "16");
    }
}

/* Faults: any write to the testbed's sysfs can be failed, and a parent
 * can go as a later write arrives. */
static void
inside_faults(void)
{
    const char *file = MTTY "/" UUID1 "/vendor/sample_mdev_dev";
    g_autofree char *value = NULL;

    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" fail-once '*/mtty-1/create' EIO"), ==, 0);
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, EIO);
    g_assert_false(exists(MTTY "/" UUID1));
    g_assert_cmpint(available(MTTY_TYPES, "mtty-1"), ==, 24);
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, 0);

    /* a plain attribute: written as a file, unless a fault says otherwise */
    g_assert_cmpint(write_str(file, "one"), ==, 0);
    value = read_value(file);
    g_assert_true(g_str_has_prefix(value, "one"));
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" fail '*/" UUID1 "/vendor/*' EACCES"), ==, 0);
    g_assert_cmpint(write_str(file, "two"), ==, EACCES);
    g_assert_cmpint(write_str(file, "two"), ==, EACCES);
    {
        g_autofree char *after = read_value(file);
        g_assert_cmpstr(after, ==, value);
    }
    g_assert_cmpint(sh("printf two > " MTTY "/" UUID1 "/vendor/sample_mdev_dev"), !=, 0);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" fail '*/remove' EBUSY"), ==, 0);
    g_assert_cmpint(remove_mdev(UUID1, "1"), ==, EBUSY);
    g_assert_true(exists(MTTY "/" UUID1));
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" clear"), ==, 0);
    g_assert_cmpint(write_str(file, "two"), ==, 0);
    g_assert_cmpint(remove_mdev(UUID1, "1"), ==, 0);

    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" fail '*' ENOSUCHERRNO 2>/dev/null"), ==, 1);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" vanish nosuch 2>/dev/null"), ==, 1);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" vanish mtty 0 2>/dev/null"), ==, 1);

    /* the second write from now: the first one still sees mtty */
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" vanish mtty 2"), ==, 0);
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, 0);
    g_assert_true(exists(MTTY_TYPES));
    g_assert_cmpint(create(MDPY_TYPES, "mdpy-vga", UUID2), ==, 0);
    g_assert_false(exists(MTTY_TYPES));
    g_assert_false(exists(MTTY "/" UUID1));
    g_assert_true(exists(MTTY));
    g_assert_true(exists("/sys/bus/mdev/devices/" UUID2));
    /* a write through a file opened before the parent went */
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" register mtty"), ==, 0);
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, 0);
    {
        int fd = open(MTTY "/" UUID1 "/remove", O_WRONLY | O_CLOEXEC);

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(sh("\"$MDEVSIM_CTL\" vanish mtty"), ==, 0);
        g_assert_cmpint(write(fd, "1", 1), ==, -1);
        g_assert_cmpint(errno, ==, ENODEV);
        close(fd);
    }
    g_assert_false(exists(MTTY_TYPES));
}

/* Opens the VFIO group of @uuid as libvirt does: 0 or the errno. */
static int
open_group(const char *uuid)
{
    g_autofree char *link = g_strdup_printf("/sys/bus/mdev/devices/%s/iommu_group", uuid);
    g_autofree char *group = test_dup_link_basename(link);
    g_autofree char *node = NULL;
    int fd;

    g_assert_nonnull(group);
    node = g_strdup_printf("/dev/vfio/%s", group);
    fd = open(node, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

/* A device open by a VFIO user: its group is busy, its remove waits for
 * the release. */
static void
inside_held(void)
{
    g_autofree char *tmp = g_dir_make_tmp("mdevsim-held-XXXXXX", NULL);
    g_autofree char *done = g_build_filename(tmp, "done", NULL);

    g_setenv("DONE", done, TRUE);
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, 0);
    g_assert_cmpint(sh("test \"$(\"$MDEVSIM_CTL\" held " UUID1 ")\" = no"), ==, 0);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" hold " UUID2 " 2>/dev/null"), ==, 1);
    g_assert_cmpint(open_group(UUID1), ==, 0);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" hold " UUID1), ==, 0);
    g_assert_cmpint(sh("test \"$(\"$MDEVSIM_CTL\" held " UUID1 ")\" = yes"), ==, 0);
    /* the VFIO core lets one user have the group */
    g_assert_cmpint(open_group(UUID1), ==, EBUSY);
    g_assert_cmpint(sh("exec 3<> /dev/vfio/999"), !=, 0);
    /* the writer waits until the release, then succeeds */
    g_assert_cmpint(sh("( echo 1 > /sys/bus/mdev/devices/" UUID1 "/remove; echo $? > \"$DONE\" ) &"
                       " sleep 0.5; test ! -e \"$DONE\" && test -e /sys/bus/mdev/devices/" UUID1
                       " && \"$MDEVSIM_CTL\" release " UUID1
                       " && wait && test \"$(cat \"$DONE\")\" = 0"),
                    ==, 0);
    g_assert_false(exists(MTTY "/" UUID1));
    g_assert_cmpint(available(MTTY_TYPES, "mtty-1"), ==, 24);
    g_unlink(done);
    g_rmdir(tmp);

    /* a writer killed while it waits does not stop the removal */
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, 0);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" hold " UUID1), ==, 0);
    g_assert_cmpint(sh("sh -c 'echo 1 > /sys/bus/mdev/devices/" UUID1 "/remove' & pid=$!;"
                       " sleep 0.3; kill -9 $pid; wait $pid; test -e " MTTY "/" UUID1),
                    ==, 0);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" release " UUID1), ==, 0);
    g_assert_false(exists(MTTY "/" UUID1));

    /* held for a while: the user lets go by itself */
    g_assert_cmpint(create(MTTY_TYPES, "mtty-1", UUID1), ==, 0);
    g_assert_cmpint(sh("\"$MDEVSIM_CTL\" hold " UUID1 " 1"), ==, 0);
    g_assert_cmpint(remove_mdev(UUID1, "1"), ==, 0);
    g_assert_false(exists(MTTY "/" UUID1));
}

static const struct {
    const char *name;
    void (*func)(void);
} inside_cases[] = {
    { "create-remove", inside_create_remove },
    { "errors", inside_errors },
    { "shells", inside_shells },
    { "s390", inside_s390 },
    { "uevents", inside_uevents },
    { "register", inside_register },
    { "parallel", inside_parallel },
    { "definitions", inside_definitions },
    { "nvidia", inside_nvidia },
    { "faults", inside_faults },
    { "held", inside_held },
};

int
main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--inside") == 0) {
        for (guint i = 0; i < G_N_ELEMENTS(inside_cases); i++) {
            if (strcmp(argv[2], inside_cases[i].name) == 0) {
                inside_cases[i].func();
                g_print("inside: ok\n");
                return 0;
            }
        }
        g_printerr("unknown case %s\n", argv[2]);
        return 2;
    }

    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_data_func("/mdevsim/create-remove", "samples.json:create-remove", test_inside);
    g_test_add_data_func("/mdevsim/errors", "samples.json:errors", test_inside);
    g_test_add_data_func("/mdevsim/shells", "samples.json:shells", test_inside);
    g_test_add_data_func("/mdevsim/s390", "s390.json:s390", test_inside);
    g_test_add_data_func("/mdevsim/uevents", "samples.json:uevents", test_inside);
    g_test_add_data_func("/mdevsim/register", "s390.json:register", test_inside);
    g_test_add_data_func("/mdevsim/parallel", "samples.json:parallel", test_inside);
    g_test_add_data_func("/mdevsim/definitions", "intel-gvtg.json:definitions", test_inside);
    g_test_add_data_func("/mdevsim/nvidia", "nvidia-sriov.json:nvidia", test_inside);
    g_test_add_data_func("/mdevsim/faults", "samples.json:faults", test_inside);
    g_test_add_data_func("/mdevsim/held", "samples.json:held", test_inside);
    g_test_add_func("/mdevsim/exit-status", test_exit_status);
    g_test_add_func("/mdevsim/malformed-host", test_malformed_host);
    g_test_add_func("/mdevsim/conf-dir", test_conf_dir);
    g_test_add_func("/mdevsim/mdevctl", test_mdevctl);
    return g_test_run();
}
