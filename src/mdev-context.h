/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

struct udev;

typedef struct _MdevContext MdevContext;

/* Environment variables that relocate the host-wide directories, for tests
 * and for running against a scratch store. */
#define MDEV_ENV_CONF_DIR "MDEVTOOL_CONF_DIR"
#define MDEV_ENV_STATE_DIR "MDEVTOOL_STATE_DIR"
#define MDEV_ENV_LIB_DIR "MDEVTOOL_LIB_DIR"
#define MDEV_ENV_VGPU_DIR "MDEVTOOL_VGPU_DIR"
/* Where the host's /proc and udev rules directories are read (doctor). */
#define MDEV_ENV_PROC_DIR "MDEVTOOL_PROC_DIR"
#define MDEV_ENV_UDEV_RULES_DIRS "MDEVTOOL_UDEV_RULES_DIRS"

MdevContext *mdev_context_new(void) G_GNUC_WARN_UNUSED_RESULT;
MdevContext *mdev_context_ref(MdevContext *self);
void mdev_context_unref(MdevContext *self);

const char *mdev_context_get_conf_dir(MdevContext *self);
const char *mdev_context_get_state_dir(MdevContext *self);
const char *mdev_context_get_lib_dir(MdevContext *self);
const char *mdev_context_get_vgpu_dir(MdevContext *self);
void mdev_context_set_vgpu_dir(MdevContext *self, const char *dir);
void mdev_context_set_conf_dir(MdevContext *self, const char *dir);
void mdev_context_set_state_dir(MdevContext *self, const char *dir);
void mdev_context_set_lib_dir(MdevContext *self, const char *dir);
const char *mdev_context_get_proc_dir(MdevContext *self);
void mdev_context_set_proc_dir(MdevContext *self, const char *dir);
const char *const *mdev_context_get_udev_rules_dirs(MdevContext *self);
void mdev_context_set_udev_rules_dirs(MdevContext *self, const char *const *dirs);
void mdev_context_set_force_callouts(MdevContext *self, gboolean force);
gboolean mdev_context_get_force_callouts(MdevContext *self);

struct udev *mdev_context_get_udev(MdevContext *self, GError **error);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevContext, mdev_context_unref)
