/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's XML for what exists on this host now: a node-device name or an
 * mdev's UUID looked up among the parents, the active mdevs and the
 * definitions, and node-device input resolved against the parents present. */
#include "mdev-xml-host.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-host.h"
#include "mdev-nvidia.h"
#include "mdev-store.h"
#include "mdev-util.h"
#include "mdev-xml-parse.h"
#include "mdev-xml.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Parents and mdevs as they are now, with the store's definitions merged
 * in; what could not be read goes to @ret_problems. */
static MdevInventory *
scan_host(MdevContext *ctx, GPtrArray *ret_problems, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;

    inv =
        mdev_host_scan(ctx, MDEV_HOST_PARENTS | MDEV_HOST_DEVICE_DRIVER | MDEV_HOST_ALL_DEFINITIONS,
                       NULL, NULL, NULL, error);
    if (inv == NULL)
        return NULL;
    for (guint i = 0; ret_problems && i < inv->problems->len; i++)
        g_ptr_array_add(ret_problems, g_strdup(g_ptr_array_index(inv->problems, i)));
    return g_steal_pointer(&inv);
}

/* Every mdev record with @uuid (one UUID may exist under several parents). */
static GPtrArray *
devices_with_uuid(MdevInventory *inv, const char *uuid)
{
    GPtrArray *found = g_ptr_array_new();

    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);
        if (strcmp(device->uuid, uuid) == 0)
            g_ptr_array_add(found, device);
    }
    return found;
}

static char *
join_parents(GPtrArray *devices)
{
    GString *text = g_string_new(NULL);

    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);
        if (i > 0)
            g_string_append(text, ", ");
        g_string_append(text, device->parent);
    }
    return g_string_free(text, FALSE);
}

static char *
dump_device(MdevContext *ctx, MdevInventory *inv, MdevDevice *device, MdevXmlFormatFlags flags,
            GError **error)
{
    MdevParent *parent = mdev_inventory_get_parent(inv, device->parent);
    g_autoptr(MdevDevice) definition = NULL;

    if (!(flags & MDEV_XML_FORMAT_INACTIVE))
        return mdev_xml_format_device(device, parent, flags, error);
    /* the merged record keeps the running type: take the definition itself */
    if (!device->defined) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("mdev '%1$s' on parent '%2$s' has no persistent definition"), device->uuid,
                    device->parent);
        return NULL;
    }
    definition = mdev_store_load_one(ctx, device->parent, device->uuid, error);
    if (definition == NULL)
        return NULL;
    return mdev_xml_format_device(definition, parent, flags, error);
}

static char *
dump_parent(MdevParent *parent, MdevXmlFormatFlags flags, GError **error)
{
    g_autoptr(GPtrArray) group = NULL;

    if (flags & MDEV_XML_FORMAT_INACTIVE) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is a parent device: only mdevs have an inactive form"), parent->name);
        return NULL;
    }
    /* without the group's members the parent is listed alone */
    if (parent->kind == MDEV_PARENT_KIND_PCI && parent->iommu_group >= 0)
        group = mdev_xml_read_iommu_group(parent->iommu_group, NULL);
    return mdev_xml_format_parent(parent, group, error);
}

/* The kernel name that the node-device name of a PCI device or a CSS
 * subchannel spells, for a device the scan does not list (a GPU whose
 * driver has not registered with the mdev core); any other name as it is. */
static char *
kernel_name_of(const char *name)
{
    g_auto(GStrv) parts = g_strsplit(name, "_", -1);
    guint n = g_strv_length(parts);

    if (n == 5 && strcmp(parts[0], "pci") == 0)
        return g_strdup_printf("%s:%s:%s.%s", parts[1], parts[2], parts[3], parts[4]);
    if (n == 4 && strcmp(parts[0], "css") == 0)
        return g_strdup_printf("%s.%s.%s", parts[1], parts[2], parts[3]);
    return g_strdup(name);
}

/* An NVIDIA VF vGPU as libvirt shows the VF: a PCI device bound to the
 * NVIDIA driver, with its PF and IOMMU group; libvirt has no node device
 * for the vGPU itself. */
