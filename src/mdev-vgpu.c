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
#include "mdev-sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
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
    cards = mdev_nvidia_scan_cards(card, problems, NULL);
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

/* Under the card's lock: the first free VF that lists the type. NULL with
 * @error unset when the card has none (any more). */
static char *
create_on_card(MdevContext *ctx, const char *card_name, const char *type, const char *params,
               const char *only_vf, gboolean *ret_existing, char **ret_type, GError **error)
{
    g_autoptr(MdevLock) lock = NULL;
    g_autoptr(MdevNvidiaCard) card = NULL;
    const MdevType *found;
    g_autofree char *text = NULL;
    guint id;

    lock = mdev_lock_acquire_one(ctx, card_name, error);
    if (lock == NULL)
        return NULL;
    card = mdev_nvidia_read_card(card_name, error);
    if (card == NULL)
        return NULL;
    found = card_find_type(card->parent, type);
    if (found == NULL || !mdev_nvidia_type_id_from_name(found->id, &id))
        return NULL;
    /* a given VF may have the type already while no other VF can take it */
    if (only_vf == NULL && found->available_instances < 1)
        return NULL;
    text = g_strdup_printf("%u", id);
    for (guint i = 0; i < card->vfs->len; i++) {
        const MdevNvidiaVf *vf = g_ptr_array_index(card->vfs, i);
        gboolean listed = FALSE;
        guint now = 0;
        int fd, err = 0;

        if (only_vf && strcmp(vf->address, only_vf) != 0)
            continue;
        /* read under the card's lock: a second call for the same VF finds
         * the first one's vGPU */
        if (only_vf && vf->type == id) {
            *ret_existing = TRUE;
            *ret_type = g_strdup(found->id);
            return g_strdup(vf->address);
        }
        if (only_vf && vf->type != 0) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                        _("VF '%1$s' has a vGPU of type nvidia-%2$u already"), vf->address,
                        vf->type);
            return NULL;
        }
        if (vf->type != 0)
            continue;
        for (guint t = 0; !listed && t < vf->creatable->len; t++)
            listed = strcmp(((MdevType *) g_ptr_array_index(vf->creatable, t))->id,
                            found->id) == 0;
        if (!listed)
            continue;
        fd = open_vf(vf->address);
        if (fd < 0) {
            set_create_error(error, errno, vf->address, card_name, found->id);
            return NULL;
        }
        if (!mdev_sysfs_write_once(fd, CURRENT_TYPE, text, &err)) {
            close(fd);
            set_create_error(error, err, vf->address, card_name, found->id);
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
        *ret_type = g_strdup(found->id);
        return g_strdup(vf->address);
    }
    return NULL;
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
        cards = mdev_nvidia_scan_cards(NULL, problems, error);
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
        char *address = create_on_card(ctx, c->parent->name, type, params, NULL, NULL,
                                       &used_type, error);

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
    cards = mdev_nvidia_scan_cards(NULL, problems, error);
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
    made = create_on_card(ctx, owner->parent->name, type, params, address, &existing, &used_type,
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
 * Destroys the VF's vGPU (writes 0), retrying for a few seconds while the
 * driver answers EBUSY, as it does just after a VM closed the VF.
 *
 * Returns: whether the VF has no vGPU any more
 */
gboolean
mdev_vgpu_stop(MdevContext *ctx, const char *address, GPtrArray *ret_messages, GError **error)
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
    return TRUE;
}
