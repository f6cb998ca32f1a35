/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-discovery.h"
#include "mdev-model.h"
#include "mdev-placement.h"

G_BEGIN_DECLS

/**
 * MdevModification:
 * @type: (nullable): new type id
 * @autostart: -1 unchanged, 0 manual, 1 auto
 * @add_attr: (nullable): name of an attribute to insert
 * @add_value: (nullable): its value
 * @del_attr: remove an attribute
 * @index: position for @add_attr or @del_attr; -1: append / remove the last
 *
 * Changes to a definition, applied by mdev_ops_modify().
 */
typedef struct {
    const char *type;
    int autostart;
    const char *add_attr;
    const char *add_value;
    gboolean del_attr;
    gint64 index;
} MdevModification;

#define MDEV_MODIFICATION_INIT          \
    {                                   \
        NULL, -1, NULL, NULL, FALSE, -1 \
    }

char *mdev_ops_create(MdevContext *ctx, const char *parent, const char *type, const char *uuid,
                      GPtrArray *attrs, MdevPlacement placement, char **ret_parent,
                      GPtrArray *ret_messages, GError **error) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_ops_define(MdevContext *ctx, const char *parent, const char *type, const char *uuid,
                      gboolean autostart, GPtrArray *attrs, MdevPlacement placement,
                      char **ret_parent, GPtrArray *ret_messages, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_ops_undefine(MdevContext *ctx, const char *uuid, const char *parent,
                           GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_start(MdevContext *ctx, const char *uuid, const char *parent,
                        GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_stop(MdevContext *ctx, const char *uuid, GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_modify(MdevContext *ctx, const char *uuid, const char *parent,
                         const MdevModification *modification, GPtrArray *ret_messages,
                         GError **error);
gboolean mdev_ops_set_autostart(MdevContext *ctx, const char *uuid, const char *parent,
                                gboolean autostart, GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_start_parent(MdevContext *ctx, const char *parent, guint *ret_started,
                               GPtrArray *ret_messages, GError **error);

G_END_DECLS
