/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host loader, checked through libudev: every example host in
 * examples/hosts/ must appear in the testbed as its JSON says, malformed
 * descriptions must be refused with a message naming the culprit, and the
 * kernel's write semantics must hold when called in-process. */
#include "mock-host.h"
#include "test-common.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <libudev.h>
#include <string.h>

typedef TestUdevFixture Fixture;

/* umockdev remembers its first answer, which is only right once a testbed
 * exists: ask with one in place. */
static gboolean
skip_without_umockdev(void)
{
    static int in_mock = -1;

    if (in_mock < 0) {
        MockSysfs *probe = mock_sysfs_new();
        in_mock = umockdev_in_mock_environment();
        mock_sysfs_free(probe);
    }
    if (in_mock)
        return FALSE;
    g_test_skip("needs the umockdev preload (LD_PRELOAD=libumockdev-preload.so.0)");
    return TRUE;
}

static char *
examples_dir(void)
{
    return g_test_build_filename(G_TEST_DIST, "..", "examples", "hosts", NULL);
}

static MockHost *
load_example(Fixture *fx, const char *name)
{
    g_autofree char *dir = examples_dir();
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) error = NULL;
    MockHost *host = mock_host_new_from_file(fx->sysfs, path, &error);

    g_assert_no_error(error);
    g_assert_nonnull(host);
    return host;
}

static const char *
subsystem_of(const char *kind, const char *name)
{
    if (strcmp(kind, "pci") == 0)
        return "pci";
    if (strcmp(kind, "css") == 0)
        return "css";
    if (strcmp(kind, "ap") == 0)
        return "matrix";
    return name;
}

static const char *
default_mdev_driver(const char *kind, const char *name)
{
    if (strcmp(kind, "css") == 0)
        return "vfio_ccw_mdev";
    if (strcmp(kind, "ap") == 0)
        return "vfio_ap_mdev";
    return name;
}

