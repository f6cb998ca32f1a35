/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"

G_BEGIN_DECLS

/* Upper bounds: a definition file, and the vgpu_params it may carry (the
 * driver takes one sysfs page). */
#define MDEV_VGPU_STORE_MAX_FILE_SIZE (64 * 1024)
#define MDEV_VGPU_PARAMS_MAX 4095

/**
 * MdevVgpuDefinition:
 * @uuid: its name, a canonical UUID
 * @card: the card, the PF's PCI address
 * @type: the type id, `nvidia-<decimal>`; ids are card-local
 * @address: (nullable): the VF it is pinned to; %NULL: any free VF
 * @params: (nullable): vgpu_params written after the type
 * @autostart: start it when the card's VFs appear
 *
 * A persistent NVIDIA VF vGPU: what to write on which card.
 */
typedef struct {
    char *uuid;
    char *card;
    char *type;
    char *address;
    char *params;
    gboolean autostart;
} MdevVgpuDefinition;

MdevVgpuDefinition *mdev_vgpu_definition_new(const char *uuid, const char *card,
                                             const char *type) G_GNUC_WARN_UNUSED_RESULT;
void mdev_vgpu_definition_free(MdevVgpuDefinition *definition);

MdevVgpuDefinition *mdev_vgpu_definition_from_string(const char *text, const char *uuid,
                                                     const char *card, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
char *mdev_vgpu_definition_to_string(const MdevVgpuDefinition *definition)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_vgpu_definition_check(const MdevVgpuDefinition *definition, GError **error);

GPtrArray *mdev_vgpu_store_load(MdevContext *ctx, const char *card, const char *uuid,
                                GPtrArray *ret_problems, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_vgpu_store_find_cards(MdevContext *ctx, const char *uuid, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
MdevVgpuDefinition *mdev_vgpu_store_load_one(MdevContext *ctx, const char *card,
                                             const char *uuid, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_vgpu_store_save(MdevContext *ctx, const MdevVgpuDefinition *definition,
                              GError **error);
gboolean mdev_vgpu_store_remove(MdevContext *ctx, const char *card, const char *uuid,
                                GError **error);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevVgpuDefinition, mdev_vgpu_definition_free)
