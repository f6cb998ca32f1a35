/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl list / lsmdev: [-d] [--dumpjson] [-v] [-u UUID] [-p PARENT] */
#include "mdevctl.h"

#include "mdev-callout.h"
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-store.h"
#include "mdev-util.h"

#include <stdio.h>
#include <string.h>

static int
print_list(const GPtrArray *devices, const MdevctlArgs *args, gboolean defined_listing)
{
    g_autofree char *text = NULL;

    if (mdevctl_args_has(args, MDEVCTL_OPT_DUMPJSON))
        /* a UUID that selects one device prints that device's definition */
        text = mdevctl_format_list_json(devices, args->uuid != NULL);
    else
        text = mdevctl_format_list_text(devices, defined_listing,
                                        mdevctl_args_has(args, MDEVCTL_OPT_VERBOSE));
    fputs(text, stdout);
    return fflush(stdout) == 0 ? MDEVCTL_EXIT_OK : MDEVCTL_EXIT_FAILURE;
}

static void
warn_problems(const GPtrArray *problems)
{
    for (guint i = 0; problems && i < problems->len; i++)
        mdevctl_warn("%s", (const char *) g_ptr_array_index(problems, i));
}

/* The stored definitions. A definition that cannot be read is a warning,
 * never a failed listing: libvirt gives up on udev events for good when
 * "mdevctl list" fails while it starts. */
static GPtrArray *
load_definitions(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    GPtrArray *defs;

    defs = mdev_store_load(ctx, args->parent, args->uuid, problems, &error);
    warn_problems(problems);
    if (defs == NULL) {
        mdevctl_warn("%s", error->message);
        defs = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    }
    return defs;
}

static GPtrArray *
load_active(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GError) error = NULL;

    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_DEVICES, args->parent, &error);
    if (inv == NULL) {
        if (!g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
            mdevctl_warn("%s", error->message);
        return g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    }
    warn_problems(inv->problems);
    return g_ptr_array_ref(inv->devices);
}

static const MdevDevice *
find_device(const GPtrArray *devices, const char *uuid, const char *parent)
{
    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *d = g_ptr_array_index(devices, i);

        if (strcmp(d->uuid, uuid) == 0 && (parent == NULL || strcmp(d->parent, parent) == 0))
            return d;
    }
    return NULL;
}

static int
list_active(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) active = load_active(ctx, args);
    g_autoptr(GPtrArray) defs = load_definitions(ctx, args);
    g_autoptr(GPtrArray) shown = g_ptr_array_new();

    for (guint i = 0; i < active->len; i++) {
        MdevDevice *device = g_ptr_array_index(active, i);
        const MdevDevice *def;
        g_autoptr(MdevCallout) callout = NULL;
        g_autoptr(GPtrArray) attrs = NULL;

        if (args->uuid && strcmp(device->uuid, args->uuid) != 0)
            continue;
        if (device->type == NULL)
            continue;
        def = find_device(defs, device->uuid, device->parent);
        device->defined = def != NULL;
        device->autostart = def != NULL && def->autostart;
        /* The running device's attributes are what a get-attributes callout
         * reports; a failing or silent callout means none. */
        callout = mdev_callout_new(ctx, device);
        attrs = mdev_callout_get_attributes(callout, NULL);
        if (attrs) {
            g_clear_pointer(&device->attrs, g_ptr_array_unref);
            device->attrs = g_steal_pointer(&attrs);
        }
        g_ptr_array_add(shown, device);
    }
    return print_list(shown, args, FALSE);
}

static int
list_defined(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) defs = load_definitions(ctx, args);
    g_autoptr(GPtrArray) active = load_active(ctx, args);

    for (guint i = 0; i < defs->len; i++) {
        MdevDevice *def = g_ptr_array_index(defs, i);
        const MdevDevice *running = find_device(active, def->uuid, def->parent);

        /* "(active)" only when the running device is this definition */
        def->active =
            running && running->type && def->type && strcmp(running->type, def->type) == 0;
    }
    return print_list(defs, args, TRUE);
}

int
mdevctl_cmd_list(MdevContext *ctx, const MdevctlArgs *args)
{
    /* a parent name that cannot exist matches nothing */
    if (args->parent && !mdev_util_name_is_valid(args->parent)) {
        g_autoptr(GPtrArray) none = g_ptr_array_new();
        return print_list(none, args, mdevctl_args_has(args, MDEVCTL_OPT_DEFINED));
    }
    if (mdevctl_args_has(args, MDEVCTL_OPT_DEFINED))
        return list_defined(ctx, args);
    return list_active(ctx, args);
}
