/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Discovery against umockdev testbeds: every parent kind, optional files,
 * SR-IOV, parents before registration, entries vanishing or broken while the
 * scan runs, and the merge with definitions. */
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mock-sysfs.h"
#include "test-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

typedef struct {
    MockSysfs *sysfs;
    MdevContext *ctx;
} Fixture;

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    fx->sysfs = mock_sysfs_new();
    fx->ctx = mdev_context_new();
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    mdev_context_unref(fx->ctx);
    mock_sysfs_free(fx->sysfs);
}

static MdevInventory *
scan(Fixture *fx, MdevDiscoveryFlags flags, const char *parent)
{
    g_autoptr(GError) error = NULL;
    MdevInventory *inv = mdev_discovery_scan(fx->ctx, flags, parent, &error);

    g_assert_no_error(error);
    g_assert_nonnull(inv);
    return inv;
}

static gboolean
has_problem(MdevInventory *inv, const char *fragment)
{
    for (guint i = 0; i < inv->problems->len; i++) {
        if (strstr(g_ptr_array_index(inv->problems, i), fragment))
            return TRUE;
    }
    return FALSE;
}

static const char *const UUID_A = "11111111-1111-4111-8111-111111111111";
static const char *const UUID_B = "22222222-2222-4222-8222-222222222222";
static const char *const UUID_C = "33333333-3333-4333-8333-333333333333";

static void
add_mtty(Fixture *fx)
{
    const MockTypeInfo t1 = { "mtty-1", "Single port serial", NULL, "vfio-pci", 24 };
    const MockTypeInfo t2 = { "mtty-2", "Dual port serial", NULL, "vfio-pci", 12 };

    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");
    mock_sysfs_register_parent(fx->sysfs, "mtty", FALSE);
    /* added in reverse order: the listing sorts */
    mock_sysfs_add_type(fx->sysfs, "mtty", &t2);
    mock_sysfs_add_type(fx->sysfs, "mtty", &t1);
}

/* mtty with two mdevs, mdpy with one */
static void
add_three_mdevs(Fixture *fx)
{
    const MockTypeInfo mdpy = { "mdpy-vga", "mdpy-vga", "virtual display, 640x480 framebuffer",
                                "vfio-pci", 4 };

    add_mtty(fx);
    mock_sysfs_add_generic_parent(fx->sysfs, "mdpy");
    mock_sysfs_register_parent(fx->sysfs, "mdpy", FALSE);
    mock_sysfs_add_type(fx->sysfs, "mdpy", &mdpy);
    mock_sysfs_add_mdev(fx->sysfs, "mtty", UUID_C, "mtty-1", 5, "mtty");
    mock_sysfs_add_mdev(fx->sysfs, "mtty", UUID_A, "mtty-2", 3, "mtty");
    mock_sysfs_add_mdev(fx->sysfs, "mdpy", UUID_B, "mdpy-vga", 4, "mdpy");
}

static void
test_empty(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;

    if (test_skip_without_umockdev())
        return;
    inv = scan(fx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES, NULL);
    g_assert_cmpuint(inv->parents->len, ==, 0);
    g_assert_cmpuint(inv->devices->len, ==, 0);
    g_assert_cmpuint(inv->problems->len, ==, 0);
}

static void
test_generic(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;
    MdevParent *parent;
    MdevType *type;

    if (test_skip_without_umockdev())
        return;
    add_mtty(fx);
    inv = scan(fx, MDEV_DISCOVERY_PARENTS, NULL);
    g_assert_cmpuint(inv->parents->len, ==, 1);
    parent = mdev_inventory_get_parent(inv, "mtty");
    g_assert_nonnull(parent);
    g_assert_cmpint(parent->kind, ==, MDEV_PARENT_KIND_GENERIC);
    g_assert_cmpstr(parent->subsystem, ==, "mtty");
    g_assert_cmpstr(parent->syspath, ==, "/sys/devices/virtual/mtty/mtty");
    g_assert_true(parent->registered);
    g_assert_null(parent->vendor_id);
    g_assert_cmpint(parent->numa_node, ==, -1);
    g_assert_cmpuint(parent->types->len, ==, 2);
    type = g_ptr_array_index(parent->types, 0);
    g_assert_cmpstr(type->id, ==, "mtty-1");
    g_assert_cmpstr(type->name, ==, "Single port serial");
    /* mtty has no description file: absent, not empty */
    g_assert_null(type->description);
    g_assert_cmpstr(type->device_api, ==, "vfio-pci");
    g_assert_cmpint(type->available_instances, ==, 24);
    type = g_ptr_array_index(parent->types, 1);
    g_assert_cmpstr(type->id, ==, "mtty-2");
    g_assert_cmpint(type->available_instances, ==, 12);
    g_assert_cmpuint(inv->problems->len, ==, 0);
    /* not asked for */
    g_assert_cmpuint(inv->devices->len, ==, 0);
}

