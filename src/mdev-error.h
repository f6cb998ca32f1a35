/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MDEV_ERROR (mdev_error_quark())

/**
 * MdevError:
 * @MDEV_ERROR_FAILED: any failure no caller branches on
 * @MDEV_ERROR_INVALID_ARGUMENT: a name, UUID or value given by the caller is malformed
 * @MDEV_ERROR_NOT_FOUND: the named parent, type, device or definition does not exist
 * @MDEV_ERROR_EXISTS: the device or definition exists already
 * @MDEV_ERROR_AMBIGUOUS: a name matches more than one parent, type or definition
 * @MDEV_ERROR_NO_CAPACITY: no instance of the type is free
 * @MDEV_ERROR_BUSY: the device is in use or another operation holds it
 * @MDEV_ERROR_INVALID_CONFIG: a definition file or document is malformed
 * @MDEV_ERROR_NOT_ACTIVE: the device is not running
 * @MDEV_ERROR_CALLOUT: a callout script vetoed or failed the operation
 * @MDEV_ERROR_KERNEL: the kernel rejected a sysfs write
 * @MDEV_ERROR_OUT_OF_RANGE: an attribute index is beyond the definition's
 *   attributes
 *
 * Error codes of the %MDEV_ERROR domain. System call failures that need no
 * interpretation use %G_FILE_ERROR (g_file_error_from_errno()) instead.
 */
typedef enum {
    MDEV_ERROR_FAILED,
    MDEV_ERROR_INVALID_ARGUMENT,
    MDEV_ERROR_NOT_FOUND,
    MDEV_ERROR_EXISTS,
    MDEV_ERROR_AMBIGUOUS,
    MDEV_ERROR_NO_CAPACITY,
    MDEV_ERROR_BUSY,
    MDEV_ERROR_INVALID_CONFIG,
    MDEV_ERROR_NOT_ACTIVE,
    MDEV_ERROR_CALLOUT,
    MDEV_ERROR_KERNEL,
    MDEV_ERROR_OUT_OF_RANGE,
    MDEV_ERROR_LAST
} MdevError;

GQuark mdev_error_quark(void);

G_END_DECLS
