/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-discovery.h"

#include "mdev-error.h"
#include "mdev-nvidia.h"
#include "mdev-sysfs.h"
#include "mdev-udev.h"
#include "mdev-util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The scan reads sysfs the way the kernel documents it and nothing more:
 * one openat()+read()+close() per attribute relative to a directory fd, one
 * readlinkat() per link, no realpath() (which costs one readlink per path
 * component and dominates other tools' listing time) and no second pass over
 * anything. libudev finds devices that are not registered parents yet (an
 * enumeration by name, only when a caller names one); the monitor uses it
 * for events. */

MdevInventory *
mdev_inventory_new(void)
{
    MdevInventory *inv = g_new0(MdevInventory, 1);

    inv->parents = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_parent_free);
    inv->devices = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    inv->problems = g_ptr_array_new_with_free_func(g_free);
    inv->vgpus = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    return inv;
}

void
mdev_inventory_free(MdevInventory *inv)
{
    if (inv == NULL)
        return;
    g_ptr_array_unref(inv->parents);
    g_ptr_array_unref(inv->devices);
    g_ptr_array_unref(inv->problems);
    g_ptr_array_unref(inv->vgpus);
    g_free(inv);
}

/**
 * mdev_inventory_get_parent:
 * @inv: an inventory
 * @name: a parent's kernel name
 *
 * Returns: (transfer none) (nullable): the parent called @name
 */
MdevParent *
mdev_inventory_get_parent(MdevInventory *inv, const char *name)
{
    g_return_val_if_fail(inv != NULL, NULL);
    g_return_val_if_fail(name != NULL, NULL);

    for (guint i = 0; i < inv->parents->len; i++) {
        MdevParent *parent = g_ptr_array_index(inv->parents, i);
        if (strcmp(parent->name, name) == 0)
            return parent;
    }
    return NULL;
}

/**
 * mdev_inventory_get_device:
 * @inv: an inventory
 * @uuid: a canonical UUID
 * @parent: (nullable): a parent name, or %NULL for any parent
 *
 * A UUID may be defined under several parents; without @parent the first
 * in sort order (an active record if there is one) is returned.
 *
 * Returns: (transfer none) (nullable): the device
 */
MdevDevice *
mdev_inventory_get_device(MdevInventory *inv, const char *uuid, const char *parent)
{
    MdevDevice *found = NULL;

    g_return_val_if_fail(inv != NULL, NULL);
    g_return_val_if_fail(uuid != NULL, NULL);

    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);
        if (strcmp(device->uuid, uuid) != 0)
            continue;
        if (parent && strcmp(device->parent, parent) != 0)
            continue;
        if (device->active)
            return device;
        if (found == NULL)
            found = device;
    }
    return found;
}

static char *
device_key(const MdevDevice *device)
{
    return g_strconcat(device->parent, "/", device->uuid, NULL);
}

/**
 * mdev_inventory_add_definitions:
 * @inv: an inventory
 * @defined: (element-type MdevDevice) (transfer none): definitions from the store
 *
 * Merges definitions into the device list: a definition with the UUID and
 * parent of an active mdev marks that record defined (with the definition's
 * start mode and attributes); the type stays the one sysfs shows, since the
 * running device is the truth about itself. Other definitions are added as
 * inactive records. The list stays sorted by parent, then UUID.
 */
void
mdev_inventory_add_definitions(MdevInventory *inv, GPtrArray *defined)
{
    g_autoptr(GHashTable) index = NULL;

    g_return_if_fail(inv != NULL);
    if (defined == NULL || defined->len == 0)
        return;

    index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *device = g_ptr_array_index(inv->devices, i);
        g_hash_table_insert(index, device_key(device), device);
    }
    for (guint i = 0; i < defined->len; i++) {
        const MdevDevice *def = g_ptr_array_index(defined, i);
        g_autofree char *key = device_key(def);
        MdevDevice *device = g_hash_table_lookup(index, key);

        if (device == NULL) {
            device = mdev_device_copy(def);
            device->defined = TRUE;
            device->active = FALSE;
            device->iommu_group = -1;
            g_clear_pointer(&device->driver, g_free);
            g_clear_pointer(&device->syspath, g_free);
            g_ptr_array_add(inv->devices, device);
            g_hash_table_insert(index, g_steal_pointer(&key), device);
            continue;
        }
        device->defined = TRUE;
        device->autostart = def->autostart;
        if (device->type == NULL)
            device->type = g_strdup(def->type);
        g_ptr_array_unref(device->attrs);
        device->attrs = mdev_attr_array_copy(def->attrs);
    }
    g_ptr_array_sort(inv->devices, mdev_device_compare);
}

