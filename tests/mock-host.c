/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mock-host.h"

#include "mdev-util.h"

#include <errno.h>
#include <stdarg.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One sysfs write is at most a page: kernfs hands the store callback no more. */
#define SYSFS_WRITE_MAX 4096

typedef enum {
    KIND_PCI,
    KIND_CSS,
    KIND_AP,
    KIND_GENERIC,
} ParentKind;

typedef struct {
    char *path;     /* relative to the mdev directory, "vendor/sample_mdev_dev" */
    char *contents; /* "{uuid}" is replaced by the device's UUID */
} MdevFile;

typedef struct _HostParent HostParent;

typedef struct {
    char *id;
    char *name;
    char *description;
    char *device_api;
    int instances; /* own capacity; -1 when the type draws on a pool */
    char *pool;
    int cost;
    GPtrArray *files; /* MdevFile */
    HostParent *parent;
} HostType;

struct _HostParent {
    char *name;
    ParentKind kind;
    char *mdev_driver;
    gboolean registered;
    int full_errno;
    GHashTable *pools; /* name -> capacity (GINT_TO_POINTER) */
    GPtrArray *types;  /* HostType */
    char *syspath;
};

typedef struct {
    char *uuid;
    HostParent *parent;
    HostType *type;
    int iommu_group;
    int vfio_index;
    char *vfio_dev; /* its vfio-dev/vfio<N> child */
    gboolean held;  /* open by a VFIO user (a VM) */
} HostMdev;

/* NVIDIA's VF vGPUs: the VFs stay bound to the GPU driver and a vGPU is a
 * type id written to the VF's nvidia/current_vgpu_type. The proprietary
 * host driver and the upstream variant driver answer the same writes with
 * different errnos. */
typedef enum {
    NV_PROFILE_PROPRIETARY,
    NV_PROFILE_UPSTREAM,
} NvProfile;

typedef struct {
    guint id;
    char *name;
    int max_instances;
} NvType;

typedef struct _NvCard NvCard;

typedef struct {
    char *address;
    char *syspath;
    NvCard *card;
    guint type; /* 0: no vGPU */
    int iommu_group;
    int vfio_index;
    char *vfio_dev;
    gboolean held;    /* open by a VFIO user (a VM) */
    guint not_ready;  /* writes still refused after the user closed it */
    char *params;
    char *garbled; /* shown instead of the creatable list, or NULL */
    char *held_by; /* the domain of the VM the description says holds it */
} NvVf;

struct _NvCard {
    char *name;
    char *syspath;
    NvProfile profile;
    char *vf_driver;
    MockPciInfo vf_info; /* strings owned by the card */
    int total_vfs;
    int vf_offset;
    int first_vf_group; /* -1: the lowest free groups */
    guint not_ready_writes;
    GPtrArray *types; /* NvType */
    GPtrArray *vfs;   /* NvVf, in VF index order */
};

/* A write that fails before any driver code sees it */
typedef struct {
    char *glob; /* matched against the /sys path of the written file */
    int err;
    gboolean once;
} HostFault;

/* A parent that goes away when a later write arrives */
typedef struct {
    char *parent;
    guint countdown;
} HostVanish;

struct _MockHost {
    MockSysfs *sysfs; /* borrowed: the caller keeps it alive */
    char *root;
    char *root_canonical;
    GPtrArray *parents;       /* HostParent, in file order */
    GHashTable *parent_names; /* name -> HostParent */
    GHashTable *mdevs;        /* uuid -> HostMdev */
    JsonNode *definitions;    /* array, or NULL */
    GPtrArray *faults;        /* HostFault, first match wins */
    GPtrArray *vanishes;      /* HostVanish */
    GPtrArray *cards;         /* NvCard, in file order */
    char *proc_dir;           /* the host's /proc, as far as doctor reads it */
    char *udev_rules_dir;     /* its active udev rules */
};

static void
mdev_file_free(MdevFile *file)
{
    g_free(file->path);
    g_free(file->contents);
    g_free(file);
}

static void
host_type_free(HostType *type)
{
    g_free(type->id);
    g_free(type->name);
    g_free(type->description);
    g_free(type->device_api);
    g_free(type->pool);
    g_ptr_array_unref(type->files);
    g_free(type);
}

static void
host_parent_free(HostParent *parent)
{
    g_free(parent->name);
    g_free(parent->mdev_driver);
    g_hash_table_unref(parent->pools);
    g_ptr_array_unref(parent->types);
    g_free(parent->syspath);
    g_free(parent);
}

static void
host_mdev_free(HostMdev *mdev)
{
    g_free(mdev->uuid);
    g_free(mdev->vfio_dev);
    g_free(mdev);
}

static void
nv_type_free(NvType *type)
{
    g_free(type->name);
    g_free(type);
}

static void
nv_vf_free(NvVf *vf)
{
    g_free(vf->address);
    g_free(vf->syspath);
    g_free(vf->vfio_dev);
    g_free(vf->params);
    g_free(vf->garbled);
    g_free(vf->held_by);
    g_free(vf);
}

static void
nv_card_free(NvCard *card)
{
    g_free(card->name);
    g_free(card->syspath);
    g_free(card->vf_driver);
    g_free((char *) card->vf_info.vendor);
    g_free((char *) card->vf_info.device);
    g_free((char *) card->vf_info.class_code);
    g_ptr_array_unref(card->types);
    g_ptr_array_unref(card->vfs);
    g_free(card);
}

static void
host_fault_free(HostFault *fault)
{
    g_free(fault->glob);
    g_free(fault);
}

static void
host_vanish_free(HostVanish *vanish)
{
    g_free(vanish->parent);
    g_free(vanish);
}

void
mock_host_free(MockHost *self)
{
    if (self == NULL)
        return;
    g_ptr_array_unref(self->faults);
    g_ptr_array_unref(self->vanishes);
    g_hash_table_unref(self->mdevs);
    g_ptr_array_unref(self->cards);
    g_hash_table_unref(self->parent_names);
    g_ptr_array_unref(self->parents);
    if (self->definitions)
        json_node_unref(self->definitions);
    g_free(self->root);
    g_free(self->root_canonical);
    g_free(self->proc_dir);
    g_free(self->udev_rules_dir);
    g_free(self);
}

MockSysfs *
mock_host_get_sysfs(MockHost *self)
{
    return self->sysfs;
}

const char *
mock_host_get_proc_dir(MockHost *self)
{
    return self->proc_dir;
}

const char *
mock_host_get_udev_rules_dir(MockHost *self)
{
    return self->udev_rules_dir;
}

/* ------------------------------------------------------------------ errno */

/* The errno a full type answers with is the driver's choice (mtty and mbochs
 * ENOSPC, mdpy ENOMEM, the core's own counter EUSERS), so host files name it. */
int
mock_host_errno_from_name(const char *name)
{
    for (int i = 1; i < 200; i++) {
        const char *candidate = strerrorname_np(i);
        if (candidate && strcmp(candidate, name) == 0)
            return i;
    }
    return 0;
}

/* ------------------------------------------------------------------ state */

static HostType *
parent_get_type(HostParent *parent, const char *type_id)
{
    for (guint i = 0; i < parent->types->len; i++) {
        HostType *type = g_ptr_array_index(parent->types, i);
        if (strcmp(type->id, type_id) == 0)
            return type;
    }
    return NULL;
}

static int
type_available(MockHost *self, HostType *type)
{
    GHashTableIter iter;
    gpointer value;
    int used = 0;
    int capacity;

    g_hash_table_iter_init(&iter, self->mdevs);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        HostMdev *mdev = value;
        if (mdev->parent != type->parent)
            continue;
        if (type->pool == NULL && mdev->type == type)
            used++;
        else if (type->pool && mdev->type->pool && strcmp(mdev->type->pool, type->pool) == 0)
            used += mdev->type->cost;
    }
    if (type->pool == NULL)
        return MAX(type->instances - used, 0);
    capacity = GPOINTER_TO_INT(g_hash_table_lookup(type->parent->pools, type->pool));
    return MAX(capacity - used, 0) / type->cost;
}

/* available_instances is computed on every read in the kernel; here it is
 * rewritten after every change of the parent's devices. */
static void
refresh_available(MockHost *self, HostParent *parent)
{
    if (!parent->registered)
        return;
    for (guint i = 0; i < parent->types->len; i++) {
        HostType *type = g_ptr_array_index(parent->types, i);
        mock_sysfs_set_available(self->sysfs, parent->name, type->id, type_available(self, type));
    }
}

static char *
group_path(MockHost *self, int group)
{
    g_autofree char *syspath = g_strdup_printf("/sys/kernel/iommu_groups/%d", group);

    return mock_sysfs_real_path(self->sysfs, syspath);
}

/* The emulated IOMMU group of a new mdev takes the lowest free number, as
 * the kernel's IDA does. */
static int
allocate_group(MockHost *self)
{
    for (int group = 0;; group++) {
        g_autofree char *path = group_path(self, group);
        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            return group;
    }
}

static void
release_group(MockHost *self, int group)
{
    g_autofree char *path = group_path(self, group);
    g_autofree char *devices = g_build_filename(path, "devices", NULL);

    /* only when no other device is left in it */
    if (g_rmdir(devices) == 0 || !g_file_test(devices, G_FILE_TEST_EXISTS))
        g_rmdir(path);
}

static void
write_mdev_files(MockHost *self, HostType *type, const char *syspath, const char *uuid)
{
    for (guint i = 0; i < type->files->len; i++) {
        MdevFile *file = g_ptr_array_index(type->files, i);
        g_autofree char *path = g_build_filename(syspath, file->path, NULL);
        g_autoptr(GString) contents = g_string_new(file->contents);

        g_string_replace(contents, "{uuid}", uuid, 0);
        if (contents->len > 0)
            g_string_append_c(contents, '\n');
        mock_sysfs_write_file(self->sysfs, path, contents->str);
    }
}

static int
allocate_vfio_index(MockHost *self)
{
    for (int index = 0;; index++) {
        GHashTableIter iter;
        gpointer value;
        gboolean used = FALSE;

        g_hash_table_iter_init(&iter, self->mdevs);
        while (!used && g_hash_table_iter_next(&iter, NULL, &value))
            used = ((HostMdev *) value)->vfio_index == index;
        for (guint i = 0; !used && i < self->cards->len; i++) {
            NvCard *card = g_ptr_array_index(self->cards, i);
            for (guint j = 0; !used && j < card->vfs->len; j++)
                used = ((NvVf *) g_ptr_array_index(card->vfs, j))->vfio_index == index;
        }
        if (!used)
            return index;
    }
}

/* The VFIO device the driver's probe registers: a child of the mdev with
 * its own add event, which consumers of mdev events must ignore. */
static char *
add_vfio_dev(MockHost *self, const char *mdev_syspath, int index)
{
    g_autofree char *syspath = g_strdup_printf("%s/vfio-dev/vfio%d", mdev_syspath, index);
    g_autofree char *text = g_strdup_printf("P: %s\nE: SUBSYSTEM=vfio-dev\n",
                                            syspath + strlen("/sys"));
    g_autoptr(GError) error = NULL;

    if (!umockdev_testbed_add_from_string(mock_sysfs_get_testbed(self->sysfs), text, &error))
        g_error("mock-host: cannot add %s: %s", syspath, error->message);
    return g_steal_pointer(&syspath);
}

/* What the kernel leaves behind once `create` returns. With @events the
 * order of the uevents is the kernel's: add (no driver yet), add of the
 * vfio-dev child, then bind. */
