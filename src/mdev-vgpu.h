/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-placement.h"
#include "mdev-vgpu-store.h"

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
gboolean mdev_vgpu_stop_full(MdevContext *ctx, const char *address, gboolean force,
                             GPtrArray *ret_messages, GError **error);
gboolean mdev_vgpu_stop_undefined(MdevContext *ctx, const char *address, GPtrArray *ret_messages,
                                  GError **error);


/* Persistent VF vGPUs: definitions in mdevtool's own store (see
 * mdev-vgpu-store.h), made and checked under the card's lock. */
gboolean mdev_vgpu_is_card(const char *card);
char *mdev_vgpu_dup_card_of_vf(const char *address) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_vgpu_dup_running_address(MdevContext *ctx, const MdevVgpuDefinition *definition)
    G_GNUC_WARN_UNUSED_RESULT;
char *mdev_vgpu_define(MdevContext *ctx, const char *card, const char *type, const char *uuid,
                       const char *address, gboolean autostart, GPtrArray *attrs,
                       GPtrArray *ret_messages, GError **error) G_GNUC_WARN_UNUSED_RESULT;
MdevVgpuDefinition *mdev_vgpu_find_definition(MdevContext *ctx, const char *uuid,
                                              const char *card, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
char *mdev_vgpu_start(MdevContext *ctx, const char *uuid, const char *card,
                      GPtrArray *ret_messages, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_vgpu_undefine(MdevContext *ctx, const char *uuid, const char *card, GError **error);
gboolean mdev_vgpu_modify(MdevContext *ctx, const char *uuid, const char *card, const char *type,
                          const char *address, int autostart, gboolean set_params,
                          const char *params, GPtrArray *ret_messages, GError **error);
gboolean mdev_vgpu_start_card(MdevContext *ctx, const char *card, guint *ret_started,
                              GPtrArray *ret_messages, GError **error);

G_END_DECLS