static void
add_problem(MdevInventory *inv, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
add_problem(MdevInventory *inv, const char *format, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_debug("%s", msg);
    g_ptr_array_add(inv->problems, msg);
}

static const char *
last_component(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* Joins a directory and a relative link target and folds "." and ".."
 * textually. Correct for sysfs links because the directories they are
 * relative to (/sys/class/mdev_bus, /sys/bus/mdev/devices) are real
 * directories, and it costs no system call. */
static char *
resolve_link(const char *dir, const char *target)
{
    gsize dlen = strlen(dir);
    char *out;
    gsize len;
    const char *p = target;

    if (target[0] == '/')
        return g_strdup(target);
    out = g_malloc(dlen + strlen(target) + 2);
    memcpy(out, dir, dlen + 1);
    len = dlen;
    while (*p) {
        const char *end = strchrnul(p, '/');
        gsize n = end - p;

        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the slash */
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
        }
        p = *end ? end + 1 : end;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return out;
}

/* The component before the last one of a link target: the parent's name
 * for "../../../devices/<...>/<parent>/<uuid>". */
static char *
second_to_last_component(const char *target)
{
    const char *end = strrchr(target, '/');
    const char *start;

    if (end == NULL || end == target)
        return NULL;
    start = end;
    while (start > target && start[-1] != '/')
        start--;
    if (end - start == 0 || (end - start == 2 && start[0] == '.' && start[1] == '.'))
        return NULL;
    return g_strndup(start, end - start);
}

static int
parse_int(const char *text, int fallback)
{
    gint64 value;
    char *end = NULL;

    if (text == NULL || *text == '\0')
        return fallback;
    value = g_ascii_strtoll(text, &end, 10);
    if (end == text || *end != '\0' || value < G_MININT || value > G_MAXINT)
        return fallback;
    return (int) value;
}

static int
link_number(int dirfd, const char *path)
{
    char buf[PATH_MAX];

    if (mdev_sysfs_read_link(dirfd, path, buf, sizeof(buf)) < 0)
        return -1;
    return parse_int(last_component(buf), -1);
}

static char *
link_basename(int dirfd, const char *path)
{
    char buf[PATH_MAX];

    if (mdev_sysfs_read_link(dirfd, path, buf, sizeof(buf)) < 0)
        return NULL;
    return g_strdup(last_component(buf));
}

static char *
attr_dup(int dirfd, const char *path)
{
    char buf[MDEV_SYSFS_ATTR_MAX + 1];

    if (mdev_sysfs_read_attr(dirfd, path, buf, sizeof(buf)) < 0)
        return NULL;
    return g_strdup(buf);
}

/* The device node named by DEVNAME in the uevent file, as libudev gives it
 * (libvirt prints it); udev's symlinks to it are only in udev's database. */
static void
read_devnode(MdevParent *parent, int parentfd)
{
    char buf[MDEV_SYSFS_ATTR_MAX + 1];
    g_auto(GStrv) lines = NULL;
    g_autoptr(udev) uctx = NULL;
    g_autoptr(udev_device) dev = NULL;
    g_autoptr(GPtrArray) links = NULL;
    struct udev_list_entry *entry;

    if (mdev_sysfs_read_attr(parentfd, "uevent", buf, sizeof(buf)) < 0)
        return;
    lines = g_strsplit(buf, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        const char *name = lines[i] + strlen("DEVNAME=");

        if (g_str_has_prefix(lines[i], "DEVNAME=") && *name)
            parent->devnode = *name == '/' ? g_strdup(name) : g_strconcat("/dev/", name, NULL);
    }
    /* the links are extras: without libudev the listing goes on without them */
    if (parent->devnode == NULL || !mdev_udev_load(NULL))
        return;
    uctx = sym_udev_new();
    dev = uctx ? sym_udev_device_new_from_syspath(uctx, parent->syspath) : NULL;
    if (dev == NULL)
        return;
    links = g_ptr_array_new_with_free_func(g_free);
    for (entry = sym_udev_device_get_devlinks_list_entry(dev); entry;
         entry = sym_udev_list_entry_get_next(entry))
        g_ptr_array_add(links, g_strdup(sym_udev_list_entry_get_name(entry)));
    if (links->len > 0) {
        g_ptr_array_add(links, NULL);
        parent->devlinks = (GStrv) g_ptr_array_free(g_steal_pointer(&links), FALSE);
    }
}

/* Reads one type. Returns NULL when it vanished meanwhile; a type with
 * unreadable required files is kept, with the gaps recorded as problems. */
static MdevType *
read_type(MdevInventory *inv, const char *parent, int typesfd, const char *id)
{
    g_autoptr(MdevType) type = mdev_type_new(id);
    char path[NAME_MAX * 2 + 2];
    char buf[MDEV_SYSFS_ATTR_MAX + 1];
    gsize len = strlen(id);
    gssize n;

    if (len > NAME_MAX)
        return NULL;
    memcpy(path, id, len);
    path[len] = '/';

    strcpy(path + len + 1, "device_api");
    n = mdev_sysfs_read_attr(typesfd, path, buf, sizeof(buf));
    if (n >= 0) {
        type->device_api = g_strndup(buf, n);
    } else if (n == -ENOENT || n == -ENOTDIR) {
        struct stat st;
        if (fstatat(typesfd, id, &st, 0) < 0) {
            g_debug("type '%s' of parent '%s' vanished during the scan", id, parent);
            return NULL;
        }
        if (!S_ISDIR(st.st_mode)) {
            add_problem(inv, _("skipped '%1$s' in the supported types of parent '%2$s': "
                               "not a directory"), id, parent);
            return NULL;
        }
        add_problem(inv, _("type '%1$s' of parent '%2$s' has no device_api file"), id, parent);
    } else {
        add_problem(inv, _("cannot read the device_api of type '%1$s' of parent '%2$s': %3$s"),
                    id, parent, g_strerror((int) -n));
    }

    strcpy(path + len + 1, "available_instances");
    n = mdev_sysfs_read_attr(typesfd, path, buf, sizeof(buf));
    if (n >= 0) {
        char *end = NULL;
        gint64 value = g_ascii_strtoll(buf, &end, 10);
        if (n > 0 && *end == '\0' && value >= 0)
            type->available_instances = value;
        else
            add_problem(inv, _("type '%1$s' of parent '%2$s' has an invalid "
                               "available_instances value '%3$s'"), id, parent, buf);
    } else {
        add_problem(inv, _("cannot read available_instances of type '%1$s' of parent "
                           "'%2$s': %3$s"), id, parent, g_strerror((int) -n));
    }

    /* name and description are optional: absent stays NULL */
    strcpy(path + len + 1, "name");
    n = mdev_sysfs_read_attr(typesfd, path, buf, sizeof(buf));
    if (n > 0)
        type->name = g_strndup(buf, n);
    else if (n < 0 && n != -ENOENT)
        add_problem(inv, _("cannot read the name of type '%1$s' of parent '%2$s': %3$s"),
                    id, parent, g_strerror((int) -n));

    strcpy(path + len + 1, "description");
    n = mdev_sysfs_read_attr(typesfd, path, buf, sizeof(buf));
    if (n > 0)
        type->description = g_strndup(buf, n);
    else if (n < 0 && n != -ENOENT)
        add_problem(inv, _("cannot read the description of type '%1$s' of parent "
                           "'%2$s': %3$s"), id, parent, g_strerror((int) -n));

    return g_steal_pointer(&type);
}

/**
 * mdev_discovery_read_type:
 * @inv: receives the problems met
 * @parent: a parent with its syspath
 * @type_id: one of its types
 *
 * Reads one type's files: what a change to one type of one parent needs
 * after a scan with %MDEV_DISCOVERY_TYPE_IDS.
 *
 * Returns: (transfer full) (nullable): the type, %NULL when it is not there
 */
MdevType *
mdev_discovery_read_type(MdevInventory *inv, const MdevParent *parent, const char *type_id)
{
    g_autofree char *path = NULL;
    MdevType *type;
    int typesfd;

    g_return_val_if_fail(inv != NULL && parent != NULL && type_id != NULL, NULL);

    if (parent->syspath == NULL || !mdev_util_name_is_valid(type_id))
        return NULL;
    path = g_strconcat(parent->syspath, "/mdev_supported_types", NULL);
    typesfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (typesfd < 0)
        return NULL;
    type = read_type(inv, parent->name, typesfd, type_id);
    close(typesfd);
    return type;
}

/* Reads <parent>/mdev_supported_types. FALSE when the directory is absent,
 * which means the parent is not (or no longer) registered. */
static gboolean
read_types(MdevInventory *inv, MdevParent *parent, int parentfd, MdevDiscoveryFlags flags)
{
    DIR *dir;
    struct dirent *entry;
    int typesfd;

    typesfd = openat(parentfd, "mdev_supported_types",
                     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (typesfd < 0) {
        if (errno != ENOENT && errno != ENOTDIR)
            add_problem(inv, _("cannot read the supported types of parent '%1$s': %2$s"),
                        parent->name, g_strerror(errno));
        return FALSE;
    }
    dir = fdopendir(typesfd);
    if (dir == NULL) {
        add_problem(inv, _("cannot read the supported types of parent '%1$s': %2$s"),
                    parent->name, g_strerror(errno));
        close(typesfd);
        return TRUE;
    }
    while ((entry = readdir(dir)) != NULL) {
        MdevType *type;

        if (entry->d_name[0] == '.')
            continue;
        if (!mdev_util_name_is_valid(entry->d_name)) {
            add_problem(inv, _("skipped an invalid type name in parent '%s'"), parent->name);
            continue;
        }
        if (flags & MDEV_DISCOVERY_TYPE_IDS)
            type = mdev_type_new(entry->d_name);
        else
            type = read_type(inv, parent->name, typesfd, entry->d_name);
        if (type)
            g_ptr_array_add(parent->types, type);
    }
    closedir(dir);
    g_ptr_array_sort(parent->types, mdev_type_compare);
    return TRUE;
}

/* The parent device's own attributes, as its node-device XML and the
 * parents listing show them. */
static void
read_parent_attrs(MdevParent *parent, int parentfd)
{
    parent->driver = link_basename(parentfd, "driver");
    read_devnode(parent, parentfd);
    switch (parent->kind) {
    case MDEV_PARENT_KIND_PCI:
        parent->vendor_id = attr_dup(parentfd, "vendor");
        parent->device_id = attr_dup(parentfd, "device");
        parent->class_code = attr_dup(parentfd, "class");
        parent->physfn = link_basename(parentfd, "physfn");
        parent->iommu_group = link_number(parentfd, "iommu_group");
        {
            g_autofree char *numa = attr_dup(parentfd, "numa_node");
            parent->numa_node = parse_int(numa, -1);
        }
        break;
    case MDEV_PARENT_KIND_CSS:
        parent->dev_busid = attr_dup(parentfd, "dev_busid");
        break;
    default:
        break;
    }
}

/* Fills a parent record from its device. Returns FALSE when the device is
 * gone. The subsystem and driver links are read directly: a libudev device
 * for each parent canonicalises the path and reads the uevent file, several
 * times the system calls of the two readlinkat()s that give the names. */
static gboolean
read_parent(MdevInventory *inv, MdevParent *parent, MdevDiscoveryFlags flags)
{
    int parentfd;

    parentfd = open(parent->syspath, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (parentfd < 0) {
        g_debug("parent '%s' vanished during the scan", parent->name);
        return FALSE;
    }
    parent->subsystem = link_basename(parentfd, "subsystem");
    parent->kind = mdev_parent_kind_from_subsystem(parent->subsystem);
    if (!(flags & MDEV_DISCOVERY_NO_PARENT_ATTRS))
        read_parent_attrs(parent, parentfd);
    if (flags & MDEV_DISCOVERY_NO_TYPES) {
        struct stat st;
        parent->registered = parent->registered &&
                             fstatat(parentfd, "mdev_supported_types", &st, 0) == 0;
    } else if (!read_types(inv, parent, parentfd, flags)) {
        parent->registered = FALSE;
    }
    close(parentfd);
    return TRUE;
}

/* A registered parent: /sys/class/mdev_bus/<name>. Returns FALSE when the
 * link does not exist. */
static gboolean
scan_registered_parent(MdevInventory *inv, int classfd, const char *name,
                       MdevDiscoveryFlags flags)
{
    g_autoptr(MdevParent) parent = NULL;
    char target[PATH_MAX];
    gssize n;

    n = mdev_sysfs_read_link(classfd, name, target, sizeof(target));
    if (n < 0) {
        if (n != -ENOENT)
            add_problem(inv, _("skipped '%1$s' in %2$s: %3$s"), name, MDEV_SYSFS_PARENTS,
                        g_strerror((int) -n));
        return FALSE;
    }
    parent = mdev_parent_new(name);
    parent->syspath = resolve_link(MDEV_SYSFS_PARENTS, target);
    parent->registered = TRUE;
    if (read_parent(inv, parent, flags))
        g_ptr_array_add(inv->parents, g_steal_pointer(&parent));
    return TRUE;
}

/* A device that exists but has no mdev_bus link: found by its kernel name
 * wherever it is. Only done when a caller names a parent, so the cost of
 * the enumeration is paid on that path alone. */
static char *
find_device_syspath(struct udev *uctx, const char *name)
{
    g_autoptr(udev_enumerate) en = sym_udev_enumerate_new(uctx);
    struct udev_list_entry *entry;

    if (en == NULL)
        return NULL;
    sym_udev_enumerate_add_match_sysname(en, name);
    if (sym_udev_enumerate_scan_devices(en) < 0)
        return NULL;
    for (entry = sym_udev_enumerate_get_list_entry(en); entry;
         entry = sym_udev_list_entry_get_next(entry)) {
        const char *syspath = sym_udev_list_entry_get_name(entry);
        g_autoptr(udev_device) dev = sym_udev_device_new_from_syspath(uctx, syspath);
        /* an mdev is never a parent */
        if (dev && g_strcmp0(sym_udev_device_get_subsystem(dev), "mdev") != 0)
            return g_strdup(syspath);
    }
    return NULL;
}

static gboolean
scan_parents(MdevInventory *inv, MdevContext *ctx, MdevDiscoveryFlags flags,
             const char *filter, GError **error)
{
    DIR *dir;
    struct dirent *entry;
    int classfd;

    classfd = open(MDEV_SYSFS_PARENTS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (classfd < 0 && errno != ENOENT) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot read '%1$s': %2$s"), MDEV_SYSFS_PARENTS, g_strerror(err));
        return FALSE;
    }

    if (filter) {
        g_autofree char *syspath = NULL;
        g_autoptr(MdevParent) parent = NULL;
        gboolean found = FALSE;
        struct udev *uctx;

        if (classfd >= 0) {
            found = scan_registered_parent(inv, classfd, filter, flags);
            close(classfd);
        }
        if (found)
            return TRUE;
        uctx = mdev_context_get_udev(ctx, error);
        if (uctx == NULL)
            return FALSE;
        syspath = find_device_syspath(uctx, filter);
        if (syspath == NULL && (flags & MDEV_DISCOVERY_NVIDIA_VF) &&
            mdev_nvidia_address_is_valid(filter)) {
            /* the name could have been either kind: say both were looked for */
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("no mdev parent and no NVIDIA card with VF vGPUs '%s'"), filter);
            return FALSE;
        }
        if (syspath == NULL) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no mdev parent '%s'"),
                        filter);
            return FALSE;
        }
        parent = mdev_parent_new(filter);
        parent->syspath = g_steal_pointer(&syspath);
        parent->registered = FALSE;
        if (read_parent(inv, parent, flags))
            g_ptr_array_add(inv->parents, g_steal_pointer(&parent));
        return TRUE;
    }

    if (classfd < 0)
        return TRUE; /* no parent has ever registered */
    dir = fdopendir(classfd);
    if (dir == NULL) {
        int err = errno;
        close(classfd);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot read '%1$s': %2$s"), MDEV_SYSFS_PARENTS, g_strerror(err));
        return FALSE;
    }
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        scan_registered_parent(inv, dirfd(dir), entry->d_name, flags);
    }
    closedir(dir);
    g_ptr_array_sort(inv->parents, mdev_parent_compare);
    return TRUE;
}

