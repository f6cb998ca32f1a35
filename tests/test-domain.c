/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-domain.h"
#include "mdev-error.h"
#include "mdev-model.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <string.h>

#define NS "https://mdevtool.example/xmlns/domain/1.0"

static char *
read_data(const char *name)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "domain", name, NULL);
    g_autoptr(GError) error = NULL;
    char *contents = NULL;

    g_file_get_contents(path, &contents, NULL, &error);
    g_assert_no_error(error);
    return contents;
}

static MdevDomain *
parse_data(const char *name)
{
    g_autofree char *xml = read_data(name);
    g_autoptr(GError) error = NULL;
    MdevDomain *domain = mdev_domain_parse(xml, -1, &error);

    g_assert_no_error(error);
    g_assert_nonnull(domain);
    return domain;
}

/* the documents are libvirt's own (tests/data/domain/regen.sh) */
static void
test_parse_metadata(void)
{
    g_autoptr(MdevDomain) domain = parse_data("metadata.xml");
    const MdevDomainHostdev *hostdev;
    const MdevDomainDevice *device;
    const MdevAttr *attr;

    g_assert_cmpstr(domain->name, ==, "guest-meta");
    g_assert_cmpstr(domain->uuid, ==, "7e0d8f7c-1f7a-4a4c-9c8e-1b2a3c4d5e01");
    g_assert_cmpuint(domain->mdevs->len, ==, 2);
    hostdev = g_ptr_array_index(domain->mdevs, 0);
    g_assert_cmpstr(hostdev->uuid, ==, "4b20d080-1b54-4048-85b3-a6a62d165c01");
    g_assert_cmpstr(hostdev->model, ==, "vfio-pci");
    hostdev = g_ptr_array_index(domain->mdevs, 1);
    g_assert_cmpstr(hostdev->uuid, ==, "4b20d080-1b54-4048-85b3-a6a62d165c02");
    /* the guest-side <address type='pci'> of an mdev hostdev is no PCI hostdev */
    g_assert_cmpuint(domain->pci->len, ==, 0);

    g_assert_cmpuint(domain->devices->len, ==, 2);
    device = mdev_domain_find_device(domain, "4b20d080-1b54-4048-85b3-a6a62d165c01", NULL);
    g_assert_nonnull(device);
    g_assert_cmpstr(device->type, ==, "mtty-2");
    g_assert_cmpstr(device->parent, ==, "mtty");
    g_assert_null(device->address);
    g_assert_cmpuint(device->attrs->len, ==, 1);
    attr = g_ptr_array_index(device->attrs, 0);
    g_assert_cmpstr(attr->name, ==, "ports");
    g_assert_cmpstr(attr->value, ==, "2");
    device = mdev_domain_find_device(domain, "4b20d080-1b54-4048-85b3-a6a62d165c02", NULL);
    g_assert_nonnull(device);
    g_assert_cmpstr(device->type, ==, "Dual port");
    g_assert_null(device->parent);
    g_assert_cmpuint(device->attrs->len, ==, 0);
    g_assert_null(mdev_domain_find_device(domain, "4b20d080-1b54-4048-85b3-a6a62d165c03", NULL));
    g_assert_true(mdev_domain_has_mdev(domain, "4b20d080-1b54-4048-85b3-a6a62d165c02"));
    g_assert_false(mdev_domain_has_mdev(domain, "4b20d080-1b54-4048-85b3-a6a62d165c03"));
}

static void
test_parse_vgpu(void)
{
    g_autoptr(MdevDomain) domain = parse_data("vgpu.xml");
    const MdevDomainDevice *device;
    const MdevAttr *attr;

    g_assert_cmpstr(domain->name, ==, "guest-vgpu");
    g_assert_cmpuint(domain->mdevs->len, ==, 0);
    g_assert_cmpuint(domain->pci->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(domain->pci, 0), ==, "0000:3d:00.5");
    device = mdev_domain_find_device(domain, NULL, "0000:3d:00.5");
    g_assert_nonnull(device);
    g_assert_null(device->uuid);
    g_assert_cmpstr(device->type, ==, "nvidia-1155");
    g_assert_cmpstr(device->parent, ==, "0000:3d:00.0");
    attr = g_ptr_array_index(device->attrs, 0);
    g_assert_cmpstr(attr->name, ==, "nvidia/vgpu_params");
    g_assert_cmpstr(attr->value, ==, "frame_rate_limiter=0");
}

