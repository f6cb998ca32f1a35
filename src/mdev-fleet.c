/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Other hosts' mdevs through libvirt's node-device API: the remote side
 * runs libvirt and mdevctl (or mdevtool installed as mdevctl), nothing of
 * mdevtool's own. */
#include "mdev-fleet.h"

#include "mdev-dlopen.h"
#include "mdev-error.h"
#include "mdev-util.h"
#include "mdev-xml-parse.h"
#include "mdev-xml.h"

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <stdlib.h>
#include <string.h>

/* VIR_NODE_DEVICE_XML_INACTIVE, which 9.0's headers lack (since 10.1) */
#define NODE_DEVICE_XML_INACTIVE (1 << 0)

MDEV_DLOPEN_DECLARE(virConnectListAllNodeDevices);
MDEV_DLOPEN_DECLARE(virNodeDeviceLookupByName);
MDEV_DLOPEN_DECLARE(virNodeDeviceGetName);
MDEV_DLOPEN_DECLARE(virNodeDeviceGetXMLDesc);
MDEV_DLOPEN_DECLARE(virNodeDeviceIsActive);
MDEV_DLOPEN_DECLARE(virNodeDeviceIsPersistent);
MDEV_DLOPEN_DECLARE(virNodeDeviceGetAutostart);
MDEV_DLOPEN_DECLARE(virNodeDeviceSetAutostart);
MDEV_DLOPEN_DECLARE(virNodeDeviceDefineXML);
MDEV_DLOPEN_DECLARE(virNodeDeviceCreateXML);
MDEV_DLOPEN_DECLARE(virNodeDeviceCreate);
MDEV_DLOPEN_DECLARE(virNodeDeviceDestroy);
MDEV_DLOPEN_DECLARE(virNodeDeviceUndefine);
MDEV_DLOPEN_DECLARE(virNodeDeviceFree);

static const MdevDlopenSymbol fleet_symbols[] = {
    MDEV_DLOPEN_SYMBOL(virConnectListAllNodeDevices), MDEV_DLOPEN_SYMBOL(virNodeDeviceLookupByName),
    MDEV_DLOPEN_SYMBOL(virNodeDeviceGetName),         MDEV_DLOPEN_SYMBOL(virNodeDeviceGetXMLDesc),
    MDEV_DLOPEN_SYMBOL(virNodeDeviceIsActive),        MDEV_DLOPEN_SYMBOL(virNodeDeviceIsPersistent),
    MDEV_DLOPEN_SYMBOL(virNodeDeviceGetAutostart),    MDEV_DLOPEN_SYMBOL(virNodeDeviceSetAutostart),
    MDEV_DLOPEN_SYMBOL(virNodeDeviceDefineXML),       MDEV_DLOPEN_SYMBOL(virNodeDeviceCreateXML),
    MDEV_DLOPEN_SYMBOL(virNodeDeviceCreate),          MDEV_DLOPEN_SYMBOL(virNodeDeviceDestroy),
    MDEV_DLOPEN_SYMBOL(virNodeDeviceUndefine),        MDEV_DLOPEN_SYMBOL(virNodeDeviceFree),
};
static MdevDlopenLibrary fleet_library = MDEV_DLOPEN_LIBRARY("libvirt.so.0", fleet_symbols);

static gboolean
load(GError **error)
{
    return mdev_virt_load(error) && mdev_dlopen_load(&fleet_library, error);
}

static virConnectPtr
conn_of(MdevVirtConnection *connection)
{
    return mdev_virt_connection_get_handle(connection);
}

static void
free_node_device(virNodeDevicePtr dev)
{
    if (dev)
        sym_virNodeDeviceFree(dev);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNodeDevice, free_node_device)

static char *
get_xml(MdevVirtConnection *connection, virNodeDevicePtr dev, unsigned int flags, GError **error)
{
    char *xml = sym_virNodeDeviceGetXMLDesc(dev, flags);
    char *copy;

    if (xml == NULL) {
        mdev_virt_connection_set_error(connection, error, _("cannot read a node device"));
        return NULL;
    }
    /* libvirt's memory goes back to libvirt's allocator (free) */
    copy = g_strdup(xml);
    free(xml);
    return copy;
}

/* Lists the devices with capability @cap; on success the caller frees
 * each device and the array. */
static int
list_devices(MdevVirtConnection *connection, unsigned int cap, virNodeDevicePtr **ret_devs,
             GError **error)
{
    int n = sym_virConnectListAllNodeDevices(conn_of(connection), ret_devs, cap);

    if (n < 0)
        mdev_virt_connection_set_error(connection, error, _("cannot list node devices"));
    return n;
}

