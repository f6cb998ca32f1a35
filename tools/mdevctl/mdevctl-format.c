/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The text and JSON layouts of mdevctl's list and types, byte for byte as
 * current mdevctl prints them: text lines each end in a newline and nothing
 * follows them; JSON is serde_json's pretty layout without a final newline.
 * Sorting happens here so the order never depends on the caller. */
#include "mdevctl.h"

#include "mdev-json.h"

#include <string.h>

static GPtrArray *
sorted_copy(const GPtrArray *in, GCompareFunc cmp)
{
    GPtrArray *out = g_ptr_array_sized_new(in ? in->len : 0);

    for (guint i = 0; in && i < in->len; i++)
        g_ptr_array_add(out, g_ptr_array_index(in, i));
    g_ptr_array_sort(out, cmp);
    return out;
}

/* mdevctl prints names and values raw; control characters are escaped here
 * so that a hostile attribute cannot forge lines of the listing. */
static void
append_text(GString *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *) (s ? s : ""); *p; p++) {
        if (*p == '\n')
            g_string_append(out, "\\n");
        else if (*p == '\t')
            g_string_append(out, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf(out, "\\x%02x", *p);
        else
            g_string_append_c(out, (char) *p);
    }
}

/* sysfs descriptions may span lines; mdevctl joins them with ", ". */
static char *
normalize_description(const char *text)
{
    g_autofree char *copy = g_strstrip(g_strdup(text ? text : ""));
    g_auto(GStrv) lines = g_strsplit(copy, "\n", -1);

    return g_strjoinv(", ", lines);
}

static char *
normalize_name(const char *text)
{
    return g_strstrip(g_strdup(text ? text : ""));
}

/* Appends a pretty-printed JSON value that was formatted at depth 0 so that
 * it sits at @indent: every line after the first is shifted. serde_json's
 * layout is line based, so this yields exactly its nested form. */
static void
append_nested(GString *out, const char *text, const char *indent)
{
    for (const char *p = text; *p; p++) {
        g_string_append_c(out, *p);
        if (*p == '\n')
            g_string_append(out, indent);
    }
}

char *
mdevctl_format_types_text(const GPtrArray *parents)
{
    g_autoptr(GPtrArray) sorted = sorted_copy(parents, mdev_parent_compare);
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < sorted->len; i++) {
        const MdevParent *parent = g_ptr_array_index(sorted, i);
        g_autoptr(GPtrArray) types = sorted_copy(parent->types, mdev_type_compare);

        append_text(out, parent->name);
        g_string_append_c(out, '\n');
        for (guint j = 0; j < types->len; j++) {
            const MdevType *type = g_ptr_array_index(types, j);
            g_autofree char *name = normalize_name(type->name);
            g_autofree char *description = normalize_description(type->description);

            g_string_append(out, "  ");
            append_text(out, type->id);
            g_string_append_printf(out, "\n    Available instances: %" G_GINT64_FORMAT "\n",
                                   type->available_instances);
            g_string_append(out, "    Device API: ");
            append_text(out, type->device_api);
            g_string_append_c(out, '\n');
            if (*name) {
                g_string_append(out, "    Name: ");
                append_text(out, name);
                g_string_append_c(out, '\n');
            }
            if (*description) {
                g_string_append(out, "    Description: ");
                append_text(out, description);
                g_string_append_c(out, '\n');
            }
        }
    }
    return g_string_free(out, FALSE);
}

