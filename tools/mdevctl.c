/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Dispatch and error reporting of the mdevctl-compatible front end. */
#include "mdevctl.h"

#include "mdev-error.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    MdevctlCmdFunc run;
} Dispatch;

static const Dispatch dispatch[] = {
    { "define", NULL },
    { "undefine", NULL },
    { "modify", NULL },
    { "start", NULL },
    { "stop", NULL },
    { "list", mdevctl_cmd_list },
    { "types", mdevctl_cmd_types },
    { "start-parent-mdevs", NULL },
};

/* mdevctl prints errors through anyhow: the message, then the chain of
 * causes. Only the first line is what libvirt and most scripts show. */
int
mdevctl_fail(const char *cause, const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    fprintf(stderr, "Error: %s\n", msg);
    if (cause && *cause)
        fprintf(stderr, "\nCaused by:\n    %s\n", cause);
    return MDEVCTL_EXIT_FAILURE;
}

int
mdevctl_fail_error(const GError *error)
{
    return mdevctl_fail(NULL, "%s", error->message);
}

static gboolean
warnings_enabled(void)
{
    const char *filter = g_getenv("MDEVCTL_LOG");

    if (filter == NULL || *filter == '\0')
        return TRUE;
    return !(g_ascii_strcasecmp(filter, "off") == 0 || g_ascii_strcasecmp(filter, "error") == 0);
}

/* Warnings in env_logger's layout, which is what mdevctl's users see. */
void
mdevctl_warn(const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *stamp = NULL;

    if (!warnings_enabled())
        return;
    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    now = g_date_time_new_now_utc();
    stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    fprintf(stderr, "[%s WARN  mdevctl] %s\n", stamp, msg);
}

int
mdevctl_main(int argc, char **argv)
{
    g_auto(MdevctlArgs) args = { 0 };
    g_autoptr(MdevContext) ctx = NULL;
    int status;

    status = mdevctl_args_parse(argc, argv, &args);
    if (status >= 0)
        return status;

    ctx = mdev_context_new();
    for (gsize i = 0; i < G_N_ELEMENTS(dispatch); i++) {
        if (strcmp(dispatch[i].name, args.command) != 0)
            continue;
        if (dispatch[i].run == NULL)
            return mdevctl_fail(NULL, "The command '%s' is not available in this build",
                                args.command);
        return dispatch[i].run(ctx, &args);
    }
    g_assert_not_reached();
}
