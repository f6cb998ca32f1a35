/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"
#include "mdev-domain.h"

G_BEGIN_DECLS

/**
 * MdevHookEntry:
 * @uuid: (nullable): the mdev the hook made, or %NULL for a VF vGPU
 * @address: (nullable): the VF the hook gave a vGPU, or %NULL for an mdev
 * @parent: (nullable): where it runs (parent or card)
 * @type: (nullable): its type id
 * @action: `started` (a definition was started) or `created` (made from
 *   the domain's metadata)
 *
 * One device a domain's hook made at `prepare begin`, which its
 * `release end` removes again.
 */
typedef struct {
    char *uuid;
    char *address;
    char *parent;
    char *type;
    char *action;
} MdevHookEntry;

/**
 * MdevHookRecord:
 * @domain: the domain's name
 * @uuid: the domain's UUID, canonical (the record's file name)
 * @entries: (element-type MdevHookEntry): what the hook made for it
 *
 * A hook record, `<state_dir>/domains/<uuid>.json`.
 */
typedef struct {
    char *domain;
    char *uuid;
    GPtrArray *entries;
} MdevHookRecord;

void mdev_hook_entry_free(MdevHookEntry *entry);
void mdev_hook_record_free(MdevHookRecord *record);

char *mdev_hook_dup_dir(MdevContext *ctx) G_GNUC_WARN_UNUSED_RESULT;
MdevHookRecord *mdev_hook_record_load(MdevContext *ctx, const char *domain_uuid, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_hook_record_load_all(MdevContext *ctx) G_GNUC_WARN_UNUSED_RESULT;
const char *mdev_hook_records_find_domain(const GPtrArray *records, const char *uuid,
                                          const char *address);

gboolean mdev_hook_prepare(MdevContext *ctx, const MdevDomain *domain, GPtrArray *ret_messages,
                           GError **error);
gboolean mdev_hook_release(MdevContext *ctx, const char *domain_uuid, GPtrArray *ret_messages,
                           GError **error);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevHookEntry, mdev_hook_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevHookRecord, mdev_hook_record_free)
