/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdev-use: which processes hold an mdev's VFIO nodes, read from the
 * simulated host's /proc, where a held mdev's holder shows as a process
 * with the node open; and the domain name in QEMU's command line. */
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-use.h"
#include "mock-host.h"
#include "test-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define UUID_A "5c7a1d3e-2b4f-4e6a-9c8d-0e1f2a3b4c5d"
#define UUID_B "6d8b2e4f-3c5a-4f7b-8d9e-1f2a3b4c5d6e"

typedef struct {
    MockSysfs *sysfs;
    MockHost *host;
    MdevContext *ctx;
} Fixture;

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    g_autofree char *path = mock_host_find_example("samples.json");
    g_autoptr(GError) error = NULL;

    fx->sysfs = mock_sysfs_new();
    if (test_skip_without_umockdev())
        return;
    fx->host = mock_host_new_from_file(fx->sysfs, path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(mock_host_create_mdev(fx->host, "mtty", "mtty-1", UUID_A), ==, 0);
    g_assert_cmpint(mock_host_create_mdev(fx->host, "mtty", "mtty-2", UUID_B), ==, 0);
    fx->ctx = mdev_context_new();
    mdev_context_set_proc_dir(fx->ctx, mock_host_get_proc_dir(fx->host));
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    g_clear_pointer(&fx->ctx, mdev_context_unref);
    g_clear_pointer(&fx->host, mock_host_free);
    g_clear_pointer(&fx->sysfs, mock_sysfs_free);
}

static MdevDevice *
get_device(Fixture *fx, const char *uuid)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevInventory) inv =
        mdev_discovery_scan(fx->ctx, MDEV_DISCOVERY_DEVICES, NULL, &error);
    MdevDevice *device;

    g_assert_no_error(error);
    device = mdev_inventory_get_device(inv, uuid, NULL);
    g_assert_nonnull(device);
    g_assert_true(device->active);
    return mdev_device_copy(device);
}

static GPtrArray *
holders_of(Fixture *fx, const char *uuid)
{
    g_autoptr(MdevDevice) device = get_device(fx, uuid);
    g_autoptr(GError) error = NULL;
    GPtrArray *holders = mdev_use_find_holders(fx->ctx, device, &error);

    g_assert_no_error(error);
    g_assert_nonnull(holders);
    return holders;
}

static void
test_idle(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) holders = NULL;
    g_autoptr(MdevDevice) device = NULL;
    g_autoptr(GError) error = NULL;

    if (fx->host == NULL)
        return;
    holders = holders_of(fx, UUID_A);
    g_assert_cmpuint(holders->len, ==, 0);
    device = get_device(fx, UUID_A);
    g_assert_true(mdev_use_check_idle(fx->ctx, device, &error));
    g_assert_no_error(error);
}

static void
test_qemu_group(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) holders = NULL;
    g_autoptr(MdevDevice) device = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *node = NULL;
    const MdevHolder *h;

    if (fx->host == NULL)
        return;
    g_assert_cmpint(
        mock_host_hold_mdev_by(fx->host, UUID_A, "/usr/bin/qemu-system-x86_64", "web,,1", FALSE),
        ==, 0);
    device = get_device(fx, UUID_A);
    node = g_strdup_printf("/dev/vfio/%d", device->iommu_group);
    holders = holders_of(fx, UUID_A);
    g_assert_cmpuint(holders->len, ==, 1);
    h = g_ptr_array_index(holders, 0);
    g_assert_cmpint(h->pid, >, 1);
    g_assert_cmpstr(h->command, ==, "qemu-system-x86");
    g_assert_cmpstr(h->domain, ==, "web,1");
    g_assert_cmpstr(h->node, ==, node);

    /* the other device of the parent is not held */
    g_clear_pointer(&holders, g_ptr_array_unref);
    holders = holders_of(fx, UUID_B);
    g_assert_cmpuint(holders->len, ==, 0);

    g_assert_false(mdev_use_check_idle(fx->ctx, device, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_BUSY);
    g_assert_nonnull(strstr(error->message, UUID_A));
    g_assert_nonnull(strstr(error->message, "'qemu-system-x86'"));
    g_assert_nonnull(strstr(error->message, "'web,1'"));
    g_assert_nonnull(strstr(error->message, node));

    g_assert_cmpint(mock_host_release_mdev(fx->host, UUID_A), ==, 0);
    g_clear_pointer(&holders, g_ptr_array_unref);
    holders = holders_of(fx, UUID_A);
    g_assert_cmpuint(holders->len, ==, 0);
}

