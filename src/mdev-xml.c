/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's XML for mdevs: node-device documents as libvirt 9.0's
 * `virsh nodedev-dumpxml` prints them, the `<hostdev type='mdev'>` element of
 * a domain, and the node-device documents `virsh nodedev-define` and
 * `nodedev-create` accept.
 *
 * The formatters write text directly rather than through a libxml2 tree:
 * libvirt's output has single-quoted attributes, self-closing empty
 * elements and 2-space indentation, and tools compare it textually. */
#include "mdev-xml.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-private.h"
#include "mdev-store.h"
#include "mdev-util.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <string.h>

#define SYS_IOMMU_GROUPS "/sys/kernel/iommu_groups"

static const char *const switch_names[MDEV_XML_SWITCH_LAST] = {
    [MDEV_XML_SWITCH_DEFAULT] = "default",
    [MDEV_XML_SWITCH_ON] = "on",
    [MDEV_XML_SWITCH_OFF] = "off",
};

static const char *const hostdev_models[] = { "vfio-pci", "vfio-ccw", "vfio-ap", NULL };

const char *
mdev_xml_switch_to_string(MdevXmlSwitch value)
{
    g_return_val_if_fail(value < MDEV_XML_SWITCH_LAST, NULL);
    return switch_names[value];
}

/**
 * mdev_xml_switch_from_string:
 * @text: (nullable): `on`, `off` or `default`
 *
 * Returns: the value, or %MDEV_XML_SWITCH_LAST when @text is none of them
 */
MdevXmlSwitch
mdev_xml_switch_from_string(const char *text)
{
    for (int i = 0; i < MDEV_XML_SWITCH_LAST; i++) {
        if (g_strcmp0(text, switch_names[i]) == 0)
            return i;
    }
    return MDEV_XML_SWITCH_LAST;
}

/* ------------------------------------------------------------------ names */

/* libvirt's device names keep letters and digits and turn everything else
 * into '_' (udevGenerateDeviceName and the mdev naming both do this). */
static void
append_sanitized(GString *out, const char *text)
{
    for (const char *p = text; *p; p++)
        g_string_append_c(out, g_ascii_isalnum(*p) ? *p : '_');
}

static char *
syspath_basename(const MdevParent *parent)
{
    if (parent->syspath && *parent->syspath)
        return g_path_get_basename(parent->syspath);
    return g_strdup(parent->name);
}

/**
 * mdev_xml_parent_nodedev_name:
 * @parent: a parent
 *
 * libvirt's name for the parent's node device: `pci_0000_00_02_0`,
 * `css_0_0_0052`, `ap_matrix`, `<subsystem>_<sysname>` (`mtty_mtty`) for
 * any other parent.
 *
 * Returns: (transfer full): the node-device name
 */
char *
mdev_xml_parent_nodedev_name(const MdevParent *parent)
{
    GString *name = g_string_new(NULL);
    g_autofree char *sysname = NULL;
    const char *subsystem = parent->subsystem;

    switch (parent->kind) {
    case MDEV_PARENT_KIND_AP:
        /* libvirt names the matrix device ap_matrix whatever its sysname */
        g_string_append(name, "ap_matrix");
        return g_string_free(name, FALSE);
    case MDEV_PARENT_KIND_PCI:
        subsystem = "pci";
        break;
    case MDEV_PARENT_KIND_CSS:
        subsystem = "css";
        break;
    case MDEV_PARENT_KIND_GENERIC:
    case MDEV_PARENT_KIND_LAST:
    default:
        if (subsystem == NULL || *subsystem == '\0')
            subsystem = parent->name;
        break;
    }
    sysname = syspath_basename(parent);
    append_sanitized(name, subsystem);
    g_string_append_c(name, '_');
    append_sanitized(name, sysname);
    return g_string_free(name, FALSE);
}

/**
 * mdev_xml_device_nodedev_name:
 * @uuid: the mdev's UUID
 * @parent: the parent's kernel name (its address as mdevctl spells it)
 *
 * `mdev_<uuid>_<parent>` with every character that is not a letter or a
 * digit replaced by `_`, the name libvirt gives an mdev since 7.9.
 *
 * Returns: (transfer full): the node-device name
 */
char *
mdev_xml_device_nodedev_name(const char *uuid, const char *parent)
{
    GString *name = g_string_new("mdev_");

    append_sanitized(name, uuid);
    g_string_append_c(name, '_');
    append_sanitized(name, parent);
    return g_string_free(name, FALSE);
}

/**
 * mdev_xml_parent_is_listed_by_libvirt:
 * @parent: a parent
 *
 * libvirt's udev backend knows PCI parents, subchannels bound to
 * io_subchannel or vfio_ccw, the AP matrix and, among the other parents,
 * only the mtty sample. Its mdevs under any other parent get
 * `<parent>computer</parent>`.
 *
 * Returns: whether libvirt 9.0 lists @parent as a node device
 */
