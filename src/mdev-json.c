/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-json.h"

#include "mdev-error.h"
#include "mdev-private.h"
#include "mdev-util.h"

#include <glib/gi18n-lib.h>
#include <json-c/json_object.h>
#include <json-c/json_object_iterator.h>
#include <json-c/json_tokener.h>
#include <stdarg.h>
#include <string.h>

/*
 * Definitions are stored in the layout mdevctl writes (serde_json's pretty
 * printer: two-space indent, "key": value, no final newline), so mdevctl and
 * libvirt read ours and a rewrite of theirs changes no byte. json-glib's
 * generator puts a space before the colon, hence the hand-made writer.
 */

/**
 * mdev_json_append_string:
 * @out: where to append
 * @value: a UTF-8 string
 *
 * Appends @value as a JSON string literal, escaped the way serde_json escapes:
 * the quote, the backslash and control characters, the latter as \b \t \n \f
 * \r or \u00xx; everything else verbatim. A byte that is not part of valid
 * UTF-8 becomes U+FFFD: the inputs refuse such strings, and this keeps the
 * output readable JSON even if one slipped through.
 */
void
mdev_json_append_string(GString *out, const char *value)
{
    const unsigned char *end = (const unsigned char *) value + strlen(value);

    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *) value; *p; p++) {
        if (*p >= 0x80) {
            gunichar c = g_utf8_get_char_validated((const char *) p, end - p);

            if (c == (gunichar) -1 || c == (gunichar) -2) {
                g_string_append(out, "\xef\xbf\xbd" /* U+FFFD */);
            } else {
                int n = g_unichar_to_utf8(c, NULL);

                g_string_append_len(out, (const char *) p, n);
                p += n - 1;
            }
            continue;
        }
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        default:
            if (*p < 0x20)
                g_string_append_printf(out, "\\u%04x", *p);
            else
                g_string_append_c(out, (char) *p);
            break;
        }
    }
    g_string_append_c(out, '"');
}

static const char *
start_string(const MdevDevice *definition)
{
    return definition->autostart ? "auto" : "manual";
}

/**
 * mdev_json_definition_to_string:
 * @definition: a definition with a type
 *
 * Returns: (transfer full): the definition file's contents, byte for byte
 *   what mdevctl writes for the same definition
 */
char *
mdev_json_definition_to_string(const MdevDevice *definition)
{
    GString *out = g_string_new("{\n  \"mdev_type\": ");

    g_return_val_if_fail(definition != NULL && definition->type != NULL, NULL);

    mdev_json_append_string(out, definition->type);
    g_string_append_printf(out, ",\n  \"start\": \"%s\",\n  \"attrs\": ", start_string(definition));
    if (definition->attrs == NULL || definition->attrs->len == 0) {
        g_string_append(out, "[]");
    } else {
        g_string_append(out, "[\n");
        for (guint i = 0; i < definition->attrs->len; i++) {
            const MdevAttr *attr = g_ptr_array_index(definition->attrs, i);

            g_string_append(out, "    {\n      ");
            mdev_json_append_string(out, attr->name);
            g_string_append(out, ": ");
            mdev_json_append_string(out, attr->value);
            g_string_append(out, "\n    }");
            if (i + 1 < definition->attrs->len)
                g_string_append_c(out, ',');
            g_string_append_c(out, '\n');
        }
        g_string_append(out, "  ]");
    }
    g_string_append(out, "\n}");
    return g_string_free(out, FALSE);
}

/**
 * mdev_json_definition_to_compact:
 * @definition: a definition with a type
 *
 * Returns: (transfer full): the definition as one line of JSON, the form
 *   callout scripts receive on stdin
 */
