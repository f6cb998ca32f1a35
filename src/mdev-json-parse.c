/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-json-parse.h"

#include "mdev-error.h"
#include "mdev-json.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

/*
 * A strict RFC 8259 reader for the small documents mdevtool reads by the
 * thousand (a definition is 100-200 bytes): one pass, no recursion, no
 * allocation per node. The tree is laid out in document order in one array,
 * so that the first child of a container is the node after it and a sibling
 * is found by a stored distance, and every string and number is copied,
 * NUL-terminated, into one buffer sized before parsing: a document's
 * unescaped strings and numbers never need more bytes than the text has,
 * plus one for the NUL after a number that ends the text. Node pointers
 * handed out therefore stay valid as long as the document.
 */

struct _MdevJsonNode {
    const char *key;  /* the member name, for a value inside an object */
    const char *text; /* a string's value or a number's text */
    guint32 type;     /* MdevJsonType */
    guint32 size;     /* the elements or members of a container */
    guint32 next;     /* how many nodes on the next sibling is; 0: none */
    guint32 integer;  /* a number without fraction and exponent */
};

struct _MdevJsonDoc {
    GArray *nodes;   /* of MdevJsonNode, in document order; empty unless parsed */
    char *strings;   /* the strings and numbers of the nodes */
    gsize allocated; /* bytes allocated for @strings */
};

/* Up to this many members, a new key is compared with each earlier one;
 * beyond, an object's keys go into a hash table, so that a document with a
 * huge object cannot make the duplicate check quadratic. */
#define FEW_KEYS 16

/* One open array or object. */
typedef struct {
    guint32 node;     /* its index in the nodes */
    guint32 last;     /* its last child's index, or NO_CHILD */
    gboolean object;  /* an object, else an array */
    GHashTable *keys; /* an object's keys, once it has more than FEW_KEYS */
} Frame;

#define NO_CHILD G_MAXUINT32

typedef struct {
    const char *text;
    const char *p; /* the next byte to read */
    const char *end;
    MdevJsonDoc *doc;
    char *out;       /* the next free byte of doc->strings */
    const char *key; /* the name of the member whose value comes next */
    guint depth;
    Frame stack[MDEV_JSON_MAX_DEPTH];
    GError **error;
} Parser;

/* What a step of the parser leaves to do next. */
typedef enum {
    STEP_FAILED,
    STEP_VALUE,    /* a value starts at ps->p */
    STEP_COMPLETE, /* a value ended just before ps->p */
    STEP_DONE,     /* the document ended */
} Step;

static Step fail(Parser *ps, const char *format, ...) G_GNUC_PRINTF(2, 3);

static Step
fail(Parser *ps, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error_literal(ps->error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, message);
    return STEP_FAILED;
}

static gulong
offset(const Parser *ps, const char *at)
{
    return (gulong) (at - ps->text);
}

static inline gboolean
is_digit(char c)
{
    return (unsigned char) (c - '0') < 10;
}

