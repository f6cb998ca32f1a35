/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdev-gc on a simulated host: the plan's verdicts, and a device that is
 * defined or taken between the plan and the removal stays. */
#include "mdev-error.h"
#include "mdev-gc.h"
#include "mdev-store.h"
#include "mock-host.h"
#include "test-common.h"

#include <string.h>

#define UUID_IDLE "5c7a1d3e-2b4f-4e6a-9c8d-0e1f2a3b4c5d"
#define UUID_HELD "6d8b2e4f-3c5a-4f7b-8d9e-1f2a3b4c5d6e"

typedef struct {
    MockSysfs *sysfs;
    MockHost *host;
    MdevContext *ctx;
    char *conf_dir;
    char *state_dir;
} Fixture;

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    g_autofree char *path = mock_host_find_example("samples.json");
    g_autoptr(GError) error = NULL;

    fx->conf_dir = g_dir_make_tmp("gc-conf-XXXXXX", NULL);
    fx->state_dir = g_dir_make_tmp("gc-state-XXXXXX", NULL);
    fx->sysfs = mock_sysfs_new();
    if (test_skip_without_umockdev())
        return;
    fx->host = mock_host_new_from_file(fx->sysfs, path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(mock_host_create_mdev(fx->host, "mtty", "mtty-1", UUID_IDLE), ==, 0);
    g_assert_cmpint(mock_host_create_mdev(fx->host, "mtty", "mtty-2", UUID_HELD), ==, 0);
    g_assert_cmpint(mock_host_hold_mdev_by(fx->host, UUID_HELD, "qemu-system-x86_64", "db", FALSE),
                    ==, 0);
    fx->ctx = mdev_context_new();
    mdev_context_set_conf_dir(fx->ctx, fx->conf_dir);
    mdev_context_set_state_dir(fx->ctx, fx->state_dir);
    mdev_context_set_proc_dir(fx->ctx, mock_host_get_proc_dir(fx->host));
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    g_clear_pointer(&fx->ctx, mdev_context_unref);
    g_clear_pointer(&fx->host, mock_host_free);
    g_clear_pointer(&fx->sysfs, mock_sysfs_free);
    test_remove_tree(fx->conf_dir);
    test_remove_tree(fx->state_dir);
    g_free(fx->conf_dir);
    g_free(fx->state_dir);
}

static const MdevGcEntry *
find_entry(GPtrArray *plan, const char *uuid)
{
    for (guint i = 0; i < plan->len; i++) {
        const MdevGcEntry *entry = g_ptr_array_index(plan, i);
        if (strcmp(entry->device->uuid, uuid) == 0)
            return entry;
    }
    g_assert_not_reached();
}

static gboolean
is_active(const char *uuid)
{
    g_autofree char *path = g_build_filename("/sys/bus/mdev/devices", uuid, NULL);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static const char *
remove_written(const char *uuid)
{
    static char text[16];
    g_autofree char *path = g_build_filename("/sys/bus/mdev/devices", uuid, "remove", NULL);
    g_autofree char *contents = NULL;

    text[0] = '\0';
    if (g_file_get_contents(path, &contents, NULL, NULL))
        g_strlcpy(text, g_strstrip(contents), sizeof(text));
    return text;
}

#define DEAD_URI "qemu:///session?socket=/nonexistent/libvirt-sock"

static void
test_needs_libvirt(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) plan = NULL;

    if (fx->host == NULL)
        return;
    /* a socket nobody listens on: libvirt cannot be asked */
    plan = mdev_gc_plan(fx->ctx, DEAD_URI, MDEV_GC_NONE, &error);
    g_assert_null(plan);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, DEAD_URI));
    g_assert_nonnull(strstr(error->message, "--no-libvirt"));
}

