/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-hook.h"
#include "mdev-host.h"
#include "mdev-nvidia.h"
#include "mdev-use.h"
#include "mdev-util.h"
#include "mdev-vgpu.h"
#include "mdevtool-fleet.h"
#include "mdev-json-out.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

typedef enum {
    LIST_ACTIVE,
    LIST_DEFINED,
    LIST_ALL,
} ListMode;

/* Who uses a device: -1 unknown, 0 nobody, 1 a process; and the domain
 * it belongs to, when known */
typedef struct {
    int in_use;
    char *domain;
} Usage;

static void
usage_clear(Usage *usage)
{
    g_free(usage->domain);
}

/* One pass over /proc for all devices. Without it (an unreadable /proc)
 * the use of an active device is unknown, never guessed. */
static Usage *
read_usage(MdevtoolCli *cli, GPtrArray *devices)
{
    g_autoptr(MdevUse) use = NULL;
    g_autoptr(GPtrArray) records = NULL;
    Usage *usage = g_new0(Usage, devices->len + 1);

    use = mdev_use_scan_devices(cli->ctx, devices, NULL);
    for (guint i = 0; i < devices->len && records == NULL; i++) {
        if (((MdevDevice *) g_ptr_array_index(devices, i))->active)
            records = mdev_hook_record_load_all(cli->ctx);
    }
    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);
        g_autoptr(GPtrArray) holders = NULL;

        if (!device->active)
            continue;
        /* the libvirt hook made it for a domain, running or starting */
        usage[i].domain =
            g_strdup(mdev_hook_records_find_domain(records, device->uuid, device->address));
        usage[i].in_use = -1;
        if (use == NULL)
            continue;
        holders = mdev_use_dup_holders(use, device);
        for (guint h = 0; h < holders->len; h++) {
            const MdevHolder *holder = g_ptr_array_index(holders, h);

            /* the QEMU that holds it names the domain it runs */
            if (holder->domain) {
                g_free(usage[i].domain);
                usage[i].domain = g_strdup(holder->domain);
                break;
            }
        }
        if (holders->len > 0)
            usage[i].in_use = 1;
        else if (mdev_use_is_complete(use))
            usage[i].in_use = 0;
    }
    return usage;
}

static void
usage_free(Usage *usage, guint n)
{
    for (guint i = 0; i < n; i++)
        usage_clear(&usage[i]);
    g_free(usage);
}

static const char *
yes_no(gboolean value, gboolean known)
{
    /* translated once: a catalog lookup per cell was a sixth of a listing */
    static const char *yes, *no;

    if (!known)
        return NULL;
    if (yes == NULL) {
        yes = _("yes");
        no = _("no");
    }
    return value ? yes : no;
}

/* With -c, the first column is the host's URI. */
static void
device_row(const MdevDevice *device, const char *host, const Usage *usage,
           char group[MDEV_UTIL_INT_TEXT_SIZE], const char *cells[12])
{
    if (host)
        *cells++ = host;
    /* a running VF vGPU by its VF, a definition by what start takes */
    cells[0] = device->address && (device->active || device->uuid == NULL) ? device->address
                                                                          : device->uuid;
    cells[1] = device->parent;
    cells[2] = device->type;
    cells[3] = yes_no(device->active, TRUE);
    cells[4] = yes_no(device->defined, TRUE);
    cells[5] = yes_no(device->autostart, device->defined);
    cells[6] = device->iommu_group >= 0 ? mdev_util_int_text(device->iommu_group, group) : NULL;
    cells[7] = usage->domain;
    cells[8] = yes_no(usage->in_use == 1, usage->in_use >= 0);
    cells[9] = device->driver;
    cells[10] = device->syspath;
}

