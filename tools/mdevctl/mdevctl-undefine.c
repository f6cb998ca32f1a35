/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl undefine: remove the definitions of a UUID, each one through
 * mdev_ops_undefine_full(), so that one parent's veto or failure is reported
 * with its parent and the others are still removed. */
#include "mdevctl.h"

#include "mdev-error.h"
#include "mdev-ops.h"
#include "mdev-store.h"

#include <string.h>

int
mdevctl_cmd_undefine(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) parents = NULL;
    g_autoptr(GError) error = NULL;
    gboolean failed = FALSE;
    guint matched = 0;

    parents = mdev_store_find_parents(ctx, args->uuid, &error);
    if (parents == NULL)
        return mdevctl_fail_error(error);

    /* mdevctl 1.2.0 exits 0 after a failure here; current mdevctl fails at
     * the end */
    for (guint i = 0; i < parents->len; i++) {
        const char *parent = g_ptr_array_index(parents, i);
        g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GError) local = NULL;

        if (args->parent && strcmp(args->parent, parent) != 0)
            continue;
        matched++;
        /* mdevctl leaves a running device alone here, whoever holds it:
         * libvirt's nodedev-undefine of a device in use makes it transient */
        if (!mdev_ops_undefine_full(ctx, args->uuid, parent, MDEV_OPS_FORCE, messages, &local)) {
            mdevctl_print_messages(messages);
            mdevctl_warn("Undefine of %s on parent %s failed with error: %s", args->uuid, parent,
                         local->message);
            failed = TRUE;
            continue;
        }
        mdevctl_print_messages(messages);
    }
    if (matched == 0)
        return mdevctl_fail(NULL, "No devices match the specified uuid");
    if (failed)
        return mdevctl_fail(NULL, "Undefine failed");
    return MDEVCTL_EXIT_OK;
}