static inline void
skip_space(Parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

static MdevJsonNode *
node_at(const Parser *ps, guint32 index)
{
    return &g_array_index(ps->doc->nodes, MdevJsonNode, index);
}

/* Appends a node as the next child of the innermost open container. */
static MdevJsonNode *
add_node(Parser *ps, MdevJsonType type)
{
    guint32 index = ps->doc->nodes->len;
    MdevJsonNode *node;

    g_array_set_size(ps->doc->nodes, index + 1);
    node = node_at(ps, index);
    node->key = ps->key;
    node->text = NULL;
    node->type = type;
    node->size = 0;
    node->next = 0;
    node->integer = FALSE;
    ps->key = NULL;
    if (ps->depth > 0) {
        Frame *frame = &ps->stack[ps->depth - 1];

        if (frame->last != NO_CHILD)
            node_at(ps, frame->last)->next = index - frame->last;
        frame->last = index;
        node_at(ps, frame->node)->size++;
    }
    return node;
}

/* The escape at @s (the backslash) as one or two UTF-16 units: returns the
 * character, or -1 with the error set; *@len is the escape's length. */
static gint32
unescape_unicode(Parser *ps, const char *s, guint *len)
{
    gint32 unit = 0;
    gint32 low = 0;

    for (guint i = 2; i < 6; i++) {
        int digit = s + i < ps->end ? g_ascii_xdigit_value(s[i]) : -1;

        if (digit < 0) {
            fail(ps, _("not valid JSON: an invalid escape sequence at byte %lu"), offset(ps, s));
            return -1;
        }
        unit = unit * 16 + digit;
    }
    *len = 6;
    if (unit == 0) {
        /* a C string would end there, silently losing the rest */
        fail(ps, _("not valid JSON: a NUL character (\\u0000) inside a string at byte %lu"),
             offset(ps, s));
        return -1;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
        fail(ps, _("not valid JSON: a UTF-16 low surrogate without a high one at byte %lu"),
             offset(ps, s));
        return -1;
    }
    if (unit < 0xd800 || unit > 0xdbff)
        return unit;
    if (ps->end - s >= 12 && s[6] == '\\' && s[7] == 'u') {
        for (guint i = 8; i < 12; i++) {
            int digit = g_ascii_xdigit_value(s[i]);

            if (digit < 0) {
                low = -1;
                break;
            }
            low = low * 16 + digit;
        }
    }
    if (low < 0xdc00 || low > 0xdfff) {
        fail(ps, _("not valid JSON: a UTF-16 high surrogate without a low one at byte %lu"),
             offset(ps, s));
        return -1;
    }
    *len = 12;
    return 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
}

/* Decodes the escape at @s (the backslash) to ps->out; returns the byte
 * after it, or NULL with the error set. */
static const char *
unescape(Parser *ps, const char *s)
{
    gint32 c;
    guint len;

    if (s + 1 < ps->end) {
        switch (s[1]) {
        case '"':
        case '\\':
        case '/':
            *ps->out++ = s[1];
            return s + 2;
        case 'b':
            *ps->out++ = '\b';
            return s + 2;
        case 'f':
            *ps->out++ = '\f';
            return s + 2;
        case 'n':
            *ps->out++ = '\n';
            return s + 2;
        case 'r':
            *ps->out++ = '\r';
            return s + 2;
        case 't':
            *ps->out++ = '\t';
            return s + 2;
        case 'u':
            c = unescape_unicode(ps, s, &len);
            if (c < 0)
                return NULL;
            ps->out += g_unichar_to_utf8((gunichar) c, ps->out);
            return s + len;
        default:
            break;
        }
    }
    fail(ps, _("not valid JSON: an invalid escape sequence at byte %lu"), offset(ps, s));
    return NULL;
}

/* The string starting at ps->p (its opening quote), unescaped into the
 * strings; returns it, or NULL with the error set. The text is valid UTF-8
 * already, so bytes from 0x80 up are copied as they are. */
static const char *
read_string(Parser *ps)
{
    const char *s = ps->p + 1;
    const char *end = ps->end;
    char *start = ps->out;

    for (;;) {
        while (s < end && *s != '"' && *s != '\\' && (unsigned char) *s >= 0x20)
            *ps->out++ = *s++;
        if (s == end) {
            fail(ps, _("not valid JSON: an unterminated string at byte %lu"), offset(ps, end));
            return NULL;
        }
        if (*s == '"')
            break;
        if (*s != '\\') {
            fail(ps, _("not valid JSON: a control character inside a string at byte %lu"),
                 offset(ps, s));
            return NULL;
        }
        s = unescape(ps, s);
        if (s == NULL)
            return NULL;
    }
    *ps->out++ = '\0';
    ps->p = s + 1;
    return start;
}

static const char *
skip_digits(const char *s, const char *end)
{
    while (s < end && is_digit(*s))
        s++;
    return s;
}

/* A number by RFC 8259's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static Step
read_number(Parser *ps)
{
    const char *start = ps->p;
    const char *s = start;
    const char *end = ps->end;
    gboolean integer = TRUE;
    MdevJsonNode *node;

    if (s < end && *s == '-')
        s++;
    if (s < end && *s == '0')
        s++;
    else if (s < end && is_digit(*s))
        s = skip_digits(s, end);
    else
        goto invalid;
    if (s < end && is_digit(*s))
        goto invalid; /* a leading zero */
    if (s < end && *s == '.') {
        integer = FALSE;
        if (++s == end || !is_digit(*s))
            goto invalid;
        s = skip_digits(s, end);
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        integer = FALSE;
        if (++s < end && (*s == '+' || *s == '-'))
            s++;
        if (s == end || !is_digit(*s))
            goto invalid;
        s = skip_digits(s, end);
    }
    node = add_node(ps, MDEV_JSON_NUMBER);
    node->integer = integer;
    node->text = ps->out;
    memcpy(ps->out, start, s - start);
    ps->out += s - start;
    *ps->out++ = '\0';
    ps->p = s;
    return STEP_COMPLETE;

invalid:
    return fail(ps, _("not valid JSON: an invalid number at byte %lu"), offset(ps, start));
}

