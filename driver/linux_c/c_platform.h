// The C side of dmacosim seen from C++ (scenarios, tests): board devices for
// C platform drivers, module parameters, and what the bridge tracks.
// Only opaque pointers to C structures cross here.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

struct platform_device;

extern "C" {
// Creates a platform device from a board-description entry: `compatible`
// matched against the drivers' of_match_table, one IORESOURCE_MEM
// [regs, regs + regs_size), one IRQ, and a reserved coherent-memory region
// for its DMA allocations. NULL on a bad description.
struct platform_device* dmacosim_c_platform_device_add(const char* name, const char* compatible, uint64_t regs,
                                                       uint64_t regs_size, int irq, uint64_t coherent_base,
                                                       uint64_t coherent_size);
// Binds the first registered driver whose of_match_table matches and runs
// its probe (process context). 0, the probe's error, or -ENODEV (no driver).
int dmacosim_c_platform_probe(struct platform_device* pdev);
// The bound driver's .remove, then the devm_ allocations are released.
int dmacosim_c_platform_remove(struct platform_device* pdev);
void dmacosim_c_platform_device_del(struct platform_device* pdev);
// The dmaengine model's device of the platform device (coherent memory, names).
void* dmacosim_c_platform_cxx_dev(struct platform_device* pdev);
}

namespace dmacosim::linux_c {

// module_param() variables: set "modname.param" before the probe, as
// `modprobe modname param=value`. A bool/int parameter takes a decimal
// value. false with *error set for an unknown parameter or a bad value.
bool set_module_param(const std::string& modname, const std::string& param, const std::string& value,
                      std::string* error);
// Modules that registered a platform driver (module_platform_driver()).
bool module_loaded(const std::string& modname);

// What the bridge keeps for the C side (leak and quiescence checks):
// descriptors with a proxy still alive, tasklets and their runs, completion
// twins (one per address a completion was used at), and bytes
// of kmalloc() not freed by C code.
struct bridge_stats {
  size_t live_descriptors = 0;
  size_t live_tasklets = 0;
  size_t live_completions = 0;
  uint64_t tasklet_runs = 0, tasklet_runs_in_ksoftirqd = 0;
  size_t kmalloc_bytes_live = 0;
  size_t coherent_blocks_live = 0;
};
bridge_stats stats();

}  // namespace dmacosim::linux_c
