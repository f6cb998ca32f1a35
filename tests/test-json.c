/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-error.h"
#include "mdev-json-parse.h"
#include "mdev-json.h"
#include "mdev-vgpu-store.h"

#include <string.h>

/* The definitions of tests/data/store/mdevctl-1.2.0, which mdevctl 1.2.0
 * wrote itself (see test-store.c for how). */
#define WEIRD_NAME "we\"ird\\name"
#define WEIRD_VALUE "q\"b\\t\tn\nc\001u\303\251d\177"

static MdevDevice *
make_definition(const char *parent, const char *uuid, const char *type, gboolean autostart,
                const char *const *attrs)
{
    MdevDevice *definition = mdev_device_new(uuid, parent);

    definition->type = g_strdup(type);
    definition->autostart = autostart;
    definition->defined = TRUE;
    for (guint i = 0; attrs && attrs[i]; i += 2)
        g_ptr_array_add(definition->attrs, mdev_attr_new(attrs[i], attrs[i + 1]));
    return definition;
}

static char *
read_golden(const char *parent, const char *uuid)
{
    g_autofree char *path =
        g_test_build_filename(G_TEST_DIST, "data", "store", "mdevctl-1.2.0", parent, uuid, NULL);
    char *contents = NULL;

    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    return contents;
}

static void
check_golden(const MdevDevice *definition)
{
    g_autofree char *golden = read_golden(definition->parent, definition->uuid);
    g_autofree char *ours = mdev_json_definition_to_string(definition);
    g_autoptr(MdevDevice) back = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr(ours, ==, golden);

    back = mdev_json_definition_from_string(golden, definition->parent, definition->uuid, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(back->type, ==, definition->type);
    g_assert_cmpint(back->autostart, ==, definition->autostart);
    g_assert_true(back->defined);
    g_assert_cmpuint(back->attrs->len, ==, definition->attrs->len);
    for (guint i = 0; i < back->attrs->len; i++) {
        MdevAttr *a = g_ptr_array_index(back->attrs, i);
        MdevAttr *b = g_ptr_array_index(definition->attrs, i);
        g_assert_cmpstr(a->name, ==, b->name);
        g_assert_cmpstr(a->value, ==, b->value);
    }
}

static void
test_golden(void)
{
    const char *ap[] = { "assign_adapter", "5", "assign_domain", "0xab", NULL };
    const char *weird[] = { WEIRD_NAME, WEIRD_VALUE, NULL };
    g_autoptr(MdevDevice) d1 = make_definition(
        "0000:00:02.0", "11111111-1111-4111-8111-111111111111", "i915-GVTg_V5_4", TRUE, NULL);
    g_autoptr(MdevDevice) d2 = make_definition("matrix", "783e6dbb-ea0e-411f-94e2-717eaad438bf",
                                               "vfio_ap-passthrough", FALSE, ap);
    g_autoptr(MdevDevice) d3 =
        make_definition("mtty", "22222222-2222-4222-8222-222222222222", "mtty-2", FALSE, weird);
    g_autofree char *text = mdev_json_definition_to_string(d1);

    /* the sizes the reference gives for these layouts */
    g_assert_cmpuint(strlen(text), ==, 69);
    check_golden(d1);
    check_golden(d2);
    check_golden(d3);
}

static void
test_compact(void)
{
    const char *ap[] = { "assign_adapter", "5", "assign_domain", "0xab", NULL };
    g_autoptr(MdevDevice) d = make_definition("matrix", "783e6dbb-ea0e-411f-94e2-717eaad438bf",
                                              "vfio_ap-passthrough", FALSE, ap);
    g_autoptr(MdevDevice) e = make_definition(
        "0000:00:02.0", "11111111-1111-4111-8111-111111111111", "i915-GVTg_V5_4", TRUE, NULL);
    g_autofree char *text = mdev_json_definition_to_compact(d);
    g_autofree char *empty = mdev_json_definition_to_compact(e);

    g_assert_cmpstr(text, ==,
                    "{\"mdev_type\":\"vfio_ap-passthrough\",\"start\":\"manual\",\"attrs\":"
                    "[{\"assign_adapter\":\"5\"},{\"assign_domain\":\"0xab\"}]}");
    g_assert_cmpstr(empty, ==,
                    "{\"mdev_type\":\"i915-GVTg_V5_4\",\"start\":\"auto\",\"attrs\":[]}");
}

static void
test_reading_rules(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) a = NULL;
    g_autoptr(MdevDevice) b = NULL;
    g_autoptr(MdevDevice) c = NULL;
    g_autoptr(MdevDevice) d = NULL;

    /* keys in any order, unknown keys ignored, attrs missing */
    a = mdev_json_definition_from_string("{\"uuid\":\"x\",\"start\":\"auto\",\"extra\":[1],"
                                         "\"mdev_type\":\"mtty-1\"}",
                                         "mtty", NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(a->type, ==, "mtty-1");
    g_assert_cmpstr(a->parent, ==, "mtty");
    g_assert_true(a->autostart);
    g_assert_cmpuint(a->attrs->len, ==, 0);

    /* attrs null; start anything but "auto" is manual */
    b = mdev_json_definition_from_string("{\"mdev_type\":\"t\",\"start\":\"bogus\",\"attrs\":null}",
                                         NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(b->autostart);
    c = mdev_json_definition_from_string("{\"mdev_type\":\"t\",\"start\":1}", NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(c->autostart);

    /* odd indentation, order of attributes kept */
    d = mdev_json_definition_from_string("  {\n\"mdev_type\"  :\"t\",\"start\":\"manual\",\n"
                                         "\"attrs\":[ {\"b\":\"2\"},\n {\"a\" : \"1\"} ] }\n",
                                         NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(d->attrs->len, ==, 2);
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(d->attrs, 0))->name, ==, "b");
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(d->attrs, 1))->value, ==, "1");
}

