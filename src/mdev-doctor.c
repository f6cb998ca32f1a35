/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-doctor.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-placement.h"
#include "mdev-store.h"
#include "mdev-util.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

/* Plain file reads: under umockdev (tests, the simulated kernel) the /sys
 * paths land in the testbed, as libudev's do. */
#define SYS_PCI_DEVICES "/sys/bus/pci/devices"
#define SYS_CSS_DEVICES "/sys/bus/css/devices"
#define SYS_AP_BUS "/sys/bus/ap"
#define SYS_AP_MATRIX "/sys/devices/vfio_ap/matrix"
#define SYS_CLASS_IOMMU "/sys/class/iommu"
#define SYS_MODULE "/sys/module"

#define NVIDIA_VENDOR "0x10de"
#define SRIOV_MANAGE "/usr/lib/nvidia/sriov-manage"

static const char *const severity_names[] = { "info", "warning", "error" };
G_STATIC_ASSERT(G_N_ELEMENTS(severity_names) == MDEV_SEVERITY_LAST);

const char *
mdev_severity_to_string(MdevSeverity severity)
{
    g_return_val_if_fail(severity < MDEV_SEVERITY_LAST, NULL);
    return severity_names[severity];
}

/**
 * mdev_finding_new:
 *
 * Returns: (transfer full): a finding that concerns the whole host; set
 *   @parent and @type when it concerns one of them
 */
MdevFinding *
mdev_finding_new(MdevSeverity severity, const char *subject, const char *problem, const char *fix)
{
    MdevFinding *finding = g_new0(MdevFinding, 1);

    finding->severity = severity;
    finding->subject = g_strdup(subject);
    finding->problem = g_strdup(problem);
    finding->fix = g_strdup(fix);
    return finding;
}

void
mdev_finding_free(MdevFinding *finding)
{
    if (finding == NULL)
        return;
    g_free(finding->subject);
    g_free(finding->problem);
    g_free(finding->fix);
    g_free(finding->parent);
    g_free(finding->type);
    g_free(finding);
}

/* A device of a bus as doctor needs it, whether or not it is a parent. */
typedef struct {
    char *name;
    char *driver;
    char *vendor;
    char *class_code;
    char *physfn;
    gboolean has_iommu_group;
    gint64 sriov_totalvfs;
    gint64 sriov_numvfs;
} BusDevice;

