/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl define: store a definition; running devices are not touched. */
#include "mdevctl.h"

#include "mdev-callout.h"
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-lock.h"
#include "mdev-store.h"
#include "mdev-util.h"

#include <stdio.h>

typedef struct {
    gboolean from_jsonfile;
    gboolean running;
} DefineData;

static gboolean
check_not_defined(MdevContext *ctx, const MdevDevice *def, gboolean from_jsonfile, GError **error)
{
    if (!mdev_store_exists(ctx, def->parent, def->uuid))
        return TRUE;
    if (from_jsonfile)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                    "Cowardly refusing to overwrite existing config for %s/%s", def->parent,
                    def->uuid);
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS, "Device %s on %s already defined",
                    def->uuid, def->parent);
    return FALSE;
}

static gboolean
define_primary(MdevContext *ctx, MdevDevice *def, gpointer user_data, GError **error)
{
    DefineData *data = user_data;
    g_autoptr(MdevLock) lock = NULL;

    /* A running device's definition takes the attributes a get-attributes
     * callout reports for it (inside the primary action, as current
     * mdevctl does, so pre sees the definition without them). */
    if (data->running) {
        g_autoptr(MdevCallout) callout = mdev_callout_new(ctx, def);
        g_autoptr(GPtrArray) attrs = mdev_callout_get_attributes(callout, error);

        if (attrs == NULL)
            return FALSE;
        g_ptr_array_unref(def->attrs);
        def->attrs = g_steal_pointer(&attrs);
    }

    lock = mdev_lock_acquire_one(ctx, def->parent, error);
    if (lock == NULL)
        return FALSE;
    if (!check_not_defined(ctx, def, data->from_jsonfile, error))
        return FALSE;
    return mdev_store_save(ctx, def, error);
}

static MdevDevice *
definition_from_jsonfile(const MdevctlArgs *args, const char *uuid, GError **error)
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
    return mdev_json_definition_from_string(text, args->parent, uuid, error);
}

static MdevDevice *
definition_from_options(MdevContext *ctx, const MdevctlArgs *args, const char *uuid,
                        gboolean *ret_running, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevDevice) def = NULL;
    const MdevDevice *running = NULL;
    const char *parent = args->parent;
    const char *type = args->type;

    *ret_running = FALSE;
    if (args->uuid) {
        inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_DEVICES, NULL, NULL);
        running = inv ? mdev_inventory_get_device(inv, args->uuid, NULL) : NULL;
        /* a running device lends its parent and type; -t alone is not
         * enough to find the parent */
        if ((running == NULL || args->type) && args->parent == NULL) {
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                                "No parent specified");
            return NULL;
        }
        if (running) {
            *ret_running = TRUE;
            if (parent == NULL)
                parent = running->parent;
            if (type == NULL)
                type = running->type;
        }
    }
    if (type == NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, "No type specified");
        return NULL;
    }
    def = mdev_device_new(uuid, parent);
    def->type = g_strdup(type);
    def->autostart = mdevctl_args_has(args, MDEVCTL_OPT_AUTO);
    def->defined = TRUE;
    return g_steal_pointer(&def);
}

int
mdevctl_cmd_define(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autofree char *uuid = args->uuid ? g_strdup(args->uuid) : mdev_util_uuid_generate();
    g_autoptr(MdevDevice) def = NULL;
    g_autoptr(GError) error = NULL;
    DefineData data = { 0 };

    if (args->jsonfile) {
        data.from_jsonfile = TRUE;
        def = definition_from_jsonfile(args, uuid, &error);
    } else {
        def = definition_from_options(ctx, args, uuid, &data.running, &error);
    }
    if (def == NULL)
        return mdevctl_fail_error(error);

    /* mdevctl takes any string; these end up as paths below /etc and /sys */
    if (!mdev_util_check_name("parent", def->parent, &error) ||
        !mdev_util_check_name("type", def->type, &error))
        return mdevctl_fail_error(error);
    for (guint i = 0; i < def->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(def->attrs, i);
        if (!mdev_util_check_name("attribute", attr->name, &error))
            return mdevctl_fail_error(error);
    }

    /* checked before the callouts run, and again under the lock */
    if (!check_not_defined(ctx, def, data.from_jsonfile, &error))
        return mdevctl_fail_error(error);
    if (!mdevctl_run_with_callouts(ctx, def, MDEV_CALLOUT_ACTION_DEFINE, define_primary, &data,
                                   &error))
        return mdevctl_fail_error(error);
    if (args->uuid == NULL)
        printf("%s\n", def->uuid);
    return fflush(stdout) == 0 ? MDEVCTL_EXIT_OK : MDEVCTL_EXIT_FAILURE;
}
