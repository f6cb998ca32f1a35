/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-util.h"

#include "mdev-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/**
 * mdev_util_name_is_valid:
 * @name: (nullable): a parent, type or attribute name
 *
 * Names end up as path components below /sys or the definition store, so a
 * name must be one harmless component: not empty, not "." or "..", without
 * "/" and without control characters.
 *
 * Returns: %TRUE when @name is safe to use as a path component
 */
gboolean
mdev_util_name_is_valid(const char *name)
{
    if (name == NULL || *name == '\0')
        return FALSE;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return FALSE;
    for (const char *p = name; *p; p++) {
        if (*p == '/' || (unsigned char) *p < 0x20 || *p == 0x7f)
            return FALSE;
    }
    return strlen(name) <= 255;
}

/* Files of every sysfs device that act rather than hold a value: writing
 * `remove` destroys the mdev, writing `uevent` fakes a uevent. Neither is
 * an attribute a definition may set. */
static const char *const reserved_attr_components[] = { "remove", "uevent", NULL };

/**
 * mdev_util_attr_name_is_valid:
 * @name: (nullable): an attribute name
 *
 * An attribute is a file below the mdev's sysfs directory, possibly in a
 * vendor subdirectory (`nvidia/vgpu_params`): a relative path whose every
 * component is a valid name (mdev_util_name_is_valid()) other than `remove`
 * and `uevent`.
 *
 * Returns: %TRUE when @name may be written as an attribute
 */
gboolean
mdev_util_attr_name_is_valid(const char *name)
{
    g_auto(GStrv) parts = NULL;

    if (name == NULL || *name == '\0' || strlen(name) > 4095)
        return FALSE;
    parts = g_strsplit(name, "/", -1);
    for (guint i = 0; parts[i]; i++) {
        if (!mdev_util_name_is_valid(parts[i]) ||
            g_strv_contains(reserved_attr_components, parts[i]))
            return FALSE;
    }
    return TRUE;
}

static const char *
reserved_component(const char *name)
{
    g_auto(GStrv) parts = g_strsplit(name, "/", -1);

    for (guint i = 0; parts[i]; i++) {
        for (guint r = 0; reserved_attr_components[r]; r++) {
            if (strcmp(parts[i], reserved_attr_components[r]) == 0)
                return reserved_attr_components[r];
        }
    }
    return NULL;
}

/* The store keeps mdevctl's callout scripts beside the parents'
 * directories, so no parent may take this name. */
#define RESERVED_PARENT "scripts.d"

/**
 * mdev_util_check_name:
 * @what: what the name names, for the message ("parent", "type", "attribute")
 * @name: (nullable): the name
 * @error: return location for a #GError
 *
 * Parents and types are one path component (mdev_util_name_is_valid()),
 * and no parent is named "scripts.d", the store's callout directory; an
 * attribute, @what being "attribute", is a relative path
 * (mdev_util_attr_name_is_valid()). This is the check, with the message a
 * user reads, that names get where they enter the library.
 *
 * Returns: %TRUE when valid, else %FALSE with %MDEV_ERROR_INVALID_ARGUMENT
 */
gboolean
mdev_util_check_name(const char *what, const char *name, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (g_strcmp0(what, "attribute") == 0) {
        const char *reserved;

        if (mdev_util_attr_name_is_valid(name))
            return TRUE;
        reserved = name ? reserved_component(name) : NULL;
        if (reserved)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("invalid attribute name '%1$s': '%2$s' is a control file of the "
                          "device, not an attribute"),
                        name, reserved);
        else
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                        _("invalid attribute name '%s': it must be a relative path whose "
                          "components are not empty, '.' or '..'"),
                        name ? name : "");
        return FALSE;
    }
    if (g_strcmp0(what, "parent") == 0 && g_strcmp0(name, RESERVED_PARENT) == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("invalid parent name '%s': the name is reserved for callout scripts"),
                    name);
        return FALSE;
    }
    if (mdev_util_name_is_valid(name))
        return TRUE;
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                /* TRANSLATORS: %1$s is "parent" or "type" */
                _("invalid %1$s name '%2$s': it must be one path component, not "
                  "empty, '.', '..' or containing '/'"),
                what, name ? name : "");
    return FALSE;
}

/**
 * mdev_util_check_uuid:
 * @uuid: (nullable): a UUID
 * @error: return location for a #GError
 *
 * The check, with the message a user reads, of a UUID that enters the
 * library already canonical.
 *
 * Returns: %TRUE when @uuid is canonical, else %FALSE with
 *   %MDEV_ERROR_INVALID_ARGUMENT
 */
gboolean
mdev_util_check_uuid(const char *uuid, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (mdev_util_uuid_is_canonical(uuid))
        return TRUE;
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                _("invalid UUID '%s': expected the lowercase form "
                  "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
                uuid ? uuid : "");
    return FALSE;
}

/**
 * mdev_util_guard_path:
 * @checked: whether the names about to become a path pass the check their
 *   entry point made (mdev_util_name_is_valid() and the like)
 * @name: (nullable): the name that fails, for the message
 * @error: return location for a #GError
 *
 * The last line of defence of the modules that build paths from names
 * (store, lock, sysfs): the names were checked, with a message for the
 * user, where they entered the library; one that fails here never was,
 * which is a bug of the caller, so there is one terse message for all.
 *
 * Returns: @checked; when %FALSE, with %MDEV_ERROR_FAILED
 */