static void
add_mdev(MockHost *self, HostType *type, const char *uuid, int group, gboolean events)
{
    HostParent *parent = type->parent;
    HostMdev *mdev = g_new0(HostMdev, 1);
    const char *syspath;

    if (group < 0)
        group = allocate_group(self);
    mdev->vfio_index = allocate_vfio_index(self);
    syspath = mock_sysfs_add_mdev(self->sysfs, parent->name, uuid, type->id, group,
                                  events ? NULL : parent->mdev_driver);
    mdev->vfio_dev = add_vfio_dev(self, syspath, mdev->vfio_index);
    write_mdev_files(self, type, syspath, uuid);
    if (events)
        mock_sysfs_bind_mdev(self->sysfs, uuid, parent->mdev_driver, TRUE);
    mdev->uuid = g_strdup(uuid);
    mdev->parent = parent;
    mdev->type = type;
    mdev->iommu_group = group;
    g_hash_table_replace(self->mdevs, mdev->uuid, mdev);
    refresh_available(self, parent);
}

/* The mdev bus exists as soon as the mdev core is loaded, with or without
 * devices; umockdev drops the directory with its last link. */
static void
ensure_mdev_bus(MockHost *self)
{
    g_autofree char *devices = mock_sysfs_real_path(self->sysfs, "/sys/bus/mdev/devices");

    g_mkdir_with_parents(devices, 0755);
    for (guint i = 0; i < self->parents->len; i++) {
        HostParent *parent = g_ptr_array_index(self->parents, i);
        g_autofree char *syspath = g_build_filename("/sys/bus/mdev/drivers", parent->mdev_driver,
                                                    NULL);
        g_autofree char *path = mock_sysfs_real_path(self->sysfs, syspath);
        g_mkdir_with_parents(path, 0755);
    }
}

static void
remove_mdev(MockHost *self, HostMdev *mdev)
{
    HostParent *parent = mdev->parent;
    UMockdevTestbed *testbed = mock_sysfs_get_testbed(self->sysfs);
    int group = mdev->iommu_group;

    /* the kernel's order: the vfio-dev child, unbind, the mdev */
    umockdev_testbed_uevent(testbed, mdev->vfio_dev, "remove");
    umockdev_testbed_remove_device(testbed, mdev->vfio_dev);
    mock_sysfs_unbind_mdev(self->sysfs, mdev->uuid, TRUE);
    mock_sysfs_remove_mdev(self->sysfs, mdev->uuid);
    g_hash_table_remove(self->mdevs, mdev->uuid);
    release_group(self, group);
    ensure_mdev_bus(self);
    refresh_available(self, parent);
}

static void
add_types(MockHost *self, HostParent *parent)
{
    for (guint i = 0; i < parent->types->len; i++) {
        HostType *type = g_ptr_array_index(parent->types, i);
        MockTypeInfo info = {
            .id = type->id,
            .name = type->name,
            .description = type->description,
            .device_api = type->device_api,
            .available = type_available(self, type),
        };
        mock_sysfs_add_type(self->sysfs, parent->name, &info);
    }
}

static void
register_parent(MockHost *self, HostParent *parent, gboolean events)
{
    const char *const state[] = { "MDEV_STATE=registered", NULL };

    mock_sysfs_register_parent(self->sysfs, parent->name, FALSE);
    parent->registered = TRUE;
    add_types(self, parent);
    if (events)
        mock_sysfs_uevent(self->sysfs, parent->syspath, "change", state);
}

/* The kernel removes every child mdev, deletes mdev_supported_types, then
 * sends MDEV_STATE=unregistered. */
static void
unregister_parent(MockHost *self, HostParent *parent)
{
    g_autoptr(GPtrArray) children = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, self->mdevs);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        HostMdev *mdev = value;
        if (mdev->parent == parent)
            g_ptr_array_add(children, mdev);
    }
    for (guint i = 0; i < children->len; i++)
        remove_mdev(self, g_ptr_array_index(children, i));
    parent->registered = FALSE;
    mock_sysfs_unregister_parent(self->sysfs, parent->name, TRUE);
}

/* ------------------------------------------------------------ the writes */

/* The kernel's uuid_is_valid(): 36 characters, dashes at 8, 13, 18, 23. */
static gboolean
kernel_uuid_is_valid(const char *text)
{
    for (int i = 0; i < MDEV_UUID_STRING_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-')
                return FALSE;
        } else if (!g_ascii_isxdigit(text[i])) {
            return FALSE;
        }
    }
    return TRUE;
}

/* The kernel's kstrtoul(s, 0, &val): optional '+', 0x/0 prefixes, digits of
 * the base, at most one trailing newline, nothing else. */
static gboolean
kernel_kstrtoul(const char *s, guint64 *ret_value)
{
    guint base = 10;
    guint64 value = 0;
    gboolean any = FALSE;

    if (*s == '+')
        s++;
    if (s[0] == '0') {
        if (g_ascii_tolower(s[1]) == 'x' && g_ascii_isxdigit(s[2])) {
            base = 16;
            s += 2;
        } else {
            base = 8;
        }
    }
    for (; *s; s++) {
        int digit = g_ascii_xdigit_value(*s);
        if (digit < 0 || (guint) digit >= base)
            break;
        if (value > (G_MAXUINT64 - (guint) digit) / base)
            return FALSE; /* ERANGE, which kstrtoul's callers see as failure */
        value = value * base + (guint) digit;
        any = TRUE;
    }
    if (!any)
        return FALSE;
    if (*s == '\n')
        s++;
    if (*s != '\0')
        return FALSE;
    *ret_value = value;
    return TRUE;
}

/* create_store() and mdev_device_create(): length, UUID syntax, the global
 * duplicate check, then capacity (the core's counter or the driver's probe). */
static gssize
store_create(MockHost *self, HostType *type, const char *buf, gsize count)
{
    g_autofree char *text = NULL;
    g_autofree char *uuid = NULL;

    if (count < MDEV_UUID_STRING_LEN || count > MDEV_UUID_STRING_LEN + 1)
        return -EINVAL;
    text = g_strndup(buf, count);
    if (strlen(text) < MDEV_UUID_STRING_LEN || !kernel_uuid_is_valid(text))
        return -EINVAL;
    uuid = g_ascii_strdown(text, MDEV_UUID_STRING_LEN);
    if (g_hash_table_contains(self->mdevs, uuid))
        return -EEXIST;
    if (type_available(self, type) < 1) {
        /* EUSERS is the core's own counter, checked before the device is
         * added; any other refusal is the driver's probe, which runs after
         * device_add() sent the add event, so the device comes and goes */
        if (type->parent->full_errno != EUSERS) {
            mock_sysfs_add_mdev(self->sysfs, type->parent->name, uuid, type->id, -1, NULL);
            mock_sysfs_remove_mdev(self->sysfs, uuid);
            ensure_mdev_bus(self);
        }
        return -type->parent->full_errno;
    }
    add_mdev(self, type, uuid, -1, TRUE);
    return (gssize) count;
}

/* remove_store(): kstrtoul(), and only a non-zero value removes. The VFIO
 * core does not take a device from its user: it asks the user to release
 * it and waits, without a timeout, before the device goes. */
static gssize
store_remove(MockHost *self, HostMdev *mdev, const char *buf, gsize count)
{
    g_autofree char *text = g_strndup(buf, count);
    guint64 value;

    if (!kernel_kstrtoul(text, &value))
        return -EINVAL;
    if (value != 0 && mdev->held)
        return MOCK_HOST_WRITE_BLOCKS;
    if (value != 0)
        remove_mdev(self, mdev);
    return (gssize) count;
}

/* A path as the writer's kernel sees it (a real path inside the testbed, as
 * /proc/self/fd shows it) or as a /sys path; NULL when outside the testbed. */
static char *
to_syspath(MockHost *self, const char *path)
{
    const char *roots[] = { self->root, self->root_canonical };

    if (g_str_has_prefix(path, "/sys/"))
        return g_strdup(path);
    for (guint i = 0; i < G_N_ELEMENTS(roots); i++) {
        gsize len = strlen(roots[i]);
        if (strncmp(path, roots[i], len) == 0 && g_str_has_prefix(path + len, "/sys/"))
            return g_strdup(path + len);
    }
    return NULL;
}

static gboolean handle_kernel_write(MockHost *self, const char *syspath, const char *buf,
                                    gsize count, gssize *ret_result);
static gboolean handle_nvidia_write(MockHost *self, const char *syspath, const char *buf,
                                    gsize count, gssize *ret_result);

/* Counts a write down for every armed vanish; TRUE when a parent went. */
static gboolean
run_vanishes(MockHost *self)
{
    gboolean gone = FALSE;

    for (guint i = 0; i < self->vanishes->len;) {
        HostVanish *vanish = g_ptr_array_index(self->vanishes, i);

        if (--vanish->countdown > 0) {
            i++;
            continue;
        }
        if (g_hash_table_contains(self->parent_names, vanish->parent))
            gone = mock_host_unregister_parent(self, vanish->parent) == 0 || gone;
        else
            gone = mock_host_set_sriov(self, vanish->parent, 0) == 0 || gone;
        g_ptr_array_remove_index(self->vanishes, i);
    }
    return gone;
}

/**
 * mock_host_handle_write:
 * @path: the written file, a /sys path or its real path in the testbed
 * @buf: the bytes of one write()
 * @ret_result: what write() returns: bytes taken, or a negative errno
 *
 * Armed faults come first: a vanish that is due unregisters its parent (a
 * write to a file that went with it fails with ENODEV), then the first
 * fault whose pattern matches fails the write.
 *
 * Returns: %TRUE when @path is a `create` of a registered parent's type or
 *   the `remove` of an active mdev (the kernel's business) or a fault
 *   answered it, %FALSE when the write is an ordinary file write.
 *   @ret_result is %MOCK_HOST_WRITE_BLOCKS for the remove of a held mdev:
 *   the write waits for mock_host_release_mdev() and is then handled again.
 */
gboolean
mock_host_handle_write(MockHost *self, const char *path, const char *buf, gsize count,
                       gssize *ret_result)
{
    g_autofree char *syspath = to_syspath(self, path);

    if (syspath == NULL)
        return FALSE;
    if (run_vanishes(self)) {
        g_autofree char *real = mock_sysfs_real_path(self->sysfs, syspath);

        /* kernfs refuses a write to a file whose node went meanwhile */
        if (!g_file_test(real, G_FILE_TEST_EXISTS)) {
            *ret_result = -ENODEV;
            return TRUE;
        }
    }
    for (guint i = 0; i < self->faults->len; i++) {
        HostFault *fault = g_ptr_array_index(self->faults, i);

        if (!g_pattern_match_simple(fault->glob, syspath))
            continue;
        *ret_result = -fault->err;
        if (fault->once)
            g_ptr_array_remove_index(self->faults, i);
        return TRUE;
    }
    return handle_kernel_write(self, syspath, buf, count, ret_result);
}

/* What the mdev core does with a write to one of its files. */
static gboolean
handle_kernel_write(MockHost *self, const char *syspath, const char *buf, gsize count,
                    gssize *ret_result)
{
    g_autofree char *dir = NULL;
    g_autofree char *base = NULL;
    g_autofree char *leaf = NULL;

    if (handle_nvidia_write(self, syspath, buf, count, ret_result))
        return TRUE;
    dir = g_path_get_dirname(syspath);
    base = g_path_get_basename(syspath);
    leaf = g_path_get_basename(dir);

    if (strcmp(base, "create") == 0) {
        g_autofree char *types_dir = g_path_get_dirname(dir);
        g_autofree char *types_name = g_path_get_basename(types_dir);
        g_autofree char *parent_path = g_path_get_dirname(types_dir);

        if (strcmp(types_name, "mdev_supported_types") != 0)
            return FALSE;
        for (guint i = 0; i < self->parents->len; i++) {
            HostParent *parent = g_ptr_array_index(self->parents, i);
            HostType *type;

            if (!parent->registered || strcmp(parent->syspath, parent_path) != 0)
                continue;
            type = parent_get_type(parent, leaf);
            if (type == NULL)
                return FALSE;
            /* sysfs_kf_write() skips the store for an empty write */
            *ret_result = count == 0 ? 0
                                     : store_create(self, type, buf, MIN(count, SYSFS_WRITE_MAX));
            return TRUE;
        }
        return FALSE;
    }
    if (strcmp(base, "remove") == 0) {
        HostMdev *mdev = g_hash_table_lookup(self->mdevs, leaf);
        g_autofree char *mdev_path = NULL;

        if (mdev == NULL)
            return FALSE;
        mdev_path = g_build_filename(mdev->parent->syspath, mdev->uuid, NULL);
        if (strcmp(mdev_path, dir) != 0)
            return FALSE;
        *ret_result = count == 0 ? 0
                                 : store_remove(self, mdev, buf, MIN(count, SYSFS_WRITE_MAX));
        return TRUE;
    }
    return FALSE;
}