static void
test_pci(Fixture *fx, gconstpointer data)
{
    const MockPciInfo gvt = { "0x8086", "0x3e92", "0x030000", "i915", NULL, 1, 0 };
    /* older kernels: GVT-g types without a name file */
    const MockTypeInfo t4 = { "i915-GVTg_V5_4", NULL,
                              "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4", "vfio-pci",
                              2 };
    const MockTypeInfo t8 = { "i915-GVTg_V5_8", "GVTg_V5_8", NULL, "vfio-pci", 4 };
    g_autoptr(MdevInventory) inv = NULL;
    MdevParent *parent;
    MdevType *type;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_pci_parent(fx->sysfs, "0000:00:02.0", &gvt);
    mock_sysfs_register_parent(fx->sysfs, "0000:00:02.0", FALSE);
    mock_sysfs_add_type(fx->sysfs, "0000:00:02.0", &t4);
    mock_sysfs_add_type(fx->sysfs, "0000:00:02.0", &t8);

    inv = scan(fx, MDEV_DISCOVERY_PARENTS, NULL);
    parent = mdev_inventory_get_parent(inv, "0000:00:02.0");
    g_assert_nonnull(parent);
    g_assert_cmpint(parent->kind, ==, MDEV_PARENT_KIND_PCI);
    g_assert_cmpstr(parent->syspath, ==, "/sys/devices/pci0000:00/0000:00:02.0");
    g_assert_cmpstr(parent->driver, ==, "i915");
    g_assert_cmpstr(parent->vendor_id, ==, "0x8086");
    g_assert_cmpstr(parent->device_id, ==, "0x3e92");
    g_assert_cmpint(parent->numa_node, ==, 0);
    g_assert_cmpint(parent->iommu_group, ==, 1);
    g_assert_null(parent->physfn);
    g_assert_null(parent->dev_busid);
    type = mdev_parent_get_type(parent, "i915-GVTg_V5_4");
    g_assert_null(type->name);
    g_assert_cmpstr(type->description, ==, "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4");
    g_assert_cmpint(type->available_instances, ==, 2);
    type = mdev_parent_get_type(parent, "i915-GVTg_V5_8");
    g_assert_cmpstr(type->name, ==, "GVTg_V5_8");
    g_assert_null(type->description);
    g_assert_cmpuint(inv->problems->len, ==, 0);
    g_clear_pointer(&inv, mdev_inventory_free);

    /* types alone: the parent's own files are left unread, its types not */
    inv = scan(fx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_NO_PARENT_ATTRS, NULL);
    parent = mdev_inventory_get_parent(inv, "0000:00:02.0");
    g_assert_nonnull(parent);
    g_assert_true(parent->registered);
    g_assert_cmpint(parent->kind, ==, MDEV_PARENT_KIND_PCI);
    g_assert_cmpstr(parent->syspath, ==, "/sys/devices/pci0000:00/0000:00:02.0");
    g_assert_null(parent->driver);
    g_assert_null(parent->vendor_id);
    g_assert_null(parent->device_id);
    g_assert_null(parent->class_code);
    g_assert_cmpint(parent->iommu_group, ==, -1);
    g_assert_cmpint(parent->numa_node, ==, -1);
    type = mdev_parent_get_type(parent, "i915-GVTg_V5_4");
    g_assert_cmpstr(type->description, ==, "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4");
    g_assert_cmpstr(type->device_api, ==, "vfio-pci");
    g_assert_cmpint(type->available_instances, ==, 2);
    g_assert_cmpuint(inv->problems->len, ==, 0);
}

