/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-monitor.h"

#include "mdev-discovery.h"
#include "mdev-enum.h"
#include "mdev-error.h"
#include "mdev-sysfs.h"
#include "mdev-udev.h"
#include "mdev-util.h"

#include <dirent.h>
#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

/**
 * MdevMonitor:
 *
 * Turns the udev event stream into mdev events. It listens on the "udev"
 * netlink group (events after udevd processed them, as libvirt does) and
 * calls its handler (mdev_monitor_set_handler()) from the thread-default
 * main context of the thread that created it.
 *
 * The kernel announces an mdev before it links its type (the mdev_type link
 * appears only after the mdev driver bound), so an added mdev is held back
 * until the link is there, the `bind` event arrives or the type timeout
 * expires.
 *
 * A plain reference-counted struct, not a GObject, like #MdevContext: the
 * one signal it had is a callback, and the tools do not load GObject.
 */

#define TYPE_POLL_MS 25
#define DEFAULT_TYPE_TIMEOUT_MS 2000

typedef struct {
    char *uuid;
    char *parent;
    char *syspath;
    gint64 deadline;
} PendingMdev;

struct _MdevMonitor {
    gatomicrefcount ref_count;

    MdevContext *ctx;
    struct udev_monitor *monitor;
    GMainContext *main_context;
    GSource *source;
    GSource *poll_source;
    guint type_timeout_ms;
    GHashTable *parents;   /* known parent names */
    GHashTable *types;     /* uuid -> type id of the mdevs seen */
    GHashTable *pending;   /* uuid -> PendingMdev */
    MdevMonitorFunc func;
    gpointer user_data;
    GDestroyNotify destroy;
};

MDEV_ENUM_IMPL(mdev_monitor_event_kind, MdevMonitorEventKind, MDEV_MONITOR_EVENT_LAST,
               "mdev-added", "mdev-removed", "parent-added", "parent-removed",
               "parent-registered", "parent-unregistered")

void
mdev_monitor_event_free(MdevMonitorEvent *event)
{
    if (event == NULL)
        return;
    g_free(event->parent);
    g_free(event->uuid);
    g_free(event->type);
    g_free(event->syspath);
    g_free(event);
}

static void
pending_free(PendingMdev *p)
{
    g_free(p->uuid);
    g_free(p->parent);
    g_free(p->syspath);
    g_free(p);
}

/* Only called while a source of the monitor is dispatched, which holds a
 * reference: when that is the last one, the handler dropped the caller's
 * and asked for no more events. */
static void
emit(MdevMonitor *self, MdevMonitorEventKind kind, const char *parent, const char *uuid,
     const char *type, const char *syspath)
{
    g_autoptr(MdevMonitorEvent) event = NULL;

    if (self->func == NULL || g_atomic_ref_count_compare(&self->ref_count, 1))
        return;
    event = g_new0(MdevMonitorEvent, 1);
    event->kind = kind;
    event->parent = g_strdup(parent);
    event->uuid = g_strdup(uuid);
    event->type = g_strdup(type);
    event->syspath = g_strdup(syspath);
    g_debug("event %s parent=%s uuid=%s type=%s", mdev_monitor_event_kind_to_string(kind), parent,
            uuid ? uuid : "-", type ? type : "-");
    self->func(self, event, self->user_data);
}

static char *
read_type_link(const char *syspath)
{
    g_autofree char *path = g_build_filename(syspath, "mdev_type", NULL);
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);

    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return g_path_get_basename(buf);
}

static void
emit_added(MdevMonitor *self, const char *uuid, const char *parent, const char *type,
           const char *syspath)
{
    if (type)
        g_hash_table_replace(self->types, g_strdup(uuid), g_strdup(type));
    emit(self, MDEV_MONITOR_EVENT_MDEV_ADDED, parent, uuid, type, syspath);
}

