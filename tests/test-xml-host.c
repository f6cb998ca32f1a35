/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading the host for XML: definitions read from node-device documents
 * against the parents discovery finds, node-device documents of the host
 * by name, and the dumpxml, hostdev and define --xml commands on the
 * testbed, compared with what the real libvirt 9.0 printed and stored. */
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-xml-host.h"
#include "mdev-xml.h"
#include "test-common.h"
#include "xml-fixture.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The entry point for define and create with an XML file: the parent is
 * resolved against the parents discovery finds. */
static void
test_read_definition(XmlFixture *fx, gconstpointer data)
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
test_parse_like_libvirt(XmlFixture *fx, gconstpointer data)
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
test_dump_ambiguous(XmlFixture *fx, gconstpointer data)
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
run_mdevtool(XmlFixture *fx, RunResult *r, const char *first, ...)
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
test_cli_dumpxml(XmlFixture *fx, gconstpointer data)
{
    if (test_skip_without_umockdev())
        return;
    for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++) {
        g_autofree char *golden = xml_read_golden(c->golden);
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
test_cli_dumpxml_inactive(XmlFixture *fx, gconstpointer data)
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
test_cli_hostdev(XmlFixture *fx, gconstpointer data)
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

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
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
test_cli_define_xml(XmlFixture *fx, gconstpointer data)
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

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    XML_FIXTURE_ADD("/xml/parse/read-definition", test_read_definition);
    XML_FIXTURE_ADD("/xml/parse/like-libvirt", test_parse_like_libvirt);
    XML_FIXTURE_ADD("/xml/dump/ambiguous", test_dump_ambiguous);
    XML_FIXTURE_ADD("/xml/cli/dumpxml", test_cli_dumpxml);
    XML_FIXTURE_ADD("/xml/cli/dumpxml-inactive", test_cli_dumpxml_inactive);
    XML_FIXTURE_ADD("/xml/cli/hostdev", test_cli_hostdev);
    XML_FIXTURE_ADD("/xml/cli/define-xml", test_cli_define_xml);

    return g_test_run();
}
