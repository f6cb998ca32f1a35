/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-callout.h"

#include "mdev-callout-private.h"
#include "mdev-enum.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-json-parse.h"
#include "mdev-private.h"
#include "mdev-sysfs.h"
#include "mdev-util.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
 * process group, after the timeout), nothing it starts outlives it (its
 * process group is killed when it exits, and while it runs this process is
 * the child subreaper, so that what left the group with setsid() comes back
 * to us as an orphan and is killed too), at most MDEV_CALLOUT_MAX_OUTPUT
 * bytes of each of its stdout and stderr are kept, and scripts that others
 * than their owner may modify are not run as root.
 */

MDEV_ENUM_TABLE(mdev_callout_action, MdevCalloutAction, MDEV_CALLOUT_ACTION_LAST, "define",
               "undefine", "modify", "start", "stop", "attributes", "capabilities")

MDEV_ENUM_TABLE(mdev_callout_event, MdevCalloutEvent, MDEV_CALLOUT_EVENT_LAST, "pre", "post",
               "notify", "get", "live")

MDEV_ENUM_TABLE(mdev_callout_state, MdevCalloutState, MDEV_CALLOUT_STATE_LAST, "none", "success",
               "failure")

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
    gboolean out_truncated;  /* the last script printed more than was kept */
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

    self->ctx = mdev_context_ref(ctx);
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
    mdev_context_unref(self->ctx);
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

/* The first of @path and the directories above it that someone other than
 * root or us could change: one owned by someone else, or writable by group
 * or others. Above @path, a directory with the sticky bit (such as /tmp)
 * is fine: others cannot rename or remove what they do not own in it.
 * Returns NULL when there is none. */
static char *
find_unsafe_directory(const char *path)
{
    g_autofree char *current = g_strdup(path);

    for (gboolean top = TRUE;; top = FALSE) {
        g_autofree char *up = NULL;
        GStatBuf st;

        if (g_stat(current, &st) < 0 || !S_ISDIR(st.st_mode) ||
            (st.st_uid != 0 && st.st_uid != geteuid()) ||
            ((st.st_mode & 022) != 0 && (top || !(st.st_mode & S_ISVTX))))
            return g_steal_pointer(&current);
        up = g_path_get_dirname(current);
        if (strcmp(up, current) == 0)
            return NULL;
        g_free(current);
        current = g_steal_pointer(&up);
    }
}

/* Scripts run as root: a script directory is only as safe as the
 * directories above it. Both the path as given (a symbolic link in it could
 * be replaced) and the one it resolves to are checked. */
