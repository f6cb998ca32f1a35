/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host as the commands show it: the active mdevs the kernel has, merged
 * with the definitions of the store. The one place that puts the two
 * together, for the native list, the mdevctl front end's list and the XML
 * of the host. */
#include "mdev-host.h"

#include "mdev-error.h"
#include "mdev-store.h"
#include "mdev-util.h"

#include <string.h>

static void
add_problem(MdevInventory *inv, const GError *error)
{
    g_ptr_array_add(inv->problems, g_strdup(error->message));
}

/* The definitions of the active mdevs only: one lookup per running device
 * is cheaper than reading the whole store when most definitions are for
 * stopped devices or other parents. */
static GPtrArray *
load_active_definitions(MdevContext *ctx, MdevInventory *inv, GPtrArray *problems)
{
    GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);

    for (guint i = 0; i < inv->devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(inv->devices, i);
        g_autoptr(GError) error = NULL;
        MdevDevice *definition = mdev_store_load_one(ctx, device->parent, device->uuid, &error);

        if (definition)
            g_ptr_array_add(found, definition);
        else if (!g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
            g_ptr_array_add(problems, g_strdup(error->message));
    }
    return found;
}

/* The active mdevs among @definitions' UUIDs, each looked up by its bus
 * entry: a listing of definitions costs what the definitions cost, however
 * many other mdevs run. */
static MdevInventory *
scan_defined(MdevContext *ctx, MdevDiscoveryFlags what, const char *parent,
             GPtrArray *definitions, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) uuids = g_ptr_array_new();
    MdevInventory *inv;

    for (guint i = 0; i < definitions->len; i++) {
        const MdevDevice *definition = g_ptr_array_index(definitions, i);

        if (g_hash_table_add(seen, definition->uuid))
            g_ptr_array_add(uuids, definition->uuid);
    }
    g_ptr_array_add(uuids, NULL);
    inv = mdev_discovery_scan_uuids(ctx, what & MDEV_DISCOVERY_DEVICE_DRIVER,
                                    (const char *const *) uuids->pdata, error);
    for (guint i = inv && parent ? inv->devices->len : 0; i > 0; i--) {
        const MdevDevice *device = g_ptr_array_index(inv->devices, i - 1);

        if (strcmp(device->parent, parent) != 0)
            g_ptr_array_remove_index(inv->devices, i - 1);
    }
    return inv;
}

/* Every definition (of @parent, of @uuid). A store that cannot be read is
 * an error, or when @flags tolerate it, no definitions and @ret_unreadable. */
static GPtrArray *
load_definitions(MdevContext *ctx, MdevHostFlags flags, const char *parent, const char *uuid,
                 GPtrArray *problems, GError **ret_unreadable, GError **error)
{
    GError *local = NULL;
    GPtrArray *definitions = mdev_store_load(ctx, parent, uuid, problems, &local);

    if (definitions)
        return definitions;
    if (!(flags & MDEV_HOST_TOLERANT)) {
        g_propagate_error(error, local);
        return NULL;
    }
    *ret_unreadable = local;
    return g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
}

static void
keep_uuid(GPtrArray *devices, const char *uuid)
{
    for (guint i = devices->len; i > 0; i--) {
        const MdevDevice *device = g_ptr_array_index(devices, i - 1);

        if (strcmp(device->uuid, uuid) != 0)
            g_ptr_array_remove_index(devices, i - 1);
    }
}

/**
 * mdev_host_scan:
 * @ctx: a context
 * @flags: what to read
 * @parent: (nullable): only this parent's mdevs and definitions; a parent
 *   that is not present has no active mdevs, but may have definitions
 * @uuid: (nullable): only the mdevs and definitions with this canonical UUID
 * @ret_definitions: (out) (optional) (transfer full) (element-type MdevDevice):
 *   the definitions as stored, for callers that need a definition's own type
 *   where the running device has another
 * @error: return location for a #GError
 *
 * Scans sysfs and the store and merges them with
 * mdev_inventory_add_definitions(): an active mdev with a definition is one
 * record, marked defined. The store's problems (malformed definitions)
 * follow the scan's in the inventory's problems.
 *
 * Returns: (transfer full): the inventory, or %NULL
 */
MdevInventory *
mdev_host_scan(MdevContext *ctx, MdevHostFlags flags, const char *parent, const char *uuid,
               GPtrArray **ret_definitions, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) definitions = NULL;
    g_autoptr(GPtrArray) store_problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) local = NULL;
    g_autoptr(GError) unreadable = NULL;
    MdevDiscoveryFlags what = MDEV_DISCOVERY_DEVICES;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    /* the filters enter the library here */
    if ((parent && !mdev_util_check_name("parent", parent, &local)) ||
        (uuid && !mdev_util_check_uuid(uuid, &local))) {
        if (!(flags & MDEV_HOST_TOLERANT)) {
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
        inv = mdev_inventory_new();
        add_problem(inv, local);
        if (ret_definitions)
            *ret_definitions = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
        return g_steal_pointer(&inv);
    }

    if (flags & MDEV_HOST_PARENTS)
        what |= MDEV_DISCOVERY_PARENTS;
    if (flags & MDEV_HOST_DEVICE_DRIVER)
        what |= MDEV_DISCOVERY_DEVICE_DRIVER;
    if (flags & MDEV_HOST_NVIDIA_VF)
        what |= MDEV_DISCOVERY_NVIDIA_VF;
    if (flags & MDEV_HOST_DEFINED_ONLY) {
        g_return_val_if_fail(!(flags & MDEV_HOST_PARENTS), NULL);
        definitions = load_definitions(ctx, flags, parent, uuid, store_problems, &unreadable,
                                       error);
        if (definitions == NULL)
            return NULL;
        if (flags & MDEV_HOST_STORE_ONLY)
            inv = mdev_inventory_new();
        else
            inv = scan_defined(ctx, what, parent, definitions, &local);
    } else {
        inv = mdev_discovery_scan(ctx, what, parent, &local);
    }
    if (inv == NULL) {
        /* an absent parent has nothing running; its definitions remain */
        if (!(parent && g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)) &&
            !(flags & MDEV_HOST_TOLERANT)) {
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
        inv = mdev_inventory_new();
        if (!g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
            add_problem(inv, local);
        g_clear_error(&local);
    }
    if (uuid)
        keep_uuid(inv->devices, uuid);

    if (flags & MDEV_HOST_DEFINED_ONLY) {
        /* read above */
    } else if (flags & MDEV_HOST_ALL_DEFINITIONS) {
        definitions = load_definitions(ctx, flags, parent, uuid, store_problems, &unreadable,
                                       error);
        if (definitions == NULL)
            return NULL;
    } else {
        definitions = load_active_definitions(ctx, inv, store_problems);
    }
    if (unreadable)
        add_problem(inv, unreadable);
    mdev_inventory_add_definitions(inv, definitions);
    for (guint i = 0; i < store_problems->len; i++)
        g_ptr_array_add(inv->problems, g_strdup(g_ptr_array_index(store_problems, i)));
    if (ret_definitions)
        *ret_definitions = g_steal_pointer(&definitions);
    return g_steal_pointer(&inv);
}
