/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What mdevtool reads from a libvirt domain's XML: its identity, the mdev
 * and PCI hostdevs it uses and mdevtool's own element in <metadata>, which
 * tells how to make the devices that do not exist. The document comes from
 * whoever may define a domain, so it is untrusted input. */
#include "mdev-domain.h"

#include "mdev-error.h"
#include "mdev-model.h"
#include "mdev-nvidia.h"
#include "mdev-util.h"
#include "mdev-xml-parse-private.h"
#include "mdev-xml-parse.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/**
 * mdev_domain_device_new:
 * @uuid: (nullable): the mdev's UUID, canonical
 * @address: (nullable): the VF's PCI address
 * @type: a type id or name
 * @parent: (nullable): the parent
 *
 * Returns: (transfer full): a metadata device without attributes; the
 *   names are taken as given (see mdev_domain_device_check())
 */
MdevDomainDevice *
mdev_domain_device_new(const char *uuid, const char *address, const char *type,
                       const char *parent)
{
    MdevDomainDevice *device = g_new0(MdevDomainDevice, 1);

    device->uuid = g_strdup(uuid);
    device->address = g_strdup(address);
    device->type = g_strdup(type);
    device->parent = g_strdup(parent);
    device->attrs = mdev_attr_array_new();
    return device;
}

/**
 * mdev_domain_device_copy:
 * @device: a metadata device
 *
 * Returns: (transfer full): a deep copy of @device
 */
MdevDomainDevice *
mdev_domain_device_copy(const MdevDomainDevice *device)
{
    MdevDomainDevice *copy =
        mdev_domain_device_new(device->uuid, device->address, device->type, device->parent);

    g_ptr_array_unref(copy->attrs);
    copy->attrs = mdev_attr_array_copy(device->attrs);
    return copy;
}

void
mdev_domain_device_free(MdevDomainDevice *device)
{
    if (device == NULL)
        return;
    g_free(device->uuid);
    g_free(device->address);
    g_free(device->type);
    g_free(device->parent);
    if (device->attrs)
        g_ptr_array_unref(device->attrs);
    g_free(device);
}

void
mdev_domain_hostdev_free(MdevDomainHostdev *hostdev)
{
    if (hostdev == NULL)
        return;
    g_free(hostdev->uuid);
    g_free(hostdev->model);
    g_free(hostdev);
}

void
mdev_domain_free(MdevDomain *domain)
{
    if (domain == NULL)
        return;
    g_free(domain->name);
    g_free(domain->uuid);
    if (domain->mdevs)
        g_ptr_array_unref(domain->mdevs);
    if (domain->pci)
        g_ptr_array_unref(domain->pci);
    if (domain->devices)
        g_ptr_array_unref(domain->devices);
    g_free(domain);
}

static GPtrArray *
device_array_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify) mdev_domain_device_free);
}

/* Names quoted in a message stay on one line whatever the document
 * smuggled into them with character references. */
