/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to the library, for the tests and the fuzz targets. */

#include <glib.h>

G_BEGIN_DECLS

gboolean mdev_callout_parse_supports(const char *text, guint *ret_actions, guint *ret_events,
                                     GPtrArray *unknown);

G_END_DECLS
