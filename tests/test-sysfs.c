/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-error.h"
#include "mdev-model.h"
#include "mdev-sysfs.h"
#include "mock-sysfs.h"
#include "test-common.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
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

#define UUID "7a0b5a3e-8c33-4b4b-9b0c-1f3a2b4c5d6e"
#define PARENT "mtty"

typedef struct {
    MockSysfs *sysfs;
    char *dir;    /* the mdev's directory in the testbed, outside the preload */
    char *params; /* its nvidia/vgpu_params */
} Fixture;

/* An mdev with a vendor subdirectory, as NVIDIA's driver makes it. */
static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    g_autofree char *file = NULL;
    const char *syspath;
    const MockTypeInfo type = { "nvidia-558", "NVIDIA A40-4Q", NULL, "vfio-pci", 1 };

    fx->sysfs = mock_sysfs_new();
    mock_sysfs_add_generic_parent(fx->sysfs, PARENT);
    mock_sysfs_add_type(fx->sysfs, PARENT, &type);
    syspath = mock_sysfs_add_mdev(fx->sysfs, PARENT, UUID, "nvidia-558", 7, "vfio_mdev");
    file = g_build_filename(syspath, "nvidia", "vgpu_params", NULL);
    mock_sysfs_write_file(fx->sysfs, file, "\n");
    fx->dir = mock_sysfs_real_path(fx->sysfs, syspath);
    fx->params = g_build_filename(fx->dir, "nvidia", "vgpu_params", NULL);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    g_free(fx->params);
    g_free(fx->dir);
    g_clear_pointer(&fx->sysfs, mock_sysfs_free);
}

static char *
read_real(const char *path)
{
    char *contents = NULL;

    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    return contents;
}

static void
test_write_attr_path(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *contents = NULL;
    int devfd;

    if (test_skip_without_umockdev())
        return;
    devfd = mdev_sysfs_open_device(UUID, PARENT, &error);
    g_assert_no_error(error);
    g_assert_true(
        mdev_sysfs_write_attr(devfd, UUID, PARENT, "nvidia/vgpu_params", "frame_rate_limiter=0", &error));
    g_assert_no_error(error);
    close(devfd);
    contents = read_real(fx->params);
    g_assert_cmpstr(contents, ==, "frame_rate_limiter=0");
}

static void
test_write_attr_refused(Fixture *fx, gconstpointer data)
{
    const char *names[] = { "nvidia/../nvidia/vgpu_params",
                            "./nvidia/vgpu_params",
                            "nvidia//vgpu_params",
                            "/nvidia/vgpu_params",
                            "nvidia/vgpu_params/",
                            "remove",
                            "uevent",
                            "nvidia/remove",
                            "new\nline",
                            "" };
    g_autofree char *remove = NULL;
    g_autofree char *contents = NULL;
    int devfd;

    if (test_skip_without_umockdev())
        return;
    remove = g_build_filename(fx->dir, "remove", NULL);
    g_assert_true(g_file_set_contents(remove, "", 0, NULL));
    devfd = mdev_sysfs_open_device(UUID, PARENT, NULL);
    g_assert_cmpint(devfd, >=, 0);
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(GError) error = NULL;

        g_test_message("attribute '%s'", names[i]);
        g_assert_false(mdev_sysfs_write_attr(devfd, UUID, PARENT, names[i], "1", &error));
        /* callers pass checked names: this is the guard's refusal */
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
    }
    close(devfd);
    contents = read_real(remove);
    g_assert_cmpstr(contents, ==, "");
    g_free(contents);
    contents = read_real(fx->params);
    g_assert_cmpstr(contents, ==, "\n");
}

/* A symlink anywhere in the path stops the write, even one that points
 * back inside the device's directory. */
static void
test_write_attr_symlink(Fixture *fx, gconstpointer data)
{
    g_autofree char *dir_link = g_build_filename(fx->dir, "vendor", NULL);
    g_autofree char *file_link = g_build_filename(fx->dir, "params", NULL);
    g_autofree char *contents = NULL;
    g_autoptr(GError) error = NULL;
    int devfd;

    if (test_skip_without_umockdev())
        return;
    g_assert_cmpint(symlink("nvidia", dir_link), ==, 0);
    g_assert_cmpint(symlink("nvidia/vgpu_params", file_link), ==, 0);
    devfd = mdev_sysfs_open_device(UUID, PARENT, NULL);
    g_assert_cmpint(devfd, >=, 0);
    g_assert_false(mdev_sysfs_write_attr(devfd, UUID, PARENT, "vendor/vgpu_params", "1", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr(error->message, ==,
                    "attribute 'vendor/vgpu_params' of mdev '" UUID "' on parent '" PARENT
                    "' is not written: a component of its path is a symbolic link or not a "
                    "directory (Not a directory)");
    g_clear_error(&error);
    g_assert_false(mdev_sysfs_write_attr(devfd, UUID, PARENT, "params", "1", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT);
    close(devfd);
    contents = read_real(fx->params);
    g_assert_cmpstr(contents, ==, "\n");
}

static void
test_write_attr_gone(Fixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) attrs = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_attr_free);
    int devfd;

    if (test_skip_without_umockdev())
        return;
    devfd = mdev_sysfs_open_device(UUID, PARENT, &error);
    g_assert_no_error(error);
    mock_sysfs_remove_mdev(fx->sysfs, UUID);

    g_assert_false(mdev_sysfs_write_attr(devfd, UUID, PARENT, "nvidia/vgpu_params", "1", &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE);
    g_assert_cmpstr(error->message, ==,
                    "mdev '" UUID "' on parent '" PARENT "' went away before its attribute "
                    "'nvidia/vgpu_params' was written: No such file or directory");
    g_clear_error(&error);
    close(devfd);

    g_assert_cmpint(mdev_sysfs_open_device(UUID, PARENT, &error), ==, -1);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE);
    g_assert_cmpstr(error->message, ==,
                    "mdev '" UUID "' on parent '" PARENT "' does not exist: it was removed or "
                    "never created");
    g_clear_error(&error);

    g_ptr_array_add(attrs, mdev_attr_new("nvidia/vgpu_params", "1"));
    g_assert_false(mdev_sysfs_write_attrs(UUID, PARENT, attrs, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func("/sysfs/read/attr", test_read_attr);
    g_test_add_func("/sysfs/read/link", test_read_link);
    g_test_add("/sysfs/write/attr-path", Fixture, NULL, fixture_setup, test_write_attr_path,
               fixture_teardown);
    g_test_add("/sysfs/write/attr-refused", Fixture, NULL, fixture_setup, test_write_attr_refused,
               fixture_teardown);
    g_test_add("/sysfs/write/attr-symlink", Fixture, NULL, fixture_setup, test_write_attr_symlink,
               fixture_teardown);
    g_test_add("/sysfs/write/attr-gone", Fixture, NULL, fixture_setup, test_write_attr_gone,
               fixture_teardown);
    return g_test_run();
}