/* Directory fds of the parents seen so far: an mdev's links are read
 * relative to its parent's directory, a walk of two components, instead of
 * through the bus link, which the kernel would follow down the whole device
 * path again for every link. */
typedef struct {
    GHashTable *fds; /* parent syspath -> fd + 1 */
} ParentDirs;

static void
close_fd(gpointer data)
{
    close(GPOINTER_TO_INT(data) - 1);
}

static int
parent_dir_fd(ParentDirs *dirs, const char *syspath)
{
    gpointer found = g_hash_table_lookup(dirs->fds, syspath);
    int fd;

    if (found)
        return GPOINTER_TO_INT(found) - 1;
    fd = open(syspath, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0)
        g_hash_table_insert(dirs->fds, g_strdup(syspath), GINT_TO_POINTER(fd + 1));
    return fd;
}

#define DEVICE_FILE_SIZE (MDEV_UUID_STRING_LEN + 16)

/* "<uuid>/<name>" in @path: built three times per mdev, and g_snprintf()
 * cost more than the link it names. */
static const char *
device_file(char path[DEVICE_FILE_SIZE], const char *uuid, const char *name)
{
    gsize u = strlen(uuid);
    gsize n = strlen(name);

    if (u + 1 + n >= DEVICE_FILE_SIZE)
        return "";
    memcpy(path, uuid, u);
    path[u] = '/';
    memcpy(path + u + 1, name, n + 1);
    return path;
}

