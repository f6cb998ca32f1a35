/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-error.h"
#include "mdev-json-parse.h"
#include "mdev-json.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* The tree as compact JSON with every string escaped the same way, so that
 * a table can state a document's expected shape: integers as integers,
 * other numbers as d(%.17g), a number beyond a double as d(out of range).
 * Checks on the way that sizes, keys and sibling links agree. */
static void
dump_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            g_string_append_printf(out, "\\%c", *s);
        else if ((guchar) *s < 0x20)
            g_string_append_printf(out, "\\u%04x", (guchar) *s);
        else
            g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

static void
dump_node(GString *out, const MdevJsonNode *node)
{
    MdevJsonType type = mdev_json_node_get_type(node);
    gint64 integer;
    double number;
    guint count = 0;

    switch (type) {
    case MDEV_JSON_NULL:
        g_string_append(out, "null");
        break;
    case MDEV_JSON_FALSE:
        g_string_append(out, "false");
        break;
    case MDEV_JSON_TRUE:
        g_string_append(out, "true");
        break;
    case MDEV_JSON_NUMBER:
        g_assert_null(mdev_json_node_get_string(node));
        if (mdev_json_node_get_int(node, &integer))
            g_string_append_printf(out, "%" G_GINT64_FORMAT, integer);
        else if (mdev_json_node_get_double(node, &number))
            g_string_append_printf(out, "d(%.17g)", number);
        else
            g_string_append(out, "d(out of range)");
        break;
    case MDEV_JSON_STRING:
        g_assert_false(mdev_json_node_get_int(node, NULL));
        g_assert_true(g_utf8_validate(mdev_json_node_get_string(node), -1, NULL));
        dump_string(out, mdev_json_node_get_string(node));
        break;
    case MDEV_JSON_ARRAY:
    case MDEV_JSON_OBJECT:
        g_string_append_c(out, type == MDEV_JSON_ARRAY ? '[' : '{');
        for (const MdevJsonNode *child = mdev_json_node_get_first(node); child;
             child = mdev_json_node_get_next(child), count++) {
            if (count > 0)
                g_string_append_c(out, ',');
            if (type == MDEV_JSON_OBJECT) {
                g_assert_nonnull(mdev_json_node_get_key(child));
                g_assert_true(mdev_json_object_get(node, mdev_json_node_get_key(child)) == child);
                dump_string(out, mdev_json_node_get_key(child));
                g_string_append_c(out, ':');
            } else {
                g_assert_null(mdev_json_node_get_key(child));
            }
            dump_node(out, child);
        }
        g_assert_cmpuint(count, ==, mdev_json_node_get_size(node));
        g_string_append_c(out, type == MDEV_JSON_ARRAY ? ']' : '}');
        break;
    case MDEV_JSON_LAST:
    default:
        g_assert_not_reached();
    }
}

static char *
dump(const MdevJsonDoc *doc)
{
    GString *out = g_string_new(NULL);
    const MdevJsonNode *root = mdev_json_doc_get_root(doc);

    g_assert_nonnull(root);
    g_assert_null(mdev_json_node_get_key(root));
    g_assert_null(mdev_json_node_get_next(root));
    dump_node(out, root);
    return g_string_free(out, FALSE);
}

static char *
nested(guint depth, const char *inner)
{
    GString *text = g_string_new(NULL);

    for (guint i = 0; i < depth; i++)
        g_string_append(text, i % 2 ? "{\"k\":" : "[");
    g_string_append(text, inner);
    for (guint i = depth; i > 0; i--)
        g_string_append_c(text, (i - 1) % 2 ? '}' : ']');
    return g_string_free(text, FALSE);
}

/* An object with @n members k0 .. k<n-1> and then @extra. */
static char *
many_keys(guint n, const char *extra)
{
    GString *text = g_string_new("{");

    for (guint i = 0; i < n; i++)
        g_string_append_printf(text, "%s\"k%u\":%u", i ? "," : "", i, i);
    g_string_append(text, extra);
    g_string_append_c(text, '}');
    return g_string_free(text, FALSE);
}

static void
check_accepted(const char *text, gsize length, const char *expected)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevJsonDoc) doc = mdev_json_doc_parse(text, length, &error);
    g_autofree char *tree = NULL;

    g_assert_no_error(error);
    g_assert_nonnull(doc);
    tree = dump(doc);
    g_assert_cmpstr(tree, ==, expected);
}

