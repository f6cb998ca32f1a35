/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs a fuzz target without libFuzzer: each file of its seed corpus and each
 * crash reproducer once, as TAP test cases, so that "make check" catches a
 * regression on any input the fuzzer has seen, with whatever compiler built
 * the tree. Under ASan/UBSan a crash, an overflow or a leak fails the run.
 *
 *   tests/fuzz/fuzz-json            the corpus and the reproducers
 *   tests/fuzz/fuzz-json FILE...    just these inputs (say, a new crash)
 *
 * FUZZ_TARGET is the target's name; its inputs are under
 * tests/fuzz/corpus/FUZZ_TARGET and tests/fuzz/crashes/FUZZ_TARGET. */
#include "fuzz.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs one input from a buffer of exactly its size, as libFuzzer does, so
 * that ASan sees a read past the end. Whatever the target prints on stdout
 * (the mdevctl front end's help text) must not mix with the TAP stream. */
static void
replay_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *contents = NULL;
    uint8_t *data;
    gsize length;
    int saved_stdout;
    int devnull;

    if (!g_file_get_contents(path, &contents, &length, &error))
        g_error("cannot read '%s': %s", path, error->message);
    data = malloc(length ? length : 1);
    g_assert_nonnull(data);
    memcpy(data, contents, length);

    fflush(stdout);
    saved_stdout = dup(STDOUT_FILENO);
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    g_assert_cmpint(saved_stdout, >=, 0);
    g_assert_cmpint(devnull, >=, 0);
    dup2(devnull, STDOUT_FILENO);
    LLVMFuzzerTestOneInput(data, length);
    fflush(stdout);
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
    close(devnull);
    free(data);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The files of @dir in name order, or NULL when it does not exist. */
static GPtrArray *
list_inputs(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *files;
    const char *name;

    if (d == NULL)
        return NULL;
    files = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(d)) != NULL) {
        if (name[0] != '.')
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    }
    g_ptr_array_sort(files, compare_strings);
    return files;
}

static void
test_corpus(gconstpointer user_data)
{
    const char *dir = user_data;
    g_autoptr(GPtrArray) files = list_inputs(dir);

    /* a missing or empty corpus would make this test pass without testing */
    g_assert_nonnull(files);
    g_assert_cmpuint(files->len, >, 0);
    for (guint i = 0; i < files->len; i++)
        replay_file(g_ptr_array_index(files, i));
    g_test_message("replayed %u inputs from %s", files->len, dir);
}

static void
test_file(gconstpointer user_data)
{
    replay_file(user_data);
}

int
main(int argc, char **argv)
{
    g_autofree char *corpus = NULL;
    g_autofree char *crashes = NULL;
    g_autoptr(GPtrArray) reproducers = NULL;
    g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(g_free);

    g_test_init(&argc, &argv, NULL);
    LLVMFuzzerInitialize(&argc, &argv);

    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            char *path = g_strdup(argv[i]);
            g_autofree char *test = g_strdup_printf("/fuzz/%s/file/%d", FUZZ_TARGET, i);

            g_ptr_array_add(keep, path);
            g_test_add_data_func(test, path, test_file);
        }
        return g_test_run();
    }

    corpus = g_test_build_filename(G_TEST_DIST, "fuzz", "corpus", FUZZ_TARGET, NULL);
    g_test_add_data_func("/fuzz/" FUZZ_TARGET "/corpus", corpus, test_corpus);

    crashes = g_test_build_filename(G_TEST_DIST, "fuzz", "crashes", FUZZ_TARGET, NULL);
    reproducers = list_inputs(crashes);
    for (guint i = 0; reproducers && i < reproducers->len; i++) {
        const char *path = g_ptr_array_index(reproducers, i);
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *test = g_strdup_printf("/fuzz/%s/crash/%s", FUZZ_TARGET, base);

        g_test_add_data_func(test, path, test_file);
    }
    return g_test_run();
}
