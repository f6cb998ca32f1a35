/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Optional libraries (libvirt, which only the domain and fleet commands
 * use) are opened on first use instead of being linked, so that commands
 * that never need them do not pay for loading them at start-up.
 *
 * A module declares one pointer per function it calls, typed from the
 * library's own header:
 *
 *     MDEV_DLOPEN_DECLARE(virConnectOpen);
 *     static const MdevDlopenSymbol virt_symbols[] = {
 *         MDEV_DLOPEN_SYMBOL(virConnectOpen),
 *     };
 *     static MdevDlopenLibrary virt_library = MDEV_DLOPEN_LIBRARY("libvirt.so.0", virt_symbols);
 *
 * and calls mdev_dlopen_load(&virt_library, error) before it calls
 * sym_virConnectOpen(...).
 */

typedef struct {
    const char *name;
    gpointer *slot;
} MdevDlopenSymbol;

typedef struct {
    const char *soname;
    const MdevDlopenSymbol *symbols;
    gsize n_symbols;
    /*< private >*/
    gsize once;
    char *failure;
} MdevDlopenLibrary;

#define MDEV_DLOPEN_DECLARE(fn) static __typeof__(fn) *sym_##fn
#define MDEV_DLOPEN_SYMBOL(fn) { #fn, (gpointer *) &sym_##fn }
#define MDEV_DLOPEN_LIBRARY(soname, symbols) \
    { (soname), (symbols), G_N_ELEMENTS(symbols), 0, NULL }

gboolean mdev_dlopen_load(MdevDlopenLibrary *library, GError **error);

G_END_DECLS
