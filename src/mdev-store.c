/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-store.h"

#include "mdev-error.h"
#include "mdev-file.h"
#include "mdev-json.h"
#include "mdev-util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The store is mdevctl's: <conf_dir>/<parent>/<uuid>, one JSON file per
 * definition, shared with mdevctl and watched by libvirt with inotify.
 * Unlike mdevctl, files are replaced atomically, and a file that cannot be
 * read or parsed is reported and skipped instead of failing every caller.
 */

/* mdevctl keeps its callout scripts in the store's top directory. */
#define SCRIPTS_DIR "scripts.d"

/* The guard where a parent and a UUID become a path (mdev_util_guard_path()):
 * callers pass names their entry point checked. */

/* dir/name for a name read from a directory (no separator in it):
 * g_build_filename() costs more than the rest of a definition's lookup. */
static char *
join_path(const char *dir, const char *name)
{
    gsize len = strlen(dir);

    if (len == 0)
        return g_strdup(name);
    return g_strconcat(dir, dir[len - 1] == '/' ? "" : "/", name, NULL);
}

static gboolean
guard_parent_uuid(const char *parent, const char *uuid, GError **error)
{
    if (!mdev_util_guard_path(mdev_util_name_is_valid(parent) && strcmp(parent, SCRIPTS_DIR) != 0,
                              parent, error))
        return FALSE;
    return mdev_util_guard_path(mdev_util_uuid_is_canonical(uuid), uuid, error);
}

/**
 * mdev_store_dup_path:
 * @ctx: a context
 * @parent: the parent's name
 * @uuid: a canonical UUID
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the definition file's path, or %NULL with
 *   %MDEV_ERROR_FAILED when a name is not usable (mdev_util_guard_path())
 */
char *
mdev_store_dup_path(MdevContext *ctx, const char *parent, const char *uuid, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!guard_parent_uuid(parent, uuid, error))
        return NULL;
    return g_build_filename(mdev_context_get_conf_dir(ctx), parent, uuid, NULL);
}

/* The rule for symbolic links among the parents' directories is mdevctl's
 * on reading: a linked directory is not part of the store. It is the same
 * on writing, so that a definition is never saved where no reader looks. */
static gboolean
parent_dir_is_link(const char *conf_dir, const char *parent)
{
    g_autofree char *dir = g_build_filename(conf_dir, parent, NULL);
    GStatBuf st;

    return g_lstat(dir, &st) == 0 && S_ISLNK(st.st_mode);
}

static gboolean
check_parent_dir_writable(const char *dir, GError **error)
{
    GStatBuf st;

    if (g_lstat(dir, &st) < 0 || S_ISDIR(st.st_mode))
        return TRUE;
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                S_ISLNK(st.st_mode) ? _("definitions directory '%s' is a symbolic link, "
                                        "which the store ignores")
                                    : _("definitions directory '%s' is not a directory"),
                dir);
    return FALSE;
}

static gboolean
set_read_error(int err, const char *path, GError **error)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                _("cannot read definition '%1$s': %2$s"), path, g_strerror(err));
    return FALSE;
}

/* The definition @name in @dirfd (@path in messages), which the caller saw
 * as a regular file. */
static MdevDevice *
read_definition_at(int dirfd, const char *name, const char *path, const char *parent,
                   const char *uuid, GError **error)
{
    g_autofree char *contents = NULL;
    g_autoptr(GError) local = NULL;
    MdevDevice *definition;

    contents = mdev_file_read_definition(dirfd, name, path, MDEV_STORE_MAX_FILE_SIZE,
                                         MDEV_FILE_READ_DEFAULT, error);
    if (contents == NULL)
        return NULL;
    definition = mdev_json_definition_from_string(contents, parent, uuid, &local);
    if (definition == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("malformed definition '%1$s': %2$s"), path, local->message);
        return NULL;
    }
    return definition;
}

/* By path, given what lstat() said of it: nothing but a regular file is
 * ever opened. */
static MdevDevice *
read_definition_seen(const char *path, const GStatBuf *st, const char *parent, const char *uuid,
                     GError **error)
{
    if (!S_ISREG(st->st_mode)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("definition '%s' is not a regular file"), path);
        return NULL;
    }
    return read_definition_at(AT_FDCWD, path, path, parent, uuid, error);
}

