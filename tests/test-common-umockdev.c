/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "test-common.h"

#include <umockdev.h>

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
