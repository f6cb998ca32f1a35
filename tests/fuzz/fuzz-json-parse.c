/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The strict JSON parser (src/mdev-json-parse.c), which reads the text as
 * given, without a terminating NUL. Whatever it accepts must be a
 * consistent tree (sizes, sibling links, unique keys found by lookup,
 * strings valid UTF-8) that, written out as JSON, reads back the same, and
 * a document loaded again must read as a new one does. */
#include "fuzz.h"

#include "mdev-error.h"
#include "mdev-json-parse.h"

#include <string.h>

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

static void
write_string(GString *out, const char *s)
{
    g_assert_true(g_utf8_validate(s, -1, NULL));
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            g_string_append_printf(out, "\\%c", *s);
        else if ((guchar) *s < 0x20)
            g_string_append_printf(out, "\\u%04x", (guchar) *s);
        else
            g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

static void
write_number(GString *out, const MdevJsonNode *node)
{
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];
    gint64 integer;
    double number;

    if (mdev_json_node_get_int(node, &integer)) {
        g_assert_true(mdev_json_node_get_double(node, &number));
        g_string_append_printf(out, "%" G_GINT64_FORMAT, integer);
    } else if (mdev_json_node_get_double(node, &number)) {
        g_ascii_formatd(buffer, sizeof(buffer), "%.17g", number);
        g_string_append(out, buffer);
        /* still not an integer when read back (-0.0, 1.0) */
        if (strpbrk(buffer, ".e") == NULL)
            g_string_append(out, ".0");
    } else {
        g_string_append(out, "1e999"); /* beyond a double, and stays so */
    }
}

/* Writes @node as compact JSON, checking the tree on the way. */
static void
write_node(GString *out, const MdevJsonNode *node, guint depth)
{
    MdevJsonType type = mdev_json_node_get_type(node);
    const MdevJsonNode *child;
    guint count = 0;

    switch (type) {
    case MDEV_JSON_NULL:
    case MDEV_JSON_FALSE:
    case MDEV_JSON_TRUE:
        g_assert_cmpuint(mdev_json_node_get_size(node), ==, 0);
        g_assert_null(mdev_json_node_get_string(node));
        g_string_append(out, type == MDEV_JSON_NULL   ? "null"
                             : type == MDEV_JSON_TRUE ? "true"
                                                      : "false");
        return;
    case MDEV_JSON_NUMBER:
        g_assert_null(mdev_json_node_get_string(node));
        write_number(out, node);
        return;
    case MDEV_JSON_STRING:
        g_assert_false(mdev_json_node_get_double(node, NULL));
        write_string(out, mdev_json_node_get_string(node));
        return;
    case MDEV_JSON_ARRAY:
    case MDEV_JSON_OBJECT:
        g_assert_cmpuint(depth, <, 128);
        g_string_append_c(out, type == MDEV_JSON_ARRAY ? '[' : '{');
        for (child = mdev_json_node_get_first(node); child;
             child = mdev_json_node_get_next(child), count++) {
            if (count > 0)
                g_string_append_c(out, ',');
            if (type == MDEV_JSON_OBJECT) {
                /* keys are unique, so the lookup finds this very member */
                g_assert_true(mdev_json_object_get(node, mdev_json_node_get_key(child)) == child);
                write_string(out, mdev_json_node_get_key(child));
                g_string_append_c(out, ':');
            } else {
                g_assert_null(mdev_json_node_get_key(child));
            }
            write_node(out, child, depth + 1);
        }
        g_assert_cmpuint(count, ==, mdev_json_node_get_size(node));
        g_string_append_c(out, type == MDEV_JSON_ARRAY ? ']' : '}');
        return;
    case MDEV_JSON_LAST:
    default:
        g_assert_not_reached();
    }
}

static char *
write_doc(const MdevJsonDoc *doc)
{
    GString *out = g_string_new(NULL);
    const MdevJsonNode *root = mdev_json_doc_get_root(doc);

    g_assert_nonnull(root);
    g_assert_null(mdev_json_node_get_key(root));
    g_assert_null(mdev_json_node_get_next(root));
    write_node(out, root, 0);
    return g_string_free(out, FALSE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static MdevJsonDoc *reused;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) reused_error = NULL;
    g_autoptr(MdevJsonDoc) doc = NULL;
    g_autoptr(MdevJsonDoc) again = NULL;
    g_autofree char *text = NULL;
    g_autofree char *text_again = NULL;
    g_autofree char *text_reused = NULL;
    gboolean loaded;

    if (reused == NULL)
        reused = mdev_json_doc_new();
    doc = mdev_json_doc_parse((const char *) data, size, &error);
    g_assert_true((doc == NULL) != (error == NULL));
    loaded = mdev_json_doc_load(reused, (const char *) data, size, &reused_error);
    g_assert_cmpint(loaded, ==, doc != NULL);
    if (doc == NULL) {
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_cmpstr(error->message, ==, reused_error->message);
        g_assert_null(mdev_json_doc_get_root(reused));
        return 0;
    }

    text = write_doc(doc);
    text_reused = write_doc(reused);
    g_assert_cmpstr(text_reused, ==, text);
    again = mdev_json_doc_parse(text, strlen(text), &error);
    g_assert_no_error(error);
    text_again = write_doc(again);
    g_assert_cmpstr(text_again, ==, text);
    return 0;
}
