// Lock validator ("lockdep"), always on.
//
// Models kernel/locking/lockdep.c of Linux 6.1: per-class usage bits,
// inconsistent-state (L-1), irq inversion (L-2), safe->unsafe order (L-3),
// circular dependencies (L-4), recursive locking (L-5), bad unlock balance
// (L-UNLOCK), held lock freed (L-FREED), lockdep_assert_held*() (L-ASSERT);
// dependencies carry their read/write kind and searches follow only "strong"
// paths (a recursive reader followed by a shared holder breaks a path), so
// recursive-read deadlocks are found and recursive-read non-deadlocks are
// not; local_lock classes are skipped by the irq-usage searches. Plus the
// two context checks V-BH-1 (kernel/softirq.c) and V-SLEEP-1
// (__might_sleep), and the model's own DEADLOCK report for a spin that can
// never succeed. lib/locking-selftest.c's matrix runs against it
// (tests/driver/kernel/test_locking_selftest.cpp).
//
// Deviation from the kernel: lockdep switches itself off after its first
// report; this validator keeps going and de-duplicates instead, so a test can
// see every distinct problem. Reports are structured records (rule, message,
// locks, contexts, time) kept in a list; the kernel-style text also goes to
// the log. Nothing aborts except a deadlock (the kernel layer sc_stop()s).
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <systemc>
#include <vector>

namespace dmacosim::kernel {

enum lock_usage_bit {
  LOCK_USED_IN_HARDIRQ = 0,
  LOCK_USED_IN_HARDIRQ_READ = 1,
  LOCK_ENABLED_HARDIRQ = 2,
  LOCK_ENABLED_HARDIRQ_READ = 3,
  LOCK_USED_IN_SOFTIRQ = 4,
  LOCK_USED_IN_SOFTIRQ_READ = 5,
  LOCK_ENABLED_SOFTIRQ = 6,
  LOCK_ENABLED_SOFTIRQ_READ = 7,
  LOCK_USED = 8,
  LOCK_USAGE_STATES = 9
};

// "IN-HARDIRQ-W", "HARDIRQ-ON-R", ..., "INITIAL USE"
const char* usage_str(int bit);

// lock_class::lock_type (Linux's LD_LOCK_*): local_lock_t is PERCPU.
enum { LD_LOCK_NORMAL = 0, LD_LOCK_PERCPU = 1 };

// Kind of a dependency prev -> next, as lockdep's DEP_*_BIT: prev held
// Exclusively or Shared (any reader), next taken as Recursive reader or
// Non-recursive. Bit index = (prev exclusive) + 2 * (next non-recursive).
enum { DEP_SR_BIT = 0, DEP_ER_BIT = 1, DEP_SN_BIT = 2, DEP_EN_BIT = 3 };

struct lock_class {
  int id = 0;
  std::string name;
  int lock_type = LD_LOCK_NORMAL;
  unsigned usage_mask = 0;
  std::string usage_chain[LOCK_USAGE_STATES];  // context chain that set each bit
  // Dependencies: this -> after[id] (chain where the edge was created).
  std::map<int, std::string> after;
  std::map<int, std::string> before;
  std::map<int, unsigned> after_dep;  // this -> after[id]: DEP_*_BIT mask
};

// Embedded in every lock (spinlock_t, rwlock_t, struct mutex).
struct lockdep_map {
  std::string name;  // printed name
  std::string key;   // class key: explicit name, or the init site
  lock_class* cls = nullptr;
  unsigned long cls_gen = 0;  // Lockdep generation `cls` belongs to (reset() invalidates)
  int lock_type = LD_LOCK_NORMAL;
};

struct held_lock {
  lockdep_map* instance = nullptr;
  lock_class* cls = nullptr;
  int read = 0;  // 0 write, 1 read (rwsem, process-context rwlock), 2 recursive read
  bool trylock = false;
  int irq_context = 0;  // 2*hardirq + softirq (as lockdep's task_irq_context)
  bool hardirqs_off = false;
  std::string chain;  // where it was acquired
  uint64_t trace_id = 0;  // its span in the trace events (trace_event.h), 0 if none
};

struct LockReport {
  std::string rule;  // "V-BH-1", "V-SLEEP-1", "L-1".."L-5", "DEADLOCK", "L-UNLOCK", "L-IRQEN", "L-FREED", "L-ASSERT"
  std::string headline;  // the kernel's headline, e.g. "WARNING: possible recursive locking detected"
  std::string message;   // full kernel-style text
  std::vector<std::string> locks;
  std::vector<std::string> contexts;
  sc_core::sc_time time;
  bool expected = false;
};

// lockdep_init_map(): name the map and pick its class key: `name` if given
// (every lock initialised with that name shares the class), else the init
// site (file:line), like the static lock_class_key of the kernel's init macros.
void lockdep_init_map(lockdep_map& m, const char* name, const char* file, int line);
// lockdep_assert_held() and friends (read: -1 any, 0 write, 1 read): a
// report (L-ASSERT) when the current task does not hold the lock so.
void lockdep_assert_held_type(const lockdep_map* map, int read, const char* file, int line);

class Lockdep {
public:
  // ---- hooks called by the locking primitives (current context implied) ----
  // `api`: the locking call, for the trace (spin_lock_bh, read_lock_irqsave, ...).
  void lock_acquire(lockdep_map* map, int read, bool trylock, int subclass = 0, const char* api = __builtin_FUNCTION());
  void lock_release(lockdep_map* map);
  void lock_downgrade(lockdep_map* map);  // a held write lock becomes a read hold (downgrade_write)
  void hardirqs_on();   // after a traced off->on transition
  void softirqs_on();   // bh count dropped to zero
  // debug_check_no_locks_freed(): [from, from+len) is freed or re-initialised;
  // a lock in it that the current task holds is reported (L-FREED).
  void debug_check_no_locks_freed(const void* from, size_t len);
  // lock_is_held_type(): does the current task hold `map`? read = -1 any,
  // 0 for write, 1 for any read.
  bool lock_is_held_type(const lockdep_map* map, int read) const;
  // lockdep_assert_held*() failed (read as for lock_is_held_type): L-ASSERT.
  void assert_held(const lockdep_map* map, int read, const char* file, int line);

