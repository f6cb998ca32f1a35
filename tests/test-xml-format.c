/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The XML formatters against libvirt itself: the golden files in
 * tests/data/xml are `virsh nodedev-dumpxml` output of the real libvirt 9.0
 * node-device driver reading the same umockdev testbed
 * (tests/libvirt/regen-golden.sh); every document mdevtool emits, and every
 * example, is validated with libvirt's installed RelaxNG schemas and with
 * mdevtool's own. */
#include "mdev-error.h"
#include "mdev-xml-parse.h"
#include "mdev-xml.h"
#include "test-common.h"
#include "xml-fixture.h"

#include <glib/gstdio.h>
#include <libxml/relaxng.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIBVIRT_SCHEMA_DIR "/usr/share/libvirt/schemas"

static void
test_golden(XmlFixture *fx, gconstpointer data)
{
    const XmlTestbedCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *ours = NULL;
    g_autofree char *golden = NULL;
    g_autofree char *ours_norm = NULL;
    g_autofree char *golden_norm = NULL;

    if (test_skip_without_umockdev())
        return;
    ours = xml_fixture_format_case(fx, c, &error);
    g_assert_no_error(error);
    golden = xml_read_golden(c->golden);
    ours_norm = xml_testbed_normalise(ours);
    golden_norm = xml_testbed_normalise(golden);
    if (g_strcmp0(ours_norm, golden_norm) != 0)
        g_test_message("mdevtool:\n%s\nlibvirt:\n%s", ours, golden);
    g_assert_cmpstr(ours_norm, ==, golden_norm);
    /* mdevtool's own text is already in libvirt's layout, not just equal
     * after normalisation */
    g_assert_true(g_str_has_suffix(ours, "</device>\n"));
    g_assert_null(strstr(ours, "\""));
}

/* The inactive form of a device that is also running: the definition
 * alone, as libvirt prints a defined device that is not running. */
