/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-xml-host.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>

MDEVTOOL_CMD(mdevtool_cmd_hostdev)
{
    g_autofree char *model = NULL;
    g_autofree char *display_text = NULL;
    g_autofree char *ramfb_text = NULL;
    g_autofree char *uuid_option = NULL;
    const GOptionEntry entries[] = {
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_option,
          N_("The mdev, instead of the UUID argument"), N_("UUID") },
        { "model", 0, 0, G_OPTION_ARG_STRING, &model,
          N_("vfio-pci, vfio-ccw or vfio-ap; default: the type's device API"), N_("MODEL") },
        { "display", 0, 0, G_OPTION_ARG_STRING, &display_text,
          N_("Export the vGPU's display (vfio-pci only)"), N_("on|off") },
        { "ramfb", 0, 0, G_OPTION_ARG_STRING, &ramfb_text,
          N_("Give the guest a boot display (vfio-pci only)"), N_("on|off") },
        { NULL },
    };
    g_autoptr(GOptionContext) octx =
        mdevtool_option_context_new("hostdev", N_("UUID|ADDRESS"), entries);
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *vf = NULL;
    g_autofree char *xml = NULL;
    MdevXmlSwitch display;
    MdevXmlSwitch ramfb;
    int status;

    g_option_context_set_summary(octx, _("Print the <hostdev> element that gives an mdev or an "
                                         "NVIDIA VF vGPU to a libvirt domain."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (!mdevtool_parse_switch("hostdev", "--display", display_text, &display, &status) ||
        !mdevtool_parse_switch("hostdev", "--ramfb", ramfb_text, &ramfb, &status))
        return status;
    /* an NVIDIA VF vGPU is named by its VF and given to a domain as a PCI
     * device, which has no model, display or ramfb */
    vf = uuid_option == NULL && argc == 2 ? mdev_xml_host_parse_vf_address(argv[1]) : NULL;
    if (vf) {
        if (model || display_text || ramfb_text)
            return mdevtool_usage_error("hostdev",
                                        _("--model, --display and --ramfb apply to "
                                          "mdevs, not to the NVIDIA VF '%s'"),
                                        vf);
        xml = mdev_xml_host_dump_vf_hostdev(vf, &error);
        if (xml == NULL)
            return mdevtool_fail(error);
        mdevtool_print_xml(cli, "address", vf, xml);
        return MDEVTOOL_EXIT_OK;
    }
    uuid = mdevtool_take_device(cli, "hostdev", argc, argv, uuid_option, NULL, &status);
    if (uuid == NULL)
        return status;

    xml = mdev_xml_host_dump_hostdev(cli->ctx, uuid, model, display, ramfb, problems, &error);
    mdevtool_print_problems(problems);
    if (xml == NULL)
        return mdevtool_fail(error);
    mdevtool_print_xml(cli, "uuid", uuid, xml);
    return MDEVTOOL_EXIT_OK;
}
