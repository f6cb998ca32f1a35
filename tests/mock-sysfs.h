/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Builds umockdev testbeds laid out the way the kernel's mdev core lays out
 * sysfs (see the kernel's Documentation/driver-api/vfio-mediated-device.rst):
 * parents of every kind, their mdev_supported_types, active mdevs with their
 * mdev_type, iommu_group and driver links, the mdev_bus compat class, and the
 * uevents the kernel sends. Test code describes hosts with these verbs and
 * never writes sysfs files itself. */

#include <glib.h>
#include <umockdev.h>

G_BEGIN_DECLS

typedef struct _MockSysfs MockSysfs;

typedef struct {
    const char *vendor;     /* "0x10de" */
    const char *device;     /* "0x2235" */
    const char *class_code; /* "0x030000" */
    const char *driver;     /* "nvidia"; NULL: unbound */
    const char *physfn;     /* PF address for an SR-IOV VF, else NULL */
    int iommu_group;        /* -1: none */
    int numa_node;          /* -1: none */
    const char *upstream;   /* bridge above it, added before; NULL: the host bridge */
} MockPciInfo;

typedef struct {
    const char *id;          /* directory name, "mtty-2" */
    const char *name;        /* NULL: no name file */
    const char *description; /* NULL: no description file */
    const char *device_api;  /* NULL: no device_api file (broken type) */
    int available;           /* < 0: no available_instances file */
} MockTypeInfo;

MockSysfs *mock_sysfs_new(void);
MockSysfs *mock_sysfs_new_for_testbed(UMockdevTestbed *testbed);
void mock_sysfs_free(MockSysfs *self);

UMockdevTestbed *mock_sysfs_get_testbed(MockSysfs *self);
const char *mock_sysfs_get_root(MockSysfs *self);
char *mock_sysfs_real_path(MockSysfs *self, const char *syspath);

const char *mock_sysfs_add_pci_parent(MockSysfs *self, const char *address,
                                      const MockPciInfo *info);
const char *mock_sysfs_add_css_parent(MockSysfs *self, const char *schid,
                                      const char *dev_busid, const char *driver);
const char *mock_sysfs_add_ap_matrix(MockSysfs *self);
const char *mock_sysfs_add_generic_parent(MockSysfs *self, const char *name);
const char *mock_sysfs_get_parent_syspath(MockSysfs *self, const char *parent);

void mock_sysfs_add_type(MockSysfs *self, const char *parent, const MockTypeInfo *info);
void mock_sysfs_set_available(MockSysfs *self, const char *parent, const char *type_id,
                              int available);
void mock_sysfs_register_parent(MockSysfs *self, const char *parent, gboolean send_event);
void mock_sysfs_unregister_parent(MockSysfs *self, const char *parent, gboolean send_event);

const char *mock_sysfs_add_mdev(MockSysfs *self, const char *parent, const char *uuid,
                                const char *type_id, int iommu_group, const char *driver);
void mock_sysfs_remove_mdev(MockSysfs *self, const char *uuid);
const char *mock_sysfs_get_mdev_syspath(MockSysfs *self, const char *uuid);
void mock_sysfs_bind_mdev(MockSysfs *self, const char *uuid, const char *driver,
                          gboolean send_event);
void mock_sysfs_unbind_mdev(MockSysfs *self, const char *uuid, gboolean send_event);

void mock_sysfs_write_file(MockSysfs *self, const char *syspath, const char *contents);

void mock_sysfs_uevent(MockSysfs *self, const char *syspath, const char *action,
                       const char *const *extra_properties);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MockSysfs, mock_sysfs_free)
