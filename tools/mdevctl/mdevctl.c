/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Dispatch and error reporting of the mdevctl-compatible front end. */
#include "mdevctl.h"

#include "mdev-error.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    MdevctlCmdFunc run;
} Dispatch;

static const Dispatch dispatch[] = {
    { "define", mdevctl_cmd_define }, { "undefine", mdevctl_cmd_undefine },
    { "modify", mdevctl_cmd_modify }, { "start", mdevctl_cmd_start },
    { "stop", mdevctl_cmd_stop },     { "list", mdevctl_cmd_list },
    { "types", mdevctl_cmd_types },   { "start-parent-mdevs", mdevctl_cmd_start_parent_mdevs },
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

/* A callout script's failure in current mdevctl's words; the library's
 * sentence, which says which event failed, follows as the cause. */
static int
fail_callout(const GError *error)
{
    g_autoptr(GRegex) regex = g_regex_new("^callout script '(.+)' failed the '[a-z]+' event "
                                          "of '[a-z]+' with exit status ([0-9]+)$",
                                          G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
    g_autoptr(GMatchInfo) match = NULL;
    g_autofree char *path = NULL;
    g_autofree char *status = NULL;

    if (!g_regex_match(regex, error->message, G_REGEX_MATCH_DEFAULT, &match))
        return mdevctl_fail(NULL, "%s", error->message);
    path = g_match_info_fetch(match, 1);
    status = g_match_info_fetch(match, 2);
    return mdevctl_fail(error->message, "Script '\"%s\"' failed with status '%s'", path, status);
}

int
mdevctl_fail_error(const GError *error)
{
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_CALLOUT))
        return fail_callout(error);
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

/* A message with a cause, laid out the way mdevctl_fail_error() prints a
 * chain: the first line stays the message alone. */
static void set_error_caused(GError **error, const char *cause, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static void
set_error_caused(GError **error, const char *cause, const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED, "%s\n\nCaused by:\n    %s", msg, cause);
}

/* Rust's io::Error text, which mdevctl prints as causes. */
static char *
os_error(int err)
{
    return g_strdup_printf("%s (os error %d)", g_strerror(err), err);
}

/* Reads a --jsonfile; /dev/stdin is what libvirt passes. */
char *
mdevctl_read_jsonfile(const char *path, const char *what, GError **error)
{
    g_autoptr(GString) text = g_string_new(NULL);
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        int err = errno;
        g_autofree char *cause = os_error(err);
        set_error_caused(error, cause, "Unable to read %s \"%s\"", what, path);
        return NULL;
    }
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            g_autofree char *cause = os_error(err);
            close(fd);
            set_error_caused(error, cause, "Unable to read %s \"%s\"", what, path);
            return NULL;
        }
        if (n == 0)
            break;
        if (text->len + (gsize) n > 1024 * 1024) {
            close(fd);
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, "%s \"%s\" is too large",
                        what, path);
            return NULL;
        }
        g_string_append_len(text, buf, n);
    }
    close(fd);
    if (memchr(text->str, '\0', text->len)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, "%s \"%s\" contains a NUL byte",
                    what, path);
        return NULL;
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

/* Callout scripts' stderr lines and the library's warnings, as mdevctl
 * shows them. */
void
mdevctl_print_messages(GPtrArray *messages)
{
    for (guint i = 0; messages && i < messages->len; i++)
        fprintf(stderr, "%s\n", (const char *) g_ptr_array_index(messages, i));
    if (messages)
        g_ptr_array_set_size(messages, 0);
}

int
mdevctl_main(int argc, char **argv)
{
    g_auto(MdevctlArgs) args = { 0 };
    g_autoptr(MdevContext) ctx = NULL;
    g_autofree char *prgname = NULL;
    int status;

    /* stdout carries only mdevctl's output (libvirt parses it): debug
     * messages, when enabled, go to stderr */
    g_log_writer_default_set_use_stderr(TRUE);
    status = mdevctl_args_parse(argc, argv, &args);
    if (status >= 0)
        return status;
    /* the lock records it: a waiter names the holder by it */
    prgname = g_strdup_printf("mdevctl %s", args.command);
    g_set_prgname(prgname);

    ctx = mdev_context_new();
    mdev_context_set_force_callouts(ctx, mdevctl_args_has(&args, MDEVCTL_OPT_FORCE));
    for (gsize i = 0; i < G_N_ELEMENTS(dispatch); i++) {
        if (strcmp(dispatch[i].name, args.command) == 0)
            return dispatch[i].run(ctx, &args);
    }
    g_assert_not_reached();
}