static gboolean
directory_is_safe(MdevCallout *self, const char *dir)
{
    g_autofree char *absolute = g_canonicalize_filename(dir, NULL);
    g_autofree char *real = realpath(dir, NULL);
    g_autofree char *unsafe = find_unsafe_directory(absolute);

    if (unsafe == NULL && real != NULL)
        unsafe = find_unsafe_directory(real);
    if (unsafe == NULL && real != NULL)
        return TRUE;
    add_message(self, g_strdup_printf(_("ignoring the callout scripts in '%1$s': '%2$s' is "
                                        "writable by a user other than its owner or not owned "
                                        "by root"),
                                      dir, unsafe ? unsafe : dir));
    return FALSE;
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

        g_debug("looking for %s in '%s'", kind, dir);
        if (handle == NULL)
            continue;
        if (!directory_is_safe(self, dir))
            continue;
        while ((name = g_dir_read_name(handle)) != NULL)
            g_ptr_array_add(names, g_strdup(name));
        g_ptr_array_sort(names, mdev_util_compare_strings);
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

/* What is read from one of a script's output pipes: at most
 * MDEV_CALLOUT_MAX_OUTPUT bytes are kept, the rest is read and dropped so
 * that the script never blocks on a full pipe. */
typedef struct {
    int fd;
    GByteArray *data;
    gboolean truncated;
} Capture;

static void
capture_clear(Capture *capture)
{
    if (capture->fd >= 0)
        close(capture->fd);
    capture->fd = -1;
    g_clear_pointer(&capture->data, g_byte_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Capture, capture_clear)

static void
capture_read(Capture *capture)
{
    guint8 buffer[16384];
    ssize_t n = read(capture->fd, buffer, sizeof(buffer));
    gsize keep;

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close(capture->fd);
        capture->fd = -1;
        return;
    }
    keep = MIN((gsize) n, MDEV_CALLOUT_MAX_OUTPUT - capture->data->len);
    g_byte_array_append(capture->data, buffer, (guint) keep);
    if (keep < (gsize) n)
        capture->truncated = TRUE;
}

static void
child_setup(gpointer user_data)
{
    /* own process group, so that whatever the script starts can be killed
     * with it */
    setpgid(0, 0);
}

/* Whether the script has exited, without reaping it: as long as its zombie
 * is not reaped, its PID, and with it the process group's id, cannot be
 * given to another process, so killing the group cannot hit a stranger. */
static gboolean
has_exited(pid_t pid)
{
    siginfo_t info = { 0 };

    if (waitid(P_PID, (id_t) pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
        return errno != EINTR;
    return info.si_pid == pid;
}

static int
reap(pid_t pid)
{
    int status = 0;

    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

/* A descriptor that becomes readable when @pid exits, or -1 where the
 * kernel (before 5.3) or the C library cannot make one. */
static int
open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int) syscall(SYS_pidfd_open, pid, 0);
#else
    return -1;
#endif
}

/* Reads both pipes until the script has exited and they are closed, the
 * timeout has passed, or, once the script has exited, MDEV_CALLOUT_DRAIN_MSEC
 * have passed with a pipe still open (a process it left behind holds it).
 * Returns whether the script exited. */
static gboolean
collect(pid_t pid, Capture *out, Capture *err, guint timeout, gboolean *ret_left_open)
{
    int pidfd = open_pidfd(pid);
    gint64 deadline = g_get_monotonic_time() + (gint64) timeout * G_USEC_PER_SEC;
    gboolean exited = FALSE;

    for (;;) {
        struct pollfd fds[3];
        Capture *owners[3] = { NULL, NULL, NULL };
        gint64 now = g_get_monotonic_time();
        int wait_msec;
        nfds_t n = 0;

        if (!exited && has_exited(pid)) {
            exited = TRUE;
            deadline = MIN(deadline, now + MDEV_CALLOUT_DRAIN_MSEC * (G_USEC_PER_SEC / 1000));
        }
        if (exited && out->fd < 0 && err->fd < 0)
            break;
        if (now >= deadline)
            break;
        for (guint i = 0; i < 2; i++) {
            Capture *capture = i == 0 ? out : err;

            if (capture->fd >= 0) {
                fds[n] = (struct pollfd){ .fd = capture->fd, .events = POLLIN };
                owners[n++] = capture;
            }
        }
        if (!exited && pidfd >= 0)
            fds[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
        wait_msec = (int) MIN((deadline - now + 999) / 1000, G_MAXINT);
        /* without a pidfd (kernels before 5.3) look for the exit regularly */
        if (!exited && pidfd < 0)
            wait_msec = MIN(wait_msec, 20);
        if (poll(fds, n, wait_msec) < 0 && errno != EINTR)
            break;
        for (nfds_t i = 0; i < n; i++) {
            if (owners[i] && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                capture_read(owners[i]);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    *ret_left_open = exited && (out->fd >= 0 || err->fd >= 0);
    return exited;
}

/* Whether this process has any child, running or not yet reaped. */
static gboolean
has_children(void)
{
    siginfo_t info = { 0 };

    return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 || errno != ECHILD;
}

/* The ids of this process's children, read from /proc (the `children`
 * files need CONFIG_PROC_CHILDREN, which not every kernel has). Scanning
 * /proc costs milliseconds on a busy host, so a process without children,
 * the command line tool's case, skips it. */
static GArray *
list_children(void)
{
    GArray *pids = g_array_new(FALSE, FALSE, sizeof(pid_t));
    g_autoptr(GDir) dir = NULL;
    pid_t self = getpid();
    const char *name;

    if (!has_children())
        return pids;
    dir = g_dir_open("/proc", 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        char path[64];
        char stat[1024];
        const char *end;
        pid_t pid;
        long ppid;

        if (!g_ascii_isdigit(name[0]))
            continue;
        g_snprintf(path, sizeof(path), "/proc/%s/stat", name);
        /* "pid (comm) state ppid ...": comm may hold anything, even ")" */
        if (mdev_sysfs_read_attr(AT_FDCWD, path, stat, sizeof(stat)) < 0 ||
            (end = strrchr(stat, ')')) == NULL || sscanf(end + 1, " %*c %ld", &ppid) != 1 ||
            ppid != self)
            continue;
        pid = (pid_t) g_ascii_strtoll(name, NULL, 10);
        g_array_append_val(pids, pid);
    }
    return pids;
}

static gboolean
pid_in(GArray *pids, pid_t pid)
{
    for (guint i = 0; i < pids->len; i++) {
        if (g_array_index(pids, pid_t, i) == pid)
            return TRUE;
    }
    return FALSE;
}

/* Kills and reaps the children of this process that were not among
 * @before: the script's descendants that had left its process group and
 * were handed to us, the subreaper, when their parents died. Killing one
 * orphans its own children, which come to us in turn; a bounded number of
 * rounds stops a script that forks faster than it is killed from keeping
 * us here. */
static void
kill_orphans(GArray *before)
{
    for (guint round = 0; round < 64; round++) {
        g_autoptr(GArray) now = list_children();
        guint killed = 0;

        for (guint i = 0; i < now->len; i++) {
            pid_t pid = g_array_index(now, pid_t, i);

            if (pid_in(before, pid))
                continue;
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            killed++;
        }
        if (killed == 0)
            return;
    }
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
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
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
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        _("cannot create callout input: %s"), g_strerror(err));
            return -1;
        }
        done += n;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static void
record_stderr(MdevCallout *self, const char *path, const char *data)
{
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (*data == '\0')
        return;
    text = g_utf8_make_valid(data, -1);
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
                           "-e", mdev_callout_event_strings[event],
                           "-a", mdev_callout_action_strings[action],
                           "-s", mdev_callout_state_strings[state],
                           "-u", self->uuid,
                           "-p", self->parent,
                           NULL };
    /* clang-format on */
    g_auto(Capture) out = { .fd = -1, .data = g_byte_array_new() };
    g_auto(Capture) err = { .fd = -1, .data = g_byte_array_new() };
    g_autoptr(GError) local = NULL;
    g_autoptr(GArray) children_before = NULL;
    gboolean left_open = FALSE;
    gboolean exited;
    int was_subreaper = 0;
    GPid pid = 0;
    pid_t group;
    int status;
    int fd;

    self->out_truncated = FALSE;
    fd = stdin_fd_for(input ? input : "", error);
    if (fd < 0)
        return RUN_SKIPPED;
    /* The process group does not hold what calls setsid(); as subreaper we
     * inherit such descendants when their parents die, and kill them. The
     * flag is the process's, so it is put back as it was. */
    if (prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper, 0, 0, 0) < 0)
        was_subreaper = 1; /* cannot tell: leave it alone */
    if (!was_subreaper)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    children_before = list_children();
    if (!g_spawn_async_with_pipes_and_fds(
            NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES, child_setup, NULL,
            fd, -1, -1, NULL, NULL, 0, &pid, NULL, &out.fd, &err.fd, &local)) {
        if (!was_subreaper)
            prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
        close(fd);
        /* mdevctl skips what it cannot execute; say so at least */
        add_message(self, g_strdup_printf(_("cannot run callout script '%1$s': %2$s"), path,
                                          local->message));
        return RUN_SKIPPED;
    }
    close(fd);
    /* The child has made itself the leader of a group of its own before
     * exec; its id is the one to kill, whatever the script does later. */
    group = pid;

    exited = collect(pid, &out, &err, self->timeout, &left_open);
    /* The script's exit ends the callout: nothing it started may outlive it
     * (mdevctl documents callouts as synchronous). The leader is not reaped
     * yet, so the group's id still belongs to it. */
    kill(-group, SIGKILL);
    if (!exited)
        kill(pid, SIGKILL);
    status = reap(pid);
    kill_orphans(children_before);
    if (!was_subreaper)
        prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);

    if (!exited) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                    _("callout script '%1$s' did not finish within %2$u seconds and was "
                      "killed"),
                    path, self->timeout);
        return RUN_TIMEOUT;
    }
    g_byte_array_append(err.data, (const guint8 *) "", 1);
    record_stderr(self, path, (const char *) err.data->data);
    if (err.truncated)
        add_message(self, g_strdup_printf(_("callout script '%1$s' wrote more than %2$u bytes "
                                            "to stderr; the rest was discarded"),
                                          path, (guint) MDEV_CALLOUT_MAX_OUTPUT));
    if (out.truncated) {
        self->out_truncated = TRUE;
        add_message(self, g_strdup_printf(_("callout script '%1$s' printed more than %2$u "
                                            "bytes; the rest was discarded"),
                                          path, (guint) MDEV_CALLOUT_MAX_OUTPUT));
    }
    if (left_open)
        add_message(self, g_strdup_printf(_("callout script '%1$s' exited, but processes it "
                                            "started still held its output; they were killed"),
                                          path));
    if (WIFSIGNALED(status)) {
        add_message(self, g_strdup_printf(_("callout script '%1$s' was killed by signal %2$d"),
                                          path, WTERMSIG(status)));
        return RUN_SKIPPED;
    }
    *ret_status = WEXITSTATUS(status);
    if (ret_stdout) {
        g_byte_array_append(out.data, (const guint8 *) "", 1);
        /* the text ends at the first NUL: some scripts append NULs */
        *ret_stdout = g_strdup((const char *) out.data->data);
    }
    return RUN_EXITED;
}

