/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl list / lsmdev: [-d] [--dumpjson] [-v] [-u UUID] [-p PARENT] */
#include "mdevctl.h"

#include "mdev-callout.h"
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-host.h"
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

/* The host, with every stored definition. What cannot be read is a
 * warning, never a failed listing: libvirt gives up on udev events for
 * good when "mdevctl list" fails while it starts. */
static MdevInventory *
scan(MdevContext *ctx, MdevHostFlags flags, const MdevctlArgs *args,
     GPtrArray **ret_definitions)
{
    g_autoptr(GError) error = NULL;
    MdevInventory *inv;

    inv = mdev_host_scan(ctx, flags | MDEV_HOST_TOLERANT, args->parent, args->uuid,
                         ret_definitions, &error);
    g_assert(inv != NULL);
    warn_problems(inv->problems);
    return inv;
}

static int
list_active(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(MdevInventory) inv = scan(ctx, MDEV_HOST_ALL_DEFINITIONS, args, NULL);
    g_autoptr(GPtrArray) shown = g_ptr_array_new();

    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);
        g_autoptr(MdevCallout) callout = NULL;
        g_autoptr(GPtrArray) attrs = NULL;

        if (!device->active || device->type == NULL)
            continue;
        /* The running device's attributes are what a get-attributes callout
         * reports; a failing or silent callout means none. */
        callout = mdev_callout_new(ctx, device);
        attrs = mdev_callout_get_attributes(callout, NULL);
        g_ptr_array_unref(device->attrs);
        device->attrs = attrs ? g_steal_pointer(&attrs) : mdev_attr_array_new();
        g_ptr_array_add(shown, device);
    }
    return print_list(shown, args, FALSE);
}

static int
list_defined(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(GPtrArray) defs = NULL;
    /* What libvirt runs on every change of the store: only the defined
     * UUIDs are looked up in sysfs, and for the JSON, which does not say
     * whether they run, none. */
    MdevHostFlags flags = MDEV_HOST_DEFINED_ONLY;
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GHashTable) running_by_uuid = g_hash_table_new(g_str_hash, g_str_equal);

    if (mdevctl_args_has(args, MDEVCTL_OPT_DUMPJSON))
        flags |= MDEV_HOST_STORE_ONLY;
    inv = scan(ctx, flags, args, &defs);
    /* the kernel keeps UUIDs unique among running mdevs: one lookup each,
     * not a walk of the inventory per definition */
    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);

        if (device->active)
            g_hash_table_insert(running_by_uuid, device->uuid, device);
    }
    for (guint i = 0; i < defs->len; i++) {
        MdevDevice *def = g_ptr_array_index(defs, i);
        const MdevDevice *running = g_hash_table_lookup(running_by_uuid, def->uuid);

        /* "(active)" only when the running device is this definition */
        def->active = running && strcmp(running->parent, def->parent) == 0 && running->type &&
                      def->type && strcmp(running->type, def->type) == 0;
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
