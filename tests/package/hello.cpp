// Scenario "hello": the kernel-C client (hello_client.c) copies a buffer
// through the kernel-C DMA provider (--driver=c-virt-dma) on the RTL, under
// the lock validator. `hello-sim run hello --help` lists its setting.
#include "driver/dmaengine/dmaengine.h"
#include "driver/linux_c/c_platform.h"
#include "driver/linux_c/dmac_provider.h"
#include "hello_client.h"
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace {
using namespace dmacosim;

int run_hello(const ScenarioOptions& opt) {
  if (!linux_c::dmac_driver_is_c(opt.driver)) {
    fprintf(stderr, "hello: the kernel-C client needs a kernel-C provider: --driver=c-virt-dma or c-legacy-bh\n");
    return kExitUsage;
  }
  const unsigned len = scenario_uint(opt, "bytes", 3000);
  ScenarioReport report("hello", opt);
  System sys("sys", PlatformConfig{});
  linux_c::DmacProvider dmac;
  std::string error, end_state;
  int ret = -1;
  sys.start_init([&]() -> int {
    // The board (tb/board.h): the controller's registers, IRQ and coherent pool.
    if (dmac.probe(opt.driver, board::dmac_pdata(), &error)) {
      board::add_dma_slave("hello", "rx", 0);  // the client's "dmas" entry: any free channel of "dmac"
      // Its board entry: no driver binds "dmacosim,hello"; the register window
      // is never mapped; its coherent memory lies just below the controller's.
      const board::Region mem = board::client_pool();
      platform_device* client =
          dmacosim_c_platform_device_add("hello", "dmacosim,hello", 0x7000'0000, 0x1000, 0, mem.base, mem.size);
      ret = client ? hello_memcpy(client, len) : -1;
      if (client) dmacosim_c_platform_device_del(client);
      end_state = dmac.check_quiescent() + dmac.remove();
    }
    sc_core::sc_stop();
    return 0;
  });
  simulate(opt, sc_core::sc_time(1, sc_core::SC_SEC));
  if (!error.empty()) report.fail(error);
  if (ret != 0) report.fail(strfmt("hello_memcpy failed at step %d", ret));
  if (!end_state.empty()) report.fail("not quiescent or leaking at the end: " + end_state);
  for (const auto& r : sys.kernel.lockdep().reports()) report.fail("validator " + r.rule + ": " + r.headline);
  report.row("copied", strfmt("%u bytes with %s (%s)", len, opt.driver.c_str(), ret == 0 ? "bit-exact" : "FAILED"));
  report.add("bytes", uint64_t(len));
  return report.finish();
}

ScenarioRegistrar reg({"hello", "a kernel-C dmaengine client copies a buffer (out-of-tree example)", run_hello,
                       {{"bytes", "3000", "bytes to copy"}}});
}  // namespace