char *
mdev_json_definition_to_compact(const MdevDevice *definition)
{
    GString *out = g_string_new("{\"mdev_type\":");

    g_return_val_if_fail(definition != NULL && definition->type != NULL, NULL);

    mdev_json_append_string(out, definition->type);
    g_string_append_printf(out, ",\"start\":\"%s\",\"attrs\":[", start_string(definition));
    for (guint i = 0; definition->attrs && i < definition->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(definition->attrs, i);

        if (i > 0)
            g_string_append_c(out, ',');
        g_string_append_c(out, '{');
        mdev_json_append_string(out, attr->name);
        g_string_append_c(out, ':');
        mdev_json_append_string(out, attr->value);
        g_string_append_c(out, '}');
    }
    g_string_append(out, "]}");
    return g_string_free(out, FALSE);
}

static gboolean invalid_json(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
invalid_json(GError **error, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, message);
    return FALSE;
}

static int
hex4(const char *p, const char *end)
{
    int value = 0;

    if (end - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int digit = g_ascii_xdigit_value(p[i]);

        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

/* @p is just after the opening quote; returns where the string ends (after
 * the closing quote), or NULL with @error set. */
static const char *
check_string(const char *text, const char *p, const char *end, GError **error)
{
    while (p < end) {
        unsigned char c = (unsigned char) *p;
        int unit;

        if (c == '"')
            return p + 1;
        if (c < 0x20) {
            invalid_json(error,
                         _("not valid JSON: a control character inside a string at byte %lu"),
                         (gulong) (p - text));
            return NULL;
        }
        if (c != '\\') {
            p++;
            continue;
        }
        if (p + 1 < end && strchr("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0') {
            p += 2;
            continue;
        }
        if (p + 1 >= end || p[1] != 'u' || (unit = hex4(p + 2, end)) < 0) {
            invalid_json(error, _("not valid JSON: an invalid escape sequence at byte %lu"),
                         (gulong) (p - text));
            return NULL;
        }
        if (unit == 0) {
            /* a C string would end there, silently losing the rest */
            invalid_json(error,
                         _("not valid JSON: a NUL character (\\u0000) inside a string at byte %lu"),
                         (gulong) (p - text));
            return NULL;
        }
        if (unit >= 0xdc00 && unit <= 0xdfff) {
            invalid_json(error,
                         _("not valid JSON: a UTF-16 low surrogate without a high one at byte %lu"),
                         (gulong) (p - text));
            return NULL;
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
            int low = p + 7 < end && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8, end) : -1;

            if (low < 0xdc00 || low > 0xdfff) {
                invalid_json(
                    error,
                    _("not valid JSON: a UTF-16 high surrogate without a low one at byte %lu"),
                    (gulong) (p - text));
                return NULL;
            }
            p += 6;
        }
        p += 6;
    }
    invalid_json(error, _("not valid JSON: an unterminated string at byte %lu"),
                 (gulong) (end - text));
    return NULL;
}

static gboolean
is_token_char(char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '+' || c == '.';
}

static const char *
skip_digits(const char *p, const char *end)
{
    while (p < end && g_ascii_isdigit(*p))
        p++;
    return p;
}

/* A value that is neither a string, an array nor an object must be one of
 * the three literals or a number in JSON's grammar, as serde_json (mdevctl)
 * has it: json-c, even in strict mode, also reads NaN, Infinity and "1." */
static gboolean
token_is_valid(const char *p, const char *end)
{
    gsize n = end - p;

    if ((n == 4 && memcmp(p, "true", 4) == 0) || (n == 5 && memcmp(p, "false", 5) == 0) ||
        (n == 4 && memcmp(p, "null", 4) == 0))
        return TRUE;
    if (p < end && *p == '-')
        p++;
    if (p == end || !g_ascii_isdigit(*p))
        return FALSE;
    p = *p == '0' ? p + 1 : skip_digits(p, end);
    if (p < end && *p == '.') {
        if (++p == end || !g_ascii_isdigit(*p))
            return FALSE;
        p = skip_digits(p, end);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !g_ascii_isdigit(*p))
            return FALSE;
        p = skip_digits(p, end);
    }
    return p == end;
}

/* @p is at the first character of a number or literal; returns where it
 * ends, or NULL with @error set. */
static const char *
check_token(const char *text, const char *p, const char *end, GError **error)
{
    const char *start = p;

    while (p < end && is_token_char(*p))
        p++;
    if (!token_is_valid(start, p)) {
        invalid_json(error, _("not valid JSON: an invalid number or literal at byte %lu"),
                     (gulong) (start - text));
        return NULL;
    }
    return p;
}

/**
 * mdev_json_check:
 * @text: a JSON document
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Checks, without recursion and in one pass, what json-c's strict mode
 * leaves through or reports less clearly: that the text is valid UTF-8,
 * that arrays and objects nest at most %MDEV_JSON_MAX_DEPTH deep, that every
 * string is well-formed (escapes complete, UTF-16 surrogates in pairs, no
 * \u0000, which would cut a C string short), that no string is single-quoted
 * and every number and literal is one JSON's grammar allows (json-c takes
 * 'key', NaN, Infinity and "1."), and that the text holds one value only.
 * That is, what serde_json, mdevctl's reader, refuses. The rest of the
 * grammar is json-c's to check; every document goes through here first
 * (mdev_json_parse()).
 *
 * Returns: %TRUE when json-c may parse @text, else %FALSE with
 *   %MDEV_ERROR_INVALID_CONFIG naming the byte offset of the problem
 */
gboolean
mdev_json_check(const char *text, gsize length, GError **error)
{
    const char *end = text + length;
    const char *bad = NULL;
    guint depth = 0;
    gboolean root_seen = FALSE;

    g_return_val_if_fail(text != NULL || length == 0, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!g_utf8_validate_len(text, length, &bad))
        return invalid_json(error, _("not valid JSON: invalid UTF-8 or a NUL byte at byte %lu"),
                            (gulong) (bad - text));
    for (const char *p = text; p < end;) {
        if (depth == 0 && !g_ascii_isspace(*p) && *p != ']' && *p != '}') {
            /* the start of a value at the top level: there may be one */
            if (root_seen)
                return invalid_json(error, _("not valid JSON: a second value at byte %lu"),
                                    (gulong) (p - text));
            /* nothing else starts a value: json-c stops right there */
            if (*p != '"' && *p != '[' && *p != '{' && *p != '/' && !is_token_char(*p))
                return TRUE;
        }
        switch (*p) {
        case '"':
            p = check_string(text, p + 1, end, error);
            if (p == NULL)
                return FALSE;
            if (depth == 0)
                root_seen = TRUE;
            continue;
        case '\'':
            return invalid_json(error, _("not valid JSON: a single-quoted string at byte %lu"),
                                (gulong) (p - text));
        case '/':
            if (p + 1 < end && (p[1] == '*' || p[1] == '/'))
                return invalid_json(error, _("not valid JSON: a comment at byte %lu"),
                                    (gulong) (p - text));
            break;
        case '[':
        case '{':
            if (++depth > MDEV_JSON_MAX_DEPTH) {
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("not valid JSON: arrays and objects nested deeper than %1$u "
                              "levels at byte %2$lu"),
                            MDEV_JSON_MAX_DEPTH, (gulong) (p - text));
                return FALSE;
            }
            break;
        case ']':
        case '}':
            /* a stray one is json-c's to report */
            if (depth > 0 && --depth == 0)
                root_seen = TRUE;
            break;
        default:
            if (is_token_char(*p)) {
                p = check_token(text, p, end, error);
                if (p == NULL)
                    return FALSE;
                if (depth == 0)
                    root_seen = TRUE;
                continue;
            }
            break;
        }
        p++;
    }
    return TRUE;
}

