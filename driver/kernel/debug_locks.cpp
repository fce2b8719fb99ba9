#include "debug_locks.h"

#include "lockdep_internal.h"
#include "models/log.h"
#include "panic.h"

namespace dmacosim::kernel {

std::string debug_show_held_locks(const task_struct* p) { return lockdep_print_held_locks(p); }

// print_held_locks_bug()
void debug_check_no_locks_held() {
  Kernel& k = this_kernel();
  task_struct* t = k.current();
  if (!t || t->held_locks.empty()) return;
  const std::string key = "L-EXIT|" + t->comm;
  if (k.lockdep().reported(key)) return;  // walk no stack for a repeat
  const auto frames = capture_report_stack();
  const std::string chain = k.current_full_chain();
  LockReport r;
  r.rule = "L-EXIT";
  r.headline = strfmt("WARNING: %s/%d still has locks held!", t->comm.c_str(), t->pid);
  r.message = std::string(36, '=') + "\n" + r.headline + "\n" + print_kernel_ident() + std::string(36, '-') +
              "\n" + lockdep_print_held_locks(t) + "\nstack backtrace:\n" + dump_stack(frames);
  r.contexts = {chain};
  for (const auto& h : t->held_locks) r.locks.push_back(h.instance ? h.instance->name : "?");
  k.lockdep().report(key, r);
}

}  // namespace dmacosim::kernel
