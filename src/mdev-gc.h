/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"

G_BEGIN_DECLS

/**
 * MdevGcFlags:
 * @MDEV_GC_NONE: domains are asked for their devices through libvirt
 * @MDEV_GC_NO_LIBVIRT: judge by definitions and use alone
 * @MDEV_GC_DRY_RUN: mdev_gc_run() removes nothing
 */
typedef enum {
    MDEV_GC_NONE = 0,
    MDEV_GC_NO_LIBVIRT = 1 << 0,
    MDEV_GC_DRY_RUN = 1 << 1,
} MdevGcFlags;

/**
 * MdevGcVerdict:
 * @MDEV_GC_REMOVE: nothing claims the device
 * @MDEV_GC_KEEP_DEFINED: a definition claims it
 * @MDEV_GC_KEEP_IN_USE: a process holds it
 * @MDEV_GC_KEEP_USE_UNKNOWN: not every process could be looked at
 * @MDEV_GC_KEEP_DOMAIN: a domain claims it
 */
typedef enum {
    MDEV_GC_REMOVE,
    MDEV_GC_KEEP_DEFINED,
    MDEV_GC_KEEP_IN_USE,
    MDEV_GC_KEEP_USE_UNKNOWN,
    MDEV_GC_KEEP_DOMAIN,
    MDEV_GC_VERDICT_LAST
} MdevGcVerdict;

/**
 * MdevGcEntry:
 * @device: an active mdev, or an NVIDIA VF vGPU (no UUID, its VF's address)
 * @verdict: what gc makes of it
 * @claimant: (nullable): the holder (in words) or the domain that claims it
 * @removed: mdev_gc_run() removed it
 * @error: (nullable): why mdev_gc_run() could not remove it
 */
typedef struct {
    MdevDevice *device;
    MdevGcVerdict verdict;
    char *claimant;
    gboolean removed;
    GError *error;
} MdevGcEntry;

void mdev_gc_entry_free(MdevGcEntry *entry);

const char *mdev_gc_verdict_to_string(MdevGcVerdict verdict);

GPtrArray *mdev_gc_plan(MdevContext *ctx, const char *uri, MdevGcFlags flags, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_gc_run(MdevContext *ctx, GPtrArray *plan, MdevGcFlags flags, GPtrArray *ret_messages);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevGcEntry, mdev_gc_entry_free)