static Step
read_literal(Parser *ps, const char *word, gsize len, MdevJsonType type)
{
    if ((gsize) (ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0)
        return fail(ps,
                    _("not valid JSON: an invalid literal (not true, false or null) at byte %lu"),
                    offset(ps, ps->p));
    add_node(ps, type);
    ps->p += len;
    return STEP_COMPLETE;
}

/* Whether @key is among the members @frame's object has so far. */
static gboolean
has_key(Parser *ps, Frame *frame, const char *key)
{
    guint32 size = node_at(ps, frame->node)->size;
    guint32 child = frame->node + 1;

    if (frame->keys == NULL && size < FEW_KEYS) {
        for (guint32 i = 0; i < size; i++, child += node_at(ps, child)->next) {
            if (strcmp(node_at(ps, child)->key, key) == 0)
                return TRUE;
        }
        return FALSE;
    }
    if (frame->keys == NULL) {
        frame->keys = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint32 i = 0; i < size; i++, child += node_at(ps, child)->next)
            g_hash_table_add(frame->keys, (gpointer) node_at(ps, child)->key);
    }
    return !g_hash_table_add(frame->keys, (gpointer) key);
}

/* A member's name and colon, ps->p at the name; leaves ps->p at its value. */
static Step
read_key(Parser *ps)
{
    const char *start = ps->p;
    const char *key;

    if (start == ps->end || *start != '"')
        return fail(ps, _("not valid JSON: a key that is not a string at byte %lu"),
                    offset(ps, start));
    key = read_string(ps);
    if (key == NULL)
        return STEP_FAILED;
    /* serde_json refuses a field twice in a definition; taking the first or
     * the last would hide a broken file */
    if (has_key(ps, &ps->stack[ps->depth - 1], key))
        return fail(ps, _("not valid JSON: a key twice at byte %lu"), offset(ps, start));
    skip_space(ps);
    if (ps->p == ps->end || *ps->p != ':')
        return fail(ps, _("not valid JSON: no ':' after a key at byte %lu"), offset(ps, ps->p));
    ps->p++;
    skip_space(ps);
    ps->key = key;
    return STEP_VALUE;
}

static void
close_container(Parser *ps)
{
    Frame *frame = &ps->stack[--ps->depth];

    g_clear_pointer(&frame->keys, g_hash_table_unref);
}

/* An array or an object at ps->p: opens it, and reads its first key. */
static Step
open_container(Parser *ps, gboolean object)
{
    Frame *frame;

    if (ps->depth == MDEV_JSON_MAX_DEPTH) {
        return fail(ps,
                    _("not valid JSON: arrays and objects nested deeper than %1$u levels at "
                      "byte %2$lu"),
                    MDEV_JSON_MAX_DEPTH, offset(ps, ps->p));
    }
    add_node(ps, object ? MDEV_JSON_OBJECT : MDEV_JSON_ARRAY);
    frame = &ps->stack[ps->depth++];
    frame->node = ps->doc->nodes->len - 1;
    frame->last = NO_CHILD;
    frame->object = object;
    frame->keys = NULL;
    ps->p++;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) {
        ps->p++;
        close_container(ps);
        return STEP_COMPLETE;
    }
    return object ? read_key(ps) : STEP_VALUE;
}