static char *
printable(const char *text)
{
    GString *out = g_string_new(NULL);

    for (const char *p = text ? text : ""; *p; p++) {
        if ((guchar) *p < 0x20 || *p == 0x7f)
            g_string_append_printf(out, "\\x%02x", (guchar) *p);
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

static gboolean
is_element(xmlNode *node, const char *name, const char *ns)
{
    if (node->type != XML_ELEMENT_NODE || strcmp((const char *) node->name, name) != 0)
        return FALSE;
    if (ns == NULL)
        return node->ns == NULL;
    return node->ns && node->ns->href && strcmp((const char *) node->ns->href, ns) == 0;
}

static xmlNode *
first_child(xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (is_element(n, name, NULL))
            return n;
    }
    return NULL;
}

/* A value other than tab, newline and carriage return below 0x20 cannot
 * be written in XML 1.0 at all. */
static gboolean
value_is_representable(const char *value)
{
    for (const char *p = value; *p; p++) {
        if (((guchar) *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
            return FALSE;
    }
    return g_utf8_validate(value, -1, NULL);
}

static const char *
device_label(const MdevDomainDevice *device)
{
    return device->uuid ? device->uuid : device->address ? device->address : "";
}

/**
 * mdev_domain_device_check:
 * @device: a metadata device
 * @error: return location for a #GError
 *
 * Checks every name of @device as the commands check them where they
 * enter: exactly one of a canonical UUID and a VF address, a type and
 * parent that are single path components, attribute paths without control
 * files, and values that XML can carry.
 *
 * Returns: %TRUE when @device may be used and formatted, else %FALSE with
 *   %MDEV_ERROR_INVALID_ARGUMENT
 */
gboolean
mdev_domain_device_check(const MdevDomainDevice *device, GError **error)
{
    g_autoptr(GError) local = NULL;
    const char *label = device_label(device);

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if ((device->uuid == NULL) == (device->address == NULL)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("a device of the metadata needs either a 'uuid' or an 'address'"));
        return FALSE;
    }
    if (device->uuid && !mdev_util_check_uuid(device->uuid, error))
        return FALSE;
    if (device->address && !mdev_nvidia_address_is_valid(device->address)) {
        g_autofree char *shown = printable(device->address);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("invalid PCI address '%s': expected the lowercase form 0000:41:00.4"),
                    shown);
        return FALSE;
    }
    if (device->type == NULL || !mdev_util_name_is_valid(device->type)) {
        g_autofree char *shown = printable(device->type);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("device '%1$s': invalid type name '%2$s': it must be one path component, "
                      "not empty, '.', '..' or containing '/'"),
                    label, shown);
        return FALSE;
    }
    if (device->parent) {
        g_autofree char *shown = printable(device->parent);
        if (!mdev_util_name_is_valid(device->parent) ||
            !mdev_util_check_name("parent", device->parent, NULL)) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("device '%1$s': invalid parent name '%2$s'"), label, shown);
            return FALSE;
        }
    }
    for (guint i = 0; i < device->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(device->attrs, i);
        g_autofree char *shown = printable(attr->name);

        if (!mdev_util_check_name("attribute", attr->name, &local)) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("device '%1$s': invalid attribute name '%2$s'"), label, shown);
            return FALSE;
        }
        if (attr->value == NULL || !value_is_representable(attr->value)) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("device '%1$s': the value of attribute '%2$s' holds control "
                          "characters"),
                        label, shown);
            return FALSE;
        }
    }
    return TRUE;
}

static MdevDomainDevice *
parse_device(xmlNode *node, GError **error)
{
    g_autoptr(MdevDomainDevice) device = g_new0(MdevDomainDevice, 1);
    g_autofree char *uuid = mdev_xml_parse_node_prop(node, "uuid");
    g_autoptr(GError) local = NULL;

    device->address = mdev_xml_parse_node_prop(node, "address");
    device->type = mdev_xml_parse_node_prop(node, "type");
    device->parent = mdev_xml_parse_node_prop(node, "parent");
    device->attrs = mdev_attr_array_new();
    if (uuid) {
        device->uuid = mdev_xml_parse_uuid(uuid, NULL);
        if (device->uuid == NULL) {
            g_autofree char *shown = printable(uuid);
            mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                   _("invalid UUID '%s' in <mdevtool:device>"), shown);
            return NULL;
        }
    }
    if (device->type == NULL) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                               _("missing 'type' attribute in <mdevtool:device>"));
        return NULL;
    }
    for (xmlNode *n = node->children; n; n = n->next) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!is_element(n, "attr", MDEV_DOMAIN_METADATA_NS)) {
            g_autofree char *shown = printable((const char *) n->name);
            mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                   _("unknown element <%s> in <mdevtool:device>"), shown);
            return NULL;
        }
        name = mdev_xml_parse_node_prop(n, "name");
        value = mdev_xml_parse_node_prop(n, "value");
        if (name == NULL) {
            mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                   _("missing 'name' attribute in <mdevtool:attr>"));
            return NULL;
        }
        if (value == NULL) {
            g_autofree char *shown = printable(name);
            mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                   _("missing 'value' attribute in <mdevtool:attr name='%s'>"),
                                   shown);
            return NULL;
        }
        g_ptr_array_add(device->attrs, mdev_attr_new(name, value));
    }
    if (!mdev_domain_device_check(device, &local)) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error, "%s", local->message);
        return NULL;
    }
    return g_steal_pointer(&device);
}

