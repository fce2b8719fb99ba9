// The Kernel object: boot (the idle task, ksoftirqd, the watchdog timer),
// execution contexts and the model's fatal reports. The Linux functions it
// models live in files named after Linux's own: softirq.cpp, kthread.cpp,
// exit.cpp, watchdog.cpp, sched/, irq/, time/.
#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include "kernel.h"

#include "models/log.h"
#include "sched.h"
#include "trace_event.h"

namespace dmacosim::kernel {

using namespace sc_core;

static Kernel* g_kernel = nullptr;

Kernel& this_kernel() {
  if (!g_kernel) SC_REPORT_FATAL("dmacosim/kernel", "no Kernel instance (construct dmacosim::kernel::Kernel first)");
  return *g_kernel;
}
bool kernel_exists() { return g_kernel != nullptr; }

void softirq_init_tasklets(Kernel& k);  // softirq.cpp

std::string ExecCtx::chain() const {
  std::string s = base;
  for (const auto& f : funcs) s += " > " + f;
  return s;
}

Kernel::Kernel(Cpu& cpu) {
  if (g_kernel) SC_REPORT_WARNING("dmacosim/kernel", "second Kernel instance replaces the first");
  g_kernel = this;
  auto cs = std::make_unique<CpuState>();
  cs->cpu = &cpu;
  cpus_.push_back(std::move(cs));
  irq_actions_.resize(1024);
  irq_descs_.resize(1024);
  wd_thresh_ = 2 * sc_time(10, SC_SEC);  // 2 x watchdog_thresh (Linux default 10 s)

  // The idle task (pid 0) is current from the start; its thread runs the idle loop.
  auto idle = std::make_unique<task_struct>();
  idle->pid = next_pid_++;
  idle->comm = "swapper/0";
  idle->ctx.push_back(ExecCtx{"process:swapper/0", {}});
  idle->started = true;
  CpuState& c = this_cpu();
  c.idle = idle.get();
  c.curr = idle.get();
  tasks_.push_back(std::move(idle));
  sc_spawn_options opt;
  opt.set_stack_size(int(kTaskStackBytes));
  sc_spawn([this] { idle_loop(); }, "kernel_swapper_0", &opt);

  cpu.set_interrupt_entry([this] { handle_interrupt(); });
  cpu.context_name = [this] { return current_full_chain(); };

  // The soft-lockup detector's timer (an hrtimer in Linux): a method, so it
  // fires whatever the CPU's software threads are doing.
  sc_spawn_options wopt;
  wopt.spawn_method();
  wopt.dont_initialize();
  wopt.set_sensitivity(&wd_ev_);
  sc_spawn([this] { watchdog_timer_fn(); }, "kernel_watchdog_0", &wopt);

  softirq_init_tasklets(*this);
  c.ksoftirqd = create_task([this] { ksoftirqd_loop(); return 0; }, "ksoftirqd/0");
  wake_up_process(c.ksoftirqd);
}

Kernel::~Kernel() {
  if (g_kernel == this) g_kernel = nullptr;
}

// ---------------------------------------------------------------- contexts

std::string Kernel::current_chain() {
  task_struct* t = current();
  if (!t || t->ctx.empty()) return "boot";
  return t->ctx.back().chain();
}

std::string Kernel::current_full_chain() {
  task_struct* t = current();
  if (!t || t->ctx.empty()) return "boot";
  std::string s;
  for (size_t i = t->ctx.size(); i-- > 0;) {
    if (!s.empty()) s += " <- interrupted ";
    s += t->ctx[i].chain();
  }
  return s;
}

void Kernel::push_ctx(const std::string& base) {
  current()->ctx.push_back(ExecCtx{base, {}});
  if (trace_events_on()) trace_task_sync(current());
}
void Kernel::pop_ctx() {
  auto& v = current()->ctx;
  if (v.size() > 1) v.pop_back();
  if (trace_events_on()) trace_task_sync(current());
}
void Kernel::set_ctx_base(const std::string& base) {
  current()->ctx.back().base = base;
  if (trace_events_on()) trace_task_sync(current());
}

FuncScope::FuncScope(const char* name) : task_(nullptr), depth_(0) {
  if (!kernel_exists()) return;
  task_ = this_kernel().current();
  if (!task_ || task_->ctx.empty()) return;
  depth_ = task_->ctx.size();
  task_->ctx.back().funcs.push_back(name);
  if (trace_events_on()) trace_task_sync(task_);
}

FuncScope::~FuncScope() {
  if (!task_ || !kernel_exists() || depth_ == 0) return;
  if (task_->ctx.size() >= depth_ && !task_->ctx[depth_ - 1].funcs.empty()) task_->ctx[depth_ - 1].funcs.pop_back();
  if (trace_events_on()) trace_task_sync(task_);
}

// ---------------------------------------------------------------- fatal

void Kernel::deadlock(const std::string& what, const std::vector<std::string>& locks, const std::string& holder,
                      const std::string& spinner, const char* holder_label, const char* waiter_label) {
  std::string lockstr;
  for (const auto& l : locks) lockstr += (lockstr.empty() ? "" : ", ") + l;
  std::string msg = strfmt("BUG: deadlock detected on CPU#%d: %s\n", this_cpu().id, what.c_str());
  if (!lockstr.empty()) msg += strfmt(" lock: %s\n", lockstr.c_str());
  // Labels padded so the two contexts line up, as " held by:  " / " spinning: ".
  auto line = [](const char* label, const std::string& ctx) {
    std::string l = std::string(" ") + label + ":";
    return l + std::string(l.size() < 11 ? 11 - l.size() : 1, ' ') + ctx + "\n";
  };
  msg += line(holder_label, holder) + line(waiter_label, spinner);
  msg += std::string(holder_label) == "held by"
             ? " (one CPU: the holder cannot run again until the spinner gives up the CPU)"
             : " (one CPU: nothing else can run until the waiter returns, and it never will)";
  LockReport r;
  r.rule = "DEADLOCK";
  r.headline = "BUG: deadlock detected";
  r.message = msg;
  r.locks = locks;
  r.contexts = {holder, spinner};
  lockdep_.report("DEADLOCK|" + std::to_string(lockdep_.reports().size()), r);
  Log::instance().write_finding(LogLevel::Error, "kernel", msg);
  if (fatal_.empty()) fatal_ = msg;
  sc_stop();
}

void Kernel::park() {
  for (;;) wait(never_);
}

bool Kernel::report_bug(const std::string& key, const std::string& rule, const std::string& headline,
                        const std::string& message, const std::vector<std::string>& contexts) {
  LockReport r;
  r.rule = rule;
  r.headline = headline;
  r.message = message;
  r.contexts = contexts;
  return lockdep_.report(key, r);  // logs the message
}

}  // namespace dmacosim::kernel