static void
bus_device_free(BusDevice *dev)
{
    g_free(dev->name);
    g_free(dev->driver);
    g_free(dev->vendor);
    g_free(dev->class_code);
    g_free(dev->physfn);
    g_free(dev);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(BusDevice, bus_device_free)

typedef struct {
    MdevContext *ctx;
    MdevInventory *inv;
    GPtrArray *definitions; /* MdevDevice */
    GPtrArray *store_problems;
    GPtrArray *pci;      /* BusDevice */
    GPtrArray *css;      /* BusDevice */
    GHashTable *modules; /* loaded module names */
    gboolean modules_readable;
    GStrv cmdline;
    GPtrArray *findings;
} Doctor;

static void
doctor_clear(Doctor *d)
{
    g_clear_pointer(&d->inv, mdev_inventory_free);
    g_clear_pointer(&d->definitions, g_ptr_array_unref);
    g_clear_pointer(&d->store_problems, g_ptr_array_unref);
    g_clear_pointer(&d->pci, g_ptr_array_unref);
    g_clear_pointer(&d->css, g_ptr_array_unref);
    g_clear_pointer(&d->modules, g_hash_table_unref);
    g_clear_pointer(&d->cmdline, g_strfreev);
    g_clear_pointer(&d->findings, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Doctor, doctor_clear)

static MdevFinding *
add(Doctor *d, MdevSeverity severity, const char *parent, const char *type, const char *subject,
    char *problem, char *fix)
{
    MdevFinding *finding = mdev_finding_new(severity, subject, problem, fix);

    finding->parent = g_strdup(parent);
    finding->type = g_strdup(type);
    g_free(problem);
    g_free(fix);
    g_ptr_array_add(d->findings, finding);
    return finding;
}

/* ------------------------------------------------------------ host reads */

static char *
read_value(const char *path)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strdup(g_strstrip(text));
}

static char *
read_attr(const char *dir, const char *name, const char *attr)
{
    g_autofree char *path = g_build_filename(dir, name, attr, NULL);

    return read_value(path);
}

static char *
link_name(const char *dir, const char *name, const char *link)
{
    g_autofree char *path = g_build_filename(dir, name, link, NULL);
    g_autofree char *target = g_file_read_link(path, NULL);

    return target ? g_path_get_basename(target) : NULL;
}

static gboolean
exists(const char *dir, const char *name, const char *entry)
{
    g_autofree char *path = g_build_filename(dir, name, entry, NULL);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static gint64
read_int(const char *dir, const char *name, const char *attr)
{
    g_autofree char *text = read_attr(dir, name, attr);
    gint64 value;

    if (text == NULL || !g_ascii_string_to_signed(text, 10, 0, G_MAXINT64, &value, NULL))
        return -1;
    return value;
}

static gboolean
dir_has_entries(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);

    return dir && g_dir_read_name(dir) != NULL;
}

static int
compare_bus_devices(gconstpointer a, gconstpointer b)
{
    const BusDevice *x = *(BusDevice *const *) a;
    const BusDevice *y = *(BusDevice *const *) b;

    return strcmp(x->name, y->name);
}

static GPtrArray *
scan_bus(const char *path)
{
    GPtrArray *devices = g_ptr_array_new_with_free_func((GDestroyNotify) bus_device_free);
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autoptr(BusDevice) dev = g_new0(BusDevice, 1);

        dev->name = g_strdup(name);
        dev->driver = link_name(path, name, "driver");
        dev->vendor = read_attr(path, name, "vendor");
        dev->class_code = read_attr(path, name, "class");
        dev->physfn = link_name(path, name, "physfn");
        dev->has_iommu_group = exists(path, name, "iommu_group");
        dev->sriov_totalvfs = read_int(path, name, "sriov_totalvfs");
        dev->sriov_numvfs = read_int(path, name, "sriov_numvfs");
        g_ptr_array_add(devices, g_steal_pointer(&dev));
    }
    g_ptr_array_sort(devices, compare_bus_devices);
    return devices;
}

static char *
proc_path(Doctor *d, const char *name)
{
    return g_build_filename(mdev_context_get_proc_dir(d->ctx), name, NULL);
}

static void
read_modules(Doctor *d)
{
    g_autofree char *path = proc_path(d, "modules");
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    d->modules = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return;
    d->modules_readable = TRUE;
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        const char *space = strchr(lines[i], ' ');
        if (space && space > lines[i])
            g_hash_table_add(d->modules, g_strndup(lines[i], (gsize) (space - lines[i])));
    }
}

/* Built-in modules are not in /proc/modules; those with parameters or
 * sysfs files still have a /sys/module directory. */
static gboolean
module_loaded(Doctor *d, const char *module)
{
    return g_hash_table_contains(d->modules, module) || exists(SYS_MODULE, module, NULL);
}

static void
read_cmdline(Doctor *d)
{
    g_autofree char *path = proc_path(d, "cmdline");
    g_autofree char *text = read_value(path);

    d->cmdline = text ? g_strsplit_set(text, " \t\n", -1) : g_new0(char *, 1);
}

static const char *
cmdline_find(Doctor *d, const char *const *words)
{
    for (guint i = 0; d->cmdline[i]; i++) {
        if (g_strv_contains(words, d->cmdline[i]))
            return d->cmdline[i];
    }
    return NULL;
}

