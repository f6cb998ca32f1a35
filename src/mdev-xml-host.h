/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"
#include "mdev-xml.h"

G_BEGIN_DECLS

MdevDevice *mdev_xml_host_read_definition(MdevContext *ctx, const char *path, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_host_dump_nodedev(MdevContext *ctx, const char *name, MdevXmlFormatFlags flags,
                                 GPtrArray *ret_problems, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_xml_host_resolve_device(MdevContext *ctx, const char *name, char **ret_uuid,
                                      char **ret_parent, GError **error);
char *mdev_xml_host_resolve_parent(MdevContext *ctx, const char *name) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_host_dump_hostdev(MdevContext *ctx, const char *uuid, const char *model,
                                 MdevXmlSwitch display, MdevXmlSwitch ramfb,
                                 GPtrArray *ret_problems, GError **error) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_host_parse_vf_address(const char *name) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_host_dump_vf_hostdev(const char *address, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