static void
test_sriov(Fixture *fx, gconstpointer data)
{
    MockPciInfo pf = { "0x10de", "0x2235", "0x030200", "nvidia", NULL, 40, 1 };
    MockPciInfo vf = pf;
    const MockTypeInfo a40 = { "nvidia-558", "NVIDIA A40-48Q", "num_heads=4", "vfio-pci", 1 };
    g_autoptr(MdevInventory) inv = NULL;
    MdevParent *parent;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_pci_parent(fx->sysfs, "0000:41:00.0", &pf);
    vf.physfn = "0000:41:00.0";
    vf.device = "0x2236";
    /* the VFs, each its own parent; the PF itself is not registered */
    vf.iommu_group = 42;
    mock_sysfs_add_pci_parent(fx->sysfs, "0000:41:00.5", &vf);
    vf.iommu_group = 41;
    mock_sysfs_add_pci_parent(fx->sysfs, "0000:41:00.4", &vf);
    mock_sysfs_register_parent(fx->sysfs, "0000:41:00.5", FALSE);
    mock_sysfs_register_parent(fx->sysfs, "0000:41:00.4", FALSE);
    mock_sysfs_add_type(fx->sysfs, "0000:41:00.4", &a40);
    mock_sysfs_add_type(fx->sysfs, "0000:41:00.5", &a40);
    mock_sysfs_set_available(fx->sysfs, "0000:41:00.5", "nvidia-558", 0);

    inv = scan(fx, MDEV_DISCOVERY_PARENTS, NULL);
    g_assert_cmpuint(inv->parents->len, ==, 2);
    parent = g_ptr_array_index(inv->parents, 0);
    g_assert_cmpstr(parent->name, ==, "0000:41:00.4");
    g_assert_cmpstr(parent->physfn, ==, "0000:41:00.0");
    g_assert_cmpstr(parent->device_id, ==, "0x2236");
    g_assert_cmpstr(parent->driver, ==, "nvidia");
    g_assert_cmpint(parent->iommu_group, ==, 41);
    g_assert_cmpint(parent->numa_node, ==, 1);
    g_assert_cmpint(mdev_parent_get_type(parent, "nvidia-558")->available_instances, ==, 1);
    parent = g_ptr_array_index(inv->parents, 1);
    g_assert_cmpstr(parent->name, ==, "0000:41:00.5");
    g_assert_cmpstr(parent->physfn, ==, "0000:41:00.0");
    g_assert_cmpint(parent->iommu_group, ==, 42);
    g_assert_cmpint(mdev_parent_get_type(parent, "nvidia-558")->available_instances, ==, 0);
    g_assert_null(mdev_inventory_get_parent(inv, "0000:41:00.0"));
}

static void
test_s390(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo ccw = { "vfio_ccw-io", "I/O subchannel (Non-QDIO)", NULL, "vfio-ccw", 1 };
    const MockTypeInfo ap = { "vfio_ap-passthrough", "VFIO AP Passthrough Device", NULL,
                              "vfio-ap", 65535 };
    g_autoptr(MdevInventory) inv = NULL;
    MdevParent *parent;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_css_parent(fx->sysfs, "0.0.0052", "0.0.0001", "vfio_ccw");
    mock_sysfs_register_parent(fx->sysfs, "0.0.0052", FALSE);
    mock_sysfs_add_type(fx->sysfs, "0.0.0052", &ccw);
    mock_sysfs_add_ap_matrix(fx->sysfs);
    mock_sysfs_register_parent(fx->sysfs, "matrix", FALSE);
    mock_sysfs_add_type(fx->sysfs, "matrix", &ap);
    mock_sysfs_add_mdev(fx->sysfs, "matrix", UUID_B, "vfio_ap-passthrough", -1, "vfio_ap_mdev");
    mock_sysfs_add_mdev(fx->sysfs, "0.0.0052", UUID_C, "vfio_ccw-io", 7, "vfio_ccw_mdev");

    inv = scan(fx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES |
                       MDEV_DISCOVERY_DEVICE_DRIVER, NULL);
    g_assert_cmpuint(inv->parents->len, ==, 2);
    parent = g_ptr_array_index(inv->parents, 0);
    g_assert_cmpstr(parent->name, ==, "0.0.0052");
    g_assert_cmpint(parent->kind, ==, MDEV_PARENT_KIND_CSS);
    g_assert_cmpstr(parent->dev_busid, ==, "0.0.0001");
    g_assert_cmpstr(parent->driver, ==, "vfio_ccw");
    g_assert_cmpstr(mdev_parent_get_type(parent, "vfio_ccw-io")->device_api, ==, "vfio-ccw");
    parent = g_ptr_array_index(inv->parents, 1);
    g_assert_cmpstr(parent->name, ==, "matrix");
    g_assert_cmpint(parent->kind, ==, MDEV_PARENT_KIND_AP);
    g_assert_cmpstr(parent->syspath, ==, "/sys/devices/vfio_ap/matrix");
    g_assert_cmpint(mdev_parent_get_type(parent, "vfio_ap-passthrough")->available_instances,
                    ==, 65535);

    /* sorted by parent: the CSS mdev first although its UUID sorts last */
    g_assert_cmpuint(inv->devices->len, ==, 2);
    {
        MdevDevice *d = g_ptr_array_index(inv->devices, 0);
        g_assert_cmpstr(d->uuid, ==, UUID_C);
        g_assert_cmpstr(d->parent, ==, "0.0.0052");
        g_assert_cmpstr(d->type, ==, "vfio_ccw-io");
        g_assert_cmpint(d->iommu_group, ==, 7);
        g_assert_cmpstr(d->driver, ==, "vfio_ccw_mdev");
        d = g_ptr_array_index(inv->devices, 1);
        g_assert_cmpstr(d->uuid, ==, UUID_B);
        g_assert_cmpstr(d->parent, ==, "matrix");
        g_assert_cmpint(d->iommu_group, ==, -1);
    }
}

