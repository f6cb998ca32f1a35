/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to the library: what other modules keep in the context. */

#include <glib.h>

#include "mdev-context.h"
#include "mdev-lock.h"

G_BEGIN_DECLS

/* The storage behind mdev_lock_set_wait_func(); only mdev-lock.c calls
 * these. */
void mdev_context_set_lock_wait_func(MdevContext *self, MdevLockWaitFunc func,
                                     gpointer user_data);
MdevLockWaitFunc mdev_context_get_lock_wait_func(MdevContext *self, gpointer *ret_user_data);

G_END_DECLS
