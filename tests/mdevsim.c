/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevsim: runs a command on a simulated mdev host.
 *
 * The host (a JSON description, see schemas/host.schema.json) becomes a
 * umockdev testbed; the command runs under umockdev's preload, so libudev
 * and plain file readers see the testbed as /sys. mdevsim's own preload
 * library sends every write() to a `create` or `remove` file back here,
 * where it is answered as the kernel's mdev core and the vendor driver
 * answer it (mock-host.c), one request at a time. */
#include "mdevsim-protocol.h"
#include "mock-host.h"
#include "test-common.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_SETUP 125

/* A writer waiting for its answer: the remove of a held mdev */
typedef struct {
    int conn;
    char *path;
    GBytes *data;
} Pending;

typedef struct {
    MockHost *host;
    GMainLoop *loop;
    GPid child;
    int status;
    gboolean exited;
    GPtrArray *pending; /* Pending */
    const char *root;   /* canonical */
} Simulator;

static void
pending_free(Pending *pending)
{
    if (pending->conn >= 0)
        close(pending->conn);
    g_free(pending->path);
    g_bytes_unref(pending->data);
    g_free(pending);
}

static void
answer(int conn, const char *reply)
{
    if (send(conn, reply, strlen(reply), MSG_NOSIGNAL) < 0 && errno != EPIPE)
        g_printerr("mdevsim: cannot answer a request: %s\n", g_strerror(errno));
}

/* Hands the waiting writes to the host again; those that no longer block
 * get their answer. A writer that died meanwhile does not stop the remove,
 * as a task in the kernel's wait cannot be killed. */
static void
retry_pending(Simulator *sim)
{
    for (guint i = 0; i < sim->pending->len;) {
        Pending *pending = g_ptr_array_index(sim->pending, i);
        gsize len;
        const char *data = g_bytes_get_data(pending->data, &len);
        gssize result;
        g_autofree char *reply = NULL;

        if (!mock_host_handle_write(sim->host, pending->path, data, len, &result))
            result = -ENODEV;
        if (result == MOCK_HOST_WRITE_BLOCKS) {
            i++;
            continue;
        }
        reply = g_strdup_printf("R%" G_GSSIZE_FORMAT, result);
        answer(pending->conn, reply);
        g_ptr_array_remove_index(sim->pending, i);
    }
}

typedef struct {
    Simulator *sim;
    char *uuid;
} Release;

static gboolean
on_release(gpointer user_data)
{
    Release *release = user_data;

    mock_host_release_mdev(release->sim->host, release->uuid);
    retry_pending(release->sim);
    g_free(release->uuid);
    g_free(release);
    return G_SOURCE_REMOVE;
}

static gboolean
parse_count(const char *text, guint64 min, guint64 *ret_value)
{
    return g_ascii_string_to_unsigned(text, 10, min, G_MAXUINT, ret_value, NULL);
}

