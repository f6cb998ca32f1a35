/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Discovery benchmark: builds fake NVIDIA SR-IOV hosts (P VFs as parents,
 * T types each, M active mdevs, D definitions) as umockdev testbeds and
 * times mdevtool, Debian's mdevctl and the floor reader (bench/floor.c) on
 * the same tree, under the same preload, alternating, in one run.
 *
 * Usage: mdev-bench [--runs N] [--plain-sys] [--exec SHELL_COMMAND] PxTxM|CxVvf...
 *
 * CxVvf is a host of NVIDIA's vendor-specific VFIO model instead: C cards
 * with V VFs each bound to nvidia, every other card running a vGPU type on
 * half its VFs; types and list are measured against the floor's vf-types
 * and vf-list.
 *
 * --plain-sys measures without the preload: the testbed's sys directory is
 * bind-mounted over /sys in the benchmark's private mount namespace, and the
 * tools read it as plain files (the inventory commands need no libudev).
 * That shows the ratios without the preload's cost per path lookup, which
 * adds the same absolute time to every tool and so compresses the ratios.
 * Environment: MDEVTOOL, MDEVCTL (default /usr/bin/mdevctl), FLOOR (the
 * binaries), LD_PRELOAD must hold libumockdev-preload.so.0.
 *
 * mdevctl 1.2.0 reads definitions from /etc/mdevctl.d only. The benchmark
 * therefore runs in a private mount namespace with the generated definition
 * directory bind-mounted there; when that is not possible (not root),
 * mdevctl's --defined figures are left out and the report says so. */
#include "mock-sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VFS_PER_PF 32

typedef struct {
    guint parents;
    guint types;
    guint mdevs;
    guint definitions;
    guint cards; /* an NVIDIA VF host (CxVvf): cards, each with @parents VFs */
} HostSize;

typedef enum { TOOL_MDEVTOOL, TOOL_MDEVCTL, TOOL_FLOOR, TOOL_LAST } Tool;


typedef struct {
    const char *name;
    const char *argv[TOOL_LAST][8];
    gboolean reads_conf; /* mdevctl's figures need the private mount */
} Query;

typedef struct {
    double median_ms;
    double median_cpu_ms;
    long maxrss_kb;
    long syscalls;
    long lines;
    int status;
} Result;

static const char *conf_dir;
static gboolean mdevctl_sees_conf;

static char *
vf_address(guint index)
{
    guint pf = index / VFS_PER_PF;
    guint vf = index % VFS_PER_PF + 4; /* sriov_offset 4, as on an A40 */

    return g_strdup_printf("0000:%02x:%02x.%u", 0x41 + pf, vf / 8, vf % 8);
}

static char *
uuid_for(guint kind, guint index)
{
    return g_strdup_printf("%08x-%04x-4%03x-8%03x-%012x", 0x5e000000u + kind, index >> 16,
                           index & 0xfff, kind, index);
}

static void
write_definition(const char *parent, const char *uuid, const char *type, gboolean autostart,
                 gboolean with_attr)
{
    g_autofree char *dir = g_build_filename(conf_dir, parent, NULL);
    g_autofree char *path = g_build_filename(dir, uuid, NULL);
    g_autofree char *text = NULL;

    g_mkdir_with_parents(dir, 0755);
    if (with_attr)
        text = g_strdup_printf("{\n  \"mdev_type\": \"%s\",\n  \"start\": \"%s\",\n"
                               "  \"attrs\": [\n    {\n      \"vgpu_params\": \"frame_rate_limiter=0\"\n"
                               "    }\n  ]\n}",
                               type, autostart ? "auto" : "manual");
    else
        text = g_strdup_printf("{\n  \"mdev_type\": \"%s\",\n  \"start\": \"%s\",\n"
                               "  \"attrs\": []\n}",
                               type, autostart ? "auto" : "manual");
    if (!g_file_set_contents(path, text, -1, NULL))
        g_error("cannot write %s", path);
}

static void
clear_definitions(void)
{
    g_autoptr(GDir) dir = g_dir_open(conf_dir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *sub = g_build_filename(conf_dir, name, NULL);
        g_autoptr(GDir) d = NULL;
        const char *file;

        if (strcmp(name, "scripts.d") == 0)
            continue;
        d = g_dir_open(sub, 0, NULL);
        while (d && (file = g_dir_read_name(d))) {
            g_autofree char *path = g_build_filename(sub, file, NULL);
            g_unlink(path);
        }
        g_rmdir(sub);
    }
}