static gboolean
scan_parents(MdevVirtConnection *connection, MdevFleetInventory *inventory, GError **error)
{
    virNodeDevicePtr *devs = NULL;
    int n = list_devices(connection, VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV_TYPES, &devs, error);

    if (n < 0)
        return FALSE;
    for (int i = 0; i < n; i++) {
        g_autoptr(GError) local = NULL;
        g_autofree char *xml = get_xml(connection, devs[i], 0, &local);
        g_autoptr(MdevParent) parent = xml ? mdev_xml_parse_parent(xml, -1, &local) : NULL;

        if (parent == NULL) {
            g_ptr_array_add(inventory->inv->problems,
                            g_strdup_printf(_("%1$s: node device '%2$s' skipped: %3$s"),
                                            mdev_virt_connection_get_uri(connection),
                                            sym_virNodeDeviceGetName(devs[i]), local->message));
        } else if (mdev_inventory_get_parent(inventory->inv, parent->name) == NULL) {
            g_hash_table_insert(inventory->parent_nodedevs, g_strdup(parent->name),
                                g_strdup(sym_virNodeDeviceGetName(devs[i])));
            g_ptr_array_add(inventory->inv->parents, g_steal_pointer(&parent));
        }
        sym_virNodeDeviceFree(devs[i]);
    }
    free(devs);
    g_ptr_array_sort(inventory->inv->parents, mdev_parent_compare);
    return TRUE;
}

static gboolean
scan_devices(MdevVirtConnection *connection, MdevFleetInventory *inventory, GError **error)
{
    virNodeDevicePtr *devs = NULL;
    int n = list_devices(connection, VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV, &devs, error);

    if (n < 0)
        return FALSE;
    for (int i = 0; i < n; i++) {
        g_autoptr(GError) local = NULL;
        g_autofree char *xml = get_xml(connection, devs[i], 0, &local);
        g_autoptr(MdevDevice) device = xml ? mdev_xml_parse_listed_device(xml, -1, &local) : NULL;
        int autostart = 0;

        if (device == NULL) {
            g_ptr_array_add(inventory->inv->problems,
                            g_strdup_printf(_("%1$s: node device '%2$s' skipped: %3$s"),
                                            mdev_virt_connection_get_uri(connection),
                                            sym_virNodeDeviceGetName(devs[i]), local->message));
            sym_virNodeDeviceFree(devs[i]);
            continue;
        }
        device->active = sym_virNodeDeviceIsActive(devs[i]) == 1;
        device->defined = sym_virNodeDeviceIsPersistent(devs[i]) == 1;
        device->autostart =
            device->defined && sym_virNodeDeviceGetAutostart(devs[i], &autostart) == 0 && autostart;
        /* libvirt prints group 0 for a device that is not running */
        if (!device->active)
            device->iommu_group = -1;
        g_ptr_array_add(inventory->inv->devices, g_steal_pointer(&device));
        sym_virNodeDeviceFree(devs[i]);
    }
    free(devs);
    g_ptr_array_sort(inventory->inv->devices, mdev_device_compare);
    return TRUE;
}

/**
 * mdev_fleet_scan:
 * @connection: an open connection
 * @flags: what to list
 * @error: return location for a #GError
 *
 * Lists a host's parents (devices with the mdev_types capability) and its
 * mdevs, active and defined, into the records the local scan produces.
 * A node device whose document cannot be read is skipped and named in the
 * inventory's problems.
 *
 * Returns: (transfer full): the inventory, or %NULL with @error naming
 *   the URI and libvirt's message
 */
MdevFleetInventory *
mdev_fleet_scan(MdevVirtConnection *connection, MdevFleetScanFlags flags, GError **error)
{
    g_autoptr(MdevFleetInventory) inventory = NULL;

    g_return_val_if_fail(connection != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!load(error))
        return NULL;
    inventory = g_new0(MdevFleetInventory, 1);
    inventory->inv = mdev_inventory_new();
    inventory->parent_nodedevs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if ((flags & MDEV_FLEET_SCAN_PARENTS) && !scan_parents(connection, inventory, error))
        return NULL;
    if ((flags & MDEV_FLEET_SCAN_DEVICES) && !scan_devices(connection, inventory, error))
        return NULL;
    return g_steal_pointer(&inventory);
}

void
mdev_fleet_inventory_free(MdevFleetInventory *inventory)
{
    if (inventory == NULL)
        return;
    mdev_inventory_free(inventory->inv);
    g_clear_pointer(&inventory->parent_nodedevs, g_hash_table_unref);
    g_free(inventory);
}

