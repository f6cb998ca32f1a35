/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "mdev-use.h"

#include "mdev-error.h"
#include "mdev-util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#define VFIO_NODE_PREFIX "/dev/vfio/"
#define VFIO_CONTAINER "/dev/vfio/vfio"
#define CMDLINE_MAX (64 * 1024)

struct _MdevUse {
    /* node -> GPtrArray of MdevHolder */
    GHashTable *nodes;
    /* every process's fd directory could be read */
    gboolean complete;
    /* holders of VFIO device nodes were seen: only then is it worth
     * reading a device's vfio-dev directory */
    gboolean cdevs;
    /* with a scan for given devices: their group nodes not yet seen held
     * by a domain's process; the scan stops when none is left */
    GHashTable *wanted;
};

void
mdev_holder_free(MdevHolder *holder)
{
    if (holder == NULL)
        return;
    g_free(holder->command);
    g_free(holder->domain);
    g_free(holder->node);
    g_free(holder);
}

static MdevHolder *
holder_copy(const MdevHolder *holder)
{
    MdevHolder *copy = g_new0(MdevHolder, 1);

    copy->pid = holder->pid;
    copy->command = g_strdup(holder->command);
    copy->domain = g_strdup(holder->domain);
    copy->node = g_strdup(holder->node);
    return copy;
}

/**
 * mdev_holder_describe:
 * @holder: a holder
 *
 * Returns: (transfer full): the holder in words, for messages: its pid,
 *   command and, when known, domain
 */
char *
mdev_holder_describe(const MdevHolder *holder)
{
    const char *command = holder->command ? holder->command : "?";

    if (holder->domain)
        return g_strdup_printf(_("process %1$d ('%2$s') of domain '%3$s'"), holder->pid, command,
                               holder->domain);
    return g_strdup_printf(_("process %1$d ('%2$s')"), holder->pid, command);
}

/* The domain's name in QEMU's "-name" value, QemuOpts syntax: a comma
 * separates options and ",," stands for a comma; the first option may
 * omit its key, "guest". */
static char *
name_option_guest(const char *value)
{
    const char *p = value;
    gboolean first = TRUE;

    while (*p) {
        g_autoptr(GString) opt = g_string_new(NULL);
        const char *eq;

        for (; *p; p++) {
            if (*p == ',') {
                if (p[1] != ',')
                    break;
                p++;
            }
            g_string_append_c(opt, *p);
        }
        if (*p == ',')
            p++;
        eq = strchr(opt->str, '=');
        if (eq == NULL && first)
            return g_string_free(g_steal_pointer(&opt), FALSE);
        if (eq && eq - opt->str == 5 && strncmp(opt->str, "guest", 5) == 0)
            return g_strdup(eq + 1);
        first = FALSE;
    }
    return NULL;
}

/**
 * mdev_use_parse_domain:
 * @cmdline: a process's command line as `/proc/PID/cmdline` holds it,
 *   arguments separated by NUL bytes
 * @length: its length in bytes
 *
 * libvirt starts QEMU with `-name guest=NAME,...`; that name is the
 * domain's. Other programs' arguments are not looked at.
 *
 * Returns: (transfer full) (nullable): the domain's name, or %NULL when
 *   the command is not QEMU or names no guest
 */
char *
mdev_use_parse_domain(const char *cmdline, gsize length)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *copy = NULL;
    g_autofree char *base = NULL;
    gsize start = 0;

    if (cmdline == NULL || length == 0)
        return NULL;
    copy = g_malloc(length + 1);
    memcpy(copy, cmdline, length);
    copy[length] = '\0';
    for (gsize i = 0; i <= length; i++) {
        if (copy[i] == '\0') {
            g_ptr_array_add(argv, copy + start);
            start = i + 1;
        }
    }
    base = g_path_get_basename(g_ptr_array_index(argv, 0));
    if (!g_str_has_prefix(base, "qemu"))
        return NULL;
    for (guint i = 1; i + 1 < argv->len; i++) {
        const char *arg = g_ptr_array_index(argv, i);
        char *name;

        if (strcmp(arg, "-name") != 0 && strcmp(arg, "--name") != 0)
            continue;
        name = name_option_guest(g_ptr_array_index(argv, i + 1));
        if (name && *name && g_utf8_validate(name, -1, NULL))
            return name;
        g_free(name);
        return NULL;
    }
    return NULL;
}

