/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-gc.h"

#include "mdev-attach.h"
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-hook.h"
#include "mdev-ops.h"
#include "mdev-store.h"
#include "mdev-use.h"
#include "mdev-vgpu.h"

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

static const char *const verdict_names[] = {
    [MDEV_GC_REMOVE] = "unclaimed",
    [MDEV_GC_KEEP_DEFINED] = "defined",
    [MDEV_GC_KEEP_IN_USE] = "in-use",
    [MDEV_GC_KEEP_USE_UNKNOWN] = "use-unknown",
    [MDEV_GC_KEEP_DOMAIN] = "domain",
};
G_STATIC_ASSERT(G_N_ELEMENTS(verdict_names) == MDEV_GC_VERDICT_LAST);

/**
 * mdev_gc_verdict_to_string:
 * @verdict: a verdict
 *
 * Returns: (transfer none): the verdict's name in JSON output
 */
const char *
mdev_gc_verdict_to_string(MdevGcVerdict verdict)
{
    g_return_val_if_fail(verdict < MDEV_GC_VERDICT_LAST, NULL);
    return verdict_names[verdict];
}

/* Every claim a domain has on a device, UUID or VF address -> domain name:
 * what the libvirt hook made for a domain (its records), and the devices of
 * libvirt's persistent and running domains (mdev_attach_dup_claims()). The
 * one place gc learns about domains. */
static GHashTable *
domain_claims(MdevContext *ctx, const char *uri, MdevGcFlags flags, GError **error)
{
    g_autoptr(MdevVirtConnection) connection = NULL;
    g_autoptr(GHashTable) claims = NULL;
    g_autoptr(GPtrArray) records = NULL;
    g_autoptr(GError) local = NULL;

    if (flags & MDEV_GC_NO_LIBVIRT) {
        claims = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    } else {
        connection = mdev_virt_connection_open(uri ? uri : MDEV_VIRT_DEFAULT_URI, 0, &local);
        if (connection)
            claims = mdev_attach_dup_claims(connection, &local);
        if (claims == NULL) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                        _("cannot ask libvirt which devices its domains use (%s); with "
                          "--no-libvirt gc judges by definitions and use alone"),
                        local->message);
            return NULL;
        }
    }
    /* what the libvirt hook made belongs to its domain, libvirt asked or not */
    records = mdev_hook_record_load_all(ctx);
    for (guint i = 0; i < records->len; i++) {
        const MdevHookRecord *record = g_ptr_array_index(records, i);

        for (guint j = 0; j < record->entries->len; j++) {
            const MdevHookEntry *entry = g_ptr_array_index(record->entries, j);
            const char *name = entry->uuid ? entry->uuid : entry->address;

            if (name && !g_hash_table_contains(claims, name))
                g_hash_table_insert(claims, g_strdup(name),
                                    g_strdup(record->domain ? record->domain : record->uuid));
        }
    }
    return g_steal_pointer(&claims);
}

/* The VFs on which a VF vGPU definition runs now: those vGPUs are defined. */
static GHashTable *
defined_vfs(MdevContext *ctx, GError **error)
{
    g_autoptr(GHashTable) vfs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) definitions = mdev_vgpu_store_load(ctx, NULL, NULL, NULL, error);

    if (definitions == NULL)
        return NULL;
    for (guint i = 0; i < definitions->len; i++) {
        char *address = mdev_vgpu_dup_running_address(ctx, g_ptr_array_index(definitions, i));

        if (address)
            g_hash_table_add(vfs, address);
    }
    return g_steal_pointer(&vfs);
}

/* The verdict on one running device, mdev or VF vGPU. */
static MdevGcEntry *
judge(const MdevDevice *device, gboolean defined, MdevUse *use, GHashTable *claims)
{
    g_autoptr(MdevGcEntry) entry = g_new0(MdevGcEntry, 1);
    g_autoptr(GPtrArray) holders = mdev_use_dup_holders(use, device);
    const char *domain = g_hash_table_lookup(claims, device->uuid ? device->uuid : device->address);

    entry->device = mdev_device_copy(device);
    if (defined) {
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
    return g_steal_pointer(&entry);
}

/**
 * mdev_gc_plan:
 * @ctx: a context
 * @uri: (nullable): the libvirt connection whose domains claim devices;
 *   %NULL for %MDEV_VIRT_DEFAULT_URI
 * @flags: %MDEV_GC_NO_LIBVIRT to leave domains out
 * @error: return location for a #GError
 *
 * Judges every active mdev and every NVIDIA VF vGPU: one that no
 * definition, no domain and no process claims is to be removed.
 *
 * Returns: (transfer full) (element-type MdevGcEntry): one entry per
 *   active mdev, in the inventory's order, then one per VF vGPU (its
 *   device has no UUID, only its VF's address), or %NULL
 */
GPtrArray *
mdev_gc_plan(MdevContext *ctx, const char *uri, MdevGcFlags flags, GError **error)
{
    g_autoptr(GPtrArray) plan = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_gc_entry_free);
    g_autoptr(GHashTable) claims = NULL;
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GHashTable) defined = NULL;
    g_autoptr(MdevUse) use = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    claims = domain_claims(ctx, uri, flags, error);
    if (claims == NULL)
        return NULL;
    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_DEVICES | MDEV_DISCOVERY_NVIDIA_VF, NULL,
                              error);
    if (inv == NULL)
        return NULL;
    defined = defined_vfs(ctx, error);
    if (defined == NULL)
        return NULL;
    use = mdev_use_scan(ctx, error);
    if (use == NULL)
        return NULL;
    for (guint i = 0; i < inv->devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(inv->devices, i);
        g_autoptr(GPtrArray) parents = NULL;

        if (!device->active)
            continue;
        /* a definition under any parent claims the UUID */
        parents = mdev_store_find_parents(ctx, device->uuid, NULL);
        g_ptr_array_add(plan, judge(device, parents && parents->len > 0, use, claims));
    }
    for (guint i = 0; i < inv->vgpus->len; i++) {
        const MdevDevice *vgpu = g_ptr_array_index(inv->vgpus, i);

        g_ptr_array_add(plan, judge(vgpu, g_hash_table_contains(defined, vgpu->address), use,
                                    claims));
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
        if (entry->device->uuid)
            entry->removed = mdev_ops_stop_full(ctx, entry->device->uuid,
                                                MDEV_OPS_UNDEFINED_ONLY, ret_messages,
                                                &entry->error);
        else
            entry->removed = mdev_vgpu_stop_undefined(ctx, entry->device->address,
                                                      ret_messages, &entry->error);
        ok = ok && entry->removed;
    }
    return ok;
}
