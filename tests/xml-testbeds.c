/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "xml-testbeds.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

static const char *const gvt_attrs[] = { "foo", "bar", "enable_hotplug", "1", NULL };
static const char *const ap_attrs[] = { "assign_adapter", "0x09", "assign_domain", "0x0001", NULL };
static const char *const no_attrs[] = { NULL };

/* Active and defined (attributes come from the definition), active only,
 * defined only, and a definition whose parent is absent. */
const XmlTestbedMdev xml_testbed_mdevs[] = {
    { "0000:00:02.0", "2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "i915-GVTg_V5_4", TRUE, 13,
      "vfio_mdev", TRUE, FALSE, gvt_attrs },
    { "0000:41:00.4", "c0ffee00-5a1e-4c0d-9e7f-41a40a40a404", "nvidia-558", TRUE, 142,
      "nvidia-vgpu-vfio", FALSE, FALSE, no_attrs },
    { "0.0.0052", "8a7c3bf0-3f43-4f0e-8a9a-5b3c1d2e4f60", "vfio_ccw-io", TRUE, 14, "vfio_ccw_mdev",
      FALSE, FALSE, no_attrs },
    { "matrix", "b3f1c1a8-1b53-4a8d-9a0f-4f6f0e9d2c11", "vfio_ap-passthrough", TRUE, 15,
      "vfio_ap_mdev", TRUE, TRUE, ap_attrs },
    { "mtty", "67215cd7-f78e-4352-b10a-ba2a22b1c4d8", "mtty-1", TRUE, 16, "mtty", FALSE, FALSE,
      no_attrs },
    { "mtty", "5f6c7b02-7815-4b90-ae2c-4828080c15ea", "mtty-2", FALSE, -1, NULL, TRUE, TRUE,
      no_attrs },
    { "0000:00:03.0", "0d8a1c33-6b2e-4d7f-8e21-3a4b5c6d7e8f", "i915-GVTg_V5_8", FALSE, -1, NULL,
      TRUE, FALSE, gvt_attrs },
    { NULL },
};

const XmlTestbedCase xml_testbed_cases[] = {
    { "pci-parent", "pci_0000_00_02_0", TRUE, "0000:00:02.0", NULL },
    { "pci-vf-parent", "pci_0000_41_00_4", TRUE, "0000:41:00.4", NULL },
    { "pci-behind-port-parent", "pci_0000_02_00_0", TRUE, "0000:02:00.0", NULL },
    { "css-parent", "css_0_0_0052", TRUE, "0.0.0052", NULL },
    { "ap-matrix", "ap_matrix", TRUE, "matrix", NULL },
    { "mtty-parent", "mtty_mtty", TRUE, "mtty", NULL },
    { "pci-mdev-attrs", "mdev_2f1a0d5e_8a3c_4a6b_9a0e_1c2d3e4f5a6b_0000_00_02_0", FALSE,
      "2f1a0d5e-8a3c-4a6b-9a0e-1c2d3e4f5a6b", "0000:00:02.0" },
    { "pci-vf-mdev", "mdev_c0ffee00_5a1e_4c0d_9e7f_41a40a40a404_0000_41_00_4", FALSE,
      "c0ffee00-5a1e-4c0d-9e7f-41a40a40a404", "0000:41:00.4" },
    { "css-mdev", "mdev_8a7c3bf0_3f43_4f0e_8a9a_5b3c1d2e4f60_0_0_0052", FALSE,
      "8a7c3bf0-3f43-4f0e-8a9a-5b3c1d2e4f60", "0.0.0052" },
    { "ap-mdev", "mdev_b3f1c1a8_1b53_4a8d_9a0f_4f6f0e9d2c11_matrix", FALSE,
      "b3f1c1a8-1b53-4a8d-9a0f-4f6f0e9d2c11", "matrix" },
    { "mtty-mdev", "mdev_67215cd7_f78e_4352_b10a_ba2a22b1c4d8_mtty", FALSE,
      "67215cd7-f78e-4352-b10a-ba2a22b1c4d8", "mtty" },
    { "mtty-mdev-inactive", "mdev_5f6c7b02_7815_4b90_ae2c_4828080c15ea_mtty", FALSE,
      "5f6c7b02-7815-4b90-ae2c-4828080c15ea", "mtty" },
    { "absent-parent-mdev-inactive", "mdev_0d8a1c33_6b2e_4d7f_8e21_3a4b5c6d7e8f_0000_00_03_0",
      FALSE, "0d8a1c33-6b2e-4d7f-8e21-3a4b5c6d7e8f", "0000:00:03.0" },
    { "nvidia-vf-vgpu", "pci_0000_3d_00_4", FALSE, "0000:3d:00.4", NULL, TRUE },
    { NULL },
};

static const MockPciInfo gvt = {
    .vendor = "0x8086",
    .device = "0x3e92",
    .class_code = "0x030000",
    .driver = "i915",
    .iommu_group = 1,
    .numa_node = -1,
};
/* an SR-IOV physical function and one of its VFs, sharing an IOMMU group;
 * only the VF is an mdev parent */
