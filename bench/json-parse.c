/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Definition parsing by the library's reader
 * (mdev_json_definition_from_string(), the own parser behind it) against
 * json-c and the bare own parser (mdev-json-parse), on the same files
 * (bench/README.md).
 *
 * Usage: json-parse library|json-c|own|own-reuse CONF_DIR ROUNDS
 *        json-parse limits
 *
 * The first form reads every CONF_DIR/<parent>/<uuid> into memory, then
 * parses all of them ROUNDS times into definitions and prints the CPU time
 * per file, the files and the peak RSS. The json-c and own sides do the work
 * the library's reader does: the same checks of "mdev_type", "start" and
 * "attrs", the same records; "own" parses each file into a new document,
 * "own-reuse" loads every file into one document. "limits" prints how each
 * library treats deep nesting and bytes that are not UTF-8.
 */
#include "mdev-error.h"
#include "mdev-json-parse.h"
#include "mdev-json.h"
#include "mdev-util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct {
    char *parent;
    char *uuid;
    char *text;
} File;

static MdevDevice *
parse_json_c(const File *file, GError **error)
{
    g_autoptr(MdevDevice) definition = NULL;
    json_tokener *tok = json_tokener_new_ex(MDEV_JSON_MAX_DEPTH);
    json_object *root, *node;

    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    root = json_tokener_parse_ex(tok, file->text, (int) strlen(file->text));
    if (root == NULL || json_tokener_get_error(tok) != json_tokener_success) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, "not valid JSON: %s",
                    json_tokener_error_desc(json_tokener_get_error(tok)));
        json_object_put(root);
        json_tokener_free(tok);
        return NULL;
    }
    json_tokener_free(tok);
    if (!json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "mdev_type", &node) ||
        !json_object_is_type(node, json_type_string) ||
        !mdev_util_check_name("type", json_object_get_string(node), error)) {
        json_object_put(root);
        if (error && *error == NULL)
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, "bad definition");
        return NULL;
    }
    definition = mdev_device_new(file->uuid, file->parent);
    definition->defined = TRUE;
    definition->type = g_strdup(json_object_get_string(node));
    if (!json_object_object_get_ex(root, "start", &node) ||
        json_object_is_type(node, json_type_null)) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            "the definition has no 'start'");
        json_object_put(root);
        return NULL;
    }
    definition->autostart = json_object_is_type(node, json_type_string) &&
                            strcmp(json_object_get_string(node), "auto") == 0;
    if (json_object_object_get_ex(root, "attrs", &node) &&
        json_object_is_type(node, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(node); i++) {
            json_object *attr = json_object_array_get_idx(node, i);
            struct json_object_iterator it, end;
            const char *name;
            json_object *value;

            if (!json_object_is_type(attr, json_type_object) ||
                json_object_object_length(attr) != 1)
                break;
            it = json_object_iter_begin(attr);
            end = json_object_iter_end(attr);
            if (json_object_iter_equal(&it, &end))
                break;
            name = json_object_iter_peek_name(&it);
            value = json_object_iter_peek_value(&it);
            if (!json_object_is_type(value, json_type_string) ||
                !mdev_util_check_name("attribute", name, error))
                break;
            g_ptr_array_add(definition->attrs, mdev_attr_new(name, json_object_get_string(value)));
        }
    }
    json_object_put(root);
    return g_steal_pointer(&definition);
}

typedef enum {
    MODE_LIBRARY,
    MODE_JSON_C,
    MODE_OWN,
    MODE_OWN_REUSE,
} Mode;

static const char *const mode_names[] = { "library", "json-c", "own", "own-reuse" };

/* parse_json_c() with the library's own parser; @doc is the document to
 * load into, or NULL for a new one per file. */
static MdevDevice *
parse_own(const File *file, MdevJsonDoc *doc, GError **error)
{
    g_autoptr(MdevJsonDoc) own = NULL;
    g_autoptr(MdevDevice) definition = NULL;
    const MdevJsonNode *root, *node;

    if (doc == NULL) {
        doc = own = mdev_json_doc_parse(file->text, strlen(file->text), error);
        if (doc == NULL)
            return NULL;
    } else if (!mdev_json_doc_load(doc, file->text, strlen(file->text), error)) {
        return NULL;
    }
    root = mdev_json_doc_get_root(doc);
    node = mdev_json_object_get(root, "mdev_type");
    if (mdev_json_node_get_string(node) == NULL ||
        !mdev_util_check_name("type", mdev_json_node_get_string(node), error)) {
        if (error && *error == NULL)
            g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, "bad definition");
        return NULL;
    }
    definition = mdev_device_new(file->uuid, file->parent);
    definition->defined = TRUE;
    definition->type = g_strdup(mdev_json_node_get_string(node));
    node = mdev_json_object_get(root, "start");
    if (node == NULL || mdev_json_node_get_type(node) == MDEV_JSON_NULL) {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                            "the definition has no 'start'");
        return NULL;
    }
    definition->autostart = g_strcmp0(mdev_json_node_get_string(node), "auto") == 0;
    node = mdev_json_object_get(root, "attrs");
    if (node && mdev_json_node_get_type(node) == MDEV_JSON_ARRAY) {
        for (const MdevJsonNode *attr = mdev_json_node_get_first(node); attr;
             attr = mdev_json_node_get_next(attr)) {
            const MdevJsonNode *value = mdev_json_node_get_first(attr);

            if (mdev_json_node_get_type(attr) != MDEV_JSON_OBJECT ||
                mdev_json_node_get_size(attr) != 1 || mdev_json_node_get_string(value) == NULL ||
                !mdev_util_check_name("attribute", mdev_json_node_get_key(value), error))
                break;
            g_ptr_array_add(definition->attrs, mdev_attr_new(mdev_json_node_get_key(value),
                                                             mdev_json_node_get_string(value)));
        }
    }
    return g_steal_pointer(&definition);
}