static void
test_invalid(void)
{
    static const struct {
        const char *text;
        const char *expect; /* part of the message */
    } cases[] = {
        { "", "empty" },
        { "   \n", "empty" },
        { "{\"mdev_type\": \"i915-GVTg_V5_4\", \"start\": \"auto\", \"attr", "JSON" },
        { "not json", "JSON" },
        { "[]", "not a JSON object" },
        { "\"text\"", "not a JSON object" },
        { "{\"start\":\"auto\"}", "mdev_type" },
        { "{\"mdev_type\":null,\"start\":\"auto\"}", "mdev_type" },
        { "{\"mdev_type\":42,\"start\":\"auto\"}", "not a string" },
        { "{\"mdev_type\":[\"t\"],\"start\":\"auto\"}", "not a string" },
        { "{\"mdev_type\":\"t\"}", "start" },
        { "{\"mdev_type\":\"t\",\"start\":null}", "start" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":{\"a\":\"b\"}}", "not an array" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[\"a\",\"b\"]}", "not an object" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":\"1\",\"b\":\"2\"}]}",
          "exactly one" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{}]}", "exactly one" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":1}]}", "not a string" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":null}]}", "not a string" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"/etc/passwd\":\"x\"}]}",
          "invalid attribute name" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"../remove\":\"1\"}]}",
          "invalid attribute name" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"..\":\"1\"}]}",
          "invalid attribute name" },
        { "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"\":\"1\"}]}",
          "invalid attribute name" },
        { "{\"mdev_type\":\"../../x\",\"start\":\"auto\"}", "invalid type name" },
        { "{\"mdev_type\":\"\",\"start\":\"auto\"}", "invalid type name" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) d =
            mdev_json_definition_from_string(cases[i].text, "p", NULL, &error);

        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, cases[i].text);
        g_assert_null(d);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_nonnull(strstr(error->message, cases[i].expect));
    }
}