static void
test_devices(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevInventory) only = NULL;
    MdevDevice *d;

    if (test_skip_without_umockdev())
        return;
    add_three_mdevs(fx);

    inv = scan(fx, MDEV_DISCOVERY_DEVICES, NULL);
    g_assert_cmpuint(inv->parents->len, ==, 0);
    g_assert_cmpuint(inv->devices->len, ==, 3);
    d = g_ptr_array_index(inv->devices, 0);
    g_assert_cmpstr(d->parent, ==, "mdpy");
    g_assert_cmpstr(d->uuid, ==, UUID_B);
    d = g_ptr_array_index(inv->devices, 1);
    g_assert_cmpstr(d->parent, ==, "mtty");
    g_assert_cmpstr(d->uuid, ==, UUID_A);
    g_assert_cmpstr(d->type, ==, "mtty-2");
    g_assert_cmpint(d->iommu_group, ==, 3);
    g_assert_true(d->active);
    g_assert_false(d->defined);
    /* the driver is read only when asked for */
    g_assert_null(d->driver);
    g_assert_cmpstr(d->syspath, ==,
                    "/sys/devices/virtual/mtty/mtty/11111111-1111-4111-8111-111111111111");
    d = g_ptr_array_index(inv->devices, 2);
    g_assert_cmpstr(d->uuid, ==, UUID_C);
    g_assert_cmpstr(d->type, ==, "mtty-1");

    g_assert_true(mdev_inventory_get_device(inv, UUID_C, NULL) == d);
    g_assert_true(mdev_inventory_get_device(inv, UUID_C, "mtty") == d);
    g_assert_null(mdev_inventory_get_device(inv, UUID_C, "mdpy"));

    only = scan(fx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES |
                        MDEV_DISCOVERY_DEVICE_DRIVER, "mtty");
    g_assert_cmpuint(only->parents->len, ==, 1);
    g_assert_cmpuint(only->devices->len, ==, 2);
    d = g_ptr_array_index(only->devices, 0);
    g_assert_cmpstr(d->driver, ==, "mtty");
}

/* Types by id alone read none of their files; one type is read on demand,
 * the same as the full scan has it. */
