/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-callout.h"
#include "mdev-callout-private.h"

#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-util.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * mdevctl's callout protocol, which vendor scripts such as s390-tools'
 * ap-check implement:
 *
 *   <script> -t <type> -e <event> -a <action> -s <state> -u <uuid> -p <parent>
 *
 * with the definition as compact JSON on stdin. For each event the scripts of
 * <lib_dir>/scripts.d/callouts and then <conf_dir>/scripts.d/callouts run in
 * name order until one exits with something other than 2 ("not my type"):
 * that one decides. A script that answers the capabilities query with a
 * "supports" document is versioned and from then on decides every event
 * alone. Notifiers in the two scripts.d/notifiers directories are all told
 * about the outcome; their status is ignored.
 *
 * Unlike mdevctl, a script may not run forever (it is killed, with its
 * process group, after the timeout) and scripts that others than their owner
 * may modify are not run as root.
 */

static const char *const action_names[MDEV_CALLOUT_ACTION_LAST] = {
    [MDEV_CALLOUT_ACTION_DEFINE] = "define",
    [MDEV_CALLOUT_ACTION_UNDEFINE] = "undefine",
    [MDEV_CALLOUT_ACTION_MODIFY] = "modify",
    [MDEV_CALLOUT_ACTION_START] = "start",
    [MDEV_CALLOUT_ACTION_STOP] = "stop",
    [MDEV_CALLOUT_ACTION_ATTRIBUTES] = "attributes",
    [MDEV_CALLOUT_ACTION_CAPABILITIES] = "capabilities",
};

static const char *const event_names[MDEV_CALLOUT_EVENT_LAST] = {
    [MDEV_CALLOUT_EVENT_PRE] = "pre",       [MDEV_CALLOUT_EVENT_POST] = "post",
    [MDEV_CALLOUT_EVENT_NOTIFY] = "notify", [MDEV_CALLOUT_EVENT_GET] = "get",
    [MDEV_CALLOUT_EVENT_LIVE] = "live",
};

static const char *const state_names[MDEV_CALLOUT_STATE_LAST] = {
    [MDEV_CALLOUT_STATE_NONE] = "none",
    [MDEV_CALLOUT_STATE_SUCCESS] = "success",
    [MDEV_CALLOUT_STATE_FAILURE] = "failure",
};

const char *
mdev_callout_action_to_string(MdevCalloutAction action)
{
    g_return_val_if_fail(action < MDEV_CALLOUT_ACTION_LAST, NULL);
    return action_names[action];
}

const char *
mdev_callout_event_to_string(MdevCalloutEvent event)
{
    g_return_val_if_fail(event < MDEV_CALLOUT_EVENT_LAST, NULL);
    return event_names[event];
}

const char *
mdev_callout_state_to_string(MdevCalloutState state)
{
    g_return_val_if_fail(state < MDEV_CALLOUT_STATE_LAST, NULL);
    return state_names[state];
}

typedef enum {
    PROBE_NOT_DONE,
    PROBE_NONE,
    PROBE_FOUND,
} ProbeState;

struct _MdevCallout {
    MdevContext *ctx;
    char *uuid;
    char *parent;
    char *type;
    char *json;
    guint timeout;
    GPtrArray *messages;

    ProbeState probe;
    char *versioned;         /* the versioned script, when PROBE_FOUND */
    guint versioned_actions; /* bit per MdevCalloutAction */
    guint versioned_events;  /* bit per MdevCalloutEvent */
    char *owner;             /* the script that decided the last event */
};

static guint
default_timeout(void)
{
    const char *value = g_getenv(MDEV_ENV_CALLOUT_TIMEOUT);
    guint64 seconds;

    if (value && g_ascii_string_to_unsigned(value, 10, 1, 24 * 3600, &seconds, NULL))
        return (guint) seconds;
    return MDEV_CALLOUT_DEFAULT_TIMEOUT;
}

/**
 * mdev_callout_new:
 * @ctx: a context, for the script directories
 * @device: the device the operation is about; its type, parent, UUID and
 *   definition are what the scripts are told
 *
 * Returns: (transfer full): a callout runner for one device and operation
 */