gboolean
mdev_xml_parent_is_listed_by_libvirt(const MdevParent *parent)
{
    switch (parent->kind) {
    case MDEV_PARENT_KIND_PCI:
    case MDEV_PARENT_KIND_AP:
        return TRUE;
    case MDEV_PARENT_KIND_CSS:
        return g_strcmp0(parent->driver, "vfio_ccw") == 0 ||
               g_strcmp0(parent->driver, "io_subchannel") == 0;
    case MDEV_PARENT_KIND_GENERIC:
        return g_strcmp0(parent->subsystem, "mtty") == 0;
    case MDEV_PARENT_KIND_LAST:
    default:
        return FALSE;
    }
}

/* ------------------------------------------------------------- addresses */

typedef struct {
    guint domain;
    guint bus;
    guint slot;
    guint function;
} PciAddress;

static gboolean
parse_hex_field(const char *text, gsize len, guint max, guint *ret_value)
{
    guint value = 0;

    if (len == 0 || len > 8)
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isxdigit(text[i]))
            return FALSE;
        value = value * 16 + (guint) g_ascii_xdigit_value(text[i]);
    }
    if (value > max)
        return FALSE;
    *ret_value = value;
    return TRUE;
}

/* "DDDD:BB:SS.F" */
static gboolean
parse_pci_address(const char *text, PciAddress *ret_addr)
{
    PciAddress addr;

    if (text == NULL || strlen(text) != 12 || text[4] != ':' || text[7] != ':' || text[10] != '.')
        return FALSE;
    if (!parse_hex_field(text, 4, 0xffff, &addr.domain) ||
        !parse_hex_field(text + 5, 2, 0xff, &addr.bus) ||
        !parse_hex_field(text + 8, 2, 0x1f, &addr.slot) ||
        !parse_hex_field(text + 11, 1, 7, &addr.function))
        return FALSE;
    *ret_addr = addr;
    return TRUE;
}

typedef struct {
    guint cssid;
    guint ssid;
    guint devno;
} CcwAddress;

/* "x.y.zzzz" (cssid.ssid.devno, hexadecimal) */
static gboolean
parse_ccw_address(const char *text, CcwAddress *ret_addr)
{
    g_auto(GStrv) parts = NULL;
    CcwAddress addr;

    if (text == NULL)
        return FALSE;
    parts = g_strsplit(text, ".", -1);
    if (g_strv_length(parts) != 3)
        return FALSE;
    if (!parse_hex_field(parts[0], strlen(parts[0]), 0xfe, &addr.cssid) ||
        !parse_hex_field(parts[1], strlen(parts[1]), 3, &addr.ssid) ||
        !parse_hex_field(parts[2], strlen(parts[2]), 0xffff, &addr.devno) || strlen(parts[2]) != 4)
        return FALSE;
    *ret_addr = addr;
    return TRUE;
}

