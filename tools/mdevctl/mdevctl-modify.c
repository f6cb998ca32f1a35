/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl modify: change a stored definition. Accepts mdevctl 1.2.0's forms
 * (any combination of -t, --auto/--manual and one attribute change, or none)
 * and current mdevctl's --jsonfile, --defined and --live. */
#include "mdevctl.h"

#include "mdev-callout.h"
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-lock.h"
#include "mdev-store.h"
#include "mdev-util.h"

#include <stdio.h>
#include <string.h>

static gboolean
modify_primary(MdevContext *ctx, MdevDevice *def, gpointer data, GError **error)
{
    g_autoptr(MdevLock) lock = mdev_lock_acquire_one(ctx, def->parent, error);

    if (lock == NULL)
        return FALSE;
    return mdev_store_save(ctx, def, error);
}

static char *
describe_attrs(const MdevDevice *def)
{
    GString *out;

    if (def->attrs->len == 0)
        return g_strdup_printf("Device %s has no attributes", def->uuid);
    out = g_string_new("Attrs:");
    for (guint i = 0; i < def->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(def->attrs, i);
        g_string_append_printf(out, "\n  @{%u}: {\"%s\":\"%s\"}", i, attr->name, attr->value);
    }
    return g_string_free(out, FALSE);
}

static gboolean
apply_options(MdevDevice *def, const MdevctlArgs *args, GError **error)
{
    gboolean has_index = mdevctl_args_has(args, MDEVCTL_OPT_INDEX);

    if (args->type) {
        g_free(def->type);
        def->type = g_strdup(args->type);
    }
    if (mdevctl_args_has(args, MDEVCTL_OPT_AUTO))
        def->autostart = TRUE;
    if (mdevctl_args_has(args, MDEVCTL_OPT_MANUAL))
        def->autostart = FALSE;
    if (args->addattr) {
        guint index = has_index ? args->index : def->attrs->len;

        if (index > def->attrs->len) {
            g_autofree char *listing = describe_attrs(def);
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        "Attribute index %u is invalid\n%s", args->index, listing);
            return FALSE;
        }
        g_ptr_array_insert(def->attrs, (gint) index, mdev_attr_new(args->addattr, args->value));
    }
    if (mdevctl_args_has(args, MDEVCTL_OPT_DELATTR) && def->attrs->len > 0) {
        guint index = has_index ? args->index : def->attrs->len - 1;

        if (index >= def->attrs->len) {
            g_autofree char *listing = describe_attrs(def);
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        "Attribute index %u is invalid\n%s", args->index, listing);
            return FALSE;
        }
        g_ptr_array_remove_index(def->attrs, index);
    } else if (mdevctl_args_has(args, MDEVCTL_OPT_DELATTR) && has_index) {
        g_autofree char *listing = describe_attrs(def);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    "Attribute index %u is invalid\n%s", args->index, listing);
        return FALSE;
    }
    return TRUE;
}

/* HEAD mdevctl's modify --live: the JSON file goes to the running device
 * through the versioned callout script that handles the "live" event; with
 * --defined the stored definition follows, once the script succeeded. */
