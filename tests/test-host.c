/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's merged view (mdev-host.c) on umockdev testbeds with a store in
 * a temporary directory: which definitions are read, how they merge with
 * the active mdevs, the filters, and what a broken store does. */
#include "mdev-error.h"
#include "mdev-host.h"
#include "mdev-store.h"
#include "mock-sysfs.h"
#include "test-common.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"

typedef struct {
    MockSysfs *sysfs;
    MdevContext *ctx;
    char *conf;
} Fixture;

static void
save(Fixture *fx, const char *parent, const char *uuid, const char *type, gboolean autostart)
{
    g_autoptr(MdevDevice) def = mdev_device_new(uuid, parent);
    g_autoptr(GError) error = NULL;

    def->type = g_strdup(type);
    def->autostart = autostart;
    g_ptr_array_add(def->attrs, mdev_attr_new("first", "1"));
    g_assert_true(mdev_store_save(fx->ctx, def, &error));
    g_assert_no_error(error);
}

/* mtty with U1 running and defined (auto), U2 defined only, U3 running
 * undefined; a definition for the absent parent "gone". */
static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo t1 = { "mtty-1", "Single port serial", NULL, "vfio-pci", 24 };
    g_autoptr(GError) error = NULL;

    fx->sysfs = mock_sysfs_new();
    fx->ctx = mdev_context_new();
    fx->conf = g_dir_make_tmp("mdev-host-XXXXXX", &error);
    g_assert_no_error(error);
    g_chmod(fx->conf, 0755);
    mdev_context_set_conf_dir(fx->ctx, fx->conf);
    if (!umockdev_in_mock_environment())
        return;
    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");
    mock_sysfs_register_parent(fx->sysfs, "mtty", FALSE);
    mock_sysfs_add_type(fx->sysfs, "mtty", &t1);
    mock_sysfs_add_mdev(fx->sysfs, "mtty", U1, "mtty-1", 3, NULL);
    mock_sysfs_add_mdev(fx->sysfs, "mtty", U3, "mtty-1", 4, NULL);
    save(fx, "mtty", U1, "mtty-1", TRUE);
    save(fx, "mtty", U2, "mtty-1", FALSE);
    save(fx, "gone", U2, "other-1", FALSE);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    test_remove_tree(fx->conf);
    g_free(fx->conf);
    mdev_context_unref(fx->ctx);
    mock_sysfs_free(fx->sysfs);
}

static MdevInventory *
scan(Fixture *fx, MdevHostFlags flags, const char *parent, const char *uuid)
{
    g_autoptr(GError) error = NULL;
    MdevInventory *inv = mdev_host_scan(fx->ctx, flags, parent, uuid, NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(inv);
    return inv;
}

/* "parent/uuid:active,defined,auto" per record, in order */
static char *
describe(MdevInventory *inv)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < inv->devices->len; i++) {
        const MdevDevice *d = g_ptr_array_index(inv->devices, i);

        g_string_append_printf(out, "%s%s/%.8s:%c%c%c%u", i ? " " : "", d->parent, d->uuid,
                               d->active ? 'A' : '-', d->defined ? 'D' : '-',
                               d->autostart ? 'S' : '-', d->attrs->len);
    }
    return g_string_free(out, FALSE);
}

/* One scan and the records it gives. */
typedef struct {
    const char *path;
    MdevHostFlags flags;
    const char *parent;   /* filter, or NULL */
    const char *uuid;     /* filter, or NULL */
    const char *expected; /* describe() */
    int parents;          /* how many parents the inventory has, or -1 */
} ScanCase;

static const ScanCase scan_cases[] = {
    { "/host/scan/all-definitions", MDEV_HOST_ALL_DEFINITIONS, NULL, NULL,
      "gone/22222222:-D-1 mtty/11111111:ADS1 mtty/22222222:-D-1 mtty/33333333:A--0", 0 },
    /* only the running devices' own definitions are read */
    { "/host/scan/active-definitions", MDEV_HOST_PARENTS, NULL, NULL,
      "mtty/11111111:ADS1 mtty/33333333:A--0", 1 },
    { "/host/scan/filters/uuid", MDEV_HOST_ALL_DEFINITIONS, NULL, U2,
      "gone/22222222:-D-1 mtty/22222222:-D-1", -1 },
    /* an absent parent has no active mdevs but keeps its definitions */
    { "/host/scan/filters/absent-parent", MDEV_HOST_ALL_DEFINITIONS, "gone", NULL,
      "gone/22222222:-D-1", -1 },
    { "/host/scan/filters/parent-and-uuid", MDEV_HOST_ALL_DEFINITIONS, "mtty", U3,
      "mtty/33333333:A--0", -1 },
};