static GPtrArray *
parse_metadata_element(xmlNode *element, GError **error)
{
    g_autoptr(GPtrArray) devices = device_array_new();

    for (xmlNode *n = element->children; n; n = n->next) {
        MdevDomainDevice *device;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!is_element(n, "device", MDEV_DOMAIN_METADATA_NS)) {
            g_autofree char *shown = printable((const char *) n->name);
            mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                   _("unknown element <%s> in <mdevtool:devices>"), shown);
            return NULL;
        }
        device = parse_device(n, error);
        if (device == NULL)
            return NULL;
        for (guint i = 0; i < devices->len; i++) {
            const MdevDomainDevice *other = g_ptr_array_index(devices, i);
            if (g_strcmp0(other->uuid, device->uuid) == 0 &&
                g_strcmp0(other->address, device->address) == 0) {
                mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                       _("device '%s' is described twice in <mdevtool:devices>"),
                                       device_label(device));
                mdev_domain_device_free(device);
                return NULL;
            }
        }
        g_ptr_array_add(devices, device);
    }
    return g_steal_pointer(&devices);
}

static gboolean
parse_number(const char *text, guint64 max, guint *ret_value)
{
    guint64 value;

    if (text == NULL || !g_ascii_isdigit(*text))
        return FALSE;
    /* libvirt writes 0x-prefixed hex and reads decimal too */
    if (g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X")) {
        if (!g_ascii_string_to_unsigned(text + 2, 16, 0, max, &value, NULL))
            return FALSE;
    } else if (!g_ascii_string_to_unsigned(text, 10, 0, max, &value, NULL)) {
        return FALSE;
    }
    *ret_value = (guint) value;
    return TRUE;
}

static char *
parse_pci_address(xmlNode *address)
{
    g_autofree char *domain = mdev_xml_parse_node_prop(address, "domain");
    g_autofree char *bus = mdev_xml_parse_node_prop(address, "bus");
    g_autofree char *slot = mdev_xml_parse_node_prop(address, "slot");
    g_autofree char *function = mdev_xml_parse_node_prop(address, "function");
    guint d = 0, b, s, f;

    if ((domain && !parse_number(domain, 0xffff, &d)) || !parse_number(bus, 0xff, &b) ||
        !parse_number(slot, 0x1f, &s) || !parse_number(function, 7, &f))
        return NULL;
    return g_strdup_printf("%04x:%02x:%02x.%u", d, b, s, f);
}

static gboolean
parse_hostdev(xmlNode *hostdev, MdevDomain *domain, GError **error)
{
    g_autofree char *mode = mdev_xml_parse_node_prop(hostdev, "mode");
    g_autofree char *type = mdev_xml_parse_node_prop(hostdev, "type");
    xmlNode *source = first_child(hostdev, "source");
    xmlNode *address = source ? first_child(source, "address") : NULL;

    if (g_strcmp0(mode, "capabilities") == 0)
        return TRUE;
    if (g_strcmp0(type, "mdev") == 0) {
        g_autofree char *text = address ? mdev_xml_parse_node_prop(address, "uuid") : NULL;
        g_autoptr(MdevDomainHostdev) mdev = g_new0(MdevDomainHostdev, 1);

        if (text == NULL)
            return mdev_xml_parse_invalid(
                MDEV_XML_DOCUMENT_DOMAIN, error,
                _("missing <source><address uuid=...> in an mdev <hostdev>"));
        mdev->uuid = mdev_xml_parse_uuid(text, NULL);
        if (mdev->uuid == NULL) {
            g_autofree char *shown = printable(text);
            return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                          _("invalid UUID '%s' in an mdev <hostdev>"), shown);
        }
        mdev->model = mdev_xml_parse_node_prop(hostdev, "model");
        g_ptr_array_add(domain->mdevs, g_steal_pointer(&mdev));
    } else if (g_strcmp0(type, "pci") == 0) {
        char *pci;

        if (address == NULL)
            return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                          _("missing <source><address> in a PCI <hostdev>"));
        pci = parse_pci_address(address);
        if (pci == NULL)
            return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                          _("invalid source address in a PCI <hostdev>"));
        g_ptr_array_add(domain->pci, pci);
    }
    return TRUE;
}

