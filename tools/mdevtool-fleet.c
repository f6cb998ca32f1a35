/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Commands given -c URI act on those hosts through libvirt. */
#include "mdevtool-fleet.h"

#include "mdev-error.h"
#include "mdev-util.h"
#include "mdev-xml-parse.h"
#include "mdev-xml.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Seconds to wait for all hosts; overridable for slow links. */
#define CONNECT_TIMEOUT_ENV "MDEVTOOL_CONNECT_TIMEOUT"

static void
fleet_host_free(MdevtoolFleetHost *host)
{
    g_free(host->uri);
    mdev_virt_connection_free(host->connection);
    mdev_fleet_inventory_free(host->inventory);
    g_free(host);
}

void
mdevtool_fleet_free(MdevtoolFleet *fleet)
{
    if (fleet == NULL)
        return;
    /* the connections close before libvirt's event loop stops */
    g_ptr_array_unref(fleet->hosts);
    g_free(fleet);
    mdev_virt_shutdown();
}

static void
show_progress(guint answered, guint total, gpointer user_data)
{
    gboolean *shown = user_data;

    if (answered < total) {
        /* TRANSLATORS: progress line while several hosts are being reached */
        fputc('\r', stderr);
        fprintf(stderr, _("mdevtool: %1$u of %2$u hosts answered…"), answered, total);
        *shown = TRUE;
    } else if (*shown) {
        fputs("\r\033[K", stderr);
    }
    fflush(stderr);
}

static guint
connect_timeout_ms(void)
{
    const char *text = g_getenv(CONNECT_TIMEOUT_ENV);
    guint64 seconds;

    if (text && g_ascii_string_to_unsigned(text, 10, 1, 3600, &seconds, NULL))
        return (guint) seconds * 1000;
    return MDEV_VIRT_DEFAULT_TIMEOUT_MS;
}

/**
 * mdevtool_fleet_open:
 * @cli: the CLI state, with -c URIs
 * @flags: what each host's inventory holds
 *
 * Connects to every host at once and reads each inventory. A host that
 * fails is reported on stderr (one line naming its URI) and left out.
 *
 * Returns: (transfer full): the hosts that answered
 */
MdevtoolFleet *
mdevtool_fleet_open(MdevtoolCli *cli, MdevFleetScanFlags flags)
{
    MdevtoolFleet *fleet = g_new0(MdevtoolFleet, 1);
    g_autoptr(GPtrArray) opened = NULL;
    gboolean shown = FALSE;
    gboolean tty = isatty(STDERR_FILENO);

    fleet->hosts = g_ptr_array_new_with_free_func((GDestroyNotify) fleet_host_free);
    opened = mdev_virt_open_hosts((const char *const *) cli->uris, connect_timeout_ms(),
                                  tty ? show_progress : NULL, &shown);
    for (guint i = 0; i < opened->len; i++) {
        MdevVirtHost *virt = g_ptr_array_index(opened, i);
        g_autoptr(GError) error = NULL;
        MdevtoolFleetHost *host;

        if (virt->connection == NULL) {
            mdevtool_fail(virt->error);
            fleet->failed++;
            continue;
        }
        host = g_new0(MdevtoolFleetHost, 1);
        host->uri = g_strdup(virt->uri);
        host->connection = g_steal_pointer(&virt->connection);
        host->inventory = mdev_fleet_scan(host->connection, flags, &error);
        if (host->inventory == NULL) {
            mdevtool_fail(error);
            fleet->failed++;
            fleet_host_free(host);
            continue;
        }
        g_ptr_array_add(fleet->hosts, host);
    }
    return fleet;
}

/**
 * mdevtool_fleet_status:
 * @fleet: the hosts
 *
 * Returns: the exit status of a command that succeeded on every host
 *   that answered: failure when any host did not
 */
int
mdevtool_fleet_status(const MdevtoolFleet *fleet)
{
    return fleet->failed > 0 ? MDEVTOOL_EXIT_FAILURE : MDEVTOOL_EXIT_OK;
}