/* Checks one parent of a host description against what libudev sees. */
static guint
check_parent(Fixture *fx, JsonObject *parent)
{
    const char *name = json_object_get_string_member(parent, "name");
    const char *kind = json_object_get_string_member(parent, "kind");
    gboolean registered = json_object_get_boolean_member_with_default(parent, "registered", TRUE);
    const char *mdev_driver = json_object_get_string_member_with_default(
        parent, "mdev_driver", default_mdev_driver(kind, name));
    JsonArray *types = json_object_get_array_member(parent, "types");
    JsonArray *mdevs = json_object_has_member(parent, "mdevs")
        ? json_object_get_array_member(parent, "mdevs") : NULL;
    g_autoptr(udev_device) dev = udev_device_new_from_subsystem_sysname(
        fx->udev, subsystem_of(kind, name), name);
    g_autofree char *class_link = g_build_filename("/sys/class/mdev_bus", name, NULL);
    g_autofree char *types_dir = NULL;
    const char *syspath;

    g_assert_nonnull(dev);
    syspath = udev_device_get_syspath(dev);
    types_dir = g_build_filename(syspath, "mdev_supported_types", NULL);
    if (!registered) {
        g_assert_false(g_file_test(types_dir, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(class_link, G_FILE_TEST_EXISTS));
        return 0;
    }
    {
        g_autofree char *linked = test_dup_link_basename(class_link);
        g_assert_cmpstr(linked, ==, name);
    }
    for (guint i = 0; i < json_array_get_length(types); i++) {
        JsonObject *type = json_array_get_object_element(types, i);
        const char *id = json_object_get_string_member(type, "id");
        g_autofree char *attr_name = g_strdup_printf("mdev_supported_types/%s/name", id);
        g_autofree char *attr_desc = g_strdup_printf("mdev_supported_types/%s/description", id);
        g_autofree char *attr_api = g_strdup_printf("mdev_supported_types/%s/device_api", id);
        g_autofree char *attr_avail = g_strdup_printf("mdev_supported_types/%s/available_instances",
                                                      id);
        g_autofree char *create = g_build_filename(types_dir, id, "create", NULL);
        const char *avail;

        g_assert_cmpstr(udev_device_get_sysattr_value(dev, attr_name), ==,
                        json_object_get_string_member_with_default(type, "name", NULL));
        g_assert_cmpstr(udev_device_get_sysattr_value(dev, attr_desc), ==,
                        json_object_get_string_member_with_default(type, "description", NULL));
        g_assert_cmpstr(udev_device_get_sysattr_value(dev, attr_api), ==,
                        json_object_get_string_member_with_default(type, "device_api", NULL));
        avail = udev_device_get_sysattr_value(dev, attr_avail);
        g_assert_nonnull(avail);
        g_assert_true(g_ascii_isdigit(avail[0]));
        g_assert_true(g_file_test(create, G_FILE_TEST_IS_REGULAR));
    }
    for (guint i = 0; mdevs && i < json_array_get_length(mdevs); i++) {
        JsonObject *mdev = json_array_get_object_element(mdevs, i);
        const char *uuid = json_object_get_string_member(mdev, "uuid");
        g_autoptr(udev_device) child = udev_device_new_from_subsystem_sysname(fx->udev, "mdev",
                                                                              uuid);
        g_autofree char *type_link = NULL;
        g_autofree char *type_path = NULL;

        g_assert_nonnull(child);
        g_assert_cmpstr(udev_device_get_syspath(udev_device_get_parent(child)), ==, syspath);
        g_assert_cmpstr(udev_device_get_driver(child), ==, mdev_driver);
        type_path = g_build_filename(udev_device_get_syspath(child), "mdev_type", NULL);
        type_link = test_dup_link_basename(type_path);
        g_assert_cmpstr(type_link, ==, json_object_get_string_member(mdev, "type"));
        if (json_object_has_member(mdev, "iommu_group")) {
            g_autofree char *group_path = g_build_filename(udev_device_get_syspath(child),
                                                           "iommu_group", NULL);
            g_autofree char *group = test_dup_link_basename(group_path);
            g_autofree char *expected = g_strdup_printf(
                "%" G_GINT64_FORMAT, json_object_get_int_member(mdev, "iommu_group"));
            g_assert_cmpstr(group, ==, expected);
        }
    }
    return mdevs ? json_array_get_length(mdevs) : 0;
}

static guint
count_dir(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    guint n = 0;

    while (dir && g_dir_read_name(dir))
        n++;
    return n;
}

static void
test_examples(void)
{
    g_autofree char *dir_path = examples_dir();
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    const char *file;
    guint checked = 0;

    if (skip_without_umockdev())
        return;
    g_assert_nonnull(dir);
    while ((file = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(dir_path, file, NULL);
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) error = NULL;
        g_autoptr(udev_enumerate) en = NULL;
        struct udev_list_entry *entry;
        Fixture fx;
        JsonObject *root;
        JsonArray *parents;
        guint registered = 0, mdevs = 0, seen = 0;

        if (!g_str_has_suffix(file, ".json"))
            continue;
        g_test_message("example host %s", file);
        g_assert_true(json_parser_load_from_file(parser, path, &error));
        root = json_node_get_object(json_parser_get_root(parser));
        parents = json_object_get_array_member(root, "parents");

        test_udev_fixture_setup(&fx, NULL);
        {
            g_autoptr(MockHost) host = load_example(&fx, file);

            for (guint i = 0; i < json_array_get_length(parents); i++) {
                JsonObject *parent = json_array_get_object_element(parents, i);
                mdevs += check_parent(&fx, parent);
                if (json_object_get_boolean_member_with_default(parent, "registered", TRUE))
                    registered++;
            }
            if (json_object_has_member(root, "devices")) {
                JsonArray *devices = json_object_get_array_member(root, "devices");
                for (guint i = 0; i < json_array_get_length(devices); i++) {
                    const char *name = json_object_get_string_member(
                        json_array_get_object_element(devices, i), "name");
                    g_autoptr(udev_device) dev = udev_device_new_from_subsystem_sysname(
                        fx.udev, "pci", name);
                    g_autofree char *link = g_build_filename("/sys/class/mdev_bus", name, NULL);
                    g_assert_nonnull(dev);
                    g_assert_false(g_file_test(link, G_FILE_TEST_EXISTS));
                }
            }
            g_assert_cmpuint(count_dir("/sys/class/mdev_bus"), ==, registered);
            en = udev_enumerate_new(fx.udev);
            udev_enumerate_add_match_subsystem(en, "mdev");
            udev_enumerate_scan_devices(en);
            udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en))
                seen++;
            g_assert_cmpuint(seen, ==, mdevs);
            g_assert_cmpuint(mock_host_get_n_definitions(host), ==,
                             json_object_has_member(root, "definitions")
                                 ? json_array_get_length(
                                       json_object_get_array_member(root, "definitions"))
                                 : 0);
        }
        test_udev_fixture_teardown(&fx, NULL);
        checked++;
    }
    /* nvidia-sriov, intel-gvtg, s390, samples at least */
    g_assert_cmpuint(checked, >=, 4);
}