gboolean
mdev_util_guard_path(gboolean checked, const char *name, GError **error)
{
    if (G_LIKELY(checked))
        return TRUE;
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED,
                _("internal error: the unchecked name '%s' was not made into a path"),
                name ? name : "");
    return FALSE;
}

/**
 * mdev_util_int_text:
 * @value: a number
 * @buf: room for its text, written at the end
 *
 * The decimal text of @value, for the listings that print a number per
 * device or type: printf's generality cost more than the rest of such an
 * item (about 650 instructions with the C library's, twice that with
 * GLib's).
 *
 * Returns: the text, inside @buf
 */
const char *
mdev_util_int_text(gint64 value, char buf[MDEV_UTIL_INT_TEXT_SIZE])
{
    char *p = buf + MDEV_UTIL_INT_TEXT_SIZE - 1;
    guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

    *p = '\0';
    do {
        *--p = (char) ('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0)
        *--p = '-';
    return p;
}

/**
 * mdev_util_compare_strings:
 * @a: a pointer to a string
 * @b: a pointer to a string
 *
 * The comparison g_ptr_array_sort() needs for an array of strings.
 *
 * Returns: as strcmp() on the two strings
 */
int
mdev_util_compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static gboolean
uuid_shape_ok(const char *text)
{
    static const int dashes[] = { 8, 13, 18, 23 };
    gsize n = 0;

    if (strlen(text) != MDEV_UUID_STRING_LEN)
        return FALSE;
    for (int i = 0; i < MDEV_UUID_STRING_LEN; i++) {
        if (n < G_N_ELEMENTS(dashes) && i == dashes[n]) {
            if (text[i] != '-')
                return FALSE;
            n++;
        } else if (!g_ascii_isxdigit(text[i])) {
            return FALSE;
        }
    }
    return TRUE;
}

/**
 * mdev_util_uuid_canonicalize:
 * @text: a UUID in hyphenated form, any case
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the lowercase hyphenated UUID, or %NULL with
 *   %MDEV_ERROR_INVALID_ARGUMENT
 */
char *
mdev_util_uuid_canonicalize(const char *text, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (text == NULL || !uuid_shape_ok(text)) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("invalid UUID '%s': expected the form "
                      "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
                    text ? text : "");
        return NULL;
    }
    return g_ascii_strdown(text, -1);
}

/**
 * mdev_util_uuid_is_canonical:
 * @text: (nullable): a string
 *
 * Returns: %TRUE when @text is a lowercase hyphenated UUID, the form the
 *   kernel names mdevs with
 */
gboolean
mdev_util_uuid_is_canonical(const char *text)
{
    if (text == NULL || !uuid_shape_ok(text))
        return FALSE;
    for (const char *p = text; *p; p++) {
        if (g_ascii_isupper(*p))
            return FALSE;
    }
    return TRUE;
}

/**
 * mdev_util_uuid_generate:
 *
 * Returns: (transfer full): a new random (version 4) UUID, lowercase
 */
char *
mdev_util_uuid_generate(void)
{
    return g_uuid_string_random();
}

static gboolean
write_all(int fd, const char *contents, gsize length)
{
    while (length > 0) {
        ssize_t n = write(fd, contents, length);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return FALSE;
        }
        contents += n;
        length -= n;
    }
    return TRUE;
}

static gboolean
fsync_dir_of(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return FALSE;
    rc = fsync(fd);
    close(fd);
    return rc == 0;
}

/**
 * mdev_util_write_file_atomic:
 * @path: destination
 * @contents: the bytes to write
 * @length: their number
 * @mode: file mode of the new file
 * @error: return location for a #GError
 *
 * Writes a temporary file beside @path, fsyncs it, renames it over @path and
 * fsyncs the directory, so a crash at any moment leaves either the old or the
 * new file, never a truncated one.
 *
 * Returns: %TRUE on success, else %FALSE with a %G_FILE_ERROR
 */
gboolean
mdev_util_write_file_atomic(const char *path, const char *contents, gsize length,
                            int mode, GError **error)
{
    g_autofree char *tmp = NULL;
    int fd;
    int err;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    tmp = g_strdup_printf("%s.XXXXXX", path);
    fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0) {
        err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot create a temporary file for '%1$s': %2$s"), path,
                    g_strerror(err));
        return FALSE;
    }
    if (!write_all(fd, contents, length) || fchmod(fd, mode) < 0 || fsync(fd) < 0) {
        err = errno;
        close(fd);
        unlink(tmp);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot write '%1$s': %2$s"), path, g_strerror(err));
        return FALSE;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        err = errno;
        unlink(tmp);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot write '%1$s': %2$s"), path, g_strerror(err));
        return FALSE;
    }
    if (!fsync_dir_of(path)) {
        err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot sync the directory of '%1$s': %2$s"), path,
                    g_strerror(err));
        return FALSE;
    }
    return TRUE;
}