static void
test_type_ids(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) ids = NULL;
    g_autoptr(MdevInventory) full = NULL;
    g_autoptr(MdevType) one = NULL;
    const MdevParent *parent;
    const MdevType *type;

    if (test_skip_without_umockdev())
        return;
    add_mtty(fx);
    ids = scan(fx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_TYPE_IDS, "mtty");
    parent = mdev_inventory_get_parent(ids, "mtty");
    g_assert_nonnull(parent);
    g_assert_cmpuint(parent->types->len, ==, 2);
    type = g_ptr_array_index(parent->types, 0);
    g_assert_cmpstr(type->id, ==, "mtty-1");
    g_assert_null(type->name);
    g_assert_null(type->device_api);
    g_assert_cmpint(type->available_instances, ==, -1);

    full = scan(fx, MDEV_DISCOVERY_PARENTS, "mtty");
    one = mdev_discovery_read_type(ids, parent, "mtty-2");
    g_assert_nonnull(one);
    type = mdev_parent_get_type(mdev_inventory_get_parent(full, "mtty"), "mtty-2");
    g_assert_cmpstr(one->name, ==, type->name);
    g_assert_cmpstr(one->device_api, ==, type->device_api);
    g_assert_cmpint(one->available_instances, ==, type->available_instances);
    g_assert_cmpint(one->available_instances, ==, 12);
    g_assert_null(mdev_discovery_read_type(ids, parent, "mtty-3"));
    g_assert_null(mdev_discovery_read_type(ids, parent, "../mtty-1"));
}

/* A named parent's mdevs are read from its own directory: exactly the
 * same records as the full listing has for it, and a directory there that
 * only looks like an mdev (not on the mdev bus) is none. */
static void
test_parent_devices(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) all = NULL;
    g_autoptr(MdevInventory) only = NULL;
    g_autofree char *stray = NULL;

    if (test_skip_without_umockdev())
        return;
    add_three_mdevs(fx);
    stray = g_build_filename(mock_sysfs_get_root(fx->sysfs),
                             mock_sysfs_get_parent_syspath(fx->sysfs, "mtty"),
                             "44444444-4444-4444-8444-444444444444", NULL);
    g_assert_cmpint(g_mkdir_with_parents(stray, 0755), ==, 0);

    all = scan(fx, MDEV_DISCOVERY_DEVICES, NULL);
    only = scan(fx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES, "mtty");
    g_assert_cmpuint(all->devices->len, ==, 3);
    g_assert_cmpuint(only->devices->len, ==, 2);
    for (guint i = 0; i < only->devices->len; i++) {
        const MdevDevice *d = g_ptr_array_index(only->devices, i);
        const MdevDevice *same = mdev_inventory_get_device(all, d->uuid, "mtty");

        g_assert_nonnull(same);
        g_assert_cmpstr(d->type, ==, same->type);
        g_assert_cmpstr(d->syspath, ==, same->syspath);
        g_assert_cmpint(d->iommu_group, ==, same->iommu_group);
        g_assert_true(d->active);
    }
    g_assert_cmpstr(((MdevDevice *) g_ptr_array_index(only->devices, 0))->uuid, ==, UUID_A);
}

/* A device that exists but has not registered yet (NVIDIA VFs right after
 * sriov-manage, a subchannel not yet bound to vfio_ccw): invisible in the
 * full listing, reported as unregistered when named. */
static void
test_unregistered(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo t = { "mtty-1", "Single port serial", NULL, "vfio-pci", 24 };
    g_autoptr(MdevInventory) all = NULL;
    g_autoptr(MdevInventory) named = NULL;
    g_autoptr(MdevInventory) later = NULL;
    g_autoptr(MdevInventory) missing = NULL;
    g_autoptr(GError) error = NULL;
    MdevParent *parent;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_css_parent(fx->sysfs, "0.0.0053", "0.0.0002", "io_subchannel");
    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");

    all = scan(fx, MDEV_DISCOVERY_PARENTS, NULL);
    g_assert_cmpuint(all->parents->len, ==, 0);

    named = scan(fx, MDEV_DISCOVERY_PARENTS, "0.0.0053");
    g_assert_cmpuint(named->parents->len, ==, 1);
    parent = g_ptr_array_index(named->parents, 0);
    g_assert_cmpstr(parent->name, ==, "0.0.0053");
    g_assert_false(parent->registered);
    g_assert_cmpint(parent->kind, ==, MDEV_PARENT_KIND_CSS);
    g_assert_cmpstr(parent->driver, ==, "io_subchannel");
    g_assert_cmpstr(parent->dev_busid, ==, "0.0.0002");
    g_assert_cmpuint(parent->types->len, ==, 0);

    missing = mdev_discovery_scan(fx->ctx, MDEV_DISCOVERY_PARENTS, "0.0.0099", &error);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
    g_assert_null(missing);
    g_clear_error(&error);
    missing = mdev_discovery_scan(fx->ctx, MDEV_DISCOVERY_PARENTS, "../mtty", &error);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_assert_null(missing);

    mock_sysfs_register_parent(fx->sysfs, "mtty", FALSE);
    mock_sysfs_add_type(fx->sysfs, "mtty", &t);
    later = scan(fx, MDEV_DISCOVERY_PARENTS, "mtty");
    parent = g_ptr_array_index(later->parents, 0);
    g_assert_true(parent->registered);
    g_assert_cmpuint(parent->types->len, ==, 1);
}

