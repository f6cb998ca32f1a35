/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-attach.h"

#include "mdev-discovery.h"
#include "mdev-domain.h"
#include "mdev-error.h"
#include "mdev-ops.h"
#include "mdev-store.h"
#include "mdev-nvidia.h"
#include "mdev-use.h"
#include "mdev-vgpu.h"
#include "mdev-xml-parse.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The devices one domain XML document claims, added to @claims (UUID or VF
 * address -> domain name): its mdev and PCI hostdevs and its metadata. */
static gboolean
add_claims(GHashTable *claims, const char *domain_name, const char *xml, GError **error)
{
    g_autoptr(MdevDomain) parsed = mdev_domain_parse(xml, -1, error);

    if (parsed == NULL) {
        g_prefix_error(error, _("domain '%s': "), domain_name);
        return FALSE;
    }
    for (guint i = 0; i < parsed->mdevs->len; i++) {
        const MdevDomainHostdev *hostdev = g_ptr_array_index(parsed->mdevs, i);

        g_hash_table_replace(claims, g_strdup(hostdev->uuid), g_strdup(domain_name));
    }
    for (guint i = 0; i < parsed->pci->len; i++)
        g_hash_table_replace(claims, g_strdup(g_ptr_array_index(parsed->pci, i)),
                             g_strdup(domain_name));
    for (guint i = 0; i < parsed->devices->len; i++) {
        const MdevDomainDevice *device = g_ptr_array_index(parsed->devices, i);

        g_hash_table_replace(claims, g_strdup(device->uuid ? device->uuid : device->address),
                             g_strdup(domain_name));
    }
    return TRUE;
}

/**
 * mdev_attach_dup_claims:
 * @connection: a connection
 * @error: return location for a #GError
 *
 * Every claim a domain of @connection has on a device: the mdev and PCI
 * hostdevs and the mdevtool metadata of its persistent definition and of
 * what runs, for every domain, persistent or running.
 *
 * Returns: (transfer full) (element-type utf8 utf8): UUID or VF address ->
 *   domain name, or %NULL
 */
GHashTable *
mdev_attach_dup_claims(MdevVirtConnection *connection, GError **error)
{
    g_autoptr(GHashTable) claims = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) domains = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    domains = mdev_virt_list_domains(connection, error);
    if (domains == NULL)
        return NULL;
    for (guint i = 0; i < domains->len; i++) {
        MdevVirtDomain *domain = g_ptr_array_index(domains, i);
        const char *name = mdev_virt_domain_get_name(domain);
        const MdevVirtScope scopes[] = { MDEV_VIRT_CONFIG, MDEV_VIRT_LIVE };

        /* the live XML of a domain that does not run is its definition
         * again: read twice, claimed once */
        for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
            g_autoptr(GError) xml_error = NULL;
            g_autofree char *xml = mdev_virt_domain_dup_xml(domain, scopes[s], &xml_error);

            /* a domain undefined meanwhile claims nothing */
            if (g_error_matches(xml_error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
                break;
            if (xml == NULL) {
                g_propagate_error(error, g_steal_pointer(&xml_error));
                return NULL;
            }
            if (!add_claims(claims, name, xml, error))
                return NULL;
        }
    }
    return g_steal_pointer(&claims);
}

/* One scope's view of a domain, parsed. */
static MdevDomain *
read_domain(MdevVirtDomain *domain, MdevVirtScope scope, GError **error)
{
    g_autofree char *xml = mdev_virt_domain_dup_xml(domain, scope, error);
    MdevDomain *parsed;

    if (xml == NULL)
        return NULL;
    parsed = mdev_domain_parse(xml, -1, error);
    if (parsed == NULL)
        g_prefix_error(error, _("domain '%s': "), mdev_virt_domain_get_name(domain));
    return parsed;
}

static gboolean
has_string(GPtrArray *strings, const char *value)
{
    for (guint i = 0; i < strings->len; i++) {
        if (strcmp(g_ptr_array_index(strings, i), value) == 0)
            return TRUE;
    }
    return FALSE;
}

static const MdevDomainHostdev *
find_hostdev(const MdevDomain *domain, const char *uuid)
{
    for (guint i = 0; i < domain->mdevs->len; i++) {
        const MdevDomainHostdev *hostdev = g_ptr_array_index(domain->mdevs, i);

        if (strcmp(hostdev->uuid, uuid) == 0)
            return hostdev;
    }
    return NULL;
}