void
mdevtool_fleet_print_problems(MdevtoolFleet *fleet)
{
    for (guint i = 0; i < fleet->hosts->len; i++) {
        MdevtoolFleetHost *host = g_ptr_array_index(fleet->hosts, i);

        mdevtool_print_problems(host->inventory->inv->problems);
    }
}

static char *
host_list(GPtrArray *hosts)
{
    GString *list = g_string_new(NULL);

    for (guint i = 0; i < hosts->len; i++) {
        MdevtoolFleetHost *host = g_ptr_array_index(hosts, i);

        g_string_append_printf(list, "%s'%s'", i ? ", " : "", host->uri);
    }
    return g_string_free(list, FALSE);
}

/**
 * mdevtool_fleet_find_device:
 * @fleet: the hosts, with devices
 * @uuid: a canonical UUID
 * @parent: (nullable): the parent's kernel name
 * @ret_device: (out) (transfer none): the device
 * @error: return location for a #GError
 *
 * Returns: (transfer none): the one host holding the device, or %NULL
 *   when none or several do
 */
MdevtoolFleetHost *
mdevtool_fleet_find_device(MdevtoolFleet *fleet, const char *uuid, const char *parent,
                           MdevDevice **ret_device, GError **error)
{
    g_autoptr(GPtrArray) holders = g_ptr_array_new();
    MdevDevice *found = NULL;

    for (guint i = 0; i < fleet->hosts->len; i++) {
        MdevtoolFleetHost *host = g_ptr_array_index(fleet->hosts, i);
        g_autoptr(GError) local = NULL;
        MdevDevice *device =
            mdev_fleet_inventory_find_device(host->inventory, uuid, parent, &local);

        if (device == NULL && !g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)) {
            g_prefix_error(&local, "%s: ", host->uri);
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
        if (device) {
            g_ptr_array_add(holders, host);
            found = device;
        }
    }
    if (holders->len == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    g_dngettext(GETTEXT_PACKAGE, "no mdev '%s' on the host given",
                                "no mdev '%s' on any of the hosts given", fleet->hosts->len),
                    uuid);
        return NULL;
    }
    if (holders->len > 1) {
        g_autofree char *list = host_list(holders);

        g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                    _("mdev '%1$s' exists on the hosts %2$s: give only the one meant with -c"),
                    uuid, list);
        return NULL;
    }
    *ret_device = found;
    return g_ptr_array_index(holders, 0);
}

/* The hosts on which an --xml document names an existing parent, with
 * the definition it holds. */
static gboolean
read_xml_definition(MdevtoolFleet *fleet, const char *path, guint *ret_host,
                    MdevDevice **ret_definition, GError **error)
{
    g_autoptr(GPtrArray) holders = g_ptr_array_new();
    g_autoptr(MdevDevice) definition = NULL;

    for (guint i = 0; i < fleet->hosts->len; i++) {
        MdevtoolFleetHost *host = g_ptr_array_index(fleet->hosts, i);
        g_autoptr(GError) local = NULL;
        g_autoptr(MdevDevice) parsed =
            mdev_xml_parse_nodedev_file(path, host->inventory->inv->parents, &local);

        if (parsed == NULL && !g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        if (parsed) {
            *ret_host = i;
            g_ptr_array_add(holders, host);
            g_clear_pointer(&definition, mdev_device_free);
            definition = g_steal_pointer(&parsed);
        } else if (fleet->hosts->len == 1) {
            g_prefix_error(&local, "%s: ", host->uri);
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
    }
    if (holders->len == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("%s: no host given has the parent node device it names"), path);
        return FALSE;
    }
    if (holders->len > 1) {
        g_autofree char *list = host_list(holders);

        g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                    _("%1$s: the hosts %2$s all have the parent it names: give only the one "
                      "meant with -c"),
                    path, list);
        return FALSE;
    }
    *ret_definition = g_steal_pointer(&definition);
    return TRUE;
}

