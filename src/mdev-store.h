/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"

G_BEGIN_DECLS

/* Upper bound on a definition file's size; anything larger is not one. */
#define MDEV_STORE_MAX_FILE_SIZE (1024 * 1024)

char *mdev_store_dup_path(MdevContext *ctx, const char *parent, const char *uuid, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_store_load(MdevContext *ctx, const char *parent, const char *uuid,
                           GPtrArray *ret_problems, GError **error) G_GNUC_WARN_UNUSED_RESULT;
MdevDevice *mdev_store_load_one(MdevContext *ctx, const char *parent, const char *uuid,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_store_find_parents(MdevContext *ctx, const char *uuid, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_store_exists(MdevContext *ctx, const char *parent, const char *uuid);
gboolean mdev_store_save(MdevContext *ctx, const MdevDevice *definition, GError **error);
gboolean mdev_store_remove(MdevContext *ctx, const char *parent, const char *uuid, GError **error);

G_END_DECLS