static gboolean
parse_hex_number(const char *text, guint max, guint *ret_value)
{
    const char *digits;

    if (text == NULL)
        return FALSE;
    digits = text;
    if (g_str_has_prefix(digits, "0x") || g_str_has_prefix(digits, "0X"))
        digits += 2;
    return parse_hex_field(digits, strlen(digits), max, ret_value);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/**
 * mdev_xml_read_iommu_group:
 * @group: an IOMMU group number
 * @error: return location for a #GError
 *
 * The PCI functions in /sys/kernel/iommu_groups/@group/devices, which
 * libvirt lists in a PCI device's `<iommuGroup>`; other members (an mdev's
 * own group) are left out as libvirt does.
 *
 * Returns: (transfer full) (element-type utf8): PCI addresses, sorted
 */
GPtrArray *
mdev_xml_read_iommu_group(int group, GError **error)
{
    g_autofree char *path = NULL;
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func(g_free);
    const char *entry;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    g_return_val_if_fail(group >= 0, NULL);

    path = g_strdup_printf(SYS_IOMMU_GROUPS "/%d/devices", group);
    dir = g_dir_open(path, 0, error);
    if (dir == NULL) {
        g_prefix_error(error, _("cannot read IOMMU group %d: "), group);
        return NULL;
    }
    while ((entry = g_dir_read_name(dir))) {
        PciAddress addr;
        if (parse_pci_address(entry, &addr))
            g_ptr_array_add(members, g_strdup(entry));
    }
    g_ptr_array_sort(members, compare_strings);
    return g_steal_pointer(&members);
}

/* ------------------------------------------------------------ formatting */

/* As libvirt escapes text and attribute values; control characters other
 * than tab and newline cannot appear in XML 1.0 and are dropped. */
static void
append_escaped(GString *out, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        switch (*p) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '\'':
            g_string_append(out, "&apos;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        default:
            if ((guchar) *p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
                g_string_append_c(out, *p);
            break;
        }
    }
}

static void
indent(GString *out, int level)
{
    for (int i = 0; i < level; i++)
        g_string_append(out, "  ");
}

/* <tag>text</tag> on its own line */
static void
append_element(GString *out, int level, const char *tag, const char *text)
{
    indent(out, level);
    g_string_append_printf(out, "<%s>", tag);
    append_escaped(out, text);
    g_string_append_printf(out, "</%s>\n", tag);
}

static void append_line(GString *out, int level, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void
append_line(GString *out, int level, const char *format, ...)
{
    va_list ap;

    indent(out, level);
    va_start(ap, format);
    g_string_append_vprintf(out, format, ap);
    va_end(ap);
    g_string_append_c(out, '\n');
}

static void
append_driver(GString *out, const char *driver)
{
    if (driver == NULL || *driver == '\0')
        return;
    append_line(out, 1, "<driver>");
    append_element(out, 2, "name", driver);
    append_line(out, 1, "</driver>");
}

/* libvirt leaves out a type whose device_api or available_instances
 * cannot be read; the schema requires both. */
static gboolean
type_is_formattable(const MdevType *type)
{
    return type->device_api != NULL && type->available_instances >= 0;
}

static guint
count_formattable_types(const MdevParent *parent)
{
    guint n = 0;

    for (guint i = 0; i < parent->types->len; i++) {
        if (type_is_formattable(g_ptr_array_index(parent->types, i)))
            n++;
    }
    return n;
}

static void
append_mdev_types(GString *out, int level, const MdevParent *parent)
{
    if (count_formattable_types(parent) == 0)
        return;
    append_line(out, level, "<capability type='mdev_types'>");
    for (guint i = 0; i < parent->types->len; i++) {
        const MdevType *type = g_ptr_array_index(parent->types, i);

        if (!type_is_formattable(type))
            continue;
        indent(out, level + 1);
        g_string_append(out, "<type id='");
        append_escaped(out, type->id);
        g_string_append(out, "'>\n");
        if (type->name)
            append_element(out, level + 2, "name", type->name);
        append_element(out, level + 2, "deviceAPI", type->device_api);
        append_line(out, level + 2, "<availableInstances>%" G_GINT64_FORMAT "</availableInstances>",
                    type->available_instances);
        append_line(out, level + 1, "</type>");
    }
    append_line(out, level, "</capability>");
}

static void
append_pci_address(GString *out, int level, const PciAddress *addr)
{
    append_line(out, level, "<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%u'/>",
                addr->domain, addr->bus, addr->slot, addr->function);
}

/* A PCI device's parent node device is the PCI bridge above it when there
 * is one (libvirt's nearest known ancestor), else the root "computer". */
static char *
pci_parent_nodedev(const MdevParent *parent)
{
    g_autofree char *dir = NULL;
    g_autofree char *base = NULL;
    PciAddress addr;

    if (parent->syspath == NULL)
        return g_strdup("computer");
    dir = g_path_get_dirname(parent->syspath);
    base = g_path_get_basename(dir);
    if (parse_pci_address(base, &addr)) {
        GString *name = g_string_new("pci_");
        append_sanitized(name, base);
        return g_string_free(name, FALSE);
    }
    return g_strdup("computer");
}

static gboolean
append_pci_capability(GString *out, const MdevParent *parent, const GPtrArray *iommu_group_devices,
                      GError **error)
{
    PciAddress addr;
    PciAddress physfn;
    guint class_code;
    guint vendor = 0;
    guint device = 0;

    if (!parse_pci_address(parent->name, &addr)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, _("'%s' is not a PCI address"),
                    parent->name);
        return FALSE;
    }
    if (!parse_hex_number(parent->vendor_id, 0xffff, &vendor) ||
        !parse_hex_number(parent->device_id, 0xffff, &device)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                    _("the vendor or device id of PCI parent '%s' is unknown"), parent->name);
        return FALSE;
    }
    append_line(out, 1, "<capability type='pci'>");
    if (parse_hex_number(parent->class_code, 0xffffff, &class_code))
        append_line(out, 2, "<class>0x%06x</class>", class_code);
    append_line(out, 2, "<domain>%u</domain>", addr.domain);
    append_line(out, 2, "<bus>%u</bus>", addr.bus);
    append_line(out, 2, "<slot>%u</slot>", addr.slot);
    append_line(out, 2, "<function>%u</function>", addr.function);
    append_line(out, 2, "<product id='0x%04x'/>", device);
    append_line(out, 2, "<vendor id='0x%04x'/>", vendor);
    if (parent->physfn && parse_pci_address(parent->physfn, &physfn)) {
        append_line(out, 2, "<capability type='phys_function'>");
        append_pci_address(out, 3, &physfn);
        append_line(out, 2, "</capability>");
    }
    append_mdev_types(out, 2, parent);
    if (iommu_group_devices && iommu_group_devices->len > 0) {
        append_line(out, 2, "<iommuGroup number='%d'>", parent->iommu_group);
        for (guint i = 0; i < iommu_group_devices->len; i++) {
            PciAddress member;
            if (parse_pci_address(g_ptr_array_index(iommu_group_devices, i), &member))
                append_pci_address(out, 3, &member);
        }
        append_line(out, 2, "</iommuGroup>");
    } else if (parent->iommu_group >= 0) {
        append_line(out, 2, "<iommuGroup number='%d'>", parent->iommu_group);
        append_pci_address(out, 3, &addr);
        append_line(out, 2, "</iommuGroup>");
    }
    if (parent->numa_node >= 0)
        append_line(out, 2, "<numa node='%d'/>", parent->numa_node);
    append_line(out, 1, "</capability>");
    return TRUE;
}