/* Newer QEMU opens the device's own node instead of the group's. */
static void
test_cdev(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) holders = NULL;
    const MdevHolder *h;

    if (fx->host == NULL)
        return;
    g_assert_cmpint(mock_host_hold_mdev_by(fx->host, UUID_B, "qemu-system-x86_64", "db", TRUE), ==,
                    0);
    holders = holders_of(fx, UUID_B);
    g_assert_cmpuint(holders->len, ==, 1);
    h = g_ptr_array_index(holders, 0);
    g_assert_true(g_str_has_prefix(h->node, "/dev/vfio/devices/vfio"));
    g_assert_cmpstr(h->domain, ==, "db");
    g_clear_pointer(&holders, g_ptr_array_unref);
    holders = holders_of(fx, UUID_A);
    g_assert_cmpuint(holders->len, ==, 0);
}

/* Any process counts; only QEMU's -name gives a domain. */
static void
test_not_qemu(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) holders = NULL;
    g_autoptr(MdevDevice) device = NULL;
    g_autoptr(GError) error = NULL;
    const MdevHolder *h;

    if (fx->host == NULL)
        return;
    g_assert_cmpint(mock_host_hold_mdev_by(fx->host, UUID_A, "/usr/bin/python3", "spoof", FALSE),
                    ==, 0);
    holders = holders_of(fx, UUID_A);
    g_assert_cmpuint(holders->len, ==, 1);
    h = g_ptr_array_index(holders, 0);
    g_assert_cmpstr(h->command, ==, "python3");
    g_assert_null(h->domain);
    device = get_device(fx, UUID_A);
    g_assert_false(mdev_use_check_idle(fx->ctx, device, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_BUSY);
    g_assert_null(strstr(error->message, "domain"));
}

static void
write_process(const char *proc, int pid, int ppid, const char *comm, const char *node)
{
    g_autofree char *dir = g_strdup_printf("%s/%d", proc, pid);
    g_autofree char *fddir = g_build_filename(dir, "fd", NULL);
    g_autofree char *status = g_strdup_printf("Name:\t%s\nPPid:\t%d\n", comm, ppid);
    g_autofree char *path = NULL;
    g_autofree char *fd = g_build_filename(fddir, "7", NULL);

    g_assert_cmpint(g_mkdir_with_parents(fddir, 0755), ==, 0);
    path = g_build_filename(dir, "status", NULL);
    g_assert_true(g_file_set_contents(path, status, -1, NULL));
    g_free(path);
    path = g_build_filename(dir, "comm", NULL);
    g_assert_true(g_file_set_contents(path, comm, -1, NULL));
    g_assert_cmpint(symlink(node, fd), ==, 0);
}

/* Whoever runs mdevtool (libvirtd for nodedev-destroy) may hold the node
 * itself; it and its ancestors are not holders, anyone else is. */
static void
test_own_lineage(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) holders = NULL;
    g_autoptr(MdevDevice) device = NULL;
    g_autofree char *node = NULL;
    const char *proc;
    int self = getpid();
    int ancestor = self + 100000;
    int stranger = self + 200000;

    if (fx->host == NULL)
        return;
    proc = mock_host_get_proc_dir(fx->host);
    device = get_device(fx, UUID_A);
    node = g_strdup_printf("/dev/vfio/%d", device->iommu_group);
    write_process(proc, self, ancestor, "test-use", node);
    write_process(proc, ancestor, 1, "libvirtd", node);
    holders = holders_of(fx, UUID_A);
    g_assert_cmpuint(holders->len, ==, 0);

    write_process(proc, stranger, 1, "vfio-user", node);
    g_clear_pointer(&holders, g_ptr_array_unref);
    holders = holders_of(fx, UUID_A);
    g_assert_cmpuint(holders->len, ==, 1);
    g_assert_cmpint(((MdevHolder *) g_ptr_array_index(holders, 0))->pid, ==, stranger);
    g_assert_cmpstr(((MdevHolder *) g_ptr_array_index(holders, 0))->command, ==, "vfio-user");
}

static void
test_no_proc(void)
{
    g_autoptr(MdevContext) ctx = mdev_context_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevUse) use = NULL;

    mdev_context_set_proc_dir(ctx, "/nonexistent/proc");
    use = mdev_use_scan(ctx, &error);
    g_assert_null(use);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "/nonexistent/proc"));
}

/* /proc is read only when one of the devices asked about could be held:
 * an active one with an IOMMU group. */