static char *
attr(Fixture *fx, const char *syspath, const char *name)
{
    g_autoptr(udev_device) dev = udev_device_new_from_syspath(fx->udev, syspath);

    g_assert_nonnull(dev);
    return g_strdup(udev_device_get_sysattr_value(dev, name));
}

static void
test_samples(Fixture *fx, gconstpointer data)
{
    g_autoptr(MockHost) host = NULL;
    const char *mtty = "/sys/devices/virtual/mtty/mtty";
    g_autofree char *mtty1 = NULL;
    g_autofree char *mtty2 = NULL;
    g_autofree char *desc = NULL;
    g_autofree char *name = NULL;
    g_autofree char *large = NULL;
    g_autofree char *mdpy_name = NULL;
    g_autofree char *mdpy_desc = NULL;

    if (skip_without_umockdev())
        return;
    host = load_example(fx, "samples.json");
    mtty1 = attr(fx, mtty, "mdev_supported_types/mtty-1/available_instances");
    mtty2 = attr(fx, mtty, "mdev_supported_types/mtty-2/available_instances");
    desc = attr(fx, mtty, "mdev_supported_types/mtty-1/description");
    name = attr(fx, mtty, "mdev_supported_types/mtty-2/name");
    large = attr(fx, "/sys/devices/virtual/mbochs/mbochs",
                 "mdev_supported_types/mbochs-large/available_instances");
    mdpy_name = attr(fx, "/sys/devices/virtual/mdpy/mdpy", "mdev_supported_types/mdpy-hd/name");
    mdpy_desc = attr(fx, "/sys/devices/virtual/mdpy/mdpy",
                     "mdev_supported_types/mdpy-hd/description");
    g_assert_cmpstr(mtty1, ==, "24");
    g_assert_cmpstr(mtty2, ==, "12");
    g_assert_null(desc);
    g_assert_cmpstr(name, ==, "Dual port serial");
    g_assert_cmpstr(large, ==, "4");
    g_assert_cmpstr(mdpy_name, ==, "mdpy-hd");
    g_assert_cmpstr(mdpy_desc, ==, "virtual display, 1920x1080 framebuffer");
    g_assert_true(g_file_test("/sys/bus/mdev/devices", G_FILE_TEST_IS_DIR));
    g_assert_cmpint(mock_host_get_available(host, "mbochs", "mbochs-medium"), ==, 16);
    g_assert_cmpint(mock_host_get_available(host, "mbochs", "nosuch"), ==, -1);
}

static void
test_gvtg(Fixture *fx, gconstpointer data)
{
    g_autoptr(MockHost) host = NULL;
    const char *gpu = "/sys/devices/pci0000:00/0000:00:02.0";
    g_autofree char *desc_path = NULL;
    g_autofree char *desc = NULL;
    g_autofree char *v54 = NULL;
    g_autofree char *v58 = NULL;
    g_autofree char *vgpu_id = NULL;

    if (skip_without_umockdev())
        return;
    host = load_example(fx, "intel-gvtg.json");
    desc_path = g_build_filename(gpu, "mdev_supported_types/i915-GVTg_V5_4/description", NULL);
    g_assert_true(g_file_get_contents(desc_path, &desc, NULL, NULL));
    g_assert_cmpstr(desc, ==, "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\n"
                              "resolution: 1920x1200\nweight: 4\n");
    v54 = attr(fx, gpu, "mdev_supported_types/i915-GVTg_V5_4/available_instances");
    v58 = attr(fx, gpu, "mdev_supported_types/i915-GVTg_V5_8/available_instances");
    vgpu_id = attr(fx, "/sys/devices/pci0000:00/0000:00:02.0/4b20d080-1b54-4048-85b3-a6a62d165c01",
                   "intel_vgpu/vgpu_id");
    g_assert_cmpstr(v54, ==, "1");
    g_assert_cmpstr(v58, ==, "2");
    g_assert_cmpstr(vgpu_id, ==, "1");
}

