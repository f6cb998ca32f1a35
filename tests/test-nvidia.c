/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NVIDIA VF vGPUs: the strict parsers of the driver's files, and discovery
 * of cards and vGPUs on the simulated host (examples/hosts/nvidia-vf.json),
 * whose files the simulated driver recomputes on every write. */
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-nvidia.h"
#include "mock-host.h"
#include "test-common.h"

#include <string.h>

static void
test_parse_creatable(void)
{
    static const struct {
        const char *text;
        guint n; /* types, or G_MAXUINT: malformed */
    } cases[] = {
        { "", 0 },
        { "ID    : vGPU Name\n", 0 },
        { "ID    : vGPU Name\n1145  : NVIDIA L40S-1B\n1148  : NVIDIA L40S-2Q\n", 2 },
        { "ID    : vGPU Name\n7     : T\n123456 : Six digits\n", 2 },
        { "ID    : vGPU Name\n695   : NVIDIA A10-6Q\n", 1 },
        /* malformed */
        { "ID : vGPU Name\n", G_MAXUINT },
        { "1145  : NVIDIA L40S-1B\n", G_MAXUINT },
        { "ID    : vGPU Name\n1145  : NVIDIA L40S-1B", G_MAXUINT },
        { "ID    : vGPU Name\n1145  : NVIDIA L4", G_MAXUINT },
        { "ID    : vGPU Name\n1145 : NVIDIA L40S-1B\n", G_MAXUINT },
        { "ID    : vGPU Name\n0x47a : NVIDIA L40S-1B\n", G_MAXUINT },
        { "ID    : vGPU Name\n-1    : NVIDIA L40S-1B\n", G_MAXUINT },
        { "ID    : vGPU Name\n0     : NVIDIA L40S-1B\n", G_MAXUINT },
        { "ID    : vGPU Name\n01145 : NVIDIA L40S-1B\n", G_MAXUINT },
        { "ID    : vGPU Name\n1145  : \n", G_MAXUINT },
        { "ID    : vGPU Name\n1145  :NVIDIA\n", G_MAXUINT },
        { "ID    : vGPU Name\n1145  : NVIDIA\tL40S\n", G_MAXUINT },
        { "ID    : vGPU Name\n1145  : A\n1145  : B\n", G_MAXUINT },
        { "ID    : vGPU Name\n\n", G_MAXUINT },
        { "ID    : vGPU Name\ngarbage\n", G_MAXUINT },
        { "ID    : vGPU Name\n1145  : \xff\xfe\n", G_MAXUINT },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GPtrArray) types = NULL;
        g_autoptr(GError) error = NULL;
        gboolean ok = mdev_nvidia_parse_creatable(cases[i].text, strlen(cases[i].text), &types,
                                                  &error);

        g_test_message("case %u: %s", i, error ? error->message : "ok");
        if (cases[i].n == G_MAXUINT) {
            g_assert_false(ok);
            g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
            g_assert_null(types);
        } else {
            g_assert_no_error(error);
            g_assert_true(ok);
            g_assert_cmpuint(types->len, ==, cases[i].n);
        }
    }
}

static void
test_parse_names(void)
{
    const char *list = "ID    : vGPU Name\n2164  : NVIDIA L40S-3B\n";
    g_autoptr(GPtrArray) types = NULL;
    const MdevType *type;
    guint id = 0;

    g_assert_true(mdev_nvidia_parse_creatable(list, strlen(list), &types, NULL));
    type = g_ptr_array_index(types, 0);
    g_assert_cmpstr(type->id, ==, "nvidia-2164");
    g_assert_cmpstr(type->name, ==, "NVIDIA L40S-3B");
    g_assert_cmpstr(type->device_api, ==, "vfio-pci");

    g_assert_true(mdev_nvidia_parse_type_id("0", &id));
    g_assert_cmpuint(id, ==, 0);
    g_assert_true(mdev_nvidia_parse_type_id("1148", &id));
    g_assert_cmpuint(id, ==, 1148);
    for (guint i = 0; i < 6; i++) {
        const char *bad[] = { "", "-1", "0x5ef", "01148", "1148 ", "1234567890" };
        g_assert_false(mdev_nvidia_parse_type_id(bad[i], &id));
    }
    g_assert_true(mdev_nvidia_type_id_from_name("nvidia-1148", &id));
    g_assert_cmpuint(id, ==, 1148);
    g_assert_false(mdev_nvidia_type_id_from_name("nvidia-0", &id));
    g_assert_false(mdev_nvidia_type_id_from_name("nvidia-", &id));
    g_assert_false(mdev_nvidia_type_id_from_name("nvidia-../1", &id));
    g_assert_false(mdev_nvidia_type_id_from_name("NVIDIA L40S-2Q", &id));

    g_assert_true(mdev_nvidia_address_is_valid("0000:3d:00.4"));
    g_assert_false(mdev_nvidia_address_is_valid("0000:3D:00.4"));
    g_assert_false(mdev_nvidia_address_is_valid("3d:00.4"));
    g_assert_false(mdev_nvidia_address_is_valid("0000:3d:00.8"));
    g_assert_false(mdev_nvidia_address_is_valid("0000:3d:00.4/../x"));
    g_assert_false(mdev_nvidia_address_is_valid(".."));
    g_assert_false(mdev_nvidia_address_is_valid(NULL));
}

