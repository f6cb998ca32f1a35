/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevctl start: a defined device by UUID, or a transient one from parent and
 * type or a JSON file. The checks mdevctl makes before writing to sysfs are
 * made here, in its order and with its messages, to choose the message; the
 * start itself (lock, callouts, the create write, attributes, cleanup) is
 * mdev_ops_start() for a definition, which reads it again under the lock,
 * and mdev_ops_create() for a transient device. */
#include "mdevctl.h"

#include "mdev-discovery.h"
#include "mdev-error.h"
#include "mdev-json.h"
#include "mdev-ops.h"
#include "mdev-store.h"
#include "mdev-util.h"

#include <stdio.h>
#include <string.h>

/* Works out what to start from the options and the stored definitions. */
static MdevDevice *
device_to_start(MdevContext *ctx, const MdevctlArgs *args, gboolean *ret_defined, GError **error)
{
    g_autoptr(MdevDevice) device = NULL;
    g_autofree char *uuid = args->uuid ? g_strdup(args->uuid) : mdev_util_uuid_generate();
    const char *type = args->type;

    if (args->jsonfile) {
        g_autofree char *text = NULL;

        if (args->parent == NULL) {
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                                "Parent device required to start device via json file");
            return NULL;
        }
        text = mdevctl_read_jsonfile(args->jsonfile, "jsonfile", error);
        if (text == NULL)
            return NULL;
        return mdev_json_definition_from_string(text, args->parent, uuid, error);
    }

    if (args->uuid) {
        g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) defs = NULL;

        if (args->parent && !mdev_util_check_name("parent", args->parent, NULL))
            defs = g_ptr_array_new_with_free_func((GDestroyNotify) mdev_device_free);
        else
            defs = mdev_store_load(ctx, args->parent, args->uuid, problems, error);
        if (defs == NULL)
            return NULL;
        for (guint i = 0; i < problems->len; i++)
            mdevctl_warn("%s", (const char *) g_ptr_array_index(problems, i));
        if (defs->len > 1) {
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                        "Multiple definitions found for device %s. Please specify a parent.",
                        args->uuid);
            return NULL;
        }
        if (defs->len == 1) {
            const MdevDevice *def = g_ptr_array_index(defs, 0);

            if (type && strcmp(type, def->type) != 0) {
                g_set_error(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                            "Device %s already exists on parent %s with type %s", def->uuid,
                            def->parent, def->type);
                return NULL;
            }
            *ret_defined = TRUE;
            return g_ptr_array_steal_index(defs, 0);
        }
    }
    if (type && args->parent == NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                            "can't provide type without parent");
        return NULL;
    }
    if (type == NULL || args->parent == NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                            "Device is insufficiently specified");
        return NULL;
    }
    device = mdev_device_new(uuid, args->parent);
    device->type = g_strdup(type);
    return g_steal_pointer(&device);
}

/* mdevctl's checks before it writes "create", with its messages. */
static gboolean
check_startable(MdevContext *ctx, const MdevDevice *device, GError **error)
{
    g_autoptr(MdevInventory) inv = NULL;
    const MdevDevice *running;
    const MdevParent *parent;
    const MdevType *type;

    inv = mdev_discovery_scan(ctx, MDEV_DISCOVERY_PARENTS | MDEV_DISCOVERY_DEVICES, NULL, error);
    if (inv == NULL)
        return FALSE;
    running = mdev_inventory_get_device(inv, device->uuid, NULL);
    if (running && running->active) {
        if (strcmp(running->parent, device->parent) != 0)
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                                "Device exists under different parent");
        else if (g_strcmp0(running->type, device->type) != 0)
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_EXISTS,
                                "Device exists with different type");
        else
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_EXISTS, "Device already exists");
        return FALSE;
    }
    parent = mdev_inventory_get_parent(inv, device->parent);
    if (parent == NULL) {
        g_autofree char *similar = mdev_discovery_find_similar_parent(ctx, device->parent);

        if (similar)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        "Unable to find parent device '%s'. Did you mean '%s'?", device->parent,
                        similar);
        else
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                        "Unable to find parent device '%s'", device->parent);
        return FALSE;
    }
    if (!parent->registered) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    "Parent %s is not currently registered for mdev support", parent->name);
        return FALSE;
    }
    type = mdev_parent_get_type(parent, device->type);
    if (type == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    "Parent %s does not support mdev type %s", parent->name, device->type);
        return FALSE;
    }
    if (type->available_instances == 0) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY, "No available instances of %s on %s",
                    device->type, parent->name);
        return FALSE;
    }
    return TRUE;
}

/* The library's messages say more than mdevctl's; the first line keeps
 * mdevctl's wording for what libvirt and scripts match, the library's
 * explanation follows as the cause. */
static const MdevAttr *
failed_attribute(const MdevDevice *device, const GError *error)
{
    /* the library names the attribute it could not write, quoted */
    for (guint i = 0; i < device->attrs->len; i++) {
        const MdevAttr *attr = g_ptr_array_index(device->attrs, i);
        g_autofree char *quoted = g_strdup_printf("attribute '%s'", attr->name);

        if (strstr(error->message, quoted))
            return attr;
    }
    return NULL;
}

static int
fail_create(const MdevDevice *device, const GError *error)
{
    const MdevAttr *attr;

    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_CALLOUT))
        return mdevctl_fail_error(error);
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY))
        return mdevctl_fail(error->message, "No available instances of %s on %s", device->type,
                            device->parent);
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_EXISTS))
        return mdevctl_fail(error->message, "Device already exists");
    attr = failed_attribute(device, error);
    if (attr && g_error_matches(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT))
        return mdevctl_fail(error->message, "Invalid attribute '%s'", attr->name);
    if (attr)
        return mdevctl_fail(error->message, "Failed to write %s to attribute %s", attr->value,
                            attr->name);
    if (g_error_matches(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT))
        return mdevctl_fail_error(error);
    return mdevctl_fail(error->message, "Failed to create mdev %s, type %s on %s", device->uuid,
                        device->type, device->parent);
}

int
mdevctl_cmd_start(MdevContext *ctx, const MdevctlArgs *args)
{
    g_autoptr(MdevDevice) device = NULL;
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    gboolean defined = FALSE;

    device = device_to_start(ctx, args, &defined, &error);
    if (device == NULL || !check_startable(ctx, device, &error))
        return mdevctl_fail_error(error);

    if (defined && mdev_ops_start(ctx, device->uuid, device->parent, messages, &error))
        uuid = g_strdup(device->uuid);
    else if (!defined)
        uuid = mdev_ops_create(ctx, device->parent, device->type, device->uuid, device->attrs,
                               MDEV_PLACEMENT_PACK, NULL, messages, &error);
    mdevctl_print_messages(messages);
    if (uuid == NULL)
        return fail_create(device, error);
    if (args->uuid == NULL)
        printf("%s\n", uuid);
    return fflush(stdout) == 0 ? MDEVCTL_EXIT_OK : MDEVCTL_EXIT_FAILURE;
}
