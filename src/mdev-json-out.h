/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/**
 * MdevJsonOutFlags:
 * @MDEV_JSON_OUT_PRETTY: one member or element per line, indented two
 *   spaces per level, and a newline after the document
 * @MDEV_JSON_OUT_COMPACT: the document on one line, without spaces and
 *   without a final newline
 */
typedef enum {
    MDEV_JSON_OUT_PRETTY = 0,
    MDEV_JSON_OUT_COMPACT = 1 << 0,
} MdevJsonOutFlags;

/*
 * A JSON document produced as it is written, without a tree in memory:
 * listings of thousands of records go straight to their stream. The layout
 * is the one json-glib's generator prints (pretty with indent 2, or compact),
 * which is what every JSON output of mdevtool has always looked like.
 */
typedef struct _MdevJsonOut MdevJsonOut;

MdevJsonOut *mdev_json_out_new(FILE *stream, MdevJsonOutFlags flags) G_GNUC_WARN_UNUSED_RESULT;
void mdev_json_out_free(MdevJsonOut *out);
char *mdev_json_out_steal_text(MdevJsonOut *out) G_GNUC_WARN_UNUSED_RESULT;
void mdev_json_out_begin_object(MdevJsonOut *out);
void mdev_json_out_end_object(MdevJsonOut *out);
void mdev_json_out_begin_array(MdevJsonOut *out);
void mdev_json_out_end_array(MdevJsonOut *out);
void mdev_json_out_member(MdevJsonOut *out, const char *key);
void mdev_json_out_string(MdevJsonOut *out, const char *value);
void mdev_json_out_int(MdevJsonOut *out, gint64 value);
void mdev_json_out_bool(MdevJsonOut *out, gboolean value);
void mdev_json_out_null(MdevJsonOut *out);

void mdev_json_out_add_string(MdevJsonOut *out, const char *key, const char *value);
void mdev_json_out_add_int(MdevJsonOut *out, const char *key, gint64 value, gboolean present);
void mdev_json_out_add_bool(MdevJsonOut *out, const char *key, gboolean value, gboolean present);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevJsonOut, mdev_json_out_free)
