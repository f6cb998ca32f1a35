/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl modify: change a stored definition. Accepts mdevctl 1.2.0's forms
 * (any combination of -t, --auto/--manual and one attribute change, or none)
 * and current mdevctl's --jsonfile, --defined and --live. The change itself
 * is mdev_ops_modify()'s, which reads the definition under the lock. */
#include "mdevctl.h"

#include "mdev-callout.h"
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-ops.h"
#include "mdev-store.h"

#include <stdio.h>
#include <string.h>

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

/* mdevctl's message for a bad index lists the attributes there are */
static int
fail_index(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) defs = mdev_store_load(ctx, args->parent, args->uuid, NULL, NULL);
    g_autofree char *listing = NULL;

    if (defs && defs->len == 1)
        listing = describe_attrs(g_ptr_array_index(defs, 0));
    else
        listing = g_strdup_printf("Device %s has no attributes", args->uuid);
    return mdevctl_fail(NULL, "Attribute index %u is invalid\n%s", args->index, listing);
}

static gboolean
is_defined(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) parents = mdev_store_find_parents(ctx, args->uuid, NULL);

    for (guint i = 0; parents && i < parents->len; i++) {
        if (args->parent == NULL || strcmp(args->parent, g_ptr_array_index(parents, i)) == 0)
            return TRUE;
    }
    return FALSE;
}

static int
fail_modify(MdevContext *ctx, const MdevctlArgs *args, const GError *error)
{
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_OUT_OF_RANGE))
        return fail_index(ctx, args);
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS))
        return mdevctl_fail(NULL, "Multiple definitions found for %s, specify a parent",
                            args->uuid);
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND) && !is_defined(ctx, args)) {
        if (args->parent)
            return mdevctl_fail(NULL, "Mediated device %s/%s is not defined", args->parent,
                                args->uuid);
        return mdevctl_fail(NULL, "Mediated device %s is not defined", args->uuid);
    }
    return mdevctl_fail_error(error);
}

static int
run_modify(MdevContext *ctx, const MdevctlArgs *args, const MdevModification *mod)
{
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    gboolean ok;

    ok = mdev_ops_modify(ctx, args->uuid, args->parent, mod, messages, &error);
    mdevctl_print_messages(messages);
    if (!ok)
        return fail_modify(ctx, args, error);
    return MDEVCTL_EXIT_OK;
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
    mdevctl_print_messages(mdev_callout_get_messages(callout));
    if (!ok && g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
        return mdevctl_fail(error->message, "No callout script with version support found that "
                                            "supports live modify");
    if (!ok)
        return mdevctl_fail_error(error);

    if (mdevctl_args_has(args, MDEVCTL_OPT_DEFINED)) {
        MdevModification mod = MDEV_MODIFICATION_INIT;

        mod.replace = def;
        return run_modify(ctx, args, &mod);
    }
    return MDEVCTL_EXIT_OK;
}

int
mdevctl_cmd_modify(MdevContext *ctx, const MdevctlArgs *args)
{
    MdevModification mod = MDEV_MODIFICATION_INIT;
    g_autoptr(MdevDevice) def = NULL;
    g_autoptr(GError) error = NULL;
    gboolean has_index = mdevctl_args_has(args, MDEVCTL_OPT_INDEX);

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
        mod.replace = def;
        return run_modify(ctx, args, &mod);
    }

    mod.type = args->type;
    if (mdevctl_args_has(args, MDEVCTL_OPT_AUTO))
        mod.autostart = 1;
    if (mdevctl_args_has(args, MDEVCTL_OPT_MANUAL))
        mod.autostart = 0;
    mod.add_attr = args->addattr;
    mod.add_value = args->value;
    mod.del_attr = mdevctl_args_has(args, MDEVCTL_OPT_DELATTR);
    mod.index = has_index ? (gint64) args->index : -1;
    return run_modify(ctx, args, &mod);
}
