/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to the library: cleanups for foreign types, defined once here. */

#include <glib.h>
#include <libudev.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

/* libudev has no typedefs; g_autoptr() needs one-word type names. */
typedef struct udev udev;
typedef struct udev_device udev_device;
typedef struct udev_enumerate udev_enumerate;
typedef struct udev_monitor udev_monitor;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev, udev_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_device, udev_device_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_enumerate, udev_enumerate_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_monitor, udev_monitor_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
