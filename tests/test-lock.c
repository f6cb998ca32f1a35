/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-context.h"
#include "mdev-error.h"
#include "mdev-lock.h"
#include "test-common.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    char *dir;
    MdevContext *ctx;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *state = NULL;

    f->dir = g_dir_make_tmp("mdev-lock-XXXXXX", &error);
    g_assert_no_error(error);
    f->ctx = mdev_context_new();
    /* a state directory that does not exist yet */
    state = g_build_filename(f->dir, "run", "mdevtool", NULL);
    mdev_context_set_state_dir(f->ctx, state);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    test_remove_tree(f->dir);
    g_free(f->dir);
    mdev_context_unref(f->ctx);
}

/* Tries the lock from another process; returns its exit status:
 * 0 = got it, 1 = busy. */
static int
try_in_child(Fixture *f, const char *const *parents)
{
    pid_t pid = fork();
    int status;

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        g_autoptr(GError) error = NULL;
        MdevLock *lock;

        g_setenv(MDEV_ENV_LOCK_TIMEOUT, "0", TRUE);
        lock = mdev_lock_acquire(f->ctx, parents, &error);
        if (lock == NULL)
            _exit(g_error_matches(error, MDEV_ERROR, MDEV_ERROR_BUSY) ? 1 : 2);
        mdev_lock_release(lock);
        _exit(0);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void
test_exclusive(Fixture *f, gconstpointer data)
{
    const char *a[] = { "0000:41:00.4", NULL };
    const char *b[] = { "0000:41:00.5", NULL };
    const char *ab[] = { "0000:41:00.5", "0000:41:00.4", "0000:41:00.5", NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *file =
        g_build_filename(f->dir, "run", "mdevtool", "parent-0000:41:00.4.lock", NULL);
    MdevLock *lock;

    lock = mdev_lock_acquire(f->ctx, a, &error);
    g_assert_no_error(error);
    g_assert_nonnull(lock);
    g_assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpint(try_in_child(f, a), ==, 1);
    g_assert_cmpint(try_in_child(f, b), ==, 0);
    g_assert_cmpint(try_in_child(f, ab), ==, 1);
    mdev_lock_release(lock);
    g_assert_cmpint(try_in_child(f, a), ==, 0);

    /* several parents, duplicates folded */
    lock = mdev_lock_acquire(f->ctx, ab, &error);
    g_assert_no_error(error);
    g_assert_cmpint(try_in_child(f, b), ==, 1);
    g_assert_cmpint(try_in_child(f, a), ==, 1);
    mdev_lock_release(lock);
}

static void
test_dies_with_process(Fixture *f, gconstpointer data)
{
    const char *a[] = { "mtty", NULL };
    pid_t pid = fork();
    int status;

    if (pid == 0) {
        MdevLock *lock = mdev_lock_acquire(f->ctx, a, NULL);
        (void) lock;
        abort(); /* crash while holding it */
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFSIGNALED(status));
    g_assert_cmpint(try_in_child(f, a), ==, 0);
}

static void
test_invalid(Fixture *f, gconstpointer data)
{
    const char *bad[][2] = { { "..", NULL }, { "a/b", NULL }, { "", NULL } };
    g_autoptr(GError) error = NULL;
    g_autofree char *run = g_build_filename(f->dir, "run", NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(mdev_lock_acquire(f->ctx, bad[i], &error));
        g_assert_error(error, MDEV_ERROR, MDEV_ERROR_FAILED);
        g_clear_error(&error);
    }
    g_assert_false(g_file_test(run, G_FILE_TEST_EXISTS));
}

typedef struct {
    char *parent;
    gint64 pid;
    char *command;
    guint calls;
} WaitSeen;

static void
on_wait(const char *parent, gint64 holder_pid, const char *holder_command, gpointer user_data)
{
    WaitSeen *seen = user_data;

    seen->calls++;
    g_free(seen->parent);
    seen->parent = g_strdup(parent);
    seen->pid = holder_pid;
    g_free(seen->command);
    seen->command = g_strdup(holder_command);
}

/* A waiter learns who holds the lock: once, after a second of waiting, and
 * in the timeout's error; the holder's record goes with its lock. */
static void
test_holder(Fixture *f, gconstpointer data)
{
    const char *a[] = { "mtty", NULL };
    g_autofree char *path = g_build_filename(f->dir, "run", "mdevtool", "parent-mtty.lock", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *contents = NULL;
    MdevLock *lock;
    pid_t pid;
    int status;

    g_set_prgname("test-lock holder");
    lock = mdev_lock_acquire(f->ctx, a, &error);
    g_assert_no_error(error);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        g_autoptr(GError) busy = NULL;
        g_autofree char *named = g_strdup_printf("locked by process %ld (test-lock holder)",
                                                 (long) getppid());
        WaitSeen seen = { 0 };

        g_setenv(MDEV_ENV_LOCK_TIMEOUT, "2", TRUE);
        mdev_lock_set_wait_func(f->ctx, on_wait, &seen);
        if (mdev_lock_acquire(f->ctx, a, &busy) != NULL)
            _exit(1);
        if (seen.calls != 1 || g_strcmp0(seen.parent, "mtty") != 0)
            _exit(2);
        if (seen.pid != getppid() || g_strcmp0(seen.command, "test-lock holder") != 0)
            _exit(3);
        if (!g_error_matches(busy, MDEV_ERROR, MDEV_ERROR_BUSY) || !strstr(busy->message, named))
            _exit(4);
        _exit(0);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);

    mdev_lock_release(lock);
    g_file_get_contents(path, &contents, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(contents, ==, "");
}

/* Many processes increment a counter under the lock: no update is lost. */
static void
test_counter(Fixture *f, gconstpointer data)
{
    const int workers = 8, rounds = 40;
    g_autofree char *path = g_build_filename(f->dir, "counter", NULL);
    g_autofree char *contents = NULL;

    g_assert_true(g_file_set_contents(path, "0", -1, NULL));
    for (int w = 0; w < workers; w++) {
        if (fork() == 0) {
            for (int r = 0; r < rounds; r++) {
                g_autoptr(MdevLock) lock = mdev_lock_acquire_one(f->ctx, "matrix", NULL);
                g_autofree char *text = NULL;
                g_autofree char *next = NULL;

                if (lock == NULL)
                    _exit(1);
                g_file_get_contents(path, &text, NULL, NULL);
                next = g_strdup_printf("%d", atoi(text) + 1);
                g_usleep(100);
                g_file_set_contents(path, next, -1, NULL);
            }
            _exit(0);
        }
    }
    for (int w = 0; w < workers; w++) {
        int status;
        g_assert_cmpint(wait(&status), >, 0);
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpint(atoi(contents), ==, workers * rounds);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/lock/exclusive", test_exclusive);
    ADD("/lock/dies-with-process", test_dies_with_process);
    ADD("/lock/invalid", test_invalid);
    ADD("/lock/counter", test_counter);
    ADD("/lock/holder", test_holder);
#undef ADD
    return g_test_run();
}