static void
print_text(GPtrArray *devices, GPtrArray *hosts, const Usage *usage, gboolean verbose,
           gboolean vgpus)
{
    const char *const headers[] = {
        /* TRANSLATORS: column headers of "mdevtool list"; DEVICE replaces UUID
         * when NVIDIA VF vGPUs, named by their PCI address, are listed too */
        _("HOST"), vgpus ? _("DEVICE") : _("UUID"), _("PARENT"), _("TYPE"), _("ACTIVE"),
        _("DEFINED"), _("AUTOSTART"), _("GROUP"), _("DOMAIN"), _("IN USE"), _("DRIVER"),
        _("PATH"), NULL,
    };
    const char *shown_headers[G_N_ELEMENTS(headers)] = { NULL };
    const guint first = hosts ? 0 : 1;
    const guint columns = (verbose ? 11 : 9) + 1 - first;
    g_autoptr(MdevtoolTable) table = NULL;
    const char *cells[12];
    char group[MDEV_UTIL_INT_TEXT_SIZE];

    /* HOST only with -c, DRIVER and PATH only with --verbose */
    memcpy(shown_headers, headers + first, columns * sizeof(char *));
    table = mdevtool_table_new(shown_headers);

    for (guint i = 0; i < devices->len; i++) {
        device_row(g_ptr_array_index(devices, i), hosts ? g_ptr_array_index(hosts, i) : NULL,
                   &usage[i], group, cells);
        mdevtool_table_measure(table, cells);
    }
    mdevtool_table_print_header(table);
    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);

        device_row(device, hosts ? g_ptr_array_index(hosts, i) : NULL, &usage[i], group, cells);
        mdevtool_table_print_row(table, cells);
        for (guint a = 0; verbose && a < device->attrs->len; a++) {
            const MdevAttr *attr = g_ptr_array_index(device->attrs, a);
            g_autofree char *line = g_strdup_printf("    [%u] %s=%s", a, attr->name,
                                                    attr->value);
            mdevtool_table_print_note(line);
        }
    }
}

static void
print_json(GPtrArray *devices, GPtrArray *hosts, const Usage *usage, gboolean verbose,
           GHashTable *vf_rows)
{
    g_autoptr(MdevJsonOut) b = mdev_json_out_new(stdout, MDEV_JSON_OUT_PRETTY);

    mdev_json_out_begin_array(b);
    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);

        mdev_json_out_begin_object(b);
        if (hosts)
            mdev_json_out_add_string(b, "host", g_ptr_array_index(hosts, i));
        mdev_json_out_add_string(b, "uuid", device->uuid);
        mdev_json_out_add_string(b, "parent", device->parent);
        mdev_json_out_add_string(b, "type", device->type);
        mdev_json_out_add_bool(b, "active", device->active, TRUE);
        mdev_json_out_add_bool(b, "defined", device->defined, TRUE);
        mdev_json_out_add_bool(b, "autostart", device->autostart, device->defined);
        mdev_json_out_add_int(b, "iommu_group", device->iommu_group, device->iommu_group >= 0);
        mdev_json_out_member(b, "attrs");
        if (device->defined) {
            mdev_json_out_begin_array(b);
            for (guint a = 0; a < device->attrs->len; a++) {
                const MdevAttr *attr = g_ptr_array_index(device->attrs, a);
                mdev_json_out_begin_object(b);
                mdev_json_out_add_string(b, "name", attr->name);
                mdev_json_out_add_string(b, "value", attr->value);
                mdev_json_out_end_object(b);
            }
            mdev_json_out_end_array(b);
        } else {
            mdev_json_out_null(b);
        }
        mdev_json_out_add_string(b, "path", device->syspath);
        mdev_json_out_add_string(b, "domain", usage[i].domain);
        mdev_json_out_add_bool(b, "in_use", usage[i].in_use == 1, usage[i].in_use >= 0);
        mdev_json_out_add_string(b, "kind",
                                 device->address || (vf_rows && g_hash_table_contains(
                                                                    vf_rows, device))
                                     ? "nvidia-vf"
                                     : "mdev");
        mdev_json_out_add_string(b, "address", device->address);
        if (verbose)
            mdev_json_out_add_string(b, "driver", device->driver);
        mdev_json_out_end_object(b);
    }
    mdev_json_out_end_array(b);
}

/* NVIDIA VF vGPU definitions: a running one marks its VF's row as
 * defined; the others become rows of their own in @ret_rows (kind
 * nvidia-vf, in @vf_rows). Which definition runs where is the card's
 * business (mdev_vgpu_dup_running_address()). */
static void
add_vgpu_definitions(MdevtoolCli *cli, MdevInventory *inv, const char *parent, const char *uuid,
                     GPtrArray *ret_rows, GHashTable *vf_rows)
{
    g_autoptr(GPtrArray) definitions = NULL;

    if (parent && !mdev_nvidia_address_is_valid(parent))
        return;
    definitions = mdev_vgpu_store_load(cli->ctx, parent, uuid, inv->problems, NULL);
    for (guint i = 0; definitions && i < definitions->len; i++) {
        const MdevVgpuDefinition *d = g_ptr_array_index(definitions, i);
        g_autofree char *running = mdev_vgpu_dup_running_address(cli->ctx, d);
        MdevDevice *row = NULL;

        for (guint v = 0; running && row == NULL && v < inv->vgpus->len; v++) {
            MdevDevice *vgpu = g_ptr_array_index(inv->vgpus, v);
            if (strcmp(vgpu->address, running) == 0)
                row = vgpu;
        }
        if (row == NULL) {
            /* not running, or the running vGPUs were not scanned (--defined) */
            row = mdev_device_new(d->uuid, d->card);
            row->type = g_strdup(d->type);
            row->active = running != NULL;
            row->address = g_strdup(running ? running : d->address);
            g_ptr_array_add(ret_rows, row);
        } else {
            g_free(row->uuid);
            row->uuid = g_strdup(d->uuid);
        }
        g_hash_table_add(vf_rows, row);
        row->defined = TRUE;
        row->autostart = d->autostart;
        g_ptr_array_set_size(row->attrs, 0);
        if (d->params)
            g_ptr_array_add(row->attrs, mdev_attr_new("vgpu_params", d->params));
    }
}

