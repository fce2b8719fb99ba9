#include "debug_locks.h"

#include "models/log.h"

namespace dmacosim::kernel {

// get_usage_chars(): per IRQ state, write then read: '.' unused, '-' used in
// that interrupt context, '+' taken with it enabled, '?' both.
static std::string usage_chars(const lock_class* c) {
  std::string s;
  if (!c) return "....";
  for (int base : {LOCK_USED_IN_HARDIRQ, LOCK_USED_IN_SOFTIRQ})
    for (int read = 0; read < 2; ++read) {
      const bool in = c->usage_mask >> (base + read) & 1;
      const bool on = c->usage_mask >> (base + 2 + read) & 1;
      s += in && on ? '?' : in ? '-' : on ? '+' : '.';
    }
  return s;
}

std::string debug_show_held_locks(const task_struct* p) {
  const size_t depth = p->held_locks.size();
  if (!depth) return strfmt("no locks held by %s/%d.\n", p->comm.c_str(), p->pid);
  std::string s = strfmt("%zu lock%s held by %s/%d:\n", depth, depth > 1 ? "s" : "", p->comm.c_str(), p->pid);
  for (size_t i = 0; i < depth; ++i) {
    const held_lock& h = p->held_locks[i];
    s += strfmt(" #%zu: (%s){%s}, at: %s\n", i, h.instance ? h.instance->name.c_str() : "?",
                usage_chars(h.cls).c_str(), h.chain.c_str());
  }
  return s;
}

// print_held_locks_bug()
void debug_check_no_locks_held() {
  Kernel& k = this_kernel();
  task_struct* t = k.current();
  if (!t || t->held_locks.empty()) return;
  const std::string chain = k.current_full_chain();
  LockReport r;
  r.rule = "L-EXIT";
  r.headline = strfmt("WARNING: %s/%d still has locks held!", t->comm.c_str(), t->pid);
  r.message = "====================================\n" + r.headline + "\n------------------------------------\n" +
              debug_show_held_locks(t) + "\ncontext: " + chain + "\nCall trace:\n  debug_check_no_locks_held\n  do_exit";
  r.contexts = {chain};
  for (const auto& h : t->held_locks) r.locks.push_back(h.instance ? h.instance->name : "?");
  k.lockdep().report("L-EXIT|" + t->comm, r);
}

}  // namespace dmacosim::kernel
