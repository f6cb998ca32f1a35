/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NVIDIA VF vGPUs as the NVIDIA driver shows them in sysfs: every VF of the
 * GPU bound to the driver has nvidia/creatable_vgpu_types (a header, then
 * "%-5d : %s" lines of card-local decimal ids and names; empty or
 * header-only when nothing fits), nvidia/current_vgpu_type ("%d\n", 0 for
 * none) and nvidia/vgpu_params. The PF has no nvidia/ directory. The
 * driver computes the lists on each read, so a scan is one look at them. */
#include "mdev-nvidia.h"

#include "mdev-error.h"
#include "mdev-sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PCI_DEVICES "/sys/bus/pci/devices"
#define PCI_DRIVERS "/sys/bus/pci/drivers"
#define CREATABLE_HEADER "ID    : vGPU Name\n"
/* larger than any list the driver prints (one page) */
#define CREATABLE_MAX (2 * MDEV_SYSFS_ATTR_MAX)

void
mdev_nvidia_vf_free(MdevNvidiaVf *vf)
{
    if (vf == NULL)
        return;
    g_free(vf->address);
    g_free(vf->syspath);
    g_free(vf->driver);
    if (vf->creatable)
        g_ptr_array_unref(vf->creatable);
    g_free(vf);
}

void
mdev_nvidia_card_free(MdevNvidiaCard *card)
{
    if (card == NULL)
        return;
    mdev_parent_free(card->parent);
    if (card->vfs)
        g_ptr_array_unref(card->vfs);
    g_free(card);
}

/**
 * mdev_nvidia_address_is_valid:
 * @text: (nullable): a name
 *
 * Returns: whether @text is a PCI address as the kernel names a device,
 *   `0000:3d:00.4` (lowercase hex), and nothing else
 */
gboolean
mdev_nvidia_address_is_valid(const char *text)
{
    static const char pattern[] = "xxxx:xx:xx.d";

    if (text == NULL || strlen(text) != sizeof(pattern) - 1)
        return FALSE;
    for (guint i = 0; pattern[i]; i++) {
        char c = text[i];
        switch (pattern[i]) {
        case 'x':
            if (!g_ascii_isdigit(c) && !(c >= 'a' && c <= 'f'))
                return FALSE;
            break;
        case 'd':
            if (c < '0' || c > '7')
                return FALSE;
            break;
        default:
            if (c != pattern[i])
                return FALSE;
            break;
        }
    }
    return TRUE;
}

/* A decimal number as the driver prints it: digits, no sign, no leading
 * zero, at most nine of them. */
static gboolean
parse_decimal(const char *text, gsize length, guint *ret_value)
{
    guint value = 0;

    if (length == 0 || length > 9 || (text[0] == '0' && length > 1))
        return FALSE;
    for (gsize i = 0; i < length; i++) {
        if (!g_ascii_isdigit(text[i]))
            return FALSE;
        value = value * 10 + (guint) (text[i] - '0');
    }
    *ret_value = value;
    return TRUE;
}

/**
 * mdev_nvidia_parse_type_id:
 * @text: current_vgpu_type without its newline
 * @ret_id: (out): the id, 0 for no vGPU
 *
 * Returns: whether @text is a decimal id and nothing else
 */
gboolean
mdev_nvidia_parse_type_id(const char *text, guint *ret_id)
{
    return parse_decimal(text, strlen(text), ret_id);
}

/**
 * mdev_nvidia_type_name:
 * @id: a card-local type id
 *
 * Returns: (transfer full): the type's name in mdevtool, `nvidia-<id>`
 */
char *
mdev_nvidia_type_name(guint id)
{
    /* digits from the end: printf's machinery costs more than the rest of
     * a type's parsing, and a card lists dozens of types per VF */
    char buf[sizeof(MDEV_NVIDIA_TYPE_PREFIX) + 10];
    char *p = buf + sizeof(buf) - 1;

    *p = '\0';
    do {
        *--p = (char) ('0' + id % 10);
        id /= 10;
    } while (id > 0);
    p -= strlen(MDEV_NVIDIA_TYPE_PREFIX);
    memcpy(p, MDEV_NVIDIA_TYPE_PREFIX, strlen(MDEV_NVIDIA_TYPE_PREFIX));
    return g_strdup(p);
}

