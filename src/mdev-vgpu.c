/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Creating and destroying NVIDIA VF vGPUs. The driver keeps no record of
 * who asked for a VF, so every change takes the card's lock (the PF's name,
 * the lock an mdev parent would have), reads the card again under it and
 * acts only on what it read there: concurrent creates never pick the same
 * VF, and the homogeneous rule is checked on the card as it is. */
#include "mdev-vgpu.h"

#include "mdev-error.h"
#include "mdev-lock.h"
#include "mdev-model.h"
#include "mdev-nvidia.h"
#include "mdev-store.h"
#include "mdev-sysfs.h"
#include "mdev-use.h"
#include "mdev-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define CURRENT_TYPE "nvidia/current_vgpu_type"
#define VGPU_PARAMS "nvidia/vgpu_params"
/* After a VM closes a VF the driver refuses the destroy for a moment; hosts
 * retry for seconds (Proxmox: ten times one second). */
static const guint stop_delays_ms[] = { 100, 200, 400, 800, 1000, 1000, 1000, 1000 };

/* The type on @card called @type, by id (`nvidia-1148`) or by name
 * (`NVIDIA L40S-2Q`); ids are card-local, so a name is looked up per card. */
static const MdevType *
card_find_type(const MdevParent *card, const char *type)
{
    for (guint i = 0; i < card->types->len; i++) {
        const MdevType *candidate = g_ptr_array_index(card->types, i);
        if (strcmp(candidate->id, type) == 0 || g_strcmp0(candidate->name, type) == 0)
            return candidate;
    }
    return NULL;
}

/**
 * mdev_vgpu_offers_type:
 * @ctx: a context
 * @card: (nullable): only this card
 * @type: a type id or name
 *
 * Returns: whether an NVIDIA card (or @card) lists @type now, so that a
 *   create of @type is one of a VF vGPU and not of an mdev
 */
gboolean
mdev_vgpu_offers_type(MdevContext *ctx, const char *card, const char *type)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) cards = NULL;

    g_autofree char *driver = NULL;

    if (card && !mdev_nvidia_address_is_valid(card))
        return FALSE;
    if (card) {
        g_autofree char *types = g_strconcat("/sys/bus/pci/devices/", card,
                                             "/mdev_supported_types", NULL);

        /* an mdev parent is no card of the VF model (mdev_vgpu_is_card());
         * knowing that saves a look at every VF bound to the driver */
        if (access(types, F_OK) == 0)
            return FALSE;
    }
    cards = mdev_nvidia_scan_cards(card, MDEV_NVIDIA_SCAN_TYPES, problems, NULL);
    for (guint i = 0; cards && i < cards->len; i++) {
        const MdevNvidiaCard *c = g_ptr_array_index(cards, i);
        if (card_find_type(c->parent, type))
            return TRUE;
    }
    if (card == NULL) {
        /* a host of the VF model: no mdev parent, so the VF path explains */
        g_autoptr(GDir) dir = g_dir_open("/sys/class/mdev_bus", 0, NULL);
        return cards && cards->len > 0 && (dir == NULL || g_dir_read_name(dir) == NULL);
    }
    if (cards && cards->len > 0)
        return TRUE;
    /* an NVIDIA PF with SR-IOV off and no mdev types: the VF path says
     * what is missing */
    {
        g_autofree char *dir = g_strdup_printf("/sys/bus/pci/devices/%s", card);
        g_autofree char *link = g_build_filename(dir, "driver", NULL);
        g_autofree char *total = g_build_filename(dir, "sriov_totalvfs", NULL);
        g_autofree char *types = g_build_filename(dir, "mdev_supported_types", NULL);
        g_autofree char *numvfs_path = g_build_filename(dir, "sriov_numvfs", NULL);
        char target[PATH_MAX];
        const char *slash;

        g_autofree char *numvfs = NULL;

        if (mdev_sysfs_read_link(AT_FDCWD, link, target, sizeof(target)) < 0 ||
            access(total, F_OK) < 0 || access(types, F_OK) == 0 ||
            !g_file_get_contents(numvfs_path, &numvfs, NULL, NULL) ||
            strcmp(g_strstrip(numvfs), "0") != 0)
            return FALSE;
        slash = strrchr(target, '/');
        driver = g_strdup(slash ? slash + 1 : target);
    }
    return g_strcmp0(driver, "nvidia") == 0;
}

/* The message for the driver's refusal of @id on @vf: the two drivers say
 * different things with the same errnos (reference: their sysfs stores). */
static void
set_create_error(GError **error, int err, const char *vf, const char *card, const char *type)
{
    switch (err) {
    case EPERM:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                    _("VF '%1$s' already has a vGPU (the driver says: %2$s); stop it first"), vf,
                    g_strerror(err));
        break;
    case EBUSY:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                    _("VF '%1$s' is busy (the driver says: %2$s): a VM has it open or it has "
                      "a vGPU; stop the VM or the vGPU first"),
                    vf, g_strerror(err));
        break;
    case ENOSPC:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                    _("card '%1$s' has no room for another '%2$s' vGPU (the driver says: %3$s)"),
                    card, type, g_strerror(err));
        break;
    case EINVAL:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("the driver refused type '%1$s' on VF '%2$s' (%3$s): card '%4$s' runs "
                      "another vGPU type, and a card runs one type at a time unless "
                      "heterogeneous mode was enabled"),
                    type, vf, g_strerror(err), card);
        break;
    case ENODEV:
    case ENOENT:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("VF '%1$s' is gone or the driver does not know type '%2$s' (%3$s): was "
                      "SR-IOV disabled on card '%4$s'? See 'mdevtool types --parent %4$s'"),
                    vf, type, g_strerror(err), card);
        break;
    case EIO:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("the NVIDIA driver failed to create a '%1$s' vGPU on VF '%2$s' (%3$s); "
                      "its reason is in the kernel log, in the lines starting with 'NVRM:' "
                      "(often no room left on the GPU, or no vGPU types after MIG changes)"),
                    type, vf, g_strerror(err));
        break;
    default:
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("the driver refused type '%1$s' on VF '%2$s': %3$s"), type, vf,
                    g_strerror(err));
        break;
    }
}

static void forget_vf(MdevContext *ctx, const char *address);

