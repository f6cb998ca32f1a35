/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to the library and its tests. */

#include <glib.h>

#include "mdev-callout.h"

G_BEGIN_DECLS

/* Reads a script's answer to the capabilities query into @self: TRUE when
 * @text is a "supports" document, FALSE for anything else (then the script is
 * an unversioned one). @path names the script in messages. */
gboolean mdev_callout_parse_supports(MdevCallout *self, const char *path, const char *text);

G_END_DECLS
