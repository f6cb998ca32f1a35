/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's XML for mdevs as libvirt 9.0 prints it: node-device documents
 * (`virsh nodedev-dumpxml`) and the `<hostdev type='mdev'>` element of a
 * domain, with libvirt's names for parents and mdevs.
 *
 * The formatters write text directly rather than through a libxml2 tree:
 * libvirt's output has single-quoted attributes, self-closing empty
 * elements and 2-space indentation, and tools compare it textually. */
#include "mdev-xml.h"

#include "mdev-enum.h"
#include "mdev-error.h"
#include "mdev-util.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define SYS_IOMMU_GROUPS "/sys/kernel/iommu_groups"

MDEV_ENUM_TABLE(mdev_xml_switch, MdevXmlSwitch, MDEV_XML_SWITCH_LAST, "default", "on", "off")

static const char *const hostdev_models[] = { "vfio-pci", "vfio-ccw", "vfio-ap", NULL };

/**
 * mdev_xml_switch_from_string:
 * @text: (nullable): `on`, `off` or `default`
 *
 * Returns: the value, or %MDEV_XML_SWITCH_LAST when @text is none of them
 */
MdevXmlSwitch
mdev_xml_switch_from_string(const char *text)
{
    int value = mdev_xml_switch_lookup(text);

    return value >= 0 ? (MdevXmlSwitch) value : MDEV_XML_SWITCH_LAST;
}

/* Only the <hostdev> formatter below prints a switch. */
static const char *
switch_to_string(MdevXmlSwitch value)
{
    g_return_val_if_fail((guint) value < MDEV_XML_SWITCH_LAST, NULL);
    return mdev_xml_switch_strings[value];
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
    case MDEV_PARENT_KIND_NVIDIA_VF:
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
    case MDEV_PARENT_KIND_NVIDIA_VF:
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
    g_ptr_array_sort(members, mdev_util_compare_strings);
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
    /* libvirt prints udev's device node and its links for any device */
    if (parent->devnode) {
        indent(out, 1);
        g_string_append(out, "<devnode type='dev'>");
        append_escaped(out, parent->devnode);
        g_string_append(out, "</devnode>\n");
    }
    for (guint i = 0; parent->devlinks && parent->devlinks[i]; i++) {
        indent(out, 1);
        g_string_append(out, "<devnode type='link'>");
        append_escaped(out, parent->devlinks[i]);
        g_string_append(out, "</devnode>\n");
    }
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
        g_string_append_printf(out, " display='%s'", switch_to_string(display));
    if (ramfb != MDEV_XML_SWITCH_DEFAULT)
        g_string_append_printf(out, " ramfb='%s'", switch_to_string(ramfb));
    g_string_append(out, ">\n");
    append_line(out, 1, "<source>");
    append_line(out, 2, "<address uuid='%s'/>", canonical);
    append_line(out, 1, "</source>");
    g_string_append(out, "</hostdev>\n");
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/**
 * mdev_xml_format_pci_hostdev:
 * @address: a PCI function's address, `0000:3d:00.4`
 * @error: return location for a #GError
 *
 * A domain's `<hostdev mode='subsystem' type='pci' managed='no'>` element
 * for an NVIDIA VF vGPU. It is never managed: libvirt would unbind the VF
 * from the NVIDIA driver to give it to vfio-pci (or a variant driver),
 * and the vGPU, which lives in that driver, would be destroyed.
 *
 * Returns: (transfer full): the element, ending with a newline; %NULL with
 *   %MDEV_ERROR_INVALID_ARGUMENT for an address that is none
 */
char *
mdev_xml_format_pci_hostdev(const char *address, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);
    PciAddress addr;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!parse_pci_address(address, &addr)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, _("'%s' is not a PCI address"),
                    address);
        return NULL;
    }
    g_string_append(out, "<hostdev mode='subsystem' type='pci' managed='no'>\n");
    append_line(out, 1, "<source>");
    append_pci_address(out, 2, &addr);
    append_line(out, 1, "</source>");
    g_string_append(out, "</hostdev>\n");
    return g_string_free(g_steal_pointer(&out), FALSE);
}
