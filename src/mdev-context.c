/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-context.h"

#include "mdev-context-private.h"
#include "mdev-error.h"
#include "mdev-udev.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

/**
 * MdevContext:
 *
 * Everything host-wide an operation needs: where definitions live (shared
 * with mdevctl), where locks and runtime state go, where the vendor-neutral
 * callout scripts are, and one libudev handle.
 *
 * A plain reference-counted struct, not a GObject: mdevtool is started for
 * every change of the store and lives a few milliseconds, and GObject would
 * add libgobject and libffi to every process and its type system's
 * initialisation to every start, for this one object and the monitor.
 */
struct _MdevContext {
    gatomicrefcount ref_count;

    char *conf_dir;
    char *state_dir;
    char *lib_dir;
    char *vgpu_dir;
    char *proc_dir;
    GStrv udev_rules_dirs;
    struct udev *udev;
    gboolean force_callouts;
    MdevLockWaitFunc lock_wait_func;
    gpointer lock_wait_data;
};

static char *
dir_from_env(const char *variable, const char *fallback)
{
    const char *value = g_getenv(variable);

    return g_strdup(value && *value ? value : fallback);
}

/* udev reads rules from these, a file in an earlier one hiding the same name
 * in a later one; the last is where this build installs its own rule. */
static GStrv
rules_dirs_from_env(void)
{
    const char *value = g_getenv(MDEV_ENV_UDEV_RULES_DIRS);
    g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);
    const char *const defaults[] = { "/etc/udev/rules.d", "/run/udev/rules.d",
                                     "/usr/local/lib/udev/rules.d", "/usr/lib/udev/rules.d",
                                     "/lib/udev/rules.d", MDEV_UDEV_RULES_DIR };

    if (value && *value)
        return g_strsplit(value, ":", -1);
    for (guint i = 0; i < G_N_ELEMENTS(defaults); i++) {
        if (!g_ptr_array_find_with_equal_func(dirs, defaults[i], g_str_equal, NULL))
            g_ptr_array_add(dirs, g_strdup(defaults[i]));
    }
    g_ptr_array_add(dirs, NULL);
    return (GStrv) g_ptr_array_free(g_steal_pointer(&dirs), FALSE);
}

/**
 * mdev_context_new:
 *
 * Returns: (transfer full): a context with the built-in directories, each
 *   overridable through its environment variable
 */
MdevContext *
mdev_context_new(void)
{
    MdevContext *self = g_new0(MdevContext, 1);

    g_atomic_ref_count_init(&self->ref_count);
    self->conf_dir = dir_from_env(MDEV_ENV_CONF_DIR, MDEV_CONF_DIR);
    self->state_dir = dir_from_env(MDEV_ENV_STATE_DIR, MDEV_STATE_DIR);
    /* configure's --with-mdevlibdir: /usr/lib/mdevctl, where mdevctl ≥ 1.3
     * and vendor callouts keep their scripts.d, whatever our prefix */
    self->lib_dir = dir_from_env(MDEV_ENV_LIB_DIR, MDEV_LIB_DIR);
    self->vgpu_dir = dir_from_env(MDEV_ENV_VGPU_DIR, MDEV_VGPU_DIR);
    self->proc_dir = dir_from_env(MDEV_ENV_PROC_DIR, "/proc");
    self->udev_rules_dirs = rules_dirs_from_env();
    return self;
}

/**
 * mdev_context_ref:
 * @self: a context
 *
 * Returns: (transfer full): @self, with one more reference
 */
MdevContext *
mdev_context_ref(MdevContext *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_atomic_ref_count_inc(&self->ref_count);
    return self;
}

/**
 * mdev_context_unref:
 * @self: (nullable): a context
 *
 * Drops a reference; the last one frees the context and its udev handle.
 */
void
mdev_context_unref(MdevContext *self)
{
    if (self == NULL || !g_atomic_ref_count_dec(&self->ref_count))
        return;
    g_free(self->conf_dir);
    g_free(self->state_dir);
    g_free(self->lib_dir);
    g_free(self->vgpu_dir);
    g_free(self->proc_dir);
    g_strfreev(self->udev_rules_dirs);
    g_clear_pointer(&self->udev, sym_udev_unref);
    g_free(self);
}

const char *
mdev_context_get_conf_dir(MdevContext *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->conf_dir;
}

const char *
mdev_context_get_state_dir(MdevContext *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->state_dir;
}

