/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A simulated mdev host: a host description (JSON, see
 * schemas/host.schema.json) turned into a MockSysfs testbed, plus the
 * kernel's side of the writes that change it. mock_host_handle_write()
 * answers a write to a type's `create` or an mdev's `remove` the way the
 * kernel's mdev core and the vendor driver do: same checks, same errno,
 * same sysfs changes and uevents. tests/mdevsim serves it to other
 * processes; tests can also call it directly. */

#include "mock-sysfs.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MockHost MockHost;

/* @sysfs must outlive the host (declare it first when both are g_autoptr).
 * NULL with G_IO_ERROR_INVALID_DATA naming the offending member on bad input. */
MockHost *mock_host_new_from_file(MockSysfs *sysfs, const char *path,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
MockHost *mock_host_new_from_data(MockSysfs *sysfs, const char *data, gssize length,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
void mock_host_free(MockHost *self);

/* The path of examples/hosts/@name in the source tree. */
char *mock_host_find_example(const char *name) G_GNUC_WARN_UNUSED_RESULT;

MockSysfs *mock_host_get_sysfs(MockHost *self);
/* The description's "system": a /proc with cmdline, modules and <pid>/comm,
 * and a directory of active udev rules (MDEVTOOL_PROC_DIR and
 * MDEVTOOL_UDEV_RULES_DIRS for the library). */
const char *mock_host_get_proc_dir(MockHost *self);
const char *mock_host_get_udev_rules_dir(MockHost *self);
guint mock_host_get_n_definitions(MockHost *self);
/* The description's "definitions" as <conf_dir>/<parent>/<uuid> files. */
gboolean mock_host_write_definitions(MockHost *self, const char *conf_dir, GError **error);

/* The result of a write that waits (the remove of a held mdev). */
#define MOCK_HOST_WRITE_BLOCKS G_MINSSIZE

/* One write() to @path (a /sys path or its real path in the testbed):
 * FALSE when it is not a create/remove file of the host and no fault
 * applies, else TRUE with the write's result (bytes taken, -errno or
 * MOCK_HOST_WRITE_BLOCKS) in @ret_result. */
gboolean mock_host_handle_write(MockHost *self, const char *path, const char *buf,
                                gsize count, gssize *ret_result);

/* The errno called @name ("EIO"), 0 when there is none. */
int mock_host_errno_from_name(const char *name);

/* Faults, all answered by mock_host_handle_write(). A write to a file whose
 * /sys path matches @glob (g_pattern_match_simple(): '*' and '?', '*'
 * matches '/' too) fails with @err, once or every time; the first matching
 * fault wins. 0 or EINVAL. */
int mock_host_add_fault(MockHost *self, const char *glob, int err, gboolean once);
/* Drops every fault and vanish. */
void mock_host_clear_faults(MockHost *self);
/* The parent unregisters when the @nth write from now (1: the next) arrives,
 * before that write is handled. 0, ENOENT or EINVAL (@nth 0). */
int mock_host_vanish_at_write(MockHost *self, const char *parent, guint nth);
/* A VFIO user (a VM) holds the mdev open: writing 1 to its remove blocks
 * until it is released, and its /dev/vfio group is busy. 0, ENODEV (not
 * active) or EALREADY. */
int mock_host_hold_mdev(MockHost *self, const char *uuid);
/* The same, and the holder appears in the host's /proc as a process
 * running @command (with `-name guest=@domain` unless %NULL) whose fd 3 is
 * the mdev's /dev/vfio/GROUP, or with @cdev its /dev/vfio/devices/vfioN. */
int mock_host_hold_mdev_by(MockHost *self, const char *uuid, const char *command,
                           const char *domain, gboolean cdev);
/* What holds an NVIDIA VF when @command is %NULL: a VM opens a VF, so
 * hold of a VF always shows a holder in /proc. */
#define MOCK_HOST_VF_HOLDER "qemu-system-x86_64"
int mock_host_release_mdev(MockHost *self, const char *uuid);
gboolean mock_host_mdev_is_held(MockHost *self, const char *uuid);
/* Opening /dev/vfio/@group: 0, ENOENT (no such group) or EBUSY (a held
 * mdev is in it). */
int mock_host_open_vfio_group(MockHost *self, int group);

/* Direct controls: 0 or an errno (ENOENT: no such parent or type,
 * EALREADY: already (un)registered, else the kernel's answer); -1 from
 * mock_host_get_available() for an unknown or unregistered type. */
int mock_host_create_mdev(MockHost *self, const char *parent, const char *type_id,
                          const char *uuid);
int mock_host_remove_mdev(MockHost *self, const char *uuid);
int mock_host_register_parent(MockHost *self, const char *parent);
int mock_host_unregister_parent(MockHost *self, const char *parent);
int mock_host_get_available(MockHost *self, const char *parent, const char *type_id);

/* NVIDIA cards ("nvidia_cards"): SR-IOV set to @n_vfs VFs (0 disables it,
 * and the VFs go with their vGPUs): 0, ENOENT, ERANGE or EALREADY. A type
 * id written to the VF's current_vgpu_type: 0, ENOENT or the driver's
 * errno. hold/release/held above also take a VF's address. */
int mock_host_set_sriov(MockHost *self, const char *card, guint n_vfs);
int mock_host_set_vgpu(MockHost *self, const char *address, const char *type_id);
/* A broken driver: the VF's creatable_vgpu_types reads @text (NULL: the
 * driver's list again). 0 or ENOENT. */
int mock_host_garble_vf(MockHost *self, const char *address, const char *text);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MockHost, mock_host_free)