/* The kernel's side of the writes, called in-process. */
static void
test_writes(Fixture *fx, gconstpointer data)
{
    const char *types = "/sys/devices/virtual/mtty/mtty/mdev_supported_types";
    const char *uuid = "503c922c-a10b-47e0-8a94-f67ac92bce5a";
    g_autoptr(MockHost) host = NULL;
    g_autofree char *create1 = g_strdup_printf("%s/mtty-1/create", types);
    g_autofree char *create1_real = NULL;
    g_autofree char *remove = g_strdup_printf("/sys/bus/mdev/devices/%s/remove", uuid);
    g_autofree char *remove_sys = g_strdup_printf("/sys/devices/virtual/mtty/mtty/%s/remove", uuid);
    const struct {
        const char *value;
        gssize result;
    } removes[] = {
        { "", 0 },        { "0", 1 },      { "0\n", 2 },   { "00", 2 },   { "0x0", 3 },
        { "0\n\n", -EINVAL }, { "x", -EINVAL }, { "0x", -EINVAL }, { "-0", -EINVAL },
        { "09", -EINVAL }, { " 0", -EINVAL }, { "18446744073709551616", -EINVAL },
    };
    gssize result = 0;

    if (skip_without_umockdev())
        return;
    host = load_example(fx, "samples.json");
    create1_real = mock_sysfs_real_path(fx->sysfs, create1);

    /* paths outside the kernel's business are left to the file system */
    g_assert_false(mock_host_handle_write(host, "/tmp/create", uuid, 36, &result));
    g_assert_false(mock_host_handle_write(host, "/sys/devices/virtual/mtty/mtty/uevent", "x", 1,
                                          &result));
    g_assert_false(mock_host_handle_write(host, "/sys/devices/virtual/mtty/mtty/"
                                                "mdev_supported_types/mtty-9/create",
                                          uuid, 36, &result));
    g_assert_false(mock_host_handle_write(host, remove, "1", 1, &result));

    /* the real path of the testbed, as /proc/self/fd shows it to a writer */
    g_assert_true(mock_host_handle_write(host, create1_real, uuid, 36, &result));
    g_assert_cmpint(result, ==, 36);
    g_assert_cmpint(mock_host_get_available(host, "mtty", "mtty-2"), ==, 11);
    for (guint i = 0; i < G_N_ELEMENTS(removes); i++) {
        g_test_message("remove '%s'", removes[i].value);
        g_assert_true(mock_host_handle_write(host, remove_sys, removes[i].value,
                                             strlen(removes[i].value), &result));
        g_assert_cmpint(result, ==, removes[i].result);
    }
    g_assert_nonnull(mock_sysfs_get_mdev_syspath(fx->sysfs, uuid));
    g_assert_true(mock_host_handle_write(host, remove_sys, "0x10", 4, &result));
    g_assert_cmpint(result, ==, 4);
    g_assert_null(mock_sysfs_get_mdev_syspath(fx->sysfs, uuid));
    g_assert_cmpint(mock_host_get_available(host, "mtty", "mtty-2"), ==, 12);

    g_assert_cmpint(mock_host_create_mdev(host, "mtty", "mtty-2", uuid), ==, 0);
    g_assert_cmpint(mock_host_create_mdev(host, "mdpy", "mdpy-vga", uuid), ==, EEXIST);
    g_assert_cmpint(mock_host_create_mdev(host, "mtty", "mtty-3", uuid), ==, ENOENT);
    g_assert_cmpint(mock_host_remove_mdev(host, uuid), ==, 0);
    g_assert_cmpint(mock_host_remove_mdev(host, uuid), ==, ENODEV);

    g_assert_cmpint(mock_host_unregister_parent(host, "mtty"), ==, 0);
    g_assert_false(g_file_test(types, G_FILE_TEST_EXISTS));
    g_assert_false(mock_host_handle_write(host, create1, uuid, 36, &result));
    g_assert_cmpint(mock_host_unregister_parent(host, "mtty"), ==, EALREADY);
    g_assert_cmpint(mock_host_register_parent(host, "mtty"), ==, 0);
    g_assert_cmpint(mock_host_register_parent(host, "nosuch"), ==, ENOENT);
    g_assert_cmpint(mock_host_get_available(host, "mtty", "mtty-1"), ==, 24);
}

