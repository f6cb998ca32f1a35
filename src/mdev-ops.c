/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-ops.h"

#include "mdev-callout.h"
#include "mdev-error.h"
#include "mdev-lock.h"
#include "mdev-nvidia.h"
#include "mdev-placement.h"
#include "mdev-store.h"
#include "mdev-sysfs.h"
#include "mdev-use.h"
#include "mdev-util.h"
#include "mdev-vgpu.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

/*
 * The operations. Each one that checks something and then acts on it does
 * both under the host-wide lock of the parents involved (mdev-lock.c) and
 * re-reads sysfs after taking the lock, so what it checked is still true
 * when it writes. The kernel stays the final arbiter: its errno is turned
 * into a message that says what it means for this parent and type.
 *
 * Nothing is written outside the store and the mdev's own sysfs directory:
 * parent and type names are single path components (checked), the UUID is
 * canonical, and attributes are opened component by component relative to
 * the device's directory without following links (mdev-sysfs.c).
 */

static void
take_messages(GPtrArray *dst, GPtrArray *src)
{
    for (guint i = 0; dst && src && i < src->len; i++)
        g_ptr_array_add(dst, g_strdup(g_ptr_array_index(src, i)));
}

/* An attribute has a valid name and a value, as a definition needs. */
static gboolean
check_attr(const char *name, const char *value, GError **error)
{
    if (!mdev_util_check_name("attribute", name, error))
        return FALSE;
    if (value == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("attribute '%s' has no value"), name);
        return FALSE;
    }
    return TRUE;
}

static gboolean
check_attrs(const GPtrArray *attrs, GError **error)
{
    for (guint i = 0; attrs && i < attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(attrs, i);

        if (!check_attr(attr->name, attr->value, error))
            return FALSE;
    }
    return TRUE;
}

/* The canonical UUID of an operation on an existing mdev or definition,
 * once the parent's name, if given, is known to be usable. */
static char *
check_target(const char *uuid, const char *parent, GError **error)
{
    g_autofree char *id = mdev_util_uuid_canonicalize(uuid, error);

    if (id == NULL)
        return NULL;
    if (parent && !mdev_util_check_name("parent", parent, error))
        return NULL;
    return g_steal_pointer(&id);
}

/* Whether @id (on @parent, if given) names no mdev definition but an NVIDIA
 * VF vGPU definition: one UUID, one thing, so that start, undefine, modify
 * and autostart take either by its UUID alone. */
static gboolean
is_vgpu_definition(MdevContext *ctx, const char *id, const char *parent)
{
    g_autoptr(GPtrArray) parents = NULL;
    g_autoptr(GPtrArray) cards = NULL;

    if (parent && !mdev_nvidia_address_is_valid(parent))
        return FALSE;
    if (parent && mdev_store_exists(ctx, parent, id))
        return FALSE;
    if (parent == NULL) {
        parents = mdev_store_find_parents(ctx, id, NULL);
        if (parents == NULL || parents->len > 0)
            return FALSE;
    }
    cards = mdev_vgpu_store_find_cards(ctx, id, NULL);
    if (cards == NULL)
        return FALSE;
    if (parent)
        return g_ptr_array_find_with_equal_func(cards, parent, g_str_equal, NULL);
    return cards->len > 0;
}

/* The UUID of a create or define request, canonical or new, once the
 * attributes and the parent's name are known to be usable. */
static char *
check_request(const char *uuid, GPtrArray *attrs, const char *parent, GError **error)
{
    g_autofree char *id = NULL;

    id = uuid ? check_target(uuid, parent, error) : mdev_util_uuid_generate();
    if (id == NULL || !check_attrs(attrs, error))
        return NULL;
    if (uuid == NULL && parent && !mdev_util_check_name("parent", parent, error))
        return NULL;
    return g_steal_pointer(&id);
}

static MdevDevice *
new_device(const char *uuid, const char *parent, const char *type_id, GPtrArray *attrs)
{
    MdevDevice *device = mdev_device_new(uuid, parent);

    device->type = g_strdup(type_id);
    if (attrs) {
        g_ptr_array_unref(device->attrs);
        device->attrs = mdev_attr_array_copy(attrs);
    }
    return device;
}

static void
set_parent_not_found(MdevContext *ctx, const char *name, GError **error)
{
    g_autofree char *similar = mdev_discovery_find_similar_parent(ctx, name);

    if (similar)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("no mdev parent '%1$s'; did you mean '%2$s'?"), name, similar);
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no mdev parent '%s'"), name);
}

/* The active mdevs: every one (the duplicate check is host-wide, like the
 * kernel's; placement and capacity messages count a parent's mdevs), or
 * only @uuid's, one lookup however many mdevs run, where that is all that
 * is needed. */
static MdevInventory *
scan_devices(MdevContext *ctx, const char *uuid, GError **error)
{
    const char *const one[] = { uuid, NULL };

    if (uuid)
        return mdev_discovery_scan_uuids(ctx, 0, one, error);
    return mdev_discovery_scan(ctx, MDEV_DISCOVERY_DEVICES, NULL, error);
}

