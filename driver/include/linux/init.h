/* include/linux/init.h: section markers (no sections here). */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H
#define __init
#define __exit
#define __initdata
#endif
