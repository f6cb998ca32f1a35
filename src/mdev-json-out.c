/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-json-out.h"

#include "mdev-util.h"

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
    gboolean has_key; /* a member name is written, its value is next */
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

/* g_string_append_len() without its generality: listings append hundreds
 * of thousands of short pieces */
static inline void
put(MdevJsonOut *out, const char *text, gsize length)
{
    GString *b = out->buffer;

    if (b->len + length >= b->allocated_len) {
        gsize len = b->len;

        g_string_set_size(b, len + length);
        b->len = len;
    }
    memcpy(b->str + b->len, text, length);
    b->len += length;
    b->str[b->len] = '\0';
}

#define PUT_LITERAL(out, literal) put((out), "" literal, sizeof(literal) - 1)

static void
newline_indent(MdevJsonOut *out, guint level)
{
    static const char spaces[] = "\n                                ";

    if (out->compact)
        return;
    if (2 * level < sizeof(spaces) - 1) {
        put(out, spaces, 1 + 2 * level);
        return;
    }
    PUT_LITERAL(out, "\n");
    for (guint i = 0; i < level; i++)
        PUT_LITERAL(out, "  ");
}

/* json-glib's escaping: the quote and backslash; control characters below
 * 0x1f and DEL as \b \f \n \r \t or \u00xx; 0x1f and every other byte,
 * UTF-8 or not, as it is. */
static gboolean
is_plain(unsigned char c)
{
    return c >= 0x1f && c != 0x7f && c != '"' && c != '\\';
}

static void
put_escape(MdevJsonOut *out, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char unicode[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

    switch (c) {
    case '"':
        PUT_LITERAL(out, "\\\"");
        break;
    case '\\':
        PUT_LITERAL(out, "\\\\");
        break;
    case '\b':
        PUT_LITERAL(out, "\\b");
        break;
    case '\f':
        PUT_LITERAL(out, "\\f");
        break;
    case '\n':
        PUT_LITERAL(out, "\\n");
        break;
    case '\r':
        PUT_LITERAL(out, "\\r");
        break;
    case '\t':
        PUT_LITERAL(out, "\\t");
        break;
    default:
        put(out, unicode, sizeof(unicode));
        break;
    }
}

/* Runs of plain bytes are copied whole: a listing's strings rarely hold
 * anything to escape. */
static void
put_string(MdevJsonOut *out, const char *text)
{
    const unsigned char *p = (const unsigned char *) text;

    PUT_LITERAL(out, "\"");
    for (;;) {
        const unsigned char *run = p;

        while (*p && is_plain(*p))
            p++;
        put(out, (const char *) run, (gsize) (p - run));
        if (*p == '\0')
            break;
        put_escape(out, *p++);
    }
    PUT_LITERAL(out, "\"");
}

/* The separator and indentation before an element, or before a member's
 * name, which mdev_json_out_member() writes at once: nothing is kept for
 * the value that follows. */
static void
begin_item(MdevJsonOut *out)
{
    Container *top = &g_array_index(out->stack, Container, out->stack->len - 1);

    if (top->count > 0)
        PUT_LITERAL(out, ",");
    top->count++;
    newline_indent(out, out->stack->len);
}

static void
begin_value(MdevJsonOut *out)
{
    if (out->stack->len == 0)
        return;
    if (g_array_index(out->stack, Container, out->stack->len - 1).object) {
        g_return_if_fail(out->has_key);
        out->has_key = FALSE;
        return;
    }
    begin_item(out);
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
    g_return_if_fail(out->stack->len > 0 && !out->has_key);
    g_return_if_fail(g_array_index(out->stack, Container, out->stack->len - 1).object);
    begin_item(out);
    put_string(out, key);
    if (out->compact)
        PUT_LITERAL(out, ":");
    else
        PUT_LITERAL(out, " : ");
    out->has_key = TRUE;
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
    char text[MDEV_UTIL_INT_TEXT_SIZE];
    const char *digits = mdev_util_int_text(value, text);

    begin_value(out);
    put(out, digits, strlen(digits));
}

void
mdev_json_out_bool(MdevJsonOut *out, gboolean value)
{
    begin_value(out);
    if (value)
        PUT_LITERAL(out, "true");
    else
        PUT_LITERAL(out, "false");
}

void
mdev_json_out_null(MdevJsonOut *out)
{
    begin_value(out);
    PUT_LITERAL(out, "null");
}

void
mdev_json_out_add_string(MdevJsonOut *out, const char *key, const char *value)
{
    mdev_json_out_member(out, key);
    mdev_json_out_string(out, value);
}

/* Names the member and, when its value is absent, writes null for it:
 * TRUE when the caller still has the value to write. */
static gboolean
member_unless_absent(MdevJsonOut *out, const char *key, gboolean present)
{
    mdev_json_out_member(out, key);
    if (!present)
        mdev_json_out_null(out);
    return present;
}

void
mdev_json_out_add_int(MdevJsonOut *out, const char *key, gint64 value, gboolean present)
{
    if (member_unless_absent(out, key, present))
        mdev_json_out_int(out, value);
}

void
mdev_json_out_add_bool(MdevJsonOut *out, const char *key, gboolean value, gboolean present)
{
    if (member_unless_absent(out, key, present))
        mdev_json_out_bool(out, value);
}