static MockSysfs *
build_host(const HostSize *size)
{
    MockSysfs *sysfs = mock_sysfs_new();
    g_autoptr(GPtrArray) type_ids = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) vfs = g_ptr_array_new_with_free_func(g_free);
    guint pfs = (size->parents + VFS_PER_PF - 1) / VFS_PER_PF;

    for (guint t = 0; t < size->types; t++)
        g_ptr_array_add(type_ids, g_strdup_printf("nvidia-%u", 550 + t));
    for (guint p = 0; p < pfs; p++) {
        g_autofree char *pf = g_strdup_printf("0000:%02x:00.0", 0x41 + p);
        const MockPciInfo info = { "0x10de", "0x2235", "0x030200", "nvidia", NULL, 40 + (int) p,
                                   (int) (p / 4) };
        mock_sysfs_add_pci_parent(sysfs, pf, &info);
    }
    for (guint v = 0; v < size->parents; v++) {
        char *vf = vf_address(v);
        g_autofree char *pf = g_strdup_printf("0000:%02x:00.0", 0x41 + v / VFS_PER_PF);
        const MockPciInfo info = { "0x10de", "0x2236", "0x030200", "nvidia", pf, 200 + (int) v,
                                   (int) (v / VFS_PER_PF / 4) };

        mock_sysfs_add_pci_parent(sysfs, vf, &info);
        mock_sysfs_register_parent(sysfs, vf, FALSE);
        for (guint t = 0; t < size->types; t++) {
            g_autofree char *name = g_strdup_printf("NVIDIA A40-%uQ", 1u << (t % 6));
            g_autofree char *desc = g_strdup_printf(
                "num_heads=4, frl_config=60, framebuffer=%uM, max_resolution=7680x4320, "
                "max_instance=%u", 1024u << (t % 6), 48u >> (t % 6));
            const MockTypeInfo type = { g_ptr_array_index(type_ids, t), name, desc, "vfio-pci",
                                        1 };
            mock_sysfs_add_type(sysfs, vf, &type);
        }
        g_ptr_array_add(vfs, vf);
    }
    for (guint m = 0; m < size->mdevs; m++) {
        g_autofree char *uuid = uuid_for(1, m);
        const char *vf = g_ptr_array_index(vfs, m % size->parents);
        const char *type = g_ptr_array_index(type_ids, m % size->types);
        mock_sysfs_add_mdev(sysfs, vf, uuid, type, 1000 + (int) m, "nvidia-vgpu-vfio");
    }

    /* definitions: half of them for running mdevs, half for stopped ones */
    clear_definitions();
    for (guint d = 0; d < size->definitions; d++) {
        gboolean running = d < size->definitions / 2 && d < size->mdevs;
        g_autofree char *uuid = running ? uuid_for(1, d) : uuid_for(2, d);
        const char *vf = g_ptr_array_index(vfs, d % size->parents);
        const char *type = g_ptr_array_index(type_ids, d % size->types);
        write_definition(vf, uuid, type, d % 3 == 0, d % 4 == 0);
    }
    return sysfs;
}

/* NVIDIA's vendor-specific VFIO model: a type table as an L40S lists it */
static const struct {
    guint id;
    const char *name;
} l40s_types[] = {
    { 1145, "NVIDIA L40S-1B" },  { 1146, "NVIDIA L40S-2B" },  { 1147, "NVIDIA L40S-1Q" },
    { 1148, "NVIDIA L40S-2Q" },  { 1149, "NVIDIA L40S-3Q" },  { 1150, "NVIDIA L40S-4Q" },
    { 1151, "NVIDIA L40S-6Q" },  { 1152, "NVIDIA L40S-8Q" },  { 1153, "NVIDIA L40S-12Q" },
    { 1154, "NVIDIA L40S-16Q" }, { 1155, "NVIDIA L40S-24Q" }, { 1156, "NVIDIA L40S-48Q" },
    { 1166, "NVIDIA L40S-48A" }, { 2164, "NVIDIA L40S-3B" },
};

/* C cards of V VFs bound to nvidia. Every other card runs NVIDIA L40S-2Q on
 * its first half of VFs, so (homogeneous mode) its free VFs list only that
 * type; the others are idle and their VFs list the whole table. */