typedef struct {
    TestUdevFixture udev;
    MockHost *host;
} Fixture;

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    g_autofree char *path = mock_host_find_example("nvidia-vf.json");
    g_autoptr(GError) error = NULL;

    test_udev_fixture_setup(&fx->udev, data);
    fx->host = mock_host_new_from_file(fx->udev.sysfs, path, &error);
    g_assert_no_error(error);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    g_clear_pointer(&fx->host, mock_host_free);
    test_udev_fixture_teardown(&fx->udev, data);
}

#define ALL (MDEV_NVIDIA_SCAN_TYPES | MDEV_NVIDIA_SCAN_GROUPS)

static const MdevType *
find_type(const MdevParent *parent, const char *id)
{
    return mdev_parent_get_type(parent, id);
}

static void
test_scan(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) cards = NULL;
    g_autoptr(GError) error = NULL;
    const MdevNvidiaCard *l40s, *a10;
    const MdevNvidiaVf *vf;

    if (!umockdev_in_mock_environment()) {
        g_test_skip("needs the umockdev preload");
        return;
    }
    cards = mdev_nvidia_scan_cards(NULL, ALL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(problems->len, ==, 0);
    /* the second A10 has SR-IOV off: no VFs, no card */
    g_assert_cmpuint(cards->len, ==, 2);
    l40s = g_ptr_array_index(cards, 0);
    a10 = g_ptr_array_index(cards, 1);
    g_assert_cmpstr(l40s->parent->name, ==, "0000:3d:00.0");
    g_assert_cmpint(l40s->parent->kind, ==, MDEV_PARENT_KIND_NVIDIA_VF);
    g_assert_cmpstr(l40s->parent->driver, ==, "nvidia");
    g_assert_cmpstr(l40s->parent->syspath, ==, "/sys/devices/pci0000:3d/0000:3d:00.0");
    g_assert_cmpint(l40s->parent->vfs, ==, 16);
    g_assert_cmpint(l40s->parent->free_vfs, ==, 15);
    g_assert_cmpstr(l40s->parent->vgpu_type, ==, "nvidia-1148");
    /* homogeneous: only the running type is creatable, on every free VF */
    g_assert_cmpuint(l40s->parent->types->len, ==, 1);
    g_assert_cmpint(find_type(l40s->parent, "nvidia-1148")->available_instances, ==, 15);
    g_assert_cmpstr(find_type(l40s->parent, "nvidia-1148")->name, ==, "NVIDIA L40S-2Q");
    vf = g_ptr_array_index(l40s->vfs, 0);
    g_assert_cmpstr(vf->address, ==, "0000:3d:00.4");
    g_assert_cmpuint(vf->type, ==, 1148);
    g_assert_cmpint(vf->iommu_group, ==, 140);
    /* beside its PF, as the kernel puts it, without a lookup */
    g_assert_cmpstr(vf->syspath, ==, "/sys/devices/pci0000:3d/0000:3d:00.4");
    vf = g_ptr_array_index(l40s->vfs, 1);
    g_assert_cmpstr(vf->syspath, ==, "/sys/devices/pci0000:3d/0000:3d:00.5");
    /* the groups of VFs without a vGPU are not read */
    g_assert_cmpint(vf->iommu_group, ==, -1);
    /* free VFs with the same list share one parse of it */
    g_assert_true(vf->creatable == ((MdevNvidiaVf *) g_ptr_array_index(l40s->vfs, 2))->creatable);
    g_assert_cmpint(a10->parent->free_vfs, ==, 6);
    /* every free VF lists the type until the card is full: sysfs does not
     * show the type's cap (two more here), only the VFs that take it now */
    g_assert_cmpint(find_type(a10->parent, "nvidia-695")->available_instances, ==, 6);
    g_clear_pointer(&cards, g_ptr_array_unref);

    /* without MDEV_NVIDIA_SCAN_GROUPS no group is read, not even a vGPU's */
    cards = mdev_nvidia_scan_cards("0000:3d:00.0", MDEV_NVIDIA_SCAN_TYPES, problems, &error);
    g_assert_no_error(error);
    l40s = g_ptr_array_index(cards, 0);
    vf = g_ptr_array_index(l40s->vfs, 0);
    g_assert_cmpuint(vf->type, ==, 1148);
    g_assert_cmpint(vf->iommu_group, ==, -1);
    g_assert_cmpint(find_type(l40s->parent, "nvidia-1148")->available_instances, ==, 15);
    g_clear_pointer(&cards, g_ptr_array_unref);

    /* the last vGPU gone, the whole catalog on every VF */
    g_assert_cmpint(mock_host_set_vgpu(fx->host, "0000:3d:00.4", "0"), ==, 0);
    cards = mdev_nvidia_scan_cards("0000:3d:00.0", ALL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(cards->len, ==, 1);
    l40s = g_ptr_array_index(cards, 0);
    g_assert_null(l40s->parent->vgpu_type);
    g_assert_cmpint(l40s->parent->free_vfs, ==, 16);
    g_assert_cmpuint(l40s->parent->types->len, ==, 14);
    g_assert_cmpint(find_type(l40s->parent, "nvidia-1156")->available_instances, ==, 16);
    g_clear_pointer(&cards, g_ptr_array_unref);

    /* full: the running type stays listed, with nothing available */
    g_assert_cmpint(mock_host_set_vgpu(fx->host, "0000:3d:00.5", "1156"), ==, 0);
    cards = mdev_nvidia_scan_cards("0000:3d:00.0", ALL, problems, &error);
    l40s = g_ptr_array_index(cards, 0);
    g_assert_cmpuint(l40s->parent->types->len, ==, 1);
    g_assert_cmpint(find_type(l40s->parent, "nvidia-1156")->available_instances, ==, 0);
    g_assert_null(find_type(l40s->parent, "nvidia-1156")->name);
}

/* A VF registered with the mdev core belongs to the older model: the scan
 * does not take it for a VF vGPU, whatever files it has. */
static void
test_mdev_parent_vf(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) cards = NULL;
    g_autoptr(GError) error = NULL;
    const MdevNvidiaCard *l40s;

    if (!umockdev_in_mock_environment()) {
        g_test_skip("needs the umockdev preload");
        return;
    }
    mock_sysfs_register_parent(fx->udev.sysfs, "0000:3d:00.5", FALSE);
    cards = mdev_nvidia_scan_cards("0000:3d:00.0", ALL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(cards->len, ==, 1);
    l40s = g_ptr_array_index(cards, 0);
    g_assert_cmpint(l40s->parent->vfs, ==, 15);
    for (guint i = 0; i < l40s->vfs->len; i++)
        g_assert_cmpstr(((MdevNvidiaVf *) g_ptr_array_index(l40s->vfs, i))->address, !=,
                        "0000:3d:00.5");
    g_assert_cmpuint(problems->len, ==, 0);
}

/* A card whose files make no sense is reported and skipped, the others
 * stay. */
static void
test_malformed(Fixture *fx, gconstpointer data)
{
    static const char *const garbage[] = {
        "ID    : vGPU Name\n1148  : NVIDIA L40S-2Q", /* truncated */
        "garbage\n",
        "ID    : vGPU Name\n0x47c : NVIDIA L40S-2Q\n",
    };

    if (!umockdev_in_mock_environment()) {
        g_test_skip("needs the umockdev preload");
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS(garbage); i++) {
        g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) cards = NULL;
        g_autoptr(MdevNvidiaCard) card = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_cmpint(mock_host_garble_vf(fx->host, "0000:3d:01.1", garbage[i]), ==, 0);
        cards = mdev_nvidia_scan_cards(NULL, ALL, problems, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(cards->len, ==, 1);
        g_assert_cmpstr(((MdevNvidiaCard *) g_ptr_array_index(cards, 0))->parent->name, ==,
                        "0000:d8:00.0");
        g_assert_cmpuint(problems->len, ==, 1);
        g_test_message("%s", (char *) g_ptr_array_index(problems, 0));
        g_assert_true(g_str_has_prefix(g_ptr_array_index(problems, 0),
                                       "skipped NVIDIA card '0000:3d:00.0': VF '0000:3d:01.1': "
                                       "nvidia/creatable_vgpu_types: line "));
        card = mdev_nvidia_read_card("0000:3d:00.0", &error);
        g_assert_null(card);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_clear_error(&error);

        /* a listing of the vGPUs does not read the creatable lists */
        g_ptr_array_set_size(problems, 0);
        g_clear_pointer(&cards, g_ptr_array_unref);
        cards = mdev_nvidia_scan_cards(NULL, MDEV_NVIDIA_SCAN_GROUPS, problems, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(cards->len, ==, 2);
        g_assert_cmpuint(problems->len, ==, 0);
        g_assert_cmpuint(((MdevNvidiaCard *) g_ptr_array_index(cards, 0))->vfs->len, ==, 16);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    g_test_add_func("/nvidia/parse/creatable", test_parse_creatable);
    g_test_add_func("/nvidia/parse/names", test_parse_names);
    g_test_add("/nvidia/scan/cards", Fixture, NULL, fixture_setup, test_scan, fixture_teardown);
    g_test_add("/nvidia/scan/mdev-parent-vf", Fixture, NULL, fixture_setup, test_mdev_parent_vf,
               fixture_teardown);
    g_test_add("/nvidia/scan/malformed", Fixture, NULL, fixture_setup, test_malformed,
               fixture_teardown);
    return g_test_run();
}
