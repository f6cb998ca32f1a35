/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdev_doctor_check() and `mdevtool doctor` on simulated hosts: one broken
 * host description per finding (the files of tests/data/doctor), and the healthy
 * example hosts, which must give none. */
#include "mdev-doctor.h"
#include "mdev-error.h"
#include "mock-host.h"
#include "test-common.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    MockSysfs *sysfs;
    MockHost *host;
    MdevContext *ctx;
    char *conf_dir;
    char *state_dir;
} Fixture;

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    fx->conf_dir = g_dir_make_tmp("doctor-conf-XXXXXX", NULL);
    fx->state_dir = g_dir_make_tmp("doctor-state-XXXXXX", NULL);
    g_assert_nonnull(fx->conf_dir);
    g_assert_nonnull(fx->state_dir);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    g_clear_pointer(&fx->ctx, mdev_context_unref);
    g_clear_pointer(&fx->host, mock_host_free);
    g_clear_pointer(&fx->sysfs, mock_sysfs_free);
    test_remove_tree(fx->conf_dir);
    test_remove_tree(fx->state_dir);
    g_free(fx->conf_dir);
    g_free(fx->state_dir);
}

/* @name: a file of tests/data/doctor/, or "example:NAME" for examples/hosts */
static gboolean
load(Fixture *fx, const char *name)
{
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    const char *dirs[] = { NULL, NULL };

    if (g_str_has_prefix(name, "example:"))
        path = mock_host_find_example(name + strlen("example:"));
    else
        path = g_test_build_filename(G_TEST_DIST, "data", "doctor", name, NULL);
    fx->sysfs = mock_sysfs_new();
    if (test_skip_without_umockdev())
        return FALSE;
    fx->host = mock_host_new_from_file(fx->sysfs, path, &error);
    g_assert_no_error(error);
    g_assert_true(mock_host_write_definitions(fx->host, fx->conf_dir, &error));
    g_assert_no_error(error);
    fx->ctx = mdev_context_new();
    mdev_context_set_conf_dir(fx->ctx, fx->conf_dir);
    mdev_context_set_state_dir(fx->ctx, fx->state_dir);
    mdev_context_set_proc_dir(fx->ctx, mock_host_get_proc_dir(fx->host));
    dirs[0] = mock_host_get_udev_rules_dir(fx->host);
    mdev_context_set_udev_rules_dirs(fx->ctx, dirs);
    return TRUE;
}

static GPtrArray *
check(Fixture *fx, const char *subject)
{
    g_autoptr(GError) error = NULL;
    GPtrArray *findings = mdev_doctor_check(fx->ctx, subject, &error);

    g_assert_no_error(error);
    g_assert_nonnull(findings);
    for (guint i = 0; i < findings->len; i++) {
        const MdevFinding *f = g_ptr_array_index(findings, i);
        g_test_message("%s: %s: %s | %s", mdev_severity_to_string(f->severity), f->subject,
                       f->problem, f->fix ? f->fix : "-");
    }
    return findings;
}

/* "severity subject" per finding, one a line */
static char *
summary(const GPtrArray *findings)
{
    GString *text = g_string_new(NULL);

    for (guint i = 0; i < findings->len; i++) {
        const MdevFinding *f = g_ptr_array_index((GPtrArray *) findings, i);
        g_string_append_printf(text, "%s %s\n", mdev_severity_to_string(f->severity), f->subject);
    }
    return g_string_free(text, FALSE);
}

static void
assert_summary(const GPtrArray *findings, const char *expected)
{
    g_autofree char *text = summary(findings);

    g_assert_cmpstr(text, ==, expected);
}

static const MdevFinding *
finding(const GPtrArray *findings, const char *subject)
{
    for (guint i = 0; i < findings->len; i++) {
        const MdevFinding *f = g_ptr_array_index((GPtrArray *) findings, i);
        if (strcmp(f->subject, subject) == 0)
            return f;
    }
    g_assert_not_reached();
}

#define assert_contains(haystack, needle)                                        \
    G_STMT_START                                                                 \
    {                                                                            \
        const char *h_ = (haystack);                                             \
        if (h_ == NULL || strstr(h_, (needle)) == NULL)                          \
            g_error("'%s' does not contain '%s'", h_ ? h_ : "(null)", (needle)); \
    }                                                                            \
    G_STMT_END

/* ----------------------------------------------------------------- cases */

/* The hosts whose findings say it all: the summary, and for one finding
 * part of its problem and of its fix, or what its fix must not say. */