/* ------------------------------------------------------ NVIDIA VF vGPUs */

static NvCard *
lookup_card(MockHost *self, const char *name)
{
    for (guint i = 0; i < self->cards->len; i++) {
        NvCard *card = g_ptr_array_index(self->cards, i);
        if (strcmp(card->name, name) == 0)
            return card;
    }
    return NULL;
}

static NvVf *
lookup_vf(MockHost *self, const char *address)
{
    for (guint i = 0; i < self->cards->len; i++) {
        NvCard *card = g_ptr_array_index(self->cards, i);
        for (guint j = 0; j < card->vfs->len; j++) {
            NvVf *vf = g_ptr_array_index(card->vfs, j);
            if (strcmp(vf->address, address) == 0)
                return vf;
        }
    }
    return NULL;
}

static NvType *
card_get_type(NvCard *card, guint64 id)
{
    for (guint i = 0; i < card->types->len; i++) {
        NvType *type = g_ptr_array_index(card->types, i);
        if (type->id == id)
            return type;
    }
    return NULL;
}

/* Homogeneous mode: the first vGPU locks the card to its type. */
static guint
card_current_type(NvCard *card, int *ret_count)
{
    guint current = 0;
    int count = 0;

    for (guint i = 0; i < card->vfs->len; i++) {
        NvVf *vf = g_ptr_array_index(card->vfs, i);
        if (vf->type != 0) {
            current = vf->type;
            count++;
        }
    }
    if (ret_count)
        *ret_count = count;
    return current;
}

/* Whether a VF without a vGPU could take @type now: the upstream driver's
 * creatable_homogeneous_vgpu_types_show(), which the proprietary driver's
 * catalog follows in homogeneous mode. */
static gboolean
card_can_create(NvCard *card, NvType *type)
{
    int count;
    guint current = card_current_type(card, &count);

    if (type->max_instances < 1)
        return FALSE;
    if (current == 0)
        return TRUE;
    return current == type->id && count < type->max_instances;
}

static char *
creatable_list(NvCard *card)
{
    GString *text = g_string_new("ID    : vGPU Name\n");

    for (guint i = 0; i < card->types->len; i++) {
        NvType *type = g_ptr_array_index(card->types, i);
        if (card_can_create(card, type))
            g_string_append_printf(text, "%-5u : %s\n", type->id, type->name);
    }
    return g_string_free(text, FALSE);
}

/* The driver computes the files on every read; here every VF's files are
 * rewritten after every change on the card. */
static void
card_refresh(MockHost *self, NvCard *card)
{
    g_autofree char *list = creatable_list(card);

    for (guint i = 0; i < card->vfs->len; i++) {
        NvVf *vf = g_ptr_array_index(card->vfs, i);
        g_autofree char *creatable = g_build_filename(vf->syspath, "nvidia",
                                                      "creatable_vgpu_types", NULL);
        g_autofree char *current = g_build_filename(vf->syspath, "nvidia", "current_vgpu_type",
                                                    NULL);
        g_autofree char *params = g_build_filename(vf->syspath, "nvidia", "vgpu_params", NULL);
        g_autofree char *type = g_strdup_printf("%u\n", vf->type);
        g_autofree char *params_text = g_strdup_printf("%s\n", vf->params ? vf->params : "");

        /* upstream prints nothing for a VF that has a type; the proprietary
         * driver keeps printing the card's catalog */
        if (vf->garbled)
            mock_sysfs_write_file(self->sysfs, creatable, vf->garbled);
        else
            mock_sysfs_write_file(self->sysfs, creatable,
                                  vf->type != 0 && card->profile == NV_PROFILE_UPSTREAM ? ""
                                                                                        : list);
        mock_sysfs_write_file(self->sysfs, current, type);
        mock_sysfs_write_file(self->sysfs, params, params_text);
    }
}

/* The address of VF @index: the PF's routing id plus offset and index
 * (stride 1), within the PF's bus. */
static char *
vf_address(NvCard *card, guint index)
{
    unsigned int domain, bus, slot, function;
    guint devfn;

    if (sscanf(card->name, "%4x:%2x:%2x.%1u", &domain, &bus, &slot, &function) != 4)
        return NULL;
    devfn = (slot << 3 | function) + (guint) card->vf_offset + index;
    if (devfn > 0xff)
        return NULL;
    return g_strdup_printf("%04x:%02x:%02x.%u", domain, bus, devfn >> 3, devfn & 7);
}

static void
card_write_numvfs(MockHost *self, NvCard *card)
{
    g_autofree char *path = g_build_filename(card->syspath, "sriov_numvfs", NULL);
    g_autofree char *value = g_strdup_printf("%u\n", card->vfs->len);

    mock_sysfs_write_file(self->sysfs, path, value);
}

/* SR-IOV enable: the VFs appear and the driver probes them, which
 * registers each as a VFIO device. */
static void
card_add_vfs(MockHost *self, NvCard *card, guint n, gboolean events)
{
    UMockdevTestbed *testbed = mock_sysfs_get_testbed(self->sysfs);

    for (guint i = 0; i < n; i++) {
        NvVf *vf = g_new0(NvVf, 1);
        MockPciInfo info = card->vf_info;
        const char *syspath;

        vf->address = vf_address(card, i);
        vf->card = card;
        vf->iommu_group = card->first_vf_group >= 0 ? card->first_vf_group + (int) i
                                                    : allocate_group(self);
        info.iommu_group = vf->iommu_group;
        syspath = mock_sysfs_add_pci_parent(self->sysfs, vf->address, &info);
        vf->syspath = g_strdup(syspath);
        vf->vfio_index = allocate_vfio_index(self);
        g_ptr_array_add(card->vfs, vf);
        vf->vfio_dev = add_vfio_dev(self, vf->syspath, vf->vfio_index);
        if (events)
            umockdev_testbed_uevent(testbed, vf->syspath, "add");
    }
    card_write_numvfs(self, card);
    card_refresh(self, card);
}

static void add_holder_process(MockHost *self, int vfio_index, int iommu_group, const char *command,
                               const char *domain, gboolean cdev);
static void remove_holder_process(MockHost *self, int vfio_index);

/* SR-IOV disable: the VFs go, and their vGPUs with them. */
static void
card_remove_vfs(MockHost *self, NvCard *card)
{
    UMockdevTestbed *testbed = mock_sysfs_get_testbed(self->sysfs);

    for (guint i = card->vfs->len; i > 0; i--) {
        NvVf *vf = g_ptr_array_index(card->vfs, i - 1);
        g_autofree char *virtfn = g_strdup_printf("%s/virtfn%u", card->syspath, i - 1);
        g_autofree char *virtfn_real = mock_sysfs_real_path(self->sysfs, virtfn);
        g_autofree char *member = g_strdup_printf("/sys/kernel/iommu_groups/%d/devices/%s",
                                                  vf->iommu_group, vf->address);
        g_autofree char *member_real = mock_sysfs_real_path(self->sysfs, member);
        g_autofree char *bound = g_strdup_printf("/sys/bus/pci/drivers/%s/%s", card->vf_driver,
                                                 vf->address);
        g_autofree char *bound_real = mock_sysfs_real_path(self->sysfs, bound);

        /* the VM loses the device with the VF */
        if (vf->held)
            remove_holder_process(self, vf->vfio_index);
        umockdev_testbed_uevent(testbed, vf->vfio_dev, "remove");
        umockdev_testbed_remove_device(testbed, vf->vfio_dev);
        umockdev_testbed_uevent(testbed, vf->syspath, "remove");
        umockdev_testbed_remove_device(testbed, vf->syspath);
        g_unlink(virtfn_real);
        g_unlink(member_real);
        g_unlink(bound_real);
        release_group(self, vf->iommu_group);
        g_ptr_array_remove_index(card->vfs, i - 1);
    }
    card_write_numvfs(self, card);
}

/* kstrtol(buf, 0, &val): kstrtoul's syntax with an optional sign. */
static gboolean
kernel_kstrtol(const char *s, gint64 *ret_value)
{
    gboolean negative = s[0] == '-';
    guint64 value;

    if (!kernel_kstrtoul(negative ? s + 1 : s, &value) || (negative && s[1] == '+') ||
        value > G_MAXINT64)
        return FALSE;
    *ret_value = negative ? -(gint64) value : (gint64) value;
    return TRUE;
}

/* current_vgpu_type_store() of the two drivers (reference/nvidia-vf.md).
 * Where a refusal comes from the proprietary driver's resource manager
 * rather than the sysfs code, it surfaces as EIO (with an NVRM: line in
 * the kernel log). */
static gssize
store_current_type(MockHost *self, NvVf *vf, const char *buf, gsize count)
{
    NvCard *card = vf->card;
    g_autofree char *text = g_strndup(buf, count);
    gboolean upstream = card->profile == NV_PROFILE_UPSTREAM;
    NvType *type;
    gint64 value;

    if (upstream) {
        guint64 unsigned_value;
        if (!kernel_kstrtoul(text, &unsigned_value) || unsigned_value > G_MAXUINT)
            return -EINVAL;
        value = (gint64) unsigned_value;
        if (vf->held)
            return -EBUSY;
    } else if (!kernel_kstrtol(text, &value)) {
        return -EINVAL;
    }

    if (value == 0) {
        if (vf->type == 0)
            return upstream ? (gssize) count : -EPERM;
        if (vf->held)
            return -EBUSY;
        if (vf->not_ready > 0) {
            vf->not_ready--;
            return -EBUSY;
        }
        vf->type = 0;
        g_clear_pointer(&vf->params, g_free);
        card_refresh(self, card);
        return (gssize) count;
    }
    if (vf->type != 0)
        return upstream ? -EBUSY : -EPERM;
    type = value > 0 ? card_get_type(card, (guint64) value) : NULL;
    if (type == NULL)
        return upstream ? -ENODEV : -EIO;
    if (!card_can_create(card, type)) {
        int count_now;
        guint current = card_current_type(card, &count_now);
        if (!upstream)
            return -EIO;
        return current != 0 && current != type->id ? -EINVAL : -ENOSPC;
    }
    vf->type = type->id;
    card_refresh(self, card);
    return (gssize) count;
}

static gssize
store_vgpu_params(MockHost *self, NvVf *vf, const char *buf, gsize count)
{
    g_autofree char *text = g_strndup(buf, count);

    if (vf->type == 0 && vf->card->profile == NV_PROFILE_UPSTREAM)
        return -ENODEV;
    g_strchomp(text);
    g_free(vf->params);
    vf->params = g_steal_pointer(&text);
    card_refresh(self, vf->card);
    return (gssize) count;
}

/* sriov_numvfs_store() of the PCI core, behind the driver: the proprietary
 * driver refuses a raw write (sriov-manage is its way), the upstream one
 * lets the PCI core enable the VFs. */
static gssize
store_numvfs(MockHost *self, NvCard *card, const char *buf, gsize count)
{
    g_autofree char *text = g_strndup(buf, count);
    guint64 value;

    if (!kernel_kstrtoul(text, &value) || value > 65535)
        return -EINVAL;
    if (value > (guint64) card->total_vfs)
        return -ERANGE;
    if (value == card->vfs->len)
        return (gssize) count;
    if (card->profile == NV_PROFILE_PROPRIETARY)
        return -EPERM;
    if (value != 0 && card->vfs->len != 0)
        return -EBUSY;
    if (value == 0)
        card_remove_vfs(self, card);
    else
        card_add_vfs(self, card, (guint) value, TRUE);
    return (gssize) count;
}