static gboolean
is_blank(const char *text, gsize length)
{
    for (gsize i = 0; i < length; i++) {
        if (!g_ascii_isspace(text[i]))
            return FALSE;
    }
    return TRUE;
}

/**
 * mdev_json_parse:
 * @text: a JSON document, with a NUL at @length
 * @length: its length in bytes, bounded by the caller
 * @ret_value: (out) (transfer full) (nullable): receives the document's value,
 *   %NULL for JSON's null
 * @error: return location for a #GError
 *
 * Checks @text with mdev_json_check() and parses it with json-c's strict
 * mode, the whole text and nothing but one value. What json-c adds to the
 * checks: comments, trailing commas, leading zeros, unquoted keys and a
 * byte-order mark are refused, as serde_json refuses them. Of a key that
 * appears twice in one object, the last value counts, as in serde_json's
 * and json-glib's trees.
 *
 * Returns: %TRUE with @ret_value set, else %FALSE with
 *   %MDEV_ERROR_INVALID_CONFIG naming the byte offset of the problem
 */
gboolean
mdev_json_parse(const char *text, gsize length, struct json_object **ret_value, GError **error)
{
    g_autoptr(json_tokener) tokener = NULL;
    g_autoptr(json_object) value = NULL;
    enum json_tokener_error status;

    g_return_val_if_fail(text != NULL && text[length] == '\0', FALSE);
    g_return_val_if_fail(ret_value != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (length >= G_MAXINT)
        return invalid_json(error, _("not valid JSON: the text is too large"));
    if (!mdev_json_check(text, length, error))
        return FALSE;
    if (is_blank(text, length))
        return invalid_json(error, _("not valid JSON: the text is empty"));
    /* json-c counts a scalar inside an object as one level more: the
     * check above is the bound, json-c's is the guard behind it */
    tokener = json_tokener_new_ex(MDEV_JSON_MAX_DEPTH + 1);
    if (tokener == NULL)
        g_error("out of memory");
    json_tokener_set_flags(tokener, JSON_TOKENER_STRICT);
    /* with the NUL, json-c knows the text ends there: a number at the end
     * is complete, and what follows the value is an error */
    value = json_tokener_parse_ex(tokener, text, (int) length + 1);
    status = json_tokener_get_error(tokener);
    if (status != json_tokener_success || json_tokener_get_parse_end(tokener) < length) {
        if (status == json_tokener_success)
            status = json_tokener_error_parse_unexpected;
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("not valid JSON: %1$s at byte %2$lu"), json_tokener_error_desc(status),
                    (gulong) json_tokener_get_parse_end(tokener));
        return FALSE;
    }
    *ret_value = g_steal_pointer(&value);
    return TRUE;
}

