/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdevtool.h"

G_BEGIN_DECLS

/* Output helpers shared by the commands: aligned text tables, JSON
 * documents, the result object of a change, and every line on stderr
 * (errors, warnings, notes), in text or, with --json, as JSON. */

typedef enum {
    MDEVTOOL_MESSAGE_ERROR,
    MDEVTOOL_MESSAGE_WARNING,
    MDEVTOOL_MESSAGE_NOTE,
} MdevtoolMessage;

void mdevtool_output_set_mode(gboolean json, gboolean quiet);
gboolean mdevtool_output_is_json(void);
void mdevtool_message(MdevtoolMessage kind, const char *message);

/* A table is printed in two passes over the records, so that a listing of
 * thousands of types needs no copy of its cells: first every row is
 * measured, then the header and every row are printed. */
typedef struct _MdevtoolTable MdevtoolTable;

MdevtoolTable *mdevtool_table_new(const char *const *headers);
void mdevtool_table_free(MdevtoolTable *table);
void mdevtool_table_measure(MdevtoolTable *table, const char *const *cells);
void mdevtool_table_print_header(MdevtoolTable *table);
void mdevtool_table_print_row(MdevtoolTable *table, const char *const *cells);
void mdevtool_table_print_note(const char *line);

char *mdevtool_text_escape(const char *text);
const char *mdevtool_text_or_dash(const char *text);

gboolean mdevtool_report_wanted(MdevtoolCli *cli);
void mdevtool_lookup_device(MdevtoolCli *cli, const char *uuid, const char *parent,
                            char **ret_parent, char **ret_type);
void mdevtool_report(MdevtoolCli *cli, const char *action, const char *uuid, const char *parent,
                     const char *type, const char *placement, int autostart);
void mdevtool_print_result(const char *action, const char *uuid, const char *parent,
                           const char *type, const char *host, const char *placement,
                           int autostart);
void mdevtool_print_device(const char *uuid, const char *address, const char *parent,
                           const char *type, const char *domain);
void mdevtool_print_xml(MdevtoolCli *cli, const char *key, const char *name, const char *xml);

void mdevtool_print_problems(GPtrArray *problems);
void mdevtool_note(const char *format, ...) G_GNUC_PRINTF(1, 2);
void mdevtool_note_no_parents(void);
int mdevtool_fail_scan(MdevtoolCli *cli, const GError *error, const char *parent);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevtoolTable, mdevtool_table_free)
