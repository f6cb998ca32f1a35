/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-output.h"

#include "mdev-discovery.h"
#include "mdev-error.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    GPtrArray *cells; /* char *, escaped */
    GPtrArray *notes; /* char *, lines printed below the row */
} Row;

struct _MdevtoolTable {
    guint columns;
    GPtrArray *rows; /* Row *; the first one is the header */
};

static void
row_free(Row *row)
{
    g_ptr_array_unref(row->cells);
    g_clear_pointer(&row->notes, g_ptr_array_unref);
    g_free(row);
}

static Row *
row_new(const char *const *cells, guint columns)
{
    Row *row = g_new0(Row, 1);

    row->cells = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < columns; i++)
        g_ptr_array_add(row->cells, mdevtool_text_escape(mdevtool_text_or_dash(cells[i])));
    return row;
}

/**
 * mdevtool_table_new:
 * @headers: %NULL-terminated column headers
 *
 * Returns: (transfer full): a table whose columns are aligned on printing
 */
MdevtoolTable *
mdevtool_table_new(const char *const *headers)
{
    MdevtoolTable *table = g_new0(MdevtoolTable, 1);

    table->columns = g_strv_length((GStrv) headers);
    table->rows = g_ptr_array_new_with_free_func((GDestroyNotify) row_free);
    g_ptr_array_add(table->rows, row_new(headers, table->columns));
    return table;
}

void
mdevtool_table_free(MdevtoolTable *table)
{
    if (table == NULL)
        return;
    g_ptr_array_unref(table->rows);
    g_free(table);
}

/* cells: one per column; NULL cells print as "-" */
void
mdevtool_table_add_row(MdevtoolTable *table, const char *const *cells)
{
    g_ptr_array_add(table->rows, row_new(cells, table->columns));
}

/* A free-form line below the last row (escaped, printed as given). */
void
mdevtool_table_add_note(MdevtoolTable *table, const char *line)
{
    Row *row = g_ptr_array_index(table->rows, table->rows->len - 1);

    if (row->notes == NULL)
        row->notes = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(row->notes, mdevtool_text_escape(line));
}

void
mdevtool_table_print(MdevtoolTable *table)
{
    g_autofree gsize *widths = g_new0(gsize, table->columns);
    g_autoptr(GString) line = g_string_new(NULL);

    for (guint r = 0; r < table->rows->len; r++) {
        Row *row = g_ptr_array_index(table->rows, r);
        for (guint c = 0; c < table->columns; c++) {
            gsize w = g_utf8_strlen(g_ptr_array_index(row->cells, c), -1);
            widths[c] = MAX(widths[c], w);
        }
    }
    for (guint r = 0; r < table->rows->len; r++) {
        Row *row = g_ptr_array_index(table->rows, r);
        g_string_truncate(line, 0);
        for (guint c = 0; c < table->columns; c++) {
            const char *cell = g_ptr_array_index(row->cells, c);
            g_string_append(line, cell);
            if (c + 1 < table->columns) {
                gsize pad = widths[c] - g_utf8_strlen(cell, -1) + 2;
                for (gsize i = 0; i < pad; i++)
                    g_string_append_c(line, ' ');
            }
        }
        g_string_append_c(line, '\n');
        fputs(line->str, stdout);
        for (guint n = 0; row->notes && n < row->notes->len; n++)
            printf("%s\n", (const char *) g_ptr_array_index(row->notes, n));
    }
}

const char *
mdevtool_text_or_dash(const char *text)
{
    return text && *text ? text : "-";
}

/**
 * mdevtool_text_escape:
 * @text: a value read from sysfs or a definition
 *
 * Text output must not let a value forge lines or terminal sequences: line
 * breaks become ", " (multi-line type descriptions read as one line) and
 * other control characters are shown as \xNN.
 *
 * Returns: (transfer full): printable text
 */
char *
mdevtool_text_escape(const char *text)
{
    GString *out = g_string_sized_new(strlen(text));
    const char *p = text;

    while (*p) {
        if (*p == '\n') {
            while (p[1] == '\n')
                p++;
            if (p[1] != '\0')
                g_string_append(out, ", ");
        } else if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            g_string_append_printf(out, "\\x%02x", (unsigned char) *p);
        } else {
            g_string_append_c(out, *p);
        }
        p++;
    }
    return g_string_free(out, FALSE);
}

/* Prints the document with two-space indentation and a final newline. */
void
mdevtool_json_print(JsonBuilder *builder)
{
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *text = NULL;

    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

/* Absent values are null, never an invented empty string or zero. */
void
mdevtool_json_add_string(JsonBuilder *builder, const char *key, const char *value)
{
    json_builder_set_member_name(builder, key);
    if (value)
        json_builder_add_string_value(builder, value);
    else
        json_builder_add_null_value(builder);
}

void
mdevtool_json_add_int(JsonBuilder *builder, const char *key, gint64 value, gboolean present)
{
    json_builder_set_member_name(builder, key);
    if (present)
        json_builder_add_int_value(builder, value);
    else
        json_builder_add_null_value(builder);
}

void
mdevtool_json_add_bool(JsonBuilder *builder, const char *key, gboolean value, gboolean present)
{
    json_builder_set_member_name(builder, key);
    if (present)
        json_builder_add_boolean_value(builder, value);
    else
        json_builder_add_null_value(builder);
}

/* What the scan skipped, one warning line each, after the listing. */
void
mdevtool_print_problems(GPtrArray *problems)
{
    for (guint i = 0; problems && i < problems->len; i++) {
        g_autofree char *text = mdevtool_text_escape(g_ptr_array_index(problems, i));
        fprintf(stderr, _("mdevtool: warning: %s\n"), text);
    }
}

/* A statement about the result (such as an empty host) on stderr, so that
 * stdout carries only the listing. */
void
mdevtool_note(const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    fprintf(stderr, "mdevtool: %s\n", msg);
}

/**
 * mdevtool_fail_scan:
 * @cli: the CLI state
 * @error: the scan's error
 * @parent: (nullable): the parent the user named
 *
 * Reports a failed scan; an unknown parent gets a hint when a registered
 * parent's name differs only in case or by a missing PCI domain.
 *
 * Returns: %MDEVTOOL_EXIT_FAILURE
 */
int
mdevtool_fail_scan(MdevtoolCli *cli, const GError *error, const char *parent)
{
    g_autofree char *similar = NULL;

    if (parent && g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
        similar = mdev_discovery_find_similar_parent(cli->ctx, parent);
    if (similar)
        return mdevtool_fail_message(_("no mdev parent '%1$s'; did you mean '%2$s'?"), parent,
                                     similar);
    return mdevtool_fail(error);
}