/* Reads the active mdev @uuid, a directory in its parent's directory
 * @dirfd, and adds it to @inv (taking @syspath), unless it went meanwhile. */
static void
read_device_at(MdevInventory *inv, int dirfd, const char *parent, const char *uuid,
               char *syspath, MdevDiscoveryFlags flags)
{
    g_autoptr(MdevDevice) device = mdev_device_new(uuid, parent);
    char path[DEVICE_FILE_SIZE];
    char link[PATH_MAX];
    gssize n;

    device->active = TRUE;
    device->syspath = syspath;
    n = mdev_sysfs_read_link(dirfd, device_file(path, uuid, "mdev_type"), link, sizeof(link));
    if (n >= 0) {
        device->type = g_strdup(last_component(link));
    } else {
        struct stat st;
        /* gone, or so new that the kernel has not linked its type yet */
        if (fstatat(dirfd, uuid, &st, 0) < 0) {
            g_debug("mdev '%s' vanished during the scan", uuid);
            return;
        }
    }
    device->iommu_group = link_number(dirfd, device_file(path, uuid, "iommu_group"));
    if (flags & MDEV_DISCOVERY_DEVICE_DRIVER)
        device->driver = link_basename(dirfd, device_file(path, uuid, "driver"));
    g_ptr_array_add(inv->devices, g_steal_pointer(&device));
}

