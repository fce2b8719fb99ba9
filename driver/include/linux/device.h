/* struct device and the devm_/dev_ helpers (include/linux/device.h subset). */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/types.h>

struct of_device_id;
struct device_node {
	const char *name;
	const char *compatible;
};

struct device_driver {
	const char *name;
	const struct of_device_id *of_match_table;
};

struct device {
	const char *init_name;
	struct device_node *of_node;
	struct device_driver *driver;
	void *driver_data;
	void *platform_data;
	struct list_head devres_head; /* devm_* allocations, released after .remove */
	void *dmacosim_dev;	      /* dmacosim: the dmaengine model's device */
};

static inline const char *dev_name(const struct device *dev) { return dev->init_name; }
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }

#ifdef __cplusplus
extern "C" {
#endif
void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp);
void devm_kfree(struct device *dev, const void *p);
int dev_printk(const char *level, const struct device *dev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#ifdef __cplusplus
}
#endif
#define devm_kzalloc(dev, size, gfp) devm_kmalloc((dev), (size), (gfp) | __GFP_ZERO)
#define devm_kcalloc(dev, n, size, gfp) devm_kzalloc((dev), (n) * (size), (gfp))

#define dev_err(dev, fmt, ...) dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) dev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) dev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)
#endif