/**
 * mdev_nvidia_type_id_from_name:
 * @type: a type name, `nvidia-1148`
 * @ret_id: (out): its id
 *
 * Returns: whether @type is `nvidia-` and a non-zero decimal id
 */
gboolean
mdev_nvidia_type_id_from_name(const char *type, guint *ret_id)
{
    guint id;

    if (!g_str_has_prefix(type, MDEV_NVIDIA_TYPE_PREFIX) ||
        !mdev_nvidia_parse_type_id(type + strlen(MDEV_NVIDIA_TYPE_PREFIX), &id) || id == 0)
        return FALSE;
    *ret_id = id;
    return TRUE;
}

static gboolean G_GNUC_PRINTF(3, 4)
malformed(GError **error, int line, const char *format, ...)
{
    g_autofree char *what = NULL;
    va_list ap;

    va_start(ap, format);
    what = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, _("line %1$d: %2$s"), line, what);
    return FALSE;
}

/**
 * mdev_nvidia_parse_creatable:
 * @text: the contents of nvidia/creatable_vgpu_types
 * @length: its length
 * @ret_types: (out) (transfer full) (element-type MdevType): the types it
 *   lists, in its order, with available_instances -1
 *
 * Strict: empty (a VF that has a vGPU, upstream driver), or the header and
 * then one whole line per type, `"%-5d : %s\n"` with a decimal id that
 * appears once and a name of printable characters. Anything else, a
 * truncated last line included, is malformed.
 *
 * Returns: %FALSE with %MDEV_ERROR_INVALID_CONFIG naming the line
 */
gboolean
mdev_nvidia_parse_creatable(const char *text, gsize length, GPtrArray **ret_types,
                            GError **error)
{
    g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_type_free);
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    const char *p = text;
    const char *end = text + length;
    int line = 1;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (length > 0) {
        if (length < strlen(CREATABLE_HEADER) ||
            memcmp(text, CREATABLE_HEADER, strlen(CREATABLE_HEADER)) != 0)
            return malformed(error, line, _("the header 'ID    : vGPU Name' is missing"));
        p += strlen(CREATABLE_HEADER);
    }
    while (p < end) {
        const char *eol = memchr(p, '\n', (gsize) (end - p));
        const char *q = p;
        g_autoptr(MdevType) type = NULL;
        gsize digits = 0, spaces = 0;
        guint id;

        line++;
        if (eol == NULL)
            return malformed(error, line, _("the line is cut off"));
        while (q < eol && g_ascii_isdigit(*q)) {
            q++;
            digits++;
        }
        while (q < eol && *q == ' ') {
            q++;
            spaces++;
        }
        /* "%-5d : ": the id padded to five columns, then " : " */
        if (!parse_decimal(p, digits, &id) || id == 0 ||
            spaces != (digits < 5 ? 5 - digits : 0) + 1 || q >= eol || *q != ':' ||
            q + 2 >= eol || q[1] != ' ')
            return malformed(error, line, _("not an 'ID : name' line"));
        q += 2;
        for (const char *c = q; c < eol; c++) {
            if ((guchar) *c < 0x20 || *c == 0x7f)
                return malformed(error, line, _("the type's name has a control character"));
        }
        if (!g_utf8_validate(q, eol - q, NULL))
            return malformed(error, line, _("the type's name is not UTF-8"));
        if (!g_hash_table_add(seen, GUINT_TO_POINTER(id)))
            return malformed(error, line, _("type %u is listed twice"), id);
        type = mdev_type_new(NULL);
        type->id = mdev_nvidia_type_name(id);
        type->name = g_strndup(q, eol - q);
        type->device_api = g_strdup("vfio-pci");
        g_ptr_array_add(types, g_steal_pointer(&type));
        p = eol + 1;
    }
    *ret_types = g_steal_pointer(&types);
    return TRUE;
}

