/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-json-out.h"
#include "mdev-ops.h"
#include "mdev-store.h"
#include "mdev-vgpu.h"
#include "mdev-xml-host.h"
#include "mdevtool-lifecycle.h"
#include "mdevtool-output.h"

#include <glib/gi18n.h>
#include <string.h>

/* Every parent that has an autostart definition, for --all (the boot-time
 * unit). */
static GPtrArray *
parents_with_autostart(MdevtoolCli *cli, GPtrArray *messages, GError **error)
{
    g_autoptr(GPtrArray) definitions = mdev_store_load(cli->ctx, NULL, NULL, messages, error);
    g_autoptr(GPtrArray) parents = g_ptr_array_new_with_free_func(g_free);

    if (definitions == NULL)
        return NULL;
    for (guint i = 0; i < definitions->len; i++) {
        MdevDevice *d = g_ptr_array_index(definitions, i);
        const char *last = parents->len ? g_ptr_array_index(parents, parents->len - 1) : NULL;

        /* definitions come sorted by parent */
        if (d->autostart && g_strcmp0(last, d->parent) != 0)
            g_ptr_array_add(parents, g_strdup(d->parent));
    }
    /* and every NVIDIA card with autostart VF vGPU definitions */
    g_clear_pointer(&definitions, g_ptr_array_unref);
    definitions = mdev_vgpu_store_load(cli->ctx, NULL, NULL, messages, error);
    if (definitions == NULL)
        return NULL;
    for (guint i = 0; i < definitions->len; i++) {
        MdevVgpuDefinition *d = g_ptr_array_index(definitions, i);

        if (d->autostart && !g_ptr_array_find_with_equal_func(parents, d->card, g_str_equal, NULL))
            g_ptr_array_add(parents, g_strdup(d->card));
    }
    return g_steal_pointer(&parents);
}

/* JSON names of MdevOpsSkipReason */
static const char *const skip_reasons[] = { "manual", "running", "unregistered" };
G_STATIC_ASSERT(G_N_ELEMENTS(skip_reasons) == MDEV_OPS_SKIP_UNREGISTERED + 1);

static void
note_skipped(const char *parent, const MdevOpsSkipped *skipped)
{
    switch (skipped->reason) {
    case MDEV_OPS_SKIP_MANUAL:
        mdevtool_note(_("parent '%1$s': skipped mdev '%2$s': it does not start automatically"),
                      parent, skipped->uuid);
        break;
    case MDEV_OPS_SKIP_RUNNING:
        mdevtool_note(_("parent '%1$s': skipped mdev '%2$s': it is already running"), parent,
                      skipped->uuid);
        break;
    case MDEV_OPS_SKIP_UNREGISTERED:
        mdevtool_note(_("parent '%1$s': skipped mdev '%2$s': the parent is not registered with "
                        "the mdev core yet"),
                      parent, skipped->uuid);
        break;
    }
}

static void
add_skipped_json(MdevJsonOut *report, GPtrArray *skipped)
{
    mdev_json_out_member(report, "skipped");
    mdev_json_out_begin_array(report);
    for (guint i = 0; i < skipped->len; i++) {
        const MdevOpsSkipped *s = g_ptr_array_index(skipped, i);

        mdev_json_out_begin_object(report);
        mdev_json_out_add_string(report, "uuid", s->uuid);
        mdev_json_out_add_string(report, "reason", skip_reasons[s->reason]);
        mdev_json_out_end_object(report);
    }
    mdev_json_out_end_array(report);
}

/* The NVIDIA card of the VF model that @parent (the card or one of its VFs)
 * names, whose start-parent makes VF vGPUs and no mdevs; NULL for an mdev
 * parent. */
static char *
dup_vgpu_card(const char *parent)
{
    g_autofree char *card = mdev_vgpu_dup_card_of_vf(parent);
    const char *name = card ? card : parent;

    return mdev_vgpu_is_card(name) ? g_strdup(name) : NULL;
}

MDEVTOOL_CMD(mdevtool_cmd_start_parent)
{
    gboolean all = FALSE;
    const GOptionEntry entries[] = {
        { "all", 'A', 0, G_OPTION_ARG_NONE, &all, N_("Every parent that has autostart definitions"),
          NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx =
        mdevtool_option_context_new("start-parent", N_("PARENT"), entries);
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) parents = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevJsonOut) report = NULL;
    int status;
    guint failed = 0;

    g_option_context_set_summary(octx, _("Start a parent's autostart mdevs, or an NVIDIA "
                                         "card's autostart VF vGPUs, that are not running yet "
                                         "(used by the udev rules and at boot)."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (all) {
        if (argc > 1)
            return mdevtool_usage_error("start-parent", _("--all takes no PARENT"));
        parents = parents_with_autostart(cli, messages, &error);
        if (parents == NULL)
            return mdevtool_finish(messages, error);
    } else {
        if (argc != 2)
            return mdevtool_usage_error("start-parent", _("give one PARENT, or --all"));
        parents = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(parents, mdev_xml_host_resolve_parent(cli->ctx, argv[1]));
    }
    if (cli->json) {
        report = mdev_json_out_new(stdout, MDEV_JSON_OUT_PRETTY);
        mdev_json_out_begin_array(report);
    }
    for (guint i = 0; i < parents->len; i++) {
        const char *parent = g_ptr_array_index(parents, i);
        g_autoptr(GError) local = NULL;
        g_autoptr(GPtrArray) skipped =
            g_ptr_array_new_with_free_func((GDestroyNotify) mdev_ops_skipped_free);
        guint started = 0;
        gboolean ok;

        ok = mdev_ops_start_parent(cli->ctx, parent, &started, skipped, messages, &local);
        if (report) {
            mdev_json_out_begin_object(report);
            mdev_json_out_add_string(report, "parent", parent);
            mdev_json_out_add_int(report, "started", started, ok);
            add_skipped_json(report, skipped);
            mdev_json_out_end_object(report);
        } else if (cli->verbose) {
            /* the boot unit and the udev rule run with --verbose: the
             * journal says what each parent started and what it left */
            g_autofree char *card = dup_vgpu_card(parent);

            if (ok && card)
                mdevtool_note(g_dngettext(GETTEXT_PACKAGE, "card '%1$s': started %2$u VF vGPU",
                                          "card '%1$s': started %2$u VF vGPUs", started),
                              card, started);
            else if (ok)
                mdevtool_note(g_dngettext(GETTEXT_PACKAGE, "parent '%1$s': started %2$u mdev",
                                          "parent '%1$s': started %2$u mdevs", started),
                              parent, started);
            for (guint j = 0; j < skipped->len; j++)
                note_skipped(parent, g_ptr_array_index(skipped, j));
        }
        if (!ok) {
            failed++;
            if (error == NULL)
                error = g_steal_pointer(&local);
            else
                g_ptr_array_add(messages, g_strdup(local->message));
        }
    }
    if (report)
        mdev_json_out_end_array(report);
    return mdevtool_finish(messages, error);
}