static Step
unclosed(Parser *ps)
{
    return fail(ps, _("not valid JSON: an unclosed array or object at byte %lu"),
                offset(ps, ps->end));
}

/* The value at ps->p: a scalar is read whole, a container opened. */
static Step
read_value(Parser *ps)
{
    const char *s = ps->p;

    if (s == ps->end)
        return unclosed(ps);
    switch (*s) {
    case '{':
        return open_container(ps, TRUE);
    case '[':
        return open_container(ps, FALSE);
    case '"':
        s = read_string(ps);
        if (s == NULL)
            return STEP_FAILED;
        add_node(ps, MDEV_JSON_STRING)->text = s;
        return STEP_COMPLETE;
    case 't':
        return read_literal(ps, "true", 4, MDEV_JSON_TRUE);
    case 'f':
        return read_literal(ps, "false", 5, MDEV_JSON_FALSE);
    case 'n':
        return read_literal(ps, "null", 4, MDEV_JSON_NULL);
    case '-':
    case '+':
    case '.':
        return read_number(ps);
    default:
        if (is_digit(*s))
            return read_number(ps);
        return fail(ps, _("not valid JSON: an unexpected character at byte %lu"), offset(ps, s));
    }
}

static gboolean
starts_value(char c)
{
    return c == '{' || c == '[' || c == '"' || c == '-' || is_digit(c) || c == 't' || c == 'f' ||
           c == 'n';
}

/* After a value: closes the containers that end here and moves to the next
 * element or member. */
static Step
after_value(Parser *ps)
{
    for (;;) {
        Frame *frame;
        char close;

        skip_space(ps);
        if (ps->depth == 0) {
            if (ps->p == ps->end)
                return STEP_DONE;
            if (starts_value(*ps->p))
                return fail(ps, _("not valid JSON: a second value at byte %lu"), offset(ps, ps->p));
            return fail(ps, _("not valid JSON: an unexpected character at byte %lu"),
                        offset(ps, ps->p));
        }
        if (ps->p == ps->end)
            return unclosed(ps);
        frame = &ps->stack[ps->depth - 1];
        close = frame->object ? '}' : ']';
        if (*ps->p == close) {
            ps->p++;
            close_container(ps);
            continue;
        }
        if (*ps->p != ',') {
            if (frame->object)
                return fail(ps, _("not valid JSON: no ',' or '}' after a member at byte %lu"),
                            offset(ps, ps->p));
            return fail(ps, _("not valid JSON: no ',' or ']' after an element at byte %lu"),
                        offset(ps, ps->p));
        }
        ps->p++;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == close)
            return fail(ps, _("not valid JSON: a trailing comma at byte %lu"), offset(ps, ps->p));
        return frame->object ? read_key(ps) : STEP_VALUE;
    }
}

static gboolean
parse(Parser *ps)
{
    skip_space(ps);
    if (ps->p == ps->end) {
        fail(ps, "%s", _("not valid JSON: the text is empty"));
        return FALSE;
    }
    for (;;) {
        Step step = read_value(ps);

        if (step == STEP_COMPLETE)
            step = after_value(ps);
        if (step == STEP_FAILED)
            return FALSE;
        if (step == STEP_DONE)
            return TRUE;
    }
}

/**
 * mdev_json_doc_new:
 *
 * An empty document, for mdev_json_doc_load(): one document loaded again
 * and again keeps its memory, where mdev_json_doc_parse() allocates anew.
 *
 * Returns: (transfer full): a document without a root
 */
MdevJsonDoc *
mdev_json_doc_new(void)
{
    MdevJsonDoc *doc = g_new0(MdevJsonDoc, 1);

    doc->nodes = g_array_sized_new(FALSE, FALSE, sizeof(MdevJsonNode), 16);
    return doc;
}

/**
 * mdev_json_doc_free:
 * @doc: (nullable): a document
 *
 * Frees @doc and with it every node and string read from it.
 */
void
mdev_json_doc_free(MdevJsonDoc *doc)
{
    if (doc == NULL)
        return;
    g_array_unref(doc->nodes);
    g_free(doc->strings);
    g_free(doc);
}

