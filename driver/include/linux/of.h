/* Device tree (include/linux/of.h subset): a board description entry is a
 * device_node with its compatible string. */
#ifndef _LINUX_OF_H
#define _LINUX_OF_H
#include <linux/device.h>
#include <linux/mod_devicetable.h>
#endif