static const MockPciInfo ampere_pf = {
    .vendor = "0x10de",
    .device = "0x2235",
    .class_code = "0x030200",
    .driver = "nvidia",
    .iommu_group = 41,
    .numa_node = 0,
};
static const MockPciInfo ampere_vf = {
    .vendor = "0x10de",
    .device = "0x2235",
    .class_code = "0x030200",
    .driver = "nvidia",
    .physfn = "0000:41:00.0",
    .iommu_group = 41,
    .numa_node = 0,
};
/* a GPU behind a PCIe root port, as on real hosts: its node device's
 * parent is the port */
static const MockPciInfo root_port = {
    .vendor = "0x8086",
    .device = "0xa343",
    .class_code = "0x060400",
    .driver = "pcieport",
    .iommu_group = 5,
    .numa_node = -1,
};
static const MockPciInfo behind_port = {
    .vendor = "0x10de",
    .device = "0x1eb8",
    .class_code = "0x030200",
    .driver = "nvidia",
    .iommu_group = 6,
    .numa_node = -1,
    .upstream = "0000:00:1c.0",
};
/* NVIDIA's vendor-specific VFIO model: the VF stays bound to nvidia, has
 * no mdev types and holds its vGPU through nvidia/current_vgpu_type; to
 * libvirt it is a plain PCI device */
static const MockPciInfo l40s_pf = {
    .vendor = "0x10de",
    .device = "0x26b9",
    .class_code = "0x030200",
    .driver = "nvidia",
    .iommu_group = 30,
    .numa_node = 1,
};
static const MockPciInfo l40s_vf = {
    .vendor = "0x10de",
    .device = "0x26b9",
    .class_code = "0x030200",
    .driver = "nvidia",
    .physfn = "0000:3d:00.0",
    .iommu_group = 140,
    .numa_node = 1,
};
#define CSS_DEV_BUSID "0.0.1234"
#define CSS_DRIVER "vfio_ccw"

typedef struct {
    const char *parent;
    MockTypeInfo info; /* id, name, description, device_api, available_instances */
} TypeRow;

static const TypeRow types[] = {
    { "0000:00:02.0",
      { "i915-GVTg_V5_4", "GVTg_V5_4", "low_gm_size: 128MB\nfence: 4", "vfio-pci", 1 } },
    { "0000:00:02.0",
      { "i915-GVTg_V5_8", "GVTg_V5_8", "low_gm_size: 64MB\nfence: 4", "vfio-pci", 2 } },
    { "0000:00:02.0", { "i915-nameless", NULL, "a type without a name file", "vfio-pci", 0 } },
    { "0000:41:00.4",
      { "nvidia-558", "NVIDIA A40-4Q", "num_heads=4, frl_config=60", "vfio-pci", 1 } },
    { "0000:02:00.0", { "nvidia-222", "GRID T4-1B", NULL, "vfio-pci", 16 } },
    { "0.0.0052", { "vfio_ccw-io", "I/O subchannel (Non-QDIO)", NULL, "vfio-ccw", 0 } },
    { "matrix", { "vfio_ap-passthrough", "VFIO AP Passthrough Device", NULL, "vfio-ap", 65534 } },
    { "mtty", { "mtty-1", "Single port serial", "mtty-1 description", "vfio-pci", 23 } },
    { "mtty", { "mtty-2", "Dual port serial", "mtty-2 description", "vfio-pci", 11 } },
};

/* the proprietary driver's files of a VF that has a vGPU */
static const char *const l40s_vf_files[] = {
    "creatable_vgpu_types", "ID    : vGPU Name\n",    "current_vgpu_type", "1148\n",
    "vgpu_params",          "frame_rate_limiter=0\n",
};

