/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-lock.h"

#include "mdev-context-private.h"
#include "mdev-error.h"
#include "mdev-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

/*
 * Host-wide locks: flock() on <state_dir>/parent-<name>.lock, one file per
 * parent. Everything that reads a parent's capacity or the store and then
 * acts on it (create, start, define's "already defined?") holds the
 * parent's lock, so concurrent processes cannot both see the last free
 * instance, and a definition is never written twice. flock() locks die with
 * their process, so a crash never leaves a stale lock behind.
 *
 * Several parents are always locked in sorted order, so two processes that
 * both need several of them cannot deadlock.
 *
 * The holder writes "PID COMMAND" into the file, and empties it again
 * before it lets go, so that a waiter can say whom it waits for. A holder
 * that crashed leaves its record behind: a record whose process is gone is
 * ignored.
 */

struct _MdevLock {
    GArray *fds;
};

static guint
lock_timeout(void)
{
    const char *value = g_getenv(MDEV_ENV_LOCK_TIMEOUT);
    guint64 seconds;

    if (value && g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT / 1000, &seconds, NULL))
        return (guint) seconds;
    return MDEV_LOCK_DEFAULT_TIMEOUT;
}

/**
 * mdev_lock_set_wait_func:
 * @ctx: a context
 * @func: (nullable): called when a lock of @ctx is awaited for a while
 * @user_data: passed to @func
 *
 * The library does not print: a caller that wants to say why it waits sets
 * this function.
 */
void
mdev_lock_set_wait_func(MdevContext *ctx, MdevLockWaitFunc func, gpointer user_data)
{
    g_return_if_fail(ctx != NULL);
    mdev_context_set_lock_wait_func(ctx, func, user_data);
}

static void
record_holder(int fd)
{
    const char *command = g_get_prgname();
    g_autofree char *record =
        g_strdup_printf("%ld %s\n", (long) getpid(), command ? command : "unknown");

    /* best effort: the record only serves the messages of waiters */
    if (ftruncate(fd, 0) == 0 && pwrite(fd, record, strlen(record), 0) < 0)
        g_debug("cannot record the holder of a lock: %s", g_strerror(errno));
}

/* The live holder recorded in the lock file, if any. */
static gboolean
read_holder(int fd, gint64 *ret_pid, char **ret_command)
{
    char buf[256];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    char *end = NULL;
    gint64 pid;

    if (n <= 0)
        return FALSE;
    buf[n] = '\0';
    pid = g_ascii_strtoll(buf, &end, 10);
    if (pid <= 0 || end == buf || *end != ' ' || (kill((pid_t) pid, 0) < 0 && errno != EPERM))
        return FALSE;
    *ret_pid = pid;
    *ret_command = g_strndup(end + 1, strcspn(end + 1, "\n"));
    return TRUE;
}

static int
lock_one(MdevContext *ctx, const char *state_dir, const char *parent, gint64 deadline,
         GError **error)
{
    g_autofree char *name = g_strdup_printf("parent-%s.lock", parent);
    g_autofree char *path = g_build_filename(state_dir, name, NULL);
    gpointer wait_data = NULL;
    MdevLockWaitFunc wait_func = mdev_context_get_lock_wait_func(ctx, &wait_data);
    gint64 notice = g_get_monotonic_time() + MDEV_LOCK_NOTICE_DELAY * G_USEC_PER_SEC;
    int fd;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot open lock file '%1$s': %2$s"), path, g_strerror(err));
        return -1;
    }
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            record_holder(fd);
            return fd;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int err = errno;
            close(fd);
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        _("cannot lock '%1$s': %2$s"), path, g_strerror(err));
            return -1;
        }
        if (g_get_monotonic_time() >= deadline) {
            g_autofree char *command = NULL;
            gint64 pid;

            if (read_holder(fd, &pid, &command))
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                            _("parent '%1$s' is locked by process %2$ld (%3$s) (lock file "
                              "'%4$s')"),
                            parent, (long) pid, command, path);
            else
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                            _("parent '%1$s' is locked by another process (lock file '%2$s')"),
                            parent, path);
            close(fd);
            return -1;
        }
        if (wait_func && notice > 0 && g_get_monotonic_time() >= notice) {
            g_autofree char *command = NULL;
            gint64 pid = -1;

            notice = 0;
            if (!read_holder(fd, &pid, &command))
                pid = -1;
            wait_func(parent, pid, command, wait_data);
        }
        g_usleep(5000 + g_random_int_range(0, 5000));
    }
}

/**
 * mdev_lock_acquire:
 * @ctx: a context
 * @parents: (array zero-terminated=1): the parents to lock, in any order,
 *   duplicates allowed
 * @error: return location for a #GError
 *
 * Takes the host-wide locks of @parents, waiting up to the lock timeout.
 *
 * Returns: (transfer full): the held locks, released by
 *   mdev_lock_release(), or %NULL with %MDEV_ERROR_BUSY on timeout
 */
MdevLock *
mdev_lock_acquire(MdevContext *ctx, const char *const *parents, GError **error)
{
    const char *state_dir = mdev_context_get_state_dir(ctx);
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();
    g_autoptr(MdevLock) lock = g_new0(MdevLock, 1);
    gint64 deadline = g_get_monotonic_time() + (gint64) lock_timeout() * G_USEC_PER_SEC;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    lock->fds = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; parents && parents[i]; i++) {
        /* the callers checked the names; this is where they become paths */
        if (!mdev_util_guard_path(mdev_util_name_is_valid(parents[i]), parents[i], error))
            return NULL;
        g_ptr_array_add(sorted, (gpointer) parents[i]);
    }
    g_ptr_array_sort(sorted, mdev_util_compare_strings);

    if (sorted->len > 0 && g_mkdir_with_parents(state_dir, 0755) < 0) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot create directory '%1$s': %2$s"), state_dir, g_strerror(err));
        return NULL;
    }
    for (guint i = 0; i < sorted->len; i++) {
        const char *parent = g_ptr_array_index(sorted, i);
        int fd;

        if (i > 0 && strcmp(parent, g_ptr_array_index(sorted, i - 1)) == 0)
            continue;
        fd = lock_one(ctx, state_dir, parent, deadline, error);
        if (fd < 0)
            return NULL;
        g_array_append_val(lock->fds, fd);
    }
    return g_steal_pointer(&lock);
}

/**
 * mdev_lock_acquire_one:
 * @ctx: a context
 * @parent: the parent to lock
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the held lock, or %NULL
 */
MdevLock *
mdev_lock_acquire_one(MdevContext *ctx, const char *parent, GError **error)
{
    const char *parents[] = { parent, NULL };

    return mdev_lock_acquire(ctx, parents, error);
}

/**
 * mdev_lock_release:
 * @lock: (nullable): held locks
 *
 * Releases the locks in reverse order and frees @lock.
 */
void
mdev_lock_release(MdevLock *lock)
{
    if (lock == NULL)
        return;
    for (guint i = lock->fds ? lock->fds->len : 0; i > 0; i--) {
        int fd = g_array_index(lock->fds, int, i - 1);

        /* still ours while locked: the next holder writes its own */
        if (ftruncate(fd, 0) < 0)
            g_debug("cannot clear the holder of a lock: %s", g_strerror(errno));
        close(fd);
    }
    if (lock->fds)
        g_array_unref(lock->fds);
    g_free(lock);
}