static int
open_vf(const char *address)
{
    g_autofree char *path = g_build_filename("/sys/bus/pci/devices", address, NULL);

    return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static gboolean
read_type(int vffd, guint *ret_id)
{
    char buf[MDEV_SYSFS_ATTR_MAX + 1];

    return mdev_sysfs_read_attr(vffd, CURRENT_TYPE, buf, sizeof(buf)) >= 0 &&
           mdev_nvidia_parse_type_id(buf, ret_id);
}

static const char *
params_of(GPtrArray *attrs, GError **error)
{
    const char *params = NULL;

    for (guint i = 0; attrs && i < attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(attrs, i);
        if (strcmp(attr->name, "vgpu_params") != 0 && strcmp(attr->name, VGPU_PARAMS) != 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("an NVIDIA VF vGPU has no attribute '%s', only vgpu_params"),
                        attr->name);
            return NULL;
        }
        if (strchr(attr->value, '\n')) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("vgpu_params must be one line of key=value pairs"));
            return NULL;
        }
        params = attr->value;
    }
    return params ? params : "";
}

/* Under the card's lock, on @card as read under it: writes @found to
 * @only_vf, or else to the first free VF that lists it, reads it back and
 * sets @params. NULL with @error unset when no VF can take it (any more);
 * @ret_errno receives the driver's errno of a refused write. */
static char *
write_vgpu(MdevNvidiaCard *card, const MdevType *found, const char *params, const char *only_vf,
           int *ret_errno, GError **error)
{
    g_autofree char *text = NULL;
    guint id;

    *ret_errno = 0;
    if (!mdev_nvidia_type_id_from_name(found->id, &id))
        return NULL;
    text = g_strdup_printf("%u", id);
    for (guint i = 0; i < card->vfs->len; i++) {
        const MdevNvidiaVf *vf = g_ptr_array_index(card->vfs, i);
        gboolean listed = FALSE;
        guint now = 0;
        int fd, err = 0;

        if (only_vf && strcmp(vf->address, only_vf) != 0)
            continue;
        if (vf->type != 0)
            continue;
        for (guint t = 0; !listed && t < vf->creatable->len; t++)
            listed = strcmp(((MdevType *) g_ptr_array_index(vf->creatable, t))->id,
                            found->id) == 0;
        /* a pinned VF is tried anyway: the driver's answer says why not */
        if (!listed && only_vf == NULL)
            continue;
        fd = open_vf(vf->address);
        if (fd < 0) {
            *ret_errno = errno;
            set_create_error(error, errno, vf->address, card->parent->name, found->id);
            return NULL;
        }
        if (!mdev_sysfs_write_once(fd, CURRENT_TYPE, text, &err)) {
            close(fd);
            *ret_errno = err;
            set_create_error(error, err, vf->address, card->parent->name, found->id);
            return NULL;
        }
        /* the driver's word is what it reads back */
        if (!read_type(fd, &now) || now != id) {
            close(fd);
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                        _("VF '%1$s' took the write of type '%2$s' but reads back type %3$u"),
                        vf->address, found->id, now);
            return NULL;
        }
        if (*params && !mdev_sysfs_write_once(fd, VGPU_PARAMS, params, &err)) {
            int ignored;
            /* nothing half-made is left: the vGPU goes again */
            mdev_sysfs_write_once(fd, CURRENT_TYPE, "0", &ignored);
            close(fd);
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                        _("cannot set vgpu_params of VF '%1$s' to '%2$s': %3$s"), vf->address,
                        params, g_strerror(err));
            return NULL;
        }
        close(fd);
        return g_strdup(vf->address);
    }
    return NULL;
}

/* Takes the card's lock, then reads the card under it: @type as the card
 * offers it now; NULL with @error unset when it offers no such type. The
 * lock and the card go to the caller, who holds both until it is done. */
static const MdevType *
lock_card_type(MdevContext *ctx, const char *card_name, const char *type, MdevLock **ret_lock,
               MdevNvidiaCard **ret_card, GError **error)
{
    *ret_lock = mdev_lock_acquire_one(ctx, card_name, error);
    if (*ret_lock == NULL)
        return NULL;
    *ret_card = mdev_nvidia_read_card(card_name, error);
    if (*ret_card == NULL)
        return NULL;
    return card_find_type((*ret_card)->parent, type);
}

/* Under the card's lock: the first free VF that lists the type. NULL with
 * @error unset when the card has none (any more). */
static char *
create_on_card(MdevContext *ctx, const char *card_name, const char *type, const char *params,
               char **ret_type, GError **error)
{
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(MdevNvidiaCard) card = NULL;
    const MdevType *found;
    char *address;
    int err;

    found = lock_card_type(ctx, card_name, type, &lock, &card, error);
    if (found == NULL || found->available_instances < 1)
        return NULL;
    address = write_vgpu(card, found, params, NULL, &err, error);
    if (address)
        *ret_type = g_strdup(found->id);
    return address;
}

static int
compare_pack(gconstpointer a, gconstpointer b, gpointer type)
{
    const MdevParent *pa = ((const MdevNvidiaCard *) *(const MdevNvidiaCard *const *) a)->parent;
    const MdevParent *pb = ((const MdevNvidiaCard *) *(const MdevNvidiaCard *const *) b)->parent;
    const MdevType *ta = card_find_type(pa, type);
    const MdevType *tb = card_find_type(pb, type);
    gboolean ra = pa->vgpu_type != NULL, rb = pb->vgpu_type != NULL;

    /* a card running the type first, the fullest of them; then idle ones */
    if (ra != rb)
        return ra ? -1 : 1;
    if (ta->available_instances != tb->available_instances)
        return ta->available_instances < tb->available_instances ? -1 : 1;
    return strcmp(pa->name, pb->name);
}

static int
compare_spread(gconstpointer a, gconstpointer b, gpointer type)
{
    const MdevParent *pa = ((const MdevNvidiaCard *) *(const MdevNvidiaCard *const *) a)->parent;
    const MdevParent *pb = ((const MdevNvidiaCard *) *(const MdevNvidiaCard *const *) b)->parent;

    /* the card with the most free VFs first, idle ones before busy ones */
    if (pa->free_vfs != pb->free_vfs)
        return pa->free_vfs > pb->free_vfs ? -1 : 1;
    return strcmp(pa->name, pb->name);
}

/**
 * mdev_vgpu_create:
 * @ctx: a context
 * @card: (nullable): the card (PF address); %NULL: chosen by @placement
 * @type: a type id (`nvidia-1148`) or name (`NVIDIA L40S-2Q`)
 * @attrs: (nullable) (element-type MdevAttr): only `vgpu_params` (or
 *   `nvidia/vgpu_params`), written after the type
 * @placement: pack onto a card running @type, else an idle one; or spread
 * @ret_card: (out) (optional): the card used
 * @ret_type: (out) (optional): the type's id on it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the address of the VF that became the vGPU
 */