/* One read of the whole list: the driver fills it in one go. The free VFs
 * of a card list the same types, so a scan parses each distinct text once:
 * @parsed maps a text to its types. */
static gboolean
read_creatable(int vffd, GHashTable *parsed, GPtrArray **ret_types, GError **error)
{
    g_autofree char *buf = g_malloc(CREATABLE_MAX + 1);
    GPtrArray *types;
    gssize n;
    int fd;

    fd = openat(vffd, "nvidia/creatable_vgpu_types", O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s", g_strerror(err));
        return FALSE;
    }
    do {
        n = read(fd, buf, CREATABLE_MAX);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        int err = errno;
        close(fd);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s", g_strerror(err));
        return FALSE;
    }
    close(fd);
    if (n == CREATABLE_MAX)
        return malformed(error, 1, _("the list is longer than the driver prints"));
    buf[n] = '\0';
    /* a NUL inside is malformed: the text must not pass as a shorter one */
    types = memchr(buf, '\0', (gsize) n) ? NULL : g_hash_table_lookup(parsed, buf);
    if (types) {
        *ret_types = g_ptr_array_ref(types);
        return TRUE;
    }
    if (!mdev_nvidia_parse_creatable(buf, (gsize) n, &types, error))
        return FALSE;
    g_hash_table_insert(parsed, g_steal_pointer(&buf), g_ptr_array_ref(types));
    *ret_types = types;
    return TRUE;
}

static char *
link_basename(int dirfd, const char *path)
{
    char buf[PATH_MAX];
    const char *slash;

    if (mdev_sysfs_read_link(dirfd, path, buf, sizeof(buf)) < 0)
        return NULL;
    slash = strrchr(buf, '/');
    return g_strdup(slash ? slash + 1 : buf);
}

static int
link_number(int dirfd, const char *path)
{
    g_autofree char *base = link_basename(dirfd, path);
    guint value;

    if (base == NULL || !parse_decimal(base, strlen(base), &value) || value > G_MAXINT)
        return -1;
    return (int) value;
}

static char *
attr_dup(int dirfd, const char *path)
{
    char buf[MDEV_SYSFS_ATTR_MAX + 1];

    if (mdev_sysfs_read_attr(dirfd, path, buf, sizeof(buf)) < 0)
        return NULL;
    return g_strdup(buf);
}

/* /sys/bus/pci/devices/<address> -> /sys/devices/...: the bus link is
 * relative to a real directory, so folding it costs no system call. */
static char *
device_syspath(const char *address)
{
    char target[PATH_MAX];
    g_autofree char *link = g_build_filename(PCI_DEVICES, address, NULL);

    if (mdev_sysfs_read_link(AT_FDCWD, link, target, sizeof(target)) < 0)
        return NULL;
    return g_canonicalize_filename(target, PCI_DEVICES);
}

/* A VF as collect_vfs() read it: gone meanwhile, or malformed, which
 * skips its card once the card's VFs are in order. @sibling: its physfn
 * link names the PF in the same directory, as the kernel makes it. */
typedef struct {
    MdevNvidiaVf *vf;
    gboolean gone;
    gboolean sibling;
    GError *error;
} FoundVf;

static void
found_vf_free(FoundVf *found)
{
    mdev_nvidia_vf_free(found->vf);
    g_clear_error(&found->error);
    g_free(found);
}

static int
compare_found(gconstpointer a, gconstpointer b)
{
    const FoundVf *fa = *(const FoundVf *const *) a;
    const FoundVf *fb = *(const FoundVf *const *) b;

    return strcmp(fa->vf->address, fb->vf->address);
}

/* The VF's type: FALSE when it has no nvidia/current_vgpu_type (not a VF
 * the driver offers vGPUs on, or gone meanwhile), else TRUE with @error
 * set when the file cannot be read or makes no sense. */
