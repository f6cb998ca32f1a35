/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-vgpu-store.h"

#include "mdev-error.h"
#include "mdev-file.h"
#include "mdev-json.h"
#include "mdev-json-out.h"
#include "mdev-json-parse.h"
#include "mdev-nvidia.h"
#include "mdev-private.h"
#include "mdev-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The store of NVIDIA VF vGPU definitions: <vgpu_dir>/<card>/<uuid>, one
 * JSON object per file. It is mdevtool's own and never mdevctl's directory:
 * mdevctl and libvirt's node-device driver read every file there as an mdev
 * and would try to create one. Writes are atomic as in the mdev store, and
 * a file that cannot be read or parsed is reported and skipped.
 */

MdevVgpuDefinition *
mdev_vgpu_definition_new(const char *uuid, const char *card, const char *type)
{
    MdevVgpuDefinition *definition = g_new0(MdevVgpuDefinition, 1);

    definition->uuid = g_strdup(uuid);
    definition->card = g_strdup(card);
    definition->type = g_strdup(type);
    return definition;
}

void
mdev_vgpu_definition_free(MdevVgpuDefinition *definition)
{
    if (definition == NULL)
        return;
    g_free(definition->uuid);
    g_free(definition->card);
    g_free(definition->type);
    g_free(definition->address);
    g_free(definition->params);
    g_free(definition);
}

static gboolean
params_are_valid(const char *params)
{
    if (strlen(params) > MDEV_VGPU_PARAMS_MAX)
        return FALSE;
    for (const char *p = params; *p; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f)
            return FALSE;
    }
    return TRUE;
}

/**
 * mdev_vgpu_definition_check:
 * @definition: a definition
 * @error: return location for a #GError
 *
 * Returns: whether every field is one the store can hold and a reader will
 *   accept, else %FALSE with %MDEV_ERROR_INVALID_ARGUMENT naming the field
 */
gboolean
mdev_vgpu_definition_check(const MdevVgpuDefinition *definition, GError **error)
{
    guint id;

    if (!mdev_util_uuid_is_canonical(definition->uuid)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, _("invalid UUID '%s'"),
                    definition->uuid ? definition->uuid : "");
        return FALSE;
    }
    if (!mdev_nvidia_address_is_valid(definition->card)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.0"),
                    definition->card ? definition->card : "");
        return FALSE;
    }
    if (definition->type == NULL || !mdev_nvidia_type_id_from_name(definition->type, &id)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not an NVIDIA vGPU type id like nvidia-1148"),
                    definition->type ? definition->type : "");
        return FALSE;
    }
    if (definition->address && !mdev_nvidia_address_is_valid(definition->address)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.4"), definition->address);
        return FALSE;
    }
    if (definition->params && !params_are_valid(definition->params)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("vgpu_params must be one line of at most %d characters"),
                    MDEV_VGPU_PARAMS_MAX);
        return FALSE;
    }
    return TRUE;
}

static const char *
string_member(const MdevJsonNode *object, const char *name, gboolean required, GError **error)
{
    const MdevJsonNode *value = mdev_json_object_get(object, name);

    if (value == NULL) {
        if (required)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                        _("the key '%s' is missing"), name);
        return NULL;
    }
    if (mdev_json_node_get_type(value) != MDEV_JSON_STRING) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("the key '%s' is not a string"), name);
        return NULL;
    }
    return mdev_json_node_get_string(value);
}

/**
 * mdev_vgpu_definition_from_string:
 * @text: a definition file's contents
 * @uuid: its name
 * @card: its directory's name
 * @error: return location for a #GError
 *
 * Parses `{"type": "nvidia-1148", "start": "auto"|"manual", "address":
 * VF, "vgpu_params": STRING}` (address and vgpu_params optional). Unknown
 * keys are refused: a misspelt one would silently change nothing.
 *
 * Returns: (transfer full): the definition, or %NULL with
 *   %MDEV_ERROR_INVALID_CONFIG
 */
