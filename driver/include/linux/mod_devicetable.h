/* Device-tree match table entry (include/linux/mod_devicetable.h). */
#ifndef _LINUX_MOD_DEVICETABLE_H
#define _LINUX_MOD_DEVICETABLE_H
struct of_device_id {
	char name[32];
	char type[32];
	char compatible[128];
	const void *data;
};
#endif
