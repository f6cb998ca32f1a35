/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The hosts behind the XML golden files: one parent of every kind with its
 * types and mdevs, plus persistent definitions. The same description feeds
 * the test (mdevtool's side) and tests/libvirt/regen-golden.sh (libvirt's
 * side), so the two always look at the same host. */

#include "mock-sysfs.h"

G_BEGIN_DECLS

typedef struct {
    const char *parent; /* kernel name of the parent */
    const char *uuid;
    const char *type_id;
    gboolean active;    /* present in sysfs */
    int iommu_group;    /* for active mdevs */
    const char *driver; /* for active mdevs */
    gboolean defined;   /* a persistent definition exists */
    gboolean autostart;
    const char *const *attrs; /* name, value, name, value, ..., NULL */
} XmlTestbedMdev;

typedef struct {
    const char *golden;  /* tests/data/xml/<golden>.xml */
    const char *nodedev; /* libvirt's name of the device */
    gboolean is_parent;
    const char *kernel_name; /* parent name or mdev uuid */
    const char *mdev_parent; /* for mdevs: the parent's kernel name */
    gboolean nvidia_vf;      /* an NVIDIA VF vGPU, named by its VF */
} XmlTestbedCase;

extern const XmlTestbedMdev xml_testbed_mdevs[];
extern const XmlTestbedCase xml_testbed_cases[];

void xml_testbed_build(MockSysfs *sysfs);
gboolean xml_testbed_write_definitions(const char *dir, GError **error);
char *xml_testbed_normalise(const char *text);

G_END_DECLS
