/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-host.h"
#include "mdev-nvidia.h"
#include "mdev-util.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

typedef enum {
    LIST_ACTIVE,
    LIST_DEFINED,
    LIST_ALL,
} ListMode;

static const char *
yes_no(gboolean value, gboolean known)
{
    if (!known)
        return NULL;
    return value ? _("yes") : _("no");
}

static void
device_row(const MdevDevice *device, char group[16], const char *cells[9])
{
    g_snprintf(group, 16, "%d", device->iommu_group);
    cells[0] = device->address ? device->address : device->uuid;
    cells[1] = device->parent;
    cells[2] = device->type;
    cells[3] = yes_no(device->active, TRUE);
    cells[4] = yes_no(device->defined, TRUE);
    cells[5] = yes_no(device->autostart, device->defined);
    cells[6] = device->iommu_group >= 0 ? group : NULL;
    cells[7] = device->driver;
    cells[8] = device->syspath;
}

static void
print_text(GPtrArray *devices, gboolean verbose, gboolean vgpus)
{
    const char *const headers[] = {
        /* TRANSLATORS: column headers of "mdevtool list"; DEVICE replaces UUID
         * when NVIDIA VF vGPUs, named by their PCI address, are listed too */
        vgpus ? _("DEVICE") : _("UUID"), _("PARENT"), _("TYPE"), _("ACTIVE"), _("DEFINED"), _("AUTOSTART"),
        _("GROUP"), _("DRIVER"), _("PATH"), NULL,
    };
    const char *shown_headers[G_N_ELEMENTS(headers)] = { NULL };
    const guint columns = verbose ? 9 : 7;
    g_autoptr(MdevtoolTable) table = NULL;
    const char *cells[9];
    char group[16];

    /* DRIVER and PATH only with --verbose */
    memcpy(shown_headers, headers, columns * sizeof(char *));
    table = mdevtool_table_new(shown_headers);

    for (guint i = 0; i < devices->len; i++) {
        device_row(g_ptr_array_index(devices, i), group, cells);
        mdevtool_table_measure(table, cells);
    }
    mdevtool_table_print_header(table);
    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);

        device_row(device, group, cells);
        mdevtool_table_print_row(table, cells);
        for (guint a = 0; verbose && a < device->attrs->len; a++) {
            const MdevAttr *attr = g_ptr_array_index(device->attrs, a);
            g_autofree char *line = g_strdup_printf("    [%u] %s=%s", a, attr->name,
                                                    attr->value);
            mdevtool_table_print_note(line);
        }
    }
}

static void
print_json(GPtrArray *devices, gboolean verbose)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_array(b);
    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);

        json_builder_begin_object(b);
        mdevtool_json_add_string(b, "uuid", device->uuid);
        mdevtool_json_add_string(b, "parent", device->parent);
        mdevtool_json_add_string(b, "type", device->type);
        mdevtool_json_add_bool(b, "active", device->active, TRUE);
        mdevtool_json_add_bool(b, "defined", device->defined, TRUE);
        mdevtool_json_add_bool(b, "autostart", device->autostart, device->defined);
        mdevtool_json_add_int(b, "iommu_group", device->iommu_group, device->iommu_group >= 0);
        json_builder_set_member_name(b, "attrs");
        if (device->defined) {
            json_builder_begin_array(b);
            for (guint a = 0; a < device->attrs->len; a++) {
                const MdevAttr *attr = g_ptr_array_index(device->attrs, a);
                json_builder_begin_object(b);
                mdevtool_json_add_string(b, "name", attr->name);
                mdevtool_json_add_string(b, "value", attr->value);
                json_builder_end_object(b);
            }
            json_builder_end_array(b);
        } else {
            json_builder_add_null_value(b);
        }
        mdevtool_json_add_string(b, "path", device->syspath);
        mdevtool_json_add_string(b, "kind", device->address ? "nvidia-vf" : "mdev");
        mdevtool_json_add_string(b, "address", device->address);
        if (verbose)
            mdevtool_json_add_string(b, "driver", device->driver);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    mdevtool_json_print(b);
}

static gboolean
has_definitions(MdevInventory *inv)
{
    for (guint i = 0; i < inv->devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(inv->devices, i);
        if (device->defined)
            return TRUE;
    }
    return FALSE;
}