static int
modify_live(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevDevice) def = NULL;
    g_autoptr(MdevCallout) callout = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    const MdevDevice *running;
    gboolean ok;

    if (mdevctl_args_has(args, MDEVCTL_OPT_AUTO) || mdevctl_args_has(args, MDEVCTL_OPT_MANUAL))
        return mdevctl_fail(NULL, "'auto' cannot be changed on active mdev");
    if (args->jsonfile == NULL)
        return mdevctl_fail(NULL, "'live' option must be used with 'jsonfile' option");
    if (args->parent == NULL)
        return mdevctl_fail(NULL, "Parent device required to modify device via json file");
    text = mdevctl_read_jsonfile(args->jsonfile, "file", &error);
    if (text)
        def = mdev_json_definition_from_string(text, args->parent, args->uuid, &error);
    if (def == NULL)
        return mdevctl_fail_error(error);
    for (guint i = 0; i < def->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(def->attrs, i);
        if (!mdev_util_check_name("attribute", attr->name, &error))
            return mdevctl_fail_error(error);
    }

    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_DEVICES, NULL, NULL);
    running = inv ? mdev_inventory_get_device(inv, args->uuid, NULL) : NULL;
    if (running == NULL || !running->active)
        return mdevctl_fail(NULL, "Mediated device %s is not active", args->uuid);
    if (strcmp(running->parent, def->parent) != 0)
        return mdevctl_fail(NULL, "'parent' cannot be changed on active mdev");
    if (g_strcmp0(running->type, def->type) != 0)
        return mdevctl_fail(NULL, "'type' cannot be changed on active mdev");
    if (mdevctl_args_has(args, MDEVCTL_OPT_DEFINED)) {
        g_autoptr(MdevDevice) stored = mdev_store_load_one(ctx, def->parent, def->uuid, NULL);

        if (stored == NULL)
            return mdevctl_fail(NULL, "Mediated device %s/%s is not defined", def->parent,
                                def->uuid);
        if (strcmp(stored->type, def->type) != 0)
            return mdevctl_fail(NULL, "'type' of active and defined mdev does not match");
    }

    callout = mdev_callout_new(ctx, def);
    ok = mdev_callout_live(callout, &error);
    mdevctl_print_callout_messages(callout);
    if (!ok && g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
        return mdevctl_fail(error->message, "No callout script with version support found that "
                                            "supports live modify");
    if (!ok)
        return mdevctl_fail_error(error);

    if (mdevctl_args_has(args, MDEVCTL_OPT_DEFINED) &&
        !mdevctl_run_with_callouts(ctx, def, MDEV_CALLOUT_ACTION_MODIFY, modify_primary, NULL,
                                   &error))
        return mdevctl_fail_error(error);
    return MDEVCTL_EXIT_OK;
}

int
mdevctl_cmd_modify(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = NULL;
    g_autoptr(MdevDevice) def = NULL;
    g_autoptr(GError) error = NULL;

    if (mdevctl_args_has(args, MDEVCTL_OPT_LIVE))
        return modify_live(ctx, args);

    if (args->jsonfile) {
        g_autofree char *text = NULL;

        /* as in current mdevctl, the definition need not exist yet */
        if (args->parent == NULL)
            return mdevctl_fail(NULL, "Parent device required to modify device via json file");
        text = mdevctl_read_jsonfile(args->jsonfile, "file", &error);
        if (text)
            def = mdev_json_definition_from_string(text, args->parent, args->uuid, &error);
        if (def == NULL)
            return mdevctl_fail_error(error);
    } else {
        defs = mdev_store_load(ctx, args->parent, args->uuid, problems, &error);
        if (defs == NULL)
            return mdevctl_fail_error(error);
        for (guint i = 0; i < problems->len; i++)
            mdevctl_warn("%s", (const char *) g_ptr_array_index(problems, i));
        if (defs->len == 0) {
            if (args->parent)
                return mdevctl_fail(NULL, "Mediated device %s/%s is not defined", args->parent,
                                    args->uuid);
            return mdevctl_fail(NULL, "Mediated device %s is not defined", args->uuid);
        }
        if (defs->len > 1)
            return mdevctl_fail(NULL, "Multiple definitions found for %s, specify a parent",
                                args->uuid);
        def = mdevctl_device_copy(g_ptr_array_index(defs, 0));
        if (!apply_options(def, args, &error))
            return mdevctl_fail_error(error);
    }

    if (!mdev_util_check_name("type", def->type, &error))
        return mdevctl_fail_error(error);
    for (guint i = 0; i < def->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(def->attrs, i);
        if (!mdev_util_check_name("attribute", attr->name, &error))
            return mdevctl_fail_error(error);
    }
    if (!mdevctl_run_with_callouts(ctx, def, MDEV_CALLOUT_ACTION_MODIFY, modify_primary, NULL,
                                   &error))
        return mdevctl_fail_error(error);
    return MDEVCTL_EXIT_OK;
}
