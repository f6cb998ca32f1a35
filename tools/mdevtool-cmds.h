/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mdevtool.h"

G_BEGIN_DECLS

/* Every command of the native CLI, one per tools/mdevtool-<name>.c; the table
 * in mdevtool.c lists them for dispatch and for --help. */

MDEVTOOL_CMD(mdevtool_cmd_parents);
MDEVTOOL_CMD(mdevtool_cmd_types);
MDEVTOOL_CMD(mdevtool_cmd_list);
MDEVTOOL_CMD(mdevtool_cmd_monitor);
MDEVTOOL_CMD(mdevtool_cmd_create);
MDEVTOOL_CMD(mdevtool_cmd_define);
MDEVTOOL_CMD(mdevtool_cmd_start);
MDEVTOOL_CMD(mdevtool_cmd_stop);
MDEVTOOL_CMD(mdevtool_cmd_undefine);
MDEVTOOL_CMD(mdevtool_cmd_gc);
MDEVTOOL_CMD(mdevtool_cmd_modify);
MDEVTOOL_CMD(mdevtool_cmd_autostart);
MDEVTOOL_CMD(mdevtool_cmd_start_parent);
MDEVTOOL_CMD(mdevtool_cmd_dumpxml);
MDEVTOOL_CMD(mdevtool_cmd_hostdev);
MDEVTOOL_CMD(mdevtool_cmd_doctor);
MDEVTOOL_CMD(mdevtool_cmd_hook);

G_END_DECLS
