/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-placement.h"

#include <string.h>

/* Placement and type resolution are pure functions of an inventory; these
 * tests build inventories by hand. The operations that use them are tested
 * on the simulated kernel (test-lifecycle.sh). */

static MdevParent *
add_parent(MdevInventory *inv, const char *name, const char *physfn, gboolean registered)
{
    MdevParent *p = mdev_parent_new(name);

    p->physfn = g_strdup(physfn);
    p->registered = registered;
    p->syspath = g_strdup_printf("/sys/devices/%s", name);
    g_ptr_array_add(inv->parents, p);
    g_ptr_array_sort(inv->parents, mdev_parent_compare);
    return p;
}

static void
add_type(MdevParent *p, const char *id, const char *name, gint64 available)
{
    MdevType *t = mdev_type_new(id);

    t->name = g_strdup(name);
    t->available_instances = available;
    g_ptr_array_add(p->types, t);
    g_ptr_array_sort(p->types, mdev_type_compare);
}

static void
add_active(MdevInventory *inv, const char *parent, const char *type)
{
    g_autofree char *uuid = g_uuid_string_random();
    MdevDevice *d = mdev_device_new(uuid, parent);

    d->type = g_strdup(type);
    d->active = TRUE;
    g_ptr_array_add(inv->devices, d);
}

/* Two GPUs with two VFs each, one instance per VF. */
static MdevInventory *
sriov_host(void)
{
    MdevInventory *inv = mdev_inventory_new();
    const char *vfs[][2] = { { "0000:41:00.4", "0000:41:00.0" },
                             { "0000:41:00.5", "0000:41:00.0" },
                             { "0000:42:00.4", "0000:42:00.0" },
                             { "0000:42:00.5", "0000:42:00.0" } };

    for (gsize i = 0; i < G_N_ELEMENTS(vfs); i++) {
        MdevParent *p = add_parent(inv, vfs[i][0], vfs[i][1], TRUE);
        add_type(p, "nvidia-558", "NVIDIA A40-4Q", 1);
    }
    return inv;
}

static void
use(MdevInventory *inv, const char *parent)
{
    MdevParent *p = mdev_inventory_get_parent(inv, parent);

    add_active(inv, parent, "nvidia-558");
    mdev_parent_get_type(p, "nvidia-558")->available_instances = 0;
}