/* Unregistration in progress: the class link is still there, the supported
 * types are already gone. */
static void
test_unregistering(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autofree char *types = NULL;
    MdevParent *parent;

    if (test_skip_without_umockdev())
        return;
    add_mtty(fx);
    mock_sysfs_add_generic_parent(fx->sysfs, "mdpy");
    mock_sysfs_register_parent(fx->sysfs, "mdpy", FALSE);
    /* the testbed has no verb for this half-way state: remove the directory
     * as the kernel does before it drops the class link */
    types = mock_sysfs_real_path(fx->sysfs, "/sys/devices/virtual/mdpy/mdpy/mdev_supported_types");
    g_assert_cmpint(g_rmdir(types), ==, 0);

    inv = scan(fx, MDEV_DISCOVERY_PARENTS, NULL);
    g_assert_cmpuint(inv->parents->len, ==, 2);
    parent = mdev_inventory_get_parent(inv, "mdpy");
    g_assert_false(parent->registered);
    g_assert_cmpuint(parent->types->len, ==, 0);
    parent = mdev_inventory_get_parent(inv, "mtty");
    g_assert_true(parent->registered);
    g_assert_cmpuint(inv->problems->len, ==, 0);
}

static void
test_broken_type(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo no_api = { "mtty-3", "Triple port serial", NULL, NULL, 8 };
    const MockTypeInfo no_avail = { "mtty-4", "Quad port serial", NULL, "vfio-pci", -1 };
    g_autoptr(MdevInventory) inv = NULL;
    MdevParent *parent;
    MdevType *type;

    if (test_skip_without_umockdev())
        return;
    add_mtty(fx);
    mock_sysfs_add_type(fx->sysfs, "mtty", &no_api);
    mock_sysfs_add_type(fx->sysfs, "mtty", &no_avail);

    inv = scan(fx, MDEV_DISCOVERY_PARENTS, NULL);
    parent = mdev_inventory_get_parent(inv, "mtty");
    g_assert_cmpuint(parent->types->len, ==, 4);
    type = mdev_parent_get_type(parent, "mtty-3");
    g_assert_null(type->device_api);
    g_assert_cmpint(type->available_instances, ==, 8);
    type = mdev_parent_get_type(parent, "mtty-4");
    g_assert_cmpint(type->available_instances, ==, -1);
    g_assert_cmpstr(type->device_api, ==, "vfio-pci");
    /* the good types are complete */
    type = mdev_parent_get_type(parent, "mtty-2");
    g_assert_cmpint(type->available_instances, ==, 12);
    g_assert_cmpuint(inv->problems->len, ==, 2);
    g_assert_true(has_problem(inv, "'mtty-3'"));
    g_assert_true(has_problem(inv, "'mtty-4'"));
}

static void
test_vanished(Fixture *fx, gconstpointer data)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autofree char *bus = NULL;
    g_autofree char *gone = NULL;
    g_autofree char *junk = NULL;
    MdevDevice *d;

    if (test_skip_without_umockdev())
        return;
    add_mtty(fx);
    mock_sysfs_add_mdev(fx->sysfs, "mtty", UUID_A, "mtty-1", 0, "mtty");
    /* One-off entries no kernel state produces for long: an mdev removed
     * between readdir() and readlink() leaves a bus entry whose target is
     * gone, and a stray non-UUID name. */
    bus = mock_sysfs_real_path(fx->sysfs, "/sys/bus/mdev/devices");
    gone = g_build_filename(bus, UUID_B, NULL);
    junk = g_build_filename(bus, "junk", NULL);
    g_assert_cmpint(symlink("../../../devices/virtual/mtty/mtty/"
                            "22222222-2222-4222-8222-222222222222", gone), ==, 0);
    g_assert_cmpint(symlink("../../../devices/virtual/mtty/mtty", junk), ==, 0);

    inv = scan(fx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES, NULL);
    g_assert_cmpuint(inv->devices->len, ==, 1);
    d = g_ptr_array_index(inv->devices, 0);
    g_assert_cmpstr(d->uuid, ==, UUID_A);
    /* the vanished device is no problem, the junk is */
    g_assert_cmpuint(inv->problems->len, ==, 1);
    g_assert_true(has_problem(inv, "'junk'"));
}