static void
add_problem(GPtrArray *problems, char *message)
{
    if (problems)
        g_ptr_array_add(problems, message);
    else
        g_free(message);
}

/* Names in @dir, sorted; NULL (and no error) when @dir does not exist. */
static GPtrArray *
list_dir(const char *dir, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GDir) handle = g_dir_open(dir, 0, &local);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (handle == NULL) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return g_steal_pointer(&names);
        g_set_error(error, local->domain, local->code, _("cannot read directory '%1$s': %2$s"), dir,
                    local->message);
        return NULL;
    }
    while ((name = g_dir_read_name(handle)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, mdev_util_compare_strings);
    return g_steal_pointer(&names);
}

typedef struct {
    char *name;
    unsigned char type; /* DT_*, from readdir() */
} Entry;

static void
clear_entry(gpointer data)
{
    g_free(((Entry *) data)->name);
}

static int
compare_entries(gconstpointer a, gconstpointer b)
{
    return strcmp(((const Entry *) a)->name, ((const Entry *) b)->name);
}

/* The type readdir() did not know, without following a link. */
static unsigned char
entry_type(int dirfd, const char *name)
{
    struct stat st;

    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return DT_UNKNOWN; /* removed meanwhile */
    if (S_ISDIR(st.st_mode))
        return DT_DIR;
    if (S_ISLNK(st.st_mode))
        return DT_LNK;
    return S_ISREG(st.st_mode) ? DT_REG : DT_FIFO;
}

/* A parent's definitions. The entries' types come with the directory
 * listing, so a definition costs its open, fstat, read and close. */
static void
load_parent(const char *conf_dir, const char *parent, const char *uuid, GPtrArray *result,
            GPtrArray *problems)
{
    g_autofree char *dir = join_path(conf_dir, parent);
    g_autoptr(GArray) entries = g_array_new(FALSE, FALSE, sizeof(Entry));
    g_autoptr(GError) local = NULL;
    DIR *handle = opendir(dir);
    struct dirent *d;

    if (handle == NULL) {
        /* list_dir() words the error, or finds the directory gone */
        g_autoptr(GPtrArray) names = list_dir(dir, &local);
        if (names == NULL)
            add_problem(problems, g_strdup(local->message));
        return;
    }
    g_array_set_clear_func(entries, clear_entry);
    while ((d = readdir(handle)) != NULL) {
        Entry entry = { NULL, d->d_type };

        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0 ||
            (uuid && strcmp(d->d_name, uuid) != 0))
            continue;
        entry.name = g_strdup(d->d_name);
        g_array_append_val(entries, entry);
    }
    g_array_sort(entries, compare_entries);

    for (guint i = 0; i < entries->len; i++) {
        const Entry *entry = &g_array_index(entries, Entry, i);
        const char *name = entry->name;
        g_autofree char *path = join_path(dir, name);
        unsigned char type = entry->type;
        MdevDevice *definition;

        if (type == DT_UNKNOWN) {
            type = entry_type(dirfd(handle), name);
            if (type == DT_UNKNOWN)
                continue;
        }
        if (type == DT_DIR || name[0] == '.' || mdev_file_is_temporary_name(name))
            continue;
        if (!mdev_util_uuid_is_canonical(name)) {
            add_problem(problems, g_strdup_printf(_("ignoring '%s': its name is not a "
                                                    "lowercase UUID"),
                                                  path));
            continue;
        }
        if (type == DT_LNK) {
            add_problem(problems, g_strdup_printf(_("ignoring definition '%s': it is a "
                                                    "symbolic link"),
                                                  path));
            continue;
        }
        if (type != DT_REG) {
            add_problem(problems,
                        g_strdup_printf(_("definition '%s' is not a regular file"), path));
            continue;
        }
        definition = read_definition_at(dirfd(handle), name, path, parent, name, &local);
        if (definition == NULL) {
            if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
                add_problem(problems, g_strdup(local->message)); /* else removed meanwhile */
            g_clear_error(&local);
            continue;
        }
        g_ptr_array_add(result, definition);
    }
    closedir(handle);
}