MdevCallout *
mdev_callout_new(MdevContext *ctx, const MdevDevice *device)
{
    MdevCallout *self = g_new0(MdevCallout, 1);

    self->ctx = g_object_ref(ctx);
    self->timeout = default_timeout();
    self->messages = g_ptr_array_new_with_free_func(g_free);
    mdev_callout_set_device(self, device);
    return self;
}

void
mdev_callout_free(MdevCallout *self)
{
    if (self == NULL)
        return;
    g_object_unref(self->ctx);
    g_free(self->uuid);
    g_free(self->parent);
    g_free(self->type);
    g_free(self->json);
    g_free(self->versioned);
    g_free(self->owner);
    g_ptr_array_unref(self->messages);
    g_free(self);
}

/**
 * mdev_callout_set_device:
 * @self: a callout runner
 * @device: the device's new state (after a modification, say)
 *
 * Changes what later events tell the scripts.
 */
void
mdev_callout_set_device(MdevCallout *self, const MdevDevice *device)
{
    g_free(self->uuid);
    g_free(self->parent);
    g_free(self->type);
    g_free(self->json);
    self->uuid = g_strdup(device->uuid);
    self->parent = g_strdup(device->parent);
    self->type = g_strdup(device->type);
    self->json = device->type ? mdev_json_definition_to_compact(device) : g_strdup("");
}

void
mdev_callout_set_timeout(MdevCallout *self, guint seconds)
{
    self->timeout = MAX(seconds, 1);
}

/**
 * mdev_callout_get_messages:
 * @self: a callout runner
 *
 * Returns: (transfer none) (element-type utf8): what scripts wrote to stderr
 *   (prefixed with the script's name) and warnings about scripts that were
 *   skipped or killed, for the caller to show
 */
GPtrArray *
mdev_callout_get_messages(MdevCallout *self)
{
    return self->messages;
}

static void
add_message(MdevCallout *self, char *message)
{
    g_debug("%s", message);
    g_ptr_array_add(self->messages, message);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Scripts of one kind ("callouts" or "notifiers"), packaged directory first,
 * each directory in name order. */
static GPtrArray *
list_scripts(MdevCallout *self, const char *kind)
{
    const char *roots[] = { mdev_context_get_lib_dir(self->ctx),
                            mdev_context_get_conf_dir(self->ctx) };
    GPtrArray *scripts = g_ptr_array_new_with_free_func(g_free);

    for (gsize r = 0; r < G_N_ELEMENTS(roots); r++) {
        g_autofree char *dir = g_build_filename(roots[r], "scripts.d", kind, NULL);
        g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *name;

        if (handle == NULL)
            continue;
        while ((name = g_dir_read_name(handle)) != NULL)
            g_ptr_array_add(names, g_strdup(name));
        g_ptr_array_sort(names, compare_strings);
        for (guint i = 0; i < names->len; i++) {
            const char *entry = g_ptr_array_index(names, i);
            g_autofree char *path = g_build_filename(dir, entry, NULL);
            GStatBuf st;

            if (entry[0] == '.' || g_stat(path, &st) < 0 || !S_ISREG(st.st_mode))
                continue;
            /* Scripts run as root: refuse those someone else could have
             * changed. */
            if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022) != 0) {
                add_message(self, g_strdup_printf(_("ignoring callout script '%s': it is "
                                                    "writable by a user other than its "
                                                    "owner or not owned by root"),
                                                  path));
                continue;
            }
            g_ptr_array_add(scripts, g_steal_pointer(&path));
        }
    }
    return scripts;
}

typedef enum {
    RUN_EXITED,  /* ran; status holds the exit code */
    RUN_SKIPPED, /* could not be started, or died from a signal */
    RUN_TIMEOUT, /* killed after the timeout */
} RunResult;

typedef struct {
    gboolean communicated;
    gboolean waited;
    gboolean timed_out;
    GBytes *out;
    GBytes *err;
} RunState;

static void
communicate_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    RunState *state = user_data;

    g_subprocess_communicate_finish(G_SUBPROCESS(source), result, &state->out, &state->err, NULL);
    state->communicated = TRUE;
}

static void
wait_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    RunState *state = user_data;

    g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
    state->waited = TRUE;
}

