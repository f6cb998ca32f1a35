/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* list and types output of the mdevctl front end, built from model records
 * and compared byte for byte with golden files in tests/data/mdevctl/. */
#include "mdevctl.h"

#include <string.h>

static void
check_golden(const char *name, const char *actual)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "mdevctl", name, NULL);
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;

    if (g_getenv("MDEV_TEST_REGENERATE_OUTPUT")) {
        g_assert_true(g_file_set_contents(path, actual, -1, &error));
        g_assert_no_error(error);
        return;
    }
    g_assert_true(g_file_get_contents(path, &expected, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(actual, ==, expected);
}

static MdevType *
make_type(const char *id, gint64 avail, const char *api, const char *name, const char *desc)
{
    MdevType *type = mdev_type_new(id);

    type->available_instances = avail;
    type->device_api = g_strdup(api);
    type->name = g_strdup(name);
    type->description = g_strdup(desc);
    return type;
}

static GPtrArray *
make_parents(void)
{
    GPtrArray *parents = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_parent_free);
    MdevParent *p;

    /* deliberately out of order: the formatter sorts */
    p = mdev_parent_new("mtty");
    g_ptr_array_add(parents, p);
    p = mdev_parent_new("matrix");
    g_ptr_array_add(p->types, make_type("vfio_ap-passthrough", 65535, "vfio-ap",
                                        "VFIO AP Passthrough Device\n", NULL));
    g_ptr_array_add(parents, p);
    p = mdev_parent_new("0000:00:02.0");
    g_ptr_array_add(p->types, make_type("i915-GVTg_V5_8", 4, "vfio-pci", "GVTg_V5_8", ""));
    g_ptr_array_add(p->types, make_type("i915-GVTg_V5_4", 2, "vfio-pci", "GVTg_V5_4",
                                        "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\n"
                                        "resolution: 1920x1200\nweight: 4\n"));
    g_ptr_array_add(parents, p);
    return parents;
}

static MdevDevice *
make_device(const char *uuid, const char *parent, const char *type, gboolean autostart)
{
    MdevDevice *d = mdev_device_new(uuid, parent);

    d->type = g_strdup(type);
    d->autostart = autostart;
    d->defined = TRUE;
    return d;
}

static GPtrArray *
make_definitions(void)
{
    GPtrArray *defs = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    MdevDevice *d;

    d = make_device("783e6dbb-ea0e-411f-94e2-717eaad438bf", "matrix", "vfio_ap-passthrough", FALSE);
    g_ptr_array_add(d->attrs, mdev_attr_new("assign_adapter", "5"));
    g_ptr_array_add(d->attrs, mdev_attr_new("assign_domain", "0xab"));
    g_ptr_array_add(defs, d);
    d = make_device("1dc0d3be-83c2-499e-864f-95a95f5bb184", "matrix", "vfio_ap-passthrough", TRUE);
    g_ptr_array_add(defs, d);
    d = make_device("11111111-1111-4111-8111-111111111111", "0000:00:02.0", "i915-GVTg_V5_4",
                    FALSE);
    d->active = TRUE;
    g_ptr_array_add(defs, d);
    return defs;
}

static void
test_types(void)
{
    g_autoptr(GPtrArray) parents = make_parents();
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autofree char *text = mdevctl_format_types_text(parents);
    g_autofree char *json = mdevctl_format_types_json(parents);
    g_autofree char *empty_text = mdevctl_format_types_text(none);
    g_autofree char *empty_json = mdevctl_format_types_json(none);

    check_golden("types.txt", text);
    check_golden("types.json", json);
    g_assert_cmpstr(empty_text, ==, "");
    g_assert_cmpstr(empty_json, ==, "[]");
}

static void
test_list_defined(void)
{
    g_autoptr(GPtrArray) defs = make_definitions();
    g_autofree char *text = mdevctl_format_list_text(defs, TRUE, FALSE);
    g_autofree char *verbose = mdevctl_format_list_text(defs, TRUE, TRUE);
    g_autofree char *json = mdevctl_format_list_json(defs, FALSE);
    g_autofree char *json_bare_many = mdevctl_format_list_json(defs, TRUE);
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_autofree char *single = NULL;

    check_golden("list-defined.txt", text);
    check_golden("list-defined-verbose.txt", verbose);
    check_golden("list-defined.json", json);
    /* a UUID defined under several parents still gets the full form */
    g_assert_cmpstr(json_bare_many, ==, json);

    g_ptr_array_add(one, g_ptr_array_index(defs, 0));
    single = mdevctl_format_list_json(one, TRUE);
    check_golden("list-single.json", single);
}

static void
test_list_active(void)
{
    g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autofree char *text = NULL;
    g_autofree char *empty = NULL;
    g_autofree char *empty_json = NULL;
    MdevDevice *d;

    d = make_device("22222222-2222-4222-8222-222222222222", "mtty", "mtty-2", TRUE);
    d->active = TRUE;
    g_ptr_array_add(devs, d);
    d = make_device("11111111-1111-4111-8111-111111111111", "mtty", "mtty-1", FALSE);
    d->active = TRUE;
    d->defined = FALSE;
    g_ptr_array_add(d->attrs, mdev_attr_new("evil\nname", "line\nbreak\t\"q\""));
    g_ptr_array_add(devs, d);

    text = mdevctl_format_list_text(devs, FALSE, TRUE);
    g_assert_cmpstr(text, ==,
                    "11111111-1111-4111-8111-111111111111 mtty mtty-1 manual\n"
                    "  Attrs:\n"
                    "    @{0}: {\"evil\\nname\":\"line\\nbreak\\t\"q\"\"}\n"
                    "22222222-2222-4222-8222-222222222222 mtty mtty-2 auto (defined)\n");
    empty = mdevctl_format_list_text(none, FALSE, TRUE);
    g_assert_cmpstr(empty, ==, "");
    empty_json = mdevctl_format_list_json(none, TRUE);
    g_assert_cmpstr(empty_json, ==, "[]");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func("/mdevctl-format/types", test_types);
    g_test_add_func("/mdevctl-format/list/defined", test_list_defined);
    g_test_add_func("/mdevctl-format/list/active", test_list_active);
    return g_test_run();
}