static guint
names_to_bits(const MdevJsonNode *array, const char *const *names, guint count, GPtrArray *unknown)
{
    guint bits = 0;

    for (const MdevJsonNode *element = mdev_json_node_get_first(array); element;
         element = mdev_json_node_get_next(element)) {
        const char *name = mdev_json_node_get_string(element);
        guint n = count;

        for (guint k = 0; name && k < count; k++) {
            if (strcmp(name, names[k]) == 0)
                n = k;
        }
        if (n < count)
            bits |= 1u << n;
        else if (unknown)
            g_ptr_array_add(unknown, g_strdup(name ? name : "?"));
    }
    return bits;
}

/**
 * mdev_callout_parse_supports:
 * @text: what a script printed for the capabilities query
 * @ret_actions: receives a bit per #MdevCalloutAction the script supports
 * @ret_events: receives a bit per #MdevCalloutEvent the script supports
 * @unknown: (nullable) (element-type utf8): receives the names the script
 *   listed that mdevtool does not know
 *
 * Reads mdevctl's "supports" document:
 * {"supports":{"version":N,"actions":[…],"events":[…]}}, N an integer.
 *
 * Returns: %TRUE when @text is one, else %FALSE and nothing is written
 */
gboolean
mdev_callout_parse_supports(const char *text, guint *ret_actions, guint *ret_events,
                            GPtrArray *unknown)
{
    g_autoptr(MdevJsonDoc) doc = mdev_json_doc_parse(text, strlen(text), NULL);
    const MdevJsonNode *supports;
    const MdevJsonNode *actions;
    const MdevJsonNode *events;

    if (doc == NULL)
        return FALSE;
    supports = mdev_json_object_get(mdev_json_doc_get_root(doc), "supports");
    if (supports == NULL || mdev_json_node_get_type(supports) != MDEV_JSON_OBJECT)
        return FALSE;
    /* a number without fraction or exponent, of any size: 2.0 is not one */
    if (!mdev_json_node_is_integer(mdev_json_object_get(supports, "version")))
        return FALSE;
    actions = mdev_json_object_get(supports, "actions");
    events = mdev_json_object_get(supports, "events");
    if (actions == NULL || mdev_json_node_get_type(actions) != MDEV_JSON_ARRAY || events == NULL ||
        mdev_json_node_get_type(events) != MDEV_JSON_ARRAY)
        return FALSE;
    *ret_actions =
        names_to_bits(actions, mdev_callout_action_strings, MDEV_CALLOUT_ACTION_LAST, unknown);
    *ret_events =
        names_to_bits(events, mdev_callout_event_strings, MDEV_CALLOUT_EVENT_LAST, unknown);
    return TRUE;
}

