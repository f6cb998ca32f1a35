/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-output.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-host.h"
#include "mdev-json-out.h"
#include "mdev-vgpu.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

/* Set once from the global options, before the command runs; the error
 * helpers have no other way to learn them. */
static struct {
    gboolean json;
    gboolean quiet;
} output_mode;

struct _MdevtoolTable {
    guint columns;
    GStrv headers;
    gsize *widths;
    GString *line;
};

/* The printable form of a cell and its width in characters, in one pass
 * over it: the text itself when it is clean (the common case, no copy),
 * else an escaped copy in @ret_copy. Every row is seen twice (measured,
 * then printed), so this is the table's inner loop. */
static const char *
cell_text(const char *cell, char **ret_copy, gsize *ret_width)
{
    const char *text = mdevtool_text_or_dash(cell);
    gboolean ascii = TRUE;
    const char *p;

    *ret_copy = NULL;
    for (p = text; *p; p++) {
        unsigned char ch = (unsigned char) *p;

        if (ch < 0x20 || ch == 0x7f) {
            *ret_copy = mdevtool_text_escape(text);
            *ret_width = g_utf8_strlen(*ret_copy, -1);
            return *ret_copy;
        }
        if (ch >= 0x80)
            ascii = FALSE;
    }
    *ret_width = ascii ? (gsize) (p - text) : (gsize) g_utf8_strlen(text, -1);
    return text;
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
        gsize w;

        cell_text(cells[c], &copy, &w);
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
        static const char spaces[] = "                                ";
        g_autofree char *copy = NULL;
        gsize width;
        const char *text = cell_text(cells[c], &copy, &width);

        g_string_append(line, text);
        if (c + 1 < table->columns) {
            gsize pad = table->widths[c] - width + 2;
            while (pad > 0) {
                gsize n = MIN(pad, sizeof(spaces) - 1);
                g_string_append_len(line, spaces, (gssize) n);
                pad -= n;
            }
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

/**
 * mdevtool_output_set_mode:
 * @json: every stderr line is a JSON object (--json)
 * @quiet: notes are not printed (--quiet); warnings and errors are
 */
void
mdevtool_output_set_mode(gboolean json, gboolean quiet)
{
    output_mode.json = json;
    output_mode.quiet = quiet;
}

gboolean
mdevtool_output_is_json(void)
{
    return output_mode.json;
}

static const char *
message_key(MdevtoolMessage kind)
{
    switch (kind) {
    case MDEVTOOL_MESSAGE_ERROR:
        return "error";
    case MDEVTOOL_MESSAGE_WARNING:
        return "warning";
    case MDEVTOOL_MESSAGE_NOTE:
    default:
        return "note";
    }
}

/**
 * mdevtool_message:
 * @kind: error, warning or note
 * @message: the message, without "mdevtool:" and without newline
 *
 * Prints one line on stderr: "mdevtool: error: MESSAGE" (or warning, or a
 * bare note); with --json the object {"error": {"message": MESSAGE}} (or
 * "warning", "note") on one line, so that a script reads stderr line by
 * line as JSON (schemas/message.schema.json).
 */
void
mdevtool_message(MdevtoolMessage kind, const char *message)
{
    if (kind == MDEVTOOL_MESSAGE_NOTE && output_mode.quiet)
        return;
    if (output_mode.json) {
        g_autoptr(MdevJsonOut) out = mdev_json_out_new(NULL, MDEV_JSON_OUT_COMPACT);
        g_autofree char *text = NULL;

        mdev_json_out_begin_object(out);
        mdev_json_out_member(out, message_key(kind));
        mdev_json_out_begin_object(out);
        mdev_json_out_add_string(out, "message", message);
        mdev_json_out_end_object(out);
        mdev_json_out_end_object(out);
        text = mdev_json_out_steal_text(out);
        /* the line in one write: commands running side by side share a
         * journal or a log file */
        fprintf(stderr, "%s\n", text);
        return;
    }
    switch (kind) {
    case MDEVTOOL_MESSAGE_ERROR:
        fprintf(stderr, _("mdevtool: error: %s\n"), message);
        break;
    case MDEVTOOL_MESSAGE_WARNING:
        fprintf(stderr, _("mdevtool: warning: %s\n"), message);
        break;
    case MDEVTOOL_MESSAGE_NOTE:
    default:
        fprintf(stderr, "mdevtool: %s\n", message);
        break;
    }
}

/**
 * mdevtool_lookup_device:
 * @cli: the CLI state
 * @uuid: an mdev
 * @parent: (nullable): its parent, when known
 * @ret_parent: (out) (transfer full) (nullable): its parent
 * @ret_type: (out) (transfer full) (nullable): its type id
 *
 * What the host and the store show of an mdev, for the report of a change
 * (mdevtool_report()): the parent, and the type by id whatever name was
 * given. When the UUID names several definitions that differ, the value
 * they differ in is @parent or %NULL. Only worth calling when a report is
 * printed (mdevtool_report_wanted()).
 */
void
mdevtool_lookup_device(MdevtoolCli *cli, const char *uuid, const char *parent, char **ret_parent,
                       char **ret_type)
{
    g_autoptr(MdevInventory) inv = NULL;
    const char *found_parent = NULL;
    const char *found_type = NULL;
    gboolean parents_differ = FALSE;
    gboolean types_differ = FALSE;

    /* the change says its own warnings: the look-up's stay unsaid */
    inv = mdev_host_scan(cli->ctx, MDEV_HOST_ALL_DEFINITIONS | MDEV_HOST_TOLERANT, parent, uuid,
                         NULL, NULL);
    for (guint i = 0; inv && i < inv->devices->len; i++) {
        const MdevDevice *d = g_ptr_array_index(inv->devices, i);

        if (i == 0) {
            found_parent = d->parent;
            found_type = d->type;
            continue;
        }
        parents_differ = parents_differ || g_strcmp0(found_parent, d->parent) != 0;
        types_differ = types_differ || g_strcmp0(found_type, d->type) != 0;
    }
    *ret_parent = g_strdup(parents_differ || found_parent == NULL ? parent : found_parent);
    *ret_type = types_differ ? NULL : g_strdup(found_type);
}

/* Whether a change is reported: as an object with --json, as a note with
 * --verbose. */
gboolean
mdevtool_report_wanted(MdevtoolCli *cli)
{
    return cli->json || cli->verbose;
}

/* The same notes for a VF vGPU definition, which lives on a card. */
static gboolean
note_vgpu_change(const char *action, const char *uuid, const char *card, int autostart)
{
    if (strcmp(action, "define") == 0)
        mdevtool_note(_("defined VF vGPU '%1$s' on card '%2$s'"), uuid, card);
    else if (strcmp(action, "start") == 0)
        mdevtool_note(_("started VF vGPU '%1$s' on card '%2$s'"), uuid, card);
    else if (strcmp(action, "undefine") == 0)
        mdevtool_note(_("removed the definition of VF vGPU '%1$s' on card '%2$s'"), uuid, card);
    else if (strcmp(action, "modify") == 0)
        mdevtool_note(_("changed the definition of VF vGPU '%1$s' on card '%2$s'"), uuid, card);
    else if (strcmp(action, "autostart") == 0 && autostart == 1)
        mdevtool_note(_("VF vGPU '%1$s' on card '%2$s' now starts with its card"), uuid, card);
    else if (strcmp(action, "autostart") == 0)
        mdevtool_note(_("VF vGPU '%1$s' on card '%2$s' now starts only when asked"), uuid, card);
    else
        return FALSE;
    return TRUE;
}

static void
note_change(const char *action, const char *uuid, const char *parent, int autostart)
{
    const char *p = mdevtool_text_or_dash(parent);

    /* only --verbose gets here: the look at the card costs nothing else */
    if (mdev_vgpu_is_card(parent) && note_vgpu_change(action, uuid, parent, autostart))
        return;
    if (strcmp(action, "create") == 0)
        mdevtool_note(_("created mdev '%1$s' on parent '%2$s'"), uuid, p);
    else if (strcmp(action, "define") == 0)
        mdevtool_note(_("defined mdev '%1$s' on parent '%2$s'"), uuid, p);
    else if (strcmp(action, "start") == 0)
        mdevtool_note(_("started mdev '%1$s' on parent '%2$s'"), uuid, p);
    else if (strcmp(action, "stop") == 0)
        mdevtool_note(_("stopped mdev '%1$s' on parent '%2$s'"), uuid, p);
    else if (strcmp(action, "undefine") == 0)
        mdevtool_note(_("removed the definition of mdev '%1$s' on parent '%2$s'"), uuid, p);
    else if (strcmp(action, "modify") == 0)
        mdevtool_note(_("changed the definition of mdev '%1$s' on parent '%2$s'"), uuid, p);
    else if (strcmp(action, "autostart") == 0 && autostart == 1)
        mdevtool_note(_("mdev '%1$s' on parent '%2$s' now starts with its parent"), uuid, p);
    else if (strcmp(action, "autostart") == 0)
        mdevtool_note(_("mdev '%1$s' on parent '%2$s' now starts only when asked"), uuid, p);
    else
        /* TRANSLATORS: %1$s is a command name such as "attach" */
        mdevtool_note(_("%1$s: done for mdev '%2$s' on parent '%3$s'"), action, uuid, p);
}

/**
 * mdevtool_report:
 * @cli: the CLI state
 * @action: the command that made the change
 * @uuid: the mdev it changed
 * @parent: (nullable): its parent
 * @type: (nullable): its type id
 * @placement: (nullable): the policy that chose @parent, when none was named
 * @autostart: the start mode the change left, or -1 when it did not touch it
 *
 * Says what a change did: with --json the object of
 * schemas/result.schema.json on stdout (every member present, null when it
 * does not apply), with --verbose a note on stderr, else nothing.
 */
void
mdevtool_report(MdevtoolCli *cli, const char *action, const char *uuid, const char *parent,
                const char *type, const char *placement, int autostart)
{
    if (cli->json)
        mdevtool_print_result(action, uuid, parent, type, NULL, placement, autostart);
    else if (cli->verbose)
        note_change(action, uuid, parent, autostart);
}

/**
 * mdevtool_print_result:
 * @action: the command that made the change
 * @uuid: the mdev it changed
 * @parent: (nullable): its parent
 * @type: (nullable): its type id
 * @host: (nullable): the URI of the host a command given hosts with -c
 *   changed; the member is left out when %NULL
 * @placement: (nullable): the policy that chose @parent
 * @autostart: the start mode the change left, or -1 when it did not touch it
 *
 * Prints the object of schemas/result.schema.json on stdout.
 */
void
mdevtool_print_result(const char *action, const char *uuid, const char *parent, const char *type,
                      const char *host, const char *placement, int autostart)
{
    g_autoptr(MdevJsonOut) out = mdev_json_out_new(stdout, MDEV_JSON_OUT_PRETTY);

    mdev_json_out_begin_object(out);
    mdev_json_out_add_string(out, "action", action);
    mdev_json_out_add_string(out, "uuid", uuid);
    mdev_json_out_add_string(out, "parent", parent);
    mdev_json_out_add_string(out, "type", type);
    if (host)
        mdev_json_out_add_string(out, "host", host);
    mdev_json_out_add_string(out, "placement", placement);
    mdev_json_out_add_bool(out, "autostart", autostart, autostart >= 0);
    mdev_json_out_end_object(out);
}

/**
 * mdevtool_print_device:
 * @uuid: (nullable): an mdev's UUID; %NULL for an NVIDIA VF vGPU
 * @address: (nullable): a VF vGPU's PCI address; left out when %NULL
 * @parent: its parent
 * @type: (nullable): its type id
 * @domain: (nullable): the domain it was given to; left out when %NULL
 *
 * Prints, on stdout, the object that names a device a command made or
 * handed over (schemas/attach.schema.json).
 */
void
mdevtool_print_device(const char *uuid, const char *address, const char *parent, const char *type,
                      const char *domain)
{
    g_autoptr(MdevJsonOut) out = mdev_json_out_new(stdout, MDEV_JSON_OUT_PRETTY);

    mdev_json_out_begin_object(out);
    mdev_json_out_add_string(out, "uuid", uuid);
    if (address)
        mdev_json_out_add_string(out, "address", address);
    mdev_json_out_add_string(out, "parent", parent);
    mdev_json_out_add_string(out, "type", type);
    if (domain)
        mdev_json_out_add_string(out, "domain", domain);
    mdev_json_out_end_object(out);
}

/**
 * mdevtool_print_xml:
 * @cli: the CLI state
 * @key: what @name is ("name", "uuid")
 * @name: what the user asked for
 * @xml: the document
 *
 * Prints an XML document as it is, or with --json wrapped in an object
 * {@key: @name, "xml": @xml} (schemas/xml.schema.json).
 */
void
mdevtool_print_xml(MdevtoolCli *cli, const char *key, const char *name, const char *xml)
{
    g_autoptr(MdevJsonOut) out = NULL;

    if (!cli->json) {
        fputs(xml, stdout);
        return;
    }
    out = mdev_json_out_new(stdout, MDEV_JSON_OUT_PRETTY);
    mdev_json_out_begin_object(out);
    mdev_json_out_add_string(out, key, name);
    mdev_json_out_add_string(out, "xml", xml);
    mdev_json_out_end_object(out);
}

/* What the scan skipped, one warning line each, after the listing. A
 * command that reads the store more than once (start-parent --all: once to
 * find the parents, once per parent) collects the same problem again: it
 * is printed once. */
void
mdevtool_print_problems(GPtrArray *problems)
{
    g_autoptr(GHashTable) printed = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; problems && i < problems->len; i++) {
        const char *problem = g_ptr_array_index(problems, i);
        g_autofree char *text = NULL;

        if (!g_hash_table_add(printed, (gpointer) problem))
            continue;
        if (output_mode.json) {
            mdevtool_message(MDEVTOOL_MESSAGE_WARNING, problem);
            continue;
        }
        text = mdevtool_text_escape(problem);
        mdevtool_message(MDEVTOOL_MESSAGE_WARNING, text);
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
