/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The XML model against libvirt itself: the golden files in tests/data/xml
 * are `virsh nodedev-dumpxml` output of the real libvirt 9.0 node-device
 * driver reading the same umockdev testbed (tests/libvirt/regen-golden.sh);
 * every document mdevtool emits here is validated with libvirt's installed
 * RelaxNG schemas and with mdevtool's own; hostile input must be refused
 * quickly. */
#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-nvidia.h"
#include "mdev-store.h"
#include "mdev-xml-host.h"
#include "mdev-xml-parse.h"
#include "mdev-xml.h"
#include "test-common.h"
#include "xml-testbeds.h"

#include <glib/gstdio.h>
#include <libxml/relaxng.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIBVIRT_SCHEMA_DIR "/usr/share/libvirt/schemas"

typedef struct {
    MockSysfs *sysfs;
    char *conf_dir;
    char *state_dir;
    MdevContext *ctx;
    MdevInventory *inv;
    GPtrArray *parents;     /* borrowed from inv */
    GPtrArray *devices;     /* borrowed from inv: active and defined, merged */
    GPtrArray *definitions; /* the store's records */
} Fixture;

/* The records come from the real discovery and the real store reading the
 * testbed and the mdevctl-format definition files libvirt's mdevctl reads. */
static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);

    fx->sysfs = mock_sysfs_new();
    xml_testbed_build(fx->sysfs);
    fx->conf_dir = g_dir_make_tmp("mdevtool-xml-XXXXXX", &error);
    g_assert_no_error(error);
    fx->state_dir = g_dir_make_tmp("mdevtool-xml-state-XXXXXX", &error);
    g_assert_no_error(error);
    g_assert_true(xml_testbed_write_definitions(fx->conf_dir, &error));
    g_assert_no_error(error);
    fx->ctx = mdev_context_new();
    mdev_context_set_conf_dir(fx->ctx, fx->conf_dir);
    fx->inv = mdev_discovery_scan(
        fx->ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES | MDEV_DISCOVERY_DEVICE_DRIVER,
        NULL, &error);
    g_assert_no_error(error);
    fx->definitions = mdev_store_load(fx->ctx, NULL, NULL, problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(problems->len, ==, 0);
    mdev_inventory_add_definitions(fx->inv, fx->definitions);
    fx->parents = fx->inv->parents;
    fx->devices = fx->inv->devices;
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    g_ptr_array_unref(fx->definitions);
    mdev_inventory_free(fx->inv);
    g_object_unref(fx->ctx);
    test_remove_tree(fx->conf_dir);
    g_free(fx->conf_dir);
    test_remove_tree(fx->state_dir);
    g_free(fx->state_dir);
    mock_sysfs_free(fx->sysfs);
}

static const MdevParent *
find_parent(Fixture *fx, const char *name)
{
    for (guint i = 0; i < fx->parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index(fx->parents, i);
        if (strcmp(parent->name, name) == 0)
            return parent;
    }
    return NULL;
}

static const MdevDevice *
find_device(GPtrArray *devices, const char *uuid, const char *parent)
{
    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);
        if (strcmp(device->uuid, uuid) == 0 && strcmp(device->parent, parent) == 0)
            return device;
    }
    return NULL;
}

/* mdevtool's document for one golden case, made the way dumpxml makes it. */
static char *
format_case(Fixture *fx, const XmlTestbedCase *c, GError **error)
{
    if (c->nvidia_vf) {
        g_autoptr(MdevParent) vf = mdev_nvidia_read_vf_node(c->kernel_name, NULL, error);
        g_autoptr(GPtrArray) group = NULL;

        if (vf == NULL)
            return NULL;
        group = mdev_xml_read_iommu_group(vf->iommu_group, error);
        return group ? mdev_xml_format_parent(vf, group, error) : NULL;
    }
    if (c->is_parent) {
        const MdevParent *parent = find_parent(fx, c->kernel_name);
        g_autoptr(GPtrArray) group = NULL;

        if (parent == NULL)
            g_error("no parent %s in the testbed records", c->kernel_name);
        if (parent->iommu_group >= 0) {
            group = mdev_xml_read_iommu_group(parent->iommu_group, error);
            if (group == NULL)
                return NULL;
        }
        return mdev_xml_format_parent(parent, group, error);
    }
    return mdev_xml_format_device(find_device(fx->devices, c->kernel_name, c->mdev_parent),
                                  find_parent(fx, c->mdev_parent), MDEV_XML_FORMAT_NONE, error);
}

