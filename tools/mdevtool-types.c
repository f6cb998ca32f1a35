/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-discovery.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-fleet.h"
#include "mdev-json-out.h"
#include "mdevtool-output.h"
#include "mdev-util.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

/* The cells of one row: a type, or a parent without types (type NULL). */
/* With -c, the first column is the host's URI. */
static void
type_row(const MdevParent *parent, const char *host, const MdevType *type,
         char available[MDEV_UTIL_INT_TEXT_SIZE], const char *cells[7])
{
    if (host)
        *cells++ = host;
    cells[0] = parent->name;
    cells[1] = type ? type->id : NULL;
    cells[2] = NULL;
    if (type && type->available_instances >= 0)
        cells[2] = mdev_util_int_text(type->available_instances, available);
    cells[3] = type ? type->device_api : NULL;
    cells[4] = type ? type->name : NULL;
    cells[5] = type ? type->description : NULL;
}

static void
print_text(GPtrArray *parents, GPtrArray *hosts)
{
    const char *const headers[] = {
        /* TRANSLATORS: column headers of "mdevtool types" */
        _("HOST"), _("PARENT"), _("TYPE"),        _("AVAILABLE"),
        _("API"),  _("NAME"),   _("DESCRIPTION"), NULL,
    };
    g_autoptr(MdevtoolTable) table = mdevtool_table_new(headers + (hosts ? 0 : 1));
    char available[MDEV_UTIL_INT_TEXT_SIZE];
    const char *cells[7];

    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            mdevtool_table_print_header(table);
        for (guint i = 0; i < parents->len; i++) {
            const MdevParent *parent = g_ptr_array_index(parents, i);
            guint n = MAX(parent->types->len, 1);

            for (guint t = 0; t < n; t++) {
                type_row(parent, hosts ? g_ptr_array_index(hosts, i) : NULL,
                         t < parent->types->len ? g_ptr_array_index(parent->types, t) : NULL,
                         available, cells);
                if (pass == 0)
                    mdevtool_table_measure(table, cells);
                else
                    mdevtool_table_print_row(table, cells);
            }
        }
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
        if (hosts)
            mdev_json_out_add_string(b, "host", g_ptr_array_index(hosts, i));
        mdev_json_out_add_string(b, "parent", parent->name);
        mdev_json_out_add_string(b, "kind", mdev_parent_kind_to_string(parent->kind));
        mdev_json_out_add_string(b, "path", parent->syspath);
        mdev_json_out_add_bool(b, "registered", parent->registered, TRUE);
        mdev_json_out_member(b, "types");
        mdev_json_out_begin_array(b);
        for (guint t = 0; t < parent->types->len; t++) {
            const MdevType *type = g_ptr_array_index(parent->types, t);

            mdev_json_out_begin_object(b);
            mdev_json_out_add_string(b, "id", type->id);
            mdev_json_out_add_string(b, "name", type->name);
            mdev_json_out_add_string(b, "description", type->description);
            mdev_json_out_add_string(b, "device_api", type->device_api);
            mdev_json_out_add_int(b, "available_instances", type->available_instances,
                                      type->available_instances >= 0);
            mdev_json_out_end_object(b);
        }
        mdev_json_out_end_array(b);
        mdev_json_out_end_object(b);
    }
    mdev_json_out_end_array(b);
}

MDEVTOOL_CMD(mdevtool_cmd_types)
{
    g_autofree char *parent = NULL;
    const GOptionEntry entries[] = {
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent, N_("Only this parent's types"),
          N_("PARENT") },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("types", NULL, entries);
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GError) error = NULL;
    int status;

    g_option_context_set_summary(octx, _("List the mdev types each parent supports."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("types", _("unexpected argument '%s'"), argv[1]);
    if (cli->uris)
        return mdevtool_fleet_show_parents(cli, parent, print_json, print_text);

    mdevtool_resolve_parent(cli, &parent);
    inv = mdev_discovery_scan(cli->ctx,
                              MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_NO_PARENT_ATTRS |
                                  MDEV_DISCOVERY_NVIDIA_VF,
                              parent, &error);
    if (inv == NULL)
        return mdevtool_fail_scan(cli, error, parent);

    if (cli->json)
        print_json(inv->parents, NULL);
    else if (inv->parents->len == 0)
        mdevtool_note_no_parents();
    else
        print_text(inv->parents, NULL);

    for (guint i = 0; !cli->json && i < inv->parents->len; i++) {
        const MdevParent *p = g_ptr_array_index(inv->parents, i);
        if (!p->registered)
            mdevtool_note(_("parent '%s' is not registered with the mdev core: it has no "
                            "supported types yet"),
                          p->name);
    }
    mdevtool_print_problems(inv->problems);
    return MDEVTOOL_EXIT_OK;
}