static char *
read_proc_text(const char *proc, const char *pid, const char *file, gsize *ret_length)
{
    g_autofree char *path = g_build_filename(proc, pid, file, NULL);
    g_autofree char *text = NULL;
    gsize length = 0;

    if (!g_file_get_contents(path, &text, &length, NULL))
        return NULL;
    if (length > CMDLINE_MAX)
        length = CMDLINE_MAX;
    if (ret_length)
        *ret_length = length;
    return g_steal_pointer(&text);
}

static int
parent_pid(const char *proc, int pid)
{
    g_autofree char *name = g_strdup_printf("%d", pid);
    g_autofree char *status = read_proc_text(proc, name, "status", NULL);
    const char *line;

    if (status == NULL)
        return 0;
    line = strstr(status, "\nPPid:");
    if (line == NULL)
        return 0;
    return (int) g_ascii_strtoll(line + 6, NULL, 10);
}

/* This process and its ancestors are not holders: whoever runs mdevtool
 * (libvirtd for nodedev-destroy, a hook, a script) may have the node open
 * itself, and cannot be waiting for itself to let go. */
static GHashTable *
own_lineage(const char *proc)
{
    GHashTable *pids = g_hash_table_new(NULL, NULL);
    int pid = getpid();

    for (guint depth = 0; pid > 1 && depth < 64; depth++) {
        if (g_hash_table_contains(pids, GINT_TO_POINTER(pid)))
            break;
        g_hash_table_add(pids, GINT_TO_POINTER(pid));
        pid = parent_pid(proc, pid);
    }
    return pids;
}

static MdevHolder *
new_holder(const char *proc, const char *pid, const char *node)
{
    g_autoptr(MdevHolder) holder = g_new0(MdevHolder, 1);
    g_autofree char *comm = read_proc_text(proc, pid, "comm", NULL);
    g_autofree char *cmdline = NULL;
    gsize length = 0;

    holder->pid = (int) g_ascii_strtoll(pid, NULL, 10);
    if (comm) {
        g_strchomp(comm);
        if (*comm && g_utf8_validate(comm, -1, NULL))
            holder->command = g_steal_pointer(&comm);
    }
    cmdline = read_proc_text(proc, pid, "cmdline", &length);
    holder->domain = mdev_use_parse_domain(cmdline, length);
    holder->node = g_strdup(node);
    return g_steal_pointer(&holder);
}

static void
add_holder(MdevUse *use, const char *proc, const char *pid, const char *target)
{
    GPtrArray *holders = g_hash_table_lookup(use->nodes, target);
    MdevHolder *holder = new_holder(proc, pid, target);

    if (holders == NULL) {
        holders = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_holder_free);
        g_hash_table_insert(use->nodes, g_strdup(target), holders);
    }
    g_ptr_array_add(holders, holder);
    if (g_str_has_prefix(target, VFIO_NODE_PREFIX "devices/"))
        use->cdevs = TRUE;
    if (use->wanted && holder->domain)
        g_hash_table_remove(use->wanted, target);
}

/* One openat() of the fd directory and one readlinkat() per descriptor:
 * a host runs hundreds of processes with thousands of descriptors. */
static void
scan_process(MdevUse *use, int proc_fd, const char *proc, const char *pid)
{
    g_autofree char *fddir = g_build_filename(pid, "fd", NULL);
    g_autoptr(GHashTable) seen = NULL;
    struct dirent *entry;
    DIR *dir = NULL;
    int fd;

    fd = openat(proc_fd, fddir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0)
        dir = fdopendir(fd);
    if (dir == NULL) {
        /* gone meanwhile is fine; another user's, unreadable without
         * privileges, leaves its use unknown */
        if (errno != ENOENT && errno != ESRCH)
            use->complete = FALSE;
        if (fd >= 0)
            close(fd);
        return;
    }
    seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    while ((entry = readdir(dir))) {
        char target[PATH_MAX];
        ssize_t length;

        if (entry->d_name[0] == '.')
            continue;
        length = readlinkat(dirfd(dir), entry->d_name, target, sizeof(target) - 1);
        if (length <= 0)
            continue;
        target[length] = '\0';
        if (!g_str_has_prefix(target, VFIO_NODE_PREFIX) || strcmp(target, VFIO_CONTAINER) == 0 ||
            g_hash_table_contains(seen, target))
            continue;
        add_holder(use, proc, pid, target);
        g_hash_table_add(seen, g_strdup(target));
    }
    closedir(dir);
}

