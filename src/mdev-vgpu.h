/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-placement.h"

G_BEGIN_DECLS

/* Changes to NVIDIA VF vGPUs: a type id written to a VF's
 * nvidia/current_vgpu_type under the card's lock, and 0 to destroy it. */

gboolean mdev_vgpu_offers_type(MdevContext *ctx, const char *card, const char *type);
char *mdev_vgpu_create(MdevContext *ctx, const char *card, const char *type, GPtrArray *attrs,
                       MdevPlacement placement, char **ret_card, char **ret_type,
                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_vgpu_create_on_vf(MdevContext *ctx, const char *address, const char *card,
                                const char *type, GPtrArray *attrs, gboolean *ret_created,
                                char **ret_type, GError **error);
gboolean mdev_vgpu_stop(MdevContext *ctx, const char *address, GPtrArray *ret_messages,
                        GError **error);

G_END_DECLS
