/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A program linked with the library alone (tests/test-startup.sh): it
 * makes a context and reads and writes JSON the way the library does, so
 * that the loader's trace shows what the library itself pulls in. */
#include "mdev-context.h"
#include "mdev-json.h"
#include "mdev-vgpu-store.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
    g_autoptr(MdevContext) ctx = mdev_context_new();
    g_autoptr(MdevDevice) definition = NULL;
    g_autoptr(MdevVgpuDefinition) vgpu = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_autofree char *vgpu_text = NULL;

    definition = mdev_json_definition_from_string(
        "{\"mdev_type\": \"mtty-1\", \"start\": \"auto\", \"attrs\": [{\"a\": \"1\"}]}", "mtty",
        "11111111-1111-4111-8111-111111111111", &error);
    if (definition == NULL) {
        fprintf(stderr, "libmdev-startup: %s\n", error->message);
        return 1;
    }
    text = mdev_json_definition_to_string(definition);
    vgpu = mdev_vgpu_definition_new("11111111-1111-4111-8111-111111111111", "0000:3d:00.0",
                                    "nvidia-1148");
    vgpu_text = mdev_vgpu_definition_to_string(vgpu);
    printf("%s\n%s", text, vgpu_text);
    printf("conf dir %s\n", mdev_context_get_conf_dir(ctx));
    return 0;
}
