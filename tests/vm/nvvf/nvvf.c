// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvvf: a test driver that plays NVIDIA's vGPU host driver (the vendor-specific
 * VFIO model, no mdevs) on the SR-IOV functions of QEMU's emulated NVMe
 * controller, so that tools for NVIDIA VF vGPUs can be tested on real PCI VFs
 * and real sysfs without the hardware.
 *
 * The PF (1b36:0010) is bound to this driver under the name "nvidia" and gets
 * sriov_configure; its VFs bind to it too and each gets the nvidia/ directory
 * of the real driver:
 *
 *   creatable_vgpu_types  "ID    : vGPU Name" and one "%-5d : %s" line per type
 *                         that can be created now (homogeneous rule below)
 *   current_vgpu_type     "%d\n"; write a type id to create, 0 to destroy
 *   vgpu_params           comma-separated key=value pairs, cleared on destroy
 *   placement_id          the vGPU's slot on the card; ENXIO without a vGPU
 *   gpu_instance_id       ENXIO: the card has no MIG instances
 *
 * Homogeneous rule: with no vGPU on the card every type is creatable; once one
 * exists only its type is, while fewer than that type's maximum exist; then
 * nothing.  The lists are computed at each read from the card's state, so every
 * write changes every sibling VF's list at once.
 *
 * Where the VF has an IOMMU group, it is also registered with VFIO through
 * vfio-pci-core, as nvidia.ko does, so that a VMM can open it; the VFIO device
 * cannot be opened without a vGPU type.
 *
 * Errors of writes to current_vgpu_type follow one of two profiles (module
 * parameter "profile", changeable at run time):
 *
 *   case                           proprietary   upstream
 *   not a decimal number           EINVAL        EINVAL
 *   VF already has a type          EPERM         EPERM
 *   0 while the VF has none        EPERM         success
 *   VFIO device open               (allowed)     EBUSY
 *   id unknown on this card        EIO + NVRM    ENODEV
 *   other type than the card's     EIO + NVRM    EINVAL
 *   card full for the type         EIO + NVRM    ENOSPC
 *   within release_delay_ms after
 *   the VFIO device was closed     EBUSY         EBUSY
 */

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <linux/kstrtox.h>
#include <linux/vfio_pci_core.h>

#define NVVF_DRIVER_NAME "nvidia"
#define NVVF_PARAMS_MAX 256

struct nvvf_type {
	int id;
	const char *name;
	unsigned int max_instances;
};

/*
 * Two card models.  Ids are card-local and decimal in sysfs; the maxima follow
 * the framebuffer sizes (48 GB and 24 GB).
 */
static const struct nvvf_type nvvf_l40s_types[] = {
	{ 1145, "NVIDIA L40S-1B", 32 },
	{ 1147, "NVIDIA L40S-1Q", 32 },
	{ 1148, "NVIDIA L40S-2Q", 24 },
	{ 1149, "NVIDIA L40S-3Q", 16 },
	{ 1150, "NVIDIA L40S-4Q", 12 },
	{ 1151, "NVIDIA L40S-6Q", 8 },
	{ 1152, "NVIDIA L40S-8Q", 6 },
	{ 1153, "NVIDIA L40S-12Q", 4 },
	{ 1154, "NVIDIA L40S-16Q", 3 },
	{ 1155, "NVIDIA L40S-24Q", 2 },
	{ 1156, "NVIDIA L40S-48Q", 1 },
	{ 1166, "NVIDIA L40S-48A", 1 },
	{ 2164, "NVIDIA L40S-3B", 16 },
	{ 0, NULL, 0 }
};

static const struct nvvf_type nvvf_a10_types[] = {
	{ 590, "NVIDIA A10-1Q", 24 },
	{ 591, "NVIDIA A10-2Q", 12 },
	{ 592, "NVIDIA A10-3Q", 8 },
	{ 593, "NVIDIA A10-4Q", 6 },
	{ 594, "NVIDIA A10-6Q", 4 },
	{ 595, "NVIDIA A10-8Q", 3 },
	{ 596, "NVIDIA A10-12Q", 2 },
	{ 597, "NVIDIA A10-24Q", 1 },
	{ 598, "NVIDIA A10-24A", 1 },
	{ 0, NULL, 0 }
};

