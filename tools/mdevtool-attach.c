/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-attach.h"
#include "mdev-vgpu.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>

/* The connection of a domain command: -c, or the system's QEMU driver. */
static MdevVirtConnection *
open_connection(MdevtoolCli *cli, GError **error)
{
    return mdev_virt_connection_open(cli->uri ? cli->uri : MDEV_VIRT_DEFAULT_URI, 0, error);
}

static MdevVirtScope
scope_of(gboolean config, gboolean live)
{
    MdevVirtScope scope = 0;

    if (config || !live)
        scope |= MDEV_VIRT_CONFIG;
    if (live)
        scope |= MDEV_VIRT_LIVE;
    return scope;
}

MDEVTOOL_CMD(mdevtool_cmd_attach)
{
    g_autofree char *uuid = NULL;
    g_autofree char *type = NULL;
    g_autofree char *parent = NULL;
    g_auto(GStrv) attr_specs = NULL;
    g_autofree char *model = NULL;
    g_autofree char *display_text = NULL;
    g_autofree char *ramfb_text = NULL;
    gboolean config = FALSE;
    gboolean live = FALSE;
    const GOptionEntry entries[] = {
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid, N_("An active or defined mdev, or a VF vGPU's address"),
          N_("UUID") },
        { "type", 't', 0, G_OPTION_ARG_STRING, &type, N_("Define a new mdev of this type"),
          N_("TYPE") },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent,
          N_("The new mdev's parent (default: chosen as create does)"), N_("PARENT") },
        { "attr", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &attr_specs,
          N_("The new mdev's attribute, in order (repeatable)"), N_("NAME=VALUE") },
        { "model", 0, 0, G_OPTION_ARG_STRING, &model,
          N_("vfio-pci, vfio-ccw or vfio-ap; default: the type's device API"), N_("MODEL") },
        { "display", 0, 0, G_OPTION_ARG_STRING, &display_text,
          N_("Export the vGPU's display (vfio-pci only)"), N_("on|off") },
        { "ramfb", 0, 0, G_OPTION_ARG_STRING, &ramfb_text,
          N_("Give the guest a boot display (vfio-pci only)"), N_("on|off") },
        { "config", 0, 0, G_OPTION_ARG_NONE, &config,
          N_("Change the persistent definition (the default)"), NULL },
        { "live", 0, 0, G_OPTION_ARG_NONE, &live,
          N_("Start the mdev and hot-plug it into the running domain"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("attach", N_("DOMAIN"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(MdevVirtConnection) connection = NULL;
    g_autoptr(MdevDevice) device = NULL;
    g_autofree char *domain = NULL;
    g_autoptr(GPtrArray) attrs = NULL;
    g_autoptr(GError) error = NULL;
    MdevAttachRequest request = { 0 };
    int status;

    g_option_context_set_summary(octx, _("Give an mdev to a libvirt domain: its <hostdev> and "
                                         "its mdevtool metadata, and print its UUID."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc < 2)
        return mdevtool_usage_error("attach", _("no domain given"));
    if (argc > 2)
        return mdevtool_usage_error("attach", _("unexpected argument '%s'"), argv[2]);
    if ((uuid == NULL) == (type == NULL))
        return mdevtool_usage_error("attach", _("give either --uuid or --type"));
    if (uuid && (parent || attr_specs))
        return mdevtool_usage_error("attach", _("--parent and --attr describe a new mdev: they "
                                                "go with --type"));
    if (!mdevtool_parse_switch("attach", "--display", display_text, &request.display, &status) ||
        !mdevtool_parse_switch("attach", "--ramfb", ramfb_text, &request.ramfb, &status))
        return status;
    mdevtool_resolve_parent(cli, &parent);
    /* an NVIDIA VF vGPU is given as a PCI device, which has no model,
     * display or ramfb */
    if (model || display_text || ramfb_text) {
        g_autofree char *vf = uuid ? mdev_xml_host_parse_vf_address(uuid) : NULL;

        if (vf || (type && mdev_vgpu_offers_type(cli->ctx, parent, type)))
            return mdevtool_usage_error("attach", _("--model, --display and --ramfb apply to "
                                                    "mdevs, not to an NVIDIA VF vGPU"));
    }
    attrs = mdevtool_parse_attrs(attr_specs, &error);
    if (attrs == NULL)
        return mdevtool_fail(error);
    request.uuid = uuid;
    request.type = type;
    request.parent = parent;
    request.attrs = attrs;
    request.model = model;
    request.scope = scope_of(config, live);

    connection = open_connection(cli, &error);
    if (connection == NULL)
        return mdevtool_fail(error);
    device = mdev_attach_add(cli->ctx, connection, argv[1], &request, &domain, messages,
                             &error);
    mdevtool_print_problems(messages);
    if (device == NULL)
        return mdevtool_fail(error);
    if (cli->json) {
        mdevtool_print_device(device->uuid, device->address, device->parent, device->type, domain);
    } else {
        printf("%s\n", device->uuid ? device->uuid : device->address);
    }
    return MDEVTOOL_EXIT_OK;
}

MDEVTOOL_CMD(mdevtool_cmd_detach)
{
    gboolean config = FALSE;
    gboolean live = FALSE;
    gboolean keep = FALSE;
    const GOptionEntry entries[] = {
        { "config", 0, 0, G_OPTION_ARG_NONE, &config,
          N_("Change the persistent definition (the default)"), NULL },
        { "live", 0, 0, G_OPTION_ARG_NONE, &live,
          N_("Unplug the mdev from the running domain"), NULL },
        { "keep", 0, 0, G_OPTION_ARG_NONE, &keep,
          N_("Leave the mdev itself active and defined"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx =
        mdevtool_option_context_new("detach", N_("DOMAIN UUID"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(MdevVirtConnection) connection = NULL;
    g_autoptr(GError) error = NULL;
    gboolean ok;
    int status;

    g_option_context_set_summary(octx, _("Take an mdev back from a libvirt domain, then remove "
                                         "and undefine it unless --keep."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc < 3)
        return mdevtool_usage_error("detach", _("expected a domain and an mdev's UUID"));
    if (argc > 3)
        return mdevtool_usage_error("detach", _("unexpected argument '%s'"), argv[3]);

    connection = open_connection(cli, &error);
    if (connection == NULL)
        return mdevtool_fail(error);
    ok = mdev_attach_remove(cli->ctx, connection, argv[1], argv[2], scope_of(config, live), keep,
                            messages, &error);
    mdevtool_print_problems(messages);
    if (!ok)
        return mdevtool_fail(error);
    return MDEVTOOL_EXIT_OK;
}