static gboolean
is_string(json_object *value)
{
    return json_object_is_type(value, json_type_string);
}

/* One attribute is an object with exactly one member whose value is a
 * string; the member's name must be a harmless sysfs file name. */
static MdevAttr *
attr_from_value(json_object *value, guint index, GError **error)
{
    struct json_object_iterator it;
    const char *name;
    json_object *member;
    g_autoptr(GError) local = NULL;

    if (!json_object_is_type(value, json_type_object)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("attribute %u is not an object"), index);
        return NULL;
    }
    if (json_object_object_length(value) != 1) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("attribute %u must have exactly one name and value"), index);
        return NULL;
    }
    it = json_object_iter_begin(value);
    name = json_object_iter_peek_name(&it);
    member = json_object_iter_peek_value(&it);
    if (!is_string(member)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("the value of attribute '%s' is not a string"), name);
        return NULL;
    }
    if (!mdev_util_check_name("attribute", name, &local)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, local->message);
        return NULL;
    }
    return mdev_attr_new(name, json_object_get_string(member));
}

static GPtrArray *
attrs_from_array(json_object *array, GError **error)
{
    g_autoptr(GPtrArray) attrs = mdev_attr_array_new();
    size_t length = json_object_array_length(array);

    for (size_t i = 0; i < length; i++) {
        MdevAttr *attr = attr_from_value(json_object_array_get_idx(array, i), (guint) i, error);

        if (attr == NULL)
            return NULL;
        g_ptr_array_add(attrs, attr);
    }
    return g_steal_pointer(&attrs);
}