static char *
dump_vf(const char *address, MdevXmlFormatFlags flags, GError **error)
{
    g_autoptr(MdevParent) node = NULL;
    g_autoptr(GPtrArray) group = NULL;

    node = mdev_nvidia_read_vf_node(address, NULL, error);
    if (node == NULL)
        return NULL;
    if (flags & MDEV_XML_FORMAT_INACTIVE) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is an NVIDIA VF: only mdevs have an inactive form"), address);
        return NULL;
    }
    if (node->iommu_group >= 0)
        group = mdev_xml_read_iommu_group(node->iommu_group, NULL);
    return mdev_xml_format_parent(node, group, error);
}

/**
 * mdev_xml_host_parse_vf_address:
 * @name: a name given on the command line
 *
 * NVIDIA VF vGPUs are named by their VF: its PCI address (`0000:3d:00.4`)
 * or libvirt's node-device name for it (`pci_0000_3d_00_4`).
 *
 * Returns: (transfer full) (nullable): the address, or %NULL when @name is
 *   neither
 */
char *
mdev_xml_host_parse_vf_address(const char *name)
{
    g_autofree char *address = NULL;

    g_return_val_if_fail(name != NULL, NULL);

    if (mdev_nvidia_address_is_valid(name))
        return g_strdup(name);
    if (!g_str_has_prefix(name, "pci_"))
        return NULL;
    address = kernel_name_of(name);
    return mdev_nvidia_address_is_valid(address) ? g_steal_pointer(&address) : NULL;
}

/**
 * mdev_xml_host_dump_nodedev:
 * @ctx: a context
 * @name: an mdev's UUID or node-device name, or a parent's kernel or
 *   node-device name
 * @flags: %MDEV_XML_FORMAT_INACTIVE for an mdev's definition alone
 * @ret_problems: (nullable) (element-type utf8): receives what the scan
 *   skipped
 * @error: return location for a #GError
 *
 * Looks @name up among the parents, the active mdevs and the definitions,
 * and formats it as `virsh nodedev-dumpxml` does.
 *
 * Returns: (transfer full): the document; %NULL with %MDEV_ERROR_NOT_FOUND
 *   when nothing has that name, %MDEV_ERROR_AMBIGUOUS when a UUID exists
 *   under several parents
 */
char *
mdev_xml_host_dump_nodedev(MdevContext *ctx, const char *name, MdevXmlFormatFlags flags,
                           GPtrArray *ret_problems, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *vf = NULL;

    g_return_val_if_fail(name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    inv = scan_host(ctx, ret_problems, error);
    if (inv == NULL)
        return NULL;

    uuid = mdev_xml_parse_uuid(name, NULL);
    if (uuid) {
        g_autoptr(GPtrArray) found = devices_with_uuid(inv, uuid);
        g_autofree char *parents = NULL;

        if (found->len == 1)
            return dump_device(ctx, inv, g_ptr_array_index(found, 0), flags, error);
        if (found->len == 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("mdev '%s' is neither active nor defined"), uuid);
            return NULL;
        }
        parents = join_parents(found);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                    _("mdev '%1$s' exists on several parents (%2$s): give its node-device "
                      "name"),
                    uuid, parents);
        return NULL;
    }

    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);
        g_autofree char *nodedev = mdev_xml_device_nodedev_name(device->uuid, device->parent);
        if (strcmp(nodedev, name) == 0)
            return dump_device(ctx, inv, device, flags, error);
    }
    for (guint i = 0; i < inv->parents->len; i++) {
        MdevParent *parent = g_ptr_array_index(inv->parents, i);
        g_autofree char *nodedev = mdev_xml_parent_nodedev_name(parent);
        if (strcmp(nodedev, name) == 0 || strcmp(parent->name, name) == 0)
            return dump_parent(parent, flags, error);
    }
    vf = mdev_xml_host_parse_vf_address(name);
    if (vf) {
        g_autoptr(GError) local = NULL;
        char *xml = dump_vf(vf, flags, &local);

        if (xml)
            return xml;
        if (!g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)) {
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
    }
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                _("no mdev or parent device is named '%s'"), name);
    return NULL;
}

/**
 * mdev_xml_host_resolve_device:
 * @ctx: a context
 * @name: a UUID (with or without hyphens) or an mdev's node-device name:
 *   `mdev_<uuid>` with `_` for `-`, as libvirt names mdevs before 7.9, or
 *   `mdev_<uuid>_<parent>`
 * @ret_uuid: (out) (transfer full): the UUID, canonical
 * @ret_parent: (out) (transfer full) (nullable): the parent's kernel name
 *   when @name includes it, else %NULL
 * @error: return location for a #GError
 *
 * Names an mdev as the commands take it. The parent part of a node-device
 * name has lost its punctuation, so it is looked up among the parents
 * present and the definitions and running mdevs with the UUID; only a name
 * with that part costs a scan.
 *
 * Returns: %TRUE, or %FALSE with %MDEV_ERROR_INVALID_ARGUMENT for a name
 *   that is neither, %MDEV_ERROR_NOT_FOUND when no parent matches
 */
