/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-xml.h"
#include "mdevtool-lifecycle.h"

#include <glib/gi18n.h>
#include <stdio.h>

MDEVTOOL_CMD(mdevtool_cmd_define)
{
    g_autofree char *type = NULL;
    g_autofree char *parent = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *policy = NULL;
    g_autofree char *xml = NULL;
    g_auto(GStrv) attr_specs = NULL;
    gboolean autostart = FALSE;
    const GOptionEntry entries[] = {
        { "type", 't', 0, G_OPTION_ARG_STRING, &type,
          N_("Type id or name (default: the running device's)"), N_("TYPE") },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent,
          N_("Parent device (default: the running device's, or chosen by the policy)"),
          N_("PARENT") },
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid, N_("UUID (default: a new one)"), N_("UUID") },
        { "auto", 0, 0, G_OPTION_ARG_NONE, &autostart,
          N_("Start the mdev whenever its parent appears"), NULL },
        { "attr", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &attr_specs,
          N_("Attribute to write after creation, in order (repeatable)"), N_("NAME=VALUE") },
        { "policy", 0, 0, G_OPTION_ARG_STRING, &policy,
          N_("How to choose a parent: pack (default) or spread"), N_("POLICY") },
        { "xml", 0, 0, G_OPTION_ARG_FILENAME, &xml,
          N_("Read the mdev from a libvirt node-device XML file ('-': standard input)"),
          N_("FILE") },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("define", NULL, entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) attrs = NULL;
    g_autoptr(MdevDevice) document = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *defined = NULL;
    MdevPlacement placement;
    int status;

    g_option_context_set_summary(octx, _("Define a persistent mdev and print its UUID if it "
                                         "was generated."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("define", _("unexpected argument '%s'"), argv[1]);
    if (xml && (type || parent || uuid || attr_specs || autostart))
        return mdevtool_usage_error("define", _("--xml excludes --type, --parent, --uuid, "
                                                "--attr and --auto"));
    if (xml == NULL && type == NULL && uuid == NULL)
        return mdevtool_usage_error("define", _("--type is required"));
    if (!mdevtool_parse_placement(policy, &placement, &status))
        return status;
    attrs = mdevtool_parse_attrs(attr_specs, &error);
    if (attrs == NULL)
        return mdevtool_usage_error("define", "%s", error->message);
    if (xml) {
        /* the document gives parent, type, UUID, attributes (and autostart) */
        document = mdev_xml_read_definition(cli->ctx, xml, &error);
        if (document == NULL)
            return mdevtool_fail(error);
        parent = g_strdup(document->parent);
        type = g_strdup(document->type);
        uuid = g_strdup(document->uuid);
        g_ptr_array_unref(attrs);
        attrs = mdev_attr_array_copy(document->attrs);
        autostart = document->autostart;
    }

    defined = mdev_ops_define(cli->ctx, parent, type, uuid, autostart, attrs, placement, NULL,
                              messages, &error);
    if (defined && uuid == NULL)
        printf("%s\n", defined);
    return mdevtool_finish(messages, error);
}