static int
find_metadata_device(GPtrArray *devices, const char *uuid)
{
    for (guint i = 0; i < devices->len; i++) {
        const MdevDomainDevice *device = g_ptr_array_index(devices, i);

        if (device->uuid && strcmp(device->uuid, uuid) == 0)
            return (int) i;
    }
    return -1;
}

static int
find_metadata_address(GPtrArray *devices, const char *address)
{
    for (guint i = 0; i < devices->len; i++) {
        const MdevDomainDevice *device = g_ptr_array_index(devices, i);

        if (device->address && strcmp(device->address, address) == 0)
            return (int) i;
    }
    return -1;
}

/* The metadata element as virDomainSetMetadata() takes it: libvirt puts
 * the element and its descendants in the namespace itself and refuses a
 * document that declares the prefix already. The formatter escapes '<' in
 * values, so every "<mdevtool:" and "</mdevtool:" is markup. */
static char *
format_for_libvirt(GPtrArray *devices)
{
    g_autofree char *xml = mdev_domain_format_metadata(devices);
    g_auto(GStrv) parts = NULL;
    g_autofree char *joined = NULL;

    parts = g_strsplit(xml, " xmlns:" MDEV_DOMAIN_METADATA_PREFIX "=\"" MDEV_DOMAIN_METADATA_NS "\"",
                       2);
    joined = g_strjoinv("", parts);
    g_strfreev(g_steal_pointer(&parts));
    parts = g_strsplit(joined, "<" MDEV_DOMAIN_METADATA_PREFIX ":", -1);
    g_free(joined);
    joined = g_strjoinv("<", parts);
    g_strfreev(g_steal_pointer(&parts));
    parts = g_strsplit(joined, "</" MDEV_DOMAIN_METADATA_PREFIX ":", -1);
    g_clear_pointer(&joined, g_free);
    return g_strjoinv("</", parts);
}

/* Stores @devices as the domain's mdevtool metadata in @scope: none left
 * removes the element. */
static gboolean
store_metadata(MdevVirtDomain *domain, GPtrArray *devices, MdevVirtScope scope, GError **error)
{
    g_autofree char *xml = devices->len > 0 ? format_for_libvirt(devices) : NULL;

    return mdev_virt_domain_set_metadata(domain, xml, MDEV_DOMAIN_METADATA_PREFIX,
                                         MDEV_DOMAIN_METADATA_NS, scope, error);
}

/* The device of @uuid as the inventory and the store know it: active,
 * defined, or both. */
static MdevDevice *
find_device(MdevContext *ctx, const char *uuid, GError **error)
{
    const char *uuids[] = { uuid, NULL };
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) parents = NULL;
    g_autoptr(MdevDevice) found = NULL;
    MdevDevice *active;

    inv = mdev_discovery_scan_uuids(ctx, MDEV_DISCOVERY_DEVICES, uuids, error);
    if (inv == NULL)
        return NULL;
    active = mdev_inventory_get_device(inv, uuid, NULL);
    parents = mdev_store_find_parents(ctx, uuid, NULL);
    if (parents && parents->len > 1 && (active == NULL || !has_string(parents, active->parent))) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                    _("mdev '%s' is defined under several parents"), uuid);
        return NULL;
    }
    if (active) {
        found = mdev_device_copy(active);
    } else if (parents && parents->len == 1) {
        found = mdev_store_load_one(ctx, g_ptr_array_index(parents, 0), uuid, error);
        if (found == NULL)
            return NULL;
    } else {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("mdev '%s' is neither active nor defined"), uuid);
        return NULL;
    }
    /* the definition's attributes, which the metadata repeats */
    if (parents && parents->len > 0 && (found->attrs == NULL || found->attrs->len == 0)) {
        g_autoptr(MdevDevice) definition = mdev_store_load_one(ctx, found->parent, uuid, NULL);

        if (definition && definition->attrs) {
            g_clear_pointer(&found->attrs, g_ptr_array_unref);
            found->attrs = mdev_attr_array_copy(definition->attrs);
        }
        found->defined = TRUE;
    }
    return g_steal_pointer(&found);
}

/* Undoes what mdev_attach_add() made on the host before libvirt refused. */
static void
undo_device(MdevContext *ctx, const char *uuid, const char *parent, gboolean started,
            gboolean defined)
{
    if (started)
        (void) mdev_ops_stop(ctx, uuid, NULL, NULL);
    if (defined)
        (void) mdev_ops_undefine(ctx, uuid, parent, NULL, NULL);
}

