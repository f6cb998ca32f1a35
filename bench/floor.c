/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The floor of the benchmark: the least a program can do to answer each
 * query. It reads exactly the files the answer needs, with one system call
 * per step, no library beyond libc, no error handling beyond skipping, and
 * prints the same information as the mdevtool command it stands for
 * (sorted, one record per line, tab-separated).
 *
 *   floor types     parent, type id, available_instances, device_api, name,
 *                   description for every type of every registered parent
 *   floor list CONF_DIR
 *                   uuid, parent, type, iommu group of every active mdev,
 *                   whether it is defined and starts automatically, and
 *                   whether a process holds its group (the IN USE column)
 *   floor defined CONF_DIR
 *                   uuid, parent, type, start mode, attribute count of every
 *                   definition, whether it is active (one readlink of its
 *                   bus entry: no other mdev is looked at) and, when it is,
 *                   its group and whether a process holds that (in_use)
 *   floor defined-ctl CONF_DIR
 *                   the definitions alone: mdevctl's "list --dumpjson
 *                   --defined" shows neither whether they run nor in_use,
 *                   so the floor of the front end reads no sysfs
 *   floor vf-types  card, type id, name and the number of free VFs that
 *                   list the type, for every type a VF of an NVIDIA card
 *                   whose VFs are bound to nvidia lists or runs (NVIDIA's
 *                   vendor-specific VFIO model)
 *   floor vf-list   VF, card, type id, IOMMU group and whether a process
 *                   holds its /dev/vfio/GROUP open of every VF that has a
 *                   vGPU
 * Whether a group is held takes one readlink of every fd of every process
 * (as mdevtool's listings do), and only when a listed device is active with
 * a group: a listing of stopped devices does not look at /proc.
 *   floor version   one line: the cost of starting a process, the floor
 *                   of "--version"
 *   floor rss FILE COMMAND...
 *                   runs COMMAND and writes its peak RSS in KiB to FILE: a
 *                   child's high-water mark includes the process it was
 *                   forked from, so the benchmark measures through this
 *                   small process instead of its own large one */
#include <dirent.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINE 16384

static char **lines;
static size_t n_lines, cap_lines;

static void
add_line(const char *text)
{
    if (n_lines == cap_lines) {
        cap_lines = cap_lines ? cap_lines * 2 : 1024;
        lines = realloc(lines, cap_lines * sizeof(*lines));
    }
    lines[n_lines++] = strdup(text);
}

static int
cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
print_sorted(void)
{
    qsort(lines, n_lines, sizeof(*lines), cmp);
    for (size_t i = 0; i < n_lines; i++)
        puts(lines[i]);
}

/* open + read + close; trailing newline dropped, "" when absent */
static void
read_at(int dirfd, const char *path, char *buf, size_t size)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    ssize_t n = 0;

    buf[0] = '\0';
    if (fd < 0)
        return;
    n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        n = 0;
    while (n > 0 && buf[n - 1] == '\n')
        n--;
    buf[n] = '\0';
}

static const char *
basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