enum nvvf_profile { NVVF_PROPRIETARY, NVVF_UPSTREAM };

static int nvvf_profile = NVVF_PROPRIETARY;
static char *model = "l40s";
module_param(model, charp, 0444);
MODULE_PARM_DESC(model, "card model of every PF: l40s (default) or a10");
static unsigned int release_delay_ms;
module_param(release_delay_ms, uint, 0644);
MODULE_PARM_DESC(release_delay_ms,
		 "after the VFIO device is closed, writes to current_vgpu_type fail with EBUSY for this long (default 0)");

static int profile_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "proprietary"))
		nvvf_profile = NVVF_PROPRIETARY;
	else if (sysfs_streq(val, "upstream"))
		nvvf_profile = NVVF_UPSTREAM;
	else
		return -EINVAL;
	return 0;
}

static int profile_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", nvvf_profile == NVVF_UPSTREAM ? "upstream" : "proprietary");
}

static const struct kernel_param_ops profile_ops = {
	.set = profile_set,
	.get = profile_get,
};
module_param_cb(profile, &profile_ops, NULL, 0644);
MODULE_PARM_DESC(profile, "errno profile of current_vgpu_type: proprietary (default) or upstream");

struct nvvf_vf;

/* One per PF: the card. */
struct nvvf_card {
	struct pci_dev *pdev;
	const struct nvvf_type *types;
	/* Protects everything below and the vGPU state of every VF. */
	struct mutex lock;
	int current_type;		/* the type the card is locked to, 0 none */
	unsigned int num_instances;
	unsigned int num_slots;
	struct nvvf_vf **slots;		/* placement slot -> VF holding it */
};

/* One per VF; the VFIO core device must come first (vfio_alloc_device). */
struct nvvf_vf {
	struct vfio_pci_core_device core;
	struct nvvf_card *card;
	bool vfio_registered;
	int type;			/* 0: no vGPU */
	int slot;			/* -1 without a vGPU */
	bool open;
	unsigned long ready_at;		/* jiffies; writes before it get EBUSY */
	char params[NVVF_PARAMS_MAX];
};

static struct pci_driver nvvf_driver;

static const struct nvvf_type *card_find_type(const struct nvvf_card *card, long id)
{
	const struct nvvf_type *t;

	for (t = card->types; t->name; t++)
		if (t->id == id)
			return t;
	return NULL;
}

/* Whether a vGPU of type T can be created on the card now (homogeneous rule). */
static bool card_can_create(const struct nvvf_card *card, const struct nvvf_type *t)
{
	if (card->num_instances == 0)
		return true;
	return card->current_type == t->id && card->num_instances < t->max_instances;
}

static struct nvvf_vf *dev_to_vf(struct device *dev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(dev);

	return container_of(core, struct nvvf_vf, core);
}

static ssize_t creatable_vgpu_types_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct nvvf_vf *vf = dev_to_vf(dev);
	struct nvvf_card *card = vf->card;
	const struct nvvf_type *t;
	int len;

	mutex_lock(&card->lock);
	/* The upstream variant driver lists nothing on a VF that has a type. */
	if (nvvf_profile == NVVF_UPSTREAM && vf->type) {
		mutex_unlock(&card->lock);
		return 0;
	}
	len = sysfs_emit(buf, "ID    : vGPU Name\n");
	for (t = card->types; t->name; t++)
		if (card_can_create(card, t))
			len += sysfs_emit_at(buf, len, "%-5d : %s\n", t->id, t->name);
	mutex_unlock(&card->lock);
	return len;
}
static DEVICE_ATTR_RO(creatable_vgpu_types);