static gboolean
read_current_type(int fd, const char *address, guint *ret_type, GError **error)
{
    char buf[MDEV_SYSFS_ATTR_MAX + 1];
    gssize n = mdev_sysfs_read_attr(fd, "nvidia/current_vgpu_type", buf, sizeof(buf));

    if (n == -ENOENT || n == -ENODEV || n == -ENOTDIR)
        return FALSE;
    if (n < 0)
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno((int) -n),
                    _("VF '%1$s': cannot read nvidia/current_vgpu_type: %2$s"), address,
                    g_strerror((int) -n));
    else if (!mdev_nvidia_parse_type_id(buf, ret_type))
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("VF '%1$s': nvidia/current_vgpu_type is not a decimal type id: '%2$s'"),
                    address, buf);
    return TRUE;
}

/* Reads the rest of one VF's files from its directory @fd: the IOMMU group
 * of a vGPU and the creatable list, as @flags ask. */
static void
read_vf(FoundVf *found, int fd, MdevNvidiaScanFlags flags, GHashTable *parsed)
{
    MdevNvidiaVf *vf = found->vf;
    g_autoptr(GError) local = NULL;

    if (vf->type != 0 && (flags & MDEV_NVIDIA_SCAN_GROUPS))
        vf->iommu_group = link_number(fd, "iommu_group");
    /* a listing of the vGPUs needs no type table: the VF's type is enough */
    if (!(flags & MDEV_NVIDIA_SCAN_TYPES)) {
        vf->creatable = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_type_free);
    } else if (!read_creatable(fd, parsed, &vf->creatable, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            found->gone = TRUE;
        else
            g_set_error(&found->error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                        _("VF '%1$s': nvidia/creatable_vgpu_types: %2$s"), vf->address,
                        local->message);
    }
}

/* One entry of a driver's directory: a FoundVf when it is a VF with the
 * nvidia/ files (of @only_card, when given), else NULL. @ret_card: its PF. */
static FoundVf *
find_vf(const char *driver, const char *address, const char *only_card,
        MdevNvidiaScanFlags flags, GHashTable *parsed, char **ret_card)
{
    /* g_build_filename() would cost more than the rest of the lookup */
    g_autofree char *device = g_strconcat(PCI_DEVICES "/", address, NULL);
    char physfn[PATH_MAX];
    const char *card;
    FoundVf *found = NULL;
    guint type = 0;
    g_autoptr(GError) local = NULL;
    int fd = open(device, O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return NULL; /* gone meanwhile */
    if (mdev_sysfs_read_link(fd, "physfn", physfn, sizeof(physfn)) >= 0) {
        card = strrchr(physfn, '/') ? strrchr(physfn, '/') + 1 : physfn;
        if (mdev_nvidia_address_is_valid(card) &&
            (only_card == NULL || strcmp(card, only_card) == 0) &&
            read_current_type(fd, address, &type, &local)) {
            found = g_new0(FoundVf, 1);
            found->vf = g_new0(MdevNvidiaVf, 1);
            found->vf->address = g_strdup(address);
            found->vf->driver = g_strdup(driver);
            found->vf->iommu_group = -1;
            found->vf->type = type;
            found->sibling = physfn + 3 == card && g_str_has_prefix(physfn, "../");
            if (local)
                found->error = g_steal_pointer(&local);
            else
                read_vf(found, fd, flags, parsed);
            *ret_card = g_strdup(card);
        }
    }
    close(fd);
    return found;
}

/* The names in /sys/class/mdev_bus. A VF registered there is an mdev
 * parent of NVIDIA's older vGPU model, never a VF vGPU of the newer one:
 * the scan passes it by without the four system calls of a look. */
static GHashTable *
read_mdev_parents(void)
{
    g_autoptr(GPtrArray) list = mdev_sysfs_list_names(MDEV_SYSFS_PARENTS);
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < list->len; i++)
        g_hash_table_add(names, g_strdup(g_ptr_array_index(list, i)));
    return names;
}

/* The VFs bound to the NVIDIA drivers that have the nvidia/ files,
 * grouped by their PF: PF -> GPtrArray of FoundVf. Each VF is read through
 * the directory opened to find its PF, not opened a second time. */
