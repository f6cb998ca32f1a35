/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl stop: remove a running device; its definition stays. */
#include "mdevctl.h"

#include "mdev-error.h"
#include "mdev-ops.h"

#include <stdio.h>

int
mdevctl_cmd_stop(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    gboolean ok;

    ok = mdev_ops_stop(ctx, args->uuid, messages, &error);
    for (guint i = 0; i < messages->len; i++)
        fprintf(stderr, "%s\n", (const char *) g_ptr_array_index(messages, i));
    if (ok)
        return MDEVCTL_EXIT_OK;
    /* current mdevctl's words for a device that does not run */
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE))
        return mdevctl_fail(error->message, "Device must have a defined mdev_type");
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_CALLOUT))
        return mdevctl_fail_error(error);
    return mdevctl_fail(error->message, "Error removing device %s", args->uuid);
}