static gboolean
timeout_reached(gpointer user_data)
{
    RunState *state = user_data;

    state->timed_out = TRUE;
    return G_SOURCE_REMOVE;
}

static void
child_setup(gpointer user_data)
{
    /* own process group, so a timeout kills the script's children too */
    setpgid(0, 0);
}

/* stdin as an in-memory file: no pipe, so a script that never reads its
 * input can neither block us nor make us die of SIGPIPE. */
static int
stdin_fd_for(const char *text, GError **error)
{
    int fd = memfd_create("mdevtool-callout-stdin", MFD_CLOEXEC);
    gsize length = strlen(text);
    gsize done = 0;

    if (fd < 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                    _("cannot create callout input: %s"), g_strerror(err));
        return -1;
    }
    while (done < length) {
        ssize_t n = write(fd, text + done, length - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            close(fd);
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                        _("cannot create callout input: %s"), g_strerror(err));
            return -1;
        }
        done += n;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static void
record_stderr(MdevCallout *self, const char *path, GBytes *err)
{
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    gsize size = 0;
    const char *data;

    if (err == NULL)
        return;
    data = g_bytes_get_data(err, &size);
    if (size == 0)
        return;
    text = g_utf8_make_valid(data, size);
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_strchomp(lines[i]);
        if (*lines[i])
            add_message(self, g_strdup_printf("%s: %s", base, lines[i]));
    }
}

static RunResult
run_script(MdevCallout *self, const char *path, MdevCalloutEvent event, MdevCalloutAction action,
           MdevCalloutState state, const char *input, int *ret_status, char **ret_stdout,
           GError **error)
{
    /* clang-format off */
    const char *argv[] = { path,
                           "-t", self->type ? self->type : "",
                           "-e", event_names[event],
                           "-a", action_names[action],
                           "-s", state_names[state],
                           "-u", self->uuid,
                           "-p", self->parent,
                           NULL };
    /* clang-format on */
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GMainContext) loop_ctx = g_main_context_new();
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(GSource) timer = NULL;
    g_autoptr(GError) local = NULL;
    RunState run = { 0 };
    RunResult result;
    int fd;

    fd = stdin_fd_for(input ? input : "", error);
    if (fd < 0)
        return RUN_SKIPPED;
    launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_subprocess_launcher_take_stdin_fd(launcher, fd);
    g_subprocess_launcher_set_child_setup(launcher, child_setup, NULL, NULL);
    proc = g_subprocess_launcher_spawnv(launcher, argv, &local);
    if (proc == NULL) {
        /* mdevctl skips what it cannot execute; say so at least */
        add_message(self, g_strdup_printf(_("cannot run callout script '%1$s': %2$s"), path,
                                          local->message));
        return RUN_SKIPPED;
    }

    g_main_context_push_thread_default(loop_ctx);
    g_subprocess_communicate_async(proc, NULL, cancellable, communicate_done, &run);
    g_subprocess_wait_async(proc, cancellable, wait_done, &run);
    timer = g_timeout_source_new_seconds(self->timeout);
    g_source_set_callback(timer, timeout_reached, &run, NULL);
    g_source_attach(timer, loop_ctx);
    while (!(run.communicated && run.waited) && !run.timed_out)
        g_main_context_iteration(loop_ctx, TRUE);
    if (run.timed_out) {
        const char *pid = g_subprocess_get_identifier(proc);

        if (pid)
            kill(-(pid_t) atoi(pid), SIGKILL);
        g_subprocess_force_exit(proc);
        g_cancellable_cancel(cancellable);
        while (!(run.communicated && run.waited))
            g_main_context_iteration(loop_ctx, TRUE);
    }
    g_source_destroy(timer);
    g_main_context_pop_thread_default(loop_ctx);

    if (!run.timed_out)
        record_stderr(self, path, run.err);
    if (run.timed_out) {
        g_subprocess_wait(proc, NULL, NULL);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                    _("callout script '%1$s' did not finish within %2$u seconds and was "
                      "killed"),
                    path, self->timeout);
        result = RUN_TIMEOUT;
    } else if (g_subprocess_get_if_exited(proc)) {
        *ret_status = g_subprocess_get_exit_status(proc);
        if (ret_stdout) {
            gsize size = 0;
            const char *data = run.out ? g_bytes_get_data(run.out, &size) : NULL;

            /* the text ends at the first NUL: some scripts append NULs */
            *ret_stdout = data ? g_strndup(data, size) : g_strdup("");
        }
        result = RUN_EXITED;
    } else {
        add_message(self, g_strdup_printf(_("callout script '%1$s' was killed by signal %2$d"),
                                          path, g_subprocess_get_term_sig(proc)));
        result = RUN_SKIPPED;
    }
    g_clear_pointer(&run.out, g_bytes_unref);
    g_clear_pointer(&run.err, g_bytes_unref);
    return result;
}