MdevVgpuDefinition *
mdev_vgpu_definition_from_string(const char *text, const char *uuid, const char *card,
                                 GError **error)
{
    static const char *const known[] = { "type", "start", "address", "vgpu_params" };
    g_autoptr(MdevJsonDoc) doc = NULL;
    g_autoptr(MdevVgpuDefinition) definition = NULL;
    g_autoptr(GError) local = NULL;
    const MdevJsonNode *root;
    const char *type, *start, *address, *params = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    doc = mdev_json_doc_parse(text, strlen(text), error);
    if (doc == NULL)
        return NULL;
    root = mdev_json_doc_get_root(doc);
    if (mdev_json_node_get_type(root) != MDEV_JSON_OBJECT) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, _("not a JSON object"));
        return NULL;
    }
    for (const MdevJsonNode *member = mdev_json_node_get_first(root); member;
         member = mdev_json_node_get_next(member)) {
        const char *name = mdev_json_node_get_key(member);
        gboolean found = FALSE;

        for (guint i = 0; i < G_N_ELEMENTS(known); i++)
            found = found || strcmp(name, known[i]) == 0;
        if (!found) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, _("unknown key '%s'"),
                        name);
            return NULL;
        }
    }
    type = string_member(root, "type", TRUE, error);
    if (type == NULL)
        return NULL;
    start = string_member(root, "start", TRUE, error);
    if (start == NULL)
        return NULL;
    if (strcmp(start, "auto") != 0 && strcmp(start, "manual") != 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("'start' is '%s', not 'auto' or 'manual'"), start);
        return NULL;
    }
    address = string_member(root, "address", FALSE, &local);
    if (local == NULL)
        params = string_member(root, "vgpu_params", FALSE, &local);
    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    definition = mdev_vgpu_definition_new(uuid, card, type);
    definition->autostart = strcmp(start, "auto") == 0;
    definition->address = g_strdup(address);
    definition->params = g_strdup(params);
    if (!mdev_vgpu_definition_check(definition, &local)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, "%s", local->message);
        return NULL;
    }
    return g_steal_pointer(&definition);
}

/**
 * mdev_vgpu_definition_to_string:
 * @definition: a definition
 *
 * Returns: (transfer full): its file's contents, keys in a fixed order,
 *   ending with a newline
 */
char *
mdev_vgpu_definition_to_string(const MdevVgpuDefinition *definition)
{
    g_autoptr(MdevJsonOut) out = mdev_json_out_new(NULL, MDEV_JSON_OUT_PRETTY);

    mdev_json_out_begin_object(out);
    mdev_json_out_add_string(out, "type", definition->type);
    mdev_json_out_add_string(out, "start", definition->autostart ? "auto" : "manual");
    if (definition->address)
        mdev_json_out_add_string(out, "address", definition->address);
    if (definition->params)
        mdev_json_out_add_string(out, "vgpu_params", definition->params);
    mdev_json_out_end_object(out);
    /* the pretty writer ends the document with the newline files have */
    return mdev_json_out_steal_text(out);
}

static void
add_problem(GPtrArray *problems, char *message)
{
    if (problems)
        g_ptr_array_add(problems, message);
    else
        g_free(message);
}

/* The definition @uuid in @dir, which may be anything: checked to be a
 * regular file once it is open. */
static MdevVgpuDefinition *
read_definition(const char *dir, const char *card, const char *uuid, GError **error)
{
    g_autofree char *path = g_build_filename(dir, uuid, NULL);
    g_autofree char *contents = NULL;
    g_autoptr(GError) local = NULL;
    MdevVgpuDefinition *definition;

    contents = mdev_file_read_definition(AT_FDCWD, path, path, MDEV_VGPU_STORE_MAX_FILE_SIZE,
                                         MDEV_FILE_READ_CHECK_REGULAR, &local);
    if (contents == NULL && g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("VF vGPU '%1$s' is not defined on card '%2$s'"), uuid, card);
        return NULL;
    }
    if (contents == NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    definition = mdev_vgpu_definition_from_string(contents, uuid, card, &local);
    if (definition == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("malformed definition '%1$s': %2$s"), path, local->message);
        return NULL;
    }
    return definition;
}

