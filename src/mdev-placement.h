/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-discovery.h"
#include "mdev-model.h"

G_BEGIN_DECLS

/**
 * MdevPlacement:
 * @MDEV_PLACEMENT_PACK: fill the busiest parent (or physical function)
 *   that still has room, keeping others free for other types
 * @MDEV_PLACEMENT_SPREAD: use the least loaded parent (or physical
 *   function), spreading devices across GPUs
 *
 * How a parent is chosen when the caller names none.
 */
typedef enum {
    MDEV_PLACEMENT_PACK,
    MDEV_PLACEMENT_SPREAD,
    MDEV_PLACEMENT_LAST
} MdevPlacement;

const char *mdev_placement_to_string(MdevPlacement placement);
gboolean mdev_placement_from_string(const char *text, MdevPlacement *ret_placement, GError **error);

char *mdev_placement_resolve_type(MdevInventory *inv, const char *parent, const char *type,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
MdevParent *mdev_placement_choose(MdevInventory *inv, const char *type_id, MdevPlacement placement,
                                  GHashTable *allowed, GError **error);

G_END_DECLS