/**
 * mdev_json_doc_load:
 * @doc: a document; what it held before is gone, whatever the outcome
 * @text: (array length=length): the JSON text, not necessarily
 *   NUL-terminated
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Parses @text by RFC 8259 and nothing more lenient: valid UTF-8 without
 * a NUL byte, exactly one value with only JSON whitespace around it, no
 * comments, trailing commas, single quotes, NaN or leading zeros, escapes
 * only those of the RFC with UTF-16 surrogates in pairs and without
 * \u0000, no key twice in one object, arrays and objects at most
 * %MDEV_JSON_MAX_DEPTH deep. Nothing recurses, so no input exhausts the
 * stack.
 *
 * Returns: %TRUE with the tree in @doc, or %FALSE with
 *   %MDEV_ERROR_INVALID_CONFIG naming what is wrong and its byte offset
 */
gboolean
mdev_json_doc_load(MdevJsonDoc *doc, const char *text, gsize length, GError **error)
{
    const char *bad = NULL;
    Parser ps;

    g_return_val_if_fail(doc != NULL, FALSE);
    g_return_val_if_fail(text != NULL || length == 0, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    g_array_set_size(doc->nodes, 0);
    if (length > G_MAXINT32) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("not valid JSON: the text is longer than %d bytes"), G_MAXINT32);
        return FALSE;
    }
    if (!g_utf8_validate_len(text, length, &bad)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("not valid JSON: invalid UTF-8 or a NUL byte at byte %lu"),
                    (gulong) (bad - text));
        return FALSE;
    }
    if (doc->allocated < length + 1) {
        g_free(doc->strings);
        doc->allocated = MAX(length + 1, 256);
        doc->strings = g_malloc(doc->allocated);
    }

    ps.text = text;
    ps.p = text;
    ps.end = text + length;
    ps.doc = doc;
    ps.out = doc->strings;
    ps.key = NULL;
    ps.depth = 0;
    ps.error = error;
    if (!parse(&ps)) {
        while (ps.depth > 0)
            close_container(&ps);
        g_array_set_size(doc->nodes, 0);
        return FALSE;
    }
    return TRUE;
}

/**
 * mdev_json_doc_parse:
 * @text: (array length=length): the JSON text, not necessarily
 *   NUL-terminated
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Parses @text into a new document, by the rules of mdev_json_doc_load().
 *
 * Returns: (transfer full): the document, or %NULL with
 *   %MDEV_ERROR_INVALID_CONFIG
 */
MdevJsonDoc *
mdev_json_doc_parse(const char *text, gsize length, GError **error)
{
    g_autoptr(MdevJsonDoc) doc = mdev_json_doc_new();

    if (!mdev_json_doc_load(doc, text, length, error))
        return NULL;
    return g_steal_pointer(&doc);
}

/**
 * mdev_json_doc_get_root:
 * @doc: a document
 *
 * Returns: (transfer none) (nullable): the document's value, %NULL when
 *   the last load failed or there was none
 */
const MdevJsonNode *
mdev_json_doc_get_root(const MdevJsonDoc *doc)
{
    g_return_val_if_fail(doc != NULL, NULL);

    if (doc->nodes->len == 0)
        return NULL;
    return &g_array_index(doc->nodes, MdevJsonNode, 0);
}

/**
 * mdev_json_node_get_type:
 * @node: a node
 *
 * Returns: what @node is
 */
MdevJsonType
mdev_json_node_get_type(const MdevJsonNode *node)
{
    g_return_val_if_fail(node != NULL, MDEV_JSON_NULL);

    return (MdevJsonType) node->type;
}

/**
 * mdev_json_node_get_string:
 * @node: (nullable): a node
 *
 * Returns: (transfer none) (nullable): the string's value, valid UTF-8
 *   without escapes, or %NULL when @node is not a string
 */
const char *
mdev_json_node_get_string(const MdevJsonNode *node)
{
    if (node == NULL || node->type != MDEV_JSON_STRING)
        return NULL;
    return node->text;
}

/**
 * mdev_json_node_is_integer:
 * @node: (nullable): a node
 *
 * Returns: whether @node is a number without fraction and exponent, of any
 *   size: `2` and `123456789012345678901234567890`, not `2.0` or `2e0`
 */
