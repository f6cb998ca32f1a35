/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What libvirt's qemu hook does for a domain: at `prepare begin` make every
 * device its <hostdev> elements name, at `release end` remove what that
 * made. The hook runs inside libvirt's domain start and must never call
 * back into libvirt; every change goes through mdev-ops (and mdev-vgpu for
 * VF vGPUs), under the same per-parent locks as every command. What a call
 * made is kept in a record per domain, so that release removes exactly
 * that and nothing that was running before or that another domain holds. */
#include "mdev-hook.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-json-out.h"
#include "mdev-json-parse.h"
#include "mdev-model.h"
#include "mdev-nvidia.h"
#include "mdev-ops.h"
#include "mdev-private.h"
#include "mdev-store.h"
#include "mdev-util.h"
#include "mdev-vgpu.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#define ACTION_STARTED "started"
#define ACTION_CREATED "created"
/* a record lists a handful of devices */
#define RECORD_MAX_SIZE (256 * 1024)

void
mdev_hook_entry_free(MdevHookEntry *entry)
{
    if (entry == NULL)
        return;
    g_free(entry->uuid);
    g_free(entry->address);
    g_free(entry->parent);
    g_free(entry->type);
    g_free(entry->action);
    g_free(entry);
}

void
mdev_hook_record_free(MdevHookRecord *record)
{
    if (record == NULL)
        return;
    g_free(record->domain);
    g_free(record->uuid);
    if (record->entries)
        g_ptr_array_unref(record->entries);
    g_free(record);
}

static MdevHookEntry *
entry_new(const char *uuid, const char *address, const char *parent, const char *type,
          const char *action)
{
    MdevHookEntry *entry = g_new0(MdevHookEntry, 1);

    entry->uuid = g_strdup(uuid);
    entry->address = g_strdup(address);
    entry->parent = g_strdup(parent);
    entry->type = g_strdup(type);
    entry->action = g_strdup(action);
    return entry;
}

static GPtrArray *
entry_array_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify) mdev_hook_entry_free);
}

/**
 * mdev_hook_dup_dir:
 * @ctx: a context
 *
 * The records live beside the locks, in the state directory: like the
 * devices they describe, they do not outlive a reboot.
 *
 * Returns: (transfer full): `<state_dir>/domains`
 */
char *
mdev_hook_dup_dir(MdevContext *ctx)
{
    return g_build_filename(mdev_context_get_state_dir(ctx), "domains", NULL);
}

static char *
record_path(MdevContext *ctx, const char *domain_uuid)
{
    g_autofree char *dir = mdev_hook_dup_dir(ctx);
    g_autofree char *name = g_strconcat(domain_uuid, ".json", NULL);

    return g_build_filename(dir, name, NULL);
}

static const char *
member_string(const MdevJsonNode *object, const char *name)
{
    return mdev_json_node_get_string(mdev_json_object_get(object, name));
}

static MdevHookRecord *
record_parse(const char *path, const char *text, gsize length, const char *domain_uuid,
             GError **error)
{
    g_autoptr(MdevJsonDoc) doc = mdev_json_doc_parse(text, length, NULL);
    g_autoptr(MdevHookRecord) record = g_new0(MdevHookRecord, 1);
    const MdevJsonNode *root = doc ? mdev_json_doc_get_root(doc) : NULL;
    const MdevJsonNode *devices;

    if (root == NULL || mdev_json_node_get_type(root) != MDEV_JSON_OBJECT)
        goto bad;
    devices = mdev_json_object_get(root, "devices");
    if (g_strcmp0(member_string(root, "uuid"), domain_uuid) != 0 || devices == NULL ||
        mdev_json_node_get_type(devices) != MDEV_JSON_ARRAY)
        goto bad;
    record->uuid = g_strdup(domain_uuid);
    record->domain = g_strdup(member_string(root, "domain"));
    record->entries = entry_array_new();
    for (const MdevJsonNode *device = mdev_json_node_get_first(devices); device;
         device = mdev_json_node_get_next(device)) {
        const char *uuid, *address, *action, *parent, *type;

        if (mdev_json_node_get_type(device) != MDEV_JSON_OBJECT)
            goto bad;
        uuid = member_string(device, "uuid");
        address = member_string(device, "address");
        action = member_string(device, "action");
        parent = member_string(device, "parent");
        type = member_string(device, "type");
        /* the names become sysfs paths at release */
        if ((uuid == NULL) == (address == NULL) || (uuid && !mdev_util_uuid_is_canonical(uuid)) ||
            (address && !mdev_nvidia_address_is_valid(address)) ||
            (parent && !mdev_util_name_is_valid(parent)) ||
            (type && !mdev_util_name_is_valid(type)) ||
            (g_strcmp0(action, ACTION_STARTED) != 0 && g_strcmp0(action, ACTION_CREATED) != 0))
            goto bad;
        g_ptr_array_add(record->entries, entry_new(uuid, address, parent, type, action));
    }
    return g_steal_pointer(&record);

bad:
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, _("invalid hook record '%s'"), path);
    return NULL;
}