static char *
control(Simulator *sim, char **words, int *ret_errno)
{
    guint n = g_strv_length(words);
    const char *cmd = n > 0 ? words[0] : "";
    int err;

    *ret_errno = 0;
    if (strcmp(cmd, "register") == 0 && n == 2) {
        err = mock_host_register_parent(sim->host, words[1]);
    } else if (strcmp(cmd, "unregister") == 0 && n == 2) {
        err = mock_host_unregister_parent(sim->host, words[1]);
    } else if (strcmp(cmd, "create") == 0 && n == 4) {
        err = mock_host_create_mdev(sim->host, words[1], words[2], words[3]);
    } else if (strcmp(cmd, "remove") == 0 && n == 2) {
        err = mock_host_remove_mdev(sim->host, words[1]);
    } else if (strcmp(cmd, "available") == 0 && n == 3) {
        int available = mock_host_get_available(sim->host, words[1], words[2]);
        if (available >= 0)
            return g_strdup_printf("%d", available);
        err = ENOENT;
    } else if ((strcmp(cmd, "fail") == 0 || strcmp(cmd, "fail-once") == 0) && n == 3) {
        int code = mock_host_errno_from_name(words[2]);
        if (code == 0) {
            *ret_errno = EINVAL;
            return g_strdup_printf("unknown errno '%s' (use a name such as EIO)", words[2]);
        }
        err = mock_host_add_fault(sim->host, words[1], code, strcmp(cmd, "fail-once") == 0);
    } else if (strcmp(cmd, "vanish") == 0 && (n == 2 || n == 3)) {
        guint64 nth = 1;
        if (n == 3 && !parse_count(words[2], 1, &nth)) {
            *ret_errno = EINVAL;
            return g_strdup_printf("invalid write count '%s'", words[2]);
        }
        err = mock_host_vanish_at_write(sim->host, words[1], (guint) nth);
    } else if (strcmp(cmd, "clear") == 0 && n == 1) {
        mock_host_clear_faults(sim->host);
        err = 0;
    } else if (strcmp(cmd, "hold") == 0 && n >= 2 && n <= 5) {
        guint64 seconds = 0;
        if (n >= 3 && !parse_count(words[2], n == 3 ? 1 : 0, &seconds)) {
            *ret_errno = EINVAL;
            return g_strdup_printf("invalid number of seconds '%s'", words[2]);
        }
        err = mock_host_hold_mdev_by(sim->host, words[1], n >= 4 ? words[3] : NULL,
                                     n == 5 ? words[4] : NULL, FALSE);
        if (err == 0 && seconds > 0) {
            Release *release = g_new0(Release, 1);
            release->sim = sim;
            release->uuid = g_strdup(words[1]);
            g_timeout_add_seconds((guint) seconds, on_release, release);
        }
    } else if (strcmp(cmd, "release") == 0 && n == 2) {
        err = mock_host_release_mdev(sim->host, words[1]);
        if (err == 0)
            retry_pending(sim);
    } else if (strcmp(cmd, "sriov") == 0 && n == 3) {
        guint64 vfs;
        if (!g_ascii_string_to_unsigned(words[2], 10, 0, 64, &vfs, NULL)) {
            *ret_errno = EINVAL;
            return g_strdup_printf("invalid number of VFs '%s'", words[2]);
        }
        err = mock_host_set_sriov(sim->host, words[1], (guint) vfs);
    } else if (strcmp(cmd, "vgpu") == 0 && n == 3) {
        err = mock_host_set_vgpu(sim->host, words[1], words[2]);
    } else if (strcmp(cmd, "held") == 0 && n == 2) {
        return g_strdup(mock_host_mdev_is_held(sim->host, words[1]) ? "yes" : "no");
    } else {
        *ret_errno = EINVAL;
        return g_strdup("usage: register PARENT | unregister PARENT | "
                        "create PARENT TYPE UUID | remove UUID | available PARENT TYPE | "
                        "fail GLOB ERRNO | fail-once GLOB ERRNO | vanish PARENT [N] | clear | "
                        "hold UUID [SECONDS [COMMAND [DOMAIN]]] | release UUID | held UUID | "
                        "sriov CARD N | vgpu ADDRESS ID");
    }
    *ret_errno = err;
    return g_strdup(err ? g_strerror(err) : "");
}

/* The reply to @message, or NULL when the writer has to wait: then @conn
 * is kept and answered later. */
static char *
handle_message(Simulator *sim, const char *message, gsize len, int *conn)
{
    const char *path = message + 1;
    gsize path_len;

    if (len < 1)
        return g_strdup("P");
    path_len = strnlen(path, len - 1);
    switch (message[0]) {
    case 'W': {
        gssize result;
        g_autofree char *p = g_strndup(path, path_len);
        const char *data = path + path_len + 1;
        gsize data_len = len > path_len + 2 ? len - path_len - 2 : 0;

        if (!mock_host_handle_write(sim->host, p, data, data_len, &result))
            return g_strdup("P");
        if (result == MOCK_HOST_WRITE_BLOCKS) {
            Pending *pending = g_new0(Pending, 1);
            pending->conn = *conn;
            pending->path = g_steal_pointer(&p);
            pending->data = g_bytes_new(data, data_len);
            g_ptr_array_add(sim->pending, pending);
            *conn = -1;
            return NULL;
        }
        return g_strdup_printf("R%" G_GSSIZE_FORMAT, result);
    }
    case 'D': {
        /* kernfs refuses writes to a file whose node is gone */
        g_autofree char *p = g_strndup(path, path_len);
        const char *root = mock_sysfs_get_root(mock_host_get_sysfs(sim->host));
        if (g_str_has_prefix(p, root) || g_str_has_prefix(p, sim->root))
            return g_strdup_printf("R%d", -ENODEV);
        return g_strdup("P");
    }
    case 'O': {
        g_autofree char *text = g_strndup(path, len - 1);
        guint64 group;

        if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT, &group, NULL))
            return g_strdup_printf("R%d", -ENOENT);
        return g_strdup_printf("R%d", -mock_host_open_vfio_group(sim->host, (int) group));
    }
    case 'C': {
        g_autoptr(GPtrArray) words = g_ptr_array_new();
        g_autofree char *text = NULL;
        const char *p = message + 1;
        int err;

        while (p < message + len) {
            gsize l = strnlen(p, (gsize) (message + len - p));
            g_ptr_array_add(words, g_strndup(p, l));
            p += l + 1;
        }
        g_ptr_array_add(words, NULL);
        text = control(sim, (char **) words->pdata, &err);
        g_strfreev((char **) g_ptr_array_free(g_steal_pointer(&words), FALSE));
        return g_strdup_printf("E%d %s", err, text);
    }
    default:
        return g_strdup("P");
    }
}

