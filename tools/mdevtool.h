/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"

G_BEGIN_DECLS

/* Exit statuses of the native CLI. */
enum {
    MDEVTOOL_EXIT_OK = 0,
    MDEVTOOL_EXIT_FAILURE = 1,
    MDEVTOOL_EXIT_USAGE = 2,
};

/* State shared by every command: the global options and the library context. */
typedef struct {
    gboolean json;
    gboolean quiet;
    gboolean verbose;
    char *uri;
    /* every -c URI in order, %NULL-terminated; %NULL without -c */
    char **uris;
    MdevContext *ctx;
} MdevtoolCli;

typedef int (*MdevtoolCmdFunc)(MdevtoolCli *cli, int argc, char **argv);

typedef struct {
    const char *name;
    MdevtoolCmdFunc run;
    const char *summary;
} MdevtoolCmd;

/* One entry point per command, each in tools/mdevtool-<name>.c. */
#define MDEVTOOL_CMD(fn) int fn(MdevtoolCli *cli, int argc, char **argv)

/* Helpers for commands (tools/mdevtool-common.c). */
GOptionContext *mdevtool_option_context_new(const char *cmd, const char *params,
                                            const GOptionEntry *entries);
gboolean mdevtool_parse_options(GOptionContext *octx, int *argc, char ***argv, int *ret_status);
void mdevtool_vnote(const char *format, va_list ap) G_GNUC_PRINTF(1, 0);
int mdevtool_usage_error(const char *cmd, const char *format, ...) G_GNUC_PRINTF(2, 3);
int mdevtool_fail(const GError *error);
int mdevtool_fail_message(const char *format, ...) G_GNUC_PRINTF(1, 2);

G_END_DECLS
