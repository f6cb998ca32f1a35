/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl undefine: remove the definitions of a UUID. */
#include "mdevctl.h"

#include "mdev-callout.h"
#include "mdev-error.h"
#include "mdev-lock.h"
#include "mdev-store.h"

#include <stdio.h>

static gboolean
undefine_primary(MdevContext *ctx, MdevDevice *def, gpointer data, GError **error)
{
    g_autoptr(MdevLock) lock = mdev_lock_acquire_one(ctx, def->parent, error);

    if (lock == NULL)
        return FALSE;
    return mdev_store_remove(ctx, def->parent, def->uuid, error);
}

int
mdevctl_cmd_undefine(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autoptr(GError) error = NULL;
    gboolean failed = FALSE;

    defs = mdev_store_load(ctx, args->parent, args->uuid, problems, &error);
    if (defs == NULL)
        return mdevctl_fail_error(error);
    for (guint i = 0; i < problems->len; i++)
        mdevctl_warn("%s", (const char *) g_ptr_array_index(problems, i));
    if (defs->len == 0)
        return mdevctl_fail(NULL, "No devices match the specified uuid");

    /* Every definition is tried; a veto or failure for one is reported,
     * and the command fails at the end (mdevctl 1.2.0 exits 0 here). */
    for (guint i = 0; i < defs->len; i++) {
        MdevDevice *def = g_ptr_array_index(defs, i);
        g_autoptr(GError) local = NULL;

        if (!mdevctl_run_with_callouts(ctx, def, MDEV_CALLOUT_ACTION_UNDEFINE, undefine_primary,
                                       NULL, &local)) {
            mdevctl_warn("Undefine of %s on parent %s failed with error: %s", def->uuid,
                         def->parent, local->message);
            failed = TRUE;
        }
    }
    if (failed)
        return mdevctl_fail(NULL, "Undefine failed");
    return MDEVCTL_EXIT_OK;
}