char *
mdev_vgpu_create(MdevContext *ctx, const char *card, const char *type, GPtrArray *attrs,
                 MdevPlacement placement, char **ret_card, char **ret_type, GError **error)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) cards = NULL;
    g_autoptr(GPtrArray) candidates = g_ptr_array_new();
    const char *params;
    guint offering = 0;

    g_return_val_if_fail(type != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (card && !mdev_nvidia_address_is_valid(card)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.0"), card);
        return NULL;
    }
    if (strlen(type) > 255 || strchr(type, '/') || strcmp(type, "..") == 0 ||
        strcmp(type, ".") == 0 || *type == '\0') {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, _("invalid type '%s'"),
                    type);
        return NULL;
    }
    params = params_of(attrs, error);
    if (params == NULL)
        return NULL;
    if (card) {
        MdevNvidiaCard *one = mdev_nvidia_read_card(card, error);
        if (one == NULL)
            return NULL;
        cards = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_nvidia_card_free);
        g_ptr_array_add(cards, one);
    } else {
        cards = mdev_nvidia_scan_cards(NULL, MDEV_NVIDIA_SCAN_TYPES, problems, error);
        if (cards == NULL)
            return NULL;
    }
    for (guint i = 0; i < cards->len; i++) {
        MdevNvidiaCard *c = g_ptr_array_index(cards, i);
        const MdevType *t = card_find_type(c->parent, type);

        if (t == NULL)
            continue;
        offering++;
        if (t->available_instances > 0)
            g_ptr_array_add(candidates, c);
    }
    if (offering == 0) {
        if (card)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("card '%1$s' offers no vGPU type '%2$s' now; 'mdevtool types "
                          "--parent %1$s' lists what it offers"),
                        card, type);
        else
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("no NVIDIA card offers a vGPU type with the id or name '%s' now"),
                        type);
        return NULL;
    }
    g_ptr_array_sort_with_data(candidates,
                               placement == MDEV_PLACEMENT_SPREAD ? compare_spread : compare_pack,
                               (gpointer) type);
    for (guint i = 0; i < candidates->len; i++) {
        MdevNvidiaCard *c = g_ptr_array_index(candidates, i);
        g_autofree char *used_type = NULL;
        char *address = create_on_card(ctx, c->parent->name, type, params, &used_type, error);

        if (address) {
            if (ret_card)
                *ret_card = g_strdup(c->parent->name);
            if (ret_type)
                *ret_type = g_steal_pointer(&used_type);
            return address;
        }
        if (error && *error)
            return NULL;
    }
    if (card)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                    _("card '%1$s' has no free VF that can take a '%2$s' vGPU now"), card, type);
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                    _("no NVIDIA card has a free VF that can take a '%s' vGPU now"), type);
    return NULL;
}

/* A VM holding the VF: the proprietary driver does not check for it and
 * the upstream one answers EBUSY until the VM is gone, so the holder is
 * looked for in /proc first, as for an mdev, and named. */
static gboolean
check_idle(MdevContext *ctx, const char *address, const char *card, GError **error)
{
    g_autoptr(MdevParent) node = NULL;
    g_autoptr(MdevDevice) device = NULL;
    g_autoptr(GError) local = NULL;

    node = mdev_nvidia_read_vf_node(address, NULL, error);
    if (node == NULL)
        return FALSE;
    device = mdev_device_new(NULL, card);
    device->address = g_strdup(address);
    device->active = TRUE;
    device->iommu_group = node->iommu_group;
    device->syspath = g_strdup(node->syspath);
    if (mdev_use_check_idle(ctx, device, &local))
        return TRUE;
    if (g_error_matches(local, MDEV_ERROR, MDEV_ERROR_BUSY))
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                    _("%s: stop the VM first (--force tries anyway)"), local->message);
    else
        g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}

/* Under the card's lock: gives @address a vGPU of @type unless it has one
 * already; read under the lock, so a second call for the same VF finds the
 * first one's vGPU. NULL with @error unset when the VF cannot take it. */
static char *
create_on_vf(MdevContext *ctx, const char *card_name, const char *type, const char *params,
             const char *address, gboolean *ret_existing, char **ret_type, GError **error)
{
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(MdevNvidiaCard) card = NULL;
    const MdevType *found;
    char *made;
    guint id;
    int err;

    found = lock_card_type(ctx, card_name, type, &lock, &card, error);
    if (found == NULL || !mdev_nvidia_type_id_from_name(found->id, &id))
        return NULL;
    for (guint i = 0; i < card->vfs->len; i++) {
        const MdevNvidiaVf *vf = g_ptr_array_index(card->vfs, i);

        if (strcmp(vf->address, address) != 0)
            continue;
        if (vf->type == id) {
            *ret_existing = TRUE;
            *ret_type = g_strdup(found->id);
            return g_strdup(vf->address);
        }
        if (vf->type != 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                        _("VF '%1$s' has a vGPU of type nvidia-%2$u already"), vf->address,
                        vf->type);
            return NULL;
        }
    }
    made = write_vgpu(card, found, params, address, &err, error);
    if (made)
        *ret_type = g_strdup(found->id);
    return made;
}

/**
 * mdev_vgpu_create_on_vf:
 * @ctx: a context
 * @address: the VF (`0000:3d:00.4`) that must become the vGPU
 * @card: (nullable): the card it must belong to; %NULL: its own
 * @type: a type id or name, as mdev_vgpu_create() takes it
 * @attrs: (nullable) (element-type MdevAttr): as mdev_vgpu_create() takes them
 * @ret_created: (out): %FALSE when the VF had a vGPU of @type already and
 *   nothing was written
 * @ret_type: (out) (optional): the type's id on the card
 * @error: return location for a #GError
 *
 * Gives one given VF a vGPU of @type, under the card's lock, as a domain
 * whose `<hostdev type='pci'>` names that VF needs.
 *
 * Returns: whether the VF has a vGPU of @type now
 */