static char *
read_golden(const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "xml", file, NULL);
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    g_file_get_contents(path, &text, NULL, &error);
    g_assert_no_error(error);
    return text;
}

static void
test_golden(Fixture *fx, gconstpointer data)
{
    const XmlTestbedCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *ours = NULL;
    g_autofree char *golden = NULL;
    g_autofree char *ours_norm = NULL;
    g_autofree char *golden_norm = NULL;

    if (test_skip_without_umockdev())
        return;
    ours = format_case(fx, c, &error);
    g_assert_no_error(error);
    golden = read_golden(c->golden);
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
test_inactive_of_active(Fixture *fx, gconstpointer data)
{
    const MdevDevice *def =
        find_device(fx->definitions, "2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "0000:00:02.0");
    const MdevDevice *active_only =
        find_device(fx->devices, "67215cd7-f78e-4352-b10a-ba2a22b1c4d8", "mtty");
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *none = NULL;

    g_assert_nonnull(def);
    xml = mdev_xml_format_device(def, find_parent(fx, "0000:00:02.0"), MDEV_XML_FORMAT_INACTIVE,
                                 &error);
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

    none = mdev_xml_format_device(active_only, find_parent(fx, "mtty"), MDEV_XML_FORMAT_INACTIVE,
                                  &error);
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
test_escaping(Fixture *fx, gconstpointer data)
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

/* ---------------------------------------------------------------- parsing */

static void
test_parse_minimal(Fixture *fx, gconstpointer data)
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
test_parse_full(Fixture *fx, gconstpointer data)
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
test_parse_uuid_forms(Fixture *fx, gconstpointer data)
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
test_parse_round_trip(Fixture *fx, gconstpointer data)
{
    for (guint i = 0; i < fx->definitions->len; i++) {
        const MdevDevice *def = g_ptr_array_index(fx->definitions, i);
        const MdevParent *parent = find_parent(fx, def->parent);
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
test_parse_errors(Fixture *fx, gconstpointer data)
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
test_hostile_billion_laughs(Fixture *fx, gconstpointer data)
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
test_hostile_external_entity(Fixture *fx, gconstpointer data)
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
test_hostile_deep(Fixture *fx, gconstpointer data)
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
test_hostile_deep_100000(Fixture *fx, gconstpointer data)
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
test_hostile_not_utf8(Fixture *fx, gconstpointer data)
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
test_hostile_silent(Fixture *fx, gconstpointer data)
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
test_hostile_huge(Fixture *fx, gconstpointer data)
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
test_parse_file(Fixture *fx, gconstpointer data)
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
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "/nonexistent/nodedev.xml"));
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

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
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
test_schema_emitted(Fixture *fx, gconstpointer data)
{
    Schemas s;
    gboolean have_libvirt;
    guint checked = 0;

    if (test_skip_without_umockdev())
        return;
    have_libvirt = load_schemas(&s);

    for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *xml = format_case(fx, c, &error);
        g_autofree char *golden = read_golden(c->golden);

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
        g_autofree char *xml = mdev_xml_format_device(def, find_parent(fx, def->parent),
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

/* The examples are accepted by the parser too (given parents named like
 * the ones they use). */
static void
test_examples_parse(Fixture *fx, gconstpointer data)
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

/* The entry point for define and create with an XML file: the parent is
 * resolved against the parents discovery finds. */
static void
test_read_definition(Fixture *fx, gconstpointer data)
{
    g_autofree char *path =
        g_test_build_filename(G_TEST_DIST, "..", "examples", "nodedev-define-ap.xml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) def = NULL;
    const MdevAttr *attr;

    if (test_skip_without_umockdev())
        return;
    def = mdev_xml_host_read_definition(fx->ctx, path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(def->parent, ==, "matrix");
    g_assert_cmpstr(def->uuid, ==, "9e0d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b");
    g_assert_cmpstr(def->type, ==, "vfio_ap-passthrough");
    g_assert_cmpuint(def->attrs->len, ==, 2);
    attr = g_ptr_array_index(def->attrs, 1);
    g_assert_cmpstr(attr->name, ==, "assign_domain");
    g_assert_cmpstr(attr->value, ==, "0x0001");
}

/* The parser reads the define examples as libvirt does: the definition
 * mdevtool would store is byte for byte the file mdevctl wrote when the real
 * libvirt ran `virsh nodedev-define` on the same example and testbed
 * (tests/data/xml/define-*, from tests/libvirt/regen-golden.sh). */
static void
test_parse_like_libvirt(Fixture *fx, gconstpointer data)
{
    const char *kinds[] = { "pci", "css", "ap" };

    if (test_skip_without_umockdev())
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_autofree char *file = g_strdup_printf("nodedev-define-%s.xml", kinds[i]);
        g_autofree char *example = g_test_build_filename(G_TEST_DIST, "..", "examples", file, NULL);
        g_autofree char *json_name = g_strdup_printf("define-%s.json", kinds[i]);
        g_autofree char *path_name = g_strdup_printf("define-%s.path", kinds[i]);
        g_autofree char *json_file =
            g_test_build_filename(G_TEST_DIST, "data", "xml", json_name, NULL);
        g_autofree char *path_file =
            g_test_build_filename(G_TEST_DIST, "data", "xml", path_name, NULL);
        g_autofree char *libvirt_json = NULL;
        g_autofree char *libvirt_path = NULL;
        g_autofree char *ours_json = NULL;
        g_autofree char *ours_path = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) def = mdev_xml_host_read_definition(fx->ctx, example, &error);

        g_assert_no_error(error);
        g_assert_true(g_file_get_contents(json_file, &libvirt_json, NULL, &error));
        g_assert_true(g_file_get_contents(path_file, &libvirt_path, NULL, &error));
        ours_json = mdev_json_definition_to_string(def);
        ours_path = g_strdup_printf("%s/%s\n", def->parent, def->uuid);
        g_assert_cmpstr(ours_path, ==, libvirt_path);
        g_assert_cmpstr(ours_json, ==, libvirt_json);
    }
}

/* One UUID defined under two parents: the UUID alone is ambiguous, the
 * node-device names are not. */
static void
test_dump_ambiguous(Fixture *fx, gconstpointer data)
{
    g_autofree char *dir = g_build_filename(fx->conf_dir, "matrix", NULL);
    g_autofree char *file = g_build_filename(dir, "5f6c7b02-7815-4b90-ae2c-4828080c15ea", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *by_uuid = NULL;
    g_autofree char *by_name = NULL;

    if (test_skip_without_umockdev())
        return;
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(file,
                                      "{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n"
                                      "  \"start\": \"manual\",\n  \"attrs\": []\n}",
                                      -1, &error));
    by_uuid = mdev_xml_host_dump_nodedev(fx->ctx, "5f6c7b02-7815-4b90-ae2c-4828080c15ea",
                                         MDEV_XML_FORMAT_NONE, NULL, &error);
    g_assert_null(by_uuid);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS);
    g_assert_nonnull(strstr(error->message, "matrix, mtty"));
    g_clear_error(&error);

    by_name =
        mdev_xml_host_dump_nodedev(fx->ctx, "mdev_5f6c7b02_7815_4b90_ae2c_4828080c15ea_matrix",
                                   MDEV_XML_FORMAT_NONE, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(by_name, "<type id='vfio_ap-passthrough'/>"));
    g_assert_nonnull(strstr(by_name, "<parent>ap_matrix</parent>"));
}

/* -------------------------------------------------------------------- CLI */

typedef struct {
    int status;
    char *out;
    char *err;
} RunResult;

static void
run_result_clear(RunResult *r)
{
    g_free(r->out);
    g_free(r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(RunResult, run_result_clear)

/* Runs the installed-to-be binary on the fixture's testbed (UMOCKDEV_DIR and
 * the preload are inherited) and definition store. */
static void
run_mdevtool(Fixture *fx, RunResult *r, const char *first, ...)
{
    const char *binary = g_getenv("MDEVTOOL");
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_auto(GStrv) env = g_get_environ();
    g_autoptr(GError) error = NULL;
    va_list ap;
    int wait_status = 0;

    g_assert_nonnull(binary);
    g_ptr_array_add(args, (char *) binary);
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(args, (char *) a);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    env = g_environ_setenv(env, "MDEVTOOL_CONF_DIR", fx->conf_dir, TRUE);
    env = g_environ_setenv(env, "MDEVTOOL_STATE_DIR", fx->state_dir, TRUE);
    env = g_environ_setenv(env, "MDEVTOOL_LIB_DIR", fx->state_dir, TRUE);
    env = g_environ_setenv(env, "LC_ALL", "C", TRUE);

    g_spawn_sync(NULL, (char **) args->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &r->out, &r->err,
                 &wait_status, &error);
    g_assert_no_error(error);
    g_assert_true(WIFEXITED(wait_status));
    r->status = WEXITSTATUS(wait_status);
    g_test_message("exit %d\nstdout:\n%s\nstderr:\n%s", r->status, r->out, r->err);
}

/* The command itself, on every golden case, named the way libvirt names it
 * and (for mdevs) by UUID, (for parents) by kernel name. */
static void
test_cli_dumpxml(Fixture *fx, gconstpointer data)
{
    if (test_skip_without_umockdev())
        return;
    for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++) {
        g_autofree char *golden = read_golden(c->golden);
        g_autofree char *golden_norm = xml_testbed_normalise(golden);
        const char *names[] = { c->nodedev, c->kernel_name };

        for (gsize n = 0; n < G_N_ELEMENTS(names); n++) {
            g_auto(RunResult) r = { 0 };
            g_autofree char *out_norm = NULL;

            run_mdevtool(fx, &r, "dumpxml", names[n], NULL);
            g_assert_cmpint(r.status, ==, 0);
            g_assert_cmpstr(r.err, ==, "");
            out_norm = xml_testbed_normalise(r.out);
            g_assert_cmpstr(out_norm, ==, golden_norm);
        }
    }
}

static void
test_cli_dumpxml_inactive(Fixture *fx, gconstpointer data)
{
    g_auto(RunResult) def = { 0 };
    g_auto(RunResult) transient = { 0 };
    g_auto(RunResult) parent = { 0 };
    g_auto(RunResult) unknown = { 0 };
    g_auto(RunResult) usage = { 0 };

    if (test_skip_without_umockdev())
        return;
    /* defined and running: the definition alone */
    run_mdevtool(fx, &def, "dumpxml", "--inactive", "2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", NULL);
    g_assert_cmpint(def.status, ==, 0);
    g_assert_null(strstr(def.out, "<path>"));
    g_assert_null(strstr(def.out, "<driver>"));
    g_assert_nonnull(strstr(def.out, "<iommuGroup number='0'/>"));
    g_assert_nonnull(strstr(def.out, "<attr name='enable_hotplug' value='1'/>"));

    /* running only: nothing to show */
    run_mdevtool(fx, &transient, "dumpxml", "--inactive",
                 "mdev_67215cd7_f78e_4352_b10a_ba2a22b1c4d8_mtty", NULL);
    g_assert_cmpint(transient.status, ==, 1);
    g_assert_cmpstr(transient.out, ==, "");
    g_assert_true(g_str_has_prefix(transient.err, "mdevtool: error: "));
    g_assert_nonnull(strstr(transient.err, "67215cd7-f78e-4352-b10a-ba2a22b1c4d8"));

    run_mdevtool(fx, &parent, "dumpxml", "--inactive", "mtty_mtty", NULL);
    g_assert_cmpint(parent.status, ==, 1);

    run_mdevtool(fx, &unknown, "dumpxml", "pci_0000_00_09_0", NULL);
    g_assert_cmpint(unknown.status, ==, 1);
    g_assert_cmpstr(unknown.err, ==,
                    "mdevtool: error: no mdev or parent device is named 'pci_0000_00_09_0'\n");

    run_mdevtool(fx, &usage, "dumpxml", NULL);
    g_assert_cmpint(usage.status, ==, 2);
}

static void
test_cli_hostdev(Fixture *fx, gconstpointer data)
{
    const struct {
        const char *uuid;
        const char *model;
    } defaults[] = {
        { "2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "vfio-pci" },
        { "8a7c3bf0-3f43-4f0e-8a9a-5b3c1d2e4f60", "vfio-ccw" },
        { "b3f1c1a8-1b53-4a8d-9a0f-4f6f0e9d2c11", "vfio-ap" },
        /* defined, not running: the type comes from the definition */
        { "5f6c7b02-7815-4b90-ae2c-4828080c15ea", "vfio-pci" },
    };
    g_auto(RunResult) display = { 0 };
    g_auto(RunResult) ccw_display = { 0 };
    g_auto(RunResult) bad_switch = { 0 };
    g_auto(RunResult) unknown = { 0 };
    g_auto(RunResult) unknown_model = { 0 };
    g_auto(RunResult) bad_uuid = { 0 };

    if (test_skip_without_umockdev())
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(defaults); i++) {
        g_auto(RunResult) r = { 0 };
        g_autofree char *expect =
            g_strdup_printf("<hostdev mode='subsystem' type='mdev' model='%s'>\n"
                            "  <source>\n"
                            "    <address uuid='%s'/>\n"
                            "  </source>\n"
                            "</hostdev>\n",
                            defaults[i].model, defaults[i].uuid);

        run_mdevtool(fx, &r, "hostdev", defaults[i].uuid, NULL);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_cmpstr(r.out, ==, expect);
    }

    run_mdevtool(fx, &display, "hostdev", "--display", "on", "--ramfb", "off",
                 "2F1A0D5E-8A3C-4A6B-9A0E-1C2D3E4F5A6B", NULL);
    g_assert_cmpint(display.status, ==, 0);
    g_assert_nonnull(strstr(display.out, "model='vfio-pci' display='on' ramfb='off'>"));

    run_mdevtool(fx, &ccw_display, "hostdev", "--display", "on",
                 "8a7c3bf0-3f43-4f0e-8a9a-5b3c1d2e4f60", NULL);
    g_assert_cmpint(ccw_display.status, ==, 1);
    g_assert_cmpstr(ccw_display.out, ==, "");
    g_assert_cmpstr(ccw_display.err, ==,
                    "mdevtool: error: display is only supported with model 'vfio-pci', not "
                    "'vfio-ccw'\n");

    run_mdevtool(fx, &bad_switch, "hostdev", "--ramfb", "yes",
                 "2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", NULL);
    g_assert_cmpint(bad_switch.status, ==, 2);

    run_mdevtool(fx, &unknown, "hostdev", "11111111-2222-4333-8444-555555555555", NULL);
    g_assert_cmpint(unknown.status, ==, 1);
    run_mdevtool(fx, &unknown_model, "hostdev", "--model", "vfio-ap",
                 "11111111-2222-4333-8444-555555555555", NULL);
    g_assert_cmpint(unknown_model.status, ==, 0);
    g_assert_nonnull(strstr(unknown_model.out, "model='vfio-ap'"));

    run_mdevtool(fx, &bad_uuid, "hostdev", "not-a-uuid", NULL);
    g_assert_cmpint(bad_uuid.status, ==, 1);
}

/* Every file under @dir with its contents, to see that nothing changed. */
static void
snapshot_tree(const char *dir, const char *rel, GString *out)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    while (d && (name = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_autofree char *path = g_build_filename(dir, n, NULL);
        g_autofree char *sub = g_build_filename(rel, n, NULL);
        g_autofree char *contents = NULL;

        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            snapshot_tree(path, sub, out);
            continue;
        }
        g_file_get_contents(path, &contents, NULL, NULL);
        g_string_append_printf(out, "%s\n%s\n", sub, contents ? contents : "");
    }
}

static char *
snapshot(const char *dir)
{
    GString *out = g_string_new(NULL);

    snapshot_tree(dir, "", out);
    return g_string_free(out, FALSE);
}

/* define --xml (the command belongs to the lifecycle code; the document is
 * read here): bad documents give one line naming the problem and write
 * nothing; a good one is stored with the bytes mdevctl wrote when the real
 * libvirt defined the same example. */
static void
test_cli_define_xml(Fixture *fx, gconstpointer data)
{
    const struct {
        const char *name;
        const char *xml;
        const char *message_part;
    } bad[] = {
        { "malformed", "<device><parent>mtty_mtty</parent><capability type='mdev'>", "line 1" },
        { "missing-type", "<device><parent>mtty_mtty</parent><capability type='mdev'/></device>",
          "<type>" },
        { "unknown-parent",
          "<device><parent>pci_0000_00_09_0</parent><capability type='mdev'>"
          "<type id='i915-GVTg_V5_4'/></capability></device>",
          "<parent>" },
        { "bad-uuid",
          "<device><parent>mtty_mtty</parent><capability type='mdev'><type id='mtty-1'/>"
          "<uuid>67215cd7-zzzz</uuid></capability></device>",
          "<uuid>" },
        { "doctype",
          "<!DOCTYPE device [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><device>"
          "<parent>mtty_mtty</parent><capability type='mdev'><type id='mtty-1'/>"
          "<attr name='a' value='&x;'/></capability></device>",
          "DOCTYPE" },
    };
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *example =
        g_test_build_filename(G_TEST_DIST, "..", "examples", "nodedev-define-ap.xml", NULL);
    g_autofree char *golden_file =
        g_test_build_filename(G_TEST_DIST, "data", "xml", "define-ap.json", NULL);
    g_autofree char *stored_file =
        g_build_filename(fx->conf_dir, "matrix", "9e0d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b", NULL);
    g_autofree char *golden = NULL;
    g_autofree char *stored = NULL;
    g_auto(RunResult) good = { 0 };

    if (test_skip_without_umockdev())
        return;
    before = snapshot(fx->conf_dir);
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *path = g_build_filename(fx->state_dir, bad[i].name, NULL);
        g_auto(RunResult) r = { 0 };

        g_assert_true(g_file_set_contents(path, bad[i].xml, -1, NULL));
        run_mdevtool(fx, &r, "define", "--xml", path, NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_cmpstr(r.out, ==, "");
        g_assert_true(g_str_has_prefix(r.err, "mdevtool: error: "));
        g_assert_nonnull(strstr(r.err, bad[i].message_part));
        g_assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1);
        g_unlink(path);
    }
    after = snapshot(fx->conf_dir);
    g_assert_cmpstr(after, ==, before);

    run_mdevtool(fx, &good, "define", "--xml", example, NULL);
    g_assert_cmpint(good.status, ==, 0);
    g_assert_true(g_file_get_contents(golden_file, &golden, NULL, NULL));
    g_assert_true(g_file_get_contents(stored_file, &stored, NULL, NULL));
    g_assert_cmpstr(stored, ==, golden);
}

/* What libvirt itself printed for the testbed (the golden files) reads
 * back into the records the local discovery makes of the same testbed:
 * the fleet commands see other hosts through exactly these documents. */
static void
test_parse_libvirt_listing(Fixture *fx, gconstpointer data)
{
    if (test_skip_without_umockdev())
        return;
    for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++) {
        g_autofree char *golden = read_golden(c->golden);
        g_autoptr(GError) error = NULL;

        g_test_message("%s", c->golden);
        /* to libvirt the VF is a PCI device, neither parent nor mdev */
        if (c->nvidia_vf)
            continue;
        if (c->is_parent) {
            const MdevParent *want = find_parent(fx, c->kernel_name);
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
            const MdevDevice *want = find_device(fx->devices, c->kernel_name, c->mdev_parent);
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

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++) {
        g_autofree char *path = g_strdup_printf("/xml/golden/%s", c->golden);
        g_test_add(path, Fixture, c, fixture_setup, test_golden, fixture_teardown);
    }
    ADD("/xml/format/inactive-of-active", test_inactive_of_active);
    g_test_add_func("/xml/format/names", test_names);
    g_test_add_func("/xml/format/pci-vf", test_pci_vf);
    ADD("/xml/format/escaping", test_escaping);
    g_test_add_func("/xml/hostdev/formats", test_hostdev);
    g_test_add_func("/xml/hostdev/errors", test_hostdev_errors);
    g_test_add_func("/xml/hostdev/libvirt-round-trip", test_hostdev_libvirt_round_trip);
    ADD("/xml/parse/minimal", test_parse_minimal);
    ADD("/xml/parse/full", test_parse_full);
    ADD("/xml/parse/uuid-forms", test_parse_uuid_forms);
    ADD("/xml/parse/round-trip", test_parse_round_trip);
    ADD("/xml/parse/errors", test_parse_errors);
    ADD("/xml/parse/file", test_parse_file);
    ADD("/xml/parse/examples", test_examples_parse);
    ADD("/xml/hostile/billion-laughs", test_hostile_billion_laughs);
    ADD("/xml/hostile/external-entity", test_hostile_external_entity);
    ADD("/xml/hostile/huge", test_hostile_huge);
    ADD("/xml/hostile/deep", test_hostile_deep);
    ADD("/xml/hostile/deep-100000", test_hostile_deep_100000);
    ADD("/xml/hostile/not-utf8", test_hostile_not_utf8);
    ADD("/xml/hostile/silent", test_hostile_silent);
    ADD("/xml/schema/emitted", test_schema_emitted);
    ADD("/xml/parse/read-definition", test_read_definition);
    ADD("/xml/parse/like-libvirt", test_parse_like_libvirt);
    ADD("/xml/parse/libvirt-listing", test_parse_libvirt_listing);
    g_test_add_func("/xml/parse/listing-errors", test_parse_listing_errors);
    ADD("/xml/dump/ambiguous", test_dump_ambiguous);
    ADD("/xml/cli/dumpxml", test_cli_dumpxml);
    ADD("/xml/cli/dumpxml-inactive", test_cli_dumpxml_inactive);
    ADD("/xml/cli/hostdev", test_cli_hostdev);
    ADD("/xml/cli/define-xml", test_cli_define_xml);
    g_test_add_func("/xml/schema/examples", test_schema_examples);

    return g_test_run();
}
