/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-nvidia.h"
#include "mdev-vgpu.h"
#include "mdevtool-fleet.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>

MDEVTOOL_CMD(mdevtool_cmd_stop)
{
    g_autofree char *uuid_option = NULL;
    gboolean force = FALSE;
    const GOptionEntry entries[] = {
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_option,
          N_("The mdev, instead of the UUID argument"), N_("UUID") },
        { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
          N_("Remove the device even when a process holds it"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("stop", N_("UUID"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *where = NULL;
    g_autofree char *type = NULL;
    int status;

    g_option_context_set_summary(octx, _("Remove an active mdev; its definition stays."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    /* an NVIDIA VF vGPU is named by its VF's address */
    if (cli->uris == NULL && uuid_option == NULL && argc == 2 &&
        mdev_nvidia_address_is_valid(argv[1])) {
        mdev_vgpu_stop_full(cli->ctx, argv[1], force, messages, &error);
        return mdevtool_finish(messages, error);
    }
    uuid = mdevtool_take_device(cli, "stop", argc, argv, uuid_option, NULL, &status);
    if (uuid == NULL)
        return status;
    if (cli->uris)
        return mdevtool_fleet_device_op(cli, "stop", uuid, NULL, FALSE);
    /* afterwards the mdev may be gone: what it was is looked up first */
    if (mdevtool_report_wanted(cli))
        mdevtool_lookup_device(cli, uuid, NULL, &where, &type);
    if (mdev_ops_stop_full(cli->ctx, uuid, force ? MDEV_OPS_FORCE : MDEV_OPS_NONE, messages,
                           &error))
        mdevtool_report(cli, "stop", uuid, where, type, NULL, -1);
    return mdevtool_finish(messages, error);
}
