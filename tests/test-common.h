/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small helpers the test programs share. test-common.c needs GLib and
 * libudev only; test-common-umockdev.c, in the umockdev test library, holds
 * what needs a testbed. */

#include <glib.h>
#include <libudev.h>

G_BEGIN_DECLS

/* The tests call libudev directly; the library opens it on first use
 * (src/mdev-udev.h). g_autoptr() needs one-word type names. */
typedef struct udev udev;
typedef struct udev_device udev_device;
typedef struct udev_enumerate udev_enumerate;
typedef struct udev_monitor udev_monitor;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev, udev_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_device, udev_device_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_enumerate, udev_enumerate_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_monitor, udev_monitor_unref)

char *test_dup_link_basename(const char *path) G_GNUC_WARN_UNUSED_RESULT;
void test_remove_tree(const char *path);
struct udev_device *test_receive_uevent(struct udev_monitor *monitor) G_GNUC_WARN_UNUSED_RESULT;

/* test-common-umockdev.c */
struct _MockSysfs;
struct udev;

/* A testbed and a libudev that reads it. */
typedef struct {
    struct _MockSysfs *sysfs;
    struct udev *udev;
} TestUdevFixture;

void test_udev_fixture_setup(TestUdevFixture *fx, gconstpointer data);
void test_udev_fixture_teardown(TestUdevFixture *fx, gconstpointer data);
gboolean test_skip_without_umockdev(void);

G_END_DECLS