/* The writes the NVIDIA driver answers: a VF's nvidia/current_vgpu_type and
 * nvidia/vgpu_params, a card's sriov_numvfs. */
static gboolean
handle_nvidia_write(MockHost *self, const char *syspath, const char *buf, gsize count,
                    gssize *ret_result)
{
    g_autofree char *dir = g_path_get_dirname(syspath);
    g_autofree char *base = g_path_get_basename(syspath);

    count = MIN(count, SYSFS_WRITE_MAX);
    if (strcmp(base, "sriov_numvfs") == 0) {
        for (guint i = 0; i < self->cards->len; i++) {
            NvCard *card = g_ptr_array_index(self->cards, i);
            if (strcmp(card->syspath, dir) == 0) {
                *ret_result = count == 0 ? 0 : store_numvfs(self, card, buf, count);
                return TRUE;
            }
        }
        return FALSE;
    }
    if (strcmp(base, "current_vgpu_type") == 0 || strcmp(base, "vgpu_params") == 0) {
        g_autofree char *vf_path = g_path_get_dirname(dir);
        g_autofree char *leaf = g_path_get_basename(dir);
        g_autofree char *address = g_path_get_basename(vf_path);
        NvVf *vf = lookup_vf(self, address);

        if (vf == NULL || strcmp(leaf, "nvidia") != 0 || strcmp(vf->syspath, vf_path) != 0)
            return FALSE;
        if (count == 0)
            *ret_result = 0;
        else if (strcmp(base, "current_vgpu_type") == 0)
            *ret_result = store_current_type(self, vf, buf, count);
        else
            *ret_result = store_vgpu_params(self, vf, buf, count);
        return TRUE;
    }
    return FALSE;
}

/* A VFIO user opens the VF: only while it has a vGPU, as the proprietary
 * driver's open answers ENODEV ("current_vgpu_type of VF not configured").
 * A VF is only ever opened by a VM, so the holder always shows in /proc:
 * QEMU unless @command says otherwise. */
static int
hold_vf(MockHost *self, const char *address, const char *command, const char *domain, gboolean cdev)
{
    NvVf *vf = lookup_vf(self, address);

    if (vf == NULL || vf->type == 0)
        return ENODEV;
    if (vf->held)
        return EALREADY;
    vf->held = TRUE;
    add_holder_process(self, vf->vfio_index, vf->iommu_group,
                       command ? command : MOCK_HOST_VF_HOLDER, domain, cdev);
    return 0;
}

/* The user closes the VF; the driver then refuses the destroy for a few
 * writes, as hosts see after QEMU exits. */
static int
release_vf(MockHost *self, const char *address)
{
    NvVf *vf = lookup_vf(self, address);

    if (vf == NULL)
        return ENODEV;
    if (!vf->held)
        return EALREADY;
    vf->held = FALSE;
    remove_holder_process(self, vf->vfio_index);
    vf->not_ready = vf->card->not_ready_writes;
    return 0;
}

int
mock_host_set_sriov(MockHost *self, const char *card_name, guint n_vfs)
{
    NvCard *card = lookup_card(self, card_name);

    if (card == NULL)
        return ENOENT;
    if (n_vfs > (guint) card->total_vfs)
        return ERANGE;
    if (n_vfs == card->vfs->len)
        return EALREADY;
    card_remove_vfs(self, card);
    if (n_vfs > 0)
        card_add_vfs(self, card, n_vfs, TRUE);
    return 0;
}

int
mock_host_garble_vf(MockHost *self, const char *address, const char *text)
{
    NvVf *vf = lookup_vf(self, address);

    if (vf == NULL)
        return ENOENT;
    g_free(vf->garbled);
    vf->garbled = g_strdup(text);
    card_refresh(self, vf->card);
    return 0;
}

int
mock_host_set_vgpu(MockHost *self, const char *address, const char *type_id)
{
    NvVf *vf = lookup_vf(self, address);
    gssize result;

    if (vf == NULL)
        return ENOENT;
    result = store_current_type(self, vf, type_id, strlen(type_id));
    return result < 0 ? (int) -result : 0;
}

/* ------------------------------------------------------- direct controls */

int
mock_host_get_available(MockHost *self, const char *parent_name, const char *type_id)
{
    HostParent *parent = g_hash_table_lookup(self->parent_names, parent_name);
    HostType *type = parent ? parent_get_type(parent, type_id) : NULL;

    if (type == NULL || !parent->registered)
        return -1;
    return type_available(self, type);
}

/* Returns 0 or an errno, as the kernel would answer a write of @uuid. */
int
mock_host_create_mdev(MockHost *self, const char *parent_name, const char *type_id,
                      const char *uuid)
{
    HostParent *parent = g_hash_table_lookup(self->parent_names, parent_name);
    HostType *type = parent ? parent_get_type(parent, type_id) : NULL;
    gssize result;

    if (type == NULL || !parent->registered)
        return ENOENT;
    result = store_create(self, type, uuid, strlen(uuid));
    return result < 0 ? (int) -result : 0;
}

int
mock_host_remove_mdev(MockHost *self, const char *uuid)
{
    g_autofree char *canonical = g_ascii_strdown(uuid, -1);
    HostMdev *mdev = g_hash_table_lookup(self->mdevs, canonical);

    if (mdev == NULL)
        return ENODEV;
    remove_mdev(self, mdev);
    return 0;
}

/* What a driver's mdev_register_parent() call does (after a driver bind,
 * SR-IOV enable, or a vGPU manager start). */
int
mock_host_register_parent(MockHost *self, const char *parent_name)
{
    HostParent *parent = g_hash_table_lookup(self->parent_names, parent_name);

    if (parent == NULL)
        return ENOENT;
    if (parent->registered)
        return EALREADY;
    register_parent(self, parent, TRUE);
    return 0;
}

int
mock_host_unregister_parent(MockHost *self, const char *parent_name)
{
    HostParent *parent = g_hash_table_lookup(self->parent_names, parent_name);

    if (parent == NULL)
        return ENOENT;
    if (!parent->registered)
        return EALREADY;
    unregister_parent(self, parent);
    return 0;
}

int
mock_host_add_fault(MockHost *self, const char *glob, int err, gboolean once)
{
    HostFault *fault;

    if (glob == NULL || *glob == '\0' || err <= 0)
        return EINVAL;
    fault = g_new0(HostFault, 1);
    fault->glob = g_strdup(glob);
    fault->err = err;
    fault->once = once;
    g_ptr_array_add(self->faults, fault);
    return 0;
}

void
mock_host_clear_faults(MockHost *self)
{
    g_ptr_array_set_size(self->faults, 0);
    g_ptr_array_set_size(self->vanishes, 0);
}

int
mock_host_vanish_at_write(MockHost *self, const char *parent_name, guint nth)
{
    HostParent *parent = g_hash_table_lookup(self->parent_names, parent_name);
    HostVanish *vanish;

    if (parent == NULL && lookup_card(self, parent_name) == NULL)
        return ENOENT;
    if (nth == 0)
        return EINVAL;
    vanish = g_new0(HostVanish, 1);
    vanish->parent = g_strdup(parent_name);
    vanish->countdown = nth;
    g_ptr_array_add(self->vanishes, vanish);
    return 0;
}

static HostMdev *
lookup_mdev(MockHost *self, const char *uuid)
{
    g_autofree char *canonical = g_ascii_strdown(uuid, -1);

    return g_hash_table_lookup(self->mdevs, canonical);
}

static void write_host_file(const char *dir, const char *name, const char *contents);

/* The holder as /proc shows it: a process whose fd 3 is the node. Its pid
 * follows from the device's VFIO index (mdevs and VFs share the numbering),
 * so no two holders share one. */
static int
holder_pid(int vfio_index)
{
    return 40000 + vfio_index;
}

static void
add_holder_process(MockHost *self, int vfio_index, int iommu_group, const char *command,
                   const char *domain, gboolean cdev)
{
    g_autofree char *dir = g_strdup_printf("%s/%d", self->proc_dir, holder_pid(vfio_index));
    g_autofree char *fddir = g_build_filename(dir, "fd", NULL);
    g_autofree char *fd = g_build_filename(fddir, "3", NULL);
    g_autofree char *node = NULL;
    g_autofree char *comm = NULL;
    g_autoptr(GString) cmdline = g_string_new(command);
    g_autofree char *path = NULL;
    g_autofree char *base = g_path_get_basename(command);
    g_autoptr(GError) error = NULL;

    if (cdev)
        node = g_strdup_printf("/dev/vfio/devices/vfio%d", vfio_index);
    else
        node = g_strdup_printf("/dev/vfio/%d", iommu_group);
    /* the kernel keeps 15 bytes of the name in comm */
    comm = g_strdup_printf("%.15s\n", base);
    write_host_file(dir, "comm", comm);
    write_host_file(dir, "status", "Name:\tholder\nState:\tS (sleeping)\nPPid:\t1\n");
    g_string_append_c(cmdline, '\0');
    if (domain) {
        g_autofree char *guest = g_strdup_printf("guest=%s,debug-threads=on", domain);
        g_string_append(cmdline, "-name");
        g_string_append_c(cmdline, '\0');
        g_string_append(cmdline, guest);
        g_string_append_c(cmdline, '\0');
    }
    path = g_build_filename(dir, "cmdline", NULL);
    if (!g_file_set_contents(path, cmdline->str, (gssize) cmdline->len, &error))
        g_error("mock-host: %s", error->message);
    g_mkdir_with_parents(fddir, 0755);
    if (symlink(node, fd) < 0)
        g_error("mock-host: cannot link %s: %s", fd, g_strerror(errno));
}

static void
remove_holder_process(MockHost *self, int vfio_index)
{
    static const char *const files[] = { "fd/3", "fd", "comm", "status", "cmdline", "", NULL };
    g_autofree char *dir = g_strdup_printf("%s/%d", self->proc_dir, holder_pid(vfio_index));

    for (guint i = 0; files[i]; i++) {
        g_autofree char *path = g_build_filename(dir, files[i], NULL);
        g_remove(path);
    }
}

int
mock_host_hold_mdev(MockHost *self, const char *uuid)
{
    return mock_host_hold_mdev_by(self, uuid, NULL, NULL, FALSE);
}

int
mock_host_hold_mdev_by(MockHost *self, const char *uuid, const char *command, const char *domain,
                       gboolean cdev)
{
    HostMdev *mdev = lookup_mdev(self, uuid);

    if (mdev == NULL)
        return hold_vf(self, uuid, command, domain, cdev);
    if (mdev->held)
        return EALREADY;
    mdev->held = TRUE;
    if (command)
        add_holder_process(self, mdev->vfio_index, mdev->iommu_group, command, domain, cdev);
    return 0;
}

int
mock_host_release_mdev(MockHost *self, const char *uuid)
{
    HostMdev *mdev = lookup_mdev(self, uuid);

    if (mdev == NULL)
        return release_vf(self, uuid);
    if (!mdev->held)
        return EALREADY;
    mdev->held = FALSE;
    remove_holder_process(self, mdev->vfio_index);
    return 0;
}

/* What opening /dev/vfio/<group> gives: the VFIO core lets one user
 * have a group, so it is busy while a held mdev is in it. */
int
mock_host_open_vfio_group(MockHost *self, int group)
{
    g_autofree char *path = group_path(self, group);
    GHashTableIter iter;
    gpointer value;

    if (group < 0 || !g_file_test(path, G_FILE_TEST_IS_DIR))
        return ENOENT;
    g_hash_table_iter_init(&iter, self->mdevs);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        HostMdev *mdev = value;
        if (mdev->iommu_group == group && mdev->held)
            return EBUSY;
    }
    for (guint i = 0; i < self->cards->len; i++) {
        NvCard *card = g_ptr_array_index(self->cards, i);
        for (guint j = 0; j < card->vfs->len; j++) {
            NvVf *vf = g_ptr_array_index(card->vfs, j);
            if (vf->iommu_group == group && vf->held)
                return EBUSY;
        }
    }
    return 0;
}

