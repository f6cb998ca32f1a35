/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean mdev_file_is_temporary_name(const char *name);
gboolean mdev_file_sync_dir(const char *dir, GError **error);
gboolean mdev_file_make_dir_durable(const char *dir, GError **error);
void mdev_file_remove_stale_temporaries(const char *dir);

G_END_DECLS
