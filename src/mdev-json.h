/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-model.h"

G_BEGIN_DECLS

/* The deepest nesting of arrays and objects a JSON document may have:
 * serde_json's limit, so whatever mdevctl reads is read here too. */
#define MDEV_JSON_MAX_DEPTH 128

char *mdev_json_definition_to_string(const MdevDevice *definition) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_json_definition_to_compact(const MdevDevice *definition) G_GNUC_WARN_UNUSED_RESULT;
MdevDevice *mdev_json_definition_from_string(const char *text, const char *parent, const char *uuid,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_json_attrs_from_string(const char *text, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void mdev_json_append_string(GString *out, const char *value);

G_END_DECLS