void
xml_testbed_build(MockSysfs *sysfs)
{
    const char *vf;

    mock_sysfs_add_pci_parent(sysfs, "0000:00:02.0", &gvt);
    mock_sysfs_add_pci_parent(sysfs, "0000:41:00.0", &ampere_pf);
    mock_sysfs_add_pci_parent(sysfs, "0000:41:00.4", &ampere_vf);
    mock_sysfs_add_pci_parent(sysfs, "0000:00:1c.0", &root_port);
    mock_sysfs_add_pci_parent(sysfs, "0000:02:00.0", &behind_port);
    mock_sysfs_add_pci_parent(sysfs, "0000:3d:00.0", &l40s_pf);
    vf = mock_sysfs_add_pci_parent(sysfs, "0000:3d:00.4", &l40s_vf);
    for (gsize i = 0; i < G_N_ELEMENTS(l40s_vf_files); i += 2) {
        g_autofree char *path = g_build_filename(vf, "nvidia", l40s_vf_files[i], NULL);
        mock_sysfs_write_file(sysfs, path, l40s_vf_files[i + 1]);
    }
    mock_sysfs_add_css_parent(sysfs, "0.0.0052", CSS_DEV_BUSID, CSS_DRIVER);
    mock_sysfs_add_ap_matrix(sysfs);
    mock_sysfs_add_generic_parent(sysfs, "mtty");
    mock_sysfs_register_parent(sysfs, "0000:00:02.0", FALSE);
    mock_sysfs_register_parent(sysfs, "0000:41:00.4", FALSE);
    mock_sysfs_register_parent(sysfs, "0000:02:00.0", FALSE);
    mock_sysfs_register_parent(sysfs, "0.0.0052", FALSE);
    mock_sysfs_register_parent(sysfs, "matrix", FALSE);
    mock_sysfs_register_parent(sysfs, "mtty", FALSE);
    for (gsize i = 0; i < G_N_ELEMENTS(types); i++)
        mock_sysfs_add_type(sysfs, types[i].parent, &types[i].info);

    for (const XmlTestbedMdev *m = xml_testbed_mdevs; m->uuid; m++) {
        if (m->active)
            mock_sysfs_add_mdev(sysfs, m->parent, m->uuid, m->type_id, m->iommu_group, m->driver);
    }
}

/* A definition file as mdevctl writes it: <dir>/<parent>/<uuid>, 2-space
 * JSON, keys mdev_type, start, attrs. */
static char *
definition_json(const XmlTestbedMdev *m)
{
    GString *json = g_string_new("{\n");

    g_string_append_printf(json, "  \"mdev_type\": \"%s\",\n", m->type_id);
    g_string_append_printf(json, "  \"start\": \"%s\",\n", m->autostart ? "auto" : "manual");
    if (m->attrs[0] == NULL) {
        g_string_append(json, "  \"attrs\": []\n}");
        return g_string_free(json, FALSE);
    }
    g_string_append(json, "  \"attrs\": [\n");
    for (const char *const *a = m->attrs; a[0]; a += 2) {
        g_string_append_printf(json, "    {\n      \"%s\": \"%s\"\n    }%s\n", a[0], a[1],
                               a[2] ? "," : "");
    }
    g_string_append(json, "  ]\n}");
    return g_string_free(json, FALSE);
}

gboolean
xml_testbed_write_definitions(const char *dir, GError **error)
{
    for (const XmlTestbedMdev *m = xml_testbed_mdevs; m->uuid; m++) {
        g_autofree char *parent_dir = NULL;
        g_autofree char *path = NULL;
        g_autofree char *json = NULL;

        if (!m->defined)
            continue;
        parent_dir = g_build_filename(dir, m->parent, NULL);
        path = g_build_filename(parent_dir, m->uuid, NULL);
        json = definition_json(m);
        if (g_mkdir_with_parents(parent_dir, 0755) < 0) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", parent_dir,
                        g_strerror(errno));
            return FALSE;
        }
        if (!g_file_set_contents(path, json, -1, error))
            return FALSE;
    }
    return TRUE;
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* libvirt lists a parent's types and the members of its IOMMU group in
 * directory order, which depends on the filesystem; mdevtool sorts them. So
 * the <type> blocks of each mdev_types capability and each run of <address>
 * lines are put in order on both sides. Nothing else changes: indentation,
 * blank lines and the final newline are compared byte for byte. */
static gboolean
line_starts(const char *line, const char *prefix)
{
    while (*line == ' ')
        line++;
    return g_str_has_prefix(line, prefix);
}

char *
xml_testbed_normalise(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n = g_strv_length(lines);
    g_autoptr(GString) out = g_string_new(NULL);
    guint i = 0;

    while (i < n) {
        const char *line = lines[i];

        if (line_starts(line, "<type id=") && !g_str_has_suffix(line, "/>")) {
            g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func(g_free);
            while (i < n && line_starts(lines[i], "<type id=")) {
                GString *block = g_string_new(NULL);
                const char *l;
                do {
                    l = lines[i++];
                    g_string_append_printf(block, "%s\n", l);
                } while (!line_starts(l, "</type>") && i < n);
                g_ptr_array_add(blocks, g_string_free(block, FALSE));
            }
            g_ptr_array_sort(blocks, compare_strings);
            for (guint b = 0; b < blocks->len; b++)
                g_string_append(out, g_ptr_array_index(blocks, b));
            continue;
        }
        if (line_starts(line, "<address ")) {
            g_autoptr(GPtrArray) run = g_ptr_array_new();
            while (i < n && line_starts(lines[i], "<address "))
                g_ptr_array_add(run, lines[i++]);
            g_ptr_array_sort(run, compare_strings);
            for (guint r = 0; r < run->len; r++)
                g_string_append_printf(out, "%s\n", (const char *) g_ptr_array_index(run, r));
            continue;
        }
        /* the piece after the last newline, empty for a complete text */
        if (i + 1 == n)
            g_string_append(out, line);
        else
            g_string_append_printf(out, "%s\n", line);
        i++;
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}