static MdevDomain *
parse_domain(xmlNode *root, GError **error)
{
    g_autoptr(MdevDomain) domain = g_new0(MdevDomain, 1);
    xmlNode *name = first_child(root, "name");
    xmlNode *uuid = first_child(root, "uuid");
    xmlNode *devices = first_child(root, "devices");
    xmlNode *metadata = first_child(root, "metadata");
    g_autofree char *uuid_text = NULL;

    domain->mdevs = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_domain_hostdev_free);
    domain->pci = g_ptr_array_new_with_free_func(g_free);

    if (name == NULL) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error, _("missing <name> element"));
        return NULL;
    }
    domain->name = mdev_xml_parse_node_text(name);
    if (*domain->name == '\0') {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error, _("empty <name> element"));
        return NULL;
    }
    if (uuid == NULL) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error, _("missing <uuid> element"));
        return NULL;
    }
    uuid_text = mdev_xml_parse_node_text(uuid);
    domain->uuid = mdev_xml_parse_uuid(uuid_text, NULL);
    if (domain->uuid == NULL) {
        g_autofree char *shown = printable(uuid_text);
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error, _("invalid UUID '%s' in <uuid>"),
                               shown);
        return NULL;
    }

    for (xmlNode *n = devices ? devices->children : NULL; n; n = n->next) {
        if (is_element(n, "hostdev", NULL) && !parse_hostdev(n, domain, error))
            return NULL;
    }

    for (xmlNode *n = metadata ? metadata->children : NULL; n; n = n->next) {
        if (!is_element(n, "devices", MDEV_DOMAIN_METADATA_NS))
            continue;
        /* libvirt keeps one element per namespace */
        if (domain->devices) {
            mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                                   _("more than one <mdevtool:devices> element in <metadata>"));
            return NULL;
        }
        domain->devices = parse_metadata_element(n, error);
        if (domain->devices == NULL)
            return NULL;
    }
    if (domain->devices == NULL)
        domain->devices = device_array_new();
    return g_steal_pointer(&domain);
}

/**
 * mdev_domain_parse:
 * @xml: a domain document, as `virsh dumpxml` prints it or a libvirt hook
 *   reads it
 * @length: its length, or -1 when NUL-terminated
 * @error: return location for a #GError
 *
 * Reads the domain's name and UUID, its `<hostdev mode='subsystem'
 * type='mdev'>` UUIDs and models, its `<hostdev type='pci'>` source
 * addresses and mdevtool's metadata element, checking every name the
 * metadata gives (mdev_domain_device_check()). Parsing is bounded
 * (%MDEV_DOMAIN_XML_MAX_SIZE, %MDEV_DOMAIN_XML_MAX_DEPTH), the bytes must
 * be UTF-8, a DOCTYPE is refused and no entity is expanded.
 *
 * Returns: (transfer full): the domain, or %NULL with
 *   %MDEV_ERROR_INVALID_CONFIG
 */
MdevDomain *
mdev_domain_parse(const char *xml, gssize length, GError **error)
{
    g_autoptr(MdevXmlDoc) doc = NULL;
    xmlNode *root;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    doc = mdev_xml_parse_read(xml, length, MDEV_XML_DOCUMENT_DOMAIN, "domain", error);
    if (doc == NULL)
        return NULL;
    root = mdev_xml_parse_doc_root(doc);
    if (root->ns != NULL) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                               _("the root element must be <domain>"));
        return NULL;
    }
    return parse_domain(root, error);
}

/**
 * mdev_domain_parse_metadata:
 * @xml: mdevtool's metadata element alone, as virDomainGetMetadata()
 *   returns it
 * @length: its length, or -1 when NUL-terminated
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdevDomainDevice): the devices,
 *   or %NULL with %MDEV_ERROR_INVALID_CONFIG
 */
GPtrArray *
mdev_domain_parse_metadata(const char *xml, gssize length, GError **error)
{
    g_autoptr(MdevXmlDoc) doc = NULL;
    xmlNode *root;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    doc = mdev_xml_parse_read(xml, length, MDEV_XML_DOCUMENT_DOMAIN, "devices", error);
    if (doc == NULL)
        return NULL;
    root = mdev_xml_parse_doc_root(doc);
    if (!is_element(root, "devices", MDEV_DOMAIN_METADATA_NS)) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_DOMAIN, error,
                               _("the root element must be <devices> in namespace '%s'"),
                               MDEV_DOMAIN_METADATA_NS);
        return NULL;
    }
    return parse_metadata_element(root, error);
}