/**
 * mdevtool_fleet_define:
 * @cli: the CLI state, with -c URIs
 * @cmd: "define" or "create"
 * @type: (nullable): type id or name
 * @parent: (nullable): parent kernel name
 * @uuid: (nullable): the UUID
 * @attrs: (element-type MdevAttr): attributes
 * @autostart: for define, start with the parent
 * @placement: the policy when no parent or several hosts' parents qualify
 * @xml: (nullable): a node-device document, instead of the above
 *
 * Returns: the exit status
 */
int
mdevtool_fleet_define(MdevtoolCli *cli, const char *cmd, const char *type, const char *parent,
                      const char *uuid, GPtrArray *attrs, gboolean autostart,
                      MdevPlacement placement, const char *xml)
{
    g_autoptr(MdevtoolFleet) fleet =
        mdevtool_fleet_open(cli, MDEV_FLEET_SCAN_PARENTS | MDEV_FLEET_SCAN_DEVICES);
    g_autoptr(MdevDevice) definition = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *made = NULL;
    g_autofree char *canonical = NULL;
    gboolean create = strcmp(cmd, "create") == 0;
    gboolean chose;
    MdevtoolFleetHost *host;
    guint chosen = 0;

    if (uuid) {
        canonical = mdev_util_uuid_canonicalize(uuid, &error);
        if (canonical == NULL)
            return mdevtool_fail(error);
    }
    if (fleet->hosts->len == 0)
        return MDEVTOOL_EXIT_FAILURE;
    if (xml) {
        if (!read_xml_definition(fleet, xml, &chosen, &definition, &error))
            return mdevtool_fail(error);
    } else {
        g_autoptr(GPtrArray) inventories = g_ptr_array_new();
        g_autoptr(GPtrArray) uris = g_ptr_array_new();
        g_autofree char *chosen_parent = NULL;
        g_autofree char *type_id = NULL;

        for (guint i = 0; i < fleet->hosts->len; i++) {
            MdevtoolFleetHost *h = g_ptr_array_index(fleet->hosts, i);

            g_ptr_array_add(inventories, h->inventory);
            g_ptr_array_add(uris, h->uri);
        }
        g_ptr_array_add(uris, NULL);
        if (!mdev_fleet_place(inventories, (const char *const *) uris->pdata, type, parent,
                              placement, &chosen, &chosen_parent, &type_id, &error))
            return mdevtool_fail(error);
        definition = mdev_device_new(canonical, chosen_parent);
        definition->type = g_steal_pointer(&type_id);
        for (guint i = 0; attrs && i < attrs->len; i++)
            g_ptr_array_add(definition->attrs, mdev_attr_copy(g_ptr_array_index(attrs, i)));
        definition->autostart = autostart;
    }
    host = g_ptr_array_index(fleet->hosts, chosen);
    chose = fleet->hosts->len > 1 || parent == NULL;
    if (chose)
        mdevtool_note(_("chose parent '%1$s' of host '%2$s'"), definition->parent, host->uri);
    if (create)
        made = mdev_fleet_create(host->connection, host->inventory, definition, &error);
    else
        made = mdev_fleet_define(host->connection, host->inventory, definition,
                                 definition->autostart, &error);
    if (made == NULL)
        return mdevtool_fail(error);
    if (cli->json) {
        /* the local result's keys, and the host's URI */
        mdevtool_print_result(cmd, made, definition->parent, definition->type, host->uri,
                              chose && xml == NULL ? mdev_placement_to_string(placement) : NULL,
                              create ? -1 : definition->autostart);
    } else if (create || definition->uuid == NULL) {
        /* as locally: create always prints the UUID, define when it chose it */
        printf("%s\n", made);
    }
    return mdevtool_fleet_status(fleet);
}

/* The parents besides @device's on which its host defines its UUID, as a
 * list for a message; %NULL when there are none. */
