/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-lifecycle.h"

#include "mdev-doctor.h"
#include "mdev-error.h"
#include "mdev-util.h"
#include "mdev-vgpu.h"
#include "mdev-xml-host.h"
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
 * mdevtool_parse_switch:
 * @cmd: the command, for usage errors
 * @option: the option, for usage errors
 * @text: (nullable): its value, "on" or "off"
 * @ret_value: (out): the switch; the default when @text is %NULL
 * @ret_status: set to the exit status on failure
 *
 * Returns: %TRUE when @text is absent, "on" or "off"
 */
gboolean
mdevtool_parse_switch(const char *cmd, const char *option, const char *text,
                      MdevXmlSwitch *ret_value, int *ret_status)
{
    MdevXmlSwitch value = MDEV_XML_SWITCH_DEFAULT;

    if (text) {
        value = mdev_xml_switch_from_string(text);
        if (value != MDEV_XML_SWITCH_ON && value != MDEV_XML_SWITCH_OFF) {
            *ret_status = mdevtool_usage_error(cmd,
                                               _("invalid value '%1$s' for %2$s: expected on "
                                                 "or off"),
                                               text, option);
            return FALSE;
        }
    }
    *ret_value = value;
    return TRUE;
}

/**
 * mdevtool_resolve_parent:
 * @cli: the CLI state
 * @parent: (inout) (nullable): a parent as the user named it, replaced by
 *   its kernel name when it was a libvirt node-device name
 */
void
mdevtool_resolve_parent(MdevtoolCli *cli, char **parent)
{
    char *resolved;

    if (*parent == NULL)
        return;
    resolved = mdev_xml_host_resolve_parent(cli->ctx, *parent);
    g_free(*parent);
    *parent = resolved;
}

/**
 * mdevtool_take_device:
 * @cli: the CLI state
 * @cmd: the command, for usage errors
 * @argc: remaining argument count (argv[0] is the command)
 * @argv: remaining arguments
 * @uuid_option: (nullable): the value of --uuid, the other way to name it
 * @parent: (inout) (nullable): the command's --parent, resolved to a
 *   kernel name and set from a node-device name that includes the parent;
 *   %NULL for a command that takes no parent
 * @ret_status: set to the exit status on failure
 *
 * The mdev a command acts on: a UUID or an mdev's node-device name, as the
 * one positional argument or with --uuid.
 *
 * Returns: (transfer full) (nullable): the UUID, canonical
 */
char *
mdevtool_take_device(MdevtoolCli *cli, const char *cmd, int argc, char **argv,
                     const char *uuid_option, char **parent, int *ret_status)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *named_parent = NULL;

    if (uuid_option && argc > 1) {
        *ret_status = mdevtool_usage_error(cmd, _("give the mdev once: as the argument or with "
                                                  "--uuid"));
        return NULL;
    }
    if (uuid_option == NULL && argc < 2) {
        *ret_status = mdevtool_usage_error(cmd, _("no UUID given"));
        return NULL;
    }
    if (argc > 2) {
        *ret_status = mdevtool_usage_error(cmd, _("unexpected argument '%s'"), argv[2]);
        return NULL;
    }
    if (!mdev_xml_host_resolve_device(cli->ctx, uuid_option ? uuid_option : argv[1], &uuid,
                                      &named_parent, &error)) {
        *ret_status = mdevtool_fail(error);
        return NULL;
    }
    if (parent == NULL)
        return g_steal_pointer(&uuid);
    mdevtool_resolve_parent(cli, parent);
    if (named_parent && *parent && strcmp(*parent, named_parent) != 0) {
        *ret_status = mdevtool_usage_error(cmd,
                                           _("--parent '%1$s' is not the parent '%2$s' that the "
                                             "node-device name names"),
                                           *parent, named_parent);
        return NULL;
    }
    if (named_parent && *parent == NULL)
        *parent = g_steal_pointer(&named_parent);
    return g_steal_pointer(&uuid);
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

/**
 * mdevtool_report_change:
 * @cli: the CLI state
 * @action: the command
 * @uuid: the mdev it changed
 * @parent: (nullable): its parent, when known
 * @placement: (nullable): see mdevtool_report()
 * @autostart: see mdevtool_report()
 *
 * Reports a change after it is made (mdevtool_report()), with the mdev's
 * parent and type as they are now.
 */
void
mdevtool_report_change(MdevtoolCli *cli, const char *action, const char *uuid, const char *parent,
                       const char *placement, int autostart)
{
    g_autofree char *where = NULL;
    g_autofree char *type = NULL;

    if (!mdevtool_report_wanted(cli))
        return;
    mdevtool_lookup_device(cli, uuid, parent, &where, &type);
    if (type == NULL) {
        /* not an mdev: a VF vGPU definition, on its card */
        g_autoptr(MdevVgpuDefinition) vgpu = mdev_vgpu_find_definition(cli->ctx, uuid, parent,
                                                                       NULL);

        if (vgpu) {
            g_free(where);
            where = g_strdup(vgpu->card);
            g_free(type);
            type = g_strdup(vgpu->type);
        }
    }
    mdevtool_report(cli, action, uuid, where, type, placement, autostart);
}