typedef struct {
    const char *path;      /* the test's path */
    const char *host;      /* the host description */
    const char *summary;   /* "severity subject" per finding, one a line */
    const char *subject;   /* the finding looked into, or NULL */
    const char *problem;   /* part of its problem, or NULL */
    const char *fix;       /* part of its fix, or NULL */
    const char *fix_lacks; /* what its fix must not contain, or NULL */
} Case;

static const Case cases[] = {
    { "/doctor/healthy/samples", "example:samples.json", "", NULL, NULL, NULL, NULL },
    { "/doctor/healthy/intel-gvtg", "example:intel-gvtg.json", "", NULL, NULL, NULL, NULL },
    { "/doctor/healthy/nvidia-sriov", "example:nvidia-sriov.json", "", NULL, NULL, NULL, NULL },
    { "/doctor/iommu/off", "iommu-off.json", "error IOMMU\n", "IOMMU", "'intel_iommu=off'",
      "remove 'intel_iommu=off' from the kernel command line", NULL },
    { "/doctor/iommu/passthrough", "iommu-pt.json", "info IOMMU\n", "IOMMU",
      "passthrough mode ('iommu=pt')", NULL, NULL },
    { "/doctor/modules/missing", "modules-missing.json",
      "error vfio\nerror vfio_iommu_type1\nerror mdev\n", "vfio_iommu_type1", NULL,
      "modprobe vfio_iommu_type1", NULL },
    { "/doctor/gvt/off", "gvt-off.json", "error 0000:00:02.0\n", "0000:00:02.0", "GVT-g is off",
      "i915.enable_gvt=1", NULL },
    { "/doctor/gvt/no-kvmgt", "gvt-no-kvmgt.json", "error 0000:00:02.0\n", "0000:00:02.0", NULL,
      "modprobe kvmgt", NULL },
    { "/doctor/nvidia/no-vfs", "nvidia-no-vfs.json", "error 0000:41:00.0\n", "0000:41:00.0",
      "(32 VFs)", "sriov-manage -e 0000:41:00.0", NULL },
    { "/doctor/nvidia/vf-model-no-vfs", "example:nvidia-vf.json", "error 0000:e1:00.0\n",
      "0000:e1:00.0", "(8 VFs) but has none enabled",
      "'echo 8 > /sys/bus/pci/devices/0000:e1:00.0/sriov_numvfs'", NULL },
    { "/doctor/nvidia/daemons", "nvidia-daemons.json",
      "error nvidia-vgpu-mgr\nwarning nvidia-vgpud\n", "nvidia-vgpu-mgr", NULL,
      "run 'systemctl enable --now nvidia-vgpu-mgr.service'", NULL },
    /* without systemd there is no unit to enable */
    { "/doctor/nvidia/daemons-no-systemd", "nvidia-daemons-no-systemd.json",
      "error nvidia-vgpu-mgr\n", "nvidia-vgpu-mgr", NULL, NULL, "systemctl" },
    { "/doctor/udev/both", "udev-rules.json", "warning 60-mdevctl.rules\n", "60-mdevctl.rules",
      NULL, "ln -sf /dev/null ", NULL },
};

static void
test_case(Fixture *fx, gconstpointer data)
{
    const Case *c = data;
    g_autoptr(GPtrArray) findings = NULL;

    if (!load(fx, c->host))
        return;
    findings = check(fx, NULL);
    assert_summary(findings, c->summary);
    if (c->problem)
        assert_contains(finding(findings, c->subject)->problem, c->problem);
    if (c->fix)
        assert_contains(finding(findings, c->subject)->fix, c->fix);
    if (c->fix_lacks)
        g_assert_null(strstr(finding(findings, c->subject)->fix, c->fix_lacks));
    g_assert_cmpint(mdev_doctor_has_errors(findings), ==,
                    g_str_has_prefix(c->summary, "error ") || strstr(c->summary, "\nerror "));
}

/* A module built into the kernel is missing from /proc/modules but has its
 * /sys/module directory. */
static void
test_modules_builtin(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) findings = NULL;

    if (!load(fx, "modules-missing.json"))
        return;
    mock_sysfs_write_file(fx->sysfs, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode",
                          "N\n");
    mock_sysfs_write_file(fx->sysfs, "/sys/module/mdev/uevent", "");
    findings = check(fx, NULL);
    assert_summary(findings, "error vfio_iommu_type1\n");
}

