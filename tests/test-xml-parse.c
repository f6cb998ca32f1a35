/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The node-device XML parsers: documents as libvirt writes and takes them
 * (the examples, the golden files of the real libvirt 9.0 for the same
 * testbed) read into the records discovery makes; bad documents are
 * refused with one line, and hostile ones quickly. */
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-xml-parse.h"
#include "mdev-xml.h"
#include "test-common.h"
#include "xml-fixture.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------------------------------------------------------- parsing */

static void
test_parse_minimal(XmlFixture *fx, gconstpointer data)
{
    const char *xml = "<device>\n"
                      "  <parent>pci_0000_00_02_0</parent>\n"
                      "  <capability type='mdev'>\n"
                      "    <type id='i915-GVTg_V5_4'/>\n"
                      "  </capability>\n"
                      "</device>\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) def = mdev_xml_parse_nodedev(xml, -1, fx->parents, &error);

    g_assert_no_error(error);
    g_assert_null(def->uuid);
    g_assert_cmpstr(def->parent, ==, "0000:00:02.0");
    g_assert_cmpstr(def->type, ==, "i915-GVTg_V5_4");
    g_assert_cmpuint(def->attrs->len, ==, 0);
    g_assert_false(def->autostart);
    g_assert_false(def->active);
    g_assert_false(def->defined);
}

/* What libvirt ignores is ignored; attributes keep their order. */
static void
test_parse_full(XmlFixture *fx, gconstpointer data)
{
    const char *xml = "<?xml version='1.0'?>\n"
                      "<device>\n"
                      "  <name>whatever_name</name>\n"
                      "  <path>/sys/ignored</path>\n"
                      "  <parent>ap_matrix</parent>\n"
                      "  <driver><name>ignored</name></driver>\n"
                      "  <capability type='mdev'>\n"
                      "    <uuid>B3F1C1A8-1B53-4A8D-9A0F-4F6F0E9D2C11</uuid>\n"
                      "    <parent_addr>ignored</parent_addr>\n"
                      "    <type id='vfio_ap-passthrough'/>\n"
                      "    <iommuGroup number='99'/>\n"
                      "    <attr name='assign_adapter' value='0x09'/>\n"
                      "    <attr name='assign_domain' value='0x0001'/>\n"
                      "    <attr name='assign_adapter' value='0x0a'/>\n"
                      "    <start type='auto'/>\n"
                      "  </capability>\n"
                      "</device>";
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) def = mdev_xml_parse_nodedev(xml, -1, fx->parents, &error);
    const char *expect[] = { "assign_adapter", "0x09",           "assign_domain",
                             "0x0001",         "assign_adapter", "0x0a" };

    g_assert_no_error(error);
    g_assert_cmpstr(def->uuid, ==, "b3f1c1a8-1b53-4a8d-9a0f-4f6f0e9d2c11");
    g_assert_cmpstr(def->parent, ==, "matrix");
    g_assert_cmpstr(def->type, ==, "vfio_ap-passthrough");
    g_assert_true(def->autostart);
    g_assert_cmpuint(def->attrs->len, ==, 3);
    for (guint i = 0; i < def->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(def->attrs, i);
        g_assert_cmpstr(attr->name, ==, expect[2 * i]);
        g_assert_cmpstr(attr->value, ==, expect[2 * i + 1]);
    }
}

/* libvirt's UUID parser also takes the 32-digit form */
static void
test_parse_uuid_forms(XmlFixture *fx, gconstpointer data)
{
    const char *xml = "<device><parent>css_0_0_0052</parent><capability type='mdev'>"
                      "<type id='vfio_ccw-io'/><uuid>8A7C3BF03F434F0E8A9A5B3C1D2E4F60</uuid>"
                      "</capability></device>";
    const char *empty = "<device><parent>mtty_mtty</parent><capability type='mdev'>"
                        "<type id='mtty-1'/><uuid/></capability></device>";
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) def = mdev_xml_parse_nodedev(xml, -1, fx->parents, &error);
    g_autoptr(MdevDevice) def2 = NULL;

    g_assert_no_error(error);
    g_assert_cmpstr(def->uuid, ==, "8a7c3bf0-3f43-4f0e-8a9a-5b3c1d2e4f60");
    g_assert_cmpstr(def->parent, ==, "0.0.0052");
    def2 = mdev_xml_parse_nodedev(empty, -1, fx->parents, &error);
    g_assert_no_error(error);
    g_assert_null(def2->uuid);
    g_assert_cmpstr(def2->parent, ==, "mtty");
}