/* One mdev by its bus entry: @listed when the entry came from a listing
 * of the bus (its absence then means it went meanwhile), not when the UUID
 * is looked up. */
static void
scan_device(MdevInventory *inv, int busfd, ParentDirs *dirs, const char *uuid,
            MdevDiscoveryFlags flags, const char *filter, gboolean listed)
{
    g_autofree char *parent = NULL;
    g_autofree char *parent_path = NULL;
    g_autofree char *syspath = NULL;
    char target[PATH_MAX];
    gssize n;
    int dirfd;

    if (!mdev_util_uuid_is_canonical(uuid)) {
        add_problem(inv, _("skipped '%1$s' in %2$s: not a UUID"), uuid, MDEV_SYSFS_DEVICES);
        return;
    }
    n = mdev_sysfs_read_link(busfd, uuid, target, sizeof(target));
    if (n < 0) {
        /* looked up by UUID, most are simply not running: no word for
         * each (g_debug() formats its message even when nobody reads it) */
        if (n == -ENOENT && listed)
            g_debug("mdev '%s' vanished during the scan", uuid);
        else if (n != -ENOENT)
            add_problem(inv, _("skipped '%1$s' in %2$s: %3$s"), uuid, MDEV_SYSFS_DEVICES,
                        g_strerror((int) -n));
        return;
    }
    parent = second_to_last_component(target);
    if (parent == NULL) {
        add_problem(inv, _("skipped mdev '%1$s': its link '%2$s' names no parent"), uuid,
                    target);
        return;
    }
    if (filter && strcmp(parent, filter) != 0)
        return;

    syspath = resolve_link(MDEV_SYSFS_DEVICES, target);
    parent_path = g_path_get_dirname(syspath);
    dirfd = parent_dir_fd(dirs, parent_path);
    if (dirfd < 0) {
        g_debug("the parent of mdev '%s' vanished during the scan", uuid);
        return;
    }
    read_device_at(inv, dirfd, parent, uuid, g_steal_pointer(&syspath), flags);
}

