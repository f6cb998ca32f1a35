/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The definition parser: stored definitions and mdevctl's --jsonfile. Every
 * definition it accepts must be written back and read again unchanged,
 * because that is what define and modify do with it. */
#include "fuzz.h"

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

static void
check_round_trip(const char *saved, const char *expected)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) back = NULL;
    g_autofree char *again = NULL;

    back = mdev_json_definition_from_string(saved, PARENT, UUID, &error);
    g_assert_no_error(error);
    g_assert_nonnull(back);
    again = mdev_json_definition_to_string(back);
    g_assert_cmpstr(again, ==, expected);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *) data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) definition = NULL;
    g_autofree char *pretty = NULL;
    g_autofree char *compact = NULL;

    definition = mdev_json_definition_from_string(text, PARENT, UUID, &error);
    g_assert_true((definition == NULL) != (error == NULL));
    if (definition == NULL)
        return 0;

    pretty = mdev_json_definition_to_string(definition);
    compact = mdev_json_definition_to_compact(definition);
    check_round_trip(pretty, pretty);
    check_round_trip(compact, pretty);
    return 0;
}