/* Every mdev document mdevtool prints reads back as the same definition. */
static void
test_parse_round_trip(XmlFixture *fx, gconstpointer data)
{
    for (guint i = 0; i < fx->definitions->len; i++) {
        const MdevDevice *def = g_ptr_array_index(fx->definitions, i);
        const MdevParent *parent = xml_fixture_find_parent(fx, def->parent);
        g_autoptr(GError) error = NULL;
        g_autofree char *xml = NULL;
        g_autoptr(MdevDevice) back = NULL;

        xml = mdev_xml_format_device(def, parent, MDEV_XML_FORMAT_INACTIVE, &error);
        g_assert_no_error(error);
        back = mdev_xml_parse_nodedev(xml, -1, fx->parents, &error);
        if (parent == NULL) {
            /* <parent>computer</parent>: nothing to define it on */
            g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
            continue;
        }
        g_assert_no_error(error);
        g_assert_cmpstr(back->uuid, ==, def->uuid);
        g_assert_cmpstr(back->parent, ==, def->parent);
        g_assert_cmpstr(back->type, ==, def->type);
        g_assert_cmpuint(back->attrs->len, ==, def->attrs->len);
        for (guint a = 0; a < def->attrs->len; a++) {
            const MdevAttr *x = g_ptr_array_index(def->attrs, a);
            const MdevAttr *y = g_ptr_array_index(back->attrs, a);
            g_assert_cmpstr(x->name, ==, y->name);
            g_assert_cmpstr(x->value, ==, y->value);
        }
    }
}

typedef struct {
    const char *xml;
    int code;
    const char *message_part;
} ParseError;