static void
test_attrs(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) empty = mdev_json_attrs_from_string("", &error);
    g_autoptr(GPtrArray) braces = mdev_json_attrs_from_string("[{}]\n", &error);
    g_autoptr(GPtrArray) good =
        mdev_json_attrs_from_string("[{\"a\":\"1\"},{\"b\":\"2\"}]", &error);
    g_autoptr(GPtrArray) bad = NULL;

    g_assert_no_error(error);
    g_assert_cmpuint(empty->len, ==, 0);
    g_assert_cmpuint(braces->len, ==, 0);
    g_assert_cmpuint(good->len, ==, 2);
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(good, 1))->value, ==, "2");

    bad = mdev_json_attrs_from_string("[{\"a\":\"1\"", &error);
    g_assert_null(bad);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_clear_error(&error);
    bad = mdev_json_attrs_from_string("{\"a\":\"1\"}", &error);
    g_assert_null(bad);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_clear_error(&error);
    bad = mdev_json_attrs_from_string("[{\"a/../b\":\"1\"}]", &error);
    g_assert_null(bad);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
}

static char *
nested(guint depth, const char *inner)
{
    GString *text = g_string_new(NULL);

    for (guint i = 0; i < depth; i++)
        g_string_append_c(text, '[');
    g_string_append(text, inner);
    for (guint i = 0; i < depth; i++)
        g_string_append_c(text, ']');
    return g_string_free(text, FALSE);
}

/* json-glib recurses once per level: 100 000 of them crashed every reader
 * of the store. */