static gboolean
check_pending(MdevMonitor *self)
{
    gint64 now = g_get_monotonic_time();
    g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, self->pending);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        PendingMdev *p = value;
        g_autofree char *type = read_type_link(p->syspath);
        if (type || now >= p->deadline) {
            emit_added(self, p->uuid, p->parent, type, p->syspath);
            g_ptr_array_add(done, g_strdup(p->uuid));
        }
    }
    for (guint i = 0; i < done->len; i++)
        g_hash_table_remove(self->pending, g_ptr_array_index(done, i));
    if (g_hash_table_size(self->pending) > 0)
        return G_SOURCE_CONTINUE;
    g_clear_pointer(&self->poll_source, g_source_unref);
    return G_SOURCE_REMOVE;
}

/* The handler may drop the caller's last reference: the monitor holds one
 * while it dispatches and goes, if that was the last, at the end. */
static gboolean
poll_pending(gpointer data)
{
    MdevMonitor *self = mdev_monitor_ref(data);
    gboolean again = check_pending(self);

    mdev_monitor_unref(self);
    return again;
}

/* Flushes a pending mdev: emits its add with whatever type is there now. */
static void
settle_pending(MdevMonitor *self, const char *uuid, gboolean force)
{
    PendingMdev *p = g_hash_table_lookup(self->pending, uuid);
    g_autofree char *type = NULL;

    if (p == NULL)
        return;
    type = read_type_link(p->syspath);
    if (type == NULL && !force)
        return;
    emit_added(self, p->uuid, p->parent, type, p->syspath);
    g_hash_table_remove(self->pending, uuid);
}

static void
handle_mdev(MdevMonitor *self, struct udev_device *dev, const char *action)
{
    const char *uuid = sym_udev_device_get_sysname(dev);
    const char *syspath = sym_udev_device_get_syspath(dev);
    g_autofree char *dir = NULL;
    g_autofree char *parent = NULL;

    if (!mdev_util_uuid_is_canonical(uuid) || syspath == NULL)
        return;
    dir = g_path_get_dirname(syspath);
    parent = g_path_get_basename(dir);

    if (strcmp(action, "add") == 0) {
        g_autofree char *type = read_type_link(syspath);
        PendingMdev *p;

        if (type) {
            emit_added(self, uuid, parent, type, syspath);
            return;
        }
        p = g_new0(PendingMdev, 1);
        p->uuid = g_strdup(uuid);
        p->parent = g_strdup(parent);
        p->syspath = g_strdup(syspath);
        p->deadline = g_get_monotonic_time() + (gint64) self->type_timeout_ms * 1000;
        g_hash_table_replace(self->pending, p->uuid, p);
        if (self->poll_source == NULL) {
            self->poll_source = g_timeout_source_new(TYPE_POLL_MS);
            g_source_set_callback(self->poll_source, poll_pending, self, NULL);
            g_source_attach(self->poll_source, self->main_context);
        }
    } else if (strcmp(action, "bind") == 0) {
        settle_pending(self, uuid, FALSE);
    } else if (strcmp(action, "remove") == 0) {
        g_autofree char *known_uuid = NULL;
        g_autofree char *type = NULL;

        settle_pending(self, uuid, TRUE);
        /* steal the key too: with a NULL stolen_key the table neither
         * frees nor returns it */
        g_hash_table_steal_extended(self->types, uuid, (gpointer *) &known_uuid,
                                    (gpointer *) &type);
        emit(self, MDEV_MONITOR_EVENT_MDEV_REMOVED, parent, uuid, type, syspath);
    }
}

static gboolean
looks_like_parent(const char *sysname, const char *syspath)
{
    g_autofree char *link = g_build_filename(MDEV_SYSFS_PARENTS, sysname, NULL);
    g_autofree char *types = g_build_filename(syspath, "mdev_supported_types", NULL);

    return access(link, F_OK) == 0 || access(types, F_OK) == 0;
}