static ssize_t current_vgpu_type_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct nvvf_vf *vf = dev_to_vf(dev);
	int type;

	mutex_lock(&vf->card->lock);
	type = vf->type;
	mutex_unlock(&vf->card->lock);
	return sysfs_emit(buf, "%d\n", type);
}

static int vf_create(struct nvvf_vf *vf, long id)
{
	struct nvvf_card *card = vf->card;
	struct device *dev = &vf->core.pdev->dev;
	const struct nvvf_type *t;
	unsigned int slot;

	if (vf->type) {
		dev_err(dev, "vGPU device already created with type ID %d\n", vf->type);
		return -EPERM;
	}
	t = card_find_type(card, id);
	if (!t || !card_can_create(card, t)) {
		if (nvvf_profile == NVVF_PROPRIETARY) {
			dev_err(dev, "NVRM: Failed to add vgpu create request for type %ld\n", id);
			return -EIO;
		}
		if (!t)
			return -ENODEV;
		if (card->current_type != t->id)
			return -EINVAL;
		return -ENOSPC;
	}
	for (slot = 0; slot < card->num_slots && card->slots[slot]; slot++)
		;
	if (slot == card->num_slots)
		return nvvf_profile == NVVF_PROPRIETARY ? -EIO : -ENOSPC;
	card->slots[slot] = vf;
	card->current_type = t->id;
	card->num_instances++;
	vf->type = t->id;
	vf->slot = slot;
	return 0;
}

/* Called with the card's lock held. */
static void vf_destroy(struct nvvf_vf *vf)
{
	struct nvvf_card *card = vf->card;

	if (!vf->type)
		return;
	card->slots[vf->slot] = NULL;
	card->num_instances--;
	if (card->num_instances == 0)
		card->current_type = 0;
	vf->type = 0;
	vf->slot = -1;
	vf->params[0] = '\0';
}

static ssize_t current_vgpu_type_store(struct device *dev, struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct nvvf_vf *vf = dev_to_vf(dev);
	struct nvvf_card *card = vf->card;
	long id;
	int ret = 0;

	if (kstrtol(buf, 10, &id) || id < 0)
		return -EINVAL;

	mutex_lock(&card->lock);
	if (time_before(jiffies, vf->ready_at)) {
		ret = -EBUSY;
	} else if (vf->open && nvvf_profile == NVVF_UPSTREAM) {
		dev_err(dev, "The VFIO device must be closed before the user can de-select the vGPU type\n");
		ret = -EBUSY;
	} else if (id == 0) {
		if (vf->type)
			vf_destroy(vf);
		else if (nvvf_profile == NVVF_PROPRIETARY) {
			dev_err(dev, "Failed to remove vGPU. No vGPU exists\n");
			ret = -EPERM;
		}
	} else {
		ret = vf_create(vf, id);
	}
	mutex_unlock(&card->lock);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(current_vgpu_type);

static ssize_t vgpu_params_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct nvvf_vf *vf = dev_to_vf(dev);
	ssize_t len;

	mutex_lock(&vf->card->lock);
	len = sysfs_emit(buf, "%s\n", vf->params);
	mutex_unlock(&vf->card->lock);
	return len;
}

/* "key=value[,key=value]...": lowercase keys, decimal values; empty clears. */
static bool params_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t k = i, v;

		while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			i++;
		if (i == k || i == len || s[i] != '=')
			return false;
		v = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == v)
			return false;
		if (i < len && (s[i] != ',' || ++i == len))
			return false;
	}
	return true;
}

static ssize_t vgpu_params_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct nvvf_vf *vf = dev_to_vf(dev);
	size_t len = count;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= NVVF_PARAMS_MAX || !params_valid(buf, len))
		return -EINVAL;
	mutex_lock(&vf->card->lock);
	memcpy(vf->params, buf, len);
	vf->params[len] = '\0';
	mutex_unlock(&vf->card->lock);
	return count;
}
static DEVICE_ATTR_RW(vgpu_params);

