#include "lockdep.h"

#include <deque>

#include "kernel.h"
#include "models/log.h"
#include "preempt.h"

namespace dmacosim::kernel {

using namespace sc_core;

static const char* const kUsageStr[LOCK_USAGE_STATES] = {
    "IN-HARDIRQ-W", "IN-HARDIRQ-R", "HARDIRQ-ON-W", "HARDIRQ-ON-R", "IN-SOFTIRQ-W",
    "IN-SOFTIRQ-R", "SOFTIRQ-ON-W", "SOFTIRQ-ON-R", "INITIAL USE"};

const char* usage_str(int bit) { return bit >= 0 && bit < LOCK_USAGE_STATES ? kUsageStr[bit] : "?"; }

// "HARDIRQ", "HARDIRQ-READ", "SOFTIRQ", "SOFTIRQ-READ"
static const char* state_name(int bit) {
  static const char* const n[] = {"HARDIRQ", "HARDIRQ-READ", "SOFTIRQ", "SOFTIRQ-READ"};
  return n[((bit >> 2) << 1) | (bit & 1)];
}

// Keep the state, flip the direction (USED_IN <-> ENABLED), strip read.
static int exclusive_bit(int new_bit) {
  int state = new_bit & ~3;
  int dir = new_bit & 2;
  return state | (dir ^ 2);
}

static const char* kBar = "================================================================";

// ---------------------------------------------------------------- classes

lock_class* Lockdep::class_of(const std::string& key, const std::string& name) {
  auto it = by_key_.find(key);
  if (it != by_key_.end()) return it->second;
  auto c = std::make_unique<lock_class>();
  c->id = static_cast<int>(classes_.size());
  c->name = name;
  lock_class* raw = c.get();
  classes_.push_back(std::move(c));
  by_key_[key] = raw;
  return raw;
}

lock_class* Lockdep::find_class(const std::string& name) const {
  for (const auto& c : classes_)
    if (c->name == name) return c.get();
  return nullptr;
}

bool Lockdep::has_dependency(const std::string& from, const std::string& to) const {
  lock_class* a = find_class(from);
  lock_class* b = find_class(to);
  return a && b && a->after.count(b->id);
}

std::string Lockdep::lock_desc(lock_class* c) const {
  std::string u;
  for (int bit : {LOCK_USED_IN_HARDIRQ, LOCK_USED_IN_HARDIRQ_READ, LOCK_USED_IN_SOFTIRQ, LOCK_USED_IN_SOFTIRQ_READ}) {
    char ch = '.';
    if (c->usage_mask & (1u << (bit + 2))) ch = '+';
    if (c->usage_mask & (1u << bit)) ch = (c->usage_mask & (1u << (bit + 2))) ? '?' : '-';
    u += ch;
  }
  return "(" + c->name + "){" + u + "}";
}

std::string Lockdep::task_line() const {
  Kernel& k = this_kernel();
  task_struct* t = k.current();
  unsigned pc = t ? t->preempt_count : 0;
  bool he = !k.cpu().local_irq_disabled();
  bool se = (pc & SOFTIRQ_MASK) == 0;
  return strfmt("%s/%d [HC%u[%u]:SC%u[%u]:HE%u:SE%u]", t ? t->comm.c_str() : "?", t ? t->pid : -1,
                (pc & HARDIRQ_MASK) ? 1u : 0u, (pc & HARDIRQ_MASK) >> 16, (pc & SOFTIRQ_OFFSET) ? 1u : 0u,
                (pc & SOFTIRQ_MASK) >> 8, he ? 1u : 0u, se ? 1u : 0u);
}

// ---------------------------------------------------------------- reports

bool Lockdep::report(const std::string& key, LockReport r) {
  if (!keys_.insert(key).second) return false;
  r.time = sc_time_stamp();
  r.expected = expected_rules_.count(r.rule) != 0;
  log_warn("lockdep", "[" + r.rule + "]\n" + r.message);
  reports_.push_back(std::move(r));
  if (on_report) on_report(reports_.back());
  return true;
}

std::vector<LockReport> Lockdep::unexpected() const {
  std::vector<LockReport> v;
  for (const auto& r : reports_)
    if (!r.expected && !expected_rules_.count(r.rule)) v.push_back(r);
  return v;
}

size_t Lockdep::count(const std::string& rule) const {
  size_t n = 0;
  for (const auto& r : reports_)
    if (r.rule == rule) ++n;
  return n;
}

size_t Lockdep::count(const std::string& rule, const std::string& needle) const {
  size_t n = 0;
  for (const auto& r : reports_)
    if (r.rule == rule && r.message.find(needle) != std::string::npos) ++n;
  return n;
}

std::string Lockdep::dump() const {
  std::string s;
  for (const auto& r : reports_) s += "[" + r.rule + " @ " + r.time.to_string() + "]\n" + r.message + "\n";
  return s;
}

// ---------------------------------------------------------------- graph search

// BFS from `start` (forwards along "after" edges or backwards along "before")
// for a class with usage `bit` (bit >= 0) or equal to `target` (bit < 0 uses
// target). Returns the match; `path` receives start..match.
lock_class* Lockdep::bfs(lock_class* start, bool forwards, int bit, std::vector<lock_class*>* path) {
  std::vector<int> parent(classes_.size(), -2);
  std::deque<lock_class*> q;
  q.push_back(start);
  parent[start->id] = -1;
  while (!q.empty()) {
    lock_class* c = q.front();
    q.pop_front();
    if (c->usage_mask & (1u << bit)) {
      if (path) {
        path->clear();
        for (int id = c->id; id != -1; id = parent[id]) path->insert(path->begin(), classes_[id].get());
      }
      return c;
    }
    const auto& edges = forwards ? c->after : c->before;
    for (const auto& e : edges)
      if (parent[e.first] == -2) {
        parent[e.first] = c->id;
        q.push_back(classes_[e.first].get());
      }
  }
  return nullptr;
}

static bool reaches(const std::vector<std::unique_ptr<lock_class>>& classes, lock_class* from, lock_class* to,
                    std::vector<lock_class*>* path) {
  std::vector<int> parent(classes.size(), -2);
  std::deque<lock_class*> q{from};
  parent[from->id] = -1;
  while (!q.empty()) {
    lock_class* c = q.front();
    q.pop_front();
    if (c == to) {
      path->clear();
      for (int id = c->id; id != -1; id = parent[id]) path->insert(path->begin(), classes[id].get());
      return true;
    }
    for (const auto& e : c->after)
      if (parent[e.first] == -2) {
        parent[e.first] = c->id;
        q.push_back(classes[e.first].get());
      }
  }
  return false;
}

// ---------------------------------------------------------------- usage

// L-1: the class already has the exclusive usage bit.
bool Lockdep::valid_state(lock_class* c, int new_bit, int excl_bit, const held_lock* hl) {
  if (!(c->usage_mask & (1u << excl_bit))) return true;
  Kernel& k = this_kernel();
  std::string chain = k.current_chain();
  LockReport r;
  r.rule = "L-1";
  r.headline = "WARNING: inconsistent lock state";
  std::string acq = hl && !hl->chain.empty() && hl->chain != chain ? " (acquired at: " + hl->chain + ")" : "";
  r.message = strfmt(
      "%s\nWARNING: inconsistent lock state\n%s\n"
      "inconsistent {%s} -> {%s} usage.\n"
      "%s takes:\n"
      " %s, at: %s%s\n"
      "{%s} state was registered at:\n"
      "  %s\n",
      kBar, kBar, usage_str(excl_bit), usage_str(new_bit), task_line().c_str(), lock_desc(c).c_str(), chain.c_str(),
      acq.c_str(), usage_str(excl_bit), c->usage_chain[excl_bit].c_str());
  r.locks = {c->name};
  r.contexts = {c->usage_chain[excl_bit], chain};
  report(strfmt("L-1|%s|%d|%d", c->name.c_str(), excl_bit, new_bit), r);
  return false;
}

// L-2: irq inversion through the dependency graph.
bool Lockdep::check_usage_dir(lock_class* c, int new_bit, int excl_bit, bool forwards) {
  std::vector<lock_class*> path;
  lock_class* o = bfs(c, forwards, excl_bit, &path);
  if (!o || o == c) return true;
  Kernel& k = this_kernel();
  std::string chain = k.current_chain();
  const char* irqclass = state_name(new_bit & ~1);
  LockReport r;
  r.rule = "L-2";
  r.headline = "WARNING: possible irq lock inversion dependency detected";
  std::string deps;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    lock_class* a = forwards ? path[i] : path[i + 1];
    lock_class* b = forwards ? path[i + 1] : path[i];
    deps += strfmt("  %s -> %s, created at: %s\n", a->name.c_str(), b->name.c_str(), a->after[b->id].c_str());
  }
  r.message = strfmt(
      "%s\nWARNING: possible irq lock inversion dependency detected\n%s\n"
      "%s just changed the state of lock:\n"
      " %s, at: %s\n"
      "%s\n"
      " %s\n"
      "and interrupts could create inverse lock ordering between them.\n"
      "the dependency:\n%s"
      "{%s} state of %s was registered at:\n  %s\n",
      kBar, kBar, task_line().c_str(), lock_desc(c).c_str(), chain.c_str(),
      forwards ? strfmt("but this lock took another, %s-unsafe lock in the past:", irqclass).c_str()
               : strfmt("but this lock was taken by another, %s-safe lock in the past:", irqclass).c_str(),
      lock_desc(o).c_str(), deps.c_str(), usage_str(excl_bit), o->name.c_str(), o->usage_chain[excl_bit].c_str());
  r.locks = {c->name, o->name};
  r.contexts = {chain, o->usage_chain[excl_bit]};
  report(strfmt("L-2|%s|%s|%d", c->name.c_str(), o->name.c_str(), new_bit), r);
  return false;
}