static void
test_place_sriov(void)
{
    g_autoptr(MdevInventory) inv = sriov_host();
    g_autoptr(GError) error = NULL;
    MdevParent *p;

    /* idle host: both GPUs equal, the first wins either way */
    p = mdev_placement_choose(inv, "nvidia-558", MDEV_PLACEMENT_PACK, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(p->name, ==, "0000:41:00.4");
    p = mdev_placement_choose(inv, "nvidia-558", MDEV_PLACEMENT_SPREAD, NULL, &error);
    g_assert_cmpstr(p->name, ==, "0000:41:00.4");

    /* one VF of GPU 41 in use: pack stays on GPU 41, spread moves to 42 */
    use(inv, "0000:41:00.4");
    p = mdev_placement_choose(inv, "nvidia-558", MDEV_PLACEMENT_PACK, NULL, &error);
    g_assert_cmpstr(p->name, ==, "0000:41:00.5");
    p = mdev_placement_choose(inv, "nvidia-558", MDEV_PLACEMENT_SPREAD, NULL, &error);
    g_assert_cmpstr(p->name, ==, "0000:42:00.4");

    /* GPU 41 full: both go to 42 */
    use(inv, "0000:41:00.5");
    p = mdev_placement_choose(inv, "nvidia-558", MDEV_PLACEMENT_PACK, NULL, &error);
    g_assert_cmpstr(p->name, ==, "0000:42:00.4");

    /* everything full */
    use(inv, "0000:42:00.4");
    use(inv, "0000:42:00.5");
    g_assert_null(mdev_placement_choose(inv, "nvidia-558", MDEV_PLACEMENT_SPREAD, NULL, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY);
    g_assert_nonnull(strstr(error->message, "all 4 parents offering it are full"));
    g_clear_error(&error);
    g_assert_null(mdev_placement_choose(inv, "nvidia-999", MDEV_PLACEMENT_PACK, NULL, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
}

static void
test_place_plain(void)
{
    g_autoptr(MdevInventory) inv = mdev_inventory_new();
    g_autoptr(GError) error = NULL;
    MdevParent *a = add_parent(inv, "0000:00:02.0", NULL, TRUE);
    MdevParent *b = add_parent(inv, "0000:00:03.0", NULL, TRUE);
    MdevParent *off = add_parent(inv, "0000:00:04.0", NULL, FALSE);
    MdevParent *p;

    add_type(a, "i915-GVTg_V5_4", "GVTg_V5_4", 1);
    add_type(b, "i915-GVTg_V5_4", "GVTg_V5_4", 3);
    add_type(off, "i915-GVTg_V5_4", "GVTg_V5_4", 8);
    add_active(inv, "0000:00:02.0", "i915-GVTg_V5_4");
    add_active(inv, "0000:00:02.0", "i915-GVTg_V5_8");

    /* pack: the busier GPU; spread: the idle one; never the unregistered */
    p = mdev_placement_choose(inv, "i915-GVTg_V5_4", MDEV_PLACEMENT_PACK, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(p->name, ==, "0000:00:02.0");
    p = mdev_placement_choose(inv, "i915-GVTg_V5_4", MDEV_PLACEMENT_SPREAD, NULL, &error);
    g_assert_cmpstr(p->name, ==, "0000:00:03.0");

    /* equal load: pack takes the one with fewer free instances */
    add_active(inv, "0000:00:03.0", "x");
    add_active(inv, "0000:00:03.0", "x");
    p = mdev_placement_choose(inv, "i915-GVTg_V5_4", MDEV_PLACEMENT_PACK, NULL, &error);
    g_assert_cmpstr(p->name, ==, "0000:00:02.0");
    p = mdev_placement_choose(inv, "i915-GVTg_V5_4", MDEV_PLACEMENT_SPREAD, NULL, &error);
    g_assert_cmpstr(p->name, ==, "0000:00:03.0");
}

static void
test_resolve_type(void)
{
    g_autoptr(MdevInventory) inv = sriov_host();
    g_autoptr(GError) error = NULL;
    MdevParent *mtty = add_parent(inv, "mtty", NULL, TRUE);
    MdevParent *mbochs = add_parent(inv, "mbochs", NULL, TRUE);
    MdevParent *off = add_parent(inv, "0000:00:02.0", NULL, FALSE);
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *c = NULL;
    g_autofree char *d = NULL;
    char *bad;

    add_type(mtty, "mtty-1", "Single port serial", 4);
    add_type(mtty, "mtty-2", "Dual port serial", 2);
    add_type(mbochs, "mbochs-small", "Dual port serial", 2);
    /* a type whose name is another type's id: the id wins */
    add_type(mbochs, "mbochs-large", "mtty-1", 1);
    add_type(off, "i915-GVTg_V5_4", "Hidden", 1);

    a = mdev_placement_resolve_type(inv, NULL, "mtty-1", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(a, ==, "mtty-1");
    /* the same name on four VFs is one type */
    b = mdev_placement_resolve_type(inv, NULL, "NVIDIA A40-4Q", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(b, ==, "nvidia-558");
    c = mdev_placement_resolve_type(inv, "mbochs", "Dual port serial", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(c, ==, "mbochs-small");
    d = mdev_placement_resolve_type(inv, "mbochs", "mtty-1", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(d, ==, "mbochs-large");

    bad = mdev_placement_resolve_type(inv, NULL, "Dual port serial", &error);
    g_assert_null(bad);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS);
    g_assert_nonnull(strstr(error->message, "'mbochs-small' on mbochs"));
    g_assert_nonnull(strstr(error->message, "'mtty-2' on mtty"));
    g_clear_error(&error);

    /* types of unregistered parents are not offered */
    bad = mdev_placement_resolve_type(inv, NULL, "Hidden", &error);
    g_assert_null(bad);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
    g_clear_error(&error);
    bad = mdev_placement_resolve_type(inv, "mtty", "../mtty-1", &error);
    g_assert_null(bad);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    bad = mdev_placement_resolve_type(inv, "mtty", "mtty-3", &error);
    g_assert_null(bad);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
    g_assert_nonnull(
        strstr(error->message, "mtty-1 (Single port serial), mtty-2 (Dual port serial)"));
}

static void
test_placement_names(void)
{
    g_autoptr(GError) error = NULL;
    MdevPlacement p;

    g_assert_true(mdev_placement_from_string("spread", &p, &error));
    g_assert_cmpint(p, ==, MDEV_PLACEMENT_SPREAD);
    g_assert_cmpstr(mdev_placement_to_string(MDEV_PLACEMENT_PACK), ==, "pack");
    g_assert_false(mdev_placement_from_string("fill", &p, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func("/placement/choose/sriov", test_place_sriov);
    g_test_add_func("/placement/choose/plain", test_place_plain);
    g_test_add_func("/placement/names", test_placement_names);
    g_test_add_func("/placement/resolve-type", test_resolve_type);
    return g_test_run();
}
