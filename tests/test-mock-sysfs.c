/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The testbed builder is itself checked through libudev, the reader every
 * discovery test relies on: if libudev does not see the layout the kernel
 * documents, no later test means anything. */
#include "mock-sysfs.h"
#include "test-common.h"

#include <libudev.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

typedef TestUdevFixture Fixture;

static char *
link_basename(const char *syspath, const char *link)
{
    g_autofree char *path = g_build_filename(syspath, link, NULL);

    return test_dup_link_basename(path);
}

static const MockPciInfo gvt = {
    .vendor = "0x8086", .device = "0x3e92", .class_code = "0x030000",
    .driver = "i915", .iommu_group = 1, .numa_node = -1,
};

static void
test_pci_parent(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo type = { "i915-GVTg_V5_4", "GVTg_V5_4", "low_gm_size: 128MB\nfence: 4",
                                "vfio-pci", 2 };
    struct udev_device *dev;
    const char *syspath;

    if (test_skip_without_umockdev())
        return;
    syspath = mock_sysfs_add_pci_parent(fx->sysfs, "0000:00:02.0", &gvt);
    mock_sysfs_register_parent(fx->sysfs, "0000:00:02.0", FALSE);
    mock_sysfs_add_type(fx->sysfs, "0000:00:02.0", &type);
    g_assert_cmpstr(syspath, ==, "/sys/devices/pci0000:00/0000:00:02.0");

    dev = udev_device_new_from_syspath(fx->udev, syspath);
    g_assert_nonnull(dev);
    g_assert_cmpstr(udev_device_get_subsystem(dev), ==, "pci");
    g_assert_cmpstr(udev_device_get_sysname(dev), ==, "0000:00:02.0");
    g_assert_cmpstr(udev_device_get_driver(dev), ==, "i915");
    g_assert_cmpstr(udev_device_get_sysattr_value(dev, "vendor"), ==, "0x8086");
    g_assert_cmpstr(udev_device_get_property_value(dev, "PCI_CLASS"), ==, "30000");
    g_assert_cmpstr(udev_device_get_sysattr_value(dev, "mdev_supported_types/i915-GVTg_V5_4/name"),
                    ==, "GVTg_V5_4");
    g_assert_cmpstr(udev_device_get_sysattr_value(dev,
                        "mdev_supported_types/i915-GVTg_V5_4/available_instances"), ==, "2");
    udev_device_unref(dev);

    {
        g_autofree char *group = link_basename(syspath, "iommu_group");
        g_autofree char *cls = link_basename("/sys/class/mdev_bus", "0000:00:02.0");
        g_assert_cmpstr(group, ==, "1");
        g_assert_cmpstr(cls, ==, "0000:00:02.0");
        g_assert_true(g_file_test("/sys/kernel/iommu_groups/1", G_FILE_TEST_IS_DIR));
    }
}

static void
test_sriov_vf(Fixture *fx, gconstpointer data)
{
    MockPciInfo pf = { "0x10de", "0x2235", "0x030200", "nvidia", NULL, 40, 0 };
    MockPciInfo vf = pf;
    const char *vf_path;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_pci_parent(fx->sysfs, "0000:41:00.0", &pf);
    vf.physfn = "0000:41:00.0";
    vf.iommu_group = 41;
    vf_path = mock_sysfs_add_pci_parent(fx->sysfs, "0000:41:00.4", &vf);
    vf.iommu_group = 42;
    mock_sysfs_add_pci_parent(fx->sysfs, "0000:41:00.5", &vf);
    {
        g_autofree char *physfn = link_basename(vf_path, "physfn");
        g_autofree char *virtfn0 = link_basename("/sys/devices/pci0000:41/0000:41:00.0", "virtfn0");
        g_autofree char *virtfn1 = link_basename("/sys/devices/pci0000:41/0000:41:00.0", "virtfn1");
        g_assert_cmpstr(physfn, ==, "0000:41:00.0");
        g_assert_cmpstr(virtfn0, ==, "0000:41:00.4");
        g_assert_cmpstr(virtfn1, ==, "0000:41:00.5");
    }
}

static void
test_mdev(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo type = { "mtty-2", "Dual port serial", NULL, "vfio-pci", 12 };
    const char *uuid = "503c922c-a10b-47e0-8a94-f67ac92bce5a";
    struct udev_enumerate *en;
    struct udev_list_entry *entry;
    struct udev_device *dev;
    g_autofree char *syspath = NULL;
    guint found = 0;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");
    mock_sysfs_register_parent(fx->sysfs, "mtty", FALSE);
    mock_sysfs_add_type(fx->sysfs, "mtty", &type);
    /* a copy: the returned path goes with the device */
    syspath = g_strdup(mock_sysfs_add_mdev(fx->sysfs, "mtty", uuid, "mtty-2", 0, "mtty"));
    g_assert_cmpstr(syspath, ==, "/sys/devices/virtual/mtty/mtty/503c922c-a10b-47e0-8a94-f67ac92bce5a");

    en = udev_enumerate_new(fx->udev);
    udev_enumerate_add_match_subsystem(en, "mdev");
    udev_enumerate_scan_devices(en);
    udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en)) {
        g_assert_cmpstr(udev_list_entry_get_name(entry), ==, syspath);
        found++;
    }
    udev_enumerate_unref(en);
    g_assert_cmpuint(found, ==, 1);

    dev = udev_device_new_from_syspath(fx->udev, syspath);
    g_assert_cmpstr(udev_device_get_driver(dev), ==, "mtty");
    g_assert_null(udev_device_get_property_value(dev, "MDEV_TYPE"));
    udev_device_unref(dev);
    {
        g_autofree char *type_id = link_basename(syspath, "mdev_type");
        g_autofree char *group = link_basename(syspath, "iommu_group");
        g_autofree char *bus = link_basename("/sys/bus/mdev/devices", uuid);
        g_autofree char *listed = link_basename(
            "/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/devices", uuid);
        g_assert_cmpstr(type_id, ==, "mtty-2");
        g_assert_cmpstr(group, ==, "0");
        g_assert_cmpstr(bus, ==, uuid);
        g_assert_cmpstr(listed, ==, uuid);
    }

    mock_sysfs_remove_mdev(fx->sysfs, uuid);
    g_assert_false(g_file_test(syspath, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(
        "/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/devices/"
        "503c922c-a10b-47e0-8a94-f67ac92bce5a", G_FILE_TEST_EXISTS));
}

