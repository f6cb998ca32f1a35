/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"

G_BEGIN_DECLS

/**
 * MdevDiscoveryFlags:
 * @MDEV_DISCOVERY_PARENTS: parents with their supported types
 * @MDEV_DISCOVERY_DEVICES: active mdevs
 * @MDEV_DISCOVERY_DEVICE_DRIVER: also read each active mdev's bound driver
 *   (one more readlink per mdev, so only when the caller shows it)
 * @MDEV_DISCOVERY_NO_TYPES: parents without their types (the parent records
 *   only; the types array stays empty)
 * @MDEV_DISCOVERY_NVIDIA_VF: also NVIDIA cards whose VFs are vGPUs (parents
 *   of kind %MDEV_PARENT_KIND_NVIDIA_VF) and, with %MDEV_DISCOVERY_DEVICES,
 *   their VFs that have a vGPU (in the inventory's vgpus)
 * @MDEV_DISCOVERY_TYPE_IDS: the parents' types by their ids alone, none of
 *   their files read (no name, description or device API; availability -1)
 * @MDEV_DISCOVERY_NO_PARENT_ATTRS: of a parent device itself only its
 *   subsystem (for its kind) and path: no driver, device node, PCI ids,
 *   physfn, IOMMU group, NUMA node or CSS bus id, for a caller that shows
 *   the types alone
 *
 * What mdev_discovery_scan() reads.
 */
typedef enum {
    MDEV_DISCOVERY_PARENTS = 1 << 0,
    MDEV_DISCOVERY_DEVICES = 1 << 1,
    MDEV_DISCOVERY_DEVICE_DRIVER = 1 << 2,
    MDEV_DISCOVERY_NO_TYPES = 1 << 3,
    MDEV_DISCOVERY_NVIDIA_VF = 1 << 4,
    MDEV_DISCOVERY_TYPE_IDS = 1 << 5,
    MDEV_DISCOVERY_NO_PARENT_ATTRS = 1 << 6,
} MdevDiscoveryFlags;

/**
 * MdevInventory:
 * @parents: (element-type MdevParent): parents, sorted by name
 * @devices: (element-type MdevDevice): mdevs, sorted by parent then UUID
 * @problems: (element-type utf8): what was skipped and why, for warnings
 * @vgpus: (element-type MdevDevice): NVIDIA VF vGPUs (records with an
 *   address and no UUID), sorted by card then address; kept apart from
 *   @devices, which are mdevs only
 *
 * One consistent look at the host: what the kernel showed during one scan,
 * optionally merged with the stored definitions.
 */
typedef struct {
    GPtrArray *parents;
    GPtrArray *devices;
    GPtrArray *problems;
    GPtrArray *vgpus;
} MdevInventory;

MdevInventory *mdev_inventory_new(void) G_GNUC_WARN_UNUSED_RESULT;
void mdev_inventory_free(MdevInventory *inv);

MdevParent *mdev_inventory_get_parent(MdevInventory *inv, const char *name);
MdevDevice *mdev_inventory_get_device(MdevInventory *inv, const char *uuid,
                                      const char *parent);
void mdev_inventory_add_definitions(MdevInventory *inv, GPtrArray *defined);

MdevType *mdev_discovery_read_type(MdevInventory *inv, const MdevParent *parent,
                                   const char *type_id) G_GNUC_WARN_UNUSED_RESULT;
MdevInventory *mdev_discovery_scan(MdevContext *ctx, MdevDiscoveryFlags flags,
                                   const char *parent, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

MdevInventory *mdev_discovery_scan_uuids(MdevContext *ctx, MdevDiscoveryFlags flags,
                                         const char *const *uuids, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

char *mdev_discovery_find_similar_parent(MdevContext *ctx, const char *name)
    G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevInventory, mdev_inventory_free)