/* Parents (all, or the one named) and the active mdevs (all, or @uuid). */
static MdevInventory *
scan_with(MdevContext *ctx, MdevDiscoveryFlags flags, const char *parent, const char *uuid,
          GPtrArray *messages, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevInventory) devices = NULL;
    g_autoptr(GError) local = NULL;

    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_PARENTS | flags, parent, &local);
    if (inv == NULL) {
        if (parent && g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
            set_parent_not_found(ctx, parent, error);
        else
            g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    devices = scan_devices(ctx, uuid, error);
    if (devices == NULL)
        return NULL;
    g_ptr_array_extend_and_steal(inv->devices, g_steal_pointer(&devices->devices));
    devices->devices = g_ptr_array_new();
    take_messages(messages, inv->problems);
    take_messages(messages, devices->problems);
    return g_steal_pointer(&inv);
}

static MdevInventory *
scan(MdevContext *ctx, const char *parent, const char *uuid, GPtrArray *messages, GError **error)
{
    return scan_with(ctx, 0, parent, uuid, messages, error);
}

/* What create needs before its lock on a named parent: the parent, its
 * types by id (all their files only when @type is none of the ids, for a
 * lookup by name) and whether @uuid runs. */
static MdevInventory *
scan_for_create(MdevContext *ctx, const char *parent, const char *type, const char *uuid,
                GError **error)
{
    g_autoptr(MdevInventory) inv = scan_with(ctx, MDEV_DISCOVERY_TYPE_IDS, parent, uuid, NULL,
                                             error);
    MdevParent *p = inv ? mdev_inventory_get_parent(inv, parent) : NULL;

    if (p && p->registered && type && !mdev_parent_get_type(p, type)) {
        g_clear_pointer(&inv, mdev_inventory_free);
        return scan(ctx, parent, uuid, NULL, error);
    }
    return g_steal_pointer(&inv);
}

/* What a create or start on the named @parent needs under its lock: the
 * parent, its own mdevs (capacity, the messages) and @uuid wherever it runs
 * (the kernel's duplicate check is host-wide); no other parent's mdev, so
 * the cost does not grow with the rest of the host. */
static MdevInventory *
scan_parent(MdevContext *ctx, const char *parent, const char *uuid, const char *type_id,
            GPtrArray *messages, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevInventory) elsewhere = NULL;
    g_autoptr(GError) local = NULL;
    MdevParent *p;

    /* of the types, the one in question is read; the others are named only */
    inv = mdev_discovery_scan(ctx,
                              MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES |
                                  MDEV_DISCOVERY_TYPE_IDS,
                              parent, &local);
    if (inv == NULL) {
        if (g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
            set_parent_not_found(ctx, parent, error);
        else
            g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    elsewhere = uuid ? scan_devices(ctx, uuid, error) : mdev_inventory_new();
    if (elsewhere == NULL)
        return NULL;
    for (guint i = 0; i < elsewhere->devices->len; i++) {
        MdevDevice *d = g_ptr_array_index(elsewhere->devices, i);

        if (strcmp(d->parent, parent) != 0)
            g_ptr_array_add(inv->devices, g_ptr_array_steal_index(elsewhere->devices, i--));
    }
    p = mdev_inventory_get_parent(inv, parent);
    for (guint i = 0; p && type_id && i < p->types->len; i++) {
        MdevType *listed = g_ptr_array_index(p->types, i);

        if (strcmp(listed->id, type_id) == 0) {
            MdevType *full = mdev_discovery_read_type(inv, p, type_id);

            if (full) {
                mdev_type_free(listed);
                p->types->pdata[i] = full;
            } else {
                g_ptr_array_remove_index(p->types, i); /* gone meanwhile */
            }
            break;
        }
    }
    take_messages(messages, inv->problems);
    take_messages(messages, elsewhere->problems);
    return g_steal_pointer(&inv);
}

static MdevParent *
usable_parent(MdevContext *ctx, MdevInventory *inv, const char *name, GError **error)
{
    MdevParent *parent = mdev_inventory_get_parent(inv, name);

    if (parent == NULL) {
        set_parent_not_found(ctx, name, error);
        return NULL;
    }
    if (!parent->registered) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("parent '%s' is not registered with the mdev core: its vendor driver "
                      "is not loaded or has not finished setting it up"),
                    name);
        return NULL;
    }
    return parent;
}

static guint
count_active(MdevInventory *inv, const char *parent, const char *type_id)
{
    guint n = 0;

    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *d = g_ptr_array_index(inv->devices, i);

        if (d->active && strcmp(d->parent, parent) == 0 && g_strcmp0(d->type, type_id) == 0)
            n++;
    }
    return n;
}

static void
set_create_error(int err, const char *uuid, const MdevParent *parent, const MdevType *type,
                 guint active, GError **error)
{
    switch (err) {
    case EEXIST:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                    _("the kernel refused to create mdev '%1$s' on parent '%2$s': an mdev "
                      "with this UUID exists already (%3$s)"),
                    uuid, parent->name, g_strerror(err));
        break;
    case ENOSPC:
    case EUSERS:
    case EDQUOT:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                    _("parent '%1$s' has no room for another mdev of type '%2$s' "
                      "(free instances when checked: %3$lld, active: %4$u): "
                      "%5$s"),
                    parent->name, type->id, (long long) type->available_instances, active,
                    g_strerror(err));
        break;
    case ENODEV:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("parent '%1$s' went away or is being unregistered: %2$s"), parent->name,
                    g_strerror(err));
        break;
    case EINVAL:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("the kernel rejected mdev '%1$s' of type '%2$s' on parent '%3$s' "
                      "(free instances: %4$lld): %5$s; the vendor driver "
                      "may not support this type on this device"),
                    uuid, type->id, parent->name, (long long) type->available_instances,
                    g_strerror(err));
        break;
    default:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("cannot create mdev '%1$s' of type '%2$s' on parent '%3$s' "
                      "(free instances: %4$lld): %5$s"),
                    uuid, type->id, parent->name, (long long) type->available_instances,
                    g_strerror(err));
        break;
    }
}

/* The part of create and start that must run under the parent's lock, on
 * an inventory read under that lock. */
static gboolean
create_locked(MdevInventory *inv, MdevParent *parent, const char *type_id, const char *uuid,
              GPtrArray *attrs, GError **error)
{
    g_autofree char *path = NULL;
    MdevType *type;
    guint active;
    int err = 0;

    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *d = g_ptr_array_index(inv->devices, i);

        if (!d->active || strcmp(d->uuid, uuid) != 0)
            continue;
        if (strcmp(d->parent, parent->name) == 0 && g_strcmp0(d->type, type_id) == 0)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                        _("mdev '%1$s' is already active on parent '%2$s' with type '%3$s'"), uuid,
                        d->parent, type_id);
        else
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                        _("mdev '%1$s' is already active, on parent '%2$s' with type '%3$s'"), uuid,
                        d->parent, d->type ? d->type : "?");
        return FALSE;
    }
    type = mdev_parent_get_type(parent, type_id);
    if (type == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("parent '%1$s' does not support the mdev type '%2$s'"), parent->name,
                    type_id);
        return FALSE;
    }
    active = count_active(inv, parent->name, type_id);
    if (type->available_instances == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                    _("no free instance of mdev type '%1$s' on parent '%2$s' (%3$u active)"),
                    type_id, parent->name, active);
        return FALSE;
    }
    path = g_build_filename(parent->syspath, "mdev_supported_types", type_id, "create", NULL);
    if (!mdev_sysfs_write_once(-1, path, uuid, &err)) {
        set_create_error(err, uuid, parent, type, active, error);
        return FALSE;
    }
    return mdev_sysfs_write_attrs(uuid, parent->name, attrs, error);
}

