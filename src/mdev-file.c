/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-file.h"

#include "mdev-error.h"
#include "mdev-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Reading a definition file, and the durability both definition stores need around
 * mdev_util_write_file_atomic(): directories synced when they gain or lose
 * an entry, and the temporary files of interrupted writes cleared away.
 */

/**
 * mdev_file_sync_dir:
 * @dir: a directory
 * @error: return location for a #GError
 *
 * Syncs @dir, making the entries it gained or lost durable.
 *
 * Returns: %TRUE on success
 */
gboolean
mdev_file_sync_dir(const char *dir, GError **error)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int err;

    if (fd >= 0 && fsync(fd) == 0) {
        close(fd);
        return TRUE;
    }
    err = errno;
    if (fd >= 0)
        close(fd);
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                _("cannot sync directory '%1$s': %2$s"), dir, g_strerror(err));
    return FALSE;
}

/**
 * mdev_file_make_dir_durable:
 * @dir: a directory
 * @error: return location for a #GError
 *
 * mkdir -p in which every directory that gains an entry is synced, so that
 * a new definition cannot vanish with its directory after a power loss.
 *
 * Returns: %TRUE on success; %FALSE with %MDEV_ERROR_INVALID_CONFIG when
 *   @dir, or a directory above it that has to be walked, exists and is not
 *   a directory
 */
gboolean
mdev_file_make_dir_durable(const char *dir, GError **error)
{
    g_autofree char *above = NULL;
    GStatBuf st;
    int err;

    if (g_lstat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return TRUE;
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("definitions directory '%s' is not a directory"), dir);
        return FALSE;
    }
    above = g_path_get_dirname(dir);
    /* a link to a directory above the store's own is the administrator's */
    if (strcmp(above, dir) != 0 && !g_file_test(above, G_FILE_TEST_IS_DIR) &&
        !mdev_file_make_dir_durable(above, error))
        return FALSE;
    if (g_mkdir(dir, 0755) < 0 && errno != EEXIST) {
        err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot create directory '%1$s': %2$s"), dir, g_strerror(err));
        return FALSE;
    }
    return mdev_file_sync_dir(above, error);
}

/**
 * mdev_file_is_temporary_name:
 * @name: a file name
 *
 * Returns: whether @name is a temporary file of the atomic writer,
 *   "<uuid>.XXXXXX" as g_mkstemp() names it, which readers skip
 */
gboolean
mdev_file_is_temporary_name(const char *name)
{
    char uuid[MDEV_UUID_STRING_LEN + 1];

    if (strlen(name) != MDEV_UUID_STRING_LEN + 7 || name[MDEV_UUID_STRING_LEN] != '.')
        return FALSE;
    for (const char *p = name + MDEV_UUID_STRING_LEN + 1; *p; p++) {
        if (!g_ascii_isalnum(*p))
            return FALSE;
    }
    memcpy(uuid, name, MDEV_UUID_STRING_LEN);
    uuid[MDEV_UUID_STRING_LEN] = '\0';
    return mdev_util_uuid_is_canonical(uuid);
}

/**
 * mdev_file_remove_stale_temporaries:
 * @dir: a store's directory
 *
 * A writer killed between creating its temporary file and renaming it
 * leaves "<uuid>.XXXXXX" behind; mdevctl would warn about it forever. Every
 * writer of a store's directory holds that directory's lock, so whoever
 * holds it finds no temporary file that is being written: all are left
 * overs, and go.
 */
void
mdev_file_remove_stale_temporaries(const char *dir)
{
    g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
    const char *name;

    while (handle && (name = g_dir_read_name(handle)) != NULL) {
        g_autofree char *path = NULL;
        GStatBuf st;

        if (!mdev_file_is_temporary_name(name))
            continue;
        path = g_build_filename(dir, name, NULL);
        if (g_lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            g_debug("removing '%s', left over by an interrupted write", path);
            g_unlink(path);
        }
    }
}

static char *
set_read_error(int err, const char *path, GError **error)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                _("cannot read definition '%1$s': %2$s"), path, g_strerror(err));
    return NULL;
}

/* @message names the file already */
static char *
set_invalid(char *message, GError **error)
{
    g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, message);
    g_free(message);
    return NULL;
}

/* The whole file behind @fd, NUL-terminated, @max_size + 1 bytes at most.
 * A read that returns less than asked for is the end of a regular file, so
 * a definition (far below 4 KiB) takes one read. */
static char *
read_fd(int fd, const char *path, gsize max_size, gsize *ret_length, GError **error)
{
    gsize capacity = MIN(max_size + 1, 4096);
    gsize length = 0;
    g_autofree char *buffer = g_malloc(capacity + 1);

    for (;;) {
        gsize asked;
        gssize n;

        if (length == capacity) {
            if (capacity > max_size)
                break;
            capacity = MIN(capacity * 2, max_size + 1);
            buffer = g_realloc(buffer, capacity + 1);
        }
        asked = capacity - length;
        n = read(fd, buffer + length, asked);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return set_read_error(errno, path, error);
        length += (gsize) n;
        if ((gsize) n < asked)
            break;
    }
    buffer[length] = '\0';
    *ret_length = length;
    return g_steal_pointer(&buffer);
}

/**
 * mdev_file_read_definition:
 * @dirfd: the directory @name is in, or %AT_FDCWD
 * @name: the file, relative to @dirfd
 * @path: the file's path, for messages
 * @max_size: the largest size accepted, in bytes
 * @flags: whether to check that it is a regular file
 * @error: return location for a #GError
 *
 * Reads a definition file whole: one open that refuses a symbolic link
 * (O_NOFOLLOW) and does not block on something that turned into a FIFO
 * since the caller looked (O_NONBLOCK), then one read for a small file.
 * Without %MDEV_FILE_READ_CHECK_REGULAR, something swapped in since the
 * caller saw a regular file fails to read (a FIFO, a directory), or to
 * parse, or hits the size bound.
 *
 * Returns: (transfer full): the contents, NUL-terminated; %NULL with a
 *   %G_FILE_ERROR from the system call that failed (%G_FILE_ERROR_NOENT
 *   when the file does not exist), or %MDEV_ERROR_INVALID_CONFIG for a
 *   link, something that is not a regular file, a file larger than
 *   @max_size or one holding a NUL byte
 */
char *
mdev_file_read_definition(int dirfd, const char *name, const char *path, gsize max_size,
                          MdevFileReadFlags flags, GError **error)
{
    g_autofree char *contents = NULL;
    gsize length = 0;
    struct stat st;
    int fd;

    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && errno == ELOOP)
        return set_invalid(g_strdup_printf(_("definition '%s' is not a regular file"), path),
                           error);
    if (fd < 0)
        return set_read_error(errno, path, error);
    if ((flags & MDEV_FILE_READ_CHECK_REGULAR) && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return set_invalid(g_strdup_printf(_("definition '%s' is not a regular file"), path),
                           error);
    }
    contents = read_fd(fd, path, max_size, &length, error);
    close(fd);
    if (contents == NULL)
        return NULL;
    if (length > max_size)
        return set_invalid(g_strdup_printf(_("definition '%s' is too large"), path), error);
    if (strlen(contents) != length)
        return set_invalid(g_strdup_printf(_("definition '%s' contains a NUL byte"), path), error);
    return g_steal_pointer(&contents);
}