static char *
other_definitions(MdevtoolFleetHost *host, const MdevDevice *device)
{
    GPtrArray *devices = host->inventory->inv->devices;
    GString *list = NULL;

    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *d = g_ptr_array_index(devices, i);

        if (d == device || !d->defined || strcmp(d->uuid, device->uuid) != 0)
            continue;
        if (list == NULL)
            list = g_string_new(NULL);
        else
            g_string_append(list, ", ");
        g_string_append_printf(list, "'%s'", d->parent);
    }
    return list ? g_string_free(list, FALSE) : NULL;
}

/**
 * mdevtool_fleet_device_op:
 * @cli: the CLI state, with -c URIs
 * @cmd: "start", "stop", "undefine" or "autostart"
 * @uuid: a canonical UUID
 * @parent: (nullable): the parent's kernel name
 * @enable: for autostart, the new setting
 *
 * Returns: the exit status
 */
int
mdevtool_fleet_device_op(MdevtoolCli *cli, const char *cmd, const char *uuid, const char *parent,
                         gboolean enable)
{
    g_autoptr(MdevtoolFleet) fleet = mdevtool_fleet_open(cli, MDEV_FLEET_SCAN_DEVICES);
    g_autoptr(GError) error = NULL;
    MdevDevice *device = NULL;
    MdevtoolFleetHost *host;
    MdevFleetChange change;

    if (fleet->hosts->len == 0)
        return MDEVTOOL_EXIT_FAILURE;
    host = mdevtool_fleet_find_device(fleet, uuid, parent, &device, &error);
    if (host == NULL)
        return mdevtool_fail(error);
    if (strcmp(cmd, "undefine") == 0) {
        g_autofree char *others = other_definitions(host, device);

        /* libvirt has mdevctl undefine the UUID without its parent, which
         * removes every definition of it on that host */
        if (others)
            return mdevtool_fail_message(_("%1$s: mdev '%2$s' is also defined on %3$s: "
                                           "libvirt would undefine all of them, undefine "
                                           "none"),
                                         host->uri, uuid, others);
    }
    if (strcmp(cmd, "start") == 0)
        change = MDEV_FLEET_START;
    else if (strcmp(cmd, "stop") == 0)
        change = MDEV_FLEET_STOP;
    else if (strcmp(cmd, "undefine") == 0)
        change = MDEV_FLEET_UNDEFINE;
    else
        change = enable ? MDEV_FLEET_AUTOSTART_ON : MDEV_FLEET_AUTOSTART_OFF;
    if (!mdev_fleet_change(host->connection, device, change, &error))
        return mdevtool_fail(error);
    return mdevtool_fleet_status(fleet);
}

/* The node-device name @name stands for on @host: an mdev's UUID, a
 * parent's kernel name, or a node-device name of either. */
static char *
resolve_nodedev(MdevtoolFleetHost *host, const char *name, const char *uuid, GError **error)
{
    MdevFleetInventory *inventory = host->inventory;
    const char *parent_nodedev;

    if (uuid) {
        MdevDevice *device = mdev_fleet_inventory_find_device(inventory, uuid, NULL, error);

        return device ? mdev_xml_device_nodedev_name(device->uuid, device->parent) : NULL;
    }
    parent_nodedev = g_hash_table_lookup(inventory->parent_nodedevs, name);
    if (parent_nodedev)
        return g_strdup(parent_nodedev);
    for (guint i = 0; i < inventory->inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inventory->inv->devices, i);
        g_autofree char *nodedev = mdev_xml_device_nodedev_name(device->uuid, device->parent);

        if (strcmp(nodedev, name) == 0)
            return g_steal_pointer(&nodedev);
    }
    {
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init(&iter, inventory->parent_nodedevs);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            if (strcmp(value, name) == 0)
                return g_strdup(name);
        }
    }
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no mdev or parent '%s'"), name);
    return NULL;
}