static void
test_plan(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) plan = mdev_gc_plan(fx->ctx, NULL, MDEV_GC_NO_LIBVIRT, &error);
    const MdevGcEntry *held;

    if (fx->host == NULL)
        return;
    g_assert_no_error(error);
    g_assert_cmpuint(plan->len, ==, 2);
    g_assert_cmpint(find_entry(plan, UUID_IDLE)->verdict, ==, MDEV_GC_REMOVE);
    held = find_entry(plan, UUID_HELD);
    g_assert_cmpint(held->verdict, ==, MDEV_GC_KEEP_IN_USE);
    g_assert_nonnull(strstr(held->claimant, "'db'"));

    /* dry run: nothing goes */
    g_assert_true(mdev_gc_run(fx->ctx, plan, MDEV_GC_NO_LIBVIRT | MDEV_GC_DRY_RUN, NULL));
    g_assert_true(is_active(UUID_IDLE));
    g_assert_true(mdev_gc_run(fx->ctx, plan, MDEV_GC_NO_LIBVIRT, NULL));
    g_assert_true(find_entry(plan, UUID_IDLE)->removed);
    /* no simulator here: the write reached the device's remove file */
    g_assert_cmpstr(remove_written(UUID_IDLE), ==, "1");
    g_assert_cmpstr(remove_written(UUID_HELD), ==, "");
    g_assert_false(find_entry(plan, UUID_HELD)->removed);
    g_assert_true(is_active(UUID_HELD));
}

/* Judged idle and undefined, then defined (on another parent too) before
 * gc gets to it: the removal, judged again under the lock, leaves it. */
static void
test_defined_meanwhile(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) plan = mdev_gc_plan(fx->ctx, NULL, MDEV_GC_NO_LIBVIRT, &error);
    g_autoptr(MdevDevice) definition = mdev_device_new(UUID_IDLE, "mdpy");
    const MdevGcEntry *entry;

    if (fx->host == NULL)
        return;
    g_assert_no_error(error);
    g_assert_cmpint(find_entry(plan, UUID_IDLE)->verdict, ==, MDEV_GC_REMOVE);
    definition->type = g_strdup("mdpy-vga");
    g_assert_true(mdev_store_save(fx->ctx, definition, &error));
    g_assert_no_error(error);
    g_assert_false(mdev_gc_run(fx->ctx, plan, MDEV_GC_NO_LIBVIRT, NULL));
    entry = find_entry(plan, UUID_IDLE);
    g_assert_false(entry->removed);
    g_assert_error(entry->error, MDEV_ERROR, MDEV_ERROR_EXISTS);
    g_assert_true(is_active(UUID_IDLE));
}

/* Judged idle, then taken by a VM: stop's own check leaves it. */
static void
test_taken_meanwhile(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) plan = mdev_gc_plan(fx->ctx, NULL, MDEV_GC_NO_LIBVIRT, &error);
    const MdevGcEntry *entry;

    if (fx->host == NULL)
        return;
    g_assert_no_error(error);
    g_assert_cmpint(mock_host_hold_mdev_by(fx->host, UUID_IDLE, "qemu-system-x86_64", "web", FALSE),
                    ==, 0);
    g_assert_false(mdev_gc_run(fx->ctx, plan, MDEV_GC_NO_LIBVIRT, NULL));
    entry = find_entry(plan, UUID_IDLE);
    g_assert_false(entry->removed);
    g_assert_error(entry->error, MDEV_ERROR, MDEV_ERROR_BUSY);
    g_assert_true(is_active(UUID_IDLE));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    g_test_add("/gc/plan/needs-libvirt", Fixture, NULL, fixture_setup, test_needs_libvirt,
               fixture_teardown);
    g_test_add("/gc/plan/verdicts", Fixture, NULL, fixture_setup, test_plan, fixture_teardown);
    g_test_add("/gc/run/defined-meanwhile", Fixture, NULL, fixture_setup, test_defined_meanwhile,
               fixture_teardown);
    g_test_add("/gc/run/taken-meanwhile", Fixture, NULL, fixture_setup, test_taken_meanwhile,
               fixture_teardown);
    return g_test_run();
}
