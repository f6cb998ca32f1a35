/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-discovery.h"
#include "mdev-model.h"
#include "mdev-placement.h"
#include "mdev-virt.h"

G_BEGIN_DECLS

/**
 * MdevFleetScanFlags:
 * @MDEV_FLEET_SCAN_PARENTS: list the parents and their types
 * @MDEV_FLEET_SCAN_DEVICES: list the mdevs, active and defined
 */
typedef enum {
    MDEV_FLEET_SCAN_PARENTS = 1 << 0,
    MDEV_FLEET_SCAN_DEVICES = 1 << 1,
} MdevFleetScanFlags;

/**
 * MdevFleetChange:
 * @MDEV_FLEET_START: start a defined mdev
 * @MDEV_FLEET_STOP: stop an active mdev
 * @MDEV_FLEET_UNDEFINE: remove a definition
 * @MDEV_FLEET_AUTOSTART_ON: start the mdev with its parent
 * @MDEV_FLEET_AUTOSTART_OFF: start it only when asked
 *
 * What mdev_fleet_change() does to one mdev.
 */
typedef enum {
    MDEV_FLEET_START,
    MDEV_FLEET_STOP,
    MDEV_FLEET_UNDEFINE,
    MDEV_FLEET_AUTOSTART_ON,
    MDEV_FLEET_AUTOSTART_OFF,
    MDEV_FLEET_CHANGE_LAST
} MdevFleetChange;

/**
 * MdevFleetInventory:
 * @inv: parents and mdevs in the records the local scan produces, named by
 *   their kernel names on that host
 * @parent_nodedevs: (element-type utf8 utf8): parent kernel name to the
 *   node-device name libvirt gives it
 *
 * What one host's libvirt says about its mdevs.
 */
typedef struct {
    MdevInventory *inv;
    GHashTable *parent_nodedevs;
} MdevFleetInventory;

MdevFleetInventory *mdev_fleet_scan(MdevVirtConnection *connection, MdevFleetScanFlags flags,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
void mdev_fleet_inventory_free(MdevFleetInventory *inventory);
MdevDevice *mdev_fleet_inventory_find_device(MdevFleetInventory *inventory, const char *uuid,
                                             const char *parent, GError **error);

char *mdev_fleet_dump_xml(MdevVirtConnection *connection, const char *nodedev, gboolean inactive,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_fleet_define(MdevVirtConnection *connection, MdevFleetInventory *inventory,
                        const MdevDevice *definition, gboolean autostart, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
char *mdev_fleet_create(MdevVirtConnection *connection, MdevFleetInventory *inventory,
                        const MdevDevice *definition, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_fleet_change(MdevVirtConnection *connection, const MdevDevice *device,
                           MdevFleetChange change, GError **error);
gboolean mdev_fleet_place(GPtrArray *inventories, const char *const *hosts, const char *type,
                          const char *parent, MdevPlacement placement, guint *ret_host,
                          char **ret_parent, char **ret_type, GError **error);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevFleetInventory, mdev_fleet_inventory_free)