gboolean
mdev_vgpu_create_on_vf(MdevContext *ctx, const char *address, const char *card, const char *type,
                       GPtrArray *attrs, gboolean *ret_created, char **ret_type, GError **error)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) cards = NULL;
    g_autofree char *made = NULL;
    g_autofree char *used_type = NULL;
    const MdevNvidiaCard *owner = NULL;
    const char *params;
    gboolean existing = FALSE;

    g_return_val_if_fail(address != NULL && type != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!mdev_nvidia_address_is_valid(address)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.4"), address);
        return FALSE;
    }
    params = params_of(attrs, error);
    if (params == NULL)
        return FALSE;
    cards = mdev_nvidia_scan_cards(NULL, MDEV_NVIDIA_SCAN_TYPES, problems, error);
    if (cards == NULL)
        return FALSE;
    for (guint i = 0; owner == NULL && i < cards->len; i++) {
        const MdevNvidiaCard *c = g_ptr_array_index(cards, i);

        for (guint v = 0; v < c->vfs->len; v++) {
            if (strcmp(((MdevNvidiaVf *) g_ptr_array_index(c->vfs, v))->address, address) == 0)
                owner = c;
        }
    }
    if (owner == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("no VF '%s' of an NVIDIA card with vGPU support"), address);
        return FALSE;
    }
    if (card && strcmp(card, owner->parent->name) != 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("VF '%1$s' belongs to card '%2$s', not '%3$s'"), address,
                    owner->parent->name, card);
        return FALSE;
    }
    if (card_find_type(owner->parent, type) == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("card '%1$s' offers no vGPU type '%2$s' now; 'mdevtool types "
                      "--parent %1$s' lists what it offers"),
                    owner->parent->name, type);
        return FALSE;
    }
    made = create_on_vf(ctx, owner->parent->name, type, params, address, &existing, &used_type,
                        error);
    if (made == NULL) {
        if (error && *error == NULL)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                        _("VF '%1$s' cannot take a '%2$s' vGPU now"), address, type);
        return FALSE;
    }
    *ret_created = !existing;
    if (ret_type)
        *ret_type = g_steal_pointer(&used_type);
    return TRUE;
}

/**
 * mdev_vgpu_stop:
 * @ctx: a context
 * @address: the VF's PCI address
 * @ret_messages: (element-type utf8): receives a line for each retry
 * @error: return location for a #GError
 *
 * mdev_vgpu_stop_full() without force: a VF that a process holds is left
 * alone.
 *
 * Returns: whether the VF has no vGPU any more
 */
gboolean
mdev_vgpu_stop(MdevContext *ctx, const char *address, GPtrArray *ret_messages, GError **error)
{
    return mdev_vgpu_stop_full(ctx, address, FALSE, ret_messages, error);
}

/* The definition of @card that runs on @address now, if any. */
static MdevVgpuDefinition *
find_running_definition(MdevContext *ctx, const char *card, const char *address, GError **error)
{
    g_autoptr(GPtrArray) definitions = mdev_vgpu_store_load(ctx, card, NULL, NULL, error);

    if (definitions == NULL)
        return NULL;
    for (guint i = 0; i < definitions->len; i++) {
        g_autofree char *running =
            mdev_vgpu_dup_running_address(ctx, g_ptr_array_index(definitions, i));

        if (g_strcmp0(running, address) == 0)
            return g_ptr_array_steal_index(definitions, i);
    }
    return NULL;
}

static gboolean stop_vf(MdevContext *ctx, const char *address, gboolean force,
                        gboolean undefined_only, GPtrArray *ret_messages, GError **error);

/**
 * mdev_vgpu_stop_full:
 * @ctx: a context
 * @address: the VF's PCI address
 * @force: write 0 even while a process holds the VF
 * @ret_messages: (element-type utf8): receives a line for each retry
 * @error: return location for a #GError
 *
 * Destroys the VF's vGPU (writes 0), retrying for a few seconds while the
 * driver answers EBUSY, as it does just after a VM closed the VF. Unless
 * @force, a VF that a process holds (a VM's QEMU, as /proc shows) is
 * refused with %MDEV_ERROR_BUSY naming it.
 *
 * Returns: whether the VF has no vGPU any more
 */
gboolean
mdev_vgpu_stop_full(MdevContext *ctx, const char *address, gboolean force, GPtrArray *ret_messages,
                    GError **error)
{
    return stop_vf(ctx, address, force, FALSE, ret_messages, error);
}

/**
 * mdev_vgpu_stop_undefined:
 * @ctx: a context
 * @address: the VF's PCI address
 * @ret_messages: (element-type utf8): receives a line for each retry
 * @error: return location for a #GError
 *
 * mdev_vgpu_stop() for gc: judged again under the card's lock, a vGPU
 * that a definition runs as now is kept, with %MDEV_ERROR_EXISTS.
 *
 * Returns: whether the VF has no vGPU any more
 */
gboolean
mdev_vgpu_stop_undefined(MdevContext *ctx, const char *address, GPtrArray *ret_messages,
                         GError **error)
{
    return stop_vf(ctx, address, FALSE, TRUE, ret_messages, error);
}

static gboolean
stop_vf(MdevContext *ctx, const char *address, gboolean force, gboolean undefined_only,
        GPtrArray *ret_messages, GError **error)
{
    g_autoptr(MdevLock) lock = NULL;
    g_autofree char *card = NULL;
    guint id = 0;
    int fd, err = 0;
    guint waited = 0;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!mdev_nvidia_address_is_valid(address)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.4"), address);
        return FALSE;
    }
    fd = open_vf(address);
    if (fd < 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("no VF '%s'"), address);
        return FALSE;
    }
    {
        char target[PATH_MAX];
        const char *slash;
        if (mdev_sysfs_read_link(fd, "physfn", target, sizeof(target)) < 0 ||
            faccessat(fd, CURRENT_TYPE, F_OK, 0) < 0) {
            close(fd);
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("'%s' is not a VF of an NVIDIA card with vGPUs (no "
                          "nvidia/current_vgpu_type)"),
                        address);
            return FALSE;
        }
        slash = strrchr(target, '/');
        card = g_strdup(slash ? slash + 1 : target);
    }
    close(fd);
    lock = mdev_lock_acquire_one(ctx, card, error);
    if (lock == NULL)
        return FALSE;
    fd = open_vf(address);
    if (fd < 0 || !read_type(fd, &id)) {
        if (fd >= 0)
            close(fd);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("cannot read the vGPU type of VF '%s'"), address);
        return FALSE;
    }
    if (id == 0) {
        close(fd);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE, _("VF '%s' has no vGPU"),
                    address);
        return FALSE;
    }
    if (undefined_only) {
        g_autoptr(GError) local = NULL;
        g_autoptr(MdevVgpuDefinition) definition =
            find_running_definition(ctx, card, address, &local);

        if (local) {
            close(fd);
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        if (definition) {
            close(fd);
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                        _("VF '%1$s' runs VF vGPU '%2$s' of card '%3$s', defined meanwhile"),
                        address, definition->uuid, card);
            return FALSE;
        }
    }
    if (!force && !check_idle(ctx, address, card, error)) {
        close(fd);
        return FALSE;
    }
    for (guint attempt = 0;; attempt++) {
        if (mdev_sysfs_write_once(fd, CURRENT_TYPE, "0", &err))
            break;
        if (err != EBUSY || attempt >= G_N_ELEMENTS(stop_delays_ms)) {
            close(fd);
            if (err == EBUSY)
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_BUSY,
                            _("VF '%1$s' is still busy after %2$u retries over %3$.1f s: a VM "
                              "has it open; stop the VM first"),
                            address, attempt, waited / 1000.0);
            else if (err == EPERM)
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_ACTIVE,
                            _("VF '%1$s' has no vGPU (the driver says: %2$s)"), address,
                            g_strerror(err));
            else
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                            _("cannot remove the vGPU of VF '%1$s': %2$s"), address,
                            g_strerror(err));
            return FALSE;
        }
        if (attempt == 0 && ret_messages)
            g_ptr_array_add(ret_messages,
                            g_strdup_printf(_("VF '%s' is busy (a VM closing it, or the "
                                              "driver not ready yet); retrying"),
                                            address));
        g_usleep(stop_delays_ms[attempt] * 1000);
        waited += stop_delays_ms[attempt];
    }
    if (!read_type(fd, &id) || id != 0) {
        close(fd);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_KERNEL,
                    _("VF '%1$s' took the write of 0 but still reads type %2$u"), address, id);
        return FALSE;
    }
    close(fd);
    forget_vf(ctx, address);
    return TRUE;
}

