/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-dlopen.h"

#include "mdev-error.h"

#include <dlfcn.h>
#include <glib/gi18n-lib.h>

/* Resolves every symbol or none: a library that lacks one of them is
 * treated as absent, so callers never meet a half-filled table. */
static char *
dlopen_resolve(MdevDlopenLibrary *library)
{
    void *handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL)
        return g_strdup_printf(_("cannot load %s: %s"), library->soname, dlerror());

    for (gsize i = 0; i < library->n_symbols; i++) {
        void *address;

        dlerror();
        address = dlsym(handle, library->symbols[i].name);
        if (address == NULL) {
            char *failure = g_strdup_printf(_("%s lacks %s, which mdevtool needs: is it too old?"),
                                            library->soname, library->symbols[i].name);
            for (gsize j = 0; j < i; j++)
                *library->symbols[j].slot = NULL;
            dlclose(handle);
            return failure;
        }
        *library->symbols[i].slot = address;
    }
    /* The handle stays open for the life of the process: the resolved
     * pointers must stay valid. */
    return NULL;
}

/**
 * mdev_dlopen_load:
 * @library: a library description made with MDEV_DLOPEN_LIBRARY()
 * @error: return location for a #GError
 *
 * Loads @library and fills its symbol pointers on the first call; later
 * calls, from any thread, return the first call's outcome.
 *
 * Returns: %TRUE when every symbol is available
 */
gboolean
mdev_dlopen_load(MdevDlopenLibrary *library, GError **error)
{
    if (g_once_init_enter(&library->once)) {
        library->failure = dlopen_resolve(library);
        g_once_init_leave(&library->once, 1);
    }
    if (library->failure != NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_FAILED, library->failure);
        return FALSE;
    }
    return TRUE;
}