/**
 * mdev_hook_record_load:
 * @ctx: a context
 * @domain_uuid: a domain's UUID, canonical
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the domain's record; %NULL without
 *   @error when there is none
 */
MdevHookRecord *
mdev_hook_record_load(MdevContext *ctx, const char *domain_uuid, GError **error)
{
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GError) local = NULL;
    gsize length = 0;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!mdev_util_guard_path(mdev_util_uuid_is_canonical(domain_uuid), domain_uuid, error))
        return NULL;
    path = record_path(ctx, domain_uuid);
    if (!g_file_get_contents(path, &text, &length, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return NULL;
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED, _("cannot read hook record: %s"),
                    local->message);
        return NULL;
    }
    if (length > RECORD_MAX_SIZE) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, _("invalid hook record '%s'"),
                    path);
        return NULL;
    }
    return record_parse(path, text, length, domain_uuid, error);
}

/**
 * mdev_hook_record_load_all:
 * @ctx: a context
 *
 * Every readable record, for the commands that tell which domain a device
 * belongs to; unreadable ones are skipped (with a debug message).
 *
 * Returns: (transfer full) (element-type MdevHookRecord): the records,
 *   sorted by domain UUID
 */
GPtrArray *
mdev_hook_record_load_all(MdevContext *ctx)
{
    g_autofree char *dir_path = mdev_hook_dup_dir(ctx);
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *records =
        g_ptr_array_new_with_free_func((GDestroyNotify) mdev_hook_record_free);
    const char *name;

    while (dir && (name = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(name, ".json") && strlen(name) == 36 + 5)
            g_ptr_array_add(names, g_strndup(name, 36));
    }
    g_ptr_array_sort(names, mdev_util_compare_strings);
    for (guint i = 0; i < names->len; i++) {
        const char *uuid = g_ptr_array_index(names, i);
        g_autoptr(GError) error = NULL;
        MdevHookRecord *record;

        if (!mdev_util_uuid_is_canonical(uuid))
            continue;
        record = mdev_hook_record_load(ctx, uuid, &error);
        if (record)
            g_ptr_array_add(records, record);
        else if (error)
            g_debug("skipping a hook record: %s", error->message);
    }
    return records;
}

/**
 * mdev_hook_records_find_domain:
 * @records: (element-type MdevHookRecord): records
 * @uuid: (nullable): an mdev's UUID
 * @address: (nullable): a VF's address
 *
 * Returns: (transfer none) (nullable): the name of the domain whose hook
 *   made the device, or %NULL
 */
const char *
mdev_hook_records_find_domain(const GPtrArray *records, const char *uuid, const char *address)
{
    for (guint i = 0; records && i < records->len; i++) {
        const MdevHookRecord *record = g_ptr_array_index((GPtrArray *) records, i);

        for (guint j = 0; j < record->entries->len; j++) {
            const MdevHookEntry *entry = g_ptr_array_index(record->entries, j);

            if ((uuid && g_strcmp0(entry->uuid, uuid) == 0) ||
                (address && g_strcmp0(entry->address, address) == 0))
                return record->domain ? record->domain : record->uuid;
        }
    }
    return NULL;
}

