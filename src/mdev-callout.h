/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"

G_BEGIN_DECLS

/* Seconds a callout or notifier script may run before it is killed;
 * MDEVTOOL_CALLOUT_TIMEOUT overrides it. */
#define MDEV_CALLOUT_DEFAULT_TIMEOUT 60
#define MDEV_ENV_CALLOUT_TIMEOUT "MDEVTOOL_CALLOUT_TIMEOUT"

/* Bytes of a script's stdout, and of its stderr, that are kept; the rest is
 * read and discarded. Output that was cut is never used as JSON. */
#define MDEV_CALLOUT_MAX_OUTPUT (1024 * 1024)

/* Milliseconds to go on reading a script's output once it has exited, for
 * what is still in the pipes; a process it left behind that keeps them open
 * longer is killed with the script's process group. */
#define MDEV_CALLOUT_DRAIN_MSEC 1000

/* The callout protocol's version mdevtool speaks (mdevctl's "provides"). */
#define MDEV_CALLOUT_VERSION 2

typedef enum {
    MDEV_CALLOUT_ACTION_DEFINE,
    MDEV_CALLOUT_ACTION_UNDEFINE,
    MDEV_CALLOUT_ACTION_MODIFY,
    MDEV_CALLOUT_ACTION_START,
    MDEV_CALLOUT_ACTION_STOP,
    MDEV_CALLOUT_ACTION_ATTRIBUTES,
    MDEV_CALLOUT_ACTION_CAPABILITIES,
    MDEV_CALLOUT_ACTION_LAST
} MdevCalloutAction;

typedef enum {
    MDEV_CALLOUT_EVENT_PRE,
    MDEV_CALLOUT_EVENT_POST,
    MDEV_CALLOUT_EVENT_NOTIFY,
    MDEV_CALLOUT_EVENT_GET,
    MDEV_CALLOUT_EVENT_LIVE,
    MDEV_CALLOUT_EVENT_LAST
} MdevCalloutEvent;

typedef enum {
    MDEV_CALLOUT_STATE_NONE,
    MDEV_CALLOUT_STATE_SUCCESS,
    MDEV_CALLOUT_STATE_FAILURE,
    MDEV_CALLOUT_STATE_LAST
} MdevCalloutState;

typedef struct _MdevCallout MdevCallout;

MdevCallout *mdev_callout_new(MdevContext *ctx, const MdevDevice *device) G_GNUC_WARN_UNUSED_RESULT;
void mdev_callout_free(MdevCallout *self);

void mdev_callout_set_device(MdevCallout *self, const MdevDevice *device);
void mdev_callout_set_timeout(MdevCallout *self, guint seconds);
GPtrArray *mdev_callout_get_messages(MdevCallout *self);

gboolean mdev_callout_pre(MdevCallout *self, MdevCalloutAction action, GError **error);
void mdev_callout_post(MdevCallout *self, MdevCalloutAction action, gboolean success);
void mdev_callout_notify(MdevCallout *self, MdevCalloutAction action, MdevCalloutState state);
GPtrArray *mdev_callout_get_attributes(MdevCallout *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_callout_live(MdevCallout *self, GError **error);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevCallout, mdev_callout_free)