/**
 * mdev_store_load:
 * @ctx: a context
 * @parent: (nullable): only this parent's definitions
 * @uuid: (nullable): only definitions of this canonical UUID
 * @ret_problems: (nullable) (element-type utf8): receives one message per
 *   file or directory that was skipped, naming its path and the reason
 * @error: return location for a #GError
 *
 * Reads definitions. A missing store is empty. Malformed or unreadable files,
 * names that are not UUIDs and symbolic links are skipped and reported in
 * @ret_problems; they never make the whole load fail.
 *
 * Returns: (transfer full) (element-type MdevDevice): definitions sorted by
 *   parent then UUID, or %NULL when a filter is not a valid name
 */
GPtrArray *
mdev_store_load(MdevContext *ctx, const char *parent, const char *uuid, GPtrArray *ret_problems,
                GError **error)
{
    const char *conf_dir = mdev_context_get_conf_dir(ctx);
    g_autoptr(GPtrArray) result = NULL;
    g_autoptr(GPtrArray) parents = NULL;
    g_autoptr(GError) local = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (parent && !mdev_util_guard_path(mdev_util_name_is_valid(parent) &&
                                            strcmp(parent, SCRIPTS_DIR) != 0,
                                        parent, error))
        return NULL;
    if (uuid && !mdev_util_guard_path(mdev_util_uuid_is_canonical(uuid), uuid, error))
        return NULL;

    result = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
    if (parent) {
        parents = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(parents, g_strdup(parent));
    } else {
        parents = list_dir(conf_dir, &local);
        if (parents == NULL) {
            add_problem(ret_problems, g_strdup(local->message));
            return g_steal_pointer(&result);
        }
    }

    for (guint i = 0; i < parents->len; i++) {
        const char *name = g_ptr_array_index(parents, i);
        g_autofree char *dir = join_path(conf_dir, name);
        GStatBuf st;

        if (strcmp(name, SCRIPTS_DIR) == 0 || name[0] == '.')
            continue;
        if (g_lstat(dir, &st) < 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            if (g_stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                add_problem(ret_problems,
                            g_strdup_printf(_("ignoring definitions in '%s': the directory "
                                              "is a symbolic link"),
                                            dir));
            continue;
        }
        if (!S_ISDIR(st.st_mode))
            continue;
        load_parent(conf_dir, name, uuid, result, ret_problems);
    }
    return g_steal_pointer(&result);
}

/**
 * mdev_store_load_one:
 * @ctx: a context
 * @parent: the parent's name
 * @uuid: a canonical UUID
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the definition, or %NULL with
 *   %MDEV_ERROR_NOT_FOUND when there is none, %MDEV_ERROR_INVALID_CONFIG when
 *   it is malformed, or a %G_FILE_ERROR
 */
MdevDevice *
mdev_store_load_one(MdevContext *ctx, const char *parent, const char *uuid, GError **error)
{
    g_autofree char *path = mdev_store_dup_path(ctx, parent, uuid, error);
    GStatBuf st;

    if (path == NULL)
        return NULL;
    /* the file first: most lookups (one per running mdev in a listing) find
     * none, and then the directory needs no look */
    if (g_lstat(path, &st) < 0) {
        int err = errno;

        if (err == ENOENT || parent_dir_is_link(mdev_context_get_conf_dir(ctx), parent))
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("mdev '%1$s' is not defined on parent '%2$s'"), uuid, parent);
        else
            set_read_error(err, path, error);
        return NULL;
    }
    if (parent_dir_is_link(mdev_context_get_conf_dir(ctx), parent)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("mdev '%1$s' is not defined on parent '%2$s'"), uuid, parent);
        return NULL;
    }
    return read_definition_seen(path, &st, parent, uuid, error);
}

/**
 * mdev_store_find_parents:
 * @ctx: a context
 * @uuid: a canonical UUID
 * @error: return location for a #GError
 *
 * Finds every parent holding a definition file for @uuid, whether or not
 * the file is well-formed (so that a broken definition can be undefined).
 *
 * Returns: (transfer full) (element-type utf8): parent names, sorted
 */
