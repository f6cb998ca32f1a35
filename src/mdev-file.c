/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-file.h"

#include "mdev-error.h"
#include "mdev-util.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The durability both definition stores need around
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
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
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
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
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
