// Kernel warnings that are not lockdep splats, in Linux 6.1's layout:
// kernel/panic.c's __warn() (with lib/bug.c's "cut here" line), the
// WARN_ON_ONCE sites of kernel/softirq.c, kernel/sched/core.c's
// __might_resched() report, and lib/dump_stack.c.
#include "panic.h"

#include "kernel.h"
#include "lockdep_internal.h"
#include "models/log.h"
#include "preempt.h"

namespace dmacosim::kernel {

// One simulation per process, so the taint state is per process.
static bool g_taint_warn = false;

std::string print_tainted() {
  if (!g_taint_warn) return "Not tainted";
  // One character per taint flag (19 in 6.1): 'G' (no proprietary module)
  // first, 'W' at TAINT_WARN (bit 9), blanks for the others.
  std::string flags(19, ' ');
  flags[0] = 'G';
  flags[9] = 'W';
  return "Tainted: " + flags;
}

void add_taint_warn() { g_taint_warn = true; }

// init_utsname()->version starts with "#1"; print_kernel_ident() prints its
// first word.
std::string print_kernel_ident() { return std::string(kKernelRelease) + " #1 " + print_tainted() + "\n"; }

std::vector<stack_frame> capture_report_stack() { return stack_trace_for_report(stack_trace_save()); }

// dump_stack_print_info()
static std::string dump_stack_print_info() {
  task_struct* t = kernel_exists() ? this_kernel().current() : nullptr;
  return strfmt("CPU: 0 PID: %d Comm: %.20s %s %s #1\n", t ? t->pid : 0, t ? t->comm.c_str() : "?",
                print_tainted().c_str(), kKernelRelease) +
         "Hardware name: dmacosim SystemC/TLM platform, Verilated DMA controller\n";
}

std::string print_context_chain() {
  if (!kernel_exists()) return "";
  return "dmacosim context chain: " + this_kernel().current_full_chain() + "\n";
}

std::string dump_stack(const std::vector<stack_frame>& frames) {
  return dump_stack_print_info() + print_call_trace(frames) + print_context_chain();
}

std::string print_warn(const char* file, int line, const std::string& warn_msg,
                       const std::vector<stack_frame>& frames, const std::string& model_info,
                       std::string* headline) {
  task_struct* t = kernel_exists() ? this_kernel().current() : nullptr;
  // frames[0] is the function holding the WARN (the RIP of the trap); the
  // Call Trace starts at its caller.
  // (%pS: the real function, whatever was inlined into it at the WARN.)
  size_t rip = 0;
  while (rip + 1 < frames.size() && frames[rip].inlined) ++rip;
  const std::string at = frames.empty() ? std::string("?") : sym_offset(frames[rip]);
  const std::string src = source_relative(file ? file : "?");  // a model file: as the tree spells it
  const std::string warning =
      strfmt("WARNING: CPU: 0 PID: %d at %s:%d %s", t ? t->pid : 0, src.c_str(), line, at.c_str());
  if (headline) *headline = warning;
  std::vector<stack_frame> callers(frames.size() > rip + 1 ? frames.begin() + static_cast<long>(rip) + 1 : frames.end(),
                                   frames.end());
  // A function inlined where the WARN is gets its own RIP line first, in
  // the symbolized form ("__local_bh_disable_ip file:line [inline]").
  std::string rips;
  for (size_t i = 0; i < rip; ++i) rips += "RIP: 0010:" + frame_line(frames[i]) + "\n";
  rips += "RIP: 0010:" + at + "\n";
  std::string s = "------------[ cut here ]------------\n" + warn_msg + warning + "\n" + "Modules linked in:\n" +
                  dump_stack_print_info() + rips + print_call_trace(callers) + model_info +
                  print_context_chain() + "---[ end trace 0000000000000000 ]---\n";
  add_taint_warn();  // __warn(): add_taint(TAINT_WARN) after printing
  return s;
}

void warn_local_bh(bool enable, const std::string& lock_name) {
  Kernel& k = this_kernel();
  const std::string chain = k.current_chain();
  const std::string key = std::string("V-BH-1|") + (enable ? "en|" : "dis|") + lock_name + "|" + chain;
  if (k.lockdep().reported(key)) return;  // WARN_ON_ONCE per site: no stack walk for a repeat
  const bool hard = in_hardirq();
  const bool irqoff = irqs_disabled();
  const auto frames = capture_report_stack();
  // 6.1 kernel/softirq.c: __local_bh_disable_ip() WARN_ON_ONCE(in_hardirq());
  // __local_bh_enable_ip() WARN_ON_ONCE(in_hardirq()), then
  // lockdep_assert_irqs_enabled() (itself a WARN_ON_ONCE).
  const int line = enable ? (hard ? 375 : 376) : 302;
  const char* what = lock_name.empty() ? (enable ? "local_bh_enable()" : "local_bh_disable()")
                                       : (enable ? "spin_unlock_bh()" : "spin_lock_bh()");
  const std::string info =
      strfmt("dmacosim: %s%s%s %s: in_hardirq(): %d, irqs_disabled(): %d, preempt_count: %#x\n", what,
             lock_name.empty() ? "" : " of ", lock_name.c_str(), hard ? "in hardirq context" : "with IRQs disabled",
             hard ? 1 : 0, irqoff ? 1 : 0, preempt_count());
  LockReport r;
  r.rule = "V-BH-1";
  r.message = print_warn("kernel/softirq.c", line, "", frames, info, &r.headline);
  if (!lock_name.empty()) r.locks = {lock_name};
  r.contexts = {chain};
  k.lockdep().report(key, r);
}

void __might_resched_report(const char* file, int line, unsigned preempt_offset) {
  Kernel& k = this_kernel();
  const std::string chain = k.current_full_chain();
  const std::string key = strfmt("V-SLEEP-1|%s:%d|%s", file, line, chain.c_str());
  if (k.lockdep().reported(key)) return;
  task_struct* t = k.current();
  const unsigned pc = preempt_count();
  const bool irqoff = irqs_disabled();
  const auto frames = capture_report_stack();
  LockReport r;
  r.rule = "V-SLEEP-1";
  r.headline = "BUG: sleeping function called from invalid context";
  std::string src = source_relative(file);
  std::string msg =
      strfmt("BUG: sleeping function called from invalid context at %s:%d\n", src.c_str(), line) +
      strfmt("in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s\n", pc != 0 ? 1 : 0,
             irqoff ? 1 : 0, t->pid, t->comm.c_str()) +
      strfmt("preempt_count: %x, expected: %x\n", pc, preempt_offset) + "RCU nest depth: 0, expected: 0\n" +
      lockdep_print_held_locks(t);
  if (pc != preempt_offset) {
    // print_preempt_disable_ip(): where the count left zero. The model knows
    // the outermost held lock's acquisition (its context chain), or else the
    // interrupt context.
    msg += "Preemption disabled at:\n";
    msg += print_chain_trace(t->held_locks.empty() ? k.current_chain() : t->held_locks.front().chain, 1);
  }
  msg += dump_stack(frames);
  add_taint_warn();  // __might_resched(): add_taint(TAINT_WARN)
  r.message = msg;
  r.contexts = {chain};
  for (const auto& h : t->held_locks) r.locks.push_back(h.instance ? h.instance->name : "?");
  k.lockdep().report(key, r);
}

}  // namespace dmacosim::kernel