/* Runs @action's pre callout; on a veto tells the notifiers and fails. */
static gboolean
callout_begin(MdevCallout *callout, MdevCalloutAction action, GPtrArray *messages, GError **error)
{
    if (mdev_callout_pre(callout, action, error))
        return TRUE;
    mdev_callout_notify(callout, action, MDEV_CALLOUT_STATE_NONE);
    take_messages(messages, mdev_callout_get_messages(callout));
    return FALSE;
}

static void
callout_end(MdevCallout *callout, MdevCalloutAction action, gboolean ok, GPtrArray *messages)
{
    mdev_callout_post(callout, action, ok);
    mdev_callout_notify(callout, action,
                        ok ? MDEV_CALLOUT_STATE_SUCCESS : MDEV_CALLOUT_STATE_FAILURE);
    take_messages(messages, mdev_callout_get_messages(callout));
}

static gboolean
start_with_callouts(MdevContext *ctx, MdevInventory *inv, MdevParent *parent,
                    const MdevDevice *device, GPtrArray *messages, GError **error)
{
    g_autoptr(MdevCallout) callout = mdev_callout_new(ctx, device);
    gboolean ok;

    if (!callout_begin(callout, MDEV_CALLOUT_ACTION_START, messages, error))
        return FALSE;
    ok = create_locked(inv, parent, device->type, device->uuid, device->attrs, error);
    callout_end(callout, MDEV_CALLOUT_ACTION_START, ok, messages);
    return ok;
}

static GHashTable *
parents_offering(MdevInventory *inv, const char *type_id)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < inv->parents->len; i++) {
        MdevParent *p = g_ptr_array_index(inv->parents, i);

        if (p->registered && mdev_parent_get_type(p, type_id))
            g_hash_table_add(set, g_strdup(p->name));
    }
    return set;
}

static MdevLock *
lock_set(MdevContext *ctx, GHashTable *set, GError **error)
{
    g_autofree const char **names = (const char **) g_hash_table_get_keys_as_array(set, NULL);

    return mdev_lock_acquire(ctx, names, error);
}

/* What define needs: the named parent's types (by id, when @type is one of
 * them) when it is present and registered, else every parent's (a type name is then looked up on all of
 * them), and whether @uuid runs. The cost of "define --parent" does not grow
 * with the number of other parents or mdevs. */
static MdevInventory *
scan_for_definition(MdevContext *ctx, const char *parent, const char *type, const char *uuid,
                    GError **error)
{
    if (parent) {
        /* a type given by its id needs the names of the type directories
         * alone; one given by its name, all the types' files */
        g_autoptr(MdevInventory) inv =
            mdev_discovery_scan(ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_TYPE_IDS, parent, NULL);
        MdevParent *p = inv ? mdev_inventory_get_parent(inv, parent) : NULL;
        g_autoptr(MdevInventory) devices = NULL;

        if (p && type && !mdev_parent_get_type(p, type)) {
            g_clear_pointer(&inv, mdev_inventory_free);
            inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_PARENTS, parent, NULL);
            p = inv ? mdev_inventory_get_parent(inv, parent) : NULL;
        }

        if (p && p->registered) {
            devices = scan_devices(ctx, uuid, error);
            if (devices == NULL)
                return NULL;
            g_ptr_array_extend_and_steal(inv->devices, g_steal_pointer(&devices->devices));
            devices->devices = g_ptr_array_new();
            return g_steal_pointer(&inv);
        }
    }
    /* without a parent, placement weighs every parent's active mdevs */
    return scan(ctx, NULL, parent ? uuid : NULL, NULL, error);
}

/**
 * mdev_ops_create:
 * @ctx: a context
 * @parent: (nullable): the parent; %NULL lets @placement choose
 * @type: type id or name
 * @uuid: (nullable): the UUID; %NULL generates one
 * @attrs: (nullable) (element-type MdevAttr): attributes to write, in order
 * @placement: the policy when @parent is %NULL
 * @ret_parent: (out) (optional) (transfer full): the parent used
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Creates a transient mdev: writes the UUID into the type's `create` file,
 * then the attributes into the new device's directory. When an attribute
 * cannot be written the device is removed again.
 *
 * Returns: (transfer full): the mdev's UUID, or %NULL
 */
char *
mdev_ops_create(MdevContext *ctx, const char *parent, const char *type, const char *uuid,
                GPtrArray *attrs, MdevPlacement placement, char **ret_parent,
                GPtrArray *ret_messages, GError **error)
{
    g_autofree char *id = NULL;
    g_autofree char *type_id = NULL;
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(GHashTable) allowed = NULL;
    g_autoptr(MdevDevice) device = NULL;
    MdevParent *chosen;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    id = check_request(uuid, attrs, parent, error);
    if (id == NULL)
        return NULL;

    /* type and candidate parents only: the mdevs are read under the lock */
    inv = parent ? scan_for_create(ctx, parent, type, id, error)
                 : scan(ctx, NULL, id, NULL, error);
    if (inv == NULL)
        return NULL;
    if (parent && usable_parent(ctx, inv, parent, error) == NULL)
        return NULL;
    type_id = mdev_placement_resolve_type(inv, parent, type, error);
    if (type_id == NULL)
        return NULL;

    /* lock the parent, or every parent that could take it, then look again */
    if (parent) {
        allowed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_hash_table_add(allowed, g_strdup(parent));
    } else {
        allowed = parents_offering(inv, type_id);
    }
    lock = lock_set(ctx, allowed, error);
    if (lock == NULL)
        return NULL;
    g_clear_pointer(&inv, mdev_inventory_free);
    inv = parent ? scan_parent(ctx, parent, id, type_id, ret_messages, error)
                 : scan(ctx, NULL, NULL, ret_messages, error);
    if (inv == NULL)
        return NULL;
    if (parent) {
        chosen = usable_parent(ctx, inv, parent, error);
        if (chosen == NULL)
            return NULL;
    } else {
        chosen = mdev_placement_choose(inv, type_id, placement, allowed, error);
        if (chosen == NULL)
            return NULL;
    }

    device = new_device(id, chosen->name, type_id, attrs);
    if (!start_with_callouts(ctx, inv, chosen, device, ret_messages, error))
        return NULL;
    if (ret_parent)
        *ret_parent = g_strdup(chosen->name);
    return g_steal_pointer(&id);
}