static gboolean
check_domain(MdevVirtDomain *domain, MdevVirtScope scope, gboolean *ret_active, GError **error)
{
    gboolean active;
    gboolean persistent;

    if (!mdev_virt_domain_get_state(domain, &active, &persistent, error))
        return FALSE;
    if ((scope & MDEV_VIRT_LIVE) && !active) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE,
                    _("domain '%s' is not running: --live needs a running domain"),
                    mdev_virt_domain_get_name(domain));
        return FALSE;
    }
    if ((scope & MDEV_VIRT_CONFIG) && !persistent) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("domain '%s' is transient: it has no persistent definition to change, "
                      "only --live"),
                    mdev_virt_domain_get_name(domain));
        return FALSE;
    }
    *ret_active = active;
    return TRUE;
}

/* Takes @entry out of @domain's metadata in @scope again. */
static void
take_metadata_back(MdevVirtDomain *domain, const MdevDomainDevice *entry, MdevVirtScope scope)
{
    g_autoptr(MdevDomain) parsed = read_domain(domain, scope, NULL);
    int at;

    if (parsed == NULL)
        return;
    at = entry->uuid ? find_metadata_device(parsed->devices, entry->uuid)
                     : find_metadata_address(parsed->devices, entry->address);
    if (at < 0)
        return;
    g_ptr_array_remove_index(parsed->devices, (guint) at);
    (void) store_metadata(domain, parsed->devices, scope, NULL);
}

/* Adds @hostdev and @entry to @domain's metadata in each scope of @scope;
 * when libvirt refuses, takes back what it took, also in a scope that took
 * both before a later one failed. */
static gboolean
give_to_domain(MdevVirtDomain *domain, const char *hostdev, const MdevDomainDevice *entry,
               MdevVirtScope scope, GError **error)
{
    const MdevVirtScope scopes[] = { MDEV_VIRT_CONFIG, MDEV_VIRT_LIVE };
    MdevVirtScope attached = 0;
    MdevVirtScope stored = 0;
    g_autoptr(GError) local = NULL;

    for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
        g_autoptr(MdevDomain) parsed = NULL;

        if (!(scope & scopes[s]))
            continue;
        parsed = read_domain(domain, scopes[s], &local);
        if (parsed == NULL)
            break;
        if (!mdev_virt_domain_attach_device(domain, hostdev, scopes[s], &local))
            break;
        attached |= scopes[s];
        g_ptr_array_add(parsed->devices, mdev_domain_device_copy(entry));
        if (!store_metadata(domain, parsed->devices, scopes[s], &local))
            break;
        stored |= scopes[s];
    }
    if (local == NULL)
        return TRUE;
    for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
        if (attached & scopes[s])
            (void) mdev_virt_domain_detach_device(domain, hostdev, scopes[s], NULL);
        if (stored & scopes[s])
            take_metadata_back(domain, entry, scopes[s]);
    }
    g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}

/* An NVIDIA VF vGPU for mdev_attach_add(): the running one at @address, or
 * (@address %NULL) a new one of @request's type, made now whatever the
 * scope, because a PCI hostdev names a VF that must exist. */
static MdevDevice *
attach_vgpu(MdevContext *ctx, MdevVirtDomain *domain, GHashTable *claims, const char *address,
            const MdevAttachRequest *request, GError **error)
{
    g_autoptr(MdevDevice) device = NULL;
    g_autoptr(MdevDomainDevice) entry = NULL;
    g_autofree char *hostdev = NULL;
    g_autoptr(GError) local = NULL;
    gboolean created = FALSE;

    if (request->model || request->display != MDEV_XML_SWITCH_DEFAULT ||
        request->ramfb != MDEV_XML_SWITCH_DEFAULT) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("a model, display or ramfb applies to mdevs, not to an NVIDIA VF vGPU"));
        return NULL;
    }
    if (address) {
        g_autoptr(MdevParent) node = NULL;
        const char *owner = g_hash_table_lookup(claims, address);
        guint type = 0;

        if (owner) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                        _("VF '%1$s' belongs to domain '%2$s' already"), address, owner);
            return NULL;
        }
        node = mdev_nvidia_read_vf_node(address, &type, error);
        if (node == NULL)
            return NULL;
        device = mdev_device_new(NULL, node->physfn);
        device->address = g_strdup(address);
        device->type = type ? mdev_nvidia_type_name(type) : NULL;
        device->iommu_group = node->iommu_group;
        device->syspath = g_strdup(node->syspath);
        device->active = TRUE;
        /* a VF another process holds is not free to give away */
        if (type != 0 && !mdev_use_check_idle(ctx, device, error))
            return NULL;
    } else {
        g_autofree char *card = NULL;
        g_autofree char *type = NULL;
        g_autofree char *made = mdev_vgpu_create(ctx, request->parent, request->type,
                                                 request->attrs, MDEV_PLACEMENT_PACK, &card,
                                                 &type, error);

        if (made == NULL)
            return NULL;
        created = TRUE;
        device = mdev_device_new(NULL, card);
        device->address = g_steal_pointer(&made);
        device->type = g_steal_pointer(&type);
    }
    device->active = TRUE;

    hostdev = mdev_xml_host_dump_vf_hostdev(device->address, &local);
    if (hostdev) {
        entry = mdev_domain_device_new(NULL, device->address, device->type, device->parent);
        if (request->attrs) {
            g_ptr_array_unref(entry->attrs);
            entry->attrs = mdev_attr_array_copy(request->attrs);
        }
    }
    if (hostdev == NULL || !give_to_domain(domain, hostdev, entry, request->scope, &local)) {
        if (created)
            (void) mdev_vgpu_stop(ctx, device->address, NULL, NULL);
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    return g_steal_pointer(&device);
}