static void
test_s390_unbound(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) findings = NULL;

    if (!load(fx, "s390-unbound.json"))
        return;
    findings = check(fx, NULL);
    /* 0.0.0053 has no definition: binding it is the admin's choice */
    assert_summary(findings, "error 0.0.0052\n"
                             "info vfio_ccw\n"
                             "warning matrix\n"
                             "warning 7e270a25-e163-4922-af60-757fc8ed48c6\n");
    assert_contains(finding(findings, "0.0.0052")->problem, "'io_subchannel'");
    assert_contains(finding(findings, "0.0.0052")->fix,
                    "driverctl -b css set-override 0.0.0052 vfio_ccw");
    assert_contains(finding(findings, "matrix")->fix, "modprobe vfio_ap");
    assert_contains(finding(findings, "7e270a25-e163-4922-af60-757fc8ed48c6")->fix,
                    "mdevtool doctor 0.0.0052");
}

static void
test_full_pools(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) findings = NULL;
    g_autoptr(GPtrArray) after = NULL;
    const MdevFinding *f;

    if (!load(fx, "full-pool.json"))
        return;
    findings = check(fx, NULL);
    assert_summary(findings, "warning nvidia-558\nwarning mtty-1\nwarning mtty-2\n");
    f = finding(findings, "nvidia-558");
    assert_contains(f->problem, "the 2 VFs of 0000:41:00.0");
    assert_contains(f->problem, "11111111-1111-4111-8111-111111111111 (nvidia-558), "
                                "22222222-2222-4222-8222-222222222222 (nvidia-558)");
    f = finding(findings, "mtty-1");
    assert_contains(f->problem, "503c922c-a10b-47e0-8a94-f67ac92bce5a (mtty-1), "
                                "ee1919f7-25e2-4b73-be23-2a2cd6c4308f (mtty-2)");
    g_assert_false(mdev_doctor_has_errors(findings));

    /* one VF and one port free again: only the dual-port type stays full */
    g_assert_cmpint(mock_host_remove_mdev(fx->host, "22222222-2222-4222-8222-222222222222"), ==, 0);
    g_assert_cmpint(mock_host_remove_mdev(fx->host, "503c922c-a10b-47e0-8a94-f67ac92bce5a"), ==, 0);
    after = check(fx, NULL);
    assert_summary(after, "warning mtty-2\n");
    f = finding(after, "mtty-2");
    assert_contains(f->problem, "held by ee1919f7-25e2-4b73-be23-2a2cd6c4308f (mtty-2)");
    g_assert_null(strstr(f->problem, "503c922c"));
}

/* A VF alone in its group is named itself. */
static void
test_full_single_vf(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) findings = NULL;
    g_autoptr(GPtrArray) by_pf = NULL;

    if (!load(fx, "nvidia-daemons-no-systemd.json"))
        return;
    g_assert_cmpint(mock_host_create_mdev(fx->host, "0000:41:00.4", "nvidia-558",
                                          "33333333-3333-4333-8333-333333333333"),
                    ==, 0);
    findings = check(fx, NULL);
    assert_summary(findings, "error nvidia-vgpu-mgr\nwarning nvidia-558\n");
    assert_contains(finding(findings, "nvidia-558")->problem,
                    "no free instance on 0000:41:00.4; its capacity is held by "
                    "33333333-3333-4333-8333-333333333333 (nvidia-558)");
    /* and found when asking about its physical function */
    by_pf = check(fx, "0000:41:00.0");
    assert_summary(by_pf, "error nvidia-vgpu-mgr\nwarning nvidia-558\n");
}

static void
test_definitions(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) findings = NULL;

    if (!load(fx, "definitions.json"))
        return;
    findings = check(fx, NULL);
    assert_summary(findings, "warning dddddddd-dddd-4ddd-8ddd-dddddddddddd\n"
                             "error aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa\n"
                             "error bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb\n");
    assert_contains(finding(findings, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")->problem,
                    "parent '0000:99:00.0' does not exist");
    assert_contains(finding(findings, "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb")->problem,
                    "type 'mtty-9', which mtty does not offer");
    assert_contains(finding(findings, "dddddddd-dddd-4ddd-8ddd-dddddddddddd")->problem,
                    "until 0.0.0054 registers");
}

/* A /dev/null link or an empty file of the same name in a directory read
 * first masks the rule, as udev does. */
static void
test_udev_masked(Fixture *fx, gconstpointer data)
{
    const char *masks[] = { "symlink", "empty" };

    if (!load(fx, "udev-rules.json"))
        return;
    for (guint i = 0; i < G_N_ELEMENTS(masks); i++) {
        g_autofree char *etc = g_build_filename(fx->state_dir, masks[i], NULL);
        g_autofree char *mask = g_build_filename(etc, "60-mdevctl.rules", NULL);
        const char *dirs[] = { etc, mock_host_get_udev_rules_dir(fx->host), NULL };
        g_autoptr(GPtrArray) findings = NULL;

        g_assert_cmpint(g_mkdir_with_parents(etc, 0755), ==, 0);
        if (i == 0)
            g_assert_cmpint(symlink("/dev/null", mask), ==, 0);
        else
            g_assert_true(g_file_set_contents(mask, "", 0, NULL));
        mdev_context_set_udev_rules_dirs(fx->ctx, dirs);
        findings = check(fx, NULL);
        assert_summary(findings, "");
    }
}

