/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-gc.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-hook.h"
#include "mdev-ops.h"
#include "mdev-store.h"
#include "mdev-use.h"

#include <glib/gi18n-lib.h>

void
mdev_gc_entry_free(MdevGcEntry *entry)
{
    if (entry == NULL)
        return;
    mdev_device_free(entry->device);
    g_free(entry->claimant);
    g_clear_error(&entry->error);
    g_free(entry);
}

/* Every claim a domain has on a device, UUID -> domain name: the devices
 * of libvirt's persistent and running domains. The one place gc learns
 * about domains. */
static GHashTable *
domain_claims(MdevContext *ctx, MdevGcFlags flags, GError **error)
{
    g_autoptr(GHashTable) claims = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) records = mdev_hook_record_load_all(ctx);

    /* what the libvirt hook made belongs to its domain, libvirt asked or not */
    for (guint i = 0; i < records->len; i++) {
        const MdevHookRecord *record = g_ptr_array_index(records, i);

        for (guint j = 0; j < record->entries->len; j++) {
            const MdevHookEntry *entry = g_ptr_array_index(record->entries, j);

            if (entry->uuid)
                g_hash_table_replace(claims, g_strdup(entry->uuid),
                                     g_strdup(record->domain ? record->domain : record->uuid));
        }
    }
    if (!(flags & MDEV_GC_NO_LIBVIRT)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                    _("gc cannot ask libvirt which devices its domains use yet: with "
                      "--no-libvirt it judges by definitions and use alone"));
        return NULL;
    }
    return g_steal_pointer(&claims);
}

/**
 * mdev_gc_plan:
 * @ctx: a context
 * @flags: %MDEV_GC_NO_LIBVIRT to leave domains out
 * @error: return location for a #GError
 *
 * Judges every active mdev: one that no definition, no domain and no
 * process claims is to be removed.
 *
 * Returns: (transfer full) (element-type MdevGcEntry): one entry per
 *   active mdev, in the inventory's order, or %NULL
 */
GPtrArray *
mdev_gc_plan(MdevContext *ctx, MdevGcFlags flags, GError **error)
{
    g_autoptr(GPtrArray) plan = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_gc_entry_free);
    g_autoptr(GHashTable) claims = NULL;
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevUse) use = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    claims = domain_claims(ctx, flags, error);
    if (claims == NULL)
        return NULL;
    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_DEVICES, NULL, error);
    if (inv == NULL)
        return NULL;
    use = mdev_use_scan(ctx, error);
    if (use == NULL)
        return NULL;
    for (guint i = 0; i < inv->devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(inv->devices, i);
        g_autoptr(MdevGcEntry) entry = NULL;
        g_autoptr(GPtrArray) holders = NULL;
        g_autoptr(GPtrArray) parents = NULL;
        const char *domain;

        if (!device->active)
            continue;
        entry = g_new0(MdevGcEntry, 1);
        entry->device = mdev_device_copy(device);
        holders = mdev_use_dup_holders(use, device);
        domain = g_hash_table_lookup(claims, device->uuid);
        /* a definition under any parent claims the UUID */
        parents = mdev_store_find_parents(ctx, device->uuid, NULL);
        if (parents && parents->len > 0) {
            entry->verdict = MDEV_GC_KEEP_DEFINED;
        } else if (holders->len > 0) {
            entry->verdict = MDEV_GC_KEEP_IN_USE;
            entry->claimant = mdev_holder_describe(g_ptr_array_index(holders, 0));
        } else if (domain) {
            entry->verdict = MDEV_GC_KEEP_DOMAIN;
            entry->claimant = g_strdup(domain);
        } else if (!mdev_use_is_complete(use)) {
            entry->verdict = MDEV_GC_KEEP_USE_UNKNOWN;
        } else {
            entry->verdict = MDEV_GC_REMOVE;
        }
        g_ptr_array_add(plan, g_steal_pointer(&entry));
    }
    return g_steal_pointer(&plan);
}

/**
 * mdev_gc_run:
 * @ctx: a context
 * @plan: (element-type MdevGcEntry): from mdev_gc_plan()
 * @flags: %MDEV_GC_DRY_RUN to remove nothing
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 *
 * Removes the devices @plan marks for removal. Each is judged again under
 * its parent's lock: one that was defined or taken meanwhile stays, and
 * the entry's @error says why.
 *
 * Returns: %TRUE when every device marked for removal was removed
 */
gboolean
mdev_gc_run(MdevContext *ctx, GPtrArray *plan, MdevGcFlags flags, GPtrArray *ret_messages)
{
    gboolean ok = TRUE;

    for (guint i = 0; i < plan->len; i++) {
        MdevGcEntry *entry = g_ptr_array_index(plan, i);

        if (entry->verdict != MDEV_GC_REMOVE || (flags & MDEV_GC_DRY_RUN))
            continue;
        entry->removed = mdev_ops_stop_full(ctx, entry->device->uuid, MDEV_OPS_UNDEFINED_ONLY,
                                            ret_messages, &entry->error);
        ok = ok && entry->removed;
    }
    return ok;
}
