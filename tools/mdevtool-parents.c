/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-discovery.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>

/* How many types could get a new instance now; capacity is usually shared
 * between a parent's types, so a sum of instances would overstate it. */
static guint
creatable_types(const MdevParent *parent)
{
    guint n = 0;

    for (guint i = 0; i < parent->types->len; i++) {
        const MdevType *type = g_ptr_array_index(parent->types, i);
        if (type->available_instances > 0)
            n++;
    }
    return n;
}

static char *
device_column(const MdevParent *parent)
{
    if (parent->vendor_id && parent->device_id) {
        const char *v = g_str_has_prefix(parent->vendor_id, "0x") ? parent->vendor_id + 2
                                                                  : parent->vendor_id;
        const char *d = g_str_has_prefix(parent->device_id, "0x") ? parent->device_id + 2
                                                                  : parent->device_id;
        return g_strdup_printf("%s:%s", v, d);
    }
    return g_strdup(parent->dev_busid);
}

static void
print_text(MdevInventory *inv)
{
    const char *const headers[] = {
        /* TRANSLATORS: column headers of "mdevtool parents" */
        _("NAME"), _("KIND"), _("DRIVER"), _("DEVICE"), _("NUMA"), _("PHYSFN"),
        _("REGISTERED"), _("TYPES"), _("CREATABLE"), _("PATH"), NULL,
    };
    g_autoptr(MdevtoolTable) table = mdevtool_table_new(headers);

    for (guint i = 0; i < inv->parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index(inv->parents, i);
        g_autofree char *device = device_column(parent);
        g_autofree char *numa = parent->numa_node >= 0
                                    ? g_strdup_printf("%d", parent->numa_node) : NULL;
        g_autofree char *types = g_strdup_printf("%u", parent->types->len);
        g_autofree char *creatable = g_strdup_printf("%u", creatable_types(parent));
        const char *const cells[] = {
            parent->name, mdev_parent_kind_to_string(parent->kind), parent->driver, device,
            numa, parent->physfn, parent->registered ? _("yes") : _("no"),
            parent->registered ? types : NULL, parent->registered ? creatable : NULL,
            parent->syspath,
        };
        mdevtool_table_add_row(table, cells);
    }
    mdevtool_table_print(table);
}

static void
print_json(MdevInventory *inv)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_array(b);
    for (guint i = 0; i < inv->parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index(inv->parents, i);

        json_builder_begin_object(b);
        mdevtool_json_add_string(b, "name", parent->name);
        mdevtool_json_add_string(b, "kind", mdev_parent_kind_to_string(parent->kind));
        mdevtool_json_add_string(b, "path", parent->syspath);
        mdevtool_json_add_string(b, "subsystem", parent->subsystem);
        mdevtool_json_add_string(b, "driver", parent->driver);
        mdevtool_json_add_string(b, "vendor", parent->vendor_id);
        mdevtool_json_add_string(b, "device", parent->device_id);
        mdevtool_json_add_string(b, "physfn", parent->physfn);
        mdevtool_json_add_string(b, "dev_busid", parent->dev_busid);
        mdevtool_json_add_int(b, "numa_node", parent->numa_node, parent->numa_node >= 0);
        mdevtool_json_add_int(b, "iommu_group", parent->iommu_group, parent->iommu_group >= 0);
        mdevtool_json_add_bool(b, "registered", parent->registered, TRUE);
        mdevtool_json_add_int(b, "types_total", parent->types->len, parent->registered);
        mdevtool_json_add_int(b, "types_available", creatable_types(parent),
                              parent->registered);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    mdevtool_json_print(b);
}

MDEVTOOL_CMD(mdevtool_cmd_parents)
{
    g_autofree char *parent = NULL;
    const GOptionEntry entries[] = {
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent,
          N_("Only this parent, registered or not"), N_("PARENT") },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("parents", NULL, entries);
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GError) error = NULL;
    int status;

    g_option_context_set_summary(octx, _("List the devices that can host mdevs."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("parents", _("unexpected argument '%s'"), argv[1]);

    inv = mdev_discovery_scan(cli->ctx, MDEV_DISCOVERY_PARENTS, parent, &error);
    if (inv == NULL)
        return mdevtool_fail_scan(cli, error, parent);

    if (cli->json) {
        print_json(inv);
    } else if (inv->parents->len == 0) {
        mdevtool_note(_("no mdev parent is registered on this host "
                        "(/sys/class/mdev_bus is empty or absent)"));
    } else {
        print_text(inv);
    }
    mdevtool_print_problems(inv->problems);
    return MDEVTOOL_EXIT_OK;
}
