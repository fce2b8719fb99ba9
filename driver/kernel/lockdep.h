// Lock validator ("lockdep"), always on.
//
// Models kernel/locking/lockdep.c (~v4.15-4.19): per-class usage bits,
// inconsistent-state (L-1), irq inversion (L-2), safe->unsafe order (L-3),
// circular dependencies (L-4), recursive locking (L-5); plus the two context
// checks V-BH-1 (kernel/softirq.c) and V-SLEEP-1 (__might_sleep), and the
// model's own DEADLOCK report for a spin that can never succeed.
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

struct lock_class {
  int id = 0;
  std::string name;
  unsigned usage_mask = 0;
  std::string usage_chain[LOCK_USAGE_STATES];  // context chain that set each bit
  // Dependencies: this -> after[id] (chain where the edge was created).
  std::map<int, std::string> after;
  std::map<int, std::string> before;
};

// Embedded in every lock (spinlock_t, rwlock_t, struct mutex).
struct lockdep_map {
  std::string name;  // printed name
  std::string key;   // class key: explicit name, or the init site
  lock_class* cls = nullptr;
};

struct held_lock {
  lockdep_map* instance = nullptr;
  lock_class* cls = nullptr;
  int read = 0;  // 0 write, 1 read, 2 recursive read (rwlock readers)
  bool trylock = false;
  int irq_context = 0;  // 2*hardirq + softirq (as lockdep's task_irq_context)
  bool hardirqs_off = false;
  std::string chain;  // where it was acquired
};

struct LockReport {
  std::string rule;  // "V-BH-1", "V-SLEEP-1", "L-1".."L-5", "DEADLOCK", "L-UNLOCK", "L-IRQEN"
  std::string headline;  // the kernel's headline, e.g. "WARNING: possible recursive locking detected"
  std::string message;   // full kernel-style text
  std::vector<std::string> locks;
  std::vector<std::string> contexts;
  sc_core::sc_time time;
  bool expected = false;
};

class Lockdep {
public:
  // ---- hooks called by the locking primitives (current context implied) ----
  void lock_acquire(lockdep_map* map, int read, bool trylock, int subclass = 0);
  void lock_release(lockdep_map* map);
  void hardirqs_on();   // after a traced off->on transition
  void softirqs_on();   // bh count dropped to zero

  // ---- reports ----
  // Adds a report unless one with the same key was already made.
  // Returns true if added.
  bool report(const std::string& key, LockReport r);
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
  bool check_usage_dir(lock_class* c, int new_bit, int excl_bit, bool forwards);
  void validate_chain(held_lock& next);
  bool check_prev_add(held_lock& prev, held_lock& next);
  bool check_irq_usage(held_lock& prev, held_lock& next, int bit);
  lock_class* bfs(lock_class* start, bool forwards, int bit, std::vector<lock_class*>* path = nullptr);
  std::string lock_desc(lock_class* c) const;  // "(name){-.+.}"
  std::string task_line() const;                // "comm/pid [HC..:SC..:HE.:SE.]"

  std::vector<std::unique_ptr<lock_class>> classes_;
  std::map<std::string, lock_class*> by_key_;
  std::vector<LockReport> reports_;
  std::set<std::string> keys_;
  std::set<std::string> expected_rules_;
};

}  // namespace dmacosim::kernel