/* Looked up by UUID: only the named active mdevs, each read like in a
 * full scan, and nothing from the bus entries that were not asked for. */
static void
test_by_uuid(Fixture *fx, gconstpointer data)
{
    const char *const wanted[] = { UUID_C, UUID_B, NULL };
    const char *const none[] = { NULL };
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevInventory) empty = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *junk = NULL;
    g_autofree char *bus = NULL;
    MdevDevice *d;

    if (test_skip_without_umockdev())
        return;
    add_mtty(fx);
    mock_sysfs_add_mdev(fx->sysfs, "mtty", UUID_A, "mtty-1", 3, "mtty");
    mock_sysfs_add_mdev(fx->sysfs, "mtty", UUID_C, "mtty-2", 5, "mtty");
    bus = mock_sysfs_real_path(fx->sysfs, "/sys/bus/mdev/devices");
    junk = g_build_filename(bus, "junk", NULL);
    g_assert_cmpint(symlink("../../../devices/virtual/mtty/mtty", junk), ==, 0);

    inv = mdev_discovery_scan_uuids(fx->ctx, MDEV_DISCOVERY_DEVICE_DRIVER, wanted, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(inv->parents->len, ==, 0);
    /* UUID_B is not active: absent, and no problem */
    g_assert_cmpuint(inv->devices->len, ==, 1);
    g_assert_cmpuint(inv->problems->len, ==, 0);
    d = g_ptr_array_index(inv->devices, 0);
    g_assert_cmpstr(d->uuid, ==, UUID_C);
    g_assert_cmpstr(d->parent, ==, "mtty");
    g_assert_cmpstr(d->type, ==, "mtty-2");
    g_assert_cmpint(d->iommu_group, ==, 5);
    g_assert_cmpstr(d->driver, ==, "mtty");
    g_assert_true(d->active);
    g_assert_cmpstr(d->syspath, ==,
                    "/sys/devices/virtual/mtty/mtty/33333333-3333-4333-8333-333333333333");

    empty = mdev_discovery_scan_uuids(fx->ctx, 0, none, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(empty->devices->len, ==, 0);
}

/* Right after the add uevent the kernel has not linked the type yet. */
static void
test_untyped(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevInventory) inv = NULL;
    MdevDevice *d;

    if (test_skip_without_umockdev())
        return;
    add_mtty(fx);
    umockdev_testbed_add_from_string(mock_sysfs_get_testbed(fx->sysfs),
                                     "P: /devices/virtual/mtty/mtty/"
                                     "11111111-1111-4111-8111-111111111111\n"
                                     "E: SUBSYSTEM=mdev\n"
                                     "A: remove=\n",
                                     &error);
    g_assert_no_error(error);

    inv = scan(fx, MDEV_DISCOVERY_DEVICES | MDEV_DISCOVERY_DEVICE_DRIVER, NULL);
    g_assert_cmpuint(inv->devices->len, ==, 1);
    d = g_ptr_array_index(inv->devices, 0);
    g_assert_cmpstr(d->uuid, ==, UUID_A);
    g_assert_cmpstr(d->parent, ==, "mtty");
    g_assert_null(d->type);
    g_assert_null(d->driver);
    g_assert_cmpint(d->iommu_group, ==, -1);
    g_assert_cmpuint(inv->problems->len, ==, 0);
}

static MdevDevice *
definition(const char *uuid, const char *parent, const char *type, gboolean autostart)
{
    MdevDevice *d = mdev_device_new(uuid, parent);

    d->type = g_strdup(type);
    d->defined = TRUE;
    d->autostart = autostart;
    return d;
}