static void
test_scan_devices_needless(void)
{
    g_autoptr(MdevContext) ctx = mdev_context_new();
    g_autoptr(GPtrArray) devices =
        g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevUse) use = NULL;
    g_autoptr(GPtrArray) holders = NULL;
    MdevDevice *inactive = mdev_device_new(UUID_A, "mtty");
    MdevDevice *groupless = mdev_device_new(UUID_B, "mtty");
    MdevDevice *grouped;

    mdev_context_set_proc_dir(ctx, "/nonexistent/proc");
    inactive->iommu_group = 3;
    groupless->active = TRUE;
    groupless->iommu_group = -1;
    g_ptr_array_add(devices, inactive);
    g_ptr_array_add(devices, groupless);
    use = mdev_use_scan_devices(ctx, devices, &error);
    g_assert_no_error(error);
    g_assert_nonnull(use);
    g_assert_true(mdev_use_is_complete(use));
    holders = mdev_use_dup_holders(use, groupless);
    g_assert_cmpuint(holders->len, ==, 0);
    g_clear_pointer(&use, mdev_use_free);

    grouped = mdev_device_new("7e9c3f5a-4d6b-4a8c-9eaf-2a3b4c5d6e7f", "mtty");
    grouped->active = TRUE;
    grouped->iommu_group = 4;
    g_ptr_array_add(devices, grouped);
    use = mdev_use_scan_devices(ctx, devices, &error);
    g_assert_null(use);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
}

/* The scan for given devices finds what the full scan finds for them,
 * through the group's node and through the device's own. */
static void
test_scan_devices_held(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) devices =
        g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevUse) use = NULL;

    if (fx->host == NULL)
        return;
    g_assert_cmpint(
        mock_host_hold_mdev_by(fx->host, UUID_A, "/usr/bin/qemu-system-x86_64", "web", FALSE), ==,
        0);
    g_assert_cmpint(mock_host_hold_mdev_by(fx->host, UUID_B, "qemu-system-x86_64", "db", TRUE), ==,
                    0);
    g_ptr_array_add(devices, get_device(fx, UUID_A));
    g_ptr_array_add(devices, get_device(fx, UUID_B));
    use = mdev_use_scan_devices(fx->ctx, devices, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < devices->len; i++) {
        g_autoptr(GPtrArray) holders = mdev_use_dup_holders(use, g_ptr_array_index(devices, i));
        const MdevHolder *h;

        g_assert_cmpuint(holders->len, ==, 1);
        h = g_ptr_array_index(holders, 0);
        g_assert_cmpstr(h->domain, ==, i == 0 ? "web" : "db");
        g_assert_true(g_str_has_prefix(h->node, "/dev/vfio/devices/vfio") == (i == 1));
    }
}

static void
test_parse_domain(void)
{
    static const struct {
        const char *argv;
        const char *domain;
    } cases[] = {
        { "/usr/bin/qemu-system-x86_64|-name|guest=vm1,debug-threads=on|-S", "vm1" },
        { "qemu-kvm|-name|guest=a,,b,,,debug-threads=on", "a,b," },
        { "qemu-system-s390x|-name|debug-threads=on,guest=late", "late" },
        { "qemu-system-x86_64|-name|old", "old" },
        { "qemu-system-x86_64|--name|old,process=qemu:old", "old" },
        { "qemu-system-x86_64|-name|debug-threads=on", NULL },
        { "qemu-system-x86_64|-name|guest=", NULL },
        { "qemu-system-x86_64|-name", NULL },
        { "qemu-system-x86_64|-M|q35", NULL },
        { "/usr/bin/python3|-name|guest=vm1", NULL },
        { "", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *cmdline = g_strdup(cases[i].argv);
        g_autofree char *domain = NULL;
        gsize length = strlen(cmdline);

        g_strdelimit(cmdline, "|", '\0');
        domain = mdev_use_parse_domain(cmdline, length);
        g_test_message("%s -> %s", cases[i].argv, domain ? domain : "(null)");
        g_assert_cmpstr(domain, ==, cases[i].domain);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    g_test_add_func("/use/parse-domain/table", test_parse_domain);
    g_test_add_func("/use/scan/no-proc", test_no_proc);
    g_test_add_func("/use/scan-devices/needless", test_scan_devices_needless);
    g_test_add("/use/scan-devices/held", Fixture, NULL, fixture_setup, test_scan_devices_held,
               fixture_teardown);
    g_test_add("/use/holders/idle", Fixture, NULL, fixture_setup, test_idle, fixture_teardown);
    g_test_add("/use/holders/qemu-group", Fixture, NULL, fixture_setup, test_qemu_group,
               fixture_teardown);
    g_test_add("/use/holders/cdev", Fixture, NULL, fixture_setup, test_cdev, fixture_teardown);
    g_test_add("/use/holders/not-qemu", Fixture, NULL, fixture_setup, test_not_qemu,
               fixture_teardown);
    g_test_add("/use/holders/own-lineage", Fixture, NULL, fixture_setup, test_own_lineage,
               fixture_teardown);
    return g_test_run();
}
