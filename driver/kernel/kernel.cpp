#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include "kernel.h"


#include "bottom_half.h"
#include "interrupt.h"
#include "irqflags.h"
#include "models/log.h"
#include "preempt.h"
#include "sched.h"

namespace dmacosim::kernel {

using namespace sc_core;

static Kernel* g_kernel = nullptr;

Kernel& this_kernel() {
  if (!g_kernel) SC_REPORT_FATAL("dmacosim/kernel", "no Kernel instance (construct dmacosim::kernel::Kernel first)");
  return *g_kernel;
}
bool kernel_exists() { return g_kernel != nullptr; }

void softirq_init_tasklets(Kernel& k);  // interrupt.cpp

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
  wd_thresh_ = sc_time(10, SC_MS);

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

void Kernel::push_ctx(const std::string& base) { current()->ctx.push_back(ExecCtx{base, {}}); }
void Kernel::pop_ctx() {
  auto& v = current()->ctx;
  if (v.size() > 1) v.pop_back();
}
void Kernel::set_ctx_base(const std::string& base) { current()->ctx.back().base = base; }

FuncScope::FuncScope(const char* name) : task_(nullptr), depth_(0) {
  if (!kernel_exists()) return;
  task_ = this_kernel().current();
  if (!task_ || task_->ctx.empty()) return;
  depth_ = task_->ctx.size();
  task_->ctx.back().funcs.push_back(name);
}

FuncScope::~FuncScope() {
  if (!task_ || !kernel_exists() || depth_ == 0) return;
  if (task_->ctx.size() >= depth_ && !task_->ctx[depth_ - 1].funcs.empty()) task_->ctx[depth_ - 1].funcs.pop_back();
}

// ---------------------------------------------------------------- fatal

void Kernel::deadlock(const std::string& what, const std::vector<std::string>& locks, const std::string& holder,
                      const std::string& spinner) {
  std::string lockstr;
  for (const auto& l : locks) lockstr += (lockstr.empty() ? "" : ", ") + l;
  std::string msg = strfmt(
      "BUG: deadlock detected on CPU#%d: %s\n"
      " lock: %s\n"
      " held by:  %s\n"
      " spinning: %s\n"
      " (one CPU: the holder cannot run again until the spinner gives up the CPU)",
      this_cpu().id, what.c_str(), lockstr.c_str(), holder.c_str(), spinner.c_str());
  LockReport r;
  r.rule = "DEADLOCK";
  r.headline = "BUG: deadlock detected";
  r.message = msg;
  r.locks = locks;
  r.contexts = {holder, spinner};
  lockdep_.report("DEADLOCK|" + std::to_string(lockdep_.reports().size()), r);
  log_error("kernel", msg);
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

// ---------------------------------------------------------------- soft-lockup detector

void Kernel::set_softlockup_thresh(const sc_time& t) {
  wd_thresh_ = t;
  if (!wd_armed_) return;
  wd_ev_.cancel();  // re-arm for the new threshold
  wd_armed_ = false;
  if (t == SC_ZERO_TIME) return;
  const sc_time now = sc_time_stamp();
  wd_armed_ = true;
  wd_ev_.notify(wd_touch_ + t > now ? wd_touch_ + t - now : SC_ZERO_TIME);
}

// The scheduler ran (or the CPU went idle): restart the stuck-time count.
void Kernel::touch_softlockup_watchdog() {
  if (wd_thresh_ == SC_ZERO_TIME) return;
  wd_touch_ = sc_time_stamp();
  wd_reported_ = false;
  wd_irqs_at_touch_ = cpus_[0]->cpu->interrupts_taken();
  if (!wd_armed_) {
    wd_armed_ = true;
    wd_ev_.notify(wd_thresh_);
  }
}

void Kernel::add_hang_dump(const std::string& name, std::function<std::string()> fn) {
  for (auto& d : hang_dumps_)
    if (d.first == name) {
      d.second = std::move(fn);
      return;
    }
  hang_dumps_.emplace_back(name, std::move(fn));
}

void Kernel::remove_hang_dump(const std::string& name) {
  for (auto it = hang_dumps_.begin(); it != hang_dumps_.end(); ++it)
    if (it->first == name) {
      hang_dumps_.erase(it);
      return;
    }
}

std::string Kernel::hang_dumps() {
  std::string s;
  for (auto& d : hang_dumps_)
    if (d.second) s += d.second();
  return s;
}

static std::string time_str(const sc_time& t) {
  const double us = t.to_seconds() * 1e6;
  if (us >= 1000.0) return strfmt("%llums", (unsigned long long)(us / 1000.0));
  return strfmt("%lluus", (unsigned long long)us);
}

// watchdog_timer_fn(): runs when the stuck time may have reached the threshold.
void Kernel::watchdog_timer_fn() {
  wd_armed_ = false;
  if (wd_thresh_ == SC_ZERO_TIME) return;
  if (idle_in_wfi_) return;  // idle: nothing is stuck; the next touch re-arms
  const sc_time now = sc_time_stamp();
  const sc_time stuck = now - wd_touch_;
  if (stuck < wd_thresh_) {
    wd_armed_ = true;
    wd_ev_.notify(wd_thresh_ - stuck);
    return;
  }
  if (wd_reported_) return;  // one report per episode: re-armed by the next touch
  wd_reported_ = true;
  ++softlockups_;
  CpuState& cs = this_cpu();
  task_struct* t = cs.curr;
  const uint64_t irqs = cpu().interrupts_taken() - wd_irqs_at_touch_;
  std::string headline = strfmt("watchdog: BUG: soft lockup - CPU#%d stuck for %s! [%s:%d]", cs.id,
                                time_str(stuck).c_str(), t ? t->comm.c_str() : "?", t ? t->pid : -1);
  std::string lines;
  for (size_t i = 1; i < irq_descs_.size(); ++i)
    if (irq_descs_[i].kstat) lines += strfmt(" %zu:%llu", i, (unsigned long long)irq_descs_[i].kstat);
  std::string msg = headline + "\n" +
                    strfmt(" running: %s\n preempt_count: %#x, irqs %s, %llu hardirq(s) taken while stuck\n"
                           " interrupts per line (since boot):%s\n",
                           current_full_chain().c_str(), t ? t->preempt_count : 0u,
                           cpu().local_irq_disabled() ? "disabled" : "enabled", (unsigned long long)irqs,
                           lines.empty() ? " none" : lines.c_str()) +
                    hang_dumps();
  report_bug("SOFTLOCKUP|" + std::to_string(softlockups_), "SOFTLOCKUP", headline, msg, {current_full_chain()});
  if (wd_panic_) {
    if (fatal_.empty()) fatal_ = "Kernel panic - not syncing: softlockup: hung tasks\n" + msg;
    sc_stop();
  }
}

// ---------------------------------------------------------------- scheduler

task_struct* Kernel::create_task(std::function<int()> fn, const std::string& name) {
  auto t = std::make_unique<task_struct>();
  t->pid = next_pid_++;
  t->comm = name;
  t->fn = std::move(fn);
  t->state = TASK_UNINTERRUPTIBLE;  // kthread_create: sleeps until woken
  t->ctx.push_back(ExecCtx{"process:" + name, {}});
  task_struct* raw = t.get();
  tasks_.push_back(std::move(t));
  sc_spawn_options opt;
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

void Kernel::task_entry(task_struct* t) {
  CpuState& cs = this_cpu();
  while (cs.curr != t) wait(t->run_ev);
  t->started = true;
  cpu().preemption_point();
  t->exit_code = t->fn ? t->fn() : 0;
  // do_exit
  if (!t->held_locks.empty())
    log_error("kernel", strfmt("BUG: task %s/%d exited with %zu lock(s) held", t->comm.c_str(), t->pid,
                               t->held_locks.size()));
  t->state = TASK_DEAD;
  t->exit_ev.notify(SC_ZERO_TIME);
  schedule();
  for (;;) wait(never_);
}

void Kernel::wake_up_process(task_struct* t) {
  CpuState& cs = this_cpu();
  if (!t || t->state == TASK_DEAD) return;
  if (t->state == TASK_RUNNING) return;
  t->state = TASK_RUNNING;
  if (t != cs.curr && !t->on_rq && t != cs.idle) {
    t->on_rq = true;
    cs.runqueue.push_back(t);
  }
  cs.resched.notify(SC_ZERO_TIME);
}

void Kernel::schedule() {
  CpuState& cs = this_cpu();
  task_struct* prev = cs.curr;
  if (!in_task()) {  // hardirq or serving softirq: no switching
    // Cannot switch away from interrupt context: busy-wait instead, so the
    // caller's condition loop makes progress through interrupts.
    cpu().cpu_relax();
    return;
  }
  if (prev == cs.idle) prev->state = TASK_RUNNING;
  if (prev != cs.idle && prev->state == TASK_RUNNING && !prev->on_rq) {
    prev->on_rq = true;
    cs.runqueue.push_back(prev);
  }
  task_struct* next = cs.idle;
  if (!cs.runqueue.empty()) {
    next = cs.runqueue.front();
    cs.runqueue.pop_front();
    next->on_rq = false;
  }
  touch_softlockup_watchdog();  // the scheduler ran
  if (next == prev) return;
  switch_to(prev, next);
}

void Kernel::switch_to(task_struct* prev, task_struct* next) {
  CpuState& cs = this_cpu();
  prev->saved_irqs_disabled = cpu().local_irq_disabled();
  cs.curr = next;
  ++cs.context_switches;
  cpu().arch_set_irq_flag_raw(next->saved_irqs_disabled);
  next->run_ev.notify();
  while (cs.curr != prev) wait(prev->run_ev);
  cpu().preemption_point();
}

bool Kernel::schedule_timeout(const sc_time& timeout) {
  CpuState& cs = this_cpu();
  task_struct* t = cs.curr;
  if (t == cs.idle || !in_task()) {
    cpu().delay(timeout);
    t->state = TASK_RUNNING;
    return true;
  }
  t->timed_out = false;
  t->timer_armed = true;
  t->timer_ev.notify(timeout);
  schedule();
  if (t->timer_armed) {
    t->timer_armed = false;
    t->timer_ev.cancel();
  }
  t->state = TASK_RUNNING;
  return t->timed_out;
}

void Kernel::idle_loop() {
  CpuState& cs = this_cpu();
  task_struct* idle = cs.idle;
  for (;;) {
    while (cs.curr != idle) wait(idle->run_ev);
    if (!cs.runqueue.empty()) {
      schedule();
      continue;
    }
    touch_softlockup_watchdog();
    idle_in_wfi_ = true;  // cleared by the first interrupt taken (handle_interrupt)
    cpu().wait_for_interrupt(&cs.resched);
    if (idle_in_wfi_) {
      idle_in_wfi_ = false;
      touch_softlockup_watchdog();
    }
  }
}

void Kernel::ksoftirqd_loop() {
  CpuState& cs = this_cpu();
  for (;;) {
    set_current_state(TASK_INTERRUPTIBLE);
    if (!cs.softirq_pending) schedule();
    __set_current_state(TASK_RUNNING);
    // run_ksoftirqd()
    local_irq_disable();
    if (cs.softirq_pending) {
      run_softirqs();
      local_irq_enable();
      cond_resched();
      continue;
    }
    local_irq_enable();
  }
}

// ---------------------------------------------------------------- interrupts

int Kernel::request_irq(unsigned irq, irq_handler_t handler, unsigned long flags, const std::string& name,
                        void* dev_id) {
  if (irq == 0 || irq >= irq_actions_.size() || !handler) return -22;  // -EINVAL
  auto& acts = irq_actions_[irq];
  if (!acts.empty() && (!(flags & IRQF_SHARED) || !(acts.front().flags & IRQF_SHARED))) return -16;  // -EBUSY
  acts.push_back(irqaction{std::move(handler), flags, name, dev_id, 0});
  irq_desc& desc = irq_descs_[irq];
  if (desc.masked_no_action) {  // __setup_irq(): irq_startup() unmasks the line
    desc.masked_no_action = false;
    if (!desc.depth && !desc.spurious_disabled) unmask_line(irq);
  }
  return 0;
}

void Kernel::mask_line(unsigned irq) {
  if (chip_) chip_->mask(irq);
}
void Kernel::unmask_line(unsigned irq) {
  if (chip_) chip_->unmask(irq);
}

void Kernel::disable_irq_nosync(unsigned irq) {
  if (irq == 0 || irq >= irq_descs_.size()) return;
  if (irq_descs_[irq].depth++ == 0) mask_line(irq);
}

void Kernel::enable_irq(unsigned irq) {
  if (irq == 0 || irq >= irq_descs_.size()) return;
  irq_desc& desc = irq_descs_[irq];
  if (desc.spurious_disabled) {  // as Linux: the spurious disable took one depth
    desc.spurious_disabled = false;
    desc.irq_count = 0;
    desc.irqs_unhandled = 0;
  }
  if (desc.depth == 0) {
    log_warn("kernel", strfmt("WARNING: Unbalanced enable for IRQ %u", irq));
    return;
  }
  if (--desc.depth == 0 && !desc.masked_no_action) unmask_line(irq);
}

// kernel/irq/spurious.c: __report_bad_irq() + the disable in note_interrupt().
void Kernel::report_bad_irq(unsigned irq, irqreturn_t action_ret) {
  (void)action_ret;
  std::string handlers;
  for (const irqaction& a : irq_actions_[irq])
    handlers += strfmt("[<%p>] %s\n", a.dev_id, a.name.c_str());
  if (handlers.empty()) handlers = "(none)\n";
  task_struct* t = current();
  const std::string headline = strfmt("irq %u: nobody cared (try booting with the \"irqpoll\" option)", irq);
  const std::string msg = headline + "\n" +
                          strfmt("CPU: %d PID: %d Comm: %s\n running: %s\n", this_cpu().id, t ? t->pid : -1,
                                 t ? t->comm.c_str() : "?", current_full_chain().c_str()) +
                          strfmt(" %u of the last %u interrupts unhandled\n", irq_descs_[irq].irqs_unhandled,
                                 spurious_cfg_.window) +
                          "handlers:\n" + handlers + strfmt("Disabling IRQ #%u", irq);
  report_bug("BAD-IRQ|" + std::to_string(irq), "BAD-IRQ", headline, msg, {current_full_chain()});
}

void Kernel::note_interrupt(unsigned irq, irqreturn_t action_ret) {
  if (irq == 0 || irq >= irq_descs_.size()) return;
  irq_desc& desc = irq_descs_[irq];
  if (desc.spurious_disabled) return;
  if (action_ret == IRQ_NONE) {
    ++desc.unhandled_total;
    const sc_time now = sc_time_stamp();
    // A long gap since the previous unhandled one: a stray interrupt, start over.
    if (desc.seen_unhandled && now - desc.last_unhandled > spurious_cfg_.misrouted_gap)
      desc.irqs_unhandled = 1;
    else
      desc.irqs_unhandled++;
    desc.last_unhandled = now;
    desc.seen_unhandled = true;
  }
  if (++desc.irq_count < spurious_cfg_.window) return;
  desc.irq_count = 0;
  if (desc.irqs_unhandled > spurious_cfg_.unhandled_threshold) {
    report_bad_irq(irq, action_ret);
    desc.spurious_disabled = true;  // IRQS_SPURIOUS_DISABLED, depth++
    desc.depth++;
    mask_line(irq);
  }
  desc.irqs_unhandled = 0;
}

void Kernel::free_irq(unsigned irq, void* dev_id) {
  if (irq >= irq_actions_.size()) return;
  auto& acts = irq_actions_[irq];
  for (auto it = acts.begin(); it != acts.end(); ++it)
    if (it->dev_id == dev_id) {
      acts.erase(it);
      return;
    }
  log_warn("kernel", strfmt("Trying to free already-free IRQ %u", irq));
}

void Kernel::irq_enter() {
  preempt_count_add(HARDIRQ_OFFSET);
  push_ctx("hardirq");
}

void Kernel::irq_exit() {
  pop_ctx();
  preempt_count_sub(HARDIRQ_OFFSET);
  if (!in_interrupt() && this_cpu().softirq_pending) run_softirqs();  // invoke_softirq()
}

void Kernel::handle_interrupt() {
  task_struct* t = current();
  if (idle_in_wfi_ && t == this_cpu().idle) {  // the CPU leaves WFI: it was idle until now
    idle_in_wfi_ = false;
    touch_softlockup_watchdog();
  }
  unsigned pc_before = t->preempt_count;
  irq_enter();
  if (!chip_) {
    ++spurious_;
    log_warn("kernel", "interrupt taken but no IrqChip installed (set_irq_chip)");
  } else {
    for (int iter = 0; iter < 64; ++iter) {
      unsigned n = chip_->claim();
      if (n == 0) {
        if (iter == 0) {
          ++spurious_;
          log_debug("kernel", "spurious interrupt (claim returned 0)");
        }
        break;
      }
      if (n >= irq_actions_.size()) {
        log_warn("kernel", strfmt("irq %u: out of range, ignored", n));
        chip_->complete(n);
        continue;
      }
      auto& acts = irq_actions_[n];
      irq_desc& desc = irq_descs_[n];
      ++desc.kstat;
      if (acts.empty()) {
        // handle_fasteoi_irq() with no action: mask the line and leave it
        // pending (IRQS_PENDING); request_irq() unmasks it.
        if (desc.no_action++ == 0)
          log_warn("kernel", strfmt("irq %u: no handler registered: line masked until request_irq", n));
        desc.masked_no_action = true;
        mask_line(n);
      } else {
        bool handled = false;
        for (size_t i = 0; i < acts.size(); ++i) {
          irqaction& a = acts[i];
          set_ctx_base("hardirq:" + a.name);
          irqreturn_t r = a.handler(static_cast<int>(n), a.dev_id);
          ++a.count;
          ++desc.handler_calls;
          if (r != IRQ_NONE) handled = true;
          if (!cpu().local_irq_disabled()) {
            LockReport rep;
            rep.rule = "L-IRQEN";
            rep.headline = "WARNING: irq handler enabled interrupts";
            rep.message = strfmt("WARNING: irq %u handler %s enabled interrupts", n, a.name.c_str());
            rep.contexts = {"hardirq:" + a.name};
            rep.locks = {};
            lockdep_.report("L-IRQEN|handler|" + a.name, rep);
            cpu().arch_local_irq_disable();
          }
        }
        set_ctx_base("hardirq");
        if (!handled) log_debug("kernel", strfmt("irq %u: unhandled (all handlers returned IRQ_NONE)", n));
        note_interrupt(n, handled ? IRQ_HANDLED : IRQ_NONE);
      }
      chip_->complete(n);
    }
  }
  if (t->preempt_count != pc_before + HARDIRQ_OFFSET) {
    log_error("kernel", strfmt("BUG: interrupt handler changed preempt_count: %#x -> %#x", pc_before + HARDIRQ_OFFSET,
                               t->preempt_count));
  }
  irq_exit();
}

// ---------------------------------------------------------------- softirqs

static const char* const softirq_to_name[NR_SOFTIRQS] = {"HI",      "TIMER", "NET_TX", "NET_RX",  "BLOCK",
                                                         "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"};

void Kernel::open_softirq(int nr, softirq_action action) {
  if (nr >= 0 && nr < NR_SOFTIRQS) softirq_vec_[nr] = std::move(action);
}

void Kernel::raise_softirq_irqoff(int nr) {
  CpuState& cs = this_cpu();
  cs.softirq_pending |= 1u << nr;
  if (!in_interrupt() && cs.ksoftirqd) wake_up_process(cs.ksoftirqd);
}

void Kernel::do_softirq() {
  if (in_interrupt()) return;
  unsigned long flags;
  local_irq_save(flags);
  if (this_cpu().softirq_pending) run_softirqs();
  local_irq_restore(flags);
}

// __do_softirq(): runs with SOFTIRQ_OFFSET in preempt_count and hardirqs ON.
void Kernel::run_softirqs() {
  CpuState& cs = this_cpu();
  unsigned pending = cs.softirq_pending;
  preempt_count_add(SOFTIRQ_OFFSET);
  push_ctx("softirq:__do_softirq");
  int max_restart = 10;
  for (;;) {
    cs.softirq_pending = 0;
    local_irq_enable();
    for (int nr = 0; nr < NR_SOFTIRQS; ++nr) {
      if (!(pending & (1u << nr))) continue;
      set_ctx_base(std::string("softirq:") + softirq_to_name[nr]);
      if (softirq_vec_[nr]) softirq_vec_[nr]();
    }
    local_irq_disable();
    pending = cs.softirq_pending;
    if (pending && --max_restart) continue;
    break;
  }
  pop_ctx();
  if (pending && cs.ksoftirqd) wake_up_process(cs.ksoftirqd);
  preempt_count_sub(SOFTIRQ_OFFSET);  // __local_bh_enable(SOFTIRQ_OFFSET)
}

}  // namespace dmacosim::kernel