static const struct {
    const char *json;
    const char *message;
} invalid_hosts[] = {
    { "[]", "must be a JSON object" },
    { "{", "invalid JSON" },
    { "{}", "'parents' is missing" },
    { "{\"parents\": [], \"extra\": 1}", "unknown member 'extra'" },
    { "{\"parents\": [{\"name\": \"mtty\"}]}", "parents[0] (mtty): 'kind' is missing" },
    { "{\"parents\": [{\"name\": \"a/b\", \"kind\": \"generic\"}]}", "one path component" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"usb\"}]}", "kind 'usb'" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\"}, {\"name\": \"x\", \"kind\": "
      "\"generic\"}]}",
      "listed twice" },
    { "{\"parents\": [{\"name\": \"0000:00:02.0\", \"kind\": \"pci\", \"mdev_driver\": \"m\"}]}",
      "'pci' is missing" },
    { "{\"parents\": [{\"name\": \"0000:00:02.0\", \"kind\": \"pci\", \"mdev_driver\": \"m\", "
      "\"pci\": {\"vendor\": \"8086\", \"device\": \"0x1\", \"class\": \"0x030000\"}}]}",
      "hexadecimal" },
    { "{\"parents\": [{\"name\": \"0000:00:02.0\", \"kind\": \"pci\", "
      "\"pci\": {\"vendor\": \"0x8086\", \"device\": \"0x1\", \"class\": \"0x030000\"}}]}",
      "needs 'mdev_driver'" },
    { "{\"parents\": [{\"name\": \"0000:00:02.1\", \"kind\": \"pci\", \"mdev_driver\": \"m\", "
      "\"pci\": {\"vendor\": \"0x8086\", \"device\": \"0x1\", \"class\": \"0x030000\", "
      "\"physfn\": \"0000:00:02.0\"}}]}",
      "physfn '0000:00:02.0'" },
    { "{\"parents\": [{\"name\": \"m\", \"kind\": \"ap\"}]}", "named 'matrix'" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\", \"full_errno\": \"EFOO\"}]}",
      "errno name" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\", \"types\": [{\"id\": \"x-1\"}]}]}",
      "exactly one of 'instances' and 'pool'" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\", \"types\": [{\"id\": \"x-1\", "
      "\"pool\": \"p\"}]}]}",
      "pool 'p'" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\", \"types\": [{\"id\": \"x-1\", "
      "\"instances\": 1, \"mdev_files\": {\"../escape\": \"\"}}]}]}",
      "relative path" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\", \"types\": [{\"id\": \"x-1\", "
      "\"instances\": 1}], \"mdevs\": [{\"uuid\": \"503c922c-a10b-47e0-8a94-f67ac92bce5a\", "
      "\"type\": \"x-1\"}, {\"uuid\": \"ee1919f7-25e2-4b73-be23-2a2cd6c4308f\", \"type\": "
      "\"x-1\"}]}]}",
      "no capacity left" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\", \"types\": [{\"id\": \"x-1\", "
      "\"instances\": 2}], \"mdevs\": [{\"uuid\": \"503c922c-a10b-47e0-8a94-f67ac92bce5a\", "
      "\"type\": \"x-1\"}, {\"uuid\": \"503c922c-a10b-47e0-8a94-f67ac92bce5a\", \"type\": "
      "\"x-1\"}]}]}",
      "used twice" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\", \"registered\": false, "
      "\"types\": [{\"id\": \"x-1\", \"instances\": 2}], \"mdevs\": [{\"uuid\": "
      "\"503c922c-a10b-47e0-8a94-f67ac92bce5a\", \"type\": \"x-1\"}]}]}",
      "unregistered parent" },
    { "{\"parents\": [{\"name\": \"x\", \"kind\": \"generic\", \"types\": [{\"id\": \"x-1\", "
      "\"instances\": 2}], \"mdevs\": [{\"uuid\": \"503C922C-A10B-47E0-8A94-F67AC92BCE5A\", "
      "\"type\": \"x-1\"}]}]}",
      "lowercase hyphenated UUID" },
    { "{\"parents\": [], \"definitions\": [{\"parent\": \"x\", \"uuid\": "
      "\"503c922c-a10b-47e0-8a94-f67ac92bce5a\", \"mdev_type\": \"x-1\", \"start\": \"boot\"}]}",
      "'auto' or 'manual'" },
    { "{\"parents\": [], \"definitions\": [{\"parent\": \"x\", \"uuid\": "
      "\"503c922c-a10b-47e0-8a94-f67ac92bce5a\", \"mdev_type\": \"x-1\", \"attrs\": "
      "[{\"a\": \"1\", \"b\": \"2\"}]}]}",
      "one member" },
    { "{\"parents\": [], \"system\": {\"kernel\": \"6.1\"}}", "system: unknown member 'kernel'" },
    { "{\"parents\": [], \"system\": {\"processes\": [\"nvidia vgpu\"]}}",
      "system.processes[0]: must be a name" },
    { "{\"parents\": [], \"system\": {\"module_parameters\": {\"i915\": \"Y\"}}}",
      "system.module_parameters.i915: 'i915' must be an object" },
    { "{\"parents\": [], \"nvidia_cards\": [{\"name\": \"0000:3d:00.0\", \"pci\": "
      "{\"vendor\": \"0x10de\", \"device\": \"0x26b9\", \"class\": \"0x030200\"}, "
      "\"totalvfs\": 2, \"types\": [{\"id\": 7, \"name\": \"T\", \"max_instances\": 1}], "
      "\"vgpus\": [{\"vf\": 0, \"type\": 7}, {\"vf\": 1, \"type\": 7}]}]}",
      "nvidia_cards[0] (0000:3d:00.0).vgpus[1]: the driver refuses type 7 on 0000:3d:00.5" },
    { "{\"parents\": [], \"nvidia_cards\": [{\"name\": \"0000:3d:00.0\", \"pci\": "
      "{\"vendor\": \"0x10de\", \"device\": \"0x26b9\", \"class\": \"0x030200\"}, "
      "\"totalvfs\": 2, \"vfs\": 3, \"types\": []}]}",
      "'vfs' is more than 'totalvfs'" },
};

