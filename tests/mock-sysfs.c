/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mock-sysfs.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

struct _MockSysfs {
    UMockdevTestbed *testbed;
    char *root;
    GHashTable *parents; /* name -> syspath */
    GHashTable *mdevs;   /* uuid -> syspath */
};

MockSysfs *
mock_sysfs_new_for_testbed(UMockdevTestbed *testbed)
{
    MockSysfs *self = g_new0(MockSysfs, 1);

    self->testbed = g_object_ref(testbed);
    self->root = umockdev_testbed_get_root_dir(testbed);
    self->parents = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    self->mdevs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return self;
}

/* Creates a testbed; umockdev_testbed_new() points UMOCKDEV_DIR at it, so
 * children started from now on with the umockdev preload see it. */
MockSysfs *
mock_sysfs_new(void)
{
    g_autoptr(UMockdevTestbed) testbed = umockdev_testbed_new();

    return mock_sysfs_new_for_testbed(testbed);
}

void
mock_sysfs_free(MockSysfs *self)
{
    if (self == NULL)
        return;
    g_hash_table_unref(self->parents);
    g_hash_table_unref(self->mdevs);
    g_free(self->root);
    g_object_unref(self->testbed);
    g_free(self);
}

UMockdevTestbed *
mock_sysfs_get_testbed(MockSysfs *self)
{
    return self->testbed;
}

const char *
mock_sysfs_get_root(MockSysfs *self)
{
    return self->root;
}

/* Where a /sys path lives on disk inside the testbed. */
char *
mock_sysfs_real_path(MockSysfs *self, const char *syspath)
{
    return g_build_filename(self->root, syspath, NULL);
}

static void
make_dir(MockSysfs *self, const char *syspath)
{
    g_autofree char *path = mock_sysfs_real_path(self, syspath);

    if (g_mkdir_with_parents(path, 0755) < 0)
        g_error("mock-sysfs: cannot create %s: %s", path, g_strerror(errno));
}

static void
write_file(MockSysfs *self, const char *syspath, const char *contents)
{
    g_autofree char *path = mock_sysfs_real_path(self, syspath);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autoptr(GError) error = NULL;

    g_mkdir_with_parents(dir, 0755);
    if (!g_file_set_contents(path, contents, -1, &error))
        g_error("mock-sysfs: %s", error->message);
}

/* sysfs links are relative; compute the relative target between two /sys
 * paths so the layout matches the kernel's whatever the depth. */
static char *
relative_link(const char *from_dir, const char *to)
{
    g_auto(GStrv) a = g_strsplit(from_dir + 1, "/", -1);
    g_auto(GStrv) b = g_strsplit(to + 1, "/", -1);
    GString *out = g_string_new(NULL);
    guint common = 0;

    while (a[common] && b[common] && strcmp(a[common], b[common]) == 0)
        common++;
    for (guint i = common; a[i]; i++)
        g_string_append(out, "../");
    for (guint i = common; b[i]; i++) {
        g_string_append(out, b[i]);
        if (b[i + 1])
            g_string_append_c(out, '/');
    }
    return g_string_free(out, FALSE);
}

static void
make_link(MockSysfs *self, const char *link_syspath, const char *target_syspath)
{
    g_autofree char *link_dir = g_path_get_dirname(link_syspath);
    g_autofree char *target = relative_link(link_dir, target_syspath);
    g_autofree char *path = mock_sysfs_real_path(self, link_syspath);

    make_dir(self, link_dir);
    g_unlink(path);
    if (symlink(target, path) < 0)
        g_error("mock-sysfs: cannot link %s: %s", path, g_strerror(errno));
}

static void
remove_tree(const char *path)
{
    GStatBuf st;
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (g_lstat(path, &st) < 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        g_unlink(path);
        return;
    }
    dir = g_dir_open(path, 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        remove_tree(child);
    }
    g_rmdir(path);
}

static void
ensure_group(MockSysfs *self, int group)
{
    g_autofree char *syspath = g_strdup_printf("/sys/kernel/iommu_groups/%d/devices", group);

    make_dir(self, syspath);
}

static void
ensure_driver(MockSysfs *self, const char *bus, const char *driver)
{
    g_autofree char *syspath = g_strdup_printf("/sys/bus/%s/drivers/%s", bus, driver);

    make_dir(self, syspath);
}

