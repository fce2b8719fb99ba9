// The kernel's locking API selftest (lib/locking-selftest.c, Linux 6.1
// layout, covering the v4.19 matrix) re-expressed against the model's
// lockdep: every scenario x lock type, each case with its expected outcome
// (must report, with the rule and headline; or must stay silent), run in one
// SystemC simulation with lockdep_reset() between cases, printed as the
// kernel prints its table. docs/locking-selftest.md shows a run.
#include "harness.h"

#include <cstdio>
#include <functional>

#include "driver/kernel/local_lock.h"
#include "driver/kernel/rwsem.h"

using namespace kt;

namespace {

// ---------------------------------------------------------------- the locks

// A..D: one class each; X1/X2, Y1/Y2, Z1/Z2: two instances of one class
// (so that "A-A" takes two different locks and never really spins).
enum LockId { A, B, C, D, X1, X2, Y1, Y2, Z1, Z2, kNumLocks };
const char* const kClassOf[kNumLocks] = {"A", "B", "C", "D", "X", "X", "Y", "Y", "Z", "Z"};

spinlock_t g_spin[kNumLocks];
rwlock_t g_rw[kNumLocks];
mutex g_mutex[kNumLocks];
rw_semaphore g_sem[kNumLocks];
local_lock_t g_local_A;

std::string cls(const char* prefix, int x) { return std::string(prefix) + kClassOf[x]; }

// init_shared_classes() + I2(): every lock (re)initialised, named after its
// class so instances of X share one class.
void init_locks() {
  for (int x = 0; x < kNumLocks; ++x) {
    spin_lock_init(&g_spin[x], cls("lock_", x).c_str());
    rwlock_init(&g_rw[x], cls("rwlock_", x).c_str());
    mutex_init(&g_mutex[x], cls("mutex_", x).c_str());
    init_rwsem(&g_sem[x], cls("rwsem_", x).c_str());
  }
  local_lock_init(&g_local_A, "local_A");
}

// The lock-type columns (locking-selftest-{spin,wlock,rlock,mutex,wsem,rsem}.h).
enum Type { SPIN, WLOCK, RLOCK, MUTEX, WSEM, RSEM };

void LOCK(Type t, int x) {
  switch (t) {
    case SPIN: spin_lock(&g_spin[x]); break;
    case WLOCK: write_lock(&g_rw[x]); break;
    case RLOCK: read_lock(&g_rw[x]); break;
    case MUTEX: mutex_lock(&g_mutex[x]); break;
    case WSEM: down_write(&g_sem[x]); break;
    case RSEM: down_read(&g_sem[x]); break;
  }
}
void UNLOCK(Type t, int x) {
  switch (t) {
    case SPIN: spin_unlock(&g_spin[x]); break;
    case WLOCK: write_unlock(&g_rw[x]); break;
    case RLOCK: read_unlock(&g_rw[x]); break;
    case MUTEX: mutex_unlock(&g_mutex[x]); break;
    case WSEM: up_write(&g_sem[x]); break;
    case RSEM: up_read(&g_sem[x]); break;
  }
}
void INIT(Type t, int x) {
  switch (t) {
    case SPIN: spin_lock_init(&g_spin[x], cls("lock_", x).c_str()); break;
    case WLOCK:
    case RLOCK: rwlock_init(&g_rw[x], cls("rwlock_", x).c_str()); break;
    case MUTEX: mutex_init(&g_mutex[x], cls("mutex_", x).c_str()); break;
    case WSEM:
    case RSEM: init_rwsem(&g_sem[x], cls("rwsem_", x).c_str()); break;
  }
}
void LOCK_UNLOCK_2(Type t, int x, int y) {
  LOCK(t, x);
  LOCK(t, y);
  UNLOCK(t, y);
  UNLOCK(t, x);
}

// The shortcuts of the original: L/U spinlock, WL/RL rwlock, ML mutex,
// WSL/RSL rwsem.
void L(int x) { spin_lock(&g_spin[x]); }
void U(int x) { spin_unlock(&g_spin[x]); }
void WL(int x) { write_lock(&g_rw[x]); }
void WU(int x) { write_unlock(&g_rw[x]); }
void RL(int x) { read_lock(&g_rw[x]); }
void RU(int x) { read_unlock(&g_rw[x]); }
void ML(int x) { mutex_lock(&g_mutex[x]); }
void MU(int x) { mutex_unlock(&g_mutex[x]); }
void WSL(int x) { down_write(&g_sem[x]); }
void WSU(int x) { up_write(&g_sem[x]); }
void RSL(int x) { down_read(&g_sem[x]); }
void RSU(int x) { up_read(&g_sem[x]); }

// ---------------------------------------------------------------- simulated irq contexts

// HARDIRQ_ENTER/EXIT: __irq_enter() without the interrupt (preempt count
// and context only); SOFTIRQ_ENTER/EXIT: bh off, irqs off, serving softirq.
void HARDIRQ_ENTER() {
  local_irq_disable();
  preempt_count_add(HARDIRQ_OFFSET);
  this_kernel().push_ctx("hardirq:locking-selftest");
}
void HARDIRQ_EXIT() {
  this_kernel().pop_ctx();
  preempt_count_sub(HARDIRQ_OFFSET);
  local_irq_enable();
}
void SOFTIRQ_ENTER() {
  local_bh_disable();
  local_irq_disable();
  preempt_count_add(SOFTIRQ_OFFSET);
  this_kernel().push_ctx("softirq:locking-selftest");
}
void SOFTIRQ_EXIT() {
  this_kernel().pop_ctx();
  preempt_count_sub(SOFTIRQ_OFFSET);
  local_irq_enable();
  local_bh_enable();
}

// The -hardirq.h / -softirq.h variants: IRQ_ENTER/EXIT/DISABLE/ENABLE.
enum Irq { HARD, SOFT };
void IRQ_ENTER(Irq i) { i == HARD ? HARDIRQ_ENTER() : SOFTIRQ_ENTER(); }
void IRQ_EXIT(Irq i) { i == HARD ? HARDIRQ_EXIT() : SOFTIRQ_EXIT(); }
void IRQ_DISABLE(Irq i) { i == HARD ? local_irq_disable() : local_bh_disable(); }
void IRQ_ENABLE(Irq i) { i == HARD ? local_irq_enable() : local_bh_enable(); }

// ---------------------------------------------------------------- cases

constexpr int FAILURE = 0, SUCCESS = 1;

// One cell of the table.
struct Cell {
  enum Kind { RUN, PAD, NOT_CARRIED } kind = RUN;
  std::function<void()> fn;
  int expected = SUCCESS;
  std::string rule;      // FAILURE: the rule the first report must have
  std::string headline;  // and its headline
  bool v419 = false;     // also a case of the v4.19 matrix
  std::string pad;       // PAD: the literal the kernel prints instead
};

struct Row {
  std::string name;
  std::vector<Cell> cells;
};

struct Section {
  std::vector<std::string> header;  // lines printed before the rows
  bool queued = false;              // run with force_read_lock_recursive off
  std::vector<Row> rows;
};

// "L-3/READ": the safe lock is a reader in the irq, and the kernel names
// the irq class of the safe usage bit: "HARDIRQ-READ-safe -> ...".
std::string headline_of(const std::string& rule, Irq irq = HARD) {
  if (rule == "L-3/READ")
    return irq == HARD ? "WARNING: HARDIRQ-READ-safe -> HARDIRQ-READ-unsafe lock order detected"
                       : "WARNING: SOFTIRQ-READ-safe -> SOFTIRQ-READ-unsafe lock order detected";
  if (rule == "L-1") return "WARNING: inconsistent lock state";
  if (rule == "L-2") return "WARNING: possible irq lock inversion dependency detected";
  if (rule == "L-3")
    return irq == HARD ? "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected"
                       : "WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected";
  if (rule == "L-4") return "WARNING: possible circular locking dependency detected";
  if (rule == "L-5") return "WARNING: possible recursive locking detected";
  if (rule == "L-UNLOCK") return "WARNING: bad unlock balance detected!";
  if (rule == "L-FREED") return "WARNING: held lock freed!";
  return "?";
}

Cell ok(std::function<void()> fn, bool v419 = true) {
  Cell c;
  c.fn = std::move(fn);
  c.expected = SUCCESS;
  c.v419 = v419;
  return c;
}
Cell fail(std::function<void()> fn, const std::string& rule, Irq irq = HARD, bool v419 = true) {
  Cell c;
  c.fn = std::move(fn);
  c.expected = FAILURE;
  c.rule = rule.substr(0, rule.find('/'));
  c.headline = headline_of(rule, irq);
  c.v419 = v419;
  return c;
}
Cell pad(const std::string& s) {
  Cell c;
  c.kind = Cell::PAD;
  c.pad = s;
  return c;
}
Cell not_carried() {
  Cell c;
  c.kind = Cell::NOT_CARRIED;
  return c;
}

const std::vector<Type> kSix = {SPIN, WLOCK, RLOCK, MUTEX, WSEM, RSEM};

// DO_TESTCASE_6R / DO_TESTCASE_6: six columns plus rtmutex (not carried).
Row row6(const std::string& name, std::function<void(Type)> e, const std::string& rule, bool rlock_ok) {
  Row r{name, {}};
  for (Type t : kSix) {
    auto fn = [e, t] { e(t); };
    r.cells.push_back(t == RLOCK && rlock_ok ? ok(fn) : fail(fn, rule));
  }
  r.cells.push_back(not_carried());
  return r;
}

// The permutations of GENERATE_PERMUTATIONS_{2,3}_EVENTS.
const std::vector<std::string> kPerm2 = {"12", "21"};
const std::vector<std::string> kPerm3 = {"123", "132", "213", "231", "312", "321"};

void run_perm(const std::string& order, const std::vector<std::function<void()>>& ev) {
  for (char ch : order) ev[static_cast<size_t>(ch - '1')]();
}

// Events of one irq scenario for a lock type and an irq kind.
using Events = std::function<std::vector<std::function<void()>>(Type, Irq)>;
// The rule a failing permutation must report.
using RuleOf = std::function<std::string(const std::string& perm)>;

// DO_TESTCASE_3 / 3RW rows (spin, wlock fail; rlock silent), hard then soft.
void rows_6I(Section& s, const std::string& desc, const std::vector<std::string>& perms, Events ev, RuleOf rule,
             bool soft_too = true) {
  for (const auto& perm : perms)
    for (Irq irq : {HARD, SOFT}) {
      if (irq == SOFT && !soft_too) continue;
      Row r{std::string(irq == HARD ? "hard-" : "soft-") + desc + "/" + perm, {}};
      for (Type t : {SPIN, WLOCK, RLOCK}) {
        auto fn = [ev, t, irq, perm] { run_perm(perm, ev(t, irq)); };
        r.cells.push_back(t == RLOCK ? ok(fn) : fail(fn, rule(perm), irq));
      }
      s.rows.push_back(r);
    }
}

// The 3-event irq rows: E1 makes the A -> B dependency, E2 and E3 the
// usages. If E1 comes last the new dependency itself connects the safe and
// the unsafe lock (L-3); otherwise marking the second usage finds the
// other one through the graph (L-2).
std::string dep_last_is_l3(const std::string& perm) { return perm.back() == '1' ? "L-3" : "L-2"; }
std::string dep_last_is_l3_read(const std::string& perm) { return perm.back() == '1' ? "L-3/READ" : "L-2"; }

// ---------------------------------------------------------------- the matrix

std::vector<Section> build_matrix() {
  std::vector<Section> m;
  // Deadlock rows.
  {
    Section s;
    s.header = {"                                 | spin |wlock |rlock |mutex | wsem | rsem |rtmutex",
                "  --------------------------------------------------------------------------"};
    s.rows.push_back(row6("A-A deadlock", [](Type t) { LOCK(t, X1); LOCK(t, X2); }, "L-5", true));
    s.rows.push_back(row6("A-B-B-A deadlock", [](Type t) { LOCK_UNLOCK_2(t, A, B); LOCK_UNLOCK_2(t, B, A); }, "L-4",
                          true));
    s.rows.push_back(row6("A-B-B-C-C-A deadlock",
                          [](Type t) { LOCK_UNLOCK_2(t, A, B); LOCK_UNLOCK_2(t, B, C); LOCK_UNLOCK_2(t, C, A); },
                          "L-4", true));
    s.rows.push_back(row6("A-B-C-A-B-C deadlock",
                          [](Type t) { LOCK_UNLOCK_2(t, A, B); LOCK_UNLOCK_2(t, C, A); LOCK_UNLOCK_2(t, B, C); },
                          "L-4", true));
    s.rows.push_back(row6("A-B-B-C-C-D-D-A deadlock",
                          [](Type t) {
                            LOCK_UNLOCK_2(t, A, B);
                            LOCK_UNLOCK_2(t, B, C);
                            LOCK_UNLOCK_2(t, C, D);
                            LOCK_UNLOCK_2(t, D, A);
                          },
                          "L-4", true));
    s.rows.push_back(row6("A-B-C-D-B-D-D-A deadlock",
                          [](Type t) {
                            LOCK_UNLOCK_2(t, A, B);
                            LOCK_UNLOCK_2(t, C, D);
                            LOCK_UNLOCK_2(t, B, D);
                            LOCK_UNLOCK_2(t, D, A);
                          },
                          "L-4", true));
    s.rows.push_back(row6("A-B-C-D-B-C-D-A deadlock",
                          [](Type t) {
                            LOCK_UNLOCK_2(t, A, B);
                            LOCK_UNLOCK_2(t, C, D);
                            LOCK_UNLOCK_2(t, B, C);
                            LOCK_UNLOCK_2(t, D, A);
                          },
                          "L-4", true));
    s.rows.push_back(row6("double unlock", [](Type t) { LOCK(t, A); UNLOCK(t, A); UNLOCK(t, A); }, "L-UNLOCK", false));
    s.rows.push_back(row6("initialize held", [](Type t) { LOCK(t, A); INIT(t, A); }, "L-FREED", false));
    m.push_back(s);
  }
  // Read recursion and read/write mixing.
  {
    Section s;
    s.header = {"  --------------------------------------------------------------------------"};
    const std::string skip2 = "             |";
    auto rr = [&](const std::string& name, Cell rlock, Cell rsem) {
      s.rows.push_back(Row{name, {pad(skip2), rlock, pad(skip2), rsem}});
    };
    rr("recursive read-lock", ok([] { RL(X1); RL(X1); }), fail([] { RSL(X1); RSL(X1); }, "L-5"));
    rr("recursive read-lock #2", ok([] { RL(X1); RL(X2); }), fail([] { RSL(X1); RSL(X2); }, "L-5"));
    rr("mixed read-write-lock", fail([] { RL(X1); WL(X2); }, "L-5"), fail([] { RSL(X1); WSL(X2); }, "L-5"));
    rr("mixed write-read-lock", fail([] { WL(X1); RL(X2); }, "L-5"), fail([] { WSL(X1); RSL(X2); }, "L-5"));
    rr("mixed read-lock/lock-write ABBA",
       fail([] { RL(X1); L(Y1); U(Y1); RU(X1); L(Y1); WL(X1); WU(X1); U(Y1); }, "L-4"),
       fail([] { RSL(X1); ML(Y1); MU(Y1); RSU(X1); ML(Y1); WSL(X1); WSU(X1); MU(Y1); }, "L-4"));
    rr("mixed read-lock/lock-read ABBA", ok([] { RL(X1); L(Y1); U(Y1); RU(X1); L(Y1); RL(X1); RU(X1); U(Y1); }),
       fail([] { RSL(X1); ML(Y1); MU(Y1); RSU(X1); ML(Y1); RSL(X1); RSU(X1); MU(Y1); }, "L-4"));
    rr("mixed write-lock/lock-write ABBA",
       fail([] { WL(X1); L(Y1); U(Y1); WU(X1); L(Y1); WL(X1); WU(X1); U(Y1); }, "L-4"),
       fail([] { WSL(X1); ML(Y1); MU(Y1); WSU(X1); ML(Y1); WSL(X1); WSU(X1); MU(Y1); }, "L-4"));
    s.rows.push_back(Row{"chain cached mixed R-L/L-W ABBA",
                         {pad(skip2), fail(
                                          [] {
                                            RL(X1); L(Y1); U(Y1); RU(X1);
                                            L(Y1); RL(X1); RU(X1); U(Y1);
                                            L(Y1); WL(X1); WU(X1); U(Y1);
                                          },
                                          "L-4", HARD, false)}});
    // DO_TESTCASE_6x1RR(B): recursive-read cycles, rlock column only.
    struct RWCycle {
      const char* name;
      std::vector<std::function<void()>> ev;
      bool deadlock;
    };
    const std::vector<RWCycle> cycles = {
        {"rlock W1R2/W2R3/W3R1",
         {[] { WL(X1); RL(Y1); RU(Y1); WU(X1); }, [] { WL(Y1); RL(Z1); RU(Z1); WU(Y1); },
          [] { WL(Z1); RL(X1); RU(X1); WU(Z1); }},
         true},
        {"rlock W1W2/R2R3/W3R1",
         {[] { WL(X1); WL(Y1); WU(Y1); WU(X1); }, [] { RL(Y1); RL(Z1); RU(Z1); RU(Y1); },
          [] { WL(Z1); RL(X1); RU(X1); WU(Z1); }},
         true},
        {"rlock W1W2/R2R3/R3W1",
         {[] { WL(X1); WL(Y1); WU(Y1); WU(X1); }, [] { RL(Y1); RL(Z1); RU(Z1); RU(Y1); },
          [] { RL(Z1); WL(X1); WU(X1); RU(Z1); }},
         false},
        {"rlock W1R2/R2R3/W3W1",
         {[] { WL(X1); RL(Y1); RU(Y1); WU(X1); }, [] { RL(Y1); RL(Z1); RU(Z1); RU(Y1); },
          [] { WL(Z1); WL(X1); WU(X1); WU(Z1); }},
         false},
    };
    for (const auto& c : cycles)
      for (const auto& perm : kPerm3) {
        auto ev = c.ev;
        auto fn = [ev, perm] { run_perm(perm, ev); };
        s.rows.push_back(
            Row{std::string(c.name) + "/" + perm, {pad(skip2), c.deadlock ? fail(fn, "L-4", HARD, false) : ok(fn, false)}});
      }
    m.push_back(s);
  }
  // irq rows.
  {
    Section s;
    s.header = {"  --------------------------------------------------------------------------"};
    auto always = [](const std::string& r) { return [r](const std::string&) { return r; }; };
    // irqs-on + irq-safe-A: A used in an irq and with that irq enabled.
    rows_6I(s, "irqs-on + irq-safe-A", kPerm2,
            [](Type t, Irq i) {
              return std::vector<std::function<void()>>{[t, i] { IRQ_ENTER(i); LOCK(t, A); UNLOCK(t, A); IRQ_EXIT(i); },
                                                         [t] { LOCK(t, A); UNLOCK(t, A); }};
            },
            always("L-1"));
    // sirq-safe-A => hirqs-on: enabling hardirqs (and so softirqs) with a
    // softirq-safe lock held. One variant only (hard and soft meet).
    for (const auto& perm : kPerm2) {
      Row r{"sirq-safe-A => hirqs-on/" + perm, {}};
      for (Type t : {SPIN, WLOCK, RLOCK}) {
        std::vector<std::function<void()>> ev = {
            [t] { SOFTIRQ_ENTER(); LOCK(t, A); UNLOCK(t, A); SOFTIRQ_EXIT(); },
            [t] { local_irq_disable(); LOCK(t, A); local_irq_enable(); UNLOCK(t, A); }};
        auto fn = [ev, perm] { run_perm(perm, ev); };
        r.cells.push_back(t == RLOCK ? ok(fn) : fail(fn, "L-1", SOFT));
      }
      s.rows.push_back(r);
    }
    // safe-A + irqs-on: irqs enabled while an irq-safe lock is held.
    rows_6I(s, "safe-A + irqs-on", kPerm2,
            [](Type t, Irq i) {
              return std::vector<std::function<void()>>{
                  [t, i] { IRQ_ENTER(i); LOCK(t, A); UNLOCK(t, A); IRQ_EXIT(i); },
                  [t, i] { IRQ_DISABLE(i); LOCK(t, A); IRQ_ENABLE(i); UNLOCK(t, A); }};
            },
            always("L-1"));
    // safe-A + unsafe-B #1: A -> B taken with irqs on, A then used in an irq.
    rows_6I(s, "safe-A + unsafe-B #1", kPerm3,
            [](Type t, Irq i) {
              return std::vector<std::function<void()>>{
                  [t] { LOCK(t, A); LOCK(t, B); UNLOCK(t, B); UNLOCK(t, A); }, [t] { LOCK(t, B); UNLOCK(t, B); },
                  [t, i] { IRQ_ENTER(i); LOCK(t, A); UNLOCK(t, A); IRQ_EXIT(i); }};
            },
            always("L-1"));
    // safe-A + unsafe-B #2: A -> B with irqs off, B unsafe, A safe.
    rows_6I(s, "safe-A + unsafe-B #2", kPerm3,
            [](Type t, Irq i) {
              return std::vector<std::function<void()>>{
                  [t, i] { IRQ_DISABLE(i); LOCK(t, A); LOCK(t, B); UNLOCK(t, B); UNLOCK(t, A); IRQ_ENABLE(i); },
                  [t] { LOCK(t, B); UNLOCK(t, B); }, [t, i] { IRQ_ENTER(i); LOCK(t, A); UNLOCK(t, A); IRQ_EXIT(i); }};
            },
            dep_last_is_l3);
    // irq lock-inversion: write_lock(A) -> B; B irq-unsafe; A read in an irq.
    rows_6I(s, "irq lock-inversion", kPerm3,
            [](Type t, Irq i) {
              return std::vector<std::function<void()>>{
                  [t, i] { IRQ_DISABLE(i); WL(A); LOCK(t, B); UNLOCK(t, B); WU(A); IRQ_ENABLE(i); },
                  [t] { LOCK(t, B); UNLOCK(t, B); }, [i] { IRQ_ENTER(i); RL(A); RU(A); IRQ_EXIT(i); }};
            },
            dep_last_is_l3_read);
    m.push_back(s);
  }
  // irq read-recursion #1..#3 (DO_TESTCASE_6x2x2RW): wlock fails, rlock not.
  {
    Section s;
    using EvFn = std::function<std::vector<std::function<void()>>(Type, Irq)>;
    struct RR {
      const char* name;
      EvFn ev;
      RuleOf rule;
    };
    const std::vector<RR> groups = {
        {"irq read-recursion",
         [](Type t, Irq i) {
           return std::vector<std::function<void()>>{
               [i] { IRQ_DISABLE(i); WL(A); WU(A); IRQ_ENABLE(i); }, [] { RL(A); RU(A); },
               [t, i] { IRQ_ENTER(i); LOCK(t, A); L(B); U(B); UNLOCK(t, A); IRQ_EXIT(i); }};
         },
         [](const std::string&) { return std::string("L-1"); }},
        {"irq read-recursion #2",
         [](Type t, Irq i) {
           return std::vector<std::function<void()>>{
               [t, i] { IRQ_DISABLE(i); L(B); LOCK(t, A); UNLOCK(t, A); U(B); IRQ_ENABLE(i); }, [] { RL(A); RU(A); },
               [i] { IRQ_ENTER(i); L(B); U(B); IRQ_EXIT(i); }};
         },
         dep_last_is_l3},
        {"irq read-recursion #3",
         [](Type t, Irq i) {
           return std::vector<std::function<void()>>{
               [t, i] { IRQ_DISABLE(i); WL(B); LOCK(t, A); UNLOCK(t, A); WU(B); IRQ_ENABLE(i); }, [] { RL(A); RU(A); },
               [i] { IRQ_ENTER(i); RL(B); RU(B); IRQ_EXIT(i); }};
         },
         dep_last_is_l3_read},
    };
    for (const auto& g : groups)
      for (const auto& perm : kPerm3)
        for (Irq irq : {HARD, SOFT}) {
          Row r{std::string(irq == HARD ? "hard-" : "soft-") + g.name + "/" + perm, {pad("      |")}};
          auto ev = g.ev;
          auto wfn = [ev, irq, perm] { run_perm(perm, ev(WLOCK, irq)); };
          auto rfn = [ev, irq, perm] { run_perm(perm, ev(RLOCK, irq)); };
          r.cells.push_back(fail(wfn, g.rule(perm), irq, false));
          // v4.19 ran the first group's rlock column (DO_TESTCASE_6x2).
          r.cells.push_back(ok(rfn, std::string(g.name) == "irq read-recursion"));
          s.rows.push_back(r);
        }
    m.push_back(s);
  }
  // Wound/wait mutexes: not modelled.
  {
    Section s;
    s.header = {"  --------------------------------------------------------------------------",
                "  | Wound/wait tests |  (n/c: the model has no ww_mutex)",
                "  ---------------------"};
    const std::vector<std::pair<std::string, int>> ww = {
        {"ww api failures", 3},    {"ww contexts mixing", 2}, {"finishing ww context", 4},
        {"locking mismatches", 3}, {"EDEADLK handling", 10},  {"spinlock nest unlocked", 1},
        {"spinlock nest test", 1}};
    for (const auto& w : ww) {
      Row r{w.first, {}};
      for (int i = 0; i < w.second; ++i) r.cells.push_back(not_carried());
      s.rows.push_back(r);
    }
    m.push_back(s);
    Section s2;
    s2.header = {"  -----------------------------------------------------",
                 "                                 |block | try  |context|",
                 "  -----------------------------------------------------"};
    for (const char* n : {"context", "try", "block", "spinlock"})
      s2.rows.push_back(Row{n, {not_carried(), not_carried(), not_carried()}});
    m.push_back(s2);
  }
  // queued read lock tests: read_lock() in process context is a plain
  // reader (force_read_lock_recursive off); LOCK() is write_lock here.
  {
    Section s;
    s.header = {"  --------------------------------------------------------------------------",
                "  | queued read lock tests |", "  ---------------------------"};
    s.rows.push_back(Row{"hardirq read-lock/lock-read",
                         {fail(
                             [] {
                               HARDIRQ_ENTER(); RL(A); WL(B); WU(B); RU(A); HARDIRQ_EXIT();
                               local_irq_disable(); WL(B); RL(A); RU(A); WU(B); local_irq_enable();
                             },
                             "L-4", HARD, false)}});
    s.rows.push_back(Row{"hardirq lock-read/read-lock",
                         {ok(
                             [] {
                               HARDIRQ_ENTER(); WL(B); RL(A); RU(A); WU(B); HARDIRQ_EXIT();
                               local_irq_disable(); RL(A); WL(B); WU(B); RU(A); local_irq_enable();
                             },
                             false)}});
    s.rows.push_back(Row{"hardirq inversion",
                         {fail(
                             [] {
                               HARDIRQ_ENTER(); WL(B); WU(B); HARDIRQ_EXIT();
                               local_irq_disable(); WL(B); RL(A); RU(A); WU(B); local_irq_enable();
                               RL(A); RU(A);
                             },
                             "L-2", HARD, false)}});
    s.queued = true;
    m.push_back(s);
  }
  // fs_reclaim, wait context: not modelled.
  {
    Section s;
    s.header = {"  --------------------",
                "  | fs_reclaim tests |  (n/c: no fs_reclaim lockdep map in the model)",
                "  --------------------"};
    for (const char* n : {"correct nesting", "wrong nesting", "protected nesting"})
      s.rows.push_back(Row{n, {not_carried()}});
    m.push_back(s);
  }
  // wait_context_tests(): only with CONFIG_PROVE_RAW_LOCK_NESTING.
  {
    Section s;
    s.header = {"  --------------------------------------------------------------------------",
                "  | wait context tests |  (n/c: no wait-type (LD_WAIT_*) checks and no RCU in the model)",
                "  --------------------------------------------------------------------------",
                "                                 | rcu  | raw  | spin |mutex |",
                "  --------------------------------------------------------------------------"};
    for (const char* n : {"in hardirq context", "in hardirq context (not threaded)", "in softirq context",
                          "in RCU context", "in RCU-bh context", "in RCU-sched context", "in RAW_SPINLOCK context",
                          "in SPINLOCK context", "in MUTEX context"})
      s.rows.push_back(Row{n, {not_carried(), not_carried(), not_carried(), not_carried()}});
    m.push_back(s);
  }
  // local_lock.
  {
    Section s;
    s.header = {"  --------------------------------------------------------------------------",
                "  | local_lock tests |", "  ---------------------"};
    s.rows.push_back(Row{"local_lock inversion  2",
                         {ok(
                             [] {
                               local_lock(&g_local_A); local_unlock(&g_local_A);
                               HARDIRQ_ENTER(); L(A); U(A); HARDIRQ_EXIT();
                               local_irq_disable(); L(A); local_lock(&g_local_A); local_unlock(&g_local_A); U(A);
                               local_irq_enable();
                             },
                             false)}});
    s.rows.push_back(Row{"local_lock inversion 3A",
                         {ok(
                             [] {
                               local_lock(&g_local_A); L(B); U(B); local_unlock(&g_local_A);
                               HARDIRQ_ENTER(); L(A); U(A); HARDIRQ_EXIT();
                               local_irq_disable(); L(A); local_lock(&g_local_A); local_unlock(&g_local_A); U(A);
                               local_irq_enable();
                             },
                             false)}});
    s.rows.push_back(Row{"local_lock inversion 3B",
                         {fail(
                             [] {
                               local_lock(&g_local_A); L(B); U(B); local_unlock(&g_local_A);
                               HARDIRQ_ENTER(); L(A); U(A); HARDIRQ_EXIT();
                               local_irq_disable(); L(A); local_lock(&g_local_A); local_unlock(&g_local_A); U(A);
                               local_irq_enable();
                               local_irq_disable(); L(A); L(B); U(B); U(A);
                               local_irq_disable();  // as upstream: irqs stay off, the reset turns them on
                             },
                             "L-3", HARD, false)}});
    m.push_back(s);
  }
  {
    Section s;
    s.rows.push_back(Row{"hardirq_unsafe_softirq_safe",
                         {fail(
                             [] {
                               ML(A); local_irq_disable(); L(C); U(C); local_irq_enable(); MU(A);
                               HARDIRQ_ENTER(); L(A); U(A); HARDIRQ_EXIT();
                               local_irq_disable(); L(A); L(B); U(B); U(A); local_irq_enable();
                               local_irq_disable(); L(B); L(C); U(C); U(B); local_irq_enable();
                               SOFTIRQ_ENTER(); L(D); U(D); SOFTIRQ_EXIT();
                               local_bh_disable(); L(D); U(D); local_bh_enable();
                               local_irq_disable(); L(C); L(D); U(D); U(C); local_irq_enable();
                             },
                             "L-3", HARD, false)}});
    s.header = {};
    m.push_back(s);
  }
  {
    Section s;
    s.header = {"  --------------------------------------------------------------------------",
                "  | lockdep_set_subclass() name test|  (n/c: no lockdep_set_subclass() in the model)",
                "  -----------------------------------"};
    s.rows.push_back(Row{"compare name before and after", {not_carried()}});
    m.push_back(s);
  }
  return m;
}

// ---------------------------------------------------------------- dotest()

struct Totals {
  int total = 0, successes = 0, unexpected = 0, not_carried = 0, v419_total = 0, v419_ok = 0;
  std::vector<std::string> failures;  // row/column and why
  std::string table;
};

// reset_locks(): lockdep_reset() and every lock re-initialised.
void reset_locks() {
  local_irq_disable();
  this_kernel().lockdep().reset();
  init_locks();
  local_irq_enable();
}

// Runs one case; true when the verdict matches the expectation.
bool dotest(const Cell& c, std::string* why) {
  Lockdep& ld = this_kernel().lockdep();
  const unsigned saved_preempt_count = this_kernel().current()->preempt_count;
  const size_t before = ld.reports().size();
  c.fn();
  const size_t after = ld.reports().size();
  bool good;
  if (c.expected == SUCCESS) {
    good = after == before;
    if (!good) *why = "reported " + ld.reports()[before].rule + " (" + ld.reports()[before].headline + ")";
  } else if (after == before) {
    good = false;
    *why = "silent, expected " + c.rule;
  } else {
    const LockReport& r = ld.reports()[before];
    good = r.rule == c.rule && r.headline == c.headline;
    if (!good) *why = "reported " + r.rule + " (" + r.headline + "), expected " + c.rule + " (" + c.headline + ")";
  }
  // Some cases (double unlock) leave the preempt count behind.
  this_kernel().current()->preempt_count = saved_preempt_count;
  reset_locks();
  return good;
}

void run(Totals& t) {
  Lockdep& ld = this_kernel().lockdep();
  ld.set_selftest(true);
  ld.force_read_lock_recursive = true;
  std::string& out = t.table;
  out += "------------------------\n| Locking API testsuite:\n";
  out += "----------------------------------------------------------------------------\n";
  reset_locks();
  auto sections = build_matrix();
  for (size_t si = 0; si < sections.size(); ++si) {
    const Section& s = sections[si];
    // queued_read_lock_tests() run with force_read_lock_recursive off.
    ld.force_read_lock_recursive = !s.queued;
    for (const auto& h : s.header) out += h + "\n";
    for (const auto& r : s.rows) {
      out += strfmt("%33s:", r.name.c_str());
      int col = 0;
      for (const auto& c : r.cells) {
        if (c.kind == Cell::PAD) {
          out += c.pad;
          continue;
        }
        ++col;
        if (c.kind == Cell::NOT_CARRIED) {
          out += " n/c  |";
          ++t.not_carried;
          continue;
        }
        std::string why;
        bool good = dotest(c, &why);
        ++t.total;
        if (c.v419) ++t.v419_total;
        if (good) {
          ++t.successes;
          if (c.v419) ++t.v419_ok;
          out += "  ok  |";
        } else {
          ++t.unexpected;
          out += "FAILED|";
          t.failures.push_back(r.name + " cell " + std::to_string(col) + ": " + why);
        }
      }
      out += "\n";
    }
  }
  ld.force_read_lock_recursive = false;
  ld.set_selftest(false);
  if (t.unexpected) {
    out += "-----------------------------------------------------------------\n";
    out += strfmt("%3d out of %3d testcases failed |\n", t.unexpected, t.total);
    out += "-----------------------------------------------------------------\n";
  } else {
    out += "-------------------------------------------------------\n";
    out += strfmt("Good, all %3d testcases passed! |\n", t.successes);
    out += "---------------------------------\n";
  }
  out += strfmt("(v4.19 matrix: %d of %d cases passed; n/c = not carried by the model: %d cells)\n", t.v419_ok,
                t.v419_total, t.not_carried);
}

}  // namespace

// The whole matrix in one simulation, as the kernel runs it at boot.
TEST(LockingSelftest, Matrix) {
  platform();
  static Totals t;
  static bool done = false;
  kthread_run([] {
    run(t);
    done = true;
  }, "locking-selftest");
  sc_start(10, SC_MS);
  ASSERT_TRUE(done) << "the selftest thread did not finish";
  EXPECT_FALSE(this_kernel().fatal()) << this_kernel().fatal_message();
  std::fputs(t.table.c_str(), stdout);
  std::string f;
  for (const auto& s : t.failures) f += "  " + s + "\n";
  EXPECT_EQ(t.unexpected, 0) << f;
  EXPECT_EQ(t.successes, t.total);
  EXPECT_GE(t.v419_total, 218);  // the v4.19 matrix is all there
  EXPECT_EQ(t.v419_ok, t.v419_total);
  EXPECT_NE(t.table.find(strfmt("Good, all %3d testcases passed! |", t.total)), std::string::npos);
}