  // ---- lockdep_reset() and the selftest switches ----
  // Forget every class, dependency and usage bit and every task's held
  // locks (lib/locking-selftest.c runs it between cases). Reports stay.
  void reset();
  // Selftest mode (debug_locks_silent + a UP debug spinlock that never
  // spins): the raw lock layer neither spins nor sleeps on a lock that is
  // already taken and logs no raw-state BUGs, so a case sees only lockdep's
  // verdict. Never set in normal runs, where a real deadlock stays fatal.
  void set_selftest(bool on) { selftest_ = on; }
  bool selftest() const { return selftest_; }
  // lib/locking-selftest.c's force_read_lock_recursive: read_lock() is a
  // recursive reader everywhere, not only in interrupts (qrwlock).
  bool force_read_lock_recursive = false;
  // CONFIG_QUEUED_RWLOCKS (y on Debian bookworm's amd64 and arm64 6.1
  // kernels): a process-context read_lock() waits behind a queued writer.
  bool queued_rwlocks = true;
  // read_lock_is_recursive(): recursive reader (read = 2) in interrupt
  // context, without queued rwlocks, or when the selftest forces it; else a
  // plain reader (read = 1), whose recursion is a deadlock (L-5).
  bool read_lock_is_recursive() const;

  // ---- reports ----
  // Adds a report unless one with the same key was already made.
  // Returns true if added.
  bool report(const std::string& key, LockReport r);
  // Whether a report with this key was already made. Checked before a
  // printer runs: printers walk and symbolize the C++ stack, which a report
  // that report() would drop must not pay for.
  bool reported(const std::string& key) const { return keys_.count(key) != 0; }
  // Called with each report as it is added (e.g. to mark it in a trace).
  std::function<void(const LockReport&)> on_report;
  const std::vector<LockReport>& reports() const { return reports_; }
  void clear() { reports_.clear(); keys_.clear(); }
  // Mark reports of `rule` as expected by the test (past and future).
  void expect(const std::string& rule) { expected_rules_.insert(rule); for (auto& r : reports_) if (r.rule == rule) r.expected = true; }
  std::vector<LockReport> unexpected() const;
  size_t count(const std::string& rule) const;
  // Reports of `rule` whose message contains `needle`.
  size_t count(const std::string& rule, const std::string& needle) const;
  std::string dump() const;  // all reports, for test failure messages

  lock_class* class_of(const std::string& key, const std::string& name);
  lock_class* find_class(const std::string& name) const;  // by printed name
  bool has_dependency(const std::string& from, const std::string& to) const;

private:
  void check_usage_on_acquire(const held_lock& hl);
  bool mark_lock(const held_lock& hl, int bit);
  bool mark_lock_class(lock_class* c, int bit, const std::string& chain, const held_lock* hl);
  bool valid_state(lock_class* c, int new_bit, int excl_bit, const held_lock* hl);
  bool check_usage_dir(lock_class* c, const held_lock* hl, int new_bit, int excl_bit, bool forwards);
  void validate_chain(held_lock& next);
  bool check_prev_add(held_lock& prev, held_lock& next);
  bool check_irq_usage(held_lock& prev, held_lock& next);
  // One step of a search: the class reached and whether every edge that
  // reached it on this path ended in a recursive reader ("only_xr").
  struct bfs_node {
    lock_class* cls;
    bool only_xr;
  };
  // __bfs(): breadth-first search along strong paths from `root`, forwards
  // over "after" edges or backwards over "before" edges; skips local_lock
  // classes when `skip_percpu`. Returns the first node `match` accepts;
  // `path` receives root..match.
  bool bfs(lock_class* root, bool root_only_xr, bool forwards, bool skip_percpu,
           const std::function<bool(const bfs_node&)>& match, bfs_node* found = nullptr,
           std::vector<lock_class*>* path = nullptr);

  std::vector<std::unique_ptr<lock_class>> classes_;
  std::map<std::string, lock_class*> by_key_;
  std::vector<LockReport> reports_;
  std::set<std::string> keys_;
  std::set<std::string> expected_rules_;
  std::vector<std::unique_ptr<lock_class>> retired_;  // classes from before reset(): held_lock/lockdep_map may still point at them
  unsigned long gen_ = 1;
  bool selftest_ = false;
};

}  // namespace dmacosim::kernel
