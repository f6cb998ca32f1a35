/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "test-common.h"

#include <glib/gstdio.h>
#include <libudev.h>
#include <poll.h>

/* The last component of a symlink's target, NULL when @path is no link. */
char *
test_dup_link_basename(const char *path)
{
    g_autofree char *target = g_file_read_link(path, NULL);

    return target ? g_path_get_basename(target) : NULL;
}

/* Removes @path, and everything below it when it is a directory, without
 * following links. */
void
test_remove_tree(const char *path)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (g_file_test(path, G_FILE_TEST_IS_SYMLINK) || !g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_unlink(path);
        return;
    }
    dir = g_dir_open(path, 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        test_remove_tree(child);
    }
    g_rmdir(path);
}

/* The next uevent, waiting up to five seconds; NULL when none came. */
struct udev_device *
test_receive_uevent(struct udev_monitor *monitor)
{
    struct pollfd pfd = { .fd = udev_monitor_get_fd(monitor), .events = POLLIN };

    for (int i = 0; i < 50; i++) {
        struct udev_device *dev = udev_monitor_receive_device(monitor);
        if (dev)
            return dev;
        poll(&pfd, 1, 100);
    }
    return NULL;
}