gboolean
mock_host_mdev_is_held(MockHost *self, const char *uuid)
{
    HostMdev *mdev = lookup_mdev(self, uuid);
    NvVf *vf = mdev ? NULL : lookup_vf(self, uuid);

    return (mdev != NULL && mdev->held) || (vf != NULL && vf->held);
}

/* ------------------------------------------------------------ definitions */

guint
mock_host_get_n_definitions(MockHost *self)
{
    return self->definitions ? json_array_get_length(json_node_get_array(self->definitions)) : 0;
}

static char *
json_quote(const char *text)
{
    g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), text);

    return json_to_string(node, FALSE);
}

/* The store's format is mdevctl's: one file per device,
 * <conf_dir>/<parent>/<uuid>, pretty-printed with two-space indents. */
static char *
format_definition(JsonObject *def)
{
    GString *out = g_string_new("{\n");
    g_autofree char *type = json_quote(json_object_get_string_member(def, "mdev_type"));
    g_autofree char *start = json_quote(json_object_get_string_member_with_default(def, "start",
                                                                                   "manual"));
    JsonArray *attrs = json_object_has_member(def, "attrs")
        ? json_object_get_array_member(def, "attrs") : NULL;
    guint n = attrs ? json_array_get_length(attrs) : 0;

    g_string_append_printf(out, "  \"mdev_type\": %s,\n  \"start\": %s,\n", type, start);
    if (n == 0) {
        g_string_append(out, "  \"attrs\": []\n}\n");
        return g_string_free(out, FALSE);
    }
    g_string_append(out, "  \"attrs\": [\n");
    for (guint i = 0; i < n; i++) {
        JsonObject *attr = json_array_get_object_element(attrs, i);
        g_autoptr(GList) names = json_object_get_members(attr);
        const char *name = names->data;
        g_autofree char *key = json_quote(name);
        g_autofree char *value = json_quote(json_object_get_string_member(attr, name));

        g_string_append_printf(out, "    {\n      %s: %s\n    }%s\n", key, value,
                               i + 1 < n ? "," : "");
    }
    g_string_append(out, "  ]\n}\n");
    return g_string_free(out, FALSE);
}

gboolean
mock_host_write_definitions(MockHost *self, const char *conf_dir, GError **error)
{
    guint n = mock_host_get_n_definitions(self);

    for (guint i = 0; i < n; i++) {
        JsonObject *def = json_array_get_object_element(json_node_get_array(self->definitions), i);
        const char *parent = json_object_get_string_member(def, "parent");
        const char *uuid = json_object_get_string_member(def, "uuid");
        g_autofree char *dir = g_build_filename(conf_dir, parent, NULL);
        g_autofree char *path = g_build_filename(dir, uuid, NULL);
        g_autofree char *text = format_definition(def);

        if (g_mkdir_with_parents(dir, 0755) < 0) {
            int err = errno;
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                        "cannot create '%s': %s", dir, g_strerror(err));
            return FALSE;
        }
        if (!g_file_set_contents(path, text, -1, error))
            return FALSE;
    }
    return TRUE;
}

/* ----------------------------------------------------------------- loading */

/* The VMs that the description says hold VFs, as processes in /proc */
static void
load_vf_holders(MockHost *self)
{
    for (guint i = 0; i < self->cards->len; i++) {
        NvCard *card = g_ptr_array_index(self->cards, i);

        for (guint j = 0; j < card->vfs->len; j++) {
            NvVf *vf = g_ptr_array_index(card->vfs, j);

            if (vf->held)
                add_holder_process(self, vf->vfio_index, vf->iommu_group, MOCK_HOST_VF_HOLDER,
                                   vf->held_by, FALSE);
        }
    }
}

typedef struct {
    MockHost *host;
    GHashTable *pci_info; /* name -> MockPciInfo strings kept alive by the parser */
    GHashTable *drivers;  /* every driver the description binds */
} Loader;

static gboolean G_GNUC_PRINTF(2, 3)
fail(GError **error, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
    return FALSE;
}

static gboolean
check_members(JsonObject *object, const char *where, const char *const *allowed, GError **error)
{
    g_autoptr(GList) names = json_object_get_members(object);

    for (GList *l = names; l; l = l->next) {
        if (!g_strv_contains(allowed, l->data))
            return fail(error, "%s: unknown member '%s'", where, (const char *) l->data);
    }
    return TRUE;
}

static gboolean
get_object(JsonObject *object, const char *member, const char *where, gboolean required,
           JsonObject **ret_value, GError **error)
{
    JsonNode *node = json_object_get_member(object, member);

    *ret_value = NULL;
    if (node == NULL)
        return required ? fail(error, "%s: '%s' is missing", where, member) : TRUE;
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return fail(error, "%s: '%s' must be an object", where, member);
    *ret_value = json_node_get_object(node);
    return TRUE;
}

static gboolean
get_array(JsonObject *object, const char *member, const char *where, gboolean required,
          JsonArray **ret_value, GError **error)
{
    JsonNode *node = json_object_get_member(object, member);

    *ret_value = NULL;
    if (node == NULL)
        return required ? fail(error, "%s: '%s' is missing", where, member) : TRUE;
    if (!JSON_NODE_HOLDS_ARRAY(node))
        return fail(error, "%s: '%s' must be an array", where, member);
    *ret_value = json_node_get_array(node);
    return TRUE;
}

static gboolean
get_string(JsonObject *object, const char *member, const char *where, gboolean required,
           const char **ret_value, GError **error)
{
    JsonNode *node = json_object_get_member(object, member);

    *ret_value = NULL;
    if (node == NULL)
        return required ? fail(error, "%s: '%s' is missing", where, member) : TRUE;
    if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING)
        return fail(error, "%s: '%s' must be a string", where, member);
    *ret_value = json_node_get_string(node);
    return TRUE;
}

static gboolean
get_name(JsonObject *object, const char *member, const char *where, gboolean required,
         const char **ret_value, GError **error)
{
    if (!get_string(object, member, where, required, ret_value, error))
        return FALSE;
    if (*ret_value && !mdev_util_name_is_valid(*ret_value))
        return fail(error, "%s: '%s' must be one path component, not '%s'", where, member,
                    *ret_value);
    return TRUE;
}

static gboolean
get_int(JsonObject *object, const char *member, const char *where, gboolean required,
        gint64 min, gint64 max, gint64 *ret_value, GError **error)
{
    JsonNode *node = json_object_get_member(object, member);
    gint64 value;

    if (node == NULL)
        return required ? fail(error, "%s: '%s' is missing", where, member) : TRUE;
    if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_INT64)
        return fail(error, "%s: '%s' must be an integer", where, member);
    value = json_node_get_int(node);
    if (value < min || value > max)
        return fail(error, "%s: '%s' must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                    where, member, min, max);
    *ret_value = value;
    return TRUE;
}

static gboolean
get_bool(JsonObject *object, const char *member, const char *where, gboolean *ret_value,
         GError **error)
{
    JsonNode *node = json_object_get_member(object, member);

    if (node == NULL)
        return TRUE;
    if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_BOOLEAN)
        return fail(error, "%s: '%s' must be true or false", where, member);
    *ret_value = json_node_get_boolean(node);
    return TRUE;
}

static gboolean
get_hex(JsonObject *object, const char *member, const char *where, gboolean required,
        const char **ret_value, GError **error)
{
    const char *p;

    if (!get_string(object, member, where, required, ret_value, error))
        return FALSE;
    if (*ret_value == NULL)
        return TRUE;
    p = *ret_value;
    if (!g_str_has_prefix(p, "0x") || p[2] == '\0')
        return fail(error, "%s: '%s' must be a hexadecimal number like 0x10de, not '%s'",
                    where, member, *ret_value);
    for (p += 2; *p; p++) {
        if (!g_ascii_isxdigit(*p))
            return fail(error, "%s: '%s' must be a hexadecimal number like 0x10de, not '%s'",
                        where, member, *ret_value);
    }
    return TRUE;
}

static gboolean
get_uuid(JsonObject *object, const char *member, const char *where, const char **ret_value,
         GError **error)
{
    if (!get_string(object, member, where, TRUE, ret_value, error))
        return FALSE;
    if (!mdev_util_uuid_is_canonical(*ret_value))
        return fail(error, "%s: '%s' must be a lowercase hyphenated UUID, not '%s'", where,
                    member, *ret_value);
    return TRUE;
}

static gboolean
parse_kind(const char *text, ParentKind *ret_kind)
{
    static const char *const names[] = { "pci", "css", "ap", "generic" };

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(text, names[i]) == 0) {
            *ret_kind = (ParentKind) i;
            return TRUE;
        }
    }
    return FALSE;
}

/* "pci": {...} of a parent or a plain device; adds the device. */
static gboolean
add_pci_device(Loader *loader, JsonObject *object, const char *name, const char *driver,
               const char *where, GError **error)
{
    static const char *const members[] = { "vendor", "device", "class", "physfn",
                                           "iommu_group", "numa_node", "sriov", NULL };
    static const char *const sriov_members[] = { "totalvfs", "offset", "stride", NULL };
    g_autofree char *pci_where = g_strdup_printf("%s.pci", where);
    JsonObject *pci;
    JsonObject *sriov;
    MockPciInfo info = { .driver = driver, .iommu_group = -1, .numa_node = -1 };
    gint64 group = -1, numa = -1;
    const char *syspath;

    if (!get_object(object, "pci", where, TRUE, &pci, error) ||
        !check_members(pci, pci_where, members, error) ||
        !get_hex(pci, "vendor", pci_where, TRUE, &info.vendor, error) ||
        !get_hex(pci, "device", pci_where, TRUE, &info.device, error) ||
        !get_hex(pci, "class", pci_where, TRUE, &info.class_code, error) ||
        !get_name(pci, "physfn", pci_where, FALSE, &info.physfn, error) ||
        !get_int(pci, "iommu_group", pci_where, FALSE, 0, G_MAXINT, &group, error) ||
        !get_int(pci, "numa_node", pci_where, FALSE, -1, 1024, &numa, error) ||
        !get_object(pci, "sriov", pci_where, FALSE, &sriov, error))
        return FALSE;
    if (strlen(name) < 7 || name[4] != ':')
        return fail(error, "%s: '%s' is not a PCI address like 0000:41:00.4", where, name);
    if (info.physfn && !g_hash_table_contains(loader->pci_info, info.physfn))
        return fail(error, "%s: physfn '%s' is not a PCI device listed before it", pci_where,
                    info.physfn);
    info.iommu_group = (int) group;
    info.numa_node = (int) numa;
    syspath = mock_sysfs_add_pci_parent(loader->host->sysfs, name, &info);
    g_hash_table_add(loader->pci_info, g_strdup(name));
    if (sriov) {
        g_autofree char *sriov_where = g_strdup_printf("%s.sriov", pci_where);
        gint64 total = 0, offset = 1, stride = 1;
        const struct {
            const char *file;
            gint64 *value;
        } files[] = { { "sriov_totalvfs", &total }, { "sriov_offset", &offset },
                      { "sriov_stride", &stride } };

        if (!check_members(sriov, sriov_where, sriov_members, error) ||
            !get_int(sriov, "totalvfs", sriov_where, TRUE, 1, 65535, &total, error) ||
            !get_int(sriov, "offset", sriov_where, FALSE, 1, 65535, &offset, error) ||
            !get_int(sriov, "stride", sriov_where, FALSE, 1, 65535, &stride, error))
            return FALSE;
        for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
            g_autofree char *path = g_build_filename(syspath, files[i].file, NULL);
            g_autofree char *value = g_strdup_printf("%" G_GINT64_FORMAT "\n", *files[i].value);
            mock_sysfs_write_file(loader->host->sysfs, path, value);
        }
    }
    return TRUE;
}