/* --- persistent VF vGPUs ------------------------------------------------ */

/* While a card's VFs come up (SR-IOV just enabled, the driver binding
 * them) and just after a VM closed a VF, the driver answers EBUSY or
 * ENODEV for a moment; a start retries for a few seconds, then says so. */
static const guint start_delays_ms[] = { 100, 200, 400, 800, 1000, 1000, 1000, 1000 };

#define RECORDS_DIR "vgpu"

/**
 * mdev_vgpu_is_card:
 * @card: (nullable): a PCI address
 *
 * Returns: whether @card is an NVIDIA card of the VF model: its VFs carry
 *   nvidia/current_vgpu_type, or, with SR-IOV off, it is bound to the
 *   NVIDIA driver, can have VFs and has no mdev types
 */
gboolean
mdev_vgpu_is_card(const char *card)
{
    g_autofree char *dir = NULL;
    char target[PATH_MAX];
    const char *slash;
    gboolean found = FALSE;
    int fd;

    if (!mdev_nvidia_address_is_valid(card))
        return FALSE;
    dir = g_build_filename("/sys/bus/pci/devices", card, NULL);
    fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return FALSE;
    if (faccessat(fd, "mdev_supported_types", F_OK, 0) == 0 ||
        faccessat(fd, "sriov_totalvfs", F_OK, 0) < 0) {
        close(fd);
        return FALSE;
    }
    for (guint i = 0; !found && i < 4096; i++) {
        g_autofree char *file = g_strdup_printf("virtfn%u/" CURRENT_TYPE, i);
        g_autofree char *link = g_strdup_printf("virtfn%u", i);

        if (faccessat(fd, link, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
            break;
        found = faccessat(fd, file, F_OK, 0) == 0;
    }
    if (!found && mdev_sysfs_read_link(fd, "driver", target, sizeof(target)) >= 0) {
        slash = strrchr(target, '/');
        found = strcmp(slash ? slash + 1 : target, "nvidia") == 0;
    }
    close(fd);
    return found;
}

/**
 * mdev_vgpu_dup_card_of_vf:
 * @address: a PCI address
 *
 * Returns: (transfer full) (nullable): the card (PF) of the VF @address,
 *   %NULL when it is no VF
 */
char *
mdev_vgpu_dup_card_of_vf(const char *address)
{
    char target[PATH_MAX];
    const char *slash;
    int fd;
    gssize n;

    if (!mdev_nvidia_address_is_valid(address))
        return NULL;
    fd = open_vf(address);
    if (fd < 0)
        return NULL;
    n = mdev_sysfs_read_link(fd, "physfn", target, sizeof(target));
    close(fd);
    if (n < 0)
        return NULL;
    slash = strrchr(target, '/');
    slash = slash ? slash + 1 : target;
    return mdev_nvidia_address_is_valid(slash) ? g_strdup(slash) : NULL;
}

static char *
record_path(MdevContext *ctx, const char *uuid)
{
    return g_build_filename(mdev_context_get_state_dir(ctx), RECORDS_DIR, uuid, NULL);
}

/* Which VF an unpinned definition was started on is runtime state: a file
 * in the state directory (a tmpfs, empty after a reboot, when no VF has a
 * vGPU either). */
static void
write_record(MdevContext *ctx, const char *uuid, const char *address, GPtrArray *ret_messages)
{
    g_autofree char *path = record_path(ctx, uuid);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *text = g_strconcat(address, "\n", NULL);
    g_autoptr(GError) local = NULL;

    if (g_mkdir_with_parents(dir, 0755) < 0 ||
        !mdev_util_write_file_atomic(path, text, strlen(text), 0644, &local)) {
        if (ret_messages)
            g_ptr_array_add(ret_messages,
                            g_strdup_printf(_("cannot record that VF vGPU '%1$s' runs on VF "
                                              "'%2$s': %3$s"),
                                            uuid, address,
                                            local ? local->message : g_strerror(errno)));
    }
}

static char *
read_record(MdevContext *ctx, const char *uuid)
{
    g_autofree char *path = record_path(ctx, uuid);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    g_strstrip(text);
    return mdev_nvidia_address_is_valid(text) ? g_steal_pointer(&text) : NULL;
}

/* A VF stopped by address belongs to no definition any more. */
static void
forget_vf(MdevContext *ctx, const char *address)
{
    g_autofree char *dir = g_build_filename(mdev_context_get_state_dir(ctx), RECORDS_DIR, NULL);
    g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
    const char *name;

    while (handle && (name = g_dir_read_name(handle)) != NULL) {
        g_autofree char *recorded = NULL;

        if (!mdev_util_uuid_is_canonical(name))
            continue;
        recorded = read_record(ctx, name);
        if (g_strcmp0(recorded, address) == 0) {
            g_autofree char *path = g_build_filename(dir, name, NULL);
            g_unlink(path);
        }
    }
}

/**
 * mdev_vgpu_dup_running_address:
 * @ctx: a context
 * @definition: a definition
 *
 * Returns: (transfer full) (nullable): the VF on which @definition runs:
 *   its pinned VF, or the one it was started on, when that VF has the
 *   definition's type now
 */
char *
mdev_vgpu_dup_running_address(MdevContext *ctx, const MdevVgpuDefinition *definition)
{
    g_autofree char *address = NULL;
    guint want = 0, now = 0;
    int fd;

    if (!mdev_nvidia_type_id_from_name(definition->type, &want))
        return NULL;
    address = definition->address ? g_strdup(definition->address)
                                  : read_record(ctx, definition->uuid);
    if (address == NULL)
        return NULL;
    fd = open_vf(address);
    if (fd < 0)
        return NULL;
    if (!read_type(fd, &now) || now != want) {
        close(fd);
        return NULL;
    }
    close(fd);
    return g_steal_pointer(&address);
}

/* The type id to store for @type on @card: a name or id the card lists now
 * becomes its id; while the card lists nothing (SR-IOV off, or full), only
 * an id can be stored, as given. */
static char *
resolve_type(const char *card_name, const char *type, GPtrArray *ret_messages, GError **error)
{
    g_autoptr(MdevNvidiaCard) card = mdev_nvidia_read_card(card_name, NULL);
    const MdevType *found = card ? card_find_type(card->parent, type) : NULL;
    guint id;

    if (found)
        return g_strdup(found->id);
    if (!mdev_nvidia_type_id_from_name(type, &id)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("card '%1$s' offers no vGPU type named '%2$s' now; a type it does not "
                      "list now can only be given by id (nvidia-<id>, see 'mdevtool types "
                      "--parent %1$s')"),
                    card_name, type);
        return NULL;
    }
    if (ret_messages)
        g_ptr_array_add(ret_messages,
                        g_strdup_printf(_("card '%1$s' does not offer type '%2$s' now; "
                                          "defined as given"),
                                        card_name, type));
    return mdev_nvidia_type_name(id);
}

/**
 * mdev_vgpu_define:
 * @ctx: a context
 * @card: (nullable): the card (PF address); %NULL: the card of @address
 * @type: a type id (`nvidia-1148`) or a name the card lists now
 * @uuid: (nullable): the definition's name; %NULL generates one
 * @address: (nullable): pin it to this VF of the card
 * @autostart: start it when the card's VFs appear
 * @attrs: (nullable) (element-type MdevAttr): only `vgpu_params`
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Stores a VF vGPU definition under the card's lock. A UUID that names an
 * mdev definition or another VF vGPU definition is refused.
 *
 * Returns: (transfer full): the UUID, or %NULL
 */
char *
mdev_vgpu_define(MdevContext *ctx, const char *card, const char *type, const char *uuid,
                 const char *address, gboolean autostart, GPtrArray *attrs,
                 GPtrArray *ret_messages, GError **error)
{
    g_autoptr(MdevVgpuDefinition) definition = NULL;
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(GPtrArray) cards = NULL;
    g_autoptr(GPtrArray) parents = NULL;
    g_autofree char *id = NULL;
    g_autofree char *where = NULL;
    g_autofree char *type_id = NULL;
    const char *params;

    g_return_val_if_fail(type != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (address && !mdev_nvidia_address_is_valid(address)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.4"), address);
        return NULL;
    }
    if (card) {
        where = g_strdup(card);
    } else if (address) {
        where = mdev_vgpu_dup_card_of_vf(address);
        if (where == NULL) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("'%s' is not a VF now: name its card with --parent"), address);
            return NULL;
        }
    } else {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("a VF vGPU definition needs its card (--parent)"));
        return NULL;
    }
    if (!mdev_vgpu_is_card(where)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("'%s' is not an NVIDIA card with VF vGPUs"), where);
        return NULL;
    }
    if (address) {
        g_autofree char *of = mdev_vgpu_dup_card_of_vf(address);
        if (of && strcmp(of, where) != 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("VF '%1$s' belongs to card '%2$s', not '%3$s'"), address, of, where);
            return NULL;
        }
    }
    if (strlen(type) > 255 || !mdev_util_name_is_valid(type)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, _("invalid type '%s'"),
                    type);
        return NULL;
    }
    params = params_of(attrs, error);
    if (params == NULL)
        return NULL;
    if (uuid) {
        id = mdev_util_uuid_canonicalize(uuid, error);
        if (id == NULL)
            return NULL;
    } else {
        id = g_uuid_string_random();
    }
    type_id = resolve_type(where, type, ret_messages, error);
    if (type_id == NULL)
        return NULL;
    definition = mdev_vgpu_definition_new(id, where, type_id);
    definition->address = g_strdup(address);
    definition->params = *params ? g_strdup(params) : NULL;
    definition->autostart = autostart;
    if (!mdev_vgpu_definition_check(definition, error))
        return NULL;

    lock = mdev_lock_acquire_one(ctx, where, error);
    if (lock == NULL)
        return NULL;
    /* one name, one thing: start, undefine and modify find it by UUID alone */
    parents = mdev_store_find_parents(ctx, id, error);
    if (parents == NULL)
        return NULL;
    cards = mdev_vgpu_store_find_cards(ctx, id, error);
    if (cards == NULL)
        return NULL;
    if (parents->len > 0 || cards->len > 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS, _("'%1$s' is already defined on '%2$s'"),
                    id,
                    (const char *) g_ptr_array_index(parents->len ? parents : cards, 0));
        return NULL;
    }
    if (!mdev_vgpu_store_save(ctx, definition, error))
        return NULL;
    return g_steal_pointer(&id);
}

