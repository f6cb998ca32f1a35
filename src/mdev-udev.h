/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libudev, opened on first use: only the monitor, the lookup of a parent
 * that never registered and the device links of a parent with a device
 * node need it, so the listings of the other hosts do not pay for loading
 * it. Callers run mdev_udev_load() once, then call sym_udev_*(). */

#include <glib.h>
#include <libudev.h>

G_BEGIN_DECLS

#define MDEV_UDEV_SYMBOLS(X)                                                                       \
    X(udev_new)                                                                                    \
    X(udev_unref)                                                                                  \
    X(udev_device_new_from_syspath)                                                                \
    X(udev_device_unref)                                                                           \
    X(udev_device_get_action)                                                                      \
    X(udev_device_get_devlinks_list_entry)                                                         \
    X(udev_device_get_property_value)                                                              \
    X(udev_device_get_subsystem)                                                                   \
    X(udev_device_get_sysname)                                                                     \
    X(udev_device_get_syspath)                                                                     \
    X(udev_enumerate_new)                                                                          \
    X(udev_enumerate_unref)                                                                        \
    X(udev_enumerate_add_match_sysname)                                                            \
    X(udev_enumerate_scan_devices)                                                                 \
    X(udev_enumerate_get_list_entry)                                                               \
    X(udev_list_entry_get_next)                                                                    \
    X(udev_list_entry_get_name)                                                                    \
    X(udev_monitor_new_from_netlink)                                                               \
    X(udev_monitor_unref)                                                                          \
    X(udev_monitor_enable_receiving)                                                               \
    X(udev_monitor_get_fd)                                                                         \
    X(udev_monitor_receive_device)

#define MDEV_UDEV_EXTERN(fn) extern __typeof__(fn) *sym_##fn;
MDEV_UDEV_SYMBOLS(MDEV_UDEV_EXTERN)
#undef MDEV_UDEV_EXTERN

gboolean mdev_udev_load(GError **error);

/* libudev has no typedefs; g_autoptr() needs one-word type names. The
 * cleanups run only on objects made after mdev_udev_load() succeeded. */
typedef struct udev udev;
typedef struct udev_device udev_device;
typedef struct udev_enumerate udev_enumerate;
typedef struct udev_monitor udev_monitor;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev, sym_udev_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_device, sym_udev_device_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_enumerate, sym_udev_enumerate_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(udev_monitor, sym_udev_monitor_unref)

G_END_DECLS
