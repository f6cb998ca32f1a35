/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"

G_BEGIN_DECLS

/* Seconds to wait for a lock before giving up; MDEVTOOL_LOCK_TIMEOUT
 * overrides it. */
#define MDEV_LOCK_DEFAULT_TIMEOUT 300
#define MDEV_ENV_LOCK_TIMEOUT "MDEVTOOL_LOCK_TIMEOUT"

/* Seconds of waiting for a lock after which the wait function is called. */
#define MDEV_LOCK_NOTICE_DELAY 1

typedef struct _MdevLock MdevLock;

/**
 * MdevLockWaitFunc:
 * @parent: the parent whose lock is awaited
 * @holder_pid: the process that holds it, or -1 when unknown
 * @holder_command: (nullable): what that process is, as it recorded itself
 * @user_data: the data given to mdev_lock_set_wait_func()
 *
 * Called once per lock, after %MDEV_LOCK_NOTICE_DELAY seconds of waiting.
 */
typedef void (*MdevLockWaitFunc)(const char *parent, gint64 holder_pid,
                                 const char *holder_command, gpointer user_data);

void mdev_lock_set_wait_func(MdevContext *ctx, MdevLockWaitFunc func, gpointer user_data);

MdevLock *mdev_lock_acquire(MdevContext *ctx, const char *const *parents, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
MdevLock *mdev_lock_acquire_one(MdevContext *ctx, const char *parent, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
void mdev_lock_release(MdevLock *lock);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevLock, mdev_lock_release)