static void
test_subject_parent(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) gpu = NULL;
    g_autoptr(GPtrArray) nic = NULL;

    if (!load(fx, "gvt-off.json"))
        return;
    gpu = check(fx, "0000:00:02.0");
    assert_summary(gpu, "error 0000:00:02.0\n");
    /* a device doctor knows no reason for says so, without an error */
    nic = check(fx, "0000:00:1f.6");
    assert_summary(nic, "info 0000:00:1f.6\n");
    assert_contains(finding(nic, "0000:00:1f.6")->problem, "its driver 'e1000e'");
    g_assert_false(mdev_doctor_has_errors(nic));
}

static void
test_subject_type(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) by_name = NULL;
    g_autoptr(GPtrArray) by_id = NULL;
    g_autoptr(GPtrArray) by_vf = NULL;

    if (!load(fx, "full-pool.json"))
        return;
    by_name = check(fx, "Dual port serial");
    assert_summary(by_name, "warning mtty-2\n");
    by_id = check(fx, "nvidia-558");
    assert_summary(by_id, "warning nvidia-558\n");
    /* a VF's capacity is its physical function's */
    by_vf = check(fx, "0000:41:00.5");
    assert_summary(by_vf, "warning nvidia-558\n");
}

static void
test_subject_host_wide(Fixture *fx, gconstpointer data)
{
    g_autoptr(GPtrArray) findings = NULL;

    if (!load(fx, "modules-missing.json"))
        return;
    findings = check(fx, "mtty");
    assert_summary(findings, "error vfio\nerror vfio_iommu_type1\nerror mdev\n");
}

static void
test_subject_unknown(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) findings = NULL;

    if (!load(fx, "gvt-off.json"))
        return;
    findings = mdev_doctor_check(fx->ctx, "0000:00:03.0", &error);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND);
    g_assert_null(findings);
    assert_contains(error->message, "'0000:00:03.0'");
}

/* ------------------------------------------------------------------- CLI */

