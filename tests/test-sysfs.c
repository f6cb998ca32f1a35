/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

static void
test_read_attr(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("mdev-sysfs-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "available_instances", NULL);
    char buf[MDEV_SYSFS_ATTR_MAX + 1];
    int dirfd;

    g_assert_true(g_file_set_contents(path, "24\n", -1, NULL));
    dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    g_assert_cmpint(dirfd, >=, 0);
    g_assert_cmpint(mdev_sysfs_read_attr(dirfd, "available_instances", buf, sizeof(buf)), ==, 2);
    g_assert_cmpstr(buf, ==, "24");
    g_assert_cmpint(mdev_sysfs_read_attr(dirfd, "description", buf, sizeof(buf)), ==, -ENOENT);
    close(dirfd);
    g_unlink(path);
    g_rmdir(dir);
}

static void
test_read_link(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("mdev-sysfs-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "iommu_group", NULL);
    char buf[64];
    char small[8];
    int dirfd;

    g_assert_cmpint(symlink("../../../kernel/iommu_groups/12", path), ==, 0);
    dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    g_assert_cmpint(dirfd, >=, 0);
    g_assert_cmpint(mdev_sysfs_read_link(dirfd, "iommu_group", buf, sizeof(buf)), ==, 31);
    g_assert_cmpstr(buf, ==, "../../../kernel/iommu_groups/12");
    g_assert_cmpint(mdev_sysfs_read_link(dirfd, "iommu_group", small, sizeof(small)), ==,
                    -ENAMETOOLONG);
    g_assert_cmpint(mdev_sysfs_read_link(dirfd, "driver", buf, sizeof(buf)), ==, -ENOENT);
    close(dirfd);
    g_unlink(path);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func("/sysfs/read/attr", test_read_attr);
    g_test_add_func("/sysfs/read/link", test_read_link);
    return g_test_run();
}
