/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-fleet.h"
#include "mdevtool.h"

G_BEGIN_DECLS

/* The hosts of one command run with -c: each host that answered, with its
 * inventory. Hosts that failed have been reported, one line each. */
typedef struct {
    char *uri;
    MdevVirtConnection *connection;
    MdevFleetInventory *inventory;
} MdevtoolFleetHost;

typedef struct {
    GPtrArray *hosts;
    guint failed;
} MdevtoolFleet;

MdevtoolFleet *mdevtool_fleet_open(MdevtoolCli *cli, MdevFleetScanFlags flags);
void mdevtool_fleet_free(MdevtoolFleet *fleet);
int mdevtool_fleet_status(const MdevtoolFleet *fleet);
void mdevtool_fleet_print_problems(MdevtoolFleet *fleet);
MdevtoolFleetHost *mdevtool_fleet_find_device(MdevtoolFleet *fleet, const char *uuid,
                                              const char *parent, MdevDevice **ret_device,
                                              GError **error);

int mdevtool_fleet_define(MdevtoolCli *cli, const char *cmd, const char *type, const char *parent,
                          const char *uuid, GPtrArray *attrs, gboolean autostart,
                          MdevPlacement placement, const char *xml);
int mdevtool_fleet_device_op(MdevtoolCli *cli, const char *cmd, const char *uuid,
                             const char *parent, gboolean enable);
int mdevtool_fleet_dumpxml(MdevtoolCli *cli, const char *name, gboolean inactive);

/* Prints a list of parents with the host each belongs to (parallel arrays). */
typedef void (*MdevtoolFleetParentsPrinter)(GPtrArray *parents, GPtrArray *hosts);
int mdevtool_fleet_show_parents(MdevtoolCli *cli, const char *parent,
                                MdevtoolFleetParentsPrinter print_json,
                                MdevtoolFleetParentsPrinter print_text);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevtoolFleet, mdevtool_fleet_free)
