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
    const GOptionEntry entries[] = {
        { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive,
          N_("Print an mdev's persistent definition, not the running device"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx =
        mdevtool_option_context_new("dumpxml", N_("NAME|UUID|PARENT"), entries);
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    int status;

    g_option_context_set_summary(octx, _("Print an mdev or a parent device as libvirt "
                                         "node-device XML."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc < 2)
        return mdevtool_usage_error("dumpxml", _("no device given"));
    if (argc > 2)
        return mdevtool_usage_error("dumpxml", _("unexpected argument '%s'"), argv[2]);
    if (cli->uris)
        return mdevtool_fleet_dumpxml(cli, argv[1], inactive);

    xml = mdev_xml_host_dump_nodedev(cli->ctx, argv[1],
                                     inactive ? MDEV_XML_FORMAT_INACTIVE : MDEV_XML_FORMAT_NONE,
                                     problems, &error);
    mdevtool_print_problems(problems);
    if (xml == NULL)
        return mdevtool_fail(error);
    fputs(xml, stdout);
    return MDEVTOOL_EXIT_OK;
}