static void
collect_vfs(const char *driver, const char *only_card, MdevNvidiaScanFlags flags,
            GHashTable *parsed, GHashTable **mdev_parents, GHashTable *by_card)
{
    g_autofree char *path = g_build_filename(PCI_DRIVERS, driver, NULL);
    DIR *dir = opendir(path);
    struct dirent *entry;

    if (dir == NULL)
        return; /* the driver is not loaded */
    if (*mdev_parents == NULL)
        *mdev_parents = read_mdev_parents();
    while ((entry = readdir(dir)) != NULL) {
        g_autofree char *card = NULL;
        FoundVf *found;
        GPtrArray *vfs;

        if (!mdev_nvidia_address_is_valid(entry->d_name) ||
            g_hash_table_contains(*mdev_parents, entry->d_name))
            continue;
        found = find_vf(driver, entry->d_name, only_card, flags, parsed, &card);
        if (found == NULL)
            continue;
        vfs = g_hash_table_lookup(by_card, card);
        if (vfs == NULL) {
            vfs = g_ptr_array_new_with_free_func((GDestroyNotify) found_vf_free);
            g_hash_table_insert(by_card, g_steal_pointer(&card), vfs);
        }
        g_ptr_array_add(vfs, found);
    }
    closedir(dir);
}

/* The VF's directory: beside its PF's, where the kernel puts every VF,
 * which costs no system call; else through its bus link. */
static void
set_vf_syspath(FoundVf *found, const char *card_dir)
{
    if (found->sibling) {
        found->vf->syspath = g_strconcat(card_dir, "/", found->vf->address, NULL);
    } else {
        found->vf->syspath = device_syspath(found->vf->address);
        if (found->vf->syspath == NULL)
            found->gone = TRUE;
    }
}

/* The card's types: every type a VF lists, available on the VFs without a
 * vGPU that list it, plus the type the card runs. */
static void
build_types(MdevNvidiaCard *card)
{
    MdevParent *parent = card->parent;
    g_autoptr(GHashTable) by_id = g_hash_table_new(g_str_hash, g_str_equal);
    gboolean mixed = FALSE;
    guint running = 0;

    parent->vfs = (int) card->vfs->len;
    parent->free_vfs = 0;
    for (guint i = 0; i < card->vfs->len; i++) {
        MdevNvidiaVf *vf = g_ptr_array_index(card->vfs, i);

        if (vf->type == 0)
            parent->free_vfs++;
        else if (running == 0)
            running = vf->type;
        else if (running != vf->type)
            mixed = TRUE;
        for (guint t = 0; t < vf->creatable->len; t++) {
            const MdevType *listed = g_ptr_array_index(vf->creatable, t);
            MdevType *type = g_hash_table_lookup(by_id, listed->id);

            if (type == NULL) {
                type = mdev_type_new(listed->id);
                type->name = g_strdup(listed->name);
                type->device_api = g_strdup(listed->device_api);
                type->available_instances = 0;
                g_ptr_array_add(parent->types, type);
                g_hash_table_insert(by_id, type->id, type);
            }
            if (vf->type == 0)
                type->available_instances++;
        }
    }
    /* heterogeneous mode runs several types; then the card is not locked */
    if (running != 0 && !mixed)
        parent->vgpu_type = mdev_nvidia_type_name(running);
    for (guint i = 0; i < card->vfs->len; i++) {
        MdevNvidiaVf *vf = g_ptr_array_index(card->vfs, i);
        g_autofree char *id = vf->type ? mdev_nvidia_type_name(vf->type) : NULL;

        if (id && !g_hash_table_contains(by_id, id)) {
            MdevType *type = mdev_type_new(id);
            type->device_api = g_strdup("vfio-pci");
            type->available_instances = 0;
            g_ptr_array_add(parent->types, type);
            g_hash_table_insert(by_id, type->id, type);
        }
    }
    g_ptr_array_sort(parent->types, mdev_type_compare);
}