char *
mdevctl_format_types_json(const GPtrArray *parents)
{
    g_autoptr(GPtrArray) sorted = sorted_copy(parents, mdev_parent_compare);
    GString *out;

    if (sorted->len == 0)
        return g_strdup("[]");
    out = g_string_new("[\n  {\n");
    for (guint i = 0; i < sorted->len; i++) {
        const MdevParent *parent = g_ptr_array_index(sorted, i);
        g_autoptr(GPtrArray) types = sorted_copy(parent->types, mdev_type_compare);

        g_string_append(out, "    ");
        mdev_json_append_string(out, parent->name);
        g_string_append(out, ": [");
        for (guint j = 0; j < types->len; j++) {
            const MdevType *type = g_ptr_array_index(types, j);
            g_autofree char *name = normalize_name(type->name);
            g_autofree char *description = normalize_description(type->description);

            g_string_append(out, j == 0 ? "\n      {\n        " : ",\n      {\n        ");
            mdev_json_append_string(out, type->id);
            g_string_append_printf(out,
                                   ": {\n          \"available_instances\": %" G_GINT64_FORMAT
                                   ",\n          \"device_api\": ",
                                   type->available_instances);
            mdev_json_append_string(out, type->device_api ? type->device_api : "");
            if (*name) {
                g_string_append(out, ",\n          \"name\": ");
                mdev_json_append_string(out, name);
            }
            if (*description) {
                g_string_append(out, ",\n          \"description\": ");
                mdev_json_append_string(out, description);
            }
            g_string_append(out, "\n        }\n      }");
        }
        g_string_append(out, types->len ? "\n    ]" : "]");
        g_string_append(out, i + 1 < sorted->len ? ",\n" : "\n");
    }
    g_string_append(out, "  }\n]");
    return g_string_free(out, FALSE);
}

char *
mdevctl_format_list_text(const GPtrArray *devices, gboolean defined_listing, gboolean verbose)
{
    g_autoptr(GPtrArray) sorted = sorted_copy(devices, mdev_device_compare);
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < sorted->len; i++) {
        const MdevDevice *device = g_ptr_array_index(sorted, i);

        g_string_append_printf(out, "%s ", device->uuid);
        append_text(out, device->parent);
        g_string_append_c(out, ' ');
        append_text(out, device->type);
        g_string_append(out, device->autostart ? " auto" : " manual");
        if (defined_listing && device->active)
            g_string_append(out, " (active)");
        else if (!defined_listing && device->defined)
            g_string_append(out, " (defined)");
        g_string_append_c(out, '\n');
        if (verbose && device->attrs && device->attrs->len > 0) {
            g_string_append(out, "  Attrs:\n");
            for (guint j = 0; j < device->attrs->len; j++) {
                const MdevAttr *attr = g_ptr_array_index(device->attrs, j);

                g_string_append_printf(out, "    @{%u}: {\"", j);
                append_text(out, attr->name);
                g_string_append(out, "\":\"");
                append_text(out, attr->value);
                g_string_append(out, "\"}\n");
            }
        }
    }
    return g_string_free(out, FALSE);
}

char *
mdevctl_format_list_json(const GPtrArray *devices, gboolean bare)
{
    g_autoptr(GPtrArray) sorted = sorted_copy(devices, mdev_device_compare);
    const char *current = NULL;
    GString *out;

    if (sorted->len == 0)
        return g_strdup("[]");
    if (bare && sorted->len == 1)
        return mdev_json_definition_to_string(g_ptr_array_index(sorted, 0));

    out = g_string_new("[\n  {\n");
    for (guint i = 0; i < sorted->len; i++) {
        const MdevDevice *device = g_ptr_array_index(sorted, i);
        g_autofree char *definition = mdev_json_definition_to_string(device);

        if (current == NULL || strcmp(current, device->parent) != 0) {
            if (current != NULL)
                g_string_append(out, "\n    ],\n");
            g_string_append(out, "    ");
            mdev_json_append_string(out, device->parent);
            g_string_append(out, ": [\n");
            current = device->parent;
        } else {
            g_string_append(out, ",\n");
        }
        g_string_append(out, "      {\n        ");
        mdev_json_append_string(out, device->uuid);
        g_string_append(out, ": ");
        append_nested(out, definition, "        ");
        g_string_append(out, "\n      }");
    }
    g_string_append(out, "\n    ]\n  }\n]");
    return g_string_free(out, FALSE);
}