/* Sorted names in @dir; empty when it does not exist. */
static GPtrArray *
list_dir(const char *dir, GPtrArray *problems)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GDir) handle = g_dir_open(dir, 0, &local);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (handle == NULL) {
        if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            add_problem(problems, g_strdup_printf(_("cannot read directory '%1$s': %2$s"), dir,
                                                  local->message));
        return names;
    }
    while ((name = g_dir_read_name(handle)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, mdev_util_compare_strings);
    return names;
}

/* The card directories: real directories named by a PCI address. */
static GPtrArray *
list_cards(MdevContext *ctx, GPtrArray *problems)
{
    const char *top = mdev_context_get_vgpu_dir(ctx);
    g_autoptr(GPtrArray) names = list_dir(top, problems);
    GPtrArray *cards = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *dir = g_build_filename(top, name, NULL);
        GStatBuf st;

        if (name[0] == '.' || g_lstat(dir, &st) < 0)
            continue;
        if (!S_ISDIR(st.st_mode) || !mdev_nvidia_address_is_valid(name)) {
            add_problem(problems, g_strdup_printf(_("ignoring '%s': not a directory named by a "
                                                    "card's PCI address"),
                                                  dir));
            continue;
        }
        g_ptr_array_add(cards, g_strdup(name));
    }
    return cards;
}

/**
 * mdev_vgpu_store_load:
 * @ctx: a context
 * @card: (nullable): only this card's definitions
 * @uuid: (nullable): only definitions of this canonical UUID
 * @ret_problems: (nullable) (element-type utf8): receives one message per
 *   file or directory that was skipped, naming its path and the reason
 * @error: return location for a #GError
 *
 * Reads definitions; a missing store is empty, and a malformed or
 * unreadable file never fails the whole load.
 *
 * Returns: (transfer full) (element-type MdevVgpuDefinition): definitions
 *   sorted by card then UUID, or %NULL when a filter is not a valid name
 */
GPtrArray *
mdev_vgpu_store_load(MdevContext *ctx, const char *card, const char *uuid,
                     GPtrArray *ret_problems, GError **error)
{
    g_autoptr(GPtrArray) result = NULL;
    g_autoptr(GPtrArray) cards = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (card && !mdev_nvidia_address_is_valid(card)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("'%s' is not a PCI address like 0000:3d:00.0"), card);
        return NULL;
    }
    if (uuid && !mdev_util_uuid_is_canonical(uuid)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, _("invalid UUID '%s'"), uuid);
        return NULL;
    }
    result = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_vgpu_definition_free);
    if (card) {
        cards = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(cards, g_strdup(card));
    } else {
        cards = list_cards(ctx, ret_problems);
    }
    for (guint c = 0; c < cards->len; c++) {
        const char *name = g_ptr_array_index(cards, c);
        g_autofree char *dir = g_build_filename(mdev_context_get_vgpu_dir(ctx), name, NULL);
        g_autoptr(GPtrArray) files = list_dir(dir, ret_problems);

        for (guint i = 0; i < files->len; i++) {
            const char *file = g_ptr_array_index(files, i);
            g_autoptr(GError) local = NULL;
            MdevVgpuDefinition *definition;

            if (file[0] == '.' || mdev_file_is_temporary_name(file) ||
                (uuid && strcmp(file, uuid) != 0))
                continue;
            if (!mdev_util_uuid_is_canonical(file)) {
                g_autofree char *path = g_build_filename(dir, file, NULL);
                add_problem(ret_problems,
                            g_strdup_printf(_("ignoring '%s': its name is not a lowercase UUID"),
                                            path));
                continue;
            }
            definition = read_definition(dir, name, file, &local);
            if (definition == NULL) {
                /* removed meanwhile: not a problem */
                if (!g_error_matches(local, MDEV_ERROR, MDEV_ERROR_NOT_FOUND))
                    add_problem(ret_problems, g_strdup(local->message));
                continue;
            }
            g_ptr_array_add(result, definition);
        }
    }
    return g_steal_pointer(&result);
}

/**
 * mdev_vgpu_store_find_cards:
 * @ctx: a context
 * @uuid: a canonical UUID
 * @error: return location for a #GError
 *
 * Every card holding a file for @uuid, well-formed or not (so that a broken
 * definition can be undefined).
 *
 * Returns: (transfer full) (element-type utf8): card addresses, sorted
 */
