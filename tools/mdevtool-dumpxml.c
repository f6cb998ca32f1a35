/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-xml-host.h"
#include "mdevtool-fleet.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>

MDEVTOOL_CMD(mdevtool_cmd_dumpxml)
{
    gboolean inactive = FALSE;
    g_autofree char *uuid_option = NULL;
    const GOptionEntry entries[] = {
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_option,
          N_("The mdev, instead of the NAME argument"), N_("UUID") },
        { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive,
          N_("Print an mdev's persistent definition, not the running device"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx =
        mdevtool_option_context_new("dumpxml", N_("NAME|UUID|PARENT"), entries);
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    const char *name;
    int status;

    g_option_context_set_summary(octx, _("Print an mdev or a parent device as libvirt "
                                         "node-device XML."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (uuid_option && argc > 1)
        return mdevtool_usage_error("dumpxml", _("give the mdev once: as the argument or with "
                                                 "--uuid"));
    if (uuid_option == NULL && argc < 2)
        return mdevtool_usage_error("dumpxml", _("no device given"));
    if (argc > 2)
        return mdevtool_usage_error("dumpxml", _("unexpected argument '%s'"), argv[2]);
    name = uuid_option ? uuid_option : argv[1];
    if (cli->uris)
        return mdevtool_fleet_dumpxml(cli, name, inactive);

    xml = mdev_xml_host_dump_nodedev(cli->ctx, name,
                                     inactive ? MDEV_XML_FORMAT_INACTIVE : MDEV_XML_FORMAT_NONE,
                                     problems, &error);
    mdevtool_print_problems(problems);
    if (xml == NULL)
        return mdevtool_fail(error);
    mdevtool_print_xml(cli, "name", name, xml);
    return MDEVTOOL_EXIT_OK;
}