/* The one definition of @uuid (under @parent if given). A malformed file is
 * reported as such rather than as "not defined". */
static MdevDevice *
find_definition(MdevContext *ctx, const char *uuid, const char *parent, GError **error)
{
    g_autoptr(GPtrArray) parents = NULL;
    const char *where;

    /* the store says "not defined on parent" itself */
    if (parent)
        return mdev_store_load_one(ctx, parent, uuid, error);
    parents = mdev_store_find_parents(ctx, uuid, error);
    if (parents == NULL)
        return NULL;
    if (parents->len == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("mdev '%s' is not defined"), uuid);
        return NULL;
    }
    if (parents->len > 1) {
        g_autofree char *list = NULL;

        g_ptr_array_add(parents, NULL);
        list = g_strjoinv("', '", (char **) parents->pdata);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                    _("mdev '%1$s' is defined on several parents ('%2$s'): name one with "
                      "--parent"),
                    uuid, list);
        return NULL;
    }
    where = g_ptr_array_index(parents, 0);
    return mdev_store_load_one(ctx, where, uuid, error);
}

/* The type id a definition for @where stores. A present, registered parent
 * must offer it; for an absent one a type name another parent knows becomes
 * its id, and anything else is kept as given and must be a valid id. */
static char *
definition_type(MdevInventory *inv, const char *where, const char *type, GError **error)
{
    MdevParent *present = where ? mdev_inventory_get_parent(inv, where) : NULL;
    g_autoptr(GError) local = NULL;
    char *type_id;

    if (where == NULL || (present && present->registered))
        return mdev_placement_resolve_type(inv, where, type, error);
    type_id = mdev_placement_resolve_type(inv, NULL, type, &local);
    if (type_id)
        return type_id;
    if (g_error_matches(local, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    if (!mdev_util_check_name("type", type, error))
        return NULL;
    return g_strdup(type);
}


/* Replaces @definition's attributes with what the get-attributes callout
 * reports for the running device. */
static gboolean
ask_running_attributes(MdevCallout *callout, MdevDevice *definition, GError **error)
{
    GPtrArray *live = mdev_callout_get_attributes(callout, error);

    if (live == NULL)
        return FALSE;
    g_ptr_array_unref(definition->attrs);
    definition->attrs = live;
    mdev_callout_set_device(callout, definition);
    return TRUE;
}

/**
 * mdev_ops_define:
 * @ctx: a context
 * @parent: (nullable): the parent; %NULL takes the running device's parent,
 *   or lets @placement choose among the parents offering @type
 * @type: (nullable): type id or name; %NULL takes the running device's type
 * @uuid: (nullable): the UUID; %NULL generates one
 * @autostart: start it when its parent appears
 * @attrs: (nullable) (element-type MdevAttr): attributes; for a running
 *   device without any, the get-attributes callout is asked
 * @placement: the policy when a parent must be chosen
 * @ret_parent: (out) (optional) (transfer full): the parent used
 * @ret_placed: (out) (optional): whether @placement chose that parent
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Stores a definition. Like mdevctl, a parent that is not present may be
 * named (the device starts when it appears); a present, registered parent
 * must offer the type.
 *
 * Returns: (transfer full): the UUID, or %NULL
 */
char *
mdev_ops_define(MdevContext *ctx, const char *parent, const char *type, const char *uuid,
                gboolean autostart, GPtrArray *attrs, MdevPlacement placement, MdevOpsFlags flags,
                char **ret_parent, gboolean *ret_placed, GPtrArray *ret_messages, GError **error)
{
    g_autofree char *id = NULL;
    g_autofree char *where = NULL;
    g_autofree char *type_id = NULL;
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(MdevDevice) definition = NULL;
    g_autoptr(MdevCallout) callout = NULL;
    MdevDevice *running = NULL;
    gboolean ask_before_pre = FALSE;
    gboolean ask_after_pre = FALSE;
    gboolean placed = FALSE;
    gboolean ok;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    id = check_request(uuid, attrs, parent, error);
    if (id == NULL)
        return NULL;

    inv = scan_for_definition(ctx, parent, type, id, error);
    if (inv == NULL)
        return NULL;
    if (uuid && !(flags & MDEV_OPS_IGNORE_RUNNING))
        running = mdev_inventory_get_device(inv, id, NULL);
    if (running && !running->active)
        running = NULL;

    if (parent)
        where = g_strdup(parent);
    else if (running)
        where = g_strdup(running->parent);

    if (type == NULL) {
        if (running == NULL || running->type == NULL) {
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                                _("no mdev type given"));
            return NULL;
        }
        type_id = g_strdup(running->type);
    } else if (flags & MDEV_OPS_TYPE_AS_GIVEN) {
        if (!mdev_util_check_name("type", type, error))
            return NULL;
        type_id = g_strdup(type);
    } else {
        type_id = definition_type(inv, where, type, error);
        if (type_id == NULL)
            return NULL;
    }
    if (where == NULL) {
        g_autoptr(GHashTable) offering = parents_offering(inv, type_id);
        MdevParent *chosen;
        g_autoptr(GError) local = NULL;

        /* capacity does not matter for a definition: any parent offering
         * the type will do, chosen by the same policy */
        chosen = mdev_placement_choose(inv, type_id, placement, offering, &local);
        for (guint i = 0; chosen == NULL && i < inv->parents->len; i++) {
            MdevParent *p = g_ptr_array_index(inv->parents, i);
            if (g_hash_table_contains(offering, p->name))
                chosen = p;
        }
        if (chosen == NULL) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("no parent offers the mdev type '%s': name the parent with "
                          "--parent"),
                        type_id);
            return NULL;
        }
        where = g_strdup(chosen->name);
        placed = TRUE;
    }

    definition = new_device(id, where, type_id, attrs);
    definition->autostart = autostart;
    definition->defined = TRUE;
    /* mdevctl asks about any running device, inside the primary action;
     * mdevtool only when nothing was given for the device's own parent */
    if (running && (flags & MDEV_OPS_RUNNING_ATTRIBUTES))
        ask_after_pre = TRUE;
    else if (running && (attrs == NULL || attrs->len == 0) && strcmp(running->parent, where) == 0)
        ask_before_pre = TRUE;

    lock = mdev_lock_acquire_one(ctx, where, error);
    if (lock == NULL)
        return NULL;
    if (mdev_store_exists(ctx, where, id)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                    _("mdev '%1$s' is already defined on parent '%2$s'"), id, where);
        return NULL;
    }
    callout = mdev_callout_new(ctx, definition);
    if (ask_before_pre && !ask_running_attributes(callout, definition, error)) {
        take_messages(ret_messages, mdev_callout_get_messages(callout));
        return NULL;
    }
    if (!callout_begin(callout, MDEV_CALLOUT_ACTION_DEFINE, ret_messages, error))
        return NULL;
    if (ask_after_pre && !ask_running_attributes(callout, definition, error)) {
        callout_end(callout, MDEV_CALLOUT_ACTION_DEFINE, FALSE, ret_messages);
        return NULL;
    }
    ok = mdev_store_save(ctx, definition, error);
    callout_end(callout, MDEV_CALLOUT_ACTION_DEFINE, ok, ret_messages);
    if (!ok)
        return NULL;
    if (ret_parent)
        *ret_parent = g_strdup(where);
    if (ret_placed)
        *ret_placed = placed;
    return g_steal_pointer(&id);
}

