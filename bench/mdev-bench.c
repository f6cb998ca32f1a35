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
 * On PxTxM hosts with parents two writes are also timed, each run undone
 * untimed before the next, against mdevctl only (no floor): `define -p P
 * -t T` (undone by undefine) on the same testbed, and `create -p P -t T`
 * against `mdevctl start` (undone by stop) under tests/mdevsim, which
 * answers the write to `create` as the kernel does (bench_create()).
 *
 * Environment: MDEVTOOL, MDEVCTL (default /usr/bin/mdevctl), FLOOR (the
 * binaries), MDEVSIM (tests/mdevsim; without it create is left out),
 * LD_PRELOAD must hold libumockdev-preload.so.0.
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
    const char *argv[TOOL_LAST][10];
    gboolean reads_conf; /* mdevctl's figures need the private mount */
    /* A write: the floor takes no part, every run of argv (timed) is
     * followed by undo (not timed), so that each run does the same work;
     * @made must exist after argv and be gone after undo. */
    const char *undo[TOOL_LAST][6];
    const char *made;
} Query;

typedef struct {
    double median_ms;
    double median_cpu_ms;
    long maxrss_kb;
    long syscalls;
    long lines;
    int status;
    gboolean wrote; /* a write query: every run made @made, every undo removed it */
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

static gboolean
is_write(const Query *q)
{
    return q->undo[TOOL_MDEVTOOL][0] != NULL;
}

/* After a run of a write query's command: checks that it made q->made,
 * undoes it and checks that it is gone, so the next run starts from the
 * same state. */
static void
undo_write(const Query *q, int tool, Result *result)
{
    long maxrss;
    int status;

    if (!is_write(q))
        return;
    if (!g_file_test(q->made, G_FILE_TEST_EXISTS)) {
        if (result->wrote)
            fprintf(stderr, "mdev-bench: %s: %s did not make %s\n", q->name, q->argv[tool][0],
                    q->made);
        result->wrote = FALSE;
    }
    run_once(q->undo[tool], NULL, &maxrss, &status);
    /* the simulator may finish a removal just after the write to remove
     * returned (seen once in a loaded run): the undo is untimed, so it
     * gets up to a second before it counts as failed */
    for (int i = 0; i < 100 && status == 0 && g_file_test(q->made, G_FILE_TEST_EXISTS); i++)
        g_usleep(10 * 1000);
    if (status != 0 || g_file_test(q->made, G_FILE_TEST_EXISTS)) {
        if (result->wrote)
            fprintf(stderr, "mdev-bench: %s: %s %s did not remove %s (exit %d)\n", q->name,
                    q->undo[tool][0], q->undo[tool][1], q->made, status);
        result->wrote = FALSE;
    }
}

static int
query_tools(const Query *q)
{
    return is_write(q) ? TOOL_FLOOR : TOOL_LAST;
}

static void
results_init(Result results[TOOL_LAST])
{
    for (int t = 0; t < TOOL_LAST; t++) {
        memset(&results[t], 0, sizeof(results[t]));
        results[t].wrote = TRUE;
    }
}

/* Runs @first to @first + @count - 1 of @runs, after one warm-up run per
 * tool; times[tool * runs + run], the same for cpu. */
static void
bench_runs(const Query *q, guint first, guint count, guint runs, double *times, double *cpu,
           Result results[TOOL_LAST])
{
    int n_tools = query_tools(q);

    for (int t = 0; t < n_tools; t++) {
        long maxrss;
        int status;

        /* warm the page cache and check it works */
        run_once(q->argv[t], NULL, &maxrss, &status);
        if (status != 0)
            results[t].status = status;
        undo_write(q, t, &results[t]);
    }
    /* alternate the tools, rotating who goes first */
    for (guint r = first; r < first + count; r++) {
        for (int k = 0; k < n_tools; k++) {
            int t = (int) ((r + (guint) k) % (guint) n_tools);
            long maxrss;
            int status;
            times[t * runs + r] = run_once(q->argv[t], NULL, &maxrss, &status);
            cpu[t * runs + r] = last_cpu_ms;
            if (status != 0)
                results[t].status = status;
            undo_write(q, t, &results[t]);
        }
    }
}

/* Peak RSS, system calls and output lines: one run each */
static void
bench_extras(const Query *q, const char *floor_bin, Result results[TOOL_LAST])
{
    for (int t = 0; t < query_tools(q); t++) {
        results[t].maxrss_kb = measure_rss(floor_bin, q->argv[t]);
        undo_write(q, t, &results[t]);
        results[t].syscalls = count_syscalls(q->argv[t]);
        undo_write(q, t, &results[t]);
        results[t].lines = count_lines(q->argv[t]);
        undo_write(q, t, &results[t]);
    }
}

static void
results_set_medians(Result results[TOOL_LAST], int n_tools, double *times, double *cpu,
                    guint runs)
{
    for (int t = 0; t < n_tools; t++) {
        results[t].median_ms = median(times + t * runs, runs);
        results[t].median_cpu_ms = median(cpu + t * runs, runs);
    }
}

static void
bench_query(const Query *q, const char *floor_bin, guint runs, Result results[TOOL_LAST])
{
    g_autofree double *times = g_new0(double, (gsize) runs * TOOL_LAST);
    g_autofree double *cpu = g_new0(double, (gsize) runs * TOOL_LAST);

    results_init(results);
    bench_runs(q, 0, runs, runs, times, cpu, results);
    bench_extras(q, floor_bin, results);
    results_set_medians(results, query_tools(q), times, cpu, runs);
}

static const char *const tool_names[TOOL_LAST] = { "mdevtool", "mdevctl", "floor" };

/* One line of the table. A write has no floor: its columns show "—". */
static void
print_row(const char *host, const char *name, gboolean write, gboolean reads_conf,
          const Result r[TOOL_LAST])
{
    gboolean tool_ok = r[TOOL_MDEVTOOL].status == 0 && r[TOOL_MDEVTOOL].wrote;
    gboolean floor_ok = !write && r[TOOL_FLOOR].status == 0;
    gboolean ctl_ok = r[TOOL_MDEVCTL].status == 0 && r[TOOL_MDEVCTL].wrote &&
                      (!reads_conf || mdevctl_sees_conf);

    printf("| %s | `%s` |", host, name);
    for (int pass = 0; pass < 2; pass++) {
        double v[TOOL_LAST];
        for (int t = 0; t < TOOL_LAST; t++)
            v[t] = pass == 0 ? r[t].median_ms : r[t].median_cpu_ms;
        if (write)
            printf(" %.1f / %.1f / — | —", v[0], v[1]);
        else
            printf(" %.1f / %.1f / %.1f |", v[0], v[1], v[2]);
        if (!write && tool_ok && floor_ok)
            printf(" **%.2f**", v[0] / v[2]);
        else if (!write)
            printf(" n/a");
        if (tool_ok && ctl_ok)
            printf(", **%.2f** |", v[0] / v[1]);
        else
            printf(", n/a |");
    }
    if (write)
        printf(" %ld / %ld / — | %ld / %ld / — | %ld / %ld / — |", r[0].maxrss_kb,
               r[1].maxrss_kb, r[0].syscalls, r[1].syscalls, r[0].lines, r[1].lines);
    else
        printf(" %ld / %ld / %ld | %ld / %ld / %ld | %ld / %ld / %ld |", r[0].maxrss_kb,
               r[1].maxrss_kb, r[2].maxrss_kb, r[0].syscalls, r[1].syscalls, r[2].syscalls,
               r[0].lines, r[1].lines, r[2].lines);
    for (int t = 0; t < (write ? TOOL_FLOOR : TOOL_LAST); t++) {
        if (r[t].status != 0)
            printf(" (%s exit %d)", tool_names[t], r[t].status);
        else if (!r[t].wrote)
            printf(" (%s: not made or not undone, invalid)", tool_names[t]);
    }
    printf("\n");
    fflush(stdout);
}

/* The host of build_host() as a description for tests/mdevsim
 * (schemas/host.schema.json): the same PFs, VFs, types and running mdevs,
 * each VF with room for one more mdev than it runs. Explicit IOMMU groups
 * spare the simulator its search for the lowest free one per mdev. The
 * definitions are already in the store. */
static char *
host_description(const HostSize *size)
{
    g_autoptr(GString) json = g_string_new("{\n  \"devices\": [");
    guint pfs = (size->parents + VFS_PER_PF - 1) / VFS_PER_PF;
    guint room = (size->mdevs + size->parents - 1) / size->parents + 1;

    for (guint p = 0; p < pfs; p++)
        g_string_append_printf(json,
                               "%s\n    { \"name\": \"0000:%02x:00.0\", \"kind\": \"pci\", "
                               "\"driver\": \"nvidia\", \"pci\": { \"vendor\": \"0x10de\", "
                               "\"device\": \"0x2235\", \"class\": \"0x030200\", "
                               "\"iommu_group\": %u, \"numa_node\": %u, \"sriov\": "
                               "{ \"totalvfs\": %u, \"offset\": 4, \"stride\": 1 } } }",
                               p ? "," : "", 0x41 + p, 40 + p, p / 4, VFS_PER_PF);
    g_string_append(json, "\n  ],\n  \"parents\": [");
    for (guint v = 0; v < size->parents; v++) {
        g_autofree char *vf = vf_address(v);

        g_string_append_printf(json,
                               "%s\n    { \"name\": \"%s\", \"kind\": \"pci\", \"driver\": "
                               "\"nvidia\", \"mdev_driver\": \"nvidia-vgpu-vfio\",\n      "
                               "\"pci\": { \"vendor\": \"0x10de\", \"device\": \"0x2236\", "
                               "\"class\": \"0x030200\", \"physfn\": \"0000:%02x:00.0\", "
                               "\"iommu_group\": %u, \"numa_node\": %u },\n      "
                               "\"pools\": { \"vf\": %u },\n      \"types\": [",
                               v ? "," : "", vf, 0x41 + v / VFS_PER_PF, 200 + v,
                               v / VFS_PER_PF / 4, room);
        for (guint t = 0; t < size->types; t++)
            g_string_append_printf(json,
                                   "%s\n        { \"id\": \"nvidia-%u\", \"name\": \"NVIDIA "
                                   "A40-%uQ\", \"description\": \"num_heads=4, frl_config=60, "
                                   "framebuffer=%uM, max_resolution=7680x4320, "
                                   "max_instance=%u\", \"device_api\": \"vfio-pci\", "
                                   "\"pool\": \"vf\", \"cost\": 1 }",
                                   t ? "," : "", 550 + t, 1u << (t % 6), 1024u << (t % 6),
                                   48u >> (t % 6));
        g_string_append(json, "\n      ],\n      \"mdevs\": [");
        for (guint m = v; m < size->mdevs; m += size->parents) {
            g_autofree char *uuid = uuid_for(1, m);
            g_string_append_printf(json,
                                   "%s\n        { \"uuid\": \"%s\", \"type\": \"nvidia-%u\", "
                                   "\"iommu_group\": %u }",
                                   m != v ? "," : "", uuid, 550 + m % size->types, 1000 + m);
        }
        g_string_append(json, "\n      ]\n    }");
    }
    g_string_append(json, "\n  ]\n}\n");
    return g_string_free(g_steal_pointer(&json), FALSE);
}

/* Inside tests/mdevsim (see bench_create()): runs @first to @first +
 * @count - 1 of @runs of `mdevtool create` against `mdevctl start`, each
 * undone by its stop, with @extras also the one-off measurements, and
 * writes the outcome to @out_path: per tool "status wrote maxrss syscalls
 * lines", then per run "tool run wall cpu". */
static int
create_loop(const char *out_path, guint first, guint count, guint runs, gboolean extras,
            const char *parent, const char *type, const char *uuid)
{
    const char *mdevtool = g_getenv("MDEVTOOL");
    const char *mdevctl = g_getenv("MDEVCTL") ? g_getenv("MDEVCTL") : "/usr/bin/mdevctl";
    const char *floor_bin = g_getenv("FLOOR");
    g_autofree char *made = g_build_filename("/sys/bus/mdev/devices", uuid, NULL);
    const Query create = {
        "create",
        { { mdevtool, "create", "-p", parent, "-t", type, "--uuid", uuid, NULL },
          { mdevctl, "start", "-p", parent, "-t", type, "-u", uuid, NULL } },
        TRUE,
        { { mdevtool, "stop", uuid, NULL }, { mdevctl, "stop", "-u", uuid, NULL } },
        made,
    };
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree double *times = NULL;
    g_autofree double *cpu = NULL;
    Result r[TOOL_LAST];

    if (mdevtool == NULL || floor_bin == NULL || runs == 0 || first + count > runs)
        return 2;
    times = g_new0(double, (gsize) runs * TOOL_LAST);
    cpu = g_new0(double, (gsize) runs * TOOL_LAST);
    results_init(r);
    bench_runs(&create, first, count, runs, times, cpu, r);
    if (extras)
        bench_extras(&create, floor_bin, r);
    for (int t = 0; t < TOOL_FLOOR; t++)
        g_string_append_printf(text, "%d %d %ld %ld %ld\n", r[t].status, r[t].wrote,
                               r[t].maxrss_kb, r[t].syscalls, r[t].lines);
    for (int t = 0; t < TOOL_FLOOR; t++) {
        for (guint i = first; i < first + count; i++)
            g_string_append_printf(text, "%d %u %.3f %.3f\n", t, i, times[t * runs + i],
                                   cpu[t * runs + i]);
    }
    return g_file_set_contents(out_path, text->str, -1, NULL) ? 0 : 1;
}

/* tests/mdevsim's process leaves two connections to umockdev's ioctl
 * socket open per create/remove pair, which umockdev's preload tracks in a
 * fixed-size table: the 25th pair fails. Runs are measured in batches,
 * each in its own simulator and with at most 20 pairs (a warm-up per
 * tool, the runs, the one-off measurements in the last). */
#define CREATE_RUNS_PER_BATCH 6

/* One batch of create_loop() in a simulator of @host_path; adds its outcome to @r,
 * @times and @cpu. */
static gboolean
create_batch(const char *mdevsim, const char *host_path, const char *out_path, guint first,
               guint count, guint runs, gboolean extras, const char *parent, const char *type,
               const char *uuid, double *times, double *cpu, Result r[TOOL_LAST])
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *first_text = g_strdup_printf("%u", first);
    g_autofree char *count_text = g_strdup_printf("%u", count);
    g_autofree char *runs_text = g_strdup_printf("%u", runs);
    g_autofree char *err_text = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) envp = g_get_environ();
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) error = NULL;
    const char *argv[] = { mdevsim,    "--host",    host_path,  "--conf-dir",
                           conf_dir,   "--",        self,       "--create-loop",
                           out_path,   first_text,  count_text, runs_text,
                           extras ? "1" : "0", parent, type,    uuid,
                           NULL };
    int wait_status = 0;
    guint n_samples = 0;

    if (self == NULL)
        return FALSE;
    /* mdevsim builds its own testbed; the simulator rewrites every type's
     * available_instances after each mdev it adds, and GLib syncs each
     * rewrite to disk: on tmpfs that costs nothing (minutes at 2048 mdevs
     * on a disk). Only the testbed goes there, the store stays. */
    envp = g_environ_unsetenv(envp, "UMOCKDEV_DIR");
    if (g_file_test("/dev/shm", G_FILE_TEST_IS_DIR))
        envp = g_environ_setenv(envp, "TMPDIR", "/dev/shm", TRUE);
    g_unlink(out_path);
    if (!g_spawn_sync(NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                      &err_text, &wait_status, &error) ||
        !g_file_get_contents(out_path, &text, NULL, NULL)) {
        g_auto(GStrv) err_lines = g_strsplit(err_text ? err_text : "", "\n", -1);
        guint n = g_strv_length(err_lines);

        fprintf(stderr, "mdev-bench: create under %s failed (wait status %d)%s%s\n", mdevsim,
                wait_status, error ? ": " : "", error ? error->message : "");
        for (guint i = n > 6 ? n - 6 : 0; i < n; i++)
            fprintf(stderr, "  %s\n", err_lines[i]);
        return FALSE;
    }
    g_unlink(out_path);
    /* the loop's own complaints, without the simulator's uevent chatter */
    lines = g_strsplit(err_text ? err_text : "", "\n", -1);
    for (GStrv l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "mdev-bench: "))
            fprintf(stderr, "%s\n", *l);
    }
    g_clear_pointer(&lines, g_strfreev);
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        int status, wrote, t;
        long maxrss, syscalls, n_lines;
        guint run;
        double wall, cpu_ms;

        if (i < TOOL_FLOOR) {
            if (sscanf(lines[i], "%d %d %ld %ld %ld", &status, &wrote, &maxrss, &syscalls,
                       &n_lines) != 5)
                break;
            if (status != 0)
                r[i].status = status;
            r[i].wrote = r[i].wrote && wrote;
            if (extras) {
                r[i].maxrss_kb = maxrss;
                r[i].syscalls = syscalls;
                r[i].lines = n_lines;
            }
        } else if (sscanf(lines[i], "%d %u %lf %lf", &t, &run, &wall, &cpu_ms) == 4 &&
                   t >= 0 && t < TOOL_FLOOR && run < runs) {
            times[t * runs + run] = wall;
            cpu[t * runs + run] = cpu_ms;
            n_samples++;
        }
    }
    if (n_samples != count * TOOL_FLOOR) {
        fprintf(stderr, "mdev-bench: bad create results '%s'\n", text);
        return FALSE;
    }
    return TRUE;
}

