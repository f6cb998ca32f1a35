/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mdevctl front end's command line. libvirt and scripts build it from
 * names and UUIDs they were given; the input is argv with NUL between the
 * words, the first word being the program name (mdevctl, lsmdev, ...). */
#include "fuzz.h"

#include "mdev-util.h"
#include "mdevctl.h"

#include <string.h>

/* more than any command takes, fewer than would only make inputs longer */
#define MAX_WORDS 32

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *copy = g_malloc(size + 1);
    g_auto(MdevctlArgs) args = { 0 };
    char *argv[MAX_WORDS + 1];
    int argc = 0;
    int status;

    memcpy(copy, data, size);
    copy[size] = '\0';
    for (size_t start = 0; start < size && argc < MAX_WORDS;) {
        argv[argc++] = copy + start;
        start += strlen(copy + start) + 1;
    }
    argv[argc] = NULL;

    status = mdevctl_args_parse(argc, argv, &args);
    g_assert_true(status == -1 || status == MDEVCTL_EXIT_OK || status == MDEVCTL_EXIT_USAGE);
    if (status == -1) {
        /* a command runs: it has a name, and every option it takes was checked */
        g_assert_nonnull(args.command);
        g_assert_true((args.uuid != NULL) == mdevctl_args_has(&args, MDEVCTL_OPT_UUID));
        if (args.uuid)
            g_assert_true(mdev_util_uuid_is_canonical(args.uuid));
    }
    return 0;
}