/**
 * mdev_fleet_inventory_find_device:
 * @inventory: a host's inventory, with devices
 * @uuid: a canonical UUID
 * @parent: (nullable): the parent's kernel name, when the caller gave one
 * @error: return location for a #GError
 *
 * Returns: (transfer none): the device, or %NULL with %MDEV_ERROR_NOT_FOUND,
 *   or %MDEV_ERROR_AMBIGUOUS when several parents hold @uuid and @parent
 *   is %NULL
 */
MdevDevice *
mdev_fleet_inventory_find_device(MdevFleetInventory *inventory, const char *uuid,
                                 const char *parent, GError **error)
{
    MdevDevice *found = NULL;

    for (guint i = 0; i < inventory->inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inventory->inv->devices, i);

        if (strcmp(device->uuid, uuid) != 0 || (parent && strcmp(device->parent, parent) != 0))
            continue;
        if (found) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                        _("mdev '%1$s' exists under parents '%2$s' and '%3$s': give --parent"),
                        uuid, found->parent, device->parent);
            return NULL;
        }
        found = device;
    }
    if (found == NULL) {
        if (parent)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("no mdev '%1$s' on parent '%2$s'"), uuid, parent);
        else
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no mdev '%s'"), uuid);
    }
    return found;
}

/**
 * mdev_fleet_dump_xml:
 * @connection: an open connection
 * @nodedev: a node-device name
 * @inactive: ask for the persistent definition (libvirt 10.1 and later)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): libvirt's document for @nodedev
 */
char *
mdev_fleet_dump_xml(MdevVirtConnection *connection, const char *nodedev, gboolean inactive,
                    GError **error)
{
    g_autoptr(virNodeDevice) dev = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!load(error))
        return NULL;
    dev = sym_virNodeDeviceLookupByName(conn_of(connection), nodedev);
    if (dev == NULL) {
        mdev_virt_connection_set_error(connection, error, _("no such node device"));
        return NULL;
    }
    return get_xml(connection, dev, inactive ? NODE_DEVICE_XML_INACTIVE : 0, error);
}

static virNodeDevicePtr
lookup_device(MdevVirtConnection *connection, const MdevDevice *device, GError **error)
{
    g_autofree char *name = mdev_xml_device_nodedev_name(device->uuid, device->parent);
    virNodeDevicePtr dev;

    if (!load(error))
        return NULL;
    dev = sym_virNodeDeviceLookupByName(conn_of(connection), name);
    if (dev == NULL)
        mdev_virt_connection_set_error(connection, error, _("no such node device"));
    return dev;
}

/* The document nodedev-define and nodedev-create take. The UUID is chosen
 * here, not by mdevctl, so that the caller learns it whatever the remote
 * mdevctl prints. */
static char *
definition_xml(MdevFleetInventory *inventory, const MdevDevice *definition, const char *uuid,
               GError **error)
{
    const char *nodedev = g_hash_table_lookup(inventory->parent_nodedevs, definition->parent);
    GString *xml;
    g_autofree char *text = NULL;

    if (nodedev == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no parent '%s' on this host"),
                    definition->parent);
        return NULL;
    }
    xml = g_string_new("<device>\n");
    text = g_markup_escape_text(nodedev, -1);
    g_string_append_printf(xml, "  <parent>%s</parent>\n  <capability type='mdev'>\n", text);
    g_free(text);
    text = g_markup_escape_text(definition->type, -1);
    g_string_append_printf(xml, "    <type id='%s'/>\n    <uuid>%s</uuid>\n", text, uuid);
    for (guint i = 0; definition->attrs && i < definition->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(definition->attrs, i);
        g_autofree char *name = g_markup_escape_text(attr->name, -1);
        g_autofree char *value = g_markup_escape_text(attr->value, -1);

        g_string_append_printf(xml, "    <attr name='%s' value='%s'/>\n", name, value);
    }
    g_string_append(xml, "  </capability>\n</device>\n");
    return g_string_free(xml, FALSE);
}

/**
 * mdev_fleet_define:
 * @connection: an open connection
 * @inventory: the host's inventory, with parents
 * @definition: parent (kernel name), type, UUID (%NULL for a new one) and
 *   attributes
 * @autostart: whether the definition starts with its parent
 * @error: return location for a #GError
 *
 * Defines a persistent mdev with `virNodeDeviceDefineXML()`. When
 * autostart cannot be set, the definition is taken back.
 *
 * Returns: (transfer full): the UUID, or %NULL with @error naming the URI
 */