static void
test_accept(void)
{
    static const struct {
        const char *text;
        const char *tree;
    } cases[] = {
        { "{}", "{}" },
        { "[]", "[]" },
        { "{ }", "{}" },
        { "[\n]", "[]" },
        { "[[],{},[[]],{\"a\":{}}]", "[[],{},[[]],{\"a\":{}}]" },
        { "0", "0" },
        { "-0", "0" },
        { "\"\"", "\"\"" },
        { "true", "true" },
        { "false", "false" },
        { "null", "null" },
        { " \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\r[ \t\n\r1 \t\n\r, \t\n\r\"x\" \t\n\r] \t\n\r, "
          "\"b\":null} \t\n\r",
          "{\"a\":[1,\"x\"],\"b\":null}" },
        { "[true,false,null,0,\"\"]", "[true,false,null,0,\"\"]" },
        /* numbers by the grammar; only plain integers read as integers */
        { "[1,-1,10,1234567890,-0.5,0.25,1.5e3,1E+2,1e-2,2E0,-0e0,0.0]",
          "[1,-1,10,1234567890,d(-0.5),d(0.25),d(1500),d(100),d(0.01),d(2),d(-0),d(0)]" },
        { "[9223372036854775807,-9223372036854775808]",
          "[9223372036854775807,-9223372036854775808]" },
        { "[9223372036854775808,-9223372036854775809,1e999,1e-999]",
          "[d(9.2233720368547758e+18),d(-9.2233720368547758e+18),d(out of range),d(0)]" },
        /* every escape, and characters that need none */
        { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\u0008\\u000c\\u000a\\u000d\\u0009\"" },
        { "\"\\u0041\\u00e9\\u20AC\\uffff\\u001f\"",
          "\"A\xc3\xa9\xe2\x82\xac\xef\xbf\xbf\\u001f\"" },
        { "\"\\ud83d\\ude00\\uD83D\\uDE00\\ud800\\udc00\\udbff\\udfff\"",
          "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"" },
        { "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f '[{\"",
          "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f '[{\"" },
        { "{\"a\\nb\":1,\"\\u00e9\":2,\"\":3}", "{\"a\\u000ab\":1,\"\xc3\xa9\":2,\"\":3}" },
        /* a key once per object */
        { "[{\"a\":1},{\"a\":2}]", "[{\"a\":1},{\"a\":2}]" },
        { "{\"a\":{\"a\":{\"a\":1}},\"b\":2}", "{\"a\":{\"a\":{\"a\":1}},\"b\":2}" },
        { "{\"a\":1,\"A\":2,\"a \":3}", "{\"a\":1,\"A\":2,\"a \":3}" },
        /* mdevctl's layout */
        { "{\n  \"mdev_type\": \"nvidia-550\",\n  \"start\": \"auto\",\n  \"attrs\": [\n    {\n"
          "      \"vgpu_params\": \"x\"\n    }\n  ]\n}",
          "{\"mdev_type\":\"nvidia-550\",\"start\":\"auto\",\"attrs\":[{\"vgpu_params\":\"x\"}]}" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, cases[i].text);
        check_accepted(cases[i].text, strlen(cases[i].text), cases[i].tree);
    }
}

static void
test_accept_limits(void)
{
    g_autofree char *deepest = nested(MDEV_JSON_MAX_DEPTH, "1");
    g_autofree char *arrays =
        g_strconcat("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
                    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", NULL);
    g_autofree char *wide = many_keys(100, "");
    g_autoptr(MdevJsonDoc) doc = NULL;
    g_autoptr(GError) error = NULL;
    const MdevJsonNode *node;
    guint depth = 0;

    /* 128 levels, arrays and objects by turns */
    doc = mdev_json_doc_parse(deepest, strlen(deepest), &error);
    g_assert_no_error(error);
    for (node = mdev_json_doc_get_root(doc); mdev_json_node_get_size(node) > 0;
         node = mdev_json_node_get_first(node))
        depth++;
    g_assert_cmpuint(depth, ==, MDEV_JSON_MAX_DEPTH);
    g_assert_cmpint(mdev_json_node_get_type(node), ==, MDEV_JSON_NUMBER);
    g_clear_pointer(&doc, mdev_json_doc_free);

    /* 128 empty arrays */
    doc = mdev_json_doc_parse(arrays, strlen(arrays), &error);
    g_assert_no_error(error);
    g_assert_cmpuint(mdev_json_node_get_size(mdev_json_doc_get_root(doc)), ==, 1);
    g_clear_pointer(&doc, mdev_json_doc_free);

    /* past the few keys compared one by one, the hash table takes over */
    doc = mdev_json_doc_parse(wide, strlen(wide), &error);
    g_assert_no_error(error);
    g_assert_cmpuint(mdev_json_node_get_size(mdev_json_doc_get_root(doc)), ==, 100);
    for (guint i = 0; i < 100; i++) {
        g_autofree char *key = g_strdup_printf("k%u", i);
        gint64 value = -1;

        node = mdev_json_object_get(mdev_json_doc_get_root(doc), key);
        g_assert_true(mdev_json_node_get_int(node, &value));
        g_assert_cmpint(value, ==, i);
    }
}

/* The accessors on the wrong kind of node, and a document loaded again. */
static void
test_api(void)
{
    static const char text[] = "{\"s\":\"str\",\"i\":42,\"f\":1.0,\"a\":[1,2],\"o\":{},\"n\":null}";
    g_autoptr(MdevJsonDoc) doc = mdev_json_doc_new();
    g_autoptr(GError) error = NULL;
    const MdevJsonNode *root;
    const MdevJsonNode *node;
    gint64 integer = 7;
    double number = 7;

    g_assert_null(mdev_json_doc_get_root(doc));
    g_assert_true(mdev_json_doc_load(doc, text, strlen(text), &error));
    g_assert_no_error(error);
    root = mdev_json_doc_get_root(doc);
    g_assert_cmpint(mdev_json_node_get_type(root), ==, MDEV_JSON_OBJECT);
    g_assert_cmpuint(mdev_json_node_get_size(root), ==, 6);
    g_assert_null(mdev_json_node_get_string(root));
    g_assert_false(mdev_json_node_get_int(root, &integer));
    g_assert_null(mdev_json_object_get(root, "missing"));
    g_assert_null(mdev_json_object_get(root, "S"));
    g_assert_null(mdev_json_object_get(NULL, "s"));

    node = mdev_json_object_get(root, "s");
    g_assert_cmpstr(mdev_json_node_get_string(node), ==, "str");
    g_assert_cmpstr(mdev_json_node_get_key(node), ==, "s");
    g_assert_false(mdev_json_node_get_int(node, &integer));
    g_assert_false(mdev_json_node_get_double(node, &number));
    g_assert_null(mdev_json_node_get_first(node));
    g_assert_cmpuint(mdev_json_node_get_size(node), ==, 0);
    g_assert_null(mdev_json_object_get(node, "s"));
    g_assert_true(mdev_json_node_get_next(node) == mdev_json_object_get(root, "i"));

    node = mdev_json_object_get(root, "i");
    g_assert_true(mdev_json_node_get_int(node, &integer));
    g_assert_cmpint(integer, ==, 42);
    g_assert_true(mdev_json_node_get_double(node, &number));
    g_assert_cmpfloat(number, ==, 42.0);
    g_assert_true(mdev_json_node_get_int(node, NULL));
    g_assert_true(mdev_json_node_is_integer(node));
    g_assert_false(mdev_json_node_is_integer(root));
    g_assert_false(mdev_json_node_is_integer(NULL));

    /* 1.0 is a number, not an integer; a failed read leaves the value */
    integer = 7;
    node = mdev_json_object_get(root, "f");
    g_assert_false(mdev_json_node_get_int(node, &integer));
    g_assert_cmpint(integer, ==, 7);
    g_assert_false(mdev_json_node_is_integer(node));
    g_assert_true(mdev_json_node_get_double(node, &number));
    g_assert_cmpfloat(number, ==, 1.0);

    node = mdev_json_object_get(root, "a");
    g_assert_cmpint(mdev_json_node_get_type(node), ==, MDEV_JSON_ARRAY);
    g_assert_null(mdev_json_object_get(node, "0"));
    node = mdev_json_node_get_first(node);
    g_assert_null(mdev_json_node_get_key(node));
    g_assert_true(mdev_json_node_get_int(node, &integer));
    g_assert_cmpint(integer, ==, 1);
    node = mdev_json_node_get_next(node);
    g_assert_true(mdev_json_node_get_int(node, &integer));
    g_assert_cmpint(integer, ==, 2);
    g_assert_null(mdev_json_node_get_next(node));

    node = mdev_json_object_get(root, "o");
    g_assert_cmpint(mdev_json_node_get_type(node), ==, MDEV_JSON_OBJECT);
    g_assert_null(mdev_json_node_get_first(node));
    g_assert_cmpint(mdev_json_node_get_type(mdev_json_object_get(root, "n")), ==, MDEV_JSON_NULL);
    g_assert_null(mdev_json_node_get_next(mdev_json_object_get(root, "n")));

    /* the same document again, then a longer one, then a broken one */
    g_assert_true(mdev_json_doc_load(doc, "[\"x\"]", 5, &error));
    g_assert_cmpstr(
        mdev_json_node_get_string(mdev_json_node_get_first(mdev_json_doc_get_root(doc))), ==, "x");
    {
        g_autofree char *wide = many_keys(40, ",\"last\":\"\\u00e9\"");

        g_assert_true(mdev_json_doc_load(doc, wide, strlen(wide), &error));
        g_assert_cmpstr(
            mdev_json_node_get_string(mdev_json_object_get(mdev_json_doc_get_root(doc), "last")),
            ==, "\xc3\xa9");
    }
    g_assert_false(mdev_json_doc_load(doc, "[1,]", 4, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_null(mdev_json_doc_get_root(doc));
    g_clear_error(&error);

    /* the text need not end after the document */
    g_assert_true(mdev_json_doc_load(doc, "[12]34", 4, &error));
    g_assert_true(
        mdev_json_node_get_int(mdev_json_node_get_first(mdev_json_doc_get_root(doc)), &integer));
    g_assert_cmpint(integer, ==, 12);
    g_assert_true(mdev_json_doc_load(doc, "1234", 2, &error));
    g_assert_true(mdev_json_node_get_int(mdev_json_doc_get_root(doc), &integer));
    g_assert_cmpint(integer, ==, 12);
}

typedef struct {
    const char *text;
    gsize length; /* 0: strlen(text) */
    const char *message;
} Refused;

static void
check_refused(const Refused *c)
{
    gsize length = c->length ? c->length : strlen(c->text);
    g_autoptr(GError) error = NULL;
    g_autoptr(MdevJsonDoc) doc = mdev_json_doc_parse(c->text, length, &error);

    g_assert_null(doc);
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_cmpstr(error->message, ==, c->message);
}

#define NOT_VALID "not valid JSON: "

static void
test_refuse(void)
{
    static const Refused cases[] = {
        { "", 0, NOT_VALID "the text is empty" },
        { " \t\r\n", 0, NOT_VALID "the text is empty" },
        /* encoding */
        { "\xff", 0, NOT_VALID "invalid UTF-8 or a NUL byte at byte 0" },
        { "[\"a\0\"]", 6, NOT_VALID "invalid UTF-8 or a NUL byte at byte 3" },
        { "[1]\0", 4, NOT_VALID "invalid UTF-8 or a NUL byte at byte 3" },
        { "\"\xed\xa0\x80\"", 0, NOT_VALID "invalid UTF-8 or a NUL byte at byte 1" },
        { "\"\xc0\xaf\"", 0, NOT_VALID "invalid UTF-8 or a NUL byte at byte 1" },
        { "\xef\xbb\xbf{}", 0, NOT_VALID "an unexpected character at byte 0" }, /* a BOM */
        /* one value */
        { "{}{}", 0, NOT_VALID "a second value at byte 2" },
        { "1 2", 0, NOT_VALID "a second value at byte 2" },
        { "\"x\" {\"a\":1}", 0, NOT_VALID "a second value at byte 4" },
        { "null0", 0, NOT_VALID "a second value at byte 4" },
        { "[] x", 0, NOT_VALID "an unexpected character at byte 3" },
        { "{}}", 0, NOT_VALID "an unexpected character at byte 2" },
        { "1,", 0, NOT_VALID "an unexpected character at byte 1" },
        { "0x10", 0, NOT_VALID "an unexpected character at byte 1" },
        { "1.5.2", 0, NOT_VALID "an unexpected character at byte 3" },
        { "[1]\f", 0, NOT_VALID "an unexpected character at byte 3" },
        { "\v[1]", 0, NOT_VALID "an unexpected character at byte 0" },
        /* no comments, no trailing commas, no single quotes */
        { "/* c */ 1", 0, NOT_VALID "an unexpected character at byte 0" },
        { "1 // c", 0, NOT_VALID "an unexpected character at byte 2" },
        { "[1,/*x*/2]", 0, NOT_VALID "an unexpected character at byte 3" },
        { "{\"a\":1 # c\n}", 0, NOT_VALID "no ',' or '}' after a member at byte 7" },
        { "[1,]", 0, NOT_VALID "a trailing comma at byte 3" },
        { "[1, \n]", 0, NOT_VALID "a trailing comma at byte 5" },
        { "{\"a\":1,}", 0, NOT_VALID "a trailing comma at byte 7" },
        { "[,1]", 0, NOT_VALID "an unexpected character at byte 1" },
        { "[1,,2]", 0, NOT_VALID "an unexpected character at byte 3" },
        { "{,}", 0, NOT_VALID "a key that is not a string at byte 1" },
        { "['a']", 0, NOT_VALID "an unexpected character at byte 1" },
        { "{'a':1}", 0, NOT_VALID "a key that is not a string at byte 1" },
        { "{a:1}", 0, NOT_VALID "a key that is not a string at byte 1" },
        { "{\"a\":1,2:3}", 0, NOT_VALID "a key that is not a string at byte 7" },
        { "{null:1}", 0, NOT_VALID "a key that is not a string at byte 1" },
        /* structure */
        { "[1 2]", 0, NOT_VALID "no ',' or ']' after an element at byte 3" },
        { "[1}", 0, NOT_VALID "no ',' or ']' after an element at byte 2" },
        { "{\"a\":1]", 0, NOT_VALID "no ',' or '}' after a member at byte 6" },
        { "{\"a\":1 \"b\":2}", 0, NOT_VALID "no ',' or '}' after a member at byte 7" },
        { "{\"a\" 1}", 0, NOT_VALID "no ':' after a key at byte 5" },
        { "{\"a\"=1}", 0, NOT_VALID "no ':' after a key at byte 4" },
        { "{\"a\"", 0, NOT_VALID "no ':' after a key at byte 4" },
        { "{\"a\":}", 0, NOT_VALID "an unexpected character at byte 5" },
        { "[", 0, NOT_VALID "an unclosed array or object at byte 1" },
        { "[1,", 0, NOT_VALID "an unclosed array or object at byte 3" },
        { "[[1] ", 0, NOT_VALID "an unclosed array or object at byte 5" },
        { "{\"a\":", 0, NOT_VALID "an unclosed array or object at byte 5" },
        { "{\"a\":1", 0, NOT_VALID "an unclosed array or object at byte 6" },
        { "]", 0, NOT_VALID "an unexpected character at byte 0" },
        { "}", 0, NOT_VALID "an unexpected character at byte 0" },
        { ":", 0, NOT_VALID "an unexpected character at byte 0" },
        /* numbers */
        { "01", 0, NOT_VALID "an invalid number at byte 0" },
        { "[-01]", 0, NOT_VALID "an invalid number at byte 1" },
        { "00", 0, NOT_VALID "an invalid number at byte 0" },
        { "+1", 0, NOT_VALID "an invalid number at byte 0" },
        { ".5", 0, NOT_VALID "an invalid number at byte 0" },
        { "1.", 0, NOT_VALID "an invalid number at byte 0" },
        { "[1.]", 0, NOT_VALID "an invalid number at byte 1" },
        { "1.e5", 0, NOT_VALID "an invalid number at byte 0" },
        { "1e", 0, NOT_VALID "an invalid number at byte 0" },
        { "1e+", 0, NOT_VALID "an invalid number at byte 0" },
        { "1E-x", 0, NOT_VALID "an invalid number at byte 0" },
        { "-", 0, NOT_VALID "an invalid number at byte 0" },
        { "- 1", 0, NOT_VALID "an invalid number at byte 0" },
        { "-Infinity", 0, NOT_VALID "an invalid number at byte 0" },
        { "Infinity", 0, NOT_VALID "an unexpected character at byte 0" },
        { "NaN", 0, NOT_VALID "an unexpected character at byte 0" },
        { "[nan]", 0, NOT_VALID "an invalid literal (not true, false or null) at byte 1" },
        /* literals */
        { "tru", 0, NOT_VALID "an invalid literal (not true, false or null) at byte 0" },
        { "[nul]", 0, NOT_VALID "an invalid literal (not true, false or null) at byte 1" },
        { "fals", 0, NOT_VALID "an invalid literal (not true, false or null) at byte 0" },
        { "True", 0, NOT_VALID "an unexpected character at byte 0" },
        { "NULL", 0, NOT_VALID "an unexpected character at byte 0" },
        { "falsey", 0, NOT_VALID "an unexpected character at byte 5" },
        { "[truex]", 0, NOT_VALID "no ',' or ']' after an element at byte 5" },
        { "undefined", 0, NOT_VALID "an unexpected character at byte 0" },
        /* strings */
        { "\"a\tb\"", 0, NOT_VALID "a control character inside a string at byte 2" },
        { "\"a\nb\"", 0, NOT_VALID "a control character inside a string at byte 2" },
        { "{\"\x1f\":1}", 0, NOT_VALID "a control character inside a string at byte 2" },
        { "\"abc", 0, NOT_VALID "an unterminated string at byte 4" },
        { "[\"a\\\"]", 0, NOT_VALID "an unterminated string at byte 6" },
        { "{\"a", 0, NOT_VALID "an unterminated string at byte 3" },
        { "\"\\x41\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"\\'\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"\\U0041\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"\\a\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"\\0\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"\\\xc3\xa9\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"ab\\", 0, NOT_VALID "an invalid escape sequence at byte 3" },
        { "\"\\u12\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"\\u12g4\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"\\u-123\"", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"\\u00", 0, NOT_VALID "an invalid escape sequence at byte 1" },
        { "\"x\\u0000y\"", 0, NOT_VALID "a NUL character (\\u0000) inside a string at byte 2" },
        { "{\"\\u0000\":1}", 0, NOT_VALID "a NUL character (\\u0000) inside a string at byte 2" },
        { "\"\\ud800\"", 0, NOT_VALID "a UTF-16 high surrogate without a low one at byte 1" },
        { "\"\\ud800x\"", 0, NOT_VALID "a UTF-16 high surrogate without a low one at byte 1" },
        { "\"\\ud800\\u0041\"", 0,
          NOT_VALID "a UTF-16 high surrogate without a low one at byte 1" },
        { "\"\\ud800\\ud800\"", 0,
          NOT_VALID "a UTF-16 high surrogate without a low one at byte 1" },
        { "\"\\udbff\\n\"", 0, NOT_VALID "a UTF-16 high surrogate without a low one at byte 1" },
        { "\"\\ud800\\udc0", 0, NOT_VALID "a UTF-16 high surrogate without a low one at byte 1" },
        { "\"\\udc00\"", 0, NOT_VALID "a UTF-16 low surrogate without a high one at byte 1" },
        { "\"\\udfff\\ud800\"", 0,
          NOT_VALID "a UTF-16 low surrogate without a high one at byte 1" },
        { "\"a\\ud83d\\ude00\\udfff\"", 0,
          NOT_VALID "a UTF-16 low surrogate without a high one at byte 14" },
        /* a key once per object, compared after unescaping */
        { "{\"a\":1,\"a\":2}", 0, NOT_VALID "a key twice at byte 7" },
        { "{\"a\":1,\"b\":2,\"a\":1}", 0, NOT_VALID "a key twice at byte 13" },
        { "{\"a\":1,\"\\u0061\":2}", 0, NOT_VALID "a key twice at byte 7" },
        { "{\"\xc3\xa9\":1,\"\\u00e9\":2}", 0, NOT_VALID "a key twice at byte 8" },
        { "[{\"x\":{\"a\":[],\"a\":[]}}]", 0, NOT_VALID "a key twice at byte 14" },
        { "{\"mdev_type\":\"a\",\"start\":\"auto\",\"mdev_type\":\"b\"}", 0,
          NOT_VALID "a key twice at byte 32" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, cases[i].text);
        check_refused(&cases[i]);
    }
}

static void
test_refuse_limits(void)
{
    g_autofree char *too_deep = nested(MDEV_JSON_MAX_DEPTH + 1, "1");
    g_autofree char *arrays = g_strnfill(100000, '[');
    g_autofree char *objects = NULL;
    g_autofree char *twice = many_keys(100, ",\"k57\":0");
    g_autofree char *twice_message = NULL;
    g_autofree char *too_deep_message = NULL;
    g_autoptr(GString) deep_objects = g_string_new(NULL);
    g_autoptr(GError) error = NULL;

    /* the 129th level is refused where it opens, arrays or objects */
    too_deep_message =
        g_strdup_printf(NOT_VALID "arrays and objects nested deeper than 128 levels at byte %lu",
                        (gulong) (strstr(too_deep, "1") - too_deep - 1));
    check_refused(&(Refused){ too_deep, 0, too_deep_message });
    check_refused(&(Refused){ arrays, 0,
                              NOT_VALID "arrays and objects nested deeper than 128 levels at "
                                        "byte 128" });
    for (guint i = 0; i < 100000; i++)
        g_string_append(deep_objects, "{\"\":");
    objects = g_string_free(g_steal_pointer(&deep_objects), FALSE);
    check_refused(&(Refused){ objects, 0,
                              NOT_VALID "arrays and objects nested deeper than 128 levels at "
                                        "byte 512" });

    /* a duplicate found through the hash table of a large object */
    twice_message = g_strdup_printf(NOT_VALID "a key twice at byte %lu",
                                    (gulong) (strstr(twice, ",\"k57\":0}") - twice + 1));
    check_refused(&(Refused){ twice, 0, twice_message });

    /* what does not fit the offsets is refused before it is read */
    g_assert_null(mdev_json_doc_parse("1", (gsize) G_MAXINT32 + 1, &error));
    g_assert_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG);
    g_assert_cmpstr(error->message, ==, NOT_VALID "the text is longer than 2147483647 bytes");
}

/* Whether @node holds what json-glib read for the same text. */
static gboolean
same_tree(const MdevJsonNode *node, JsonNode *other)
{
    gint64 integer;
    double number;

    switch (mdev_json_node_get_type(node)) {
    case MDEV_JSON_NULL:
        return JSON_NODE_HOLDS_NULL(other);
    case MDEV_JSON_FALSE:
    case MDEV_JSON_TRUE:
        return JSON_NODE_HOLDS_VALUE(other) && json_node_get_value_type(other) == G_TYPE_BOOLEAN &&
               json_node_get_boolean(other) == (mdev_json_node_get_type(node) == MDEV_JSON_TRUE);
    case MDEV_JSON_NUMBER:
        if (!JSON_NODE_HOLDS_VALUE(other))
            return FALSE;
        if (json_node_get_value_type(other) == G_TYPE_INT64) {
            if (mdev_json_node_get_int(node, &integer))
                return integer == json_node_get_int(other);
            /* json-glib wraps an integer beyond 64 bits around (2^63
             * reads as -2^63): no value to compare */
            return mdev_json_node_get_double(node, &number) && fabs(number) >= 0x1p63;
        }
        if (json_node_get_value_type(other) != G_TYPE_DOUBLE)
            return FALSE;
        /* beyond a double: json-glib says infinity, this parser nothing */
        if (!mdev_json_node_get_double(node, &number))
            return isinf(json_node_get_double(other));
        return number == json_node_get_double(other);
    case MDEV_JSON_STRING:
        return JSON_NODE_HOLDS_VALUE(other) && json_node_get_value_type(other) == G_TYPE_STRING &&
               g_strcmp0(mdev_json_node_get_string(node), json_node_get_string(other)) == 0;
    case MDEV_JSON_ARRAY: {
        JsonArray *array = JSON_NODE_HOLDS_ARRAY(other) ? json_node_get_array(other) : NULL;
        const MdevJsonNode *child = mdev_json_node_get_first(node);

        if (array == NULL || json_array_get_length(array) != mdev_json_node_get_size(node))
            return FALSE;
        for (guint i = 0; child; i++, child = mdev_json_node_get_next(child)) {
            if (!same_tree(child, json_array_get_element(array, i)))
                return FALSE;
        }
        return TRUE;
    }
    case MDEV_JSON_OBJECT: {
        JsonObject *object = JSON_NODE_HOLDS_OBJECT(other) ? json_node_get_object(other) : NULL;
        g_autoptr(GList) members = object ? json_object_get_members(object) : NULL;
        const MdevJsonNode *child = mdev_json_node_get_first(node);

        if (object == NULL || json_object_get_size(object) != mdev_json_node_get_size(node))
            return FALSE;
        /* the same members in the same order */
        for (GList *l = members; child; l = l->next, child = mdev_json_node_get_next(child)) {
            if (g_strcmp0(mdev_json_node_get_key(child), l->data) != 0 ||
                !same_tree(child, json_object_get_member(object, l->data)))
                return FALSE;
        }
        return TRUE;
    }
    case MDEV_JSON_LAST:
    default:
        return FALSE;
    }
}

/* Parses @path with both; returns whether this parser accepted it. When it
 * did, json-glib must have read the same tree. */
static gboolean
compare_with_json_glib(const char *path)
{
    g_autofree char *text = NULL;
    gsize length;
    g_autoptr(MdevJsonDoc) doc = NULL;
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_get_contents(path, &text, &length, NULL));
    doc = mdev_json_doc_parse(text, length, &error);
    if (doc == NULL) {
        g_test_message("%s: %s", path, error->message);
        return FALSE;
    }
    /* safe for json-glib: one value, valid UTF-8, at most 128 levels */
    if (!json_parser_load_from_data(parser, text, (gssize) length, &error))
        g_error("%s: accepted, but not by json-glib: %s", path, error->message);
    if (!same_tree(mdev_json_doc_get_root(doc), json_parser_get_root(parser)))
        g_error("%s: read differently by json-glib", path);
    return TRUE;
}

/* The files below @dir whose names end in @suffix ("" for all). */
static void
find_files(GPtrArray *files, const char *dir, const char *suffix)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            find_files(files, path, suffix);
        else if (g_str_has_suffix(name, suffix))
            g_ptr_array_add(files, g_steal_pointer(&path));
    }
}

/* Every JSON file of the tree is read as json-glib reads it. */
static void
test_json_glib_files(void)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *examples = g_test_build_filename(G_TEST_DIST, "..", "examples", NULL);
    g_autofree char *schemas = g_test_build_filename(G_TEST_DIST, "..", "schemas", NULL);
    g_autofree char *data = g_test_build_filename(G_TEST_DIST, "data", NULL);
    g_autofree char *store =
        g_test_build_filename(G_TEST_DIST, "data", "store", "mdevctl-1.2.0", NULL);

    find_files(files, examples, ".json");
    find_files(files, schemas, ".json");
    find_files(files, data, ".json");
    find_files(files, store, ""); /* definitions as mdevctl wrote them */
    g_assert_cmpuint(files->len, >=, 40);
    for (guint i = 0; i < files->len; i++) {
        const char *path = g_ptr_array_index(files, i);

        if (!compare_with_json_glib(path))
            g_error("%s: refused", path);
    }
    g_test_message("%u files read alike", files->len);
}