static gboolean
on_connection(int fd, GIOCondition condition, gpointer user_data)
{
    Simulator *sim = user_data;
    g_autofree char *message = g_malloc(MDEVSIM_MESSAGE_MAX);
    g_autofree char *reply = NULL;
    struct pollfd pfd;
    ssize_t n;
    int conn;

    conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return G_SOURCE_CONTINUE;
    /* the writer sends right after connecting; a stuck one must not stall the host */
    pfd.fd = conn;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 10000) <= 0) {
        close(conn);
        return G_SOURCE_CONTINUE;
    }
    n = recv(conn, message, MDEVSIM_MESSAGE_MAX, 0);
    if (n > 0) {
        reply = handle_message(sim, message, (gsize) n, &conn);
        if (reply)
            answer(conn, reply);
    }
    if (conn >= 0)
        close(conn);
    return G_SOURCE_CONTINUE;
}

static void
on_child_exit(GPid pid, int status, gpointer user_data)
{
    Simulator *sim = user_data;

    sim->status = status;
    sim->exited = TRUE;
    g_spawn_close_pid(pid);
    g_main_loop_quit(sim->loop);
}

static gboolean
on_signal(gpointer user_data)
{
    Simulator *sim = user_data;

    if (!sim->exited)
        kill(sim->child, SIGTERM);
    return G_SOURCE_CONTINUE;
}

static int
listen_socket(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                    "socket path '%s' is too long", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0 || listen(fd, 128) < 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "cannot listen on '%s': %s",
                    path, g_strerror(err));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Our library first: umockdev's preload does not pass write() on to the
 * libraries after it. Any other preloads the caller had stay. */
static char *
compose_preload(const char *ours)
{
    const char *current = g_getenv("LD_PRELOAD");
    g_autoptr(GString) value = g_string_new(ours);
    g_auto(GStrv) entries = g_strsplit_set(current ? current : "", ": ", -1);

    g_string_append(value, ":libumockdev-preload.so.0");
    for (guint i = 0; entries[i]; i++) {
        if (*entries[i] == '\0' || strstr(entries[i], "libumockdev-preload") ||
            strcmp(entries[i], ours) == 0)
            continue;
        g_string_append_printf(value, ":%s", entries[i]);
    }
    return g_string_free(g_steal_pointer(&value), FALSE);
}

static char *
find_host(const char *name)
{
    g_autofree char *example = NULL;

    if (g_file_test(name, G_FILE_TEST_EXISTS) || strchr(name, '/'))
        return g_strdup(name);
    example = g_build_filename(MOCK_HOST_EXAMPLES_DIR, name, NULL);
    if (g_file_test(example, G_FILE_TEST_EXISTS))
        return g_steal_pointer(&example);
    return g_strdup(name);
}

