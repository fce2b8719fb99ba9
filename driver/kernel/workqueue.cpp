#include "workqueue.h"

#include <algorithm>
#include <deque>

#include "irqflags.h"
#include "sched.h"

namespace dmacosim::kernel {

namespace {
struct SystemWq {
  Kernel* owner = nullptr;
  task_struct* worker = nullptr;
  std::deque<work_struct*> queue;
  wait_queue_head_t flush_wq;
};
SystemWq& wq() {
  static SystemWq s;
  Kernel* k = &this_kernel();
  if (s.owner != k) {
    s = SystemWq{};
    s.owner = k;
  }
  return s;
}

// worker_thread(): a kworker's thread function (kthread_create() signature).
int worker_thread(void*) {
  for (;;) {
    SystemWq& s = wq();
    unsigned long flags;
    local_irq_save(flags);
    if (s.queue.empty()) {
      set_current_state(TASK_INTERRUPTIBLE);
      local_irq_restore(flags);
      schedule();
      __set_current_state(TASK_RUNNING);
      continue;
    }
    work_struct* w = s.queue.front();
    s.queue.pop_front();
    w->pending = false;
    w->running = true;
    local_irq_restore(flags);
    {
      FuncScope f(w->name.c_str());
      if (w->func) w->func(w);
    }
    w->running = false;
    ++w->runs;
    wake_up(&s.flush_wq);
    cond_resched();
  }
}
}  // namespace

void init_work(work_struct* w, std::function<void(work_struct*)> func, const char* name) {
  w->func = std::move(func);
  w->name = name ? name : "work";
  w->pending = false;
  w->running = false;
}

bool schedule_work(work_struct* w) {
  SystemWq& s = wq();
  if (!s.worker) s.worker = kthread_create(worker_thread, nullptr, "kworker/%d:%d", 0, 0);
  if (w->pending) return false;
  w->pending = true;
  s.queue.push_back(w);
  wake_up_process(s.worker);
  return true;
}

bool flush_work(work_struct* w, const char* file, int line) {
  __might_sleep(file, line, 0);
  SystemWq& s = wq();
  bool waited = w->pending || w->running;
  wait_event(s.flush_wq, !w->pending && !w->running);
  return waited;
}

bool cancel_work_sync(work_struct* w, const char* file, int line) {
  __might_sleep(file, line, 0);
  SystemWq& s = wq();
  bool was_pending = w->pending;
  if (w->pending) {
    s.queue.erase(std::remove(s.queue.begin(), s.queue.end(), w), s.queue.end());
    w->pending = false;
  }
  wait_event(s.flush_wq, !w->running);
  return was_pending;
}

}  // namespace dmacosim::kernel
