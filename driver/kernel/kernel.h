// The kernel execution model: one object ties a modelled Cpu to the Linux
// execution contexts (process / softirq / hardirq), the scheduler, the softirq
// machinery, interrupt dispatch and the lock validator.
//
// One Kernel per simulation (per process); this_kernel() is the global
// accessor used by the Linux-named free functions (spin_lock, msleep, ...).
//
// Use (platform assembly, during elaboration):
//   Cpu cpu("cpu");  cpu.bus.bind(router...);  cpu.irq_in.bind(intc_irq_wire);
//   Kernel k(cpu);   k.set_irq_chip(&my_plic_irqchip);   // claim()/complete() via cpu.readl/writel
//   kthread_run([&] { driver_probe(); ... }, "app");     // software runs in kthreads
//   sc_start(...);
//   if (k.fatal()) ...;  k.lockdep().reports() / expect(rule) / unexpected()
// Driver code: `using namespace dmacosim::kernel;` then Linux names:
//   spin_lock_irqsave(&chan->lock, flags); request_irq(n, handler, 0, "dmac", dev);
//   tasklet_setup(&t, fn, "dmac_tasklet"); KFUNC("tx_submit"); msleep(1); ...
// All kernel calls must come from kthreads or interrupt handlers (SC_THREAD
// context), never from SC_METHODs or sc_main.
#pragma once
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "lockdep.h"
#include "models/cpu.h"