static gboolean
append_css_capability(GString *out, const MdevParent *parent, GError **error)
{
    CcwAddress addr;
    CcwAddress dev;

    if (!parse_ccw_address(parent->name, &addr)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a subchannel address"), parent->name);
        return FALSE;
    }
    append_line(out, 1, "<capability type='css'>");
    append_line(out, 2, "<cssid>0x%x</cssid>", addr.cssid);
    append_line(out, 2, "<ssid>0x%x</ssid>", addr.ssid);
    append_line(out, 2, "<devno>0x%04x</devno>", addr.devno);
    if (parse_ccw_address(parent->dev_busid, &dev)) {
        append_line(out, 2, "<channel_dev_addr>");
        append_line(out, 3, "<cssid>0x%x</cssid>", dev.cssid);
        append_line(out, 3, "<ssid>0x%x</ssid>", dev.ssid);
        append_line(out, 3, "<devno>0x%04x</devno>", dev.devno);
        append_line(out, 2, "</channel_dev_addr>");
    }
    append_mdev_types(out, 2, parent);
    append_line(out, 1, "</capability>");
    return TRUE;
}

/**
 * mdev_xml_format_parent:
 * @parent: a parent with its types
 * @iommu_group_devices: (nullable) (element-type utf8): PCI addresses in the
 *   parent's IOMMU group (mdev_xml_read_iommu_group()); %NULL lists the
 *   parent alone
 * @error: return location for a #GError
 *
 * The parent's node-device XML as libvirt 9.0 prints it. A generic parent's
 * top-level capability is `mdev_types` holding a second `mdev_types`
 * capability with the types: libvirt 9.0 prints it that way and tools that
 * read its output expect it, so mdevtool does the same.
 *
 * Returns: (transfer full): the document, ending with a newline
 */
