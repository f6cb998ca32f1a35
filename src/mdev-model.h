/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MdevParentKind:
 * @MDEV_PARENT_KIND_PCI: a PCI function (GPU PF or SR-IOV VF)
 * @MDEV_PARENT_KIND_CSS: an s390 I/O subchannel (vfio-ccw)
 * @MDEV_PARENT_KIND_AP: the s390 AP matrix device (vfio-ap)
 * @MDEV_PARENT_KIND_GENERIC: any other parent, such as the kernel samples
 * @MDEV_PARENT_KIND_NVIDIA_VF: an NVIDIA GPU whose SR-IOV VFs are its vGPUs
 *   (NVIDIA's vendor-specific VFIO model: no mdevs, a vGPU is a type id
 *   written to the VF's `nvidia/current_vgpu_type`)
 */
typedef enum {
    MDEV_PARENT_KIND_PCI,
    MDEV_PARENT_KIND_CSS,
    MDEV_PARENT_KIND_AP,
    MDEV_PARENT_KIND_GENERIC,
    MDEV_PARENT_KIND_NVIDIA_VF,
    MDEV_PARENT_KIND_LAST
} MdevParentKind;

const char *mdev_parent_kind_to_string(MdevParentKind kind);
MdevParentKind mdev_parent_kind_from_subsystem(const char *subsystem);

/**
 * MdevAttr:
 * @name: sysfs attribute name, relative to the mdev's directory
 * @value: the value written after creation
 *
 * One entry of a definition's ordered attribute list.
 */
typedef struct {
    char *name;
    char *value;
} MdevAttr;

MdevAttr *mdev_attr_new(const char *name, const char *value) G_GNUC_WARN_UNUSED_RESULT;
MdevAttr *mdev_attr_copy(const MdevAttr *attr) G_GNUC_WARN_UNUSED_RESULT;
void mdev_attr_free(MdevAttr *attr);
GPtrArray *mdev_attr_array_new(void) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_attr_array_copy(const GPtrArray *attrs) G_GNUC_WARN_UNUSED_RESULT;

/**
 * MdevType:
 * @id: the type directory's name (`nvidia-558`, `mtty-2`)
 * @name: (nullable): the kernel's `name`, %NULL when absent
 * @description: (nullable): the kernel's `description`, as read (may span lines)
 * @device_api: (nullable): `vfio-pci`, `vfio-ccw`, `vfio-ap`; %NULL when unreadable
 * @available_instances: free instances now, -1 when unreadable
 */
typedef struct {
    char *id;
    char *name;
    char *description;
    char *device_api;
    gint64 available_instances;
} MdevType;

MdevType *mdev_type_new(const char *id) G_GNUC_WARN_UNUSED_RESULT;
void mdev_type_free(MdevType *type);

/**
 * MdevParent:
 * @name: the kernel name (`0000:00:02.0`, `0.0.0052`, `matrix`, `mtty`)
 * @kind: which kind of parent
 * @syspath: the device's sysfs path
 * @subsystem: (nullable): its udev subsystem
 * @driver: (nullable): its bound driver
 * @vendor_id: (nullable): PCI vendor id as the kernel prints it (`0x10de`)
 * @device_id: (nullable): PCI device id
 * @physfn: (nullable): for an SR-IOV VF, the name of its physical function
 * @dev_busid: (nullable): for a CSS subchannel, the device behind it
 * @numa_node: NUMA node, -1 when unknown
 * @iommu_group: the parent's IOMMU group, -1 when it has none
 * @registered: whether the parent is registered with the mdev core
 * @types: (element-type MdevType): supported types, sorted by id
 * @class_code: (nullable): PCI class as the kernel prints it (`0x030000`)
 * @devnode: (nullable): the device node the kernel names in the parent's
 *   uevent (`/dev/mtty` for the mtty sample)
 * @devlinks: (nullable): udev's symlinks to @devnode
 * @vfs: for %MDEV_PARENT_KIND_NVIDIA_VF, the card's VFs; else -1
 * @free_vfs: for %MDEV_PARENT_KIND_NVIDIA_VF, its VFs without a vGPU; else -1
 * @vgpu_type: (nullable): for %MDEV_PARENT_KIND_NVIDIA_VF, the type its
 *   vGPUs have (a card runs one type at a time), %NULL when it has none
 */
typedef struct {
    char *name;
    MdevParentKind kind;
    char *syspath;
    char *subsystem;
    char *driver;
    char *vendor_id;
    char *device_id;
    char *physfn;
    char *dev_busid;
    int numa_node;
    int iommu_group;
    gboolean registered;
    GPtrArray *types;
    char *class_code;
    char *devnode;
    GStrv devlinks;
    int vfs;
    int free_vfs;
    char *vgpu_type;
} MdevParent;

MdevParent *mdev_parent_new(const char *name) G_GNUC_WARN_UNUSED_RESULT;
void mdev_parent_free(MdevParent *parent);
MdevType *mdev_parent_get_type(const MdevParent *parent, const char *type_id);

/**
 * MdevDevice:
 * @uuid: canonical lowercase UUID
 * @parent: the parent's kernel name
 * @type: (nullable): type id; %NULL for an active mdev whose type link is not
 *   there yet (the kernel adds it after the add uevent)
 * @active: the mdev exists in sysfs
 * @defined: a persistent definition exists
 * @autostart: the definition says start "auto"
 * @iommu_group: the active mdev's IOMMU group, -1 when unknown or inactive
 * @driver: (nullable): the active mdev's bound driver
 * @syspath: (nullable): the active mdev's sysfs path
 * @attrs: (element-type MdevAttr): ordered attributes of the definition
 * @address: (nullable): for an NVIDIA VF vGPU, the VF's PCI address (then
 *   @uuid is %NULL and @parent is the card); %NULL for an mdev
 *
 * An mdev as mdevtool knows it: running, defined, or both; or an NVIDIA
 * VF vGPU.
 */
typedef struct {
    char *uuid;
    char *parent;
    char *type;
    gboolean active;
    gboolean defined;
    gboolean autostart;
    int iommu_group;
    char *driver;
    char *syspath;
    GPtrArray *attrs;
    char *address;
} MdevDevice;

MdevDevice *mdev_device_new(const char *uuid, const char *parent) G_GNUC_WARN_UNUSED_RESULT;
MdevDevice *mdev_device_copy(const MdevDevice *device) G_GNUC_WARN_UNUSED_RESULT;
void mdev_device_free(MdevDevice *device);

int mdev_parent_compare(gconstpointer a, gconstpointer b);
int mdev_type_compare(gconstpointer a, gconstpointer b);
int mdev_device_compare(gconstpointer a, gconstpointer b);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevAttr, mdev_attr_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevType, mdev_type_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevParent, mdev_parent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevDevice, mdev_device_free)