static void
test_depth(void)
{
    g_autofree char *deep = g_strnfill(100000, '[');
    g_autofree char *at_limit = nested(MDEV_JSON_MAX_DEPTH, "1");
    g_autofree char *over_limit = nested(MDEV_JSON_MAX_DEPTH + 1, "1");
    g_autofree char *definition = NULL;
    g_autofree char *in_strings = NULL;
    g_autoptr(MdevDevice) d = NULL;
    g_autoptr(GPtrArray) attrs = NULL;
    g_autoptr(MdevJsonDoc) doc = NULL;
    g_autoptr(GError) error = NULL;

    d = mdev_json_definition_from_string(deep, "p", NULL, &error);
    g_assert_null(d);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "nested deeper than 128 levels at byte 128"));
    g_clear_error(&error);

    attrs = mdev_json_attrs_from_string(deep, &error);
    g_assert_null(attrs);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_clear_error(&error);

    /* one value only: json-glib would read the first and leak the rest */
    for (guint i = 0; i < 5; i++) {
        static const char *const two[] = { "{}{}", "\"x\"{\"a\":1}", "[] []", "1 2", "{} \"x\"" };
        g_autoptr(MdevJsonDoc) two_doc = mdev_json_doc_parse(two[i], strlen(two[i]), &error);

        g_assert_null(two_doc);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_nonnull(strstr(error->message, "a second value"));
        g_clear_error(&error);
    }
    doc = mdev_json_doc_parse(" {\"a\": [1, \"}{\"]} \n", 19, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(mdev_json_node_get_size(mdev_json_doc_get_root(doc)), ==, 1);
    g_clear_pointer(&doc, mdev_json_doc_free);
    doc = mdev_json_doc_parse("-1.5e3", 6, &error);
    g_assert_no_error(error);
    g_assert_cmpint(mdev_json_node_get_type(mdev_json_doc_get_root(doc)), ==, MDEV_JSON_NUMBER);
    g_clear_pointer(&doc, mdev_json_doc_free);
    d = mdev_json_definition_from_string("\"../\"{\"mdev_type\":\"mtty-1\",\"start\":\"manual\"}",
                                         "p", NULL, &error);
    g_assert_null(d);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_clear_error(&error);

    doc = mdev_json_doc_parse(at_limit, strlen(at_limit), &error);
    g_assert_no_error(error);
    g_assert_nonnull(doc);
    g_clear_pointer(&doc, mdev_json_doc_free);
    doc = mdev_json_doc_parse(over_limit, strlen(over_limit), &error);
    g_assert_null(doc);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_clear_error(&error);

    /* the limit counts every level; an unknown key nested as deep as
     * mdevctl reads is still read */
    g_free(at_limit);
    at_limit = nested(MDEV_JSON_MAX_DEPTH - 1, "1");
    definition = g_strdup_printf("{\"mdev_type\":\"t\",\"start\":\"auto\",\"x\":%s}", at_limit);
    g_clear_pointer(&d, mdev_device_free);
    d = mdev_json_definition_from_string(definition, "p", NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(d->type, ==, "t");

    /* brackets inside strings are text, not nesting */
    g_free(deep);
    deep = g_strnfill(1000, '[');
    in_strings = g_strdup_printf("{\"mdev_type\":\"t\",\"start\":\"auto\","
                                 "\"attrs\":[{\"a\":\"%s\\\"{\"}]}",
                                 deep);
    g_clear_pointer(&d, mdev_device_free);
    d = mdev_json_definition_from_string(in_strings, "p", NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(strlen(((MdevAttr *) g_ptr_array_index(d->attrs, 0))->value), ==, 1002);
}

/* A lone surrogate used to come out of json-glib as invalid UTF-8, eating
 * the next character, and the definition was malformed from then on. */
static void
test_strings(void)
{
    static const struct {
        const char *value; /* inside the attribute value's quotes */
        const char *expect;
    } bad[] = {
        { "\\ud800x", "high surrogate without a low one at byte 47" },
        { "\\ud800", "high surrogate without a low one" },
        { "\\ud800\\u0041", "high surrogate without a low one" },
        { "\\ud800\\ud800", "high surrogate without a low one" },
        { "\\udc00", "low surrogate without a high one" },
        { "a\\ud83d\\ude00\\udfff", "low surrogate without a high one" },
        { "\\u0000x", "NUL character" },
        { "\\u12", "invalid escape sequence" },
        { "\\u12g4", "invalid escape sequence" },
        { "\\x41", "invalid escape sequence" },
        { "\\U0041", "invalid escape sequence" },
        { "tab\there", "control character" },
        { "\xff", "invalid UTF-8" },
        { "\xc3", "invalid UTF-8" },
        { "\xed\xa0\x80", "invalid UTF-8" }, /* a surrogate encoded in UTF-8 */
        { "\xc0\xaf", "invalid UTF-8" },     /* overlong */
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *text = g_strdup_printf(
            "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":\"%s\"}]}", bad[i].value);
        g_autofree char *output = g_strdup_printf("[{\"a\":\"%s\"}]", bad[i].value);
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) d = mdev_json_definition_from_string(text, "p", NULL, &error);
        g_autoptr(GPtrArray) attrs = NULL;

        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, text);
        g_assert_null(d);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_nonnull(strstr(error->message, bad[i].expect));
        g_clear_error(&error);
        attrs = mdev_json_attrs_from_string(output, &error);
        g_assert_null(attrs);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    }

    {
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) d = NULL;
        const char *unterminated = "{\"mdev_type\":\"t\",\"start\":\"auto\\\"}";

        d = mdev_json_definition_from_string(unterminated, "p", NULL, &error);
        g_assert_null(d);
        g_assert_nonnull(strstr(error->message, "unterminated string"));
        g_clear_error(&error);

        /* what is well-formed still reads, pairs and escapes decoded */
        d = mdev_json_definition_from_string(
            "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":"
            "\"\\ud83d\\ude00 \\u00e9\\/\\\"\\\\\\b\\f\\n\\r\\t\xc3\xa9\"}]}",
            "p", NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(d->attrs, 0))->value, ==,
                        "\xf0\x9f\x98\x80 \xc3\xa9/\"\\\b\f\n\r\t\xc3\xa9");
    }
}