static gboolean
has_definitions(MdevInventory *inv)
{
    for (guint i = 0; i < inv->devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(inv->devices, i);
        if (device->defined)
            return TRUE;
    }
    return FALSE;
}

static gboolean
wanted(const MdevDevice *device, ListMode mode, const char *uuid)
{
    if (uuid && strcmp(device->uuid, uuid) != 0)
        return FALSE;
    switch (mode) {
    case LIST_ACTIVE:
        return device->active;
    case LIST_DEFINED:
        return device->defined;
    default:
        return TRUE;
    }
}

static void
note_empty(ListMode mode, const char *parent, const char *uuid)
{
    /* a parent may be an mdev parent or an NVIDIA card: name neither kind */
    if (uuid)
        mdevtool_note(_("no mdev '%s' matches"), uuid);
    else if (parent && mode == LIST_ACTIVE)
        mdevtool_note(_("nothing is active on '%s'"), parent);
    else if (parent && mode == LIST_DEFINED)
        mdevtool_note(_("nothing is defined on '%s'"), parent);
    else if (parent)
        mdevtool_note(_("nothing is active or defined on '%s'"), parent);
    else if (mode == LIST_ACTIVE)
        mdevtool_note(_("no mdev is active"));
    else if (mode == LIST_DEFINED)
        mdevtool_note(_("no mdev is defined"));
    else
        mdevtool_note(_("no mdev is active or defined"));
}

/* Every host's devices in one table: the hosts in the order given, each
 * host's devices sorted as locally. Whether a remote device is in use is
 * not something libvirt's node-device API says: it stays unknown. */
static int
list_fleet(MdevtoolCli *cli, ListMode mode, const char *parent, const char *uuid, gboolean verbose)
{
    g_autoptr(MdevtoolFleet) fleet = mdevtool_fleet_open(cli, MDEV_FLEET_SCAN_DEVICES);
    g_autoptr(GPtrArray) shown = g_ptr_array_new();
    g_autoptr(GPtrArray) hosts = g_ptr_array_new();
    Usage *usage;

    for (guint h = 0; h < fleet->hosts->len; h++) {
        MdevtoolFleetHost *host = g_ptr_array_index(fleet->hosts, h);
        GPtrArray *devices = host->inventory->inv->devices;

        for (guint i = 0; i < devices->len; i++) {
            MdevDevice *device = g_ptr_array_index(devices, i);

            if (wanted(device, mode, uuid) &&
                (parent == NULL || strcmp(device->parent, parent) == 0)) {
                g_ptr_array_add(shown, device);
                g_ptr_array_add(hosts, host->uri);
            }
        }
    }
    usage = g_new0(Usage, shown->len + 1);
    for (guint i = 0; i < shown->len; i++)
        usage[i].in_use = ((MdevDevice *) g_ptr_array_index(shown, i))->active ? -1 : 0;
    if (cli->json)
        print_json(shown, hosts, usage, verbose, NULL);
    else if (shown->len == 0 && fleet->hosts->len > 0)
        note_empty(mode, parent, uuid);
    else if (shown->len > 0)
        print_text(shown, hosts, usage, verbose, FALSE);
    usage_free(usage, shown->len);
    mdevtool_fleet_print_problems(fleet);
    return mdevtool_fleet_status(fleet);
}

