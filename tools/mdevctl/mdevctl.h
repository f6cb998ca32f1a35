/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The mdevctl-compatible front end: what runs when the binary is invoked as
 * "mdevctl" or as a name ending in "lsmdev". Its messages are mdevctl's and
 * stay untranslated, because libvirt and scripts show or match them. */

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"

G_BEGIN_DECLS

/* The mdevctl release whose output bytes the front end reproduces. */
#define MDEVCTL_COMPAT_VERSION "1.4.0"

enum {
    MDEVCTL_EXIT_OK = 0,
    MDEVCTL_EXIT_FAILURE = 1,
    MDEVCTL_EXIT_USAGE = 2,
};

/* Every option any command knows, in the order mdevctl declares them. */
typedef enum {
    MDEVCTL_OPT_UUID,
    MDEVCTL_OPT_AUTO,
    MDEVCTL_OPT_PARENT,
    MDEVCTL_OPT_TYPE,
    MDEVCTL_OPT_ADDATTR,
    MDEVCTL_OPT_DELATTR,
    MDEVCTL_OPT_INDEX,
    MDEVCTL_OPT_VALUE,
    MDEVCTL_OPT_MANUAL,
    MDEVCTL_OPT_LIVE,
    MDEVCTL_OPT_DEFINED,
    MDEVCTL_OPT_DUMPJSON,
    MDEVCTL_OPT_VERBOSE,
    MDEVCTL_OPT_JSONFILE,
    MDEVCTL_OPT_FORCE,
    MDEVCTL_OPT_LAST
} MdevctlOpt;

/* The parsed command line of one command. */
typedef struct {
    const char *command; /* "define", "list", …; borrowed */
    guint32 present;     /* 1 << MdevctlOpt for every option given */
    char *uuid;          /* canonical lowercase hyphenated */
    char *parent;
    char *type;
    char *jsonfile;
    char *addattr;
    char *value;
    guint32 index;
    char *positional; /* start-parent-mdevs PARENT */
} MdevctlArgs;

void mdevctl_args_clear(MdevctlArgs *args);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(MdevctlArgs, mdevctl_args_clear)

static inline gboolean
mdevctl_args_has(const MdevctlArgs *args, MdevctlOpt opt)
{
    return (args->present & (1u << opt)) != 0;
}

/* Parses argv (argv[0] being the program name) into @ret_args. Returns -1 when
 * a command should run, else the exit status after help, version or a usage
 * error has been printed. */
int mdevctl_args_parse(int argc, char **argv, MdevctlArgs *ret_args);

/* mdevctl's UUID syntax: hyphenated, simple, braced or urn:uuid:, any case.
 * On failure @ret_message gets the uuid crate's description of the problem. */
char *mdevctl_uuid_parse(const char *text, char **ret_message);

/* Output formats of list and types (mdevctl-format.c). */
char *mdevctl_format_types_text(const GPtrArray *parents);
char *mdevctl_format_types_json(const GPtrArray *parents);
char *mdevctl_format_list_text(const GPtrArray *devices, gboolean defined_listing,
                               gboolean verbose);
char *mdevctl_format_list_json(const GPtrArray *devices, gboolean bare);

/* Error reporting the way mdevctl does it: "Error: <message>", then the
 * cause, if any, after "Caused by:". Returns MDEVCTL_EXIT_FAILURE. */
int mdevctl_fail(const char *cause, const char *format, ...) G_GNUC_PRINTF(2, 3);
int mdevctl_fail_error(const GError *error);
void mdevctl_warn(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Helpers shared by the commands (mdevctl.c). */
char *mdevctl_read_jsonfile(const char *path, const char *what, GError **error);
void mdevctl_print_messages(GPtrArray *messages);

/* Entry point, called from main() when argv[0] asks for mdevctl. */
int mdevctl_main(int argc, char **argv);

/* The commands, one per tools/mdevctl-<name>.c. */
typedef int (*MdevctlCmdFunc)(MdevContext *ctx, const MdevctlArgs *args);
int mdevctl_cmd_define(MdevContext *ctx, const MdevctlArgs *args);
int mdevctl_cmd_undefine(MdevContext *ctx, const MdevctlArgs *args);
int mdevctl_cmd_modify(MdevContext *ctx, const MdevctlArgs *args);
int mdevctl_cmd_start(MdevContext *ctx, const MdevctlArgs *args);
int mdevctl_cmd_stop(MdevContext *ctx, const MdevctlArgs *args);
int mdevctl_cmd_list(MdevContext *ctx, const MdevctlArgs *args);
int mdevctl_cmd_types(MdevContext *ctx, const MdevctlArgs *args);
int mdevctl_cmd_start_parent_mdevs(MdevContext *ctx, const MdevctlArgs *args);

G_END_DECLS