/* What mdevctl's reader (serde_json) refuses is refused here, where
 * json-glib, an earlier reader, took comments, single quotes, leading
 * zeros, hexadecimal and ".5", and json-c, the next, NaN, Infinity, "1."
 * and single-quoted keys unless checked first. */
static void
test_grammar(void)
{
    static const struct {
        const char *member; /* an unknown member of an otherwise good definition */
        const char *expect;
    } bad[] = {
        { ",\"x\":1,", "not valid JSON: a trailing comma at byte 43" },
        { ",\"x\":[1,2,]", "not valid JSON: a trailing comma at byte 46" },
        { ",\"x\":[1,,2]", "not valid JSON: an unexpected character at byte 44" },
        { ",/* comment */\"x\":1", "not valid JSON: a key that is not a string at byte 37" },
        { ",\"x\":1 // comment\n", "not valid JSON: no ',' or '}' after a member at byte 43" },
        { ",'x':1", "not valid JSON: a key that is not a string at byte 37" },
        { ",\"x\":'y'", "not valid JSON: an unexpected character at byte 41" },
        { ",\"x\":NaN", "not valid JSON: an unexpected character at byte 41" },
        { ",\"x\":Infinity", "an unexpected character" },
        { ",\"x\":-Infinity", "an invalid number" },
        { ",\"x\":1.", "an invalid number" },
        { ",\"x\":.5", "an invalid number" },
        { ",\"x\":01", "an invalid number" },
        { ",\"x\":0x10", "no ',' or '}' after a member at byte 42" },
        { ",\"x\":+1", "an invalid number" },
        { ",\"x\":1e", "an invalid number" },
        { ",\"x\":-", "an invalid number" },
        { ",\"x\":TRUE", "an unexpected character" },
        { ",\"x\":nul", "an invalid literal (not true, false or null) at byte 41" },
        { ",x:1", "a key that is not a string at byte 37" },
        { ",\"x\" 1", "not valid JSON: no ':' after a key at byte 41" },
    };
    static const char *const good[] = {
        ",\"x\":123456789012345678901234567890",
        ",\"x\":-9223372036854775809",
        ",\"x\":1e400",
        ",\"x\":-0.0E-7",
        ",\"x\":[true,false,null,0,-1,2.5e+3]",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *text = g_strdup_printf(
            "{\"mdev_type\":\"mtty-1\",\"start\":\"auto\"%s}", bad[i].member);
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) d = mdev_json_definition_from_string(text, "p", NULL, &error);

        g_test_message("bad %" G_GSIZE_FORMAT ": %s", i, text);
        g_assert_null(d);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_test_message("-> %s", error->message);
        g_assert_nonnull(strstr(error->message, bad[i].expect));
    }
    for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autofree char *text = g_strdup_printf(
            "{\"mdev_type\":\"mtty-1\",\"start\":\"auto\"%s}", good[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) d = mdev_json_definition_from_string(text, "p", NULL, &error);

        g_test_message("good %" G_GSIZE_FORMAT ": %s", i, text);
        g_assert_no_error(error);
        g_assert_cmpstr(d->type, ==, "mtty-1");
    }

    /* a byte-order mark is not whitespace to serde_json either */
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) d = mdev_json_definition_from_string(
            "\xef\xbb\xbf{\"mdev_type\":\"t\",\"start\":\"auto\"}", "p", NULL, &error);

        g_assert_null(d);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_cmpstr(error->message, ==, "not valid JSON: an unexpected character at byte 0");
    }
    /* the attribute parser follows the same grammar */
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) attrs = mdev_json_attrs_from_string("[{\"a\":\"1\"},]", &error);

        g_assert_null(attrs);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_clear_error(&error);
        attrs = mdev_json_attrs_from_string("[{'a':\"1\"}]", &error);
        g_assert_null(attrs);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    }
}