/**
 * mdev_attach_add:
 * @ctx: a context
 * @connection: the connection of the domain
 * @domain_name: the domain's name or UUID
 * @request: the device and its hostdev
 * @ret_domain: (out) (optional): the domain's name
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Gives a device to a domain: its `<hostdev>` and its mdevtool metadata
 * device, in the persistent definition and, with %MDEV_VIRT_LIVE, in the
 * running domain, after starting the device. A new device (@request has a
 * type) is defined first. When libvirt refuses, what this call made on the
 * host is undone.
 *
 * An NVIDIA VF vGPU (@request's uuid is a VF's address, or its type one a
 * card of the VF model offers) is given as a PCI `<hostdev>` with
 * managed='no'; a new one is created at once, whatever the scope, and not
 * defined.
 *
 * Returns: (transfer full): the device (UUID or VF address, parent, type),
 *   or %NULL
 */
MdevDevice *
mdev_attach_add(MdevContext *ctx, MdevVirtConnection *connection, const char *domain_name,
                const MdevAttachRequest *request, char **ret_domain, GPtrArray *ret_messages,
                GError **error)
{
    g_autoptr(MdevVirtDomain) domain = NULL;
    g_autoptr(GHashTable) claims = NULL;
    g_autoptr(MdevDevice) device = NULL;
    g_autofree char *hostdev = NULL;
    g_autoptr(MdevDomainDevice) entry = NULL;
    g_autofree char *vf = NULL;
    g_autoptr(GError) local = NULL;
    gboolean active;
    gboolean made_definition = FALSE;
    gboolean started = FALSE;
    const char *owner;

    g_return_val_if_fail(request->uuid != NULL || request->type != NULL, NULL);
    g_return_val_if_fail(request->scope != 0, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    domain = mdev_virt_domain_lookup(connection, domain_name, error);
    if (domain == NULL || !check_domain(domain, request->scope, &active, error))
        return NULL;
    claims = mdev_attach_dup_claims(connection, error);
    if (claims == NULL)
        return NULL;

    vf = request->uuid ? mdev_xml_host_parse_vf_address(request->uuid) : NULL;
    if (vf || (request->uuid == NULL &&
               mdev_vgpu_offers_type(ctx, request->parent, request->type))) {
        device = attach_vgpu(ctx, domain, claims, vf, request, error);
        if (device && ret_domain)
            *ret_domain = g_strdup(mdev_virt_domain_get_name(domain));
        return g_steal_pointer(&device);
    }
    if (request->uuid) {
        g_autofree char *uuid = mdev_xml_parse_uuid(request->uuid, error);

        if (uuid == NULL)
            return NULL;
        owner = g_hash_table_lookup(claims, uuid);
        if (owner) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                        _("mdev '%1$s' belongs to domain '%2$s' already"), uuid, owner);
            return NULL;
        }
        device = find_device(ctx, uuid, error);
        if (device == NULL)
            return NULL;
        /* a device another process holds is not free to give away */
        if (device->active && !mdev_use_check_idle(ctx, device, error))
            return NULL;
    } else {
        g_autofree char *parent = NULL;
        g_autofree char *uuid = mdev_ops_define(ctx, request->parent, request->type, NULL, FALSE,
                                                request->attrs, MDEV_PLACEMENT_PACK,
                                                MDEV_OPS_NONE, &parent, NULL, ret_messages, error);

        if (uuid == NULL)
            return NULL;
        made_definition = TRUE;
        device = mdev_store_load_one(ctx, parent, uuid, &local);
        if (device == NULL) {
            undo_device(ctx, uuid, parent, FALSE, TRUE);
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
    }

    hostdev = mdev_xml_host_dump_hostdev(ctx, device->uuid, request->model, request->display,
                                         request->ramfb, NULL, &local);
    if (hostdev && (request->scope & MDEV_VIRT_LIVE) && !device->active) {
        started = mdev_ops_start(ctx, device->uuid, device->parent, ret_messages, &local);
        if (!started)
            g_clear_pointer(&hostdev, g_free);
    }
    if (hostdev == NULL) {
        undo_device(ctx, device->uuid, device->parent, FALSE, made_definition);
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    entry = mdev_domain_device_new(device->uuid, NULL, device->type, device->parent);
    if (device->attrs) {
        g_ptr_array_unref(entry->attrs);
        entry->attrs = mdev_attr_array_copy(device->attrs);
    }

    if (!give_to_domain(domain, hostdev, entry, request->scope, &local)) {
        undo_device(ctx, device->uuid, device->parent, started, made_definition);
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    if (ret_domain)
        *ret_domain = g_strdup(mdev_virt_domain_get_name(domain));
    return g_steal_pointer(&device);
}

/* mdev_attach_remove() for the NVIDIA VF vGPU at @address. */
static gboolean
remove_vgpu(MdevContext *ctx, MdevVirtDomain *domain, const char *address, MdevVirtScope scope,
            gboolean active, gboolean keep, GPtrArray *ret_messages, GError **error)
{
    const MdevVirtScope scopes[] = { MDEV_VIRT_CONFIG, MDEV_VIRT_LIVE };
    MdevDomain *views[G_N_ELEMENTS(scopes)] = { NULL, NULL };
    g_autofree char *hostdev = NULL;
    gboolean found = FALSE;
    gboolean ok = FALSE;

    for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
        if (!(scope & scopes[s]))
            continue;
        views[s] = read_domain(domain, scopes[s], error);
        if (views[s] == NULL)
            goto out;
        found = found || has_string(views[s]->pci, address) ||
                find_metadata_address(views[s]->devices, address) >= 0;
    }
    if (!found) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("VF '%1$s' does not belong to domain '%2$s'"), address,
                    mdev_virt_domain_get_name(domain));
        goto out;
    }
    if (!keep && active && !(scope & MDEV_VIRT_LIVE)) {
        g_autoptr(MdevDomain) live = read_domain(domain, MDEV_VIRT_LIVE, error);

        if (live == NULL)
            goto out;
        if (has_string(live->pci, address)) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                        _("VF '%1$s' is in use by the running domain '%2$s': detach it with "
                          "--live too, or keep it with --keep"),
                        address, mdev_virt_domain_get_name(domain));
            goto out;
        }
    }
    /* libvirt matches a PCI hostdev by its source address */
    hostdev = mdev_xml_format_pci_hostdev(address, error);
    if (hostdev == NULL)
        goto out;
    for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
        int index;

        if (views[s] == NULL)
            continue;
        if (has_string(views[s]->pci, address) &&
            !mdev_virt_domain_detach_device(domain, hostdev, scopes[s], error))
            goto out;
        index = find_metadata_address(views[s]->devices, address);
        if (index >= 0) {
            g_ptr_array_remove_index(views[s]->devices, (guint) index);
            if (!store_metadata(domain, views[s]->devices, scopes[s], error))
                goto out;
        }
    }
    if (!keep) {
        g_autoptr(MdevParent) node = NULL;
        guint type = 0;

        node = mdev_nvidia_read_vf_node(address, &type, error);
        if (node == NULL)
            goto out;
        /* a VF without a vGPU has nothing left to destroy */
        if (type != 0 && !mdev_vgpu_stop(ctx, address, ret_messages, error))
            goto out;
    }
    ok = TRUE;