/* `create` needs the kernel's side: under plain umockdev a UUID written to
 * `create` makes no device. tests/mdevsim answers that write as the mdev
 * core does; this program runs itself under it (create_loop()) on the same
 * host and reads the results back. Fills @r and returns TRUE, or says why
 * not. */
static gboolean
bench_create(const HostSize *size, const char *tmp, const char *mdevsim, const char *parent,
             const char *type, const char *uuid, guint runs, Result r[TOOL_LAST])
{
    g_autofree char *host_path = g_build_filename(tmp, "host.json", NULL);
    g_autofree char *out_path = g_build_filename(tmp, "create-results.txt", NULL);
    g_autofree char *host = host_description(size);
    g_autofree double *times = g_new0(double, (gsize) runs * TOOL_LAST);
    g_autofree double *cpu = g_new0(double, (gsize) runs * TOOL_LAST);
    g_autoptr(GError) error = NULL;
    gboolean ok = TRUE;

    if (mdevsim == NULL) {
        fprintf(stderr, "mdev-bench: MDEVSIM is not set: create not measured\n");
        return FALSE;
    }
    if (!g_file_set_contents(host_path, host, -1, &error)) {
        fprintf(stderr, "mdev-bench: %s\n", error->message);
        return FALSE;
    }
    results_init(r);
    for (guint first = 0; ok && first < runs; first += CREATE_RUNS_PER_BATCH) {
        guint count = MIN(CREATE_RUNS_PER_BATCH, runs - first);

        ok = create_batch(mdevsim, host_path, out_path, first, count, runs,
                            first + count == runs, parent, type, uuid, times, cpu, r);
    }
    g_unlink(host_path);
    if (ok)
        results_set_medians(r, TOOL_FLOOR, times, cpu, runs);
    return ok;
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
    const char *mdevsim = g_getenv("MDEVSIM");
    g_autofree char *tmp = NULL;
    g_autofree char *front_end = NULL;
    g_autofree char *scripts = NULL;
    const char *exec_cmd = NULL;
    gboolean plain_sys = FALSE;
    guint runs = 0;
    int first = 1;

    if (argc == 10 && strcmp(argv[1], "--create-loop") == 0)
        return create_loop(argv[2], (guint) atoi(argv[3]), (guint) atoi(argv[4]),
                           (guint) atoi(argv[5]), strcmp(argv[6], "1") == 0, argv[7], argv[8],
                           argv[9]);
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
    printf("Writes (define, create): the timed command alone, undone untimed after each run; "
           "no floor (—). create runs under tests/mdevsim, whose preload hands each write to a "
           "create or remove file to the simulator: the same added cost for both tools.\n\n");
    printf("| host P×T×M, D | query | wall ms | wall ratio floor, ctl | CPU ms | "
           "CPU ratio floor, ctl | peak RSS KiB | syscalls | output lines |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    fflush(stdout);

    for (int i = first; i < argc; i++) {
        HostSize size;
        g_autoptr(MockSysfs) sysfs = NULL;
        g_autofree char *label = NULL;
        g_autofree char *parent = NULL;
        g_autofree char *type = NULL;
        g_autofree char *write_uuid = uuid_for(3, 0);
        gboolean writes;
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
        /* the writes go to a parent in the middle of the host; without the
         * private mount, mdevctl would write to the system's store */
        writes = size.cards == 0 && size.parents > 0 && mdevctl_sees_conf;
        if (writes) {
            parent = vf_address(size.parents / 2);
            type = g_strdup_printf("nvidia-%u", 550 + size.types / 2);
        }
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

        if (size.cards)
            label = g_strdup_printf("%u cards × %u VFs (VF model)", size.cards, size.parents);
        else
            label = g_strdup_printf("%u×%u×%u, D %u", size.parents, size.types, size.mdevs,
                                    size.definitions);
        for (gsize q = 0; q < n_queries; q++) {
            Result r[TOOL_LAST];

            bench_query(&qs[q], floor_bin, n, r);
            print_row(label, qs[q].name, FALSE, qs[q].reads_conf, r);
        }
        if (writes) {
            Result r[TOOL_LAST];
            g_autofree char *made = g_build_filename(conf_dir, parent, write_uuid, NULL);
            const Query define = {
                "define -p P -t T",
                { { mdevtool, "define", "-p", parent, "-t", type, "--uuid", write_uuid, NULL },
                  { mdevctl, "define", "-p", parent, "-t", type, "-u", write_uuid, NULL } },
                TRUE,
                { { mdevtool, "undefine", write_uuid, NULL },
                  { mdevctl, "undefine", "-u", write_uuid, NULL } },
                made,
            };

            bench_query(&define, floor_bin, n, r);
            print_row(label, define.name, TRUE, TRUE, r);
            if (bench_create(&size, tmp, mdevsim, parent, type, write_uuid, n, r))
                print_row(label, "create -p P -t T (mdevsim)", TRUE, TRUE, r);
        }
        fprintf(stderr, "mdev-bench: %s done (%u runs per tool and query)\n", argv[i], n);
        if (plain_sys) {
            umount2("/sys", MNT_DETACH);
            g_setenv("LD_PRELOAD", "libumockdev-preload.so.0", TRUE);
        }
    }
    if (!mdevctl_sees_conf)
        printf("\nmdevctl could not be shown the generated definitions (no private mount "
               "namespace): its --defined column is not comparable, and the writes were left "
               "out.\n");
    clear_definitions();
    {
        const char *const rm[] = { "/bin/rm", "-rf", tmp, NULL };
        long maxrss;
        int status;
        run_once(rm, NULL, &maxrss, &status);
    }
    return 0;
}
