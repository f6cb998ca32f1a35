/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-ops.h"
#include "mdevtool.h"

G_BEGIN_DECLS

/* Helpers shared by the commands that create, change or remove mdevs. */

GPtrArray *mdevtool_parse_attrs(char **specs, GError **error);
char *mdevtool_take_uuid_argument(const char *cmd, int argc, char **argv, int *ret_status);
gboolean mdevtool_parse_placement(const char *text, MdevPlacement *ret_placement, int *ret_status);
int mdevtool_finish(GPtrArray *messages, const GError *error);

G_END_DECLS
