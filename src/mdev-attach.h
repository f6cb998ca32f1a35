/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-model.h"
#include "mdev-virt.h"
#include "mdev-xml-host.h"

G_BEGIN_DECLS

/**
 * MdevAttachRequest:
 * @uuid: (nullable): an active or defined mdev to give to the domain
 * @type: (nullable): the type of a new mdev, an id or a name (when @uuid
 *   is %NULL)
 * @parent: (nullable): the new mdev's parent; %NULL: chosen as create does
 * @attrs: (nullable) (element-type MdevAttr): the new mdev's attributes
 * @model: (nullable): the hostdev's model; %NULL: the type's device API
 * @display: the hostdev's `display`
 * @ramfb: the hostdev's `ramfb`
 * @scope: the persistent definition, the running domain, or both
 *
 * What mdev_attach_add() gives to a domain.
 */
typedef struct {
    const char *uuid;
    const char *type;
    const char *parent;
    GPtrArray *attrs;
    const char *model;
    MdevXmlSwitch display;
    MdevXmlSwitch ramfb;
    MdevVirtScope scope;
} MdevAttachRequest;

GHashTable *mdev_attach_dup_claims(MdevVirtConnection *connection, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
MdevDevice *mdev_attach_add(MdevContext *ctx, MdevVirtConnection *connection,
                            const char *domain_name, const MdevAttachRequest *request,
                            char **ret_domain, GPtrArray *ret_messages, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_attach_remove(MdevContext *ctx, MdevVirtConnection *connection,
                            const char *domain_name, const char *uuid, MdevVirtScope scope,
                            gboolean keep, GPtrArray *ret_messages, GError **error);

G_END_DECLS
