/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-json-out.h"

#include <string.h>

/* The generator's layout: a container's first element follows its opening
 * bracket on a new line, indented two spaces per level; members are
 * "key" : value; an empty array is [], an empty object { } with the
 * indentation of its own level between the braces. */

typedef struct {
    gboolean object;
    guint count;
} Container;

struct _MdevtoolJsonOut {
    FILE *stream;
    GArray *stack; /* of Container */
    char *key;     /* the member name the next value goes with */
};

MdevtoolJsonOut *
mdevtool_json_out_new(FILE *stream)
{
    MdevtoolJsonOut *out = g_new0(MdevtoolJsonOut, 1);

    out->stream = stream;
    out->stack = g_array_new(FALSE, FALSE, sizeof(Container));
    return out;
}

void
mdevtool_json_out_free(MdevtoolJsonOut *out)
{
    if (out == NULL)
        return;
    g_array_unref(out->stack);
    g_free(out->key);
    g_free(out);
}

static void
indent(MdevtoolJsonOut *out, guint level)
{
    for (guint i = 0; i < level; i++)
        fputs("  ", out->stream);
}

/* json-glib's escaping: the quote and backslash; control characters below
 * 0x1f and DEL as \b \f \n \r \t or \u00xx; 0x1f and every other byte,
 * UTF-8 or not, as it is. */
static void
put_string(MdevtoolJsonOut *out, const char *text)
{
    const char *run = text;

    fputc('"', out->stream);
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
        fwrite(run, 1, (size_t) (p - run), out->stream);
        fputs(escape, out->stream);
        run = p + 1;
    }
    fputs(run, out->stream);
    fputc('"', out->stream);
}

static void
begin_value(MdevtoolJsonOut *out)
{
    Container *top;

    if (out->stack->len == 0)
        return;
    top = &g_array_index(out->stack, Container, out->stack->len - 1);
    fputs(top->count == 0 ? "\n" : ",\n", out->stream);
    top->count++;
    indent(out, out->stack->len);
    if (top->object) {
        g_return_if_fail(out->key != NULL);
        put_string(out, out->key);
        fputs(" : ", out->stream);
        g_clear_pointer(&out->key, g_free);
    }
}

static void
begin_container(MdevtoolJsonOut *out, gboolean object)
{
    Container c = { object, 0 };

    begin_value(out);
    fputc(object ? '{' : '[', out->stream);
    g_array_append_val(out->stack, c);
}

static void
end_container(MdevtoolJsonOut *out, gboolean object)
{
    Container c;

    g_return_if_fail(out->stack->len > 0);
    c = g_array_index(out->stack, Container, out->stack->len - 1);
    g_return_if_fail(c.object == object);
    g_array_set_size(out->stack, out->stack->len - 1);
    if (c.count > 0)
        fputc('\n', out->stream);
    if (c.count > 0 || object)
        indent(out, out->stack->len);
    fputc(object ? '}' : ']', out->stream);
    /* a finished document ends with a newline, as every JSON output does */
    if (out->stack->len == 0)
        fputc('\n', out->stream);
}

void
mdevtool_json_out_begin_object(MdevtoolJsonOut *out)
{
    begin_container(out, TRUE);
}

void
mdevtool_json_out_end_object(MdevtoolJsonOut *out)
{
    end_container(out, TRUE);
}

void
mdevtool_json_out_begin_array(MdevtoolJsonOut *out)
{
    begin_container(out, FALSE);
}

void
mdevtool_json_out_end_array(MdevtoolJsonOut *out)
{
    end_container(out, FALSE);
}

void
mdevtool_json_out_member(MdevtoolJsonOut *out, const char *key)
{
    g_free(out->key);
    out->key = g_strdup(key);
}

/* Absent values are null, never an invented empty string or zero. */
void
mdevtool_json_out_string(MdevtoolJsonOut *out, const char *value)
{
    if (value == NULL) {
        mdevtool_json_out_null(out);
        return;
    }
    begin_value(out);
    put_string(out, value);
}

void
mdevtool_json_out_int(MdevtoolJsonOut *out, gint64 value)
{
    begin_value(out);
    fprintf(out->stream, "%" G_GINT64_FORMAT, value);
}

void
mdevtool_json_out_bool(MdevtoolJsonOut *out, gboolean value)
{
    begin_value(out);
    fputs(value ? "true" : "false", out->stream);
}

void
mdevtool_json_out_null(MdevtoolJsonOut *out)
{
    begin_value(out);
    fputs("null", out->stream);
}

void
mdevtool_json_out_add_string(MdevtoolJsonOut *out, const char *key, const char *value)
{
    mdevtool_json_out_member(out, key);
    mdevtool_json_out_string(out, value);
}

void
mdevtool_json_out_add_int(MdevtoolJsonOut *out, const char *key, gint64 value, gboolean present)
{
    mdevtool_json_out_member(out, key);
    if (present)
        mdevtool_json_out_int(out, value);
    else
        mdevtool_json_out_null(out);
}

void
mdevtool_json_out_add_bool(MdevtoolJsonOut *out, const char *key, gboolean value, gboolean present)
{
    mdevtool_json_out_member(out, key);
    if (present)
        mdevtool_json_out_bool(out, value);
    else
        mdevtool_json_out_null(out);
}
