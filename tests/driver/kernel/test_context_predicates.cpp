// The context predicates of include/linux/preempt.h and irqflags.h in every
// context the model has, against the values Linux 6.1 gives
// (CONFIG_PREEMPT_COUNT=y, !CONFIG_PREEMPT_RT).
//
// Every expected value below is derived from Linux's definitions:
//
//   PREEMPT_MASK 0xff  SOFTIRQ_MASK 0xff00  HARDIRQ_MASK 0xf0000  NMI_MASK 0xf00000
//   SOFTIRQ_OFFSET 0x100 (serving a softirq)  SOFTIRQ_DISABLE_OFFSET 0x200 (bh off)
//   HARDIRQ_OFFSET 0x10000  NMI_OFFSET 0x100000
//   softirq_count()      = preempt_count() & SOFTIRQ_MASK
//   hardirq_count()      = preempt_count() & HARDIRQ_MASK
//   in_atomic()          = preempt_count() != 0
//   in_softirq()         = softirq_count()                      (serving OR bh disabled)
//   in_serving_softirq() = softirq_count() & SOFTIRQ_OFFSET
//   in_interrupt()       = preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK)
//   in_hardirq()/in_irq()= hardirq_count()
//   in_nmi()             = preempt_count() & NMI_MASK
//   in_task()            = !(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET))
//   preemptible()        = preempt_count() == 0 && !irqs_disabled()   (CONFIG_PREEMPT_COUNT)
//   irqs_disabled()      = the CPU's interrupt mask, not part of preempt_count
//
// and preempt_count() in each context from what the kernel adds on the way in:
//   preempt_disable() / spin_lock*()           +1
//   local_bh_disable()                         +SOFTIRQ_DISABLE_OFFSET
//   spin_lock_bh()                             +SOFTIRQ_LOCK_OFFSET (0x201)
//   irq_enter() (every hardirq handler)        +HARDIRQ_OFFSET, and the CPU masks IRQs
//   __do_softirq() (every softirq / tasklet)   +SOFTIRQ_OFFSET, with IRQs enabled
//   __local_bh_enable_ip(cnt) running pending softirqs: subtracts cnt - 1 first
//     ("keep preemption disabled until we are done with softirq processing"),
//     so a tasklet run from local_bh_enable()/spin_unlock_bh() sees 0x101
//   __nmi_enter()                              +NMI_OFFSET + HARDIRQ_OFFSET
//
// The table (pc = preempt_count(), sc/hc = softirq_count()/hardirq_count(),
// off = irqs_disabled(); 1 = true):
//
// | context                                  | pc      | sc    | hc     | off | atomic | softirq | serving | interrupt | hardirq | task | nmi | preemptible |
// |------------------------------------------|---------|-------|--------|-----|--------|---------|---------|-----------|---------|------|-----|-------------|
// | process                                  | 0       | 0     | 0      | 0   | 0      | 0       | 0       | 0         | 0       | 1    | 0   | 1           |
// | process, local_bh_disable                | 0x200   | 0x200 | 0      | 0   | 1      | 1       | 0       | 1         | 0       | 1    | 0   | 0           |
// | process, spin_lock_bh                    | 0x201   | 0x200 | 0      | 0   | 1      | 1       | 0       | 1         | 0       | 1    | 0   | 0           |
// | process, local_irq_disable               | 0       | 0     | 0      | 1   | 0      | 0       | 0       | 0         | 0       | 1    | 0   | 0           |
// | process, local_irq_save                  | 0       | 0     | 0      | 1   | 0      | 0       | 0       | 0         | 0       | 1    | 0   | 0           |
// | process, spin_lock_irqsave               | 1       | 0     | 0      | 1   | 1      | 0       | 0       | 0         | 0       | 1    | 0   | 0           |
// | process, spin_lock_irq                   | 1       | 0     | 0      | 1   | 1      | 0       | 0       | 0         | 0       | 1    | 0   | 0           |
// | process, preempt_disable                 | 1       | 0     | 0      | 0   | 1      | 0       | 0       | 0         | 0       | 1    | 0   | 0           |
// | process, spin_lock                       | 1       | 0     | 0      | 0   | 1      | 0       | 0       | 0         | 0       | 1    | 0   | 0           |
// | tasklet run at irq_exit                  | 0x100   | 0x100 | 0      | 0   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | HI tasklet run at irq_exit               | 0x100   | 0x100 | 0      | 0   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | TIMER_SOFTIRQ action run at irq_exit     | 0x100   | 0x100 | 0      | 0   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | tasklet run at local_bh_enable           | 0x101   | 0x100 | 0      | 0   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | tasklet run at spin_unlock_bh            | 0x101   | 0x100 | 0      | 0   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | tasklet run by ksoftirqd                 | 0x100   | 0x100 | 0      | 0   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | tasklet, local_bh_disable                | 0x300   | 0x300 | 0      | 0   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | tasklet, spin_lock_bh                    | 0x301   | 0x300 | 0      | 0   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | tasklet, spin_lock_irqsave               | 0x101   | 0x100 | 0      | 1   | 1      | 1       | 1       | 1         | 0       | 0    | 0   | 0           |
// | hardirq (interrupting process)           | 0x10000 | 0     | 0x10000| 1   | 1      | 0       | 0       | 1         | 1       | 0    | 0   | 0           |
// | hardirq over a process spin_lock         | 0x10001 | 0     | 0x10000| 1   | 1      | 0       | 0       | 1         | 1       | 0    | 0   | 0           |
// | hardirq over process local_bh_disable    | 0x10200 | 0x200 | 0x10000| 1   | 1      | 1       | 0       | 1         | 1       | 0    | 0   | 0           |
// | hardirq, spin_lock                       | 0x10001 | 0     | 0x10000| 1   | 1      | 0       | 0       | 1         | 1       | 0    | 0   | 0           |
// | hardirq nested in a tasklet              | 0x10100 | 0x100 | 0x10000| 1   | 1      | 1       | 1       | 1         | 1       | 0    | 0   | 0           |
// | hardirq in a tasklet's bh-off section    | 0x10300 | 0x300 | 0x10000| 1   | 1      | 1       | 1       | 1         | 1       | 0    | 0   | 0           |
// | NMI counts over process (see below)      | 0x110000| 0     | 0x10000| 1   | 1      | 0       | 0       | 1         | 1       | 0    | 1   | 0           |
//
// Timers: the model has no timer_list / TIMER_SOFTIRQ handler of its own; the
// softirq vector is modelled, so a TIMER_SOFTIRQ action opened by the test
// stands for it. NMIs are not modelled (no nmi_enter()); the last row only
// checks that the predicates read the NMI bits as Linux's macros do, with the
// count __nmi_enter() would set applied by hand.
#include <map>

