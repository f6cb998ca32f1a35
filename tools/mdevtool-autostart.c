/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdevtool-fleet.h"
#include "mdevtool-lifecycle.h"

#include <glib/gi18n.h>

MDEVTOOL_CMD(mdevtool_cmd_autostart)
{
    g_autofree char *parent = NULL;
    gboolean disable = FALSE;
    g_autofree char *uuid_option = NULL;
    const GOptionEntry entries[] = {
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_option,
          N_("The mdev, instead of the UUID argument"), N_("UUID") },
        { "disable", 0, 0, G_OPTION_ARG_NONE, &disable, N_("Turn autostart off"), NULL },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent,
          N_("Parent, when the mdev is defined on several"), N_("PARENT") },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("autostart", N_("UUID"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    int status;

    g_option_context_set_summary(octx, _("Start a defined mdev whenever its parent appears, "
                                         "or (--disable) only when asked."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    uuid = mdevtool_take_device(cli, "autostart", argc, argv, uuid_option, &parent, &status);
    if (uuid == NULL)
        return status;
    if (cli->uris)
        return mdevtool_fleet_device_op(cli, "autostart", uuid, parent, !disable);
    if (mdev_ops_set_autostart(cli->ctx, uuid, parent, !disable, messages, &error))
        mdevtool_report_change(cli, "autostart", uuid, parent, NULL, !disable);
    return mdevtool_finish(messages, error);
}
