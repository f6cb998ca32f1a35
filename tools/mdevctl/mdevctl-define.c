/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl define: store a definition; running devices are not touched. The
 * definition is made by mdev_ops_define(); this file turns mdevctl's options
 * into its arguments and its errors into mdevctl's messages. */
#include "mdevctl.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-ops.h"

#include <stdio.h>

static MdevDevice *
definition_from_jsonfile(const MdevctlArgs *args, GError **error)
{
    g_autofree char *text = NULL;

    if (args->parent == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    "Parent device required to define device via \"%s\"", args->jsonfile);
        return NULL;
    }
    text = mdevctl_read_jsonfile(args->jsonfile, "file", error);
    if (text == NULL)
        return NULL;
    return mdev_json_definition_from_string(text, args->parent, args->uuid, error);
}

/* The parent a definition of @uuid went to when none was named: the
 * running device's. */
static char *
running_parent(MdevContext *ctx, const char *uuid)
{
    g_autoptr(MdevInventory) inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_DEVICES, NULL, NULL);
    const MdevDevice *running = inv ? mdev_inventory_get_device(inv, uuid, NULL) : NULL;

    return running ? g_strdup(running->parent) : NULL;
}

static int
fail_define(MdevContext *ctx, const MdevctlArgs *args, const GError *error)
{
    g_autofree char *running = NULL;

    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_EXISTS) && args->jsonfile)
        return mdevctl_fail(NULL, "Cowardly refusing to overwrite existing config for %s/%s",
                            args->parent, args->uuid);
    if (args->uuid)
        running = running_parent(ctx, args->uuid);
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_EXISTS) && args->parent)
        return mdevctl_fail(NULL, "Device %s on %s already defined", args->uuid, args->parent);
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_EXISTS))
        return mdevctl_fail(NULL, "Device %s on %s already defined", args->uuid,
                            running ? running : "?");
    /* a UUID that does not run lends neither parent nor type */
    if (args->uuid && args->jsonfile == NULL && args->type == NULL && running == NULL &&
        g_error_matches(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT))
        return mdevctl_fail(NULL, "No parent specified");
    return mdevctl_fail_error(error);
}

int
mdevctl_cmd_define(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(MdevDevice) def = NULL;
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    const char *type = args->type;
    gboolean autostart = mdevctl_args_has(args, MDEVCTL_OPT_AUTO);
    GPtrArray *attrs = NULL;
    MdevOpsFlags flags = MDEV_OPS_TYPE_AS_GIVEN;

    if (args->jsonfile) {
        def = definition_from_jsonfile(args, &error);
        if (def == NULL)
            return mdevctl_fail_error(error);
        type = def->type;
        autostart = def->autostart;
        attrs = def->attrs;
        flags |= MDEV_OPS_IGNORE_RUNNING;
    } else if (args->uuid) {
        /* -t alone is not enough to find the parent */
        if (args->type && args->parent == NULL)
            return mdevctl_fail(NULL, "No parent specified");
        flags |= MDEV_OPS_RUNNING_ATTRIBUTES;
    } else if (args->type == NULL) {
        return mdevctl_fail(NULL, "No type specified");
    } else if (args->parent == NULL) {
        return mdevctl_fail(NULL, "No parent specified");
    }

    uuid = mdev_ops_define(ctx, args->parent, type, args->uuid, autostart, attrs,
                           MDEV_PLACEMENT_PACK, flags, NULL, NULL, messages, &error);
    mdevctl_print_messages(messages);
    if (uuid == NULL)
        return fail_define(ctx, args, error);
    if (args->uuid == NULL)
        printf("%s\n", uuid);
    return fflush(stdout) == 0 ? MDEVCTL_EXIT_OK : MDEVCTL_EXIT_FAILURE;
}
