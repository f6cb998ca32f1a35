/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-vgpu.h"
#include "mdevtool-fleet.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>

/* An NVIDIA VF vGPU definition: named by a UUID like an mdev's, so that
 * start, list, undefine, modify and autostart take either. */
static int
define_vgpu(MdevtoolCli *cli, MdevtoolRequest *req, const char *address)
{
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *defined = NULL;

    if (req->type == NULL)
        return mdevtool_usage_error("define", _("--type is required"));
    defined = mdev_vgpu_define(cli->ctx, req->parent, req->type, req->uuid, address,
                               req->autostart, req->attrs, messages, &error);
    if (defined && !cli->json && req->uuid == NULL)
        printf("%s\n", defined);
    if (defined && mdevtool_report_wanted(cli)) {
        g_autoptr(MdevVgpuDefinition) d = mdev_vgpu_find_definition(cli->ctx, defined, NULL,
                                                                    NULL);
        mdevtool_report(cli, "define", defined, d ? d->card : req->parent, d ? d->type : NULL,
                        NULL, req->autostart);
    }
    return mdevtool_finish(messages, error);
}

MDEVTOOL_CMD(mdevtool_cmd_define)
{
    g_auto(MdevtoolRequest) req = { 0 };
    g_autofree char *address = NULL;
    const GOptionEntry entries[] = {
        { "type", 't', 0, G_OPTION_ARG_STRING, &req.type,
          N_("Type id or name (default: the running device's)"), N_("TYPE") },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &req.parent,
          N_("Parent device (default: the running device's, or chosen by the policy)"),
          N_("PARENT") },
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &req.uuid, N_("UUID (default: a new one)"),
          N_("UUID") },
        { "auto", 0, 0, G_OPTION_ARG_NONE, &req.autostart,
          N_("Start the mdev whenever its parent appears"), NULL },
        { "address", 0, 0, G_OPTION_ARG_STRING, &address,
          N_("Pin an NVIDIA VF vGPU to this VF of the card"), N_("ADDRESS") },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("define", NULL, entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *defined = NULL;
    g_autofree char *chosen = NULL;
    gboolean placed = FALSE;
    int status;

    mdevtool_request_add_options(octx, &req);
    g_option_context_set_summary(octx, _("Define a persistent mdev and print its UUID if it "
                                         "was generated."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("define", _("unexpected argument '%s'"), argv[1]);
    if (req.xml && (req.type || req.parent || req.uuid || req.attr_specs || req.autostart))
        return mdevtool_usage_error("define", _("--xml excludes --type, --parent, --uuid, "
                                                "--attr and --auto"));
    if (req.xml == NULL && req.type == NULL && req.uuid == NULL)
        return mdevtool_usage_error("define", _("--type is required"));
    if (!mdevtool_request_load(cli, "define", &req, &status))
        return status;
    if (cli->uris && req.xml == NULL && req.type == NULL)
        return mdevtool_usage_error("define", _("with -c, --type is required"));
    if (address && (cli->uris || req.xml))
        return mdevtool_usage_error("define", _("--address excludes -c and --xml"));
    if (cli->uris == NULL && req.xml == NULL &&
        (address || (req.parent && mdev_vgpu_is_card(req.parent))))
        return define_vgpu(cli, &req, address);
    if (cli->uris)
        return mdevtool_fleet_define(cli, "define", req.type, req.parent, req.uuid, req.attrs,
                                     req.autostart, req.placement, req.xml);

    defined = mdev_ops_define(cli->ctx, req.parent, req.type, req.uuid, req.autostart, req.attrs,
                              req.placement, MDEV_OPS_NONE, &chosen, &placed, messages, &error);
    if (defined && !cli->json && req.uuid == NULL)
        printf("%s\n", defined);
    if (defined)
        mdevtool_report_change(cli, "define", defined, chosen,
                               placed ? mdev_placement_to_string(req.placement) : NULL,
                               req.autostart);
    return mdevtool_finish(messages, error);
}