char *
mdev_xml_format_parent(const MdevParent *parent, const GPtrArray *iommu_group_devices,
                       GError **error)
{
    g_autoptr(GString) out = g_string_new("<device>\n");
    g_autofree char *name = NULL;
    g_autofree char *up = NULL;

    g_return_val_if_fail(parent != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    name = mdev_xml_parent_nodedev_name(parent);
    up = parent->kind == MDEV_PARENT_KIND_PCI ? pci_parent_nodedev(parent) : g_strdup("computer");
    append_element(out, 1, "name", name);
    if (parent->syspath)
        append_element(out, 1, "path", parent->syspath);
    append_element(out, 1, "parent", up);
    append_driver(out, parent->driver);

    switch (parent->kind) {
    case MDEV_PARENT_KIND_PCI:
        if (!append_pci_capability(out, parent, iommu_group_devices, error))
            return NULL;
        break;
    case MDEV_PARENT_KIND_CSS:
        if (!append_css_capability(out, parent, error))
            return NULL;
        break;
    case MDEV_PARENT_KIND_AP:
        append_line(out, 1, "<capability type='ap_matrix'>");
        append_mdev_types(out, 2, parent);
        append_line(out, 1, "</capability>");
        break;
    case MDEV_PARENT_KIND_GENERIC:
    case MDEV_PARENT_KIND_LAST:
    default:
        append_line(out, 1, "<capability type='mdev_types'>");
        append_mdev_types(out, 2, parent);
        append_line(out, 1, "</capability>");
        break;
    }
    g_string_append(out, "</device>\n");
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/**
 * mdev_xml_format_device:
 * @device: an mdev; with %MDEV_XML_FORMAT_INACTIVE, its definition
 * @parent: (nullable): the parent, when it exists now
 * @flags: %MDEV_XML_FORMAT_INACTIVE for the definition alone
 * @error: return location for a #GError
 *
 * The mdev's node-device XML as libvirt 9.0 prints it. An active mdev
 * shows its sysfs path, driver, type and IOMMU group from sysfs, and the
 * attributes of its definition if it has one. A device that is only
 * defined, or any defined device with %MDEV_XML_FORMAT_INACTIVE, shows the
 * definition with IOMMU group 0. `<parent>` is `computer` when the parent is
 * absent or is one libvirt does not list (mdev_xml_parent_is_listed_by_libvirt()).
 *
 * Returns: (transfer full): the document, ending with a newline; %NULL with
 *   %MDEV_ERROR_NOT_FOUND when an inactive form is asked of a device that has
 *   no definition, or %MDEV_ERROR_FAILED when an active mdev's type is not
 *   known yet
 */
char *
mdev_xml_format_device(const MdevDevice *device, const MdevParent *parent, MdevXmlFormatFlags flags,
                       GError **error)
{
    g_autoptr(GString) out = g_string_new("<device>\n");
    g_autofree char *name = NULL;
    g_autofree char *up = NULL;
    gboolean live;

    g_return_val_if_fail(device != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    live = device->active && !(flags & MDEV_XML_FORMAT_INACTIVE);
    if (!live && !device->defined) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("mdev '%1$s' on parent '%2$s' has no persistent definition"), device->uuid,
                    device->parent);
        return NULL;
    }
    if (device->type == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                    _("the type of mdev '%1$s' on parent '%2$s' is not known yet"), device->uuid,
                    device->parent);
        return NULL;
    }

    name = mdev_xml_device_nodedev_name(device->uuid, device->parent);
    if (parent && mdev_xml_parent_is_listed_by_libvirt(parent))
        up = mdev_xml_parent_nodedev_name(parent);
    else
        up = g_strdup("computer");

    append_element(out, 1, "name", name);
    if (live && device->syspath)
        append_element(out, 1, "path", device->syspath);
    append_element(out, 1, "parent", up);
    if (live)
        append_driver(out, device->driver);
    append_line(out, 1, "<capability type='mdev'>");
    indent(out, 2);
    g_string_append(out, "<type id='");
    append_escaped(out, device->type);
    g_string_append(out, "'/>\n");
    append_element(out, 2, "uuid", device->uuid);
    append_element(out, 2, "parent_addr", device->parent);
    append_line(out, 2, "<iommuGroup number='%d'/>",
                live && device->iommu_group >= 0 ? device->iommu_group : 0);
    for (guint i = 0; device->attrs && i < device->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(device->attrs, i);

        indent(out, 2);
        g_string_append(out, "<attr name='");
        append_escaped(out, attr->name);
        g_string_append(out, "' value='");
        append_escaped(out, attr->value);
        g_string_append(out, "'/>\n");
    }
    append_line(out, 1, "</capability>");
    g_string_append(out, "</device>\n");
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static gboolean
is_hostdev_model(const char *text)
{
    return text && g_strv_contains(hostdev_models, text);
}

/**
 * mdev_xml_format_hostdev:
 * @uuid: the mdev's UUID
 * @model: (nullable): `vfio-pci`, `vfio-ccw` or `vfio-ap`; %NULL takes
 *   @device_api
 * @device_api: (nullable): the device API of the mdev's type
 * @display: the `display` attribute
 * @ramfb: the `ramfb` attribute
 * @error: return location for a #GError
 *
 * A domain's `<hostdev mode='subsystem' type='mdev'>` element for the mdev.
 * Combinations that libvirt's QEMU driver rejects are refused here:
 * `display` and `ramfb` exist only for `vfio-pci`, and a model that differs
 * from the type's device API would fail when the domain starts.
 *
 * Returns: (transfer full): the element, ending with a newline; %NULL with
 *   %MDEV_ERROR_INVALID_ARGUMENT
 */
char *
mdev_xml_format_hostdev(const char *uuid, const char *model, const char *device_api,
                        MdevXmlSwitch display, MdevXmlSwitch ramfb, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *canonical = NULL;
    const char *chosen = model;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    g_return_val_if_fail(display < MDEV_XML_SWITCH_LAST && ramfb < MDEV_XML_SWITCH_LAST, NULL);

    canonical = mdev_util_uuid_canonicalize(uuid, error);
    if (canonical == NULL)
        return NULL;
    if (chosen == NULL) {
        if (device_api == NULL) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("the device API of mdev '%s' is unknown: give the model"), canonical);
            return NULL;
        }
        chosen = device_api;
    }
    if (!is_hostdev_model(chosen)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("unsupported hostdev model '%s': expected vfio-pci, vfio-ccw or vfio-ap"),
                    chosen);
        return NULL;
    }
    if (model && device_api && strcmp(model, device_api) != 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("model '%1$s' does not match the device API '%2$s' of mdev '%3$s'"), model,
                    device_api, canonical);
        return NULL;
    }
    if (display != MDEV_XML_SWITCH_DEFAULT && strcmp(chosen, "vfio-pci") != 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("display is only supported with model 'vfio-pci', not '%s'"), chosen);
        return NULL;
    }
    if (ramfb != MDEV_XML_SWITCH_DEFAULT && strcmp(chosen, "vfio-pci") != 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("ramfb is only supported with model 'vfio-pci', not '%s'"), chosen);
        return NULL;
    }

    g_string_append_printf(out, "<hostdev mode='subsystem' type='mdev' model='%s'", chosen);
    if (display != MDEV_XML_SWITCH_DEFAULT)
        g_string_append_printf(out, " display='%s'", switch_names[display]);
    if (ramfb != MDEV_XML_SWITCH_DEFAULT)
        g_string_append_printf(out, " ramfb='%s'", switch_names[ramfb]);
    g_string_append(out, ">\n");
    append_line(out, 1, "<source>");
    append_line(out, 2, "<address uuid='%s'/>", canonical);
    append_line(out, 1, "</source>");
    g_string_append(out, "</hostdev>\n");
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* --------------------------------------------------------------- parsing */