static gboolean
process_running(Doctor *d, const char *comm)
{
    const char *proc = mdev_context_get_proc_dir(d->ctx);
    g_autoptr(GDir) dir = g_dir_open(proc, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *value = NULL;

        if (!g_ascii_isdigit(name[0]))
            continue;
        value = read_attr(proc, name, "comm");
        if (g_strcmp0(value, comm) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean
systemd_runs(Doctor *d)
{
    const char *proc = mdev_context_get_proc_dir(d->ctx);
    g_autofree char *init = read_attr(proc, "1", "comm");

    return g_strcmp0(init, "systemd") == 0;
}

static BusDevice *
find_bus_device(GPtrArray *devices, const char *name)
{
    for (guint i = 0; i < devices->len; i++) {
        BusDevice *dev = g_ptr_array_index(devices, i);
        if (strcmp(dev->name, name) == 0)
            return dev;
    }
    return NULL;
}

static gboolean
is_registered(Doctor *d, const char *name)
{
    MdevParent *parent = mdev_inventory_get_parent(d->inv, name);

    return parent && parent->registered;
}

static gboolean
device_exists(Doctor *d, const char *name)
{
    return mdev_inventory_get_parent(d->inv, name) || find_bus_device(d->pci, name) ||
           find_bus_device(d->css, name) ||
           (strcmp(name, "matrix") == 0 && g_file_test(SYS_AP_MATRIX, G_FILE_TEST_EXISTS));
}

static gboolean
is_gpu(const BusDevice *dev)
{
    return dev->class_code && g_str_has_prefix(dev->class_code, "0x03");
}

static gboolean
is_defined_on(Doctor *d, const char *parent)
{
    for (guint i = 0; i < d->definitions->len; i++) {
        const MdevDevice *def = g_ptr_array_index(d->definitions, i);
        if (strcmp(def->parent, parent) == 0)
            return TRUE;
    }
    return FALSE;
}

/* ---------------------------------------------------------------- checks */

static void
check_iommu(Doctor *d)
{
    const char *const off_words[] = { "intel_iommu=off", "amd_iommu=off", "iommu=off", NULL };
    const char *const pt_words[] = { "iommu=pt", "iommu.passthrough=1", NULL };
    gboolean groups = dir_has_entries(SYS_CLASS_IOMMU);
    gboolean needed = FALSE;
    const char *word;

    if (d->pci->len == 0)
        return;
    for (guint i = 0; i < d->pci->len; i++) {
        const BusDevice *dev = g_ptr_array_index(d->pci, i);

        groups = groups || dev->has_iommu_group;
        needed = needed || is_gpu(dev) || is_registered(d, dev->name);
    }
    if (!groups) {
        word = cmdline_find(d, off_words);
        add(d, needed ? MDEV_SEVERITY_ERROR : MDEV_SEVERITY_WARNING, NULL, NULL, "IOMMU",
            word ? g_strdup_printf(_("the IOMMU is off ('%s' on the kernel command line): no "
                                     "PCI device has an IOMMU group, so VFIO cannot isolate "
                                     "GPUs and their VFs"),
                                   word)
                 : g_strdup(_("no IOMMU is active: no PCI device has an IOMMU group, so VFIO "
                              "cannot isolate GPUs and their VFs")),
            word ? g_strdup_printf(_("remove '%s' from the kernel command line and reboot"), word)
                 : g_strdup(_("enable VT-d or AMD-Vi in the firmware, add intel_iommu=on "
                              "(Intel) to the kernel command line and reboot")));
        return;
    }
    word = cmdline_find(d, pt_words);
    if (word) {
        add(d, MDEV_SEVERITY_INFO, NULL, NULL, "IOMMU",
            g_strdup_printf(_("the IOMMU is in passthrough mode ('%s'): host drivers bypass "
                              "translation, while the devices VFIO hands to guests stay "
                              "isolated"),
                            word),
            g_strdup_printf(_("nothing for mdevs; remove '%s' from the kernel command line if "
                              "the GPU vendor's guide asks for full translation"),
                            word));
    }
}

static void
check_modules(Doctor *d)
{
    const char *const required[] = { "vfio", "vfio_iommu_type1", "mdev" };
    g_autofree char *path = proc_path(d, "modules");

    if (!d->modules_readable) {
        add(d, MDEV_SEVERITY_WARNING, NULL, NULL, path,
            g_strdup_printf(_("cannot read '%s': whether the vfio and mdev modules are loaded "
                              "is unknown"),
                            path),
            NULL);
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS(required); i++) {
        if (module_loaded(d, required[i]))
            continue;
        add(d, MDEV_SEVERITY_ERROR, NULL, NULL, required[i],
            g_strdup_printf(_("the kernel module '%s' is not loaded: no mdev can be created "
                              "or used without it"),
                            required[i]),
            g_strdup_printf(_("run 'modprobe %1$s' and list %1$s in /etc/modules-load.d/ to "
                              "load it at boot"),
                            required[i]));
    }
}

/* A rule is active when the first rules directory that has its name holds
 * a real rule: /dev/null or an empty file there masks it (udev(7)). */
static char *
active_rule(Doctor *d, const char *name)
{
    const char *const *dirs = mdev_context_get_udev_rules_dirs(d->ctx);

    for (guint i = 0; dirs[i]; i++) {
        g_autofree char *path = g_build_filename(dirs[i], name, NULL);
        g_autofree char *target = NULL;
        GStatBuf st;

        if (g_stat(path, &st) < 0) {
            if (g_file_test(path, G_FILE_TEST_IS_SYMLINK))
                return NULL;
            continue;
        }
        target = g_file_read_link(path, NULL);
        if (g_strcmp0(target, "/dev/null") == 0 || st.st_size == 0)
            return NULL;
        return g_steal_pointer(&path);
    }
    return NULL;
}

static void
check_udev_rules(Doctor *d)
{
    const char *const *dirs = mdev_context_get_udev_rules_dirs(d->ctx);
    g_autofree char *mdevctl = active_rule(d, "60-mdevctl.rules");
    g_autofree char *mdevtool = active_rule(d, "60-mdevtool.rules");
    g_autofree char *mask = NULL;

    if (mdevctl == NULL || mdevtool == NULL || dirs[0] == NULL)
        return;
    /* the first directory wins over the others, the packaged rule included */
    mask = g_build_filename(dirs[0], "60-mdevctl.rules", NULL);
    add(d, MDEV_SEVERITY_WARNING, NULL, NULL, "60-mdevctl.rules",
        g_strdup_printf(_("mdevctl's udev rule ('%1$s') and mdevtool's ('%2$s') are both "
                          "active: both start the autostart mdevs of every parent that "
                          "registers, and the one that comes second logs failures for "
                          "devices the other started"),
                        mdevctl, mdevtool),
        g_strdup_printf(_("mask mdevctl's rule: ln -sf /dev/null %s"), mask));
}

static void
check_gvt(Doctor *d, const BusDevice *dev)
{
    g_autofree char *enabled = NULL;

    if (g_strcmp0(dev->driver, "i915") != 0 || !is_gpu(dev) || is_registered(d, dev->name))
        return;
    enabled = read_attr(SYS_MODULE, "i915", "parameters/enable_gvt");
    if (g_strcmp0(enabled, "Y") != 0) {
        add(d, MDEV_SEVERITY_ERROR, dev->name, NULL, dev->name,
            g_strdup(_("GVT-g is off: i915 drives the GPU but does not offer it to the mdev "
                       "core (the enable_gvt parameter of i915 is not set)")),
            g_strdup(_("add i915.enable_gvt=1 to the kernel command line, load the kvmgt "
                       "module at boot and reboot")));
    } else if (!module_loaded(d, "kvmgt")) {
        add(d, MDEV_SEVERITY_ERROR, dev->name, NULL, dev->name,
            g_strdup(_("GVT-g is on, but the kvmgt module, which registers the GPU with the "
                       "mdev core, is not loaded")),
            g_strdup(_("run 'modprobe kvmgt' and list kvmgt in /etc/modules-load.d/")));
    }
}

static void
check_nvidia_sriov(Doctor *d, const BusDevice *dev)
{
    if (g_strcmp0(dev->vendor, NVIDIA_VENDOR) != 0 || dev->physfn != NULL ||
        dev->sriov_totalvfs <= 0 || dev->sriov_numvfs != 0)
        return;
    /* NVIDIA's driver may refuse a raw sriov_numvfs write (it wants its
     * unbind lock), so its own tool comes first */
    add(d, MDEV_SEVERITY_ERROR, dev->name, NULL, dev->name,
        g_strdup_printf(_("the GPU supports SR-IOV (%u VFs) but has none enabled: its vGPUs "
                          "live on VFs, so it offers no vGPU types"),
                        (guint) dev->sriov_totalvfs),
        g_strdup_printf(_("run '%1$s -e %2$s', or where the driver allows it 'echo %3$u > "
                          "/sys/bus/pci/devices/%2$s/sriov_numvfs' (at boot: the "
                          "nvidia-sriov-manage@ unit of the vGPU host driver)"),
                        SRIOV_MANAGE, dev->name, (guint) dev->sriov_totalvfs));
}

static void
check_nvidia_daemons(Doctor *d)
{
    static const struct {
        const char *name;
        MdevSeverity severity;
        const char *problem;
    } daemons[] = {
        { "nvidia-vgpu-mgr", MDEV_SEVERITY_ERROR,
          N_("the NVIDIA vGPU manager daemon is not running: vGPUs cannot be created or "
             "started") },
        { "nvidia-vgpud", MDEV_SEVERITY_WARNING,
          N_("the NVIDIA vGPU daemon is not running: host drivers that ship it need it to "
             "offer vGPU types") },
    };
    gboolean nvidia = FALSE;
    gboolean systemd = systemd_runs(d);

    for (guint i = 0; i < d->pci->len && !nvidia; i++) {
        const BusDevice *dev = g_ptr_array_index(d->pci, i);
        nvidia =
            g_strcmp0(dev->vendor, NVIDIA_VENDOR) == 0 && g_strcmp0(dev->driver, "nvidia") == 0;
    }
    if (!nvidia)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(daemons); i++) {
        if (process_running(d, daemons[i].name))
            continue;
        add(d, daemons[i].severity, NULL, NULL, daemons[i].name, g_strdup(_(daemons[i].problem)),
            systemd ? g_strdup_printf(_("run 'systemctl enable --now %s.service'"), daemons[i].name)
                    : g_strdup_printf(_("start %s, which comes with the NVIDIA vGPU host "
                                        "driver"),
                                      daemons[i].name));
    }
}

static void
check_s390(Doctor *d, const char *subject)
{
    guint bound = 0;

    for (guint i = 0; i < d->css->len; i++) {
        const BusDevice *dev = g_ptr_array_index(d->css, i);

        if (g_strcmp0(dev->driver, "vfio_ccw") == 0) {
            bound++;
            continue;
        }
        if (g_strcmp0(subject, dev->name) != 0 && !is_defined_on(d, dev->name))
            continue;
        add(d, MDEV_SEVERITY_ERROR, dev->name, NULL, dev->name,
            dev->driver ? g_strdup_printf(_("the subchannel is bound to '%s', not to vfio_ccw, "
                                            "so it offers no mdev types"),
                                          dev->driver)
                        : g_strdup(_("the subchannel is bound to no driver, not to vfio_ccw, so "
                                     "it offers no mdev types")),
            g_strdup_printf(_("run 'driverctl -b css set-override %s vfio_ccw'"), dev->name));
    }
    if (d->css->len > 0 && bound == 0) {
        add(d, MDEV_SEVERITY_INFO, NULL, NULL, "vfio_ccw",
            g_strdup(_("no I/O subchannel is bound to vfio_ccw, so none can host a vfio-ccw "
                       "mdev")),
            g_strdup(_("bind each subchannel to pass through: driverctl -b css set-override "
                       "SUBCHANNEL vfio_ccw")));
    }
    if ((d->css->len > 0 || g_file_test(SYS_AP_BUS, G_FILE_TEST_IS_DIR)) &&
        !g_file_test(SYS_AP_MATRIX, G_FILE_TEST_EXISTS)) {
        gboolean loaded = module_loaded(d, "vfio_ap");

        add(d, is_defined_on(d, "matrix") ? MDEV_SEVERITY_ERROR : MDEV_SEVERITY_WARNING, "matrix",
            NULL, "matrix",
            loaded ? g_strdup(_("the vfio_ap module is loaded but there is no vfio_ap matrix "
                                "device, so no vfio-ap mdev can be created"))
                   : g_strdup(_("there is no vfio_ap matrix device (the vfio_ap module is not "
                                "loaded), so no vfio-ap mdev can be created")),
            loaded ? g_strdup(_("reload the module: modprobe -r vfio_ap && modprobe vfio_ap"))
                   : g_strdup(_("run 'modprobe vfio_ap' and list vfio_ap in "
                                "/etc/modules-load.d/")));
    }
}

/* The parents that share capacity: the VFs of one physical function, or a
 * parent on its own. */
static const char *
group_of(const MdevParent *parent)
{
    return parent->physfn ? parent->physfn : parent->name;
}

static void
check_full_types(Doctor *d)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < d->inv->parents->len; i++) {
        const MdevParent *first = g_ptr_array_index(d->inv->parents, i);
        const char *group = group_of(first);

        if (!first->registered)
            continue;
        for (guint t = 0; t < first->types->len; t++) {
            const MdevType *type = g_ptr_array_index(first->types, t);
            g_autofree char *key = g_strdup_printf("%s/%s", group, type->id);
            g_autoptr(GString) holders = g_string_new(NULL);
            guint members = 0;
            gboolean full = TRUE;
            const char *where;

            if (!g_hash_table_add(seen, g_steal_pointer(&key)))
                continue;
            for (guint j = i; j < d->inv->parents->len && full; j++) {
                const MdevParent *p = g_ptr_array_index(d->inv->parents, j);
                const MdevType *pt;

                if (!p->registered || strcmp(group_of(p), group) != 0)
                    continue;
                pt = mdev_parent_get_type(p, type->id);
                if (pt == NULL)
                    continue;
                members++;
                full = pt->available_instances == 0;
            }
            if (!full)
                continue;
            /* one VF alone is named itself, not by its physical function */
            where = members > 1 ? group : first->name;
            for (guint k = 0; k < d->inv->devices->len; k++) {
                const MdevDevice *dev = g_ptr_array_index(d->inv->devices, k);
                const MdevParent *p = mdev_inventory_get_parent(d->inv, dev->parent);

                if (!dev->active || p == NULL || strcmp(group_of(p), group) != 0)
                    continue;
                g_string_append_printf(holders, "%s%s (%s)", holders->len ? ", " : "", dev->uuid,
                                       dev->type ? dev->type : "?");
            }
            add(d, MDEV_SEVERITY_WARNING, group, type->id, type->id,
                holders->len == 0
                    ? g_strdup_printf(_("type '%1$s' has no free instance on %2$s, and no "
                                        "mdev holds its capacity"),
                                      type->id, where)
                : members > 1
                    ? g_strdup_printf(_("type '%1$s' has no free instance on the %2$u VFs of "
                                        "%3$s; their capacity is held by %4$s"),
                                      type->id, members, group, holders->str)
                    : g_strdup_printf(_("type '%1$s' has no free instance on %2$s; its "
                                        "capacity is held by %3$s"),
                                      type->id, where, holders->str),
                holders->len == 0
                    ? NULL
                    : g_strdup(_("stop a device that holds it ('mdevtool stop UUID') or create "
                                 "the mdev on another parent")));
        }
    }
}