static char *
vf_file(Fixture *fx, const char *address, const char *name)
{
    g_autofree char *syspath = g_strdup_printf("/sys/bus/pci/devices/%s/nvidia/%s", address,
                                               name);
    g_autofree char *path = mock_sysfs_real_path(fx->sysfs, syspath);
    g_autoptr(GError) error = NULL;
    char *contents = NULL;

    if (!g_file_get_contents(path, &contents, NULL, &error))
        return NULL;
    return contents;
}

static gssize
vf_write(MockHost *host, const char *address, const char *name, const char *value)
{
    const char *dir = strcmp(name, "sriov_numvfs") == 0 ? "" : "nvidia/";
    g_autofree char *syspath = g_strdup_printf("/sys/devices/pci%.7s/%s/%s%s", address, address,
                                               dir, name);
    gssize result = G_MINSSIZE;

    g_assert_true(mock_host_handle_write(host, syspath, value, strlen(value), &result));
    return result;
}

/* Both drivers' answers to current_vgpu_type and the homogeneous rule, as
 * reference/nvidia-vf.md gives them. */
static void
test_nvidia(Fixture *fx, gconstpointer data)
{
    g_autoptr(MockHost) host = NULL;
    g_autofree char *list = NULL;
    g_autofree char *numvfs = NULL;
    gssize result = 0;

    if (skip_without_umockdev())
        return;
    host = load_example(fx, "nvidia-vf.json");

    /* L40S, proprietary: locked to 2Q by the vGPU on 00.4 */
    list = vf_file(fx, "0000:3d:00.5", "creatable_vgpu_types");
    g_assert_cmpstr(list, ==, "ID    : vGPU Name\n1148  : NVIDIA L40S-2Q\n");
    g_clear_pointer(&list, g_free);
    list = vf_file(fx, "0000:3d:00.4", "current_vgpu_type");
    g_assert_cmpstr(list, ==, "1148\n");
    g_clear_pointer(&list, g_free);
    g_assert_cmpint(vf_write(host, "0000:3d:00.5", "current_vgpu_type", "1147"), ==, -EIO);
    g_assert_cmpint(vf_write(host, "0000:3d:00.5", "current_vgpu_type", "abc"), ==, -EINVAL);
    g_assert_cmpint(vf_write(host, "0000:3d:00.5", "current_vgpu_type", "0"), ==, -EPERM);
    g_assert_cmpint(vf_write(host, "0000:3d:00.4", "current_vgpu_type", "1148"), ==, -EPERM);
    g_assert_cmpint(vf_write(host, "0000:3d:00.5", "current_vgpu_type", "1148\n"), ==, 5);
    /* the last vGPU gone, every type is creatable again on every VF */
    g_assert_cmpint(vf_write(host, "0000:3d:00.4", "current_vgpu_type", "0"), ==, 1);
    g_assert_cmpint(vf_write(host, "0000:3d:00.5", "current_vgpu_type", "0"), ==, 1);
    list = vf_file(fx, "0000:3d:02.3", "creatable_vgpu_types");
    g_assert_nonnull(strstr(list, "\n1145  : NVIDIA L40S-1B\n"));
    g_assert_nonnull(strstr(list, "\n2164  : NVIDIA L40S-3B\n"));
    g_clear_pointer(&list, g_free);
    /* a full card reads header-only on its free VFs */
    g_assert_cmpint(vf_write(host, "0000:3d:00.6", "current_vgpu_type", "1156"), ==, 4);
    list = vf_file(fx, "0000:3d:00.7", "creatable_vgpu_types");
    g_assert_cmpstr(list, ==, "ID    : vGPU Name\n");
    g_clear_pointer(&list, g_free);
    g_assert_cmpint(vf_write(host, "0000:3d:00.0", "sriov_numvfs", "0"), ==, -EPERM);

    /* A10, upstream: 00.6 is held, two 6Q of four */
    g_assert_cmpint(vf_write(host, "0000:d8:00.4", "current_vgpu_type", "999"), ==, -ENODEV);
    g_assert_cmpint(vf_write(host, "0000:d8:00.4", "current_vgpu_type", "689"), ==, -EINVAL);
    g_assert_cmpint(vf_write(host, "0000:d8:00.4", "current_vgpu_type", "0"), ==, 1);
    g_assert_cmpint(vf_write(host, "0000:d8:00.6", "current_vgpu_type", "0"), ==, -EBUSY);
    g_assert_cmpint(vf_write(host, "0000:d8:00.4", "current_vgpu_type", "695"), ==, 3);
    g_assert_cmpint(vf_write(host, "0000:d8:00.5", "current_vgpu_type", "695"), ==, 3);
    g_assert_cmpint(vf_write(host, "0000:d8:01.0", "current_vgpu_type", "695"), ==, -ENOSPC);
    list = vf_file(fx, "0000:d8:00.4", "creatable_vgpu_types");
    g_assert_cmpstr(list, ==, "");
    g_clear_pointer(&list, g_free);
    g_assert_cmpint(vf_write(host, "0000:d8:00.4", "vgpu_params", "frame_rate_limiter=0\n"), ==,
                    21);
    list = vf_file(fx, "0000:d8:00.4", "vgpu_params");
    g_assert_cmpstr(list, ==, "frame_rate_limiter=0\n");
    g_clear_pointer(&list, g_free);
    /* the not-ready window after the VM lets go: two refusals, then done */
    g_assert_true(mock_host_mdev_is_held(host, "0000:d8:00.6"));
    g_assert_cmpint(mock_host_open_vfio_group(host, 162), ==, EBUSY);
    g_assert_cmpint(mock_host_release_mdev(host, "0000:d8:00.6"), ==, 0);
    g_assert_cmpint(mock_host_open_vfio_group(host, 162), ==, 0);
    g_assert_cmpint(vf_write(host, "0000:d8:00.6", "current_vgpu_type", "0"), ==, -EBUSY);
    g_assert_cmpint(vf_write(host, "0000:d8:00.6", "current_vgpu_type", "0"), ==, -EBUSY);
    g_assert_cmpint(vf_write(host, "0000:d8:00.6", "current_vgpu_type", "0"), ==, 1);
    list = vf_file(fx, "0000:d8:01.3", "creatable_vgpu_types");
    g_assert_cmpstr(list, ==, "ID    : vGPU Name\n695   : NVIDIA A10-6Q\n");
    g_clear_pointer(&list, g_free);

    /* SR-IOV: off on the second A10, enabled through sriov_numvfs, then
     * gone again in the middle of a write */
    numvfs = vf_file(fx, "0000:e1:00.4", "current_vgpu_type");
    g_assert_null(numvfs);
    g_assert_cmpint(vf_write(host, "0000:e1:00.0", "sriov_numvfs", "9"), ==, -ERANGE);
    g_assert_cmpint(vf_write(host, "0000:e1:00.0", "sriov_numvfs", "2"), ==, 1);
    g_assert_cmpint(vf_write(host, "0000:e1:00.0", "sriov_numvfs", "3"), ==, -EBUSY);
    g_assert_cmpint(vf_write(host, "0000:e1:00.5", "current_vgpu_type", "698"), ==, 3);
    g_assert_cmpint(mock_host_vanish_at_write(host, "0000:e1:00.0", 1), ==, 0);
    g_assert_true(mock_host_handle_write(host, "/sys/devices/pci0000:e1/0000:e1:00.4/nvidia/"
                                               "current_vgpu_type", "698", 3, &result));
    g_assert_cmpint(result, ==, -ENODEV);
    g_assert_false(g_file_test("/sys/bus/pci/devices/0000:e1:00.5", G_FILE_TEST_EXISTS));
    g_assert_cmpint(mock_host_set_sriov(host, "0000:e1:00.0", 1), ==, 0);
    list = vf_file(fx, "0000:e1:00.4", "current_vgpu_type");
    g_assert_cmpstr(list, ==, "0\n");
}

