/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small helpers the test programs share. test-common.c needs GLib and
 * libudev only; test-common-umockdev.c, in the umockdev test library, holds
 * what needs a testbed. */

#include <glib.h>

G_BEGIN_DECLS

struct udev_device;
struct udev_monitor;

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