bool Lockdep::mark_lock_class(lock_class* c, int bit, const std::string& chain, const held_lock* hl) {
  if (c->usage_mask & (1u << bit)) return true;
  c->usage_mask |= 1u << bit;
  c->usage_chain[bit] = chain;
  if (bit == LOCK_USED) return true;
  int excl = exclusive_bit(bit);
  bool read = bit & 1;
  bool dir = bit & 2;  // 0: USED_IN (look forwards), 2: ENABLED (look backwards)
  if (!valid_state(c, bit, excl, hl)) return false;
  if (!check_usage_dir(c, bit, excl, !dir)) return false;
  if (!read) {
    if (!valid_state(c, bit, excl + 1, hl)) return false;
    if (!check_usage_dir(c, bit, excl + 1, !dir)) return false;
  }
  return true;
}

bool Lockdep::mark_lock(const held_lock& hl, int bit) {
  return mark_lock_class(hl.cls, bit, this_kernel().current_chain(), &hl);
}

// mark_irqflags()
void Lockdep::check_usage_on_acquire(const held_lock& hl) {
  bool hardirq_ctx = in_hardirq();
  bool softirq_ctx = in_serving_softirq();
  bool softirqs_enabled = softirq_count() == 0;
  if (!hl.trylock) {
    if (hl.read) {
      if (hardirq_ctx && !mark_lock(hl, LOCK_USED_IN_HARDIRQ_READ)) return;
      if (softirq_ctx && !mark_lock(hl, LOCK_USED_IN_SOFTIRQ_READ)) return;
    } else {
      if (hardirq_ctx && !mark_lock(hl, LOCK_USED_IN_HARDIRQ)) return;
      if (softirq_ctx && !mark_lock(hl, LOCK_USED_IN_SOFTIRQ)) return;
    }
  }
  if (!hl.hardirqs_off) {
    if (hl.read) {
      if (!mark_lock(hl, LOCK_ENABLED_HARDIRQ_READ)) return;
      if (softirqs_enabled && !mark_lock(hl, LOCK_ENABLED_SOFTIRQ_READ)) return;
    } else {
      if (!mark_lock(hl, LOCK_ENABLED_HARDIRQ)) return;
      if (softirqs_enabled && !mark_lock(hl, LOCK_ENABLED_SOFTIRQ)) return;
    }
  }
}

