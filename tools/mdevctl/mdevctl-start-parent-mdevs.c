/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl start-parent-mdevs PARENT: what the udev rule runs when a parent
 * appears. Devices already running are skipped, the order is sorted and one
 * bad definition does not stop the others (all unlike mdevctl). Failures are
 * warnings: the udev rule has nobody to report an exit status to. */
#include "mdevctl.h"

#include "mdev-ops.h"
#include "mdev-util.h"

int
mdevctl_cmd_start_parent_mdevs(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;

    /* no definitions can exist for a name that is not a path component */
    if (!mdev_util_name_is_valid(args->positional))
        return MDEVCTL_EXIT_OK;
    if (!mdev_ops_start_parent(ctx, args->positional, NULL, NULL, messages, &error))
        g_ptr_array_add(messages, g_strdup(error->message));
    for (guint i = 0; i < messages->len; i++)
        mdevctl_warn("%s", (const char *) g_ptr_array_index(messages, i));
    return MDEVCTL_EXIT_OK;
}
