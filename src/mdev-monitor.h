/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"

G_BEGIN_DECLS

/**
 * MdevMonitorEventKind:
 * @MDEV_MONITOR_EVENT_MDEV_ADDED: an mdev appeared (reported once its type
 *   link is there, or with no type after a timeout)
 * @MDEV_MONITOR_EVENT_MDEV_REMOVED: an mdev went away
 * @MDEV_MONITOR_EVENT_PARENT_ADDED: a device that is (or becomes) an mdev
 *   parent was added
 * @MDEV_MONITOR_EVENT_PARENT_REMOVED: a known parent device was removed
 * @MDEV_MONITOR_EVENT_PARENT_REGISTERED: a parent registered with the mdev
 *   core (`change` with `MDEV_STATE=registered`)
 * @MDEV_MONITOR_EVENT_PARENT_UNREGISTERED: a parent unregistered
 */
typedef enum {
    MDEV_MONITOR_EVENT_MDEV_ADDED,
    MDEV_MONITOR_EVENT_MDEV_REMOVED,
    MDEV_MONITOR_EVENT_PARENT_ADDED,
    MDEV_MONITOR_EVENT_PARENT_REMOVED,
    MDEV_MONITOR_EVENT_PARENT_REGISTERED,
    MDEV_MONITOR_EVENT_PARENT_UNREGISTERED,
    MDEV_MONITOR_EVENT_LAST
} MdevMonitorEventKind;

const char *mdev_monitor_event_kind_to_string(MdevMonitorEventKind kind);

/**
 * MdevMonitorEvent:
 * @kind: what happened
 * @parent: the parent's kernel name
 * @uuid: (nullable): the mdev's UUID, for mdev events
 * @type: (nullable): the mdev's type id when known
 * @syspath: the device's sysfs path
 */
typedef struct {
    MdevMonitorEventKind kind;
    char *parent;
    char *uuid;
    char *type;
    char *syspath;
} MdevMonitorEvent;

void mdev_monitor_event_free(MdevMonitorEvent *event);

typedef struct _MdevMonitor MdevMonitor;

/**
 * MdevMonitorFunc:
 * @monitor: the monitor
 * @event: the event, valid during the call
 * @user_data: the data given to mdev_monitor_set_handler()
 *
 * Called for each event. It may drop the last reference to @monitor: it is
 * then not called again, and the monitor goes when the call returns.
 */
typedef void (*MdevMonitorFunc)(MdevMonitor *monitor, const MdevMonitorEvent *event,
                                gpointer user_data);

MdevMonitor *mdev_monitor_new(MdevContext *ctx, GError **error) G_GNUC_WARN_UNUSED_RESULT;
MdevMonitor *mdev_monitor_ref(MdevMonitor *self);
void mdev_monitor_unref(MdevMonitor *self);

void mdev_monitor_set_handler(MdevMonitor *self, MdevMonitorFunc func, gpointer user_data,
                              GDestroyNotify destroy);
void mdev_monitor_set_type_timeout(MdevMonitor *self, guint timeout_ms);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevMonitorEvent, mdev_monitor_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevMonitor, mdev_monitor_unref)
