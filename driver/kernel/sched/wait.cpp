// kernel/sched/wait.c: wait queues.
#include <algorithm>

#include "driver/kernel/sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

// ---------------------------------------------------------------- wait queues

void wake_up(wait_queue_head_t* wq) {
  std::deque<task_struct*> w;
  w.swap(wq->waiters);
  for (task_struct* t : w) this_kernel().wake_up_process(t);
}
void wake_up_all(wait_queue_head_t* wq) { wake_up(wq); }

void __wait_prepare(wait_queue_head_t* wq, long state) {
  task_struct* cur = this_kernel().current();
  if (std::find(wq->waiters.begin(), wq->waiters.end(), cur) == wq->waiters.end()) wq->waiters.push_back(cur);
  cur->state = state;
}
void __wait_finish(wait_queue_head_t* wq) {
  task_struct* cur = this_kernel().current();
  wq->waiters.erase(std::remove(wq->waiters.begin(), wq->waiters.end(), cur), wq->waiters.end());
  cur->state = TASK_RUNNING;
}

}  // namespace dmacosim::kernel
