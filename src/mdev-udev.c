/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-udev.h"

#include "mdev-dlopen.h"

#define MDEV_UDEV_DEFINE(fn) __typeof__(fn) *sym_##fn;
MDEV_UDEV_SYMBOLS(MDEV_UDEV_DEFINE)
#undef MDEV_UDEV_DEFINE

#define MDEV_UDEV_ENTRY(fn) { #fn, (gpointer *) &sym_##fn },
static const MdevDlopenSymbol udev_symbols[] = { MDEV_UDEV_SYMBOLS(MDEV_UDEV_ENTRY) };
#undef MDEV_UDEV_ENTRY

static MdevDlopenLibrary udev_library = MDEV_DLOPEN_LIBRARY("libudev.so.1", udev_symbols);

/**
 * mdev_udev_load:
 * @error: return location for a #GError
 *
 * Opens libudev and fills the sym_udev_*() pointers on the first call.
 *
 * Returns: %TRUE when libudev and every function used are available
 */
gboolean
mdev_udev_load(GError **error)
{
    return mdev_dlopen_load(&udev_library, error);
}
