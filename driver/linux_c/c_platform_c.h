/* Declarations shared by glue.c and bridge.cpp (C linkage). */
#ifndef DMACOSIM_C_PLATFORM_C_H
#define DMACOSIM_C_PLATFORM_C_H
#ifdef __cplusplus
extern "C" {
#endif
int dmacosim_c_module_loaded(const char *modname);
#ifdef __cplusplus
}
#endif
#endif