static GArray *
read_files(const char *conf)
{
    GArray *files = g_array_new(FALSE, FALSE, sizeof(File));
    g_autoptr(GDir) dir = g_dir_open(conf, 0, NULL);
    const char *parent;

    while (dir && (parent = g_dir_read_name(dir))) {
        g_autofree char *sub = g_build_filename(conf, parent, NULL);
        g_autoptr(GDir) d = g_dir_open(sub, 0, NULL);
        const char *uuid;

        while (d && (uuid = g_dir_read_name(d))) {
            g_autofree char *path = g_build_filename(sub, uuid, NULL);
            File f = { g_strdup(parent), g_strdup(uuid), NULL };

            if (g_file_get_contents(path, &f.text, NULL, NULL))
                g_array_append_val(files, f);
        }
    }
    return files;
}

static double
cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static gboolean
parse_one(Mode mode, MdevJsonDoc *doc, const File *file, GError **error)
{
    g_autoptr(MdevDevice) definition = NULL;

    switch (mode) {
    case MODE_LIBRARY:
        definition = mdev_json_definition_from_string(file->text, file->parent, file->uuid, error);
        break;
    case MODE_JSON_C:
        definition = parse_json_c(file, error);
        break;
    case MODE_OWN:
        definition = parse_own(file, NULL, error);
        break;
    case MODE_OWN_REUSE:
        definition = parse_own(file, doc, error);
        break;
    }
    return definition != NULL;
}

static void
limits(void)
{
    const guint depths[] = { 100, 129, 1000, 100000 };
    const char *const texts[] = {
        "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a\": \"\\u00e9\"}]}",
        "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a\": \"\xc3\xa9\"}]}",
        "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a\": \"\xe9\"}]}",
        "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a\": \"\xed\xa0\x80\"}]}",
        "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a\": \"\\ud800\"}]}",
    };
    const char *const names[] = { "\\u00e9 escape", "UTF-8 e-acute", "Latin-1 byte 0xe9",
                                  "UTF-8-encoded surrogate", "lone \\ud800 escape" };

    for (guint i = 0; i < G_N_ELEMENTS(depths); i++) {
        g_autoptr(GString) text =
            g_string_new("{\"mdev_type\": \"t\", \"start\": \"auto\", \"x\": ");
        File f = { (char *) "p", (char *) "u", NULL };

        for (guint d = 0; d < depths[i]; d++)
            g_string_append_c(text, '[');
        for (guint d = 0; d < depths[i]; d++)
            g_string_append_c(text, ']');
        g_string_append_c(text, '}');
        f.text = text->str;
        for (Mode mode = MODE_LIBRARY; mode <= MODE_OWN; mode++) {
            g_autoptr(GError) error = NULL;
            gboolean ok = parse_one(mode, NULL, &f, &error);

            printf("| nesting %u | %s | %s |\n", depths[i] + 1, mode_names[mode],
                   ok ? "accepted" : error->message);
        }
    }
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
        File f = { (char *) "p", (char *) "u", (char *) texts[i] };

        for (Mode mode = MODE_LIBRARY; mode <= MODE_OWN; mode++) {
            g_autoptr(GError) error = NULL;
            gboolean ok = parse_one(mode, NULL, &f, &error);

            printf("| %s | %s | %s |\n", names[i], mode_names[mode],
                   ok ? "accepted" : error->message);
        }
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(GArray) files = NULL;
    g_autoptr(MdevJsonDoc) doc = mdev_json_doc_new();
    Mode mode = MODE_LIBRARY;
    guint rounds;
    struct rusage usage;
    double start, total;

    if (argc == 2 && strcmp(argv[1], "limits") == 0) {
        limits();
        return 0;
    }
    while (argc == 4 && mode < G_N_ELEMENTS(mode_names) && strcmp(argv[1], mode_names[mode]) != 0)
        mode++;
    if (argc != 4 || mode == G_N_ELEMENTS(mode_names)) {
        fprintf(stderr, "usage: json-parse library|json-c|own|own-reuse CONF_DIR ROUNDS | "
                        "json-parse limits\n");
        return 2;
    }
    rounds = (guint) atoi(argv[3]);
    files = read_files(argv[2]);
    if (files->len == 0) {
        fprintf(stderr, "json-parse: no definitions in %s\n", argv[2]);
        return 1;
    }
    start = cpu_ms();
    for (guint r = 0; r < rounds; r++) {
        for (guint i = 0; i < files->len; i++) {
            g_autoptr(GError) error = NULL;

            if (!parse_one(mode, doc, &g_array_index(files, File, i), &error)) {
                fprintf(stderr, "json-parse: %s\n", error->message);
                return 1;
            }
        }
    }
    total = cpu_ms() - start;
    getrusage(RUSAGE_SELF, &usage);
    printf("%s: %u files x %u rounds, %.2f us CPU per file, peak RSS %ld KiB\n", mode_names[mode],
           files->len, rounds, total * 1e3 / (files->len * rounds), usage.ru_maxrss);
    return 0;
}
