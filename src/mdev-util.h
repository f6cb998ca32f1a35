/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Length of a canonical hyphenated UUID, without the terminating NUL. */
#define MDEV_UUID_STRING_LEN 36

gboolean mdev_util_name_is_valid(const char *name);
gboolean mdev_util_attr_name_is_valid(const char *name);
gboolean mdev_util_check_name(const char *what, const char *name, GError **error);
gboolean mdev_util_check_uuid(const char *uuid, GError **error);
gboolean mdev_util_guard_path(gboolean checked, const char *name, GError **error);

int mdev_util_compare_strings(gconstpointer a, gconstpointer b);

/* room for any gint64 in decimal, with its sign and the NUL */
#define MDEV_UTIL_INT_TEXT_SIZE 21
const char *mdev_util_int_text(gint64 value, char buf[MDEV_UTIL_INT_TEXT_SIZE]);

char *mdev_util_uuid_canonicalize(const char *text, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_util_uuid_is_canonical(const char *text);
char *mdev_util_uuid_generate(void) G_GNUC_WARN_UNUSED_RESULT;

gboolean mdev_util_write_file_atomic(const char *path, const char *contents, gsize length,
                                     int mode, GError **error);

G_END_DECLS