gboolean
mdev_xml_host_resolve_device(MdevContext *ctx, const char *name, char **ret_uuid,
                             char **ret_parent, GError **error)
{
    const gsize prefix = strlen("mdev_");
    const gsize uuid_len = 36;
    g_autoptr(MdevInventory) inv = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *hyphenated = NULL;
    const char *rest;

    g_return_val_if_fail(name != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    /* anything but a node-device name gets the UUID parser's own error */
    if (!g_str_has_prefix(name, "mdev_")) {
        uuid = mdev_xml_parse_uuid(name, error);
        if (uuid == NULL)
            return FALSE;
        *ret_uuid = g_steal_pointer(&uuid);
        *ret_parent = NULL;
        return TRUE;
    }
    if (strlen(name) >= prefix + uuid_len) {
        hyphenated = g_strndup(name + prefix, uuid_len);
        g_strdelimit(hyphenated, "_", '-');
        uuid = mdev_util_uuid_canonicalize(hyphenated, NULL);
    }
    rest = uuid ? name + prefix + uuid_len : NULL;
    if (rest == NULL || (*rest != '\0' && *rest != '_')) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is neither a UUID nor the node-device name of an mdev"), name);
        return FALSE;
    }
    if (*rest == '\0') {
        *ret_uuid = g_steal_pointer(&uuid);
        *ret_parent = NULL;
        return TRUE;
    }
    inv = mdev_host_scan(ctx, MDEV_HOST_PARENTS | MDEV_HOST_ALL_DEFINITIONS | MDEV_HOST_TOLERANT,
                         NULL, uuid, NULL, error);
    if (inv == NULL)
        return FALSE;
    for (guint i = 0; i < inv->devices->len + inv->parents->len; i++) {
        const char *parent = i < inv->devices->len
                                 ? ((MdevDevice *) g_ptr_array_index(inv->devices, i))->parent
                                 : ((MdevParent *) g_ptr_array_index(
                                        inv->parents, i - inv->devices->len))->name;
        g_autofree char *nodedev = mdev_xml_device_nodedev_name(uuid, parent);

        if (strcmp(nodedev, name) == 0) {
            *ret_uuid = g_steal_pointer(&uuid);
            *ret_parent = g_strdup(parent);
            return TRUE;
        }
    }
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                _("no parent matches the node-device name '%s'"), name);
    return FALSE;
}

/**
 * mdev_xml_host_resolve_parent:
 * @ctx: a context
 * @name: a parent's kernel name or its node-device name (`pci_0000_00_02_0`,
 *   `css_0_0_0052`, `ap_matrix`, `mtty_mtty`)
 *
 * A node-device name has a `_` and never a `:` or `.`; any other name is
 * taken as a kernel name without a scan. A PCI or CSS node-device name no
 * parent present answers to is spelt back into a kernel name; any other is
 * taken as it is, so that the caller's own error names it.
 *
 * Returns: (transfer full): the parent's kernel name
 */
char *
mdev_xml_host_resolve_parent(MdevContext *ctx, const char *name)
{
    g_autoptr(MdevInventory) inv = NULL;

    g_return_val_if_fail(name != NULL, NULL);

    if (strchr(name, '_') == NULL || strpbrk(name, ":.") != NULL)
        return g_strdup(name);
    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_NO_TYPES, NULL, NULL);
    for (guint i = 0; inv && i < inv->parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index(inv->parents, i);

        if (strcmp(parent->name, name) == 0)
            return g_strdup(name);
    }
    for (guint i = 0; inv && i < inv->parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index(inv->parents, i);
        g_autofree char *nodedev = mdev_xml_parent_nodedev_name(parent);

        if (strcmp(nodedev, name) == 0)
            return g_strdup(parent->name);
    }
    return kernel_name_of(name);
}