/* The fuzzers' inputs for the definition and callout parsers, valid and
 * not: what this parser accepts of them, json-glib reads alike. */
static void
test_json_glib_corpus(void)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *const targets[] = { "json", "callout", "json-parse" };
    guint accepted = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(targets); i++) {
        g_autofree char *corpus =
            g_test_build_filename(G_TEST_DIST, "fuzz", "corpus", targets[i], NULL);

        find_files(files, corpus, "");
    }
    for (guint i = 0; i < files->len; i++)
        accepted += compare_with_json_glib(g_ptr_array_index(files, i));
    g_test_message("%u of %u inputs accepted and read alike", accepted, files->len);
    g_assert_cmpuint(accepted, >=, 50);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    g_test_add_func("/json-parse/accept/documents", test_accept);
    g_test_add_func("/json-parse/accept/limits", test_accept_limits);
    g_test_add_func("/json-parse/accept/api", test_api);
    g_test_add_func("/json-parse/refuse/documents", test_refuse);
    g_test_add_func("/json-parse/refuse/limits", test_refuse_limits);
    g_test_add_func("/json-parse/json-glib/files", test_json_glib_files);
    g_test_add_func("/json-parse/json-glib/fuzz-corpus", test_json_glib_corpus);
    return g_test_run();
}