/**
 * mdev_vgpu_find_definition:
 * @ctx: a context
 * @uuid: a canonical UUID
 * @card: (nullable): only on this card
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the one VF vGPU definition @uuid, or %NULL with
 *   %MDEV_ERROR_NOT_FOUND, %MDEV_ERROR_AMBIGUOUS or the store's error
 */
MdevVgpuDefinition *
mdev_vgpu_find_definition(MdevContext *ctx, const char *uuid, const char *card, GError **error)
{
    g_autoptr(GPtrArray) cards = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (card)
        return mdev_vgpu_store_load_one(ctx, card, uuid, error);
    cards = mdev_vgpu_store_find_cards(ctx, uuid, error);
    if (cards == NULL)
        return NULL;
    if (cards->len == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("'%s' is not defined"), uuid);
        return NULL;
    }
    if (cards->len > 1) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                    _("VF vGPU '%s' is defined on several cards: name one with --parent"), uuid);
        return NULL;
    }
    return mdev_vgpu_store_load_one(ctx, g_ptr_array_index(cards, 0), uuid, error);
}

/* The definition read again under its card's lock, handed out in
 * @ret_lock: what the caller acts on no other writer can change. */
static MdevVgpuDefinition *
lock_definition(MdevContext *ctx, const char *uuid, const char *card, MdevLock **ret_lock,
                GError **error)
{
    g_autoptr(MdevVgpuDefinition) seen = mdev_vgpu_find_definition(ctx, uuid, card, error);
    g_autoptr(MdevLock) lock = NULL;
    MdevVgpuDefinition *definition;

    if (seen == NULL)
        return NULL;
    lock = mdev_lock_acquire_one(ctx, seen->card, error);
    if (lock == NULL)
        return NULL;
    definition = mdev_vgpu_store_load_one(ctx, seen->card, uuid, error);
    if (definition)
        *ret_lock = g_steal_pointer(&lock);
    return definition;
}