typedef struct {
    char *first_error;
    gboolean has_dtd;
} ParseState;

/* libxml2 would print to stderr; the library never prints. Keep the first
 * message for the GError. */
static void
collect_error(void *user_data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = user_data;
    ParseState *state = ctxt->_private;

    if (state->first_error == NULL && err && err->message) {
        g_autofree char *message = g_strchomp(g_strdup(err->message));
        state->first_error = g_strdup_printf(_("line %1$d: %2$s"), err->line, message);
    }
}

/* Node-device documents have no use for a DTD; refusing any DOCTYPE at the
 * first SAX event closes entity expansion attacks (billion laughs),
 * external entities and external DTD loading before libxml2 processes a
 * single declaration. */
static void
refuse_dtd(void *user_data, const xmlChar *name, const xmlChar *external_id,
           const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = user_data;
    ParseState *state = ctxt->_private;

    state->has_dtd = TRUE;
    xmlStopParser(ctxt);
}

static char *
node_text(xmlNodePtr node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *text = g_strstrip(g_strdup(content ? (const char *) content : ""));

    xmlFree(content);
    return text;
}

static char *
node_prop(xmlNodePtr node, const char *name)
{
    xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *) name);
    char *text = value ? g_strdup((const char *) value) : NULL;

    xmlFree(value);
    return text;
}

static gboolean
node_is(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && xmlStrEqual(node->name, (const xmlChar *) name);
}

static xmlNodePtr
first_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent->children; n; n = n->next) {
        if (node_is(n, name))
            return n;
    }
    return NULL;
}

static gboolean invalid(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
invalid(GError **error, const char *format, ...)
{
    va_list ap;
    g_autofree char *message = NULL;

    va_start(ap, format);
    message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, _("invalid node device XML: %s"),
                message);
    return FALSE;
}

/* libvirt accepts a UUID with or without hyphens */
static char *
parse_uuid(const char *text, GError **error)
{
    if (strlen(text) == 32 && strspn(text, "0123456789abcdefABCDEF") == 32) {
        g_autofree char *hyphenated = g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", text, text + 8,
                                                      text + 12, text + 16, text + 20);
        return mdev_util_uuid_canonicalize(hyphenated, error);
    }
    return mdev_util_uuid_canonicalize(text, error);
}

static const MdevParent *
find_parent(const GPtrArray *parents, const char *nodedev)
{
    for (guint i = 0; parents && i < parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index((GPtrArray *) parents, i);
        g_autofree char *name = mdev_xml_parent_nodedev_name(parent);

        if (strcmp(name, nodedev) == 0)
            return parent;
    }
    return NULL;
}

