// The validator's reports in Linux 6.1's layout: every lockdep report kind,
// the __warn() of V-BH-1 / L-IRQEN and __might_resched()'s V-SLEEP-1, each
// produced for real and checked line by line (rule lines, title, kernel ident,
// task state, locks with usage and "at:" sites, the unsafe locking scenario,
// *** DEADLOCK ***, held locks, "stack backtrace:" and a Call Trace made from
// the real C++ stack, naming this file's own functions). A last test feeds
// every kind through the title patterns bug trackers classify splats with.
// GCC 12 with -fsanitize=address warns (falsely) inside <regex>'s use of
// std::function; the ASan build must stay warning-free.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>

#include "driver/kernel/stacktrace.h"
#include "harness.h"

using namespace kt;

namespace {

// Each report is made in one of these functions; noipa (no inlining, no
// merging of identical bodies) so each keeps a
// frame of its own (the trace must name it), and ending in a barrier so the
// last call is not a tail call (which would leave the frame first).
#define REPORT_FN __attribute__((noipa))
#define NO_TAIL_CALL() asm volatile("" ::: "memory")

constexpr const char* kIdent = "6\\.1\\.0-dmacosim #1 (Not tainted|Tainted: G {8}W {9})";

bool rx(const std::string& text, const std::string& pattern) {
  return std::regex_search(text, std::regex(pattern));
}

const LockReport* first(const std::string& rule, const std::string& needle = "") {
  for (const auto& r : this_kernel().lockdep().reports())
    if (r.rule == rule && r.message.find(needle) != std::string::npos) return &r;
  return nullptr;
}

// The lines of the (last) Call Trace block.
std::vector<std::string> call_trace(const std::string& msg) {
  std::vector<std::string> v;
  size_t p = msg.rfind("Call Trace:\n");
  if (p == std::string::npos) return v;
  p += 12;
  while (p < msg.size()) {
    size_t e = msg.find('\n', p);
    if (e == std::string::npos) e = msg.size();
    std::string line = msg.substr(p, e - p);
    p = e + 1;
    if (line.empty() || line[0] != ' ') break;
    v.push_back(line);
    if (line == " </TASK>") break;
  }
  return v;
}

// A real frame of `fn` ("func+0xoff/0xsize file:line") in the Call Trace.
bool trace_has(const std::string& msg, const std::string& fn) {
  for (const auto& l : call_trace(msg))
    if (l.rfind(" " + fn + "+0x", 0) == 0) return true;
  return false;
}

// What every lockdep report shares, in 6.1's layout: the rule lines sized to
// the title, the kernel ident, and the stack backtrace with the real trace
// (task frames bracketed by <TASK>, no SystemC / QuickThreads frames) and
// the model's context chain after it.
void expect_lockdep_layout(const LockReport& r, const std::string& title, size_t width) {
  const std::string& m = r.message;
  EXPECT_EQ(r.headline, title);
  EXPECT_EQ(m.rfind(std::string(width, '=') + "\n" + title + "\n", 0), 0u) << m;
  EXPECT_TRUE(rx(m, "^={" + std::to_string(width) + "}\n[^\n]+\n" + kIdent + "\n-{" + std::to_string(width) + "}\n"))
      << m;
  EXPECT_TRUE(rx(m, "\nstack backtrace:\nCPU: 0 PID: [0-9]+ Comm: [^ ]+ (Not tainted|Tainted: G {8}W {9}) "
                    "6\\.1\\.0-dmacosim #1\nHardware name: [^\n]+\nCall Trace:\n"
                    "( <IRQ>\n( [^\n]+\n)+ </IRQ>\n)? <TASK>\n( [^\n]+\n)+ </TASK>\ndmacosim context chain: [^\n]+\n$"))
      << m;
  const auto trace = call_trace(m);
  ASSERT_FALSE(trace.empty()) << m;
  for (const auto& l : trace) {
    EXPECT_EQ(l.find("sc_core"), std::string::npos) << l;
    EXPECT_EQ(l.find("libsystemc"), std::string::npos) << l;
    EXPECT_EQ(l.find("qt_"), std::string::npos) << l;
  }
}

// "<16 hex digits> (name){usage}, at: site": print_lock().
std::string lock_line(const std::string& name, const std::string& site_regex) {
  std::string n = std::regex_replace(name, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
  return "\n[0-9a-f]{16} \\(" + n + "\\)\\{[-+?.]{4}\\}, at: " + site_regex + "\n";
}

// ---------------------------------------------------------------- producers
// Each arranges one report kind, on its own locks, interrupt line and
// thread, so the classification test can run them all in one simulation.

REPORT_FN void take_with_irqs_on(spinlock_t* l) {
  spin_lock(l);
  spin_unlock(l);
  NO_TAIL_CALL();
}

REPORT_FN void l1_irq_takes_lock(spinlock_t* l) {
  spin_lock(l);
  spin_unlock(l);
  NO_TAIL_CALL();
}

// L-1: a lock taken with hardirqs on, then in a hardirq handler.
void produce_l1(Platform& p, unsigned irq, sc_time at) {
  static spinlock_t l;
  spin_lock_init(&l, "&rep->l1_lock");
  request_irq(irq, [](int, void*) {
    KFUNC("l1_handler");
    l1_irq_takes_lock(&l);
    return IRQ_HANDLED;
  }, 0, "l1_irq", nullptr);
  kthread_run([] {
    KFUNC("l1_process");
    take_with_irqs_on(&l);
  }, "l1-app");
  p.src.at(at, irq);
}

REPORT_FN void l2_nest_a_b(spinlock_t* a, spinlock_t* b) {
  spin_lock_irq(a);
  spin_lock(b);
  spin_unlock(b);
  spin_unlock_irq(a);
  NO_TAIL_CALL();
}

REPORT_FN void l2_irq_takes_a(spinlock_t* a) {
  spin_lock(a);
  spin_unlock(a);
  NO_TAIL_CALL();
}

// L-2: a -> b recorded with b hardirq-unsafe, then a becomes hardirq-safe.
void produce_l2(Platform& p, unsigned irq, sc_time at) {
  static spinlock_t a, b;
  spin_lock_init(&a, "&rep->l2_a");
  spin_lock_init(&b, "&rep->l2_b");
  request_irq(irq, [](int, void*) {
    KFUNC("l2_handler");
    l2_irq_takes_a(&a);
    return IRQ_HANDLED;
  }, 0, "l2_irq", nullptr);
  kthread_run([] {
    KFUNC("l2_process");
    take_with_irqs_on(&b);
    l2_nest_a_b(&a, &b);
  }, "l2-app");
  p.src.at(at, irq);
}

REPORT_FN void l3_irq_takes_safe(spinlock_t* s) {
  spin_lock(s);
  spin_unlock(s);
  NO_TAIL_CALL();
}

REPORT_FN void l3_take_unsafe_under_safe(spinlock_t* s, spinlock_t* u) {
  spin_lock_irq(s);
  spin_lock(u);
  spin_unlock(u);
  spin_unlock_irq(s);
  NO_TAIL_CALL();
}

// L-3 (the 2010 seed bug's shape): a hardirq-safe lock taken, IRQs off,
// around a hardirq-unsafe one.
void produce_l3(Platform& p, unsigned irq, sc_time at) {
  static spinlock_t s, u;
  spin_lock_init(&s, "&rep->l3_stream_lock");
  spin_lock_init(&u, "&rep->l3_chan_lock");
  request_irq(irq, [](int, void*) {
    KFUNC("l3_period_elapsed");
    l3_irq_takes_safe(&s);
    return IRQ_HANDLED;
  }, 0, "l3_irq", nullptr);
  kthread_run([at] {
    KFUNC("l3_trigger");
    take_with_irqs_on(&u);
    msleep(static_cast<unsigned>(at.to_seconds() * 1000) + 1);  // after the interrupt
    l3_take_unsafe_under_safe(&s, &u);
  }, "l3-app");
  p.src.at(at, irq);
}

REPORT_FN void l4_take_in_order(spinlock_t* x, spinlock_t* y) {
  spin_lock(x);
  spin_lock(y);
  spin_unlock(y);
  spin_unlock(x);
  NO_TAIL_CALL();
}

// L-4: a -> b, then b -> a.
void produce_l4() {
  static spinlock_t a, b;
  spin_lock_init(&a, "&rep->l4_a");
  spin_lock_init(&b, "&rep->l4_b");
  kthread_run([] {
    KFUNC("l4_ab");
    l4_take_in_order(&a, &b);
    l4_take_in_order(&b, &a);
  }, "l4-app");
}

// L-4 through a third class: a -> b, b -> c, then c -> a.
void produce_l4_chain() {
  static spinlock_t a, b, c;
  spin_lock_init(&a, "&rep->l4c_a");
  spin_lock_init(&b, "&rep->l4c_b");
  spin_lock_init(&c, "&rep->l4c_c");
  kthread_run([] {
    {
      KFUNC("l4c_probe");
      l4_take_in_order(&a, &b);
    }
    {
      KFUNC("l4c_start");
      l4_take_in_order(&b, &c);
    }
    KFUNC("l4c_stop");
    l4_take_in_order(&c, &a);
  }, "l4c-app");
}

REPORT_FN void l5_take_two_of_a_class(spinlock_t* x, spinlock_t* y) {
  spin_lock(x);
  spin_lock(y);
  spin_unlock(y);
  spin_unlock(x);
  NO_TAIL_CALL();
}

// L-5: two locks of one class, nested without an annotation (after
// `delay_ms` of sleep).
void produce_l5(unsigned delay_ms = 0) {
  static spinlock_t x, y;
  spin_lock_init(&x, "&rep->l5_chan_lock");
  spin_lock_init(&y, "&rep->l5_chan_lock");
  static unsigned delay;
  delay = delay_ms;
  kthread_run([] {
    if (delay) msleep(delay);
    KFUNC("l5_process");
    l5_take_two_of_a_class(&x, &y);
  }, "l5-app");
}

REPORT_FN void unlock_release_unheld(spinlock_t* z) {
  preempt_disable();  // what the missing spin_lock() would have done
  spin_unlock(z);
  NO_TAIL_CALL();
}

// L-UNLOCK: releasing a lock that is not held.
void produce_unlock() {
  static spinlock_t z;
  spin_lock_init(&z, "&rep->unlock_lock");
  kthread_run([] {
    KFUNC("unlock_process");
    // CONFIG_DEBUG_SPINLOCK's own complaint about the same unlock.
    ExpectedLog provoked(LogLevel::Error, "spinlock already unlocked", "provoked: releasing a lock not held");
    unlock_release_unheld(&z);
  }, "unlock-app");
}

REPORT_FN void bh_lock_unlock(spinlock_t* c) {
  spin_lock_bh(c);
  spin_unlock_bh(c);
  NO_TAIL_CALL();
}

REPORT_FN void bh_submit_irqs_off(spinlock_t* c) {
  unsigned long f;
  local_irq_save(f);
  bh_lock_unlock(c);
  local_irq_restore(f);
  NO_TAIL_CALL();
}

// V-BH-1: spin_unlock_bh() with IRQs off.
void produce_bh() {
  static spinlock_t c;
  spin_lock_init(&c, "&rep->bh_lock");
  kthread_run([] {
    KFUNC("bh_trigger");
    bh_submit_irqs_off(&c);
  }, "bh-app");
}

REPORT_FN void sleep_under_lock(spinlock_t* m) {
  spin_lock(m);
  msleep(1);
  spin_unlock(m);
  NO_TAIL_CALL();
}

// V-SLEEP-1: msleep() under a spinlock.
void produce_sleep() {
  static spinlock_t m;
  spin_lock_init(&m, "&rep->sleep_lock");
  kthread_run([] {
    KFUNC("sleep_process");
    sleep_under_lock(&m);
  }, "sleep-app");
}

REPORT_FN void irqen_handler_enables_irqs() {
  local_irq_enable();
  local_irq_disable();  // back off before returning (irq/handle.cpp would report that too)
  NO_TAIL_CALL();
}

// L-IRQEN: a hardirq handler enables interrupts.
void produce_irqen(Platform& p, unsigned irq, sc_time at) {
  request_irq(irq, [](int, void*) {
    KFUNC("irqen_handler");
    irqen_handler_enables_irqs();
    return IRQ_HANDLED;
  }, 0, "irqen_irq", nullptr);
  p.src.at(at, irq);
}

// The scenario table as print_irq_lock_scenario() lays it out.
std::string irq_scenario(const std::string& safe, const std::string& unsafe, const std::string& middle) {
  return " Possible interrupt unsafe locking scenario:\n\n"
         "       CPU0                    CPU1\n"
         "       ----                    ----\n"
         "  lock(" + unsafe + ");\n"
         "                               local_irq_disable();\n"
         "                               lock(" + safe + ");\n"
         "                               lock(" + middle + ");\n"
         "  <Interrupt>\n"
         "    lock(" + safe + ");\n"
         "\n *** DEADLOCK ***\n\n";
}

}  // namespace

// ---------------------------------------------------------------- one kind each

TEST(LockdepReport, InconsistentLockStateL1) {
  Platform& p = platform();
  produce_l1(p, 3, sc_time(100, SC_US));
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("L-1");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  expect_lockdep_layout(*r, "WARNING: inconsistent lock state", 32);
  EXPECT_NE(m.find("\ninconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.\n"), std::string::npos) << m;
  EXPECT_TRUE(rx(m, "\n[^ ]+/[0-9]+ \\[HC1\\[1\\]:SC0\\[0\\]:HE0:SE1\\] takes:" +
                        lock_line("&rep->l1_lock", "l1_irq_takes_lock\\+0x[0-9a-f]+/0x[0-9a-f]+")))
      << m;
  EXPECT_NE(m.find("{HARDIRQ-ON-W} state was registered at:\n  process:l1-app > l1_process\n"), std::string::npos)
      << m;
  EXPECT_NE(m.find("\nother info that might help us debug this:\n"
                   " Possible unsafe locking scenario:\n\n"
                   "       CPU0\n"
                   "       ----\n"
                   "  lock(&rep->l1_lock);\n"
                   "  <Interrupt>\n"
                   "    lock(&rep->l1_lock);\n"
                   "\n *** DEADLOCK ***\n\n"),
            std::string::npos)
      << m;
  EXPECT_TRUE(rx(m, "\n(no locks held by [^\n]+\\.|[0-9]+ locks? held by [^\n]+:)\n")) << m;
  // The interrupt's frames, this file's function first, then the task it interrupted.
  EXPECT_TRUE(trace_has(m, "l1_irq_takes_lock")) << m;
  EXPECT_TRUE(trace_has(m, "handle_interrupt")) << m;
  EXPECT_NE(m.find("Call Trace:\n <IRQ>\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\ndmacosim context chain: hardirq:l1_irq > l1_handler <- interrupted "), std::string::npos) << m;
  ld.expect("L-1");
  expect_no_unexpected_reports();
}

TEST(LockdepReport, IrqLockInversionL2) {
  Platform& p = platform();
  produce_l2(p, 4, sc_time(100, SC_US));
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("L-2");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  expect_lockdep_layout(*r, "WARNING: possible irq lock inversion dependency detected", 56);
  EXPECT_TRUE(rx(m, "\n[^ ]+/[0-9]+ just changed the state of lock:" +
                        lock_line("&rep->l2_a", "l2_irq_takes_a\\+0x[0-9a-f]+/0x[0-9a-f]+")))
      << m;
  EXPECT_NE(m.find("\nbut this lock took another, HARDIRQ-unsafe lock in the past:\n (&rep->l2_b){+.+.}\n\n"
                   "and interrupts could create inverse lock ordering between them.\n\n"
                   "\nother info that might help us debug this:\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(irq_scenario("&rep->l2_a", "&rep->l2_b", "&rep->l2_b")), std::string::npos) << m;
  EXPECT_NE(m.find("\nthe shortest dependencies between 2nd lock and 1st lock:\n -> (&rep->l2_b){+.+.} {\n"
                   "    HARDIRQ-ON-W at:\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(" ... acquired at:\n   process:l2-app > l2_process\n"), std::string::npos) << m;
  EXPECT_TRUE(trace_has(m, "l2_irq_takes_a")) << m;
  ld.expect("L-2");
  expect_no_unexpected_reports();
}

TEST(LockdepReport, SafeToUnsafeL3) {
  Platform& p = platform();
  produce_l3(p, 5, sc_time(100, SC_US));
  sc_start(2, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("L-3");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  expect_lockdep_layout(*r, "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected", 53);
  EXPECT_TRUE(rx(m, "\nl3-app/[0-9]+ \\[HC0\\[0\\]:SC0\\[0\\]:HE0:SE1\\] is trying to acquire:" +
                        lock_line("&rep->l3_chan_lock", "l3_take_unsafe_under_safe\\+0x[0-9a-f]+/0x[0-9a-f]+") +
                        "\nand this task is already holding:" + lock_line("&rep->l3_stream_lock", "l3_trigger") +
                        "which would create a new lock dependency:\n"
                        " \\(&rep->l3_stream_lock\\)\\{-\\.\\.\\.\\} -> \\(&rep->l3_chan_lock\\)\\{\\+\\.\\+\\.\\}\n"))
      << m;
  EXPECT_NE(m.find("\nbut this new dependency connects a HARDIRQ-irq-safe lock:\n (&rep->l3_stream_lock){-...}\n"
                   "... which became HARDIRQ-irq-safe at:\n  hardirq:l3_irq > l3_period_elapsed\n"
                   "\nto a HARDIRQ-irq-unsafe lock:\n (&rep->l3_chan_lock){+.+.}\n"
                   "... which became HARDIRQ-irq-unsafe at:\n...\n  process:l3-app > l3_trigger\n"
                   "\nother info that might help us debug this:\n\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(irq_scenario("&rep->l3_stream_lock", "&rep->l3_chan_lock", "&rep->l3_chan_lock")),
            std::string::npos)
      << m;
  EXPECT_TRUE(rx(m, "\n1 lock held by l3-app/[0-9]+:\n #0: [0-9a-f]{16} \\(&rep->l3_stream_lock\\)")) << m;
  EXPECT_NE(m.find("\nthe dependencies between HARDIRQ-irq-safe lock and the holding lock:\n"), std::string::npos);
  EXPECT_NE(m.find("\nthe dependencies between the lock to be acquired\n and HARDIRQ-irq-unsafe lock:\n"),
            std::string::npos);
  EXPECT_TRUE(trace_has(m, "l3_take_unsafe_under_safe")) << m;
  EXPECT_TRUE(trace_has(m, "spin_lock")) << m;
  ld.expect("L-3");
  expect_no_unexpected_reports();
}

TEST(LockdepReport, CircularL4) {
  platform();
  produce_l4();
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("L-4");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  expect_lockdep_layout(*r, "WARNING: possible circular locking dependency detected", 54);
  EXPECT_TRUE(rx(m, "\nl4-app/[0-9]+ is trying to acquire lock:" +
                        lock_line("&rep->l4_a", "l4_take_in_order\\+0x[0-9a-f]+/0x[0-9a-f]+") +
                        "\nbut task is already holding lock:" + lock_line("&rep->l4_b", "l4_ab") +
                        "\nwhich lock already depends on the new lock.\n\n"
                        "\nthe existing dependency chain \\(in reverse order\\) is:\n"
                        "\n-> #1 \\(&rep->l4_b\\)\\{\\+\\.\\+\\.\\}:\n       process:l4-app > l4_ab\n"
                        "\n-> #0 \\(&rep->l4_a\\)\\{\\+\\.\\+\\.\\}:\n( {7}[^\n]+\n)+"
                        "\nother info that might help us debug this:\n\n"))
      << m;
  EXPECT_NE(m.find(" Possible unsafe locking scenario:\n\n"
                   "       CPU0                    CPU1\n"
                   "       ----                    ----\n"
                   "  lock(&rep->l4_b);\n"
                   "                               lock(&rep->l4_a);\n"
                   "                               lock(&rep->l4_b);\n"
                   "  lock(&rep->l4_a);\n"
                   "\n *** DEADLOCK ***\n\n"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("Chain exists of:"), std::string::npos) << m;
  EXPECT_TRUE(rx(m, "\n1 lock held by l4-app/[0-9]+:\n #0: [0-9a-f]{16} \\(&rep->l4_b\\)")) << m;
  // The #0 entry is the current stack: the same function as the Call Trace.
  EXPECT_TRUE(rx(m, "\n-> #0 [^\n]+\n( {7}[^\n]+\n)* {7}l4_take_in_order\\+0x")) << m;
  EXPECT_TRUE(trace_has(m, "l4_take_in_order")) << m;
  ld.expect("L-4");
  expect_no_unexpected_reports();
}

TEST(LockdepReport, CircularThroughAThirdClassL4) {
  platform();
  produce_l4_chain();
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("L-4");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  expect_lockdep_layout(*r, "WARNING: possible circular locking dependency detected", 54);
  EXPECT_NE(m.find("\n-> #2 (&rep->l4c_c){+.+.}:\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\n-> #1 (&rep->l4c_b){+.+.}:\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\nother info that might help us debug this:\n\n"
                   "Chain exists of:\n  &rep->l4c_a --> &rep->l4c_b --> &rep->l4c_c\n\n"
                   " Possible unsafe locking scenario:\n\n"
                   "       CPU0                    CPU1\n"
                   "       ----                    ----\n"
                   "  lock(&rep->l4c_c);\n"
                   "                               lock(&rep->l4c_b);\n"
                   "                               lock(&rep->l4c_c);\n"
                   "  lock(&rep->l4c_a);\n"
                   "\n *** DEADLOCK ***\n\n"),
            std::string::npos)
      << m;
  ld.expect("L-4");
  expect_no_unexpected_reports();
}

TEST(LockdepReport, RecursiveL5) {
  platform();
  produce_l5();
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("L-5");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  expect_lockdep_layout(*r, "WARNING: possible recursive locking detected", 44);
  EXPECT_TRUE(rx(m, "\nl5-app/[0-9]+ is trying to acquire lock:" +
                        lock_line("&rep->l5_chan_lock", "l5_take_two_of_a_class\\+0x[0-9a-f]+/0x[0-9a-f]+") +
                        "\nbut task is already holding lock:" + lock_line("&rep->l5_chan_lock", "l5_process") +
                        "\nother info that might help us debug this:\n"
                        " Possible unsafe locking scenario:\n\n"
                        "       CPU0\n"
                        "       ----\n"
                        "  lock\\(&rep->l5_chan_lock\\);\n"
                        "  lock\\(&rep->l5_chan_lock\\);\n"
                        "\n \\*\\*\\* DEADLOCK \\*\\*\\*\n\n"
                        " May be due to missing lock nesting notation\n\n"
                        "1 lock held by l5-app/[0-9]+:\n #0: "))
      << m;
  EXPECT_TRUE(trace_has(m, "l5_take_two_of_a_class")) << m;
  ld.expect("L-5");
  expect_no_unexpected_reports();
}

TEST(LockdepReport, BadUnlockBalance) {
  platform();
  produce_unlock();
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("L-UNLOCK");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  expect_lockdep_layout(*r, "WARNING: bad unlock balance detected!", 37);
  EXPECT_TRUE(rx(m, "\nunlock-app/[0-9]+ is trying to release lock \\(&rep->unlock_lock\\) at:\n"
                    "\\[<[0-9a-f]{16}>\\] unlock_release_unheld\\+0x[0-9a-f]+/0x[0-9a-f]+\n"
                    "but there are no more locks to release!\n"
                    "\nother info that might help us debug this:\n"
                    "no locks held by unlock-app/[0-9]+\\.\n"
                    "\nstack backtrace:\n"))
      << m;
  EXPECT_TRUE(trace_has(m, "unlock_release_unheld")) << m;
  ld.expect("L-UNLOCK");
  expect_no_unexpected_reports();
}

TEST(LockdepReport, BhEnableWithIrqsOffIsA61Warn) {
  platform();
  produce_bh();
  produce_l5(1);  // a report after the WARN: the kernel is tainted by then
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("V-BH-1");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  EXPECT_TRUE(rx(r->headline, "^WARNING: CPU: 0 PID: [0-9]+ at kernel/softirq\\.c:376 "
                              "__local_bh_enable_ip\\+0x[0-9a-f]+/0x[0-9a-f]+$"))
      << r->headline;
  EXPECT_TRUE(rx(m, "^------------\\[ cut here \\]------------\n"
                    "WARNING: CPU: 0 PID: [0-9]+ at kernel/softirq\\.c:376 __local_bh_enable_ip\\+0x[0-9a-f]+/0x[0-9a-f]+\n"
                    "Modules linked in:\n"
                    "CPU: 0 PID: [0-9]+ Comm: bh-app Not tainted 6\\.1\\.0-dmacosim #1\n"
                    "Hardware name: [^\n]+\n"
                    "(RIP: 0010:[^\n]+ \\[inline\\]\n)*RIP: 0010:__local_bh_enable_ip\\+0x[0-9a-f]+/0x[0-9a-f]+\n"
                    "Call Trace:\n <TASK>\n( [^\n]+\n)+ </TASK>\n"
                    "dmacosim: spin_unlock_bh\\(\\) of &rep->bh_lock with IRQs disabled: in_hardirq\\(\\): 0, "
                    "irqs_disabled\\(\\): 1, preempt_count: 0x[0-9a-f]+\n"
                    "dmacosim context chain: process:bh-app > bh_trigger\n"
                    "---\\[ end trace 0000000000000000 \\]---\n$"))
      << m;
  // The callers, innermost first: the lock layer, then this file's functions.
  const auto trace = call_trace(m);
  ASSERT_GE(trace.size(), 4u) << m;
  EXPECT_EQ(trace[1].rfind(" spin_unlock_bh+0x", 0), 0u) << m;
  EXPECT_EQ(trace[2].rfind(" bh_lock_unlock+0x", 0), 0u) << m;
  EXPECT_EQ(trace[3].rfind(" bh_submit_irqs_off+0x", 0), 0u) << m;
  EXPECT_NE(trace[2].find(" tests/driver/kernel/test_lockdep_report.cpp:"), std::string::npos) << trace[2];
  // __warn() taints the kernel: the lockdep report after it says so.
  const LockReport* l5 = first("L-5");
  ASSERT_NE(l5, nullptr) << ld.dump();
  EXPECT_NE(l5->message.find("\n6.1.0-dmacosim #1 Tainted: G        W         \n"), std::string::npos) << l5->message;
  ld.expect("V-BH-1");
  ld.expect("L-5");
  expect_no_unexpected_reports();
}

TEST(LockdepReport, SleepInAtomicIsMightResched) {
  platform();
  produce_sleep();
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("V-SLEEP-1");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  EXPECT_TRUE(rx(m, "^BUG: sleeping function called from invalid context at "
                    "tests/driver/kernel/test_lockdep_report\\.cpp:[0-9]+\n"
                    "in_atomic\\(\\): 1, irqs_disabled\\(\\): 0, non_block: 0, pid: [0-9]+, name: sleep-app\n"
                    "preempt_count: 1, expected: 0\n"
                    "RCU nest depth: 0, expected: 0\n"
                    "1 lock held by sleep-app/[0-9]+:\n"
                    " #0: [0-9a-f]{16} \\(&rep->sleep_lock\\)\\{[-+?.]{4}\\}, at: sleep_process\n"
                    "Preemption disabled at:\n  process:sleep-app > sleep_process\n"
                    "CPU: 0 PID: [0-9]+ Comm: sleep-app Not tainted 6\\.1\\.0-dmacosim #1\n"
                    "Hardware name: [^\n]+\n"
                    "Call Trace:\n <TASK>\n( [^\n]+\n)+ </TASK>\n"
                    "dmacosim context chain: process:sleep-app > sleep_process\n$"))
      << m;
  EXPECT_TRUE(trace_has(m, "sleep_under_lock")) << m;
  EXPECT_TRUE(trace_has(m, "msleep")) << m;
  ld.expect("V-SLEEP-1");
  ld.expect("V-SCHED-1");  // then schedule() itself: "scheduling while atomic"
  expect_no_unexpected_reports();
}

TEST(LockdepReport, IrqsOnInHardirqIsADebugLocksWarn) {
  Platform& p = platform();
  produce_irqen(p, 6, sc_time(10, SC_US));
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  const LockReport* r = first("L-IRQEN", "DEBUG_LOCKS_WARN_ON");
  ASSERT_NE(r, nullptr) << ld.dump();
  const std::string& m = r->message;
  EXPECT_TRUE(rx(m, "^------------\\[ cut here \\]------------\n"
                    "DEBUG_LOCKS_WARN_ON\\(lockdep_hardirq_context\\(\\)\\)\n"
                    "WARNING: CPU: 0 PID: [0-9]+ at kernel/locking/lockdep\\.c:[0-9]+ [a-z_]+\\+0x[0-9a-f]+/0x[0-9a-f]+\n"
                    "Modules linked in:\n"))
      << m;
  EXPECT_NE(m.find("Call Trace:\n <IRQ>\n"), std::string::npos) << m;
  EXPECT_TRUE(trace_has(m, "irqen_handler_enables_irqs")) << m;
  EXPECT_NE(m.find("---[ end trace 0000000000000000 ]---\n"), std::string::npos) << m;
  ld.expect("L-IRQEN");
  expect_no_unexpected_reports();
}

// A repeat of a report (same key) is dropped before any stack is walked:
// the checks ask Lockdep::reported() before calling a printer.
TEST(LockdepReport, RepeatsAreDroppedBeforeTheStackIsWalked) {
  platform();
  static spinlock_t x, y;
  static uint64_t walks_after_first = 0, walks_after_repeats = 0;
  spin_lock_init(&x, "&rep->dup_lock");
  spin_lock_init(&y, "&rep->dup_lock");
  kthread_run([] {
    KFUNC("dup_process");
    l5_take_two_of_a_class(&x, &y);
    walks_after_first = stack_trace_save_count();
    for (int i = 0; i < 3; ++i) l5_take_two_of_a_class(&x, &y);
    walks_after_repeats = stack_trace_save_count();
  }, "dup-app");
  sc_start(1, SC_MS);
  auto& ld = this_kernel().lockdep();
  EXPECT_EQ(ld.count("L-5"), 1u) << ld.dump();
  EXPECT_GE(walks_after_first, 1u);
  EXPECT_EQ(walks_after_repeats, walks_after_first);
  EXPECT_TRUE(ld.reported("L-5|&rep->dup_lock|process:dup-app > dup_process"));
  EXPECT_FALSE(ld.reported("L-5|&rep->dup_lock|process:other"));
  ld.expect("L-5");
  expect_no_unexpected_reports();
}

// The unwinder runs on SystemC threads' QuickThreads coroutine stacks: it
// must stop at the coroutine's entry (never read past the stack, never run
// to the frame limit), and symbolize what it found.
TEST(LockdepReport, StackWalkStopsAtTheBottomOfASystemCThread) {
  platform();
  static std::vector<uintptr_t> ips;
  static std::vector<stack_frame> frames;
  kthread_run([] {
    ips = stack_trace_save(0, 256);
    frames = stack_trace_for_report(ips);
  }, "walker");
  sc_start(1, SC_MS);
  ASSERT_FALSE(ips.empty());
  EXPECT_LT(ips.size(), 256u);  // ended at the coroutine's entry, not at the limit
  bool bottom_is_entry = false;
  for (const auto& f : stack_trace_symbolize(ips.back()))
    if (f.full.find("sc_thread_cor_fn") != std::string::npos || f.full.find("sc_cor_qt") != std::string::npos)
      bottom_is_entry = true;
  EXPECT_TRUE(bottom_is_entry) << stack_trace_print(stack_trace_symbolize(ips.back()), 0);
  ASSERT_FALSE(frames.empty());
  // The report view: the task entry last, no SystemC frame anywhere.
  EXPECT_EQ(frames.back().file.rfind("driver/kernel/", 0), 0u) << stack_trace_print(frames, 0);
  for (const auto& f : frames) EXPECT_EQ(f.full.find("sc_core::"), std::string::npos) << f.full;
  EXPECT_TRUE(stack_trace_symbols_available());
  expect_no_unexpected_reports();
}

// ---------------------------------------------------------------- bug-tracker titles

namespace {

// The title patterns of syzkaller's Linux report parser (pkg/report/linux.go)
// for these report kinds, re-expressed: a header, a pattern anchored at it,
// and the title built from the first capture.
struct TitleRule {
  std::regex re;
  std::string title;  // "%1" is replaced by the capture
  int group = 1;
};

const std::vector<TitleRule>& title_rules() {
  static const std::string PC = R"(\[<?(?:0x)?[0-9a-f]+>?\])";
  static const std::string FUNC = R"(([a-zA-Z0-9_]+)(?:\.|\+))";
  static const std::string SRC = R"(([a-zA-Z0-9_/.\-]+\.[a-z]+:[0-9]+))";
  static const std::string ANY = R"((?:.*\n)+?.*)";
  static const std::vector<TitleRule> rules = {
      {std::regex("WARNING: .* at " + SRC + " " + FUNC), "WARNING in %1", 2},
      {std::regex("WARNING: possible circular locking dependency detected" + ANY + "is trying to acquire lock" + ANY +
                  "at: (?:" + PC + " +)?" + FUNC),
       "possible deadlock in %1"},
      {std::regex("WARNING: possible irq lock inversion dependency detected" + ANY + "just changed the state of lock" +
                  ANY + "at: (?:" + PC + " +)?" + FUNC),
       "possible deadlock in %1"},
      {std::regex("WARNING: .*-safe -> .*-unsafe lock order detected" + ANY + "is trying to acquire" + ANY +
                  "at: (?:" + PC + " +)?" + FUNC),
       "possible deadlock in %1"},
      {std::regex("WARNING: possible recursive locking detected" + ANY + "is trying to acquire lock" + ANY +
                  "at: (?:" + PC + " +)?" + FUNC),
       "possible deadlock in %1"},
      {std::regex("WARNING: inconsistent lock state" + ANY + "takes" + ANY + "at: (?:" + PC + " +)?" + FUNC),
       "inconsistent lock state in %1"},
      {std::regex("WARNING: bad unlock balance detected!" + ANY + PC + " +" + FUNC),
       "WARNING: bad unlock balance in %1"},
      {std::regex("BUG: sleeping function called from invalid context (.*)"),
       "BUG: sleeping function called from invalid context %1"},
  };
  return rules;
}

// The title of the first oops in `text` (a "WARNING:" or "BUG:" line), as a
// bug tracker files it; "" if no pattern matches.
std::string classify(const std::string& text) {
  size_t w = text.find("WARNING:"), b = text.find("BUG:");
  size_t at = std::min(w, b);
  if (at == std::string::npos) return "";
  // Only the part before the stack dump takes part in the title.
  std::string head = text.substr(at, text.find("\nstack backtrace:", at) - at);
  for (const auto& rule : title_rules()) {
    std::smatch m;
    if (!std::regex_search(head, m, rule.re, std::regex_constants::match_continuous)) continue;
    std::string t = rule.title;
    t.replace(t.find("%1"), 2, m[rule.group].str());
    return t;
  }
  return "";
}

}  // namespace

TEST(LockdepReport, EveryKindClassifiesToItsBugTrackerTitle) {
  Platform& p = platform();
  produce_l1(p, 3, sc_time(100, SC_US));
  produce_l2(p, 4, sc_time(200, SC_US));
  produce_l3(p, 5, sc_time(300, SC_US));
  produce_l4();
  produce_l5();
  produce_unlock();
  produce_bh();
  produce_sleep();
  produce_irqen(p, 6, sc_time(400, SC_US));
  sc_start(5, SC_MS);
  auto& ld = this_kernel().lockdep();
  const std::vector<std::pair<std::string, std::string>> want = {
      {"L-1", "inconsistent lock state in l1_irq_takes_lock"},
      {"L-2", "possible deadlock in l2_irq_takes_a"},
      {"L-3", "possible deadlock in l3_take_unsafe_under_safe"},
      {"L-4", "possible deadlock in l4_take_in_order"},
      {"L-5", "possible deadlock in l5_take_two_of_a_class"},
      {"L-UNLOCK", "WARNING: bad unlock balance in unlock_release_unheld"},
      {"V-BH-1", "WARNING in __local_bh_enable_ip"},
  };
  for (const auto& [rule, title] : want) {
    const LockReport* r = first(rule);
    ASSERT_NE(r, nullptr) << rule << "\n" << ld.dump();
    EXPECT_EQ(classify(r->message), title) << r->message;
  }
  const LockReport* s = first("V-SLEEP-1");
  ASSERT_NE(s, nullptr) << ld.dump();
  EXPECT_TRUE(rx(classify(s->message),
                 "^BUG: sleeping function called from invalid context at tests/driver/kernel/"
                 "test_lockdep_report\\.cpp:[0-9]+$"))
      << classify(s->message);
  const LockReport* irqen = first("L-IRQEN", "DEBUG_LOCKS_WARN_ON");
  ASSERT_NE(irqen, nullptr) << ld.dump();
  EXPECT_TRUE(rx(classify(irqen->message), "^WARNING in [a-z_]+$")) << classify(irqen->message);
  // A report that is not one of these kinds gets no lockdep title.
  EXPECT_EQ(classify("WARNING: something else entirely\n"), "");
  for (const char* rule : {"L-1", "L-2", "L-3", "L-4", "L-5", "L-UNLOCK", "V-BH-1", "V-SLEEP-1", "V-SCHED-1", "L-IRQEN"})
    ld.expect(rule);
  expect_no_unexpected_reports();
}