static guint
names_to_bits(MdevCallout *self, const char *path, JsonArray *array, const char *const *names,
              guint count)
{
    guint bits = 0;

    for (guint i = 0; array && i < json_array_get_length(array); i++) {
        const char *name = json_array_get_string_element(array, i);
        guint n;

        for (n = 0; n < count; n++) {
            if (name && strcmp(name, names[n]) == 0)
                break;
        }
        if (n < count)
            bits |= 1u << n;
        else
            add_message(self, g_strdup_printf(_("callout script '%1$s' supports the unknown "
                                                "name '%2$s'"),
                                              path, name ? name : "?"));
    }
    return bits;
}

gboolean
mdev_callout_parse_supports(MdevCallout *self, const char *path, const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    JsonObject *object;
    JsonObject *supports;
    JsonNode *root;
    JsonNode *node;

    if (!json_parser_load_from_data(parser, text, -1, NULL))
        return FALSE;
    root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return FALSE;
    object = json_node_get_object(root);
    node = json_object_get_member(object, "supports");
    if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node))
        return FALSE;
    supports = json_node_get_object(node);
    node = json_object_get_member(supports, "version");
    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_INT64)
        return FALSE;
    node = json_object_get_member(supports, "actions");
    if (node == NULL || !JSON_NODE_HOLDS_ARRAY(node))
        return FALSE;
    node = json_object_get_member(supports, "events");
    if (node == NULL || !JSON_NODE_HOLDS_ARRAY(node))
        return FALSE;
    self->versioned_actions =
        names_to_bits(self, path, json_object_get_array_member(supports, "actions"), action_names,
                      MDEV_CALLOUT_ACTION_LAST);
    self->versioned_events =
        names_to_bits(self, path, json_object_get_array_member(supports, "events"), event_names,
                      MDEV_CALLOUT_EVENT_LAST);
    return TRUE;
}

static char *
provides_json(void)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "{\"provides\":{\"version\":%d,\"actions\":[",
                           MDEV_CALLOUT_VERSION);
    for (guint i = 0; i < MDEV_CALLOUT_ACTION_LAST; i++)
        g_string_append_printf(out, "%s\"%s\"", i ? "," : "", action_names[i]);
    g_string_append(out, "],\"events\":[");
    for (guint i = 0; i < MDEV_CALLOUT_EVENT_LAST; i++)
        g_string_append_printf(out, "%s\"%s\"", i ? "," : "", event_names[i]);
    g_string_append(out, "]}}");
    return g_string_free(out, FALSE);
}

/* The capabilities handshake, once per runner: the first script that answers
 * with a "supports" document owns every later event. */
static void
probe_versioned(MdevCallout *self, GPtrArray *scripts)
{
    g_autofree char *provides = NULL;

    if (self->probe != PROBE_NOT_DONE)
        return;
    self->probe = PROBE_NONE;
    if (scripts->len == 0)
        return;
    provides = provides_json();
    for (guint i = 0; i < scripts->len; i++) {
        const char *path = g_ptr_array_index(scripts, i);
        g_autofree char *out = NULL;
        g_autoptr(GError) local = NULL;
        int status = 0;
        RunResult result;

        result = run_script(self, path, MDEV_CALLOUT_EVENT_GET, MDEV_CALLOUT_ACTION_CAPABILITIES,
                            MDEV_CALLOUT_STATE_NONE, provides, &status, &out, &local);
        if (result == RUN_TIMEOUT) {
            add_message(self, g_strdup(local->message));
            continue;
        }
        if (result != RUN_EXITED || status == 2)
            continue;
        /* the exit status does not matter here, only the document */
        if (mdev_callout_parse_supports(self, path, out)) {
            self->probe = PROBE_FOUND;
            self->versioned = g_strdup(path);
            return;
        }
    }
}