static const char summary[] =
    "Runs COMMAND on a simulated mdev host: HOST (a JSON file, or the name of\n"
    "one in examples/hosts/) becomes a umockdev testbed seen as /sys, and\n"
    "writes to `create` and `remove` files behave as on the kernel.\n"
    "\n"
    "COMMAND gets UMOCKDEV_DIR, LD_PRELOAD (mdevsim's library and umockdev's),\n"
    "MDEVSIM_SOCKET, MDEVSIM_ROOT, MDEVSIM_CTL, MDEVTOOL_CONF_DIR (holding the host's\n"
    "definitions), MDEVTOOL_STATE_DIR (a scratch directory), MDEVTOOL_VGPU_DIR\n"
    "(unless set: a scratch directory), and\n"
    "MDEVTOOL_PROC_DIR and MDEVTOOL_UDEV_RULES_DIRS (the host's \"system\").\n"
    "\n"
    "An open() of /dev/vfio/GROUP succeeds (on /dev/null) unless the group\n"
    "does not exist or is held.\n"
    "\n"
    "Writes are seen when made with write(), writev() or pwrite() (dash, dd,\n"
    "Python, Rust, C) or through a stdio stream that is flushed or closed\n"
    "(bash's echo, coreutils' printf); one write is one sysfs store.\n"
    "\n"
    "Control commands, sent with $MDEVSIM_CTL (tests/mdevsim-ctl) from inside:\n"
    "  register PARENT            the parent registers (types appear, change\n"
    "                             uevent with MDEV_STATE=registered)\n"
    "  unregister PARENT          its mdevs go, then the types, then the\n"
    "                             MDEV_STATE=unregistered event\n"
    "  create PARENT TYPE UUID    an mdev appears as if written to create\n"
    "  remove UUID                the mdev goes as if 1 was written to remove\n"
    "  available PARENT TYPE      prints available_instances\n"
    "\n"
    "Faults (every write to a file of the testbed reaches mdevsim):\n"
    "  fail GLOB ERRNO            every write to a file whose /sys path\n"
    "                             matches GLOB fails with ERRNO (a name such\n"
    "                             as EIO); GLOB's * also matches '/', e.g.\n"
    "                             '*/mtty-2/create', '*/UUID/remove',\n"
    "                             '*/UUID/assign_domain'\n"
    "  fail-once GLOB ERRNO       the same for the next such write only\n"
    "  vanish PARENT [N]          PARENT unregisters when the Nth write from\n"
    "                             now (default 1) arrives, before it is\n"
    "                             handled: a write to a file that went with\n"
    "                             it fails with ENODEV\n"
    "  clear                      drops every fail and vanish\n"
    "  hold UUID [SECONDS [COMMAND [DOMAIN]]]\n"
    "                             a VFIO user holds the mdev open: opening\n"
    "                             its /dev/vfio/GROUP fails with EBUSY, and\n"
    "                             writing 1 to its remove blocks (as the\n"
    "                             kernel waits for the user) until release,\n"
    "                             or until SECONDS (0: never) have passed;\n"
    "                             with COMMAND the holder shows in the\n"
    "                             host's /proc as a process running COMMAND\n"
    "                             (as QEMU of domain DOMAIN: -name guest=)\n"
    "                             with the group's node open\n"
    "  release UUID               the user lets go; a waiting remove goes on\n"
    "  held UUID                  prints yes or no\n"
    "\n"
    "NVIDIA cards (\"nvidia_cards\": VFs bound to the GPU driver; a vGPU is a\n"
    "type id written to the VF's nvidia/current_vgpu_type, answered with the\n"
    "errnos of the card's driver profile, proprietary or upstream):\n"
    "  hold ADDRESS [SECONDS [COMMAND [DOMAIN]]]\n"
    "                             a VM opens the VF (it needs a vGPU): it\n"
    "                             shows in the host's /proc as a process\n"
    "                             running COMMAND (default\n"
    "                             " MOCK_HOST_VF_HOLDER ", of domain DOMAIN)\n"
    "                             with the VF's group open; the group is\n"
    "                             busy and writes of 0 fail with EBUSY\n"
    "  release ADDRESS            the VM closes it; the next not_ready_writes\n"
    "                             writes of 0 still fail with EBUSY\n"
    "  held ADDRESS               prints yes or no\n"
    "  sriov CARD N               SR-IOV set to N VFs (0: the VFs and their\n"
    "                             vGPUs go)\n"
    "  vgpu ADDRESS ID            ID written to the VF's current_vgpu_type\n"
    "  vanish CARD [N]            SR-IOV goes off at the Nth write from now\n"
    "\n"
    "Exit status: COMMAND's, 128+N when it died of signal N, 2 on a usage\n"
    "error, 125 when the host cannot be set up.";

