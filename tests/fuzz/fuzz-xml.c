/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The node-device XML parser (virsh nodedev-define/-create documents,
 * mdevtool define --xml). A document it accepts becomes a stored definition,
 * so the result must also survive the JSON store unchanged. */
#include "fuzz.h"

#include "mdev-json.h"
#include "mdev-model.h"
#include "mdev-xml-parse.h"

static GPtrArray *parents;

static void
add_parent(const char *name, MdevParentKind kind, const char *subsystem)
{
    MdevParent *parent = mdev_parent_new(name);

    parent->kind = kind;
    parent->subsystem = g_strdup(subsystem);
    g_ptr_array_add(parents, parent);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    /* one parent of each kind, so that <parent> can resolve to any of them */
    parents = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_parent_free);
    add_parent("0000:00:02.0", MDEV_PARENT_KIND_PCI, "pci");
    add_parent("0.0.0052", MDEV_PARENT_KIND_CSS, "css");
    add_parent("matrix", MDEV_PARENT_KIND_AP, "ap");
    add_parent("mtty", MDEV_PARENT_KIND_GENERIC, "mtty");
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) device = NULL;
    g_autoptr(MdevDevice) back = NULL;
    g_autofree char *saved = NULL;
    g_autofree char *again = NULL;

    /* not NUL-terminated: the parser must keep within the length given */
    device = mdev_xml_parse_nodedev((const char *) data, (gssize) size, parents, &error);
    g_assert_true((device == NULL) != (error == NULL));
    if (device == NULL)
        return 0;
    g_assert_nonnull(device->parent);
    g_assert_nonnull(device->type);

    saved = mdev_json_definition_to_string(device);
    back = mdev_json_definition_from_string(saved, device->parent, device->uuid, &error);
    g_assert_no_error(error);
    again = mdev_json_definition_to_string(back);
    g_assert_cmpstr(again, ==, saved);
    return 0;
}