/* The bus directory's fd; -1 with no error when the mdev bus is not
 * loaded (no mdev at all). */
static int
open_bus(GError **error)
{
    int busfd = open(MDEV_SYSFS_DEVICES, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (busfd < 0) {
        int err = errno;
        if (err != ENOENT)
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        _("cannot read '%1$s': %2$s"), MDEV_SYSFS_DEVICES, g_strerror(err));
    }
    return busfd;
}

/* The active mdevs of the registered parent @name: the directories in its
 * own that are on the mdev bus (@busfd), so the cost does not grow with the
 * other parents' mdevs. FALSE when @name is not registered: only the bus
 * then knows its mdevs. */
static gboolean
scan_parent_devices(MdevInventory *inv, int busfd, MdevDiscoveryFlags flags, const char *name)
{
    g_autofree char *link = g_strconcat(MDEV_SYSFS_PARENTS "/", name, NULL);
    g_autofree char *syspath = NULL;
    char target[PATH_MAX];
    struct dirent *entry;
    DIR *dir;

    if (mdev_sysfs_read_link(AT_FDCWD, link, target, sizeof(target)) < 0)
        return FALSE;
    syspath = resolve_link(MDEV_SYSFS_PARENTS, target);
    dir = opendir(syspath);
    if (dir == NULL)
        return FALSE;
    while ((entry = readdir(dir)) != NULL) {
        if (!mdev_util_uuid_is_canonical(entry->d_name) ||
            faccessat(busfd, entry->d_name, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        read_device_at(inv, dirfd(dir), name, entry->d_name,
                       g_strconcat(syspath, "/", entry->d_name, NULL), flags);
    }
    closedir(dir);
    return TRUE;
}

static gboolean
scan_devices(MdevInventory *inv, MdevDiscoveryFlags flags, const char *filter, GError **error)
{
    ParentDirs dirs;
    DIR *dir;
    struct dirent *entry;
    GError *local = NULL;
    int busfd;

    busfd = open_bus(&local);
    if (busfd < 0) {
        if (local == NULL)
            return TRUE;
        g_propagate_error(error, local);
        return FALSE;
    }
    if (filter && scan_parent_devices(inv, busfd, flags, filter)) {
        close(busfd);
        g_ptr_array_sort(inv->devices, mdev_device_compare);
        return TRUE;
    }
    dir = fdopendir(busfd);
    if (dir == NULL) {
        int err = errno;
        close(busfd);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot read '%1$s': %2$s"), MDEV_SYSFS_DEVICES, g_strerror(err));
        return FALSE;
    }
    dirs.fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, close_fd);
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        scan_device(inv, dirfd(dir), &dirs, entry->d_name, flags, filter, TRUE);
    }
    g_hash_table_unref(dirs.fds);
    closedir(dir);
    g_ptr_array_sort(inv->devices, mdev_device_compare);
    return TRUE;
}