static ssize_t placement_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct nvvf_vf *vf = dev_to_vf(dev);
	ssize_t ret;

	mutex_lock(&vf->card->lock);
	ret = vf->type ? sysfs_emit(buf, "%d\n", vf->slot) : -ENXIO;
	mutex_unlock(&vf->card->lock);
	return ret;
}
static DEVICE_ATTR_RO(placement_id);

static ssize_t gpu_instance_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return -ENXIO;
}
static DEVICE_ATTR_RO(gpu_instance_id);

static struct attribute *nvvf_vf_attrs[] = {
	&dev_attr_creatable_vgpu_types.attr,
	&dev_attr_current_vgpu_type.attr,
	&dev_attr_vgpu_params.attr,
	&dev_attr_placement_id.attr,
	&dev_attr_gpu_instance_id.attr,
	NULL
};

static const struct attribute_group nvvf_vf_group = {
	.name = "nvidia",
	.attrs = nvvf_vf_attrs,
};

/* ------------------------------------------------------------------ VFIO */

static int nvvf_open_device(struct vfio_device *core_vdev)
{
	struct nvvf_vf *vf = container_of(core_vdev, struct nvvf_vf, core.vdev);
	int ret;

	mutex_lock(&vf->card->lock);
	if (!vf->type) {
		mutex_unlock(&vf->card->lock);
		dev_err(&vf->core.pdev->dev, "current_vgpu_type of VF not configured\n");
		return -ENODEV;
	}
	vf->open = true;
	mutex_unlock(&vf->card->lock);

	ret = vfio_pci_core_enable(&vf->core);
	if (ret) {
		mutex_lock(&vf->card->lock);
		vf->open = false;
		mutex_unlock(&vf->card->lock);
		return ret;
	}
	vfio_pci_core_finish_enable(&vf->core);
	return 0;
}

static void nvvf_close_device(struct vfio_device *core_vdev)
{
	struct nvvf_vf *vf = container_of(core_vdev, struct nvvf_vf, core.vdev);

	vfio_pci_core_close_device(core_vdev);
	mutex_lock(&vf->card->lock);
	vf->open = false;
	vf->ready_at = jiffies + msecs_to_jiffies(release_delay_ms);
	mutex_unlock(&vf->card->lock);
}

static const struct vfio_device_ops nvvf_vfio_ops = {
	.name = "nvvf-vfio-pci",
	.init = vfio_pci_core_init_dev,
	.release = vfio_pci_core_release_dev,
	.open_device = nvvf_open_device,
	.close_device = nvvf_close_device,
	.ioctl = vfio_pci_core_ioctl,
	.device_feature = vfio_pci_core_ioctl_feature,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vfio_pci_core_match,
};

/* ------------------------------------------------------------ PF and VFs */

static int nvvf_probe_vf(struct pci_dev *pdev)
{
	struct pci_dev *pf = pci_physfn(pdev);
	struct nvvf_card *card;
	struct nvvf_vf *vf;
	struct iommu_group *group;
	int ret;

	/* Only VFs of a PF this driver runs: the card state lives there. */
	if (pf->driver != &nvvf_driver)
		return -ENODEV;
	card = pci_get_drvdata(pf);

	vf = vfio_alloc_device(nvvf_vf, core.vdev, &pdev->dev, &nvvf_vfio_ops);
	if (IS_ERR(vf))
		return PTR_ERR(vf);
	vf->card = card;
	vf->slot = -1;
	vf->ready_at = jiffies;
	dev_set_drvdata(&pdev->dev, &vf->core);

	/*
	 * vfio-pci-core needs an IOMMU group (this kernel has no VFIO no-IOMMU
	 * mode); without one the VF only gets its nvidia/ files.
	 */
	group = iommu_group_get(&pdev->dev);
	if (group) {
		iommu_group_put(group);
		ret = vfio_pci_core_register_device(&vf->core);
		if (ret)
			goto out_put;
		vf->vfio_registered = true;
	} else {
		dev_info(&pdev->dev, "no IOMMU group: not registered with VFIO\n");
	}

	ret = sysfs_create_group(&pdev->dev.kobj, &nvvf_vf_group);
	if (ret)
		goto out_unregister;
	return 0;

out_unregister:
	if (vf->vfio_registered)
		vfio_pci_core_unregister_device(&vf->core);
out_put:
	vfio_put_device(&vf->core.vdev);
	return ret;
}