// ---------------------------------------------------------------- dependencies

bool Lockdep::check_irq_usage(held_lock& prev, held_lock& next, int bit) {
  for (int pass : {bit, bit + 1}) {  // IN-X-W, then IN-X-R
    int excl = exclusive_bit(pass);   // X-ON-W
    std::vector<lock_class*> back, fwd;
    lock_class* safe = bfs(prev.cls, false, pass, &back);
    if (!safe) continue;
    lock_class* unsafe = bfs(next.cls, true, excl, &fwd);
    if (!unsafe) continue;
    Kernel& k = this_kernel();
    std::string chain = k.current_chain();
    const char* irqclass = state_name(pass);
    LockReport r;
    r.rule = "L-3";
    r.headline = strfmt("WARNING: %s-safe -> %s-unsafe lock order detected", irqclass, irqclass);
    r.message = strfmt(
        "%s\nWARNING: %s-safe -> %s-unsafe lock order detected\n%s\n"
        "%s is trying to acquire:\n"
        " %s, at: %s\n"
        "and this task is already holding:\n"
        " %s, at: %s\n"
        "which would create a new lock dependency:\n"
        " %s -> %s\n"
        "but this new dependency connects a %s-irq-safe lock:\n"
        " %s\n"
        "... which became %s-irq-safe at:\n"
        "  %s\n"
        "to a %s-irq-unsafe lock:\n"
        " %s\n"
        "... which became %s-irq-unsafe at:\n"
        "  %s\n",
        kBar, irqclass, irqclass, kBar, task_line().c_str(), lock_desc(next.cls).c_str(), chain.c_str(),
        lock_desc(prev.cls).c_str(), prev.chain.c_str(), lock_desc(prev.cls).c_str(), lock_desc(next.cls).c_str(),
        irqclass, lock_desc(safe).c_str(), irqclass, safe->usage_chain[pass].c_str(), irqclass,
        lock_desc(unsafe).c_str(), irqclass, unsafe->usage_chain[excl].c_str());
    r.locks = {prev.cls->name, next.cls->name};
    if (safe != prev.cls) r.locks.push_back(safe->name);
    if (unsafe != next.cls) r.locks.push_back(unsafe->name);
    r.contexts = {chain, safe->usage_chain[pass], unsafe->usage_chain[excl]};
    report(strfmt("L-3|%s|%s|%d", prev.cls->name.c_str(), next.cls->name.c_str(), pass), r);
    return false;
  }
  return true;
}