#include "harness.h"

using namespace kt;

namespace {

struct Predicates {
  unsigned pc = 0, sc = 0, hc = 0;
  bool off = false, atomic = false, softirq = false, serving = false, interrupt = false, hardirq = false,
       task = false, nmi = false, preemptible = false;
};

bool operator==(const Predicates& a, const Predicates& b) {
  return a.pc == b.pc && a.sc == b.sc && a.hc == b.hc && a.off == b.off && a.atomic == b.atomic &&
         a.softirq == b.softirq && a.serving == b.serving && a.interrupt == b.interrupt && a.hardirq == b.hardirq &&
         a.task == b.task && a.nmi == b.nmi && a.preemptible == b.preemptible;
}

std::string describe(const Predicates& p) {
  return strfmt(
      "preempt_count %#x softirq_count %#x hardirq_count %#x irqs_disabled %d in_atomic %d in_softirq %d "
      "in_serving_softirq %d in_interrupt %d in_hardirq %d in_task %d in_nmi %d preemptible %d",
      p.pc, p.sc, p.hc, p.off, p.atomic, p.softirq, p.serving, p.interrupt, p.hardirq, p.task, p.nmi, p.preemptible);
}

void PrintTo(const Predicates& p, std::ostream* os) { *os << describe(p); }

// The table above, row by row.
Predicates row(unsigned pc, unsigned sc, unsigned hc, int off, int atomic, int softirq, int serving, int interrupt,
               int hardirq, int task, int nmi, int preemptible) {
  Predicates p;
  p.pc = pc;
  p.sc = sc;
  p.hc = hc;
  p.off = off;
  p.atomic = atomic;
  p.softirq = softirq;
  p.serving = serving;
  p.interrupt = interrupt;
  p.hardirq = hardirq;
  p.task = task;
  p.nmi = nmi;
  p.preemptible = preemptible;
  return p;
}

const std::map<std::string, Predicates>& linux_6_1() {
  static const std::map<std::string, Predicates> t = {
      {"process", row(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1)},
      {"process, local_bh_disable", row(0x200, 0x200, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0)},
      {"process, spin_lock_bh", row(0x201, 0x200, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0)},
      {"process, local_irq_disable", row(0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0)},
      {"process, local_irq_save", row(0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0)},
      {"process, spin_lock_irqsave", row(1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0)},
      {"process, spin_lock_irq", row(1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0)},
      {"process, preempt_disable", row(1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0)},
      {"process, spin_lock", row(1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0)},
      {"tasklet run at irq_exit", row(0x100, 0x100, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"HI tasklet run at irq_exit", row(0x100, 0x100, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"TIMER_SOFTIRQ action run at irq_exit", row(0x100, 0x100, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"tasklet run at local_bh_enable", row(0x101, 0x100, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"tasklet run at spin_unlock_bh", row(0x101, 0x100, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"tasklet run by ksoftirqd", row(0x100, 0x100, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"tasklet, local_bh_disable", row(0x300, 0x300, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"tasklet, spin_lock_bh", row(0x301, 0x300, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"tasklet, spin_lock_irqsave", row(0x101, 0x100, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0)},
      {"hardirq (interrupting process)", row(0x10000, 0, 0x10000, 1, 1, 0, 0, 1, 1, 0, 0, 0)},
      {"hardirq over a process spin_lock", row(0x10001, 0, 0x10000, 1, 1, 0, 0, 1, 1, 0, 0, 0)},
      {"hardirq over process local_bh_disable", row(0x10200, 0x200, 0x10000, 1, 1, 1, 0, 1, 1, 0, 0, 0)},
      {"hardirq, spin_lock", row(0x10001, 0, 0x10000, 1, 1, 0, 0, 1, 1, 0, 0, 0)},
      {"hardirq nested in a tasklet", row(0x10100, 0x100, 0x10000, 1, 1, 1, 1, 1, 1, 0, 0, 0)},
      {"hardirq in a tasklet's bh-off section", row(0x10300, 0x300, 0x10000, 1, 1, 1, 1, 1, 1, 0, 0, 0)},
      {"NMI counts over process", row(0x110000, 0, 0x10000, 1, 1, 0, 0, 1, 1, 0, 1, 0)},
  };
  return t;
}

// Linux 6.1's macros written out once more, independently of the model, so a
// typo in the table above is caught (each row must follow from its pc and
// irqs_disabled()).
Predicates from_linux_macros(unsigned pc, bool off) {
  Predicates p;
  p.pc = pc;
  p.sc = pc & 0xff00;
  p.hc = pc & 0xf0000;
  p.off = off;
  p.atomic = pc != 0;
  p.softirq = p.sc != 0;
  p.serving = (p.sc & 0x100) != 0;
  p.interrupt = (pc & (0xf00000 | 0xf0000 | 0xff00)) != 0;
  p.hardirq = p.hc != 0;
  p.task = (pc & (0xf00000 | 0xf0000 | 0x100)) == 0;
  p.nmi = (pc & 0xf00000) != 0;
  p.preemptible = pc == 0 && !off;
  return p;
}

struct Seen {
  std::string ctx;
  std::string comm;
  Predicates p;
  bool in_irq_matches_in_hardirq = true;
};
std::vector<Seen> seen;

// What the model says, now.
void capture(const std::string& ctx) {
  Seen s;
  s.ctx = ctx;
  s.comm = this_kernel().current()->comm;
  s.p.pc = preempt_count();
  s.p.sc = softirq_count();
  s.p.hc = hardirq_count();
  s.p.off = irqs_disabled();
  s.p.atomic = in_atomic();
  s.p.softirq = in_softirq();
  s.p.serving = in_serving_softirq();
  s.p.interrupt = in_interrupt();
  s.p.hardirq = in_hardirq();
  s.p.task = in_task();
  s.p.nmi = in_nmi();
  s.p.preemptible = preemptible();
  s.in_irq_matches_in_hardirq = in_irq() == in_hardirq();
  seen.push_back(s);
}

// Every context in `want` was seen, with Linux's values.
void check_seen(const std::vector<std::string>& want) {
  for (const std::string& ctx : want) {
    auto it = linux_6_1().find(ctx);
    ASSERT_NE(it, linux_6_1().end()) << "no table row for " << ctx;
    const Predicates& exp = it->second;
    EXPECT_EQ(from_linux_macros(exp.pc, exp.off), exp) << "table row '" << ctx << "' contradicts Linux's macros";
    const Seen* s = nullptr;
    for (const Seen& x : seen)
      if (x.ctx == ctx) s = &x;
    if (!s) {
      ADD_FAILURE() << "context not reached: " << ctx;
      continue;
    }
    EXPECT_EQ(s->p, exp) << ctx << " (task " << s->comm << ")\n  model: " << describe(s->p)
                         << "\n  Linux: " << describe(exp);
    EXPECT_TRUE(s->in_irq_matches_in_hardirq) << ctx << ": in_irq() != in_hardirq()";
  }
  EXPECT_EQ(seen.size(), want.size()) << "a context was captured more often than once";
}

// One hardirq line whose handler records `hard_label` and then runs
// `hard_action` (schedule a tasklet, raise a softirq...).
constexpr unsigned kLine = 5;
std::string hard_label;
std::function<void()> hard_action;

void install_handler() {
  request_irq(kLine, [](int, void*) {
    capture(hard_label);
    if (hard_action) hard_action();
    return IRQ_HANDLED;
  }, 0, "pred_irq", nullptr);
}

// Raise the line from software: the CPU takes it at the next preemption point
// (the udelay), on top of whatever context runs now.
void interrupt_now(Platform& p, const std::string& label, std::function<void()> action = nullptr) {
  hard_label = label;
  hard_action = std::move(action);
  p.chip.raise(kLine);
  udelay(1);
  hard_action = nullptr;
}

}  // namespace

// Process context with each way of disabling preemption, bottom halves or
// interrupts.
TEST(ContextPredicates, ProcessContexts) {
  Platform& p = platform();
  (void)p;
  DEFINE_SPINLOCK(proc_lock);
  bool finished = false;
  kthread_run([&] {
    capture("process");
    local_bh_disable();
    capture("process, local_bh_disable");
    local_bh_enable();
    spin_lock_bh(&proc_lock);
    capture("process, spin_lock_bh");
    spin_unlock_bh(&proc_lock);
    local_irq_disable();
    capture("process, local_irq_disable");
    local_irq_enable();
    unsigned long flags;
    local_irq_save(flags);
    capture("process, local_irq_save");
    local_irq_restore(flags);
    spin_lock_irqsave(&proc_lock, flags);
    capture("process, spin_lock_irqsave");
    spin_unlock_irqrestore(&proc_lock, flags);
    spin_lock_irq(&proc_lock);
    capture("process, spin_lock_irq");
    spin_unlock_irq(&proc_lock);
    preempt_disable();
    capture("process, preempt_disable");
    preempt_enable();
    spin_lock(&proc_lock);
    capture("process, spin_lock");
    spin_unlock(&proc_lock);
    // Everything released: back to plain process context.
    EXPECT_EQ(preempt_count(), 0u);
    EXPECT_TRUE(preemptible());
    finished = true;
  }, "app");
  sc_start(10, SC_US);
  ASSERT_TRUE(finished);
  check_seen({"process", "process, local_bh_disable", "process, spin_lock_bh", "process, local_irq_disable",
              "process, local_irq_save", "process, spin_lock_irqsave", "process, spin_lock_irq",
              "process, preempt_disable", "process, spin_lock"});
  expect_no_unexpected_reports();
}

// Softirq context, reached every way the model has: at irq_exit, at
// local_bh_enable / spin_unlock_bh, from ksoftirqd; a HI tasklet and a
// TIMER_SOFTIRQ action; bottom halves and interrupts disabled inside a tasklet.
TEST(ContextPredicates, SoftirqContexts) {
  Platform& p = platform();
  DEFINE_SPINLOCK(proc_lock);
  DEFINE_SPINLOCK(tasklet_lock);
  static tasklet_struct t, hi;
  std::string tasklet_label;
  std::function<void()> tasklet_extra;
  std::string ksoftirqd_comm;
  tasklet_setup(&t, [&](tasklet_struct*) {
    capture(tasklet_label);
    if (tasklet_extra) tasklet_extra();
  }, "pred_tasklet");
  tasklet_setup(&hi, [&](tasklet_struct*) { capture("HI tasklet run at irq_exit"); }, "pred_hi_tasklet");
  open_softirq(TIMER_SOFTIRQ, [] { capture("TIMER_SOFTIRQ action run at irq_exit"); });
  install_handler();
  bool finished = false;
  kthread_run([&] {
    // At irq_exit, with the tasklet also taking bottom halves and interrupts.
    tasklet_label = "tasklet run at irq_exit";
    tasklet_extra = [&] {
      local_bh_disable();
      capture("tasklet, local_bh_disable");
      local_bh_enable();
      spin_lock_bh(&tasklet_lock);
      capture("tasklet, spin_lock_bh");
      spin_unlock_bh(&tasklet_lock);
      unsigned long flags;
      spin_lock_irqsave(&tasklet_lock, flags);
      capture("tasklet, spin_lock_irqsave");
      spin_unlock_irqrestore(&tasklet_lock, flags);
    };
    interrupt_now(p, "hardirq (interrupting process)", [] { tasklet_schedule(&t); });
    tasklet_extra = nullptr;
    interrupt_now(p, "hardirq, HI tasklet", [] { tasklet_hi_schedule(&hi); });
    interrupt_now(p, "hardirq, timer softirq", [] { raise_softirq_irqoff(TIMER_SOFTIRQ); });
    // At local_bh_enable(): the interrupt schedules it, bottom halves held it off.
    tasklet_label = "tasklet run at local_bh_enable";
    local_bh_disable();
    interrupt_now(p, "hardirq over process local_bh_disable", [] { tasklet_schedule(&t); });
    local_bh_enable();
    // At spin_unlock_bh().
    tasklet_label = "tasklet run at spin_unlock_bh";
    spin_lock_bh(&proc_lock);
    interrupt_now(p, "hardirq, bh lock held", [] { tasklet_schedule(&t); });
    spin_unlock_bh(&proc_lock);
    // Scheduled from process context: raise_softirq_irqoff() wakes ksoftirqd.
    tasklet_label = "tasklet run by ksoftirqd";
    tasklet_extra = [&] { ksoftirqd_comm = this_kernel().current()->comm; };
    tasklet_schedule(&t);
    msleep(1);
    tasklet_extra = nullptr;
    finished = true;
  }, "app");
  sc_start(5, SC_MS);
  ASSERT_TRUE(finished);
  EXPECT_EQ(ksoftirqd_comm, "ksoftirqd/0");
  // The hardirqs that only scheduled work are checked in HardirqContexts;
  // drop them here.
  std::vector<Seen> softirq_only;
  for (const Seen& s : seen)
    if (s.ctx.rfind("hardirq", 0) != 0 || s.ctx == "hardirq (interrupting process)" ||
        s.ctx == "hardirq over process local_bh_disable")
      softirq_only.push_back(s);
  seen = softirq_only;
  check_seen({"tasklet run at irq_exit", "tasklet, local_bh_disable", "tasklet, spin_lock_bh",
              "tasklet, spin_lock_irqsave", "HI tasklet run at irq_exit", "TIMER_SOFTIRQ action run at irq_exit",
              "tasklet run at local_bh_enable", "tasklet run at spin_unlock_bh", "tasklet run by ksoftirqd",
              "hardirq (interrupting process)", "hardirq over process local_bh_disable"});
  expect_no_unexpected_reports();
}

// Hardirq context on top of process, process holding a lock, process with
// bottom halves off, a tasklet, and a tasklet's bh-disabled section.
TEST(ContextPredicates, HardirqContexts) {
  Platform& p = platform();
  DEFINE_SPINLOCK(proc_lock);
  DEFINE_SPINLOCK(hardirq_lock);
  static tasklet_struct t;
  tasklet_setup(&t, [&](tasklet_struct*) {
    interrupt_now(p, "hardirq nested in a tasklet");
    local_bh_disable();
    interrupt_now(p, "hardirq in a tasklet's bh-off section");
    local_bh_enable();
  }, "pred_tasklet");
  install_handler();
  bool finished = false;
  kthread_run([&] {
    interrupt_now(p, "hardirq (interrupting process)", [&] {
      spin_lock(&hardirq_lock);
      capture("hardirq, spin_lock");
      spin_unlock(&hardirq_lock);
    });
    spin_lock(&proc_lock);
    interrupt_now(p, "hardirq over a process spin_lock");
    spin_unlock(&proc_lock);
    local_bh_disable();
    interrupt_now(p, "hardirq over process local_bh_disable");
    local_bh_enable();
    tasklet_schedule(&t);  // from process context: ksoftirqd runs it
    msleep(1);
    finished = true;
  }, "app");
  sc_start(5, SC_MS);
  ASSERT_TRUE(finished);
  EXPECT_EQ(t.runs, 1u);
  check_seen({"hardirq (interrupting process)", "hardirq, spin_lock", "hardirq over a process spin_lock",
              "hardirq over process local_bh_disable", "hardirq nested in a tasklet",
              "hardirq in a tasklet's bh-off section"});
  expect_no_unexpected_reports();
}

// NMIs are not modelled; with the count __nmi_enter() adds (NMI_OFFSET +
// HARDIRQ_OFFSET, with interrupts masked), the predicates must read the NMI
// bits as Linux's macros do: in_nmi(), in_interrupt(), in_hardirq(), not
// in_task().
TEST(ContextPredicates, NmiCountBits) {
  Platform& p = platform();
  (void)p;
  bool finished = false;
  kthread_run([&] {
    unsigned long flags;
    local_irq_save(flags);
    preempt_count_add(NMI_OFFSET + HARDIRQ_OFFSET);
    capture("NMI counts over process");
    preempt_count_sub(NMI_OFFSET + HARDIRQ_OFFSET);
    local_irq_restore(flags);
    finished = true;
  }, "app");
  sc_start(10, SC_US);
  ASSERT_TRUE(finished);
  EXPECT_EQ(NMI_OFFSET, 0x100000u);
  EXPECT_EQ(NMI_MASK, 0xf00000u);
  check_seen({"NMI counts over process"});
  expect_no_unexpected_reports();
}
