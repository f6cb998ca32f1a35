/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where a request lands when its caller leaves things open: the type id a
 * type's id or name stands for, and the parent chosen for it by policy. */
#include "mdev-placement.h"

#include "mdev-error.h"
#include "mdev-util.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static const char *const placement_names[MDEV_PLACEMENT_LAST] = {
    [MDEV_PLACEMENT_PACK] = "pack",
    [MDEV_PLACEMENT_SPREAD] = "spread",
};

const char *
mdev_placement_to_string(MdevPlacement placement)
{
    g_return_val_if_fail(placement < MDEV_PLACEMENT_LAST, NULL);
    return placement_names[placement];
}

gboolean
mdev_placement_from_string(const char *text, MdevPlacement *ret_placement, GError **error)
{
    for (guint i = 0; i < MDEV_PLACEMENT_LAST; i++) {
        if (g_strcmp0(text, placement_names[i]) == 0) {
            *ret_placement = i;
            return TRUE;
        }
    }
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                _("unknown placement policy '%s': use 'pack' or 'spread'"), text ? text : "");
    return FALSE;
}

static void
append_type_list(GString *out, const MdevParent *parent)
{
    for (guint i = 0; i < parent->types->len; i++) {
        const MdevType *type = g_ptr_array_index(parent->types, i);

        g_string_append_printf(out, "%s%s", i ? ", " : "", type->id);
        if (type->name)
            g_string_append_printf(out, " (%s)", type->name);
    }
}

static void
free_gstring(gpointer data)
{
    g_string_free(data, TRUE);
}

/**
 * mdev_placement_resolve_type:
 * @inv: an inventory with parents and types
 * @parent: (nullable): only look at this parent's types
 * @type: a type id (`nvidia-558`) or a type's name (`NVIDIA A40-4Q`)
 * @error: return location for a #GError
 *
 * An id always wins over a name. A name that belongs to several different
 * type ids is ambiguous: the error lists the candidates, nothing is guessed.
 *
 * Returns: (transfer full): the type id, or %NULL with %MDEV_ERROR_NOT_FOUND
 *   or %MDEV_ERROR_AMBIGUOUS
 */
char *
mdev_placement_resolve_type(MdevInventory *inv, const char *parent, const char *type,
                            GError **error)
{
    g_autoptr(GHashTable) by_name =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_gstring);
    g_autoptr(GPtrArray) ids = g_ptr_array_new();
    gboolean any_parent = FALSE;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (type == NULL || *type == '\0') {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                            _("no mdev type given"));
        return NULL;
    }
    for (guint i = 0; i < inv->parents->len; i++) {
        MdevParent *p = g_ptr_array_index(inv->parents, i);

        if ((parent && strcmp(p->name, parent) != 0) || !p->registered)
            continue;
        any_parent = TRUE;
        if (mdev_util_name_is_valid(type) && mdev_parent_get_type(p, type))
            return g_strdup(type);
        for (guint t = 0; t < p->types->len; t++) {
            MdevType *candidate = g_ptr_array_index(p->types, t);
            GString *where;

            if (g_strcmp0(candidate->name, type) != 0)
                continue;
            where = g_hash_table_lookup(by_name, candidate->id);
            if (where == NULL) {
                where = g_string_new(NULL);
                g_hash_table_insert(by_name, candidate->id, where);
                g_ptr_array_add(ids, candidate->id);
            }
            g_string_append_printf(where, "%s%s", where->len ? ", " : "", p->name);
        }
    }
    if (ids->len == 1)
        return g_strdup(g_ptr_array_index(ids, 0));
    if (ids->len > 1) {
        GString *list = g_string_new(NULL);
        g_autofree char *text = NULL;

        for (guint i = 0; i < ids->len; i++) {
            const char *id = g_ptr_array_index(ids, i);
            GString *where = g_hash_table_lookup(by_name, id);

            /* TRANSLATORS: one candidate: "nvidia-558 on 0000:41:00.4" */
            g_string_append_printf(list, _("%s'%s' on %s"), i ? "; " : "", id, where->str);
        }
        text = g_string_free(list, FALSE);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_AMBIGUOUS,
                    _("the type name '%1$s' is ambiguous: it names %2$s; give the type id "
                      "or a parent"),
                    type, text);
        return NULL;
    }
    /* matched nothing: a string that cannot be an id is reported as such */
    if (!mdev_util_check_name("type", type, error))
        return NULL;
    if (parent && any_parent) {
        GString *list = g_string_new(NULL);
        g_autofree char *text = NULL;

        append_type_list(list, mdev_inventory_get_parent(inv, parent));
        text = g_string_free(list, FALSE);
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("parent '%1$s' has no mdev type with the id or name '%2$s'; its types "
                      "are: %3$s"),
                    parent, type, *text ? text : _("none"));
        return NULL;
    }
    g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                _("no parent offers an mdev type with the id or name '%s'"), type);
    return NULL;
}