/* A key given twice is refused, as serde_json refuses a field twice in
 * mdevctl's definitions: taking either value would hide a broken file. */
static void
test_duplicate_keys(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) d = mdev_json_definition_from_string(
        "{\"mdev_type\":\"first\",\"start\":\"auto\",\"mdev_type\":\"last\","
        "\"start\":\"manual\"}",
        "p", NULL, &error);
    g_autoptr(GPtrArray) attrs = NULL;

    g_assert_null(d);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_cmpstr(error->message, ==, "not valid JSON: a key twice at byte 36");
    g_clear_error(&error);

    d = mdev_json_definition_from_string(
        "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":\"1\",\"a\":\"2\"}]}", "p", NULL,
        &error);
    g_assert_null(d);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_nonnull(strstr(error->message, "a key twice"));
    g_clear_error(&error);

    attrs = mdev_json_attrs_from_string("[{\"a\":\"1\",\"a\":null}]", &error);
    g_assert_null(attrs);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_cmpstr(error->message, ==, "not valid JSON: a key twice at byte 10");
    g_clear_error(&error);

    /* the same key in two objects is two keys */
    d = mdev_json_definition_from_string(
        "{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":\"1\"},{\"a\":\"2\"}]}", "p",
        NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(d->attrs->len, ==, 2);
}

/* Objects nest as deep as arrays, and all MDEV_JSON_MAX_DEPTH levels of
 * them are read. */
static void
test_depth_objects(void)
{
    for (guint levels = MDEV_JSON_MAX_DEPTH; levels <= MDEV_JSON_MAX_DEPTH + 1; levels++) {
        g_autoptr(GString) text = g_string_new("{\"mdev_type\":\"t\",\"start\":\"auto\",\"x\":");
        g_autoptr(GError) error = NULL;
        g_autoptr(MdevDevice) d = NULL;

        /* the definition itself is the first level */
        for (guint i = 1; i < levels; i++)
            g_string_append(text, i % 2 ? "{\"y\":" : "[");
        g_string_append(text, "1");
        for (guint i = levels - 1; i >= 1; i--)
            g_string_append_c(text, i % 2 ? '}' : ']');
        g_string_append_c(text, '}');
        d = mdev_json_definition_from_string(text->str, "p", NULL, &error);
        if (levels <= MDEV_JSON_MAX_DEPTH) {
            g_assert_no_error(error);
            g_assert_cmpstr(d->type, ==, "t");
        } else {
            g_assert_null(d);
            g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
            g_assert_nonnull(strstr(error->message, "nested deeper than 128 levels"));
        }
    }
}

/* The parser's messages, with the byte where it stopped */
static void
test_error_position(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevDevice) d = mdev_json_definition_from_string("{\"mdev_type\": ", "p", NULL, &error);

    g_assert_null(d);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_cmpstr(error->message, ==, "not valid JSON: an unclosed array or object at byte 14");
    g_clear_error(&error);
    d = mdev_json_definition_from_string("{\"a\":1}}", "p", NULL, &error);
    g_assert_null(d);
    g_assert_cmpstr(error->message, ==, "not valid JSON: an unexpected character at byte 7");
}

/* A VF vGPU definition reads back what the store writes, and refuses
 * every key it does not know and every value of the wrong kind. */