/**
 * mdev_xml_host_dump_hostdev:
 * @ctx: a context
 * @uuid: the mdev's UUID
 * @model: (nullable): the model; %NULL takes the device API of the mdev's
 *   type
 * @display: the `display` attribute
 * @ramfb: the `ramfb` attribute
 * @ret_problems: (nullable) (element-type utf8): receives what the scan
 *   skipped
 * @error: return location for a #GError
 *
 * The `<hostdev>` element for an active or defined mdev. With @model given,
 * an mdev that does not exist yet is accepted: a domain may be written
 * before its mdev is defined.
 *
 * Returns: (transfer full): the element, or %NULL with @error set
 */
char *
mdev_xml_host_dump_hostdev(MdevContext *ctx, const char *uuid, const char *model,
                           MdevXmlSwitch display, MdevXmlSwitch ramfb, GPtrArray *ret_problems,
                           GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) found = NULL;
    g_autofree char *canonical = NULL;
    const char *device_api = NULL;

    g_return_val_if_fail(uuid != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    canonical = mdev_xml_parse_uuid(uuid, error);
    if (canonical == NULL)
        return NULL;
    inv = scan_host(ctx, ret_problems, error);
    if (inv == NULL)
        return NULL;

    found = devices_with_uuid(inv, canonical);
    if (found->len == 0 && model == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("mdev '%s' is neither active nor defined: give the model to write its "
                      "hostdev anyway"),
                    canonical);
        return NULL;
    }
    /* one UUID on several parents: they must agree on the device API */
    for (guint i = 0; i < found->len; i++) {
        const MdevDevice *device = g_ptr_array_index(found, i);
        MdevParent *parent = mdev_inventory_get_parent(inv, device->parent);
        const MdevType *type =
            parent && device->type ? mdev_parent_get_type(parent, device->type) : NULL;
        const char *api = type ? type->device_api : NULL;

        if (api == NULL)
            continue;
        if (device_api && strcmp(device_api, api) != 0 && model == NULL) {
            g_autofree char *parents = join_parents(found);
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                        _("mdev '%1$s' exists on several parents (%2$s) with different device "
                          "APIs: give the model"),
                        canonical, parents);
            return NULL;
        }
        if (device_api == NULL)
            device_api = api;
    }
    return mdev_xml_format_hostdev(canonical, model, device_api, display, ramfb, error);
}

/**
 * mdev_xml_host_read_definition:
 * @ctx: a context
 * @path: a node-device XML file, `-` for standard input
 * @error: return location for a #GError
 *
 * What `define --xml` and `create --xml` need: the document of @path
 * (mdev_xml_parse_nodedev_file()) with its `<parent>` resolved against the
 * parents present now, as `virsh nodedev-define` resolves it.
 *
 * Returns: (transfer full): the definition (parent, type, attributes in
 *   order, autostart, and the UUID or %NULL when the document has none), or
 *   %NULL with @error set
 */
MdevDevice *
mdev_xml_host_read_definition(MdevContext *ctx, const char *path, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_NO_TYPES, NULL, error);
    if (inv == NULL)
        return NULL;
    if (strcmp(path, "-") == 0)
        path = "/dev/stdin";
    return mdev_xml_parse_nodedev_file(path, inv->parents, error);
}

/**
 * mdev_xml_host_dump_vf_hostdev:
 * @address: an NVIDIA VF's PCI address (mdev_xml_host_parse_vf_address())
 * @error: return location for a #GError
 *
 * The `<hostdev type='pci' managed='no'>` element that gives the VF's vGPU
 * to a domain.
 *
 * Returns: (transfer full): the element; %NULL with %MDEV_ERROR_NOT_FOUND
 *   when @address is no NVIDIA VF, %MDEV_ERROR_NOT_ACTIVE when it has no
 *   vGPU
 */
char *
mdev_xml_host_dump_vf_hostdev(const char *address, GError **error)
{
    g_autoptr(MdevParent) node = NULL;
    guint type = 0;

    g_return_val_if_fail(address != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    node = mdev_nvidia_read_vf_node(address, &type, error);
    if (node == NULL)
        return NULL;
    /* the driver refuses to open a VF without a type (ENODEV), so the
     * domain would not start */
    if (type == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE,
                    _("VF '%1$s' has no vGPU: a domain cannot use it until one is created "
                      "('mdevtool create --type T --parent %2$s')"),
                    address, node->physfn);
        return NULL;
    }
    return mdev_xml_format_pci_hostdev(address, error);
}
