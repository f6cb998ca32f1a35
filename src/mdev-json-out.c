/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-json-out.h"

#include <string.h>

/* The generator's layout: a container's first element follows its opening
 * bracket on a new line, indented two spaces per level; members are
 * "key" : value; an empty array is [], an empty object { } with the
 * indentation of its own level between the braces. Compact: no newline,
 * no indentation, "key":value, {} for an empty object. */

/* Text collects in the buffer and goes to the stream in pieces of about
 * this size, so that a long listing needs neither a tree nor the whole
 * document in memory. */
#define FLUSH_SIZE 8192

typedef struct {
    gboolean object;
    guint count;
} Container;

struct _MdevJsonOut {
    FILE *stream; /* NULL: the text stays in @buffer */
    GString *buffer;
    gboolean compact;
    GArray *stack; /* of Container */
    char *key;     /* the member name the next value goes with */
};

/**
 * mdev_json_out_new:
 * @stream: (nullable): where the document goes; %NULL keeps it in memory
 *   for mdev_json_out_steal_text()
 * @flags: the layout
 *
 * Returns: (transfer full): a writer for one document
 */
MdevJsonOut *
mdev_json_out_new(FILE *stream, MdevJsonOutFlags flags)
{
    MdevJsonOut *out = g_new0(MdevJsonOut, 1);

    out->stream = stream;
    out->buffer = g_string_sized_new(stream ? FLUSH_SIZE + 256 : 256);
    out->compact = (flags & MDEV_JSON_OUT_COMPACT) != 0;
    out->stack = g_array_new(FALSE, FALSE, sizeof(Container));
    return out;
}

static void
flush(MdevJsonOut *out)
{
    if (out->stream == NULL || out->buffer->len == 0)
        return;
    fwrite(out->buffer->str, 1, out->buffer->len, out->stream);
    g_string_truncate(out->buffer, 0);
}

/**
 * mdev_json_out_free:
 * @out: (nullable): a writer
 *
 * Writes what is still buffered to the stream and frees the writer.
 */
void
mdev_json_out_free(MdevJsonOut *out)
{
    if (out == NULL)
        return;
    flush(out);
    g_string_free(out->buffer, TRUE);
    g_array_unref(out->stack);
    g_free(out->key);
    g_free(out);
}

/**
 * mdev_json_out_steal_text:
 * @out: a writer made without a stream
 *
 * Returns: (transfer full): the document written so far; the writer is
 *   left empty
 */
char *
mdev_json_out_steal_text(MdevJsonOut *out)
{
    char *text;

    g_return_val_if_fail(out->stream == NULL, NULL);
    text = g_string_free(out->buffer, FALSE);
    out->buffer = g_string_sized_new(256);
    return text;
}

static void
newline_indent(MdevJsonOut *out, guint level)
{
    if (out->compact)
        return;
    g_string_append_c(out->buffer, '\n');
    for (guint i = 0; i < level; i++)
        g_string_append(out->buffer, "  ");
}

/* json-glib's escaping: the quote and backslash; control characters below
 * 0x1f and DEL as \b \f \n \r \t or \u00xx; 0x1f and every other byte,
 * UTF-8 or not, as it is. */
static void
put_string(MdevJsonOut *out, const char *text)
{
    const char *run = text;

    g_string_append_c(out->buffer, '"');
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char) *p;
        const char *escape;
        char unicode[8];

        switch (c) {
        case '"':
            escape = "\\\"";
            break;
        case '\\':
            escape = "\\\\";
            break;
        case '\b':
            escape = "\\b";
            break;
        case '\f':
            escape = "\\f";
            break;
        case '\n':
            escape = "\\n";
            break;
        case '\r':
            escape = "\\r";
            break;
        case '\t':
            escape = "\\t";
            break;
        default:
            if (c >= 0x1f && c != 0x7f)
                continue;
            g_snprintf(unicode, sizeof(unicode), "\\u00%.2x", c);
            escape = unicode;
            break;
        }
        g_string_append_len(out->buffer, run, p - run);
        g_string_append(out->buffer, escape);
        run = p + 1;
    }
    g_string_append(out->buffer, run);
    g_string_append_c(out->buffer, '"');
}

