/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/*
 * A JSON document written to a stream as it is produced, byte for byte
 * what json-glib's generator prints for the same document (pretty, indent
 * 2): listings of thousands of records need no tree in memory.
 */
typedef struct _MdevtoolJsonOut MdevtoolJsonOut;

MdevtoolJsonOut *mdevtool_json_out_new(FILE *stream) G_GNUC_WARN_UNUSED_RESULT;
void mdevtool_json_out_free(MdevtoolJsonOut *out);
void mdevtool_json_out_begin_object(MdevtoolJsonOut *out);
void mdevtool_json_out_end_object(MdevtoolJsonOut *out);
void mdevtool_json_out_begin_array(MdevtoolJsonOut *out);
void mdevtool_json_out_end_array(MdevtoolJsonOut *out);
void mdevtool_json_out_member(MdevtoolJsonOut *out, const char *key);
void mdevtool_json_out_string(MdevtoolJsonOut *out, const char *value);
void mdevtool_json_out_int(MdevtoolJsonOut *out, gint64 value);
void mdevtool_json_out_bool(MdevtoolJsonOut *out, gboolean value);
void mdevtool_json_out_null(MdevtoolJsonOut *out);

void mdevtool_json_out_add_string(MdevtoolJsonOut *out, const char *key, const char *value);
void mdevtool_json_out_add_int(MdevtoolJsonOut *out, const char *key, gint64 value,
                               gboolean present);
void mdevtool_json_out_add_bool(MdevtoolJsonOut *out, const char *key, gboolean value,
                                gboolean present);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevtoolJsonOut, mdevtool_json_out_free)