/* Under the card's lock: makes @definition's vGPU, retrying through the
 * driver's not-ready answers. Sets @ret_already when it runs already. */
static char *
start_locked(MdevContext *ctx, const MdevVgpuDefinition *definition, gboolean *ret_already,
             GPtrArray *ret_messages, GError **error)
{
    const char *params = definition->params ? definition->params : "";
    guint waited = 0;

    *ret_already = FALSE;
    for (guint attempt = 0;; attempt++) {
        g_autoptr(MdevNvidiaCard) card = NULL;
        g_autoptr(MdevType) wanted = NULL;
        g_autoptr(GError) local = NULL;
        const MdevType *found;
        char *address;
        int err = 0;

        address = mdev_vgpu_dup_running_address(ctx, definition);
        if (address) {
            *ret_already = TRUE;
            return address;
        }
        card = mdev_nvidia_read_card(definition->card, error);
        if (card == NULL)
            return NULL;
        found = card_find_type(card->parent, definition->type);
        if (found == NULL && definition->address) {
            /* the pinned VF is asked even when the card lists the type
             * nowhere: the driver's errno says why not */
            wanted = mdev_type_new(definition->type);
            found = wanted;
        }
        if (found == NULL) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                        _("card '%1$s' offers no '%2$s' vGPU now (it runs another type, or "
                          "is full); 'mdevtool types --parent %1$s' lists what it offers"),
                        definition->card, definition->type);
            return NULL;
        }
        if (definition->address) {
            gboolean present = FALSE;
            for (guint i = 0; i < card->vfs->len; i++) {
                const MdevNvidiaVf *vf = g_ptr_array_index(card->vfs, i);
                if (strcmp(vf->address, definition->address) == 0) {
                    present = TRUE;
                    if (vf->type != 0) {
                        g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                                    _("VF '%1$s' has a vGPU of type nvidia-%2$u already; "
                                      "stop it first"),
                                    vf->address, vf->type);
                        return NULL;
                    }
                }
            }
            if (!present) {
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                            _("card '%1$s' has no VF '%2$s' with the NVIDIA driver now"),
                            definition->card, definition->address);
                return NULL;
            }
        }
        address = write_vgpu(card, found, params, definition->address, &err, &local);
        if (address) {
            if (definition->address == NULL)
                write_record(ctx, definition->uuid, address, ret_messages);
            return address;
        }
        if (local == NULL) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                        _("card '%1$s' has no free VF that can take a '%2$s' vGPU now"),
                        definition->card, definition->type);
            return NULL;
        }
        if ((err != EBUSY && err != ENODEV) || attempt >= G_N_ELEMENTS(start_delays_ms)) {
            if (attempt > 0)
                g_prefix_error(&local, _("after %1$u retries over %2$.1f s: "), attempt,
                               waited / 1000.0);
            g_propagate_error(error, g_steal_pointer(&local));
            return NULL;
        }
        if (attempt == 0 && ret_messages)
            g_ptr_array_add(ret_messages,
                            g_strdup_printf(_("card '%1$s' is not ready for VF vGPU '%2$s' "
                                              "(%3$s); retrying"),
                                            definition->card, definition->uuid, g_strerror(err)));
        g_usleep(start_delays_ms[attempt] * 1000);
        waited += start_delays_ms[attempt];
    }
}

/**
 * mdev_vgpu_start:
 * @ctx: a context
 * @uuid: a VF vGPU definition's canonical UUID
 * @card: (nullable): its card, needed when it is defined on several
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Makes the definition's vGPU on its pinned VF, or on the first free VF of
 * its card that lists the type, under the card's lock.
 *
 * Returns: (transfer full): the VF's address, or %NULL; %MDEV_ERROR_EXISTS
 *   when it runs already
 */
char *
mdev_vgpu_start(MdevContext *ctx, const char *uuid, const char *card, GPtrArray *ret_messages,
                GError **error)
{
    g_autoptr(MdevVgpuDefinition) definition = NULL;
    g_autoptr(MdevLock) lock = NULL;
    g_autofree char *address = NULL;
    gboolean already;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    definition = lock_definition(ctx, uuid, card, &lock, error);
    if (definition == NULL)
        return NULL;
    address = start_locked(ctx, definition, &already, ret_messages, error);
    if (address && already) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                    _("VF vGPU '%1$s' runs already, on VF '%2$s'"), uuid, address);
        return NULL;
    }
    return g_steal_pointer(&address);
}

/**
 * mdev_vgpu_undefine:
 * @ctx: a context
 * @uuid: a canonical UUID
 * @card: (nullable): only the definition on this card
 * @error: return location for a #GError
 *
 * Removes the definition (also a malformed one); a running vGPU stays.
 *
 * Returns: %TRUE on success
 */
gboolean
mdev_vgpu_undefine(MdevContext *ctx, const char *uuid, const char *card, GError **error)
{
    g_autoptr(GPtrArray) cards = NULL;
    guint removed = 0;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    cards = mdev_vgpu_store_find_cards(ctx, uuid, error);
    if (cards == NULL)
        return FALSE;
    for (guint i = 0; i < cards->len; i++) {
        const char *where = g_ptr_array_index(cards, i);
        g_autoptr(MdevLock) lock = NULL;

        if (card && strcmp(card, where) != 0)
            continue;
        lock = mdev_lock_acquire_one(ctx, where, error);
        if (lock == NULL || !mdev_vgpu_store_remove(ctx, where, uuid, error))
            return FALSE;
        removed++;
    }
    if (removed > 0)
        return TRUE;
    if (card)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("VF vGPU '%1$s' is not defined on card '%2$s'"), uuid, card);
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("'%s' is not defined"), uuid);
    return FALSE;
}