/**
 * mdev_ops_undefine:
 * @ctx: a context
 * @uuid: the mdev's UUID
 * @parent: (nullable): only this parent's definition; %NULL: every
 *   definition of @uuid, as mdevctl does
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Removes definitions (also malformed ones); running devices are untouched.
 * mdev_ops_undefine_full() with %MDEV_OPS_NONE.
 *
 * Returns: %TRUE when every matching definition was removed
 */
gboolean
mdev_ops_undefine(MdevContext *ctx, const char *uuid, const char *parent, GPtrArray *ret_messages,
                  GError **error)
{
    return mdev_ops_undefine_full(ctx, uuid, parent, MDEV_OPS_NONE, ret_messages, error);
}

/* A process that holds the running device would lose what brings it back
 * after the next restart of the device or the host. */
static gboolean
check_running_idle(MdevContext *ctx, const char *id, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    MdevDevice *device;

    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_DEVICES, NULL, error);
    if (inv == NULL)
        return FALSE;
    device = mdev_inventory_get_device(inv, id, NULL);
    if (device == NULL || !device->active)
        return TRUE;
    return mdev_use_check_idle(ctx, device, error);
}

/**
 * mdev_ops_undefine_full:
 * @ctx: a context
 * @uuid: the mdev's UUID
 * @parent: (nullable): only this parent's definition; %NULL: every
 *   definition of @uuid, as mdevctl does
 * @flags: %MDEV_OPS_FORCE also undefines a running device that a process
 *   holds; without it that fails with %MDEV_ERROR_BUSY
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Removes definitions (also malformed ones); running devices are untouched.
 *
 * Returns: %TRUE when every matching definition was removed
 */
gboolean
mdev_ops_undefine_full(MdevContext *ctx, const char *uuid, const char *parent, MdevOpsFlags flags,
                       GPtrArray *ret_messages, GError **error)
{
    g_autofree char *id = NULL;
    g_autoptr(GPtrArray) parents = NULL;
    g_autoptr(GError) first = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    id = check_target(uuid, parent, error);
    if (id == NULL)
        return FALSE;
    if (is_vgpu_definition(ctx, id, parent))
        return mdev_vgpu_undefine(ctx, id, parent, error);
    parents = mdev_store_find_parents(ctx, id, error);
    if (parents == NULL)
        return FALSE;
    if (parent) {
        gboolean found = FALSE;

        for (guint i = 0; i < parents->len; i++)
            found = found || strcmp(g_ptr_array_index(parents, i), parent) == 0;
        g_ptr_array_set_size(parents, 0);
        if (found)
            g_ptr_array_add(parents, g_strdup(parent));
    }
    if (parents->len == 0) {
        if (parent)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("mdev '%1$s' is not defined on parent '%2$s'"), id, parent);
        else
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("mdev '%s' is not defined"), id);
        return FALSE;
    }
    if (!(flags & MDEV_OPS_FORCE) && !check_running_idle(ctx, id, error))
        return FALSE;

    for (guint i = 0; i < parents->len; i++) {
        const char *where = g_ptr_array_index(parents, i);
        g_autoptr(MdevLock) lock = NULL;
        g_autoptr(MdevDevice) definition = NULL;
        g_autoptr(MdevCallout) callout = NULL;
        g_autoptr(GError) local = NULL;
        gboolean ok;

        lock = mdev_lock_acquire_one(ctx, where, &local);
        if (lock) {
            definition = mdev_store_load_one(ctx, where, id, NULL);
            if (definition == NULL) {
                /* malformed: remove it without callouts (nothing to tell
                 * them about) */
                definition = mdev_device_new(id, where);
            }
            callout = mdev_callout_new(ctx, definition);
            if (callout_begin(callout, MDEV_CALLOUT_ACTION_UNDEFINE, ret_messages, &local)) {
                ok = mdev_store_remove(ctx, where, id, &local);
                callout_end(callout, MDEV_CALLOUT_ACTION_UNDEFINE, ok, ret_messages);
            }
        }
        if (local) {
            if (first == NULL)
                first = g_steal_pointer(&local);
            else if (ret_messages)
                g_ptr_array_add(ret_messages, g_strdup(local->message));
        }
    }
    if (first) {
        g_propagate_error(error, g_steal_pointer(&first));
        return FALSE;
    }
    return TRUE;
}

/* The one definition of @uuid (see find_definition), read under its
 * parent's lock, which is handed out in @ret_lock. Which parent to lock is
 * learnt before the lock; what the caller acts on is read again under it,
 * where no other writer can change it. */
