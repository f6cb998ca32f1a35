/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"

G_BEGIN_DECLS

/**
 * MdevXmlFormatFlags:
 * @MDEV_XML_FORMAT_NONE: the device as it is now
 * @MDEV_XML_FORMAT_INACTIVE: the persistent definition only: no sysfs path,
 *   no driver, IOMMU group 0, type and attributes of the definition. This is
 *   what libvirt prints for a defined mdev that is not running.
 */
typedef enum {
    MDEV_XML_FORMAT_NONE = 0,
    MDEV_XML_FORMAT_INACTIVE = 1 << 0,
} MdevXmlFormatFlags;

/**
 * MdevXmlSwitch:
 * @MDEV_XML_SWITCH_DEFAULT: attribute left out, libvirt's default applies
 * @MDEV_XML_SWITCH_ON: `on`
 * @MDEV_XML_SWITCH_OFF: `off`
 */
typedef enum {
    MDEV_XML_SWITCH_DEFAULT,
    MDEV_XML_SWITCH_ON,
    MDEV_XML_SWITCH_OFF,
    MDEV_XML_SWITCH_LAST
} MdevXmlSwitch;

MdevXmlSwitch mdev_xml_switch_from_string(const char *text);

char *mdev_xml_parent_nodedev_name(const MdevParent *parent) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_device_nodedev_name(const char *uuid, const char *parent) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_xml_parent_is_listed_by_libvirt(const MdevParent *parent);

GPtrArray *mdev_xml_read_iommu_group(int group, GError **error) G_GNUC_WARN_UNUSED_RESULT;

char *mdev_xml_format_parent(const MdevParent *parent, const GPtrArray *iommu_group_devices,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_format_device(const MdevDevice *device, const MdevParent *parent,
                             MdevXmlFormatFlags flags, GError **error) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_format_hostdev(const char *uuid, const char *model, const char *device_api,
                              MdevXmlSwitch display, MdevXmlSwitch ramfb, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_format_pci_hostdev(const char *address, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