namespace dmacosim::kernel {

// Context chain element: "process:alsa-ctl", "hardirq:dma_irq_handler",
// "softirq:tasklet dmac_tasklet", plus function names pushed by KFUNC().
struct ExecCtx {
  std::string base;
  std::vector<std::string> funcs;
  std::string chain() const;
};

enum { TASK_RUNNING = 0, TASK_INTERRUPTIBLE = 1, TASK_UNINTERRUPTIBLE = 2, TASK_DEAD = 64 };

struct completion;  // sched.h
struct kthread;     // kthread.cpp

// The coroutine stack of every task (swapper/0 and each kthread). An
// interrupt, the softirqs at its exit and a validator report with its
// symbolized call trace (libdwfl, deep on its first use) all run on the stack
// of whatever task is current. With SystemC's default stack the test
// DmaengineSynchronize.FromTheChannelsOwnCallbackIsAFatalDeadlock read corrupted
// memory after its report. The allocation is large enough to be mapped
// lazily: only the pages a task uses cost memory.
constexpr std::size_t kTaskStackBytes = 1u << 20;

struct task_struct {
  int pid = 0;
  std::string comm;
  unsigned preempt_count = 0;  // per task (as thread_info->preempt_count on ARM)
  long state = TASK_RUNNING;
  bool saved_irqs_disabled = false;  // hardware I flag while switched out
  bool on_rq = false;
  bool started = false;
  std::vector<ExecCtx> ctx;          // bottom = process context; irq contexts pushed on top
  std::vector<held_lock> held_locks; // lockdep, interrupt contexts included (as in the kernel)
  std::function<int()> fn;
  int exit_code = 0;
  sc_core::sc_event run_ev;     // "you are now current"
  sc_core::sc_event timer_ev;   // schedule_timeout expiry
  bool timer_armed = false;
  bool timed_out = false;
  sc_core::sc_event exit_ev;
  // kthread.c's per-thread state (should-stop flag, result, exited
  // completion), as Linux keeps it behind task->worker_private.
  std::shared_ptr<kthread> worker_private;
  completion* vfork_done = nullptr;  // completed by do_exit(): kthread_stop() waits on it
};

struct tasklet_struct;
using softirq_action = std::function<void()>;

enum { HI_SOFTIRQ = 0, TIMER_SOFTIRQ, NET_TX_SOFTIRQ, NET_RX_SOFTIRQ, BLOCK_SOFTIRQ, IRQ_POLL_SOFTIRQ,
       TASKLET_SOFTIRQ, SCHED_SOFTIRQ, HRTIMER_SOFTIRQ, RCU_SOFTIRQ, NR_SOFTIRQS };

// Per-CPU kernel state (one instance today; kept together so a second CPU
// can be added later).
struct CpuState {
  int id = 0;
  Cpu* cpu = nullptr;
  task_struct* curr = nullptr;
  task_struct* idle = nullptr;
  task_struct* ksoftirqd = nullptr;
  std::deque<task_struct*> runqueue;
  unsigned softirq_pending = 0;
  tasklet_struct* tasklet_head = nullptr;
  tasklet_struct** tasklet_tail = &tasklet_head;
  tasklet_struct* tasklet_hi_head = nullptr;
  tasklet_struct** tasklet_hi_tail = &tasklet_hi_head;
  sc_core::sc_event resched;  // wakes the idle loop
  uint64_t context_switches = 0;
};

// Where pending softirqs were run (kernel/softirq.c's three entry points).
enum softirq_entry { SOFTIRQ_FROM_IRQ_EXIT = 0, SOFTIRQ_FROM_BH_ENABLE, SOFTIRQ_FROM_KSOFTIRQD, NR_SOFTIRQ_ENTRIES };

// __do_softirq()'s budget before it hands the rest to ksoftirqd: Linux's
// MAX_SOFTIRQ_TIME (msecs_to_jiffies(2), compared in jiffies) and
// MAX_SOFTIRQ_RESTART (10). Configurable for tests and experiments.
struct softirq_budget {
  unsigned long max_jiffies = 2;
  int max_restart = 10;
};

// Softirq bookkeeping (the counters of /proc/softirqs, split by where they ran,
// and how often __do_softirq() ran out of budget and woke ksoftirqd).
struct softirq_stats {
  uint64_t runs[NR_SOFTIRQS][NR_SOFTIRQ_ENTRIES] = {};
  uint64_t budget_handoffs = 0;  // __do_softirq() woke ksoftirqd with softirqs still pending
  uint64_t deferred_to_ksoftirqd = 0;  // irq_exit / local_bh_enable left them to a running ksoftirqd
};

// CPU time by context class, as irqtime accounting splits it (hardirq,
// softirq, task, idle); softirq time spent inside ksoftirqd is also given on
// its own (Linux charges it to the ksoftirqd task, not to softirq time).
struct cpu_time_stats {
  sc_core::sc_time hardirq, softirq, softirq_in_ksoftirqd, task, idle;
};

// Abstract interrupt controller (PLIC-like): claim returns the highest
// pending source (0 = none/spurious), complete(n) ends its handling. The
// platform implements it with MMIO through the Cpu (claim runs on the CPU
// with IRQs masked, inside the interrupt entry).
class IrqChip {
public:
  virtual ~IrqChip() = default;
  virtual unsigned claim() = 0;
  virtual void complete(unsigned irq) = 0;
  // struct irq_chip's irq_mask / irq_unmask: stop / let the source interrupt
  // at the controller (a masked level source stays pending). Called from the
  // interrupt path (note_interrupt() disabling a line, a line without a
  // handler) and from enable_irq()/request_irq(). Default: not supported.
  virtual void mask(unsigned irq) { (void)irq; }
  virtual void unmask(unsigned irq) { (void)irq; }
};

using irqreturn_t = int;
enum { IRQ_NONE = 0, IRQ_HANDLED = 1, IRQ_WAKE_THREAD = 2 };
using irq_handler_t = std::function<irqreturn_t(int irq, void* dev_id)>;

struct irqaction {
  irq_handler_t handler;
  unsigned long flags = 0;
  std::string name;
  void* dev_id = nullptr;
  uint64_t count = 0;
};

// Per-line state of kernel/irq (struct irq_desc subset): the counts of
// note_interrupt()'s spurious-interrupt detector (kernel/irq/spurious.c) and
// the disable state.
struct irq_desc {
  uint64_t kstat = 0;            // interrupts of this line taken (/proc/interrupts)
  unsigned irq_count = 0;        // interrupts in the current detection window
  unsigned irqs_unhandled = 0;   // unhandled ones in the window (reset by a long gap)
  sc_core::sc_time last_unhandled;
  bool seen_unhandled = false;
  uint64_t unhandled_total = 0;  // every IRQ_NONE interrupt ever (never reset)
  bool spurious_disabled = false;  // IRQS_SPURIOUS_DISABLED: masked by note_interrupt
  unsigned depth = 0;              // disable_irq() nesting (masked while > 0)
  bool masked_no_action = false;   // fired with no handler registered: masked until request_irq
  uint64_t no_action = 0;          // interrupts that found no handler
  uint64_t handler_calls = 0;      // handler invocations, all irqactions (kept after free_irq)
};

// note_interrupt() thresholds. Linux counts 100000 interrupts per line and
// disables it when more than 99900 of them were unhandled, resetting the
// unhandled count when two unhandled interrupts are more than HZ/10 apart.
// The modelled CPU takes an interrupt in a few ns of simulated time, so the
// model keeps the 99.9 % ratio over a 10000-interrupt window (a stuck line
// is disabled after ~10000 interrupts: tens of microseconds simulated, well
// inside the soft-lockup threshold, and little wall time) and a 10 ms gap.
// See docs/validator.md ("BAD-IRQ").
struct spurious_irq_config {
  unsigned window = 10000;
  unsigned unhandled_threshold = 9990;  // disable when irqs_unhandled > this at the end of a window
  sc_core::sc_time misrouted_gap = sc_core::sc_time(10, sc_core::SC_MS);
};

class Kernel {
public:
  explicit Kernel(Cpu& cpu);
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  Cpu& cpu() { return *cpus_[0]->cpu; }
  CpuState& this_cpu() { return *cpus_[0]; }
  Lockdep& lockdep() { return lockdep_; }
  void set_irq_chip(IrqChip* chip) { chip_ = chip; }

