/* module_param() (include/linux/moduleparam.h): the variable is registered
 * under KBUILD_MODNAME (the build defines it, as kbuild does). */
#ifndef _LINUX_MODULEPARAM_H
#define _LINUX_MODULEPARAM_H
#include <dmacosim/bridge.h>

#define module_param(name, type, perm)                                                        \
	static void __attribute__((constructor)) __dmacosim_param_##name(void)              \
	{                                                                                     \
		dmacosim_module_param(KBUILD_MODNAME, #name, &(name), sizeof(name));          \
	}
#define MODULE_PARM_DESC(name, desc)
#endif
