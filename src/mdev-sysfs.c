/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading and writing sysfs: attributes and links read relative to a
 * directory fd, values written with the single write() the kernel expects,
 * and the writes into an mdev's own directory. */
#include "mdev-sysfs.h"

#include "mdev-error.h"
#include "mdev-model.h"
#include "mdev-util.h"

#include <dirent.h>
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
 * mdev_sysfs_list_names:
 * @dir: a sysfs directory, such as %MDEV_SYSFS_PARENTS
 *
 * Returns: (transfer full) (element-type utf8): the names in @dir, in the
 *   order the directory gives them, hidden ones left out; empty when @dir
 *   cannot be read
 */
GPtrArray *
mdev_sysfs_list_names(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    DIR *handle = opendir(dir);
    struct dirent *entry;

    if (handle == NULL)
        return names;
    while ((entry = readdir(handle)) != NULL) {
        if (entry->d_name[0] != '.')
            g_ptr_array_add(names, g_strdup(entry->d_name));
    }
    closedir(handle);
    return names;
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

/* Writes @text to @fd and closes it. */
static gboolean
write_value(int fd, const char *text, int *ret_errno)
{
    gsize len = strlen(text);
    ssize_t n;

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
    int fd;

    fd = dirfd >= 0 ? openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY)
                    : open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *ret_errno = errno;
        return FALSE;
    }
    return write_value(fd, text, ret_errno);
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
 * mdev_sysfs_open_device:
 * @uuid: a canonical UUID
 * @parent: the mdev's parent, for messages
 * @error: return location for a #GError
 *
 * Opens the mdev's sysfs directory once, so that every attribute written
 * through the descriptor lands in this device and no other, and a device
 * that has gone is noticed instead of written past.
 *
 * Returns: the directory's descriptor, or -1 with %MDEV_ERROR_NOT_ACTIVE
 *   when the mdev does not exist
 */
int
mdev_sysfs_open_device(const char *uuid, const char *parent, GError **error)
{
    g_autofree char *dir = g_build_filename(MDEV_SYSFS_DEVICES, uuid, NULL);
    int fd;
    int err;

    g_return_val_if_fail(error == NULL || *error == NULL, -1);

    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    err = errno;
    if (err == ENOENT)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE,
                    _("mdev '%1$s' on parent '%2$s' does not exist: it was removed or never "
                      "created"),
                    uuid, parent);
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("cannot open the sysfs directory of mdev '%1$s' on parent '%2$s': %3$s"),
                    uuid, parent, g_strerror(err));
    return -1;
}

/* Opens @path below @dirfd one component at a time, never following a
 * symlink, so the file reached is inside the directory whatever the path's
 * components are on disk. Returns a descriptor or -errno. */
static int
open_below(int dirfd, const char *path, int flags)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    int fd = dirfd;

    for (guint i = 0; parts[i]; i++) {
        gboolean last = parts[i + 1] == NULL;
        int next = openat(fd, parts[i],
                          last ? flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY
                               : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int err = errno;

        if (fd != dirfd)
            close(fd);
        if (next < 0)
            return -err;
        fd = next;
    }
    return fd;
}

static gboolean
device_exists(const char *uuid)
{
    g_autofree char *dir = g_build_filename(MDEV_SYSFS_DEVICES, uuid, NULL);

    return access(dir, F_OK) == 0;
}

/**
 * mdev_sysfs_write_attr:
 * @devfd: the mdev's directory (mdev_sysfs_open_device())
 * @uuid: the mdev's UUID, for messages
 * @parent: the mdev's parent, for messages
 * @name: the attribute, a relative path (mdev_util_attr_name_is_valid())
 * @value: the value
 * @error: return location for a #GError
 *
 * Writes one attribute with a single write(). Each component of @name is
 * checked and opened relative to the one before without following links,
 * so `nvidia/vgpu_params` is written while `nvidia/../x`, `remove`,
 * `uevent` and a path through a symlink are refused. Every error names
 * the device, its parent, the attribute and what the kernel said.
 *
 * Returns: whether the value was written; %FALSE with
 *   %MDEV_ERROR_FAILED for a name that is no attribute (callers pass
 *   checked names: mdev_util_guard_path()),
 *   %MDEV_ERROR_INVALID_ARGUMENT for a symbolic link or a missing file,
 *   %MDEV_ERROR_NOT_ACTIVE when the mdev has gone, %MDEV_ERROR_KERNEL when
 *   the kernel refuses the value
 */
gboolean
mdev_sysfs_write_attr(int devfd, const char *uuid, const char *parent, const char *name,
                      const char *value, GError **error)
{
    int fd;
    int err = 0;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!mdev_util_guard_path(mdev_util_attr_name_is_valid(name), name, error))
        return FALSE;
    fd = open_below(devfd, name, O_WRONLY);
    if (fd < 0)
        err = -fd;
    else if (write_value(fd, value, &err))
        return TRUE;

    if ((err == ENOENT || err == ENODEV) && !device_exists(uuid))
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE,
                    _("mdev '%1$s' on parent '%2$s' went away before its attribute '%3$s' was "
                      "written: %4$s"),
                    uuid, parent, name, g_strerror(err));
    else if (err == ENOENT)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("mdev '%1$s' on parent '%2$s' has no attribute '%3$s': %4$s"), uuid, parent,
                    name, g_strerror(err));
    else if (err == ELOOP || err == ENOTDIR)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("attribute '%3$s' of mdev '%1$s' on parent '%2$s' is not written: a "
                      "component of its path is a symbolic link or not a directory (%4$s)"),
                    uuid, parent, name, g_strerror(err));
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("cannot write '%1$s' to attribute '%2$s' of mdev '%3$s' on parent '%4$s': "
                      "%5$s"),
                    value, name, uuid, parent, g_strerror(err));
    return FALSE;
}

/**
 * mdev_sysfs_write_attrs:
 * @uuid: the canonical UUID of an mdev that was just created
 * @parent: its parent, for messages
 * @attrs: (nullable) (element-type MdevAttr): attributes, in order
 * @error: return location for a #GError
 *
 * Writes the attributes in order (mdev_sysfs_write_attr()) through one
 * descriptor of the device's directory; on the first failure the device is
 * removed again so nothing half-made stays behind, and the error says so.
 *
 * Returns: whether every attribute was written
 */
gboolean
mdev_sysfs_write_attrs(const char *uuid, const char *parent, GPtrArray *attrs, GError **error)
{
    g_autoptr(GError) local = NULL;
    int devfd;
    int err = 0;

    if (attrs == NULL || attrs->len == 0)
        return TRUE;
    devfd = mdev_sysfs_open_device(uuid, parent, &local);
    for (guint i = 0; devfd >= 0 && i < attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(attrs, i);

        if (!mdev_sysfs_write_attr(devfd, uuid, parent, attr->name, attr->value, &local))
            break;
    }
    if (devfd >= 0)
        close(devfd);
    if (local == NULL)
        return TRUE;

    /* a device that has gone needs no removal */
    if (g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE))
        g_propagate_error(error, g_steal_pointer(&local));
    else if (!mdev_sysfs_remove_device(uuid, &err))
        g_set_error(error, local->domain, local->code,
                    _("%1$s; removing the device again failed too: %2$s"), local->message,
                    g_strerror(err));
    else
        g_set_error(error, local->domain, local->code, _("%s; the device was removed again"),
                    local->message);
    return FALSE;
}