  // ---- fatal reports (deadlock): recorded, sc_stop() called ----
  bool fatal() const { return !fatal_.empty(); }
  const std::string& fatal_message() const { return fatal_; }
  // Record a deadlock report, log it and sc_stop(). The caller then parks its
  // thread with park() (two steps so no temporaries stay alive on the parked
  // coroutine stack).
  // `holder_label` / `waiter_label` name the two contexts in the text ("held
  // by" / "spinning" for a lock; a wait that can never end names who would
  // have to act and who waits).
  void deadlock(const std::string& what, const std::vector<std::string>& locks, const std::string& holder,
                const std::string& spinner, const char* holder_label = "held by",
                const char* waiter_label = "spinning");
  // Suspend the calling SystemC thread forever (a CPU that spins for good).
  [[noreturn]] void park();

  // ---- contexts ----
  task_struct* current() { return this_cpu().curr; }
  std::string current_chain();       // top context of the current task
  std::string current_full_chain();  // with interrupted contexts: "a <- b"
  void push_ctx(const std::string& base);
  void pop_ctx();
  void set_ctx_base(const std::string& base);

  // ---- scheduler ----
  task_struct* create_task(std::function<int()> fn, const std::string& name);
  void wake_up_process(task_struct* t);
  void schedule();
  // Sleep until woken or `timeout` passes; returns true on timeout.
  bool schedule_timeout(const sc_core::sc_time& timeout);
  const std::vector<std::unique_ptr<task_struct>>& tasks() const { return tasks_; }

  // ---- interrupts / softirqs ----
  int request_irq(unsigned irq, irq_handler_t handler, unsigned long flags, const std::string& name, void* dev_id);
  void free_irq(unsigned irq, void* dev_id);
  void handle_interrupt();  // CPU exception entry hook
  void irq_enter();
  void irq_exit();
  void open_softirq(int nr, softirq_action action);
  void raise_softirq_irqoff(int nr);
  void do_softirq();
  void run_softirqs(softirq_entry from);  // __do_softirq
  // 6.1's ksoftirqd_running(): ksoftirqd is runnable and none of `pending` is
  // HI or TASKLET (SOFTIRQ_NOW_MASK), so irq_exit / local_bh_enable leave
  // the softirqs to it.
  bool ksoftirqd_running(unsigned pending);
  void set_softirq_budget(const softirq_budget& b) { softirq_budget_ = b; }
  const softirq_budget& softirq_budget_config() const { return softirq_budget_; }
  const softirq_stats& softirq_statistics() const { return softirq_stats_; }
  // CPU time by context class up to now.
  cpu_time_stats cpu_times();
  // Charge the time since the last call to the context class running now;
  // called at every context class change (irq entry/exit, softirq
  // processing, context switch).
  void account_cpu_time();
  // Interrupts whose claim returned no source (the line dropped before the
  // claim, or no eligible source): Linux's spurious / irq_err_count.
  uint64_t spurious_interrupts() const { return spurious_; }
  // Handler invocations of the line over the whole run, including handlers
  // freed since (a scenario reads it after the driver's .remove).
  uint64_t irq_count(unsigned irq) const { return irq < irq_descs_.size() ? irq_descs_[irq].handler_calls : 0; }
  // The line's state: kstat, unhandled counts, disable state (nullptr if out of range).
  const irq_desc* irq_to_desc(unsigned irq) const { return irq < irq_descs_.size() ? &irq_descs_[irq] : nullptr; }
  uint64_t irqs_unhandled(unsigned irq) const { return irq < irq_descs_.size() ? irq_descs_[irq].unhandled_total : 0; }
  // kernel/irq/spurious.c: account one interrupt of `irq` with the handlers'
  // combined return value; disables the line when nobody cared (report BAD-IRQ).
  void note_interrupt(unsigned irq, irqreturn_t action_ret);
  void set_spurious_irq_config(const spurious_irq_config& c) { spurious_cfg_ = c; }
  const spurious_irq_config& spurious_config() const { return spurious_cfg_; }
  // disable_irq_nosync() / enable_irq(): masked while the depth is > 0.
  // enable_irq() also re-enables a line note_interrupt() disabled.
  void disable_irq_nosync(unsigned irq);
  void enable_irq(unsigned irq);

