#include "lockdep.h"

#include <deque>

#include "kernel.h"
#include "lockdep_internal.h"
#include "models/log.h"
#include "preempt.h"
#include "trace_event.h"

namespace dmacosim::kernel {

using namespace sc_core;

static const char* const kUsageStr[LOCK_USAGE_STATES] = {
    "IN-HARDIRQ-W", "IN-HARDIRQ-R", "HARDIRQ-ON-W", "HARDIRQ-ON-R", "IN-SOFTIRQ-W",
    "IN-SOFTIRQ-R", "SOFTIRQ-ON-W", "SOFTIRQ-ON-R", "INITIAL USE"};

const char* usage_str(int bit) { return bit >= 0 && bit < LOCK_USAGE_STATES ? kUsageStr[bit] : "?"; }

// Keep the state, flip the direction (USED_IN <-> ENABLED), strip read.
static int exclusive_bit(int new_bit) {
  int state = new_bit & ~3;
  int dir = new_bit & 2;
  return state | (dir ^ 2);
}

// ---------------------------------------------------------------- classes

void Lockdep::reset() {
  // Classes are retired, not freed: lockdep_maps and held_locks elsewhere
  // may still point at them; the generation bump makes every map look its
  // class up again.
  for (auto& c : classes_) retired_.push_back(std::move(c));
  classes_.clear();
  by_key_.clear();
  ++gen_;
  keys_.clear();  // debug_locks = 1 again: every problem is reported anew
  if (kernel_exists())
    for (const auto& t : this_kernel().tasks()) t->held_locks.clear();
}

bool Lockdep::read_lock_is_recursive() const {
  return force_read_lock_recursive || !queued_rwlocks || in_interrupt();
}

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

// ---------------------------------------------------------------- reports

bool Lockdep::report(const std::string& key, LockReport r) {
  if (!keys_.insert(key).second) return false;
  r.time = sc_time_stamp();
  r.expected = expected_rules_.count(r.rule) != 0;
  // debug_locks_silent: the selftest judges reports, it does not print them.
  if (!selftest_) Log::instance().write_finding(LogLevel::Warn, "lockdep", "[" + r.rule + "]\n" + r.message);
  reports_.push_back(std::move(r));
  const LockReport& added = reports_.back();
  if (trace_events_on())
    trace_instant(added.rule, "validator", {{"rule", added.rule}, {"headline", added.headline}, {"report", added.message}});
  if (on_report) on_report(added);
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

// Usage-bit groups (LOCKF_*): the write bits, the USED_IN bits, the ENABLED bits.
static constexpr unsigned LOCKF_IRQ = 0x55;                 // *-W: bits 0, 2, 4, 6
static constexpr unsigned LOCKF_USED_IN_IRQ_ALL = 0x33;     // IN-*-W and IN-*-R
static constexpr unsigned LOCKF_ENABLED_IRQ_ALL = 0xcc;     // *-ON-W and *-ON-R
static constexpr unsigned DEP_S_MASK = (1u << DEP_SR_BIT) | (1u << DEP_SN_BIT);  // prev shared
static constexpr unsigned DEP_N_MASK = (1u << DEP_SN_BIT) | (1u << DEP_EN_BIT);  // next non-recursive

// calc_dep(): the kind of the new dependency prev -> next.
static unsigned calc_dep(const held_lock& prev, const held_lock& next) {
  return 1u << ((prev.read == 0 ? 1 : 0) + (next.read != 2 ? 2 : 0));
}

// A backwards step walks next -> prev: the roles swap (lockdep stores
// calc_depb() on the "before" lists), so swap the E/S and R/N index bits.
static unsigned backward_dep(unsigned dep) {
  unsigned b = 0;
  for (int i = 0; i < 4; ++i)
    if (dep & (1u << i)) b |= 1u << (((i & 1) << 1) | ((i >> 1) & 1));
  return b;
}

// usage_match(): on a path that only reached this class as a recursive
// reader, its _READ usages cannot take part in the deadlock.
static bool usage_match(const lock_class* c, bool only_xr, unsigned mask) {
  return ((only_xr ? (c->usage_mask & LOCKF_IRQ) : c->usage_mask) & mask) != 0;
}

// exclusive_mask(): the usages that conflict with those in `mask`: the
// other direction, write and read alike (IN-W, IN-R against ON-W, ON-R: a
// reader in an irq deadlocks against a writer and, through another lock,
// against a reader too).
static unsigned exclusive_mask(unsigned mask) {
  unsigned excl = 0;
  for (int bit = 0; bit < LOCK_USED; ++bit)
    if (mask & (1u << bit)) {
      int e = exclusive_bit(bit);
      excl |= (1u << e) | (1u << (e | 1));
    }
  return excl;
}

// original_mask(): the inverse of exclusive_mask(), the same computation.
static unsigned original_mask(unsigned mask) { return exclusive_mask(mask); }

// find_exclusive_match(): a pair (bit of `mask`, conflicting bit of `excl_mask`).
static bool find_exclusive_match(unsigned mask, unsigned excl_mask, int* bitp, int* excl_bitp) {
  for (int bit = 0; bit < LOCK_USED; ++bit) {
    if (!(mask & (1u << bit))) continue;
    int excl = exclusive_bit(bit);
    if (excl_mask & (1u << excl)) {
      *bitp = bit;
      *excl_bitp = excl;
      return true;
    }
    if (excl_mask & (1u << (excl | 1))) {
      *bitp = bit;
      *excl_bitp = excl | 1;
      return true;
    }
  }
  return false;
}

// __bfs(): a path is strong unless a step that ends in a recursive reader
// (-(*R)->) is followed by one that starts from a shared holder (-(S*)->):
// readers of one rwlock do not exclude each other, so such a "cycle" cannot
// deadlock. Each class is visited once, on its first strong path.
bool Lockdep::bfs(lock_class* root, bool root_only_xr, bool forwards, bool skip_percpu,
                  const std::function<bool(const bfs_node&)>& match, bfs_node* found,
                  std::vector<lock_class*>* path) {
  std::vector<int> parent(classes_.size(), -2);
  std::vector<char> only_xr(classes_.size(), 0);
  std::deque<int> q{root->id};
  parent[root->id] = -1;
  only_xr[root->id] = root_only_xr;
  while (!q.empty()) {
    int id = q.front();
    q.pop_front();
    lock_class* c = classes_[id].get();
    // usage_skip(): a local_lock is not a real lock on !PREEMPT_RT and
    // carries no irq dependency.
    if (skip_percpu && c->lock_type == LD_LOCK_PERCPU) continue;
    bfs_node n{c, only_xr[id] != 0};
    if (match(n)) {
      if (found) *found = n;
      if (path) {
        path->clear();
        for (int i = id; i != -1; i = parent[i]) path->insert(path->begin(), classes_[i].get());
      }
      return true;
    }
    const auto& edges = forwards ? c->after : c->before;
    for (const auto& e : edges) {
      if (parent[e.first] != -2) continue;
      unsigned dep = forwards ? c->after_dep[e.first] : backward_dep(classes_[e.first]->after_dep[id]);
      if (only_xr[id]) dep &= ~DEP_S_MASK;
      if (!dep) continue;
      parent[e.first] = id;
      only_xr[e.first] = !(dep & DEP_N_MASK);
      q.push_back(e.first);
    }
  }
  return false;
}

// ---------------------------------------------------------------- usage

// L-1: the class already has the exclusive usage bit.
bool Lockdep::valid_state(lock_class* c, int new_bit, int excl_bit, const held_lock* hl) {
  if (!(c->usage_mask & (1u << excl_bit))) return true;
  const std::string key = strfmt("L-1|%s|%d|%d", c->name.c_str(), excl_bit, new_bit);
  if (!reported(key)) report(key, print_usage_bug(c, excl_bit, new_bit, hl));
  return false;
}

// L-2 (check_usage_forwards / check_usage_backwards): a class reachable
// along a strong path has the usage (write or read) exclusive to new_bit.
bool Lockdep::check_usage_dir(lock_class* c, const held_lock* hl, int new_bit, int excl_bit, bool forwards) {
  const int read_bit = excl_bit + 1;
  const unsigned mask = (1u << excl_bit) | (1u << read_bit);
  // bfs_init_root(): forwards, the root continues as the reader it was
  // taken as; bfs_init_rootb(): backwards, any reader is a shared holder.
  const bool root_only_xr = hl && (forwards ? hl->read == 2 : hl->read != 0);
  bfs_node o{};
  std::vector<lock_class*> path;
  if (!bfs(c, root_only_xr, forwards, true, [&](const bfs_node& n) { return usage_match(n.cls, n.only_xr, mask); },
           &o, &path))
    return true;
  if (o.cls == c) return true;  // the class's own bits: valid_state()'s job
  const int bit = (o.cls->usage_mask & (1u << excl_bit)) ? excl_bit : read_bit;
  const std::string key = strfmt("L-2|%s|%s|%d", c->name.c_str(), o.cls->name.c_str(), new_bit);
  if (!reported(key)) report(key, print_irq_inversion_bug(c, o.cls, path, forwards, new_bit, bit, hl));
  return false;
}

// mark_lock() + mark_lock_irq()
bool Lockdep::mark_lock_class(lock_class* c, int bit, const std::string& chain, const held_lock* hl) {
  if (c->usage_mask & (1u << bit)) return true;
  c->usage_mask |= 1u << bit;
  c->usage_chain[bit] = chain;
  if (bit == LOCK_USED) return true;
  int excl = exclusive_bit(bit);
  bool read = bit & 1;
  bool dir = bit & 2;  // 0: USED_IN (look forwards), 2: ENABLED (look backwards)
  if (!valid_state(c, bit, excl, hl)) return false;
  if (!read && !valid_state(c, bit, excl + 1, hl)) return false;
  return check_usage_dir(c, hl, bit, excl, !dir);
}

bool Lockdep::mark_lock(const held_lock& hl, int bit) {
  return mark_lock_class(hl.cls, bit, this_kernel().current_chain(), &hl);
}

// mark_usage()
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

// L-3 (check_irq_usage): gather the IN-irq usages of everything that
// strongly reaches prev, look forwards from next for a class with a
// conflicting irq-ON usage, then find the safe lock behind prev that
// conflicts with it.
bool Lockdep::check_irq_usage(held_lock& prev, held_lock& next) {
  unsigned usage = 0;
  bfs(prev.cls, prev.read != 0, false, true, [&](const bfs_node& n) {
    usage |= n.only_xr ? (n.cls->usage_mask & LOCKF_IRQ) : n.cls->usage_mask;
    return false;
  });
  usage &= LOCKF_USED_IN_IRQ_ALL;
  if (!usage) return true;
  const unsigned forward_mask = exclusive_mask(usage);
  bfs_node unsafe{};
  if (!bfs(next.cls, next.read == 2, true, true,
           [&](const bfs_node& n) { return usage_match(n.cls, n.only_xr, forward_mask); }, &unsafe))
    return true;
  const unsigned backward_mask = original_mask(unsafe.cls->usage_mask & LOCKF_ENABLED_IRQ_ALL);
  bfs_node safe{};
  if (!bfs(prev.cls, prev.read != 0, false, true,
           [&](const bfs_node& n) { return usage_match(n.cls, n.only_xr, backward_mask); }, &safe))
    return true;
  int safe_bit = 0, unsafe_bit = 0;
  if (!find_exclusive_match(safe.cls->usage_mask, unsafe.cls->usage_mask, &safe_bit, &unsafe_bit)) return true;
  const std::string key = strfmt("L-3|%s|%s|%d", prev.cls->name.c_str(), next.cls->name.c_str(), safe_bit);
  if (!reported(key)) report(key, print_bad_irq_dependency(prev, next, safe.cls, safe_bit, unsafe.cls, unsafe_bit));
  return false;
}

bool Lockdep::check_prev_add(held_lock& prev, held_lock& next) {
  // L-4 (check_noncircular + hlock_conflict): would prev -> next close a
  // strong cycle, i.e. does next already strongly reach prev, ending in a
  // non-recursive acquisition or with prev held exclusively?
  std::vector<lock_class*> path;
  if (bfs(next.cls, next.read == 2, true, false,
          [&](const bfs_node& n) { return n.cls == prev.cls && (prev.read == 0 || !n.only_xr); }, nullptr,
          &path)) {
    const std::string key = strfmt("L-4|%s|%s", prev.cls->name.c_str(), next.cls->name.c_str());
    if (!reported(key)) report(key, print_circular_bug(prev, next, path));
    return false;
  }
  // L-3: safe -> unsafe
  if (!check_irq_usage(prev, next)) return false;
  const unsigned dep = calc_dep(prev, next);
  if (prev.cls->after.count(next.cls->id)) {
    prev.cls->after_dep[next.cls->id] |= dep;
    return true;
  }
  const std::string chain = this_kernel().current_chain();
  prev.cls->after[next.cls->id] = chain;
  prev.cls->after_dep[next.cls->id] = dep;
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
    if (next.read == 2 && h.read) continue;  // read-after-read recursion is fine
    const std::string key = strfmt("L-5|%s|%s", next.cls->name.c_str(), k.current_chain().c_str());
    if (!reported(key)) report(key, print_deadlock_bug(h, next));
    return;
  }
  // check_prevs_add: walk down the held locks of the same irq context.
  for (size_t i = curr->held_locks.size(); i-- > 0;) {
    held_lock& h = curr->held_locks[i];
    if (h.irq_context != next.irq_context) break;
    // A recursive re-read of a held class adds only an -(SR)-> self edge,
    // which no strong path can use.
    if (h.cls != next.cls && !check_prev_add(h, next)) return;
    if (!h.trylock) break;
  }
}

// ---------------------------------------------------------------- hooks

void Lockdep::lock_acquire(lockdep_map* map, int read, bool trylock, int subclass, const char* api) {
  if (!kernel_exists()) return;
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  if (!curr) return;
  lock_class* cls;
  if (subclass == 0) {
    if (!map->cls || map->cls_gen != gen_) {
      map->cls = class_of(map->key, map->name);
      map->cls_gen = gen_;
    }
    cls = map->cls;
  } else {
    cls = class_of(map->key + strfmt("/%d", subclass), map->name + strfmt("/%d", subclass));
  }
  cls->lock_type = map->lock_type;
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
  if (trace_events_on()) trace_lock_acquired(curr->held_locks.back(), api);
}

void Lockdep::lock_release(lockdep_map* map) {
  if (!kernel_exists()) return;
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  if (!curr) return;
  for (size_t i = curr->held_locks.size(); i-- > 0;) {
    if (curr->held_locks[i].instance == map) {
      if (trace_events_on()) trace_lock_released(curr->held_locks[i]);
      curr->held_locks.erase(curr->held_locks.begin() + static_cast<long>(i));
      return;
    }
  }
  const std::string key = "L-UNLOCK|" + map->name + "|" + k.current_chain();
  if (!reported(key)) report(key, print_unlock_imbalance_bug(map));
}

void Lockdep::debug_check_no_locks_freed(const void* from, size_t len) {
  if (!kernel_exists() || !from || !len) return;
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  if (!curr) return;
  auto lo = reinterpret_cast<uintptr_t>(from);
  auto hi = lo + len;
  for (const auto& h : curr->held_locks) {
    auto a = reinterpret_cast<uintptr_t>(h.instance);
    if (a < lo || a >= hi) continue;
    const std::string key = "L-FREED|" + h.instance->name + "|" + k.current_chain();
    if (!reported(key)) report(key, print_freed_lock_bug(from, len, h));
    return;
  }
}

bool Lockdep::lock_is_held_type(const lockdep_map* map, int read) const {
  if (!kernel_exists()) return false;
  task_struct* curr = this_kernel().current();
  if (!curr) return false;
  for (const auto& h : curr->held_locks)
    if (h.instance == map) return read == -1 || (h.read != 0) == (read != 0);
  return false;
}

void Lockdep::assert_held(const lockdep_map* map, int read, const char* file, int line) {
  if (!kernel_exists() || !this_kernel().current() || lock_is_held_type(map, read)) return;
  const std::string key = strfmt("L-ASSERT|%s|%s:%d|%s", map->name.c_str(), file ? file : "?", line,
                                 this_kernel().current_chain().c_str());
  if (!reported(key)) report(key, print_lockdep_assert_bug(map, read, file, line));
}

void Lockdep::lock_downgrade(lockdep_map* map) {
  if (!kernel_exists() || !this_kernel().current()) return;
  for (auto& h : this_kernel().current()->held_locks)
    if (h.instance == map) {
      h.read = 1;
      return;
    }
  const std::string key = "L-UNLOCK|" + map->name + "|" + this_kernel().current_chain();
  if (!reported(key)) report(key, print_unlock_imbalance_bug(map));
}

void Lockdep::hardirqs_on() {
  if (!kernel_exists()) return;
  Kernel& k = this_kernel();
  task_struct* curr = k.current();
  if (!curr) return;
  if (in_hardirq()) {
    const std::string key = "L-IRQEN|" + k.current_chain();
    if (!reported(key)) report(key, print_irqs_on_in_hardirq());
    return;
  }
  // mark_held_locks(): every held lock now runs with hardirqs (and maybe
  // softirqs) on. Record the full chain: irqs are often enabled by a context
  // stacked on top of the lock holder (__do_softirq from spin_unlock_bh).
  const std::string chain = k.current_full_chain();
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
