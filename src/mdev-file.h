/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean mdev_file_is_temporary_name(const char *name);
gboolean mdev_file_sync_dir(const char *dir, GError **error);
gboolean mdev_file_make_dir_durable(const char *dir, GError **error);
void mdev_file_remove_stale_temporaries(const char *dir);

/**
 * MdevFileReadFlags:
 * @MDEV_FILE_READ_DEFAULT: the caller knows the file to be a regular one
 * @MDEV_FILE_READ_CHECK_REGULAR: check that it is, with fstat()
 */
typedef enum {
    MDEV_FILE_READ_DEFAULT = 0,
    MDEV_FILE_READ_CHECK_REGULAR = 1 << 0,
} MdevFileReadFlags;

char *mdev_file_read_definition(int dirfd, const char *name, const char *path, gsize max_size,
                                MdevFileReadFlags flags, GError **error);

G_END_DECLS
