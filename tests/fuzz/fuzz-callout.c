/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the library reads from a callout script's stdout: the attribute list
 * of "get attributes" (mdevctl define of a running device stores it) and the
 * "supports" document of the capabilities query. Scripts come from vendors
 * and are not trusted to print sensible JSON. */
#include "fuzz.h"

#include "mdev-callout-private.h"
#include "mdev-callout.h"
#include "mdev-json.h"
#include "mdev-model.h"

#define PARENT "0000:00:02.0"
#define UUID "11111111-1111-4111-8111-111111111111"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

/* The attributes a script reports end up in a definition on disk: they must
 * read back as they were. */
static void
check_attrs_storable(GPtrArray *attrs)
{
    g_autoptr(MdevDevice) definition = mdev_device_new(UUID, PARENT);
    g_autoptr(MdevDevice) back = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *saved = NULL;
    g_autofree char *again = NULL;

    definition->type = g_strdup("i915-GVTg_V5_4");
    g_ptr_array_unref(definition->attrs);
    definition->attrs = g_ptr_array_ref(attrs);
    saved = mdev_json_definition_to_string(definition);
    back = mdev_json_definition_from_string(saved, PARENT, UUID, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(back->attrs->len, ==, attrs->len);
    again = mdev_json_definition_to_string(back);
    g_assert_cmpstr(again, ==, saved);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *) data, size);
    g_autoptr(GPtrArray) attrs = NULL;
    g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    guint actions = 0;
    guint events = 0;

    attrs = mdev_json_attrs_from_string(text, &error);
    g_assert_true((attrs == NULL) != (error == NULL));
    if (attrs)
        check_attrs_storable(attrs);

    if (mdev_callout_parse_supports(text, &actions, &events, unknown)) {
        /* only the names it knows become bits */
        g_assert_cmpuint(actions >> MDEV_CALLOUT_ACTION_LAST, ==, 0);
        g_assert_cmpuint(events >> MDEV_CALLOUT_EVENT_LAST, ==, 0);
    } else {
        g_assert_cmpuint(actions, ==, 0);
        g_assert_cmpuint(events, ==, 0);
        g_assert_cmpuint(unknown->len, ==, 0);
    }
    return 0;
}
