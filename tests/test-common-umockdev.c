/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "test-common.h"

#include "mock-sysfs.h"

#include <libudev.h>

void
test_udev_fixture_setup(TestUdevFixture *fx, gconstpointer data)
{
    fx->sysfs = mock_sysfs_new();
    fx->udev = udev_new();
}

void
test_udev_fixture_teardown(TestUdevFixture *fx, gconstpointer data)
{
    udev_unref(fx->udev);
    mock_sysfs_free(fx->sysfs);
}

/* Skips the running test (visibly) when the umockdev preload is missing;
 * ask it once a testbed exists. */
gboolean
test_skip_without_umockdev(void)
{
    if (umockdev_in_mock_environment())
        return FALSE;
    g_test_skip("needs the umockdev preload (LD_PRELOAD=libumockdev-preload.so.0)");
    return TRUE;
}
