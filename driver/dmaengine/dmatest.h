// dmatest-style memcpy tester (drivers/dma/dmatest.c, ~v4.19 + v5.x options).
//
// dmatest_run() (process context, sleeps) takes up to max_channels DMA_MEMCPY
// channels (optionally filtered by channel/device name), starts
// threads_per_chan kthreads per channel named "<chan>-copy<n>", and waits for
// them. Each thread runs `iterations` tests: dmatest's byte patterns in a
// source and a destination buffer (coherent memory in the simulated RAM,
// filled and checked by the CPU through the bus in bulk), random len/offsets
// aligned to 1 << alignment, prep_dma_memcpy(DMA_CTRL_ACK | DMA_PREP_INTERRUPT),
// submit, issue_pending, wait with a timeout, dma_async_is_tx_complete, verify.
// Failures use dmatest's texts ("prep error", "submit error", "test timed
// out", "completion error status", "completion busy status", "data error";
// "srcbuf[0x%x] overwritten!", "dstbuf[0x%x] not copied!", "dstbuf[0x%x] was
// copied!", "dstbuf[0x%x] mismatch!") and its result and summary formats.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "driver/dmaengine/dmaengine.h"

namespace dmacosim::dmaengine {

struct dmatest_params {
  unsigned test_buf_size = 16384;
  std::string channel;  // "" = any (else a dma_chan_name)
  std::string device;   // "" = any (else the controller's dev_name)
  unsigned threads_per_chan = 1;
  unsigned max_channels = 0;  // 0 = all
  unsigned iterations = 1;    // must be > 0 here (no "run forever")
  unsigned timeout = 3000;    // ms
  bool noverify = false;
  bool norandom = false;
  int alignment = -1;         // log2 bytes; -1 = the device's copy_align
  unsigned transfer_size = 0; // 0 = random (or test_buf_size with norandom)
  bool verbose = false;       // also log "test passed" lines
  uint32_t seed = 1;
};

struct dmatest_thread_result {
  std::string name;
  unsigned total_tests = 0;
  unsigned failed_tests = 0;
  uint64_t iops = 0, kbs = 0;
  int ret = 0;
};

struct dmatest_info {
  std::vector<std::string> results;     // "…: result #n: '…' with …" (failures, + passes if verbose)
  std::vector<std::string> mismatches;  // verification messages
  std::vector<std::string> summaries;   // "…: summary …"
  std::vector<dmatest_thread_result> threads;
  unsigned channels = 0;
  unsigned total_tests = 0, total_failures = 0;
  bool all_threads_finished = false;
};

// Returns 0, or -ENODEV if no channel matched, -EINVAL on bad params.
int dmatest_run(const dmatest_params& params, dmatest_info* info);

}  // namespace dmacosim::dmaengine