static MockSysfs *
build_vf_host(const HostSize *size)
{
    MockSysfs *sysfs = mock_sysfs_new();
    g_autoptr(GString) all = g_string_new("ID    : vGPU Name\n");

    for (gsize t = 0; t < G_N_ELEMENTS(l40s_types); t++)
        g_string_append_printf(all, "%-5u : %s\n", l40s_types[t].id, l40s_types[t].name);
    for (guint c = 0; c < size->cards; c++) {
        g_autofree char *pf = g_strdup_printf("0000:%02x:00.0", 0x41 + c);
        const MockPciInfo info = { "0x10de", "0x26b9",     "0x030200",   "nvidia",
                                   NULL,     40 + (int) c, (int) (c / 4) };
        gboolean busy = c % 2 == 0;

        mock_sysfs_add_pci_parent(sysfs, pf, &info);
        for (guint v = 0; v < size->parents; v++) {
            g_autofree char *vf = vf_address(c * VFS_PER_PF + v);
            const MockPciInfo vf_info = { "0x10de",     "0x26b9",
                                          "0x030200",   "nvidia",
                                          pf,           200 + (int) (c * size->parents + v),
                                          (int) (c / 4) };
            const char *syspath = mock_sysfs_add_pci_parent(sysfs, vf, &vf_info);
            gboolean has = busy && v < size->parents / 2;
            const char *files[] = {
                "current_vgpu_type",
                has ? "1148\n" : "0\n",
                "creatable_vgpu_types",
                has    ? "ID    : vGPU Name\n"
                : busy ? "ID    : vGPU Name\n1148  : NVIDIA L40S-2Q\n"
                       : all->str,
                "vgpu_params",
                "\n",
            };

            for (gsize f = 0; f < G_N_ELEMENTS(files); f += 2) {
                g_autofree char *path = g_build_filename(syspath, "nvidia", files[f], NULL);
                mock_sysfs_write_file(sysfs, path, files[f + 1]);
            }
        }
    }
    return sysfs;
}

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double last_cpu_ms;

/* Runs argv with stdout to @out_path (or /dev/null). Returns the wall time
 * in ms; peak RSS and status through the pointers, the CPU time (user and
 * system) in last_cpu_ms. */
static double
run_once(const char *const *argv, const char *out_path, long *ret_maxrss, int *ret_status)
{
    struct rusage usage;
    double start = now_ms();
    double elapsed;
    int status = 0;
    pid_t pid;

    pid = fork();
    if (pid == 0) {
        int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_WRONLY);
        dup2(out, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execv(argv[0], (char *const *) argv);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &usage) < 0)
        g_error("wait4: %s", g_strerror(errno));
    elapsed = now_ms() - start;
    last_cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
                  (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
    *ret_maxrss = usage.ru_maxrss;
    *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return elapsed;
}