/* Common links of a device: driver, iommu_group. */
static void
link_device(MockSysfs *self, const char *syspath, const char *bus, const char *driver,
            int iommu_group)
{
    if (driver) {
        g_autofree char *link = g_build_filename(syspath, "driver", NULL);
        g_autofree char *target = g_strdup_printf("/sys/bus/%s/drivers/%s", bus, driver);
        ensure_driver(self, bus, driver);
        make_link(self, link, target);
        /* the driver lists the PCI functions bound to it, as the kernel's
         * driver core does (NVIDIA VFs are found that way) */
        if (strcmp(bus, "pci") == 0) {
            g_autofree char *base = g_path_get_basename(syspath);
            g_autofree char *bound = g_build_filename(target, base, NULL);
            make_link(self, bound, syspath);
        }
    }
    if (iommu_group >= 0) {
        g_autofree char *link = g_build_filename(syspath, "iommu_group", NULL);
        g_autofree char *target = g_strdup_printf("/sys/kernel/iommu_groups/%d", iommu_group);
        g_autofree char *member = NULL;
        g_autofree char *base = g_path_get_basename(syspath);
        ensure_group(self, iommu_group);
        make_link(self, link, target);
        member = g_strdup_printf("/sys/kernel/iommu_groups/%d/devices/%s", iommu_group, base);
        make_link(self, member, syspath);
    }
}

static void
add_from_string(MockSysfs *self, const char *description)
{
    g_autoptr(GError) error = NULL;

    if (!umockdev_testbed_add_from_string(self->testbed, description, &error))
        g_error("mock-sysfs: cannot add device: %s\n%s", error->message, description);
}

/* A plausible type-0 PCI configuration header: ids, command, class. libvirt
 * drops PCI devices without a readable config space. */
static char *
pci_config_hex(const MockPciInfo *info)
{
    guint8 config[256] = { 0 };
    guint vendor = (guint) g_ascii_strtoull(info->vendor, NULL, 16);
    guint device = (guint) g_ascii_strtoull(info->device, NULL, 16);
    guint class_code = (guint) g_ascii_strtoull(info->class_code, NULL, 16);
    GString *hex = g_string_sized_new(sizeof(config) * 2);

    config[0x00] = vendor & 0xff;
    config[0x01] = vendor >> 8;
    config[0x02] = device & 0xff;
    config[0x03] = device >> 8;
    config[0x04] = 0x07; /* I/O, memory, bus master */
    config[0x06] = 0x10; /* status: capability list */
    config[0x09] = class_code & 0xff;
    config[0x0a] = (class_code >> 8) & 0xff;
    config[0x0b] = (class_code >> 16) & 0xff;
    config[0x0e] = 0x00; /* header type 0 */
    for (gsize i = 0; i < sizeof(config); i++)
        g_string_append_printf(hex, "%02X", config[i]);
    return g_string_free(hex, FALSE);
}

static const char *
remember_parent(MockSysfs *self, const char *name, const char *syspath)
{
    g_hash_table_replace(self->parents, g_strdup(name), g_strdup(syspath));
    return g_hash_table_lookup(self->parents, name);
}

/**
 * mock_sysfs_add_pci_parent:
 *
 * A PCI function under a host bridge named after its domain and bus, or
 * under the bridge @info->upstream added before. An SR-IOV VF gets its
 * physfn link and its PF the matching virtfn link.
 *
 * Returns: (transfer none): the device's /sys path
 */