  // ---- soft-lockup detector (kernel/watchdog.c) ----
  // A CPU is soft-locked when the scheduler has not run for 2 x
  // watchdog_thresh of simulated time (no context switch, no
  // schedule()/cond_resched()/yield() from a task, and the idle task not
  // waiting for interrupts): a task spinning in the kernel, or an interrupt /
  // softirq storm that never lets the interrupted context reach the
  // scheduler. Reported once per episode as
  // "watchdog: BUG: soft lockup - CPU#0 stuck for Ns! [comm:pid]" (rule
  // SOFTLOCKUP) with the current context chain, the interrupts taken while
  // stuck and the registered hang dumps. watchdog_thresh defaults to Linux's
  // 10 s (so 20 s of simulated time): a driver polling a long transfer is no
  // lockup. Tests that want a storm caught inside a short run set a small
  // threshold explicitly. 0 switches the detector off.
  void set_watchdog_thresh(const sc_core::sc_time& t);  // sysctl kernel.watchdog_thresh
  sc_core::sc_time watchdog_thresh() const;
  // The reporting threshold itself (get_softlockup_thresh() = 2 x watchdog_thresh).
  void set_softlockup_thresh(const sc_core::sc_time& t);
  const sc_core::sc_time& softlockup_thresh() const { return wd_thresh_; }
  // softlockup_panic: the report is also fatal (recorded, sc_stop()).
  void set_softlockup_panic(bool on) { wd_panic_ = on; }
  void touch_softlockup_watchdog();
  uint64_t softlockups() const { return softlockups_; }
  // State printed with a soft-lockup report (dmacosim: e.g. a DMA provider's
  // channel summary). `fn` runs in a SystemC method: it must not wait, so no
  // bus access (software state only).
  void add_hang_dump(const std::string& name, std::function<std::string()> fn);
  void remove_hang_dump(const std::string& name);  // a driver's .remove (no-op if absent)
  std::string hang_dumps();

  // ---- kernel reports that are not lock problems ----
  // Records a report in the validator's list (so tests and scenarios see it
  // like any other; unexpected ones fail) and logs it as lockdep does.
  // `key` de-duplicates. Returns true if it was new.
  bool report_bug(const std::string& key, const std::string& rule, const std::string& headline,
                  const std::string& message, const std::vector<std::string>& contexts = {});

private:
  void idle_loop();
  void ksoftirqd_loop();
  void task_entry(task_struct* t);
  void switch_to(task_struct* prev, task_struct* next);
  void watchdog_timer_fn();
  void report_bad_irq(unsigned irq, irqreturn_t action_ret);
  void handle_fasteoi_irq(unsigned irq);            // irq/chip.cpp
  void handle_irq_event(unsigned irq);              // irq/handle.cpp
  irqreturn_t __handle_irq_event_percpu(unsigned irq);
  void mask_line(unsigned irq);
  void unmask_line(unsigned irq);

  std::vector<std::unique_ptr<CpuState>> cpus_;
  std::vector<std::unique_ptr<task_struct>> tasks_;
  std::vector<std::vector<irqaction>> irq_actions_;
  std::vector<irq_desc> irq_descs_;
  spurious_irq_config spurious_cfg_;
  // soft-lockup detector
  sc_core::sc_time wd_thresh_;
  sc_core::sc_time wd_touch_;
  bool wd_armed_ = false, wd_reported_ = false, wd_panic_ = false, idle_in_wfi_ = false;
  uint64_t wd_irqs_at_touch_ = 0, softlockups_ = 0;
  sc_core::sc_event wd_ev_;
  std::vector<std::pair<std::string, std::function<std::string()>>> hang_dumps_;
  softirq_action softirq_vec_[NR_SOFTIRQS];
  softirq_budget softirq_budget_;
  softirq_stats softirq_stats_;
  cpu_time_stats cpu_times_;
  sc_core::sc_time cpu_time_last_;
  IrqChip* chip_ = nullptr;
  Lockdep lockdep_;
  std::string fatal_;
  uint64_t spurious_ = 0;
  int next_pid_ = 0;
  sc_core::sc_event never_;
};

// Global accessor (one simulation per process).
Kernel& this_kernel();
bool kernel_exists();

// RAII: push a function name onto the current context's chain.
class FuncScope {
public:
  explicit FuncScope(const char* name);
  ~FuncScope();
  FuncScope(const FuncScope&) = delete;
  FuncScope& operator=(const FuncScope&) = delete;

private:
  task_struct* task_;
  size_t depth_;
};

#define DMACOSIM_KCAT2(a, b) a##b
#define DMACOSIM_KCAT(a, b) DMACOSIM_KCAT2(a, b)
#define KFUNC(name) ::dmacosim::kernel::FuncScope DMACOSIM_KCAT(kfunc_scope_, __LINE__)(name)

}  // namespace dmacosim::kernel
