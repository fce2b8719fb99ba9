// Minimal system workqueue (kernel/workqueue.c): one kworker thread per CPU
// runs queued work items in process context (may sleep).
#pragma once
#include <functional>
#include <string>

#include "kernel.h"

namespace dmacosim::kernel {

struct work_struct {
  std::function<void(work_struct*)> func;
  std::string name;
  bool pending = false;
  bool running = false;
  uint64_t runs = 0;
};

void init_work(work_struct* w, std::function<void(work_struct*)> func, const char* name = "work");
#define INIT_WORK(w, f) ::dmacosim::kernel::init_work((w), (f), #f)

// Queue on the system workqueue; any context. false if already pending.
bool schedule_work(work_struct* w);
// Sleep until the work is neither pending nor running. true if it waited.
bool flush_work(work_struct* w, const char* file = __builtin_FILE(), int line = __builtin_LINE());
// Dequeue if pending, then wait for a running instance. true if it was pending.
bool cancel_work_sync(work_struct* w, const char* file = __builtin_FILE(), int line = __builtin_LINE());

}  // namespace dmacosim::kernel