static void
test_parse_plain(void)
{
    g_autoptr(MdevDomain) domain = parse_data("plain.xml");

    g_assert_cmpstr(domain->name, ==, "guest-plain");
    g_assert_cmpuint(domain->mdevs->len, ==, 1);
    g_assert_nonnull(domain->devices);
    g_assert_cmpuint(domain->devices->len, ==, 0);
}

static void
test_parse_forms(void)
{
    /* libvirt reads a UUID without hyphens and decimal PCI numbers */
    const char *xml = "<domain><name>d</name><uuid>7E0D8F7C1F7A4A4C9C8E1B2A3C4D5E01</uuid>"
                      "<devices><hostdev mode='subsystem' type='pci'><source>"
                      "<address bus='61' slot='0' function='4'/></source></hostdev>"
                      "<hostdev mode='subsystem' type='mdev'><source>"
                      "<address uuid='4B20D0801B54404885B3A6A62D165C01'/></source></hostdev>"
                      "</devices></domain>";
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDomain) domain = mdev_domain_parse(xml, -1, &error);
    const MdevDomainHostdev *hostdev;

    g_assert_no_error(error);
    g_assert_cmpstr(domain->uuid, ==, "7e0d8f7c-1f7a-4a4c-9c8e-1b2a3c4d5e01");
    g_assert_cmpstr(g_ptr_array_index(domain->pci, 0), ==, "0000:3d:00.4");
    hostdev = g_ptr_array_index(domain->mdevs, 0);
    g_assert_cmpstr(hostdev->uuid, ==, "4b20d080-1b54-4048-85b3-a6a62d165c01");
    g_assert_null(hostdev->model);
}

#define HEAD "<domain><name>d</name><uuid>7e0d8f7c-1f7a-4a4c-9c8e-1b2a3c4d5e01</uuid>"
#define META(body) HEAD "<metadata><m:devices xmlns:m='" NS "'>" body "</m:devices></metadata></domain>"
#define DEV "uuid='4b20d080-1b54-4048-85b3-a6a62d165c01'"

static void
test_parse_invalid(void)
{
    g_autofree char *overlong = g_strnfill(256, 'x');
    g_autofree char *overlong_xml =
        g_strdup_printf(META("<m:device " DEV " type='%s'/>"), overlong);
    const struct {
        const char *xml;
        const char *message;
    } cases[] = {
        { "<domain>", "invalid domain XML: line 1:" },
        { "not xml", "invalid domain XML: line 1:" },
        { "<!DOCTYPE domain [<!ENTITY a 'b'>]><domain/>", "a DOCTYPE is not accepted" },
        { "<nodedev/>", "the root element must be <domain>" },
        { "<x:domain xmlns:x='urn:x'/>", "the root element must be <domain>" },
        { "<domain><uuid>7e0d8f7c-1f7a-4a4c-9c8e-1b2a3c4d5e01</uuid></domain>",
          "missing <name> element" },
        { "<domain><name>d</name></domain>", "missing <uuid> element" },
        { "<domain><name>d</name><uuid>nope</uuid></domain>", "invalid UUID 'nope' in <uuid>" },
        { HEAD "<devices><hostdev mode='subsystem' type='mdev'/></devices></domain>",
          "missing <source><address uuid=...> in an mdev <hostdev>" },
        { HEAD "<devices><hostdev mode='subsystem' type='mdev'><source><address uuid='x'/>"
               "</source></hostdev></devices></domain>",
          "invalid UUID 'x' in an mdev <hostdev>" },
        { HEAD "<devices><hostdev mode='subsystem' type='pci'><source><address bus='0x100' "
               "slot='0' function='0'/></source></hostdev></devices></domain>",
          "invalid source address in a PCI <hostdev>" },
        { META("<m:device " DEV " type='../x'/>"), "invalid type name '../x'" },
        { META("<m:device " DEV " type='/'/>"), "invalid type name '/'" },
        { META("<m:device " DEV " type='a&#10;b'/>"), "invalid type name 'a\\x0ab'" },
        { overlong_xml, "invalid type name 'xxxx" },
        { META("<m:device " DEV "/>"), "missing 'type' attribute in <mdevtool:device>" },
        { META("<m:device " DEV " type='t' parent='..'/>"), "invalid parent name '..'" },
        { META("<m:device " DEV " type='t' parent='a/b'/>"), "invalid parent name 'a/b'" },
        { META("<m:device " DEV " type='t'><m:attr name='../x' value='1'/></m:device>"),
          "invalid attribute name '../x'" },
        { META("<m:device " DEV " type='t'><m:attr name='remove' value='1'/></m:device>"),
          "invalid attribute name 'remove'" },
        { META("<m:device " DEV " type='t'><m:attr name='a' value='&#1;'/></m:device>"),
          "line 1:" },
        { META("<m:device " DEV " type='t'><m:attr name='a'/></m:device>"),
          "missing 'value' attribute in <mdevtool:attr name='a'>" },
        { META("<m:device " DEV " type='t'><m:other/></m:device>"),
          "unknown element <other> in <mdevtool:device>" },
        { META("<m:device type='t'/>"), "needs either a 'uuid' or an 'address'" },
        { META("<m:device " DEV " address='0000:3d:00.4' type='t'/>"),
          "needs either a 'uuid' or an 'address'" },
        { META("<m:device address='0000:3D:00.4' type='t'/>"),
          "invalid PCI address '0000:3D:00.4'" },
        { META("<m:device address='../../x' type='t'/>"), "invalid PCI address '../../x'" },
        { META("<m:device uuid='zz' type='t'/>"), "invalid UUID 'zz' in <mdevtool:device>" },
        { META("<m:device " DEV " type='t'/><m:device " DEV " type='u'/>"),
          "device '4b20d080-1b54-4048-85b3-a6a62d165c01' is described twice" },
        { META("<m:vgpu/>"), "unknown element <vgpu> in <mdevtool:devices>" },
        { HEAD "<metadata><m:devices xmlns:m='" NS "'/><n:devices xmlns:n='" NS "'/>"
               "</metadata></domain>",
          "more than one <mdevtool:devices> element" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDomain) domain = mdev_domain_parse(cases[i].xml, -1, &error);

        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, cases[i].xml);
        g_assert_null(domain);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_nonnull(strstr(error->message, cases[i].message));
        g_assert_null(strchr(error->message, '\n'));
    }
}

