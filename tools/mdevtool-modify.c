/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdevtool-fleet.h"
#include "mdevtool-lifecycle.h"

#include <glib/gi18n.h>

MDEVTOOL_CMD(mdevtool_cmd_modify)
{
    g_autofree char *parent = NULL;
    g_autofree char *type = NULL;
    g_autofree char *attr = NULL;
    g_autofree char *address = NULL;
    gboolean autostart = FALSE, manual = FALSE, del_attr = FALSE, unpin = FALSE;
    gint64 index = -1;
    g_autofree char *uuid_option = NULL;
    const GOptionEntry entries[] = {
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_option,
          N_("The mdev, instead of the UUID argument"), N_("UUID") },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent,
          N_("Parent, when the mdev is defined on several"), N_("PARENT") },
        { "type", 't', 0, G_OPTION_ARG_STRING, &type, N_("New type id or name"), N_("TYPE") },
        { "auto", 0, 0, G_OPTION_ARG_NONE, &autostart, N_("Start it when its parent appears"),
          NULL },
        { "manual", 0, 0, G_OPTION_ARG_NONE, &manual, N_("Start it only when asked"), NULL },
        { "attr", 'a', 0, G_OPTION_ARG_STRING, &attr, N_("Insert an attribute"), N_("NAME=VALUE") },
        { "del-attr", 0, 0, G_OPTION_ARG_NONE, &del_attr, N_("Remove an attribute"), NULL },
        { "index", 'i', 0, G_OPTION_ARG_INT64, &index,
          N_("Position for --attr or --del-attr (default: the end)"), N_("INDEX") },
        { "address", 0, 0, G_OPTION_ARG_STRING, &address,
          N_("Pin an NVIDIA VF vGPU to this VF of its card"), N_("ADDRESS") },
        { "unpin", 0, 0, G_OPTION_ARG_NONE, &unpin,
          N_("Let an NVIDIA VF vGPU start on any free VF of its card"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("modify", N_("UUID"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    g_autoptr(GPtrArray) attrs = NULL;
    MdevModification mod = MDEV_MODIFICATION_INIT;
    int status;

    g_option_context_set_summary(octx, _("Change an mdev's definition; a running device is "
                                         "not touched."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    uuid = mdevtool_take_device(cli, "modify", argc, argv, uuid_option, &parent, &status);
    if (uuid == NULL)
        return status;
    if (autostart && manual)
        return mdevtool_usage_error("modify", _("--auto and --manual exclude each other"));
    if (attr && del_attr)
        return mdevtool_usage_error("modify", _("--attr and --del-attr exclude each other"));
    if (index != -1 && index < 0)
        return mdevtool_usage_error("modify", _("--index must not be negative"));
    if (index >= 0 && attr == NULL && !del_attr)
        return mdevtool_usage_error("modify", _("--index needs --attr or --del-attr"));
    if (address && unpin)
        return mdevtool_usage_error("modify", _("--address and --unpin exclude each other"));
    if (address && *address == '\0')
        return mdevtool_usage_error("modify", _("--address needs a VF's PCI address"));
    if (!type && !autostart && !manual && !attr && !del_attr && !address && !unpin)
        return mdevtool_usage_error("modify", _("nothing to change"));
    if (cli->uris && (address || unpin))
        return mdevtool_usage_error("modify", _("--address and --unpin exclude -c"));
    /* libvirt 9.0 cannot change a definition (nodedev-define refuses an
     * existing one before 10.1): only the start mode has its own call */
    if (cli->uris && (type || attr || del_attr))
        return mdevtool_fail_message(_("with -c, modify can only change --auto or --manual: "
                                       "libvirt's node-device API cannot change a definition's "
                                       "type or attributes; undefine it and define it again"));
    if (cli->uris)
        return mdevtool_fleet_device_op(cli, "autostart", uuid, parent, autostart);
    if (attr) {
        char *specs[] = { attr, NULL };
        const MdevAttr *added;

        attrs = mdevtool_parse_attrs(specs, &error);
        if (attrs == NULL)
            return mdevtool_usage_error("modify", "%s", error->message);
        added = g_ptr_array_index(attrs, 0);
        mod.add_attr = added->name;
        mod.add_value = added->value;
    }
    mod.type = type;
    mod.autostart = autostart ? 1 : manual ? 0 : -1;
    mod.del_attr = del_attr;
    mod.index = index;
    mod.address = unpin ? "" : address;
    if (mdev_ops_modify(cli->ctx, uuid, parent, &mod, messages, &error))
        mdevtool_report_change(cli, "modify", uuid, parent, NULL, mod.autostart);
    return mdevtool_finish(messages, error);
}
