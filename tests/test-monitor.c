/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monitor on umockdev uevents, in the order the kernel sends them. */
#include "mdev-monitor.h"
#include "mock-sysfs.h"
#include "test-common.h"

#include <string.h>

typedef struct {
    MockSysfs *sysfs;
    MdevContext *ctx;
    MdevMonitor *monitor;
    GPtrArray *events; /* char *: "kind parent uuid type" */
} Fixture;

static void
on_event(MdevMonitor *monitor, const MdevMonitorEvent *event, gpointer user_data)
{
    Fixture *fx = user_data;

    g_ptr_array_add(fx->events, g_strdup_printf("%s %s %s %s",
                                                mdev_monitor_event_kind_to_string(event->kind),
                                                event->parent, event->uuid ? event->uuid : "-",
                                                event->type ? event->type : "-"));
}

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    fx->sysfs = mock_sysfs_new();
    fx->ctx = mdev_context_new();
    fx->events = g_ptr_array_new_with_free_func(g_free);
}

static void
start(Fixture *fx)
{
    g_autoptr(GError) error = NULL;

    fx->monitor = mdev_monitor_new(fx->ctx, &error);
    g_assert_no_error(error);
    g_assert_nonnull(fx->monitor);
    mdev_monitor_set_handler(fx->monitor, on_event, fx, NULL);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    g_clear_pointer(&fx->monitor, mdev_monitor_unref);
    g_ptr_array_unref(fx->events);
    mdev_context_unref(fx->ctx);
    mock_sysfs_free(fx->sysfs);
}