static void
test_parse_bounds(void)
{
    g_autoptr(GString) deep = g_string_new(HEAD "<metadata>");
    g_autoptr(GString) big = g_string_new(HEAD "<description>");
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDomain) domain = NULL;
    const char bad_utf8[] = HEAD "<description>\xff\xfe</description></domain>";

    for (guint i = 0; i < 100; i++)
        g_string_append(deep, "<x>");
    domain = mdev_domain_parse(deep->str, -1, &error);
    g_assert_null(domain);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "nested more than 64 levels"));
    g_clear_error(&error);

    while (big->len <= 4 * 1024 * 1024)
        g_string_append(big, "0123456789abcdef");
    g_string_append(big, "</description></domain>");
    domain = mdev_domain_parse(big->str, big->len, &error);
    g_assert_null(domain);
    g_assert_nonnull(strstr(error->message, "bytes accepted"));
    g_clear_error(&error);

    domain = mdev_domain_parse(bad_utf8, -1, &error);
    g_assert_null(domain);
    g_assert_nonnull(strstr(error->message, "not valid UTF-8"));
}

static void
test_format(void)
{
    g_autoptr(GPtrArray) devices =
        g_ptr_array_new_with_free_func((GDestroyNotify) mdev_domain_device_free);
    g_autoptr(GPtrArray) parsed = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_autofree char *again = NULL;
    g_autofree char *empty = NULL;
    MdevDomainDevice *device;

    device = mdev_domain_device_new("4b20d080-1b54-4048-85b3-a6a62d165c01", NULL, "nvidia-558",
                                    "0000:41:00.0");
    g_ptr_array_add(device->attrs, mdev_attr_new("nvidia/vgpu_params", "frame_rate_limiter=0"));
    g_ptr_array_add(device->attrs, mdev_attr_new("x", "a&b<c>\"d'\te\nf"));
    g_ptr_array_add(devices, device);
    g_ptr_array_add(devices, mdev_domain_device_new(NULL, "0000:41:00.4", "nvidia-1155", NULL));
    for (guint i = 0; i < devices->len; i++)
        g_assert_true(mdev_domain_device_check(g_ptr_array_index(devices, i), NULL));

    text = mdev_domain_format_metadata(devices);
    g_assert_cmpstr(
        text, ==,
        "<mdevtool:devices xmlns:mdevtool=\"" NS "\">\n"
        "  <mdevtool:device uuid=\"4b20d080-1b54-4048-85b3-a6a62d165c01\" type=\"nvidia-558\" "
        "parent=\"0000:41:00.0\">\n"
        "    <mdevtool:attr name=\"nvidia/vgpu_params\" value=\"frame_rate_limiter=0\"/>\n"
        "    <mdevtool:attr name=\"x\" value=\"a&amp;b&lt;c&gt;&quot;d'&#9;e&#10;f\"/>\n"
        "  </mdevtool:device>\n"
        "  <mdevtool:device address=\"0000:41:00.4\" type=\"nvidia-1155\"/>\n"
        "</mdevtool:devices>\n");

    parsed = mdev_domain_parse_metadata(text, -1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(parsed->len, ==, 2);
    again = mdev_domain_format_metadata(parsed);
    g_assert_cmpstr(again, ==, text);
    device = g_ptr_array_index(parsed, 0);
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(device->attrs, 1))->value, ==,
                    "a&b<c>\"d'\te\nf");

    empty = mdev_domain_format_metadata(NULL);
    g_assert_cmpstr(empty, ==, "<mdevtool:devices xmlns:mdevtool=\"" NS "\"/>\n");
    g_clear_pointer(&parsed, g_ptr_array_unref);
    parsed = mdev_domain_parse_metadata(empty, -1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(parsed->len, ==, 0);
}

