/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading and writing sysfs: attributes and links read relative to a
 * directory fd, values written with the single write() the kernel expects,
 * and the writes into an mdev's own directory. */
#include "mdev-sysfs.h"

#include "mdev-error.h"
#include "mdev-model.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

/**
 * mdev_sysfs_read_attr:
 * @dirfd: a directory file descriptor
 * @path: the attribute, relative to @dirfd
 * @buf: receives the value, NUL-terminated, trailing newlines removed
 * @size: the size of @buf; %MDEV_SYSFS_ATTR_MAX + 1 holds any attribute
 *
 * One read(): the kernel hands out a sysfs attribute's whole value at once.
 * No GError: the scan reads thousands of attributes and skips those that
 * vanished.
 *
 * Returns: the value's length, or -errno
 */
gssize
mdev_sysfs_read_attr(int dirfd, const char *path, char *buf, gsize size)
{
    ssize_t n;
    int fd;

    fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    do {
        n = read(fd, buf, size - 1);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    close(fd);
    while (n > 0 && buf[n - 1] == '\n')
        n--;
    buf[n] = '\0';
    return n;
}

/**
 * mdev_sysfs_read_link:
 * @dirfd: a directory file descriptor
 * @path: the link, relative to @dirfd
 * @buf: receives the target, NUL-terminated
 * @size: the size of @buf
 *
 * Returns: the target's length, or -errno (-%ENAMETOOLONG when it does
 *   not fit)
 */
gssize
mdev_sysfs_read_link(int dirfd, const char *path, char *buf, gsize size)
{
    ssize_t n = readlinkat(dirfd, path, buf, size - 1);

    if (n < 0)
        return -errno;
    if ((gsize) n >= size - 1)
        return -ENAMETOOLONG;
    buf[n] = '\0';
    return n;
}

/**
 * mdev_sysfs_write_once:
 * @dirfd: a directory file descriptor, or -1 for an absolute @path
 * @path: the attribute; relative to @dirfd it is opened without following a
 *   final symlink
 * @text: the value
 * @ret_errno: (out): the errno when the write fails
 *
 * Writes @text with a single write(), as sysfs takes a value.
 *
 * Returns: whether the whole value was written
 */
gboolean
mdev_sysfs_write_once(int dirfd, const char *path, const char *text, int *ret_errno)
{
    gsize len = strlen(text);
    ssize_t n;
    int fd;

    fd = dirfd >= 0 ? openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY)
                    : open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *ret_errno = errno;
        return FALSE;
    }
    /* sysfs takes the value from a single write() */
    do {
        n = write(fd, text, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 || (gsize) n != len) {
        *ret_errno = n < 0 ? errno : EIO;
        close(fd);
        return FALSE;
    }
    if (close(fd) < 0 && errno != EINTR) {
        *ret_errno = errno;
        return FALSE;
    }
    return TRUE;
}

/**
 * mdev_sysfs_remove_device:
 * @uuid: a canonical UUID
 * @ret_errno: (out): the errno when the kernel refuses
 *
 * Returns: whether the mdev's `remove` file took the write
 */
gboolean
mdev_sysfs_remove_device(const char *uuid, int *ret_errno)
{
    g_autofree char *path = g_build_filename(MDEV_SYSFS_DEVICES, uuid, "remove", NULL);

    return mdev_sysfs_write_once(-1, path, "1", ret_errno);
}

/**
 * mdev_sysfs_write_attrs:
 * @uuid: the canonical UUID of an mdev that was just created
 * @attrs: (nullable) (element-type MdevAttr): attributes, in order
 * @error: return location for a #GError
 *
 * Writes the attributes in order; on the first failure the device is
 * removed again so nothing half-made stays behind.
 *
 * Returns: whether every attribute was written
 */
gboolean
mdev_sysfs_write_attrs(const char *uuid, GPtrArray *attrs, GError **error)
{
    g_autofree char *dir = g_build_filename(MDEV_SYSFS_DEVICES, uuid, NULL);
    g_autoptr(GError) local = NULL;
    int dirfd;
    int err = 0;

    if (attrs == NULL || attrs->len == 0)
        return TRUE;
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        err = errno;
        g_set_error(&local, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("cannot open the directory of the new mdev '%1$s': %2$s"), uuid,
                    g_strerror(err));
    }
    for (guint i = 0; dirfd >= 0 && i < attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(attrs, i);

        if (mdev_sysfs_write_once(dirfd, attr->name, attr->value, &err))
            continue;
        if (err == ENOENT)
            g_set_error(&local, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("mdev '%1$s' has no attribute '%2$s'"), uuid, attr->name);
        else
            g_set_error(&local, MDEV_ERROR, MDEV_ERROR_KERNEL,
                        _("cannot write '%1$s' to attribute '%2$s' of mdev '%3$s': %4$s"),
                        attr->value, attr->name, uuid, g_strerror(err));
        break;
    }
    if (dirfd >= 0)
        close(dirfd);
    if (local == NULL)
        return TRUE;

    if (!mdev_sysfs_remove_device(uuid, &err))
        g_set_error(error, local->domain, local->code,
                    _("%1$s; removing the device again failed too: %2$s"), local->message,
                    g_strerror(err));
    else
        g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}