/**
 * mdevtool_finish_with_doctor:
 * @cli: the CLI state
 * @messages: (nullable): warnings collected by the operation
 * @error: (nullable): its error
 * @subject: (nullable): the parent, or else the type, it acted on
 *
 * As mdevtool_finish(), but an error ends with "run 'mdevtool doctor
 * SUBJECT'" when doctor finds a problem there (an error or a warning): the
 * operation says what failed, doctor why. Doctor runs only on failure.
 *
 * Returns: the exit status
 */
int
mdevtool_finish_with_doctor(MdevtoolCli *cli, GPtrArray *messages, const GError *error,
                            const char *subject)
{
    g_autoptr(GPtrArray) findings = NULL;

    if (error == NULL || subject == NULL)
        return mdevtool_finish(messages, error);
    findings = mdev_doctor_check(cli->ctx, subject, NULL);
    for (guint i = 0; findings && i < findings->len; i++) {
        const MdevFinding *f = g_ptr_array_index(findings, i);

        if (f->severity >= MDEV_SEVERITY_WARNING) {
            mdevtool_print_problems(messages);
            return mdevtool_fail_message(_("%1$s; run 'mdevtool doctor %2$s'"), error->message,
                                         subject);
        }
    }
    return mdevtool_finish(messages, error);
}

void
mdevtool_request_clear(MdevtoolRequest *request)
{
    g_clear_pointer(&request->type, g_free);
    g_clear_pointer(&request->parent, g_free);
    g_clear_pointer(&request->uuid, g_free);
    g_clear_pointer(&request->attr_specs, g_strfreev);
    g_clear_pointer(&request->policy, g_free);
    g_clear_pointer(&request->xml, g_free);
    g_clear_pointer(&request->attrs, g_ptr_array_unref);
}

/**
 * mdevtool_request_add_options:
 * @octx: the command's option context, with its own options added first
 * @request: where the options are stored
 *
 * Adds --attr, --policy and --xml, the options create and define share.
 */
void
mdevtool_request_add_options(GOptionContext *octx, MdevtoolRequest *request)
{
    const GOptionEntry entries[] = {
        { "attr", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &request->attr_specs,
          N_("Attribute to write after creation, in order (repeatable)"), N_("NAME=VALUE") },
        { "policy", 0, 0, G_OPTION_ARG_STRING, &request->policy,
          N_("How to choose a parent: pack (default) or spread"), N_("POLICY") },
        { "xml", 0, 0, G_OPTION_ARG_FILENAME, &request->xml,
          N_("Read the mdev from a libvirt node-device XML file ('-': standard input)"),
          N_("FILE") },
        { NULL },
    };

    g_option_context_add_main_entries(octx, entries, GETTEXT_PACKAGE);
}

/**
 * mdevtool_request_load:
 * @cli: the CLI state
 * @cmd: the command, for usage errors
 * @request: the parsed options
 * @ret_status: set to the exit status on failure
 *
 * Sets the placement and the attributes from the options; an --xml
 * document then gives the parent, type, UUID, attributes and start mode.
 *
 * Returns: %TRUE when the command can go on
 */
gboolean
mdevtool_request_load(MdevtoolCli *cli, const char *cmd, MdevtoolRequest *request, int *ret_status)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) document = NULL;

    if (!mdevtool_parse_placement(request->policy, &request->placement, ret_status))
        return FALSE;
    request->attrs = mdevtool_parse_attrs(request->attr_specs, &error);
    if (request->attrs == NULL) {
        *ret_status = mdevtool_usage_error(cmd, "%s", error->message);
        return FALSE;
    }
    /* with -c, the names and the document are another host's: read there */
    if (cli->uris)
        return TRUE;
    if (request->xml == NULL) {
        g_autofree char *uuid = NULL;
        g_autofree char *named_parent = NULL;

        mdevtool_resolve_parent(cli, &request->parent);
        if (request->uuid == NULL)
            return TRUE;
        if (!mdev_xml_host_resolve_device(cli->ctx, request->uuid, &uuid, &named_parent,
                                          &error)) {
            *ret_status = mdevtool_fail(error);
            return FALSE;
        }
        if (named_parent && request->parent && strcmp(request->parent, named_parent) != 0) {
            *ret_status = mdevtool_usage_error(cmd,
                                               _("--parent '%1$s' is not the parent '%2$s' that "
                                                 "the node-device name names"),
                                               request->parent, named_parent);
            return FALSE;
        }
        g_free(request->uuid);
        request->uuid = g_steal_pointer(&uuid);
        if (named_parent && request->parent == NULL)
            request->parent = g_steal_pointer(&named_parent);
        return TRUE;
    }
    document = mdev_xml_host_read_definition(cli->ctx, request->xml, &error);
    if (document == NULL) {
        *ret_status = mdevtool_fail(error);
        return FALSE;
    }
    g_free(request->parent);
    request->parent = g_strdup(document->parent);
    g_free(request->type);
    request->type = g_strdup(document->type);
    g_free(request->uuid);
    request->uuid = g_strdup(document->uuid);
    g_ptr_array_unref(request->attrs);
    request->attrs = mdev_attr_array_copy(document->attrs);
    request->autostart = document->autostart;
    return TRUE;
}
