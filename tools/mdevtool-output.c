/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-output.h"

#include "mdev-discovery.h"
#include "mdev-error.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

struct _MdevtoolTable {
    guint columns;
    GStrv headers;
    gsize *widths;
    GString *line;
};

static gboolean
needs_escape(const char *text)
{
    for (const char *p = text; *p; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f)
            return TRUE;
    }
    return FALSE;
}

/* The printable form of a cell: the text itself when it is clean (the
 * common case, no copy), else an escaped copy in @ret_copy. */
static const char *
cell_text(const char *cell, char **ret_copy)
{
    const char *text = mdevtool_text_or_dash(cell);

    *ret_copy = NULL;
    if (!needs_escape(text))
        return text;
    *ret_copy = mdevtool_text_escape(text);
    return *ret_copy;
}

static gsize
text_width(const char *text)
{
    for (const char *p = text; *p; p++) {
        if ((unsigned char) *p >= 0x80)
            return g_utf8_strlen(text, -1);
    }
    return strlen(text);
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

    table->headers = g_strdupv((GStrv) headers);
    table->columns = g_strv_length(table->headers);
    table->widths = g_new0(gsize, table->columns);
    table->line = g_string_sized_new(256);
    mdevtool_table_measure(table, headers);
    return table;
}

void
mdevtool_table_free(MdevtoolTable *table)
{
    if (table == NULL)
        return;
    g_strfreev(table->headers);
    g_free(table->widths);
    g_string_free(table->line, TRUE);
    g_free(table);
}

/* First pass: cells has one entry per column; NULL cells print as "-". */
void
mdevtool_table_measure(MdevtoolTable *table, const char *const *cells)
{
    for (guint c = 0; c < table->columns; c++) {
        g_autofree char *copy = NULL;
        gsize w = text_width(cell_text(cells[c], &copy));
        table->widths[c] = MAX(table->widths[c], w);
    }
}

void
mdevtool_table_print_header(MdevtoolTable *table)
{
    mdevtool_table_print_row(table, (const char *const *) table->headers);
}

/* Second pass, in the same order. */
void
mdevtool_table_print_row(MdevtoolTable *table, const char *const *cells)
{
    GString *line = table->line;

    g_string_truncate(line, 0);
    for (guint c = 0; c < table->columns; c++) {
        g_autofree char *copy = NULL;
        const char *text = cell_text(cells[c], &copy);

        g_string_append(line, text);
        if (c + 1 < table->columns) {
            gsize pad = table->widths[c] - text_width(text) + 2;
            for (gsize i = 0; i < pad; i++)
                g_string_append_c(line, ' ');
        }
    }
    g_string_append_c(line, '\n');
    fwrite(line->str, 1, line->len, stdout);
}

/* A free-form line below a row (escaped). */
void
mdevtool_table_print_note(const char *line)
{
    g_autofree char *text = mdevtool_text_escape(line);

    printf("%s\n", text);
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

    va_start(ap, format);
    mdevtool_vnote(format, ap);
    va_end(ap);
}

/* Said by the listings of parents and of types when there is none. */
void
mdevtool_note_no_parents(void)
{
    mdevtool_note(_("no mdev parent is registered on this host "
                    "(/sys/class/mdev_bus is empty or absent)"));
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