const char *
mock_sysfs_add_pci_parent(MockSysfs *self, const char *address, const MockPciInfo *info)
{
    g_autofree char *bridge = g_strndup(address, 7); /* "0000:41" */
    g_autofree char *syspath = info->upstream
                                   ? g_build_filename(mock_sysfs_get_parent_syspath(
                                                          self, info->upstream),
                                                      address, NULL)
                                   : g_strdup_printf("/sys/devices/pci%s/%s", bridge, address);
    g_autofree char *config = pci_config_hex(info);
    guint class_code = (guint) g_ascii_strtoull(info->class_code, NULL, 16);
    guint vendor = (guint) g_ascii_strtoull(info->vendor, NULL, 16);
    guint device = (guint) g_ascii_strtoull(info->device, NULL, 16);
    g_autoptr(GString) text = g_string_new(NULL);

    g_string_append_printf(text, "P: %s\n", syspath + strlen("/sys"));
    g_string_append(text, "E: SUBSYSTEM=pci\n");
    if (info->driver)
        g_string_append_printf(text, "E: DRIVER=%s\n", info->driver);
    g_string_append_printf(text, "E: PCI_CLASS=%X\n", class_code);
    g_string_append_printf(text, "E: PCI_ID=%04X:%04X\n", vendor, device);
    g_string_append_printf(text, "E: PCI_SUBSYS_ID=%04X:0000\n", vendor);
    g_string_append_printf(text, "E: PCI_SLOT_NAME=%s\n", address);
    g_string_append_printf(text, "E: MODALIAS=pci:v%08Xd%08Xsv%08Xsd00000000bc%02Xsc%02Xi%02X\n",
                           vendor, device, vendor, class_code >> 16, (class_code >> 8) & 0xff,
                           class_code & 0xff);
    g_string_append_printf(text, "A: vendor=%s\\n\n", info->vendor);
    g_string_append_printf(text, "A: device=%s\\n\n", info->device);
    g_string_append_printf(text, "A: subsystem_vendor=%s\\n\n", info->vendor);
    g_string_append(text, "A: subsystem_device=0x0000\\n\n");
    g_string_append_printf(text, "A: class=%s\\n\n", info->class_code);
    g_string_append_printf(text, "A: numa_node=%d\\n\n", info->numa_node);
    g_string_append_printf(text, "H: config=%s\n", config);
    add_from_string(self, text->str);

    link_device(self, syspath, "pci", info->driver, info->iommu_group);
    if (info->physfn) {
        g_autofree char *pf = g_strdup_printf("/sys/devices/pci%s/%s", bridge, info->physfn);
        g_autofree char *physfn = g_build_filename(syspath, "physfn", NULL);
        g_autofree char *pf_real = mock_sysfs_real_path(self, pf);
        g_autofree char *vf_index = NULL;
        guint n = 0;

        make_link(self, physfn, pf);
        /* the PF lists its VFs as virtfn0, virtfn1, ... in creation order */
        while (TRUE) {
            g_autofree char *candidate = g_strdup_printf("%s/virtfn%u", pf_real, n);
            if (!g_file_test(candidate, G_FILE_TEST_EXISTS))
                break;
            n++;
        }
        vf_index = g_strdup_printf("%s/virtfn%u", pf, n);
        make_link(self, vf_index, syspath);
    }
    return remember_parent(self, address, syspath);
}

const char *
mock_sysfs_add_css_parent(MockSysfs *self, const char *schid, const char *dev_busid,
                          const char *driver)
{
    g_autofree char *syspath = g_strdup_printf("/sys/devices/css0/%s", schid);
    g_autoptr(GString) text = g_string_new(NULL);

    g_string_append_printf(text, "P: /devices/css0/%s\n", schid);
    g_string_append(text, "E: SUBSYSTEM=css\n");
    if (driver)
        g_string_append_printf(text, "E: DRIVER=%s\n", driver);
    g_string_append(text, "E: ST=0\nE: MODALIAS=css:t0\n");
    g_string_append(text, "A: type=0\\n\n");
    g_string_append(text, "A: modalias=css:t0\\n\n");
    if (dev_busid)
        g_string_append_printf(text, "A: dev_busid=%s\\n\n", dev_busid);
    add_from_string(self, text->str);
    link_device(self, syspath, "css", driver, -1);
    return remember_parent(self, schid, syspath);
}

const char *
mock_sysfs_add_ap_matrix(MockSysfs *self)
{
    const char *syspath = "/sys/devices/vfio_ap/matrix";

    add_from_string(self, "P: /devices/vfio_ap/matrix\n"
                          "E: SUBSYSTEM=matrix\n"
                          "E: DRIVER=vfio_ap\n"
                          "A: matrix=\n");
    link_device(self, syspath, "matrix", "vfio_ap", -1);
    return remember_parent(self, "matrix", syspath);
}

/* The kernel samples (mtty, mdpy, mbochs) register a class and one device of
 * the same name under /sys/devices/virtual. */
