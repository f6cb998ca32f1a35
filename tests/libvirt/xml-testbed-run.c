/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Builds the XML test host (tests/xml-testbeds.c) as a umockdev testbed,
 * writes its definitions in mdevctl's layout, and runs a command that sees
 * both: regen-golden.sh runs libvirtd and virsh this way.
 *
 *   xml-testbed-run --list                 print "<golden> <nodedev name>" lines
 *   xml-testbed-run --compare FILE1 FILE2  equal after the test's normalisation?
 *   xml-testbed-run DEFS_DIR COMMAND...    build, write definitions, run COMMAND
 */
#include "xml-testbeds.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

int
main(int argc, char **argv)
{
    g_autoptr(MockSysfs) sysfs = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (const XmlTestbedCase *c = xml_testbed_cases; c->golden; c++)
            printf("%s %s\n", c->golden, c->nodedev);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "--compare") == 0) {
        g_autofree char *a = NULL;
        g_autofree char *b = NULL;
        g_autofree char *na = NULL;
        g_autofree char *nb = NULL;

        if (!g_file_get_contents(argv[2], &a, NULL, &error) ||
            !g_file_get_contents(argv[3], &b, NULL, &error)) {
            fprintf(stderr, "xml-testbed-run: %s\n", error->message);
            return 2;
        }
        na = xml_testbed_normalise(a);
        nb = xml_testbed_normalise(b);
        return strcmp(na, nb) == 0 ? 0 : 1;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: %s --list | --compare FILE1 FILE2 | DEFS_DIR COMMAND [ARGS...]\n",
                argv[0]);
        return 2;
    }

    /* umockdev_testbed_new() exports UMOCKDEV_DIR for the command */
    sysfs = mock_sysfs_new();
    xml_testbed_build(sysfs);
    if (!xml_testbed_write_definitions(argv[1], &error)) {
        fprintf(stderr, "xml-testbed-run: %s\n", error->message);
        return 1;
    }
    if (!g_spawn_sync(NULL, argv + 2, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                      NULL, NULL, NULL, NULL, &status, &error)) {
        fprintf(stderr, "xml-testbed-run: %s\n", error->message);
        return 1;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 1;
}
