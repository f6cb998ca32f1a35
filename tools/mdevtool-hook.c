/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libvirt qemu hook: `mdevtool hook DOMAIN OPERATION SUB-OPERATION`
 * with the domain XML on stdin, run by the script libvirt finds in
 * hooks/qemu.d/. libvirt fails the domain's start on a non-zero exit and
 * shows what the hook wrote on stderr, so a failure is one line there. For
 * `migrate begin` and `restore begin` libvirt takes anything on stdout as
 * a replacement of the domain XML: the hook never writes to stdout. */
#include "mdevtool-cmds.h"

#include "mdev-domain.h"
#include "mdev-hook.h"
#include "mdev-lock.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

/* Larger than any domain document the parser accepts, so that an oversized
 * one is refused by the parser with its message. */
#define STDIN_LIMIT (4 * 1024 * 1024 + 1)

/* Reads stdin to its end, keeping at most STDIN_LIMIT bytes: libvirt
 * writes the whole document whatever the hook does with it. */
static GString *
read_stdin(GError **error)
{
    GString *text = g_string_new(NULL);
    char buffer[65536];

    for (;;) {
        ssize_t n = read(STDIN_FILENO, buffer, sizeof(buffer));

        if (n == 0)
            break;
        if (n < 0) {
            int err = errno;
            if (err == EINTR)
                continue;
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        _("cannot read the domain XML from stdin: %s"), g_strerror(err));
            g_string_free(text, TRUE);
            return NULL;
        }
        if (text->len < STDIN_LIMIT)
            g_string_append_len(text, buffer, MIN((gsize) n, STDIN_LIMIT - text->len));
    }
    return text;
}

/* A message libvirt shows as one line, whatever names it quotes. */
static int
fail_one_line(const GError *error)
{
    g_autofree char *line = g_strdup(error->message);

    g_strdelimit(line, "\r\n", ' ');
    return mdevtool_fail_message("%s", line);
}

MDEVTOOL_CMD(mdevtool_cmd_hook)
{
    const GOptionEntry entries[] = { { NULL } };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new(
        "hook", N_("DOMAIN OPERATION SUB-OPERATION [EXTRA]"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(MdevDomain) domain = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) xml = NULL;
    const char *operation, *sub_operation;
    gboolean prepare, release;
    int status;

    g_option_context_set_summary(octx, _("Run as libvirt's qemu hook: make a domain's mdevs "
                                         "at 'prepare begin', remove them at 'release end'. "
                                         "The domain XML is read from stdin."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc < 4)
        return mdevtool_usage_error("hook", _("expected DOMAIN OPERATION SUB-OPERATION"));
    operation = argv[2];
    sub_operation = argv[3];
    prepare = strcmp(operation, "prepare") == 0 && strcmp(sub_operation, "begin") == 0;
    release = strcmp(operation, "release") == 0 && strcmp(sub_operation, "end") == 0;

    xml = read_stdin(&error);
    if (xml == NULL)
        return prepare ? fail_one_line(error) : MDEVTOOL_EXIT_OK;
    /* restore and incoming migration start the domain through the same
     * path, which calls 'prepare begin' with the final XML; every other
     * operation is none of mdevtool's business */
    if (!prepare && !release)
        return MDEVTOOL_EXIT_OK;

    /* a note about waiting for a lock would be a second line of the
     * message libvirt shows */
    mdev_lock_set_wait_func(cli->ctx, NULL, NULL);
    domain = mdev_domain_parse(xml->str, (gssize) xml->len, &error);
    if (domain == NULL)
        return fail_one_line(error);
    if (prepare && !mdev_hook_prepare(cli->ctx, domain, messages, &error))
        return fail_one_line(error);
    if (release && !mdev_hook_release(cli->ctx, domain->uuid, messages, &error))
        return fail_one_line(error);
    return MDEVTOOL_EXIT_OK;
}
