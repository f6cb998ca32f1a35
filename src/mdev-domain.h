/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The namespace of mdevtool's element in a domain's <metadata>. */
#define MDEV_DOMAIN_METADATA_NS "https://mdevtool.example/xmlns/domain/1.0"
#define MDEV_DOMAIN_METADATA_PREFIX "mdevtool"

/**
 * MdevDomainDevice:
 * @uuid: (nullable): the mdev's UUID, canonical; %NULL for a VF vGPU
 * @address: (nullable): the VF's PCI address (`0000:41:00.4`); %NULL for
 *   an mdev
 * @type: a type id or a type name, resolved as create resolves it
 * @parent: (nullable): the parent to create it on; %NULL: any
 * @attrs: (element-type MdevAttr): attributes written after creation, in order
 *
 * One `<mdevtool:device>` of the metadata element: how to make a device
 * the domain's `<hostdev>` names when it does not exist. Exactly one of
 * @uuid and @address is set.
 */
typedef struct {
    char *uuid;
    char *address;
    char *type;
    char *parent;
    GPtrArray *attrs;
} MdevDomainDevice;

/**
 * MdevDomainHostdev:
 * @uuid: the mdev's UUID, canonical
 * @model: (nullable): the `model` attribute (`vfio-pci`, `vfio-ccw`, ...)
 *
 * One `<hostdev mode='subsystem' type='mdev'>` of a domain.
 */
typedef struct {
    char *uuid;
    char *model;
} MdevDomainHostdev;

/**
 * MdevDomain:
 * @name: the domain's name
 * @uuid: the domain's UUID, canonical
 * @mdevs: (element-type MdevDomainHostdev): its mdev hostdevs, in document order
 * @pci: (element-type utf8): the source addresses of its PCI hostdevs
 *   (`0000:41:00.4`), in document order
 * @devices: (element-type MdevDomainDevice): the devices of mdevtool's
 *   metadata element, in document order; empty without one
 *
 * What mdevtool reads from a domain's XML.
 */
typedef struct {
    char *name;
    char *uuid;
    GPtrArray *mdevs;
    GPtrArray *pci;
    GPtrArray *devices;
} MdevDomain;

MdevDomainDevice *mdev_domain_device_new(const char *uuid, const char *address, const char *type,
                                         const char *parent) G_GNUC_WARN_UNUSED_RESULT;
MdevDomainDevice *mdev_domain_device_copy(const MdevDomainDevice *device)
    G_GNUC_WARN_UNUSED_RESULT;
void mdev_domain_device_free(MdevDomainDevice *device);
gboolean mdev_domain_device_check(const MdevDomainDevice *device, GError **error);
void mdev_domain_hostdev_free(MdevDomainHostdev *hostdev);
void mdev_domain_free(MdevDomain *domain);

MdevDomain *mdev_domain_parse(const char *xml, gssize length, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_domain_parse_metadata(const char *xml, gssize length, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
char *mdev_domain_format_metadata(const GPtrArray *devices) G_GNUC_WARN_UNUSED_RESULT;

const MdevDomainDevice *mdev_domain_find_device(const MdevDomain *domain, const char *uuid,
                                                const char *address);
gboolean mdev_domain_has_mdev(const MdevDomain *domain, const char *uuid);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevDomainDevice, mdev_domain_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevDomainHostdev, mdev_domain_hostdev_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevDomain, mdev_domain_free)
