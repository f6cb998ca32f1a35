/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-lifecycle.h"

#include "mdev-error.h"
#include "mdev-util.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

/**
 * mdevtool_parse_attrs:
 * @specs: (nullable): NAME=VALUE strings, as given to --attr
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdevAttr): the attributes in the
 *   order given, or %NULL when one has no '=' or an invalid name
 */
GPtrArray *
mdevtool_parse_attrs(char **specs, GError **error)
{
    g_autoptr(GPtrArray) attrs = mdev_attr_array_new();

    for (guint i = 0; specs && specs[i]; i++) {
        const char *eq = strchr(specs[i], '=');
        g_autofree char *name = NULL;

        if (eq == NULL) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("invalid attribute '%s': expected NAME=VALUE"), specs[i]);
            return NULL;
        }
        /* the operation checks the name: a bad one is bad input, not bad usage */
        name = g_strndup(specs[i], eq - specs[i]);
        g_ptr_array_add(attrs, mdev_attr_new(name, eq + 1));
    }
    return g_steal_pointer(&attrs);
}

/**
 * mdevtool_take_uuid_argument:
 * @cmd: the command, for usage errors
 * @argc: remaining argument count (argv[0] is the command)
 * @argv: remaining arguments
 * @ret_status: set to the exit status on failure
 *
 * Returns: (transfer full) (nullable): the one positional UUID, canonical
 */
char *
mdevtool_take_uuid_argument(const char *cmd, int argc, char **argv, int *ret_status)
{
    g_autoptr(GError) error = NULL;
    char *uuid;

    if (argc < 2) {
        *ret_status = mdevtool_usage_error(cmd, _("no UUID given"));
        return NULL;
    }
    if (argc > 2) {
        *ret_status = mdevtool_usage_error(cmd, _("unexpected argument '%s'"), argv[2]);
        return NULL;
    }
    uuid = mdev_util_uuid_canonicalize(argv[1], &error);
    if (uuid == NULL)
        *ret_status = mdevtool_fail(error);
    return uuid;
}

gboolean
mdevtool_parse_placement(const char *text, MdevPlacement *ret_placement, int *ret_status)
{
    g_autoptr(GError) error = NULL;

    *ret_placement = MDEV_PLACEMENT_PACK;
    if (text == NULL)
        return TRUE;
    if (mdev_placement_from_string(text, ret_placement, &error))
        return TRUE;
    *ret_status = mdevtool_usage_error(g_get_prgname() + strlen("mdevtool "), "%s", error->message);
    return FALSE;
}

/**
 * mdevtool_finish:
 * @messages: (nullable): warnings collected by the operation
 * @error: (nullable): its error
 *
 * Prints the warnings, then the error if any.
 *
 * Returns: the exit status
 */
int
mdevtool_finish(GPtrArray *messages, const GError *error)
{
    mdevtool_print_problems(messages);
    if (error)
        return mdevtool_fail(error);
    return MDEVTOOL_EXIT_OK;
}
