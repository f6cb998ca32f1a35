/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool.h"

#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

/**
 * mdevtool_option_context_new:
 * @cmd: the command's name, used as prgname so GOption's messages name it
 * @params: (nullable): the positional parameters for the usage line
 * @entries: (nullable): the command's options
 *
 * Returns: (transfer full): an option context for one command
 */
GOptionContext *
mdevtool_option_context_new(const char *cmd, const char *params, const GOptionEntry *entries)
{
    GOptionContext *octx = g_option_context_new(params);
    g_autofree char *prgname = g_strdup_printf("mdevtool %s", cmd);

    g_set_prgname(prgname);
    g_option_context_set_translation_domain(octx, GETTEXT_PACKAGE);
    g_option_context_set_strict_posix(octx, FALSE);
    if (entries)
        g_option_context_add_main_entries(octx, entries, GETTEXT_PACKAGE);
    return octx;
}

/**
 * mdevtool_parse_options:
 * @octx: the command's option context
 * @argc: (inout): argument count, argv[0] being the command name
 * @argv: (inout): arguments
 * @ret_status: set to the exit status when parsing fails
 *
 * Returns: %TRUE when the command should go on
 */
gboolean
mdevtool_parse_options(GOptionContext *octx, int *argc, char ***argv, int *ret_status)
{
    g_autoptr(GError) error = NULL;

    if (!g_option_context_parse(octx, argc, argv, &error)) {
        *ret_status = mdevtool_usage_error(g_get_prgname() + strlen("mdevtool "), "%s",
                                           error->message);
        return FALSE;
    }
    return TRUE;
}

/**
 * mdevtool_vnote:
 * @format: printf-like message
 * @ap: its arguments
 *
 * Prints a note about a result: the line "mdevtool: <message>" on stderr
 * (nothing with --quiet).
 */
void
mdevtool_vnote(const char *format, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(format, ap);

    mdevtool_message(MDEVTOOL_MESSAGE_NOTE, msg);
}

/**
 * mdevtool_usage_error:
 * @cmd: (nullable): the command, to point at its --help
 * @format: printf-like message
 *
 * Returns: %MDEVTOOL_EXIT_USAGE, to return from the command
 */
int
mdevtool_usage_error(const char *cmd, const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    /* the text form is "mdevtool: MESSAGE" and a pointer to --help, as
     * GOption's own errors read; with --json one error object and no more */
    if (mdevtool_output_is_json()) {
        mdevtool_message(MDEVTOOL_MESSAGE_ERROR, msg);
        return MDEVTOOL_EXIT_USAGE;
    }
    fprintf(stderr, "mdevtool: %s\n", msg);
    if (cmd && *cmd)
        fprintf(stderr, _("Try \"mdevtool %s --help\" for more information.\n"), cmd);
    else
        fprintf(stderr, _("Try \"mdevtool --help\" for more information.\n"));
    return MDEVTOOL_EXIT_USAGE;
}

/**
 * mdevtool_fail:
 * @error: what went wrong
 *
 * Prints the one-line error and returns %MDEVTOOL_EXIT_FAILURE.
 */
int
mdevtool_fail(const GError *error)
{
    mdevtool_message(MDEVTOOL_MESSAGE_ERROR, error->message);
    return MDEVTOOL_EXIT_FAILURE;
}

int
mdevtool_fail_message(const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    mdevtool_message(MDEVTOOL_MESSAGE_ERROR, msg);
    return MDEVTOOL_EXIT_FAILURE;
}