static void
test_inactive_of_active(XmlFixture *fx, gconstpointer data)
{
    const MdevDevice *def =
        xml_find_device(fx->definitions, "2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "0000:00:02.0");
    const MdevDevice *active_only =
        xml_find_device(fx->devices, "67215cd7-f78e-4352-b10a-ba2a22b1c4d8", "mtty");
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *none = NULL;

    g_assert_nonnull(def);
    xml = mdev_xml_format_device(def, xml_fixture_find_parent(fx, "0000:00:02.0"),
                                 MDEV_XML_FORMAT_INACTIVE, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(xml, ==,
                    "<device>\n"
                    "  <name>mdev_2f1a0d5e_8a3c_4a6b_9a0e_1c2d3e4f5a6b_0000_00_02_0</name>\n"
                    "  <parent>pci_0000_00_02_0</parent>\n"
                    "  <capability type='mdev'>\n"
                    "    <type id='i915-GVTg_V5_4'/>\n"
                    "    <uuid>2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b</uuid>\n"
                    "    <parent_addr>0000:00:02.0</parent_addr>\n"
                    "    <iommuGroup number='0'/>\n"
                    "    <attr name='foo' value='bar'/>\n"
                    "    <attr name='enable_hotplug' value='1'/>\n"
                    "  </capability>\n"
                    "</device>\n");

    none = mdev_xml_format_device(active_only, xml_fixture_find_parent(fx, "mtty"),
                                  MDEV_XML_FORMAT_INACTIVE, &error);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
    g_assert_null(none);
}

static void
test_names(void)
{
    g_autoptr(MdevParent) pci = mdev_parent_new("0000:41:00.4");
    g_autoptr(MdevParent) css = mdev_parent_new("0.0.0052");
    g_autoptr(MdevParent) ap = mdev_parent_new("matrix");
    g_autoptr(MdevParent) mdpy = mdev_parent_new("mdpy");
    g_autofree char *n1 = NULL;
    g_autofree char *n2 = NULL;
    g_autofree char *n3 = NULL;
    g_autofree char *n4 = NULL;
    g_autofree char *m1 =
        mdev_xml_device_nodedev_name("2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "0000:00:02.0");
    g_autofree char *m2 =
        mdev_xml_device_nodedev_name("2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "0.0.0052");
    g_autofree char *m3 =
        mdev_xml_device_nodedev_name("2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "matrix");

    pci->kind = MDEV_PARENT_KIND_PCI;
    pci->syspath = g_strdup("/sys/devices/pci0000:40/0000:40:01.1/0000:41:00.4");
    css->kind = MDEV_PARENT_KIND_CSS;
    css->driver = g_strdup("io_subchannel");
    ap->kind = MDEV_PARENT_KIND_AP;
    mdpy->kind = MDEV_PARENT_KIND_GENERIC;
    mdpy->subsystem = g_strdup("mdpy");
    mdpy->syspath = g_strdup("/sys/devices/virtual/mdpy/mdpy");
    n1 = mdev_xml_parent_nodedev_name(pci);
    n2 = mdev_xml_parent_nodedev_name(css);
    n3 = mdev_xml_parent_nodedev_name(ap);
    n4 = mdev_xml_parent_nodedev_name(mdpy);

    g_assert_cmpstr(n1, ==, "pci_0000_41_00_4");
    g_assert_cmpstr(n2, ==, "css_0_0_0052");
    g_assert_cmpstr(n3, ==, "ap_matrix");
    g_assert_cmpstr(n4, ==, "mdpy_mdpy");
    g_assert_cmpstr(m1, ==, "mdev_2f1a0d5e_8a3c_4a6b_9a0e_1c2d3e4f5a6b_0000_00_02_0");
    g_assert_cmpstr(m2, ==, "mdev_2f1a0d5e_8a3c_4a6b_9a0e_1c2d3e4f5a6b_0_0_0052");
    g_assert_cmpstr(m3, ==, "mdev_2f1a0d5e_8a3c_4a6b_9a0e_1c2d3e4f5a6b_matrix");

    g_assert_true(mdev_xml_parent_is_listed_by_libvirt(pci));
    g_assert_true(mdev_xml_parent_is_listed_by_libvirt(css));
    g_assert_true(mdev_xml_parent_is_listed_by_libvirt(ap));
    g_assert_false(mdev_xml_parent_is_listed_by_libvirt(mdpy));
    g_free(css->driver);
    css->driver = g_strdup("some_other_driver");
    g_assert_false(mdev_xml_parent_is_listed_by_libvirt(css));
}

/* An SR-IOV VF behind a root port, on NUMA node 1: the PCI parts the golden
 * testbed does not exercise, in libvirt's order. */
static void
test_pci_vf(void)
{
    g_autoptr(MdevParent) vf = mdev_parent_new("0000:41:00.4");
    g_autoptr(GPtrArray) group = g_ptr_array_new_with_free_func(g_free);
    MdevType *type = mdev_type_new("nvidia-558");
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    vf->kind = MDEV_PARENT_KIND_PCI;
    vf->syspath = g_strdup("/sys/devices/pci0000:40/0000:40:01.1/0000:41:00.4");
    vf->driver = g_strdup("nvidia");
    vf->vendor_id = g_strdup("0x10de");
    vf->device_id = g_strdup("0x2235");
    vf->class_code = g_strdup("0x030200");
    vf->physfn = g_strdup("0000:41:00.0");
    vf->iommu_group = 41;
    vf->numa_node = 1;
    type->name = g_strdup("NVIDIA A40-4Q");
    type->device_api = g_strdup("vfio-pci");
    type->available_instances = 1;
    g_ptr_array_add(vf->types, type);
    g_ptr_array_add(group, g_strdup("0000:41:00.4"));

    xml = mdev_xml_format_parent(vf, group, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(xml, ==,
                    "<device>\n"
                    "  <name>pci_0000_41_00_4</name>\n"
                    "  <path>/sys/devices/pci0000:40/0000:40:01.1/0000:41:00.4</path>\n"
                    "  <parent>pci_0000_40_01_1</parent>\n"
                    "  <driver>\n"
                    "    <name>nvidia</name>\n"
                    "  </driver>\n"
                    "  <capability type='pci'>\n"
                    "    <class>0x030200</class>\n"
                    "    <domain>0</domain>\n"
                    "    <bus>65</bus>\n"
                    "    <slot>0</slot>\n"
                    "    <function>4</function>\n"
                    "    <product id='0x2235'/>\n"
                    "    <vendor id='0x10de'/>\n"
                    "    <capability type='phys_function'>\n"
                    "      <address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/>\n"
                    "    </capability>\n"
                    "    <capability type='mdev_types'>\n"
                    "      <type id='nvidia-558'>\n"
                    "        <name>NVIDIA A40-4Q</name>\n"
                    "        <deviceAPI>vfio-pci</deviceAPI>\n"
                    "        <availableInstances>1</availableInstances>\n"
                    "      </type>\n"
                    "    </capability>\n"
                    "    <iommuGroup number='41'>\n"
                    "      <address domain='0x0000' bus='0x41' slot='0x00' function='0x4'/>\n"
                    "    </iommuGroup>\n"
                    "    <numa node='1'/>\n"
                    "  </capability>\n"
                    "</device>\n");
}

/* Values are escaped (libvirt 9.0 writes attribute values unescaped, which
 * gives broken XML for values with quotes). */
static void
test_escaping(XmlFixture *fx, gconstpointer data)
{
    g_autoptr(MdevDevice) def = mdev_device_new("2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "mtty");
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(MdevDevice) back = NULL;
    const MdevAttr *attr;

    def->type = g_strdup("mtty-1");
    def->defined = TRUE;
    g_ptr_array_add(def->attrs, mdev_attr_new("label", "a<b & 'c' \"d\"\x01"));
    xml = mdev_xml_format_device(def, NULL, MDEV_XML_FORMAT_NONE, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(xml, "<attr name='label' value='a&lt;b &amp; &apos;c&apos; "
                                 "&quot;d&quot;'/>"));
    g_assert_nonnull(strstr(xml, "<parent>computer</parent>"));

    /* and it reads back once the parent is named by its node device */
    {
        g_autoptr(GString) doc = g_string_new(xml);
        g_string_replace(doc, "<parent>computer</parent>", "<parent>mtty_mtty</parent>", 1);
        back = mdev_xml_parse_nodedev(doc->str, -1, fx->parents, &error);
    }
    g_assert_no_error(error);
    g_assert_cmpuint(back->attrs->len, ==, 1);
    attr = g_ptr_array_index(back->attrs, 0);
    g_assert_cmpstr(attr->value, ==, "a<b & 'c' \"d\"");
}

/* ---------------------------------------------------------------- hostdev */

static void
test_hostdev(void)
{
    const char *uuid = "4B20D080-1B54-4048-85B3-A6A62D165C01";
    g_autoptr(GError) error = NULL;
    g_autofree char *pci = NULL;
    g_autofree char *ccw = NULL;
    g_autofree char *ap = NULL;
    g_autofree char *explicit_model = NULL;

    pci = mdev_xml_format_hostdev(uuid, NULL, "vfio-pci", MDEV_XML_SWITCH_ON, MDEV_XML_SWITCH_ON,
                                  &error);
    g_assert_no_error(error);
    g_assert_cmpstr(pci, ==,
                    "<hostdev mode='subsystem' type='mdev' model='vfio-pci' display='on' "
                    "ramfb='on'>\n"
                    "  <source>\n"
                    "    <address uuid='4b20d080-1b54-4048-85b3-a6a62d165c01'/>\n"
                    "  </source>\n"
                    "</hostdev>\n");
    ccw = mdev_xml_format_hostdev(uuid, NULL, "vfio-ccw", MDEV_XML_SWITCH_DEFAULT,
                                  MDEV_XML_SWITCH_DEFAULT, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(ccw, "<hostdev mode='subsystem' type='mdev' model='vfio-ccw'>\n"));
    ap = mdev_xml_format_hostdev(uuid, NULL, "vfio-ap", MDEV_XML_SWITCH_DEFAULT,
                                 MDEV_XML_SWITCH_DEFAULT, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(ap, "model='vfio-ap'>"));
    explicit_model = mdev_xml_format_hostdev(uuid, "vfio-pci", NULL, MDEV_XML_SWITCH_OFF,
                                             MDEV_XML_SWITCH_DEFAULT, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(explicit_model, "model='vfio-pci' display='off'>"));
}

/* libvirt's own domain parser and formatter (the test:/// driver, which
 * needs no daemon) read every <hostdev> mdevtool writes and give back the
 * same element, plus the managed='no' libvirt always shows for mdevs. */
static void
test_hostdev_libvirt_round_trip(void)
{
    const struct {
        const char *model;
        MdevXmlSwitch display;
        MdevXmlSwitch ramfb;
    } cases[] = {
        { "vfio-pci", MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_DEFAULT },
        { "vfio-pci", MDEV_XML_SWITCH_ON, MDEV_XML_SWITCH_ON },
        { "vfio-pci", MDEV_XML_SWITCH_OFF, MDEV_XML_SWITCH_OFF },
        { "vfio-ccw", MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_DEFAULT },
        { "vfio-ap", MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_DEFAULT },
    };
    g_autofree char *virsh = g_find_program_in_path("virsh");
    g_autofree char *dir = NULL;
    g_autoptr(GError) error = NULL;

    if (virsh == NULL) {
        g_test_skip("virsh (libvirt-clients) is not installed");
        return;
    }
    dir = g_dir_make_tmp("mdevtool-hostdev-XXXXXX", &error);
    g_assert_no_error(error);
    /* the cases, then an NVIDIA VF vGPU's PCI hostdev */
    for (gsize i = 0; i <= G_N_ELEMENTS(cases); i++) {
        g_autofree char *hostdev =
            i == G_N_ELEMENTS(cases)
                ? mdev_xml_format_pci_hostdev("0000:3d:00.4", &error)
                : mdev_xml_format_hostdev("4b20d080-1b54-4048-85b3-a6a62d165c01", cases[i].model,
                                          cases[i].model, cases[i].display, cases[i].ramfb, &error);
        g_autofree char *domain = NULL;
        g_autofree char *path = g_build_filename(dir, "domain.xml", NULL);
        g_autofree char *commands = NULL;
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        g_auto(GStrv) env = g_environ_unsetenv(g_get_environ(), "LD_PRELOAD");
        g_autoptr(GString) expect = NULL;
        g_autofree char *expect_norm = NULL;
        g_autofree char *got_norm = NULL;
        const char *start;
        const char *end;
        int wait_status = 0;

        g_assert_no_error(error);
        domain = g_strdup_printf("<domain type='kvm'><name>guest</name><memory>1048576</memory>"
                                 "<os><type arch='x86_64'>hvm</type></os><devices>%s</devices>"
                                 "</domain>",
                                 hostdev);
        g_assert_true(g_file_set_contents(path, domain, -1, &error));
        commands = g_strdup_printf("define %s; dumpxml guest", path);
        {
            const char *argv[] = { virsh, "-q", "-c", "test:///default", commands, NULL };
            g_spawn_sync(NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                         &wait_status, &error);
        }
        g_assert_no_error(error);
        g_test_message("virsh: %s%s", out, err);
        g_assert_true(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);

        start = strstr(out, "<hostdev ");
        g_assert_nonnull(start);
        end = strstr(start, "</hostdev>\n");
        g_assert_nonnull(end);
        {
            /* the element as libvirt writes it inside <devices>, moved back
             * to the left margin by its own indentation, byte for byte */
            const char *line = start;
            gsize margin;
            g_autofree char *element = NULL;
            g_auto(GStrv) lines = NULL;
            g_autoptr(GString) got = g_string_new(NULL);

            while (line > out && line[-1] == ' ')
                line--;
            margin = (gsize) (start - line);
            element = g_strndup(line, end - line + strlen("</hostdev>\n"));
            lines = g_strsplit(element, "\n", -1);
            for (guint l = 0; lines[l] && lines[l + 1]; l++) {
                g_assert_true(strspn(lines[l], " ") >= margin);
                g_string_append_printf(got, "%s\n", lines[l] + margin);
            }
            got_norm = g_string_free(g_steal_pointer(&got), FALSE);
        }
        expect = g_string_new(hostdev);
        g_string_replace(expect, "type='mdev' ", "type='mdev' managed='no' ", 1);
        expect_norm = g_string_free(g_steal_pointer(&expect), FALSE);
        g_assert_cmpstr(got_norm, ==, expect_norm);
        g_unlink(path);
    }
    g_rmdir(dir);
}

typedef struct {
    const char *uuid;
    const char *model;
    const char *device_api;
    MdevXmlSwitch display;
    MdevXmlSwitch ramfb;
    const char *message_part;
} HostdevError;

static void
test_hostdev_errors(void)
{
    const char *u = "4b20d080-1b54-4048-85b3-a6a62d165c01";
    const HostdevError cases[] = {
        { u, NULL, "vfio-ccw", MDEV_XML_SWITCH_ON, MDEV_XML_SWITCH_DEFAULT, "display" },
        { u, NULL, "vfio-ap", MDEV_XML_SWITCH_OFF, MDEV_XML_SWITCH_DEFAULT, "display" },
        { u, NULL, "vfio-ccw", MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_ON, "ramfb" },
        { u, "vfio-ap", NULL, MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_OFF, "ramfb" },
        { u, "vfio-ccw", "vfio-pci", MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_DEFAULT, "match" },
        { u, "vfio-mdev", NULL, MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_DEFAULT, "vfio-mdev" },
        { u, NULL, NULL, MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_DEFAULT, "device API" },
        { u, NULL, "vfio-platform", MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_DEFAULT,
          "vfio-platform" },
        { "not-a-uuid", "vfio-pci", NULL, MDEV_XML_SWITCH_DEFAULT, MDEV_XML_SWITCH_DEFAULT,
          "not-a-uuid" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *xml =
            mdev_xml_format_hostdev(cases[i].uuid, cases[i].model, cases[i].device_api,
                                    cases[i].display, cases[i].ramfb, &error);
        g_assert_null(xml);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
        g_assert_nonnull(strstr(error->message, cases[i].message_part));
    }
}

/* ---------------------------------------------------------------- schemas */

static xmlRelaxNGPtr
load_schema_text(const char *text)
{
    xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewMemParserCtxt(text, (int) strlen(text));
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pctxt);

    xmlRelaxNGFreeParserCtxt(pctxt);
    return schema;
}

static xmlRelaxNGPtr
load_schema_file(const char *path)
{
    xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pctxt);

    xmlRelaxNGFreeParserCtxt(pctxt);
    return schema;
}

/* validity errors go to the test log, not to stderr */
static void
log_validity_error(void *user_data, xmlErrorPtr err)
{
    g_test_message("%s: line %d: %s", (const char *) user_data, err->line,
                   err->message ? err->message : "");
}

static gboolean
validate(xmlRelaxNGPtr schema, const char *what, const char *xml)
{
    xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlDocPtr doc = xmlReadMemory(xml, (int) strlen(xml), what, NULL, XML_PARSE_NONET);
    int rc;

    xmlRelaxNGSetValidStructuredErrors(vctxt, log_validity_error, (void *) what);
    rc = doc ? xmlRelaxNGValidateDoc(vctxt, doc) : -1;

    if (rc != 0)
        g_test_message("%s does not validate:\n%s", what, xml);
    xmlFreeDoc(doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    return rc == 0;
}

typedef struct {
    xmlRelaxNGPtr libvirt_nodedev;
    xmlRelaxNGPtr libvirt_domain;
    xmlRelaxNGPtr libvirt_hostdev;
    xmlRelaxNGPtr ours_nodedev;
    xmlRelaxNGPtr ours_hostdev;
} Schemas;

static gboolean
load_schemas(Schemas *s)
{
    g_autofree char *nodedev =
        g_test_build_filename(G_TEST_DIST, "..", "schemas", "nodedev-mdev.rng", NULL);
    g_autofree char *hostdev =
        g_test_build_filename(G_TEST_DIST, "..", "schemas", "hostdev-mdev.rng", NULL);
    /* libvirt's own definition of <hostdev>, as the start of a grammar */
    const char *hostdev_wrapper = "<grammar xmlns='http://relaxng.org/ns/structure/1.0' "
                                  "datatypeLibrary='http://www.w3.org/2001/XMLSchema-datatypes'>"
                                  "<start><ref name='hostdev'/></start>"
                                  "<include href='" LIBVIRT_SCHEMA_DIR "/domaincommon.rng'/>"
                                  "</grammar>";

    memset(s, 0, sizeof(*s));
    s->ours_nodedev = load_schema_file(nodedev);
    s->ours_hostdev = load_schema_file(hostdev);
    g_assert_nonnull(s->ours_nodedev);
    g_assert_nonnull(s->ours_hostdev);
    if (!g_file_test(LIBVIRT_SCHEMA_DIR "/nodedev.rng", G_FILE_TEST_EXISTS) ||
        !g_file_test(LIBVIRT_SCHEMA_DIR "/domain.rng", G_FILE_TEST_EXISTS))
        return FALSE;
    s->libvirt_nodedev = load_schema_file(LIBVIRT_SCHEMA_DIR "/nodedev.rng");
    s->libvirt_domain = load_schema_file(LIBVIRT_SCHEMA_DIR "/domain.rng");
    s->libvirt_hostdev = load_schema_text(hostdev_wrapper);
    g_assert_nonnull(s->libvirt_nodedev);
    g_assert_nonnull(s->libvirt_domain);
    g_assert_nonnull(s->libvirt_hostdev);
    return TRUE;
}

static void
free_schemas(Schemas *s)
{
    g_clear_pointer(&s->libvirt_nodedev, xmlRelaxNGFree);
    g_clear_pointer(&s->libvirt_domain, xmlRelaxNGFree);
    g_clear_pointer(&s->libvirt_hostdev, xmlRelaxNGFree);
    g_clear_pointer(&s->ours_nodedev, xmlRelaxNGFree);
    g_clear_pointer(&s->ours_hostdev, xmlRelaxNGFree);
}

/* libvirt 9.0's schema has no top-level mdev_types capability, so its own
 * output for a generic parent does not validate; only that case is
 * exempt, and it is checked against mdevtool's schema. */
static gboolean
libvirt_schema_rejects_by_design(const XmlTestbedCase *c)
{
    return strcmp(c->golden, "mtty-parent") == 0;
}

static void
test_schema_emitted(XmlFixture *fx, gconstpointer data)
{
    Schemas s;
    gboolean have_libvirt;
    guint checked = 0;

    if (test_skip_without_umockdev())
        return;
    have_libvirt = load_schemas(&s);

    for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *xml = xml_fixture_format_case(fx, c, &error);
        g_autofree char *golden = xml_read_golden(c->golden);

        g_assert_no_error(error);
        g_assert_true(validate(s.ours_nodedev, c->golden, xml));
        g_assert_true(validate(s.ours_nodedev, c->golden, golden));
        if (have_libvirt) {
            g_assert_true(validate(s.libvirt_nodedev, c->golden, xml) !=
                          libvirt_schema_rejects_by_design(c));
            g_assert_true(validate(s.libvirt_nodedev, c->golden, golden) !=
                          libvirt_schema_rejects_by_design(c));
        }
        checked++;
    }
    for (guint i = 0; i < fx->definitions->len; i++) {
        const MdevDevice *def = g_ptr_array_index(fx->definitions, i);
        g_autoptr(GError) error = NULL;
        g_autofree char *xml = mdev_xml_format_device(def, xml_fixture_find_parent(fx, def->parent),
                                                      MDEV_XML_FORMAT_INACTIVE, &error);
        g_assert_no_error(error);
        g_assert_true(validate(s.ours_nodedev, def->uuid, xml));
        if (have_libvirt)
            g_assert_true(validate(s.libvirt_nodedev, def->uuid, xml));
        checked++;
    }
    for (int m = 0; m < 3; m++) {
        const char *apis[] = { "vfio-pci", "vfio-ccw", "vfio-ap" };
        for (int d = MDEV_XML_SWITCH_DEFAULT; d < MDEV_XML_SWITCH_LAST; d++) {
            for (int r = MDEV_XML_SWITCH_DEFAULT; r < MDEV_XML_SWITCH_LAST; r++) {
                g_autoptr(GError) error = NULL;
                g_autofree char *xml = mdev_xml_format_hostdev(
                    "4b20d080-1b54-4048-85b3-a6a62d165c01", NULL, apis[m], d, r, &error);
                if (xml == NULL)
                    continue;
                g_assert_true(validate(s.ours_hostdev, apis[m], xml));
                if (have_libvirt)
                    g_assert_true(validate(s.libvirt_hostdev, apis[m], xml));
                checked++;
            }
        }
    }
    g_test_message("%u documents validated", checked);
    g_assert_cmpuint(checked, >=, 10 + 4 + 11);
    free_schemas(&s);
    if (!have_libvirt)
        g_test_skip("libvirt's schemas are not installed (" LIBVIRT_SCHEMA_DIR "): checked "
                    "against mdevtool's schemas only");
}

static void
test_schema_examples(void)
{
    g_autofree char *dir = g_test_build_filename(G_TEST_DIST, "..", "examples", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    Schemas s;
    gboolean have_libvirt = load_schemas(&s);
    const char *name;
    guint nodedev = 0, hostdev = 0, domain = 0;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *text = NULL;

        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(dir, name, NULL);
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        if (g_str_has_prefix(name, "nodedev-")) {
            g_assert_true(validate(s.ours_nodedev, name, text));
            if (have_libvirt)
                g_assert_true(validate(s.libvirt_nodedev, name, text));
            nodedev++;
        } else if (g_str_has_prefix(name, "hostdev-")) {
            g_assert_true(validate(s.ours_hostdev, name, text));
            if (have_libvirt)
                g_assert_true(validate(s.libvirt_hostdev, name, text));
            hostdev++;
        } else if (g_str_has_prefix(name, "domain-")) {
            if (have_libvirt)
                g_assert_true(validate(s.libvirt_domain, name, text));
            domain++;
        } else {
            g_error("examples/%s: unknown kind of example", name);
        }
    }
    g_test_message("examples: %u nodedev, %u hostdev, %u domain", nodedev, hostdev, domain);
    g_assert_cmpuint(nodedev, >=, 3);
    g_assert_cmpuint(hostdev, >=, 1);
    g_assert_cmpuint(domain, >=, 1);
    free_schemas(&s);
    if (!have_libvirt)
        g_test_skip("libvirt's schemas are not installed: checked against mdevtool's only");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++) {
        g_autofree char *path = g_strdup_printf("/xml/golden/%s", c->golden);
        g_test_add(path, XmlFixture, c, xml_fixture_setup, test_golden, xml_fixture_teardown);
    }
    XML_FIXTURE_ADD("/xml/format/inactive-of-active", test_inactive_of_active);
    g_test_add_func("/xml/format/names", test_names);
    g_test_add_func("/xml/format/pci-vf", test_pci_vf);
    XML_FIXTURE_ADD("/xml/format/escaping", test_escaping);
    g_test_add_func("/xml/hostdev/formats", test_hostdev);
    g_test_add_func("/xml/hostdev/errors", test_hostdev_errors);
    g_test_add_func("/xml/hostdev/libvirt-round-trip", test_hostdev_libvirt_round_trip);
    XML_FIXTURE_ADD("/xml/schema/emitted", test_schema_emitted);
    g_test_add_func("/xml/schema/examples", test_schema_examples);

    return g_test_run();
}
