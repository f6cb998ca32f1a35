/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-json-out.h"
#include "mdev-vgpu-store.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

/* Every document is built twice, as a json-glib tree printed by its
 * generator (what the listings printed before) and through the streaming
 * writer; the bytes must be the same. Each test runs in the pretty layout
 * to a stream and in the compact one to memory. */
static gboolean compact;

typedef struct {
    JsonBuilder *builder;
    MdevJsonOut *out;
    FILE *stream;
    char *text;
    size_t length;
} Both;

static void
both_init(Both *both)
{
    both->builder = json_builder_new();
    both->text = NULL;
    both->stream = NULL;
    if (!compact) {
        both->stream = open_memstream(&both->text, &both->length);
        g_assert_nonnull(both->stream);
    }
    both->out = mdev_json_out_new(both->stream,
                                  compact ? MDEV_JSON_OUT_COMPACT : MDEV_JSON_OUT_PRETTY);
}

static void
both_check(Both *both)
{
    g_autoptr(JsonNode) root = json_builder_get_root(both->builder);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *text = NULL;
    g_autofree char *expected = NULL;

    json_generator_set_pretty(gen, !compact);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, NULL);
    expected = g_strconcat(text, compact ? "" : "\n", NULL);
    if (compact) {
        both->text = mdev_json_out_steal_text(both->out);
        mdev_json_out_free(both->out);
    } else {
        mdev_json_out_free(both->out);
        fclose(both->stream);
    }
    g_assert_cmpstr(both->text, ==, expected);
    free(both->text);
    g_object_unref(both->builder);
}

static void
begin(Both *both, gboolean object)
{
    if (object) {
        json_builder_begin_object(both->builder);
        mdev_json_out_begin_object(both->out);
    } else {
        json_builder_begin_array(both->builder);
        mdev_json_out_begin_array(both->out);
    }
}

static void
end(Both *both, gboolean object)
{
    if (object) {
        json_builder_end_object(both->builder);
        mdev_json_out_end_object(both->out);
    } else {
        json_builder_end_array(both->builder);
        mdev_json_out_end_array(both->out);
    }
}

static void
member(Both *both, const char *key)
{
    json_builder_set_member_name(both->builder, key);
    mdev_json_out_member(both->out, key);
}

static void
string(Both *both, const char *value)
{
    json_builder_add_string_value(both->builder, value);
    mdev_json_out_string(both->out, value);
}

/* Every byte but NUL, in keys and values, alone and between others. */
static void
test_every_byte(void)
{
    Both both;

    both_init(&both);
    begin(&both, TRUE);
    for (int c = 1; c < 256; c++) {
        char alone[2] = { (char) c, '\0' };
        char between[4] = { 'a', (char) c, 'z', '\0' };

        member(&both, between);
        string(&both, alone);
        member(&both, alone);
        string(&both, between);
    }
    member(&both, "utf-8");
    string(&both, "\303\244\342\202\254\360\237\230\200");
    member(&both, "invalid utf-8");
    string(&both, "\303\303\200\377");
    member(&both, "empty");
    string(&both, "");
    end(&both, TRUE);
    both_check(&both);
}

static void
test_scalars(void)
{
    const gint64 ints[] = { 0, 1, -1, 42, G_MAXINT64, G_MININT64 };
    Both both;

    both_init(&both);
    begin(&both, FALSE);
    for (guint i = 0; i < G_N_ELEMENTS(ints); i++) {
        json_builder_add_int_value(both.builder, ints[i]);
        mdev_json_out_int(both.out, ints[i]);
    }
    json_builder_add_boolean_value(both.builder, TRUE);
    mdev_json_out_bool(both.out, TRUE);
    json_builder_add_boolean_value(both.builder, FALSE);
    mdev_json_out_bool(both.out, FALSE);
    json_builder_add_null_value(both.builder);
    mdev_json_out_null(both.out);
    /* a NULL string is null */
    json_builder_add_null_value(both.builder);
    mdev_json_out_string(both.out, NULL);
    end(&both, FALSE);
    both_check(&both);
}

/* Empty and nested containers at every depth up to five, in arrays and
 * as members: the generator's indentation differs between them. */
static void
nest(Both *both, guint depth, gboolean object)
{
    begin(both, object);
    if (depth > 0) {
        for (int kind = 0; kind < 4; kind++) {
            static const char *const keys[] = { "empty object", "empty array", "object", "array" };

            if (object)
                member(both, keys[kind]);
            if (kind < 2) {
                begin(both, kind % 2 == 0);
                end(both, kind % 2 == 0);
            } else {
                nest(both, depth - 1, kind % 2 == 0);
            }
        }
        if (object)
            member(both, "last");
        string(both, "x");
    }
    end(both, object);
}

static void
test_nesting(void)
{
    for (guint depth = 0; depth <= 5; depth++) {
        for (int object = 0; object < 2; object++) {
            Both both;

            both_init(&both);
            nest(&both, depth, object);
            both_check(&both);
        }
    }
}