const char *
mock_sysfs_add_generic_parent(MockSysfs *self, const char *name)
{
    g_autofree char *syspath = g_strdup_printf("/sys/devices/virtual/%s/%s", name, name);
    g_autoptr(GString) text = g_string_new(NULL);

    /* the kernel's sample parents (mtty, mdpy, mbochs) are character
     * devices of their own class, with a node in /dev */
    g_string_append_printf(text, "P: /devices/virtual/%s/%s\n", name, name);
    g_string_append_printf(text, "N: %s\n", name);
    g_string_append_printf(text, "E: DEVNAME=/dev/%s\n", name);
    g_string_append(text, "E: MAJOR=235\nE: MINOR=0\n");
    g_string_append_printf(text, "E: SUBSYSTEM=%s\n", name);
    add_from_string(self, text->str);
    return remember_parent(self, name, syspath);
}

const char *
mock_sysfs_get_parent_syspath(MockSysfs *self, const char *parent)
{
    const char *syspath = g_hash_table_lookup(self->parents, parent);

    if (syspath == NULL)
        g_error("mock-sysfs: unknown parent %s", parent);
    return syspath;
}

static char *
type_syspath(MockSysfs *self, const char *parent, const char *type_id)
{
    return g_build_filename(mock_sysfs_get_parent_syspath(self, parent),
                            "mdev_supported_types", type_id, NULL);
}

void
mock_sysfs_add_type(MockSysfs *self, const char *parent, const MockTypeInfo *info)
{
    g_autofree char *dir = type_syspath(self, parent, info->id);
    g_autofree char *devices = g_build_filename(dir, "devices", NULL);
    g_autofree char *create = g_build_filename(dir, "create", NULL);

    make_dir(self, devices);
    write_file(self, create, "");
    if (info->name) {
        g_autofree char *path = g_build_filename(dir, "name", NULL);
        g_autofree char *value = g_strdup_printf("%s\n", info->name);
        write_file(self, path, value);
    }
    if (info->description) {
        g_autofree char *path = g_build_filename(dir, "description", NULL);
        g_autofree char *value = g_strdup_printf("%s\n", info->description);
        write_file(self, path, value);
    }
    if (info->device_api) {
        g_autofree char *path = g_build_filename(dir, "device_api", NULL);
        g_autofree char *value = g_strdup_printf("%s\n", info->device_api);
        write_file(self, path, value);
    }
    if (info->available >= 0)
        mock_sysfs_set_available(self, parent, info->id, info->available);
}

void
mock_sysfs_set_available(MockSysfs *self, const char *parent, const char *type_id,
                         int available)
{
    g_autofree char *dir = type_syspath(self, parent, type_id);
    g_autofree char *path = g_build_filename(dir, "available_instances", NULL);
    g_autofree char *value = g_strdup_printf("%d\n", available);

    write_file(self, path, value);
}

/* MDEV_STATE travels only in the event, never in the uevent file: add the
 * extra properties for the duration of the event, then restore the file. */
void
mock_sysfs_uevent(MockSysfs *self, const char *syspath, const char *action,
                  const char *const *extra_properties)
{
    g_autofree char *uevent_sys = g_build_filename(syspath, "uevent", NULL);
    g_autofree char *uevent = mock_sysfs_real_path(self, uevent_sys);
    g_autofree char *saved = NULL;

    if (extra_properties && *extra_properties) {
        g_autoptr(GString) changed = NULL;
        if (!g_file_get_contents(uevent, &saved, NULL, NULL))
            saved = g_strdup("");
        changed = g_string_new(saved);
        for (const char *const *p = extra_properties; *p; p++)
            g_string_append_printf(changed, "%s\n", *p);
        g_file_set_contents(uevent, changed->str, -1, NULL);
    }
    umockdev_testbed_uevent(self->testbed, syspath, action);
    if (saved)
        g_file_set_contents(uevent, saved, -1, NULL);
}

void
mock_sysfs_register_parent(MockSysfs *self, const char *parent, gboolean send_event)
{
    const char *syspath = mock_sysfs_get_parent_syspath(self, parent);
    g_autofree char *link = g_strdup_printf("/sys/class/mdev_bus/%s", parent);
    g_autofree char *types = g_build_filename(syspath, "mdev_supported_types", NULL);
    const char *const state[] = { "MDEV_STATE=registered", NULL };

    make_dir(self, types);
    make_link(self, link, syspath);
    if (send_event)
        mock_sysfs_uevent(self, syspath, "change", state);
}