static int
floor_types(void)
{
    DIR *bus = opendir("/sys/class/mdev_bus");
    struct dirent *p;

    if (bus == NULL)
        return 0;
    while ((p = readdir(bus)) != NULL) {
        char path[512];
        DIR *types;
        struct dirent *t;

        if (p->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/mdev_supported_types", p->d_name);
        types = fdopendir(openat(dirfd(bus), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (types == NULL)
            continue;
        while ((t = readdir(types)) != NULL) {
            char avail[64], api[64], name[4096], desc[4096], line[MAX_LINE], file[512];
            size_t len = strlen(t->d_name);

            if (t->d_name[0] == '.' || len > 200)
                continue;
            memcpy(file, t->d_name, len);
            file[len] = '/';
            strcpy(file + len + 1, "available_instances");
            read_at(dirfd(types), file, avail, sizeof(avail));
            strcpy(file + len + 1, "device_api");
            read_at(dirfd(types), file, api, sizeof(api));
            strcpy(file + len + 1, "name");
            read_at(dirfd(types), file, name, sizeof(name));
            strcpy(file + len + 1, "description");
            read_at(dirfd(types), file, desc, sizeof(desc));
            snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%s\t%s", p->d_name, t->d_name, avail,
                     api, name, desc);
            add_line(line);
        }
        closedir(types);
    }
    closedir(bus);
    print_sorted();
    return 0;
}

/* The VFs bound to nvidia, each opened once: the driver's directory lists
 * them, its links lead to their directories. Calls @fn with the VF's
 * directory, its name and its card (the physfn link's last component). */
static void
each_nvidia_vf(void (*fn)(int vffd, const char *vf, const char *card))
{
    DIR *drv = opendir("/sys/bus/pci/drivers/nvidia");
    struct dirent *e;

    if (drv == NULL)
        return;
    while ((e = readdir(drv)) != NULL) {
        char link[512];
        int vffd;
        ssize_t n;

        if (strchr(e->d_name, ':') == NULL)
            continue;
        vffd = openat(dirfd(drv), e->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (vffd < 0)
            continue;
        n = readlinkat(vffd, "physfn", link, sizeof(link) - 1);
        if (n > 0) {
            link[n] = '\0';
            fn(vffd, e->d_name, basename_of(link));
        }
        close(vffd);
    }
    closedir(drv);
}

/* One line "card, type, 1 or 0, name" per type a VF lists (1: the VF is
 * free; 0: it has a vGPU, and NVIDIA's own driver lists its catalog
 * there) and one without a name for the type a VF runs: the card's types,
 * counted after sorting. */
static void
vf_types(int vffd, const char *vf, const char *card)
{
    char current[64], list[MAX_LINE], line[MAX_LINE];
    char *p, *eol;
    int free_vf;

    (void) vf;
    read_at(vffd, "nvidia/current_vgpu_type", current, sizeof(current));
    free_vf = strcmp(current, "0") == 0;
    if (!free_vf) {
        snprintf(line, sizeof(line), "%s\tnvidia-%s\t0\t", card, current);
        add_line(line);
    }
    read_at(vffd, "nvidia/creatable_vgpu_types", list, sizeof(list));
    /* after the header, "%-5d : %s" lines */
    for (p = strchr(list, '\n'); p != NULL; p = eol) {
        char *entry = p + 1;
        char *colon;

        eol = strchr(entry, '\n');
        if (eol)
            *eol = '\0';
        colon = strstr(entry, " : ");
        if (colon) {
            *colon = '\0';
            snprintf(line, sizeof(line), "%s\tnvidia-%s\t%d\t%s", card, strtok(entry, " "),
                     free_vf, colon + 3);
            add_line(line);
        }
    }
}

/* the length of a vf_types() line's card and type, with their tabs */
static size_t
key_length(const char *line)
{
    return (size_t) (strchr(strchr(line, '\t') + 1, '\t') + 1 - line);
}

static int
floor_vf_types(void)
{
    each_nvidia_vf(vf_types);
    qsort(lines, n_lines, sizeof(*lines), cmp);
    for (size_t i = 0; i < n_lines;) {
        size_t key = key_length(lines[i]);
        size_t j = i, available = 0;

        /* a nameless line (a type that runs) sorts before the named ones */
        for (; j < n_lines && key_length(lines[j]) == key && strncmp(lines[j], lines[i], key) == 0;
             j++)
            available += lines[j][key] == '1';
        printf("%.*s%s\t%zu\n", (int) key, lines[i], lines[j - 1] + key + 2, available);
        i = j;
    }
    return 0;
}

/* the VFIO group nodes processes hold, "/dev/vfio/N" */
static char held[4096][32];
static size_t n_held;

static void
scan_holders(void)
{
    DIR *proc = opendir("/proc");
    struct dirent *p;

    if (proc == NULL)
        return;
    while ((p = readdir(proc)) != NULL) {
        char path[300];
        DIR *fds;
        struct dirent *f;

        if (p->d_name[0] < '0' || p->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "%s/fd", p->d_name);
        fds = fdopendir(openat(dirfd(proc), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (fds == NULL)
            continue;
        while ((f = readdir(fds)) != NULL) {
            char target[64];
            ssize_t n = readlinkat(dirfd(fds), f->d_name, target, sizeof(target) - 1);

            if (n > 10 && strncmp(target, "/dev/vfio/", 10) == 0 && n_held < 4096) {
                target[n] = '\0';
                strcpy(held[n_held++], target);
            }
        }
        closedir(fds);
    }
    closedir(proc);
}

static const char *
held_yes_no(const char *group)
{
    char node[600];

    snprintf(node, sizeof(node), "/dev/vfio/%s", group);
    for (size_t i = 0; i < n_held; i++) {
        if (strcmp(held[i], node) == 0)
            return "yes";
    }
    return "no";
}

static void
vf_list(int vffd, const char *vf, const char *card)
{
    char current[64], group[512], line[MAX_LINE];
    ssize_t n;

    read_at(vffd, "nvidia/current_vgpu_type", current, sizeof(current));
    if (strcmp(current, "0") == 0 || current[0] == '\0')
        return;
    n = readlinkat(vffd, "iommu_group", group, sizeof(group) - 1);
    group[n > 0 ? n : 0] = '\0';
    snprintf(line, sizeof(line), "%s\t%s\tnvidia-%s\t%s\t%s", vf, card, current, basename_of(group),
             held_yes_no(basename_of(group)));
    add_line(line);
}

static int
floor_vf_list(void)
{
    scan_holders();
    each_nvidia_vf(vf_list);
    print_sorted();
    return 0;
}

/* Active mdevs: uuid -> "parent\ttype\tgroup" in a sorted table. */
typedef struct {
    char uuid[40];
    char parent[256];
    char type[256];
    char group[32];
} Active;

static Active *active;
static size_t n_active, cap_active;

static int
cmp_active(const void *a, const void *b)
{
    return strcmp(((const Active *) a)->uuid, ((const Active *) b)->uuid);
}

static void
scan_active(void)
{
    DIR *bus = opendir("/sys/bus/mdev/devices");
    struct dirent *d;

    if (bus == NULL)
        return;
    while ((d = readdir(bus)) != NULL) {
        char target[4096], link[4096], path[128];
        Active *a;
        ssize_t n;
        char *slash;

        if (d->d_name[0] == '.' || strlen(d->d_name) != 36)
            continue;
        n = readlinkat(dirfd(bus), d->d_name, target, sizeof(target) - 1);
        if (n < 0)
            continue;
        target[n] = '\0';
        if (n_active == cap_active) {
            cap_active = cap_active ? cap_active * 2 : 1024;
            active = realloc(active, cap_active * sizeof(*active));
        }
        a = &active[n_active];
        memset(a, 0, sizeof(*a));
        strcpy(a->uuid, d->d_name);
        slash = strrchr(target, '/');
        if (slash == NULL)
            continue;
        *slash = '\0';
        snprintf(a->parent, sizeof(a->parent), "%s", basename_of(target));
        snprintf(path, sizeof(path), "%s/mdev_type", d->d_name);
        n = readlinkat(dirfd(bus), path, link, sizeof(link) - 1);
        if (n > 0) {
            link[n] = '\0';
            snprintf(a->type, sizeof(a->type), "%s", basename_of(link));
        }
        snprintf(path, sizeof(path), "%s/iommu_group", d->d_name);
        n = readlinkat(dirfd(bus), path, link, sizeof(link) - 1);
        if (n > 0) {
            link[n] = '\0';
            snprintf(a->group, sizeof(a->group), "%s", basename_of(link));
        }
        n_active++;
    }
    closedir(bus);
    qsort(active, n_active, sizeof(*active), cmp_active);
}

static void json_string(const char *text, const char *key, char *out, size_t size);

static int
floor_list(const char *conf)
{
    int conffd = open(conf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    scan_active();
    for (size_t i = 0; i < n_active; i++) {
        if (active[i].group[0] != '\0') {
            scan_holders();
            break;
        }
    }
    for (size_t i = 0; i < n_active; i++) {
        char line[MAX_LINE], path[512], text[8192], start[32] = "";
        int defined;

        /* only the running devices' definitions are needed */
        snprintf(path, sizeof(path), "%s/%s", active[i].parent, active[i].uuid);
        read_at(conffd, path, text, sizeof(text));
        defined = text[0] != '\0';
        if (defined)
            json_string(text, "\"start\"", start, sizeof(start));
        snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%s\t%s\t%s", active[i].parent,
                 active[i].uuid, active[i].type, active[i].group, defined ? "defined" : "-",
                 start, active[i].group[0] ? held_yes_no(active[i].group) : "-");
        add_line(line);
    }
    print_sorted();
    return 0;
}

/* The value of "key": "value" in a definition (the files are small and
 * written by one program; the floor does not need a general parser). */
static void
json_string(const char *text, const char *key, char *out, size_t size)
{
    const char *p = strstr(text, key);
    const char *end;

    out[0] = '\0';
    if (p == NULL)
        return;
    p = strchr(p + strlen(key), ':');
    if (p == NULL || (p = strchr(p, '"')) == NULL)
        return;
    p++;
    end = strchr(p, '"');
    if (end == NULL || (size_t) (end - p) >= size)
        return;
    memcpy(out, p, end - p);
    out[end - p] = '\0';
}

/* The parent a defined UUID is running on ("" when it is not running) and
 * its group: readlinks of its bus entry, without looking at any other mdev. */
static void
active_parent(int busfd, const char *uuid, char *parent, size_t size, char *group, size_t gsize)
{
    char target[4096], path[64];
    ssize_t n = readlinkat(busfd, uuid, target, sizeof(target) - 1);
    const char *name;
    char *slash;
    size_t len;

    parent[0] = '\0';
    group[0] = '\0';
    if (n <= 0)
        return;
    target[n] = '\0';
    slash = strrchr(target, '/');
    if (slash == NULL)
        return;
    *slash = '\0';
    name = basename_of(target);
    len = strlen(name);
    if (len < size)
        memcpy(parent, name, len + 1);
    snprintf(path, sizeof(path), "%s/iommu_group", uuid);
    n = readlinkat(busfd, path, target, sizeof(target) - 1);
    if (n > 0) {
        target[n] = '\0';
        name = basename_of(target);
        len = strlen(name);
        if (len < gsize)
            memcpy(group, name, len + 1);
    }
}

/* A definition's record, completed with the in-use state once every
 * definition is read (only then is it known whether /proc is needed). */
typedef struct {
    char line[1024];
    char group[32];
} Defined;

static int
floor_defined(const char *conf, int with_use)
{
    DIR *top = opendir(conf);
    int busfd = open("/sys/bus/mdev/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct dirent *p;
    Defined *defs = NULL;
    size_t n_defs = 0, cap_defs = 0;
    int any_group = 0;

    if (top == NULL)
        return 0;
    while ((p = readdir(top)) != NULL) {
        DIR *dir;
        struct dirent *d;

        if (p->d_name[0] == '.' || strcmp(p->d_name, "scripts.d") == 0)
            continue;
        dir = fdopendir(openat(dirfd(top), p->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dir == NULL)
            continue;
        while ((d = readdir(dir)) != NULL) {
            char text[8192], type[256], start[32], running[256];
            int attrs = 0, here;
            Defined *def;

            if (d->d_name[0] == '.' || strlen(d->d_name) != 36)
                continue;
            if (n_defs == cap_defs) {
                cap_defs = cap_defs ? cap_defs * 2 : 256;
                defs = realloc(defs, cap_defs * sizeof(*defs));
            }
            def = &defs[n_defs++];
            read_at(dirfd(dir), d->d_name, text, sizeof(text));
            json_string(text, "\"mdev_type\"", type, sizeof(type));
            json_string(text, "\"start\"", start, sizeof(start));
            for (const char *q = strstr(text, "\"attrs\""); q && (q = strchr(q + 1, '{'));)
                attrs++;
            running[0] = def->group[0] = '\0';
            if (with_use)
                active_parent(busfd, d->d_name, running, sizeof(running), def->group,
                              sizeof(def->group));
            here = strcmp(running, p->d_name) == 0;
            if (!here)
                def->group[0] = '\0';
            any_group |= def->group[0] != '\0';
            snprintf(def->line, sizeof(def->line), "%s\t%s\t%s\t%s\t%d\t%s", p->d_name,
                     d->d_name, type, start, attrs, here ? "active" : "-");
        }
        closedir(dir);
    }
    closedir(top);
    if (busfd >= 0)
        close(busfd);
    if (any_group)
        scan_holders();
    for (size_t i = 0; i < n_defs; i++) {
        char line[1200];

        snprintf(line, sizeof(line), "%s\t%s\t%s", defs[i].line, defs[i].group[0] ? defs[i].group : "-",
                 defs[i].group[0] ? held_yes_no(defs[i].group) : "-");
        add_line(line);
    }
    free(defs);
    print_sorted();
    return 0;
}

static int
floor_rss(const char *out, char **argv)
{
    struct rusage usage;
    int status;
    pid_t pid = fork();
    FILE *f;

    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &status, 0, &usage) < 0)
        return 1;
    f = fopen(out, "w");
    if (f == NULL)
        return 1;
    fprintf(f, "%ld\n", usage.ru_maxrss);
    fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int
main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "rss") == 0)
        return floor_rss(argv[2], argv + 3);
    if (argc >= 2 && strcmp(argv[1], "version") == 0)
        return puts("floor") == EOF;
    if (argc >= 2 && strcmp(argv[1], "vf-types") == 0)
        return floor_vf_types();
    if (argc >= 2 && strcmp(argv[1], "vf-list") == 0)
        return floor_vf_list();
    if (argc >= 2 && strcmp(argv[1], "types") == 0)
        return floor_types();
    if (argc >= 3 && strcmp(argv[1], "list") == 0)
        return floor_list(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "defined") == 0)
        return floor_defined(argv[2], 1);
    if (argc >= 3 && strcmp(argv[1], "defined-ctl") == 0)
        return floor_defined(argv[2], 0);
    fprintf(stderr, "usage: floor version | types | list CONF_DIR | defined CONF_DIR | "
                    "defined-ctl CONF_DIR | rss FILE CMD...\n");
    return 2;
}