static void
append_attribute(GString *out, const char *name, const char *value)
{
    if (value == NULL)
        return;
    g_string_append_printf(out, " %s=\"", name);
    for (const char *p = value; *p; p++) {
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
        case '"':
            g_string_append(out, "&quot;");
            break;
        /* kept as references: a parser turns the raw characters into
         * spaces in an attribute value */
        case '\t':
            g_string_append(out, "&#9;");
            break;
        case '\n':
            g_string_append(out, "&#10;");
            break;
        case '\r':
            g_string_append(out, "&#13;");
            break;
        default:
            g_string_append_c(out, *p);
            break;
        }
    }
    g_string_append_c(out, '"');
}

/**
 * mdev_domain_format_metadata:
 * @devices: (element-type MdevDomainDevice): devices that pass
 *   mdev_domain_device_check()
 *
 * Formats mdevtool's metadata element, the one container that
 * virDomainSetMetadata() replaces whole, with one `<mdevtool:device>` per
 * device in the given order.
 *
 * Returns: (transfer full): the element, ending in a newline
 */
char *
mdev_domain_format_metadata(const GPtrArray *devices)
{
    GString *out = g_string_new(NULL);

    g_string_append(out, "<" MDEV_DOMAIN_METADATA_PREFIX ":devices xmlns:" MDEV_DOMAIN_METADATA_PREFIX
                         "=\"" MDEV_DOMAIN_METADATA_NS "\"");
    if (devices == NULL || devices->len == 0) {
        g_string_append(out, "/>\n");
        return g_string_free(out, FALSE);
    }
    g_string_append(out, ">\n");
    for (guint i = 0; i < devices->len; i++) {
        const MdevDomainDevice *device = g_ptr_array_index((GPtrArray *) devices, i);

        g_string_append(out, "  <" MDEV_DOMAIN_METADATA_PREFIX ":device");
        append_attribute(out, "uuid", device->uuid);
        append_attribute(out, "address", device->address);
        append_attribute(out, "type", device->type);
        append_attribute(out, "parent", device->parent);
        if (device->attrs == NULL || device->attrs->len == 0) {
            g_string_append(out, "/>\n");
            continue;
        }
        g_string_append(out, ">\n");
        for (guint j = 0; j < device->attrs->len; j++) {
            const MdevAttr *attr = g_ptr_array_index(device->attrs, j);

            g_string_append(out, "    <" MDEV_DOMAIN_METADATA_PREFIX ":attr");
            append_attribute(out, "name", attr->name);
            append_attribute(out, "value", attr->value);
            g_string_append(out, "/>\n");
        }
        g_string_append(out, "  </" MDEV_DOMAIN_METADATA_PREFIX ":device>\n");
    }
    g_string_append(out, "</" MDEV_DOMAIN_METADATA_PREFIX ":devices>\n");
    return g_string_free(out, FALSE);
}

/**
 * mdev_domain_find_device:
 * @domain: a domain
 * @uuid: (nullable): an mdev's UUID, canonical
 * @address: (nullable): a VF's address
 *
 * Returns: (transfer none) (nullable): the metadata device for @uuid or
 *   @address, %NULL when the metadata does not describe it
 */
const MdevDomainDevice *
mdev_domain_find_device(const MdevDomain *domain, const char *uuid, const char *address)
{
    for (guint i = 0; i < domain->devices->len; i++) {
        const MdevDomainDevice *device = g_ptr_array_index(domain->devices, i);

        if ((uuid && g_strcmp0(device->uuid, uuid) == 0) ||
            (address && g_strcmp0(device->address, address) == 0))
            return device;
    }
    return NULL;
}

/**
 * mdev_domain_has_mdev:
 * @domain: a domain
 * @uuid: an mdev's UUID, canonical
 *
 * Returns: whether one of the domain's mdev hostdevs is @uuid
 */
gboolean
mdev_domain_has_mdev(const MdevDomain *domain, const char *uuid)
{
    for (guint i = 0; i < domain->mdevs->len; i++) {
        const MdevDomainHostdev *mdev = g_ptr_array_index(domain->mdevs, i);

        if (g_strcmp0(mdev->uuid, uuid) == 0)
            return TRUE;
    }
    return FALSE;
}