const char *
mdev_context_get_lib_dir(MdevContext *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->lib_dir;
}

void
mdev_context_set_conf_dir(MdevContext *self, const char *dir)
{
    g_return_if_fail(self != NULL);
    g_free(self->conf_dir);
    self->conf_dir = g_strdup(dir);
}

void
mdev_context_set_state_dir(MdevContext *self, const char *dir)
{
    g_return_if_fail(self != NULL);
    g_free(self->state_dir);
    self->state_dir = g_strdup(dir);
}

void
mdev_context_set_lib_dir(MdevContext *self, const char *dir)
{
    g_return_if_fail(self != NULL);
    g_free(self->lib_dir);
    self->lib_dir = g_strdup(dir);
}

/**
 * mdev_context_get_vgpu_dir:
 * @self: a context
 *
 * Returns: where NVIDIA VF vGPU definitions live (`MDEVTOOL_VGPU_DIR`
 *   overrides it): mdevtool's own store, apart from mdevctl's, whose
 *   readers would take them for mdevs
 */
const char *
mdev_context_get_vgpu_dir(MdevContext *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->vgpu_dir;
}

void
mdev_context_set_vgpu_dir(MdevContext *self, const char *dir)
{
    g_return_if_fail(self != NULL);
    g_free(self->vgpu_dir);
    self->vgpu_dir = g_strdup(dir);
}

/**
 * mdev_context_get_proc_dir:
 * @self: a context
 *
 * Returns: where the host's proc file system is read (`/proc`, or
 *   `MDEVTOOL_PROC_DIR`): loaded modules, the kernel command line, processes
 */
const char *
mdev_context_get_proc_dir(MdevContext *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->proc_dir;
}

void
mdev_context_set_proc_dir(MdevContext *self, const char *dir)
{
    g_return_if_fail(self != NULL);
    g_free(self->proc_dir);
    self->proc_dir = g_strdup(dir);
}

/**
 * mdev_context_get_udev_rules_dirs:
 * @self: a context
 *
 * Returns: (transfer none): udev's rules directories, highest priority first
 *   (`MDEVTOOL_UDEV_RULES_DIRS`, colon-separated, replaces them)
 */
const char *const *
mdev_context_get_udev_rules_dirs(MdevContext *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return (const char *const *) self->udev_rules_dirs;
}

void
mdev_context_set_udev_rules_dirs(MdevContext *self, const char *const *dirs)
{
    g_return_if_fail(self != NULL);
    g_return_if_fail(dirs != NULL);
    g_strfreev(self->udev_rules_dirs);
    self->udev_rules_dirs = g_strdupv((char **) dirs);
}

/**
 * mdev_context_set_force_callouts:
 * @self: a context
 * @force: whether a vetoing or failing pre callout is only a warning
 *
 * mdevctl's --force: operations go ahead when a callout script's pre event
 * fails; the failure is reported among the callout's messages.
 */
void
mdev_context_set_force_callouts(MdevContext *self, gboolean force)
{
    g_return_if_fail(self != NULL);
    self->force_callouts = force;
}

gboolean
mdev_context_get_force_callouts(MdevContext *self)
{
    g_return_val_if_fail(self != NULL, FALSE);
    return self->force_callouts;
}

/**
 * mdev_context_get_udev:
 * @self: a context
 * @error: return location for a #GError
 *
 * Returns: (transfer none): the context's libudev handle, created on first use
 */
struct udev *
mdev_context_get_udev(MdevContext *self, GError **error)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (self->udev == NULL) {
        if (!mdev_udev_load(error))
            return NULL;
        self->udev = sym_udev_new();
        if (self->udev == NULL) {
            int err = errno;
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                        _("cannot initialise libudev: %s"), g_strerror(err));
            return NULL;
        }
    }
    return self->udev;
}

void
mdev_context_set_lock_wait_func(MdevContext *self, MdevLockWaitFunc func, gpointer user_data)
{
    g_return_if_fail(self != NULL);
    self->lock_wait_func = func;
    self->lock_wait_data = func ? user_data : NULL;
}

MdevLockWaitFunc
mdev_context_get_lock_wait_func(MdevContext *self, gpointer *ret_user_data)
{
    g_return_val_if_fail(self != NULL, NULL);
    *ret_user_data = self->lock_wait_data;
    return self->lock_wait_func;
}
