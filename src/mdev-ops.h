/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-discovery.h"
#include "mdev-model.h"
#include "mdev-placement.h"

G_BEGIN_DECLS

/**
 * MdevOpsFlags:
 * @MDEV_OPS_NONE: mdevtool's behaviour
 * @MDEV_OPS_TYPE_AS_GIVEN: define stores the type as given, without looking
 *   at the parent's types (mdevctl defines for parents and types that are
 *   not there yet)
 * @MDEV_OPS_RUNNING_ATTRIBUTES: define of a running device always asks
 *   the get-attributes callout for its attributes, after the pre callout,
 *   as mdevctl does; without the flag they are asked for before pre, and
 *   only when the caller gives none and the parent is the running one
 * @MDEV_OPS_IGNORE_RUNNING: define takes nothing from a running mdev with
 *   the UUID (the definition came whole from a file)
 * @MDEV_OPS_FORCE: stop and undefine act on a device that a process holds
 *   (see mdev_use_check_idle())
 * @MDEV_OPS_UNDEFINED_ONLY: stop leaves a device alone that is defined
 *   (under any parent) by the time it holds the lock (gc)
 *
 * The few places where the mdevctl front end keeps mdevctl's semantics,
 * and what the user may override.
 */
typedef enum {
    MDEV_OPS_NONE = 0,
    MDEV_OPS_TYPE_AS_GIVEN = 1 << 0,
    MDEV_OPS_RUNNING_ATTRIBUTES = 1 << 1,
    MDEV_OPS_IGNORE_RUNNING = 1 << 2,
    MDEV_OPS_FORCE = 1 << 3,
    MDEV_OPS_UNDEFINED_ONLY = 1 << 4,
} MdevOpsFlags;

/**
 * MdevModification:
 * @type: (nullable): new type, an id or a name, resolved and checked
 *   against the parent's types as create does
 * @autostart: -1 unchanged, 0 manual, 1 auto
 * @add_attr: (nullable): name of an attribute to insert
 * @add_value: (nullable): its value
 * @del_attr: remove an attribute
 * @index: position for @add_attr or @del_attr; -1: append / remove the last
 * @replace: (nullable): a whole definition whose type, start mode and
 *   attributes replace the stored ones, which need not exist (mdevctl's
 *   modify --jsonfile); the other fields are then ignored
 * @address: (nullable): the VF an NVIDIA VF vGPU definition is pinned to
 *   from now on, "" to un-pin it
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
    const MdevDevice *replace;
    const char *address;
} MdevModification;

#define MDEV_MODIFICATION_INIT                      \
    {                                               \
        NULL, -1, NULL, NULL, FALSE, -1, NULL, NULL \
    }

/**
 * MdevOpsSkipReason:
 * @MDEV_OPS_SKIP_MANUAL: the definition does not start automatically
 * @MDEV_OPS_SKIP_RUNNING: the mdev already runs with the defined parent
 *   and type
 * @MDEV_OPS_SKIP_UNREGISTERED: the parent is absent or not registered
 *   with the mdev core yet
 *
 * Why mdev_ops_start_parent() left a definition alone.
 */
typedef enum {
    MDEV_OPS_SKIP_MANUAL,
    MDEV_OPS_SKIP_RUNNING,
    MDEV_OPS_SKIP_UNREGISTERED,
} MdevOpsSkipReason;

/**
 * MdevOpsSkipped:
 * @uuid: the definition's UUID
 * @reason: why it was not started
 */
typedef struct {
    char *uuid;
    MdevOpsSkipReason reason;
} MdevOpsSkipped;

void mdev_ops_skipped_free(MdevOpsSkipped *skipped);

char *mdev_ops_create(MdevContext *ctx, const char *parent, const char *type, const char *uuid,
                      GPtrArray *attrs, MdevPlacement placement, char **ret_parent,
                      GPtrArray *ret_messages, GError **error) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_ops_define(MdevContext *ctx, const char *parent, const char *type, const char *uuid,
                      gboolean autostart, GPtrArray *attrs, MdevPlacement placement,
                      MdevOpsFlags flags, char **ret_parent, gboolean *ret_placed,
                      GPtrArray *ret_messages, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_ops_undefine(MdevContext *ctx, const char *uuid, const char *parent,
                           GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_undefine_full(MdevContext *ctx, const char *uuid, const char *parent,
                                MdevOpsFlags flags, GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_start(MdevContext *ctx, const char *uuid, const char *parent,
                        GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_stop(MdevContext *ctx, const char *uuid, GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_stop_full(MdevContext *ctx, const char *uuid, MdevOpsFlags flags,
                            GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_modify(MdevContext *ctx, const char *uuid, const char *parent,
                         const MdevModification *modification, GPtrArray *ret_messages,
                         GError **error);
gboolean mdev_ops_set_autostart(MdevContext *ctx, const char *uuid, const char *parent,
                                gboolean autostart, GPtrArray *ret_messages, GError **error);
gboolean mdev_ops_start_parent(MdevContext *ctx, const char *parent, guint *ret_started,
                               GPtrArray *ret_skipped, GPtrArray *ret_messages, GError **error);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevOpsSkipped, mdev_ops_skipped_free)