static void
check_definitions(Doctor *d, const char *subject)
{
    for (guint i = 0; i < d->store_problems->len; i++) {
        add(d, MDEV_SEVERITY_WARNING, NULL, NULL, mdev_context_get_conf_dir(d->ctx),
            g_strdup(g_ptr_array_index(d->store_problems, i)),
            g_strdup(_("correct or remove the definition file")));
    }
    for (guint i = 0; i < d->definitions->len; i++) {
        const MdevDevice *def = g_ptr_array_index(d->definitions, i);
        const MdevParent *parent = mdev_inventory_get_parent(d->inv, def->parent);

        if (parent && parent->registered) {
            if (def->type == NULL || mdev_parent_get_type(parent, def->type))
                continue;
            add(d, MDEV_SEVERITY_ERROR, def->parent, def->type, def->uuid,
                g_strdup_printf(_("the definition can never start: it names type '%1$s', "
                                  "which %2$s does not offer"),
                                def->type, def->parent),
                g_strdup_printf(_("change its type ('mdevtool modify %1$s --parent %2$s "
                                  "--type TYPE') or undefine it"),
                                def->uuid, def->parent));
        } else if (device_exists(d, def->parent)) {
            add(d, MDEV_SEVERITY_WARNING, def->parent, def->type, def->uuid,
                g_strdup_printf(_("the definition cannot start until %s registers with the "
                                  "mdev core"),
                                def->parent),
                g_strcmp0(subject, def->parent) == 0
                    ? NULL
                    : g_strdup_printf(_("run 'mdevtool doctor %s'"), def->parent));
        } else {
            add(d, MDEV_SEVERITY_ERROR, def->parent, def->type, def->uuid,
                g_strdup_printf(_("the definition can never start: its parent '%s' does not "
                                  "exist on this host"),
                                def->parent),
                g_strdup_printf(_("undefine it ('mdevtool undefine %1$s --parent %2$s') or "
                                  "define it again on an existing parent"),
                                def->uuid, def->parent));
        }
    }
}