char *
mdev_fleet_define(MdevVirtConnection *connection, MdevFleetInventory *inventory,
                  const MdevDevice *definition, gboolean autostart, GError **error)
{
    g_autofree char *uuid = definition->uuid ? g_strdup(definition->uuid) : g_uuid_string_random();
    g_autofree char *xml = NULL;
    g_autoptr(virNodeDevice) dev = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!load(error))
        return NULL;
    xml = definition_xml(inventory, definition, uuid, error);
    if (xml == NULL)
        return NULL;
    dev = sym_virNodeDeviceDefineXML(conn_of(connection), xml, 0);
    if (dev == NULL) {
        mdev_virt_connection_set_error(connection, error, _("cannot define the mdev"));
        return NULL;
    }
    if (autostart && sym_virNodeDeviceSetAutostart(dev, 1) < 0) {
        mdev_virt_connection_set_error(connection, error, _("cannot set autostart"));
        sym_virNodeDeviceUndefine(dev, 0);
        return NULL;
    }
    return g_steal_pointer(&uuid);
}

/**
 * mdev_fleet_create:
 * @connection: an open connection
 * @inventory: the host's inventory, with parents
 * @definition: parent (kernel name), type, UUID (%NULL for a new one) and
 *   attributes
 * @error: return location for a #GError
 *
 * Creates a transient mdev with `virNodeDeviceCreateXML()`, which returns
 * once the device has appeared on the host.
 *
 * Returns: (transfer full): the UUID, or %NULL with @error naming the URI
 */
char *
mdev_fleet_create(MdevVirtConnection *connection, MdevFleetInventory *inventory,
                  const MdevDevice *definition, GError **error)
{
    g_autofree char *uuid = definition->uuid ? g_strdup(definition->uuid) : g_uuid_string_random();
    g_autofree char *xml = NULL;
    g_autoptr(virNodeDevice) dev = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!load(error))
        return NULL;
    xml = definition_xml(inventory, definition, uuid, error);
    if (xml == NULL)
        return NULL;
    dev = sym_virNodeDeviceCreateXML(conn_of(connection), xml, 0);
    if (dev == NULL) {
        mdev_virt_connection_set_error(connection, error, _("cannot create the mdev"));
        return NULL;
    }
    return g_steal_pointer(&uuid);
}

/* The calls that change one existing mdev: each looks the node device up,
 * makes one libvirt call and names the URI when it fails. */
static int
call_create(virNodeDevicePtr dev)
{
    return sym_virNodeDeviceCreate(dev, 0);
}

static int
call_destroy(virNodeDevicePtr dev)
{
    return sym_virNodeDeviceDestroy(dev);
}

static int
call_undefine(virNodeDevicePtr dev)
{
    return sym_virNodeDeviceUndefine(dev, 0);
}

static int
call_autostart_on(virNodeDevicePtr dev)
{
    return sym_virNodeDeviceSetAutostart(dev, 1);
}

static int
call_autostart_off(virNodeDevicePtr dev)
{
    return sym_virNodeDeviceSetAutostart(dev, 0);
}

static const struct {
    int (*call)(virNodeDevicePtr dev);
    const char *failure;
} device_calls[] = {
    [MDEV_FLEET_START] = { call_create, N_("cannot start the mdev") },
    [MDEV_FLEET_STOP] = { call_destroy, N_("cannot stop the mdev") },
    [MDEV_FLEET_UNDEFINE] = { call_undefine, N_("cannot undefine the mdev") },
    [MDEV_FLEET_AUTOSTART_ON] = { call_autostart_on, N_("cannot change autostart") },
    [MDEV_FLEET_AUTOSTART_OFF] = { call_autostart_off, N_("cannot change autostart") },
};
G_STATIC_ASSERT(G_N_ELEMENTS(device_calls) == MDEV_FLEET_CHANGE_LAST);

/**
 * mdev_fleet_change:
 * @connection: an open connection
 * @device: an mdev of that host: defined to start, undefine or change its
 *   autostart, active to stop
 * @change: what to do
 * @error: return location for a #GError
 *
 * Starts (`virNodeDeviceCreate()`), stops (`virNodeDeviceDestroy()`),
 * undefines (`virNodeDeviceUndefine()`) or changes the autostart
 * (`virNodeDeviceSetAutostart()`) of one mdev.
 *
 * Returns: %TRUE when libvirt made the change, %FALSE with @error naming
 *   the URI and libvirt's message
 */