static gboolean
on_timeout(gpointer data)
{
    *(gboolean *) data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Runs the main loop until @count events arrived or @timeout_ms passed. */
static void
wait_events_for(Fixture *fx, guint count, guint timeout_ms)
{
    gboolean timed_out = FALSE;
    guint id = g_timeout_add(timeout_ms, on_timeout, &timed_out);

    while (fx->events->len < count && !timed_out)
        g_main_context_iteration(NULL, TRUE);
    if (!timed_out)
        g_source_remove(id);
    /* and nothing more comes in a short while */
    for (int i = 0; i < 5; i++) {
        while (g_main_context_iteration(NULL, FALSE))
            ;
        g_usleep(10000);
    }
}

static void
wait_events(Fixture *fx, guint count)
{
    wait_events_for(fx, count, 5000);
}

/* Gives an event that should be ignored time to arrive. */
static void
assert_no_event(Fixture *fx)
{
    wait_events_for(fx, 1, 300);
    g_assert_cmpuint(fx->events->len, ==, 0);
}

static void
assert_events(Fixture *fx, const char *const *expected)
{
    guint n = g_strv_length((GStrv) expected);

    wait_events(fx, n);
    for (guint i = 0; i < MIN(n, fx->events->len); i++)
        g_assert_cmpstr(g_ptr_array_index(fx->events, i), ==, expected[i]);
    g_assert_cmpuint(fx->events->len, ==, n);
    g_ptr_array_set_size(fx->events, 0);
}

static void
test_lifecycle(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo t = { "mtty-2", "Dual port serial", NULL, "vfio-pci", 12 };
    const char *uuid = "503c922c-a10b-47e0-8a94-f67ac92bce5a";

    if (test_skip_without_umockdev())
        return;
    start(fx);

    /* the add of a device that has not registered yet says nothing */
    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");
    assert_no_event(fx);

    mock_sysfs_register_parent(fx->sysfs, "mtty", TRUE);
    {
        const char *const expected[] = { "parent-registered mtty - -", NULL };
        assert_events(fx, expected);
    }

    mock_sysfs_add_type(fx->sysfs, "mtty", &t);
    mock_sysfs_add_mdev(fx->sysfs, "mtty", uuid, "mtty-2", 0, "mtty");
    {
        const char *const expected[] = {
            "mdev-added mtty 503c922c-a10b-47e0-8a94-f67ac92bce5a mtty-2", NULL,
        };
        assert_events(fx, expected);
    }

    mock_sysfs_unregister_parent(fx->sysfs, "mtty", TRUE);
    {
        /* the type is remembered from the add: the link is gone at removal */
        const char *const expected[] = {
            "mdev-removed mtty 503c922c-a10b-47e0-8a94-f67ac92bce5a mtty-2",
            "parent-unregistered mtty - -",
            NULL,
        };
        assert_events(fx, expected);
    }

    umockdev_testbed_uevent(mock_sysfs_get_testbed(fx->sysfs), "/sys/devices/virtual/mtty/mtty",
                            "remove");
    {
        const char *const expected[] = { "parent-removed mtty - -", NULL };
        assert_events(fx, expected);
    }
}

/* The kernel's order: add (no driver, no type link), then the driver binds
 * and the type link appears, then bind. The add is held back until then. */
static void
test_type_late(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo t = { "mtty-1", "Single port serial", NULL, "vfio-pci", 24 };
    UMockdevTestbed *tb;
    const char *devpath = "/sys/devices/virtual/mtty/mtty/ee1919f7-25e2-4b73-be23-2a2cd6c4308f";
    g_autoptr(GError) error = NULL;

    if (test_skip_without_umockdev())
        return;
    tb = mock_sysfs_get_testbed(fx->sysfs);
    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");
    mock_sysfs_register_parent(fx->sysfs, "mtty", FALSE);
    mock_sysfs_add_type(fx->sysfs, "mtty", &t);
    start(fx);
    mdev_monitor_set_type_timeout(fx->monitor, 10000);

    umockdev_testbed_add_from_string(tb,
                                     "P: /devices/virtual/mtty/mtty/"
                                     "ee1919f7-25e2-4b73-be23-2a2cd6c4308f\n"
                                     "E: SUBSYSTEM=mdev\n",
                                     &error);
    g_assert_no_error(error);
    assert_no_event(fx);

    umockdev_testbed_set_attribute_link(tb, devpath, "mdev_type",
                                        "../mdev_supported_types/mtty-1");
    umockdev_testbed_uevent(tb, devpath, "bind");
    {
        const char *const expected[] = {
            "mdev-added mtty ee1919f7-25e2-4b73-be23-2a2cd6c4308f mtty-1", NULL,
        };
        assert_events(fx, expected);
    }
}

/* A type link that never comes: reported without a type after the timeout. */
static void
test_type_timeout(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");
    mock_sysfs_register_parent(fx->sysfs, "mtty", FALSE);
    start(fx);
    mdev_monitor_set_type_timeout(fx->monitor, 100);
    umockdev_testbed_add_from_string(mock_sysfs_get_testbed(fx->sysfs),
                                     "P: /devices/virtual/mtty/mtty/"
                                     "ee1919f7-25e2-4b73-be23-2a2cd6c4308f\n"
                                     "E: SUBSYSTEM=mdev\n",
                                     &error);
    g_assert_no_error(error);
    {
        const char *const expected[] = {
            "mdev-added mtty ee1919f7-25e2-4b73-be23-2a2cd6c4308f -", NULL,
        };
        assert_events(fx, expected);
    }
}

/* Devices present at start are known: their removal names their type, a
 * registered parent's removal is reported; unrelated devices are ignored. */
static void
test_present(Fixture *fx, gconstpointer data)
{
    const MockPciInfo vf = { "0x10de", "0x2236", "0x030200", "nvidia", "0000:41:00.0", 41, 0 };
    const MockPciInfo nic = { "0x8086", "0x1521", "0x020000", "igb", NULL, 9, 0 };
    const MockTypeInfo t = { "nvidia-558", "NVIDIA A40-48Q", NULL, "vfio-pci", 0 };
    const char *uuid = "11111111-1111-4111-8111-111111111111";
    UMockdevTestbed *tb;

    if (test_skip_without_umockdev())
        return;
    tb = mock_sysfs_get_testbed(fx->sysfs);
    mock_sysfs_add_pci_parent(fx->sysfs, "0000:41:00.4", &vf);
    mock_sysfs_register_parent(fx->sysfs, "0000:41:00.4", FALSE);
    mock_sysfs_add_type(fx->sysfs, "0000:41:00.4", &t);
    mock_sysfs_add_mdev(fx->sysfs, "0000:41:00.4", uuid, "nvidia-558", 100, "nvidia-vgpu-vfio");
    start(fx);

    mock_sysfs_add_pci_parent(fx->sysfs, "0000:03:00.0", &nic);
    mock_sysfs_remove_mdev(fx->sysfs, uuid);
    umockdev_testbed_uevent(tb, "/sys/devices/pci0000:03/0000:03:00.0", "remove");
    umockdev_testbed_uevent(tb, "/sys/devices/pci0000:41/0000:41:00.4", "remove");
    umockdev_testbed_uevent(tb, "/sys/devices/pci0000:41/0000:41:00.4", "add");
    {
        const char *const expected[] = {
            "mdev-removed 0000:41:00.4 11111111-1111-4111-8111-111111111111 nvidia-558",
            "parent-removed 0000:41:00.4 - -",
            "parent-added 0000:41:00.4 - -",
            NULL,
        };
        assert_events(fx, expected);
    }
}

static void
count_destroy(gpointer data)
{
    (*(guint *) data)++;
}

/* The handler's data is let go when it is replaced and when the monitor
 * goes, not before. */
static void
test_handler_destroy(Fixture *fx, gconstpointer data)
{
    guint first = 0;
    guint second = 0;

    if (test_skip_without_umockdev())
        return;
    start(fx);
    mdev_monitor_set_handler(fx->monitor, on_event, &first, count_destroy);
    g_assert_cmpuint(first, ==, 0);
    mdev_monitor_set_handler(fx->monitor, on_event, &second, count_destroy);
    g_assert_cmpuint(first, ==, 1);
    g_assert_cmpuint(second, ==, 0);
    mdev_monitor_ref(fx->monitor);
    mdev_monitor_unref(fx->monitor);
    g_assert_cmpuint(second, ==, 0);
    g_clear_pointer(&fx->monitor, mdev_monitor_unref);
    g_assert_cmpuint(first, ==, 1);
    g_assert_cmpuint(second, ==, 1);
}

static void
on_event_drop(MdevMonitor *monitor, const MdevMonitorEvent *event, gpointer user_data)
{
    Fixture *fx = user_data;

    on_event(monitor, event, fx);
    g_assert_true(monitor == fx->monitor);
    g_clear_pointer(&fx->monitor, mdev_monitor_unref);
}

/* A handler that drops the last reference gets no more events, even those
 * read in the same batch, and the monitor goes safely after the call. */
static void
test_handler_drops_monitor(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo t = { "mtty-2", "Dual port serial", NULL, "vfio-pci", 12 };

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");
    mock_sysfs_register_parent(fx->sysfs, "mtty", FALSE);
    mock_sysfs_add_type(fx->sysfs, "mtty", &t);
    mock_sysfs_add_mdev(fx->sysfs, "mtty", "503c922c-a10b-47e0-8a94-f67ac92bce5a", "mtty-2", 0,
                        "mtty");
    start(fx);
    mdev_monitor_set_handler(fx->monitor, on_event_drop, fx, NULL);
    /* two events in one go: the mdev's removal and the parent's */
    mock_sysfs_unregister_parent(fx->sysfs, "mtty", TRUE);
    wait_events_for(fx, 2, 1000);
    g_assert_null(fx->monitor);
    g_assert_cmpuint(fx->events->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(fx->events, 0), ==,
                    "mdev-removed mtty 503c922c-a10b-47e0-8a94-f67ac92bce5a mtty-2");
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    ADD("/monitor/events/lifecycle", test_lifecycle);
    ADD("/monitor/events/type-late", test_type_late);
    ADD("/monitor/events/type-timeout", test_type_timeout);
    ADD("/monitor/events/present", test_present);
    ADD("/monitor/handler/destroy", test_handler_destroy);
    ADD("/monitor/handler/drops-monitor", test_handler_drops_monitor);
    return g_test_run();
}