gboolean
mdev_json_node_is_integer(const MdevJsonNode *node)
{
    return node != NULL && node->type == MDEV_JSON_NUMBER && node->integer;
}

/**
 * mdev_json_node_get_int:
 * @node: (nullable): a node
 * @ret_value: (out) (optional): where to store the value
 *
 * Reads an integer: a number without fraction or exponent (`2`, not `2.0`
 * or `2e0`) that fits a #gint64.
 *
 * Returns: %TRUE with the value in @ret_value, %FALSE when @node is not
 *   such a number; @ret_value is then left alone
 */
gboolean
mdev_json_node_get_int(const MdevJsonNode *node, gint64 *ret_value)
{
    gint64 value;

    if (node == NULL || node->type != MDEV_JSON_NUMBER || !node->integer)
        return FALSE;
    if (!g_ascii_string_to_signed(node->text, 10, G_MININT64, G_MAXINT64, &value, NULL))
        return FALSE;
    if (ret_value)
        *ret_value = value;
    return TRUE;
}

/**
 * mdev_json_node_get_double:
 * @node: (nullable): a node
 * @ret_value: (out) (optional): where to store the value
 *
 * Reads any number as the nearest double; one too large for a double
 * (`1e999`) is not read, one too small becomes zero.
 *
 * Returns: %TRUE with the value in @ret_value, %FALSE when @node is not a
 *   number or out of range; @ret_value is then left alone
 */
gboolean
mdev_json_node_get_double(const MdevJsonNode *node, double *ret_value)
{
    double value;

    if (node == NULL || node->type != MDEV_JSON_NUMBER)
        return FALSE;
    value = g_ascii_strtod(node->text, NULL);
    if (!isfinite(value))
        return FALSE;
    if (ret_value)
        *ret_value = value;
    return TRUE;
}

/**
 * mdev_json_node_get_size:
 * @node: (nullable): a node
 *
 * Returns: the number of elements of an array or members of an object,
 *   0 for anything else
 */
guint
mdev_json_node_get_size(const MdevJsonNode *node)
{
    if (node == NULL)
        return 0;
    return node->size;
}

/**
 * mdev_json_node_get_first:
 * @node: (nullable): a node
 *
 * Returns: (transfer none) (nullable): the first element of an array or
 *   the value of the first member of an object, in document order; %NULL
 *   when @node is empty or not a container
 */
const MdevJsonNode *
mdev_json_node_get_first(const MdevJsonNode *node)
{
    if (node == NULL || node->size == 0)
        return NULL;
    return node + 1;
}

/**
 * mdev_json_node_get_next:
 * @node: (nullable): an element of an array or a member's value
 *
 * Returns: (transfer none) (nullable): the next element or member's value
 *   of the same container, %NULL after the last one
 */
const MdevJsonNode *
mdev_json_node_get_next(const MdevJsonNode *node)
{
    if (node == NULL || node->next == 0)
        return NULL;
    return node + node->next;
}

/**
 * mdev_json_node_get_key:
 * @node: (nullable): a member's value
 *
 * Returns: (transfer none) (nullable): the member's name, unescaped, when
 *   @node is the value of an object's member; %NULL otherwise
 */
const char *
mdev_json_node_get_key(const MdevJsonNode *node)
{
    if (node == NULL)
        return NULL;
    return node->key;
}

/**
 * mdev_json_object_get:
 * @object: (nullable): a node
 * @key: a member name
 *
 * Returns: (transfer none) (nullable): the value of @object's member
 *   @key, %NULL when it has none or @object is not an object
 */
const MdevJsonNode *
mdev_json_object_get(const MdevJsonNode *object, const char *key)
{
    g_return_val_if_fail(key != NULL, NULL);

    if (object == NULL || object->type != MDEV_JSON_OBJECT)
        return NULL;
    for (const MdevJsonNode *n = mdev_json_node_get_first(object); n;
         n = mdev_json_node_get_next(n)) {
        if (strcmp(n->key, key) == 0)
            return n;
    }
    return NULL;
}
