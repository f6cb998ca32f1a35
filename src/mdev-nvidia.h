/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-discovery.h"

G_BEGIN_DECLS

/* NVIDIA's vendor-specific VFIO vGPUs (vGPU 17+ on kernels >= 6.8): the
 * SR-IOV VFs of the GPU stay bound to the NVIDIA driver, and a VF becomes
 * a vGPU when a type id is written to its nvidia/current_vgpu_type. */

/* The drivers whose VFs carry the nvidia/ files: NVIDIA's host driver and
 * the upstream variant driver. */
#define MDEV_NVIDIA_DRIVERS "nvidia", "nvidia-vgpu-vfio"
/* Types are named nvidia-<decimal id>, as Proxmox and the old mdev types
 * name them; the id is only valid on its card. */
#define MDEV_NVIDIA_TYPE_PREFIX "nvidia-"

/**
 * MdevNvidiaVf:
 * @address: the VF's PCI address
 * @syspath: its sysfs directory
 * @driver: (nullable): its bound driver
 * @type: the vGPU type id it has, 0 for none
 * @iommu_group: its IOMMU group, -1 when unknown or not read
 * @creatable: (element-type MdevType): what its creatable_vgpu_types lists
 *   (available_instances unset)
 */
typedef struct {
    char *address;
    char *syspath;
    char *driver;
    guint type;
    int iommu_group;
    GPtrArray *creatable;
} MdevNvidiaVf;

/**
 * MdevNvidiaCard:
 * @parent: the PF as a parent of kind %MDEV_PARENT_KIND_NVIDIA_VF, with its
 *   types (available_instances: how many of its VFs could take the type now)
 * @vfs: (element-type MdevNvidiaVf): its VFs, sorted by address
 */
typedef struct {
    MdevParent *parent;
    GPtrArray *vfs;
} MdevNvidiaCard;

void mdev_nvidia_vf_free(MdevNvidiaVf *vf);
void mdev_nvidia_card_free(MdevNvidiaCard *card);

gboolean mdev_nvidia_parse_creatable(const char *text, gsize length, GPtrArray **ret_types,
                                     GError **error);
gboolean mdev_nvidia_parse_type_id(const char *text, guint *ret_id);
char *mdev_nvidia_type_name(guint id) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_nvidia_type_id_from_name(const char *type, guint *ret_id);
gboolean mdev_nvidia_address_is_valid(const char *text);

/**
 * MdevNvidiaScanFlags:
 * @MDEV_NVIDIA_SCAN_TYPES: read every VF's creatable list, for the cards'
 *   types and what is available
 * @MDEV_NVIDIA_SCAN_GROUPS: read the IOMMU group of every VF with a vGPU
 */
typedef enum {
    MDEV_NVIDIA_SCAN_TYPES = 1 << 0,
    MDEV_NVIDIA_SCAN_GROUPS = 1 << 1,
} MdevNvidiaScanFlags;

GPtrArray *mdev_nvidia_scan_cards(const char *card, MdevNvidiaScanFlags flags,
                                  GPtrArray *problems, GError **error) G_GNUC_WARN_UNUSED_RESULT;
MdevNvidiaCard *mdev_nvidia_read_card(const char *card, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

MdevParent *mdev_nvidia_read_vf_node(const char *address, guint *ret_type, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevNvidiaVf, mdev_nvidia_vf_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevNvidiaCard, mdev_nvidia_card_free)