static gboolean
parse_mdev_capability(xmlNodePtr cap, MdevDevice *device, GError **error)
{
    xmlNodePtr type = first_child(cap, "type");
    xmlNodePtr uuid = first_child(cap, "uuid");
    xmlNodePtr start = first_child(cap, "start");
    g_autofree char *type_id = NULL;

    if (type == NULL)
        return invalid(error, _("missing <type> element in <capability type='mdev'>"));
    type_id = node_prop(type, "id");
    if (type_id == NULL || *type_id == '\0')
        return invalid(error, _("missing 'id' attribute in <type>"));
    if (!mdev_util_check_name("type", type_id, NULL))
        return invalid(error, _("invalid type id '%s' in <type>"), type_id);
    device->type = g_steal_pointer(&type_id);

    /* an empty <uuid/> counts as absent, as in libvirt */
    if (uuid) {
        g_autofree char *text = node_text(uuid);
        if (*text) {
            g_autoptr(GError) local = NULL;
            device->uuid = parse_uuid(text, &local);
            if (device->uuid == NULL)
                return invalid(error, _("invalid UUID '%s' in <uuid>"), text);
        }
    }

    /* newer libvirt writes the start mode into the document */
    if (start) {
        g_autofree char *mode = node_prop(start, "type");
        if (g_strcmp0(mode, "auto") == 0)
            device->autostart = TRUE;
        else if (g_strcmp0(mode, "manual") != 0)
            return invalid(error, _("invalid start type '%s' in <start>: expected auto or manual"),
                           mode ? mode : "");
    }

    for (xmlNodePtr n = cap->children; n; n = n->next) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        if (!node_is(n, "attr"))
            continue;
        name = node_prop(n, "name");
        value = node_prop(n, "value");
        if (name == NULL || *name == '\0')
            return invalid(error, _("missing 'name' attribute in <attr>"));
        if (value == NULL)
            return invalid(error, _("missing 'value' attribute in <attr name='%s'>"), name);
        if (!mdev_util_check_name("attribute", name, NULL))
            return invalid(error, _("invalid attribute name '%s' in <attr>"), name);
        g_ptr_array_add(device->attrs, mdev_attr_new(name, value));
    }
    return TRUE;
}

/**
 * mdev_xml_parse_nodedev:
 * @xml: a node-device document
 * @length: its length, or -1 when NUL-terminated
 * @parents: (element-type MdevParent): the parents that exist now
 * @error: return location for a #GError
 *
 * Reads the document `virsh nodedev-define` and `nodedev-create` accept:
 * `<parent>` names the parent's node device (`pci_0000_00_02_0`) and is
 * resolved against @parents; `<capability type='mdev'>` gives the type id
 * (required), the UUID (optional) and `<attr>` elements in order.
 * `<name>`, `<path>`, `<driver>`, `<parent_addr>` and `<iommuGroup>` are
 * ignored, as libvirt ignores them.
 *
 * Parsing is safe on untrusted input: documents over %MDEV_XML_MAX_SIZE and
 * documents with a DOCTYPE are refused, no entity is expanded, nothing is
 * loaded from the network or from files.
 *
 * Returns: (transfer full): a definition (parent, type, attrs, the UUID or
 *   %NULL when the document has none) with defined and active unset; %NULL
 *   with %MDEV_ERROR_INVALID_CONFIG for a bad document, or
 *   %MDEV_ERROR_NOT_FOUND when no parent has the given node-device name
 */
MdevDevice *
mdev_xml_parse_nodedev(const char *xml, gssize length, const GPtrArray *parents, GError **error)
{
    xmlParserCtxtPtr ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(MdevDevice) device = NULL;
    ParseState state = { NULL, FALSE };
    xmlNodePtr root;
    xmlNodePtr parent_node;
    xmlNodePtr mdev_cap = NULL;
    g_autofree char *parent_name = NULL;
    const MdevParent *parent;
    gsize size;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    size = length < 0 ? strlen(xml) : (gsize) length;
    if (size > MDEV_XML_MAX_SIZE) {
        invalid(error, _("the document is %1$llu bytes long, more than the %2$d bytes accepted"),
                (unsigned long long) size, MDEV_XML_MAX_SIZE);
        return NULL;
    }

    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED, _("cannot create an XML parser"));
        return NULL;
    }
    ctxt->_private = &state;
    ctxt->sax->serror = collect_error;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->sax->internalSubset = refuse_dtd;
    ctxt->sax->externalSubset = refuse_dtd;
    /* XML_PARSE_NOENT is deliberately absent: it would expand entities */
    doc = xmlCtxtReadMemory(ctxt, xml, (int) size, "nodedev.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING |
                                XML_PARSE_NOERROR);
    xmlFreeParserCtxt(ctxt);

    if (state.has_dtd) {
        g_free(state.first_error);
        invalid(error, _("a DOCTYPE is not accepted in node device XML"));
        return NULL;
    }
    if (doc == NULL) {
        invalid(error, "%s", state.first_error ? state.first_error : _("malformed document"));
        g_free(state.first_error);
        return NULL;
    }
    g_free(state.first_error);

    root = xmlDocGetRootElement(doc);
    if (root == NULL || !node_is(root, "device")) {
        invalid(error, _("the root element must be <device>"));
        return NULL;
    }

    parent_node = first_child(root, "parent");
    if (parent_node)
        parent_name = node_text(parent_node);
    if (parent_name == NULL || *parent_name == '\0') {
        invalid(error, _("missing <parent> element"));
        return NULL;
    }

    for (xmlNodePtr n = root->children; n; n = n->next) {
        g_autofree char *type = NULL;

        if (!node_is(n, "capability"))
            continue;
        type = node_prop(n, "type");
        if (g_strcmp0(type, "mdev") != 0) {
            invalid(error,
                    _("<capability type='%s'> cannot be defined: only mediated "
                      "devices (type='mdev') can"),
                    type ? type : "");
            return NULL;
        }
        if (mdev_cap) {
            invalid(error, _("more than one <capability type='mdev'> element"));
            return NULL;
        }
        mdev_cap = n;
    }
    if (mdev_cap == NULL) {
        invalid(error, _("missing <capability type='mdev'> element"));
        return NULL;
    }

    device = mdev_device_new(NULL, NULL);
    if (!parse_mdev_capability(mdev_cap, device, error))
        return NULL;

    parent = find_parent(parents, parent_name);
    if (parent == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("invalid parent device '%s' in <parent>: no such parent node device"),
                    parent_name);
        return NULL;
    }
    device->parent = g_strdup(parent->name);
    return g_steal_pointer(&device);
}