static void
begin_value(MdevJsonOut *out)
{
    Container *top;

    if (out->stack->len == 0)
        return;
    top = &g_array_index(out->stack, Container, out->stack->len - 1);
    if (top->count > 0)
        g_string_append_c(out->buffer, ',');
    top->count++;
    newline_indent(out, out->stack->len);
    if (top->object) {
        g_return_if_fail(out->key != NULL);
        put_string(out, out->key);
        g_string_append(out->buffer, out->compact ? ":" : " : ");
        g_clear_pointer(&out->key, g_free);
    }
}

static void
begin_container(MdevJsonOut *out, gboolean object)
{
    Container c = { object, 0 };

    begin_value(out);
    g_string_append_c(out->buffer, object ? '{' : '[');
    g_array_append_val(out->stack, c);
}

static void
end_container(MdevJsonOut *out, gboolean object)
{
    Container c;

    g_return_if_fail(out->stack->len > 0);
    c = g_array_index(out->stack, Container, out->stack->len - 1);
    g_return_if_fail(c.object == object);
    g_array_set_size(out->stack, out->stack->len - 1);
    if (c.count > 0)
        newline_indent(out, out->stack->len);
    else if (object && !out->compact) {
        /* the generator's empty object holds its level's indentation */
        for (guint i = 0; i < out->stack->len; i++)
            g_string_append(out->buffer, "  ");
    }
    g_string_append_c(out->buffer, object ? '}' : ']');
    /* a finished pretty document ends with a newline, as every listing does */
    if (out->stack->len == 0 && !out->compact)
        g_string_append_c(out->buffer, '\n');
    if (out->buffer->len >= FLUSH_SIZE || out->stack->len == 0)
        flush(out);
}

void
mdev_json_out_begin_object(MdevJsonOut *out)
{
    begin_container(out, TRUE);
}

void
mdev_json_out_end_object(MdevJsonOut *out)
{
    end_container(out, TRUE);
}

void
mdev_json_out_begin_array(MdevJsonOut *out)
{
    begin_container(out, FALSE);
}

void
mdev_json_out_end_array(MdevJsonOut *out)
{
    end_container(out, FALSE);
}

void
mdev_json_out_member(MdevJsonOut *out, const char *key)
{
    g_free(out->key);
    out->key = g_strdup(key);
}

/* Absent values are null, never an invented empty string or zero. */
void
mdev_json_out_string(MdevJsonOut *out, const char *value)
{
    if (value == NULL) {
        mdev_json_out_null(out);
        return;
    }
    begin_value(out);
    put_string(out, value);
}

void
mdev_json_out_int(MdevJsonOut *out, gint64 value)
{
    begin_value(out);
    g_string_append_printf(out->buffer, "%" G_GINT64_FORMAT, value);
}

void
mdev_json_out_bool(MdevJsonOut *out, gboolean value)
{
    begin_value(out);
    g_string_append(out->buffer, value ? "true" : "false");
}

void
mdev_json_out_null(MdevJsonOut *out)
{
    begin_value(out);
    g_string_append(out->buffer, "null");
}

void
mdev_json_out_add_string(MdevJsonOut *out, const char *key, const char *value)
{
    mdev_json_out_member(out, key);
    mdev_json_out_string(out, value);
}

void
mdev_json_out_add_int(MdevJsonOut *out, const char *key, gint64 value, gboolean present)
{
    mdev_json_out_member(out, key);
    if (present)
        mdev_json_out_int(out, value);
    else
        mdev_json_out_null(out);
}

void
mdev_json_out_add_bool(MdevJsonOut *out, const char *key, gboolean value, gboolean present)
{
    mdev_json_out_member(out, key);
    if (present)
        mdev_json_out_bool(out, value);
    else
        mdev_json_out_null(out);
}