/**
 * mdevtool_fleet_dumpxml:
 * @cli: the CLI state, with -c URIs
 * @name: a UUID, a parent or a node-device name
 * @inactive: ask for the persistent definition
 *
 * Returns: the exit status
 */
int
mdevtool_fleet_dumpxml(MdevtoolCli *cli, const char *name, gboolean inactive)
{
    g_autoptr(MdevtoolFleet) fleet =
        mdevtool_fleet_open(cli, MDEV_FLEET_SCAN_PARENTS | MDEV_FLEET_SCAN_DEVICES);
    g_autoptr(GPtrArray) holders = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = mdev_util_uuid_canonicalize(name, NULL);
    g_autofree char *nodedev = NULL;
    g_autofree char *xml = NULL;
    MdevtoolFleetHost *host = NULL;

    if (fleet->hosts->len == 0)
        return MDEVTOOL_EXIT_FAILURE;
    for (guint i = 0; i < fleet->hosts->len; i++) {
        MdevtoolFleetHost *h = g_ptr_array_index(fleet->hosts, i);
        g_autoptr(GError) local = NULL;
        g_autofree char *found = resolve_nodedev(h, name, uuid, &local);

        if (found == NULL && !g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)) {
            g_prefix_error(&local, "%s: ", h->uri);
            return mdevtool_fail(local);
        }
        if (found) {
            g_ptr_array_add(holders, h);
            host = h;
            g_free(nodedev);
            nodedev = g_steal_pointer(&found);
        }
    }
    if (holders->len == 0)
        return mdevtool_fail_message(_("no mdev or parent '%s' on the hosts given"), name);
    if (holders->len > 1) {
        g_autofree char *list = host_list(holders);

        return mdevtool_fail_message(_("'%1$s' exists on the hosts %2$s: give only the one "
                                       "meant with -c"),
                                     name, list);
    }
    xml = mdev_fleet_dump_xml(host->connection, nodedev, inactive, &error);
    if (xml == NULL)
        return mdevtool_fail(error);
    fputs(xml, stdout);
    if (!g_str_has_suffix(xml, "\n"))
        fputc('\n', stdout);
    return mdevtool_fleet_status(fleet);
}

/**
 * mdevtool_fleet_show_parents:
 * @cli: the CLI state, with its hosts
 * @parent: (nullable): only the parents of this name
 * @print_json: prints the parents found, with --json
 * @print_text: prints them as a table
 *
 * What `parents` and `types` show with -c: every host's parents, the
 * hosts in the order given.
 *
 * Returns: the exit status
 */
int
mdevtool_fleet_show_parents(MdevtoolCli *cli, const char *parent,
                            MdevtoolFleetParentsPrinter print_json,
                            MdevtoolFleetParentsPrinter print_text)
{
    g_autoptr(MdevtoolFleet) fleet = mdevtool_fleet_open(cli, MDEV_FLEET_SCAN_PARENTS);
    g_autoptr(GPtrArray) shown = g_ptr_array_new();
    g_autoptr(GPtrArray) hosts = g_ptr_array_new();

    for (guint h = 0; h < fleet->hosts->len; h++) {
        MdevtoolFleetHost *host = g_ptr_array_index(fleet->hosts, h);
        GPtrArray *parents = host->inventory->inv->parents;

        for (guint i = 0; i < parents->len; i++) {
            MdevParent *p = g_ptr_array_index(parents, i);

            if (parent == NULL || strcmp(p->name, parent) == 0) {
                g_ptr_array_add(shown, p);
                g_ptr_array_add(hosts, host->uri);
            }
        }
    }
    if (cli->json)
        print_json(shown, hosts);
    else if (shown->len > 0)
        print_text(shown, hosts);
    else if (fleet->hosts->len > 0 && parent)
        mdevtool_note(_("no host given has a parent '%s'"), parent);
    else if (fleet->hosts->len > 0)
        mdevtool_note(_("no host given has an mdev parent"));
    mdevtool_fleet_print_problems(fleet);
    return mdevtool_fleet_status(fleet);
}
