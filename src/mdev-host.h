/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-discovery.h"

G_BEGIN_DECLS

/**
 * MdevHostFlags:
 * @MDEV_HOST_PARENTS: also the parents and their types
 * @MDEV_HOST_DEVICE_DRIVER: also each active mdev's bound driver
 * @MDEV_HOST_ALL_DEFINITIONS: every definition, those of inactive mdevs
 *   becoming records of their own; without it only the definitions of the
 *   active mdevs are read (one lookup each)
 * @MDEV_HOST_TOLERANT: sysfs or a store that cannot be read is a problem
 *   (in the inventory's problems), not an error: the view is then partial
 * @MDEV_HOST_DEFINED_ONLY: every definition, and of the active mdevs only
 *   those with a defined UUID, each looked up directly (not with
 *   %MDEV_HOST_PARENTS)
 * @MDEV_HOST_NVIDIA_VF: also NVIDIA cards and their VF vGPUs
 *   (%MDEV_DISCOVERY_NVIDIA_VF)
 * @MDEV_HOST_STORE_ONLY: with %MDEV_HOST_DEFINED_ONLY, the definitions
 *   alone: sysfs is not read and no mdev is active, for a listing that
 *   does not show whether they run
 *
 * What mdev_host_scan() reads.
 */
typedef enum {
    MDEV_HOST_PARENTS = 1 << 0,
    MDEV_HOST_DEVICE_DRIVER = 1 << 1,
    MDEV_HOST_ALL_DEFINITIONS = 1 << 2,
    MDEV_HOST_TOLERANT = 1 << 3,
    MDEV_HOST_DEFINED_ONLY = 1 << 4,
    MDEV_HOST_NVIDIA_VF = 1 << 5,
    MDEV_HOST_STORE_ONLY = 1 << 6,
} MdevHostFlags;

MdevInventory *mdev_host_scan(MdevContext *ctx, MdevHostFlags flags, const char *parent,
                              const char *uuid, GPtrArray **ret_definitions, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