static void
test_parse_errors(XmlFixture *fx, gconstpointer data)
{
    const ParseError cases[] = {
        { "", MDEV_ERROR_INVALID_CONFIG, "line" },
        { "<device><parent>pci_0000_00_02_0</parent>", MDEV_ERROR_INVALID_CONFIG, "line 1" },
        { "<device><parent>x</parent></devic>", MDEV_ERROR_INVALID_CONFIG, "line 1" },
        { "<mdev/>", MDEV_ERROR_INVALID_CONFIG, "<device>" },
        { "<device><capability type='mdev'><type id='mtty-1'/></capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "<parent>" },
        { "<device><parent>  </parent><capability type='mdev'><type id='mtty-1'/>"
          "</capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "<parent>" },
        { "<device><parent>mtty_mtty</parent></device>", MDEV_ERROR_INVALID_CONFIG,
          "<capability type='mdev'>" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'/></device>",
          MDEV_ERROR_INVALID_CONFIG, "<type>" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'><type/></capability>"
          "</device>",
          MDEV_ERROR_INVALID_CONFIG, "'id' attribute in <type>" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'><type id='../x'/>"
          "</capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "<type>" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'><type id='mtty-1'/>"
          "<uuid>1234</uuid></capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "invalid UUID '1234' in <uuid>" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'><type id='mtty-1'/>"
          "<attr value='1'/></capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "'name' attribute in <attr>" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'><type id='mtty-1'/>"
          "<attr name='a'/></capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "'value' attribute in <attr name='a'>" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'><type id='mtty-1'/>"
          "<attr name='../../remove' value='1'/></capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "<attr>" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'><type id='mtty-1'/>"
          "<start type='sometimes'/></capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "<start>" },
        { "<device><parent>mtty_mtty</parent><capability type='pci'/></device>",
          MDEV_ERROR_INVALID_CONFIG, "type='pci'" },
        { "<device><parent>mtty_mtty</parent><capability type='mdev'><type id='mtty-1'/>"
          "</capability><capability type='mdev'><type id='mtty-2'/></capability></device>",
          MDEV_ERROR_INVALID_CONFIG, "more than one" },
        { "<device><parent>pci_0000_00_09_0</parent><capability type='mdev'>"
          "<type id='i915-GVTg_V5_4'/></capability></device>",
          MDEV_ERROR_NOT_FOUND, "pci_0000_00_09_0" },
        /* libvirt names parents by node device, not by kernel name */
        { "<device><parent>0000:00:02.0</parent><capability type='mdev'>"
          "<type id='i915-GVTg_V5_4'/></capability></device>",
          MDEV_ERROR_NOT_FOUND, "0000:00:02.0" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) def = mdev_xml_parse_nodedev(cases[i].xml, -1, fx->parents, &error);
        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, cases[i].xml);
        g_assert_null(def);
        g_assert_error(error, MDEV_ERROR, cases[i].code);
        g_test_message("  -> %s", error->message);
        g_assert_nonnull(strstr(error->message, cases[i].message_part));
        g_assert_null(strchr(error->message, '\n'));
    }
}

/* --------------------------------------------------------------- hostile */

static void
assert_refused_quickly(const char *xml, gssize length, GPtrArray *parents, const char *message_part)
{
    g_autoptr(GError) error = NULL;
    gint64 start = g_get_monotonic_time();
    g_autoptr(MdevDevice) def = mdev_xml_parse_nodedev(xml, length, parents, &error);
    gint64 elapsed = g_get_monotonic_time() - start;

    g_assert_null(def);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_test_message("refused in %" G_GINT64_FORMAT " us: %s", elapsed, error->message);
    g_assert_nonnull(strstr(error->message, message_part));
    g_assert_cmpint(elapsed, <, G_USEC_PER_SEC);
}

static void
test_hostile_billion_laughs(XmlFixture *fx, gconstpointer data)
{
    const char *xml = "<?xml version='1.0'?>\n"
                      "<!DOCTYPE device [\n"
                      "  <!ENTITY l0 'ha'>\n"
                      "  <!ENTITY l1 '&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;'>\n"
                      "  <!ENTITY l2 '&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;'>\n"
                      "  <!ENTITY l3 '&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;'>\n"
                      "  <!ENTITY l4 '&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;'>\n"
                      "  <!ENTITY l5 '&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;'>\n"
                      "  <!ENTITY l6 '&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;'>\n"
                      "  <!ENTITY l7 '&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;'>\n"
                      "  <!ENTITY l8 '&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;'>\n"
                      "  <!ENTITY l9 '&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;'>\n"
                      "]>\n"
                      "<device><parent>mtty_mtty</parent><capability type='mdev'>"
                      "<type id='mtty-1'/><attr name='a' value='&l9;'/></capability></device>\n";

    assert_refused_quickly(xml, -1, fx->parents, "DOCTYPE");
}

static void
test_hostile_external_entity(XmlFixture *fx, gconstpointer data)
{
    const char *file_entity =
        "<?xml version='1.0'?>\n"
        "<!DOCTYPE device [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
        "<device><parent>mtty_mtty</parent><capability type='mdev'>"
        "<type id='mtty-1'/><attr name='a' value='&x;'/></capability></device>\n";
    const char *network_dtd = "<?xml version='1.0'?>\n"
                              "<!DOCTYPE device SYSTEM 'http://192.0.2.1/nodedev.dtd'>\n"
                              "<device><parent>mtty_mtty</parent><capability type='mdev'>"
                              "<type id='mtty-1'/></capability></device>\n";
    const char *parameter_entity =
        "<?xml version='1.0'?>\n"
        "<!DOCTYPE device [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]>\n"
        "<device><parent>mtty_mtty</parent><capability type='mdev'>"
        "<type id='mtty-1'/></capability></device>\n";
    /* an undeclared entity is a well-formedness error, never a lookup */
    const char *undeclared =
        "<device><parent>mtty_mtty</parent><capability type='mdev'>"
        "<type id='mtty-1'/><attr name='a' value='&passwd;'/></capability></device>\n";
    /* XInclude is not processed: the element is just unknown and ignored */
    const char *xinclude =
        "<device xmlns:xi='http://www.w3.org/2001/XInclude'><parent>mtty_mtty</parent>"
        "<capability type='mdev'><type id='mtty-1'/>"
        "<attr name='a' value='v'><xi:include href='file:///etc/passwd' parse='text'/></attr>"
        "</capability></device>\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) def = NULL;
    const MdevAttr *attr;

    assert_refused_quickly(file_entity, -1, fx->parents, "DOCTYPE");
    assert_refused_quickly(network_dtd, -1, fx->parents, "DOCTYPE");
    assert_refused_quickly(parameter_entity, -1, fx->parents, "DOCTYPE");
    assert_refused_quickly(undeclared, -1, fx->parents, "passwd");

    def = mdev_xml_parse_nodedev(xinclude, -1, fx->parents, &error);
    g_assert_no_error(error);
    attr = g_ptr_array_index(def->attrs, 0);
    g_assert_cmpstr(attr->value, ==, "v");
}

/* Deep nesting within the size limit is refused at the first element past
 * the depth limit, with a message that says so. */
static void
test_hostile_deep(XmlFixture *fx, gconstpointer data)
{
    const guint depths[] = { MDEV_XML_MAX_DEPTH + 1, 1000, 20000 };

    for (gsize d = 0; d < G_N_ELEMENTS(depths); d++) {
        g_autoptr(GString) xml = g_string_new("<device><parent>mtty_mtty</parent>");

        for (guint i = 0; i < depths[d]; i++)
            g_string_append(xml, "<a>");
        for (guint i = 0; i < depths[d]; i++)
            g_string_append(xml, "</a>");
        g_string_append(xml, "<capability type='mdev'><type id='mtty-1'/></capability></device>");
        g_assert_cmpuint(xml->len, <, MDEV_XML_MAX_SIZE);
        assert_refused_quickly(xml->str, (gssize) xml->len, fx->parents, "nested more than");
    }
}

/* 100 000 levels do not fit in the size limit; unclosed, they are refused
 * all the same, and as fast. */
static void
test_hostile_deep_100000(XmlFixture *fx, gconstpointer data)
{
    g_autoptr(GString) xml = g_string_new(NULL);

    for (guint i = 0; i < 100000; i++)
        g_string_append(xml, "<a>");
    assert_refused_quickly(xml->str, (gssize) xml->len, fx->parents, "bytes");
    g_string_truncate(xml, MDEV_XML_MAX_SIZE - MDEV_XML_MAX_SIZE % 3);
    assert_refused_quickly(xml->str, (gssize) xml->len, fx->parents, "nested more than");
}

/* The document is UTF-8: a declared legacy encoding does not make libxml2
 * convert bytes that are not. */
static void
test_hostile_not_utf8(XmlFixture *fx, gconstpointer data)
{
    const char *latin1 = "<?xml version='1.0' encoding='ISO-8859-1'?>\n"
                         "<device><parent>mtty_mtty</parent><capability type='mdev'>"
                         "<type id='mtty-1'/><attr name='a' value='caf\xe9'/></capability>"
                         "</device>\n";
    const char *nul = "<device><parent>mtty_mtty</parent><capability type='mdev'>"
                      "<type id='mtty-1'/></capability></device>\0<junk/>";

    assert_refused_quickly(latin1, -1, fx->parents, "not valid UTF-8");
    assert_refused_quickly(nul, 120, fx->parents, "not valid UTF-8");
}

/* Nothing of libxml2's reaches stderr, not even the errors it raises
 * outside a parser context (encoding conversion). */
static void
test_hostile_silent(XmlFixture *fx, gconstpointer data)
{
    if (g_test_subprocess()) {
        const char *converted = "<?xml version='1.0' encoding='ISO-2022-JP'?>\n"
                                "<device><parent>mtty_mtty\xc3\xa9</parent></device>\n";
        const char *broken = "<device><parent>mtty_mtty</parent><capability type='mdev'>"
                             "<type id='mtty-1'/><attr name='a' value='<'/>";
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) def = mdev_xml_parse_nodedev(converted, -1, fx->parents, &error);

        g_assert_null(def);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_null(strchr(error->message, '\n'));
        g_clear_error(&error);
        g_assert_null(mdev_xml_parse_nodedev(broken, -1, fx->parents, &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_null(strchr(error->message, '\n'));
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("");
}

static void
test_hostile_huge(XmlFixture *fx, gconstpointer data)
{
    gsize size = 10 * 1024 * 1024;
    g_autofree char *xml = g_malloc(size + 1);
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) def = NULL;
    const char *head = "<device><parent>mtty_mtty</parent><capability type='mdev'>"
                       "<type id='mtty-1'/><attr name='a' value='";
    const char *tail = "'/></capability></device>";
    int fd;
    gint64 start;

    /* a well-formed document, just too large */
    memset(xml, 'x', size);
    memcpy(xml, head, strlen(head));
    memcpy(xml + size - strlen(tail), tail, strlen(tail));
    xml[size] = '\0';
    assert_refused_quickly(xml, (gssize) size, fx->parents, "bytes");

    fd = g_file_open_tmp("huge-XXXXXX.xml", &path, &error);
    g_assert_no_error(error);
    g_assert_true(g_file_set_contents(path, xml, (gssize) size, &error));
    close(fd);
    start = g_get_monotonic_time();
    def = mdev_xml_parse_nodedev_file(path, fx->parents, &error);
    g_assert_null(def);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
    g_unlink(path);
    g_clear_error(&error);

    /* an endless stream is cut off at the limit */
    start = g_get_monotonic_time();
    def = mdev_xml_parse_nodedev_file("/dev/zero", fx->parents, &error);
    g_assert_null(def);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
}

static void
test_parse_file(XmlFixture *fx, gconstpointer data)
{
    g_autofree char *path =
        g_test_build_filename(G_TEST_DIST, "..", "examples", "nodedev-define-pci.xml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) def = mdev_xml_parse_nodedev_file(path, fx->parents, &error);
    g_autoptr(MdevDevice) missing = NULL;

    g_assert_no_error(error);
    g_assert_cmpstr(def->parent, ==, "0000:00:02.0");
    g_assert_cmpstr(def->type, ==, "i915-GVTg_V5_4");

    missing = mdev_xml_parse_nodedev_file("/nonexistent/nodedev.xml", fx->parents, &error);
    g_assert_null(missing);
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull(strstr(error->message, "/nonexistent/nodedev.xml"));
}

/* The examples are accepted by the parser too (given parents named like
 * the ones they use). */
static void
test_examples_parse(XmlFixture *fx, gconstpointer data)
{
    const char *names[] = { "nodedev-define-pci.xml", "nodedev-define-css.xml",
                            "nodedev-define-ap.xml" };

    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path =
            g_test_build_filename(G_TEST_DIST, "..", "examples", names[i], NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) def = mdev_xml_parse_nodedev_file(path, fx->parents, &error);

        g_assert_no_error(error);
        g_assert_nonnull(def->type);
    }
}

/* What libvirt itself printed for the testbed (the golden files) reads
 * back into the records the local discovery makes of the same testbed:
 * the fleet commands see other hosts through exactly these documents. */
static void
test_parse_libvirt_listing(XmlFixture *fx, gconstpointer data)
{
    if (test_skip_without_umockdev())
        return;
    for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++) {
        g_autofree char *golden = xml_read_golden(c->golden);
        g_autoptr(GError) error = NULL;

        g_test_message("%s", c->golden);
        /* to libvirt the VF is a PCI device, neither parent nor mdev */
        if (c->nvidia_vf)
            continue;
        if (c->is_parent) {
            const MdevParent *want = xml_fixture_find_parent(fx, c->kernel_name);
            g_autoptr(MdevParent) got = mdev_xml_parse_parent(golden, -1, &error);

            g_assert_no_error(error);
            g_assert_cmpstr(got->name, ==, want->name);
            g_assert_cmpint(got->kind, ==, want->kind);
            g_assert_cmpstr(got->syspath, ==, want->syspath);
            g_assert_cmpstr(got->driver, ==, want->driver);
            g_assert_cmpstr(got->vendor_id, ==, want->vendor_id);
            g_assert_cmpstr(got->device_id, ==, want->device_id);
            g_assert_cmpstr(got->physfn, ==, want->physfn);
            g_assert_true(got->registered);
            if (want->kind == MDEV_PARENT_KIND_PCI) {
                g_assert_cmpint(got->iommu_group, ==, want->iommu_group);
                g_assert_cmpint(got->numa_node, ==, MAX(want->numa_node, -1));
            }
            g_assert_cmpuint(got->types->len, ==, want->types->len);
            for (guint t = 0; t < want->types->len; t++) {
                const MdevType *wt = g_ptr_array_index(want->types, t);
                const MdevType *gt = g_ptr_array_index(got->types, t);

                g_assert_cmpstr(gt->id, ==, wt->id);
                g_assert_cmpstr(gt->name, ==, wt->name);
                g_assert_cmpstr(gt->device_api, ==, wt->device_api);
                g_assert_cmpint(gt->available_instances, ==, wt->available_instances);
            }
        } else {
            const MdevDevice *want = xml_find_device(fx->devices, c->kernel_name, c->mdev_parent);
            g_autoptr(MdevDevice) got = mdev_xml_parse_listed_device(golden, -1, &error);

            g_assert_no_error(error);
            g_assert_cmpstr(got->uuid, ==, want->uuid);
            g_assert_cmpstr(got->parent, ==, want->parent);
            g_assert_cmpstr(got->type, ==, want->type);
            if (want->active) {
                g_assert_cmpint(got->iommu_group, ==, want->iommu_group);
                g_assert_cmpstr(got->syspath, ==, want->syspath);
                g_assert_cmpstr(got->driver, ==, want->driver);
            } else {
                g_assert_null(got->syspath);
            }
            g_assert_cmpuint(got->attrs->len, ==, want->attrs->len);
            for (guint a = 0; a < want->attrs->len; a++) {
                const MdevAttr *wa = g_ptr_array_index(want->attrs, a);
                const MdevAttr *ga = g_ptr_array_index(got->attrs, a);

                g_assert_cmpstr(ga->name, ==, wa->name);
                g_assert_cmpstr(ga->value, ==, wa->value);
            }
        }
    }
}

static void
test_parse_listing_errors(void)
{
    static const struct {
        const char *xml;
        const char *message_part;
    } parents[] = {
        { "<device><name>x</name></device>", "has no capability" },
        { "<device><name>net_eth0</name><capability type='net'/></device>",
          "capability 'net', which cannot host mdevs" },
        { "<device><name>css_x</name><capability type='css'/></device>",
          "cannot tell the kernel name" },
        { "<!DOCTYPE device [<!ENTITY a 'b'>]><device/>", "DOCTYPE" },
    }, devices[] = {
        { "<device><name>m</name></device>", "missing <capability type='mdev'>" },
        { "<device><capability type='mdev'><type id='t'/></capability></device>",
          "missing <uuid>" },
        { "<device><capability type='mdev'><type id='t'/>"
          "<uuid>c0ffee00-5a1e-4c0d-9e7f-41a40a40a404</uuid></capability></device>",
          "<parent_addr>" },
        { "<device><capability type='mdev'><type id='t'/>"
          "<uuid>c0ffee00-5a1e-4c0d-9e7f-41a40a40a404</uuid>"
          "<parent_addr>../x</parent_addr></capability></device>",
          "<parent_addr>" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(parents); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevParent) parent = mdev_xml_parse_parent(parents[i].xml, -1, &error);

        g_assert_null(parent);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_nonnull(strstr(error->message, parents[i].message_part));
    }
    for (gsize i = 0; i < G_N_ELEMENTS(devices); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) device = mdev_xml_parse_listed_device(devices[i].xml, -1, &error);

        g_assert_null(device);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_nonnull(strstr(error->message, devices[i].message_part));
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    XML_FIXTURE_ADD("/xml/parse/minimal", test_parse_minimal);
    XML_FIXTURE_ADD("/xml/parse/full", test_parse_full);
    XML_FIXTURE_ADD("/xml/parse/uuid-forms", test_parse_uuid_forms);
    XML_FIXTURE_ADD("/xml/parse/round-trip", test_parse_round_trip);
    XML_FIXTURE_ADD("/xml/parse/errors", test_parse_errors);
    XML_FIXTURE_ADD("/xml/parse/file", test_parse_file);
    XML_FIXTURE_ADD("/xml/parse/examples", test_examples_parse);
    XML_FIXTURE_ADD("/xml/hostile/billion-laughs", test_hostile_billion_laughs);
    XML_FIXTURE_ADD("/xml/hostile/external-entity", test_hostile_external_entity);
    XML_FIXTURE_ADD("/xml/hostile/huge", test_hostile_huge);
    XML_FIXTURE_ADD("/xml/hostile/deep", test_hostile_deep);
    XML_FIXTURE_ADD("/xml/hostile/deep-100000", test_hostile_deep_100000);
    XML_FIXTURE_ADD("/xml/hostile/not-utf8", test_hostile_not_utf8);
    XML_FIXTURE_ADD("/xml/hostile/silent", test_hostile_silent);
    XML_FIXTURE_ADD("/xml/parse/libvirt-listing", test_parse_libvirt_listing);
    g_test_add_func("/xml/parse/listing-errors", test_parse_listing_errors);

    return g_test_run();
}