MDEVTOOL_CMD(mdevtool_cmd_list)
{
    gboolean defined = FALSE;
    gboolean all = FALSE;
    gboolean verbose = FALSE;
    g_autofree char *parent = NULL;
    g_autofree char *uuid_arg = NULL;
    g_autofree char *uuid = NULL;
    const char *address = NULL;
    guint vgpus = 0;
    const GOptionEntry entries[] = {
        { "defined", 'd', 0, G_OPTION_ARG_NONE, &defined, N_("List the defined mdevs"), NULL },
        { "all", 'A', 0, G_OPTION_ARG_NONE, &all, N_("List active and defined mdevs"), NULL },
        /* -a is --attr elsewhere; list's older -a keeps working, unlisted */
        { "all-mdevs", 'a', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &all, NULL, NULL },
        { "parent", 'p', 0, G_OPTION_ARG_STRING, &parent, N_("Only mdevs of this parent"),
          N_("PARENT") },
        { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid_arg,
          N_("Only this mdev (a UUID or node-device name)"), N_("UUID") },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          N_("Also show drivers and attributes"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("list", NULL, entries);
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) shown = g_ptr_array_new();
    g_autoptr(GPtrArray) vf_definitions =
        g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    g_autoptr(GHashTable) vf_rows = g_hash_table_new(NULL, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) parent_error = NULL;
    MdevHostFlags flags = 0;
    Usage *usage;
    ListMode mode;
    int status;

    g_option_context_set_summary(octx, _("List mdevs: active ones, or with --defined or "
                                         "--all the persistent definitions."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("list", _("unexpected argument '%s'"), argv[1]);
    /* the global --verbose, which also reaches list when given after it */
    verbose = verbose || cli->verbose;
    if (defined && all)
        return mdevtool_usage_error("list", _("--defined and --all exclude each other"));
    mode = all ? LIST_ALL : defined ? LIST_DEFINED : LIST_ACTIVE;

    if (uuid_arg && mdev_nvidia_address_is_valid(uuid_arg)) {
        address = uuid_arg;
    } else if (uuid_arg) {
        char *argv_uuid[] = { (char *) "list", uuid_arg, NULL };

        uuid = mdevtool_take_device(cli, "list", 2, argv_uuid, NULL, &parent, &status);
        if (uuid == NULL)
            return status;
    } else {
        mdevtool_resolve_parent(cli, &parent);
    }
    if (parent && !mdev_util_check_name("parent", parent, &error))
        return mdevtool_fail(error);
    if (cli->uris)
        return list_fleet(cli, mode, parent, uuid, verbose);

    if (mode == LIST_DEFINED)
        flags |= MDEV_HOST_DEFINED_ONLY;
    else if (mode == LIST_ALL)
        flags |= MDEV_HOST_ALL_DEFINITIONS;
    if (verbose)
        flags |= MDEV_HOST_DEVICE_DRIVER;
    flags |= MDEV_HOST_NVIDIA_VF;
    inv = mdev_host_scan(cli->ctx, flags, parent, uuid, NULL, &error);
    if (inv == NULL)
        return mdevtool_fail(error);

    for (guint i = 0; address == NULL && i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);
        if (wanted(device, mode, uuid))
            g_ptr_array_add(shown, device);
    }
    add_vgpu_definitions(cli, inv, parent, uuid, vf_definitions, vf_rows);
    if (parent) {
        /* a named parent must exist, unless definitions wait for it: an
         * mdev parent not registered yet, or an NVIDIA card whose SR-IOV
         * is off (no VFs) */
        g_autoptr(MdevInventory) check = mdev_discovery_scan(
            cli->ctx,
            MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_NO_TYPES | MDEV_DISCOVERY_NVIDIA_VF, parent,
            &parent_error);
        if (check == NULL &&
            (mode == LIST_ACTIVE || (!has_definitions(inv) && vf_definitions->len == 0) ||
             !g_error_matches(parent_error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND)))
            return mdevtool_fail_scan(cli, parent_error, parent);
    }
    for (guint i = 0; i < inv->vgpus->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->vgpus, i);

        if ((address == NULL || strcmp(device->address, address) == 0) &&
            (uuid == NULL || g_strcmp0(device->uuid, uuid) == 0) &&
            wanted(device, mode, NULL)) {
            g_ptr_array_add(shown, device);
            vgpus++;
        }
    }
    for (guint i = 0; i < vf_definitions->len; i++) {
        MdevDevice *device = g_ptr_array_index(vf_definitions, i);

        if ((address == NULL || g_strcmp0(device->address, address) == 0) &&
            wanted(device, mode, NULL)) {
            g_ptr_array_add(shown, device);
            vgpus++;
        }
    }
    usage = read_usage(cli, shown);
    if (cli->json)
        print_json(shown, NULL, usage, verbose, vf_rows);
    else if (shown->len == 0)
        note_empty(mode, parent, uuid ? uuid : address);
    else
        print_text(shown, NULL, usage, verbose, vgpus > 0);
    usage_free(usage, shown->len);
    mdevtool_print_problems(inv->problems);
    return MDEVTOOL_EXIT_OK;
}