static char *
provides_json(void)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "{\"provides\":{\"version\":%d,\"actions\":[",
                           MDEV_CALLOUT_VERSION);
    for (guint i = 0; i < MDEV_CALLOUT_ACTION_LAST; i++)
        g_string_append_printf(out, "%s\"%s\"", i ? "," : "", mdev_callout_action_strings[i]);
    g_string_append(out, "],\"events\":[");
    for (guint i = 0; i < MDEV_CALLOUT_EVENT_LAST; i++)
        g_string_append_printf(out, "%s\"%s\"", i ? "," : "", mdev_callout_event_strings[i]);
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
        g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
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
        /* a document cut short is not the script's answer */
        if (self->out_truncated)
            continue;
        /* the exit status does not matter here, only the document */
        if (mdev_callout_parse_supports(out, &self->versioned_actions, &self->versioned_events,
                                        unknown)) {
            for (guint k = 0; k < unknown->len; k++)
                add_message(self, g_strdup_printf(_("callout script '%1$s' supports the unknown "
                                                    "name '%2$s'"),
                                                  path, (const char *) unknown->pdata[k]));
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
                        mdev_callout_action_strings[action]);
            return FALSE;
        }
        if (!(self->versioned_events & (1u << event))) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                        _("callout script '%1$s' does not support event '%2$s'"), self->versioned,
                        mdev_callout_event_strings[event]);
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
                        self->versioned, mdev_callout_event_strings[event], mdev_callout_action_strings[action], status);
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
                        path, mdev_callout_event_strings[event], mdev_callout_action_strings[action], status);
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
                                          mdev_callout_action_strings[action], local->message));
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
    if (self->out_truncated) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_CALLOUT,
                    _("callout script '%1$s' printed more than %2$u bytes of attributes for mdev "
                      "'%3$s'; the output was cut off"),
                    self->owner, (guint) MDEV_CALLOUT_MAX_OUTPUT, self->uuid);
        return NULL;
    }
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
    if (self->probe != PROBE_FOUND || !(self->versioned_events & (1u << MDEV_CALLOUT_EVENT_LIVE))) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("no versioned callout script applies changes to the running mdev '%s'"),
                    self->uuid);
        return FALSE;
    }
    return run_event(self, MDEV_CALLOUT_EVENT_LIVE, MDEV_CALLOUT_ACTION_MODIFY,
                     MDEV_CALLOUT_STATE_NONE, NULL, error);
}