/* umockdev sends uevents through libudev, which only sees the testbed
 * from inside the preload: without it every event is lost with "No such
 * device". Run ourselves under it when started plainly. */
static void
reexec_under_umockdev(char **argv)
{
    const char *current = g_getenv("LD_PRELOAD");
    g_autofree char *value = NULL;

    /* umockdev_in_mock_environment() also wants UMOCKDEV_DIR, which is
     * only set once the testbed exists */
    if (current && strstr(current, "libumockdev-preload"))
        return;
    value = current && *current ? g_strdup_printf("libumockdev-preload.so.0:%s", current)
                                : g_strdup("libumockdev-preload.so.0");
    g_setenv("LD_PRELOAD", value, TRUE);
    execv("/proc/self/exe", argv);
    g_printerr("mdevsim: cannot run under the umockdev preload: %s\n", g_strerror(errno));
    exit(125);
}

int
main(int argc, char **argv)
{
    g_autofree char *host_arg = NULL;
    g_autofree char *conf_arg = NULL;
    const GOptionEntry entries[] = {
        { "host", 0, 0, G_OPTION_ARG_FILENAME, &host_arg, "Host description", "HOST" },
        { "conf-dir", 0, 0, G_OPTION_ARG_FILENAME, &conf_arg,
          "Definition store to use (default: a new scratch directory)", "DIR" },
        { NULL },
    };
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(MockSysfs) sysfs = NULL;
    g_autoptr(MockHost) host = NULL;
    g_autofree char *host_path = NULL;
    g_autofree char *conf_dir = NULL;
    g_autofree char *state_dir = NULL;
    g_autofree char *socket_path = NULL;
    g_autofree char *preload = NULL;
    g_autofree char *ld_preload = NULL;
    g_autofree char *root = NULL;
    g_auto(GStrv) envp = NULL;
    g_autoptr(GMainLoop) loop = NULL;
    char **command;
    int option_argc = argc;
    Simulator sim = { 0 };
    const char *ctl;
    int listen_fd;
    int code;

    reexec_under_umockdev(argv);
    setlocale(LC_ALL, "");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            option_argc = i;
            break;
        }
    }
    command = option_argc < argc ? argv + option_argc + 1 : NULL;
    argv[option_argc < argc ? option_argc : argc] = NULL;
    argc = option_argc;

    context = g_option_context_new("--host HOST -- COMMAND [ARGS...]");
    g_option_context_set_summary(context, summary);
    g_option_context_add_main_entries(context, entries, NULL);
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        g_printerr("mdevsim: %s\n", error->message);
        return EXIT_USAGE;
    }
    if (argc > 1 || host_arg == NULL || command == NULL || command[0] == NULL) {
        g_printerr("mdevsim: usage: mdevsim --host HOST [--conf-dir DIR] -- COMMAND [ARGS...]\n");
        return EXIT_USAGE;
    }

    preload = g_strdup(g_getenv("MDEVSIM_PRELOAD") ? g_getenv("MDEVSIM_PRELOAD")
                                                   : MDEVSIM_PRELOAD_PATH);
    if (!g_file_test(preload, G_FILE_TEST_EXISTS)) {
        g_printerr("mdevsim: preload library '%s' not found (set MDEVSIM_PRELOAD)\n", preload);
        return EXIT_SETUP;
    }

    sysfs = mock_sysfs_new();
    host_path = find_host(host_arg);
    host = mock_host_new_from_file(sysfs, host_path, &error);
    if (host == NULL) {
        g_printerr("mdevsim: %s\n", error->message);
        return EXIT_SETUP;
    }
    if (conf_arg && g_mkdir_with_parents(conf_arg, 0755) < 0) {
        g_printerr("mdevsim: cannot create '%s': %s\n", conf_arg, g_strerror(errno));
        return EXIT_SETUP;
    }
    conf_dir = conf_arg ? g_strdup(conf_arg) : g_dir_make_tmp("mdevsim-conf-XXXXXX", &error);
    state_dir = conf_dir ? g_dir_make_tmp("mdevsim-state-XXXXXX", &error) : NULL;
    if (state_dir == NULL || !mock_host_write_definitions(host, conf_dir, &error)) {
        g_printerr("mdevsim: %s\n", error->message);
        code = EXIT_SETUP;
        goto out;
    }
    socket_path = g_build_filename(mock_sysfs_get_root(sysfs), "mdevsim.sock", NULL);
    listen_fd = listen_socket(socket_path, &error);
    if (listen_fd < 0) {
        g_printerr("mdevsim: %s\n", error->message);
        code = EXIT_SETUP;
        goto out;
    }

    /* as /proc/self/fd shows the testbed's files */
    root = realpath(mock_sysfs_get_root(sysfs), NULL);
    if (root == NULL) {
        g_printerr("mdevsim: cannot resolve '%s': %s\n", mock_sysfs_get_root(sysfs),
                   g_strerror(errno));
        close(listen_fd);
        code = EXIT_SETUP;
        goto out;
    }
    ld_preload = compose_preload(preload);
    ctl = g_getenv("MDEVSIM_CTL") ? g_getenv("MDEVSIM_CTL") : MDEVSIM_CTL_PATH;
    envp = g_get_environ();
    envp = g_environ_setenv(envp, "UMOCKDEV_DIR", mock_sysfs_get_root(sysfs), TRUE);
    envp = g_environ_setenv(envp, "LD_PRELOAD", ld_preload, TRUE);
    envp = g_environ_setenv(envp, MDEVSIM_SOCKET_ENV, socket_path, TRUE);
    envp = g_environ_setenv(envp, MDEVSIM_ROOT_ENV, root, TRUE);
    envp = g_environ_setenv(envp, "MDEVSIM_CTL", ctl, TRUE);
    envp = g_environ_setenv(envp, "MDEVTOOL_CONF_DIR", conf_dir, TRUE);
    envp = g_environ_setenv(envp, "MDEVTOOL_STATE_DIR", state_dir, TRUE);
    /* the caller's store of VF vGPU definitions, if it names one, outlives
     * the simulated host like --conf-dir; else a scratch one goes with it */
    if (g_environ_getenv(envp, "MDEVTOOL_VGPU_DIR") == NULL) {
        g_autofree char *vgpu_dir = g_build_filename(state_dir, "vgpu.d", NULL);
        envp = g_environ_setenv(envp, "MDEVTOOL_VGPU_DIR", vgpu_dir, TRUE);
    }
    envp = g_environ_setenv(envp, "MDEVTOOL_PROC_DIR", mock_host_get_proc_dir(host), TRUE);
    envp = g_environ_setenv(envp, "MDEVTOOL_UDEV_RULES_DIRS",
                            mock_host_get_udev_rules_dir(host), TRUE);

    if (!g_spawn_async(NULL, command, envp,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
                           G_SPAWN_CHILD_INHERITS_STDIN,
                       NULL, NULL, &sim.child, &error)) {
        g_printerr("mdevsim: cannot run '%s': %s\n", command[0], error->message);
        close(listen_fd);
        code = 127;
        goto out;
    }

    loop = g_main_loop_new(NULL, FALSE);
    sim.host = host;
    sim.loop = loop;
    sim.pending = g_ptr_array_new_with_free_func((GDestroyNotify) pending_free);
    sim.root = root;
    g_unix_fd_add(listen_fd, G_IO_IN, on_connection, &sim);
    g_child_watch_add(sim.child, on_child_exit, &sim);
    g_unix_signal_add(SIGINT, on_signal, &sim);
    g_unix_signal_add(SIGTERM, on_signal, &sim);
    g_unix_signal_add(SIGHUP, on_signal, &sim);
    g_main_loop_run(loop);
    close(listen_fd);
    g_ptr_array_unref(sim.pending);

    if (WIFEXITED(sim.status))
        code = WEXITSTATUS(sim.status);
    else if (WIFSIGNALED(sim.status))
        code = 128 + WTERMSIG(sim.status);
    else
        code = 1;

out:
    if (socket_path)
        g_unlink(socket_path);
    if (conf_dir && conf_arg == NULL)
        test_remove_tree(conf_dir);
    if (state_dir)
        test_remove_tree(state_dir);
    g_clear_pointer(&host, mock_host_free);
    g_clear_pointer(&sysfs, mock_sysfs_free);
    return code;
}
