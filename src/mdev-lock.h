/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"

G_BEGIN_DECLS

/* Seconds to wait for a lock before giving up; MDEVTOOL_LOCK_TIMEOUT
 * overrides it. */
#define MDEV_LOCK_DEFAULT_TIMEOUT 300
#define MDEV_ENV_LOCK_TIMEOUT "MDEVTOOL_LOCK_TIMEOUT"

typedef struct _MdevLock MdevLock;

MdevLock *mdev_lock_acquire(MdevContext *ctx, const char *const *parents, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
MdevLock *mdev_lock_acquire_one(MdevContext *ctx, const char *parent, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
void mdev_lock_release(MdevLock *lock);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevLock, mdev_lock_release)