static void
test_check(void)
{
    g_autoptr(MdevDomainDevice) device = mdev_domain_device_new(
        "4b20d080-1b54-4048-85b3-a6a62d165c01", NULL, "mtty-2", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true(mdev_domain_device_check(device, &error));
    g_ptr_array_add(device->attrs, mdev_attr_new("a", "bell\a"));
    g_assert_false(mdev_domain_device_check(device, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "control characters"));
    g_clear_error(&error);
    g_ptr_array_set_size(device->attrs, 0);
    g_free(device->uuid);
    device->uuid = g_strdup("4B20D080-1B54-4048-85B3-A6A62D165C01");
    g_assert_false(mdev_domain_device_check(device, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
}

static void
test_metadata_wrong_root(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) devices =
        mdev_domain_parse_metadata("<devices xmlns='urn:other'/>", -1, &error);

    g_assert_null(devices);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
}

static gboolean
schema_accepts(xmlRelaxNGPtr schema, const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int) strlen(xml), "metadata.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(schema);
    int rc;

    g_assert_nonnull(doc);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlFreeDoc(doc);
    return rc == 0;
}

/* What mdevtool writes validates against schemas/domain-metadata.rng, and
 * the schema refuses what the parser refuses. */
static void
test_schema(void)
{
    g_autofree char *path =
        g_test_build_filename(G_TEST_DIST, "..", "schemas", "domain-metadata.rng", NULL);
    xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pctxt);
    g_autoptr(MdevDomain) domain = parse_data("metadata.xml");
    g_autoptr(MdevDomain) vgpu = parse_data("vgpu.xml");
    g_autofree char *text = mdev_domain_format_metadata(domain->devices);
    g_autofree char *vgpu_text = mdev_domain_format_metadata(vgpu->devices);
    const char *refused[] = {
        "<m:devices xmlns:m='" NS "'><m:device " DEV " type='../x'/></m:devices>",
        "<m:devices xmlns:m='" NS "'><m:device " DEV " type='t' parent='/'/></m:devices>",
        "<m:devices xmlns:m='" NS "'><m:device type='t'/></m:devices>",
        "<m:devices xmlns:m='" NS "'><m:device address='0000:3D:00.4' type='t'/></m:devices>",
        "<m:devices xmlns:m='" NS "'><m:device " DEV " type='t'><m:attr name='/x' "
        "value=''/></m:device></m:devices>",
        "<devices><device " DEV " type='t'/></devices>",
    };

    xmlRelaxNGFreeParserCtxt(pctxt);
    g_assert_nonnull(schema);
    g_assert_true(schema_accepts(schema, text));
    g_assert_true(schema_accepts(schema, vgpu_text));
    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) devices = mdev_domain_parse_metadata(refused[i], -1, &error);

        g_test_message("refused: %s", refused[i]);
        g_assert_false(schema_accepts(schema, refused[i]));
        g_assert_null(devices);
    }
    xmlRelaxNGFree(schema);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    g_test_add_func("/domain/parse/metadata", test_parse_metadata);
    g_test_add_func("/domain/parse/vgpu", test_parse_vgpu);
    g_test_add_func("/domain/parse/plain", test_parse_plain);
    g_test_add_func("/domain/parse/forms", test_parse_forms);
    g_test_add_func("/domain/parse/invalid", test_parse_invalid);
    g_test_add_func("/domain/parse/bounds", test_parse_bounds);
    g_test_add_func("/domain/format/roundtrip", test_format);
    g_test_add_func("/domain/check/names", test_check);
    g_test_add_func("/domain/metadata/wrong-root", test_metadata_wrong_root);
    g_test_add_func("/domain/metadata/schema", test_schema);
    return g_test_run();
}