static void
test_defined_only(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevInventory) on_mtty = NULL;
    g_autoptr(MdevInventory) all = NULL;
    g_autofree char *text = NULL;
    g_autofree char *bus = NULL;
    g_autofree char *junk = NULL;

    if (test_skip_without_umockdev())
        return;
    /* a stray bus entry: a scan of the bus reports it, a lookup of the
     * defined UUIDs never sees it */
    bus = mock_sysfs_real_path(fx->sysfs, "/sys/bus/mdev/devices");
    junk = g_build_filename(bus, "junk", NULL);
    g_assert_cmpint(symlink("../../../devices/virtual/mtty/mtty", junk), ==, 0);

    inv = scan(fx, MDEV_HOST_DEFINED_ONLY, NULL, NULL);
    text = describe(inv);
    g_assert_cmpstr(text, ==, "gone/22222222:-D-1 mtty/11111111:ADS1 mtty/22222222:-D-1");
    g_assert_cmpuint(inv->problems->len, ==, 0);
    g_clear_pointer(&text, g_free);

    /* U1 runs on mtty: under the filter "gone" it is only defined there */
    save(fx, "gone", U1, "other-1", FALSE);
    on_mtty = scan(fx, MDEV_HOST_DEFINED_ONLY, "gone", NULL);
    text = describe(on_mtty);
    g_assert_cmpstr(text, ==, "gone/11111111:-D-1 gone/22222222:-D-1");
    g_clear_pointer(&text, g_free);

    all = scan(fx, MDEV_HOST_ALL_DEFINITIONS, NULL, NULL);
    g_assert_cmpuint(all->problems->len, ==, 1);
}

static void
test_scan(Fixture *fx, gconstpointer data)
{
    const ScanCase *c = data;
    g_autoptr(MdevInventory) inv = NULL;
    g_autofree char *text = NULL;

    if (test_skip_without_umockdev())
        return;
    inv = scan(fx, c->flags, c->parent, c->uuid);
    text = describe(inv);
    g_assert_cmpstr(text, ==, c->expected);
    if (c->parents >= 0)
        g_assert_cmpuint(inv->parents->len, ==, (guint) c->parents);
}

static void
test_definitions_out(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) definitions = NULL;
    g_autoptr(GError) error = NULL;

    if (test_skip_without_umockdev())
        return;
    /* the running type wins in the merged record; the definition keeps its own */
    save(fx, "mtty", U3, "mtty-2", FALSE);
    inv = mdev_host_scan(fx->ctx, MDEV_HOST_ALL_DEFINITIONS, "mtty", U3, &definitions, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(inv->devices->len, ==, 1);
    g_assert_cmpstr(((MdevDevice *) g_ptr_array_index(inv->devices, 0))->type, ==, "mtty-1");
    g_assert_cmpuint(definitions->len, ==, 1);
    g_assert_cmpstr(((MdevDevice *) g_ptr_array_index(definitions, 0))->type, ==, "mtty-2");
}

static void
test_malformed(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autofree char *path = g_build_filename(fx->conf, "mtty", U2, NULL);
    g_autofree char *text = NULL;

    if (test_skip_without_umockdev())
        return;
    g_assert_true(g_file_set_contents(path, "junk", -1, NULL));
    inv = scan(fx, MDEV_HOST_ALL_DEFINITIONS, NULL, NULL);
    text = describe(inv);
    g_assert_cmpstr(text, ==, "gone/22222222:-D-1 mtty/11111111:ADS1 mtty/33333333:A--0");
    g_assert_cmpuint(inv->problems->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(inv->problems, 0), U2));
}

static void
test_tolerant(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GError) error = NULL;

    if (test_skip_without_umockdev())
        return;
    /* a parent name that cannot be a directory entry */
    inv = mdev_host_scan(fx->ctx, MDEV_HOST_ALL_DEFINITIONS, "../mtty", NULL, NULL, &error);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_assert_null(inv);

    /* tolerant: an empty view that says why, once */
    inv = scan(fx, MDEV_HOST_ALL_DEFINITIONS | MDEV_HOST_TOLERANT, "../mtty", NULL);
    g_assert_cmpuint(inv->devices->len, ==, 0);
    g_assert_cmpuint(inv->problems->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(inv->problems, 0), "invalid parent name '../mtty'"));
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(scan_cases); i++)
        g_test_add(scan_cases[i].path, Fixture, &scan_cases[i], fixture_setup, test_scan,
                   fixture_teardown);
    ADD("/host/scan/defined-only", test_defined_only);
    ADD("/host/scan/definitions-out", test_definitions_out);
    ADD("/host/scan/malformed", test_malformed);
    ADD("/host/scan/tolerant", test_tolerant);
    return g_test_run();
}