static MdevUse *
scan(MdevContext *ctx, GHashTable *wanted, GError **error)
{
    const char *proc = mdev_context_get_proc_dir(ctx);
    g_autoptr(MdevUse) use = g_new0(MdevUse, 1);
    g_autoptr(GHashTable) lineage = NULL;
    struct dirent *entry;
    DIR *dir;
    int saved;

    use->complete = TRUE;
    use->nodes =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
    use->wanted = wanted ? g_hash_table_ref(wanted) : NULL;
    if (wanted && g_hash_table_size(wanted) == 0)
        return g_steal_pointer(&use);
    dir = opendir(proc);
    if (dir == NULL) {
        saved = errno;
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                    _("cannot read the processes in '%1$s': %2$s"), proc, g_strerror(saved));
        return NULL;
    }
    lineage = own_lineage(proc);
    while ((entry = readdir(dir))) {
        const char *name = entry->d_name;

        if (strspn(name, "0123456789") != strlen(name) ||
            g_hash_table_contains(lineage, GINT_TO_POINTER((int) g_ascii_strtoll(name, NULL, 10))))
            continue;
        scan_process(use, dirfd(dir), proc, name);
        if (wanted && g_hash_table_size(wanted) == 0)
            break;
    }
    closedir(dir);
    return g_steal_pointer(&use);
}

/**
 * mdev_use_scan:
 * @ctx: a context; its proc directory is read
 * @error: return location for a #GError
 *
 * Reads which processes hold VFIO group or device nodes open, as the
 * `fd` links of every process in the context's proc directory show. The
 * calling process and its ancestors are left out. Processes whose `fd`
 * directory cannot be read (another user's, without privileges) are not
 * seen.
 *
 * Returns: (transfer full): the nodes in use, or %NULL when the proc
 *   directory cannot be read
 */
MdevUse *
mdev_use_scan(MdevContext *ctx, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    return scan(ctx, NULL, error);
}

/**
 * mdev_use_scan_devices:
 * @ctx: a context; its proc directory is read
 * @devices: (element-type MdevDevice): the mdevs asked about
 * @error: return location for a #GError
 *
 * mdev_use_scan() for the holders of @devices only: `/proc` is not read
 * when none of them is active with an IOMMU group (no process can hold
 * such a device), and the scan stops once a domain's process has been
 * seen holding each one's group. The processes of the proc directory are
 * listed in the order of their pids, so what is found for a device
 * includes its holder with the lowest pid that belongs to a domain.
 *
 * Returns: (transfer full): the nodes in use, or %NULL when the proc
 *   directory cannot be read
 */
MdevUse *
mdev_use_scan_devices(MdevContext *ctx, GPtrArray *devices, GError **error)
{
    g_autoptr(GHashTable) wanted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    for (guint i = 0; i < devices->len; i++) {
        const MdevDevice *device = g_ptr_array_index(devices, i);

        char group[MDEV_UTIL_INT_TEXT_SIZE];

        if (device->active && device->iommu_group >= 0)
            g_hash_table_add(wanted, g_strconcat(VFIO_NODE_PREFIX,
                                                 mdev_util_int_text(device->iommu_group, group),
                                                 NULL));
    }
    return scan(ctx, wanted, error);
}

void
mdev_use_free(MdevUse *use)
{
    if (use == NULL)
        return;
    g_clear_pointer(&use->nodes, g_hash_table_unref);
    g_clear_pointer(&use->wanted, g_hash_table_unref);
    g_free(use);
}

/**
 * mdev_use_is_complete:
 * @use: a scan
 *
 * Returns: whether every process could be looked at; when not (another
 *   user's processes, without privileges), a device without holders may
 *   still be in use
 */
gboolean
mdev_use_is_complete(MdevUse *use)
{
    g_return_val_if_fail(use != NULL, FALSE);
    return use->complete;
}