/* Runs one callout event. Returns FALSE with @error when the owning script
 * refused or failed; on success *ret_stdout (if asked for) holds the owner's
 * output, or NULL when no script claimed the event. */
static gboolean
run_event(MdevCallout *self, MdevCalloutEvent event, MdevCalloutAction action,
          MdevCalloutState state, char **ret_stdout, GError **error)
{
    g_autoptr(GPtrArray) scripts = NULL;
    const char *input = event == MDEV_CALLOUT_EVENT_GET ? "" : self->json;

    if (self->type == NULL)
        return TRUE; /* nothing a script could decide on */
    scripts = list_scripts(self, "callouts");
    probe_versioned(self, scripts);

    if (self->probe == PROBE_FOUND) {
        g_autofree char *out = NULL;
        int status = 0;

        if (!(self->versioned_actions & (1u << action))) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                        _("callout script '%1$s' does not support action '%2$s'"), self->versioned,
                        action_names[action]);
            return FALSE;
        }
        if (!(self->versioned_events & (1u << event))) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                        _("callout script '%1$s' does not support event '%2$s'"), self->versioned,
                        event_names[event]);
            return FALSE;
        }
        switch (
            run_script(self, self->versioned, event, action, state, input, &status, &out, error)) {
        case RUN_TIMEOUT:
            return FALSE;
        case RUN_SKIPPED:
            if (error && *error == NULL)
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                            _("callout script '%s' could not be run"), self->versioned);
            return FALSE;
        case RUN_EXITED:
            break;
        }
        if (status != 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                        _("callout script '%1$s' failed the '%2$s' event of '%3$s' with exit "
                          "status %4$d"),
                        self->versioned, event_names[event], action_names[action], status);
            return FALSE;
        }
        g_free(self->owner);
        self->owner = g_strdup(self->versioned);
        if (ret_stdout)
            *ret_stdout = g_steal_pointer(&out);
        return TRUE;
    }

    for (guint i = 0; i < scripts->len; i++) {
        const char *path = g_ptr_array_index(scripts, i);
        g_autofree char *out = NULL;
        int status = 0;

        switch (run_script(self, path, event, action, state, input, &status, &out, error)) {
        case RUN_TIMEOUT:
            return FALSE;
        case RUN_SKIPPED:
            g_clear_error(error);
            continue;
        case RUN_EXITED:
            break;
        }
        if (status == 2)
            continue; /* not this script's type */
        if (status != 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                        _("callout script '%1$s' failed the '%2$s' event of '%3$s' with exit "
                          "status %4$d"),
                        path, event_names[event], action_names[action], status);
            return FALSE;
        }
        g_free(self->owner);
        self->owner = g_strdup(path);
        if (ret_stdout)
            *ret_stdout = g_steal_pointer(&out);
        return TRUE;
    }
    return TRUE;
}

/**
 * mdev_callout_pre:
 * @self: a callout runner
 * @action: the operation about to happen
 * @error: return location for a #GError
 *
 * Asks the callout scripts whether @action may go ahead. With the context's
 * force_callouts set, a refusal or failure only adds a message.
 *
 * Returns: %TRUE to go ahead, %FALSE with %MDEV_ERROR_CALLOUT when the
 *   owning script refused, failed or timed out
 */
gboolean
mdev_callout_pre(MdevCallout *self, MdevCalloutAction action, GError **error)
{
    g_autoptr(GError) local = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (run_event(self, MDEV_CALLOUT_EVENT_PRE, action, MDEV_CALLOUT_STATE_NONE, NULL, &local))
        return TRUE;
    if (mdev_context_get_force_callouts(self->ctx) &&
        g_error_matches(local, MDEV_ERROR, MDEV_ERROR_CALLOUT)) {
        add_message(self, g_strdup_printf(_("forcing '%1$s' despite the callout failure: %2$s"),
                                          mdev_callout_action_to_string(action),
                                          local->message));
        return TRUE;
    }
    g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}

