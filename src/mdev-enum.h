/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to the library: an enum's string forms from one table.
 *
 *   MDEV_ENUM_IMPL(mdev_placement, MdevPlacement, MDEV_PLACEMENT_LAST,
 *                  "pack", "spread")
 *
 * defines `const char *mdev_placement_to_string(MdevPlacement)`, which the
 * module declares in its header, and `static int
 * mdev_placement_lookup(const char *)`, the value of a string or -1, on
 * which the module builds the from_string() its callers need. The table
 * lists the strings in the order of the values, from 0 to @last - 1; a
 * table of another length does not compile.
 *
 * An enum whose strings only its own module uses takes MDEV_ENUM_TABLE()
 * with the same arguments: the table `name##_strings` and the lookup,
 * without a public to_string() nobody would call. */

#include <glib.h>
#include <string.h>

#define MDEV_ENUM_TABLE(name, Type, last, ...)                             \
    static const char *const name##_strings[] = { __VA_ARGS__ };           \
    G_STATIC_ASSERT(G_N_ELEMENTS(name##_strings) == (last));               \
                                                                           \
    G_GNUC_UNUSED static int name##_lookup(const char *text)               \
    {                                                                      \
        for (guint i = 0; text && i < G_N_ELEMENTS(name##_strings); i++) { \
            if (strcmp(text, name##_strings[i]) == 0)                      \
                return (int) i;                                            \
        }                                                                  \
        return -1;                                                         \
    }

#define MDEV_ENUM_IMPL(name, Type, last, ...)                              \
    MDEV_ENUM_TABLE(name, Type, last, __VA_ARGS__)                         \
                                                                           \
    const char *name##_to_string(Type value)                               \
    {                                                                      \
        g_return_val_if_fail((guint) value < (guint) (last), NULL);        \
        return name##_strings[value];                                      \
    }
