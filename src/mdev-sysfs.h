/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registered parents link here, by their kernel name. */
#define MDEV_SYSFS_PARENTS "/sys/class/mdev_bus"
/* Every mdev links here, by its UUID. */
#define MDEV_SYSFS_DEVICES "/sys/bus/mdev/devices"
/* A sysfs attribute is at most one page; one read() returns all of it. */
#define MDEV_SYSFS_ATTR_MAX 4096

gssize mdev_sysfs_read_attr(int dirfd, const char *path, char *buf, gsize size);
gssize mdev_sysfs_read_link(int dirfd, const char *path, char *buf, gsize size);
GPtrArray *mdev_sysfs_list_names(const char *dir) G_GNUC_WARN_UNUSED_RESULT;

gboolean mdev_sysfs_write_once(int dirfd, const char *path, const char *text, int *ret_errno);
gboolean mdev_sysfs_remove_device(const char *uuid, int *ret_errno);
int mdev_sysfs_open_device(const char *uuid, const char *parent, GError **error);
gboolean mdev_sysfs_write_attr(int devfd, const char *uuid, const char *parent, const char *name,
                               const char *value, GError **error);
gboolean mdev_sysfs_write_attrs(const char *uuid, const char *parent, GPtrArray *attrs,
                                GError **error);

G_END_DECLS
