/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-model.h"

G_BEGIN_DECLS

/* Node-device documents larger than this are refused before parsing. */
#define MDEV_XML_MAX_SIZE (256 * 1024)
/* Elements nested deeper than this are refused while parsing; node-device
 * documents need five levels. */
#define MDEV_XML_MAX_DEPTH 32

char *mdev_xml_parse_uuid(const char *text, GError **error) G_GNUC_WARN_UNUSED_RESULT;
MdevDevice *mdev_xml_parse_nodedev(const char *xml, gssize length, const GPtrArray *parents,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
MdevDevice *mdev_xml_parse_nodedev_file(const char *path, const GPtrArray *parents, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
MdevDevice *mdev_xml_parse_listed_device(const char *xml, gssize length, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
MdevParent *mdev_xml_parse_parent(const char *xml, gssize length, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