/* sriov_numvfs of every PF: the number of VFs the file lists for it. */
static void
count_vfs(Loader *loader)
{
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, loader->pci_info);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        const char *syspath = mock_sysfs_get_parent_syspath(loader->host->sysfs, key);
        g_autofree char *total_sys = g_build_filename(syspath, "sriov_totalvfs", NULL);
        g_autofree char *total = mock_sysfs_real_path(loader->host->sysfs, total_sys);
        g_autofree char *numvfs = g_build_filename(syspath, "sriov_numvfs", NULL);
        g_autofree char *value = NULL;
        guint n = 0;

        if (!g_file_test(total, G_FILE_TEST_EXISTS))
            continue;
        while (TRUE) {
            g_autofree char *link_sys = g_strdup_printf("%s/virtfn%u", syspath, n);
            g_autofree char *link = mock_sysfs_real_path(loader->host->sysfs, link_sys);
            if (!g_file_test(link, G_FILE_TEST_EXISTS))
                break;
            n++;
        }
        value = g_strdup_printf("%u\n", n);
        mock_sysfs_write_file(loader->host->sysfs, numvfs, value);
    }
}

static gboolean
load_device(Loader *loader, JsonObject *object, const char *where, GError **error)
{
    static const char *const members[] = { "name", "kind", "driver", "pci", NULL };
    const char *name, *kind, *driver;

    if (!check_members(object, where, members, error) ||
        !get_name(object, "name", where, TRUE, &name, error) ||
        !get_string(object, "kind", where, TRUE, &kind, error) ||
        !get_name(object, "driver", where, FALSE, &driver, error))
        return FALSE;
    if (strcmp(kind, "pci") != 0)
        return fail(error, "%s: kind '%s' is not supported for a plain device (only 'pci')", where,
                    kind);
    if (g_hash_table_contains(loader->pci_info, name))
        return fail(error, "%s: device '%s' is listed twice", where, name);
    if (driver)
        g_hash_table_add(loader->drivers, g_strdup(driver));
    return add_pci_device(loader, object, name, driver, where, error);
}

static gboolean
load_type(Loader *loader, HostParent *parent, JsonObject *object, const char *where,
          GError **error)
{
    static const char *const members[] = { "id", "name", "description", "device_api",
                                           "instances", "pool", "cost", "mdev_files", NULL };
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_file_free);
    const char *id, *name, *description, *device_api, *pool;
    gint64 instances = -1, cost = 1;
    JsonObject *mdev_files;
    HostType *type;

    if (!check_members(object, where, members, error) ||
        !get_name(object, "id", where, TRUE, &id, error) ||
        !get_string(object, "name", where, FALSE, &name, error) ||
        !get_string(object, "description", where, FALSE, &description, error) ||
        !get_string(object, "device_api", where, FALSE, &device_api, error) ||
        !get_int(object, "instances", where, FALSE, 0, G_MAXINT, &instances, error) ||
        !get_name(object, "pool", where, FALSE, &pool, error) ||
        !get_int(object, "cost", where, FALSE, 1, G_MAXINT, &cost, error) ||
        !get_object(object, "mdev_files", where, FALSE, &mdev_files, error))
        return FALSE;
    if ((instances < 0) == (pool == NULL))
        return fail(error, "%s: a type needs exactly one of 'instances' and 'pool'", where);
    if (pool && !g_hash_table_contains(parent->pools, pool))
        return fail(error, "%s: pool '%s' is not among the parent's pools", where, pool);
    if (pool == NULL && json_object_has_member(object, "cost"))
        return fail(error, "%s: 'cost' needs a 'pool'", where);
    if (parent_get_type(parent, id))
        return fail(error, "%s: type '%s' is listed twice", where, id);
    if (mdev_files) {
        g_autoptr(GList) names = json_object_get_members(mdev_files);
        for (GList *l = names; l; l = l->next) {
            g_autofree char *file_where = g_strdup_printf("%s.mdev_files", where);
            g_auto(GStrv) parts = g_strsplit(l->data, "/", -1);
            const char *contents;
            MdevFile *file;

            for (guint i = 0; parts[i]; i++) {
                if (!mdev_util_name_is_valid(parts[i]))
                    return fail(error, "%s: '%s' is not a relative path below the device",
                                file_where, (const char *) l->data);
            }
            if (!get_string(mdev_files, l->data, file_where, TRUE, &contents, error))
                return FALSE;
            file = g_new0(MdevFile, 1);
            file->path = g_strdup(l->data);
            file->contents = g_strdup(contents);
            g_ptr_array_add(files, file);
        }
    }
    type = g_new0(HostType, 1);
    type->id = g_strdup(id);
    type->name = g_strdup(name);
    type->description = g_strdup(description);
    type->device_api = g_strdup(device_api);
    type->instances = (int) instances;
    type->pool = g_strdup(pool);
    type->cost = (int) cost;
    type->files = g_steal_pointer(&files);
    type->parent = parent;
    g_ptr_array_add(parent->types, type);
    return TRUE;
}

static gboolean
load_parent(Loader *loader, JsonObject *object, const char *where, GError **error)
{
    static const char *const members[] = { "name", "kind", "driver", "mdev_driver", "pci",
                                           "css", "registered", "pools", "types", "mdevs",
                                           "full_errno", NULL };
    MockHost *self = loader->host;
    const char *name, *kind_name, *driver, *mdev_driver, *full_errno;
    g_autofree char *named = NULL;
    JsonObject *pools, *css = NULL;
    JsonArray *types;
    gboolean registered = TRUE;
    ParentKind kind;
    HostParent *parent;

    if (!check_members(object, where, members, error) ||
        !get_name(object, "name", where, TRUE, &name, error))
        return FALSE;
    named = g_strdup_printf("%s (%s)", where, name);
    if (!get_string(object, "kind", named, TRUE, &kind_name, error) ||
        !get_name(object, "driver", named, FALSE, &driver, error) ||
        !get_name(object, "mdev_driver", named, FALSE, &mdev_driver, error) ||
        !get_bool(object, "registered", named, &registered, error) ||
        !get_object(object, "pools", named, FALSE, &pools, error) ||
        !get_array(object, "types", named, FALSE, &types, error) ||
        !get_string(object, "full_errno", named, FALSE, &full_errno, error))
        return FALSE;
    if (!parse_kind(kind_name, &kind))
        return fail(error, "%s: kind '%s' is not one of pci, css, ap, generic", named, kind_name);
    if (g_hash_table_contains(self->parent_names, name) ||
        g_hash_table_contains(loader->pci_info, name))
        return fail(error, "%s: '%s' is listed twice", named, name);
    if (kind != KIND_PCI && json_object_has_member(object, "pci"))
        return fail(error, "%s: 'pci' belongs to a parent of kind 'pci'", named);
    if (kind != KIND_CSS && json_object_has_member(object, "css"))
        return fail(error, "%s: 'css' belongs to a parent of kind 'css'", named);
    if (kind == KIND_PCI && mdev_driver == NULL)
        return fail(error, "%s: a PCI parent needs 'mdev_driver', the driver its mdevs bind to",
                    named);
    if (kind == KIND_AP && strcmp(name, "matrix") != 0)
        return fail(error, "%s: the AP parent is always named 'matrix'", named);

    parent = g_new0(HostParent, 1);
    parent->name = g_strdup(name);
    parent->kind = kind;
    parent->pools = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    parent->types = g_ptr_array_new_with_free_func((GDestroyNotify) host_type_free);
    g_ptr_array_add(self->parents, parent);
    g_hash_table_insert(self->parent_names, parent->name, parent);

    switch (kind) {
    case KIND_PCI:
        if (!add_pci_device(loader, object, name, driver, named, error))
            return FALSE;
        break;
    case KIND_CSS: {
        static const char *const css_members[] = { "dev_busid", NULL };
        g_autofree char *css_where = g_strdup_printf("%s.css", named);
        const char *busid = NULL;

        if (!get_object(object, "css", named, FALSE, &css, error))
            return FALSE;
        if (css && (!check_members(css, css_where, css_members, error) ||
                    !get_string(css, "dev_busid", css_where, FALSE, &busid, error)))
            return FALSE;
        mock_sysfs_add_css_parent(self->sysfs, name, busid, driver ? driver : "vfio_ccw");
        if (mdev_driver == NULL)
            mdev_driver = "vfio_ccw_mdev";
        break;
    }
    case KIND_AP:
        mock_sysfs_add_ap_matrix(self->sysfs);
        if (mdev_driver == NULL)
            mdev_driver = "vfio_ap_mdev";
        break;
    case KIND_GENERIC:
    default:
        mock_sysfs_add_generic_parent(self->sysfs, name);
        if (mdev_driver == NULL)
            mdev_driver = name;
        break;
    }
    parent->syspath = g_strdup(mock_sysfs_get_parent_syspath(self->sysfs, name));
    parent->mdev_driver = g_strdup(mdev_driver);
    if (driver)
        g_hash_table_add(loader->drivers, g_strdup(driver));
    else if (kind == KIND_GENERIC)
        g_hash_table_add(loader->drivers, g_strdup(name));
    else if (kind == KIND_CSS)
        g_hash_table_add(loader->drivers, g_strdup("vfio_ccw"));
    else if (kind == KIND_AP)
        g_hash_table_add(loader->drivers, g_strdup("vfio_ap"));
    /* s390's drivers leave capacity to the core's per-parent counter
     * (EUSERS); the others check in their probe */
    parent->full_errno = (kind == KIND_CSS || kind == KIND_AP) ? EUSERS : ENOSPC;
    if (full_errno) {
        parent->full_errno = mock_host_errno_from_name(full_errno);
        if (parent->full_errno == 0)
            return fail(error, "%s: 'full_errno' must be an errno name like ENOSPC, not '%s'",
                        named, full_errno);
    }
    if (pools) {
        g_autoptr(GList) names = json_object_get_members(pools);
        g_autofree char *pools_where = g_strdup_printf("%s.pools", named);
        for (GList *l = names; l; l = l->next) {
            gint64 capacity;
            if (!mdev_util_name_is_valid(l->data))
                return fail(error, "%s: invalid pool name '%s'", pools_where,
                            (const char *) l->data);
            if (!get_int(pools, l->data, pools_where, TRUE, 0, G_MAXINT, &capacity, error))
                return FALSE;
            g_hash_table_insert(parent->pools, g_strdup(l->data), GINT_TO_POINTER((int) capacity));
        }
    }
    for (guint i = 0; types && i < json_array_get_length(types); i++) {
        JsonNode *node = json_array_get_element(types, i);
        g_autofree char *type_where = g_strdup_printf("%s.types[%u]", named, i);

        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, "%s: must be an object", type_where);
        if (!load_type(loader, parent, json_node_get_object(node), type_where, error))
            return FALSE;
    }
    if (registered)
        register_parent(self, parent, FALSE);
    return TRUE;
}

/* Active mdevs come after every parent so that group numbers the file does
 * not give are allocated above the devices' own groups. */
static gboolean
load_mdevs(Loader *loader, JsonObject *parent_object, guint index, GError **error)
{
    static const char *const members[] = { "uuid", "type", "iommu_group", NULL };
    MockHost *self = loader->host;
    HostParent *parent = g_ptr_array_index(self->parents, index);
    JsonArray *mdevs;
    g_autofree char *named = g_strdup_printf("parents[%u] (%s)", index, parent->name);

    if (!get_array(parent_object, "mdevs", named, FALSE, &mdevs, error))
        return FALSE;
    for (guint i = 0; mdevs && i < json_array_get_length(mdevs); i++) {
        JsonNode *node = json_array_get_element(mdevs, i);
        g_autofree char *where = g_strdup_printf("%s.mdevs[%u]", named, i);
        const char *uuid, *type_id;
        gint64 group = -1;
        JsonObject *object;
        HostType *type;

        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, "%s: must be an object", where);
        object = json_node_get_object(node);
        if (!check_members(object, where, members, error) ||
            !get_uuid(object, "uuid", where, &uuid, error) ||
            !get_name(object, "type", where, TRUE, &type_id, error) ||
            !get_int(object, "iommu_group", where, FALSE, 0, G_MAXINT, &group, error))
            return FALSE;
        if (!parent->registered)
            return fail(error, "%s: an unregistered parent has no mdevs", where);
        type = parent_get_type(parent, type_id);
        if (type == NULL)
            return fail(error, "%s: type '%s' is not among the parent's types", where, type_id);
        if (g_hash_table_contains(self->mdevs, uuid))
            return fail(error, "%s: UUID %s is used twice (UUIDs are unique on a host)", where,
                        uuid);
        if (type_available(self, type) < 1)
            return fail(error, "%s: type '%s' has no capacity left for %s", where, type_id, uuid);
        if (group >= 0) {
            g_autofree char *path = group_path(self, (int) group);
            if (g_file_test(path, G_FILE_TEST_EXISTS))
                return fail(error, "%s: IOMMU group %" G_GINT64_FORMAT " is already used", where,
                            group);
        }
        add_mdev(self, type, uuid, (int) group, FALSE);
    }
    return TRUE;
}