/* As the kernel does: drop the class link, remove every child mdev, delete
 * mdev_supported_types, then announce it. */
void
mock_sysfs_unregister_parent(MockSysfs *self, const char *parent, gboolean send_event)
{
    const char *syspath = mock_sysfs_get_parent_syspath(self, parent);
    g_autofree char *link = g_strdup_printf("/sys/class/mdev_bus/%s", parent);
    g_autofree char *link_real = mock_sysfs_real_path(self, link);
    g_autofree char *types = g_build_filename(syspath, "mdev_supported_types", NULL);
    g_autofree char *types_real = mock_sysfs_real_path(self, types);
    const char *const state[] = { "MDEV_STATE=unregistered", NULL };
    GHashTableIter iter;
    gpointer key, value;
    g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func(g_free);

    g_unlink(link_real);
    g_hash_table_iter_init(&iter, self->mdevs);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_autofree char *dir = g_path_get_dirname(value);
        if (strcmp(dir, syspath) == 0)
            g_ptr_array_add(children, g_strdup(key));
    }
    for (guint i = 0; i < children->len; i++)
        mock_sysfs_remove_mdev(self, g_ptr_array_index(children, i));
    remove_tree(types_real);
    if (send_event)
        mock_sysfs_uevent(self, syspath, "change", state);
}

/**
 * mock_sysfs_add_mdev:
 *
 * An active mdev as the kernel leaves it once `create` returns: the device
 * directory with remove, the mdev_type, iommu_group and driver links, the
 * type's devices/ entry, and an add uevent. Real kernels send no MDEV_TYPE.
 *
 * Returns: (transfer none): the mdev's /sys path
 */
const char *
mock_sysfs_add_mdev(MockSysfs *self, const char *parent, const char *uuid,
                    const char *type_id, int iommu_group, const char *driver)
{
    const char *parent_path = mock_sysfs_get_parent_syspath(self, parent);
    g_autofree char *syspath = g_build_filename(parent_path, uuid, NULL);
    g_autofree char *type_dir = type_syspath(self, parent, type_id);
    g_autofree char *devices_link = g_build_filename(type_dir, "devices", uuid, NULL);
    g_autoptr(GString) text = g_string_new(NULL);

    g_string_append_printf(text, "P: %s\n", syspath + strlen("/sys"));
    g_string_append(text, "E: SUBSYSTEM=mdev\n");
    if (driver)
        g_string_append_printf(text, "E: DRIVER=%s\n", driver);
    g_string_append(text, "A: remove=\n");
    /* Everything is in place when the add event goes out, which
     * umockdev_testbed_add_from_string() sends last: udev clients such as
     * libvirt read the links as soon as they hear of the device (libvirt
     * drops for good a device whose iommu_group it cannot read), and on a
     * real host udevd delivers the event only after the probe made them.
     * The links that point at the device are made first, dangling for a
     * moment; the device's own links come with it and are never replaced
     * afterwards. */
    make_link(self, devices_link, syspath);
    {
        g_autofree char *type_target = relative_link(syspath, type_dir);
        g_string_append_printf(text, "L: mdev_type=%s\n", type_target);
    }
    if (iommu_group >= 0) {
        g_autofree char *group = g_strdup_printf("/sys/kernel/iommu_groups/%d", iommu_group);
        g_autofree char *group_target = relative_link(syspath, group);
        g_autofree char *member = g_strdup_printf("%s/devices/%s", group, uuid);

        ensure_group(self, iommu_group);
        make_link(self, member, syspath);
        g_string_append_printf(text, "L: iommu_group=%s\n", group_target);
    }
    if (driver) {
        g_autofree char *bound = g_strdup_printf("/sys/bus/mdev/drivers/%s", driver);
        g_autofree char *driver_target = relative_link(syspath, bound);

        ensure_driver(self, "mdev", driver);
        g_string_append_printf(text, "L: driver=%s\n", driver_target);
    }
    add_from_string(self, text->str);

    g_hash_table_replace(self->mdevs, g_strdup(uuid), g_strdup(syspath));
    return g_hash_table_lookup(self->mdevs, uuid);
}

const char *
mock_sysfs_get_mdev_syspath(MockSysfs *self, const char *uuid)
{
    return g_hash_table_lookup(self->mdevs, uuid);
}

