/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-discovery.h"
#include "mdev-json-out.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-fleet.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

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

/* The cells of one parent's row; numbers are formatted into @buf. */
typedef struct {
    char device[64];
    char numa[16];
    char types[16];
    char creatable[16];
} ParentRowBuf;

/* With -c, the first column is the host's URI. */
static void
parent_row(const MdevParent *parent, const char *host, ParentRowBuf *buf, const char *cells[11])
{
    buf->device[0] = '\0';
    if (parent->vendor_id && parent->device_id) {
        const char *v = g_str_has_prefix(parent->vendor_id, "0x") ? parent->vendor_id + 2
                                                                  : parent->vendor_id;
        const char *d = g_str_has_prefix(parent->device_id, "0x") ? parent->device_id + 2
                                                                  : parent->device_id;
        g_snprintf(buf->device, sizeof(buf->device), "%s:%s", v, d);
    } else if (parent->dev_busid) {
        g_snprintf(buf->device, sizeof(buf->device), "%s", parent->dev_busid);
    }
    g_snprintf(buf->numa, sizeof(buf->numa), "%d", parent->numa_node);
    g_snprintf(buf->types, sizeof(buf->types), "%u", parent->types->len);
    g_snprintf(buf->creatable, sizeof(buf->creatable), "%u", creatable_types(parent));
    if (host)
        *cells++ = host;
    cells[0] = parent->name;
    cells[1] = mdev_parent_kind_to_string(parent->kind);
    cells[2] = parent->driver;
    cells[3] = buf->device;
    cells[4] = parent->numa_node >= 0 ? buf->numa : NULL;
    cells[5] = parent->physfn;
    cells[6] = parent->registered ? _("yes") : _("no");
    cells[7] = parent->registered ? buf->types : NULL;
    cells[8] = parent->registered ? buf->creatable : NULL;
    cells[9] = parent->syspath;
}

static void
print_text(GPtrArray *parents, GPtrArray *hosts)
{
    const char *const headers[] = {
        /* TRANSLATORS: column headers of "mdevtool parents" */
        _("HOST"),   _("NAME"),       _("KIND"),  _("DRIVER"),    _("DEVICE"), _("NUMA"),
        _("PHYSFN"), _("REGISTERED"), _("TYPES"), _("CREATABLE"), _("PATH"),   NULL,
    };
    g_autoptr(MdevtoolTable) table = mdevtool_table_new(headers + (hosts ? 0 : 1));
    ParentRowBuf buf;
    const char *cells[11];

    for (guint i = 0; i < parents->len; i++) {
        parent_row(g_ptr_array_index(parents, i), hosts ? g_ptr_array_index(hosts, i) : NULL, &buf,
                   cells);
        mdevtool_table_measure(table, cells);
    }
    mdevtool_table_print_header(table);
    for (guint i = 0; i < parents->len; i++) {
        parent_row(g_ptr_array_index(parents, i), hosts ? g_ptr_array_index(hosts, i) : NULL, &buf,
                   cells);
        mdevtool_table_print_row(table, cells);
    }
    for (guint i = 0; i < parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index(parents, i);
        g_autofree char *line = NULL;

        if (parent->kind != MDEV_PARENT_KIND_NVIDIA_VF)
            continue;
        if (parent->vgpu_type)
            /* TRANSLATORS: a card's vGPU summary below "mdevtool parents"; the type
             * is an id such as nvidia-1148 */
            line = g_strdup_printf(_("%1$s: %2$d VFs, %3$d free, running %4$s"), parent->name,
                                   parent->vfs, parent->free_vfs, parent->vgpu_type);
        else
            line = g_strdup_printf(_("%1$s: %2$d VFs, %3$d free, no vGPU"), parent->name,
                                   parent->vfs, parent->free_vfs);
        mdevtool_table_print_note(line);
    }
}

static void
print_json(GPtrArray *parents, GPtrArray *hosts)
{
    g_autoptr(MdevJsonOut) b = mdev_json_out_new(stdout, MDEV_JSON_OUT_PRETTY);

    mdev_json_out_begin_array(b);
    for (guint i = 0; i < parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index(parents, i);

        mdev_json_out_begin_object(b);
        /* "parent" as in every other output; "name" stays for scripts */
        mdev_json_out_add_string(b, "parent", parent->name);
        if (hosts)
            mdev_json_out_add_string(b, "host", g_ptr_array_index(hosts, i));
        mdev_json_out_add_string(b, "name", parent->name);
        mdev_json_out_add_string(b, "kind", mdev_parent_kind_to_string(parent->kind));
        mdev_json_out_add_string(b, "path", parent->syspath);
        mdev_json_out_add_string(b, "subsystem", parent->subsystem);
        mdev_json_out_add_string(b, "driver", parent->driver);
        mdev_json_out_add_string(b, "vendor", parent->vendor_id);
        mdev_json_out_add_string(b, "device", parent->device_id);
        mdev_json_out_add_string(b, "physfn", parent->physfn);
        mdev_json_out_add_string(b, "dev_busid", parent->dev_busid);
        mdev_json_out_add_int(b, "numa_node", parent->numa_node, parent->numa_node >= 0);
        mdev_json_out_add_int(b, "iommu_group", parent->iommu_group, parent->iommu_group >= 0);
        mdev_json_out_add_bool(b, "registered", parent->registered, TRUE);
        mdev_json_out_add_int(b, "types_total", parent->types->len, parent->registered);
        mdev_json_out_add_int(b, "types_available", creatable_types(parent), parent->registered);
        mdev_json_out_add_int(b, "vfs", parent->vfs, parent->vfs >= 0);
        mdev_json_out_add_int(b, "free_vfs", parent->free_vfs, parent->free_vfs >= 0);
        mdev_json_out_add_string(b, "vgpu_type", parent->vgpu_type);
        mdev_json_out_end_object(b);
    }
    mdev_json_out_end_array(b);
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
    if (cli->uris)
        return mdevtool_fleet_show_parents(cli, parent, print_json, print_text);

    mdevtool_resolve_parent(cli, &parent);
    inv = mdev_discovery_scan(cli->ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_NVIDIA_VF,
                              parent, &error);
    if (inv == NULL)
        return mdevtool_fail_scan(cli, error, parent);

    if (cli->json) {
        print_json(inv->parents, NULL);
    } else if (inv->parents->len == 0) {
        mdevtool_note_no_parents();
    } else {
        print_text(inv->parents, NULL);
    }
    mdevtool_print_problems(inv->problems);
    return MDEVTOOL_EXIT_OK;
}
