/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdevtool-lifecycle.h"

#include <glib/gi18n.h>

MDEVTOOL_CMD(mdevtool_cmd_undefine)
{
    g_autofree char *parent = NULL;
    gboolean force = FALSE;
    const GOptionEntry entries[] = {
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
    int status;

    g_option_context_set_summary(octx, _("Remove an mdev's definition; a running device "
                                         "keeps running."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    uuid = mdevtool_take_uuid_argument("undefine", argc, argv, &status);
    if (uuid == NULL)
        return status;
    mdev_ops_undefine_full(cli->ctx, uuid, parent, force ? MDEV_OPS_FORCE : MDEV_OPS_NONE, messages,
                           &error);
    return mdevtool_finish(messages, error);
}
