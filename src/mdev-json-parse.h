/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MdevJsonType:
 * @MDEV_JSON_NULL: `null`
 * @MDEV_JSON_FALSE: `false`
 * @MDEV_JSON_TRUE: `true`
 * @MDEV_JSON_NUMBER: a number, read with mdev_json_node_get_int() or
 *   mdev_json_node_get_double()
 * @MDEV_JSON_STRING: a string, read with mdev_json_node_get_string()
 * @MDEV_JSON_ARRAY: an array, walked with mdev_json_node_get_first() and
 *   mdev_json_node_get_next()
 * @MDEV_JSON_OBJECT: an object, walked the same way or searched with
 *   mdev_json_object_get()
 * @MDEV_JSON_LAST: the number of types
 */
typedef enum {
    MDEV_JSON_NULL,
    MDEV_JSON_FALSE,
    MDEV_JSON_TRUE,
    MDEV_JSON_NUMBER,
    MDEV_JSON_STRING,
    MDEV_JSON_ARRAY,
    MDEV_JSON_OBJECT,
    MDEV_JSON_LAST,
} MdevJsonType;

/*
 * A parsed JSON document: a read-only tree whose nodes and strings live in
 * the document and stay valid until it is freed or parsed into again.
 */
typedef struct _MdevJsonDoc MdevJsonDoc;
typedef struct _MdevJsonNode MdevJsonNode;

MdevJsonDoc *mdev_json_doc_new(void) G_GNUC_WARN_UNUSED_RESULT;
MdevJsonDoc *mdev_json_doc_parse(const char *text, gsize length, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
void mdev_json_doc_free(MdevJsonDoc *doc);
gboolean mdev_json_doc_load(MdevJsonDoc *doc, const char *text, gsize length, GError **error);
const MdevJsonNode *mdev_json_doc_get_root(const MdevJsonDoc *doc);

MdevJsonType mdev_json_node_get_type(const MdevJsonNode *node);
const char *mdev_json_node_get_string(const MdevJsonNode *node);
gboolean mdev_json_node_is_integer(const MdevJsonNode *node);
gboolean mdev_json_node_get_int(const MdevJsonNode *node, gint64 *ret_value);
gboolean mdev_json_node_get_double(const MdevJsonNode *node, double *ret_value);
guint mdev_json_node_get_size(const MdevJsonNode *node);
const MdevJsonNode *mdev_json_node_get_first(const MdevJsonNode *node);
const MdevJsonNode *mdev_json_node_get_next(const MdevJsonNode *node);
const char *mdev_json_node_get_key(const MdevJsonNode *node);
const MdevJsonNode *mdev_json_object_get(const MdevJsonNode *object, const char *key);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevJsonDoc, mdev_json_doc_free)