static void
test_css_ap(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo ccw = { "vfio_ccw-io", "I/O subchannel (Non-QDIO)", NULL, "vfio-ccw", 1 };
    const MockTypeInfo ap = { "vfio_ap-passthrough", "VFIO AP Passthrough Device", NULL,
                              "vfio-ap", 65535 };
    struct udev_device *dev;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_css_parent(fx->sysfs, "0.0.0052", "0.0.0001", "vfio_ccw");
    mock_sysfs_register_parent(fx->sysfs, "0.0.0052", FALSE);
    mock_sysfs_add_type(fx->sysfs, "0.0.0052", &ccw);
    mock_sysfs_add_ap_matrix(fx->sysfs);
    mock_sysfs_register_parent(fx->sysfs, "matrix", FALSE);
    mock_sysfs_add_type(fx->sysfs, "matrix", &ap);

    dev = udev_device_new_from_syspath(fx->udev, "/sys/devices/css0/0.0.0052");
    g_assert_cmpstr(udev_device_get_subsystem(dev), ==, "css");
    g_assert_cmpstr(udev_device_get_sysattr_value(dev, "dev_busid"), ==, "0.0.0001");
    udev_device_unref(dev);
    dev = udev_device_new_from_syspath(fx->udev, "/sys/devices/vfio_ap/matrix");
    g_assert_cmpstr(udev_device_get_subsystem(dev), ==, "matrix");
    g_assert_cmpstr(udev_device_get_sysattr_value(dev,
                        "mdev_supported_types/vfio_ap-passthrough/device_api"), ==, "vfio-ap");
    udev_device_unref(dev);
}

static void
test_events(Fixture *fx, gconstpointer data)
{
    const MockTypeInfo type = { "mtty-1", "Single port serial", NULL, "vfio-pci", 24 };
    struct udev_monitor *mon;
    struct udev_device *dev;

    if (test_skip_without_umockdev())
        return;
    mock_sysfs_add_generic_parent(fx->sysfs, "mtty");
    mon = udev_monitor_new_from_netlink(fx->udev, "udev");
    g_assert_nonnull(mon);
    udev_monitor_enable_receiving(mon);

    mock_sysfs_register_parent(fx->sysfs, "mtty", TRUE);
    dev = test_receive_uevent(mon);
    g_assert_nonnull(dev);
    g_assert_cmpstr(udev_device_get_action(dev), ==, "change");
    g_assert_cmpstr(udev_device_get_property_value(dev, "MDEV_STATE"), ==, "registered");
    udev_device_unref(dev);

    /* the property travels in the event only */
    dev = udev_device_new_from_syspath(fx->udev, "/sys/devices/virtual/mtty/mtty");
    g_assert_null(udev_device_get_property_value(dev, "MDEV_STATE"));
    udev_device_unref(dev);

    mock_sysfs_add_type(fx->sysfs, "mtty", &type);
    mock_sysfs_add_mdev(fx->sysfs, "mtty", "ee1919f7-25e2-4b73-be23-2a2cd6c4308f", "mtty-1", 3,
                        "mtty");
    dev = test_receive_uevent(mon);
    g_assert_nonnull(dev);
    g_assert_cmpstr(udev_device_get_action(dev), ==, "add");
    g_assert_cmpstr(udev_device_get_subsystem(dev), ==, "mdev");
    udev_device_unref(dev);

    mock_sysfs_unregister_parent(fx->sysfs, "mtty", TRUE);
    dev = test_receive_uevent(mon);
    g_assert_nonnull(dev);
    g_assert_cmpstr(udev_device_get_action(dev), ==, "remove");
    udev_device_unref(dev);
    dev = test_receive_uevent(mon);
    g_assert_nonnull(dev);
    g_assert_cmpstr(udev_device_get_action(dev), ==, "change");
    g_assert_cmpstr(udev_device_get_property_value(dev, "MDEV_STATE"), ==, "unregistered");
    udev_device_unref(dev);
    g_assert_false(g_file_test("/sys/class/mdev_bus/mtty", G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test("/sys/devices/virtual/mtty/mtty/mdev_supported_types",
                               G_FILE_TEST_EXISTS));
    udev_monitor_unref(mon);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add("/mock-sysfs/pci/parent", Fixture, NULL, test_udev_fixture_setup, test_pci_parent,
               test_udev_fixture_teardown);
    g_test_add("/mock-sysfs/pci/sriov-vf", Fixture, NULL, test_udev_fixture_setup, test_sriov_vf,
               test_udev_fixture_teardown);
    g_test_add("/mock-sysfs/mdev/add-remove", Fixture, NULL, test_udev_fixture_setup, test_mdev,
               test_udev_fixture_teardown);
    g_test_add("/mock-sysfs/s390/css-ap", Fixture, NULL, test_udev_fixture_setup, test_css_ap,
               test_udev_fixture_teardown);
    g_test_add("/mock-sysfs/events/register-mdev-unregister", Fixture, NULL,
               test_udev_fixture_setup, test_events, test_udev_fixture_teardown);
    return g_test_run();
}
