// Lockdep's report printers: the text of every lockdep splat, laid out as
// Linux 6.1's kernel/locking/lockdep.c prints it. The checks that decide when
// to print live in lockdep.cpp.
//
// What the model can and cannot show: the lock being acquired or released
// right now is located in the real C++ call stack ("at: caller+0x4a/0x120");
// locks taken earlier, usage bits and dependencies were recorded with the
// model's context chain (KFUNC annotations), which is what their "at:" sites
// and saved traces print. The wait-type suffix "-{2:2}" and the irq event
// stamps are not modelled.
#include <cstdint>

#include "kernel.h"
#include "lockdep_internal.h"
#include "models/log.h"
#include "panic.h"
#include "preempt.h"

namespace dmacosim::kernel {

// ---------------------------------------------------------------- pieces

// "HARDIRQ", "HARDIRQ-READ", "SOFTIRQ", "SOFTIRQ-READ" (state_name()).
static const char* state_name(int bit) {
  static const char* const n[] = {"HARDIRQ", "HARDIRQ-READ", "SOFTIRQ", "SOFTIRQ-READ"};
  return n[((bit >> 2) << 1) | (bit & 1)];
}

// The rule line under and over the title: lockdep sizes each to its title.
static std::string report_header(const std::string& title, size_t width) {
  return std::string(width, '=') + "\n" + title + "\n" + print_kernel_ident() + std::string(width, '-') + "\n";
}

static std::string pad(size_t n) { return std::string(n, ' '); }

// Frames of the lock layer itself (spin_lock, lock_acquire, the checks):
// the "at:" site is the first frame below them, as lockdep's _RET_IP_.
static bool is_lock_layer(const stack_frame& f) {
  const std::string b = basename_of(f.file);
  if (b == "locking.cpp" || b == "lockdep.cpp" || b == "spinlock.h" || b == "rwlock.h" || b == "mutex.h" ||
      b == "local_lock.h")
    return true;
  return f.file.empty() && f.full.rfind("dmacosim::kernel::Lockdep::", 0) == 0;
}

// %pS of the return address names the real function that contains the call
// (inlining is invisible to it): the first non-inlined frame from there.
static const stack_frame* caller_frame(const std::vector<stack_frame>& frames) {
  size_t i = 0;
  while (i < frames.size() && is_lock_layer(frames[i])) ++i;
  while (i < frames.size() && frames[i].inlined) ++i;
  return i < frames.size() ? &frames[i] : nullptr;
}

// The innermost function of a recorded context chain ("tx_submit"), or the
// context itself when no function was annotated ("<process:alsa-ctl>").
static std::string chain_site(const std::string& chain) {
  std::string first = chain.substr(0, chain.find(" <- interrupted "));
  size_t p = first.rfind(" > ");
  return p != std::string::npos ? first.substr(p + 3) : "<" + first + ">";
}

static bool is_held_by_current(const held_lock* hl) {
  task_struct* t = kernel_exists() ? this_kernel().current() : nullptr;
  if (!t || !hl) return false;
  for (const auto& h : t->held_locks)
    if (h.instance == hl->instance && h.chain == hl->chain) return true;
  return false;
}

static std::string instance_addr(const void* p) {
  // %px of the lock instance; "(____ptrval____)" is what the kernel prints
  // for a pointer it cannot show.
  return p ? strfmt("%016lx", static_cast<unsigned long>(reinterpret_cast<uintptr_t>(p))) : "(____ptrval____)";
}

std::string print_lock_name(const lock_class* c) {
  std::string u;
  for (int bit : {LOCK_USED_IN_HARDIRQ, LOCK_USED_IN_HARDIRQ_READ, LOCK_USED_IN_SOFTIRQ, LOCK_USED_IN_SOFTIRQ_READ}) {
    // get_usage_char(): '+' irq enabled, '-' in irq, '?' both, '.' neither.
    char ch = '.';
    if (c->usage_mask & (1u << (bit + 2))) ch = (c->usage_mask & (1u << bit)) ? '?' : '+';
    else if (c->usage_mask & (1u << bit)) ch = '-';
    u += ch;
  }
  return "(" + c->name + "){" + u + "}";
}

std::string print_task_state() {
  Kernel& k = this_kernel();
  task_struct* t = k.current();
  unsigned pc = t ? t->preempt_count : 0;
  bool he = !k.cpu().local_irq_disabled();
  bool se = (pc & SOFTIRQ_MASK) == 0;
  return strfmt("%s/%d [HC%u[%u]:SC%u[%u]:HE%u:SE%u]", t ? t->comm.c_str() : "?", t ? t->pid : -1,
                (pc & HARDIRQ_MASK) ? 1u : 0u, (pc & HARDIRQ_MASK) >> 16, (pc & SOFTIRQ_OFFSET) ? 1u : 0u,
                (pc & SOFTIRQ_MASK) >> 8, he ? 1u : 0u, se ? 1u : 0u);
}

static std::string task_comm_pid() {
  task_struct* t = this_kernel().current();
  return t ? strfmt("%s/%d", t->comm.c_str(), t->pid) : std::string("?/-1");
}

std::string print_lock(const held_lock& hl, const std::vector<stack_frame>* frames) {
  std::string site;
  if (frames)
    if (const stack_frame* f = caller_frame(*frames)) site = sym_offset(*f);
  if (site.empty()) site = chain_site(hl.chain);
  return instance_addr(hl.instance) + " " + print_lock_name(hl.cls) + ", at: " + site + "\n";
}

std::string print_chain_trace(const std::string& chain, unsigned spaces) {
  return pad(spaces + 1) + (chain.empty() ? "<dependency through other classes>" : chain) + "\n";
}

std::string lockdep_print_held_locks(const task_struct* t) {
  if (!t) return "";
  const size_t n = t->held_locks.size();
  if (n == 0) return strfmt("no locks held by %s/%d.\n", t->comm.c_str(), t->pid);
  std::string s = strfmt("%zu lock%s held by %s/%d:\n", n, n > 1 ? "s" : "", t->comm.c_str(), t->pid);
  for (size_t i = 0; i < n; ++i) s += strfmt(" #%zu: ", i) + print_lock(t->held_locks[i]);
  return s;
}

static std::string stack_backtrace(const std::vector<stack_frame>& frames) {
  return "\nstack backtrace:\n" + dump_stack(frames);
}

// print_lock_class_header(): the class, every usage it has with where it was
// first seen, and its key.
static std::string print_lock_class_header(const lock_class* c, size_t depth) {
  std::string s = pad(depth) + "-> " + print_lock_name(c) + " {\n";
  for (int bit = 0; bit < LOCK_USAGE_STATES; ++bit) {
    if (!(c->usage_mask & (1u << bit))) continue;
    std::string line = pad(depth) + "   " + usage_str(bit);
    // The trace is indented by what printk() returned for the two parts.
    const size_t len = depth + line.size() + 4;
    s += line + " at:\n" + print_chain_trace(c->usage_chain[bit], static_cast<unsigned>(len));
  }
  s += pad(depth) + " }\n";
  s += pad(depth) + strfmt(" ... key      at: [<%016lx>] %s\n",
                           static_cast<unsigned long>(reinterpret_cast<uintptr_t>(c)), c->name.c_str());
  return s;
}

// Where the dependency a -> b was recorded (its context chain).
static std::string edge_chain(const lock_class* a, const lock_class* b) {
  auto it = a->after.find(b->id);
  return it == a->after.end() ? std::string() : it->second;
}

// The classes between `from` and `to` for the dependency sections of L-3:
// the check hands over only the two ends, so a longer path is shown as its
// two ends (the trace line then says the dependency goes through others).
static std::vector<const lock_class*> dependency_path(const lock_class* from, const lock_class* to) {
  if (from == to) return {from};
  return {from, to};
}

// print_shortest_lock_dependencies(): from the leaf back to the root, each
// class and the trace of the dependency that leads to it; the root's trace
// is the current stack. `path` is root..leaf; `leaf_to_root_edges` says the
// recorded edges point from the leaf side to the root side.
static std::string print_shortest_lock_dependencies(const std::vector<const lock_class*>& path,
                                                    bool edges_towards_root,
                                                    const std::vector<stack_frame>& frames) {
  std::string s;
  for (size_t k = path.size(); k-- > 0;) {
    s += print_lock_class_header(path[k], k);
    s += pad(k) + " ... acquired at:\n";
    if (k == 0)
      s += stack_trace_print(frames, 2);
    else
      s += print_chain_trace(edges_towards_root ? edge_chain(path[k], path[k - 1]) : edge_chain(path[k - 1], path[k]),
                             2);
    s += "\n";
  }
  return s;
}

// print_shortest_lock_dependencies_backwards(): from the irq-safe lock down
// to the held one; each entry after the first shows the trace of the
// dependency that led from the previous one. `path` is leaf (safe)..root.
static std::string print_shortest_lock_dependencies_backwards(const std::vector<const lock_class*>& path) {
  std::string s;
  for (size_t j = 0; j < path.size(); ++j) {
    const size_t depth = path.size() - 1 - j;
    s += print_lock_class_header(path[j], depth);
    if (j > 0) {
      s += pad(depth) + " ... acquired at:\n";
      s += print_chain_trace(edge_chain(path[j - 1], path[j]), 2);
      s += "\n";
    }
  }
  return s;
}

// print_usage_bug_scenario()
static std::string print_usage_bug_scenario(const lock_class* c) {
  return " Possible unsafe locking scenario:\n\n"
         "       CPU0\n"
         "       ----\n"
         "  lock(" + c->name + ");\n"
         "  <Interrupt>\n"
         "    lock(" + c->name + ");\n"
         "\n *** DEADLOCK ***\n\n";
}

// print_irq_lock_scenario(): `middle` is the class next to the safe one on
// the path (the kernel's prev_class / next_class choice).
static std::string print_irq_lock_scenario(const lock_class* safe, const lock_class* unsafe,
                                           const lock_class* middle) {
  std::string s;
  if (middle != unsafe)
    s += "Chain exists of:\n  " + safe->name + " --> " + middle->name + " --> " + unsafe->name + "\n\n";
  s += " Possible interrupt unsafe locking scenario:\n\n"
       "       CPU0                    CPU1\n"
       "       ----                    ----\n"
       "  lock(" + unsafe->name + ");\n"
       "                               local_irq_disable();\n"
       "                               lock(" + safe->name + ");\n"
       "                               lock(" + middle->name + ");\n"
       "  <Interrupt>\n"
       "    lock(" + safe->name + ");\n"
       "\n *** DEADLOCK ***\n\n";
  return s;
}

// print_circular_lock_scenario(): source = the lock being acquired, target =
// the held one, parent = the class that takes target in the existing chain.
static std::string print_circular_lock_scenario(const lock_class* source, const lock_class* target,
                                                const lock_class* parent) {
  std::string s;
  if (parent != source)
    s += "Chain exists of:\n  " + source->name + " --> " + parent->name + " --> " + target->name + "\n\n";
  s += " Possible unsafe locking scenario:\n\n"
       "       CPU0                    CPU1\n"
       "       ----                    ----\n"
       "  lock(" + target->name + ");\n"
       "                               lock(" + parent->name + ");\n"
       "                               lock(" + target->name + ");\n"
       "  lock(" + source->name + ");\n"
       "\n *** DEADLOCK ***\n\n";
  return s;
}

// print_deadlock_scenario()
static std::string print_deadlock_scenario(const lock_class* next, const lock_class* prev) {
  return " Possible unsafe locking scenario:\n\n"
         "       CPU0\n"
         "       ----\n"
         "  lock(" + prev->name + ");\n"
         "  lock(" + next->name + ");\n"
         "\n *** DEADLOCK ***\n\n"
         " May be due to missing lock nesting notation\n\n";
}

// ---------------------------------------------------------------- reports

LockReport print_usage_bug(lock_class* c, int prev_bit, int new_bit, const held_lock* hl) {
  Kernel& k = this_kernel();
  const auto frames = capture_report_stack();
  const std::string chain = k.current_chain();
  LockReport r;
  r.rule = "L-1";
  r.headline = "WARNING: inconsistent lock state";
  held_lock self;
  if (!hl) {
    self.cls = c;
    self.chain = chain;
    hl = &self;
  }
  const bool now = !is_held_by_current(hl);
  r.message = report_header(r.headline, 32) +
              strfmt("inconsistent {%s} -> {%s} usage.\n", usage_str(prev_bit), usage_str(new_bit)) +
              print_task_state() + " takes:\n" + print_lock(*hl, now ? &frames : nullptr) +
              strfmt("{%s} state was registered at:\n", usage_str(prev_bit)) +
              print_chain_trace(c->usage_chain[prev_bit], 1) +
              "\nother info that might help us debug this:\n" + print_usage_bug_scenario(c) +
              lockdep_print_held_locks(k.current()) + stack_backtrace(frames);
  r.locks = {c->name};
  r.contexts = {c->usage_chain[prev_bit], chain};
  return r;
}

LockReport print_irq_inversion_bug(lock_class* c, lock_class* other, const std::vector<lock_class*>& path,
                                   bool forwards, int new_bit, int excl_bit, const held_lock* hl) {
  (void)new_bit;
  Kernel& k = this_kernel();
  const auto frames = capture_report_stack();
  const std::string chain = k.current_chain();
  const char* irqclass = state_name(excl_bit);
  LockReport r;
  r.rule = "L-2";
  r.headline = "WARNING: possible irq lock inversion dependency detected";
  held_lock self;
  if (!hl) {
    // The class's lock: a held instance of it, else the one being taken.
    for (const auto& h : k.current()->held_locks)
      if (h.cls == c) hl = &h;
    if (!hl) {
      self.cls = c;
      self.chain = chain;
      hl = &self;
    }
  }
  const bool now = !is_held_by_current(hl);
  // The path c..other as the kernel's BFS tree: the middle class is the one
  // next to c.
  std::vector<const lock_class*> p(path.begin(), path.end());
  if (p.empty() || p.front() != c) p = {c, other};
  const lock_class* safe = forwards ? c : other;
  const lock_class* unsafe = forwards ? other : c;
  const lock_class* middle = p.size() >= 3 ? p[1] : unsafe;
  r.message = report_header(r.headline, 56) + task_comm_pid() + " just changed the state of lock:\n" +
              print_lock(*hl, now ? &frames : nullptr) +
              (forwards ? strfmt("but this lock took another, %s-unsafe lock in the past:\n", irqclass)
                        : strfmt("but this lock was taken by another, %s-safe lock in the past:\n", irqclass)) +
              " " + print_lock_name(other) +
              "\n\nand interrupts could create inverse lock ordering between them.\n\n" +
              "\nother info that might help us debug this:\n" + print_irq_lock_scenario(safe, unsafe, middle) +
              lockdep_print_held_locks(k.current()) +
              "\nthe shortest dependencies between 2nd lock and 1st lock:\n" +
              print_shortest_lock_dependencies(p, !forwards, frames) + stack_backtrace(frames);
  r.locks = {c->name, other->name};
  r.contexts = {chain, other->usage_chain[excl_bit]};
  return r;
}

LockReport print_bad_irq_dependency(const held_lock& prev, const held_lock& next, lock_class* safe, int safe_bit,
                                    lock_class* unsafe, int unsafe_bit) {
  Kernel& k = this_kernel();
  const auto frames = capture_report_stack();
  const std::string chain = k.current_chain();
  const char* irqclass = state_name(safe_bit);
  LockReport r;
  r.rule = "L-3";
  r.headline = strfmt("WARNING: %s-safe -> %s-unsafe lock order detected", irqclass, irqclass);
  const lock_class* middle = prev.cls == safe ? next.cls : prev.cls;
  r.message =
      report_header(r.headline, 53) + print_task_state() + " is trying to acquire:\n" + print_lock(next, &frames) +
      "\nand this task is already holding:\n" + print_lock(prev) + "which would create a new lock dependency:\n" +
      " " + print_lock_name(prev.cls) + " -> " + print_lock_name(next.cls) + "\n" +
      strfmt("\nbut this new dependency connects a %s-irq-safe lock:\n", irqclass) + " " + print_lock_name(safe) +
      strfmt("\n... which became %s-irq-safe at:\n", irqclass) + print_chain_trace(safe->usage_chain[safe_bit], 1) +
      strfmt("\nto a %s-irq-unsafe lock:\n", irqclass) + " " + print_lock_name(unsafe) +
      strfmt("\n... which became %s-irq-unsafe at:\n", irqclass) + "...\n" +
      print_chain_trace(unsafe->usage_chain[unsafe_bit], 1) + "\nother info that might help us debug this:\n\n" +
      print_irq_lock_scenario(safe, unsafe, middle) + lockdep_print_held_locks(k.current()) +
      strfmt("\nthe dependencies between %s-irq-safe lock and the holding lock:\n", irqclass) +
      print_shortest_lock_dependencies_backwards(dependency_path(safe, prev.cls)) +
      "\nthe dependencies between the lock to be acquired\n" + strfmt(" and %s-irq-unsafe lock:\n", irqclass) +
      print_shortest_lock_dependencies(dependency_path(next.cls, unsafe), false, frames) + stack_backtrace(frames);
  r.locks = {prev.cls->name, next.cls->name};
  if (safe != prev.cls) r.locks.push_back(safe->name);
  if (unsafe != next.cls) r.locks.push_back(unsafe->name);
  r.contexts = {chain, safe->usage_chain[safe_bit], unsafe->usage_chain[unsafe_bit]};
  return r;
}

LockReport print_circular_bug(const held_lock& prev, const held_lock& next, const std::vector<lock_class*>& path) {
  Kernel& k = this_kernel();
  const auto frames = capture_report_stack();
  const std::string chain = k.current_chain();
  LockReport r;
  r.rule = "L-4";
  r.headline = "WARNING: possible circular locking dependency detected";
  std::vector<const lock_class*> p(path.begin(), path.end());
  if (p.size() < 2) p = {next.cls, prev.cls};
  // print_circular_bug_entry(): the held lock's class first (#n), back to
  // the lock being acquired (#0, with the current stack).
  std::string entries;
  for (size_t i = p.size() - 1; i >= 1; --i)
    entries += strfmt("\n-> #%zu ", i) + print_lock_name(p[i]) + ":\n" + print_chain_trace(edge_chain(p[i - 1], p[i]), 6);
  entries += "\n-> #0 " + print_lock_name(next.cls) + ":\n" + stack_trace_print(frames, 6);
  r.message = report_header(r.headline, 54) + task_comm_pid() + " is trying to acquire lock:\n" +
              print_lock(next, &frames) + "\nbut task is already holding lock:\n" + print_lock(prev) +
              "\nwhich lock already depends on the new lock.\n\n" +
              "\nthe existing dependency chain (in reverse order) is:\n" + entries +
              "\nother info that might help us debug this:\n\n" +
              print_circular_lock_scenario(next.cls, prev.cls, p[p.size() - 2]) +
              lockdep_print_held_locks(k.current()) + stack_backtrace(frames);
  r.locks = {prev.cls->name, next.cls->name};
  r.contexts = {chain};
  for (size_t i = 0; i + 1 < p.size(); ++i) r.contexts.push_back(edge_chain(p[i], p[i + 1]));
  return r;
}

LockReport print_deadlock_bug(const held_lock& prev, const held_lock& next) {
  Kernel& k = this_kernel();
  const auto frames = capture_report_stack();
  const std::string chain = k.current_chain();
  LockReport r;
  r.rule = "L-5";
  r.headline = "WARNING: possible recursive locking detected";
  r.message = report_header(r.headline, 44) + task_comm_pid() + " is trying to acquire lock:\n" +
              print_lock(next, &frames) + "\nbut task is already holding lock:\n" + print_lock(prev) +
              "\nother info that might help us debug this:\n" + print_deadlock_scenario(next.cls, prev.cls) +
              lockdep_print_held_locks(k.current()) + stack_backtrace(frames);
  r.locks = {next.cls->name};
  r.contexts = {prev.chain, chain};
  return r;
}

LockReport print_unlock_imbalance_bug(const lockdep_map* map) {
  Kernel& k = this_kernel();
  const auto frames = capture_report_stack();
  const std::string chain = k.current_chain();
  LockReport r;
  r.rule = "L-UNLOCK";
  r.headline = "WARNING: bad unlock balance detected!";
  // print_ip_sym(): "[<ip>] caller+0x../0x.."
  std::string ip = "[<(____ptrval____)>] " + chain_site(chain);
  if (const stack_frame* f = caller_frame(frames))
    ip = strfmt("[<%016lx>] ", static_cast<unsigned long>(f->ip)) + sym_offset(*f);
  r.message = report_header(r.headline, 37) + task_comm_pid() + " is trying to release lock (" + map->name +
              ") at:\n" + ip + "\nbut there are no more locks to release!\n" +
              "\nother info that might help us debug this:\n" + lockdep_print_held_locks(k.current()) +
              stack_backtrace(frames);
  r.locks = {map->name};
  r.contexts = {chain};
  return r;
}

LockReport print_irqs_on_in_hardirq() {
  Kernel& k = this_kernel();
  const auto frames = capture_report_stack();
  const std::string chain = k.current_full_chain();
  LockReport r;
  r.rule = "L-IRQEN";
  // DEBUG_LOCKS_WARN_ON() is a WARN(1, "DEBUG_LOCKS_WARN_ON(%s)", #c):
  // the message, then __warn().
  r.message = print_warn("kernel/locking/lockdep.c", 4353, "DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context())\n",
                         frames, "dmacosim: Can't allow enabling interrupts while in an interrupt handler\n",
                         &r.headline);
  r.contexts = {chain};
  return r;
}

// ---- printers for the rules added with the locking selftest

LockReport print_freed_lock_bug(const void* from, size_t len, const held_lock& hl) {
  Kernel& k = this_kernel();
  const auto frames = capture_report_stack();
  const std::string chain = k.current_chain();
  const auto lo = static_cast<unsigned long>(reinterpret_cast<uintptr_t>(from));
  LockReport r;
  r.rule = "L-FREED";
  r.headline = "WARNING: held lock freed!";
  r.message = report_header(r.headline, 25) + task_comm_pid() +
              strfmt(" is freeing memory %016lx-%016lx, with a lock still held there!\n", lo, lo + len - 1) +
              print_lock(hl) + lockdep_print_held_locks(k.current()) + stack_backtrace(frames);
  r.locks = {hl.instance->name};
  r.contexts = {hl.chain, chain};
  return r;
}

// lockdep_assert*() is WARN_ON(debug_locks && !cond): the kernel prints a
// plain __warn() splat without a message; the model adds which assertion
// and lock failed.
LockReport print_lockdep_assert_bug(const lockdep_map* map, int read, const char* file, int line) {
  Kernel& k = this_kernel();
  auto frames = capture_report_stack();
  // The WARN_ON sits in the function that asserts (lockdep_assert_held() is
  // a macro there): drop the model's assertion plumbing above it.
  while (!frames.empty() && (frames[0].func == "assert_held" || frames[0].func == "lockdep_assert_held_type" ||
                             frames[0].func.rfind("lockdep_assert_held", 0) == 0))
    frames.erase(frames.begin());
  const std::string chain = k.current_chain();
  const char* what = read == 0 ? "lockdep_assert_held_write" : read == 1 ? "lockdep_assert_held_read"
                                                                         : "lockdep_assert_held";
  const std::string info = strfmt("%s(%s): not held%s by %s\n", what, map->name.c_str(),
                                  read == 0 ? " for writing" : read == 1 ? " for reading" : "",
                                  task_comm_pid().c_str()) +
                           lockdep_print_held_locks(k.current());
  LockReport r;
  r.rule = "L-ASSERT";
  r.message = print_warn(file, line, "", frames, info, &r.headline);
  r.locks = {map->name};
  r.contexts = {chain};
  return r;
}

}  // namespace dmacosim::kernel