/* The shape of the listings: records with null members and attributes. */
static void
test_listing(void)
{
    Both both;

    both_init(&both);
    begin(&both, FALSE);
    for (guint i = 0; i < 3; i++) {
        begin(&both, TRUE);
        member(&both, "uuid");
        string(&both, "5e000001-0000-4000-8001-000000000000");
        json_builder_set_member_name(both.builder, "iommu_group");
        json_builder_add_null_value(both.builder);
        mdev_json_out_add_int(both.out, "iommu_group", 0, FALSE);
        json_builder_set_member_name(both.builder, "active");
        json_builder_add_boolean_value(both.builder, i % 2);
        mdev_json_out_add_bool(both.out, "active", i % 2, TRUE);
        json_builder_set_member_name(both.builder, "group");
        json_builder_add_int_value(both.builder, 7);
        mdev_json_out_add_int(both.out, "group", 7, TRUE);
        member(&both, "attrs");
        begin(&both, FALSE);
        for (guint a = 0; a < i; a++) {
            begin(&both, TRUE);
            member(&both, "name");
            string(&both, "vgpu_params");
            json_builder_set_member_name(both.builder, "value");
            json_builder_add_null_value(both.builder);
            mdev_json_out_add_string(both.out, "value", NULL);
            end(&both, TRUE);
        }
        end(&both, FALSE);
        end(&both, TRUE);
    }
    end(&both, FALSE);
    both_check(&both);
}

static char *
generate(JsonNode *root)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();

    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, root);
    return json_generator_to_data(gen, NULL);
}

/* The library's own files, written by json-glib's generator before: a VF
 * vGPU definition (with the newline the store adds) byte for byte, whatever
 * the characters of its parameters. */
static void
test_vgpu_definition(void)
{
    static const char *const params[] = {
        NULL, "frame_rate_limiter=0", "q\"b\\s /\xc3\xa9\xe2\x82\xac~",
    };

    for (guint i = 0; i < G_N_ELEMENTS(params); i++) {
        for (guint with_address = 0; with_address < 2; with_address++) {
            g_autoptr(MdevVgpuDefinition) definition = mdev_vgpu_definition_new(
                "11111111-1111-4111-8111-111111111111", "0000:3d:00.0", "nvidia-1148");
            g_autoptr(JsonBuilder) builder = json_builder_new();
            g_autoptr(JsonNode) root = NULL;
            g_autofree char *ours = NULL;
            g_autofree char *theirs = NULL;
            g_autofree char *expected = NULL;

            definition->autostart = i % 2;
            definition->params = g_strdup(params[i]);
            definition->address = with_address ? g_strdup("0000:3d:00.5") : NULL;
            json_builder_begin_object(builder);
            json_builder_set_member_name(builder, "type");
            json_builder_add_string_value(builder, definition->type);
            json_builder_set_member_name(builder, "start");
            json_builder_add_string_value(builder, definition->autostart ? "auto" : "manual");
            if (definition->address) {
                json_builder_set_member_name(builder, "address");
                json_builder_add_string_value(builder, definition->address);
            }
            if (definition->params) {
                json_builder_set_member_name(builder, "vgpu_params");
                json_builder_add_string_value(builder, definition->params);
            }
            json_builder_end_object(builder);
            root = json_builder_get_root(builder);
            theirs = generate(root);
            expected = g_strconcat(theirs, "\n", NULL);
            ours = mdev_vgpu_definition_to_string(definition);
            g_assert_cmpstr(ours, ==, expected);
        }
    }
}

/* The hook record the qemu hook test compares with what the hook writes
 * is what json-glib's generator makes of the same tree, without a final
 * newline. */
static void
test_hook_record_golden(void)
{
    g_autofree char *path =
        g_test_build_filename(G_TEST_DIST, "data", "hook", "record-mix.json", NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *golden = NULL;
    g_autofree char *regenerated = NULL;

    g_assert_true(g_file_get_contents(path, &golden, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(json_parser_load_from_data(parser, golden, -1, &error));
    g_assert_no_error(error);
    regenerated = generate(json_parser_get_root(parser));
    g_assert_cmpstr(golden, ==, regenerated);
}

static void
run(gconstpointer data)
{
    const struct {
        gboolean compact;
        void (*test)(void);
    } *which = data;

    compact = which->compact;
    which->test();
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*test)(void);
    } tests[] = {
        { "every-byte", test_every_byte },
        { "scalars", test_scalars },
        { "nesting", test_nesting },
        { "listing", test_listing },
    };
    static struct {
        gboolean compact;
        void (*test)(void);
    } cases[2 * G_N_ELEMENTS(tests)];

    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = NULL;

        cases[i].compact = i % 2;
        cases[i].test = tests[i / 2].test;
        path = g_strdup_printf("/json-out/%s/%s", cases[i].compact ? "compact" : "pretty",
                               tests[i / 2].name);
        g_test_add_data_func(path, &cases[i], run);
    }
    g_test_add_func("/json-out/library/vgpu-definition", test_vgpu_definition);
    g_test_add_func("/json-out/library/hook-record", test_hook_record_golden);
    return g_test_run();
}