bool Lockdep::check_prev_add(held_lock& prev, held_lock& next) {
  Kernel& k = this_kernel();
  std::string chain = k.current_chain();
  // L-4: would prev -> next close a cycle (next already reaches prev)?
  std::vector<lock_class*> path;
  if (reaches(classes_, next.cls, prev.cls, &path)) {
    LockReport r;
    r.rule = "L-4";
    r.headline = "WARNING: possible circular locking dependency detected";
    std::string deps;
    for (size_t i = path.size() - 1; i >= 1; --i) {
      lock_class* a = path[i - 1];
      lock_class* b = path[i];
      deps += strfmt("-> #%zu %s:\n       %s -> %s created at: %s\n", i - 1, lock_desc(b).c_str(), a->name.c_str(),
                     b->name.c_str(), a->after[b->id].c_str());
    }
    deps += strfmt("-> #%zu %s:\n       %s -> %s being created at: %s\n", path.size() - 1,
                   lock_desc(next.cls).c_str(), prev.cls->name.c_str(), next.cls->name.c_str(), chain.c_str());
    r.message = strfmt(
        "%s\nWARNING: possible circular locking dependency detected\n%s\n"
        "%s is trying to acquire lock:\n"
        " %s, at: %s\n"
        "but task is already holding lock:\n"
        " %s, at: %s\n"
        "which lock already depends on the new lock.\n"
        "the existing dependency chain (in reverse order) is:\n%s"
        " Possible unsafe locking scenario:\n"
        "       CPU0                    CPU1\n"
        "       ----                    ----\n"
        "  lock(%s);\n"
        "                               lock(%s);\n"
        "                               lock(%s);\n"
        "  lock(%s);\n"
        " *** DEADLOCK ***\n",
        kBar, kBar, task_line().c_str(), lock_desc(next.cls).c_str(), chain.c_str(), lock_desc(prev.cls).c_str(),
        prev.chain.c_str(), deps.c_str(), prev.cls->name.c_str(), next.cls->name.c_str(), prev.cls->name.c_str(),
        next.cls->name.c_str());
    r.locks = {prev.cls->name, next.cls->name};
    r.contexts = {chain};
    for (size_t i = 0; i + 1 < path.size(); ++i) r.contexts.push_back(path[i]->after[path[i + 1]->id]);
    report(strfmt("L-4|%s|%s", prev.cls->name.c_str(), next.cls->name.c_str()), r);
    return false;
  }
  // L-3: safe -> unsafe
  if (!check_irq_usage(prev, next, LOCK_USED_IN_HARDIRQ)) return false;
  if (!check_irq_usage(prev, next, LOCK_USED_IN_SOFTIRQ)) return false;
  // Recursive-read dependencies are checked but not stored.
  if (next.read == 2 || prev.read == 2) return true;
  if (prev.cls->after.count(next.cls->id)) return true;
  prev.cls->after[next.cls->id] = chain;
  next.cls->before[prev.cls->id] = chain;
  return true;
}