/**
 * mdev_callout_post:
 * @self: a callout runner
 * @action: the operation that happened
 * @success: whether it succeeded
 *
 * Tells the owning callout script the outcome; its status is ignored.
 */
void
mdev_callout_post(MdevCallout *self, MdevCalloutAction action, gboolean success)
{
    g_autoptr(GError) local = NULL;

    if (!run_event(self, MDEV_CALLOUT_EVENT_POST, action,
                   success ? MDEV_CALLOUT_STATE_SUCCESS : MDEV_CALLOUT_STATE_FAILURE, NULL, &local))
        add_message(self, g_strdup(local->message));
}

/**
 * mdev_callout_notify:
 * @self: a callout runner
 * @action: the operation
 * @state: %MDEV_CALLOUT_STATE_NONE when a pre callout stopped it, else its
 *   outcome
 *
 * Runs every notifier script; their status is ignored.
 */
void
mdev_callout_notify(MdevCallout *self, MdevCalloutAction action, MdevCalloutState state)
{
    g_autoptr(GPtrArray) scripts = list_scripts(self, "notifiers");

    if (self->type == NULL)
        return;
    for (guint i = 0; i < scripts->len; i++) {
        g_autoptr(GError) local = NULL;
        int status = 0;

        if (run_script(self, g_ptr_array_index(scripts, i), MDEV_CALLOUT_EVENT_NOTIFY, action,
                       state, self->json, &status, NULL, &local) == RUN_TIMEOUT)
            add_message(self, g_strdup(local->message));
    }
}

/**
 * mdev_callout_get_attributes:
 * @self: a callout runner for an active device
 * @error: return location for a #GError
 *
 * Asks the owning script for the running device's attributes.
 *
 * Returns: (transfer full) (element-type MdevAttr): the attributes (empty
 *   when no script claims the device), or %NULL with %MDEV_ERROR_CALLOUT when
 *   the script failed or printed something that is not an attribute list
 */
GPtrArray *
mdev_callout_get_attributes(MdevCallout *self, GError **error)
{
    g_autofree char *out = NULL;
    g_autoptr(GError) local = NULL;
    GPtrArray *attrs;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!run_event(self, MDEV_CALLOUT_EVENT_GET, MDEV_CALLOUT_ACTION_ATTRIBUTES,
                   MDEV_CALLOUT_STATE_NONE, &out, error))
        return NULL;
    if (out == NULL)
        return mdev_attr_array_new();
    attrs = mdev_json_attrs_from_string(out, &local);
    if (attrs == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                    _("callout script '%1$s' printed invalid attributes for mdev '%2$s': "
                      "%3$s"),
                    self->owner, self->uuid, local->message);
        return NULL;
    }
    return attrs;
}

/**
 * mdev_callout_live:
 * @self: a callout runner, set to the new definition of a running mdev
 * @error: return location for a #GError
 *
 * Hands the definition to the versioned callout script that handles the
 * "live" event, which applies it to the running device (mdevctl's
 * modify --live). Unversioned scripts are never sent this event.
 *
 * Returns: %TRUE when the script applied it; %FALSE with
 *   %MDEV_ERROR_NOT_FOUND when no versioned script handles live changes, or
 *   %MDEV_ERROR_CALLOUT when the script failed
 */
gboolean
mdev_callout_live(MdevCallout *self, GError **error)
{
    g_autoptr(GPtrArray) scripts = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (self->type != NULL) {
        scripts = list_scripts(self, "callouts");
        probe_versioned(self, scripts);
    }
    if (self->probe != PROBE_FOUND ||
        !(self->versioned_events & (1u << MDEV_CALLOUT_EVENT_LIVE))) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("no versioned callout script applies changes to the running mdev '%s'"),
                    self->uuid);
        return FALSE;
    }
    return run_event(self, MDEV_CALLOUT_EVENT_LIVE, MDEV_CALLOUT_ACTION_MODIFY,
                     MDEV_CALLOUT_STATE_NONE, NULL, error);
}
