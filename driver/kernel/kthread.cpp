// kernel/kthread.c: creating, running and stopping kernel threads.
#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include <cerrno>  // EINTR
#include <cstdarg>

#include "kernel.h"
#include "models/log.h"
#include "sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

enum { KTHREAD_IS_PER_CPU = 0, KTHREAD_SHOULD_STOP, KTHREAD_SHOULD_PARK };


struct kthread {
  unsigned long flags = 0;
  int result = 0;
  completion exited;  // the task's vfork_done: completed by do_exit()
  std::string full_name;
};

static kthread* to_kthread(task_struct* k) { return k ? k->worker_private.get() : nullptr; }

task_struct* Kernel::create_task(std::function<int()> fn, const std::string& name) {
  auto t = std::make_unique<task_struct>();
  t->pid = next_pid_++;
  t->comm = name;
  t->fn = std::move(fn);
  t->state = TASK_UNINTERRUPTIBLE;  // kthread_create: sleeps until woken
  t->ctx.push_back(ExecCtx{"process:" + name, {}});
  t->worker_private = std::make_shared<kthread>();  // set_kthread_struct()
  t->worker_private->full_name = name;
  t->vfork_done = &t->worker_private->exited;
  task_struct* raw = t.get();
  tasks_.push_back(std::move(t));
  sc_spawn_options opt;
  opt.set_stack_size(int(kTaskStackBytes));
  sc_spawn([this, raw] { task_entry(raw); }, strfmt("kthread_%d", raw->pid).c_str(), &opt);
  sc_spawn_options topt;
  topt.spawn_method();
  topt.dont_initialize();
  topt.set_sensitivity(&raw->timer_ev);
  sc_spawn(
      [this, raw] {
        if (raw->timer_armed) {
          raw->timer_armed = false;
          raw->timed_out = true;
          wake_up_process(raw);
        }
      },
      strfmt("ktimer_%d", raw->pid).c_str(), &topt);
  return raw;
}

// kthread(): the body every kernel thread starts in. A thread stopped
// before it first ran does not call its function (-EINTR).
void Kernel::task_entry(task_struct* t) {
  CpuState& cs = this_cpu();
  while (cs.curr != t) wait(t->run_ev);
  t->started = true;
  cpu().preemption_point();
  int ret = -EINTR;
  if (!(to_kthread(t)->flags >> KTHREAD_SHOULD_STOP & 1)) ret = t->fn ? t->fn() : 0;
  kthread_exit(ret);
}

void kthread_exit(long result) {
  kthread* self = to_kthread(this_kernel().current());
  if (self) self->result = static_cast<int>(result);
  do_exit(result);
}

static task_struct* kthread_create_vargs(int (*threadfn)(void*), void* data, const char* namefmt, va_list ap) {
  char name[256];
  vsnprintf(name, sizeof name, namefmt ? namefmt : "kthread", ap);
  return this_kernel().create_task([threadfn, data] { return threadfn ? threadfn(data) : 0; }, name);
}

task_struct* kthread_create(int (*threadfn)(void*), void* data, const char* namefmt, ...) {
  va_list ap;
  va_start(ap, namefmt);
  task_struct* t = kthread_create_vargs(threadfn, data, namefmt, ap);
  va_end(ap);
  return t;
}

task_struct* kthread_run(int (*threadfn)(void*), void* data, const char* namefmt, ...) {
  va_list ap;
  va_start(ap, namefmt);
  task_struct* t = kthread_create_vargs(threadfn, data, namefmt, ap);
  va_end(ap);
  wake_up_process(t);
  return t;
}

task_struct* kthread_run(std::function<int()> fn, const std::string& name) {
  Kernel& k = this_kernel();
  task_struct* t = k.create_task(std::move(fn), name);
  k.wake_up_process(t);
  return t;
}
task_struct* kthread_run(std::function<void()> fn, const std::string& name) {
  return kthread_run(std::function<int()>([fn] { fn(); return 0; }), name);
}

bool kthread_should_stop() {
  kthread* self = to_kthread(this_kernel().current());
  return self && (self->flags >> KTHREAD_SHOULD_STOP & 1);
}

int kthread_stop(task_struct* k, const char* file, int line) {
  kthread* kt = to_kthread(k);
  if (!kt) return -EINTR;
  kt->flags |= 1ul << KTHREAD_SHOULD_STOP;
  wake_up_process(k);
  wait_for_completion(&kt->exited, file, line);
  return kt->result;
}

}  // namespace dmacosim::kernel
