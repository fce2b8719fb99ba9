/* Platform devices and drivers (include/linux/platform_device.h subset).
 * Devices come from the run's board description (a DT-like node with a
 * compatible string, a register window, an interrupt and a reserved
 * coherent-memory region); a driver binds through its of_match_table. */
#ifndef _LINUX_PLATFORM_DEVICE_H
#define _LINUX_PLATFORM_DEVICE_H
#include <linux/device.h>
#include <linux/mod_devicetable.h>

#define IORESOURCE_MEM 0x00000200
#define IORESOURCE_IRQ 0x00000400

struct resource {
	resource_size_t start;
	resource_size_t end;
	const char *name;
	unsigned long flags;
};
static inline resource_size_t resource_size(const struct resource *res) { return res->end - res->start + 1; }

struct platform_device {
	const char *name;
	int id;
	struct device dev;
	u32 num_resources;
	struct resource *resource;
};
#define to_platform_device(x) container_of((x), struct platform_device, dev)

struct platform_driver {
	int (*probe)(struct platform_device *);
	int (*remove)(struct platform_device *);
	struct device_driver driver;
};

static inline void *platform_get_drvdata(const struct platform_device *pdev) { return dev_get_drvdata(&pdev->dev); }
static inline void platform_set_drvdata(struct platform_device *pdev, void *data) { dev_set_drvdata(&pdev->dev, data); }

#ifdef __cplusplus
extern "C" {
#endif
struct resource *platform_get_resource(struct platform_device *dev, unsigned int type, unsigned int num);
int platform_get_irq(struct platform_device *dev, unsigned int num);
void __iomem *devm_ioremap_resource(struct device *dev, const struct resource *res);
void __iomem *devm_platform_ioremap_resource(struct platform_device *pdev, unsigned int index);
int platform_driver_register(struct platform_driver *drv);
void platform_driver_unregister(struct platform_driver *drv);
/* dmacosim: the driver's module loading (module_platform_driver). */
void dmacosim_platform_driver_add(struct platform_driver *drv, const char *modname);
#ifdef __cplusplus
}
#endif

#define module_platform_driver(__platform_driver)                                                   \
	static void __attribute__((constructor)) __dmacosim_load_##__platform_driver(void)        \
	{                                                                                           \
		dmacosim_platform_driver_add(&(__platform_driver), KBUILD_MODNAME);                 \
	}
#endif