out:
    for (guint s = 0; s < G_N_ELEMENTS(scopes); s++)
        mdev_domain_free(views[s]);
    return ok;
}

/**
 * mdev_attach_remove:
 * @ctx: a context
 * @connection: the connection of the domain
 * @domain_name: the domain's name or UUID
 * @uuid: the mdev, or an NVIDIA VF vGPU's address
 * @scope: the persistent definition, the running domain, or both
 * @keep: leave the device itself alone
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Takes a device back from a domain: its `<hostdev>` and its metadata
 * device, in each scope of @scope. Unless @keep, the device is then
 * removed and undefined; a VF vGPU is destroyed (its definition, if any,
 * stays).
 *
 * Returns: %TRUE on success
 */
gboolean
mdev_attach_remove(MdevContext *ctx, MdevVirtConnection *connection, const char *domain_name,
                   const char *uuid, MdevVirtScope scope, gboolean keep, GPtrArray *ret_messages,
                   GError **error)
{
    g_autoptr(MdevVirtDomain) domain = NULL;
    g_autofree char *canonical = NULL;
    g_autofree char *vf = NULL;
    const MdevVirtScope scopes[] = { MDEV_VIRT_CONFIG, MDEV_VIRT_LIVE };
    MdevDomain *views[G_N_ELEMENTS(scopes)] = { NULL, NULL };
    gboolean active;
    gboolean found = FALSE;
    gboolean ok = FALSE;

    g_return_val_if_fail(scope != 0, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    vf = mdev_xml_host_parse_vf_address(uuid);
    if (vf) {
        domain = mdev_virt_domain_lookup(connection, domain_name, error);
        if (domain == NULL || !check_domain(domain, scope, &active, error))
            return FALSE;
        return remove_vgpu(ctx, domain, vf, scope, active, keep, ret_messages, error);
    }
    canonical = mdev_xml_parse_uuid(uuid, error);
    if (canonical == NULL)
        return FALSE;
    domain = mdev_virt_domain_lookup(connection, domain_name, error);
    if (domain == NULL || !check_domain(domain, scope, &active, error))
        return FALSE;

    for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
        if (!(scope & scopes[s]))
            continue;
        views[s] = read_domain(domain, scopes[s], error);
        if (views[s] == NULL)
            goto out;
        found = found || mdev_domain_has_mdev(views[s], canonical) ||
                find_metadata_device(views[s]->devices, canonical) >= 0;
    }
    if (!found) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("mdev '%1$s' does not belong to domain '%2$s'"), canonical,
                    mdev_virt_domain_get_name(domain));
        goto out;
    }
    /* the running domain keeps using a device detached from its
     * definition alone: it cannot be removed under it */
    if (!keep && active && !(scope & MDEV_VIRT_LIVE)) {
        g_autoptr(MdevDomain) live = read_domain(domain, MDEV_VIRT_LIVE, error);

        if (live == NULL)
            goto out;
        if (mdev_domain_has_mdev(live, canonical)) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                        _("mdev '%1$s' is in use by the running domain '%2$s': detach it with "
                          "--live too, or keep it with --keep"),
                        canonical, mdev_virt_domain_get_name(domain));
            goto out;
        }
    }

    for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
        const MdevDomainHostdev *present;
        int index;

        if (views[s] == NULL)
            continue;
        present = find_hostdev(views[s], canonical);
        /* libvirt matches the source address; the model is required */
        if (present) {
            g_autofree char *hostdev = g_strdup_printf(
                "<hostdev mode='subsystem' type='mdev' model='%s'><source>"
                "<address uuid='%s'/></source></hostdev>",
                present->model ? present->model : "vfio-pci", canonical);

            if (!mdev_virt_domain_detach_device(domain, hostdev, scopes[s], error))
                goto out;
        }
        index = find_metadata_device(views[s]->devices, canonical);
        if (index >= 0) {
            g_ptr_array_remove_index(views[s]->devices, (guint) index);
            if (!store_metadata(domain, views[s]->devices, scopes[s], error))
                goto out;
        }
    }

    if (!keep) {
        g_autoptr(GError) local = NULL;
        g_autoptr(MdevDevice) device = find_device(ctx, canonical, &local);

        if (device == NULL) {
            /* a device that no longer exists has nothing left to remove */
            if (!g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)) {
                g_propagate_error(error, g_steal_pointer(&local));
                goto out;
            }
        } else {
            if (device->active && !mdev_ops_stop(ctx, canonical, ret_messages, error))
                goto out;
            if (device->defined &&
                !mdev_ops_undefine(ctx, canonical, device->parent, ret_messages, error))
                goto out;
        }
    }
    ok = TRUE;
out:
    for (guint s = 0; s < G_N_ELEMENTS(scopes); s++)
        mdev_domain_free(views[s]);
    return ok;
}
