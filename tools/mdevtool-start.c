/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-vgpu.h"
#include "mdevtool-fleet.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>

MDEVTOOL_CMD(mdevtool_cmd_start)
{
    g_autofree char *parent = NULL;
    g_autofree char *uuid_option = NULL;
    const GOptionEntry entries[] = {
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_option,
          N_("The mdev, instead of the UUID argument"), N_("UUID") },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent,
          N_("Parent, when the mdev is defined on several"), N_("PARENT") },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("start", N_("UUID"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *type = NULL;
    int status;

    g_option_context_set_summary(octx, _("Start a defined mdev."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    uuid = mdevtool_take_device(cli, "start", argc, argv, uuid_option, &parent, &status);
    if (uuid == NULL)
        return status;
    if (cli->uris)
        return mdevtool_fleet_device_op(cli, "start", uuid, parent, TRUE);
    if (mdev_ops_start(cli->ctx, uuid, parent, messages, &error)) {
        g_autoptr(MdevVgpuDefinition) vgpu = mdev_vgpu_find_definition(cli->ctx, uuid, parent,
                                                                       NULL);
        g_autofree char *address = vgpu ? mdev_vgpu_dup_running_address(cli->ctx, vgpu) : NULL;

        /* a VF vGPU is named by its VF from now on, as create prints it */
        if (address && !cli->json)
            printf("%s\n", address);
        if (vgpu)
            mdevtool_report(cli, "start", uuid, vgpu->card, vgpu->type, NULL, -1);
        else
            mdevtool_report_change(cli, "start", uuid, parent, NULL, -1);
    }
    else if (parent == NULL)
        mdevtool_lookup_device(cli, uuid, NULL, &parent, &type);
    return mdevtool_finish_with_doctor(cli, messages, error, parent);
}