static gboolean
wanted(const MdevDevice *device, ListMode mode, const char *uuid)
{
    if (uuid && strcmp(device->uuid, uuid) != 0)
        return FALSE;
    switch (mode) {
    case LIST_ACTIVE:
        return device->active;
    case LIST_DEFINED:
        return device->defined;
    default:
        return TRUE;
    }
}

static void
note_empty(ListMode mode, const char *parent, const char *uuid)
{
    if (uuid)
        mdevtool_note(_("no mdev '%s' matches"), uuid);
    else if (mode == LIST_ACTIVE)
        mdevtool_note(_("no mdev is active"));
    else if (mode == LIST_DEFINED)
        mdevtool_note(_("no mdev is defined"));
    else
        mdevtool_note(_("no mdev is active or defined"));
}

MDEVTOOL_CMD(mdevtool_cmd_list)
{
    gboolean defined = FALSE;
    gboolean all = FALSE;
    gboolean verbose = FALSE;
    g_autofree char *parent = NULL;
    g_autofree char *uuid_arg = NULL;
    g_autofree char *uuid = NULL;
    const char *address = NULL;
    guint vgpus = 0;
    const GOptionEntry entries[] = {
        { "defined", 'd', 0, G_OPTION_ARG_NONE, &defined, N_("List the defined mdevs"), NULL },
        { "all", 'a', 0, G_OPTION_ARG_NONE, &all, N_("List active and defined mdevs"), NULL },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent, N_("Only mdevs of this parent"),
          N_("PARENT") },
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_arg, N_("Only this mdev"), N_("UUID") },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          N_("Also show drivers and attributes"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("list", NULL, entries);
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) shown = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) parent_error = NULL;
    MdevHostFlags flags = 0;
    ListMode mode;
    int status;

    g_option_context_set_summary(octx, _("List mdevs: active ones, or with --defined or "
                                         "--all the persistent definitions."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("list", _("unexpected argument '%s'"), argv[1]);
    if (defined && all)
        return mdevtool_usage_error("list", _("--defined and --all exclude each other"));
    mode = all ? LIST_ALL : defined ? LIST_DEFINED : LIST_ACTIVE;

    if (uuid_arg && mdev_nvidia_address_is_valid(uuid_arg)) {
        address = uuid_arg;
    } else if (uuid_arg) {
        uuid = mdev_util_uuid_canonicalize(uuid_arg, &error);
        if (uuid == NULL)
            return mdevtool_fail(error);
    }
    if (parent && !mdev_util_check_name("parent", parent, &error))
        return mdevtool_fail(error);

    if (mode != LIST_ACTIVE)
        flags |= MDEV_HOST_ALL_DEFINITIONS;
    if (verbose)
        flags |= MDEV_HOST_DEVICE_DRIVER;
    flags |= MDEV_HOST_NVIDIA_VF;
    inv = mdev_host_scan(cli->ctx, flags, parent, uuid, NULL, &error);
    if (inv == NULL)
        return mdevtool_fail(error);
    if (parent) {
        /* a named parent must exist, unless definitions wait for it */
        g_autoptr(MdevInventory) check = mdev_discovery_scan(
            cli->ctx,
            MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_NO_TYPES | MDEV_DISCOVERY_NVIDIA_VF, parent,
            &parent_error);
        if (check == NULL && (mode == LIST_ACTIVE || !has_definitions(inv) ||
                              !g_error_matches(parent_error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)))
            return mdevtool_fail_scan(cli, parent_error, parent);
    }

    for (guint i = 0; address == NULL && i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);
        if (wanted(device, mode, uuid))
            g_ptr_array_add(shown, device);
    }
    /* VF vGPUs are always active and have no definitions here */
    for (guint i = 0; uuid == NULL && mode != LIST_DEFINED && i < inv->vgpus->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->vgpus, i);
        if (address == NULL || strcmp(device->address, address) == 0) {
            g_ptr_array_add(shown, device);
            vgpus++;
        }
    }
    if (cli->json)
        print_json(shown, verbose);
    else if (shown->len == 0)
        note_empty(mode, parent, uuid ? uuid : address);
    else
        print_text(shown, verbose, vgpus > 0);
    mdevtool_print_problems(inv->problems);
    return MDEVTOOL_EXIT_OK;
}