static MdevNvidiaCard *
read_card(const char *name, GPtrArray *vfs, GError **error)
{
    g_autoptr(MdevNvidiaCard) card = g_new0(MdevNvidiaCard, 1);
    MdevParent *parent;
    g_autofree char *numa = NULL;
    g_autofree char *card_dir = NULL;
    int fd;

    card->parent = mdev_parent_new(name);
    card->vfs = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_nvidia_vf_free);
    parent = card->parent;
    parent->kind = MDEV_PARENT_KIND_NVIDIA_VF;
    parent->registered = TRUE;
    parent->syspath = device_syspath(name);
    fd = parent->syspath ? open(parent->syspath, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no NVIDIA card '%s'"), name);
        return NULL;
    }
    parent->subsystem = g_strdup("pci");
    parent->driver = link_basename(fd, "driver");
    parent->vendor_id = attr_dup(fd, "vendor");
    parent->device_id = attr_dup(fd, "device");
    parent->class_code = attr_dup(fd, "class");
    parent->iommu_group = link_number(fd, "iommu_group");
    numa = attr_dup(fd, "numa_node");
    if (numa) {
        gint64 value;
        if (g_ascii_string_to_signed(numa, 10, -1, G_MAXINT, &value, NULL))
            parent->numa_node = (int) value;
    }
    close(fd);

    card_dir = g_path_get_dirname(parent->syspath);
    g_ptr_array_sort(vfs, compare_found);
    for (guint i = 0; i < vfs->len; i++) {
        FoundVf *found = g_ptr_array_index(vfs, i);

        if (found->error) {
            g_propagate_prefixed_error(error, g_steal_pointer(&found->error),
                                       _("skipped NVIDIA card '%s': "), name);
            return NULL;
        }
        if (!found->gone)
            set_vf_syspath(found, card_dir);
        if (!found->gone)
            g_ptr_array_add(card->vfs, g_steal_pointer(&found->vf));
    }
    build_types(card);
    return g_steal_pointer(&card);
}

/**
 * mdev_nvidia_read_vf_node:
 * @address: a VF's PCI address
 * @ret_type: (out) (optional): the vGPU type id the VF has, 0 for none
 * @error: return location for a #GError
 *
 * The VF as a PCI device, for its node-device XML: libvirt knows no VF
 * vGPUs, only the PCI function, so the record is of kind
 * %MDEV_PARENT_KIND_PCI with the PF as @physfn and no types.
 *
 * Returns: (transfer full): the record; %NULL with
 *   %MDEV_ERROR_INVALID_ARGUMENT for a name that is not a PCI address,
 *   %MDEV_ERROR_NOT_FOUND when there is no such device or it is not a VF
 *   with `nvidia/current_vgpu_type`
 */
MdevParent *
mdev_nvidia_read_vf_node(const char *address, guint *ret_type, GError **error)
{
    g_autoptr(MdevParent) node = NULL;
    g_autofree char *numa = NULL;
    char buf[MDEV_SYSFS_ATTR_MAX + 1];
    guint type = 0;
    int fd;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!mdev_nvidia_address_is_valid(address)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.4"), address);
        return NULL;
    }
    node = mdev_parent_new(address);
    node->kind = MDEV_PARENT_KIND_PCI;
    node->syspath = device_syspath(address);
    fd = node->syspath ? open(node->syspath, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no PCI device '%s'"), address);
        return NULL;
    }
    node->physfn = link_basename(fd, "physfn");
    if (node->physfn == NULL || !mdev_nvidia_address_is_valid(node->physfn) ||
        mdev_sysfs_read_attr(fd, "nvidia/current_vgpu_type", buf, sizeof(buf)) < 0 ||
        !mdev_nvidia_parse_type_id(buf, &type)) {
        close(fd);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("'%s' is not a VF of an NVIDIA card with vGPUs (no "
                      "nvidia/current_vgpu_type)"),
                    address);
        return NULL;
    }
    node->subsystem = g_strdup("pci");
    node->registered = FALSE;
    node->driver = link_basename(fd, "driver");
    node->vendor_id = attr_dup(fd, "vendor");
    node->device_id = attr_dup(fd, "device");
    node->class_code = attr_dup(fd, "class");
    node->iommu_group = link_number(fd, "iommu_group");
    numa = attr_dup(fd, "numa_node");
    if (numa) {
        gint64 value;
        if (g_ascii_string_to_signed(numa, 10, -1, G_MAXINT, &value, NULL))
            node->numa_node = (int) value;
    }
    close(fd);
    if (ret_type)
        *ret_type = type;
    return g_steal_pointer(&node);
}