static long
count_syscalls(const char *const *argv)
{
    g_autoptr(GPtrArray) full = g_ptr_array_new();
    g_autofree char *log = g_build_filename(g_get_tmp_dir(), "mdev-bench-strace.txt", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    long maxrss;
    int status;
    long calls = -1;

    g_ptr_array_add(full, (gpointer) "/usr/bin/strace");
    g_ptr_array_add(full, (gpointer) "-f");
    g_ptr_array_add(full, (gpointer) "-c");
    g_ptr_array_add(full, (gpointer) "-o");
    g_ptr_array_add(full, log);
    g_ptr_array_add(full, (gpointer) "--");
    for (const char *const *a = argv; *a; a++)
        g_ptr_array_add(full, (gpointer) *a);
    g_ptr_array_add(full, NULL);
    run_once((const char *const *) full->pdata, NULL, &maxrss, &status);
    if (!g_file_get_contents(log, &text, NULL, NULL))
        return -1;
    lines = g_strsplit(text, "\n", -1);
    for (GStrv l = lines; *l; l++) {
        g_auto(GStrv) f = NULL;
        guint n;
        if (!g_str_has_suffix(*l, "total"))
            continue;
        f = g_strsplit_set(g_strstrip(*l), " ", -1);
        n = 0;
        for (guint i = 0; f[i]; i++) {
            if (*f[i] == '\0')
                continue;
            /* % time, seconds, usecs/call, calls, [errors], total */
            if (++n == 4)
                calls = strtol(f[i], NULL, 10);
        }
    }
    g_unlink(log);
    return calls;
}

static long
measure_rss(const char *floor_bin, const char *const *argv)
{
    g_autoptr(GPtrArray) full = g_ptr_array_new();
    g_autofree char *out = g_build_filename(g_get_tmp_dir(), "mdev-bench-rss.txt", NULL);
    g_autofree char *text = NULL;
    long maxrss;
    int status;

    g_ptr_array_add(full, (gpointer) floor_bin);
    g_ptr_array_add(full, (gpointer) "rss");
    g_ptr_array_add(full, out);
    for (const char *const *a = argv; *a; a++)
        g_ptr_array_add(full, (gpointer) *a);
    g_ptr_array_add(full, NULL);
    run_once((const char *const *) full->pdata, NULL, &maxrss, &status);
    if (!g_file_get_contents(out, &text, NULL, NULL))
        return -1;
    g_unlink(out);
    return strtol(text, NULL, 10);
}

static long
count_lines(const char *const *argv)
{
    g_autofree char *out = g_build_filename(g_get_tmp_dir(), "mdev-bench-out.txt", NULL);
    g_autofree char *text = NULL;
    long maxrss;
    int status;
    long n = 0;

    run_once(argv, out, &maxrss, &status);
    if (g_file_get_contents(out, &text, NULL, NULL)) {
        for (const char *p = text; *p; p++)
            n += *p == '\n';
    }
    g_unlink(out);
    return n;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

static double
median(double *values, guint n)
{
    qsort(values, n, sizeof(double), cmp_double);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void
bench_query(const Query *q, const char *floor_bin, guint runs, Result results[TOOL_LAST])
{
    g_autofree double *times = g_new0(double, (gsize) runs * TOOL_LAST);
    g_autofree double *cpu = g_new0(double, (gsize) runs * TOOL_LAST);

    for (int t = 0; t < TOOL_LAST; t++) {
        memset(&results[t], 0, sizeof(results[t]));
        /* warm the page cache and check it works */
        run_once(q->argv[t], NULL, &results[t].maxrss_kb, &results[t].status);
    }
    /* alternate the tools, rotating who goes first */
    for (guint r = 0; r < runs; r++) {
        for (int k = 0; k < TOOL_LAST; k++) {
            int t = (int) ((r + k) % TOOL_LAST);
            long maxrss;
            int status;
            times[t * runs + r] = run_once(q->argv[t], NULL, &maxrss, &status);
            cpu[t * runs + r] = last_cpu_ms;
        }
    }
    for (int t = 0; t < TOOL_LAST; t++) {
        results[t].median_ms = median(times + t * runs, runs);
        results[t].median_cpu_ms = median(cpu + t * runs, runs);
        results[t].maxrss_kb = measure_rss(floor_bin, q->argv[t]);
        results[t].syscalls = count_syscalls(q->argv[t]);
        results[t].lines = count_lines(q->argv[t]);
    }
}

static gboolean
parse_size(const char *text, HostSize *size)
{
    int end = 0;

    memset(size, 0, sizeof(*size));
    if (sscanf(text, "%ux%uvf%n", &size->cards, &size->parents, &end) == 2 && text[end] == '\0') {
        return size->cards > 0 && size->cards <= 64 && size->parents > 0 &&
               size->parents <= VFS_PER_PF;
    }
    size->cards = 0;
    if (sscanf(text, "%ux%ux%u", &size->parents, &size->types, &size->mdevs) != 3)
        return FALSE;
    /* 0x0x0 is the empty host: no parent, nothing to spread mdevs over */
    if ((size->parents == 0 || size->types == 0) && size->mdevs > 0)
        return FALSE;
    size->definitions = size->mdevs / 2;
    return TRUE;
}

/* mdevctl 1.2.0 reads only /etc/mdevctl.d: show it the generated one. */
static gboolean
enter_private_conf(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        return FALSE;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return FALSE;
    g_mkdir_with_parents("/etc/mdevctl.d", 0755);
    return mount(conf_dir, "/etc/mdevctl.d", NULL, MS_BIND, NULL) == 0;
}

int
main(int argc, char **argv)
{
    const char *mdevtool = g_getenv("MDEVTOOL");
    const char *mdevctl = g_getenv("MDEVCTL") ? g_getenv("MDEVCTL") : "/usr/bin/mdevctl";
    const char *floor_bin = g_getenv("FLOOR");
    g_autofree char *tmp = NULL;
    g_autofree char *front_end = NULL;
    g_autofree char *scripts = NULL;
    const char *exec_cmd = NULL;
    gboolean plain_sys = FALSE;
    guint runs = 0;
    int first = 1;

    if (mdevtool == NULL || floor_bin == NULL) {
        fprintf(stderr, "mdev-bench: set MDEVTOOL and FLOOR to the binaries\n");
        return 2;
    }
    while (first < argc && g_str_has_prefix(argv[first], "--")) {
        if (strcmp(argv[first], "--runs") == 0 && first + 1 < argc) {
            runs = (guint) atoi(argv[first + 1]);
            first += 2;
        } else if (strcmp(argv[first], "--exec") == 0 && first + 1 < argc) {
            exec_cmd = argv[first + 1];
            first += 2;
        } else if (strcmp(argv[first], "--plain-sys") == 0) {
            plain_sys = TRUE;
            first++;
        } else {
            fprintf(stderr, "mdev-bench: unknown option '%s'\n", argv[first]);
            return 2;
        }
    }
    if (argc <= first) {
        fprintf(stderr, "usage: mdev-bench [--runs N] PxTxM|CxVvf... (0x0x0: an empty host)\n");
        return 2;
    }
    if (g_strrstr(g_getenv("LD_PRELOAD") ? g_getenv("LD_PRELOAD") : "", "umockdev") == NULL) {
        fprintf(stderr, "mdev-bench: run under LD_PRELOAD=libumockdev-preload.so.0\n");
        return 2;
    }

    tmp = g_dir_make_tmp("mdev-bench-XXXXXX", NULL);
    conf_dir = g_build_filename(tmp, "mdevctl.d", NULL);
    scripts = g_build_filename(conf_dir, "scripts.d", NULL);
    {
        g_autofree char *callouts = g_build_filename(scripts, "callouts", NULL);
        g_autofree char *notifiers = g_build_filename(scripts, "notifiers", NULL);
        g_mkdir_with_parents(callouts, 0755);
        g_mkdir_with_parents(notifiers, 0755);
    }
    mdevctl_sees_conf = enter_private_conf();
    /* the mdevctl front end is the same binary called "mdevctl" */
    front_end = g_build_filename(tmp, "mdevctl", NULL);
    if (symlink(mdevtool, front_end) < 0) {
        fprintf(stderr, "mdev-bench: cannot link %s: %s\n", front_end, g_strerror(errno));
        return 1;
    }
    g_setenv("MDEVTOOL_CONF_DIR", conf_dir, TRUE);
    {
        g_autofree char *state = g_build_filename(tmp, "state", NULL);
        g_mkdir_with_parents(state, 0755);
        g_setenv("MDEVTOOL_STATE_DIR", state, TRUE);
    }

    printf("%s\n\n", plain_sys ? "Without the preload: the same tree bind-mounted over /sys."
                                 : "Under the umockdev preload.");
    printf("Medians of wall-clock and CPU (user + system) time per run, in ms, as "
           "mdevtool / mdevctl / floor; ratios of mdevtool to the floor and to mdevctl.\n\n");
    printf("| host P×T×M, D | query | wall ms | wall ratio floor, ctl | CPU ms | "
           "CPU ratio floor, ctl | peak RSS KiB | syscalls | output lines |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    fflush(stdout);

    for (int i = first; i < argc; i++) {
        HostSize size;
        g_autoptr(MockSysfs) sysfs = NULL;
        guint n;
        const Query queries[] = {
            { "--version", { { mdevtool, "--version", NULL },
                             { mdevctl, "--version", NULL },
                             { floor_bin, "version", NULL } } },
            { "types", { { mdevtool, "types", NULL },
                         { mdevctl, "types", NULL },
                         { floor_bin, "types", NULL } } },
            { "list", { { mdevtool, "list", NULL },
                        { mdevctl, "list", NULL },
                        { floor_bin, "list", conf_dir, NULL } } },
            { "--json list --defined", { { mdevtool, "--json", "list", "--defined", NULL },
                                         { mdevctl, "list", "--dumpjson", "--defined", NULL },
                                         { floor_bin, "defined", conf_dir, NULL } },
              TRUE },
            { "front end: list --dumpjson --defined",
              { { front_end, "list", "--dumpjson", "--defined", NULL },
                { mdevctl, "list", "--dumpjson", "--defined", NULL },
                { floor_bin, "defined-ctl", conf_dir, NULL } },
              TRUE },
        };
        /* mdevctl knows no VF vGPUs: its column shows it finding nothing */
        const Query vf_queries[] = {
            { "types",
              { { mdevtool, "types", NULL },
                { mdevctl, "types", NULL },
                { floor_bin, "vf-types", NULL } } },
            { "list",
              { { mdevtool, "list", NULL },
                { mdevctl, "list", NULL },
                { floor_bin, "vf-list", NULL } } },
        };
        const Query *qs;
        gsize n_queries;

        if (!parse_size(argv[i], &size)) {
            fprintf(stderr, "mdev-bench: bad size '%s' (want PxTxM or CxVvf)\n", argv[i]);
            return 2;
        }
        n = runs ? runs : size.parents * size.types >= 4096 ? 11 : 21;
        if (size.cards) {
            clear_definitions();
            sysfs = build_vf_host(&size);
            qs = vf_queries;
            n_queries = G_N_ELEMENTS(vf_queries);
        } else {
            sysfs = build_host(&size);
            qs = queries;
            n_queries = G_N_ELEMENTS(queries);
        }
        if (plain_sys) {
            g_autofree char *tree = mock_sysfs_real_path(sysfs, "/sys");
            if (!mdevctl_sees_conf || mount(tree, "/sys", NULL, MS_BIND, NULL) < 0) {
                fprintf(stderr, "mdev-bench: cannot bind-mount the tree over /sys: %s\n",
                        g_strerror(errno));
                return 1;
            }
            g_setenv("LD_PRELOAD", "", TRUE);
        }
        if (exec_cmd) {
            /* for profiling: a shell command on the host, then the next size */
            const char *const sh[] = { "/bin/sh", "-c", exec_cmd, NULL };
            long maxrss;
            int status;
            run_once(sh, "/dev/stderr", &maxrss, &status);
            continue;
        }

        for (gsize q = 0; q < n_queries; q++) {
            Result r[TOOL_LAST];
            gboolean tool_ok, ctl_ok, floor_ok;

            bench_query(&qs[q], floor_bin, n, r);
            tool_ok = r[TOOL_MDEVTOOL].status == 0;
            floor_ok = r[TOOL_FLOOR].status == 0;
            ctl_ok = r[TOOL_MDEVCTL].status == 0 && (!qs[q].reads_conf || mdevctl_sees_conf);
            if (size.cards)
                printf("| %u cards × %u VFs (VF model) | `%s` |", size.cards, size.parents,
                       qs[q].name);
            else
                printf("| %u×%u×%u, D %u | `%s` |", size.parents, size.types, size.mdevs,
                       size.definitions, qs[q].name);
            for (int pass = 0; pass < 2; pass++) {
                double v[TOOL_LAST];
                for (int t = 0; t < TOOL_LAST; t++)
                    v[t] = pass == 0 ? r[t].median_ms : r[t].median_cpu_ms;
                printf(" %.1f / %.1f / %.1f |", v[0], v[1], v[2]);
                if (tool_ok && floor_ok)
                    printf(" **%.2f**", v[0] / v[2]);
                else
                    printf(" n/a");
                if (tool_ok && ctl_ok)
                    printf(", **%.2f** |", v[0] / v[1]);
                else
                    printf(", n/a |");
            }
            printf(" %ld / %ld / %ld | %ld / %ld / %ld | %ld / %ld / %ld |", r[0].maxrss_kb,
                   r[1].maxrss_kb, r[2].maxrss_kb, r[0].syscalls, r[1].syscalls,
                   r[2].syscalls, r[0].lines, r[1].lines, r[2].lines);
            for (int t = 0; t < TOOL_LAST; t++) {
                if (r[t].status != 0)
                    printf(" (%s exit %d)", t == 0 ? "mdevtool" : t == 1 ? "mdevctl" : "floor",
                           r[t].status);
            }
            printf("\n");
            fflush(stdout);
        }
        fprintf(stderr, "mdev-bench: %s done (%u runs per tool and query)\n", argv[i], n);
        if (plain_sys) {
            umount2("/sys", MNT_DETACH);
            g_setenv("LD_PRELOAD", "libumockdev-preload.so.0", TRUE);
        }
    }
    if (!mdevctl_sees_conf)
        printf("\nmdevctl could not be shown the generated definitions (no private mount "
               "namespace): its --defined column is not comparable.\n");
    clear_definitions();
    {
        const char *const rm[] = { "/bin/rm", "-rf", tmp, NULL };
        long maxrss;
        int status;
        run_once(rm, NULL, &maxrss, &status);
    }
    return 0;
}