static gboolean
load_definitions(Loader *loader, JsonObject *root, GError **error)
{
    static const char *const members[] = { "parent", "uuid", "mdev_type", "start", "attrs",
                                           NULL };
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    JsonArray *defs;

    if (!get_array(root, "definitions", "host", FALSE, &defs, error))
        return FALSE;
    for (guint i = 0; defs && i < json_array_get_length(defs); i++) {
        JsonNode *node = json_array_get_element(defs, i);
        g_autofree char *where = g_strdup_printf("definitions[%u]", i);
        const char *parent, *uuid, *type, *start;
        JsonObject *def;
        JsonArray *attrs;

        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, "%s: must be an object", where);
        def = json_node_get_object(node);
        if (!check_members(def, where, members, error) ||
            !get_name(def, "parent", where, TRUE, &parent, error) ||
            !get_uuid(def, "uuid", where, &uuid, error) ||
            !get_name(def, "mdev_type", where, TRUE, &type, error) ||
            !get_string(def, "start", where, FALSE, &start, error) ||
            !get_array(def, "attrs", where, FALSE, &attrs, error))
            return FALSE;
        if (start && strcmp(start, "auto") != 0 && strcmp(start, "manual") != 0)
            return fail(error, "%s: 'start' must be 'auto' or 'manual', not '%s'", where, start);
        if (!g_hash_table_add(seen, g_strdup_printf("%s/%s", parent, uuid)))
            return fail(error, "%s: %s is defined twice on '%s'", where, uuid, parent);
        for (guint j = 0; attrs && j < json_array_get_length(attrs); j++) {
            JsonNode *attr = json_array_get_element(attrs, j);
            g_autoptr(GList) names = NULL;
            JsonNode *value;

            if (!JSON_NODE_HOLDS_OBJECT(attr) ||
                json_object_get_size(json_node_get_object(attr)) != 1)
                return fail(error, "%s.attrs[%u]: must be an object with one member", where, j);
            names = json_object_get_members(json_node_get_object(attr));
            value = json_object_get_member(json_node_get_object(attr), names->data);
            if (!mdev_util_name_is_valid(names->data) || !JSON_NODE_HOLDS_VALUE(value) ||
                json_node_get_value_type(value) != G_TYPE_STRING)
                return fail(error, "%s.attrs[%u]: must map an attribute name to a string", where,
                            j);
        }
    }
    if (defs)
        loader->host->definitions = json_node_ref(json_object_get_member(root, "definitions"));
    return TRUE;
}

static gboolean
get_names(JsonObject *object, const char *member, const char *where, GPtrArray *ret_names,
          GError **error)
{
    JsonArray *array;

    if (!get_array(object, member, where, FALSE, &array, error))
        return FALSE;
    for (guint i = 0; array && i < json_array_get_length(array); i++) {
        JsonNode *node = json_array_get_element(array, i);
        const char *name = JSON_NODE_HOLDS_VALUE(node) &&
                                   json_node_get_value_type(node) == G_TYPE_STRING
                               ? json_node_get_string(node)
                               : NULL;

        if (name == NULL || !mdev_util_name_is_valid(name) || strchr(name, ' '))
            return fail(error, "%s.%s[%u]: must be a name without spaces", where, member, i);
        g_ptr_array_add(ret_names, g_strdup(name));
    }
    return TRUE;
}

static void
write_host_file(const char *dir, const char *name, const char *contents)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *parent = g_path_get_dirname(path);
    g_autoptr(GError) error = NULL;

    g_mkdir_with_parents(parent, 0755);
    if (!g_file_set_contents(path, contents, -1, &error))
        g_error("mock-host: %s", error->message);
}

/* "system": what the host's /proc, /sys/module and udev rules directories
 * say beside the devices. Absent members describe a host that is set up
 * for its devices: vfio and mdev loaded with every driver the description
 * names, systemd as init with NVIDIA's daemons beside an nvidia driver,
 * GVT-g enabled beside an i915 parent, no udev rule active. */
static gboolean
load_system(Loader *loader, JsonObject *root, GError **error)
{
    static const char *const members[] = { "cmdline", "modules", "module_parameters",
                                           "init", "processes", "udev_rules", NULL };
    MockHost *self = loader->host;
    g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) processes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) text = g_string_new(NULL);
    const char *where = "system";
    const char *cmdline = "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro quiet";
    const char *init = "systemd";
    JsonObject *system = NULL, *parameters = NULL;
    gboolean nvidia = g_hash_table_contains(loader->drivers, "nvidia");
    gboolean gvt = FALSE;

    if (!get_object(root, "system", "host", FALSE, &system, error))
        return FALSE;
    if (system && (!check_members(system, where, members, error) ||
                   !get_string(system, "cmdline", where, FALSE, &cmdline, error) ||
                   !get_string(system, "init", where, FALSE, &init, error) ||
                   !get_object(system, "module_parameters", where, FALSE, &parameters, error)))
        return FALSE;
    if (cmdline == NULL)
        cmdline = "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro quiet";
    if (init == NULL)
        init = "systemd";
    if (system && json_object_has_member(system, "modules")) {
        if (!get_names(system, "modules", where, modules, error))
            return FALSE;
    } else {
        GHashTableIter iter;
        gpointer key;

        g_ptr_array_add(modules, g_strdup("mdev"));
        g_ptr_array_add(modules, g_strdup("vfio"));
        g_ptr_array_add(modules, g_strdup("vfio_iommu_type1"));
        g_hash_table_iter_init(&iter, loader->drivers);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            g_ptr_array_add(modules, g_strdelimit(g_strdup(key), "-", '_'));
        for (guint i = 0; i < self->parents->len; i++) {
            HostParent *parent = g_ptr_array_index(self->parents, i);
            if (g_strcmp0(parent->mdev_driver, "intel_vgpu_mdev") == 0)
                gvt = TRUE;
        }
        if (gvt)
            g_ptr_array_add(modules, g_strdup("kvmgt"));
    }
    if (system && json_object_has_member(system, "processes")) {
        if (!get_names(system, "processes", where, processes, error))
            return FALSE;
    } else if (nvidia) {
        g_ptr_array_add(processes, g_strdup("nvidia-vgpud"));
        g_ptr_array_add(processes, g_strdup("nvidia-vgpu-mgr"));
    }
    if (system && !get_names(system, "udev_rules", where, rules, error))
        return FALSE;

    self->proc_dir = g_build_filename(self->root, "host", "proc", NULL);
    self->udev_rules_dir = g_build_filename(self->root, "host", "udev-rules", NULL);
    g_mkdir_with_parents(self->udev_rules_dir, 0755);

    g_string_append_printf(text, "%s\n", cmdline);
    write_host_file(self->proc_dir, "cmdline", text->str);
    g_string_truncate(text, 0);
    for (guint i = 0; i < modules->len; i++)
        g_string_append_printf(text, "%s 16384 0 - Live 0x0000000000000000\n",
                               (const char *) g_ptr_array_index(modules, i));
    write_host_file(self->proc_dir, "modules", text->str);
    g_string_printf(text, "%s\n", init);
    write_host_file(self->proc_dir, "1/comm", text->str);
    for (guint i = 0; i < processes->len; i++) {
        g_autofree char *name = g_strdup_printf("%u/comm", 1000 + i);
        g_string_printf(text, "%s\n", (const char *) g_ptr_array_index(processes, i));
        write_host_file(self->proc_dir, name, text->str);
    }
    for (guint i = 0; i < rules->len; i++)
        write_host_file(self->udev_rules_dir, g_ptr_array_index(rules, i),
                        "# an active rule\n");

    if (parameters == NULL && gvt) {
        mock_sysfs_write_file(self->sysfs, "/sys/module/i915/parameters/enable_gvt", "Y\n");
    } else if (parameters) {
        g_autoptr(GList) names = json_object_get_members(parameters);

        for (GList *l = names; l; l = l->next) {
            g_autofree char *module_where = g_strdup_printf("%s.module_parameters.%s", where,
                                                            (const char *) l->data);
            JsonObject *values;
            g_autoptr(GList) params = NULL;

            if (!mdev_util_name_is_valid(l->data))
                return fail(error, "%s: invalid module name", module_where);
            if (!get_object(parameters, l->data, module_where, TRUE, &values, error))
                return FALSE;
            params = json_object_get_members(values);
            for (GList *p = params; p; p = p->next) {
                const char *value;
                g_autofree char *path = NULL;
                g_autofree char *contents = NULL;

                if (!mdev_util_name_is_valid(p->data))
                    return fail(error, "%s: invalid parameter name", module_where);
                if (!get_string(values, p->data, module_where, TRUE, &value, error))
                    return FALSE;
                path = g_strdup_printf("/sys/module/%s/parameters/%s", (const char *) l->data,
                                       (const char *) p->data);
                contents = g_strdup_printf("%s\n", value);
                mock_sysfs_write_file(self->sysfs, path, contents);
            }
        }
    }
    return TRUE;
}

