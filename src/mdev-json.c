/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-json.h"

#include "mdev-error.h"
#include "mdev-json-parse.h"
#include "mdev-util.h"

#include <glib/gi18n-lib.h>
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

/* One attribute is an object with exactly one member whose value is a
 * string; the member's name must be a harmless sysfs file name. */
static MdevAttr *
attr_from_value(const MdevJsonNode *value, guint index, GError **error)
{
    const MdevJsonNode *member;
    const char *name;
    g_autoptr(GError) local = NULL;

    if (mdev_json_node_get_type(value) != MDEV_JSON_OBJECT) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("attribute %u is not an object"), index);
        return NULL;
    }
    if (mdev_json_node_get_size(value) != 1) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("attribute %u must have exactly one name and value"), index);
        return NULL;
    }
    member = mdev_json_node_get_first(value);
    name = mdev_json_node_get_key(member);
    if (mdev_json_node_get_type(member) != MDEV_JSON_STRING) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("the value of attribute '%s' is not a string"), name);
        return NULL;
    }
    if (!mdev_util_check_name("attribute", name, &local)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, local->message);
        return NULL;
    }
    return mdev_attr_new(name, mdev_json_node_get_string(member));
}

static GPtrArray *
attrs_from_array(const MdevJsonNode *array, GError **error)
{
    g_autoptr(GPtrArray) attrs = mdev_attr_array_new();
    guint i = 0;

    for (const MdevJsonNode *element = mdev_json_node_get_first(array); element;
         element = mdev_json_node_get_next(element), i++) {
        MdevAttr *attr = attr_from_value(element, i, error);

        if (attr == NULL)
            return NULL;
        g_ptr_array_add(attrs, attr);
    }
    return g_steal_pointer(&attrs);
}

/* A member that is absent or null: mdevctl's reader takes both as missing. */
static const MdevJsonNode *
member_get(const MdevJsonNode *object, const char *key)
{
    const MdevJsonNode *value = mdev_json_object_get(object, key);

    if (value == NULL || mdev_json_node_get_type(value) == MDEV_JSON_NULL)
        return NULL;
    return value;
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
    g_autoptr(MdevJsonDoc) doc = NULL;
    g_autoptr(MdevDevice) definition = NULL;
    g_autoptr(GError) local = NULL;
    const MdevJsonNode *root;
    const MdevJsonNode *value;

    g_return_val_if_fail(text != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    doc = mdev_json_doc_parse(text, strlen(text), error);
    if (doc == NULL)
        return NULL;
    root = mdev_json_doc_get_root(doc);
    if (mdev_json_node_get_type(root) != MDEV_JSON_OBJECT) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition is not a JSON object"));
        return NULL;
    }
    definition = mdev_device_new(uuid, parent);
    definition->defined = TRUE;

    value = member_get(root, "mdev_type");
    if (value == NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition has no 'mdev_type'"));
        return NULL;
    }
    if (mdev_json_node_get_type(value) != MDEV_JSON_STRING) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("'mdev_type' is not a string"));
        return NULL;
    }
    if (!mdev_util_check_name("type", mdev_json_node_get_string(value), &local)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, local->message);
        return NULL;
    }
    definition->type = g_strdup(mdev_json_node_get_string(value));

    value = member_get(root, "start");
    if (value == NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the definition has no 'start'"));
        return NULL;
    }
    definition->autostart = g_strcmp0(mdev_json_node_get_string(value), "auto") == 0;

    value = member_get(root, "attrs");
    if (value != NULL) {
        GPtrArray *attrs;

        if (mdev_json_node_get_type(value) != MDEV_JSON_ARRAY) {
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
    g_autoptr(MdevJsonDoc) doc = NULL;
    g_autofree char *stripped = g_strstrip(g_strdup(text));
    const MdevJsonNode *root;
    const MdevJsonNode *only;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (*stripped == '\0')
        return mdev_attr_array_new();
    doc = mdev_json_doc_parse(stripped, strlen(stripped), error);
    if (doc == NULL)
        return NULL;
    root = mdev_json_doc_get_root(doc);
    if (mdev_json_node_get_type(root) != MDEV_JSON_ARRAY) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            _("the attributes are not a JSON array"));
        return NULL;
    }
    only = mdev_json_node_get_first(root);
    if (mdev_json_node_get_size(root) == 1 && mdev_json_node_get_type(only) == MDEV_JSON_OBJECT &&
        mdev_json_node_get_size(only) == 0)
        return mdev_attr_array_new();
    return attrs_from_array(root, error);
}