static void
handle_other(MdevMonitor *self, struct udev_device *dev, const char *action)
{
    const char *sysname = sym_udev_device_get_sysname(dev);
    const char *syspath = sym_udev_device_get_syspath(dev);
    const char *state = sym_udev_device_get_property_value(dev, "MDEV_STATE");

    if (sysname == NULL || syspath == NULL)
        return;
    if (strcmp(action, "change") == 0 && state) {
        if (strcmp(state, "registered") == 0) {
            g_hash_table_add(self->parents, g_strdup(sysname));
            emit(self, MDEV_MONITOR_EVENT_PARENT_REGISTERED, sysname, NULL, NULL, syspath);
        } else if (strcmp(state, "unregistered") == 0) {
            emit(self, MDEV_MONITOR_EVENT_PARENT_UNREGISTERED, sysname, NULL, NULL, syspath);
        }
    } else if (strcmp(action, "add") == 0) {
        if (g_hash_table_contains(self->parents, sysname) ||
            looks_like_parent(sysname, syspath)) {
            g_hash_table_add(self->parents, g_strdup(sysname));
            emit(self, MDEV_MONITOR_EVENT_PARENT_ADDED, sysname, NULL, NULL, syspath);
        }
    } else if (strcmp(action, "remove") == 0) {
        if (g_hash_table_remove(self->parents, sysname))
            emit(self, MDEV_MONITOR_EVENT_PARENT_REMOVED, sysname, NULL, NULL, syspath);
    }
}

/* Holds a reference while it dispatches, as poll_pending() does. */
static gboolean
on_readable(int fd, GIOCondition condition, gpointer data)
{
    MdevMonitor *self = mdev_monitor_ref(data);
    struct udev_device *dev;

    while ((dev = sym_udev_monitor_receive_device(self->monitor)) != NULL) {
        const char *action = sym_udev_device_get_action(dev);
        const char *subsystem = sym_udev_device_get_subsystem(dev);

        if (action && g_strcmp0(subsystem, "mdev") == 0)
            handle_mdev(self, dev, action);
        else if (action && g_strcmp0(subsystem, "vfio-dev") != 0)
            handle_other(self, dev, action);
        sym_udev_device_unref(dev);
    }
    mdev_monitor_unref(self);
    return G_SOURCE_CONTINUE;
}

/**
 * mdev_monitor_ref:
 * @self: a monitor
 *
 * Returns: (transfer full): @self, with one more reference
 */
MdevMonitor *
mdev_monitor_ref(MdevMonitor *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_atomic_ref_count_inc(&self->ref_count);
    return self;
}

/**
 * mdev_monitor_unref:
 * @self: (nullable): a monitor
 *
 * Drops a reference. The last one stops listening: the monitor's sources
 * leave their main context, the udev monitor is closed, the handler's
 * destroy function is called, then the monitor is freed.
 */
void
mdev_monitor_unref(MdevMonitor *self)
{
    if (self == NULL || !g_atomic_ref_count_dec(&self->ref_count))
        return;
    if (self->source) {
        g_source_destroy(self->source);
        g_clear_pointer(&self->source, g_source_unref);
    }
    if (self->poll_source) {
        g_source_destroy(self->poll_source);
        g_clear_pointer(&self->poll_source, g_source_unref);
    }
    g_clear_pointer(&self->main_context, g_main_context_unref);
    g_clear_pointer(&self->monitor, sym_udev_monitor_unref);
    g_clear_pointer(&self->ctx, mdev_context_unref);
    mdev_monitor_set_handler(self, NULL, NULL, NULL);
    g_hash_table_unref(self->parents);
    g_hash_table_unref(self->types);
    g_hash_table_unref(self->pending);
    g_free(self);
}

static MdevMonitor *
monitor_alloc(void)
{
    MdevMonitor *self = g_new0(MdevMonitor, 1);

    g_atomic_ref_count_init(&self->ref_count);
    self->type_timeout_ms = DEFAULT_TYPE_TIMEOUT_MS;
    self->parents = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    self->types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    self->pending = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) pending_free);
    return self;
}