static const char *
group_of(const MdevParent *parent)
{
    /* SR-IOV: the VFs of one GPU share its capacity and its load */
    return parent->physfn ? parent->physfn : parent->name;
}

typedef struct {
    const char *key;
    guint load;
    gint64 free;
} Group;

/**
 * mdev_placement_choose:
 * @inv: an inventory with parents, their types and the active mdevs
 * @type_id: a type id
 * @placement: the policy
 * @allowed: (nullable) (element-type utf8 utf8): only consider the parents
 *   named in this set (the ones the caller has locked); %NULL for all
 * @error: return location for a #GError
 *
 * Chooses a registered parent with a free instance of @type_id. Parents are
 * grouped by physical function (an SR-IOV VF counts towards its PF; any
 * other parent is a group of its own); a group's load is its number of
 * active mdevs. Pack picks the most loaded group that has room, spread the
 * least loaded; ties go to the group with fewer (pack) or more (spread)
 * free instances, then to the first parent by name.
 *
 * Returns: (transfer none): the chosen parent, or %NULL with
 *   %MDEV_ERROR_NO_CAPACITY or %MDEV_ERROR_NOT_FOUND
 */
MdevParent *
mdev_placement_choose(MdevInventory *inv, const char *type_id, MdevPlacement placement,
                      GHashTable *allowed, GError **error)
{
    g_autoptr(GHashTable) groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_autoptr(GHashTable) parent_group = g_hash_table_new(g_str_hash, g_str_equal);
    MdevParent *best = NULL;
    Group *best_group = NULL;
    guint offering = 0;

    for (guint i = 0; i < inv->parents->len; i++) {
        MdevParent *p = g_ptr_array_index(inv->parents, i);
        MdevType *type;
        Group *g;

        g_hash_table_insert(parent_group, p->name, (gpointer) group_of(p));
        if (!p->registered || (allowed && !g_hash_table_contains(allowed, p->name)))
            continue;
        type = mdev_parent_get_type(p, type_id);
        if (type == NULL)
            continue;
        offering++;
        g = g_hash_table_lookup(groups, group_of(p));
        if (g == NULL) {
            g = g_new0(Group, 1);
            g->key = group_of(p);
            g_hash_table_insert(groups, (gpointer) g->key, g);
        }
        if (type->available_instances > 0)
            g->free += type->available_instances;
    }
    for (guint i = 0; i < inv->devices->len; i++) {
        MdevDevice *d = g_ptr_array_index(inv->devices, i);
        const char *key = g_hash_table_lookup(parent_group, d->parent);
        Group *g = g_hash_table_lookup(groups, key ? key : d->parent);

        if (g && d->active)
            g->load++;
    }

    for (guint i = 0; i < inv->parents->len; i++) {
        MdevParent *p = g_ptr_array_index(inv->parents, i);
        MdevType *type;
        Group *g;
        gboolean better;

        if (!p->registered || (allowed && !g_hash_table_contains(allowed, p->name)))
            continue;
        type = mdev_parent_get_type(p, type_id);
        if (type == NULL || type->available_instances <= 0)
            continue;
        g = g_hash_table_lookup(groups, group_of(p));
        if (best == NULL) {
            better = TRUE;
        } else if (g != best_group) {
            if (placement == MDEV_PLACEMENT_PACK)
                better = g->load > best_group->load ||
                         (g->load == best_group->load && g->free < best_group->free);
            else
                better = g->load < best_group->load ||
                         (g->load == best_group->load && g->free > best_group->free);
        } else {
            gint64 mine = type->available_instances;
            gint64 theirs = mdev_parent_get_type(best, type_id)->available_instances;

            better = placement == MDEV_PLACEMENT_PACK ? mine < theirs : mine > theirs;
        }
        /* parents come sorted by name: ties keep the first */
        if (better) {
            best = p;
            best_group = g;
        }
    }
    if (best)
        return best;
    if (offering > 0)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NO_CAPACITY,
                    g_dngettext(GETTEXT_PACKAGE,
                                "no free instance of mdev type '%2$s': the %1$u parent "
                                "offering it is full",
                                "no free instance of mdev type '%2$s': all %1$u parents "
                                "offering it are full",
                                offering),
                    offering, type_id);
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("no parent offers the mdev type '%s'"), type_id);
    return NULL;
}