static MdevDevice *
lock_definition(MdevContext *ctx, const char *id, const char *parent, MdevLock **ret_lock,
                GError **error)
{
    for (guint attempt = 0;; attempt++) {
        g_autoptr(MdevDevice) seen = NULL;
        g_autoptr(MdevDevice) definition = NULL;
        g_autoptr(MdevLock) lock = NULL;

        seen = find_definition(ctx, id, parent, error);
        if (seen == NULL)
            return NULL;
        lock = mdev_lock_acquire_one(ctx, seen->parent, error);
        if (lock == NULL)
            return NULL;
        definition = find_definition(ctx, id, parent, error);
        if (definition == NULL)
            return NULL;
        if (strcmp(definition->parent, seen->parent) == 0) {
            *ret_lock = g_steal_pointer(&lock);
            return g_steal_pointer(&definition);
        }
        /* undefined and defined elsewhere meanwhile: lock that parent */
        if (attempt == 2) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                        _("the definition of mdev '%s' keeps moving between parents"), id);
            return NULL;
        }
    }
}

/**
 * mdev_ops_start:
 * @ctx: a context
 * @uuid: a defined mdev's UUID
 * @parent: (nullable): the parent, needed when @uuid is defined on several
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Starts a defined mdev with its definition's type and attributes.
 *
 * Returns: %TRUE on success
 */
gboolean
mdev_ops_start(MdevContext *ctx, const char *uuid, const char *parent, GPtrArray *ret_messages,
               GError **error)
{
    g_autofree char *id = NULL;
    g_autoptr(MdevDevice) definition = NULL;
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevLock) lock = NULL;
    MdevParent *p;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    id = check_target(uuid, parent, error);
    if (id == NULL)
        return FALSE;
    if (is_vgpu_definition(ctx, id, parent)) {
        g_autofree char *address = mdev_vgpu_start(ctx, id, parent, ret_messages, error);
        return address != NULL;
    }
    definition = lock_definition(ctx, id, parent, &lock, error);
    if (definition == NULL)
        return FALSE;
    inv = scan_parent(ctx, definition->parent, id, definition->type, ret_messages, error);
    if (inv == NULL)
        return FALSE;
    p = usable_parent(ctx, inv, definition->parent, error);
    if (p == NULL)
        return FALSE;
    return start_with_callouts(ctx, inv, p, definition, ret_messages, error);
}

/**
 * mdev_ops_stop:
 * @ctx: a context
 * @uuid: an active mdev's UUID
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Removes an active mdev; its definition, if any, stays.
 * mdev_ops_stop_full() with %MDEV_OPS_NONE.
 *
 * Returns: %TRUE on success, %FALSE with %MDEV_ERROR_NOT_ACTIVE when it is
 *   not running
 */
gboolean
mdev_ops_stop(MdevContext *ctx, const char *uuid, GPtrArray *ret_messages, GError **error)
{
    return mdev_ops_stop_full(ctx, uuid, MDEV_OPS_NONE, ret_messages, error);
}

/**
 * mdev_ops_stop_full:
 * @ctx: a context
 * @uuid: an active mdev's UUID
 * @flags: %MDEV_OPS_FORCE removes the device even when a process holds it
 *   (the kernel then waits until that process lets go)
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Removes an active mdev; its definition, if any, stays.
 *
 * Returns: %TRUE on success, %FALSE with %MDEV_ERROR_NOT_ACTIVE when it is
 *   not running, with %MDEV_ERROR_BUSY when a process holds it
 */
gboolean
mdev_ops_stop_full(MdevContext *ctx, const char *uuid, MdevOpsFlags flags, GPtrArray *ret_messages,
                   GError **error)
{
    g_autofree char *id = NULL;
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(MdevCallout) callout = NULL;
    g_autoptr(MdevDevice) described = NULL;
    MdevDevice *device;
    gboolean ok;
    int err = 0;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    id = mdev_util_uuid_canonicalize(uuid, error);
    if (id == NULL)
        return FALSE;
    inv = scan_devices(ctx, id, error);
    if (inv == NULL)
        return FALSE;
    device = mdev_inventory_get_device(inv, id, NULL);
    if (device == NULL || !device->active) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE, _("mdev '%s' is not active"), id);
        return FALSE;
    }
    lock = mdev_lock_acquire_one(ctx, device->parent, error);
    if (lock == NULL)
        return FALSE;

    /* the scripts see the definition when there is one */
    described = mdev_store_load_one(ctx, device->parent, id, NULL);
    if (described == NULL || g_strcmp0(described->type, device->type) != 0) {
        g_clear_pointer(&described, mdev_device_free);
        described = mdev_device_new(id, device->parent);
        described->type = g_strdup(device->type);
    }
    if (flags & MDEV_OPS_UNDEFINED_ONLY) {
        g_autoptr(GPtrArray) parents = mdev_store_find_parents(ctx, id, error);

        if (parents == NULL)
            return FALSE;
        if (parents->len > 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                        _("mdev '%1$s' was defined on parent '%2$s' meanwhile"), id,
                        (const char *) g_ptr_array_index(parents, 0));
            return FALSE;
        }
    }
    if (!(flags & MDEV_OPS_FORCE) && !mdev_use_check_idle(ctx, device, error))
        return FALSE;
    callout = mdev_callout_new(ctx, described);
    if (!callout_begin(callout, MDEV_CALLOUT_ACTION_STOP, ret_messages, error))
        return FALSE;
    ok = mdev_sysfs_remove_device(id, &err);
    if (!ok) {
        if (err == ENOENT || err == ENODEV)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE,
                        _("mdev '%1$s' on parent '%2$s' went away while it was being stopped: "
                          "%3$s"),
                        id, device->parent, g_strerror(err));
        else if (err == EBUSY || err == EAGAIN)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                        _("mdev '%1$s' on parent '%2$s' cannot be removed now, it is in use or "
                          "already being removed: %3$s"),
                        id, device->parent, g_strerror(err));
        else
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                        _("cannot remove mdev '%1$s' from parent '%2$s': %3$s"), id, device->parent,
                        g_strerror(err));
    }
    callout_end(callout, MDEV_CALLOUT_ACTION_STOP, ok, ret_messages);
    return ok;
}

static void
set_index_error(gint64 index, guint len, GError **error)
{
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_OUT_OF_RANGE,
                _("attribute index %1$lld is invalid: the definition has %2$u attributes"),
                (long long) index, len);
}

/* Applies @mod to @definition; a new type is resolved against the host as
 * it is now (@inv, read under the lock). */