static GPtrArray *
scan(const char *only_card, MdevNvidiaScanFlags flags, GPtrArray *problems, GError **error)
{
    static const char *const drivers[] = { MDEV_NVIDIA_DRIVERS };
    g_autoptr(GHashTable) by_card = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);
    g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func(
        (GDestroyNotify) mdev_nvidia_card_free);
    g_autoptr(GHashTable) parsed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
    g_autoptr(GHashTable) mdev_parents = NULL;
    g_autoptr(GList) names = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(drivers); i++)
        collect_vfs(drivers[i], only_card, flags, parsed, &mdev_parents, by_card);
    names = g_list_sort(g_hash_table_get_keys(by_card), (GCompareFunc) strcmp);
    for (GList *l = names; l; l = l->next) {
        g_autoptr(GError) local = NULL;
        MdevNvidiaCard *card =
            read_card(l->data, g_hash_table_lookup(by_card, l->data), &local);

        if (card) {
            g_ptr_array_add(cards, card);
        } else if (problems) {
            g_debug("%s", local->message);
            g_ptr_array_add(problems, g_strdup(local->message));
        } else {
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
    }
    return g_steal_pointer(&cards);
}

/**
 * mdev_nvidia_scan_cards:
 * @card: (nullable): only this PF
 * @flags: what to read besides the VFs' types
 * @problems: (element-type utf8): receives a line per card skipped because
 *   its files are malformed
 * @error: return location for a #GError
 *
 * The NVIDIA cards whose VFs are bound to the NVIDIA driver and carry the
 * nvidia/ files, sorted by PF address. A card whose files make no sense is
 * skipped and named in @problems, never fatal. Without
 * %MDEV_NVIDIA_SCAN_TYPES the cards' parents have only the types their
 * vGPUs run and nothing counts as available; without
 * %MDEV_NVIDIA_SCAN_GROUPS the VFs' IOMMU groups are -1.
 *
 * Returns: (transfer full) (element-type MdevNvidiaCard): the cards
 */
GPtrArray *
mdev_nvidia_scan_cards(const char *card, MdevNvidiaScanFlags flags, GPtrArray *problems,
                       GError **error)
{
    g_return_val_if_fail(problems != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    return scan(card, flags, problems, error);
}

/**
 * mdev_nvidia_read_card:
 * @card: a PF's address
 * @error: return location for a #GError
 *
 * Reads one card, for a change to it: %MDEV_ERROR_NOT_FOUND when it has no
 * VF with the nvidia/ files, %MDEV_ERROR_INVALID_CONFIG when they are
 * malformed.
 *
 * Returns: (transfer full): the card, or %NULL
 */
MdevNvidiaCard *
mdev_nvidia_read_card(const char *card, GError **error)
{
    g_autoptr(GPtrArray) cards = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!mdev_nvidia_address_is_valid(card)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.0"), card);
        return NULL;
    }
    cards = scan(card, MDEV_NVIDIA_SCAN_TYPES | MDEV_NVIDIA_SCAN_GROUPS, NULL, error);
    if (cards == NULL)
        return NULL;
    if (cards->len == 0) {
        g_autofree char *path = g_build_filename(PCI_DEVICES, card, NULL);
        int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        g_autofree char *numvfs = fd >= 0 ? attr_dup(fd, "sriov_numvfs") : NULL;

        if (fd >= 0)
            close(fd);
        if (g_strcmp0(numvfs, "0") == 0)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("card '%1$s' has no VFs: SR-IOV is not enabled on it (NVIDIA's "
                          "sriov-manage -e %1$s enables it)"),
                        card);
        else
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("no NVIDIA card '%s' with VFs bound to the NVIDIA driver"), card);
        return NULL;
    }
    return g_ptr_array_steal_index(cards, 0);
}