static int
run_cli(Fixture *fx, const char *const *args, char **ret_out, char **ret_err)
{
    const char *mdevtool = g_getenv("MDEVTOOL");
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_auto(GStrv) envp = g_get_environ();
    g_autoptr(GError) error = NULL;
    int status;

    g_assert_nonnull(mdevtool);
    g_ptr_array_add(argv, (gpointer) mdevtool);
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer) *a);
    g_ptr_array_add(argv, NULL);
    envp = g_environ_setenv(envp, "MDEVTOOL_CONF_DIR", fx->conf_dir, TRUE);
    envp = g_environ_setenv(envp, "MDEVTOOL_STATE_DIR", fx->state_dir, TRUE);
    envp = g_environ_setenv(envp, "MDEVTOOL_PROC_DIR", mock_host_get_proc_dir(fx->host), TRUE);
    envp = g_environ_setenv(envp, "MDEVTOOL_UDEV_RULES_DIRS",
                            mock_host_get_udev_rules_dir(fx->host), TRUE);
    g_spawn_sync(NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, ret_out, ret_err,
                 &status, &error);
    g_assert_no_error(error);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_cli_text(Fixture *fx, gconstpointer data)
{
    const char *const args[] = { "doctor", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    if (!load(fx, "nvidia-daemons.json"))
        return;
    g_assert_cmpint(run_cli(fx, args, &out, &err), ==, 1);
    g_assert_cmpstr(err, ==, "");
    g_assert_cmpstr(out, ==,
                    "error: nvidia-vgpu-mgr: the NVIDIA vGPU manager daemon is not running: "
                    "vGPUs cannot be created or started\n"
                    "  fix: run 'systemctl enable --now nvidia-vgpu-mgr.service'\n"
                    "warning: nvidia-vgpud: the NVIDIA vGPU daemon is not running: host "
                    "drivers that ship it need it to offer vGPU types\n"
                    "  fix: run 'systemctl enable --now nvidia-vgpud.service'\n");
}

/* Warnings alone are no failure. */
static void
test_cli_warnings(Fixture *fx, gconstpointer data)
{
    const char *const args[] = { "doctor", "mtty-2", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    if (!load(fx, "full-pool.json"))
        return;
    g_assert_cmpint(run_cli(fx, args, &out, &err), ==, 0);
    g_assert_cmpstr(err, ==, "");
    g_assert_true(g_str_has_prefix(out, "warning: mtty-2: type 'mtty-2' has no free instance"));
}

static void
test_cli_healthy(Fixture *fx, gconstpointer data)
{
    const char *const args[] = { "doctor", NULL };
    const char *const json_args[] = { "--json", "doctor", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *json_out = NULL;
    g_autofree char *json_err = NULL;

    if (!load(fx, "example:nvidia-sriov.json"))
        return;
    g_assert_cmpint(run_cli(fx, args, &out, &err), ==, 0);
    g_assert_cmpstr(out, ==, "No problem found.\n");
    g_assert_cmpstr(err, ==, "");
    g_assert_cmpint(run_cli(fx, json_args, &json_out, &json_err), ==, 0);
    g_assert_cmpstr(json_out, ==, "[]\n");
}

static void
test_cli_json(Fixture *fx, gconstpointer data)
{
    const char *const args[] = { "--json", "doctor", NULL };
    const char *const keys[] = { "severity", "subject", "problem", "fix" };
    const char *const severities[] = { "error", "info", "warning", "warning" };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    JsonArray *array;

    if (!load(fx, "s390-unbound.json"))
        return;
    g_assert_cmpint(run_cli(fx, args, &out, &err), ==, 1);
    g_assert_cmpstr(err, ==, "");
    json_parser_load_from_data(parser, out, -1, &error);
    g_assert_no_error(error);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(json_parser_get_root(parser)));
    array = json_node_get_array(json_parser_get_root(parser));
    g_assert_cmpuint(json_array_get_length(array), ==, G_N_ELEMENTS(severities));
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonObject *object = json_array_get_object_element(array, i);

        g_assert_cmpuint(json_object_get_size(object), ==, G_N_ELEMENTS(keys));
        for (guint k = 0; k < G_N_ELEMENTS(keys); k++) {
            JsonNode *node = json_object_get_member(object, keys[k]);
            g_assert_nonnull(node);
            g_assert_cmpint(json_node_get_value_type(node), ==, G_TYPE_STRING);
        }
        g_assert_cmpstr(json_object_get_string_member(object, "severity"), ==, severities[i]);
    }
    g_assert_cmpstr(
        json_object_get_string_member(json_array_get_object_element(array, 0), "subject"), ==,
        "0.0.0052");
}

static void
test_cli_unknown(Fixture *fx, gconstpointer data)
{
    const char *const args[] = { "doctor", "nosuchthing", NULL };
    const char *const extra[] = { "doctor", "mtty", "mtty-1", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *err2 = NULL;

    if (!load(fx, "example:samples.json"))
        return;
    g_assert_cmpint(run_cli(fx, args, &out, &err), ==, 1);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpstr(err, ==,
                    "mdevtool: error: no parent, device or mdev type named 'nosuchthing' on "
                    "this host\n");
    g_assert_cmpint(run_cli(fx, extra, &out2, &err2), ==, 2);
    g_assert_true(g_str_has_prefix(err2, "mdevtool: unexpected argument 'mtty-1'\n"));
}

static void
add(const char *path, gconstpointer data, void (*func)(Fixture *, gconstpointer))
{
    g_test_add(path, Fixture, data, fixture_setup, func, fixture_teardown);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        add(cases[i].path, &cases[i], test_case);
    add("/doctor/modules/builtin", NULL, test_modules_builtin);
    add("/doctor/s390/unbound", NULL, test_s390_unbound);
    add("/doctor/full/pools", NULL, test_full_pools);
    add("/doctor/full/single-vf", NULL, test_full_single_vf);
    add("/doctor/definitions/cannot-start", NULL, test_definitions);
    add("/doctor/udev/masked", NULL, test_udev_masked);
    add("/doctor/subject/parent", NULL, test_subject_parent);
    add("/doctor/subject/type", NULL, test_subject_type);
    add("/doctor/subject/host-wide", NULL, test_subject_host_wide);
    add("/doctor/subject/unknown", NULL, test_subject_unknown);
    add("/doctor/cli/text", NULL, test_cli_text);
    add("/doctor/cli/warnings", NULL, test_cli_warnings);
    add("/doctor/cli/healthy", NULL, test_cli_healthy);
    add("/doctor/cli/json", NULL, test_cli_json);
    add("/doctor/cli/unknown", NULL, test_cli_unknown);
    return g_test_run();
}
