// Kernel warnings that are not lockdep splats (kernel/panic.c's __warn(),
// lib/dump_stack.c, kernel/sched/core.c's __might_resched()), in Linux 6.1's
// format, and the pieces every report shares: the kernel ident line, the
// taint string and "stack backtrace" (the real C++ call stack).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "stacktrace.h"

namespace dmacosim::kernel {

// init_utsname()->release of the modelled kernel.
constexpr const char* kKernelRelease = "6.1.0-dmacosim";
// print_tainted(): "Not tainted", or "Tainted: G        W         " once a
// WARN fired (TAINT_WARN, as __warn()'s add_taint()).
std::string print_tainted();
void add_taint_warn();
// lockdep's print_kernel_ident(): "6.1.0-dmacosim #1 Not tainted\n".
std::string print_kernel_ident();

// The current stack, symbolized, the report machinery removed: what a report
// prints. Call it only once the report is known to be new (it symbolizes).
std::vector<stack_frame> capture_report_stack();

// dump_stack(): "CPU: 0 PID: 5 Comm: alsa-ctl Not tainted 6.1.0-dmacosim #1",
// "Hardware name: ...", the Call Trace of `frames`, then the model's context
// chain of the current task ("dmacosim context chain: ...").
std::string dump_stack(const std::vector<stack_frame>& frames);
// The model's own line after a trace: the annotated KFUNC context chain.
std::string print_context_chain();

// report_bug() + __warn() for a WARN at file:line whose function is the
// first of `frames` (the caller of the warning code): "------------[ cut here
// ]------------", `warn_msg` (WARN()'s own text, may be ""), "WARNING: CPU: 0
// PID: 5 at file:line func+0x../0x..", "Modules linked in:", the CPU/Hardware
// lines, "RIP: 0010:func+0x../0x..", the Call Trace of the callers,
// `model_info` and the context chain (the model's lines), "---[ end trace
// 0000000000000000 ]---". Taints the kernel (W). `headline` receives the
// WARNING line.
std::string print_warn(const char* file, int line, const std::string& warn_msg,
                       const std::vector<stack_frame>& frames, const std::string& model_info,
                       std::string* headline = nullptr);

// kernel/softirq.c (6.1, !PREEMPT_RT): WARN_ON_ONCE(in_hardirq()) in
// __local_bh_disable_ip(), and in __local_bh_enable_ip() WARN_ON_ONCE(
// in_hardirq()) then lockdep_assert_irqs_enabled(): rule V-BH-1, printed as
// __warn() prints a WARN. `lock_name` is the spinlock of
// spin_lock_bh/spin_unlock_bh ("" for local_bh_*).
void warn_local_bh(bool enable, const std::string& lock_name);

// __might_resched()'s report (V-SLEEP-1), called by __might_sleep() once it
// decided the context is atomic: "BUG: sleeping function called from invalid
// context at FILE:LINE", in_atomic()/irqs_disabled()/pid/name, preempt_count,
// the held locks, "Preemption disabled at:" and dump_stack(). De-duplicated
// per call site and context chain.
void __might_resched_report(const char* file, int line, unsigned preempt_offset);

}  // namespace dmacosim::kernel
