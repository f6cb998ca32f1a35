/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-model.h"

#include "mdev-enum.h"

#include <string.h>

MDEV_ENUM_IMPL(mdev_parent_kind, MdevParentKind, MDEV_PARENT_KIND_LAST, "pci", "css", "ap",
               "generic", "nvidia-vf")

/**
 * mdev_parent_kind_from_subsystem:
 * @subsystem: (nullable): a parent's udev subsystem
 *
 * The AP matrix device's subsystem is "matrix" (its class), not "ap".
 *
 * Returns: the kind of parent a device of @subsystem is
 */
MdevParentKind
mdev_parent_kind_from_subsystem(const char *subsystem)
{
    if (g_strcmp0(subsystem, "pci") == 0)
        return MDEV_PARENT_KIND_PCI;
    if (g_strcmp0(subsystem, "css") == 0)
        return MDEV_PARENT_KIND_CSS;
    if (g_strcmp0(subsystem, "matrix") == 0)
        return MDEV_PARENT_KIND_AP;
    return MDEV_PARENT_KIND_GENERIC;
}

MdevAttr *
mdev_attr_new(const char *name, const char *value)
{
    MdevAttr *attr = g_new0(MdevAttr, 1);

    attr->name = g_strdup(name);
    attr->value = g_strdup(value);
    return attr;
}

MdevAttr *
mdev_attr_copy(const MdevAttr *attr)
{
    return mdev_attr_new(attr->name, attr->value);
}

void
mdev_attr_free(MdevAttr *attr)
{
    if (attr == NULL)
        return;
    g_free(attr->name);
    g_free(attr->value);
    g_free(attr);
}

GPtrArray *
mdev_attr_array_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify) mdev_attr_free);
}

GPtrArray *
mdev_attr_array_copy(const GPtrArray *attrs)
{
    GPtrArray *copy = mdev_attr_array_new();

    for (guint i = 0; attrs && i < attrs->len; i++)
        g_ptr_array_add(copy, mdev_attr_copy(g_ptr_array_index(attrs, i)));
    return copy;
}

MdevType *
mdev_type_new(const char *id)
{
    MdevType *type = g_new0(MdevType, 1);

    type->id = g_strdup(id);
    type->available_instances = -1;
    return type;
}

void
mdev_type_free(MdevType *type)
{
    if (type == NULL)
        return;
    g_free(type->id);
    g_free(type->name);
    g_free(type->description);
    g_free(type->device_api);
    g_free(type);
}

MdevParent *
mdev_parent_new(const char *name)
{
    MdevParent *parent = g_new0(MdevParent, 1);

    parent->name = g_strdup(name);
    parent->kind = MDEV_PARENT_KIND_GENERIC;
    parent->numa_node = -1;
    parent->iommu_group = -1;
    parent->vfs = -1;
    parent->free_vfs = -1;
    parent->types = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_type_free);
    return parent;
}

void
mdev_parent_free(MdevParent *parent)
{
    if (parent == NULL)
        return;
    g_free(parent->name);
    g_free(parent->syspath);
    g_free(parent->subsystem);
    g_free(parent->driver);
    g_free(parent->vendor_id);
    g_free(parent->device_id);
    g_free(parent->physfn);
    g_free(parent->dev_busid);
    g_free(parent->class_code);
    g_free(parent->devnode);
    g_strfreev(parent->devlinks);
    g_free(parent->vgpu_type);
    g_ptr_array_unref(parent->types);
    g_free(parent);
}

/**
 * mdev_parent_get_type:
 * @parent: a parent
 * @type_id: a type id
 *
 * Returns: (transfer none) (nullable): the parent's type @type_id
 */
MdevType *
mdev_parent_get_type(const MdevParent *parent, const char *type_id)
{
    for (guint i = 0; i < parent->types->len; i++) {
        MdevType *type = g_ptr_array_index(parent->types, i);
        if (strcmp(type->id, type_id) == 0)
            return type;
    }
    return NULL;
}

MdevDevice *
mdev_device_new(const char *uuid, const char *parent)
{
    MdevDevice *device = g_new0(MdevDevice, 1);

    device->uuid = g_strdup(uuid);
    device->parent = g_strdup(parent);
    device->iommu_group = -1;
    device->attrs = mdev_attr_array_new();
    return device;
}

/**
 * mdev_device_copy:
 * @device: an mdev record
 *
 * Returns: (transfer full): a deep copy of @device
 */
MdevDevice *
mdev_device_copy(const MdevDevice *device)
{
    MdevDevice *copy = mdev_device_new(device->uuid, device->parent);

    copy->type = g_strdup(device->type);
    copy->active = device->active;
    copy->defined = device->defined;
    copy->autostart = device->autostart;
    copy->iommu_group = device->iommu_group;
    copy->driver = g_strdup(device->driver);
    copy->syspath = g_strdup(device->syspath);
    copy->address = g_strdup(device->address);
    g_ptr_array_unref(copy->attrs);
    copy->attrs = mdev_attr_array_copy(device->attrs);
    return copy;
}

void
mdev_device_free(MdevDevice *device)
{
    if (device == NULL)
        return;
    g_free(device->uuid);
    g_free(device->parent);
    g_free(device->type);
    g_free(device->driver);
    g_free(device->syspath);
    g_free(device->address);
    g_ptr_array_unref(device->attrs);
    g_free(device);
}

/* Comparators for g_ptr_array_sort(): they receive pointers to elements. */
int
mdev_parent_compare(gconstpointer a, gconstpointer b)
{
    const MdevParent *pa = *(const MdevParent *const *) a;
    const MdevParent *pb = *(const MdevParent *const *) b;

    return strcmp(pa->name, pb->name);
}

int
mdev_type_compare(gconstpointer a, gconstpointer b)
{
    const MdevType *ta = *(const MdevType *const *) a;
    const MdevType *tb = *(const MdevType *const *) b;

    return strcmp(ta->id, tb->id);
}

int
mdev_device_compare(gconstpointer a, gconstpointer b)
{
    const MdevDevice *da = *(const MdevDevice *const *) a;
    const MdevDevice *db = *(const MdevDevice *const *) b;
    int rc = strcmp(da->parent, db->parent);

    if (rc == 0)
        rc = g_strcmp0(da->uuid, db->uuid);
    return rc != 0 ? rc : g_strcmp0(da->address, db->address);
}