static gboolean
record_save(MdevContext *ctx, const char *domain_name, const char *domain_uuid,
            const GPtrArray *entries, GError **error)
{
    g_autoptr(MdevJsonOut) out = mdev_json_out_new(NULL, MDEV_JSON_OUT_PRETTY);
    g_autofree char *dir = mdev_hook_dup_dir(ctx);
    g_autofree char *path = record_path(ctx, domain_uuid);
    g_autofree char *text = NULL;

    mdev_json_out_begin_object(out);
    mdev_json_out_add_string(out, "domain", domain_name);
    mdev_json_out_add_string(out, "uuid", domain_uuid);
    mdev_json_out_member(out, "devices");
    mdev_json_out_begin_array(out);
    for (guint i = 0; i < entries->len; i++) {
        const MdevHookEntry *entry = g_ptr_array_index((GPtrArray *) entries, i);

        mdev_json_out_begin_object(out);
        mdev_json_out_add_string(out, entry->uuid ? "uuid" : "address",
                                 entry->uuid ? entry->uuid : entry->address);
        mdev_json_out_add_string(out, "parent", entry->parent);
        mdev_json_out_add_string(out, "type", entry->type);
        mdev_json_out_add_string(out, "action", entry->action);
        mdev_json_out_end_object(out);
    }
    mdev_json_out_end_array(out);
    mdev_json_out_end_object(out);
    text = mdev_json_out_steal_text(out);
    /* a record has always ended at its closing brace, without a newline */
    g_strchomp(text);

    if (g_mkdir_with_parents(dir, 0755) < 0) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot create directory '%1$s': %2$s"), dir, g_strerror(err));
        return FALSE;
    }
    return mdev_util_write_file_atomic(path, text, strlen(text), 0644, error);
}

static gboolean
record_remove(MdevContext *ctx, const char *domain_uuid, GError **error)
{
    g_autofree char *path = record_path(ctx, domain_uuid);

    if (g_unlink(path) < 0 && errno != ENOENT) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot remove hook record '%1$s': %2$s"), path, g_strerror(err));
        return FALSE;
    }
    return TRUE;
}

static gboolean
entry_is_listed(const GPtrArray *entries, const char *uuid, const char *address)
{
    for (guint i = 0; i < entries->len; i++) {
        const MdevHookEntry *entry = g_ptr_array_index((GPtrArray *) entries, i);

        if ((uuid && g_strcmp0(entry->uuid, uuid) == 0) ||
            (address && g_strcmp0(entry->address, address) == 0))
            return TRUE;
    }
    return FALSE;
}

/* Removes what a prepare made, newest first; a failure here cannot be
 * helped and is only told in the messages. */
static void
undo(MdevContext *ctx, GPtrArray *made, GPtrArray *ret_messages)
{
    for (guint i = made->len; i > 0; i--) {
        const MdevHookEntry *entry = g_ptr_array_index(made, i - 1);
        g_autoptr(GError) error = NULL;
        gboolean done;

        if (entry->uuid)
            done = mdev_ops_stop(ctx, entry->uuid, ret_messages, &error);
        else
            done = mdev_vgpu_stop(ctx, entry->address, ret_messages, &error);
        if (!done && ret_messages)
            g_ptr_array_add(ret_messages, g_strdup(error->message));
    }
}