gboolean
mdev_fleet_change(MdevVirtConnection *connection, const MdevDevice *device, MdevFleetChange change,
                  GError **error)
{
    g_autoptr(virNodeDevice) dev = NULL;

    g_return_val_if_fail(change < MDEV_FLEET_CHANGE_LAST, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    dev = lookup_device(connection, device, error);
    if (dev == NULL)
        return FALSE;
    if (device_calls[change].call(dev) < 0) {
        mdev_virt_connection_set_error(connection, error, _(device_calls[change].failure));
        return FALSE;
    }
    return TRUE;
}

typedef struct {
    guint host;
    const char *parent;
} Origin;

/**
 * mdev_fleet_place:
 * @inventories: (element-type MdevFleetInventory): one per host, with
 *   parents and devices
 * @hosts: the hosts' URIs, in the same order, for messages
 * @type: a type id or name
 * @parent: (nullable): consider only parents of this kernel name
 * @placement: the policy
 * @ret_host: (out): the index of the chosen host
 * @ret_parent: (out) (transfer full): the chosen parent's kernel name
 * @ret_type: (out) (transfer full): the type id
 * @error: return location for a #GError
 *
 * Chooses a parent across several hosts with the policy of a single host:
 * all hosts' parents compete as if they were one host's, each keeping its
 * own load and free instances (parents of the same name on two hosts stay
 * two parents).
 *
 * Returns: %TRUE with the choice, or %FALSE with @error as
 *   mdev_placement_choose() sets it
 */
gboolean
mdev_fleet_place(GPtrArray *inventories, const char *const *hosts, const char *type,
                 const char *parent, MdevPlacement placement, guint *ret_host, char **ret_parent,
                 char **ret_type, GError **error)
{
    g_autoptr(MdevInventory) merged = mdev_inventory_new();
    g_autoptr(GHashTable) origins = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_autoptr(GHashTable) allowed = g_hash_table_new(g_str_hash, g_str_equal);
    g_autofree char *type_id = NULL;
    MdevParent *chosen;
    Origin *origin;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    for (guint h = 0; h < inventories->len; h++) {
        MdevFleetInventory *inventory = g_ptr_array_index(inventories, h);

        for (guint i = 0; i < inventory->inv->parents->len; i++) {
            const MdevParent *p = g_ptr_array_index(inventory->inv->parents, i);
            /* TRANSLATORS: a parent among several hosts' parents: "0000:00:02.0 (URI)" */
            g_autofree char *name = g_strdup_printf(_("%1$s (%2$s)"), p->name, hosts[h]);
            MdevParent *copy = mdev_parent_new(name);

            copy->kind = p->kind;
            copy->registered = p->registered;
            if (p->physfn)
                copy->physfn = g_strdup_printf(_("%1$s (%2$s)"), p->physfn, hosts[h]);
            for (guint t = 0; t < p->types->len; t++) {
                const MdevType *pt = g_ptr_array_index(p->types, t);
                MdevType *ct = mdev_type_new(pt->id);

                ct->name = g_strdup(pt->name);
                ct->device_api = g_strdup(pt->device_api);
                ct->available_instances = pt->available_instances;
                g_ptr_array_add(copy->types, ct);
            }
            origin = g_new0(Origin, 1);
            origin->host = h;
            origin->parent = p->name;
            g_hash_table_insert(origins, copy->name, origin);
            if (parent == NULL || strcmp(parent, p->name) == 0)
                g_hash_table_add(allowed, copy->name);
            g_ptr_array_add(merged->parents, copy);
        }
        for (guint i = 0; i < inventory->inv->devices->len; i++) {
            const MdevDevice *d = g_ptr_array_index(inventory->inv->devices, i);
            g_autofree char *name = NULL;
            MdevDevice *copy;

            if (!d->active)
                continue;
            name = g_strdup_printf(_("%1$s (%2$s)"), d->parent, hosts[h]);
            copy = mdev_device_new(d->uuid, name);
            copy->active = TRUE;
            g_ptr_array_add(merged->devices, copy);
        }
    }
    g_ptr_array_sort(merged->parents, mdev_parent_compare);
    if (parent && g_hash_table_size(allowed) == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no host has a parent '%s'"),
                    parent);
        return FALSE;
    }

    type_id = mdev_placement_resolve_type(merged, NULL, type, error);
    if (type_id == NULL)
        return FALSE;
    chosen = mdev_placement_choose(merged, type_id, placement, parent ? allowed : NULL, error);
    if (chosen == NULL)
        return FALSE;
    origin = g_hash_table_lookup(origins, chosen->name);
    *ret_host = origin->host;
    *ret_parent = g_strdup(origin->parent);
    *ret_type = g_steal_pointer(&type_id);
    return TRUE;
}
