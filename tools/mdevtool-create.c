/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-vgpu.h"
#include "mdevtool-fleet.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>

/* An NVIDIA VF vGPU: named by its VF's address, which is printed. */
static int
create_vgpu(MdevtoolCli *cli, MdevtoolRequest *req)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *address = NULL;
    g_autofree char *card = NULL;
    g_autofree char *type = NULL;

    if (req->uuid)
        return mdevtool_usage_error("create", _("an NVIDIA VF vGPU is named by its VF's "
                                                "address; --uuid does not apply"));
    address = mdev_vgpu_create(cli->ctx, req->parent, req->type, req->attrs, req->placement,
                               &card, &type, &error);
    if (address == NULL)
        return mdevtool_fail(error);
    if (cli->json) {
        mdevtool_print_device(NULL, address, card, type, NULL);
    } else {
        printf("%s\n", address);
    }
    return MDEVTOOL_EXIT_OK;
}

MDEVTOOL_CMD(mdevtool_cmd_create)
{
    g_auto(MdevtoolRequest) req = { 0 };
    const GOptionEntry entries[] = {
        { "type", 't', 0, G_OPTION_ARG_STRING, &req.type, N_("Type id or name"), N_("TYPE") },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &req.parent,
          N_("Parent device (default: chosen by the policy)"), N_("PARENT") },
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &req.uuid, N_("UUID (default: a new one)"),
          N_("UUID") },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("create", NULL, entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *created = NULL;
    g_autofree char *chosen = NULL;
    int status;

    mdevtool_request_add_options(octx, &req);
    g_option_context_set_summary(octx, _("Create a transient mdev and print its UUID."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("create", _("unexpected argument '%s'"), argv[1]);
    if (req.xml && (req.type || req.parent || req.uuid || req.attr_specs))
        return mdevtool_usage_error("create", _("--xml excludes --type, --parent, --uuid and "
                                                "--attr"));
    if (req.xml == NULL && req.type == NULL)
        return mdevtool_usage_error("create", _("--type is required"));
    if (!mdevtool_request_load(cli, "create", &req, &status))
        return status;
    if (cli->uris)
        return mdevtool_fleet_define(cli, "create", req.type, req.parent, req.uuid, req.attrs,
                                     FALSE, req.placement, req.xml);
    if (req.xml == NULL && mdev_vgpu_offers_type(cli->ctx, req.parent, req.type))
        return create_vgpu(cli, &req);

    created = mdev_ops_create(cli->ctx, req.parent, req.type, req.uuid, req.attrs, req.placement,
                              &chosen, messages, &error);
    if (created) {
        const char *policy = req.parent ? NULL : mdev_placement_to_string(req.placement);

        if (policy)
            mdevtool_note(_("placed mdev '%1$s' on parent '%2$s' (placement policy %3$s)"),
                          created, chosen, policy);
        /* the UUID is printed even when given: it comes back canonical */
        if (!cli->json)
            printf("%s\n", created);
        /* with the placement note, --verbose has nothing to add */
        if (cli->json || policy == NULL)
            mdevtool_report_change(cli, "create", created, chosen, policy, -1);
    }
    return mdevtool_finish_with_doctor(cli, messages, error, req.parent ? req.parent : req.type);
}