void
mock_sysfs_remove_mdev(MockSysfs *self, const char *uuid)
{
    g_autofree char *syspath = g_strdup(g_hash_table_lookup(self->mdevs, uuid));
    g_autofree char *type_link = NULL;
    g_autofree char *target = NULL;
    g_autofree char *group_link = NULL;
    g_autofree char *group_target = NULL;

    if (syspath == NULL)
        g_error("mock-sysfs: unknown mdev %s", uuid);

    /* undo the links that point back at the device before it goes */
    type_link = mock_sysfs_real_path(self, syspath);
    {
        g_autofree char *mdev_type = g_build_filename(type_link, "mdev_type", NULL);
        target = g_file_read_link(mdev_type, NULL);
        if (target) {
            g_autofree char *entry = g_build_filename(type_link, target, "devices", uuid, NULL);
            g_unlink(entry);
        }
        group_link = g_build_filename(type_link, "iommu_group", NULL);
        group_target = g_file_read_link(group_link, NULL);
        if (group_target) {
            g_autofree char *member = g_build_filename(type_link, group_target, "devices",
                                                       uuid, NULL);
            g_unlink(member);
        }
    }
    umockdev_testbed_uevent(self->testbed, syspath, "remove");
    umockdev_testbed_remove_device(self->testbed, syspath);
    g_hash_table_remove(self->mdevs, uuid);
}

/* Attaches the mdev driver the way the driver core does after device_add():
 * the driver link, DRIVER= in the uevent file, then the bind event. */
void
mock_sysfs_bind_mdev(MockSysfs *self, const char *uuid, const char *driver,
                     gboolean send_event)
{
    const char *syspath = g_hash_table_lookup(self->mdevs, uuid);
    g_autofree char *uevent_sys = NULL;
    g_autofree char *uevent = NULL;
    g_autofree char *contents = NULL;
    g_autofree char *updated = NULL;

    if (syspath == NULL)
        g_error("mock-sysfs: unknown mdev %s", uuid);
    link_device(self, syspath, "mdev", driver, -1);
    uevent_sys = g_build_filename(syspath, "uevent", NULL);
    uevent = mock_sysfs_real_path(self, uevent_sys);
    if (!g_file_get_contents(uevent, &contents, NULL, NULL))
        contents = g_strdup("");
    updated = g_strdup_printf("%sDRIVER=%s\n", contents, driver);
    g_file_set_contents(uevent, updated, -1, NULL);
    if (send_event)
        umockdev_testbed_uevent(self->testbed, syspath, "bind");
}

/* The reverse of mock_sysfs_bind_mdev(): unbind event, then the driver link
 * and DRIVER= go. */
void
mock_sysfs_unbind_mdev(MockSysfs *self, const char *uuid, gboolean send_event)
{
    const char *syspath = g_hash_table_lookup(self->mdevs, uuid);
    g_autofree char *link_sys = NULL;
    g_autofree char *link = NULL;
    g_autofree char *uevent_sys = NULL;
    g_autofree char *uevent = NULL;
    g_autofree char *contents = NULL;
    g_autoptr(GString) kept = g_string_new(NULL);

    if (syspath == NULL)
        g_error("mock-sysfs: unknown mdev %s", uuid);
    if (send_event)
        umockdev_testbed_uevent(self->testbed, syspath, "unbind");
    link_sys = g_build_filename(syspath, "driver", NULL);
    link = mock_sysfs_real_path(self, link_sys);
    g_unlink(link);
    uevent_sys = g_build_filename(syspath, "uevent", NULL);
    uevent = mock_sysfs_real_path(self, uevent_sys);
    if (g_file_get_contents(uevent, &contents, NULL, NULL)) {
        g_auto(GStrv) lines = g_strsplit(contents, "\n", -1);
        for (guint i = 0; lines[i]; i++) {
            if (*lines[i] == '\0' || g_str_has_prefix(lines[i], "DRIVER="))
                continue;
            g_string_append_printf(kept, "%s\n", lines[i]);
        }
        g_file_set_contents(uevent, kept->str, -1, NULL);
    }
}

/* A plain file below the testbed's /sys (vendor attributes, SR-IOV counters),
 * with its directories. */
void
mock_sysfs_write_file(MockSysfs *self, const char *syspath, const char *contents)
{
    write_file(self, syspath, contents);
}