/**
 * mdev_vgpu_modify:
 * @ctx: a context
 * @uuid: a canonical UUID
 * @card: (nullable): its card, needed when it is defined on several
 * @type: (nullable): a new type, an id or a name the card lists now
 * @address: (nullable): the VF to pin the definition to, "" to un-pin it,
 *   %NULL to leave the pin as it is
 * @autostart: -1 unchanged, 0 manual, 1 auto
 * @set_params: whether @params replaces the vgpu_params
 * @params: (nullable): the new vgpu_params; %NULL removes them
 * @ret_messages: (nullable) (element-type utf8): receives warnings
 * @error: return location for a #GError
 *
 * Changes a definition under its card's lock; a running vGPU is untouched.
 *
 * Returns: %TRUE on success
 */
/* Whether @address may pin a definition of @card: a VF of that card bound
 * to the NVIDIA driver, or, while the card has no VFs (SR-IOV off), any
 * address, since its VFs cannot be seen before they exist. */
static gboolean
check_pin(const char *card, const char *address, GError **error)
{
    g_autoptr(MdevParent) node = NULL;
    g_autoptr(MdevNvidiaCard) present = NULL;
    g_autoptr(GError) local = NULL;

    if (!mdev_nvidia_address_is_valid(address)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.4"), address);
        return FALSE;
    }
    node = mdev_nvidia_read_vf_node(address, NULL, &local);
    if (node) {
        if (strcmp(node->physfn, card) == 0)
            return TRUE;
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("VF '%1$s' belongs to card '%2$s', not '%3$s'"), address, node->physfn,
                    card);
        return FALSE;
    }
    present = mdev_nvidia_read_card(card, NULL);
    if (present == NULL) {
        g_autofree char *path = g_build_filename("/sys/bus/pci/devices", address, NULL);

        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            return TRUE;
    }
    g_propagate_error(error, g_steal_pointer(&local));
    return FALSE;
}

gboolean
mdev_vgpu_modify(MdevContext *ctx, const char *uuid, const char *card, const char *type,
                 const char *address, int autostart, gboolean set_params, const char *params,
                 GPtrArray *ret_messages, GError **error)
{
    g_autoptr(MdevVgpuDefinition) definition = NULL;
    g_autoptr(MdevLock) lock = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (type && (strlen(type) > 255 || !mdev_util_name_is_valid(type))) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, _("invalid type '%s'"),
                    type);
        return FALSE;
    }
    definition = lock_definition(ctx, uuid, card, &lock, error);
    if (definition == NULL)
        return FALSE;
    if (type) {
        char *type_id = resolve_type(definition->card, type, ret_messages, error);
        if (type_id == NULL)
            return FALSE;
        g_free(definition->type);
        definition->type = type_id;
    }
    if (address && *address && !check_pin(definition->card, address, error))
        return FALSE;
    if (address) {
        g_free(definition->address);
        definition->address = *address ? g_strdup(address) : NULL;
    }
    if (autostart >= 0)
        definition->autostart = autostart != 0;
    if (set_params) {
        g_free(definition->params);
        definition->params = params && *params ? g_strdup(params) : NULL;
    }
    return mdev_vgpu_store_save(ctx, definition, error);
}

/**
 * mdev_vgpu_start_card:
 * @ctx: a context
 * @card: a card's PCI address
 * @ret_started: (out) (optional): how many vGPUs were made
 * @ret_messages: (nullable) (element-type utf8): receives warnings, one per
 *   definition that failed
 * @error: return location for a #GError
 *
 * Starts the card's "auto" definitions in UUID order, skipping those that
 * run already, under the card's lock, so that the many udev events of one
 * card (each VF's add and bind) are harmless. A card without VFs now starts
 * nothing and is not an error: its VFs' events come later. One failure
 * does not stop the others.
 *
 * Returns: %TRUE when nothing failed
 */
gboolean
mdev_vgpu_start_card(MdevContext *ctx, const char *card, guint *ret_started,
                     GPtrArray *ret_messages, GError **error)
{
    g_autoptr(GPtrArray) definitions = NULL;
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(MdevNvidiaCard) present = NULL;
    guint failed = 0, started = 0, autos = 0;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (ret_started)
        *ret_started = 0;
    if (!mdev_nvidia_address_is_valid(card)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.0"), card);
        return FALSE;
    }
    lock = mdev_lock_acquire_one(ctx, card, error);
    if (lock == NULL)
        return FALSE;
    definitions = mdev_vgpu_store_load(ctx, card, NULL, ret_messages, error);
    if (definitions == NULL)
        return FALSE;
    for (guint i = 0; i < definitions->len; i++)
        autos += ((MdevVgpuDefinition *) g_ptr_array_index(definitions, i))->autostart;
    if (autos == 0)
        return TRUE;
    autos = 0;
    present = mdev_nvidia_read_card(card, NULL);
    if (present == NULL) {
        g_debug("card '%s' has no VFs with the NVIDIA driver yet: no vGPU started", card);
        return TRUE;
    }
    for (guint i = 0; i < definitions->len; i++) {
        const MdevVgpuDefinition *d = g_ptr_array_index(definitions, i);
        g_autoptr(GError) failure = NULL;
        g_autofree char *address = NULL;
        gboolean already;

        if (!d->autostart)
            continue;
        autos++;
        address = start_locked(ctx, d, &already, ret_messages, &failure);
        if (address == NULL) {
            failed++;
            if (ret_messages)
                g_ptr_array_add(ret_messages,
                                g_strdup_printf(_("cannot start VF vGPU '%1$s' on card "
                                                  "'%2$s': %3$s"),
                                                d->uuid, card, failure->message));
            continue;
        }
        if (!already)
            started++;
    }
    if (ret_started)
        *ret_started = started;
    if (failed > 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                    g_dngettext(GETTEXT_PACKAGE,
                                "%1$u of %2$u autostart VF vGPU of card '%3$s' failed to start",
                                "%1$u of %2$u autostart VF vGPUs of card '%3$s' failed to start",
                                autos),
                    failed, autos, card);
        return FALSE;
    }
    return TRUE;
}
