/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl types [-p PARENT] [--dumpjson] */
#include "mdevctl.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-util.h"

#include <stdio.h>

static int
print_types(const GPtrArray *parents, gboolean json)
{
    g_autofree char *text =
        json ? mdevctl_format_types_json(parents) : mdevctl_format_types_text(parents);

    fputs(text, stdout);
    return fflush(stdout) == 0 ? MDEVCTL_EXIT_OK : MDEVCTL_EXIT_FAILURE;
}

/* mdevctl aborts the whole listing when one type lacks device_api or a
 * readable available_instances; here such a type is left out with a
 * warning and the others are still shown. */
static void
drop_incomplete_types(MdevParent *parent)
{
    for (guint i = parent->types->len; i > 0; i--) {
        const MdevType *type = g_ptr_array_index(parent->types, i - 1);

        if (type->device_api == NULL || type->available_instances < 0)
            g_ptr_array_remove_index(parent->types, i - 1);
    }
}

int
mdevctl_cmd_types(MdevContext *ctx, const MdevctlArgs *args)
{
    gboolean json = mdevctl_args_has(args, MDEVCTL_OPT_DUMPJSON);
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) shown = g_ptr_array_new();
    g_autoptr(GError) error = NULL;

    /* An unknown parent is an empty listing for mdevctl, not an error. */
    if (args->parent && !mdev_util_name_is_valid(args->parent))
        return print_types(shown, json);

    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_NO_PARENT_ATTRS,
                              args->parent, &error);
    if (inv == NULL) {
        if (args->parent && g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
            return print_types(shown, json);
        return mdevctl_fail_error(error);
    }
    for (guint i = 0; i < inv->problems->len; i++)
        mdevctl_warn("%s", (const char *) g_ptr_array_index(inv->problems, i));

    for (guint i = 0; i < inv->parents->len; i++) {
        MdevParent *parent = g_ptr_array_index(inv->parents, i);

        /* mdevctl lists what /sys/class/mdev_bus lists: registered parents */
        if (!parent->registered)
            continue;
        drop_incomplete_types(parent);
        g_ptr_array_add(shown, parent);
    }
    return print_types(shown, json);
}