void Lockdep::validate_chain(held_lock& next) {
  if (next.trylock) return;  // trylocks add no dependencies and cannot deadlock
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  // L-5 (check_deadlock): acquiring a class already held.
  for (auto& h : curr->held_locks) {
    if (h.cls != next.cls) continue;
    if (next.read == 2 && h.read) return;  // read-after-read recursion is fine
    LockReport r;
    r.rule = "L-5";
    r.headline = "WARNING: possible recursive locking detected";
    std::string chain = k.current_chain();
    r.message = strfmt(
        "%s\nWARNING: possible recursive locking detected\n%s\n"
        "%s is trying to acquire lock:\n"
        " %s, at: %s\n"
        "but task is already holding lock:\n"
        " %s, at: %s\n"
        "other info that might help us debug this:\n"
        " Possible unsafe locking scenario:\n"
        "       CPU0\n"
        "       ----\n"
        "  lock(%s);\n"
        "  lock(%s);\n"
        " *** DEADLOCK ***\n"
        " May be due to missing lock nesting notation\n",
        kBar, kBar, task_line().c_str(), lock_desc(next.cls).c_str(), chain.c_str(), lock_desc(h.cls).c_str(),
        h.chain.c_str(), h.cls->name.c_str(), next.cls->name.c_str());
    r.locks = {next.cls->name};
    r.contexts = {h.chain, chain};
    report(strfmt("L-5|%s|%s", next.cls->name.c_str(), chain.c_str()), r);
    return;
  }
  // check_prevs_add: walk down the held locks of the same irq context.
  for (size_t i = curr->held_locks.size(); i-- > 0;) {
    held_lock& h = curr->held_locks[i];
    if (h.irq_context != next.irq_context) break;
    if (h.read != 2) {
      if (!check_prev_add(h, next)) return;
      if (!h.trylock) break;
    }
  }
}

// ---------------------------------------------------------------- hooks