GPtrArray *
mdev_store_find_parents(MdevContext *ctx, const char *uuid, GError **error)
{
    const char *conf_dir = mdev_context_get_conf_dir(ctx);
    g_autoptr(GPtrArray) parents = NULL;
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!mdev_util_guard_path(mdev_util_uuid_is_canonical(uuid), uuid, error)) {
        return NULL;
    }
    parents = list_dir(conf_dir, error);
    if (parents == NULL)
        return NULL;
    for (guint i = 0; i < parents->len; i++) {
        const char *name = g_ptr_array_index(parents, i);
        g_autofree char *dir = g_build_filename(conf_dir, name, NULL);
        g_autofree char *path = g_build_filename(dir, uuid, NULL);
        GStatBuf st;

        if (strcmp(name, SCRIPTS_DIR) == 0 || name[0] == '.' || !mdev_util_name_is_valid(name))
            continue;
        if (g_lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;
        if (g_lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            g_ptr_array_add(found, g_strdup(name));
    }
    return g_steal_pointer(&found);
}

/**
 * mdev_store_exists:
 * @ctx: a context
 * @parent: the parent's name
 * @uuid: a canonical UUID
 *
 * Returns: %TRUE when a file (well-formed or not) holds that definition
 */
gboolean
mdev_store_exists(MdevContext *ctx, const char *parent, const char *uuid)
{
    g_autofree char *path = mdev_store_dup_path(ctx, parent, uuid, NULL);
    GStatBuf st;

    return path != NULL && !parent_dir_is_link(mdev_context_get_conf_dir(ctx), parent) &&
           g_lstat(path, &st) == 0;
}

/* The guard on what the definition holds (mdev_util_guard_path()): a name
 * the reader would refuse would make the saved definition unreadable. */
static gboolean
guard_contents(const MdevDevice *definition, GError **error)
{
    if (!mdev_util_guard_path(mdev_util_name_is_valid(definition->type), definition->type, error))
        return FALSE;
    for (guint i = 0; definition->attrs && i < definition->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(definition->attrs, i);

        if (!mdev_util_guard_path(mdev_util_attr_name_is_valid(attr->name) && attr->value,
                                  attr->name, error))
            return FALSE;
    }
    return TRUE;
}

/**
 * mdev_store_save:
 * @ctx: a context
 * @definition: the definition: parent, canonical UUID, type, start, attributes
 * @error: return location for a #GError
 *
 * Writes (or replaces) the definition file atomically, creating the parent's
 * directory when needed (and syncing every directory that gains an entry),
 * and removes the temporary files that interrupted writes left in that
 * directory. The caller holds the parent's lock (mdev_lock_acquire_one()).
 *
 * Returns: %TRUE on success; %FALSE with %MDEV_ERROR_INVALID_CONFIG when
 *   the parent's directory is a symbolic link or not a directory
 */
gboolean
mdev_store_save(MdevContext *ctx, const MdevDevice *definition, GError **error)
{
    g_autofree char *path = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *contents = NULL;

    g_return_val_if_fail(definition != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    path = mdev_store_dup_path(ctx, definition->parent, definition->uuid, error);
    if (path == NULL)
        return FALSE;
    if (!guard_contents(definition, error))
        return FALSE;

    dir = g_path_get_dirname(path);
    if (!check_parent_dir_writable(dir, error) || !mdev_file_make_dir_durable(dir, error))
        return FALSE;
    mdev_file_remove_stale_temporaries(dir);
    contents = mdev_json_definition_to_string(definition);
    return mdev_util_write_file_atomic(path, contents, strlen(contents), 0644, error);
}

/**
 * mdev_store_remove:
 * @ctx: a context
 * @parent: the parent's name
 * @uuid: a canonical UUID
 * @error: return location for a #GError
 *
 * Removes the definition file and the temporary files that interrupted
 * writes left beside it. The parent's directory stays, as with mdevctl
 * (libvirt watches it). The caller holds the parent's lock.
 *
 * Returns: %TRUE on success, %FALSE with %MDEV_ERROR_NOT_FOUND when there
 *   was no such definition
 */
gboolean
mdev_store_remove(MdevContext *ctx, const char *parent, const char *uuid, GError **error)
{
    g_autofree char *path = mdev_store_dup_path(ctx, parent, uuid, error);
    g_autofree char *dir = NULL;

    if (path == NULL)
        return FALSE;
    dir = g_path_get_dirname(path);
    if (!check_parent_dir_writable(dir, error))
        return FALSE;
    mdev_file_remove_stale_temporaries(dir);
    if (g_unlink(path) < 0) {
        int err = errno;
        if (err == ENOENT)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("mdev '%1$s' is not defined on parent '%2$s'"), uuid, parent);
        else
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        _("cannot remove definition '%1$s': %2$s"), path, g_strerror(err));
        return FALSE;
    }
    /* make the removal durable like a save */
    return mdev_file_sync_dir(dir, error);
}
