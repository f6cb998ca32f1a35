/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdevtool-fleet.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>

MDEVTOOL_CMD(mdevtool_cmd_undefine)
{
    g_autofree char *parent = NULL;
    g_autofree char *uuid_option = NULL;
    gboolean force = FALSE;
    const GOptionEntry entries[] = {
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_option,
          N_("The mdev, instead of the UUID argument"), N_("UUID") },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent,
          N_("Only the definition on this parent (default: all of the UUID's)"), N_("PARENT") },
        { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
          N_("Undefine the device even when a process holds it"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("undefine", N_("UUID"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *where = NULL;
    g_autofree char *type = NULL;
    int status;

    g_option_context_set_summary(octx, _("Remove an mdev's definition; a running device "
                                         "keeps running."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    uuid = mdevtool_take_device(cli, "undefine", argc, argv, uuid_option, &parent, &status);
    if (uuid == NULL)
        return status;
    if (cli->uris)
        return mdevtool_fleet_device_op(cli, "undefine", uuid, parent, FALSE);
    /* afterwards the mdev may be gone: what it was is looked up first */
    if (mdevtool_report_wanted(cli))
        mdevtool_lookup_device(cli, uuid, parent, &where, &type);
    if (mdev_ops_undefine_full(cli->ctx, uuid, parent, force ? MDEV_OPS_FORCE : MDEV_OPS_NONE,
                               messages, &error))
        mdevtool_report(cli, "undefine", uuid, where, type, NULL, -1);
    return mdevtool_finish(messages, error);
}
