/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-json.h"

#include "mdev-error.h"
#include "mdev-util.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
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

static gboolean
node_is_string(JsonNode *node)
{
    return node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_STRING;
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

/**
 * mdev_json_check:
 * @text: a JSON document
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Checks, without recursion and in one pass, what json-glib does not: that
 * the text is valid UTF-8, that arrays and objects nest at most
 * %MDEV_JSON_MAX_DEPTH deep (json-glib recurses once per level and crashes
 * on deep enough input) and that every string is well-formed: escapes
 * complete, UTF-16 surrogates in pairs (json-glib turns a lone one into
 * invalid UTF-8 and swallows the next character), no \u0000, and that the
 * text holds one value only (json-glib reads the first of `{}{}` and
 * leaks the rest, where mdevctl refuses the file). The rest of the grammar
 * is left to json-glib. Every document goes through here before it
 * reaches json-glib.
 *
 * Returns: %TRUE when json-glib may parse @text, else %FALSE with
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
            if (*p != '"' && *p != '[' && *p != '{') {
                /* a number or literal runs to the next delimiter */
                while (p < end && !g_ascii_isspace(*p) && strchr("\"[{]}", *p) == NULL)
                    p++;
                root_seen = TRUE;
                continue;
            }
        }
        switch (*p) {
        case '"':
            p = check_string(text, p + 1, end, error);
            if (p == NULL)
                return FALSE;
            if (depth == 0)
                root_seen = TRUE;
            continue;
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
            /* a stray one is json-glib's to report */
            if (depth > 0 && --depth == 0)
                root_seen = TRUE;
            break;
        default:
            break;
        }
        p++;
    }
    return TRUE;
}

static JsonNode *
parse_root(JsonParser *parser, const char *text, GError **error)
{
    g_autoptr(GError) local = NULL;
    JsonNode *root;

    if (!mdev_json_check(text, strlen(text), error))
        return NULL;
    if (!json_parser_load_from_data(parser, text, -1, &local)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, _("not valid JSON: %s"),
                    local->message);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (root == NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("not valid JSON: the text is empty"));
        return NULL;
    }
    return root;
}

/* One attribute is an object with exactly one member whose value is a
 * string; the member's name must be a harmless sysfs file name. */
static MdevAttr *
attr_from_node(JsonNode *node, guint index, GError **error)
{
    JsonObject *object;
    g_autoptr(GList) members = NULL;
    const char *name;
    JsonNode *value;
    g_autoptr(GError) local = NULL;

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("attribute %u is not an object"), index);
        return NULL;
    }
    object = json_node_get_object(node);
    members = json_object_get_members(object);
    if (g_list_length(members) != 1) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("attribute %u must have exactly one name and value"), index);
        return NULL;
    }
    name = members->data;
    value = json_object_get_member(object, name);
    if (!node_is_string(value)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("the value of attribute '%s' is not a string"), name);
        return NULL;
    }
    if (!mdev_util_check_name("attribute", name, &local)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, local->message);
        return NULL;
    }
    return mdev_attr_new(name, json_node_get_string(value));
}

static GPtrArray *
attrs_from_array(JsonArray *array, GError **error)
{
    g_autoptr(GPtrArray) attrs = mdev_attr_array_new();

    for (guint i = 0; i < json_array_get_length(array); i++) {
        MdevAttr *attr = attr_from_node(json_array_get_element(array, i), i, error);

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
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(MdevDevice) definition = NULL;
    g_autoptr(GError) local = NULL;
    JsonObject *object;
    JsonNode *root;
    JsonNode *node;

    g_return_val_if_fail(text != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    root = parse_root(parser, text, error);
    if (root == NULL)
        return NULL;
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition is not a JSON object"));
        return NULL;
    }
    object = json_node_get_object(root);
    definition = mdev_device_new(uuid, parent);
    definition->defined = TRUE;

    node = json_object_get_member(object, "mdev_type");
    if (node == NULL || JSON_NODE_HOLDS_NULL(node)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition has no 'mdev_type'"));
        return NULL;
    }
    if (!node_is_string(node)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("'mdev_type' is not a string"));
        return NULL;
    }
    if (!mdev_util_check_name("type", json_node_get_string(node), &local)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, local->message);
        return NULL;
    }
    definition->type = g_strdup(json_node_get_string(node));

    node = json_object_get_member(object, "start");
    if (node == NULL || JSON_NODE_HOLDS_NULL(node)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition has no 'start'"));
        return NULL;
    }
    definition->autostart = node_is_string(node) && strcmp(json_node_get_string(node), "auto") == 0;

    node = json_object_get_member(object, "attrs");
    if (node != NULL && !JSON_NODE_HOLDS_NULL(node)) {
        GPtrArray *attrs;

        if (!JSON_NODE_HOLDS_ARRAY(node)) {
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                                _("'attrs' is not an array"));
            return NULL;
        }
        attrs = attrs_from_array(json_node_get_array(node), error);
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
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autofree char *stripped = g_strstrip(g_strdup(text));
    JsonArray *array;
    JsonNode *root;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (*stripped == '\0')
        return mdev_attr_array_new();
    root = parse_root(parser, stripped, error);
    if (root == NULL)
        return NULL;
    if (!JSON_NODE_HOLDS_ARRAY(root)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the attributes are not a JSON array"));
        return NULL;
    }
    array = json_node_get_array(root);
    if (json_array_get_length(array) == 1) {
        JsonNode *only = json_array_get_element(array, 0);

        if (JSON_NODE_HOLDS_OBJECT(only) && json_object_get_size(json_node_get_object(only)) == 0)
            return mdev_attr_array_new();
    }
    return attrs_from_array(array, error);
}