static void
check_unexplained(Doctor *d, const char *subject)
{
    const BusDevice *dev;

    if (is_registered(d, subject))
        return;
    for (guint i = 0; i < d->findings->len; i++) {
        const MdevFinding *f = g_ptr_array_index(d->findings, i);
        if (g_strcmp0(f->parent, subject) == 0 && f->severity > MDEV_SEVERITY_INFO)
            return;
    }
    dev = find_bus_device(d->pci, subject);
    if (dev == NULL)
        dev = find_bus_device(d->css, subject);
    add(d, MDEV_SEVERITY_INFO, subject, NULL, subject,
        dev && dev->driver
            ? g_strdup_printf(_("the device is not registered with the mdev core: its driver "
                                "'%s' offers no mdev types for it"),
                              dev->driver)
            : g_strdup(_("the device is not registered with the mdev core and is bound to no "
                         "driver")),
        NULL);
}

/* -------------------------------------------------------------- subject */

typedef struct {
    char *parent; /* the parent or device the findings are narrowed to */
    char *type;   /* or the type id */
} Scope;

static gboolean
resolve_subject(Doctor *d, const char *subject, Scope *scope, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autofree char *type = NULL;

    if (subject == NULL)
        return TRUE;
    if (device_exists(d, subject) || is_defined_on(d, subject)) {
        scope->parent = g_strdup(subject);
        return TRUE;
    }
    type = mdev_placement_resolve_type(d->inv, NULL, subject, &local);
    if (type) {
        scope->type = g_steal_pointer(&type);
        return TRUE;
    }
    if (g_error_matches(local, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                _("no parent, device or mdev type named '%s' on this host"), subject);
    return FALSE;
}

static gboolean
in_scope(Doctor *d, const MdevFinding *f, const Scope *scope)
{
    const MdevParent *parent;

    if (scope->parent == NULL && scope->type == NULL)
        return TRUE;
    if (f->parent == NULL && f->type == NULL)
        return TRUE;
    if (scope->type)
        return g_strcmp0(f->type, scope->type) == 0;
    if (g_strcmp0(f->parent, scope->parent) == 0)
        return TRUE;
    /* a VF's findings are filed under its physical function */
    parent = mdev_inventory_get_parent(d->inv, scope->parent);
    return parent && parent->physfn && g_strcmp0(f->parent, parent->physfn) == 0;
}

/**
 * mdev_doctor_check:
 * @ctx: a context
 * @subject: (nullable): a parent, a device that is no parent (yet), or a
 *   type (id or name) to narrow the findings to; host-wide findings are
 *   always kept
 * @error: return location for a #GError
 *
 * Looks at what stands between the host and working mdevs: the IOMMU, the
 * vfio and mdev modules, the vendor drivers' mdev modes (GVT-g, NVIDIA's
 * SR-IOV and daemons, vfio_ccw, vfio_ap), full types and who holds them,
 * definitions that cannot start, and udev rules that fight. Reads sysfs,
 * the context's proc directory and udev rules directories, and the store.
 *
 * Returns: (transfer full) (element-type MdevFinding): the findings, most
 *   general first; %NULL with %MDEV_ERROR_NOT_FOUND when @subject names
 *   nothing, or when the host cannot be scanned
 */
GPtrArray *
mdev_doctor_check(MdevContext *ctx, const char *subject, GError **error)
{
    g_auto(Doctor) d = { .ctx = ctx };
    Scope scope = { NULL, NULL };
    GPtrArray *result;

    g_return_val_if_fail(ctx != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    d.inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES, NULL, error);
    if (d.inv == NULL)
        return NULL;
    d.store_problems = g_ptr_array_new_with_free_func(g_free);
    d.definitions = mdev_store_load(ctx, NULL, NULL, d.store_problems, error);
    if (d.definitions == NULL)
        return NULL;
    d.pci = scan_bus(SYS_PCI_DEVICES);
    d.css = scan_bus(SYS_CSS_DEVICES);
    read_modules(&d);
    read_cmdline(&d);
    d.findings = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_finding_free);

    if (!resolve_subject(&d, subject, &scope, error))
        return NULL;

    check_iommu(&d);
    check_modules(&d);
    check_udev_rules(&d);
    check_nvidia_daemons(&d);
    for (guint i = 0; i < d.pci->len; i++) {
        check_gvt(&d, g_ptr_array_index(d.pci, i));
        check_nvidia_sriov(&d, g_ptr_array_index(d.pci, i));
    }
    check_s390(&d, scope.parent);
    check_full_types(&d);
    check_definitions(&d, scope.parent);
    if (scope.parent && device_exists(&d, scope.parent))
        check_unexplained(&d, scope.parent);

    result = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_finding_free);
    for (guint i = 0; i < d.findings->len; i++) {
        if (in_scope(&d, g_ptr_array_index(d.findings, i), &scope))
            g_ptr_array_add(result, g_ptr_array_steal_index(d.findings, i--));
    }
    g_free(scope.parent);
    g_free(scope.type);
    return result;
}

/**
 * mdev_doctor_has_errors:
 * @findings: (element-type MdevFinding): what mdev_doctor_check() returned
 *
 * Returns: whether a finding of error severity is among them
 */
gboolean
mdev_doctor_has_errors(const GPtrArray *findings)
{
    for (guint i = 0; i < findings->len; i++) {
        const MdevFinding *f = g_ptr_array_index((GPtrArray *) findings, i);
        if (f->severity == MDEV_SEVERITY_ERROR)
            return TRUE;
    }
    return FALSE;
}