static gboolean
apply_modification(MdevInventory *inv, MdevDevice *definition, const MdevModification *mod,
                   GError **error)
{
    guint len = definition->attrs->len;

    if (mod->replace) {
        if (!mdev_util_check_name("type", mod->replace->type, error) ||
            !check_attrs(mod->replace->attrs, error))
            return FALSE;
        g_free(definition->type);
        definition->type = g_strdup(mod->replace->type);
        definition->autostart = mod->replace->autostart;
        g_ptr_array_unref(definition->attrs);
        definition->attrs = mdev_attr_array_copy(mod->replace->attrs);
        return TRUE;
    }
    if (mod->type) {
        char *type_id = definition_type(inv, definition->parent, mod->type, error);

        if (type_id == NULL)
            return FALSE;
        g_free(definition->type);
        definition->type = type_id;
    }
    if (mod->autostart >= 0)
        definition->autostart = mod->autostart != 0;
    if (mod->add_attr) {
        if (!check_attr(mod->add_attr, mod->add_value, error))
            return FALSE;
        if (mod->index > (gint64) len) {
            set_index_error(mod->index, len, error);
            return FALSE;
        }
        g_ptr_array_insert(definition->attrs, mod->index < 0 ? -1 : (gint) mod->index,
                           mdev_attr_new(mod->add_attr, mod->add_value));
    }
    if (mod->del_attr) {
        if (len == 0 && mod->index < 0)
            return TRUE; /* nothing to remove, as with mdevctl */
        if (mod->index >= (gint64) len) {
            set_index_error(mod->index, len, error);
            return FALSE;
        }
        g_ptr_array_remove_index(definition->attrs, mod->index < 0 ? len - 1 : (guint) mod->index);
    }
    return TRUE;
}

/* The definition a replacing modify starts from, under @parent's lock: the
 * stored one, or a new one when there is none. */
static MdevDevice *
lock_or_new_definition(MdevContext *ctx, const char *id, const char *parent, MdevLock **ret_lock,
                       GError **error)
{
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(GError) local = NULL;
    MdevDevice *definition;

    if (parent == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("mdev '%s': replacing a definition needs its parent"), id);
        return NULL;
    }
    lock = mdev_lock_acquire_one(ctx, parent, error);
    if (lock == NULL)
        return NULL;
    definition = mdev_store_load_one(ctx, parent, id, &local);
    if (definition == NULL && !g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    if (definition == NULL)
        definition = mdev_device_new(id, parent);
    *ret_lock = g_steal_pointer(&lock);
    return definition;
}

/* A VF vGPU definition has one attribute, vgpu_params: --attr sets it,
 * --del-attr removes it. */
static gboolean
modify_vgpu(MdevContext *ctx, const char *id, const char *parent,
            const MdevModification *modification, GPtrArray *ret_messages, GError **error)
{
    const char *params = NULL;
    gboolean set_params = FALSE;

    if (modification->replace) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is an NVIDIA VF vGPU definition, which cannot be replaced by an "
                      "mdev definition"),
                    id);
        return FALSE;
    }
    if (modification->add_attr) {
        if (strcmp(modification->add_attr, "vgpu_params") != 0 &&
            strcmp(modification->add_attr, "nvidia/vgpu_params") != 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("an NVIDIA VF vGPU has no attribute '%s', only vgpu_params"),
                        modification->add_attr);
            return FALSE;
        }
        params = modification->add_value;
        set_params = TRUE;
    } else if (modification->del_attr) {
        set_params = TRUE;
    }
    if (modification->index > 0) {
        set_index_error(modification->index, 1, error);
        return FALSE;
    }
    return mdev_vgpu_modify(ctx, id, parent, modification->type, modification->address,
                            modification->autostart, set_params, params, ret_messages, error);
}

/**
 * mdev_ops_modify:
 * @ctx: a context
 * @uuid: a defined mdev's UUID
 * @parent: (nullable): the parent, needed when @uuid is defined on several
 *   and when @modification replaces the definition
 * @modification: what to change
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Changes a definition (never the running device) and writes it back
 * atomically. The definition is read, changed and written under its
 * parent's lock, so concurrent modifications all take effect. A new type is
 * resolved as mdev_ops_create() does: a name becomes its id, and a type the
 * (present) parent does not offer is refused.
 *
 * Returns: %TRUE on success; %FALSE with %MDEV_ERROR_OUT_OF_RANGE for an
 *   attribute index beyond the definition's attributes
 */
gboolean
mdev_ops_modify(MdevContext *ctx, const char *uuid, const char *parent,
                const MdevModification *modification, GPtrArray *ret_messages, GError **error)
{
    g_autofree char *id = NULL;
    g_autoptr(MdevDevice) definition = NULL;
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(MdevCallout) callout = NULL;
    gboolean ok;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    id = check_target(uuid, parent, error);
    if (id == NULL)
        return FALSE;
    if (is_vgpu_definition(ctx, id, parent))
        return modify_vgpu(ctx, id, parent, modification, ret_messages, error);
    if (modification->address && modification->replace == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is an mdev definition: only an NVIDIA VF vGPU definition is "
                      "pinned to a VF"),
                    id);
        return FALSE;
    }
    if (modification->replace)
        definition = lock_or_new_definition(ctx, id, parent, &lock, error);
    else
        definition = lock_definition(ctx, id, parent, &lock, error);
    if (definition == NULL)
        return FALSE;
    if (modification->type && modification->replace == NULL) {
        inv = scan(ctx, NULL, id, NULL, error);
        if (inv == NULL)
            return FALSE;
    }
    if (!apply_modification(inv, definition, modification, error))
        return FALSE;
    callout = mdev_callout_new(ctx, definition);
    if (!callout_begin(callout, MDEV_CALLOUT_ACTION_MODIFY, ret_messages, error))
        return FALSE;
    ok = mdev_store_save(ctx, definition, error);
    callout_end(callout, MDEV_CALLOUT_ACTION_MODIFY, ok, ret_messages);
    return ok;
}

/**
 * mdev_ops_set_autostart:
 * @ctx: a context
 * @uuid: a defined mdev's UUID
 * @parent: (nullable): the parent, needed when @uuid is defined on several
 * @autostart: the new start mode
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
mdev_ops_set_autostart(MdevContext *ctx, const char *uuid, const char *parent, gboolean autostart,
                       GPtrArray *ret_messages, GError **error)
{
    MdevModification mod = MDEV_MODIFICATION_INIT;

    mod.autostart = autostart ? 1 : 0;
    return mdev_ops_modify(ctx, uuid, parent, &mod, ret_messages, error);
}

/**
 * mdev_ops_skipped_free:
 * @skipped: (nullable): a skipped definition
 */