/* What is there when monitoring starts: known parents (to report their
 * removal) and the types of running mdevs (to name them on removal, when
 * the link is gone). */
static void
remember_present(MdevMonitor *self)
{
    g_autoptr(MdevInventory) inv = NULL;
    DIR *dir = opendir(MDEV_SYSFS_PARENTS);
    struct dirent *entry;

    if (dir) {
        while ((entry = readdir(dir)) != NULL) {
            if (entry->d_name[0] != '.')
                g_hash_table_add(self->parents, g_strdup(entry->d_name));
        }
        closedir(dir);
    }
    inv = mdev_discovery_scan(self->ctx, MDEV_DISCOVERY_DEVICES, NULL, NULL);
    for (guint i = 0; inv && i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);
        if (device->type)
            g_hash_table_replace(self->types, g_strdup(device->uuid), g_strdup(device->type));
    }
}

/**
 * mdev_monitor_new:
 * @ctx: a context
 * @error: return location for a #GError
 *
 * Starts listening right away; events are delivered in the thread-default
 * main context of the caller, to the handler set with
 * mdev_monitor_set_handler() before that context runs again.
 *
 * Returns: (transfer full): the monitor, or %NULL with @error set
 */
MdevMonitor *
mdev_monitor_new(MdevContext *ctx, GError **error)
{
    g_autoptr(MdevMonitor) self = NULL;
    struct udev *uctx;
    int fd;

    g_return_val_if_fail(ctx != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    uctx = mdev_context_get_udev(ctx, error);
    if (uctx == NULL)
        return NULL;
    self = monitor_alloc();
    self->ctx = mdev_context_ref(ctx);
    self->monitor = sym_udev_monitor_new_from_netlink(uctx, "udev");
    if (self->monitor == NULL) {
        int err = errno;
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                    _("cannot listen to udev events: %s"), g_strerror(err));
        return NULL;
    }
    if (sym_udev_monitor_enable_receiving(self->monitor) < 0) {
        int err = errno;
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                    _("cannot listen to udev events: %s"), g_strerror(err));
        return NULL;
    }
    /* listen first, then look: nothing that happens in between is lost */
    remember_present(self);

    fd = sym_udev_monitor_get_fd(self->monitor);
    self->source = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(self->source, G_SOURCE_FUNC(on_readable), self, NULL);
    g_source_set_name(self->source, "mdev-monitor");
    self->main_context = g_main_context_ref_thread_default();
    g_source_attach(self->source, self->main_context);
    return g_steal_pointer(&self);
}

/**
 * mdev_monitor_set_handler:
 * @self: a monitor
 * @func: (nullable): called for each event; %NULL drops the events
 * @user_data: passed to @func
 * @destroy: (nullable): called on @user_data when the handler is replaced
 *   or the monitor goes
 *
 * Sets the one function that events are given to, replacing the previous
 * one (whose @destroy is called right away).
 */
void
mdev_monitor_set_handler(MdevMonitor *self, MdevMonitorFunc func, gpointer user_data,
                         GDestroyNotify destroy)
{
    GDestroyNotify old_destroy;
    gpointer old_data;

    g_return_if_fail(self != NULL);
    old_destroy = self->destroy;
    old_data = self->user_data;
    self->func = func;
    self->user_data = user_data;
    self->destroy = destroy;
    if (old_destroy)
        old_destroy(old_data);
}

/**
 * mdev_monitor_set_type_timeout:
 * @self: a monitor
 * @timeout_ms: how long to wait for an added mdev's type link
 *
 * After this time an added mdev is reported without a type.
 */
void
mdev_monitor_set_type_timeout(MdevMonitor *self, guint timeout_ms)
{
    g_return_if_fail(self != NULL);
    self->type_timeout_ms = timeout_ms;
}