/**
 * mdev_json_definition_from_string:
 * @text: a definition file's contents or a --jsonfile document
 * @parent: (nullable): the parent the definition belongs to
 * @uuid: (nullable): the device's UUID
 * @error: return location for a #GError
 *
 * Reads a definition with mdevctl's rules: keys in any order, unknown keys
 * ignored, "attrs" missing or null meaning none, any "start" other than
 * "auto" meaning manual. Where mdevctl crashes (a type or attribute value
 * that is not a string) this fails, and it rejects type and attribute names
 * that are not a single harmless path component.
 *
 * Returns: (transfer full): a definition with @defined set, or %NULL with
 *   %MDEV_ERROR_INVALID_CONFIG
 */
MdevDevice *
mdev_json_definition_from_string(const char *text, const char *parent, const char *uuid,
                                 GError **error)
{
    g_autoptr(json_object) root = NULL;
    g_autoptr(MdevDevice) definition = NULL;
    g_autoptr(GError) local = NULL;
    json_object *value;

    g_return_val_if_fail(text != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!mdev_json_parse(text, strlen(text), &root, error))
        return NULL;
    if (!json_object_is_type(root, json_type_object)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition is not a JSON object"));
        return NULL;
    }
    definition = mdev_device_new(uuid, parent);
    definition->defined = TRUE;

    /* json-c's null is a NULL value: absent and null are the same here */
    if (!json_object_object_get_ex(root, "mdev_type", &value) || value == NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition has no 'mdev_type'"));
        return NULL;
    }
    if (!is_string(value)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("'mdev_type' is not a string"));
        return NULL;
    }
    if (!mdev_util_check_name("type", json_object_get_string(value), &local)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, local->message);
        return NULL;
    }
    definition->type = g_strdup(json_object_get_string(value));

    if (!json_object_object_get_ex(root, "start", &value) || value == NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition has no 'start'"));
        return NULL;
    }
    definition->autostart = is_string(value) && strcmp(json_object_get_string(value), "auto") == 0;

    if (json_object_object_get_ex(root, "attrs", &value) && value != NULL) {
        GPtrArray *attrs;

        if (!json_object_is_type(value, json_type_array)) {
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                                _("'attrs' is not an array"));
            return NULL;
        }
        attrs = attrs_from_array(value, error);
        if (attrs == NULL)
            return NULL;
        g_ptr_array_unref(definition->attrs);
        definition->attrs = attrs;
    }
    return g_steal_pointer(&definition);
}

/**
 * mdev_json_attrs_from_string:
 * @text: what a get-attributes callout printed
 * @error: return location for a #GError
 *
 * Reads an array of one-member objects. Empty output and mdevctl's "[{}]"
 * both mean no attributes; NUL bytes some scripts append are cut off by
 * the caller already (the text ends at the first NUL).
 *
 * Returns: (transfer full) (element-type MdevAttr): the attributes, or
 *   %NULL with %MDEV_ERROR_INVALID_CONFIG
 */
GPtrArray *
mdev_json_attrs_from_string(const char *text, GError **error)
{
    g_autoptr(json_object) root = NULL;
    g_autofree char *stripped = g_strstrip(g_strdup(text));

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (*stripped == '\0')
        return mdev_attr_array_new();
    if (!mdev_json_parse(stripped, strlen(stripped), &root, error))
        return NULL;
    if (!json_object_is_type(root, json_type_array)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the attributes are not a JSON array"));
        return NULL;
    }
    if (json_object_array_length(root) == 1) {
        json_object *only = json_object_array_get_idx(root, 0);

        if (json_object_is_type(only, json_type_object) && json_object_object_length(only) == 0)
            return mdev_attr_array_new();
    }
    return attrs_from_array(root, error);
}
