/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-nvidia.h"
#include "mdev-vgpu.h"
#include "mdevtool-lifecycle.h"

#include <glib/gi18n.h>

MDEVTOOL_CMD(mdevtool_cmd_stop)
{
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("stop", N_("UUID"), NULL);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    int status;

    g_option_context_set_summary(octx, _("Remove an active mdev; its definition stays."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    /* an NVIDIA VF vGPU is named by its VF's address */
    if (argc == 2 && mdev_nvidia_address_is_valid(argv[1])) {
        mdev_vgpu_stop(cli->ctx, argv[1], messages, &error);
        return mdevtool_finish(messages, error);
    }
    uuid = mdevtool_take_uuid_argument("stop", argc, argv, &status);
    if (uuid == NULL)
        return status;
    mdev_ops_stop(cli->ctx, uuid, messages, &error);
    return mdevtool_finish(messages, error);
}
