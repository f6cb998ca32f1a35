/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fixture the XML tests share: the testbed of tests/xml-testbeds.c
 * read by the real discovery and store, and the golden files. */
#include "xml-fixture.h"

#include "mdev-nvidia.h"
#include "mdev-store.h"
#include "mdev-xml.h"
#include "test-common.h"

#include <string.h>

/* The records come from the real discovery and the real store reading the
 * testbed and the mdevctl-format definition files libvirt's mdevctl reads. */
void
xml_fixture_setup(XmlFixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);

    fx->sysfs = mock_sysfs_new();
    xml_testbed_build(fx->sysfs);
    fx->conf_dir = g_dir_make_tmp("mdevtool-xml-XXXXXX", &error);
    g_assert_no_error(error);
    fx->state_dir = g_dir_make_tmp("mdevtool-xml-state-XXXXXX", &error);
    g_assert_no_error(error);
    g_assert_true(xml_testbed_write_definitions(fx->conf_dir, &error));
    g_assert_no_error(error);
    fx->ctx = mdev_context_new();
    mdev_context_set_conf_dir(fx->ctx, fx->conf_dir);
    fx->inv = mdev_discovery_scan(
        fx->ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES | MDEV_DISCOVERY_DEVICE_DRIVER,
        NULL, &error);
    g_assert_no_error(error);
    fx->definitions = mdev_store_load(fx->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(problems->len, ==, 0);
    mdev_inventory_add_definitions(fx->inv, fx->definitions);
    fx->parents = fx->inv->parents;
    fx->devices = fx->inv->devices;
}

void
xml_fixture_teardown(XmlFixture *fx, gconstpointer data)
{
    g_ptr_array_unref(fx->definitions);
    mdev_inventory_free(fx->inv);
    mdev_context_unref(fx->ctx);
    test_remove_tree(fx->conf_dir);
    g_free(fx->conf_dir);
    test_remove_tree(fx->state_dir);
    g_free(fx->state_dir);
    mock_sysfs_free(fx->sysfs);
}

const MdevParent *
xml_fixture_find_parent(XmlFixture *fx, const char *name)
{
    for (guint i = 0; i < fx->parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index(fx->parents, i);
        if (strcmp(parent->name, name) == 0)
            return parent;
    }
    return NULL;
}

const MdevDevice *
xml_find_device(GPtrArray *devices, const char *uuid, const char *parent)
{
    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);
        if (strcmp(device->uuid, uuid) == 0 && strcmp(device->parent, parent) == 0)
            return device;
    }
    return NULL;
}

/* mdevtool's document for one golden case, made the way dumpxml makes it. */
char *
xml_fixture_format_case(XmlFixture *fx, const XmlTestbedCase *c, GError **error)
{
    if (c->nvidia_vf) {
        g_autoptr(MdevParent) vf = mdev_nvidia_read_vf_node(c->kernel_name, NULL, error);
        g_autoptr(GPtrArray) group = NULL;

        if (vf == NULL)
            return NULL;
        group = mdev_xml_read_iommu_group(vf->iommu_group, error);
        return group ? mdev_xml_format_parent(vf, group, error) : NULL;
    }
    if (c->is_parent) {
        const MdevParent *parent = xml_fixture_find_parent(fx, c->kernel_name);
        g_autoptr(GPtrArray) group = NULL;

        if (parent == NULL)
            g_error("no parent %s in the testbed records", c->kernel_name);
        if (parent->iommu_group >= 0) {
            group = mdev_xml_read_iommu_group(parent->iommu_group, error);
            if (group == NULL)
                return NULL;
        }
        return mdev_xml_format_parent(parent, group, error);
    }
    return mdev_xml_format_device(xml_find_device(fx->devices, c->kernel_name, c->mdev_parent),
                                  xml_fixture_find_parent(fx, c->mdev_parent), MDEV_XML_FORMAT_NONE,
                                  error);
}

char *
xml_read_golden(const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "xml", file, NULL);
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    g_file_get_contents(path, &text, NULL, &error);
    g_assert_no_error(error);
    return text;
}
