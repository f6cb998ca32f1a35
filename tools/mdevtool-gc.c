/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-gc.h"
#include "mdev-json-out.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <stdio.h>

/* One line per active device, an mdev by its UUID, a VF vGPU by its VF's
 * address: what happened to it, and why */
static void
print_entry(const MdevGcEntry *entry, gboolean dry_run)
{
    const MdevDevice *d = entry->device;
    const char *type = d->type ? d->type : "?";
    const char *name = d->uuid ? d->uuid : d->address;

    switch (entry->verdict) {
    case MDEV_GC_REMOVE:
        if (dry_run)
            printf(_("would remove %1$s (parent '%2$s', type '%3$s'): no definition, domain or "
                     "process claims it\n"),
                   name, d->parent, type);
        else if (entry->removed)
            printf(_("removed %1$s (parent '%2$s', type '%3$s'): no definition, domain or "
                     "process claimed it\n"),
                   name, d->parent, type);
        break;
    case MDEV_GC_KEEP_DEFINED:
        printf(_("kept %s: it is defined\n"), name);
        break;
    case MDEV_GC_KEEP_IN_USE:
        printf(_("kept %1$s: in use by %2$s\n"), name, entry->claimant);
        break;
    case MDEV_GC_KEEP_DOMAIN:
        printf(_("kept %1$s: domain '%2$s' claims it\n"), name, entry->claimant);
        break;
    case MDEV_GC_KEEP_USE_UNKNOWN:
        printf(_("kept %s: not every process could be looked at, so its use is unknown\n"),
               name);
        break;
    default:
        g_assert_not_reached();
    }
}

/* The JSON "action" of an entry after mdev_gc_run() */
static const char *
entry_action(const MdevGcEntry *entry, gboolean dry_run)
{
    if (entry->verdict != MDEV_GC_REMOVE)
        return "kept";
    if (dry_run)
        return "would-remove";
    return entry->removed ? "removed" : "failed";
}

static void
print_json(GPtrArray *plan, gboolean dry_run)
{
    g_autoptr(MdevJsonOut) out = mdev_json_out_new(stdout, MDEV_JSON_OUT_PRETTY);

    mdev_json_out_begin_array(out);
    for (guint i = 0; i < plan->len; i++) {
        const MdevGcEntry *entry = g_ptr_array_index(plan, i);

        mdev_json_out_begin_object(out);
        mdev_json_out_add_string(out, "uuid", entry->device->uuid);
        mdev_json_out_add_string(out, "address", entry->device->address);
        mdev_json_out_add_string(out, "parent", entry->device->parent);
        mdev_json_out_add_string(out, "type", entry->device->type);
        mdev_json_out_add_string(out, "action", entry_action(entry, dry_run));
        mdev_json_out_add_string(out, "reason", mdev_gc_verdict_to_string(entry->verdict));
        mdev_json_out_add_string(out, "claimant", entry->claimant);
        mdev_json_out_end_object(out);
    }
    mdev_json_out_end_array(out);
}

MDEVTOOL_CMD(mdevtool_cmd_gc)
{
    gboolean dry_run = FALSE;
    gboolean no_libvirt = FALSE;
    const GOptionEntry entries[] = {
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, N_("Only say what would be removed"),
          NULL },
        { "no-libvirt", 0, 0, G_OPTION_ARG_NONE, &no_libvirt,
          N_("Judge by definitions and use alone, without asking libvirt"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("gc", NULL, entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) plan = NULL;
    g_autoptr(GError) error = NULL;
    MdevGcFlags flags = MDEV_GC_NONE;
    gboolean failed = FALSE;
    int status;

    g_option_context_set_summary(octx, _("Remove the active mdevs and NVIDIA VF vGPUs that no "
                                         "definition, domain or process claims, and say why "
                                         "each other one stays."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("gc", _("unexpected argument '%s'"), argv[1]);
    if (dry_run)
        flags |= MDEV_GC_DRY_RUN;
    if (no_libvirt)
        flags |= MDEV_GC_NO_LIBVIRT;

    if (no_libvirt && cli->uri)
        return mdevtool_usage_error("gc", _("-c and --no-libvirt exclude each other"));
    plan = mdev_gc_plan(cli->ctx, cli->uri, flags, &error);
    if (plan == NULL)
        return mdevtool_fail(error);
    if (plan->len == 0)
        mdevtool_note(_("no mdev or VF vGPU is active"));
    mdev_gc_run(cli->ctx, plan, flags, messages);
    if (cli->json) {
        print_json(plan, dry_run);
    } else {
        for (guint i = 0; i < plan->len; i++)
            print_entry(g_ptr_array_index(plan, i), dry_run);
    }
    mdevtool_print_problems(messages);
    for (guint i = 0; i < plan->len; i++) {
        const MdevGcEntry *entry = g_ptr_array_index(plan, i);

        if (entry->error) {
            mdevtool_fail(entry->error);
            failed = TRUE;
        }
    }
    return failed ? MDEVTOOL_EXIT_FAILURE : MDEVTOOL_EXIT_OK;
}
