/* include/linux/module.h subset. Loading is the program start: module
 * parameters and platform drivers are registered then, and a run sets the
 * parameters before it probes (as `modprobe mod param=value`). */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H
#include <linux/init.h>
#include <linux/moduleparam.h>

#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_ALIAS(x)
#define MODULE_DEVICE_TABLE(type, name)
#define THIS_MODULE ((void *)0)
#endif