static gboolean
is_active(MdevContext *ctx, const char *uuid, GError **error)
{
    const char *uuids[] = { uuid, NULL };
    g_autoptr(MdevInventory) inv =
        mdev_discovery_scan_uuids(ctx, MDEV_DISCOVERY_DEVICES, uuids, error);

    if (inv == NULL)
        return FALSE;
    for (guint i = 0; i < inv->devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(inv->devices, i);

        if (device->active && g_strcmp0(device->uuid, uuid) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Makes one mdev hostdev exist. Adds an entry to @made when this call
 * made it; leaves @made alone when it was running (or became so by
 * another's hand meanwhile). */
static gboolean
prepare_mdev(MdevContext *ctx, const MdevDomain *domain, const char *uuid, GPtrArray *made,
             GPtrArray *ret_messages, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GPtrArray) defined = NULL;
    const MdevDomainDevice *described;

    if (is_active(ctx, uuid, &local))
        return TRUE;
    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    defined = mdev_store_find_parents(ctx, uuid, &local);
    if (defined == NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (defined->len > 1) {
        g_autofree char *list = NULL;

        g_ptr_array_add(defined, NULL);
        list = g_strjoinv("', '", (char **) defined->pdata);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                    _("it is defined under more than one parent ('%s'); undefine all but one"),
                    list);
        return FALSE;
    }
    if (defined->len == 1) {
        const char *parent = g_ptr_array_index(defined, 0);

        if (!mdev_ops_start(ctx, uuid, parent, ret_messages, &local)) {
            if (g_error_matches(local, MDEV_ERROR, MDEV_ERROR_EXISTS))
                return TRUE;
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        g_ptr_array_add(made, entry_new(uuid, NULL, parent, NULL, ACTION_STARTED));
        return TRUE;
    }

    described = mdev_domain_find_device(domain, uuid, NULL);
    if (described) {
        g_autofree char *parent = NULL;
        g_autofree char *created = NULL;

        created = mdev_ops_create(ctx, described->parent, described->type, uuid,
                                  described->attrs, MDEV_PLACEMENT_PACK, &parent, ret_messages,
                                  &local);
        if (created == NULL) {
            /* another hand made it meanwhile: it is not this domain's */
            if (g_error_matches(local, MDEV_ERROR, MDEV_ERROR_EXISTS) &&
                is_active(ctx, uuid, NULL))
                return TRUE;
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        g_ptr_array_add(made,
                        entry_new(uuid, NULL, parent, described->type, ACTION_CREATED));
        return TRUE;
    }
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                _("it is not running, not defined and not described in the domain's mdevtool "
                  "metadata"));
    return FALSE;
}

static gboolean
prepare_vgpu(MdevContext *ctx, const MdevDomainDevice *described, GPtrArray *made,
             GError **error)
{
    g_autofree char *type = NULL;
    gboolean created = FALSE;

    if (!mdev_vgpu_create_on_vf(ctx, described->address, described->parent, described->type,
                                described->attrs, &created, &type, error))
        return FALSE;
    if (created)
        g_ptr_array_add(made, entry_new(NULL, described->address, described->parent, type,
                                        ACTION_CREATED));
    return TRUE;
}

/**
 * mdev_hook_prepare:
 * @ctx: a context
 * @domain: the domain about to start (its XML as libvirt hands it to the
 *   hook)
 * @ret_messages: (element-type utf8) (nullable): receives the callouts'
 *   messages and what an undo could not remove
 * @error: return location for a #GError
 *
 * Makes every mdev hostdev of @domain exist: a running one is left as it
 * is, a defined one is started, one described in the domain's mdevtool
 * metadata is created with the usual placement; a VF vGPU hostdev
 * described there gets its type. What this call made is added to the
 * domain's record. A second call finds everything running and changes
 * nothing.
 *
 * Returns: %TRUE when every device exists; %FALSE with @error naming the
 *   device and the reason, after removing what this call made
 */
gboolean
mdev_hook_prepare(MdevContext *ctx, const MdevDomain *domain, GPtrArray *ret_messages,
                  GError **error)
{
    g_autoptr(MdevHookRecord) old = NULL;
    g_autoptr(GPtrArray) made = entry_array_new();
    g_autoptr(GPtrArray) entries = entry_array_new();
    g_autoptr(GError) local = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    old = mdev_hook_record_load(ctx, domain->uuid, &local);
    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }

    for (guint i = 0; i < domain->mdevs->len; i++) {
        const MdevDomainHostdev *hostdev = g_ptr_array_index(domain->mdevs, i);

        if (!prepare_mdev(ctx, domain, hostdev->uuid, made, ret_messages, &local)) {
            undo(ctx, made, ret_messages);
            g_set_error(error, local->domain, local->code, _("domain '%1$s': mdev '%2$s': %3$s"),
                        domain->name, hostdev->uuid, local->message);
            return FALSE;
        }
    }
    for (guint i = 0; i < domain->pci->len; i++) {
        const char *address = g_ptr_array_index(domain->pci, i);
        const MdevDomainDevice *described = mdev_domain_find_device(domain, NULL, address);

        /* a PCI hostdev mdevtool does not describe is libvirt's business */
        if (described == NULL)
            continue;
        if (!prepare_vgpu(ctx, described, made, &local)) {
            undo(ctx, made, ret_messages);
            g_set_error(error, local->domain, local->code,
                        _("domain '%1$s': VF '%2$s': %3$s"), domain->name, address,
                        local->message);
            return FALSE;
        }
    }

    if (made->len == 0)
        return TRUE;
    for (guint i = 0; old && i < old->entries->len; i++) {
        MdevHookEntry *entry = g_ptr_array_index(old->entries, i);

        if (!entry_is_listed(made, entry->uuid, entry->address))
            g_ptr_array_add(entries, entry_new(entry->uuid, entry->address, entry->parent,
                                               entry->type, entry->action));
    }
    for (guint i = 0; i < made->len; i++) {
        MdevHookEntry *entry = g_ptr_array_index(made, i);
        g_ptr_array_add(entries, entry_new(entry->uuid, entry->address, entry->parent,
                                           entry->type, entry->action));
    }
    if (!record_save(ctx, domain->name, domain->uuid, entries, &local)) {
        undo(ctx, made, ret_messages);
        g_set_error(error, local->domain, local->code, _("domain '%1$s': %2$s"), domain->name,
                    local->message);
        return FALSE;
    }
    return TRUE;
}

/* Whether another domain's record lists the device too: then it is that
 * domain's as well, and stays. */
static gboolean
claimed_elsewhere(const GPtrArray *records, const char *domain_uuid, const MdevHookEntry *entry)
{
    for (guint i = 0; i < records->len; i++) {
        const MdevHookRecord *record = g_ptr_array_index((GPtrArray *) records, i);

        if (strcmp(record->uuid, domain_uuid) != 0 &&
            entry_is_listed(record->entries, entry->uuid, entry->address))
            return TRUE;
    }
    return FALSE;
}

/**
 * mdev_hook_release:
 * @ctx: a context
 * @domain_uuid: the UUID of the domain that stopped
 * @ret_messages: (element-type utf8) (nullable): receives a line for each
 *   device kept and why
 * @error: return location for a #GError
 *
 * Removes what the domain's hook made, as its record says, and then the
 * record. A device that a process holds or that another domain's record
 * lists stays. Without a record nothing happens.
 *
 * Returns: %TRUE when the record is gone; %FALSE with @error when a device
 *   could not be removed for another reason (the record is gone then too)
 */
gboolean
mdev_hook_release(MdevContext *ctx, const char *domain_uuid, GPtrArray *ret_messages,
                  GError **error)
{
    g_autoptr(MdevHookRecord) record = NULL;
    g_autoptr(GPtrArray) records = NULL;
    g_autoptr(GError) first = NULL;
    g_autoptr(GError) local = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    record = mdev_hook_record_load(ctx, domain_uuid, &local);
    if (record == NULL) {
        if (local == NULL)
            return TRUE;
        /* a broken record is dropped, so that it cannot fail every later
         * release of the domain */
        record_remove(ctx, domain_uuid, NULL);
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    records = mdev_hook_record_load_all(ctx);
    for (guint i = record->entries->len; i > 0; i--) {
        const MdevHookEntry *entry = g_ptr_array_index(record->entries, i - 1);
        const char *name = entry->uuid ? entry->uuid : entry->address;
        gboolean done;

        if (claimed_elsewhere(records, domain_uuid, entry)) {
            if (ret_messages)
                g_ptr_array_add(ret_messages,
                                g_strdup_printf(_("kept '%s': another domain's hook made it "
                                                  "too"),
                                                name));
            continue;
        }
        if (entry->uuid)
            done = mdev_ops_stop(ctx, entry->uuid, ret_messages, &local);
        else
            done = mdev_vgpu_stop(ctx, entry->address, ret_messages, &local);
        if (done || g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE) ||
            g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)) {
            g_clear_error(&local);
            continue;
        }
        if (g_error_matches(local, MDEV_ERROR, MDEV_ERROR_BUSY)) {
            if (ret_messages)
                g_ptr_array_add(ret_messages,
                                g_strdup_printf(_("kept '%1$s': %2$s"), name, local->message));
            g_clear_error(&local);
            continue;
        }
        if (first == NULL)
            first = g_steal_pointer(&local);
        g_clear_error(&local);
    }
    if (first == NULL)
        record_remove(ctx, domain_uuid, &first);
    else
        record_remove(ctx, domain_uuid, NULL);
    if (first) {
        g_propagate_error(error, g_steal_pointer(&first));
        return FALSE;
    }
    return TRUE;
}
