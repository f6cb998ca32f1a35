/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool-cmds.h"

#include "mdev-json-out.h"
#include "mdev-monitor.h"
#include "mdevtool-output.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>

typedef struct {
    gboolean json;
} MonitorState;

static void
print_event_json(const MdevMonitorEvent *event)
{
    g_autoptr(MdevJsonOut) out = mdev_json_out_new(stdout, MDEV_JSON_OUT_COMPACT);

    mdev_json_out_begin_object(out);
    mdev_json_out_add_string(out, "event", mdev_monitor_event_kind_to_string(event->kind));
    mdev_json_out_add_string(out, "parent", event->parent);
    mdev_json_out_add_string(out, "uuid", event->uuid);
    mdev_json_out_add_string(out, "type", event->type);
    mdev_json_out_add_string(out, "path", event->syspath);
    mdev_json_out_end_object(out);
    putchar('\n');
}

static void
print_event_text(const MdevMonitorEvent *event)
{
    g_autoptr(GString) line = g_string_new(mdev_monitor_event_kind_to_string(event->kind));
    g_autofree char *escaped = NULL;

    if (event->uuid) {
        g_string_append_printf(line, " %s parent=%s type=%s", event->uuid, event->parent,
                               mdevtool_text_or_dash(event->type));
    } else {
        g_string_append_printf(line, " %s", event->parent);
    }
    escaped = mdevtool_text_escape(line->str);
    printf("%s\n", escaped);
}

static void
on_event(MdevMonitor *monitor, const MdevMonitorEvent *event, gpointer user_data)
{
    MonitorState *state = user_data;

    if (state->json)
        print_event_json(event);
    else
        print_event_text(event);
    /* one line per event, as it happens, also into a pipe */
    fflush(stdout);
}

static gboolean
on_signal(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_CONTINUE;
}

MDEVTOOL_CMD(mdevtool_cmd_monitor)
{
    g_autoptr(GOptionContext) octx = mdevtool_option_context_new("monitor", NULL, NULL);
    g_autoptr(MdevMonitor) monitor = NULL;
    g_autoptr(GMainLoop) loop = NULL;
    g_autoptr(GError) error = NULL;
    MonitorState state = { .json = cli->json };
    guint sigint, sigterm;
    int status;

    g_option_context_set_summary(octx, _("Print mdev and parent events as they happen, one "
                                         "line each, until interrupted."));
    if (!mdevtool_parse_options(octx, &argc, &argv, &status))
        return status;
    if (argc > 1)
        return mdevtool_usage_error("monitor", _("unexpected argument '%s'"), argv[1]);

    monitor = mdev_monitor_new(cli->ctx, &error);
    if (monitor == NULL)
        return mdevtool_fail(error);
    loop = g_main_loop_new(NULL, FALSE);
    mdev_monitor_set_handler(monitor, on_event, &state, NULL);
    sigint = g_unix_signal_add(SIGINT, on_signal, loop);
    sigterm = g_unix_signal_add(SIGTERM, on_signal, loop);
    g_main_loop_run(loop);
    g_source_remove(sigint);
    g_source_remove(sigterm);
    return MDEVTOOL_EXIT_OK;
}
