/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-doctor.h"
#include "mdev-json-out.h"
#include "mdev-xml-host.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

static const char *
severity_label(MdevSeverity severity)
{
    switch (severity) {
    case MDEV_SEVERITY_ERROR:
        /* TRANSLATORS: the severity at the start of a finding of "mdevtool doctor" */
        return _("error");
    case MDEV_SEVERITY_WARNING:
        return _("warning");
    case MDEV_SEVERITY_INFO:
    default:
        return _("info");
    }
}

static void
print_text(const GPtrArray *findings)
{
    if (findings->len == 0) {
        printf("%s\n", _("No problem found."));
        return;
    }
    for (guint i = 0; i < findings->len; i++) {
        const MdevFinding *f = g_ptr_array_index((GPtrArray *) findings, i);

        printf("%s: %s: %s\n", severity_label(f->severity), f->subject, f->problem);
        if (f->fix)
            /* TRANSLATORS: the second line of a finding of "mdevtool doctor" */
            printf(_("  fix: %s\n"), f->fix);
    }
}

static void
print_json(const GPtrArray *findings)
{
    g_autoptr(MdevJsonOut) out = mdev_json_out_new(stdout, MDEV_JSON_OUT_PRETTY);

    mdev_json_out_begin_array(out);
    for (guint i = 0; i < findings->len; i++) {
        const MdevFinding *f = g_ptr_array_index((GPtrArray *) findings, i);

        mdev_json_out_begin_object(out);
        mdev_json_out_add_string(out, "severity", mdev_severity_to_string(f->severity));
        mdev_json_out_add_string(out, "subject", f->subject);
        mdev_json_out_add_string(out, "problem", f->problem);
        mdev_json_out_add_string(out, "fix", f->fix);
        mdev_json_out_end_object(out);
    }
    mdev_json_out_end_array(out);
}

MDEVTOOL_CMD(mdevtool_cmd_doctor)
{
    g_autoptr(GOptionContext) octx =
        mdevtool_option_context_new("doctor", N_("[PARENT|TYPE]"), NULL);
    g_autoptr(GPtrArray) findings = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *subject = NULL;
    int status;

    g_option_context_set_summary(
        octx, _("Say what stands between the host and working mdevs, and the fix.\n"
                "Exit status 1 when an error is found, 0 otherwise."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    /* GOption keeps a "--" that precedes a word starting with '-' */
    if (argc > 1 && strcmp(argv[1], "--") == 0) {
        argc--;
        argv++;
    }
    if (argc > 2)
        return mdevtool_usage_error("doctor", _("unexpected argument '%s'"), argv[2]);

    if (argc > 1)
        subject = mdev_xml_host_resolve_parent(cli->ctx, argv[1]);
    findings = mdev_doctor_check(cli->ctx, subject, &error);
    if (findings == NULL)
        return mdevtool_fail(error);
    if (cli->json)
        print_json(findings);
    else
        print_text(findings);
    return mdev_doctor_has_errors(findings) ? MDEVTOOL_EXIT_FAILURE : MDEVTOOL_EXIT_OK;
}
