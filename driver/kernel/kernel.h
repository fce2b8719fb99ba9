// The kernel execution model: one object ties a modelled Cpu to the Linux
// execution contexts (process / softirq / hardirq), the scheduler, the softirq
// machinery, interrupt dispatch and the lock validator.
//
// One Kernel per simulation (per process); this_kernel() is the global
// accessor used by the Linux-named free functions (spin_lock, msleep, ...).
//
// Use (platform assembly, during elaboration):
//   Cpu cpu("cpu");  cpu.bus.bind(router...);  cpu.bind_irq(intc_irq_wire);
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

// Abstract interrupt controller (PLIC-like): claim returns the highest
// pending source (0 = none/spurious), complete(n) ends its handling. The
// platform implements it with MMIO through the Cpu (claim runs on the CPU
// with IRQs masked, inside the interrupt entry).
class IrqChip {
public:
  virtual ~IrqChip() = default;
  virtual unsigned claim() = 0;
  virtual void complete(unsigned irq) = 0;
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
  void deadlock(const std::string& what, const std::vector<std::string>& locks, const std::string& holder,
                const std::string& spinner);
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
  void run_softirqs();  // __do_softirq
  uint64_t spurious_interrupts() const { return spurious_; }
  uint64_t irq_count(unsigned irq) const;

private:
  void idle_loop();
  void ksoftirqd_loop();
  void task_entry(task_struct* t);
  void switch_to(task_struct* prev, task_struct* next);

  std::vector<std::unique_ptr<CpuState>> cpus_;
  std::vector<std::unique_ptr<task_struct>> tasks_;
  std::vector<std::vector<irqaction>> irq_actions_;
  softirq_action softirq_vec_[NR_SOFTIRQS];
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