/* The nodes through which a process reaches the device: its IOMMU group's
 * and, on kernels with VFIO device files, its own vfio-dev node. */
static GPtrArray *
device_nodes(MdevUse *use, const MdevDevice *device)
{
    GPtrArray *nodes = g_ptr_array_new_with_free_func(g_free);

    if (device->iommu_group >= 0)
        g_ptr_array_add(nodes, g_strdup_printf(VFIO_NODE_PREFIX "%d", device->iommu_group));
    if (device->syspath && use->cdevs) {
        g_autofree char *path = g_build_filename(device->syspath, "vfio-dev", NULL);
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
            if (g_str_has_prefix(name, "vfio") && name[4] &&
                strspn(name + 4, "0123456789") == strlen(name + 4))
                g_ptr_array_add(nodes, g_strdup_printf(VFIO_NODE_PREFIX "devices/%s", name));
        }
    }
    return nodes;
}

static int
holder_compare(gconstpointer a, gconstpointer b)
{
    const MdevHolder *x = *(MdevHolder *const *) a;
    const MdevHolder *y = *(MdevHolder *const *) b;

    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    return g_strcmp0(x->node, y->node);
}

/**
 * mdev_use_dup_holders:
 * @use: a scan
 * @device: an mdev; an inactive one has no holders
 *
 * Returns: (transfer full) (element-type MdevHolder): the processes that
 *   hold @device, ordered by pid; empty when none does
 */
GPtrArray *
mdev_use_dup_holders(MdevUse *use, const MdevDevice *device)
{
    g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_holder_free);
    g_autoptr(GPtrArray) nodes = NULL;

    g_return_val_if_fail(use != NULL && device != NULL, NULL);

    if (!device->active || g_hash_table_size(use->nodes) == 0)
        return g_steal_pointer(&result);
    nodes = device_nodes(use, device);
    for (guint i = 0; i < nodes->len; i++) {
        GPtrArray *holders = g_hash_table_lookup(use->nodes, g_ptr_array_index(nodes, i));

        for (guint j = 0; holders && j < holders->len; j++)
            g_ptr_array_add(result, holder_copy(g_ptr_array_index(holders, j)));
    }
    g_ptr_array_sort(result, holder_compare);
    return g_steal_pointer(&result);
}

/**
 * mdev_use_find_holders:
 * @ctx: a context
 * @device: an mdev
 * @error: return location for a #GError
 *
 * mdev_use_scan() and mdev_use_dup_holders() in one.
 *
 * Returns: (transfer full) (element-type MdevHolder): the holders, or
 *   %NULL when the proc directory cannot be read
 */
GPtrArray *
mdev_use_find_holders(MdevContext *ctx, const MdevDevice *device, GError **error)
{
    g_autoptr(MdevUse) use = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    use = mdev_use_scan(ctx, error);
    if (use == NULL)
        return NULL;
    return mdev_use_dup_holders(use, device);
}

/**
 * mdev_use_check_idle:
 * @ctx: a context
 * @device: an mdev, or an NVIDIA VF vGPU (its address, IOMMU group and
 *   syspath set)
 * @error: return location for a #GError
 *
 * Removing an mdev that a process holds does not fail in the kernel: the
 * remove waits, without a time limit, until the holder lets go.
 *
 * Returns: %TRUE when no process holds @device; %FALSE with
 *   %MDEV_ERROR_BUSY naming the first holder otherwise
 */
gboolean
mdev_use_check_idle(MdevContext *ctx, const MdevDevice *device, GError **error)
{
    g_autoptr(GPtrArray) holders = NULL;
    g_autofree char *who = NULL;
    const MdevHolder *first;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    holders = mdev_use_find_holders(ctx, device, error);
    if (holders == NULL)
        return FALSE;
    if (holders->len == 0)
        return TRUE;
    first = g_ptr_array_index(holders, 0);
    who = mdev_holder_describe(first);
    if (device->uuid == NULL && device->address)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                    _("VF '%1$s' of card '%2$s' is in use by %3$s, which holds '%4$s' open"),
                    device->address, device->parent, who, first->node);
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                    _("mdev '%1$s' on parent '%2$s' is in use by %3$s, which holds '%4$s' open"),
                    device->uuid, device->parent, who, first->node);
    return FALSE;
}