void Lockdep::lock_acquire(lockdep_map* map, int read, bool trylock, int subclass) {
  if (!kernel_exists()) return;
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  if (!curr) return;
  lock_class* cls;
  if (subclass == 0) {
    if (!map->cls) map->cls = class_of(map->key, map->name);
    cls = map->cls;
  } else {
    cls = class_of(map->key + strfmt("/%d", subclass), map->name + strfmt("/%d", subclass));
  }
  held_lock hl;
  hl.instance = map;
  hl.cls = cls;
  hl.read = read;
  hl.trylock = trylock;
  hl.irq_context = (in_hardirq() ? 2 : 0) + (in_serving_softirq() ? 1 : 0);
  hl.hardirqs_off = k.cpu().local_irq_disabled();
  hl.chain = k.current_chain();
  check_usage_on_acquire(hl);
  mark_lock(hl, LOCK_USED);
  validate_chain(hl);
  curr->held_locks.push_back(hl);
}

void Lockdep::lock_release(lockdep_map* map) {
  if (!kernel_exists()) return;
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  if (!curr) return;
  for (size_t i = curr->held_locks.size(); i-- > 0;) {
    if (curr->held_locks[i].instance == map) {
      curr->held_locks.erase(curr->held_locks.begin() + static_cast<long>(i));
      return;
    }
  }
  std::string chain = k.current_chain();
  LockReport r;
  r.rule = "L-UNLOCK";
  r.headline = "WARNING: bad unlock balance detected!";
  r.message = strfmt(
      "%s\nWARNING: bad unlock balance detected!\n%s\n"
      "%s is trying to release lock (%s) at:\n  %s\nbut there are no more locks to release!\n",
      kBar, kBar, task_line().c_str(), map->name.c_str(), chain.c_str());
  r.locks = {map->name};
  r.contexts = {chain};
  report("L-UNLOCK|" + map->name + "|" + chain, r);
}

void Lockdep::hardirqs_on() {
  if (!kernel_exists()) return;
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  if (!curr) return;
  std::string chain = k.current_chain();
  if (in_hardirq()) {
    LockReport r;
    r.rule = "L-IRQEN";
    r.headline = "DEBUG_LOCKS_WARN_ON(current->hardirq_context)";
    r.message = "DEBUG_LOCKS_WARN_ON(current->hardirq_context)\n"
                "Can't allow enabling interrupts while in an interrupt handler\n context: " + chain;
    r.contexts = {chain};
    report("L-IRQEN|" + chain, r);
    return;
  }
  // mark_held_locks(): every held lock now runs with hardirqs (and maybe
  // softirqs) on. Record the full chain: irqs are often enabled by a context
  // stacked on top of the lock holder (__do_softirq from spin_unlock_bh).
  chain = k.current_full_chain();
  bool softirqs_enabled = softirq_count() == 0;
  for (size_t i = 0; i < curr->held_locks.size(); ++i) {
    held_lock h = curr->held_locks[i];
    if (!mark_lock_class(h.cls, h.read ? LOCK_ENABLED_HARDIRQ_READ : LOCK_ENABLED_HARDIRQ, chain, &h)) return;
  }
  if (softirqs_enabled)
    for (size_t i = 0; i < curr->held_locks.size(); ++i) {
      held_lock h = curr->held_locks[i];
      if (!mark_lock_class(h.cls, h.read ? LOCK_ENABLED_SOFTIRQ_READ : LOCK_ENABLED_SOFTIRQ, chain, &h)) return;
    }
}

void Lockdep::softirqs_on() {
  if (!kernel_exists()) return;
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  if (!curr || in_hardirq() || k.cpu().local_irq_disabled()) return;
  std::string chain = k.current_full_chain();
  for (size_t i = 0; i < curr->held_locks.size(); ++i) {
    held_lock h = curr->held_locks[i];
    if (!mark_lock_class(h.cls, h.read ? LOCK_ENABLED_SOFTIRQ_READ : LOCK_ENABLED_SOFTIRQ, chain, &h)) return;
  }
}

}  // namespace dmacosim::kernel