static void
test_vgpu_definition(void)
{
    static const char uuid[] = "67215cd7-f78e-4352-b10a-ba2a22b1c4d8";
    static const struct {
        const char *text;
        const char *expect;
    } bad[] = {
        { "[]", "not a JSON object" },
        { "{\"type\":\"nvidia-1148\",\"start\":\"auto\",\"statr\":\"auto\"}",
          "unknown key 'statr'" },
        { "{\"start\":\"auto\"}", "the key 'type' is missing" },
        { "{\"type\":\"nvidia-1148\"}", "the key 'start' is missing" },
        { "{\"type\":1148,\"start\":\"auto\"}", "the key 'type' is not a string" },
        { "{\"type\":\"nvidia-1148\",\"start\":\"auto\",\"address\":null}",
          "the key 'address' is not a string" },
        { "{\"type\":\"nvidia-1148\",\"start\":\"auto\",\"vgpu_params\":[]}",
          "the key 'vgpu_params' is not a string" },
        { "{\"type\":\"nvidia-1148\",\"start\":\"yes\"}",
          "'start' is 'yes', not 'auto' or 'manual'" },
        { "{\"type\":\"nvidia-1148\",\"type\":\"nvidia-1149\",\"start\":\"auto\"}",
          "not valid JSON: a key twice at byte 22" },
    };
    g_autoptr(MdevVgpuDefinition) definition =
        mdev_vgpu_definition_new(uuid, "0000:3d:00.0", "nvidia-1148");
    g_autoptr(MdevVgpuDefinition) back = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;

    definition->autostart = TRUE;
    definition->address = g_strdup("0000:3d:00.5");
    definition->params = g_strdup("frame_rate_limiter=0");
    text = mdev_vgpu_definition_to_string(definition);
    back = mdev_vgpu_definition_from_string(text, uuid, "0000:3d:00.0", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(back->type, ==, "nvidia-1148");
    g_assert_true(back->autostart);
    g_assert_cmpstr(back->address, ==, "0000:3d:00.5");
    g_assert_cmpstr(back->params, ==, "frame_rate_limiter=0");

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(MdevVgpuDefinition) d = NULL;

        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, bad[i].text);
        d = mdev_vgpu_definition_from_string(bad[i].text, uuid, "0000:3d:00.0", &error);
        g_assert_null(d);
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
        g_assert_cmpstr(error->message, ==, bad[i].expect);
        g_clear_error(&error);
    }
}

/* Whatever reaches the writer, what it writes is UTF-8 a reader accepts. */
static void
test_write_invalid_utf8(void)
{
    const char *const attrs[] = { "a", "x\xffy\xc3", "b", "\xe2\x82\xac", NULL };
    g_autoptr(MdevDevice) definition =
        make_definition("p", "67215cd7-f78e-4352-b10a-ba2a22b1c4d8", "t", FALSE, attrs);
    g_autofree char *text = mdev_json_definition_to_string(definition);
    g_autofree char *compact = mdev_json_definition_to_compact(definition);
    g_autoptr(MdevDevice) back = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true(g_utf8_validate(text, -1, NULL));
    g_assert_true(g_utf8_validate(compact, -1, NULL));
    g_assert_nonnull(strstr(compact, "\"x\xef\xbf\xbdy\xef\xbf\xbd\""));
    back = mdev_json_definition_from_string(text, "p", NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(back->attrs, 0))->value, ==,
                    "x\xef\xbf\xbdy\xef\xbf\xbd");
    g_assert_cmpstr(((MdevAttr *) g_ptr_array_index(back->attrs, 1))->value, ==, "\xe2\x82\xac");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func("/json/write/mdevctl-golden", test_golden);
    g_test_add_func("/json/write/compact", test_compact);
    g_test_add_func("/json/read/rules", test_reading_rules);
    g_test_add_func("/json/read/invalid", test_invalid);
    g_test_add_func("/json/read/attrs", test_attrs);
    g_test_add_func("/json/read/depth", test_depth);
    g_test_add_func("/json/read/strings", test_strings);
    g_test_add_func("/json/read/grammar", test_grammar);
    g_test_add_func("/json/read/duplicate-keys", test_duplicate_keys);
    g_test_add_func("/json/read/depth-objects", test_depth_objects);
    g_test_add_func("/json/read/error-position", test_error_position);
    g_test_add_func("/json/write/invalid-utf8", test_write_invalid_utf8);
    g_test_add_func("/json/read/vgpu-definition", test_vgpu_definition);
    return g_test_run();
}