GPtrArray *
mdev_vgpu_store_find_cards(MdevContext *ctx, const char *uuid, GError **error)
{
    g_autoptr(GPtrArray) cards = NULL;
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!mdev_util_uuid_is_canonical(uuid)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT, _("invalid UUID '%s'"), uuid);
        return NULL;
    }
    cards = list_cards(ctx, NULL);
    for (guint i = 0; i < cards->len; i++) {
        const char *card = g_ptr_array_index(cards, i);
        g_autofree char *path =
            g_build_filename(mdev_context_get_vgpu_dir(ctx), card, uuid, NULL);
        GStatBuf st;

        if (g_lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            g_ptr_array_add(found, g_strdup(card));
    }
    return g_steal_pointer(&found);
}

/**
 * mdev_vgpu_store_load_one:
 * @ctx: a context
 * @card: the card's PCI address
 * @uuid: a canonical UUID
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the definition, or %NULL with
 *   %MDEV_ERROR_NOT_FOUND, %MDEV_ERROR_INVALID_CONFIG or a %G_FILE_ERROR
 */
MdevVgpuDefinition *
mdev_vgpu_store_load_one(MdevContext *ctx, const char *card, const char *uuid, GError **error)
{
    g_autofree char *dir = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!mdev_util_guard_path(mdev_nvidia_address_is_valid(card), card, error) ||
        !mdev_util_guard_path(mdev_util_uuid_is_canonical(uuid), uuid, error))
        return NULL;
    dir = g_build_filename(mdev_context_get_vgpu_dir(ctx), card, NULL);
    return read_definition(dir, card, uuid, error);
}

/**
 * mdev_vgpu_store_save:
 * @ctx: a context
 * @definition: a definition
 * @error: return location for a #GError
 *
 * Writes (or replaces) the definition file atomically (temporary file,
 * fsync, rename, fsync of the directory), creating and syncing the
 * directories it needs and removing the temporary files interrupted writes
 * left. The caller holds the card's lock (mdev_lock_acquire_one()).
 *
 * Returns: %TRUE on success
 */
gboolean
mdev_vgpu_store_save(MdevContext *ctx, const MdevVgpuDefinition *definition, GError **error)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;

    g_return_val_if_fail(definition != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!mdev_vgpu_definition_check(definition, error))
        return FALSE;
    dir = g_build_filename(mdev_context_get_vgpu_dir(ctx), definition->card, NULL);
    if (!mdev_file_make_dir_durable(dir, error))
        return FALSE;
    mdev_file_remove_stale_temporaries(dir);
    path = g_build_filename(dir, definition->uuid, NULL);
    contents = mdev_vgpu_definition_to_string(definition);
    return mdev_util_write_file_atomic(path, contents, strlen(contents), 0644, error);
}

/**
 * mdev_vgpu_store_remove:
 * @ctx: a context
 * @card: the card's PCI address
 * @uuid: a canonical UUID
 * @error: return location for a #GError
 *
 * Removes the definition file (and left-over temporary files), durably.
 * The caller holds the card's lock.
 *
 * Returns: %TRUE on success, %FALSE with %MDEV_ERROR_NOT_FOUND when there
 *   was no such definition
 */
gboolean
mdev_vgpu_store_remove(MdevContext *ctx, const char *card, const char *uuid, GError **error)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!mdev_util_guard_path(mdev_nvidia_address_is_valid(card), card, error) ||
        !mdev_util_guard_path(mdev_util_uuid_is_canonical(uuid), uuid, error))
        return FALSE;
    dir = g_build_filename(mdev_context_get_vgpu_dir(ctx), card, NULL);
    path = g_build_filename(dir, uuid, NULL);
    mdev_file_remove_stale_temporaries(dir);
    if (g_unlink(path) < 0) {
        int err = errno;
        if (err == ENOENT)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        _("VF vGPU '%1$s' is not defined on card '%2$s'"), uuid, card);
        else
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        _("cannot remove definition '%1$s': %2$s"), path, g_strerror(err));
        return FALSE;
    }
    return mdev_file_sync_dir(dir, error);
}