/* The cards as parents beside the mdev parents, their vGPUs as records of
 * their own. */
static void
add_cards(MdevInventory *inv, GPtrArray *cards, MdevDiscoveryFlags flags)
{
    for (guint i = 0; i < cards->len; i++) {
        MdevNvidiaCard *card = g_ptr_array_index(cards, i);

        for (guint v = 0; (flags & MDEV_DISCOVERY_DEVICES) && v < card->vfs->len; v++) {
            const MdevNvidiaVf *vf = g_ptr_array_index(card->vfs, v);
            MdevDevice *device;

            if (vf->type == 0)
                continue;
            device = mdev_device_new(NULL, card->parent->name);
            device->address = g_strdup(vf->address);
            device->type = mdev_nvidia_type_name(vf->type);
            device->active = TRUE;
            device->iommu_group = vf->iommu_group;
            device->syspath = g_strdup(vf->syspath);
            if (flags & MDEV_DISCOVERY_DEVICE_DRIVER)
                device->driver = g_strdup(vf->driver);
            g_ptr_array_add(inv->vgpus, device);
        }
        if (flags & MDEV_DISCOVERY_PARENTS) {
            if (flags & MDEV_DISCOVERY_NO_TYPES)
                g_ptr_array_set_size(card->parent->types, 0);
            g_ptr_array_add(inv->parents, g_steal_pointer(&card->parent));
        }
    }
    g_ptr_array_sort(inv->parents, mdev_parent_compare);
}

/**
 * mdev_discovery_scan_uuids:
 * @ctx: a context
 * @flags: %MDEV_DISCOVERY_DEVICE_DRIVER or 0
 * @uuids: (array zero-terminated=1): canonical UUIDs
 * @error: return location for a #GError
 *
 * Looks up the active mdevs with these UUIDs, each by its own bus entry,
 * without listing the bus: what a caller that knows which mdevs it is
 * about (the defined ones, the one it creates) needs, at a cost that does
 * not grow with the number of other mdevs. A UUID that is not active is
 * simply absent from the result.
 *
 * Returns: (transfer full): an inventory with only devices, or %NULL with
 *   @error set
 */
