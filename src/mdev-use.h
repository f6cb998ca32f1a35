/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"

G_BEGIN_DECLS

/**
 * MdevHolder:
 * @pid: the process
 * @command: (nullable): its command name (`comm`)
 * @domain: (nullable): the libvirt domain, for a QEMU started with
 *   `-name guest=NAME`; %NULL when unknown
 * @node: the VFIO node it has open: `/dev/vfio/<group>` or
 *   `/dev/vfio/devices/vfio<N>`
 *
 * A process that holds an mdev through its VFIO group or device node.
 */
typedef struct {
    int pid;
    char *command;
    char *domain;
    char *node;
} MdevHolder;

void mdev_holder_free(MdevHolder *holder);
char *mdev_holder_describe(const MdevHolder *holder) G_GNUC_WARN_UNUSED_RESULT;

/**
 * MdevUse:
 *
 * The VFIO nodes that processes hold open, read in one pass over `/proc`.
 */
typedef struct _MdevUse MdevUse;

MdevUse *mdev_use_scan(MdevContext *ctx, GError **error) G_GNUC_WARN_UNUSED_RESULT;
MdevUse *mdev_use_scan_devices(MdevContext *ctx, GPtrArray *devices, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
void mdev_use_free(MdevUse *use);
gboolean mdev_use_is_complete(MdevUse *use);
GPtrArray *mdev_use_dup_holders(MdevUse *use, const MdevDevice *device) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_use_find_holders(MdevContext *ctx, const MdevDevice *device, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_use_check_idle(MdevContext *ctx, const MdevDevice *device, GError **error);

char *mdev_use_parse_domain(const char *cmdline, gsize length) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevHolder, mdev_holder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevUse, mdev_use_free)