/* "nvidia_cards": GPUs whose VFs stay bound to the NVIDIA driver. */
static gboolean
load_card(Loader *loader, JsonObject *object, const char *where, GError **error)
{
    static const char *const members[] = { "name", "pci", "vf_device", "driver", "vf_driver",
                                           "profile", "totalvfs", "vfs", "vf_offset",
                                           "vf_iommu_group", "not_ready_writes", "types",
                                           "vgpus", NULL };
    static const char *const pci_members[] = { "vendor", "device", "class", "iommu_group",
                                               "numa_node", NULL };
    static const char *const type_members[] = { "id", "name", "max_instances", NULL };
    static const char *const vgpu_members[] = {
        "vf", "type", "vgpu_params", "held", "held_by", NULL
    };
    MockHost *self = loader->host;
    const char *name, *vf_device = NULL, *driver = NULL, *vf_driver = NULL, *profile = NULL;
    g_autofree char *named = NULL;
    g_autofree char *pci_where = NULL;
    MockPciInfo info = { .iommu_group = -1, .numa_node = -1 };
    gint64 total = 0, vfs = -1, offset = 4, first_group = -1, not_ready = 0, group = -1,
           numa = -1;
    JsonObject *pci;
    JsonArray *types, *vgpus;
    NvCard *card;
    const char *syspath;

    if (!check_members(object, where, members, error) ||
        !get_name(object, "name", where, TRUE, &name, error))
        return FALSE;
    named = g_strdup_printf("%s (%s)", where, name);
    pci_where = g_strdup_printf("%s.pci", named);
    if (!get_object(object, "pci", named, TRUE, &pci, error) ||
        !check_members(pci, pci_where, pci_members, error) ||
        !get_hex(pci, "vendor", pci_where, TRUE, &info.vendor, error) ||
        !get_hex(pci, "device", pci_where, TRUE, &info.device, error) ||
        !get_hex(pci, "class", pci_where, TRUE, &info.class_code, error) ||
        !get_int(pci, "iommu_group", pci_where, FALSE, 0, G_MAXINT, &group, error) ||
        !get_int(pci, "numa_node", pci_where, FALSE, -1, 1024, &numa, error) ||
        !get_hex(object, "vf_device", named, FALSE, &vf_device, error) ||
        !get_name(object, "driver", named, FALSE, &driver, error) ||
        !get_name(object, "vf_driver", named, FALSE, &vf_driver, error) ||
        !get_string(object, "profile", named, FALSE, &profile, error) ||
        !get_int(object, "totalvfs", named, TRUE, 1, 64, &total, error) ||
        !get_int(object, "vfs", named, FALSE, 0, 64, &vfs, error) ||
        !get_int(object, "vf_offset", named, FALSE, 1, 255, &offset, error) ||
        !get_int(object, "vf_iommu_group", named, FALSE, 0, G_MAXINT, &first_group, error) ||
        !get_int(object, "not_ready_writes", named, FALSE, 0, 100, &not_ready, error) ||
        !get_array(object, "types", named, TRUE, &types, error) ||
        !get_array(object, "vgpus", named, FALSE, &vgpus, error))
        return FALSE;
    if (g_hash_table_contains(loader->pci_info, name) ||
        g_hash_table_contains(self->parent_names, name))
        return fail(error, "%s: '%s' is listed twice", named, name);
    if (profile && strcmp(profile, "proprietary") != 0 && strcmp(profile, "upstream") != 0)
        return fail(error, "%s: 'profile' must be 'proprietary' or 'upstream', not '%s'", named,
                    profile);
    if (vfs < 0)
        vfs = total;
    if (vfs > total)
        return fail(error, "%s: 'vfs' is more than 'totalvfs'", named);

    card = g_new0(NvCard, 1);
    card->name = g_strdup(name);
    card->profile = profile && strcmp(profile, "upstream") == 0 ? NV_PROFILE_UPSTREAM
                                                                : NV_PROFILE_PROPRIETARY;
    card->vf_driver = g_strdup(vf_driver ? vf_driver : "nvidia");
    card->total_vfs = (int) total;
    card->vf_offset = (int) offset;
    card->first_vf_group = (int) first_group;
    card->not_ready_writes = (guint) not_ready;
    card->types = g_ptr_array_new_with_free_func((GDestroyNotify) nv_type_free);
    card->vfs = g_ptr_array_new_with_free_func((GDestroyNotify) nv_vf_free);
    card->vf_info.vendor = g_strdup(info.vendor);
    card->vf_info.device = g_strdup(vf_device ? vf_device : info.device);
    card->vf_info.class_code = g_strdup(info.class_code);
    card->vf_info.driver = card->vf_driver;
    card->vf_info.physfn = card->name;
    card->vf_info.numa_node = (int) numa;
    g_ptr_array_add(self->cards, card);
    {
        g_autofree char *last = vf_address(card, (guint) total - 1);
        if (last == NULL)
            return fail(error, "%s: not a PCI address like 0000:3d:00.0, or its VFs would "
                        "leave its bus", named);
    }

    for (guint i = 0; i < json_array_get_length(types); i++) {
        JsonNode *node = json_array_get_element(types, i);
        g_autofree char *type_where = g_strdup_printf("%s.types[%u]", named, i);
        const char *type_name;
        gint64 id, max;
        NvType *type;

        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, "%s: must be an object", type_where);
        if (!check_members(json_node_get_object(node), type_where, type_members, error) ||
            !get_int(json_node_get_object(node), "id", type_where, TRUE, 1, 99999, &id, error) ||
            !get_string(json_node_get_object(node), "name", type_where, TRUE, &type_name,
                        error) ||
            !get_int(json_node_get_object(node), "max_instances", type_where, TRUE, 0, 64, &max,
                     error))
            return FALSE;
        if (card_get_type(card, (guint64) id))
            return fail(error, "%s: type %" G_GINT64_FORMAT " is listed twice", type_where, id);
        type = g_new0(NvType, 1);
        type->id = (guint) id;
        type->name = g_strdup(type_name);
        type->max_instances = (int) max;
        g_ptr_array_add(card->types, type);
    }

    info.driver = driver ? driver : "nvidia";
    info.iommu_group = (int) group;
    info.numa_node = (int) numa;
    syspath = mock_sysfs_add_pci_parent(self->sysfs, name, &info);
    card->syspath = g_strdup(syspath);
    g_hash_table_add(loader->pci_info, g_strdup(name));
    g_hash_table_add(loader->drivers, g_strdup(info.driver));
    g_hash_table_add(loader->drivers, g_strdup(card->vf_driver));
    {
        const struct {
            const char *file;
            gint64 value;
        } files[] = { { "sriov_totalvfs", total }, { "sriov_offset", offset },
                      { "sriov_stride", 1 } };
        for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
            g_autofree char *path = g_build_filename(syspath, files[i].file, NULL);
            g_autofree char *value = g_strdup_printf("%" G_GINT64_FORMAT "\n", files[i].value);
            mock_sysfs_write_file(self->sysfs, path, value);
        }
    }
    card_add_vfs(self, card, (guint) vfs, FALSE);

    for (guint i = 0; vgpus && i < json_array_get_length(vgpus); i++) {
        JsonNode *node = json_array_get_element(vgpus, i);
        g_autofree char *vgpu_where = g_strdup_printf("%s.vgpus[%u]", named, i);
        g_autofree char *id_text = NULL;
        const char *params = NULL;
        const char *domain = NULL;
        gboolean held = FALSE;
        gint64 index, id;
        JsonObject *vgpu;
        NvVf *vf;
        gssize result;

        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, "%s: must be an object", vgpu_where);
        vgpu = json_node_get_object(node);
        if (!check_members(vgpu, vgpu_where, vgpu_members, error) ||
            !get_int(vgpu, "vf", vgpu_where, TRUE, 0, 63, &index, error) ||
            !get_int(vgpu, "type", vgpu_where, TRUE, 1, 99999, &id, error) ||
            !get_string(vgpu, "vgpu_params", vgpu_where, FALSE, &params, error) ||
            !get_bool(vgpu, "held", vgpu_where, &held, error) ||
            !get_string(vgpu, "held_by", vgpu_where, FALSE, &domain, error))
            return FALSE;
        if (domain && !held)
            return fail(error, "%s: held_by without held", vgpu_where);
        if (index >= card->vfs->len)
            return fail(error, "%s: the card has no VF %" G_GINT64_FORMAT, vgpu_where, index);
        vf = g_ptr_array_index(card->vfs, index);
        id_text = g_strdup_printf("%" G_GINT64_FORMAT, id);
        result = store_current_type(self, vf, id_text, strlen(id_text));
        if (result < 0)
            return fail(error, "%s: the driver refuses type %" G_GINT64_FORMAT " on %s: %s",
                        vgpu_where, id, vf->address, g_strerror((int) -result));
        if (params) {
            vf->params = g_strdup(params);
            card_refresh(self, card);
        }
        /* its holder goes into /proc once that exists (load_vf_holders) */
        vf->held = held;
        vf->held_by = g_strdup(domain);
    }
    return TRUE;
}

static gboolean
load_cards(Loader *loader, JsonObject *root, GError **error)
{
    JsonArray *cards;

    if (!get_array(root, "nvidia_cards", "host", FALSE, &cards, error))
        return FALSE;
    for (guint i = 0; cards && i < json_array_get_length(cards); i++) {
        JsonNode *node = json_array_get_element(cards, i);
        g_autofree char *where = g_strdup_printf("nvidia_cards[%u]", i);

        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, "%s: must be an object", where);
        if (!load_card(loader, json_node_get_object(node), where, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
self_has_parents(MockHost *self)
{
    return self->parents->len > 0;
}

static gboolean
load_root(Loader *loader, JsonNode *root_node, GError **error)
{
    static const char *const members[] = { "$schema", "description", "devices", "parents",
                                           "nvidia_cards", "definitions", "system", NULL };
    JsonObject *root;
    JsonArray *devices, *parents;
    const char *description;

    if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT(root_node))
        return fail(error, "host: the description must be a JSON object");
    root = json_node_get_object(root_node);
    if (!check_members(root, "host", members, error) ||
        !get_string(root, "description", "host", FALSE, &description, error) ||
        !get_array(root, "devices", "host", FALSE, &devices, error) ||
        !get_array(root, "parents", "host", TRUE, &parents, error))
        return FALSE;
    for (guint i = 0; devices && i < json_array_get_length(devices); i++) {
        JsonNode *node = json_array_get_element(devices, i);
        g_autofree char *where = g_strdup_printf("devices[%u]", i);

        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, "%s: must be an object", where);
        if (!load_device(loader, json_node_get_object(node), where, error))
            return FALSE;
    }
    for (guint i = 0; i < json_array_get_length(parents); i++) {
        JsonNode *node = json_array_get_element(parents, i);
        g_autofree char *where = g_strdup_printf("parents[%u]", i);

        if (!JSON_NODE_HOLDS_OBJECT(node))
            return fail(error, "%s: must be an object", where);
        if (!load_parent(loader, json_node_get_object(node), where, error))
            return FALSE;
    }
    count_vfs(loader);
    if (self_has_parents(loader->host))
        ensure_mdev_bus(loader->host);
    for (guint i = 0; i < json_array_get_length(parents); i++) {
        if (!load_mdevs(loader, json_array_get_object_element(parents, i), i, error))
            return FALSE;
    }
    if (!load_cards(loader, root, error) || !load_definitions(loader, root, error) ||
        !load_system(loader, root, error))
        return FALSE;
    load_vf_holders(loader->host);
    return TRUE;
}

/**
 * mock_host_new_from_data:
 * @sysfs: the testbed to build the host in; must outlive the host
 *
 * Returns: (transfer full): the host, or %NULL with %G_IO_ERROR_INVALID_DATA
 *   naming the offending member (the testbed may then hold part of the host)
 */
MockHost *
mock_host_new_from_data(MockSysfs *sysfs, const char *data, gssize length, GError **error)
{
    g_autoptr(MockHost) self = g_new0(MockHost, 1);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GHashTable) pci_info = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) drivers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    Loader loader = { .host = self, .pci_info = pci_info, .drivers = drivers };
    g_autoptr(GError) parse_error = NULL;
    char *canonical;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    self->sysfs = sysfs;
    self->root = g_strdup(mock_sysfs_get_root(sysfs));
    canonical = realpath(self->root, NULL);
    self->root_canonical = g_strdup(canonical ? canonical : self->root);
    free(canonical);
    self->parents = g_ptr_array_new_with_free_func((GDestroyNotify) host_parent_free);
    self->parent_names = g_hash_table_new(g_str_hash, g_str_equal);
    self->mdevs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) host_mdev_free);
    self->faults = g_ptr_array_new_with_free_func((GDestroyNotify) host_fault_free);
    self->vanishes = g_ptr_array_new_with_free_func((GDestroyNotify) host_vanish_free);
    self->cards = g_ptr_array_new_with_free_func((GDestroyNotify) nv_card_free);

    if (!json_parser_load_from_data(parser, data, length, &parse_error)) {
        fail(error, "invalid JSON: %s", parse_error->message);
        return NULL;
    }
    if (!load_root(&loader, json_parser_get_root(parser), error))
        return NULL;
    return g_steal_pointer(&self);
}

MockHost *
mock_host_new_from_file(MockSysfs *sysfs, const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize length;
    MockHost *self;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!g_file_get_contents(path, &data, &length, error))
        return NULL;
    self = mock_host_new_from_data(sysfs, data, (gssize) length, error);
    if (self == NULL)
        g_prefix_error(error, "%s: ", path);
    return self;
}

/**
 * mock_host_find_example:
 * @name: a file name in examples/hosts/, "samples.json"
 *
 * Returns: (transfer full): its path in the source tree (found through
 *   G_TEST_SRCDIR, which points at tests/, when set)
 */
char *
mock_host_find_example(const char *name)
{
    const char *srcdir = g_getenv("G_TEST_SRCDIR");

    if (srcdir)
        return g_build_filename(srcdir, "..", "examples", "hosts", name, NULL);
    return g_build_filename(MOCK_HOST_EXAMPLES_DIR, name, NULL);
}