static void nvvf_remove_vf(struct pci_dev *pdev)
{
	struct nvvf_vf *vf = dev_to_vf(&pdev->dev);

	sysfs_remove_group(&pdev->dev.kobj, &nvvf_vf_group);
	if (vf->vfio_registered)
		vfio_pci_core_unregister_device(&vf->core);
	/* A VF that goes away takes its vGPU with it. */
	mutex_lock(&vf->card->lock);
	vf_destroy(vf);
	mutex_unlock(&vf->card->lock);
	vfio_put_device(&vf->core.vdev);
}

static int nvvf_probe_pf(struct pci_dev *pdev)
{
	struct nvvf_card *card;
	int total = pci_sriov_get_totalvfs(pdev);

	if (total <= 0) {
		dev_err(&pdev->dev, "no SR-IOV capability: not a card for this driver\n");
		return -ENODEV;
	}
	card = devm_kzalloc(&pdev->dev, sizeof(*card), GFP_KERNEL);
	if (!card)
		return -ENOMEM;
	card->slots = devm_kcalloc(&pdev->dev, total, sizeof(*card->slots), GFP_KERNEL);
	if (!card->slots)
		return -ENOMEM;
	card->num_slots = total;
	card->pdev = pdev;
	card->types = strcmp(model, "a10") == 0 ? nvvf_a10_types : nvvf_l40s_types;
	mutex_init(&card->lock);
	pci_set_drvdata(pdev, card);
	dev_info(&pdev->dev, "card model %s, up to %d VFs\n",
		 card->types == nvvf_a10_types ? "a10" : "l40s", total);
	return 0;
}

static int nvvf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return pdev->is_virtfn ? nvvf_probe_vf(pdev) : nvvf_probe_pf(pdev);
}

static void nvvf_remove(struct pci_dev *pdev)
{
	if (pdev->is_virtfn)
		nvvf_remove_vf(pdev);
	else
		pci_disable_sriov(pdev);
}

static int nvvf_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	int ret;

	if (pdev->is_virtfn)
		return -EINVAL;
	if (num_vfs == 0) {
		pci_disable_sriov(pdev);
		return 0;
	}
	ret = pci_enable_sriov(pdev, num_vfs);
	return ret ? ret : num_vfs;
}

/*
 * QEMU's NVMe controller; its VFs carry the same ids.  No MODULE_DEVICE_TABLE:
 * the module is loaded on purpose, never for whatever NVMe drive QEMU has.
 */
static const struct pci_device_id nvvf_ids[] = {
	{ PCI_DEVICE(0x1b36, 0x0010) },
	{ }
};

static struct pci_driver nvvf_driver = {
	.name = NVVF_DRIVER_NAME,
	.id_table = nvvf_ids,
	.probe = nvvf_probe,
	.remove = nvvf_remove,
	.sriov_configure = nvvf_sriov_configure,
	.driver_managed_dma = true,
};

static int __init nvvf_init(void)
{
	if (strcmp(model, "l40s") && strcmp(model, "a10")) {
		pr_err("nvvf: unknown model '%s'\n", model);
		return -EINVAL;
	}
	return pci_register_driver(&nvvf_driver);
}

static void __exit nvvf_exit(void)
{
	pci_unregister_driver(&nvvf_driver);
}

module_init(nvvf_init);
module_exit(nvvf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test driver with NVIDIA's VF vGPU sysfs ABI on QEMU's SR-IOV NVMe functions");