static void
test_invalid(void)
{
    if (skip_without_umockdev())
        return;
    for (guint i = 0; i < G_N_ELEMENTS(invalid_hosts); i++) {
        g_autoptr(MockSysfs) sysfs = mock_sysfs_new();
        g_autoptr(GError) error = NULL;
        g_autoptr(MockHost) host = mock_host_new_from_data(sysfs, invalid_hosts[i].json, -1,
                                                           &error);

        g_test_message("%s", invalid_hosts[i].json);
        g_assert_null(host);
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
        g_test_message("-> %s", error->message);
        g_assert_nonnull(strstr(error->message, invalid_hosts[i].message));
    }
}

/* The files the schema test rejects are refused by the loader as well. */
static void
test_invalid_files(void)
{
    g_autofree char *dir_path = g_test_build_filename(G_TEST_DIST, "data", "hosts", NULL);
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    const char *file;
    guint n = 0;

    if (skip_without_umockdev())
        return;
    g_assert_nonnull(dir);
    while ((file = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(dir_path, file, NULL);
        g_autoptr(MockSysfs) sysfs = NULL;
        g_autoptr(MockHost) host = NULL;
        g_autoptr(GError) error = NULL;

        if (!g_str_has_suffix(file, "-invalid.json"))
            continue;
        sysfs = mock_sysfs_new();
        host = mock_host_new_from_file(sysfs, path, &error);
        g_test_message("%s -> %s", file, error ? error->message : "(loaded)");
        g_assert_null(host);
        g_assert_nonnull(strstr(error->message, file));
        n++;
    }
    g_assert_cmpuint(n, >=, 5);
}

static void
test_find_example(void)
{
    g_autofree char *path = mock_host_find_example("samples.json");

    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func("/mock-host/examples/all", test_examples);
    g_test_add_func("/mock-host/examples/find", test_find_example);
    g_test_add("/mock-host/examples/samples", Fixture, NULL, test_udev_fixture_setup, test_samples,
               test_udev_fixture_teardown);
    g_test_add("/mock-host/examples/intel-gvtg", Fixture, NULL, test_udev_fixture_setup, test_gvtg,
               test_udev_fixture_teardown);
    g_test_add("/mock-host/write/create-remove", Fixture, NULL, test_udev_fixture_setup,
               test_writes, test_udev_fixture_teardown);
    g_test_add("/mock-host/write/nvidia-vf", Fixture, NULL, test_udev_fixture_setup, test_nvidia,
               test_udev_fixture_teardown);
    g_test_add_func("/mock-host/load/invalid", test_invalid);
    g_test_add_func("/mock-host/load/invalid-files", test_invalid_files);
    return g_test_run();
}