/**
 * mdev_xml_parse_nodedev_file:
 * @path: a file holding a node-device document
 * @parents: (element-type MdevParent): the parents that exist now
 * @error: return location for a #GError
 *
 * mdev_xml_parse_nodedev() on a file; a file larger than
 * %MDEV_XML_MAX_SIZE is refused without reading it.
 *
 * Returns: (transfer full): the definition, or %NULL with @error set
 */
MdevDevice *
mdev_xml_parse_nodedev_file(const char *path, const GPtrArray *parents, GError **error)
{
    g_autofree char *contents = NULL;
    gsize length;
    FILE *file;
    MdevDevice *device;
    int saved_errno;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    /* read at most one byte more than accepted: a huge file or an endless
     * stream is refused without being read */
    file = fopen(path, "re");
    if (file == NULL) {
        saved_errno = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                    _("cannot open '%1$s': %2$s"), path, g_strerror(saved_errno));
        return NULL;
    }
    contents = g_malloc(MDEV_XML_MAX_SIZE + 1);
    length = fread(contents, 1, MDEV_XML_MAX_SIZE + 1, file);
    saved_errno = errno;
    if (ferror(file)) {
        fclose(file);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                    _("cannot read '%1$s': %2$s"), path, g_strerror(saved_errno));
        return NULL;
    }
    fclose(file);
    if (length > MDEV_XML_MAX_SIZE) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("%1$s: the document is longer than the %2$d bytes accepted"), path,
                    MDEV_XML_MAX_SIZE);
        return NULL;
    }
    device = mdev_xml_parse_nodedev(contents, (gssize) length, parents, error);
    if (device == NULL)
        g_prefix_error(error, "%s: ", path);
    return device;
}

/* ----------------------------------------------------------- the host */

/* Parents and mdevs as they are now, with the store's definitions merged
 * in; what the store could not read goes to @ret_problems. */
static MdevInventory *
scan_host(MdevContext *ctx, GPtrArray *ret_problems, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) definitions = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);

    inv = mdev_discovery_scan(
        ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES | MDEV_DISCOVERY_DEVICE_DRIVER, NULL,
        error);
    if (inv == NULL)
        return NULL;
    definitions = mdev_store_load(ctx, NULL, NULL, problems, error);
    if (definitions == NULL)
        return NULL;
    mdev_inventory_add_definitions(inv, definitions);
    if (ret_problems) {
        for (guint i = 0; i < inv->problems->len; i++)
            g_ptr_array_add(ret_problems, g_strdup(g_ptr_array_index(inv->problems, i)));
        for (guint i = 0; i < problems->len; i++)
            g_ptr_array_add(ret_problems, g_strdup(g_ptr_array_index(problems, i)));
    }
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

/**
 * mdev_xml_dump_nodedev:
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
mdev_xml_dump_nodedev(MdevContext *ctx, const char *name, MdevXmlFormatFlags flags,
                      GPtrArray *ret_problems, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autofree char *uuid = NULL;

    g_return_val_if_fail(name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    inv = scan_host(ctx, ret_problems, error);
    if (inv == NULL)
        return NULL;

    uuid = parse_uuid(name, NULL);
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
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                _("no mdev or parent device is named '%s'"), name);
    return NULL;
}

/**
 * mdev_xml_dump_hostdev:
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
mdev_xml_dump_hostdev(MdevContext *ctx, const char *uuid, const char *model, MdevXmlSwitch display,
                      MdevXmlSwitch ramfb, GPtrArray *ret_problems, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) found = NULL;
    g_autofree char *canonical = NULL;
    const char *device_api = NULL;

    g_return_val_if_fail(uuid != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    canonical = parse_uuid(uuid, error);
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
 * mdev_xml_read_definition:
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
mdev_xml_read_definition(MdevContext *ctx, const char *path, GError **error)
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