void
mdev_ops_skipped_free(MdevOpsSkipped *skipped)
{
    if (skipped == NULL)
        return;
    g_free(skipped->uuid);
    g_free(skipped);
}

static void
add_skipped(GPtrArray *skipped, const char *uuid, MdevOpsSkipReason reason)
{
    MdevOpsSkipped *s;

    if (skipped == NULL)
        return;
    s = g_new0(MdevOpsSkipped, 1);
    s->uuid = g_strdup(uuid);
    s->reason = reason;
    g_ptr_array_add(skipped, s);
}

/* The mdev part of mdev_ops_start_parent(). */
static gboolean
start_parent_mdevs(MdevContext *ctx, const char *parent, guint *ret_started,
                   GPtrArray *ret_skipped, GPtrArray *ret_messages, GError **error)
{
    g_autoptr(GPtrArray) definitions = NULL;
    g_autoptr(GPtrArray) autos = g_ptr_array_new();
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(GError) local = NULL;
    MdevParent *p;
    guint failed = 0, started = 0;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!mdev_util_check_name("parent", parent, error))
        return FALSE;
    if (ret_started)
        *ret_started = 0;
    lock = mdev_lock_acquire_one(ctx, parent, error);
    if (lock == NULL)
        return FALSE;
    definitions = mdev_store_load(ctx, parent, NULL, ret_messages, error);
    if (definitions == NULL)
        return FALSE;
    for (guint i = 0; i < definitions->len; i++) {
        MdevDevice *d = g_ptr_array_index(definitions, i);
        if (d->autostart)
            g_ptr_array_add(autos, d);
        else
            add_skipped(ret_skipped, d->uuid, MDEV_OPS_SKIP_MANUAL);
    }
    if (autos->len == 0)
        return TRUE;

    inv = scan(ctx, parent, NULL, ret_messages, &local);
    p = inv ? mdev_inventory_get_parent(inv, parent) : NULL;
    if (p == NULL || !p->registered) {
        g_debug("parent '%s' is not registered yet: no mdev started", parent);
        for (guint i = 0; i < autos->len; i++)
            add_skipped(ret_skipped, ((MdevDevice *) g_ptr_array_index(autos, i))->uuid,
                        MDEV_OPS_SKIP_UNREGISTERED);
        return TRUE;
    }
    for (guint i = 0; i < autos->len; i++) {
        MdevDevice *d = g_ptr_array_index(autos, i);
        MdevDevice *running = mdev_inventory_get_device(inv, d->uuid, NULL);
        g_autoptr(GError) failure = NULL;

        if (running && running->active && strcmp(running->parent, parent) == 0 &&
            g_strcmp0(running->type, d->type) == 0) {
            add_skipped(ret_skipped, d->uuid, MDEV_OPS_SKIP_RUNNING); /* a repeated event */
            continue;
        }
        if (!start_with_callouts(ctx, inv, p, d, ret_messages, &failure)) {
            failed++;
            if (ret_messages)
                g_ptr_array_add(ret_messages,
                                g_strdup_printf(_("cannot start mdev '%1$s' on parent '%2$s': "
                                                  "%3$s"),
                                                d->uuid, parent, failure->message));
            continue;
        }
        started++;
        /* the next one must see this one as active and its capacity used */
        g_clear_pointer(&inv, mdev_inventory_free);
        inv = scan(ctx, parent, NULL, NULL, &local);
        p = inv ? mdev_inventory_get_parent(inv, parent) : NULL;
        if (p == NULL) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
    }
    if (ret_started)
        *ret_started = started;
    if (failed > 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                    g_dngettext(GETTEXT_PACKAGE,
                                "%1$u of %2$u autostart mdev of parent '%3$s' failed to start",
                                "%1$u of %2$u autostart mdevs of parent '%3$s' failed to start",
                                autos->len),
                    failed, autos->len, parent);
        return FALSE;
    }
    return TRUE;
}

/**
 * mdev_ops_start_parent:
 * @ctx: a context
 * @parent: a parent's name
 * @ret_started: (out) (optional): how many mdevs were started
 * @ret_skipped: (nullable) (element-type MdevOpsSkipped): receives the
 *   parent's mdev definitions that were not started because nothing needed
 *   doing, with the reason (free function mdev_ops_skipped_free())
 * @ret_messages: (nullable) (element-type utf8): receives warnings, one per
 *   definition that failed
 * @error: return location for a #GError
 *
 * Starts the parent's "auto" definitions in UUID order, skipping those that
 * already run with the same parent and type, all under the parent's lock so
 * that repeated udev events (add, then change) are harmless. One failure
 * does not stop the others. A parent that is absent or not registered yet
 * starts nothing and is not an error: its registration event comes later.
 *
 * @parent may also be an NVIDIA card of the VF model, or one of its VFs:
 * then the card's "auto" VF vGPU definitions are started as well
 * (mdev_vgpu_start_card()).
 *
 * Returns: %TRUE when nothing failed, else %FALSE with an error counting the
 *   failures (each one is in @ret_messages)
 */
gboolean
mdev_ops_start_parent(MdevContext *ctx, const char *parent, guint *ret_started,
                      GPtrArray *ret_skipped, GPtrArray *ret_messages, GError **error)
{
    g_autofree char *card = NULL;
    g_autoptr(GError) local = NULL;
    guint mdevs = 0, vgpus = 0;
    gboolean ok;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (ret_started)
        *ret_started = 0;
    ok = start_parent_mdevs(ctx, parent, &mdevs, ret_skipped, ret_messages, error);
    if (mdev_nvidia_address_is_valid(parent)) {
        card = mdev_vgpu_dup_card_of_vf(parent);
        if (!mdev_vgpu_start_card(ctx, card ? card : parent, &vgpus, ret_messages, &local)) {
            if (ok)
                g_propagate_error(error, g_steal_pointer(&local));
            else if (ret_messages)
                g_ptr_array_add(ret_messages, g_strdup(local->message));
            ok = FALSE;
        }
    }
    if (ret_started)
        *ret_started = mdevs + vgpus;
    return ok;
}