MdevInventory *
mdev_discovery_scan_uuids(MdevContext *ctx, MdevDiscoveryFlags flags, const char *const *uuids,
                          GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    ParentDirs dirs;
    GError *local = NULL;
    int busfd;

    g_return_val_if_fail(ctx != NULL, NULL);
    g_return_val_if_fail(uuids != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    inv = mdev_inventory_new();
    busfd = open_bus(&local);
    if (busfd < 0) {
        if (local == NULL)
            return g_steal_pointer(&inv);
        g_propagate_error(error, local);
        return NULL;
    }
    dirs.fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, close_fd);
    for (const char *const *uuid = uuids; *uuid; uuid++)
        scan_device(inv, busfd, &dirs, *uuid, flags, NULL, FALSE);
    g_hash_table_unref(dirs.fds);
    close(busfd);
    g_ptr_array_sort(inv->devices, mdev_device_compare);
    g_ptr_array_sort(inv->problems, mdev_util_compare_strings);
    return g_steal_pointer(&inv);
}

/**
 * mdev_discovery_scan:
 * @ctx: a context
 * @flags: what to read
 * @parent: (nullable): only this parent and its mdevs
 * @error: return location for a #GError
 *
 * Reads the host's parents, their supported types and the active mdevs.
 * Entries that vanish while they are read are skipped; entries that cannot
 * be read or make no sense are skipped or left incomplete and described in
 * the inventory's problems, so one broken entry never hides the others.
 *
 * With @parent and %MDEV_DISCOVERY_PARENTS, a device called @parent that
 * exists but is not registered with the mdev core is returned with
 * registered %FALSE; a name that matches no device at all is
 * %MDEV_ERROR_NOT_FOUND.
 *
 * Returns: (transfer full): the inventory, or %NULL with @error set
 */
MdevInventory *
mdev_discovery_scan(MdevContext *ctx, MdevDiscoveryFlags flags, const char *parent,
                    GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    g_autoptr(GPtrArray) cards = NULL;

    g_return_val_if_fail(ctx != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (parent && !mdev_util_check_name("parent", parent, error))
        return NULL;

    inv = mdev_inventory_new();
    if ((flags & MDEV_DISCOVERY_NVIDIA_VF) &&
        (flags & (MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES))) {
        MdevNvidiaScanFlags scan = 0;

        /* types need the creatable lists, listed vGPUs their groups */
        if ((flags & MDEV_DISCOVERY_PARENTS) && !(flags & MDEV_DISCOVERY_NO_TYPES))
            scan |= MDEV_NVIDIA_SCAN_TYPES;
        if (flags & MDEV_DISCOVERY_DEVICES)
            scan |= MDEV_NVIDIA_SCAN_GROUPS;
        cards = mdev_nvidia_scan_cards(parent, scan, inv->problems, error);
        if (cards == NULL)
            return NULL;
    }
    /* a card named as the parent is no mdev parent */
    if ((flags & MDEV_DISCOVERY_PARENTS) && !(parent && cards && cards->len > 0)) {
        if (!scan_parents(inv, ctx, flags, parent, error))
            return NULL;
    }
    if (flags & MDEV_DISCOVERY_DEVICES) {
        if (!scan_devices(inv, flags, parent, error))
            return NULL;
    }
    if (cards)
        add_cards(inv, cards, flags);
    /* readdir() order is arbitrary; warnings come out the same every time */
    g_ptr_array_sort(inv->problems, mdev_util_compare_strings);
    return g_steal_pointer(&inv);
}

static char *
similar_in_list(GPtrArray *names, const char *name)
{
    for (guint i = 0; i < names->len; i++) {
        const char *candidate = g_ptr_array_index(names, i);
        if (g_ascii_strcasecmp(candidate, name) == 0)
            return g_strdup(candidate);
    }
    /* a PCI address without its domain: "41:00.4" for "0000:41:00.4" */
    for (guint i = 0; i < names->len; i++) {
        const char *candidate = g_ptr_array_index(names, i);
        gsize clen = strlen(candidate);
        gsize nlen = strlen(name);
        if (nlen < clen && candidate[clen - nlen - 1] == ':' &&
            g_ascii_strcasecmp(candidate + clen - nlen, name) == 0)
            return g_strdup(candidate);
    }
    return NULL;
}

/**
 * mdev_discovery_find_similar_parent:
 * @ctx: a context
 * @name: a parent name that does not exist
 *
 * For error messages: a registered parent the user probably meant, whose
 * name differs from @name only in case or by a missing PCI domain.
 *
 * Returns: (transfer full) (nullable): the suggestion
 */
char *
mdev_discovery_find_similar_parent(MdevContext *ctx, const char *name)
{
    g_autoptr(GPtrArray) names = NULL;

    g_return_val_if_fail(name != NULL, NULL);

    names = mdev_sysfs_list_names(MDEV_SYSFS_PARENTS);
    g_ptr_array_sort(names, mdev_util_compare_strings);
    return similar_in_list(names, name);
}