/* Hand-built records: the merge needs no sysfs. */
static void
test_merge(void)
{
    g_autoptr(MdevInventory) inv = mdev_inventory_new();
    g_autoptr(GPtrArray) defs = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    MdevDevice *active = mdev_device_new(UUID_A, "mtty");
    MdevDevice *d;

    active->type = g_strdup("mtty-2");
    active->active = TRUE;
    active->iommu_group = 3;
    g_ptr_array_add(inv->devices, active);

    /* same parent and UUID, but the definition names another type: the
     * running device's type wins */
    d = definition(UUID_A, "mtty", "mtty-1", TRUE);
    g_ptr_array_add(d->attrs, mdev_attr_new("assign_adapter", "5"));
    g_ptr_array_add(defs, d);
    /* the same UUID under another parent is another record */
    g_ptr_array_add(defs, definition(UUID_A, "mdpy", "mdpy-vga", FALSE));
    g_ptr_array_add(defs, definition(UUID_B, "0000:00:02.0", "i915-GVTg_V5_4", FALSE));

    mdev_inventory_add_definitions(inv, defs);
    g_assert_cmpuint(inv->devices->len, ==, 3);

    d = g_ptr_array_index(inv->devices, 0);
    g_assert_cmpstr(d->parent, ==, "0000:00:02.0");
    g_assert_false(d->active);
    g_assert_true(d->defined);
    g_assert_cmpint(d->iommu_group, ==, -1);

    d = g_ptr_array_index(inv->devices, 1);
    g_assert_cmpstr(d->parent, ==, "mdpy");
    g_assert_cmpstr(d->uuid, ==, UUID_A);
    g_assert_false(d->active);

    d = g_ptr_array_index(inv->devices, 2);
    g_assert_true(d == active);
    g_assert_true(d->active);
    g_assert_true(d->defined);
    g_assert_true(d->autostart);
    g_assert_cmpstr(d->type, ==, "mtty-2");
    g_assert_cmpint(d->iommu_group, ==, 3);
    g_assert_cmpuint(d->attrs->len, ==, 1);
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(d->attrs, 0))->value, ==, "5");

    /* the definitions stay the caller's */
    g_assert_cmpuint(((MdevDevice *) g_ptr_array_index(defs, 0))->attrs->len, ==, 1);
    /* the active record is preferred when no parent is named */
    g_assert_true(mdev_inventory_get_device(inv, UUID_A, NULL) == active);
    g_assert_cmpstr(mdev_inventory_get_device(inv, UUID_A, "mdpy")->type, ==, "mdpy-vga");
}

static void
test_similar(Fixture *fx, gconstpointer data)
{
    MockPciInfo vf = { "0x10de", "0x2236", "0x030200", "nvidia", NULL, 41, 0 };
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *c = NULL;

    if (test_skip_without_umockdev())
        return;
    add_mtty(fx);
    mock_sysfs_add_pci_parent(fx->sysfs, "0000:41:00.4", &vf);
    mock_sysfs_register_parent(fx->sysfs, "0000:41:00.4", FALSE);
    a = mdev_discovery_find_similar_parent(fx->ctx, "MTTY");
    b = mdev_discovery_find_similar_parent(fx->ctx, "41:00.4");
    c = mdev_discovery_find_similar_parent(fx->ctx, "mdpy");
    g_assert_cmpstr(a, ==, "mtty");
    g_assert_cmpstr(b, ==, "0000:41:00.4");
    g_assert_null(c);
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    ADD("/discovery/scan/empty", test_empty);
    ADD("/discovery/parent/generic", test_generic);
    ADD("/discovery/parent/pci", test_pci);
    ADD("/discovery/parent/sriov-vf", test_sriov);
    ADD("/discovery/parent/s390", test_s390);
    ADD("/discovery/parent/unregistered", test_unregistered);
    ADD("/discovery/parent/unregistering", test_unregistering);
    ADD("/discovery/parent/similar-name", test_similar);
    ADD("/discovery/type/broken", test_broken_type);
    ADD("/discovery/type/ids", test_type_ids);
    ADD("/discovery/device/list", test_devices);
    ADD("/discovery/device/of-parent", test_parent_devices);
    ADD("/discovery/device/vanished", test_vanished);
    ADD("/discovery/device/by-uuid", test_by_uuid);
    ADD("/discovery/device/untyped", test_untyped);
    g_test_add_func("/discovery/inventory/definitions", test_merge);
    return g_test_run();
}
